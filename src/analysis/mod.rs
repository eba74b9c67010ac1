//! Analyses: rules that read parsed files and report [`Finding`]s. One rule per
//! file, all listed in one static registry ([`RULES`]) with their id, a one-line
//! doc and default severity. A run derives the facts every rule shares once per
//! file ([`FileFacts`]), runs the per-file half of each rule in parallel and the
//! cross-file half after it, then applies configured severities and inline
//! suppressions (`<!-- replan-disable rule -->`) and sorts.

mod budget_lines;
mod budget_tokens;
mod content_terms;
mod decision_conflict;
pub(crate) mod facts;
pub(crate) mod fence_reading;
mod fence_suspicious;
mod fence_unclosed;
mod heading_setext;
mod link_broken;
mod link_stale_mention;
pub(crate) use link_stale_mention::NOW_IN as STALE_MENTION_NOW_IN;
mod phase_duplicate;
mod phase_mislabeled;
mod phase_missing;
mod phase_order;
pub mod status;
mod status_claims;
pub mod suggest;
mod suppress;
mod task_size;
pub mod words;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

pub use facts::{FileFacts, SubHead};
pub use phase_mislabeled::{verdicts as mislabeled_verdicts, Verdict};

use crate::config::check::Level;
use crate::config::{Config, ConfigError};
use crate::finding::{self, Finding, Severity};
use crate::model::Document;
use crate::tokens::Encoding;

/// One parsed file handed to the rules.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Path relative to the root.
    pub rel: &'a Path,
    /// The parsed file.
    pub doc: &'a Document,
}

/// A rule's entry in the registry.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable id, e.g. `phase.mislabeled`.
    pub id: &'static str,
    /// One line saying what it reports.
    pub doc: &'static str,
    /// Severity unless configured otherwise.
    pub default: Severity,
    /// Builds the rule for one run.
    pub ctor: fn(&Ctx) -> Box<dyn Rule>,
    /// What it reads, why it matters and how to fix it (`replan rule ID`).
    pub long: &'static str,
    /// The settings that tune it beyond its severity, as keys of `replan.yaml`.
    pub settings: &'static [&'static str],
    /// The anchor of the `rules/README.md` section that documents those settings.
    pub section: &'static str,
    /// A short case it reports, when one fits on a screen.
    pub example: Option<Example>,
}

/// Files a rule reports on under the built-in rules (with `repo_roots: [infra]`
/// and no such folder), and the message it gives: a unit test runs every example.
#[derive(Debug)]
pub struct Example {
    /// `(path, Markdown)` pairs, paths relative to the root.
    pub files: &'static [(&'static str, &'static str)],
    /// The start of the message of the finding it gives.
    pub message: &'static str,
}

/// A check. Both halves default to doing nothing.
pub trait Rule: Send + Sync {
    /// Findings about one file on its own.
    fn check_file(&self, _cx: &Ctx, _file: &FileFacts, _out: &mut Vec<Finding>) {}
    /// Findings that need several files (folders, link targets, claims).
    fn check_set(&self, _cx: &Ctx, _files: &[FileFacts], _out: &mut Vec<Finding>) {}
}

/// Every rule, in id order.
pub static RULES: &[RuleInfo] = &[
    budget_lines::INFO,
    budget_tokens::INFO,
    content_terms::INFO,
    decision_conflict::INFO,
    fence_suspicious::INFO,
    fence_unclosed::INFO,
    heading_setext::INFO,
    link_broken::INFO,
    link_stale_mention::INFO,
    phase_duplicate::INFO,
    phase_mislabeled::INFO,
    phase_missing::INFO,
    phase_order::INFO,
    status::disagree::INFO,
    status::stale::INFO,
    status_claims::INFO,
    suppress::INFO,
    task_size::INFO,
];

/// Every rule id.
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

