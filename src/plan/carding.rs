//! Task cards put into the parts of one split, shared by `split` and the
//! restructure (`migrate`, `consolidate`): which subphase a part holds, what
//! its card says, and where the card goes. [`crate::plan::card`] knows what a
//! card is; this module knows the parts a split cuts, so the two commands
//! cannot write different cards for the same text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::check::StatusRules;
use crate::config::{CardField, Environment, HeadingRules};
use crate::model::{Document, Text};
use crate::plan::card::{self, Facts};
use crate::plan::conserve::Ledger;
use crate::subphase::{recognise, Reading, Subphase};
use crate::tokens::{joins_cleanly, Encoding};

/// The subphase a part holds (part of), as its card tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its number (`4.7`).
    pub number: String,
    /// What its card's phase field says ([`card_title`]): number and title
    /// (`4.7 Configure GitHub Integration`), after the kind word of a unit
    /// that is no phase (`Step 1.2 Install`).
    pub title: String,
    /// The duration the heading states.
    pub duration: Option<String>,
    /// 1-based part of the subphase.
    pub part: usize,
    /// Parts of the subphase.
    pub parts: usize,
    /// 1-based lines of the original it holds.
    pub lines: (usize, usize),
}

/// The subphase a heading names: as the heading patterns read it, or a
/// lettered one ("Phase 4.5B", which the patterns leave out) with its
/// parenthesised duration taken off the title.
pub fn subphase_of(text: &str, headings: &HeadingRules, envs: &[Environment]) -> Option<Subphase> {
    if let Some(s) = recognise(text, headings, envs) {
        return Some(s);
    }
    let mut s = crate::analysis::facts::lettered(text)?;
    if let Some((t, d)) = s.title.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        if headings.duration.is_match(d.trim()) {
            s.duration = Some(d.trim().to_string());
            s.title = t.trim_end().to_string();
        }
    }
    Some(s)
}

