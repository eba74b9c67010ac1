//! The questions replan asks git: which files have uncommitted changes (asked
//! through `git status --porcelain`), when files were last committed, and
//! whether a path is ignored. Outside a work tree the answer is "none"
//! (and `restore` is the way back); inside one, any failure of git is an error,
//! never "clean": the guard fails closed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// git's output, or its complaint (stderr, or why it could not run).
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Whether `root` or a folder above it holds `.git` (a folder, or the file of a
/// linked work tree or submodule): then the tree looks like a work tree whether
/// or not git agrees to read it.
fn looks_like_work_tree(root: &Path) -> bool {
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    abs.ancestors().any(|a| a.join(".git").exists())
}

/// Root-relative paths under `root` with uncommitted changes (modified, staged,
/// untracked, deleted). Empty when git is missing or `root` is not in a work tree;
/// an error when `root` is in a work tree but git cannot tell its status (e.g. a
/// `safe.directory` refusal), since "clean" would then be a guess.
pub fn dirty(root: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let mut set = BTreeSet::new();
    let refuse = |why: String| {
        format!(
            "{}: looks like a git work tree, but git cannot tell which files have uncommitted changes ({why}); fix git (e.g. `git config --global --add safe.directory …`) or pass --allow-dirty",
            root.display()
        )
    };
    let top = match git(root, &["rev-parse", "--show-toplevel"]) {
        Ok(top) => top,
        Err(why) if looks_like_work_tree(root) => return Err(refuse(why)),
        Err(_) => return Ok(set),
    };
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let args = [
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--",
        ".",
    ];
    let out = git(root, &args).map_err(refuse)?;
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

/// The date (`YYYY-MM-DD`, the committer's) of the last commit that touched
/// any of `paths` (root-relative), or `None` outside a work tree, when git
/// cannot tell, or when none of them was ever committed.
pub fn last_commit_date(root: &Path, paths: &[PathBuf]) -> Option<String> {
    if paths.is_empty() {
        return None;
    }
    let mut args: Vec<String> = ["log", "-1", "--format=%cd", "--date=short", "--"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = git(root, &refs).ok()?;
    let date = String::from_utf8_lossy(&out).trim().to_string();
    let ok = date.len() == 10 && date.chars().all(|c| c.is_ascii_digit() || c == '-');
    ok.then_some(date)
}

/// The ignore rule (`.gitignore:6: .claude/`) by which git ignores `rel`
/// (root-relative; it need not exist yet), or `None` when git does not ignore
/// it, `root` is no work tree, or git cannot tell.
pub fn ignored_by(root: &Path, rel: &Path) -> Option<String> {
    ignored_among(root, &[rel])
        .into_iter()
        .next()
        .map(|(_, rule)| rule)
}

/// git's output for `input` on its standard input.
fn git_stdin(root: &Path, args: &[&str], input: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    // Written from a thread of its own: git answers as it reads, and a
    // full pipe of answers would stop it reading the rest.
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let _ = writer.join();
    // check-ignore exits 1 when nothing is ignored: its output says so too.
    if out.status.success() || out.status.code() == Some(1) {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Of `rels` (root-relative), those git tracks. Empty outside a work tree
/// (told from the file system first, with no process started) or when git
/// cannot tell.
pub fn tracked_among(root: &Path, rels: &[&Path]) -> BTreeSet<PathBuf> {
    if rels.is_empty() || !looks_like_work_tree(root) {
        return BTreeSet::new();
    }
    let mut found = BTreeSet::new();
    for chunk in rels.chunks(1000) {
        let mut args: Vec<String> = ["ls-files", "-z", "--"].map(String::from).to_vec();
        args.extend(chunk.iter().map(|p| p.to_string_lossy().into_owned()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let Ok(out) = git(root, &refs) else {
            return BTreeSet::new();
        };
        found.extend(
            out.split(|&b| b == 0)
                .filter(|f| !f.is_empty())
                .map(|f| PathBuf::from(String::from_utf8_lossy(f).into_owned())),
        );
    }
    found
}

/// Of `rels` (root-relative; they need not exist), those git ignores, each
/// with its rule (`.gitignore:6: .claude/`), in the order of `rels`. Empty
/// outside a work tree or when git cannot tell.
pub fn ignored_among(root: &Path, rels: &[&Path]) -> Vec<(PathBuf, String)> {
    if rels.is_empty() || !looks_like_work_tree(root) {
        return Vec::new();
    }
    let mut input = Vec::new();
    for r in rels {
        input.extend_from_slice(r.to_string_lossy().as_bytes());
        input.push(0);
    }
    let args = ["check-ignore", "-v", "-n", "-z", "--stdin"];
    let Ok(out) = git_stdin(root, &args, &input) else {
        return Vec::new();
    };
    // `-z -v -n`: source, line, pattern, path, each ended by NUL; an empty
    // source for a path no rule matches.
    let fields: Vec<String> = out
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    fields
        .chunks_exact(4)
        .filter(|c| !c[0].is_empty() && !c[2].starts_with('!'))
        .map(|c| (PathBuf::from(&c[3]), format!("{}:{}: {}", c[0], c[1], c[2])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_among_names_each_ignored_path_with_its_rule() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        if git(r, &["init", "-q"]).is_err() {
            eprintln!("skipping: git not available");
            return;
        }
        std::fs::write(r.join(".gitignore"), "*.log\n!keep.log\n").unwrap();
        let paths = [Path::new("a.log"), Path::new("keep.log"), Path::new("b.md")];
        assert_eq!(
            ignored_among(r, &paths),
            [(PathBuf::from("a.log"), ".gitignore:1: *.log".to_string())]
        );
        // Tracked: what is in git's index, ignored or not.
        std::fs::write(r.join("b.md"), "x").unwrap();
        std::fs::write(r.join("c.md"), "y").unwrap();
        let _ = git(r, &["add", "b.md"]);
        let got = tracked_among(r, &[Path::new("b.md"), Path::new("c.md")]);
        assert_eq!(got.into_iter().collect::<Vec<_>>(), [PathBuf::from("b.md")]);
    }

    #[test]
    fn outside_a_work_tree_nothing_is_dirty() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.md"), "x").unwrap();
        // A temp dir is normally not inside a git work tree; if it is, skip.
        if !looks_like_work_tree(d.path()) {
            assert!(dirty(d.path()).unwrap().is_empty());
        }
    }

    #[test]
    fn finds_uncommitted_files() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        if git(r, &["init", "-q"]).is_err() {
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
        // The committed file has a date, the untracked one none.
        let date = last_commit_date(r, &[PathBuf::from("a.md")]).unwrap();
        assert_eq!(date.len(), 10, "{date}");
        assert_eq!(last_commit_date(r, &[PathBuf::from("b.md")]), None);
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

    #[test]
    fn a_work_tree_git_will_not_read_is_an_error_not_clean() {
        let d = tempfile::tempdir().unwrap();
        if looks_like_work_tree(d.path()) {
            return; // the temp folder sits in a work tree: nothing to simulate
        }
        // A `.git` git cannot read (as with another user's checkout, "dubious
        // ownership"): the guard must refuse, not report a clean tree.
        std::fs::create_dir(d.path().join(".git")).unwrap();
        std::fs::write(d.path().join("a.md"), "x").unwrap();
        let e = dirty(d.path()).unwrap_err();
        assert!(e.contains("--allow-dirty"), "{e}");
    }

    #[test]
    fn an_ignored_folder_is_named_with_its_rule_even_before_it_exists() {
        let d = tempfile::tempdir().unwrap();
        let ok = Command::new("git")
            .arg("-C")
            .arg(d.path())
            .args(["init", "-q"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return; // no git here
        }
        std::fs::write(d.path().join(".gitignore"), "build/\n.claude/\n").unwrap();
        assert_eq!(
            ignored_by(d.path(), Path::new(".claude/archive/a.md")).as_deref(),
            Some(".gitignore:2: .claude/")
        );
        assert_eq!(ignored_by(d.path(), Path::new("docs/archive/a.md")), None);
    }
}
