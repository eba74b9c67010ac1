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
