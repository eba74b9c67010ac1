//! Recognising subphase headings ("Phase 4.7: Title (30-45 min)") from the
//! patterns in `rules/headings.yaml`.

use std::cmp::Ordering;

use regex::{Captures, Regex};

use crate::config::{Environment, HeadingRules};

/// A heading recognised as a numbered subphase.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subphase {
    /// The number, e.g. `4.10`: as written when it is dotted digits, else its
    /// digit runs joined by dots (GSD's `05-01` is `05.01`).
    pub number: String,
    /// The word before the number, lower-cased (`step` for "Step 1.2"), when the
    /// pattern captures one as `kind`.
    pub kind: Option<String>,
    /// Title without duration or environment label.
    pub title: String,
    /// A parenthesised environment label, e.g. `nonprod` from `(nonprod)`.
    pub env_label: Option<String>,
    /// A parenthesised duration, e.g. `30-45 min`.
    pub duration: Option<String>,
    /// Whether it is a bare section number ("2.3 API": no word before it, digits
    /// and dots only), which names a subphase only in a phased document.
    pub bare: bool,
}

/// `re`'s captures in `text`, asking first whether it matches at all. The
/// heading, status and decision patterns are tried on every heading (several
/// patterns each) or every line, and nearly all of those tries miss: a miss
/// costs `captures` an allocation and a search for the match's bounds that
/// `is_match` stops short of, and a hit pays for one extra `is_match`. On a
/// 20 MB tree, the status rule's line scan went from 173 to 123 M instructions.
/// Same result as `re.captures(text)`.
pub(crate) fn captured<'t>(re: &Regex, text: &'t str) -> Option<Captures<'t>> {
    if re.is_match(text) {
        re.captures(text)
    } else {
        None
    }
}

/// Recognise a heading text as a subphase.
pub fn recognise(text: &str, rules: &HeadingRules, envs: &[Environment]) -> Option<Subphase> {
    let text = without_status_mark(text.trim());
    // The number a match must capture is a piece of the text that `dotted`
    // accepts only with a digit or a dot in it: a heading with neither ("Tasks",
    // "Overview") is no subphase whatever the patterns, and needs no regex.
    if !text.bytes().any(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    for re in rules.subphase.iter().filter_map(|p| p.regex()) {
        let Some(c) = captured(re, text) else {
            continue;
        };
        let raw = c.name("number")?.as_str();
        let number = dotted(raw)?;
        let kind = c
            .name("kind")
            .map(|k| k.as_str().trim().to_lowercase())
            .filter(|k| !k.is_empty());
        let mut title = c
            .name("title")
            .map(|m| m.as_str().trim().to_string())
            .unwrap_or_default();
        let mut duration = None;
        let mut env_label = None;
        // Peel trailing "(...)" groups that are durations or environment labels.
        while title.ends_with(')') {
            let Some(open) = title.rfind('(') else { break };
            let inner = title[open + 1..title.len() - 1].trim().to_string();
            if duration.is_none() && rules.duration.is_match(&inner) {
                duration = Some(inner);
            } else if env_label.is_none() && is_env(&inner, envs) {
                env_label = Some(inner);
            } else {
                break;
            }
            title = title[..open].trim_end().to_string();
        }
        let title = title
            .trim_end_matches([' ', '-', '–', '—', ':'])
            .to_string();
        let bare = kind.is_none() && raw.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        return Some(Subphase {
            number,
            bare,
            kind,
            title,
            env_label,
            duration,
        });
    }
    None
}

/// How one document's headings read as subphases: as [`recognise`] reads them,
/// except that a bare section number ("### 2.3 API") counts only in a phased
/// document (`headings.phased`). A spec numbers its sections as an outline;
/// cutting a within-budget spec at each of them made slivers. Even in a phased
/// document, a bare number under an outline section of its own first number
/// ("3.1 Daemon" where a heading reads "3. Architecture") is that outline's:
/// a plan titled "Phase 25" numbering its sections 1.–5. is no five phases.
/// Everything that cuts or names a document's parts reads its headings through
/// one of these, so choosing the files to split and cutting them agree.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    rules: &'a HeadingRules,
    envs: &'a [Environment],
    bare: bool,
    /// The outline section numbers below 128 ("3. Architecture" sets bit 3).
    outline: u128,
}

