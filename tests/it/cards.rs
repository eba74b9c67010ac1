//! Task cards (issue 18 item 1): `split` writes them, `consolidate` keeps them
//! up to date without touching a byte outside them, a carded part grown over
//! budget is split again with fresh cards, and on the user's real tree every
//! card's links and line ranges hold.

use std::path::{Path, PathBuf};

use replan::model::markers::{self, CARD_BEGIN, CARD_END};

use crate::common::*;

/// The card block of a text (begin line through end line), if any.
fn card_of(text: &str) -> Option<&str> {
    let at = text.find(CARD_BEGIN)?;
    let end = text[at..].find(CARD_END)? + at + CARD_END.len();
    Some(&text[at..end])
}

/// The value of a card's field, by its label.
fn field<'a>(card: &'a str, label: &str) -> Option<&'a str> {
    let key = format!("- **{label}:** ");
    card.lines().find_map(|l| l.strip_prefix(key.as_str()))
}

/// A card's links, each with the file it reaches from `dir` (the part's folder).
fn links_from(dir: &Path, card: &str) -> Vec<(String, PathBuf)> {
    replan::model::Document::from_text("card.md", card)
        .links
        .iter()
        .map(|l| (l.url.clone(), dir.join(&l.url)))
        .collect()
}

/// The source a card names: the file (from `dir`) and its 1-based lines.
fn source_of(dir: &Path, card: &str) -> (PathBuf, usize, usize) {
    let s = field(card, "Source").expect("a source field");
    let url = &s[s.find("](").unwrap() + 2..s.find("), lines ").unwrap()];
    let range = &s[s.find("lines ").unwrap() + 6..];
    let (a, b) = range.split_once('–').unwrap();
    (dir.join(url), a.parse().unwrap(), b.parse().unwrap())
}

/// Lines `a..=b` (1-based) of a text, with their line breaks.
fn lines_of(text: &str, a: usize, b: usize) -> String {
    text.split_inclusive('\n')
        .skip(a - 1)
        .take(b + 1 - a)
        .collect()
}

/// A text as it reads with link destinations and file names set aside: what
/// split and migrate rewrite in moved text (links to moved headings, names of
/// split files), each counted in their reports.
fn comparable(text: &str) -> String {
    let md_path = regex::Regex::new(r"[\w./-]+\.md").unwrap();
    md_path
        .replace_all(&without_destinations(text), "P")
        .into_owned()
}

/// Check every card under `dir` (the files `names`): its links resolve, its
/// source is `original` and its line range holds the part's own text (link
/// destinations aside: split rewrites some). Returns how many had a card.
fn check_cards(dir: &Path, names: &[String], original: &Path) -> usize {
    let orig = std::fs::read_to_string(original).unwrap();
    let mut carded = 0;
    for n in names {
        let text = std::fs::read_to_string(dir.join(n)).unwrap();
        let Some(card) = card_of(&text) else { continue };
        carded += 1;
        for (url, to) in links_from(dir, card) {
            assert!(to.is_file(), "{n}: card link {url} does not resolve");
        }
        let (src, a, b) = source_of(dir, card);
        assert_eq!(
            std::fs::canonicalize(&src).unwrap(),
            std::fs::canonicalize(original).unwrap(),
            "{n}"
        );
        // An original that is itself a carded part (grown, split again)
        // holds its old card among those lines.
        assert_eq!(
            comparable(&markers::strip_cards(&lines_of(&orig, a, b))),
            comparable(&part_body(&text)),
            "{n}: lines {a}–{b} of the original are not its text"
        );
    }
    carded
}

