//! Every marker replan writes into generated text, in one place. A later run, the
//! checker and `restore` read these to know which text is replan's own; spelling
//! one in two modules would let them drift apart.

/// On the first line of a continuation part: the part is the rest of a file split
/// by size, not a subphase of its own.
pub const CONTINUATION: &str = "<!-- replan:continuation -->";

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
    first_line(text).contains(CONTINUATION)
}

/// Whether replan generated this text (index or continuation part).
pub fn is_generated_text(text: &str) -> bool {
    is_index(text) || is_continuation(text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn front_matter_is_measured_to_its_closing_line() {
        assert_eq!(front_matter_len("---\na: 1\n---\nbody"), 13);
        assert_eq!(front_matter_len("---\r\na: 1\r\n...\r\nbody"), 16);
        assert_eq!(front_matter_len("# no\n---\n"), 0);
        assert_eq!(front_matter_len("---\nunclosed\n"), 0);
        assert_eq!(front_matter_len(""), 0);
    }
}
