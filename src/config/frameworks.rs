//! Planning frameworks whose tools read files by name (`rules/frameworks.yaml`):
//! GSD's `.planning/`, OpenSpec's `openspec/`, spec-kit's `specs/` and `.specify/`.
//! The restructure never renames, moves or archives a file such a framework owns;
//! data, so a new framework or a local layout is a config change, not a release.

use std::path::Path;

use serde::Deserialize;

use super::pattern::Globs;

/// One framework's layout.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Framework {
    /// Its name, said in notes (`GSD`, `OpenSpec`).
    pub name: String,
    /// Root-relative paths (files or folders); the framework is in use when any exists.
    pub detect: Vec<String>,
    /// Files its tools read by name: never renamed, moved or archived. One over
    /// budget is split into parts in a folder beside it (named after it), and
    /// keeps its name as the short index of those parts, front matter first.
    pub owned: Globs,
    /// Owned files whose structure its tools parse (requirements, task lists,
    /// front matter of a plan): an index would break them, so they are kept
    /// whole and only reported.
    pub parsed: Globs,
    /// Its own history (completed changes, old milestones): left alone.
    pub history: Globs,
    /// Where it records its decisions itself (GSD's `PROJECT.md` "Key
    /// Decisions", an OpenSpec change's `design.md`, spec-kit's `research.md`).
    /// When set, the decisions in files it owns are its own: they are not
    /// copied into topic files, which its users never asked for and which
    /// would only drift from the framework's record. A `topics.dir` the user
    /// sets asks for them all and wins.
    pub keeps_decisions: Vec<String>,
}

