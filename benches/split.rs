//! `cargo bench --bench split`: replan's parse and split of the user's real
//! 297 KB working notes beside comrak's bare parse of the same bytes (the floor
//! replan's model stands on), as throughput, in one run. Skips when
//! `../shared/corpus` is absent. Short settings for a shared machine:
//! `cargo bench --bench split -- --warm-up-time 1 --measurement-time 3`.

use std::path::PathBuf;

use comrak::{parse_document, Arena};
use std::hint::black_box;

use criterion::{Criterion, Throughput};
use replan::config::Config;
use replan::model::document::comrak_options;
use replan::model::Document;
use replan::split::{self, SplitOptions};
use replan::tokens::Encoding;

fn notes() -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../shared/corpus/plans/RLGeeX__pcc-ai-memory/.claude/archive/original-phases/phase-4-working-notes.md",
    );
    std::fs::read_to_string(&p).ok()
}

fn bench(c: &mut Criterion, text: &str) {
    let cfg = Config::builtin();
    let opts = SplitOptions {
        max_lines: cfg.budgets.max_lines,
        max_tokens: cfg.budgets.max_tokens,
        encoding: Encoding::O200kBase,
        slug_max: cfg.headings.slug_max,
        floor: cfg.budgets.floor,
    };
    // Compile the pre-tokenizer outside the timings (start-up is measured by scripts/bench.sh).
    opts.encoding.count("warm");
    let options = comrak_options();
    let mut g = c.benchmark_group("real-notes-297KB");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("comrak parse (floor)", |b| {
        b.iter(|| {
            let arena = Arena::new();
            let root = parse_document(&arena, black_box(text), &options);
            black_box(root.children().count())
        })
    });
    g.bench_function("o200k count whole file", |b| {
        b.iter(|| black_box(opts.encoding.count_uncached(black_box(text))))
    });
    // The counter replan used before its build-time tables: same counts, its
    // tables built before the timings.
    let bpe = bpe_openai::o200k_base();
    g.bench_function("o200k count whole file (bpe-openai)", |b| {
        b.iter(|| black_box(bpe.count(black_box(text))))
    });
    g.bench_function("replan parse (Document)", |b| {
        b.iter(|| {
            black_box(
                Document::from_text("notes.md", black_box(text))
                    .blocks
                    .len(),
            )
        })
    });
    g.bench_function("replan parse + split plan", |b| {
        b.iter(|| {
            let doc = Document::from_text("notes.md", black_box(text));
            let p = split::plan(&doc, &cfg.headings, &cfg.environments, &opts, "notes");
            black_box(p.parts.len())
        })
    });
    g.finish();
}

fn main() {
    let Some(text) = notes() else {
        eprintln!("skipping: ../shared/corpus is absent (the real notes are needed)");
        return;
    };
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &text);
    c.final_summary();
}
