use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::config::Config;

fn rules() -> extract::Rules {
    extract::Rules::new(&Config::builtin().decisions).unwrap()
}

/// (text, rationale) of every decision found in `md`.
fn found(md: &str) -> Vec<(String, Option<String>)> {
    extract::scan(&Document::from_text("t.md", md), &rules())
        .found
        .into_iter()
        .map(|f| (f.text, f.rationale))
        .collect()
}

fn texts(md: &str) -> Vec<String> {
    found(md).into_iter().map(|f| f.0).collect()
}

/// Run the whole planner over in-memory files with an in-memory disk.
fn run(files: &[(&str, &str)], disk: &BTreeMap<PathBuf, String>) -> DecisionsOutcome {
    let docs: Vec<(PathBuf, Document)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
        .collect();
    let sources: Vec<SourceDoc> = docs
        .iter()
        .map(|(p, d)| SourceDoc {
            rel: p.clone(),
            doc: d,
        })
        .collect();
    let get = |p: &Path| disk.get(p).cloned();
    plan_topics(Path::new("/r"), &sources, &Config::builtin(), &get)
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pcc");
    tree(&root, ".claude")
}

fn run_owned(files: &[(String, String)], disk: &BTreeMap<PathBuf, String>) -> DecisionsOutcome {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    run(&refs, disk)
}

// ---- forms ----

#[test]
fn item_with_rationale_sub_item() {
    let f = found("- **Decision**: Use AlloyDB.\n  - **Rationale**: Managed HA.\n- other\n");
    assert_eq!(f, vec![("Use AlloyDB.".into(), Some("Managed HA.".into()))]);
}

#[test]
fn item_with_rationale_paragraph_after() {
    let f = found("- **Decision**: Use REGIONAL.\n\n**Rationale**: Failover must be tested.\n");
    assert_eq!(
        f,
        vec![(
            "Use REGIONAL.".into(),
            Some("Failover must be tested.".into())
        )]
    );
}

#[test]
fn paragraph_colon_inside_or_outside_bold() {
    let f = found(
        "**Decision:** Daily backups,\nkept 14 days.\n\n**Rationale:** A sprint.\n\n**Decision**: PITR on.\n**Rationale**: Rewind.\n",
    );
    assert_eq!(
        f,
        vec![
            (
                "Daily backups,\nkept 14 days.".into(),
                Some("A sprint.".into())
            ),
            ("PITR on.".into(), Some("Rewind.".into())),
        ]
    );
}

#[test]
fn qualified_label_keeps_its_label() {
    let f = found("**Repository Decision**: `infra/shared`\n- **Rationale**: one place\n");
    assert_eq!(
        f,
        vec![(
            "**Repository Decision**: `infra/shared`".into(),
            Some("one place".into())
        )]
    );
}

#[test]
fn inline_rationale_is_split_off() {
    let f = found("1. **Decision**: HA mode on prod — **Rationale**: zone loss.\n");
    assert_eq!(
        f,
        vec![("HA mode on prod".into(), Some("zone loss.".into()))]
    );
}

#[test]
fn decision_heading_with_its_text() {
    let f = found(
        "## Decisions\n\n### Decision: Generic module\n\nIt takes a map\nof secrets.\n\n**Rationale**: Reuse in\nPhase 4.\n\n### Decision - Random passwords\n\n**Rationale**: Never typed.\n",
    );
    assert_eq!(
        f,
        vec![
            (
                "Generic module\n\nIt takes a map\nof secrets.".into(),
                Some("Reuse in\nPhase 4.".into())
            ),
            ("Random passwords".into(), Some("Never typed.".into())),
        ]
    );
}

#[test]
fn decision_table_keeps_rationale() {
    let f = found(
        "| Area | Decision | Rationale |\n|---|---|---|\n| Secrets | Per-secret `a\\|b` access | Least privilege |\n| Devs | TBD | |\n",
    );
    assert_eq!(
        f,
        vec![(
            "**Secrets**: Per-secret `a\\|b` access".into(),
            Some("Least privilege".into())
        )]
    );
    assert!(found("| Area | Choice made |\n|---|---|\n| a | b |\n").is_empty());
}