/// What a card's phase field says of a subphase: its number and title
/// (`4.7 Install`), with the word before the number when it is not "phase"
/// (`Milestone 3 Domain Pitfalls`, `Step 1.2 Install`): "3 Domain
/// Pitfalls" under the field's label read as a Phase 3 the plan never had.
pub fn card_title(sub: &Subphase) -> String {
    let kind = match sub.kind.as_deref() {
        Some(k) if k != "phase" => {
            let mut c = k.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        }
        _ => String::new(),
    };
    [kind.as_str(), sub.number.as_str(), sub.title.as_str()]
        .iter()
        .filter(|w| !w.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Unit {
    /// The unit of a part cut from `doc` whose unit heading reads `title`
    /// (its subphase, when the split recognised one), or `None` when the part
    /// holds no subphase.
    /// `reading` is `doc`'s ([`Reading::of_doc`]), made once for all its parts.
    pub fn of(
        part: &crate::split::Part,
        doc: &Document,
        reading: &Reading,
        headings: &HeadingRules,
        envs: &[Environment],
    ) -> Option<Unit> {
        let last = if part.span.is_empty() {
            part.line
        } else {
            doc.source.line_of(part.span.end - 1)
        };
        // A bare section number in a document that is not phased is an outline
        // entry, not a subphase: the split did not cut there, so no card.
        let sub = part.subphase.clone().or_else(|| {
            subphase_of(&part.title, headings, envs)
                .filter(|s| !s.bare || reading.recognise(&part.title).is_some())
        })?;
        Some(Unit {
            title: card_title(&sub),
            number: sub.number,
            duration: sub.duration,
            part: part.part,
            parts: part.parts,
            lines: (part.line, last),
        })
    }
}

/// Each part keeps room in its budget for a card of `fields`: a budget less
/// the card's size (0, no budget, stays 0), never below half of it, so a tiny
/// budget still gets parts with some text in them.
pub fn budgets_with_room(
    max_lines: usize,
    max_tokens: usize,
    fields: Option<&[CardField]>,
) -> (usize, usize) {
    let keep = |budget: usize, room: usize| {
        if budget == 0 {
            0
        } else {
            budget.saturating_sub(room).max(budget / 2).max(1)
        }
    };
    match fields {
        Some(f) => (
            keep(max_lines, card::max_lines(f)),
            keep(max_tokens, card::max_tokens(f)),
        ),
        None => (max_lines, max_tokens),
    }
}

/// One part of a split, as its card is written into it.
pub struct Slot<'a> {
    /// Where it goes (root-relative: the card's links are made from it).
    pub path: &'a Path,
    /// Its text; the card goes in. A [`Text`], so a carded part's parse
    /// shares it rather than holding a copy of its own.
    pub contents: &'a mut Text,
    /// Its parse, kept in step with `contents`.
    pub doc: &'a mut Document,
    /// What replan added to it; a continuation line replaced by the card
    /// leaves it.
    pub ledger: &'a mut Ledger,
    /// The subphase it holds, if any: only those get a card.
    pub unit: Option<&'a Unit>,
    /// The exact tokens of `contents`, when known; kept in step as the card
    /// goes in (worked out from the card and the text around it, see
    /// [`spliced_tokens`]) and remembered, so no stage counts the part again.
    pub tokens: &'a mut Option<usize>,
}

/// About how many parts are carded at once, by `split` and the restructure
/// alike: each part's parse and its text before the card are held only while
/// its chunk is carded (held for every part at once they were three times the
/// input of a big file).
pub const CARD_CHUNK: usize = 64;

/// The end of the chunk of `len` parts from `start`: at least `size` parts on
/// (one at least), at the next part that `begins` a subphase, or the end. A
/// chunk so ends only where a unit begins, and every unit's parts are carded
/// together, as one call of [`card_parts`] over all of them would.
pub fn chunk_end(len: usize, begins: impl Fn(usize) -> bool, start: usize, size: usize) -> usize {
    (start.saturating_add(size.max(1))..len)
        .find(|&i| begins(i))
        .unwrap_or(len)
}

/// The files before and after one in reading order.
pub type Neighbours = (Option<PathBuf>, Option<PathBuf>);

/// What the cards of one original's parts are made from beyond the parts.
pub struct Context<'a> {
    /// The fields to write.
    pub fields: &'a [CardField],
    /// Heading patterns, to find the subphase heading the card goes after.
    pub headings: &'a HeadingRules,
    /// Environments, for the same.
    pub envs: &'a [Environment],
    /// The original the lines came from, where a reader finds it now (the
    /// archive, or where it stays).
    pub source: Option<&'a Path>,
    /// A file's neighbours in reading order.
    pub neighbours: &'a (dyn Fn(&Path) -> Neighbours + Sync),
    /// The file holding each subphase's heading, for depends-on links.
    pub first_of: &'a HashMap<String, PathBuf>,
    /// How a subphase's status is read from its text (`check.status`).
    pub status: &'a StatusRules,
    /// Whether a carded part's parse is brought up to date: the restructure
    /// reads the parts' links and headings afterwards; `split` writes the text
    /// and drops the parse, so a second parse of every part would be waste.
    pub reparse: bool,
    /// The encoding the parts' tokens are counted in.
    pub encoding: Encoding,
}

/// A subphase's status as its card shows it: derived from its parts' text
/// (each with the line of the original it starts at) and named by that line,
/// the same words whether migrate writes the card or consolidate refreshes it.
pub fn status_of(rules: &StatusRules, number: &str, parts: &[(&str, usize)]) -> Option<String> {
    crate::analysis::status::derive::of_text(rules, number, parts)
        .map(|d| d.describe(&|l| format!("source line {l}")))
}

/// The line ending a text uses (CRLF when it has any), for the card put in it.
pub fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Each unit's number, first part's path and pieces (see [`unit_pieces`]).
type Pieces<'s> = Vec<(&'s str, &'s Path, Vec<(&'s str, usize)>)>;

