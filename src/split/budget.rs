//! Cutting a unit that is over budget. A unit is a run of *segments*: its
//! top-level blocks, except that a list too big for a file is one segment per
//! top-level item. Boundaries between segments are ranked: before a heading of
//! level h ranks h, between other blocks 7, between two items of a list 8; right
//! after a heading (no part ends on a bare heading) and right before a thematic
//! break (a trailing `---` stays with the block before it) are never allowed.
//! The cuts are chosen together, by dynamic programming, to minimise the ranks
//! cut at plus how far each part falls short of the budget plus a heavy cost for
//! each part under the floor, so parts come out even, shallow headings are
//! preferred as seams and no cut leaves a sliver where another cut would do.

use std::ops::Range;

use super::SplitOptions;
use crate::model::{count_lines, BlockKind, Document};
use crate::tokens::Encoding;

/// Lines of the added continuation text, kept free in every part.
pub const PREFIX_LINES: usize = 2;
/// Least tokens kept free in every part for the added continuation text.
pub const PREFIX_TOKENS: usize = 60;

/// Rank of a cut between two items of one list: the last resort.
const ITEM_RANK: u8 = 8;

/// Cost of a part under the floor: above any cut and fill cost, below going
/// over budget.
const SLIVER_PENALTY: f64 = 500.0;

/// Cost of a part over budget.
const OVER_PENALTY: f64 = 1000.0;

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
                let t = &doc.source.text[b.span()];
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

/// The segments of a document: its blocks, with each list too big for a file
/// cut into its top-level items.
#[derive(Debug, Clone)]
pub struct Segs {
    /// Byte range of each segment; adjacent, tiling the text.
    pub span: Vec<Range<usize>>,
    /// 1-based first line of each segment.
    pub line: Vec<usize>,
    /// Lines per segment.
    pub lines: Vec<usize>,
    /// Tokens per segment.
    pub tokens: Vec<usize>,
    /// The block each segment belongs to.
    pub block: Vec<usize>,
    /// Tokens a segment may gain when its links are rewritten after the split;
    /// counted against the budget, not in a part's exact count.
    pub grow: Vec<usize>,
    /// The first segment of each block, and the number of segments at the end.
    first: Vec<usize>,
    /// Lines `(open, close)` of the blocks the author fenced whose inner fence
    /// CommonMark takes for their end (a ```markdown template holding a
    /// ```hcl block): no part starts after `open` up to `close`, which would
    /// cut inside the block the author meant (`fence.suspicious` reports it).
    sealed: Vec<(usize, usize)>,
}

impl Segs {
    /// The segments of `doc`: a list whose lines or tokens exceed three quarters
    /// of the budget becomes one segment per top-level item. `growth` lists
    /// `(line, tokens)` that links may gain when rewritten after the split
    /// ([`Segs::grow`]).
    pub fn build(
        doc: &Document,
        sizes: &BlockSizes,
        o: &SplitOptions,
        growth: &[(usize, usize)],
        templates: &[Template],
    ) -> Segs {
        let mut block_growth = vec![0usize; doc.blocks.len()];
        for &(line, t) in growth {
            let b = doc.blocks.partition_point(|b| b.line() <= line);
            if let Some(g) = block_growth.get_mut(b.saturating_sub(1)) {
                *g += t;
            }
        }
        let big = |b: usize| {
            4 * sizes.lines[b] > 3 * o.max_lines
                || 4 * (sizes.tokens[b] + block_growth[b]) > 3 * o.max_tokens
        };
        let mut s = Segs {
            span: Vec::with_capacity(doc.blocks.len()),
            line: Vec::with_capacity(doc.blocks.len()),
            lines: Vec::with_capacity(doc.blocks.len()),
            tokens: Vec::with_capacity(doc.blocks.len()),
            block: Vec::with_capacity(doc.blocks.len()),
            grow: Vec::new(),
            first: Vec::with_capacity(doc.blocks.len() + 1),
            sealed: Vec::new(),
        };
        for (i, b) in doc.blocks.iter().enumerate() {
            s.first.push(s.span.len());
            let items = if b.kind == BlockKind::List && big(i) {
                super::items::starts(doc, i)
            } else {
                Vec::new()
            };
            if items.is_empty() {
                s.span.push(b.span());
                s.line.push(b.line());
                s.lines.push(sizes.lines[i]);
                s.tokens.push(sizes.tokens[i]);
                s.block.push(i);
                continue;
            }
            let mut at = b.span().start;
            for end in items.iter().copied().chain(std::iter::once(b.span().end)) {
                let text = &doc.source.text[at..end];
                s.line.push(if at == b.span().start {
                    b.line()
                } else {
                    doc.source.line_of(at)
                });
                s.span.push(at..end);
                s.lines.push(count_lines(text));
                s.tokens.push(o.encoding.count(text));
                s.block.push(i);
                at = end;
            }
        }
        s.first.push(s.span.len());
        // Kept whole only when it fits in a part: the fences read as a stack
        // can also pair an opener with a closer hundreds of lines on, and
        // sealing that made one part of 750 lines where the cuts fell between
        // blocks CommonMark reads as text.
        let fits = |&(open, close): &(usize, usize)| {
            let first = s.line.partition_point(|&l| l < open);
            let last = s.line.partition_point(|&l| l <= close);
            let tokens: usize = s.tokens[first..last.max(first)].iter().sum();
            close < usize::MAX
                && close + 1 - open + PREFIX_LINES <= o.max_lines
                && tokens + PREFIX_TOKENS <= o.max_tokens
        };
        s.sealed = templates
            .iter()
            .filter_map(|spans| spans.iter().copied().find(fits))
            .collect();
        s.grow = vec![0; s.span.len()];
        for &(line, t) in growth {
            s.grow_at(line, t);
        }
        s
    }

