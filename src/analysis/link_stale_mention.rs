//! `link.stale-mention`: a file name or path written in prose or a code span
//! ("see DESIGN.md §3.4", `` `IMPLEMENTATION_PLAN.md` ``) that names a Markdown
//! file replan moved away. What moved is read from the migrate manifest (its
//! originals and their parts) and from the plan being checked, never guessed: a
//! name that exists nowhere is not reported without that record, as plans name
//! files they are about to write as often as files that went away.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use super::facts::quote;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};
use crate::model::links::is_markdown;
use crate::model::links::mentions::{self, Moved, NameIndex, Tree};
use crate::model::markers::{DECISIONS_BEGIN, DECISIONS_END};

/// What the message says when the text is somewhere in the tree: the fix
/// tells its two reasons for having none apart by it.
pub(crate) const NOW_IN: &str = "its text is now in";

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "link.stale-mention",
    doc: "a file name or path in prose or a code span names a file replan moved away",
    default: Severity::Warning,
    ctor: |cx| Box::new(StaleMention::new(cx)),
    long: "A Markdown file's path or name written outside a link (in a sentence, \
        \"see DESIGN.md §3.4\", or a code span, `IMPLEMENTATION_PLAN.md`) that names a \
        file `migrate` split and archived: the reader looks for a file that is gone. The \
        finding says where its text is now (the plan's index, or its first part). Only \
        files the migrate manifest (`archive.manifest`) or the plan being checked records \
        as moved are reported, never a name merely missing from the tree. A path is read \
        from the file's folder, then from the root; a bare name means the moved file of \
        the same folder or the one the file is a part of, else the only moved file of \
        that name below the parent of the file's folder (a plan named from `status/` \
        beside `plans/`) when no file there or at the root has the name now. Names every \
        project has (`README.md`, `AGENTS.md`, `CLAUDE.md`, `CHANGELOG.md`, `index.md` \
        ...) count only in their own folder: in prose they name a kind of file as often \
        as one file. Code blocks, links and replan's generated decision blocks are not \
        read. Fix it by naming the new file.",
    settings: &[],
    section: "check-rulescheckyaml",
    example: Some(Example {
        files: &[
            (
                ".claude/archive/replan-manifest.json",
                r#"{"version": 1, "runs": [{"moved": [{"from": "docs/DESIGN.md",
  "to": ".claude/archive/original-phases/docs/DESIGN.md",
  "parts": ["docs/design/overview.md", "docs/design/api.md"]}]}]}"#,
            ),
            (
                "docs/notes.md",
                "# Notes\n\nAs DESIGN.md §3.4 says, keep it small.\n",
            ),
            ("docs/design/overview.md", "# Overview\n"),
        ],
        message: "`DESIGN.md` names docs/DESIGN.md, which replan split and archived",
    }),
};

/// The part of the manifest this rule reads (the format is `plan::manifest`'s;
/// unknown fields are ignored, so it reads every version that keeps these).
#[derive(Debug, Deserialize)]
struct ManifestView {
    #[serde(default)]
    runs: Vec<RunView>,
}

#[derive(Debug, Deserialize)]
struct RunView {
    #[serde(default)]
    moved: Vec<MovedView>,
}

#[derive(Debug, Deserialize)]
struct MovedView {
    from: PathBuf,
    to: PathBuf,
    #[serde(default)]
    parts: Vec<PathBuf>,
}

/// A moved file as recorded: where it went and the parts made from it.
#[derive(Debug, Clone)]
struct Record {
    to: PathBuf,
    parts: Vec<PathBuf>,
}

struct StaleMention {
    /// Originals by path, later records winning.
    records: HashMap<PathBuf, Record>,
}

impl StaleMention {
    fn new(cx: &Ctx) -> StaleMention {
        let mut records = HashMap::new();
        let mrel = PathBuf::from(&cx.cfg.archive.manifest);
        let text = match cx.manifest {
            Some(t) => Some(t.to_string()),
            None => std::fs::read_to_string(cx.root.join(&mrel)).ok(),
        };
        if let Some(m) = text.and_then(|t| serde_json::from_str::<ManifestView>(&t).ok()) {
            for run in m.runs {
                for mv in run.moved {
                    let rec = Record {
                        to: mv.to,
                        parts: mv.parts,
                    };
                    records.insert(mv.from, rec);
                }
            }
        }
        for mv in &cx.moved {
            let rec = Record {
                to: mv.to.to_path_buf(),
                parts: mv.parts.to_vec(),
            };
            records.insert(mv.from.to_path_buf(), rec);
        }
        StaleMention { records }
    }
}