/// Per subphase of consecutive parts (a unit begins at its part 1, or at the
/// first part holding one), its number, the path of its first part, and each
/// part's text (continuation line left out) with the original line it starts
/// at: the same text a later run reads from the files once their cards are
/// taken out, which status and dependencies are read from.
fn unit_pieces<'s>(parts: &'s [Slot]) -> Pieces<'s> {
    let mut out: Pieces = Vec::new();
    for p in parts {
        let Some(u) = p.unit else { continue };
        if u.part == 1 || out.is_empty() {
            out.push((u.number.as_str(), p.path, Vec::new()));
        }
        if let Some((_, _, last)) = out.last_mut() {
            last.push((p.contents.get(p.ledger.prefix()..).unwrap_or(""), u.lines.0));
        }
    }
    out
}

/// What a card says of its whole unit: its dependencies, its checkboxes and
/// its status.
#[derive(Default)]
struct UnitFacts {
    depends_on: Vec<(String, Option<PathBuf>)>,
    checkboxes: (usize, usize),
    status: Option<String>,
}

/// [`UnitFacts`] of each unit of `parts`, in order, read before any card goes
/// in, the units in parallel. A unit's text is joined only while its facts are
/// read (one per thread at a time): joined for
/// every unit at once, the units were a second copy of every part's text (a
/// whole input's worth at migrate's peak on one big file).
fn unit_facts(parts: &[Slot], ctx: &Context) -> Vec<UnitFacts> {
    unit_pieces(parts)
        .par_iter()
        .map(|(number, first_path, pieces)| {
            let whole: String = pieces.iter().map(|(t, _)| *t).collect();
            UnitFacts {
                depends_on: depends_on(&whole, number, ctx.first_of, first_path),
                checkboxes: card::checkboxes(&whole),
                status: status_of(ctx.status, number, pieces),
            }
        })
        .collect()
}

/// Put a card into every part of one original that holds a subphase, right
/// after its heading (in place of the continuation line, in a continuation
/// part). A part whose heading ends the text without a line break gets none.
///
/// What a card says of its whole unit (status, dependencies, checkboxes) is
/// read once per unit (read per part, a unit of many parts was read as many
/// times: quadratic on a big file), the units in parallel; then each part's
/// card is rendered and put in, and the part parsed again, the parts in
/// parallel: each reads only its own slot and its unit's facts, so the cards
/// are those one pass in order writes.
pub fn card_parts(parts: &mut [Slot], ctx: &Context) {
    // Each part's unit, numbered as `unit_pieces` groups them.
    let mut unit_no: Option<usize> = None;
    let of_part: Vec<Option<usize>> = parts
        .iter()
        .map(|p| {
            let u = p.unit?;
            if u.part == 1 || unit_no.is_none() {
                unit_no = Some(unit_no.map_or(0, |n| n + 1));
            }
            unit_no
        })
        .collect();
    let units = unit_facts(parts, ctx);
    parts.par_iter_mut().zip(of_part).for_each(|(p, n)| {
        if let (Some(u), Some(facts)) = (p.unit, n.and_then(|n| units.get(n))) {
            card_part(p, u, facts, ctx);
        }
    });
}

