//! Which planning folders and frameworks a repository uses, read from the paths
//! of its Markdown files alone (pure: no disk, so a planner or `init` can ask
//! the same question of any list of paths).
//!
//! Known layouts: GSD (get-shit-done) in `.planning/` (ROADMAP.md, STATE.md,
//! PROJECT.md, `phases/`); OpenSpec in `openspec/` (`specs/`, `changes/`);
//! spec-kit in `specs/NNN-feature/` and `.specify/`; Claude Code's
//! `.claude/plans/` and its other notes in `.claude/`; `docs/plans/`; a plain
//! `planning/` folder. Framework folders are read by their tools by file name,
//! so only free-form plan folders are offered to `migrate` for splitting
//! ([`Framework::restructure`]). `replan init` is the first user; a planner
//! with framework presets can ask the same function.

use std::collections::BTreeSet;
use std::path::Path;

/// A tool or convention that owns a planning folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Framework {
    /// Claude Code plans (`.claude/plans/`).
    ClaudePlans,
    /// Other Claude Code notes (`.claude/`: handoffs, status, docs).
    ClaudeNotes,
    /// GSD, get-shit-done (`.planning/`).
    Gsd,
    /// OpenSpec (`openspec/`).
    OpenSpec,
    /// GitHub spec-kit (`specs/NNN-feature/`, `.specify/`).
    SpecKit,
    /// Plans written as dated documents (`docs/plans/`).
    DocsPlans,
    /// A `planning/` or `.planning/` folder of no known tool.
    Planning,
}

impl Framework {
    /// A name for people.
    pub fn name(self) -> &'static str {
        match self {
            Framework::ClaudePlans => "Claude Code plans",
            Framework::ClaudeNotes => "Claude Code notes",
            Framework::Gsd => "GSD (get-shit-done)",
            Framework::OpenSpec => "OpenSpec",
            Framework::SpecKit => "spec-kit",
            Framework::DocsPlans => "plan documents",
            Framework::Planning => "a planning folder",
        }
    }

    /// Whether `migrate` may restructure its files (split them, move the
    /// originals to the archive): free-form plans yes. Frameworks whose tools
    /// open their files by name (ROADMAP.md, tasks.md, spec.md) and Claude's
    /// notes (handoffs, status) are only checked.
    pub fn restructure(self) -> bool {
        matches!(
            self,
            Framework::ClaudePlans | Framework::DocsPlans | Framework::Planning
        )
    }
}

/// A planning folder found, with what showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Who owns it.
    pub framework: Framework,
    /// The folder, root-relative and `/`-separated (`.planning`).
    pub dir: String,
    /// Up to three files that show the framework (`.planning/ROADMAP.md`).
    pub evidence: Vec<String>,
    /// Folders inside it that hold finished, archived or template work, as
    /// globs (`openspec/changes/archive/**`): not worth checking.
    pub history: Vec<String>,
}

impl Layout {
    /// The glob of every file in the folder (`.planning/**`).
    pub fn glob(&self) -> String {
        format!("{}/**", self.dir)
    }

    /// Whether a root-relative path is in the folder and not in its history.
    pub fn holds(&self, rel: &str) -> bool {
        rel.starts_with(&format!("{}/", self.dir))
            && !self
                .history
                .iter()
                .any(|h| rel.starts_with(h.trim_end_matches("**")))
    }
}

/// Folder names that hold finished or archived work.
const HISTORY: &[&str] = &["archive", "archived", "completed", "done"];

/// Claude Code's own configuration, not plans (prompts, commands, skills).
const CLAUDE_CONFIG: &[&str] = &["agents", "commands", "skills", "hooks", "output-styles"];

