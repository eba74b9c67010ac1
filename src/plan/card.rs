//! Task cards: the block a split puts at the head of each file it writes for a
//! subphase, so a reader (or an agent that loads one file) knows what the file
//! is and where it sits: phase, duration, part, where the text came from, its
//! neighbours in reading order, what it depends on, and how far it is done.
//!
//! A card is replan's own text between [`markers::CARD_BEGIN`] and
//! [`markers::CARD_END`] lines and one blank line: removing it
//! ([`markers::strip_cards`]) gives the file back as it was without it. It goes
//! right after the subphase heading, or, in a continuation part, replaces the
//! "Continued from" line and carries it (so the part is still known as one).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use crate::config::{CardField, CardFieldKind};
use crate::model::{markers, Document};
use crate::plan::links::url;

/// What a card says, before it is written for one file.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Subphase number (`4.7`).
    pub number: String,
    /// Heading text of the subphase (without `#`s).
    pub title: String,
    /// Duration as stated, normalised (`30–45 min`).
    pub duration: Option<String>,
    /// 1-based part and number of parts of the subphase.
    pub part: (usize, usize),
    /// The continuation line this part carried (k > 1), kept in the card.
    pub continued: Option<String>,
    /// The original (in the archive, or where it stays) and the 1-based lines
    /// of it this part holds.
    pub source: Option<(PathBuf, usize, usize)>,
    /// The file before it in reading order.
    pub previous: Option<PathBuf>,
    /// The file after it in reading order.
    pub next: Option<PathBuf>,
    /// Subphases named as prerequisites, with the file holding each when known.
    pub depends_on: Vec<(String, Option<PathBuf>)>,
    /// Checkboxes of the whole subphase: done, all.
    pub checkboxes: (usize, usize),
    /// The subphase's derived status and its source
    /// ([`crate::analysis::status::derive`]), shown instead of the checkbox count.
    pub status: Option<String>,
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .replace(['[', ']'], "")
}

/// The card of a file at `at` (root-relative, for its links), lines ended with `nl`.
pub fn render(f: &Facts, at: &Path, fields: &[CardField], nl: &str) -> String {
    let link = |p: &Path| format!("[{}]({})", name_of(p), url(at, &(p.to_path_buf(), None)));
    let mut s = String::new();
    s.push_str(markers::CARD_BEGIN);
    s.push_str(nl);
    for field in fields {
        let value = match field.field {
            CardFieldKind::Phase => Some(one_line(&f.title)),
            CardFieldKind::Duration => f.duration.clone(),
            CardFieldKind::Part => match (&f.continued, f.part) {
                (Some(line), _) => Some(line.trim_end().to_string()),
                (None, (_, n)) if n <= 1 => None,
                (None, (k, n)) => Some(format!("{k} of {n}")),
            },
            CardFieldKind::Source => f
                .source
                .as_ref()
                .map(|(p, a, b)| format!("{}, lines {a}–{b}", link(p))),
            CardFieldKind::Previous => f.previous.as_deref().map(link),
            CardFieldKind::Next => f.next.as_deref().map(link),
            CardFieldKind::DependsOn => (!f.depends_on.is_empty()).then(|| {
                f.depends_on
                    .iter()
                    .map(|(n, p)| match p {
                        Some(p) => format!("[Phase {n}]({})", url(at, &(p.clone(), None))),
                        None => format!("Phase {n}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            CardFieldKind::Status => match f.checkboxes {
                _ if f.status.is_some() => f.status.clone(),
                (_, 0) => None,
                (d, n) if d == n => Some(format!("done ({d} of {n} checkboxes)")),
                (d, n) => Some(format!("open ({d} of {n} checkboxes done)")),
            },
        };
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            s.push_str(&format!("- **{}:** {v}{nl}", field.label));
        }
    }
    s.push_str(markers::CARD_END);
    s.push_str(nl);
    s.push_str(nl);
    s
}

/// A heading's text on one line, without what would end a list item early.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ").trim().to_string()
}

/// Lines a card of `fields` takes at most (a field per line, the two marker
/// lines and the blank line): what a split keeps free for it.
pub fn max_lines(fields: &[CardField]) -> usize {
    fields.len() + 3
}

/// Tokens a card of `fields` takes at most, roughly: each field's label, a
/// link or two with file names, and the markers.
pub fn max_tokens(fields: &[CardField]) -> usize {
    24 + fields.len() * 40
}

/// `contents` with `card` inserted right after the heading of subphase `number`
/// (the first top-level heading recognised as it, else the first heading), or,
/// when `prefix` bytes of replan's continuation line lead the text, in their
/// place; with the range of `contents` the card took the place of (empty where
/// it was put in). `None` when there is no such heading or it ends the text
/// without a line break (a card there could not be taken out again byte for
/// byte).
pub fn insert(
    contents: &str,
    doc: &Document,
    card: &str,
    prefix: usize,
    is_heading: &dyn Fn(&str) -> bool,
) -> Option<(String, Range<usize>)> {
    if prefix > 0 {
        let rest = contents.get(prefix..)?;
        return Some((joined(&[card, rest]), 0..prefix));
    }
    let (b, _) = doc
        .top_headings()
        .find(|(_, h)| is_heading(h.text()))
        .or_else(|| doc.top_headings().next())?;
    let block = doc.blocks.get(b)?;
    let at = doc.source.line_start(block.end_line() + 1);
    if at == 0 || at > contents.len() || !contents[..at].ends_with('\n') {
        return None;
    }
    Some((joined(&[&contents[..at], card, &contents[at..]]), at..at))
}

/// `pieces` in one `String` of exactly their length: a carded part's text is
/// held as long as the plan (shared by its parse and its op), so it keeps no
/// spare capacity (`format!` guesses its capacity and may double it).
fn joined(pieces: &[&str]) -> String {
    let mut s = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        s.push_str(p);
    }
    s
}

/// Compile this module's regexes now (on a thread that warms them ahead of
/// their first use, see [`crate::config::warm`]).
pub fn warm() {
    duration_line();
    range_re();
    cue_re();
    num_re();
}

/// A `Duration:` / `Estimated time:` line, its value captured.
fn duration_line() -> &'static Regex {
    static LINE: OnceLock<Regex> = OnceLock::new();
    LINE.get_or_init(|| {
        Regex::new(r"(?im)^[\s>*_-]*(?:\*\*)?(?:total\s+)?(?:duration|estimated(?: time| duration)?|time estimate|estimate)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.+?)\s*$").expect("static regex")
    })
}

