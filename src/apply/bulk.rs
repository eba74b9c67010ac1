//! Staging every file a run writes (step 2 of [`super::apply_reporting`]), a
//! folder at a time on rayon's threads. Archive copies are not staged but
//! made in step 3 as a second name of their original (see `archive`), save
//! one that replaces a file the plan deletes (restore's originals put back).
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

/// A Move's archive copy, made in step 3.
pub(super) struct Copy<'p> {
    pub(super) make: Make,
    /// The Move's index in the plan (it names its temp file, see `temps`).
    pub(super) n: usize,
    pub(super) op: &'p Op,
}

/// How a Move's archive copy comes to be.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Make {
    /// Staged as a copy (its number in [`Staged`] and temp name), renamed
    /// over the file there, which the plan deletes (restore putting an
    /// original back where its first part is).
    Staged(usize, OsString),
    /// Nothing is there: made in step 3 as a second name of the original
    /// (see `archive`).
    Link,
    /// There already (a run finishing an interrupted one).
    There,
}

/// What a folder's jobs did: per job, how a Move's copy is made (`None`
/// for a write).
type Staging = Result<Vec<(usize, Option<Make>)>, ApplyError>;

/// What one staging job writes.
enum Job<'p> {
    /// New contents for a Create or Modify, renamed to `name` later; a file
    /// written over keeps its permissions.
    Write { name: &'p OsStr, contents: &'p [u8] },
    /// A Move's archive copy at `name`, staged only where it replaces a file
    /// the plan deletes (else made in step 3, or there already); it keeps
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
    // (job, op index, op) of each Move.
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
            moves.push((jobs.len(), *n, *op));
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
                            if replaces {
                                let (fdir, fname) = split(from);
                                let mode = tree.dir(fdir)?.map(|s| s.mode(fname));
                                let mode = mode.transpose()?.flatten();
                                stage(&d, tmp, contents, mode.as_ref())?;
                                Some(Make::Staged(0, OsString::new()))
                            } else if there.is_none() {
                                Some(Make::Link)
                            } else {
                                Some(Make::There)
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
    // How each Archive job's copy is made; the first error, in folder
    // order, is the run's.
    let mut made: Vec<Option<Make>> = vec![None; jobs.len()];
    for r in results {
        for (k, done) in r? {
            made[k] = done;
        }
    }
    let mut copies = Vec::with_capacity(moves.len());
    for (k, n, op) in moves {
        let (_, tmp, i, _) = &jobs[k];
        let make = match made[k].take() {
            Some(Make::Staged(..)) => Make::Staged(*i, tmp.clone()),
            other => {
                // Nothing was written under this temp name.
                staged.done(*i);
                other.unwrap_or(Make::There)
            }
        };
        copies.push(Copy { make, n, op });
    }
    Ok((renames, copies))
}
