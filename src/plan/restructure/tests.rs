use super::*;
use crate::config::Config;
use crate::model::sha256;
use crate::plan::links::dest_of;

pub(super) fn docs(files: &[(&str, &str)]) -> Vec<(PathBuf, Document)> {
    files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
        .collect()
}

/// The built-in configuration with parts kept flat beside their original: these
/// tests are about splitting and links; the layout has its own tests.
fn flat() -> Config {
    let mut cfg = Config::builtin();
    cfg.layout = crate::config::Layout::Flat;
    cfg
}

/// The planner run on `files` under `root`, with `exists` as its look at the
/// disk and `generated` as the manifest's record; nothing else recorded, no
/// git, no progress, no folder asked for.
pub(super) fn plan_files(
    cfg: &Config,
    root: &Path,
    exists: &(dyn Fn(&Path) -> bool + Sync),
    generated: &HashMap<PathBuf, String>,
    files: &[(&str, &str)],
) -> Outcome {
    plan(
        &Inputs {
            root,
            cfg,
            exists,
            generated,
            reading_order: &HashMap::new(),
            split_before: &[],
            tick: &|| {},
            last_commit: &|_| None,
            asked: None,
            freed: &|| {},
        },
        docs(files),
    )
}

fn run(files: &[(&str, &str)], generated: &HashMap<PathBuf, String>) -> Outcome {
    plan_files(&flat(), Path::new("/r"), &|_| false, generated, files)
}

/// As [`run`], with the files written under `root` first, so the planner's
/// look at the disk (`exists`) sees them as a real run would.
fn run_on_disk(root: &Path, files: &[(&str, &str)]) -> Outcome {
    for (p, t) in files {
        std::fs::create_dir_all(root.join(p).parent().unwrap()).unwrap();
        std::fs::write(root.join(p), t).unwrap();
    }
    let exists = |p: &Path| root.join(p).exists();
    plan_files(&flat(), root, &exists, &HashMap::new(), files)
}

const NOTES: &str = "# Notes\n\nIntro, see [two](#phase-42-two).\n\n## Phase 4.1: One\n\nText one.\n\n### Troubleshooting\n\nx\n\n## Phase 4.2: Two\n\nText two.\n\n### Troubleshooting\n\ny\n";
const BRIEF: &str = "# Brief\n\n- [one](../plans/d/notes.md#phase-41-one)\n- [t2](../plans/d/notes.md#troubleshooting-1)\n- [file](../plans/d/notes.md)\n- [gone](../plans/d/missing.md)\n- [web](https://example.com)\n";

pub(super) fn op_text<'a>(o: &'a Outcome, path: &str) -> Option<&'a str> {
    o.plan.ops.iter().find_map(|op| match op {
        Op::Create { path: p, contents } if p == Path::new(path) => Some(contents.as_str()),
        Op::Modify { path: p, new, .. } if p == Path::new(path) => Some(new.as_str()),
        _ => None,
    })
}

/// A file whose links are rewritten is planned with its text as read as the
/// op's `old`, byte for byte (the text apply checks on disk and `restore`
/// puts back), though stage 3 held it only as the edits back from its planned
/// text: line endings, characters of several bytes and text around each link
/// come back as they were.
#[test]
fn a_rewritten_file_keeps_its_text_as_read() {
    let brief = "# Brief \u{e9}t\u{e9} \u{1f680}\r\n\r\n- [one](../plans/d/notes.md#phase-41-one) \u{e0} \r\n\
                 - [file](<../plans/d/notes.md>)\u{2014}[again](../plans/d/notes.md)\r\n\
                 [ref]: ../plans/d/notes.md#phase-42-two \"T\u{ed}tle\"\r\n";
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            (".claude/status/brief.md", brief),
        ],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let (old, new) = o
        .plan
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Modify { path, old, new } if path == Path::new(".claude/status/brief.md") => {
                Some((old.as_str(), new.as_str()))
            }
            _ => None,
        })
        .expect("brief modified");
    assert_eq!(old, brief);
    assert!(
        new.contains("(../plans/d/phase-4.1-one.md#phase-41-one) \u{e0} \r\n"),
        "{new}"
    );
    assert!(
        new.contains("../plans/d/phase-4.2-two.md#phase-42-two \"T\u{ed}tle\"\r\n"),
        "{new}"
    );
}

