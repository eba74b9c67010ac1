//! `replan check` end to end: the sample tree reports exactly its planted defects
//! (pinned as an insta snapshot), the user's real tree reports the mislabeled 4.7,
//! the missing 4.8-4.10 and the open fence at 6243, the whole corpus never crashes
//! and always prints valid JSON, and exit codes follow 0/1/2.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{copy_tree, corpus, real_notes, replan, repo};

/// Run check and return (exit code, parsed JSON, stderr).
fn check_json(args: &[&str], dir: &Path) -> (i32, Value, String) {
    let out = replan()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}) for {args:?}: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        code,
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

fn key(f: &Value) -> (String, String, u64) {
    (
        f["rule"].as_str().unwrap_or_default().to_string(),
        f["path"].as_str().unwrap_or_default().to_string(),
        f["line"].as_u64().unwrap_or_default(),
    )
}

const NOTES: &str = ".claude/plans/devtest-deployment/phase-4-working-notes.md";

#[test]
fn samples_report_exactly_the_planted_defects() {
    let (code, json, stderr) = check_json(&["samples/pcc"], &repo());
    assert_eq!(code, 1, "errors expected: {stderr}");
    assert_eq!(json["version"], 1);
    assert_eq!(json["encoding"], "o200k_base");
    let got: BTreeSet<(String, String, u64)> = findings(&json).iter().map(key).collect();
    let d = ".claude/plans/devtest-deployment";
    let brief = ".claude/status/brief.md";
    let progress = ".claude/status/current-progress.md";
    let want: BTreeSet<(String, String, u64)> = [
        ("budget.lines", format!("{d}/phase-2.5.md"), 1),
        ("budget.lines", format!("{d}/phase-2.6.md"), 1),
        ("budget.lines", format!("{d}/phase-2.7.md"), 1),
        ("budget.lines", NOTES.to_string(), 1),
        ("budget.tokens", NOTES.to_string(), 1),
        // The TOC entries for 4.8, 4.9, 4.10.
        ("link.broken", NOTES.to_string(), 43),
        ("link.broken", NOTES.to_string(), 47),
        ("link.broken", NOTES.to_string(), 48),
        // ```markdown at 1292 closed by the inner ``` at 1303.
        ("fence.suspicious", NOTES.to_string(), 1292),
        // "Apply the manifests below and wait for sync" / ---.
        ("heading.setext-ambiguous", NOTES.to_string(), 2376),
        ("phase.mislabeled", NOTES.to_string(), 2600),
        ("phase.missing", NOTES.to_string(), 3082),
        (
            "task.size",
            format!("{d}/tasks/phase-2.5-task-create-secrets.md"),
            4,
        ),
        (
            "content.forbidden-terms",
            format!("{d}/tasks/phase-2.6-task-iam.md"),
            23,
        ),
        ("status.unbacked-claim", brief.to_string(), 11),
        ("status.unbacked-claim", brief.to_string(), 12),
        ("status.unbacked-claim", brief.to_string(), 13),
        ("status.unbacked-claim", brief.to_string(), 22),
        ("status.unbacked-claim", brief.to_string(), 24),
        ("link.broken", brief.to_string(), 28),
        ("status.unbacked-claim", brief.to_string(), 38),
        ("status.unbacked-claim", progress.to_string(), 13),
        ("status.unbacked-claim", progress.to_string(), 14),
        ("status.unbacked-claim", progress.to_string(), 15),
        // "Phase 2/4: ✅ 100% complete" while their subphases have open boxes.
        ("status.disagree", brief.to_string(), 11),
        ("status.disagree", brief.to_string(), 13),
        ("status.disagree", progress.to_string(), 13),
        ("status.disagree", progress.to_string(), 15),
    ]
    .into_iter()
    .map(|(r, p, l)| (r.to_string(), p, l))
    .collect();
    assert_eq!(got, want);
    let mis = findings(&json)
        .iter()
        .find(|f| f["rule"] == "phase.mislabeled")
        .expect("mislabeled");
    assert_eq!(mis["subphase"], "4.7");
    let missing = findings(&json)
        .iter()
        .find(|f| f["rule"] == "phase.missing")
        .expect("missing");
    assert_eq!(missing["subphase"], "4.8");
    insta::assert_json_snapshot!("check_samples_pcc", json);
}

