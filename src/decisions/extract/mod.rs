//! Finding decisions in one parsed document. Line-based over the document's
//! top-level blocks: code, HTML and front matter are never read; quotes and list
//! markers are peeled iteratively, so any nesting depth is safe.
//!
//! This file holds the scanner: it marks each line's kind and walks the lines,
//! handing each written form to its recogniser: `text` (labelled or implied
//! decisions in items, paragraphs and lists) and `blocks` (a `### Decision`
//! heading's section, an ADR, a decision table).

use std::cell::OnceCell;

use crate::model::{BlockKind, Document, Heading};

pub use super::labels::{norm, Rules};
use super::labels::{Label, LabelKind, PackedLabel};
pub use super::lines::{ends_lead, lead_text};
use super::lines::{is_tag_line, mark_nested_fences, peel, Kind, Line};

mod blocks;
mod text;

/// A decision found in a document, with 1-based `line` in that document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// 1-based line where the decision starts.
    pub line: usize,
    /// Markdown text, possibly several lines (continuations dedented).
    pub text: String,
    /// Rationale text, if one was given.
    pub rationale: Option<String>,
    /// What follows from it, when an ADR states it (its Consequences part).
    pub consequences: Option<String>,
}

/// What one scan of a document yields.
#[derive(Debug, Default)]
pub struct Scan {
    /// Decisions in document order.
    pub found: Vec<Found>,
    /// 1-based lines of fenced code blocks never closed (their content is unread).
    pub unclosed_fences: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sec {
    Plain,
    Decisions,
    Excluded,
}

struct Scanner<'a> {
    rules: &'a Rules,
    doc: &'a Document,
    lines: Vec<Line<'a>>,
    /// Top-level headings by the 0-based line they start at, with their
    /// index into doc.headings, in line order (a few per file: looked up, not
    /// held per line).
    heading_at: Vec<(u32, u32)>,
    /// For table lines: the block's last line index + 1 (32 bits: held per line).
    block_end: Vec<u32>,
    /// Each line's label, read the first time a recogniser asks (several ask
    /// about the same line: the scan, the extent of the text above, a
    /// rationale's lookahead).
    labels: Vec<OnceCell<Option<PackedLabel>>>,
    out: Vec<Found>,
}

/// Scan a document for decisions.
pub fn scan(doc: &Document, rules: &Rules) -> Scan {
    let n = doc.source.line_count();
    let mut lines: Vec<Line> = (1..=n).map(|l| peel(doc.source.line_text(l))).collect();
    let mut heading_at = Vec::new();
    let mut block_end = vec![0u32; n];
    let mut unclosed = Vec::new();
    for b in &doc.blocks {
        let kind = match &b.kind {
            BlockKind::Heading { .. } => Kind::Heading,
            BlockKind::Table => Kind::Table,
            BlockKind::Paragraph | BlockKind::List | BlockKind::BlockQuote | BlockKind::Other => {
                continue
            }
            BlockKind::Code(c) => {
                if c.fenced && !c.closed {
                    unclosed.push(b.line());
                }
                Kind::Skip
            }
            _ => Kind::Skip,
        };
        let last = b.end_line().min(n);
        for i in b.line().saturating_sub(1)..last {
            lines[i].kind = kind;
            block_end[i] = u32::try_from(last).unwrap_or(u32::MAX);
        }
    }
    for (hi, h) in doc.headings.iter().enumerate() {
        if h.block().is_some() && h.line() >= 1 && h.line() <= n {
            if let (Ok(line), Ok(hi)) = (u32::try_from(h.line() - 1), u32::try_from(hi)) {
                heading_at.push((line, hi));
            }
        }
    }
    // Stable: of two headings on one line the later is found, as before.
    heading_at.sort_by_key(|&(l, _)| l);
    mark_nested_fences(&mut lines);
    // A lone tag line (`</context>`) is markup: it ends the text above it.
    // replan's own lines in a part (its continuation line, its task card) are
    // no one's decision: a continuation line followed by the part's first
    // `**Why this change:**` was filed as one.
    let card_lines: Vec<(usize, usize)> = crate::model::markers::card_spans(&doc.source.text)
        .into_iter()
        .map(|r| {
            (
                doc.source.line_of(r.start),
                doc.source.line_of(r.end.saturating_sub(1)),
            )
        })
        .collect();
    // The continuation line is a part's first line, or in its card.
    let continued = crate::model::markers::continuation_line(&doc.source.text).is_some();
    for (i, l) in lines.iter_mut().enumerate() {
        let line = i + 1;
        let ours =
            (line == 1 && continued) || card_lines.iter().any(|&(a, z)| a <= line && line <= z);
        if l.kind == Kind::Text && (ours || is_tag_line(l.content())) {
            l.kind = Kind::Skip;
        }
    }
    let mut s = Scanner {
        rules,
        doc,
        lines,
        heading_at,
        block_end,
        labels: (0..n).map(|_| OnceCell::new()).collect(),
        out: Vec::new(),
    };
    s.run();
    Scan {
        found: s.out,
        unclosed_fences: unclosed,
    }
}

