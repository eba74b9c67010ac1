//! Text for `migrate` and `consolidate`: the findings the tree would still have,
//! one line per op saying why it is there (`consolidate --check`), and the summary.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use anstyle::AnsiColor;

use crate::finding::Finding;
use crate::ops::restructure::{Mode, Planned};
use crate::plan::conserve::{Account, Tally};
use crate::plan::restructure::Outcome;
use crate::plan::{Op, Plan, Reason};
use crate::ui::paint;

/// How many of the findings after a plan are listed.
const SHOWN: usize = 30;

/// The note on what `check` would still find in the tree after the plan, with
/// the first findings listed (for stderr); empty when there are none.
pub fn findings_after(findings: &[Finding], command: &str) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in findings {
        *counts.entry(f.severity.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let mut s = format!(
        "{}: check finds {} in the tree after this plan ({}); they do not stop `{command}`; see `replan check`\n",
        paint("note", AnsiColor::Cyan, true, true),
        findings.len(),
        counts.join(", "),
    );
    // In check's own form, so the same grep finds both.
    for f in findings.iter().take(SHOWN) {
        let _ = writeln!(
            s,
            "{}:{}:{}: {} {}: {}",
            f.path,
            f.line.max(1),
            f.column.max(1),
            f.severity.as_str(),
            f.rule,
            f.message
        );
    }
    if findings.len() > SHOWN {
        let _ = writeln!(s, "  … and {} more", findings.len() - SHOWN);
    }
    s
}

/// Of notes saying the same thing about more than this many files, the first
/// [`SAME_SHOWN`] are listed and the rest counted.
const SAME_MAX: usize = 5;
/// How many of such notes are listed.
const SAME_SHOWN: usize = 3;

/// The notes as `{warning}: path: message` lines, in order. A message said of
/// many files (a GSD tree's thirty plans over budget, each kept whole) is
/// listed for its first few files and then counted, on the line after the
/// last of them: every run of `migrate` and `consolidate` said it again, and
/// `check`'s own findings, listed next, name each file. JSON keeps every note.
fn notes_text(notes: &[crate::note::Note], warning: &str) -> String {
    use std::collections::BTreeMap;
    fn key(n: &crate::note::Note) -> (crate::note::NoteKind, &str) {
        (n.kind, n.message.as_str())
    }
    let mut total: BTreeMap<_, usize> = BTreeMap::new();
    for n in notes {
        *total.entry(key(n)).or_default() += 1;
    }
    let mut listed: BTreeMap<_, usize> = BTreeMap::new();
    let mut s = String::new();
    for n in notes {
        let all = total[&key(n)];
        let seen = listed.entry(key(n)).or_default();
        *seen += 1;
        if all <= SAME_MAX || *seen <= SAME_SHOWN {
            let _ = writeln!(s, "{warning}: {n}");
        }
        if all > SAME_MAX && *seen == SAME_SHOWN {
            let _ = writeln!(
                s,
                "{warning}: … and {} more files: {} (`--format json` lists them)",
                all - SAME_SHOWN,
                n.message
            );
        }
    }
    s
}

/// Whether a planned run shows its plan as a diff on stdout: a dry run, not
/// JSON, with nothing in the way. [`planned`] leaves the diff out (its stdout
/// is then empty) for the caller to stream with [`crate::render::diff::write`].
pub fn shows_diff(p: &Planned, mode: Mode, json: bool) -> bool {
    p.errors.is_empty() && mode == Mode::DryRun && !json
}

/// Whether a planned run prints its JSON report on stdout, and with which
/// `dry_run` flag: [`planned`] leaves it out (its stdout is then empty) for the
/// caller to stream with [`crate::render::json::write_plan`].
pub fn shows_json(p: &Planned, mode: Mode, json: bool) -> Option<bool> {
    let dry = mode != Mode::Apply;
    if !json {
        None
    } else if dry || !p.errors.is_empty() {
        Some(dry)
    } else if p.applied || p.outcome.plan.is_empty() {
        // A JSON reader gets an object whatever happened: applied, or nothing to do.
        Some(false)
    } else {
        None
    }
}

/// What to print (stdout, stderr) for a planned run of `command`: the notes,
/// what check would still find, the reasons (`--check`) or the errors, and the
/// summary; the JSON report ([`shows_json`]) and the diff ([`shows_diff`]) are
/// the caller's to stream. `--check` with nothing to do is
/// one line, as a CI step should be. `quiet` (`-q`) leaves out what check
/// would still find, "nothing to do" and the summary.
pub fn planned(
    p: &Planned,
    mode: Mode,
    json: bool,
    command: &str,
    quiet: bool,
) -> (String, String) {
    let (mut out, mut err) = (String::new(), String::new());
    let (dry, empty) = (mode != Mode::Apply, p.outcome.plan.is_empty());
    let ok = p.errors.is_empty();
    let warning = paint("warning", AnsiColor::Yellow, true, true);
    if !(mode == Mode::Check && empty && ok) {
        for w in &p.warnings {
            let _ = writeln!(err, "{warning}: {w}");
        }
        err.push_str(&notes_text(&p.outcome.notes, &warning));
        if !quiet {
            err.push_str(&findings_after(&p.outcome.findings, command));
        }
    }
    if json && (dry || !ok) {
        // Only the JSON report, written by the caller.
        return (out, err);
    }
    if !ok {
        let error = paint("error", AnsiColor::Red, true, true);
        for e in &p.errors {
            let _ = writeln!(err, "{error}: {e}");
        }
        let _ = writeln!(err, "{error}: the plan cannot be applied; nothing written");
        return (out, err);
    }
    match mode {
        // The diff is written by the caller, one file at a time ([`shows_diff`]).
        Mode::DryRun if !json => {}
        _ if quiet && empty => {}
        Mode::Check if empty => {
            let _ = writeln!(err, "{command}: nothing to do");
        }
        Mode::Check => {
            let splits = split_whys(&p.outcome);
            for op in &p.outcome.plan.ops {
                let _ = writeln!(out, "{}", why(op, &p.outcome, &splits));
            }
        }
        _ if empty => {
            let _ = writeln!(err, "{command}: nothing to do; nothing written");
        }
        _ => {}
    }
    if !quiet && (mode == Mode::DryRun || !empty) {
        if let Some(line) = conservation_summary(&p.conservation) {
            let _ = writeln!(err, "{line}");
        }
        let _ = writeln!(err, "{}", summary(&p.outcome, command, dry));
    }
    (out, err)
}

/// What to print (stdout, stderr) when an interrupted run was found: finished,
/// or shown as a diff with what to do next. `quiet` (`-q`) keeps the warnings
/// and the diff only.
pub fn interrupted(
    was: &str,
    journal: &str,
    plan: &Plan,
    finished: bool,
    kept: &[std::path::PathBuf],
    quiet: bool,
) -> (String, String) {
    let note = paint("note", AnsiColor::Cyan, true, true);
    let mut err = format!("{note}: an interrupted `{was}` was found ({journal})\n");
    let warning = paint("warning", AnsiColor::Yellow, true, true);
    let mut warnings = String::new();
    for k in kept {
        let k = k.display();
        let _ = writeln!(
            warnings,
            "{warning}: {k}: edited since the run was planned; kept as it is"
        );
    }
    if quiet {
        let out = if finished {
            String::new()
        } else {
            crate::render::diff::render(plan)
        };
        return (out, warnings);
    }
    err.push_str(&warnings);
    if !finished {
        err.push_str("re-run without --dry-run/--check to finish it, or `replan restore` to undo it; nothing written\n");
        return (crate::render::diff::render(plan), err);
    }
    let done = paint("finished", AnsiColor::Green, true, true);
    let _ = writeln!(err, "{done} the interrupted `{was}` ({})", plan.summary());
    (String::new(), err)
}

/// Why each original is split, by its path and by its archive copy's: made
/// once for every line of `--check` (a scan of the splits per op grew with
/// splits x ops).
pub fn split_whys(o: &Outcome) -> HashMap<&Path, &str> {
    o.splits
        .iter()
        .flat_map(|s| {
            [
                (s.original.as_path(), s.why.as_str()),
                (s.archived.as_path(), s.why.as_str()),
            ]
        })
        .collect()
}

/// One line saying why an op is in the plan (for `--check`); `splits` is
/// [`split_whys`] of `o`.
pub fn why(op: &Op, o: &Outcome, splits: &HashMap<&Path, &str>) -> String {
    let split_why = |p: &Path| {
        splits
            .get(p)
            .copied()
            .unwrap_or("over budget or several subphases")
    };
    let kind = |p: &Path| match o.reason(op) {
        Some(Reason::Index) => "index out of date".to_string(),
        Some(Reason::Decisions) => "decisions changed".to_string(),
        Some(Reason::Part) => "part of a split".to_string(),
        Some(Reason::Links) => "links to moved files".to_string(),
        Some(Reason::Card) => "task card out of date".to_string(),
        // A framework's file split in place: its archive copy and its index.
        Some(Reason::Split) => format!("split: {}", split_why(p)),
        None => "planned".to_string(),
    };
    match op {
        Op::Create { path, .. } => format!("create {} ({})", path.display(), kind(path)),
        Op::Modify { path, .. } => format!("update {} ({})", path.display(), kind(path)),
        Op::Move { from, to, .. } => format!(
            "split {} ({}) and archive it as {}",
            from.display(),
            split_why(from),
            to.display()
        ),
        Op::Delete { path, .. } => format!("delete {}", path.display()),
    }
}

/// What undoing a run changes, in restore's words: its moves bring originals
/// back from the archive.
pub fn undo_summary(plan: &Plan) -> String {
    let s = plan.summary();
    format!(
        "{} moved back from the archive, {} restored in place, {} removed, {} re-created",
        s.moved, s.modified, s.deleted, s.created
    )
}

/// One line for all the originals a run split: how many, what went in and
/// whether their parts hold it all. Per-original lines go to `-v`
/// ([`conservation_lines`]): a tree of fifty monoliths would otherwise print
/// fifty lines of `equal` on every run; the manifest and JSON keep them all,
/// and an unequal original is an error, printed whatever the verbosity.
pub fn conservation_summary(accounts: &[Account]) -> Option<String> {
    if accounts.is_empty() {
        return None;
    }
    let sum = |f: fn(&Tally) -> usize, parts: bool| -> usize {
        accounts
            .iter()
            .map(|a| f(if parts { &a.parts } else { &a.input }))
            .sum()
    };
    let unequal = accounts.iter().filter(|a| !a.equal).count();
    let (b, l, k) = (
        sum(|t| t.bytes, false),
        sum(|t| t.lines, false),
        sum(|t| t.blocks, false),
    );
    let verdict = if unequal == 0 {
        paint("equal", AnsiColor::Green, true, true)
    } else {
        paint(&format!("{unequal} not equal"), AnsiColor::Red, true, true)
    };
    let n = accounts.len();
    let originals = if n == 1 { "original" } else { "originals" };
    Some(if unequal == 0 {
        format!(
            "conservation: {n} {originals}, {b} bytes, {l} lines, {k} blocks in; the same in their parts: {verdict}"
        )
    } else {
        format!(
            "conservation: {n} {originals}, {b} bytes, {l} lines, {k} blocks in; {} bytes, {} lines, {} blocks in their parts: {verdict}",
            sum(|t| t.bytes, true),
            sum(|t| t.lines, true),
            sum(|t| t.blocks, true),
        )
    })
}

/// One line per original: `path: in B bytes, L lines, K blocks; parts …; equal`.
pub fn conservation_lines(accounts: &[Account]) -> Vec<String> {
    accounts
        .iter()
        .map(|a| {
            let t =
                |t: &Tally| format!("{} bytes, {} lines, {} blocks", t.bytes, t.lines, t.blocks);
            format!(
                "{}: in {}; parts {}; {}",
                a.original.display(),
                t(&a.input),
                t(&a.parts),
                if a.equal { "equal" } else { "NOT equal" }
            )
        })
        .collect()
}

/// The closing line: what changed (or would), files split, links rewritten.
pub fn summary(o: &Outcome, command: &str, dry: bool) -> String {
    let s = o.plan.summary();
    let verb = if dry { "would change" } else { "changed" };
    format!(
        "{}: {} {} ({s}); {} files split, {} links rewritten{}{}",
        command,
        paint(verb, AnsiColor::Green, true, true),
        s.created + s.modified + s.moved + s.deleted,
        o.splits.len(),
        o.links_rewritten,
        match o.mentions_rewritten {
            0 => String::new(),
            1 => ", 1 mention rewritten".to_string(),
            n => format!(", {n} mentions rewritten"),
        },
        if dry { "; nothing written" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Op;
    use crate::render::json::tests::planned as plan_of;

    /// The JSON report is the caller's to stream, printed exactly when it was
    /// printed held whole: every dry run or refusal, an applied run, nothing to
    /// do; and [`planned`] then leaves stdout empty for it.
    #[test]
    fn the_json_report_is_left_to_the_caller() {
        let mut p = plan_of(vec![Op::create("a.md", "A\n")]);
        assert_eq!(shows_json(&p, Mode::DryRun, true), Some(true));
        assert_eq!(shows_json(&p, Mode::Check, true), Some(true));
        assert_eq!(shows_json(&p, Mode::DryRun, false), None);
        assert_eq!(shows_json(&p, Mode::Apply, true), None);
        for mode in [Mode::DryRun, Mode::Check, Mode::Apply] {
            assert_eq!(planned(&p, mode, true, "migrate", false).0, "");
        }
        p.applied = true;
        assert_eq!(shows_json(&p, Mode::Apply, true), Some(false));
        p.applied = false;
        p.errors.push(crate::note::Note::new(
            crate::note::NoteKind::Refused,
            "a.md",
            "in the way",
        ));
        assert_eq!(shows_json(&p, Mode::Apply, true), Some(false));
        assert_eq!(shows_json(&p, Mode::Apply, false), None);
        let empty = plan_of(Vec::new());
        assert_eq!(shows_json(&empty, Mode::Apply, true), Some(false));
    }

    #[test]
    fn a_note_said_of_many_files_is_listed_for_a_few_then_counted() {
        use crate::note::{Note, NoteKind};
        let kept = "over budget but kept whole: GSD reads this file's structure";
        let mut notes: Vec<Note> = (1..=6)
            .map(|i| Note::new(NoteKind::Framework, format!("p{i}.md"), kept))
            .collect();
        notes.insert(1, Note::new(NoteKind::Decisions, "", "decisions: 3 kept"));
        let text = notes_text(&notes, "warning");
        assert_eq!(
            text,
            "warning: p1.md: over budget but kept whole: GSD reads this file's structure\n\
             warning: decisions: 3 kept\n\
             warning: p2.md: over budget but kept whole: GSD reads this file's structure\n\
             warning: p3.md: over budget but kept whole: GSD reads this file's structure\n\
             warning: … and 3 more files: over budget but kept whole: GSD reads this file's \
             structure (`--format json` lists them)\n"
        );
        // At the limit, every one is listed.
        notes.truncate(SAME_MAX + 1);
        let text = notes_text(&notes, "warning");
        assert_eq!(text.lines().count(), SAME_MAX + 1, "{text}");
        assert!(!text.contains("more files"), "{text}");
    }
}
