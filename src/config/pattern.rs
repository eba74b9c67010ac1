//! Compiled settings: regexes and globs are compiled while the configuration is
//! read, so a bad one is an error located at its line and column in the file that
//! wrote it, and every user of the configuration gets ready matchers (no caches,
//! no fallback to the built-in patterns for errors that cannot happen after load).

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::{Deserialize, Deserializer};

/// A capture group a pattern must have, checked when it is read.
pub trait Group {
    /// The group's name, or `None` when any regex will do.
    const NAME: Option<&'static str>;
}

/// No required group.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyGroup;
impl Group for AnyGroup {
    const NAME: Option<&'static str> = None;
}

/// Needs a `number` group (a subphase or phase number).
#[derive(Debug, Clone, Copy, Default)]
pub struct Number;
impl Group for Number {
    const NAME: Option<&'static str> = Some("number");
}

/// Needs a `value` group (an estimate).
#[derive(Debug, Clone, Copy, Default)]
pub struct Value;
impl Group for Value {
    const NAME: Option<&'static str> = Some("value");
}

/// A configured regex, compiled when read. An empty (or all-blank) pattern means
/// "unset" and has no regex.
pub struct Pattern<G: Group = AnyGroup> {
    source: String,
    regex: Option<Regex>,
    group: PhantomData<G>,
}

impl<G: Group> Pattern<G> {
    /// Compile `source`, checking the required group; the error names the pattern.
    pub fn new(source: &str) -> Result<Self, String> {
        let regex = if source.trim().is_empty() {
            None
        } else {
            let r = Regex::new(source).map_err(|e| format!("bad pattern `{source}`: {e}"))?;
            if let Some(g) = G::NAME {
                if r.capture_names().flatten().all(|n| n != g) {
                    return Err(format!(
                        "bad pattern `{source}`: needs a `{g}` capture group"
                    ));
                }
            }
            Some(r)
        };
        Ok(Pattern {
            source: source.to_string(),
            regex,
            group: PhantomData,
        })
    }

    /// The compiled regex, `None` when unset.
    pub fn regex(&self) -> Option<&Regex> {
        self.regex.as_ref()
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern is set and matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.as_ref().is_some_and(|r| r.is_match(text))
    }
}

impl<G: Group> Default for Pattern<G> {
    fn default() -> Self {
        Pattern {
            source: String::new(),
            regex: None,
            group: PhantomData,
        }
    }
}

impl<G: Group> Clone for Pattern<G> {
    fn clone(&self) -> Self {
        Pattern {
            source: self.source.clone(),
            regex: self.regex.clone(),
            group: PhantomData,
        }
    }
}

impl<G: Group> fmt::Debug for Pattern<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

impl<'de, G: Group> Deserialize<'de> for Pattern<G> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(serde::de::Error::custom)
    }
}

fn glob(source: &str) -> Result<Glob, String> {
    Glob::new(source).map_err(|e| format!("bad glob `{source}`: {e}"))
}

/// One configured glob, compiled when read.
#[derive(Clone, Default)]
pub struct GlobPattern {
    source: String,
    matcher: Option<GlobMatcher>,
}

impl GlobPattern {
    /// Compile one glob.
    pub fn new(source: &str) -> Result<Self, String> {
        Ok(GlobPattern {
            source: source.to_string(),
            matcher: Some(glob(source)?.compile_matcher()),
        })
    }

    /// Whether a root-relative path matches.
    pub fn is_match(&self, path: impl AsRef<Path>) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(path))
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for GlobPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.source)
    }
}

impl<'de> Deserialize<'de> for GlobPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        GlobPattern::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A list of globs compiled into one set: matches when any of them does.
#[derive(Clone, Default)]
pub struct Globs {
    sources: Vec<String>,
    set: GlobSet,
}

impl Globs {
    /// Compile a list of globs.
    pub fn new<S: AsRef<str>>(sources: &[S]) -> Result<Self, String> {
        let mut b = GlobSetBuilder::new();
        for s in sources {
            b.add(glob(s.as_ref())?);
        }
        Ok(Globs {
            sources: sources.iter().map(|s| s.as_ref().to_string()).collect(),
            set: b.build().map_err(|e| e.to_string())?,
        })
    }

    /// Whether a root-relative path matches any of the globs.
    pub fn is_match(&self, path: impl AsRef<Path>) -> bool {
        !self.sources.is_empty() && self.set.is_match(path)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The globs as written.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }
}

impl fmt::Debug for Globs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Globs({:?})", self.sources)
    }
}

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        Globs::new(&v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_pattern_is_unset_and_groups_are_required() {
        let p = Pattern::<Number>::new("").unwrap();
        assert!(p.regex().is_none() && !p.is_match("x"));
        let e = Pattern::<Number>::new("phase (\\d+)").unwrap_err();
        assert!(e.contains("`number`"), "{e}");
        assert!(Pattern::<Number>::new("(?P<number>\\d+)")
            .unwrap()
            .is_match("4"));
        assert!(Pattern::<AnyGroup>::new("(")
            .unwrap_err()
            .contains("bad pattern"));
    }

    #[test]
    fn globs_match_any_and_empty_matches_nothing() {
        let g = Globs::new(&["a/**", "*.txt"]).unwrap();
        assert!(g.is_match("a/b/c.md") && g.is_match("x.txt") && !g.is_match("b/c.md"));
        assert!(!Globs::default().is_match("a"));
        assert!(Globs::new(&["a[b"]).unwrap_err().contains("bad glob"));
        assert!(GlobPattern::new("**/status/*.md")
            .unwrap()
            .is_match(".claude/status/x.md"));
    }
}
