//! What went wrong with a file's fences, one trouble per cause, for the two
//! fence rules: a mis-nesting (a block closed early by its inner fence), a
//! missing closer, a stray fence that shifts every pair after it, an HTML
//! block that swallows an opening fence. Each trouble is reported once, at
//! the line that caused it (the culprit), under `fence.unclosed` when it leaves
//! a block open to the end of the file and `fence.suspicious` otherwise; what
//! it does further down (a stray block, leaked or hidden headings) is its
//! evidence, not a finding of its own.

use std::collections::HashSet;
use std::ops::RangeInclusive;

use super::facts::at;
use super::fence_unclosed::heading_like;
use super::FileFacts;
use crate::model::fences::{self, Fence, Piece, Role};
use crate::model::{BlockKind, Document};

/// One cause of fence trouble, ready to be a finding.
#[derive(Debug, Clone)]
pub(super) struct Trouble {
    /// `fence.unclosed` or `fence.suspicious`.
    pub rule: &'static str,
    /// The culprit's line.
    pub line: usize,
    /// Last line it affects, when it runs to the end of the file.
    pub end_line: Option<usize>,
    pub message: String,
    pub evidence: Vec<String>,
    /// A nesting whose fences do not pair, or pair two ways: what it leaves
    /// open further down is its doing.
    tangled: bool,
}

/// An HTML block that holds an opening fence: an HTML block that starts with a
/// tag runs to the first blank line, so a fence inside it is HTML text, and
/// (when the code holds a blank line) its closer opens a stray block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swallow {
    /// First line of the HTML block.
    pub html_line: usize,
    /// Last line of the HTML block.
    pub html_end: usize,
    /// The swallowed opening fence's line.
    pub fence: usize,
    /// The fence meant to close it, if any.
    pub closer: Option<usize>,
}

/// Line ranges of the top-level HTML blocks that end at a blank line (they
/// start with a tag other than `<pre>`, `<script>`, `<style>`, `<textarea>`;
/// comments and the like end at their own marker and are left alone).
fn tag_blocks(doc: &Document) -> Vec<RangeInclusive<usize>> {
    doc.blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Html))
        .filter(|b| {
            let t = doc
                .source
                .line_text(b.line())
                .trim_start()
                .to_ascii_lowercase();
            let Some(rest) = t.strip_prefix('<') else {
                return false;
            };
            let name: String = rest
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            rest.trim_start_matches('/')
                .starts_with(|c: char| c.is_ascii_alphabetic())
                && !matches!(name.as_str(), "pre" | "script" | "style" | "textarea")
        })
        .map(|b| b.line()..=b.end_line())
        .collect()
}

/// The opening fences that HTML blocks of `doc` swallow.
pub fn swallowed(doc: &Document) -> Vec<Swallow> {
    let fs = fences::top_level(doc);
    swallowed_in(doc, &fs, &tag_blocks(doc))
}

fn swallowed_in(doc: &Document, fs: &[Fence], html: &[RangeInclusive<usize>]) -> Vec<Swallow> {
    let _ = doc;
    let mut out = Vec::new();
    for r in html {
        let Some(i) = fs.iter().position(|f| r.contains(&f.line) && f.info) else {
            continue;
        };
        let closer = fs[i + 1..]
            .iter()
            .find(|c| c.closes(&fs[i]))
            .map(|c| c.line);
        out.push(Swallow {
            html_line: *r.start(),
            html_end: *r.end(),
            fence: fs[i].line,
            closer,
        });
    }
    out
}

