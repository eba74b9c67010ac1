//! Decision extraction over real inputs: the sample tree (`samples/pcc`) and the
//! user's real notes from `../shared/corpus` (skipped when it is absent).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use replan::config::Config;
use replan::decisions::{plan_topics, DecisionsOutcome, SourceDoc};
use replan::model::Document;

use crate::common::{real_notes, repo};

/// The sample project's configuration (`samples/pcc/replan.yaml`: its topic routes).
fn pcc() -> Config {
    Config::load(Some(&repo().join("samples/pcc")), None, None).expect("sample config")
}

/// Run the whole planner over in-memory files with an in-memory disk, with the
/// sample project's routes.
fn run(files: &[(&str, &str)], disk: &BTreeMap<PathBuf, String>) -> DecisionsOutcome {
    run_with(files, disk, &pcc())
}

/// As [`run`] with a configuration.
fn run_with(
    files: &[(&str, &str)],
    disk: &BTreeMap<PathBuf, String>,
    cfg: &Config,
) -> DecisionsOutcome {
    let docs: Vec<(PathBuf, Document)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
        .collect();
    let sources: Vec<SourceDoc> = docs
        .iter()
        .map(|(p, d)| SourceDoc {
            rel: p.clone(),
            doc: d,
            title: None,
        })
        .collect();
    let get = |p: &Path| disk.get(p).cloned();
    plan_topics(Path::new("/r"), &sources, cfg, &get)
}

/// A topic's file and its pages (when over budget it is an index of them), joined.
fn topic_text(o: &DecisionsOutcome, topic: &str) -> String {
    let file = PathBuf::from(format!(".claude/architecture/{topic}-design.md"));
    let pages = PathBuf::from(format!(".claude/architecture/{topic}"));
    o.files
        .iter()
        .filter(|f| f.path == file || f.path.starts_with(&pages))
        .map(|f| f.contents.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn file<'a>(o: &'a DecisionsOutcome, topic: &str) -> &'a str {
    let p = PathBuf::from(format!(".claude/architecture/{topic}-design.md"));
    o.files
        .iter()
        .find(|f| f.path == p)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {topic} file in {:?}", o.files))
}

/// Every Markdown file under a folder, root-relative, sorted.
fn tree(root: &Path, under: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.join(under)];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn samples() -> Vec<(String, String)> {
    tree(&repo().join("samples/pcc"), ".claude")
}

fn run_owned(files: &[(String, String)], disk: &BTreeMap<PathBuf, String>) -> DecisionsOutcome {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    run(&refs, disk)
}

#[test]
fn second_run_changes_nothing_and_hand_text_survives() {
    let files = samples();
    let o1 = run_owned(&files, &BTreeMap::new());
    assert!(o1.files.len() >= 3);
    let mut disk: BTreeMap<PathBuf, String> = BTreeMap::new();
    for f in &o1.files {
        disk.insert(
            f.path.clone(),
            format!(
                "Intro by hand.\n\n{}\n## Notes by hand\n\nkeep me\n",
                f.contents
            ),
        );
    }
    // Hand text around the block: the first re-run keeps it and changes nothing.
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty(), "{:?}", o2.files);
    assert!(o2.notes.is_empty(), "{:?}", o2.notes);
    // Same input, same bytes, whatever the order of the sources.
    let mut rev = files.clone();
    rev.reverse();
    let o3 = run_owned(&rev, &BTreeMap::new());
    assert_eq!(o1.files, o3.files);
}