#[test]
fn splits_archives_and_rewrites_links() {
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            (
                ".claude/plans/d/phase-4.0.md",
                "# Phase 4.1: a\n\n## Phase 4.2: b\n",
            ),
            (".claude/status/brief.md", BRIEF),
        ],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert_eq!(o.splits.len(), 1, "phase-4.0.md is kept: {:?}", o.splits);
    assert!(o.plan.ops.iter().any(|op| matches!(op, Op::Move { to, .. }
        if to == Path::new(".claude/archive/original-phases/d/notes.md"))));
    let brief = op_text(&o, ".claude/status/brief.md").expect("brief modified");
    assert!(
        brief.contains("(../plans/d/phase-4.1-one.md#phase-41-one)"),
        "{brief}"
    );
    // The second Troubleshooting is the first of its new file: no suffix any more.
    assert!(
        brief.contains("(../plans/d/phase-4.2-two.md#troubleshooting)"),
        "{brief}"
    );
    // A link to the whole file goes to the part holding its title, never into
    // the archive.
    let first = o.splits[0].parts[0].file_name().unwrap().to_string_lossy();
    assert!(
        brief.contains(&format!("- [file](../plans/d/{first})")),
        "{brief}"
    );
    assert!(!brief.contains("archive"), "{brief}");
    assert!(brief.contains("(../plans/d/missing.md)"), "{brief}");
    assert!(
        o.notes.iter().any(|n| n.to_string().contains("missing.md")),
        "{:?}",
        o.notes
    );
    // A same-file anchor in moved text now names the part holding the heading.
    let overview = o
        .plan
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Create { path, contents } if contents.contains("Intro") => {
                Some((path.clone(), contents.clone()))
            }
            _ => None,
        })
        .expect("overview part");
    assert!(
        overview.1.contains("(phase-4.2-two.md#phase-42-two)"),
        "{overview:?}"
    );
    let index = op_text(&o, ".claude/plans/d/INDEX.md").expect("index");
    assert!(index.contains("phase-4.1-one.md") && index.contains("phase-4.0.md"));
    assert!(!index.contains("notes.md]"), "{index}");
}

/// Apply a plan to an in-memory tree; returns the tree and the generated files.
pub(super) fn simulate(
    files: &[(&str, &str)],
    o: &Outcome,
) -> (Vec<(String, String)>, HashMap<PathBuf, String>) {
    let mut tree: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let mut generated = HashMap::new();
    for op in &o.plan.ops {
        match op {
            Op::Move { from, to, contents } => {
                tree.retain(|(p, _)| Path::new(p) != from);
                tree.push((to.display().to_string(), contents.to_string()));
            }
            Op::Create { path, contents } => {
                generated.insert(path.clone(), sha256(contents.as_bytes()));
                tree.push((path.display().to_string(), contents.to_string()));
            }
            Op::Modify { path, new, .. } => {
                generated.insert(path.clone(), sha256(new.as_bytes()));
                for t in tree.iter_mut() {
                    if Path::new(&t.0) == path {
                        t.1 = new.to_string();
                    }
                }
            }
            Op::Delete { .. } => {}
        }
    }
    (tree, generated)
}

