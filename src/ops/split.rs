//! `split` as an operation: one file per subphase, every file within budget,
//! written through the same Plan and apply as every other command.

use std::path::{Path, PathBuf};

use crate::apply::{apply, ApplyOptions};
use crate::config::Config;
use crate::model::{Document, Source};
use crate::plan::{Op, Plan};
use crate::split::{self, Oversize, SplitOptions};
use crate::subphase::cmp_natural;
use crate::tokens::Encoding;

/// Options of a split.
#[derive(Debug, Clone)]
pub struct Options {
    /// The file to split.
    pub file: PathBuf,
    /// Folder for the new files (default: the file's own folder).
    pub out: Option<PathBuf>,
    /// Write nothing.
    pub dry_run: bool,
    /// Line budget (default: configured).
    pub max_lines: Option<usize>,
    /// Token budget (default: configured).
    pub max_tokens: Option<usize>,
    /// Encoding (default: configured).
    pub encoding: Option<Encoding>,
    /// Overwrite files that exist.
    pub force: bool,
}

/// One file written (or to be written).
#[derive(Debug, Clone)]
pub struct Part {
    /// Where it goes.
    pub path: PathBuf,
    /// Lines.
    pub lines: usize,
    /// Tokens.
    pub tokens: usize,
    /// The subphase number, when the part is one.
    pub subphase: Option<String>,
    /// First line of the part in the original, so parts can be put back in order.
    pub line: usize,
}

/// What a split did or would do.
#[derive(Debug)]
pub struct Report {
    /// The parts, in natural order of their paths.
    pub parts: Vec<Part>,
    /// Blocks too big for the budget, kept whole.
    pub oversize: Vec<Oversize>,
    /// Lines of code fences that are never closed.
    pub unclosed_fences: Vec<usize>,
    /// The budgets used.
    pub max_lines: usize,
    /// The budgets used.
    pub max_tokens: usize,
    /// The encoding tokens were counted in.
    pub encoding: Encoding,
}

/// Endings of files that are something other than Markdown: split would read a
/// YAML or JSON file's `#` comments as headings and cut it apart.
const NOT_MARKDOWN: &[&str] = &[
    "yaml", "yml", "json", "toml", "xml", "html", "htm", "csv", "rs", "py", "js", "ts", "go", "sh",
];

/// Split `opts.file`; with `dry_run`, only plan it.
pub fn run(opts: &Options, cfg: &Config) -> anyhow::Result<Report> {
    if let Some(ext) = opts
        .file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
    {
        if NOT_MARKDOWN.contains(&ext.as_str()) {
            anyhow::bail!(
                "{}: a .{ext} file is not Markdown; split reads Markdown files (.md)",
                opts.file.display()
            );
        }
    }
    let encoding = match opts.encoding {
        Some(e) => e,
        None => Encoding::from_name(&cfg.budgets.encoding).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown encoding `{}` (use o200k_base or cl100k_base)",
                cfg.budgets.encoding
            )
        })?,
    };
    encoding.warm();
    let source = Source::read(&opts.file, &opts.file)?;
    let doc = Document::parse(source);
    let sopts = SplitOptions {
        max_lines: opts.max_lines.unwrap_or(cfg.budgets.max_lines),
        max_tokens: opts.max_tokens.unwrap_or(cfg.budgets.max_tokens),
        encoding,
        slug_max: cfg.headings.slug_max.max(8),
        floor: cfg.budgets.floor,
    };
    let stem = opts
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sp = split::plan(&doc, &cfg.headings, &cfg.environments, &sopts, &stem);
    let out_dir: PathBuf = match &opts.out {
        Some(d) => d.clone(),
        None => opts
            .file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    let mut plan = Plan::new(&out_dir);
    for part in &sp.parts {
        plan.ops
            .push(Op::create(PathBuf::from(&part.name), part.contents(&doc)));
    }
    let mut parts: Vec<Part> = sp
        .parts
        .iter()
        .map(|p| Part {
            path: out_dir.join(&p.name),
            lines: p.lines,
            tokens: p.tokens,
            subphase: p.subphase.as_ref().map(|s| s.number.clone()),
            line: p.line,
        })
        .collect();
    parts.sort_by(|a, b| {
        let (a, b) = (a.path.to_string_lossy(), b.path.to_string_lossy());
        cmp_natural(a.trim_end_matches(".md"), b.trim_end_matches(".md"))
    });
    if !opts.dry_run {
        apply(
            &plan,
            ApplyOptions {
                force: opts.force,
                ..ApplyOptions::default()
            },
        )?;
    }
    Ok(Report {
        parts,
        oversize: sp.oversize,
        unclosed_fences: doc.unclosed_fences().map(|u| u.line).collect(),
        max_lines: sopts.max_lines,
        max_tokens: sopts.max_tokens,
        encoding,
    })
}
