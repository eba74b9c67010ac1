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
