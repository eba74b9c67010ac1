//! `phase.missing`: gaps in a numbered sequence of subphases — within a file (4.7
//! is followed by 4.11) and across the files of a folder (phase-2.1.md ...
//! phase-2.9.md). A folder's numbers are the union of its files' names and the
//! subphase headings at each file's subphase level, so a gap filled by another
//! file is no gap. TOC entries and cross-references to the missing numbers are
//! quoted as evidence.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use regex::Regex;

use super::facts::quote;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "phase.missing",
    doc: "a subphase number is skipped (within a file, or across a folder's files)",
    default: Severity::Error,
    ctor: |_| Box::new(PhaseMissing),
    long: "A gap in a numbered sequence of subphases: within a file (4.7 followed by 4.11) \
        or across a folder's file names (phase-2.1.md ... phase-2.9.md). A gap filled by \
        another file of the folder is no gap; gaps before the first number are not \
        reported. TOC entries and cross-references to the missing numbers are quoted.",
    settings: &[
        "headings.subphase",
        "check.numbering.file_name",
        "check.numbering.reference",
        "check.numbering.max_evidence",
    ],
    section: "numbering-phasemissing-phaseduplicate-phaseout-of-order",
    example: Some(Example {
        files: &[(
            "plan.md",
            "- Phase 4.8: Configure SSO\n\n## Phase 4.7: Install\n\n## Phase 4.11: Verify\n",
        )],
        message: "subphases 4.8-4.10 are missing",
    }),
};

struct PhaseMissing;

/// `4.10` → `[4, 10]`; a lettered part `4.5A` counts as `[4, 5]`; `None` if a
/// part is not a number.
pub(super) fn parse_number(s: &str) -> Option<Vec<u64>> {
    let s = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    s.split('.').map(|p| p.parse::<u64>().ok()).collect()
}

/// The dotted numbers a heading names (`2.14` and `2.15` in "2.14 x & 2.15 y"),
/// parsed; a lone integer is no subphase number.
fn numbers_in(text: &str) -> impl Iterator<Item = Vec<u64>> + '_ {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| w.contains('.'))
        .filter_map(parse_number)
}

/// Where a number in a folder comes from.
#[derive(Debug, Clone)]
pub(super) struct Numbered {
    pub parts: Vec<u64>,
    pub text: String,
    /// Index into the files.
    pub file: usize,
    /// 1-based line (1 for a file name).
    pub line: usize,
    /// From the file name rather than a heading.
    pub from_name: bool,
}

/// The number a file's name gives it, unless it is a continuation part.
pub(super) fn name_number(cx: &Ctx, f: &FileFacts) -> Option<String> {
    let n = &cx.cfg.check.numbering;
    let re = n.file_name.regex()?;
    let c = re.captures(f.name())?;
    let num = c.name("number")?.as_str().to_string();
    if let Some(part) = n.part.regex() {
        let stem = f.name().trim_end_matches(".md");
        if part.is_match(stem) {
            return None;
        }
    }
    Some(num)
}

fn join(parts: &[u64]) -> String {
    parts
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Larger jumps are not reported as gaps.
const MAX_GAP: u64 = 100;

/// Gaps in one sequence: for each run of missing values, the numbers on either
/// side and the missing numbers (those `filled` does not cover).
fn gaps<'n>(
    nums: &'n [Numbered],
    filled: &HashSet<Vec<u64>>,
) -> Vec<(&'n Numbered, &'n Numbered, Vec<String>)> {
    let mut groups: BTreeMap<Vec<u64>, BTreeMap<u64, &Numbered>> = BTreeMap::new();
    for n in nums {
        if let Some((last, prefix)) = n.parts.split_last() {
            groups
                .entry(prefix.to_vec())
                .or_default()
                .entry(*last)
                .or_insert(n);
        }
    }
    let mut out = Vec::new();
    for (prefix, values) in &groups {
        let vals: Vec<(&u64, &&Numbered)> = values.iter().collect();
        for w in vals.windows(2) {
            let (&a, an) = w[0];
            let (&b, bn) = w[1];
            // Years, versions and typos are not a sequence with a thousand holes.
            if b.saturating_sub(a) > MAX_GAP {
                continue;
            }
            let missing: Vec<String> = (a.saturating_add(1)..b)
                .map(|k| {
                    let mut p = prefix.clone();
                    p.push(k);
                    p
                })
                .filter(|p| !filled.contains(p))
                .map(|p| join(&p))
                .collect();
            if !missing.is_empty() {
                out.push((*an, *bn, missing));
            }
        }
    }
    out
}

