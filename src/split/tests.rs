use super::*;
use crate::config::Config;
use crate::model::Document;

pub(crate) fn opts(max_lines: usize) -> SplitOptions {
    SplitOptions {
        max_lines,
        max_tokens: 100_000,
        encoding: Encoding::O200kBase,
        slug_max: 50,
        floor: 0.0,
    }
}

fn split(text: &str, max_lines: usize) -> (Document, SplitPlan) {
    let c = Config::builtin();
    let doc = Document::from_text("notes.md", text);
    let plan = plan(
        &doc,
        &c.headings,
        &c.environments,
        &opts(max_lines),
        "notes",
    );
    (doc, plan)
}

fn names(p: &SplitPlan) -> Vec<&str> {
    p.parts.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn one_file_per_subphase_groups_travel() {
    let text = "# Notes\n\nintro\n\n## Breakdown\n\n### Nonprod (2 subphases)\n\n#### Phase 4.1: Setup (20 min)\n\na\n\n#### Phase 4.2: Install ArgoCD (nonprod)\n\n```bash\n# Phase 4.9 not a heading\n```\n\n### Prod\n\n#### Phase 4.11: Prod\n\nb\n\n## Next Steps\n\nc\n";
    let (doc, p) = split(text, 200);
    assert_eq!(
        names(&p),
        vec![
            "notes-overview.md",
            "phase-4.1-setup.md",
            "phase-4.2-install-argocd.md",
            "phase-4.11-prod.md",
            "notes-next-steps.md"
        ]
    );
    assert_eq!(p.reassemble(&doc), text);
    assert!(doc
        .slice(p.parts[1].span.clone())
        .starts_with("## Breakdown"));
    assert_eq!(p.unit_level, Some(4));
}

#[test]
fn over_budget_cuts_at_headings_then_blocks_never_inside() {
    let mut text = String::from("# Phase 2.5: Secrets\n\n");
    for i in 0..6 {
        text.push_str(&format!("## Step {i}\n\n"));
        for j in 0..5 {
            text.push_str(&format!("para {i} {j}\nline two\n\n"));
        }
        text.push_str("```bash\n# one\n# two\n```\n\n");
    }
    let (doc, p) = split(&text, 25);
    assert!(p.parts.len() > 2, "{:?}", names(&p));
    assert_eq!(p.reassemble(&doc), text);
    for part in &p.parts {
        assert!(part.lines <= 25, "{} has {}", part.name, part.lines);
        let body = doc.slice(part.span.clone());
        assert!(!body.starts_with("# one"), "cut inside a fence");
        if part.part > 1 {
            assert!(part.prefix.contains(crate::model::markers::CONTINUATION));
            assert!(part.name.contains("-part-"));
        }
    }
    assert_eq!(p.parts[0].name, "phase-2.5-secrets.md");
}

#[test]
fn oversize_block_stays_whole_and_is_reported() {
    let mut text = String::from("# Big\n\nintro\n\n```yaml\n");
    for i in 0..50 {
        text.push_str(&format!("k{i}: v\n"));
    }
    text.push_str("```\n\nafter\n");
    let (doc, p) = split(&text, 20);
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(p.oversize.len(), 1);
    assert_eq!(p.oversize[0].line, 5);
    assert_eq!(p.oversize[0].blocks, 1);
    let o = &p.oversize[0];
    assert!(o
        .exceeds()
        .starts_with(&format!("a single block of {} lines / ", o.lines)));
}

#[test]
fn a_kept_template_over_the_budget_is_reported_as_blocks_with_no_cut() {
    // A fenced template that CommonMark ends at its inner fence fits the
    // part; its outer closer then opens a block that runs to the end of the
    // file, and the two together are over: no part may start in between.
    let mut text =
        String::from("# Plan\n\n```markdown\n# Guide\n\n```bash\nrun\n```\n\ntail\n```\n\n");
    for i in 0..30 {
        text.push_str(&format!("line {i}\n"));
    }
    let (doc, p) = split(&text, 40);
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(p.oversize.len(), 1, "{:?}", p.oversize);
    let o = &p.oversize[0];
    assert!(o.blocks > 1, "{o:?}");
    assert!(
        o.exceeds()
            .contains(" blocks with no place to cut between them ("),
        "{}",
        o.exceeds()
    );
    assert!(o.exceeds().ends_with(") exceed"), "{}", o.exceeds());
}

#[test]
fn duplicate_subphases_do_not_collide() {
    let text = "## Phase 1.1: A\n\nx\n\n## Phase 1.1: A\n\ny\n";
    let (_, p) = split(text, 200);
    assert_eq!(names(&p), vec!["phase-1.1-a.md", "phase-1.1-a-2.md"]);
}

#[test]
fn own_name_is_free_only_when_the_caller_says_so() {
    let c = Config::builtin();
    let mut text = String::from("# Phase 1.1: A\n\n");
    for i in 0..30 {
        text.push_str(&format!("line {i}\n\n"));
    }
    let doc = Document::from_text("phase-1.1-a.md", &text);
    let rules = c.headings.clone();
    // `split` leaves the file in place: its parts must not take its name.
    let kept = plan(&doc, &rules, &c.environments, &opts(40), "phase-1.1-a");
    assert_eq!(
        names(&kept),
        ["phase-1.1-a-2.md", "phase-1.1-a-2-part-2.md"]
    );
    // migrate archives it, so the first part keeps the name.
    let moved = plan_avoiding(
        &doc,
        &rules,
        &c.environments,
        &opts(40),
        "phase-1.1-a",
        &|_| false,
    );
    assert_eq!(names(&moved), ["phase-1.1-a.md", "phase-1.1-a-part-2.md"]);
}

/// A folder where every name is taken must not hang the split: the search for
/// free part names is bounded, and the plan says why it has no parts.
#[test]
fn no_free_names_leaves_the_file_whole_instead_of_looping() {
    let c = Config::builtin();
    let text = "# Notes\n\n## Phase 1.1: A\n\na\n\n## Phase 1.2: B\n\nb\n";
    let doc = Document::from_text("notes.md", text);
    let all = plan_avoiding(
        &doc,
        &c.headings,
        &c.environments,
        &opts(4),
        "notes",
        &|_| true,
    );
    assert!(all.no_free_names);
    assert!(all.parts.is_empty());
    assert!(!all.is_split());
    // Names up to the bound are still found: the 99th suffix is free.
    let late = plan_avoiding(
        &doc,
        &c.headings,
        &c.environments,
        &opts(4),
        "notes",
        &|n| n.starts_with("phase-1.1-a") && !n.starts_with("phase-1.1-a-99"),
    );
    assert!(!late.no_free_names);
    assert!(
        names(&late).contains(&"phase-1.1-a-99.md"),
        "{:?}",
        names(&late)
    );
}

#[test]
fn long_title_continuation_stays_within_token_budget() {
    // Found by the split property test: the continuation line repeats the unit's
    // title, so a long title cost more than the fixed 60 tokens reserved for it
    // and continuation parts went over the token budget without a report.
    let title = "\u{0}a\u{feff}b ".repeat(10);
    let mut text = format!("# {title}\n\n");
    for i in 0..40 {
        text.push_str(&format!("para {i} with a few words\n\n"));
    }
    let c = Config::builtin();
    let doc = Document::from_text("notes.md", &text);
    let o = SplitOptions {
        max_tokens: 200,
        ..opts(1000)
    };
    let p = plan(&doc, &c.headings, &c.environments, &o, "notes");
    assert_eq!(p.reassemble(&doc), text);
    assert!(p.parts.len() > 2, "{:?}", names(&p));
    assert!(p.oversize.is_empty());
    for part in &p.parts {
        assert!(
            part.tokens <= 200,
            "{} has {} tokens",
            part.name,
            part.tokens
        );
    }
}

#[test]
fn copied_link_definitions_stay_within_budget() {
    // Found by the corpus test (rust-rfcs project goals): parts get copies of the
    // link definitions they use, appended after the budget was applied, so a part
    // packed to the limit went over it with no oversize report.
    let mut text = String::from("# Notes\n\n");
    for i in 0..30 {
        text.push_str(&format!(
            "para {i} cites [a][r{}] and [b][r{}]\n\n",
            i % 6,
            (i + 1) % 6
        ));
    }
    for k in 0..6 {
        text.push_str(&format!("[r{k}]: https://example.com/a/long/path/{k}\n"));
    }
    let (doc, p) = split(&text, 20);
    assert_eq!(p.reassemble(&doc), text);
    assert!(p.parts.len() > 2, "{:?}", names(&p));
    assert!(p.parts.iter().any(|x| !x.suffix.is_empty()));
    for part in &p.parts {
        assert_eq!(part.lines, crate::model::count_lines(&part.contents(&doc)));
        assert!(part.lines <= 20, "{} has {} lines", part.name, part.lines);
    }
}

#[test]
fn sections_before_a_group_are_not_swallowed_by_it() {
    let text = "# Title\n\nx\n\n## Overview\n\no\n\n## Breakdown\n\n### Group\n\n#### Phase 4.1: A\n\na\n\n#### Phase 4.2: B\n\nb\n\n# Another H1\n";
    let (doc, p) = split(text, 200);
    assert_eq!(
        names(&p),
        vec![
            "title.md",
            "title-overview.md",
            "phase-4.1-a.md",
            "phase-4.2-b.md",
            "another-h1.md"
        ]
    );
    assert!(doc
        .slice(p.parts[2].span.clone())
        .starts_with("## Breakdown"));
}

#[test]
fn non_subphase_parts_carry_the_files_phase() {
    let c = Config::builtin();
    let text =
        "# Phase 4: Notes\n\n## Overview\n\nx\n\n## Phase 4.1: A\n\na\n\n## Next Steps\n\nn\n";
    let doc = Document::from_text("phase-4-working-notes.md", text);
    let p = plan(
        &doc,
        &c.headings,
        &c.environments,
        &opts(200),
        "phase-4-working-notes",
    );
    assert_eq!(
        names(&p),
        vec![
            "phase-4-notes.md",
            "phase-4-overview.md",
            "phase-4.1-a.md",
            "phase-4-next-steps.md"
        ]
    );
}

#[test]
fn a_shallow_section_with_a_body_is_not_a_group() {
    let mut text = String::from("# T\n\n#### Phase 4.3: A\n\na\n\n## Leaked\n\n");
    for i in 0..30 {
        text.push_str(&format!("line {i}\n\n"));
    }
    text.push_str("#### Phase 4.4: B\n\nb\n");
    let (doc, p) = split(&text, 200);
    assert_eq!(
        names(&p),
        vec!["t.md", "phase-4.3-a.md", "leaked.md", "phase-4.4-b.md"]
    );
    assert!(doc
        .slice(p.parts[3].span.clone())
        .starts_with("#### Phase 4.4"));
}

#[test]
fn an_accidental_setext_heading_does_not_start_a_unit() {
    let text = "#### Phase 4.6: A\n\nApply the manifests and wait\n---\n\nmore\n\n#### Phase 4.7: B\n\nb\n";
    let (_, p) = split(text, 200);
    assert_eq!(names(&p), vec!["phase-4.6-a.md", "phase-4.7-b.md"]);
}

// ---- no slivers (issue 12, item 2) ----

fn split_with(text: &str, o: &SplitOptions, stem: &str) -> (Document, SplitPlan) {
    let c = Config::builtin();
    let doc = Document::from_text(&format!("{stem}.md"), text);
    let p = plan(&doc, &c.headings, &c.environments, o, stem);
    (doc, p)
}

fn floored(max_lines: usize) -> SplitOptions {
    SplitOptions {
        floor: 0.25,
        ..opts(max_lines)
    }
}

fn paras(prefix: &str, n: usize) -> String {
    (0..n).map(|i| format!("{prefix} {i}\n\n")).collect()
}

#[test]
fn a_small_title_overview_and_toc_travel_with_the_first_subphase() {
    let text = format!(
        "---\ntitle: Rollout\n---\n# Rollout plan\n\n## Overview\n\nshort\n\n## Contents\n\n- [A](#phase-11-a)\n\n## Phase 1.1: A\n\n{}## Phase 1.2: B\n\n{}",
        paras("a", 30),
        paras("b", 30)
    );
    let (doc, p) = split_with(&text, &floored(200), "plan");
    assert_eq!(names(&p), ["phase-1.1-a.md", "phase-1.2-b.md"]);
    assert!(doc.slice(p.parts[0].span.clone()).starts_with("---\ntitle"));
    assert_eq!(p.reassemble(&doc), text);
    // Without a floor the same file keeps its title and overview apart.
    let (_, p) = split_with(&text, &opts(200), "plan");
    assert!(p.parts.len() > 2, "{:?}", names(&p));
}

#[test]
fn a_parent_subphase_with_only_a_heading_joins_its_first_child() {
    // CMBCluster's plan: `### 0.2 Setup` is a subphase of its own with no body;
    // the `####` level holds most subphases. Its `## PHASE 0` heading makes its
    // bare section numbers subphases.
    let mut text = String::from("# Plan\n\n## Phase 0: Preparation\n\n");
    for m in 1..=3 {
        text.push_str(&format!("### 0.{m} Group {m}\n\n"));
        for k in 1..=2 {
            text.push_str(&format!("#### 0.{m}.{k} Step {k}\n\n{}", paras("x", 30)));
        }
    }
    let (doc, p) = split_with(&text, &floored(200), "plan");
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(
        names(&p),
        [
            "phase-0.1.1-step-1.md",
            "phase-0.1.2-step-2.md",
            "phase-0.2.1-step-1.md",
            "phase-0.2.2-step-2.md",
            "phase-0.3.1-step-1.md",
            "phase-0.3.2-step-2.md"
        ]
    );
    assert!(doc
        .slice(p.parts[2].span.clone())
        .starts_with("### 0.2 Group 2\n\n#### 0.2.1"));
    assert!(p.parts.iter().all(|x| x.lines >= 8), "{:?}", names(&p));
}

#[test]
fn small_sections_gather_and_join_the_section_before() {
    // pcc's tail: several short appendix sections after the last subphase
    // become one file; one short section alone joins the subphase before it.
    let mut text = String::from("# Notes\n\n## Phase 4.1: A\n\n");
    text.push_str(&paras("a", 40));
    for s in ["Key Decisions", "Scope", "Dependencies", "Review"] {
        text.push_str(&format!("## {s}\n\n{}", paras("s", 8)));
    }
    text.push_str("## Next Steps\n\nn\n");
    let (doc, p) = split_with(&text, &floored(200), "phase-4-working-notes");
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(names(&p), ["phase-4.1-a.md", "phase-4-key-decisions.md"]);
    let text = format!(
        "## Phase 1.1: A\n\n{}### Deliverables\n\n- x\n- y\n\n## Phase 1.2: B\n\n{}",
        paras("a", 30),
        paras("b", 30)
    );
    let (doc, p) = split_with(&text, &floored(200), "plan");
    assert_eq!(names(&p), ["phase-1.1-a.md", "phase-1.2-b.md"]);
    assert!(doc
        .slice(p.parts[0].span.clone())
        .ends_with("### Deliverables\n\n- x\n- y\n\n"));
}

#[test]
fn a_small_subphase_joins_the_step_it_finishes() {
    // elspeth's TDD steps: "Run test to verify it fails" is a few lines after
    // the step that wrote the test, in a plan that must be cut anyway.
    let text = format!(
        "## Task 1\n\n### Step 1.1: Write the failing test\n\n{}### Step 1.2: Run test to verify it fails\n\nRun: `pytest`\n\n### Step 1.3: Implement\n\n{}",
        paras("a", 30),
        paras("c", 30)
    );
    let (doc, p) = split_with(&text, &floored(100), "plan");
    // Its name says the range it holds (a spec-kit plan's
    // `phase-2.1-logger-module.md` held 2.1 to 2.6).
    assert_eq!(
        names(&p),
        [
            "step-1.1-to-1.2-write-the-failing-test.md",
            "step-1.3-implement.md"
        ]
    );
    assert!(doc.slice(p.parts[0].span.clone()).contains("### Step 1.2"));
    // A file within its budget is split exactly at its subphases.
    let (_, p) = split_with(&text, &floored(200), "plan");
    assert_eq!(p.parts.len(), 3, "{:?}", names(&p));
    // A first small step joins the one after it.
    let text = format!(
        "## Phase 1.1: A\n\nshort\n\n## Phase 1.2: B\n\n{}## Phase 1.3: C\n\n{}",
        paras("b", 30),
        paras("c", 40)
    );
    let (_, p) = split_with(&text, &floored(100), "plan");
    assert_eq!(names(&p), ["phase-1.1-to-1.2-a.md", "phase-1.3-c.md"]);
    // Where neither sibling has room, a small subphase stays a file of its own.
    let text = format!(
        "## Phase 1.1: A\n\n{}## Phase 1.2: B\n\nshort\n\n## Phase 1.3: C\n\n{}",
        paras("a", 47),
        paras("c", 48)
    );
    let (_, p) = split_with(&text, &floored(100), "plan");
    assert_eq!(
        names(&p),
        ["phase-1.1-a.md", "phase-1.2-b.md", "phase-1.3-c.md"],
        "{:?}",
        p.parts.iter().map(|x| x.lines).collect::<Vec<_>>()
    );
}

#[test]
fn a_sliver_joins_only_where_it_fits() {
    // The section before is full: joining it would cut a subphase that fits in
    // two, so the short section stays on its own.
    let text = format!("## Phase 1.1: A\n\n{}## Next Steps\n\nn\n", paras("a", 47));
    let (_, p) = split_with(&text, &floored(100), "plan");
    assert_eq!(names(&p), ["phase-1.1-a.md", "plan-next-steps.md"]);
}

#[test]
fn cuts_keep_parts_above_the_floor() {
    // Section A nearly fills a file and B is short: the cheap seam is the
    // heading before B, which would leave B a sliver; the floor moves the cut.
    let text = format!("# T\n\n## A\n\n{}## B\n\n{}", paras("a", 20), paras("b", 2));
    let (doc, p) = split_with(&text, &opts(50), "t");
    assert_eq!(p.parts.len(), 2);
    assert!(
        p.parts.iter().any(|x| x.lines < 13),
        "without a floor the heading seam wins: {:?}",
        p.parts.iter().map(|x| x.lines).collect::<Vec<_>>()
    );
    let (_, p) = split_with(&text, &floored(50), "t");
    assert_eq!(p.reassemble(&doc), text);
    for part in &p.parts {
        assert!(
            (13..=50).contains(&part.lines),
            "{} has {} lines",
            part.name,
            part.lines
        );
    }
}

#[test]
fn a_trailing_break_stays_with_the_block_before_it() {
    // A 60-line code block (over budget) followed by `---`: the break is no part
    // of its own, and a cut never falls just before it.
    let mut text = String::from("# Big\n\nintro\n\n```yaml\n");
    for i in 0..60 {
        text.push_str(&format!("k{i}: v\n"));
    }
    text.push_str("```\n\n---\n\n");
    let (doc, p) = split_with(&text, &floored(40), "big");
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(p.oversize.len(), 1);
    assert!(p.parts.iter().all(|x| x.lines >= 8), "{:?}", names(&p));
    assert!(doc
        .slice(p.parts.last().unwrap().span.clone())
        .ends_with("```\n\n---\n\n"));
    // Without a floor, still no part starts at the break.
    let (_, p) = split_with(&text, &opts(40), "big");
    assert!(p
        .parts
        .iter()
        .all(|x| !doc.slice(x.span.clone()).starts_with("---")));
}

#[test]
fn a_long_list_is_cut_between_its_items() {
    let mut text = String::from("# Checklist\n\n");
    for i in 0..80 {
        text.push_str(&format!("- [ ] item {i}\n  detail {i}\n"));
    }
    let (doc, p) = split_with(&text, &floored(60), "checklist");
    assert_eq!(p.reassemble(&doc), text);
    assert!(p.parts.len() >= 3, "{:?}", names(&p));
    assert!(p.oversize.is_empty(), "{:?}", p.oversize);
    for part in &p.parts {
        assert!(part.lines <= 60, "{} has {}", part.name, part.lines);
        let body = doc.slice(part.span.clone());
        assert!(
            part.part == 1 || body.starts_with("- [ ] item"),
            "{} starts mid-item: {body:.40}",
            part.name
        );
    }
}

#[test]
fn a_list_item_alone_over_budget_is_reported() {
    let mut text = String::from("# Checklist\n\n- short\n- long\n");
    for i in 0..70 {
        text.push_str(&format!("  line {i}\n"));
    }
    text.push_str("- after\n");
    let (doc, p) = split_with(&text, &floored(40), "checklist");
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(p.oversize.len(), 1, "{:?}", p.oversize);
    assert_eq!(p.oversize[0].line, 4, "the long item is named");
}

// ---- names with context (issue 12, item 3) ----

#[test]
fn headings_leaked_from_an_embedded_template_never_name_a_file() {
    // elspeth: a ```markdown guide holds ```bash; the first bare ``` closes the
    // guide, its headings leak out, and its own closer opens a stray block
    // that hides "Step 10.2".
    let text = "# Tracing\n\n## Task 10: Docs\n\n### Step 10.1: Create guide\n\n```markdown\n# Guide\n\n## Setup\n\n```bash\npip install x\n```\n\n### Langfuse\n\nUse it.\n\n```yaml\na: b\n```\n\n## Troubleshooting\n\ntext\n```\n\n### Step 10.2: Commit\n\n```bash\ngit commit\n```\n\n## Task 11: Checks\n\n### Step 11.1: Run mypy\n\nRun it.\n";
    let (doc, p) = split(text, 200);
    assert_eq!(p.reassemble(&doc), text);
    assert_eq!(
        names(&p),
        [
            "tracing.md",
            "step-10.1-create-guide.md",
            "step-11.1-run-mypy.md"
        ]
    );
    // A template that is closed properly hides its headings from CommonMark
    // already; a plain fence with an inner fence is reported, not guessed at.
    let text = "## Phase 1.1: A\n\n```markdown\n# Guide\n## Setup\n```\n\n## Phase 1.2: B\n\nb\n";
    let (_, p) = split(text, 200);
    assert_eq!(names(&p), ["phase-1.1-a.md", "phase-1.2-b.md"]);
}

#[test]
fn no_part_starts_inside_a_block_closed_early_by_its_inner_fence() {
    // website-pod: a ```markdown excerpt of an upgrade guide holds a ```hcl
    // block; CommonMark ends the excerpt at the hcl block's closer, so its
    // last paragraphs and its own closer read as text and a new block. A part
    // started at that closer (a cut inside the excerpt the author meant).
    let mut text = String::from("# Plan\n\n## Task 1: Remove the variable\n\n");
    text.push_str(&paras("before", 8));
    text.push_str("In UPGRADE.md:\n```markdown\n### Removed variable\n\n**Action Required:**\n\n```hcl\nmodule \"w\" {\n}\n```\n\n");
    text.push_str(&paras("inside", 6));
    text.push_str("```\n\n");
    text.push_str(&paras("after", 8));
    let open = text.lines().position(|l| l == "```markdown").unwrap() + 1;
    let close = text
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| *l == "```")
        .unwrap()
        + 1;
    let (doc, p) = split(&text, 40);
    assert_eq!(p.reassemble(&doc), text);
    assert!(p.parts.len() > 1, "{:?}", names(&p));
    for part in &p.parts[1..] {
        let first = doc.source.line_of(part.span.start);
        assert!(
            !(open < first && first <= close),
            "{} starts at line {first}, inside the block of lines {open}-{close}",
            part.name
        );
    }
}

