//! Reading files into parsed Documents: one way for every command. Files are read
//! and parsed in parallel; the result keeps the order of the input. A file that
//! cannot be read is reported beside the others, never fatal here: each command
//! decides what an unreadable file means for its exit code.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Progress;
use crate::model::{Document, Source, SourceError};
use crate::note::{Note, NoteKind};
use crate::walk::{markdown_files_with, WalkOptions};

/// Files read and parsed, with what could not be.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Root-relative path and parsed document, in input order.
    pub docs: Vec<(PathBuf, Document)>,
    /// Problems of the walk (symlinks skipped, unreadable folders).
    pub walk_warnings: Vec<String>,
    /// Files that could not be read, one note each, in input order.
    pub read_errors: Vec<Note>,
}

/// A file that cannot be read, as a note about it: the same words for every
/// command, the place as data.
pub fn unreadable(e: &SourceError) -> Note {
    let note = |path: &Path, message: String| Note::new(NoteKind::Unreadable, path, message);
    match e {
        SourceError::NotUtf8 {
            path,
            line,
            offset,
            utf16,
        } => note(
            path,
            format!(
                "not valid UTF-8 (first bad byte at offset {offset}{})",
                crate::model::source::utf16_hint(*utf16)
            ),
        )
        .at(*line),
        SourceError::Io { path, error } => note(path, format!("cannot read: {error}")),
        SourceError::NotAFile { path } => note(path, "not a regular file".into()),
        SourceError::TooLarge { path, size } => note(
            path,
            format!("{size} bytes is more than replan reads (4 GiB)"),
        ),
    }
}

/// Read and parse `(path to open, root-relative path)` pairs, in parallel.
pub fn read_all(targets: &[(PathBuf, PathBuf)], progress: Progress) -> Loaded {
    let pb = progress(Some(targets.len() as u64), "reading");
    let parsed: Vec<Result<(PathBuf, Document), Note>> = targets
        .par_iter()
        .map(|(abs, rel)| {
            let r = Source::read(abs, rel)
                .map(|s| (rel.clone(), Document::parse(s)))
                .map_err(|e| unreadable(&e));
            pb.inc(1);
            r
        })
        .collect();
    pb.finish_and_clear();
    let mut out = Loaded {
        docs: Vec::with_capacity(parsed.len()),
        ..Loaded::default()
    };
    for r in parsed {
        match r {
            Ok(d) => out.docs.push(d),
            Err(e) => out.read_errors.push(e),
        }
    }
    out
}

/// Every Markdown file under `root`, archive included, parsed (the planner's input).
pub fn tree(root: &Path, cfg: &crate::config::Config, progress: Progress) -> Loaded {
    let walked = walk(root, cfg);
    read_walked(walked, progress)
}

/// The files [`tree`] reads, `(path to open, root-relative path)`, and the
/// walk's warnings: a caller may look at what there is before reading it.
pub fn walk(root: &Path, cfg: &crate::config::Config) -> (Vec<(PathBuf, PathBuf)>, Vec<String>) {
    let (found, walk_warnings) = markdown_files_with(
        root,
        WalkOptions {
            include_archive: true,
        },
        &cfg.unignored_dirs(),
    );
    let rels: Vec<&Path> = found.iter().map(|f| f.rel.as_path()).collect();
    let said = said(cfg, &rels, walk_warnings);
    let targets = found.into_iter().map(|f| (f.abs, f.rel)).collect();
    (targets, said)
}

/// The walk's warnings worth saying: a file passed over is named only where
/// `check` would report on it were it read (`found`, the project's files, with
/// it: its planning folders, or the whole project when it has none). A
/// project's command and skill links in `.claude/commands/` are not its plans.
pub fn said(
    cfg: &crate::config::Config,
    found: &[&Path],
    warnings: Vec<crate::walk::Warning>,
) -> Vec<String> {
    let mut all: Vec<&Path> = found.to_vec();
    all.extend(warnings.iter().filter_map(|w| w.path.as_deref()));
    let scope: std::collections::HashSet<&Path> = cfg.check_scope(&all).into_iter().collect();
    let keep: Vec<bool> = warnings
        .iter()
        .map(|w| w.path.as_deref().is_none_or(|p| scope.contains(p)))
        .collect();
    warnings
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(w, _)| w.message)
        .collect()
}

/// The rest of [`tree`]: read and parse what [`walk`] found.
pub fn read_walked(
    (targets, walk_warnings): (Vec<(PathBuf, PathBuf)>, Vec<String>),
    progress: Progress,
) -> Loaded {
    let mut loaded = read_all(&targets, progress);
    loaded.walk_warnings = walk_warnings;
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_utf8_is_named_with_its_line() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("bad.md"), b"# A\n\nCaf\xe9\n").unwrap();
        let targets = vec![(d.path().join("bad.md"), PathBuf::from("x/bad.md"))];
        let l = read_all(&targets, &super::super::no_progress);
        assert_eq!(
            l.read_errors[0].to_string(),
            "x/bad.md:3: not valid UTF-8 (first bad byte at offset 8)"
        );
    }

    /// A UTF-16 file (Windows editors, PowerShell's `>`) is named as such, so
    /// the user knows to save it as UTF-8; other bytes get no such guess.
    #[test]
    fn a_utf16_file_is_named_as_one() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("le.md"), b"\xFF\xFE#\0 \0A\0\n\0").unwrap();
        std::fs::write(d.path().join("be.md"), b"\xFE\xFF\0#\0 \0A\0\n").unwrap();
        std::fs::write(d.path().join("ff.md"), b"\xFF# A\n").unwrap();
        let targets: Vec<(PathBuf, PathBuf)> = ["le.md", "be.md", "ff.md"]
            .iter()
            .map(|n| (d.path().join(n), PathBuf::from(n)))
            .collect();
        let l = read_all(&targets, &super::super::no_progress);
        let got: Vec<String> = l.read_errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            got,
            [
                "le.md:1: not valid UTF-8 (first bad byte at offset 0; it is UTF-16 \
                 little-endian by its byte-order mark: save it as UTF-8)",
                "be.md:1: not valid UTF-8 (first bad byte at offset 0; it is UTF-16 \
                 big-endian by its byte-order mark: save it as UTF-8)",
                "ff.md:1: not valid UTF-8 (first bad byte at offset 0)",
            ]
        );
    }

    #[test]
    fn keeps_order_and_reports_unreadable_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.md"), "# A\n").unwrap();
        std::fs::write(d.path().join("b.md"), "# B\n").unwrap();
        let targets = vec![
            (d.path().join("b.md"), PathBuf::from("b.md")),
            (d.path().join("gone.md"), PathBuf::from("gone.md")),
            (d.path().join("a.md"), PathBuf::from("a.md")),
        ];
        let l = read_all(&targets, &super::super::no_progress);
        let names: Vec<_> = l.docs.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(names, vec![PathBuf::from("b.md"), PathBuf::from("a.md")]);
        assert_eq!(l.read_errors.len(), 1, "{:?}", l.read_errors);
        assert_eq!(l.read_errors[0].path, "gone.md");
        assert_eq!(l.read_errors[0].kind, NoteKind::Unreadable);
    }
}