/// Every fence trouble of `file`.
pub(super) fn troubles(file: &FileFacts) -> Vec<Trouble> {
    let doc = file.doc;
    let total = file.lines();
    let all = fences::top_level(doc);
    let html = tag_blocks(doc);
    // CommonMark's reading, without the fences that HTML blocks swallow.
    let cm_fs: Vec<Fence> = all
        .iter()
        .filter(|f| !html.iter().any(|r| r.contains(&f.line)))
        .cloned()
        .collect();
    let cm = Cm::new(&cm_fs);
    let mut out = Vec::new();
    // Lines of fences whose CommonMark block a trouble already explains.
    let mut explained: HashSet<usize> = HashSet::new();

    for s in swallowed_in(doc, &all, &html) {
        out.push(swallow(file, &cm, &s, &mut explained));
    }
    let mut start = 0;
    while start < all.len() {
        let fs = &all[start..];
        let pieces = fences::read(fs);
        let mut next = all.len();
        for p in &pieces {
            match p {
                Piece::Nest { open, close, pairs } => {
                    if html.iter().any(|r| r.contains(&fs[*open].line)) {
                        continue;
                    }
                    out.push(nesting(file, &cm, fs, *open, *close, pairs));
                    explained.insert(fs[*close].line);
                }
                Piece::Tangle { open, unclosed } => {
                    out.extend(tangle(file, &cm, fs, *open, Some(*unclosed)));
                    next = after_cm_block(&cm, fs, *open, start, all.len());
                }
                Piece::Either { open, close } => {
                    if let Some(mut t) = tangle(file, &cm, fs, *open, None) {
                        t.evidence.push(format!(
                            "the bare fence at line {} may close it, or open a block of its own: lengthen the opener and the fence where the block ends by hand",
                            fs[*close].line
                        ));
                        out.push(t);
                    }
                    // Where that block ends is a guess, and so is every pair
                    // after it: read no further.
                }
                Piece::Open { .. } => {}
            }
        }
        start = next;
    }
    // Blocks left open to the end of the file that no trouble above explains.
    for b in &doc.blocks {
        let BlockKind::Code(c) = &b.kind else {
            continue;
        };
        if !c.fenced || c.closed || explained.contains(&b.line()) {
            continue;
        }
        // A bare fence left open after a nesting that does not pair, or pairs
        // two ways, is that nesting's doing.
        let blamed = out
            .iter_mut()
            .filter(|t| t.tangled && t.line < b.line())
            .last()
            .filter(|_| c.info.is_empty());
        if let Some(t) = blamed {
            t.rule = "fence.unclosed";
            t.end_line = Some(total);
            t.message.push_str(&format!(
                ", and the fence at line {} is left open to the end of the file (lines {}-{total} render as code)",
                b.line(),
                b.line() + 1
            ));
            let mut ev = Vec::new();
            hidden(file, b.line(), &mut t.message, &mut ev);
            t.evidence.extend(ev);
            continue;
        }
        out.push(open_block(file, &cm, b.line(), &c.info, total));
    }
    out.sort_by_key(|t| (t.line, t.rule));
    out
}

/// Where reading goes on after a block it could not pair: just after the
/// fence that CommonMark closes it with (an index into the whole list).
fn after_cm_block(cm: &Cm, fs: &[Fence], open: usize, start: usize, total: usize) -> usize {
    match cm.role(fs[open].line) {
        Some(Role::Open(Some(k))) => fs
            .iter()
            .position(|f| f.line == cm.fs[k].line)
            .map_or(total, |p| start + p + 1),
        _ => total,
    }
}

/// CommonMark's pairing of the fences it sees, looked up by line.
struct Cm<'a> {
    fs: &'a [Fence],
    roles: Vec<Role>,
}

