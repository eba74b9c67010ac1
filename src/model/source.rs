//! A file's text plus the facts about its bytes (BOM, line endings, line starts)
//! that every later stage needs to slice it without changing a byte.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// Why a file could not be turned into a [`Source`].
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The bytes are not UTF-8; `line` is the 1-based line of the first bad byte.
    #[error("{path}:{line}: not valid UTF-8 (first bad byte at offset {offset}{}); file skipped", utf16_hint(*.utf16))]
    NotUtf8 {
        /// File that failed.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// `little-endian`/`big-endian` when the file opens with a UTF-16
        /// byte-order mark: Windows editors and PowerShell's `>` write such
        /// files, and "first bad byte at offset 0" alone does not say how to
        /// make them readable.
        utf16: Option<&'static str>,
    },
    /// The file could not be read at all.
    #[error("{path}: cannot read: {error}")]
    Io {
        /// File that failed.
        path: PathBuf,
        /// Underlying I/O error (in the message, not chained, so it prints once).
        error: std::io::Error,
    },
    /// The path is a directory or other non-regular file.
    #[error("{path}: not a regular file")]
    NotAFile {
        /// Offending path.
        path: PathBuf,
    },
    /// Over 4 GiB: line offsets are held in 32 bits.
    #[error("{path}: {size} bytes is more than replan reads (4 GiB); file skipped")]
    TooLarge {
        /// Offending path.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
}

/// What the "not valid UTF-8" message adds for a UTF-16 file.
pub fn utf16_hint(utf16: Option<&str>) -> String {
    utf16
        .map(|e| format!("; it is UTF-16 {e} by its byte-order mark: save it as UTF-8"))
        .unwrap_or_default()
}

/// One input file, held whole and never modified.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as given (relative to the root where there is one).
    pub path: PathBuf,
    /// The whole text, BOM included, exactly as read; shared by whatever
    /// else holds it (the plan's archive copy, an op's expected text).
    pub text: super::Text,
    /// Byte offset of the start of every line (line 1 starts at 0). 32 bits:
    /// held for every file of a tree at once, and no planning file nears 4 GiB.
    line_starts: Vec<u32>,
    /// Whether the text starts with a UTF-8 byte-order mark.
    pub bom: bool,
    /// The line ending most lines use, so added text can match it.
    pub newline: &'static str,
}

