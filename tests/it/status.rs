//! `status.disagree` and `status.stale-plan` end to end: the sample's status
//! files call phases 2 and 4 complete while their subphases have open
//! checkboxes (must fire, at each claim); a copy whose boxes are ticked is
//! consistent (quiet); the corpus gives no status finding (each candidate claim
//! line was read: the real tree's "Phase 4.6 COMPLETE" lines are about reviews
//! of subphases whose text has no status, and its archived log's "✅ Phase 2"
//! names a number two plans use); and a claim added to a copy of the user's real
//! tree fires against its roadmap's open checkbox. The corpus tests
//! skip when `../shared` is absent.

use std::path::Path;

use serde_json::Value;

use crate::common::{copy_tree, corpus, replan, repo};

fn status_findings(dir: &Path, target: &str) -> Vec<Value> {
    let out = replan()
        .current_dir(dir)
        .args(["check", target, "--format", "json"])
        .output()
        .expect("runs");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code} for {target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("status.")))
        .filter(|f| f["rule"] != "status.unbacked-claim")
        .cloned()
        .collect()
}

fn at(f: &Value) -> (String, String, u64) {
    (
        f["rule"].as_str().unwrap_or_default().to_string(),
        f["path"].as_str().unwrap_or_default().to_string(),
        f["line"].as_u64().unwrap_or_default(),
    )
}

/// Where `status.disagree` fires in the sample: its two status files' claims
/// that phases 2 and 4 are complete.
fn sample_claims() -> Vec<(String, String, u64)> {
    let d = "status.disagree".to_string();
    let brief = ".claude/status/brief.md".to_string();
    let progress = ".claude/status/current-progress.md".to_string();
    vec![
        (d.clone(), brief.clone(), 11),
        (d.clone(), brief, 13),
        (d.clone(), progress.clone(), 13),
        (d, progress, 15),
    ]
}

#[test]
fn the_samples_phase_4_claim_disagrees_with_its_open_checkboxes() {
    let got: Vec<_> = status_findings(&repo(), "samples/pcc")
        .iter()
        .map(at)
        .collect();
    assert_eq!(got, sample_claims());
    let f = status_findings(&repo(), "samples/pcc");
    let four = f[1]["message"].as_str().unwrap();
    assert!(
        four.starts_with("claims Phase 4 is done (\"Phase 4: ✅ 100% complete\")")
            && four.contains("phase-4-working-notes.md:449"),
        "{four}"
    );
}

#[test]
fn the_claims_still_disagree_after_migrate_splits_the_plans() {
    // The subphases' evidence moves into their parts (cards and INDEX.md are
    // replan's text, not evidence): the same four claims fire, now against
    // the parts, and no card or index makes a finding of its own.
    let dir = copy_tree(&repo().join("samples/pcc"));
    replan().arg("migrate").arg(dir.path()).assert().success();
    let f = status_findings(dir.path(), ".");
    let got: Vec<_> = f.iter().map(at).collect();
    assert_eq!(got, sample_claims(), "{f:#?}");
    let four = f[1]["message"].as_str().unwrap();
    assert!(
        four.contains("at .claude/plans/devtest-deployment/phase-4") && !four.contains("archive"),
        "points at the plans as they are now, not the archive: {four}"
    );
}

#[test]
fn a_consistent_copy_of_the_sample_is_quiet() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let plans = dir.path().join(".claude/plans/devtest-deployment");
    let mut ticked = 0;
    for e in walk(&plans) {
        let t = std::fs::read_to_string(&e).unwrap();
        ticked += t.matches("- [ ]").count();
        std::fs::write(&e, t.replace("- [ ]", "- [x]")).unwrap();
    }
    assert!(ticked > 50, "the sample's open boxes: {ticked}");
    let f = status_findings(dir.path(), ".");
    assert!(f.iter().all(|f| f["rule"] != "status.disagree"), "{f:#?}");
    // Everything in the folder is done now, except the notes without a status.
    assert!(f.iter().all(|f| f["rule"] == "status.stale-plan"), "{f:#?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_corpus_gives_no_status_finding() {
    let Some(c) = corpus() else { return };
    let plans = c.join("plans");
    let mut trees: Vec<_> = std::fs::read_dir(&plans)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    assert_eq!(trees.len(), 9, "{trees:?}");
    for t in trees {
        let f = status_findings(&t, ".");
        assert!(f.is_empty(), "{}: {f:#?}", t.display());
    }
}

#[test]
fn a_claim_added_to_the_real_tree_fires_against_its_open_boxes() {
    let Some(c) = corpus() else { return };
    let dir = copy_tree(&c.join("plans/RLGeeX__pcc-ai-memory"));
    let brief = dir.path().join(".claude/status/brief.md");
    let mut t = std::fs::read_to_string(&brief).unwrap();
    t.push_str("\n- Phase 4: ✅ 100% complete\n");
    std::fs::write(&brief, t).unwrap();
    let f = status_findings(dir.path(), ".");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["rule"], "status.disagree");
    let m = f[0]["message"].as_str().unwrap();
    assert!(
        m.contains(
            "Phase 4: open (0/1 checkboxes) at .claude/plans/devtest-deployment-phases.md:274"
        ),
        "{m}"
    );
}

/// A finished plan already in a `completed/` folder is not told to be archived
/// (0xfe/buddy keeps its finished plans in docs/plans/completed/); the same
/// plan among the active ones is.
#[test]
fn a_done_plan_in_a_completed_folder_is_not_stale() {
    let d = tempfile::tempdir().unwrap();
    let plan = "# Plan\n\n- [x] One\n- [x] Two\n- [x] Three\n";
    for rel in ["docs/plans/completed/old.md", "docs/plans/live.md"] {
        let p = d.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, plan).unwrap();
    }
    let stale: Vec<String> = status_findings(d.path(), ".")
        .iter()
        .filter(|f| f["rule"] == "status.stale-plan")
        .map(|f| f["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(stale, ["docs/plans/live.md"]);
}

/// A plan in a folder whose name has `status` in it (`06-status-server/`) is a
/// plan, not a status file: the status glob `**/*status*.md` names files, and
/// its `*` stops at `/`. When it crossed `/`, the plan's open boxes were read
/// as claims and a progress note calling its phases done was never checked.
#[test]
fn a_plan_in_a_folder_named_status_is_no_status_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join(".claude/plans/06-status-server");
    std::fs::create_dir_all(&dir).expect("dirs");
    std::fs::write(
        dir.join("plan.md"),
        "# Server plan\n\n## Phase 1.1: Setup\n\n- [ ] install\n- [ ] configure\n\n\
         ## Phase 1.2: Deploy\n\n- [ ] ship\n",
    )
    .expect("plan");
    std::fs::write(
        tmp.path().join(".claude/plans/progress.md"),
        "# Progress\n\n- Phase 1.1 complete\n- Phase 1.2 complete\n",
    )
    .expect("progress");
    let d = "status.disagree".to_string();
    let progress = ".claude/plans/progress.md".to_string();
    let got: Vec<_> = status_findings(tmp.path(), ".").iter().map(at).collect();
    assert_eq!(
        got,
        vec![(d.clone(), progress.clone(), 3), (d, progress, 4)]
    );
}
