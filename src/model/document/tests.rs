//! Unit tests of the lossless document model.

use super::*;

fn concat(doc: &Document) -> String {
    doc.blocks.iter().map(|b| doc.slice(b.span())).collect()
}

#[test]
fn blocks_tile_and_skip_fenced_headings() {
    let text = "# Title\n\nPara\n\n```bash\n# not a heading\n```\n\n## Two\ntext\n";
    let doc = Document::from_text("t.md", text);
    assert_eq!(concat(&doc), text);
    let levels: Vec<_> = doc
        .top_headings()
        .map(|(_, h)| (h.level, h.text().to_string()))
        .collect();
    assert_eq!(levels, vec![(1, "Title".into()), (2, "Two".into())]);
    assert!(doc.unclosed_fences().next().is_none());
}

#[test]
fn front_matter_bom_crlf_setext() {
    let text = "\u{feff}---\r\ntitle: x\r\n---\r\nIntro\r\n=====\r\n\r\ntext\r\n";
    let doc = Document::from_text("t.md", text);
    assert_eq!(concat(&doc), text);
    assert_eq!(doc.blocks[0].kind, BlockKind::FrontMatter);
    let h = &doc.headings[0];
    assert_eq!(
        (h.level, h.setext, h.line(), h.text()),
        (1, true, 4, "Intro")
    );
    assert_eq!(h.block(), Some(1));
}

#[test]
fn unclosed_fence_found() {
    let doc = Document::from_text("t.md", "# A\n\n```\ncode\n## hidden\n");
    assert_eq!(doc.unclosed_fences().count(), 1);
    assert_eq!(doc.top_headings().count(), 1);
}

#[test]
fn link_destinations_are_located() {
    let text = "See [a](other.md#x) and ![i](<img.png>).\n";
    let doc = Document::from_text("t.md", text);
    let dests: Vec<_> = doc
        .links
        .iter()
        .map(|l| &text[l.dest.clone().unwrap()])
        .collect();
    assert_eq!(dests, vec!["other.md#x", "img.png"]);
}

#[test]
fn footnote_definitions_stay_in_their_list() {
    let text = "- a\n\n  [^1]: note\n- b\n\n[^1]\n\n# H\n";
    let doc = Document::from_text("t.md", text);
    assert_eq!(concat(&doc), text);
    assert_eq!(doc.blocks[0].kind, BlockKind::List);
}

#[test]
fn lone_cr_and_empty() {
    for text in ["", "\n\n", "a\rb\r# c\r", "no heading"] {
        let doc = Document::from_text("t.md", text);
        assert_eq!(concat(&doc), text);
    }
}

/// Everything the model holds of a parse, as text, to compare two parses.
fn model_of(doc: &Document) -> String {
    format!("{:?}\n{:?}\n{:?}", doc.blocks, doc.headings, doc.links)
}

/// A parse in small windows gives what one parse of the whole text gives.
fn same_in_windows(path: &str, text: &str) {
    let whole = Document::parse_in_windows(
        Source::new(std::path::Path::new(path), text.to_string()),
        usize::MAX,
    );
    for window in [1, 40, 300, 4096] {
        let parts = Document::parse_in_windows(
            Source::new(std::path::Path::new(path), text.to_string()),
            window,
        );
        assert_eq!(
            model_of(&parts),
            model_of(&whole),
            "{path}: window {window}"
        );
    }
}

#[test]
fn windows_give_the_whole_parse() {
    // Cuts after lists, quotes, tables, HTML, setext headings and fences that
    // hold `#` lines; duplicate headings (anchors count across windows); a BOM
    // with front matter; CRLF; no heading at all; a reference definition (the
    // text is then parsed whole).
    let cases = [
        "# A\n\n- one\n- two\n# B\n> quote\n# B\n| a | b |\n|---|---|\n| 1 | 2 |\n# C\n",
        "# A\n\n```bash\n# not a heading\n\n# nor this\n```\n\n## A\n\ntext [l](x.md#a)\n\n## A\n",
        "<!-- comment\n# inside html\n-->\n# After\n\nPara\n===\n\n# Last\n",
        "\u{feff}---\ntitle: x\n---\n# One\r\n\r\n* item\r\n\r\n  more\r\n# Two\r\n",
        "no heading at all\n\njust text\n\n- and\n- a list\n",
        "# A\n\nSee [ref] and [^1].\n\n# B\n\n[ref]: a.md\n[^1]: note\n",
        "# A\n    # indented code\n\n1. x\n# B\n~~~\n# in tilde fence\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        same_in_windows(&format!("case-{i}.md"), text);
    }
}

#[test]
fn windows_give_the_whole_parse_on_samples_and_the_corpus() {
    // The samples are the project's own; the corpus (others' real trees) is
    // read where it is, when it is there.
    let mut roots = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")];
    let corpus = std::path::Path::new("/work/shared/corpus/plans");
    if corpus.is_dir() {
        roots.push(corpus.to_path_buf());
    }
    let mut seen = 0;
    for root in roots {
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "md") {
                    let Ok(text) = std::fs::read_to_string(&p) else {
                        continue;
                    };
                    same_in_windows(&p.display().to_string(), &text);
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 10, "only {seen} files read");
}

/// Every block of every file of a tree is held at once: a block stays small
/// (a code block's facts are boxed; inline they made every block 72 bytes).
#[test]
fn a_block_is_small() {
    assert!(
        std::mem::size_of::<Block>() <= 48,
        "{}",
        std::mem::size_of::<Block>()
    );
}

#[test]
fn a_block_takes_32_bytes() {
    // Every block of every file of a tree is held at once: 48 bytes with
    // `usize` offsets and lines, 32 with the 32-bit ones.
    assert_eq!(std::mem::size_of::<Block>(), 32);
}

#[test]
fn a_heading_keeps_its_text_and_anchor_apart_in_one_string() {
    let h = Heading::new(2, false, "Phase 4.7: Nonprod", "phase-47-nonprod", 12, None);
    assert_eq!(
        (h.text(), h.anchor(), h.line(), h.block()),
        ("Phase 4.7: Nonprod", "phase-47-nonprod", 12, None)
    );
    let h = Heading::new(1, true, "", "", 1, Some(0));
    assert_eq!((h.text(), h.anchor(), h.block()), ("", "", Some(0)));
    // Every heading of a tree is held at once: 80 bytes and two strings before.
    assert_eq!(std::mem::size_of::<Heading>(), 32);
}
