//! The lossless document model: top-level blocks that tile the text exactly,
//! headings with their GitHub anchors, and links with the byte range of their
//! destination. comrak only locates; every byte we hand on is sliced from
//! [`Source::text`].

use std::ops::Range;

use comrak::nodes::{AstNode, NodeValue};
use comrak::Options;

use super::slug::AnchorSet;
use super::source::Source;

/// What a top-level block is; the split planner cuts only between blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// YAML front matter delimited by `---` lines at the top of the file.
    FrontMatter,
    /// A heading; `setext` when underlined with `=`/`-`.
    Heading {
        /// 1..=6.
        level: u8,
        /// Underlined rather than `#`-prefixed.
        setext: bool,
    },
    /// A paragraph.
    Paragraph,
    /// A bullet or ordered list.
    List,
    /// A GFM table.
    Table,
    /// A fenced or indented code block. Boxed: it is much the biggest kind,
    /// and every block of every file of a tree is held at once (a block took
    /// 72 bytes with it inline, 48 boxed; code blocks are few).
    Code(Box<CodeInfo>),
    /// An HTML block.
    Html,
    /// `---`, `***`, `___`.
    ThematicBreak,
    /// A `>` quote.
    BlockQuote,
    /// A footnote definition `[^x]: …`.
    FootnoteDefinition,
    /// Anything else, including blank text with no block at all.
    Other,
}

/// Facts about a code block that the fence checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeInfo {
    /// Fenced (rather than indented).
    pub fenced: bool,
    /// Whether a closing fence was found (always true for indented code).
    pub closed: bool,
    /// The info string (`bash`, `markdown`, …).
    pub info: String,
    /// `` ` `` or `~`.
    pub fence_char: char,
    /// Length of the opening fence.
    pub fence_len: usize,
}

/// A top-level block. Its span tiles the file: it runs from this block's first
/// line to the next block's first line, so trailing blank lines belong to it.
///
/// Offsets and line numbers are held in 32 bits (32 bytes a block, not 48):
/// every block of every file of a tree is held at once, and no text replan
/// reads reaches 4 GiB ([`Source::read`] refuses bigger files, and its line
/// starts are 32-bit already).
#[derive(Clone, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    start: u32,
    end: u32,
    line: u32,
    end_line: u32,
}

/// An offset or line number as a block holds it: saturating, as
/// [`Source`]'s line starts do (inputs over 4 GiB are refused on reading).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl std::fmt::Debug for Block {
    /// As the derived form of the fields it had (`span: a..b`), which debug
    /// comparisons and failing tests print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Block")
            .field("kind", &self.kind)
            .field("span", &self.span())
            .field("line", &self.line())
            .field("end_line", &self.end_line())
            .finish()
    }
}

impl Block {
    /// A block of `kind` over the bytes `span`, from 1-based `line` to
    /// `end_line` (the last line of its own content, before trailing blank
    /// lines).
    pub fn new(kind: BlockKind, span: Range<usize>, line: usize, end_line: usize) -> Block {
        Block {
            kind,
            start: narrow(span.start),
            end: narrow(span.end),
            line: narrow(line),
            end_line: narrow(end_line),
        }
    }

    /// Half-open byte range; consecutive blocks' spans are adjacent and cover the file.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// 1-based first line.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// 1-based last line of the block's own content (before trailing blank lines).
    pub fn end_line(&self) -> usize {
        self.end_line as usize
    }

    /// Move the block to the bytes `span` (its lines unchanged: an edit
    /// within lines, `model::shifted`).
    pub(crate) fn set_span(&mut self, span: Range<usize>) {
        self.start = narrow(span.start);
        self.end = narrow(span.end);
    }

    /// Whether the block's text is literal (code, HTML, front matter): link
    /// syntax inside it is not Markdown and must be neither read nor rewritten.
    pub fn is_literal(&self) -> bool {
        matches!(
            self.kind,
            BlockKind::Code(_) | BlockKind::Html | BlockKind::FrontMatter
        )
    }
}

/// A heading anywhere in the document (top-level ones are also blocks).
///
/// 32 bytes and one allocation (its text and anchor are one string; lines
/// and the block index 32-bit, as a [`Block`]'s): every heading of every file
/// of a tree is held at once, and a heading took 80 bytes and two strings.
#[derive(Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1..=6.
    pub level: u8,
    /// Underlined heading.
    pub setext: bool,
    /// The text, then the anchor.
    both: Box<str>,
    /// Where the anchor starts in `both`.
    split: u32,
    line: u32,
    /// The block's index, `u32::MAX` for none.
    block: u32,
}

