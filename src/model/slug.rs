//! Names derived from heading text: GitHub anchors and file-name slugs.

use std::collections::HashMap;

/// GitHub's anchor for a heading text (before de-duplication): lowercase, drop
/// everything but letters, digits, spaces, hyphens and underscores, spaces to hyphens.
pub fn github_anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
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

/// A file-name slug: lowercase ASCII letters and digits joined by single hyphens,
/// at most `max` bytes, cut at a hyphen so words stay whole.
pub fn file_slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '.' && out.chars().last().is_some_and(|p| p.is_ascii_digit()) {
            // keep "4.7" style numbers intact
            pending_hyphen = false;
            out.push('.');
        } else {
            pending_hyphen = true;
        }
    }
    let out = out.trim_end_matches('.').to_string();
    if out.len() <= max {
        return out;
    }
    let cut = &out[..max];
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
    fn file_slugs_are_ascii_and_short() {
        assert_eq!(
            file_slug("Install ArgoCD on Devops Nonprod Cluster", 50),
            "install-argocd-on-devops-nonprod-cluster"
        );
        assert_eq!(file_slug("Über größe!", 50), "ber-gr-e");
        let long = file_slug(&"word ".repeat(30), 50);
        assert!(long.len() <= 50 && !long.ends_with('-'), "{long}");
        assert_eq!(file_slug("Phase 4.7 notes.", 50), "phase-4.7-notes");
    }
}