#[test]
fn plan_of_the_result_is_empty() {
    let files = [
        (".claude/plans/d/notes.md", NOTES),
        (".claude/status/brief.md", BRIEF),
    ];
    let o = run(&files, &HashMap::new());
    let (tree, generated) = simulate(&files, &o);
    let refs: Vec<(&str, &str)> = tree.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let again = run(&refs, &generated);
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert!(again.plan.is_empty(), "{:#?}", again.plan.ops);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const TITLES: &[&str] = &["Install", "Verify", "Install", "Rollback"];
    const SUBS: &[&str] = &["Troubleshooting", "Notes", "Troubleshooting"];

    /// A monolith of subphases with repeated titles and sub-headings, and link
    /// picks (index into its headings; same-file or from the status file).
    fn notes() -> impl Strategy<Value = (String, Vec<(bool, usize)>)> {
        let section = (
            0..TITLES.len(),
            prop::collection::vec((0..SUBS.len(), 1usize..60), 0..3),
            1usize..90,
        );
        (
            prop::collection::vec(section, 2..6),
            prop::collection::vec((any::<bool>(), 0usize..100), 0..8),
        )
            .prop_map(|(sections, picks)| {
                let mut s = String::from("# Working notes\n\nIntro.\n\n");
                for (i, (t, subs, n)) in sections.into_iter().enumerate() {
                    s.push_str(&format!("## Phase 7.{}: {}\n\n", i + 1, TITLES[t]));
                    s.push_str(&"Body line.\n".repeat(n));
                    for (k, m) in subs {
                        s.push_str(&format!("\n### {}\n\n", SUBS[k]));
                        s.push_str(&"More text.\n".repeat(m));
                    }
                    s.push('\n');
                }
                (s, picks)
            })
    }

    proptest! {
        #![proptest_config(crate::testing::proptest_config(24))]

        #[test]
        fn links_keep_resolving_and_a_second_plan_is_empty((text, picks) in notes()) {
            let doc = Document::from_text("n.md", &text);
            let anchors: Vec<String> = doc.headings.iter().map(|h| h.anchor().to_string()).collect();
            let mut brief = String::from("# Brief\n\n");
            let mut own = String::new();
            for (same, k) in &picks {
                let a = &anchors[k % anchors.len()];
                if *same {
                    own.push_str(&format!("See [x](#{a}).\n\n"));
                } else {
                    brief.push_str(&format!("- [x](../plans/d/notes.md#{a})\n"));
                }
            }
            let notes = text.replacen("Intro.\n", &format!("Intro.\n\n{own}"), 1);
            let files = [
                (".claude/plans/d/notes.md", notes.as_str()),
                (".claude/status/brief.md", brief.as_str()),
            ];
            let o = run(&files, &HashMap::new());
            prop_assert!(o.errors.is_empty(), "{:?}", o.errors);
            let (tree, generated) = simulate(&files, &o);
            // Independently: every link in the tree outside the archive resolves.
            let docs: HashMap<PathBuf, Document> = tree
                .iter()
                .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
                .collect();
            for (p, d) in &docs {
                if in_archive(p) {
                    continue;
                }
                for l in &d.links {
                    let Some((tp, a)) = dest_of(p, &l.url) else { continue };
                    let target = docs.get(&tp);
                    prop_assert!(target.is_some(), "{}: {} has no file", p.display(), l.url);
                    if let (Some(t), Some(a)) = (target, a) {
                        prop_assert!(
                            t.headings.iter().any(|h| h.anchor() == a),
                            "{}: {} has no anchor", p.display(), l.url
                        );
                    }
                }
            }
            let refs: Vec<(&str, &str)> = tree.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let again = run(&refs, &generated);
            prop_assert!(again.errors.is_empty(), "{:?}", again.errors);
            prop_assert!(again.plan.is_empty(), "{:#?}", again.plan.ops);
        }
    }
}

#[test]
fn an_archive_name_in_use_gets_a_numbered_one() {
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            (".claude/archive/original-phases/d/notes.md", "other"),
        ],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert!(o.plan.ops.iter().any(|op| matches!(op,
        Op::Move { to, .. } if to == Path::new(".claude/archive/original-phases/d/notes-2.md"))));
}

#[test]
fn reference_definitions_are_rewritten() {
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            (
                "a.md",
                "[x][r]\n\n[r]: .claude/plans/d/notes.md#phase-41-one\n",
            ),
        ],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let a = op_text(&o, "a.md").expect("a.md modified");
    assert_eq!(
        a,
        "[x][r]\n\n[r]: .claude/plans/d/phase-4.1-one.md#phase-41-one\n"
    );
}

#[test]
fn unlocatable_link_to_moved_file_is_an_error() {
    // An entity in the destination: comrak's URL differs from the text.
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            ("a.md", "[x](.claude/plans/d/notes&#46;md#phase-41-one)\n"),
        ],
        &HashMap::new(),
    );
    assert!(
        o.errors.iter().any(|e| e.to_string().contains("a.md")),
        "{:?}",
        o.errors
    );
}

