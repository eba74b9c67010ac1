//! The same answer wherever a command is run from: the project root is found
//! from the path given (or the working folder), so findings, their paths and
//! `consolidate --check` do not depend on the folder a CI step runs in.

use std::path::Path;

use crate::common::*;

/// `(rule, path, line)` of every finding of `check --format json <arg>` run in `cwd`.
fn findings_from(cwd: &Path, arg: &str) -> Vec<(String, String, u64)> {
    let out = replan()
        .current_dir(cwd)
        .args(["check", "--format", "json", arg])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    got
}

#[test]
fn check_finds_the_same_from_the_root_from_claude_and_from_a_plan_folder() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let root = dir.path();
    let all = findings_from(root, ".");
    assert!(
        all.iter().any(|f| f.0 == "status.unbacked-claim"),
        "{all:?}"
    );
    let under = |prefix: &str| -> Vec<(String, String, u64)> {
        all.iter()
            .filter(|f| f.1.starts_with(prefix))
            .cloned()
            .collect()
    };
    // Run inside .claude/: the same findings, paths still relative to the root.
    assert_eq!(findings_from(&root.join(".claude"), "."), under(".claude/"));
    // Run inside .claude/status/: repo_roots still resolve from the root, so the
    // status claims are still checked.
    let status = findings_from(&root.join(".claude/status"), ".");
    assert_eq!(status, under(".claude/status/"));
    assert!(status.iter().any(|f| f.0 == "status.unbacked-claim"));
    // A subfolder given from the root narrows the same way.
    assert_eq!(
        findings_from(root, ".claude/status"),
        under(".claude/status/")
    );
    let plans = ".claude/plans/devtest-deployment";
    assert_eq!(findings_from(&root.join(plans), "."), under(plans));
}

#[test]
fn consolidate_check_says_the_same_from_any_folder_of_the_project() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let root = dir.path();
    for cwd in [
        root.to_path_buf(),
        root.join(".claude"),
        root.join(".claude/plans/devtest-deployment"),
    ] {
        replan()
            .current_dir(&cwd)
            .args(["consolidate", "--check"])
            .assert()
            .code(1);
    }
    // --root names it outright.
    replan()
        .current_dir(std::env::temp_dir())
        .args(["consolidate", "--check", "--root"])
        .arg(root)
        .assert()
        .code(1);
}

#[test]
fn consolidate_check_with_nothing_to_do_is_one_line() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let root = dir.path();
    replan().arg("migrate").arg(root).assert().success();
    let out = replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .success();
    let o = out.get_output();
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("nothing to do"), "{err}");
}

#[test]
fn a_long_readme_and_changelog_beside_clean_plans_pass() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let plans = root.join(".claude/plans/p");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(
        plans.join("phase-1.1-start.md"),
        "# Phase 1.1: Start\n\nDo it.\n",
    )
    .unwrap();
    let readme: String = (1..=400)
        .map(|i| format!("Line {i} of the readme.\n\n"))
        .collect();
    std::fs::write(root.join("README.md"), format!("# Project\n\n{readme}")).unwrap();
    let log: String = (1..=300)
        .map(|i| format!("## 0.{i}.0\n\n- A change.\n\n"))
        .collect();
    std::fs::write(root.join("CHANGELOG.md"), format!("# Changelog\n\n{log}")).unwrap();
    let long: String = (1..=300).map(|i| format!("Note {i}.\n\n")).collect();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/guide.md"), format!("# Guide\n\n{long}")).unwrap();
    replan().current_dir(root).arg("check").assert().success();
    // Named, a long doc outside the planning folders is checked.
    replan()
        .current_dir(root)
        .args(["check", "docs/guide.md"])
        .assert()
        .code(1);
    // With no planning folder at all, the project is checked whole, but the
    // README and CHANGELOG still have no budget.
    std::fs::remove_dir_all(root.join(".claude")).unwrap();
    let out = replan()
        .current_dir(root)
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| *p == "docs/guide.md"), "{paths:?}");
}

#[test]
fn restore_with_nothing_to_restore_is_not_a_failure() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let before = snapshot(dir.path());
    let out = replan().arg("restore").arg(dir.path()).assert().success();
    let err = stderr_of(&out);
    assert!(err.contains("nothing to restore"), "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

/// A folder below the root is planned with the whole project (a split moves
/// text other folders link to): the run says so, unless `-q`, and not when
/// the root itself is given.
#[test]
fn a_folder_below_the_root_says_the_whole_project_is_planned() {
    let dir = copy_tree(&repo().join("samples/pcc"));
    let root = dir.path();
    let run = |args: &[&str]| {
        let out = replan()
            .current_dir(root)
            .args(["migrate", "--dry-run", "--color", "never"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = "migrate plans all of it";
    let err = run(&[".claude/plans/devtest-deployment"]);
    assert!(
        err.lines().next().is_some_and(|l| l
            .starts_with("note: .claude/plans/devtest-deployment is in the project at ")
            && l.contains(said)),
        "{err}"
    );
    assert!(!run(&["-q", ".claude/plans/devtest-deployment"]).contains(said));
    assert!(!run(&["."]).contains(said));
    // Nor when there is nothing to plan: a folder outside the planning
    // folders got "plans all of it", then "nothing to restructure".
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(other.path().join(".git")).unwrap();
    std::fs::create_dir_all(other.path().join("docs/current")).unwrap();
    let body = "- item\n".repeat(120);
    std::fs::write(
        other.path().join("docs/current/PLAN.md"),
        format!("# Plan\n\n## Phase 1.1: A\n\n{body}\n## Phase 1.2: B\n\n{body}"),
    )
    .unwrap();
    let out = replan()
        .current_dir(other.path())
        .args([
            "migrate",
            "--dry-run",
            "--color",
            "never",
            "--allow-dirty",
            "docs/current",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing to restructure"), "{err}");
    assert!(!err.contains(said), "{err}");
}
