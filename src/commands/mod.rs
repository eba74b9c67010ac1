//! One file per subcommand: arguments → options → operation → output → exit code.
//! The work itself is in `ops`; what is printed is worded in `render`.

pub mod check;
pub mod completions;
pub mod consolidate;
pub mod man;
pub mod migrate;
pub mod restore;
pub mod rule;
pub mod split;

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, Format, Global};
use crate::config::Config;
use crate::ops::restructure::{self, Mode, Options, Report};
use crate::ops::ConfigSource;
use crate::render::restructure as text;
use crate::ui;

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
        Command::Completions(a) => completions::run(a),
        Command::Man => man::run(),
        Command::Rule(a) => rule::run(a),
    }
}

/// Where `--config` and `--rules` say the configuration comes from.
pub fn config_source(g: &Global) -> ConfigSource {
    ConfigSource {
        file: g.config.clone(),
        rules: g.rules.clone(),
    }
}

/// The project root: `--root`, else what `discover` finds from the path given.
pub fn root(g: &Global, discover: impl FnOnce() -> PathBuf) -> PathBuf {
    g.project_root.clone().unwrap_or_else(discover)
}

/// Load configuration for a root, honouring `--config` and `--rules`.
pub fn load_config(root: Option<&Path>, g: &Global) -> anyhow::Result<Config> {
    Ok(crate::ops::load_config(root, &config_source(g))?)
}

/// `migrate` and `consolidate`: run the restructure, then show or report it.
fn restructure(opts: &Options, format: Format, g: &Global) -> anyhow::Result<Exit> {
    let root = &opts.root;
    if !root.is_dir() {
        anyhow::bail!("{}: not a folder", root.display());
    }
    crate::ops::warm_likely_encoding(Some(root), &config_source(g));
    let cfg = load_config(Some(root), g)?;
    let (command, check) = (opts.command, opts.mode == Mode::Check);
    let p = match restructure::run(opts, &cfg, &ui::progress)? {
        Report::Interrupted {
            command: was,
            plan,
            finished,
            kept,
        } => {
            let journal = &cfg.archive.journal;
            let (out, err) = text::interrupted(&was, journal, &plan, finished, &kept);
            print!("{out}");
            eprint!("{err}");
            return Ok(if check { Exit::Findings } else { Exit::Ok });
        }
        Report::Planned(p) => p,
    };
    let json = format == Format::Json;
    let (out, err) = text::planned(&p, opts.mode, json, command);
    print!("{out}");
    eprint!("{}", crate::render::fix::listed(&p.fixes));
    eprint!("{err}");
    let empty = p.outcome.plan.is_empty();
    if !p.errors.is_empty() {
        return Ok(Exit::Failure);
    }
    Ok(if check && !empty {
        Exit::Findings
    } else {
        Exit::Ok
    })
}
