//! Typed, strict configuration. The built-in `rules/*.yaml` and
//! `archive-layout/default.yaml` are embedded; a `replan.yaml` in the root (or
//! `--config`) is merged over them key by key (maps merge, lists and scalars replace).
//! Every file is first read on its own into the typed structs, so an unknown key or a
//! wrong type is reported with that file's line and column.

pub mod cards;
pub mod check;
mod explain;
pub mod frameworks;
pub mod pattern;
pub mod planning;
pub mod topics;
pub mod warm;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

pub use cards::{CardField, CardFieldKind, Cards};
pub use check::{CheckRules, Environment};
pub use explain::edit_distance;
pub use frameworks::{Framework, Ownership};
pub use pattern::{AnyOf, GlobPattern, Globs, Number, Pattern};
pub use topics::{DecisionRules, TopicRoute, TopicRules};

/// The embedded defaults, in merge order.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/headings.yaml",
        include_str!("../../rules/headings.yaml"),
    ),
    (
        "rules/budgets.yaml",
        include_str!("../../rules/budgets.yaml"),
    ),
    (
        "rules/environments.yaml",
        include_str!("../../rules/environments.yaml"),
    ),
    ("rules/check.yaml", include_str!("../../rules/check.yaml")),
    (
        "rules/decisions.yaml",
        include_str!("../../rules/decisions.yaml"),
    ),
    ("rules/topics.yaml", include_str!("../../rules/topics.yaml")),
    ("rules/cards.yaml", include_str!("../../rules/cards.yaml")),
    (
        "rules/frameworks.yaml",
        include_str!("../../rules/frameworks.yaml"),
    ),
    (
        "archive-layout/default.yaml",
        include_str!("../../archive-layout/default.yaml"),
    ),
];

/// A configuration problem; always names the file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ConfigError {
    /// The file at fault (with `:line:col` when known).
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// How subphase headings look.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct HeadingRules {
    /// Regexes with `number` and `title` groups, tried in order.
    pub subphase: Vec<Pattern<Number>>,
    /// Headings that make a document phased ("Phase 0: Setup", "Step 2",
    /// "Milestone 1"): only in such a document are bare section numbers ("### 2.3
    /// API") subphases; elsewhere they are a spec's outline. Unset: every
    /// document is phased (bare numbers are always subphases).
    pub phased: Pattern,
    /// Regex matched against a trailing parenthesised group to call it a duration.
    pub duration: Pattern,
    /// Longest slug after the number in a generated file name.
    pub slug_max: usize,
    /// Headings too generic to name a file alone (`Decision`, `Next Steps`): a
    /// part named after one gets its parent's name in front.
    pub generic: Vec<String>,
    /// Words a generated file name never ends with (`for`, `the`).
    pub stop_words: Vec<String>,
}

/// Line and token budgets.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Budgets {
    /// Most lines a file may have.
    pub max_lines: usize,
    /// Most tokens a file may have.
    pub max_tokens: usize,
    /// tiktoken encoding: `o200k_base` or `cl100k_base`.
    pub encoding: String,
    /// Per-glob overrides; the first matching one wins.
    pub overrides: Vec<BudgetOverride>,
    /// Share of a file's budget below which a split part is a sliver (0.25: a
    /// quarter of the lines and of the tokens); 0 turns the floor off.
    pub floor: f64,
}

/// A budget for files matching a glob.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetOverride {
    /// Glob relative to the root, e.g. `**/status/*.md`.
    pub glob: GlobPattern,
    /// Replaces `max_lines` when set.
    pub max_lines: Option<usize>,
    /// Replaces `max_tokens` when set.
    pub max_tokens: Option<usize>,
}

/// Where originals and records go (from `archive-layout/`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveLayout {
    /// Folder for archived originals, relative to the root.
    pub dir: String,
    /// Manifest path, relative to the root.
    pub manifest: String,
    /// Journal path, relative to the root.
    pub journal: String,
    /// File-name globs kept in place.
    pub keep: Globs,
}

impl ArchiveLayout {
    /// The archive folder as a root-relative path, without surrounding space or a
    /// trailing `/` (empty when unset), for `starts_with` tests on paths.
    pub fn dir_path(&self) -> PathBuf {
        PathBuf::from(self.dir.trim().trim_end_matches('/'))
    }
}

