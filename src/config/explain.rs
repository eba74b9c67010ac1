//! Configuration mistakes in the words of the setting, not of serde: `invalid
//! u64` becomes "`max_lines` must be a whole number (0 or more), not `abc`",
//! `expected sequence start` becomes "`plan_dirs` must be a list, such as
//! `plan_dirs: ['.claude/plans']`". The YAML parser says what went wrong and
//! where; the setting's name is read back from the file at that place.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};

/// A [`MessageFormatter`] that knows the file being read, so it can name the
/// setting at the error's place.
pub(super) struct Wording<'t> {
    /// The YAML text (empty when there is no single file, as for the merge).
    pub text: &'t str,
}

impl MessageFormatter for Wording<'_> {
    fn format_message<'a>(&self, err: &'a Error) -> Cow<'a, str> {
        self.explain(err)
            .map(Cow::Owned)
            .unwrap_or_else(|| UserMessageFormatter.format_message(err))
    }
}

impl Wording<'_> {
    fn explain(&self, err: &Error) -> Option<String> {
        let (line, col) = err
            .location()
            .map_or((0, 0), |l| (l.line() as usize, l.column() as usize));
        // A key with nothing after it (`max_lines:`) is reported at its colon.
        let at_colon = line_of(self.text, line)
            .and_then(|l| l.chars().nth(col.saturating_sub(1)))
            .is_some_and(|c| c == ':');
        let same_line = if at_colon {
            own_key(self.text, line)
        } else {
            key_before(self.text, line, col)
        };
        let below = same_line.is_none();
        let before = same_line.or_else(|| parent_key(self.text, line));
        let value = if at_colon {
            String::new()
        } else {
            value_at(self.text, line, col)
        };
        let setting = |k: &Option<String>| match k {
            Some(k) => format!("`{k}`"),
            None => "this setting".to_string(),
        };
        let not = |v: &str| match v {
            "" => "; it is empty".to_string(),
            v if v.starts_with('[') => ", not a list".to_string(),
            v if v.starts_with('{') => ", not a map".to_string(),
            v => format!(", not `{v}`"),
        };
        Some(match err {
            Error::InvalidScalar { ty, .. } => {
                format!("{} must be {}{}", setting(&before), kind(ty), not(&value))
            }
            Error::SerdeInvalidType { expected, .. } => {
                format!(
                    "{} must be {}{}",
                    setting(&before),
                    kind(expected),
                    not(&value)
                )
            }
            Error::Unexpected { expected, .. } if *expected == "sequence start" => {
                let k = setting(&before);
                match (&before, value.as_str()) {
                    (Some(name), v) if !below && !v.is_empty() && !v.starts_with('{') => format!(
                        "{k} must be a list, such as `{name}: [{}]`, not `{v}`",
                        flow_item(v)
                    ),
                    _ => format!("{k} must be a list: start each entry below it with `- `"),
                }
            }
            Error::Unexpected { expected, .. } if *expected == "mapping start" => format!(
                "{} must hold `name: value` settings, one per line indented below it{}",
                setting(&before),
                not(&value)
            ),
            Error::Unexpected { expected, .. } if *expected == "string scalar" => format!(
                "{} must be a single value (text), not a list or a map",
                setting(&before)
            ),
            Error::SerdeUnknownField {
                field, expected, ..
            } => {
                let (under, there) = match parent_key(self.text, line) {
                    Some(p) => (format!(" under `{p}`"), "there"),
                    None => (String::new(), "at the top level"),
                };
                let close = closest(field, expected);
                let hint = close
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                format!(
                    "unknown setting `{field}`{under}{hint} (the settings {there}: {})",
                    expected.join(", ")
                )
            }
            Error::SerdeUnknownVariant {
                variant, expected, ..
            } => {
                let own = key_at(self.text, line, col)
                    .or_else(|| own_key(self.text, line))
                    .or(before);
                format!(
                    "`{variant}` is not a value {} takes; use one of {}",
                    setting(&own),
                    expected.join(", ")
                )
            }
            _ => return None,
        })
    }
}

/// What a type name asks of the user.
fn kind(ty: &str) -> &'static str {
    let ty = ty.trim_start_matches("a ").trim_start_matches("an ");
    match ty {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" | "floating point" => "a number, such as 3.0",
        "bool" | "boolean" => "true or false",
        "string" | "str" | "char" => "text",
        "sequence" => "a list",
        "map" => "`name: value` settings",
        _ => "of another kind",
    }
}

fn line_of(text: &str, line: usize) -> Option<&str> {
    line.checked_sub(1).and_then(|i| text.lines().nth(i))
}

