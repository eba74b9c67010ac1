//! Command-line interface. The doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::ui::ColorChoice;

/// Restructure Markdown planning folders: split monoliths into atomic files,
/// check them for rot, extract decisions, archive originals reversibly.
#[derive(Debug, Parser)]
#[command(name = "replan", version, about, max_term_width = 100)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
}

/// Options shared by every command.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// A configuration file merged over the built-in rules (default: ROOT/replan.yaml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A folder of rule files used instead of the built-in `rules/`.
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output format.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// Versioned JSON for machines.
    Json,
    /// SARIF 2.1.0 (check only).
    Sarif,
}

/// Output format of documentation.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum DocFormat {
    /// Human-readable text.
    #[default]
    Text,
    /// Versioned JSON for machines.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Split one Markdown file into atomic per-subphase files within budget.
    Split(SplitArgs),
    /// Check planning docs: budgets, mislabeled or missing subphases, fences, links, claims.
    Check(CheckArgs),
    /// One-time restructure of a planning folder: split, archive, rewrite links, index.
    Migrate(MigrateArgs),
    /// Undo the last migration (or consolidate run) from the manifest, byte for byte.
    Restore(RestoreArgs),
    /// Repeatable run: re-extract decisions, refresh indexes, split new monoliths.
    Consolidate(ConsolidateArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(CompletionsArgs),
    /// Print the man page (roff), for `replan man | man -l -`.
    Man,
    /// Explain a check rule: severity, what it reports, the settings that tune it.
    Rule(RuleArgs),
}

/// `replan split`.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// The Markdown file to split.
    pub file: PathBuf,
    /// Folder for the new files (default: the file's own folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print what would be written (paths, lines, tokens) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Line budget per file (default from rules/budgets.yaml: 200).
    #[arg(long, value_name = "N")]
    pub max_lines: Option<usize>,
    /// Token budget per file (default from rules/budgets.yaml: 4000).
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<usize>,
    /// tiktoken encoding used to count tokens.
    #[arg(long, value_name = "NAME", value_parser = ["o200k_base", "cl100k_base"])]
    pub encoding: Option<String>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `replan check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (folders are walked for *.md, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also check the archive (`.claude/archive/` and the configured `archive.dir`),
    /// skipped by default.
    #[arg(long)]
    pub include_archive: bool,
}

/// `replan migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The folder holding `.claude/`.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Print the plan as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the plan (text diff or JSON).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Touch files with uncommitted git changes.
    #[arg(long)]
    pub allow_dirty: bool,
}

/// `replan restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The folder holding `.claude/`.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Restore even if generated files were edited since (the edits are lost).
    #[arg(long)]
    pub force: bool,
    /// Print what would be restored and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `replan consolidate`.
#[derive(Debug, Args)]
pub struct ConsolidateArgs {
    /// The folder holding `.claude/`.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Print the plan as a unified diff and write nothing.
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,
    /// Exit 1 if the plan is not empty, printing why (for pre-commit and CI).
    #[arg(long)]
    pub check: bool,
    /// Output format of the plan.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Touch files with uncommitted git changes.
    #[arg(long)]
    pub allow_dirty: bool,
}

/// `replan completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `replan rule`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule id, e.g. `phase.mislabeled` (none: list every rule).
    #[arg(value_name = "ID", value_parser = RuleId, hide_possible_values = true)]
    pub id: Option<String>,
    /// List every rule with its default severity and what it reports.
    #[arg(long, conflicts_with = "id")]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DocFormat::Text)]
    pub format: DocFormat,
}

/// A rule id. Any text is accepted, so that `replan rule` can answer an unknown
/// one with the ids it was probably meant to be; the known ids are offered to
/// shell completion.
#[derive(Debug, Clone, Copy)]
struct RuleId;

impl TypedValueParser for RuleId {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let ids = crate::analysis::RULES.iter();
        Some(Box::new(ids.map(|r| PossibleValue::new(r.id).help(r.doc))))
    }
}
