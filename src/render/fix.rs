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
