//! Findings as SARIF 2.1.0, for code-scanning uploads. Every registered rule is
//! listed in the driver with its default level, its long description and help
//! (what `replan rule ID` prints); results point at root-relative paths
//! (`uriBaseId: %SRCROOT%`), columns count code points, and each result has a
//! fingerprint that survives lines moving, so a scanner does not report a
//! finding as new because text was added above it.

use serde_json::{json, Value};

use std::collections::HashMap;

use crate::analysis::{RuleInfo, RULES};
use crate::finding::{Finding, Severity};
use crate::note::Note;

/// A finding's identity without its place in the file: rule, path and message
/// with every number taken out (messages quote line numbers). Repeats in one
/// file are told apart by their order (`:1`, `:2`).
fn fingerprint(f: &Finding) -> String {
    let message: String = f.message.chars().filter(|c| !c.is_ascii_digit()).collect();
    let h = crate::model::sha256(format!("{}\0{}\0{message}", f.rule, f.path).as_bytes());
    h[..16].to_string()
}

fn help_text(r: &RuleInfo) -> String {
    let mut s = format!("{}\n\n{}", r.doc, r.long);
    if !r.settings.is_empty() {
        s.push_str(&format!(
            "\n\nSettings: {} (rules/README.md#{}).",
            r.settings.join(", "),
            r.section
        ));
    }
    s
}

fn help_markdown(r: &RuleInfo) -> String {
    let mut s = format!("**{}**: {}\n\n{}", r.id, r.doc, r.long);
    if !r.settings.is_empty() {
        let keys: Vec<String> = r.settings.iter().map(|k| format!("`{k}`")).collect();
        s.push_str(&format!(
            "\n\nSettings: {} ([rules/README.md](rules/README.md#{})). Silence one line with \
             `<!-- replan-disable-next-line {} -->`.",
            keys.join(", "),
            r.section,
            r.id
        ));
    }
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Render a SARIF 2.1.0 log (pretty-printed, newline-terminated). Files that
/// could not be read (`errors`) are the invocation's error notifications, and
/// make it unsuccessful.
pub fn report(findings: &[Finding], errors: &[Note]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.doc},
                "fullDescription": {"text": r.long},
                "help": {"text": help_text(r), "markdown": help_markdown(r)},
                "defaultConfiguration": {"level": level(r.default)},
            })
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let key = fingerprint(f);
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            let print = format!("{key}:{n}");
            let mut text = f.message.clone();
            for e in &f.evidence {
                text.push_str("\n  ");
                text.push_str(e);
            }
            let mut r = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": text},
                "partialFingerprints": {"replanFinding/v1": print},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line.max(1), "startColumn": f.column.max(1)}
                    }
                }],
            });
            if f.end_line > f.line.max(1) {
                r["locations"][0]["physicalLocation"]["region"]["endLine"] = json!(f.end_line);
            }
            if let Some(i) = RULES.iter().position(|x| x.id == f.rule) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(s) = &f.subphase {
                r["properties"] = json!({"subphase": s});
            }
            r
        })
        .collect();
    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            let mut place = json!({
                "artifactLocation": {"uri": e.path, "uriBaseId": "%SRCROOT%"},
            });
            if e.line > 0 {
                place["region"] = json!({"startLine": e.line});
            }
            json!({
                "level": "error",
                "message": {"text": e.message},
                "locations": [{"physicalLocation": place}],
            })
        })
        .collect();
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "replan",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    if !notifications.is_empty() {
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": notifications,
        }]);
    }
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_sarif_2_1_0() {
        let f = Finding::new("link.broken", Severity::Error, "a/b.md", 0, "m").subphase("4.7");
        let v: Value = serde_json::from_str(&report(&[f], &[])).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "link.broken");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        assert!(r["partialFingerprints"]["replanFinding/v1"]
            .as_str()
            .is_some_and(|p| p.ends_with(":1")));
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
            "link.broken"
        );
    }

    #[test]
    fn fingerprints_survive_lines_moving_and_tell_repeats_apart() {
        let a = Finding::new(
            "link.broken",
            Severity::Error,
            "a.md",
            10,
            "link on line 10 broken",
        );
        let moved = Finding::new(
            "link.broken",
            Severity::Error,
            "a.md",
            42,
            "link on line 42 broken",
        );
        assert_eq!(fingerprint(&a), fingerprint(&moved));
        let other = Finding::new(
            "link.broken",
            Severity::Error,
            "b.md",
            10,
            "link on line 10 broken",
        );
        assert_ne!(fingerprint(&a), fingerprint(&other));
        let v: Value = serde_json::from_str(&report(&[a.clone(), moved], &[])).unwrap();
        let prints: Vec<&str> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["replanFinding/v1"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_ne!(prints[0], prints[1]);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        assert!(rules.iter().all(|r| r["help"]["markdown"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
            && r["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())));
    }

    #[test]
    fn an_unreadable_file_is_a_failed_invocation_naming_it() {
        let bad = Note::new(crate::note::NoteKind::Unreadable, "b.md", "not valid UTF-8").at(2);
        let v: Value = serde_json::from_str(&report(&[], &[bad])).unwrap();
        let inv = &v["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let n = &inv["toolExecutionNotifications"][0];
        assert_eq!(n["level"], "error");
        assert_eq!(n["message"]["text"], "not valid UTF-8");
        let place = &n["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], "b.md");
        assert_eq!(place["region"]["startLine"], 2);
        let clean: Value = serde_json::from_str(&report(&[], &[])).unwrap();
        assert!(clean["runs"][0].get("invocations").is_none());
    }
}
