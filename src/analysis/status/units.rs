//! The subphases of the active plans and each one's derived status: every
//! subphase section of a plan file, or the whole file when it holds none (a
//! file named `phase-2.5-x.md` is subphase 2.5; another is an unnumbered unit).
//! A continuation part written by a split adds its lines to the subphase its
//! first part holds. Active plans are the files in `plan_dirs` outside the
//! archive and `plan_exclude`, status files and replan's own files left out;
//! a tree with no file in `plan_dirs` has every such file as a plan.

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

use super::derive::{Derived, Scan};
use crate::analysis::{Ctx, FileFacts};
use crate::config::check::StatusRules;
use crate::model::markers;

/// One subphase of an active plan.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Its number (`4.7`); empty for a file that is no numbered subphase.
    pub number: String,
    /// Index of its file among the checked files.
    pub file: usize,
    /// 1-based line of its heading (1 for a whole file).
    pub line: usize,
    /// Whether it is a whole file without subphase headings.
    pub whole_file: bool,
    /// What its own text says, if anything.
    pub derived: Option<Derived>,
    /// Checkboxes: ticked, all.
    pub checkboxes: (usize, usize),
}

impl Unit {
    /// A unit about to be scanned: what its text says is filled in after.
    fn scanned(number: String, file: usize, line: usize, whole_file: bool) -> Unit {
        Unit {
            number,
            file,
            line,
            whole_file,
            derived: None,
            checkboxes: (0, 0),
        }
    }
}

/// Whether `rel` is a status file (its lines are claims, not plans).
pub fn is_status(cx: &Ctx, rel: &Path) -> bool {
    cx.cfg.check.status.files.is_match(rel)
}

fn archived(cx: &Ctx, rel: &Path) -> bool {
    crate::walk::in_archive(rel) || rel.starts_with(cx.cfg.archive.dir_path())
}

fn in_plan_dirs(cx: &Ctx, rel: &Path) -> bool {
    cx.cfg.plan_dirs.is_match(rel) || rel.parent().is_some_and(|d| cx.cfg.plan_dirs.is_match(d))
}

/// Whether file `f` can hold subphases of an active plan (before the
/// `plan_dirs` fallback).
fn candidate(cx: &Ctx, f: &FileFacts) -> bool {
    !is_status(cx, f.rel)
        && !archived(cx, f.rel)
        && !cx.cfg.plan_exclude.is_match(f.rel)
        && !markers::is_index(&f.doc.source.text)
        && !f.rel.starts_with(cx.cfg.topics.dir_path())
}

/// Which files are active plans.
pub fn active(cx: &Ctx, files: &[FileFacts]) -> Vec<bool> {
    let cand: Vec<bool> = files.iter().map(|f| candidate(cx, f)).collect();
    let any_in_dirs = files
        .iter()
        .zip(&cand)
        .any(|(f, &c)| c && in_plan_dirs(cx, f.rel));
    files
        .iter()
        .zip(cand)
        .map(|(f, c)| c && (!any_in_dirs || in_plan_dirs(cx, f.rel)))
        .collect()
}

/// A file's headings by line.
fn heads_of<'f>(f: &'f FileFacts) -> Heads<'f> {
    let mut v: Vec<(usize, &str)> = Vec::with_capacity(f.doc.headings.len());
    for h in &f.doc.headings {
        match v.last_mut() {
            // Two headings on a line: the last one speaks for it.
            Some(last) if last.0 == h.line() => last.1 = h.text(),
            _ => v.push((h.line(), h.text())),
        }
    }
    Heads(v)
}

/// A file's headings by line, sorted (a document's headings are in line
/// order): looked up for every line a unit scans, where hashing each line
/// number cost more than the binary search.
struct Heads<'f>(Vec<(usize, &'f str)>);

impl<'f> Heads<'f> {
    /// The heading at 1-based `line`.
    fn get(&self, line: &usize) -> Option<&&'f str> {
        let i = self.0.partition_point(|(l, _)| l < line);
        self.0.get(i).filter(|(l, _)| l == line).map(|(_, t)| t)
    }
}

