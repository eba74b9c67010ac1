//! Unit tests of `splice`: a spliced count must equal a fresh count of the
//! edited text, whatever the edits (near line breaks, slashes, blank lines,
//! multi-byte text, overlapping, out of range).

use super::*;

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Replacements like the planner's (paths, anchors) and hostile ones.
const INSERTS: &[&str] = &[
    "01-phase-1.md",
    "../team-2/project-3/phase-3.1-task-4.md#phase-31-setup",
    "",
    "\n",
    "/x",
    " indented",
    "\n\n   ",
    "é—✅",
    "x\r\n/y",
    "`code`",
];

/// `text` with random edits, as `model::links::edit` applies them.
fn edited(text: &str, rng: &mut Rng) -> (String, Vec<(Range<usize>, usize)>) {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for _ in 0..=rng.below(6) {
        let mut s = rng.below(text.len() + 1);
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = (s + rng.below(40)).min(text.len());
        while !text.is_char_boundary(e) {
            e -= 1;
        }
        edits.push((s..e, INSERTS[rng.below(INSERTS.len())].to_string()));
    }
    let lens = edits.iter().map(|(r, t)| (r.clone(), t.len())).collect();
    (crate::model::links::edit(text, edits), lens)
}

fn same_counts(text: &str, rounds: usize, seed: u64) -> usize {
    let mut rng = Rng(seed | 1);
    let mut spliced = 0;
    for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let old = enc.count_uncached(text);
        for _ in 0..rounds {
            let (new, edits) = edited(text, &mut rng);
            let want = enc.count_uncached(&new);
            assert_eq!(
                count_edited(enc, text, old, &new, &edits),
                want,
                "{edits:?}"
            );
            spliced += usize::from(windows(text, &new, &edits).is_some());
        }
    }
    spliced
}

#[test]
fn spliced_counts_are_exact_on_the_samples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/pcc/.claude/plans/devtest-deployment");
    let (mut files, mut spliced) = (0, 0);
    for (i, e) in std::fs::read_dir(dir).unwrap().enumerate() {
        let Ok(text) = std::fs::read_to_string(e.unwrap().path()) else {
            continue;
        };
        spliced += same_counts(&text, 20, i as u64 + 7);
        files += 1;
    }
    assert!(files > 5, "too few files: {files}");
    // The point of it: most edits of a real file are spliced, not recounted.
    assert!(
        spliced > files * 20,
        "too few spliced: {spliced} of {}",
        files * 40
    );
}

#[test]
fn spliced_counts_are_exact_on_hostile_text() {
    for t in [
        "",
        "a",
        "\n\n\n",
        "# A\n\nsee [x](a.md)\n/path\n\n  indented\r\ncr\rlines\n\u{85}nel\n",
        "\u{feff}# Über\n\n\u{3000}wide space\nend",
        "line one\nline two\nline three\nline four\nline five\n",
    ] {
        same_counts(t, 200, t.len() as u64 + 3);
    }
}

#[test]
fn edits_that_do_not_make_the_new_text_are_counted_whole() {
    let old = "# A\n\nsee [x](a.md) here\n\nmore\n";
    let new = "# A\n\nsee [x](b.md) here\n\nMORE\n";
    let edits = [(13..17, 4)];
    assert!(windows(old, new, &edits).is_none());
    let enc = Encoding::O200kBase;
    let n = count_edited(enc, old, enc.count_uncached(old), new, &edits);
    assert_eq!(n, enc.count_uncached(new));
    // A wrong old count shows through only where the text is spliced.
    let long = old.repeat(20);
    let new_long = long.replacen("a.md", "bb.md", 1);
    let spliced = count_edited(enc, &long, 0, &new_long, &[(13..17, 5)]);
    assert_ne!(spliced, enc.count_uncached(&new_long));
}

/// Every Markdown file of the corpus of other people's planning folders, when
/// it is there (skipped cleanly without `/work/shared`).
#[test]
fn spliced_counts_are_exact_on_the_corpus() {
    let root = std::path::Path::new("/work/shared/corpus/plans");
    if !root.is_dir() {
        eprintln!("skipped: no corpus at {}", root.display());
        return;
    }
    let mut files = 0;
    for p in crate::model::markdown_under(root) {
        if let Ok(text) = std::fs::read_to_string(&p) {
            // Big files once, small ones a few times.
            same_counts(&text, if text.len() > 50_000 { 1 } else { 3 }, files + 11);
            files += 1;
        }
    }
    assert!(files > 100, "too few corpus files: {files}");
}
