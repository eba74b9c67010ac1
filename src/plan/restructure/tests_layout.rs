//! Where parts go: a folder per plan unless the folder is one plan, and a
//! framework's files keep their names.

use super::tests::{op_text, plan_files, simulate, subphase_over_budget};
use super::*;
use crate::config::Config;

fn run_with(cfg: &Config, files: &[(&str, &str)], generated: &HashMap<PathBuf, String>) -> Outcome {
    let exists = |p: &Path| files.iter().any(|(f, _)| Path::new(f).starts_with(p));
    plan_files(cfg, Path::new("/r"), &exists, generated, files)
}

fn run(files: &[(&str, &str)]) -> Outcome {
    run_with(&Config::builtin(), files, &HashMap::new())
}

fn created(o: &Outcome) -> Vec<String> {
    o.plan
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Create { path, .. } => Some(path.display().to_string()),
            _ => None,
        })
        .collect()
}

/// Two plans in one folder, each with its own Step 1.1 and 1.2.
fn two_plans() -> Vec<(&'static str, String)> {
    let plan = |a: &str| {
        format!("# Zeta {a}\n\nIntro of {a}.\n\n## Step 1.1: Build {a}\n\nText.\n\n## Step 1.2: Ship {a}\n\nText.\n")
    };
    vec![
        ("docs/plans/parser-plan.md", plan("Parser")),
        ("docs/plans/deploy-plan.md", plan("Deploy")),
    ]
}

