//! MADR records (`decisions.records_dir`): numbered after what the folder holds,
//! found again by their marker, re-runs idempotent, stale ones removed only when
//! untouched, `restore` byte-exact, bad folders refused before anything is
//! written; and on the user's real tree with their `003-…` record.

use std::path::Path;

use crate::common::*;

const EPOCH: &str = "1700000000";

const PLAN: &str = "# Plan\n\n## Phase 1: Storage\n\n### Phase 1.1: Pick a store\n\n\
**Decision**: Use SQLite for state.\n\n**Rationale**: embedded, no server.\n\n\
## Phase 2: Delivery\n\n### Phase 2.1: Ship\n\n- **Decision**: Ship with ArgoCD.\n";

const ADR: &str = "# Records\n\n## ADR-001: Use one cluster\n\n### Context\n\nWe need a place.\n\n\
### Decision\n\nUse one GKE cluster for all environments.\n\n### Consequences\n\n\
- No failover between clusters.\n\n## Choices\n\n| Decision | Choice | Rationale | Alternatives |\n\
|---|---|---|---|\n| Cache | Redis | fast | Memcached |\n";

fn tree(records: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::create_dir_all(r.join(".claude/plans")).unwrap();
    std::fs::create_dir_all(r.join("docs/adr")).unwrap();
    std::fs::write(r.join(".claude/plans/plan.md"), PLAN).unwrap();
    std::fs::write(r.join(".claude/plans/adr.md"), ADR).unwrap();
    for (n, t) in records {
        std::fs::write(r.join("docs/adr").join(n), t).unwrap();
    }
    std::fs::write(
        r.join("replan.yaml"),
        "decisions:\n  records_dir: docs/adr\n",
    )
    .unwrap();
    d
}

fn run(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(args)
        .arg(root)
        .assert()
}

