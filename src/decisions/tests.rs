//! Tests of the pipeline: in-memory files through `plan_topics` to topic files
//! and notes. The scanner's unit tests are in `extract/tests.rs`; the tests that
//! read `samples/` or the shared corpus are in `tests/it/decisions.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::config::Config;
use crate::model::markers::{DECISIONS_BEGIN as BEGIN, DECISIONS_END as END};

/// The built-in rules with the sample project's topic routes
/// (`samples/pcc/replan.yaml`): AlloyDB, GKE and ArgoCD by phase and keyword.
pub(crate) fn pcc() -> Config {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pcc/replan.yaml");
    Config::load(None, Some(&f), None).expect("the sample configuration loads")
}

/// Run the whole planner over in-memory files with an in-memory disk, with the
/// sample project's routes.
fn run(files: &[(&str, &str)], disk: &BTreeMap<PathBuf, String>) -> DecisionsOutcome {
    let docs: Vec<(PathBuf, Document)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
        .collect();
    let sources = sources_of(&docs);
    let get = |p: &Path| disk.get(p).cloned();
    plan_topics(Path::new("/r"), &sources, &pcc(), &get)
}

/// The sources of parsed files, untitled.
fn sources_of(docs: &[(PathBuf, Document)]) -> Vec<SourceDoc<'_>> {
    docs.iter()
        .map(|(p, d)| SourceDoc {
            rel: p.clone(),
            doc: d,
            title: None,
        })
        .collect()
}

fn file<'a>(o: &'a DecisionsOutcome, topic: &str) -> &'a str {
    let p = PathBuf::from(format!(".claude/architecture/{topic}-design.md"));
    o.files
        .iter()
        .find(|f| f.path == p)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {topic} file in {:?}", o.files))
}

fn run_owned(files: &[(String, String)], disk: &BTreeMap<PathBuf, String>) -> DecisionsOutcome {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    run(&refs, disk)
}

// ---- recovery, robustness ----

#[test]
fn unclosed_fence_content_is_recovered_and_noted() {
    let md = "# Phase 4: ArgoCD\n\n#### Phase 4.14: Validate\n\n```\nrollback notes\n\n## Key Architecture Decisions\n\n1. **Nonprod Role**: testing only\n2. **Prod Role**: manages clusters\n";
    let o = run(&[(".claude/plans/phase-4-notes.md", md)], &BTreeMap::new());
    let f = file(&o, "argocd");
    // The H2 inside the fence closes 4.14; its rendered parent is the H1.
    assert!(
        f.contains(
            "- **Nonprod Role**: testing only ([source](../plans/phase-4-notes.md#phase-4-argocd))"
        ),
        "{f}"
    );
    assert!(f.contains("**Prod Role**: manages clusters"), "{f}");
    // The H2 inside the fence ends 4.14: the decisions belong to phase 4.
    assert!(f.contains("## Phase 4: ArgoCD\n"), "{f}");
    assert_eq!(o.notes.len(), 1, "{:?}", o.notes);
    assert!(
        o.notes[0].to_string().contains("phase-4-notes.md")
            && o.notes[0].to_string().contains("line 5"),
        "{:?}",
        o.notes
    );
}

/// Thousands of fence lines in one file: the whole pipeline, fence recovery
/// included, stays bounded. (The scanner's deep-nesting cases are in
/// `extract/tests.rs`.)
#[test]
fn many_fences_do_not_overflow() {
    let fences = "````\n".repeat(5_000);
    let o = run(&[("a.md", fences.as_str())], &BTreeMap::new());
    assert!(o.files.is_empty());
}

// ---- dedupe, routing, rendering ----

#[test]
fn restatement_is_noted_not_repeated() {
    let a = "# Phase 2.1: Cluster\n\n- **Decision**: AlloyDB uses automated daily backups with 14-day retention.\n";
    let b = "# Phase 2.3: Backups\n\n**Decision:** alloydb uses *automated* daily backups, with 14-day retention\n";
    let o = run(
        &[("p/phase-2.3.md", b), ("p/phase-2.1.md", a)],
        &BTreeMap::new(),
    );
    let f = file(&o, "alloydb");
    assert_eq!(f.matches("daily backups").count(), 1, "{f}");
    assert!(
        f.contains("  - Restated in [phase-2.3.md](../../p/phase-2.3.md#phase-23-backups)"),
        "{f}"
    );
    // phase order is natural: 2.1 before 2.3, whatever the input order
    assert!(f.contains("## Phase 2.1: Cluster"));
}

/// Two statements that differ in a word are two decisions: a restatement is the
/// same text (case, emphasis, punctuation and whitespace aside) and nothing else.
#[test]
fn a_near_restatement_is_kept_whole() {
    let a = "# Phase 2.1: Cluster\n\n- **Decision**: AlloyDB uses automated daily backups with 14-day retention.\n";
    let b = "# Phase 2.3: Backups\n\n**Decision:** AlloyDB uses automated daily backups with a 14-day retention.\n";
    let o = run(
        &[("p/phase-2.3.md", b), ("p/phase-2.1.md", a)],
        &BTreeMap::new(),
    );
    let f = file(&o, "alloydb");
    assert!(
        f.contains("- AlloyDB uses automated daily backups with 14-day retention."),
        "{f}"
    );
    assert!(
        f.contains("- AlloyDB uses automated daily backups with a 14-day retention."),
        "{f}"
    );
    assert!(!f.contains("Restated") && !f.contains("Changes"), "{f}");
}

