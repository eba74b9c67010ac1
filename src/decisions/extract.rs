//! Finding decisions in one parsed document. Line-based over the document's
//! top-level blocks: code, HTML and front matter are never read; quotes and list
//! markers are peeled iteratively, so any nesting depth is safe.

use crate::model::{BlockKind, Document, Heading};

pub use super::labels::{norm, Rules};
use super::labels::{split_label, Label, LabelKind};
use super::lines::{cells, dedent, mark_nested_fences, peel, tidy, Kind, Line};
pub use super::lines::{ends_lead, lead_text};

/// A decision found in a document, with 1-based `line` in that document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// 1-based line where the decision starts.
    pub line: usize,
    /// Markdown text, possibly several lines (continuations dedented).
    pub text: String,
    /// Rationale text, if one was given.
    pub rationale: Option<String>,
}

/// What one scan of a document yields.
#[derive(Debug, Default)]
pub struct Scan {
    /// Decisions in document order.
    pub found: Vec<Found>,
    /// 1-based lines of fenced code blocks never closed (their content is unread).
    pub unclosed_fences: Vec<usize>,
}

/// Whose body [`Scanner::body_parts`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// An ADR: the decision is the `Decision` part.
    Adr,
    /// A `### Decision…` heading; `titled` when the heading carries the decision.
    Heading { titled: bool },
}

impl Body {
    /// Whether the heading itself states the decision, so labelled decisions in the
    /// body are separate ones.
    fn has_title(self) -> bool {
        matches!(self, Body::Heading { titled: true })
    }
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
    /// Top-level heading starting at each line (index into doc.headings).
    heading_at: Vec<Option<usize>>,
    /// For table lines: the block's last line index + 1.
    block_end: Vec<usize>,
    out: Vec<Found>,
}

/// Scan a document for decisions.
pub fn scan(doc: &Document, rules: &Rules) -> Scan {
    let n = doc.source.line_count();
    let mut lines: Vec<Line> = (1..=n).map(|l| peel(doc.source.line_text(l))).collect();
    let mut heading_at = vec![None; n];
    let mut block_end = vec![0; n];
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
                    unclosed.push(b.line);
                }
                Kind::Skip
            }
            _ => Kind::Skip,
        };
        let last = b.end_line.min(n);
        for i in b.line.saturating_sub(1)..last {
            lines[i].kind = kind;
            block_end[i] = last;
        }
    }
    for (hi, h) in doc.headings.iter().enumerate() {
        if h.block.is_some() && h.line >= 1 && h.line <= n {
            heading_at[h.line - 1] = Some(hi);
        }
    }
    mark_nested_fences(&mut lines);
    let mut s = Scanner {
        rules,
        doc,
        lines,
        heading_at,
        block_end,
        out: Vec::new(),
    };
    s.run();
    Scan {
        found: s.out,
        unclosed_fences: unclosed,
    }
}

