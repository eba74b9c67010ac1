//! The line model the scanner walks: quote markers, indentation and list markers
//! peeled off iteratively (no recursion, any depth), plus small text helpers.

/// What a line is, from the top-level block holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Blank,
    Heading,
    Table,
    Skip,
    /// Inside a fence nested in a list or quote: kept as text, never read for labels.
    Fenced,
}

/// One line with its containers peeled off. Compact (40 bytes): the decision
/// scan holds one per line of a file at once, and with three `usize`s and two
/// `&str`s a 50 MB file's lines were 1.5x its text.
#[derive(Debug, Clone)]
pub(super) struct Line<'a> {
    pub(super) kind: Kind,
    pub(super) item: bool,
    quote: u32,
    indent: u32,
    /// Column of the content within `inner`.
    col: u32,
    /// Length of the content (after `col`, trailing whitespace left out).
    content_len: u32,
    /// After quote markers only.
    pub(super) inner: &'a str,
}

impl<'a> Line<'a> {
    /// How many quote markers were peeled off.
    pub(super) fn quote(&self) -> usize {
        self.quote as usize
    }

    /// Columns of indentation (tabs to the next multiple of 4) after them.
    pub(super) fn indent(&self) -> usize {
        self.indent as usize
    }

    /// Column of the content within `inner`.
    pub(super) fn col(&self) -> usize {
        self.col as usize
    }

    /// After quote markers, indentation, list marker and task box.
    pub(super) fn content(&self) -> &'a str {
        let start = self.col as usize;
        &self.inner[start..start + self.content_len as usize]
    }
}

/// `n` in 32 bits (a line of a file under 4 GiB; saturates rather than wraps).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) fn peel(raw: &str) -> Line<'_> {
    let mut s = raw;
    let mut quote = 0;
    loop {
        let t = s.trim_start_matches([' ', '\t']);
        match t.strip_prefix('>') {
            Some(r) => {
                s = r.strip_prefix(' ').unwrap_or(r);
                quote += 1;
            }
            None => break,
        }
    }
    let inner = s;
    let mut indent = 0;
    let mut bytes = 0;
    for c in inner.chars() {
        match c {
            ' ' => indent += 1,
            '\t' => indent += 4 - indent % 4,
            _ => break,
        }
        bytes += 1;
    }
    let rest = &inner[bytes..];
    let marker = list_marker(rest);
    let (item, content) = match marker {
        Some(m) => {
            let c = rest[m..].trim_start_matches([' ', '\t']);
            let c = ["[ ] ", "[x] ", "[X] "]
                .iter()
                .find_map(|b| c.strip_prefix(b))
                .unwrap_or(c);
            (true, c)
        }
        None => (false, rest),
    };
    let col = inner.len() - content.len();
    Line {
        kind: if raw.trim().is_empty() || (quote > 0 && content.trim().is_empty()) {
            Kind::Blank
        } else {
            Kind::Text
        },
        quote: small(quote),
        indent: small(indent),
        item,
        col: small(col),
        content_len: small(content.trim_end().len()),
        inner,
    }
}

/// Mark fences inside lists and quotes (top-level ones are whole blocks already).
pub(super) fn mark_nested_fences(lines: &mut [Line]) {
    let mut open: Option<(char, usize, usize)> = None;
    for l in lines.iter_mut() {
        if !matches!(l.kind, Kind::Text | Kind::Blank) {
            open = None;
            continue;
        }
        let t = l.content().trim_start();
        let fence = |t: &str| -> Option<(char, usize)> {
            let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
            let n = t.chars().take_while(|x| *x == c).count();
            (n >= 3).then_some((c, n))
        };
        match open {
            Some((c, n, q)) => {
                l.kind = Kind::Fenced;
                if let Some((c2, n2)) = fence(t) {
                    if c2 == c && n2 >= n && t[n2..].trim().is_empty() && l.quote() == q {
                        open = None;
                    }
                }
            }
            None => {
                if l.kind == Kind::Text {
                    if let Some((c, n)) = fence(t) {
                        if c == '~' || !t[n..].contains('`') {
                            l.kind = Kind::Fenced;
                            open = Some((c, n, l.quote()));
                        }
                    }
                }
            }
        }
    }
}