/// The planning layouts the Markdown files at `paths` (root-relative) show, in
/// a stable order: Claude plans first (what `migrate` restructures), then the
/// frameworks, then plain folders.
pub fn detect_layouts<P: AsRef<Path>>(paths: &[P]) -> Vec<Layout> {
    let rels: Vec<String> = paths
        .iter()
        .map(|p| p.as_ref().to_string_lossy().replace('\\', "/"))
        .collect();
    let under = |dir: &str| -> Vec<&str> {
        let prefix = format!("{dir}/");
        rels.iter()
            .map(String::as_str)
            .filter(|r| r.starts_with(&prefix))
            .collect()
    };
    let mut out = Vec::new();
    let mut add = |framework, dir: &str, evidence: Vec<&str>, history: Vec<String>| {
        let mut layout = Layout {
            framework,
            dir: dir.to_string(),
            evidence: Vec::new(),
            history,
        };
        // Live files show the layout best; history only when there is nothing else.
        let (live, old): (Vec<&str>, Vec<&str>) =
            evidence.into_iter().partition(|e| layout.holds(e));
        let shown = if live.is_empty() { old } else { live };
        layout.evidence = shown.into_iter().take(3).map(str::to_string).collect();
        out.push(layout);
    };

    // Claude Code.
    let plans = under(".claude/plans");
    if !plans.is_empty() {
        let h = history(".claude/plans", &plans, &[]);
        add(Framework::ClaudePlans, ".claude/plans", plans.clone(), h);
    }
    let notes: Vec<&str> = under(".claude")
        .into_iter()
        .filter(|r| !r.starts_with(".claude/plans/"))
        .collect();
    let config: Vec<&str> = notes
        .iter()
        .filter_map(|r| {
            let top = r.strip_prefix(".claude/")?.split('/').next()?;
            CLAUDE_CONFIG.iter().find(|c| **c == top).copied()
        })
        .collect();
    let notes: Vec<&str> = notes
        .into_iter()
        .filter(|r| {
            let top = r.trim_start_matches(".claude/").split('/').next();
            // A file right in .claude/ (CLAUDE.md) is an instruction, not a note.
            r.trim_start_matches(".claude/").contains('/')
                && !top.is_some_and(|t| CLAUDE_CONFIG.contains(&t))
        })
        .collect();
    if !notes.is_empty() {
        let mut h: Vec<String> = config
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|c| format!(".claude/{c}/**"))
            .collect();
        // The plans are a layout of their own, with their own history.
        h.extend(history(".claude", &notes, &[]));
        add(Framework::ClaudeNotes, ".claude", notes, h);
    }

    // GSD: its state files or numbered phase folders in `.planning/`.
    let planning = under(".planning");
    if !planning.is_empty() {
        let marks: Vec<&str> = planning
            .iter()
            .copied()
            .filter(|r| {
                matches!(
                    *r,
                    ".planning/ROADMAP.md"
                        | ".planning/STATE.md"
                        | ".planning/PROJECT.md"
                        | ".planning/REQUIREMENTS.md"
                ) || r.starts_with(".planning/phases/")
            })
            .collect();
        let framework = if marks.is_empty() {
            Framework::Planning
        } else {
            Framework::Gsd
        };
        let evidence = if marks.is_empty() {
            planning.clone()
        } else {
            marks
        };
        // Finished milestones keep their roadmaps in milestones/.
        let h = history(".planning", &planning, &["milestones"]);
        add(framework, ".planning", evidence, h);
    }

    // OpenSpec.
    let openspec = under("openspec");
    if !openspec.is_empty() {
        let marks: Vec<&str> = openspec
            .iter()
            .copied()
            .filter(|r| {
                r.starts_with("openspec/specs/")
                    || r.starts_with("openspec/changes/")
                    || *r == "openspec/project.md"
                    || *r == "openspec/AGENTS.md"
            })
            .collect();
        if !marks.is_empty() {
            let h = history("openspec", &openspec, &[]);
            add(Framework::OpenSpec, "openspec", marks, h);
        }
    }

    // spec-kit: `specs/NNN-name/` folders, and its memory in `.specify/`.
    let specs = under("specs");
    let numbered: Vec<&str> = specs
        .iter()
        .copied()
        .filter(|r| {
            let folder = r["specs/".len()..].split('/').next().unwrap_or("");
            let (n, rest) = folder.split_at(folder.len().min(3));
            n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with('-')
        })
        .collect();
    let specify = under(".specify");
    if !numbered.is_empty() || (!specs.is_empty() && !specify.is_empty()) {
        let h = history("specs", &specs, &[]);
        let evidence = if numbered.is_empty() {
            specs.clone()
        } else {
            numbered
        };
        add(Framework::SpecKit, "specs", evidence, h);
    }
    if !specify.is_empty() {
        // Templates hold placeholders, not plans.
        let h = history(".specify", &specify, &["templates"]);
        add(Framework::SpecKit, ".specify", specify, h);
    }

    // Plain folders.
    for (dir, framework) in [
        ("docs/plans", Framework::DocsPlans),
        ("planning", Framework::Planning),
    ] {
        let files = under(dir);
        if !files.is_empty() {
            let h = history(dir, &files, &[]);
            add(framework, dir, files, h);
        }
    }
    out
}