#[test]
fn same_file_reference_in_moved_text_follows_its_heading() {
    let notes = NOTES.replace("Text one.", "Text one, see [two][t].\n\n[t]: #phase-42-two");
    let o = run(&[(".claude/plans/d/notes.md", &notes)], &HashMap::new());
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let one = op_text(&o, ".claude/plans/d/phase-4.1-one.md").expect("part");
    assert!(one.contains("[t]: phase-4.2-two.md#phase-42-two"), "{one}");
    // An unlocatable same-file link whose heading moves to another part is refused.
    let notes = NOTES.replace("Text one.", "Text one, see [two](#phase&#45;42-two).");
    let o = run(&[(".claude/plans/d/notes.md", &notes)], &HashMap::new());
    assert!(
        o.errors
            .iter()
            .any(|e| e.to_string().contains("phase-42-two")),
        "{:?}",
        o.errors
    );
}

#[test]
fn copied_definitions_are_rewritten_for_their_part() {
    let notes = NOTES
        .replace("Text one.", "Text one, see [two][t].")
        .replace("Text two.", "Text two, [again][t].\n\n[t]: #phase-42-two");
    let o = run(&[(".claude/plans/d/notes.md", &notes)], &HashMap::new());
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let one = op_text(&o, ".claude/plans/d/phase-4.1-one.md").expect("part one");
    let two = op_text(&o, ".claude/plans/d/phase-4.2-two.md").expect("part two");
    assert!(one.contains("[t]: phase-4.2-two.md#phase-42-two"), "{one}");
    assert!(two.contains("[t]: #phase-42-two"), "{two}");
}

#[test]
fn an_archive_inside_the_plan_folders_is_never_split_again() {
    let mut cfg = Config::builtin();
    cfg.archive.dir = ".claude/plans/old".into();
    let o = plan_files(
        &cfg,
        Path::new("/r"),
        &|_| false,
        &HashMap::new(),
        &[
            (".claude/plans/d/notes.md", NOTES),
            (".claude/plans/old/d/big.md", NOTES),
        ],
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let moved: Vec<_> = o.splits.iter().map(|s| s.original.clone()).collect();
    assert_eq!(moved, vec![PathBuf::from(".claude/plans/d/notes.md")]);
    assert_eq!(
        o.splits[0].archived,
        Path::new(".claude/plans/old/d/notes.md")
    );
}

/// The check of the planned tree sees what the plan does to the disk: a moved
/// original is gone (as `check` will say once applied) and the archive's new
/// folders exist.
#[test]
fn planned_check_sees_moved_files_gone_and_new_folders_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let brief = "# Brief\n\n- [bad](../plans/d/notes.md#no-such-heading)\n- [arch](../archive/original-phases/d/)\n";
    let files = [
        (".claude/plans/d/notes.md", NOTES),
        (".claude/status/brief.md", brief),
    ];
    let o = run_on_disk(root, &files);
    assert_eq!(o.splits.len(), 1, "{:?}", o.errors);
    let broken: Vec<&str> = o
        .findings
        .iter()
        .filter(|f| f.rule == "link.broken")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].contains("does not exist"), "{broken:?}");
    assert!(broken[0].contains("notes.md"), "{broken:?}");
}

#[test]
fn every_op_carries_the_reason_the_planner_had() {
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            (".claude/status/brief.md", BRIEF),
        ],
        &HashMap::new(),
    );
    for op in &o.plan.ops {
        let r = o
            .reason(op)
            .unwrap_or_else(|| panic!("no reason for {op:?}"));
        let path = op.path().to_string_lossy().into_owned();
        let expected = match op {
            Op::Move { .. } => Reason::Split,
            _ if path.ends_with("brief.md") => Reason::Links,
            _ if path.ends_with(Config::builtin().index_name.as_str()) => Reason::Index,
            _ if path.starts_with(".claude/plans/d/") => Reason::Part,
            _ => Reason::Decisions,
        };
        assert_eq!(r, expected, "{path}");
    }
    assert!(o
        .plan
        .ops
        .iter()
        .any(|op| o.reason(op) == Some(Reason::Part)));
}

/// One subphase of three 90-line tasks: over the 200-line budget, split into
/// parts the first of which keeps the original's name.
pub(super) fn subphase_over_budget(number: &str, title: &str) -> String {
    let mut s = format!("# Phase {number}: {title}\n\n");
    for k in 1..=3 {
        s.push_str(&format!("## Task {k}\n\n"));
        for j in 0..90 {
            s.push_str(&format!("Line {j} of task {k}.\n"));
        }
        s.push('\n');
    }
    s
}

