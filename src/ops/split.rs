//! `split` as an operation: one file per subphase, every file within budget,
//! written through the same Plan and apply as every other command.

use std::path::{Path, PathBuf};

use std::path::Component;

use crate::apply::{apply, ApplyOptions};
use crate::config::Config;
use crate::model::links::{locate_all, normalize};
use crate::model::{count_lines, Document, Source, Text};
use crate::plan::carding::{self, Context, Slot, Unit};
use crate::plan::conserve::{self, Account, Ledger, Tally};
use crate::plan::links::{anchors, part_links, MoveMap, Moved, PartText};
use crate::plan::{Op, Plan};
use crate::split::{self, Oversize, SplitOptions};
use crate::subphase::{cmp_natural, Reading};
use crate::tokens::Encoding;

/// Options of a split.
#[derive(Debug, Clone)]
pub struct Options {
    /// The file to split.
    pub file: PathBuf,
    /// Folder for the new files (default: the file's own folder).
    pub out: Option<PathBuf>,
    /// Write nothing.
    pub dry_run: bool,
    /// Line budget (default: configured).
    pub max_lines: Option<usize>,
    /// Token budget (default: configured).
    pub max_tokens: Option<usize>,
    /// Encoding (default: configured).
    pub encoding: Option<Encoding>,
    /// Overwrite files that exist.
    pub force: bool,
    /// The project root the configuration came from: part names are matched
    /// against its `plan_exclude` and `exclude` from there. `None`: only the
    /// file's own name is avoided.
    pub root: Option<PathBuf>,
}

/// One file written (or to be written).
#[derive(Debug, Clone)]
pub struct Part {
    /// Where it goes.
    pub path: PathBuf,
    /// Lines.
    pub lines: usize,
    /// Tokens.
    pub tokens: usize,
    /// The subphase number, when the part is one.
    pub subphase: Option<String>,
    /// First line of the part in the original, so parts can be put back in order.
    pub line: usize,
}

/// What a split did or would do.
#[derive(Debug)]
pub struct Report {
    /// The parts, in natural order of their paths.
    pub parts: Vec<Part>,
    /// Blocks too big for the budget, kept whole.
    pub oversize: Vec<Oversize>,
    /// Lines of code fences that are never closed.
    pub unclosed_fences: Vec<usize>,
    /// The budgets used.
    pub max_lines: usize,
    /// The budgets used.
    pub max_tokens: usize,
    /// The encoding tokens were counted in.
    pub encoding: Encoding,
    /// Links in the parts rewritten so they still reach their heading (a TOC's
    /// `#anchor` to a heading now in another part).
    pub links_rewritten: usize,
    /// What went in and what the parts hold, replan's text taken out.
    pub conservation: Account,
}

/// Endings of files that are something other than Markdown: split would read a
/// YAML or JSON file's `#` comments as headings and cut it apart.
const NOT_MARKDOWN: &[&str] = &[
    "yaml", "yml", "json", "toml", "xml", "html", "htm", "csv", "rs", "py", "js", "ts", "go", "sh",
];