impl Source {
    /// Read a file from disk, refusing non-regular files and non-UTF-8 text.
    pub fn read(path: &Path, display: &Path) -> Result<Source, SourceError> {
        let meta = std::fs::metadata(path).map_err(|e| SourceError::Io {
            path: display.to_path_buf(),
            error: e,
        })?;
        if !meta.is_file() {
            return Err(SourceError::NotAFile {
                path: display.to_path_buf(),
            });
        }
        if meta.len() > u64::from(u32::MAX) {
            return Err(SourceError::TooLarge {
                path: display.to_path_buf(),
                size: meta.len(),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| SourceError::Io {
            path: display.to_path_buf(),
            error: e,
        })?;
        Source::from_bytes(display, bytes)
    }

    /// Build from bytes already in memory.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Source, SourceError> {
        if u32::try_from(bytes.len()).is_err() {
            return Err(SourceError::TooLarge {
                path: path.to_path_buf(),
                size: bytes.len() as u64,
            });
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(path, text)),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
                let utf16 = match bytes {
                    [0xFF, 0xFE, ..] => Some("little-endian"),
                    [0xFE, 0xFF, ..] => Some("big-endian"),
                    _ => None,
                };
                Err(SourceError::NotUtf8 {
                    path: path.to_path_buf(),
                    line,
                    offset,
                    utf16,
                })
            }
        }
    }

    /// Build from text (under 4 GiB: [`Source::read`] and [`Source::from_bytes`]
    /// refuse larger input; past that, line offsets would saturate).
    pub fn new(path: &Path, mut text: String) -> Source {
        // Held as long as the document, often beside many others: no spare
        // capacity (a text built by pushing, a part after its links were
        // rewritten, could hold up to twice its length).
        text.shrink_to_fit();
        Source::shared(path, text.into())
    }

    /// Build from text held elsewhere too (a part that is a slice of its
    /// original), without a copy.
    pub fn shared(path: &Path, text: super::Text) -> Source {
        debug_assert!(
            u32::try_from(text.len()).is_ok(),
            "{}: over 4 GiB",
            path.display()
        );
        let Breaks {
            starts: line_starts,
            lf,
            crlf,
            cr,
        } = breaks(&text);
        let bom = text.starts_with('\u{feff}');
        let newline = if cr > lf {
            "\r"
        } else if crlf * 2 > lf {
            "\r\n"
        } else {
            "\n"
        };
        Source {
            path: path.to_path_buf(),
            text,
            line_starts,
            bom,
            newline,
        }
    }

    /// This file's text alone (shared, not copied), without its line offsets:
    /// for a slot nothing asks a line of, only the text (a modified file's
    /// text as read, once its parse moved into the parse of its planned
    /// text). A copy of the offsets there was ~1.5 MB of a 4,000-file tree
    /// at migrate's peak. Its line questions answer as for no lines at all.
    pub fn text_only(&self) -> Source {
        Source {
            path: self.path.clone(),
            text: self.text.clone(),
            line_starts: Vec::new(),
            bom: self.bom,
            newline: self.newline,
        }
    }

    /// Number of line starts: [`Source::line_count`], except that empty text has one.
    pub fn line_slots(&self) -> usize {
        self.line_starts.len()
    }

    /// Number of lines (a final line without a terminator counts).
    pub fn line_count(&self) -> usize {
        if self.text.is_empty() {
            0
        } else {
            self.line_starts.len()
        }
    }

    /// 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset where 1-based `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        if line == 0 {
            return 0;
        }
        self.line_starts
            .get(line - 1)
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// Text of 1-based `line` without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1).max(start);
        // Terminators are ASCII bytes: trimmed as bytes, not as decoded chars
        // (rules ask for millions of lines on a large tree; the char pattern
        // was most of this call's cost). A cut before `\n`/`\r` is always on
        // a char boundary.
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        &self.text[start..end]
    }

    /// Byte range of lines `first..=last` (1-based), terminators included.
    pub fn lines_range(&self, first: usize, last: usize) -> Range<usize> {
        self.line_start(first)..self.line_start(last + 1)
    }
}

/// Offsets of line starts; `\n`, `\r\n` and a lone `\r` all end a line, as in CommonMark.
pub fn line_starts(text: &str) -> Vec<u32> {
    breaks(text).starts
}

/// A text's line starts and how its lines end, found in one pass.
struct Breaks {
    /// As [`line_starts`] gives them, without spare capacity.
    starts: Vec<u32>,
    /// `\n` bytes, those of `\r\n` included.
    lf: usize,
    /// `\r\n` pairs.
    crlf: usize,
    /// `\r` bytes not followed by `\n`.
    cr: usize,
}

/// Line starts and line-ending counts in one pass that jumps from one `\n` or
/// `\r` to the next (memchr): every file of a tree goes through it once, and
/// a byte-at-a-time loop plus three counting passes were ~2% of `check`.
fn breaks(text: &str) -> Breaks {
    let bytes = text.as_bytes();
    let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let mut starts = vec![0];
    let (mut lf, mut crlf, mut cr) = (0, 0, 0);
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\n' {
            lf += 1;
            starts.push(at(i + 1));
        } else if bytes.get(i + 1) == Some(&b'\n') {
            crlf += 1;
        } else {
            cr += 1;
            starts.push(at(i + 1));
        }
    }
    if starts.last() == Some(&at(text.len())) && !text.is_empty() {
        starts.pop();
    }
    // Held for every file of a tree at once: no spare capacity.
    starts.shrink_to_fit();
    Breaks {
        starts,
        lf,
        crlf,
        cr,
    }
}

