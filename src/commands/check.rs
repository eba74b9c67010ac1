//! `replan check [PATH...]`: walk, parse (in parallel), run every analysis rule,
//! render findings as text, JSON or SARIF. Exit 0 without errors (warnings
//! allowed), 1 with error findings, 2 on usage, configuration or I/O failure; a
//! file that cannot be read is reported and the run goes on, the exit code
//! remembers it.

use std::io::Write;

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
    let c = check::run(&root, &opts, &cfg, &ui::progress)?;
    for w in &c.walk_warnings {
        ui::warn(w);
    }
    for e in &c.read_errors {
        ui::error(e);
    }
    let report = &c.report;
    let out = match args.format {
        Format::Text => render::text::findings(&report.findings),
        Format::Json => {
            render::json::report(report.encoding.name(), &report.files, &report.findings)
        }
        Format::Sarif => render::sarif::report(&report.findings),
        Format::Github => render::text::github(&report.findings),
    };
    {
        let mut so = anstream::stdout().lock();
        so.write_all(out.as_bytes())
            .and_then(|_| so.flush())
            .map_err(|e| anyhow::anyhow!("cannot write output: {e}"))?;
    }
    if args.statistics {
        eprint!("{}", render::text::statistics(&report.findings));
    }
    eprintln!(
        "{}",
        render::text::summary(&report.findings, c.files, report.encoding.name())
    );
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
    for e in &r.before.read_errors {
        ui::error(e);
    }
    if mode == Mode::Diff {
        ui::write_stdout(render::fix::diff(&r).as_bytes())?;
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
    let report = &c.report;
    let out = match args.format {
        Format::Text => render::text::findings(&report.findings),
        Format::Json => {
            render::json::report(report.encoding.name(), &report.files, &report.findings)
        }
        Format::Sarif => render::sarif::report(&report.findings),
        Format::Github => render::text::github(&report.findings),
    };
    ui::write_stdout(out.as_bytes())?;
    eprintln!(
        "{}",
        render::text::summary(&report.findings, c.files, report.encoding.name())
    );
    let errors = report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    Ok(if !c.read_errors.is_empty() {
        Exit::Failure
    } else if errors {
        Exit::Findings
    } else {
        Exit::Ok
    })
}