#[test]
fn split_writes_a_card_on_every_subphase_part_and_none_with_cards_off() {
    let notes =
        repo().join("samples/pcc/.claude/plans/devtest-deployment/phase-4-working-notes.md");
    let out = tempfile::tempdir().unwrap();
    let res = replan()
        .args(["split", "--format", "json", "--out"])
        .arg(out.path())
        .arg(&notes)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&res.get_output().stdout).unwrap();
    let rows = parts_in_order(&report);
    let names: Vec<String> = rows
        .iter()
        .map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let carded = check_cards(out.path(), &names, &notes);
    // Every part of a subphase carries one: all but the leading overview and
    // the closing notes, which hold none.
    let subphase_parts = names.iter().filter(|n| n.starts_with("phase-4.")).count();
    assert_eq!(carded, subphase_parts, "{names:?}");
    // Previous and next follow the order the parts were cut in.
    for w in names.windows(2) {
        let a = std::fs::read_to_string(out.path().join(&w[0])).unwrap();
        let b = std::fs::read_to_string(out.path().join(&w[1])).unwrap();
        if let (Some(ca), Some(cb)) = (card_of(&a), card_of(&b)) {
            assert!(field(ca, "Next").unwrap().contains(&format!("]({})", w[1])));
            assert!(field(cb, "Previous")
                .unwrap()
                .contains(&format!("]({})", w[0])));
        }
    }
    assert!(report["conservation"][0]["equal"] == true, "{report}");

    let off = tempfile::tempdir().unwrap();
    let copy = off.path().join("notes.md");
    std::fs::copy(&notes, &copy).unwrap();
    std::fs::write(off.path().join("replan.yaml"), "cards: false\n").unwrap();
    replan()
        .args(["split", "--root"])
        .arg(off.path())
        .arg(&copy)
        .assert()
        .success();
    let any = snapshot(off.path())
        .into_iter()
        .any(|(_, b)| String::from_utf8_lossy(&b).contains(CARD_BEGIN));
    assert!(!any, "cards: false still wrote a card");
}

/// Every file of a tree but git's own.
fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(root)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".git/"))
        .collect()
}