fn names_of(text: &str, stem: &str) -> Vec<String> {
    let (_, p) = split_with(text, &opts(200), stem);
    p.parts.iter().map(|x| x.name.clone()).collect()
}

#[test]
fn slugs_drop_list_numbers_durations_emoji_and_trailing_stop_words() {
    let text = "# Plan\n\n## 0. Read this first\n\na\n\n## 10. Risk register\n\nb\n\n## 📊 Executive Summary (~1 week)\n\nc\n\n## Rollout (Week 2)\n\nd\n\n## Phase 1.1: Write failing test for the tracing config parsing in the module (30-45 min)\n\ne\n\n## Nächste Schritte\n\nf\n\n## Sign in\n\ng\n";
    assert_eq!(
        names_of(text, "plan"),
        [
            "plan-overview.md",
            "read-this-first.md",
            "risk-register.md",
            "executive-summary.md",
            "rollout.md",
            "phase-1.1-write-failing-test-for-the-tracing-config-parsing.md",
            "naechste-schritte.md",
            "sign-in.md",
        ]
    );
}

#[test]
fn a_slug_is_cut_at_a_word_boundary() {
    let c = Config::builtin();
    let w = naming::Words::new(&c.headings);
    for (text, max, want) in [
        (
            "Install ArgoCD on Devops Nonprod Cluster",
            50,
            "install-argocd-on-devops-nonprod-cluster",
        ),
        (
            "Install ArgoCD on Devops Nonprod Cluster",
            20,
            "install-argocd",
        ),
        (
            "Summary of work prior to this week (2025-10-15 to 2025-10-19)",
            50,
            "summary-of-work-prior-to-this-week-2025-10-15",
        ),
        ("supercalifragilisticexpialidocious", 10, "supercalif"),
        ("Phase 4.7 notes.", 50, "phase-4.7-notes"),
        ("Timeline ~1 week", 50, "timeline"),
        ("~2h", 50, ""),
        ("🎯", 50, ""),
        ("The end of", 50, "the-end-of"),
        (
            "Migration architecture for the new parser",
            29,
            "migration-architecture",
        ),
        ("of of of of", 3, "of"),
        ("CardHeader", 50, "card-header"),
        ("`useAuthState`", 50, "use-auth-state"),
        ("DirectionButtonRow", 50, "direction-button-row"),
        ("Move to GitHub Actions", 50, "move-to-github-actions"),
        ("ArgoCD", 50, "argocd"),
        ("Styles", 50, "styles"),
    ] {
        let s = w.slug(text, max);
        assert_eq!(s, want, "{text:?} at {max}");
        assert!(s.len() <= max && !s.ends_with('-'), "{s}");
    }
}