    /// Count `tokens` more against the budget for the segment holding `line`.
    fn grow_at(&mut self, line: usize, tokens: usize) {
        let k = self.line.partition_point(|&l| l <= line).saturating_sub(1);
        if let Some(g) = self.grow.get_mut(k) {
            *g += tokens;
        }
    }

    /// Tokens counted against the budget for segments `r`: their own and what
    /// their links may gain.
    fn budget_tokens(&self, r: Range<usize>) -> usize {
        self.range_tokens(r.clone()) + self.grow[r].iter().sum::<usize>()
    }

    /// The segments of blocks `r`.
    pub fn of_blocks(&self, r: Range<usize>) -> Range<usize> {
        self.first[r.start]..self.first[r.end]
    }

    /// Byte range of segments `r` (not empty).
    pub fn bytes(&self, r: Range<usize>) -> Range<usize> {
        self.span[r.start].start..self.span[r.end - 1].end
    }

    /// Sum of lines over segments.
    pub fn range_lines(&self, r: Range<usize>) -> usize {
        self.lines[r].iter().sum()
    }

    /// Sum of tokens over segments (see [`BlockSizes::range_tokens`]).
    pub fn range_tokens(&self, r: Range<usize>) -> usize {
        self.tokens[r].iter().sum()
    }
}

/// What makes a part a sliver: under both counts (0 lines: no floor).
#[derive(Debug, Clone, Copy, Default)]
pub struct Floor {
    /// Lines.
    pub lines: usize,
    /// Tokens.
    pub tokens: usize,
}

impl Floor {
    /// Whether a part of this size is a sliver.
    pub fn below(&self, lines: usize, tokens: usize) -> bool {
        lines < self.lines && tokens < self.tokens
    }
}

fn fits(segs: &Segs, r: Range<usize>, o: &SplitOptions, res: Reserve) -> bool {
    segs.range_lines(r.clone()) + res.lines <= o.max_lines
        && segs.budget_tokens(r) + res.tokens <= o.max_tokens
}

/// Rank of a cut before segment `k`; `None` where no cut may fall.
fn rank(doc: &Document, segs: &Segs, k: usize) -> Option<u8> {
    let line = segs.line[k];
    if segs
        .sealed
        .iter()
        .any(|&(open, close)| open < line && line <= close)
    {
        return None;
    }
    let (b, pb) = (segs.block[k], segs.block[k - 1]);
    if b == pb {
        return Some(ITEM_RANK);
    }
    if matches!(
        doc.blocks[pb].kind,
        BlockKind::Heading { .. } | BlockKind::FrontMatter
    ) || doc.blocks[b].kind == BlockKind::ThematicBreak
    {
        return None;
    }
    Some(doc.heading_level(b).unwrap_or(7))
}

/// An author's fenced block that CommonMark ends early: its `(open, close)`
/// lines to where the readings meet again, and as the fence rules pair it.
pub(super) type Template = [(usize, usize); 2];

