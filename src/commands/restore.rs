//! `replan restore`: undo the last run recorded in the manifest, byte for byte, or
//! an interrupted run recorded in the journal. Refuses, naming the files, when
//! generated files were edited since (unless `--force`).

use std::path::{Path, PathBuf};

use anstyle::AnsiColor;

use super::{load_config, Exit};
use crate::apply::{journal, read_text, sha256, ApplyOptions};
use crate::cli::{Global, RestoreArgs};
use crate::plan::manifest::{Manifest, Run};
use crate::plan::{Op, Plan};
use crate::ui::{self, paint};

/// The plan that undoes `run`, given the disk; `edited` collects files changed since.
pub fn undo_plan(
    root: &Path,
    run: &Run,
    force: bool,
    edited: &mut Vec<String>,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::new(root);
    // Originals come back first (apply copies before it removes anything).
    for m in &run.moved {
        let archived = read_text(root, &m.to)?;
        let here = read_text(root, &m.from)?;
        // A split's first part may stand in the original's place (it took the
        // name); it is deleted below, and the original replaces it.
        let part_here = |h: &str| {
            let sha = sha256(h.as_bytes());
            run.created
                .iter()
                .any(|c| c.path == m.from && c.sha256 == sha)
        };
        match (archived, here) {
            (Some(a), Some(h)) if h != a && !part_here(&h) => anyhow::bail!(
                "{}: a different file now stands where the original goes back; move it away first (nothing written)",
                m.from.display()
            ),
            (Some(a), _) => {
                if sha256(a.as_bytes()) != m.sha256 {
                    edited.push(format!("{} (archived original)", m.to.display()));
                    if !force {
                        continue;
                    }
                }
                plan.ops.push(Op::Move {
                    from: m.to.clone(),
                    to: m.from.clone(),
                    contents: a,
                });
            }
            (None, Some(h)) if sha256(h.as_bytes()) == m.sha256 => {} // already back
            (None, _) => anyhow::bail!(
                "{}: the archived original is missing; cannot restore {}",
                m.to.display(),
                m.from.display()
            ),
        }
    }
    for f in &run.modified {
        match read_text(root, &f.path)? {
            Some(t) if sha256(t.as_bytes()) == f.sha256_before => {}
            Some(t) => {
                if sha256(t.as_bytes()) != f.sha256_after {
                    edited.push(f.path.display().to_string());
                    if !force {
                        continue;
                    }
                }
                plan.ops.push(Op::Modify {
                    path: f.path.clone(),
                    old: t,
                    new: f.original.clone(),
                });
            }
            None => {
                edited.push(format!("{} (deleted)", f.path.display()));
                if force {
                    plan.ops.push(Op::Create {
                        path: f.path.clone(),
                        contents: f.original.clone(),
                    });
                }
            }
        }
    }
    for c in &run.created {
        if let Some(t) = read_text(root, &c.path)? {
            let sha = sha256(t.as_bytes());
            // The original already back where its first part was.
            if run
                .moved
                .iter()
                .any(|m| m.from == c.path && m.sha256 == sha)
            {
                continue;
            }
            if sha != c.sha256 {
                // A topic file someone wrote in outside the markers: take out only
                // what replan generated and keep their text.
                if let Some(rest) = crate::decisions::without_block(&t) {
                    plan.ops.push(Op::Modify {
                        path: c.path.clone(),
                        old: t,
                        new: rest,
                    });
                    continue;
                }
                edited.push(c.path.display().to_string());
                if !force {
                    continue;
                }
            }
            plan.ops.push(Op::Delete {
                path: c.path.clone(),
                old: t,
            });
        }
    }
    Ok(plan)
}

/// Run `replan restore`.
pub fn run(args: RestoreArgs, g: &Global) -> anyhow::Result<Exit> {
    let root = &args.root;
    if !root.is_dir() {
        anyhow::bail!("{}: not a folder", root.display());
    }
    let cfg = load_config(Some(root), g)?;
    let jrel = PathBuf::from(&cfg.archive.journal);
    let mrel = PathBuf::from(&cfg.archive.manifest);

    // An interrupted run: undo whatever part of it was applied.
    if let Some(j) = journal::read(root, &jrel)? {
        if j.command == "restore" {
            // An interrupted restore: finish it.
            if args.dry_run {
                print!("{}", crate::render::diff::render(&j.plan));
                eprintln!("restore: would finish the interrupted restore; nothing written");
                return Ok(Exit::Ok);
            }
            let opts = ApplyOptions { force: args.force };
            journal::settle(root, &jrel, &j.plan, &j.plan, opts)?;
            eprintln!(
                "{} the interrupted restore",
                paint("finished", AnsiColor::Green, true, true)
            );
            return Ok(Exit::Ok);
        }
        let inv = journal::inverse(&j.plan);
        if args.dry_run {
            print!("{}", crate::render::diff::render(&inv));
            eprintln!(
                "restore: would undo the interrupted `{}`; nothing written",
                j.command
            );
            return Ok(Exit::Ok);
        }
        journal::settle(
            root,
            &jrel,
            &inv,
            &j.plan,
            ApplyOptions { force: args.force },
        )?;
        eprintln!(
            "{} the interrupted `{}`",
            paint("undid", AnsiColor::Green, true, true),
            j.command
        );
        return Ok(Exit::Ok);
    }

    let Some(mtext) = read_text(root, &mrel)? else {
        ui::error(&format!(
            "{}: no manifest; nothing to restore",
            mrel.display()
        ));
        return Ok(Exit::Failure);
    };
    let mut m = Manifest::parse(&mtext)
        .map_err(|e| anyhow::anyhow!("{}: not a replan manifest: {e}", mrel.display()))?;
    let Some(run) = m.runs.pop() else {
        ui::error(&format!(
            "{}: records no run; nothing to restore",
            mrel.display()
        ));
        return Ok(Exit::Failure);
    };
    let mut edited = Vec::new();
    let mut plan = undo_plan(root, &run, args.force, &mut edited)?;
    if !edited.is_empty() {
        let list = edited.join(", ");
        if !args.force {
            ui::error(&format!(
                "edited since `{}` wrote them: {list}; restoring would lose those edits. Use --force to restore anyway; nothing written",
                run.command
            ));
            return Ok(Exit::Failure);
        }
        ui::warn(&format!("--force: edits to these files are lost: {list}"));
    }
    plan.ops.push(if m.runs.is_empty() {
        Op::Delete {
            path: mrel.clone(),
            old: mtext.clone(),
        }
    } else {
        Op::Modify {
            path: mrel.clone(),
            old: mtext.clone(),
            new: m.to_text(),
        }
    });
    if args.dry_run {
        print!("{}", crate::render::diff::render(&plan));
        eprintln!(
            "restore: would undo `{}` of {} ({}); nothing written",
            run.command,
            run.time,
            plan.summary()
        );
        return Ok(Exit::Ok);
    }
    super::migrate::apply_journaled(root, &jrel, "restore", &plan)?;
    let mut paths: Vec<PathBuf> = run.created.iter().map(|c| c.path.clone()).collect();
    paths.extend(run.moved.iter().map(|m| m.to.clone()));
    paths.push(mrel);
    journal::prune_empty_dirs(root, &paths);
    eprintln!(
        "{} `{}` of {} ({} files back, {} removed)",
        paint("restored", AnsiColor::Green, true, true),
        run.command,
        run.time,
        run.moved.len() + run.modified.len(),
        run.created.len()
    );
    Ok(Exit::Ok)
}
