//! Fixes: the findings `check` can repair, as small edits of the original bytes.
//!
//! A pure stage: findings and the parsed files they are about go in, [`Fix`]es
//! come out, each a set of byte-range replacements in one file that stand or
//! fall together (a heading and the table-of-contents links to it). Nothing is
//! re-rendered: an edit replaces a few bytes, so a BOM, CRLF line endings and
//! every untouched byte stay as they were. Each fix is checked before it is
//! offered (the file is parsed again with it applied), and a finding that has
//! no fix may say why ([`Unfixable`]).
//!
//! Fixes are *safe* (`check --fix` applies them: the result is what the author
//! plainly meant) or *unsafe* (they need `--unsafe-fixes`: they rewrite what the
//! text says, on evidence), as in ruff.

mod fence;
mod link;
mod mention;
mod mislabeled;
mod setext;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use crate::analysis::Input;
use crate::config::Config;
use crate::finding::Finding;

/// Whether `--fix` may apply a fix on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// What the author plainly meant; applied by `--fix`.
    Safe,
    /// A rewrite on evidence; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    /// `safe` or `unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// One replacement of a byte range of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Half-open byte range of the original (empty: an insertion).
    pub range: Range<usize>,
    /// What goes there.
    pub text: String,
}

/// A repair of one finding (or of several findings with one cause).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The rule whose finding it repairs.
    pub rule: &'static str,
    /// Root-relative path of the file.
    pub path: PathBuf,
    /// 1-based line of the finding.
    pub line: usize,
    /// Safe or unsafe.
    pub safety: Safety,
    /// What it does, in one line.
    pub message: String,
    /// The edits, sorted and disjoint; applied all together or not at all.
    pub edits: Vec<Edit>,
}

/// A finding that has no fix, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfixable {
    /// The rule of the finding.
    pub rule: &'static str,
    /// Root-relative path, `/`-separated (as in the finding).
    pub path: String,
    /// 1-based line of the finding.
    pub line: usize,
    /// Why there is no fix.
    pub reason: String,
}

/// Every fix for a set of findings.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Fixes, by path then line.
    pub fixes: Vec<Fix>,
    /// Findings of fixable rules that have no fix, with the reason.
    pub unfixable: Vec<Unfixable>,
}

/// What a rule's findings can expect of `check --fix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixability {
    /// A safe fix, when the repair is unambiguous.
    Safe,
    /// An unsafe fix (`--unsafe-fixes`).
    Unsafe,
    /// No fix: the repair needs a person.
    None,
}

impl Fixability {
    /// How `replan rule` says it.
    pub fn describe(self) -> &'static str {
        match self {
            Fixability::Safe => {
                "safe: `check --fix` applies it when the repair is unambiguous (`check --diff` shows it first)"
            }
            Fixability::Unsafe => {
                "unsafe: `check --fix --unsafe-fixes` applies it (`check --diff --unsafe-fixes` shows it first)"
            }
            Fixability::None => "none: the repair needs a person",
        }
    }
}

/// Whether (and how safely) `check --fix` repairs a rule's findings.
pub fn fixability(rule: &str) -> Fixability {
    match rule {
        "fence.suspicious"
        | "fence.unclosed"
        | "heading.setext-ambiguous"
        | "link.stale-mention" => Fixability::Safe,
        "phase.mislabeled" | "link.broken" => Fixability::Unsafe,
        _ => Fixability::None,
    }
}

/// The fixes for `findings` (as reported, after severities and suppressions)
/// in `files`. A finding about a file not among `files` is ignored.
pub fn find(cfg: &Config, files: &[Input], findings: &[Finding]) -> Found {
    find_with(cfg, files, findings, true, None)
}

/// Why the findings of fixable rules in `files` have no fix, found without
/// checking the fixes there are (no file is parsed again): cheap enough for
/// every `check`. A fence repair that its check would turn down is only said
/// by [`find`].
pub fn unfixable(cfg: &Config, files: &[Input], findings: &[Finding]) -> Vec<Unfixable> {
    find_with(cfg, files, findings, false, None).unfixable
}

/// [`unfixable`], given the verdicts `phase.mislabeled` reached while it
/// reported `findings` ([`crate::analysis::Report::verdicts`]): a file judged
/// there is not judged again (a file missing from them is).
pub fn unfixable_judged(
    cfg: &Config,
    files: &[Input],
    findings: &[Finding],
    verdicts: &crate::analysis::Verdicts,
) -> Vec<Unfixable> {
    find_with(cfg, files, findings, false, Some(verdicts)).unfixable
}

fn find_with(
    cfg: &Config,
    files: &[Input],
    findings: &[Finding],
    verify: bool,
    known: Option<&crate::analysis::Verdicts>,
) -> Found {
    use rayon::prelude::*;
    let mut by_path: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings {
        if fixability(f.rule) != Fixability::None {
            by_path.entry(f.path.as_str()).or_default().push(f);
        }
    }
    let per_file: Vec<Found> = files
        .par_iter()
        .filter_map(|input| {
            let path = input.rel.to_string_lossy().replace('\\', "/");
            let mine = by_path.get(path.as_str())?;
            let known = known.and_then(|k| k.get(input.rel)).map(Vec::as_slice);
            Some(for_file(cfg, files, input, &path, mine, verify, known))
        })
        .collect();
    let mut out = Found::default();
    for f in per_file {
        out.fixes.extend(f.fixes);
        out.unfixable.extend(f.unfixable);
    }
    out.fixes
        .sort_by(|a, b| (&a.path, a.line, a.rule).cmp(&(&b.path, b.line, b.rule)));
    out.unfixable
        .sort_by(|a, b| (&a.path, a.line, a.rule).cmp(&(&b.path, b.line, b.rule)));
    out
}