impl Rule for PhaseMissing {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let reference = cx.cfg.check.numbering.reference.regex();
        let max_ev = cx.cfg.check.numbering.max_evidence.max(1);
        let searchable = reference.is_some_and(line_safe);
        let mut folders: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in files.iter().enumerate() {
            folders.entry(f.folder()).or_default().push(i);
        }
        // Folders are judged on their own: in parallel, their findings kept in
        // folder order.
        let folders: Vec<&Vec<usize>> = folders.values().collect();
        let found: Vec<Vec<Finding>> = folders
            .par_iter()
            .map(|&members| {
                let mut out = Vec::new();
                // Numbers given by file names, and by subphase headings, per folder.
                let mut named: Vec<Numbered> = Vec::new();
                let mut headed: Vec<Vec<Numbered>> = Vec::new();
                for &i in members {
                    let f = &files[i];
                    if let Some(n) = name_number(cx, f) {
                        if let Some(parts) = parse_number(&n) {
                            named.push(Numbered {
                                parts,
                                text: n,
                                file: i,
                                line: 1,
                                from_name: true,
                            });
                        }
                    }
                    headed.push(
                        f.subphases
                            .iter()
                            .filter_map(|s| {
                                parse_number(&s.sp.number).map(|parts| Numbered {
                                    parts,
                                    text: s.sp.number.clone(),
                                    file: i,
                                    line: s.line,
                                    from_name: false,
                                })
                            })
                            .collect(),
                    );
                }
                let by_name: HashSet<Vec<u64>> = named.iter().map(|n| n.parts.clone()).collect();
                let mut all = by_name.clone();
                for h in &headed {
                    all.extend(h.iter().map(|n| n.parts.clone()));
                }
                // The folder's references to numbers, read at its first gap.
                let mut refs: Option<Refs> = None;
                let mut report = |an: &Numbered, bn: &Numbered, missing: Vec<String>| {
                    let f = &files[bn.file];
                    let range = if missing.len() == 1 {
                        format!("subphase {} is missing", missing[0])
                    } else {
                        format!(
                            "subphases {}-{} are missing",
                            missing[0],
                            missing[missing.len() - 1]
                        )
                    };
                    let place = |n: &Numbered| {
                        if n.from_name {
                            files[n.file].name().to_string()
                        } else {
                            format!("{} (line {})", n.text, n.line)
                        }
                    };
                    let mut msg = format!("{range}: {} is followed by {}", place(an), place(bn));
                    if let Some((h, a, z)) = hidden_heading(cx, f, &missing) {
                        msg.push_str(&format!(
                            "; its heading at line {h} is inside the code block of lines {a}-{z}, \
                             where Markdown reads it as code"
                        ));
                    }
                    let ev = match reference {
                        Some(re) => refs
                            .get_or_insert_with(|| Refs::new(files, members, re, searchable))
                            .evidence(files, members, bn.file, &missing, max_ev),
                        None => Vec::new(),
                    };
                    out.push(
                        cx.finding(INFO.id, f, bn.line, msg)
                            .subphase(missing[0].clone())
                            .evidence(ev),
                    );
                };
                // Within a file: a gap only another file *named* for the number
                // fills, or a subphase heading of the file that names it too
                // ("### 2.14 solderneer … & 2.15 bbawj …" covers 2.15).
                for (h, &i) in headed.iter().zip(members) {
                    let mut filled = by_name.clone();
                    filled.extend(files[i].subphases.iter().flat_map(|s| numbers_in(s.text)));
                    for (a, b, missing) in gaps(h, &filled) {
                        report(a, b, missing);
                    }
                }
                // Across the folder's file names: any subphase heading in the folder fills.
                for (a, b, missing) in gaps(&named, &all) {
                    report(a, b, missing);
                }
                out
            })
            .collect();
        out.extend(found.into_iter().flatten());
    }
}

