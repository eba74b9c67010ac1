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

/// Anchor links (`#a`, `x.md#a`) among `files` (name, text) whose file or
/// heading is not there.
fn unresolved_anchor_links(files: &[(String, String)]) -> Vec<String> {
    use replan::model::links::{resolve, Target};
    let docs: Vec<(String, replan::model::Document)> = files
        .iter()
        .map(|(n, t)| (n.clone(), replan::model::Document::from_text(n, t)))
        .collect();
    let mut out = Vec::new();
    for (name, doc) in &docs {
        for l in replan::model::links::locate_all(doc) {
            let (file, anchor) = match resolve(std::path::Path::new(name), &l.url) {
                Target::SameFile { anchor } => (name.clone(), anchor),
                Target::File {
                    path,
                    anchor: Some(a),
                } => (path.to_string_lossy().into_owned(), a),
                _ => continue,
            };
            let ok = docs.iter().any(|(n, d)| {
                *n == file
                    && d.headings
                        .iter()
                        .any(|h| h.anchor().eq_ignore_ascii_case(&anchor))
            });
            if !ok {
                out.push(format!("{name}: {}", l.url));
            }
        }
    }
    out
}

/// Split a Phase 4 monolith and check: a file for each present subphase, none for
/// 4.8-4.10, every part within budget unless it holds a reported oversize block,
/// the parts (less the added lines, and but for the link destinations split
/// rewrites) concatenate back to the input, and every anchor link that resolved
/// in the input resolves among the parts.
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
    let mut written = Vec::new();
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
        joined.push_str(&part_body(&text));
        written.push((name, text));
    }
    let input = std::fs::read_to_string(notes).unwrap();
    let (a, b) = (without_destinations(&joined), without_destinations(&input));
    assert!(
        a == b,
        "concatenated parts differ from the input beyond link destinations ({} vs {} bytes)",
        a.len(),
        b.len()
    );
    assert_eq!(rows.len(), files.len());
    // Links to headings: those broken in the input stay broken (4.8-4.10 have
    // no section), every other one reaches its heading in its new part.
    let before = unresolved_anchor_links(&[("notes.md".into(), input.clone())]);
    let after = unresolved_anchor_links(&written);
    assert_eq!(
        after.len(),
        before.len(),
        "broken before: {before:#?}\nbroken after: {after:#?}"
    );
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
    // Overwritten with the subphase's text and, after its heading, its card.
    let written = std::fs::read_to_string(dir.path().join("phase-1.2-b.md")).unwrap();
    assert!(
        written.starts_with(&format!(
            "## Phase 1.2: B\n{}\n",
            replan::model::markers::CARD_BEGIN
        )),
        "{written}"
    );
    assert_eq!(
        replan::model::markers::strip_cards(&written),
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

/// Issue 12 item 5: `split` rewrites its outputs' links as `migrate` rewrites
/// moved text. A TOC's `#anchor` to a heading now in another part names that
/// part (with the heading's anchor there: `troubleshooting-1` becomes
/// `troubleshooting` in a part of its own); a link within one part, a broken
/// anchor and a link to another file beside the original stay as written; a
/// part written into another folder gets its relative links rewritten.
#[test]
fn split_rewrites_anchor_links_to_the_part_holding_the_heading() {
    let dir = tempfile::tempdir().unwrap();
    let body = "line\n\n".repeat(8);
    let text = format!(
        "# Plan\n\n- [A](#phase-11-a)\n- [B](#phase-12-b)\n- [B's fix](#troubleshooting-1)\n- [gone](#phase-13-gone)\n- [other](other.md)\n\n## Phase 1.1: A\n\n{body}### Troubleshooting\n\nsee [B](#phase-12-b)\n\n## Phase 1.2: B\n\n{body}### Troubleshooting\n\nback to [top](#troubleshooting-1)\n"
    );
    let f = dir.path().join("plan.md");
    std::fs::write(&f, &text).unwrap();
    std::fs::write(dir.path().join("other.md"), "# Other\n").unwrap();
    replan().arg("split").arg(&f).assert().success();
    let a = std::fs::read_to_string(dir.path().join("phase-1.1-a.md")).unwrap();
    let b = std::fs::read_to_string(dir.path().join("phase-1.2-b.md")).unwrap();
    for want in [
        "- [A](#phase-11-a)",
        "- [B](phase-1.2-b.md#phase-12-b)",
        "- [B's fix](phase-1.2-b.md#troubleshooting)",
        "- [gone](#phase-13-gone)",
        "- [other](other.md)",
        "see [B](phase-1.2-b.md#phase-12-b)",
    ] {
        assert!(a.contains(want), "{want} not in:\n{a}");
    }
    assert!(b.contains("back to [top](#troubleshooting)"), "{b}");
    // Into another folder: the relative link follows.
    let out = dir.path().join("parts");
    std::fs::create_dir(&out).unwrap();
    replan()
        .args(["split", "--out"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let a = std::fs::read_to_string(out.join("phase-1.1-a.md")).unwrap();
    assert!(a.contains("- [other](../other.md)"), "{a}");
    assert!(a.contains("- [B](phase-1.2-b.md#phase-12-b)"), "{a}");
    // The original is untouched.
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text);
}

/// A rewritten link is longer (`#a` becomes `phase-1.7-….md#a`): the split keeps
/// room for that, so a long table of contents is still within the token budget
/// once its links name their parts.
#[test]
fn rewritten_links_stay_within_the_token_budget() {
    let dir = tempfile::tempdir().unwrap();
    let title = |k: usize| format!("Configure the deployment pipeline stage number {k}");
    let mut text = String::from("# Plan\n\n");
    for k in 1..=40 {
        let anchor = format!("phase-1{k}-configure-the-deployment-pipeline-stage-number-{k}");
        text.push_str(&format!("- [{}](#{anchor})\n", title(k)));
    }
    text.push('\n');
    for k in 1..=40 {
        text.push_str(&format!(
            "## Phase 1.{k}: {}\n\n{}",
            title(k),
            "Step text.\n\n".repeat(8)
        ));
    }
    let f = dir.path().join("plan.md");
    std::fs::write(&f, &text).unwrap();
    let max_tokens = 1200;
    let res = replan()
        .args(["split", "--format", "json", "--max-tokens", "1200"])
        .arg(&f)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&res.get_output().stdout).unwrap();
    let oversize: Vec<&str> = report["oversize"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["part"].as_str().unwrap())
        .collect();
    let mut rewritten = 0;
    for row in report["files"].as_array().unwrap() {
        let path = row["path"].as_str().unwrap();
        let written = std::fs::read_to_string(path).unwrap();
        rewritten += written.matches(".md#phase-1").count();
        let tokens = row["tokens"].as_u64().unwrap() as usize;
        let name = std::path::Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy();
        assert!(
            tokens <= max_tokens || oversize.contains(&name.as_ref()),
            "{name} has {tokens} tokens"
        );
    }
    assert!(rewritten >= 39, "{rewritten} links rewritten");
}

/// An output folder that does not exist is named in the refusal (it used to be
/// an empty path: `error: : … is not writable`), and nothing is written.
#[test]
fn a_missing_output_folder_is_named_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let src = repo().join("samples/pcc/.claude/plans/devtest-deployment/phase-4-working-notes.md");
    let out_dir = d.path().join("new/dir");
    let out = replan()
        .arg("split")
        .arg(&src)
        .arg("--out")
        .arg(&out_dir)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains(&format!(
            "error: {}: no such folder; create it first",
            out_dir.display()
        )),
        "{err}"
    );
    assert!(!d.path().join("new").exists());
}

