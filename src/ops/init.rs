//! `init` as an operation: find the repository's planning folders and the
//! frameworks that own them ([`crate::config::planning::detect_layouts`]),
//! measure the files in each, and propose the settings a `replan.yaml` should
//! hold; then, as a separate step, write the text the front end rendered from
//! the proposal (through `apply`, like every write).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::load::read_all;
use super::Progress;
use crate::apply::{apply, ApplyOptions};
use crate::config::planning::{detect_layouts, PlanningFolder};
use crate::config::Config;
use crate::plan::{Op, Plan};
use crate::walk::{markdown_files_with, WalkOptions};

/// Lines are proposed in steps of this many.
pub const LINE_STEP: usize = 50;
/// Tokens are proposed in steps of this many.
pub const TOKEN_STEP: usize = 500;
/// A proposed budget is at most this many times the built-in one: past that a
/// file is too long to hand to a model whole, whichever folder it is in, and
/// with few files the 90th percentile is the longest file, however long.
pub const CAP: usize = 3;

/// How long the files of one folder are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Markdown files measured.
    pub files: usize,
    /// The 90th percentile of their lines (nearest rank).
    pub p90_lines: usize,
    /// The 90th percentile of their tokens.
    pub p90_tokens: usize,
    /// The longest, in lines.
    pub max_lines: usize,
    /// Files over the built-in budgets (lines or tokens).
    pub over: usize,
}

/// A planning folder found, with its sizes and the budget proposed for it.
#[derive(Debug, Clone)]
pub struct Found {
    /// What was found.
    pub folder: PlanningFolder,
    /// How long its files are (history excluded).
    pub sizes: Sizes,
    /// `(max_lines, max_tokens)` when the folder's files run longer than the
    /// built-in budget and their length is not `migrate`'s to fix; `None`
    /// keeps the built-in budget.
    pub budget: Option<(usize, usize)>,
}

impl Found {
    /// Whether files over the budget here are `migrate`'s to split: free-form
    /// plans in `plan_dirs`. A framework's files are kept whole or split
    /// beside themselves, and folders only checked are never restructured,
    /// so their length is what it is.
    pub fn split_by_migrate(&self) -> bool {
        self.folder.plan_dir && self.folder.framework.is_none()
    }
}

/// What a `replan.yaml` for this repository should say.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Where it goes.
    pub path: PathBuf,
    /// Whether a file is there already.
    pub exists: bool,
    /// The planning folders found, in [`detect_layouts`] order.
    pub found: Vec<Found>,
    /// Folders `migrate` restructures.
    pub plan_dirs: Vec<String>,
    /// Retired plans inside them.
    pub plan_exclude: Vec<String>,
    /// Other folders `check` reports on.
    pub check_dirs: Vec<String>,
    /// History, templates and configuration `check` leaves out.
    pub exclude: Vec<String>,
    /// The built-in budgets: lines, tokens, encoding.
    pub defaults: (usize, usize, String),
    /// Other folders named like plans (`plans`, `planning`, `roadmap`) that hold
    /// Markdown, with how many files: shown as commented `plan_dirs` entries, so
    /// a tree keeping its plans in `docs/architecture/plans` learns where to
    /// point replan without having it restructure thousands of files unasked.
    pub elsewhere: Vec<(String, usize)>,
    /// When no planning folder was found: the folders whose files read as
    /// plans (a numbered phase, step or milestone heading, a subphase, task
    /// checkboxes), with how many, the ones `migrate`'s note names
    /// ([`crate::plan::restructure::plan_like_folders`]), none inside one
    /// in `elsewhere`. Shown as commented `plan_dirs` entries: a tree
    /// keeping its plans in `docs/mediator-framework/progress` was written a
    /// file naming only the built-in folders, which `migrate` then told it to
    /// change.
    pub read_as_plans: Vec<(String, usize)>,
    /// Folders of numbered decision records (`docs/adr` holding `0001-x.md` or
    /// `ADR-0001-x.md`), with how many: shown as a commented
    /// `decisions.records_dir`, which is off unless set.
    pub records: Vec<(String, usize)>,
    /// The built-in per-glob budgets (README, CHANGELOG), as `(glob, lines,
    /// tokens)`: a list in `replan.yaml` replaces the built-in one, so they are
    /// written again before the proposed ones.
    pub builtin_overrides: Vec<(String, Option<usize>, Option<usize>)>,
}

