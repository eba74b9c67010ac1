//! Decision extraction: find the architectural decisions buried in plans, route each
//! to a topic, and render `<topics.dir>/<topic>-design.md` with the generated part
//! between marker comments so hand-written text around it survives every run.
//! Pure: reads only the documents and the `existing` callback it is given.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::model::Document;

/// One parsed file to extract decisions from.
pub struct SourceDoc<'a> {
    /// Root-relative path where this text lives.
    pub rel: PathBuf,
    /// The parsed text.
    pub doc: &'a Document,
}

/// A topic file to write (full contents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFile {
    /// Root-relative path.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// What extraction wants written, and what it wants said.
#[derive(Debug, Clone, Default)]
pub struct DecisionsOutcome {
    /// Topic files, sorted by path.
    pub files: Vec<TopicFile>,
    /// Warnings to print: recovered text, hand edits inside markers, unreadable sections.
    pub notes: Vec<String>,
}

/// Extract, route and render. `existing` returns the current contents of a
/// root-relative path, if any. Same input, same output bytes.
pub fn plan_topics(
    _root: &Path,
    _sources: &[SourceDoc],
    _cfg: &Config,
    _existing: &dyn Fn(&Path) -> Option<String>,
) -> DecisionsOutcome {
    DecisionsOutcome::default()
}
