use super::*;
use crate::config::Config;
use crate::model::Document;

pub(crate) fn opts(max_lines: usize) -> SplitOptions {
    SplitOptions {
        max_lines,
        max_tokens: 100_000,
        encoding: Encoding::O200kBase,
        slug_max: 50,
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
            "next-steps.md"
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
            "overview.md",
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
