//! `replan migrate`: the one-time restructure of a planning folder. Reads the tree,
//! builds one Plan with the restructure planner, then one gate decides between
//! showing it (`--dry-run`, `--format json`) and applying it with a manifest and
//! a journal. `consolidate` runs the same pipeline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anstyle::AnsiColor;
use serde::Serialize;

use super::{load_config, Exit};
use crate::apply::{self, journal, ApplyError, ApplyOptions};
use crate::cli::{Format, Global, MigrateArgs};
use crate::config::Config;
use crate::model::{Document, Source};
use crate::plan::restructure::{self, Inputs, Outcome};
use crate::plan::{manifest, Op, Plan};
use crate::ui::{self, paint};
use crate::walk::{markdown_files, WalkOptions};

/// How the shared pipeline should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Apply the plan.
    Apply,
    /// Show the plan as a diff and write nothing.
    DryRun,
    /// Exit 1 when the plan is not empty (consolidate --check).
    Check,
}

/// Options of a restructure run.
#[derive(Debug, Clone)]
pub struct Options {
    /// `migrate` or `consolidate` (recorded in the manifest).
    pub command: &'static str,
    /// The folder holding `.claude/`.
    pub root: PathBuf,
    /// What to do with the plan.
    pub mode: Mode,
    /// Output format.
    pub format: Format,
    /// Touch files with uncommitted git changes.
    pub allow_dirty: bool,
}

/// Run `replan migrate`.
pub fn run(args: MigrateArgs, g: &Global) -> anyhow::Result<Exit> {
    let opts = Options {
        command: "migrate",
        root: args.root,
        mode: if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Apply
        },
        format: args.format,
        allow_dirty: args.allow_dirty,
    };
    execute(&opts, g)
}

/// Read every Markdown file under the root (archive included), parsed.
pub fn load_tree(root: &Path) -> (Vec<(PathBuf, Document)>, Vec<String>) {
    let (found, mut warnings) = markdown_files(
        root,
        WalkOptions {
            include_archive: true,
        },
    );
    let pb = ui::progress(found.len() as u64, "reading");
    let mut docs = Vec::with_capacity(found.len());
    for f in found {
        match Source::read(&f.abs, &f.rel) {
            Ok(s) => docs.push((f.rel, Document::parse(s))),
            Err(e) => warnings.push(e.to_string()),
        }
        pb.inc(1);
    }
    pb.finish_and_clear();
    (docs, warnings)
}

/// The manifest's text and the generated files it records.
fn read_manifest(
    root: &Path,
    cfg: &Config,
) -> anyhow::Result<(Option<String>, HashMap<PathBuf, String>)> {
    let rel = Path::new(&cfg.archive.manifest);
    match apply::read_text(root, rel)? {
        Some(t) => {
            let m = manifest::Manifest::parse(&t)
                .map_err(|e| anyhow::anyhow!("{}: not a replan manifest: {e}", rel.display()))?;
            Ok((Some(t), m.generated()))
        }
        None => Ok((None, HashMap::new())),
    }
}

/// Plan a restructure of `root` (shared by migrate and consolidate).
pub fn plan_tree(
    root: &Path,
    cfg: &Config,
) -> anyhow::Result<(Outcome, Option<String>, Vec<String>)> {
    // The tokenizer's tables take longer to load than the tree to read: start now.
    crate::analysis::encoding(cfg).warm();
    let (docs, warnings) = load_tree(root);
    let (manifest_text, generated) = read_manifest(root, cfg)?;
    let exists = |p: &Path| {
        apply::check_inside(root, p).is_ok_and(|abs| std::fs::symlink_metadata(abs).is_ok())
    };
    let pb = ui::progress(docs.len() as u64, "planning");
    let tick = || pb.inc(1);
    let inputs = Inputs {
        root,
        cfg,
        docs: &docs,
        exists: &exists,
        generated: &generated,
        tick: &tick,
    };
    let outcome = restructure::plan(&inputs);
    pb.finish_and_clear();
    Ok((outcome, manifest_text, warnings))
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    command: &'a str,
    dry_run: bool,
    applied: bool,
    summary: crate::plan::Summary,
    links_rewritten: usize,
    notes: &'a [String],
    errors: &'a [String],
    ops: &'a [Op],
}

