//! tiktoken's byte-pair merge, counting the tokens of one pre-tokenized piece:
//! start from single bytes and repeatedly merge the adjacent pair whose joined
//! bytes have the lowest rank (the leftmost such pair on a tie) until no pair is
//! a token. This is exactly how tiktoken encodes a piece, so the counts are its
//! counts by construction.
//!
//! Short pieces (nearly all: a word, a number, a run of punctuation) use
//! tiktoken's own scan, which finds the minimum by walking the parts after each
//! merge; quadratic in the piece, but with no allocation beyond a reused
//! buffer. Long pieces (a line of dashes, a base64 blob, a long run of spaces)
//! would make that scan quadratic in bytes, so they go through a heap of pairs
//! ordered by (rank, position) with stale entries skipped: the same merges in the
//! same order, in O(n log n).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::ranks::Ranks;

/// Pieces at least this long are merged with the heap.
const LONG: usize = 128;

/// Tokens in `piece`, using `parts` as scratch space.
pub fn count(ranks: &Ranks, piece: &[u8], parts: &mut Vec<(usize, u32)>) -> usize {
    match known(ranks, piece) {
        Some(n) => n,
        None if piece.len() >= LONG => count_long(ranks, piece),
        None => count_short(ranks, piece, parts),
    }
}

/// The tokens of `piece` when they need no merging: none for no bytes, one for
/// a byte or a short piece that is itself a token. `None` means [`count`] would
/// merge, and then the count is at least 2 and at most the piece's bytes (each
/// token holds a byte or more): the bound [`super::Encoding::count_over`] uses.
#[inline]
pub fn known(ranks: &Ranks, piece: &[u8]) -> Option<usize> {
    match piece.len() {
        0 => Some(0),
        1 => Some(1),
        n if n >= LONG => None,
        _ => ranks.rank(piece).map(|_| 1),
    }
}

/// tiktoken's `_byte_pair_merge`: `parts[i]` is (start of part i, rank of part i
/// joined with part i + 1). `piece` has at least two bytes.
fn count_short(ranks: &Ranks, piece: &[u8], parts: &mut Vec<(usize, u32)>) -> usize {
    let rank_of = |bytes: &[u8]| ranks.rank(bytes).unwrap_or(u32::MAX);
    parts.clear();
    let mut min = (u32::MAX, usize::MAX);
    for i in 0..piece.len() - 1 {
        let r = rank_of(&piece[i..i + 2]);
        if r < min.0 {
            min = (r, i);
        }
        parts.push((i, r));
    }
    parts.push((piece.len() - 1, u32::MAX));
    parts.push((piece.len(), u32::MAX));
    // The rank of parts i and i + 1 joined, once i + 1 has absorbed i + 2.
    let joined = |parts: &[(usize, u32)], i: usize| {
        if i + 3 < parts.len() {
            rank_of(&piece[parts[i].0..parts[i + 3].0])
        } else {
            u32::MAX
        }
    };
    while min.0 != u32::MAX {
        let i = min.1;
        if i > 0 {
            parts[i - 1].1 = joined(parts, i - 1);
        }
        parts[i].1 = joined(parts, i);
        parts.remove(i + 1);
        min = (u32::MAX, usize::MAX);
        for (i, &(_, r)) in parts[..parts.len() - 1].iter().enumerate() {
            if r < min.0 {
                min = (r, i);
            }
        }
    }
    parts.len() - 1
}

/// The same merges as [`count_short`], for long pieces. Parts form a linked
/// list over byte positions (a part is named by its start); the heap holds
/// candidate pairs as (rank, left start, right end), and an entry is acted on
/// only while its left part still starts there and its right part still ends
/// there, i.e. while it still names the same two parts.
fn count_long(ranks: &Ranks, piece: &[u8]) -> usize {
    let n = piece.len();
    // next[i]: start of the part after the part starting at i (n past the last);
    // prev[i]: start of the part before it; alive[i]: a part starts at i.
    let mut next: Vec<usize> = (1..=n).collect();
    let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
    let mut alive = vec![true; n];
    let mut heap = BinaryHeap::with_capacity(n);
    for i in 0..n - 1 {
        if let Some(r) = ranks.rank(&piece[i..i + 2]) {
            heap.push(Reverse((r, i, i + 2)));
        }
    }
    let mut count = n;
    let end_of = |next: &[usize], i: usize| next[i];
    while let Some(Reverse((_, i, end))) = heap.pop() {
        let j = next[i];
        if !alive[i] || j >= n || end_of(&next, j) != end {
            continue;
        }
        // Merge part j into part i.
        alive[j] = false;
        next[i] = end;
        if end < n {
            prev[end] = i;
        }
        count -= 1;
        if end < n {
            let after = next[end];
            if let Some(r) = ranks.rank(&piece[i..after]) {
                heap.push(Reverse((r, i, after)));
            }
        }
        if i > 0 {
            let p = prev[i];
            if let Some(r) = ranks.rank(&piece[p..end]) {
                heap.push(Reverse((r, p, end)));
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both merges give the same count on every piece, whichever is used.
    fn both(ranks: &Ranks, piece: &[u8]) -> (usize, usize) {
        let mut parts = Vec::new();
        let short = if piece.len() < 2 {
            piece.len()
        } else {
            count_short(ranks, piece, &mut parts)
        };
        let long = if piece.is_empty() {
            0
        } else {
            count_long(ranks, piece)
        };
        (short, long)
    }

    #[test]
    fn short_and_long_merges_agree() {
        let ranks = super::super::Encoding::O200kBase.ranks();
        for p in [
            "a",
            "ab",
            "hello",
            " world",
            "--------------------------------",
            "aaaaaaaaaaaaa",
            "    ",
            "1234567",
            "xyzzyplughfoobarbazquux",
            "🚀🚀🚀",
            "=-=-=-=-=-=-=-=-",
        ] {
            let (s, l) = both(&ranks, p.as_bytes());
            assert_eq!(s, l, "{p:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config(500))]
        #[test]
        fn merges_agree_on_any_bytes(
            piece in proptest::collection::vec(
                proptest::sample::select(b"ab -=\n\xc3\xa9xyz0".to_vec()), 0..200),
        ) {
            for enc in [super::super::Encoding::O200kBase, super::super::Encoding::Cl100kBase] {
                let (s, l) = both(&enc.ranks(), &piece);
                proptest::prop_assert_eq!(s, l);
            }
        }
    }
}
