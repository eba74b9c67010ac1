//! The versioned JSON report of `check`:
//!
//! ```json
//! {"version":1,"encoding":"o200k_base",
//!  "files":[{"path":"a.md","lines":12,"tokens":80}],
//!  "findings":[{"rule":"link.broken","severity":"error","path":"a.md","line":3,
//!               "column":5,"end_line":3,"subphase":null,"message":"...",
//!               "evidence":["..."]}],
//!  "errors":[{"path":"b.md","line":2,"kind":"unreadable","message":"..."}]}
//! ```
//!
//! `column` counts characters (code points) from 1, as the text output does;
//! `end_line` is the last line of the place the finding is about (a section, a
//! heading written over two lines, a fence open to the end of the file) and
//! equals `line` for one line. `subphase` is the number as written ("4.7") when
//! the finding is about one. `errors` lists the files that could not be read
//! (not UTF-8, unreadable), in the shape of migrate's `diagnostics`.
//! `split`, `migrate`, `consolidate` and `rule` have reports of their own below,
//! under the same version.
//! Findings are sorted by path, line, rule. New fields may be added within a
//! version; removing or changing one bumps `version`.

use std::path::Path;

use serde::Serialize;

use crate::analysis::{FileStat, RuleInfo};
use crate::finding::Finding;
use crate::note::Note;

/// The report's format version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    encoding: &'a str,
    files: &'a [FileStat],
    findings: &'a [Finding],
    errors: &'a [Note],
}

/// Render the JSON report (pretty-printed, newline-terminated); `errors` are
/// the files that could not be read.
pub fn report(encoding: &str, files: &[FileStat], findings: &[Finding], errors: &[Note]) -> String {
    let r = Report {
        version: VERSION,
        encoding,
        files,
        findings,
        errors,
    };
    let mut s = serde_json::to_string_pretty(&r).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into())
}

#[derive(Serialize)]
struct PartRow<'a> {
    path: String,
    lines: usize,
    tokens: usize,
    subphase: Option<&'a str>,
    /// First line of the part in the original, so parts can be put back in order.
    line: usize,
}

/// Keys in alphabetical order, as the report has always printed them.
#[derive(Serialize)]
struct OversizeRow<'a> {
    line: usize,
    lines: usize,
    part: &'a str,
    path: String,
    tokens: usize,
}

#[derive(Serialize)]
struct SplitReport<'a> {
    version: u32,
    encoding: &'static str,
    dry_run: bool,
    files: Vec<PartRow<'a>>,
    oversize: Vec<OversizeRow<'a>>,
    /// The file's conservation account (a list, as `migrate` gives one).
    conservation: &'a [crate::plan::conserve::Account],
}

/// The versioned JSON report of `split` (no trailing newline).
pub fn split(r: &crate::ops::split::Report, file: &Path, dry_run: bool) -> String {
    pretty(&SplitReport {
        version: VERSION,
        encoding: r.encoding.name(),
        dry_run,
        files: r
            .parts
            .iter()
            .map(|p| PartRow {
                path: p.path.display().to_string(),
                lines: p.lines,
                tokens: p.tokens,
                subphase: p.subphase.as_deref(),
                line: p.line,
            })
            .collect(),
        oversize: r
            .oversize
            .iter()
            .map(|o| OversizeRow {
                path: file.display().to_string(),
                line: o.line,
                lines: o.lines,
                tokens: o.tokens,
                part: &o.part,
            })
            .collect(),
        conservation: std::slice::from_ref(&r.conservation),
    })
}

#[derive(Serialize)]
struct PlanReport<'a> {
    version: u32,
    command: &'a str,
    dry_run: bool,
    applied: bool,
    summary: crate::plan::Summary,
    links_rewritten: usize,
    /// Names of split files in code spans and paths rewritten.
    mentions_rewritten: usize,
    notes: Vec<String>,
    errors: Vec<String>,
    /// The notes and errors again, with their place as fields.
    diagnostics: Vec<Diagnostic<'a>>,
    /// One account per original split: bytes, lines and blocks in and in its
    /// parts (replan's added text taken out), and whether they are equal.
    conservation: &'a [crate::plan::conserve::Account],
    ops: &'a [crate::plan::Op],
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    severity: &'static str,
    #[serde(flatten)]
    note: &'a Note,
}

/// The versioned JSON report of `migrate` and `consolidate` (no trailing newline).
pub fn plan(p: &crate::ops::restructure::Planned, command: &str, dry_run: bool) -> String {
    pretty(&plan_report(p, command, dry_run))
}

/// [`plan`] and its newline written to `out` as it is serialized: the report
/// holds every new file's text, JSON-escaped, so held whole as a `String` it
/// was more than the input again on top of the plan at a big `--dry-run`'s
/// end. The bytes are the same as [`plan`]'s, `{}` included when a path is not
/// UTF-8 (checked first, so nothing partial is ever written).
pub fn write_plan(
    p: &crate::ops::restructure::Planned,
    command: &str,
    dry_run: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if !paths_serialize(p) {
        return out.write_all(b"{}\n");
    }
    serde_json::to_writer_pretty(&mut *out, &plan_report(p, command, dry_run))?;
    out.write_all(b"\n")
}

