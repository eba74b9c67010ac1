//! `replan split FILE`: one file per subphase, every file within budget.

use std::path::{Path, PathBuf};

use anstyle::AnsiColor;
use serde::Serialize;

use super::{load_config, Exit};
use crate::apply::{apply, ApplyOptions};
use crate::cli::{Format, Global, SplitArgs};
use crate::model::{Document, Source};
use crate::plan::{Op, Plan};
use crate::split::{self, SplitOptions};
use crate::subphase::cmp_natural;
use crate::tokens::Encoding;
use crate::ui::paint;

#[derive(Serialize)]
struct FileRow<'a> {
    path: String,
    lines: usize,
    tokens: usize,
    subphase: Option<&'a str>,
    /// First line of the part in the original, so parts can be put back in order.
    line: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    encoding: &'static str,
    dry_run: bool,
    files: Vec<FileRow<'a>>,
    oversize: Vec<serde_json::Value>,
}

/// Run `replan split`.
pub fn run(args: SplitArgs, g: &Global) -> anyhow::Result<Exit> {
    match args.encoding.as_deref().and_then(Encoding::from_name) {
        Some(e) => e.warm(),
        None => super::warm_likely_encoding(args.file.parent(), g),
    }
    let cfg = load_config(args.file.parent(), g)?;
    let enc_name = args
        .encoding
        .clone()
        .unwrap_or(cfg.budgets.encoding.clone());
    let encoding = Encoding::from_name(&enc_name).ok_or_else(|| {
        anyhow::anyhow!("unknown encoding `{enc_name}` (use o200k_base or cl100k_base)")
    })?;
    encoding.warm();
    let source = Source::read(&args.file, &args.file)?;
    let doc = Document::parse(source);
    let compiled = cfg
        .compile()
        .map_err(|(p, m)| anyhow::anyhow!("bad pattern `{p}`: {m}"))?;
    let opts = SplitOptions {
        max_lines: args.max_lines.unwrap_or(cfg.budgets.max_lines),
        max_tokens: args.max_tokens.unwrap_or(cfg.budgets.max_tokens),
        encoding,
        slug_max: cfg.headings.slug_max.max(8),
    };
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sp = split::plan(&doc, &compiled, &cfg.environments, &opts, &stem);
    let out_dir: PathBuf = match &args.out {
        Some(d) => d.clone(),
        None => args
            .file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    for u in doc.unclosed_fences() {
        crate::ui::warn(&format!(
            "{}:{}: code fence opened here is never closed; everything after it is code to a Markdown reader",
            args.file.display(),
            u.line
        ));
    }
    let mut plan = Plan::new(&out_dir);
    for part in &sp.parts {
        plan.ops.push(Op::Create {
            path: PathBuf::from(&part.name),
            contents: part.contents(&doc),
        });
    }
    let mut rows: Vec<FileRow> = sp
        .parts
        .iter()
        .map(|p| FileRow {
            path: out_dir.join(&p.name).display().to_string(),
            lines: p.lines,
            tokens: p.tokens,
            subphase: p.subphase.as_ref().map(|s| s.number.as_str()),
            line: p.line,
        })
        .collect();
    rows.sort_by(|a, b| {
        cmp_natural(
            a.path.trim_end_matches(".md"),
            b.path.trim_end_matches(".md"),
        )
    });
    if !args.dry_run {
        apply(&plan, ApplyOptions { force: args.force })?;
    }
    let oversize: Vec<_> = sp
        .oversize
        .iter()
        .map(|o| {
            serde_json::json!({"path": args.file.display().to_string(), "line": o.line, "lines": o.lines, "tokens": o.tokens, "part": o.part})
        })
        .collect();
    if args.format == Format::Json {
        let r = Report {
            version: 1,
            encoding: encoding.name(),
            dry_run: args.dry_run,
            files: rows,
            oversize,
        };
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(Exit::Ok);
    }
    let width = rows.iter().map(|r| r.path.len()).max().unwrap_or(0);
    println!("{:width$}  {:>6}  {:>7}", "file", "lines", "tokens");
    for r in &rows {
        println!("{:width$}  {:>6}  {:>7}", r.path, r.lines, r.tokens);
    }
    for o in &sp.oversize {
        crate::ui::warn(&format!(
            "{}:{}: budget.block: a single block of {} lines / {} tokens exceeds the budget ({} lines / {} tokens); kept whole in {}",
            args.file.display(),
            o.line,
            o.lines,
            o.tokens,
            opts.max_lines,
            opts.max_tokens,
            o.part
        ));
    }
    let verb = if args.dry_run { "would write" } else { "wrote" };
    let tail = if args.dry_run {
        "; nothing written"
    } else {
        ""
    };
    eprintln!(
        "{} {} files ({} tokens counted with {}){}",
        paint(verb, AnsiColor::Green, true, true),
        rows.len(),
        rows.iter().map(|r| r.tokens).sum::<usize>(),
        encoding.name(),
        tail
    );
    Ok(Exit::Ok)
}
