//! Labels (`**Decision**:`, `**Rationale:**`) and the compiled decision rules.

use std::collections::HashMap;

use regex::Regex;
use regex_automata::{meta, nfa::thompson::WhichCaptures};

use crate::config::{AnyOf, DecisionRules};

/// Lowercase words of letters and digits joined by single spaces.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        // ASCII first: `char::is_alphanumeric` and `to_lowercase` agree with
        // their ASCII forms there, and nearly every label is ASCII.
        let word = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if word {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            space = true;
        }
    }
    out
}

/// Longest `**Label**:`, in characters.
const MAX_BOLD_LABEL: usize = 80;
/// Longest plain `Label:`, in characters.
const MAX_PLAIN_LABEL: usize = 31;

/// Split a line into label, rest and whether the label is bold. Written out by
/// hand because it runs on every line of every plan, and a capturing regex was
/// the largest cost of extracting decisions. It matches exactly what these
/// patterns (the tests hold them as the reference) match:
/// `^(?:\*\*|__)\s*(?P<label>[^*_\n]{1,80}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<rest>.*)$`
/// and `^(?P<label>[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(?P<rest>.*)$`.
/// `content` is one line; with a line break inside, there is no label. Returns the
/// label, the rest of the line and whether the label is bold (`**Label**: rest`,
/// `**Label:** rest`, `__Label__: rest`) rather than plain (`Label: rest`).
pub(super) fn split_label(content: &str) -> Option<(&str, &str, bool)> {
    if content.contains('\n') {
        return None;
    }
    if content.starts_with("**") || content.starts_with("__") {
        bold_label(content).map(|(l, end)| (l, &content[end..], true))
    } else {
        plain_label(content).map(|(l, end)| (l, &content[end..], false))
    }
}

/// Byte offset after the whitespace (`\s`) starting at `at`.
fn skip_ws(s: &str, at: usize) -> usize {
    let b = s.as_bytes();
    let mut i = at;
    // ASCII whitespace byte by byte (`\s` there is `\t\n\x0B\x0C\r `); the
    // rest of Unicode's only when a non-ASCII character comes.
    while let Some(&c) = b.get(i) {
        match c {
            b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ' => i += 1,
            0x80.. => {
                return i + s[i..]
                    .char_indices()
                    .find(|(_, c)| !c.is_whitespace())
                    .map_or(s.len() - i, |(k, _)| k)
            }
            _ => return i,
        }
    }
    i
}

fn closer_at(s: &str, at: usize) -> bool {
    s[at..].starts_with("**") || s[at..].starts_with("__")
}

/// The end of `\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*` matched at `at`.
fn bold_tail(s: &str, at: usize) -> Option<usize> {
    let p = skip_ws(s, at);
    if s[p..].starts_with(':') {
        let q = skip_ws(s, p + 1);
        if closer_at(s, q) {
            return Some(skip_ws(s, q + 2));
        }
    }
    if closer_at(s, p) {
        let q = skip_ws(s, p + 2);
        if s[q..].starts_with(':') {
            return Some(skip_ws(s, q + 1));
        }
    }
    None
}

/// Label and match end of a bold label. The label is the shortest run of up to
/// 80 characters other than `*`, `_` and line breaks followed by a closing
/// `:**` or `**:`. It starts after the opening's whitespace, or, failing that,
/// one whitespace character earlier: no earlier start can succeed (its ends in
/// the whitespace see the same tail, its later ends were already tried).
fn bold_label(s: &str) -> Option<(&str, usize)> {
    let open = 2;
    let greedy = skip_ws(s, open);
    let earlier = s[open..greedy].char_indices().last().map(|(i, _)| open + i);
    for start in std::iter::once(greedy).chain(earlier) {
        let mut end = start;
        for c in s[start..].chars().take(MAX_BOLD_LABEL) {
            if matches!(c, '*' | '_' | '\n') {
                break;
            }
            end += c.len_utf8();
            // A tail starts with whitespace, a colon or a closer: any other
            // ASCII character after the label cannot begin one.
            let next = s.as_bytes().get(end).copied().unwrap_or(b' ');
            if next.is_ascii_alphanumeric() {
                continue;
            }
            if let Some(m) = bold_tail(s, end) {
                return Some((&s[start..end], m));
            }
        }
    }
    None
}

