//! `status.unbacked-claim`: a status file claims a phase is done ("✅", "100%
//! complete", "deployment-ready") while the implementation artifacts its docs name
//! (`secrets.tf`, `V1__init.sql`, `modules/alloydb-cluster/`) do not exist under
//! the configured `repo_roots`; or a line claims it created artifacts that do not
//! exist. Off when no roots are configured.
//!
//! A phase's docs are the checked files that are not status files: a file named
//! for a phase (`phase-2.5-x.md` is 2.5, `phase-3-x.md` is 3) and each subphase
//! section of a file (4.7 in the working notes). Artifacts are inline code spans
//! matching `claims.artifacts`. An artifact exists when some file or folder under
//! a root has that path or ends with it.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::facts::quote;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::config::Pattern;
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "status.unbacked-claim",
    doc: "a status file claims completion but the artifacts the phase's docs name do not exist",
    default: Severity::Error,
    ctor: |_| Box::new(StatusClaims),
    long: "A line of a status file claims a phase is done (\"✅\", \"100% complete\", \
        \"deployment-ready\") while artifacts the phase's docs name in code spans \
        (`secrets.tf`, `modules/alloydb-cluster/`) exist under none of the `repo_roots`; or \
        a line claims it created artifacts that do not exist. Off unless `repo_roots` names \
        the folders holding the implementation.",
    settings: &[
        "repo_roots",
        "check.claims.files",
        "check.claims.phase_claims",
        "check.claims.artifact_claims",
        "check.claims.artifacts",
        "check.claims.ignore",
        "check.claims.phase",
        "check.claims.max_evidence",
    ],
    section: "claims-statusunbacked-claim",
    example: Some(Example {
        files: &[
            (
                ".claude/status/progress.md",
                "| Phase | Status |\n|---|---|\n| Phase 2.5 | ✅ Complete |\n",
            ),
            (
                ".claude/plans/phase-2.5-alloydb.md",
                "# Phase 2.5: AlloyDB\n\nWrite `terraform/alloydb.tf`.\n",
            ),
        ],
        message: "claims Phase 2.5 is done",
    }),
};

struct StatusClaims;

/// An artifact named in a doc.
#[derive(Debug, Clone)]
struct Named {
    phase: String,
    artifact: String,
    path: String,
    line: usize,
}

fn code_spans(line: &str) -> Vec<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"`([^`]+)`").expect("valid"));
    re.captures_iter(line)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().trim())
        .collect()
}

/// Everything under the repository roots, as `/`-separated paths relative to each
/// root, held as every tail of them that starts after a `/` (and the whole path):
/// `a/b/c.tf` is `a/b/c.tf`, `b/c.tf` and `c.tf`. An artifact exists when it is one
/// of those, found with one lookup rather than by comparing it with every path.
struct Index {
    tails: HashSet<String>,
}

/// `path` and each part of it after a `/`.
fn tails(path: &str) -> impl Iterator<Item = &str> {
    std::iter::once(path).chain(path.match_indices('/').map(move |(i, _)| &path[i + 1..]))
}

impl Index {
    fn build(root: &Path, roots: &[String]) -> Index {
        let mut tails_of_all = HashSet::new();
        for r in roots {
            let base = root.join(r);
            if !base.is_dir() {
                continue;
            }
            let walker = ignore::WalkBuilder::new(&base)
                .standard_filters(false)
                .follow_links(false)
                .filter_entry(|e| {
                    let n = e.file_name();
                    n != ".git" && n != ".terraform" && n != "node_modules" && n != "target"
                })
                .build();
            for e in walker.flatten() {
                if let Ok(rel) = e.path().strip_prefix(&base) {
                    let s = rel.to_string_lossy().replace('\\', "/");
                    if !s.is_empty() {
                        tails_of_all.extend(tails(&s).map(str::to_string));
                    }
                }
            }
        }
        Index {
            tails: tails_of_all,
        }
    }

    /// Whether some path under a root is `artifact` or ends with `/artifact`.
    fn exists(&self, artifact: &str) -> bool {
        let a = artifact.trim_start_matches("./").trim_end_matches('/');
        a.is_empty() || self.tails.contains(a)
    }
}