/// Split `opts.file`; with `dry_run`, only plan it.
pub fn run(opts: &Options, cfg: &Config) -> anyhow::Result<Report> {
    if let Some(ext) = opts
        .file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
    {
        if NOT_MARKDOWN.contains(&ext.as_str()) {
            anyhow::bail!(
                "{}: a .{ext} file is not Markdown; split reads Markdown files (.md)",
                opts.file.display()
            );
        }
    }
    let encoding = match opts.encoding {
        Some(e) => e,
        None => Encoding::from_name(&cfg.budgets.encoding).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown encoding `{}` (use o200k_base or cl100k_base)",
                cfg.budgets.encoding
            )
        })?,
    };
    encoding.warm();
    let source = Source::read(&opts.file, &opts.file)?;
    let doc = Document::parse(source);
    let sopts = SplitOptions {
        max_lines: opts.max_lines.unwrap_or(cfg.budgets.max_lines),
        max_tokens: opts.max_tokens.unwrap_or(cfg.budgets.max_tokens),
        encoding,
        slug_max: cfg.headings.slug_max.max(8),
        floor: cfg.budgets.floor,
    };
    let stem = opts
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Each part keeps room for its card; the report says the budgets asked for.
    let fields = cfg.cards.fields();
    let (max_lines, max_tokens) = (sopts.max_lines, sopts.max_tokens);
    let (l, t) = carding::budgets_with_room(max_lines, max_tokens, fields.as_deref());
    let cut = SplitOptions {
        max_lines: l,
        max_tokens: t,
        ..sopts
    };
    let out_dir: PathBuf = match &opts.out {
        Some(d) => d.clone(),
        None => opts
            .file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    // The file stays where it is, so no part takes its name. Nor a name the
    // configuration would leave alone (a part of a subphase titled "Plan
    // template" named `plan-template.md`): `check .` would never look at that
    // part again, as migrate and consolidate know. Only by its name: in a
    // folder excluded whatever the name, every name would be taken.
    let own = format!("{stem}.md");
    let out_rel = opts
        .root
        .as_deref()
        .and_then(|root| root_relative(root, &out_dir))
        .filter(|d| !cfg.leaves_alone(&d.join("part.md")));
    let excluded = |name: &str| {
        out_rel
            .as_ref()
            .is_some_and(|d| cfg.leaves_alone(&d.join(name)))
    };
    let sp = split::plan_unexcluded(
        &doc,
        &cfg.headings,
        &cfg.environments,
        &cut,
        &stem,
        &|name| name == own,
        out_rel
            .is_some()
            .then_some(&excluded as &dyn Fn(&str) -> bool),
    );
    if sp.no_free_names {
        anyhow::bail!(
            "{}: every name its parts could take in {} is taken; nothing written",
            opts.file.display(),
            out_dir.display()
        );
    }
    let (mut contents, links_rewritten) = relink(&doc, &sp, &opts.file, &out_dir);
    // Each part's exact tokens while known: the split's, until a link in it
    // is rewritten.
    let mut tokens: Vec<Option<usize>> = sp
        .parts
        .iter()
        .zip(&contents)
        .map(|(p, (_, edited, _))| (!edited).then_some(p.tokens))
        .collect();
    if let Some(fields) = &fields {
        cards(
            (cfg, fields, encoding),
            &doc,
            &sp,
            (&opts.file, &out_dir),
            &mut contents,
            &mut tokens,
            carding::CARD_CHUNK,
        );
    }
    let conservation = account(&opts.file, &doc, &contents);
    if !conservation.equal {
        anyhow::bail!(
            "{}: its parts, replan's added text taken out, are not the original byte for byte; nothing written",
            opts.file.display()
        );
    }
    let mut parts: Vec<Part> = sp
        .parts
        .iter()
        .zip(&contents)
        .zip(&tokens)
        .map(|((p, (text, edited, _)), t)| Part {
            path: out_dir.join(&p.name),
            lines: if *edited { count_lines(text) } else { p.lines },
            // A rewritten link changes the count (the split kept room for it);
            // a card's is worked out as it goes in.
            tokens: t.unwrap_or_else(|| encoding.count(text)),
            subphase: p.subphase.as_ref().map(|s| s.number.clone()),
            line: p.line,
        })
        .collect();
    parts.sort_by(|a, b| {
        let (a, b) = (a.path.to_string_lossy(), b.path.to_string_lossy());
        cmp_natural(a.trim_end_matches(".md"), b.trim_end_matches(".md"))
    });
    if !opts.dry_run {
        // The parts' texts move into the plan (no second copy of each).
        let mut plan = Plan::new(&out_dir);
        for (part, (text, _, _)) in sp.parts.iter().zip(contents) {
            plan.ops.push(Op::create(PathBuf::from(&part.name), text));
        }
        apply(
            &plan,
            ApplyOptions {
                force: opts.force,
                ..ApplyOptions::default()
            },
        )?;
    }
    Ok(Report {
        parts,
        oversize: sp.oversize,
        unclosed_fences: doc.unclosed_fences().map(|u| u.line()).collect(),
        max_lines,
        max_tokens,
        encoding,
        links_rewritten,
        conservation,
    })
}