impl<'a> Reading<'a> {
    /// The reading of a document whose top-level heading texts are `texts`.
    pub fn of<'t>(
        texts: impl IntoIterator<Item = &'t str>,
        rules: &'a HeadingRules,
        envs: &'a [Environment],
    ) -> Reading<'a> {
        let phased = |t: &str| {
            let t = without_status_mark(t.trim());
            rules.phased.regex().is_some_and(|re| re.is_match(t))
                || recognise(t, rules, envs).is_some_and(|s| !s.bare)
        };
        // With `phased` unset, bare numbers are subphases everywhere.
        let guarded = rules.phased.regex().is_some();
        let mut bare = !guarded;
        let mut outline = 0u128;
        for t in texts {
            let t = without_status_mark(t.trim());
            bare = bare || phased(t);
            if let Some(n) = outline_number(t).filter(|&n| guarded && n < 128) {
                outline |= 1 << n;
            }
        }
        Reading {
            rules,
            envs,
            bare,
            outline,
        }
    }

    /// The reading of a parsed document.
    pub fn of_doc(
        doc: &crate::model::Document,
        rules: &'a HeadingRules,
        envs: &'a [Environment],
    ) -> Reading<'a> {
        Reading::of(doc.top_headings().map(|(_, h)| h.text()), rules, envs)
    }

    /// The subphase a heading of this document names, if any.
    pub fn recognise(&self, text: &str) -> Option<Subphase> {
        recognise(text, self.rules, self.envs).filter(|s| self.admits(s))
    }

    /// Whether a heading the free `recognise` read on its own names a
    /// subphase in this document: any with a word before its number, a bare
    /// number only in a phased document and outside its outline.
    pub fn admits(&self, s: &Subphase) -> bool {
        !s.bare || (self.bare && !self.in_outline(&s.number))
    }

    /// Whether a bare number's first part numbers an outline section here.
    fn in_outline(&self, number: &str) -> bool {
        let first = number.split('.').next().unwrap_or("");
        first
            .parse::<u32>()
            .is_ok_and(|n| n < 128 && self.outline & (1 << n) != 0)
    }
}

/// The number of an outline section heading: one number, no word before it,
/// then a dot or a space and a title ("3. Architecture", "2 Scope"); `None`
/// for a subphase's dotted number ("3.1 Daemon") or a phase ("Phase 3").
fn outline_number(text: &str) -> Option<u32> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &text[digits..];
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let title = rest.strip_prefix(char::is_whitespace)?.trim_start();
    let starts_a_word = title.chars().next().is_some_and(|c| !c.is_ascii_digit());
    starts_a_word.then(|| text[..digits].parse().ok()).flatten()
}

/// The heading text after a leading status mark: plans that track progress
/// in their headings write "⬜ Task Group 2.2: …", "✅ Phase 4.7 …" or
/// "[x] Step 1.2"; the mark says how far the work is, not what it is. Only
/// symbols are taken (no letter, digit or ASCII punctuation but a checkbox).
fn without_status_mark(text: &str) -> &str {
    let mut rest = text;
    for box_ in ["[ ]", "[x]", "[X]"] {
        if let Some(r) = rest.strip_prefix(box_) {
            return r.trim_start();
        }
    }
    rest = rest
        .trim_start_matches(|c: char| c.is_whitespace() || (!c.is_ascii() && !c.is_alphanumeric()));
    if rest.len() < text.len() && rest.chars().next().is_some_and(char::is_alphanumeric) {
        rest
    } else {
        text
    }
}