/// The generated trees' misses: decisions that differ in a number were folded
/// into one, losing the later. Both are kept in source order, the later marked.
#[test]
fn a_decision_that_differs_in_a_number_is_a_change_and_both_are_kept() {
    let a = "# Phase 2.1: Cluster\n\n- **Decision**: Enable automated backups with a 4-day retention window\n\n\
             - **Decision**: HA mode with 3 replicas\n";
    let b = "# Phase 2.6: Tuning\n\n**Decision**: Enable automated backups with a 6-day retention window\n\n\
             **Decision**: HA mode with 7 replicas\n";
    let o = run(
        &[("p/phase-2.6.md", b), ("p/phase-2.1.md", a)],
        &BTreeMap::new(),
    );
    let f = file(&o, "alloydb");
    let four = f.find("- Enable automated backups with a 4-day").expect(f);
    let six = f.find("- Enable automated backups with a 6-day").expect(f);
    assert!(four < six, "{f}");
    assert!(
        f.contains(
            "  - Changes \"Enable automated backups with a 4-day retention window\" \
             ([phase-2.1.md](../../p/phase-2.1.md#phase-21-cluster))"
        ),
        "{f}"
    );
    assert!(f.contains("- HA mode with 3 replicas"), "{f}");
    assert!(
        f.contains("  - Changes \"HA mode with 3 replicas\" ([phase-2.1.md]"),
        "{f}"
    );
    assert_eq!(f.matches("  - Changes").count(), 2, "{f}");
    // Siblings in one section are a list of different things, not changes.
    let c = "# Phase 3.1: Pools\n\n- **Decision**: pool A gets 3 nodes\n- **Decision**: pool B gets 5 nodes\n";
    let o = run(&[("p/phase-3.1.md", c)], &BTreeMap::new());
    assert!(!file(&o, "gke").contains("Changes"));
}

#[test]
fn archived_copy_of_an_active_decision_is_dropped() {
    let text = "#### Phase 4.3: Install\n\n**Decision**: Use Helm chart 3.1.9.\n";
    let o = run(
        &[
            (".claude/archive/original-phases/notes.md", text),
            (".claude/plans/phase-4.3-install.md", text),
        ],
        &BTreeMap::new(),
    );
    let f = file(&o, "argocd");
    assert_eq!(f.matches("Helm chart").count(), 1, "{f}");
    assert!(
        f.contains("../plans/phase-4.3-install.md#phase-43-install"),
        "{f}"
    );
    assert!(!f.contains("Restated"), "{f}");
}

#[test]
fn phase_from_heading_or_file_name_routes_topics() {
    let o = run(
        &[
            ("phase-2.5.md", "**Decision**: a1\n"),
            ("x/phase-4.7-install-argocd.md", "**Decision**: b1\n"),
            ("notes.md", "## Phase 3: GKE\n\n**Decision**: c1\n\n## Misc\n\n**Decision**: Use AlloyDB read pools\n\n**Decision**: Tabs not spaces\n"),
        ],
        &BTreeMap::new(),
    );
    assert!(file(&o, "alloydb").contains("a1"));
    assert!(file(&o, "alloydb").contains("read pools"));
    assert!(file(&o, "argocd").contains("## Phase 4.7\n\n- b1 ("));
    assert!(file(&o, "gke").contains("c1"));
    let g = file(&o, "general");
    assert!(g.starts_with("# General design decisions\n"), "{g}");
    assert!(
        g.contains("## Not tied to a phase\n\n- Tabs not spaces ([source](../../notes.md#misc))"),
        "{g}"
    );
}

#[test]
fn topic_dir_is_configurable_and_own_output_is_not_read() {
    let mut cfg = pcc();
    cfg.topics.dir = "docs/architecture/".into();
    let d1 = Document::from_text("a", "**Decision**: x1\n");
    let d2 = Document::from_text("b", "**Decision**: from my own output\n");
    let src = [
        SourceDoc {
            rel: "phase-3.1.md".into(),
            doc: &d1,
            title: None,
        },
        SourceDoc {
            rel: "docs/architecture/gke-design.md".into(),
            doc: &d2,
            title: None,
        },
    ];
    let o = plan_topics(Path::new("/"), &src, &cfg, &|_| None);
    assert_eq!(o.files.len(), 1);
    assert_eq!(
        o.files[0].path,
        PathBuf::from("docs/architecture/gke-design.md")
    );
    assert!(o.files[0]
        .contents
        .contains("x1 ([source](../../phase-3.1.md))"));
    assert!(!o.files[0].contents.contains("own output"));
}

#[test]
fn a_new_decision_updates_only_the_block() {
    let mut files = vec![(
        "phase-3.1.md".to_string(),
        "# Phase 3.1: GKE\n\n**Decision**: Autopilot.\n".to_string(),
    )];
    let o1 = run_owned(&files, &BTreeMap::new());
    let mut disk = BTreeMap::new();
    let path = PathBuf::from(".claude/architecture/gke-design.md");
    disk.insert(path.clone(), format!("{}\nmine\n", o1.files[0].contents));
    files[0].1.push_str("\n**Decision**: Private endpoints.\n");
    let o2 = run_owned(&files, &disk);
    assert_eq!(o2.files.len(), 1);
    let new = &o2.files[0].contents;
    assert!(new.contains("Private endpoints.") && new.contains("Autopilot."));
    assert!(new.ends_with("\nmine\n"), "{new}");
    // and that result is stable
    disk.insert(path, new.clone());
    assert!(run_owned(&files, &disk).files.is_empty());
}

