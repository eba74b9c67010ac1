//! `phase.duplicate`: the same subphase number twice at a file's subphase level, or
//! two files of a folder named for the same number (continuation parts excepted).

use std::collections::{BTreeMap, HashMap};

use super::phase_missing::{name_number, parse_number};
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "phase.duplicate",
    doc: "a subphase number appears twice (in a file, or in two file names of a folder)",
    default: Severity::Error,
    ctor: |_| Box::new(PhaseDuplicate),
    long: "The same subphase number twice at a file's subphase level, or two files of one \
        folder named for the same number (`phase-2.5-a.md` and `phase-2.5-b.md`). \
        Continuation parts written by `replan split` (`-part-2`) are not duplicates, nor is \
        a heading that reports on a subphase (`Phase 1.5 Success Gate`, `Phase 4.10 \
        Complete`: `check.mislabeled.self_reference`). Renumber one of them.",
    settings: &[
        "headings.subphase",
        "check.numbering.file_name",
        "check.numbering.part",
        "check.mislabeled.self_reference",
    ],
    section: "numbering-phasemissing-phaseduplicate-phaseout-of-order",
    example: Some(Example {
        files: &[(
            "plan.md",
            "## Phase 4.1: Install\n\n## Phase 4.1: Configure\n",
        )],
        message: "subphase 4.1 appears again (first at line 1)",
    }),
};

struct PhaseDuplicate;

/// Whether the heading at `line` reports on its subphase rather than being
/// it again: `#### Phase 1.5 Success Gate ✅` in a plan's closing list of
/// gates, `Phase 4.10 Complete` (`mislabeled.self_reference`, the words a
/// heading about a subphase's end uses).
fn reports_on(cx: &Ctx, file: &FileFacts, line: usize) -> bool {
    let Some(re) = cx.cfg.check.mislabeled.self_reference.regex() else {
        return false;
    };
    // Headings are in line order: asked once per subphase of every file.
    let hs = &file.doc.headings;
    hs.binary_search_by_key(&line, |h| h.line())
        .is_ok_and(|i| crate::subphase::captured(re, hs[i].text().trim()).is_some())
}

