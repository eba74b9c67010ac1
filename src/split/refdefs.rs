//! Link reference definitions across parts. `[text][ref]` in one part whose
//! `[ref]: url` landed in another part would stop being a link, so each part gets
//! copies of the definitions it uses but does not hold, in a delimited block that
//! replan adds at its end. Nothing is moved: the original bytes stay where they were.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::{refdefs, Document};

use crate::model::markers::DEFINITIONS;

fn use_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\]\[([^\]]+)\]|\[([^\]\[]+)\]\[\]|\[([^\]\[]+)\]")
            .unwrap_or_else(|_| unreachable!())
    })
}

/// A definition: its normalised label, its line's byte range.
#[derive(Debug, Clone)]
struct Def {
    label: String,
    span: Range<usize>,
}

/// The document's link reference definitions, found once.
#[derive(Debug, Clone)]
pub struct DefIndex {
    defs: BTreeMap<String, Def>,
    literal: Vec<(usize, usize)>,
}

impl DefIndex {
    /// Index the definitions of `doc`; `None` when it has none.
    pub fn new(doc: &Document) -> Option<DefIndex> {
        let mut defs: BTreeMap<String, Def> = BTreeMap::new();
        for d in refdefs::of(doc) {
            let line = doc.source.line_of(d.start);
            // The first definition of a label wins, as in CommonMark.
            defs.entry(d.label.clone()).or_insert(Def {
                label: d.label,
                span: doc.source.lines_range(line, line),
            });
        }
        let literal = refdefs::literal_lines(doc);
        (!defs.is_empty()).then_some(DefIndex { defs, literal })
    }

    /// Definition lines used in `span`, in original order; with `outside_only`,
    /// only those defined outside `span`.
    pub fn used(&self, doc: &Document, span: &Range<usize>, outside_only: bool) -> Vec<String> {
        let first = doc.source.line_of(span.start);
        let last = doc
            .source
            .line_of(span.end.saturating_sub(1).max(span.start));
        let mut used = BTreeSet::new();
        for line in first..=last {
            if is_literal(&self.literal, line) {
                continue;
            }
            for c in use_re().captures_iter(doc.source.line_text(line)) {
                if let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)) {
                    used.insert(refdefs::norm(m.as_str()));
                }
            }
        }
        let mut need: Vec<&Def> = used
            .iter()
            .filter_map(|l| self.defs.get(l))
            .filter(|d| !(outside_only && span.start <= d.span.start && d.span.start < span.end))
            .collect();
        need.sort_by_key(|d| d.span.start);
        need.iter()
            .map(|d| {
                debug_assert!(!d.label.is_empty());
                doc.source.text[d.span.clone()]
                    .trim_end_matches(['\n', '\r'])
                    .trim_start()
                    .to_string()
            })
            .collect()
    }
}

/// Whether `line` falls in one of the ranges, which are sorted and disjoint
/// (blocks in document order), so a binary search suffices.
fn is_literal(literal: &[(usize, usize)], line: usize) -> bool {
    let i = literal.partition_point(|&(a, _)| a <= line);
    i > 0 && literal[i - 1].1 >= line
}

/// For each part span, the definition lines to append (in original order).
pub fn missing_definitions(doc: &Document, parts: &[Range<usize>]) -> Vec<Vec<String>> {
    let index = if parts.len() < 2 {
        None
    } else {
        DefIndex::new(doc)
    };
    match index {
        None => vec![Vec::new(); parts.len()],
        Some(ix) => parts.iter().map(|p| ix.used(doc, p, true)).collect(),
    }
}

/// The block appended to a part for its copied definitions.
pub fn suffix(defs: &[String], nl: &str, body_ends_with_newline: bool) -> String {
    if defs.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    if !body_ends_with_newline {
        s.push_str(nl);
    }
    s.push_str(nl);
    s.push_str(DEFINITIONS);
    s.push_str(nl);
    for d in defs {
        s.push_str(d);
        s.push_str(nl);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_only_what_is_used_elsewhere() {
        let text = "# A\n\nsee [x][ref] and [Other]\n\n```\n[fake]: no\n```\n\n# B\n\n[ref]: http://r\n[other]: http://o\n[unused]: http://u\n";
        let doc = Document::from_text("t.md", text);
        let cut = text.find("# B").unwrap();
        let need = missing_definitions(&doc, &[0..cut, cut..text.len()]);
        assert_eq!(need[0], vec!["[ref]: http://r", "[other]: http://o"]);
        assert!(need[1].is_empty());
        assert_eq!(
            suffix(&need[0], "\n", true),
            "\n<!-- replan:definitions -->\n[ref]: http://r\n[other]: http://o\n"
        );
    }

    /// A blank label (the `model` fuzz target found `[\t]:`) defines nothing,
    /// so it is never copied to a part using `[\t]`.
    #[test]
    fn a_blank_label_is_never_copied() {
        let text = "see [\t]\n\n[\t]: x\n";
        let doc = Document::from_text("t.md", text);
        let need = missing_definitions(&doc, &[0..9, 9..text.len()]);
        assert!(need.iter().all(Vec::is_empty), "{need:?}");
    }
}