#[test]
fn quoted_decisions() {
    let f = found(
        "> **Decision**: Migrations live\n> in the app repo.\n>\n> **Rationale**: One PR.\n\n> **Decision**: Use the proxy.\n\n**Rationale**: IAM auth.\n",
    );
    assert_eq!(
        f,
        vec![
            (
                "Migrations live\nin the app repo.".into(),
                Some("One PR.".into())
            ),
            ("Use the proxy.".into(), Some("IAM auth.".into())),
        ]
    );
}

#[test]
fn every_item_of_decision_sections() {
    for title in [
        "Architectural Decisions",
        "Key Decisions",
        "Key Architecture Decisions",
    ] {
        let md = format!(
            "# T\n\n## {title}\n\n- Autopilot everywhere;\n  wrapped line.\n  - detail\n- Private clusters.\n\n## Next\n\n- not a decision\n"
        );
        assert_eq!(
            texts(&md),
            vec![
                "Autopilot everywhere;\nwrapped line.\n- detail".to_string(),
                "Private clusters.".to_string()
            ],
            "{title}"
        );
    }
    // A bold label naming such a section works like the heading.
    let f = texts("**Key Architectural Decisions**:\n- One\n- Two\n\nAfter.\n\n- not\n");
    assert_eq!(f, vec!["One", "Two"]);
}

#[test]
fn labelled_paragraph_in_a_decision_section_takes_its_list() {
    let f = texts("### Key Technical Decisions\n\n**Insecure mode**:\n- TLS ends at the LB\n- health checks\n\n**NEGs**:\n- direct routing\n");
    assert_eq!(
        f,
        vec![
            "**Insecure mode**:\n- TLS ends at the LB\n- health checks",
            "**NEGs**:\n- direct routing"
        ]
    );
}

#[test]
fn adr_with_decision_part() {
    let md = "### ADR-001: Use PSC for AlloyDB\n\n**Status**: Accepted\n\n**Context**: Two models.\n\n**Decision**: Use PSC for all\nconnectivity.\n\n**Consequences**:\n- no peering\n\n### Next\n";
    let f = found(md);
    assert_eq!(
        f,
        vec![(
            "**ADR-001: Use PSC for AlloyDB**: Use PSC for all\nconnectivity.".into(),
            None
        )]
    );
    let md = "# ADR 003: HA Strategy\n\n**Decision Makers**: Lead\n\n## Context\n\nx\n\n## Decision\n\nWe tier HA by environment.\n\n- **Justification**: nested, not the rationale\n\n## Rationale\n\nCost.\n";
    assert_eq!(
        found(md),
        vec![(
            "**ADR 003: HA Strategy**: We tier HA by environment.".into(),
            Some("Cost.".into())
        )]
    );
    assert!(
        found("## ADR-002: Old\n\n**Status**: Superseded by ADR-004\n\n### Decision\n\nX.\n")
            .is_empty()
    );
}

// ---- not decisions ----

#[test]
fn open_questions_tbd_pending_and_rejected_are_not_decisions() {
    let md = "## Design Decisions\n\n- **Decision**: Keep.\n- **Open question**: Do we need CMEK?\n\n### Rejected Alternatives\n\n- **Rejected**: Cloud SQL.\n- Self-managed Postgres.\n\n## Other\n\n**Decision**: TBD\n\n**Decision**: Pending review\n\n**Decision pending**: Copy backups.\n\n> **Decision pending**: PreSync or manual.\n\n**Decision**: Should we shard?\n\n## Alternatives Considered\n\n**Decision**: Not this one.\n\n## Open Questions\n\n- Should we shard the controller?\n- TBD: notifications.\n- **Decision pending**: ESO or CSI.\n";
    assert_eq!(texts(md), vec!["Keep."]);
}