impl<'a> Scanner<'a> {
    fn heading(&self, i: usize) -> Option<&'a Heading> {
        self.heading_at
            .get(i)
            .copied()
            .flatten()
            .and_then(|h| self.doc.headings.get(h))
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
                    let excluded = stack.iter().any(|s| s.1 == Sec::Excluded);
                    let hn = norm(&h.text);
                    if self.rules.is_excluded_section(&hn) || excluded {
                        stack.push((h.level, Sec::Excluded));
                    } else if let Some(title) = self
                        .rules
                        .adr
                        .as_ref()
                        .and_then(|r| r.captures(h.text.trim()))
                        .and_then(|c| c.name("title").map(|m| m.as_str().to_string()))
                    {
                        let end = self.section_end(i, h.level);
                        self.adr(i, end, h, &title);
                        i = end;
                        continue;
                    } else if let Some(rest) = self.decision_heading(&h.text) {
                        let end = self.section_end(i, h.level);
                        self.heading_decision(i, end, rest);
                        i = end;
                        continue;
                    } else if self.rules.is_section(&hn) {
                        stack.push((h.level, Sec::Decisions));
                    } else {
                        stack.push((h.level, Sec::Plain));
                    }
                    i += 1;
                }
                Kind::Table => {
                    let end = self.block_end[i].max(i + 1);
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
                    if !l.item && l.indent == 0 && i > 0 && self.lines[i - 1].kind == Kind::Blank {
                        item_indent = None;
                    }
                    match self.rules.label(l.content) {
                        Some(Label {
                            kind: LabelKind::Decision { keep },
                            full,
                            rest,
                            ..
                        }) => {
                            let first = if keep {
                                format!("{full} {rest}").trim().to_string()
                            } else {
                                rest.trim().to_string()
                            };
                            let takes_list = !l.item
                                && (rest.trim().is_empty() || rest.trim_end().ends_with(':'));
                            i = self.take(i, first, takes_list);
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Section,
                            ..
                        }) => {
                            i = self.take_list(i + 1, l.quote);
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Excluded,
                            ..
                        }) => {
                            i = self.extent(i, false);
                            continue;
                        }
                        Some(Label {
                            kind: LabelKind::Rationale,
                            ..
                        }) => {
                            i = self.extent(i, false);
                            continue;
                        }
                        _ => {}
                    }
                    if in_section && !l.item {
                        // `**Topic**:` followed by its list, inside a decisions section.
                        if let Some(Label {
                            kind: LabelKind::Other,
                            rest,
                            ..
                        }) = self.rules.label(l.content)
                        {
                            let takes_list =
                                rest.trim().is_empty() || rest.trim_end().ends_with(':');
                            let first = l.content.trim().to_string();
                            i = self.take(i, first, takes_list);
                            continue;
                        }
                    }
                    if in_section && l.item && item_indent.is_none_or(|ind| l.indent <= ind) {
                        item_indent = Some(l.indent);
                        let first = l.content.trim().to_string();
                        i = self.take(i, first, false);
                        continue;
                    }
                    let starts = l.item || i == 0 || self.lines[i - 1].kind != Kind::Text;
                    if self.rules.implied && starts && self.has_rationale(i) {
                        let first = l.content.trim().to_string();
                        i = self.take(i, first, false);
                        continue;
                    }
                    i += 1;
                }
            }
        }
    }

    /// Whether the item or paragraph at `i` carries a rationale: a direct sub-item,
    /// or the next item or paragraph, labelled as one. Looks at most
    /// `LOOKAHEAD` lines ahead, so scanning stays linear.
    fn has_rationale(&self, i: usize) -> bool {
        const LOOKAHEAD: usize = 200;
        let base = &self.lines[i];
        let is_rationale = |l: &Line| {
            l.kind == Kind::Text
                // Only a bold label counts: skip the label parse for every other line.
                && (l.content.starts_with("**") || l.content.starts_with("__"))
                && matches!(
                    self.rules.label(l.content),
                    Some(Label {
                        kind: LabelKind::Rationale,
                        bold: true,
                        ..
                    })
                )
        };
        if is_rationale(base) {
            return false;
        }
        let mut child: Option<usize> = None;
        let mut blank = false;
        for l in self.lines.iter().skip(i + 1).take(LOOKAHEAD) {
            match l.kind {
                Kind::Blank => {
                    blank = true;
                    continue;
                }
                Kind::Text if l.quote == base.quote => {}
                Kind::Fenced => {
                    blank = false;
                    continue;
                }
                _ => return false,
            }
            if l.indent <= base.indent {
                // The next sibling: a rationale there belongs to us.
                let sibling = if base.item { l.item } else { blank };
                return sibling && is_rationale(l);
            }
            if base.item && l.item {
                let c = *child.get_or_insert(l.indent);
                if l.indent == c && is_rationale(l) {
                    return true;
                }
            }
            blank = false;
        }
        false
    }

    /// `Some(rest)` when the heading text starts with a decision prefix.
    fn decision_heading<'h>(&self, text: &'h str) -> Option<&'h str> {
        let t = text.trim();
        for p in &self.rules.heading_prefixes {
            // Compare word by word on the normalised heading.
            let n = norm(t);
            if n == *p {
                return Some("");
            }
            if n.starts_with(p.as_str()) && n[p.len()..].starts_with(' ') {
                // Cut the same number of words off the original text.
                let words = p.split(' ').count();
                let mut rest = t;
                for _ in 0..words {
                    rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
                    rest = rest.trim_start_matches(|c: char| c.is_alphanumeric());
                }
                // `Decision 3: …`, `Decision #3 - …`
                let after_num = rest.trim_start().trim_start_matches('#');
                if after_num.starts_with(|c: char| c.is_ascii_digit()) {
                    rest = after_num.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                }
                let sep = rest.trim_start();
                // Only `Decision: …` / `Decision - …`, not "Decisions about …".
                if let Some(r) = sep
                    .strip_prefix(':')
                    .or_else(|| sep.strip_prefix(" -"))
                    .or_else(|| sep.strip_prefix('-'))
                    .or_else(|| sep.strip_prefix('–'))
                    .or_else(|| sep.strip_prefix('—'))
                {
                    return Some(r.trim());
                }
                if sep.is_empty() {
                    return Some("");
                }
            }
        }
        None
    }

    /// A decision starting at line `i` whose first text is `first`. Returns the
    /// index after it (and after a following rationale).
    fn take(&mut self, i: usize, first: String, takes_list: bool) -> usize {
        let end = self.extent(i, takes_list);
        let base_col = self.lines[i].col;
        let mut rationale: Option<String> = None;
        let mut first = first;
        if let Some(m) = self
            .rules
            .inline_rationale
            .as_ref()
            .and_then(|r| r.find(&first))
        {
            if m.start() > 0 {
                let r = first[m.end()..].trim().to_string();
                if !r.is_empty() {
                    rationale = Some(r);
                }
                first.truncate(m.start());
            }
        }
        let mut text: Vec<String> = vec![first];
        let mut j = i + 1;
        while j < end {
            let l = &self.lines[j];
            if l.kind == Kind::Text {
                if let Some(Label {
                    kind: LabelKind::Rationale,
                    rest,
                    ..
                }) = self.rules.label(l.content)
                {
                    let r_end = self.extent(j, false).min(end);
                    let r = self.gather(j, r_end, rest.trim().to_string());
                    if rationale.is_none() {
                        rationale = Some(r);
                    }
                    j = r_end;
                    continue;
                }
            }
            text.push(dedent(l.inner, base_col));
            j += 1;
        }
        let mut next = end;
        if rationale.is_none() {
            let mut k = end;
            while k < self.lines.len() && self.lines[k].kind == Kind::Blank {
                k += 1;
            }
            if k < self.lines.len()
                && self.lines[k].kind == Kind::Text
                && self.lines[k].quote <= self.lines[i].quote
                && self.lines[k].indent <= self.lines[i].indent + 1
            {
                if let Some(Label {
                    kind: LabelKind::Rationale,
                    rest,
                    ..
                }) = self.rules.label(self.lines[k].content)
                {
                    let r_end = self.extent(k, false);
                    rationale = Some(self.gather(k, r_end, rest.trim().to_string()));
                    next = r_end;
                }
            }
        }
        let text = tidy(&text);
        let lead = lead_text(&text);
        if !text.is_empty() && !self.rules.not_decision(&lead) {
            self.out.push(Found {
                line: i + 1,
                text,
                rationale: rationale.filter(|r| !r.trim().is_empty()),
            });
        }
        next
    }

    /// Text of lines `i..end` (first line replaced by `first`), dedented.
    fn gather(&self, i: usize, end: usize, first: String) -> String {
        let base = self.lines[i].col;
        let mut v = vec![first];
        for l in &self.lines[i + 1..end] {
            v.push(dedent(l.inner, base));
        }
        tidy(&v)
    }

    /// Index after the item or paragraph starting at line `i`.
    fn extent(&self, i: usize, takes_list: bool) -> usize {
        let base = &self.lines[i];
        let (q, ind, is_item) = (base.quote, base.indent, base.item);
        let mut end = i + 1;
        let mut j = i + 1;
        while j < self.lines.len() {
            let l = &self.lines[j];
            match l.kind {
                Kind::Blank => {
                    j += 1;
                    continue;
                }
                Kind::Text => {}
                Kind::Fenced if l.quote == q => {
                    end = j + 1;
                    j += 1;
                    continue;
                }
                _ => break,
            }
            if l.quote != q {
                break;
            }
            let after_blank = j > end;
            if after_blank && !((is_item && l.indent > ind) || (takes_list && l.item)) {
                break;
            }
            if l.item && l.indent <= ind && !takes_list {
                break;
            }
            if !l.item && takes_list && l.indent <= ind && after_blank {
                break;
            }
            if l.indent <= ind && !(takes_list && l.item) {
                if let Some(lab) = self.rules.label(l.content) {
                    if !is_item || lab.kind != LabelKind::Other {
                        break;
                    }
                }
            }
            end = j + 1;
            j += 1;
        }
        end
    }

    /// Every item of the list starting at (or after blank lines from) `j`.
    fn take_list(&mut self, mut j: usize, quote: usize) -> usize {
        let mut top: Option<usize> = None;
        loop {
            let mut k = j;
            while k < self.lines.len() && self.lines[k].kind == Kind::Blank {
                k += 1;
            }
            let Some(l) = self.lines.get(k) else {
                return k;
            };
            if l.kind != Kind::Text || l.quote != quote || !l.item {
                return if top.is_some() { k } else { j };
            }
            if top.is_some_and(|t| l.indent > t) {
                return k;
            }
            top = Some(l.indent);
            let first = match self.rules.label(l.content) {
                Some(Label {
                    kind: LabelKind::Excluded | LabelKind::Rationale,
                    ..
                }) => {
                    j = self.extent(k, false);
                    continue;
                }
                Some(Label {
                    kind: LabelKind::Decision { keep: false },
                    rest,
                    ..
                }) => rest.trim().to_string(),
                _ => l.content.trim().to_string(),
            };
            j = self.take(k, first, false);
        }
    }

    fn table(&mut self, i: usize, end: usize) {
        if end < i + 2 {
            return;
        }
        let header = cells(self.lines[i].inner);
        let names: Vec<String> = header.iter().map(|c| norm(c)).collect();
        let Some(dc) = names
            .iter()
            .position(|n| self.rules.table_cols.iter().any(|t| t == n))
        else {
            return;
        };
        let rc = names
            .iter()
            .position(|n| self.rules.rationale_cols.iter().any(|t| t == n));
        for j in i + 2..end {
            if self.lines[j].kind == Kind::Blank {
                continue;
            }
            let row = cells(self.lines[j].inner);
            let Some(d) = row.get(dc).map(|s| s.trim()) else {
                continue;
            };
            if self.rules.not_decision(d) {
                continue;
            }
            let label = if dc != 0 && rc != Some(0) {
                row.first().map(|s| s.trim()).filter(|s| !s.is_empty())
            } else {
                None
            };
            let text = match label {
                Some(l) if !l.starts_with("**") => format!("**{l}**: {d}"),
                Some(l) => format!("{l}: {d}"),
                None => d.to_string(),
            };
            let rationale = rc
                .and_then(|rc| row.get(rc))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            self.out.push(Found {
                line: j + 1,
                text,
                rationale,
            });
        }
    }

    /// `### Decision: …` with its first paragraph and rationale.
    fn heading_decision(&mut self, i: usize, end: usize, rest: &str) {
        let titled = !rest.trim().is_empty();
        let (para, used, rationale) = self.body_parts(i + 1, end, Body::Heading { titled });
        let mut text = rest.trim().to_string();
        if !titled {
            match para {
                Some(p) => text = p,
                None => return,
            }
        } else if let Some(p) = para {
            text = format!("{text}\n\n{p}");
        }
        if !self.rules.not_decision(&lead_text(&text)) {
            self.out.push(Found {
                line: i + 1,
                text,
                rationale,
            });
        }
        // Labelled decisions below a titled heading are decisions of their own.
        let mut j = i + 1;
        while j < end {
            let l = &self.lines[j];
            if l.kind == Kind::Text && Some(j) != used {
                if let Some(Label {
                    kind: LabelKind::Decision { keep },
                    full,
                    rest,
                    ..
                }) = self.rules.label(l.content)
                {
                    let first = if keep {
                        format!("{full} {rest}").trim().to_string()
                    } else {
                        rest.trim().to_string()
                    };
                    let takes_list =
                        !l.item && (rest.trim().is_empty() || rest.trim_end().ends_with(':'));
                    j = self.take(j, first, takes_list).min(end).max(j + 1);
                    continue;
                }
            }
            j += 1;
        }
    }

    /// `ADR-003: Title` with its Decision part.
    fn adr(&mut self, i: usize, end: usize, h: &Heading, title: &str) {
        let (para, _, rationale) = self.body_parts(i + 1, end, Body::Adr);
        // A rejected or superseded ADR is not a decision in force.
        for l in &self.lines[i + 1..end] {
            if l.kind != Kind::Text {
                continue;
            }
            if let Some((lab, rest, true)) = split_label(l.content) {
                let rest = rest.to_lowercase();
                if norm(lab) == "status"
                    && ["rejected", "superseded", "deprecated", "proposed"]
                        .iter()
                        .any(|w| rest.contains(w))
                {
                    return;
                }
            }
        }
        let name = h.text.trim();
        let text = match para {
            Some(p) => format!("**{name}**: {p}"),
            None if !title.trim().is_empty() => format!("**{name}**"),
            None => return,
        };
        self.out.push(Found {
            line: i + 1,
            text,
            rationale,
        });
    }

    /// In lines `from..end`: the decision paragraph and the rationale. For an ADR
    /// (`adr` set) the paragraph is the one under a `Decision` sub-heading or label;
    /// otherwise the first unlabelled paragraph.
    fn body_parts(
        &self,
        from: usize,
        end: usize,
        adr: Body,
    ) -> (Option<String>, Option<usize>, Option<String>) {
        let mut para: Option<String> = None;
        // The labelled decision line used as the paragraph, if one was.
        let mut para_line = None;
        let mut rationale: Option<String> = None;
        // Which sub-heading we are under: 0 none, 1 decision, 2 rationale, 3 other.
        let mut under = 0;
        // Level of the sub-heading that set `under`; deeper headings stay under it.
        let mut under_level = 0u8;
        let mut j = from;
        while j < end {
            let l = &self.lines[j];
            match l.kind {
                Kind::Heading => {
                    if let Some(h) = self.heading(j) {
                        if under == 0 || h.level <= under_level {
                            let n = norm(&h.text);
                            under = if self.rules.labels.contains(&n)
                                || self.rules.heading_prefixes.contains(&n)
                            {
                                1
                            } else if self.rules.rationale.contains(&n) {
                                2
                            } else {
                                3
                            };
                            under_level = h.level;
                        }
                    }
                    j += 1;
                }
                Kind::Text => {
                    let lab = self.rules.label(l.content);
                    let e = self.extent(j, false).min(end).max(j + 1);
                    match lab {
                        Some(Label {
                            kind: LabelKind::Rationale,
                            rest,
                            ..
                        }) if adr != Body::Adr || under == 0 || under == 2 => {
                            if rationale.is_none() {
                                rationale = Some(self.gather(j, e, rest.trim().to_string()));
                            }
                        }
                        Some(Label {
                            kind: LabelKind::Decision { .. },
                            rest,
                            ..
                        }) => {
                            if para.is_none() && !rest.trim().is_empty() && !adr.has_title() {
                                para = Some(self.gather(j, e, rest.trim().to_string()));
                                para_line = Some(j);
                            }
                        }
                        _ => {
                            let want = match adr {
                                Body::Adr => under == 1,
                                Body::Heading { .. } => under == 0 || under == 1,
                            };
                            if under == 2 && rationale.is_none() {
                                rationale = Some(self.paragraph(j, end));
                            } else if want && para.is_none() {
                                para = Some(self.paragraph(j, end));
                            }
                        }
                    }
                    j = e;
                }
                _ => j += 1,
            }
        }
        (para, para_line, rationale.filter(|r| !r.is_empty()))
    }

    /// The lines of the paragraph starting at `j`, joined with newlines.
    fn paragraph(&self, j: usize, end: usize) -> String {
        let base = self.lines[j].indent;
        let mut v = Vec::new();
        let mut k = j;
        while k < end && self.lines[k].kind == Kind::Text {
            v.push(dedent(self.lines[k].inner, base));
            k += 1;
        }
        tidy(&v)
    }
}