#[test]
fn hand_edit_inside_markers_is_reported_not_overwritten() {
    let files = vec![(
        "phase-3.1.md".to_string(),
        "**Decision**: Autopilot.\n".to_string(),
    )];
    let o1 = run_owned(&files, &BTreeMap::new());
    let edited = o1.files[0]
        .contents
        .replace("Autopilot.", "Autopilot, edited.");
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), edited);
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty());
    assert_eq!(o2.notes.len(), 1);
    assert!(
        o2.notes[0].to_string().contains("gke-design.md")
            && o2.notes[0].to_string().contains("edited"),
        "{:?}",
        o2.notes
    );
    // a begin marker with no end is reported too
    disk.insert(
        o1.files[0].path.clone(),
        format!("{BEGIN} sha256=00 -->\nx\n"),
    );
    let o3 = run_owned(&files, &disk);
    assert!(o3.files.is_empty() && o3.notes[0].to_string().contains("no end marker"));
}

#[test]
fn existing_file_without_markers_gets_the_block_appended() {
    let files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let mut disk = BTreeMap::new();
    disk.insert(
        PathBuf::from(".claude/architecture/gke-design.md"),
        "# GKE\n\nWritten by hand.".to_string(),
    );
    let o = run_owned(&files, &disk);
    let c = &o.files[0].contents;
    assert!(
        c.starts_with("# GKE\n\nWritten by hand.\n\n<!-- replan:decisions:begin sha256="),
        "{c}"
    );
}

#[test]
fn decisions_that_disappear_empty_the_block() {
    let files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let o1 = run_owned(&files, &BTreeMap::new());
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), o1.files[0].contents.clone());
    let none = vec![("phase-3.1.md".to_string(), "nothing\n".to_string())];
    let o2 = run_owned(&none, &disk);
    assert_eq!(o2.files.len(), 1);
    assert!(o2.files[0].contents.contains("_No decisions found._"));
    assert!(!o2.files[0].contents.contains("A."));
}

#[test]
fn relative_links_in_decisions_are_rebased() {
    let md = "**Decision**: Follow [2.4](phase-2.4.md#psc), [top](#x), [web](https://a.b/c) and [far](<../z z.md>), [odd](a%20(b)%23c.md).\n**Rationale**: See [2.1](./phase-2.1.md).\n";
    let o = run(&[(".claude/plans/d/phase-2.5.md", md)], &BTreeMap::new());
    let f = file(&o, "alloydb");
    assert!(
        f.contains("Follow [2.4](../plans/d/phase-2.4.md#psc), [top](../plans/d/phase-2.5.md#x), [web](https://a.b/c) and [far](<../plans/z%20z.md>), [odd](../plans/d/a%20%28b%29%23c.md)."),
        "{f}"
    );
    assert!(
        f.contains("  - Rationale: See [2.1](../plans/d/phase-2.1.md)."),
        "{f}"
    );
}

/// Link syntax quoted in a code span is code: only real links are rebased.
#[test]
fn links_quoted_in_code_are_not_rebased() {
    let md = "**Decision**: Write `[x](a.md)` in indexes and link [b](b.md).\n";
    let o = run(&[(".claude/plans/d/phase-2.5.md", md)], &BTreeMap::new());
    let f = file(&o, "alloydb");
    assert!(
        f.contains("Write `[x](a.md)` in indexes and link [b](../plans/d/b.md)."),
        "{f}"
    );
}

#[test]
fn archived_near_copy_gives_its_phase_to_the_active_copy() {
    let old = "# Phase 4: ArgoCD\n\n## Key Architecture Decisions\n\n1. **Decision**: Two instances, see [a](phase-4.3.md).\n";
    let new = "## Key Architecture Decisions\n\n1. **Decision**: Two instances, see [a](phase-4.3-install-argocd.md).\n";
    let o = run(
        &[
            (".claude/archive/original-phases/notes.md", old),
            (".claude/plans/key-architecture-decisions.md", new),
        ],
        &BTreeMap::new(),
    );
    let f = file(&o, "argocd");
    assert_eq!(f.matches("Two instances").count(), 1, "{f}");
    assert!(f.contains("## Phase 4: ArgoCD\n"), "{f}");
    assert!(
        f.contains("(../plans/key-architecture-decisions.md#key-architecture-decisions)"),
        "{f}"
    );
    assert!(!f.contains("archive"), "{f}");
}

/// A decision restated in every file of a folder is kept once, with each other
/// place listed once, in order, and never its own; each phase gets one group.
#[test]
fn a_decision_restated_everywhere_lists_each_place_once() {
    let files: Vec<(String, String)> = (0..40)
        .map(|k| {
            let text = format!(
                "# Phase 5.{k}: Step {k}\n\n- **Decision**: Keep one state bucket per environment\n\
                 - **Decision**: Keep one state bucket per environment\n\
                 - **Decision**: Step {k} keeps owner {k}, reviewer {} and approver {}\n",
                k * 7,
                k * 13
            );
            (format!("p/phase-5.{k}.md"), text)
        })
        .collect();
    // One file however long (pages are tested below).
    let o = run_cfg(&files, &no_budget(), &BTreeMap::new());
    let f = file(&o, "general");
    assert_eq!(f.matches("Keep one state bucket").count(), 1, "{f}");
    let restated: Vec<&str> = f.lines().filter(|l| l.contains("Restated in")).collect();
    let want: Vec<String> = (1..40)
        .map(|k| {
            format!("  - Restated in [phase-5.{k}.md](../../p/phase-5.{k}.md#phase-5{k}-step-{k})")
        })
        .collect();
    assert_eq!(restated, want, "{f}");
    let groups: Vec<&str> = f.lines().filter(|l| l.starts_with("## Phase")).collect();
    let want: Vec<String> = (0..40)
        .map(|k| format!("## Phase 5.{k}: Step {k}"))
        .collect();
    assert_eq!(groups, want, "{f}");
}