/// Lines in a piece of text, counting a final unterminated line.
pub fn count_lines(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    // As `line_starts(text).len()`, without allocating: one line per terminator,
    // plus a final unterminated line.
    let bytes = text.as_bytes();
    let mut ends = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => ends += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => ends += 1,
            _ => {}
        }
    }
    let terminated = matches!(bytes.last(), Some(b'\n' | b'\r'));
    ends + usize::from(!terminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_only_shares_the_text_and_drops_the_offsets() {
        let s = Source::new(Path::new("a.md"), "\u{feff}a\r\nb\r\n".to_string());
        let t = s.text_only();
        assert!(std::ptr::eq(s.text.as_str(), t.text.as_str()));
        assert_eq!(
            (t.path.as_path(), t.bom, t.newline),
            (Path::new("a.md"), true, "\r\n")
        );
        assert_eq!((s.line_slots(), t.line_slots()), (2, 0));
    }

    #[test]
    fn line_starts_handle_all_endings() {
        assert_eq!(line_starts("a\nb\r\nc\rd"), vec![0, 2, 5, 7]);
        assert_eq!(line_starts("a\n"), vec![0]);
        assert_eq!(line_starts(""), vec![0]);
        assert_eq!(count_lines("a\nb"), 2);
        assert_eq!(count_lines("a\nb\n"), 2);
        assert_eq!(count_lines(""), 0);
        for t in [
            "a",
            "\n",
            "\r",
            "\r\n",
            "a\rb",
            "a\r\n\rb\r",
            "\n\n",
            "a\nb\r\nc\rd",
        ] {
            assert_eq!(count_lines(t), line_starts(t).len(), "{t:?}");
        }
    }

    /// Line starts found by memchr (no `\r` in the text) are those of the
    /// byte-by-byte scan, and the line ending is `\n`.
    #[test]
    fn line_starts_without_cr_match_the_scan() {
        let scan = |t: &str| {
            let mut v = vec![0u32];
            v.extend(
                t.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            if v.last() == Some(&(t.len() as u32)) && !t.is_empty() {
                v.pop();
            }
            v
        };
        for t in ["", "a", "\n", "\n\n", "a\nb", "a\nb\n", "é\nü\n\nx", "\nx"] {
            assert_eq!(line_starts(t), scan(t), "{t:?}");
            if !t.is_empty() {
                assert_eq!(count_lines(t), line_starts(t).len(), "{t:?}");
            }
            assert_eq!(Source::new(Path::new("x"), t.into()).newline, "\n");
        }
    }

    #[test]
    fn breaks_count_endings_as_the_text_holds_them() {
        for t in [
            "",
            "a",
            "\r\n",
            "a\r\n\rb\r",
            "\r\r\n\n",
            "x\ny\r\nz\r",
            "\r",
        ] {
            let b = breaks(t);
            let crlf = t.matches("\r\n").count();
            assert_eq!(b.crlf, crlf, "{t:?}");
            assert_eq!(b.lf, t.matches('\n').count(), "{t:?}");
            assert_eq!(b.cr, t.matches('\r').count() - crlf, "{t:?}");
        }
    }

    #[test]
    fn non_utf8_names_line() {
        let err = Source::from_bytes(Path::new("x.md"), b"ok\nbad \xff\n".to_vec()).unwrap_err();
        assert!(
            err.to_string().starts_with("x.md:2: not valid UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn lone_cr_detected() {
        let s = Source::new(Path::new("x"), "a\rb\rc".into());
        assert_eq!(s.newline, "\r");
    }

    #[test]
    fn crlf_detected() {
        let s = Source::new(Path::new("x"), "a\r\nb\r\n".into());
        assert_eq!(s.newline, "\r\n");
        assert_eq!(s.line_of(3), 2);
        assert_eq!(s.line_text(1), "a");
    }

    /// A line's text is the text between its start and the next line's, less
    /// every `\n` and `\r` at its end (the byte trim is the char trim), for
    /// each kind of ending, blank lines and a last line without one.
    #[test]
    fn line_text_drops_terminators_only() {
        for t in [
            "a\nb\r\nc\rd",
            "\n\n",
            "\r\r\n\r",
            "é\r\nü\n",
            "x",
            "tail \r",
        ] {
            let s = Source::new(Path::new("x"), t.into());
            for l in 1..=s.line_count() + 1 {
                let raw = &t[s.line_start(l)..s.line_start(l + 1)];
                assert_eq!(
                    s.line_text(l),
                    raw.trim_end_matches(['\n', '\r']),
                    "{t:?} {l}"
                );
            }
        }
        let s = Source::new(Path::new("x"), "a\r\n\r\nb".into());
        assert_eq!(s.line_text(1), "a");
        assert_eq!(s.line_text(2), "");
        assert_eq!(s.line_text(3), "b");
    }
}