impl<'a> Cm<'a> {
    fn new(fs: &'a [Fence]) -> Cm<'a> {
        Cm {
            fs,
            roles: fences::commonmark(fs),
        }
    }

    fn index(&self, line: usize) -> Option<usize> {
        self.fs.binary_search_by_key(&line, |f| f.line).ok()
    }

    fn role(&self, line: usize) -> Option<Role> {
        self.index(line).map(|i| self.roles[i])
    }

    /// What CommonMark makes of the fence at `line`, as a clause.
    fn fate(&self, file: &FileFacts, line: usize) -> Fate {
        match self.role(line) {
            Some(Role::Open(None)) => Fate::OpenToEnd,
            Some(Role::Open(Some(k))) => Fate::Said(format!(
                "opens a stray block that runs to line {}",
                self.fs[k].line
            )),
            Some(Role::Inside(o)) => Fate::Said(format!(
                "is read as text inside the block opened at line {}",
                self.fs[o].line
            )),
            Some(Role::Close(o)) => Fate::Said(format!(
                "closes the block opened at line {} instead",
                self.fs[o].line
            )),
            None => Fate::Said(format!("is read as HTML ({})", file.line(line).trim())),
        }
    }
}

/// How many hidden or leaked headings a finding names.
const MAX: usize = 12;

/// What CommonMark makes of a fence the author meant as a closer.
enum Fate {
    OpenToEnd,
    Said(String),
}

/// "…, hiding 5 headings" and their evidence, for lines after `from` to the end.
fn hidden(file: &FileFacts, from: usize, msg: &mut String, ev: &mut Vec<String>) {
    let total = file.lines();
    let heads = heading_like(file, from + 1, total);
    if !heads.is_empty() {
        msg.push_str(&format!(
            ", hiding {} heading{}",
            heads.len(),
            if heads.len() == 1 { "" } else { "s" }
        ));
    }
    for &l in heads.iter().take(MAX) {
        ev.push(format!("hidden heading {}", at(l, file.line(l))));
    }
    if heads.len() > MAX {
        ev.push(format!(
            "... and {} more hidden headings",
            heads.len() - MAX
        ));
    }
}

fn fence_text(f: &Fence, file: &FileFacts) -> String {
    file.line(f.line).trim().to_string()
}

/// A block closed early by the closer of a fence nested in it.
fn nesting(
    file: &FileFacts,
    cm: &Cm,
    fs: &[Fence],
    o: usize,
    c: usize,
    pairs: &[(usize, usize)],
) -> Trouble {
    let total = file.lines();
    let (of, cf) = (&fs[o], &fs[c]);
    let inner = (o + 1..c)
        .find(|&k| fs[k].info && fs[k].ch == of.ch && fs[k].len >= of.len)
        .unwrap_or(o + 1);
    let opener = fence_text(of, file);
    let mut ev = vec![format!(
        "inner fence {}",
        at(fs[inner].line, file.line(fs[inner].line))
    )];
    let mut msg = match cm.role(of.line) {
        Some(Role::Open(Some(k))) => {
            let k = cm.fs[k].line;
            ev.push(format!(
                "line {k}: {} meant to close the inner block closes the outer one",
                file.line(k).trim()
            ));
            let leaked = heading_like(file, k + 1, cf.line.saturating_sub(1));
            for &l in leaked.iter().take(MAX) {
                ev.push(format!("leaked heading {}", at(l, file.line(l))));
            }
            if leaked.len() > MAX {
                ev.push(format!("... and {} more leaked headings", leaked.len() - MAX));
            }
            let mut m = format!(
                "{opener} block holds an inner {} fence at line {}; the closer at line {k} ends the outer block",
                fence_text(&fs[inner], file),
                fs[inner].line
            );
            if cf.line > k + 1 {
                m.push_str(&format!(
                    ", lines {}-{} leak out as Markdown",
                    k + 1,
                    cf.line - 1
                ));
            }
            m
        }
        _ => format!(
            "{opener} block meant to run from line {} to line {} holds an inner {} fence at line {}; its opener {}",
            of.line,
            cf.line,
            fence_text(&fs[inner], file),
            fs[inner].line,
            match cm.fate(file, of.line) {
                Fate::Said(s) => s,
                Fate::OpenToEnd => "opens a block never closed".to_string(),
            }
        ),
    };
    let mut rule = "fence.suspicious";
    let mut end_line = None;
    match cm.fate(file, cf.line) {
        Fate::OpenToEnd => {
            rule = "fence.unclosed";
            end_line = Some(total);
            msg.push_str(&format!(
                ", so the outer closer at line {} opens a block that is never closed: lines {}-{total} render as code",
                cf.line,
                cf.line + 1
            ));
            ev.push(format!(
                "line {}: {} meant as the outer closer opens a block that runs to the end of the file",
                cf.line,
                file.line(cf.line).trim()
            ));
            hidden(file, cf.line, &mut msg, &mut ev);
        }
        Fate::Said(s) => {
            msg.push_str(&format!(", and the outer closer at line {} {s}", cf.line));
            ev.push(format!(
                "line {}: {} meant as the outer closer {s}",
                cf.line,
                file.line(cf.line).trim()
            ));
        }
    }
    let grown = fences::lengthened(fs, pairs);
    ev.push(format!(
        "read as a stack (an info string opens, a bare fence closes) the fences pair: lengthen {} so the inner ones cannot close it",
        fences::describe_lengthened(fs, &grown)
    ));
    Trouble {
        rule,
        line: of.line,
        end_line,
        message: msg,
        evidence: ev,
        tangled: false,
    }
}

/// A block holding an opener its own closer kind would end, whose fences do
/// not pair: most often a closer the author left out.
fn tangle(
    file: &FileFacts,
    cm: &Cm,
    fs: &[Fence],
    o: usize,
    unclosed: Option<usize>,
) -> Option<Trouble> {
    let of = &fs[o];
    let Some(Role::Open(Some(k))) = cm.role(of.line) else {
        return None;
    };
    let k = cm.fs[k].line;
    let inner =
        (o + 1..fs.len()).find(|&j| fs[j].info && fs[j].ch == of.ch && fs[j].len >= of.len)?;
    let il = fs[inner].line;
    let opener = fence_text(of, file);
    // Headings are what a Markdown example holds; in other code they mark
    // where the block was meant to end.
    let info = file
        .line(of.line)
        .trim()
        .trim_start_matches(of.ch)
        .trim()
        .to_ascii_lowercase();
    let prose = matches!(
        info.as_str(),
        "markdown" | "md" | "mdx" | "gfm" | "commonmark"
    );
    let heads = if prose {
        Vec::new()
    } else {
        heading_like(file, of.line + 1, il - 1)
    };
    let mut ev = vec![format!("inner fence {}", at(il, file.line(il)))];
    let message = if let Some(&h) = heads.first() {
        for &l in &heads {
            ev.push(format!("hidden heading {}", at(l, file.line(l))));
        }
        ev.push(format!(
            "close the block where its code ends, before line {h}"
        ));
        format!(
            "{opener} block is not closed before the heading at line {h}: the next {} fence, at line {il}, opens inside it and the bare fence at line {k} closes it, so lines {}-{k} render as code, hiding {} heading{}",
            fence_text(&fs[inner], file),
            of.line + 1,
            heads.len(),
            if heads.len() == 1 { "" } else { "s" }
        )
    } else {
        ev.push(format!(
            "line {k}: {} ends the outer block",
            file.line(k).trim()
        ));
        if let Some(u) = unclosed {
            ev.push(format!(
                "the block opened at line {} is never closed when the fences are read as written: find where it was meant to end",
                fs[u].line
            ));
        }
        format!(
            "{opener} block holds an inner {} fence at line {il}; its closer at line {k} ends the outer block",
            fence_text(&fs[inner], file)
        )
    };
    Some(Trouble {
        rule: "fence.suspicious",
        line: of.line,
        end_line: None,
        message,
        evidence: ev,
        tangled: true,
    })
}

/// An HTML block that swallows an opening fence.
fn swallow(file: &FileFacts, cm: &Cm, s: &Swallow, explained: &mut HashSet<usize>) -> Trouble {
    let total = file.lines();
    let tag = file.line(s.html_line).trim().to_string();
    let fence = file.line(s.fence).trim().to_string();
    let mut msg = format!(
        "the opening fence {fence} at line {} is swallowed by the HTML block that starts with {tag} at line {}",
        s.fence, s.html_line
    );
    let mut ev = vec![format!(
        "an HTML block that starts with a tag runs to the first blank line (here after line {}), so the fence inside it is HTML text, not the start of a code block",
        s.html_end
    )];
    let mut rule = "fence.suspicious";
    let mut end_line = None;
    match s.closer {
        Some(c) if c > s.html_end => {
            explained.insert(c);
            let leaked: Vec<usize> = heading_like(file, s.html_end + 1, c - 1);
            if c > s.html_end + 1 {
                msg.push_str(&format!(
                    ": lines {}-{} of its code render as Markdown",
                    s.html_end + 1,
                    c - 1
                ));
            }
            for l in leaked {
                ev.push(format!("code read as a heading {}", at(l, file.line(l))));
            }
            match cm.fate(file, c) {
                Fate::OpenToEnd => {
                    rule = "fence.unclosed";
                    end_line = Some(total);
                    msg.push_str(&format!(
                        ", and the fence at line {c} meant to close it opens a block that is never closed (lines {}-{total} render as code)",
                        c + 1
                    ));
                    hidden(file, c, &mut msg, &mut ev);
                }
                Fate::Said(x) => msg.push_str(&format!(
                    ", and the fence at line {c} meant to close it {x}"
                )),
            }
        }
        Some(c) => msg.push_str(&format!(
            ": the code up to its closer at line {c} renders as HTML text, not as code"
        )),
        None => {}
    }
    ev.push(format!(
        "put a blank line before line {} (after {}): the HTML block then ends there and the fence opens a code block",
        s.fence,
        file.line(s.fence - 1).trim()
    ));
    Trouble {
        rule,
        line: s.fence,
        end_line,
        message: msg,
        evidence: ev,
        tangled: false,
    }
}

/// A block open to the end of the file that no mis-nesting explains. A bare
/// fence left open is most often the result of a stray fence further up that
/// shifted every pair after it: that fence is the culprit when it can be named.
fn open_block(file: &FileFacts, cm: &Cm, line: usize, info: &str, total: usize) -> Trouble {
    let hidden_lines = total.saturating_sub(line);
    let fence_str = file.line(line).trim().to_string();
    let _ = info;
    let mut ev: Vec<String> = Vec::new();
    let bare = cm.index(line).is_some_and(|i| !cm.fs[i].info);
    // A fence with nothing but blank lines after it hides nothing: it is the
    // stray itself, not the sign of one further up (naming an earlier fence
    // there blamed a good opener and printed an empty range, "lines 11-10").
    let hides = (line + 1..=total).any(|l| !file.line(l).trim().is_empty());
    if bare && hides {
        if let Some((stray, prev)) = stray_before(cm, line) {
            let mut msg = format!(
                "the bare fence at line {stray} is probably a stray: it opens a block, which shifts every pair after it and leaves the fence at line {line} open to the end of the file (lines {}-{total} render as code)",
                line + 1
            );
            ev.push(format!(
                "line {stray}: {} opens a block (the block before it closed at line {prev}); without it, every fence pairs as written",
                file.line(stray).trim()
            ));
            ev.push(format!(
                "line {line}: {} is left open",
                file.line(line).trim()
            ));
            hidden(file, line, &mut msg, &mut ev);
            ev.push(format!(
                "delete the fence at line {stray} if it is a duplicate, and check the pairs from there on"
            ));
            return Trouble {
                rule: "fence.unclosed",
                line: stray,
                end_line: Some(total),
                message: msg,
                evidence: ev,
                tangled: false,
            };
        }
    }
    let mut msg = if hidden_lines == 0 {
        format!("code fence {fence_str} on the last line is never closed")
    } else {
        format!(
            "code fence {fence_str} opened here is never closed: the remaining {hidden_lines} line{} ({}-{total}) render as code",
            if hidden_lines == 1 { "" } else { "s" },
            line + 1
        )
    };
    if bare {
        ev.push(format!(
            "line {line}: {fence_str} has no info string, so it was probably meant to close a block that ended earlier"
        ));
    }
    hidden(file, line, &mut msg, &mut ev);
    Trouble {
        rule: "fence.unclosed",
        line,
        end_line: Some(total),
        message: msg,
        evidence: ev,
        tangled: false,
    }
}

/// The one bare fence before `line` whose removal makes every fence pair as
/// the author wrote them (nothing left open, no opener of a block's own kind
/// read as text inside it), with the line of the closer just before it. When
/// no fence, or more than one, would do that, the culprit is not named.
fn stray_before(cm: &Cm, line: usize) -> Option<(usize, usize)> {
    let end = cm.index(line)?;
    let pairs_without = |x: usize| {
        let rest: Vec<Fence> = cm
            .fs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != x)
            .map(|(_, f)| f.clone())
            .collect();
        let roles = fences::commonmark(&rest);
        roles.iter().enumerate().all(|(i, r)| match r {
            Role::Open(None) => false,
            Role::Inside(o) => {
                let (f, of) = (&rest[i], &rest[*o]);
                !(f.info && f.ch == of.ch && f.len >= of.len)
            }
            _ => true,
        })
    };
    let mut found = (0..end)
        .filter(|&i| !cm.fs[i].info && matches!(cm.roles[i], Role::Open(_)))
        .filter(|&i| pairs_without(i));
    let x = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let prev = (0..x)
        .rev()
        .find(|&i| matches!(cm.roles[i], Role::Close(_)))
        .map_or(0, |i| cm.fs[i].line);
    Some((cm.fs[x].line, prev))
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;
    use crate::finding::Finding;

