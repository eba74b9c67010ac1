//! An original's archive copy (step 3 of [`super::apply_reporting`]): made
//! as a second name of the original itself, a hard link, where nothing
//! stands at the archive path; a copy where the file system cannot link.
//!
//! Why: a copy is a new file, and on this project's disk making a file costs
//! ~0.3–0.45 ms (the kernel's search for a free inode) and freeing the
//! original's blocks once it is gone ~2.5 ms (a synchronous discard). A
//! 4,000-file migrate archived 700 originals that way. A link makes no file
//! and frees nothing: the original's bytes stay where they are, under the
//! archive's name, when the part that takes its name is renamed in or the
//! original's name is removed. The archive copy keeps the original's mode,
//! owner and times.
//!
//! Why it is safe:
//! - The order of apply is unchanged: the archive name is made in step 3,
//!   the original's name stays until the part renamed over it in step 4 or
//!   its removal in step 6, after the `syncfs` of 5. The linked bytes are the
//!   original's: on Linux written by the `syncfs` before the first rename
//!   (there is one whenever a part is to take the original's name) or, at
//!   the latest, by the one before the original's name is removed (see
//!   `durability`); elsewhere the linked file is `fsync`ed. So no name is
//!   made durable before its contents.
//! - `linkat` never follows a link and fails on an existing name, as the
//!   no-replace rename of a copy did. Right after, the archive name is read
//!   through one descriptor: a regular file, with the planned bytes, and two
//!   names (the original's and the archive's). If the original was edited
//!   since the plan read it, the archive name (one more name of the user's
//!   file) is removed again, the file keeps its name and the user's bytes,
//!   and the run stops ([`ApplyError::EditedDuringRun`]) before the parts
//!   that would replace it are renamed. If the file has other names too (a
//!   hard link of the user's elsewhere, which an archive must not share), the
//!   archive name is removed and a copy made instead. A name is removed only
//!   while another holds the file.
//! - An original edited in place after its archive name was made changes
//!   under both names; apply finds the edit before it replaces or removes the
//!   original (its compare and swap) and then [`unshare`]s the archive: it
//!   gets back, as a file of its own, the bytes the plan archived, so "the
//!   copy made before the change was kept" stays true and the edit stays
//!   under the original's name. An edit made after the last compare, in the
//!   instant before the rename or removal, stays in the archived file (with a
//!   copy it was lost).
//! - A kill or crash leaves at worst both names of one file, which a re-run
//!   finds done (the copy is there) and `restore` undoes by removing the
//!   archive name after comparing it (the journal holds every byte).
//! - A copy (the fallback) is written under the run's temp name for this
//!   Move (removed if the run stops, named from the journal after a kill),
//!   `fsync`ed, since the run's one `syncfs` is past, then renamed without
//!   replacing and read back.

use std::ffi::OsStr;
use std::path::Path;

use super::staged::{stage, Staged};
use super::tree::{split, Dir, Tree};
use super::{temps, ApplyError};

/// Make the archive copy `to` of the original `from`, which holds
/// `contents`, where nothing stands at `to`: a second name of `from`, or a
/// copy. `n` is the Move's index in the plan (its temp name, see `temps`).
pub(super) fn link_or_copy(
    tree: &Tree,
    staged: &mut Staged<'_>,
    run: &str,
    n: usize,
    from: &Path,
    to: &Path,
    contents: &[u8],
) -> Result<(), ApplyError> {
    let (d, name) = tree.dir_of(to)?;
    let (src, src_name) = tree.dir_of(from)?;
    if d.link_from(&src, src_name, name)? {
        let edited = || ApplyError::EditedDuringRun {
            path: from.to_path_buf(),
        };
        match d.read_linked(name) {
            Ok(Some((b, 2))) if b == contents => return durable(&d, name),
            // The original's name went meanwhile: the archive's is the only
            // one, and is kept.
            Ok(Some((b, links))) if links < 2 => {
                return if b == contents {
                    durable(&d, name)
                } else {
                    Err(edited())
                };
            }
            Ok(Some((b, _))) => {
                // Another name holds the file: this one can go.
                d.remove_file(name)?;
                if b != contents {
                    return Err(edited());
                }
                // Shared with a name of the user's: copied below.
            }
            // Removed at once by someone else: copied below.
            Ok(None) => {}
            Err(e) => {
                // Not a regular file (a link or FIFO swapped in for the
                // original): its name here goes, the original's stays.
                d.remove_file(name)?;
                return Err(e);
            }
        }
    }
    let mode = src.mode(src_name)?;
    copy(
        &d,
        staged,
        split(to).0,
        run,
        n,
        name,
        contents,
        mode.as_ref(),
        false,
    )?;
    match d.read(name)? {
        Some(b) if b == contents => Ok(()),
        _ => Err(ApplyError::Checksum {
            path: to.to_path_buf(),
        }),
    }
}

/// Make the bytes under the archive name `name` durable before the
/// original's name can go. On Linux the run's `syncfs` (step 3 of
/// `durability`) wrote them already; elsewhere only the staged files were
/// `fsync`ed, so the linked file is, here.
fn durable(d: &Dir, name: &OsStr) -> Result<(), ApplyError> {
    if cfg!(target_os = "linux") {
        Ok(())
    } else {
        d.sync_file(name)
    }
}

/// Give the archive copy `to` back the bytes `contents` the plan archived,
/// as a file of its own, where it is a second name of an original that was
/// edited in place (it holds the edit too, and still has another name: the
/// original's, which keeps the edit). Anything else at `to` is left alone.
pub(super) fn unshare(
    tree: &Tree,
    staged: &mut Staged<'_>,
    run: &str,
    n: usize,
    to: &Path,
    contents: &[u8],
) -> Result<(), ApplyError> {
    let (dir, name) = split(to);
    let Some(d) = tree.dir(dir)? else {
        return Ok(());
    };
    match d.read_linked(name)? {
        Some((b, links)) if b != contents && links >= 2 => {
            let mode = d.mode(name)?;
            copy(&d, staged, dir, run, n, name, contents, mode.as_ref(), true)
        }
        _ => Ok(()),
    }
}

