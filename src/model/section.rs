//! Sections: a top-level heading and everything up to the next heading of the
//! same or a higher level. Derived from blocks, so they inherit exact spans.

use std::ops::Range;

use super::document::{BlockKind, Document, Heading};

/// A heading's section.
#[derive(Debug, Clone)]
pub struct Section {
    /// Index into [`Document::headings`].
    pub heading: usize,
    /// Index of the heading block.
    pub block: usize,
    /// Heading level.
    pub level: u8,
    /// Blocks `block..end_block` belong to it.
    pub end_block: usize,
    /// Byte span of the whole section.
    pub span: Range<usize>,
}

impl Document {
    /// Every top-level heading's section, in document order.
    pub fn sections(&self) -> Vec<Section> {
        let tops: Vec<(usize, usize, u8)> = self
            .headings
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.block().map(|b| (i, b, h.level)))
            .collect();
        let mut out = Vec::with_capacity(tops.len());
        for (k, &(heading, block, level)) in tops.iter().enumerate() {
            let end_block = tops[k + 1..]
                .iter()
                .find(|t| t.2 <= level)
                .map(|t| t.1)
                .unwrap_or(self.blocks.len());
            let start = self.blocks[block].span().start;
            let end = self
                .blocks
                .get(end_block)
                .map(|b| b.span().start)
                .unwrap_or(self.source.text.len());
            out.push(Section {
                heading,
                block,
                level,
                end_block,
                span: start..end,
            });
        }
        out
    }

    /// The heading of a top-level heading block, found by its line (headings
    /// are in text order): a scan per block would be quadratic in headings.
    pub fn heading_of_block(&self, block: usize) -> Option<&Heading> {
        let line = self.blocks.get(block)?.line();
        let i = self.headings.partition_point(|h| h.line() < line);
        self.headings[i..]
            .iter()
            .take_while(|h| h.line() == line)
            .find(|h| h.block() == Some(block))
    }

    /// Level of the block if it is a heading.
    pub fn heading_level(&self, block: usize) -> Option<u8> {
        match self.blocks.get(block)?.kind {
            BlockKind::Heading { level, .. } => Some(level),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Document;

    #[test]
    fn sections_nest() {
        let doc = Document::from_text("t.md", "# A\nx\n## B\ny\n## C\n# D\n");
        let s = doc.sections();
        let spans: Vec<_> = s.iter().map(|s| doc.slice(s.span.clone())).collect();
        assert_eq!(
            spans,
            vec!["# A\nx\n## B\ny\n## C\n", "## B\ny\n", "## C\n", "# D\n"]
        );
    }

    #[test]
    fn a_heading_block_finds_its_heading_and_nothing_else_does() {
        let doc = Document::from_text("t.md", "# A\n\n> ## Quoted\n\npara\n\n## B\n");
        let found: Vec<Option<&str>> = (0..doc.blocks.len())
            .map(|b| doc.heading_of_block(b).map(|h| h.text()))
            .collect();
        assert_eq!(found, vec![Some("A"), None, None, Some("B")]);
        assert!(doc.heading_of_block(99).is_none());
    }
}
