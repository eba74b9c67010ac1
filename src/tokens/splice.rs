//! The exact count of an edited text from its original's count: only the lines
//! around each edit are counted, old and new.
//!
//! Why: `migrate` rewrites a few link destinations in most files of a tree
//! (3,310 of a generated 4,000-file tree), and each rewritten text was counted
//! again whole (a part's count for its folder's index, a modified file's for
//! the planned tree's budget check) though the original's count was known.
//!
//! Sound because pre-tokenizer pieces never join across a clean line start
//! ([`super::joins_cleanly`]): cut there, a text counts as the sum of its
//! pieces. Each edit is widened to clean line starts on both sides, in the old
//! text and in the new; the stretches between those windows are compared
//! byte for byte (old against new), and where anything does not hold, the new
//! text is counted whole.

use std::ops::Range;

use super::{joins_cleanly, Encoding};

/// The windows grow no further than this past an edit, looking for a clean
/// line start; past it the rest of the text is counted whole.
const REACH: usize = 16 * 1024;

/// Tokens of `new`, which is `old` (of `old_tokens` tokens) with each of
/// `edits` (a byte range of `old` and the length of the text that replaced
/// it) applied, as [`crate::model::links::edit`] applies them: sorted by
/// start, an edit overlapping an earlier one or out of range skipped.
/// Always the count [`Encoding::count`] gives `new`.
pub fn count_edited(
    enc: Encoding,
    old: &str,
    old_tokens: usize,
    new: &str,
    edits: &[(Range<usize>, usize)],
) -> usize {
    match windows(old, new, edits) {
        Some(ws) => {
            let removed: usize = ws.iter().map(|(o, _)| enc.count(&old[o.clone()])).sum();
            let added: usize = ws.iter().map(|(_, n)| enc.count(&new[n.clone()])).sum();
            (old_tokens + added)
                .checked_sub(removed)
                .unwrap_or_else(|| enc.count(new))
        }
        None => enc.count(new),
    }
}

/// The changed windows, each as a range of `old` and the range of `new` that
/// replaces it, cut at clean line starts in both; `None` when the edits do not
/// turn `old` into `new` or the windows would cover half of `new` or more
/// (counting it whole is then no dearer).
fn windows(
    old: &str,
    new: &str,
    edits: &[(Range<usize>, usize)],
) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    let mut sorted: Vec<&(Range<usize>, usize)> = edits.iter().collect();
    sorted.sort_by_key(|e| e.0.start);
    let mut accepted: Vec<(Range<usize>, usize)> = Vec::new();
    let mut at = 0;
    for (r, len) in sorted {
        if r.start < at || r.end > old.len() || r.start > r.end {
            continue;
        }
        at = r.end;
        accepted.push((r.clone(), *len));
    }
    let grown: usize = accepted.iter().map(|(r, n)| n + r.start).sum::<usize>();
    let shrunk: usize = accepted.iter().map(|(r, _)| r.end).sum::<usize>();
    if (old.len() + grown).checked_sub(shrunk) != Some(new.len()) {
        return None;
    }
    // Windows in old coordinates: start, change in length before it (new =
    // old + delta), end, change in length before it; merged where they meet.
    let mut ws: Vec<(usize, isize, usize, isize)> = Vec::new();
    let mut delta: isize = 0;
    for (r, len) in &accepted {
        let a = clean_before(old, r.start)?;
        let before = delta;
        delta += *len as isize - r.len() as isize;
        let b = clean_after(old, r.end)?;
        match ws.last_mut() {
            // Every edit that starts inside a window is part of it.
            Some(last) if a < last.2 => {
                if b > last.2 {
                    last.2 = b;
                }
                last.3 = delta;
            }
            _ => ws.push((a, before, b, delta)),
        }
    }
    let out = ws
        .into_iter()
        .map(|(a, da, b, db)| Some((a..b, shift(a, da)?..shift(b, db)?)))
        .collect::<Option<Vec<_>>>()?;
    check(old, new, &out)?;
    Some(out)
}

fn shift(at: usize, delta: isize) -> Option<usize> {
    usize::try_from(at as isize + delta).ok()
}

/// Whether the windows turn `old` into `new`: the stretches between them
/// equal, every cut clean in both texts, and together less than half of `new`.
fn check(old: &str, new: &str, ws: &[(Range<usize>, Range<usize>)]) -> Option<()> {
    let (mut o, mut n) = (0, 0);
    let mut covered = 0;
    for (ow, nw) in ws {
        if ow.start < o || nw.start < n || ow.end < ow.start || nw.end < nw.start {
            return None;
        }
        if old.get(o..ow.start)? != new.get(n..nw.start)? {
            return None;
        }
        for (text, at) in [
            (old, ow.start),
            (old, ow.end),
            (new, nw.start),
            (new, nw.end),
        ] {
            if !text.is_char_boundary(at) || !joins_cleanly(&text[..at], &text[at..]) {
                return None;
            }
        }
        covered += nw.len();
        (o, n) = (ow.end, nw.end);
    }
    if old.get(o..)? != new.get(n..)? || covered * 2 >= new.len() {
        return None;
    }
    Some(())
}

/// The nearest clean line start at or before `at` (or 0), within [`REACH`].
fn clean_before(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut q = at.min(bytes.len());
    loop {
        if q == 0 {
            return Some(0);
        }
        if at - q > REACH {
            return None;
        }
        if matches!(bytes[q - 1], b'\n' | b'\r') && starts_clean(bytes, q) {
            return Some(q);
        }
        q -= 1;
    }
}

/// The nearest clean line start after `at` (or the end), within [`REACH`].
/// Strictly after an edit's end unless that is the end of the text: the byte
/// at the edit's end may follow replaced text in the new version.
fn clean_after(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut q = at;
    loop {
        if q >= bytes.len() {
            return Some(bytes.len());
        }
        if q - at > REACH {
            return None;
        }
        if q > at && matches!(bytes[q - 1], b'\n' | b'\r') && starts_clean(bytes, q) {
            return Some(q);
        }
        q += 1;
    }
}

/// Whether the text at `q` starts with a character the pre-tokenizer never
/// joins to a line break before it (see [`joins_cleanly`], which has the
/// last word on both texts).
fn starts_clean(bytes: &[u8], q: usize) -> bool {
    match bytes.get(q) {
        None => true,
        Some(b) if b.is_ascii() => !b.is_ascii_whitespace() && *b != b'/' && *b != 0x0b,
        // A multi-byte character: left to `joins_cleanly`.
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests;