/// Check that every rule id the configuration names is a rule, so a typo in
/// `check.severity` or an override is an error located in its file rather than a
/// setting that silently does nothing.
pub fn check_rule_ids(cfg: &Config) -> Result<(), ConfigError> {
    let named = cfg
        .check
        .severity
        .keys()
        .chain(cfg.check.overrides.iter().flat_map(|o| o.severity.keys()));
    for id in named {
        if rule(id).is_none() {
            let close = suggest::similar_ids(id);
            let message = if close.is_empty() {
                format!(
                    "unknown rule id `{id}` (known: {})",
                    rule_ids().collect::<Vec<_>>().join(", ")
                )
            } else {
                format!(
                    "unknown rule id `{id}`{} (`replan rule --all` lists every rule)",
                    suggest::did_you_mean(&close)
                )
            };
            return Err(ConfigError {
                file: cfg.locate(id),
                message,
            });
        }
    }
    Ok(())
}

/// The registry entry for an id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// What the rules share during one run.
pub struct Ctx<'a> {
    /// The root every path is relative to.
    pub root: &'a Path,
    /// The configuration.
    pub cfg: &'a Config,
    /// The token encoding of the budgets.
    pub encoding: Encoding,
    /// Token counts already known, by input index; 0 for a file the run only
    /// made sure fits its token budget (`budget.tokens` is the only reader).
    pub tokens: Option<&'a [usize]>,
    /// Files a plan will create that are not checked (the archive): links into
    /// them resolve before they exist on disk.
    pub targets: HashMap<&'a Path, &'a Document>,
    /// The folders holding `targets`, which the plan creates with them.
    pub target_dirs: HashSet<&'a Path>,
    /// Files a plan moves away or deletes: gone, though still on disk.
    pub gone: HashSet<&'a Path>,
    /// Files a plan moves into the archive, with the parts made of them.
    pub moved: Vec<MovedFile<'a>>,
    /// The migrate manifest's text when it is among the files given (tests and
    /// rule examples); otherwise rules read it from under the root.
    pub manifest: Option<&'a str>,
    /// `decision.conflict`'s findings, found beside the token count.
    pub decision_conflicts: Option<Vec<crate::decisions::Conflict>>,
    /// When asked for: `phase.mislabeled`'s verdicts on each file it read on
    /// its own (by input index), kept for the fixes of this run.
    pub verdicts: Option<&'a KeptVerdicts>,
    /// The subphases of the active plans, once a status rule has asked
    /// ([`status::units::units_of`]).
    pub(crate) units: std::sync::OnceLock<Vec<status::units::Unit>>,
}

impl Ctx<'_> {
    /// A finding of `rule` about `file` at `line`; severity is set later from config.
    pub fn finding(
        &self,
        rule: &'static str,
        file: &FileFacts,
        line: usize,
        message: impl Into<String>,
    ) -> Finding {
        let default = self::rule(rule).map_or(Severity::Warning, |r| r.default);
        Finding::new(rule, default, file.path.clone(), line, message)
    }
}

/// Per-file size facts reported alongside findings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileStat {
    /// Root-relative path, `/`-separated.
    pub path: String,
    /// Lines in the file.
    pub lines: usize,
    /// Tokens in the file, in the report's encoding.
    pub tokens: usize,
}

/// Everything one check run produced.
#[derive(Debug, Clone)]
pub struct Report {
    /// The token encoding used.
    pub encoding: Encoding,
    /// Size of every file, in input order.
    pub files: Vec<FileStat>,
    /// Findings in report order.
    pub findings: Vec<Finding>,
    /// `phase.mislabeled`'s verdicts on the files it judged on their own, by
    /// root-relative path: what the fixes read, judged once.
    pub verdicts: Verdicts,
}

/// `phase.mislabeled`'s verdicts on a file's subphases, by its root-relative path.
pub type Verdicts = HashMap<std::path::PathBuf, Vec<Verdict>>;

/// The verdicts kept during a run, by input index (filled from the rule's threads).
pub type KeptVerdicts = std::sync::Mutex<Vec<(usize, Vec<Verdict>)>>;

/// The configured budget encoding (o200k_base when unset or unknown).
pub fn encoding(cfg: &Config) -> Encoding {
    Encoding::from_name(&cfg.budgets.encoding).unwrap_or(Encoding::O200kBase)
}

