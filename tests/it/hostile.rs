//! Hostile input: files nobody designed for replan. For each case the command
//! finishes (a generous timeout guards against hangs; it is not a speed test),
//! never panics (exit 0, 1 or 2, and a failure names the file), loses no byte
//! (the input is untouched and the parts put back together are the input), and
//! writes nothing outside the root. Big inputs are generated here, never committed.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::common::*;

/// Longest any single command may take before we call it a hang.
const HANG: Duration = Duration::from_secs(120);

/// A root folder with the input in it, and a sibling folder replan must not touch.
struct Scene {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("keep.md"), "# Phase 9.1: Mine\n\nnot yours\n").unwrap();
        Scene {
            _dir: dir,
            root,
            outside,
        }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.root.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

fn run(args: &[&str], file: &Path) -> Output {
    replan()
        .args(args)
        .arg(file)
        .timeout(HANG)
        .output()
        .expect("replan runs")
}

/// Exit 0/1/2, no panic, and a failure names the file.
fn assert_sane(out: &Output, name: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{name}: killed or odd exit {code:?} (a hang hits the timeout): {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{name}: panic: {err}"
    );
    if code == Some(2) {
        assert!(
            err.contains(name),
            "{name}: the error does not name the file: {err}"
        );
    }
}

/// Split `file` for real (JSON report), then check the parts put back in order
/// are the input and the input is untouched. Returns the report.
fn split_losslessly(s: &Scene, file: &Path, extra: &[&str]) -> serde_json::Value {
    let input = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let mut args = vec!["split", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&args, file);
    assert_sane(&out, &name);
    assert_eq!(std::fs::read(file).unwrap(), input, "{name}: input changed");
    assert_outside_untouched(s);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let mut joined = String::new();
    for path in parts_in_order(&report) {
        let p = Path::new(&path);
        assert!(
            p.starts_with(file.parent().unwrap()),
            "{path} written outside the root"
        );
        joined.push_str(&part_body(&std::fs::read_to_string(p).unwrap()));
    }
    let input = String::from_utf8(input).unwrap();
    // A last part without a final newline gets one before its copied definitions;
    // that newline is replan's and cannot be told apart from the text's.
    assert!(
        joined == input || joined == format!("{input}\n"),
        "{name}: parts differ from the input ({} vs {} bytes)",
        joined.len(),
        input.len()
    );
    report
}

fn assert_outside_untouched(s: &Scene) {
    let snap = snapshot(&s.outside);
    assert_eq!(
        snap.len(),
        1,
        "something was written outside the root: {snap:?}"
    );
    assert_eq!(snap[0].1, b"# Phase 9.1: Mine\n\nnot yours\n");
}

/// Dry run: writes nothing at all.
fn dry_run_writes_nothing(s: &Scene, file: &Path) {
    let before = snapshot(&s.root);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let out = run(&["split", "--dry-run"], file);
    assert_sane(&out, &name);
    assert_eq!(snapshot(&s.root), before, "{name}: dry run wrote");
    assert_outside_untouched(s);
}

/// Every generated hostile text: dry run, then a real split, both lossless.
fn survive(name: &str, bytes: &[u8], extra: &[&str]) -> serde_json::Value {
    let s = Scene::new();
    let f = s.file(name, bytes);
    dry_run_writes_nothing(&s, &f);
    split_losslessly(&s, &f, extra)
}

#[test]
fn non_utf8_is_refused_by_name_and_nothing_written() {
    let s = Scene::new();
    let f = s.file("latin1.md", b"# Caf\xe9\n\nok\n");
    let out = run(&["split"], &f);
    assert_sane(&out, "latin1.md");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latin1.md:1: not valid UTF-8"));
    assert_eq!(snapshot(&s.root).len(), 1);
    assert_outside_untouched(&s);
}

#[test]
fn bom_crlf_and_lone_cr_survive() {
    let mut text = String::from("\u{feff}# Notes\r\n\r\n");
    for i in 1..=8 {
        text.push_str(&format!("## Phase 1.{i}: Step {i}\r\n\r\n"));
        for j in 0..10 {
            text.push_str(&format!("line {j}\r\n"));
        }
        text.push_str("\r\n");
    }
    let r = survive("bom-crlf.md", text.as_bytes(), &["--max-lines", "8"]);
    assert!(r["files"].as_array().unwrap().len() > 8);
    survive(
        "cr.md",
        text.replace("\r\n", "\r").as_bytes(),
        &["--max-lines", "8"],
    );
    survive(
        "mixed.md",
        text.replacen("\r\n", "\n", 20)
            .replacen("\r\n", "\r", 20)
            .as_bytes(),
        &["--max-lines", "8"],
    );
}