/// The artifacts named in the docs by phase, each list in the order they were
/// named, so a claim finds those of its phase (and of its subphases) without
/// reading every artifact of the tree.
struct ByPhase<'a> {
    named: &'a [Named],
    phases: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> ByPhase<'a> {
    fn new(named: &'a [Named]) -> ByPhase<'a> {
        let mut phases: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, n) in named.iter().enumerate() {
            phases.entry(n.phase.as_str()).or_default().push(i);
        }
        ByPhase { named, phases }
    }

    /// The artifacts that [`belongs`] to `claimed`, in the order they were named.
    fn of(&self, claimed: &str) -> Vec<&'a Named> {
        let below = format!("{claimed}.");
        let mut idx: Vec<usize> = self.phases.get(claimed).cloned().unwrap_or_default();
        for (phase, list) in self.phases.range(below.as_str()..) {
            if !phase.starts_with(&below) {
                break;
            }
            idx.extend(list);
        }
        idx.sort_unstable();
        idx.into_iter().map(|i| &self.named[i]).collect()
    }
}

/// Whether an artifact named in `artifact_phase` counts for a claim that phase
/// `claimed` is done: the same phase or one of its subphases. [`ByPhase::of`]
/// finds these; this says what it finds.
#[cfg(test)]
fn belongs(artifact_phase: &str, claimed: &str) -> bool {
    artifact_phase == claimed || artifact_phase.starts_with(&format!("{claimed}."))
}

/// The phase a whole file is about, from its name (`phase-2.5-x.md`, `phase-3-x.md`).
fn file_phase(name: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"(?i)^phase[-_ ]?(\d+(?:\.\d+)*)(?:[-_. ]|$)").expect("valid"));
    re.captures(name).map(|c| c[1].to_string())
}

fn table_phase(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^\s*\|\s*(?:\*\*)?(\d+(?:\.\d+)*)(?:\*\*)?\s*\|").expect("valid")
    });
    re.captures(line).map(|c| c[1].to_string())
}

