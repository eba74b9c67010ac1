//! The one question replan asks git: which files have uncommitted changes. Asked
//! through `git status --porcelain`; when git is missing or the root is not in a
//! work tree, the answer is "none" and nothing is refused.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// Root-relative paths under `root` with uncommitted changes (modified, staged,
/// untracked, deleted). Empty when git is missing or `root` is not in a work tree;
/// an error when `root` is in a work tree but git cannot tell its status (e.g. a
/// `safe.directory` refusal), since "clean" would then be a guess.
pub fn dirty(root: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let mut set = BTreeSet::new();
    let Some(top) = git(root, &["rev-parse", "--show-toplevel"]) else {
        return Ok(set);
    };
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let Some(out) = git(
        root,
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
            ".",
        ],
    ) else {
        return Err(format!(
            "{}: inside a git work tree, but `git status` failed, so uncommitted changes cannot be ruled out; fix git or pass --allow-dirty",
            root.display()
        ));
    };
    let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let mut fields = out.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let Some(f) = fields.next() {
        if f.len() < 4 {
            continue;
        }
        let status = &f[..2];
        let path = String::from_utf8_lossy(&f[3..]).into_owned();
        // A rename's entry is followed by its old path.
        if status.contains(&b'R') || status.contains(&b'C') {
            fields.next();
        }
        let abs = top.join(&path);
        if let Ok(rel) = abs.strip_prefix(&root_abs) {
            set.insert(rel.to_path_buf());
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_work_tree_nothing_is_dirty() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.md"), "x").unwrap();
        // A temp dir is normally not inside a git work tree; if it is, skip.
        if git(d.path(), &["rev-parse", "--show-toplevel"]).is_none() {
            assert!(dirty(d.path()).unwrap().is_empty());
        }
    }

    #[test]
    fn finds_uncommitted_files() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        if git(r, &["init", "-q"]).is_none() {
            eprintln!("skipping: git not available");
            return;
        }
        std::fs::write(r.join("a.md"), "x").unwrap();
        std::fs::write(r.join("b.md"), "y").unwrap();
        let _ = git(r, &["add", "a.md"]);
        let _ = git(
            r,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "a",
            ],
        );
        let set = dirty(r).unwrap();
        assert!(set.contains(Path::new("b.md")), "{set:?}");
        assert!(!set.contains(Path::new("a.md")), "{set:?}");
        // A root below the work tree's top sees its own root-relative paths.
        std::fs::create_dir_all(r.join("sub/x")).unwrap();
        std::fs::write(r.join("sub/x/c.md"), "z").unwrap();
        let set = dirty(&r.join("sub")).unwrap();
        assert_eq!(
            set.into_iter().collect::<Vec<_>>(),
            vec![PathBuf::from("x/c.md")]
        );
    }
}
