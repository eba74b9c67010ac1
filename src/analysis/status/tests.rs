//! Status derivation, claims and the two rules: must-fire cases and their
//! near misses.

use super::derive::{of_text, Source, State};
use crate::analysis::testutil::run_rule;
use crate::config::Config;

fn derive(number: &str, text: &str) -> Option<(State, Source)> {
    let cfg = Config::builtin();
    of_text(&cfg.check.status, number, &[(text, 1)]).map(|d| (d.state, d.source))
}

fn describe(number: &str, text: &str) -> String {
    let cfg = Config::builtin();
    of_text(&cfg.check.status, number, &[(text, 1)])
        .map(|d| d.describe(&|l| format!("line {l}")))
        .unwrap_or_default()
}

#[test]
fn checkboxes_say_done_only_when_all_are_ticked() {
    let all = "## Phase 4.1: A\n\n- [x] a\n- [X] b\n";
    assert_eq!(describe("4.1", all), "done (2/2 checkboxes)");
    let some = "## Phase 4.1: A\n\n- [x] a\n- [ ] b\n";
    assert_eq!(describe("4.1", some), "open (1/2 checkboxes)");
    // Boxes in code are examples, not work.
    let fenced = "## Phase 4.1: A\n\n- [x] a\n```md\n- [ ] b\n```\n";
    assert_eq!(describe("4.1", fenced), "done (1/1 checkboxes)");
    assert_eq!(derive("4.1", "## Phase 4.1: A\n\nProse only.\n"), None);
}

#[test]
fn a_status_line_wins_over_checkboxes_and_planning_says_nothing() {
    let t = "## Phase 4.1: A\n\n**Status**: In progress\n\n- [x] a\n";
    assert_eq!(describe("4.1", t), "open — Status: In progress (line 3)");
    let t = "## Phase 4.1: A\n\n**Status:** ✅ Complete\n\n- [ ] optional\n";
    assert_eq!(describe("4.1", t), "done — Status: ✅ Complete (line 3)");
    // "Planning Complete" is not the work done: the boxes decide.
    let t = "## Phase 2.1: A\n\n**Status**: Planning Complete\n\n- [x] a\n- [ ] b\n";
    assert_eq!(describe("2.1", t), "open (1/2 checkboxes)");
    // An expected command output is no status line.
    let t = "## Phase 4.3: A\n\n- **Expected output**:\n  - STATUS: `deployed`\n\n- [ ] b\n";
    assert_eq!(describe("4.3", t), "open (0/1 checkboxes)");
    // Open words win over done ones.
    let t = "Status: Done, review in progress\n";
    assert_eq!(derive("", t).map(|d| d.0), Some(State::Open));
}

#[test]
fn marks_and_own_completion_headings_say_done() {
    let t = "## Phase 4.7: A\n\nBody.\n\n**✅ COMPLETE**\n";
    assert_eq!(derive("4.7", t).map(|d| d.0), Some(State::Done));
    let t = "## Phase 4.7: A\n\n### Phase 4.7 Complete\n\n- [ ] left\n";
    assert_eq!(describe("4.7", t), "done — Phase 4.7 Complete (line 3)");
    // A heading naming another subphase complete is not this one's (4.7's
    // body ending with "Phase 4.10 Complete" is mislabeled, not done).
    let t = "## Phase 4.7: A\n\n### Phase 4.10 Complete\n\n- [ ] left\n";
    assert_eq!(describe("4.7", t), "open (0/1 checkboxes)");
    let t = "## ✅ Phase 4.3: Install\n\n- [ ] left\n";
    assert_eq!(derive("4.3", t).map(|d| d.0), Some(State::Done));
}

#[test]
fn cards_are_not_evidence() {
    let t = "## Phase 4.1: A\n<!-- replan:card -->\n- **Status:** done (1/1 checkboxes)\n<!-- /replan:card -->\n\n- [ ] b\n";
    assert_eq!(describe("4.1", t), "open (0/1 checkboxes)");
}

