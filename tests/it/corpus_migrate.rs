//! `migrate` on every real planning folder of `../shared/corpus/plans` (written by
//! other people, laid out as GSD, OpenSpec, spec-kit, Claude plans, docs/plans),
//! as a new user would run it: the folder must come out better, never worse, and
//! `restore` must give it back byte for byte. Skipped when the corpus is absent.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{copy_tree, corpus, replan, snapshot};

fn check_json(root: &Path) -> Value {
    let out = replan()
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .expect("run check");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check failed on {}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("check json")
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings")
}

fn errors(v: &Value) -> Vec<(String, String)> {
    findings(v)
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The `plan_dirs` migrate's hint proposes, when no file is under the defaults.
fn hinted_plan_dirs(stderr: &str) -> Option<String> {
    let at = stderr.find("`plan_dirs: [")?;
    let rest = &stderr[at + 1..];
    Some(rest[..rest.find('`')?].to_string())
}

/// What the manifest says migrate split: originals and their parts, and every
/// file it created.
struct Made {
    originals: BTreeSet<String>,
    parts: Vec<String>,
    created: BTreeSet<String>,
    in_place: BTreeSet<String>,
}

fn made(root: &Path) -> Option<Made> {
    let text = std::fs::read_to_string(root.join(".claude/archive/replan-manifest.json")).ok()?;
    let m: Value = serde_json::from_str(&text).expect("manifest json");
    let mut out = Made {
        originals: BTreeSet::new(),
        parts: Vec::new(),
        created: BTreeSet::new(),
        in_place: BTreeSet::new(),
    };
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    for run in m["runs"].as_array().expect("runs") {
        for f in run["moved"].as_array().into_iter().flatten() {
            out.originals.insert(s(&f["from"]));
            out.parts
                .extend(f["parts"].as_array().into_iter().flatten().map(s));
        }
        for f in run["modified"].as_array().into_iter().flatten() {
            let parts: Vec<String> = f["parts"].as_array().into_iter().flatten().map(s).collect();
            if !parts.is_empty() {
                out.originals.insert(s(&f["path"]));
                out.in_place.insert(s(&f["path"]));
                out.parts.extend(parts);
            }
        }
        for f in run["created"].as_array().into_iter().flatten() {
            out.created.insert(s(&f["path"]));
        }
    }
    Some(out)
}

/// Active files (outside the archive) that link into the archive.
fn links_into_archive(root: &Path) -> Vec<String> {
    snapshot(root)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".md") && !p.starts_with(".claude/archive/"))
        .filter(|(_, b)| {
            // A task card's source link names the archived original on purpose.
            let t = String::from_utf8_lossy(b);
            let t = replan::model::markers::strip_cards(&t);
            t.contains("archive/original-phases/")
                && (t.contains("](") || t.contains("]:"))
                && t.lines().any(|l| {
                    (l.contains("](") || l.trim_start().starts_with('['))
                        && l.contains("archive/original-phases/")
                })
        })
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn migrate_leaves_every_real_planning_folder_better_and_restores_it() {
    let Some(corpus) = corpus() else { return };
    let mut trees: Vec<_> = std::fs::read_dir(corpus.join("plans"))
        .expect("corpus plans")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    trees.sort();
    assert!(trees.len() >= 5, "{trees:?}");
    let (mut parts_total, mut parts_small) = (0usize, Vec::new());
    let mut report = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for tree in &trees {
        let name = tree.file_name().unwrap().to_string_lossy().into_owned();
        let dir = copy_tree(tree);
        let root = dir.path();
        let pristine = snapshot(root);
        let before = check_json(root);
        // A tree without the usual planning folders: take migrate's own advice.
        let dry = replan()
            .args(["migrate", "--dry-run"])
            .arg(root)
            .output()
            .unwrap();
        let dry_err = String::from_utf8_lossy(&dry.stderr).into_owned();
        if let Some(dirs) = hinted_plan_dirs(&dry_err) {
            std::fs::write(root.join("replan.yaml"), format!("{dirs}\n")).unwrap();
        }
        let start = snapshot(root);
        let out = replan().arg("migrate").arg(root).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{name}: migrate failed: {err}");
        assert!(!err.contains("would not reassemble"), "{name}: {err}");
        let after = check_json(root);
        let Some(made) = made(root) else {
            // Nothing was written: the tree is as it was.
            assert_eq!(snapshot(root), start, "{name}");
            report.push(format!("{name}: nothing to do"));
            continue;
        };
        // Fewer errors, unless none of the files with errors could be split.
        let (eb, ea) = (errors(&before), errors(&after));
        let split_had_errors = eb.iter().any(|(p, _)| made.originals.contains(p));
        if ea.len() > eb.len() || (split_had_errors && ea.len() == eb.len()) {
            problems.push(format!(
                "{name}: errors {} -> {}: {ea:?}",
                eb.len(),
                ea.len()
            ));
        }
        let dups =
            |v: &Vec<(String, String)>| v.iter().filter(|(_, r)| r == "phase.duplicate").count();
        if dups(&ea) > dups(&eb) {
            problems.push(format!("{name}: new phase.duplicate: {ea:?}"));
        }
        // replan's own files (indexes, topic files, a framework file turned index)
        // have no findings.
        let parts: BTreeSet<&String> = made.parts.iter().collect();
        let own: Vec<&Value> = findings(&after)
            .iter()
            .filter(|f| {
                let p = f["path"].as_str().unwrap_or("").to_string();
                (made.created.contains(&p) && !parts.contains(&p)) || made.in_place.contains(&p)
            })
            .collect();
        if !own.is_empty() {
            problems.push(format!("{name}: findings in replan's own files: {own:?}"));
        }
        // Every original's conservation account is recorded, and equal.
        let manifest =
            std::fs::read_to_string(root.join(".claude/archive/replan-manifest.json")).unwrap();
        let m: Value = serde_json::from_str(&manifest).unwrap();
        let accounts: Vec<&Value> = m["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["conservation"].as_array().into_iter().flatten())
            .collect();
        if accounts.len() != made.originals.len() || accounts.iter().any(|a| a["equal"] != true) {
            problems.push(format!("{name}: conservation: {accounts:?}"));
        }
        let into = links_into_archive(root);
        if !into.is_empty() {
            problems.push(format!(
                "{name}: active files link into the archive: {into:?}"
            ));
        }
        for p in &made.parts {
            let lines = std::fs::read_to_string(root.join(p))
                .unwrap()
                .lines()
                .count();
            parts_total += 1;
            if lines < 8 {
                parts_small.push(format!("{name}/{p}"));
            }
        }
        replan()
            .args(["consolidate", "--check"])
            .arg(root)
            .assert()
            .code(0);
        replan().arg("restore").arg(root).assert().success();
        let mut back = snapshot(root);
        back.retain(|(p, _)| p != "replan.yaml");
        let mut want = pristine.clone();
        want.retain(|(p, _)| p != "replan.yaml");
        assert_eq!(back, want, "{name}: restore is not byte-exact");
        report.push(format!(
            "{name}: errors {} -> {}, {} parts",
            eb.len(),
            ea.len(),
            made.parts.len()
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert!(parts_total > 0);
    if parts_small.len() * 20 >= parts_total {
        problems.push(format!(
            "{} of {parts_total} parts are under 8 lines: {:?}",
            parts_small.len(),
            &parts_small[..parts_small.len().min(20)]
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
