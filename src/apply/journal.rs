//! The journal: the whole plan of a run, written before its first destructive step
//! and removed when it finished. If a run is interrupted, the journal is what lets
//! the next `migrate` finish it (apply skips ops already done) or `restore` undo it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::tree::{split, Tree};
use super::{check_inside, io, temps, ApplyError};
use crate::plan::{Op, Plan};

pub use super::temps::remove as remove_temps;

/// Format version.
pub const VERSION: u32 = 1;

/// A run in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    /// Format version.
    pub version: u32,
    /// The command that wrote it (`migrate`, `consolidate`, `restore`).
    pub command: String,
    /// The id in the names of the run's temp files, `.replan-<run>-<n>.tmp`
    /// ([`temps::run_id`] of `plan`, so recovery can name every file the run,
    /// or one finishing or undoing it, stages; filled in from the plan when a
    /// journal of an older version has none).
    #[serde(default)]
    pub run: String,
    /// The plan being applied (its root is replaced by the current root on read).
    pub plan: Plan,
}

/// A journal as it is written: [`Journal`]'s fields, in its order, with the plan
/// borrowed. A journal holding its own plan was a clone of every new file's and
/// every original's text while the run was applied (the largest plans hold
/// about twice their input).
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    version: u32,
    command: &'a str,
    run: String,
    plan: &'a Plan,
}

impl<'a> Entry<'a> {
    /// The journal of `command` applying `plan`.
    pub fn new(command: &'a str, plan: &'a Plan) -> Entry<'a> {
        Entry {
            version: VERSION,
            command,
            run: temps::run_id(plan),
            plan,
        }
    }
}

/// Write the journal at root-relative `rel` (temp file named from its run,
/// fsync, rename, fsync of its folder), through folders opened without
/// following links: it is durable before the run's first write.
pub fn write(root: &Path, rel: &Path, j: &Entry) -> Result<(), ApplyError> {
    check_inside(root, rel)?;
    // The journal is serialized straight into its temp file (held whole, its
    // text was as big as every file the plan writes). The only thing that
    // cannot be serialized is a path that is not UTF-8: refused here, before
    // anything is written.
    if let Some(p) = unserializable(j.plan) {
        return Err(ApplyError::Refused {
            path: rel.to_path_buf(),
            reason: format!(
                "{}: a path that is not UTF-8 cannot be journaled",
                p.display()
            ),
        });
    }
    let tree = Tree::open(root)?;
    let (dir, name) = split(rel);
    let d = tree.dir_create(dir)?;
    let tmp = temps::journal_name(&j.run);
    let serialize = |w: &mut dyn std::io::Write| {
        let mut w = std::io::BufWriter::new(w);
        serde_json::to_writer(&mut w, j)?;
        std::io::Write::flush(&mut w)
    };
    super::staged::stage_with(&d, &tmp, &serialize, None).inspect_err(|_| {
        let _ = d.remove_file(&tmp);
    })?;
    d.sync_file(&tmp)
        .and_then(|()| d.rename(&tmp, name, true))
        .inspect_err(|_| {
            let _ = d.remove_file(&tmp);
        })?;
    d.sync()
}

/// The first path of `plan` that JSON cannot hold (not UTF-8), if any.
fn unserializable(plan: &Plan) -> Option<&Path> {
    let paths = plan.ops.iter().flat_map(|op| match op {
        Op::Move { from, to, .. } => [Some(from), Some(to)],
        Op::Create { path, .. } | Op::Modify { path, .. } | Op::Delete { path, .. } => {
            [Some(path), None]
        }
    });
    std::iter::once(&plan.root)
        .chain(paths.flatten())
        .map(PathBuf::as_path)
        .find(|p| p.to_str().is_none())
}

/// The bytes the journal of `j` takes on disk (estimated from its contents, so
/// the plan is not serialized twice).
fn journal_size(j: &Entry) -> u64 {
    let text: u64 = j
        .plan
        .ops
        .iter()
        .map(|op| match op {
            Op::Create { contents, .. } | Op::Move { contents, .. } => contents.len(),
            Op::Modify { old, new, .. } => old.len() + new.len(),
            Op::Delete { old, .. } => old.len(),
        } as u64)
        .sum();
    // JSON escapes (quotes, newlines, control characters) and the paths.
    text + text / 4 + 4096
}