/// Where the parts of a split document go.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Flat beside the original when its folder is one plan (its files' names
    /// carry the numbers their subphases use), else a folder per document.
    #[default]
    Auto,
    /// Always a folder named after the document.
    FolderPerPlan,
    /// Always beside the original.
    Flat,
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Subphase heading patterns.
    pub headings: HeadingRules,
    /// Size budgets.
    pub budgets: Budgets,
    /// Known environments for `phase.mislabeled`.
    pub environments: Vec<Environment>,
    /// Rule severities and parameters for `check`.
    pub check: CheckRules,
    /// How decisions are recognised.
    pub decisions: DecisionRules,
    /// Topic routing for decisions.
    pub topics: TopicRules,
    /// Archive layout.
    pub archive: ArchiveLayout,
    /// Planning frameworks whose files keep their names.
    pub frameworks: Vec<Framework>,
    /// Where a split document's parts go: `auto` (flat in a folder that is one
    /// plan, else a folder per document), `folder-per-plan` or `flat`.
    pub layout: Layout,
    /// Globs (relative to the root) of folders holding plans.
    pub plan_dirs: Globs,
    /// Globs (relative to the root) of folders inside `plan_dirs` that hold
    /// retired plans and are left alone (e.g. `.claude/plans/archived/**`).
    pub plan_exclude: Globs,
    /// Globs (relative to the root) of the other planning folders `check`
    /// reports on by default, beside `plan_dirs`.
    pub check_dirs: Globs,
    /// Globs (relative to the root) `check` never reports on unless named.
    pub exclude: Globs,
    /// Name of the index file written per plan folder.
    pub index_name: String,
    /// Folders (relative to the root) where implementation artifacts live.
    pub repo_roots: Vec<String>,
    /// The files this configuration was read from, `(name, text)` in merge order,
    /// to locate settings that are judged after load (rule ids).
    /// Task cards on the files a split writes (`cards: false` turns them off).
    pub cards: Cards,
    #[serde(skip)]
    layers: std::sync::Arc<Vec<(String, String)>>,
}

impl Config {
    /// Whether the configuration leaves the file at root-relative `rel` alone
    /// (`plan_exclude` or `exclude`): no run restructures it and `check .` never
    /// reports on it, so replan must not name a file of its own there.
    pub fn leaves_alone(&self, rel: &Path) -> bool {
        self.plan_exclude.is_match(rel) || self.exclude.is_match(rel)
    }

    /// Whether the file at root-relative `rel` records what happened rather
    /// than what is planned: a retired plan or a template (`plan_exclude`), a
    /// changelog, or a file in a `logs/`, `reports/` or `history/` folder
    /// (`historial/`, `historique/`, `historie/`). The
    /// names of files it writes are history (a log's "produced
    /// `.claude/plans/tui-plan.md`" on its date): migrate leaves them as
    /// written, and `check` does not report them stale. Its links are still
    /// rewritten, since a link that works today must not break.
    pub fn records_history(&self, rel: &Path) -> bool {
        const FOLDERS: &[&str] = &[
            "logs",
            "log",
            "reports",
            "history",
            // and as other languages name it (GEMODIDA's `docs/historial/`
            // session notes had their names of moved plans rewritten)
            "historial",
            "historique",
            "historie",
            "changelog",
            "changelogs",
        ];
        const NAMES: &[&str] = &[
            "changelog",
            "changes",
            "history",
            "release-notes",
            "release_notes",
            "releases",
        ];
        if self.plan_exclude.is_match(rel) {
            return true;
        }
        let in_folder = rel.parent().is_some_and(|p| {
            p.components().any(|c| {
                let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
                FOLDERS.contains(&c.as_str())
            })
        });
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        in_folder || NAMES.contains(&stem.as_str())
    }

    /// Built-in defaults only.
    pub fn builtin() -> Config {
        // The embedded files are tested to load; fall back to empty on the impossible.
        Config::load(None, None, None).unwrap_or_default()
    }

