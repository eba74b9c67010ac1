//! Refusals that must come before anything is written: enough free space for the
//! staged files, the archive copies and the journal, and write permission on
//! every folder a plan writes into or removes from. Without them a full disk or
//! a read-only folder was found half-way, after the journal and archive copies
//! were already on disk.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{ApplyError, Inside};
use crate::plan::{Op, Plan};

/// Room kept free beyond what the plan needs, for the file system's own blocks.
const MARGIN: u64 = 1 << 20;

/// Bytes a plan writes: new and modified contents, archive copies.
fn bytes_written(ops: &[&Op]) -> u64 {
    ops.iter()
        .map(|op| match op {
            Op::Create { contents, .. } | Op::Move { contents, .. } => contents.len() as u64,
            Op::Modify { new, .. } => new.len() as u64,
            Op::Delete { .. } => 0,
        })
        .sum()
}

/// The folders a plan writes into or removes from: each op's target folder,
/// and a move's source folder.
fn folders(ops: &[&Op]) -> BTreeSet<PathBuf> {
    let parent = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = BTreeSet::new();
    for op in ops {
        out.insert(parent(op.path()));
        if let Op::Move { from, .. } = op {
            out.insert(parent(from));
        }
    }
    out
}

/// The nearest folder at or above `rel` (root-relative) that exists.
fn existing_ancestor(root: &Path, rel: &Path) -> PathBuf {
    let mut cur = Some(rel);
    while let Some(c) = cur {
        let abs = root.join(c);
        if abs.is_dir() {
            return abs;
        }
        cur = c.parent();
    }
    root.to_path_buf()
}

#[cfg(unix)]
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

#[cfg(target_os = "linux")]
fn available(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid path and `s` a buffer statvfs fills on success.
    let r = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
    if r != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `s`.
    let s = unsafe { s.assume_init() };
    #[allow(clippy::unnecessary_cast)]
    Some(s.f_bavail as u64 * s.f_frsize as u64)
}

#[cfg(not(target_os = "linux"))]
fn available(_dir: &Path) -> Option<u64> {
    None
}

/// Check that `plan` (plus `extra` bytes, the journal) can be written in full.
/// Free space is measured where the root is: a plan writes only below it.
pub fn check(plan: &Plan, extra: u64) -> Result<(), ApplyError> {
    let ops: Vec<&Op> = plan.ops.iter().collect();
    check_ops(&plan.root, &ops, extra)
}

/// [`check`] of some of a plan's ops under `root`, borrowed: apply checks the
/// ops it has left to do, and a plan of them would copy every file's text.
pub fn check_ops(root: &Path, ops: &[&Op], extra: u64) -> Result<(), ApplyError> {
    // Every write goes through a descriptor of the root (`tree`): it must exist.
    if !ops.is_empty() && !root.is_dir() {
        return Err(ApplyError::Refused {
            path: root.to_path_buf(),
            reason: "no such folder; create it first".into(),
        });
    }
    let mut inside = Inside::new(root);
    for dir in folders(ops) {
        inside.check(&dir)?;
        let at = existing_ancestor(root, &dir);
        if !writable(&at) {
            return Err(ApplyError::Refused {
                path: dir,
                reason: format!("{} is not writable", at.display()),
            });
        }
    }
    let need = bytes_written(ops) + extra + MARGIN;
    // Crash-test builds can pretend the disk is nearly full.
    #[cfg(any(test, feature = "fault-injection"))]
    let free = std::env::var("REPLAN_FREE_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| available(root));
    #[cfg(not(any(test, feature = "fault-injection")))]
    let free = available(root);
    if let Some(free) = free {
        if free < need {
            return Err(ApplyError::Refused {
                path: root.to_path_buf(),
                reason: format!(
                    "not enough free space: the run writes {} KiB, {} KiB are free",
                    need / 1024,
                    free / 1024
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_a_plan_writes_and_where() {
        let mut p = Plan::new("/r");
        p.ops.push(Op::create("a/x.md", "12345"));
        p.ops.push(Op::modify("b.md", "1", "123"));
        p.ops.push(Op::moved("c/o.md", "arch/c/o.md", "1234567"));
        p.ops.push(Op::delete("d/z.md", "gone"));
        let ops: Vec<&Op> = p.ops.iter().collect();
        assert_eq!(bytes_written(&ops), 15);
        let f: Vec<_> = folders(&ops).into_iter().collect();
        let want: Vec<PathBuf> = ["", "a", "arch/c", "c", "d"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(f, want);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_refused_before_anything_is_written() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("ro")).unwrap();
        std::fs::set_permissions(d.path().join("ro"), std::fs::Permissions::from_mode(0o555))
            .unwrap();
        let mut p = Plan::new(d.path());
        p.ops.push(Op::create("ro/new/x.md", "x"));
        let r = check(&p, 0);
        std::fs::set_permissions(d.path().join("ro"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        // root may write anywhere: then access() says yes and there is nothing to test.
        if unsafe { libc::geteuid() } != 0 {
            assert!(r.unwrap_err().to_string().contains("not writable"));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn more_than_the_free_space_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = Plan::new(d.path());
        let e = check(&p, u64::MAX / 2).unwrap_err().to_string();
        assert!(e.contains("not enough free space"), "{e}");
        assert!(check(&p, 0).is_ok());
    }
}
