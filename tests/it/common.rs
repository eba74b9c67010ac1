//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `replan` binary, with colour off.
pub fn replan() -> Command {
    let mut c = Command::cargo_bin("replan").expect("binary built");
    c.env("NO_COLOR", "1").env_remove("REPLAN_FAIL_AFTER");
    c
}

/// The repository's own folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`, or `None` (with a message) when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let p = repo().join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/corpus is absent");
        None
    }
}

/// The user's real 297 KB working notes.
pub fn real_notes() -> Option<PathBuf> {
    corpus().map(|c| {
        c.join(
            "plans/RLGeeX__pcc-ai-memory/.claude/archive/original-phases/phase-4-working-notes.md",
        )
    })
}

/// Copy a folder tree (files only, symlinks skipped) into a fresh temp dir.
pub fn copy_tree(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_into(from, dir.path());
    dir
}

/// Copy `from` into `to` recursively.
pub fn copy_into(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let t = e.file_type().expect("file type");
        let dst = to.join(e.file_name());
        if t.is_dir() {
            copy_into(&e.path(), &dst);
        } else if t.is_file() {
            std::fs::copy(e.path(), dst).expect("copy");
        }
    }
}

/// Every file under a folder with its bytes, relative paths sorted.
pub fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        let t = e.file_type().expect("ft");
        if t.is_dir() {
            walk(root, &p, out);
        } else if t.is_file() {
            let rel = p
                .strip_prefix(root)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            out.push((rel, std::fs::read(&p).expect("read")));
        }
    }
}

/// A split part's own text: without the continuation line replan adds at the top
/// and the copied link definitions it adds at the end.
pub fn part_body(text: &str) -> String {
    // A task card is replan's text too; a continuation part's card carries
    // the continuation line.
    let text = replan::model::markers::strip_cards(text);
    let t = match text.find(replan::model::markers::CONTINUATION) {
        Some(i) => {
            let rest = &text[i + replan::model::markers::CONTINUATION.len()..];
            ["\r\n\r\n", "\n\n"]
                .iter()
                .find_map(|nl| rest.strip_prefix(nl))
                .unwrap_or(rest)
        }
        None => &text,
    };
    match t.rfind(replan::model::markers::DEFINITIONS) {
        Some(i) => {
            let head = &t[..i];
            head.strip_suffix("\r\n")
                .or_else(|| head.strip_suffix('\n'))
                .unwrap_or(head)
                .to_string()
        }
        None => t.to_string(),
    }
}

/// The part paths of a `split --format json` report, in document order.
pub fn parts_in_order(report: &serde_json::Value) -> Vec<String> {
    let mut rows: Vec<(u64, String)> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().expect("line"),
                r["path"].as_str().expect("path").to_string(),
            )
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, p)| p).collect()
}

/// The whole tree as a person would compare it: every folder (as `path/`) and
/// every file with its bytes and, on Unix, its permission bits.
pub fn snapshot_tree(root: &Path) -> Vec<(String, Vec<u8>, u32)> {
    fn go(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>, u32)>) {
        for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            #[cfg(unix)]
            let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
            #[cfg(not(unix))]
            let mode = 0;
            if meta.is_dir() {
                out.push((format!("{rel}/"), Vec::new(), mode));
                go(root, &p, out);
            } else {
                out.push((rel, std::fs::read(&p).unwrap_or_default(), mode));
            }
        }
    }
    let mut out = Vec::new();
    go(root, root, &mut out);
    out.sort();
    out
}

/// The path of the built `replan` binary (for runs in a shell or in the background).
pub fn replan_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("replan")
}

/// A finished run's stderr, as text.
pub fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Whether byte `at` starts a top-level item of a list block of `doc` (not its
/// first): a line start inside the block whose line holds a list marker at the
/// indentation of the list's first line. A split may cut a long list there.
pub fn is_list_item_start(doc: &replan::model::Document, at: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let marker = |l: &str| {
        let t = l.trim_start_matches([' ', '\t']);
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &t[digits..];
        if digits > 0 {
            rest.starts_with(['.', ')'])
        } else {
            rest.starts_with(['-', '*', '+'])
        }
    };
    // A marker left of the first item's text opens a sibling item, whatever
    // its own indent ("` * a`" then "`*`" are two items of one list).
    let content_column = |l: &str| {
        let t = l.trim_start_matches([' ', '\t']);
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let after = t.get(digits + 1..).unwrap_or("");
        let gap = after.len() - after.trim_start_matches(' ').len();
        indent(l) + digits + 1 + if (1..=4).contains(&gap) { gap } else { 1 }
    };
    let src = &doc.source;
    let line = src.line_of(at);
    src.line_start(line) == at
        && doc.blocks.iter().any(|b| {
            b.kind == replan::model::BlockKind::List
                && b.span().start < at
                && at < b.span().end
                && marker(src.line_text(line))
                && indent(src.line_text(line)) < content_column(src.line_text(b.line()))
        })
}

/// Property tests run from a fixed seed unless `PROPTEST_RNG_SEED` is set, so
/// CI replays the same cases every time and a failure is never a coin toss; a
/// deep run sets `PROPTEST_CASES` (and a seed of its own to explore further).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    let mut config = proptest::test_runner::Config::with_cases(cases);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x007e_91a4);
    }
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.cases = n;
    }
    config
}

/// `git init` and one commit of everything under `root`, dated `date` when
/// given (committer and author); false when git is not available, so the
/// caller can skip.
pub fn git_commit_all(root: &Path, date: Option<&str>) -> bool {
    let git = |args: &[&str]| {
        let mut c = std::process::Command::new("git");
        c.arg("-C").arg(root).args(args);
        if let Some(d) = date {
            c.env("GIT_COMMITTER_DATE", d).env("GIT_AUTHOR_DATE", d);
        }
        c.output().map(|o| o.status.success()).unwrap_or(false)
    };
    git(&["init", "-q"])
        && git(&["add", "-A"])
        && git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "x",
        ])
}

/// The user's tree as it was before their manual restructure: the corpus copy with
/// the archived 297 KB working notes put back in the plan folder.
pub fn real_tree() -> Option<tempfile::TempDir> {
    let src = corpus()?.join("plans/RLGeeX__pcc-ai-memory");
    let notes = real_notes()?;
    let dir = copy_tree(&src);
    let back = dir
        .path()
        .join(".claude/plans/devtest-deployment/phase-4-working-notes.md");
    std::fs::copy(&notes, &back).unwrap();
    std::fs::remove_file(
        dir.path()
            .join(".claude/archive/original-phases/phase-4-working-notes.md"),
    )
    .unwrap();
    Some(dir)
}

/// `text` with every link destination replan locates cut out, so texts that
/// differ only where links were rewritten compare equal.
pub fn without_destinations(text: &str) -> String {
    let doc = replan::model::Document::from_text("x.md", text);
    let mut ranges: Vec<std::ops::Range<usize>> = replan::model::links::locate_all(&doc)
        .into_iter()
        .filter_map(|l| l.range)
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::new();
    let mut at = 0;
    for r in ranges {
        if r.start >= at {
            out.push_str(&text[at..r.start]);
            at = r.end;
        }
    }
    out.push_str(&text[at..]);
    out
}
