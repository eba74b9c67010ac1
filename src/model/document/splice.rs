//! The parse of a text made of whole lines of texts already parsed and a few
//! new lines (a part cut from its original with its continuation line; a task
//! card put in after a part's heading, or in place of that line), without
//! parsing it again: the blocks, headings and links of the lines taken over
//! are their parse's, moved to where they now are; only the new lines are
//! parsed.
//!
//! Why that gives what one parse of the new text gives (the argument of
//! [`super::locate`]'s windows): block parsing reads lines in order. The
//! first line of a top-level block was read where no block was open, so it
//! and the lines after it parse alike wherever the text before leaves none
//! open; a top-level block that is *closed* at its last line (a heading, a
//! paragraph followed by a blank line, a closed fence, a one-line HTML
//! comment, front matter) leaves none open, and no line after it changes it.
//! So lines taken over must follow such a block (or start the text), and end
//! with one unless they end the new text as they ended their own; where they
//! do not, their blocks after the last closed one are parsed anew with them.
//! Link reference and footnote definitions reach across the whole text: a
//! text with `]:` anywhere is parsed whole, as is one with a byte-order mark;
//! front matter only where it was. Whatever the conditions do not cover is
//! parsed whole; debug builds compare every splice with a fresh parse.

use std::ops::Range;

use super::locate::{Found, Located};
use super::{front_matter_lines, Block, BlockKind, Document, Source};

