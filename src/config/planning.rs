//! Which planning folders a repository has, and which framework owns each: a
//! pure function of its Markdown paths and the configuration — the folders of
//! `plan_dirs` and `check_dirs` and the presets of `rules/frameworks.yaml` —
//! so `replan init` and any other reader (a planner choosing presets) get the
//! same answer without touching the disk.

use std::collections::BTreeSet;
use std::path::Path;

use super::Config;

/// A planning folder found in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanningFolder {
    /// The folder, root-relative and `/`-separated (`.planning`).
    pub dir: String,
    /// What it is, for people: a framework's name (`GSD`), or `Claude Code
    /// plans`, `Claude Code notes`, `superpowers`, `a planning folder`.
    pub name: String,
    /// The framework in use that owns files in it (`rules/frameworks.yaml`):
    /// `migrate` keeps their names, and their length is the tool's.
    pub framework: Option<String>,
    /// Whether `plan_dirs` covers it (`migrate` restructures it); otherwise
    /// only `check_dirs` does.
    pub plan_dir: bool,
    /// Up to three files that show what it is.
    pub evidence: Vec<String>,
    /// Globs of the folders in it that hold finished, archived, template or
    /// configuration files (`openspec/changes/archive/**`): not worth checking.
    pub history: Vec<String>,
    /// Markdown files in it, outside its history and outside a more specific
    /// folder found (`.claude/plans/` for `.claude/`).
    pub files: Vec<String>,
}

impl PlanningFolder {
    /// The glob of every file in the folder (`.planning/**`).
    pub fn glob(&self) -> String {
        format!("{}/**", self.dir)
    }
}

/// Folder names that hold finished or archived work.
const HISTORY: &[&str] = &[
    "archive",
    "archived",
    "_archive",
    "_archived",
    "completed",
    "done",
];

/// Claude Code's own configuration in `.claude/`: prompts, not notes. GSD
/// installs its workflows and references in `.claude/get-shit-done/`.
const CLAUDE_CONFIG: &[&str] = &[
    "agents",
    "commands",
    "skills",
    "hooks",
    "output-styles",
    "get-shit-done",
];

/// The fixed folder a glob starts with (`specs` for `specs/[0-9]*/spec.md`).
fn fixed_dir(glob: &str) -> &str {
    let fixed = glob.split(['*', '?', '[', '{']).next().unwrap_or("");
    match fixed.rfind('/') {
        Some(i) => &fixed[..i],
        None => "",
    }
}

fn inside(rel: &str, dir: &str) -> bool {
    rel.len() > dir.len() && rel.starts_with(dir) && rel.as_bytes()[dir.len()] == b'/'
}