/// Label and match end of a plain label: a letter, then the shortest run of up
/// to 30 letters and spaces followed by optional whitespace and a colon.
///
/// Only one end can match: inside the run of letters and spaces, an end at a
/// letter sees that letter, and one at a space with a letter later in the run
/// skips to that letter. So the label ends where the run's trailing spaces
/// start, if that is within 31 characters and a colon follows the whitespace.
fn plain_label(s: &str) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut run = 1;
    while b
        .get(run)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b' ')
    {
        run += 1;
    }
    let mut end = run;
    while b[end - 1] == b' ' {
        end -= 1;
    }
    if end > MAX_PLAIN_LABEL {
        return None;
    }
    let p = skip_ws(s, run);
    (b.get(p) == Some(&b':')).then(|| (&s[..end], skip_ws(s, p + 1)))
}

/// Decision rules, normalised and compiled.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(super) labels: Vec<String>,
    pub(super) qualified: bool,
    pub(super) implied: bool,
    pub(super) not_implied: Vec<String>,
    pub(super) not_implied_exact: Vec<String>,
    pub(super) rationale: Vec<String>,
    pub(super) excluded_labels: Vec<String>,
    pub(super) metadata: Vec<String>,
    pub(super) heading_prefixes: Vec<String>,
    pub(super) adr: Option<Regex>,
    pub(super) table_cols: Vec<String>,
    pub(super) rationale_cols: Vec<String>,
    pub(super) sections: Vec<String>,
    pub(super) excluded_sections: Vec<String>,
    pub(super) not_decisions: AnyOf,
    /// ` — **Rationale**: ` inside a decision's line (see [`inline_rationale`]).
    pub(super) inline_rationale: Option<meta::Regex>,
    /// Every normalised label above, with the lists it is in: one lookup per
    /// line instead of a scan of each list (there are over a hundred labels).
    classes: HashMap<String, u8>,
}

/// The regex of a rationale label inside a decision's line, ` — **Why**: `,
/// `None` without labels. Only searched for (its groups are never read), and
/// compiled without a prefilter: the regex crate built one from the labels'
/// case variants, ~75% of the ~4 M instructions its compile took on the main
/// thread at every run, to speed searches of a few short lines. A prefilter
/// never changes what matches, only how it is found.
fn inline_rationale(labels: &[String]) -> Option<meta::Regex> {
    if labels.is_empty() {
        return None;
    }
    let alts: Vec<String> = labels.iter().map(|l| regex::escape(l)).collect();
    // Built from escaped labels: it compiles (unless absurdly large, when
    // inline rationales are simply not split off).
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .auto_prefilter(false)
                .which_captures(WhichCaptures::Implicit),
        )
        .build(&format!(
            r"(?i)\s*[—–;,-]?\s*(?:\*\*|__)\s*(?:{})\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*",
            alts.join("|")
        ))
        .ok()
}

/// Bits of [`Rules::classes`].
const EXCLUDED: u8 = 1;
const METADATA: u8 = 1 << 1;
const RATIONALE: u8 = 1 << 2;
const DECISION: u8 = 1 << 3;
const NOT_IMPLIED: u8 = 1 << 4;
/// A one-word not-implied label: any label starting with the word is one.
const NOT_IMPLIED_WORD: u8 = 1 << 5;