/// Globs of the folders below `dir` named like finished work ([`HISTORY`], or
/// one of `extra`) that hold some of `files`, outermost first.
fn history(dir: &str, files: &[&str], extra: &[&str]) -> Vec<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    for f in files {
        let below = &f[dir.len() + 1..];
        let parts: Vec<&str> = below.split('/').collect();
        // Folders only: the last part is the file.
        for (i, part) in parts[..parts.len() - 1].iter().enumerate() {
            let lower = part.to_lowercase();
            if HISTORY.contains(&lower.as_str()) || extra.contains(&lower.as_str()) {
                found.insert(format!("{dir}/{}/**", parts[..=i].join("/")));
                break;
            }
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(paths: &[&str]) -> Vec<(Framework, String)> {
        detect_layouts(paths)
            .into_iter()
            .map(|l| (l.framework, l.dir))
            .collect()
    }

    #[test]
    fn gsd_is_known_by_its_state_files_and_phases() {
        let l = detect_layouts(&[
            ".planning/ROADMAP.md",
            ".planning/STATE.md",
            ".planning/phases/01-setup/01-01-PLAN.md",
            ".planning/milestones/v1.0-ROADMAP.md",
            "README.md",
        ]);
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].framework, Framework::Gsd);
        assert_eq!(l[0].glob(), ".planning/**");
        assert_eq!(l[0].history, [".planning/milestones/**"]);
        assert!(l[0].holds(".planning/STATE.md"));
        assert!(!l[0].holds(".planning/milestones/v1.0-ROADMAP.md"));
        assert!(!Framework::Gsd.restructure());
        assert!(!Framework::SpecKit.restructure());
        assert!(!Framework::OpenSpec.restructure());
        assert!(!Framework::ClaudeNotes.restructure());
        // A .planning/ of no known tool is still a planning folder.
        assert_eq!(
            kinds(&[".planning/notes.md"]),
            [(Framework::Planning, ".planning".into())]
        );
    }

    #[test]
    fn openspec_speckit_claude_and_plain_folders() {
        let got = kinds(&[
            ".claude/plans/a.md",
            ".claude/plans/archived/old.md",
            ".claude/handoffs/h.md",
            ".claude/agents/reviewer.md",
            ".claude/CLAUDE.md",
            "openspec/specs/cli/spec.md",
            "openspec/changes/archive/2025-01-01-x/tasks.md",
            "specs/001-login/spec.md",
            ".specify/memory/constitution.md",
            ".specify/templates/plan-template.md",
            "docs/plans/2025-01-01-x.md",
            "planning/PLAN.md",
            "docs/guide.md",
        ]);
        assert_eq!(
            got,
            [
                (Framework::ClaudePlans, ".claude/plans".into()),
                (Framework::ClaudeNotes, ".claude".into()),
                (Framework::OpenSpec, "openspec".into()),
                (Framework::SpecKit, "specs".into()),
                (Framework::SpecKit, ".specify".into()),
                (Framework::DocsPlans, "docs/plans".into()),
                (Framework::Planning, "planning".into()),
            ]
        );
        let l = detect_layouts(&[
            ".claude/plans/a.md",
            ".claude/plans/archived/old.md",
            ".claude/handoffs/h.md",
            ".claude/agents/reviewer.md",
            "openspec/changes/archive/2025-01-01-x/tasks.md",
            ".specify/templates/plan-template.md",
        ]);
        assert_eq!(l[0].history, [".claude/plans/archived/**"]);
        assert_eq!(l[0].evidence, [".claude/plans/a.md"]);
        assert_eq!(l[1].history, [".claude/agents/**"]);
        assert_eq!(l[2].history, ["openspec/changes/archive/**"]);
        assert_eq!(l[3].history, [".specify/templates/**"]);
        assert!(Framework::ClaudePlans.restructure());
        assert!(Framework::DocsPlans.restructure());
    }

    #[test]
    fn nothing_is_found_in_a_tree_without_planning_folders() {
        assert!(detect_layouts(&["README.md", "docs/guide.md", "specs/api.md"]).is_empty());
        assert!(detect_layouts::<&str>(&[]).is_empty());
    }
}
