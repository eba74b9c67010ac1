//! Unit tests of `config`.

use super::*;

#[test]
fn builtin_loads_and_compiles() {
    let c = Config::load(None, None, None).expect("builtin config");
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
        msg.contains("replan.yaml:3:3: unknown field `bogus`"),
        "{msg}"
    );
    assert!(
        !msg.contains("<input>") && !msg.contains("error: line"),
        "{msg}"
    );
}
