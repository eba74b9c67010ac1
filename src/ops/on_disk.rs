//! Whether a root-relative path exists on disk, as the planner asks it: the
//! answer of [`crate::apply::check_inside`] plus an `lstat`, with every folder
//! on the way looked at once per run. The planner asks for every name it
//! considers (each part's, each archive path's, each link target's), and each
//! question walked the whole path again: a 4,000-file migrate made ~117,000
//! `statx` calls, most of them for the same few folders.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// What an `lstat` found at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Missing,
    Link,
    Other,
}

/// The disk below a root, each path looked at once (for one run: planning
/// reads the tree as it is when the run starts).
pub struct OnDisk<'a> {
    root: &'a Path,
    seen: Mutex<HashMap<PathBuf, Kind>>,
}

impl<'a> OnDisk<'a> {
    /// Nothing looked at yet.
    pub fn new(root: &'a Path) -> OnDisk<'a> {
        OnDisk {
            root,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `rel` exists, reached without a symbolic link on the way and not
    /// one itself, and stays inside the root (no `..`, not absolute): what
    /// `check_inside(root, rel)` and an `lstat` of the result say together.
    pub fn exists(&self, rel: &Path) -> bool {
        let mut cur = PathBuf::new();
        for c in rel.components() {
            match c {
                Component::Normal(n) => cur.push(n),
                Component::CurDir => continue,
                _ => return false,
            }
            match self.kind(&cur) {
                Kind::Other => {}
                // Nothing is below a missing folder; a link is never followed.
                Kind::Missing | Kind::Link => return false,
            }
        }
        // The root itself, as an lstat of it says.
        !cur.as_os_str().is_empty() || std::fs::symlink_metadata(self.root).is_ok()
    }

    fn kind(&self, rel: &Path) -> Kind {
        if let Some(k) = self.seen.lock().ok().and_then(|m| m.get(rel).copied()) {
            return k;
        }
        let k = match std::fs::symlink_metadata(self.root.join(rel)) {
            Ok(m) if m.file_type().is_symlink() => Kind::Link,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Missing,
        };
        if let Ok(mut m) = self.seen.lock() {
            m.insert(rel.to_path_buf(), k);
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers are check_inside's plus an lstat, for files, folders,
    /// missing paths, paths through a link, links and paths leaving the root.
    #[test]
    fn answers_as_check_inside_and_lstat_do() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f.md"), "x").unwrap();
        std::fs::write(root.join("top.md"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a"), root.join("ln")).unwrap();
            std::os::unix::fs::symlink(root.join("top.md"), root.join("a/lf.md")).unwrap();
        }
        let old = |p: &Path| {
            crate::apply::check_inside(root, p)
                .is_ok_and(|abs| std::fs::symlink_metadata(abs).is_ok())
        };
        let disk = OnDisk::new(root);
        let paths = [
            "a/b/f.md",
            "a/b",
            "a",
            "top.md",
            "a/b/none.md",
            "none/x.md",
            "ln",
            "ln/b/f.md",
            "a/lf.md",
            "./a/b/f.md",
            "a/../top.md",
            "",
            "a/b/f.md/x",
        ];
        // Twice: the second answers come from what was seen.
        for _ in 0..2 {
            for p in paths {
                assert_eq!(disk.exists(Path::new(p)), old(Path::new(p)), "{p}");
            }
        }
        assert!(disk.exists(Path::new("a/b/f.md")) && !disk.exists(Path::new("ln/b/f.md")));
    }
}