#[test]
fn samples_text_output_is_grouped_with_summary_on_stderr() {
    let out = replan()
        .current_dir(repo())
        .args(["check", "samples/pcc"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "{NOTES}:2600:1: error phase.mislabeled: subphase 4.7 looks mislabeled"
        )),
        "{text}"
    );
    assert!(
        text.contains("\n    names itself: line 3065: ##### Phase 4.10 Complete\n"),
        "{text}"
    );
    // Grouped: each file's findings are contiguous.
    let paths: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .filter_map(|l| l.split(':').next())
        .collect();
    let mut seen = BTreeSet::new();
    for w in paths.windows(2) {
        if w[0] != w[1] {
            assert!(seen.insert(w[0]), "{} appears in two groups", w[0]);
        }
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("check: 20 errors, 8 warnings"), "{err}");
    assert!(
        !text.contains("check: 20 errors"),
        "summary must not be on stdout"
    );
}

#[test]
fn samples_sarif_is_2_1_0() {
    let out = replan()
        .current_dir(repo())
        .args(["check", "samples/pcc", "--format", "sarif"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("valid SARIF JSON");
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 28);
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .is_some_and(|l| l >= 1)
    ));
}

#[test]
fn a_single_file_finds_its_root() {
    // The root (holding replan.yaml and .claude/) is found from a file's path,
    // so paths stay root-relative and repo_roots apply.
    let (code, json, _) = check_json(&["samples/pcc/.claude/status/brief.md"], &repo());
    assert_eq!(code, 1);
    let got: Vec<(String, String, u64)> = findings(&json).iter().map(key).collect();
    assert!(
        got.contains(&("link.broken".into(), ".claude/status/brief.md".into(), 28)),
        "{got:?}"
    );
    assert_eq!(json["files"].as_array().map(Vec::len), Some(1));
}

#[test]
fn clean_tree_exits_zero_and_warnings_do_not_fail() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("ok.md"), "# Ok\n\n## Phase 1.1: A\n\ntext\n").unwrap();
    let (code, json, _) = check_json(&["."], d.path());
    assert_eq!(code, 0);
    assert!(findings(&json).is_empty());
    std::fs::write(d.path().join("warn.md"), "# W\n\nText above a rule\n---\n").unwrap();
    let (code, json, _) = check_json(&["."], d.path());
    assert_eq!(code, 0, "warnings alone exit 0");
    assert_eq!(findings(&json).len(), 1);
    assert_eq!(findings(&json)[0]["severity"], "warning");
}

/// GSD's `complete-milestone` files the shipped roadmap and requirements under
/// `.planning/milestones/`: history, which differs from today's PROJECT.md by
/// design (a decision's outcome "Pending" then, "Good" now) and which no run
/// of replan changes, so `check .` does not report it (mbfcext: 4 warnings).
#[test]
fn gsd_milestone_history_is_not_reported_unless_named() {
    let d = tempfile::tempdir().unwrap();
    let old = d.path().join(".planning/milestones/v1.0-ROADMAP.md");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(
        &old,
        "# Roadmap v1.0\n\n".to_string() + &"- shipped\n".repeat(400),
    )
    .unwrap();
    std::fs::write(
        d.path().join(".planning/ROADMAP.md"),
        "# Roadmap\n\n- next\n",
    )
    .unwrap();
    let (code, json, _) = check_json(&["."], d.path());
    assert_eq!((code, findings(&json).len()), (0, 0), "{json}");
    let (code, json, _) = check_json(&[".planning/milestones/v1.0-ROADMAP.md"], d.path());
    assert_eq!(code, 1, "a file named is always checked");
    assert_eq!(findings(&json)[0]["rule"], "budget.lines");
}

