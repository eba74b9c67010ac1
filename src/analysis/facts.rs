//! Facts about one file that several rules need, derived once per run: the
//! display path, the subphase headings at the file's subphase level with their
//! sections, and which lines lie inside code blocks.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::model::{BlockKind, Document};
use crate::subphase::{recognise, Subphase};

/// A subphase heading at the file's subphase level and its section.
#[derive(Debug, Clone)]
pub struct SubHead<'a> {
    /// Index into [`Document::headings`].
    pub heading: usize,
    /// 1-based line of the heading.
    pub line: usize,
    /// Heading level.
    pub level: u8,
    /// What the heading says.
    pub sp: Subphase,
    /// Heading text as written, borrowed from the parse: the facts of every
    /// file are held at once (all of a tree's subphase titles copied again).
    pub text: &'a str,
    /// 1-based last line of the section (up to the next heading of the same or a higher level).
    pub end_line: usize,
    /// Byte range of the section body (after the heading line, to the section end).
    pub body: Range<usize>,
}

/// Shared per-file facts.
#[derive(Debug)]
pub struct FileFacts<'a> {
    /// Index of the file among the inputs.
    pub index: usize,
    /// Root-relative path.
    pub rel: &'a Path,
    /// Root-relative path with `/` separators, as reported.
    pub path: String,
    /// The parsed file.
    pub doc: &'a Document,
    /// The heading level holding the most subphase headings, if any.
    pub level: Option<u8>,
    /// Subphase headings at that level, in document order.
    pub subphases: Vec<SubHead<'a>>,
    /// Subphase headings at another level (`## Phase 4.3 (revisited)` among
    /// `### Phase 4.N` units): line, level and number, in document order.
    pub off_level: Vec<(usize, u8, String)>,
    /// Line ranges (1-based, inclusive, sorted, disjoint) that lie inside code
    /// blocks (fence lines included). Ranges, not a flag per line: the facts of
    /// every file are held at once.
    pub in_code: Vec<(usize, usize)>,
    /// 1-based line ranges of replan's task cards (inclusive): not the
    /// author's text, so [`FileFacts::line`] reads them as empty.
    pub in_card: Vec<(usize, usize)>,
    /// For a continuation part written by a split: the first part of its unit
    /// (root-relative, from the continuation line's link) and its part number.
    pub continues: Option<(PathBuf, usize)>,
    /// The file's fence troubles, read once for both fence rules (each read
    /// them whole, ~2% of `check` twice).
    troubles: std::sync::OnceLock<Vec<super::fence_reading::Trouble>>,
}

/// Line ranges (1-based, inclusive, sorted, disjoint) that lie inside `doc`'s code
/// blocks, fence lines included.
pub fn code_ranges(doc: &Document) -> Vec<(usize, usize)> {
    let total_lines = doc.source.line_count().max(1);
    let mut code: Vec<(usize, usize)> = doc
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Code(_)))
        .map(|b| (b.line().max(1), b.end_line().min(total_lines)))
        .filter(|(a, z)| a <= z)
        .collect();
    code.sort_unstable();
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(code.len());
    for (a, z) in code {
        match ranges.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(z),
            _ => ranges.push((a, z)),
        }
    }
    ranges
}

/// Whether 1-based `line` lies in one of `ranges` (as from [`code_ranges`]).
pub fn in_ranges(ranges: &[(usize, usize)], line: usize) -> bool {
    let i = ranges.partition_point(|&(_, z)| z < line);
    line >= 1 && ranges.get(i).is_some_and(|&(a, _)| a <= line)
}

