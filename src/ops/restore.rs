//! `restore` as an operation: undo an interrupted run from its journal, or else
//! the last run recorded in the manifest, byte for byte. Refuses, naming the
//! files, when generated files were edited since (unless forced).

use std::path::{Path, PathBuf};

use super::Progress;
use crate::apply::{journal, lock, read_text, ApplyOptions};
use crate::config::Config;
use crate::plan::manifest::{Manifest, Run};
use crate::plan::undo::undo_plan;
use crate::plan::{Op, Plan};

/// Options of a restore.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder holding `.claude/`.
    pub root: PathBuf,
    /// Restore even over edits made since (they are lost).
    pub force: bool,
    /// Show the plan, write nothing.
    pub dry_run: bool,
}

/// What a restore did or would do (`done` is false on a dry run).
#[derive(Debug)]
pub enum Report {
    /// An interrupted restore was found and finished.
    FinishedRestore {
        /// Its journaled plan.
        plan: Plan,
        /// Whether it was applied now.
        done: bool,
        /// Files left as they are because they were edited since.
        kept: Vec<PathBuf>,
    },
    /// An interrupted `migrate` or `consolidate` was found and undone.
    UndidInterrupted {
        /// The interrupted command.
        command: String,
        /// The plan that undoes what it applied.
        plan: Plan,
        /// Whether it was applied now.
        done: bool,
        /// Files left as they are because they were edited since.
        kept: Vec<PathBuf>,
    },
    /// There is no manifest, so nothing to restore.
    NoManifest {
        /// The manifest's path.
        manifest: PathBuf,
    },
    /// The manifest records no run.
    NoRun {
        /// The manifest's path.
        manifest: PathBuf,
    },
    /// Files were edited since the run wrote them; nothing written.
    Refused {
        /// The run's command.
        command: String,
        /// The edited files.
        edited: Vec<String>,
    },
    /// The last run was undone.
    Restored {
        /// The run undone (boxed: it is most of the report's size).
        run: Box<Run>,
        /// The plan that undid it.
        plan: Plan,
        /// Edits lost to `--force`.
        lost_edits: Vec<String>,
        /// Whether it was applied now.
        done: bool,
    },
}

/// Restore the tree under `opts.root`.
pub fn run(opts: &Options, cfg: &Config, progress: Progress) -> anyhow::Result<Report> {
    let root = &opts.root;
    let jrel = PathBuf::from(&cfg.archive.journal);
    let mrel = PathBuf::from(&cfg.archive.manifest);
    // Undoing or finishing an interrupted run keeps any file edited since.
    let apply_opts = ApplyOptions {
        force: opts.force,
        keep_edited: true,
    };
    // Held from before the journal is read, so a run still applying is never
    // taken for an interrupted one.
    let _lock = if opts.dry_run {
        None
    } else {
        Some(lock::acquire(root, "restore", lock::WAIT)?)
    };

    // An interrupted run: undo whatever part of it was applied.
    if let Some(j) = journal::read(root, &jrel)? {
        let done = !opts.dry_run;
        if j.command == "restore" {
            // An interrupted restore: finish it.
            let kept = if done {
                journal::settle(root, &jrel, &j.plan, &j.plan, apply_opts)?
            } else {
                Vec::new()
            };
            return Ok(Report::FinishedRestore {
                plan: j.plan,
                done,
                kept,
            });
        }
        let inv = journal::inverse(&j.plan);
        let kept = if done {
            journal::settle(root, &jrel, &inv, &j.plan, apply_opts)?
        } else {
            Vec::new()
        };
        return Ok(Report::UndidInterrupted {
            command: j.command,
            plan: inv,
            done,
            kept,
        });
    }

    let Some(mtext) = read_text(root, &mrel)? else {
        return Ok(Report::NoManifest { manifest: mrel });
    };
    let mut m = Manifest::parse(&mtext)
        .map_err(|e| anyhow::anyhow!("{}: not a replan manifest: {e}", mrel.display()))?;
    let Some(run) = m.runs.pop() else {
        return Ok(Report::NoRun { manifest: mrel });
    };
    let mut edited = Vec::new();
    let read = |rel: &Path| read_text(root, rel);
    let mut plan = undo_plan(root, &run, &read, opts.force, &mut edited)?;
    if !edited.is_empty() && !opts.force {
        return Ok(Report::Refused {
            command: run.command,
            edited,
        });
    }
    plan.ops.push(if m.runs.is_empty() {
        match &run.manifest_before {
            Some(was) => Op::modify(mrel.clone(), mtext, was.clone()),
            None => Op::delete(mrel.clone(), mtext),
        }
    } else {
        Op::modify(mrel.clone(), mtext, m.to_text())
    });
    if !opts.dry_run {
        let pb = progress(Some(0), "restoring");
        journal::apply_journaled(root, &jrel, "restore", &plan, &super::steps_on(&pb))?;
        pb.finish_and_clear();
        let mut paths: Vec<PathBuf> = run.created.iter().map(|c| c.path.clone()).collect();
        paths.extend(run.moved.iter().map(|m| m.to.clone()));
        paths.extend(run.originals.iter().map(|o| o.path.clone()));
        paths.push(mrel);
        journal::prune_empty_dirs(root, &paths);
    }
    Ok(Report::Restored {
        run: Box::new(run),
        plan,
        lost_edits: edited,
        done: !opts.dry_run,
    })
}