#[test]
fn lookalikes_are_not_decisions() {
    let md = "# Status\n\n- Decisions: [Key Architecture Decisions](x.md#key)\n\n**Decision Makers**: Lead Architect\n\n**Pre-flight Output**: Go/No-Go decision\n\n```markdown\n**Decision**: inside a fence\n```\n\n<!--\n**Decision**: inside HTML\n-->\n\n## Design Decisions\n";
    assert!(texts(md).is_empty(), "{:?}", texts(md));
}

// ---- recovery, robustness ----

#[test]
fn unclosed_fence_content_is_recovered_and_noted() {
    let md = "# Phase 4: ArgoCD\n\n#### Phase 4.14: Validate\n\n```\nrollback notes\n\n## Key Architecture Decisions\n\n1. **Nonprod Role**: testing only\n2. **Prod Role**: manages clusters\n";
    let o = run(&[(".claude/plans/phase-4-notes.md", md)], &BTreeMap::new());
    let f = file(&o, "argocd");
    // The H2 inside the fence closes 4.14; its rendered parent is the H1.
    assert!(
        f.contains(
            "- **Nonprod Role**: testing only ([source](../plans/phase-4-notes.md#phase-4-argocd))"
        ),
        "{f}"
    );
    assert!(f.contains("**Prod Role**: manages clusters"), "{f}");
    // The H2 inside the fence ends 4.14: the decisions belong to phase 4.
    assert!(f.contains("## Phase 4: ArgoCD\n"), "{f}");
    assert_eq!(o.notes.len(), 1, "{:?}", o.notes);
    assert!(
        o.notes[0].contains("phase-4-notes.md") && o.notes[0].contains("line 5"),
        "{:?}",
        o.notes
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!("{} **Decision**: deep\n", ">".repeat(20_000));
    let f = texts(&deep);
    assert_eq!(f, vec!["deep"]);
    let lists = format!("{}- **Decision**: x\n", "  ".repeat(20_000));
    // 40,000 spaces: an indented code block, not a decision
    assert!(texts(&lists).is_empty());
    let nested = format!("{}**Decision**: deep list\n", "- ".repeat(20_000));
    assert!(texts(&nested).len() <= 1);
    let quoted_items = format!("{}**Decision**: q\n", "> - ".repeat(5_000));
    assert!(texts(&quoted_items).len() <= 1);
    let fences = "````\n".repeat(5_000);
    let o = run(&[("a.md", fences.as_str())], &BTreeMap::new());
    assert!(o.files.is_empty());
}

// ---- dedupe, routing, rendering ----

#[test]
fn restatement_is_noted_not_repeated() {
    let a = "# Phase 2.1: Cluster\n\n- **Decision**: AlloyDB uses automated daily backups with 14-day retention.\n";
    let b = "# Phase 2.3: Backups\n\n**Decision:** AlloyDB uses automated daily backups with a 14-day retention.\n";
    let o = run(
        &[("p/phase-2.3.md", b), ("p/phase-2.1.md", a)],
        &BTreeMap::new(),
    );
    let f = file(&o, "alloydb");
    assert_eq!(f.matches("automated daily backups").count(), 1, "{f}");
    assert!(
        f.contains("  - Restated in [phase-2.3.md](../../p/phase-2.3.md#phase-23-backups)"),
        "{f}"
    );
    // phase order is natural: 2.1 before 2.3, whatever the input order
    assert!(f.contains("## Phase 2.1: Cluster"));
}

#[test]
fn archived_copy_of_an_active_decision_is_dropped() {
    let text = "#### Phase 4.3: Install\n\n**Decision**: Use Helm chart 3.1.9.\n";
    let o = run(
        &[
            (".claude/archive/original-phases/notes.md", text),
            (".claude/plans/phase-4.3-install.md", text),
        ],
        &BTreeMap::new(),
    );
    let f = file(&o, "argocd");
    assert_eq!(f.matches("Helm chart").count(), 1, "{f}");
    assert!(
        f.contains("../plans/phase-4.3-install.md#phase-43-install"),
        "{f}"
    );
    assert!(!f.contains("Restated"), "{f}");
}

#[test]
fn phase_from_heading_or_file_name_routes_topics() {
    let o = run(
        &[
            ("phase-2.5.md", "**Decision**: a1\n"),
            ("x/phase-4.7-install-argocd.md", "**Decision**: b1\n"),
            ("notes.md", "## Phase 3: GKE\n\n**Decision**: c1\n\n## Misc\n\n**Decision**: Use AlloyDB read pools\n\n**Decision**: Tabs not spaces\n"),
        ],
        &BTreeMap::new(),
    );
    assert!(file(&o, "alloydb").contains("a1"));
    assert!(file(&o, "alloydb").contains("read pools"));
    assert!(file(&o, "argocd").contains("## Phase 4.7\n\n- b1 ("));
    assert!(file(&o, "gke").contains("c1"));
    let g = file(&o, "general");
    assert!(g.starts_with("# General design decisions\n"), "{g}");
    assert!(
        g.contains("## Not tied to a phase\n\n- Tabs not spaces ([source](../../notes.md#misc))"),
        "{g}"
    );
}

#[test]
fn topic_dir_is_configurable_and_own_output_is_not_read() {
    let mut cfg = Config::builtin();
    cfg.topics.dir = "docs/architecture/".into();
    let d1 = Document::from_text("a", "**Decision**: x1\n");
    let d2 = Document::from_text("b", "**Decision**: from my own output\n");
    let src = [
        SourceDoc {
            rel: "phase-3.1.md".into(),
            doc: &d1,
        },
        SourceDoc {
            rel: "docs/architecture/gke-design.md".into(),
            doc: &d2,
        },
    ];
    let o = plan_topics(Path::new("/"), &src, &cfg, &|_| None);
    assert_eq!(o.files.len(), 1);
    assert_eq!(
        o.files[0].path,
        PathBuf::from("docs/architecture/gke-design.md")
    );
    assert!(o.files[0]
        .contents
        .contains("x1 ([source](../../phase-3.1.md))"));
    assert!(!o.files[0].contents.contains("own output"));
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
fn a_new_decision_updates_only_the_block() {
    let mut files = vec![(
        "phase-3.1.md".to_string(),
        "# Phase 3.1: GKE\n\n**Decision**: Autopilot.\n".to_string(),
    )];
    let o1 = run_owned(&files, &BTreeMap::new());
    let mut disk = BTreeMap::new();
    let path = PathBuf::from(".claude/architecture/gke-design.md");
    disk.insert(path.clone(), format!("{}\nmine\n", o1.files[0].contents));
    files[0].1.push_str("\n**Decision**: Private endpoints.\n");
    let o2 = run_owned(&files, &disk);
    assert_eq!(o2.files.len(), 1);
    let new = &o2.files[0].contents;
    assert!(new.contains("Private endpoints.") && new.contains("Autopilot."));
    assert!(new.ends_with("\nmine\n"), "{new}");
    // and that result is stable
    disk.insert(path, new.clone());
    assert!(run_owned(&files, &disk).files.is_empty());
}

#[test]
fn hand_edit_inside_markers_is_reported_not_overwritten() {
    let files = vec![(
        "phase-3.1.md".to_string(),
        "**Decision**: Autopilot.\n".to_string(),
    )];
    let o1 = run_owned(&files, &BTreeMap::new());
    let edited = o1.files[0]
        .contents
        .replace("Autopilot.", "Autopilot, edited.");
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), edited);
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty());
    assert_eq!(o2.notes.len(), 1);
    assert!(
        o2.notes[0].contains("gke-design.md") && o2.notes[0].contains("edited"),
        "{:?}",
        o2.notes
    );
    // a begin marker with no end is reported too
    disk.insert(
        o1.files[0].path.clone(),
        format!("{BEGIN} sha256=00 -->\nx\n"),
    );
    let o3 = run_owned(&files, &disk);
    assert!(o3.files.is_empty() && o3.notes[0].contains("no end marker"));
}