/// The check of the planned tree tells a split original that is gone from one
/// whose name its first part took: a link into the first is to a file that does
/// not exist, one into the second to a file without that heading. Several splits
/// of each kind, so the planned paths are looked up rather than found by chance.
#[test]
fn planned_check_tells_gone_originals_from_names_taken_by_parts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut brief = String::from("# Brief\n\n");
    for k in 1..=3 {
        let gone = format!(".claude/plans/d{k}/notes.md");
        let kept = format!(".claude/plans/d{k}/phase-9.{k}-step.md");
        files.push((gone, NOTES.to_string()));
        files.push((kept, subphase_over_budget(&format!("9.{k}"), "Step")));
        brief.push_str(&format!("- [a](../plans/d{k}/notes.md#nope-{k})\n"));
        brief.push_str(&format!(
            "- [b](../plans/d{k}/phase-9.{k}-step.md#nope-{k})\n"
        ));
    }
    files.push((".claude/status/brief.md".into(), brief));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let o = run_on_disk(root, &refs);
    assert_eq!(o.splits.len(), 6, "{:?}", o.errors);
    let mut broken: Vec<&str> = o
        .findings
        .iter()
        .filter(|f| f.rule == "link.broken")
        .map(|f| f.message.as_str())
        .collect();
    broken.sort();
    assert_eq!(broken.len(), 6, "{broken:?}");
    for k in 1..=3 {
        let gone = format!("d{k}/notes.md)");
        assert!(
            broken
                .iter()
                .any(|m| m.contains("does not exist") && m.ends_with(&gone)),
            "{broken:?}"
        );
        let kept = format!("phase-9.{k}-step.md has the anchor `#nope-{k}`");
        assert!(broken.iter().any(|m| m.contains(&kept)), "{broken:?}");
    }
}

/// The hint names the folders holding the most files themselves, leaving out one
/// above or below a folder already named (the globs would overlap).
#[test]
fn the_hint_leaves_out_folders_around_a_named_one() {
    let mut files: Vec<(String, String)> = Vec::new();
    for (dir, n) in [
        ("docs", 2),
        ("docs/design", 5),
        ("work/a", 3),
        ("notes", 1),
        (".github/ISSUE_TEMPLATE", 9),
        ("node_modules/x", 9),
    ] {
        for k in 0..n {
            files.push((format!("{dir}/f{k}.md"), format!("# F{k}\n")));
        }
    }
    let hint = plan_dirs_hint(&files);
    assert!(
        hint.contains("`plan_dirs: ['docs/design/**', 'work/a/**', 'notes/**']`"),
        "{hint}"
    );
}

/// Where some files read as plans (a numbered phase, a task checkbox), the
/// hint weighs folders by those: ARKlab's hint named its user guides and a
/// `src/` folder of analyzer release notes beside its task folder.
#[test]
fn the_hint_names_the_folders_whose_files_read_as_plans() {
    let mut files: Vec<(String, String)> = Vec::new();
    for k in 0..6 {
        files.push((
            format!("docs/guide/g{k}.md"),
            format!("# Guide {k}\n\nHow to.\n"),
        ));
    }
    for k in 0..4 {
        files.push((
            format!("src/analyzers/AnalyzerReleases{k}.md"),
            "## Release 1.0\n\n| Rule | Severity |\n|---|---|\n".into(),
        ));
    }
    files.push((
        "work/progress/t1.md".into(),
        "# Task 1\n\n- [ ] Write it\n".into(),
    ));
    files.push((
        "work/progress/t2.md".into(),
        "# Rollout\n\n## Phase 2.1: Canary\n\nGo.\n".into(),
    ));
    let hint = plan_dirs_hint(&files);
    assert!(hint.contains("`plan_dirs: ['work/progress/**']`"), "{hint}");
}

/// The note of a migrate over these files that suggests `plan_dirs`.
fn plan_dirs_hint(files: &[(String, String)]) -> String {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    run(&refs, &HashMap::new())
        .notes
        .iter()
        .map(|n| n.to_string())
        .find(|n| n.contains("plan_dirs"))
        .expect("a hint")
}