impl Proposal {
    /// Whether any planning folder was found.
    pub fn nothing_found(&self) -> bool {
        self.found.is_empty()
    }
}

fn round_up(n: usize, step: usize) -> usize {
    n.div_ceil(step) * step
}

/// The nearest-rank 90th percentile of `v` (sorted here); 0 for none.
fn p90(mut v: Vec<usize>) -> usize {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    let rank = (v.len() * 9).div_ceil(10);
    v[rank.max(1) - 1]
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The `plan_dirs` glob of everything under folder `d`, its name escaped
/// (`x/[wip]` would match `x/w`); `None` for a name a commented YAML line
/// cannot hold as written (not UTF-8, or a control character such as a
/// newline, which would end the comment).
fn folder_glob(d: &Path) -> Option<String> {
    let name = d.to_str()?;
    if name.chars().any(char::is_control) {
        return None;
    }
    Some(format!("{}/**", globset::escape(&display(d))))
}

/// Look at the repository under `root` (with `cfg` the built-in rules, or
/// `--rules`) and propose its `replan.yaml`, to be written at `path`.
pub fn propose(
    root: &Path,
    path: &Path,
    cfg: &Config,
    progress: Progress,
) -> anyhow::Result<Proposal> {
    if !root.is_dir() {
        anyhow::bail!("{}: not a folder", root.display());
    }
    let enc = crate::analysis::encoding(cfg);
    enc.warm();
    let (walked, _) = markdown_files_with(root, WalkOptions::default(), &cfg.unignored_dirs());
    let mut paths: Vec<PathBuf> = walked.iter().map(|f| f.rel.clone()).collect();
    // A framework may be known by a file that is no Markdown (GSD's
    // `.planning/config.json`); a folder marker shows in the paths below it.
    for f in &cfg.frameworks {
        paths.extend(
            f.detect
                .iter()
                .filter(|d| root.join(d).is_file() && !paths.contains(&PathBuf::from(d)))
                .map(PathBuf::from)
                .collect::<Vec<_>>(),
        );
    }
    let folders = detect_layouts(&paths, cfg);

    let owner: std::collections::HashMap<&str, usize> = folders
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.files.iter().map(move |r| (r.as_str(), i)))
        .collect();
    let targets: Vec<(PathBuf, PathBuf)> = walked
        .into_iter()
        .filter(|f| owner.contains_key(display(&f.rel).as_str()))
        .map(|f| (f.abs, f.rel))
        .collect();
    let loaded = read_all(&targets, progress);
    let pb = progress(Some(loaded.docs.len() as u64), "counting");
    let measured: Vec<(usize, usize, usize)> = loaded
        .docs
        .par_iter()
        .map(|(rel, doc)| {
            let i = owner.get(display(rel).as_str()).copied().unwrap_or(0);
            let tokens = enc.count(&doc.source.text);
            pb.inc(1);
            (i, doc.source.line_count(), tokens)
        })
        .collect();
    pb.finish_and_clear();

    let (max_lines, max_tokens) = (cfg.budgets.max_lines, cfg.budgets.max_tokens);
    let over =
        |l: usize, t: usize| (max_lines > 0 && l > max_lines) || (max_tokens > 0 && t > max_tokens);
    let fit =
        |p: usize, step: usize, default: usize| round_up(p, step).max(default).min(default * CAP);
    let found: Vec<Found> = folders
        .into_iter()
        .enumerate()
        .map(|(i, folder)| {
            let mine: Vec<(usize, usize)> = measured
                .iter()
                .filter(|m| m.0 == i)
                .map(|m| (m.1, m.2))
                .collect();
            let sizes = Sizes {
                files: mine.len(),
                p90_lines: p90(mine.iter().map(|m| m.0).collect()),
                p90_tokens: p90(mine.iter().map(|m| m.1).collect()),
                max_lines: mine.iter().map(|m| m.0).max().unwrap_or(0),
                over: mine.iter().filter(|m| over(m.0, m.1)).count(),
            };
            let mut f = Found {
                folder,
                sizes,
                budget: None,
            };
            if !f.split_by_migrate() && over(f.sizes.p90_lines, f.sizes.p90_tokens) {
                f.budget = Some((
                    fit(f.sizes.p90_lines, LINE_STEP, max_lines),
                    fit(f.sizes.p90_tokens, TOKEN_STEP, max_tokens),
                ));
            }
            f
        })
        .collect();

    let mut plan_dirs = Vec::new();
    let mut plan_exclude: BTreeSet<String> = BTreeSet::new();
    let mut check_dirs = Vec::new();
    // A list written here replaces the built-in one, so the built-in exclusions
    // (Claude Code's own configuration) are written out with the found ones.
    let mut exclude: BTreeSet<String> = cfg.exclude.sources().iter().cloned().collect();
    for f in &found {
        exclude.extend(f.folder.history.iter().cloned());
        if f.folder.plan_dir {
            plan_dirs.push(f.folder.glob());
            plan_exclude.extend(f.folder.history.iter().cloned());
        } else {
            check_dirs.push(f.folder.glob());
        }
    }
    if found.is_empty() {
        plan_dirs = cfg.plan_dirs.sources().to_vec();
        check_dirs = cfg.check_dirs.sources().to_vec();
        plan_exclude.extend(cfg.plan_exclude.sources().iter().cloned());
    }
    let named = named_like_plans(&paths, &found, cfg);
    let records = record_folders(&paths, cfg);
    let read_as_plans = if found.is_empty() {
        plan_like(root, &paths, &named, cfg, progress)
    } else {
        Vec::new()
    };
    let elsewhere = most_first(named);
    Ok(Proposal {
        elsewhere,
        read_as_plans,
        records,
        path: path.to_path_buf(),
        exists: std::fs::symlink_metadata(path).is_ok(),
        found,
        plan_dirs,
        plan_exclude: plan_exclude.into_iter().collect(),
        check_dirs,
        exclude: exclude.into_iter().collect(),
        defaults: (max_lines, max_tokens, enc.name().to_string()),
        builtin_overrides: cfg
            .budgets
            .overrides
            .iter()
            .map(|o| (o.glob.as_str().to_string(), o.max_lines, o.max_tokens))
            .collect(),
    })
}

