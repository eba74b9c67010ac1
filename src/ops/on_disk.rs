//! Whether a root-relative path exists on disk, as the planner asks it (a
//! reader's answer, links followed), with every folder on the way looked at
//! once per run. The planner asks for every name it
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
    /// Paths with a link on their way, and whether they lead somewhere.
    followed: Mutex<HashMap<PathBuf, bool>>,
}

impl<'a> OnDisk<'a> {
    /// Nothing looked at yet.
    pub fn new(root: &'a Path) -> OnDisk<'a> {
        OnDisk {
            root,
            seen: Mutex::new(HashMap::new()),
            followed: Mutex::new(HashMap::new()),
        }
    }

    /// Whether something is at `rel` as a reader finds it, following symbolic
    /// links (a link to a file that is a symlink works in an editor, on
    /// GitHub and for an agent; taken for missing, it was called broken and
    /// left unadjusted in text moved one folder down, which broke it), and
    /// staying lexically inside the root (no `..`, not absolute). For the
    /// names the planner picks this is the cautious answer too: a name a link
    /// holds is taken (apply never writes through a link either way).
    pub fn exists(&self, rel: &Path) -> bool {
        // Lexically inside the root, all of it: a `..` after a link is not
        // left to the link to resolve.
        if !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return false;
        }
        let mut cur = PathBuf::new();
        for c in rel.components() {
            let Component::Normal(n) = c else { continue };
            cur.push(n);
            match self.kind(&cur) {
                Kind::Other => {}
                // Nothing is below a missing folder.
                Kind::Missing => return false,
                // The rest is the link's to resolve (every component was
                // checked above to stay inside the root).
                Kind::Link => return self.resolves(rel),
            }
        }
        // The root itself, as an lstat of it says.
        !cur.as_os_str().is_empty() || std::fs::symlink_metadata(self.root).is_ok()
    }

    /// Whether `rel`, which has a link on its way, leads to something.
    fn resolves(&self, rel: &Path) -> bool {
        memo(&self.followed, rel, || {
            std::fs::metadata(self.root.join(rel)).is_ok()
        })
    }

    fn kind(&self, rel: &Path) -> Kind {
        memo(&self.seen, rel, || {
            match std::fs::symlink_metadata(self.root.join(rel)) {
                Ok(m) if m.file_type().is_symlink() => Kind::Link,
                Ok(_) => Kind::Other,
                Err(_) => Kind::Missing,
            }
        })
    }
}

/// `rel`'s answer in `seen`, else `look`'s, remembered (a poisoned lock only
/// forgets: the disk is asked again).
fn memo<T: Copy>(seen: &Mutex<HashMap<PathBuf, T>>, rel: &Path, look: impl FnOnce() -> T) -> T {
    if let Some(v) = seen.lock().ok().and_then(|m| m.get(rel).copied()) {
        return v;
    }
    let v = look();
    if let Ok(mut m) = seen.lock() {
        m.insert(rel.to_path_buf(), v);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers are a reader's: what `metadata` (following links) finds,
    /// for paths that stay lexically inside the root: files, folders, missing
    /// paths, paths through a link, links, dangling links and paths leaving
    /// the root.
    #[test]
    fn answers_as_a_reader_following_links_would() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f.md"), "x").unwrap();
        std::fs::write(root.join("top.md"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a"), root.join("ln")).unwrap();
            std::os::unix::fs::symlink(root.join("top.md"), root.join("a/lf.md")).unwrap();
            std::os::unix::fs::symlink(root.join("gone.md"), root.join("a/dangling.md")).unwrap();
        }
        let disk = OnDisk::new(root);
        let cases = [
            ("a/b/f.md", true),
            ("a/b", true),
            ("a", true),
            ("top.md", true),
            ("a/b/none.md", false),
            ("none/x.md", false),
            ("ln", true),
            ("ln/b/f.md", true),
            ("ln/b/none.md", false),
            ("a/lf.md", true),
            ("a/dangling.md", false),
            ("./a/b/f.md", true),
            ("a/../top.md", false),
            ("ln/../top.md", false),
            ("", true),
            ("a/b/f.md/x", false),
        ];
        // Twice: the second answers come from what was seen.
        for _ in 0..2 {
            for (p, want) in cases {
                assert_eq!(disk.exists(Path::new(p)), want, "{p}");
            }
        }
    }
}