/// The first line of `f` inside a code block that reads as a Markdown heading
/// of one of the `missing` subphases, with that block's first and last line:
/// the usual reason a subphase the author wrote is missing (a fence left open
/// above it makes it code). Looked for only where a gap is found.
fn hidden_heading(cx: &Ctx, f: &FileFacts, missing: &[String]) -> Option<(usize, usize, usize)> {
    for &(a, z) in &f.in_code {
        for l in a..=z {
            let t = f.line(l).trim_start();
            let hashes = t.bytes().take_while(|&b| b == b'#').count();
            let rest = &t[hashes..];
            if !(1..=6).contains(&hashes) || !rest.starts_with([' ', '\t']) {
                continue;
            }
            let Some(sp) = crate::subphase::recognise(
                rest.trim_end_matches('#').trim(),
                &cx.cfg.headings,
                &cx.cfg.environments,
            ) else {
                continue;
            };
            if missing.contains(&sp.number) {
                return Some((l, a, z));
            }
        }
    }
    None
}

/// Where the files of a folder refer to subphase numbers: each number as
/// written, with every line naming it as (position among the folder's members,
/// line). Read once per folder, so a folder with many gaps is not read once a
/// gap.
/// Whether a line of text matching `re` makes the whole text around it match
/// at the same place: true when the pattern asserts nothing about where lines
/// or the text begin or end (`^`, `$`, `\A`, `\z`, in any mode). Word
/// boundaries read the characters beside them, and a line's edges read as
/// non-word characters either way (a line terminator, or nothing).
fn line_safe(re: &Regex) -> bool {
    regex_syntax::parse(re.as_str()).is_ok_and(|hir| !hir.properties().look_set().contains_anchor())
}

/// The lines of `f` that can hold a match of `re` (a [`line_safe`] pattern),
/// in order: one search over the whole text, where asking every line on its
/// own cost a search per line (~3% of `check` on a 20 MB tree). Every line a
/// match starts on, and every line a match runs across, is given: a line with
/// a match of its own either holds the start of a whole-text match or lies
/// under one that began on an earlier line. Lines given may hold none.
fn lines_with_match(f: &FileFacts, re: &Regex) -> Vec<usize> {
    let src = &f.doc.source;
    let last = f.lines();
    let mut out: Vec<usize> = Vec::new();
    for m in re.find_iter(&src.text) {
        let (a, z) = (src.line_of(m.start()), src.line_of(m.end()).min(last));
        let from = out.last().map_or(a, |&l| a.max(l + 1));
        out.extend(from..=z);
    }
    out
}

struct Refs {
    by_number: HashMap<String, Vec<(usize, usize)>>,
}

impl Refs {
    /// `line_safe`: whether `re` may be searched for over a whole file
    /// ([`line_safe`]).
    fn new(files: &[FileFacts], members: &[usize], re: &Regex, line_safe: bool) -> Refs {
        let mut by_number: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (pos, &i) in members.iter().enumerate() {
            let f = &files[i];
            let mut read = |l: usize| {
                let line = f.line(l);
                // Finding no match is far cheaper than finding captures, and
                // nearly every line has none.
                if !re.is_match(line) {
                    return;
                }
                for c in re.captures_iter(line) {
                    if let Some(m) = c.name("number") {
                        let at = by_number.entry(m.as_str().to_string()).or_default();
                        if at.last() != Some(&(pos, l)) {
                            at.push((pos, l));
                        }
                    }
                }
            };
            if line_safe {
                for l in lines_with_match(f, re) {
                    read(l);
                }
            } else {
                for l in 1..=f.lines() {
                    read(l);
                }
            }
        }
        Refs { by_number }
    }