    /// Defaults (or `rules_dir`), then `<root>/replan.yaml` or `config_file` over them.
    pub fn load(
        root: Option<&Path>,
        config_file: Option<&Path>,
        rules_dir: Option<&Path>,
    ) -> Result<Config, ConfigError> {
        let mut layers: Vec<(String, String)> = Vec::new();
        match rules_dir {
            Some(dir) => {
                let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                    .map_err(|e| ConfigError {
                        file: dir.display().to_string(),
                        message: format!("cannot read rules folder: {e}"),
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                    .collect();
                files.sort();
                for (name, text) in BUILTIN {
                    if name.starts_with("archive-layout/") {
                        layers.push((name.to_string(), text.to_string()));
                    }
                }
                for f in files {
                    layers.push((f.display().to_string(), read(&f)?));
                }
            }
            None => {
                for (name, text) in BUILTIN {
                    layers.push((name.to_string(), text.to_string()));
                }
            }
        }
        let user = match (config_file, root) {
            (Some(f), _) => Some(f.to_path_buf()),
            (None, Some(r)) if r.join("replan.yaml").is_file() => Some(r.join("replan.yaml")),
            _ => None,
        };
        if let Some(f) = user {
            layers.push((f.display().to_string(), read(&f)?));
        }
        let mut merged = Value::Object(Default::default());
        for (name, text) in &layers {
            if text.trim().is_empty() {
                continue;
            }
            // Each file is read on its own first, so an unknown key, a wrong type or
            // a bad pattern is reported at its line and column: its patterns are
            // compiled here, so the merged tree's can wait for their first use.
            // The embedded files are tested to compile.
            let builtin = BUILTIN.iter().any(|(n, _)| n == name);
            if !builtin {
                pattern::eagerly(|| serde_saphyr::from_str::<Config>(text))
                    .map_err(|e| located(name, text, e))?;
            }
            let v: Value = serde_saphyr::from_str(text).map_err(|e| located(name, text, e))?;
            merge(&mut merged, v);
        }
        // The merged tree is read by the same YAML reader as each file (JSON is
        // YAML), so it takes what each file was checked to take: `"200"` for a
        // number, `3` for a name. serde_json would refuse those here, after the
        // check, with no place to point at.
        let merged = serde_json::to_string(&merged).unwrap_or_default();
        // Its patterns were checked in the files they came from.
        let merged = pattern::checked_already(|| serde_saphyr::from_str::<Config>(&merged));
        let mut cfg: Config = merged.map_err(|e| ConfigError {
            file: "configuration".into(),
            message: serde_saphyr::MessageFormatter::format_message(
                &explain::Wording { text: "" },
                e.without_snippet(),
            )
            .into_owned(),
        })?;
        cfg.validate().map_err(|(text, msg)| ConfigError {
            file: locate(&layers, &text),
            message: msg,
        })?;
        cfg.layers = std::sync::Arc::new(layers);
        if let Some(root) = root {
            if !cfg.topics.dir_is_set() {
                let owned: Vec<&str> = [
                    &cfg.archive.dir,
                    &cfg.archive.manifest,
                    &cfg.archive.journal,
                ]
                .iter()
                .filter_map(|p| p.trim().strip_prefix(".claude/"))
                .filter_map(|p| p.split('/').next())
                .collect();
                cfg.topics.default_dir = Some(topics::default_topics_dir(root, &owned));
            }
        }
        Ok(cfg)
    }

    /// The files read besides the built-in rules (`--rules` files, then
    /// `replan.yaml` or `--config`), in merge order.
    pub fn user_files(&self) -> Vec<&str> {
        self.layers
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| !BUILTIN.iter().any(|(b, _)| b == name))
            .collect()
    }

    /// `file:line:col` of the first layer (from the last) that holds `text` as
    /// written, for messages about a setting found after the files were read.
    pub fn locate(&self, text: &str) -> String {
        locate(&self.layers, text)
    }

    /// The line and token budget for a path relative to the root: the first
    /// override whose glob matches, else the defaults.
    pub fn budget_for(&self, rel: &Path) -> (usize, usize) {
        let b = &self.budgets;
        match b.overrides.iter().find(|o| o.glob.is_match(rel)) {
            Some(o) => (
                o.max_lines.unwrap_or(b.max_lines),
                o.max_tokens.unwrap_or(b.max_tokens),
            ),
            None => (b.max_lines, b.max_tokens),
        }
    }

    /// The configured level of a rule for a root-relative path, if configuration
    /// says anything: `check.severity`, then every matching override in order.
    pub fn level_for(&self, rule: &str, path: &str) -> Option<check::Level> {
        let mut level = self.check.severity.get(rule).copied();
        for o in &self.check.overrides {
            if let Some(l) = o.severity.get(rule) {
                if o.glob.is_match(path) {
                    level = Some(*l);
                }
            }
        }
        level
    }

    /// Whether a root-relative path is in the planning folders `check` of the
    /// whole project reports on (`plan_dirs`, `check_dirs`, less `exclude`).
    /// A project with no file there is checked whole ([`Config::check_scope`]).
    pub fn in_planning_folders(&self, rel: &Path) -> bool {
        (self.plan_dirs.is_match(rel)
            || rel.parent().is_some_and(|d| self.plan_dirs.is_match(d))
            || self.check_dirs.is_match(rel))
            && !self.exclude.is_match(rel)
    }

    /// Of the files of a whole project, those `check` reports on: the planning
    /// folders, or every file not excluded when none is in them. `migrate` reports
    /// the planned tree's findings in the same scope, so both say the same. A
    /// project whose planning folders hold only excluded files (Claude Code's
    /// skills and commands) has planning folders: it is not checked whole, where
    /// its README and docs would all be reported.
    pub fn check_scope<'p>(&self, found: &[&'p Path]) -> Vec<&'p Path> {
        let kept: Vec<&Path> = found
            .iter()
            .copied()
            .filter(|r| self.in_planning_folders(r))
            .collect();
        let has_folders = || {
            found.iter().any(|r| {
                self.plan_dirs.is_match(r)
                    || r.parent().is_some_and(|d| self.plan_dirs.is_match(d))
                    || self.check_dirs.is_match(r)
            })
        };
        if kept.is_empty() && !has_folders() {
            found
                .iter()
                .copied()
                .filter(|r| !self.exclude.is_match(r))
                .collect()
        } else {
            kept
        }
    }

    /// The folders the walk reads even when `.gitignore` hides them: the literal
    /// heads of `plan_dirs` and `check_dirs` (`.claude/plans` of
    /// `.claude/plans/**`), the topic folder and the archive, so a project that
    /// keeps `.claude/` out of git is restructured and re-run like any other.
    pub fn unignored_dirs(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        let globs = self
            .plan_dirs
            .sources()
            .iter()
            .chain(self.check_dirs.sources());
        for g in globs {
            let head: PathBuf = Path::new(g.trim())
                .components()
                .take_while(|c| {
                    !c.as_os_str()
                        .to_string_lossy()
                        .contains(['*', '?', '[', '{'])
                })
                .collect();
            if !head.as_os_str().is_empty() {
                out.push(head);
            }
        }
        out.push(self.topics.dir_path());
        out.push(self.archive.dir_path());
        out.push(PathBuf::from(".claude/archive"));
        out.extend(self.decisions.records_path());
        out.retain(|p| !p.as_os_str().is_empty() && !p.is_absolute());
        out.sort();
        out.dedup();
        // A folder below another listed one is walked with it.
        let all = out.clone();
        out.retain(|p| !all.iter().any(|q| q != p && p.starts_with(q)));
        out
    }

    /// Whether a rule can report at all for some file (not switched off everywhere).
    pub fn enabled_somewhere(&self, rule: &str) -> bool {
        self.check.severity.get(rule) != Some(&check::Level::Off)
            || self
                .check
                .overrides
                .iter()
                .any(|o| matches!(o.severity.get(rule), Some(l) if *l != check::Level::Off))
    }
}