impl<'a> Scanner<'a> {
    /// The label of line `i` (see [`Rules::label`]), read once.
    fn label(&self, i: usize) -> Option<Label<'a>> {
        let content = self.lines[i].content();
        self.labels[i]
            .get_or_init(|| {
                self.rules
                    .label(content)
                    .map(|l| PackedLabel::pack(content, l))
            })
            .map(|p| p.unpack(content))
    }

    /// Whether the item or paragraph at `i` may be a decision by its rationale
    /// alone: not labelled as a task, test, risk or the like, and not a labelled
    /// neighbour right after a labelled decision (`**Decision**`, then
    /// `**Fields available**`, then `**Rationale**`: the rationale is the
    /// decision's, cut off by the label between, and makes no decision of it).
    fn implied_here(&self, i: usize, last_taken: Option<usize>) -> bool {
        let l = &self.lines[i];
        let lab = self.label(i);
        let name = match &lab {
            Some(lab) if lab.kind == LabelKind::Metadata => return false,
            Some(lab) if lab.kind != LabelKind::Other => return true,
            Some(lab) => norm(lab.full),
            // `**Verify audit logging** (security compliance):` is labelled by
            // its bold lead too.
            None => match l
                .content()
                .strip_prefix("**")
                .and_then(|r| r.split_once("**"))
            {
                Some((bold, _)) => norm(bold),
                // `Expected: …` (a plain label).
                None => match super::labels::split_label(l.content()) {
                    Some((plain, _, _)) => norm(plain),
                    None => return true,
                },
            },
        };
        if self.rules.not_implied(&name) {
            return false;
        }
        lab.is_none()
            || !last_taken
                .is_some_and(|e| e <= i && (e..i).all(|k| self.lines[k].kind == Kind::Blank))
    }

    /// The decision a sub-heading of a decisions section states by its title:
    /// a numbered one (`### 1. Conditional Helm Templates`) whose section labels
    /// nothing as a decision or rationale (those are read one by one), or any
    /// whose section gives a rationale and labels no decision (`### Keep a full
    /// mirror in the database` / `**Rationale**: …` / `**Made**: 2026-02-16`):
    /// the rationale argues for the heading, so the heading is what was decided.
    fn titled_decision(&self, i: usize, h: &'a Heading, stack: &[(u8, Sec)]) -> Option<&'a str> {
        if !stack.iter().any(|s| s.1 == Sec::Decisions)
            || stack.iter().any(|s| s.1 == Sec::Excluded)
        {
            return None;
        }
        let t = h.text().trim();
        let end = self.section_end(i, h.level);
        let (mut decision, mut rationale) = (false, false);
        for k in i + 1..end {
            if self.lines[k].kind != Kind::Text {
                continue;
            }
            match self.label(k) {
                Some(Label {
                    kind: LabelKind::Decision { .. },
                    ..
                }) => decision = true,
                Some(Label {
                    kind: LabelKind::Rationale,
                    ..
                }) => rationale = true,
                _ => {}
            }
        }
        match numbered_title(t) {
            Some(rest) => (!decision).then(|| rest.trim()),
            None => {
                let n = norm(t);
                let plain = !n.is_empty() && !self.rules.is_section(&n);
                (plain && rationale && !decision).then_some(t)
            }
        }
    }

    /// Whether the text from line `from` to the next heading (of any level)
    /// labels a decision (`**Decision**: …`): then that is its decision, and
    /// the rest of it, in a decisions section, is not read item by item.
    fn labels_a_decision(&self, from: usize) -> bool {
        (from..self.lines.len())
            .skip_while(|&k| k == from && self.lines[k].kind == Kind::Heading)
            .take_while(|&k| self.lines[k].kind != Kind::Heading)
            .any(|k| self.decision_label_at(k))
    }

    /// Whether the document's first heading names a decisions section that
    /// holds another, deeper one not excluded, in a document that labels its
    /// decisions (`**Decision:** …`): the title's other sections (a log's
    /// "How to review") then hold none but what they label. Lists of a
    /// document that labels none are read as before, under any heading.
    fn sections_below_title(&self) -> bool {
        let mut hs = self
            .heading_at
            .iter()
            .filter_map(|&(_, h)| self.doc.headings.get(h as usize));
        let Some(title) = hs.next() else {
            return false;
        };
        self.rules.is_section(&norm(title.text()))
            && hs.take_while(|h| h.level > title.level).any(|h| {
                let n = norm(h.text());
                self.rules.is_section(&n) && !self.rules.is_excluded_section(&n)
            })
            && (0..self.lines.len()).any(|k| self.decision_label_at(k))
    }

    /// The indents of the list items labelled as a decision in the text
    /// under the heading at line `i` (to the next heading): the labelled
    /// items beside one of them are its fields. Read once per heading.
    fn decision_item_indents(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for k in i + 1..self.lines.len() {
            if self.lines[k].kind == Kind::Heading {
                break;
            }
            if self.lines[k].item && self.decision_label_at(k) {
                let ind = self.lines[k].indent();
                if !out.contains(&ind) {
                    out.push(ind);
                }
            }
        }
        out
    }

    /// Whether line `k` is text labelled as a decision.
    fn decision_label_at(&self, k: usize) -> bool {
        self.lines[k].kind == Kind::Text
            && matches!(
                self.label(k),
                Some(Label {
                    kind: LabelKind::Decision { .. },
                    ..
                })
            )
    }

    fn heading(&self, i: usize) -> Option<&'a Heading> {
        let i = u32::try_from(i).ok()?;
        // The last heading starting at line `i` (as a table by line kept it).
        let k = self.heading_at.partition_point(|&(l, _)| l <= i);
        let &(l, h) = self.heading_at.get(k.checked_sub(1)?)?;
        (l == i)
            .then(|| self.doc.headings.get(h as usize))
            .flatten()
    }

    /// First line index after the section of the heading at `i` (level `level`).
    fn section_end(&self, i: usize, level: u8) -> usize {
        let mut j = i + 1;
        while j < self.lines.len() {
            if let Some(h) = self.heading(j) {
                if h.level <= level {
                    return j;
                }
            }
            j += 1;
        }
        self.lines.len()
    }

    fn run(&mut self) {
        let n = self.lines.len();
        let mut stack: Vec<(u8, Sec)> = Vec::new();
        let mut item_indent: Option<usize> = None;
        // Where the last labelled decision ended: a rationale after another label
        // that follows it belongs to neither.
        let mut last_taken: Option<usize> = None;
        // Whether the text under the last heading labels a decision itself.
        let mut labelled_here = self.labels_a_decision(0);
        // The title of an entry whose text labels its decision: a heading
        // named by a decision id anywhere, or numbered in a decisions section
        // (`### AZD-01 — Target .NET 10` over `- **Decision:** target
        // net10.0`). Said with that decision, which alone read "target
        // net10.0", its id and subject left behind.
        let mut entry: Option<&str> = None;
        // Where the heading above is an entry (no decisions section itself)
        // that labels its decision in a list: the indents of those items.
        let mut field_indents: Vec<usize> = Vec::new();
        // A title naming a decision log whose own sections say which of them
        // hold the decisions (`# Hosting — decision log` over `## How to
        // review` and `## Proposed decisions`): those sections do, not every
        // list of the document.
        let title_is_no_section = self.sections_below_title();
        let mut i = 0;
        while i < n {
            let excluded = stack.iter().any(|s| s.1 == Sec::Excluded);
            let in_section = !excluded && stack.iter().any(|s| s.1 == Sec::Decisions);
            match self.lines[i].kind {
                Kind::Heading => {
                    let Some(h) = self.heading(i) else {
                        i += 1;
                        continue;
                    };
                    while stack.last().is_some_and(|s| s.0 >= h.level) {
                        stack.pop();
                    }
                    item_indent = None;
                    labelled_here = self.labels_a_decision(i);
                    entry = None;
                    field_indents.clear();
                    let excluded = stack.iter().any(|s| s.1 == Sec::Excluded);
                    let hn = norm(h.text());
                    if self.rules.is_excluded_section(&hn) || excluded {
                        stack.push((h.level, Sec::Excluded));
                    } else if self.withdrawn_under(i) {
                        // A section whose status says it is no longer in
                        // force (a log's `### AZD-05` with `- **Status:**
                        // SUPERSEDED by AZD-11`): its "original decision"
                        // and all else in it, sub-sections too, is history.
                        i = self.section_end(i, h.level);
                        continue;
                    } else if let Some(title) = self
                        .rules
                        .adr
                        .as_ref()
                        .and_then(|r| crate::subphase::captured(r, h.text().trim()))
                        .and_then(|c| c.name("title").map(|m| m.as_str().to_string()))
                    {
                        let end = self.section_end(i, h.level);
                        self.adr(i, end, h, &title);
                        i = end;
                        continue;
                    } else if let Some(rest) = self.decision_heading(h.text()) {
                        let end = self.section_end(i, h.level);
                        self.heading_decision(i, end, rest);
                        i = end;
                        continue;
                    } else if let Some(title) = self.titled_decision(i, h, &stack) {
                        // `## Key Design Decisions` / `### 1. Conditional Helm
                        // Templates`: each numbered sub-heading names one.
                        let end = self.section_end(i, h.level);
                        self.heading_decision(i, end, title);
                        i = end;
                        continue;
                    } else if self.rules.is_section(&hn)
                        && !(title_is_no_section
                            && self.heading_at.first().map(|f| f.0 as usize) == Some(i))
                    {
                        stack.push((h.level, Sec::Decisions));
                    } else {
                        let t = h.text().trim();
                        // An id is how the team cites the entry, wherever
                        // it is (a later part of a log holds entries without
                        // the log's decisions heading); a section number is
                        // only an outline's, read in a decisions section.
                        if labelled_here {
                            entry = match decision_id(t) {
                                Some(_) => Some(t),
                                None if stack.iter().any(|s| s.1 == Sec::Decisions) => {
                                    numbered_title(t)
                                }
                                None => None,
                            }
                            .map(|t| t.trim().trim_end_matches([':', '.', ' ']))
                            .filter(|t| !t.is_empty());
                            field_indents = self.decision_item_indents(i);
                        }
                        stack.push((h.level, Sec::Plain));
                    }
                    i += 1;
                }
                Kind::Table => {
                    let end = (self.block_end[i] as usize).max(i + 1);
                    if !excluded {
                        self.table(i, end);
                    }
                    i = end;
                }
                Kind::Skip | Kind::Blank | Kind::Fenced => i += 1,
                Kind::Text => {
                    if excluded {
                        i += 1;
                        continue;
                    }
                    let l = &self.lines[i];
                    if !l.item && l.indent() == 0 && i > 0 && self.lines[i - 1].kind == Kind::Blank
                    {
                        item_indent = None;
                    }
                    match self.label(i) {
                        Some(Label {
                            kind: LabelKind::Decision { keep },
                            full,
                            rest,
                            ..
                        }) => {
                            let first = if keep {
                                format!("{full} {rest}").trim().to_string()
                            } else {
                                super::labels::unbolded_rest(rest).to_string()
                            };
                            let first = match entry.take() {
                                Some(title) => format!("**{title}:** {first}"),
                                None => first,
                            };
                            let takes_list = !l.item
                                && (rest.trim().is_empty() || rest.trim_end().ends_with(':'));
                            i = self.take(i, first, takes_list);
                            last_taken = Some(i);
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Section,
                            ..
                        }) => {
                            i = self.take_list(i + 1, l.quote());
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Excluded,
                            rest,
                            ..
                        }) => {
                            // `**Benefits:**` with its list: none of it is a decision.
                            let takes_list = !l.item
                                && (rest.trim().is_empty() || rest.trim_end().ends_with(':'));
                            i = self.extent(i, takes_list);
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Rationale,
                            rest,
                            ..
                        }) => {
                            // `**Rationale**:` with its list: the reasons, never
                            // decisions, even in a decisions section.
                            i = self.extent(i, self.label_takes_list(i, rest));
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Metadata,
                            ..
                        }) => {
                            i = self.extent(i, false);
                            continue;
                        }
                        _ => {}
                    }
                    let context = match self.label(i) {
                        Some(Label {
                            kind: LabelKind::Other,
                            rest,
                            ..
                        }) if !l.item => Some(rest),
                        _ => None,
                    };
                    if let (true, true, Some(rest)) = (in_section, labelled_here, context) {
                        // `**Decision: Full unification.**` among `**Current
                        // state:**` and `**Migration approach:**` with their
                        // lists: those say what it is about and how it is done.
                        // One holding a labelled decision of its own is still
                        // read; so are the section's plain items.
                        let takes_list = rest.trim().is_empty() || rest.trim_end().ends_with(':');
                        let e = self.extent(i, takes_list).max(i + 1);
                        if !(i + 1..e).any(|k| self.decision_label_at(k)) {
                            i = e;
                            continue;
                        }
                    }
                    if l.item && field_indents.contains(&l.indent()) && context_item(self.label(i))
                    {
                        // `- **Alternative A:** …`, `- **Why this needs
                        // review:** …`, `- **Blocked tasks:** …` beside `-
                        // **Decision:** …` under an entry's heading: the
                        // fields of that decision, not decisions of their
                        // own (a decision log's entries gave five of each,
                        // and conflicts between one entry's `Blocked tasks`
                        // and the next's). Under a decisions section's own
                        // heading, labelled items stay decisions each.
                        i = self.extent(i, false).max(i + 1);
                        continue;
                    }
                    if in_section && !l.item {
                        // `**Topic**:` followed by its list, inside a decisions section.
                        if let Some(Label {
                            kind: LabelKind::Other,
                            rest,
                            ..
                        }) = self.label(i)
                        {
                            let takes_list =
                                rest.trim().is_empty() || rest.trim_end().ends_with(':');
                            let first = l.content().trim().to_string();
                            i = self.take(i, first, takes_list);
                            continue;
                        }
                    }
                    if in_section && l.item && item_indent.is_none_or(|ind| l.indent() <= ind) {
                        item_indent = Some(l.indent());
                        let first = l.content().trim().to_string();
                        i = self.take(i, first, false);
                        continue;
                    }
                    let starts = l.item || i == 0 || self.lines[i - 1].kind != Kind::Text;
                    if self.rules.implied
                        && starts
                        && self.implied_here(i, last_taken)
                        && self.has_rationale(i)
                    {
                        let first = l.content().trim().to_string();
                        i = self.take(i, first, false);
                        continue;
                    }
                    i += 1;
                }
            }
        }
    }
}