#[test]
fn claude_code_configuration_is_not_reported_unless_named() {
    let d = tempfile::tempdir().unwrap();
    let skill = d.path().join(".claude/skills/deploy/SKILL.md");
    std::fs::create_dir_all(skill.parent().unwrap()).unwrap();
    std::fs::write(&skill, "# Skill\n\n".to_string() + &"- step\n".repeat(400)).unwrap();
    // GSD installs its workflows in .claude/get-shit-done/: prompts too.
    let gsd = d
        .path()
        .join(".claude/get-shit-done/workflows/execute-plan.md");
    std::fs::create_dir_all(gsd.parent().unwrap()).unwrap();
    std::fs::write(&gsd, "# Execute\n\n".to_string() + &"- step\n".repeat(400)).unwrap();
    let plan = d.path().join(".claude/plans/a.md");
    std::fs::create_dir_all(plan.parent().unwrap()).unwrap();
    std::fs::write(&plan, "# A\n\n## Phase 1.1: A\n\ntext\n").unwrap();
    let (code, json, _) = check_json(&["."], d.path());
    assert_eq!((code, findings(&json).len()), (0, 0), "{json}");
    let (code, json, _) = check_json(&[".claude/skills/deploy/SKILL.md"], d.path());
    assert_eq!(code, 1, "a file named is always checked");
    assert_eq!(findings(&json)[0]["rule"], "budget.lines");
}

#[test]
fn severity_is_configurable_per_rule_and_glob() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.md"), "# A\n\n[x](missing.md)\n").unwrap();
    std::fs::create_dir_all(d.path().join("notes")).unwrap();
    std::fs::write(d.path().join("notes/b.md"), "# B\n\n[x](missing.md)\n").unwrap();
    std::fs::write(
        d.path().join("replan.yaml"),
        "check:\n  overrides:\n    - glob: 'notes/**'\n      severity: { link.broken: off }\n    - glob: 'a.md'\n      severity: { link.broken: warning }\n",
    )
    .unwrap();
    let (code, json, _) = check_json(&["."], d.path());
    assert_eq!(code, 0);
    let f = findings(&json);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0]["path"].as_str(), f[0]["severity"].as_str()),
        (Some("a.md"), Some("warning"))
    );
}

