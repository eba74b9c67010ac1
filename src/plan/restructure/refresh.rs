//! Stage 2, last: the task cards of files an earlier run wrote, brought up to
//! date. A person adds or removes a subphase file (neighbours change), ticks
//! checkboxes (status), renames a heading (the phase line), or a part is
//! re-split (its continuation now follows another file): the card says so
//! again. Only the card's own bytes change, from its begin marker through the
//! blank line after its end marker; every other byte of the file stays.
//!
//! What a card holds is read back from the tree, not from the card: the
//! subphase from the heading the card follows (a continuation part: from its
//! first part's heading), neighbours and the file of each subphase from the
//! planned tree ([`super::cards::Maps`]), status and dependencies from the
//! subphase's text in all its parts. Two things only the card knows are kept
//! from it: where the lines came from (the archived original and their range,
//! history that no file re-derives) and a continuation part's "Continued
//! from" line.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;

use super::Planner;
use crate::model::{markers, Document};
use crate::note::{Note, NoteKind};
use crate::plan::card::{self, Facts};
use crate::plan::carding::{self, line_ending};
use crate::plan::links::dest_of;
use crate::plan::Op;
use crate::subphase::Subphase;

/// A card found in a file that stays.
struct Found<'s> {
    path: PathBuf,
    /// Its text, borrowed from the planner: a copy of every carded part's
    /// text was a whole split's worth of memory at migrate's peak.
    text: &'s str,
    /// The card's bytes.
    span: Range<usize>,
    /// A first part: the subphase heading the card follows.
    heading: Option<Subphase>,
    /// A continuation part: its "Continued from" line, the first part it
    /// names (root-relative) and its part k of n.
    continued: Option<(String, PathBuf, usize, usize)>,
    /// The original and lines the card names.
    source: Option<(PathBuf, usize, usize)>,
}

/// The original and line range a card's source field names: its link, from
/// `at`, and `lines a–b`.
fn source_of(card: &str, at: &Path) -> Option<(PathBuf, usize, usize)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)\]\(([^)\s]+)\), lines (\d+)–(\d+)\s*$").expect("static regex")
    });
    let c = re.captures(card)?;
    let (path, _) = dest_of(at, &c[1])?;
    Some((path, c[2].parse().ok()?, c[3].parse().ok()?))
}

/// The continuation line a card carries (without the field's label), the
/// first part it names (root-relative from `at`) and its part k of n.
fn continued_of(card: &str, at: &Path) -> Option<(String, PathBuf, usize, usize)> {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    static OF: OnceLock<Regex> = OnceLock::new();
    let label = LABEL.get_or_init(|| Regex::new(r"^- \*\*[^*\n]*:\*\* ").expect("static regex"));
    let of = OF.get_or_init(|| Regex::new(r"\(part (\d+) of (\d+)\)").expect("static regex"));
    let line = card
        .lines()
        .find(|l| l.contains(markers::CONTINUATION))?
        .trim_end();
    let line = label
        .find(line)
        .map_or(line, |m| &line[m.end()..])
        .to_string();
    let (first, k) = crate::split::continued_from(&line)?;
    let (first, _) = dest_of(at, first)?;
    let n = of
        .captures(&line)
        .and_then(|c| c[2].parse().ok())
        .unwrap_or(k);
    Some((line, first, k, n))
}

/// What a card says of its whole subphase: dependencies, checkboxes, status.
type UnitFacts = (
    Vec<(String, Option<PathBuf>)>,
    (usize, usize),
    Option<String>,
);

