//! `check --diff` and `check --fix` end to end: the diff of a small planted tree
//! (pinned as an insta snapshot), the planted defects of samples/pcc fixed and
//! nothing else, a second `--fix` that changes nothing, `restore` giving the
//! bytes back, the git guard, and the user's real notes: exactly the four fence
//! lines, the 4.7 heading with `--unsafe-fixes`, and the six hidden sections back.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

const EPOCH: &str = "1700000000";

/// Run replan in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = replan()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const PLAN: &str = "\
# ArgoCD rollout

- [Phase 4.7: Install ArgoCD on Devops Nonprod Cluster](#phase-47-install-argocd-on-devops-nonprod-cluster)

## Phase 4.6: Deploy the test app

Create file `docs/runbook.md`:

```markdown
# Runbook

```bash
argocd login argocd-nonprod --grpc-web
```

## Break-glass access

Use the admin password only when SSO is down.
```

Apply the manifests below and wait for sync
---

## Phase 4.7: Install ArgoCD on Devops Nonprod Cluster

```bash
kubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pods
kubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get svc
kubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get ing
kubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get cm
kubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pvc
```

#### Phase 4.10 Complete

## Phase 4.11: Register the app cluster

Done.
";

/// A small tree with every fixable defect planted once, and a CRLF file with a
/// BOM whose `---` makes a heading.
fn planted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let plans = dir.path().join(".claude/plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("rollout.md"), PLAN).unwrap();
    std::fs::write(
        plans.join("crlf.md"),
        "\u{feff}# Notes\r\n\r\nDeploy to nonprod first\r\n---\r\n\r\nThen prod.\r\n",
    )
    .unwrap();
    dir
}

#[test]
fn diff_of_a_planted_tree_shows_every_fix_and_writes_nothing() {
    let dir = planted();
    let before = snapshot(dir.path());
    let (code, out, err) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(out);
    assert!(err.contains("check --diff: 4 fixes in 2 files"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "--diff wrote something");

    // Safe fixes only: no heading rewritten, and the unsafe one is named.
    let (code, out, err) = run(dir.path(), &["check", "--diff"]);
    assert_eq!(code, 1, "{err}");
    assert!(!out.contains("Phase 4.10"), "{out}");
    assert!(out.contains("+````markdown"), "{out}");
    assert!(
        err.contains("1 unsafe fix not shown (add --unsafe-fixes): .claude/plans/rollout.md:25 phase.mislabeled"),
        "{err}"
    );
}

#[test]
fn fix_applies_then_nothing_is_left_and_restore_gives_the_bytes_back() {
    let dir = planted();
    let before = snapshot(dir.path());
    let (code, out, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(
        err.contains("check --fix: applied 4 fixes in 2 files (undo with `replan restore`)"),
        "{err}"
    );
    // The findings that remain are printed after: none of the fixed rules.
    for rule in [
        "fence.",
        "heading.setext-ambiguous",
        "phase.mislabeled",
        "link.broken",
    ] {
        assert!(!out.contains(rule), "{rule} left in:\n{out}");
    }
    let crlf = std::fs::read(dir.path().join(".claude/plans/crlf.md")).unwrap();
    assert_eq!(
        crlf,
        "\u{feff}# Notes\r\n\r\nDeploy to nonprod first\r\n\r\n---\r\n\r\nThen prod.\r\n"
            .as_bytes()
    );
    let fixed = snapshot(dir.path());

    // A second run finds nothing to fix and writes nothing.
    let (code, _, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(err.contains("check --fix: nothing to fix"), "{err}");
    assert_eq!(snapshot(dir.path()), fixed);
    let (code, out, _) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!((code, out.as_str()), (0, ""));

    // restore undoes the fix run byte for byte (the manifest it made goes too).
    let (code, _, err) = run(dir.path(), &["restore"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn fix_refuses_files_with_uncommitted_changes_unless_allowed() {
    let dir = planted();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q"]) {
        eprintln!("skipping: git not available");
        return;
    }
    let before = snapshot(dir.path());
    let (code, _, err) = run(dir.path(), &["check", "--fix"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("uncommitted changes") && err.contains("--allow-dirty"),
        "{err}"
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a refused run wrote something"
    );
    let (code, _, err) = run(dir.path(), &["check", "--fix", "--allow-dirty"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(err.contains("check --fix: applied 3 fixes"), "{err}");
}

#[test]
fn flags_that_need_a_fix_mode_are_usage_errors() {
    let dir = planted();
    for args in [
        &["check", "--unsafe-fixes"][..],
        &["check", "--allow-dirty"],
        &["check", "--diff", "--fix"],
    ] {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
}

#[test]
fn rule_says_which_fix_a_rule_has() {
    let dir = planted();
    for (id, want) in [
        ("fence.suspicious", "Fix: safe"),
        ("heading.setext-ambiguous", "Fix: safe"),
        ("phase.mislabeled", "Fix: unsafe"),
        ("budget.lines", "Fix: none"),
    ] {
        let (code, out, err) = run(dir.path(), &["rule", id]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(want), "{id}: {out}");
    }
}

/// samples/pcc copied: every fixable planted defect fixed, nothing else changed.
#[test]
fn samples_every_fixable_planted_defect_and_nothing_else() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let (code, out, err) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{err}");
    let changed: Vec<&str> = out
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            "-- [Phase 4.7: Install ArgoCD on Devops Nonprod Cluster](#phase-47-install-argocd-on-devops-nonprod-cluster-30-45-min)",
            "+- [Phase 4.10: Install ArgoCD on Devops Prod Cluster](#phase-410-install-argocd-on-devops-prod-cluster-30-45-min)",
            "-```markdown",
            "+````markdown",
            "-```",
            "+````",
            "+",
            "-#### Phase 4.7: Install ArgoCD on Devops Nonprod Cluster (30-45 min)",
            "+#### Phase 4.10: Install ArgoCD on Devops Prod Cluster (30-45 min)",
        ],
        "{out}"
    );
    let (code, _, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let (code, json, err) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&json).expect("json");
    let left: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let r = f["rule"].as_str().unwrap_or_default();
            r.starts_with("fence.") || r == "heading.setext-ambiguous" || r == "phase.mislabeled"
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The user's tree with the 297 KB notes put back in the plan folder.
fn real_tree() -> Option<(tempfile::TempDir, PathBuf)> {
    let notes = real_notes()?;
    let dir = tempfile::tempdir().expect("tempdir");
    let rel = PathBuf::from(".claude/plans/devtest-deployment/phase-4-working-notes.md");
    std::fs::create_dir_all(dir.path().join(rel.parent().unwrap())).unwrap();
    std::fs::copy(&notes, dir.path().join(&rel)).unwrap();
    Some((dir, rel))
}

#[test]
fn real_notes_four_fence_lines_the_4_7_heading_and_the_hidden_sections_back() {
    let Some((dir, rel)) = real_tree() else {
        return;
    };
    let original = std::fs::read(dir.path().join(&rel)).unwrap();
    let changed = |out: &str| -> Vec<(String, String)> {
        // (old line, new line) pairs of a diff whose hunks only replace lines.
        let minus: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .collect();
        let plus: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .collect();
        assert_eq!(minus.len(), plus.len(), "{out}");
        minus
            .iter()
            .zip(&plus)
            .map(|(a, b)| (a[1..].to_string(), b[1..].to_string()))
            .collect()
    };
    let (code, out, err) = run(dir.path(), &["check", "--diff"]);
    assert_eq!(code, 1, "{err}");
    let fence = |old: &str, new: &str| (old.to_string(), new.to_string());
    let four = vec![
        fence("```markdown", "````markdown"),
        fence("```", "````"),
        fence("```markdown", "````markdown"),
        fence("```", "````"),
    ];
    assert_eq!(changed(&out), four, "{out}");
    for l in [
        "@@ -6110,7 +6110,7 @@",
        "@@ -6162,13 +6162,13 @@",
        "@@ -6240,7 +6240,7 @@",
    ] {
        assert!(out.contains(l), "{l} not in:\n{out}");
    }

    let (code, out, err) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{err}");
    let mut want = vec![fence(
        "#### Phase 4.7: Install ArgoCD on Devops Nonprod Cluster",
        "#### Phase 4.10: Install ArgoCD on Devops Prod Cluster",
    )];
    want.extend(four);
    assert_eq!(changed(&out), want, "{out}");

    let (code, _, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let (_, json, err) = run(dir.path(), &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {err}"));
    let left: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .filter(|r| r.starts_with("fence.") || r == "phase.mislabeled")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The sections a code block hid are headings again.
    let text = std::fs::read_to_string(dir.path().join(&rel)).unwrap();
    let doc = replan::model::Document::from_text("notes.md", &text);
    let h2: Vec<&str> = doc
        .headings
        .iter()
        .filter(|h| h.level == 2 && h.line() > 6243)
        .map(|h| h.text())
        .collect();
    // (Issue 16 counts six; the notes hold these five H2s after the fence.)
    assert_eq!(
        h2,
        vec![
            "Key Architecture Decisions",
            "Scope Boundaries",
            "Dependencies from Phase 3",
            "Subagent Review Status",
            "Next Steps"
        ]
    );

    // migrate now names the part after the repaired heading.
    let (code, out, err) = run(dir.path(), &["migrate", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("phase-4.10-install-argocd-on-devops-prod-cluster.md"),
        "{}",
        out.lines()
            .filter(|l| l.starts_with("diff --git"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    let (code, _, err) = run(dir.path(), &["restore"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(dir.path().join(&rel)).unwrap(), original);
}

/// `migrate --fix` runs the fixes first in the same plan: the dry run shows the
/// repaired text in the parts, the archive keeps the bytes as read, and
/// `restore` gives the tree back.
#[test]
fn migrate_fix_cuts_parts_from_the_repaired_text_and_restore_undoes_it() {
    let dir = planted();
    let before = snapshot(dir.path());
    let (code, out, err) = run(
        dir.path(),
        &["migrate", "--dry-run", "--fix", "--unsafe-fixes"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("+````markdown"), "{out}");
    assert!(
        out.contains("phase-4.10-install-argocd-on-devops-prod-cluster.md"),
        "{}",
        out.lines()
            .filter(|l| l.starts_with("diff --git"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        err.contains("fix: .claude/plans/rollout.md:9: fence.suspicious"),
        "{err}"
    );
    // The CRLF file is not split: its fix is a Modify of its own.
    assert!(
        out.contains("diff --git a/.claude/plans/crlf.md b/.claude/plans/crlf.md"),
        "{out}"
    );
    assert_eq!(snapshot(dir.path()), before, "--dry-run wrote something");
    // Without --fix, the parts keep the old name.
    let (_, plain, _) = run(dir.path(), &["migrate", "--dry-run"]);
    assert!(!plain.contains("phase-4.10-"), "{plain}");

    let (code, _, err) = run(dir.path(), &["migrate", "--fix", "--unsafe-fixes"]);
    assert_eq!(code, 0, "{err}");
    let archived: Vec<(String, Vec<u8>)> = snapshot(dir.path())
        .into_iter()
        .filter(|(p, _)| p.starts_with(".claude/archive/") && p.ends_with("rollout.md"))
        .collect();
    assert_eq!(archived.len(), 1, "{archived:?}");
    assert_eq!(
        archived[0].1,
        PLAN.as_bytes(),
        "the archive holds the bytes as read"
    );
    let (code, _, err) = run(dir.path(), &["restore"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

/// `check --diff --format json`: the fixes as data, whose round-0 edits
/// replace exactly the bytes they name, and nothing written.
#[test]
fn diff_as_json_carries_each_fix_as_data() {
    let dir = planted();
    let before = snapshot(dir.path());
    let (code, out, err) = run(
        dir.path(),
        &["check", "--diff", "--format", "json", "--unsafe-fixes"],
    );
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json on stdout only");
    assert_eq!(v["version"], 1);
    let fixes = v["fixes"].as_array().unwrap();
    let rules: Vec<&str> = fixes.iter().filter_map(|f| f["rule"].as_str()).collect();
    for r in [
        "fence.suspicious",
        "heading.setext-ambiguous",
        "phase.mislabeled",
    ] {
        assert!(rules.contains(&r), "{r} missing: {rules:?}");
    }
    for f in fixes.iter().filter(|f| f["round"] == 0) {
        let text = std::fs::read(dir.path().join(f["path"].as_str().unwrap())).unwrap();
        for e in f["edits"].as_array().unwrap() {
            let (a, z) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[a..z], e["old"].as_str().unwrap().as_bytes(), "{f}");
        }
        assert!(["safe", "unsafe"].contains(&f["safety"].as_str().unwrap()));
    }
    assert!(v["diff"].as_str().unwrap().contains("+````markdown"));
    assert_eq!(snapshot(dir.path()), before);
}

/// A link to a file that moved to exactly one place follows it (unsafe); with
/// two files of that name, no fix.
#[test]
fn a_link_to_a_moved_file_is_rewritten_only_when_one_place_fits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plans = dir.path().join(".claude/plans");
    std::fs::create_dir_all(plans.join("done")).unwrap();
    let index = "# Index\n\n- [Setup](setup.md#step-2)\n";
    std::fs::write(plans.join("index.md"), index).unwrap();
    std::fs::write(plans.join("done/setup.md"), "# Setup\n\n## Step 2\n").unwrap();
    let (code, out, err) = run(dir.path(), &["check", "--diff"]);
    assert_eq!(
        code, 0,
        "unsafe, so not shown without --unsafe-fixes: {out}{err}"
    );
    let (code, out, err) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("+- [Setup](done/setup.md#step-2)"), "{out}");
    let (_, _, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(
        std::fs::read_to_string(plans.join("index.md")).unwrap(),
        "# Index\n\n- [Setup](done/setup.md#step-2)\n",
        "{err}"
    );
    // A second file of that name: which one is meant is a guess.
    std::fs::write(plans.join("index.md"), index).unwrap();
    std::fs::create_dir_all(plans.join("old")).unwrap();
    std::fs::write(plans.join("old/setup.md"), "# Old setup\n").unwrap();
    let (code, out, err) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A stale mention in a code span or a path is rewritten by `--fix` (safe); a
/// name in a sentence is left to its author; a second `--fix` changes nothing.
#[test]
fn stale_mentions_in_code_spans_and_paths_are_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".claude/archive/original-phases")).unwrap();
    std::fs::create_dir_all(root.join(".claude/plans/plan")).unwrap();
    std::fs::write(
        root.join(".claude/archive/replan-manifest.json"),
        r#"{"version": 1, "runs": [
          {"tool": "replan 0.1.0", "command": "migrate", "time": "", "created": [], "modified": [],
           "moved": [
            {"from": ".claude/plans/PLAN.md", "to": ".claude/archive/original-phases/PLAN.md",
             "sha256": "", "parts": [".claude/plans/plan/step-1.1-setup.md"]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join(".claude/archive/original-phases/PLAN.md"),
        "# Plan\n",
    )
    .unwrap();
    std::fs::write(
        root.join(".claude/plans/plan/step-1.1-setup.md"),
        "# Step 1.1\n",
    )
    .unwrap();
    let notes = root.join(".claude/plans/notes.md");
    std::fs::write(&notes, "# Notes\n\nSee `PLAN.md`; PLAN.md is done.\n").unwrap();
    let (code, out, err) = run(root, &["check", "--fix"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "# Notes\n\nSee `plan/step-1.1-setup.md`; PLAN.md is done.\n",
        "{err}"
    );
    // The name in the sentence remains, and says why it has no fix.
    assert!(out.contains("author's wording"), "{out}{err}");
    let (code, out, err) = run(root, &["check", "--diff"]);
    assert_eq!(code, 0, "{out}{err}");
}