    /// Lines in the folder that mention one of the missing numbers, the reporting
    /// file (`home`) first, then the other members in order, each by line.
    fn evidence(
        &self,
        files: &[FileFacts],
        members: &[usize],
        home: usize,
        missing: &[String],
        max: usize,
    ) -> Vec<String> {
        let home_pos = members.iter().position(|&i| i == home);
        let mut hits: Vec<(bool, usize, usize)> = missing
            .iter()
            .filter_map(|m| self.by_number.get(m))
            .flatten()
            .map(|&(pos, l)| (Some(pos) != home_pos, pos, l))
            .collect();
        hits.sort_unstable();
        hits.dedup();
        let mut ev = Vec::new();
        for &(elsewhere, pos, l) in hits.iter().take(max) {
            let f = &files[members[pos]];
            let loc = if elsewhere {
                format!("{}:{l}", f.name())
            } else {
                format!("line {l}")
            };
            ev.push(format!("{loc}: {}", quote(f.line(l))));
        }
        if hits.len() > max {
            ev.push(format!("... and {} more references", hits.len() - max));
        }
        ev
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    /// Every line a line-by-line search finds a match on is among the lines
    /// one search over the whole text gives, on the samples and on matches
    /// that run across lines; an anchored pattern is searched line by line.
    #[test]
    fn a_whole_text_search_gives_every_line_with_a_match() {
        use super::{line_safe, lines_with_match};
        use crate::config::Config;
        use crate::model::Document;
        use regex::Regex;
        let cfg = Config::builtin();
        let builtin = cfg
            .check
            .numbering
            .reference
            .regex()
            .expect("a reference pattern");
        let mut texts = vec![
            "Phase\n4.1 and step 2.3\r\nstage\r\n1.1\rtask 9.9\n\nsee Phase 4.2\n".to_string(),
            "phase 1.2phase 1.3\n\nPHASE\t\n\n 2.1\n".to_string(),
            // A match that runs into the next line covers that line's own.
            "x\ny\n".to_string(),
        ];
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pcc/.claude/plans");
        for p in crate::model::markdown_under(&dir) {
            texts.push(std::fs::read_to_string(&p).unwrap());
        }
        let across = Regex::new(r"(?i)phase\s+\d+\.\d+").unwrap();
        let covering = Regex::new(r"x\s*y|y").unwrap();
        let mut seen = 0;
        for re in [builtin, &across, &covering] {
            assert!(line_safe(re));
            for t in &texts {
                let doc = Document::from_text("a.md", t);
                crate::analysis::with_facts(&cfg, std::path::Path::new("a.md"), &doc, |_, f| {
                    let given = lines_with_match(f, re);
                    for l in 1..=f.lines() {
                        if re.is_match(f.line(l)) {
                            seen += 1;
                            assert!(given.contains(&l), "line {l} of {t:?}");
                        }
                    }
                    assert!(given.windows(2).all(|w| w[0] < w[1]));
                });
            }
        }
        assert!(seen > 20, "too few matching lines: {seen}");
        assert!(!line_safe(&Regex::new(r"(?i)^phase\s+\d").unwrap()));
        assert!(!line_safe(&Regex::new(r"(?m)\d$").unwrap()));
    }

    #[test]
    fn fires_on_gap_in_file_with_toc_evidence() {
        let text = "# P\n\n- [Phase 4.8](#phase-48)\n\n## Phase 4.7: A\n\n##### Phase 4.10 Complete\n\n## Phase 4.11: B\n";
        let f = run_rule("phase.missing", &[("a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].subphase.as_deref(), Some("4.8"));
        assert_eq!(f[0].line, 9);
        assert!(f[0].message.contains("4.8-4.10"), "{}", f[0].message);
        assert!(
            f[0].evidence.iter().any(|e| e.starts_with("line 3:")),
            "{:?}",
            f[0].evidence
        );
        assert!(f[0].evidence.iter().any(|e| e.starts_with("line 7:")));
    }

    /// A subphase whose heading a fence left open turned into code is
    /// missing; the finding says where its heading is and which block holds it.
    #[test]
    fn a_heading_hidden_in_a_code_block_is_named() {
        let text = "# Roadmap\n\n## Phase 2.1: A\n\nx\n\n```bash\nrun it\n\n## Phase 2.2: B\n\ny\n```\n\n## Phase 2.3: C\n\nz\n";
        let f = run_rule(super::INFO.id, &[("plans/a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message
                .contains("its heading at line 10 is inside the code block of lines 7-13"),
            "{}",
            f[0].message
        );
        // A number merely mentioned in code is not called a hidden heading.
        let text = text.replace("## Phase 2.2: B", "echo Phase 2.2");
        let f = run_rule(super::INFO.id, &[("plans/a.md", text.as_str())]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(!f[0].message.contains("code block"), "{}", f[0].message);
    }

    #[test]
    fn a_heading_that_names_two_numbers_covers_both() {
        let text = "# Research\n\n### 2.13 a\n\n### 2.14 b & 2.15 c\n\n### 2.16 d\n\n### 2.18 e\n";
        let f = run_rule("phase.missing", &[("r.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].subphase.as_deref(), Some("2.17"));
    }

    #[test]
    fn fires_across_files_of_a_folder() {
        let f = run_rule(
            "phase.missing",
            &[
                ("p/phase-2.1.md", "# A\n"),
                ("p/phase-2.2-x.md", "# B\n"),
                ("p/phase-2.5.md", "# C\n"),
            ],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "p/phase-2.5.md");
        assert!(f[0].message.contains("2.3-2.4"), "{}", f[0].message);
    }

    /// Evidence for each gap of a folder: the reporting file's lines first, then
    /// the other files in order, a line naming a number twice once, at most
    /// `max_evidence` lines and a count of the rest.
    #[test]
    fn references_of_several_gaps_across_files() {
        let many: String = (1..=7).map(|k| format!("Phase 2.2 note {k}\n")).collect();
        let f = run_rule(
            "phase.missing",
            &[
                (
                    "p/phase-2.1.md",
                    "# A\n\nSee Phase 2.2 and phase 2.2 again.\n",
                ),
                (
                    "p/phase-2.3.md",
                    "# C\n\nStep 2.5 is next; stage 2.2 was dropped.\n",
                ),
                ("p/phase-2.6.md", "# F\n\n- Phase 2.4\n- Phase 2.5\n"),
                ("p/notes.md", many.as_str()),
            ],
        );
        assert_eq!(f.len(), 2, "{f:?}");
        let two = f.iter().find(|x| x.path == "p/phase-2.3.md").unwrap();
        assert_eq!(
            two.evidence,
            [
                "line 3: Step 2.5 is next; stage 2.2 was dropped.",
                "phase-2.1.md:3: See Phase 2.2 and phase 2.2 again.",
                "notes.md:1: Phase 2.2 note 1",
                "notes.md:2: Phase 2.2 note 2",
                "notes.md:3: Phase 2.2 note 3",
                "... and 4 more references",
            ]
        );
        let four = f.iter().find(|x| x.path == "p/phase-2.6.md").unwrap();
        assert_eq!(
            four.evidence,
            [
                "line 3: - Phase 2.4",
                "line 4: - Phase 2.5",
                "phase-2.3.md:3: Step 2.5 is next; stage 2.2 was dropped.",
            ]
        );
    }

    #[test]
    fn near_miss_topic_files_group_by_phase() {
        let topic = "# ArgoCD design\n\n## Phase 4.1\n\n- a\n\n## Phase 4.5: B\n\n- b\n";
        assert!(run_rule(
            "phase.missing",
            &[(".claude/architecture/argocd-design.md", topic)]
        )
        .is_empty());
        let f = run_rule("phase.missing", &[(".claude/plans/notes.md", topic)]);
        assert_eq!(f.len(), 1, "the same text in a plan is a gap: {f:?}");
    }

    #[test]
    fn near_miss_gap_filled_by_other_file_and_deeper_headings() {
        let a = "# P\n\n## Phase 4.1: A\n\n##### Phase 4.9 Notes\n\n## Phase 4.2: B\n\n## Phase 4.4: D\n";
        let overview = "# Phase 5\n\n## Phase 5.2: B\n\n## Phase 5.3: C\n";
        let f = run_rule(
            "phase.missing",
            &[
                ("p/notes.md", a),
                ("p/phase-4.3-c.md", "# C\n"),
                ("p/phase-5.1.md", "x"),
                ("p/phase-5.4.md", "x"),
                ("p/phase-5-overview.md", overview),
                ("q/phase-2.1.md", "x"),
                ("r/phase-2.3.md", "y"),
            ],
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