/// The `(open, close)` lines of the author's fenced blocks that CommonMark
/// ends early, as the fence rules read them: a nesting whose fences pair as a
/// stack, or pair two ways (either reading's block is kept whole). `close` runs
/// on to where the two readings meet again (see [`settled`]); the block as the
/// fence rules read it alone is given as well, for when the longer span does
/// not fit in a part.
pub(super) fn templates(doc: &Document) -> Vec<Template> {
    use crate::model::fences::{self, Piece};
    let fs = fences::top_level(doc);
    if fs.len() < 3 {
        return Vec::new();
    }
    let code: Vec<(usize, usize)> = doc
        .blocks
        .iter()
        .filter(|b| matches!(&b.kind, BlockKind::Code(c) if c.fenced))
        .map(|b| (b.line(), b.end_line()))
        .collect();
    fences::read(&fs)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Nest { open, close, .. } | Piece::Either { open, close } => {
                let (open, end) = (fs[open].line, fs[close].line);
                Some([(open, settled(&fs, close, &code)), (open, end)])
            }
            Piece::Tangle { .. } | Piece::Open { .. } => None,
        })
        .collect()
}

/// The line of the first fence from `fs[close]` on after which a cut falls
/// outside a fenced block in both readings: the author's (`fs[close]` closes
/// the outer block; the fences after it pair as CommonMark pairs them) and
/// CommonMark's (`code`, its fenced blocks' first and last lines, in order).
/// Past an outer block CommonMark ended early, the fence that was meant to
/// close it opens a block there, and the two readings pair every later fence
/// the other way round until they meet: a cut in between lands inside the
/// author's block (a part ending on its opener, the next one starting with its
/// content, which then renders as text and the block after it as code).
/// `usize::MAX` when they never meet.
fn settled(fs: &[crate::model::fences::Fence], close: usize, code: &[(usize, usize)]) -> usize {
    // A cut after `line` falls inside one of CommonMark's fenced blocks.
    let in_code = |line: usize| {
        let k = code.partition_point(|&(a, _)| a <= line);
        k > 0 && line < code[k - 1].1
    };
    let mut open: Option<usize> = None;
    for (k, f) in fs.iter().enumerate().skip(close) {
        if k > close {
            match open {
                None => {
                    open = Some(k);
                    continue;
                }
                Some(o) if f.closes(&fs[o]) => open = None,
                Some(_) => continue,
            }
        }
        if !in_code(f.line) {
            return f.line;
        }
    }
    usize::MAX
}

/// Penalty for cutting before a segment of the given rank: shallow headings are
/// the natural seams, a cut between two list items the last resort.
fn cut_penalty(rank: u8) -> f64 {
    f64::from(rank) * 6.0
}

/// Penalty for a part that uses only part of the budget: keeps parts even.
fn fill_penalty(lines: usize, tokens: usize, o: &SplitOptions, res: Reserve) -> f64 {
    let cap_l = o.max_lines.saturating_sub(res.lines).max(1) as f64;
    let cap_t = o.max_tokens.saturating_sub(res.tokens).max(1) as f64;
    let fill = (lines as f64 / cap_l).max(tokens as f64 / cap_t).min(1.0);
    60.0 * (1.0 - fill).powi(2)
}

/// Cut segments `r` into pieces within budget, choosing the cuts that minimise
/// the sum of cut, fill and sliver penalties (dynamic programming over segment
/// boundaries). A run with no allowed cut inside that is still over budget
/// becomes a piece of its own, and a sliver beside such a piece joins it; the
/// segments over budget are returned as the second value.
pub fn cut(
    doc: &Document,
    segs: &Segs,
    r: Range<usize>,
    o: &SplitOptions,
    res: Reserve,
    floor: Floor,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    if r.is_empty() {
        return (Vec::new(), Vec::new());
    }
    if fits(segs, r.clone(), o, res) {
        return (vec![r], Vec::new());
    }
    let (s, n) = (r.start, r.len());
    // Prefix sums for O(1) range sizes.
    let mut pl = vec![0usize; n + 1];
    let mut pt = vec![0usize; n + 1];
    for k in 0..n {
        pl[k + 1] = pl[k] + segs.lines[s + k];
        pt[k + 1] = pt[k] + segs.tokens[s + k] + segs.grow[s + k];
    }
    let rank_at = |k: usize| {
        if k == 0 {
            Some(0)
        } else {
            rank(doc, segs, s + k)
        }
    };
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
                let over = if fits { 0.0 } else { OVER_PENALTY };
                let sliver = if floor.below(l, t) {
                    SLIVER_PENALTY
                } else {
                    0.0
                };
                let c = best[j]
                    + fill_penalty(l, t, o, res)
                    + over
                    + sliver
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
    let pieces = slivers_join_oversize(doc, segs, pieces, o, res, floor);
    let pieces = lead_ins_join_oversize(doc, segs, pieces, o, res, floor);
    let mut big = Vec::new();
    for p in &pieces {
        if !fits(segs, p.clone(), o, res) {
            let over: Vec<usize> = p
                .clone()
                .filter(|&b| !fits(segs, b..b + 1, o, res))
                .collect();
            if over.is_empty() {
                // No one segment is over: blocks with no place to cut
                // between them (an author's fenced template kept whole).
                big.push(p.clone());
            } else {
                big.extend(over.into_iter().map(|b| b..b + 1));
            }
        }
    }
    (pieces, big)
}

