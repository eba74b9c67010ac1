//! File names for units and parts, and the continuation line added to parts.
//!
//! A name is made of a heading's words: without a list number (`0.`, `10.`), a
//! duration (`(30-45 min)`, `~1 week`, `(Week 2)`), emoji or punctuation; cut to
//! `slug_max` at a word boundary, never ending on a stop word. A subphase is
//! `<kind>-<number>-<words>` (`step-8.1-commit.md`). A heading too generic to
//! name a file alone (`Decision`, `Next Steps`) gets its parent heading's words
//! in front, or the document's name when it has no parent. A file's first part
//! is named after its front matter `title:`/`name:` when there is one. Names are
//! unique within a split and never one the caller says is taken.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;
use regex_automata::{meta, nfa::thompson::WhichCaptures};

use super::units::Unit;
use crate::config::HeadingRules;
use crate::model::markers::CONTINUATION;
use crate::model::slug::file_slug;
use crate::model::{BlockKind, Document};
use crate::subphase::recognise;

/// Hands out unique names within one split.
pub struct Namer<'t> {
    taken: HashSet<String>,
    /// Names taken outside this split (files already in the folder).
    outside: Option<&'t dyn Fn(&str) -> bool>,
    words: Words<'t>,
    slug_max: usize,
    /// `phase-4` when the file's own name carries a phase number, so the
    /// non-subphase parts of `phase-4-working-notes.md` sort with phase 4.
    phase_prefix: Option<String>,
    /// The file's own name as a slug.
    own: String,
    /// Slug of the front matter's `title:` or `name:`, if it has words.
    front: Option<String>,
    /// Heading texts (trimmed, lower-cased) the document has more than once:
    /// a part opening at one is named with its parent's words in front.
    repeated: HashSet<String>,
}

/// Turns heading text into slug words.
pub struct Words<'r> {
    rules: &'r HeadingRules,
    stop: HashSet<String>,
    generic: HashSet<String>,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|_| unreachable!()))
}

/// A parenthesised group, innermost first.
fn paren_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"[(\[]([^()\[\]]*)[)\]]")
}

/// The pattern of [`approx_re`].
const APPROX: &str = r"(?i)(?:~|\bca\.\s*|\babout\s+)\s*\d[\d.,]*(?:\s*[-–—]\s*\d[\d.,]*)?\s*(?:min|mins|minutes|m|h|hr|hrs|hours?|d|days?|w|wks?|weeks?|months?)\b";

/// `~1 week`, `~2h`, `~20 min`: an approximate duration anywhere. Only its
/// matches are replaced (no group is read), and it is compiled without a
/// prefilter: the regex crate built one from the units' case variants, half
/// of the ~3.5 M instructions its compile took at every split, to speed up
/// searches of a few headings. A prefilter never changes what matches.
fn approx_re() -> &'static meta::Regex {
    static RE: OnceLock<meta::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        meta::Builder::new()
            .configure(
                meta::Config::new()
                    .auto_prefilter(false)
                    .which_captures(WhichCaptures::Implicit),
            )
            .build(APPROX)
            .unwrap_or_else(|_| unreachable!())
    })
}

/// `text` with each match of `re` replaced by `with` (taken literally):
/// [`Regex::replace_all`] for a [`meta::Regex`], which has none.
fn replace_all<'t>(re: &meta::Regex, text: &'t str, with: &str) -> Cow<'t, str> {
    let mut out: Option<String> = None;
    let mut last = 0;
    for m in re.find_iter(text) {
        let o = out.get_or_insert_with(String::new);
        o.push_str(&text[last..m.start()]);
        o.push_str(with);
        last = m.end();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[last..]);
            Cow::Owned(o)
        }
    }
}

/// A time frame in parentheses: `Week 2`, `Days 1-3`, `Sprint 4`.
fn frame_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"(?i)^\s*(?:~\s*)?(?:week|day|month|sprint|iteration)s?\s+\d[\d\s,\-–—+]*$",
    )
}

/// A heading that is one code identifier with two or more humps: `CardHeader`,
/// `useAuthState`, optionally in backticks.
fn identifier_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"^\s*`?([A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+)`?\s*$")
}

