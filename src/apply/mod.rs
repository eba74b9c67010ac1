//! The only code that writes. Order: check everything, stage every new file as a
//! temp file beside its target, give originals their archive name (a second
//! name of the same file, or a copy: see [`archive`]) and verify the bytes
//! there, rename staged files into place, and only then remove originals.
//! A failure before the renames leaves the tree as it was (staged temp files are
//! removed when dropped; after a kill, recovery removes them by name, see
//! [`temps`]). Every write goes through `tree`: on Linux relative to folder
//! descriptors opened without following links, so a link swapped into the tree
//! while a run applies stops it instead of redirecting a write.
//!
//! A path may be emptied and filled by the same plan: a split's first part takes
//! its original's name (a Create where a Move starts), and restore puts the
//! original back where that part was (a Move ending where a Delete is). The new
//! file then replaces the old with one rename, once the old one is safe (its
//! archive copy verified, or it is the part being deleted), and is never removed.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::plan::{Op, Plan};

mod archive;
mod bulk;
mod durability;
#[cfg(target_os = "linux")]
mod fsat;
#[cfg_attr(target_os = "linux", allow(dead_code))]
mod fspath;
pub mod journal;
pub mod lock;
pub mod preflight;
mod reaper;
mod refill;
mod staged;
mod steps;
pub mod temps;
mod tree;

use durability::Touched;
use reaper::Reaper;
use refill::refills;
use staged::Staged;
use steps::Steps;
use tree::{split, Tree};

/// Why a plan could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Applying would be unsafe; nothing was written.
    #[error("{path}: {reason}; nothing written")]
    Refused {
        /// The path at fault.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// An I/O step failed.
    #[error("{path}: {error}")]
    Io {
        /// The path at fault.
        path: PathBuf,
        /// Underlying error (in the message, not chained, so it prints once).
        error: std::io::Error,
    },
    /// A copy did not read back identical.
    #[error("{path}: archived copy does not match the original (sha256); original kept")]
    Checksum {
        /// The archive path.
        path: PathBuf,
    },
    /// A file was edited between planning and its removal or replacement; it was kept.
    #[error(
        "{path}: changed while replan ran, so it was kept as it is now; the copy made \
         before the change was kept too: compare the two, keep one, then re-run or restore"
    )]
    ChangedDuringRun {
        /// The original.
        path: PathBuf,
    },
    /// A file the plan replaces or removes was edited while the run applied; the
    /// user's version was kept and nothing more was written.
    #[error("{path}: edited while replan ran, so your version was kept and the run stopped there")]
    EditedDuringRun {
        /// The file.
        path: PathBuf,
    },
    /// Something on a path changed under the run in a way it must not write
    /// through (a folder swapped for a symbolic link); nothing was written
    /// there and the run stopped.
    #[error("{path}: {reason}; nothing was written through it, and the run stopped there")]
    Unsafe {
        /// The path at fault.
        path: PathBuf,
        /// What was found there.
        reason: &'static str,
    },
    /// A failure injected by `REPLAN_FAIL_AFTER` (crash-test builds only).
    #[error("injected failure after step {0}")]
    Injected(usize),
}

/// Options for [`apply`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// Overwrite existing files that a Create would write.
    pub force: bool,
    /// Leave alone, instead of refusing, a file the plan would replace or remove
    /// that was edited since the plan was made: how an interrupted run is
    /// finished or undone without losing an edit made in between.
    pub keep_edited: bool,
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ApplyError + '_ {
    move |error| ApplyError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Refuse absolute paths, `..`, and any existing component below the root that is a
/// symlink (so nothing is written through a link out of the root).
pub fn check_inside(root: &Path, rel: &Path) -> Result<PathBuf, ApplyError> {
    Inside::new(root).check(rel)
}

/// [`check_inside`] for the many paths of one plan, each folder on the way
/// looked at once: checking a 4,000-file migrate's ops path by path made
/// ~60,000 `lstat`s of the same few folders. For one pass of checks that
/// write nothing; the writes themselves never follow a link (`tree`).
pub(crate) struct Inside<'r> {
    root: &'r Path,
    /// Whether each path looked at is a symbolic link.
    link: HashMap<PathBuf, bool>,
}