/// A run of the new text: whole lines of a parsed text, or new text.
enum Piece<'a> {
    /// The bytes (whole lines) of a document, located as its parse has them.
    Lines(&'a Document, Range<usize>),
    /// Text parsed on its own (a few lines).
    Text(&'a str),
}

impl Document {
    /// The parse of `new`: this document's text with the bytes `replaced`
    /// (whole lines) replaced by `new[replaced.start..replaced.start +
    /// inserted]`, spliced from this parse where the text allows it (see the
    /// module doc), else parsed whole. The same document as
    /// [`Document::parse`] of `new`. A [`Text`](crate::model::Text) is
    /// shared, not copied: a carded part's text is held once, by its parse
    /// and its op alike.
    pub fn splice(
        &self,
        new: impl Into<crate::model::Text>,
        replaced: Range<usize>,
        inserted: usize,
    ) -> Document {
        let source = Source::shared(&self.source.path, new.into());
        let ins_end = replaced.start.saturating_add(inserted);
        let fits = replaced.start <= replaced.end
            && source.text.get(..replaced.start) == self.source.text.get(..replaced.start)
            && source.text.get(ins_end..) == self.source.text.get(replaced.end..);
        let found = match source.text.get(replaced.start..ins_end) {
            Some(insert) if fits => {
                let len = self.source.text.len();
                locate(
                    &source,
                    &[
                        Piece::Lines(self, 0..replaced.start),
                        Piece::Text(insert),
                        Piece::Lines(self, replaced.end..len),
                    ],
                )
            }
            _ => None,
        };
        Document::checked(source, found)
    }

    /// The parse of `source`, whose text is `prefix` bytes of new text (a
    /// continuation line) followed by this document's bytes `span` (whole
    /// lines): located from this parse where the text allows it (see the
    /// module doc), else parsed whole. The same document as
    /// [`Document::parse`] of `source`.
    pub fn excerpt(&self, source: Source, prefix: usize, span: Range<usize>) -> Document {
        let fits = source.text.get(prefix..) == self.source.text.get(span.clone());
        let found = match source.text.get(..prefix) {
            Some(head) if fits => locate(&source, &[Piece::Text(head), Piece::Lines(self, span)]),
            _ => None,
        };
        Document::checked(source, found)
    }

    /// The document of what was located by pieces, or of a fresh parse.
    fn checked(source: Source, found: Option<Located>) -> Document {
        match found {
            Some(found) => {
                let doc = Document::assemble(source, found);
                debug_assert!(
                    same(&doc, &Document::parse(doc.source.clone())),
                    "{}: a spliced parse differs from a fresh one",
                    doc.source.path.display()
                );
                doc
            }
            None => Document::parse(source),
        }
    }

    /// Whether lines of this parse cannot be taken over, found once: its
    /// text holds `]:` (a link reference or footnote definition, read across
    /// the whole text), or its blocks, headings or links are out of line
    /// order (those of a run of lines are found by binary search).
    fn unspliceable(&self) -> bool {
        *self.unspliceable.get_or_init(|| {
            self.source.text.contains("]:")
                || !self.blocks.is_sorted_by_key(|b| b.line)
                || !self.headings.is_sorted_by_key(|h| h.line)
                || !self.links.is_sorted_by_key(|l| l.line)
        })
    }
}

/// What one parse of `new` would locate, made of `pieces` (which make up its
/// text, in order); `None` where the module doc's conditions do not hold.
fn locate(new: &Source, pieces: &[Piece]) -> Option<Located> {
    if new.bom {
        return None;
    }
    let tail;
    let pieces = match pieces.split_last() {
        Some((Piece::Lines(doc, bytes), head)) => match tail_start(doc, bytes) {
            Some(t) => {
                tail = [
                    Piece::Lines(doc, bytes.start..t),
                    Piece::Text(&doc.source.text[t..bytes.end]),
                ];
                head.iter().chain(&tail).collect::<Vec<_>>()
            }
            None => pieces.iter().collect(),
        },
        _ => pieces.iter().collect(),
    };
    let mut out = Located::default();
    // Where the current piece starts in the new text, and whether the text
    // before it leaves no block open.
    let (mut at, mut fresh) = (0usize, true);
    let fm = front_matter_lines(new);
    for (k, piece) in pieces.iter().enumerate() {
        let last = k + 1 == pieces.len();
        let (len, tail_closed) = match piece {
            Piece::Text("") => (0, fresh),
            _ if !is_line_start(new, at) => return None,
            // Blank lines: no block (a blank text alone is one, see `tile`).
            Piece::Text(text) if blank(text) => {
                if !(last || text.ends_with(['\n', '\r'])) {
                    return None;
                }
                (text.len(), fresh)
            }
            Piece::Text(text) => {
                let alone = Document::parse(Source::new(&new.path, (*text).to_string()));
                if !fresh
                    || text.contains("]:")
                    || alone.unspliceable()
                    || alone.source.bom
                    || front_matter_lines(&alone.source) > 0
                    || !(last || text.ends_with(['\n', '\r']))
                {
                    return None;
                }
                let limit = alone.source.line_count() + 1;
                let closed_end = alone
                    .blocks
                    .last()
                    .map_or(fresh, |b| closed(&alone.source, b, limit));
                take(&mut out, &alone, 0..text.len(), at, new);
                (text.len(), closed_end)
            }
            Piece::Lines(doc, bytes) => {
                if bytes.is_empty() {
                    (0, fresh)
                } else {
                    let src = &doc.source;
                    if doc.unspliceable()
                        || blank(&src.text)
                        || src.bom
                        || !is_line_start(src, bytes.start)
                        || !is_line_start(src, bytes.end)
                    {
                        return None;
                    }
                    let (first, past) = (line_at(src, bytes.start), line_at(src, bytes.end));
                    let inside = within(&doc.blocks, |b| b.line(), first, past);
                    let before = doc.blocks.partition_point(|b| b.line() < first);
                    let prev = before.checked_sub(1).map(|i| &doc.blocks[i]);
                    // Every block wholly before, inside or after the lines.
                    if prev.is_some_and(|b| b.end_line() >= first)
                        || inside.last().is_some_and(|b| b.end_line() >= past)
                    {
                        return None;
                    }
                    // Front matter is front matter only at the top, where it was.
                    let has_fm = inside
                        .first()
                        .is_some_and(|b| b.kind == BlockKind::FrontMatter);
                    if has_fm != (at == 0 && fm > 0) {
                        return None;
                    }
                    // Their first block is a top-level block of their text:
                    // its first line was read where no block was open, as it
                    // is here (the text before leaves none open).
                    if !fresh {
                        return None;
                    }
                    let closed_end = inside.last().map_or(fresh, |b| closed(src, b, past));
                    // A last block left open is closed by the end of the new
                    // text as it was by the end of its own.
                    if !(closed_end || last && bytes.end == src.text.len()) {
                        return None;
                    }
                    take(&mut out, doc, bytes.clone(), at, new);
                    (bytes.len(), closed_end)
                }
            }
        };
        at += len;
        fresh = tail_closed;
    }
    (at == new.text.len()
        && (fm == 0
            || out
                .raw
                .first()
                .is_some_and(|r| r.2 == BlockKind::FrontMatter)))
    .then_some(out)
}

/// Where the last of `doc`'s bytes `bytes` to be parsed anew starts, when
/// they end before the text does and their last block is not closed (comrak
/// ends a thematic break at the end of the text on the blank line after it,
/// elsewhere on its own line; an open block could take in what followed): the
/// blocks after the last one that is.
fn tail_start(doc: &Document, bytes: &Range<usize>) -> Option<usize> {
    let src = &doc.source;
    if bytes.is_empty()
        || bytes.end >= src.text.len()
        || !is_line_start(src, bytes.end)
        || doc.unspliceable()
    {
        return None;
    }
    let (first, past) = (line_at(src, bytes.start), line_at(src, bytes.end));
    let inside = within(&doc.blocks, |b| b.line(), first, past);
    let last = inside.last()?;
    if closed(src, last, past) {
        return None;
    }
    // From the block after the last one that closes (the text before it then
    // leaves none open), or all of them.
    let from = inside
        .windows(2)
        .rposition(|w| closed(src, &w[0], w[1].line()))
        .map_or(&inside[0], |i| &inside[i + 1]);
    Some(src.line_start(from.line()))
}

/// The items of `items` (in line order) on lines `first..past`.
fn within<T>(items: &[T], line: impl Fn(&T) -> usize, first: usize, past: usize) -> &[T] {
    let a = items.partition_point(|x| line(x) < first);
    let b = items.partition_point(|x| line(x) < past).max(a);
    &items[a..b]
}

/// Add what `doc` located in its bytes `bytes` (whole lines) to `out`, moved to
/// byte `at` of `new`.
fn take(out: &mut Located, doc: &Document, bytes: Range<usize>, at: usize, new: &Source) {
    let src = &doc.source;
    let (first, past) = (line_at(src, bytes.start), line_at(src, bytes.end));
    let to_line = |l: usize| l - first + new.line_of(at);
    let to_byte = |o: usize| o - bytes.start + at;
    for b in within(&doc.blocks, |b| b.line(), first, past) {
        out.raw
            .push((to_line(b.line()), to_line(b.end_line()), b.kind.clone()));
    }
    for h in within(&doc.headings, |h| h.line(), first, past) {
        out.headings.push(Found {
            level: h.level,
            setext: h.setext,
            text: h.text().to_string(),
            line: to_line(h.line()),
            top: h.block().is_some(),
        });
    }
    for l in within(&doc.links, |l| l.line, first, past) {
        let mut l = l.clone();
        l.line = to_line(l.line);
        l.dest = l.dest.map(|d| to_byte(d.start)..to_byte(d.end));
        out.links.push(l);
    }
}

/// Whether byte `at` starts a line of `src` (the end of a text that ends with
/// a line break counts).
fn is_line_start(src: &Source, at: usize) -> bool {
    let b = src.text.as_bytes();
    at == 0
        || at <= b.len()
            && matches!(b[at - 1], b'\n' | b'\r')
            && !(b[at - 1] == b'\r' && b.get(at) == Some(&b'\n'))
}

/// The 1-based line starting at byte `at` (a line start); one past the last
/// line at the end of the text.
fn line_at(src: &Source, at: usize) -> usize {
    if at >= src.text.len() {
        src.line_count() + 1
    } else {
        src.line_of(at)
    }
}

/// Whether a top-level block leaves no block open after its last line, by
/// what `src` holds before line `limit`: what follows it parses as the start
/// of a document would. A paragraph needs a blank line after it there.
fn closed(src: &Source, b: &Block, limit: usize) -> bool {
    match b.kind {
        // Not a thematic break: comrak ends one at the end of the text on the
        // blank line after it, elsewhere on its own line.
        BlockKind::Heading { .. } | BlockKind::FrontMatter => true,
        BlockKind::Code(ref c) => c.fenced && c.closed,
        BlockKind::Paragraph => {
            b.end_line() + 1 < limit
                && b.end_line() < src.line_count()
                && blank(src.line_text(b.end_line() + 1))
        }
        BlockKind::Html => {
            let line = src.line_text(b.line());
            let t = line.trim_start_matches(' ');
            b.line() == b.end_line()
                && line.len() - t.len() <= 3
                && t.starts_with("<!--")
                && t[4..].contains("-->")
        }
        _ => false,
    }
}

/// Whether a text is blank lines only, as Markdown reads blank.
fn blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Whether two parses locate the same blocks, headings and links.
fn same(a: &Document, b: &Document) -> bool {
    let blocks = |d: &Document| {
        d.blocks
            .iter()
            .map(|b| (b.kind.clone(), b.span(), b.line, b.end_line))
            .collect::<Vec<_>>()
    };
    a.source.text == b.source.text
        && blocks(a) == blocks(b)
        && format!("{:?}", a.headings) == format!("{:?}", b.headings)
        && format!("{:?}", a.links) == format!("{:?}", b.links)
}

#[cfg(test)]
mod tests;
