//! Units: the pieces a file is split into before any budget applies. One per
//! subphase heading at the subphase level, one per other heading at that level or
//! above, and the preamble. Then slivers join a neighbour:
//! - a heading with only a short intro (a group such as "### Nonprod Deployment",
//!   or a parent "### 0.2 Setup" over its "#### 0.2.1") travels with the unit
//!   under it;
//! - a small title, overview or table of contents travels with the first
//!   subphase;
//! - a small section that is not a subphase ("### Deliverables", "## Next
//!   Steps") joins the section before it (a run of them stays together);
//! - in a file over budget (which must be cut anyway), a subphase that is only
//!   a heading and a short intro (at most two blocks, under a quarter of the
//!   floor), which only continues its sibling ("Step 1.2: Run the test to see it
//!   fail" after "Step 1.1: Write the failing test"), joins it. A file within
//!   budget is split exactly at its subphases: their size is the author's
//!   choice.
//!
//! A shallower heading with a body of its own (a real section, or one a broken
//! fence let out) stays a unit of its own, and so does every subphase of a size
//! worth a file: a file per subphase is the point. Headings that leaked out of an
//! embedded template (a ```markdown block closed early by its own inner fence)
//! never start a unit, so they never name a file.

use std::ops::Range;

use super::budget::{BlockSizes, Floor, Template};
use crate::config::{Environment, HeadingRules};
use crate::model::{BlockKind, Document};
use crate::subphase::{foreign_title, recognise, unit_level, Reading, Subphase};

/// Most lines a group heading and its intro may have and still travel with the
/// subphase that follows, whatever the floor.
const GROUP_MAX_LINES: usize = 20;

/// A unit: a run of blocks.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Blocks `start..end`.
    pub blocks: Range<usize>,
    /// Subphase of its (last) heading, if it is one.
    pub subphase: Option<Subphase>,
    /// Heading text that names it; empty for a headingless preamble.
    pub title: String,
    /// Block of the heading that names it, if any.
    pub heading: Option<usize>,
    /// The number of the last of the small sibling subphases that joined it
    /// ([`small_subphases_join_a_sibling`]), when any did: its name says the
    /// range it holds (`phase-2.1-to-2.6-logger-module.md`), not its first
    /// subphase's alone.
    pub through: Option<String>,
}

/// All units of a document and the subphase level used.
#[derive(Debug, Clone)]
pub struct Units {
    /// In document order, tiling all blocks.
    pub units: Vec<Unit>,
    /// Level holding the most subphase headings.
    pub level: Option<u8>,
}

/// What a unit must reach not to be a sliver, and what fits in a file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A unit under it is a sliver.
    pub floor: Floor,
    /// Room for a unit's body in one file: lines.
    pub cap_lines: usize,
    /// Room for a unit's body in one file: tokens.
    pub cap_tokens: usize,
}

impl Limits {
    /// Whether `lines` and `tokens` are under the floor.
    fn below_floor(&self, lines: usize, tokens: usize) -> bool {
        self.floor.below(lines, tokens)
    }

    /// Whether a subphase of this size is only a heading and a few lines: under
    /// a quarter of the floor. A subphase any bigger keeps a file of its own.
    fn tiny(&self, lines: usize, tokens: usize) -> bool {
        Floor {
            lines: self.floor.lines.div_ceil(4),
            tokens: self.floor.tokens.div_ceil(4),
        }
        .below(lines, tokens)
    }

    fn fits(&self, lines: usize, tokens: usize) -> bool {
        lines <= self.cap_lines && tokens <= self.cap_tokens
    }
}

/// A unit while units are found: its unit and the level of its first heading
/// (`None` for a headingless preamble).
#[derive(Debug, Clone)]
struct Raw {
    unit: Unit,
    level: Option<u8>,
    /// Level of the heading that names it.
    named_level: Option<u8>,
}