/// Whether every path of the report can be serialized (is UTF-8): the paths
/// of the ops and of the conservation accounts are its only `Path`s, and a
/// path is the only thing in it serde_json can refuse.
fn paths_serialize(p: &crate::ops::restructure::Planned) -> bool {
    use crate::plan::Op;
    let ops = p.outcome.plan.ops.iter().flat_map(|op| match op {
        Op::Move { from, to, .. } => [Some(from), Some(to)],
        Op::Create { path, .. } | Op::Modify { path, .. } | Op::Delete { path, .. } => {
            [Some(path), None]
        }
    });
    let accounts = p.conservation.iter().map(|a| &a.original);
    ops.flatten()
        .chain(accounts)
        .all(|path| path.to_str().is_some())
}

fn plan_report<'a>(
    p: &'a crate::ops::restructure::Planned,
    command: &'a str,
    dry_run: bool,
) -> PlanReport<'a> {
    PlanReport {
        version: VERSION,
        command,
        dry_run,
        applied: p.applied,
        summary: p.outcome.plan.summary(),
        links_rewritten: p.outcome.links_rewritten,
        mentions_rewritten: p.outcome.mentions_rewritten,
        notes: p.outcome.notes.iter().map(Note::to_string).collect(),
        errors: p.errors.iter().map(Note::to_string).collect(),
        diagnostics: (p.outcome.notes.iter().map(|n| ("warning", n)))
            .chain(p.errors.iter().map(|n| ("error", n)))
            .map(|(severity, note)| Diagnostic { severity, note })
            .collect(),
        conservation: &p.conservation,
        ops: &p.outcome.plan.ops,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::finding::Severity;

    /// A planned run of `ops`, nothing else in it.
    pub(crate) fn planned(ops: Vec<crate::plan::Op>) -> crate::ops::restructure::Planned {
        let mut plan = crate::plan::Plan::new(".");
        plan.ops = ops;
        crate::ops::restructure::Planned {
            outcome: crate::plan::restructure::Outcome::of(plan),
            warnings: Vec::new(),
            errors: Vec::new(),
            applied: false,
            files: 0,
            fixes: Vec::new(),
            conservation: Vec::new(),
        }
    }

    /// Streamed, the report is the same bytes as held whole, newline added.
    #[test]
    fn the_streamed_plan_is_the_plan() {
        use crate::plan::Op;
        let p = planned(vec![
            Op::create("a/b.md", "# \"Q\"\n\ttab \u{1F600} é\n"),
            Op::modify("c.md", "old\n", "new\n"),
            Op::moved("d.md", "arch/d.md", "D\n"),
            Op::delete("e.md", "E\n"),
        ]);
        for dry in [true, false] {
            let mut out = Vec::new();
            write_plan(&p, "migrate", dry, &mut out).unwrap();
            let held = format!("{}\n", plan(&p, "migrate", dry));
            assert_eq!(String::from_utf8(out).unwrap(), held);
            assert!(held.contains("\"dry_run\": ") && held.len() > 200, "{held}");
        }
    }

    /// A path JSON cannot hold gives `{}` as before, and nothing partial first.
    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_gives_an_empty_object() {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"x\xff.md"));
        let p = planned(vec![
            crate::plan::Op::create("a.md", "A\n"),
            crate::plan::Op::create(bad, "B\n"),
        ]);
        let mut out = Vec::new();
        write_plan(&p, "migrate", true, &mut out).unwrap();
        assert_eq!(out, b"{}\n");
        assert_eq!(plan(&p, "migrate", true), "{}");
    }

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
        let bad = Note::new(crate::note::NoteKind::Unreadable, "b.md", "not valid UTF-8").at(2);
        let v: serde_json::Value =
            serde_json::from_str(&report("o200k_base", &files, &[f], &[bad])).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"version":1,"encoding":"o200k_base",
                "files":[{"path":"a.md","lines":10,"tokens":50}],
                "findings":[{"rule":"phase.missing","severity":"error","path":"a.md","line":9,
                    "column":3,"end_line":9,"subphase":"4.8","message":"m","evidence":[]}],
                "errors":[{"path":"b.md","line":2,"kind":"unreadable","message":"not valid UTF-8"}]})
        );
    }
}

#[derive(Serialize)]
struct RuleDoc<'a> {
    id: &'a str,
    severity: crate::finding::Severity,
    doc: &'a str,
    long: &'a str,
    settings: &'a [&'a str],
    /// `rules/README.md#anchor`.
    docs: String,
    example: Option<RuleExample<'a>>,
}

#[derive(Serialize)]
struct RuleExample<'a> {
    files: Vec<ExampleFile<'a>>,
    message: &'a str,
}

#[derive(Serialize)]
struct ExampleFile<'a> {
    path: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Rules<'a> {
    version: u32,
    rules: Vec<RuleDoc<'a>>,
}

/// `replan rule --format json`: `{"version": 1, "rules": [...]}`, one shape for
/// one rule or all.
pub fn rules<'a>(rules: impl IntoIterator<Item = &'a RuleInfo>) -> String {
    let rules = rules
        .into_iter()
        .map(|r| RuleDoc {
            id: r.id,
            severity: r.default,
            doc: r.doc,
            long: r.long,
            settings: r.settings,
            docs: format!("{}#{}", super::rule::README, r.section),
            example: r.example.as_ref().map(|ex| RuleExample {
                files: ex
                    .files
                    .iter()
                    .map(|&(path, text)| ExampleFile { path, text })
                    .collect(),
                message: ex.message,
            }),
        })
        .collect();
    let mut s = pretty(&Rules {
        version: VERSION,
        rules,
    });
    s.push('\n');
    s
}
