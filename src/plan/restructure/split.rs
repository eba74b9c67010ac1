//! Stage 1 of the restructure: split every candidate into atomic files, pick the
//! archive path of its original, and map each of its headings to the part that
//! now holds it (what the link stage retargets to).

use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{archive_path, Candidacy, PartOut, Planner, SplitFile};
use crate::config::Ownership;
use crate::model::markers;
use crate::model::{count_lines, Document};
use crate::note::{Note, NoteKind};
use crate::plan::carding;
use crate::plan::conserve::{self, Ledger};
use crate::plan::links::Moved;
use crate::split::{self, SplitOptions};
use crate::subphase::Reading;

/// `dir/name-k.md` for `dir/name.md`.
fn numbered(p: &Path, k: usize) -> PathBuf {
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match p.extension() {
        Some(ext) => format!("{stem}-{k}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{k}"),
    };
    p.with_file_name(name)
}

/// A framework's file or a folder's README as the index of its parts: its front matter (its tools
/// read it), replan's index marker, its title, why, and a link to each part.
fn framework_index(
    rel: &Path,
    doc: &Document,
    parts: &[PartOut],
    why: &str,
    archived: &Path,
) -> String {
    let text = &doc.source.text;
    let fm = markers::front_matter_len(text);
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let title = doc
        .headings
        .first()
        .map(|h| h.text().trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            rel.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let mut out = String::new();
    out.push_str(&text[..fm]);
    if fm > 0 && !text[..fm].ends_with('\n') {
        out.push_str(nl);
    }
    out.push_str(markers::INDEX);
    out.push_str(nl);
    out.push_str(&format!("# {title}{nl}{nl}"));
    out.push_str(&format!(
        "{why}, so it stays here as the index of its parts; \
         replan split its text into them, in order (the original is kept in `{}`).{nl}{nl}",
        archived.display().to_string().replace('\\', "/")
    ));
    for (k, p) in parts.iter().enumerate() {
        let t = p
            .doc
            .headings
            .first()
            .map(|h| h.text().trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("Part {}", k + 1));
        let t = t.replace('[', "\\[").replace(']', "\\]");
        let link = crate::plan::links::url(rel, &(p.path.clone(), None));
        out.push_str(&format!("{}. [{t}]({link}){nl}", k + 1));
    }
    out
}

/// From this size on (bytes), an original's archive copy has its decisions
/// extracted while the original is split, before its parts exist: the
/// extraction scan holds ~1.5 times a text's size in per-line facts, and done
/// with the rest of the planned tree it was held beside the original and all
/// its parts, the peak of `migrate` on one big file. Smaller originals are
/// extracted with the rest, on every core, as the split loop is sequential.
pub(super) const EARLY_SCAN: usize = 1 << 20;

impl Planner<'_, '_> {
    /// Why `doc` is split: its lines or tokens over their budget, and its
    /// subphases when it holds several. Tokens are said only when the lines
    /// are within budget (then the file was counted to decide it).
    /// `lines` is its line count, as its tally has it.
    fn split_why(&self, rel: &Path, doc: &Document, lines: usize) -> String {
        let (max_lines, max_tokens) = self.cfg.budget_for(rel);
        let text = &doc.source.text;
        let mut why = Vec::new();
        if max_lines > 0 && lines > max_lines {
            why.push(format!("{lines} lines, over {max_lines}"));
        } else if let Some(n) = self
            .enc
            .remembered(text)
            .filter(|&n| max_tokens > 0 && n > max_tokens)
        {
            why.push(format!("{n} tokens, over {max_tokens}"));
        }
        let subphases = self.subphases(doc);
        if subphases >= 2 {
            why.push(format!("{subphases} subphases"));
        }
        if why.is_empty() {
            why.push("over budget or several subphases".to_string());
        }
        why.join("; ")
    }

    /// Stage 1: split every candidate, remembering where each heading went.
    /// `candidacy` is [`Planner::candidacy`] of each input, in order.
    pub(super) fn split_all(&mut self, candidacy: &[Candidacy]) {
        let mut claimed: BTreeSet<PathBuf> = BTreeSet::new();
        let docs = self.docs;
        // Whether a file within its line budget is split hangs on its tokens:
        // count those on every core first (counts are remembered), not one by
        // one in the loop below.
        let to_count: Vec<&str> = docs
            .iter()
            .zip(candidacy)
            .filter(|(_, c)| matches!(c, Candidacy::IfOver(_)))
            .map(|((_, doc), _)| doc.source.text.as_str())
            .collect();
        let enc = self.enc;
        to_count.par_iter().with_max_len(1).for_each(|t| {
            enc.count(t);
        });
        for ((rel, doc), c) in docs.iter().zip(candidacy) {
            (self.inp.tick)();
            let split = match c {
                Candidacy::No => false,
                Candidacy::Yes => true,
                Candidacy::IfOver(max_tokens) => self.enc.count(&doc.source.text) > *max_tokens,
            };
            if !split {
                continue;
            }
            if let Ownership::Parsed(fw) = self.ownership(rel) {
                // A file its framework parses is a candidate for holding several
                // subphases too (an OpenSpec tasks.md of phases 1.1, 1.2, ...),
                // but that is its framework's own layout, not a problem: only a
                // file over budget is worth a note.
                let (max_lines, max_tokens) = self.cfg.budget_for(rel);
                let text = &doc.source.text;
                if count_lines(text) <= max_lines && self.enc.count(text) <= max_tokens {
                    continue;
                }
                self.out.notes.push(Note::new(
                    NoteKind::Framework,
                    rel,
                    format!("over budget but kept whole: {fw} reads this file's structure; split it by hand or give it a budget override"),
                ));
                continue;
            }
            // A decision record (`adr/0003-use-psc.md`) is one decision under its
            // number: ADR tools list records by name, links cite the number, and
            // a record is not edited once accepted. Cut into a folder it would
            // be none of these.
            if crate::decisions::is_record(rel, self.cfg.decisions.records_path().as_deref()) {
                self.out.notes.push(Note::new(
                    NoteKind::NotSplit,
                    rel,
                    "kept whole: a decision record keeps its name and number; split it by hand or give it a budget override".to_string(),
                ));
                continue;
            }
            // A part someone edited past its budget carries the card of an
            // earlier run: replan's text, stale by now. It is split without it
            // (each new part gets its own card); the archive keeps the file as
            // it was, card and all.
            let stripped = (!markers::card_spans(&doc.source.text).is_empty()).then(|| {
                Document::from_text(
                    &rel.to_string_lossy(),
                    &markers::strip_cards(&doc.source.text),
                )
            });
            let doc = stripped.as_ref().unwrap_or(doc);
            let (dir, in_place) = self.parts_dir(rel);
            let Some(sp) = self.split_one(rel, doc, &dir, &claimed) else {
                continue;
            };
            let paths: Vec<PathBuf> = sp.parts.iter().map(|p| dir.join(&p.name)).collect();
            if let Some(clash) = paths
                .iter()
                .find(|p| *p != rel && (self.exists_before(p) || claimed.contains(*p)))
            {
                self.out.notes.push(Note::new(
                    NoteKind::NotSplit,
                    rel,
                    format!("not split: its part {} already exists", clash.display()),
                ));
                continue;
            }
            // A later file with an archived original's name (a new
            // phase-4-working-notes.md after a migrate) goes to `…-2.md`.
            let first = archive_path(self.cfg, rel);
            let mut archived = first.clone();
            let mut k = 1;
            while self
                .archive_blocked(&doc.source.text, &archived, &claimed)
                .is_some()
                && k < 1000
            {
                k += 1;
                archived = numbered(&first, k);
            }
            if let Some(why) = self.archive_blocked(&doc.source.text, &archived, &claimed) {
                self.out.errors.push(Note::new(
                    NoteKind::CannotArchive,
                    rel,
                    format!("cannot archive: {} {why}", archived.display()),
                ));
                continue;
            }
            for u in doc.unclosed_fences() {
                self.out.notes.push(
                    Note::new(
                        NoteKind::UnclosedFence,
                        rel,
                        "code fence opened here is never closed; everything after it is code to a Markdown reader",
                    )
                    .at(u.line()),
                );
            }
            for o in &sp.oversize {
                self.out.notes.push(
                    Note::new(
                        NoteKind::OversizeBlock,
                        rel,
                        format!("{} the budget; kept whole in {}", o.exceeds(), o.part),
                    )
                    .at(o.line),
                );
            }
            claimed.extend(paths.iter().cloned());
            claimed.insert(archived.clone());
            // Before the parts are cut: see EARLY_SCAN.
            self.extract_early(rel, &archived);
            let (mut moved, parts_out) = self.map_headings(rel, doc, &sp, &paths, archived.clone());
            if in_place {
                moved.landing = rel.clone();
                let why = match self.ownership(rel) {
                    Ownership::Owned(name) => match self.owning_folder(rel) {
                        Some(dir) => format!(
                            "It is under `{dir}`, {name}'s folder, where replan moves no file"
                        ),
                        None => format!("{name} reads this file by name"),
                    },
                    _ if super::layout::is_readme(rel) => {
                        "It is this folder's README, shown first by GitHub and editors".to_string()
                    }
                    _ => "Its framework reads this file by name".to_string(),
                };
                let index = framework_index(rel, doc, &parts_out, &why, &archived);
                self.in_place.insert(rel.clone(), index);
            }
            self.moves.insert(rel.clone(), moved);
            let tally = conserve::Tally::of(doc);
            self.out.splits.push(SplitFile {
                original: rel.clone(),
                archived,
                parts: paths,
                in_place,
                // The original as read is the archive's copy; a text with its
                // cards taken out is only here.
                text: stripped.as_ref().map(|d| d.source.text.to_string()),
                tally,
                // Filled in when the parts are final (`finish`).
                ledgers: Vec::new(),
                why: self.split_why(rel, doc, tally.lines),
            });
            self.parts.insert(rel.clone(), parts_out);
            if let Some(d) = stripped {
                self.stripped.insert(rel.clone(), d);
            }
        }
    }

    /// The decisions of `rel`'s archive copy at `archived` (the original as
    /// read), extracted now when it is big (see [`EARLY_SCAN`]).
    fn extract_early(&mut self, rel: &Path, archived: &Path) {
        let Some(doc) = self.by_path.get(rel).copied() else {
            return;
        };
        if doc.source.text.len() < EARLY_SCAN {
            return;
        }
        let src = crate::decisions::SourceDoc {
            rel: archived.to_path_buf(),
            doc,
            title: None,
        };
        let cfg = self.cfg;
        self.early
            .get_or_insert_with(|| crate::decisions::Extracted::empty(cfg))
            .add(&[src]);
    }

    /// The split of one file, or `None` (with a note) when it stays whole.
    fn split_one(
        &mut self,
        rel: &Path,
        doc: &Document,
        dir: &Path,
        claimed: &BTreeSet<PathBuf>,
    ) -> Option<split::SplitPlan> {
        let (max_lines, max_tokens) = self.cfg.budget_for(rel);
        // Each part keeps room for its card.
        let (max_lines, max_tokens) =
            carding::budgets_with_room(max_lines, max_tokens, self.card_fields.as_deref());
        let opts = SplitOptions {
            max_lines,
            max_tokens,
            encoding: self.enc,
            slug_max: self.cfg.headings.slug_max.max(8),
            floor: self.cfg.budgets.floor,
        };
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Names already used in the folder (earlier output, other files' parts) are
        // avoided, so a new monolith's parts get `-2` rather than being refused.
        // The file's own name is free: it moves to the archive, and a part named
        // like it (`phase-6.28-….md` over budget) keeps that name.
        // So is a name the configuration would leave alone (a part of a
        // subphase titled "Plan template" named `plan-template.md`): such a
        // part would never be checked or refreshed again. Only by its name: in
        // a folder the configuration leaves alone whatever the name, every name
        // would be taken.
        // (`split::plan_unexcluded` says what happens when a glob excludes
        // every name.)
        let taken = |name: &str| {
            let p = dir.join(name);
            p != rel && (claimed.contains(&p) || self.exists_before(&p))
        };
        let excluded = |name: &str| self.cfg.leaves_alone(&dir.join(name));
        let by_name = !self.cfg.leaves_alone(&dir.join("part.md"));
        let sp = split::plan_unexcluded(
            doc,
            &self.cfg.headings,
            &self.cfg.environments,
            &opts,
            &stem,
            &taken,
            by_name.then_some(&excluded as &dyn Fn(&str) -> bool),
        );
        if sp.no_free_names {
            self.out.notes.push(Note::new(
                NoteKind::NotSplit,
                rel,
                "not split: every name its parts could take in its folder is taken; left in place",
            ));
            return None;
        }
        if !sp.is_split() {
            self.out.notes.push(Note::new(
                NoteKind::NotSplit,
                rel,
                "not split: it is one unit that cannot be cut within budget; left in place",
            ));
            return None;
        }
        if sp.reassemble(doc) != doc.source.text {
            self.out.errors.push(Note::new(
                NoteKind::NotLossless,
                rel,
                "split would not reassemble to the original; not split",
            ));
            return None;
        }
        Some(sp)
    }

    /// Why an original cannot go to `archived`, if it cannot.
    fn archive_blocked(
        &self,
        text: &str,
        archived: &Path,
        claimed: &BTreeSet<PathBuf>,
    ) -> Option<&'static str> {
        if claimed.contains(archived) {
            return Some("is claimed by another file of this plan");
        }
        match self.by_path.get(archived) {
            Some(existing) if existing.source.text != text => {
                Some("exists with different contents")
            }
            Some(_) => None,
            None if (self.inp.exists)(archived) => Some("already exists"),
            None => None,
        }
    }

    /// Parse each part (from the original's parse, see [`Document::excerpt`])
    /// and find, for every heading of the original, the part that
    /// now holds it and its anchor there (GitHub suffixes are per document).
    fn map_headings(
        &mut self,
        rel: &Path,
        doc: &Document,
        sp: &split::SplitPlan,
        paths: &[PathBuf],
        archived: PathBuf,
    ) -> (Moved, Vec<PartOut>) {
        let mut moved = Moved {
            landing: paths.first().cloned().unwrap_or_else(|| archived.clone()),
            archive: archived,
            ..Default::default()
        };
        // Sized to fit: every split's parts are held until the plan is
        // written, and growing by doubling left room for three more of five
        // (~5 MB of a 50,000-file tree's migrate at its peak).
        let mut parts_out = Vec::with_capacity(sp.parts.len());
        let enc = self.enc;
        let parsed: Vec<Document> = sp
            .parts
            .par_iter()
            .zip(paths)
            .map(|(part, path)| {
                // A part that is only bytes of the original shares its text
                // (the original is held to the end, as its archive copy);
                // one with replan's text around them is a text of its own.
                let shared = (part.prefix.is_empty() && part.suffix.is_empty())
                    .then(|| doc.source.text.slice(part.span.clone()))
                    .flatten();
                let contents = shared.unwrap_or_else(|| part.contents(doc).into());
                // The split counted it exactly: the check of the planned tree need not.
                enc.remember(&contents, part.tokens);
                let source = crate::model::Source::shared(
                    std::path::Path::new(path.to_string_lossy().as_ref()),
                    contents,
                );
                // Its blocks were located in the original's parse: taken
                // over, only its continuation line parsed (reference
                // definitions copied after it are read across the text).
                if part.suffix.is_empty() {
                    doc.excerpt(source, part.prefix.len(), part.span.clone())
                } else {
                    Document::parse(source)
                }
            })
            .collect();
        let pheads: Vec<&[crate::model::Heading]> =
            parsed.iter().map(|p| p.headings.as_slice()).collect();
        for (h, k, anchor) in sp.heading_map(doc, &pheads) {
            let (h, path) = (&doc.headings[h], &paths[k]);
            if anchor.is_none() {
                self.out.notes.push(
                    Note::new(
                        NoteKind::HeadingLost,
                        rel,
                        format!(
                            "heading `{}` not found again in {}; links to it point to the file",
                            h.text(),
                            path.display()
                        ),
                    )
                    .at(h.line()),
                );
            }
            moved
                .anchors
                .insert(h.anchor().to_lowercase(), (path.clone(), anchor));
        }
        // Lines of a text split with its cards taken out are said as lines of
        // the file as it was (the archive keeps it so).
        let cards = self
            .by_path
            .get(rel)
            .map(|d| carding::card_lines(d))
            .unwrap_or_default();
        let reading = Reading::of_doc(doc, &self.cfg.headings, &self.cfg.environments);
        for ((part, path), pdoc) in sp.parts.iter().zip(paths).zip(parsed) {
            let unit = carding::Unit::of(
                part,
                doc,
                &reading,
                &self.cfg.headings,
                &self.cfg.environments,
            )
            .map(|mut u| {
                u.lines = (
                    carding::line_with_cards(u.lines.0, &cards),
                    carding::line_with_cards(u.lines.1, &cards),
                );
                u
            });
            parts_out.push(PartOut {
                unit,
                path: path.clone(),
                doc: pdoc,
                span: part.span.clone(),
                prefix: part.prefix.len(),
                ledger: Ledger::cut(part.prefix.len(), part.suffix.len()),
                tokens: Some(part.tokens),
            });
        }
        (moved, parts_out)
    }
}