/// Folder names that say "plans" whatever framework wrote them.
const PLAN_FOLDER_NAMES: [&str; 4] = ["plans", "planning", "roadmap", "roadmaps"];

/// The shallowest folder named like plans above each Markdown file that is not
/// in a found folder, the archive or an excluded one, with its file count.
fn named_like_plans(paths: &[PathBuf], found: &[Found], cfg: &Config) -> Vec<(PathBuf, usize)> {
    let archive = Path::new(cfg.archive.dir.trim_end_matches('/'));
    let mut count: std::collections::BTreeMap<PathBuf, usize> = Default::default();
    for rel in paths {
        let is_md = rel
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        let known = found
            .iter()
            .any(|f| rel.starts_with(&f.folder.dir) || Path::new(&f.folder.dir).starts_with(rel));
        if !is_md || known || rel.starts_with(archive) || cfg.exclude.is_match(rel) {
            continue;
        }
        let mut dir = PathBuf::new();
        let parents = rel.parent().map(|p| p.components().count()).unwrap_or(0);
        for c in rel.components().take(parents) {
            dir.push(c);
            let name = c.as_os_str().to_string_lossy().to_lowercase();
            if PLAN_FOLDER_NAMES.contains(&name.as_str()) {
                *count.entry(dir.clone()).or_default() += 1;
                break;
            }
        }
    }
    count.into_iter().collect()
}