/// Put the card of `u` into one part (see [`card_parts`]).
fn card_part(p: &mut Slot, u: &Unit, unit: &UnitFacts, ctx: &Context) {
    let prefix = p.ledger.prefix();
    let body = p.contents.get(prefix..).unwrap_or("");
    let (previous, next) = (ctx.neighbours)(p.path);
    let facts = Facts {
        number: u.number.clone(),
        title: u.title.clone(),
        duration: card::duration(u.duration.as_deref(), body),
        part: (u.part, u.parts),
        continued: (prefix > 0).then(|| {
            p.contents[..prefix]
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        }),
        source: ctx.source.map(|s| (s.to_path_buf(), u.lines.0, u.lines.1)),
        previous,
        next,
        depends_on: unit.depends_on.clone(),
        checkboxes: unit.checkboxes,
        status: unit.status.clone(),
    };
    let text = card::render(&facts, p.path, ctx.fields, line_ending(p.contents));
    let is_heading =
        |t: &str| subphase_of(t, ctx.headings, ctx.envs).is_some_and(|s| s.number == u.number);
    if let Some((new, replaced)) = card::insert(p.contents, p.doc, &text, prefix, &is_heading) {
        // One buffer for the slot and the parse (a part's text is most of a
        // carded part's memory: copied for its parse, it was held twice).
        let new = Text::from(new);
        if prefix > 0 {
            p.ledger.drop_prefix();
        }
        if let Some(n) = *p.tokens {
            let n = spliced_tokens(ctx.encoding, p.contents, n, replaced.clone(), &text);
            ctx.encoding.remember(&new, n);
            *p.tokens = Some(n);
        }
        if ctx.reparse {
            // Spliced: the part's blocks stay where they were, moved by the
            // card's size; only the card is parsed.
            *p.doc = p.doc.splice(new.clone(), replaced, text.len());
        }
        *p.contents = new;
    }
}

/// The exact tokens of `old` with `old[replaced]` replaced by `insert`, from
/// `old`'s exact count `old_tokens`. Pre-tokenizer pieces never join across a
/// clean line start ([`joins_cleanly`]), so the text after the first one past
/// the change counts alike in both versions: only the text before it is
/// counted, old and new (a heading line and a card, where counting the whole
/// part with its card took as long as the split's own count of it). Where no
/// such line start comes soon, the new text is counted whole.
pub fn spliced_tokens(
    enc: Encoding,
    old: &str,
    old_tokens: usize,
    replaced: std::ops::Range<usize>,
    insert: &str,
) -> usize {
    let new_head = |q: usize| {
        let mut t = String::with_capacity(replaced.start + insert.len() + q - replaced.end);
        t.push_str(&old[..replaced.start]);
        t.push_str(insert);
        t.push_str(&old[replaced.end..q]);
        t
    };
    // Line starts from the end of the change on, the change's end first.
    let starts = std::iter::once(replaced.end).chain(
        old.as_bytes()[replaced.end..]
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b'\n' | b'\r'))
            .map(|(i, _)| replaced.end + i + 1),
    );
    for q in starts.take_while(|&q| q < old.len() && q - replaced.end <= old.len() / 2) {
        let (before, rest) = old.split_at(q);
        let head = new_head(q);
        if joins_cleanly(before, rest) && joins_cleanly(&head, rest) {
            let old_head = enc.count(before);
            return (old_tokens + enc.count(&head)).saturating_sub(old_head);
        }
    }
    enc.count(&new_head(old.len()))
}

/// The subphases `whole` names as prerequisites, each linked to the file
/// holding its heading unless that is the subphase's own first part.
pub fn depends_on(
    whole: &str,
    own: &str,
    first_of: &HashMap<String, PathBuf>,
    own_first: &Path,
) -> Vec<(String, Option<PathBuf>)> {
    card::depends_on(whole, own)
        .into_iter()
        .map(|n| {
            let at = first_of
                .get(&n)
                .filter(|f| f.as_path() != own_first)
                .cloned();
            (n, at)
        })
        .collect()
}

/// A 1-based line of a text whose task cards were taken out, as a line of the
/// text with them: `cards` are each card's first line and line count in the
/// text with them, in order.
pub fn line_with_cards(line: usize, cards: &[(usize, usize)]) -> usize {
    let mut out = line;
    for (first, n) in cards {
        if out >= *first {
            out += n;
        }
    }
    out
}