#[test]
fn generic_headings_get_their_parents_name_in_front() {
    // The ADRs have a context long enough to be sections of their own.
    let context = "context\n\n".repeat(12);
    let text = format!("# ADRs\n\n## ADR-003: Use Private Service Connect\n\n{context}### Decision\n\nuse psc\n\n### Rationale\n\nwhy\n\n## ADR-004: Flyway\n\n{context}### Decision\n\nflyway\n\n### Phase 1.1: Build\n\nb\n\n## Next Steps\n\nn\n");
    assert_eq!(
        names_of(&text, "decisions"),
        [
            "adrs.md",
            "adr-003-use-private-service-connect.md",
            "adr-003-use-private-service-connect-decision.md",
            "adr-003-use-private-service-connect-rationale.md",
            "adr-004-flyway.md",
            "adr-004-flyway-decision.md",
            "phase-1.1-build.md",
            "decisions-next-steps.md",
        ]
    );
    // A subphase parent lends its title, not its number (a name with the number
    // would read as that subphase's file), and a `Demo 2` is generic too.
    let text = "## Phase 2.1: Build parser\n\n### Step 2.1.1: Lex\n\nx\n\n### Step 2.1.2: Parse\n\ny\n\n### Demo 2\n\nd\n\n## Phase 2.2: Deploy\n\n### Step 2.2.1: Ship\n\nz\n";
    assert_eq!(
        names_of(text, "plan"),
        [
            "phase-2.1-build-parser.md",
            "step-2.1.1-lex.md",
            "step-2.1.2-parse.md",
            "build-parser-demo-2.md",
            "phase-2.2-deploy.md",
            "step-2.2.1-ship.md"
        ]
    );
}

