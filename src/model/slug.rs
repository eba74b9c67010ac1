//! Names derived from heading text: GitHub anchors and file-name slugs.

use std::collections::HashMap;

/// GitHub's anchor for a heading text (before de-duplication): lowercase, drop
/// everything but letters, digits, spaces, hyphens and underscores, spaces to hyphens.
pub fn github_anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        // ASCII first: the same answer as the Unicode tests, without the
        // lowercase iterator (every heading and hidden `#` line comes here).
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                out.push(c.to_ascii_lowercase());
            } else if c == ' ' {
                out.push('-');
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Assigns GitHub's `-1`, `-2` suffixes to repeated anchors within one document.
#[derive(Debug, Default)]
pub struct AnchorSet {
    seen: HashMap<String, usize>,
}

impl AnchorSet {
    /// The unique anchor for the next heading with this text.
    pub fn next(&mut self, text: &str) -> String {
        let base = github_anchor(text);
        let mut anchor = base.clone();
        while self.seen.contains_key(&anchor) {
            let n = self.seen.entry(base.clone()).or_insert(0);
            *n += 1;
            anchor = format!("{base}-{n}");
        }
        self.seen.insert(anchor.clone(), 0);
        anchor
    }
}

/// Latin letters with diacritics as ASCII, so `Nächste` keeps its letters.
pub fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' => "a",
        'ä' | 'æ' => "ae",
        'ç' | 'č' | 'ć' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ø' => "o",
        'ö' | 'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ů' => "u",
        'ü' => "ue",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'š' => "s",
        'ž' => "z",
        'ł' => "l",
        _ => return None,
    })
}

/// A file-name slug: lowercase letters and digits joined by single hyphens, at
/// most `max` bytes, cut at a hyphen so words stay whole. Letters of any script
/// are kept (`任务-8-补齐个人绑定的离职保护`): a slug of only the ASCII in a
/// Chinese heading would be `8`, a name that says nothing. Latin letters with
/// diacritics become ASCII ([`fold`]: `Nächste` → `naechste`), as people write
/// such names by hand. Everything else (punctuation, full-width or not, emoji,
/// symbols) separates words.
pub fn file_slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()) {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            for l in c.to_lowercase() {
                match fold(l) {
                    Some(ascii) => out.push_str(ascii),
                    None => out.push(l),
                }
            }
        } else if c == '.' && out.chars().last().is_some_and(|p| p.is_ascii_digit()) {
            // keep "4.7" style numbers intact
            pending_hyphen = false;
            out.push('.');
        } else {
            // "3.3.2. Title": a number's closing dot goes with the gap after it.
            if out.ends_with('.') {
                out.pop();
            }
            pending_hyphen = true;
        }
    }
    let out = out.trim_end_matches('.').to_string();
    if out.len() <= max {
        return out;
    }
    let mut end = max;
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &out[..end];
    match cut.rfind('-') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut.trim_end_matches(['-', '.']).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        assert_eq!(
            github_anchor("Phase 4.3: Install ArgoCD (20-30 min)"),
            "phase-43-install-argocd-20-30-min"
        );
        assert_eq!(github_anchor("Nächste Schritte"), "nächste-schritte");
        assert_eq!(github_anchor("✅ Done"), "-done");
        let mut set = AnchorSet::default();
        assert_eq!(set.next("Troubleshooting"), "troubleshooting");
        assert_eq!(set.next("Troubleshooting"), "troubleshooting-1");
        assert_eq!(set.next("Troubleshooting"), "troubleshooting-2");
        assert_eq!(set.next("Troubleshooting 1"), "troubleshooting-1-1");
    }

    #[test]
    fn file_slugs_are_letters_digits_and_short() {
        assert_eq!(
            file_slug("Install ArgoCD on Devops Nonprod Cluster", 50),
            "install-argocd-on-devops-nonprod-cluster"
        );
        assert_eq!(file_slug("Über größe!", 50), "ueber-groesse");
        // Other scripts keep their letters; full-width punctuation separates.
        assert_eq!(
            file_slug("任务 8：补齐个人绑定的离职保护", 50),
            "任务-8-补齐个人绑定的离职保护"
        );
        assert_eq!(file_slug("Настройка кластера", 50), "настройка-кластера");
        // A cut never falls inside a character.
        for max in 1..12 {
            let s = file_slug("补齐个人绑定的离职保护", max);
            assert!(s.len() <= max, "{s}");
        }
        assert_eq!(file_slug("🚀 Launch ✅", 50), "launch");
        let long = file_slug(&"word ".repeat(30), 50);
        assert!(long.len() <= 50 && !long.ends_with('-'), "{long}");
        assert_eq!(file_slug("Phase 4.7 notes.", 50), "phase-4.7-notes");
        // An outline number's closing dot is not kept before the title.
        assert_eq!(file_slug("3.3.2. Applicative", 50), "3.3.2-applicative");
        assert_eq!(file_slug("v1.x", 50), "v1.x");
    }

    proptest::proptest! {
        /// The ASCII fast path gives the anchor the Unicode tests give,
        /// non-ASCII letters that lowercase to ASCII (`K` Kelvin, `İ`) included.
        #[test]
        fn anchor_is_the_unicode_reading(text in "[ a-zA-Z0-9_.:#()\\-\u{212a}\u{130}éÉ\u{a0}\u{660}✅]{0,16}") {
            let mut want = String::new();
            for c in text.trim().chars() {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    want.extend(c.to_lowercase());
                } else if c == ' ' {
                    want.push('-');
                }
            }
            proptest::prop_assert_eq!(github_anchor(&text), want);
        }
    }
}
