//! The versioned JSON report of `check`:
//!
//! ```json
//! {"version":1,"encoding":"o200k_base",
//!  "files":[{"path":"a.md","lines":12,"tokens":80}],
//!  "findings":[{"rule":"link.broken","severity":"error","path":"a.md","line":3,
//!               "subphase":null,"message":"...","evidence":["..."]}]}
//! ```
//!
//! `subphase` is the number as written ("4.7") when the finding is about one.
//! Findings are sorted by path, line, rule. New fields may be added within a
//! version; removing or changing one bumps `version`.

use serde::Serialize;

use crate::analysis::FileStat;
use crate::finding::Finding;

/// The report's format version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    encoding: &'a str,
    files: &'a [FileStat],
    findings: &'a [Finding],
}

/// Render the JSON report (pretty-printed, newline-terminated).
pub fn report(encoding: &str, files: &[FileStat], findings: &[Finding]) -> String {
    let r = Report {
        version: VERSION,
        encoding,
        files,
        findings,
    };
    let mut s = serde_json::to_string_pretty(&r).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn shape_is_stable() {
        let f = Finding::new("phase.missing", Severity::Error, "a.md", 9, "m")
            .subphase("4.8")
            .column(3);
        let files = [FileStat {
            path: "a.md".into(),
            lines: 10,
            tokens: 50,
        }];
        let v: serde_json::Value =
            serde_json::from_str(&report("o200k_base", &files, &[f])).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"version":1,"encoding":"o200k_base",
                "files":[{"path":"a.md","lines":10,"tokens":50}],
                "findings":[{"rule":"phase.missing","severity":"error","path":"a.md","line":9,
                    "subphase":"4.8","message":"m","evidence":[]}]})
        );
    }
}