impl Heading {
    /// A heading of `level` with the plain `text` and GitHub `anchor`, on
    /// 1-based `line`, the top-level block `block` when it is one.
    pub fn new(
        level: u8,
        setext: bool,
        text: &str,
        anchor: &str,
        line: usize,
        block: Option<usize>,
    ) -> Heading {
        let mut both = String::with_capacity(text.len() + anchor.len());
        both.push_str(text);
        both.push_str(anchor);
        Heading {
            level,
            setext,
            both: both.into_boxed_str(),
            split: narrow(text.len()),
            line: narrow(line),
            block: block.map_or(u32::MAX, narrow),
        }
    }

    /// Plain text content (what GitHub slugs).
    pub fn text(&self) -> &str {
        &self.both[..self.split as usize]
    }

    /// GitHub anchor, with -1/-2 suffixes for repeats.
    pub fn anchor(&self) -> &str {
        &self.both[self.split as usize..]
    }

    /// 1-based line of the heading.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// Index into [`Document::blocks`] when the heading is a top-level block.
    pub fn block(&self) -> Option<usize> {
        (self.block != u32::MAX).then_some(self.block as usize)
    }
}

impl std::fmt::Debug for Heading {
    /// As the derived form of the fields it had, which debug comparisons and
    /// failing tests print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heading")
            .field("level", &self.level)
            .field("setext", &self.setext)
            .field("text", &self.text())
            .field("anchor", &self.anchor())
            .field("line", &self.line())
            .field("block", &self.block())
            .finish()
    }
}

/// A link or image found in the text (inline or reference definition).
#[derive(Debug, Clone)]
pub struct Link {
    /// The destination as written.
    pub url: String,
    /// Byte range of the destination inside the source, when it could be located exactly.
    pub dest: Option<Range<usize>>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column of the link start.
    pub column: usize,
    /// Whether it is an image.
    pub image: bool,
}

/// A parsed file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The bytes and line facts.
    pub source: Source,
    /// Top-level blocks tiling the text.
    pub blocks: Vec<Block>,
    /// Every heading, in order (including ones nested in lists and quotes).
    pub headings: Vec<Heading>,
    /// Every link and image destination.
    pub links: Vec<Link>,
    /// Whether lines of it cannot be taken over by [`Document::splice`] or
    /// [`Document::excerpt`], once asked.
    unspliceable: std::sync::OnceLock<bool>,
}

/// comrak options: GFM plus footnotes, positions kept, definitions left in place.
pub fn comrak_options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.autolink = false;
    o.parse.leave_footnote_definitions = true;
    o
}

/// Lines held by front matter at the top of the text (after a BOM), if any.
/// We find it ourselves: comrak's detector accepts delimiters we would not.
fn front_matter_lines(src: &Source) -> usize {
    let first = src.line_text(1).trim_start_matches('\u{feff}');
    if first.trim_end() != "---" {
        return 0;
    }
    let total = src.line_slots();
    for line in 2..=total {
        let t = src.line_text(line).trim_end();
        if t == "---" || t == "..." {
            return line;
        }
    }
    0
}

impl Document {
    /// Parse a source. Never fails: every byte ends up in some block.
    ///
    /// A big file is parsed in windows (see [`locate`]): comrak's tree takes
    /// about eight bytes per byte of text, and held whole for a 50 MB file it
    /// was most of the run's peak memory. The result is the same as one parse.
    pub fn parse(source: Source) -> Document {
        Document::parse_in_windows(source, locate::WINDOW)
    }

    /// [`Document::parse`] with comrak given at most about `window` bytes at a
    /// time (where the text allows it); tests use small windows.
    fn parse_in_windows(source: Source, window: usize) -> Document {
        let fm_lines = front_matter_lines(&source);
        let body_start = if fm_lines > 0 {
            source.line_start(fm_lines + 1)
        } else if source.bom {
            3
        } else {
            0
        };
        let mut found = locate::all(&source, body_start, fm_lines, window);
        if fm_lines > 0 {
            found.raw.insert(0, (1, fm_lines, BlockKind::FrontMatter));
        }
        Document::assemble(source, found)
    }

    /// The document of `source` from what was located in it: blocks tiled,
    /// anchors numbered in order, headings tied to their blocks.
    fn assemble(source: Source, found: locate::Located) -> Document {
        let blocks = tile(&source, found.raw);
        let mut anchors = AnchorSet::default();
        let mut headings: Vec<Heading> = found
            .headings
            .into_iter()
            .map(|h| {
                let block = if h.top {
                    blocks.binary_search_by_key(&h.line, |b| b.line()).ok()
                } else {
                    None
                };
                let anchor = anchors.next(&h.text);
                Heading::new(h.level, h.setext, &h.text, &anchor, h.line, block)
            })
            .collect();
        let mut links = found.links;
        // Many documents stay alive together (check holds the whole tree): keep
        // no spare capacity.
        headings.shrink_to_fit();
        links.shrink_to_fit();
        Document::from_located(source, blocks, headings, links)
    }

