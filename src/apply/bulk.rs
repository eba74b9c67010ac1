//! Staging every file a run writes (step 2 of [`super::apply_reporting`]), a
//! folder at a time on rayon's threads.
//!
//! Why in parallel: on ext4 most of a run's writing time is the kernel making
//! inodes (in a 4,000-file migrate, the search for a free inode was ~45% of the
//! run's CPU, ~0.45 ms a file where many files were removed shortly before),
//! and the kernel makes the files of one folder one at a time (under the
//! folder's lock) but those of different folders at once.
//!
//! Why it is safe: staging only creates names of replan's own (the run's temp
//! names, see `temps`) with `O_EXCL`, in folders opened from the root without
//! following a link; nothing a user has is replaced or removed here. Each
//! folder is opened once for all the files staged in it: one renamed away or
//! swapped for a link meanwhile receives at most those temp files, and every
//! rename and removal that follows opens its folder again from the root, so
//! it finds the temp file missing (and stops) or the link (and stops) before
//! a user's file is touched. Every temp is registered with [`Staged`] before
//! any is written, so one that fails leaves none behind.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::refill::Refill;
use super::staged::{stage, Staged};
use super::tree::{split, Tree};
use super::{temps, ApplyError};
use crate::plan::Op;

/// A staged Create's or Modify's file, renamed over its target in step 4.
pub(super) struct Rename<'p> {
    /// Its number in [`Staged`].
    pub(super) staged: usize,
    pub(super) tmp: OsString,
    /// The target's file name, in the folder of `op.path()`.
    pub(super) name: &'p OsStr,
    pub(super) op: &'p Op,
    pub(super) abs: PathBuf,
}

/// A Move's archive copy: staged (its number in [`Staged`], temp name, and
/// whether it replaces the file there, which the plan deletes), or `None` when
/// the copy is there already.
pub(super) struct Copy<'p> {
    pub(super) staged: Option<(usize, OsString, bool)>,
    pub(super) op: &'p Op,
}

/// What a folder's jobs did: per job, whether a Move's copy was staged (and
/// replaces what is there).
type Staging = Result<Vec<(usize, Option<bool>)>, ApplyError>;

/// What one staging job writes.
enum Job<'p> {
    /// New contents for a Create or Modify, renamed to `name` later; a file
    /// written over keeps its permissions.
    Write { name: &'p OsStr, contents: &'p [u8] },
    /// A Move's archive copy at `name`, unless it is there already; it keeps
    /// the original's permissions.
    Archive {
        name: &'p OsStr,
        from: &'p Path,
        to: &'p Path,
        contents: &'p [u8],
    },
}

/// Stage the new contents of every Create and Modify of `todo`, then the
/// archive copies of its Moves still to make, each as temp file `n` of `run`
/// beside its target; folders missing are made. Returns what step 3 and 4
/// rename, in `todo`'s order. The number of Creates and Modifies staged is
/// `renames.len()`.
pub(super) fn stage_all<'p>(
    tree: &Tree,
    todo: &'p [(usize, &'p Op, PathBuf)],
    refills: &std::collections::HashMap<&Path, Refill<'_>>,
    run: &str,
    staged: &mut Staged<'_>,
) -> Result<(Vec<Rename<'p>>, Vec<Copy<'p>>), ApplyError> {
    // (folder, temp name, its number in `staged`, job), writes first.
    let mut jobs: Vec<(&Path, OsString, usize, Job)> = Vec::new();
    let mut renames = Vec::new();
    for (n, op, abs) in todo {
        let contents = match op {
            Op::Create { contents, .. } => contents,
            Op::Modify { new, .. } => new,
            _ => continue,
        };
        let (dir, name) = split(op.path());
        let tmp = temps::name(run, *n);
        let i = staged.add(dir.join(&tmp));
        renames.push(Rename {
            staged: i,
            tmp: tmp.clone(),
            name,
            op,
            abs: abs.clone(),
        });
        let contents = contents.as_bytes();
        jobs.push((dir, tmp, i, Job::Write { name, contents }));
    }
    // (job, op) of each Move.
    let mut moves = Vec::new();
    for (n, op, _) in todo {
        if let Op::Move { contents, to, from } = op {
            let (dir, name) = split(to);
            let tmp = temps::name(run, *n);
            let i = staged.add(dir.join(&tmp));
            let contents = contents.as_bytes();
            let job = Job::Archive {
                name,
                from,
                to,
                contents,
            };
            moves.push((jobs.len(), *op));
            jobs.push((dir, tmp, i, job));
        }
    }
    let mut by_dir: BTreeMap<&Path, Vec<usize>> = BTreeMap::new();
    for (k, (dir, ..)) in jobs.iter().enumerate() {
        by_dir.entry(dir).or_default().push(k);
    }
    // Once one folder failed, the others stop at their next file.
    let failed = AtomicBool::new(false);
    let results: Vec<Staging> = by_dir
        .into_par_iter()
        .map(|(dir, ks)| {
            let staged_in = || {
                let d = tree.dir_create(dir)?;
                let mut out = Vec::with_capacity(ks.len());
                for k in ks {
                    if failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let (_, tmp, _, job) = &jobs[k];
                    let done = match job {
                        Job::Write { name, contents } => {
                            stage(&d, tmp, contents, d.mode(name)?.as_ref())?;
                            None
                        }
                        Job::Archive {
                            name,
                            from,
                            to,
                            contents,
                        } => {
                            let there = d.read(name)?;
                            let replaces = there
                                .as_deref()
                                .is_some_and(|t| refills.get(*to).is_some_and(|r| r.old == t));
                            if there.is_none() || replaces {
                                let (fdir, fname) = split(from);
                                let mode = tree.dir(fdir)?.map(|s| s.mode(fname));
                                let mode = mode.transpose()?.flatten();
                                stage(&d, tmp, contents, mode.as_ref())?;
                                Some(replaces)
                            } else {
                                None
                            }
                        }
                    };
                    out.push((k, done));
                }
                Ok(out)
            };
            staged_in().inspect_err(|_| failed.store(true, Ordering::Relaxed))
        })
        .collect();
    // Whether each Archive job staged its copy (and replaces what is there);
    // the first error, in folder order, is the run's.
    let mut copied: Vec<Option<bool>> = vec![None; jobs.len()];
    for r in results {
        for (k, done) in r? {
            copied[k] = done;
        }
    }
    let mut copies = Vec::with_capacity(moves.len());
    for (k, op) in moves {
        let (_, tmp, i, _) = &jobs[k];
        let copy = match copied[k] {
            Some(replaces) => Some((*i, tmp.clone(), replaces)),
            None => {
                // Nothing was written under this temp name.
                staged.done(*i);
                None
            }
        };
        copies.push(Copy { staged: copy, op });
    }
    Ok((renames, copies))
}