/// Run every rule over a set of parsed files under `root`; findings sorted by path,
/// line, rule. Pure except for reads under `root`: existence checks of link targets
/// and artifacts, and the migrate manifest (`link.stale-mention`). Tokens are counted only for files a token budget could reject.
pub fn run_all(root: &Path, files: &[Input], cfg: &Config) -> Vec<Finding> {
    run(root, files, &Planned::default(), cfg, None)
}

/// What a plan changes that the files to check do not show, for [`run_planned`].
#[derive(Debug, Default)]
pub struct Planned<'a> {
    /// Files the plan puts where `check` does not look (the archive): not checked,
    /// and costing nothing but lookups, yet links into them (and their folders)
    /// resolve as they will on disk.
    pub targets: &'a [Input<'a>],
    /// Files the plan moves away or deletes: links into them are broken, though
    /// the files are still on disk.
    pub gone: &'a [&'a Path],
    /// Files the plan splits and archives: mentions of them go stale (as the
    /// manifest will record them once the plan is applied).
    pub moved: &'a [MovedFile<'a>],
    /// The decisions of the planned files, when the planner extracted them
    /// already (for its topic files): `decision.conflict` reads them there.
    pub decisions: Option<&'a crate::decisions::Extracted<'a>>,
}

/// A Markdown file a plan moves into the archive, and the parts made of it.
#[derive(Debug, Clone, Copy)]
pub struct MovedFile<'a> {
    /// Its root-relative path before the plan.
    pub from: &'a Path,
    /// Its root-relative path in the archive.
    pub to: &'a Path,
    /// The files made of its text, in reading order.
    pub parts: &'a [std::path::PathBuf],
}

/// Like [`run_all`], on a tree that exists only as a plan.
pub fn run_planned(root: &Path, files: &[Input], planned: &Planned, cfg: &Config) -> Vec<Finding> {
    run(root, files, planned, cfg, None)
}

/// Like [`run_all`], but counts every file's tokens as well (in parallel) and
/// returns them with the findings.
pub fn check(root: &Path, files: &[Input], cfg: &Config) -> Report {
    report(root, files, cfg, true)
}

/// [`run_all`]'s findings with `phase.mislabeled`'s verdicts, and with
/// `count_all` every file's tokens (counted in parallel) as [`check`] gives them.
pub fn report(root: &Path, files: &[Input], cfg: &Config, count_all: bool) -> Report {
    let enc = encoding(cfg);
    if !count_all {
        let (findings, verdicts) = run_judged(root, files, cfg, None);
        return Report {
            encoding: enc,
            files: Vec::new(),
            findings,
            verdicts,
        };
    }
    let tokens: Vec<usize> = files
        .par_iter()
        .map(|f| enc.count(&f.doc.source.text))
        .collect();
    let (findings, verdicts) = run_judged(root, files, cfg, Some(&tokens));
    let stats = files
        .iter()
        .zip(&tokens)
        .map(|(f, &t)| FileStat {
            path: facts::display(f.rel),
            lines: f.doc.source.line_count(),
            tokens: t,
        })
        .collect();
    Report {
        encoding: enc,
        files: stats,
        findings,
        verdicts,
    }
}

/// The findings of every rule, and the verdicts `phase.mislabeled` kept.
fn run_judged(
    root: &Path,
    files: &[Input],
    cfg: &Config,
    tokens: Option<&[usize]>,
) -> (Vec<Finding>, Verdicts) {
    let keep = std::sync::Mutex::new(Vec::new());
    let findings = run_inner(
        root,
        files,
        &Planned::default(),
        cfg,
        tokens,
        None,
        Some(&keep),
    );
    let verdicts = keep
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(i, v)| (files[i].rel.to_path_buf(), v))
        .collect();
    (findings, verdicts)
}

fn run<'a>(
    root: &'a Path,
    files: &[Input],
    planned: &Planned<'a>,
    cfg: &'a Config,
    tokens: Option<&'a [usize]>,
) -> Vec<Finding> {
    run_inner(root, files, planned, cfg, tokens, None, None)
}

