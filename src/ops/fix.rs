//! `check --diff` and `check --fix` as an operation: check the files, turn the
//! findings into fixes ([`crate::fix`]), and make one Plan of `Modify` ops from
//! them. One gate then decides between showing it (a unified diff) and applying
//! it the way `migrate` applies its plans: under the tree's lock, refused on
//! files with uncommitted changes (unless allowed) or on an interrupted run,
//! recorded in the manifest as a run of `fix` (so `restore` undoes it byte for
//! byte) and written through the journal, which re-checks every file against
//! what was read. After a real run the files are checked again, so the findings
//! that remain can be shown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::check::{self, Checked};
use super::Progress;
use crate::analysis::Input;
use crate::apply::{self, journal, lock};
use crate::config::Config;
use crate::fix::{self, Fix, Safety, Unfixable};
use crate::note::{Note, NoteKind};
use crate::plan::{manifest, Op, Plan};

/// The command a fix run is recorded as (manifest, journal, lock).
pub const COMMAND: &str = "check --fix";

/// What to do with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show them as a diff; write nothing.
    Diff,
    /// Apply them.
    Apply,
}

/// Options of a fix run.
#[derive(Debug, Clone)]
pub struct Options {
    /// What to check (as `check`).
    pub check: check::Options,
    /// Show or apply.
    pub mode: Mode,
    /// Take the unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Touch files with uncommitted git changes.
    pub allow_dirty: bool,
}

/// What a fix run found, showed or did.
#[derive(Debug)]
pub struct Report {
    /// The check before any fix.
    pub before: Checked,
    /// The fixes taken, in the plan.
    pub fixes: Vec<Fix>,
    /// Unsafe fixes left out (no `--unsafe-fixes`).
    pub held: Vec<Fix>,
    /// Fixes left out because they overlap another, with why.
    pub skipped: Vec<(Fix, String)>,
    /// Findings of fixable rules that have no fix, with why.
    pub unfixable: Vec<Unfixable>,
    /// The files changed: one `Modify` per file.
    pub plan: Plan,
    /// Reasons the plan was not applied (nothing was written).
    pub errors: Vec<Note>,
    /// Whether the plan was applied.
    pub applied: bool,
    /// After a real run: the check of the files as they are now.
    pub after: Option<Checked>,
}

/// The manifest's text now, if there is one.
fn manifest_text(root: &Path, cfg: &Config) -> anyhow::Result<Option<String>> {
    apply::read_text(root, Path::new(&cfg.archive.manifest))
}

/// Check, find the fixes and show or apply them.
pub fn run(
    root: &Path,
    opts: &Options,
    cfg: &Config,
    progress: Progress,
) -> anyhow::Result<Report> {
    // A run that may write holds the lock from before it reads anything.
    let _lock = match opts.mode {
        Mode::Apply => Some(lock::acquire(root, COMMAND, lock::WAIT)?),
        Mode::Diff => None,
    };
    let jrel = PathBuf::from(&cfg.archive.journal);
    if opts.mode == Mode::Apply {
        // An interrupted fix run is finished first (keeping any file edited
        // since), as `migrate` finishes its own; another command's is refused below.
        if let Some(j) = journal::read(root, &jrel)?.filter(|j| j.command == COMMAND) {
            journal::remove_temps(root, &j.plan, &jrel);
            let keep = apply::ApplyOptions {
                keep_edited: true,
                ..apply::ApplyOptions::default()
            };
            apply::apply(&j.plan, keep)?;
            journal::remove(root, &jrel)?;
        }
    }
    let before = check::run(root, &opts.check, cfg, progress)?;
    let inputs: Vec<Input> = before
        .docs
        .iter()
        .map(|(rel, doc)| Input { rel, doc })
        .collect();
    let found = fix::find(cfg, &inputs, &before.report.findings);
    let (taken, held): (Vec<Fix>, Vec<Fix>) = found
        .fixes
        .into_iter()
        .partition(|f| f.safety == Safety::Safe || opts.unsafe_fixes);
    // One pass per file; overlapping fixes keep the first.
    let mut by_file: BTreeMap<PathBuf, Vec<Fix>> = BTreeMap::new();
    for f in taken {
        by_file.entry(f.path.clone()).or_default().push(f);
    }
    let mut plan = Plan::new(root);
    let mut fixes = Vec::new();
    let mut skipped = Vec::new();
    for (path, list) in by_file {
        let Some(doc) = inputs.iter().find(|i| i.rel == path).map(|i| i.doc) else {
            continue;
        };
        let refs: Vec<&Fix> = list.iter().collect();
        let (new, applied, left) = fix::apply(&doc.source.text, &refs);
        for s in left {
            skipped.push((list[s.index].clone(), s.reason));
        }
        if new != doc.source.text {
            plan.ops
                .push(Op::modify(&path, doc.source.text.clone(), new));
        }
        fixes.extend(applied.into_iter().map(|i| list[i].clone()));
    }
    drop(inputs);
    let mut report = Report {
        before,
        fixes,
        held,
        skipped,
        unfixable: found.unfixable,
        plan,
        errors: Vec::new(),
        applied: false,
        after: None,
    };
    if opts.mode == Mode::Diff || report.plan.is_empty() {
        return Ok(report);
    }

    if let Some(j) = journal::read(root, &jrel)? {
        report.errors.push(Note::new(
            NoteKind::Refused,
            "",
            format!(
                "a run of `{}` was interrupted; finish it with `replan {}` or undo it with `replan restore` first",
                j.command,
                if j.command == "restore" { "restore" } else { "migrate" }
            ),
        ));
    }
    if !opts.allow_dirty {
        report
            .errors
            .extend(super::restructure::git_guard(root, &report.plan));
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let run = manifest::record(&report.plan, COMMAND, &[]);
    let mrel = PathBuf::from(&cfg.archive.manifest);
    let mop = manifest::append_op(&mrel, manifest_text(root, cfg)?.as_deref(), run)
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut full = Plan::new(root);
    full.ops.push(mop);
    full.ops.extend(report.plan.ops.iter().cloned());
    let pb = progress(0, "writing");
    journal::apply_journaled(root, &jrel, COMMAND, &full, &super::steps_on(&pb))?;
    pb.finish_and_clear();
    report.applied = true;
    report.after = Some(check::run(root, &opts.check, cfg, progress)?);
    Ok(report)
}
