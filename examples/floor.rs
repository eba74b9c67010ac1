//! The floor replan is timed against: read the same files, comrak-parse each once
//! and count its tokens once (o200k_base, bpe-openai, as replan does), on one thread, nothing else.
//! `scripts/bench.sh` runs it beside `replan`; it prints a per-phase breakdown
//! (tokenizer load, read, parse, count) on stderr.
//!
//! Usage: `cargo run --release --example floor -- PATH...` (files, or folders
//! walked for `*.md`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use comrak::{parse_document, Arena};
use replan::model::document::comrak_options;

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_file() {
        out.push(p.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(p) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        let Ok(m) = std::fs::symlink_metadata(&e) else {
            continue;
        };
        if m.is_dir() {
            // Like replan's walk: the archive holds originals and is skipped.
            if e.ends_with(".claude/archive") || e.ends_with(".git") {
                continue;
            }
            walk(&e, out);
        } else if m.is_file() && e.extension().is_some_and(|x| x == "md") {
            out.push(e);
        }
    }
}

fn main() {
    let start = Instant::now();
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        walk(Path::new(&a), &mut files);
    }
    let t = Instant::now();
    let bpe = bpe_openai::o200k_base();
    let load = t.elapsed();
    let options = comrak_options();
    let (mut read, mut parse, mut count) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut bytes, mut nodes, mut tokens) = (0usize, 0usize, 0usize);
    for f in &files {
        let t = Instant::now();
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        read += t.elapsed();
        bytes += text.len();
        let t = Instant::now();
        let arena = Arena::new();
        let root = parse_document(&arena, &text, &options);
        nodes += root.descendants().count();
        parse += t.elapsed();
        let t = Instant::now();
        tokens += bpe.count(&text);
        count += t.elapsed();
    }
    println!(
        "{} files, {bytes} bytes, {nodes} nodes, {tokens} tokens",
        files.len()
    );
    eprintln!(
        "floor: total {:.1} ms = o200k load {:.1} + read {:.1} + parse {:.1} + count {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3,
        count.as_secs_f64() * 1e3
    );
}