fn names(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("docs/adr"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// `check --format json` findings as (path, rule).
fn findings(root: &Path) -> Vec<(String, String)> {
    let out = replan()
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn migrate_writes_one_madr_record_per_topic_after_the_highest_number() {
    let d = tree(&[("007-kept.md", "# Seven\n\nHand-written.\n")]);
    let r = d.path();
    let start = snapshot(r);
    run(r, &["migrate"]).success();
    assert_eq!(
        names(r),
        [
            "007-kept.md",
            "008-phase-1-storage.md",
            "009-phase-2-delivery.md",
            "010-records.md"
        ]
    );
    assert_eq!(
        read(r, "docs/adr/007-kept.md"),
        "# Seven\n\nHand-written.\n"
    );
    let rec = read(r, "docs/adr/008-phase-1-storage.md");
    assert!(
        rec.starts_with("---\nstatus: accepted\ndate: 2023-11-14\n---\n\n# Phase 1: Storage\n\n"),
        "{rec}"
    );
    for s in [
        "## Context and Problem Statement",
        "## Decision Outcome",
        "- Use SQLite for state. ([source](../../.claude/plans/plan/phase-1.1-pick-a-store.md#phase-11-pick-a-store))",
        "  - Rationale: embedded, no server.",
        "## More Information",
    ] {
        assert!(rec.contains(s), "missing {s:?} in\n{rec}");
    }
    let adr = read(r, "docs/adr/010-records.md");
    for s in [
        "## Considered Options\n\n- **Cache**: Redis (chosen)\n- Memcached\n",
        "### Consequences\n\n- Of \"**ADR-001: Use one cluster**: Use one GKE cluster for all environments.\":\n  - No failover between clusters.\n",
    ] {
        assert!(adr.contains(s), "missing {s:?} in\n{adr}");
    }
    // Nothing replan wrote gets a finding, and every link it wrote resolves.
    assert_eq!(findings(r), Vec::<(String, String)>::new());
    run(r, &["consolidate", "--check"]).code(0);
    let once = snapshot(r);
    run(r, &["consolidate"]).success();
    assert_eq!(snapshot(r), once, "a second run changes nothing");
    run(r, &["restore"]).success();
    assert_eq!(snapshot(r), start);
}

#[test]
fn a_record_keeps_its_number_and_hand_text_and_a_new_topic_goes_after_the_highest() {
    let d = tree(&[("001-first.md", "# First\n")]);
    let r = d.path();
    run(r, &["migrate"]).success();
    assert_eq!(
        names(r),
        [
            "001-first.md",
            "002-phase-1-storage.md",
            "003-phase-2-delivery.md",
            "004-records.md"
        ]
    );
    // A person changes the status, writes below the block, and adds a record.
    let p = "docs/adr/002-phase-1-storage.md";
    let edited = read(r, p).replace("status: accepted", "status: superseded") + "\nNotes.\n";
    std::fs::write(r.join(p), &edited).unwrap();
    std::fs::write(r.join("docs/adr/005-by-hand.md"), "# By hand\n").unwrap();
    // A new phase appears in the plans.
    let part = ".claude/plans/plan/phase-2.1-ship.md";
    let more = format!(
        "{}\n## Phase 3: Observe\n\n**Decision**: Export metrics with OpenTelemetry.\n",
        read(r, part)
    );
    std::fs::write(r.join(part), more).unwrap();
    run(r, &["consolidate"]).success();
    assert_eq!(
        read(r, p),
        edited,
        "a record whose decisions did not change is left alone"
    );
    assert!(
        names(r).contains(&"006-phase-3-observe.md".to_string()),
        "{:?}",
        names(r)
    );
    run(r, &["consolidate", "--check"]).code(0);
}

#[test]
fn a_renamed_topic_removes_what_replan_wrote_for_the_old_name_unless_edited() {
    let d = tree(&[]);
    let r = d.path();
    run(r, &["migrate"]).success();
    assert!(names(r).contains(&"0002-phase-2-delivery.md".to_string()));
    let old_topic = ".claude/architecture/phase-2-delivery-design.md";
    assert!(r.join(old_topic).is_file());
    // Phase 2 is renamed in the plans: its topic (and record) get a new name.
    let part = ".claude/plans/plan/phase-2.1-ship.md";
    let before = snapshot(r);
    for (p, t) in snapshot(r) {
        if p.starts_with(".claude/plans/") && p.ends_with(".md") {
            let t = String::from_utf8(t).unwrap();
            std::fs::write(
                r.join(&p),
                t.replace("Phase 2: Delivery", "Phase 2: Rollout"),
            )
            .unwrap();
        }
    }
    let _ = part;
    run(r, &["consolidate"]).success();
    assert!(!r.join(old_topic).exists(), "stale topic file removed");
    assert!(r
        .join(".claude/architecture/phase-2-rollout-design.md")
        .is_file());
    let n = names(r);
    assert!(
        !n.contains(&"0002-phase-2-delivery.md".to_string()),
        "{n:?}"
    );
    assert!(n.contains(&"0004-phase-2-rollout.md".to_string()), "{n:?}");
    // restore brings the removed files back.
    run(r, &["restore"]).success();
    assert!(r.join(old_topic).is_file());
    assert!(r.join("docs/adr/0002-phase-2-delivery.md").is_file());
    let _ = before;

    // Edited stale files stay, and are named.
    let d = tree(&[]);
    let r = d.path();
    run(r, &["migrate"]).success();
    let rec = "docs/adr/0002-phase-2-delivery.md";
    std::fs::write(r.join(rec), format!("{}\nMine.\n", read(r, rec))).unwrap();
    for (p, t) in snapshot(r) {
        if p.starts_with(".claude/plans/") && p.ends_with(".md") {
            let t = String::from_utf8(t).unwrap();
            std::fs::write(
                r.join(&p),
                t.replace("Phase 2: Delivery", "Phase 2: Rollout"),
            )
            .unwrap();
        }
    }
    let out = run(r, &["consolidate"]).success();
    assert!(r.join(rec).is_file());
    let err = stderr_of(&out);
    assert!(
        err.contains("0002-phase-2-delivery.md") && err.contains("left as it is"),
        "{err}"
    );
}

#[test]
fn a_records_folder_replan_cannot_number_is_refused_before_anything_is_written() {
    for (records, yaml, want) in [
        (
            &[("ADR-0001-x.md", "# x\n"), ("RFC-0002-y.md", "# y\n")][..],
            "docs/adr",
            "ADR-0001-x.md, RFC-0002-y.md",
        ),
        (&[("alloydb.md", "# a\n")][..], "docs/adr", "none numbered"),
        (&[][..], "../outside", "outside the tree"),
    ] {
        let d = tree(records);
        let r = d.path();
        std::fs::write(
            r.join("replan.yaml"),
            format!("decisions:\n  records_dir: {yaml}\n"),
        )
        .unwrap();
        let start = snapshot(r);
        let out = run(r, &["migrate"]).failure();
        let err = stderr_of(&out);
        assert!(err.contains(want), "{want}: {err}");
        assert_eq!(snapshot(r), start, "{want}: nothing written");
    }
}

#[test]
fn a_decision_with_no_text_is_said_and_left_out_of_its_record() {
    let d = tree(&[]);
    let r = d.path();
    let table =
        "# Empty\n\n| Decision | Choice | Rationale |\n|---|---|---|\n| Queue | ** ** | x |\n";
    std::fs::write(r.join(".claude/plans/empty.md"), table).unwrap();
    let out = run(r, &["migrate"]).success();
    let err = stderr_of(&out);
    assert!(
        err.contains(".claude/plans/empty.md:5") && err.contains("a decision with no text"),
        "{err}"
    );
    assert_eq!(
        read(r, ".claude/plans/empty.md"),
        table,
        "the plan is unchanged"
    );
    let rec = read(r, "docs/adr/0004-empty.md");
    assert!(!rec.contains("Queue"), "{rec}");
}

#[test]
fn a_record_over_budget_is_split_by_phase_with_the_record_as_index() {
    let d = tree(&[]);
    let r = d.path();
    let mut plan = String::from("# Big\n");
    for p in 1..=4 {
        plan.push_str(&format!("\n## Phase 9.{p}: Part {p}\n\n"));
        for k in 0..6 {
            plan.push_str(&format!(
                "- **Decision**: Choose option {k} of part {p}, a decision long enough to count.\n"
            ));
        }
    }
    std::fs::write(r.join(".claude/plans/big.md"), &plan).unwrap();
    std::fs::write(
        r.join("replan.yaml"),
        "decisions:\n  records_dir: docs/adr\nbudgets:\n  max_lines: 30\n",
    )
    .unwrap();
    run(r, &["migrate"]).success();
    let rec = names(r)
        .into_iter()
        .find(|n| n.contains("phase-9") && n.ends_with(".md"))
        .expect("a record for phase 9");
    let stem = rec.trim_end_matches(".md");
    let text = read(r, &format!("docs/adr/{rec}"));
    assert!(
        text.contains("too many for one file within budget"),
        "{text}"
    );
    assert!(
        r.join("docs/adr").join(stem).is_dir(),
        "pages beside the record"
    );
    let own: Vec<_> = findings(r)
        .into_iter()
        .filter(|(p, _)| p.starts_with("docs/adr") || p.starts_with(".claude/architecture"))
        .collect();
    assert_eq!(own, Vec::<(String, String)>::new());
    run(r, &["consolidate", "--check"]).code(0);
    // The budget grows: the record and topic fit whole again, and the pages
    // nobody wrote in are removed in the same run (a second run has nothing to do).
    let pages = r.join("docs/adr").join(stem);
    std::fs::write(
        r.join("replan.yaml"),
        "decisions:\n  records_dir: docs/adr\nbudgets:\n  max_lines: 400\n",
    )
    .unwrap();
    let before = snapshot(r);
    run(r, &["consolidate"]).success();
    // (apply removes files, not folders: the folder stays, empty)
    let left = std::fs::read_dir(&pages).map_or(0, |d| d.count());
    assert_eq!(left, 0, "untouched pages removed");
    assert!(!read(r, &format!("docs/adr/{rec}")).contains("within budget"));
    run(r, &["consolidate", "--check"]).code(0);
    run(r, &["restore"]).success();
    assert_eq!(snapshot(r), before);
}

#[test]
fn a_new_record_is_dated_by_the_last_commit_of_its_plan() {
    let d = tree(&[]);
    let r = d.path();
    if !crate::common::git_commit_all(r, Some("2024-02-03T10:00:00Z")) {
        eprintln!("skipping: git not available");
        return;
    }
    replan()
        .env_remove("SOURCE_DATE_EPOCH")
        .arg("migrate")
        .arg(r)
        .assert()
        .success();
    let rec = read(r, "docs/adr/0001-phase-1-storage.md");
    assert!(rec.contains("\ndate: 2024-02-03\n"), "{rec}");
}

/// The user's real tree with their `003-alloydb-ha-strategy.md`: new records
/// from 004, 003 untouched, no broken link or other finding in what replan
/// wrote, idempotent, restored byte for byte.
#[test]
fn the_users_real_tree_gets_records_after_003() {
    let Some(c) = corpus() else { return };
    let src = c.join("plans/RLGeeX__pcc-ai-memory");
    let d = copy_tree(&src);
    let r = d.path();
    let adr = ".claude/docs/ADR/003-alloydb-ha-strategy.md";
    let original = std::fs::read(src.join(adr)).expect("the user's 003 record");
    std::fs::write(
        r.join("replan.yaml"),
        "decisions:\n  records_dir: .claude/docs/ADR\n",
    )
    .unwrap();
    let start = snapshot(r);
    run(r, &["migrate"]).success();
    let mut n: Vec<String> = std::fs::read_dir(r.join(".claude/docs/ADR"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    n.sort();
    assert!(n.len() >= 2, "{n:?}");
    assert_eq!(n[0], "003-alloydb-ha-strategy.md");
    assert!(n[1].starts_with("004-"), "{n:?}");
    assert_eq!(std::fs::read(r.join(adr)).unwrap(), original);
    let own: Vec<_> = findings(r)
        .into_iter()
        .filter(|(p, _)| {
            (p.starts_with(".claude/docs/ADR/") && p != adr)
                || p.starts_with(".claude/architecture/")
        })
        .collect();
    assert_eq!(own, Vec::<(String, String)>::new());
    run(r, &["consolidate", "--check"]).code(0);
    let once = snapshot(r);
    run(r, &["consolidate"]).success();
    assert_eq!(snapshot(r), once);
    run(r, &["restore"]).success();
    assert_eq!(snapshot(r), start);
}

#[test]
fn a_prefixed_records_folder_gets_records_with_its_prefix() {
    let d = tree(&[
        ("ADR-0001-monorepo.md", "# ADR-0001: Monorepo\n"),
        ("ADR-0007-zustand.md", "# ADR-0007: Zustand\n"),
        ("0009-stubs.md", "# 0009: Stubs\n"),
    ]);
    let r = d.path();
    run(r, &["migrate"]).success();
    let mut made: Vec<String> = std::fs::read_dir(r.join("docs/adr"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    made.sort();
    let new: Vec<&String> = made
        .iter()
        .filter(|n| {
            ![
                "ADR-0001-monorepo.md",
                "ADR-0007-zustand.md",
                "0009-stubs.md",
            ]
            .contains(&n.as_str())
        })
        .collect();
    assert!(!new.is_empty(), "{made:?}");
    assert!(new[0].starts_with("ADR-0010-"), "{made:?}");
    assert!(new.iter().all(|n| n.starts_with("ADR-00")), "{made:?}");
    run(r, &["restore"]).success();
}
