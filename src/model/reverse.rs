//! A text held as the few edits that turn another text back into it.
//!
//! A file whose links a restructure rewrites is held twice while the planned
//! tree is checked: as read (the text its op expects on disk) and as planned.
//! The two differ only where link destinations changed, so the text as read can
//! wait as the bytes those edits replaced, and be made again from the planned
//! text once the check is done: on a 4,000-file tree where nearly every file
//! has a link rewritten, ~14 MB less at migrate's peak (issue 17).

use std::ops::Range;

/// Edits that turn a planned text back into the text it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReverseEdits {
    /// Length of the text they make.
    len: usize,
    /// Byte ranges of the planned text, in order, and what stood there before.
    edits: Vec<(Range<usize>, Box<str>)>,
}

impl ReverseEdits {
    /// The edits turning `new` back into `old`, when `new` is `old` with each
    /// of `lens` (a byte range of `old`, sorted and disjoint, and the length of
    /// what replaced it) applied. `None` when it is not exactly that: what is
    /// kept this way must come back byte for byte, so every stretch between
    /// the edits is compared, and [`ReverseEdits::apply`] of the result is
    /// `old` itself.
    pub fn of(old: &str, new: &str, lens: &[(Range<usize>, usize)]) -> Option<ReverseEdits> {
        let mut edits = Vec::with_capacity(lens.len());
        // Where the stretch before the next edit starts, in `old` and in `new`.
        let (mut o, mut n) = (0usize, 0usize);
        for (r, len) in lens {
            let keep = r.start.checked_sub(o)?;
            if old.get(o..r.start)? != new.get(n..n + keep)? {
                return None;
            }
            let at = n + keep;
            let was = old.get(r.clone())?;
            new.get(at..at + len)?;
            edits.push((at..at + len, Box::from(was)));
            o = r.end;
            n = at + len;
        }
        if old.get(o..)? != new.get(n..)? {
            return None;
        }
        Some(ReverseEdits {
            len: old.len(),
            edits,
        })
    }

    /// The text these edits make of `new`, the planned text they were made
    /// against (any other text gives a text of no use, never a panic).
    pub fn apply(&self, new: &str) -> String {
        let mut out = String::with_capacity(self.len);
        let mut at = 0;
        for (r, was) in &self.edits {
            out.push_str(new.get(at..r.start).unwrap_or_default());
            out.push_str(was);
            at = r.end;
        }
        out.push_str(new.get(at..).unwrap_or_default());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::links::{edit, lengths as lens};
    use proptest::prelude::*;

    #[test]
    fn gives_back_the_text_as_read() {
        let old = "See [a](old/a.md) and [b](b.md#x).\n";
        let edits = vec![
            (9..17, "new/a-part-1.md".to_string()),
            (27..31, "c.md".into()),
        ];
        let new = edit(old, edits.clone());
        let rev = ReverseEdits::of(old, &new, &lens(&edits)).unwrap();
        assert_eq!(rev.apply(&new), old);
        // Only the replaced bytes are held.
        assert_eq!(rev.edits.iter().map(|(_, w)| w.len()).sum::<usize>(), 8 + 4);
    }

    #[test]
    fn refuses_edits_that_do_not_make_the_planned_text() {
        let old = "one [a](a.md) two\n";
        let new = edit(old, vec![(8..12, "b.md".into())]);
        // A planned text changed after its links were rewritten (a task card).
        let later = format!("{new}<!-- card -->\n");
        assert!(ReverseEdits::of(old, &later, &[(8..12, 4)]).is_none());
        // Lens that do not describe the edit (a wider range describes it
        // too, and gives the same text back).
        assert!(ReverseEdits::of(old, &new, &[(7..12, 4)]).is_none());
        let wider = ReverseEdits::of(old, &new, &[(7..12, 5)]).unwrap();
        assert_eq!(wider.apply(&new), old);
        assert!(ReverseEdits::of(old, &new, &[(8..40, 4)]).is_none());
        assert!(ReverseEdits::of(old, &new, &[(8..12, 4), (2..3, 1)]).is_none());
        // No edits: only the very same text.
        assert!(ReverseEdits::of(old, old, &[]).is_some());
        assert!(ReverseEdits::of(old, &new, &[]).is_none());
    }

    proptest! {
        #[test]
        fn any_edits_come_back_byte_for_byte(
            old in "[a-zé\\[\\]()/.\n ]{0,80}",
            cuts in prop::collection::vec((0usize..80, 0usize..6, "[a-z/é]{0,9}"), 0..5),
        ) {
            // Disjoint ranges on character boundaries, sorted.
            let mut edits: Vec<(Range<usize>, String)> = Vec::new();
            let mut at = 0;
            let mut sorted = cuts.clone();
            sorted.sort();
            for (start, len, text) in sorted {
                let (s, e) = (start.max(at), (start.max(at) + len).min(old.len()));
                if s > e || !old.is_char_boundary(s) || !old.is_char_boundary(e) {
                    continue;
                }
                edits.push((s..e, text));
                at = e;
            }
            let new = edit(&old, edits.clone());
            let rev = ReverseEdits::of(&old, &new, &lens(&edits));
            prop_assert!(rev.is_some());
            prop_assert_eq!(rev.unwrap().apply(&new), old);
        }
    }
}
