//! `replan split FILE`: one file per subphase, every file within budget.

use anstyle::AnsiColor;

use super::{config_source, load_config, Exit};
use crate::cli::{Format, Global, SplitArgs};
use crate::ops::split::{self, Options};
use crate::tokens::Encoding;
use crate::ui::{self, paint};

/// Run `replan split`.
pub fn run(args: SplitArgs, g: &Global) -> anyhow::Result<Exit> {
    let encoding = args.encoding.as_deref().and_then(Encoding::from_name);
    // Configuration comes from the file's project, wherever split is run from.
    let root = super::root(g, || crate::ops::root::discover(&args.file));
    match encoding {
        Some(e) => e.warm(),
        None => crate::ops::warm_likely_encoding(Some(&root), &config_source(g)),
    }
    let cfg = load_config(Some(&root), g)?;
    let opts = Options {
        file: args.file.clone(),
        out: args.out,
        dry_run: args.dry_run,
        max_lines: args.max_lines,
        max_tokens: args.max_tokens,
        encoding,
        force: args.force,
        root: Some(root.clone()),
    };
    ui::detail(&format!(
        "budget: {} lines, {} tokens ({})",
        opts.max_lines.unwrap_or(cfg.budgets.max_lines),
        opts.max_tokens.unwrap_or(cfg.budgets.max_tokens),
        encoding.map_or(cfg.budgets.encoding.as_str(), |e| e.name())
    ));
    let started = std::time::Instant::now();
    let r = split::run(&opts, &cfg)?;
    ui::detail(&format!(
        "{} parts planned in {} ms",
        r.parts.len(),
        started.elapsed().as_millis()
    ));
    let file = args.file.display();
    for line in &r.unclosed_fences {
        ui::warn(&format!(
            "{file}:{line}: code fence opened here is never closed; everything after it is code to a Markdown reader"
        ));
    }
    if args.format == Format::Json {
        println!(
            "{}",
            crate::render::json::split(&r, &args.file, args.dry_run)
        );
        return Ok(Exit::Ok);
    }
    let rows: Vec<(String, usize, usize)> = r
        .parts
        .iter()
        .map(|p| (p.path.display().to_string(), p.lines, p.tokens))
        .collect();
    // The table is what a dry run was asked for; after a real split it is a
    // record of what was written, which -q leaves out.
    if args.dry_run || !ui::quiet() {
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        println!("{:width$}  {:>6}  {:>7}", "file", "lines", "tokens");
        for (path, lines, tokens) in &rows {
            println!("{path:width$}  {lines:>6}  {tokens:>7}");
        }
    }
    for o in &r.oversize {
        ui::warn(&format!(
            "{file}:{}: budget.block: {} the budget ({} lines / {} tokens); kept whole in {}",
            o.line,
            o.exceeds(),
            r.max_lines,
            r.max_tokens,
            o.part
        ));
    }
    if !ui::quiet() {
        if let Some(line) =
            crate::render::restructure::conservation_summary(std::slice::from_ref(&r.conservation))
        {
            eprintln!("{line}");
        }
    }
    let verb = if args.dry_run { "would write" } else { "wrote" };
    let tail = if args.dry_run {
        "; nothing written"
    } else {
        ""
    };
    let files = if rows.len() == 1 { "file" } else { "files" };
    ui::status(&format!(
        "{} {} {files} ({} tokens counted with {}){tail}",
        paint(verb, AnsiColor::Green, true, true),
        rows.len(),
        rows.iter().map(|r| r.2).sum::<usize>(),
        r.encoding.name(),
    ));
    Ok(Exit::Ok)
}