/// Like [`run_all`], with only the rules named `ids` (and their findings):
/// how the fixes re-check the files they changed.
pub fn run_only(root: &Path, files: &[Input], cfg: &Config, ids: &[&str]) -> Vec<Finding> {
    run_inner(root, files, &Planned::default(), cfg, None, Some(ids), None)
}

/// The rules (only those named `only`, when given) over `files`, keeping
/// `phase.mislabeled`'s verdicts in `keep` when given.
fn run_inner<'a>(
    root: &'a Path,
    files: &[Input],
    planned: &Planned<'a>,
    cfg: &'a Config,
    tokens: Option<&'a [usize]>,
    only: Option<&[&str]>,
    keep: Option<&'a KeptVerdicts>,
) -> Vec<Finding> {
    let wanted = |id: &str| only.is_none_or(|o| o.contains(&id));
    let counted: Vec<usize>;
    let mut cx = Ctx {
        root,
        cfg,
        encoding: encoding(cfg),
        tokens,
        targets: planned.targets.iter().map(|t| (t.rel, t.doc)).collect(),
        target_dirs: planned
            .targets
            .iter()
            .flat_map(|t| t.rel.ancestors().skip(1))
            .filter(|d| !d.as_os_str().is_empty())
            .collect(),
        gone: planned.gone.iter().copied().collect(),
        moved: planned.moved.to_vec(),
        manifest: files
            .iter()
            .find(|f| f.rel == Path::new(&cfg.archive.manifest))
            .map(|f| f.doc.source.text.as_str()),
        decision_conflicts: None,
        verdicts: keep,
        units: std::sync::OnceLock::new(),
    };
    // Extracting decisions for `decision.conflict` is as costly as a rule pass:
    // it runs on one core while the other counts tokens.
    let want_conflicts =
        wanted(decision_conflict::INFO.id) && cfg.enabled_somewhere(decision_conflict::INFO.id);
    let conflicts_job = || {
        want_conflicts.then(|| {
            let list: Vec<(&Path, &Document)> = files.iter().map(|f| (f.rel, f.doc)).collect();
            decision_conflict::find(&list, cfg, planned.decisions)
        })
    };
    let mut conflicts = None;
    if cx.tokens.is_none()
        && wanted(budget_tokens::INFO.id)
        && cfg.enabled_somewhere(budget_tokens::INFO.id)
    {
        // Count the files a token budget could reject up front, largest first, so
        // the two cores finish together instead of one waiting on a big file.
        let mut need: Vec<usize> = (0..files.len())
            .filter(|&i| {
                let (_, max) = cx.cfg.budget_for(files[i].rel);
                max > 0
                    && files[i].doc.source.text.len() > max
                    && !budget_lines::exempt(files[i].doc)
            })
            .collect();
        need.sort_by_key(|&i| std::cmp::Reverse(files[i].doc.source.text.len()));
        let enc = cx.encoding;
        let (pairs, found): (Vec<(usize, usize)>, _) = rayon::join(
            || {
                need.par_iter()
                    .with_max_len(1)
                    .map(|&i| {
                        let (_, max) = cfg.budget_for(files[i].rel);
                        let t = enc.count_over(&files[i].doc.source.text, max);
                        (i, t.over().unwrap_or(0))
                    })
                    .collect()
            },
            conflicts_job,
        );
        conflicts = Some(found);
        let mut v = vec![0; files.len()];
        for (i, n) in pairs {
            v[i] = n;
        }
        counted = v;
        cx.tokens = Some(&counted);
    }
    cx.decision_conflicts = match conflicts {
        Some(found) => found,
        None => conflicts_job(),
    };
    let facts: Vec<FileFacts> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| FileFacts::new(i, f.rel, f.doc, &cx))
        .collect();
    let rules: Vec<(&RuleInfo, Box<dyn Rule>)> = RULES
        .iter()
        .filter(|r| wanted(r.id))
        .map(|r| (r, (r.ctor)(&cx)))
        .collect();
    // The rules over the whole set read only the facts, never the per-file
    // findings: they run beside the per-file pass (and beside each other)
    // instead of on one core after it. Findings keep the order of the serial
    // run: per file, then each set rule's in registry order.
    let (mut out, per_set): (Vec<Finding>, Vec<Vec<Finding>>) = rayon::join(
        || {
            facts
                .par_iter()
                .flat_map_iter(|f| {
                    let mut v = Vec::new();
                    for (_, r) in &rules {
                        r.check_file(&cx, f, &mut v);
                    }
                    v
                })
                .collect()
        },
        || {
            rules
                .par_iter()
                .with_max_len(1)
                .map(|(_, r)| {
                    let mut v = Vec::new();
                    r.check_set(&cx, &facts, &mut v);
                    v
                })
                .collect()
        },
    );
    out.extend(per_set.into_iter().flatten());
    // Severity from configuration; `off` drops the finding.
    out.retain_mut(|f| match cfg.level_for(f.rule, &f.path) {
        Some(Level::Off) => false,
        Some(Level::Warning) => {
            f.severity = Severity::Warning;
            true
        }
        Some(Level::Error) => {
            f.severity = Severity::Error;
            true
        }
        None => true,
    });
    let mut out = suppress::apply(&cx, &facts, out);
    out.retain(|f| wanted(f.rule));
    finding::sort(&mut out);
    out
}

