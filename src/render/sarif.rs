//! Findings as SARIF 2.1.0, for code-scanning uploads. Every registered rule is
//! listed in the driver with its default level; results point at root-relative
//! paths (`uriBaseId: %SRCROOT%`).

use serde_json::{json, Value};

use crate::analysis::RULES;
use crate::finding::{Finding, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Render a SARIF 2.1.0 log (pretty-printed, newline-terminated).
pub fn report(findings: &[Finding]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.doc},
                "defaultConfiguration": {"level": level(r.default)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            for e in &f.evidence {
                text.push_str("\n  ");
                text.push_str(e);
            }
            let mut r = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line.max(1), "startColumn": f.column.max(1)}
                    }
                }],
            });
            if let Some(i) = RULES.iter().position(|x| x.id == f.rule) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(s) = &f.subphase {
                r["properties"] = json!({"subphase": s});
            }
            r
        })
        .collect();
    let log = json!({
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
        let v: Value = serde_json::from_str(&report(&[f])).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "link.broken");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
            "link.broken"
        );
    }
}
