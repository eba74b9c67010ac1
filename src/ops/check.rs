//! `check` as an operation: find the files under the given paths, read them in
//! parallel, run every rule. Paths in findings are relative to the root that holds
//! the configuration, whatever path the user typed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::load::read_all;
use super::Progress;
use crate::analysis::{self, Input};
use crate::config::Config;
use crate::model::Document;
use crate::note::Note;
use crate::walk::{markdown_files_with, WalkOptions};

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
    /// Files checked (reported on).
    pub files: usize,
    /// Files read: the whole project, whatever part of it is reported on.
    pub read: usize,
    /// Problems of the walk, to show as warnings.
    pub walk_warnings: Vec<String>,
    /// Files that could not be read, among those reported on (with the root
    /// asked for, the whole project: a file nothing can be known about is an
    /// error wherever it is, as it is for `migrate`).
    pub read_errors: Vec<Note>,
    /// Every file read, root-relative and parsed (the fixes edit them).
    pub docs: Vec<(PathBuf, Document)>,
}

/// The root for a set of paths: the project root of the first
/// ([`super::root::discover`]), so findings, configuration and `repo_roots` are
/// the same wherever the command is run from.
pub fn root_for(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    super::root::discover(&first)
}

/// Of the files a walk of the whole root found, those `check` reports on: the
/// planning folders (`plan_dirs`, `check_dirs`) less `exclude`, so a README or a
/// CHANGELOG is not a budget error; a file named on the command line is always
/// checked. A project with no file in those folders is checked whole.
fn scope(cfg: &Config, found: Vec<PathBuf>) -> Vec<PathBuf> {
    let refs: Vec<&Path> = found.iter().map(PathBuf::as_path).collect();
    let kept: std::collections::HashSet<&Path> = cfg.check_scope(&refs).into_iter().collect();
    found
        .iter()
        .filter(|p| kept.contains(p.as_path()))
        .cloned()
        .collect()
}

/// A root-relative path as findings and notes spell it (`/`-separated).
fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
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
    let is_root = |p: &Path| std::fs::canonicalize(p).is_ok_and(|a| a == root_abs);
    let mut paths = opts.paths.clone();
    if !paths.iter().any(|p| is_root(p)) {
        paths.push(root.to_path_buf());
    }
    // Files asked for by name or below a folder named, and the files of the
    // root's own walk (when the root itself is asked for), which `scope` narrows.
    let mut asked: HashSet<PathBuf> = Default::default();
    let mut from_root: Vec<PathBuf> = Vec::new();
    // Every file of the root's walk, named or not: what the walk's warnings
    // are weighed against.
    let mut root_found: Vec<PathBuf> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let named = i < opts.paths.len();
        let root_walk = named && is_root(p);
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
        // The project's planning folders are read even when gitignored.
        let unignored = if is_root(p) {
            cfg.unignored_dirs()
        } else {
            Vec::new()
        };
        let (found, warnings) = markdown_files_with(
            p,
            WalkOptions {
                include_archive: opts.include_archive,
            },
            &unignored,
        );
        // The root's walk names every file from the root; a folder's walk
        // names the same ones again, from the folder.
        if is_root(p) {
            walk_warnings.extend(warnings);
        }
        for f in found {
            let shown = if p.is_file() {
                p.clone()
            } else {
                p.join(&f.rel)
            };
            let rel = relative_to(&root_abs, &f.abs, &shown);
            if is_root(p) {
                root_found.push(rel.clone());
            }
            if root_walk {
                from_root.push(rel.clone());
            } else if named {
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
    let walk_warnings = {
        let found: Vec<&Path> = root_found.iter().map(PathBuf::as_path).collect();
        super::load::said(cfg, &found, walk_warnings)
    };
    let project: HashSet<String> = from_root.iter().map(|p| display(p)).collect();
    asked.extend(scope(cfg, from_root));
    let whole = targets.iter().all(|(_, rel)| asked.contains(rel));

    let loaded = read_all(&targets, &|n, _| progress(n, "checking"));
    let inputs: Vec<Input> = loaded
        .docs
        .iter()
        .map(|(rel, doc)| Input { rel, doc })
        .collect();
    let mut report = analysis::report(&root_abs, &inputs, cfg, opts.count_all);
    let shown: HashSet<String> = asked.iter().map(|p| display(p)).collect();
    let read = loaded.docs.len() + loaded.read_errors.len();
    let read_errors: Vec<Note> = loaded
        .read_errors
        .into_iter()
        .filter(|n| shown.contains(&n.path) || project.contains(&n.path))
        .collect();
    let files = if whole {
        inputs.len()
    } else {
        report.findings.retain(|f| shown.contains(&f.path));
        report.files.retain(|f| shown.contains(&f.path));
        loaded
            .docs
            .iter()
            .filter(|(rel, _)| asked.contains(rel))
            .count()
    };
    explain_unfixable(cfg, &loaded.docs, &report.verdicts, &mut report.findings);
    Ok(Checked {
        report,
        files,
        read,
        walk_warnings,
        read_errors,
        docs: loaded.docs,
    })
}

/// A finding of a rule that has fixes, whose repair here is not clear (fences
/// that do not pair, a tie in the evidence), says why there is no fix.
fn explain_unfixable(
    cfg: &Config,
    docs: &[(PathBuf, Document)],
    verdicts: &analysis::Verdicts,
    findings: &mut [crate::finding::Finding],
) {
    use crate::fix::{self, Fixability};
    if !findings
        .iter()
        .any(|f| fix::fixability(f.rule) != Fixability::None)
    {
        return;
    }
    let inputs: Vec<Input> = docs.iter().map(|(rel, doc)| Input { rel, doc }).collect();
    for u in fix::unfixable_judged(cfg, &inputs, findings, verdicts) {
        if let Some(f) = findings
            .iter_mut()
            .find(|f| f.rule == u.rule && f.line == u.line && f.path == u.path)
        {
            f.evidence.push(format!("no automatic fix: {}", u.reason));
        }
    }
}