/// A task card in every part that holds a subphase, as `migrate` writes them:
/// its source is the original (which stays where it is) with the lines the
/// part came from, its neighbours the parts before and after it in reading
/// order. Paths are taken from the file system's root, so links between the
/// parts and to the original hold wherever `--out` puts them. A part that got
/// a card is marked edited (its lines and tokens are counted again).
fn cards(
    (cfg, fields, encoding): (&Config, &[crate::config::CardField], Encoding),
    doc: &Document,
    sp: &split::SplitPlan,
    (file, out_dir): (&Path, &Path),
    contents: &mut [(String, bool, Ledger)],
    tokens: &mut [Option<usize>],
    chunk: usize,
) {
    let (Some((_, orig)), Some((_, out))) = (from_root(file), from_root(out_dir)) else {
        return;
    };
    let paths: Vec<PathBuf> = sp.parts.iter().map(|p| out.join(&p.name)).collect();
    // One part written over the original itself (`--force`) would name
    // itself as its source: a file that is not split gets no card.
    if !sp.is_split() && paths.first() == Some(&orig) {
        return;
    }
    let reading = Reading::of_doc(doc, &cfg.headings, &cfg.environments);
    let units: Vec<Option<Unit>> = sp
        .parts
        .iter()
        .map(|p| Unit::of(p, doc, &reading, &cfg.headings, &cfg.environments))
        .collect();
    let mut first_of = std::collections::HashMap::new();
    for (p, u) in paths.iter().zip(&units) {
        if let Some(u) = u.as_ref().filter(|u| u.part == 1) {
            first_of
                .entry(u.number.clone())
                .or_insert_with(|| p.clone());
        }
    }
    let neighbours = |p: &Path| {
        let i = paths.iter().position(|q| q == p);
        let prev = i.and_then(|i| i.checked_sub(1)).and_then(|j| paths.get(j));
        let next = i.and_then(|i| paths.get(i + 1));
        (prev.cloned(), next.cloned())
    };
    let ctx = Context {
        fields,
        headings: &cfg.headings,
        envs: &cfg.environments,
        source: Some(&orig),
        neighbours: &neighbours,
        first_of: &first_of,
        status: &cfg.check.status,
        reparse: false,
        encoding,
    };
    // The parts are carded a few subphases at a time: each part's parse (a
    // copy of its text and its blocks) and its text before the card are held
    // only while its own subphase is carded. Held for every part at once they
    // were three times the input of a big file. A chunk starts only where a
    // subphase's first part does, so every unit's parts are carded together,
    // as one call over all of them would.
    let mut start = 0;
    while start < contents.len() {
        let begins = |i: usize| units[i].as_ref().is_some_and(|u| u.part == 1);
        let end = carding::chunk_end(units.len(), begins, start, chunk);
        card_chunk(
            &mut contents[start..end],
            &mut tokens[start..end],
            &paths[start..end],
            &units[start..end],
            &ctx,
        );
        start = end;
    }
}

