//! Fixes for `fence.suspicious` and `fence.unclosed` (safe when unambiguous).
//!
//! The fence lines of a file are read as CommonMark reads them until a block
//! holds an opener (a fence with an info string) that the block's own closer
//! would end: from there they are read as a stack, the way the author wrote
//! them (an info string opens, a bare fence closes). When every fence of that
//! stretch pairs, each pair that holds fences of its own kind is lengthened to
//! one more backtick (or tilde) than the longest of them, which is what makes
//! CommonMark read it as meant. When they do not pair, there is no fix, and
//! the finding says why. A block still open at the end of the file is closed
//! there only when no heading-like line follows its opener (so closing it
//! changes nothing but the fence).
//!
//! The edits of a file are checked together: the file is parsed again with them
//! and must show no fence finding inside what was repaired and no new one
//! elsewhere; otherwise no fence of the file is touched.

use std::collections::HashSet;

use super::{Edit, Fix, Found, Safety, Unfixable};
use crate::analysis::{self, Input};
use crate::config::Config;
use crate::finding::Finding;
use crate::model::{Document, Source};

/// A fence line.
#[derive(Debug, Clone)]
struct Fence {
    /// 1-based line.
    line: usize,
    /// `` ` `` or `~`.
    ch: char,
    /// Length of the run.
    len: usize,
    /// Whether an info string follows the run (such a fence only opens).
    info: bool,
    /// Byte offset just after the run.
    run_end: usize,
}

/// The fence lines of a file, in order.
fn fences(src: &Source) -> Vec<Fence> {
    let mut out = Vec::new();
    for line in 1..=src.line_count() {
        let mut text = src.line_text(line);
        let mut base = src.line_start(line);
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

/// A stretch of the file, as the scan reads it.
#[derive(Debug, Clone)]
enum Piece {
    /// Fences that pair as a stack from `start` to `end` (lines), with the edits
    /// that lengthen the outer ones.
    Nest {
        start: usize,
        end: usize,
        edits: Vec<Edit>,
        message: String,
    },
    /// From `start` on, the fences do not pair: nothing there is repaired.
    Tangle { start: usize, reason: String },
    /// A block opened at `line` and open at the end of the file.
    Open {
        line: usize,
        edit: Option<Edit>,
        reason: Option<String>,
    },
}

/// Read the fences of `src` (see the module doc).
fn scan(src: &Source, fs: &[Fence]) -> Vec<Piece> {
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
            // An inner opener that the outer block's closer kind would end.
            match stack(fs, o) {
                Ok((end, pairs)) => {
                    out.push(nest(fs, o, end, &pairs));
                    open = None;
                    i = end + 1;
                }
                Err(reason) => {
                    out.push(Piece::Tangle {
                        start: of.line,
                        reason,
                    });
                    return out;
                }
            }
            continue;
        }
        i += 1;
    }
    if let Some(o) = open {
        out.push(open_at_end(src, &fs[o]));
    }
    out
}

/// Pair the fences from `o` on as a stack: the index of the fence that closes
/// `o` and every pair (opener, closer), inner ones first.
fn stack(fs: &[Fence], o: usize) -> Result<(usize, Vec<(usize, usize)>), String> {
    let mut st = vec![o];
    let mut pairs = Vec::new();
    for (j, f) in fs.iter().enumerate().skip(o + 1) {
        let Some(&top) = st.last() else { break };
        let t = &fs[top];
        if !f.info && f.ch == t.ch && f.len >= t.len {
            st.pop();
            pairs.push((top, j));
            if st.is_empty() {
                return Ok((j, pairs));
            }
        } else {
            st.push(j);
        }
    }
    let last = st.last().map_or(fs[o].line, |&k| fs[k].line);
    Err(format!(
        "read as a stack (an info string opens, a bare fence closes), the fences from line {} do not pair: the block opened at line {last} is never closed, so where the nesting was meant to end is not clear",
        fs[o].line
    ))
}