/// Whether a line is nothing but one HTML or XML tag (`</context>`, `<tasks>`,
/// `<task type="auto">`, `<br/>`). Plans written for agents wrap their parts in
/// such tags, and CommonMark lets a closing tag run on as the last line of the
/// paragraph above it; a tag is markup, never a word of a decision.
pub(super) fn is_tag_line(s: &str) -> bool {
    let t = s.trim();
    let Some(inner) = t.strip_prefix('<').and_then(|r| r.strip_suffix('>')) else {
        return false;
    };
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':'))
        .unwrap_or(inner.len());
    let (name, attrs) = inner.split_at(name_len);
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && (attrs.is_empty() || attrs.starts_with(char::is_whitespace))
        && !attrs.contains(['<', '>'])
}

/// Length of a list marker at the start of `s` (`-`, `*`, `+`, `1.`, `1)`), if any.
pub(super) fn list_marker(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let followed = |i: usize| b.get(i).is_none_or(|c| *c == b' ' || *c == b'\t');
    match b.first()? {
        b'-' | b'*' | b'+' if followed(1) => Some(1),
        c if c.is_ascii_digit() => {
            let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if d <= 9 && matches!(b.get(d), Some(b'.') | Some(b')')) && followed(d + 1) {
                Some(d + 1)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Remove up to `n` columns of leading spaces.
pub(super) fn dedent(s: &str, n: usize) -> String {
    let lead = s.len() - s.trim_start_matches(' ').len();
    s[lead.min(n)..].trim_end().to_string()
}

/// Join lines, dropping leading and trailing blank ones.
pub(super) fn tidy(v: &[String]) -> String {
    let first = v.iter().position(|l| !l.trim().is_empty());
    let last = v.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(a), Some(b)) => v[a..=b].join("\n"),
        _ => String::new(),
    }
}

/// The first paragraph of a text, on one line (soft breaks become spaces).
pub fn lead_text(text: &str) -> String {
    let mut out = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if t.is_empty() || (!out.is_empty() && ends_lead(t)) {
            break;
        }
        out.push(t);
    }
    out.join(" ")
}

/// Cells of a table row, split at unescaped pipes outside code spans.
pub(super) fn cells(row: &str) -> Vec<String> {
    let t = row.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t
        .strip_suffix('|')
        .filter(|s| !s.ends_with('\\'))
        .unwrap_or(t);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut code = false;
    let mut prev = '\0';
    for c in t.chars() {
        if c == '`' {
            code = !code;
        }
        if c == '|' && !code && prev != '\\' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
        prev = c;
    }
    out.push(cur);
    out
}

/// Whether a line starts a block of its own (list item, fence, table, heading,
/// quote, HTML), so it cannot be joined onto the lead paragraph.
pub fn ends_lead(line: &str) -> bool {
    let t = line.trim_start();
    list_marker(t).is_some()
        || ["```", "~~~", "|", "#", ">", "<"]
            .iter()
            .any(|p| t.starts_with(p))
}

#[cfg(test)]
mod compact_tests {
    use super::*;

    /// Peeling keeps every view of the line it had when each was a field: the
    /// content is the text after the markers, trailing blanks left out.
    #[test]
    fn a_peeled_line_gives_its_content_and_stays_small() {
        let l = peel("> > - [x] **Decision**: use X  \t");
        assert_eq!((l.quote(), l.indent(), l.item), (2, 0, true));
        assert_eq!(l.content(), "**Decision**: use X");
        assert_eq!(&l.inner[l.col()..], "**Decision**: use X  \t");
        let l = peel("\t  1. text");
        assert_eq!((l.quote(), l.indent(), l.item), (0, 6, true));
        assert_eq!(l.content(), "text");
        assert!(std::mem::size_of::<Line>() <= 40);
    }
}
