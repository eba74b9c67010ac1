//! The fence lines of a file, read two ways: as CommonMark pairs them, and as
//! the author plainly wrote them (a stack: an info string opens, a bare fence
//! closes). Where the two readings part is a mis-nesting; the fence rules
//! report it and the fence fix repairs it, so both read the same fences here.
//!
//! A line scan, not comrak: comrak tells where a block ended, never which
//! fence the author meant to end it, and that is what both callers need.

/// A fence line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// 1-based line.
    pub line: usize,
    /// `` ` `` or `~`.
    pub ch: char,
    /// Length of the run.
    pub len: usize,
    /// Whether an info string follows the run (such a fence only opens).
    pub info: bool,
    /// Byte offset just after the run.
    pub run_end: usize,
}

impl Fence {
    /// Whether this fence closes a block opened by `open` (CommonMark: same
    /// character, at least as long, no info string).
    pub fn closes(&self, open: &Fence) -> bool {
        !self.info && self.ch == open.ch && self.len >= open.len
    }
}

/// The fence lines of `src`, in order (at most three spaces of indent; a
/// backtick run followed by a backtick in its info string is not a fence).
pub fn fence_lines(src: &super::Source) -> Vec<Fence> {
    let mut out = Vec::new();
    let bytes = src.text.as_bytes();
    for line in 1..=src.line_count() {
        let mut base = src.line_start(line);
        // Most lines start with neither a fence character nor a few spaces
        // before one: told from their first bytes, without taking the line's
        // text (every line of every file comes here, several times a run).
        let from = if line == 1 && bytes[base..].starts_with("\u{feff}".as_bytes()) {
            base + '\u{feff}'.len_utf8()
        } else {
            base
        };
        let lead = bytes[from..]
            .iter()
            .take(4)
            .take_while(|&&b| b == b' ')
            .count();
        if !matches!(bytes.get(from + lead), Some(b'`' | b'~')) {
            continue;
        }
        let mut text = src.line_text(line);
        if line == 1 {
            if let Some(t) = text.strip_prefix('\u{feff}') {
                text = t;
                base += '\u{feff}'.len_utf8();
            }
        }
        let indent = text.len() - text.trim_start_matches(' ').len();
        if indent > 3 {
            continue;
        }
        let rest = &text[indent..];
        let Some(ch) = rest.chars().next().filter(|c| *c == '`' || *c == '~') else {
            continue;
        };
        let len = rest.chars().take_while(|&c| c == ch).count();
        if len < 3 {
            continue;
        }
        let info = rest[len..].trim();
        if ch == '`' && info.contains('`') {
            continue;
        }
        out.push(Fence {
            line,
            ch,
            len,
            info: !info.is_empty(),
            run_end: base + indent + len,
        });
    }
    out
}

/// The fence lines of `doc` that stand at the top level: those inside a list,
/// a block quote, a footnote or front matter belong to their container (where
/// indentation decides what closes what) and are left out, as comrak's
/// top-level blocks leave them out.
pub fn top_level(doc: &super::Document) -> Vec<Fence> {
    use super::BlockKind as K;
    let held: Vec<(usize, usize)> = doc
        .blocks
        .iter()
        .filter(|b| {
            matches!(
                b.kind,
                K::List | K::BlockQuote | K::FootnoteDefinition | K::FrontMatter
            )
        })
        .map(|b| (b.line(), b.end_line()))
        .collect();
    let is_held = within(held);
    fence_lines(&doc.source)
        .into_iter()
        .filter(|f| !is_held(f.line))
        .collect()
}

/// Whether a line lies in one of the inclusive `ranges`, by a binary search
/// rather than a scan of every range per line (a long file has thousands of
/// lists): sorted by start, each range's end raised to the furthest end so
/// far, the last range starting at or before a line holds it if any does.
fn within(mut ranges: Vec<(usize, usize)>) -> impl Fn(usize) -> bool {
    ranges.sort_unstable();
    let mut reach = 0;
    for r in &mut ranges {
        reach = reach.max(r.1);
        r.1 = reach;
    }
    move |line| {
        let k = ranges.partition_point(|&(a, _)| a <= line);
        k > 0 && line <= ranges[k - 1].1
    }
}

/// What CommonMark makes of one fence line (indexes into the fence list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// It opens a block, closed by that fence (`None`: open to the end of the file).
    Open(Option<usize>),
    /// It closes the block opened by that fence.
    Close(usize),
    /// It is text inside the block opened by that fence.
    Inside(usize),
}

/// How CommonMark pairs `fs`, one role per fence.
pub fn commonmark(fs: &[Fence]) -> Vec<Role> {
    let mut roles = vec![Role::Open(None); fs.len()];
    let mut open: Option<usize> = None;
    for (i, f) in fs.iter().enumerate() {
        match open {
            Some(o) if f.closes(&fs[o]) => {
                roles[o] = Role::Open(Some(i));
                roles[i] = Role::Close(o);
                open = None;
            }
            Some(o) => roles[i] = Role::Inside(o),
            None => open = Some(i),
        }
    }
    roles
}

