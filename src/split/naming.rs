//! File names for units and parts, and the continuation line added to parts.

use std::collections::HashSet;

use super::units::Unit;
use crate::model::slug::file_slug;

use crate::model::markers::CONTINUATION;

/// Hands out unique names within one split.
pub struct Namer<'t> {
    taken: HashSet<String>,
    /// Names taken outside this split (files already in the folder).
    outside: Option<&'t dyn Fn(&str) -> bool>,
    slug_max: usize,
    /// `phase-4` when the file's own name carries a phase number, so the
    /// non-subphase parts of `phase-4-working-notes.md` sort with phase 4.
    phase_prefix: Option<String>,
}

impl<'t> Namer<'t> {
    /// A namer for one file. Its own name is free: a caller that keeps the file
    /// where it is says so through [`Namer::also_taken`].
    pub fn new(stem: &str, slug_max: usize) -> Namer<'t> {
        let taken = HashSet::new();
        let own = file_slug(stem, usize::MAX);
        let phase_prefix = own.strip_prefix("phase-").and_then(|rest| {
            let num: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let num = num.trim_end_matches('.');
            (!num.is_empty()).then(|| format!("phase-{num}"))
        });
        Namer {
            taken,
            outside: None,
            slug_max,
            phase_prefix,
        }
    }

    /// The base name (no `.md`) for a unit.
    pub fn base(&self, unit: &Unit, stem: &str) -> String {
        match &unit.subphase {
            Some(s) => {
                let slug = file_slug(&s.title, self.slug_max);
                if slug.is_empty() {
                    format!("phase-{}", s.number)
                } else {
                    format!("phase-{}-{}", s.number, slug)
                }
            }
            None => {
                let slug = file_slug(&unit.title, self.slug_max);
                let own = file_slug(stem, self.slug_max);
                if slug.is_empty() || slug == own {
                    format!("{own}-overview")
                } else {
                    match &self.phase_prefix {
                        Some(p) if !slug.starts_with("phase-") => format!("{p}-{slug}"),
                        _ => slug,
                    }
                }
            }
        }
    }

    /// Also avoid every name for which `taken` is true.
    pub fn also_taken(&mut self, taken: &'t dyn Fn(&str) -> bool) {
        self.outside = Some(taken);
    }

    fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name) || self.outside.is_some_and(|f| f(name))
    }

    /// Unique names for the `n` parts of a unit: `base.md`, `base-part-2.md`, ...
    /// Duplicate units get `-2`, `-3` so nothing is ever overwritten.
    pub fn part_names(&mut self, base: &str, n: usize) -> Vec<String> {
        let mut k = 1;
        loop {
            let b = if k == 1 {
                base.to_string()
            } else {
                format!("{base}-{k}")
            };
            let names: Vec<String> = (1..=n)
                .map(|i| {
                    if i == 1 {
                        format!("{b}.md")
                    } else {
                        format!("{b}-part-{i}.md")
                    }
                })
                .collect();
            if names.iter().all(|x| !self.is_taken(x)) {
                self.taken.extend(names.iter().cloned());
                return names;
            }
            k += 1;
        }
    }
}

/// The added first line of a continuation part: a sentence linking the unit's
/// first part, the marker, then a blank line so the body starts a fresh block.
pub fn continuation(title: &str, first: &str, part: usize, parts: usize, nl: &str) -> String {
    // One line whatever the heading held: brackets would break the link, line
    // breaks would add lines the budget did not reserve.
    let title = title.replace(['[', ']'], "").replace(['\r', '\n'], " ");
    let title = if title.is_empty() {
        first.to_string()
    } else {
        title
    };
    format!("*Continued from [{title}]({first}) (part {part} of {parts}).* {CONTINUATION}{nl}{nl}")
}

/// The first part's file name and the part number that a [`continuation`] line
/// names; `None` for any other line.
pub fn continued_from(line: &str) -> Option<(&str, usize)> {
    let (head, _) = line.split_once(CONTINUATION)?;
    let (_, tail) = head.rsplit_once("](")?;
    let (first, tail) = tail.split_once(')')?;
    let part = tail
        .split_once("(part ")?
        .1
        .split(' ')
        .next()?
        .parse()
        .ok()?;
    Some((first, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `continuation` writes, `continued_from` reads back.
    #[test]
    fn continuation_lines_round_trip() {
        for (title, first, part, nl) in [
            (
                "Phase 4.7: Install (nonprod)",
                "phase-4.7-install.md",
                2,
                "\n",
            ),
            ("", "notes-part.md", 12, "\r\n"),
            ("A [bracketed] title", "a b.md", 3, "\r"),
        ] {
            let line = continuation(title, first, part, 12, nl);
            let line = line.trim_end_matches(['\r', '\n']);
            assert_eq!(continued_from(line), Some((first, part)), "{line:?}");
        }
        assert_eq!(
            continued_from("*Continued from [x](y.md) (part 2 of 3).*"),
            None
        );
        assert_eq!(continued_from("# A heading"), None);
    }
}
