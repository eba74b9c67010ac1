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
use crate::model::fences::{self, Fence, Piece as Read};
use crate::model::{Document, Source};

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
    fences::read(fs)
        .into_iter()
        .map(|p| match p {
            Read::Nest { open, close, pairs } => nest(fs, open, close, &pairs),
            Read::Tangle { open, unclosed } => Piece::Tangle {
                start: fs[open].line,
                reason: format!(
                    "read as a stack (an info string opens, a bare fence closes), the fences from line {} do not pair: the block opened at line {} is never closed, so where the nesting was meant to end is not clear",
                    fs[open].line, fs[unclosed].line
                ),
            },
            Read::Either { open, close } => Piece::Tangle {
                start: fs[open].line,
                reason: format!(
                    "read as a stack (an info string opens, a bare fence closes), the fences from line {} pair two ways: the bare fence at line {} may close the block or open one of its own, so where the block was meant to end is not clear",
                    fs[open].line, fs[close].line
                ),
            },
            Read::Open { open } => open_at_end(src, &fs[open]),
        })
        .collect()
}

/// The edits that make CommonMark read the pairs of `fs[o..=end]` as nested.
fn nest(fs: &[Fence], o: usize, end: usize, pairs: &[(usize, usize)]) -> Piece {
    let grown = fences::lengthened(fs, pairs);
    let edits = grown
        .iter()
        .map(|&(k, len)| Edit {
            range: fs[k].run_end..fs[k].run_end,
            text: fs[k].ch.to_string().repeat(len - fs[k].len),
        })
        .collect();
    Piece::Nest {
        start: fs[o].line,
        end: fs[end].line,
        edits,
        message: format!(
            "lengthen the fences at {}, so the fences nested inside cannot close them",
            fences::describe_lengthened(fs, &grown)
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
    let swallowed = analysis::fence_reading::swallowed(input.doc);
    if !swallowed.is_empty() {
        // A blank line moves every line below it: the fence pairs are read
        // again, and repaired, in the next round.
        swallow_fixes(cfg, input, path, findings, &swallowed, verify, out);
        return;
    }
    let fs = fences::top_level(input.doc);
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
            // A stray fence further up is named as the culprit of a bare
            // fence left open at the end.
            Piece::Open { line, .. } => {
                *line == f.line || (f.rule == "fence.unclosed" && f.line < *line)
            }
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

/// The fixes for a file whose HTML blocks swallow opening fences: a blank
/// line before each such fence ends the HTML block there, so the fence opens
/// a code block. Checked by parsing the file again: no HTML block may swallow
/// a fence and no fence finding may be new.
fn swallow_fixes(
    cfg: &Config,
    input: &Input,
    path: &str,
    findings: &[&Finding],
    swallowed: &[analysis::fence_reading::Swallow],
    verify: bool,
    out: &mut Found,
) {
    let src = &input.doc.source;
    let fixes: Vec<Fix> = swallowed
        .iter()
        .filter_map(|s| {
            let f = findings.iter().find(|f| f.line == s.fence)?;
            let at = src.line_start(s.fence);
            Some(Fix {
                rule: f.rule,
                path: input.rel.to_path_buf(),
                line: s.fence,
                safety: Safety::Safe,
                message: format!(
                    "insert a blank line before line {}, so the HTML block above ends there and the fence opens a code block",
                    s.fence
                ),
                edits: vec![Edit {
                    range: at..at,
                    text: super::terminator(src, s.fence - 1).to_string(),
                }],
            })
        })
        .collect();
    let failed = (verify && !fixes.is_empty())
        .then(|| {
            let refs: Vec<&Fix> = fixes.iter().collect();
            let (text, applied, _) = super::apply(&src.text, &refs);
            let doc = Document::parse(Source::new(input.rel, text));
            let before = fence_findings(cfg, input).len();
            let after = fence_findings(cfg, &Input { rel: input.rel, doc: &doc }).len();
            let still = analysis::fence_reading::swallowed(&doc).len();
            (applied.len() != fixes.len() || still > 0 || after >= before).then(|| {
                "the blank line was checked and would not end the HTML block before the fence, so the file is left as it is".to_string()
            })
        })
        .flatten();
    for f in findings {
        let mine = fixes.iter().find(|x| x.line == f.line);
        match (mine, &failed) {
            (Some(x), None) => out.fixes.push(x.clone()),
            (Some(_), Some(reason)) => out.unfixable.push(Unfixable {
                rule: f.rule,
                path: path.to_string(),
                line: f.line,
                reason: reason.clone(),
            }),
            (None, _) => out.unfixable.push(Unfixable {
                rule: f.rule,
                path: path.to_string(),
                line: f.line,
                reason: "an HTML block in the file swallows a fence: that is repaired first, and the fences are read again after".to_string(),
            }),
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
        // The outer closer at 11 is left open to the end: an unclosed block.
        assert_eq!(found.fixes[0].rule, "fence.unclosed");
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

    #[test]
    fn a_blank_line_frees_a_fence_an_html_block_swallowed() {
        let text = "# Plan\r\n\r\n<tasks>\r\n<action>\r\n```bash\r\n# install\r\n\r\n# build\r\n```\r\n</action>\r\n</tasks>\r\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(
            fixed[0],
            "# Plan\r\n\r\n<tasks>\r\n<action>\r\n\r\n```bash\r\n# install\r\n\r\n# build\r\n```\r\n</action>\r\n</tasks>\r\n"
        );
        assert!(run_rule("fence.unclosed", &[("a.md", &fixed[0])]).is_empty());
        assert!(run_rule("fence.suspicious", &[("a.md", &fixed[0])]).is_empty());
    }

    #[test]
    fn a_nesting_that_pairs_two_ways_is_not_fixed() {
        // Found on a real plan: the bare fence at 6 may close the markdown
        // block or open an output block; lengthening 1 and 6 would hide 10.
        let text = "```markdown\n# Guide\n```bash\nls\n```\n```\nout\n```\n\n## Tail\n\n```\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
        assert!(
            found
                .unfixable
                .iter()
                .any(|u| u.reason.contains("pair two ways")),
            "{found:?}"
        );
    }
}