/// The unit of subphase `number` whose heading is at `line` (the whole file
/// when `whole`) in file `file`, and the scan of its lines up to `to`.
#[allow(clippy::too_many_arguments)]
fn scan_unit<'r>(
    rules: &'r StatusRules,
    f: &FileFacts,
    file: usize,
    heads: &Heads,
    number: String,
    line: usize,
    to: usize,
    whole: bool,
) -> (Unit, Scan<'r>) {
    let mut scan = Scan::new(rules, &number);
    scan.file(file);
    let mut from = line;
    if let Some(h) = heads.get(&line).filter(|_| !whole) {
        scan.own_heading(line, h);
        from = line + 1;
    }
    feed(&mut scan, f, heads, from, to);
    (Unit::scanned(number, file, line, whole), scan)
}

/// Feed lines `from..=to` of `f` to `scan`: code and cards skipped, headings
/// read as headings.
fn feed(scan: &mut Scan, f: &FileFacts, heads: &Heads, from: usize, to: usize) {
    for l in from..=to.min(f.lines()) {
        if f.is_code(l) {
            continue;
        }
        match heads.get(&l) {
            Some(h) => scan.heading(l, h),
            None => scan.line(l, f.line(l)),
        }
    }
}

/// The number a whole file stands for, by its name (`phase-2.5-x.md`).
fn file_number(cx: &Ctx, f: &FileFacts) -> String {
    cx.cfg
        .check
        .numbering
        .file_name
        .regex()
        .and_then(|r| r.captures(f.name()))
        .and_then(|c| c.name("number"))
        .map(|m| m.as_str().to_string())
        .unwrap_or_default()
}

/// In a file without subphase headings, the sections of its whole-phase
/// headings (`### Phase 4: DevOps Prod GKE Cluster`), at the level holding most
/// of them: number, heading line, last line. A heading counts when it starts
/// with what `check.status.phase` finds, for a whole phase (no dot).
fn phase_sections(cx: &Ctx, f: &FileFacts) -> Vec<(String, usize, usize)> {
    let Some(re) = cx.cfg.check.status.phase.regex() else {
        return Vec::new();
    };
    let found: Vec<(usize, u8, String)> = f
        .doc
        .headings
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let t = h
                .text()
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim_start();
            let c = re.captures(t)?;
            let n = c.name("number")?.as_str().to_string();
            // Whole phases only; "Phase 4.10 Complete" is a mark, not a section.
            // "Phase 4: Title", never "Phase 4 Refactoring Plan" (a document about it).
            let m = c.get(0)?;
            let rest = t[m.end()..].trim_start();
            let titled = rest.is_empty() || rest.starts_with([':', '-', '–', '—', '(', '|']);
            let mark = cx.cfg.check.status.done_heading.is_match(t);
            (m.start() == 0 && titled && !n.contains('.') && !mark).then_some((i, h.level, n))
        })
        .collect();
    let Some(level) = crate::subphase::unit_level(found.iter().map(|(_, l, _)| *l)) else {
        return Vec::new();
    };
    let total = f.lines().max(1);
    found
        .into_iter()
        .filter(|(_, l, _)| *l == level)
        .map(|(i, _, number)| {
            let h = &f.doc.headings[i];
            let end = f.doc.headings[i + 1..]
                .iter()
                .find(|n| n.level <= h.level && n.line() > h.line())
                .map_or(total, |n| n.line() - 1)
                .max(h.line());
            (number, h.line(), end)
        })
        .collect()
}

/// [`units`] of a run's files, worked out once per run (a run's rules are
/// always handed the same files): `status.stale` and `status.disagree` both
/// read them, side by side, and each built its own, every plan's units twice
/// at once (~2.6 MB of a 4,000-file tree each).
pub fn units_of<'c>(cx: &'c Ctx, files: &[FileFacts]) -> &'c [Unit] {
    cx.units.get_or_init(|| units(cx, files))
}