/// Cards into one chunk of parts; a part whose text changed is marked edited.
fn card_chunk(
    contents: &mut [(String, bool, Ledger)],
    tokens: &mut [Option<usize>],
    paths: &[PathBuf],
    units: &[Option<Unit>],
    ctx: &Context,
) {
    let mut docs: Vec<Document> = contents
        .iter()
        .zip(paths)
        .map(|((t, _, _), p)| Document::from_text(&p.to_string_lossy(), t))
        .collect();
    // The slots' texts, taken out of `contents` and put back after (moved,
    // not copied, unless a card went in); `before` shares them.
    let mut texts: Vec<Text> = contents
        .iter_mut()
        .map(|c| Text::from(std::mem::take(&mut c.0)))
        .collect();
    let before: Vec<Text> = texts.clone();
    let mut slots: Vec<Slot> = texts
        .iter_mut()
        .zip(contents.iter_mut())
        .zip(&mut docs)
        .zip(paths)
        .zip(units)
        .zip(tokens.iter_mut())
        .map(
            |(((((text, (_, _, ledger)), doc), path), unit), tokens)| Slot {
                path,
                contents: text,
                doc,
                ledger,
                unit: unit.as_ref(),
                tokens,
            },
        )
        .collect();
    carding::card_parts(&mut slots, ctx);
    drop(slots);
    // A carded part's parse shares its text: dropped first, so the text is
    // moved out below, not copied.
    drop(docs);
    for ((c, t), b) in contents.iter_mut().zip(texts).zip(before) {
        c.1 |= !t.same_buffer(&b) && t != b;
        drop(b);
        c.0 = t.into_string();
    }
}

/// The conservation account of a split's parts as they will be written.
fn account(file: &Path, doc: &Document, parts: &[(String, bool, Ledger)]) -> Account {
    let parts: Vec<(&Ledger, Option<&str>)> = parts
        .iter()
        .map(|(t, _, l)| (l, Some(t.as_str())))
        .collect();
    conserve::account(file, &doc.source.text, Tally::of(doc), &parts)
}

/// `dir` relative to `root`, both made absolute without touching the disk;
/// `None` when `dir` is not under `root`.
fn root_relative(root: &Path, dir: &Path) -> Option<PathBuf> {
    // The root is found with symlinks resolved; a file named through a link
    // (`link/proj/.claude/plans/x.md`) is resolved too where it exists, or
    // it would never be under the root and its parts' names never checked.
    let resolved = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, dir) = (resolved(root), resolved(dir));
    let (_, root) = from_root(&root)?;
    let (_, dir) = from_root(&dir)?;
    let (root, dir) = (normalize(&root)?, normalize(&dir)?);
    dir.strip_prefix(&root).ok().map(Path::to_path_buf)
}

/// A path made absolute (without touching the disk) and without its root, so
/// the link helpers, which work on root-relative paths, can relate the file
/// and its parts wherever `--out` puts them; and the root it was taken from.
fn from_root(p: &Path) -> Option<(PathBuf, PathBuf)> {
    let abs = std::path::absolute(p).ok()?;
    let mut root = PathBuf::new();
    let mut rest = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => root.push(c),
            c => rest.push(c),
        }
    }
    Some((root, rest))
}

