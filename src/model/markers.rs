//! Every marker replan writes into generated text, in one place. A later run, the
//! checker and `restore` read these to know which text is replan's own; spelling
//! one in two modules would let them drift apart.

/// On the first line of a continuation part: the part is the rest of a file split
/// by size, not a subphase of its own.
pub const CONTINUATION: &str = "<!-- replan:continuation -->";

/// The line that opens a task card (see `split::card`): the block from it to the
/// [`CARD_END`] line, and the one blank line after, is replan's own text.
pub const CARD_BEGIN: &str = "<!-- replan:card -->";

/// The line that closes a task card.
pub const CARD_END: &str = "<!-- /replan:card -->";

/// Before the link reference definitions a split part carries over from its original.
pub const DEFINITIONS: &str = "<!-- replan:definitions -->";

/// On the first line of every index replan writes.
pub const INDEX: &str = "<!-- replan:index -->";

/// Start of the begin marker of a topic file's generated block (followed by
/// ` sha256=<hex> -->`).
pub const DECISIONS_BEGIN: &str = "<!-- replan:decisions:begin";

/// The end marker of a topic file's generated block.
pub const DECISIONS_END: &str = "<!-- replan:decisions:end -->";

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// The bytes of YAML front matter at the top of a text (`---` … `---` or `...`),
/// 0 when there is none: a framework's file keeps its front matter first, so
/// replan's marker in it comes right after.
pub fn front_matter_len(text: &str) -> usize {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let mut lines = body.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return 0;
    }
    let mut at = bom + body.find('\n').map_or(body.len(), |i| i + 1);
    for l in lines {
        at += l.len();
        if matches!(l.trim_end(), "---" | "...") {
            return at;
        }
    }
    0
}

/// Whether a text is an index written by replan (after front matter, if any).
pub fn is_index(text: &str) -> bool {
    first_line(text).contains(INDEX) || first_line(&text[front_matter_len(text)..]).contains(INDEX)
}

/// Whether a text is a continuation part written by replan.
pub fn is_continuation(text: &str) -> bool {
    continuation_line(text).is_some()
}

/// The line of a continuation part that says what it continues: its first line,
/// or, when the part starts with a task card, the card's line carrying
/// [`CONTINUATION`]. `None` for any other text.
pub fn continuation_line(text: &str) -> Option<&str> {
    let first = first_line(text);
    if first.contains(CONTINUATION) {
        return Some(first);
    }
    if first.trim_end() != CARD_BEGIN {
        return None;
    }
    text.lines()
        .skip(1)
        .take_while(|l| l.trim_end() != CARD_END)
        .find(|l| l.contains(CONTINUATION))
}