/// Read the journal, if there is one.
pub fn read(root: &Path, rel: &Path) -> Result<Option<Journal>, ApplyError> {
    let abs = check_inside(root, rel)?;
    let text = match std::fs::read_to_string(&abs) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&abs)(e)),
    };
    let mut j: Journal = serde_json::from_str(&text).map_err(|e| ApplyError::Refused {
        path: rel.to_path_buf(),
        reason: format!("unreadable journal ({e}); move it away to continue"),
    })?;
    j.plan.root = root.to_path_buf();
    if j.run.is_empty() {
        j.run = temps::run_id(&j.plan);
    }
    Ok(Some(j))
}

/// Remove the journal after a run finished (absent is fine).
pub fn remove(root: &Path, rel: &Path) -> Result<(), ApplyError> {
    check_inside(root, rel)?;
    let (dir, name) = split(rel);
    if let Some(d) = Tree::open(root)?.dir(dir)? {
        d.remove_file(name)?;
    }
    Ok(())
}

/// The plan that undoes `plan`, whatever part of it was applied: creates become
/// deletes, modifies swap, moves go back. Apply skips what is already undone.
pub fn inverse(plan: &Plan) -> Plan {
    let mut inv = Plan::new(&plan.root);
    for op in plan.ops.iter().rev() {
        inv.ops.push(match op {
            Op::Create { path, contents } => Op::Delete {
                path: path.clone(),
                old: contents.clone(),
            },
            Op::Modify { path, old, new } => Op::Modify {
                path: path.clone(),
                old: new.clone(),
                new: old.clone(),
            },
            Op::Move { from, to, contents } => Op::Move {
                from: to.clone(),
                to: from.clone(),
                contents: contents.clone(),
            },
            Op::Delete { path, old } => Op::Create {
                path: path.clone(),
                contents: old.clone(),
            },
        });
    }
    inv
}

/// Settle an interrupted run: clear the temp files it left, apply `plan`
/// (finishing or undoing `recorded`, the journaled plan), then drop the journal
/// and the folders `recorded` left empty. Returns the files kept as edited.
pub fn settle(
    root: &Path,
    jrel: &Path,
    plan: &Plan,
    recorded: &Plan,
    opts: super::ApplyOptions,
) -> Result<Vec<PathBuf>, ApplyError> {
    remove_temps(root, recorded, jrel);
    let applied = super::apply(plan, opts)?;
    remove(root, jrel)?;
    let paths: Vec<PathBuf> = recorded.ops.iter().map(|o| o.path().clone()).collect();
    prune_empty_dirs(root, &paths);
    Ok(applied.kept_edited)
}

/// Write the journal, apply, remove the journal. A refusal found before anything
/// was written removes the journal again; any later failure leaves it for the next
/// run to finish (or `restore` to undo).
pub fn apply_journaled(
    root: &Path,
    jrel: &Path,
    command: &str,
    plan: &Plan,
    report: &dyn Fn(usize, usize),
) -> anyhow::Result<()> {
    let j = Entry::new(command, plan);
    // Refusals first: with too little room or a read-only folder nothing is
    // written, not even the journal.
    super::preflight::check(plan, journal_size(&j))?;
    write(root, jrel, &j)?;
    match super::apply_run(plan, super::ApplyOptions::default(), report, &j.run) {
        Ok(_) => {
            remove(root, jrel)?;
            Ok(())
        }
        Err(e @ ApplyError::Refused { .. }) => {
            remove(root, jrel)?;
            Err(e.into())
        }
        Err(e) => Err(anyhow::anyhow!(
            "{e}\n`{command}` was interrupted; re-run `replan {command}` to finish it (a file edited meanwhile is kept as it is) or `replan restore` to undo it"
        )),
    }
}

