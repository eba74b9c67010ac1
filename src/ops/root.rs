//! The project root, found from any path as cargo and ruff find theirs, so a
//! command gives the same answer from the root, from `.claude/` or from a plan
//! folder: configuration, `plan_dirs`, `repo_roots` and the archive all resolve
//! from it, and every path printed is relative to it.

use std::path::{Path, PathBuf};

/// The folder a path is in (the path itself when it is a folder).
fn folder_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// What marks `dir` as a project root, if anything: `replan.yaml`, a planning
/// folder (`.claude/`, `.planning/`), or `.git` (never climb out of a
/// repository), first found in that order.
pub fn marker(dir: &Path) -> Option<&'static str> {
    if dir.join("replan.yaml").is_file() {
        Some("replan.yaml")
    } else if dir.join(".claude").is_dir() {
        Some(".claude/")
    } else if dir.join(".planning").is_dir() {
        Some(".planning/")
    } else if dir.join(".git").exists() {
        Some(".git")
    } else {
        None
    }
}

fn is_root(dir: &Path) -> bool {
    marker(dir).is_some()
}

/// The root for `path`: the nearest folder at or above it that holds
/// `replan.yaml`, `.claude/`, `.planning/` or `.git`; else the path's own
/// folder. The home folder is never climbed into from below (it holds a
/// `.claude/` of its own, for Claude Code's settings and plans). The path is
/// returned as given when it is the root, so messages keep the user's spelling.
pub fn discover(path: &Path) -> PathBuf {
    // A path that is not there is its own answer: the command then says so,
    // rather than acting on the folder it was typed in.
    if !path.exists() {
        return path.to_path_buf();
    }
    let start = folder_of(path);
    let Ok(abs) = std::fs::canonicalize(&start) else {
        return start;
    };
    let home = std::env::var_os("HOME").and_then(|h| std::fs::canonicalize(h).ok());
    for a in abs.ancestors() {
        if a != abs && home.as_deref() == Some(a) {
            break;
        }
        if is_root(a) {
            return if a == abs { start } else { a.to_path_buf() };
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_marked_folder_is_the_root_from_anywhere_below() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("proj");
        let deep = root.join(".claude/plans/x");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("a.md"), "# A\n").unwrap();
        let want = std::fs::canonicalize(&root).unwrap();
        for from in [deep.join("a.md"), deep.clone(), root.join(".claude")] {
            assert_eq!(
                std::fs::canonicalize(discover(&from)).unwrap(),
                want,
                "{from:?}"
            );
        }
        // Given as it is, it is returned as given.
        assert_eq!(discover(&root), root);
        // A path that is not there is not taken for the folder it would be in.
        assert_eq!(discover(&deep.join("nope")), deep.join("nope"));
    }

    #[test]
    fn without_a_marker_the_folder_itself_is_the_root() {
        let d = tempfile::tempdir().unwrap();
        let plain = d.path().join("notes");
        std::fs::create_dir_all(&plain).unwrap();
        // Unless the temp folder itself sits in a marked folder.
        let marked = d.path().ancestors().any(is_root);
        if !marked {
            assert_eq!(discover(&plain), plain);
        }
    }
}
