//! The conservation account of a split: for each original, its bytes, lines and
//! top-level blocks, and the same over its parts as they will be written, once
//! replan's own text is taken out again. Any difference refuses the run before
//! anything is written.
//!
//! Taking replan's text out is exact, never a guess: task cards are removed by
//! their marker lines ([`markers::strip_cards`]); link rewrites are reverted
//! from the [`Ledger`] the planner kept while making them; the continuation
//! line and the copied definitions are cut by the lengths the split gave them,
//! after checking they carry their markers. What is left must be the
//! original's bytes, part after part.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{count_lines, markers, Document};

/// Size of a text: bytes, lines and top-level blocks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Bytes.
    pub bytes: usize,
    /// Lines.
    pub lines: usize,
    /// Top-level Markdown blocks.
    pub blocks: usize,
}

/// One original's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The original (root-relative for migrate and consolidate).
    pub original: PathBuf,
    /// The original as read.
    #[serde(rename = "in")]
    pub input: Tally,
    /// Its parts as written, replan's added text taken out, summed.
    pub parts: Tally,
    /// Whether the parts hold the original byte for byte.
    pub equal: bool,
}

/// What replan put into one part beyond the original's bytes, so it can be
/// taken out exactly: the length of the text before them (a continuation line)
/// and after them (copied definitions), and each link rewrite with the text it
/// replaced. Ranges are into the part's text without its cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    prefix: usize,
    suffix: usize,
    undo: Vec<(Range<usize>, String)>,
}

impl Ledger {
    /// A part as the split cut it: `prefix` and `suffix` bytes of replan's text
    /// around the original's.
    pub fn cut(prefix: usize, suffix: usize) -> Ledger {
        Ledger {
            prefix,
            suffix,
            undo: Vec::new(),
        }
    }

    /// Bytes of replan's text before the original's.
    pub fn prefix(&self) -> usize {
        self.prefix
    }

