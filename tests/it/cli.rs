//! The commands around the others: shell completions, the man page, rule docs and
//! the examples and exit codes in every `--help`.

use std::process::Output;

use crate::common::replan;

/// Run replan with `args`; return (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = replan().args(args).output().expect("runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Whether a `bash` can be run here.
fn have_bash() -> bool {
    std::process::Command::new("bash")
        .args(["-c", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn every_shell_gets_a_completion_script_naming_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(!out.trim().is_empty(), "{shell}: empty script");
        for sub in ["split", "check", "migrate", "restore", "consolidate"] {
            assert!(out.contains(sub), "{shell}: no `{sub}` in the script");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let (code, out, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("bash"),
        "the possible values are listed: {err}"
    );
}

#[test]
fn the_bash_script_parses_and_registers_a_completion_for_replan() {
    if !have_bash() {
        eprintln!("skipping: no bash");
        return;
    }
    let (code, out, err) = run(&["completions", "bash"]);
    assert_eq!(code, 0, "{err}");
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("replan.bash");
    std::fs::write(&script, &out).expect("write script");
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        syntax.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    // Sourcing it must register a completion function for `replan`.
    let registered = std::process::Command::new("bash")
        .arg("-c")
        .arg("source \"$1\" && complete -p replan")
        .arg("bash")
        .arg(&script)
        .output()
        .expect("bash runs");
    let said = String::from_utf8_lossy(&registered.stdout);
    assert!(
        registered.status.success() && said.contains("replan"),
        "complete -p replan: {said}{}",
        String::from_utf8_lossy(&registered.stderr)
    );
}

/// The subcommands as the parser knows them (clap's own `help` left out).
fn subcommands() -> Vec<clap::Command> {
    use clap::CommandFactory;
    replan::cli::Cli::command()
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .cloned()
        .collect()
}

#[test]
fn the_man_page_is_roff_with_a_section_and_the_options_of_every_subcommand() {
    let (code, page, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    // clap_mangen starts with string definitions, then the title macro.
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .expect("a line");
    assert!(first.starts_with(".TH replan 1"), "first line: {first}");
    for heading in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH COMMANDS"] {
        assert!(page.lines().any(|l| l == heading), "no {heading}");
    }
    let subs = subcommands();
    assert!(subs.len() >= 7, "{} subcommands", subs.len());
    for sub in subs {
        let name = sub.get_name();
        let heading = format!(".SS \"replan {name}\"");
        assert!(page.contains(&heading), "no section for `{name}`");
        for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
            if let Some(long) = arg.get_long() {
                let flag = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&flag), "`{name} --{long}` is not on the page");
            }
        }
    }
}

#[test]
fn rule_prints_the_id_severity_doc_and_settings_of_one_rule() {
    let r = replan::analysis::rule("phase.mislabeled").expect("in the registry");
    let (code, out, err) = run(&["rule", "phase.mislabeled"]);
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap_or_default();
    assert_eq!(first, "phase.mislabeled (default severity: error)");
    assert!(out.contains(r.doc), "no one-line doc in:\n{out}");
    assert!(out.contains("rules/README.md#mislabeled"), "{out}");
    for s in r.settings {
        assert!(out.contains(s), "setting {s} not shown in:\n{out}");
    }
    assert!(out.contains("Example:"), "{out}");
}

#[test]
fn rule_all_and_rule_alone_list_every_registered_rule() {
    let (code, all, err) = run(&["rule", "--all"]);
    assert_eq!(code, 0, "{err}");
    let (code, alone, err) = run(&["rule"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(all, alone);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), replan::analysis::RULES.len(), "{all}");
    for (line, r) in lines.iter().zip(replan::analysis::RULES) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[..2], [r.id, r.default.as_str()], "{line}");
        assert!(line.ends_with(r.doc), "{line}");
    }
}

