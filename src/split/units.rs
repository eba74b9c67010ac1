//! Units: the pieces a file is split into before any budget applies. One per
//! subphase heading at the subphase level, one per other heading at that level or
//! above, and the preamble. A group heading ("### Nonprod Deployment") with no
//! subphase of its own and at most a short intro travels with the first subphase
//! under it; a shallower heading with a body of its own (a real section, or one a
//! broken fence let out) stays a unit of its own.

use std::ops::Range;

use crate::config::{Environment, HeadingRules};
use crate::model::{count_lines, BlockKind, Document};

/// Most lines a group heading and its intro may have and still travel with the
/// subphase that follows.
const GROUP_MAX_LINES: usize = 20;
use crate::subphase::{recognise, unit_level, Subphase};

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
}

/// All units of a document and the subphase level used.
#[derive(Debug, Clone)]
pub struct Units {
    /// In document order, tiling all blocks.
    pub units: Vec<Unit>,
    /// Level holding the most subphase headings.
    pub level: Option<u8>,
}

/// Line ranges (`first..=last`) whose headings leaked out of an embedded
/// template: a closed fence holding an inner opener that its own closer ends
/// (a ```markdown block holding a ```bash block) lets the rest of the template
/// out as Markdown. The leak runs to the block the intended outer closer opens:
/// the first fenced block after it that is never closed, or that has no info
/// string and hides a subphase heading of the plan; when there is none, to the
/// next fenced block (as `fence.suspicious` reports it).
fn leaked_lines(doc: &Document, rules: &HeadingRules, envs: &[Environment]) -> Vec<(usize, usize)> {
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
        if !c.closed || b.end_line <= b.line + 1 || stray_at == Some(b.line) {
            continue;
        }
        let inner = (b.line + 1..b.end_line).any(|l| {
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
                    && (x.line + 1..x.end_line).any(|l| {
                        let t = doc.source.line_text(l).trim_start();
                        let h = t.trim_start_matches('#');
                        (1..=6).contains(&(t.len() - h.len()))
                            && h.starts_with(' ')
                            && recognise(h.trim(), rules, envs).is_some()
                    }))
        });
        let next = stray.or(later.first());
        stray_at = next.map(|n| n.line);
        let end = next.map(|n| n.line - 1).unwrap_or(usize::MAX);
        if end > b.end_line {
            out.push((b.end_line + 1, end));
        }
    }
    out
}

/// Find the units of a document.
pub fn find(doc: &Document, rules: &HeadingRules, envs: &[Environment]) -> Units {
    let leaked = leaked_lines(doc, rules, envs);
    let tops: Vec<(usize, u8, &str, Option<Subphase>)> = doc
        .top_headings()
        .filter(|(_, h)| !leaked.iter().any(|&(a, z)| a <= h.line && h.line <= z))
        .map(|(b, h)| (b, h.level, h.text.as_str(), recognise(&h.text, rules, envs)))
        .collect();
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
    let mut units: Vec<(Unit, Option<u8>)> = Vec::new();
    let first = starts.first().map(|t| t.0).unwrap_or(n);
    if first > 0 {
        let head = tops.iter().find(|t| t.0 < first);
        units.push((
            Unit {
                blocks: 0..first,
                subphase: None,
                title: head.map(|t| t.2.to_string()).unwrap_or_default(),
                heading: head.map(|t| t.0),
            },
            None,
        ));
    }
    for (i, t) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|s| s.0).unwrap_or(n);
        units.push((
            Unit {
                blocks: t.0..end,
                subphase: t.3.clone(),
                title: t.2.to_string(),
                heading: Some(t.0),
            },
            Some(t.1),
        ));
    }
    // The document title (a first heading no other heading is shallower than)
    // heads the preamble; it is never a group.
    let title_block = tops
        .first()
        .filter(|f| tops.iter().all(|t| t.1 >= f.1))
        .map(|f| f.0);
    // Merge group headings into the unit that follows, back to front so chains
    // (## Breakdown > ### Group > #### Phase 4.1) collapse into the subphase.
    let mut i = units.len();
    while i > 1 {
        i -= 1;
        let prev = i - 1;
        let (Some(pl), Some(cl)) = (units[prev].1, units[i].1) else {
            continue;
        };
        let is_title = Some(units[prev].0.blocks.start) == title_block;
        let own = &units[prev].0.blocks;
        let span = doc.blocks[own.start].span.start..doc.blocks[own.end - 1].span.end;
        let short = count_lines(&doc.source.text[span]) <= GROUP_MAX_LINES;
        if units[prev].0.subphase.is_none() && pl < cl && pl < level && !is_title && short {
            let start = units[prev].0.blocks.start;
            units[i].0.blocks.start = start;
            // The merged unit now starts with the group heading: compare the next
            // heading back against that level, not the subphase's.
            units[i].1 = Some(pl);
            units.remove(prev);
        }
    }
    Units {
        units: units.into_iter().map(|u| u.0).collect(),
        level: Some(level),
    }
}
