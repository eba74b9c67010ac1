//! Link reference definitions (`[label]: url`, the URL on the label's line)
//! outside code, HTML and front matter. One scanner serves the splitter, which
//! copies a definition into the parts that use it, and the link rewriter, which
//! retargets the URL.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::Document;

/// One definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefDef {
    /// The label, normalised as CommonMark matches labels ([`norm`]).
    pub label: String,
    /// Byte offset of the start of its line.
    pub start: usize,
    /// The URL as written (without `<` `>`).
    pub url: String,
    /// Byte range of the URL.
    pub url_range: Range<usize>,
}

fn def_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // CRLF mode: `\r\n`, a lone `\r` and `\n` all end a line, as in CommonMark.
        Regex::new(r"(?mR)^ {0,3}\[([^\]\^][^\]]*)\]:[ \t]*(?:<([^>\r\n]*)>|([^\s<]\S*))")
            .unwrap_or_else(|_| unreachable!())
    })
}

/// CommonMark label matching: case-insensitive, whitespace collapsed.
pub fn norm(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The definitions in `text` whose line does not start inside one of the byte
/// ranges in `literal`, in text order.
pub fn scan(text: &str, literal: &[Range<usize>]) -> Vec<RefDef> {
    if !text.contains("]:") {
        return Vec::new();
    }
    def_re()
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            if literal.iter().any(|r| r.contains(&whole.start())) {
                return None;
            }
            let url = c.get(2).or_else(|| c.get(3))?;
            // A label needs a character that is not white space (CommonMark).
            let label = norm(c.get(1)?.as_str());
            if label.is_empty() {
                return None;
            }
            Some(RefDef {
                label,
                start: whole.start(),
                url: url.as_str().to_string(),
                url_range: url.range(),
            })
        })
        .collect()
}

/// The definitions of a parsed document, outside the lines of its literal blocks.
/// (Lines, not block spans: a span also holds the bytes before its block, where
/// a definition, which is not a block, may stand.)
pub fn of(doc: &Document) -> Vec<RefDef> {
    let literal: Vec<Range<usize>> = literal_lines(doc)
        .into_iter()
        .map(|(a, z)| doc.source.lines_range(a, z))
        .collect();
    scan(&doc.source.text, &literal)
}

/// Line ranges (1-based, inclusive, in document order) of the literal blocks
/// (code, HTML, front matter), where link syntax is not Markdown.
pub fn literal_lines(doc: &Document) -> Vec<(usize, usize)> {
    doc.blocks
        .iter()
        .filter(|b| b.is_literal())
        .map(|b| (b.line(), b.end_line()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_definitions_outside_code_with_any_line_ending() {
        let text = "[A  Ref]: http://a\r\n```\n[fake]: x\n```\n[b]: <c d.md>\r[^note]: no\n";
        let doc = Document::from_text("t.md", text);
        let defs = of(&doc);
        let got: Vec<(&str, &str, &str)> = defs
            .iter()
            .map(|d| (d.label.as_str(), d.url.as_str(), &text[d.url_range.clone()]))
            .collect();
        assert_eq!(
            got,
            [("a ref", "http://a", "http://a"), ("b", "c d.md", "c d.md")]
        );
        assert_eq!(defs[1].start, text.find("[b]").unwrap());
    }

    /// Found by the `model` fuzz target: `[\t]:` after a lone `\r` was taken
    /// for a definition with an empty label, which the splitter asserts against.
    #[test]
    fn a_blank_label_is_no_definition() {
        assert!(scan("[\t]: x\n[ ]: y\n", &[]).is_empty());
        let text = "@:\\8\u{19}\u{5}\r[\t]:)+\n\0\0";
        let doc = Document::from_text("fuzz.md", text);
        assert!(of(&doc).is_empty());
    }
}
