//! Fuzz the model and the split planner: any UTF-8 input parses into blocks that
//! tile it exactly, and split planning never panics, loses no byte, cuts only at
//! block boundaries (or between the top-level items of a list) and stays within
//! budget unless it reports an oversize block.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run model --fuzz-dir fuzz -- -max_total_time=600`
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use replan::config::Config;
use replan::model::{count_lines, Document, Source};
use replan::split::{self, SplitOptions};
use replan::tokens::Encoding;

static RULES: LazyLock<Config> = LazyLock::new(Config::builtin);

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the budget (the high bits of the first, the
    // sliver floor); the rest is the document.
    let (max_lines, max_tokens, floor, bytes) = match data {
        [a, b, rest @ ..] => (
            3 + usize::from(*a % 64),
            70 + 8 * usize::from(*b),
            f64::from(*a / 64) * 0.2,
            rest,
        ),
        _ => (200, 4000, 0.25, data),
    };
    let Ok(source) = Source::from_bytes(std::path::Path::new("fuzz.md"), bytes.to_vec()) else {
        return;
    };
    let text = source.text.clone();
    let doc = Document::parse(source);
    let mut at = 0;
    for b in &doc.blocks {
        assert_eq!(b.span().start, at, "blocks do not tile at line {}", b.line());
        assert!(!b.span().is_empty(), "empty block at line {}", b.line());
        at = b.span().end;
    }
    assert_eq!(at, text.len(), "blocks do not reach the end");
    for h in &doc.headings {
        assert!((1..=6).contains(&h.level));
    }
    for l in &doc.links {
        if let Some(d) = &l.dest {
            assert!(text.get(d.clone()).is_some(), "link destination off a char boundary");
        }
    }
    let cfg = &*RULES;
    let opts = SplitOptions {
        max_lines,
        max_tokens,
        encoding: Encoding::O200kBase,
        slug_max: 50,
        floor,
    };
    let p = split::plan(&doc, &cfg.headings, &cfg.environments, &opts, "fuzz");
    assert!(p.reassemble(&doc) == text, "parts do not reassemble the input");
    let starts: Vec<usize> = doc.blocks.iter().map(|b| b.span().start).collect();
    for part in &p.parts {
        let in_list = doc.blocks.iter().any(|b| {
            b.kind == replan::model::BlockKind::List
                && b.span().start < part.span.start
                && part.span.start < b.span().end
        });
        assert!(
            starts.binary_search(&part.span.start).is_ok() || in_list,
            "{} starts inside a block",
            part.name
        );
        assert_eq!(part.lines, count_lines(&part.contents(&doc)), "{}", part.name);
        let over = part.lines > max_lines || part.tokens > max_tokens;
        assert!(
            !over || p.oversize.iter().any(|o| o.part == part.name),
            "{} over budget ({} lines / {} tokens, budget {max_lines} / {max_tokens}) without a report",
            part.name,
            part.lines,
            part.tokens
        );
    }
});
