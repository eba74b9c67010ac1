//! `replan restore`: undo the last run recorded in the manifest, byte for byte, or
//! an interrupted run recorded in the journal. Refuses, naming the files, when
//! generated files were edited since (unless `--force`).

use anstyle::AnsiColor;

use super::{load_config, Exit};
use crate::cli::{Global, RestoreArgs};
use crate::ops::restore::{self, Options, Report};
use crate::ops::root::discover;
use crate::render::diff;
use crate::ui::{self, paint};

fn warn_kept(kept: &[std::path::PathBuf]) {
    for k in kept {
        let k = k.display();
        ui::warn(&format!(
            "{k}: edited since the run was planned; kept as it is"
        ));
    }
}

/// Run `replan restore`.
pub fn run(args: RestoreArgs, g: &Global) -> anyhow::Result<Exit> {
    if !args.root.is_dir() {
        anyhow::bail!("{}: not a folder", args.root.display());
    }
    let root = super::root(g, || discover(&args.root));
    let cfg = load_config(Some(&root), g)?;
    ui::detail(&format!(
        "manifest: {}; journal: {}",
        cfg.archive.manifest, cfg.archive.journal
    ));
    let opts = Options {
        root,
        force: args.force,
        dry_run: args.dry_run,
    };
    let green = |w: &str| paint(w, AnsiColor::Green, true, true);
    match restore::run(&opts, &cfg, &ui::progress)? {
        Report::FinishedRestore {
            plan, done: false, ..
        } => {
            print!("{}", diff::render(&plan));
            ui::status("restore: would finish the interrupted restore; nothing written");
        }
        Report::FinishedRestore { kept, .. } => {
            warn_kept(&kept);
            ui::status(&format!("{} the interrupted restore", green("finished")));
        }
        Report::UndidInterrupted {
            command,
            plan,
            done: false,
            ..
        } => {
            print!("{}", diff::render(&plan));
            ui::status(&format!(
                "restore: would undo the interrupted `{command}`; nothing written"
            ));
        }
        Report::UndidInterrupted { command, kept, .. } => {
            warn_kept(&kept);
            ui::status(&format!("{} the interrupted `{command}`", green("undid")));
        }
        // Nothing to undo is not a failure (exit 2 means I/O or usage trouble).
        Report::NoManifest { manifest } => {
            let m = manifest.display();
            ui::status(&format!("restore: nothing to restore ({m}: no manifest)"));
        }
        Report::NoRun { manifest } => {
            let m = manifest.display();
            ui::status(&format!("restore: nothing to restore ({m} records no run)"));
        }
        Report::Refused { command, edited } => {
            ui::error(&format!(
                "edited since `{command}` wrote them: {}; restoring would lose those edits. Use --force to restore anyway; nothing written",
                edited.join(", ")
            ));
            return Ok(Exit::Failure);
        }
        Report::Restored {
            run,
            plan,
            lost_edits,
            done,
        } => {
            if !lost_edits.is_empty() {
                let list = lost_edits.join(", ");
                ui::warn(&format!("--force: edits to these files are lost: {list}"));
            }
            if !done {
                print!("{}", diff::render(&plan));
                ui::status(&format!(
                    "restore: would undo `{}` of {} ({}); nothing written",
                    run.command,
                    run.time,
                    crate::render::restructure::undo_summary(&plan)
                ));
            } else {
                // Counted from the plan applied, as the dry run counts it: the
                // run's own records leave out the manifest it removes (a dry
                // run said 7 removed, the run then 6).
                ui::status(&format!(
                    "{} `{}` of {} ({})",
                    green("restored"),
                    run.command,
                    run.time,
                    crate::render::restructure::undo_summary(&plan)
                ));
            }
        }
    }
    Ok(Exit::Ok)
}
