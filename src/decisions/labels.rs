//! Labels (`**Decision**:`, `**Rationale:**`) and the compiled decision rules.

use regex::Regex;

use crate::config::DecisionRules;

/// Lowercase words of letters and digits joined by single spaces.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Decision rules, normalised and compiled.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(super) labels: Vec<String>,
    pub(super) qualified: bool,
    pub(super) implied: bool,
    pub(super) rationale: Vec<String>,
    pub(super) excluded_labels: Vec<String>,
    pub(super) heading_prefixes: Vec<String>,
    pub(super) adr: Option<Regex>,
    pub(super) table_cols: Vec<String>,
    pub(super) rationale_cols: Vec<String>,
    pub(super) sections: Vec<String>,
    pub(super) excluded_sections: Vec<String>,
    pub(super) not_decisions: Vec<Regex>,
    pub(super) bold_label: Regex,
    pub(super) plain_label: Regex,
    /// ` — **Rationale**: ` inside a decision's line.
    pub(super) inline_rationale: Option<Regex>,
}

impl Rules {
    /// Compile; a bad pattern is reported as `(pattern, error)`.
    pub fn new(r: &DecisionRules) -> Result<Rules, (String, String)> {
        let re = |p: &str| Regex::new(p).map_err(|e| (p.to_string(), e.to_string()));
        let n = |v: &[String]| {
            v.iter()
                .map(|s| norm(s))
                .filter(|s| !s.is_empty())
                .collect()
        };
        let adr = if r.adr_heading.trim().is_empty() {
            None
        } else {
            Some(re(&r.adr_heading)?)
        };
        let mut not_decisions = Vec::new();
        for p in &r.not_decisions {
            not_decisions.push(re(p)?);
        }
        Ok(Rules {
            labels: n(&r.labels),
            qualified: r.qualified_labels,
            implied: r.rationale_implies_decision,
            rationale: n(&r.rationale_labels),
            excluded_labels: n(&r.excluded_labels),
            heading_prefixes: n(&r.heading_prefixes),
            adr,
            table_cols: n(&r.table_columns),
            rationale_cols: n(&r.rationale_columns),
            sections: n(&r.sections),
            excluded_sections: n(&r.excluded_sections),
            not_decisions,
            // `**Label**: rest`, `**Label:** rest`, `__Label__: rest`
            bold_label: re(
                r"^(?:\*\*|__)\s*(?P<label>[^*_\n]{1,80}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<rest>.*)$",
            )?,
            plain_label: re(r"^(?P<label>[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(?P<rest>.*)$")?,
            inline_rationale: if r.rationale_labels.is_empty() {
                None
            } else {
                let alts: Vec<String> = r
                    .rationale_labels
                    .iter()
                    .map(|l| regex::escape(l))
                    .collect();
                Some(re(&format!(
                    r"(?i)\s*[—–;,-]?\s*(?:\*\*|__)\s*(?:{})\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*",
                    alts.join("|")
                ))?)
            },
        })
    }

    fn ends_with_any(list: &[String], n: &str) -> bool {
        list.iter().any(|l| {
            n == l
                || (n.len() > l.len()
                    && n.ends_with(l.as_str())
                    && n[..n.len() - l.len()].ends_with(' '))
        })
    }

    pub(super) fn is_section(&self, n: &str) -> bool {
        !self.excluded_sections.iter().any(|e| e == n) && Rules::ends_with_any(&self.sections, n)
    }

    pub(super) fn is_excluded_section(&self, n: &str) -> bool {
        self.excluded_sections.iter().any(|e| e == n)
            || self.excluded_sections.iter().any(|e| {
                n.ends_with(e.as_str())
                    && n.len() > e.len()
                    && n[..n.len() - e.len()].ends_with(' ')
            })
    }

    /// Whether a decision text is really an open question, TBD or pending.
    pub fn not_decision(&self, text: &str) -> bool {
        let t = text.trim();
        t.is_empty() || self.not_decisions.iter().any(|r| r.is_match(t))
    }

    pub(super) fn label<'a>(&self, content: &'a str) -> Option<Label<'a>> {
        let (label, rest, bold) = if let Some(c) = self.bold_label.captures(content) {
            (c.name("label")?.as_str(), c.name("rest")?.as_str(), true)
        } else if let Some(c) = self.plain_label.captures(content) {
            (c.name("label")?.as_str(), c.name("rest")?.as_str(), false)
        } else {
            return None;
        };
        let n = norm(label);
        // `**Decision 3**:`, `**Decision #2**:` count as `Decision`.
        let n = strip_number(&n).to_string();
        let kind = if self.excluded_labels.contains(&n) {
            LabelKind::Excluded
        } else if self.rationale.contains(&n) {
            LabelKind::Rationale
        } else if !bold {
            // Plain `Decision:` is too common in prose and link lists; only bold counts.
            return None;
        } else if rest.trim().is_empty() && self.is_section(&n) {
            LabelKind::Section
        } else if self.labels.contains(&n)
            || (self.qualified && Rules::ends_with_any(&self.labels, &n))
            || self.is_section(&n)
        {
            LabelKind::Decision {
                keep: !matches!(n.as_str(), "decision" | "decisions" | "decided"),
            }
        } else if bold {
            LabelKind::Other
        } else {
            return None;
        };
        let label_end = content.len() - rest.len();
        Some(Label {
            kind,
            bold,
            full: content[..label_end].trim_end(),
            rest,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelKind {
    Decision { keep: bool },
    Rationale,
    Section,
    Excluded,
    Other,
}

#[derive(Debug)]
pub(super) struct Label<'a> {
    pub(super) kind: LabelKind,
    /// Written in bold (`**Rationale**:`), not plain (`Why:`).
    pub(super) bold: bool,
    /// The label with its emphasis and colon, e.g. `**Repository Decision**:`.
    pub(super) full: &'a str,
    pub(super) rest: &'a str,
}

/// A normalised label without a trailing number word (`decision 3` -> `decision`).
pub(super) fn strip_number(n: &str) -> &str {
    match n.rsplit_once(' ') {
        Some((head, last)) if last.chars().all(|c| c.is_ascii_digit()) => head,
        _ => n,
    }
}