impl<'r> Inside<'r> {
    pub(crate) fn new(root: &'r Path) -> Inside<'r> {
        Inside {
            root,
            link: HashMap::new(),
        }
    }

    /// As [`check_inside`].
    pub(crate) fn check(&mut self, rel: &Path) -> Result<PathBuf, ApplyError> {
        let refuse = |reason: &str| ApplyError::Refused {
            path: rel.to_path_buf(),
            reason: reason.to_string(),
        };
        let mut cur = self.root.to_path_buf();
        for c in rel.components() {
            match c {
                Component::Normal(n) => cur.push(n),
                Component::CurDir => {}
                _ => return Err(refuse("path leaves the root")),
            }
            let link = match self.link.get(&cur) {
                Some(l) => *l,
                None => {
                    let l =
                        std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink());
                    self.link.insert(cur.clone(), l);
                    l
                }
            };
            if link {
                return Err(refuse(
                    "path goes through a symlink; replan never writes through links",
                ));
            }
        }
        Ok(cur)
    }
}

/// The text of a root-relative file, `None` if there is none; refused outside the
/// root or through a symlink (as for writing), and an error naming the file when
/// it cannot be read or is not UTF-8.
pub fn read_text(root: &Path, rel: &Path) -> anyhow::Result<Option<String>> {
    let abs = check_inside(root, rel)?;
    match read_opt(&abs) {
        Ok(Some(b)) => String::from_utf8(b)
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{}: not valid UTF-8", rel.display())),
        Ok(None) => Ok(None),
        Err(e) => Err(anyhow::anyhow!("{}: cannot read: {e}", rel.display())),
    }
}

fn read_opt(path: &Path) -> Result<Option<Vec<u8>>, ApplyError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

/// What apply did.
#[derive(Debug, Default, Clone)]
pub struct Applied {
    /// Paths written (created or modified).
    pub written: Vec<PathBuf>,
    /// Ops skipped because the disk already had their result.
    pub already_done: usize,
    /// Files left as they are because they were edited since the plan was made
    /// (with [`ApplyOptions::keep_edited`]).
    pub kept_edited: Vec<PathBuf>,
}

/// The ops of a plan still to do (with their index in the plan and absolute
/// paths), and what is already done or kept; every refusal apply would make,
/// found without writing.
type Checked<'p> = (Vec<(usize, &'p Op, PathBuf)>, Applied);

/// Show whether `plan` would be applied: the same checks as [`apply`] (paths,
/// links, files changed since they were read, existing files, free space,
/// permissions), writing nothing. `--dry-run` reports what a real run refuses.
pub fn verify(plan: &Plan, opts: ApplyOptions) -> Result<(), ApplyError> {
    let refills = refills(plan)?;
    check_all(plan, opts, &refills).map(|_| ())
}

/// Apply a plan. Ops whose result is already on disk are skipped, so a plan can be
/// re-applied after an interruption.
pub fn apply(plan: &Plan, opts: ApplyOptions) -> Result<Applied, ApplyError> {
    apply_reporting(plan, opts, &|_, _| {})
}

/// [`apply`], telling `report(done, total)` after each step, so a long write
/// (18 s for a 30 MB tree) shows progress.
pub fn apply_reporting(
    plan: &Plan,
    opts: ApplyOptions,
    report: &dyn Fn(usize, usize),
) -> Result<Applied, ApplyError> {
    apply_run(plan, opts, report, &temps::run_id(plan))
}