/// `.claude/plans/notes.md` of two subphases of 16 lines each, under `root`
/// (a project by its `.claude/`), split by `replan split <arg> --max-lines 14`
/// run from `dir`; the plans folder.
fn split_two_subphases(
    root: &std::path::Path,
    dir: &std::path::Path,
    titles: [&str; 2],
    arg: &str,
) -> std::path::PathBuf {
    let plans = root.join(".claude/plans");
    std::fs::create_dir_all(&plans).unwrap();
    let body = "line\n\n".repeat(8);
    std::fs::write(
        plans.join("notes.md"),
        format!(
            "# Notes\n\n## {}\n\n{body}## {}\n\n{body}",
            titles[0], titles[1]
        ),
    )
    .unwrap();
    replan()
        .current_dir(dir)
        .args(["split", arg, "--max-lines", "14"])
        .assert()
        .success();
    plans
}

/// A part is never named so that the configuration's `exclude` would match it:
/// `plan-template.md` would be left out of `check .` for good. migrate and
/// consolidate already keep to this; split names its parts the same way.
#[test]
fn a_part_is_never_named_like_an_excluded_template() {
    let d = tempfile::tempdir().unwrap();
    let plans = split_two_subphases(
        d.path(),
        d.path(),
        ["Phase 1.1: Plan", "Plan template"],
        ".claude/plans/notes.md",
    );
    let names: Vec<String> = std::fs::read_dir(&plans)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n == "plan-template.md"), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("plan-template")),
        "{names:?}"
    );
}

/// A glob of the user's own that matches a title's words (`**/*draft*.md`)
/// excludes every `-k` name a part could take: split then names the part
/// as before the rule rather than refusing the file (it did: "every name
/// its parts could take … is taken").
#[test]
fn an_exclude_glob_matching_every_name_does_not_stop_a_split() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("replan.yaml"), "exclude: ['**/*draft*.md']\n").unwrap();
    let plans = split_two_subphases(
        d.path(),
        d.path(),
        ["Phase 1.1: Draft API", "Phase 1.2: Ship"],
        ".claude/plans/notes.md",
    );
    assert!(plans.join("phase-1.1-draft-api.md").is_file());
    assert!(plans.join("phase-1.2-ship.md").is_file());
}

/// The project root is found with symlinks resolved; a file named through a
/// link is still under it, so its parts' names are still checked.
#[cfg(unix)]
#[test]
fn a_file_named_through_a_symlink_gets_the_same_names() {
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("real");
    std::fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, d.path().join("link")).unwrap();
    let plans = split_two_subphases(
        &real,
        d.path(),
        ["Phase 1.1: Plan", "Plan template"],
        "link/.claude/plans/notes.md",
    );
    assert!(!plans.join("plan-template.md").exists());
    assert!(plans.join("plan-template-2.md").is_file());
}