/// A YAML error of one file, as `file:line:col: message` when the parser knows
/// where, in the words of the setting ([`explain`]), with its snippet labelled
/// with the file (not `<input>`) and without the parser's own "error: line N
/// column M:" lead, which the place already says.
fn located(name: &str, yaml: &str, e: serde_saphyr::Error) -> ConfigError {
    let wording = explain::Wording { text: yaml };
    let mut options = serde_saphyr::RenderOptions::new(&wording);
    options.source_name = Some(name);
    let text = e.render_with_options(options).replace("<input>", name);
    let Some(l) = e.location() else {
        return ConfigError {
            file: name.to_string(),
            message: text,
        };
    };
    let lead = format!("error: line {} column {}: ", l.line(), l.column());
    ConfigError {
        file: format!("{name}:{}:{}", l.line(), l.column()),
        message: text.strip_prefix(&lead).unwrap_or(&text).to_string(),
    }
}

fn read(f: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(f).map_err(|e| ConfigError {
        file: f.display().to_string(),
        message: format!("cannot read: {e}"),
    })
}

/// `file:line:col` of the first layer containing a pattern, for error messages.
fn locate(layers: &[(String, String)], pat: &str) -> String {
    // The pattern as written: plain or single-quoted, or with double-quote escapes.
    let forms = [
        pat.to_string(),
        pat.replace('\'', "''"),
        pat.replace('\\', "\\\\").replace('"', "\\\""),
    ];
    for (name, text) in layers.iter().rev() {
        for form in &forms {
            if let Some(off) = text.find(form.as_str()) {
                let line = 1 + text[..off].matches('\n').count();
                let col = 1 + off - text[..off].rfind('\n').map(|i| i + 1).unwrap_or(0);
                return format!("{name}:{line}:{col}");
            }
        }
    }
    // Not found verbatim (folded scalars, other escapes): name the files at least.
    let names: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
    format!("configuration ({})", names.join(", "))
}

/// Deep merge: maps merge recursively, everything else replaces.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests;
