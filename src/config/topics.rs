//! Configuration of decision extraction (`rules/decisions.yaml`) and topic routing
//! (`rules/topics.yaml`). Strict: unknown keys are errors.

use serde::Deserialize;

use super::pattern::{AnyOf, Number, Pattern};

/// How decisions are recognised. Labels and titles compare case-insensitively,
/// ignoring punctuation and surrounding emphasis.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DecisionRules {
    /// Bold labels that start a decision: `**Decision**: …`, `**Decision:** …`.
    pub labels: Vec<String>,
    /// Also accept a label whose last words are one of `labels`
    /// (`**Repository Decision**:`), unless it is in `excluded_labels`.
    pub qualified_labels: bool,
    /// Labels that attach a rationale to the decision just before them.
    pub rationale_labels: Vec<String>,
    /// An item or paragraph with a rationale (as a direct sub-item or the next item
    /// or paragraph) is a decision even without a decision label.
    pub rationale_implies_decision: bool,
    /// Bold labels whose item or paragraph is never a decision by its rationale
    /// alone (`**What:** Run targeted API tests` with a `**Why:**`, a `**Risk**`
    /// with its `**Mitigation**`).
    pub not_implied_labels: Vec<String>,
    /// Like `not_implied_labels`, but only a label that is the whole entry:
    /// `**Reference:**` or `**Context:**` above a `**Why:**` is not a
    /// decision, while `**Background jobs**: use a queue` with its `**Why**`
    /// still is (a one-word entry of `not_implied_labels` would match it by
    /// its first word).
    pub not_implied_exact_labels: Vec<String>,
    /// Labels that are never decisions (`**Rejected**`, `**Decision Pending**`).
    pub excluded_labels: Vec<String>,
    /// Labels of facts about a decision, not of a decision (`**Made**: 2026-02-16`,
    /// `**Status**: accepted`, `Author: …`): never a decision, never joined onto
    /// the text of the one above.
    pub metadata_labels: Vec<String>,
    /// Heading prefixes that make the heading a decision (`### Decision: …`).
    pub heading_prefixes: Vec<String>,
    /// Regex for ADR headings; its `title` group names the decision.
    pub adr_heading: Pattern,
    /// Table header cells naming the decision column.
    pub table_columns: Vec<String>,
    /// Table header cells naming the rationale column.
    pub rationale_columns: Vec<String>,
    /// Section titles whose every list item is a decision.
    pub sections: Vec<String>,
    /// Section titles whose content is never a decision.
    pub excluded_sections: Vec<String>,
    /// Regexes: a decision text matching any of them is not a decision (TBD, pending, …).
    pub not_decisions: AnyOf,
    /// Folder (relative to the root) of numbered MADR records (`NNN-slug.md`):
    /// when set, migrate and consolidate write one record per topic there, numbered
    /// after the highest number the folder holds. Empty: no records.
    pub records_dir: String,
}

impl DecisionRules {
    /// The records folder, relative to the root; `None` when not set.
    pub fn records_path(&self) -> Option<std::path::PathBuf> {
        let d = self.records_dir.trim().trim_end_matches('/');
        (!d.is_empty()).then(|| std::path::PathBuf::from(d))
    }
}

/// Where decisions go.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TopicRules {
    /// Folder of the topic files, relative to the root.
    pub dir: String,
    /// Topic of decisions no route claims.
    pub general: String,
    /// Title of the general file.
    pub general_title: String,
    /// Regexes with a `number` group, tried on the headings enclosing a decision when
    /// none of them is a subphase heading (`## Phase 4: ArgoCD`).
    pub phase_headings: Vec<Pattern<Number>>,
    /// Regexes with a `number` group, tried on the file name when no enclosing heading
    /// names a phase (`phase-2.5.md`, `phase-4.7-install-argocd.md`).
    pub phase_files: Vec<Pattern<Number>>,
    /// Routes, tried in order: first by phase, then by keyword.
    pub routes: Vec<TopicRoute>,
    /// The folder `dir` stands for when it is empty, chosen from the root when
    /// the configuration is loaded ([`default_topics_dir`]); `None` without a root.
    #[serde(skip)]
    pub default_dir: Option<&'static str>,
}

/// The topic folder when `topics.dir` is not set and the project keeps its
/// notes in `.claude/` (or no root is known).
pub const DEFAULT_TOPICS_DIR: &str = ".claude/architecture";

/// The topic folder when `topics.dir` is not set and `.claude/` holds nothing
/// of the user's: beside the project's other documentation, outside the plan
/// folders (so topic files are never taken for plans to split).
pub const DOCS_TOPICS_DIR: &str = "docs/design";

/// Where topic files go by default under `root`: `.claude/architecture` when
/// the root's `.claude/` holds anything but what replan itself writes there
/// (`replan_owned`: the names under `.claude/` of its archive, manifest and
/// journal), else `docs/design`. A project that never used `.claude/` does not
/// get its design notes hidden in a dot-folder it never opens; and because
/// replan's own archive does not count, the answer is the same before and
/// after a migrate, so consolidate finds the topic files where migrate wrote them.
pub fn default_topics_dir(root: &std::path::Path, replan_owned: &[&str]) -> &'static str {
    let Ok(rd) = std::fs::read_dir(root.join(".claude")) else {
        return DOCS_TOPICS_DIR;
    };
    let users = rd.filter_map(Result::ok).any(|e| {
        let name = e.file_name();
        !replan_owned.iter().any(|o| name == std::ffi::OsStr::new(o))
    });
    if users {
        DEFAULT_TOPICS_DIR
    } else {
        DOCS_TOPICS_DIR
    }
}

impl TopicRules {
    /// The topic folder, relative to the root: `dir`, else the default chosen
    /// for the root ([`default_topics_dir`]), else [`DEFAULT_TOPICS_DIR`].
    pub fn dir_path(&self) -> std::path::PathBuf {
        if self.dir_is_set() {
            std::path::PathBuf::from(self.dir.trim().trim_end_matches('/'))
        } else {
            std::path::PathBuf::from(self.default_dir.unwrap_or(DEFAULT_TOPICS_DIR))
        }
    }

    /// Whether the configuration names the topic folder. The built-in rules
    /// leave it empty, so a folder written in a user's `replan.yaml` is a
    /// request for topic files there: it is honoured for every plan, a
    /// framework's too (see `Framework::keeps_decisions`).
    pub fn dir_is_set(&self) -> bool {
        !self.dir.trim().trim_end_matches('/').is_empty()
    }
}

/// One topic and what goes into it.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TopicRoute {
    /// Topic name; the file is `<dir>/<topic>-design.md`.
    pub topic: String,
    /// Title of a new topic file.
    pub title: String,
    /// Phases: `"2"` (2 and every 2.x) or an inclusive range `"4.1-4.7"`.
    pub phases: Vec<String>,
    /// Words that route a decision with no matching phase (case-insensitive).
    pub keywords: Vec<String>,
}
