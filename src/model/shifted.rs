//! The parse of a text whose only change is a few link destinations, made from
//! the parse of the text before: the same blocks, headings and links, their
//! byte positions shifted, the rewritten destinations read from the new text.
//!
//! Why: `migrate` rewrites links in most files of a tree (3,310 of a generated
//! 4,000-file tree), and parsing each rewritten text again for the check of the
//! planned tree took about as long as parsing the whole tree once.
//!
//! Only where that is sure to be the parse comrak would give: every edit
//! replaces exactly a located link destination that reads as written (no
//! escapes), old and new text alike made of characters with no Markdown
//! meaning inside a destination, outside any heading, and nothing but those
//! edits differs between the texts. Anything else is handed back, for the caller
//! to parse afresh. Debug builds (every test) compare with a fresh parse.

use std::ops::Range;

use super::document::{Block, Document, Link};
use super::source::Source;

/// The parse of `new`, which is `old`'s text with `edits` (a byte range of
/// the old text and the length of what replaced it) applied, when it can be
/// had without parsing; else `Err(new)`, to be parsed.
pub fn reparse(
    old: &Document,
    new: Source,
    edits: &[(Range<usize>, usize)],
) -> Result<Document, Source> {
    match shift(old, &new, edits) {
        Some((edits, links)) => {
            let mut blocks = old.blocks.clone();
            move_blocks(&mut blocks, &edits);
            Ok(checked(Document::from_located(
                new,
                blocks,
                old.headings.clone(),
                links,
            )))
        }
        None => Err(new),
    }
}

/// [`reparse`] of an `old` parse no longer needed: its blocks and headings
/// are moved into the new parse, not copied (a caller holding both at once,
/// `migrate` for every file it rewrites a link in, held a tree's worth of
/// them twice). On `Err`, `old` is dropped.
pub fn reparse_owned(
    old: Document,
    new: Source,
    edits: &[(Range<usize>, usize)],
) -> Result<Document, Source> {
    match shift(&old, &new, edits) {
        Some((edits, links)) => {
            let Document {
                mut blocks,
                headings,
                ..
            } = old;
            move_blocks(&mut blocks, &edits);
            Ok(checked(Document::from_located(
                new, blocks, headings, links,
            )))
        }
        None => Err(new),
    }
}

/// `doc`, compared with a fresh parse of its text in debug builds.
fn checked(doc: Document) -> Document {
    #[cfg(debug_assertions)]
    {
        let fresh = Document::parse(doc.source.clone());
        debug_assert_eq!(
            format!("{:?}", (&fresh.blocks, &fresh.headings, &fresh.links)),
            format!("{:?}", (&doc.blocks, &doc.headings, &doc.links)),
            "shifted parse of {} differs from a fresh one",
            doc.source.path.display()
        );
    }
    doc
}

/// Edits: a byte range of the old text, the length of what replaced it.
type Edits = Vec<(Range<usize>, usize)>;

/// The edits as applied and the links of `new`, when `new`'s parse is
/// `old`'s shifted.
fn shift(
    old: &Document,
    new: &Source,
    edits: &[(Range<usize>, usize)],
) -> Option<(Edits, Vec<Link>)> {
    let before = old.source.text.as_str();
    let after = new.text.as_str();
    let edits = accepted(before, edits);
    if edits.is_empty() || !applied(before, after, &edits) {
        return None;
    }
    // Each edit is a whole destination of a link, plain on both sides.
    let mut edited = vec![false; old.links.len()];
    for (r, len) in &edits {
        let i = old.links.iter().position(|l| l.dest.as_ref() == Some(r))?;
        let n = map(&edits, r.start)..map(&edits, r.start) + len;
        let (was, now) = (&before[r.clone()], after.get(n)?);
        if old.links[i].url != was || !plain(was) || !plain(now) || edited[i] {
            return None;
        }
        edited[i] = true;
    }
    // No edit in a heading, nor in a top-level block holding one.
    for h in &old.headings {
        let block = match h.block() {
            Some(b) => old.blocks.get(b),
            None => old.blocks.iter().rfind(|b| b.line() <= h.line()),
        };
        if let Some(b) = block {
            if edits
                .iter()
                .any(|(r, _)| r.start < b.span().end && b.span().start < r.end)
            {
                return None;
            }
        }
    }
    let links = old
        .links
        .iter()
        .map(|l| shift_link(old, after, &edits, l))
        .collect::<Option<Vec<Link>>>()?;
    Some((edits, links))
}

/// Each block's span where its bytes are after `edits`.
fn move_blocks(blocks: &mut [Block], edits: &[(Range<usize>, usize)]) {
    for b in blocks {
        let span = b.span();
        b.set_span(map(edits, span.start)..map(edits, span.end));
    }
}

/// `edits` as [`crate::model::links::edit`] applies them: sorted by start, one
/// overlapping an earlier one or out of range left out.
fn accepted(text: &str, edits: &[(Range<usize>, usize)]) -> Vec<(Range<usize>, usize)> {
    let mut sorted: Vec<(Range<usize>, usize)> = edits.to_vec();
    sorted.sort_by_key(|e| e.0.start);
    let mut at = 0;
    sorted.retain(|(r, _)| {
        let ok = r.start >= at && r.start <= r.end && r.end <= text.len();
        if ok {
            at = r.end;
        }
        ok
    });
    sorted
}

/// Whether `edits` turn `before` into `after`: the text between them equal.
fn applied(before: &str, after: &str, edits: &[(Range<usize>, usize)]) -> bool {
    let (mut o, mut n) = (0, 0);
    for (r, len) in edits {
        let gap = r.start - o;
        if before.get(o..r.start) != after.get(n..n + gap) {
            return false;
        }
        o = r.end;
        n += gap + len;
    }
    before.get(o..) == after.get(n..)
}

/// Where byte `at` of the old text (not inside an edit) is in the new text.
fn map(edits: &[(Range<usize>, usize)], at: usize) -> usize {
    let mut out = at as isize;
    for (r, len) in edits {
        if r.end <= at {
            out += *len as isize - r.len() as isize;
        }
    }
    out as usize
}

/// A destination with no escapes, entities, spaces or brackets: comrak reads it
/// as written, and it cannot change how the text around it parses.
fn plain(url: &str) -> bool {
    url.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._~/#+-".contains(&b))
}

/// `l` in the new text: its destination moved (and read anew when edited),
/// its column moved by the edits before it on its line.
fn shift_link(
    old: &Document,
    after: &str,
    edits: &[(Range<usize>, usize)],
    l: &Link,
) -> Option<Link> {
    let line_start = old.source.line_start(l.line);
    let start = line_start + l.column.checked_sub(1)?;
    let column = edits
        .iter()
        .filter(|(r, _)| r.start >= line_start && r.end <= start)
        .fold(l.column as isize, |c, (r, len)| {
            c + *len as isize - r.len() as isize
        });
    let dest = l.dest.as_ref().map(|d| {
        let edit = edits.iter().find(|(r, _)| r == d);
        let s = map(edits, d.start);
        match edit {
            Some((_, len)) => s..s + len,
            None => s..map(edits, d.end),
        }
    });
    let url = match (&dest, edits.iter().any(|(r, _)| Some(r) == l.dest.as_ref())) {
        (Some(d), true) => after.get(d.clone())?.to_string(),
        _ => l.url.clone(),
    };
    Some(Link {
        url,
        dest,
        line: l.line,
        column: usize::try_from(column).ok()?,
        image: l.image,
    })
}

#[cfg(test)]
mod tests;