#[test]
fn usage_config_and_io_failures_exit_two() {
    let d = tempfile::tempdir().unwrap();
    let out = replan()
        .current_dir(d.path())
        .args(["check", "no-such-dir"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(d.path().join("a.md"), "# A\n").unwrap();
    std::fs::write(
        d.path().join("replan.yaml"),
        "check:\n  severity:\n    link.brokn: error\n",
    )
    .unwrap();
    let out = replan()
        .current_dir(d.path())
        .args(["check", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("replan.yaml:3:") && err.contains("link.brokn"),
        "{err}"
    );
    std::fs::write(
        d.path().join("replan.yaml"),
        "check:\n  mislabeled:\n    margn: 3\n",
    )
    .unwrap();
    let out = replan()
        .current_dir(d.path())
        .args(["check", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("replan.yaml") && err.contains("margn"),
        "{err}"
    );
}

#[test]
fn inline_suppression_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.md"),
        "# A\n\n<!-- replan-disable-next-line link.broken -->\n[x](missing.md)\n\n<!-- replan-disable-next-line link.broken -->\nfine\n",
    )
    .unwrap();
    let (code, json, _) = check_json(&["."], d.path());
    assert_eq!(code, 0);
    let got: Vec<(String, String, u64)> = findings(&json).iter().map(key).collect();
    assert_eq!(got, vec![("suppression.unused".into(), "a.md".into(), 6)]);
}

/// The user's real tree, with the archived 297 KB notes put back where they were.
fn real_tree() -> Option<tempfile::TempDir> {
    let c = corpus()?;
    let dir = copy_tree(&c.join("plans/RLGeeX__pcc-ai-memory"));
    let notes = real_notes()?;
    std::fs::copy(&notes, dir.path().join(NOTES)).expect("put the notes back");
    Some(dir)
}

#[test]
fn real_tree_mislabeled_missing_and_open_fence() {
    let Some(dir) = real_tree() else { return };
    let (code, json, _) = check_json(&["."], dir.path());
    assert_eq!(code, 1);
    let f = findings(&json);
    let mislabeled: Vec<&Value> = f
        .iter()
        .filter(|x| x["rule"] == "phase.mislabeled")
        .collect();
    assert_eq!(
        mislabeled.len(),
        1,
        "only 4.7 may be mislabeled: {mislabeled:#?}"
    );
    let m = mislabeled[0];
    assert_eq!(
        (m["path"].as_str(), m["subphase"].as_str()),
        (Some(NOTES), Some("4.7"))
    );
    let msg = m["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("heading says nonprod but the body is about prod"),
        "{msg}"
    );
    let ev: Vec<&str> = m["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        ev.iter()
            .any(|e| e.starts_with("prod: line ") && e.contains("devops-prod")),
        "{ev:?}"
    );
    assert!(
        ev.iter().any(|e| e.contains("Phase 4.10 Deliverables")),
        "{ev:?}"
    );

    let missing: Vec<&Value> = f
        .iter()
        .filter(|x| x["rule"] == "phase.missing" && x["path"] == NOTES)
        .collect();
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert_eq!(missing[0]["subphase"], "4.8");
    assert!(missing[0]["message"].as_str().unwrap().contains("4.8-4.10"));

    let fence = f
        .iter()
        .find(|x| x["rule"] == "fence.unclosed" && x["path"] == NOTES)
        .expect("open fence reported");
    // Reported at its cause, the second mis-nested "create file" block,
    // whose intended closer at 6243 is the fence left open.
    assert_eq!(fence["line"], 6171);
    let msg = fence["message"].as_str().unwrap();
    assert!(
        msg.contains("outer closer at line 6243 opens a block that is never closed"),
        "{msg}"
    );
    // One finding per mis-nesting: 6113 and 6171, nothing at 6165 or 6243.
    let lines: Vec<u64> = f
        .iter()
        .filter(|x| x["rule"].as_str().unwrap_or("").starts_with("fence.") && x["path"] == NOTES)
        .filter_map(|x| x["line"].as_u64())
        .collect();
    assert_eq!(lines, vec![6113, 6171], "{f:#?}");
    let ev: Vec<&str> = fence["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for h in ["## Key Architecture Decisions", "## Next Steps"] {
        assert!(ev.iter().any(|e| e.ends_with(h)), "{h} not named: {ev:?}");
    }
}

#[test]
fn whole_corpus_never_crashes_and_prints_valid_json() {
    let Some(c) = corpus() else { return };
    let (code, json, stderr) = check_json(&[".", "--include-archive"], &c);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    assert!(json["files"].as_array().is_some_and(|f| f.len() >= 40));
    // Every file on its own too (including the .txt specs, given explicitly).
    let mut stack = vec![c.clone()];
    let mut n = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md" || x == "txt") {
                let arg = p.to_string_lossy().into_owned();
                let (code, json, stderr) = check_json(&[&arg, "--include-archive"], &c);
                assert!(code == 0 || code == 1, "{arg}: exit {code}: {stderr}");
                assert_eq!(json["version"], 1, "{arg}");
                n += 1;
            }
        }
    }
    assert!(n >= 45, "{n} files");
}

/// The configured archive folder is skipped like `.claude/archive/`, unless asked for.
#[test]
fn configured_archive_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("replan.yaml"), "archive:\n  dir: docs/retired/\n")
        .expect("write config");
    std::fs::create_dir_all(root.join("docs/retired")).expect("mkdir");
    let long: String = (1..=250).map(|i| format!("line {i}\n")).collect();
    std::fs::write(root.join("docs/retired/old.md"), format!("# Old\n\n{long}")).expect("write");
    std::fs::write(root.join("docs/live.md"), "# Live\n\nfine\n").expect("write");
    let (code, json, stderr) = check_json(&["."], root);
    assert_eq!(code, 0, "{stderr}");
    let paths: Vec<&str> = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, ["docs/live.md"], "{json}");
    let (code, json, _) = check_json(&[".", "--include-archive"], root);
    assert_eq!(code, 1);
    assert!(findings(&json)
        .iter()
        .any(|f| f["path"] == "docs/retired/old.md" && f["rule"] == "budget.lines"));
}

