//! Files replan writes obey the rules `check` enforces, and mentions of what
//! migrate moved are reported: `migrate` then `check` on the sample tree, the
//! user's real tree (from ../shared/corpus, when present) and small trees made
//! here; `consolidate --check` right after plans nothing and `restore` is
//! byte-exact.

use std::collections::HashSet;
use std::path::Path;

use crate::common::*;

const EPOCH: &str = "1700000000";

fn migrate(root: &Path) {
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("migrate")
        .arg(root)
        .assert()
        .success();
}

/// `check --format json` of the whole tree (exit 0 or 1: findings are data here).
fn check(root: &Path) -> Vec<serde_json::Value> {
    let out = replan()
        .args(["check", "--format", "json"])
        .arg(root)
        .assert();
    let code = out.get_output().status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "check failed: {}",
        stderr_of(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

/// The files replan generated, by the manifest: every file it created that is
/// not a part of a split original (parts hold the user's text), and every file
/// it rewrote under the topic folder.
fn generated(root: &Path) -> HashSet<String> {
    let m = std::fs::read_to_string(root.join(".claude/archive/replan-manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&m).unwrap();
    let mut parts = HashSet::new();
    let mut out = HashSet::new();
    for run in m["runs"].as_array().unwrap() {
        for mv in run["moved"].as_array().unwrap() {
            for p in mv["parts"].as_array().unwrap() {
                parts.insert(p.as_str().unwrap().to_string());
            }
        }
        for c in run["created"].as_array().unwrap() {
            out.insert(c["path"].as_str().unwrap().to_string());
        }
        for c in run["modified"].as_array().unwrap() {
            let p = c["path"].as_str().unwrap();
            if p.starts_with(".claude/architecture/") {
                out.insert(p.to_string());
            }
        }
    }
    out.retain(|p| !parts.contains(p));
    out
}

/// Migrate a copy of `tree`, then check: no finding in a file replan generated;
/// consolidate right after plans nothing; restore gives the tree back.
fn generated_files_are_clean(tree: &Path) -> Vec<serde_json::Value> {
    let dir = copy_tree(tree);
    let root = dir.path();
    let before = snapshot_tree(root);
    migrate(root);
    let ours = generated(root);
    assert!(
        ours.iter().any(|p| p.starts_with(".claude/architecture/")),
        "{ours:?}"
    );
    let findings = check(root);
    let in_ours: Vec<String> = findings
        .iter()
        .filter(|f| ours.contains(f["path"].as_str().unwrap()))
        .map(|f| format!("{} {}: {}", f["path"], f["rule"], f["message"]))
        .collect();
    assert!(
        in_ours.is_empty(),
        "findings in replan's own files: {in_ours:#?}"
    );
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot_tree(root), before, "restore is byte-exact");
    findings
}

#[test]
fn samples_generated_files_have_no_findings() {
    let s = repo().join("samples/pcc");
    if !s.join(".claude").is_dir() {
        eprintln!("skipping: samples/pcc is absent");
        return;
    }
    generated_files_are_clean(&s);
}

#[test]
fn real_tree_generated_files_have_no_findings() {
    let Some(c) = corpus() else { return };
    let tree = c.join("plans/RLGeeX__pcc-ai-memory");
    if !tree.is_dir() {
        eprintln!("skipping: the pcc corpus tree is absent");
        return;
    }
    generated_files_are_clean(&tree);
}

/// A plan with `phases` subphases of `per` decisions each, long enough to split.
fn decision_heavy_plan(phases: usize, per: usize) -> String {
    let mut t = String::from("# Platform plan\n\n");
    for p in 1..=phases {
        t.push_str(&format!("## Phase 7.{p}: Stage {p}\n\n"));
        for i in 0..per {
            t.push_str(&format!(
                "**Decision**: stage {p} picks option {i} for component {} because it is simplest.\n\n",
                p * 100 + i
            ));
        }
    }
    t
}

#[test]
fn a_topic_over_budget_is_written_as_pages_within_budget() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".claude/plans")).unwrap();
    std::fs::write(
        root.join(".claude/plans/platform.md"),
        decision_heavy_plan(6, 40),
    )
    .unwrap();
    let findings = generated_files_are_clean(root);
    // (restored: migrate again to look at the pages)
    migrate(root);
    // No routes: the topic is the plan's phase 7 (no heading titles it).
    let pages = root.join(".claude/architecture/phase-7");
    let n = std::fs::read_dir(&pages).map_or(0, |d| d.count());
    assert!(n >= 6, "one page or more per phase, got {n}");
    let index =
        std::fs::read_to_string(root.join(".claude/architecture/phase-7-design.md")).unwrap();
    assert!(index.contains("](phase-7/phase-7.1-stage-1.md)"), "{index}");
    assert!(findings.iter().all(|f| f["rule"] != "budget.lines"
        || !f["path"]
            .as_str()
            .unwrap()
            .starts_with(".claude/architecture")));
}