#[test]
fn existing_file_without_markers_gets_the_block_appended() {
    let files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let mut disk = BTreeMap::new();
    disk.insert(
        PathBuf::from(".claude/architecture/gke-design.md"),
        "# GKE\n\nWritten by hand.".to_string(),
    );
    let o = run_owned(&files, &disk);
    let c = &o.files[0].contents;
    assert!(
        c.starts_with("# GKE\n\nWritten by hand.\n\n<!-- replan:decisions:begin sha256="),
        "{c}"
    );
}

#[test]
fn decisions_that_disappear_empty_the_block() {
    let files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let o1 = run_owned(&files, &BTreeMap::new());
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), o1.files[0].contents.clone());
    let none = vec![("phase-3.1.md".to_string(), "nothing\n".to_string())];
    let o2 = run_owned(&none, &disk);
    assert_eq!(o2.files.len(), 1);
    assert!(o2.files[0].contents.contains("_No decisions found._"));
    assert!(!o2.files[0].contents.contains("A."));
}

// ---- real inputs ----

#[test]
fn samples_every_planted_decision_lands_in_its_topic() {
    let o = run_owned(&samples(), &BTreeMap::new());
    assert!(o.notes.is_empty(), "{:?}", o.notes);
    let alloydb = file(&o, "alloydb");
    let gke = file(&o, "gke");
    let argocd = file(&o, "argocd");
    let count = |s: &str| s.lines().filter(|l| l.starts_with("- ")).count();
    // 2.1: 4 (one restated in 2.3), 2.2: 3, 2.3: 3-1, 2.4: 1, 2.5: 3, 2.6: 3, 2.7: 3
    assert_eq!(count(alloydb), 19, "{alloydb}");
    assert_eq!(count(gke), 10, "{gke}");
    assert_eq!(count(argocd), 8, "{argocd}");
    assert_eq!(alloydb.matches("  - Rationale: ").count(), 18, "{alloydb}");
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
        "Restated in [phase-2.3.md](../plans/devtest-deployment/phase-2.3.md#backup-policy)"
    ));
    assert!(alloydb.contains("(../plans/devtest-deployment/phase-2.4.md#adr-001-use-private-service-connect-for-alloydb)"));
    assert!(argocd.contains(
        "(../plans/devtest-deployment/phase-4-working-notes.md#key-architecture-decisions)"
    ));
    assert!(!argocd.contains("status/brief.md"), "{argocd}");
}