#[test]
fn empty_and_blank_files() {
    for (name, bytes) in [
        ("empty.md", &b""[..]),
        ("blank.md", b"\n\n\n"),
        ("bom-only.md", b"\xef\xbb\xbf"),
    ] {
        let s = Scene::new();
        let f = s.file(name, bytes);
        dry_run_writes_nothing(&s, &f);
        let out = run(&["split"], &f);
        assert_sane(&out, name);
        assert_eq!(std::fs::read(&f).unwrap(), bytes);
        assert_outside_untouched(&s);
    }
}

#[test]
fn no_headings_over_budget_cuts_between_paragraphs() {
    let text: String = (0..3000)
        .map(|i| format!("paragraph {i} with a few words\n\n"))
        .collect();
    let r = survive("flat.md", text.as_bytes(), &[]);
    assert!(r["files"].as_array().unwrap().len() >= 30);
    assert!(r["oversize"].as_array().unwrap().is_empty());
}

#[test]
fn unclosed_fence_is_kept_whole_and_reported() {
    let mut text = String::from("# Phase 1.1: Open\n\nintro\n\n```bash\n");
    for i in 0..600 {
        text.push_str(&format!("# comment {i}\necho {i}\n"));
    }
    let s = Scene::new();
    let f = s.file("open-fence.md", text.as_bytes());
    let out = run(&["split", "--dry-run"], &f);
    assert_sane(&out, "open-fence.md");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("open-fence.md:5") && err.contains("never closed"),
        "{err}"
    );
    let r = split_losslessly(&s, &f, &[]);
    assert_eq!(r["oversize"].as_array().unwrap().len(), 1, "{r}");
}

#[test]
fn two_megabyte_single_line() {
    let words: String = "lorem ipsum dolor sit amet ".repeat(2_000_000 / 27);
    survive(
        "long-line.md",
        format!("# Title\n\n{words}\n").as_bytes(),
        &[],
    );
    // One 2 MB "word": the tokenizer sees a single pre-token.
    let solid = "x".repeat(2_000_000);
    survive(
        "solid-line.md",
        format!("# Title\n\n{solid}\n").as_bytes(),
        &[],
    );
}

#[test]
fn nul_bytes_and_control_characters() {
    let text = "# A\0B\n\n\0\0\0\n\n## Phase 1.1: \0nul\u{7}\n\nx\0y\n\n```\0\n\0\n```\n";
    survive("nul.md", text.as_bytes(), &["--max-lines", "4"]);
}

#[test]
fn twenty_thousand_levels_of_nesting() {
    let n = 20_000;
    let cases = [
        (
            "quotes.md",
            format!("# T\n\n{} deep\n\nafter\n", ">".repeat(n)),
        ),
        (
            "lists.md",
            format!("# T\n\n{}deep\n\nafter\n", "- ".repeat(n)),
        ),
        (
            "brackets.md",
            format!("# T\n\n{}x{}\n\nafter\n", "[".repeat(n), "](y)".repeat(n)),
        ),
        (
            "emphasis.md",
            format!("# T\n\n{}x{}\n", "*a ".repeat(n), " b*".repeat(n)),
        ),
        (
            "indented-lists.md",
            (0..2000)
                .map(|k| format!("{}- level {k}\n", "  ".repeat(k)))
                .collect(),
        ),
    ];
    for (name, text) in cases {
        survive(name, text.as_bytes(), &[]);
    }
}

#[test]
fn a_directory_named_like_markdown_is_refused_by_name() {
    let s = Scene::new();
    let d = s.root.join("x.md");
    std::fs::create_dir(&d).unwrap();
    let out = run(&["split"], &d);
    assert_sane(&out, "x.md");
    assert_eq!(out.status.code(), Some(2));
    assert_outside_untouched(&s);
}

#[test]
fn symlinked_input_leaves_its_target_untouched() {
    let s = Scene::new();
    let target = s.outside.join("keep.md");
    let link = s.root.join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run(&["split", "--max-lines", "3"], &link);
    assert_sane(&out, "link.md");
    assert_outside_untouched(&s);
}