const OPEN_PLAN: (&str, &str) = (
    ".claude/plans/p/phase-4-notes.md",
    "# Phase 4\n\n## Phase 4.1: Install\n\n- [x] chart\n- [ ] smoke test\n\n## Phase 4.2: Configure\n\n- [x] sso\n",
);

fn disagree(status: &str) -> Vec<crate::finding::Finding> {
    run_rule(
        "status.disagree",
        &[(".claude/status/brief.md", status), OPEN_PLAN],
    )
}

#[test]
fn claims_of_done_against_open_subphases_fire() {
    for claim in [
        "- Phase 4: ✅ 100% complete\n",
        "Phase 4.1 complete.\n",
        "**Phase 4**: Done\n",
        "## ✅ Phase 4: ArgoCD\n",
        "| Phase | Scope | Status |\n|---|---|---|\n| 4 | ArgoCD | ✅ Complete |\n",
        "Phase 4: 2 of 2 subphases done\n",
        "- [x] Phase 4.1\n",
        "* [X] **Phase 4**: ArgoCD\n",
    ] {
        let f = disagree(claim);
        assert_eq!(f.len(), 1, "{claim:?}: {f:?}");
        assert!(
            f[0].message.contains("phase-4-notes.md:6"),
            "{claim:?}: {}",
            f[0].message
        );
    }
}

#[test]
fn claims_outside_a_closed_output_block_still_count() {
    for claim in [
        "<output>\nA template.\n</output>\n\nPhase 4.1 complete.\n",
        "<output>\n\nPhase 4.1 complete.\n",
    ] {
        assert_eq!(disagree(claim).len(), 1, "{claim:?}");
    }
}

#[test]
fn near_misses_stay_quiet() {
    for claim in [
        // Not claims of the work being done.
        "- Phase 4: planning complete\n",
        "Phase 4.1 review complete\n",
        "Start Phase 5 after Phase 4 complete\n",
        "- [ ] Phase 4 complete\n",
        "- [ ] Phase 4.1\n",
        "- [x] Phase 4.2\n",
        "- [x] Review Phase 4.1\n",
        "- [x] Phase 4.1A-C: Architecture\n",
        "Is Phase 4 complete?\n",
        "Phase 4 not complete yet\n",
        "✅ **Phase 4 Plan Created**\n",
        "Phase 4: 100% coverage (12 of 12 sub-tasks created)\n",
        // A table whose first column is not a phase.
        "| # | Task | Status |\n|---|---|---|\n| 4 | Write | ✅ Done |\n",
        // A count the plan allows (4.2 is done).
        "Phase 4: 1 of 2 done\n",
        // A count and a table row on a line `ignore` turns away (asked only
        // once a line claims something).
        "Phase 4 not complete: 2 of 2 subphases done\n",
        "| Phase | Scope | Status |\n|---|---|---|\n| 4 | ArgoCD, not done yet | ✅ Complete |\n",
        // Claims about what the plan says is done, or knows nothing of.
        "Phase 4.2 complete\n",
        "Phase 7 complete\n",
        "```\nPhase 4 complete\n```\n",
        // Conditions and instructions, as real plans write them: acceptance
        // criteria headings, gates, what waits on the phase.
        "### Phase 4 Complete When:\n- [ ] API renders\n",
        "**Phase 4 Complete When:**\n",
        "Phase 4 complete when the API ships.\n",
        "Mark Phase 4 COMPLETE only if all closeout gates are actually satisfied.\n",
        "Phases 5 and 6 can proceed in PARALLEL after Phase 4 completes\n",
        "```python\nprint(\"PHASE 4 COMPLETE - DATA PRODUCTIZATION SUCCESSFUL\")\n```\n",
        // A GSD plan's template of the summary its executor will write.
        "<output>\nAfter completion, create the SUMMARY:\n\n## Next Step\n\nPhase 4 complete. Proceed to Phase 5.\n</output>\n",
    ] {
        let f = disagree(claim);
        assert!(f.is_empty(), "{claim:?}: {f:?}");
    }
}

