//! One writing run at a time. `migrate`, `consolidate` and `restore` hold an
//! exclusive lock on the tree for their whole run, so `restore` can never act on
//! the journal of a run still applying (which destroyed an original), and two
//! migrates never interleave their writes. `check` and `--dry-run` take none.
//!
//! The lock is an OS file lock (`flock` on Unix, `LockFileEx` on Windows, through
//! std's `File::try_lock`) on `<root>/.replan.lock`: the OS releases it when its
//! holder dies, so a stale lock is simply taken over. The file names its holder
//! (pid and start time) for the message of a run that has to give up, and is
//! removed when the run ends, so the tree is left as it was found.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{check_inside, io, ApplyError};

/// The lock file's name, in the root.
pub const LOCK_NAME: &str = ".replan.lock";

/// How long a run waits for another to finish before it gives up.
pub const WAIT: Duration = Duration::from_secs(3);

/// A held lock; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct TreeLock {
    file: File,
    path: PathBuf,
}

fn open(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never follow a link swapped in for the lock file.
        o.custom_flags(libc::O_NOFOLLOW);
    }
    o.open(path)
}

/// Whether `file` is still the file at `path` (not unlinked by a holder that was
/// finishing while we waited on it).
fn still_there(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// Take the tree's lock for `command`, waiting up to `wait` for another run to
/// finish. Refused (nothing written but the lock file, which is removed) when it
/// stays held, naming the holder.
pub fn acquire(root: &Path, command: &str, wait: Duration) -> Result<TreeLock, ApplyError> {
    let path = check_inside(root, Path::new(LOCK_NAME))?;
    let start = Instant::now();
    loop {
        let mut file = open(&path).map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) if still_there(&file, &path) => {
                let me = format!(
                    "pid {} ({command}) since {}\n",
                    std::process::id(),
                    crate::plan::manifest::now()
                );
                file.set_len(0).map_err(io(&path))?;
                file.write_all(me.as_bytes()).map_err(io(&path))?;
                return Ok(TreeLock { file, path });
            }
            // The holder removed it as we got it: lock the file there now.
            Ok(()) => continue,
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.rewind();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(ApplyError::Refused {
                    path: PathBuf::from(LOCK_NAME),
                    reason: format!(
                        "another replan run holds the lock on this tree ({}); wait for it to finish",
                        if holder.is_empty() { "holder unknown" } else { holder }
                    ),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
    }
}

impl Drop for TreeLock {
    fn drop(&mut self) {
        // Removed while still held, so no other run can hold it at this path; a
        // run waiting on the old file sees it gone and locks a new one.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_is_refused_naming_the_holder_and_the_file_goes_at_the_end() {
        let d = tempfile::tempdir().unwrap();
        let held = acquire(d.path(), "migrate", WAIT).unwrap();
        let e = acquire(d.path(), "restore", Duration::from_millis(0)).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("(migrate)"), "{msg}");
        drop(held);
        assert!(!d.path().join(LOCK_NAME).exists());
        let again = acquire(d.path(), "restore", Duration::from_millis(0)).unwrap();
        drop(again);
        assert!(!d.path().join(LOCK_NAME).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_lock_file_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("x"), d.path().join(LOCK_NAME)).unwrap();
        assert!(acquire(d.path(), "migrate", Duration::from_millis(0)).is_err());
        assert!(!outside.path().join("x").exists());
    }
}