/// [`apply_reporting`] with the plan's run id ([`temps::run_id`]) given: the
/// journal has it already, and it is a sha256 over every byte the plan holds.
fn apply_run(
    plan: &Plan,
    opts: ApplyOptions,
    report: &dyn Fn(usize, usize),
    run: &str,
) -> Result<Applied, ApplyError> {
    let root = &plan.root;
    let refills = refills(plan)?;
    // 1. Check everything before writing anything.
    let (todo, mut applied) = check_all(plan, opts, &refills)?;
    // Each write is staged then renamed; each move is copied then removed.
    let total: usize = todo
        .iter()
        .map(|(_, op, _)| match op {
            Op::Create { .. } | Op::Modify { .. } | Op::Move { .. } => 2,
            Op::Delete { .. } => 1,
        })
        .sum();
    let mut steps = Steps::new(total, report);
    let tree = Tree::open(root)?;
    let mut staged = Staged::new(&tree);
    // 2. Stage new contents beside their targets (closed once written, not yet
    // synced), each folder opened from the root without following a link,
    // folders on rayon's threads (see `bulk`); then the archive copies still
    // to make, beside theirs.
    let (renames, copies) = bulk::stage_all(&tree, &todo, &refills, run, &mut staged)?;
    for _ in &renames {
        steps.tick()?;
    }
    // Everything staged reaches the disk before any of it is renamed into
    // place (see `durability`).
    tree.sync_written(&staged.pending())?;
    let mut touched = Touched::default();
    let mut reaper = Reaper::default();
    // 3. Archive copies made (a second name of the original, see `archive`)
    // or renamed into place, verified.
    for bulk::Copy { make, n, op } in copies {
        let Op::Move { contents, to, from } = op else {
            continue;
        };
        let contents = contents.as_bytes();
        match make {
            bulk::Make::Link => {
                archive::link_or_copy(&tree, &mut staged, run, n, from, to, contents)?;
                touched.add(to);
            }
            make => {
                let (d, name) = tree.dir_of(to)?;
                if let bulk::Make::Staged(i, tmp) = make {
                    d.rename(&tmp, name, true)?;
                    staged.done(i);
                    touched.add(to);
                }
                if d.held_same(name, contents)?.map(|(same, _)| same) != Some(true) {
                    return Err(ApplyError::Checksum { path: to.clone() });
                }
            }
        }
        steps.tick()?;
    }
    // 4. Rename staged files into place. Each check and its rename go through
    // one descriptor of the folder.
    for bulk::Rename {
        staged: i,
        tmp,
        name,
        op,
        abs,
    } in renames
    {
        let (d, _) = tree.dir_of(op.path())?;
        let refill = match op {
            Op::Create { path, .. } => refills.get(path.as_path()),
            _ => None,
        };
        // The file replaced stays open until it is replaced, then a closing
        // thread frees its blocks (see `reaper`).
        let mut replaced = None;
        if let Some(r) = refill {
            // Its original was archived (and verified) in step 3.
            if let Some((same, f)) = d.held_same(name, r.old)? {
                if !same {
                    let (n, to) = r.moved;
                    archive::unshare(&tree, &mut staged, run, n, to, r.old)?;
                    return Err(ApplyError::ChangedDuringRun {
                        path: op.path().clone(),
                    });
                }
                replaced = f;
            }
        }
        // Compare and swap: right before a file is replaced, it must still be
        // what the plan read; an edit made meanwhile is kept and the run stops.
        if let Op::Modify { old, .. } = op {
            match d.held_same(name, old.as_bytes())? {
                Some((true, f)) => replaced = f,
                _ => {
                    return Err(ApplyError::EditedDuringRun {
                        path: op.path().clone(),
                    })
                }
            }
        }
        let create = matches!(op, Op::Create { .. });
        let replace = !create || refill.is_some() || opts.force;
        d.rename(&tmp, name, replace).map_err(|e| match e {
            ApplyError::Io { error, .. } if error.kind() == std::io::ErrorKind::AlreadyExists => {
                ApplyError::EditedDuringRun {
                    path: op.path().clone(),
                }
            }
            e => e,
        })?;
        reaper.close(replaced);
        staged.done(i);
        touched.add(op.path());
        applied.written.push(abs);
        steps.tick()?;
    }
    // The new names are durable before any original goes.
    reaper.finish();
    touched.sync(&tree)?;
    // 5. Remove originals (after their copies verified) and deleted files, but
    // never a path the plan has filled again.
    for (n, op, _) in &todo {
        match op {
            Op::Move { from, to, contents } => {
                if refills.contains_key(from.as_path()) {
                    // Replaced in step 4.
                } else {
                    let (src, name) = tree.dir_of(from)?;
                    if let Some((same, f)) = src.held_same(name, contents.as_bytes())? {
                        if !same {
                            // Someone edited it while we ran: keep it, and say so.
                            let contents = contents.as_bytes();
                            archive::unshare(&tree, &mut staged, run, *n, to, contents)?;
                            return Err(ApplyError::ChangedDuringRun { path: from.clone() });
                        }
                        if tree.same(to, contents.as_bytes())? != Some(true) {
                            return Err(ApplyError::Checksum { path: to.clone() });
                        }
                        src.remove_file(name)?;
                        reaper.close(f);
                        touched.add(from);
                    }
                }
                steps.tick()?;
            }
            Op::Delete { path, old } => {
                if !refills.contains_key(path.as_path()) {
                    // Compare and swap, as for a replacement (gone already is fine).
                    let (d, name) = split(path);
                    if let Some(d) = tree.dir(d)? {
                        match d.held_same(name, old.as_bytes())? {
                            None => {}
                            Some((true, f)) => {
                                d.remove_file(name)?;
                                reaper.close(f);
                                touched.add(path);
                            }
                            Some(_) => {
                                return Err(ApplyError::EditedDuringRun { path: path.clone() })
                            }
                        }
                    }
                }
                steps.tick()?;
            }
            _ => {}
        }
    }
    // The removals are durable before the caller drops the journal.
    reaper.finish();
    touched.sync(&tree)?;
    Ok(applied)
}

