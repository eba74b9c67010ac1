//! One file per subcommand: arguments → options → pipeline → exit code.

pub mod check;
pub mod consolidate;
pub mod migrate;
pub mod restore;
pub mod split;

use std::path::Path;

use crate::cli::{Cli, Command, Global};
use crate::config::Config;

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

/// Load configuration for a root, honouring `--config` and `--rules`.
pub fn load_config(root: Option<&Path>, g: &Global) -> anyhow::Result<Config> {
    Ok(Config::load(root, g.config.as_deref(), g.rules.as_deref())?)
}