#[test]
fn a_severity_bucket_is_named_with_its_parents_words() {
    // An audit's findings grouped by severity under each area (MagTer's
    // comprehensive-audit.md): a part cut at `### MEDIUM` was `medium.md`.
    let body = "finding\n\n".repeat(75);
    let text = format!("# Audit\n\n## Full Findings: Security\n\n### HIGH\n\n{body}### MEDIUM\n\n{body}## Other\n\n{body}");
    assert_eq!(
        names_of(&text, "audit"),
        [
            "audit-overview.md",
            "full-findings-security-medium.md",
            "audit-other.md",
        ]
    );
}

#[test]
fn the_first_part_is_named_after_front_matter_unless_it_slugs_to_nothing() {
    let text = "---\ntitle: \"Auth rollout\"\nstatus: draft\n---\n# Plan\n\nintro\n\n## Phase 1.1: A\n\na\n";
    assert_eq!(names_of(text, "x"), ["auth-rollout.md", "phase-1.1-a.md"]);
    let text = "---\nname: kubectl-fields\n---\n# Plan\n\nintro\n\n## Phase 1.1: A\n\na\n";
    assert_eq!(names_of(text, "x"), ["kubectl-fields.md", "phase-1.1-a.md"]);
    // A Chinese title names it in its own letters.
    let text = "---\ntitle: 项目计划 🎯\n---\n# Rollout plan\n\nintro\n\n## Phase 1.1: A\n\na\n";
    assert_eq!(names_of(text, "x"), ["项目计划.md", "phase-1.1-a.md"]);
    // Emoji only: the heading names it.
    let text = "---\ntitle: 🎯 ✅\n---\n# Rollout plan\n\nintro\n\n## Phase 1.1: A\n\na\n";
    assert_eq!(names_of(text, "x"), ["rollout-plan.md", "phase-1.1-a.md"]);
    // A block scalar is no title.
    let text = "---\ntitle: |\n  long\n---\n# Rollout plan\n\nintro\n\n## Phase 1.1: A\n\na\n";
    assert_eq!(names_of(text, "x"), ["rollout-plan.md", "phase-1.1-a.md"]);
}

