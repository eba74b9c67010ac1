//! Findings as text: `path:line:col: severity rule-id: message`, evidence indented
//! below, findings grouped by file with a blank line between files.

use std::fmt::Write;

use anstyle::AnsiColor;

use crate::finding::{Finding, Severity};
use crate::note::Note;
use crate::ui::paint;

/// Render findings (already in report order) for stdout.
pub fn findings(findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut last: Option<&str> = None;
    for f in findings {
        if last.is_some_and(|p| p != f.path) {
            out.push('\n');
        }
        last = Some(&f.path);
        let sev = match f.severity {
            Severity::Error => paint("error", AnsiColor::Red, true, false),
            Severity::Warning => paint("warning", AnsiColor::Yellow, true, false),
        };
        let loc = paint(
            &format!("{}:{}:{}", f.path, f.line.max(1), f.column.max(1)),
            AnsiColor::White,
            true,
            false,
        );
        let _ = writeln!(
            out,
            "{loc}: {sev} {}: {}",
            paint(f.rule, AnsiColor::Cyan, false, false),
            f.message
        );
        for e in &f.evidence {
            let _ = writeln!(out, "    {e}");
        }
    }
    out
}

/// Findings as GitHub Actions workflow commands, one per line, which the runner
/// shows as annotations on the changed files, after the files that could not be
/// read (`errors`). Properties and message are escaped as the runner requires
/// (`%`, CR, LF; and `:`/`,` in properties).
pub fn github(findings: &[Finding], errors: &[Note]) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for e in errors {
        let line = if e.line > 0 {
            format!(",line={}", e.line)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "::error file={}{line},title=unreadable::{}",
            prop(&e.path),
            data(&e.message)
        );
    }
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut text = f.message.clone();
        for e in &f.evidence {
            text.push('\n');
            text.push_str(e);
        }
        let end = if f.end_line > f.line.max(1) {
            format!(",endLine={}", f.end_line)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={}{end},col={},title={}::{}",
            prop(&f.path),
            f.line.max(1),
            f.column.max(1),
            prop(f.rule),
            data(&text)
        );
    }
    out
}

/// How many findings each rule gave, most first (`--statistics`, as ruff's).
pub fn statistics(findings: &[Finding]) -> String {
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for f in findings {
        let c = counts.entry(f.rule).or_default();
        match f.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
        }
    }
    let mut rows: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
    rows.sort_by(|a, b| (b.1 .0 + b.1 .1).cmp(&(a.1 .0 + a.1 .1)).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (rule, (e, w)) in rows {
        let _ = writeln!(out, "{:>5}  {rule:<26} {e} error, {w} warning", e + w);
    }
    out
}

/// The one-line summary printed on stderr; `unreadable` files were named
/// before it, as errors.
pub fn summary(findings: &[Finding], files: usize, unreadable: usize, encoding: &str) -> String {
    let line = counts(findings, files, encoding);
    match unreadable {
        0 => line,
        1 => format!("{line}; 1 file could not be read"),
        n => format!("{line}; {n} files could not be read"),
    }
}

fn counts(findings: &[Finding], files: usize, encoding: &str) -> String {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let with: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.path.as_str()).collect();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if findings.is_empty() {
        return format!(
            "check: no findings in {} ({encoding})",
            plural(files, "file")
        );
    }
    let e = plural(errors, "error");
    let w = plural(warnings, "warning");
    let e = if errors > 0 {
        paint(&e, AnsiColor::Red, true, true)
    } else {
        e
    };
    let w = if warnings > 0 {
        paint(&w, AnsiColor::Yellow, true, true)
    } else {
        w
    };
    format!(
        "check: {e}, {w} in {} of {} ({encoding})",
        with.len(),
        plural(files, "file")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_file() {
        crate::ui::set_color(crate::ui::ColorChoice::Never);
        let a =
            Finding::new("link.broken", Severity::Error, "a.md", 3, "m").evidence(["line 3: x"]);
        let b = Finding::new("task.size", Severity::Warning, "b.md", 1, "n").column(5);
        let s = findings(&[a.clone(), b.clone()]);
        assert_eq!(
            s,
            "a.md:3:1: error link.broken: m\n    line 3: x\n\nb.md:1:5: warning task.size: n\n"
        );
        assert_eq!(
            summary(&[a.clone(), b], 4, 0, "o200k_base"),
            "check: 1 error, 1 warning in 2 of 4 files (o200k_base)"
        );
        assert_eq!(
            summary(&[], 4, 1, "o200k_base"),
            "check: no findings in 4 files (o200k_base); 1 file could not be read"
        );
    }

    #[test]
    fn github_annotations_carry_the_end_line_of_a_range() {
        let one = Finding::new("link.broken", Severity::Error, "a.md", 3, "m").column(2);
        let range = Finding::new("fence.unclosed", Severity::Error, "a.md", 5, "n").end_line(9);
        let bad = Note::new(crate::note::NoteKind::Unreadable, "b.md", "not UTF-8").at(4);
        let s = github(&[one, range], &[bad]);
        assert_eq!(
            s,
            "::error file=b.md,line=4,title=unreadable::not UTF-8\n\
             ::error file=a.md,line=3,col=2,title=link.broken::m\n\
             ::error file=a.md,line=5,endLine=9,col=1,title=fence.unclosed::n\n"
        );
    }
}