#[test]
fn github_annotations_and_statistics() {
    let out = replan()
        .args(["check", "--format", "github", "--statistics", "samples/pcc"])
        .current_dir(repo())
        .assert()
        .code(1);
    let o = out.get_output();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(
            (l.starts_with("::error file=") || l.starts_with("::warning file="))
                && l.contains(",line=")
                && l.contains(",title="),
            "{l}"
        );
        assert!(!l[2..].contains('\n'));
    }
    assert!(
        stdout.contains("file=.claude/status/brief.md,line=28,"),
        "{stdout}"
    );
    // Statistics: one row per rule, counts adding up to the annotations.
    let stderr = String::from_utf8_lossy(&o.stderr);
    let total: usize = stderr
        .lines()
        .filter(|l| l.contains(" error, "))
        .map(|l| {
            l.split_whitespace()
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, lines.len(), "{stderr}");
    assert!(stderr.contains("phase.mislabeled"), "{stderr}");
}

#[test]
fn sarif_is_for_check_only() {
    for cmd in ["split", "migrate", "consolidate"] {
        replan()
            .args([cmd, "--format", "sarif", "samples/pcc"])
            .current_dir(repo())
            .assert()
            .code(2);
    }
}

/// Run replan in `dir`; return (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = replan().current_dir(dir).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_of_check_and_migrate_alike() {
    let d = tempfile::tempdir().unwrap();
    let plans = d.path().join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("a.md"), "# A\n\nSee [b](b.md).\n").unwrap();
    // b.md holds two subphases: migrate splits it and moves it away.
    let b = "# B\n\n## Phase 1.1: One\n\nx\n\n## Phase 1.2: Two\n\ny\n";
    std::fs::write(plans.join("b.md"), b).unwrap();
    // The unreadable file links to it: its link would break unseen.
    std::fs::write(plans.join("bad.md"), b"# Caf\xe9\n\nSee [b](b.md).\n").unwrap();
    let line = "error: .claude/plans/x/bad.md:1: not valid UTF-8 (first bad byte at offset 5)";
    let before = crate::common::snapshot(d.path());

    // The same exit code and the same line on stderr, from every command.
    for args in [
        &["check"][..],
        &["migrate"],
        &["migrate", "--dry-run"],
        &["consolidate", "--check"],
    ] {
        let (code, _, err) = run_in(d.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.lines().any(|l| l.starts_with(line)), "{args:?}: {err}");
        if args[0] != "check" {
            assert!(
                err.contains("it links to .claude/plans/x/b.md, which this plan moves"),
                "{err}"
            );
        }
    }
    assert_eq!(
        crate::common::snapshot(d.path()),
        before,
        "something was written"
    );

    // Machines get it too, in the same shape.
    let want = serde_json::json!({
        "path": ".claude/plans/x/bad.md", "line": 1, "kind": "unreadable",
        "message": "not valid UTF-8 (first bad byte at offset 5)"});
    let (code, v, _) = check_json(&[], d.path());
    assert_eq!(code, 2);
    assert_eq!(v["errors"], serde_json::json!([want]));
    let (code, out, _) = run_in(d.path(), &["migrate", "--dry-run", "--format", "json"]);
    assert_eq!(code, 2);
    let m: Value = serde_json::from_str(&out).expect("JSON");
    let diag = &m["diagnostics"][0];
    assert_eq!(diag["severity"], "error");
    assert_eq!(diag["kind"], "unreadable");
    assert_eq!(diag["path"], ".claude/plans/x/bad.md");
    let (_, sarif, _) = run_in(d.path(), &["check", "--format", "sarif"]);
    let s: Value = serde_json::from_str(&sarif).expect("SARIF");
    let n = &s["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".claude/plans/x/bad.md"
    );

    // Narrowed to another file, check does not fail on it.
    let (code, _, err) = run_in(d.path(), &["check", ".claude/plans/x/a.md"]);
    assert_eq!(code, 0, "{err}");

    // An unreadable file that links to nothing the plan moves does not stop a
    // migrate: it is left as it is, and said.
    std::fs::write(plans.join("bad.md"), b"# Caf\xe9\n\nSee [a](a.md).\n").unwrap();
    let (code, _, err) = run_in(d.path(), &["migrate"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("bad.md:1: not valid UTF-8") && err.contains("left as it is"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(plans.join("bad.md")).unwrap(),
        b"# Caf\xe9\n\nSee [a](a.md).\n"
    );
    assert!(!plans.join("b.md").exists(), "b.md was split and archived");
}

#[test]
fn config_mistakes_are_located_and_worded_for_people() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join(".claude")).unwrap();
    let cases = [
        (
            "budgets:\n  max_lines: lots\n",
            "error: ./replan.yaml:2:14: `max_lines` must be a whole number (0 or more), not `lots`",
        ),
        (
            "check:\n  severity:\n    link.brokn: warning\n",
            "error: ./replan.yaml:3:5: unknown rule id `link.brokn`; did you mean `link.broken`?",
        ),
    ];
    for (yaml, want) in cases {
        std::fs::write(d.path().join("replan.yaml"), yaml).unwrap();
        let (code, out, err) = run_in(d.path(), &["check"]);
        assert_eq!(code, 2, "{yaml}");
        assert!(out.is_empty(), "{out}");
        assert!(err.starts_with(want), "{yaml}:\n{err}");
    }
    // An inline comment naming a rule that is not one gets the same hint.
    std::fs::remove_file(d.path().join("replan.yaml")).unwrap();
    std::fs::write(
        d.path().join(".claude/a.md"),
        "# A\n\n<!-- replan-disable-next-line link.brokn -->\ntext\n",
    )
    .unwrap();
    let (code, out, _) = run_in(d.path(), &["check"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            ".claude/a.md:3:1: warning suppression.unused: `replan-disable-next-line` names an unknown rule `link.brokn`; did you mean `link.broken`?"
        ),
        "{out}"
    );
}