#[test]
fn subphase_names_carry_their_kind() {
    let text = "## Story 1.1: Sign in\n\na\n\n## Story 1.2: Sign out\n\nb\n\n## Milestone 2: Beta\n\nc\n\n## Plan 05-01: Executor\n\nd\n";
    assert_eq!(
        names_of(text, "plan"),
        [
            "story-1.1-sign-in.md",
            "story-1.2-sign-out.md",
            "milestone-2-beta.md",
            "phase-05.01-executor.md"
        ]
    );
    // `Step 1: install` in a code block is no heading, and no subphase anyway;
    // a heading line inside an HTML block is HTML.
    let text = "## Phase 1.1: A\n\n```bash\n## Step 1.2: install\n# Step 1: install\n```\n\n<details>\n## Phase 1.5: Hidden\n</details>\n\n## Phase 1.2: B\n\nb\n";
    assert_eq!(names_of(text, "plan"), ["phase-1.1-a.md", "phase-1.2-b.md"]);
}

#[test]
fn names_never_collide() {
    // Generic headings everywhere, repeated titles, a heading named like a part
    // and like a uniqueness suffix, and names taken in the folder already.
    let mut text = String::from("# Notes\n\n");
    for _ in 0..3 {
        text.push_str("## Summary\n\nx\n\n## Notes Summary\n\ny\n\n## Summary Part 2\n\nz\n\n## Summary 2\n\nw\n\n");
    }
    text.push_str("## Phase 1.1: A\n\n");
    for i in 0..40 {
        text.push_str(&format!("para {i}\n\n"));
    }
    text.push_str("## Phase 1.1: A\n\nagain\n");
    let c = Config::builtin();
    let doc = Document::from_text("notes.md", &text);
    let taken = |n: &str| n == "notes-summary.md" || n == "phase-1.1-a-part-2.md";
    let p = plan_avoiding(
        &doc,
        &c.headings,
        &c.environments,
        &opts(30),
        "notes",
        &taken,
    );
    assert_eq!(p.reassemble(&doc), text);
    let mut seen = std::collections::HashSet::new();
    for part in &p.parts {
        assert!(
            seen.insert(part.name.clone()),
            "{} twice: {:?}",
            part.name,
            names(&p)
        );
        assert!(!taken(&part.name), "{} was taken", part.name);
    }
}