#[test]
fn each_plan_gets_its_own_folder_and_no_new_duplicates() {
    let files = two_plans();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let o = run(&refs);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert_eq!(o.splits.len(), 2);
    for s in &o.splits {
        let stem = s.original.file_stem().unwrap();
        let folder = s.original.parent().unwrap().join(stem);
        assert!(
            s.parts.iter().all(|p| p.parent() == Some(folder.as_path())),
            "{s:?}"
        );
        let index = op_text(&o, &folder.join("INDEX.md").to_string_lossy()).expect("index");
        // Listed in the document's reading order.
        let at: Vec<usize> = s
            .parts
            .iter()
            .map(|p| {
                index
                    .find(&*p.file_name().unwrap().to_string_lossy())
                    .unwrap()
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{:?} {index}", s.parts);
        assert!(index.contains("in reading order"), "{index}");
    }
    assert!(
        !o.findings.iter().any(|f| f.rule == "phase.duplicate"),
        "{:?}",
        o.findings
    );
    // The same tree laid out flat puts both Step 1.1 side by side: a duplicate.
    let mut cfg = Config::builtin();
    cfg.layout = crate::config::Layout::Flat;
    let flat = run_with(&cfg, &refs, &HashMap::new());
    assert!(flat.findings.iter().any(|f| f.rule == "phase.duplicate"));
}

#[test]
fn a_folder_whose_names_carry_its_numbers_stays_flat_and_overlaps_are_named() {
    let files = [
        (
            ".claude/plans/dd/phase-3-subphases.md",
            "# Phase 3\n\n## Phase 3.1: A\n\nx\n\n## Phase 3.2: B\n\ny\n".to_string(),
        ),
        (
            ".claude/plans/dd/phase-4-working-notes.md",
            "# Phase 4\n\n## Phase 4.1: C\n\nx\n\n## Phase 4.2: D\n\ny\n".to_string(),
        ),
        (
            ".claude/plans/dd/phase-4-refactoring-plan.md",
            "# Refactoring\n\n## Phase 4.2: D again\n\nz\n".to_string(),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let o = run(&refs);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    for p in o.splits.iter().flat_map(|s| &s.parts) {
        assert_eq!(p.parent(), Some(Path::new(".claude/plans/dd")), "{p:?}");
    }
    let overlap: Vec<String> = o
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Overlap)
        .map(|n| n.to_string())
        .collect();
    assert_eq!(overlap.len(), 1, "{:?}", o.notes);
    assert!(
        overlap[0].contains("4.2") && overlap[0].contains("phase-4-working-notes.md"),
        "{overlap:?}"
    );
}

#[test]
fn a_gsd_plan_and_its_summary_share_their_number_without_a_note() {
    // 0jrm/gsd-unsupervised: migrate had nothing to do, yet warned that each
    // SUMMARY "overlaps" its PLAN and that check would call them duplicates
    // (it does not): GSD names a plan's record after it, and never has either
    // cut.
    let plan = format!(
        "# Phase 07 Plan 02: Bootstrap\n\n{}",
        "step\n\n".repeat(120)
    );
    let files = [
        (".planning/ROADMAP.md", ROADMAP),
        (".planning/phases/07-wsl/07-02-PLAN.md", plan.as_str()),
        (
            ".planning/phases/07-wsl/07-02-SUMMARY.md",
            "# Phase 07 Plan 02: Bootstrap Summary\n\ndone\n",
        ),
    ];
    let o = run(&files);
    assert!(
        !o.notes.iter().any(|n| n.kind == NoteKind::Overlap),
        "{:?}",
        o.notes
    );
}

#[test]
fn a_decision_record_over_budget_keeps_its_name_and_says_why() {
    let long = subphase_over_budget("1.1", "Context");
    let files = [
        ("docs/plans/adr/0003-use-psc.md", long.as_str()),
        ("docs/plans/rollout.md", long.as_str()),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(
        !o.plan
            .ops
            .iter()
            .any(|op| op.path().starts_with("docs/plans/adr")),
        "{:#?}",
        o.plan.ops
    );
    assert!(
        o.notes
            .iter()
            .any(|n| n.kind == NoteKind::NotSplit && n.path.ends_with("0003-use-psc.md")),
        "{:?}",
        o.notes
    );
    // A plan beside it is still split.
    assert!(created(&o)
        .iter()
        .any(|p| p.starts_with("docs/plans/rollout")));
}

#[test]
fn a_split_never_names_its_output_as_the_configuration_leaves_alone() {
    // A plan named templates.md would put its parts in templates/ (a template
    // folder), a part of a subphase titled "Plan template" would be
    // plan-template.md: neither would be checked or refreshed again.
    let long = subphase_over_budget("1.1", "Setup");
    let titled = format!(
        "# Plan\n\n## Step 2.1: Plan template\n\n{}\n## Step 2.2: Send\n\n{}",
        "a\n".repeat(150),
        "b\n".repeat(150)
    );
    let files = [
        ("docs/plans/templates.md", long.as_str()),
        ("docs/plans/mail.md", titled.as_str()),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let made = created(&o);
    let cfg = Config::builtin();
    for p in &made {
        assert!(
            !cfg.plan_exclude.is_match(p) && !cfg.exclude.is_match(p),
            "{p:?} in {made:#?}"
        );
    }
    assert!(
        made.iter()
            .any(|p| p.starts_with("docs/plans/templates-plan/")),
        "{made:#?}"
    );
    assert!(
        made.iter().any(|p| p.contains("plan-template")),
        "{made:#?}"
    );
}

#[test]
fn a_link_to_a_split_file_goes_to_its_first_part_not_the_archive() {
    let mut files = two_plans();
    files.push((
        "docs/status.md",
        "See [the parser plan](plans/parser-plan.md).\n".to_string(),
    ));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let o = run(&refs);
    let status = op_text(&o, "docs/status.md").expect("rewritten");
    let s = o
        .splits
        .iter()
        .find(|s| s.original.ends_with("parser-plan.md"))
        .unwrap();
    let first = s.parts[0]
        .strip_prefix("docs")
        .unwrap()
        .display()
        .to_string();
    assert_eq!(status, format!("See [the parser plan]({first}).\n"));
}

const ROADMAP: &str = "# Roadmap\n\n## Phase 1: Setup\n";

#[test]
fn a_frameworks_file_keeps_its_name_as_the_index_of_its_parts() {
    let research = format!(
        "---\nphase: 02\n---\n{}",
        subphase_over_budget("2.1", "Research")
    );
    let plan_md = subphase_over_budget("1.2", "Plan");
    let files = [
        (".planning/ROADMAP.md", ROADMAP),
        (".planning/notes/setup-research.md", research.as_str()),
        (".planning/phases/01-setup/01-02-PLAN.md", plan_md.as_str()),
        (
            ".planning/STATE.md",
            "See [notes](notes/setup-research.md) and [plan](phases/01-setup/01-02-PLAN.md).\n",
        ),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    // Nothing of GSD's is moved or renamed.
    assert!(
        !o.plan.ops.iter().any(|op| matches!(op, Op::Move { .. })),
        "{:#?}",
        o.plan.ops
    );
    let index = op_text(&o, ".planning/notes/setup-research.md").expect("index in place");
    assert!(
        index.starts_with("---\nphase: 02\n---\n<!-- replan:index -->\n"),
        "{index}"
    );
    assert!(index.contains("(setup-research/"), "{index}");
    assert!(created(&o)
        .iter()
        .all(|p| p.starts_with(".planning/notes/setup-research/") || p.starts_with(".claude/")));
    // The original is kept, byte for byte, in the archive.
    assert!(o.plan.ops.iter().any(|op| matches!(op,
        Op::Create { path, contents } if path.starts_with(".claude/archive") && *contents == research)));
    // The plan file GSD parses is kept whole, with a note saying why.
    assert!(op_text(&o, ".planning/phases/01-setup/01-02-PLAN.md").is_none());
    assert!(o
        .notes
        .iter()
        .any(|n| n.kind == NoteKind::Framework && n.path.ends_with("01-02-PLAN.md")));
    // STATE.md's link to the whole file still names it (it still exists).
    assert!(op_text(&o, ".planning/STATE.md").is_none());
    // Applying it and planning again does nothing more.
    let (tree, generated) = simulate(&files, &o);
    let refs: Vec<(&str, &str)> = tree.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let again = run_with(&Config::builtin(), &refs, &generated);
    assert!(again.plan.is_empty(), "{:#?}", again.plan.ops);
}

#[test]
fn a_teams_spelling_of_a_gsd_plan_and_a_plan_template_are_kept_as_they_are() {
    // MagTer/ai-agent-platform names its GSD plans 01-PLAN-<what>.md and keeps a
    // 543-line PLAN_TEMPLATE.md beside its plans: both were split, the plan
    // into an index GSD's executor cannot run, the template into parts no one
    // can copy.
    let long = subphase_over_budget("1.2", "Plan");
    let files = [
        (".planning/ROADMAP.md", ROADMAP),
        (
            ".planning/phases/01-infra/01-PLAN-qdrant-auth.md",
            long.as_str(),
        ),
        (".planning/codebase/STRUCTURE.md", long.as_str()),
        (".planning/phases/01-infra/01-RESEARCH.md", long.as_str()),
        (".planning/research/PITFALLS.md", long.as_str()),
        (".planning/phases/01-infra/01-REVIEW.md", long.as_str()),
        (".planning/workstreams/ws/ROADMAP.md", long.as_str()),
        (
            ".planning/workstreams/ws/phases/02-api/02-01-PLAN.md",
            long.as_str(),
        ),
        (".claude/plans/PLAN_TEMPLATE.md", long.as_str()),
        (".claude/plans/auth.md", long.as_str()),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    // GSD's planner and roadmapper are given a phase's research and the
    // project's research whole (an index gave them links instead).
    for kept in [
        ".planning/phases/01-infra/01-PLAN-qdrant-auth.md",
        ".planning/codebase/STRUCTURE.md",
        ".planning/phases/01-infra/01-RESEARCH.md",
        ".planning/research/PITFALLS.md",
        // GSD's reviewer writes the review its fixer reads back, and a
        // workstream is a .planning/ of its own: vici and animeenigma had
        // theirs split into indexes.
        ".planning/phases/01-infra/01-REVIEW.md",
        ".planning/workstreams/ws/ROADMAP.md",
        ".planning/workstreams/ws/phases/02-api/02-01-PLAN.md",
        ".claude/plans/PLAN_TEMPLATE.md",
    ] {
        assert!(op_text(&o, kept).is_none(), "{kept}: {:#?}", o.plan.ops);
        assert!(
            !o.plan
                .ops
                .iter()
                .any(|op| matches!(op, Op::Move { from, .. } if from.as_os_str() == kept)),
            "{kept} moved"
        );
    }
    let why: Vec<&str> = o
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Framework)
        .map(|n| n.path.as_str())
        .collect();
    assert!(
        why.iter().any(|p| p.ends_with("01-PLAN-qdrant-auth.md")),
        "{why:?}"
    );
    assert!(why.iter().any(|p| p.ends_with("STRUCTURE.md")), "{why:?}");
    // The team's own plan beside the template is still split.
    assert!(
        created(&o)
            .iter()
            .any(|p| p.starts_with(".claude/plans/auth")),
        "{:#?}",
        created(&o)
    );
}

#[test]
fn a_tree_of_framework_files_only_renames_nothing_and_says_why() {
    let spec = subphase_over_budget("1.1", "Spec");
    let files = [
        ("openspec/project.md", "# Project\n"),
        ("openspec/specs/cli/spec.md", spec.as_str()),
        (
            "openspec/changes/archive/2025-01-01-x/tasks.md",
            spec.as_str(),
        ),
    ];
    let o = run(&files);
    assert!(o.plan.is_empty(), "{:#?}", o.plan.ops);
    let why: Vec<&Note> = o
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Framework)
        .collect();
    assert_eq!(why.len(), 1, "{:?}", o.notes);
    assert!(why[0].message.contains("OpenSpec"), "{why:?}");
}

#[test]
fn spec_kit_keeps_a_features_spec_whole_but_splits_a_teams_own_file_in_specify_specs() {
    // Some spec-kit set-ups keep features in .specify/specs/<feature>/; its
    // commands read spec.md/plan.md/tasks.md there, not a flat file beside them.
    let long = subphase_over_budget("1.1", "Spec");
    let files = [
        (".specify/memory/constitution.md", "# Constitution\n"),
        (".specify/specs/001-login/spec.md", long.as_str()),
        (".specify/specs/port-v1.md", long.as_str()),
        (
            ".specify/specs/run-v1.md",
            "# Run\n\nSee [Port v1](./port-v1.md).\n",
        ),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(op_text(&o, ".specify/specs/001-login/spec.md").is_none());
    assert!(o
        .notes
        .iter()
        .any(|n| n.kind == NoteKind::Framework && n.path.ends_with("001-login/spec.md")));
    let index = op_text(&o, ".specify/specs/port-v1.md").expect("index in place");
    assert!(index.contains("(port-v1/"), "{index}");
    assert!(!o.plan.ops.iter().any(|op| matches!(op, Op::Move { .. })));
    // A link to the file still lands on it (now its index): not respelled.
    assert!(op_text(&o, ".specify/specs/run-v1.md").is_none());
}

#[test]
fn without_its_markers_a_framework_owns_nothing() {
    // No ROADMAP/STATE/PROJECT: `.planning/` is an ordinary planning folder.
    let research = subphase_over_budget("2.1", "Research");
    let o = run(&[(".planning/research/PITFALLS.md", research.as_str())]);
    assert!(o.plan.ops.iter().any(|op| matches!(op, Op::Move { .. })));
}

#[test]
fn names_of_split_files_in_code_spans_and_paths_are_rewritten_not_in_prose() {
    let mut files = two_plans();
    files.push((
        "docs/status.md",
        "Read `docs/plans/parser-plan.md` first, then docs/plans/deploy-plan.md.\n\nThe parser-plan.md is long.\n"
            .to_string(),
    ));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let o = run(&refs);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let status = op_text(&o, "docs/status.md").expect("rewritten");
    assert_eq!(
        status,
        "Read `docs/plans/parser-plan/INDEX.md` first, then docs/plans/deploy-plan/INDEX.md.\n\nThe parser-plan.md is long.\n"
    );
    assert_eq!(o.mentions_rewritten, 2);
    assert_eq!(o.links_rewritten, 0);
}

/// A log, a changelog, a report or a retired plan says what happened: the
/// names it wrote stay as written, while its links are still rewritten (a
/// link that works today must not break).
#[test]
fn names_in_records_of_what_happened_stay_as_written() {
    let mut files = two_plans();
    let said = "Produced `docs/plans/parser-plan.md` on 2026-03-15.\n";
    let records = [
        "docs/logs/task-log.md",
        "CHANGELOG.md",
        "docs/reports/plan-audit.md",
        "docs/plans/completed/old-plan.md",
        "docs/historial/README_SESION.md",
    ];
    for r in records {
        files.push((r, said.to_string()));
    }
    files.push((
        "docs/logs/links.md",
        "Produced [the plan](../plans/parser-plan.md) and `docs/plans/parser-plan.md`.\n"
            .to_string(),
    ));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let o = run(&refs);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    for r in records {
        assert_eq!(op_text(&o, r), None, "{r}");
    }
    let linked = op_text(&o, "docs/logs/links.md").expect("its link is rewritten");
    assert!(
        linked.contains("](../plans/parser-plan/")
            && linked.contains("`docs/plans/parser-plan.md`"),
        "{linked}"
    );
    assert_eq!(o.mentions_rewritten, 0);
}

/// A part whose moved text holds both a link and a path mention of another
/// split file gets both rewritten: the link first, then the mention read from
/// the part's text as the link left it (the ranges of the two passes differ).
#[test]
fn a_part_gets_its_links_and_then_its_mentions_rewritten() {
    let mut files = two_plans();
    files[0].1 = files[0].1.replace(
        "## Step 1.2: Ship Parser\n\nText.\n",
        "## Step 1.2: Ship Parser\n\nSee [deploy](deploy-plan.md), then `docs/plans/deploy-plan.md`.\n",
    );
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let o = run(&refs);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let part = o
        .plan
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Create { path, contents }
                if path.starts_with("docs/plans/parser-plan")
                    && contents.as_str().contains("Ship Parser") =>
            {
                Some(contents.as_str())
            }
            _ => None,
        })
        .expect("the part with step 1.2");
    assert!(
        part.contains(
            "See [deploy](../deploy-plan/step-1.1-build-deploy.md), then `docs/plans/deploy-plan/INDEX.md`.\n"
        ),
        "{part}"
    );
    assert_eq!(o.links_rewritten, 1);
    assert_eq!(o.mentions_rewritten, 1);
}

/// A GSD tree as its tools leave it: decisions in a plan's `<context>` and a
/// summary's "Decisions Made", all in the framework's own files.
fn gsd_with_decisions() -> Vec<(&'static str, &'static str)> {
    vec![
        (".planning/ROADMAP.md", "# Roadmap\n\n## Phase 1: Core\n"),
        (
            ".planning/PROJECT.md",
            "# Tool\n\n## Key Decisions\n\n| Decision | Rationale |\n|---|---|\n| Sequential runs | Reliable |\n",
        ),
        (
            ".planning/phases/01-core/01-01-SUMMARY.md",
            "# Phase 1 Plan 1: Core Summary\n\n## Decisions Made\n\n- Keep the log append-only\n",
        ),
    ]
}

#[test]
fn a_framework_that_keeps_its_decisions_gets_no_topic_files_unless_asked() {
    // Regression: a GSD repo got a `.claude/` folder of one-decision topic files.
    let o = run(&gsd_with_decisions());
    assert!(o.plan.is_empty(), "{:#?}", o.plan.ops);
    let said: Vec<&Note> = o
        .notes
        .iter()
        .filter(|n| n.message.contains("records its decisions itself"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", o.notes);
    assert!(
        said[0].message.contains("GSD")
            && said[0]
                .message
                .contains("the 2 decisions its files state are not"),
        "{said:?}"
    );
    // It names where they are in this tree, not every place GSD may keep them.
    assert!(
        said[0].message.contains("(.planning/PROJECT.md);"),
        "{said:?}"
    );
    // Near miss: a `topics.dir` the user sets asks for them, and wins.
    let mut cfg = Config::builtin();
    cfg.topics.dir = "docs/decisions".into();
    let asked = run_with(&cfg, &gsd_with_decisions(), &HashMap::new());
    let made = created(&asked);
    assert!(
        !made.is_empty() && made.iter().all(|p| p.starts_with("docs/decisions/")),
        "{made:?}"
    );
    assert!(asked
        .notes
        .iter()
        .all(|n| !n.message.contains("records its decisions")));
}

#[test]
fn decision_records_in_a_plan_folder_are_not_copied_into_topic_files() {
    // Regression: 3MagicLabs/Grandplan (plan_dirs: docs/**) got a design doc per
    // ADR in docs/adr/, each repeating its record.
    let adr = "# 4. Planning model\n\n## Status\n\nAccepted\n\n## Decision\n\nUse one append-only graph; plans are projections of it.\n";
    let plan = "# Plan\n\n## Decision\n\nUse one append-only graph; plans are projections of it.\n";
    let mut cfg = Config::builtin();
    cfg.plan_dirs = crate::config::Globs::new(&["docs/**"]).unwrap();
    let files = [
        ("docs/adr/0004-planning-model.md", adr),
        ("docs/adr/README.md", "# ADRs\n"),
    ];
    let o = run_with(&cfg, &files, &HashMap::new());
    assert!(o.plan.is_empty(), "{:#?}", o.plan.ops);
    assert!(
        o.notes
            .iter()
            .any(|n| n.path == "docs/adr" && n.message.contains("1 decision record")),
        "{:?}",
        o.notes
    );
    // Near miss: the same decision in a plan beside it is extracted.
    let files = [
        ("docs/adr/0004-planning-model.md", adr),
        ("docs/notes/plan.md", plan),
    ];
    let o = run_with(&cfg, &files, &HashMap::new());
    assert!(!created(&o).is_empty(), "{:#?}", o.plan.ops);
}

#[test]
fn finished_plans_in_a_completed_or_done_folder_are_left_alone() {
    // Regression: 0xfe/buddy keeps finished plans in docs/plans/completed/;
    // migrate split all of them, and check then said "archive it" of each.
    let long = subphase_over_budget("1.1", "Plan");
    for folder in ["completed", "done", "archive"] {
        let path = format!("docs/plans/{folder}/plan-2026-02-27-x.md");
        let o = run(&[(path.as_str(), long.as_str())]);
        assert!(o.plan.is_empty(), "{folder}: {:#?}", o.plan.ops);
    }
    // Near miss: the same plan among the active ones is split.
    let o = run(&[("docs/plans/plan-2026-02-27-x.md", long.as_str())]);
    assert!(!o.plan.is_empty());
}

#[test]
fn kiro_keeps_a_specs_task_list_whole_and_splits_its_design_beside_it() {
    // Kiro reads requirements.md, design.md and tasks.md by name and runs the
    // task list from the editor: the list stays whole, the design keeps its
    // name as the index of its parts, and a spec in `_archived/` is retired.
    let long = subphase_over_budget("1.1", "Spec");
    let files = [
        (".kiro/steering/product.md", long.as_str()),
        (".kiro/specs/login/requirements.md", long.as_str()),
        (".kiro/specs/login/design.md", long.as_str()),
        (".kiro/specs/login/tasks.md", long.as_str()),
        (".kiro/specs/_archived/old/design.md", long.as_str()),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    for kept in ["requirements.md", "tasks.md"] {
        assert!(op_text(&o, &format!(".kiro/specs/login/{kept}")).is_none());
    }
    assert!(op_text(&o, ".kiro/steering/product.md").is_none());
    let index = op_text(&o, ".kiro/specs/login/design.md").expect("index in place");
    assert!(index.contains("(design/"), "{index}");
    assert!(!o.plan.ops.iter().any(|op| matches!(op, Op::Move { .. })));
    assert!(
        !created(&o).iter().any(|p| p.contains("_archived")),
        "{:#?}",
        created(&o)
    );
}

#[test]
fn speck_is_spec_kit_without_its_specify_folder() {
    // Speck (a port of spec-kit) keeps `.speck/`, not `.specify/`, and its
    // commands read a feature's spec.md, plan.md and tasks.md by name.
    let long = subphase_over_budget("1.1", "Spec");
    let files = [
        (".speck/scripts/x.md", "# Script\n"),
        ("specs/001-login/spec.md", long.as_str()),
        ("specs/001-login/tasks.md", long.as_str()),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(op_text(&o, "specs/001-login/spec.md").is_none());
    assert!(op_text(&o, "specs/001-login/tasks.md").is_none());
    assert!(!o.plan.ops.iter().any(|op| matches!(op, Op::Move { .. })));
}

#[test]
fn a_framework_file_within_budget_holding_subphases_gets_no_note() {
    // An OpenSpec task list of phases 1.1, 1.2, ... is its framework's own
    // layout: within budget, there is nothing to say about it (it was told
    // "over budget but kept whole", which check then contradicted).
    let tasks = "# Tasks\n\n## Phase 1: Database\n\n### 1.1 Add model\n- [x] a\n\n## Phase 2: Backend\n\n### 2.1 Upload\n- [x] b\n";
    let o = run(&[
        ("openspec/project.md", "# Project\n"),
        ("openspec/changes/add-x/tasks.md", tasks),
    ]);
    assert!(o.plan.is_empty(), "{:#?}", o.plan.ops);
    assert!(o.notes.is_empty(), "{:?}", o.notes);
}

#[test]
fn an_exclude_glob_matching_every_name_does_not_keep_a_plan_whole() {
    // A user's `**/*draft*.md` matches every `-k` name of a part titled
    // "Draft API": the parts are named as before the rule rather than the
    // plan left whole with a note that every name is taken.
    let titled = format!(
        "# Plan\n\n## Step 2.1: Draft API\n\n{}\n## Step 2.2: Send\n\n{}",
        "a\n".repeat(150),
        "b\n".repeat(150)
    );
    let mut cfg = Config::builtin();
    let mut globs: Vec<String> = cfg.exclude.sources().to_vec();
    globs.push("**/*draft*.md".into());
    cfg.exclude = crate::config::Globs::new(&globs).unwrap();
    let o = run_with(
        &cfg,
        &[("docs/plans/mail.md", titled.as_str())],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let made = created(&o);
    assert!(made.iter().any(|p| p.contains("draft-api")), "{made:#?}");
    assert!(
        !o.notes.iter().any(|n| n.kind == NoteKind::NotSplit),
        "{:?}",
        o.notes
    );
}

#[test]
fn a_folders_readme_stays_in_place_as_the_index_of_its_parts() {
    // Regression: a spec-kit repo's `testing-strategy/README.md` became
    // `README/INDEX.md`, and its folder had no README left.
    let long = subphase_over_budget("2.1", "Layers");
    let files = [
        ("docs/plans/testing/README.md", long.as_str()),
        (
            "docs/plans/other.md",
            "# Other\n\nSee [testing](testing/README.md).\n",
        ),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(
        !o.plan
            .ops
            .iter()
            .any(|op| matches!(op, Op::Move { from, .. } if from.ends_with("README.md"))),
        "{:#?}",
        o.plan.ops
    );
    let index = op_text(&o, "docs/plans/testing/README.md").expect("index in place");
    assert!(index.contains("this folder's README"), "{index}");
    assert!(index.contains("(README/"), "{index}");
    assert!(created(&o)
        .iter()
        .all(|p| p.starts_with("docs/plans/testing/README/") || p.starts_with(".claude/")));
    // A link to the README still lands on it.
    assert!(op_text(&o, "docs/plans/other.md").is_none());
    let (tree, generated) = simulate(&files, &o);
    let refs: Vec<(&str, &str)> = tree.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let again = run_with(&Config::builtin(), &refs, &generated);
    assert!(again.plan.is_empty(), "{:#?}", again.plan.ops);
}

#[test]
fn a_teams_own_file_in_a_frameworks_folder_is_not_said_to_be_read_by_name() {
    // pax's `.planning/DIRECTOR-DECISIONS-….md`: GSD claims `.planning/` whole,
    // but reads no such file; its index said "GSD reads this file by name".
    let long = subphase_over_budget("2.1", "Layers");
    let files = [
        (".planning/ROADMAP.md", "# Roadmap\n"),
        (".planning/DIRECTOR-DECISIONS.md", long.as_str()),
    ];
    let o = run(&files);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let index = op_text(&o, ".planning/DIRECTOR-DECISIONS.md").expect("index in place");
    assert!(
        index.contains("It is under `.planning/`, GSD's folder"),
        "{index}"
    );
    assert!(!index.contains("by name"), "{index}");
}
