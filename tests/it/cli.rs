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
        .map(|h| replan::model::slug::github_anchor(&h.text))
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