/// The byte ranges of every task card in `text`: from the start of a
/// [`CARD_BEGIN`] line through the end of its [`CARD_END`] line and one blank
/// line after it, when there is one. A begin line without an end line is not a
/// card (it is left as text). Cards never nest.
pub fn card_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    // No line before the first begin marker's can open a card: the scan starts
    // at that line (most files have no card; a part's is near its top). Found
    // with memchr's searcher: every file is searched whole, and `str::find`
    // cost five instructions a byte.
    let Some(first) = memchr::memmem::find(text.as_bytes(), CARD_BEGIN.as_bytes()) else {
        return out;
    };
    let mut open: Option<usize> = None;
    let mut at = text[..first].rfind('\n').map_or(0, |j| j + 1);
    let mut lines = text[at..].split_inclusive('\n').peekable();
    while let Some(l) = lines.next() {
        let start = at;
        at += l.len();
        let bare = l.trim_end_matches(['\n', '\r']);
        match open {
            None if bare == CARD_BEGIN => open = Some(start),
            Some(s) if bare == CARD_END => {
                let mut end = at;
                if let Some(next) = lines.peek() {
                    if next.trim_end_matches(['\n', '\r']).is_empty() && next.ends_with('\n') {
                        end += next.len();
                        at += next.len();
                        lines.next();
                    }
                }
                out.push(s..end);
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// `text` without its task cards ([`card_spans`]): what the author's bytes were.
pub fn strip_cards(text: &str) -> std::borrow::Cow<'_, str> {
    let spans = card_spans(text);
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in spans {
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// Whether replan generated this text (index or continuation part).
pub fn is_generated_text(text: &str) -> bool {
    is_index(text) || is_continuation(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan starts at the first begin marker's line: a marker quoted
    /// inside a line before it opens nothing, and neither does a file without
    /// one; a card after the first one is still found.
    #[test]
    fn cards_are_found_from_the_first_begin_line() {
        assert!(card_spans("# A\n\nno card here\n").is_empty());
        let card = format!("{CARD_BEGIN}\n- **Part:** 1 of 1\n{CARD_END}\n\n");
        let text = format!("# A\nsee `{CARD_BEGIN}`\n{card}body\r\n{card}tail\n");
        let first = text.find(&format!("\n{CARD_BEGIN}\n")).unwrap() + 1;
        let second = text.rfind(&card).unwrap();
        assert_eq!(
            card_spans(&text),
            vec![first..first + card.len(), second..second + card.len()]
        );
        let open_only = format!("x {CARD_BEGIN}\n{CARD_BEGIN}\nnever closed\n");
        assert!(card_spans(&open_only).is_empty());
    }

    #[test]
    fn generated_text_is_known_by_its_first_line() {
        assert!(is_index(&format!("{INDEX}\n# Index\n")));
        assert!(is_continuation(&format!("*Continued* {CONTINUATION}\n")));
        assert!(is_generated_text(&format!("{INDEX}\n")));
        assert!(!is_generated_text(&format!("# Plan\n{INDEX}\n")));
        assert!(!is_generated_text(""));
        assert!(is_index(&format!("---\nwave: 1\n---\n{INDEX}\n# Plan\n")));
        assert!(!is_index(&format!("---\nwave: 1\n---\n# Plan\n{INDEX}\n")));
        assert!(!is_index(&format!("---\nnever closed\n{INDEX}\n")));
    }

    #[test]
    fn cards_are_removed_byte_for_byte() {
        let card = format!("{CARD_BEGIN}\n- **Phase:** 4.7\n{CARD_END}\n\n");
        let text = format!("# Phase 4.7\n{card}\nBody.\n");
        assert_eq!(strip_cards(&text), "# Phase 4.7\n\nBody.\n");
        let crlf = card.replace('\n', "\r\n");
        assert_eq!(
            strip_cards(&format!("## A\r\n{crlf}x\r\n")),
            "## A\r\nx\r\n"
        );
        // At the end, without the blank line; and an unclosed card is text.
        assert_eq!(
            strip_cards(&format!("# A\n{CARD_BEGIN}\n{CARD_END}\n")),
            "# A\n"
        );
        let open = format!("# A\n{CARD_BEGIN}\nx\n");
        assert_eq!(strip_cards(&open), open);
        // Only whole lines are markers.
        let quoted = format!("> {CARD_BEGIN}\n> {CARD_END}\n");
        assert_eq!(strip_cards(&quoted), quoted);
    }

    #[test]
    fn a_card_at_the_top_carries_the_continuation() {
        let text = format!(
            "{CARD_BEGIN}\n- **Part:** *Continued from [A](a.md) (part 2 of 3).* {CONTINUATION}\n{CARD_END}\n\nbody\n"
        );
        assert!(is_continuation(&text));
        assert!(continuation_line(&text).unwrap().contains("(part 2 of 3)"));
        let first = format!("# A\n{CARD_BEGIN}\n- **Part:** 1 of 3\n{CARD_END}\n\n");
        assert!(!is_continuation(&first));
        assert!(!is_continuation(&format!(
            "{CARD_BEGIN}\nx\n{CARD_END}\n{CONTINUATION}\n"
        )));
    }

    #[test]
    fn front_matter_is_measured_to_its_closing_line() {
        assert_eq!(front_matter_len("---\na: 1\n---\nbody"), 13);
        assert_eq!(front_matter_len("---\r\na: 1\r\n...\r\nbody"), 16);
        assert_eq!(front_matter_len("# no\n---\n"), 0);
        assert_eq!(front_matter_len("---\nunclosed\n"), 0);
        assert_eq!(front_matter_len(""), 0);
    }
}