#[test]
fn rule_json_holds_every_rule_in_registry_order() {
    let (code, out, err) = run(&["rule", "--all", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["version"], 1);
    let ids: Vec<&str> = v["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let want: Vec<&str> = replan::analysis::rule_ids().collect();
    assert_eq!(ids, want);
    let (code, out, _) = run(&["rule", "task.size", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["rules"][0]["severity"], "warning");
    assert_eq!(v["rules"][0]["docs"], "rules/README.md#task_size");
}

#[test]
fn an_unknown_rule_exits_2_with_a_suggestion() {
    let (code, out, err) = run(&["rule", "phase.mislabled"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("unknown rule `phase.mislabled`; did you mean `phase.mislabeled`?"),
        "{err}"
    );
    let (code, _, err) = run(&["rule", "nothing.like.it"]);
    assert_eq!(code, 2);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn every_rule_points_at_a_real_section_and_documented_settings() {
    let path = crate::common::repo().join("rules/README.md");
    let text = std::fs::read_to_string(&path).expect("rules/README.md");
    let doc = replan::model::Document::from_text("rules/README.md", &text);
    let anchors: Vec<String> = doc
        .headings
        .iter()
        .map(|h| replan::model::slug::github_anchor(h.text()))
        .collect();
    assert!(anchors.iter().any(|a| a == "severities"), "{anchors:?}");
    for r in replan::analysis::RULES {
        assert!(
            anchors.iter().any(|a| a == r.section),
            "{}: no section #{} in rules/README.md (anchors: {anchors:?})",
            r.id,
            r.section
        );
        for s in r.settings {
            let key = s.rsplit('.').next().unwrap_or(s);
            assert!(
                text.contains(&format!("`{key}`")),
                "{}: setting {s} is not documented in rules/README.md",
                r.id
            );
        }
    }
}

#[test]
fn every_subcommand_help_has_two_examples_that_parse_and_its_exit_codes() {
    use clap::Parser;
    for sub in subcommands() {
        let name = sub.get_name();
        let (code, out, err) = run(&[name, "--help"]);
        assert_eq!(code, 0, "{name}: {err}");
        let examples: Vec<&str> = out
            .split_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{name} --help has no examples:\n{out}"))
            .1
            .lines()
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.strip_prefix("  replan "))
            .collect();
        assert_eq!(examples.len(), 2, "{name}: {examples:?}");
        for ex in examples {
            assert!(
                ex.starts_with(name),
                "{name}: example of another command: {ex}"
            );
            // The words before a redirection or a pipe must be a valid command line.
            let words = ex
                .split_whitespace()
                .take_while(|w| !matches!(*w, ">" | "|"));
            let argv = std::iter::once("replan").chain(words);
            if let Err(e) = replan::cli::Cli::try_parse_from(argv) {
                panic!("{name}: example `replan {ex}` does not parse: {e}");
            }
        }
        let codes = out
            .split_once("\nExit codes:\n")
            .unwrap_or_else(|| panic!("{name} --help has no exit codes:\n{out}"))
            .1;
        assert!(codes.starts_with("  0  "), "{name}: {codes}");
        assert!(codes.contains("\n  2  "), "{name}: {codes}");
    }
}

#[test]
fn the_top_level_help_and_the_man_page_give_the_shared_exit_codes() {
    let (code, out, err) = run(&["--help"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(replan::cli::EXIT_CODES), "{out}");
    let (_, page, _) = run(&["man"]);
    assert!(
        page.contains(".SH \"EXIT STATUS\""),
        "no EXIT STATUS section"
    );
    assert!(page.contains("usage, configuration or I/O failure"));
}

/// Run replan in `dir` with `args`; return (exit code, stdout, stderr).
fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = replan().current_dir(dir).args(args).output().expect("runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// A tree with one plan too long for the budget, in a fresh folder.
fn monolith_tree() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let plans = d.path().join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    let mut text = String::from("# Notes\n\n");
    for i in 1..=3 {
        text.push_str(&format!("## Phase 9.{i}: Step {i}\n\n"));
        for j in 0..90 {
            text.push_str(&format!("Line {j} of step {i}.\n"));
        }
        text.push('\n');
    }
    std::fs::write(plans.join("notes.md"), text).unwrap();
    d
}

#[test]
fn quiet_check_prints_the_findings_and_no_summary() {
    let root = crate::common::repo();
    let (code, out, err) = run_in(&root, &["check", "samples/pcc"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("check: "),
        "the summary is there without -q: {err}"
    );
    let (qcode, qout, qerr) = run_in(&root, &["check", "-q", "samples/pcc"]);
    assert_eq!(qcode, 1);
    assert_eq!(qout, out, "-q keeps every finding");
    assert_eq!(qerr, "", "-q prints no summary");
    // Asked for by name, the statistics stay.
    let (_, _, err) = run_in(&root, &["check", "--quiet", "--statistics", "samples/pcc"]);
    assert!(err.contains("link.broken"), "{err}");
    assert!(!err.contains("check: "), "{err}");
}

#[test]
fn quiet_migrate_and_consolidate_say_nothing_when_all_goes_well() {
    let d = monolith_tree();
    let (code, out, err) = run_in(d.path(), &["migrate", "-q"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    // It did its work: the monolith went to the archive.
    let archived = ".claude/archive/original-phases/x/notes.md";
    assert!(d.path().join(archived).exists());
    let (code, out, err) = run_in(d.path(), &["consolidate", "--check", "-q"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    // Without -q, the same runs say what they did.
    let (_, _, err) = run_in(d.path(), &["consolidate", "--check"]);
    assert!(err.contains("nothing to do"), "{err}");
    let (code, _, err) = run_in(d.path(), &["restore", "-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, out, err) = run_in(d.path(), &["migrate", "--dry-run", "-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with("diff --git"),
        "the diff asked for is shown: {out}"
    );
}

#[test]
fn quiet_split_writes_silently_but_a_dry_run_shows_its_table() {
    let d = monolith_tree();
    let notes = ".claude/plans/x/notes.md";
    let (code, out, err) = run_in(d.path(), &["split", "-q", "--dry-run", notes]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.starts_with("file "), "{out}");
    let (code, out, err) = run_in(d.path(), &["split", "-q", notes]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert!(d
        .path()
        .join(".claude/plans/x/phase-9.3-step-3.md")
        .exists());
}

#[test]
fn verbose_names_the_root_the_configuration_and_what_was_read() {
    let d = monolith_tree();
    std::fs::write(d.path().join("replan.yaml"), "budgets:\n  max_lines: 500\n").unwrap();
    let sub = d.path().join(".claude/plans/x");
    let (code, _, err) = run_in(&sub, &["check", "-v"]);
    assert_eq!(code, 0, "{err}");
    let root = std::fs::canonicalize(d.path()).unwrap();
    let want = format!("info: root: {} (holds replan.yaml)", root.display());
    assert!(err.lines().any(|l| l == want), "{err}");
    assert!(
        err.lines().any(|l| l.starts_with("info: config: ")
            && l.ends_with("replan.yaml over the built-in rules")),
        "{err}"
    );
    assert!(
        err.contains("info: read 1 of the project's Markdown files, reporting on 1;"),
        "{err}"
    );
    let (_, _, err) = run_in(d.path(), &["migrate", "--dry-run", "--verbose"]);
    assert!(
        err.contains("info: read 1 Markdown files, planned "),
        "{err}"
    );
    // Without -v, none of it.
    let (_, _, err) = run_in(&sub, &["check"]);
    assert!(!err.contains("info:"), "{err}");
}

#[test]
fn quiet_and_verbose_are_on_every_command_and_exclude_each_other() {
    for sub in subcommands() {
        let name = sub.get_name();
        let (code, out, err) = run(&[name, "--help"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains("-q, --quiet"), "{name} --help: {out}");
        assert!(out.contains("-v, --verbose"), "{name} --help: {out}");
    }
    let (code, _, err) = run(&["check", "-q", "-v"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn color_always_colours_findings_on_a_pipe() {
    let root = crate::common::repo();
    let check = |color: &str| {
        let out = replan()
            .current_dir(&root)
            .args(["check", "--color", color, "samples/pcc"])
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).contains("\u{1b}[")
    };
    assert!(check("always"), "--color always: no escape codes on a pipe");
    assert!(!check("never"));
    assert!(!check("auto"), "a pipe is no terminal");
}

#[test]
fn json_is_printed_even_when_there_is_nothing_to_do() {
    // A script reading `--format json` gets an object from every run, not an
    // empty stdout when the tree needs no change.
    let d = monolith_tree();
    let (code, _, _) = run_in(d.path(), &["migrate"]);
    assert_eq!(code, 0);
    let (code, out, _) = run_in(d.path(), &["consolidate", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(v["command"], "consolidate");
    assert_eq!(v["applied"], false);
    assert_eq!(v["summary"]["created"], 0);
}