/// Every subphase of the active plans, in file and line order.
pub fn units(cx: &Ctx, files: &[FileFacts]) -> Vec<Unit> {
    let rules = &cx.cfg.check.status;
    let active = active(cx, files);
    // The last unit of each first part, for its continuation parts: its
    // file and its place among that file's units.
    let mut last_of: HashMap<&Path, (usize, usize)> = HashMap::new();
    let mut continuations: Vec<usize> = Vec::new();
    // Each file's units are scanned on their own, in parallel (this was one
    // core's pass over every line of every plan while the other core idled).
    let mut per_file: Vec<Vec<(Unit, Scan)>> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            if !active[i] || f.continues.is_some() {
                return Vec::new();
            }
            let heads = heads_of(f);
            let phases = if f.subphases.is_empty() {
                phase_sections(cx, f)
            } else {
                Vec::new()
            };
            // Sized to fit: every file's scans are held until the last file's
            // are done, and a vector grown by pushing kept room for four where
            // most files hold one (~4.5 MB of a 4,000-file tree, migrate's peak).
            let n = match (phases.len(), f.subphases.len()) {
                (0, 0) => 1,
                (0, s) => s,
                (p, _) => p,
            };
            let mut v = Vec::with_capacity(n);
            let mut add = |number: String, line: usize, to: usize, whole: bool| {
                v.push(scan_unit(rules, f, i, &heads, number, line, to, whole));
            };
            if !phases.is_empty() {
                for (number, line, end) in phases {
                    add(number, line, end, false);
                }
            } else if f.subphases.is_empty() {
                add(file_number(cx, f), 1, f.lines(), true);
            } else {
                for s in &f.subphases {
                    add(s.sp.number.clone(), s.line, s.end_line, false);
                }
            }
            v
        })
        .collect();
    for (i, f) in files.iter().enumerate() {
        if !active[i] {
            continue;
        }
        if f.continues.is_some() {
            continuations.push(i);
        } else if let Some(last) = per_file[i].len().checked_sub(1) {
            last_of.insert(f.rel, (i, last));
        }
    }
    // A continuation part's lines up to its first whole-phase heading are the
    // first part's last unit; a part of a long roadmap holds phases of its own,
    // which come after every first part's units.
    let mut own_phases: Vec<(Unit, Scan)> = Vec::new();
    for i in continuations {
        let f = &files[i];
        let heads = heads_of(f);
        let own = phase_sections(cx, f);
        let upto = own.first().map_or(f.lines(), |(_, line, _)| line - 1);
        if let Some(&(file, u)) = f
            .continues
            .as_ref()
            .and_then(|(first, _)| last_of.get(first.as_path()))
        {
            let scan = &mut per_file[file][u].1;
            scan.file(i);
            feed(scan, f, &heads, 1, upto);
        }
        // Phase sections start at their heading (`phase_sections` reads the
        // headings), so each is scanned as the first part's sections are.
        for (number, line, end) in own {
            own_phases.push(scan_unit(rules, f, i, &heads, number, line, end, false));
        }
    }
    // Made a file's scans at a time, each file's freed as it is read: the
    // scans of every file were gathered into one vector first, which held
    // them all twice (~20 MB of a 50,000-file tree's migrate, at its peak).
    let total = per_file.iter().map(Vec::len).sum::<usize>() + own_phases.len();
    let mut out: Vec<Unit> = Vec::with_capacity(total);
    for (mut unit, scan) in per_file.into_iter().flatten().chain(own_phases) {
        unit.checkboxes = scan.checkboxes();
        unit.derived = scan.finish();
        out.push(unit);
    }
    out
}

/// Whether subphase `number` is `phase` or lies below it (`4.7` under `4`).
pub fn under(number: &str, phase: &str) -> bool {
    !number.is_empty()
        && (number == phase
            || number
                .strip_prefix(phase)
                .is_some_and(|rest| rest.starts_with('.')))
}