    /// Both fence rules' findings, by line.
    fn fence_findings(text: &str) -> Vec<Finding> {
        let mut f = run_rule("fence.suspicious", &[("a.md", text)]);
        f.extend(run_rule("fence.unclosed", &[("a.md", text)]));
        f.sort_by_key(|f| f.line);
        f
    }

    /// The user's notes, shrunk: two "create file" blocks, each closed early
    /// by its inner bash block; the second one's closer is left open.
    const TWO_NESTINGS: &str = "# Notes\n\n```markdown\n# Runbook\n```bash\nls\n```\n\n## Leaked\n\n```\n\n```markdown\n# Guide\n```bash\nmake\n```\n```\n\n## Key Decisions\n\ntext\n";

    #[test]
    fn one_finding_per_mis_nesting_at_its_opener() {
        let f = fence_findings(TWO_NESTINGS);
        let got: Vec<(&str, usize)> = f.iter().map(|f| (f.rule, f.line)).collect();
        assert_eq!(
            got,
            vec![("fence.suspicious", 3), ("fence.unclosed", 13)],
            "{f:#?}"
        );
        assert!(
            f[0].message
                .contains("outer closer at line 11 opens a stray block"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .evidence
            .iter()
            .any(|e| e.contains("leaked heading line 9: ## Leaked")));
        assert!(
            f[1].message
                .contains("read as text inside the block opened at line 11"),
            "{}",
            f[1].message
        );
        assert!(
            f[1].message.contains("hiding 1 heading"),
            "{}",
            f[1].message
        );
        assert!(f[1]
            .evidence
            .iter()
            .any(|e| e.contains("lengthen lines 13 and 18 to ````")));
    }

    #[test]
    fn a_missing_closer_names_the_heading_it_hides() {
        let text = "```rust\nfn a() {}\n\n## Phases\n\n```rust\nlet b = 1;\n```\n";
        let f = fence_findings(text);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!((f[0].rule, f[0].line), ("fence.suspicious", 1));
        assert!(
            f[0].message
                .contains("not closed before the heading at line 4"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_nesting_that_pairs_two_ways_says_so() {
        let text = "```markdown\n# Guide\n```bash\nls\n```\n```\nout\n```\n\n## Tail\n\n```\n";
        let f = fence_findings(text);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].line, 1);
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("or open a block of its own")),
            "{:#?}",
            f[0].evidence
        );
    }

