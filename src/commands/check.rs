//! `replan check [PATH...]`: walk, parse (in parallel), run every analysis rule,
//! render findings as text, JSON or SARIF. Exit 0 without errors (warnings
//! allowed), 1 with error findings, 2 on usage, configuration or I/O failure; a
//! file that cannot be read is reported and the run goes on, the exit code
//! remembers it.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{load_config, Exit};
use crate::analysis::{self, Input};
use crate::cli::{CheckArgs, Format, Global};
use crate::finding::Severity;
use crate::model::{Document, Source};
use crate::render;
use crate::walk::{markdown_files, WalkOptions};

/// The root for a set of paths: a folder given first is the root; for a file, the
/// nearest ancestor holding `replan.yaml`, `.claude/` or `.git`, else its folder.
pub fn root_for(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if first.is_dir() {
        return first;
    }
    let parent = first
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let abs = std::fs::canonicalize(&parent).unwrap_or_else(|_| parent.clone());
    for a in abs.ancestors() {
        if a.join("replan.yaml").is_file() || a.join(".claude").is_dir() || a.join(".git").exists()
        {
            return a.to_path_buf();
        }
    }
    parent
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

/// Run `replan check`.
pub fn run(args: CheckArgs, g: &Global) -> anyhow::Result<Exit> {
    let root = root_for(&args.paths);
    // Warmed only once the configuration says tokens will be counted: loading the
    // tables for nothing would double the memory of a line-budget-only check.
    let cfg = load_config(Some(&root), g)?;
    let enc = analysis::encoding(&cfg);
    // JSON reports every file's tokens; otherwise only files a budget may reject are counted.
    if args.format == Format::Json || cfg.budgets.max_tokens > 0 {
        enc.warm();
    }
    let root_abs = std::fs::canonicalize(&root)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", root.display()))?;

    let mut failed = false;
    let mut targets: Vec<(PathBuf, PathBuf)> = Vec::new();
    for p in &args.paths {
        if !p.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
        let (found, warnings) = markdown_files(
            p,
            WalkOptions {
                include_archive: args.include_archive,
            },
        );
        for w in warnings {
            crate::ui::warn(&w);
        }
        for f in found {
            let shown = if p.is_file() {
                p.clone()
            } else {
                p.join(&f.rel)
            };
            let rel = relative_to(&root_abs, &f.abs, &shown);
            targets.push((f.abs, rel));
        }
    }
    // The walk skips `.claude/archive/`; a configured archive elsewhere is skipped too.
    let archive_dir = cfg.archive.dir_path();
    if !args.include_archive && !archive_dir.as_os_str().is_empty() {
        targets.retain(|(_, rel)| !rel.starts_with(&archive_dir));
    }
    targets.sort_by(|a, b| a.1.cmp(&b.1));
    targets.dedup_by(|a, b| a.1 == b.1);

    let pb = crate::ui::progress(targets.len() as u64, "checking");
    let parsed: Vec<Result<(PathBuf, Document), String>> = targets
        .par_iter()
        .map(|(abs, rel)| {
            let r = Source::read(abs, rel)
                .map(|s| (rel.clone(), Document::parse(s)))
                .map_err(|e| e.to_string());
            pb.inc(1);
            r
        })
        .collect();
    pb.finish_and_clear();
    let mut docs = Vec::with_capacity(parsed.len());
    for r in parsed {
        match r {
            Ok(d) => docs.push(d),
            Err(e) => {
                crate::ui::error(&e);
                failed = true;
            }
        }
    }
    let inputs: Vec<Input> = docs.iter().map(|(rel, doc)| Input { rel, doc }).collect();
    let report = if args.format == Format::Json {
        analysis::check(&root_abs, &inputs, &cfg)
    } else {
        analysis::Report {
            encoding: enc,
            files: Vec::new(),
            findings: analysis::run_all(&root_abs, &inputs, &cfg),
        }
    };

    let out = match args.format {
        Format::Text => render::text::findings(&report.findings),
        Format::Json => {
            render::json::report(report.encoding.name(), &report.files, &report.findings)
        }
        Format::Sarif => render::sarif::report(&report.findings),
    };
    {
        use std::io::Write;
        let mut so = anstream::stdout().lock();
        so.write_all(out.as_bytes())
            .and_then(|_| so.flush())
            .map_err(|e| anyhow::anyhow!("cannot write output: {e}"))?;
    }
    eprintln!(
        "{}",
        render::text::summary(&report.findings, inputs.len(), report.encoding.name())
    );
    Ok(if failed {
        Exit::Failure
    } else if report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        Exit::Findings
    } else {
        Exit::Ok
    })
}
