//! Unit tests of the lossless document model.

use super::*;

fn concat(doc: &Document) -> String {
    doc.blocks
        .iter()
        .map(|b| doc.slice(b.span.clone()))
        .collect()
}

#[test]
fn blocks_tile_and_skip_fenced_headings() {
    let text = "# Title\n\nPara\n\n```bash\n# not a heading\n```\n\n## Two\ntext\n";
    let doc = Document::from_text("t.md", text);
    assert_eq!(concat(&doc), text);
    let levels: Vec<_> = doc
        .top_headings()
        .map(|(_, h)| (h.level, h.text.clone()))
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
        (h.level, h.setext, h.line, h.text.as_str()),
        (1, true, 4, "Intro")
    );
    assert_eq!(h.block, Some(1));
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
