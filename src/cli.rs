//! Command-line interface. The doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::ui::ColorChoice;

/// Restructure Markdown planning folders: split monoliths into atomic files,
/// check them for rot, extract decisions, archive originals reversibly.
#[derive(Debug, Parser)]
#[command(
    name = "replan",
    version,
    about,
    max_term_width = 100,
    after_long_help = EXIT_CODES
)]
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
    /// The project root (default: the nearest folder at or above the path given
    /// that holds replan.yaml, .claude/, .planning/ or .git).
    #[arg(long = "root", id = "project_root", global = true, value_name = "DIR")]
    pub project_root: Option<PathBuf>,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only findings, warnings and errors (and what the command was asked
    /// to print): no summary line, notes or progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print, on stderr, the root and configuration used, how many files
    /// were read and how long it took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

impl Global {
    /// The verbosity `-q` and `-v` ask for.
    pub fn verbosity(&self) -> crate::ui::Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => crate::ui::Verbosity::Quiet,
            (_, true) => crate::ui::Verbosity::Verbose,
            _ => crate::ui::Verbosity::Normal,
        }
    }
}

/// Output format of split, migrate and consolidate.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// Versioned JSON for machines.
    Json,
}

/// Output format of check.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum CheckFormat {
    /// `path:line:col: severity rule: message`, evidence indented below.
    #[default]
    Text,
    /// Versioned JSON for machines.
    Json,
    /// SARIF 2.1.0 for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), shown as
    /// annotations on the pull request.
    Github,
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

/// The exit codes every command shares (`replan --help`, the man page).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings allowed)
  1  findings of error severity (check), or work to do (consolidate --check)
  2  usage, configuration or I/O failure, or a plan that cannot be applied

`replan <COMMAND> --help` shows each command's examples and exit codes.";

const SPLIT_HELP: &str = "\
Examples:
  replan split .claude/plans/phase-4-working-notes.md --dry-run
      List the parts it would write, with lines and tokens; write nothing.
  replan split notes.md --out parts --max-lines 150 --format json
      Write parts of at most 150 lines into parts/ and report them as JSON.

Exit codes:
  0  the parts were written (with --dry-run: listed)
  2  usage, configuration or I/O failure, or a part would overwrite a file
     (see --force); nothing was written";

const CHECK_HELP: &str = "\
Examples:
  replan check .claude/plans
      Check every Markdown file under .claude/plans.
  replan check --format sarif . > replan.sarif
      Write SARIF for a code-scanning upload.

Exit codes:
  0  no finding of error severity (warnings allowed); with --diff: no fix
  1  findings of error severity (after --fix: that remain); with --diff: fixes
  2  usage or configuration error, a file that cannot be read, or fixes that
     cannot be applied (nothing written)";

const MIGRATE_HELP: &str = "\
Examples:
  replan migrate --dry-run
      Show the restructure of ./.claude as a diff; write nothing.
  replan migrate path/to/repo --format json
      Apply it to path/to/repo and report what was done as JSON.

Exit codes:
  0  applied, or nothing to do (with --dry-run: the plan was shown)
  2  the plan cannot be applied (a link would break, a Markdown file cannot
     be read, files with uncommitted changes, another run holds the lock), or
     usage, configuration or I/O failure; a run stopped part-way is finished
     by running it again or undone by `replan restore`";

const RESTORE_HELP: &str = "\
Examples:
  replan restore --dry-run
      Show what undoing the last run of ./.claude would change; write nothing.
  replan restore path/to/repo --force
      Undo it even though generated files were edited since (the edits are lost).

Exit codes:
  0  restored (with --dry-run: shown), or nothing to restore (no manifest,
     or no run recorded in it: it says so)
  2  generated files edited since (without --force), or usage,
     configuration or I/O failure";

const CONSOLIDATE_HELP: &str = "\
Examples:
  replan consolidate --check
      Exit 1, printing why, if decisions, indexes, splits or links are out of date.
  replan consolidate --dry-run --format json
      Show the pending plan as JSON; write nothing.

Exit codes:
  0  applied, or nothing to do
  1  with --check: there is work to do
  2  the plan cannot be applied, or usage, configuration or I/O failure
     (as for migrate)";

const COMPLETIONS_HELP: &str = "\
Examples:
  replan completions bash > ~/.local/share/bash-completion/completions/replan
      Install bash completions for your user.
  replan completions zsh > ~/.zfunc/_replan
      Install zsh completions (with ~/.zfunc in fpath, before compinit).

Exit codes:
  0  the script was printed
  2  an unknown shell, or the output cannot be written";

