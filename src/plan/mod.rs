//! A Plan: the complete, ordered list of file operations a command wants, with
//! full contents. Built by pure planners; shown by `render`, executed by `apply`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::Text;

/// One file operation. Paths are relative to the plan's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Write a new file.
    Create {
        /// Target path.
        path: PathBuf,
        /// Full contents.
        contents: Text,
    },
    /// Replace a file's contents; `old` is what the planner read, checked before writing.
    Modify {
        /// Target path.
        path: PathBuf,
        /// Contents expected on disk.
        old: Text,
        /// New contents.
        new: Text,
    },
    /// Move an original into the archive: copy, verify its sha256, remove last.
    Move {
        /// Original path.
        from: PathBuf,
        /// Archive path.
        to: PathBuf,
        /// Original contents (used for the diff and the checksum): the
        /// original's own text, shared, not a copy.
        contents: Text,
    },
    /// Remove a file whose contents are known (restore's undo of a Create).
    Delete {
        /// Target path.
        path: PathBuf,
        /// Contents expected on disk.
        old: Text,
    },
}

impl Op {
    /// A [`Op::Create`].
    pub fn create(path: impl Into<PathBuf>, contents: impl Into<Text>) -> Op {
        Op::Create {
            path: path.into(),
            contents: contents.into(),
        }
    }

    /// A [`Op::Modify`].
    pub fn modify(path: impl Into<PathBuf>, old: impl Into<Text>, new: impl Into<Text>) -> Op {
        Op::Modify {
            path: path.into(),
            old: old.into(),
            new: new.into(),
        }
    }

    /// A [`Op::Move`] (`move` is a keyword).
    pub fn moved(
        from: impl Into<PathBuf>,
        to: impl Into<PathBuf>,
        contents: impl Into<Text>,
    ) -> Op {
        Op::Move {
            from: from.into(),
            to: to.into(),
            contents: contents.into(),
        }
    }

    /// A [`Op::Delete`].
    pub fn delete(path: impl Into<PathBuf>, old: impl Into<Text>) -> Op {
        Op::Delete {
            path: path.into(),
            old: old.into(),
        }
    }

    /// The path this op writes or removes (for a move, the destination).
    pub fn path(&self) -> &PathBuf {
        match self {
            Op::Create { path, .. } | Op::Modify { path, .. } | Op::Delete { path, .. } => path,
            Op::Move { to, .. } => to,
        }
    }
}

/// Why a planner put an op in a plan, said to the user by `consolidate --check`.
/// Set by the planner, which knows, rather than guessed from paths afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// An original is split (over budget or several subphases) and archived.
    Split,
    /// A part of a split original.
    Part,
    /// Links in the file point at files that move.
    Links,
    /// A topic file's decisions changed.
    Decisions,
    /// A folder index is out of date.
    Index,
    /// A task card is out of date (neighbours, status, title or source).
    Card,
}

/// Whether the parts of a split `original` went to a folder of their own, named
/// after it (`plans/impl.md` → `plans/impl/…`): their index lists them in the
/// original's reading order, and its `INDEX.md` is where the original's text is.
pub fn parts_in_own_folder(original: &std::path::Path, parts: &[PathBuf]) -> bool {
    let own = original
        .parent()
        .zip(original.file_stem())
        .map(|(d, n)| d.join(n));
    own.is_some() && parts.first().and_then(|p| p.parent()) == own.as_deref()
}

/// An ordered list of operations under one root.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Root every path is relative to.
    pub root: PathBuf,
    /// Operations, in the order apply performs them within each stage.
    pub ops: Vec<Op>,
}

/// Counts of operations by kind, for summaries.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Files created.
    pub created: usize,
    /// Files modified.
    pub modified: usize,
    /// Files moved to the archive.
    pub moved: usize,
    /// Files deleted.
    pub deleted: usize,
}

impl Plan {
    /// An empty plan for a root.
    pub fn new(root: impl Into<PathBuf>) -> Plan {
        Plan {
            root: root.into(),
            ops: Vec::new(),
        }
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Count operations by kind.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for op in &self.ops {
            match op {
                Op::Create { .. } => s.created += 1,
                Op::Modify { .. } => s.modified += 1,
                Op::Move { .. } => s.moved += 1,
                Op::Delete { .. } => s.deleted += 1,
            }
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} modified, {} moved to archive, {} deleted",
            self.created, self.modified, self.moved, self.deleted
        )
    }
}

pub mod card;
pub mod carding;
pub mod conserve;
pub mod index;
pub mod index_status;
pub mod links;
pub mod manifest;
pub mod restructure;
pub mod undo;