#[test]
fn never_writes_through_a_symlink_even_with_force() {
    let s = Scene::new();
    let f = s.file(
        "notes.md",
        b"## Phase 9.1: Mine\n\nnew text\n\n## Phase 9.2: B\n\ny\n",
    );
    // An output name that is a link out of the root.
    std::os::unix::fs::symlink(s.outside.join("keep.md"), s.root.join("phase-9.1-mine.md"))
        .unwrap();
    let out = run(&["split", "--force"], &f);
    assert_sane(&out, "phase-9.1-mine.md");
    assert_eq!(out.status.code(), Some(2));
    assert_outside_untouched(&s);
    assert!(
        !s.root.join("phase-9.2-b.md").exists(),
        "wrote before refusing"
    );
}

#[test]
fn a_file_that_disappears_is_named() {
    let s = Scene::new();
    let gone = s.root.join("gone.md");
    let out = run(&["split"], &gone);
    assert_sane(&out, "gone.md");
    assert_eq!(out.status.code(), Some(2));
    // A dangling symlink: the walk sees it, the read finds nothing.
    let dangling = s.root.join("dangling.md");
    std::os::unix::fs::symlink(s.root.join("nowhere.md"), &dangling).unwrap();
    let out = run(&["split"], &dangling);
    assert_sane(&out, "dangling.md");
    assert_eq!(out.status.code(), Some(2));
    assert_outside_untouched(&s);
}

// ---- check, migrate --dry-run, migrate (+ restore) over one hostile tree ----

fn monolith(nl: &str) -> String {
    let mut s = format!("# Notes{nl}{nl}");
    for i in 1..=3 {
        s.push_str(&format!("## Phase 9.{i}: Step {i}{nl}{nl}"));
        for j in 0..90 {
            s.push_str(&format!("Line {j} of step {i}.{nl}"));
        }
        s.push_str(nl);
    }
    s
}

/// A planning folder full of files nobody designed for replan.
fn hostile_tree(s: &Scene) -> PathBuf {
    let plans = s.root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    let n = 20_000;
    let flat: String = (0..3000).map(|i| format!("paragraph {i}\n\n")).collect();
    let mut fence = String::from("# Phase 9.9: Open\n\n```bash\n");
    fence.push_str(&"# comment\necho x\n".repeat(300));
    let words = "lorem ipsum dolor sit amet ".repeat(2_000_000 / 27);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("latin1.md", b"# Caf\xe9\n\nok\n".to_vec()),
        ("bom.md", format!("\u{feff}{}", monolith("\n")).into_bytes()),
        ("crlf.md", monolith("\r\n").into_bytes()),
        ("cr.md", monolith("\r").into_bytes()),
        ("empty.md", Vec::new()),
        ("flat.md", flat.into_bytes()),
        ("open-fence.md", fence.into_bytes()),
        ("long-line.md", format!("# Long\n\n{words}\n").into_bytes()),
        (
            "nul.md",
            b"# A\0B\n\n\0\0\n\n## Phase 9.1: \0x\n\ny\0\n".to_vec(),
        ),
        (
            "quotes.md",
            format!("# Q\n\n{} deep\n", ">".repeat(n)).into_bytes(),
        ),
        (
            "lists.md",
            format!("# L\n\n{}deep\n", "- ".repeat(n)).into_bytes(),
        ),
        (
            "brackets.md",
            format!("# B\n\n{}x{}\n", "[".repeat(n), "](y.md)".repeat(n)).into_bytes(),
        ),
    ];
    for (name, bytes) in files {
        std::fs::write(plans.join(name), bytes).unwrap();
    }
    // A directory named like Markdown, holding a real note.
    std::fs::create_dir_all(plans.join("x.md")).unwrap();
    std::fs::write(plans.join("x.md/inner.md"), "# Inner\n\ntext\n").unwrap();
    // A symlink out of the root, and a dangling one.
    std::os::unix::fs::symlink(s.outside.join("keep.md"), plans.join("link.md")).unwrap();
    std::os::unix::fs::symlink(plans.join("nowhere.md"), plans.join("dangling.md")).unwrap();
    // A named pipe: reading it would block forever.
    let fifo = plans.join("fifo.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    s.root.clone()
}

fn run_in(args: &[&str], root: &Path) -> Output {
    replan()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(args)
        .arg(root)
        .timeout(HANG)
        .output()
        .expect("replan runs")
}

/// Exit 0/1/2 and no panic; on exit 2 the message names some path.
fn assert_sane_tree(out: &Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{what}: killed or odd exit {code:?} (a hang hits the timeout): {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{what}: panic: {err}"
    );
    if code == Some(2) {
        assert!(
            err.contains(".md") || err.contains("root"),
            "{what}: names no file: {err}"
        );
    }
}