#[test]
fn many_decisions_exact_duplicates_still_fold() {
    let mut md = String::from("# Phase 3.1: GKE\n\n");
    for i in 0..5000 {
        md.push_str(&format!(
            "- **Decision**: cluster {i} gets pool {} in zone {}\n",
            i * 7,
            i % 3
        ));
    }
    md.push_str("- **Decision**: cluster 1 gets pool 7 in zone 1\n");
    let o = run_cfg(&[("p.md".into(), md)], &no_budget(), &BTreeMap::new());
    let f = file(&o, "gke");
    assert_eq!(f.lines().filter(|l| l.starts_with("- ")).count(), 5000);
    assert!(
        o.notes
            .iter()
            .any(|n| n.to_string().contains("only identical texts")),
        "{:?}",
        o.notes
    );
}

#[test]
fn lettered_phase_headings_keep_their_number() {
    let o = run(
        &[(
            "notes.md",
            "# Phase 4.2a: Plan Install (20-30 min)\n\n**Decision**: Use Helm.\n",
        )],
        &BTreeMap::new(),
    );
    // still routed as phase 4.2 (samples/pcc routes 4.x to argocd)
    assert!(
        file(&o, "argocd").contains("## Phase 4.2a: Plan Install\n"),
        "{:?}",
        o.files
    );
}

#[test]
fn a_lettered_phase_is_its_own_phase_and_titles_no_sibling() {
    // 4M and 4AG are separate pieces of work: neither names phase 4's topic,
    // and each decision is filed under its own lettered phase.
    let o = run_generic(&[
        (
            "roadmap.md",
            "# Roadmap\n\n## Phase 4: Operator Policy\n\n**Decision**: Keep policy local.\n\n\
             ### Phase 4M - Safe Rollback\n\n**Decision**: Checkpoint before apply.\n",
        ),
        (
            "phase4ag.md",
            "# Phase 4AG Plan: Benchmark Cadence\n\n## Decision\n\n**Decision**: Replay benchmarks at release.\n",
        ),
    ]);
    let names: Vec<String> = o
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let four = o
        .files
        .iter()
        .find(|f| f.path.to_string_lossy().contains("phase-4-operator-policy"))
        .unwrap_or_else(|| panic!("{names:?}"));
    assert!(
        four.contents.contains("Keep policy local"),
        "{}",
        four.contents
    );
    assert!(!four.contents.contains("Checkpoint"), "{}", four.contents);
    let m = o
        .files
        .iter()
        .find(|f| f.path.to_string_lossy().contains("phase-4m-safe-rollback"))
        .unwrap_or_else(|| panic!("{names:?}"));
    assert!(
        m.contents.contains("## Phase 4M: Safe Rollback\n"),
        "{}",
        m.contents
    );
    assert!(
        o.files
            .iter()
            .any(|f| f.path.to_string_lossy().contains("phase-4ag")
                && f.contents.contains("Replay benchmarks")),
        "{names:?}"
    );
}

#[test]
fn crlf_topic_files_stay_crlf_and_stable() {
    let mut files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let o1 = run_owned(&files, &BTreeMap::new());
    let crlf = o1.files[0].contents.replace('\n', "\r\n");
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), crlf.clone());
    // a checkout that turned LF into CRLF is not a hand edit
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty() && o2.notes.is_empty(), "{:?}", o2.notes);
    files[0].1.push_str("\n**Decision**: B.\n");
    let o3 = run_owned(&files, &disk);
    let c = &o3.files[0].contents;
    assert!(
        c.contains("- B. (") && !c.replace("\r\n", "").contains('\n'),
        "{c:?}"
    );
    disk.insert(o1.files[0].path.clone(), c.clone());
    assert!(run_owned(&files, &disk).files.is_empty());
}

#[test]
fn copied_text_cannot_close_the_block() {
    let files = vec![(
        "phase-3.1.md".to_string(),
        "**Decision**: keep `<!-- replan:decisions:end -->` out.\n".to_string(),
    )];
    let o1 = run_owned(&files, &BTreeMap::new());
    let c = &o1.files[0].contents;
    assert_eq!(c.matches(END).count(), 1, "{c}");
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), c.clone());
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty() && o2.notes.is_empty(), "{:?}", o2.notes);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        "  ",
        "> ",
        "- ",
        "1. ",
        "**Decision**: ",
        "**Decision:** ",
        "**Rationale**: ",
        "**Rejected**: ",
        "### Decision: ",
        "## Key Decisions\n",
        "## Open Questions\n",
        "# Phase 2.1: A\n",
        "#### Phase 4.3: B\n",
        "```\n",
        "~~~~\n",
        "| Area | Decision | Rationale |\n|---|---|---|\n",
        "| a | b | c |\n",
        "Use X",
        " because Y",
        "TBD",
        "?",
        "[l](x.md#y)",
        "<!-- replan:decisions:end -->",
        "\r\n",
        "## ADR-001: Z\n",
        "— **Rationale**: r",
        "`code`",
        "Über ✅",
    ];

    fn doc_text() -> impl Strategy<Value = String> {
        prop::collection::vec(0..PIECES.len(), 0..80)
            .prop_map(|v| v.into_iter().map(|i| PIECES[i]).collect::<String>())
    }

    proptest! {
        #![proptest_config(crate::testing::proptest_config(64))]
        #[test]
        fn never_panics_and_a_second_run_changes_nothing(a in doc_text(), b in doc_text()) {
            let files = vec![
                (".claude/plans/phase-2.1.md".to_string(), a),
                (".claude/plans/notes.md".to_string(), b),
            ];
            let o1 = run_owned(&files, &BTreeMap::new());
            let mut disk = BTreeMap::new();
            for f in &o1.files {
                prop_assert!(f.contents.matches(END).count() == 1);
                disk.insert(f.path.clone(), f.contents.clone());
            }
            let o2 = run_owned(&files, &disk);
            prop_assert!(o2.files.is_empty(), "{:?}", o2.files);
            prop_assert!(o2.notes.iter().all(|n| !n.to_string().contains("edited")), "{:?}", o2.notes);
        }
    }
}