/// A list number at the start: `0. `, `10) `.
fn list_number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"^\s*\d{1,3}[.)]\s+")
}

/// A heading's status, written after its title: from a status mark (`✅`,
/// `⏭️`, `🔄`, `⚠️`, `❌`, …) to the end, a state in capitals (`— COMPLETED`,
/// `PARTIALLY COMPLETE`, `: SKIPPED`), or one in brackets (`(done)`, and GSD's
/// `(INSERTED)` on a phase added between two others). What the file
/// holds is its title; its state changes (`task-5.4-…-completed.md` stayed
/// that name once the task was reopened). A lower-case last word stays
/// (`Definition of Done`).
fn status_tail_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"(?:\s*[✅⏭🔄⏳🚧❌☑✔⚠🟡🟢🔴].*|[\s\-–—:|]+(?:(?:PARTIALLY|MOSTLY|NEARLY|ALMOST|NOT)\s+)?(?:COMPLETED|COMPLETE|DONE|FINISHED|SKIPPED|DEFERRED|IN PROGRESS|NOT STARTED|BLOCKED|WIP|PENDING|CANCELL?ED|SUPERSEDED)\W*|\s*[(\[](?i:completed|complete|done|finished|skipped|deferred|in progress|not started|blocked|wip|pending|cancell?ed|superseded|inserted)[)\]]\W*)$",
    )
}

/// A Markdown file name's extension in a heading (`Create UPGRADE-6.0.md`):
/// the name is the file's stem (`…-upgrade-6.0`, not `…-6.0.md`).
fn md_ext_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"(?i)\.(?:md|markdown)\b")
}

