//! Where comrak puts the blocks, headings and links of a text, found one window
//! at a time so that comrak's tree (about eight bytes per byte of text) is never
//! held for more than a window of a big file.
//!
//! Why a window gives what one parse of the whole text gives: block parsing reads
//! lines in order, and a top-level ATX heading closes every open block before it
//! (a heading is one line; no later line changes it or what came before). So the
//! blocks before a top-level ATX heading, and their inlines, are the same whether
//! the text ends a window later or at the end of the file, and the parse from
//! that heading on starts as a fresh document would. A window is therefore
//! parsed, everything before its last top-level ATX heading kept, and the next
//! window starts at that heading. Two things reach across the whole text:
//! link reference definitions and footnote definitions (`[x]: …`, `[^x]: …`);
//! a text with `]:` anywhere is parsed in one go.

use comrak::nodes::NodeValue;
use comrak::Arena;

use super::{comrak_options, inline_text, kind_of, locate_dest, BlockKind, Link, Source};

/// How many bytes comrak is given at a time: a text under it is parsed whole.
pub(super) const WINDOW: usize = 1 << 20;

/// A heading as located, before its anchor (which depends on the headings
/// before it) and its block index (which depends on the tiling) are known.
pub(super) struct Found {
    pub level: u8,
    pub setext: bool,
    pub text: String,
    /// 1-based line in the whole text.
    pub line: usize,
    /// A child of the document (a top-level block).
    pub top: bool,
}

/// What the parse located, in lines of the whole text, in text order.
#[derive(Default)]
pub(super) struct Located {
    /// (first line, last line, kind) of each top-level block.
    pub raw: Vec<(usize, usize, BlockKind)>,
    pub headings: Vec<Found>,
    pub links: Vec<Link>,
}

/// Locate everything in `source.text[body_start..]`, whose first line is line
/// `fm_lines + 1`, giving comrak about `window` bytes at a time.
pub(super) fn all(source: &Source, body_start: usize, fm_lines: usize, window: usize) -> Located {
    let text = &source.text;
    let mut out = Located::default();
    if text.len() - body_start <= window || text[body_start..].contains("]:") {
        parse(source, body_start, text.len(), fm_lines, None, &mut out);
        return out;
    }
    let (mut start, mut first_line) = (body_start, fm_lines + 1);
    let mut size = window;
    loop {
        // The window ends at a line start, or at the end of the text.
        let want = start.saturating_add(size);
        let end = if want >= text.len() {
            text.len()
        } else {
            source.line_start(source.line_of(want) + 1).max(start)
        };
        if end >= text.len() {
            parse(source, start, text.len(), first_line - 1, None, &mut out);
            return out;
        }
        let mut part = Located::default();
        let cut = parse(
            source,
            start,
            end,
            first_line - 1,
            Some(first_line),
            &mut part,
        );
        match cut {
            Some(line) => {
                keep_before(&mut out, part, line);
                start = source.line_start(line);
                first_line = line;
                size = window;
            }
            // No top-level ATX heading after the window's first line: a wider
            // window (in the end, the rest of the text in one go).
            None => size = size.saturating_mul(2),
        }
    }
}

/// Move what `part` located before line `cut` into `out`.
fn keep_before(out: &mut Located, part: Located, cut: usize) {
    out.raw.extend(part.raw.into_iter().filter(|r| r.0 < cut));
    out.headings
        .extend(part.headings.into_iter().filter(|h| h.line < cut));
    out.links
        .extend(part.links.into_iter().filter(|l| l.line < cut));
}

/// Parse `source.text[start..end]`, whose line 1 is line `line_offset + 1`,
/// into `out`. With `after`, return the line of the last top-level ATX heading
/// that starts after line `after` (where the next window may start), if any.
fn parse(
    source: &Source,
    start: usize,
    end: usize,
    line_offset: usize,
    after: Option<usize>,
    out: &mut Located,
) -> Option<usize> {
    let arena = Arena::new();
    let options = comrak_options();
    let root = comrak::parse_document(&arena, &source.text[start..end], &options);
    let mut cut = None;
    for node in root.children() {
        let data = node.data();
        let sp = data.sourcepos;
        if sp.start.line == 0 {
            continue;
        }
        let kind = kind_of(&data.value);
        let line = sp.start.line + line_offset;
        if matches!(kind, BlockKind::Heading { setext: false, .. })
            && after.is_some_and(|a| line > a)
        {
            cut = Some(line);
        }
        out.raw
            .push((line, sp.end.line.max(sp.start.line) + line_offset, kind));
    }
    for node in root.descendants() {
        let data = node.data();
        match &data.value {
            NodeValue::Heading(h) => out.headings.push(Found {
                level: h.level,
                setext: h.setext,
                text: inline_text(node),
                line: data.sourcepos.start.line + line_offset,
                top: node.parent().is_some_and(|p| p.same_node(root)),
            }),
            NodeValue::Link(l) | NodeValue::Image(l) => {
                let line = data.sourcepos.start.line + line_offset;
                let column = data.sourcepos.start.column;
                out.links.push(Link {
                    url: l.url.clone(),
                    dest: locate_dest(
                        source,
                        line,
                        column,
                        data.sourcepos.end,
                        line_offset,
                        &l.url,
                    ),
                    line,
                    column,
                    image: matches!(data.value, NodeValue::Image(_)),
                });
            }
            _ => {}
        }
    }
    cut
}
