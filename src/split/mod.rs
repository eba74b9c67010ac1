//! Split planning: choose units (one per subphase, plus the text around them;
//! slivers join a neighbour), then cut any unit over budget at the shallowest
//! heading level available, then between top-level blocks (or the items of a
//! list too long for a file), never inside one, and never leaving a part under
//! the floor where another cut would do. Pure: returns byte ranges into the
//! original and the short continuation lines to add; writing is someone else's job.

mod budget;
mod items;
mod naming;
mod refdefs;
mod units;

use std::ops::Range;

use crate::config::{Environment, HeadingRules};
use crate::model::{count_lines, Document, Heading};
use crate::subphase::Subphase;
use crate::tokens::{joins_cleanly, Encoding};

pub use naming::continued_from;

/// Budgets and naming limits for a split.
#[derive(Debug, Clone, Copy)]
pub struct SplitOptions {
    /// Most lines per output file.
    pub max_lines: usize,
    /// Most tokens per output file.
    pub max_tokens: usize,
    /// Encoding the token budget is measured in.
    pub encoding: Encoding,
    /// Longest slug after the number.
    pub slug_max: usize,
    /// Share of the budget (lines and tokens) below which a part is a sliver
    /// (`budgets.floor`); 0 for none.
    pub floor: f64,
}

impl SplitOptions {
    /// The floor in lines and tokens.
    fn floor(&self) -> budget::Floor {
        let share = if self.floor.is_finite() {
            self.floor.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let of = |n: usize| (n as f64 * share).ceil() as usize;
        budget::Floor {
            lines: of(self.max_lines),
            tokens: of(self.max_tokens),
        }
    }
}

/// One output file of a split.
#[derive(Debug, Clone)]
pub struct Part {
    /// File name (no folder).
    pub name: String,
    /// Text replan adds before the body (empty for a unit's first part).
    pub prefix: String,
    /// Text replan adds after the body: copies of link definitions the part uses
    /// but another part holds (empty when none).
    pub suffix: String,
    /// Bytes of the original this part carries.
    pub span: Range<usize>,
    /// Lines of the whole output file.
    pub lines: usize,
    /// Tokens of the whole output file.
    pub tokens: usize,
    /// The subphase the unit holds, if any.
    pub subphase: Option<Subphase>,
    /// Heading text of the unit (or the file stem for a headingless preamble).
    pub title: String,
    /// 1-based line in the original where the part starts.
    pub line: usize,
    /// 1-based part number within its unit.
    pub part: usize,
    /// Number of parts of its unit.
    pub parts: usize,
}

impl Part {
    /// Full contents of the output file.
    pub fn contents(&self, doc: &Document) -> String {
        let mut s = String::with_capacity(self.prefix.len() + self.span.len() + self.suffix.len());
        s.push_str(&self.prefix);
        s.push_str(&doc.source.text[self.span.clone()]);
        s.push_str(&self.suffix);
        s
    }
}

/// A block too big for the budget; kept whole and reported.
#[derive(Debug, Clone)]
pub struct Oversize {
    /// 1-based first line of the block.
    pub line: usize,
    /// Its lines.
    pub lines: usize,
    /// Its tokens.
    pub tokens: usize,
    /// How many blocks (or items of a list) it is: more than one when no
    /// place between them may be cut (a fenced template CommonMark ends early).
    pub blocks: usize,
    /// Name of the part holding it.
    pub part: String,
}

impl Oversize {
    /// What it is and that it is over, for a note, with "the budget" to
    /// follow: `a single block of 40 lines / 900 tokens exceeds`, or `3 blocks
    /// with no place to cut between them (…) exceed`.
    pub fn exceeds(&self) -> String {
        if self.blocks > 1 {
            format!(
                "{} blocks with no place to cut between them ({} lines / {} tokens) exceed",
                self.blocks, self.lines, self.tokens
            )
        } else {
            format!(
                "a single block of {} lines / {} tokens exceeds",
                self.lines, self.tokens
            )
        }
    }
}

/// The outcome of planning a split of one document.
#[derive(Debug, Clone)]
pub struct SplitPlan {
    /// Output files in document order.
    pub parts: Vec<Part>,
    /// Blocks over budget that stay whole.
    pub oversize: Vec<Oversize>,
    /// Heading level of the subphases, when any were found.
    pub unit_level: Option<u8>,
    /// No free names were left for a unit's parts (every candidate taken):
    /// the plan has no parts and the file must stay whole. Said apart from an
    /// empty document, whose plan has no parts either, so a caller can tell
    /// the user why nothing was split.
    pub no_free_names: bool,
}

impl SplitPlan {
    /// The parts' bodies concatenated: equal to the input by construction.
    pub fn reassemble(&self, doc: &Document) -> String {
        self.parts
            .iter()
            .map(|p| &doc.source.text[p.span.clone()])
            .collect()
    }

