//! Compiled settings: regexes and globs are checked while the configuration is
//! read, so a bad one is an error located at its line and column in the file that
//! wrote it, and every user of the configuration gets ready matchers (no fallback
//! to the built-in patterns for errors that cannot happen after load).
//!
//! A regex of the merged configuration is parsed when read (its syntax and
//! required group checked there) but compiled on first use: compiling all ~50
//! built-in patterns took ~110 M instructions, a third of a `split` of a 300 KB
//! file, and most commands use a few of them; a list of globs, likewise, is
//! parsed when read and built into its set on first use. Each user file is
//! first read on its own with every pattern compiled ([`eagerly`]), so an
//! error only the compiler finds (a pattern too big) is still reported at
//! load, located; the built-in ones are tested to compile.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use regex::{Regex, RegexSet};
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

thread_local! {
    /// Whether patterns read on this thread are compiled as they are read.
    static EAGER: Cell<bool> = const { Cell::new(false) };
}

thread_local! {
    /// Whether patterns read on this thread were checked already.
    static CHECKED: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` (the read of the merged configuration) taking its patterns as
/// checked: every one of them comes whole from a file that was (a user file,
/// read [`eagerly`] on its own) or is tested to be (a built-in one), and
/// parsing them again cost ~12 M instructions at every start. Inside
/// [`eagerly`], patterns are still compiled and checked.
pub fn checked_already<T>(f: impl FnOnce() -> T) -> T {
    with_flag(&CHECKED, f)
}

/// Run `f` with the thread-local `flag` set, as it was again afterwards (a
/// panic included): the reads nest.
fn with_flag<T>(flag: &'static std::thread::LocalKey<Cell<bool>>, f: impl FnOnce() -> T) -> T {
    struct Reset(&'static std::thread::LocalKey<Cell<bool>>, bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            self.0.with(|e| e.set(self.1));
        }
    }
    let _reset = Reset(flag, flag.with(|e| e.replace(true)));
    f()
}

/// Run `f` (a deserialization) with every pattern it reads compiled at once,
/// so a pattern the regex compiler refuses is an error of that read.
pub fn eagerly<T>(f: impl FnOnce() -> T) -> T {
    with_flag(&EAGER, f)
}

/// A configured regex, checked when read and compiled on first use (see the
/// module doc). An empty (or all-blank) pattern means "unset" and has no regex.
pub struct Pattern<G: Group = AnyGroup> {
    source: String,
    regex: OnceLock<Option<Regex>>,
    group: PhantomData<G>,
}

impl<G: Group> Pattern<G> {
    /// Compile `source`, checking the required group; the error names the pattern.
    pub fn new(source: &str) -> Result<Self, String> {
        let p = Pattern::checked(source)?;
        if p.regex.get().is_none() {
            let r = Regex::new(source).map_err(|e| format!("bad pattern `{source}`: {e}"))?;
            let _ = p.regex.set(Some(r));
        }
        Ok(p)
    }

    /// Parse `source` and check the required group, leaving the compile to
    /// the first use. Errors read as [`Pattern::new`]'s: the regex crate
    /// reports a syntax error with the parser's own words, as here.
    pub fn checked(source: &str) -> Result<Self, String> {
        let regex = OnceLock::new();
        if source.trim().is_empty() {
            let _ = regex.set(None);
        } else {
            let hir = regex_automata::util::syntax::parse(source)
                .map_err(|e| format!("bad pattern `{source}`: {e}"))?;
            if let Some(g) = G::NAME {
                if !has_group(&hir, g) {
                    return Err(format!(
                        "bad pattern `{source}`: needs a `{g}` capture group"
                    ));
                }
            }
        }
        Ok(Pattern {
            source: source.to_string(),
            regex,
            group: PhantomData,
        })
    }

    /// A pattern known to parse with its group (see [`checked_already`]),
    /// compiled on first use like [`Pattern::checked`]'s.
    fn unchecked(source: &str) -> Self {
        let regex = OnceLock::new();
        if source.trim().is_empty() {
            let _ = regex.set(None);
        }
        Pattern {
            source: source.to_string(),
            regex,
            group: PhantomData,
        }
    }

    /// The compiled regex, `None` when unset. A pattern that parsed but does
    /// not compile (too big: caught at load for user files, tested for the
    /// built-in ones) matches nothing rather than stopping the run.
    pub fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }

    /// Whether the regex is compiled (or the pattern unset): nothing left
    /// for a first use to do.
    pub fn compiled(&self) -> bool {
        self.regex.get().is_some()
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern is set and matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_some_and(|r| r.is_match(text))
    }
}

/// Whether a parsed regex has a capture group named `name`.
fn has_group(hir: &regex_syntax::hir::Hir, name: &str) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) => c.name.as_deref() == Some(name) || has_group(&c.sub, name),
        HirKind::Repetition(r) => has_group(&r.sub, name),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(|h| has_group(h, name)),
        _ => false,
    }
}

impl<G: Group> Default for Pattern<G> {
    fn default() -> Self {
        Pattern {
            source: String::new(),
            regex: OnceLock::from(None),
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
        let p = if EAGER.with(Cell::get) {
            Pattern::new(&s)
        } else if CHECKED.with(Cell::get) {
            Ok(Pattern::unchecked(&s))
        } else {
            Pattern::checked(&s)
        };
        p.map_err(serde::de::Error::custom)
    }
}

/// A list of configured regexes that is only ever asked whether any of them
/// matches (`check.status.ignore`, `decisions.not_decisions`): compiled on
/// first use into one [`RegexSet`] rather than a regex each. The set matches
/// exactly when one of its patterns does (the regex crate's contract, tested
/// against the list below), and building it cost about half (built-in
/// `status.ignore`: 10 M instructions instead of 24 M, `not_decisions`: 24 M
/// instead of 30 M): the Unicode classes its patterns share are compiled
/// once, and one search per line replaces one per pattern. The patterns stay
/// readable one by one (it derefs to them) for those that report them.
pub struct AnyOf<G: Group = AnyGroup> {
    list: Vec<Pattern<G>>,
    set: OnceLock<Option<RegexSet>>,
}

impl<G: Group> AnyOf<G> {
    /// The list as one matcher, compiling nothing yet.
    pub fn new(list: Vec<Pattern<G>>) -> Self {
        AnyOf {
            list,
            set: OnceLock::new(),
        }
    }

    /// The set of the patterns that are set, built now if not yet; `None`
    /// when it does not build (a set can exceed the size limit that each of
    /// its patterns keeps to): then each pattern is asked on its own, as
    /// before there was a set.
    fn set(&self) -> Option<&RegexSet> {
        self.set
            .get_or_init(|| {
                let sources = self.list.iter().map(Pattern::as_str);
                RegexSet::new(sources.filter(|s| !s.trim().is_empty())).ok()
            })
            .as_ref()
    }

    /// Compile the set now (warming, see [`super::warm`]).
    pub fn compile(&self) {
        let _ = self.set();
    }

    /// Whether the set is built (or known not to build).
    pub fn compiled(&self) -> bool {
        self.set.get().is_some()
    }

    /// Whether any of the patterns (an unset one matches nothing) matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match self.set() {
            Some(set) => set.is_match(text),
            None => self.list.iter().any(|p| p.is_match(text)),
        }
    }
}

impl<G: Group> Default for AnyOf<G> {
    fn default() -> Self {
        AnyOf::new(Vec::new())
    }
}

impl<G: Group> Clone for AnyOf<G> {
    fn clone(&self) -> Self {
        AnyOf {
            list: self.list.clone(),
            set: self.set.clone(),
        }
    }
}

impl<G: Group> std::ops::Deref for AnyOf<G> {
    type Target = [Pattern<G>];
    fn deref(&self) -> &[Pattern<G>] {
        &self.list
    }
}

impl<G: Group> fmt::Debug for AnyOf<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.list.fmt(f)
    }
}

impl<'de, G: Group> Deserialize<'de> for AnyOf<G> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Pattern<G>>::deserialize(d).map(AnyOf::new)
    }
}

/// Parse one glob. A `*` (or `?`, `[...]`) stops at `/`, as in gitignore
/// and shells, and only `**` crosses folders: with `*` crossing, the status
/// glob `**/*status*.md` took every file under a folder named
/// `06-status-server/` for a status file, and `.planning/phases/*/*-PLAN.md`
/// reached into any depth below a phase.
fn glob(source: &str) -> Result<Glob, String> {
    GlobBuilder::new(source)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("bad glob `{source}`: {e}"))
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

/// A list of globs compiled into one set: matches when any of them does. Each
/// glob is parsed when read; the set, like a [`Pattern`]'s regex, is built on
/// first use (building every configured set took ~18 M instructions at each
/// start, and `split` uses none of them).
#[derive(Clone, Default)]
pub struct Globs {
    sources: Vec<String>,
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
}

impl Globs {
    /// Compile a list of globs.
    pub fn new<S: AsRef<str>>(sources: &[S]) -> Result<Self, String> {
        let g = Globs::checked(sources)?;
        let set = g.build().map_err(|e| e.to_string())?;
        let _ = g.set.set(set);
        Ok(g)
    }

    /// Parse a list of globs, leaving the set to be built on first use.
    pub fn checked<S: AsRef<str>>(sources: &[S]) -> Result<Self, String> {
        Ok(Globs {
            sources: sources.iter().map(|s| s.as_ref().to_string()).collect(),
            globs: sources
                .iter()
                .map(|s| glob(s.as_ref()))
                .collect::<Result<_, _>>()?,
            set: OnceLock::new(),
        })
    }

    fn build(&self) -> Result<GlobSet, globset::Error> {
        let mut b = GlobSetBuilder::new();
        for g in &self.globs {
            b.add(g.clone());
        }
        b.build()
    }

    /// The set, built now if not yet. One that does not build (too big:
    /// caught at load for user files) matches nothing.
    fn set(&self) -> &GlobSet {
        self.set
            .get_or_init(|| self.build().unwrap_or_else(|_| GlobSet::empty()))
    }

    /// Whether a root-relative path matches any of the globs.
    pub fn is_match(&self, path: impl AsRef<Path>) -> bool {
        !self.sources.is_empty() && self.set().is_match(path)
    }

    /// The globs as written that match a root-relative path.
    pub fn matching(&self, path: impl AsRef<Path>) -> Vec<&str> {
        if self.sources.is_empty() {
            return Vec::new();
        }
        let set = self.set();
        set.matches(path)
            .into_iter()
            .filter_map(|i| self.sources.get(i).map(String::as_str))
            .collect()
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
        let g = if EAGER.with(Cell::get) {
            Globs::new(&v)
        } else {
            Globs::checked(&v)
        };
        g.map_err(serde::de::Error::custom)
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
    fn a_checked_pattern_fails_as_a_compiled_one_and_compiles_on_first_use() {
        for bad in ["(", "a{2,1}", "(?P<number>x", "[z-a]"] {
            assert_eq!(
                Pattern::<AnyGroup>::checked(bad).unwrap_err(),
                Pattern::<AnyGroup>::new(bad).unwrap_err()
            );
        }
        assert_eq!(
            Pattern::<Number>::checked("phase (\\d+)").unwrap_err(),
            Pattern::<Number>::new("phase (\\d+)").unwrap_err()
        );
        let p = Pattern::<Number>::checked("(?:x|(?P<number>\\d+))+").unwrap();
        assert!(p.regex.get().is_none(), "compiled before its first use");
        assert!(p.is_match("x4"));
        assert!(p.regex.get().is_some_and(Option::is_some));
        assert!(Pattern::<AnyGroup>::checked(" ").unwrap().regex().is_none());
    }

    /// Only the compiler finds a pattern too big: a file read [`eagerly`] says
    /// so when it is read, not when the pattern is first used.
    #[test]
    fn a_pattern_too_big_is_an_error_when_read_eagerly() {
        let too_big = "\\w{400}{400}";
        let read = |eager: bool| {
            let de = || Pattern::<AnyGroup>::deserialize(serde_json::json!(too_big));
            if eager {
                eagerly(de)
            } else {
                de()
            }
        };
        let e = read(true).unwrap_err().to_string();
        assert!(e.contains("bad pattern"), "{e}");
        let lazy = read(false).expect("parses");
        assert!(lazy.regex().is_none() && !lazy.is_match("x"));
        assert!(!EAGER.with(Cell::get), "eagerly resets the flag");
    }

    /// The merged configuration's read takes its patterns as checked (they
    /// were, in their files), and compiles them on first use all the same;
    /// read eagerly, even there a bad one is an error.
    #[test]
    fn a_pattern_checked_already_is_not_parsed_again() {
        let missing_group = serde_json::json!("(?i)phase (\\d+)");
        let de = || Pattern::<Number>::deserialize(missing_group.clone());
        assert!(de().unwrap_err().to_string().contains("needs a `number`"));
        let taken = checked_already(de).expect("taken as checked");
        assert!(!taken.compiled() && taken.is_match("Phase 4"));
        assert!(checked_already(|| eagerly(de)).is_err());
        assert!(!CHECKED.with(Cell::get), "checked_already resets the flag");
        let blank = checked_already(|| Pattern::<Number>::deserialize(serde_json::json!(" ")));
        assert!(blank.expect("blank").regex().is_none());
    }

    /// A list asked as one set answers as its patterns asked one by one: a
    /// blank pattern matches nothing, names may repeat across patterns, and a
    /// set too big to build falls back to the patterns that do compile.
    #[test]
    fn any_of_matches_when_one_of_its_patterns_does() {
        let any = |v: &[&str]| {
            AnyOf::<AnyGroup>::new(v.iter().map(|s| Pattern::checked(s).unwrap()).collect())
        };
        assert!(!any(&[]).is_match("x") && !any(&[" "]).is_match(" "));
        let named = any(&["(?P<number>a)$", "(?P<number>b)$"]);
        assert!(!named.compiled());
        assert!(named.is_match("xb") && !named.is_match("bx"));
        assert!(named.compiled() && named.len() == 2);
        let too_big = any(&["\\w{400}{400}", "x"]);
        assert!(too_big.is_match("x") && !too_big.is_match("y"));
        assert!(
            too_big.set.get().is_some_and(Option::is_none),
            "the set cannot build"
        );
    }

    proptest::proptest! {
        /// The built-in lists read as sets match exactly the texts one of
        /// their patterns matches, Unicode look-alikes (the Kelvin sign, long
        /// s, no-break space) included.
        #[test]
        fn builtin_lists_as_sets_match_as_their_patterns_do(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..12),
        ) {
            static CFG: std::sync::LazyLock<crate::config::Config> =
                std::sync::LazyLock::new(crate::config::Config::builtin);
            let cfg = &*CFG;
            let text: String = words.concat();
            for list in [&cfg.check.status.ignore, &cfg.decisions.not_decisions] {
                let one_by_one = list.iter().any(|p| p.is_match(&text));
                proptest::prop_assert_eq!(list.is_match(&text), one_by_one, "{:?}", text);
            }
        }
    }

    /// Pieces of texts the built-in `status.ignore` and `not_decisions`
    /// patterns are about, and characters Unicode classes and case folding
    /// treat unlike ASCII.
    const WORDS: &[&str] = &[
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "- ",
        "* ",
        "[ ] ",
        "[x] ",
        "[",
        "]",
        "(or ",
        "**",
        "?",
        ":",
        ".",
        ",",
        "-",
        "–",
        "—",
        "(",
        "✅",
        "é",
        "\u{212a}",
        "\u{17f}",
        "phase",
        "Phase ",
        "4",
        "4.2",
        "٣",
        "complete",
        "completed",
        "done",
        "DONE",
        "not",
        "yet",
        "incomplete",
        "planning",
        "design",
        "is",
        "are",
        "after",
        "once",
        "when",
        "if",
        "blocked by",
        "mark",
        "set",
        "tbd",
        "TBD",
        "pending",
        "decision",
        "to be decided",
        "rejected",
        "superseded",
        "none",
        "None",
        "n/a",
        "decides",
        "choose",
        "determines",
        "whether",
        "which",
        "the",
        "database",
        "write-up",
        "task",
    ];

    #[test]
    fn globs_match_any_and_empty_matches_nothing() {
        let g = Globs::new(&["a/**", "*.txt"]).unwrap();
        assert!(g.is_match("a/b/c.md") && g.is_match("x.txt") && !g.is_match("b/c.md"));
        assert!(!Globs::default().is_match("a"));
        assert!(Globs::new(&["a[b"]).unwrap_err().contains("bad glob"));
        assert_eq!(
            Globs::checked(&["a[b"]).unwrap_err(),
            Globs::new(&["a[b"]).unwrap_err()
        );
        let lazy = Globs::checked(&["a/**", "*.txt"]).unwrap();
        assert!(lazy.set.get().is_none(), "built before its first use");
        assert!(lazy.is_match("a/b/c.md") && !lazy.is_match("b/c.md"));
        assert!(GlobPattern::new("**/status/*.md")
            .unwrap()
            .is_match(".claude/status/x.md"));
    }

    /// A `*` stops at `/` and `**` crosses folders, as in gitignore: a folder
    /// named like a status file (`06-status-server/`) does not make every file
    /// in it one, and a one-level glob stays one level.
    #[test]
    fn a_star_stops_at_a_slash_and_two_stars_cross_folders() {
        let status = Globs::new(&["**/status/**", "**/*status*.md"]).unwrap();
        assert!(!status.is_match("phases/06-status-server/PLAN.md"));
        assert!(!status.is_match("phases/06-status-server/notes/x.md"));
        assert!(status.is_match("phases/06-status-server/06-status.md"));
        assert!(status.is_match("project-status.md"));
        assert!(status.is_match("a/b/status/c/d.md"));
        let one = GlobPattern::new(".planning/phases/*/*-PLAN.md").unwrap();
        assert!(one.is_match(".planning/phases/01-core/01-01-PLAN.md"));
        assert!(!one.is_match(".planning/phases/01-core/old/01-01-PLAN.md"));
        assert!(!GlobPattern::new("*.md").unwrap().is_match("docs/x.md"));
        assert!(GlobPattern::new("docs/**")
            .unwrap()
            .is_match("docs/a/b/x.md"));
        let lazy = Globs::checked(&["**/*status*.md"]).unwrap();
        assert!(!lazy.is_match("x/06-status-server/PLAN.md"));
    }
}