#[test]
fn real_notes_key_architecture_decisions_are_recovered() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/plans/RLGeeX__pcc-ai-memory");
    let rel = ".claude/archive/original-phases/phase-4-working-notes.md";
    let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
        eprintln!("corpus absent; skipped");
        return;
    };
    let o = run(&[(rel, text.as_str())], &BTreeMap::new());
    let argocd = file(&o, "argocd");
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
            .any(|n| n.contains("phase-4-working-notes.md")
                && n.contains("line 6243")
                && n.contains("recovered 12")),
        "{:?}",
        o.notes
    );
    // Links point at headings GitHub renders, not at the heading hidden in the fence.
    assert!(!argocd.contains("#key-architecture-decisions"), "{argocd}");
}

#[test]
fn relative_links_in_decisions_are_rebased() {
    let md = "**Decision**: Follow [2.4](phase-2.4.md#psc), [top](#x), [web](https://a.b/c) and [far](<../z z.md>), [odd](a%20(b)%23c.md).\n**Rationale**: See [2.1](./phase-2.1.md).\n";
    let o = run(&[(".claude/plans/d/phase-2.5.md", md)], &BTreeMap::new());
    let f = file(&o, "alloydb");
    assert!(
        f.contains("Follow [2.4](../plans/d/phase-2.4.md#psc), [top](../plans/d/phase-2.5.md#x), [web](https://a.b/c) and [far](<../plans/z%20z.md>), [odd](../plans/d/a%20%28b%29%23c.md)."),
        "{f}"
    );
    assert!(
        f.contains("  - Rationale: See [2.1](../plans/d/phase-2.1.md)."),
        "{f}"
    );
}

