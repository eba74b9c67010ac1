//! `replan rule`: a rule's documentation, the list of rules and the did-you-mean
//! for an unknown id (their JSON is in `json`).

use std::fmt::Write;

use anstyle::AnsiColor;

use crate::analysis::RuleInfo;
use crate::finding::Severity;
use crate::ui::paint;

/// Where the configuration is documented, relative to the repository.
pub const README: &str = "rules/README.md";

fn severity(s: Severity) -> String {
    let color = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
    };
    paint(s.as_str(), color, false, false)
}

/// One rule, as `replan rule ID` prints it.
pub fn text(r: &RuleInfo) -> String {
    let mut o = String::new();
    let id = paint(r.id, AnsiColor::Cyan, true, false);
    let _ = writeln!(o, "{id} (default severity: {})\n", severity(r.default));
    let _ = writeln!(o, "{}\n", r.doc);
    o.push_str(&wrap(r.long, 80));
    let _ = writeln!(o, "\nSettings ({README}#{}):", r.section);
    if r.settings.is_empty() {
        o.push_str("  none beyond its severity\n");
    }
    for s in r.settings {
        let _ = writeln!(o, "  {s}");
    }
    let _ = writeln!(
        o,
        "\nSeverity: `check.severity` and `check.overrides` ({README}#severities);\n  \
         in a file: <!-- replan-disable {} -->",
        r.id
    );
    let _ = writeln!(o, "\nFix: {}", crate::fix::fixability(r.id).describe());
    if let Some(ex) = &r.example {
        o.push_str("\nExample:\n");
        for (path, text) in ex.files {
            let _ = writeln!(o, "\n  {path}");
            for line in text.lines() {
                let _ = writeln!(o, "{}{line}", if line.is_empty() { "" } else { "    " });
            }
        }
        let _ = writeln!(o, "\n  reported: {} …", ex.message);
    }
    o
}

/// Every rule, one a line: id, default severity, one-line doc.
pub fn list(rules: &[RuleInfo]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut o = String::new();
    for r in rules {
        let pad = " ".repeat(width - r.id.len() + 2);
        let sev = r.default.as_str();
        let gap = " ".repeat("warning".len() - sev.len() + 2);
        let _ = writeln!(o, "{}{pad}{}{gap}{}", r.id, severity(r.default), r.doc);
    }
    o
}

/// The error for an id that is no rule.
pub fn unknown(id: &str, suggestions: &[&str]) -> String {
    let hint = crate::analysis::suggest::did_you_mean(suggestions);
    format!("unknown rule `{id}`{hint} (`replan rule --all` lists every rule)")
}

/// Words re-flowed into lines of at most `width` characters (a longer word gets
/// a line of its own).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("aa bb  cc\ndd", 5), "aa bb\ncc dd\n");
        assert_eq!(wrap("toolongword x", 4), "toolongword\nx\n");
        assert_eq!(wrap("", 10), "");
    }

    #[test]
    fn the_did_you_mean_names_one_or_several() {
        assert!(unknown("x", &[]).starts_with("unknown rule `x` (`replan rule --all`"));
        assert!(unknown("x", &["a.b"]).contains("did you mean `a.b`?"));
        assert!(unknown("x", &["a.b", "a.c"]).contains("one of `a.b`, `a.c`?"));
    }
}