impl<'r> Words<'r> {
    /// Word lists from the heading rules.
    pub fn new(rules: &'r HeadingRules) -> Words<'r> {
        let norm = |s: &String| s.trim().to_lowercase();
        let mut w = Words {
            rules,
            stop: rules.stop_words.iter().map(norm).collect(),
            generic: HashSet::new(),
        };
        w.generic = rules
            .generic
            .iter()
            .map(|g| w.words(g).join("-"))
            .filter(|g| !g.is_empty())
            .collect();
        w
    }

    /// The words of a heading text, lower-case ASCII, in order.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut t = text.replace(['\r', '\n'], " ");
        // Its state, when words are left before it (`✅ Done` alone stays).
        if let Some(m) = status_tail_re().find(&t) {
            if !file_slug(&t[..m.start()], usize::MAX).is_empty() {
                t.truncate(m.start());
            }
        }
        // Parenthesised durations and time frames, innermost first.
        loop {
            let mut changed = false;
            let out = paren_re().replace_all(&t, |c: &regex::Captures| {
                let inner = c[1].trim();
                if self.rules.duration.is_match(inner) || frame_re().is_match(inner) {
                    changed = true;
                    " ".to_string()
                } else {
                    format!(" {inner} ")
                }
            });
            let out = out.into_owned();
            if !changed || out == t {
                t = out;
                break;
            }
            t = out;
        }
        let t = replace_all(approx_re(), &t, " ");
        let t = list_number_re().replace(&t, "");
        let t = md_ext_re().replace_all(&t, "");
        // A component guide's `## CardHeader` would otherwise name
        // `cardheader.md`; its humps are its words. Only a heading that is the
        // identifier alone: in a sentence, `GitHub` or `JavaScript` stay whole.
        let t = match identifier_re().captures(&t) {
            Some(c) => {
                let mut spaced = String::new();
                for ch in c[1].chars() {
                    if ch.is_ascii_uppercase() && !spaced.is_empty() {
                        spaced.push(' ');
                    }
                    spaced.push(ch);
                }
                std::borrow::Cow::Owned(spaced)
            }
            None => t,
        };
        file_slug(&t, usize::MAX)
            .split('-')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `words` joined by hyphens within `max` bytes, cut at a word boundary
    /// (a first word longer than `max` is cut); where words were cut off, it
    /// never ends on a stop word (`…-architecture-for`) unless that is the only
    /// word left. A heading's own last word stays (`Sign in`).
    pub fn join(&self, words: &[String], max: usize) -> String {
        let mut out = String::new();
        let mut n = 0;
        for w in words {
            let extra = if out.is_empty() { w.len() } else { w.len() + 1 };
            if out.len() + extra > max {
                // Scripts written without spaces (Chinese, Japanese) make a whole
                // phrase one "word": keep as many of its characters as fit, at
                // least two, rather than drop the phrase.
                let room = max.saturating_sub(out.len() + usize::from(!out.is_empty()));
                let fit: String = w
                    .chars()
                    .scan(0, |used, c| {
                        *used += c.len_utf8();
                        (*used <= room).then_some(c)
                    })
                    .collect();
                if !w.is_ascii() && fit.chars().count() >= 2 && !out.is_empty() {
                    out.push('-');
                    out.push_str(&fit);
                    n += 1;
                }
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(w);
            n += 1;
        }
        if n == 0 {
            if let Some(w) = words.first() {
                let mut end = max.min(w.len());
                while !w.is_char_boundary(end) {
                    end -= 1;
                }
                return w[..end].trim_end_matches('.').to_string();
            }
            return out;
        }
        if n == words.len() {
            return out;
        }
        let mut kept: Vec<&str> = out.split('-').collect();
        while kept.len() > 1 && kept.last().is_some_and(|w| self.stop.contains(*w)) {
            kept.pop();
        }
        kept.join("-")
    }

    /// The slug of a heading text within `max` bytes.
    pub fn slug(&self, text: &str, max: usize) -> String {
        self.join(&self.words(text), max)
    }

    /// Whether a heading says nothing on its own (`Decision`, `Next Steps 2`).
    pub fn is_generic(&self, text: &str) -> bool {
        let mut w = self.words(text);
        while w.len() > 1
            && w.last()
                .is_some_and(|x| x.bytes().all(|b| b.is_ascii_digit()))
        {
            w.pop();
        }
        !w.is_empty() && self.generic.contains(&w.join("-"))
    }
}

/// `title:` (else `name:`) of a YAML front matter block, unquoted.
fn front_matter_title(doc: &Document) -> Option<String> {
    let b = doc.blocks.first()?;
    if b.kind != BlockKind::FrontMatter {
        return None;
    }
    let mut name = None;
    for line in doc.source.text[b.span()].lines() {
        for key in ["title:", "name:"] {
            let Some(v) = line.strip_prefix(key) else {
                continue;
            };
            let v = v.trim().trim_matches(['"', '\'']).trim();
            if v.is_empty() || v.starts_with(['|', '>', '&', '*', '[', '{']) {
                continue;
            }
            if key == "title:" {
                return Some(v.to_string());
            }
            name.get_or_insert_with(|| v.to_string());
        }
    }
    name
}

impl<'t> Namer<'t> {
    /// A namer for one file. Its own name is free: a caller that keeps the file
    /// where it is says so through [`Namer::also_taken`].
    pub fn new(doc: &Document, rules: &'t HeadingRules, stem: &str, slug_max: usize) -> Namer<'t> {
        let words = Words::new(rules);
        let own = file_slug(stem, usize::MAX);
        let phase_prefix = own.strip_prefix("phase-").and_then(|rest| {
            let num: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let num = num.trim_end_matches('.');
            (!num.is_empty()).then(|| format!("phase-{num}"))
        });
        let own = words.join(&words.words(stem), slug_max);
        let front = front_matter_title(doc)
            .map(|t| words.slug(&t, slug_max))
            .filter(|s| !s.is_empty());
        let mut seen = HashSet::new();
        let repeated = doc
            .headings
            .iter()
            .map(|h| h.text().trim().to_lowercase())
            .filter(|t| !seen.insert(t.clone()))
            .collect();
        Namer {
            taken: HashSet::new(),
            outside: None,
            words,
            slug_max,
            phase_prefix,
            own,
            front,
            repeated,
        }
    }

    /// Whether the document has a heading of this text more than once.
    pub fn is_repeated(&self, heading: &str) -> bool {
        !self.repeated.is_empty() && self.repeated.contains(&heading.trim().to_lowercase())
    }

    /// What names the document as a whole: the phase its file name carries, its
    /// front matter title, else its file name.
    fn document(&self) -> String {
        if let Some(p) = &self.phase_prefix {
            return p.clone();
        }
        match &self.front {
            Some(f) => f.clone(),
            None if self.own.is_empty() => "notes".to_string(),
            None => self.own.clone(),
        }
    }

    /// The words of the nearest heading above `heading` that is shallower and
    /// not generic itself; `None` when the only one is the document's title
    /// (the document's own name stands for it) or there is none.
    fn parent(&self, doc: &Document, heading: usize, title_block: Option<usize>) -> Option<String> {
        let level = doc.heading_level(heading)?;
        let mut need = level;
        for (b, h) in doc
            .top_headings()
            .filter(|(b, _)| *b < heading)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            if h.level >= need {
                continue;
            }
            need = h.level;
            if Some(b) == title_block {
                return None;
            }
            if self.words.is_generic(h.text()) {
                continue;
            }
            // A subphase parent lends its title, not its number: a name with
            // the number would read as that subphase's file to `check`.
            let text = recognise(h.text(), self.words.rules, &[])
                .map(|s| s.title)
                .unwrap_or_else(|| h.text().to_string());
            let w = self.words.words(&text);
            if !w.is_empty() {
                return Some(self.words.join(&w, self.slug_max));
            }
        }
        None
    }

    /// The base name (no `.md`) for a unit; `first` for the file's first unit.
    pub fn base(&self, doc: &Document, unit: &Unit, first: bool) -> String {
        if let Some(s) = &unit.subphase {
            let kind = s.kind.as_deref().unwrap_or("phase");
            let kind = self.words.join(&self.words.words(kind), 20);
            let kind = if kind.is_empty() {
                "phase".into()
            } else {
                kind
            };
            let slug = self.words.slug(&s.title, self.slug_max);
            let number = match &unit.through {
                Some(t) if *t != s.number => format!("{}-to-{t}", s.number),
                _ => s.number.clone(),
            };
            return if slug.is_empty() {
                format!("{kind}-{number}")
            } else {
                format!("{kind}-{number}-{slug}")
            };
        }
        if first {
            if let Some(f) = &self.front {
                return self.with_phase(f.clone());
            }
        }
        // A unit that is no subphase lends its title, not a `Phase 1.1` in it
        // (a title numbering another plan, see `foreign_title`): with it, its
        // file would read as that subphase's to `check`. A bare section number
        // (`3.3 Design`) stays: no file name pattern reads it, and it orders.
        let title = match recognise(&unit.title, self.words.rules, &[]) {
            Some(s) if !s.bare && s.number.contains('.') && !s.title.trim().is_empty() => s.title,
            _ => unit.title.clone(),
        };
        let slug = self.words.slug(&title, self.slug_max);
        if slug.is_empty() || slug == self.own {
            return format!("{}-overview", self.document());
        }
        if !self.words.is_generic(&title) {
            return self.with_phase(slug);
        }
        self.in_context(doc, unit, slug)
    }

    /// A section's name with its parent heading's words in front (or the
    /// document's): for a heading that says nothing on its own, and for one
    /// the document has more than once (`### Required content` under each
    /// task gave `required-content.md` and `required-content-2.md`). `None`
    /// for a subphase's unit, which its number names.
    pub fn with_context(&self, doc: &Document, unit: &Unit) -> Option<String> {
        if unit.subphase.is_some() {
            return None;
        }
        let slug = self.words.slug(&unit.title, self.slug_max);
        if slug.is_empty() || slug == self.own {
            return None;
        }
        Some(self.in_context(doc, unit, slug))
    }

    fn in_context(&self, doc: &Document, unit: &Unit, slug: String) -> String {
        // The document's title: a first heading shallower than every other.
        let title_block = doc
            .top_headings()
            .next()
            .filter(|(b, f)| {
                doc.top_headings()
                    .all(|(c, t)| c == *b || t.level > f.level)
            })
            .map(|(b, _)| b);
        let context = unit
            .heading
            .and_then(|h| self.parent(doc, h, title_block))
            .unwrap_or_else(|| self.document());
        let room = self.slug_max.saturating_sub(slug.len() + 1).max(8);
        let context = self.words.slug(&context, room);
        if context.is_empty() || slug.starts_with(&context) {
            return self.with_phase(slug);
        }
        self.with_phase(format!("{context}-{slug}"))
    }

    fn with_phase(&self, slug: String) -> String {
        match &self.phase_prefix {
            Some(p) if !slug.starts_with("phase-") => format!("{p}-{slug}"),
            _ => slug,
        }
    }

    /// The words of a section heading a continuation part goes on with, short:
    /// they follow the unit's name and part number.
    /// A section's phase number is left out (`Phase 2: AlloyDB` gives
    /// `alloydb`): after another unit's name, `…-part-2-phase-2-…` would read
    /// as phase 2's file to `check`. A heading that is nothing but the number
    /// (`PHASE 3`) gives no words (empty): the part keeps its plain name.
    pub fn section_slug(&self, text: &str) -> String {
        let text = recognise(text, self.words.rules, &[])
            .map(|s| s.title)
            .unwrap_or_else(|| text.to_string());
        let slug = self.words.slug(&text, SECTION_SLUG_MAX.min(self.slug_max));
        let numbered = slug.strip_prefix("phase-").and_then(|rest| {
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            Some(
                rest.split_once('-')
                    .map_or("", |(_, words)| words)
                    .to_string(),
            )
        });
        numbered.unwrap_or(slug)
    }

    /// The base name of a continuation part `k` of the unit named `base` that
    /// goes on with the section whose slug is `section`:
    /// `{unit}-part-{k}-{section}`. The unit's name in front is cut at a word
    /// boundary to [`CONTINUED_UNIT_MAX`] bytes: it only keeps the part beside
    /// its first part and says whose part it is, and a long unit name before
    /// the section's words made names of 80 characters and more.
    pub fn section_part_base(&self, base: &str, k: usize, section: &str) -> String {
        let words: Vec<String> = base.split('-').map(str::to_string).collect();
        let unit = self.words.join(&words, CONTINUED_UNIT_MAX);
        let unit = if unit.is_empty() { base } else { &unit };
        format!("{unit}-part-{k}-{section}")
    }

    /// Also avoid every name for which `taken` is true.
    pub fn also_taken(&mut self, taken: &'t dyn Fn(&str) -> bool) {
        self.outside = Some(taken);
    }

    fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name) || self.outside.is_some_and(|f| f(name))
    }