/// Link syntax quoted in a code span is code: only real links are rebased.
#[test]
fn links_quoted_in_code_are_not_rebased() {
    let md = "**Decision**: Write `[x](a.md)` in indexes and link [b](b.md).\n";
    let o = run(&[(".claude/plans/d/phase-2.5.md", md)], &BTreeMap::new());
    let f = file(&o, "alloydb");
    assert!(
        f.contains("Write `[x](a.md)` in indexes and link [b](../plans/d/b.md)."),
        "{f}"
    );
}

#[test]
fn archived_near_copy_gives_its_phase_to_the_active_copy() {
    let old = "# Phase 4: ArgoCD\n\n## Key Architecture Decisions\n\n1. **Decision**: Two instances, see [a](phase-4.3.md).\n";
    let new = "## Key Architecture Decisions\n\n1. **Decision**: Two instances, see [a](phase-4.3-install-argocd.md).\n";
    let o = run(
        &[
            (".claude/archive/original-phases/notes.md", old),
            (".claude/plans/key-architecture-decisions.md", new),
        ],
        &BTreeMap::new(),
    );
    let f = file(&o, "argocd");
    assert_eq!(f.matches("Two instances").count(), 1, "{f}");
    assert!(f.contains("## Phase 4: ArgoCD\n"), "{f}");
    assert!(
        f.contains("(../plans/key-architecture-decisions.md#key-architecture-decisions)"),
        "{f}"
    );
    assert!(!f.contains("archive"), "{f}");
}

#[test]
fn adr_rationale_comes_from_its_rationale_part_with_sub_headings() {
    let md = "# ADR 7: Tiers\n\n## Decision\n\nTier HA.\n\n### Devtest\n\n- **Justification**: not this\n\n## Rationale\n\n### Advantages\n\n1. **Cost**\n   - cheaper\n\n## Alternatives Considered\n\n**Decision**: not this either\n";
    assert_eq!(
        found(md),
        vec![(
            "**ADR 7: Tiers**: Tier HA.".into(),
            Some("1. **Cost**\n   - cheaper".into())
        )]
    );
}

#[test]
fn a_rationale_makes_its_item_or_paragraph_a_decision() {
    let md = "**Activities**:\n- **Helm chart version** (documented):\n  - **Selected**: v3.1.9\n  - **Rationale**: latest stable\n  - **Applied to**: both\n- **SSL Policy**:\n  - Min TLS 1.2\n  - **Module**: x\n    - **Rationale**: nested under Module, not SSL Policy\n- **Phase 4.6 Scope**: backups later\n- **Rationale**: needs terraform\n\nWe chose the GKE Ingress.\n\n**Rationale**: managed certs.\n\nPlain paragraph.\n";
    assert_eq!(
        found(md),
        vec![
            (
                "**Helm chart version** (documented):\n- **Selected**: v3.1.9\n- **Applied to**: both".into(),
                Some("latest stable".into())
            ),
            (
                "**Module**: x".into(),
                Some("nested under Module, not SSL Policy".into())
            ),
            (
                "**Phase 4.6 Scope**: backups later".into(),
                Some("needs terraform".into())
            ),
            ("We chose the GKE Ingress.".into(), Some("managed certs.".into())),
        ]
    );
    let mut cfg = Config::builtin().decisions;
    cfg.rationale_implies_decision = false;
    let r = extract::Rules::new(&cfg).unwrap();
    assert!(extract::scan(&Document::from_text("t.md", md), &r)
        .found
        .is_empty());
}

