//! Staging: each new file is written as a temp file beside its target and
//! closed, made durable with the others (see `durability`) and renamed into
//! place later; the ones not renamed when apply stops early are removed again.

use std::ffi::OsStr;
use std::path::PathBuf;

use super::tree::{split, Dir, Tree};
use super::ApplyError;

/// Write `contents` as the temp file `tmp` in `dir`, closed (not synced):
/// however many files a plan has, at most one is open at a time. A file of
/// that name is a leftover of the same plan killed before (names come from the
/// plan, see `temps`) and is replaced.
pub(super) fn stage(
    dir: &Dir,
    tmp: &OsStr,
    contents: &[u8],
    mode: Option<&std::fs::Permissions>,
) -> Result<(), ApplyError> {
    match dir.write_new(tmp, contents, mode) {
        Err(ApplyError::Io { error, .. }) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            dir.remove_file(tmp)?;
            dir.write_new(tmp, contents, mode)
        }
        r => r,
    }
}

/// [`stage`] with the contents written by `write` as they are made.
pub(super) fn stage_with(
    dir: &Dir,
    tmp: &OsStr,
    write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    mode: Option<&std::fs::Permissions>,
) -> Result<(), ApplyError> {
    match dir.write_new_with(tmp, write, mode) {
        Err(ApplyError::Io { error, .. }) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            dir.remove_file(tmp)?;
            dir.write_new_with(tmp, write, mode)
        }
        r => r,
    }
}

/// Temp files staged and not yet renamed; removed if apply stops early.
pub(super) struct Staged<'t> {
    tree: &'t Tree,
    /// Root-relative temp paths; `None` once renamed into place.
    temps: Vec<Option<PathBuf>>,
}

impl<'t> Staged<'t> {
    /// None yet, in `tree`.
    pub(super) fn new(tree: &'t Tree) -> Staged<'t> {
        Staged {
            tree,
            temps: Vec::new(),
        }
    }
    /// A temp file (root-relative) about to be written; its number for [`Staged::done`].
    pub(super) fn add(&mut self, tmp: PathBuf) -> usize {
        self.temps.push(Some(tmp));
        self.temps.len() - 1
    }
    /// The temp files written and not yet renamed (root-relative).
    pub(super) fn pending(&self) -> Vec<PathBuf> {
        self.temps.iter().flatten().cloned().collect()
    }
    /// Renamed into place: no longer to remove.
    pub(super) fn done(&mut self, i: usize) {
        self.temps[i] = None;
    }
}

impl Drop for Staged<'_> {
    fn drop(&mut self) {
        for t in self.temps.iter().flatten() {
            let (dir, name) = split(t);
            if let Ok(Some(d)) = self.tree.dir(dir) {
                let _ = d.remove_file(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn temps_not_renamed_are_removed_when_apply_stops_and_a_leftover_is_replaced() {
        let d = tempfile::tempdir().unwrap();
        let tree = Tree::open(d.path()).unwrap();
        let dir = tree.dir_create(Path::new("p")).unwrap();
        let n = OsStr::new;
        // A leftover of the same plan, killed before.
        std::fs::write(d.path().join("p/t1"), "stale").unwrap();
        {
            let mut staged = Staged::new(&tree);
            for t in ["t1", "t2"] {
                staged.add(Path::new("p").join(t));
                stage(&dir, n(t), b"new", None).unwrap();
            }
            assert_eq!(dir.read(n("t1")).unwrap().unwrap(), b"new");
            dir.rename(n("t2"), n("f"), false).unwrap();
            staged.done(1);
        }
        assert!(!d.path().join("p/t1").exists());
        assert_eq!(std::fs::read(d.path().join("p/f")).unwrap(), b"new");
    }
}