#[test]
fn a_consistent_plan_or_an_archived_one_gives_nothing() {
    let done = OPEN_PLAN.1.replace("- [ ]", "- [x]");
    let f = run_rule(
        "status.disagree",
        &[
            (".claude/status/brief.md", "- Phase 4: ✅ 100% complete\n"),
            (OPEN_PLAN.0, &done),
        ],
    );
    assert!(f.is_empty(), "{f:?}");
    let f = run_rule(
        "status.disagree",
        &[
            (".claude/status/brief.md", "- Phase 4: ✅ 100% complete\n"),
            (
                ".claude/archive/original-phases/p/phase-4-notes.md",
                OPEN_PLAN.1,
            ),
        ],
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn a_plan_all_done_is_stale_and_one_open_box_keeps_it_active() {
    let done = OPEN_PLAN.1.replace("- [ ]", "- [x]");
    let f = run_rule("status.stale-plan", &[(OPEN_PLAN.0, &done)]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].line, 1);
    assert!(f[0].message.contains("2 subphases"), "{}", f[0].message);
    assert!(run_rule("status.stale-plan", &[OPEN_PLAN]).is_empty());
    // A folder of atomic files, all done.
    let a = "# Phase 2.1: A\n\n- [x] a\n";
    let b = "# Phase 2.2: B\n\n**Status**: Complete\n";
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/d/phase-2.1.md", a),
            (".claude/plans/d/phase-2.2.md", b),
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].message.contains(".claude/plans/d/"),
        "{}",
        f[0].message
    );
    // ... unless a file of it says nothing of its status.
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/d/phase-2.1.md", a),
            (".claude/plans/d/phase-2.2.md", b),
            (".claude/plans/d/notes.md", "# Notes\n\nProse.\n"),
        ],
    );
    assert!(f.is_empty(), "{f:?}");
    // A checklist without subphases, every box ticked, says so plainly.
    let f = run_rule(
        "status.stale-plan",
        &[(
            ".claude/plans/c.md",
            "# Checklist

- [x] a
- [x] b
- [x] c
",
        )],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].message,
        "this plan is done (all 3 of 3 checkboxes ticked); archive it"
    );
    // Retired plans and a file with one ticked box are not reported.
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/archived/p.md", &done),
            (".claude/plans/one.md", "# One\n\n- [x] reviewed\n"),
        ],
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn whole_phase_headings_are_units_unless_two_plans_number_the_same_phase() {
    let roadmap = (
        ".claude/plans/roadmap.md",
        "# Roadmap\n\n### Phase 1: Net\n\n- [x] vpc\n\n### Phase 2: DB\n\n- [ ] cluster\n",
    );
    let claim = (".claude/status/brief.md", "- Phase 2: ✅ 100% complete\n");
    let f = run_rule("status.disagree", &[claim, roadmap]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("roadmap.md:9"), "{}", f[0].message);
    // A design doc with its own "Phase 2": which plan the claim means is unknown.
    let design = (
        ".claude/plans/design.md",
        "# Design\n\n## Phase 1: A\n\n- [x] a\n\n## Phase 2: B\n\n- [x] b\n",
    );
    assert!(run_rule("status.disagree", &[claim, roadmap, design]).is_empty());
}

#[test]
fn a_document_about_a_phase_is_not_that_phase() {
    // "Phase 4 Refactoring Plan" beside the notes' "Phase 4: ArgoCD" leaves
    // one file defining phase 4, so the claim is judged.
    let notes = (
        ".claude/plans/d/notes.md",
        "# Phase 4: ArgoCD\n\n- [ ] install\n",
    );
    let about = (
        ".claude/plans/d/refactoring.md",
        "# Phase 4 Refactoring Plan\n\n- [x] split\n",
    );
    let claim = (".claude/status/brief.md", "- Phase 4: ✅ 100% complete\n");
    let f = run_rule("status.disagree", &[claim, notes, about]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("notes.md:3"), "{}", f[0].message);
}

