//! The tree apply writes in, behind one interface: descriptor-relative on
//! Linux (`fsat`: a link swapped in after the checks stops the run), path-based
//! elsewhere (`fspath`: the window is narrowed, not closed). See the README's
//! safety table.

use std::ffi::OsStr;
use std::path::Path;

#[cfg(target_os = "linux")]
pub use super::fsat::{Dir, Tree};
#[cfg(not(target_os = "linux"))]
pub use super::fspath::{Dir, Tree};

/// A file's bytes, and the file itself where it is kept open (Linux: one
/// replaced or removed while open keeps its blocks until closed, see `reaper`).
pub type Held = (Vec<u8>, Option<std::fs::File>);

/// Whether a file holds the bytes expected of it, and the file itself where it
/// is kept open (as for [`Held`]).
pub type HeldSame = (bool, Option<std::fs::File>);

/// Whether what `r` reads, to its end, is `expected` byte for byte, compared a
/// piece at a time: apply's re-checks (a file still what the plan read, right
/// before it is replaced or removed; an archive copy the original's bytes)
/// held each file whole to compare it, an original and its copy at once, 100
/// MB for a 50 MB plan at the writing run's end.
pub fn same_as(r: &mut dyn std::io::Read, expected: &[u8]) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = 0;
    loop {
        let n = match r.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(at == expected.len());
        }
        match expected.get(at..at + n) {
            Some(want) if want == &buf[..n] => at += n,
            _ => return Ok(false),
        }
    }
}

/// A root-relative file path's folder and name (an empty name, which no
/// plan's path has, opens nothing).
pub fn split(rel: &Path) -> (&Path, &OsStr) {
    (
        rel.parent().unwrap_or(Path::new("")),
        rel.file_name().unwrap_or_default(),
    )
}

impl Tree {
    /// Whether the root-relative file `rel` holds `expected` byte for byte,
    /// `None` if it (or its folder) does not exist ([`same_as`]).
    pub fn same(&self, rel: &Path, expected: &[u8]) -> Result<Option<bool>, super::ApplyError> {
        let (dir, name) = split(rel);
        match self.dir(dir)? {
            Some(d) => Ok(d.held_same(name, expected)?.map(|(same, _)| same)),
            None => Ok(None),
        }
    }