/// A monolith of `n` steps, each long enough that the file is over budget.
fn implementation_plan(n: usize) -> String {
    let mut t = String::from("# Implementation plan\n\n");
    for i in 1..=n {
        t.push_str(&format!("## Phase 1.{i}: Step {i}\n\n"));
        for k in 0..30 {
            t.push_str(&format!("- task {i}.{k}: do the thing number {k}\n"));
        }
        t.push('\n');
    }
    t
}

#[test]
fn mentions_of_a_split_file_are_reported_with_its_new_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::create_dir_all(root.join(".claude/status")).unwrap();
    // The plan names itself: its part will name a file that is gone.
    let plan = implementation_plan(10).replace(
        "- task 2.0:",
        "- tick the box in `IMPLEMENTATION_PLAN.md`\n- task 2.0:",
    );
    std::fs::write(plans.join("IMPLEMENTATION_PLAN.md"), plan).unwrap();
    let notes = "# Status\n\nNext: `IMPLEMENTATION_PLAN.md` step 1.3, see \
                 .claude/plans/IMPLEMENTATION_PLAN.md and [the plan](/.claude/plans/IMPLEMENTATION_PLAN.md#phase-13-step-3).\n\n\
                 README.md is not a moved file.\n";
    std::fs::write(root.join(".claude/status/brief.md"), notes).unwrap();
    let next = "# Next\n\nContinue IMPLEMENTATION_PLAN.md from step 1.4.\n";
    std::fs::write(plans.join("next.md"), next).unwrap();
    // Before migrate nothing is stale (and nothing is without a manifest).
    assert!(check(root)
        .iter()
        .all(|f| f["rule"] != "link.stale-mention" && f["rule"] != "link.broken"));
    migrate(root);
    let findings = check(root);
    let stale: Vec<(String, u64, String)> = findings
        .iter()
        .filter(|f| f["rule"] == "link.stale-mention")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Only the bare name beside the plan, in prose: migrate rewrote the code
    // spans and the path (in the status file and in the plan's own part), and
    // the root-relative link.
    assert_eq!(stale.len(), 1, "{stale:#?}");
    let brief = std::fs::read_to_string(root.join(".claude/status/brief.md")).unwrap();
    assert!(
        brief.contains("Next: `.claude/plans/IMPLEMENTATION_PLAN/INDEX.md` step 1.3")
            || brief.contains("Next: `../plans/IMPLEMENTATION_PLAN/INDEX.md` step 1.3"),
        "{brief}"
    );
    assert!(
        brief.contains("see .claude/plans/IMPLEMENTATION_PLAN/INDEX.md and"),
        "{brief}"
    );
    assert!(stale
        .iter()
        .all(|(_, _, m)| m.contains("which replan split and archived")));
    assert!(
        stale
            .iter()
            .any(|(p, l, _)| p == ".claude/plans/next.md" && *l == 3),
        "{stale:#?}"
    );
    assert!(
        stale
            .iter()
            .all(|(_, _, m)| m.contains("its text is now in .claude/plans/")),
        "{stale:#?}"
    );
    // A warning: check still passes.
    assert!(
        findings.iter().all(|f| f["rule"] != "link.broken"),
        "{findings:#?}"
    );
    replan().arg("check").arg(root).assert().code(0);
    // migrate's own check of the planned tree saw the same findings (the index
    // lists them), so consolidate right after has nothing to do.
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
}

#[test]
fn root_relative_links_are_checked_from_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".claude/plans")).unwrap();
    std::fs::create_dir_all(root.join("docs/plans")).unwrap();
    std::fs::write(root.join("docs/plans/b.md"), "# B\n\n## Set up\n").unwrap();
    let a = "# A\n\n[ok](/docs/plans/b.md#set-up) [gone](/.claude/plans/gone.md) \
             [anchor](/docs/plans/b.md#tear-down) [site](/docs/intro) [img](/img/logo.png) \
             [url](https://example.com/docs/gone.md)\n";
    std::fs::write(root.join(".claude/plans/a.md"), a).unwrap();
    let findings = check(root);
    let broken: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "link.broken")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(broken.len(), 2, "{broken:#?}");
    assert!(broken.iter().any(|m| m.contains("/.claude/plans/gone.md")));
    assert!(broken.iter().any(|m| m.contains("#tear-down")));
}

#[test]
fn a_root_relative_link_into_a_split_file_still_resolves_after_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(
        plans.join("IMPLEMENTATION_PLAN.md"),
        implementation_plan(10),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    let readme = "# Docs\n\nSee [step 3](/.claude/plans/IMPLEMENTATION_PLAN.md#phase-13-step-3).\n";
    std::fs::write(root.join("docs/guide.md"), readme).unwrap();
    migrate(root);
    let guide = std::fs::read_to_string(root.join("docs/guide.md")).unwrap();
    assert!(!guide.contains("IMPLEMENTATION_PLAN.md"), "{guide}");
    assert!(check(root).iter().all(|f| f["rule"] != "link.broken"));
}
