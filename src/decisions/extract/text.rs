//! Decisions written in running text: a labelled or implied item or paragraph
//! with its rationale, and every item of a list under a label; with the extent
//! rules (where an item or paragraph ends) the other recognisers share.

use super::{lead_text, Found, Scanner};
use crate::decisions::labels::{Label, LabelKind};
use crate::decisions::lines::{dedent, tidy, Kind};

impl Scanner<'_> {
    /// Whether the item or paragraph at `i` carries a rationale: a direct sub-item,
    /// or the next item or paragraph, labelled as one. Looks at most
    /// `LOOKAHEAD` lines ahead, so scanning stays linear.
    pub(super) fn has_rationale(&self, i: usize) -> bool {
        const LOOKAHEAD: usize = 200;
        let base = &self.lines[i];
        let is_rationale = |k: usize| {
            let l = &self.lines[k];
            l.kind == Kind::Text
                // Only a bold label counts: skip the label parse for every other line.
                && (l.content().starts_with("**") || l.content().starts_with("__"))
                && matches!(
                    self.label(k),
                    Some(Label {
                        kind: LabelKind::Rationale,
                        bold: true,
                        ..
                    })
                )
        };
        if is_rationale(i) {
            return false;
        }
        let mut child: Option<usize> = None;
        let mut blank = false;
        for (k, l) in self.lines.iter().enumerate().skip(i + 1).take(LOOKAHEAD) {
            match l.kind {
                Kind::Blank => {
                    blank = true;
                    continue;
                }
                Kind::Text if l.quote() == base.quote() => {}
                Kind::Fenced => {
                    blank = false;
                    continue;
                }
                _ => return false,
            }
            if l.indent() <= base.indent() {
                // The next sibling: a rationale there belongs to us.
                let sibling = if base.item { l.item } else { blank };
                return sibling && is_rationale(k);
            }
            if base.item && l.item {
                let c = *child.get_or_insert(l.indent());
                if l.indent() == c && is_rationale(k) {
                    return true;
                }
            }
            blank = false;
        }
        false
    }

    /// A decision starting at line `i` whose first text is `first`. Returns the
    /// index after it (and after a following rationale).
    pub(super) fn take(&mut self, i: usize, first: String, takes_list: bool) -> usize {
        let end = self.extent(i, takes_list);
        let base_col = self.lines[i].col();
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
                }) = self.label(j)
                {
                    let r_end = self.extent(j, self.label_takes_list(j, rest)).min(end);
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
                && self.lines[k].quote() <= self.lines[i].quote()
                && self.lines[k].indent() <= self.lines[i].indent() + 1
            {
                if let Some(Label {
                    kind: LabelKind::Rationale,
                    rest,
                    ..
                }) = self.label(k)
                {
                    let r_end = self.extent(k, self.label_takes_list(k, rest));
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
                consequences: None,
            });
        }
        next
    }

    /// Whether the label on line `i` (not an item) heads the list below it:
    /// nothing after it, or a colon (`**Rationale**:` then `- reason`).
    pub(super) fn label_takes_list(&self, i: usize, rest: &str) -> bool {
        !self.lines[i].item && (rest.trim().is_empty() || rest.trim_end().ends_with(':'))
    }

    /// Text of lines `i..end` (first line replaced by `first`), dedented.
    pub(super) fn gather(&self, i: usize, end: usize, first: String) -> String {
        let base = self.lines[i].col();
        let mut v = vec![first];
        for l in &self.lines[i + 1..end] {
            v.push(dedent(l.inner, base));
        }
        tidy(&v)
    }

    /// Index after the item or paragraph starting at line `i`.
    pub(super) fn extent(&self, i: usize, takes_list: bool) -> usize {
        let base = &self.lines[i];
        let (q, ind, is_item) = (base.quote(), base.indent(), base.item);
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
                Kind::Fenced if l.quote() == q => {
                    end = j + 1;
                    j += 1;
                    continue;
                }
                _ => break,
            }
            if l.quote() != q {
                break;
            }
            let after_blank = j > end;
            if after_blank && !((is_item && l.indent() > ind) || (takes_list && l.item)) {
                break;
            }
            if l.item && l.indent() <= ind && !takes_list {
                break;
            }
            if !l.item && takes_list && l.indent() <= ind && after_blank {
                break;
            }
            if l.indent() <= ind && !(takes_list && l.item) {
                if let Some(lab) = self.label(j) {
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
    pub(super) fn take_list(&mut self, mut j: usize, quote: usize) -> usize {
        let mut top: Option<usize> = None;
        loop {
            let mut k = j;
            while k < self.lines.len() && self.lines[k].kind == Kind::Blank {
                k += 1;
            }
            let Some(l) = self.lines.get(k) else {
                return k;
            };
            if l.kind != Kind::Text || l.quote() != quote || !l.item {
                return if top.is_some() { k } else { j };
            }
            if top.is_some_and(|t| l.indent() > t) {
                return k;
            }
            top = Some(l.indent());
            let first = match self.label(k) {
                Some(Label {
                    kind: LabelKind::Excluded | LabelKind::Rationale | LabelKind::Metadata,
                    ..
                }) => {
                    j = self.extent(k, false);
                    continue;
                }
                Some(Label {
                    kind: LabelKind::Decision { keep: false },
                    rest,
                    ..
                }) => super::super::labels::unbolded_rest(rest).to_string(),
                _ => l.content().trim().to_string(),
            };
            j = self.take(k, first, false);
        }
    }
}