/// A sliver beside a piece that is over budget anyway joins it: a `---` or a
/// closing line after a huge code block, or a heading and one line of intro
/// before it, is no file of its own. A sliver that opens with a heading joins
/// the piece after it (the heading introduces that text: `## Task 3` and its
/// first step belong with Task 3's big code block, not at the foot of Task 2);
/// any other sliver joins the piece before it first.
fn slivers_join_oversize(
    doc: &Document,
    segs: &Segs,
    mut pieces: Vec<Range<usize>>,
    o: &SplitOptions,
    res: Reserve,
    floor: Floor,
) -> Vec<Range<usize>> {
    let over = |p: &Range<usize>| !fits(segs, p.clone(), o, res);
    let sliver =
        |p: &Range<usize>| floor.below(segs.range_lines(p.clone()), segs.range_tokens(p.clone()));
    // The last segment of a piece that starts a heading (a cut may fall there).
    let last_heading = |p: &Range<usize>| {
        p.clone().rev().find(|&i| {
            (i == p.start || segs.block[i] != segs.block[i - 1])
                && doc.heading_level(segs.block[i]).is_some()
        })
    };
    let mut k = 0;
    while k < pieces.len() {
        if pieces.len() > 1 && sliver(&pieces[k]) {
            let before = k > 0 && over(&pieces[k - 1]);
            let after = k + 1 < pieces.len() && over(&pieces[k + 1]);
            let seam = last_heading(&pieces[k]);
            if after && (!before || seam == Some(pieces[k].start)) {
                pieces[k + 1].start = pieces[k].start;
                pieces.remove(k);
                continue;
            }
            if before && after {
                if let Some(h) = seam {
                    // Text before the heading closes the piece before; the
                    // heading and its intro open the piece after.
                    pieces[k - 1].end = h;
                    pieces[k + 1].start = h;
                    pieces.remove(k);
                    continue;
                }
            }
            if before {
                pieces[k - 1].end = pieces[k].end;
                pieces.remove(k);
                continue;
            }
        }
        k += 1;
    }
    pieces
}

/// A heading and its short lead-in at the foot of a piece go with the piece
/// after it when that one is over budget anyway and does not start at a
/// heading: `## Task 2: Create AppBuilder`, "Step 1" and "Create
/// `src/app-builder.ts`:" ended a part whose next one held the 233-line code
/// block they introduce, with no heading. The cuts never weigh this
/// themselves: they leave out a piece over budget wherever a cut falls inside
/// it. Only a lead-in under the floor moves, and only when what stays before
/// it is at or above the floor.
fn lead_ins_join_oversize(
    doc: &Document,
    segs: &Segs,
    mut pieces: Vec<Range<usize>>,
    o: &SplitOptions,
    res: Reserve,
    floor: Floor,
) -> Vec<Range<usize>> {
    for k in 1..pieces.len() {
        let (prev, cur) = (pieces[k - 1].clone(), pieces[k].clone());
        let starts_heading = doc.heading_level(segs.block[cur.start]).is_some();
        if starts_heading || fits(segs, cur.clone(), o, res) {
            continue;
        }
        // The last seam at a heading in the piece before, where a cut may fall.
        let Some(h) = (prev.start + 1..prev.end).rev().find(|&i| {
            segs.block[i] != segs.block[i - 1]
                && doc.heading_level(segs.block[i]).is_some()
                && rank(doc, segs, i).is_some()
        }) else {
            continue;
        };
        let (tail, rest) = (h..prev.end, prev.start..h);
        let below =
            |r: Range<usize>| floor.below(segs.range_lines(r.clone()), segs.range_tokens(r));
        // What stays must not become a sliver of its own (a heading and a
        // line, where the piece was 58 lines).
        if below(tail) && !below(rest) {
            pieces[k - 1].end = h;
            pieces[k].start = h;
        }
    }
    pieces
}