    /// A document from blocks, headings and links already located in
    /// `source` (by [`Document::parse`], or by shifting an earlier parse,
    /// `model::shifted`): the caller vouches they are what a parse finds.
    pub(crate) fn from_located(
        source: Source,
        blocks: Vec<Block>,
        headings: Vec<Heading>,
        links: Vec<Link>,
    ) -> Document {
        Document {
            source,
            blocks,
            headings,
            links,
            unspliceable: std::sync::OnceLock::new(),
        }
    }

    /// Convenience: parse text held in memory.
    pub fn from_text(path: &str, text: &str) -> Document {
        Document::parse(Source::new(std::path::Path::new(path), text.to_string()))
    }

    /// The text of a block span.
    pub fn slice(&self, r: Range<usize>) -> &str {
        &self.source.text[r]
    }

    /// Top-level headings, with the index of their block.
    pub fn top_headings(&self) -> impl Iterator<Item = (usize, &Heading)> {
        self.headings
            .iter()
            .filter_map(|h| h.block().map(|b| (b, h)))
    }

    /// Fenced code blocks never closed before the end of the file.
    pub fn unclosed_fences(&self) -> impl Iterator<Item = &Block> {
        self.blocks
            .iter()
            .filter(|b| matches!(&b.kind, BlockKind::Code(c) if c.fenced && !c.closed))
    }
}

fn kind_of(v: &NodeValue) -> BlockKind {
    match v {
        NodeValue::FrontMatter(_) => BlockKind::FrontMatter,
        NodeValue::Heading(h) => BlockKind::Heading {
            level: h.level,
            setext: h.setext,
        },
        NodeValue::Paragraph => BlockKind::Paragraph,
        NodeValue::List(_) => BlockKind::List,
        NodeValue::Table(_) => BlockKind::Table,
        NodeValue::CodeBlock(c) => BlockKind::Code(Box::new(CodeInfo {
            fenced: c.fenced,
            closed: c.closed,
            info: c.info.clone(),
            fence_char: c.fence_char as char,
            fence_len: c.fence_length,
        })),
        NodeValue::HtmlBlock(_) => BlockKind::Html,
        NodeValue::ThematicBreak => BlockKind::ThematicBreak,
        NodeValue::BlockQuote => BlockKind::BlockQuote,
        NodeValue::FootnoteDefinition(_) => BlockKind::FootnoteDefinition,
        _ => BlockKind::Other,
    }
}

/// Turn located (first line, last line, kind) triples into blocks that tile the
/// text. Overlapping or out-of-order positions (comrak has moved footnote
/// definitions before) are merged, so a cut can never fall inside a block.
fn tile(source: &Source, mut raw: Vec<(usize, usize, BlockKind)>) -> Vec<Block> {
    let len = source.text.len();
    raw.sort_by_key(|r| r.0);
    let mut merged: Vec<(usize, usize, BlockKind)> = Vec::new();
    for (start, end, kind) in raw {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end, kind)),
        }
    }
    let mut blocks: Vec<Block> = Vec::with_capacity(merged.len());
    for (i, (start, end, kind)) in merged.iter().enumerate() {
        let from = if i == 0 { 0 } else { source.line_start(*start) };
        let to = match merged.get(i + 1) {
            Some(next) => source.line_start(next.0),
            None => len,
        };
        if to <= from {
            continue;
        }
        blocks.push(Block::new(kind.clone(), from..to, *start, *end));
    }
    if blocks.is_empty() && len > 0 {
        blocks.push(Block::new(
            BlockKind::Other,
            0..len,
            1,
            source.line_count().max(1),
        ));
    }
    blocks
}

/// Text content of a node's inlines, as GitHub uses for anchors.
pub fn inline_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Find the destination's bytes on the link's own lines: the first occurrence of the
/// URL after `](`, or after `]:` for definitions. `None` when it cannot be pinned
/// exactly (e.g. escapes or entities inside the URL): such links are never rewritten.
fn locate_dest(
    source: &Source,
    line: usize,
    column: usize,
    end: comrak::nodes::LineColumn,
    line_offset: usize,
    url: &str,
) -> Option<Range<usize>> {
    if url.is_empty() {
        return None;
    }
    let start = source.line_start(line) + column.saturating_sub(1);
    let end_line = end.line + line_offset;
    let stop = source
        .line_start(end_line + 1)
        .max(start)
        .min(source.text.len());
    let hay = source.text.get(start..stop)?;
    let open = hay.find("](")?;
    let after = open + 2;
    let rest = &hay[after..];
    let skip = rest.len() - rest.trim_start().len();
    let rest = rest.trim_start();
    let (lead, body) = if let Some(b) = rest.strip_prefix('<') {
        (1, b)
    } else {
        (0, rest)
    };
    if body.starts_with(url) {
        let s = start + after + skip + lead;
        Some(s..s + url.len())
    } else {
        None
    }
}

mod locate;
mod splice;

#[cfg(test)]
mod tests;
