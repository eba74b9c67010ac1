//! Mentions of Markdown files outside links: a path or name in a code span
//! (`` `docs/DESIGN.md` ``), a bare path in prose (`see docs/DESIGN.md`) or a bare
//! name in prose (`see DESIGN.md §3.4`). Links are the parser's business
//! ([`super::locate_all`]); these are the mentions a reader follows by hand, and
//! that go stale without a broken link when replan splits and archives a file.
//!
//! [`find`] locates every mention with its byte range; [`stale`] keeps those that
//! name a file replan moved away (a [`Moved`] set, from the migrate manifest or
//! from a plan) and says where its text is now. Both are pure: what exists is
//! asked of the caller.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::{normalize, relative};
use crate::model::Document;

/// Where a mention was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Inside a code span: `` `IMPLEMENTATION_PLAN.md` ``, `` `cat docs/a.md` ``.
    CodeSpan,
    /// A path with a folder in prose: `docs/plans/DESIGN.md`.
    Path,
    /// A bare file name in prose: `DESIGN.md`.
    Name,
    /// A file name set apart in bold or italics, nothing else with it:
    /// `**01_AUDITORIA_COMPLETA.md**` leading an index list's entry. A reference,
    /// as a code span is: left as written, GEMODIDA's index lists gave 118
    /// stale-mention warnings after a migrate that `check --fix` would not fix.
    Emphasis,
}

/// One mention of a Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range of the path as written (without an `#anchor` after it).
    pub range: Range<usize>,
    /// Byte range of the anchor after `#`, when one follows the path directly.
    pub anchor: Option<Range<usize>>,
    /// 1-based line.
    pub line: usize,
    /// Where it was written.
    pub kind: Kind,
}

impl Mention {
    /// Whether migrate may rewrite it: code spans, paths and names set apart
    /// in bold are names a reader copies, while a bare name in a sentence is
    /// the author's wording.
    pub fn rewritable(&self) -> bool {
        self.kind != Kind::Name
    }
}

/// Compile this module's regexes now (on a thread that warms them ahead of
/// their first use: their Unicode classes make them slow to build).
pub fn warm() {
    token();
    anchor_re();
}

/// A path-like token ending in `.md`/`.markdown`; its edges are checked by hand.
fn token() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?:\.{1,2}/|/)?(?:[\p{L}\p{N}_.~@+\-]+/)*[\p{L}\p{N}_.~@+\-]*[\p{L}\p{N}_\-]\.(?i:md|markdown)",
        )
        .expect("valid")
    })
}

fn anchor_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^#[\p{L}\p{N}_\-.%]*[\p{L}\p{N}_\-%]").expect("valid"))
}

fn path_char(c: char) -> bool {
    c.is_alphanumeric() || "_.~@+-/\\:%".contains(c)
}

/// What a stretch of a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Prose,
    Code,
}

/// A line's content after block quote markers, list markers and indentation.
fn content_start(line: &str) -> &str {
    let mut t = line.trim_start();
    loop {
        if let Some(r) = t.strip_prefix('>') {
            t = r.trim_start();
            continue;
        }
        let marker = ["- ", "* ", "+ "].iter().find_map(|m| t.strip_prefix(m));
        if let Some(r) = marker {
            t = r.trim_start();
            continue;
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=9).contains(&digits) {
            let rest = &t[digits..];
            if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
                t = r.trim_start();
                continue;
            }
        }
        return t;
    }
}

