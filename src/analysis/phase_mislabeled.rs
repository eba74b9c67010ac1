//! `phase.mislabeled`: a subphase whose heading names one environment while its
//! body is about another, or whose body names itself as a different subphase
//! ("##### Phase 4.10 Complete" inside 4.7).
//!
//! The claimed environment comes from the heading's `(env)` label or, failing
//! that, from the heading text when it names exactly one environment. Evidence is
//! counted over the whole section, fenced code included (cluster and project
//! names live there), by whole tokens (see [`super::words`]), weighted: aliases
//! count `alias_weight`, evidence tokens `evidence_weight`. The heading is
//! mislabeled when another environment leads by at least `margin` and by at least
//! `ratio` times, or when self-references reach `margin`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;

use super::facts::at;
use super::words::{EnvMatcher, TermKind};
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "phase.mislabeled",
    doc: "a subphase's heading names one environment (or number) while its body is about another",
    default: Severity::Error,
    ctor: |cx| {
        Box::new(PhaseMislabeled {
            envs: EnvMatcher::new(&cx.cfg.environments),
            lazy: true,
        })
    },
    long: "The claimed environment is the heading's `(env)` label, else the one environment \
        its text names. Evidence is counted over the whole section, fenced code included: \
        environment names and aliases weigh `alias_weight`, cluster and project names from \
        `environments` weigh `evidence_weight`. The heading is reported when another \
        environment leads by `margin` and by `ratio` times, or when deeper headings name the \
        section another subphase (\"Phase 4.10 Complete\" inside 4.7). The finding gives the \
        counts and the first evidence lines.",
    settings: &[
        "environments",
        "check.mislabeled.margin",
        "check.mislabeled.ratio",
        "check.mislabeled.alias_weight",
        "check.mislabeled.evidence_weight",
        "check.mislabeled.self_reference",
        "check.mislabeled.self_reference_weight",
        "check.mislabeled.max_evidence",
    ],
    section: "mislabeled",
    example: Some(Example {
        files: &[(
            "plan.md",
            "## Phase 4.7: Install ArgoCD (nonprod)\n\
             \n\
             Install it on `pcc-devops-prod`, project `pcc-prj-devops-prod`:\n\
             \n\
             ```bash\n\
             gcloud container clusters get-credentials pcc-devops-prod --project pcc-prj-devops-prod\n\
             kubectl --context pcc-devops-prod apply -f argocd.yaml\n\
             ```\n",
        )],
        message: "subphase 4.7 looks mislabeled: heading says nonprod but the body is about prod",
    }),
};

struct PhaseMislabeled {
    envs: EnvMatcher,
    /// Count environment hits only where they can weigh (always, except in
    /// the test that proves counting everywhere finds the same).
    lazy: bool,
}

#[derive(Debug, Clone, Default)]
struct Tally {
    aliases: u32,
    evidence: u32,
    /// First lines with a hit.
    lines: Vec<Place>,
}

fn bold_line(t: &str) -> Option<&str> {
    // Asked of every line of every section: most have no `**` at all.
    if !t.contains("**") {
        return None;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"^\s*\*\*([^*]+)\*\*\s*:?\s*$").expect("valid"));
    crate::subphase::captured(re, t)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

impl Rule for PhaseMislabeled {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        // A subphase split into parts: its first part's last section goes on in
        // the continuation parts, which are read as part of it.
        let mut parts: HashMap<&Path, Vec<(usize, &FileFacts)>> = HashMap::new();
        for f in files {
            if let Some((first, k)) = &f.continues {
                parts.entry(first.as_path()).or_default().push((*k, f));
            }
        }
        for v in parts.values_mut() {
            v.sort_by_key(|(k, _)| *k);
        }
        let found: Vec<Finding> = files
            .par_iter()
            .flat_map_iter(|f| {
                let rest: Vec<&FileFacts> = parts
                    .get(f.rel)
                    .map(|v| v.iter().map(|(_, p)| *p).collect())
                    .unwrap_or_default();
                let mut v = Vec::new();
                match &cx.verdicts {
                    // Read on its own, the file's verdicts are what a fix
                    // reads: kept, so the fixes need not judge it again.
                    Some(keep) if rest.is_empty() => {
                        let mut judged = Vec::new();
                        self.judge(cx, f, &[], Some(&mut v), Some(&mut judged));
                        if let Ok(mut k) = keep.lock() {
                            k.push((f.index, judged));
                        }
                    }
                    _ => self.judge(cx, f, &rest, Some(&mut v), None),
                }
                v
            })
            .collect();
        out.extend(found);
    }
}