/// Write `contents` as the run's temp file `n` in `d` (root-relative
/// `dir`), make it durable, and rename it to `name`.
#[allow(clippy::too_many_arguments)]
fn copy(
    d: &Dir,
    staged: &mut Staged<'_>,
    dir: &Path,
    run: &str,
    n: usize,
    name: &OsStr,
    contents: &[u8],
    mode: Option<&std::fs::Permissions>,
    replace: bool,
) -> Result<(), ApplyError> {
    let tmp = temps::name(run, n);
    let i = staged.add(dir.join(&tmp));
    stage(d, &tmp, contents, mode)?;
    d.sync_file(&tmp)?;
    d.rename(&tmp, name, replace)?;
    staged.done(i);
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;

    const RUN: &str = "0123456789ab";

    /// A root holding `p.md` ("orig\n") and an empty archive folder.
    fn root() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("p.md"), "orig\n").unwrap();
        std::fs::create_dir(d.path().join("arch")).unwrap();
        d
    }

    fn archive(d: &Path) -> Result<(), ApplyError> {
        let tree = Tree::open(d).unwrap();
        let mut staged = Staged::new(&tree);
        let (from, to) = (Path::new("p.md"), Path::new("arch/p.md"));
        link_or_copy(&tree, &mut staged, RUN, 3, from, to, b"orig\n")
    }

    fn ino(p: &Path) -> u64 {
        std::fs::symlink_metadata(p).unwrap().ino()
    }

    /// No temp name of the run is left in the archive folder.
    fn no_temps(d: &Path) {
        let names: Vec<_> = std::fs::read_dir(d.join("arch")).unwrap().collect();
        assert!(names.len() <= 1, "{names:?}");
    }

    #[test]
    fn an_original_is_archived_as_a_second_name_of_itself() {
        let d = root();
        archive(d.path()).unwrap();
        let (p, a) = (d.path().join("p.md"), d.path().join("arch/p.md"));
        assert_eq!(ino(&p), ino(&a));
        assert_eq!(std::fs::read(&a).unwrap(), b"orig\n");
        assert_eq!(std::fs::metadata(&p).unwrap().nlink(), 2);
    }

    #[test]
    fn an_original_edited_since_it_was_read_keeps_its_bytes_and_gets_no_archive_name() {
        let d = root();
        std::fs::write(d.path().join("p.md"), "mine\n").unwrap();
        let e = archive(d.path()).unwrap_err();
        assert!(matches!(e, ApplyError::EditedDuringRun { .. }), "{e}");
        assert_eq!(std::fs::read(d.path().join("p.md")).unwrap(), b"mine\n");
        assert!(!d.path().join("arch/p.md").exists());
        assert_eq!(std::fs::metadata(d.path().join("p.md")).unwrap().nlink(), 1);
    }

    #[test]
    fn an_original_with_a_name_elsewhere_is_copied_not_shared() {
        let d = root();
        let other = d.path().join("other.md");
        std::fs::hard_link(d.path().join("p.md"), &other).unwrap();
        archive(d.path()).unwrap();
        let a = d.path().join("arch/p.md");
        assert_ne!(ino(&a), ino(&other));
        assert_eq!(std::fs::read(&a).unwrap(), b"orig\n");
        assert_eq!(std::fs::metadata(&other).unwrap().nlink(), 2);
        no_temps(d.path());
    }

    #[test]
    fn a_link_swapped_in_for_the_original_is_not_archived() {
        let d = root();
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("secret"), "orig\n").unwrap();
        std::fs::remove_file(d.path().join("p.md")).unwrap();
        std::os::unix::fs::symlink(out.path().join("secret"), d.path().join("p.md")).unwrap();
        let e = archive(d.path()).unwrap_err();
        assert!(matches!(e, ApplyError::Unsafe { .. }), "{e}");
        assert!(std::fs::symlink_metadata(d.path().join("arch/p.md")).is_err());
        assert!(std::fs::symlink_metadata(d.path().join("p.md")).is_ok());
    }

    #[test]
    fn an_existing_archive_name_is_never_replaced() {
        let d = root();
        std::fs::write(d.path().join("arch/p.md"), "theirs\n").unwrap();
        assert!(archive(d.path()).is_err());
        assert_eq!(
            std::fs::read(d.path().join("arch/p.md")).unwrap(),
            b"theirs\n"
        );
    }

    #[test]
    fn unsharing_gives_the_archive_the_planned_bytes_and_the_original_its_edit() {
        let d = root();
        archive(d.path()).unwrap();
        // Edited in place: both names see it.
        std::fs::write(d.path().join("p.md"), "mine\n").unwrap();
        let tree = Tree::open(d.path()).unwrap();
        let mut staged = Staged::new(&tree);
        let to = Path::new("arch/p.md");
        unshare(&tree, &mut staged, RUN, 3, to, b"orig\n").unwrap();
        let (p, a) = (d.path().join("p.md"), d.path().join("arch/p.md"));
        assert_eq!(std::fs::read(&a).unwrap(), b"orig\n");
        assert_eq!(std::fs::read(&p).unwrap(), b"mine\n");
        assert_ne!(ino(&p), ino(&a));
        no_temps(d.path());
        // A file of its own is left alone, whatever it holds.
        std::fs::write(&a, "other\n").unwrap();
        unshare(&tree, &mut staged, RUN, 3, to, b"orig\n").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"other\n");
    }
}