#[test]
fn quoted_markers_in_hand_text_are_not_the_block() {
    let files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let o1 = run_owned(&files, &BTreeMap::new());
    let hand = format!(
        "# GKE\n\nThe block starts with `{BEGIN}` and ends with `{END}`.\n\n{}",
        o1.files[0].contents
    );
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), hand.clone());
    let o2 = run_owned(&files, &disk);
    assert!(
        o2.files.is_empty() && o2.notes.is_empty(),
        "{:?} {:?}",
        o2.files,
        o2.notes
    );
    let more = vec![(
        "phase-3.1.md".to_string(),
        "**Decision**: A.\n\n**Decision**: B.\n".to_string(),
    )];
    let o3 = run_owned(&more, &disk);
    let c = &o3.files[0].contents;
    assert!(c.starts_with("# GKE\n\nThe block starts with `"), "{c}");
    assert!(c.contains("- B. ("), "{c}");
}

#[test]
fn decision_and_topic_rules_are_strict_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "topics:\n  dir: docs/arch\n  routes:\n    - topic: net\n      phases: ['5']\n      bogus: 1\n",
    )
    .unwrap();
    let err = Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("replan.yaml") && err.contains("bogus"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("replan.yaml"),
        "topics:\n  dir: docs/arch\ndecisions:\n  labels: [Choice]\n",
    )
    .unwrap();
    let c = Config::load(Some(dir.path()), None, None).unwrap();
    assert_eq!(c.topics.dir, "docs/arch");
    assert!(c.topics.routes.is_empty(), "no routes unless configured");
    assert!(
        !c.topics.phase_headings.is_empty(),
        "kept from the defaults"
    );
    assert_eq!(c.decisions.labels, vec!["Choice".to_string()]);
    assert!(!c.decisions.sections.is_empty());
}

// ---- topics over budget become pages ----

/// The planner over in-memory files with a configuration and disk.
fn run_cfg(
    files: &[(String, String)],
    cfg: &Config,
    disk: &BTreeMap<PathBuf, String>,
) -> DecisionsOutcome {
    let docs: Vec<(PathBuf, Document)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
        .collect();
    let sources: Vec<SourceDoc> = docs
        .iter()
        .map(|(p, d)| SourceDoc {
            rel: p.clone(),
            doc: d,
            title: None,
        })
        .collect();
    let get = |p: &Path| disk.get(p).cloned();
    plan_topics(Path::new("/r"), &sources, cfg, &get)
}

/// No budget at all: a topic stays one file.
fn no_budget() -> Config {
    let mut cfg = pcc();
    cfg.budgets.max_lines = 0;
    cfg.budgets.max_tokens = 0;
    cfg
}

/// A budget of 40 lines and 1,500 tokens for every file.
fn small_budget() -> Config {
    let mut cfg = pcc();
    cfg.budgets.max_lines = 40;
    cfg.budgets.max_tokens = 1500;
    cfg
}

/// `phases` plan files with `per` decisions each, about a line each.
fn many_decisions(phases: usize, per: usize) -> Vec<(String, String)> {
    (1..=phases)
        .map(|p| {
            let mut t = format!("# Phase 9.{p}: Step {p}\n\n");
            for i in 0..per {
                t.push_str(&format!(
                    "**Decision**: choice {p}.{i} keeps the widget number {i} small.\n\n"
                ));
            }
            (format!(".claude/plans/phase-9.{p}.md"), t)
        })
        .collect()
}

fn within(cfg: &Config, f: &TopicFile) -> bool {
    let (lines, tokens) = cfg.budget_for(&f.path);
    let enc = crate::tokens::Encoding::from_name(&cfg.budgets.encoding).unwrap();
    crate::model::count_lines(&f.contents) <= lines && enc.count(&f.contents) <= tokens
}

