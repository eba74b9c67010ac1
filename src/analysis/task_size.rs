//! `task.size`: an atomic task file whose estimate ("**Estimated time**: 90
//! minutes") lies outside the configured range (default 20-45 minutes).

use std::sync::OnceLock;

use regex::Regex;

use super::facts::quote;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "task.size",
    doc: "an atomic task's estimated time is outside the allowed range",
    default: Severity::Warning,
    ctor: |_| Box::new(TaskSize),
    long: "The first estimate line of an atomic task file (\"**Estimated time**: 90 \
        minutes\", `30-45 min`, `1h 30m`) lies outside `min_minutes`-`max_minutes` (20-45); a \
        range must lie wholly inside. Split the task, or widen the range for your team.",
    settings: &[
        "check.task_size.files",
        "check.task_size.estimate",
        "check.task_size.min_minutes",
        "check.task_size.max_minutes",
    ],
    section: "task_size",
    example: Some(Example {
        files: &[(
            "tasks/t-4.7.md",
            "# Install ArgoCD\n\n**Estimated time**: 90 minutes\n",
        )],
        message: "estimated 90 minutes, outside the 20-45 minute range",
    }),
};

struct TaskSize;

fn unit_minutes(u: &str) -> Option<f64> {
    let u = u.to_ascii_lowercase();
    Some(match u.as_str() {
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
        "d" | "day" | "days" => 480.0,
        _ => return None,
    })
}

/// Parse an estimate into a range of minutes: "90 minutes", "30-45 min",
/// "1.5 hours", "1h 30m", "2 hours 15 minutes", "1 to 2 hours".
pub fn parse_minutes(s: &str) -> Option<(f64, f64)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(minutes?|mins?|m|hours?|hrs?|hr|h|days?|d)?\b")
            .expect("valid")
    });
    let caps: Vec<_> = re.captures_iter(s).take(4).collect();
    let first = caps.first()?;
    let num = |c: &regex::Captures| c[1].parse::<f64>().ok();
    let unit = |c: &regex::Captures| c.get(2).and_then(|m| unit_minutes(m.as_str()));
    let between = |a: &regex::Captures, b: &regex::Captures| -> String {
        let (x, y) = (
            a.get(0).map_or(0, |m| m.end()),
            b.get(0).map_or(0, |m| m.start()),
        );
        s.get(x..y).unwrap_or("").trim().to_ascii_lowercase()
    };
    let a = num(first)?;
    if let Some(second) = caps.get(1) {
        let sep = between(first, second);
        let b = num(second)?;
        if matches!(sep.as_str(), "-" | "–" | "—" | "to") {
            let ub = unit(second).or(unit(first)).unwrap_or(1.0);
            let ua = unit(first).unwrap_or(ub);
            return Some((a * ua, b * ub));
        }
        if let (Some(ua), Some(ub)) = (unit(first), unit(second)) {
            if ub < ua && (sep.is_empty() || sep == "and" || sep == ",") {
                let t = a * ua + b * ub;
                return Some((t, t));
            }
        }
    }
    let t = a * unit(first).unwrap_or(1.0);
    Some((t, t))
}

fn fmt(m: f64) -> String {
    if (m - m.round()).abs() < 1e-9 {
        format!("{}", m.round() as i64)
    } else {
        format!("{m:.1}")
    }
}

impl Rule for TaskSize {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        let t = &cx.cfg.check.task_size;
        if !t.files.is_match(file.rel) {
            return;
        }
        let Some(re) = t.estimate.regex() else {
            return;
        };
        for l in 1..=file.lines() {
            if file.is_code(l) {
                continue;
            }
            let text = file.line(l);
            let Some(c) = re.captures(text) else { continue };
            let Some(v) = c.name("value") else { continue };
            let Some((lo, hi)) = parse_minutes(v.as_str()) else {
                continue;
            };
            let (min, max) = (f64::from(t.min_minutes), f64::from(t.max_minutes));
            if lo >= min && hi <= max {
                return;
            }
            let est = if lo == hi {
                format!("{} minutes", fmt(lo))
            } else {
                format!("{}-{} minutes", fmt(lo), fmt(hi))
            };
            let advice = if hi > max {
                "split it into smaller tasks"
            } else {
                "merge it with a neighbouring task"
            };
            out.push(
                cx.finding(
                    INFO.id,
                    file,
                    l,
                    format!(
                        "estimated {est}, outside the {}-{} minute range for a task; {advice}",
                        t.min_minutes, t.max_minutes
                    ),
                )
                .column(file.char_column(l, v.start() + 1))
                .evidence([format!("line {l}: {}", quote(text))]),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_minutes;
    use crate::analysis::testutil::run_rule;

    #[test]
    fn parses_estimates() {
        assert_eq!(parse_minutes("90 minutes"), Some((90.0, 90.0)));
        assert_eq!(parse_minutes("30-45 min"), Some((30.0, 45.0)));
        assert_eq!(parse_minutes("1.5 hours"), Some((90.0, 90.0)));
        assert_eq!(parse_minutes("1h 30m"), Some((90.0, 90.0)));
        assert_eq!(parse_minutes("1 to 2 hours"), Some((60.0, 120.0)));
        assert_eq!(parse_minutes("about 25"), Some((25.0, 25.0)));
        assert_eq!(parse_minutes("soon"), None);
    }

    #[test]
    fn fires_on_long_task_not_on_fitting_one() {
        let long = "# Task\n\n**Estimated time**: 90 minutes\n";
        let ok = "# Task\n\n**Estimated time**: 30 minutes\n";
        let f = run_rule(
            "task.size",
            &[
                ("p/tasks/a.md", long),
                ("p/tasks/b.md", ok),
                ("p/c.md", long),
            ],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "p/tasks/a.md");
        assert_eq!(f[0].line, 3);
    }
}
