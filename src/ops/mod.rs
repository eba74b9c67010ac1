//! Operations: what each command does, as library calls (cargo's `ops/`). Each
//! takes options and the configuration, and returns a report; none prints. The
//! commands in `commands/` turn arguments into options, call one operation and
//! render its report, so the same work can be driven from tests or another front
//! end.

pub mod check;
pub mod fix;
pub mod init;
pub mod load;
mod on_disk;
pub mod restore;
pub mod restructure;
pub mod root;
pub mod rule;
pub mod split;

use std::path::{Path, PathBuf};

use indicatif::ProgressBar;

use crate::config::{Config, ConfigError};
use crate::tokens::Encoding;

/// Makes a progress bar for `len` steps of the named work, or (`None`) a
/// spinner for work whose steps are not counted. The front end decides whether
/// and how it is drawn; operations only tick it and clear it when done.
pub type Progress<'a> = &'a (dyn Fn(Option<u64>, &'static str) -> ProgressBar + Sync);

/// A `(done, total)` reporter that moves `bar` (for apply's steps, whose total
/// is known only once apply has checked the plan).
pub fn steps_on(bar: &ProgressBar) -> impl Fn(usize, usize) + '_ {
    move |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

/// A [`Progress`] that draws nothing.
pub fn no_progress(_len: Option<u64>, _what: &'static str) -> ProgressBar {
    ProgressBar::hidden()
}

/// Where the configuration comes from: `--config` and `--rules` as given.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    /// A configuration file merged over the built-in rules.
    pub file: Option<PathBuf>,
    /// A folder of rule files used instead of the built-in ones.
    pub rules: Option<PathBuf>,
}

/// Load the configuration for a root and check the rule ids it names: the one
/// way every command reads it.
pub fn load_config(root: Option<&Path>, src: &ConfigSource) -> Result<Config, ConfigError> {
    let cfg = Config::load(root, src.file.as_deref(), src.rules.as_deref())?;
    crate::analysis::check_rule_ids(&cfg)?;
    Ok(cfg)
}

/// Start loading the token encoding a command that will count (split, migrate,
/// consolidate) will most likely need, before the configuration is read:
/// building the tables takes longer than anything the command does before its
/// first count, so every millisecond of head start is saved. The guess is the
/// built-in `o200k_base` unless a user config file or rules folder names
/// `cl100k_base`. A wrong guess costs CPU on another thread, never a wrong count:
/// the configured encoding is warmed (and used) once the configuration is known.
pub fn warm_likely_encoding(root: Option<&Path>, src: &ConfigSource) {
    let mut files: Vec<PathBuf> = Vec::new();
    match (&src.file, root) {
        (Some(f), _) => files.push(f.clone()),
        (None, Some(r)) => files.push(r.join("replan.yaml")),
        _ => {}
    }
    if let Some(dir) = &src.rules {
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
