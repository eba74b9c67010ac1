//! One file per subcommand: arguments → options → pipeline → exit code.

pub mod check;
pub mod consolidate;
pub mod migrate;
pub mod restore;
pub mod split;

use std::path::Path;

use crate::cli::{Cli, Command, Global};
use crate::config::Config;
use crate::tokens::Encoding;

/// Process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success (warnings allowed).
    Ok = 0,
    /// Findings of error severity, or `--check` found work to do.
    Findings = 1,
    /// Usage, configuration or I/O failure; nothing was written.
    Failure = 2,
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    crate::ui::set_color(cli.global.color);
    match cli.command {
        Command::Split(a) => split::run(a, &cli.global),
        Command::Check(a) => check::run(a, &cli.global),
        Command::Migrate(a) => migrate::run(a, &cli.global),
        Command::Restore(a) => restore::run(a, &cli.global),
        Command::Consolidate(a) => consolidate::run(a, &cli.global),
    }
}

/// Start loading the token encoding a command that will count (split, migrate,
/// consolidate) will most likely need,
/// before the configuration is read: building the tables takes longer than
/// anything the command does before its first count, so every millisecond of
/// head start is saved. The guess is the built-in `o200k_base` unless a user
/// config file or rules folder names `cl100k_base`. A wrong guess costs CPU on
/// another thread, never a wrong count: the configured encoding is warmed (and
/// used) once the configuration is known.
pub fn warm_likely_encoding(root: Option<&Path>, g: &Global) {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    match (&g.config, root) {
        (Some(f), _) => files.push(f.clone()),
        (None, Some(r)) => files.push(r.join("replan.yaml")),
        _ => {}
    }
    if let Some(dir) = &g.rules {
        if let Ok(rd) = std::fs::read_dir(dir) {
            // The files Config::load reads.
            files.extend(
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml")),
            );
        }
    }
    // Regular files only: reading a FIFO would block.
    let names_cl100k = files
        .iter()
        .filter(|f| f.is_file())
        .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(Encoding::Cl100kBase.name())));
    if names_cl100k {
        Encoding::Cl100kBase.warm();
    } else {
        Encoding::O200kBase.warm();
    }
}

/// Load configuration for a root, honouring `--config` and `--rules`.
pub fn load_config(root: Option<&Path>, g: &Global) -> anyhow::Result<Config> {
    let cfg = Config::load(root, g.config.as_deref(), g.rules.as_deref())?;
    crate::analysis::check_rule_ids(&cfg)?;
    Ok(cfg)
}
