//! `content.forbidden-terms`: configured terms (whole words) that must not appear
//! in files matching given globs — e.g. no tool or assistant names in
//! implementation guides and tickets.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::facts::quote;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::config::Globs;
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "content.forbidden-terms",
    doc: "a configured forbidden term appears in a file it is banned from",
    default: Severity::Warning,
    ctor: |cx| {
        let sets = cx
            .cfg
            .check
            .forbidden_terms
            .iter()
            .filter_map(|e| {
                let mut terms: Vec<&String> =
                    e.terms.iter().filter(|t| !t.trim().is_empty()).collect();
                if terms.is_empty() {
                    return None;
                }
                // Longest first, so "Claude Code" wins over "Claude".
                terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
                let alt = terms
                    .iter()
                    .map(|t| regex::escape(t.trim()))
                    .collect::<Vec<_>>()
                    .join("|");
                Some(TermSet {
                    globs: e.globs.clone(),
                    source: format!(r"(?:^|[^\w])({alt})(?:[^\w]|$)"),
                    ignore_case: e.ignore_case,
                    regex: OnceLock::new(),
                    reason: e.reason.clone(),
                })
            })
            .collect();
        Box::new(ContentTerms { sets })
    },
    long: "Each `check.forbidden_terms` entry bans whole-word terms from the files its globs \
        match; the longest term wins (\"Claude Code\" over \"Claude\"). By default tool and \
        assistant names are banned from task and ticket files, case-sensitively, so the \
        folder `.claude/` is not the tool. The finding quotes the entry's `reason`.",
    settings: &["check.forbidden_terms"],
    section: "forbidden_terms",
    example: Some(Example {
        files: &[(
            "tasks/t-4.7.md",
            "# Install ArgoCD\n\nAsk Claude to write the values file.\n",
        )],
        message: "forbidden term \"Claude\"",
    }),
};

struct ContentTerms {
    sets: Vec<TermSet>,
}

/// One `check.forbidden_terms` entry. Its regex (a Unicode `\w` class around
/// an alternation: ~7 M instructions to compile) is compiled when a file its
/// globs match is first checked: most trees have no task or ticket folder,
/// and a run paid for it anyway.
struct TermSet {
    globs: Globs,
    /// The regex of the entry's terms, longest first.
    source: String,
    ignore_case: bool,
    /// `None` inside when it does not compile (built from escaped terms, so
    /// only when absurdly large): the entry is then skipped, as it was.
    regex: OnceLock<Option<Regex>>,
    reason: String,
}

impl TermSet {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                RegexBuilder::new(&self.source)
                    .case_insensitive(self.ignore_case)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

impl Rule for ContentTerms {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        for set in &self.sets {
            if !set.globs.is_match(file.rel) {
                continue;
            }
            let Some(re) = set.regex() else { continue };
            let reason = &set.reason;
            for l in 1..=file.lines() {
                let t = file.line(l);
                let found: Vec<regex::Match> =
                    re.captures_iter(t).filter_map(|c| c.get(1)).collect();
                let Some(first) = found.first() else { continue };
                let mut names: Vec<&str> = found.iter().map(|m| m.as_str()).collect();
                names.dedup();
                let why = if reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({reason})")
                };
                out.push(
                    cx.finding(
                        INFO.id,
                        file,
                        l,
                        format!(
                            "forbidden term{} {}{why}",
                            if names.len() == 1 { "" } else { "s" },
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .column(t[..first.start()].chars().count() + 1)
                    .evidence([format!("line {l}: {}", quote(t))]),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_in_tasks_only() {
        let text = "# Task\n\nAsk Claude Code to write `iam.tf`.\n";
        let f = run_rule(
            "content.forbidden-terms",
            &[("p/tasks/a.md", text), ("p/notes.md", text)],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("\"Claude Code\""), "{}", f[0].message);
        assert_eq!(f[0].column, 5);
    }

    /// A set's regex is compiled when asked for, once, and one that does not
    /// compile (absurdly large) leaves the set out instead of failing.
    #[test]
    fn a_set_is_compiled_on_first_use() {
        let set = |source: &str| super::TermSet {
            globs: Default::default(),
            source: source.to_string(),
            ignore_case: true,
            regex: Default::default(),
            reason: String::new(),
        };
        let ok = set(r"(?:^|[^\w])(Claude)(?:[^\w]|$)");
        assert!(ok.regex.get().is_none());
        assert!(ok.regex().is_some_and(|r| r.is_match("ask CLAUDE.")));
        assert!(ok.regex.get().is_some());
        assert!(set(r"\w{100000}").regex().is_none());
    }

    #[test]
    fn near_misses_paths_and_substrings() {
        let text = "# Task\n\nSee `.claude/plans/x.md`; Claudette and WARPED are fine.\n";
        assert!(run_rule("content.forbidden-terms", &[("p/tasks/a.md", text)]).is_empty());
    }
}
