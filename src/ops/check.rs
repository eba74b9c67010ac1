//! `check` as an operation: find the files under the given paths, read them in
//! parallel, run every rule. Paths in findings are relative to the root that holds
//! the configuration, whatever path the user typed.

use std::path::{Path, PathBuf};

use super::load::read_all;
use super::Progress;
use crate::analysis::{self, Input};
use crate::config::Config;
use crate::walk::{markdown_files, WalkOptions};

/// What to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files or folders given on the command line.
    pub paths: Vec<PathBuf>,
    /// Also check the archive.
    pub include_archive: bool,
    /// Count every file's tokens for the report (JSON wants them).
    pub count_all: bool,
}

/// What a check found.
#[derive(Debug)]
pub struct Checked {
    /// Findings, the encoding and (with `count_all`) every file's size.
    pub report: analysis::Report,
    /// Files checked.
    pub files: usize,
    /// Problems of the walk, to show as warnings.
    pub walk_warnings: Vec<String>,
    /// Files that could not be read.
    pub read_errors: Vec<String>,
}

/// The root for a set of paths: the project root of the first
/// ([`super::root::discover`]), so findings, configuration and `repo_roots` are
/// the same wherever the command is run from.
pub fn root_for(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    super::root::discover(&first)
}

fn relative_to(root_abs: &Path, abs: &Path, shown: &Path) -> PathBuf {
    match std::fs::canonicalize(abs) {
        Ok(c) => c
            .strip_prefix(root_abs)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| shown.to_path_buf()),
        Err(_) => shown.to_path_buf(),
    }
}

/// Check the files under `opts.paths`, with `root` the folder `cfg` was read for.
pub fn run(
    root: &Path,
    opts: &Options,
    cfg: &Config,
    progress: Progress,
) -> anyhow::Result<Checked> {
    let root_abs = std::fs::canonicalize(root)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", root.display()))?;
    let mut walk_warnings = Vec::new();
    let mut targets: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Narrowed to part of the project, the whole project is still read, so rules
    // across files (status claims against the plans, missing subphases, links)
    // know what they know from the root; only the findings are narrowed.
    let whole = opts
        .paths
        .iter()
        .any(|p| std::fs::canonicalize(p).is_ok_and(|a| a == root_abs));
    let mut paths = opts.paths.clone();
    if !whole {
        paths.push(root.to_path_buf());
    }
    let mut asked: std::collections::HashSet<PathBuf> = Default::default();
    for (i, p) in paths.iter().enumerate() {
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
        let (found, warnings) = markdown_files(
            p,
            WalkOptions {
                include_archive: opts.include_archive,
            },
        );
        walk_warnings.extend(warnings);
        for f in found {
            let shown = if p.is_file() {
                p.clone()
            } else {
                p.join(&f.rel)
            };
            let rel = relative_to(&root_abs, &f.abs, &shown);
            if i < opts.paths.len() {
                asked.insert(rel.clone());
            }
            targets.push((f.abs, rel));
        }
    }
    // The walk skips `.claude/archive/`; a configured archive elsewhere is skipped too.
    let archive_dir = cfg.archive.dir_path();
    if !opts.include_archive && !archive_dir.as_os_str().is_empty() {
        targets.retain(|(_, rel)| !rel.starts_with(&archive_dir));
    }
    targets.sort_by(|a, b| a.1.cmp(&b.1));
    targets.dedup_by(|a, b| a.1 == b.1);

    let loaded = read_all(&targets, &|n, _| progress(n, "checking"));
    let inputs: Vec<Input> = loaded
        .docs
        .iter()
        .map(|(rel, doc)| Input { rel, doc })
        .collect();
    let mut report = if opts.count_all {
        analysis::check(&root_abs, &inputs, cfg)
    } else {
        analysis::Report {
            encoding: analysis::encoding(cfg),
            files: Vec::new(),
            findings: analysis::run_all(&root_abs, &inputs, cfg),
        }
    };
    let files = if whole {
        inputs.len()
    } else {
        let shown: std::collections::HashSet<String> = asked
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        report.findings.retain(|f| shown.contains(&f.path));
        report.files.retain(|f| shown.contains(&f.path));
        loaded
            .docs
            .iter()
            .filter(|(rel, _)| asked.contains(rel))
            .count()
    };
    Ok(Checked {
        report,
        files,
        walk_warnings,
        read_errors: loaded.read_errors,
    })
}
