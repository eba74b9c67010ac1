//! Finding the Markdown files under a set of paths: honours .gitignore, walks
//! hidden folders (plans live in `.claude/`), never follows symlinks, and skips
//! the archive unless asked. Per-file problems are returned, not fatal.

use std::path::{Path, PathBuf};

/// A Markdown file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// Path to open.
    pub abs: PathBuf,
    /// Path relative to the walk root, for display and reports.
    pub rel: PathBuf,
}

/// What the walk passed over, or could not read: said as a warning.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// The root-relative path of a Markdown file passed over (a link, not a
    /// regular file); `None` for a folder that could not be read. Callers say
    /// only those of a file `check` would report on (a project's 13 command
    /// links in `.claude/commands/` were a warning each, on every run).
    pub path: Option<PathBuf>,
    /// What to say, the path named in it.
    pub message: String,
}

impl Warning {
    fn skipped(rel: &Path, why: &str) -> Warning {
        Warning {
            path: Some(rel.to_path_buf()),
            message: format!("{}: {why}; skipped", rel.display()),
        }
    }
}

/// Walk options.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Include `.claude/archive/` (skipped by default: it holds originals).
    pub include_archive: bool,
}

/// Whether a relative path lies in the archive.
pub fn in_archive(rel: &Path) -> bool {
    rel.to_string_lossy()
        .replace('\\', "/")
        .contains(".claude/archive/")
        || rel.starts_with(".claude/archive")
}

/// Markdown files under `root` (a folder) or `root` itself (a file), sorted.
/// Symlinks are reported as warnings and skipped.
pub fn markdown_files(root: &Path, opts: WalkOptions) -> (Vec<Found>, Vec<Warning>) {
    markdown_files_with(root, opts, &[])
}

/// As [`markdown_files`], and also every Markdown file below the folders of
/// `unignored` (relative to `root`) that `.gitignore` hides: people keep
/// `.claude/` out of git, and its plans, and the files replan wrote there, are
/// exactly what must be seen. Symlinked or missing folders are passed over.
pub fn markdown_files_with(
    root: &Path,
    opts: WalkOptions,
    unignored: &[PathBuf],
) -> (Vec<Found>, Vec<Warning>) {
    let (mut found, mut warnings) = walk(root, Path::new(""), opts, true);
    if root.is_dir() {
        let mut seen: std::collections::HashSet<PathBuf> =
            found.iter().map(|f| f.rel.clone()).collect();
        for dir in unignored {
            let abs = root.join(dir);
            // Every component must be a real folder: a symlink is never followed.
            let real = dir
                .ancestors()
                .filter(|a| !a.as_os_str().is_empty())
                .all(|a| {
                    std::fs::symlink_metadata(root.join(a)).is_ok_and(|m| m.file_type().is_dir())
                });
            if !real {
                continue;
            }
            // Paths, in files and warnings alike, are the root's: a skipped
            // link below `.claude/` is one warning naming `.claude/...`, not a
            // second one naming the path below the folder.
            let (more, w) = walk(&abs, dir, opts, false);
            for f in more {
                if (opts.include_archive || !in_archive(&f.rel)) && seen.insert(f.rel.clone()) {
                    found.push(f);
                }
            }
            warnings.extend(w);
        }
        found.sort();
        warnings.sort();
        warnings.dedup();
    }
    (found, warnings)
}

