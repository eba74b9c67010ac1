//! What `check --diff` and `check --fix` say: the diff on stdout (from
//! [`super::diff`]), and on stderr each fix, what was left out and why, and a
//! summary line.

use std::fmt::Write;

use crate::fix::Fix;
use crate::ops::fix::{Mode, Report};

fn files(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

fn fixes(n: usize) -> String {
    format!("{n} fix{}", if n == 1 { "" } else { "es" })
}

fn place(f: &Fix) -> String {
    format!(
        "{}:{}: {} ({})",
        f.path.to_string_lossy().replace('\\', "/"),
        f.line.max(1),
        f.rule,
        f.safety.as_str()
    )
}

/// The diff of the fixes, for stdout.
pub fn diff(r: &Report) -> String {
    super::diff::render(&r.plan)
}

/// Every fix and what was left out, and the summary, for stderr.
pub fn notes(r: &Report, mode: Mode) -> String {
    let mut out = listed(&r.fixes);
    for (f, why) in &r.skipped {
        let _ = writeln!(out, "skipped: {}: {}: {why}", place(f), f.message);
    }
    for u in &r.unfixable {
        let _ = writeln!(
            out,
            "no fix: {}:{}: {}: {}",
            u.path,
            u.line.max(1),
            u.rule,
            u.reason
        );
    }
    for e in &r.errors {
        let _ = writeln!(out, "error: {e}");
    }
    let n = r.fixes.len();
    let touched = r.plan.ops.len();
    let summary = match (mode, r.applied) {
        (_, _) if !r.errors.is_empty() => {
            format!("check --fix: nothing written ({} refused)", fixes(n))
        }
        (Mode::Diff, _) if n == 0 => "check --diff: nothing to fix".to_string(),
        (Mode::Diff, _) => format!(
            "check --diff: {} in {} (apply with `replan check --fix{}`)",
            fixes(n),
            files(touched),
            if r.fixes
                .iter()
                .any(|f| f.safety == crate::fix::Safety::Unsafe)
            {
                " --unsafe-fixes"
            } else {
                ""
            }
        ),
        (Mode::Apply, true) => format!(
            "check --fix: applied {} in {} (undo with `replan restore`)",
            fixes(n),
            files(touched)
        ),
        (Mode::Apply, false) => "check --fix: nothing to fix".to_string(),
    };
    out.push_str(&summary);
    out.push('\n');
    if !r.held.is_empty() {
        let _ = writeln!(
            out,
            "{} unsafe {} not {} (add --unsafe-fixes): {}",
            r.held.len(),
            if r.held.len() == 1 { "fix" } else { "fixes" },
            if mode == Mode::Diff {
                "shown"
            } else {
                "applied"
            },
            r.held
                .iter()
                .map(|f| format!(
                    "{}:{} {}",
                    f.path.to_string_lossy().replace('\\', "/"),
                    f.line,
                    f.rule
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// The fixes a `migrate --fix` plan holds, one a line (for stderr).
pub fn listed(fixes: &[Fix]) -> String {
    let mut out = String::new();
    for f in fixes {
        let _ = writeln!(out, "fix: {}: {}", place(f), f.message);
    }
    out
}

/// Version of the JSON of `check --diff --format json`.
pub const JSON_VERSION: u32 = 1;

#[derive(serde::Serialize)]
struct JsonEdit<'a> {
    /// Half-open byte range into the file as it read at the fix's round.
    start: usize,
    end: usize,
    /// The bytes replaced (null for a held fix, which was not applied).
    old: Option<&'a str>,
    new: &'a str,
}

#[derive(serde::Serialize)]
struct JsonFix<'a> {
    path: String,
    rule: &'a str,
    line: usize,
    safety: &'a str,
    message: &'a str,
    /// 0: the edits are into the file as read; N: into it after the fixes of
    /// the rounds before (a repaired fence can reveal another fix).
    round: usize,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(serde::Serialize)]
struct JsonNote<'a> {
    path: String,
    rule: &'a str,
    line: usize,
    reason: &'a str,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    fixes: Vec<JsonFix<'a>>,
    /// Unsafe fixes not taken (no `--unsafe-fixes`).
    held: Vec<JsonFix<'a>>,
    skipped: Vec<JsonNote<'a>>,
    unfixable: Vec<JsonNote<'a>>,
    /// The whole change as a unified diff, as `check --diff` prints it.
    diff: String,
}

fn json_fix<'a>(f: &'a Fix, t: Option<&'a crate::ops::fix::Taken>) -> JsonFix<'a> {
    JsonFix {
        path: f.path.to_string_lossy().replace('\\', "/"),
        rule: f.rule,
        line: f.line.max(1),
        safety: f.safety.as_str(),
        message: &f.message,
        round: t.map_or(0, |t| t.round),
        edits: f
            .edits
            .iter()
            .enumerate()
            .map(|(i, e)| JsonEdit {
                start: e.range.start,
                end: e.range.end,
                old: t.and_then(|t| t.old.get(i)).map(String::as_str),
                new: &e.text,
            })
            .collect(),
    }
}

/// `check --diff --format json`: the fixes as data (file, rule, safety, byte
/// ranges, old and new text) with the diff they make. Versioned; never mixed
/// with the human notes, which still go to stderr.
pub fn json(r: &Report) -> String {
    let note = |path: String, rule, line: usize, reason| JsonNote {
        path,
        rule,
        line: line.max(1),
        reason,
    };
    let rep = JsonReport {
        version: JSON_VERSION,
        fixes: r
            .fixes
            .iter()
            .enumerate()
            .map(|(i, f)| json_fix(f, r.taken.get(i)))
            .collect(),
        held: r.held.iter().map(|f| json_fix(f, None)).collect(),
        skipped: r
            .skipped
            .iter()
            .map(|(f, why)| {
                note(
                    f.path.to_string_lossy().replace('\\', "/"),
                    f.rule,
                    f.line,
                    why.as_str(),
                )
            })
            .collect(),
        unfixable: r
            .unfixable
            .iter()
            .map(|u| note(u.path.clone(), u.rule, u.line, u.reason.as_str()))
            .collect(),
        diff: diff(r),
    };
    let mut s = serde_json::to_string_pretty(&rep).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
