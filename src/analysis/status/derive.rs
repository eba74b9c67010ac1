//! How far one subphase is, by its own text alone. Evidence, strongest first:
//! its first `Status:` line whose value says done or open (`check.status.done`,
//! `check.status.open`; open wins, and a value the `ignore` patterns match, like
//! "Planning Complete", says nothing); then a "✅ Complete" line, a
//! "Phase 4.7 Complete" heading naming its own number, or a ✅ in its own
//! heading; then its checkboxes (done when every one is ticked). Without any of
//! these its status is unknown, and no rule judges it.
//!
//! A scan is fed line by line, so the rules (reading [`FileFacts`] lines, which
//! skip code and cards) and the card planner (reading a part's text) share it.
//!
//! [`FileFacts`]: crate::analysis::FileFacts

use std::sync::OnceLock;

use regex::Regex;

use crate::config::check::StatusRules;
use crate::model::markers;
use crate::subphase::captured;

/// Done or open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Finished, by its own evidence.
    Done,
    /// Not finished, by its own evidence.
    Open,
}

/// The evidence a status was derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `Status:` line and its value.
    StatusLine {
        /// 1-based line.
        line: usize,
        /// The value as written.
        value: String,
    },
    /// A "✅ Complete" line, a "Phase 4.7 Complete" heading or a ✅ in the
    /// subphase's heading.
    Mark {
        /// 1-based line.
        line: usize,
        /// The line as written.
        text: String,
    },
    /// Its checkboxes.
    Checkboxes {
        /// Ticked ones.
        done: usize,
        /// All of them.
        all: usize,
        /// 1-based line of the first open one.
        first_open: Option<usize>,
    },
}

/// A subphase's derived status and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// Done or open.
    pub state: State,
    /// What says so.
    pub source: Source,
    /// Label of the file the evidence is in (set by [`Scan::file`]).
    pub file: usize,
}

impl Derived {
    /// The line its evidence is at (the first open checkbox for open boxes).
    pub fn line(&self) -> Option<usize> {
        match &self.source {
            Source::StatusLine { line, .. } | Source::Mark { line, .. } => Some(*line),
            Source::Checkboxes { first_open, .. } => *first_open,
        }
    }

    /// `done (12/12 checkboxes)`, `open — Status: In progress (line 14)`;
    /// `line` names the line (`line 14`, `source line 14`).
    pub fn describe(&self, line: &dyn Fn(usize) -> String) -> String {
        let word = match self.state {
            State::Done => "done",
            State::Open => "open",
        };
        match &self.source {
            Source::Checkboxes { done, all, .. } => format!("{word} ({done}/{all} checkboxes)"),
            Source::StatusLine { line: l, value } => {
                format!("{word} — Status: {} ({})", short(value), line(*l))
            }
            Source::Mark { line: l, text } => format!("{word} — {} ({})", short(text), line(*l)),
        }
    }
}

/// A value shortened for one line of a card or message.
fn short(s: &str) -> String {
    let t = s.trim().trim_matches(['*', '_', '#', ' ']).trim();
    if t.chars().count() <= 60 {
        return t.to_string();
    }
    let mut out: String = t.chars().take(57).collect();
    out.push_str("...");
    out
}

/// The evidence of one subphase, gathered line by line.
#[derive(Debug)]
pub struct Scan<'r> {
    rules: &'r StatusRules,
    number: String,
    file: usize,
    status: Option<Derived>,
    mark: Option<Derived>,
    boxes: (usize, usize, Option<(usize, usize)>),
}

fn checkbox(line: &str) -> Option<bool> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+\[([ xX])\]").expect("static regex")
    });
    // Most lines hold no `[`, which the pattern needs: no regex for them.
    if !line.as_bytes().contains(&b'[') {
        return None;
    }
    // `find`, not `captures`: the match always ends `[`, the box's one-byte
    // mark, `]`, so the mark is the byte before the last. Asking for the group
    // ran the bounded backtracker on every checkbox line, thousands of
    // instructions each, where the match alone needs only the DFA.
    re.find(line)
        .map(|m| &line[m.end() - 2..m.end() - 1] != " ")
}

