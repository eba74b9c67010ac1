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

/// Whether a text is an index written by replan.
pub fn is_index(text: &str) -> bool {
    first_line(text).contains(INDEX)
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
    }
}