#[test]
fn a_heading_between_two_oversize_blocks_goes_with_the_block_it_introduces() {
    // A superpowers-style plan: each task is a heading, a few lines and a code
    // block longer than the budget. The cut falls before `## Task 3`, not
    // between its first step and its code.
    let block = |name: &str| {
        let mut s = format!("```ts\n// {name}\n");
        for i in 0..70 {
            s.push_str(&format!("const x{i} = {i};\n"));
        }
        s.push_str("```\n\n");
        s
    };
    let mut text = String::from("# Plan\n\n## Task 2: Builder\n\n**Step 1: Create it**\n\n");
    text.push_str(&block("builder"));
    text.push_str("**Step 2: Commit**\n\n---\n\n## Task 3: Deployer\n\n**Files:**\n- Create: `d.ts`\n\n**Step 1: Create the class**\n\n");
    text.push_str(&block("deployer"));
    let (doc, p) = split_with(&text, &floored(60), "plan");
    assert_eq!(p.reassemble(&doc), text);
    assert!(
        p.parts
            .iter()
            .any(|x| doc.slice(x.span.clone()).starts_with("## Task 3")),
        "{:?}",
        p.parts
            .iter()
            .map(|x| doc.slice(x.span.clone()).lines().next().unwrap_or(""))
            .collect::<Vec<_>>()
    );
    // The part that opens with the heading is named after it.
    assert_eq!(
        names(&p),
        vec!["plan-overview.md", "task-3-deployer.md"],
        "a later part that opens with a heading is named after it"
    );
}

#[test]
fn a_part_that_opens_mid_section_is_named_after_that_section() {
    // A long list under `## Status log` cut in two: the second part goes on
    // with the status log, so its name says so rather than `plan-part-3.md`,
    // and still starts with the unit's name (it sorts beside its first part).
    let mut text = String::from("# Plan\n\nintro\n\n## Tasks\n\n");
    for i in 0..20 {
        text.push_str(&format!("- [ ] task {i}\n"));
    }
    text.push_str("\n## Status log\n\n");
    for i in 0..60 {
        text.push_str(&format!("- day {i}: worked\n"));
    }
    let (doc, p) = split_with(&text, &floored(40), "plan");
    assert_eq!(p.reassemble(&doc), text);
    let cont: Vec<&str> = p
        .parts
        .iter()
        .filter(|x| x.part > 1 && doc.slice(x.span.clone()).starts_with("- day"))
        .map(|x| x.name.as_str())
        .collect();
    assert!(!cont.is_empty(), "{:?}", names(&p));
    for n in &cont {
        assert!(
            n.starts_with("plan-overview-part-") && n.contains("-status-log"),
            "{:?}",
            names(&p)
        );
    }
    let mut seen = std::collections::HashSet::new();
    assert!(p.parts.iter().all(|x| seen.insert(x.name.clone())));
    for part in &p.parts {
        assert!(part.lines <= 40, "{} has {}", part.name, part.lines);
    }
}

/// A long unit name in front of a mid-section part's section words is cut at a
/// word boundary: the whole name stays readable (one was 81 characters), and the
/// parts' names stay distinct and beside their first part.
#[test]
fn a_mid_section_part_s_unit_name_is_cut_at_a_word_boundary() {
    let mut text = String::from(
        "# Add cert fingerprint authentication via proxy headers for every network service\n\nintro\n\n## Tasks\n\n",
    );
    for i in 0..20 {
        text.push_str(&format!("- [ ] task {i}\n"));
    }
    text.push_str("\n## NickServ cert commands synced across servers\n\n");
    for i in 0..60 {
        text.push_str(&format!("- day {i}: worked\n"));
    }
    let (doc, p) = split_with(&text, &floored(40), "plan");
    assert_eq!(p.reassemble(&doc), text);
    let first = p.parts[0].name.clone();
    assert!(first.len() > 40, "{first}");
    let cont: Vec<&str> = p
        .parts
        .iter()
        .filter(|x| x.part > 1 && doc.slice(x.span.clone()).starts_with("- day"))
        .map(|x| x.name.as_str())
        .collect();
    assert!(!cont.is_empty(), "{:?}", names(&p));
    for n in &cont {
        let (unit, rest) = n.split_once("-part-").expect("a part name");
        assert!(unit.len() <= 30, "{n}");
        assert!(first.starts_with(&format!("{unit}-")), "{n} after {first}");
        assert!(rest.contains("-nickserv-cert"), "{n}");
        assert!(n.len() <= 72, "{n}");
    }
    let mut seen = std::collections::HashSet::new();
    assert!(p.parts.iter().all(|x| seen.insert(x.name.clone())));
}

#[test]
fn a_mid_section_part_leaves_the_section_s_phase_number_out() {
    let (all, later) = later_parts_of_a_long_list(
        "# Deployment Phases\n\nintro\n\n## Phase 2: AlloyDB Cluster\n\n",
        "deploy",
    );
    for n in later {
        assert!(
            n.contains("-part-") && n.contains("-alloydb-cluster") && !n.contains("phase-2"),
            "{all:?}"
        );
    }
}