    /// Whether splitting changes anything (more than one part).
    pub fn is_split(&self) -> bool {
        self.parts.len() > 1
    }

    /// Where each heading of `doc` went: `(heading, part, anchor)` for every
    /// heading (an index into `doc.headings`), the index of the part holding it,
    /// and its anchor there (GitHub's `-1` suffixes count per document), or
    /// `None` when the part's own parse does not see it again. `parts` are the
    /// headings of the parts' contents parsed, in the order of
    /// [`SplitPlan::parts`] (only the headings: a caller need not hold every
    /// part's parse at once).
    pub fn heading_map(
        &self,
        doc: &Document,
        parts: &[&[Heading]],
    ) -> Vec<(usize, usize, Option<String>)> {
        let mut out = Vec::with_capacity(doc.headings.len());
        // Headings come in line order (comrak's document order), so a part's
        // are one stretch of them, found by search rather than by a pass over
        // every heading for every part (quadratic on a big file). Should an
        // order ever be broken (comrak has moved footnote definitions), every
        // heading is looked at, as before.
        let sorted = |hs: &[Heading]| hs.is_sorted_by_key(|h| h.line());
        let in_order = sorted(&doc.headings);
        for (k, (part, pheads)) in self.parts.iter().zip(parts).enumerate() {
            let first = doc.source.line_of(part.span.start);
            let last = if part.span.end == 0 {
                0
            } else {
                doc.source.line_of(part.span.end - 1)
            };
            let shift = count_lines(&part.prefix);
            let (from, to) = if in_order {
                (
                    doc.headings.partition_point(|h| h.line() < first),
                    doc.headings.partition_point(|h| h.line() <= last),
                )
            } else {
                (0, doc.headings.len())
            };
            let part_in_order = sorted(pheads);
            for (i, h) in doc.headings.iter().enumerate().take(to).skip(from) {
                if h.line() < first || h.line() > last {
                    continue;
                }
                let new_line = h.line() - first + 1 + shift;
                let found = if part_in_order {
                    let at = pheads.partition_point(|ph| ph.line() < new_line);
                    pheads.get(at).filter(|ph| ph.line() == new_line)
                } else {
                    pheads.iter().find(|ph| ph.line() == new_line)
                };
                out.push((i, k, found.map(|ph| ph.anchor().to_string())));
            }
        }
        out
    }
}

/// Plan the split of `doc`, whose own file stem is `stem`. The file stays where
/// it is, so no part takes its name.
pub fn plan(
    doc: &Document,
    rules: &HeadingRules,
    envs: &[Environment],
    opts: &SplitOptions,
    stem: &str,
) -> SplitPlan {
    let own = format!("{stem}.md");
    plan_avoiding(doc, rules, envs, opts, stem, &|name| name == own)
}

/// Like [`plan_avoiding`], and also never a name for which `excluded` is true
/// (a name the configuration leaves alone: that part would never be checked
/// or refreshed again) while any names are free: a glob of the user's own that
/// matches a title's words (`**/*draft*.md`) could exclude every name a part
/// might take, and then names are only kept from `taken`, as before the rule.
/// `None`: no name is excluded (a folder left alone whatever the name).
pub fn plan_unexcluded(
    doc: &Document,
    rules: &HeadingRules,
    envs: &[Environment],
    opts: &SplitOptions,
    stem: &str,
    taken: &dyn Fn(&str) -> bool,
    excluded: Option<&dyn Fn(&str) -> bool>,
) -> SplitPlan {
    if let Some(excluded) = excluded {
        let sp = plan_avoiding(doc, rules, envs, opts, stem, &|n| taken(n) || excluded(n));
        if !sp.no_free_names {
            return sp;
        }
    }
    plan_avoiding(doc, rules, envs, opts, stem, taken)
}

/// Like [`plan`], but never hands out a file name for which `taken` is true
/// (files already in the target folder), so a later split picks `-2` instead of
/// clashing with earlier output. The file's own name is free unless `taken`
/// says otherwise: a caller that moves the file away may give it to a part.
pub fn plan_avoiding(
    doc: &Document,
    rules: &HeadingRules,
    envs: &[Environment],
    opts: &SplitOptions,
    stem: &str,
    taken: &dyn Fn(&str) -> bool,
) -> SplitPlan {
    let sizes = budget::BlockSizes::measure(doc, opts.encoding);
    let floor = opts.floor();
    let limits = units::Limits {
        floor,
        cap_lines: opts.max_lines.saturating_sub(budget::PREFIX_LINES),
        cap_tokens: opts.max_tokens.saturating_sub(budget::PREFIX_TOKENS),
    };
    // Found once: units keep their headings out of unit starts, segments
    // keep cuts out of them.
    let templates = budget::templates(doc);
    let units = units::find(doc, rules, envs, &sizes, &limits, &templates);
    let mut names = naming::Namer::new(doc, rules, stem, opts.slug_max);
    names.also_taken(taken);
    let bases: Vec<String> = units
        .units
        .iter()
        .enumerate()
        .map(|(ui, unit)| names.base(doc, unit, ui == 0))
        .collect();
    let growth = link_growth(doc, &units.units, &bases, &names, opts.encoding);
    let segs = budget::Segs::build(doc, &sizes, opts, &growth, &templates);
    let mut parts = Vec::new();
    let mut oversize = Vec::new();
    let defs = refdefs::DefIndex::new(doc);
    for (ui, unit) in units.units.iter().enumerate() {
        let base = bases[ui].clone();
        // Measure the continuation this unit's parts would carry (with the widest
        // part numbers and a uniqueness suffix), so a long title cannot push a
        // part over the token budget.
        let widest = naming::continuation(
            &unit.title,
            &format!("{base}-999.md"),
            999,
            999,
            doc.source.newline,
        );
        let mut reserve = budget::Reserve::for_tokens(opts.encoding.count(&widest) + 4);
        // Any part may also carry copies of the link definitions it uses: keep
        // room for all those the unit uses (an upper bound for each of its parts).
        if let (Some(ix), false) = (&defs, unit.blocks.is_empty()) {
            let span = doc.blocks[unit.blocks.start].span().start
                ..doc.blocks[unit.blocks.end - 1].span().end;
            let used = ix.used(doc, &span, false);
            if !used.is_empty() {
                let s = refdefs::suffix(&used, doc.source.newline, false);
                reserve.lines += count_lines(&s);
                reserve.tokens += opts.encoding.count(&s) + 2;
            }
        }
        let range = segs.of_blocks(unit.blocks.clone());
        let (pieces, big) = budget::cut(doc, &segs, range, opts, reserve, floor);
        let n = pieces.len();
        let Some(mut part_names) = names.part_names(&base, n) else {
            return SplitPlan {
                parts: Vec::new(),
                oversize: Vec::new(),
                unit_level: units.level,
                no_free_names: true,
            };
        };
        if unit.subphase.is_none() {
            // A later part of a unit that is no subphase, when it opens with a
            // heading, is named after it (`task-5-create-drift-detector.md`,
            // not `implementation-plan-part-5.md`): the part is that section.
            // One that opens mid-section also names the section it goes on
            // with (`implementation-plan-part-4-status-log.md`): the bare part
            // number says nothing of what it holds, and the unit's name in
            // front keeps it beside its first part in the folder's order.
            for (k, piece) in pieces.iter().enumerate().skip(1) {
                let own = heading_part_base(&names, doc, &segs, piece).or_else(|| {
                    main_section(doc, &segs, unit, piece)
                        .and_then(|b| doc.heading_of_block(b))
                        .map(|h| names.section_slug(h.text()))
                        .filter(|s| !s.is_empty())
                        .map(|s| names.section_part_base(&base, k + 1, &s))
                });
                if let Some(own) = own {
                    if let Some(name) = names.free_name(&own) {
                        part_names[k] = name;
                    }
                }
            }
        }
        let first = part_names.first().cloned().unwrap_or_default();
        for (k, (piece, name)) in pieces.iter().zip(part_names).enumerate() {
            let span = segs.bytes(piece.clone());
            let prefix = if k == 0 {
                String::new()
            } else {
                naming::continuation(&unit.title, &first, k + 1, n, doc.source.newline)
            };
            let body = &doc.source.text[span.clone()];
            let lines = count_lines(&prefix) + count_lines(body);
            let tokens = exact_tokens(doc, &segs, piece.clone(), &prefix, opts.encoding);
            parts.push(Part {
                name: name.clone(),
                prefix,
                suffix: String::new(),
                line: segs.line[piece.start].max(1),
                span,
                lines,
                tokens,
                subphase: unit.subphase.clone(),
                title: unit.title.clone(),
                part: k + 1,
                parts: n,
            });
            for b in big.iter().filter(|b| piece.contains(&b.start)) {
                oversize.push(Oversize {
                    line: segs.line[b.start],
                    lines: segs.range_lines(b.clone()),
                    tokens: segs.range_tokens(b.clone()),
                    blocks: b.len(),
                    part: name.clone(),
                });
            }
        }
    }
    let spans: Vec<Range<usize>> = parts.iter().map(|p| p.span.clone()).collect();
    for (part, defs) in parts
        .iter_mut()
        .zip(refdefs::missing_definitions(doc, &spans))
    {
        if defs.is_empty() {
            continue;
        }
        let body = &doc.source.text[part.span.clone()];
        let ends_nl = body.ends_with('\n') || body.ends_with('\r');
        part.suffix = refdefs::suffix(&defs, doc.source.newline, ends_nl);
        let contents = part.contents(doc);
        part.lines = count_lines(&contents);
        // The suffix starts with a blank line, which joins the body's last line
        // break into one piece: count the whole file.
        part.tokens = opts.encoding.count(&contents);
    }
    SplitPlan {
        parts,
        oversize,
        unit_level: units.level,
        no_free_names: false,
    }
}

/// Tokens that links may gain when a split rewrites them, as `(line, tokens)`:
/// a `#anchor` to a heading that lands in another part gets that part's name in
/// front (`phase-4.3-….md#…`). Counted for the widest name the heading's unit
/// can get (a uniqueness suffix and a part number), once per link.
/// The base name of a part that opens with a heading (its first segment starts
/// a heading block): the heading's own name, as a unit of its own would get.
fn heading_part_base(
    names: &naming::Namer,
    doc: &Document,
    segs: &budget::Segs,
    piece: &Range<usize>,
) -> Option<String> {
    let b = *segs.block.get(piece.start)?;
    let starts_block = piece.start == 0 || segs.block[piece.start - 1] != b;
    starts_block.then_some(())?;
    let level = doc.heading_level(b)?;
    heading_base(
        names,
        doc,
        shallower_bulk(doc, segs, piece, level).unwrap_or(b),
    )
}

/// The heading block of a section shallower than the heading a piece opens
/// with (`level`) that fills more of the piece than what comes before it: the
/// piece opens with the tail of a subsection and goes on with a new top
/// section. cipher-box's `2.5-integration-points-….md` held 14 lines of §2.5
/// and then all of `## 3. Team Accounts`.
fn shallower_bulk(
    doc: &Document,
    segs: &budget::Segs,
    piece: &Range<usize>,
    level: u8,
) -> Option<usize> {
    let (lead, lines, b) = biggest_section(doc, segs, piece, level.checked_sub(1)?)?;
    (lines > lead).then_some(b)
}

/// Of the sections starting inside `piece` (after its first segment) at
/// heading level `deepest` or shallower, the biggest at the shallowest level
/// found: the lines before the first of them, its lines and its heading block.
fn biggest_section(
    doc: &Document,
    segs: &budget::Segs,
    piece: &Range<usize>,
    deepest: u8,
) -> Option<(usize, usize, usize)> {
    let heads: Vec<(usize, u8)> = (piece.start + 1..piece.end)
        .filter(|&k| segs.block[k] != segs.block[k - 1])
        .filter_map(|k| doc.heading_level(segs.block[k]).map(|l| (k, l)))
        .filter(|&(_, l)| l <= deepest)
        .collect();
    let top = heads.iter().map(|h| h.1).min()?;
    let lead = segs.range_lines(piece.start..heads[0].0);
    let mut best: Option<(usize, usize)> = None;
    for (i, &(k, l)) in heads.iter().enumerate() {
        if l != top {
            continue;
        }
        let end = heads[i + 1..]
            .iter()
            .find(|n| n.1 <= top)
            .map_or(piece.end, |n| n.0);
        let lines = segs.range_lines(k..end);
        if best.is_none_or(|(most, _)| lines > most) {
            best = Some((lines, segs.block[k]));
        }
    }
    best.map(|(lines, b)| (lead, lines, b))
}

/// The last heading block of `unit` before `piece` starts, when it is not the
/// unit's own heading (the unit's name already says that one).
fn section_before(
    doc: &Document,
    segs: &budget::Segs,
    unit: &units::Unit,
    piece: &Range<usize>,
) -> Option<usize> {
    let first = *segs.block.get(piece.start)?;
    let b = (unit.blocks.start..first.min(unit.blocks.end))
        .rev()
        .find(|&b| doc.heading_of_block(b).is_some())?;
    (Some(b) != unit.heading).then_some(b)
}

/// The heading block of the section a piece that opens mid-section mostly
/// holds: the one it goes on with ([`section_before`]), unless a section
/// starting inside it at that level or shallower fills more of its lines. A
/// continuation of `### Task 3` holding 20 of its lines and then the 130 of
/// `### Task 4` was named after Task 3 alone, and Task 4 was in no name.
fn main_section(
    doc: &Document,
    segs: &budget::Segs,
    unit: &units::Unit,
    piece: &Range<usize>,
) -> Option<usize> {
    let before = section_before(doc, segs, unit, piece);
    let deepest = before.and_then(|b| doc.heading_level(b)).unwrap_or(u8::MAX);
    match biggest_section(doc, segs, piece, deepest) {
        Some((lead, lines, b)) if before.is_none() || lines > lead => Some(b),
        _ => before,
    }
}

/// The name a heading block would give a unit that starts with it; one the
/// document has more than once (`### Required content` in every task) with
/// its parent heading's words in front.
fn heading_base(names: &naming::Namer, doc: &Document, b: usize) -> Option<String> {
    let h = doc.heading_of_block(b)?;
    let unit = units::Unit {
        blocks: b..b + 1,
        subphase: None,
        title: h.text().to_string(),
        heading: Some(b),
        through: None,
    };
    if names.is_repeated(h.text()) {
        if let Some(named) = names.with_context(doc, &unit) {
            return Some(named);
        }
    }
    Some(names.base(doc, &unit, false))
}

/// Per link to a heading of this file, the tokens its rewritten target may
/// take: the unit's name with the widest uniqueness suffix and part number a
/// split can give (three digits: o200k counts a run of up to three digits as
/// one token, so `-999` costs what `-99` did, and a 100th part stays in budget).
fn link_growth(
    doc: &Document,
    units: &[units::Unit],
    bases: &[String],
    names: &naming::Namer,
    enc: Encoding,
) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = units
        .iter()
        .map(|u| doc.blocks.get(u.blocks.start).map_or(0, |b| b.line()))
        .collect();
    let unit_at = |line: usize| starts.partition_point(|&s| s <= line).saturating_sub(1);
    let heading_unit: std::collections::HashMap<String, usize> = doc
        .headings
        .iter()
        .map(|h| (h.anchor().to_lowercase(), unit_at(h.line())))
        .collect();
    let mut widest: Vec<Option<usize>> = vec![None; units.len()];
    let mut out = Vec::new();
    for l in &doc.links {
        let Some(anchor) = l.url.trim().strip_prefix('#') else {
            continue;
        };
        let Some(&v) = heading_unit.get(&anchor.to_lowercase()) else {
            continue;
        };
        let Some(base) = bases.get(v) else { continue };
        // A part may also be named after a heading inside the unit (see
        // `heading_part_base`, `section_before`): the widest of those names
        // counts too.
        let w = *widest[v].get_or_insert_with(|| {
            let own = enc.count(&format!("{base}-999-part-999.md"));
            let unit = &units[v];
            let by_heading = unit
                .blocks
                .clone()
                .filter(|_| unit.subphase.is_none())
                .filter_map(|b| heading_base(names, doc, b))
                .map(|n| enc.count(&format!("{n}-999.md")))
                .max()
                .unwrap_or(0);
            // or after the section a part goes on with (`section_before`)
            let by_section = unit
                .blocks
                .clone()
                .filter(|_| unit.subphase.is_none())
                .filter_map(|b| doc.heading_of_block(b))
                .map(|h| {
                    let s = names.section_slug(h.text());
                    enc.count(&format!(
                        "{}-999.md",
                        names.section_part_base(base, 999, &s)
                    ))
                })
                .max()
                .unwrap_or(0);
            own.max(by_heading).max(by_section)
        });
        out.push((l.line, w));
    }
    out
}

/// Tokens of `prefix` plus segments `piece`, exactly: from the segments' counts
/// where every join is clean (the usual case: segments end a line and start with
/// text), else by counting the text.
fn exact_tokens(
    doc: &Document,
    segs: &budget::Segs,
    piece: Range<usize>,
    prefix: &str,
    enc: Encoding,
) -> usize {
    let seg = |i: usize| &doc.source.text[segs.span[i].clone()];
    let clean = piece
        .clone()
        .skip(1)
        .all(|i| joins_cleanly(seg(i - 1), seg(i)))
        && joins_cleanly(prefix, seg(piece.start));
    if clean {
        return enc.count(prefix) + segs.range_tokens(piece);
    }
    let span = segs.bytes(piece);
    let mut text = String::with_capacity(prefix.len() + span.len());
    text.push_str(prefix);
    text.push_str(&doc.source.text[span]);
    enc.count(&text)
}

#[cfg(test)]
mod tests;