/// `status.stale` and `status.disagree` share one list of units a run: the
/// second ask gets the first list, the same as working them out again.
#[test]
fn units_are_worked_out_once_per_run() {
    use super::units::{units, units_of};
    let text = "# Plan\n\n## Phase 1.1: A\n\n- [x] a\n\n## Phase 1.2: B\n\n- [ ] b\n";
    let doc = crate::model::Document::from_text(".claude/plans/p.md", text);
    let rel = std::path::Path::new(".claude/plans/p.md");
    crate::analysis::with_facts(&Config::builtin(), rel, &doc, |cx, f| {
        let files = std::slice::from_ref(f);
        let first = units_of(cx, files);
        assert_eq!(first.len(), 2, "{first:?}");
        assert!(std::ptr::eq(first, units_of(cx, files)));
        let again = units(cx, files);
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
    });
}

/// A folder of independent plans, each done (Cursor's `.cursor/plans/`: one
/// checklist per plan, no numbered subphases), is as many plans, not one
/// plan's subphases: each is reported at its own file, and no finding tells
/// the user to archive the folder. Two plans each numbering their own 1.1 and
/// 1.2 are two plans too; a folder of one plan's numbered files is still one.
#[test]
fn a_folder_of_independent_plans_is_not_one_plan() {
    let plan = |t: &str| format!("# {t}\n\n## Steps\n\n- [x] a\n- [x] b\n- [x] c\n");
    let (a, b) = (plan("Command A"), plan("Command B"));
    let f = run_rule(
        "status.stale-plan",
        &[
            (".cursor/plans/a-1234.plan.md", &a),
            (".cursor/plans/b-5678.plan.md", &b),
        ],
    );
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.path.as_str(), f.message.as_str()))
        .collect();
    let each = "this plan is done (all 3 of 3 checkboxes ticked); archive it";
    assert_eq!(
        got,
        vec![
            (".cursor/plans/a-1234.plan.md", each),
            (".cursor/plans/b-5678.plan.md", each)
        ]
    );
    let numbered = |t: &str| {
        format!("# {t}\n\n## Phase 1.1: One\n\n- [x] a\n\n## Phase 1.2: Two\n\n- [x] b\n")
    };
    let (a, b) = (numbered("A"), numbered("B"));
    let f = run_rule(
        "status.stale-plan",
        &[(".claude/plans/a.md", &a), (".claude/plans/b.md", &b)],
    );
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(
        f.iter().all(|f| f.message.contains("(2 subphases)")),
        "{f:?}"
    );
    let f = run_rule(
        "status.stale-plan",
        &[
            (
                ".claude/plans/d/phase-2.1.md",
                "# Phase 2.1: A\n\n- [x] a\n",
            ),
            (
                ".claude/plans/d/phase-2.2.md",
                "# Phase 2.2: B\n\n- [x] b\n",
            ),
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("in `.claude/plans/d/`"), "{f:?}");
}