/// A range of two numbers, its dash to be made an en dash.
fn range_re() -> &'static Regex {
    static RANGE: OnceLock<Regex> = OnceLock::new();
    RANGE.get_or_init(|| Regex::new(r"(\d)\s*(?:-|–|—|to)\s*(\d)").expect("static regex"))
}

/// The words that start a line naming prerequisites.
fn cue_re() -> &'static Regex {
    static CUE: OnceLock<Regex> = OnceLock::new();
    CUE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:prerequisites?|depends\s+on|dependencies|requires|blocked\s+by)\b")
            .expect("static regex")
    })
}

/// A subphase number named as a prerequisite.
fn num_re() -> &'static Regex {
    static NUM: OnceLock<Regex> = OnceLock::new();
    NUM.get_or_init(|| {
        Regex::new(
            r"(?i)(?:\bphases?\s+|(?:depends\s+on|requires|blocked\s+by)\s+)(\d+(?:\.\d+)+)\b",
        )
        .expect("static regex")
    })
}

/// A duration as the heading states it, else as a `Duration:` / `Estimated
/// time:` line near the top of the body states it; ranges get an en dash.
pub fn duration(from_heading: Option<&str>, body: &str) -> Option<String> {
    let line = duration_line();
    let raw = from_heading.map(str::to_string).or_else(|| {
        let head: String = body.lines().take(15).collect::<Vec<_>>().join("\n");
        line.captures(&head).map(|c| {
            let v = c[1].trim_matches(['*', '_', ' ']);
            // A remark after the time ("85-125 minutes (broken into 5
            // sub-phases)") is not part of it.
            match v.strip_suffix(')').and_then(|t| t.rsplit_once(" (")) {
                Some((t, _)) if t.chars().any(|c| c.is_ascii_digit()) => t.trim_end().to_string(),
                _ => v.to_string(),
            }
        })
    })?;
    let range = range_re();
    let d = range.replace_all(raw.trim(), "$1–$2").into_owned();
    (!d.is_empty() && d.len() <= 60).then_some(d)
}

