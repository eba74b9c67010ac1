//! Inline suppressions, markdownlint style, and `suppression.unused`:
//!
//! - `<!-- replan-disable RULE... -->` / `<!-- replan-enable RULE... -->`: from
//!   this line on (no rule = every rule);
//! - `<!-- replan-disable-next-line RULE... -->`, `<!-- replan-disable-line RULE... -->`;
//! - `<!-- replan-disable-file RULE... -->`: the whole file.
//!
//! Comments inside code blocks are text, not directives. A disabling directive
//! (or one of its rules) that suppressed nothing is reported as `suppression.unused`,
//! as is a directive naming an unknown rule.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::config::check::Level;
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "suppression.unused",
    doc: "a replan-disable comment suppresses nothing (or names an unknown rule)",
    default: Severity::Warning,
    ctor: |_| Box::new(Unused),
    long: "A `<!-- replan-disable ... -->` comment (or one of the rule ids it names) that \
        suppressed nothing, or one naming an unknown rule: stale suppressions hide the next \
        real finding. Delete the comment or the id.",
    settings: &[],
    section: "inline-suppressions",
    example: Some(Example {
        files: &[(
            "plan.md",
            "<!-- replan-disable-next-line link.broken -->\nNo links here.\n",
        )],
        message: "`replan-disable-next-line link.broken` suppresses nothing",
    }),
};

/// The reporting happens in [`apply`]; as a rule it does nothing.
struct Unused;
impl Rule for Unused {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    Line,
    File,
    EnableFile,
}

#[derive(Debug)]
struct Directive {
    line: usize,
    column: usize,
    kind: Kind,
    word: String,
    /// Named rules; empty means every rule.
    rules: Vec<String>,
    /// Whether each named rule (or the whole directive when `rules` is empty) suppressed something.
    used: Vec<bool>,
}

impl Directive {
    fn covers(&self, rule: &str) -> Option<usize> {
        if self.rules.is_empty() {
            Some(0)
        } else {
            self.rules.iter().position(|r| r == rule)
        }
    }
}

fn directives(file: &FileFacts) -> Vec<Directive> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"<!--\s*replan-(disable-next-line|disable-line|disable-file|enable-file|disable|enable)\b((?:[^-]|-[^-])*)-->")
            .expect("valid")
    });
    let mut out = Vec::new();
    // Most files hold no directive: one search of the whole text (memchr's)
    // says so, where asking each line cost 0.1 G instructions of a 20 MB
    // tree's check on the thread that runs after the rules.
    if memchr::memmem::find(file.doc.source.text.as_bytes(), b"replan-").is_none() {
        return out;
    }
    for l in 1..=file.lines() {
        if file.is_code(l) {
            continue;
        }
        let raw = file.line(l);
        if !raw.contains("replan-") {
            continue;
        }
        // A directive quoted in an inline code span is text.
        let t = &blank_code_spans(raw);
        for c in re.captures_iter(t) {
            let word = c[1].to_string();
            let kind = match word.as_str() {
                "disable" => Kind::Disable,
                "enable" => Kind::Enable,
                "disable-next-line" => Kind::NextLine,
                "disable-line" => Kind::Line,
                "disable-file" => Kind::File,
                _ => Kind::EnableFile,
            };
            let rules: Vec<String> = c[2]
                .split(|ch: char| ch.is_whitespace() || ch == ',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let n = rules.len().max(1);
            out.push(Directive {
                line: l,
                column: c.get(0).map_or(0, |m| t[..m.start()].chars().count()) + 1,
                kind,
                word,
                rules,
                used: vec![false; n],
            });
        }
    }
    out
}