/// The parts' contents with the links in them rewritten as `migrate` rewrites
/// moved text: a link to a heading now in another part (a TOC's `#anchor`)
/// names that part, a relative link is rewritten for a part written into
/// another folder, and links that were broken are left as they were. Returns
/// each part's contents, whether a link in it changed and the ledger of what
/// replan added, and how many links changed.
fn relink(
    doc: &Document,
    sp: &split::SplitPlan,
    file: &Path,
    out_dir: &Path,
) -> (Vec<(String, bool, Ledger)>, usize) {
    let contents: Vec<String> = sp.parts.iter().map(|p| p.contents(doc)).collect();
    let ledger = |p: &split::Part| Ledger::cut(p.prefix.len(), p.suffix.len());
    let as_is = |c: Vec<String>| {
        c.into_iter()
            .zip(&sp.parts)
            .map(|(t, p)| (t, false, ledger(p)))
            .collect()
    };
    let (Some((root, orig)), Some((_, out))) = (from_root(file), from_root(out_dir)) else {
        return (as_is(contents), 0);
    };
    if !sp.is_split() && Some(out.as_path()) == orig.parent() {
        return (as_is(contents), 0);
    }
    let paths: Vec<PathBuf> = sp.parts.iter().map(|p| out.join(&p.name)).collect();
    // Only the parts' headings are kept of their parse: a part's text is
    // already in `contents`, and a second copy of every part was a whole
    // input's worth of memory more.
    let pheads: Vec<Vec<crate::model::Heading>> = contents
        .iter()
        .zip(&sp.parts)
        .map(|(c, p)| Document::from_text(&p.name, c).headings)
        .collect();
    // The original stays where it is: a link to it without an anchor still
    // reaches it; one with an anchor goes to the part holding the heading.
    let mut moved = Moved {
        archive: orig.clone(),
        ..Default::default()
    };
    let heads: Vec<&[crate::model::Heading]> = pheads.iter().map(Vec::as_slice).collect();
    for (h, k, anchor) in sp.heading_map(doc, &heads) {
        moved.anchors.insert(
            doc.headings[h].anchor().to_lowercase(),
            (paths[k].clone(), anchor),
        );
    }
    let own = anchors(doc);
    let mut moves = MoveMap::new();
    moves.insert(orig.clone(), moved);
    let resolves = |d: &(PathBuf, Option<String>)| match &d.1 {
        _ if d.0 != orig => root.join(&d.0).exists(),
        Some(a) if !a.is_empty() => own.contains(&a.to_lowercase()),
        _ => true,
    };
    let locs = locate_all(doc);
    let mut changed = 0;
    let mut out_texts = Vec::with_capacity(contents.len());
    drop(heads);
    drop(pheads);
    // Each part's text is moved on, not copied, when no link in it changes.
    for ((part, text), path) in sp.parts.iter().zip(contents).zip(&paths) {
        let t = PartText {
            path,
            contents: &text,
            span: &part.span,
            prefix: part.prefix.len(),
        };
        let edits: Vec<_> = part_links(&orig, &locs, doc, t, &moves)
            .into_iter()
            .filter(|l| resolves(&l.dest) && l.new != l.loc.url)
            .filter_map(|l| l.pos.map(|p| (p, l.new)))
            .collect();
        changed += edits.len();
        let mut l = ledger(part);
        out_texts.push(if edits.is_empty() {
            (text, false, l)
        } else {
            let t = l.edit(&text, edits);
            (t, true, l)
        });
    }
    (out_texts, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of the sample notes carded a chunk at a time are the parts
    /// carded in one call.
    #[test]
    fn carding_in_chunks_gives_the_same_parts() {
        let cfg = Config::builtin();
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/pcc/.claude/plans/devtest-deployment/phase-4-working-notes.md");
        let doc = Document::parse(Source::read(&file, &file).unwrap());
        let opts = SplitOptions {
            max_lines: cfg.budgets.max_lines,
            max_tokens: cfg.budgets.max_tokens,
            encoding: Encoding::from_name(&cfg.budgets.encoding).unwrap(),
            slug_max: cfg.headings.slug_max.max(8),
            floor: cfg.budgets.floor,
        };
        let sp = split::plan(&doc, &cfg.headings, &cfg.environments, &opts, "notes");
        let out = Path::new("/tmp/replan-split-test-out");
        let fields = cfg.cards.fields().unwrap();
        let carded = |chunk| {
            let (mut contents, _) = relink(&doc, &sp, &file, out);
            let mut tokens: Vec<Option<usize>> = vec![None; contents.len()];
            cards(
                (&cfg, &fields, opts.encoding),
                &doc,
                &sp,
                (&file, out),
                &mut contents,
                &mut tokens,
                chunk,
            );
            contents
        };
        let (one, many) = (carded(usize::MAX), carded(1));
        assert!(one.len() > 3, "{}", one.len());
        assert!(one.iter().filter(|c| c.1).count() > 3, "cards were put in");
        for (a, b) in one.iter().zip(&many) {
            assert_eq!((&a.0, a.1), (&b.0, b.1));
        }
    }
}
