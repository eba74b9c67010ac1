//! Unit tests of `config`.

use super::*;

#[test]
fn builtin_loads_and_compiles() {
    // Every built-in pattern compiled, as a user file's are at load: the
    // merged configuration's are otherwise compiled on first use.
    let c = pattern::eagerly(|| Config::load(None, None, None)).expect("builtin config");
    assert_eq!(c.budgets.max_lines, 200);
    assert!(!c.headings.subphase.is_empty());
    assert!(!c.environments.is_empty());
}

#[test]
fn unknown_key_names_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "budgets:\n  max_lines: 10\n  bogus: 1\n",
    )
    .unwrap();
    let err = Config::load(Some(dir.path()), None, None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("replan.yaml") && msg.contains("bogus"),
        "{msg}"
    );
    assert!(msg.contains('3'), "line number expected: {msg}");
}

#[test]
fn escaped_bad_pattern_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "headings:\n  subphase:\n    - \"(?P<number>\\\\d+\"\n",
    )
    .unwrap();
    let err = Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("replan.yaml:3:"), "{err}");
}

#[test]
fn user_file_merges_over_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "budgets:\n  max_lines: 10\n",
    )
    .unwrap();
    let c = Config::load(Some(dir.path()), None, None).unwrap();
    assert_eq!(c.budgets.max_lines, 10);
    assert_eq!(c.budgets.max_tokens, 4000);
}

#[test]
fn bad_decision_pattern_fails_the_load_located() {
    // Patterns compile when read: a bad one stops the run at load, located,
    // instead of surfacing later as a note and an empty decision set.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "decisions:\n  not_decisions: ['ok', '(']\n",
    )
    .unwrap();
    let err = Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("replan.yaml:2:") && err.contains("bad pattern"),
        "{err}"
    );
}

#[test]
fn bad_pattern_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "headings:\n  subphase: ['(?P<number>[']\n",
    )
    .unwrap();
    let err = Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("replan.yaml:2:"), "{err}");
}

#[test]
fn a_yaml_error_names_the_file_once_and_its_snippet_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "budgets:\n  max_lines: 10\n  bogus: 1\n",
    )
    .unwrap();
    let msg = Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("replan.yaml:3:3: unknown setting `bogus` under `budgets`"),
        "{msg}"
    );
    assert!(
        !msg.contains("<input>") && !msg.contains("error: line"),
        "{msg}"
    );
}

/// The error `Config::load` gives for a `replan.yaml` holding `yaml`.
fn load_error(yaml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("replan.yaml"), yaml).unwrap();
    Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string()
}

#[test]
fn common_mistakes_are_told_in_the_words_of_the_setting() {
    let cases = [
        (
            "budgets:\n  max_lines: abc\n",
            "replan.yaml:2:14: `max_lines` must be a whole number (0 or more), not `abc`",
        ),
        (
            "budgets:\n  max_lines: -5\n",
            "`max_lines` must be a whole number (0 or more), not `-5`",
        ),
        (
            "budgets:\n  max_tokens:\n",
            "`max_tokens` must be a whole number (0 or more); it is empty",
        ),
        (
            "check:\n  mislabeled:\n    ratio: high\n",
            "`ratio` must be a number, such as 3.0, not `high`",
        ),
        (
            "plan_dirs: .claude/plans\n",
            "replan.yaml:1:12: `plan_dirs` must be a list, such as `plan_dirs: [.claude/plans]`, not `.claude/plans`",
        ),
        (
            "exclude: docs/**\n",
            "`exclude` must be a list, such as `exclude: ['docs/**']`",
        ),
        (
            "budgets:\n  overrides:\n    glob: x\n",
            "`overrides` must be a list: start each entry below it with `- `",
        ),
        (
            "budgets: 200\n",
            "`budgets` must hold `name: value` settings, one per line indented below it, not `200`",
        ),
        (
            "check:\n  severity:\n    link.broken: fatal\n",
            "`fatal` is not a value `link.broken` takes; use one of error, warning, off",
        ),
        (
            "budgets:\n  max_line: 3\n",
            "unknown setting `max_line` under `budgets`; did you mean `max_lines`?",
        ),
        (
            "index_name: [a, b]\n",
            "`index_name` must be a single value (text), not a list or a map",
        ),
    ];
    for (yaml, want) in cases {
        let msg = load_error(yaml);
        assert!(msg.contains(want), "{yaml:?}:\n{msg}");
        for jargon in [
            "invalid u64",
            "sequence start",
            "mapping start",
            "unknown field",
            "variant",
        ] {
            assert!(!msg.contains(jargon), "{yaml:?}: {jargon}:\n{msg}");
        }
    }
}

