//! The floor replan is timed against: read the same files, comrak-parse each once
//! and count its tokens once (o200k_base, with replan's own counter), on one thread, nothing else.
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
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // --copy DIR: also write each file's bytes under DIR (at its path below the
    // argument it was found under), then sync them once: the floor of a run
    // that writes.
    let copy_to = match args.first().map(String::as_str) {
        Some("--copy") if args.len() > 1 => {
            let dir = PathBuf::from(args.remove(1));
            args.remove(0);
            Some(dir)
        }
        _ => None,
    };
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for a in &args {
        let mut found = Vec::new();
        walk(Path::new(a), &mut found);
        files.extend(found.into_iter().map(|f| {
            let rel = f.strip_prefix(a).unwrap_or(&f).to_path_buf();
            (f, rel)
        }));
    }
    let t = Instant::now();
    let enc = replan::tokens::Encoding::O200kBase;
    // Compiles the pre-tokenizer; the rank table needs no loading.
    enc.count("");
    let load = t.elapsed();
    let options = comrak_options();
    let (mut read, mut parse, mut count) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut copy = Duration::ZERO;
    let (mut bytes, mut nodes, mut tokens) = (0usize, 0usize, 0usize);
    for (f, rel) in &files {
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
        tokens += enc.count_uncached(&text);
        count += t.elapsed();
        if let Some(dir) = &copy_to {
            let t = Instant::now();
            let to = dir.join(rel);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).expect("create the copy's folder");
            }
            std::fs::write(&to, &text).expect("write the copy");
            copy += t.elapsed();
        }
    }
    if let Some(dir) = &copy_to {
        let t = Instant::now();
        sync_all_under(dir);
        copy += t.elapsed();
    }
    println!(
        "{} files, {bytes} bytes, {nodes} nodes, {tokens} tokens",
        files.len()
    );
    eprintln!(
        "floor: total {:.1} ms = o200k load {:.1} + read {:.1} + parse {:.1} + count {:.1} + copy {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3,
        count.as_secs_f64() * 1e3,
        copy.as_secs_f64() * 1e3
    );
}

/// Make the copies durable: one `syncfs`, what replan does (Linux; the bench
/// runs there, and elsewhere the copy is left unsynced).
fn sync_all_under(dir: &Path) {
    #[cfg(target_os = "linux")]
    {
        let d = std::fs::File::open(dir).expect("open the copy");
        rustix::fs::syncfs(&d).expect("syncfs");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}