/// A stretch of the fences, as the author wrote them (indexes into the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A block that holds an opener its own closer kind would end, and whose
    /// fences pair as a stack from `open` to `close`: every (opener, closer)
    /// pair, inner ones first. CommonMark closes it early.
    Nest {
        open: usize,
        close: usize,
        pairs: Vec<(usize, usize)>,
    },
    /// A block that holds such an opener, whose fences pair as a stack two ways:
    /// the bare fence at `close` may close it, or open a block of its own with
    /// a later fence closing the outer one (a bare fence opens as well as
    /// closes). Which the author meant is a guess.
    Either { open: usize, close: usize },
    /// A block that holds such an opener, but from `open` on the fences do not
    /// pair as a stack: the block opened at `unclosed` never closes.
    Tangle { open: usize, unclosed: usize },
    /// A block open at the end of the file, with no inner opener to explain it.
    Open { open: usize },
}

/// Read `fs` as CommonMark does until a block holds an opener (a fence with an
/// info string) that the block's own closer would end; from there read them as
/// a stack. Reading stops at the first [`Piece::Tangle`]: past it, where the
/// author's blocks end is a guess.
pub fn read(fs: &[Fence]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < fs.len() {
        let Some(o) = open else {
            open = Some(i);
            i += 1;
            continue;
        };
        let (f, of) = (&fs[i], &fs[o]);
        if f.ch == of.ch && f.len >= of.len {
            if !f.info {
                open = None;
                i += 1;
                continue;
            }
            match stack(fs, o) {
                Ok((close, _)) if either(fs, o, close) => {
                    out.push(Piece::Either { open: o, close });
                    return out;
                }
                Ok((close, pairs)) => {
                    out.push(Piece::Nest {
                        open: o,
                        close,
                        pairs,
                    });
                    open = None;
                    i = close + 1;
                }
                Err(unclosed) => {
                    out.push(Piece::Tangle { open: o, unclosed });
                    return out;
                }
            }
            continue;
        }
        i += 1;
    }
    if let Some(o) = open {
        out.push(Piece::Open { open: o });
    }
    out
}

/// Whether the bare fence `close` that pairs `o` as a stack may as well open a
/// block of its own: the very next fence would close that block and the
/// fences after it still pair to the end of the file. (A bare block that held
/// fenced code would be a mis-nesting itself, so only a block with no fence
/// inside counts as another reading.)
fn either(fs: &[Fence], o: usize, close: usize) -> bool {
    fs.get(close + 1).is_some_and(|n| n.closes(&fs[close]))
        && pairs_to_end(fs, &[o, close], close + 1)
}

/// Whether the fences from `from` on, read as a stack that already holds the
/// openers `open`, pair to the end of the file (a bare fence closes the block
/// on top when it can, and opens one otherwise).
fn pairs_to_end(fs: &[Fence], open: &[usize], from: usize) -> bool {
    let mut st = open.to_vec();
    for (j, f) in fs.iter().enumerate().skip(from) {
        match st.last() {
            Some(&top) if f.closes(&fs[top]) => {
                st.pop();
            }
            _ => st.push(j),
        }
    }
    st.is_empty()
}

/// Pair the fences from `o` on as a stack: the index of the fence that closes
/// `o` and every pair, inner ones first; or the fence left open.
fn stack(fs: &[Fence], o: usize) -> Result<(usize, Vec<(usize, usize)>), usize> {
    let mut st = vec![o];
    let mut pairs = Vec::new();
    for (j, f) in fs.iter().enumerate().skip(o + 1) {
        let Some(&top) = st.last() else { break };
        if f.closes(&fs[top]) {
            st.pop();
            pairs.push((top, j));
            if st.is_empty() {
                return Ok((j, pairs));
            }
        } else {
            st.push(j);
        }
    }
    Err(st.last().copied().unwrap_or(o))
}

/// The fences of a [`Piece::Nest`] that must grow for CommonMark to read its
/// `pairs` as nested: (index, new length), in order. Each pair that holds
/// fences of its own character gets one more than the longest of them.
pub fn lengthened(fs: &[Fence], pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut len: Vec<usize> = fs.iter().map(|f| f.len).collect();
    for &(a, b) in pairs {
        let inner = (a + 1..b)
            .filter(|&k| fs[k].ch == fs[a].ch)
            .map(|k| len[k])
            .max();
        if let Some(m) = inner {
            let want = fs[a].len.max(m + 1);
            len[a] = want;
            len[b] = fs[b].len.max(want);
        }
    }
    (0..fs.len())
        .filter(|&k| len[k] > fs[k].len)
        .map(|k| (k, len[k]))
        .collect()
}