fn commit(root: &Path) {
    assert!(
        git_commit_all(root, None),
        "git commit in {}",
        root.display()
    );
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

const PLANS: &str = ".claude/plans/devtest-deployment";

/// A migrated sample tree, committed.
fn migrated_sample() -> tempfile::TempDir {
    let dir = copy_tree(&repo().join("samples/pcc"));
    replan().arg("migrate").arg(dir.path()).assert().success();
    commit(dir.path());
    dir
}

/// The file in the sample's plan folder whose name starts with `prefix`.
fn part(root: &Path, prefix: &str) -> String {
    let mut names: Vec<String> = std::fs::read_dir(root.join(PLANS))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no {prefix}");
    format!("{PLANS}/{}", names[0])
}

#[test]
fn consolidate_refreshes_stale_cards_and_touches_nothing_outside_them() {
    let dir = migrated_sample();
    let root = dir.path();
    let p47 = part(
        root,
        "phase-4.7-install-argocd-on-devops-nonprod-cluster.md",
    );
    let p47_4 = part(
        root,
        "phase-4.7-install-argocd-on-devops-nonprod-cluster-part-4",
    );
    let p45 = part(
        root,
        "phase-4.5-configure-rbac-and-appprojects-for-nonprod.md",
    );
    let p414 = part(root, "phase-4.14-validate-prod-argocd-end-to-end.md");
    let p414_2 = part(root, "phase-4.14-validate-prod-argocd-end-to-end-part-2");
    assert!(field(card_of(&read(root, &p47)).unwrap(), "Status")
        .unwrap()
        .starts_with("open (0/"));
    // A person ticks a checkbox of 4.7 (in its last part), renames 4.5, adds a
    // 4.8 and removes the second part of 4.14.
    let t = read(root, &p47_4);
    let at = t.find("- [ ]").expect("a checkbox in 4.7's last part");
    std::fs::write(
        root.join(&p47_4),
        format!("{}- [x]{}", &t[..at], &t[at + 5..]),
    )
    .unwrap();
    let t = read(root, &p45);
    std::fs::write(
        root.join(&p45),
        t.replacen(
            "RBAC and AppProjects for Nonprod (",
            "RBAC and Projects for Nonprod (",
            1,
        ),
    )
    .unwrap();
    let p48 = format!("{PLANS}/phase-4.8-new-step.md");
    std::fs::write(root.join(&p48), "# Phase 4.8: New step\n\n- [ ] do it\n").unwrap();
    std::fs::remove_file(root.join(&p414_2)).unwrap();
    commit(root);
    let edited = files(root);

    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(1);
    replan().arg("consolidate").arg(root).assert().success();
    let after = files(root);
    // Outside the cards, every plan file is as the person left it.
    for (p, b) in &edited {
        if !p.starts_with(PLANS) || p.ends_with("INDEX.md") {
            continue;
        }
        let now = &after.iter().find(|(q, _)| q == p).unwrap().1;
        let (was, now) = (String::from_utf8_lossy(b), String::from_utf8_lossy(now));
        assert_eq!(
            markers::strip_cards(&was),
            markers::strip_cards(&now),
            "{p}"
        );
    }
    let status = |p: &str| field(card_of(&read(root, p)).unwrap(), "Status").map(str::to_string);
    let s47 = status(&p47).unwrap();
    assert!(s47.starts_with("open (1/"), "{s47}");
    assert_eq!(status(&p47_4).unwrap(), s47);
    for p in [
        &p45,
        &part(
            root,
            "phase-4.5-configure-rbac-and-appprojects-for-nonprod-part-2",
        ),
    ] {
        let card = read(root, p);
        assert_eq!(
            field(card_of(&card).unwrap(), "Phase"),
            Some("4.5 Configure RBAC and Projects for Nonprod"),
            "{p}"
        );
    }
    let c47_4 = read(root, &p47_4);
    assert!(
        field(card_of(&c47_4).unwrap(), "Next")
            .unwrap()
            .contains("](phase-4.8-new-step.md)"),
        "{c47_4}"
    );
    let c414 = read(root, &p414);
    let c414 = card_of(&c414).unwrap();
    assert_eq!(field(c414, "Part"), None, "{c414}");
    assert_eq!(field(c414, "Next"), None, "{c414}");
    // A person's new file gets no card: only the cards replan wrote are kept.
    assert!(!read(root, &p48).contains(CARD_BEGIN));
    // Fresh now: a second run changes nothing.
    commit(root);
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(files(root), after);
}

#[test]
fn a_carded_part_grown_over_budget_is_split_again_with_fresh_cards() {
    let dir = migrated_sample();
    let root = dir.path();
    let p45 = part(
        root,
        "phase-4.5-configure-rbac-and-appprojects-for-nonprod.md",
    );
    let mut t = read(root, &p45);
    for i in 1..=40 {
        t.push_str(&format!(
            "\n##### Step {} (added)\n\nMore text for it.\n",
            i + 10
        ));
    }
    std::fs::write(root.join(&p45), &t).unwrap();
    commit(root);
    let grown = files(root);
    let out = replan()
        .args(["consolidate", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accounts = v["conservation"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{v}");
    assert_eq!(accounts[0]["equal"], true);
    // The archive keeps the grown file as it was, card and all.
    let archived = ".claude/archive/original-phases/devtest-deployment/phase-4.5-configure-rbac-and-appprojects-for-nonprod.md";
    assert_eq!(read(root, archived), t);
    assert!(!root.join(&p45).exists());
    // Its new parts: one card each, naming the archived file with lines of it
    // that hold the part's text.
    let m: serde_json::Value =
        serde_json::from_str(&read(root, ".claude/archive/replan-manifest.json")).unwrap();
    let run = m["runs"].as_array().unwrap().last().unwrap();
    let parts: Vec<String> = run["moved"][0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(parts.len() >= 2, "{parts:?}");
    let names: Vec<String> = parts
        .iter()
        .map(|p| p.rsplit('/').next().unwrap().to_string())
        .collect();
    let carded = check_cards(&root.join(PLANS), &names, &root.join(archived));
    assert_eq!(carded, parts.len(), "{parts:?}");
    for p in &parts {
        assert_eq!(read(root, p).matches(CARD_BEGIN).count(), 1, "{p}");
    }
    // Taking the new cards (and continuation lines) out gives back the grown
    // text without its old card.
    let joined: String = parts.iter().map(|p| part_body(&read(root, p))).collect();
    assert_eq!(joined, markers::strip_cards(&t));
    commit(root);
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(files(root), grown);
}

/// Issue 18's done-when on the user's real tree: after migrate every
/// subphase part has a card whose previous/next links resolve and whose
/// source is the archived original with the lines that hold its text; the
/// 4.7 card says its duration; the parts, cards and continuation lines taken
/// out, are every original byte for byte; `consolidate --check` exits 0 and a
/// second consolidate changes nothing.
#[test]
fn real_tree_cards_hold_after_migrate() {
    let Some(dir) = real_tree() else { return };
    let root = dir.path();
    commit(root);
    let out = replan()
        .args(["migrate", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m: serde_json::Value =
        serde_json::from_str(&read(root, ".claude/archive/replan-manifest.json")).unwrap();
    let mut carded = 0;
    let (mut originals, mut renamed) = (0, 0);
    let md_path = regex::Regex::new(r"[\w./-]+\.md").unwrap();
    for f in m["runs"][0]["moved"].as_array().unwrap() {
        let archived = root.join(f["to"].as_str().unwrap());
        let parts: Vec<&str> = f["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let dir = root.join(Path::new(parts[0]).parent().unwrap());
        let names: Vec<String> = parts
            .iter()
            .map(|p| p.rsplit('/').next().unwrap().to_string())
            .collect();
        carded += check_cards(&dir, &names, &archived);
        for p in &parts {
            let text = read(root, p);
            // A continuation of a subphase's part carries a card too (parts
            // of a document without subphases have none).
            let folder = Path::new(p).parent().unwrap();
            let first = markers::continuation_line(&text)
                .and_then(replan::split::continued_from)
                .map(|(f, _)| std::fs::read_to_string(root.join(folder).join(f)).unwrap());
            if first.is_some_and(|f| card_of(&f).is_some()) {
                assert!(
                    card_of(&text).is_some(),
                    "{p}: a continuation without a card"
                );
            }
        }
        let joined: String = parts.iter().map(|p| part_body(&read(root, p))).collect();
        let orig = std::fs::read_to_string(&archived).unwrap();
        // Byte for byte, but for where migrate wrote a split file's new name
        // over its old one (`link.stale-mention`, counted in its report).
        let (a, b): (Vec<&str>, Vec<&str>) = (
            joined.split_inclusive('\n').collect(),
            orig.split_inclusive('\n').collect(),
        );
        assert_eq!(a.len(), b.len(), "{}", archived.display());
        for (x, y) in a.iter().zip(&b).filter(|(x, y)| x != y) {
            assert_eq!(md_path.replace_all(x, "P"), md_path.replace_all(y, "P"));
            renamed += 1;
        }
        originals += 1;
    }
    assert_eq!(originals, 5);
    assert!(
        renamed <= report["mentions_rewritten"].as_u64().unwrap(),
        "{renamed} lines differ"
    );
    // The run's own account, which reverts those renames exactly: equal.
    let accounts = report["conservation"].as_array().unwrap();
    assert_eq!(accounts.len(), 5);
    assert!(accounts
        .iter()
        .all(|a| a["equal"] == true && a["in"] == a["parts"]));
    assert!(carded >= 45, "{carded}");
    let p47 = part(
        root,
        "phase-4.7-install-argocd-on-devops-nonprod-cluster.md",
    );
    let c47 = read(root, &p47);
    assert_eq!(
        field(card_of(&c47).unwrap(), "Duration"),
        Some("85–125 minutes"),
        "{c47}"
    );
    commit(root);
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    let before = files(root);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(files(root), before);
}
