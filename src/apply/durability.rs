//! When apply's writes reach the disk, and why this order is crash-safe.
//!
//! A run used to `fsync` every staged file on its own (1,099 syncs for 1,000
//! new files). Now:
//!
//! 1. the journal is written, `fsync`ed, renamed into place and its folder
//!    `fsync`ed ([`super::journal::write`]): it is durable before anything else
//!    is written;
//! 2. every new file is written as a temp file and closed, unsynced (and an
//!    archive copy that replaces a file the plan deletes, in restore);
//! 3. one `syncfs` per file system the temp files are on makes their contents,
//!    their names and the folders made for them durable (Linux; elsewhere the
//!    temp files are `fsync`ed in parallel, [`super::tree::Tree::sync_written`]);
//!    on Linux it also writes the originals' own bytes;
//! 4. each original gets its archive name (a second name of the same file,
//!    whose bytes were made durable in 3, or else a copy `fsync`ed before it
//!    is renamed in, see [`super::archive`]), then the new files are renamed
//!    into place;
//! 5. every folder a rename touched, and the folders above it, is made
//!    durable ([`Touched::sync`]: one more `syncfs` per file system on Linux,
//!    an `fsync` per folder elsewhere): the new names are durable;
//! 6. originals and deleted files are removed, and their folders made
//!    durable the same way, before the journal is removed.
//!
//! The files replaced in 4 and removed in 6 are held open until their rename
//! or removal returned, then closed on closing threads ([`super::reaper`]: the
//! discard of their blocks waits on the disk); apply waits for every close
//! before the `syncfs` of 5 and of 6, so the order above is unchanged.
//!
//! Why nothing can be lost, whatever the crash or power loss:
//! - A rename never makes durable a name whose contents are not: every
//!   renamed file's bytes were synced in 3, before the first rename. So a
//!   replaced file (a modify, a refilled path) is, after any crash, either its
//!   old or its new contents in full, never an empty or partial file.
//! - An original is removed only in 6, after the renames of its archive copy
//!   and of the parts that replace it were made durable in 5: a crash that
//!   loses the removal leaves the original beside its copy, one that keeps it
//!   finds the copy there.
//! - Until the journal is removed, the next run finishes the plan and
//!   `restore` undoes it from the journal, which holds every byte the plan
//!   writes or removes: a crash before 3 completes leaves at most temp files,
//!   named from the journal's run and removed by recovery.
//! - A kill (no power loss) leaves the page cache to the kernel, so what was
//!   written is on disk in the order it was written; the crash tests
//!   (`apply/tests.rs`, `tests/it/safety.rs`) kill at every kind of step.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::tree::{split, Tree};
use super::ApplyError;

/// Root-relative folders whose entries a run changed, with the folders above
/// them (a folder made by the run must itself be named durably).
#[derive(Default)]
pub(super) struct Touched(BTreeSet<PathBuf>);

impl Touched {
    /// The folder of the root-relative file `rel` was written in.
    pub(super) fn add(&mut self, rel: &Path) {
        let mut dir = Some(split(rel).0);
        while let Some(d) = dir {
            if !self.0.insert(d.to_path_buf()) {
                break;
            }
            dir = d.parent();
        }
    }

    /// Make each folder's entries durable, then forget them: on Linux one
    /// `syncfs` per file system the folders are on (it commits every
    /// folder's changed entries, as an `fsync` of each would), elsewhere an
    /// `fsync` of each. A folder gone meanwhile (removed by another program)
    /// has nothing left to make durable.
    pub(super) fn sync(&mut self, tree: &Tree) -> Result<(), ApplyError> {
        let dirs = std::mem::take(&mut self.0);
        #[cfg(target_os = "linux")]
        {
            tree.sync_folders(dirs.iter().map(PathBuf::as_path))
        }
        #[cfg(not(target_os = "linux"))]
        {
            for d in dirs {
                if let Some(d) = tree.dir(&d)? {
                    d.sync()?;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_and_those_above_it_are_touched_once() {
        let mut t = Touched::default();
        t.add(Path::new("a/b/c.md"));
        t.add(Path::new("a/d.md"));
        t.add(Path::new("top.md"));
        let got: Vec<&str> = t.0.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(got, ["", "a", "a/b"]);
    }

    #[test]
    fn syncing_forgets_and_skips_folders_gone() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("a")).unwrap();
        let tree = Tree::open(d.path()).unwrap();
        let mut t = Touched::default();
        t.add(Path::new("a/x.md"));
        t.add(Path::new("gone/y.md"));
        t.sync(&tree).unwrap();
        assert!(t.0.is_empty());
    }
}