/// The first line and line count of each task card in a document, counted
/// as the document counts lines.
pub fn card_lines(doc: &Document) -> Vec<(usize, usize)> {
    crate::model::markers::card_spans(&doc.source.text)
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let first = doc.source.line_of(r.start);
            (first, doc.source.line_of(r.end - 1) + 1 - first)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markers;

    /// A carded part's parse is the parse of its carded text and shares
    /// the slot's buffer (a copy of it for the parse was a whole input's
    /// worth of memory again); an uncarded part keeps its text and parse.
    #[test]
    fn a_carded_parts_parse_shares_its_text() {
        let cfg = crate::config::Config::builtin();
        let fields = cfg.cards.fields().unwrap();
        let first_of = HashMap::new();
        let neighbours = |_: &Path| (None, None);
        let ctx = Context {
            fields: &fields,
            headings: &cfg.headings,
            envs: &cfg.environments,
            source: None,
            neighbours: &neighbours,
            first_of: &first_of,
            status: &cfg.check.status,
            reparse: true,
            encoding: Encoding::O200kBase,
        };
        let texts = [
            "## Phase 4.7: Install (30-45 min)\n\n- [x] a\n- [ ] b\n",
            "Notes without a subphase.\n",
        ];
        let unit = Unit {
            number: "4.7".into(),
            title: "4.7 Install".into(),
            duration: Some("30-45 min".into()),
            part: 1,
            parts: 1,
            lines: (1, 4),
        };
        let paths = [PathBuf::from("p/a.md"), PathBuf::from("p/b.md")];
        let mut contents: Vec<Text> = texts.iter().map(|t| Text::from(*t)).collect();
        let before = contents.clone();
        let mut docs: Vec<Document> = contents
            .iter()
            .map(|t| Document::from_text("t.md", t))
            .collect();
        let mut ledgers = [Ledger::default(), Ledger::default()];
        let mut tokens = [None, None];
        let units = [Some(&unit), None];
        let mut slots: Vec<Slot> = contents
            .iter_mut()
            .zip(&mut docs)
            .zip(&mut ledgers)
            .zip(&mut tokens)
            .zip(&paths)
            .zip(units)
            .map(|(((((contents, doc), ledger), tokens), path), unit)| Slot {
                path,
                contents,
                doc,
                ledger,
                unit,
                tokens,
            })
            .collect();
        card_parts(&mut slots, &ctx);
        drop(slots);
        assert!(contents[0].contains(markers::CARD_BEGIN), "{}", contents[0]);
        assert_eq!(markers::strip_cards(&contents[0]), texts[0]);
        assert!(docs[0].source.text.same_buffer(&contents[0]));
        let fresh = Document::from_text("t.md", &contents[0]);
        assert_eq!(docs[0].blocks.len(), fresh.blocks.len());
        assert_eq!(docs[0].headings.len(), fresh.headings.len());
        assert!(contents[1].same_buffer(&before[1]), "no card, no new text");
        assert_eq!(docs[1].source.text, texts[1]);
    }

    /// A chunk ends only where a subphase begins, so no unit's parts are
    /// carded apart; it takes at least one part, and the last one the rest.
    #[test]
    fn chunks_end_where_a_subphase_begins() {
        let begins = [true, false, false, true, false, true];
        let at = |i: usize| begins[i];
        assert_eq!(chunk_end(6, at, 0, 2), 3);
        assert_eq!(chunk_end(6, at, 0, 1), 3);
        assert_eq!(chunk_end(6, at, 3, 1), 5);
        assert_eq!(chunk_end(6, at, 3, 0), 5);
        assert_eq!(chunk_end(6, at, 5, 64), 6);
        assert_eq!(chunk_end(6, at, 0, 64), 6);
    }

    #[test]
    fn lines_map_back_over_removed_cards() {
        let text = format!(
            "# A\n{}\n- x\n{}\n\nbody\nmore\n",
            markers::CARD_BEGIN,
            markers::CARD_END
        );
        let cards = card_lines(&Document::from_text("a.md", &text));
        assert_eq!(cards, [(2, 4)]);
        let stripped = markers::strip_cards(&text);
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in stripped.lines().enumerate() {
            assert_eq!(lines[line_with_cards(i + 1, &cards) - 1], l);
        }
        assert_eq!(line_with_cards(1, &cards), 1);
        assert_eq!(line_with_cards(2, &cards), 6);
    }

    /// A card put in at every line start of a sample plan (and in place of
    /// its first line, as of a continuation line) is counted from the text's
    /// count exactly as counting the new text would, in both encodings.
    #[test]
    fn spliced_counts_are_exact() {
        let text = include_str!(
            "../../samples/pcc/.claude/plans/devtest-deployment/phase-4-working-notes.md"
        );
        let cut = text.as_bytes()[..6_000]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap_or(0);
        let text = &text[..cut + 1];
        let card = format!(
            "{}\n- **Part:** 1 of 2\n{}\n\n",
            markers::CARD_BEGIN,
            markers::CARD_END
        );
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len())
            .collect();
        let first_line = text.find('\n').map_or(text.len(), |i| i + 1);
        for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
            let n = enc.count_uncached(text);
            let mut cases: Vec<std::ops::Range<usize>> = starts.iter().map(|&i| i..i).collect();
            cases.push(0..first_line);
            for r in cases {
                let new = format!("{}{card}{}", &text[..r.start], &text[r.end..]);
                assert_eq!(
                    spliced_tokens(enc, text, n, r.clone(), &card),
                    enc.count_uncached(&new),
                    "{enc:?} at {r:?}"
                );
            }
        }
    }

    #[test]
    fn room_is_kept_for_the_card_but_never_more_than_half() {
        let f = crate::config::Config::builtin().cards.fields().unwrap();
        let (l, t) = budgets_with_room(200, 4000, Some(&f));
        assert_eq!(l, 200 - card::max_lines(&f));
        assert_eq!(t, 4000 - card::max_tokens(&f));
        assert_eq!(budgets_with_room(8, 0, Some(&f)), (4, 0));
        assert_eq!(budgets_with_room(8, 10, None), (8, 10));
    }

    #[test]
    fn lettered_subphases_lose_their_duration_from_the_title() {
        let cfg = crate::config::Config::builtin();
        let s = subphase_of(
            "Phase 4.5B: Wire it (30-45 min)",
            &cfg.headings,
            &cfg.environments,
        )
        .unwrap();
        assert_eq!(s.number, "4.5B");
        assert_eq!(s.title, "Wire it");
        assert_eq!(s.duration.as_deref(), Some("30-45 min"));
    }

    #[test]
    fn a_card_names_the_kind_of_a_unit_that_is_no_phase() {
        // cipher-box's `# Milestone 3 Domain Pitfalls` got the card
        // `- **Phase:** 3 Domain Pitfalls`.
        let cfg = crate::config::Config::builtin();
        let title =
            |h: &str| card_title(&subphase_of(h, &cfg.headings, &cfg.environments).expect(h));
        assert_eq!(
            title("Milestone 3 Domain Pitfalls"),
            "Milestone 3 Domain Pitfalls"
        );
        assert_eq!(title("Step 1.2 - Install (30 min)"), "Step 1.2 Install");
        assert_eq!(title("Phase 4.7: Configure GitHub"), "4.7 Configure GitHub");
        assert_eq!(title("PHASE 4.7: Configure GitHub"), "4.7 Configure GitHub");
        assert_eq!(title("4.7 Configure GitHub"), "4.7 Configure GitHub");
        assert_eq!(title("Phase 4.8"), "4.8");
        // Lettered ones too, which the heading patterns leave out.
        assert_eq!(title("Step 4.6B: Lettered (1 h)"), "Step 4.6B Lettered");
        assert_eq!(title("Phase 4.5B: Wire it"), "4.5B Wire it");
    }
}