impl Rule for StatusClaims {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let c = &cx.cfg.check.claims;
        if cx.cfg.repo_roots.is_empty() || c.files.is_empty() {
            return;
        }
        fn compile(v: &[Pattern]) -> Vec<&Regex> {
            v.iter().filter_map(|p| p.regex()).collect()
        }
        let phase_claims = compile(&c.phase_claims);
        let artifact_claims = compile(&c.artifact_claims);
        let ignore = compile(&c.ignore);
        let artifacts = compile(&c.artifacts);
        let phase_re = c.phase.regex();
        let is_artifact = |s: &str| {
            !s.contains(['<', '>', '*', '{', '}', '$', ' '])
                && artifacts.iter().any(|r| r.is_match(s))
        };
        let status: Vec<bool> = files.iter().map(|f| c.files.is_match(f.rel)).collect();
        if !status.iter().any(|&s| s) {
            return;
        }
        // Artifacts named by each phase's docs.
        let mut named: Vec<Named> = Vec::new();
        for (i, f) in files.iter().enumerate() {
            if status[i] {
                continue;
            }
            let whole = file_phase(f.name());
            for l in 1..=f.lines() {
                if f.is_code(l) {
                    continue;
                }
                let t = f.line(l);
                if !t.contains('`') {
                    continue;
                }
                let phase = f
                    .subphases
                    .iter()
                    .find(|s| s.line <= l && l <= s.end_line)
                    .map(|s| s.sp.number.clone())
                    .or_else(|| whole.clone());
                let Some(phase) = phase else { continue };
                for span in code_spans(t) {
                    if is_artifact(span) {
                        named.push(Named {
                            phase: phase.clone(),
                            artifact: span.to_string(),
                            path: f.path.clone(),
                            line: l,
                        });
                    }
                }
            }
        }
        let index = Index::build(cx.root, &cx.cfg.repo_roots);
        let by_phase = ByPhase::new(&named);
        let roots = cx.cfg.repo_roots.join(", ");
        let max = c.max_evidence.max(1);
        for (i, f) in files.iter().enumerate() {
            if !status[i] {
                continue;
            }
            let mut heading_phase: Option<String> = None;
            let heads: std::collections::HashMap<usize, &str> = f
                .doc
                .headings
                .iter()
                .map(|h| (h.line(), h.text()))
                .collect();
            for l in 1..=f.lines() {
                let t = f.line(l);
                if let Some(h) = heads.get(&l) {
                    heading_phase = phase_re
                        .as_ref()
                        .and_then(|r| r.captures(h))
                        .and_then(|c| c.name("number"))
                        .map(|m| m.as_str().to_string());
                }
                if f.is_code(l) || ignore.iter().any(|r| r.is_match(t)) {
                    continue;
                }
                // Artifacts claimed on the line itself.
                let own: Vec<&str> = code_spans(t)
                    .into_iter()
                    .filter(|s| is_artifact(s))
                    .collect();
                if !own.is_empty() && artifact_claims.iter().any(|r| r.is_match(t)) {
                    let missing: Vec<&str> = own.into_iter().filter(|a| !index.exists(a)).collect();
                    if !missing.is_empty() {
                        let list = missing
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        out.push(
                            cx.finding(
                                INFO.id,
                                f,
                                l,
                                format!(
                                    "claims {list} exist{}, but nothing under {roots} matches",
                                    if missing.len() == 1 { "s" } else { "" }
                                ),
                            )
                            .evidence([format!("line {l}: {}", quote(t))]),
                        );
                    }
                    continue;
                }
                let Some(claim) = phase_claims
                    .iter()
                    .filter_map(|r| r.find(t))
                    .max_by_key(|m| (m.as_str().trim().len(), std::cmp::Reverse(m.start())))
                else {
                    continue;
                };
                let phase = phase_re
                    .as_ref()
                    .and_then(|r| r.captures(t))
                    .and_then(|c| c.name("number"))
                    .map(|m| m.as_str().to_string())
                    .or_else(|| table_phase(t))
                    .or_else(|| heading_phase.clone());
                let Some(phase) = phase else { continue };
                let mut seen = HashSet::new();
                let missing: Vec<&Named> = by_phase
                    .of(&phase)
                    .into_iter()
                    .filter(|n| seen.insert(n.artifact.trim_end_matches('/').to_string()))
                    .filter(|n| !index.exists(&n.artifact))
                    .collect();
                // `secrets.tf` says nothing more than `terraform/secrets.tf`: drop an
                // artifact that is the tail after a `/` of another one.
                let longer: HashSet<&str> = missing
                    .iter()
                    .flat_map(|b| tails(b.artifact.trim_end_matches('/')).skip(1))
                    .collect();
                let missing: Vec<&Named> = missing
                    .into_iter()
                    .filter(|a| !longer.contains(a.artifact.trim_end_matches('/')))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let mut ev: Vec<String> = missing
                    .iter()
                    .take(max)
                    .map(|n| {
                        format!(
                            "`{}` named in {}:{} (phase {})",
                            n.artifact, n.path, n.line, n.phase
                        )
                    })
                    .collect();
                if missing.len() > max {
                    ev.push(format!("... and {} more", missing.len() - max));
                }
                out.push(
                    cx.finding(
                        INFO.id,
                        f,
                        l,
                        format!(
                            "claims Phase {phase} is done (\"{}\"), but {} artifact{} its docs name do{} not exist under {roots}",
                            claim.as_str().trim().trim_matches('|').trim(),
                            missing.len(),
                            if missing.len() == 1 { "" } else { "s" },
                            if missing.len() == 1 { "es" } else { "" }
                        ),
                    )
                    .subphase(phase.clone())
                    .evidence(ev),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use super::{belongs, tails, ByPhase, Index, Named};
    use crate::analysis::testutil::run_rule_cfg;
    use crate::config::Config;

    /// The lookups that replaced scans of every artifact and every path find
    /// what the scans found, in the same order.
    #[test]
    fn lookups_find_what_the_scans_found() {
        let phases = [
            "2", "2.5", "2.10", "2.5.1", "20", "20.1", "2a", "3", "2.", "",
        ];
        let named: Vec<Named> = (0..40)
            .map(|i| Named {
                phase: phases[(i * 7) % phases.len()].to_string(),
                artifact: format!("a{i}.tf"),
                path: "p.md".into(),
                line: i,
            })
            .collect();
        let by = ByPhase::new(&named);
        for claimed in phases.iter().chain(&["1", "2.1", "4"]) {
            let got: Vec<usize> = by.of(claimed).iter().map(|n| n.line).collect();
            let want: Vec<usize> = named
                .iter()
                .filter(|n| belongs(&n.phase, claimed))
                .map(|n| n.line)
                .collect();
            assert_eq!(got, want, "phase {claimed:?}");
        }
        let paths = [
            "app/terraform/secrets.tf",
            "modules/gke/",
            "x.tf",
            "a//b.tf",
        ];
        let index = Index {
            tails: paths
                .iter()
                .flat_map(|p| tails(p.trim_end_matches('/')))
                .map(str::to_string)
                .collect(),
        };
        let scan = |a: &str| {
            let a = a.trim_start_matches("./").trim_end_matches('/');
            a.is_empty()
                || paths
                    .iter()
                    .map(|p| p.trim_end_matches('/'))
                    .any(|p| p == a || p.ends_with(&format!("/{a}")))
        };
        for a in [
            "secrets.tf",
            "terraform/secrets.tf",
            "./app/terraform/secrets.tf",
            "rraform/secrets.tf",
            "modules/gke/",
            "gke",
            "x.tf",
            "/x.tf",
            "b.tf",
            "/b.tf",
            "./",
            "nope.tf",
        ] {
            assert_eq!(index.exists(a), scan(a), "{a}");
        }
        let longer: HashSet<&str> = paths.iter().flat_map(|p| tails(p).skip(1)).collect();
        assert!(longer.contains("secrets.tf") && longer.contains("terraform/secrets.tf"));
        assert!(!longer.contains("app/terraform/secrets.tf") && !longer.contains("x.tf"));
    }

    fn tree() -> (tempfile::TempDir, Config) {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("infra/app/terraform")).unwrap();
        std::fs::write(d.path().join("infra/app/terraform/alloydb.tf"), "").unwrap();
        let mut c = Config::builtin();
        c.repo_roots = vec!["infra".into()];
        (d, c)
    }

    #[test]
    fn fires_on_claim_without_artifacts() {
        let (d, c) = tree();
        let plan = "# Phase 2.5\n\nCreate `app/terraform/secrets.tf` and `alloydb.tf`.\n";
        let status = "# Status\n\n- Phase 2: ✅ 100% complete\n- created `iam.tf` today\n";
        let f = run_rule_cfg(
            "status.unbacked-claim",
            &[("plans/phase-2.5.md", plan), ("status/brief.md", status)],
            &c,
            d.path(),
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].message.contains("Phase 2 "), "{}", f[0].message);
        assert!(f[0].evidence[0].contains("secrets.tf"));
        assert!(f[1].message.contains("iam.tf"));
    }

    #[test]
    fn near_misses() {
        let (d, mut c) = tree();
        let plan = "# Phase 2.5\n\nCreate `alloydb.tf`; later `V<n>__x.sql`.\n";
        let status = "# Status\n\n- Phase 2: ✅ 100% complete\n- Phase 3: ✅ done (no docs)\n**Status**: ✅ Planning complete\n";
        let files = [("plans/phase-2.5.md", plan), ("status/brief.md", status)];
        assert!(run_rule_cfg("status.unbacked-claim", &files, &c, d.path()).is_empty());
        // Off without roots.
        c.repo_roots.clear();
        let plan = "# Phase 2.5\n\nCreate `secrets.tf`.\n";
        let files = [("plans/phase-2.5.md", plan), ("status/brief.md", status)];
        assert!(run_rule_cfg(
            "status.unbacked-claim",
            &files,
            &c,
            Path::new("/nonexistent")
        )
        .is_empty());
    }
}
