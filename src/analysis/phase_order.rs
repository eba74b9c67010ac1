//! `phase.out-of-order`: subphases at a file's subphase level whose numbers break
//! the longest increasing run; only those off the run are reported, so one early
//! 4.12 is reported rather than the ten that follow it.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::phase_missing::parse_number;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "phase.out-of-order",
    doc: "a subphase appears out of numeric order",
    default: Severity::Warning,
    ctor: |_| Box::new(PhaseOrder),
    long: "Subphases at a file's subphase level whose numbers break the longest increasing \
        run (decreasing, for changelogs). Only those off the run are reported, so one early \
        4.12 is one finding, not one for each of the ten after it.",
    settings: &["headings.subphase"],
    section: "numbering-phasemissing-phaseduplicate-phaseout-of-order",
    example: Some(Example {
        files: &[(
            "plan.md",
            "## Phase 4.1: Install\n\n## Phase 4.3: Verify\n\n## Phase 4.2: Configure\n",
        )],
        message: "subphase 4.3 is out of numeric order",
    }),
};

struct PhaseOrder;

/// Indices (into `xs`) of one longest strictly increasing subsequence.
fn lis<T>(xs: &[T], cmp: impl Fn(&T, &T) -> Ordering) -> Vec<usize> {
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; xs.len()];
    for i in 0..xs.len() {
        let pos = tails.partition_point(|&t| cmp(&xs[t], &xs[i]) == Ordering::Less);
        if pos > 0 {
            prev[i] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut out = Vec::new();
    let mut k = tails.last().copied();
    while let Some(i) = k {
        out.push(i);
        k = prev[i];
    }
    out.reverse();
    out
}

impl Rule for PhaseOrder {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        // First occurrence of each number only; repeats are phase.duplicate's.
        let mut seen = HashSet::new();
        let seq: Vec<&super::SubHead<'_>> = file
            .subphases
            .iter()
            .filter(|s| seen.insert(s.sp.number.clone()))
            .collect();
        if seq.len() < 2 {
            return;
        }
        let key = |s: &super::SubHead<'_>| {
            let letter: String =
                s.sp.number
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .collect();
            (parse_number(&s.sp.number), letter.to_ascii_lowercase())
        };
        let keys: Vec<_> = seq.iter().map(|s| key(s)).collect();
        let idx: Vec<usize> = (0..seq.len()).collect();
        let up = lis(&idx, |&a, &b| keys[a].cmp(&keys[b]));
        // A file listed newest first (a changelog) is ordered too, just downwards.
        let down = lis(&idx, |&a, &b| keys[b].cmp(&keys[a]));
        let descending = down.len() > up.len();
        let keep: HashSet<usize> = if descending { down } else { up }.into_iter().collect();
        for (i, s) in seq.iter().enumerate() {
            if keep.contains(&i) {
                continue;
            }
            let before = i.checked_sub(1).map(|j| seq[j].sp.number.as_str());
            let after = seq.get(i + 1).map(|x| x.sp.number.as_str());
            let ctx = match (before, after) {
                (Some(b), Some(a)) => format!("between {b} and {a}"),
                (Some(b), None) => format!("after {b}"),
                (None, Some(a)) => format!("before {a}"),
                (None, None) => String::new(),
            };
            out.push(
                cx.finding(
                    INFO.id,
                    file,
                    s.line,
                    format!(
                        "subphase {} is out of {} order: it comes {ctx}",
                        s.sp.number,
                        if descending { "descending" } else { "numeric" }
                    ),
                )
                .subphase(s.sp.number.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lis;
    use crate::analysis::testutil::run_rule;

    #[test]
    fn lis_picks_longest_run() {
        let xs = [1, 12, 2, 3, 4, 5];
        assert_eq!(lis(&xs, |a, b| a.cmp(b)), vec![0, 2, 3, 4, 5]);
    }

    #[test]
    fn fires_only_on_the_early_one() {
        let mut text = String::from("# P\n\n");
        for n in ["4.1", "4.12", "4.2", "4.3", "4.4", "4.5"] {
            text.push_str(&format!("## Phase {n}: T\n\nx\n\n"));
        }
        let f = run_rule("phase.out-of-order", &[("a.md", &text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].subphase.as_deref(), Some("4.12"));
    }

    #[test]
    fn near_miss_natural_order() {
        let text =
            "# P\n\n## Phase 4.9: A\n\n## Phase 4.10: B\n\n## Phase 4.10A: B2\n\n## Phase 5.1: C\n";
        assert!(run_rule("phase.out-of-order", &[("a.md", text)]).is_empty());
        let changelog =
            "# Changes\n\n## 2.10.0 Ten\n\n## 2.9.1 Nine\n\n## 2.9.0 Nine\n\n## 1.0.0 One\n";
        assert!(run_rule("phase.out-of-order", &[("a.md", changelog)]).is_empty());
    }
}