#[test]
fn samples_every_planted_decision_lands_in_its_topic() {
    let o = run_owned(&samples(), &BTreeMap::new());
    assert!(o.notes.is_empty(), "{:?}", o.notes);
    let alloydb = file(&o, "alloydb");
    let gke = file(&o, "gke");
    let argocd = file(&o, "argocd");
    let count = |s: &str| s.lines().filter(|l| l.starts_with("- ")).count();
    // 2.1: 4, 2.2: 3, 2.3: 3, 2.4: 1, 2.5: 3, 2.6: 3, 2.7: 3. 2.3 says 2.1's
    // "with 14-day retention" as "with a 14-day retention": a restatement is the
    // same text and nothing else, so both are kept (and neither changes the other).
    assert_eq!(count(alloydb), 20, "{alloydb}");
    assert_eq!(count(gke), 10, "{gke}");
    assert_eq!(count(argocd), 8, "{argocd}");
    assert_eq!(alloydb.matches("  - Rationale: ").count(), 19, "{alloydb}");
    assert_eq!(argocd.matches("  - Rationale: ").count(), 8);
    for s in [alloydb, gke, argocd] {
        for bad in [
            "CMEK",
            "Cloud SQL",
            "TBD",
            "second region",
            "shard",
            "notifications",
            "CSI driver",
            "manual approval",
        ] {
            assert!(!s.contains(bad), "{bad} in\n{s}");
        }
    }
    assert!(alloydb.contains(
        "- AlloyDB uses automated daily backups with a 14-day retention. ([source](../plans/devtest-deployment/phase-2.3.md#backup-policy))"
    ));
    assert!(
        !alloydb.contains("Restated in") && !alloydb.contains("Changes"),
        "{alloydb}"
    );
    assert!(alloydb.contains("(../plans/devtest-deployment/phase-2.4.md#adr-001-use-private-service-connect-for-alloydb)"));
    assert!(argocd.contains(
        "(../plans/devtest-deployment/phase-4-working-notes.md#key-architecture-decisions)"
    ));
    assert!(!argocd.contains("status/brief.md"), "{argocd}");
}

#[test]
fn real_notes_key_architecture_decisions_are_recovered() {
    let rel = ".claude/archive/original-phases/phase-4-working-notes.md";
    let Some(notes) = real_notes() else { return };
    let text = std::fs::read_to_string(notes).expect("the real notes");
    let o = run(&[(rel, text.as_str())], &BTreeMap::new());
    let argocd = topic_text(&o, "argocd");
    let argocd = argocd.as_str();
    // With no routes configured (the user's tree has no replan.yaml) the same
    // decisions go to their phase's topic, named from the notes' own heading.
    let generic = run_with(
        &[(rel, text.as_str())],
        &BTreeMap::new(),
        &Config::builtin(),
    );
    let phase4: Vec<_> = generic
        .files
        .iter()
        .filter(|f| {
            f.path
                .to_string_lossy()
                .starts_with(".claude/architecture/phase-4-")
        })
        .collect();
    assert!(!phase4.is_empty(), "{:?}", generic.files);
    assert!(
        phase4.iter().any(|f| f
            .contents
            .contains("- **Repository Decision**: `infra/pcc-app-shared-infra`")),
        "{:?}",
        generic.files
    );
    for item in [
        "**Nonprod Role**: ONLY for testing",
        "**Prod Role**: Manages all application clusters",
        "**Public Ingress**",
        "**DNS Naming**",
        "**RBAC** (namespace-aware",
        "**Ingress Controller**",
        "**Security**: Cloud Armor",
        "**Test App**",
        "**Repository Scope**",
        "**App-of-Apps**",
        "**Cluster Registration**",
        "**HA Configuration**",
        "**Repository Decision**: `infra/pcc-app-shared-infra`",
        "**Key Decision**: Nonprod ArgoCD is for testing",
    ] {
        assert!(
            argocd.contains(&format!("- {item}")),
            "{item} missing:\n{argocd}"
        );
    }
    assert!(
        argocd.contains("  - Prod: `argocd-east4.pcconnect.ai`"),
        "{argocd}"
    );
    assert!(
        o.notes
            .iter()
            .map(|n| n.to_string())
            .any(|n| n.contains("phase-4-working-notes.md")
                && n.contains("line 6243")
                && n.contains("recovered 12")),
        "{:?}",
        o.notes
    );
    // Links point at headings GitHub renders, not at the heading hidden in the fence.
    assert!(!argocd.contains("#key-architecture-decisions"), "{argocd}");
}

