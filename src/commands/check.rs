//! `replan check [PATH...]`: walk, parse (in parallel), run every analysis rule,
//! render findings as text, JSON or SARIF. Exit 0 without errors (warnings
//! allowed), 1 with error findings, 2 on usage, configuration or I/O failure; a
//! file that cannot be read is reported and the run goes on, the exit code
//! remembers it.

use super::{load_config, Exit};
use crate::cli::{CheckArgs, CheckFormat as Format, Global};
use crate::finding::Severity;
use crate::ops::check::{self, root_for, Options};
use crate::{analysis, render, ui};

/// Run `replan check`.
pub fn run(args: CheckArgs, g: &Global) -> anyhow::Result<Exit> {
    if args.diff || args.fix {
        return fix(args, g);
    }
    let root = super::root(g, || root_for(&args.paths));
    let cfg = load_config(Some(&root), g)?;
    // Warmed only once the configuration says tokens will be counted: loading the
    // tables for nothing would double the memory of a line-budget-only check.
    // JSON reports every file's tokens; otherwise only files a budget may reject.
    let count_all = args.format == Format::Json;
    if count_all || cfg.budgets.max_tokens > 0 {
        analysis::encoding(&cfg).warm();
    }
    let opts = Options {
        paths: args.paths,
        include_archive: args.include_archive,
        count_all,
    };
    let started = std::time::Instant::now();
    let c = check::run(&root, &opts, &cfg, &ui::progress)?;
    ui::detail(&format!(
        "read {} of the project's Markdown files, reporting on {}; {} ms",
        c.read,
        c.files,
        started.elapsed().as_millis()
    ));
    for w in &c.walk_warnings {
        ui::warn(w);
    }
    let exit = print_checked(args.format, args.statistics, &c);
    // Nothing is read after the report: freeing every parsed file one by one
    // (26 M instructions on a 20 MB tree, on the main thread, after the work
    // is done) is left to the process's exit.
    std::mem::forget(c);
    exit
}

/// The findings of a check (and the files it could not read) in the format asked
/// for, the summary, and the exit code: after `check` and after `check --fix`.
fn print_checked(format: Format, statistics: bool, c: &check::Checked) -> anyhow::Result<Exit> {
    for e in &c.read_errors {
        ui::error(&e.to_string());
    }
    let report = &c.report;
    let out = match format {
        Format::Text => render::text::findings(&report.findings),
        Format::Json => render::json::report(
            report.encoding.name(),
            &report.files,
            &report.findings,
            &c.read_errors,
        ),
        Format::Sarif => render::sarif::report(&report.findings, &c.read_errors),
        Format::Github => render::text::github(&report.findings, &c.read_errors),
    };
    ui::write_stdout(out.as_bytes())?;
    // Asked for by name, so printed even with -q.
    if statistics {
        eprint!("{}", render::text::statistics(&report.findings));
    }
    if c.files == 0 && c.read > 0 {
        // Otherwise "no findings in 0 files" reads as a clean bill of health.
        ui::warn(&format!(
            "none of the {} Markdown files read is in the planning folders \
             (plan_dirs and check_dirs, less exclude); `replan init` proposes \
             folders, and a file named on the command line is always checked",
            c.read
        ));
    }
    ui::status(&render::text::summary(
        &report.findings,
        c.files,
        c.read_errors.len(),
        report.encoding.name(),
    ));
    Ok(if !c.read_errors.is_empty() {
        Exit::Failure
    } else if report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// `check --diff` and `check --fix`: show or apply the fixes, then (after a
/// real run) print the findings that remain as `check` would.
fn fix(args: CheckArgs, g: &Global) -> anyhow::Result<Exit> {
    use crate::ops::fix::{self, Mode};
    let root = super::root(g, || root_for(&args.paths));
    let cfg = load_config(Some(&root), g)?;
    let mode = if args.fix { Mode::Apply } else { Mode::Diff };
    let opts = fix::Options {
        check: Options {
            paths: args.paths,
            include_archive: args.include_archive,
            count_all: args.format == Format::Json,
        },
        mode,
        unsafe_fixes: args.unsafe_fixes,
        allow_dirty: args.allow_dirty,
    };
    let r = fix::run(&root, &opts, &cfg, &ui::progress)?;
    for w in &r.before.walk_warnings {
        ui::warn(w);
    }
    if mode == Mode::Diff {
        let out = match args.format {
            Format::Json => render::fix::json(&r),
            _ => render::fix::diff(&r),
        };
        ui::write_stdout(out.as_bytes())?;
    }
    eprint!("{}", render::fix::notes(&r, mode));
    if !r.errors.is_empty() {
        return Ok(Exit::Failure);
    }
    if mode == Mode::Diff {
        return Ok(if r.plan.is_empty() {
            Exit::Ok
        } else {
            Exit::Findings
        });
    }
    let c = r.after.as_ref().unwrap_or(&r.before);
    print_checked(args.format, args.statistics, c)
}