impl Planner<'_, '_> {
    /// The cards of files that stay and of this run's parts, with what they
    /// are read from. A new part's card is read back too: a continuation an
    /// earlier run wrote may now follow it (its file was re-split).
    fn found_cards(&self) -> Vec<Found<'_>> {
        let staying = self
            .staying()
            .into_iter()
            .filter(|(p, _)| self.in_plan_dir(p));
        let fresh = self
            .parts
            .values()
            .flatten()
            .map(|p| (p.path.as_path(), p.contents(), Some(&p.doc)));
        // Files in parallel (a card's heading is read from the file's parse),
        // kept in order.
        // A part's parse is of its text as the plan writes it (kept so by
        // `set_contents` and the cards), so it is read as it is.
        let files: Vec<(&Path, &str, Option<&Document>)> =
            staying.map(|(p, t)| (p, t, None)).chain(fresh).collect();
        files
            .into_par_iter()
            .filter_map(|(p, text, parsed)| {
                // A file with several cards is not one replan wrote: left alone.
                let spans = markers::card_spans(text);
                let [span] = spans.as_slice() else {
                    return None;
                };
                let card = &text[span.clone()];
                let continued = continued_of(card, p);
                let heading = if continued.is_none() {
                    let heading = match parsed {
                        Some(doc) => self.heading_before_card(doc),
                        None => self
                            .heading_before_card(&Document::from_text(&p.to_string_lossy(), text)),
                    };
                    Some(heading?)
                } else {
                    None
                };
                Some(Found {
                    path: p.to_path_buf(),
                    text,
                    span: span.clone(),
                    heading,
                    continued,
                    source: source_of(card, p),
                })
            })
            .collect()
    }

    /// Bring every card of a file that stays up to date: an `Op::Modify` of
    /// the card's bytes, merged with the file's link rewrites when it has them.
    pub(super) fn refresh_cards(&mut self) {
        let Some(fields) = self.card_fields.clone() else {
            return;
        };
        let found = self.found_cards();
        if found.is_empty() {
            return;
        }
        let maps = self.card_maps();
        // The parts of each subphase in the planned tree: the first part, and
        // the continuations naming it, in order. This run's parts are read as
        // the plan writes them.
        let mut texts: HashMap<&Path, &str> =
            found.iter().map(|f| (f.path.as_path(), f.text)).collect();
        for p in self.parts.values().flatten() {
            texts.insert(p.path.as_path(), p.contents());
        }
        let mut continuations: HashMap<PathBuf, Vec<(usize, usize, &Path)>> = HashMap::new();
        for (p, t) in &texts {
            let Some(span) = markers::card_spans(t).into_iter().next() else {
                continue;
            };
            if let Some((_, first, k, n)) = continued_of(&t[span], p) {
                continuations.entry(first).or_default().push((k, n, p));
            }
        }
        for list in continuations.values_mut() {
            list.sort();
        }
        let headings: HashMap<&Path, &Subphase> = found
            .iter()
            .filter_map(|f| f.heading.as_ref().map(|h| (f.path.as_path(), h)))
            .collect();
        let fresh_units: HashMap<&Path, &crate::plan::carding::Unit> = self
            .parts
            .values()
            .flatten()
            .filter_map(|p| p.unit.as_ref().map(|u| (p.path.as_path(), u)))
            .collect();
        // The original line each carded file starts at, from its card's source
        // (this run's parts included: a refreshed card may continue one).
        let mut line_of: HashMap<&Path, usize> = found
            .iter()
            .filter_map(|f| f.source.as_ref().map(|s| (f.path.as_path(), s.1)))
            .collect();
        for (p, t) in &texts {
            if line_of.contains_key(p) {
                continue;
            }
            let Some(span) = markers::card_spans(t).into_iter().next() else {
                continue;
            };
            if let Some((_, a, _)) = source_of(&t[span], p) {
                line_of.insert(p, a);
            }
        }
        // The subphase of each card, from its first part's heading.
        let first_of = |f: &Found| -> PathBuf {
            match &f.continued {
                Some((_, first, _, _)) => first.clone(),
                None => f.path.clone(),
            }
        };
        let sub_of = |first: &Path| match (headings.get(first), fresh_units.get(first)) {
            (Some(h), _) => Some((h.number.clone(), carding::card_title(h), h.duration.clone())),
            (None, Some(u)) => Some((u.number.clone(), u.title.clone(), u.duration.clone())),
            (None, None) => None,
        };
        // What a card says of the whole subphase, read once per subphase (each
        // of its parts' cards says the same), the subphases in parallel: its
        // parts' texts without cards, each with the original line it starts
        // at, as migrate read them (the card's source names that line).
        let mut firsts: Vec<(PathBuf, String)> = Vec::new();
        let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
        for f in &found {
            let first = first_of(f);
            if let Some((number, _, _)) = sub_of(&first) {
                if seen.insert(first.clone()) {
                    firsts.push((first, number));
                }
            }
        }
        let unit_facts: HashMap<PathBuf, UnitFacts> = firsts
            .into_par_iter()
            .map(|(first, number)| {
                let conts = continuations.get(&first).map_or(&[][..], Vec::as_slice);
                let start = |p: &Path| line_of.get(p).copied().unwrap_or(0);
                let pieces: Vec<(String, usize)> = std::iter::once(first.as_path())
                    .chain(conts.iter().map(|(_, _, p)| *p))
                    .filter_map(|p| {
                        let t = texts.get(p)?;
                        Some((markers::strip_cards(t).into_owned(), start(p)))
                    })
                    .collect();
                let whole: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
                let pieces: Vec<(&str, usize)> =
                    pieces.iter().map(|(t, l)| (t.as_str(), *l)).collect();
                let facts = (
                    carding::depends_on(&whole, &number, &maps.first_of, &first),
                    card::checkboxes(&whole),
                    carding::status_of(&self.cfg.check.status, &number, &pieces),
                );
                (first, facts)
            })
            .collect();
        // Each card rendered again, in parallel, kept in order.
        let edits: Vec<(PathBuf, String)> = found
            .par_iter()
            .filter_map(|f| {
                let first = first_of(f);
                let (number, title, duration) = sub_of(&first)?;
                let conts = continuations.get(&first).map_or(&[][..], Vec::as_slice);
                let (deps, boxes, status) = unit_facts.get(&first)?.clone();
                let body = markers::strip_cards(f.text);
                let parts = conts.iter().map(|(_, n, _)| *n).max().unwrap_or(1);
                let facts = Facts {
                    title,
                    duration: card::duration(duration.as_deref(), &body),
                    part: match &f.continued {
                        Some((_, _, k, n)) => (*k, *n),
                        None => (1, parts),
                    },
                    continued: f.continued.as_ref().map(|c| c.0.clone()),
                    source: f.source.clone(),
                    previous: maps.neighbours(&f.path).0,
                    next: maps.neighbours(&f.path).1,
                    depends_on: deps,
                    checkboxes: boxes,
                    status,
                    number,
                };
                let old = &f.text[f.span.clone()];
                let mut new = card::render(&facts, &f.path, &fields, line_ending(old));
                if !ends_with_blank_line(old) {
                    new.truncate(new.len() - line_ending(old).len());
                }
                (new != old).then(|| {
                    let text = format!("{}{new}{}", &f.text[..f.span.start], &f.text[f.span.end..]);
                    (f.path.clone(), text)
                })
            })
            .collect();
        self.apply_card_edits(edits);
    }

    /// Each refreshed text into the plan: a new part takes it, or the file's
    /// link rewrite op, or a modify of its own.
    fn apply_card_edits(&mut self, edits: Vec<(PathBuf, String)>) {
        for (path, text) in edits {
            if let Some(part) = self.parts.values_mut().flatten().find(|p| p.path == path) {
                part.set_contents(text);
                continue;
            }
            let merged = self.modifies.iter_mut().find_map(|op| match op {
                Op::Modify { path: p, new, .. } if *p == path => Some(new),
                _ => None,
            });
            match merged {
                // The refreshed text is of the planned text: a file whose
                // planned text is pending has no card (see `staying`), so
                // one here would lose its link rewrites. Never so by
                // construction; refused all the same, before any write.
                Some(_) if self.pending.contains_key(&path) => {
                    self.out.errors.push(Note::new(
                        NoteKind::Refused,
                        &path,
                        "internal error: a task card's refresh would undo this file's link rewrites; nothing written",
                    ));
                }
                Some(new) => *new = text.into(),
                None => {
                    let Some(doc) = self.by_path.get(path.as_path()) else {
                        continue;
                    };
                    self.modifies.push(Op::Modify {
                        path: path.clone(),
                        old: doc.source.text.clone(),
                        new: text.into(),
                    });
                    self.cards_only.insert(path);
                }
            }
        }
    }
}

