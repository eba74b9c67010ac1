//! Descriptor-relative file primitives (Linux). Every folder apply writes in is
//! opened from the root's descriptor: in one `openat2` call with
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS` where the kernel has it, otherwise
//! component by component with `openat(O_NOFOLLOW | O_DIRECTORY)`, creating
//! missing folders with `mkdirat` on the way. Every read, write, rename and
//! removal is then made relative to that folder's descriptor, with
//! `O_NOFOLLOW` on the file itself. So a folder swapped for a symlink after the
//! run checked the tree stops the run ([`ApplyError::Unsafe`]) instead of
//! redirecting a write out of the root; there is no window between a check and
//! the write it guards.
//!
//! Where the target must not exist, new files are created with `O_EXCL` and
//! renamed with `renameat2(RENAME_NOREPLACE)`; on a file system without it
//! (`EINVAL`), with `linkat` then `unlinkat`, which fails on an existing target
//! just as atomically.
//!
//! A [`Dir`] is opened for one operation and closed with it, so however many
//! files a plan has, apply holds the root, at most two folders and one file.

use std::ffi::{OsStr, OsString};
use std::fs::{File, Permissions};
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, RenameFlags, ResolveFlags};
use rustix::io::Errno;

use super::ApplyError;

/// Set once `openat2` turned out to be missing (kernel before 5.6) or filtered
/// (a seccomp policy): the component walk is used from then on.
static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

/// How a folder on the way is opened: a handle for `*at` calls only (no read
/// permission needed), never through a link.
const DIR: OFlags = OFlags::PATH
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

fn err(path: &Path, e: Errno) -> ApplyError {
    ApplyError::Io {
        path: path.to_path_buf(),
        error: e.into(),
    }
}

fn swapped(path: &Path) -> ApplyError {
    ApplyError::Unsafe {
        path: path.to_path_buf(),
        reason: "a symbolic link stands there now, swapped in after replan checked the tree",
    }
}

/// The folder names of a root-relative path; anything but plain names (an
/// absolute path, `..`) is refused.
fn names(rel: &Path) -> Result<Vec<&OsStr>, ApplyError> {
    let mut out = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => {
                return Err(ApplyError::Unsafe {
                    path: rel.to_path_buf(),
                    reason: "the path leaves the root",
                })
            }
        }
    }
    Ok(out)
}

/// The tree under a root, held by a descriptor on the root folder.
#[derive(Debug)]
pub struct Tree {
    root: OwnedFd,
}

impl Tree {
    /// Open the root (which may itself be reached through links: it is the
    /// user's choice; nothing below it is).
    pub fn open(root: &Path) -> Result<Tree, ApplyError> {
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let root = rfs::open(root, flags, Mode::empty()).map_err(|e| err(root, e))?;
        Ok(Tree { root })
    }

    /// Make the root-relative `files` durable (contents and names), with
    /// everything else written on their file systems: one `syncfs` per file
    /// system their folders are on (a folder may be a mount point), instead of
    /// one `fsync` per file. A folder that cannot be opened for reading gets a
    /// `sync` of everything.
    pub fn sync_written(&self, files: &[PathBuf]) -> Result<(), ApplyError> {
        let dirs: std::collections::BTreeSet<&Path> =
            files.iter().map(|f| super::tree::split(f).0).collect();
        self.sync_folders(dirs)
    }

    /// Make the entries of the root-relative folders `dirs` durable (names
    /// renamed in or removed), with everything else written on their file
    /// systems: one `syncfs` per file system, not one `fsync` per folder (a
    /// 4,000-file migrate touched ~800 folders). A folder gone meanwhile has
    /// nothing left to make durable.
    pub fn sync_folders<'p>(
        &self,
        dirs: impl IntoIterator<Item = &'p Path>,
    ) -> Result<(), ApplyError> {
        let mut synced = std::collections::HashSet::new();
        for rel in dirs {
            let Some(d) = self.dir(rel)? else { continue };
            let Some(fd) = d.readable() else {
                rfs::sync();
                return Ok(());
            };
            let dev = rfs::fstat(&fd).map_err(|e| err(rel, e))?.st_dev;
            if synced.insert(dev) {
                rfs::syncfs(&fd).map_err(|e| err(rel, e))?;
            }
        }
        Ok(())
    }

    /// The folder `rel` (root-relative), `None` if it does not exist.
    pub fn dir(&self, rel: &Path) -> Result<Option<Dir>, ApplyError> {
        self.resolve(rel, false, !NO_OPENAT2.load(Ordering::Relaxed))
    }

    /// The folder `rel`, created with any missing parents.
    pub fn dir_create(&self, rel: &Path) -> Result<Dir, ApplyError> {
        let d = self.resolve(rel, true, !NO_OPENAT2.load(Ordering::Relaxed))?;
        // The walk creates what is missing, so there is always a folder.
        d.ok_or_else(|| err(rel, Errno::NOENT))
    }

    fn resolve(&self, rel: &Path, create: bool, openat2: bool) -> Result<Option<Dir>, ApplyError> {
        let names = names(rel)?;
        let dir = |fd| Dir {
            fd,
            rel: rel.to_path_buf(),
        };
        if names.is_empty() {
            let fd = rfs::openat(&self.root, c".", DIR, Mode::empty()).map_err(|e| err(rel, e))?;
            return Ok(Some(dir(fd)));
        }
        if openat2 {
            let how =
                ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
            match rfs::openat2(&self.root, rel, DIR, Mode::empty(), how) {
                Ok(fd) => return Ok(Some(dir(fd))),
                Err(Errno::NOENT) if !create => return Ok(None),
                Err(Errno::NOSYS | Errno::PERM | Errno::INVAL | Errno::TOOBIG) => {
                    NO_OPENAT2.store(true, Ordering::Relaxed);
                }
                // Folders to create, a link or a file to name precisely, a
                // rename racing the lookup (EAGAIN): the walk says which.
                Err(_) => {}
            }
        }
        Ok(self.walk(&names, create)?.map(dir))
    }

    /// Open the folders of `names` one by one from the root, never through a
    /// link, creating missing ones when `create`.
    fn walk(&self, names: &[&OsStr], create: bool) -> Result<Option<OwnedFd>, ApplyError> {
        let mut cur: Option<OwnedFd> = None;
        let mut at = PathBuf::new();
        for &n in names {
            at.push(n);
            let base: BorrowedFd<'_> = cur.as_ref().map_or(self.root.as_fd(), |f| f.as_fd());
            let mut tries = 0;
            let next = loop {
                match rfs::openat(base, n, DIR, Mode::empty()) {
                    Ok(fd) => break fd,
                    // Made by another process meanwhile, or removed again right
                    // after we made it: try again, a few times.
                    Err(Errno::NOENT) if create && tries < 3 => {
                        tries += 1;
                        match rfs::mkdirat(base, n, Mode::from_raw_mode(0o777)) {
                            Ok(()) | Err(Errno::EXIST) => {}
                            Err(e) => return Err(err(&at, e)),
                        }
                    }
                    Err(Errno::NOENT) if !create => return Ok(None),
                    Err(e @ (Errno::NOTDIR | Errno::LOOP)) => {
                        return Err(match rfs::statat(base, n, AtFlags::SYMLINK_NOFOLLOW) {
                            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                                swapped(&at)
                            }
                            _ => err(&at, e),
                        });
                    }
                    Err(e) => return Err(err(&at, e)),
                }
            };
            cur = Some(next);
        }
        Ok(cur)
    }
}

/// One open folder of the tree; every name given to it is a plain file name.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    /// Root-relative, for messages.
    rel: PathBuf,
}

impl Dir {
    fn path(&self, name: &OsStr) -> PathBuf {
        self.rel.join(name)
    }

    fn fail(&self, name: &OsStr, e: Errno) -> ApplyError {
        if e == Errno::LOOP {
            swapped(&self.path(name))
        } else {
            err(&self.path(name), e)
        }
    }

    /// The bytes of the regular file `name`, `None` if there is none.
    pub fn read(&self, name: &OsStr) -> Result<Option<Vec<u8>>, ApplyError> {
        Ok(self.read_held(name)?.map(|(bytes, _)| bytes))
    }

    /// [`Dir::read`], the file kept open: a file replaced or removed while it
    /// is open keeps its blocks until it is closed (see `reaper`).
    pub fn read_held(&self, name: &OsStr) -> Result<Option<super::tree::Held>, ApplyError> {
        Ok(self.open_read(name)?.map(|(bytes, f, _)| (bytes, Some(f))))
    }

    /// [`Dir::read`], with how many names the file has (its link count),
    /// both from the one descriptor the bytes were read through.
    pub fn read_linked(&self, name: &OsStr) -> Result<Option<(Vec<u8>, u64)>, ApplyError> {
        Ok(self
            .open_read(name)?
            .map(|(bytes, _, links)| (bytes, links)))
    }

    /// Whether the regular file `name` holds `expected` byte for byte (`None`
    /// if there is none), the file kept open as by [`Dir::read_held`]:
    /// compared a piece at a time, never held whole (see [`super::tree::same_as`]).
    pub fn held_same(
        &self,
        name: &OsStr,
        expected: &[u8],
    ) -> Result<Option<super::tree::HeldSame>, ApplyError> {
        let Some((mut f, _)) = self.open_file(name)? else {
            return Ok(None);
        };
        let same = super::tree::same_as(&mut f, expected).map_err(super::io(&self.path(name)))?;
        Ok(Some((same, Some(f))))
    }

    fn open_read(&self, name: &OsStr) -> Result<Option<(Vec<u8>, File, u64)>, ApplyError> {
        let Some((mut f, links)) = self.open_file(name)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)
            .map_err(super::io(&self.path(name)))?;
        Ok(Some((bytes, f, links)))
    }

    /// The regular file `name` opened for reading, with its link count;
    /// `None` if there is none, refused if it is anything else.
    fn open_file(&self, name: &OsStr) -> Result<Option<(File, u64)>, ApplyError> {
        // Non-blocking, so a FIFO put there cannot hang the run.
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let fd = match rfs::openat(&self.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            Err(e) => return Err(self.fail(name, e)),
        };
        let st = rfs::fstat(&fd).map_err(|e| self.fail(name, e))?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(ApplyError::Unsafe {
                path: self.path(name),
                reason: "not a regular file",
            });
        }
        // `nlink_t` is 32 bits on some targets.
        #[allow(clippy::useless_conversion)]
        let links = u64::from(st.st_nlink);
        Ok(Some((File::from(fd), links)))
    }

    /// Give the file `src_name` of folder `src` the new name `name` here (a
    /// hard link: one file, two names), never following a link; an existing
    /// `name` is left alone and the result is an `AlreadyExists` error.
    /// `Ok(false)` where this cannot be done (another file system under
    /// the tree, a file system without hard links, a file the kernel's
    /// `protected_hardlinks` keeps this user from linking): copy instead.
    pub fn link_from(&self, src: &Dir, src_name: &OsStr, name: &OsStr) -> Result<bool, ApplyError> {
        match rfs::linkat(&src.fd, src_name, &self.fd, name, AtFlags::empty()) {
            Ok(()) => Ok(true),
            Err(
                Errno::XDEV
                | Errno::PERM
                | Errno::ACCESS
                | Errno::OPNOTSUPP
                | Errno::MLINK
                | Errno::NOSYS,
            ) => Ok(false),
            Err(Errno::NOENT) => Err(src.fail(src_name, Errno::NOENT)),
            Err(e) => Err(self.fail(name, e)),
        }
    }

    /// The permissions of the file `name`, `None` if there is none.
    pub fn mode(&self, name: &OsStr) -> Result<Option<Permissions>, ApplyError> {
        match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                Err(swapped(&self.path(name)))
            }
            Ok(st) => Ok(Some(Permissions::from_mode(st.st_mode & 0o7777))),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(self.fail(name, e)),
        }
    }

    /// Whether `name` is a regular file (not a link, not a folder).
    pub fn is_file(&self, name: &OsStr) -> bool {
        rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
    }

    /// Create `name`, which must not exist (`O_EXCL`: an existing one is an
    /// `AlreadyExists` error), write `contents`, give it `mode` when set
    /// (else 0644 less the umask), and close it. Not synced: apply makes all
    /// its staged files durable at once ([`Tree::sync_written`]), the journal
    /// its one file ([`Dir::sync_file`]).
    pub fn write_new(
        &self,
        name: &OsStr,
        contents: &[u8],
        mode: Option<&Permissions>,
    ) -> Result<(), ApplyError> {
        self.write_new_with(name, &|w| w.write_all(contents), mode)
    }

    /// [`Dir::write_new`] with the contents written by `write` as they are
    /// made: the journal is serialized straight into its file, never held
    /// whole in memory.
    pub fn write_new_with(
        &self,
        name: &OsStr,
        write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
        mode: Option<&Permissions>,
    ) -> Result<(), ApplyError> {
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rfs::openat(&self.fd, name, flags, Mode::from_raw_mode(0o644))
            .map_err(|e| self.fail(name, e))?;
        let mut f = File::from(fd);
        let path = self.path(name);
        write(&mut f).map_err(super::io(&path))?;
        if let Some(m) = mode {
            // Most files get the mode they were created with (0644 less the
            // umask): an `fstat` reads it, where a `fchmod` writes the inode
            // again (one for each of a 4,000-file migrate's replaced files).
            let now = rfs::fstat(&f).map_err(|e| self.fail(name, e))?.st_mode & 0o7777;
            if now != m.mode() & 0o7777 {
                f.set_permissions(m.clone()).map_err(super::io(&path))?;
            }
        }
        Ok(())
    }

    /// Make the contents of the file `name` durable (`fsync`).
    pub fn sync_file(&self, name: &OsStr) -> Result<(), ApplyError> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let fd =
            rfs::openat(&self.fd, name, flags, Mode::empty()).map_err(|e| self.fail(name, e))?;
        rfs::fsync(&fd).map_err(|e| self.fail(name, e))
    }

    /// Make this folder's entries durable (new names, renames, removals):
    /// `fsync` of the folder, or where it cannot be opened for reading, a
    /// `sync` of everything.
    pub fn sync(&self) -> Result<(), ApplyError> {
        match self.readable() {
            Some(fd) => rfs::fsync(&fd).map_err(|e| err(&self.rel, e)),
            None => {
                rfs::sync();
                Ok(())
            }
        }
    }

    /// This folder opened for reading (`fsync` and `syncfs` refuse the
    /// `O_PATH` handle it is held by); `None` without read permission.
    fn readable(&self) -> Option<OwnedFd> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        rfs::openat(&self.fd, c".", flags, Mode::empty()).ok()
    }

    /// Rename `from` to `to` in this folder. Unless `replace`, an existing `to`
    /// is left alone and the result is an `AlreadyExists` error.
    pub fn rename(&self, from: &OsStr, to: &OsStr, replace: bool) -> Result<(), ApplyError> {
        if replace {
            return rfs::renameat(&self.fd, from, &self.fd, to).map_err(|e| self.fail(to, e));
        }
        match rfs::renameat_with(&self.fd, from, &self.fd, to, RenameFlags::NOREPLACE) {
            Ok(()) => Ok(()),
            // Not supported by this file system or kernel.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => self.link_then_unlink(from, to),
            Err(e) => Err(self.fail(to, e)),
        }
    }

    /// `rename` without replacing, where `RENAME_NOREPLACE` is missing: a hard
    /// link fails on an existing target as atomically.
    fn link_then_unlink(&self, from: &OsStr, to: &OsStr) -> Result<(), ApplyError> {
        match rfs::linkat(&self.fd, from, &self.fd, to, AtFlags::empty()) {
            Ok(()) => {
                rfs::unlinkat(&self.fd, from, AtFlags::empty()).map_err(|e| self.fail(from, e))
            }
            // No hard links here either (some network and FAT file systems):
            // check, then rename. Another program could create `to` in
            // between; this is the one place where that is possible.
            Err(Errno::PERM | Errno::OPNOTSUPP | Errno::MLINK) => {
                match rfs::statat(&self.fd, to, AtFlags::SYMLINK_NOFOLLOW) {
                    Err(Errno::NOENT) => {
                        rfs::renameat(&self.fd, from, &self.fd, to).map_err(|e| self.fail(to, e))
                    }
                    Ok(_) => Err(self.fail(to, Errno::EXIST)),
                    Err(e) => Err(self.fail(to, e)),
                }
            }
            Err(e) => Err(self.fail(to, e)),
        }
    }

    /// Remove the file (or link) `name`; `false` if there was none.
    pub fn remove_file(&self, name: &OsStr) -> Result<bool, ApplyError> {
        match rfs::unlinkat(&self.fd, name, AtFlags::empty()) {
            Ok(()) => Ok(true),
            Err(Errno::NOENT) => Ok(false),
            Err(e) => Err(self.fail(name, e)),
        }
    }

    /// Remove the folder `name` if it is empty; whether it was removed.
    pub fn remove_dir(&self, name: &OsStr) -> bool {
        rfs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR).is_ok()
    }

    /// The names in this folder.
    pub fn names(&self) -> Result<Vec<OsString>, ApplyError> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd =
            rfs::openat(&self.fd, c".", flags, Mode::empty()).map_err(|e| err(&self.rel, e))?;
        let mut out = Vec::new();
        for e in rfs::Dir::new(fd).map_err(|e| err(&self.rel, e))? {
            let e = e.map_err(|e| err(&self.rel, e))?;
            let n = e.file_name().to_bytes();
            if n != b"." && n != b".." {
                out.push(OsStr::from_bytes(n).to_os_string());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, Tree) {
        let d = tempfile::tempdir().unwrap();
        let t = Tree::open(d.path()).unwrap();
        (d, t)
    }

    #[test]
    fn the_walk_and_openat2_agree_and_neither_goes_through_a_link() {
        let (d, t) = tree();
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("a/b")).unwrap();
        std::os::unix::fs::symlink(out.path(), d.path().join("a/link")).unwrap();
        std::fs::write(d.path().join("a/file"), "x").unwrap();
        for openat2 in [true, false] {
            let open = |p: &str, create| t.resolve(Path::new(p), create, openat2);
            assert!(open("a/b", false).unwrap().is_some());
            assert!(open("a/none", false).unwrap().is_none());
            for p in ["a/link", "a/link/x", "a/link/new/deeper"] {
                for create in [false, true] {
                    let e = open(p, create).unwrap_err();
                    assert!(matches!(e, ApplyError::Unsafe { .. }), "{p}: {e}");
                    assert!(e.to_string().starts_with("a/link:"), "{e}");
                }
            }
            assert!(matches!(
                open("a/file/x", true).unwrap_err(),
                ApplyError::Io { .. }
            ));
            assert!(matches!(
                open("../x", true).unwrap_err(),
                ApplyError::Unsafe { .. }
            ));
            let made = format!("new-{openat2}/c/d");
            open(&made, true).unwrap().unwrap();
            assert!(d.path().join(&made).is_dir());
        }
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    #[test]
    fn no_replace_renames_keep_the_target_on_every_path() {
        let (d, t) = tree();
        let dir = t.dir_create(Path::new("f")).unwrap();
        let n = |s: &str| OsString::from(s);
        for (i, how) in ["renameat2", "link"].iter().enumerate() {
            let (tmp, dst) = (n(&format!("t{i}")), n(&format!("d{i}")));
            dir.write_new(&tmp, b"new", None).unwrap();
            std::fs::write(d.path().join("f").join(&dst), "mine").unwrap();
            let r = match *how {
                "renameat2" => dir.rename(&tmp, &dst, false),
                _ => dir.link_then_unlink(&tmp, &dst),
            };
            match r.unwrap_err() {
                ApplyError::Io { error, .. } => {
                    assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists)
                }
                e => panic!("{how}: {e}"),
            }
            assert_eq!(dir.read(&dst).unwrap().unwrap(), b"mine");
            std::fs::remove_file(d.path().join("f").join(&dst)).unwrap();
            match *how {
                "renameat2" => dir.rename(&tmp, &dst, false),
                _ => dir.link_then_unlink(&tmp, &dst),
            }
            .unwrap();
            assert_eq!(dir.read(&dst).unwrap().unwrap(), b"new");
            assert!(dir.read(&tmp).unwrap().is_none());
        }
    }

    #[test]
    fn a_file_swapped_for_a_link_is_neither_read_nor_written() {
        let (d, t) = tree();
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(out.path().join("secret"), d.path().join("l")).unwrap();
        let dir = t.dir(Path::new("")).unwrap().unwrap();
        let l = OsStr::new("l");
        assert!(matches!(dir.read(l), Err(ApplyError::Unsafe { .. })));
        assert!(matches!(dir.mode(l), Err(ApplyError::Unsafe { .. })));
        assert!(dir.write_new(l, b"x", None).is_err());
        assert!(!dir.is_file(l));
        assert_eq!(
            std::fs::read_to_string(out.path().join("secret")).unwrap(),
            "s"
        );
    }
}