/// Byte ranges of replan's generated decision blocks: quotes of plans whose
/// findings belong to the plans (the next run refreshes the quote).
fn generated_blocks(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find(DECISIONS_BEGIN) {
        let b = at + i;
        if b != 0 && !text[..b].ends_with('\n') {
            at = b + DECISIONS_BEGIN.len();
            continue;
        }
        let e = text[b..]
            .find(DECISIONS_END)
            .map_or(text.len(), |e| b + e + DECISIONS_END.len());
        out.push(b..e);
        at = e;
    }
    out
}

impl Rule for StaleMention {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        if self.records.is_empty() {
            return;
        }
        let archive = cx.cfg.archive.dir_path();
        let archived = |p: &Path| {
            p.starts_with(".claude/archive")
                || !archive.as_os_str().is_empty() && p.starts_with(&archive)
        };
        let in_set: HashSet<&Path> = files.iter().map(|f| f.rel).collect();
        let exists = |p: &Path| {
            in_set.contains(p)
                || cx.targets.contains_key(p)
                || cx.target_dirs.contains(p)
                || (!cx.gone.contains(p) && cx.root.join(p).exists())
        };
        let named = NameIndex::new(files.iter().map(|f| f.rel).filter(|p| !archived(p)));
        let has_name = |n: &str, under: &Path| named.has(n, under);
        let tree = Tree {
            exists: &exists,
            has_name: &has_name,
        };
        // Where each original's text is now: its plan's index when its parts got a
        // folder of their own, else its first part that exists.
        let mut moved = Moved::default();
        for (from, rec) in &self.records {
            let folder = rec.parts.first().and_then(|p| p.parent());
            let own_folder = folder.filter(|f| {
                rec.parts.iter().all(|p| p.parent() == Some(*f)) && from.parent() != Some(*f)
            });
            let index = own_folder
                .map(|f| f.join(&cx.cfg.index_name))
                .filter(|i| exists(i));
            let now = index.or_else(|| rec.parts.iter().find(|p| exists(p)).cloned());
            moved.insert(from.clone(), now, &rec.parts);
        }
        let found: Vec<Finding> = files
            .par_iter()
            .filter(|f| is_markdown(f.rel) && !archived(f.rel) && !cx.cfg.records_history(f.rel))
            .flat_map_iter(|f| {
                let text = &f.doc.source.text;
                let skip = generated_blocks(text);
                let mut v = Vec::new();
                for s in mentions::stale(f.doc, f.rel, &moved, &tree) {
                    let r = &s.mention.range;
                    if skip.iter().any(|b| b.start <= r.start && r.end <= b.end) {
                        continue;
                    }
                    let written = &text[r.clone()];
                    let original = super::facts::display(&s.original);
                    let line = s.mention.line;
                    let msg = match &s.now {
                        Some(now) => format!(
                            "`{written}` names {original}, which replan split and archived; \
                             {} {}",
                            NOW_IN,
                            super::facts::display(now)
                        ),
                        None => format!(
                            "`{written}` names {original}, which replan moved to the archive ({})",
                            self.records
                                .get(&s.original)
                                .map(|r| super::facts::display(&r.to))
                                .unwrap_or_default()
                        ),
                    };
                    let mut ev = vec![format!("line {line}: {}", quote(f.line(line)))];
                    if let (Some(new), true) = (&s.replacement, s.mention.rewritable()) {
                        ev.push(format!("write `{new}` instead"));
                    }
                    let col = r.start - f.doc.source.line_start(line) + 1;
                    v.push(
                        cx.finding(INFO.id, f, line, msg)
                            .column(f.char_column(line, col))
                            .evidence(ev),
                    );
                }
                v
            })
            .collect();
        out.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    const MANIFEST: &str = r#"{"version": 1, "runs": [
      {"tool": "replan 0.1.0", "command": "migrate", "time": "", "created": [], "modified": [],
       "moved": [
        {"from": ".claude/plans/IMPLEMENTATION_PLAN.md",
         "to": ".claude/archive/original-phases/IMPLEMENTATION_PLAN.md", "sha256": "",
         "parts": [".claude/plans/implementation-plan/step-1.1-setup.md",
                   ".claude/plans/implementation-plan/step-1.2-build.md"]},
        {"from": "docs/DESIGN.md", "to": ".claude/archive/docs/DESIGN.md", "sha256": "",
         "parts": ["docs/design-overview.md"]},
        {"from": "specs/001/tasks.md", "to": ".claude/archive/specs/001/tasks.md",
         "sha256": "", "parts": []}
       ]}]}"#;

    fn tree<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut v = vec![
            (".claude/archive/replan-manifest.json", MANIFEST),
            (
                ".claude/plans/implementation-plan/INDEX.md",
                "<!-- replan:index -->\n# Index\n",
            ),
            (
                ".claude/plans/implementation-plan/step-1.1-setup.md",
                "# Step 1.1\n",
            ),
            (
                ".claude/plans/implementation-plan/step-1.2-build.md",
                "# Step 1.2\n",
            ),
            ("docs/design-overview.md", "# Design\n"),
            ("specs/002/tasks.md", "# Tasks\n"),
        ];
        v.extend_from_slice(extra);
        v
    }

    #[test]
    fn a_record_of_what_happened_is_not_reported() {
        let said = "# Log\n\n2026-03-15: produced `IMPLEMENTATION_PLAN.md` and DESIGN.md.\n";
        let f = run_rule(
            "link.stale-mention",
            &tree(&[(".claude/logs/task-log.md", said), ("docs/notes.md", said)]),
        );
        let paths: Vec<&str> = f.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(paths, vec!["docs/notes.md", "docs/notes.md"], "{f:#?}");
    }

    #[test]
    fn fires_on_names_and_paths_of_moved_files() {
        let notes = "# Notes\n\nSee DESIGN.md §3.4 and `IMPLEMENTATION_PLAN.md`.\n\n\
                     Run `cat .claude/plans/IMPLEMENTATION_PLAN.md`.\n";
        let next = "# Next\n\nContinue with `IMPLEMENTATION_PLAN.md`.\n";
        let f = run_rule(
            "link.stale-mention",
            &tree(&[("docs/notes.md", notes), (".claude/plans/next.md", next)]),
        );
        let at: Vec<_> = f
            .iter()
            .map(|x| (x.path.as_str(), x.line, x.column))
            .collect();
        assert_eq!(
            at,
            vec![
                (".claude/plans/next.md", 3, 16),
                ("docs/notes.md", 3, 5),
                ("docs/notes.md", 3, 25),
                ("docs/notes.md", 5, 10)
            ],
            "{f:#?}"
        );
        // Its parts went to a folder of their own: the plan's index is the new place.
        assert!(
            f[0].message
                .contains("now in .claude/plans/implementation-plan/INDEX.md"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .evidence
            .iter()
            .any(|e| e == "write `implementation-plan/INDEX.md` instead"));
        assert!(
            f[1].message.contains("now in docs/design-overview.md"),
            "{}",
            f[1].message
        );
        // A prose name is reported but not offered as a rewrite; a path is.
        assert!(!f[1].evidence.iter().any(|e| e.starts_with("write")));
        // From a folder beside the plan's: the one file of that name below their
        // parent (the root).
        assert!(f[2]
            .evidence
            .iter()
            .any(|e| e == "write `../.claude/plans/implementation-plan/INDEX.md` instead"));
        assert!(f[3]
            .evidence
            .iter()
            .any(|e| e == "write `.claude/plans/implementation-plan/INDEX.md` instead"));
    }

    #[test]
    fn near_misses_names_that_exist_links_code_and_generated_blocks() {
        // `IMPLEMENTATION_PLAN.md` far from the plan (not below the parent of the
        // mentioning file's folder) is a name, not a file: left alone.
        let notes = "# Notes\n\n[the design](design-overview.md) says: fill in tasks.md \
                     and `IMPLEMENTATION_PLAN.md`.\n\n\
                     ```\ncat DESIGN.md\n```\n\n\
                     <!-- replan:decisions:begin sha256=x -->\n- Quoted from DESIGN.md\n\
                     <!-- replan:decisions:end -->\n\nREADME.md and NEW_PLAN.md are fine.\n";
        let f = run_rule(
            "link.stale-mention",
            &tree(&[("docs/team/notes.md", notes)]),
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn without_a_manifest_nothing_is_reported() {
        let notes = "# Notes\n\nSee DESIGN.md and `IMPLEMENTATION_PLAN.md`.\n";
        let f = run_rule("link.stale-mention", &[("docs/notes.md", notes)]);
        assert!(f.is_empty(), "{f:#?}");
        // A manifest that is not one is no manifest either.
        let bad = [
            (".claude/archive/replan-manifest.json", "{\"runs\": 3"),
            ("docs/notes.md", notes),
        ];
        assert!(run_rule("link.stale-mention", &bad).is_empty());
    }

    #[test]
    fn a_file_back_in_its_place_is_not_stale() {
        let notes = "# Notes\n\nSee `../docs/DESIGN.md`.\n";
        let f = run_rule(
            "link.stale-mention",
            &tree(&[("docs/DESIGN.md", "# Restored\n"), ("x/notes.md", notes)]),
        );
        assert!(f.is_empty(), "{f:#?}");
    }
}