impl PhaseMislabeled {
    /// Report the mislabeled subphases of `file` into `out`, and with
    /// `verdicts` say what the evidence shows about each of them there; `file`'s
    /// last section continues in `rest`.
    fn judge(
        &self,
        cx: &Ctx,
        file: &FileFacts,
        rest: &[&FileFacts],
        mut out: Option<&mut Vec<Finding>>,
        mut verdicts: Option<&mut Vec<Verdict>>,
    ) {
        let m = &cx.cfg.check.mislabeled;
        let n_env = self.envs.names.len();
        for s in &file.subphases {
            let own = &s.sp.number;
            // Claimed environment.
            let claimed = match s
                .sp
                .env_label
                .as_deref()
                .and_then(|l| self.envs.env_of_label(l))
            {
                Some(e) => Some(e),
                None => {
                    let mut named: Vec<usize> =
                        self.envs.hits(s.text).into_iter().map(|h| h.env).collect();
                    named.sort_unstable();
                    named.dedup();
                    (named.len() == 1).then(|| named[0])
                }
            };
            // Evidence in the body, and in the continuation parts when the section
            // runs to the end of the file (their continuation line is replan's).
            let mut tally = vec![Tally::default(); n_env];
            let mut selfrefs: Vec<(Place, String)> = Vec::new();
            // The environment counts weigh only against a claimed environment;
            // without one they are shown only beside self-references that are
            // reported. So they are counted first only under a claim, and
            // otherwise in a second pass for the few sections that are reported:
            // matching every word of every section was most of this rule's cost.
            let mut scan = Scan {
                own,
                level: s.level,
                tally: &mut tally,
                selfrefs: &mut selfrefs,
                envs: claimed.is_some() || !self.lazy,
                selves: true,
            };
            self.scan_section(cx, file, rest, s, &mut scan);
            let self_score = (selfrefs.len() as u32).saturating_mul(m.self_reference_weight);
            let self_flag =
                m.self_reference_weight > 0 && !selfrefs.is_empty() && self_score >= m.margin;
            if claimed.is_none() && self.lazy && self_flag {
                let mut none = Vec::new();
                let mut scan = Scan {
                    own,
                    level: s.level,
                    tally: &mut tally,
                    selfrefs: &mut none,
                    envs: true,
                    selves: false,
                };
                self.scan_section(cx, file, rest, s, &mut scan);
            }
            let score = |t: &Tally| {
                t.aliases
                    .saturating_mul(m.alias_weight)
                    .saturating_add(t.evidence.saturating_mul(m.evidence_weight))
            };
            let scores: Vec<u32> = tally.iter().map(score).collect();
            let env_flag = claimed.and_then(|c| {
                let (best, &bs) = scores
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != c)
                    .max_by_key(|(_, s)| **s)?;
                let cs = scores[c];
                (bs >= cs.saturating_add(m.margin) && f64::from(bs) >= m.ratio * f64::from(cs))
                    .then_some((c, best))
            });
            if env_flag.is_none() && !self_flag {
                continue;
            }
            if let Some(v) = verdicts.as_deref_mut() {
                // The environment the body is about, unless another one scores as high.
                let body_env = env_flag.and_then(|(c, best)| {
                    let ties = (0..n_env)
                        .filter(|&i| i != c && scores[i] == scores[best])
                        .count();
                    (ties == 1).then_some(best)
                });
                let mut numbers: Vec<String> = Vec::new();
                for (_, n) in &selfrefs {
                    if !numbers.contains(n) {
                        numbers.push(n.clone());
                    }
                }
                v.push(Verdict {
                    heading: s.heading,
                    line: s.line,
                    number: own.clone(),
                    claimed,
                    body_env,
                    self_numbers: if self_flag { numbers } else { Vec::new() },
                });
            }
            let Some(out) = out.as_deref_mut() else {
                continue;
            };
            let mut parts = Vec::new();
            let mut ev = Vec::new();
            if let Some((c, best)) = env_flag {
                parts.push(format!(
                    "heading says {} but the body is about {} ({} {} vs {} {}, margin {})",
                    self.envs.names[c],
                    self.envs.names[best],
                    self.envs.names[best],
                    scores[best],
                    self.envs.names[c],
                    scores[c],
                    m.margin
                ));
            } else if let Some(c) = claimed {
                parts.push(format!("heading says {}", self.envs.names[c]));
            }
            if !selfrefs.is_empty() {
                let mut nums: Vec<&str> = selfrefs.iter().map(|x| x.1.as_str()).collect();
                nums.dedup();
                parts.push(format!("the body names itself {}", nums.join(", ")));
            }
            // Counts per environment, strongest first.
            let mut order: Vec<usize> = (0..n_env).filter(|&i| scores[i] > 0).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(scores[i]));
            if !order.is_empty() {
                ev.push(format!(
                    "counts (alias x{} + evidence x{}): {}",
                    m.alias_weight,
                    m.evidence_weight,
                    order
                        .iter()
                        .map(|&i| format!(
                            "{} {} (names {}, evidence tokens {})",
                            self.envs.names[i], scores[i], tally[i].aliases, tally[i].evidence
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            let place = |&(part, l): &Place| match part {
                None => at(l, file.line(l)),
                Some(k) => format!("{} {}", rest[k].path, at(l, rest[k].line(l))),
            };
            if let Some((_, best)) = env_flag {
                for p in &tally[best].lines {
                    ev.push(format!("{}: {}", self.envs.names[best], place(p)));
                }
            }
            for (p, _) in selfrefs.iter().take(m.max_evidence.max(1)) {
                ev.push(format!("names itself: {}", place(p)));
            }
            out.push(
                cx.finding(
                    INFO.id,
                    file,
                    s.line,
                    format!("subphase {own} looks mislabeled: {}", parts.join("; ")),
                )
                .subphase(own.clone())
                .end_line(s.end_line)
                .evidence(ev),
            );
        }
    }

    /// Scan the body of subphase `s` of `file` into `into`, and the
    /// continuation parts `rest` when the section runs to the end of the file
    /// (their continuation line is replan's).
    fn scan_section(
        &self,
        cx: &Ctx,
        file: &FileFacts,
        rest: &[&FileFacts],
        s: &super::SubHead<'_>,
        into: &mut Scan,
    ) {
        self.scan(cx, file, None, s.line + 1..=s.end_line, into);
        if s.end_line >= file.doc.source.line_count() {
            for (k, p) in rest.iter().enumerate() {
                let lines = 2..=p.doc.source.line_count();
                self.scan(cx, p, Some(k), lines, into);
            }
        }
    }

    /// Add the environment hits (when `into.envs`) and self-references (when
    /// `into.selves`) of `lines` of `file` (a continuation part when `part` is
    /// set) to `into`.
    fn scan(
        &self,
        cx: &Ctx,
        file: &FileFacts,
        part: Option<usize>,
        lines: std::ops::RangeInclusive<usize>,
        into: &mut Scan,
    ) {
        let m = &cx.cfg.check.mislabeled;
        let n_env = self.envs.names.len();
        let selfref = m.self_reference.regex();
        let (first, last) = (*lines.start(), *lines.end());
        // Deeper headings in line order, met as the lines are (a lookup per
        // line hashed every line of every section).
        let headings = &file.doc.headings;
        let mut next = headings.partition_point(|h| h.line() < first);
        let mut seen = vec![false; n_env];
        for l in lines {
            while next < headings.len() && headings[next].line() < l {
                next += 1;
            }
            let deeper = headings[next..]
                .iter()
                .take_while(|h| h.line() == l)
                .filter(|h| h.line() <= last && h.level > into.level)
                .last();
            let t = file.line(l);
            if into.envs {
                seen.fill(false);
                self.envs.for_each_hit(t, |h| {
                    let e = &mut into.tally[h.env];
                    match h.kind {
                        TermKind::Alias => e.aliases += 1,
                        TermKind::Evidence => e.evidence += 1,
                    }
                    if !seen[h.env] {
                        seen[h.env] = true;
                        if e.lines.len() < m.max_evidence.max(1) {
                            e.lines.push((part, l));
                        }
                    }
                });
            }
            if !into.selves {
                continue;
            }
            // Self-references: a deeper heading (or a bold-only line) that is a
            // subphase heading with another number, not a child of this one.
            let named = match deeper {
                Some(h) => Some(h.text()),
                None if !file.is_code(l) => bold_line(t),
                None => None,
            };
            if let (Some(text), Some(re)) = (named, selfref.as_ref()) {
                if let Some(num) =
                    crate::subphase::captured(re, text.trim()).and_then(|c| c.name("number"))
                {
                    let num = num.as_str();
                    if num != into.own && !num.starts_with(&format!("{}.", into.own)) {
                        into.selfrefs.push(((part, l), num.to_string()));
                    }
                }
            }
        }
    }
}

/// What the evidence says about one mislabeled subphase heading, for a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Index into the document's headings.
    pub heading: usize,
    /// 1-based line of the heading.
    pub line: usize,
    /// The number the heading gives.
    pub number: String,
    /// The environment the heading names (index into `environments`).
    pub claimed: Option<usize>,
    /// The environment the body is about, when it leads alone (no tie).
    pub body_env: Option<usize>,
    /// The other subphase numbers the body names itself, first seen first
    /// (empty when they do not weigh enough to report).
    pub self_numbers: Vec<String>,
}

/// The verdicts on the mislabeled subphases of one file (read without its
/// continuation parts).
pub fn verdicts(cx: &Ctx, file: &FileFacts) -> Vec<Verdict> {
    let rule = PhaseMislabeled {
        envs: EnvMatcher::new(&cx.cfg.environments),
        lazy: true,
    };
    let mut v = Vec::new();
    rule.judge(cx, file, &[], None, Some(&mut v));
    v
}

/// A line of evidence: in the file itself (`None`) or in its continuation part `k`.
type Place = (Option<usize>, usize);

/// What scanning a section collects.
struct Scan<'s> {
    own: &'s str,
    level: u8,
    tally: &'s mut Vec<Tally>,
    selfrefs: &'s mut Vec<(Place, String)>,
    /// Count environment hits into `tally`.
    envs: bool,
    /// Collect self-references into `selfrefs`.
    selves: bool,
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    mod lazy {
        use super::super::*;
        use crate::config::Config;
        use crate::model::Document;
        use proptest::prelude::*;

        /// Findings and verdicts of `judge` on one file, counting environment
        /// hits lazily or in every section.
        fn judged(text: &str, lazy: bool) -> (Vec<Finding>, Vec<Verdict>) {
            let cfg = Config::builtin();
            let doc = Document::from_text("a.md", text);
            crate::analysis::with_facts(&cfg, Path::new("a.md"), &doc, |cx, f| {
                let rule = PhaseMislabeled {
                    envs: EnvMatcher::new(&cx.cfg.environments),
                    lazy,
                };
                let (mut out, mut v) = (Vec::new(), Vec::new());
                rule.judge(cx, f, &[], Some(&mut out), Some(&mut v));
                (out, v)
            })
        }

        const LINES: &[&str] = &[
            "## Phase 4.1: Install (nonprod)",
            "## Phase 4.2: Deploy on Devops Prod Cluster",
            "## Phase 4.3: Plain",
            "### Phase 4.3: Plain (prod)",
            "##### Phase 4.10 Complete",
            "#### Phase 4.9: Done",
            "**Phase 4.11 Complete**",
            "**Phase 4.1.2 Done**:",
            "kubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pods",
            "project `pcc-prj-devops-nonprod` on pcc-devops-nonprod",
            "prod and nonprod and dev",
            "```bash",
            "```",
            "",
            "plain words",
        ];

        proptest! {
            /// Counting environment hits only under a claimed environment (and
            /// again for a reported self-reference) finds what counting them in
            /// every section finds.
            #[test]
            fn lazy_counts_find_the_same(picks in proptest::collection::vec(0..LINES.len(), 0..40)) {
                let text: String = picks.iter().map(|&i| format!("{}\n", LINES[i])).collect();
                prop_assert_eq!(judged(&text, true), judged(&text, false));
            }
        }

        #[test]
        fn a_self_reference_without_a_claim_still_shows_the_counts() {
            let text = super::doc("Install", "prod and prod\n\n#### Phase 4.10 Complete\n");
            let text = text.as_str();
            let (lazy, full) = (judged(text, true), judged(text, false));
            assert_eq!(lazy, full);
            assert!(
                lazy.0
                    .iter()
                    .any(|f| f.evidence.iter().any(|e| e.starts_with("counts"))),
                "{lazy:?}"
            );
        }
    }

    fn doc(title: &str, body: &str) -> String {
        format!("# P\n\n## Phase 4.1: First\n\nx\n\n## Phase 4.7: {title}\n\n{body}\n\n## Phase 4.8: Next\n\nx\n")
    }

    #[test]
    fn fires_on_prod_body_under_nonprod_heading() {
        let body = "```bash\nkubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pods\n```\n".repeat(5);
        let f = run_rule(
            "phase.mislabeled",
            &[(
                "a.md",
                &doc("Install ArgoCD on Devops Nonprod Cluster", &body),
            )],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].subphase.as_deref(), Some("4.7"));
        assert!(f[0].message.contains("about prod"), "{}", f[0].message);
        assert!(
            f[0].evidence.iter().any(|e| e.starts_with("prod: line")),
            "{:?}",
            f[0].evidence
        );
    }

