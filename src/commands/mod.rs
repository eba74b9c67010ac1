//! One file per subcommand: arguments → options → operation → output → exit code.
//! The work itself is in `ops`; what is printed is worded in `render`.

pub mod check;
pub mod completions;
pub mod consolidate;
pub mod init;
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
    crate::ui::set_verbosity(cli.global.verbosity());
    match cli.command {
        Command::Split(a) => split::run(a, &cli.global),
        Command::Check(a) => check::run(a, &cli.global),
        Command::Migrate(a) => migrate::run(a, &cli.global),
        Command::Restore(a) => restore::run(a, &cli.global),
        Command::Consolidate(a) => consolidate::run(a, &cli.global),
        Command::Completions(a) => completions::run(a),
        Command::Man => man::run(),
        Command::Rule(a) => rule::run(a),
        Command::Init(a) => init::run(a, &cli.global),
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

/// The folder a command was given, relative to `root`, when it is below it
/// (`migrate docs/plans/x` run from a project whose root is found above).
pub fn asked_below(root: &Path, given: &Path) -> Option<PathBuf> {
    let root = std::fs::canonicalize(root).ok()?;
    let given = std::fs::canonicalize(given).ok()?;
    let rel = given.strip_prefix(&root).ok()?;
    (!rel.as_os_str().is_empty() && given.is_dir()).then(|| rel.to_path_buf())
}

/// What to say when the folder given is below the project's root
/// (`migrate specs/007-x`): the whole project is planned, since a split moves
/// text that files elsewhere link to, and without `-v` nothing said so while
/// the plan touched files far from the folder named.
fn below_root(root: &Path, asked: &Path, command: &str) -> String {
    let shown = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let why = match crate::ops::root::marker(root) {
        Some(m) => format!(", which holds {m}"),
        None => String::new(),
    };
    format!(
        "{}: {} is in the project at {}{why}; {command} plans all of it (files elsewhere link to what it moves)",
        ui::paint("note", anstyle::AnsiColor::Cyan, true, true),
        asked.display(),
        shown.display(),
    )
}

/// With `-v`, say which folder is the root and why.
pub fn announce_root(root: &Path, g: &Global) {
    if ui::verbosity() != ui::Verbosity::Verbose {
        return;
    }
    let shown = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let why = match (&g.project_root, crate::ops::root::marker(root)) {
        (Some(_), _) => "given with --root".to_string(),
        (None, Some(m)) => format!("holds {m}"),
        (None, None) => "no replan.yaml, .claude/, .planning/ or .git at or above the path".into(),
    };
    ui::detail(&format!("root: {} ({why})", shown.display()));
}

/// Load configuration for a root, honouring `--config` and `--rules`; with
/// `-v`, say which root and which files.
pub fn load_config(root: Option<&Path>, g: &Global) -> anyhow::Result<Config> {
    let cfg = crate::ops::load_config(root, &config_source(g))?;
    if ui::verbosity() == ui::Verbosity::Verbose {
        if let Some(r) = root {
            announce_root(r, g);
        }
        let files = cfg.user_files();
        ui::detail(&match files.as_slice() {
            [] => "config: the built-in rules".to_string(),
            _ if g.rules.is_some() => format!("config: {}", files.join(", ")),
            _ => format!("config: {} over the built-in rules", files.join(", ")),
        });
    }
    Ok(cfg)
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
    // Said once there is something to plan: on a folder with nothing to
    // restructure, "plans all of it" came right before "nothing to restructure".
    let below = match (&opts.asked, check) {
        (Some(asked), false) => Some(below_root(root, asked, command)),
        _ => None,
    };
    let started = std::time::Instant::now();
    let p = match restructure::run(opts, &cfg, &ui::progress)? {
        Report::Interrupted {
            command: was,
            plan,
            finished,
            kept,
        } => {
            let journal = &cfg.archive.journal;
            let (out, err) = text::interrupted(&was, journal, &plan, finished, &kept, ui::quiet());
            print!("{out}");
            eprint!("{err}");
            return Ok(if check { Exit::Findings } else { Exit::Ok });
        }
        Report::Planned(p) => p,
    };
    if let Some(note) = below.filter(|_| !p.outcome.plan.is_empty()) {
        ui::status(&note);
    }
    ui::detail(&format!(
        "read {} Markdown files, planned {} operations; {} ms",
        p.files,
        p.outcome.plan.ops.len(),
        started.elapsed().as_millis()
    ));
    for line in text::conservation_lines(&p.conservation) {
        ui::detail(&line);
    }
    let json = format == Format::Json;
    let (out, err) = text::planned(&p, opts.mode, json, command, ui::quiet());
    if text::shows_diff(&p, opts.mode, json) {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        crate::render::diff::write(&p.outcome.plan, &mut stdout)
            .and_then(|()| std::io::Write::flush(&mut stdout))?;
    }
    print!("{out}");
    if let Some(dry) = text::shows_json(&p, opts.mode, json) {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        crate::render::json::write_plan(&p, command, dry, &mut stdout)
            .and_then(|()| std::io::Write::flush(&mut stdout))?;
    }
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