/// Cursor saves plans in `.cursor/plans/` beside one note of its own in
/// `.cursor/`: the hint names the plans' folder, not `.cursor/**` (which would
/// take in the tool's own files) nor a crate's README ahead of it.
#[test]
fn the_hint_names_a_child_folder_a_stray_parent_file_would_hide() {
    let mut files: Vec<(String, String)> = vec![
        (".cursor/BUGBOT.md".into(), "# Bot\n".into()),
        ("crate-a/README.md".into(), "# A\n".into()),
    ];
    for k in 0..4 {
        files.push((format!(".cursor/plans/p{k}.plan.md"), format!("# P{k}\n")));
    }
    let hint = plan_dirs_hint(&files);
    assert!(
        hint.contains("`plan_dirs: ['.cursor/plans/**', 'crate-a/**']`"),
        "{hint}"
    );
}

/// A PRD workflow keeps its task lists in `tasks/` and finished ones in
/// `tasks/temporary/`: the hint names `tasks/**`, not the child alone, which
/// would leave the four task lists out.
#[test]
fn the_hint_names_a_parent_holding_about_as_many_files_as_its_child() {
    let mut files: Vec<(String, String)> = Vec::new();
    for (dir, n) in [("tasks", 4), ("tasks/temporary", 5), ("apps/api", 2)] {
        for k in 0..n {
            files.push((format!("{dir}/f{k}.md"), format!("# F{k}\n")));
        }
    }
    let hint = plan_dirs_hint(&files);
    assert!(
        hint.contains("`plan_dirs: ['tasks/**', 'apps/api/**']`"),
        "{hint}"
    );
}

/// A broken link is noted in the planning files and in the files the run
/// rewrites, not in a project's other docs it leaves alone: those are not
/// the migration's, and dozens of them buried the notes about the plans.
#[test]
fn broken_links_are_noted_in_planning_files_and_rewritten_ones_only() {
    let readme = "# Readme\n\n[gone](docs/gone.md)\n";
    let guide = "# Guide\n\n[plan](../.claude/plans/d/notes.md)\n[gone](gone.md)\n";
    let brief = "# Brief\n\n[gone](gone.md)\n";
    let o = run(
        &[
            (".claude/plans/d/notes.md", NOTES),
            (".claude/status/brief.md", brief),
            ("README.md", readme),
            ("docs/guide.md", guide),
        ],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let mut noted: Vec<(&str, usize)> = o
        .notes
        .iter()
        .filter(|n| n.kind == crate::note::NoteKind::LinkBroken)
        .map(|n| (n.path.as_str(), n.line))
        .collect();
    noted.sort();
    assert_eq!(
        noted,
        vec![(".claude/status/brief.md", 3), ("docs/guide.md", 4)]
    );
}

/// The parse of a file whose links are rewritten is moved out of the inputs
/// before the planned tree is read (`take_modified`), its slot left with the
/// text alone: the planned tree must read the parse of its planned text. Were
/// the slot read, the part's link into its heading would "break" (no
/// anchors) and its decision would be missing from the topic file; two
/// identical files, both rewritten, each keep their own.
#[test]
fn a_link_rewritten_file_is_read_in_the_planned_tree_by_its_planned_parse() {
    let notes = "# Notes\n\n## Phase 4.1: One\n\nSee [ref](../a/ref.md#ref-heading).\n\n## Phase 4.2: Two\n\nText two.\n";
    let reference = "# Ref\n\n## Ref heading\n\nGo to [two](../d/notes.md#phase-42-two).\n\n**Decision**: keep nightly exports\n";
    let o = run(
        &[
            (".claude/plans/d/notes.md", notes),
            (".claude/plans/a/ref.md", reference),
            (".claude/plans/b/ref.md", reference),
        ],
        &HashMap::new(),
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    assert_eq!(o.splits.len(), 1, "{:?}", o.splits);
    for rel in [".claude/plans/a/ref.md", ".claude/plans/b/ref.md"] {
        let text = op_text(&o, rel).expect("link rewritten");
        assert!(text.contains("phase-4.2-two.md#phase-42-two"), "{text}");
    }
    let topics: Vec<&str> = o
        .plan
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Create { contents, .. } if contents.contains("keep nightly exports") => {
                Some(contents.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(topics.len(), 1, "{topics:?}");
    assert!(
        topics[0].contains("plans/a/ref.md#ref-heading")
            && topics[0].contains("plans/b/ref.md#ref-heading"),
        "{}",
        topics[0]
    );
}