impl Rules {
    /// Normalise the configured rules (their patterns were compiled when read).
    pub fn new(r: &DecisionRules) -> Rules {
        let n = |v: &[String]| {
            v.iter()
                .map(|s| norm(s))
                .filter(|s| !s.is_empty())
                .collect()
        };
        let adr = r.adr_heading.regex().cloned();
        // Compiled before it is cloned, so the clone shares the set.
        r.not_decisions.compile();
        let not_decisions = r.not_decisions.clone();
        let mut rules = Rules {
            classes: HashMap::new(),
            labels: n(&r.labels),
            qualified: r.qualified_labels,
            implied: r.rationale_implies_decision,
            not_implied: n(&r.not_implied_labels),
            not_implied_exact: n(&r.not_implied_exact_labels),
            rationale: n(&r.rationale_labels),
            excluded_labels: n(&r.excluded_labels),
            metadata: n(&r.metadata_labels),
            heading_prefixes: n(&r.heading_prefixes),
            adr,
            table_cols: n(&r.table_columns),
            rationale_cols: n(&r.rationale_columns),
            sections: n(&r.sections),
            excluded_sections: n(&r.excluded_sections),
            not_decisions,
            inline_rationale: inline_rationale(&r.rationale_labels),
        };
        let lists: [(&[String], u8); 6] = [
            (&rules.excluded_labels, EXCLUDED),
            (&rules.metadata, METADATA),
            (&rules.rationale, RATIONALE),
            (&rules.labels, DECISION),
            (&rules.not_implied, NOT_IMPLIED),
            (&rules.not_implied_exact, NOT_IMPLIED),
        ];
        let mut classes: HashMap<String, u8> = HashMap::new();
        for (list, bit) in lists {
            for l in list {
                *classes.entry(l.clone()).or_default() |= bit;
            }
        }
        for l in rules.not_implied.iter().filter(|l| !l.contains(' ')) {
            *classes.entry(l.clone()).or_default() |= NOT_IMPLIED_WORD;
        }
        rules.classes = classes;
        rules
    }

    /// The lists a normalised label is in (bits of `classes`).
    fn class(&self, n: &str) -> u8 {
        self.classes.get(n).copied().unwrap_or(0)
    }

    /// Whether an item or paragraph labelled `name` (normalised) is not one a
    /// rationale makes a decision: a task, test, risk and the like (either
    /// list), or a label starting with the one word of such a label (the
    /// first list only).
    pub(super) fn not_implied(&self, name: &str) -> bool {
        let first = name.split(' ').next().unwrap_or("");
        self.class(name) & NOT_IMPLIED != 0 || self.class(first) & NOT_IMPLIED_WORD != 0
    }

    fn ends_with_any(list: &[String], n: &str) -> bool {
        list.iter().any(|l| {
            n == l
                || (n.len() > l.len()
                    && n.ends_with(l.as_str())
                    && n[..n.len() - l.len()].ends_with(' '))
        })
    }

    /// Whether a normalised heading names a section of decisions: one of
    /// `sections`, or a title ending in one ("ArgoCD Decisions"), but not a
    /// sentence that ends in the word ("Add a cost model for parsing
    /// decisions", "Guidelines for making decisions"): a preposition other than
    /// "of" before it makes the title about decisions, not a list of them.
    pub(super) fn is_section(&self, n: &str) -> bool {
        const ABOUT: [&str; 8] = ["for", "about", "to", "with", "into", "when", "on", "how"];
        if self.excluded_sections.iter().any(|e| e == n) || !Rules::ends_with_any(&self.sections, n)
        {
            return false;
        }
        let qualifier = self
            .sections
            .iter()
            .filter(|l| n.ends_with(l.as_str()))
            .map(|l| &n[..n.len() - l.len()])
            .min_by_key(|q| q.len())
            .unwrap_or("");
        !qualifier.split(' ').any(|w| ABOUT.contains(&w))
    }