/// The title of a numbered entry's heading: `1. Title`, `1) Title`, an
/// outline's `2.1 Title` (magter's `## 2. Architecture Decisions` / `### 2.2
/// Notification Strategy`, whose list was read item by item as decisions, its
/// lead-in dropped), or a decision id's `AZD-01 — Title`.
fn numbered_title(t: &str) -> Option<&str> {
    let run = t.len()
        - t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
    let (number, after) = t.split_at(run);
    let closed = after.strip_prefix(')');
    closed
        .or((number.contains('.') && !number.starts_with('.')).then_some(after))
        .filter(|rest| run > 0 && rest.starts_with(' ') && !rest.trim().is_empty())
        .or_else(|| decision_id(t))
}

/// Whether a line's label makes it a field of a decision labelled beside it:
/// a label of no kind of its own (`Alternative A`, `Blocked tasks`).
fn context_item(label: Option<Label>) -> bool {
    matches!(
        label,
        Some(Label {
            kind: LabelKind::Other,
            ..
        })
    )
}

/// The title after a decision's id in a sub-heading of a decisions section:
/// `D1 — New substate`, `D-2: Dwell 60s`, `DEC3. Parse first` (one to four
/// capitals, a number, a separator). A design doc's `## 2. Decisions` with
/// `### D1 …` to `### D8 …` gave none of its eight.
fn decision_id(t: &str) -> Option<&str> {
    let letters = t.bytes().take_while(u8::is_ascii_uppercase).count();
    if !(1..=4).contains(&letters) {
        return None;
    }
    let r = &t[letters..];
    let r = r.strip_prefix('-').unwrap_or(r);
    let digits = r.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let r = r[digits..].trim_start();
    let rest = r
        .strip_prefix([':', '.', ')', '—', '–', '-'])
        .map(str::trim)
        .filter(|rest| !rest.is_empty())?;
    Some(rest)
}

#[cfg(test)]
mod tests;
