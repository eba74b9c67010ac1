//! Resolving relative links: which file and which anchor a destination names.
//! Shared by `check` (link.broken) and `migrate` (rewriting links whose target moved).

use std::path::{Component, Path, PathBuf};

/// What a link destination points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A URL with a scheme (`https:`, `mailto:`), or protocol-relative: not checked.
    External,
    /// `#anchor` in the same file.
    SameFile {
        /// The anchor, percent-decoded, without `#`.
        anchor: String,
    },
    /// A file relative to the linking file (path normalised, relative to the root).
    File {
        /// Root-relative path of the target.
        path: PathBuf,
        /// Anchor, if any.
        anchor: Option<String>,
    },
    /// A path that climbs above the root or is absolute: not checked.
    Outside,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Normalise `a/b/../c` without touching the disk; `None` if it climbs above the start.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Resolve `url` written in the file at root-relative path `from`.
pub fn resolve(from: &Path, url: &str) -> Target {
    let url = url.trim();
    if url.starts_with("//")
        || url.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.contains('/')
        })
    {
        return Target::External;
    }
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return match anchor {
            Some(anchor) => Target::SameFile { anchor },
            None => Target::External,
        };
    }
    if path.starts_with('/') {
        return Target::Outside;
    }
    let dir = from.parent().unwrap_or(Path::new(""));
    match normalize(&dir.join(percent_decode(path))) {
        Some(path) => Target::File { path, anchor },
        None => Target::Outside,
    }
}

/// The relative link text from the file at `from` to `to` (both root-relative).
pub fn relative(from: &Path, to: &Path) -> String {
    let dir: Vec<_> = from
        .parent()
        .unwrap_or(Path::new(""))
        .components()
        .collect();
    let tgt: Vec<_> = to.components().collect();
    let common = dir.iter().zip(&tgt).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..dir.len() {
        parts.push("..".into());
    }
    for c in &tgt[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves() {
        let from = Path::new(".claude/status/brief.md");
        assert_eq!(resolve(from, "https://x.y/z"), Target::External);
        assert_eq!(resolve(from, "mailto:a@b"), Target::External);
        assert_eq!(
            resolve(from, "#top"),
            Target::SameFile {
                anchor: "top".into()
            }
        );
        assert_eq!(
            resolve(from, "../plans/a%20b.md#phase-47-x"),
            Target::File {
                path: ".claude/plans/a b.md".into(),
                anchor: Some("phase-47-x".into())
            }
        );
        assert_eq!(resolve(from, "../../../x.md"), Target::Outside);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(
                Path::new(".claude/status/brief.md"),
                Path::new(".claude/plans/a.md")
            ),
            "../plans/a.md"
        );
        assert_eq!(relative(Path::new("a.md"), Path::new("b/c.md")), "b/c.md");
        assert_eq!(relative(Path::new("x/a.md"), Path::new("x/c.md")), "c.md");
    }
}
