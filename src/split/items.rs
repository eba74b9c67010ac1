//! Where the top-level items of a list start, so a list too long for one file
//! can be cut between them. comrak locates them in the list's own text; every
//! start is checked to be a line start holding a list marker, so a position
//! comrak gets wrong is dropped (the list then stays whole there), never used.

use comrak::nodes::NodeValue;
use comrak::{parse_document, Arena};

use crate::model::document::comrak_options;
use crate::model::{BlockKind, Document};

/// Byte offsets where the second and later top-level items of list block `b`
/// start, in order; empty when `b` is not a list or has one item.
pub fn starts(doc: &Document, b: usize) -> Vec<usize> {
    let Some(block) = doc.blocks.get(b) else {
        return Vec::new();
    };
    if block.kind != BlockKind::List {
        return Vec::new();
    }
    let text = &doc.source.text[block.span()];
    if text.starts_with('\u{feff}') {
        return Vec::new();
    }
    let arena = Arena::new();
    let root = parse_document(&arena, text, &comrak_options());
    let Some(list) = root
        .children()
        .find(|n| matches!(n.data().value, NodeValue::List(_)))
    else {
        return Vec::new();
    };
    let base = doc.source.line_of(block.span().start);
    let mut out = Vec::new();
    for item in list.children().skip(1) {
        let rel = item.data().sourcepos.start.line;
        if rel < 2 {
            continue;
        }
        let line = base + rel - 1;
        let at = doc.source.line_start(line);
        let marker = doc
            .source
            .line_text(line)
            .trim_start_matches([' ', '\t'])
            .starts_with(|c: char| matches!(c, '-' | '*' | '+') || c.is_ascii_digit());
        if marker
            && at > block.span().start
            && at < block.span().end
            && out.last().is_none_or(|&l| l < at)
        {
            out.push(at);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_items_only() {
        let text = "intro\n\n- a\n  - nested\n- b\n\n  more b\n- c\n\nafter\n";
        let doc = Document::from_text("t.md", text);
        let list = doc
            .blocks
            .iter()
            .position(|b| b.kind == BlockKind::List)
            .unwrap();
        let at: Vec<&str> = starts(&doc, list)
            .iter()
            .map(|&o| doc.source.line_text(doc.source.line_of(o)))
            .collect();
        assert_eq!(at, ["- b", "- c"]);
        assert!(starts(&doc, 0).is_empty(), "a paragraph has no items");
        assert!(starts(&doc, 99).is_empty());
    }

    #[test]
    fn ordered_and_crlf_lists() {
        let text = "1. one\r\n2. two\r\n\r\n3. three\r\n";
        let doc = Document::from_text("t.md", text);
        let at = starts(&doc, 0);
        assert_eq!(at, [text.find("2.").unwrap(), text.find("3.").unwrap()]);
    }
}