/// The fixes for one file's findings.
fn for_file(
    cfg: &Config,
    files: &[Input],
    input: &Input,
    path: &str,
    findings: &[&Finding],
    verify: bool,
    known: Option<&[crate::analysis::Verdict]>,
) -> Found {
    let mut out = Found::default();
    let fences: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.rule.starts_with("fence."))
        .collect();
    if !fences.is_empty() {
        fence::fixes(cfg, input, path, &fences, verify, &mut out);
    }
    // link.broken fixes every link of a line at once: one fix per line.
    let mut link_lines = std::collections::HashSet::new();
    // What the fixes read, gathered once per file rather than once per
    // finding (per finding, a big file's fixes were quadratic).
    let verdicts = std::cell::OnceCell::new();
    let mut anchors = HashMap::new();
    let mut broken_on: HashMap<usize, Vec<&Finding>> = HashMap::new();
    let mut links_on: HashMap<usize, Vec<&crate::model::Link>> = HashMap::new();
    if findings.iter().any(|f| f.rule == "link.broken") {
        for f in findings.iter().filter(|f| f.rule == "link.broken") {
            broken_on.entry(f.line).or_default().push(f);
        }
        for l in &input.doc.links {
            links_on.entry(l.line).or_default().push(l);
        }
    }
    for f in findings {
        match f.rule {
            "heading.setext-ambiguous" => setext::fix(input, f, &mut out),
            "phase.mislabeled" => {
                let verdicts = verdicts.get_or_init(|| match known {
                    Some(v) => mislabeled::numbered(cfg, input, v),
                    None => mislabeled::verdicts(cfg, input),
                });
                mislabeled::fix(cfg, input, verdicts, path, f, verify, &mut out)
            }
            "link.broken" if link_lines.insert(f.line) => {
                let none = Vec::new();
                let on_line = (
                    broken_on.get(&f.line).unwrap_or(&none).as_slice(),
                    links_on.get(&f.line).map_or(&[][..], Vec::as_slice),
                );
                link::fix(files, input, on_line, &mut anchors, f, &mut out)
            }
            "link.stale-mention" => mention::fix(input, path, f, &mut out),
            _ => {}
        }
    }
    out
}

/// The one replacement a finding's evidence names ("write `X` instead").
fn written_instead(f: &Finding) -> Option<&str> {
    f.evidence.iter().find_map(|e| {
        let i = e.find("write `")?;
        e[i + "write `".len()..].strip_suffix("` instead")
    })
}

/// A fix left out when fixes were applied together, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Index of the fix among those given.
    pub index: usize,
    /// Why it was left out.
    pub reason: String,
}

/// `text` with `fixes` (all of one file) applied in one pass. A fix any of
/// whose edits overlaps an edit of a fix already taken (in order of their first
/// edit) is skipped, with a note; the indexes of the fixes applied come back too.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>, Vec<Skipped>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| {
        let e = fixes[i].edits.first();
        (
            e.map_or(usize::MAX, |e| e.range.start),
            fixes[i].line,
            fixes[i].rule,
        )
    });
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    let mut skipped = Vec::new();
    for i in order {
        let fix = fixes[i];
        let bad = fix.edits.iter().any(|e| {
            e.range.start > e.range.end
                || e.range.end > text.len()
                || !text.is_char_boundary(e.range.start)
                || !text.is_char_boundary(e.range.end)
        });
        if bad {
            skipped.push(Skipped {
                index: i,
                reason: "its edits do not fit the file as read".to_string(),
            });
            continue;
        }
        let clash = fix.edits.iter().find_map(|e| {
            taken
                .iter()
                .find(|t| overlaps(&e.range, &t.range))
                .map(|t| t.range.start)
        });
        if let Some(at) = clash {
            let line = 1 + text[..at.min(text.len())].matches('\n').count();
            skipped.push(Skipped {
                index: i,
                reason: format!(
                    "it overlaps another fix at line {line}; run the fix again to apply it"
                ),
            });
            continue;
        }
        taken.extend(fix.edits.iter());
        applied.push(i);
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in taken {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    applied.sort_unstable();
    (out, applied, skipped)
}

/// Whether two edits' ranges touch the same bytes, or insert at the same place
/// (whose order would be a guess) or inside a replaced range.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        let (p, r) = if a.is_empty() {
            (a.start, b)
        } else {
            (b.start, a)
        };
        return if r.is_empty() {
            p == r.start
        } else {
            r.start < p && p < r.end
        };
    }
    a.start < b.end && b.start < a.end
}

/// The line terminator that ends 1-based `line` of `text` (`""` on a last line
/// without one).
fn terminator(src: &crate::model::Source, line: usize) -> &str {
    let start = src.line_start(line);
    let end = src.line_start(line + 1);
    let body = src.line_text(line).len();
    &src.text[(start + body).min(end)..end]
}

#[cfg(test)]
mod tests;