/// The planning folders the Markdown files at `paths` (root-relative) show:
/// the folders of `cfg.plan_dirs`, then those of `cfg.check_dirs`, that hold
/// any file, each named after the framework in use that owns it.
pub fn detect_layouts<P: AsRef<Path>>(paths: &[P], cfg: &Config) -> Vec<PlanningFolder> {
    let rels: Vec<String> = paths
        .iter()
        .map(|p| p.as_ref().to_string_lossy().replace('\\', "/"))
        .collect();
    let exists = |p: &Path| {
        let p = p.to_string_lossy().replace('\\', "/");
        let p = p.trim_end_matches('/');
        rels.iter().any(|r| r == p || inside(r, p))
    };
    let in_use: Vec<&super::Framework> = cfg
        .frameworks
        .iter()
        .filter(|f| f.detected(&exists))
        .collect();

    // Candidate folders, plan_dirs first, each once.
    let mut dirs: Vec<(String, bool)> = Vec::new();
    for (globs, plan) in [(&cfg.plan_dirs, true), (&cfg.check_dirs, false)] {
        for g in globs.sources() {
            let d = g.trim_end_matches("/**");
            let d = if d.contains(['*', '?', '[', '{']) {
                fixed_dir(g)
            } else {
                d
            };
            if !d.is_empty() && !dirs.iter().any(|(x, _)| x == d) {
                dirs.push((d.to_string(), plan));
            }
        }
    }
    // A file belongs to the most specific folder holding it.
    let owner = |rel: &str| -> Option<&str> {
        dirs.iter()
            .map(|(d, _)| d.as_str())
            .filter(|d| inside(rel, d))
            .max_by_key(|d| d.len())
    };

    let mut out = Vec::new();
    for (dir, plan) in &dirs {
        // Markdown only: a caller may list a framework's other markers too
        // (`.planning/config.json`), to detect it.
        let mine: Vec<&str> = rels
            .iter()
            .map(String::as_str)
            .filter(|r| r.to_lowercase().ends_with(".md") && owner(r) == Some(dir.as_str()))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let framework = in_use
            .iter()
            .find(|f| {
                f.owned.sources().iter().any(|g| {
                    // Its files are in the folder, or the folder is in its
                    // tree (`.specify/specs` in spec-kit's `.specify/**`).
                    let fd = fixed_dir(g);
                    fd == dir || inside(fd, dir) || inside(dir, fd)
                })
            })
            .map(|f| f.name.clone());

        // History: the framework's own, the retired-plan folders configured,
        // folders named like finished work, Claude's configuration.
        let mut history: BTreeSet<String> = BTreeSet::new();
        for f in in_use
            .iter()
            .filter(|f| Some(&f.name) == framework.as_ref())
        {
            history.extend(
                f.history
                    .sources()
                    .iter()
                    .filter(|g| inside(fixed_dir(g), dir))
                    .cloned(),
            );
        }
        for g in cfg.plan_exclude.sources() {
            if inside(fixed_dir(g), dir) && mine.iter().any(|r| inside(r, fixed_dir(g))) {
                history.insert(g.clone());
            }
        }
        for r in &mine {
            let parts: Vec<&str> = r[dir.len() + 1..].split('/').collect();
            for (i, part) in parts[..parts.len() - 1].iter().enumerate() {
                let lower = part.to_lowercase();
                let config = dir == ".claude" && i == 0 && CLAUDE_CONFIG.contains(part);
                let template = framework.is_some() && lower == "templates";
                if HISTORY.contains(&lower.as_str()) || config || template {
                    history.insert(format!("{dir}/{}/**", parts[..=i].join("/")));
                    break;
                }
            }
        }
        let history: Vec<String> = history.into_iter().collect();
        let live = |r: &&str| {
            let old = history
                .iter()
                .any(|h| inside(r, h.trim_end_matches("/**")) || inside(r, fixed_dir(h)));
            // A file right in .claude/ (CLAUDE.md) is an instruction.
            let instruction = dir == ".claude" && !r[dir.len() + 1..].contains('/');
            !old && !instruction
        };
        let files: Vec<String> = mine
            .iter()
            .filter(|r| live(r))
            .map(|r| r.to_string())
            .collect();

        let name = match (&framework, dir.as_str()) {
            (Some(f), _) => f.clone(),
            (None, ".claude/plans") => "Claude Code plans".into(),
            (None, ".claude") => "Claude Code notes".into(),
            (None, d) if d == "docs/superpowers" || d.starts_with("docs/superpowers/") => {
                "superpowers".into()
            }
            _ => "a planning folder".into(),
        };
        // What shows it best: the framework's markers, else its live files.
        let mut evidence: Vec<String> = in_use
            .iter()
            .filter(|f| Some(&f.name) == framework.as_ref())
            .flat_map(|f| f.detect.iter())
            .filter(|d| rels.iter().any(|r| r == *d))
            .cloned()
            .collect();
        evidence.extend(files.iter().cloned());
        if evidence.is_empty() {
            evidence.extend(mine.iter().map(|r| r.to_string()));
        }
        evidence.dedup();
        evidence.truncate(3);
        out.push(PlanningFolder {
            dir: dir.clone(),
            name,
            framework,
            plan_dir: *plan,
            evidence,
            history,
            files,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(paths: &[&str]) -> Vec<PlanningFolder> {
        detect_layouts(paths, &Config::builtin())
    }

    #[test]
    fn gsd_is_known_by_its_preset_and_its_milestones_are_history() {
        let f = found(&[
            ".planning/ROADMAP.md",
            ".planning/STATE.md",
            ".planning/phases/01-setup/01-01-PLAN.md",
            ".planning/milestones/v1.0-ROADMAP.md",
            "README.md",
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        let g = &f[0];
        assert_eq!((g.dir.as_str(), g.name.as_str()), (".planning", "GSD"));
        assert_eq!(g.framework.as_deref(), Some("GSD"));
        assert!(g.plan_dir);
        assert_eq!(g.glob(), ".planning/**");
        // A workstream's shipped milestones are its history too.
        assert_eq!(
            g.history,
            [
                ".planning/milestones/**",
                ".planning/workstreams/*/milestones/**"
            ]
        );
        assert_eq!(g.files.len(), 3);
        assert_eq!(
            g.evidence[..2],
            [".planning/ROADMAP.md", ".planning/STATE.md"]
        );
        // A .planning/ of no known tool is still a planning folder.
        let f = found(&[".planning/notes.md"]);
        assert_eq!(
            (f[0].name.as_str(), f[0].framework.as_ref()),
            ("a planning folder", None)
        );
    }

    #[test]
    fn each_file_counts_for_the_most_specific_folder() {
        let f = found(&[
            ".claude/plans/a.md",
            ".claude/plans/archived/old.md",
            ".claude/plans/_archived/older.md",
            ".claude/handoffs/h.md",
            ".claude/agents/reviewer.md",
            ".claude/CLAUDE.md",
            "openspec/specs/cli/spec.md",
            "openspec/changes/archive/2025-01-01-x/tasks.md",
            "specs/001-login/spec.md",
            ".specify/memory/constitution.md",
            ".specify/templates/plan-template.md",
            ".specify/specs/port-v1.md",
            "docs/plans/2025-01-01-x.md",
            "docs/plans/completed/2024-12-01-y.md",
            "planning/PLAN.md",
            ".kiro/specs/login/tasks.md",
            ".kiro/specs/_archived/old/tasks.md",
            ".kiro/steering/product.md",
            ".claude/get-shit-done/workflows/execute-plan.md",
            "docs/guide.md",
        ]);
        let got: Vec<(&str, &str, bool)> = f
            .iter()
            .map(|x| (x.dir.as_str(), x.name.as_str(), x.plan_dir))
            .collect();
        assert_eq!(
            got,
            [
                (".claude/plans", "Claude Code plans", true),
                ("planning", "a planning folder", true),
                ("docs/plans", "a planning folder", true),
                ("openspec", "OpenSpec", true),
                ("specs", "spec-kit", true),
                (".specify/specs", "spec-kit", true),
                (".kiro/specs", "Kiro", true),
                (".claude", "Claude Code notes", false),
                (".specify", "spec-kit", false),
                (".kiro", "Kiro", false),
            ]
        );
        let by = |d: &str| f.iter().find(|x| x.dir == d).unwrap();
        assert_eq!(by(".kiro/specs").history, [".kiro/specs/_archived/**"]);
        assert_eq!(by(".kiro/specs").files, [".kiro/specs/login/tasks.md"]);
        assert_eq!(by(".claude/plans").files, [".claude/plans/a.md"]);
        assert_eq!(
            by(".claude/plans").history,
            [".claude/plans/_archived/**", ".claude/plans/archived/**"]
        );
        assert_eq!(by(".claude").files, [".claude/handoffs/h.md"]);
        assert_eq!(
            by(".claude").history,
            [".claude/agents/**", ".claude/get-shit-done/**"]
        );
        assert_eq!(by("openspec").history, ["openspec/changes/archive/**"]);
        assert_eq!(by(".specify").history, [".specify/templates/**"]);
        assert_eq!(by(".specify").files, [".specify/memory/constitution.md"]);
        assert_eq!(by(".specify/specs").files, [".specify/specs/port-v1.md"]);
        assert_eq!(by("docs/plans").history, ["docs/plans/completed/**"]);
    }

    #[test]
    fn nothing_is_found_in_a_tree_without_planning_folders() {
        assert!(found(&["README.md", "docs/guide.md"]).is_empty());
        assert!(found(&[]).is_empty());
        assert_eq!(fixed_dir("specs/[0-9][0-9][0-9]-*/spec.md"), "specs");
        assert_eq!(fixed_dir(".planning/**"), ".planning");
    }
}