    #[test]
    fn a_stray_fence_is_named_not_the_fence_it_left_open() {
        let text = "# A\n\n```bash\nls\n```\n```\n\n## Next\n\n```\nout\n```\n\n## Last\n";
        let f = fence_findings(text);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!((f[0].rule, f[0].line), ("fence.unclosed", 6));
        assert!(
            f[0].message.contains("leaves the fence at line 12 open"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("hiding 1 heading"),
            "{}",
            f[0].message
        );
        // Near miss: a command and its bare output block.
        let text = "# A\n\n```bash\nls\n```\n\n```\nout\n```\n\n## Last\n";
        assert!(fence_findings(text).is_empty());
    }

    #[test]
    fn an_html_block_that_swallows_a_fence_is_reported_as_that() {
        // GSD's task blocks: the tag line runs on into the fence, the code's
        // blank line ends the HTML block, and the closer opens a stray block.
        let text = "# Plan\n\n<tasks>\n<action>\n```bash\n# install\nnpm i\n\n# build\nnpm run build\n```\n</action>\n</tasks>\n\n## Verify\n";
        let f = fence_findings(text);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!((f[0].rule, f[0].line), ("fence.unclosed", 5));
        assert!(
            f[0].message
                .contains("swallowed by the HTML block that starts with <tasks> at line 3"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("code read as a heading line 9: # build")),
            "{:#?}",
            f[0].evidence
        );
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("put a blank line before line 5 (after <action>)")),
            "{:#?}",
            f[0].evidence
        );
    }

    #[test]
    fn near_miss_html_blocks_that_end_before_the_fence_or_are_literal() {
        for text in [
            "<tasks>\n<action>\n\n```bash\n# install\n\nnpm i\n```\n</action>\n</tasks>\n",
            "<pre>\n```bash\nls\n\n```\n</pre>\n",
            "<!-- a comment\n```bash\n-->\n\ntext\n",
        ] {
            assert!(
                fence_findings(text).is_empty(),
                "{text}: {:#?}",
                fence_findings(text)
            );
        }
    }
}