/// Line ranges (`first..=last`) whose headings leaked out of an embedded
/// template: a closed fence holding an inner opener that its own closer ends
/// (a ```markdown block holding a ```bash block) lets the rest of the template
/// out as Markdown. The leak runs to the block the intended outer closer opens:
/// the first fenced block after it that is never closed, or that has no info
/// string and hides a subphase heading of the plan; when there is none, to the
/// next fenced block (as `fence.suspicious` reports it). A block inside one of
/// the `templates` the fence rules pair is part of that template (often the
/// block its intended closer opens, holding an inner opener of the template's
/// tail), not a template of its own: read as one, with no fence after it, it
/// leaked every heading to the end of the file.
fn leaked_lines(
    doc: &Document,
    rules: &HeadingRules,
    envs: &[Environment],
    templates: &[Template],
) -> Vec<(usize, usize)> {
    let in_template = |line: usize| {
        templates.iter().any(|t| {
            let (a, z) = if t[0].1 < usize::MAX { t[0] } else { t[1] };
            a < line && line <= z
        })
    };
    let fence = |b: &crate::model::Block| match &b.kind {
        BlockKind::Code(c) if c.fenced => Some(c.clone()),
        _ => None,
    };
    let mut out: Vec<(usize, usize)> = Vec::new();
    // The block a template's intended closer opens holds the template's tail
    // (and often an inner fence too): it is no template of its own.
    let mut stray_at: Option<usize> = None;
    for (i, b) in doc.blocks.iter().enumerate() {
        let Some(c) = fence(b) else { continue };
        if !c.closed
            || b.end_line() <= b.line() + 1
            || stray_at == Some(b.line())
            || in_template(b.line())
        {
            continue;
        }
        let inner = (b.line() + 1..b.end_line()).any(|l| {
            let t = doc.source.line_text(l).trim();
            let run = t.chars().take_while(|&ch| ch == c.fence_char).count();
            run >= c.fence_len && !t[run * c.fence_char.len_utf8()..].trim().is_empty()
        });
        if !inner {
            continue;
        }
        let later: Vec<&crate::model::Block> = doc.blocks[i + 1..]
            .iter()
            .filter(|x| fence(x).is_some())
            .collect();
        let stray = later.iter().find(|x| {
            let Some(k) = fence(x) else { return false };
            !k.closed
                || (k.info.trim().is_empty()
                    && (x.line() + 1..x.end_line()).any(|l| {
                        let t = doc.source.line_text(l).trim_start();
                        let h = t.trim_start_matches('#');
                        (1..=6).contains(&(t.len() - h.len()))
                            && h.starts_with(' ')
                            && recognise(h.trim(), rules, envs).is_some()
                    }))
        });
        let next = stray.or(later.first());
        stray_at = next.map(|n| n.line());
        let end = next.map(|n| n.line() - 1).unwrap_or(usize::MAX);
        if end > b.end_line() {
            out.push((b.end_line() + 1, end));
        }
    }
    out
}