/// Run `f` with a context and the facts of one file read on its own (no
/// other files, no token counts): what a fix needs of what the rules know.
pub fn with_facts<R>(
    cfg: &Config,
    rel: &Path,
    doc: &Document,
    f: impl FnOnce(&Ctx, &FileFacts) -> R,
) -> R {
    let cx = Ctx {
        root: Path::new(""),
        cfg,
        encoding: encoding(cfg),
        tokens: None,
        targets: HashMap::new(),
        target_dirs: HashSet::new(),
        gone: HashSet::new(),
        moved: Vec::new(),
        manifest: None,
        decision_conflicts: None,
        verdicts: None,
        units: std::sync::OnceLock::new(),
    };
    let facts = FileFacts::new(0, rel, doc, &cx);
    f(&cx, &facts)
}

/// What `phase.mislabeled` concludes about each subphase of one file it reports.
pub fn mislabeled(cfg: &Config, rel: &Path, doc: &Document) -> Vec<Verdict> {
    with_facts(cfg, rel, doc, phase_mislabeled::verdicts)
}

/// The findings of the rules named `ids` on one file read on its own, before
/// configured severities and suppressions: how a fix checks its result.
pub fn rules_on(cfg: &Config, rel: &Path, doc: &Document, ids: &[&str]) -> Vec<Finding> {
    with_facts(cfg, rel, doc, |cx, facts| {
        let mut out = Vec::new();
        for r in RULES.iter().filter(|r| ids.contains(&r.id)) {
            let rule = (r.ctor)(cx);
            rule.check_file(cx, facts, &mut out);
            rule.check_set(cx, std::slice::from_ref(facts), &mut out);
        }
        finding::sort(&mut out);
        out
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod testutil {
    //! Helpers for the rules' unit tests.
    use super::*;

    /// Run every rule over in-memory files (paths root-relative) and keep one rule's findings.
    pub fn run_rule(rule: &str, files: &[(&str, &str)]) -> Vec<Finding> {
        run_rule_cfg(
            rule,
            files,
            &Config::builtin(),
            Path::new("/nonexistent-root"),
        )
    }

    /// As [`run_rule`] with a configuration and root.
    pub fn run_rule_cfg(
        rule: &str,
        files: &[(&str, &str)],
        cfg: &Config,
        root: &Path,
    ) -> Vec<Finding> {
        let docs: Vec<(std::path::PathBuf, Document)> = files
            .iter()
            .map(|(p, t)| (std::path::PathBuf::from(p), Document::from_text(p, t)))
            .collect();
        let inputs: Vec<Input> = docs.iter().map(|(p, d)| Input { rel: p, doc: d }).collect();
        run_all(root, &inputs, cfg)
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }
}
