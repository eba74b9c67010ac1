//! A finding: one thing `check` (or another analysis) has to say about a place in
//! a file. Findings sort in a total order (path, line, rule, column, message) so
//! every output is stable.

use std::cmp::Ordering;

use serde::Serialize;

/// How serious a finding is. `Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; never changes the exit code.
    Warning,
    /// Makes `check` exit 1.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding about one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `phase.mislabeled`.
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// 1-based line (0 when the finding is about the whole file and has no line).
    pub line: usize,
    /// 1-based column, in characters (code points), as text and SARIF show it.
    pub column: usize,
    /// 1-based last line of the place the finding is about (a section, a
    /// two-line heading, a fence left open to the end of the file); `line` when
    /// it is about one line.
    pub end_line: usize,
    /// The subphase number as written ("4.7") when the finding is about one.
    pub subphase: Option<String>,
    /// One-line explanation.
    pub message: String,
    /// Supporting lines, shown indented under the finding.
    pub evidence: Vec<String>,
}

impl Finding {
    /// A finding at `path:line:1` with no subphase and no evidence; severity is set
    /// by the caller (usually the rule's configured severity).
    pub fn new(
        rule: &'static str,
        severity: Severity,
        path: impl Into<String>,
        line: usize,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity,
            path: path.into(),
            line,
            column: 1,
            end_line: line,
            subphase: None,
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    /// Set the subphase.
    pub fn subphase(mut self, s: impl Into<String>) -> Finding {
        self.subphase = Some(s.into());
        self
    }

    /// Set the column.
    pub fn column(mut self, c: usize) -> Finding {
        self.column = c.max(1);
        self
    }

    /// Set the last line of the place (never before `line`).
    pub fn end_line(mut self, l: usize) -> Finding {
        self.end_line = l.max(self.line);
        self
    }

    /// Add evidence lines.
    pub fn evidence<I, S>(mut self, lines: I) -> Finding
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.evidence.extend(lines.into_iter().map(Into::into));
        self
    }

    /// The total order findings are reported in: path, line, rule, then column and message.
    pub fn order(&self, other: &Finding) -> Ordering {
        self.path
            .cmp(&other.path)
            .then(self.line.cmp(&other.line))
            .then(self.rule.cmp(other.rule))
            .then(self.column.cmp(&other.column))
            .then(self.message.cmp(&other.message))
    }
}

/// Sort findings in report order and drop exact duplicates.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(Finding::order);
    findings.dedup();
}