#[test]
fn fences_inside_list_items_are_text_not_labels() {
    let md = "## Key Decisions\n\n- **Replica**: use `count`\n  ```hcl\n  count = 1\n\n  ```\n- Next one\n\n## Other\n\n- Template:\n  ```markdown\n  - **Reason**: inside the fence\n  - **Decision**: inside the fence\n  ```\n";
    assert_eq!(
        texts(md),
        vec![
            "**Replica**: use `count`\n```hcl\ncount = 1\n\n```".to_string(),
            "Next one".to_string()
        ]
    );
}

#[test]
fn many_decisions_exact_duplicates_still_fold() {
    let mut md = String::from("# Phase 3.1: GKE\n\n");
    for i in 0..5000 {
        md.push_str(&format!(
            "- **Decision**: cluster {i} gets pool {} in zone {}\n",
            i * 7,
            i % 3
        ));
    }
    md.push_str("- **Decision**: cluster 1 gets pool 7 in zone 1\n");
    let o = run(&[("p.md", md.as_str())], &BTreeMap::new());
    let f = file(&o, "gke");
    assert_eq!(f.lines().filter(|l| l.starts_with("- ")).count(), 5000);
    assert!(
        o.notes.iter().any(|n| n.contains("only identical texts")),
        "{:?}",
        o.notes
    );
}

#[test]
fn lettered_phase_headings_keep_their_number() {
    let o = run(
        &[(
            "notes.md",
            "# Phase 4.2a: Plan Install (20-30 min)\n\n**Decision**: Use Helm.\n",
        )],
        &BTreeMap::new(),
    );
    assert!(
        file(&o, "argocd").contains("## Phase 4.2: Plan Install\n"),
        "{:?}",
        o.files
    );
}

#[test]
fn crlf_topic_files_stay_crlf_and_stable() {
    let mut files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let o1 = run_owned(&files, &BTreeMap::new());
    let crlf = o1.files[0].contents.replace('\n', "\r\n");
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), crlf.clone());
    // a checkout that turned LF into CRLF is not a hand edit
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty() && o2.notes.is_empty(), "{:?}", o2.notes);
    files[0].1.push_str("\n**Decision**: B.\n");
    let o3 = run_owned(&files, &disk);
    let c = &o3.files[0].contents;
    assert!(
        c.contains("- B. (") && !c.replace("\r\n", "").contains('\n'),
        "{c:?}"
    );
    disk.insert(o1.files[0].path.clone(), c.clone());
    assert!(run_owned(&files, &disk).files.is_empty());
}

#[test]
fn copied_text_cannot_close_the_block() {
    let files = vec![(
        "phase-3.1.md".to_string(),
        "**Decision**: keep `<!-- replan:decisions:end -->` out.\n".to_string(),
    )];
    let o1 = run_owned(&files, &BTreeMap::new());
    let c = &o1.files[0].contents;
    assert_eq!(c.matches(END).count(), 1, "{c}");
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), c.clone());
    let o2 = run_owned(&files, &disk);
    assert!(o2.files.is_empty() && o2.notes.is_empty(), "{:?}", o2.notes);
}