/// Find the units of a document; `sizes` measures its blocks, `limits` says
/// which units are slivers.
pub fn find(
    doc: &Document,
    rules: &HeadingRules,
    envs: &[Environment],
    sizes: &BlockSizes,
    limits: &Limits,
    templates: &[Template],
) -> Units {
    let mut leaked = leaked_lines(doc, rules, envs, templates);
    // The author's templates as the fence rules pair them, up to where their
    // reading and CommonMark's meet again (`budget::templates`): a heading in one
    // is the template's (YardFlow's `### 7. Monitor Production` inside a
    // ```markdown hotfix procedure started a part), when it fits in a part.
    leaked.extend(templates.iter().filter_map(|spans| {
        spans
            .iter()
            .copied()
            .find(|&(a, z)| z < usize::MAX && z + 1 - a <= limits.cap_lines)
    }));
    let reading = Reading::of_doc(doc, rules, envs);
    let mut tops: Vec<(usize, u8, &str, Option<Subphase>)> = doc
        .top_headings()
        .filter(|(_, h)| !leaked.iter().any(|&(a, z)| a <= h.line() && h.line() <= z))
        .map(|(b, h)| (b, h.level, h.text(), reading.recognise(h.text())))
        .collect();
    if let Some((first, rest)) = tops.split_first() {
        let below: Vec<&Subphase> = rest.iter().filter_map(|t| t.3.as_ref()).collect();
        let is_title = rest.iter().all(|t| t.1 > first.1);
        if is_title && first.3.as_ref().is_some_and(|s| foreign_title(s, &below)) {
            tops[0].3 = None;
        }
    }
    let level = unit_level(tops.iter().filter(|t| t.3.is_some()).map(|t| t.1));
    let n = doc.blocks.len();
    let Some(level) = level else {
        // No subphases: the whole file is one unit, named after its first heading.
        let first = tops.first();
        return Units {
            units: vec![Unit {
                blocks: 0..n,
                subphase: None,
                title: first.map(|t| t.2.to_string()).unwrap_or_default(),
                heading: first.map(|t| t.0),
                through: None,
            }],
            level: None,
        };
    };

    // A paragraph line over `---` is a level-2 setext heading to CommonMark but
    // almost never meant as one among deeper subphases (check reports it as
    // heading.setext-ambiguous); it does not start a unit.
    let accidental = |t: &&(usize, u8, &str, Option<Subphase>)| {
        t.1 == 2
            && t.1 < level
            && matches!(
                doc.blocks[t.0].kind,
                BlockKind::Heading { setext: true, .. }
            )
    };
    let starts: Vec<&(usize, u8, &str, Option<Subphase>)> = tops
        .iter()
        .filter(|t| t.1 <= level && !accidental(t))
        .collect();
    let mut units: Vec<Raw> = Vec::new();
    let first = starts.first().map(|t| t.0).unwrap_or(n);
    if first > 0 {
        let head = tops.iter().find(|t| t.0 < first);
        units.push(Raw {
            unit: Unit {
                blocks: 0..first,
                subphase: None,
                title: head.map(|t| t.2.to_string()).unwrap_or_default(),
                heading: head.map(|t| t.0),
                through: None,
            },
            level: None,
            named_level: head.map(|t| t.1),
        });
    }
    for (i, t) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|s| s.0).unwrap_or(n);
        units.push(Raw {
            unit: Unit {
                blocks: t.0..end,
                subphase: t.3.clone(),
                title: t.2.to_string(),
                heading: Some(t.0),
                through: None,
            },
            level: Some(t.1),
            named_level: Some(t.1),
        });
    }
    // The document title (a first heading no other heading is shallower than)
    // heads the preamble; it is never a group.
    let title_block = tops
        .first()
        .filter(|f| tops.iter().all(|t| t.1 >= f.1))
        .map(|f| f.0);
    let size = |r: &Range<usize>| (sizes.range_lines(r.clone()), sizes.range_tokens(r.clone()));
    intros_join_what_follows(&mut units, level, title_block, limits, &size);
    leading_slivers_join_the_first_unit(doc, &mut units, limits, &size);
    small_sections_join_the_one_before(&mut units, limits, &size);
    let whole = size(&(0..n));
    if !limits.fits(whole.0, whole.1) {
        small_subphases_join_a_sibling(&mut units, limits, &size);
    }
    Units {
        units: units.into_iter().map(|u| u.unit).collect(),
        level: Some(level),
    }
}

type Size<'a> = dyn Fn(&Range<usize>) -> (usize, usize) + 'a;

/// Merge `units[at]` into `units[at + 1]`. The merged unit is named for the
/// subphase it holds (the later one's first), else for its outer heading.
fn merge_forward(units: &mut Vec<Raw>, at: usize) {
    let prev = units.remove(at);
    let next = &mut units[at];
    next.unit.blocks.start = prev.unit.blocks.start;
    // It now starts with the earlier heading: compare the next heading back
    // against that level.
    next.level = prev.level.or(next.level);
    if next.unit.subphase.is_none() && (prev.unit.subphase.is_some() || prev.unit.heading.is_some())
    {
        next.unit.subphase = prev.unit.subphase;
        next.unit.title = prev.unit.title;
        next.unit.heading = prev.unit.heading;
        next.named_level = prev.named_level;
    }
}

/// Merge `units[at]` into `units[at - 1]`, which keeps its name.
fn merge_back(units: &mut Vec<Raw>, at: usize) {
    let cur = units.remove(at);
    units[at - 1].unit.blocks.end = cur.unit.blocks.end;
}

/// Whether a unit of `a` and `b` together fits, or `b` is over budget anyway
/// (joining it never causes a cut it did not need).
fn may_join(limits: &Limits, a: (usize, usize), b: (usize, usize)) -> bool {
    limits.fits(a.0 + b.0, a.1 + b.1) || !limits.fits(b.0, b.1)
}

/// A heading with only a short intro travels with the deeper unit after it, back
/// to front so chains (## Breakdown > ### Group > #### Phase 4.1) collapse. A
/// group (no subphase, shallower than the subphase level) of up to
/// [`GROUP_MAX_LINES`] always does; any other heading when under the floor.
fn intros_join_what_follows(
    units: &mut Vec<Raw>,
    level: u8,
    title_block: Option<usize>,
    limits: &Limits,
    size: &Size,
) {
    let mut i = units.len();
    while i > 1 {
        i -= 1;
        let prev = i - 1;
        let (Some(pl), Some(cl)) = (units[prev].level, units[i].level) else {
            continue;
        };
        if pl >= cl || Some(units[prev].unit.blocks.start) == title_block {
            continue;
        }
        let (a, b) = (size(&units[prev].unit.blocks), size(&units[i].unit.blocks));
        let group = units[prev].unit.subphase.is_none() && pl < level && a.0 <= GROUP_MAX_LINES;
        let sliver = limits.below_floor(a.0, a.1) && may_join(limits, a, b);
        if group || sliver {
            merge_forward(units, prev);
        }
    }
}

