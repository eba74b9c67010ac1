//! `replan split` end to end.

use crate::common::*;

#[test]
fn real_notes_split_into_subphases_losslessly() {
    let Some(notes) = real_notes() else { return };
    split_monolith_checks(&notes);
}

#[test]
fn sample_monolith_splits_into_subphases_losslessly() {
    split_monolith_checks(
        &repo().join("samples/pcc/.claude/plans/devtest-deployment/phase-4-working-notes.md"),
    );
}

/// Split a Phase 4 monolith and check: a file for each present subphase, none for
/// 4.8-4.10, every part within budget unless it holds a reported oversize block,
/// and the parts (less the added lines) concatenate back to the input.
fn split_monolith_checks(notes: &std::path::Path) {
    let out = tempfile::tempdir().unwrap();
    let res = replan()
        .args(["split", "--format", "json", "--out"])
        .arg(out.path())
        .arg(notes)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&res.get_output().stdout).unwrap();
    let files = snapshot(out.path());
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    for n in [
        "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.11", "4.12", "4.13", "4.14",
    ] {
        assert!(
            names.iter().any(|f| f.starts_with(&format!("phase-{n}-"))),
            "no file for {n}: {names:?}"
        );
    }
    for n in ["4.8", "4.9", "4.10"] {
        assert!(
            !names.iter().any(|f| f.starts_with(&format!("phase-{n}-"))),
            "file claims {n}"
        );
    }
    // Put the parts back in document order, drop the added line, compare bytes.
    let rows = parts_in_order(&report);
    let oversize: Vec<String> = report["oversize"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["part"].as_str().unwrap().to_string())
        .collect();
    let mut joined = String::new();
    for path in &rows {
        let text = std::fs::read_to_string(path).unwrap();
        let lines = text.lines().count();
        let name = std::path::Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            lines <= 200 || oversize.contains(&name),
            "{name} has {lines} lines and no oversize block"
        );
        joined.push_str(part_body(&text));
    }
    let input = std::fs::read_to_string(notes).unwrap();
    assert!(
        joined == input,
        "concatenated parts differ from the input ({} vs {} bytes)",
        joined.len(),
        input.len()
    );
    assert_eq!(rows.len(), files.len());
}

#[test]
fn dry_run_writes_nothing_and_lists_counts() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("notes.md");
    // Subphases long enough to be files of their own (a heading and a line or
    // two would join its sibling).
    let body = "line\n\n".repeat(8);
    std::fs::write(
        &f,
        format!("# T\n\n## Phase 1.1: A\n\n{body}## Phase 1.2: B\n\n{body}"),
    )
    .unwrap();
    let out = replan()
        .args(["split", "--dry-run"])
        .arg(&f)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stdout.contains("phase-1.1-a.md") && stdout.contains("phase-1.2-b.md"),
        "{stdout}"
    );
    assert!(
        stderr.contains("o200k_base") && stderr.contains("nothing written"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("notes.md");
    let body = "line\n\n".repeat(8);
    std::fs::write(
        &f,
        format!("## Phase 1.1: A\n\n{body}## Phase 1.2: B\n\n{body}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("phase-1.2-b.md"), "mine\n").unwrap();
    replan().arg("split").arg(&f).assert().code(2);
    assert!(
        !dir.path().join("phase-1.1-a.md").exists(),
        "wrote before refusing"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("phase-1.2-b.md")).unwrap(),
        "mine\n"
    );
    replan()
        .args(["split", "--force"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("phase-1.2-b.md")).unwrap(),
        format!("## Phase 1.2: B\n\n{body}")
    );
}

#[test]
fn bad_input_is_named_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.md");
    std::fs::write(&f, b"# ok\n\xff\xfe\n").unwrap();
    let out = replan().arg("split").arg(&f).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("bad.md:2: not valid UTF-8"), "{err}");
    let d = dir.path().join("dir.md");
    std::fs::create_dir(&d).unwrap();
    let out = replan().arg("split").arg(&d).assert().code(2);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr).contains("dir.md: not a regular file")
    );
    replan()
        .arg("split")
        .arg(dir.path().join("missing.md"))
        .assert()
        .code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_yaml_file_is_not_split_and_one_part_is_one_file() {
    let d = tempfile::tempdir().unwrap();
    let y = d.path().join("ci.yaml");
    std::fs::write(
        &y,
        "# Phase 1.1: not a heading\njobs: {}\n# Phase 1.2: nor this\n",
    )
    .unwrap();
    let out = replan().arg("split").arg(&y).assert().code(2);
    let err = stderr_of(&out);
    assert!(err.contains("not Markdown"), "{err}");
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    let m = d.path().join("one.md");
    std::fs::write(&m, "# Phase 1.1: Only\n\ntext\n").unwrap();
    let out = replan()
        .args(["split", "--dry-run"])
        .arg(&m)
        .assert()
        .success();
    let err = stderr_of(&out);
    assert!(err.contains("would write 1 file ("), "{err}");
}