/// The key whose value starts at `line:col` (`max_lines` in `  max_lines: abc`,
/// `link.broken` in `severity: { link.broken: fatal }`).
fn key_before(text: &str, line: usize, col: usize) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?:^|[\s{,\-])["']?([A-Za-z0-9_.\-/*]+)["']?\s*:\s*[\[{]?\s*$"#)
            .expect("valid")
    });
    let l = line_of(text, line)?;
    let before: String = l.chars().take(col.saturating_sub(1)).collect();
    re.captures(&before).map(|c| c[1].to_string())
}

/// The key that starts at `line:col` (`link.broken` in `{ link.broken: fatal }`).
fn key_at(text: &str, line: usize, col: usize) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"^["']?([^\s"':#{}\[\],]+)["']?\s*:(?:\s|$)"#).expect("valid")
    });
    let rest: String = line_of(text, line)?
        .chars()
        .skip(col.saturating_sub(1))
        .collect();
    re.captures(&rest).map(|c| c[1].to_string())
}

/// The key a line itself sets (`link.broken` in `    link.broken: fatal`).
fn own_key(text: &str, line: usize) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"^\s*(?:-\s+)?["']?([^\s"':#{}\[\],]+)["']?\s*:(?:\s|$)"#).expect("valid")
    });
    re.captures(line_of(text, line)?).map(|c| c[1].to_string())
}

/// The key of the block that holds `line`: the nearest line above it, indented
/// less, that ends with `key:`.
fn parent_key(text: &str, line: usize) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"^\s*(?:-\s+)?["']?([^\s"':#{}\[\],]+)["']?\s*:\s*(?:#.*)?$"#).expect("valid")
    });
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?;
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '-']).len();
    let mut limit = indent(here);
    for l in lines[..line - 1].iter().rev() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent(l) < limit {
            if let Some(c) = re.captures(l) {
                return Some(c[1].to_string());
            }
            limit = indent(l);
        }
    }
    None
}

/// The scalar written at `line:col`, without a trailing comment or flow
/// punctuation.
fn value_at(text: &str, line: usize, col: usize) -> String {
    let Some(l) = line_of(text, line) else {
        return String::new();
    };
    let rest: String = l.chars().skip(col.saturating_sub(1)).collect();
    let rest = match rest.find(" #") {
        Some(i) => &rest[..i],
        None => &rest,
    };
    rest.trim()
        .trim_end_matches([',', '}', ']'])
        .trim()
        .to_string()
}

/// A value as an item of a flow list: quoted unless it is plain.
fn flow_item(v: &str) -> String {
    let plain = v
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if plain || v.starts_with(['\'', '"']) {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "''"))
    }
}

/// The candidate `word` was most likely meant to be: within two edits, or one
/// it starts.
fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let best = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .min_by_key(|(d, _)| *d)?;
    if best.0 <= 2 {
        return Some(best.1);
    }
    let starts: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| word.len() >= 3 && c.starts_with(word))
        .collect();
    (starts.len() == 1).then(|| starts[0])
}

/// Levenshtein distance over chars (also behind the rule ids' "did you mean").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_is_read_back_from_the_place() {
        let t =
            "budgets:\n  max_lines: abc # a comment\ncheck:\n  severity: { link.broken: fatal }\n";
        assert_eq!(key_before(t, 2, 14).as_deref(), Some("max_lines"));
        assert_eq!(value_at(t, 2, 14), "abc");
        assert_eq!(key_before(t, 4, 28).as_deref(), Some("link.broken"));
        assert_eq!(value_at(t, 4, 28), "fatal");
        assert_eq!(parent_key(t, 2).as_deref(), Some("budgets"));
        let t = "check:\n  forbidden_terms:\n    - globs: [a]\n      bogus: 1\n";
        assert_eq!(parent_key(t, 4).as_deref(), Some("forbidden_terms"));
        assert_eq!(own_key(t, 4).as_deref(), Some("bogus"));
    }

    #[test]
    fn values_become_list_items() {
        assert_eq!(flow_item(".claude/plans"), ".claude/plans");
        assert_eq!(flow_item(".claude/**"), "'.claude/**'");
        assert_eq!(flow_item("it's"), "'it''s'");
    }

    #[test]
    fn close_names() {
        let c = ["max_lines", "max_tokens", "encoding", "overrides"];
        assert_eq!(closest("max_line", &c), Some("max_lines"));
        assert_eq!(closest("enc", &c), Some("encoding"));
        assert_eq!(closest("zzz", &c), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