/// The shared pipeline: plan, gate, show or apply.
pub fn execute(opts: &Options, g: &Global) -> anyhow::Result<Exit> {
    let root = &opts.root;
    if !root.is_dir() {
        anyhow::bail!("{}: not a folder", root.display());
    }
    if opts.format == Format::Sarif {
        anyhow::bail!("--format sarif is for `replan check`; use text or json");
    }
    super::warm_likely_encoding(Some(root), g);
    let cfg = load_config(Some(root), g)?;
    let jrel = PathBuf::from(&cfg.archive.journal);

    // An interrupted run comes first: finish it (or show it).
    if let Some(j) = journal::read(root, &jrel)? {
        eprintln!(
            "{}: an interrupted `{}` was found ({})",
            paint("note", AnsiColor::Cyan, true, true),
            j.command,
            jrel.display()
        );
        if opts.mode != Mode::Apply {
            print!("{}", crate::render::diff::render(&j.plan));
            eprintln!("re-run without --dry-run/--check to finish it, or `replan restore` to undo it; nothing written");
            return Ok(if opts.mode == Mode::Check {
                Exit::Findings
            } else {
                Exit::Ok
            });
        }
        apply::apply(&j.plan, ApplyOptions::default())?;
        journal::remove(root, &jrel)?;
        eprintln!(
            "{} the interrupted `{}` ({})",
            paint("finished", AnsiColor::Green, true, true),
            j.command,
            j.plan.summary()
        );
        return Ok(Exit::Ok);
    }

    let (outcome, manifest_text, warnings) = plan_tree(root, &cfg)?;
    for w in &warnings {
        ui::warn(w);
    }
    for n in &outcome.notes {
        ui::warn(n);
    }
    if !outcome.findings.is_empty() {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in &outcome.findings {
            *counts.entry(f.severity.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        eprintln!(
            "{}: check finds {} in the tree after this plan ({}); they do not stop `{}`; see `replan check`",
            paint("note", AnsiColor::Cyan, true, true),
            outcome.findings.len(),
            counts.join(", "),
            opts.command
        );
        const SHOWN: usize = 30;
        for f in outcome.findings.iter().take(SHOWN) {
            eprintln!(
                "  {}:{}: {} [{}]: {}",
                f.path,
                f.line,
                f.severity.as_str(),
                f.rule,
                f.message
            );
        }
        if outcome.findings.len() > SHOWN {
            eprintln!("  … and {} more", outcome.findings.len() - SHOWN);
        }
    }
    let mut errors = outcome.errors.clone();
    if opts.mode == Mode::Apply && !opts.allow_dirty && !outcome.plan.is_empty() {
        let dirty = match crate::git::dirty(root) {
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                Default::default()
            }
        };
        let touched: Vec<&PathBuf> = outcome
            .plan
            .ops
            .iter()
            .flat_map(|op| match op {
                Op::Move { from, .. } => vec![from],
                Op::Modify { path, .. } | Op::Delete { path, .. } => vec![path],
                Op::Create { .. } => vec![],
            })
            .filter(|p| dirty.contains(*p))
            .collect();
        if !touched.is_empty() {
            let list: Vec<String> = touched.iter().map(|p| p.display().to_string()).collect();
            errors.push(format!(
                "files with uncommitted changes would be touched: {}; commit them or pass --allow-dirty",
                list.join(", ")
            ));
        }
    }
    let summary = outcome.plan.summary();
    let json = |applied: bool| -> anyhow::Result<()> {
        let r = JsonReport {
            version: 1,
            command: opts.command,
            dry_run: opts.mode != Mode::Apply,
            applied,
            summary,
            links_rewritten: outcome.links_rewritten,
            notes: &outcome.notes,
            errors: &errors,
            ops: &outcome.plan.ops,
        };
        println!("{}", serde_json::to_string_pretty(&r)?);
        Ok(())
    };
    if opts.format == Format::Json && (opts.mode != Mode::Apply || !errors.is_empty()) {
        json(false)?;
        if !errors.is_empty() {
            return Ok(Exit::Failure);
        }
        return Ok(check_exit(opts, &outcome.plan));
    }
    if !errors.is_empty() {
        for e in &errors {
            ui::error(e);
        }
        ui::error("the plan cannot be applied; nothing written");
        return Ok(Exit::Failure);
    }
    match opts.mode {
        Mode::DryRun => {
            if opts.format == Format::Text {
                print!("{}", crate::render::diff::render(&outcome.plan));
            }
            print_summary(&outcome, opts.command, true);
            return Ok(Exit::Ok);
        }
        Mode::Check => {
            if outcome.plan.is_empty() {
                eprintln!("{}: nothing to do", opts.command);
                return Ok(Exit::Ok);
            }
            for op in &outcome.plan.ops {
                println!("{}", why(op, &outcome, &cfg));
            }
            print_summary(&outcome, opts.command, true);
            return Ok(Exit::Findings);
        }
        Mode::Apply => {}
    }
    if outcome.plan.is_empty() {
        eprintln!("{}: nothing to do; nothing written", opts.command);
        return Ok(Exit::Ok);
    }
    let parts: Vec<(PathBuf, Vec<PathBuf>)> = outcome
        .splits
        .iter()
        .map(|s| (s.original.clone(), s.parts.clone()))
        .collect();
    let run = manifest::record(&outcome.plan, opts.command, &parts);
    let mrel = PathBuf::from(&cfg.archive.manifest);
    let mop = manifest::append_op(&mrel, manifest_text.as_deref(), run)
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut full = Plan::new(root);
    full.ops.push(mop);
    full.ops.extend(outcome.plan.ops.iter().cloned());
    apply_journaled(root, &jrel, opts.command, &full)?;
    if opts.format == Format::Json {
        json(true)?;
    }
    print_summary(&outcome, opts.command, false);
    Ok(Exit::Ok)
}

fn check_exit(opts: &Options, plan: &Plan) -> Exit {
    if opts.mode == Mode::Check && !plan.is_empty() {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

/// Write the journal, apply, remove the journal. A refusal found before anything
/// was written removes the journal again; any later failure leaves it for the next
/// run to finish (or `restore` to undo).
pub fn apply_journaled(root: &Path, jrel: &Path, command: &str, plan: &Plan) -> anyhow::Result<()> {
    let j = journal::Journal {
        version: journal::VERSION,
        command: command.to_string(),
        plan: plan.clone(),
    };
    journal::write(root, jrel, &j)?;
    match apply::apply(plan, ApplyOptions::default()) {
        Ok(_) => {
            journal::remove(root, jrel)?;
            Ok(())
        }
        Err(e @ ApplyError::Refused { .. }) => {
            journal::remove(root, jrel)?;
            Err(e.into())
        }
        Err(e) => Err(anyhow::anyhow!(
            "{e}\n`{command}` was interrupted; re-run `replan {command}` to finish it or `replan restore` to undo it"
        )),
    }
}

/// One line saying why an op is in the plan (for `--check`).
fn why(op: &Op, o: &Outcome, cfg: &Config) -> String {
    let topics = crate::decisions::topics_dir(cfg);
    let kind = |path: &Path| {
        if path
            .file_name()
            .is_some_and(|n| n == cfg.index_name.as_str())
        {
            "index out of date"
        } else if path.starts_with(&topics) {
            "decisions changed"
        } else if o.splits.iter().any(|s| s.parts.iter().any(|p| p == path)) {
            "part of a split"
        } else {
            "links to moved files"
        }
    };
    match op {
        Op::Create { path, .. } => format!("create {} ({})", path.display(), kind(path)),
        Op::Modify { path, .. } => format!("update {} ({})", path.display(), kind(path)),
        Op::Move { from, to, .. } => format!(
            "split {} (over budget or several subphases) and archive it as {}",
            from.display(),
            to.display()
        ),
        Op::Delete { path, .. } => format!("delete {}", path.display()),
    }
}

fn print_summary(o: &Outcome, command: &str, dry: bool) {
    let s = o.plan.summary();
    let verb = if dry { "would change" } else { "changed" };
    eprintln!(
        "{}: {} {} ({s}); {} files split, {} links rewritten{}",
        command,
        paint(verb, AnsiColor::Green, true, true),
        s.created + s.modified + s.moved + s.deleted,
        o.splits.len(),
        o.links_rewritten,
        if dry { "; nothing written" } else { "" }
    );
}
