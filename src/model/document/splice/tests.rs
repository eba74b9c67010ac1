//! A spliced parse is the fresh parse of the new text: checked on the sample
//! plans with a card put in after every top-level heading and in place of a
//! first paragraph, and on generated texts with lines replaced anywhere.

use proptest::prelude::*;

use super::*;
use std::path::Path;

const CARD: &str = "<!-- replan:card -->\n- **Phase:** 4.7 Wire [it](x.md)\n- **Next:** [b](b.md)\n<!-- /replan:card -->\n\n";

/// `text` with `text[r]` replaced by `insert`, spliced and parsed fresh;
/// whether the splice was made (not parsed whole).
fn check(text: &str, r: Range<usize>, insert: &str) -> bool {
    let old = Document::from_text("t.md", text);
    let new = format!("{}{insert}{}", &text[..r.start], &text[r.end..]);
    let source = Source::new(Path::new("t.md"), new.clone());
    let pieces = [
        Piece::Lines(&old, 0..r.start),
        Piece::Text(insert),
        Piece::Lines(&old, r.end..text.len()),
    ];
    let fast = locate(&source, &pieces).is_some();
    let spliced = old.splice(new.clone(), r.clone(), insert.len());
    let fresh = Document::from_text("t.md", &new);
    assert!(same(&spliced, &fresh), "{r:?} {insert:?} in {text:?}");
    fast
}

fn samples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pcc/.claude/plans");
    let out: Vec<String> = walk(&dir)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(out.len() > 3, "{}", out.len());
    out
}

/// A card after every top-level heading of every sample plan: spliced (the
/// samples have no reference definitions) and equal to a fresh parse.
#[test]
fn cards_after_headings_splice_like_a_fresh_parse() {
    let (mut made, mut tried) = (0, 0);
    for text in samples() {
        let doc = Document::from_text("t.md", &text);
        for (b, _) in doc.top_headings() {
            let at = doc.source.line_start(doc.blocks[b].end_line() + 1);
            if at == 0 || !text[..at].ends_with('\n') {
                continue;
            }
            tried += 1;
            made += usize::from(check(&text, at..at, CARD));
        }
    }
    assert!(tried > 20, "{tried}");
    // Texts with `]:` anywhere are parsed whole; the rest splice.
    assert!(made * 2 > tried, "{made} of {tried}");
}

/// Every run of sections of every sample plan from one top-level heading to
/// another (or the end), alone and after a continuation line: located from
/// the plan's parse, equal to a fresh parse.
#[test]
fn sections_taken_out_locate_like_a_fresh_parse() {
    let cont = "*Continued from [A](a.md) (part 2 of 3).* <!-- replan:continuation -->\n\n";
    let (mut made, mut tried) = (0, 0);
    for text in samples() {
        let doc = Document::from_text("t.md", &text);
        let mut cuts: Vec<usize> = doc
            .top_headings()
            .map(|(b, _)| doc.blocks[b].span().start)
            .collect();
        cuts.push(text.len());
        for w in cuts.windows(2).chain(
            cuts.windows(3)
                .map(|w| [w[0], w[2]])
                .collect::<Vec<_>>()
                .iter()
                .map(|w| &w[..]),
        ) {
            let span = w[0]..w[w.len() - 1];
            for prefix in ["", cont] {
                let new = format!("{prefix}{}", &text[span.clone()]);
                let source = Source::new(Path::new("p.md"), new.clone());
                let pieces = [Piece::Text(prefix), Piece::Lines(&doc, span.clone())];
                tried += 1;
                made += usize::from(locate(&source, &pieces).is_some());
                if let Some(found) = locate(&source, &pieces) {
                    let a = Document::assemble(source.clone(), found);
                    let b = Document::from_text("p.md", &new);
                    if !same(&a, &b) {
                        eprintln!(
                            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                            a.blocks, b.blocks, a.headings, b.headings, a.links, b.links
                        );
                    }
                }
                let got = doc.excerpt(source, prefix.len(), span.clone());
                assert!(
                    same(&got, &Document::from_text("p.md", &new)),
                    "{span:?} {prefix:?}"
                );
            }
        }
    }
    assert!(tried > 40, "{tried}");
    assert!(made * 10 > tried * 9, "{made} of {tried}");
}

/// A card in place of a continuation line and its blank line, and of lines
/// that leave something open (a list item, a fence): equal either way.
#[test]
fn replacing_lines_equals_a_fresh_parse() {
    let cont = "*Continued from [A](a.md) (part 2 of 3).* <!-- replan:continuation -->\n\nbody\n\n## H\n\n- x\n";
    assert!(check(cont, 0..cont.find("body").unwrap(), CARD));
    let list = "- a\n- b\n\n  more\n# H\n";
    check(list, 8..9, CARD);
    let fence = "```\ncode\n# not\n```\n\ntext\n";
    check(fence, 4..9, CARD);
    check(fence, 0..4, "para\n");
    let setext = "para\n\n---\ntext\n===\n";
    check(setext, 6..10, "para\n");
    check(setext, 6..6, "x\n");
    let crlf = "# A\r\n\r\ntext\r\n";
    assert!(check(crlf, 5..5, "<!-- c -->\r\n\r\n"));
    check(crlf, 4..5, "x\n");
    let refs = "# A\n\n[x]\n\n[x]: y.md\n";
    assert!(
        !check(refs, 4..4, CARD),
        "reference definitions: parsed whole"
    );
    let fm = "---\na: b\n---\n# A\ntext\n";
    assert!(check(fm, 13..13, CARD), "front matter where it was");
    assert!(!check(fm, 0..4, "x\n"), "front matter no more");
}

