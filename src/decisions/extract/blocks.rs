//! Decisions stated by a whole block: a `### Decision: …` heading with its
//! section, an ADR with its Decision and Rationale parts, and a decision table.

use super::{lead_text, norm, Found, Scanner};
use crate::decisions::labels::{split_label, Label, LabelKind};
use crate::decisions::lines::{cells, dedent, is_tag_line, tidy, Kind};
use crate::model::Heading;

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

impl Scanner<'_> {
    /// `Some(rest)` when the heading text starts with a decision prefix.
    pub(super) fn decision_heading<'h>(&self, text: &'h str) -> Option<&'h str> {
        let t = text.trim();
        // A heading naming a file (`decision-log.md`, `docs/decisions/`) is not one.
        let names_file = t.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.to_lowercase().contains("decision") && w.contains(['.', '/', '_', '-', '`'])
        });
        if names_file {
            return None;
        }
        // `## 1. Decision and rationale`: section numbers are not words.
        let numbered = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let t = if numbered.len() < t.len() && numbered.starts_with(' ') {
            numbered.trim()
        } else {
            t
        };
        if let Some(r) = self.qualified_heading(t) {
            return Some(r);
        }
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
                // `Decision and rationale`: the section states both.
                let rest_n = norm(sep);
                let rest_n = rest_n.strip_prefix("and ").unwrap_or(&rest_n);
                if self.rules.rationale.iter().any(|r| r == rest_n) {
                    return Some("");
                }
            }
        }
        None
    }

    /// `Key Structural Decision: One crate per layer`: a qualified label ending in a
    /// singular decision label (a plural is a section), then a colon and the decision.
    fn qualified_heading<'h>(&self, t: &'h str) -> Option<&'h str> {
        if !self.rules.qualified {
            return None;
        }
        let (before, after) = t.split_once(':')?;
        let n = norm(before);
        let words = n.split(' ').count();
        let after = after.trim();
        if after.is_empty() || !(2..=5).contains(&words) || self.rules.excluded_labels.contains(&n)
        {
            return None;
        }
        let singular = self
            .rules
            .labels
            .iter()
            .filter(|l| !l.ends_with('s'))
            .any(|l| n.ends_with(l.as_str()) && n[..n.len() - l.len()].ends_with(' '));
        singular.then_some(after)
    }

    /// A table with a decision column: one decision per row. With two decision
    /// columns (`| Decision | Choice |`) the first is the question and the last
    /// the answer; else a first column of its own is the label. Every other
    /// column (alternatives, status, …) is kept under the decision, the
    /// rationale column as its rationale.
    pub(super) fn table(&mut self, i: usize, end: usize) {
        if end < i + 2 {
            return;
        }
        let header = cells(self.lines[i].inner);
        let names: Vec<String> = header.iter().map(|c| norm(c)).collect();
        let dcols: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| self.rules.table_cols.iter().any(|t| t == *n))
            .map(|(k, _)| k)
            .collect();
        let Some(&dc) = dcols.last() else {
            return;
        };
        let rc = names
            .iter()
            .position(|n| self.rules.rationale_cols.iter().any(|t| t == n));
        let label_col = if dcols.len() > 1 {
            Some(dcols[0])
        } else if dc != 0 && rc != Some(0) {
            Some(0)
        } else {
            None
        };
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
            let label = label_col
                .and_then(|c| row.get(c))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty());
            let mut text = match label {
                Some(l) if !l.starts_with("**") => format!("**{l}**: {d}"),
                Some(l) => format!("{l}: {d}"),
                None => d.to_string(),
            };
            for (k, cell) in row.iter().enumerate() {
                let cell = cell.trim();
                if k == dc || Some(k) == label_col || Some(k) == rc || cell.is_empty() {
                    continue;
                }
                let name = header.get(k).map(|h| h.trim()).unwrap_or("");
                if name.is_empty() {
                    text.push_str(&format!("\n- {cell}"));
                } else {
                    text.push_str(&format!("\n- {name}: {cell}"));
                }
            }
            let rationale = rc
                .and_then(|rc| row.get(rc))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            self.out.push(Found {
                line: j + 1,
                text,
                rationale,
                consequences: None,
            });
        }
    }

    /// `### Decision: …` with its first paragraph and rationale.
    pub(super) fn heading_decision(&mut self, i: usize, end: usize, rest: &str) {
        let titled = !rest.trim().is_empty();
        let (para, used, rationale, _) = self.body_parts(i + 1, end, Body::Heading { titled });
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
                consequences: None,
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
                }) = self.label(j)
                {
                    let first = if keep {
                        format!("{full} {rest}").trim().to_string()
                    } else {
                        super::super::labels::unbolded_rest(rest).to_string()
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

    /// Whether the text under the heading at line `i` (to the next heading)
    /// has a status field saying its section is no longer in force: a
    /// decision log's `- **Status:** SUPERSEDED by AZD-11` beside its
    /// `- **Original decision:** …`, which was filed as a decision in force.
    pub(super) fn withdrawn_under(&self, i: usize) -> bool {
        self.lines[i + 1..]
            .iter()
            .take_while(|l| l.kind != Kind::Heading)
            .any(|l| l.kind == Kind::Text && status_not_in_force(l.content(), false))
    }

    /// `ADR-003: Title` with its Decision part.
    pub(super) fn adr(&mut self, i: usize, end: usize, h: &Heading, title: &str) {
        let (para, _, rationale, consequences) = self.body_parts(i + 1, end, Body::Adr);
        // A rejected, superseded or only proposed ADR is not a decision in force.
        let not_in_force = self.lines[i + 1..end]
            .iter()
            .any(|l| l.kind == Kind::Text && status_not_in_force(l.content(), true));
        if not_in_force {
            return;
        }
        let name = h.text().trim();
        let text = match para {
            Some(p) => format!("**{name}**: {p}"),
            None if !title.trim().is_empty() => format!("**{name}**"),
            None => return,
        };
        self.out.push(Found {
            line: i + 1,
            text,
            rationale,
            consequences,
        });
    }

    /// In lines `from..end`: the decision paragraph and the rationale. For an ADR
    /// (`adr` set) the paragraph is the one under a `Decision` sub-heading or label;
    /// otherwise the first unlabelled paragraph. An ADR's consequences come from
    /// its `Consequences` sub-heading or label.
    fn body_parts(
        &self,
        from: usize,
        end: usize,
        adr: Body,
    ) -> (
        Option<String>,
        Option<usize>,
        Option<String>,
        Option<String>,
    ) {
        let mut consequences: Option<String> = None;
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
                            let n = norm(h.text());
                            under = if n == "consequences" && adr == Body::Adr {
                                4
                            } else if self.rules.labels.contains(&n)
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
                    let lab = self.label(j);
                    // `**Rationale**:` alone on its line introduces the list below it.
                    let lists = matches!(&lab, Some(Label { kind: LabelKind::Rationale, rest, .. })
                        if !l.item && (rest.trim().is_empty() || rest.trim_end().ends_with(':')));
                    let e = self.extent(j, lists).min(end).max(j + 1);
                    if adr == Body::Adr && consequences.is_none() {
                        if under == 4 {
                            let (text, e) = self.subsection(j, end, under_level);
                            consequences = Some(text).filter(|c| !c.trim().is_empty());
                            j = e;
                            continue;
                        }
                        if let Some((name, rest, true)) = split_label(l.content()) {
                            if norm(name) == "consequences" {
                                let c = self.gather(j, e, rest.trim().to_string());
                                consequences = Some(c).filter(|c| !c.trim().is_empty());
                                j = e;
                                continue;
                            }
                        }
                    }
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
                        // `**Confidence**: HIGH`, `**Made**: 2026-02-16`: about it, not it.
                        Some(Label {
                            kind: LabelKind::Metadata | LabelKind::Excluded,
                            ..
                        }) => {}
                        // Under a heading that states the decision, what follows its
                        // rationale still argues for it.
                        _ if adr.has_title() && lab.is_none() && rationale.is_some() => {
                            if let Some(r) = rationale.as_mut() {
                                let more = self.gather(j, e, l.inner.trim().to_string());
                                r.push_str("\n\n");
                                r.push_str(&more);
                            }
                        }
                        Some(Label {
                            kind: LabelKind::Decision { .. },
                            rest,
                            ..
                        }) => {
                            if para.is_none() && !rest.trim().is_empty() && !adr.has_title() {
                                para = Some(self.gather(
                                    j,
                                    e,
                                    super::super::labels::unbolded_rest(rest).to_string(),
                                ));
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
                            } else if want && para.is_none() && adr == Body::Adr {
                                // An ADR's Decision part is all of it: its lists too.
                                let (text, e) = self.subsection(j, end, under_level);
                                para = Some(text);
                                j = e;
                                continue;
                            } else if want && para.is_none() {
                                let p = self.paragraph(j, end);
                                // "We adopt a two-layer model:" says what the
                                // list below it holds: the decision is both.
                                if !l.item && p.trim_end().ends_with(':') {
                                    let e = self.extent(j, true).min(end).max(j + 1);
                                    para = Some(self.gather(j, e, l.inner.trim().to_string()));
                                    j = e;
                                    continue;
                                }
                                para = Some(p);
                            }
                        }
                    }
                    j = e;
                }
                _ => j += 1,
            }
        }
        (
            para,
            para_line,
            rationale.filter(|r| !r.is_empty()),
            consequences,
        )
    }

    /// The text from line `j` to the next heading of level `level` or above (or a
    /// rationale label at the left margin), dedented, and the line it stops at.
    fn subsection(&self, j: usize, end: usize, level: u8) -> (String, usize) {
        let base = self.lines[j].indent();
        let mut v = Vec::new();
        let mut k = j;
        while k < end {
            let l = &self.lines[k];
            match l.kind {
                Kind::Heading => match self.heading(k) {
                    Some(h) if h.level > level => v.push(format!("**{}**", h.text().trim())),
                    _ => break,
                },
                Kind::Text | Kind::Fenced | Kind::Table | Kind::Blank | Kind::Skip => {
                    let rationale = l.kind == Kind::Text
                        && k > j
                        && l.indent() <= base
                        && !l.item
                        && matches!(
                            self.label(k),
                            Some(Label {
                                kind: LabelKind::Rationale,
                                ..
                            })
                        );
                    if rationale {
                        break;
                    }
                    if !is_tag_line(l.inner) {
                        v.push(dedent(l.inner, base));
                    }
                }
            }
            k += 1;
        }
        (tidy(&v), k)
    }

    /// The lines of the paragraph starting at `j`, joined with newlines.
    fn paragraph(&self, j: usize, end: usize) -> String {
        let base = self.lines[j].indent();
        let mut v = Vec::new();
        let mut k = j;
        while k < end && self.lines[k].kind == Kind::Text {
            v.push(dedent(self.lines[k].inner, base));
            k += 1;
        }
        tidy(&v)
    }
}