/// The inside of a line that is all bold (`**Phase 4.7 Complete**`).
fn all_bold(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t
        .strip_prefix("**")?
        .strip_suffix("**")
        .or_else(|| t.strip_prefix("**")?.strip_suffix("**:"))?;
    (!inner.contains("**")).then(|| inner.trim())
}

impl<'r> Scan<'r> {
    /// A scan of subphase `number` (empty for a file that is no numbered subphase).
    pub fn new(rules: &'r StatusRules, number: &str) -> Scan<'r> {
        Scan {
            rules,
            number: number.to_string(),
            file: 0,
            status: None,
            mark: None,
            boxes: (0, 0, None),
        }
    }

    /// Later lines are in file `label` (a continuation part of the subphase).
    pub fn file(&mut self, label: usize) {
        self.file = label;
    }

    fn ignored(&self, text: &str) -> bool {
        self.rules.ignore.is_match(text)
    }

    /// The subphase's own heading: a ✅ or a ticked box in it marks it done.
    pub fn own_heading(&mut self, line: usize, text: &str) {
        let t = text.trim();
        if self.mark.is_none() && (t.contains('✅') || t.starts_with("[x]") || t.starts_with("[X]"))
        {
            self.mark = Some(Derived {
                state: State::Done,
                source: Source::Mark {
                    line,
                    text: t.to_string(),
                },
                file: self.file,
            });
        }
    }

    /// A heading inside the subphase (its text, without `#`s).
    pub fn heading(&mut self, line: usize, text: &str) {
        if self.mark.is_some() {
            return;
        }
        let own = self
            .rules
            .done_heading
            .regex()
            .and_then(|r| captured(r, text.trim()))
            .and_then(|c| c.name("number"))
            .is_some_and(|n| !self.number.is_empty() && n.as_str() == self.number);
        if own {
            self.mark = Some(self.done_mark(line, text));
        }
    }

    /// Any other line of the subphase (outside code).
    pub fn line(&mut self, line: usize, text: &str) {
        if let Some(done) = checkbox(text) {
            self.boxes.1 += 1;
            if done {
                self.boxes.0 += 1;
            } else if self.boxes.2.is_none() {
                self.boxes.2 = Some((self.file, line));
            }
            return;
        }
        if self.status.is_none() {
            if let Some(value) = self
                .rules
                .status_line
                .regex()
                .and_then(|r| captured(r, text))
                .and_then(|c| c.name("value"))
            {
                let v = value.as_str();
                let state = if self.ignored(v) {
                    None
                } else if self.rules.open.is_match(v) {
                    Some(State::Open)
                } else if self.rules.done.is_match(v) {
                    Some(State::Done)
                } else {
                    None
                };
                if let Some(state) = state {
                    self.status = Some(Derived {
                        state,
                        source: Source::StatusLine {
                            line,
                            value: v.to_string(),
                        },
                        file: self.file,
                    });
                }
                return;
            }
        }
        if self.mark.is_none() {
            if self.rules.done_mark.is_match(text) {
                self.mark = Some(self.done_mark(line, text));
            } else if let Some(inner) = all_bold(text) {
                self.heading(line, inner);
            }
        }
    }

    /// A mark that says this subphase is done, at `line` of the current file.
    fn done_mark(&self, line: usize, text: &str) -> Derived {
        Derived {
            state: State::Done,
            source: Source::Mark {
                line,
                text: text.trim().to_string(),
            },
            file: self.file,
        }
    }

    /// The subphase's status, if its text says anything.
    pub fn finish(self) -> Option<Derived> {
        if self.status.is_some() {
            return self.status;
        }
        if self.mark.is_some() {
            return self.mark;
        }
        let (done, all, first) = self.boxes;
        (all > 0).then(|| Derived {
            state: if done == all {
                State::Done
            } else {
                State::Open
            },
            source: Source::Checkboxes {
                done,
                all,
                first_open: first.map(|(_, l)| l),
            },
            file: first.map_or(self.file, |(f, _)| f),
        })
    }

    /// Ticked and all checkboxes so far.
    pub fn checkboxes(&self) -> (usize, usize) {
        (self.boxes.0, self.boxes.1)
    }
}

/// Feed `text` (lines numbered from `first_line`) to `scan`, skipping code
/// fences and replan's cards and reading ATX headings as headings: how the card
/// planner derives a status from a part's text without parsing it again.
pub fn feed_text(scan: &mut Scan, text: &str, first_line: usize, own_heading: bool) {
    let mut own_heading = own_heading;
    let mut fence: Option<(char, usize)> = None;
    let mut in_card = false;
    for (i, l) in text.lines().enumerate() {
        let line = first_line + i;
        let t = l.trim_start();
        let bare = l.trim_end();
        if fence.is_none() {
            if bare == markers::CARD_BEGIN {
                in_card = true;
                continue;
            }
            if in_card {
                in_card = bare != markers::CARD_END;
                continue;
            }
        }
        let indent = l.len() - t.len();
        let run = |c: char| t.chars().take_while(|&x| x == c).count();
        if indent < 4 {
            match fence {
                None => {
                    for c in ['`', '~'] {
                        let n = run(c);
                        if n >= 3 {
                            fence = Some((c, n));
                        }
                    }
                    if fence.is_some() {
                        continue;
                    }
                }
                Some((c, n)) => {
                    if run(c) >= n && t[run(c) * c.len_utf8()..].trim().is_empty() {
                        fence = None;
                    }
                    continue;
                }
            }
        } else if fence.is_some() {
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if indent < 4 && (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
            let h = t[hashes..].trim().trim_end_matches('#').trim();
            if std::mem::take(&mut own_heading) {
                scan.own_heading(line, h);
            } else {
                scan.heading(line, h);
            }
        } else {
            scan.line(line, l);
        }
    }
}

/// The status of subphase `number` from the text of its parts in order, each
/// with the number of its first line; the first heading of the first part is
/// the subphase's own.
pub fn of_text(rules: &StatusRules, number: &str, parts: &[(&str, usize)]) -> Option<Derived> {
    let mut scan = Scan::new(rules, number);
    for (k, (text, first_line)) in parts.iter().enumerate() {
        scan.file(k);
        feed_text(&mut scan, text, *first_line, k == 0);
    }
    scan.finish()
}

#[cfg(test)]
mod checkbox_tests {
    use proptest::prelude::*;

    use super::checkbox;

    /// The capturing form `checkbox` replaced: it read the mark from group 1.
    fn by_captures(line: &str) -> Option<bool> {
        let re = regex::Regex::new(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+\[([ xX])\]").unwrap();
        re.captures(line).map(|c| &c[1] != " ")
    }

    #[test]
    fn the_mark_is_read_from_the_match() {
        assert_eq!(checkbox("- [x] a"), Some(true));
        assert_eq!(checkbox("> 12) [ ] a"), Some(false));
        assert_eq!(checkbox("\u{2003}*\u{2003}[X]"), Some(true));
        assert_eq!(checkbox("- [y] a"), None);
        assert_eq!(checkbox("-[x] a"), None);
    }

    proptest! {
        /// Lines made of the pieces the pattern looks at (Unicode spaces
        /// too) get the answer the capturing form gave.
        #[test]
        fn find_agrees_with_captures(
            line in "[ >\\-*+0-9.)\\[\\]xXy\t\u{2003}\u{a0}éa\n]{0,14}",
        ) {
            prop_assert_eq!(checkbox(&line), by_captures(&line));
        }
    }
}