    #[test]
    fn fires_on_self_reference() {
        let f = run_rule(
            "phase.mislabeled",
            &[(
                "a.md",
                &doc("Install", "text\n\n#### Phase 4.10 Complete\n"),
            )],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.contains("names itself 4.10"),
            "{}",
            f[0].message
        );
    }

    /// After a split, the evidence of a long subphase sits in its continuation
    /// parts: they are read with the part that holds the heading.
    #[test]
    fn reads_continuation_parts_with_their_first_part() {
        let prod = "```bash\nkubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pods\n```\n";
        let first = "## Phase 4.7: Install ArgoCD on Devops Nonprod Cluster\n\nIntro.\n";
        let cont = |k: usize| {
            format!(
                "*Continued from [Phase 4.7: Install ArgoCD on Devops Nonprod Cluster](phase-4.7-install.md) (part {k} of 3).* {}\n\n{prod}",
                crate::model::markers::CONTINUATION
            )
        };
        let files = [
            ("d/phase-4.7-install.md", first.to_string()),
            ("d/phase-4.7-install-part-2.md", cont(2)),
            ("d/phase-4.7-install-part-3.md", cont(3)),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let f = run_rule("phase.mislabeled", &refs);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "d/phase-4.7-install.md");
        assert!(f[0].message.contains("about prod"), "{}", f[0].message);
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.starts_with("prod: d/phase-4.7-install-part-2.md line 4:")),
            "{:?}",
            f[0].evidence
        );
        // One part's evidence alone is under the margin.
        assert!(run_rule("phase.mislabeled", &refs[..2]).is_empty());
    }

    #[test]
    fn near_misses() {
        // nonprod tokens never count as prod; a child number is not a self-reference;
        // a few prod mentions stay under the margin.
        let body = "Use pcc-devops-nonprod and devops-nonprod (non-prod), not the prod cluster.\n\n#### Phase 4.7.1 Step\n\n**Phase 4.6 complete** is a prerequisite line in prose.\n".repeat(3);
        let f = run_rule(
            "phase.mislabeled",
            &[("a.md", &doc("Install on Nonprod", &body))],
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