const MAN_HELP: &str = "\
Examples:
  replan man | man -l -
      Read the manual now.
  replan man > ~/.local/share/man/man1/replan.1
      Install it, so that `man replan` finds it.

Exit codes:
  0  the page was printed
  2  the output cannot be written";

const RULE_HELP: &str = "\
Examples:
  replan rule phase.mislabeled
      What the rule reports, its default severity, its settings and an example.
  replan rule --all --format json
      Every rule, as JSON.

Exit codes:
  0  the rule (or the list) was printed
  2  no rule has that id (close ids are suggested)";

const INIT_HELP: &str = "\
Examples:
  replan init --dry-run
      Print the replan.yaml it would write for this repository; write nothing.
  replan init path/to/repo --force
      Write it there, replacing the replan.yaml already there.

Exit codes:
  0  the file was written (with --dry-run: printed)
  2  a replan.yaml is there already (see --force; nothing written), or usage,
     configuration or I/O failure";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Split one Markdown file into atomic per-subphase files within budget.
    #[command(after_long_help = SPLIT_HELP)]
    Split(SplitArgs),
    /// Check planning docs: budgets, mislabeled or missing subphases, fences, links, claims.
    #[command(after_long_help = CHECK_HELP)]
    Check(CheckArgs),
    /// One-time restructure of a planning folder: split, archive, rewrite links, index.
    #[command(after_long_help = MIGRATE_HELP)]
    Migrate(MigrateArgs),
    /// Undo the last migration (or consolidate run) from the manifest, byte for byte.
    #[command(after_long_help = RESTORE_HELP)]
    Restore(RestoreArgs),
    /// Repeatable run: re-extract decisions, refresh indexes, split new monoliths.
    #[command(after_long_help = CONSOLIDATE_HELP)]
    Consolidate(ConsolidateArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), for `replan man | man -l -`.
    #[command(after_long_help = MAN_HELP)]
    Man,
    /// Explain a check rule: severity, what it reports, the settings that tune it.
    #[command(after_long_help = RULE_HELP)]
    Rule(RuleArgs),
    /// Write a commented replan.yaml for this repository: its planning folders,
    /// frameworks and budgets taken from its own files.
    #[command(after_long_help = INIT_HELP)]
    Init(InitArgs),
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
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// After the findings, count them per rule (on stderr).
    #[arg(long)]
    pub statistics: bool,
    /// Also check the archive (`.claude/archive/` and the configured `archive.dir`),
    /// skipped by default.
    #[arg(long)]
    pub include_archive: bool,

    // Fixes (issue 16), kept together.
    /// Print the fixes for the findings as a unified diff and write nothing
    /// (exit 1 when there is a fix, 0 when none). Safe fixes only, unless
    /// --unsafe-fixes.
    #[arg(long, group = "fixing", help_heading = "Fixes")]
    pub diff: bool,
    /// Apply the safe fixes (through a journal, recorded in the manifest, so
    /// `replan restore` undoes them), then print the findings that remain.
    #[arg(long, group = "fixing", help_heading = "Fixes")]
    pub fix: bool,
    /// With --fix or --diff: take the unsafe fixes too (a mislabeled heading
    /// rewritten from the evidence, a broken anchor pointed at its one close
    /// heading).
    #[arg(long, requires = "fixing", help_heading = "Fixes")]
    pub unsafe_fixes: bool,
    /// With --fix: touch files with uncommitted git changes.
    #[arg(long, requires = "fix", help_heading = "Fixes")]
    pub allow_dirty: bool,
}

/// `replan migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The project, or a folder in it: its root is the nearest folder at or above
    /// that holds replan.yaml, .claude/, .planning/ or .git, and its planning
    /// folders are `plan_dirs` below the root.
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

    // Fixes (issue 16), kept together.
    /// Apply the safe fixes of `check --fix` first, in the same plan, so the
    /// split files are cut from (and named after) the repaired text.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,
    /// With --fix: the unsafe fixes too (a mislabeled heading rewritten).
    #[arg(long, requires = "fix", help_heading = "Fixes")]
    pub unsafe_fixes: bool,
}

/// `replan restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The project, or a folder in it: its root is the nearest folder at or above
    /// that holds replan.yaml, .claude/, .planning/ or .git, and its planning
    /// folders are `plan_dirs` below the root.
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
    /// The project, or a folder in it: its root is the nearest folder at or above
    /// that holds replan.yaml, .claude/, .planning/ or .git, and its planning
    /// folders are `plan_dirs` below the root.
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

/// `replan init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// A folder of the repository (the file goes to its project root, or to
    /// `--config FILE`).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print the file and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace a replan.yaml that is there already.
    #[arg(long)]
    pub force: bool,
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