/// Words of a status saying its decision is not in force.
const NOT_IN_FORCE: &[&str] = &[
    "rejected",
    "superseded",
    "deprecated",
    "withdrawn",
    "reversed",
    "revoked",
    "abandoned",
    "obsolete",
];

/// Whether `content` is a `Status` label saying its decision is not in
/// force (`**Status:** SUPERSEDED by AZD-11`, `Status: Rejected`), or, with
/// `proposed`, not yet (an ADR's bold `Proposed`; a decision log's entries
/// are often proposals under review, and are read as its decisions). The
/// status's first word says it, struck-through text left out: `DECIDED (AZD-04
/// superseded)` and `not superseded` are in force, `~~Accepted~~ Superseded`
/// is not.
fn status_not_in_force(content: &str, proposed: bool) -> bool {
    // Read for every line under every heading: most lines say no status.
    if !(content.contains("tatus") || content.contains("TATUS")) {
        return false;
    }
    let Some((lab, rest, bold)) = split_label(content) else {
        return false;
    };
    if norm(lab) != "status" {
        return false;
    }
    // The pieces between a pair of `~~` are struck through; after an
    // unpaired one, text.
    let marks = rest.matches("~~").count();
    let kept: Vec<&str> = rest
        .split("~~")
        .enumerate()
        .filter(|(k, _)| k % 2 == 0 || *k == marks)
        .map(|(_, piece)| piece)
        .collect();
    let n = norm(&kept.join(" "));
    let first = n.split(' ').find(|w| !w.is_empty()).unwrap_or("");
    NOT_IN_FORCE.contains(&first) || (proposed && bold && first == "proposed")
}