/// A number as dotted digits: `4.10` stays, `05-01` and `06 Plan 02` become
/// `05.01` and `06.02`; `None` when it holds no digit.
fn dotted(s: &str) -> Option<String> {
    let s = s.trim();
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return (!s.is_empty()).then(|| s.to_string());
    }
    let runs: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect();
    (!runs.is_empty()).then(|| runs.join("."))
}

fn is_env(s: &str, envs: &[Environment]) -> bool {
    let s = s.to_lowercase();
    envs.iter().any(|e| {
        e.name.eq_ignore_ascii_case(&s) || e.aliases.iter().any(|a| a.eq_ignore_ascii_case(&s))
    })
}

/// Whether a document's title, its first heading and shallower than every
/// other, numbers something else than the subphases below it: `# PHASE 1.1
/// REMEDIATION PLAN` over `### Phase 1.5` and `### Phase 3.5` (the plan for
/// fixing phase 1.1, with phases of its own). It does when a subphase below
/// has a number as deep as the title's and another one; children (`1.1.2`)
/// and plain step numbers (`Step 2`) do not make it foreign. Such a title is
/// the document's name, not a subphase: read as one, it took a part of its own
/// named `phase-1.1-…`, which `check` then read as a sibling of 1.5 (subphases
/// 1.2-1.4 missing), or it set the subphase level and a split kept the whole
/// file as one subphase. `below` are the subphase headings below the title,
/// of its kind (`# Phase 2.3` over `### Task 1.1` numbers tasks within it).
/// Split and check must agree on it.
pub fn foreign_title(title: &Subphase, below: &[&Subphase]) -> bool {
    let depth = |n: &str| n.split('.').count();
    let deep = depth(&title.number);
    // Of one kind: `# Phase 2.3` over its `### Task 1.1` numbers tasks within it.
    let kind = |s: &Subphase| s.kind.clone().unwrap_or_else(|| "phase".into());
    deep > 1
        && below
            .iter()
            .any(|s| depth(&s.number) == deep && s.number != title.number && kind(s) == kind(title))
}

/// The subphase level of a document: the heading level holding the most subphase
/// headings (the shallower one on a tie), given the levels of its subphase
/// headings; `None` when there are none. Split and check must agree on it.
pub fn unit_level(levels: impl IntoIterator<Item = u8>) -> Option<u8> {
    let mut counts = [0usize; 7];
    for l in levels {
        counts[usize::from(l.clamp(1, 6))] += 1;
    }
    let best = (1..=6).max_by_key(|&l| (counts[l], std::cmp::Reverse(l)))?;
    (counts[best] > 0).then_some(best as u8)
}

/// Natural order of dotted numbers: 4.9 < 4.10.
pub fn cmp_numbers(a: &str, b: &str) -> Ordering {
    let pa = a.split('.').map(|p| p.parse::<u64>().unwrap_or(u64::MAX));
    let pb = b.split('.').map(|p| p.parse::<u64>().unwrap_or(u64::MAX));
    pa.cmp(pb)
}