/// Byte ranges (in `text`) of lines inside fenced code nested in lists or quotes:
/// the parser's top-level blocks do not show them.
fn nested_fences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, usize)> = None; // fence char, length, start byte
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = content_start(line);
        let ch = t.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = ch.map_or(0, |c| t.chars().take_while(|x| *x == c).count());
        match (open, ch) {
            (None, Some(c)) if run >= 3 && !(c == '`' && t[run..].contains('`')) => {
                open = Some((c, run, at));
            }
            (Some((c0, n0, start)), Some(c))
                if c == c0 && run >= n0 && t[run..].trim().is_empty() =>
            {
                out.push(start..at + line.len());
                open = None;
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some((_, _, start)) = open {
        out.push(start..text.len());
    }
    out
}

/// The index just past the bracket that closes the one at `open`, on one line
/// or across lines of the block.
fn closing(b: &[u8], open: usize, (o, c): (u8, u8)) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            x if x == o => depth += 1,
            x if x == c => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'\n' if b.get(i + 1) == Some(&b'\n') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The prose and code-span stretches of one block's text (`base` is its offset in
/// the file), leaving out nested fenced code, links (text and destination),
/// reference definitions, HTML tags and comments, and autolinks.
fn regions(text: &str, base: usize, out: &mut Vec<(Range<usize>, Region)>) {
    let mut at = 0;
    for f in nested_fences(text) {
        inline(&text[at..f.start], base + at, out);
        at = f.end;
    }
    inline(&text[at..], base + at, out);
}

/// [`regions`] of text holding no fenced code.
fn inline(text: &str, base: usize, out: &mut Vec<(Range<usize>, Region)>) {
    let b = text.as_bytes();
    let mut prose_from = 0;
    let mut i = 0;
    let push = |out: &mut Vec<(Range<usize>, Region)>, r: Range<usize>, k: Region| {
        if r.start < r.end {
            out.push((base + r.start..base + r.end, k));
        }
    };
    while i < b.len() {
        // Where the construct at `i` ends, and the code span inside it if it is one.
        let mut skip: Option<(usize, Option<Range<usize>>)> = None;
        match b[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'`' => {
                let n = b[i..].iter().take_while(|&&x| x == b'`').count();
                let from = i + n;
                let mut j = from;
                while j < b.len() {
                    if b[j] == b'`' {
                        let m = b[j..].iter().take_while(|&&x| x == b'`').count();
                        if m == n {
                            skip = Some((j + n, Some(from..j)));
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                if skip.is_none() {
                    i = from;
                    continue;
                }
            }
            b'<' => {
                let rest = &text[i..];
                if rest.starts_with("<!--") {
                    skip = Some((rest.find("-->").map_or(b.len(), |e| i + e + 3), None));
                } else if b
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!')
                {
                    skip = rest.find(['>', '\n']).map(|e| (i + e + 1, None));
                }
            }
            b'[' => {
                if let Some(after) = closing(b, i, (b'[', b']')) {
                    let line_from = text[..i].rfind('\n').map_or(0, |n| n + 1);
                    let at_line_start = text[line_from..i].trim().is_empty();
                    let end = match b.get(after) {
                        Some(b'(') => closing(b, after, (b'(', b')')),
                        Some(b'[') => closing(b, after, (b'[', b']')),
                        Some(b':') if at_line_start => {
                            Some(text[after..].find('\n').map_or(b.len(), |e| after + e + 1))
                        }
                        _ => None,
                    };
                    skip = end.map(|e| (e, None));
                }
            }
            _ => {}
        }
        match skip {
            Some((end, code)) => {
                push(out, prose_from..i, Region::Prose);
                if let Some(c) = code {
                    push(out, c, Region::Code);
                }
                i = end;
                prose_from = i;
            }
            None => i += 1,
        }
    }
    push(out, prose_from..b.len(), Region::Prose);
}

/// Every mention of a Markdown file in `doc`'s prose and code spans, in order.
/// Code blocks, HTML blocks, front matter, links and their text, reference
/// definitions, autolinks, HTML tags and URLs are not mentions.
pub fn find(doc: &Document) -> Vec<Mention> {
    let text = &doc.source.text;
    if !text.contains(".md") && !text.contains(".MD") && !text.contains(".markdown") {
        return Vec::new();
    }
    let mut segs = Vec::new();
    for blk in doc.blocks.iter().filter(|b| !b.is_literal()) {
        if let Some(t) = text.get(blk.span()) {
            regions(t, blk.span().start, &mut segs);
        }
    }
    let mut out = Vec::new();
    for (r, region) in segs {
        let seg = &text[r.clone()];
        for m in token().find_iter(seg) {
            let (s, e) = (r.start + m.start(), r.start + m.end());
            let before = text[..s].chars().next_back();
            if before.is_some_and(path_char) {
                continue;
            }
            let mut after = text[e..].chars();
            match after.next() {
                Some(c) if c.is_alphanumeric() || "_-/\\".contains(c) => continue,
                Some('.') if after.next().is_some_and(char::is_alphanumeric) => continue,
                _ => {}
            }
            let anchor = anchor_re()
                .find(&text[e..r.end])
                .map(|a| e + 1..e + a.end());
            let set_apart = ["**", "*"]
                .iter()
                .any(|d| text[..s].ends_with(d) && text[e..].starts_with(d));
            let kind = match region {
                Region::Code => Kind::CodeSpan,
                Region::Prose if m.as_str().contains('/') => Kind::Path,
                Region::Prose if set_apart && anchor.is_none() => Kind::Emphasis,
                Region::Prose => Kind::Name,
            };
            out.push(Mention {
                range: s..e,
                anchor,
                line: doc.source.line_of(s),
                kind,
            });
        }
    }
    out
}

/// Markdown files replan moved away, by their original root-relative path, and
/// where their text is now (a plan's index or first part; `None` when it went
/// only to the archive).
#[derive(Debug, Clone, Default)]
pub struct Moved {
    now: HashMap<PathBuf, Option<PathBuf>>,
    by_name: HashMap<String, Vec<PathBuf>>,
    part_of: HashMap<PathBuf, PathBuf>,
    /// Any moved file's name, to pass over texts that name none (every mention
    /// of a moved file ends with its name). Built on first use. An automaton
    /// of the names rather than a regex of them: with 700 names the regex's
    /// per-thread caches held ~2.7 MB through migrate's peak.
    names: OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl Moved {
    /// Record that `original` moved away, its text now at `now`, in `parts`.
    pub fn insert(&mut self, original: PathBuf, now: Option<PathBuf>, parts: &[PathBuf]) {
        for p in parts {
            self.part_of.insert(p.clone(), original.clone());
        }
        let name = file_name(&original);
        let list = self.by_name.entry(name).or_default();
        if !list.contains(&original) {
            list.push(original.clone());
            list.sort();
        }
        self.now.insert(original, now);
        self.names = OnceLock::new();
    }

    /// Whether `text` holds the name of a moved file (when it cannot tell: yes).
    fn named_in(&self, text: &str) -> bool {
        let names = self.names.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(self.by_name.keys())
                .ok()
        });
        names.as_ref().is_none_or(|a| a.is_match(text))
    }

    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.now.is_empty()
    }

    /// Where the text of `original` is now, following later moves of it (a part
    /// split again by a later run); `None` when it is not recorded as moved.
    pub fn now(&self, original: &Path) -> Option<Option<&Path>> {
        let mut cur = self.now.get(original)?.as_deref();
        for _ in 0..self.now.len() {
            match cur.and_then(|c| self.now.get(c)) {
                Some(next) => cur = next.as_deref(),
                None => break,
            }
        }
        Some(cur)
    }

    /// The original a file is a part of, when it is one.
    pub fn original_of(&self, part: &Path) -> Option<&Path> {
        self.part_of.get(part).map(PathBuf::as_path)
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Names of files that many folders and projects have: a bare mention of one
/// away from its folder means the kind of file (the project's README, an agent's
/// instructions), not the one replan moved.
const CONVENTIONAL: &[&str] = &[
    "README.md",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "LICENSE.md",
    "SECURITY.md",
    "AGENTS.md",
    "CLAUDE.md",
    "GEMINI.md",
    "index.md",
];

/// Which file names lie at or below which folders, for [`Tree::has_name`]:
/// one entry per name and ancestor folder, so a lookup costs the same however
/// many folders hold a file of that name (`INDEX.md`, `notes.md`), where a scan
/// of them made a large tree's plan quadratic.
///
/// Each name and folder is stored once and the entries pair their numbers: an
/// entry holding its own copy of both (~5 a file) was ~2.8 MB of a 4,000-file
/// tree, alive at migrate's peak while `link.stale-mention` checked the planned
/// tree; a lookup no longer copies its name and folder either.
#[derive(Debug, Default)]
pub struct NameIndex {
    names: HashMap<Box<str>, usize>,
    dirs: HashMap<Box<Path>, usize>,
    at: std::collections::HashSet<(usize, usize)>,
}

impl NameIndex {
    /// Index the files at these root-relative paths.
    pub fn new<'p>(paths: impl IntoIterator<Item = &'p Path>) -> NameIndex {
        let mut ix = NameIndex::default();
        for p in paths {
            let Some(name) = p.file_name().map(|n| n.to_string_lossy()) else {
                continue;
            };
            let n = match ix.names.get(name.as_ref()) {
                Some(&n) => n,
                None => {
                    let n = ix.names.len();
                    ix.names.insert(name.into(), n);
                    n
                }
            };
            for dir in p.ancestors().skip(1) {
                let d = match ix.dirs.get(dir) {
                    Some(&d) => d,
                    None => {
                        let d = ix.dirs.len();
                        ix.dirs.insert(dir.into(), d);
                        d
                    }
                };
                if !ix.at.insert((n, d)) {
                    break;
                }
            }
        }
        ix
    }

    /// Whether a file of this name lies at or below `under` (`""`: the root).
    pub fn has(&self, name: &str, under: &Path) -> bool {
        match (self.names.get(name), self.dirs.get(under)) {
            (Some(&n), Some(&d)) => self.at.contains(&(n, d)),
            _ => false,
        }
    }
}

/// What a caller knows of the tree a document sits in.
pub struct Tree<'a> {
    /// Whether a root-relative path exists (as a file or folder).
    pub exists: &'a (dyn Fn(&Path) -> bool + Sync),
    /// Whether some file of the tree (the archive aside) has this file name and
    /// lies at or below this root-relative folder (`""` for the root).
    pub has_name: &'a (dyn Fn(&str, &Path) -> bool + Sync),
}

/// A mention of a file that moved away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The mention.
    pub mention: Mention,
    /// The moved original it names (root-relative).
    pub original: PathBuf,
    /// Where its text is now (root-relative), if anywhere outside the archive.
    pub now: Option<PathBuf>,
    /// Text naming `now` written as the mention was (from the root when the
    /// mention was, else relative to the document), to replace the range with.
    pub replacement: Option<String>,
}

/// How a mention names its file.
enum Named {
    /// From the root (`/docs/a.md`, or `docs/a.md` read from the root).
    Root { slash: bool },
    /// From the document's folder, or by a unique path suffix or a name.
    Here,
}

/// Which moved original a mention names, if it names one that is gone.
fn original_named(
    written: &str,
    rel: &Path,
    moved: &Moved,
    tree: &Tree,
) -> Option<(PathBuf, Named)> {
    let dir = rel.parent().unwrap_or(Path::new(""));
    let gone = |p: &Path| moved.now.contains_key(p) && !(tree.exists)(p);
    if let Some(rooted) = written.strip_prefix('/') {
        let p = normalize(Path::new(rooted))?;
        return gone(&p).then_some((p, Named::Root { slash: true }));
    }
    let w = written.strip_prefix("./").unwrap_or(written);
    if w.contains('/') {
        let here = normalize(&dir.join(w));
        let root = normalize(Path::new(w));
        for (p, how) in [(here, Named::Here), (root, Named::Root { slash: false })] {
            let Some(p) = p else { continue };
            if (tree.exists)(&p) {
                return None;
            }
            if moved.now.contains_key(&p) {
                return Some((p, how));
            }
        }
        // `plans/DESIGN.md` written from elsewhere: the one original ending so.
        let tail = Path::new(w);
        if w.starts_with("../") {
            return None;
        }
        let mut hits = moved
            .now
            .keys()
            .filter(|o| o.ends_with(tail) && !(tree.exists)(o));
        let one = hits.next()?;
        return hits.next().is_none().then(|| (one.clone(), Named::Here));
    }
    let originals = moved.by_name.get(w)?;
    let sibling = dir.join(w);
    if (tree.exists)(&sibling) {
        return None;
    }
    if originals.contains(&sibling) {
        return Some((sibling, Named::Here));
    }
    if let Some(o) = moved.original_of(rel).filter(|o| file_name(o) == w) {
        return gone(o).then(|| (o.to_path_buf(), Named::Here));
    }
    // Else a name written in a folder means a file near it: at or below the
    // folder's parent (`status/` naming a plan in `plans/`), the one moved file of
    // that name there, when no file there (or at the root) has the name now and
    // it is not a name every project uses.
    if CONVENTIONAL.iter().any(|c| c.eq_ignore_ascii_case(w)) || (tree.exists)(Path::new(w)) {
        return None;
    }
    let near = dir.parent().unwrap_or(Path::new(""));
    let mut below = originals.iter().filter(|o| o.starts_with(near));
    let one = below.next()?;
    (below.next().is_none() && !(tree.has_name)(w, near) && gone(one))
        .then(|| (one.clone(), Named::Here))
}

/// The mentions in `doc` (at root-relative `rel`) of files in `moved` that no
/// longer exist, each with where its text is now. A path is read from the
/// document's folder, then from the root, then as the tail of one moved path; a
/// bare name counts when a file of that name moved from the same folder, when
/// `doc` is a part of it, or when exactly one file of that name moved from below
/// the parent of the document's folder and no file there has the name now. A
/// name shared with files that exist, or naming a file farther away, is not
/// reported: in prose, `README.md`, `AGENTS.md` or `tasks.md` are as often a kind
/// of file as one file.
pub fn stale(doc: &Document, rel: &Path, moved: &Moved, tree: &Tree) -> Vec<Stale> {
    let text = &doc.source.text;
    if moved.is_empty() || !moved.named_in(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in find(doc) {
        if in_done_record(doc, m.line) {
            continue;
        }
        let written = &text[m.range.clone()];
        let Some((original, how)) = original_named(written, rel, moved, tree) else {
            continue;
        };
        let now = moved.now(&original).flatten().map(Path::to_path_buf);
        let replacement = now.as_deref().map(|n| match how {
            Named::Root { slash } => {
                let p = n.to_string_lossy().replace('\\', "/");
                if slash {
                    format!("/{p}")
                } else {
                    p
                }
            }
            Named::Here => relative(rel, n),
        });
        out.push(Stale {
            mention: m,
            original,
            now,
            replacement,
        });
    }
    out
}

/// Whether 1-based `line` records work done: a ticked box (`- [x] Update
/// `docs/plans/PLAN.md``) or an item marked ✅. It names the file as it was
/// when the work was done; rewritten, the record named a path that did not
/// exist then, and left as it is it is not stale, only history.
fn in_done_record(doc: &Document, line: usize) -> bool {
    let t = doc.source.line_text(line).trim_start();
    let t = t
        .strip_prefix(['-', '*', '+'])
        .or_else(|| {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0)
                .then(|| t[digits..].strip_prefix(['.', ')']))
                .flatten()
        })
        .map_or(t, str::trim_start);
    t.starts_with("[x]") || t.starts_with("[X]") || t.starts_with('✅')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mentions(text: &str) -> Vec<(String, Kind)> {
        let doc = Document::from_text("d/a.md", text);
        find(&doc)
            .into_iter()
            .map(|m| (text[m.range].to_string(), m.kind))
            .collect()
    }

    #[test]
    fn the_name_index_answers_for_every_ancestor() {
        let paths = [
            Path::new("a/b/INDEX.md"),
            Path::new("a/c/INDEX.md"),
            Path::new("x.md"),
        ];
        let ix = NameIndex::new(paths);
        assert!(ix.has("INDEX.md", Path::new("a/b")));
        assert!(ix.has("INDEX.md", Path::new("a")));
        assert!(ix.has("INDEX.md", Path::new("")));
        assert!(ix.has("x.md", Path::new("")));
        assert!(!ix.has("x.md", Path::new("a")));
        assert!(!ix.has("INDEX.md", Path::new("a/d")));
        // A name or a folder it never saw, and a pair of known ones that never
        // went together (a name and a folder each stored once, paired by number).
        assert!(!ix.has("y.md", Path::new("a")));
        assert!(!ix.has("INDEX.md", Path::new("z")));
        assert!(!ix.has("x.md", Path::new("a/c")));
        assert!(ix.has("INDEX.md", Path::new("a/c")));
    }

    #[test]
    fn finds_code_spans_paths_and_names_in_prose() {
        let t = "# Plan\n\nSee DESIGN.md §3.4 and `IMPLEMENTATION_PLAN.md`, then \
                 docs/plans/b.md#step-2 or `cat ./notes/c.md`.\n\n- item: ../x/y.markdown\n";
        assert_eq!(
            mentions(t),
            vec![
                ("DESIGN.md".into(), Kind::Name),
                ("IMPLEMENTATION_PLAN.md".into(), Kind::CodeSpan),
                ("docs/plans/b.md".into(), Kind::Path),
                ("./notes/c.md".into(), Kind::CodeSpan),
                ("../x/y.markdown".into(), Kind::Path),
            ]
        );
        let doc = Document::from_text("d/a.md", t);
        let b = &find(&doc)[2];
        assert_eq!(&t[b.anchor.clone().unwrap()], "step-2");
        assert_eq!(b.line, 3);
        // A name alone in bold or italics is set apart as a reference; one
        // inside a bold phrase is the phrase's.
        let t = "- **01_AUDITORIA.md** - audit
- *NOTES.md*
- **See DESIGN.md now**
";
        assert_eq!(
            mentions(t),
            vec![
                ("01_AUDITORIA.md".into(), Kind::Emphasis),
                ("NOTES.md".into(), Kind::Emphasis),
                ("DESIGN.md".into(), Kind::Name),
            ]
        );
    }

    #[test]
    fn links_code_blocks_html_and_urls_are_not_mentions() {
        let t = "# Plan\n\n[DESIGN.md](DESIGN.md) ![x](img/a.md) [ref][r] <a href=\"x.md\">y</a>\n\
                 <!-- old.md --> https://github.com/o/r/blob/main/README.md <https://x.y/z.md>\n\
                 a.mdx b.md.bak *.md {name}.md\n\n```\ncat DESIGN.md\n```\n\n\
                 - list\n  ```bash\n  cat PLAN.md\n  ```\n\n[r]: refs/target.md\n\n\
                 <div>\nHTML.md\n</div>\n";
        assert_eq!(mentions(t), vec![]);
    }

    #[test]
    fn unclosed_spans_and_bad_bytes_never_panic() {
        for t in [
            "`a.md",
            "[x](a.md",
            "<a.md",
            "\\",
            "[",
            "é.md`",
            "[a]:",
            "``\n`x.md`",
        ] {
            let doc = Document::from_text("a.md", t);
            let _ = find(&doc);
        }
    }

    fn moved() -> Moved {
        let mut m = Moved::default();
        m.insert(
            "docs/DESIGN.md".into(),
            Some("docs/design/INDEX.md".into()),
            &["docs/design/overview.md".into()],
        );
        m.insert(
            ".claude/plans/IMPLEMENTATION_PLAN.md".into(),
            Some(".claude/plans/step-1.1-setup.md".into()),
            &[],
        );
        m.insert(
            "specs/001/tasks.md".into(),
            Some("specs/001/tasks-a.md".into()),
            &[],
        );
        m
    }

    fn stale_in(rel: &str, text: &str, existing: &[&str]) -> Vec<(String, String, Option<String>)> {
        let doc = Document::from_text(rel, text);
        let exists = |p: &Path| existing.iter().any(|e| Path::new(e) == p);
        let has_name = |n: &str, under: &Path| {
            existing
                .iter()
                .any(|e| Path::new(e).starts_with(under) && e.ends_with(&format!("/{n}")))
        };
        let tree = Tree {
            exists: &exists,
            has_name: &has_name,
        };
        stale(&doc, Path::new(rel), &moved(), &tree)
            .into_iter()
            .map(|s| {
                (
                    text[s.mention.range].to_string(),
                    s.original.display().to_string(),
                    s.replacement,
                )
            })
            .collect()
    }

    #[test]
    fn stale_mentions_name_the_new_place() {
        let t = "See DESIGN.md §3.4, `IMPLEMENTATION_PLAN.md` and `/docs/DESIGN.md`, \
                 or .claude/plans/IMPLEMENTATION_PLAN.md.\n";
        assert_eq!(
            stale_in("notes.md", t, &[]),
            vec![
                (
                    "DESIGN.md".into(),
                    "docs/DESIGN.md".into(),
                    Some("docs/design/INDEX.md".into())
                ),
                (
                    "IMPLEMENTATION_PLAN.md".into(),
                    ".claude/plans/IMPLEMENTATION_PLAN.md".into(),
                    Some(".claude/plans/step-1.1-setup.md".into())
                ),
                (
                    "/docs/DESIGN.md".into(),
                    "docs/DESIGN.md".into(),
                    Some("/docs/design/INDEX.md".into())
                ),
                (
                    ".claude/plans/IMPLEMENTATION_PLAN.md".into(),
                    ".claude/plans/IMPLEMENTATION_PLAN.md".into(),
                    Some(".claude/plans/step-1.1-setup.md".into())
                ),
            ]
        );
        // Paths are read from the document's folder first, then from the root.
        let t = "`../docs/DESIGN.md` and `docs/DESIGN.md` and plans/IMPLEMENTATION_PLAN.md\n";
        let found = stale_in(".claude/notes.md", t, &[]);
        let got: Vec<_> = found.iter().map(|s| s.2.clone().unwrap()).collect();
        assert_eq!(
            got,
            vec![
                "../docs/design/INDEX.md",
                "docs/design/INDEX.md",
                "plans/step-1.1-setup.md"
            ]
        );
    }

    /// A record of work done names the file as it was then: neither
    /// rewritten nor stale. An open item or a plain line still is.
    #[test]
    fn records_of_done_work_keep_the_name_they_were_written_with() {
        let t = "- [x] Update `docs/DESIGN.md`\n\
                 1. [X] Read `docs/DESIGN.md`\n\
                 - ✅ Updated `docs/DESIGN.md`\n\
                 ✅ Updated `docs/DESIGN.md`\n\
                 - [ ] Update `docs/DESIGN.md`\n\
                 Then `docs/DESIGN.md`.\n";
        let found = stale_in("notes.md", t, &[]);
        let lines: Vec<usize> = {
            let doc = Document::from_text("notes.md", t);
            stale(&doc, Path::new("notes.md"), &moved(), &{
                Tree {
                    exists: &|_: &Path| false,
                    has_name: &|_: &str, _: &Path| false,
                }
            })
            .iter()
            .map(|s| s.mention.line)
            .collect()
        };
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(lines, vec![5, 6]);
    }

    #[test]
    fn names_shared_with_files_that_exist_or_far_away_are_left_alone() {
        // From the moved file's own folder, a bare name means it.
        let t = "Fill in tasks.md, then DESIGN.md.\n";
        let found = stale_in("specs/001/spec.md", t, &["specs/002/tasks.md"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2.as_deref(), Some("tasks-a.md"));
        // From above it, or a folder beside it, when it is the only file of that
        // name there.
        let found = stale_in("specs/ROADMAP.md", t, &[]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].2.as_deref(), Some("001/tasks-a.md"));
        let found = stale_in("specs/003/spec.md", t, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2.as_deref(), Some("../001/tasks-a.md"));
        // Not when another feature's `tasks.md` exists there (it may mean a kind
        // of file), nor from farther away.
        let other = ["specs/002/tasks.md"];
        assert_eq!(stale_in("specs/ROADMAP.md", "tasks.md\n", &other), vec![]);
        assert_eq!(stale_in("specs/003/spec.md", "tasks.md\n", &other), vec![]);
        assert_eq!(stale_in("a/notes/handoff.md", t, &[]), vec![]);
        // Nor a name every project has, or one a file at the root has.
        assert_eq!(
            stale_in("specs/ROADMAP.md", "DESIGN.md\n", &["DESIGN.md"]),
            vec![]
        );
        let mut m = moved();
        m.insert(
            "docs/x/README.md".into(),
            Some("docs/x/intro.md".into()),
            &[],
        );
        let doc = Document::from_text("docs/plan.md", "See README.md.\n");
        let none = |_: &Path| false;
        let no_name = |_: &str, _: &Path| false;
        let tree = Tree {
            exists: &none,
            has_name: &no_name,
        };
        assert_eq!(stale(&doc, Path::new("docs/plan.md"), &m, &tree), vec![]);
        let doc = Document::from_text("docs/x/plan.md", "See README.md.\n");
        assert_eq!(stale(&doc, Path::new("docs/x/plan.md"), &m, &tree).len(), 1);
        // A path that resolves to a file that exists is not stale.
        let there = ["specs/002/tasks.md", "docs/DESIGN.md"];
        assert_eq!(stale_in("x.md", "`docs/DESIGN.md`\n", &there), vec![]);
    }
}