#[test]
fn numbered_decision_labels_and_headings() {
    let md = "### Decision 1: Use PostgreSQL 15\n\nText.\n\n### Decision #2 - Use Flyway\n\n**Decision 3**: Use PSC.\n\n### Decision 4 about nothing\n\n**Decision**: We use:\n- a\n- b\n\nAfter.\n";
    assert_eq!(
        texts(md),
        vec![
            "Use PostgreSQL 15\n\nText.".to_string(),
            "Use Flyway".to_string(),
            "Use PSC.".to_string(),
            "We use:\n- a\n- b".to_string(),
        ]
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        "  ",
        "> ",
        "- ",
        "1. ",
        "**Decision**: ",
        "**Decision:** ",
        "**Rationale**: ",
        "**Rejected**: ",
        "### Decision: ",
        "## Key Decisions\n",
        "## Open Questions\n",
        "# Phase 2.1: A\n",
        "#### Phase 4.3: B\n",
        "```\n",
        "~~~~\n",
        "| Area | Decision | Rationale |\n|---|---|---|\n",
        "| a | b | c |\n",
        "Use X",
        " because Y",
        "TBD",
        "?",
        "[l](x.md#y)",
        "<!-- replan:decisions:end -->",
        "\r\n",
        "## ADR-001: Z\n",
        "— **Rationale**: r",
        "`code`",
        "Über ✅",
    ];

    fn doc_text() -> impl Strategy<Value = String> {
        prop::collection::vec(0..PIECES.len(), 0..80)
            .prop_map(|v| v.into_iter().map(|i| PIECES[i]).collect::<String>())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_and_a_second_run_changes_nothing(a in doc_text(), b in doc_text()) {
            let files = vec![
                (".claude/plans/phase-2.1.md".to_string(), a),
                (".claude/plans/notes.md".to_string(), b),
            ];
            let o1 = run_owned(&files, &BTreeMap::new());
            let mut disk = BTreeMap::new();
            for f in &o1.files {
                prop_assert!(f.contents.matches(END).count() == 1);
                disk.insert(f.path.clone(), f.contents.clone());
            }
            let o2 = run_owned(&files, &disk);
            prop_assert!(o2.files.is_empty(), "{:?}", o2.files);
            prop_assert!(o2.notes.iter().all(|n| !n.contains("edited")), "{:?}", o2.notes);
        }
    }
}

#[test]
fn words_that_merely_start_like_tbd_are_decisions() {
    let md = "**Decision**: Open source Grafana for dashboards.\n\n**Decision**: Unknown hosts are rejected by the proxy.\n\n**Decision**: N/A\n\n**Decision**: TBD.\n\n**Decision**: pending\n";
    assert_eq!(
        texts(md),
        vec![
            "Open source Grafana for dashboards.",
            "Unknown hosts are rejected by the proxy."
        ]
    );
}

#[test]
fn quoted_markers_in_hand_text_are_not_the_block() {
    let files = vec![("phase-3.1.md".to_string(), "**Decision**: A.\n".to_string())];
    let o1 = run_owned(&files, &BTreeMap::new());
    let hand = format!(
        "# GKE\n\nThe block starts with `{BEGIN}` and ends with `{END}`.\n\n{}",
        o1.files[0].contents
    );
    let mut disk = BTreeMap::new();
    disk.insert(o1.files[0].path.clone(), hand.clone());
    let o2 = run_owned(&files, &disk);
    assert!(
        o2.files.is_empty() && o2.notes.is_empty(),
        "{:?} {:?}",
        o2.files,
        o2.notes
    );
    let more = vec![(
        "phase-3.1.md".to_string(),
        "**Decision**: A.\n\n**Decision**: B.\n".to_string(),
    )];
    let o3 = run_owned(&more, &disk);
    let c = &o3.files[0].contents;
    assert!(c.starts_with("# GKE\n\nThe block starts with `"), "{c}");
    assert!(c.contains("- B. ("), "{c}");
}

#[test]
fn decision_and_topic_rules_are_strict_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "topics:\n  dir: docs/arch\n  routes:\n    - topic: net\n      phases: ['5']\n      bogus: 1\n",
    )
    .unwrap();
    let err = Config::load(Some(dir.path()), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("replan.yaml") && err.contains("bogus"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("replan.yaml"),
        "topics:\n  dir: docs/arch\ndecisions:\n  labels: [Choice]\n",
    )
    .unwrap();
    let c = Config::load(Some(dir.path()), None, None).unwrap();
    assert_eq!(c.topics.dir, "docs/arch");
    assert_eq!(c.topics.routes.len(), 3, "routes kept from the defaults");
    assert_eq!(c.decisions.labels, vec!["Choice".to_string()]);
    assert!(!c.decisions.sections.is_empty());
}