/// `head` and a list of 60 steps, split at 30 lines: all the parts' names, and
/// those after the first (at least one, and the split lossless).
fn later_parts_of_a_long_list(head: &str, stem: &str) -> (Vec<String>, Vec<String>) {
    let mut text = String::from(head);
    for i in 0..60 {
        text.push_str(&format!("- step {i}: run it\n"));
    }
    let (doc, p) = split_with(&text, &floored(30), stem);
    assert_eq!(p.reassemble(&doc), text);
    let all: Vec<String> = names(&p).into_iter().map(str::to_string).collect();
    let later: Vec<String> = all.iter().skip(1).cloned().collect();
    assert!(!later.is_empty(), "{all:?}");
    (all, later)
}

/// `### PHASE 3` with nothing after its number gives a mid-section part no
/// section words: `…-part-2-phase-3.md` would read as phase 3's file to
/// `check`, so the part keeps its plain `-part-N` name.
#[test]
fn a_mid_section_part_after_a_bare_phase_number_keeps_a_plain_name() {
    let (all, later) =
        later_parts_of_a_long_list("# Overview\n\nintro\n\n### PHASE 3\n\n", "overview");
    for n in later {
        assert!(!n.contains("phase-3") && n.contains("-part-"), "{all:?}");
    }
}

/// The widest names the budget assumes (`-999`, `part-999`) cost at least what
/// any one- to three-digit suffix and part number does, so a link rewritten to
/// the 100th part of a unit is not wider than what was kept for it.
#[test]
fn the_widest_assumed_part_name_covers_three_digit_numbers() {
    let enc = Encoding::O200kBase;
    let widest = enc.count("phase-4-rollout-999-part-999.md");
    for (k, n) in [(2, 7), (12, 99), (100, 100), (123, 456), (999, 998)] {
        let name = format!("phase-4-rollout-{k}-part-{n}.md");
        assert!(enc.count(&name) <= widest, "{name}");
    }
}

/// A later part that opens at a heading the document has more than once is
/// named with its parent heading's words in front, not a `-2` after: the
/// name says which task's `Required content` it holds.
#[test]
fn a_part_opening_at_a_repeated_heading_carries_its_parents_words() {
    let task = |n: usize| {
        format!(
            "## Task {n}: Build the {}\n\nIntro.\n\n{}### Required content\n\n{}",
            ["parser", "checker"][n - 1],
            paras("a", 40),
            paras("r", 40)
        )
    };
    let text = format!("# Plan\n\n{}{}", task(1), task(2));
    let (_, p) = split_with(&text, &floored(100), "plan");
    let names = names(&p);
    assert!(names.iter().all(|n| !n.ends_with("-2.md")), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.contains("parser") && n.ends_with("required-content.md")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.contains("checker") && n.ends_with("required-content.md")),
        "{names:?}"
    );
}

#[test]
fn a_heading_s_state_and_a_file_extension_stay_out_of_its_name() {
    let text = "# Plan\n\n## Task 5.4: Create UPGRADE-6.0.md ✅ COMPLETED\n\na\n\n\
                ## Task 6.1: Update Module Version ⏭️ SKIPPED\n\nb\n\n\
                ## Task 6.2: Format and Validate — DONE\n\nc\n\n\
                ## Task 6.3: Run Tests (in progress)\n\nd\n\n\
                ## Task 6.4: Definition of Done\n\ne\n\n\
                ## Task 6.5: Update README.md\n\nf\n\n\
                ## Task 6.6: Vector Database (Week 1-2) ⚠️ PARTIALLY COMPLETE\n\ng\n\n\
                ## Task 6.7: Cache NOT STARTED\n\nh\n\n\
                ## Task 6.8: Fix Login (INSERTED)\n\ni\n";
    let names = names_of(text, "plan");
    assert_eq!(
        names,
        [
            "plan-overview.md",
            "task-5.4-create-upgrade-6.0.md",
            "task-6.1-update-module-version.md",
            "task-6.2-format-and-validate.md",
            "task-6.3-run-tests.md",
            "task-6.4-definition-of-done.md",
            "task-6.5-update-readme.md",
            "task-6.6-vector-database.md",
            "task-6.7-cache.md",
            "task-6.8-fix-login.md"
        ]
    );
}

#[test]
fn a_title_numbering_another_plan_is_no_subphase() {
    // DigitalMe's `# PHASE 1.1 … REMEDIATION PLAN` holds phases 1.5 and 3.5 of
    // its own: its intro part was `phase-1.1-…`, which check read as 1.5's
    // sibling (1.2-1.4 missing).
    let body = |n| paras("x", n);
    let text = format!(
        "# PHASE 1.1 REMEDIATION PLAN\n\n{}### Phase 1.5: Test quality\n\n{}### Phase 3.5: PDF debt\n\n{}",
        body(60),
        body(60),
        body(60)
    );
    let (doc, p) = split_with(&text, &floored(200), "remediation");
    assert_eq!(
        names(&p),
        [
            "remediation-plan.md",
            "phase-1.5-test-quality.md",
            "phase-3.5-pdf-debt.md"
        ]
    );
    assert_eq!(p.reassemble(&doc), text);
    // A short intro travels with the first subphase, as any title's does.
    let text = format!(
        "# PHASE 1.1 REMEDIATION PLAN\n\nIntro.\n\n### Phase 1.5: Test quality\n\n{}### Phase 3.5: PDF debt\n\n{}",
        body(60),
        body(60)
    );
    let (_, p) = split_with(&text, &floored(200), "remediation");
    assert_eq!(
        names(&p),
        ["phase-1.5-test-quality.md", "phase-3.5-pdf-debt.md"]
    );
    // A title over its own children is still their subphase.
    let text = format!(
        "# Phase 4.7: ArgoCD\n\n{}### Phase 4.7.1: Install\n\n{}### Phase 4.7.2: Verify\n\n{}",
        body(60),
        body(60),
        body(60)
    );
    let (_, p) = split_with(&text, &floored(200), "argocd");
    assert_eq!(
        names(&p),
        [
            "phase-4.7-argocd.md",
            "phase-4.7.1-install.md",
            "phase-4.7.2-verify.md"
        ]
    );
}