/// Step 1 of [`apply`], and all of [`verify`].
fn check_all<'p>(
    plan: &'p Plan,
    opts: ApplyOptions,
    refills: &HashMap<&Path, refill::Refill>,
) -> Result<Checked<'p>, ApplyError> {
    let root = &plan.root;
    let mut applied = Applied::default();
    let mut todo: Vec<(usize, &Op, PathBuf)> = Vec::new();
    let mut inside = Inside::new(root);
    for (n, op) in plan.ops.iter().enumerate() {
        let abs = inside.check(op.path())?;
        let refuse = |reason: String| ApplyError::Refused {
            path: op.path().clone(),
            reason,
        };
        let on_disk = read_opt(&abs)?;
        let skip = match op {
            Op::Create { path, contents } => match &on_disk {
                Some(b) if b == contents.as_bytes() => true,
                // The original moved away from here: replaced once archived.
                Some(b) if refills.get(path.as_path()).is_some_and(|r| r.old == &b[..]) => false,
                Some(_) if !opts.force => {
                    return Err(refuse("exists; use --force to overwrite".into()));
                }
                _ => false,
            },
            Op::Modify { old, new, .. } => match &on_disk {
                Some(b) if b == new.as_bytes() => true,
                Some(b) if b == old.as_bytes() => false,
                _ if opts.keep_edited => {
                    applied.kept_edited.push(op.path().clone());
                    continue;
                }
                Some(_) => return Err(refuse("changed since it was read".into())),
                None => return Err(refuse("disappeared since it was read".into())),
            },
            Op::Move { from, to, contents } => {
                let src = inside.check(from)?;
                // A source already replaced by the file created in its place is
                // gone as far as this move goes; likewise a destination still
                // holding the file the plan deletes is free.
                let orig = read_opt(&src)?
                    .filter(|o| refills.get(from.as_path()).is_none_or(|r| r.new != &o[..]));
                let on_disk =
                    on_disk.filter(|d| refills.get(to.as_path()).is_none_or(|r| r.old != &d[..]));
                match (&on_disk, &orig) {
                    (Some(a), None) if a == contents.as_bytes() => true,
                    (Some(a), Some(_)) if a != contents.as_bytes() => {
                        // Migrate's archive copy, or the file standing where
                        // restore puts an original back.
                        return Err(refuse(format!(
                            "exists, with other contents than {} which goes there; \
                             compare the two and move one away",
                            from.display()
                        )));
                    }
                    (_, Some(o)) if o != contents.as_bytes() && opts.keep_edited => {
                        applied.kept_edited.push(from.clone());
                        continue;
                    }
                    (_, Some(o)) if o != contents.as_bytes() => {
                        return Err(ApplyError::Refused {
                            path: from.clone(),
                            reason: "changed since it was read".into(),
                        });
                    }
                    (None, None) => {
                        return Err(ApplyError::Refused {
                            path: from.clone(),
                            reason: "disappeared since it was read".into(),
                        })
                    }
                    _ => false,
                }
            }
            Op::Delete { path, old } => match &on_disk {
                None => true,
                Some(b) if b == old.as_bytes() => false,
                // What a move put here in its place.
                Some(b) if refills.get(path.as_path()).is_some_and(|r| r.new == &b[..]) => true,
                Some(_) if opts.keep_edited => {
                    applied.kept_edited.push(op.path().clone());
                    continue;
                }
                Some(_) => return Err(refuse("changed since it was recorded".into())),
            },
        };
        if skip {
            applied.already_done += 1;
        } else {
            todo.push((n, op, abs));
        }
    }
    let doing: Vec<&Op> = todo.iter().map(|(_, op, _)| *op).collect();
    preflight::check_ops(root, &doing, 0)?;
    Ok((todo, applied))
}

#[cfg(test)]
mod tests;