/// A path for reports: `/`-separated.
pub fn display(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

impl<'a> FileFacts<'a> {
    /// Derive the facts of one file. Subphase headings are taken from every heading
    /// (including ones nested in lists); a heading's section runs to the line before
    /// the next heading of the same or a higher level.
    pub fn new(index: usize, rel: &'a Path, doc: &'a Document, cx: &Ctx) -> FileFacts<'a> {
        let envs = &cx.cfg.environments;
        let found: Vec<(usize, Subphase)> = doc
            .headings
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                recognise(h.text(), &cx.cfg.headings, envs)
                    .or_else(|| lettered(h.text()))
                    .map(|s| (i, s))
            })
            .collect();
        // Files replan writes itself (decision topic files, folder indexes) group
        // content under phase headings; those headings are labels, not sections.
        let topics = cx.cfg.topics.dir_path();
        let generated =
            crate::model::markers::is_index(&doc.source.text) || rel.starts_with(&topics);
        // A continuation part holds the inside of a subphase whose heading is in the
        // first part: its "Phase 4.10 Complete" headings were never sections.
        let cont = crate::model::markers::continuation_line(&doc.source.text);
        let continues = cont
            .and_then(crate::split::continued_from)
            .map(|(first, part)| (rel.parent().unwrap_or(Path::new("")).join(first), part));
        let generated = generated || cont.is_some();
        let mut found = if generated { Vec::new() } else { found };
        // A title numbering another plan (`# PHASE 1.1 … PLAN` over its own
        // phases 1.5, 3.5) is no subphase: split reads it the same way.
        if let Some(((0, title), rest)) = found.split_first() {
            let is_title = doc.headings[1..]
                .iter()
                .all(|h| h.level > doc.headings[0].level);
            let below: Vec<&Subphase> = rest.iter().map(|(_, s)| s).collect();
            if is_title && crate::subphase::foreign_title(title, &below) {
                found.remove(0);
            }
        }
        let level = crate::subphase::unit_level(found.iter().map(|(i, _)| doc.headings[*i].level));
        let total_lines = doc.source.line_count().max(1);
        let mut subphases = Vec::new();
        let mut off_level = Vec::new();
        if let Some(level) = level {
            // Sized to fit: every file's facts are held until the run ends, and
            // a vector grown by pushing kept room for four headings (~800 bytes)
            // where most files hold one (~3 MB of a 4,000-file tree's migrate).
            let at_level = found
                .iter()
                .filter(|(i, _)| doc.headings[*i].level == level)
                .count();
            subphases.reserve_exact(at_level);
            off_level.reserve_exact(found.len() - at_level);
            for (i, sp) in found {
                let h = &doc.headings[i];
                if h.level != level {
                    off_level.push((h.line(), h.level, sp.number));
                    continue;
                }
                let end_line = doc.headings[i + 1..]
                    .iter()
                    .find(|n| n.level <= h.level && n.line() > h.line())
                    .map(|n| n.line() - 1)
                    .unwrap_or(total_lines)
                    .max(h.line());
                let body = doc
                    .source
                    .line_start(h.line() + 1)
                    .min(doc.source.text.len())
                    ..doc
                        .source
                        .line_start(end_line + 1)
                        .min(doc.source.text.len());
                subphases.push(SubHead {
                    heading: i,
                    line: h.line(),
                    level: h.level,
                    sp,
                    text: h.text(),
                    end_line,
                    body: body.start.min(body.end)..body.end,
                });
            }
        }
        let in_code = code_ranges(doc);
        let in_card = crate::model::markers::card_spans(&doc.source.text)
            .into_iter()
            .map(|r| {
                let end = r.end.saturating_sub(1).max(r.start);
                (doc.source.line_of(r.start), doc.source.line_of(end))
            })
            .collect();
        FileFacts {
            index,
            rel,
            path: display(rel),
            doc,
            level,
            subphases,
            off_level,
            in_code,
            in_card,
            continues,
            troubles: std::sync::OnceLock::new(),
        }
    }

    /// Every fence trouble of the file ([`super::fence_reading::troubles`]),
    /// found on first asking.
    pub(super) fn troubles(&self) -> &[super::fence_reading::Trouble] {
        self.troubles
            .get_or_init(|| super::fence_reading::troubles(self))
    }

    /// Whether 1-based `line` is inside a code block.
    pub fn is_code(&self, line: usize) -> bool {
        in_ranges(&self.in_code, line)
    }

    /// Text of 1-based `line`; empty inside a task card (replan's text: its
    /// links and names are not evidence of what the author wrote).
    pub fn line(&self, line: usize) -> &str {
        if in_ranges(&self.in_card, line) {
            return "";
        }
        self.doc.source.line_text(line)
    }

    /// The 1-based column, in characters (Unicode code points), of the 1-based
    /// byte column `byte_col` on `line`: what editors and SARIF's
    /// `unicodeCodePoints` count, where comrak and regexes count bytes.
    pub fn char_column(&self, line: usize, byte_col: usize) -> usize {
        let text = self.line(line);
        let mut end = byte_col.saturating_sub(1).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text[..end].chars().count() + 1
    }

    /// Number of lines.
    pub fn lines(&self) -> usize {
        self.doc.source.line_count()
    }

    /// The folder part of the path (`""` at the root).
    pub fn folder(&self) -> String {
        match self.path.rfind('/') {
            Some(i) => self.path[..i].to_string(),
            None => String::new(),
        }
    }

    /// The file name.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A lettered part such as "Phase 4.5A: Title" (the heading patterns want a plain
/// number); its number keeps the letter.
pub(crate) fn lettered(text: &str) -> Option<Subphase> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^(?P<kind>(?i:phase|step|stage))\s+(?P<number>\d+(?:\.\d+)+[A-Za-z])(?:\s*[:.\-–—]\s*|\s+|$)(?P<title>.*)$")
            .expect("valid")
    });
    let c = crate::subphase::captured(re, text.trim())?;
    Some(Subphase {
        number: c["number"].to_string(),
        // As the heading patterns give it: a lettered `Step 4.6B` is a step.
        kind: Some(c["kind"].to_lowercase()),
        title: c["title"].trim().to_string(),
        ..Subphase::default()
    })
}

/// Shorten a line for quoting as evidence.
pub fn quote(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() <= 120 {
        return t.to_string();
    }
    let mut out: String = t.chars().take(117).collect();
    out.push_str("...");
    out
}

/// `line N: text` for evidence.
pub fn at(line: usize, s: &str) -> String {
    format!("line {line}: {}", quote(s))
}