/// The Markdown files under `root`, their `rel` paths (and those the warnings
/// name) under `prefix`: `root`'s own path relative to the walk's root.
fn walk(
    root: &Path,
    prefix: &Path,
    opts: WalkOptions,
    git_ignore: bool,
) -> (Vec<Found>, Vec<Warning>) {
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    if root.is_file() {
        let rel = root
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| root.to_path_buf());
        found.push(Found {
            abs: root.to_path_buf(),
            rel,
        });
        return (found, warnings);
    }
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .git_ignore(git_ignore)
        .git_global(false)
        .git_exclude(git_ignore)
        .parents(git_ignore)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                warnings.push(Warning {
                    path: None,
                    message: format!("{e}; skipped"),
                });
                continue;
            }
        };
        let path = entry.path();
        let rel = prefix.join(path.strip_prefix(root).unwrap_or(path));
        let is_md = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        if !is_md {
            continue;
        }
        if !opts.include_archive && in_archive(&rel) {
            continue;
        }
        match entry.file_type() {
            Some(t) if t.is_symlink() => {
                warnings.push(Warning::skipped(&rel, "symlink not followed"));
                continue;
            }
            Some(t) if !t.is_file() => {
                warnings.push(Warning::skipped(&rel, "not a regular file"));
                continue;
            }
            _ => {}
        }
        found.push(Found {
            abs: path.to_path_buf(),
            rel,
        });
    }
    found.sort();
    (found, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_hidden_skips_archive_and_links() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join(".claude/plans")).unwrap();
        std::fs::create_dir_all(r.join(".claude/archive/original-phases")).unwrap();
        std::fs::create_dir_all(r.join("x.md")).unwrap();
        std::fs::write(r.join(".claude/plans/a.md"), "a").unwrap();
        std::fs::write(r.join(".claude/archive/original-phases/b.md"), "b").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", r.join("l.md")).unwrap();
        let (f, w) = markdown_files(r, WalkOptions::default());
        let rels: Vec<_> = f
            .iter()
            .map(|f| f.rel.to_string_lossy().into_owned())
            .collect();
        assert_eq!(rels, vec![".claude/plans/a.md"]);
        assert!(w.iter().any(|w| w.message.contains("l.md")), "{w:?}");
        let (f, _) = markdown_files(
            r,
            WalkOptions {
                include_archive: true,
            },
        );
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn planning_folders_are_walked_even_when_gitignored() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join(".claude/plans")).unwrap();
        std::fs::create_dir_all(r.join("node_modules/x")).unwrap();
        std::fs::write(r.join(".gitignore"), ".claude/\nnode_modules/\n").unwrap();
        std::fs::write(r.join(".claude/plans/a.md"), "a").unwrap();
        std::fs::write(r.join("node_modules/x/readme.md"), "x").unwrap();
        std::fs::write(r.join("top.md"), "t").unwrap();
        let rels = |f: Vec<Found>| -> Vec<String> {
            f.iter()
                .map(|f| f.rel.to_string_lossy().into_owned())
                .collect()
        };
        let (f, _) = markdown_files(r, WalkOptions::default());
        assert_eq!(rels(f), vec!["top.md"]);
        let unignored = [PathBuf::from(".claude/plans"), PathBuf::from("missing")];
        let (f, w) = markdown_files_with(r, WalkOptions::default(), &unignored);
        assert_eq!(rels(f), vec![".claude/plans/a.md", "top.md"], "{w:?}");
        // A symlinked planning folder is not followed.
        std::fs::remove_dir_all(r.join(".claude/plans")).unwrap();
        std::os::unix::fs::symlink(r.join("node_modules"), r.join(".claude/plans")).unwrap();
        let (f, _) = markdown_files_with(r, WalkOptions::default(), &unignored);
        assert_eq!(rels(f), vec!["top.md"]);
    }

    /// A skipped link below a folder walked twice (once as part of the root,
    /// once as a planning folder) is one warning, naming it from the root.
    #[test]
    fn a_link_in_a_planning_folder_is_warned_of_once_by_its_root_path() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join(".claude/plans/a")).unwrap();
        std::fs::write(r.join(".claude/plans/a/q.md"), "q").unwrap();
        std::fs::write(r.join("x.md"), "x").unwrap();
        std::os::unix::fs::symlink("../../../x.md", r.join(".claude/plans/a/y.md")).unwrap();
        let (f, w) = markdown_files_with(r, WalkOptions::default(), &[PathBuf::from(".claude")]);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            w,
            vec![Warning::skipped(
                Path::new(".claude/plans/a/y.md"),
                "symlink not followed"
            )]
        );
        assert_eq!(
            w[0].message,
            ".claude/plans/a/y.md: symlink not followed; skipped"
        );
    }
}
