//! Unit tests of `analysis`.

use super::*;

#[test]
fn unknown_rule_ids_are_located_known_ones_pass() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "check:\n  overrides:\n    - glob: 'a/**'\n      severity: { nope.rule: off }\n";
    std::fs::write(dir.path().join("replan.yaml"), yaml).unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    let e = check_rule_ids(&cfg).unwrap_err().to_string();
    assert!(
        e.contains("replan.yaml:4:") && e.contains("unknown rule id"),
        "{e}"
    );
    std::fs::write(
        dir.path().join("replan.yaml"),
        "check:\n  severity: { link.broken: off }\n",
    )
    .unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    assert!(check_rule_ids(&cfg).is_ok());
}

#[test]
fn a_misspelled_rule_id_in_the_configuration_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("replan.yaml"),
        "check:\n  severity:\n    link.brokn: warning\n",
    )
    .unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    let e = check_rule_ids(&cfg).unwrap_err().to_string();
    assert!(
        e.contains("replan.yaml:3:5: unknown rule id `link.brokn`; did you mean `link.broken`?"),
        "{e}"
    );
    // Nothing close: the known ids are listed instead.
    std::fs::write(
        dir.path().join("replan.yaml"),
        "check:\n  severity:\n    zzz: warning\n",
    )
    .unwrap();
    let cfg = Config::load(Some(dir.path()), None, None).unwrap();
    let e = check_rule_ids(&cfg).unwrap_err().to_string();
    assert!(
        !e.contains("did you mean") && e.contains("known: budget.lines"),
        "{e}"
    );
}

#[test]
fn every_rule_example_gives_the_finding_its_docs_promise() {
    let mut cfg = Config::builtin();
    cfg.repo_roots = vec!["infra".into()];
    let root = Path::new("/nonexistent-root");
    let mut shown = 0;
    for r in RULES {
        assert!(!r.long.trim().is_empty(), "{}: no long text", r.id);
        assert!(!r.section.is_empty(), "{}: no section", r.id);
        let Some(ex) = &r.example else { continue };
        shown += 1;
        let found = testutil::run_rule_cfg(r.id, ex.files, &cfg, root);
        assert!(
            found.iter().any(|f| f.message.starts_with(ex.message)),
            "{}: the example gives {:?}, not a message starting {:?}",
            r.id,
            found.iter().map(|f| &f.message).collect::<Vec<_>>(),
            ex.message
        );
    }
    // The budgets need a file too long to show; every other rule has an example.
    assert_eq!(shown, RULES.len() - 2);
}

/// The verdicts `phase.mislabeled` keeps while reporting are the ones a fix
/// would reach judging each file again on its own: on the sample, where most
/// subphases are mislabeled, and on a file whose section continues in a part
/// (judged again by the fix: not kept).
#[test]
fn kept_verdicts_are_those_a_fix_would_reach() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pcc");
    let cfg = Config::load(Some(&root), None, None).unwrap();
    let mut docs = Vec::new();
    let mut stack = vec![root.join(".claude")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() && !p.ends_with("archive") {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                let rel = p.strip_prefix(&root).unwrap().to_path_buf();
                let text = std::fs::read_to_string(&p).unwrap();
                docs.push((
                    rel.clone(),
                    Document::from_text(&rel.to_string_lossy(), &text),
                ));
            }
        }
    }
    let prod = "```bash\nkubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pods\n```\n";
    let first = "## Phase 4.7: Install ArgoCD on Devops Nonprod Cluster\n\nIntro.\n";
    let cont = format!(
        "*Continued from [Phase 4.7: Install ArgoCD on Devops Nonprod Cluster](phase-4.7-install.md) (part 2 of 2).* {}\n\n{}",
        crate::model::markers::CONTINUATION,
        prod.repeat(3)
    );
    for (p, t) in [
        ("d/phase-4.7-install.md", first.to_string()),
        ("d/phase-4.7-install-part-2.md", cont),
    ] {
        docs.push((p.into(), Document::from_text(p, &t)));
    }
    let inputs: Vec<Input> = docs.iter().map(|(rel, doc)| Input { rel, doc }).collect();
    let text = report(&root, &inputs, &cfg, false);
    let json = report(&root, &inputs, &cfg, true);
    assert_eq!(text.verdicts, json.verdicts);
    assert!(
        !text.verdicts.is_empty(),
        "the sample's notes have mislabeled subphases: {:?}",
        text.verdicts
    );
    for (rel, doc) in &docs {
        let again = mislabeled(&cfg, rel, doc);
        match text.verdicts.get(rel) {
            Some(kept) => assert_eq!(kept, &again, "{}", rel.display()),
            None if rel.ends_with("phase-4.7-install.md") => {}
            None => assert!(again.is_empty(), "{}: {again:?}", rel.display()),
        }
    }
    let mine: Vec<_> = text
        .findings
        .iter()
        .filter(|f| f.path.starts_with("d/"))
        .collect();
    // Judged with its continuation, the first part is reported but not kept.
    assert!(!text
        .verdicts
        .contains_key(std::path::Path::new("d/phase-4.7-install.md")));
    assert!(
        text.findings
            .iter()
            .any(|f| f.rule == "phase.mislabeled" && f.path == "d/phase-4.7-install.md"),
        "{mine:?}"
    );
}

#[test]
fn a_title_numbering_another_plan_is_no_subphase_to_check_either() {
    // Split reads `# PHASE 1.1 … PLAN` over phases 1.5 and 2.5 as the
    // document's title (split::units): check must agree on the subphases.
    let cfg = Config::builtin();
    let numbers = |text: &str| {
        let doc = Document::from_text("plan.md", text);
        with_facts(&cfg, Path::new("plan.md"), &doc, |_, f| {
            (
                f.level,
                f.subphases
                    .iter()
                    .map(|s| s.sp.number.clone())
                    .collect::<Vec<_>>(),
            )
        })
    };
    let text = "# PHASE 1.1 REMEDIATION PLAN\n\n### Phase 1.5: A\n\nx\n";
    assert_eq!(numbers(text), (Some(3), vec!["1.5".to_string()]));
    let text = "# Phase 4.7: ArgoCD\n\n### Phase 4.7.1: A\n\nx\n";
    assert_eq!(numbers(text), (Some(1), vec!["4.7".to_string()]));
}