#[test]
fn a_quoted_number_is_the_number_and_a_number_the_name() {
    // Each file's own check has always taken these; the merged settings now
    // take them too, instead of refusing them unlocated in serde's words.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "budgets:\n  max_lines: \"150\"\nindex_name: 2024\n",
    )
    .unwrap();
    let c = Config::load(Some(dir.path()), None, None).unwrap();
    assert_eq!(c.budgets.max_lines, 150);
    assert_eq!(c.index_name, "2024");
    assert_eq!(c.budgets.max_tokens, 4000);
}

#[test]
fn the_topic_folder_follows_where_the_project_keeps_its_notes() {
    let load = |root: &std::path::Path| Config::load(Some(root), None, None).unwrap();
    let dir = |c: &Config| c.topics.dir_path().to_string_lossy().into_owned();
    // No `.claude/`: beside the documentation.
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("docs/plans")).unwrap();
    assert_eq!(dir(&load(d.path())), "docs/design");
    // Only replan's own archive there (after a migrate): still the same place.
    std::fs::create_dir_all(d.path().join(".claude/archive/original-phases")).unwrap();
    assert_eq!(dir(&load(d.path())), "docs/design");
    // Anything of the user's in `.claude/`: `.claude/architecture`.
    std::fs::write(d.path().join(".claude/settings.json"), "{}").unwrap();
    assert_eq!(dir(&load(d.path())), ".claude/architecture");
    // Set in replan.yaml: that, whatever `.claude/` holds.
    std::fs::write(d.path().join("replan.yaml"), "topics:\n  dir: notes/adr/\n").unwrap();
    assert_eq!(dir(&load(d.path())), "notes/adr");
    // No root known: the built-in default.
    assert_eq!(
        dir(&Config::load(None, None, None).unwrap()),
        ".claude/architecture"
    );
}

#[test]
fn templates_and_retired_plans_are_no_plans_to_restructure() {
    let c = Config::builtin();
    for p in [
        ".claude/plans/PLAN_TEMPLATE.md",
        "docs/plans/plan-template.md",
        ".claude/plans/template.md",
        "docs/plans/templates/feature.md",
        "docs/plans/completed/2024-12-01-x.md",
        // Folders of retired plans as authors on case-blind file systems
        // name them (DigitalMe's docs/plans/ARCHIVED/ was split and indexed).
        "docs/plans/ARCHIVED/DRY_VIOLATIONS.md",
        "docs/plans/Archive/2024/q3.md",
        ".claude/plans/Completed/auth.md",
        "docs/plans/DONE/x.md",
        // A GSD workstream's shipped milestones, like the project's.
        ".planning/workstreams/milestone/milestones/v1.0-ROADMAP.md",
    ] {
        assert!(c.plan_exclude.is_match(p), "{p}");
        assert!(c.exclude.is_match(p), "{p}");
    }
    // A plan about templates is a plan, and so is a part of a subphase titled
    // "Email template".
    for p in [
        "docs/plans/email-templates-plan.md",
        ".claude/plans/template-engine-migration.md",
        "docs/plans/2025-06-01-invoice-template.md",
        ".claude/plans/step-2.2-email-template.md",
        "docs/plans/ARCHIVING.md",
    ] {
        assert!(!c.plan_exclude.is_match(p), "{p}");
        assert!(!c.exclude.is_match(p), "{p}");
    }
}

#[test]
fn records_of_what_happened_are_told_from_plans() {
    let c = Config::builtin();
    for r in [
        "CHANGELOG.md",
        "docs/Changes.md",
        ".claude/logs/task-log.md",
        ".claude/reports/2026-04-04-plan-audit.md",
        "docs/plans/completed/old.md",
        "docs/plans/templates/plan.md",
    ] {
        assert!(c.records_history(Path::new(r)), "{r}");
    }
    for p in [
        "AGENTS.md",
        ".claude/plans/logs-rotation.md",
        "docs/plans/reporting-plan.md",
        ".claude/status/progress.md",
    ] {
        assert!(!c.records_history(Path::new(p)), "{p}");
    }
}