    /// The root-relative folder of `rel`, opened (it must exist by now: a folder
    /// removed under the run is an error naming it).
    pub fn dir_of<'a>(&self, rel: &'a Path) -> Result<(Dir, &'a OsStr), super::ApplyError> {
        let (dir, name) = split(rel);
        match self.dir(dir)? {
            Some(d) => Ok((d, name)),
            None => Err(super::io(dir)(std::io::Error::from(
                std::io::ErrorKind::NotFound,
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    /// What both implementations promise, run against each.
    macro_rules! contract {
        ($m:ident) => {
            mod $m {
                use std::ffi::OsStr;
                use std::path::Path;

                use crate::apply::$m::Tree;
                use crate::apply::ApplyError;

                fn read(t: &Tree, rel: &str) -> Result<Option<Vec<u8>>, ApplyError> {
                    let (dir, name) = crate::apply::tree::split(Path::new(rel));
                    match t.dir(dir)? {
                        Some(d) => d.read(name),
                        None => Ok(None),
                    }
                }

                /// A file is compared with the bytes expected of it without
                /// being read whole: equal, other, gone, or not a file at all.
                #[test]
                fn a_file_is_compared_with_what_it_should_hold() {
                    let d = tempfile::tempdir().unwrap();
                    let t = Tree::open(d.path()).unwrap();
                    let n = OsStr::new;
                    let dir = t.dir_create(Path::new("a")).unwrap();
                    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
                    dir.write_new(n("f"), &big, None).unwrap();
                    let same = |want: &[u8]| dir.held_same(n("f"), want).unwrap().map(|(s, _)| s);
                    assert_eq!(same(&big), Some(true));
                    assert_eq!(same(&big[..big.len() - 1]), Some(false));
                    let mut longer = big.clone();
                    longer.push(0);
                    assert_eq!(same(&longer), Some(false));
                    let mut other = big.clone();
                    other[150_000] ^= 1;
                    assert_eq!(same(&other), Some(false));
                    assert_eq!(same(b""), Some(false));
                    assert!(dir.held_same(n("none"), b"").unwrap().is_none());
                    std::fs::create_dir(d.path().join("a/sub")).unwrap();
                    assert!(matches!(
                        dir.held_same(n("sub"), b""),
                        Err(ApplyError::Unsafe { .. })
                    ));
                }

                #[test]
                fn writes_renames_and_removes_inside_the_root_only() {
                    let d = tempfile::tempdir().unwrap();
                    let t = Tree::open(d.path()).unwrap();
                    let n = OsStr::new;
                    let dir = t.dir_create(Path::new("a/b")).unwrap();
                    dir.write_new(n("t"), b"one", None).unwrap();
                    let e = dir.write_new(n("t"), b"two", None).unwrap_err();
                    assert!(
                        matches!(&e, ApplyError::Io { error, .. } if error.kind() == std::io::ErrorKind::AlreadyExists),
                        "{e}"
                    );
                    dir.rename(n("t"), n("f"), false).unwrap();
                    assert_eq!(read(&t, "a/b/f").unwrap().unwrap(), b"one");
                    dir.write_new(n("t"), b"two", None).unwrap();
                    assert!(dir.rename(n("t"), n("f"), false).is_err());
                    dir.rename(n("t"), n("f"), true).unwrap();
                    assert_eq!(dir.read(n("f")).unwrap().unwrap(), b"two");
                    assert!(dir.is_file(n("f")));
                    assert!(dir.names().unwrap().contains(&"f".into()));
                    assert!(dir.remove_file(n("f")).unwrap());
                    assert!(!dir.remove_file(n("f")).unwrap());
                    assert!(read(&t, "a/none/x").unwrap().is_none());
                    assert!(t.dir(Path::new("a/none")).unwrap().is_none());
                    let a = t.dir(Path::new("a")).unwrap().unwrap();
                    assert!(a.remove_dir(n("b")));
                    assert!(!d.path().join("a/b").exists());
                }

                #[test]
                fn a_file_written_as_it_is_made_holds_what_was_written_or_fails() {
                    let d = tempfile::tempdir().unwrap();
                    let t = Tree::open(d.path()).unwrap();
                    let dir = t.dir_create(Path::new("j")).unwrap();
                    let pieces = |w: &mut dyn std::io::Write| {
                        w.write_all(b"one ")?;
                        w.write_all(b"two")
                    };
                    dir.write_new_with(OsStr::new("t"), &pieces, None).unwrap();
                    assert_eq!(read(&t, "j/t").unwrap().unwrap(), b"one two");
                    let broken = |w: &mut dyn std::io::Write| {
                        w.write_all(b"half")?;
                        Err(std::io::Error::other("cannot serialize"))
                    };
                    let e = dir.write_new_with(OsStr::new("u"), &broken, None);
                    assert!(e.is_err());
                }

                #[test]
                fn syncs_written_files_and_folders() {
                    let d = tempfile::tempdir().unwrap();
                    let t = Tree::open(d.path()).unwrap();
                    let n = OsStr::new;
                    let dir = t.dir_create(Path::new("a/b")).unwrap();
                    dir.write_new(n("t"), b"one", None).unwrap();
                    let top = t.dir_create(Path::new("")).unwrap();
                    top.write_new(n("u"), b"two", None).unwrap();
                    let files = ["a/b/t", "u"].map(std::path::PathBuf::from);
                    t.sync_written(&files).unwrap();
                    dir.sync_file(n("t")).unwrap();
                    dir.sync().unwrap();
                    assert!(dir.sync_file(n("none")).is_err());
                    assert_eq!(read(&t, "a/b/t").unwrap().unwrap(), b"one");
                }

                #[cfg(unix)]
                #[test]
                fn keeps_a_given_mode() {
                    use std::os::unix::fs::PermissionsExt;
                    let d = tempfile::tempdir().unwrap();
                    let t = Tree::open(d.path()).unwrap();
                    let dir = t.dir_create(Path::new("")).unwrap();
                    let m = std::fs::Permissions::from_mode(0o600);
                    dir.write_new(OsStr::new("f"), b"x", Some(&m)).unwrap();
                    let got = dir.mode(OsStr::new("f")).unwrap().unwrap();
                    assert_eq!(got.mode() & 0o777, 0o600);
                    assert!(dir.mode(OsStr::new("none")).unwrap().is_none());
                }

                #[cfg(unix)]
                #[test]
                fn a_folder_swapped_for_a_link_after_it_was_checked_stops_the_write() {
                    let d = tempfile::tempdir().unwrap();
                    let out = tempfile::tempdir().unwrap();
                    let t = Tree::open(d.path()).unwrap();
                    t.dir_create(Path::new("p")).unwrap();
                    std::fs::remove_dir(d.path().join("p")).unwrap();
                    std::os::unix::fs::symlink(out.path(), d.path().join("p")).unwrap();
                    for create in [false, true] {
                        let e = if create {
                            t.dir_create(Path::new("p/q")).map(|_| ()).unwrap_err()
                        } else {
                            t.dir(Path::new("p")).map(|_| ()).unwrap_err()
                        };
                        assert!(matches!(e, ApplyError::Unsafe { .. }), "{e}");
                    }
                    assert!(read(&t, "p/x").is_err());
                    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
                }
            }
        };
    }

    #[cfg(target_os = "linux")]
    contract!(fsat);
    contract!(fspath);

    /// Compared a piece at a time, however the reader cuts its pieces.
    #[test]
    fn same_as_compares_piece_by_piece() {
        struct Trickle<'a>(&'a [u8], usize);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text: Vec<u8> = (0..70_000u32).map(|i| (i % 253) as u8).collect();
        for step in [1, 7, 65_536, 100_000] {
            let same = |want: &[u8]| super::same_as(&mut Trickle(&text, step), want).unwrap();
            assert!(same(&text), "{step}");
            assert!(!same(&text[..69_999]), "{step}");
            assert!(!same(&[&text[..], b"x"].concat()), "{step}");
            assert!(!same(&[&text[..69_999], b"x"].concat()), "{step}");
        }
        assert!(super::same_as(&mut Trickle(b"", 1), b"").unwrap());
        assert!(!super::same_as(&mut Trickle(b"", 1), b"a").unwrap());
    }
}