/// The edits that make CommonMark read the pairs of `fs[o..=end]` as nested.
fn nest(fs: &[Fence], o: usize, end: usize, pairs: &[(usize, usize)]) -> Piece {
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
    let mut edits = Vec::new();
    let mut grown: Vec<(usize, String)> = Vec::new();
    for k in o..=end {
        let f = &fs[k];
        if len[k] > f.len {
            edits.push(Edit {
                range: f.run_end..f.run_end,
                text: f.ch.to_string().repeat(len[k] - f.len),
            });
            grown.push((f.line, f.ch.to_string().repeat(len[k])));
        }
    }
    // "lines 6113 and 6165 to ````", grouped by the new fence.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (line, fence) in grown {
        match groups.iter_mut().find(|g| g.0 == fence) {
            Some(g) => g.1.push(line),
            None => groups.push((fence, vec![line])),
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
    Piece::Nest {
        start: fs[o].line,
        end: fs[end].line,
        edits,
        message: format!(
            "lengthen the fences at {}, so the fences nested inside cannot close them",
            said.join("; ")
        ),
    }
}

/// A line a Markdown reader would take for an ATX heading (not a `#!` line).
fn heading_like(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 || t.starts_with("#!") {
        return false;
    }
    let n = t.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&n) && t[n..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
}

/// A block open at the end of the file: closed there when that changes nothing
/// but the fence.
fn open_at_end(src: &Source, f: &Fence) -> Piece {
    let no = |reason: String| Piece::Open {
        line: f.line,
        edit: None,
        reason: Some(reason),
    };
    if !f.info {
        return no(
            "its fence has no info string, so it is probably meant to close a block that ended earlier: pair it or delete it by hand".to_string(),
        );
    }
    let heads: Vec<usize> = (f.line + 1..=src.line_count())
        .filter(|&l| heading_like(src.line_text(l)))
        .collect();
    if let Some(&first) = heads.first() {
        return no(format!(
            "{} heading-like line{} follow{} it (the first at line {first}), so where the block was meant to end is not clear: close it by hand",
            heads.len(),
            if heads.len() == 1 { "" } else { "s" },
            if heads.len() == 1 { "s" } else { "" },
        ));
    }
    let text = &src.text;
    let fence = f.ch.to_string().repeat(f.len);
    let ends = text.ends_with('\n') || text.ends_with('\r');
    let add = if ends {
        format!("{fence}{}", src.newline)
    } else {
        format!("{}{fence}", src.newline)
    };
    Piece::Open {
        line: f.line,
        edit: Some(Edit {
            range: text.len()..text.len(),
            text: add,
        }),
        reason: None,
    }
}

/// The fence rules' findings on a file read on its own, as (rule, line).
fn fence_findings(cfg: &Config, input: &Input) -> Vec<(&'static str, usize)> {
    analysis::rules_on(
        cfg,
        input.rel,
        input.doc,
        &["fence.suspicious", "fence.unclosed"],
    )
    .into_iter()
    .map(|f| (f.rule, f.line))
    .collect()
}

/// The fixes for the fence findings of one file.
pub(super) fn fixes(
    cfg: &Config,
    input: &Input,
    path: &str,
    findings: &[&Finding],
    verify: bool,
    out: &mut Found,
) {
    let src = &input.doc.source;
    let fs = fences(src);
    let pieces = scan(src, &fs);
    // Every edit of the file, checked together.
    let edits: Vec<Edit> = pieces
        .iter()
        .flat_map(|p| match p {
            Piece::Nest { edits, .. } => edits.clone(),
            Piece::Open { edit: Some(e), .. } => vec![e.clone()],
            _ => Vec::new(),
        })
        .collect();
    let failed = (verify && !edits.is_empty())
        .then(|| check(cfg, input, &edits, &pieces))
        .flatten();
    let unfixable = |f: &Finding, reason: String| Unfixable {
        rule: f.rule,
        path: path.to_string(),
        line: f.line,
        reason,
    };
    let mut used: HashSet<usize> = HashSet::new();
    for f in findings {
        if let Some(reason) = &failed {
            out.unfixable.push(unfixable(f, reason.clone()));
            continue;
        }
        let at = pieces.iter().enumerate().find(|(_, p)| match p {
            Piece::Nest { start, end, .. } => (*start..=*end).contains(&f.line),
            Piece::Tangle { start, .. } => f.line >= *start,
            Piece::Open { line, .. } => *line == f.line,
        });
        match at {
            Some((k, Piece::Nest { edits, message, .. })) => {
                if used.insert(k) {
                    out.fixes.push(Fix {
                        rule: f.rule,
                        path: input.rel.to_path_buf(),
                        line: f.line,
                        safety: Safety::Safe,
                        message: message.clone(),
                        edits: edits.clone(),
                    });
                }
            }
            Some((_, Piece::Tangle { reason, .. })) => {
                out.unfixable.push(unfixable(f, reason.clone()));
            }
            Some((k, Piece::Open { edit, reason, line })) => match (edit, reason) {
                (Some(e), _) => {
                    if used.insert(k) {
                        out.fixes.push(Fix {
                            rule: f.rule,
                            path: input.rel.to_path_buf(),
                            line: f.line,
                            safety: Safety::Safe,
                            message: format!(
                                "close the block opened at line {line} at the end of the file"
                            ),
                            edits: vec![e.clone()],
                        });
                    }
                }
                (None, Some(r)) => out.unfixable.push(unfixable(f, r.clone())),
                (None, None) => {}
            },
            None => out.unfixable.push(unfixable(
                f,
                "read as a stack (an info string opens, a bare fence closes), the fences here pair as CommonMark pairs them, so there is no nesting to repair".to_string(),
            )),
        }
    }
}

/// Parse the file with `edits` applied; `None` when no fence finding is left
/// inside what they repair and none is new elsewhere, else why not.
fn check(cfg: &Config, input: &Input, edits: &[Edit], pieces: &[Piece]) -> Option<String> {
    let fix = Fix {
        rule: "fence.suspicious",
        path: input.rel.to_path_buf(),
        line: 0,
        safety: Safety::Safe,
        message: String::new(),
        edits: edits.to_vec(),
    };
    let (text, applied, _) = super::apply(&input.doc.source.text, &[&fix]);
    if applied.is_empty() {
        return Some("the repairs overlap".to_string());
    }
    let before: HashSet<(&str, usize)> = fence_findings(cfg, input).into_iter().collect();
    let doc = Document::parse(Source::new(input.rel, text));
    let after = fence_findings(
        cfg,
        &Input {
            rel: input.rel,
            doc: &doc,
        },
    );
    let repaired = |line: usize| {
        pieces.iter().any(|p| match p {
            Piece::Nest { start, end, .. } => (*start..=*end).contains(&line),
            Piece::Open {
                line: l,
                edit: Some(_),
                ..
            } => line >= *l,
            _ => false,
        })
    };
    after
        .iter()
        .find(|(rule, line)| repaired(*line) || !before.contains(&(*rule, *line)))
        .map(|(rule, line)| {
            format!("the repair was checked and would still leave {rule} at line {line}, so the fences are left as they are")
        })
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;
    use crate::fix::tests::{diff_lines, fix_text};

    #[test]
    fn lengthens_the_outer_pair_of_a_mis_nested_block() {
        let text =
            "# A\n\n```markdown\n# Runbook\n```bash\nls\n```\n\n## Leaked\n\n```\n\n## After\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(found.fixes[0].rule, "fence.suspicious");
        assert!(
            found.fixes[0].message.contains("lines 3 and 11 to ````"),
            "{}",
            found.fixes[0].message
        );
        assert_eq!(
            diff_lines(text, &fixed[0]),
            vec![(3, "````markdown".to_string()), (11, "````".to_string())]
        );
        assert!(run_rule("fence.suspicious", &[("a.md", &fixed[0])]).is_empty());
        assert!(run_rule("fence.unclosed", &[("a.md", &fixed[0])]).is_empty());
        // Fixed once, there is nothing left to fix.
        let (_, again) = fix_text(&[("a.md", &fixed[0])], false);
        assert!(again.fixes.is_empty(), "{again:?}");
    }

    #[test]
    fn nests_two_levels_and_keeps_crlf_and_bom() {
        let text = "\u{feff}# A\r\n\r\n```markdown\r\n```yaml\r\n```bash\r\nls\r\n```\r\n```\r\n```\r\n\r\n## B\r\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(
            fixed[0],
            "\u{feff}# A\r\n\r\n`````markdown\r\n````yaml\r\n```bash\r\nls\r\n```\r\n````\r\n`````\r\n\r\n## B\r\n"
        );
    }

    #[test]
    fn a_tangle_is_not_fixed_and_says_why() {
        // The inner bash block is never closed: the stack does not pair.
        let text = "```markdown\n```bash\nls\n```\n\n## Leaked\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
        assert!(
            found
                .unfixable
                .iter()
                .any(|u| u.rule == "fence.suspicious" && u.reason.contains("do not pair")),
            "{found:?}"
        );
    }

    #[test]
    fn closes_an_open_block_only_when_nothing_follows_that_it_would_hide() {
        let text = "# A\n\n```bash\nls\necho done";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(fixed[0], "# A\n\n```bash\nls\necho done\n```");
        // A heading after it: where the block ends is a guess.
        let text = "# A\n\n```bash\nls\n\n## Next\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
        assert!(
            found.unfixable[0].reason.contains("heading-like"),
            "{found:?}"
        );
        // A bare fence left open is a stray closer, not a block to close.
        let text = "# A\n\n```\n";
        let (_, found) = fix_text(&[("a.md", text)], false);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert!(found.unfixable[0].reason.contains("no info string"));
    }

    #[test]
    fn near_miss_fences_that_already_nest_are_left_alone() {
        let text = "````markdown\n```bash\nls\n```\n````\n\n~~~\n```\n~~~\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert!(
            found.fixes.is_empty() && found.unfixable.is_empty(),
            "{found:?}"
        );
        assert_eq!(fixed[0], text);
    }
}