/// What the restructure may do with a file, by the frameworks in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership<'a> {
    /// No framework owns it: split, moved and archived as any plan file.
    Free,
    /// Owned: split only into a folder beside it, the file keeping its name as
    /// the index of its parts.
    Owned(&'a str),
    /// Owned and parsed by its tools: never changed by a split.
    Parsed(&'a str),
    /// The framework's history: left alone.
    History(&'a str),
}

impl Framework {
    /// Whether the framework is in use in a tree, by `exists` on root-relative paths.
    pub fn detected(&self, exists: &dyn Fn(&Path) -> bool) -> bool {
        self.detect.iter().any(|p| exists(Path::new(p)))
    }

    /// The folder (`.planning/`) when a path is owned only by a glob over all
    /// of it (`.planning/**`), not by one naming its files: the framework
    /// claims the folder, not necessarily this file (a team's own
    /// `.planning/DIRECTOR-DECISIONS.md`), and a note must not say its tools
    /// read it by name.
    pub fn owning_folder(&self, rel: &Path) -> Option<&str> {
        let globs = self.owned.matching(rel);
        let folders: Vec<&str> = globs
            .iter()
            .filter_map(|g| g.strip_suffix("**"))
            .filter(|f| f.ends_with('/') && !f.contains(['*', '?', '[', '{']))
            .collect();
        (folders.len() == globs.len())
            .then(|| folders.first().copied())
            .flatten()
    }

    /// What it says about a root-relative path, if it owns it.
    pub fn ownership(&self, rel: &Path) -> Ownership<'_> {
        if self.history.is_match(rel) {
            Ownership::History(&self.name)
        } else if self.parsed.is_match(rel) {
            Ownership::Parsed(&self.name)
        } else if self.owned.is_match(rel) {
            Ownership::Owned(&self.name)
        } else {
            Ownership::Free
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn by_name<'a>(cfg: &'a Config, name: &str) -> &'a Framework {
        cfg.frameworks.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn a_folder_claimed_whole_is_said_as_the_folder_not_as_a_file_read_by_name() {
        let cfg = Config::builtin();
        let gsd = by_name(&cfg, "GSD");
        let folder = |f: &Framework, p: &str| f.owning_folder(Path::new(p)).map(str::to_string);
        assert_eq!(
            folder(gsd, ".planning/DIRECTOR-DECISIONS.md").as_deref(),
            Some(".planning/")
        );
        let kit = by_name(&cfg, "spec-kit");
        assert_eq!(folder(kit, "specs/001-auth/plan.md"), None);
        assert_eq!(folder(gsd, "docs/plan.md"), None);
    }

    #[test]
    fn builtin_presets_know_each_frameworks_files() {
        let cfg = Config::builtin();
        let gsd = by_name(&cfg, "GSD");
        fn own<'a>(f: &'a Framework, p: &str) -> Ownership<'a> {
            f.ownership(Path::new(p))
        }
        assert_eq!(own(gsd, ".planning/ROADMAP.md"), Ownership::Parsed("GSD"));
        assert_eq!(
            own(gsd, ".planning/phases/01-setup/01-02-PLAN.md"),
            Ownership::Parsed("GSD")
        );
        // A team's own spelling of a plan's name is still a plan GSD runs.
        assert_eq!(
            own(gsd, ".planning/phases/01-infra/01-PLAN-qdrant-auth.md"),
            Ownership::Parsed("GSD")
        );
        // map-codebase rewrites its maps whole: an index would be overwritten.
        assert_eq!(
            own(gsd, ".planning/codebase/STRUCTURE.md"),
            Ownership::Parsed("GSD")
        );
        // Every file of a phase folder is one GSD writes and reads whole,
        // whatever kind newer versions add; older trees name them bare.
        for phase_file in [
            ".planning/phases/01-infra/01-NOTES.md",
            ".planning/phases/01-infra/01-REVIEW.md",
            ".planning/phases/01-infra/01-PATTERNS.md",
            ".planning/phases/01-infra/01-DISCUSSION-LOG.md",
            ".planning/phases/01-infra/RESEARCH.md",
            // a debug session is updated in place and read back to resume
            ".planning/debug/pulumi-up-local.md",
            ".planning/debug/resolved/helm-timeout.md",
        ] {
            assert_eq!(
                own(gsd, phase_file),
                Ownership::Parsed("GSD"),
                "{phase_file}"
            );
        }
        // A workstream is a .planning/ of its own, read by the same commands.
        for ws in [
            ".planning/workstreams/milestone/ROADMAP.md",
            ".planning/workstreams/milestone/STATE.md",
            ".planning/workstreams/milestone/phases/02-x/02-01-PLAN.md",
            ".planning/workstreams/milestone/research/STACK.md",
            ".planning/workstreams/milestone/codebase/STRUCTURE.md",
            ".planning/workstreams/milestone/quick/003-fix/003-PLAN.md",
        ] {
            assert_eq!(own(gsd, ws), Ownership::Parsed("GSD"), "{ws}");
        }
        assert_eq!(
            own(
                gsd,
                ".planning/workstreams/milestone/milestones/v1.0-ROADMAP.md"
            ),
            Ownership::History("GSD")
        );
        // A milestone's audit is read back to plan the phases closing its gaps.
        assert_eq!(
            own(
                gsd,
                ".planning/workstreams/milestone/v1.0-MILESTONE-AUDIT.md"
            ),
            Ownership::Parsed("GSD")
        );
        // The team's own documents there are GSD's folder's, free to split.
        assert_eq!(
            own(gsd, ".planning/workstreams/milestone/NOTES.md"),
            Ownership::Owned("GSD")
        );
        assert_eq!(own(gsd, ".planning/POLICY-MAP.md"), Ownership::Owned("GSD"));
        // Its planner and roadmapper read the research whole, also where a
        // team keeps a milestone's research in a folder of its own; and an
        // audit is one whether named for a version or for the milestone
        // (cipher-box kept v1.0's whole and split mvp's).
        for read_whole in [
            ".planning/research/PITFALLS.md",
            ".planning/research/m3/PITFALLS.md",
            ".planning/workstreams/milestone/research/m3/STACK.md",
            ".planning/mvp-MILESTONE-AUDIT.md",
            ".planning/v1.0-MILESTONE-AUDIT.md",
        ] {
            assert_eq!(
                own(gsd, read_whole),
                Ownership::Parsed("GSD"),
                "{read_whole}"
            );
        }
        assert_eq!(
            own(gsd, ".planning/phases/01-infra/01-RESEARCH.md"),
            Ownership::Parsed("GSD")
        );
        // A quick task's plan is run by the same executor as a phase's.
        for quick in [
            ".planning/quick/005-add-flag/005-PLAN.md",
            ".planning/quick/005-add-flag/005-SUMMARY.md",
            ".planning/quick/014-parser/PLAN.md",
            ".planning/quick/014-parser/SUMMARY.md",
        ] {
            assert_eq!(own(gsd, quick), Ownership::Parsed("GSD"), "{quick}");
        }
        assert_eq!(
            own(gsd, ".planning/quick/014-parser/NOTES.md"),
            Ownership::Owned("GSD")
        );
        assert_eq!(own(gsd, "docs/plans/a.md"), Ownership::Free);
        let os = by_name(&cfg, "OpenSpec");
        assert_eq!(
            own(os, "openspec/specs/cli-init/spec.md"),
            Ownership::Parsed("OpenSpec")
        );
        assert_eq!(
            own(os, "openspec/changes/archive/2025-01-01-x/tasks.md"),
            Ownership::History("OpenSpec")
        );
        let sk = by_name(&cfg, "spec-kit");
        assert_eq!(
            own(sk, "specs/003-dsl/tasks.md"),
            Ownership::Parsed("spec-kit")
        );
        // /tasks and /implement read a feature's design files whole, and
        // /implement counts the boxes of its checklists: none becomes an index.
        for read_whole in [
            "specs/006-permissions/research.md",
            "specs/006-permissions/data-model.md",
            "specs/006-permissions/quickstart.md",
            "specs/006-permissions/contracts/api.md",
            "specs/006-permissions/checklists/requirements.md",
            ".specify/specs/login/data-model.md",
        ] {
            assert_eq!(
                own(sk, read_whole),
                Ownership::Parsed("spec-kit"),
                "{read_whole}"
            );
        }
        // A team's own notes beside them are free to split.
        assert_eq!(
            own(sk, "specs/006-permissions/PHASE17_BACKLOG.md"),
            Ownership::Free
        );
        // Notes of a spec-kit repo that are not spec-kit's own files are free.
        assert_eq!(own(sk, "specs/000-pre-specs/cdl.md"), Ownership::Free);
        // Kiro writes a spec's traceability DB whole, and again on its next pass.
        let kiro = by_name(&cfg, "Kiro");
        assert_eq!(
            own(kiro, ".kiro/specs/persistence/traceDb.md"),
            Ownership::Parsed("Kiro")
        );
        assert_eq!(
            own(kiro, ".kiro/specs/persistence/design.md"),
            Ownership::Owned("Kiro")
        );
        assert_eq!(
            own(kiro, ".kiro/specs/persistence/notes.md"),
            Ownership::Free
        );
    }

    #[test]
    fn detected_by_any_marker() {
        let cfg = Config::builtin();
        let gsd = by_name(&cfg, "GSD");
        assert!(gsd.detected(&|p| p == Path::new(".planning/ROADMAP.md")));
        // A tree of workstreams only.
        assert!(gsd.detected(&|p| p == Path::new(".planning/workstreams")));
        assert!(!gsd.detected(&|p| p == Path::new(".claude/plans")));
    }
}