impl Rule for PhaseDuplicate {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        let mut seen: HashMap<(Vec<u64>, String), usize> = HashMap::new();
        let key = |number: &str| {
            let parts = parse_number(number)?;
            let letter: String = number.chars().filter(|c| c.is_ascii_alphabetic()).collect();
            Some((parts, letter.to_ascii_lowercase()))
        };
        // The same number at another heading level, as a section of its own: a
        // shallower heading, or a deeper one outside that subphase's own section
        // (inside it, `#### Phase 4.1 Checklist` is a part of 4.1).
        let at_level: HashMap<(Vec<u64>, String), &super::SubHead<'_>> = file
            .subphases
            .iter()
            .filter_map(|s| Some((key(&s.sp.number)?, s)))
            .collect();
        for (line, level, number) in &file.off_level {
            let Some(unit) = key(number).as_ref().and_then(|k| at_level.get(k)) else {
                continue;
            };
            let inside = *level > unit.level && *line > unit.line && *line <= unit.end_line;
            if inside || reports_on(cx, file, *line) {
                continue;
            }
            let first = unit.line;
            out.push(
                cx.finding(
                    INFO.id,
                    file,
                    *line,
                    format!(
                        "subphase {number} appears again at another heading level (first at line {first})"
                    ),
                )
                .subphase(number.clone())
                .evidence([
                    format!("line {first}: {}", file.line(first).trim()),
                    format!("line {line}: {}", file.line(*line).trim()),
                ]),
            );
        }
        for s in &file.subphases {
            let Some(parts) = parse_number(&s.sp.number) else {
                continue;
            };
            if reports_on(cx, file, s.line) {
                continue;
            }
            let letter: String =
                s.sp.number
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .collect();
            let parts = (parts, letter.to_ascii_lowercase());
            match seen.get(&parts) {
                Some(&first) => out.push(
                    cx.finding(
                        INFO.id,
                        file,
                        s.line,
                        format!(
                            "subphase {} appears again (first at line {first})",
                            s.sp.number
                        ),
                    )
                    .subphase(s.sp.number.clone())
                    .evidence([
                        format!("line {first}: {}", file.line(first).trim()),
                        format!("line {}: {}", s.line, file.line(s.line).trim()),
                    ]),
                ),
                None => {
                    seen.insert(parts, s.line);
                }
            }
        }
    }

    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let mut by: BTreeMap<(String, Vec<u64>), Vec<usize>> = BTreeMap::new();
        for (i, f) in files.iter().enumerate() {
            if let Some(n) = name_number(cx, f) {
                if let Some(p) = parse_number(&n) {
                    by.entry((f.folder(), p)).or_default().push(i);
                }
            }
        }
        for idx in by.values() {
            if idx.len() < 2 {
                continue;
            }
            let mut idx = idx.clone();
            idx.sort_by(|&a, &b| files[a].path.cmp(&files[b].path));
            let first = &files[idx[0]];
            let num = name_number(cx, first).unwrap_or_default();
            for &i in &idx[1..] {
                out.push(
                    cx.finding(
                        INFO.id,
                        &files[i],
                        1,
                        format!("file name repeats subphase {num} of {}", first.name()),
                    )
                    .subphase(num.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_on_repeat_in_file_and_names() {
        let text = "# P\n\n## Phase 4.1: A\n\n## Phase 4.1: A again\n";
        let f = run_rule(
            "phase.duplicate",
            &[
                ("a.md", text),
                ("d/phase-2.1.md", "x"),
                ("d/phase-2.1-b.md", "y"),
            ],
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].line, 5);
    }

    #[test]
    fn fires_on_a_subphase_restated_at_another_level() {
        let text = "# P\n\n## Part A\n\n### Phase 4.3: One\n\nx\n\n### Phase 4.4: Two\n\n## Phase 4.3: One (revisited)\n\ny\n\n## Notes\n\n#### Phase 4.4 again\n";
        let f = run_rule("phase.duplicate", &[("a.md", text)]);
        let lines: Vec<usize> = f.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![11, 17], "{f:?}");
        assert!(f[0].message.contains("another heading level"), "{f:?}");
    }

    #[test]
    fn a_heading_reporting_on_a_subphase_is_not_it_again() {
        // DigitalMe's closing "Phase Completion Gates", one per phase.
        let text = "# P\n\n### Phase 1.4: A\n\n### Phase 1.5: Test Quality\n\nx\n\n\
                    ### Phase 1.6: C\n\n## Success Criteria\n\n\
                    #### Phase 1.5 Success Gate ✅ COMPLETED\n\n- [x] tests pass\n\n\
                    #### Phase 1.6 Success Gate\n\n- [ ] shipped\n";
        let f = run_rule("phase.duplicate", &[("a.md", text)]);
        assert!(f.is_empty(), "{f:?}");
        // The same at the subphases' own level: siblings reporting on them.
        let same = text.replace("#### Phase", "### Phase");
        let f = run_rule("phase.duplicate", &[("a.md", &same)]);
        assert!(f.is_empty(), "{f:?}");
        // Near miss: a section restated is still one.
        let again = format!("{text}\n#### Phase 1.5: Test Quality, again\n");
        let f = run_rule("phase.duplicate", &[("a.md", &again)]);
        let lines: Vec<usize> = f.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![21], "{f:?}");
    }

    #[test]
    fn near_miss_parts_and_deeper_headings() {
        let text = "# P\n\n## Phase 4.1: A\n\n#### Phase 4.1 Checklist\n\n## Phase 4.2: B\n";
        let f = run_rule(
            "phase.duplicate",
            &[
                ("a.md", text),
                ("d/phase-2.1-x.md", "x"),
                ("d/phase-2.1-x-part-2.md", "y"),
            ],
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
