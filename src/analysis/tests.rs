//! Unit tests of `analysis`.

use super::*;

#[test]
fn unknown_rule_ids_are_located_known_ones_pass() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "check:\n  overrides:\n    - glob: 'a/**'\n      severity: { nope.rule: off }\n";
    std::fs::write(dir.path().join("replan.yaml"), yaml).unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    let e = check_rule_ids(&cfg).unwrap_err().to_string();
    assert!(
        e.contains("replan.yaml:4:") && e.contains("unknown rule id"),
        "{e}"
    );
    std::fs::write(
        dir.path().join("replan.yaml"),
        "check:\n  severity: { link.broken: off }\n",
    )
    .unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    assert!(check_rule_ids(&cfg).is_ok());
}

#[test]
fn a_misspelled_rule_id_in_the_configuration_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "check:\n  severity:\n    link.brokn: warning\n",
    )
    .unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    let e = check_rule_ids(&cfg).unwrap_err().to_string();
    assert!(
        e.contains("replan.yaml:3:5: unknown rule id `link.brokn`; did you mean `link.broken`?"),
        "{e}"
    );
    // Nothing close: the known ids are listed instead.
    std::fs::write(
        dir.path().join("replan.yaml"),
        "check:\n  severity:\n    zzz: warning\n",
    )
    .unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    let e = check_rule_ids(&cfg).unwrap_err().to_string();
    assert!(
        !e.contains("did you mean") && e.contains("known: budget.lines"),
        "{e}"
    );
}

#[test]
fn every_rule_example_gives_the_finding_its_docs_promise() {
    let mut cfg = Config::builtin();
    cfg.repo_roots = vec!["infra".into()];
    let root = Path::new("/nonexistent-root");
    let mut shown = 0;
    for r in RULES {
        assert!(!r.long.trim().is_empty(), "{}: no long text", r.id);
        assert!(!r.section.is_empty(), "{}: no section", r.id);
        let Some(ex) = &r.example else { continue };
        shown += 1;
        let found = testutil::run_rule_cfg(r.id, ex.files, &cfg, root);
        assert!(
            found.iter().any(|f| f.message.starts_with(ex.message)),
            "{}: the example gives {:?}, not a message starting {:?}",
            r.id,
            found.iter().map(|f| &f.message).collect::<Vec<_>>(),
            ex.message
        );
    }
    // The budgets need a file too long to show; every other rule has an example.
    assert_eq!(shown, RULES.len() - 2);
}