/// The line with every inline code span blanked out (same length, so columns hold).
fn blank_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        let ticks = rest[open..].chars().take_while(|&c| c == '`').count();
        let fence = &rest[open..open + ticks];
        let after = &rest[open + ticks..];
        match after.find(fence) {
            Some(close) => {
                out.push_str(&rest[..open]);
                let span = ticks + close + ticks;
                out.extend(std::iter::repeat_n(
                    ' ',
                    rest[open..open + span].chars().count(),
                ));
                rest = &rest[open + span..];
            }
            None => {
                out.push_str(&rest[..open + ticks]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The directive that suppresses a finding of `rule` at `line`, if any (index and rule slot).
fn suppressor(ds: &[Directive], rule: &str, line: usize) -> Option<(usize, usize)> {
    // Line-scoped directives first, then the file-wide and ranged state.
    for (i, d) in ds.iter().enumerate() {
        let hit = match d.kind {
            Kind::NextLine => d.line + 1 == line,
            Kind::Line => d.line == line,
            _ => false,
        };
        if hit {
            if let Some(k) = d.covers(rule) {
                return Some((i, k));
            }
        }
    }
    let mut state: Option<(usize, usize)> = None;
    for (i, d) in ds.iter().enumerate() {
        let Some(k) = d.covers(rule) else { continue };
        match d.kind {
            Kind::File => state = Some((i, k)),
            Kind::EnableFile => state = None,
            Kind::Disable if d.line <= line => state = Some((i, k)),
            Kind::Enable if d.line <= line => state = None,
            _ => {}
        }
    }
    state
}

/// Drop suppressed findings and add `suppression.unused` ones.
pub(super) fn apply(cx: &Ctx, files: &[FileFacts], findings: Vec<Finding>) -> Vec<Finding> {
    let mut ds: Vec<Vec<Directive>> = files.iter().map(directives).collect();
    if ds.iter().all(|d| d.is_empty()) {
        return findings;
    }
    let by_path: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let Some(&fi) = by_path.get(f.path.as_str()) else {
            kept.push(f);
            continue;
        };
        match suppressor(&ds[fi], f.rule, f.line) {
            Some((d, k)) => ds[fi][d].used[k] = true,
            None => kept.push(f),
        }
    }
    for (fi, list) in ds.iter().enumerate() {
        let file = &files[fi];
        let level = cx.cfg.level_for(INFO.id, &file.path);
        if level == Some(Level::Off) {
            continue;
        }
        for d in list {
            if matches!(d.kind, Kind::Enable | Kind::EnableFile) {
                continue;
            }
            let mut report = |msg: String| {
                let mut f = cx.finding(INFO.id, file, d.line, msg).column(d.column);
                if let Some(l) = level {
                    f.severity = if l == Level::Error {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                }
                kept.push(f);
            };
            if d.rules.is_empty() {
                if !d.used[0] {
                    report(format!("`replan-{}` suppresses nothing", d.word));
                }
                continue;
            }
            for (k, r) in d.rules.iter().enumerate() {
                if super::rule(r).is_none() {
                    let hint = super::suggest::did_you_mean(&super::suggest::similar_ids(r));
                    report(format!(
                        "`replan-{}` names an unknown rule `{r}`{hint}",
                        d.word
                    ));
                } else if !d.used[k] {
                    report(format!("`replan-{} {r}` suppresses nothing", d.word));
                }
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    const TWO: &str = "Apply the manifests\n---\n";

    #[test]
    fn disable_next_line_and_ranges_suppress() {
        let text = format!(
            "# A\n\n<!-- replan-disable-next-line heading.setext-ambiguous -->\n{TWO}\n<!-- replan-disable heading.setext-ambiguous -->\n{TWO}\n<!-- replan-enable heading.setext-ambiguous -->\n{TWO}"
        );
        let f = run_rule("heading.setext-ambiguous", &[("a.md", &text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].line, 12);
        assert!(run_rule("suppression.unused", &[("a.md", &text)]).is_empty());
    }

    #[test]
    fn unused_and_unknown_are_reported() {
        let text = "# A\n\n<!-- replan-disable-next-line phase.mislabeled bogus.rule -->\ntext\n\n```\n<!-- replan-disable link.broken -->\n```\n\nWrite `<!-- replan-disable ... -->` to silence a rule.\n";
        let f = run_rule("suppression.unused", &[("a.md", text)]);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f
            .iter()
            .any(|x| x.message.contains("phase.mislabeled` suppresses nothing")));
        assert!(f
            .iter()
            .any(|x| x.message.contains("unknown rule `bogus.rule`")));
    }

    #[test]
    fn a_misspelled_rule_in_a_comment_gets_a_suggestion() {
        let text = "# A\n\n<!-- replan-disable-next-line heading.setext -->\ntext\n";
        let f = run_rule("suppression.unused", &[("a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].message,
            "`replan-disable-next-line` names an unknown rule `heading.setext`; did you mean `heading.setext-ambiguous`?"
        );
    }
}