#[test]
fn a_topic_over_budget_becomes_an_index_of_pages_by_phase() {
    let cfg = small_budget();
    let files = many_decisions(4, 40);
    let o = run_cfg(&files, &cfg, &BTreeMap::new());
    let paths: Vec<String> = o
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(
        paths.contains(&".claude/architecture/general-design.md".to_string()),
        "{paths:?}"
    );
    // One phase per page, a long phase cut into parts; every file within budget.
    assert!(
        paths.contains(&".claude/architecture/general/phase-9.1-step-1.md".to_string()),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("phase-9.4-step-4-part-2.md")),
        "{paths:?}"
    );
    for f in &o.files {
        assert!(
            within(&cfg, f),
            "{} over budget:\n{}",
            f.path.display(),
            f.contents
        );
    }
    // Every decision is on exactly one page, with a link back to its source.
    let pages: String = o
        .files
        .iter()
        .filter(|f| f.path.starts_with(".claude/architecture/general/"))
        .map(|f| f.contents.as_str())
        .collect();
    for p in 1..=4 {
        assert_eq!(pages.matches(&format!("choice {p}.0 keeps")).count(), 1);
    }
    assert!(
        pages.contains("([source](../../plans/phase-9.1.md#phase-91-step-1))"),
        "{pages}"
    );
    assert!(pages.contains("_Part of [General design decisions](../general-design.md)._"));
    let index = file(&o, "general");
    // The index counts what the pages hold.
    let listed: usize = index
        .lines()
        .filter_map(|l| {
            l.strip_prefix("- [")?
                .rsplit_once("): ")?
                .1
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert!(
        index.contains(&format!("\n{listed} decisions, too many")),
        "{index}"
    );
    assert_eq!(
        listed,
        pages.lines().filter(|l| l.starts_with("- ")).count(),
        "{index}"
    );
    assert!(
        index.contains("- [Phase 9.1: Step 1 (part 1 of 2)](general/phase-9.1-step-1.md): "),
        "{index}"
    );
    // Links from the index and pages resolve to files the run writes.
    let written: std::collections::HashSet<&Path> =
        o.files.iter().map(|f| f.path.as_path()).collect();
    for f in &o.files {
        let doc = Document::from_text(&f.path.to_string_lossy(), &f.contents);
        for l in &doc.links {
            if let crate::model::links::Target::File { path, .. } =
                crate::model::links::resolve(&f.path, &l.url)
            {
                let source = files.iter().any(|(p, _)| Path::new(p) == path);
                assert!(
                    written.contains(path.as_path()) || source,
                    "{}: {}",
                    f.path.display(),
                    l.url
                );
            }
        }
    }
}

#[test]
fn pages_are_stable_keep_hand_text_and_empty_when_the_topic_fits_again() {
    let cfg = small_budget();
    let files = many_decisions(3, 40);
    let o = run_cfg(&files, &cfg, &BTreeMap::new());
    let mut disk: BTreeMap<PathBuf, String> = o
        .files
        .iter()
        .map(|f| (f.path.clone(), f.contents.clone()))
        .collect();
    // Same plans, same files: nothing to write.
    let again = run_cfg(&files, &cfg, &disk);
    assert!(again.files.is_empty(), "{:?}", again.files);
    // Hand-written text on a page survives a change of its decisions.
    let page = PathBuf::from(".claude/architecture/general/phase-9.2-step-2.md");
    let mine = format!("{}\nMy note.\n", disk[&page]);
    disk.insert(page.clone(), mine);
    let mut fewer = files.clone();
    fewer[1].1 = "# Phase 9.2: Step 2\n\n**Decision**: only this one.\n".into();
    let o = run_cfg(&fewer, &cfg, &disk);
    let p = o
        .files
        .iter()
        .find(|f| f.path == page)
        .expect("page rewritten");
    assert!(p.contents.contains("only this one") && p.contents.ends_with("\nMy note.\n"));
    // Once the topic fits, it is one file again and its pages point home, empty.
    let one = vec![files[0].clone()];
    let cfg_big = pcc();
    let o = run_cfg(&one, &cfg_big, &disk);
    let topic = file(&o, "general");
    assert!(topic.contains("## Phase 9.1: Step 1"), "{topic}");
    let emptied = o
        .files
        .iter()
        .find(|f| f.path == page)
        .expect("an unused page is emptied");
    assert!(
        emptied.contents.contains("No decisions here any more"),
        "{}",
        emptied.contents
    );
    assert!(emptied.contents.ends_with("\nMy note.\n"));
    assert!(!emptied.contents.contains("choice 2."));
}

#[test]
fn decisions_tied_to_no_phase_get_a_page_per_plan_folder() {
    let cfg = small_budget();
    let mut files = Vec::new();
    for dir in ["specs/001-alpha", "specs/002-beta"] {
        let mut t = "# Notes\n\n".to_string();
        for i in 0..25 {
            t.push_str(&format!("**Decision**: {dir} rule {i} stays simple.\n\n"));
        }
        files.push((format!("{dir}/plan.md"), t));
    }
    let o = run_cfg(&files, &cfg, &BTreeMap::new());
    let paths: Vec<String> = o
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(
        paths.contains(&".claude/architecture/general/001-alpha.md".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&".claude/architecture/general/002-beta.md".to_string()),
        "{paths:?}"
    );
    let index = file(&o, "general");
    assert!(
        index.contains("[Not tied to a phase: specs/001-alpha/](general/001-alpha.md)"),
        "{index}"
    );
    for f in &o.files {
        assert!(within(&cfg, f), "{} over budget", f.path.display());
    }
}

/// A decision that survives only in an archived file is cited by its path in a
/// code span, not a link: active files never send readers into the archive.
#[test]
fn an_archived_source_is_named_not_linked() {
    let d = Decision {
        rel: PathBuf::from(".claude/archive/original-phases/old.md"),
        line: 3,
        phase: None,
        phase_title: None,
        anchor: Some("phase-41-x".into()),
        text: "Use one cluster".into(),
        rationale: None,
        archived: true,
        restated: vec![
            (PathBuf::from(".claude/plans/new.md"), None),
            (
                PathBuf::from(".claude/archive/original-phases/older.md"),
                None,
            ),
        ],
        top_title: None,
        top_loose: None,
        doc_title: "Old".into(),
        changes: None,
        consequences: None,
    };
    let e = super::render::entry(Path::new(".claude/architecture/general-design.md"), &d);
    assert!(
        e.contains("(source, archived: `.claude/archive/original-phases/old.md#phase-41-x`)"),
        "{e}"
    );
    assert!(e.contains("Restated in [new.md](../plans/new.md)"), "{e}");
    assert!(e.contains("Restated in older.md, archived: `"), "{e}");
    assert!(!e.contains("](../archive"), "{e}");
}

// ---- generic topics (no routes configured) ----

/// The planner with the built-in rules only: no routes.
fn run_generic(files: &[(&str, &str)]) -> DecisionsOutcome {
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    run_cfg(&owned, &Config::builtin(), &BTreeMap::new())
}

fn names(o: &DecisionsOutcome) -> Vec<String> {
    o.files
        .iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn without_routes_a_topic_is_a_top_level_phase_named_from_its_heading() {
    let plan = "# Plan\n\n## Phase 2: AlloyDB Cluster\n\n### Phase 2.3: Backups\n\n\
                **Decision**: Keep 7 days of backups.\n\n## Phase 3: GKE\n\n\
                **Decision**: One regional cluster.\n";
    // A subphase in a file of its own takes its phase's title from the plan.
    let sub = "# Phase 2.5: Users\n\n**Decision**: IAM users only.\n";
    let o = run_generic(&[
        (".claude/plans/plan.md", plan),
        (".claude/plans/phase-2.5.md", sub),
    ]);
    assert_eq!(
        names(&o),
        [
            ".claude/architecture/phase-2-alloydb-cluster-design.md",
            ".claude/architecture/phase-3-gke-design.md"
        ]
    );
    let p2 = &o.files[0].contents;
    assert!(
        p2.starts_with("# Phase 2: AlloyDB Cluster: design decisions\n"),
        "{p2}"
    );
    assert!(p2.contains("- Keep 7 days of backups."), "{p2}");
    assert!(p2.contains("- IAM users only."), "{p2}");
}

/// The title a subphase file's phase takes from elsewhere: the first heading
/// naming it in its own folder, of the `Phase N: Title` form before a loose
/// one; the first anywhere else only when its folder has none.
#[test]
fn a_phase_title_comes_from_its_own_folder_first() {
    let loose = "# Phase 2 working notes\n\nText.\n";
    let named = |t: &str| format!("# Plan\n\n## Phase 2: {t}\n\nText.\n");
    let sub = "# Phase 2.5: Users\n\n**Decision**: IAM users only.\n";
    let (a, b) = (named("Alpha Cluster"), named("Beta Cluster"));
    let o = run_generic(&[
        ("plans/a/plan.md", &a),
        ("plans/b/notes.md", loose),
        ("plans/b/plan.md", &b),
        ("plans/b/phase-2.5.md", sub),
    ]);
    assert_eq!(
        names(&o),
        [".claude/architecture/phase-2-beta-cluster-design.md"]
    );
    // No heading in its folder: the first anywhere, in path order.
    let o = run_generic(&[
        ("plans/a/plan.md", &a),
        ("plans/b/plan.md", &b),
        ("plans/c/phase-2.5.md", sub),
    ]);
    assert_eq!(
        names(&o),
        [".claude/architecture/phase-2-alpha-cluster-design.md"]
    );
}

#[test]
fn without_routes_or_phases_a_topic_is_a_plan_document() {
    // A parser library deciding to keep no database: no AlloyDB file, whatever
    // the words; one topic per plan document, named from its title.
    let a = "# Parser rewrite\n\n**Decision**: Keep no database; parse in memory.\n";
    let b = "# Error reporting\n\n**Decision**: Spans on every error.\n";
    let part = "*Continued from [Parser rewrite](parser.md) (part 2 of 2).* <!-- replan:continuation -->\n\n\
                ## Later\n\n**Decision**: No cluster of workers.\n";
    let o = run_generic(&[
        ("docs/plans/parser.md", a),
        ("docs/plans/parser-part-2.md", part),
        ("docs/plans/errors.md", b),
    ]);
    assert_eq!(
        names(&o),
        [
            ".claude/architecture/error-reporting-design.md",
            ".claude/architecture/parser-rewrite-design.md"
        ]
    );
    assert!(o.files[1].contents.contains("No cluster of workers"));
    for f in &o.files {
        for tech in ["alloydb", "gke", "argocd", "general"] {
            assert!(!f.path.to_string_lossy().contains(tech), "{:?}", f.path);
        }
    }
}

#[test]
fn a_title_that_is_a_file_name_names_its_topic_without_the_extension() {
    // Regression: a part linking back to `epp-hkt-migration-overview.md` gave the
    // topic `epp-hkt-migration-overview-md`.
    let part = "*Continued from [migration-overview.md](overview.md) (part 2 of 2).* <!-- replan:continuation -->\n\n\
                ## Later\n\n**Decision**: Keep the old aliases for one release.\n";
    let notes = "# Notes on setup.md\n\n**Decision**: One config file.\n";
    let o = run_generic(&[
        ("docs/plans/overview-part-2.md", part),
        ("docs/plans/notes.md", notes),
    ]);
    assert_eq!(
        names(&o),
        [
            ".claude/architecture/migration-overview-design.md",
            ".claude/architecture/notes-on-setup-design.md"
        ]
    );
    assert!(o.files[0]
        .contents
        .starts_with("# migration-overview: design decisions\n"));
    // Near miss: a title merely ending in the letters `md` keeps them.
    let o = run_generic(&[(
        "docs/plans/a.md",
        "# Plan for cmd\n\n**Decision**: Use clap.\n",
    )]);
    assert_eq!(names(&o), [".claude/architecture/plan-for-cmd-design.md"]);
}

#[test]
fn a_title_naming_its_kind_of_design_document_does_not_name_the_topic_twice() {
    // Regression: `# Recommendations Engine v1 — Design Spec` gave the file
    // `recommendations-engine-v1-design-spec-design.md`.
    let o = run_generic(&[
        (
            "docs/plans/rec.md",
            "# Recommendations Engine v1 — Design Spec\n\n**Decision**: Score offline.\n",
        ),
        (
            "docs/plans/auth.md",
            "# Auth Design Decisions\n\n**Decision**: Sessions in cookies.\n",
        ),
        (
            "docs/plans/api.md",
            "# Public API Spec\n\n**Decision**: Version in the path.\n",
        ),
    ]);
    assert_eq!(
        names(&o),
        [
            ".claude/architecture/auth-design.md",
            ".claude/architecture/public-api-spec-design.md",
            ".claude/architecture/recommendations-engine-v1-design.md",
        ]
    );
}

/// A lettered phase's subphases follow all of the unlettered phase's: two
/// phases routed to one topic keep their sections apart.
#[test]
fn lettered_phases_sort_after_the_number_they_letter() {
    let mut v = vec![
        "4A.2", "4.2", "4M", "4A.1", "4.10", "4", "4A", "3.9", "5", "4.1",
    ];
    v.sort_by(|a, b| super::cmp_phase(a, b));
    assert_eq!(
        v,
        ["3.9", "4", "4.1", "4.2", "4.10", "4A", "4A.1", "4A.2", "4M", "5"]
    );
    // no digits, or digits of another script: ordered, no panic
    assert_ne!(super::cmp_phase("٣", "Alpha"), std::cmp::Ordering::Equal);
}

/// A part that opens at a heading of its own (`## Status log`), with no H1 and
/// no "Continued from" line, files its decisions under the title of the
/// document it was split from when it is given one, not under its file name;
/// a "Continued from" title still comes first.
#[test]
fn a_part_given_its_originals_title_files_its_decisions_there() {
    let part = "## Status log\n\n**Decision**: Keep the journal on disk.\n";
    let cont = "*Continued from [Build notes](overview.md) (part 2 of 2).* <!-- replan:continuation -->\n\n\
                **Decision**: Ship weekly.\n";
    let docs = [
        ("docs/plans/overview-part-3-status-log.md", part),
        ("docs/plans/overview-part-4.md", cont),
    ]
    .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)));
    let run = |title: Option<&str>| {
        let sources: Vec<SourceDoc> = docs
            .iter()
            .map(|(p, d)| SourceDoc {
                rel: p.clone(),
                doc: d,
                title: title.map(str::to_string),
            })
            .collect();
        names(&plan_topics(
            Path::new("/r"),
            &sources,
            &Config::builtin(),
            &|_| None,
        ))
    };
    assert_eq!(
        run(Some("Kythira migration")),
        [
            ".claude/architecture/build-notes-design.md",
            ".claude/architecture/kythira-migration-design.md"
        ]
    );
    // Without it, the file name is all the part says of itself.
    assert_eq!(
        run(None),
        [
            ".claude/architecture/build-notes-design.md",
            ".claude/architecture/overview-part-3-status-log-design.md"
        ]
    );
}