    /// Apply byte-range replacements to `text` as [`crate::model::links::edit`]
    /// does (overlapping or out-of-range edits are skipped), remembering what
    /// each replaced so [`Ledger::body`] can put it back. Edits may fall on
    /// text an earlier edit wrote.
    pub fn edit(&mut self, text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
        edits.sort_by_key(|e| e.0.start);
        let mut accepted: Vec<(Range<usize>, String)> = Vec::new();
        let mut at = 0;
        for (r, new) in edits {
            if r.start < at || r.end > text.len() {
                continue;
            }
            at = r.end;
            accepted.push((r, new));
        }
        if accepted.is_empty() {
            return text.to_string();
        }
        // Clusters: each accepted edit grown over the earlier rewrites it
        // touches, merged where they overlap.
        let mut clusters: Vec<Range<usize>> = Vec::new();
        for (r, _) in &accepted {
            let mut c = r.clone();
            for (u, _) in &self.undo {
                if overlaps(u, &c) {
                    c = c.start.min(u.start)..c.end.max(u.end);
                }
            }
            match clusters.last_mut() {
                Some(last) if c.start < last.end => last.end = last.end.max(c.end),
                _ => clusters.push(c),
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut undo = Vec::new();
        let mut old = self.undo.iter().peekable();
        let mut edits = accepted.into_iter().peekable();
        let mut at = 0;
        for c in clusters {
            // Earlier rewrites before this cluster keep their text, shifted.
            while let Some((u, o)) = old.next_if(|(u, _)| u.end <= c.start) {
                let shift = out.len() + (u.start - at);
                out.push_str(&text[at..u.end]);
                undo.push((shift..out.len(), o.clone()));
                at = u.end;
            }
            out.push_str(&text[at..c.start]);
            let original = self.revert(text, c.clone());
            while old.next_if(|(u, _)| u.start < c.end).is_some() {}
            let start = out.len();
            let mut from = c.start;
            while let Some((r, new)) = edits.next_if(|(r, _)| r.start < c.end || r.start == c.start)
            {
                out.push_str(&text[from..r.start]);
                out.push_str(&new);
                from = r.end;
            }
            out.push_str(&text[from..c.end]);
            undo.push((start..out.len(), original));
            at = c.end;
        }
        for (u, o) in old {
            let shift = out.len() + (u.start - at);
            out.push_str(&text[at..u.end]);
            undo.push((shift..out.len(), o.clone()));
            at = u.end;
        }
        out.push_str(&text[at..]);
        self.undo = undo;
        out
    }

    /// The original text of `r` of `text`, the rewrites inside it put back.
    fn revert(&self, text: &str, r: Range<usize>) -> String {
        let mut out = String::new();
        let mut at = r.start;
        for (u, o) in &self.undo {
            if u.start >= r.start && u.end <= r.end {
                out.push_str(&text[at..u.start]);
                out.push_str(o);
                at = u.end;
            }
        }
        out.push_str(&text[at..r.end]);
        out
    }

    /// The continuation line was replaced by a card: the part's text now
    /// starts with the original's bytes. Rewrites inside the line go with it.
    pub fn drop_prefix(&mut self) {
        let p = self.prefix;
        self.undo.retain(|(u, _)| u.start >= p);
        for (u, _) in &mut self.undo {
            *u = u.start - p..u.end - p;
        }
        self.prefix = 0;
    }

    /// The original's bytes this part carries, from the text it is written
    /// with; `None` when that text is not the shape this ledger describes.
    pub fn body(&self, written: &str) -> Option<String> {
        let t = markers::strip_cards(written);
        let mut out = String::with_capacity(t.len());
        let mut at = 0;
        for (u, o) in &self.undo {
            out.push_str(t.get(at..u.start)?);
            out.push_str(o);
            at = u.end;
        }
        out.push_str(t.get(at..)?);
        let end = out.len().checked_sub(self.suffix)?;
        let (prefix, suffix) = (out.get(..self.prefix)?, out.get(end..)?);
        if (self.prefix > 0 && !prefix.contains(markers::CONTINUATION))
            || (self.suffix > 0 && !suffix.contains(markers::DEFINITIONS))
        {
            return None;
        }
        out.get(self.prefix..end).map(str::to_string)
    }
}

/// Whether an earlier rewrite `u` and an edit's range `c` share bytes (an
/// insertion shares them when it falls strictly inside).
fn overlaps(u: &Range<usize>, c: &Range<usize>) -> bool {
    if c.is_empty() {
        u.start < c.start && c.start < u.end
    } else {
        u.start < c.end && c.start < u.end
    }
}

impl Tally {
    /// Measure a parsed document.
    pub fn of(doc: &Document) -> Tally {
        Tally {
            bytes: doc.source.text.len(),
            lines: count_lines(&doc.source.text),
            blocks: doc.blocks.len(),
        }
    }
}

/// The account of `original` (its text as split, and its [`Tally`]) and its
/// parts' written texts with their ledgers, in document order. A part that
/// is missing (`None`) or not the shape its ledger says makes the account
/// unequal. Blocks are counted on the parts' bodies put together: a list cut
/// between its items is one block in the original and one in each part.
pub fn account(
    original: &Path,
    text: &str,
    input: Tally,
    parts: &[(&Ledger, Option<&str>)],
) -> Account {
    // Each body is compared with the original where it should start, one part
    // at a time: the parts put together (another copy of the whole input) are
    // only made for an account that does not add up, to count what they hold.
    let mut at = 0;
    let mut equal = true;
    for (ledger, written) in parts {
        let same = written.and_then(|w| ledger.body(w)).is_some_and(|b| {
            let here = text.get(at..).is_some_and(|rest| rest.starts_with(&b));
            at += b.len();
            here
        });
        if !same {
            equal = false;
            break;
        }
    }
    let equal = equal && at == text.len();
    // The same bytes parse the same: the original's count stands.
    let parts = if equal { input } else { unequal_tally(parts) };
    Account {
        original: original.to_path_buf(),
        input,
        parts,
        equal,
    }
}

/// What the parts of an account that does not add up hold, put together (a
/// part that is missing or not the shape of its ledger adds nothing).
fn unequal_tally(parts: &[(&Ledger, Option<&str>)]) -> Tally {
    let mut joined = String::new();
    let mut lines = 0;
    for (ledger, written) in parts {
        if let Some(b) = written.and_then(|w| ledger.body(w)) {
            lines += count_lines(&b);
            joined.push_str(&b);
        }
    }
    Tally {
        lines,
        ..Tally::of(&Document::from_text("conserve.md", &joined))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_are_reverted_even_when_rewritten_twice() {
        let text = "see [a](x.md#one) and [b](y.md) and `x.md`\n";
        let mut l = Ledger::cut(0, 0);
        let a = text.find("x.md#one").unwrap();
        let b = text.find("y.md").unwrap();
        let once = l.edit(
            text,
            vec![
                (a..a + 8, "dir/x-1.md#one".into()),
                (b..b + 4, "z.md".into()),
            ],
        );
        assert_eq!(once, "see [a](dir/x-1.md#one) and [b](z.md) and `x.md`\n");
        // A second pass that rewrites inside the first one's text, and beside it.
        let i = once.find("x-1.md").unwrap();
        let c = once.find("`x.md`").unwrap() + 1;
        let twice = l.edit(
            &once,
            vec![
                (i..i + 6, "x-22.md".into()),
                (c..c + 4, "dir/x-1.md".into()),
            ],
        );
        assert_eq!(
            twice,
            "see [a](dir/x-22.md#one) and [b](z.md) and `dir/x-1.md`\n"
        );
        assert_eq!(l.body(&twice).as_deref(), Some(text));
    }

    #[test]
    fn prefix_suffix_and_cards_come_out_exactly() {
        let prefix = format!("*Continued* {}\n\n", markers::CONTINUATION);
        let suffix = format!("\n{}\n[r]: http://r\n", markers::DEFINITIONS);
        let body = "text [r]\n";
        let written = format!("{prefix}{body}{suffix}");
        let l = Ledger::cut(prefix.len(), suffix.len());
        assert_eq!(l.body(&written).as_deref(), Some(body));
        // A part whose added text lost its marker is not one of replan's.
        let l2 = Ledger::cut(3, 0);
        assert_eq!(l2.body("abcdef"), None);
        // The card replaces the continuation line.
        let mut l3 = l.clone();
        l3.drop_prefix();
        let card = format!("{}\n- x\n{}\n\n", markers::CARD_BEGIN, markers::CARD_END);
        assert_eq!(
            l3.body(&format!("{card}{body}{suffix}")).as_deref(),
            Some(body)
        );
    }

    #[test]
    fn a_corrupted_part_is_unequal() {
        let text = "# A\n\none\n\n# B\n\ntwo\n";
        let t = Tally::of(&Document::from_text("a.md", text));
        let l = Ledger::cut(0, 0);
        let (p1, p2) = ("# A\n\none\n\n", "# B\n\ntwo\n");
        let ok = account(
            Path::new("a.md"),
            text,
            t,
            &[(&l, Some(p1)), (&l, Some(p2))],
        );
        assert!(ok.equal);
        assert_eq!(ok.input, ok.parts);
        assert_eq!(ok.input.bytes, text.len());
        let bad = account(
            Path::new("a.md"),
            text,
            t,
            &[(&l, Some(p1)), (&l, Some("# B\n\ntwo!\n"))],
        );
        assert!(!bad.equal);
        assert_eq!(bad.parts.bytes, text.len() + 1);
        let lost = account(Path::new("a.md"), text, t, &[(&l, Some(p1)), (&l, None)]);
        assert!(!lost.equal);
        assert_eq!(lost.parts.bytes, p1.len());
        // Parts that stop short, or hold more after the whole original, are
        // unequal though every byte they hold is where it should be.
        let short = account(Path::new("a.md"), text, t, &[(&l, Some(p1))]);
        assert!(!short.equal);
        assert_eq!(short.parts.bytes, p1.len());
        let extra = [(&l, Some(p1)), (&l, Some(p2)), (&l, Some("x\n"))];
        let more = account(Path::new("a.md"), text, t, &extra);
        assert!(!more.equal);
        assert_eq!(more.parts.bytes, text.len() + 2);
        let empty = [(&l, Some(p1)), (&l, Some("")), (&l, Some(p2))];
        assert!(account(Path::new("a.md"), text, t, &empty).equal);
    }
}