/// Whether a card's bytes end with the blank line after its end marker.
fn ends_with_blank_line(card: &str) -> bool {
    card.split_inclusive('\n')
        .next_back()
        .is_some_and(|l| l.trim_end_matches(['\r', '\n']).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cards_source_and_continuation_are_read_back() {
        let card = format!(
            "{}\n- **Part:** *Continued from [4.7 A](phase-4.7-a.md) (part 2 of 3).* {}\n- **Source:** [p.md](../../archive/p.md), lines 10–40\n{}\n\n",
            markers::CARD_BEGIN,
            markers::CONTINUATION,
            markers::CARD_END
        );
        let at = Path::new(".claude/plans/x/phase-4.7-a-2.md");
        assert_eq!(
            source_of(&card, at),
            Some((PathBuf::from(".claude/archive/p.md"), 10, 40))
        );
        let (line, first, k, n) = continued_of(&card, at).unwrap();
        assert!(line.starts_with("*Continued from [4.7 A]"), "{line}");
        assert_eq!(first, PathBuf::from(".claude/plans/x/phase-4.7-a.md"));
        assert_eq!((k, n), (2, 3));
        assert!(ends_with_blank_line(&card));
        assert!(!ends_with_blank_line(card.trim_end_matches('\n')));
    }
}