/// The parts a split wrote into a folder, beside their index, are one plan
/// even without numbered subphases (a checklist cut by budget): all done, it
/// is reported once, at the folder.
#[test]
fn a_split_plan_s_parts_beside_their_index_are_one_plan() {
    let part = |t: &str| format!("# {t}\n\n- [x] a\n- [x] b\n- [x] c\n");
    let (a, b) = (part("Handler"), part("Tests"));
    let index = "<!-- replan:index --> <!-- Generated by replan; `replan consolidate` rewrites this file. -->\n\n# Index of `p`\n";
    let f = run_rule(
        "status.stale-plan",
        &[
            (".cursor/plans/p/INDEX.md", index),
            (".cursor/plans/p/handler.md", &a),
            (".cursor/plans/p/tests.md", &b),
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("in `.cursor/plans/p/`"), "{f:?}");
}

/// A split's part whose boxes are all ticked is no finished plan while
/// another part of the same plan (beside their index) still has work open.
#[test]
fn a_done_part_of_a_split_plan_with_open_work_elsewhere_is_not_stale() {
    let index = "<!-- replan:index --> <!-- Generated by replan; `replan consolidate` rewrites this file. -->\n\n# Index of `p`\n";
    let done = "# Handler\n\n- [x] a\n- [x] b\n- [x] c\n";
    let open = "# Tests\n\n- [x] a\n- [ ] b\n- [ ] c\n";
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/p/INDEX.md", index),
            (".claude/plans/p/handler.md", done),
            (".claude/plans/p/tests.md", open),
        ],
    );
    assert!(f.is_empty(), "{f:?}");
    // Beside parts that hold no status at all, the done part is the plan's
    // only tracked work: the plan is done, as it was before the split.
    let prose = "# Background\n\nWhy we do this.\n";
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/p/INDEX.md", index),
            (".claude/plans/p/handler.md", done),
            (".claude/plans/p/background.md", prose),
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    // It is the plan's folder to archive, not the part.
    assert!(
        f[0].message
            .starts_with("every subphase of the plan in `.claude/plans/p/` is done")
            && f[0].message.ends_with("archive the folder"),
        "{}",
        f[0].message
    );
    // Without the index they are two plans side by side: the done one is stale.
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/p/handler.md", done),
            (".claude/plans/p/tests.md", open),
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
    // The tree a plan would leave has no index yet (migrate writes it from
    // these findings): parts the plan makes are its split's all the same, so
    // migrate says what `check` will say once the index is written (it said
    // more, and the next consolidate rewrote the index).
    let docs: Vec<(std::path::PathBuf, crate::model::Document)> = [
        (".claude/plans/p/handler.md", done),
        (".claude/plans/p/tests.md", open),
    ]
    .iter()
    .map(|(p, t)| (p.into(), crate::model::Document::from_text(p, t)))
    .collect();
    let inputs: Vec<crate::analysis::Input> = docs
        .iter()
        .map(|(p, d)| crate::analysis::Input { rel: p, doc: d })
        .collect();
    let parts: Vec<std::path::PathBuf> = docs.iter().map(|(p, _)| p.clone()).collect();
    let moved = [crate::analysis::MovedFile {
        from: std::path::Path::new(".claude/plans/p.md"),
        to: std::path::Path::new(".claude/archive/original-phases/p.md"),
        parts: &parts,
    }];
    let planned = crate::analysis::Planned {
        targets: &[],
        gone: &[],
        moved: &moved,
        decisions: None,
    };
    let f: Vec<_> = crate::analysis::run_planned(
        std::path::Path::new("/nonexistent-root"),
        &inputs,
        &planned,
        &crate::config::Config::builtin(),
    )
    .into_iter()
    .filter(|f| f.rule == "status.stale-plan")
    .collect();
    assert!(f.is_empty(), "{f:?}");
}

/// A subphase whose text says nothing of its state is not known to be done:
/// beside its index, a split plan whose phases 3, 5 and 6 say complete while
/// phases 1, 2 and 4 say nothing is no finished plan, and none of its parts
/// is one either.
#[test]
fn a_split_plan_with_subphases_of_unknown_state_is_not_stale() {
    let index = "<!-- replan:index --> <!-- Generated by replan; `replan consolidate` rewrites this file. -->\n\n# Index of `tui`\n";
    let quiet = "## Phase 1.1: Header\n\nDesign.\n\n## Phase 1.2: Fields\n\nDesign.\n";
    let done = "## Phase 3.1: Layout\n\n**Status: COMPLETE**\n\n## Phase 3.2: Theme\n\n**Status: COMPLETE**\n";
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/tui/INDEX.md", index),
            (".claude/plans/tui/phase-1.1-header.md", quiet),
            (".claude/plans/tui/phase-3.1-layout.md", done),
        ],
    );
    assert!(f.is_empty(), "{f:?}");
    // Must find: the same plan once its phases say done.
    let said = quiet.replace("Design.", "**Status: COMPLETE**");
    let f = run_rule(
        "status.stale-plan",
        &[
            (".claude/plans/tui/INDEX.md", index),
            (".claude/plans/tui/phase-1.1-header.md", &said),
            (".claude/plans/tui/phase-3.1-layout.md", done),
        ],
    );
    assert_eq!(f.len(), 1, "{f:?}");
}