    /// `base.md`, or `base-2.md`, `base-3.md`, ... when taken; reserved. `None`
    /// when all of the first hundred are taken (the caller keeps its own name).
    pub fn free_name(&mut self, base: &str) -> Option<String> {
        if base.is_empty() {
            return None;
        }
        let name = (1..100)
            .map(|k| match k {
                1 => format!("{base}.md"),
                k => format!("{base}-{k}.md"),
            })
            .find(|x| !self.is_taken(x))?;
        self.taken.insert(name.clone());
        Some(name)
    }

    /// Unique names for the `n` parts of a unit: `base.md`, `base-part-2.md`, ...
    /// Duplicate units get `-2`, `-3` so nothing is ever overwritten. `None`
    /// when the first hundred such sets are all taken: the search is bounded
    /// (a `taken` that says yes to every name must not hang a run), and the
    /// caller leaves the file whole rather than guess a name unchecked.
    pub fn part_names(&mut self, base: &str, n: usize) -> Option<Vec<String>> {
        for k in 1..=PART_NAME_TRIES {
            let b = if k == 1 {
                base.to_string()
            } else {
                format!("{base}-{k}")
            };
            let names: Vec<String> = (1..=n)
                .map(|i| {
                    if i == 1 {
                        format!("{b}.md")
                    } else {
                        format!("{b}-part-{i}.md")
                    }
                })
                .collect();
            if names.iter().all(|x| !self.is_taken(x)) {
                self.taken.extend(names.iter().cloned());
                return Some(names);
            }
        }
        None
    }
}

