//! Cutting a unit that is over budget. Boundaries between blocks are ranked:
//! before a heading of level h ranks h, between other blocks ranks 7, and right
//! after a heading is never allowed (no part ends on a bare heading). The cuts are
//! chosen together, by dynamic programming, to minimise the ranks cut at plus how
//! far each part falls short of the budget, so parts come out even and shallow
//! headings are preferred as seams.

use std::ops::Range;

use super::SplitOptions;
use crate::model::{count_lines, BlockKind, Document};
use crate::tokens::Encoding;

/// Lines of the added continuation text, kept free in every part.
const PREFIX_LINES: usize = 2;
/// Least tokens kept free in every part for the added continuation text.
pub const PREFIX_TOKENS: usize = 60;

/// Room kept free in every part for the continuation text replan adds.
#[derive(Debug, Clone, Copy)]
pub struct Reserve {
    /// Lines.
    pub lines: usize,
    /// Tokens: at least [`PREFIX_TOKENS`], more when the unit's title is long.
    pub tokens: usize,
}

impl Reserve {
    /// Room for a continuation line measured at `tokens` tokens.
    pub fn for_tokens(tokens: usize) -> Reserve {
        Reserve {
            lines: PREFIX_LINES,
            tokens: tokens.max(PREFIX_TOKENS),
        }
    }
}

/// Lines and tokens of every block, measured once.
#[derive(Debug, Clone)]
pub struct BlockSizes {
    /// Lines per block.
    pub lines: Vec<usize>,
    /// Tokens per block.
    pub tokens: Vec<usize>,
}

impl BlockSizes {
    /// Measure every block of a document.
    pub fn measure(doc: &Document, enc: Encoding) -> BlockSizes {
        use rayon::prelude::*;
        let (lines, tokens) = doc
            .blocks
            .par_iter()
            .map(|b| {
                let t = &doc.source.text[b.span.clone()];
                (count_lines(t), enc.count(t))
            })
            .unzip();
        BlockSizes { lines, tokens }
    }

    /// Sum of lines over blocks.
    pub fn range_lines(&self, r: Range<usize>) -> usize {
        self.lines[r].iter().sum()
    }

    /// Sum of tokens over blocks: exact where the blocks join cleanly
    /// ([`crate::tokens::joins_cleanly`]), else within a token or two per join.
    pub fn range_tokens(&self, r: Range<usize>) -> usize {
        self.tokens[r].iter().sum()
    }
}

fn fits(sizes: &BlockSizes, r: Range<usize>, o: &SplitOptions, res: Reserve) -> bool {
    sizes.range_lines(r.clone()) + res.lines <= o.max_lines
        && sizes.range_tokens(r) + res.tokens <= o.max_tokens
}

fn rank(doc: &Document, i: usize) -> Option<u8> {
    if matches!(
        doc.blocks[i - 1].kind,
        BlockKind::Heading { .. } | BlockKind::FrontMatter
    ) {
        return None;
    }
    Some(doc.heading_level(i).unwrap_or(7))
}

/// Penalty for cutting before a block of the given rank: shallow headings are
/// the natural seams, a cut between two paragraphs the last resort.
fn cut_penalty(rank: u8) -> f64 {
    f64::from(rank) * 6.0
}

/// Penalty for a part that uses only part of the budget: keeps parts even and
/// avoids slivers.
fn fill_penalty(lines: usize, tokens: usize, o: &SplitOptions, res: Reserve) -> f64 {
    let cap_l = o.max_lines.saturating_sub(res.lines).max(1) as f64;
    let cap_t = o.max_tokens.saturating_sub(res.tokens).max(1) as f64;
    let fill = (lines as f64 / cap_l).max(tokens as f64 / cap_t).min(1.0);
    60.0 * (1.0 - fill).powi(2)
}

/// Cut `r` into pieces within budget, choosing the cuts that minimise the sum of
/// cut and fill penalties (dynamic programming over block boundaries). A run of
/// blocks with no allowed cut inside that is still over budget becomes a piece of
/// its own; its blocks over budget are returned as the second value.
pub fn cut(
    doc: &Document,
    sizes: &BlockSizes,
    r: Range<usize>,
    o: &SplitOptions,
    res: Reserve,
) -> (Vec<Range<usize>>, Vec<usize>) {
    if r.is_empty() {
        return (Vec::new(), Vec::new());
    }
    if fits(sizes, r.clone(), o, res) {
        return (vec![r], Vec::new());
    }
    let (s, n) = (r.start, r.len());
    // Prefix sums for O(1) range sizes.
    let mut pl = vec![0usize; n + 1];
    let mut pt = vec![0usize; n + 1];
    for k in 0..n {
        pl[k + 1] = pl[k] + sizes.lines[s + k];
        pt[k + 1] = pt[k] + sizes.tokens[s + k];
    }
    let rank_at = |k: usize| if k == 0 { Some(0) } else { rank(doc, s + k) };
    let cap_l = o.max_lines.saturating_sub(res.lines);
    let cap_t = o.max_tokens.saturating_sub(res.tokens);
    let mut best = vec![f64::INFINITY; n + 1];
    let mut from = vec![usize::MAX; n + 1];
    best[0] = 0.0;
    for i in 1..=n {
        // Only end a part where the next one may start.
        if i < n && rank_at(i).is_none() {
            continue;
        }
        let mut allowed_inside = false;
        for j in (0..i).rev() {
            let Some(rj) = rank_at(j) else { continue };
            let (l, t) = (pl[i] - pl[j], pt[i] - pt[j]);
            let fits = l <= cap_l && t <= cap_t;
            if !fits && allowed_inside {
                break;
            }
            if best[j].is_finite() {
                let over = if fits { 0.0 } else { 1000.0 };
                let c = best[j]
                    + fill_penalty(l, t, o, res)
                    + over
                    + if j == 0 { 0.0 } else { cut_penalty(rj) };
                if c < best[i] {
                    best[i] = c;
                    from[i] = j;
                }
            }
            if j > 0 {
                allowed_inside = true;
            }
        }
    }
    let mut pieces = Vec::new();
    let mut i = n;
    while i > 0 {
        let j = from[i];
        if j >= i {
            // Unreachable in practice (j = 0 is always a candidate); keep the rest whole.
            pieces.push(s..s + i);
            break;
        }
        pieces.push(s + j..s + i);
        i = j;
    }
    pieces.reverse();
    let mut big = Vec::new();
    for p in &pieces {
        if !fits(sizes, p.clone(), o, res) {
            let over: Vec<usize> = p
                .clone()
                .filter(|&b| !fits(sizes, b..b + 1, o, res))
                .collect();
            if over.is_empty() {
                big.push(p.start);
            } else {
                big.extend(over);
            }
        }
    }
    (pieces, big)
}
