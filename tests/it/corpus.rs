//! Every file of `../shared/corpus` (planning folders, READMEs, the CommonMark and
//! GFM spec files): parsed and split losslessly with the default budget, every part
//! within budget unless it holds a reported oversize block. Skips when the corpus
//! is absent. (The real notes' subphase files are checked in `split.rs`.)

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use replan::config::Config;
use replan::model::{Document, Source};
use replan::split::{self, SplitOptions};
use replan::tokens::Encoding;

use crate::common::corpus;

fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read_dir") {
            let p = e.expect("entry").path();
            let t = std::fs::symlink_metadata(&p).expect("metadata").file_type();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() && p.extension().is_some_and(|x| x == "md" || x == "txt") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What went wrong with one file, if anything.
fn check_file(path: &Path, cfg: &Config, opts: &SplitOptions) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let source = match Source::from_bytes(path, bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("not UTF-8, skipped (the CLI reports it): {e}");
            return Ok(0);
        }
    };
    let text = source.text.clone();
    let doc = Document::parse(source);
    let joined: String = doc.blocks.iter().map(|b| doc.slice(b.span())).collect();
    if joined != text {
        return Err(format!("{}: blocks do not tile the file", path.display()));
    }
    let stem = path.file_stem().unwrap().to_string_lossy();
    let p = split::plan(&doc, &cfg.headings, &cfg.environments, opts, &stem);
    if p.reassemble(&doc) != text {
        return Err(format!(
            "{}: parts do not reassemble the input",
            path.display()
        ));
    }
    let starts: Vec<usize> = doc.blocks.iter().map(|b| b.span().start).collect();
    for part in &p.parts {
        if starts.binary_search(&part.span.start).is_err()
            && !crate::common::is_list_item_start(&doc, part.span.start)
        {
            return Err(format!(
                "{}: part {} starts inside a block (line {})",
                path.display(),
                part.name,
                part.line
            ));
        }
        // Summed from block counts where the joins are clean: must be exact.
        let counted = opts.encoding.count(&part.contents(&doc));
        if part.tokens != counted {
            return Err(format!(
                "{}: part {} claims {} tokens, counting gives {counted}",
                path.display(),
                part.name,
                part.tokens
            ));
        }
        let over = part.lines > opts.max_lines || part.tokens > opts.max_tokens;
        if over && !p.oversize.iter().any(|o| o.part == part.name) {
            return Err(format!(
                "{}: part {} has {} lines / {} tokens over the budget and no oversize block",
                path.display(),
                part.name,
                part.lines,
                part.tokens
            ));
        }
    }
    // The file's count is the sum of its cleanly joined runs of blocks, in both
    // encodings (what lets a part be counted from its blocks).
    for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let mut sum = 0;
        let mut run_start = 0;
        for (i, b) in doc.blocks.iter().enumerate() {
            let next = doc.blocks.get(i + 1);
            let clean = next.is_none_or(|n| {
                replan::tokens::joins_cleanly(doc.slice(b.span()), doc.slice(n.span()))
            });
            if clean {
                sum += enc.count(&text[run_start..b.span().end]);
                run_start = b.span().end;
            }
        }
        let whole = enc.count(&text);
        if sum != whole {
            return Err(format!(
                "{}: {} tokens in clean runs of blocks, {whole} in the file ({})",
                path.display(),
                sum,
                enc.name()
            ));
        }
    }
    Ok(p.parts.len())
}

#[test]
fn every_corpus_file_splits_losslessly_within_budget() {
    let Some(root) = corpus() else { return };
    let files = corpus_files(&root);
    assert!(
        files.len() > 10,
        "corpus looks empty: {} files",
        files.len()
    );
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|x| x == "txt")),
        "spec files missing"
    );
    let cfg = Config::builtin();
    let opts = SplitOptions {
        max_lines: cfg.budgets.max_lines,
        max_tokens: cfg.budgets.max_tokens,
        encoding: Encoding::from_name(&cfg.budgets.encoding).expect("encoding"),
        slug_max: cfg.headings.slug_max,
        floor: cfg.budgets.floor,
    };
    let results: Vec<Result<usize, String>> = files
        .par_iter()
        .map(|f| check_file(f, &cfg, &opts))
        .collect();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let parts: usize = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    assert!(
        parts >= files.len(),
        "{parts} parts from {} files",
        files.len()
    );
}

/// replan counts every corpus file, and every paragraph of it, exactly as
/// tiktoken-rs does, in both encodings (replan merges by rank itself, from tables
/// generated at build time; tiktoken-rs is the reference).
#[test]
fn every_corpus_file_counts_exactly_as_tiktoken() {
    let Some(root) = corpus() else { return };
    let files = corpus_files(&root);
    assert!(files.len() > 10, "corpus looks empty");
    let reference = [
        (Encoding::O200kBase, tiktoken_rs::o200k_base().unwrap()),
        (Encoding::Cl100kBase, tiktoken_rs::cl100k_base().unwrap()),
    ];
    let failures: Vec<String> = files
        .par_iter()
        .flat_map_iter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            let pieces: Vec<String> = std::iter::once(text.clone())
                .chain(text.split("\n\n").map(str::to_owned))
                .collect();
            let mut bad = Vec::new();
            for (enc, tiktoken) in &reference {
                for t in &pieces {
                    let (ours, theirs) = (enc.count(t), tiktoken.encode_ordinary(t).len());
                    if ours != theirs {
                        bad.push(format!(
                            "{} ({}): {ours} tokens, tiktoken {theirs}: {:?}",
                            f.display(),
                            enc.name(),
                            t.chars().take(80).collect::<String>()
                        ));
                    }
                }
            }
            bad
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
