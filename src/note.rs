//! Notes: what a planner has to say that is not a `check` finding, typed so the
//! place it is about travels as data. A note is either said (a warning; the run
//! goes on) or, among a plan's errors, a reason the plan must not be applied.
//! Text output shows `path:line: message`, JSON gets the fields; the rendering
//! lives in one place ([`Note`]'s `Display`), not at each site.

use std::fmt;
use std::path::Path;

use serde::Serialize;

/// What a note is about, for machines (stable ids in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// A file is left as it is although it would be split.
    NotSplit,
    /// An original cannot be archived.
    CannotArchive,
    /// A split would not reassemble to its original.
    NotLossless,
    /// The parts as the plan writes them, replan's text taken out, are not
    /// their original byte for byte (the conservation account).
    NotConserved,
    /// A code fence is never closed.
    UnclosedFence,
    /// A single block exceeds the budget and is kept whole.
    OversizeBlock,
    /// A heading a link names is not found again after the split.
    HeadingLost,
    /// A link is broken today; left unchanged.
    LinkBroken,
    /// A link that must be rewritten cannot be located in the text.
    LinkUnlocated,
    /// A link that works today would break.
    LinkWouldBreak,
    /// A file replan would write exists and is not replan's; not overwritten.
    NotOverwritten,
    /// Decisions: recovered text, hand edits inside markers, limits reached.
    Decisions,
    /// No file is in a plan folder; with folders to try.
    NothingToRestructure,
    /// Files with uncommitted changes would be touched.
    Uncommitted,
    /// Applying the plan would be refused (shown by a dry run).
    Refused,
    /// Two documents of one plan hold the same subphase.
    Overlap,
    /// A framework's file is kept whole or split beside itself.
    Framework,
    /// A file cannot be read (not UTF-8, not a regular file, too large, an
    /// I/O error): nothing about it is known.
    Unreadable,
}

/// One note about a place in the tree. Ordered by path, line (as a number),
/// kind, message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    /// Root-relative path, `/`-separated; empty when the note is about no file.
    pub path: String,
    /// 1-based line; 0 when the note is about the whole file.
    pub line: usize,
    /// What it is about.
    pub kind: NoteKind,
    /// What happened, without the place.
    pub message: String,
}

impl Note {
    /// A note about a whole file (or, with an empty path, about no file).
    pub fn new(kind: NoteKind, path: impl AsRef<Path>, message: impl Into<String>) -> Note {
        Note {
            path: path.as_ref().to_string_lossy().replace('\\', "/"),
            line: 0,
            kind,
            message: message.into(),
        }
    }

    /// The same note about one line.
    pub fn at(mut self, line: usize) -> Note {
        self.line = line;
        self
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.is_empty(), self.line) {
            (true, _) => write!(f, "{}", self.message),
            (false, 0) => write!(f, "{}: {}", self.path, self.message),
            (false, l) => write!(f, "{}:{l}: {}", self.path, self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_place_before_the_message() {
        let n = Note::new(NoteKind::UnclosedFence, "a/b.md", "never closed");
        assert_eq!(n.to_string(), "a/b.md: never closed");
        assert_eq!(n.clone().at(7).to_string(), "a/b.md:7: never closed");
        assert_eq!(Note::new(NoteKind::Decisions, "", "x").to_string(), "x");
        let mut v = [n.clone().at(1358), n.clone().at(13), n.clone()];
        v.sort();
        assert_eq!(v.iter().map(|n| n.line).collect::<Vec<_>>(), [0, 13, 1358]);
        let v = serde_json::to_value(n.at(7)).unwrap();
        assert_eq!(v["kind"], "unclosed-fence");
        assert_eq!(v["line"], 7);
    }
}