/// Subphase numbers a body names as prerequisites: on lines that say
/// "prerequisite(s)", "depends on", "requires" or "blocked by", the numbers
/// written as `Phase N.M` or right after those words. Conservative: a number
/// elsewhere in the text is not a dependency. `own` is left out.
pub fn depends_on(body: &str, own: &str) -> Vec<String> {
    let (cue, num) = (cue_re(), num_re());
    let mut out: Vec<String> = Vec::new();
    let mut fenced = false;
    for l in body.lines() {
        let t = l.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced || !cue.is_match(l) {
            continue;
        }
        for c in num.captures_iter(l) {
            let n = c[1].to_string();
            if n != own && !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// Checkboxes of a text outside code fences: (checked, all).
pub fn checkboxes(text: &str) -> (usize, usize) {
    let (mut done, mut all) = (0, 0);
    let mut fenced = false;
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let rest = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "));
        match rest.map(|r| r.get(..3)) {
            Some(Some("[x]" | "[X]")) => {
                done += 1;
                all += 1;
            }
            Some(Some("[ ]")) => all += 1,
            _ => {}
        }
    }
    (done, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<CardField> {
        crate::config::Config::builtin().cards.fields().unwrap()
    }

    #[test]
    fn durations_from_the_heading_or_the_body() {
        assert_eq!(
            duration(Some("30-45 min"), "").as_deref(),
            Some("30–45 min")
        );
        assert_eq!(
            duration(None, "Intro\n\n**Duration**: 2-3 hours\n").as_deref(),
            Some("2–3 hours")
        );
        assert_eq!(
            duration(None, "**Estimated Time:** 1 day\n").as_deref(),
            Some("1 day")
        );
        assert_eq!(duration(None, "No time given.\n"), None);
        // The user's 4.7: a total, with a remark after it.
        assert_eq!(
            duration(
                None,
                "**Total Duration**: 85-125 minutes (broken into 5 digestible sub-phases)\n"
            )
            .as_deref(),
            Some("85–125 minutes")
        );
    }

    #[test]
    fn dependencies_only_where_the_text_says_so() {
        let body = "**Prerequisites**: Phase 4.2 complete, Phase 4.3 done\n\nSee Phase 9.9 later.\nThis depends on 4.5.\n```\nrequires Phase 1.1\n```\n";
        assert_eq!(depends_on(body, "4.7"), ["4.2", "4.3", "4.5"]);
        assert!(depends_on("Phase 4.2 is next.\n", "4.7").is_empty());
        assert!(depends_on("Prerequisites: Phase 4.7\n", "4.7").is_empty());
    }

    #[test]
    fn checkboxes_outside_code() {
        let t = "- [x] a\n- [ ] b\n  * [X] c\n```\n- [ ] not one\n```\n";
        assert_eq!(checkboxes(t), (2, 3));
    }

    #[test]
    fn a_card_goes_after_its_heading_and_comes_out_again() {
        let text = "Intro line.\n\n## Phase 4.7: Install (30-45 min)\n\nBody.\n";
        let doc = Document::from_text("a.md", text);
        let f = Facts {
            number: "4.7".into(),
            title: "Phase 4.7: Install (30-45 min)".into(),
            duration: Some("30–45 min".into()),
            part: (1, 2),
            source: Some(("archive/plans/p.md".into(), 10, 40)),
            next: Some("plans/p/phase-4.7-install-part-2.md".into()),
            checkboxes: (1, 3),
            ..Facts::default()
        };
        let card = render(
            &f,
            Path::new("plans/p/phase-4.7-install.md"),
            &fields(),
            "\n",
        );
        assert!(card.contains("- **Duration:** 30–45 min\n"), "{card}");
        assert!(card.contains("- **Part:** 1 of 2\n"), "{card}");
        assert!(
            card.contains("[p.md](../../archive/plans/p.md), lines 10–40"),
            "{card}"
        );
        assert!(card
            .contains("- **Next:** [phase-4.7-install-part-2.md](phase-4.7-install-part-2.md)\n"));
        assert!(card.contains("open (1 of 3 checkboxes done)"));
        assert!(!card.contains("Previous"));
        let (with, at) = insert(text, &doc, &card, 0, &|t| t.contains("4.7")).unwrap();
        let heading_end = text.find("min)\n").unwrap() + "min)\n".len();
        assert_eq!(at, heading_end..heading_end, "put in, nothing replaced");
        assert!(with.starts_with(
            "Intro line.\n\n## Phase 4.7: Install (30-45 min)\n<!-- replan:card -->\n"
        ));
        assert_eq!(markers::strip_cards(&with), text);
        // A heading that ends the text without a line break gets none.
        let bare = "## Phase 1.1: A";
        let d = Document::from_text("b.md", bare);
        assert_eq!(insert(bare, &d, &card, 0, &|_| true), None);
    }
}