/// Lines a generated text is made of: blocks that close and blocks that stay
/// open, lazy lines, underlines, fences, HTML, links.
const LINES: &[&str] = &[
    "# Heading\n",
    "## Heading\n",
    "text [l](a.md#x) more\n",
    "\n",
    "- item\n",
    "  indented\n",
    "    code\n",
    "1. one\n",
    "```\n",
    "~~~md\n",
    "---\n",
    "===\n",
    "> quote\n",
    "<!-- c -->\n",
    "<div>\n",
    "| a | b |\n",
    "|---|---|\n",
    "\t- tab\n",
    "<!-- /replan:card -->\n",
    "![i](p.png)\n",
];

fn text_of(ix: &[usize]) -> String {
    ix.iter().map(|&i| LINES[i % LINES.len()]).collect()
}

/// A text of `LINES` picked by `base`, and the byte range of its `n` whole
/// lines from line `a` (both clamped to the text).
fn lines_from(base: &[usize], a: usize, n: usize) -> (String, usize, usize) {
    let lines: Vec<&str> = base.iter().map(|&i| LINES[i % LINES.len()]).collect();
    let a = a.min(lines.len());
    let b = (a + n).min(lines.len());
    let start: usize = lines[..a].iter().map(|l| l.len()).sum();
    let end: usize = start + lines[a..b].iter().map(|l| l.len()).sum::<usize>();
    (lines.concat(), start, end)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// Any whole lines replaced by any lines: the splice (or the fallback)
    /// equals a fresh parse.
    #[test]
    fn any_lines_replaced(
        base in prop::collection::vec(0usize..40, 0..30),
        ins in prop::collection::vec(0usize..40, 1..8),
        a in 0usize..31,
        n in 0usize..6,
    ) {
        let (text, start, end) = lines_from(&base, a, n);
        check(&text, start..end, &text_of(&ins));
    }

    /// Any whole lines of a text, after a continuation line or not: taken
    /// out of its parse (or parsed whole), equal to a fresh parse.
    #[test]
    fn any_lines_taken_out(
        base in prop::collection::vec(0usize..40, 0..30),
        a in 0usize..31,
        n in 0usize..31,
        cont in any::<bool>(),
    ) {
        let (text, start, end) = lines_from(&base, a, n);
        let doc = Document::from_text("t.md", &text);
        let prefix = if cont { "*Continued* <!-- replan:continuation -->\n\n" } else { "" };
        let new = format!("{prefix}{}", &text[start..end]);
        let got = doc.excerpt(Source::new(Path::new("p.md"), new.clone()), prefix.len(), start..end);
        prop_assert!(same(&got, &Document::from_text("p.md", &new)), "{:?} {start}..{end}", text);
    }
}

/// Every part of every file of the real planning folders (split as `migrate`
/// splits them), taken out of its file's parse and then given a card after
/// its first heading, equals a fresh parse; most are spliced. Skipped when the
/// corpus is absent.
#[test]
fn corpus_parts_splice_like_a_fresh_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/plans");
    if !root.is_dir() {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    }
    let cfg = crate::config::Config::builtin();
    let opts = crate::split::SplitOptions {
        max_lines: cfg.budgets.max_lines,
        max_tokens: cfg.budgets.max_tokens,
        encoding: crate::tokens::Encoding::O200kBase,
        slug_max: cfg.headings.slug_max.max(8),
        floor: cfg.budgets.floor,
    };
    let (mut made, mut tried) = (0, 0);
    for file in walk(&root) {
        let Ok(source) = Source::read(&file, &file) else {
            continue;
        };
        let doc = Document::parse(source);
        let sp = crate::split::plan(&doc, &cfg.headings, &cfg.environments, &opts, "p");
        for p in sp.parts.iter().filter(|p| p.suffix.is_empty()) {
            let text = p.contents(&doc);
            let src = Source::new(Path::new("p.md"), text.clone());
            let pieces = [Piece::Text(&p.prefix), Piece::Lines(&doc, p.span.clone())];
            tried += 1;
            made += usize::from(locate(&src, &pieces).is_some());
            let part = doc.excerpt(src, p.prefix.len(), p.span.clone());
            assert!(
                same(&part, &Document::from_text("p.md", &text)),
                "{}",
                file.display()
            );
            let first = part
                .top_headings()
                .next()
                .map(|(b, _)| part.blocks[b].end_line());
            if let Some(line) = first {
                let at = part.source.line_start(line + 1);
                if at > 0 && text[..at].ends_with('\n') {
                    check(&text, at..at, CARD);
                }
            }
        }
    }
    eprintln!("{made} of {tried} parts spliced");
    assert!(tried > 100, "{tried}");
    assert!(made * 3 > tried * 2, "{made} of {tried}");
}

/// Markdown files under a folder.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    crate::model::markdown_under(dir)
}