/// Natural order for file names: runs of digits compare by value.
pub fn cmp_natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let vx = std::str::from_utf8(&x[..nx])
                    .ok()
                    .and_then(|s| s.parse::<u128>().ok());
                let vy = std::str::from_utf8(&y[..ny])
                    .ok()
                    .and_then(|s| s.parse::<u128>().ok());
                match vx.cmp(&vy) {
                    Ordering::Equal => {}
                    o => return o,
                }
                x = &x[nx..];
                y = &y[ny..];
            }
            (Some(c), Some(d)) => {
                match c.cmp(d) {
                    Ordering::Equal => {}
                    o => return o,
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use proptest::prelude::*;

    #[test]
    fn a_title_is_foreign_when_a_subphase_below_is_its_sibling_not_its_child() {
        let sp = |kind: &str, n: &str| Subphase {
            number: n.into(),
            kind: Some(kind.into()),
            ..Subphase::default()
        };
        let foreign = |t: &str, below: &[&str]| {
            let below: Vec<Subphase> = below.iter().map(|n| sp("phase", n)).collect();
            foreign_title(&sp("phase", t), &below.iter().collect::<Vec<_>>())
        };
        assert!(foreign("1.1", &["1.5", "3.5"]));
        assert!(!foreign("4.7", &["4.7.1", "4.7.2"]));
        assert!(!foreign("2.3", &["1", "2"]));
        assert!(!foreign("4", &["4.1", "5"]));
        assert!(!foreign("1.1", &["1.1"]));
        assert!(!foreign("1.1", &[]));
        // Tasks numbered within the phase the title names.
        let tasks = [sp("task", "1.1"), sp("task", "1.2")];
        assert!(!foreign_title(&sp("phase", "2.3"), &[&tasks[0], &tasks[1]]));
    }

    /// Headings and lines that are, nearly are, or are not what the heading,
    /// status and decision patterns look for.
    fn line() -> impl Strategy<Value = String> {
        let lead = prop::sample::select(vec![
            "", "- ", "* ", "  ", "**", "__", "- **", "| ", "✅ ", "[x] ", "⬜ ",
        ]);
        let word = prop::sample::select(vec![
            "Phase",
            "phase ",
            "Step ",
            "STATUS",
            "Status",
            "status",
            "Task Group ",
            "Milestone ",
            "Plan ",
            "ADR-",
            "Stat",
            "",
        ]);
        let rest = "[ a-zA-Z0-9✅🔄`*_:.()–-]{0,24}";
        (lead, word, rest).prop_map(|(l, w, r)| format!("{l}{w}{r}"))
    }

    #[test]
    fn captured_finds_what_captures_finds() {
        let cfg = Config::builtin();
        let status = cfg.check.status.status_line.regex().unwrap();
        let c = captured(status, "- **Status**: ✅ Complete").unwrap();
        assert_eq!(&c["value"], "✅ Complete");
        assert!(captured(status, "Statuses are kept elsewhere").is_none());
        let heading = cfg.headings.subphase[0].regex().unwrap();
        let c = captured(heading, "Phase 4.7: Install ArgoCD").unwrap();
        assert_eq!((&c["number"], &c["title"]), ("4.7", "Install ArgoCD"));
        assert!(captured(heading, "Phase 4: Install").is_none());
    }

    proptest! {
        /// The guarded search finds what `captures` alone finds, with the
        /// built-in patterns it is used with.
        #[test]
        fn captured_is_captures(text in line()) {
            let cfg = Config::builtin();
            let s = &cfg.check.status;
            let mut patterns: Vec<&Regex> = cfg
                .headings
                .subphase
                .iter()
                .chain(&s.claims)
                .filter_map(|p| p.regex())
                .collect();
            patterns.extend(s.status_line.regex());
            patterns.extend(s.done_heading.regex());
            patterns.extend(cfg.topics.phase_headings.iter().filter_map(|p| p.regex()));
            prop_assert!(patterns.len() > 8);
            for re in patterns {
                for t in [text.as_str(), text.trim()] {
                    let fast = captured(re, t)
                        .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>());
                    let slow = re
                        .captures(t)
                        .map(|c| c.iter().map(|m| m.map(|m| m.range())).collect::<Vec<_>>());
                    prop_assert_eq!(fast, slow);
                }
            }
        }
    }

    fn rec(t: &str) -> Option<Subphase> {
        let c = Config::builtin();
        recognise(t, &c.headings, &c.environments)
    }

    #[test]
    fn recognises_the_forms() {
        let s = rec("Phase 4.7: Install ArgoCD on Devops Nonprod Cluster (30-45 min)").unwrap();
        assert_eq!(s.number, "4.7");
        assert_eq!(s.title, "Install ArgoCD on Devops Nonprod Cluster");
        assert_eq!(s.duration.as_deref(), Some("30-45 min"));
        let s = rec("Phase 4.7: Title (nonprod)").unwrap();
        assert_eq!(
            (s.title.as_str(), s.env_label.as_deref()),
            ("Title", Some("nonprod"))
        );
        assert_eq!(rec("4.7 Title").unwrap().number, "4.7");
        assert_eq!(rec("Phase 4.7 - Title").unwrap().title, "Title");
        assert_eq!(rec("Phase 4.10 Complete").unwrap().number, "4.10");
        assert!(rec("Phase 4: ArgoCD").is_none());
        assert!(rec("Overview").is_none());
        assert_eq!(rec("Phase 2.5 (Secrets)").unwrap().title, "(Secrets)");
    }

    /// A bare section number is a subphase only in a phased document; a word
    /// before the number makes one anywhere.
    #[test]
    fn bare_numbers_count_only_in_phased_documents() {
        let c = Config::builtin();
        let read = |texts: &[&str], t: &str| {
            Reading::of(texts.iter().copied(), &c.headings, &c.environments).recognise(t)
        };
        let spec = ["Design", "2. Architecture", "2.3 API"];
        assert!(read(&spec, "2.3 API").is_none());
        let phased = ["📋 PHASE 0: Preparation", "0.1 Environment"];
        assert_eq!(read(&phased, "0.1 Environment").unwrap().number, "0.1");
        let keyword = ["Task 1.1: Write it", "1.2 Run it"];
        assert!(read(&keyword, "1.2 Run it").is_some());
        // "Phase 4.7" is a subphase in any document.
        assert!(read(&spec, "Phase 4.7: Install").is_some());
        assert!(rec("2.3 API").unwrap().bare && !rec("Phase 4.7: Install").unwrap().bare);
        // GSD's plan ids are not bare section numbers.
        assert!(!rec("05-01: Title").unwrap().bare);
        // A plan titled "Phase 25" whose sections are numbered 1.–5.: "3.1"
        // under "3. Architecture" is its outline, "Phase 25.1" still a subphase.
        let titled = [
            "Phase 25: Cognitive Optimization",
            "1. Vision",
            "3. Architecture & Implementation",
            "New Module",
            "3.1 `DistillationDaemon`",
            "3.2 `ForagingEngine`",
            "Phase 25.1: Ship it",
            "4.1 Metrics",
        ];
        assert!(read(&titled, "3.1 `DistillationDaemon`").is_none());
        assert!(read(&titled, "Phase 25.1: Ship it").is_some());
        // A bare number no outline section claims still counts.
        assert_eq!(read(&titled, "4.1 Metrics").unwrap().number, "4.1");
        assert_eq!(outline_number("3. Architecture"), Some(3));
        assert_eq!(outline_number("2 Scope"), Some(2));
        for not in ["3.1 Daemon", "Phase 3", "2024", "3.", "12345 Things", "3 4"] {
            assert_eq!(outline_number(not), None, "{not}");
        }
        // With the pattern unset, bare numbers count everywhere (the old reading).
        let mut all = Config::builtin();
        all.headings.phased = Default::default();
        let r = Reading::of(spec.iter().copied(), &all.headings, &all.environments);
        assert!(r.recognise("2.3 API").is_some());
    }

    /// Each form of rules/headings.yaml fires, with its number and kind, and its
    /// near misses do not.
    #[test]
    fn every_pattern_fires_and_its_near_misses_do_not() {
        let fire = [
            (
                "Story 1.2: Sign-in page",
                "1.2",
                Some("story"),
                "Sign-in page",
            ),
            (
                "Task 3.4 - Wire the API",
                "3.4",
                Some("task"),
                "Wire the API",
            ),
            ("Step 8.1: Commit", "8.1", Some("step"), "Commit"),
            ("step 7.12", "7.12", Some("step"), ""),
            ("Milestone 3: Beta", "3", Some("milestone"), "Beta"),
            ("Milestone 2", "2", Some("milestone"), ""),
            (
                "Checkpoint 1: Project entity",
                "1",
                Some("checkpoint"),
                "Project entity",
            ),
            (
                "⬜ Task Group 2.2: Sessions API",
                "2.2",
                Some("task"),
                "Sessions API",
            ),
            ("✅ Phase 4.7: ArgoCD", "4.7", Some("phase"), "ArgoCD"),
            ("[x] Step 1.2 - Wire it", "1.2", Some("step"), "Wire it"),
            (
                "⬜ Task 1.1.1: Create model",
                "1.1.1",
                Some("task"),
                "Create model",
            ),
            ("Plan 05-01: Executor", "05.01", None, "Executor"),
            ("05-02-PLAN: Content panel", "05.02", None, "Content panel"),
            ("05-03: Showcase split", "05.03", None, "Showcase split"),
            (
                "Phase 06 Plan 02: Render Signature Integration Summary",
                "06.02",
                Some("phase"),
                "Render Signature Integration Summary",
            ),
            (
                "1.1 Environment Preparation",
                "1.1",
                None,
                "Environment Preparation",
            ),
            (
                "0.3.2 Create GCS Backend (GCP)",
                "0.3.2",
                None,
                "Create GCS Backend (GCP)",
            ),
            ("Phase 4.7: Install", "4.7", Some("phase"), "Install"),
        ];
        for (text, number, kind, title) in fire {
            let s = rec(text).unwrap_or_else(|| panic!("{text:?} is not a subphase"));
            assert_eq!(
                (s.number.as_str(), s.kind.as_deref(), s.title.as_str()),
                (number, kind, title),
                "{text:?}"
            );
        }
        for near in [
            "⬜ Overview",
            "✅ Done: 4.7 shipped",
            "🚀 Task groups 1.1 to 1.4",
            "Checkpoints",
            "Step 1: install",
            "Task 2",
            "Story time",
            "v1.2 release notes",
            "Release v1.2",
            "Milestones",
            "Milestone-Übersicht",
            "10-15 minutes of setup",
            "2025-10-31 notes",
            "Phase 4: ArgoCD",
            "Phase 06 planning",
            "Plan 5 alternatives",
        ] {
            assert!(rec(near).is_none(), "{near:?} read as {:?}", rec(near));
        }
    }

    /// Headings are skipped before any pattern only when no number can be in
    /// them: a configured pattern whose number is dots alone still reads one.
    #[test]
    fn headings_without_digits_or_dots_skip_the_patterns_and_only_they() {
        let c = Config::builtin();
        for t in ["Tasks", "Overview and goals", "✅ Done", ""] {
            assert!(recognise(t, &c.headings, &c.environments).is_none(), "{t}");
        }
        let mut rules = c.headings.clone();
        rules.subphase =
            vec![crate::config::pattern::Pattern::new(r"^Part (?P<number>\.+)$").unwrap()];
        let s = recognise("Part ..", &rules, &c.environments).unwrap();
        assert_eq!(s.number, "..");
        assert!(recognise("Part one", &rules, &c.environments).is_none());
    }

    #[test]
    fn unit_level_is_the_most_common_shallowest_on_ties() {
        assert_eq!(unit_level([4, 4, 5, 5, 5]), Some(5));
        assert_eq!(unit_level([3, 4, 4, 3]), Some(3));
        assert_eq!(unit_level([]), None);
    }

    #[test]
    fn natural_order() {
        assert_eq!(cmp_numbers("4.9", "4.10"), Ordering::Less);
        assert_eq!(
            cmp_natural("phase-4.9-a.md", "phase-4.10-a.md"),
            Ordering::Less
        );
        assert_eq!(cmp_natural("a", "b"), Ordering::Less);
    }
}
