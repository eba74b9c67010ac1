//! Path-based file primitives: the portable twin of `fsat` (same interface),
//! used where there is no descriptor-relative writer (every platform but
//! Linux). Each folder is checked component by component for links when it is
//! opened, and each file right before it is read or written; that narrows, but
//! cannot close, the window in which a link swapped in by another program
//! could redirect a write. Compiled and tested on Linux too, so it cannot rot.

use std::ffi::{OsStr, OsString};
use std::fs::{OpenOptions, Permissions};
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

use super::{io, ApplyError};

fn swapped(path: &Path) -> ApplyError {
    ApplyError::Unsafe {
        path: path.to_path_buf(),
        reason: "a symbolic link stands there now, swapped in after replan checked the tree",
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The tree under a root.
#[derive(Debug)]
pub struct Tree {
    root: PathBuf,
}

impl Tree {
    /// The tree at `root` (which may itself be reached through links).
    pub fn open(root: &Path) -> Result<Tree, ApplyError> {
        if !root.is_dir() {
            return Err(io(root)(std::io::Error::from(ErrorKind::NotFound)));
        }
        Ok(Tree {
            root: root.to_path_buf(),
        })
    }

    /// The folder `rel` (root-relative), `None` if it does not exist.
    /// Make the root-relative `files` durable: their `fsync`s run in
    /// parallel, so the waits for the disk overlap.
    pub fn sync_written(&self, files: &[PathBuf]) -> Result<(), ApplyError> {
        use rayon::prelude::*;
        files.par_iter().try_for_each(|rel| {
            let (dir, name) = super::tree::split(rel);
            match self.dir(dir)? {
                Some(d) => d.sync_file(name),
                None => Err(io(dir)(std::io::Error::from(ErrorKind::NotFound))),
            }
        })
    }

    pub fn dir(&self, rel: &Path) -> Result<Option<Dir>, ApplyError> {
        self.resolve(rel, false)
    }

    /// The folder `rel`, created with any missing parents.
    pub fn dir_create(&self, rel: &Path) -> Result<Dir, ApplyError> {
        self.resolve(rel, true)?
            .ok_or_else(|| io(rel)(std::io::Error::from(ErrorKind::NotFound)))
    }

    fn resolve(&self, rel: &Path, create: bool) -> Result<Option<Dir>, ApplyError> {
        let mut abs = self.root.clone();
        let mut at = PathBuf::new();
        for c in rel.components() {
            match c {
                Component::Normal(n) => {
                    abs.push(n);
                    at.push(n);
                }
                Component::CurDir => continue,
                _ => {
                    return Err(ApplyError::Unsafe {
                        path: rel.to_path_buf(),
                        reason: "the path leaves the root",
                    })
                }
            }
            match std::fs::symlink_metadata(&abs) {
                Ok(m) if m.file_type().is_symlink() => return Err(swapped(&at)),
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(io(&at)(std::io::Error::from(ErrorKind::NotADirectory))),
                Err(e) if e.kind() == ErrorKind::NotFound && create => {
                    match std::fs::create_dir(&abs) {
                        Ok(()) => {}
                        Err(e) if e.kind() == ErrorKind::AlreadyExists && !is_link(&abs) => {}
                        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(swapped(&at)),
                        Err(e) => return Err(io(&at)(e)),
                    }
                }
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io(&at)(e)),
            }
        }
        Ok(Some(Dir {
            abs,
            rel: rel.to_path_buf(),
        }))
    }
}

/// One folder of the tree; every name given to it is a plain file name.
#[derive(Debug)]
pub struct Dir {
    abs: PathBuf,
    rel: PathBuf,
}

impl Dir {
    /// The file's path, refused if it (or its folder) is a link now.
    fn file(&self, name: &OsStr) -> Result<PathBuf, ApplyError> {
        if is_link(&self.abs) {
            return Err(swapped(&self.rel));
        }
        let p = self.abs.join(name);
        if is_link(&p) {
            return Err(swapped(&self.rel.join(name)));
        }
        Ok(p)
    }

    fn io(&self, name: &OsStr) -> impl FnOnce(std::io::Error) -> ApplyError {
        let p = self.rel.join(name);
        move |error| ApplyError::Io { path: p, error }
    }

    /// The path of `name`, `None` if there is nothing there; refused when it is
    /// there but no regular file (a link, a folder): what is read or compared
    /// is only ever a regular file.
    fn regular(&self, name: &OsStr) -> Result<Option<PathBuf>, ApplyError> {
        let p = self.file(name)?;
        match std::fs::symlink_metadata(&p) {
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Ok(m) if !m.is_file() => Err(ApplyError::Unsafe {
                path: self.rel.join(name),
                reason: "not a regular file",
            }),
            _ => Ok(Some(p)),
        }
    }

    /// The bytes of the regular file `name`, `None` if there is none.
    pub fn read(&self, name: &OsStr) -> Result<Option<Vec<u8>>, ApplyError> {
        Ok(self.read_held(name)?.map(|(bytes, _)| bytes))
    }

    /// [`Dir::read`]; no file is kept open here (Windows may refuse to
    /// replace or remove an open file), so the second field is `None`.
    pub fn read_held(&self, name: &OsStr) -> Result<Option<super::tree::Held>, ApplyError> {
        let Some(p) = self.regular(name)? else {
            return Ok(None);
        };
        match std::fs::read(&p) {
            Ok(b) => Ok(Some((b, None))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(name)(e)),
        }
    }

    /// Whether the regular file `name` holds `expected` byte for byte (`None`
    /// if there is none), compared a piece at a time; no file is kept open
    /// here, as for [`Dir::read_held`].
    pub fn held_same(
        &self,
        name: &OsStr,
        expected: &[u8],
    ) -> Result<Option<super::tree::HeldSame>, ApplyError> {
        let Some(p) = self.regular(name)? else {
            return Ok(None);
        };
        match std::fs::File::open(&p) {
            Ok(mut f) => super::tree::same_as(&mut f, expected)
                .map(|same| Some((same, None)))
                .map_err(self.io(name)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(name)(e)),
        }
    }

    /// [`Dir::read`], with how many names the file has (its link count; 1
    /// where there are no hard links).
    pub fn read_linked(&self, name: &OsStr) -> Result<Option<(Vec<u8>, u64)>, ApplyError> {
        let Some((bytes, _)) = self.read_held(name)? else {
            return Ok(None);
        };
        #[cfg(unix)]
        let links = {
            use std::os::unix::fs::MetadataExt;
            std::fs::symlink_metadata(self.file(name)?)
                .map_err(self.io(name))?
                .nlink()
        };
        #[cfg(not(unix))]
        let links = 1;
        Ok(Some((bytes, links)))
    }

    /// Give the file `src_name` of folder `src` the new name `name` here (a
    /// hard link); an existing `name` is left alone and the result is an
    /// `AlreadyExists` error. `Ok(false)` where this cannot be done (no hard
    /// links here, another file system): copy instead. Never on Windows,
    /// where a file with two names cannot be replaced while open.
    pub fn link_from(&self, src: &Dir, src_name: &OsStr, name: &OsStr) -> Result<bool, ApplyError> {
        if cfg!(not(unix)) {
            return Ok(false);
        }
        let (from, to) = (src.file(src_name)?, self.file(name)?);
        match std::fs::hard_link(&from, &to) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(self.io(name)(e)),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(src.io(src_name)(e)),
            Err(_) => Ok(false),
        }
    }

    /// The permissions of the file `name`, `None` if there is none.
    pub fn mode(&self, name: &OsStr) -> Result<Option<Permissions>, ApplyError> {
        match std::fs::symlink_metadata(self.file(name)?) {
            Ok(m) => Ok(Some(m.permissions())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(name)(e)),
        }
    }

    /// Whether `name` is a regular file (not a link, not a folder).
    pub fn is_file(&self, name: &OsStr) -> bool {
        std::fs::symlink_metadata(self.abs.join(name)).is_ok_and(|m| m.is_file())
    }

    /// Create `name`, which must not exist (an existing one is an
    /// `AlreadyExists` error), write `contents`, give it `mode` when set, sync
    /// and close it.
    pub fn write_new(
        &self,
        name: &OsStr,
        contents: &[u8],
        mode: Option<&Permissions>,
    ) -> Result<(), ApplyError> {
        self.write_new_with(name, &|w| w.write_all(contents), mode)
    }

    /// [`Dir::write_new`] with the contents written by `write` as they are
    /// made (the journal, serialized straight into its file).
    pub fn write_new_with(
        &self,
        name: &OsStr,
        write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
        mode: Option<&Permissions>,
    ) -> Result<(), ApplyError> {
        let p = self.file(name)?;
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
            .map_err(self.io(name))?;
        write(&mut f).map_err(self.io(name))?;
        if let Some(m) = mode {
            f.set_permissions(m.clone()).map_err(self.io(name))?;
        }
        Ok(())
    }

    /// Make the contents of the file `name` durable. Windows flushes only a
    /// handle opened for writing; elsewhere a read handle does (and works for
    /// a file whose mode forbids writing).
    pub fn sync_file(&self, name: &OsStr) -> Result<(), ApplyError> {
        let p = self.file(name)?;
        let f = OpenOptions::new()
            .read(!cfg!(windows))
            .write(cfg!(windows))
            .open(&p)
            .map_err(self.io(name))?;
        f.sync_all().map_err(self.io(name))
    }

    /// Make this folder's entries durable. Unix: `fsync` of the folder.
    /// Windows cannot open a folder to flush it (NTFS journals its own
    /// metadata), so there it does nothing.
    pub fn sync(&self) -> Result<(), ApplyError> {
        if is_link(&self.abs) {
            return Err(swapped(&self.rel));
        }
        #[cfg(unix)]
        std::fs::File::open(&self.abs)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&self.rel)(e))?;
        Ok(())
    }

    /// Rename `from` to `to` in this folder. Unless `replace`, an existing `to`
    /// is left alone and the result is an `AlreadyExists` error.
    pub fn rename(&self, from: &OsStr, to: &OsStr, replace: bool) -> Result<(), ApplyError> {
        let (src, dst) = (self.file(from)?, self.file(to)?);
        if replace {
            return std::fs::rename(&src, &dst).map_err(self.io(to));
        }
        // A hard link fails on an existing target atomically; where there are
        // none, check then rename.
        match std::fs::hard_link(&src, &dst) {
            Ok(()) => std::fs::remove_file(&src).map_err(self.io(from)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(self.io(to)(e)),
            Err(_) if std::fs::symlink_metadata(&dst).is_ok() => {
                Err(self.io(to)(std::io::Error::from(ErrorKind::AlreadyExists)))
            }
            Err(_) => std::fs::rename(&src, &dst).map_err(self.io(to)),
        }
    }

    /// Remove the file (or link) `name`; `false` if there was none.
    pub fn remove_file(&self, name: &OsStr) -> Result<bool, ApplyError> {
        if is_link(&self.abs) {
            return Err(swapped(&self.rel));
        }
        match std::fs::remove_file(self.abs.join(name)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.io(name)(e)),
        }
    }

    /// Remove the folder `name` if it is empty; whether it was removed.
    pub fn remove_dir(&self, name: &OsStr) -> bool {
        let p = self.abs.join(name);
        !is_link(&self.abs) && !is_link(&p) && std::fs::remove_dir(p).is_ok()
    }

    /// The names in this folder.
    pub fn names(&self) -> Result<Vec<OsString>, ApplyError> {
        let rd = std::fs::read_dir(&self.abs).map_err(io(&self.rel))?;
        Ok(rd.flatten().map(|e| e.file_name()).collect())
    }
}
