//! Unit tests of `shifted`: wherever it gives a parse, that parse equals a
//! fresh one, on the samples, a generated tree and the corpus.

use super::*;
use std::path::Path;

/// Every located link whose destination is plain rewritten (as migrate does,
/// to a longer, a shorter and an anchored path), each text compared with its
/// fresh parse. Returns how many texts were shifted rather than parsed.
fn compare(path: &Path, text: &str) -> usize {
    let old = Document::from_text(&path.to_string_lossy(), text);
    let mut shifted = 0;
    for (k, new_url) in ["../x/y-z.md", "a.md", "p/q.md#phase-11-setup"]
        .iter()
        .enumerate()
    {
        let edits: Vec<(Range<usize>, String)> = old
            .links
            .iter()
            .enumerate()
            .filter(|(i, l)| (i + k) % 2 == 0 && plain(&l.url) && !l.url.is_empty())
            .filter_map(|(_, l)| Some((l.dest.clone()?, new_url.to_string())))
            .collect();
        let lens = crate::model::links::lengths(&edits);
        let new = crate::model::links::edit(text, edits);
        let source = Source::new(path, new.clone());
        // The parse as read moved in gives what the copy of it gives.
        let owned = reparse_owned(old.clone(), Source::new(path, new.clone()), &lens);
        let parse = |d: &Document| format!("{:?}", (&d.blocks, &d.headings, &d.links));
        let shifted_one = reparse(&old, source, &lens);
        assert_eq!(
            owned.as_ref().map(parse).ok(),
            shifted_one.as_ref().map(parse).ok(),
            "{}",
            path.display()
        );
        if let Ok(doc) = shifted_one {
            let fresh = Document::from_text(&path.to_string_lossy(), &new);
            assert_eq!(
                format!("{:?}", (&fresh.blocks, &fresh.headings, &fresh.links)),
                format!("{:?}", (&doc.blocks, &doc.headings, &doc.links)),
                "{}",
                path.display()
            );
            assert_eq!(doc.source.text.as_str(), new);
            shifted += 1;
        }
    }
    shifted
}

use crate::model::markdown_under;

fn compare_all(root: &Path) -> (usize, usize) {
    let (mut files, mut shifted) = (0, 0);
    for p in markdown_under(root) {
        if let Ok(text) = std::fs::read_to_string(&p) {
            shifted += compare(&p, &text);
            files += 1;
        }
    }
    (files, shifted)
}

#[test]
fn shifted_parses_equal_fresh_ones_on_the_samples() {
    let (files, shifted) = compare_all(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"));
    assert!(
        files > 10 && shifted > 5,
        "{files} files, {shifted} shifted"
    );
}

#[test]
fn shifted_parses_equal_fresh_ones_on_a_generated_tree() {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-tree.sh");
    let ok = std::process::Command::new("bash")
        .arg(script)
        .arg("80")
        .arg(dir.path())
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "gen-tree.sh failed");
    let (files, shifted) = compare_all(dir.path());
    assert!(
        files >= 80 && shifted > 60,
        "{files} files, {shifted} shifted"
    );
}

#[test]
fn shifted_parses_equal_fresh_ones_on_the_corpus() {
    let root = Path::new("/work/shared/corpus/plans");
    if !root.is_dir() {
        eprintln!("skipped: no corpus at {}", root.display());
        return;
    }
    let (files, shifted) = compare_all(root);
    // Few corpus files link with plain relative destinations (9 of 404).
    assert!(
        files > 100 && shifted > 8,
        "{files} files, {shifted} shifted"
    );
}

#[test]
fn edits_that_are_not_plain_destinations_are_parsed_afresh() {
    let text = "# A\n\nsee [x](a.md) and `a.md`\n\n## B [y](b.md)\n";
    let old = Document::from_text("t.md", text);
    let dest = old.links[0].dest.clone().unwrap();
    let at = text.find("`a.md`").unwrap() + 1;
    type Edits = Vec<(Range<usize>, String)>;
    let cases: Vec<(Edits, &str)> = vec![
        (vec![(dest.clone(), "c d.md".into())], "a space"),
        (vec![(dest.clone(), "c\\_d.md".into())], "an escape"),
        (vec![(at..at + 4, "c.md".into())], "a code span"),
        (
            vec![(old.links[1].dest.clone().unwrap(), "c.md".into())],
            "a heading",
        ),
    ];
    for (edits, what) in cases {
        let lens = crate::model::links::lengths(&edits);
        let new = crate::model::links::edit(text, edits);
        let source = Source::new(Path::new("t.md"), new);
        assert!(reparse(&old, source, &lens).is_err(), "{what}");
    }
    // A text that is not the edits' result.
    let lens = vec![(dest, 4)];
    let source = Source::new(Path::new("t.md"), text.replace("a.md", "c.md") + "x");
    assert!(reparse(&old, source, &lens).is_err());
}