/// The paths a plan empties: files it deletes and originals it moves away.
/// Their folders are the only ones [`prune_empty_dirs`] may remove after it, so a
/// folder the user keeps empty elsewhere is never touched.
pub fn emptied_by(plan: &Plan) -> Vec<PathBuf> {
    plan.ops
        .iter()
        .filter_map(|o| match o {
            Op::Delete { path, .. } => Some(path.clone()),
            Op::Move { from, .. } => Some(from.clone()),
            Op::Create { .. } | Op::Modify { .. } => None,
        })
        .collect()
}

/// Remove folders left empty by a restore, walking up from each path's folder but
/// never removing `root` itself or anything outside it, nor following a link.
pub fn prune_empty_dirs(root: &Path, rels: &[PathBuf]) {
    let Ok(tree) = Tree::open(root) else {
        return;
    };
    for rel in rels {
        let mut dir = rel.parent();
        while let Some(d) = dir {
            if d.as_os_str().is_empty() || check_inside(root, d).is_err() {
                break;
            }
            let (parent, name) = split(d);
            // Only an empty folder is removed.
            if !matches!(tree.dir(parent), Ok(Some(p)) if p.remove_dir(name)) {
                break;
            }
            dir = d.parent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{apply, ApplyOptions};

    #[test]
    fn permissions_survive_modify_move_and_undo() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mode = |p: &str| {
            std::fs::metadata(root.join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        std::fs::write(root.join("a.md"), "A\n").unwrap();
        std::fs::write(root.join("s.md"), "old\n").unwrap();
        for f in ["a.md", "s.md"] {
            std::fs::set_permissions(root.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let mut plan = Plan::new(root);
        plan.ops.push(Op::moved("a.md", "arch/a.md", "A\n"));
        plan.ops.push(Op::modify("s.md", "old\n", "new\n"));
        apply(&plan, ApplyOptions::default()).unwrap();
        assert_eq!((mode("arch/a.md"), mode("s.md")), (0o600, 0o600));
        apply(&inverse(&plan), ApplyOptions::default()).unwrap();
        assert_eq!((mode("a.md"), mode("s.md")), (0o600, 0o600));
    }

    /// A journal that cannot be serialized is refused before its file exists:
    /// it is written as it is serialized, so the check comes first.
    #[test]
    fn a_path_that_is_not_utf8_is_refused_before_the_journal_is_written() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut plan = Plan::new(root);
        plan.ops.push(Op::create("a.md", "A\n"));
        let bad = PathBuf::from(std::ffi::OsStr::from_bytes(b"p/\xff.md"));
        plan.ops.push(Op::moved("b.md", bad, "B\n"));
        let j = Entry::new("migrate", &plan);
        let e = write(root, Path::new("arch/j.json"), &j).unwrap_err();
        assert!(matches!(e, ApplyError::Refused { .. }), "{e}");
        assert!(!root.join("arch").exists(), "nothing written");
    }

    #[test]
    fn round_trip_and_inverse() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("p")).unwrap();
        std::fs::write(root.join("p/a.md"), "A\n").unwrap();
        std::fs::write(root.join("s.md"), "old\n").unwrap();
        let mut plan = Plan::new(root);
        plan.ops.push(Op::moved("p/a.md", "arch/p/a.md", "A\n"));
        plan.ops.push(Op::create("p/a1.md", "A\n"));
        plan.ops.push(Op::modify("s.md", "old\n", "new\n"));
        let j = Entry::new("migrate", &plan);
        write(root, Path::new("arch/j.json"), &j).unwrap();
        let back = read(root, Path::new("arch/j.json")).unwrap().unwrap();
        assert_eq!(back.plan.ops, plan.ops);
        remove(root, Path::new("arch/j.json")).unwrap();
        assert!(read(root, Path::new("arch/j.json")).unwrap().is_none());
        apply(&plan, ApplyOptions::default()).unwrap();
        apply(&inverse(&plan), ApplyOptions::default()).unwrap();
        prune_empty_dirs(root, &[PathBuf::from("arch/p/a.md")]);
        assert_eq!(std::fs::read_to_string(root.join("p/a.md")).unwrap(), "A\n");
        assert_eq!(std::fs::read_to_string(root.join("s.md")).unwrap(), "old\n");
        assert!(!root.join("p/a1.md").exists());
        assert!(!root.join("arch").exists());
    }
}