#[test]
fn a_scan_with_a_limit_stops_only_once_over_it() {
    let docs = [
        (
            "plans/a.md",
            "# A\n\n**Decision**: Use Postgres.\n\n**Decision**: Use Redis.\n",
        ),
        ("plans/b.md", "# B\n\n**Decision**: Ship weekly.\n"),
    ]
    .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)));
    let sources = sources_of(&docs);
    let cfg = Config::builtin();
    let mut own = None;
    let ctx = Ctx::new(&cfg, rules_in(&cfg, None, &mut own));
    let found = |limit| {
        scan_all(&ctx, &sources, None, limit).map(|s| {
            s.decisions
                .iter()
                .map(|d| (d.rel.display().to_string(), d.line))
                .collect::<Vec<_>>()
        })
    };
    let all = vec![
        ("plans/a.md".to_string(), 3),
        ("plans/a.md".to_string(), 5),
        ("plans/b.md".to_string(), 3),
    ];
    assert_eq!(found(None), Some(all.clone()));
    // At the limit is not over it: every decision, in file order.
    assert_eq!(found(Some(3)), Some(all));
    assert_eq!(found(Some(2)), None);
    assert_eq!(found(Some(0)), None);
}

#[test]
fn an_outlines_section_number_files_no_decision_under_a_phase() {
    // magter's plan: `### 2.1 Router Strategy` under `## 2. Architecture
    // Decisions` was filed as phase 2.1, in a topic named after the plan's
    // unrelated `### Phase 2: Navigation Simplification`.
    let plan = "# Admin Portal Restructure\n\n## 2. Architecture Decisions\n\n### 2.1 Router Strategy\n\n\
                We keep the API routers.\n\n**Rationale:** No consumer breaks.\n\n## 3. Roadmap\n\n\
                ### Phase 1: Database\n\n- [ ] Add the column\n\n### Phase 2: Navigation Simplification\n\n- [ ] Trim\n";
    let o = run_generic(&[("plans/admin.md", plan)]);
    assert_eq!(
        names(&o),
        [".claude/architecture/admin-portal-restructure-design.md"]
    );
    // In a phased plan without that outline, the number names its subphase.
    let plan = "# Plan\n\n## Phase 2: Navigation\n\n### 2.1 Router Strategy\n\n**Decision**: Keep the routers.\n";
    let o = run_generic(&[("plans/nav.md", plan)]);
    assert_eq!(
        names(&o),
        [".claude/architecture/phase-2-navigation-design.md"]
    );
}
