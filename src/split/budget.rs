//! Cutting a unit that is over budget. Boundaries between blocks are ranked:
//! before a heading of level h ranks h, between other blocks ranks 7, and right
//! after a heading is never allowed (no part ends on a bare heading). A unit is
//! cut at its best rank, the pieces packed greedily, and any piece still over
//! budget is cut again at the next rank.

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
        let texts = doc.blocks.iter().map(|b| &doc.source.text[b.span.clone()]);
        let (lines, tokens) = texts.map(|t| (count_lines(t), enc.count(t))).unzip();
        BlockSizes { lines, tokens }
    }

    /// Sum of lines over blocks.
    pub fn range_lines(&self, r: Range<usize>) -> usize {
        self.lines[r].iter().sum()
    }

    /// Sum of tokens over blocks (block boundaries are line starts, so BPE
    /// counts add up to within a token or two of the whole).
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

/// Cut `r` into pieces within budget. Returns the pieces and the blocks that are
/// over budget on their own.
pub fn cut(
    doc: &Document,
    sizes: &BlockSizes,
    r: Range<usize>,
    o: &SplitOptions,
    res: Reserve,
) -> (Vec<Range<usize>>, Vec<usize>) {
    let mut pieces = Vec::new();
    let mut big = Vec::new();
    cut_into(doc, sizes, r, o, res, &mut pieces, &mut big);
    (pieces, big)
}

fn cut_into(
    doc: &Document,
    sizes: &BlockSizes,
    r: Range<usize>,
    o: &SplitOptions,
    res: Reserve,
    pieces: &mut Vec<Range<usize>>,
    big: &mut Vec<usize>,
) {
    if r.is_empty() {
        return;
    }
    if fits(sizes, r.clone(), o, res) {
        pieces.push(r);
        return;
    }
    let best = (r.start + 1..r.end).filter_map(|i| rank(doc, i)).min();
    let Some(best) = best else {
        // Nothing to cut at: blocks glued to a heading, or one block. Keep whole.
        big.extend(r.clone().filter(|&b| !fits(sizes, b..b + 1, o, res)));
        if big.last().is_none_or(|&b| !r.contains(&b)) {
            big.push(r.start);
        }
        pieces.push(r);
        return;
    };
    let mut segs = Vec::new();
    let mut s = r.start;
    for i in r.start + 1..r.end {
        if rank(doc, i) == Some(best) {
            segs.push(s..i);
            s = i;
        }
    }
    segs.push(s..r.end);
    let mut cur: Option<Range<usize>> = None;
    for seg in segs {
        if !fits(sizes, seg.clone(), o, res) {
            if let Some(c) = cur.take() {
                pieces.push(c);
            }
            cut_into(doc, sizes, seg, o, res, pieces, big);
            continue;
        }
        cur = match cur {
            Some(c) if fits(sizes, c.start..seg.end, o, res) => Some(c.start..seg.end),
            Some(c) => {
                pieces.push(c);
                Some(seg)
            }
            None => Some(seg),
        };
    }
    if let Some(c) = cur {
        pieces.push(c);
    }
}