/// "lines 6113 and 6165 to ````", grouped by the new fence.
pub fn describe_lengthened(fs: &[Fence], grown: &[(usize, usize)]) -> String {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for &(k, len) in grown {
        let fence = fs[k].ch.to_string().repeat(len);
        match groups.iter_mut().find(|g| g.0 == fence) {
            Some(g) => g.1.push(fs[k].line),
            None => groups.push((fence, vec![fs[k].line])),
        }
    }
    let said: Vec<String> = groups
        .iter()
        .map(|(fence, lines)| {
            let l: Vec<String> = lines.iter().map(usize::to_string).collect();
            let l = match l.len() {
                1 => format!("line {}", l[0]),
                _ => format!(
                    "lines {} and {}",
                    l[..l.len() - 1].join(", "),
                    l[l.len() - 1]
                ),
            };
            format!("{l} to {fence}")
        })
        .collect();
    said.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use std::path::Path;

    fn lines_of(text: &str) -> (Vec<Fence>, Vec<usize>) {
        let fs = fence_lines(&Source::new(Path::new("a.md"), text.to_string()));
        let lines = fs.iter().map(|f| f.line).collect();
        (fs, lines)
    }

    #[test]
    fn commonmark_pairs_an_info_opener_with_the_next_bare_fence() {
        let (fs, lines) = lines_of("```markdown\n```bash\nls\n```\n```\n");
        assert_eq!(lines, vec![1, 2, 4, 5]);
        let r = commonmark(&fs);
        assert_eq!(
            r,
            vec![
                Role::Open(Some(2)),
                Role::Inside(0),
                Role::Close(0),
                Role::Open(None)
            ]
        );
    }

    #[test]
    fn a_mis_nesting_pairs_as_a_stack() {
        let (fs, _) = lines_of("```markdown\n```bash\nls\n```\n```\n\n```bash\nx\n```\n");
        assert_eq!(
            read(&fs),
            vec![Piece::Nest {
                open: 0,
                close: 3,
                pairs: vec![(1, 2), (0, 3)]
            }]
        );
    }

    #[test]
    fn a_bare_fence_that_may_close_or_open_makes_the_nesting_a_guess() {
        // Line 5 may close the markdown block (then 7/9 are a block) or open
        // one closed at 7 (then 9 closes the markdown block): both pair.
        let (fs, _) = lines_of("```markdown\n```bash\nls\n```\n```\nout\n```\nx\n```\n");
        assert_eq!(read(&fs), vec![Piece::Either { open: 0, close: 3 }]);
    }

    #[test]
    fn a_missing_closer_is_a_tangle_and_a_plain_open_block_is_open() {
        let (fs, _) = lines_of("```rust\nfn a() {}\n\n## Next\n```rust\nb\n```\n");
        assert_eq!(
            read(&fs),
            vec![Piece::Tangle {
                open: 0,
                unclosed: 0
            }]
        );
        let (fs, _) = lines_of("```bash\nls\n```\n\n```yaml\na: 1\n");
        assert_eq!(read(&fs), vec![Piece::Open { open: 2 }]);
    }

    #[test]
    fn near_miss_longer_outer_fences_and_backticks_in_info() {
        let (fs, _) = lines_of("````markdown\n```bash\nls\n```\n````\n``` a`b\n");
        assert_eq!(fs.len(), 4);
        assert!(read(&fs).is_empty());
    }

    /// The fence lines as read from each line's whole text (how they were
    /// found before the first-bytes test): what [`fence_lines`] must give.
    fn by_whole_lines(src: &Source) -> Vec<(usize, char, usize, bool, usize)> {
        let mut out = Vec::new();
        for line in 1..=src.line_count() {
            let mut text = src.line_text(line);
            let mut base = src.line_start(line);
            if line == 1 {
                if let Some(t) = text.strip_prefix('\u{feff}') {
                    text = t;
                    base += 3;
                }
            }
            let indent = text.len() - text.trim_start_matches(' ').len();
            let rest = &text[indent..];
            let Some(ch) = rest.chars().next().filter(|c| *c == '`' || *c == '~') else {
                continue;
            };
            let len = rest.chars().take_while(|&c| c == ch).count();
            let info = rest[len..].trim();
            if indent > 3 || len < 3 || (ch == '`' && info.contains('`')) {
                continue;
            }
            out.push((line, ch, len, !info.is_empty(), base + indent + len));
        }
        out
    }

    proptest::proptest! {
        /// Fence lines told from their first bytes are those read from the
        /// whole line, whatever the indent, endings and a leading BOM.
        #[test]
        fn first_bytes_find_the_fences_whole_lines_do(
            text in "(\u{feff})?([ `~a\u{e9}]{0,7}(\n|\r\n|\r)){0,8}[ `~a]{0,6}"
        ) {
            let src = Source::new(Path::new("a.md"), text.clone());
            let got: Vec<_> = fence_lines(&src)
                .iter()
                .map(|f| (f.line, f.ch, f.len, f.info, f.run_end))
                .collect();
            proptest::prop_assert_eq!(got, by_whole_lines(&src), "{:?}", text);
        }
    }

    proptest::proptest! {
        /// The binary search answers as a scan of every range does, for
        /// ranges in any order, nested, overlapping or empty.
        #[test]
        fn within_is_any_range(
            ranges in proptest::collection::vec((0usize..40, 0usize..40), 0..8),
            line in 0usize..45,
        ) {
            let scan = ranges.iter().any(|&(a, z)| a <= line && line <= z);
            proptest::prop_assert_eq!(within(ranges)(line), scan);
        }
    }
}