/// A small preamble (title, front matter, overview, table of contents) travels
/// with the unit after it, and on while what has gathered is still small: so a
/// short title, overview and TOC reach the first subphase together. Front matter, a `---` or a comment with no text of its own always does.
fn leading_slivers_join_the_first_unit(
    doc: &Document,
    units: &mut Vec<Raw>,
    limits: &Limits,
    size: &Size,
) {
    while units.len() > 1 && units[0].unit.subphase.is_none() {
        let (a, b) = (size(&units[0].unit.blocks), size(&units[1].unit.blocks));
        let bare = units[0].unit.heading.is_none()
            && doc.blocks[units[0].unit.blocks.clone()].iter().all(|x| {
                matches!(
                    x.kind,
                    BlockKind::FrontMatter
                        | BlockKind::ThematicBreak
                        | BlockKind::Html
                        | BlockKind::Other
                )
            });
        if !bare && (!limits.below_floor(a.0, a.1) || !may_join(limits, a, b)) {
            break;
        }
        merge_forward(units, 0);
    }
}

/// A small section that is not a subphase joins the section before it: first
/// runs of them gather (a run that reaches the floor stays a unit of its own,
/// named for its first section), then what is still small joins the unit before
/// it, when that fits.
fn small_sections_join_the_one_before(units: &mut Vec<Raw>, limits: &Limits, size: &Size) {
    let small = |u: &Raw| {
        let (l, t) = size(&u.unit.blocks);
        u.unit.subphase.is_none() && limits.below_floor(l, t)
    };
    let mut i = 1;
    while i < units.len() {
        let (a, b) = (size(&units[i - 1].unit.blocks), size(&units[i].unit.blocks));
        if small(&units[i]) && units[i - 1].unit.subphase.is_none() && may_join(limits, b, a) {
            merge_back(units, i);
        } else {
            i += 1;
        }
    }
    let mut i = 1;
    while i < units.len() {
        let (a, b) = (size(&units[i - 1].unit.blocks), size(&units[i].unit.blocks));
        if small(&units[i]) && may_join(limits, b, a) {
            merge_back(units, i);
        } else {
            i += 1;
        }
    }
}

/// The last subphase number `u` holds, for the unit it joins (after it).
fn joined_through(u: &Unit) -> Option<String> {
    u.through
        .clone()
        .or_else(|| u.subphase.as_ref().map(|s| s.number.clone()))
}

/// A subphase of only a heading and a short intro (at most two blocks after the
/// heading, [`Limits::tiny`] in size) joins the sibling subphase before it (the
/// step it finishes), else the one after it, when they fit in one file together.
/// Siblings are consecutive units named for subphase headings of one level, the
/// later one starting with its own heading (no group in between).
fn small_subphases_join_a_sibling(units: &mut Vec<Raw>, limits: &Limits, size: &Size) {
    let sibling = |a: &Raw, b: &Raw| {
        a.unit.subphase.is_some()
            && b.unit.subphase.is_some()
            && a.named_level == b.named_level
            && b.level == b.named_level
    };
    let mut i = 0;
    while i < units.len() {
        let me = size(&units[i].unit.blocks);
        let intro_only = units[i].unit.blocks.len() <= 3;
        if units[i].unit.subphase.is_none() || !intro_only || !limits.tiny(me.0, me.1) {
            i += 1;
            continue;
        }
        if i > 0 && sibling(&units[i - 1], &units[i]) {
            let prev = size(&units[i - 1].unit.blocks);
            if limits.fits(prev.0 + me.0, prev.1 + me.1) {
                let last = joined_through(&units[i].unit);
                merge_back(units, i);
                units[i - 1].unit.through = last;
                continue;
            }
        }
        if i + 1 < units.len() && sibling(&units[i], &units[i + 1]) {
            let next = size(&units[i + 1].unit.blocks);
            if limits.fits(next.0 + me.0, next.1 + me.1) {
                // The earlier subphase names the merged unit.
                let cur = units.remove(i + 1);
                units[i].unit.blocks.end = cur.unit.blocks.end;
                units[i].unit.through = joined_through(&cur.unit);
                continue;
            }
        }
        i += 1;
    }
}