/// Retired plans (a `completed/` or `archive/` folder: migrate leaves them
/// as they are) are not reported by a check of the whole project, which would
/// otherwise nag about what no run will change; named, one is checked.
#[test]
fn retired_plans_are_checked_only_when_named() {
    let d = tempfile::tempdir().unwrap();
    let long = "Line.\n".repeat(250);
    for rel in [
        "docs/plans/completed/old.md",
        "docs/plans/archive/older.md",
        "docs/plans/live.md",
    ] {
        let p = d.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, format!("# Plan\n\n{long}")).unwrap();
    }
    let out = replan()
        .current_dir(d.path())
        .args(["check", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("docs/plans/live.md:1:1: error budget.lines"),
        "{text}"
    );
    assert!(
        !text.contains("completed/") && !text.contains("archive/"),
        "{text}"
    );
    let out = replan()
        .current_dir(d.path())
        .args(["check", "docs/plans/completed/old.md"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("old.md:1:1: error budget.lines"), "{text}");
}

/// A symlinked Markdown file is named only where `check` reports on files: in
/// a planning folder, not among a project's command links in
/// `.claude/commands/` (13 of them were a warning each on every run), and once
/// however the project is asked for.
#[cfg(unix)]
#[test]
fn a_skipped_link_is_named_only_in_the_planning_folders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in [".claude/plans/a", ".claude/commands", "shared"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(root.join("shared/cmd.md"), "# Cmd\n").unwrap();
    std::fs::write(root.join(".claude/plans/a/plan.md"), "# Plan\n").unwrap();
    std::os::unix::fs::symlink("../../shared/cmd.md", root.join(".claude/commands/cmd.md"))
        .unwrap();
    std::os::unix::fs::symlink(
        "../../../shared/cmd.md",
        root.join(".claude/plans/a/linked.md"),
    )
    .unwrap();
    for args in [
        vec!["check"],
        vec!["check", ".claude/plans/a"],
        vec!["migrate", "--dry-run"],
    ] {
        let out = replan()
            .current_dir(root)
            .args(&args)
            .args(["--color", "never"])
            .assert()
            .success();
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_eq!(
            err.matches(".claude/plans/a/linked.md: symlink not followed")
                .count(),
            1,
            "{args:?}: {err}"
        );
        assert!(!err.contains("commands/cmd.md"), "{args:?}: {err}");
    }
}