/// Every real planning folder of the corpus: `(name, root)`.
fn corpus_trees() -> Vec<(String, PathBuf)> {
    let Some(c) = crate::common::corpus() else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(c.join("plans"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The planner over every Markdown file of a real tree, with the built-in rules.
fn corpus_outcome(root: &Path) -> (DecisionsOutcome, String) {
    let files = tree(root, "");
    let all_text: String = files
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    (
        run_with(&refs, &BTreeMap::new(), &Config::builtin()),
        all_text.to_lowercase(),
    )
}

#[test]
fn corpus_topic_files_are_named_only_with_words_their_folder_uses() {
    let trees = corpus_trees();
    if crate::common::corpus().is_some() {
        assert!(trees.len() >= 5, "{trees:?}");
    }
    for (name, root) in &trees {
        let (o, text) = corpus_outcome(root);
        for f in &o.files {
            let stem = f.path.file_stem().unwrap().to_string_lossy().into_owned();
            let topic = f
                .path
                .strip_prefix(".claude/architecture")
                .ok()
                .and_then(|p| p.components().next())
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or(stem);
            let topic = topic.trim_end_matches(".md").trim_end_matches("-design");
            for word in topic.split('-') {
                if word.len() < 3 || word.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    continue;
                }
                assert!(
                    text.contains(word),
                    "{name}: topic file {} is named with `{word}`, which the folder never uses",
                    f.path.display()
                );
            }
        }
        // The sample project's technologies never name a topic where they are not
        // written: the built-in rules route by nothing but the plans' own headings.
        for tech in ["alloydb", "gke", "argocd"] {
            if !text.contains(tech) {
                assert!(
                    o.files
                        .iter()
                        .all(|f| !f.path.to_string_lossy().contains(tech)),
                    "{name}: a {tech} topic"
                );
            }
        }
    }
}

/// Per real folder, decisions that must be found and lookalikes that must not
/// (read from the files; each near miss is one the extractor once took).
const PINNED: &[(&str, &[&str], &[&str])] = &[
    (
        "0antinomia__tui01",
        &[
            "Theme uses manual `impl Default` rather than `#[derive(Default)]`",
            "RenderContext carries Theme by value",
            "- [Init]: Chosen architecture: ControlTrait + BuiltinControl enum",
        ],
        &["**Confidence**: HIGH", "**Why seal**"],
    ),
    (
        "CMBAgents__cmbcluster",
        &[
            "- Conditional Helm Templates",
            "- Security Validation in Deploy Scripts",
        ],
        &[
            "- Single source of truth for both clouds",
            "- **Benefits:**",
            "- Easy testing",
        ],
    ),
    (
        "Fission-AI__OpenSpec",
        &[
            "Use zod for validation but preserve unknown fields",
            "Keep routing centralized in `src/cli/index.ts`",
        ],
        &["- **Examples:**", "- **WARNING**:"],
    ),
    (
        "RLGeeX__pcc-ai-memory",
        &[
            "- **Nonprod Role**: ONLY for testing ArgoCD upgrades/configuration",
            "- **Repository Decision**: `infra/pcc-app-shared-infra`",
            "- Use SNAT (VM has static internal IP via Network LB)",
        ],
        &[
            "- **Verify audit logging for Secret Manager**",
            "- **Validate across HA replicas**",
            "- **Test ArgoCD's internal credential handling**",
        ],
    ),
    (
        "deepcausality-rs__deep_causality",
        &[
            "**Structure Decision**: Option 1: Single project (new crate `deep_causality_discovery`)",
            "Use Option 1 - implement `Zero` and `One` for scalar matrices",
        ],
        &["- **REJECTED** - Need both safe and algebraic APIs"],
    ),
    (
        "gutohuida__AgentWeave",
        &[
            "**Env var over a per-run Hub-issued bearer token.**",
            "**Probe cache is a 5-minute in-process TTL dict, not persisted.**",
        ],
        &["**Superseded by 16.2's decision.**"],
    ),
    // No decision is written in these; a line about where decisions are kept
    // is not one.
    ("ahmetb__kubectl-fields", &[], &["All decisions from v1.0 are archived"]),
    ("ADASK-B__agent-ready-k8s", &[], &[]),
    ("tachyon-beep__elspeth", &[], &[]),
];

#[test]
fn corpus_pinned_decisions_are_found_and_lookalikes_are_not() {
    let trees = corpus_trees();
    for (name, root) in &trees {
        let Some((_, must, must_not)) = PINNED.iter().find(|(n, _, _)| n == name) else {
            panic!("{name}: no pinned decisions; read its files and add some");
        };
        let (o, _) = corpus_outcome(root);
        let all: String = o
            .files
            .iter()
            .map(|f| f.contents.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for m in *must {
            assert!(all.contains(m), "{name}: `{m}` not found");
        }
        for m in *must_not {
            assert!(!all.contains(m), "{name}: `{m}` taken for a decision");
        }
        if must.is_empty() {
            assert!(o.files.is_empty(), "{name}: {:?}", o.files);
        }
    }
}