    /// Whether a normalised heading names a section of what is not decided
    /// (yet): one of `excluded_sections` or a title ending in one, or an open
    /// list of any kind (`Open Architectural Decisions`, `Pending Design
    /// Questions`), whose items are the questions, not their answers.
    pub(super) fn is_excluded_section(&self, n: &str) -> bool {
        // Not made yet, whatever word says so: `Open Decisions`, `9. Parked
        // Decisions` (wonderland's spec: "blocked on testing … remain
        // open"), `Decisions (TBD)`.
        const PENDING: [&str; 9] = [
            "open",
            "pending",
            "unresolved",
            "outstanding",
            "undecided",
            "parked",
            "deferred",
            "blocked",
            "tbd",
        ];
        const LISTS: [&str; 4] = ["decision", "decisions", "question", "questions"];
        let bare = n.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
        let first = bare.split(' ').next().unwrap_or("");
        let last = bare.rsplit(' ').next().unwrap_or("");
        if (PENDING.contains(&first) && LISTS.contains(&last))
            || (LISTS.contains(&first) && PENDING.contains(&last) && first != last)
        {
            return true;
        }
        self.excluded_sections.iter().any(|e| e == n)
            || self.excluded_sections.iter().any(|e| {
                n.ends_with(e.as_str())
                    && n.len() > e.len()
                    && n[..n.len() - e.len()].ends_with(' ')
            })
    }