#[test]
fn check_survives_a_hostile_tree() {
    let s = Scene::new();
    let root = hostile_tree(&s);
    let before = snapshot(&root);
    for format in ["json", "text", "sarif"] {
        let out = run_in(&["check", "--format", format], &root);
        assert_sane_tree(&out, &format!("check --format {format}"));
        // An unreadable file is reported and the run goes on; the exit code
        // remembers it (2), and stdout is still a complete report.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("latin1.md") && err.contains("UTF-8"),
            "non-UTF-8 file not named: {err}"
        );
        for skipped in ["fifo.md", "x.md", "link.md", "dangling.md"] {
            assert!(err.contains(skipped), "{skipped} not mentioned: {err}");
        }
        if format != "text" {
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("check prints valid JSON");
            assert!(v.is_object());
        }
    }
    assert_eq!(snapshot(&root), before, "check wrote");
    assert_outside_untouched(&s);
}

#[test]
fn check_survives_files_that_disappear_during_the_walk() {
    let s = Scene::new();
    let plans = s.root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    for i in 0..50 {
        std::fs::write(plans.join(format!("n{i}.md")), monolith("\n")).unwrap();
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let blinker = {
        let stop = stop.clone();
        let plans = plans.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for i in 0..50 {
                    let p = plans.join(format!("blink{i}.md"));
                    let _ = std::fs::write(&p, "# Blink\n\nx\n");
                    let _ = std::fs::remove_file(&p);
                }
            }
        })
    };
    for _ in 0..5 {
        let out = run_in(&["check", "--format", "json"], &s.root);
        assert_sane_tree(&out, "check while files vanish");
        // A file gone between walk and read is named; the others are still checked.
        if out.status.code() == Some(2) {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("blink"), "vanished file not named: {err}");
        }
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("valid JSON");
    }
    let out = run_in(&["migrate", "--dry-run"], &s.root);
    assert_sane_tree(&out, "migrate --dry-run while files vanish");
    assert!(
        !s.root.join(".claude/archive").exists(),
        "migrate --dry-run wrote an archive"
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    blinker.join().unwrap();
    assert_outside_untouched(&s);
}

#[test]
fn migrate_survives_a_hostile_tree_and_restores_every_byte() {
    let s = Scene::new();
    let root = hostile_tree(&s);
    let before = snapshot(&root);
    let out = run_in(&["migrate", "--dry-run"], &root);
    assert_sane_tree(&out, "migrate --dry-run");
    assert_eq!(snapshot(&root), before, "migrate --dry-run wrote");
    assert_outside_untouched(&s);

    let out = run_in(&["migrate"], &root);
    assert_sane_tree(&out, "migrate");
    assert_outside_untouched(&s);
    let plans = root.join(".claude/plans/x");
    assert!(std::fs::symlink_metadata(plans.join("link.md"))
        .unwrap()
        .file_type()
        .is_symlink());
    if out.status.code() == Some(2) {
        eprintln!("migrate refused: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(snapshot(&root), before, "migrate failed but wrote");
        return;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("latin1.md"), "non-UTF-8 file not named: {err}");
    assert_eq!(
        std::fs::read(plans.join("latin1.md")).unwrap(),
        b"# Caf\xe9\n\nok\n"
    );
    let out = run_in(&["restore"], &root);
    assert_sane_tree(&out, "restore");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = snapshot(&root);
    let changed: Vec<&String> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|f| &f.0)
        .chain(before.iter().filter(|f| !after.contains(f)).map(|f| &f.0))
        .collect();
    assert!(
        changed.is_empty(),
        "restore is not the identity: {changed:?}"
    );
    assert_outside_untouched(&s);
}

#[test]
fn odd_file_names_split_into_safe_names() {
    for name in ["my notes (draft) ü.md", "new\nline.md", "..md", "-dash.md"] {
        let text = "# Phase 1: Odd\n\n## Phase 1.1: A\n\nx\n\n## Phase 1.2: B\n\ny\n";
        let r = survive(name, text.as_bytes(), &["--max-lines", "4"]);
        for f in r["files"].as_array().unwrap() {
            let p = f["path"].as_str().unwrap();
            let base = Path::new(p).file_name().unwrap().to_string_lossy();
            assert!(
                base.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')),
                "{name}: unsafe output name {base:?}"
            );
        }
    }
}