#[test]
fn no_cut_where_the_authors_fences_and_commonmarks_pair_apart() {
    // magter's plan: a ```markdown template holding a ```bash block; the
    // bare fence meant to close it (line 15) opens a block to CommonMark, and
    // the two readings pair every later fence apart up to line 31. A cut at
    // 22/23 ended a part on the author's opener and started the next with its
    // content, and the block after it then rendered as code (a new
    // fence.suspicious after migrate).
    let text = "# Plan\n\n## Phase 1: Docs\n\n### Step 1.1: Update README\n\nAdd this section:\n\n```markdown\n## Usage\n```bash\nmake run\n```\nMore text.\n```\n\nDone with 1.1.\n\n### Step 1.2: Update notes\n\nAdd to notes:\n```\n- item one\n- item two\n```\n\n## Testing\n\n```bash\nmake test\n```\n\n## Rollout\n\nShip it.\n";
    let (doc, p) = split(text, 30);
    assert!(p.parts.len() > 1, "{:?}", names(&p));
    for part in &p.parts[1..] {
        let line = doc.source.line_of(part.span.start);
        assert!(!(10..=31).contains(&line), "a part starts at line {line}");
    }
    assert_eq!(p.reassemble(&doc), text);
}

#[test]
fn a_heading_inside_an_authors_template_starts_no_part() {
    // YardFlow's hotfix procedure: a ```markdown template whose inner ```bash
    // closer ends it early; `### 7. Monitor` past the leak the old reading
    // found (up to the next fenced block) started a part of its own.
    let text = "# Plan\n\n### Phase 0.5: Hotfix\n\n```markdown\n# HOTFIX\n### 1. Branch\n```bash\ngit checkout -b fix\n```\n### 2. Fix\ntext\n### 3. Test\n```bash\nnpm test\n```\n### 7. Monitor\nwatch\n```\n\n```bash\n# practice\ngit branch -D fix\n```\n\n### Phase 1.1: Next\n\nmore\n";
    let (doc, p) = split(text, 200);
    assert_eq!(
        names(&p),
        ["plan.md", "phase-0.5-hotfix.md", "phase-1.1-next.md"]
    );
    assert_eq!(p.reassemble(&doc), text);
}

#[test]
fn a_heading_and_its_lead_in_go_with_the_oversize_block_they_introduce() {
    // juanie's plan: `## Task 2` and "Create …:" ended part 1, and part 2
    // was the 233-line code block alone, with no heading.
    let code: String = (0..233).map(|i| format!("const x{i} = {i};\n")).collect();
    let text = format!(
        "# Builder Plan\n\n## Task 1: Types\n\n{}## Task 2: Create AppBuilder\n\n**Step 1**\n\nCreate `src/app-builder.ts`:\n\n```typescript\n{code}```\n\n## Task 3: Tests\n\nRun them.\n",
        paras("t", 30)
    );
    let (doc, p) = split_with(&text, &floored(200), "builder");
    assert_eq!(p.parts.len(), 2, "{:?}", names(&p));
    assert!(
        doc.slice(p.parts[1].span.clone()).starts_with("## Task 2"),
        "{:?}",
        names(&p)
    );
    assert_eq!(p.reassemble(&doc), text);
}

#[test]
fn a_continuation_is_named_for_the_section_it_mostly_holds() {
    // kithara's event-bus plan: a 420-line Task 1, then Tasks 2 and 3 of ~60
    // lines each. The third part holds Task 1's last lines and both of them,
    // and was named `…-part-3-task-1-create-crate.md`.
    let text = format!(
        "# Event Bus — Implementation Plan\n\n### Task 1: Create crate\n\n{}### Task 2: Migrate hls\n\n{}### Task 3: Migrate file\n\n{}",
        paras("one", 210),
        paras("two", 30),
        paras("three", 30)
    );
    let (doc, p) = split_with(&text, &floored(200), "bus");
    let last = p.parts.last().unwrap();
    let body = doc.slice(last.span.clone());
    assert!(
        !body.starts_with("### Task 2"),
        "the case is a part opening mid-section"
    );
    let (two, one) = (body.find("### Task 2").unwrap(), body.len());
    assert!(
        two < one / 2,
        "the part is mostly Tasks 2 and 3: {two} of {one}"
    );
    assert!(last.name.contains("-task-2-migrate-hls"), "{:?}", names(&p));
    assert_eq!(p.reassemble(&doc), text);
}

#[test]
fn a_lead_in_stays_when_what_it_leaves_would_be_a_sliver() {
    // The review's case: a heading and one line would have been left of a
    // 58-line part once its tail joined the oversize block after it.
    let code: String = (0..300).map(|i| format!("x{i}\n")).collect();
    let text = format!(
        "### Phase 1.1: Build\n\nIntro.\n\n#### Step A\n\n{}Create x:\n\n```\n{code}```\n\n### Phase 1.2: Next\n\n{}",
        paras("p", 21),
        paras("q", 30)
    );
    let (doc, p) = split_with(&text, &floored(200), "plan");
    let first = &p.parts[0];
    assert!(first.lines >= 50, "{:?} {}", names(&p), first.lines);
    assert_eq!(p.reassemble(&doc), text);
}

/// A part that opens with the tail of a subsection and goes on with a new
/// top section is named after that section: cipher-box's ARCHITECTURE.md gave
/// `2.5-integration-points-….md` for 14 lines of §2.5 and all of §3.
#[test]
fn a_part_opening_with_a_subsections_tail_is_named_for_the_section_it_holds() {
    let text = format!(
        "# Plan\n\n## Alpha\n\n{}### Alpha tail\n\n{}## Team Accounts\n\n{}",
        paras("a", 44),
        paras("t", 6),
        paras("b", 35)
    );
    let (_, p) = split_with(&text, &floored(100), "plan");
    let n = names(&p);
    assert_eq!(n.len(), 2, "{n:?}");
    assert!(n[1].contains("team-accounts"), "{n:?}");
    // Where the tail is the bigger share, it names the part.
    let text = format!(
        "# Plan\n\n## Alpha\n\n{}### Alpha tail\n\n{}## Team Accounts\n\n{}",
        paras("a", 44),
        paras("t", 30),
        paras("b", 6)
    );
    let (_, p) = split_with(&text, &floored(100), "plan");
    let n = names(&p);
    assert!(n[1].contains("alpha-tail"), "{n:?}");
}