    /// A decision stated as one bold sentence: `**Decision: Full unification.
    /// Debug logs ARE just verbose OTel log records.**` (magter's plan, where
    /// only the labelled context around it, `**Current state:**` and
    /// `**Migration approach:**`, was read). Only a decision label: any other
    /// bold sentence with a colon is emphasis. Its rest keeps the closing
    /// `**` (a label's rest is the end of its line): [`unbolded_rest`] drops it.
    fn bold_sentence_label<'a>(&self, content: &'a str) -> Option<Label<'a>> {
        let open = ["**", "__"].into_iter().find(|o| content.starts_with(o))?;
        let inner = content[2..].trim_end().strip_suffix(open)?;
        if inner.contains(open) {
            return None;
        }
        let (label, end) = plain_label(inner)?;
        let n = norm(label);
        let n = strip_number(&n);
        // One decision, stated: not `**Decisions: Phase 2**` heading a list,
        // nor a pointer to one made elsewhere (as for a plain label).
        if self.class(n) & DECISION == 0
            || n.rsplit(' ').next() == Some("decisions")
            || !plain_decision_text(&inner[end..])
        {
            return None;
        }
        Some(Label {
            kind: LabelKind::Decision {
                keep: !matches!(n, "decision" | "decisions" | "decided"),
            },
            bold: true,
            full: content[..2 + end].trim_end(),
            rest: &content[2 + end..],
        })
    }

    /// `**Decision.** Text`: a decision or rationale label closed by a period
    /// inside the bold, with text after it. Nothing else written this way is a
    /// label (`**Note.** …` stays prose).
    fn period_label<'a>(&self, content: &'a str) -> Option<Label<'a>> {
        let open = if content.starts_with("**") {
            "**"
        } else if content.starts_with("__") {
            "__"
        } else {
            return None;
        };
        let inner_end = 2 + content[2..].find(open)?;
        let inner = content[2..inner_end].trim_end();
        let label = inner.strip_suffix('.')?;
        if label.chars().count() > MAX_BOLD_LABEL || label.contains(['*', '_']) {
            return None;
        }
        let rest = content[inner_end + 2..].trim_start();
        if rest.is_empty() {
            return None;
        }
        let n = norm(label);
        let n = strip_number(&n);
        let class = self.class(n);
        let kind = if class & EXCLUDED != 0 {
            LabelKind::Excluded
        } else if class & RATIONALE != 0 {
            LabelKind::Rationale
        } else if class & DECISION != 0 || (self.qualified && Rules::ends_with_any(&self.labels, n))
        {
            LabelKind::Decision {
                keep: !matches!(n, "decision" | "decisions" | "decided"),
            }
        } else {
            return None;
        };
        Some(Label {
            kind,
            bold: true,
            full: content[..inner_end + 2].trim_end(),
            rest,
        })
    }

    /// Whether a decision text is really an open question, TBD or pending.
    pub fn not_decision(&self, text: &str) -> bool {
        let t = text.trim();
        t.is_empty() || self.not_decisions.is_match(t)
    }

    pub(super) fn label<'a>(&self, content: &'a str) -> Option<Label<'a>> {
        // Every label starts with `**`, `__` or an ASCII letter: most lines of
        // a plan (items, numbers, links, code) are turned away here.
        let b = content.as_bytes();
        if !(b.first().is_some_and(u8::is_ascii_alphabetic)
            || b.starts_with(b"**")
            || b.starts_with(b"__"))
        {
            return None;
        }
        let Some((label, rest, bold)) = split_label(content) else {
            return self
                .period_label(content)
                .or_else(|| self.bold_sentence_label(content));
        };
        let n = norm(label);
        // `**Decision 3**:`, `**Decision #2**:` count as `Decision`.
        let n = strip_number(&n);
        let class = self.class(n);
        // `**Why seal**:` is a rationale, of the thing just above it.
        let why = |n: &str| {
            n.split_once(' ').is_some_and(|(w, rest)| {
                rest.split(' ').count() <= 2 && self.class(w) & RATIONALE != 0
            })
        };
        let kind = if class & EXCLUDED != 0 {
            LabelKind::Excluded
        } else if class & METADATA != 0 {
            LabelKind::Metadata
        } else if class & RATIONALE != 0 || (bold && why(n)) {
            LabelKind::Rationale
        } else if !bold {
            // A plain `Decision: Use PSC` (spec-kit's research notes write them so)
            // is one when the label is exactly a decision label and text follows;
            // not `Decisions:` heading a list, a qualified `Final decision:` in
            // prose, nor `Decision: [ADR-3](adr-3.md)`, a pointer to one made
            // elsewhere.
            if class & DECISION == 0 || !plain_decision_text(rest) {
                return None;
            }
            LabelKind::Decision {
                keep: !matches!(n, "decision" | "decisions" | "decided"),
            }
        } else if rest.trim().is_empty() && self.is_section(n) {
            LabelKind::Section
        } else if class & DECISION != 0
            || (self.qualified && Rules::ends_with_any(&self.labels, n))
            || self.is_section(n)
        {
            LabelKind::Decision {
                keep: !matches!(n, "decision" | "decisions" | "decided"),
            }
        } else if bold {
            LabelKind::Other
        } else {
            return None;
        };
        let label_end = content.len() - rest.len();
        Some(Label {
            kind,
            bold,
            full: content[..label_end].trim_end(),
            rest,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelKind {
    Decision {
        keep: bool,
    },
    Rationale,
    Section,
    Excluded,
    /// A fact about a decision (`**Made**: 2026-02-16`): neither one nor part of one.
    Metadata,
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Label<'a> {
    pub(super) kind: LabelKind,
    /// Written in bold (`**Rationale**:`), not plain (`Why:`).
    pub(super) bold: bool,
    /// The label with its emphasis and colon, e.g. `**Repository Decision**:`.
    pub(super) full: &'a str,
    pub(super) rest: &'a str,
}

/// A [`Label`] as lengths into the line it was read from (12 bytes, not 40):
/// the scan remembers one per line of a file, and its label is always a
/// prefix of the line and its rest a suffix.
#[derive(Debug, Clone, Copy)]
pub(super) struct PackedLabel {
    kind: LabelKind,
    bold: bool,
    full_len: u32,
    rest_start: u32,
}

impl PackedLabel {
    /// `label` as read from `content`.
    pub(super) fn pack(content: &str, label: Label) -> PackedLabel {
        debug_assert!(content.starts_with(label.full) && content.ends_with(label.rest));
        let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        PackedLabel {
            kind: label.kind,
            bold: label.bold,
            full_len: len(label.full.len()),
            rest_start: len(content.len() - label.rest.len()),
        }
    }

    /// The label again, from the same `content`.
    pub(super) fn unpack(self, content: &str) -> Label<'_> {
        Label {
            kind: self.kind,
            bold: self.bold,
            full: content.get(..self.full_len as usize).unwrap_or(""),
            rest: content.get(self.rest_start as usize..).unwrap_or(""),
        }
    }
}

/// A label's rest as text: trimmed, and without a closing `**` or `__` that
/// opened before the label (`**Decision: Use PSC.**` gives `Use PSC.`).
pub(super) fn unbolded_rest(rest: &str) -> &str {
    let t = rest.trim();
    for close in ["**", "__"] {
        if let Some(body) = t.strip_suffix(close) {
            if !body.contains(close) {
                return body.trim_end();
            }
        }
    }
    t
}

/// Whether the text after a plain `Decision:` states something: words, not
/// nothing and not only a link (a list of links to decisions made elsewhere).
fn plain_decision_text(rest: &str) -> bool {
    let t = rest.trim();
    if norm(t).is_empty() {
        return false;
    }
    let only_link = t.starts_with('[')
        && t.find("](").is_some_and(|i| {
            let after = &t[i + 2..];
            after
                .find(')')
                .is_some_and(|j| norm(&after[j + 1..]).is_empty())
        });
    !only_link
}

/// A normalised label without a trailing number word (`decision 3` -> `decision`).
pub(super) fn strip_number(n: &str) -> &str {
    match n.rsplit_once(' ') {
        Some((head, last)) if last.chars().all(|c| c.is_ascii_digit()) => head,
        _ => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The patterns `split_label` was written from: the reference it must agree with.
    fn reference(content: &str) -> Option<(String, String, bool)> {
        let bold = Regex::new(
            r"^(?:\*\*|__)\s*(?P<label>[^*_\n]{1,80}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(?P<rest>.*)$",
        )
        .unwrap();
        let plain =
            Regex::new(r"^(?P<label>[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(?P<rest>.*)$").unwrap();
        let (c, b) = match bold.captures(content) {
            Some(c) => (c, true),
            None => (plain.captures(content)?, false),
        };
        Some((c["label"].to_string(), c["rest"].to_string(), b))
    }

    fn ours(content: &str) -> Option<(String, String, bool)> {
        split_label(content).map(|(l, r, b)| (l.to_string(), r.to_string(), b))
    }

    /// A packed label gives back the same label from the same line, for every
    /// written form (bold, plain, closed by a period), and stays small: the
    /// scan holds one per line of a file.
    #[test]
    fn packed_labels_unpack_to_the_label_read() {
        let rules = Rules::new(&crate::config::Config::builtin().decisions);
        let mut seen = 0;
        for line in [
            "**Decision**: use X",
            "**Rationale:** cheaper  ",
            "Decision: keep the queue",
            "**Decision.** Use Postgres.",
            "**Verify audit logging** (security compliance): on",
            "Why: it is simpler",
        ] {
            let Some(label) = rules.label(line) else {
                continue;
            };
            seen += 1;
            let back = PackedLabel::pack(line, label).unpack(line);
            assert_eq!(back.kind, label.kind, "{line}");
            assert_eq!(back.bold, label.bold, "{line}");
            assert_eq!(back.full, label.full, "{line}");
            assert_eq!(back.rest, label.rest, "{line}");
        }
        assert!(seen >= 4, "only {seen} lines were labels");
        assert!(std::mem::size_of::<Option<PackedLabel>>() <= 12);
    }

    #[test]
    fn a_title_ending_in_decisions_is_a_section_unless_it_is_about_them() {
        let rules = Rules::new(&crate::config::Config::builtin().decisions);
        for (title, want) in [
            ("decisions", true),
            ("key decisions", true),
            ("argocd deployment decisions", true),
            ("summary of decisions", true),
            ("add entropy-cost model for parsing decisions", false),
            ("guidelines for making decisions", false),
            ("open decisions", false),
        ] {
            assert_eq!(rules.is_section(title), want, "{title}");
        }
    }

    #[test]
    fn known_lines() {
        for (line, want) in [
            ("**Decision**: use X", Some(("Decision", "use X", true))),
            (
                "**Rationale:** cheaper",
                Some(("Rationale", "cheaper", true)),
            ),
            ("__Why__ : because", Some(("Why", "because", true))),
            ("** : x**: y", Some((": x", "y", true))),
            ("**  **: y", Some((" ", "y", true))),
            ("**:**", None),
            ("Status: done", Some(("Status", "done", false))),
            (
                "Note that this: is prose",
                Some(("Note that this", "is prose", false)),
            ),
            (
                "https://example.com",
                Some(("https", "//example.com", false)),
            ),
            ("plain text", None),
        ] {
            let got = split_label(line);
            assert_eq!(got, want, "{line:?}");
            assert_eq!(ours(line), reference(line), "{line:?}");
        }
        let long = format!("**{}**: x", "a".repeat(81));
        assert_eq!(split_label(&long), None);
        assert_eq!(reference(&long), None);
        let fits = format!("**{}**: x", "a".repeat(80));
        assert_eq!(ours(&fits), reference(&fits));
        assert!(split_label(&fits).is_some());
    }

    proptest! {
        #![proptest_config(crate::testing::proptest_config(3000))]
        /// On one line (no `\n`: a line's content never holds one).
        #[test]
        fn agrees_with_the_patterns(
            open in prop::sample::select(vec!["", "**", "__", "*", "_"]),
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "*", "**", "_", "__", ":", " ", "  ", "\t", "\u{a0}", "\u{3000}", "a", "Zed",
                    "é", "1", "-", "\r", "Decision", "abcdefghijklmnopqrstuvwxyz",
                ]),
                0..14,
            ),
        ) {
            let line = format!("{open}{}", pieces.concat());
            prop_assert_eq!(ours(&line), reference(&line), "{:?}", line);
        }

        /// Any line's label is a prefix of it and its rest a suffix (what
        /// packing it assumes), without a panic on characters of several
        /// bytes: `Räumt …` once sliced inside its `ä`.
        #[test]
        fn a_label_is_a_prefix_and_its_rest_a_suffix(
            open in prop::sample::select(vec!["", "**", "__", "R", "ä"]),
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "*", "**", "_", "__", ":", " ", ".", "ä", "→", "a", "Decision", "Why",
                    "Note", "1",
                ]),
                0..12,
            ),
        ) {
            static RULES: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
            let rules =
                RULES.get_or_init(|| Rules::new(&crate::config::Config::builtin().decisions));
            let line = format!("{open}{}", pieces.concat());
            if let Some(l) = rules.label(&line) {
                prop_assert!(line.starts_with(l.full) && line.ends_with(l.rest), "{:?}", line);
            }
        }

        /// The inline rationale's regex, compiled without a prefilter, finds
        /// what the `regex` crate's regex of the same pattern finds, case
        /// variants (the Kelvin sign folds to `k`, `ſ` to `s`) and all.
        #[test]
        fn inline_rationale_finds_what_the_regex_crate_finds(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "**", "__", "*", ":", " ", "\t", "\u{a0}", "—", "–", ";", ",", "-", "Why",
                    "WHY", "wHy", "Rationale", "rationale", "Reason", "Reasoning", "Justification",
                    "\u{17f}", "\u{212a}", "é", "x", "Decision", "**Why**:", "**Why:**",
                    "__Reason__ :", " — **Rationale**: ", "; **REAſONING:** ", "**Ris\u{212a}**:",
                ]),
                0..14,
            ),
        ) {
            let labels: Vec<String> = ["Rationale", "Reason", "Reasoning", "Why", "Justification", "Risk"]
                .map(String::from)
                .to_vec();
            let ours = inline_rationale(&labels).unwrap();
            let alts: Vec<String> = labels.iter().map(|l| regex::escape(l)).collect();
            let theirs = Regex::new(&format!(
                r"(?i)\s*[—–;,-]?\s*(?:\*\*|__)\s*(?:{})\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*",
                alts.join("|")
            ))
            .unwrap();
            let line = pieces.concat();
            let a = ours.find(&line).map(|m| m.range());
            let b = theirs.find(&line).map(|m| m.range());
            prop_assert_eq!(a, b, "{:?}", line);
        }
    }
}