/// Folders with their counts as `plan_dirs` globs ([`folder_glob`]), most
/// files first.
fn most_first(dirs: Vec<(PathBuf, usize)>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = dirs
        .into_iter()
        .filter_map(|(d, n)| Some((folder_glob(&d)?, n)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The folders of the Markdown files at `paths` whose files read as plans
/// (see [`Proposal::read_as_plans`]), each as a glob with how many, those
/// inside a folder of `named` (offered already) left out.
fn plan_like(
    root: &Path,
    paths: &[PathBuf],
    named: &[(PathBuf, usize)],
    cfg: &Config,
    progress: Progress,
) -> Vec<(String, usize)> {
    let targets: Vec<(PathBuf, PathBuf)> = paths
        .iter()
        .filter(|rel| {
            rel.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        })
        .map(|rel| (root.join(rel), rel.clone()))
        .collect();
    let loaded = read_all(&targets, progress);
    // A folder inside one offered by its name is offered already; a parent
    // of one (`notes/` holding the plans beside a stale `notes/planning/`)
    // is not, and is weighed on its own. Compared as paths: a glob names a
    // folder escaped (`x/[[]wip[]]`), not as it is.
    let offered = |d: &Path| named.iter().any(|(n, _)| d.starts_with(n));
    let found = crate::plan::restructure::plan_like_folders(cfg, &loaded.docs, &offered);
    if !found.read_as_plans {
        return Vec::new();
    }
    found
        .dirs
        .into_iter()
        .filter_map(|(d, n)| Some((folder_glob(&d)?, n)))
        .collect()
}

/// Folders named like decision records that hold numbered Markdown files
/// (`0001-x.md`, `ADR-0001-x.md`) directly, with how many, most first; the
/// archive and excluded folders left out. A record is what migrate takes for
/// one (`decisions::is_record`), so the folder offered is one migrate reads
/// the same way.
fn record_folders(paths: &[PathBuf], cfg: &Config) -> Vec<(String, usize)> {
    let archive = Path::new(cfg.archive.dir.trim_end_matches('/'));
    let mut count: std::collections::BTreeMap<&Path, usize> = Default::default();
    for rel in paths {
        let Some(dir) = rel.parent() else {
            continue;
        };
        if crate::decisions::is_record(rel, None)
            && !rel.starts_with(archive)
            && !cfg.exclude.is_match(rel)
        {
            *count.entry(dir).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = count.into_iter().map(|(d, n)| (display(d), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Write `text` at `path`; an existing file is replaced only with `force`.
pub fn write(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{}: not a file name", path.display()))?;
    let mut plan = Plan::new(dir);
    plan.ops.push(Op::create(PathBuf::from(name), text));
    apply(
        &plan,
        ApplyOptions {
            force,
            ..ApplyOptions::default()
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_offered_as_a_glob_matching_it_or_not_at_all() {
        assert_eq!(folder_glob(Path::new("docs/work")).unwrap(), "docs/work/**");
        // Read as a class, `[wip]` would match a folder named `w`.
        let g = folder_glob(Path::new("x/[wip]")).unwrap();
        let set = globset::Glob::new(&g).unwrap().compile_matcher();
        assert!(
            set.is_match("x/[wip]/a.md") && !set.is_match("x/w/a.md"),
            "{g}"
        );
        // A newline would end the comment the glob is offered in.
        assert_eq!(folder_glob(Path::new("nl\n- evil: 1")), None);
    }

    #[test]
    fn a_folder_offered_by_its_name_is_not_offered_again_whatever_its_name() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..2 {
            let p = d.path().join(format!("[a]/plans/sub/p{i}.md"));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "# P\n\n## Phase 1: Setup\n").unwrap();
        }
        let cfg = Config::builtin();
        let target = d.path().join("replan.yaml");
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        assert_eq!(p.elsewhere, [("[[]a[]]/plans/**".to_string(), 2)]);
        // The same folder read as plans is offered once, by its name.
        assert!(p.read_as_plans.is_empty(), "{:?}", p.read_as_plans);
    }

    #[test]
    fn the_90th_percentile_is_a_file_that_exists() {
        assert_eq!(p90(vec![]), 0);
        assert_eq!(p90(vec![7]), 7);
        assert_eq!(p90((1..=10).collect()), 9);
        assert_eq!(p90((1..=20).rev().collect()), 18);
        assert_eq!(p90(vec![100, 5, 5]), 100);
        assert_eq!(round_up(201, 50), 250);
        assert_eq!(round_up(200, 50), 200);
    }

    #[test]
    fn a_frameworks_budget_follows_its_files_and_free_plans_keep_the_default() {
        let d = tempfile::tempdir().unwrap();
        let write = |rel: &str, lines: usize| {
            let p = d.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "word\n".repeat(lines)).unwrap();
        };
        write(".planning/ROADMAP.md", 410);
        write(".planning/STATE.md", 90);
        write(".planning/milestones/v1.0-ROADMAP.md", 5000);
        write(".claude/plans/big.md", 900);
        write("README.md", 3000);
        let cfg = Config::builtin();
        let target = d.path().join("replan.yaml");
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        assert!(!p.exists);
        assert_eq!(p.plan_dirs, [".claude/plans/**", ".planning/**"]);
        assert!(p.check_dirs.is_empty(), "{:?}", p.check_dirs);
        // The built-in exclusions are kept: the written list replaces them.
        assert!(p.exclude.iter().any(|g| g == ".planning/milestones/**"));
        assert!(p.exclude.iter().any(|g| g == ".claude/skills/**"));
        let gsd = p
            .found
            .iter()
            .find(|f| f.folder.dir == ".planning")
            .unwrap();
        assert_eq!(gsd.folder.framework.as_deref(), Some("GSD"));
        // The milestone archive is not measured.
        assert_eq!((gsd.sizes.files, gsd.sizes.max_lines), (2, 410));
        assert_eq!(gsd.budget, Some((450, 4000)));
        let plans = &p.found[0];
        assert_eq!(plans.folder.dir, ".claude/plans");
        assert_eq!((plans.sizes.over, plans.budget), (1, None));
        assert!(p.elsewhere.is_empty(), "{:?}", p.elsewhere);
        // Plans kept under another name are pointed at, not taken.
        write("docs/architecture/plans/MASTER/plans/a.md", 10);
        write("docs/architecture/plans/b.md", 10);
        write("services/api/roadmap/c.md", 10);
        write("services/api/roadmap/notes.txt", 10);
        write("docs/guide.md", 10);
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        assert_eq!(
            p.elsewhere,
            [
                ("docs/architecture/plans/**".to_string(), 2),
                ("services/api/roadmap/**".to_string(), 1)
            ]
        );
        assert_eq!(p.plan_dirs, [".claude/plans/**", ".planning/**"]);
        // A folder of numbered decision records is offered as records_dir.
        assert!(p.records.is_empty(), "{:?}", p.records);
        write("docs/architecture/adr/ADR-0001-monorepo.md", 10);
        write("docs/architecture/adr/0095-stubs.md", 10);
        write("docs/architecture/adr/README.md", 10);
        write("docs/decisions/notes.md", 10);
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        assert_eq!(p.records, [("docs/architecture/adr".to_string(), 2)]);
        // Counted as migrate reads records: any letter prefix (`DR-`), a
        // separator after the number; `adr-template.md` is none.
        write("docs/architecture/adr/DR-0096-queues.md", 10);
        write("docs/architecture/adr/adr-template.md", 10);
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        assert_eq!(p.records, [("docs/architecture/adr".to_string(), 3)]);
        write("docs/architecture/adr/0097notes.md", 10);
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        assert_eq!(p.records, [("docs/architecture/adr".to_string(), 3)]);
        // A folder of very long notes is capped, not blessed.
        write(".claude/handoffs/log.md", 5000);
        let p = propose(d.path(), &target, &cfg, &super::super::no_progress).unwrap();
        let notes = p.found.iter().find(|f| f.folder.dir == ".claude").unwrap();
        assert!(!notes.folder.plan_dir);
        assert_eq!(notes.budget, Some((200 * CAP, 10_000)));
    }
}