/// The longest section slug a continuation part's name carries.
const SECTION_SLUG_MAX: usize = 30;

/// The longest unit name in front of a continuation part's section words
/// ([`Namer::section_part_base`]): with the section's 30 and `-part-NN-`, a
/// name stays within about 70 characters.
const CONTINUED_UNIT_MAX: usize = 30;

/// How many `-k` suffixes [`Namer::part_names`] tries before it gives up: a
/// hundred, about as many as [`Namer::free_name`] tries for one name (99).
const PART_NAME_TRIES: usize = 100;

/// The added first line of a continuation part: a sentence linking the unit's
/// first part, the marker, then a blank line so the body starts a fresh block.
pub fn continuation(title: &str, first: &str, part: usize, parts: usize, nl: &str) -> String {
    // One line whatever the heading held: brackets would break the link, line
    // breaks would add lines the budget did not reserve.
    let title = title.replace(['[', ']'], "").replace(['\r', '\n'], " ");
    let title = if title.is_empty() {
        first.to_string()
    } else {
        title
    };
    format!("*Continued from [{title}]({first}) (part {part} of {parts}).* {CONTINUATION}{nl}{nl}")
}

/// The first part's file name and the part number that a [`continuation`] line
/// names; `None` for any other line.
pub fn continued_from(line: &str) -> Option<(&str, usize)> {
    let (head, _) = line.split_once(CONTINUATION)?;
    let (_, tail) = head.rsplit_once("](")?;
    let (first, tail) = tail.split_once(')')?;
    let part = tail
        .split_once("(part ")?
        .1
        .split(' ')
        .next()?
        .parse()
        .ok()?;
    Some((first, part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::testing::proptest_config(2000))]
        /// The approximate-duration regex, compiled without a prefilter,
        /// replaces what the regex crate's regex of the same pattern does
        /// (case variants such as the Kelvin sign and `ſ` included).
        #[test]
        fn approx_replaces_what_the_regex_crate_replaces(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "~", "~ ", "ca.", "CA. ", "about ", "About\t", "1", "20", "2.5", "1,5", "-",
                    "–", " — ", " ", "min", "MINS", "h", "hr", "d", "Days", "w", "wk", "weeks",
                    "months", "m", "s", "\u{17f}", "\u{212a}", "é", "x", "(", ")", "٣", "_",
                ]),
                0..12,
            ),
        ) {
            let text = pieces.concat();
            let theirs = Regex::new(APPROX).unwrap();
            let ours = replace_all(approx_re(), &text, " ");
            let expected = theirs.replace_all(&text, " ");
            prop_assert_eq!(ours.as_ref(), expected.as_ref(), "{:?}", text);
            prop_assert_eq!(matches!(ours, Cow::Borrowed(_)), !theirs.is_match(&text));
        }
    }

    /// What `continuation` writes, `continued_from` reads back.
    #[test]
    fn continuation_lines_round_trip() {
        for (title, first, part, nl) in [
            (
                "Phase 4.7: Install (nonprod)",
                "phase-4.7-install.md",
                2,
                "\n",
            ),
            ("", "notes-part.md", 12, "\r\n"),
            ("A [bracketed] title", "a b.md", 3, "\r"),
        ] {
            let line = continuation(title, first, part, 12, nl);
            let line = line.trim_end_matches(['\r', '\n']);
            assert_eq!(continued_from(line), Some((first, part)), "{line:?}");
        }
        assert_eq!(
            continued_from("*Continued from [x](y.md) (part 2 of 3).*"),
            None
        );
        assert_eq!(continued_from("# A heading"), None);
    }
}

#[cfg(test)]
mod slug_tests {
    use super::*;
    use crate::config::Config;

    /// A Chinese phrase is one "word" with no spaces: a name keeps as much of
    /// it as fits instead of stopping at the task number.
    #[test]
    fn a_phrase_without_spaces_is_cut_not_dropped() {
        let c = Config::builtin();
        let w = Words::new(&c.headings);
        let s = w.slug("任务 6：把集成控制面切到团队绑定模型", 50);
        assert!(s.starts_with("任务-6-把集成控制面"), "{s}");
        assert!(s.len() <= 50, "{s}");
        // English words are never cut in the middle.
        let s = w.slug("Task 6 internationalisation", 12);
        assert_eq!(s, "task-6");
    }
}
