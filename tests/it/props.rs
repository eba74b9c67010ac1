//! Properties of the model and the split planner over generated Markdown.
//!
//! Documents are built from chunks (headings of every level incl. setext, fences
//! of `` ` `` and `~` of varying lengths incl. nested ones, tables, lists, HTML
//! blocks, block quotes, front matter, indented code, junk), joined by blank
//! lines, with LF, CRLF, lone CR or mixed endings and an optional BOM.
//!
//! In *strict* documents every chunk marked atomic is known to be one block
//! whatever surrounds it (fences that fail to close only come last), so the
//! generator knows every line start where a cut would land inside a block, and
//! every line inside a closed fence or HTML block where a `#` is not a heading.
//! *Wild* documents add mis-paired and unclosed fences, unclosed comments and raw
//! punctuation anywhere; only the lossless and budget properties are checked.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use replan::config::Config;
use replan::model::{count_lines, Document};
use replan::split::{self, SplitOptions, SplitPlan};
use replan::tokens::Encoding;

static RULES: LazyLock<Config> = LazyLock::new(Config::builtin);

/// A run of lines the generator knows the meaning of.
#[derive(Debug, Clone)]
struct Chunk {
    lines: Vec<String>,
    /// One block in any strict context: no cut may land after its first line.
    atomic: bool,
    /// Lines (0-based within the chunk) where a `#` line is code or HTML, not a heading.
    hidden: Vec<usize>,
    /// Lines (0-based within the chunk) where a top-level list item starts: a
    /// part may start there (a long list is cut between items), a block may not.
    items: Vec<usize>,
}

impl Chunk {
    fn new(lines: Vec<String>, atomic: bool) -> Chunk {
        Chunk {
            lines,
            atomic,
            hidden: Vec::new(),
            items: Vec::new(),
        }
    }
}

/// A generated document with what the generator knows about it.
#[derive(Debug, Clone)]
struct Gen {
    text: String,
    /// Byte offsets of line starts strictly inside an atomic chunk.
    forbidden: BTreeSet<usize>,
    /// Byte offsets where a top-level list item starts.
    items: BTreeSet<usize>,
    /// 1-based lines that must not be headings.
    hidden_lines: BTreeSet<usize>,
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z]{1,8}", 1..6).prop_map(|w| w.join(" "))
}

fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        "Phase [1-4]\\.[0-9]{1,2}: [A-Z][a-z]{2,8}( [a-z]{2,6})?( \\((nonprod|prod|20 min)\\))?",
        "[1-4]\\.[0-9]{1,2} [A-Z][a-z]{2,8}",
        words(),
        Just("Next Steps".to_string()),
    ]
}

fn atx() -> impl Strategy<Value = Chunk> {
    (0usize..=3, 1usize..=7, title(), any::<bool>()).prop_map(|(ind, n, t, close)| {
        let hashes = "#".repeat(n);
        let tail = if close { " ##" } else { "" };
        Chunk::new(vec![format!("{}{hashes} {t}{tail}", " ".repeat(ind))], true)
    })
}

fn setext() -> impl Strategy<Value = Chunk> {
    (title(), prop::bool::ANY, 1usize..6).prop_map(|(t, eq, n)| {
        let u = if eq { "=" } else { "-" };
        Chunk::new(vec![t, u.repeat(n)], true)
    })
}

/// A line inside a fence opened with `n` of `c` that can never close it.
fn fence_body_line(c: char, n: usize) -> impl Strategy<Value = String> {
    let other = if c == '`' { "~~~~" } else { "````" };
    let shorter = c.to_string().repeat(n - 1);
    prop_oneof![
        words(),
        words().prop_map(|w| format!("# {w}")),
        Just("#### Phase 4.9: Hidden in a fence".to_string()),
        Just(format!("{}bash", c.to_string().repeat(n))),
        Just(other.to_string()),
        Just(shorter),
        Just("---".to_string()),
        Just("===".to_string()),
        Just("| a | b |".to_string()),
        Just("<div>".to_string()),
        Just("    indented".to_string()),
        Just(String::new()),
    ]
}

fn fence_char() -> impl Strategy<Value = char> {
    prop_oneof![Just('`'), Just('~')]
}

fn info() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just("bash"), Just("markdown"), Just("yaml")]
}

/// A fence that closes: closer as long as the opener or longer.
fn fence() -> impl Strategy<Value = Chunk> {
    (fence_char(), 3usize..=6, info(), 0usize..=2)
        .prop_flat_map(|(c, n, info, extra)| {
            (
                Just((c, n, info, extra)),
                prop::collection::vec(fence_body_line(c, n), 0..8),
            )
        })
        .prop_map(|((c, n, info, extra), body)| {
            let open = format!("{}{info}", c.to_string().repeat(n));
            let close = c.to_string().repeat(n + extra);
            let mut lines = vec![open];
            let hidden = (1..=body.len()).collect();
            lines.extend(body);
            lines.push(close);
            Chunk {
                lines,
                atomic: true,
                hidden,
                items: Vec::new(),
            }
        })
}

/// A longer fence holding a complete shorter one (```` ```` markdown ```` holding ```` ``` bash ````).
fn nested_fence() -> impl Strategy<Value = Chunk> {
    (
        fence_char(),
        4usize..=6,
        prop::collection::vec(words(), 0..4),
    )
        .prop_map(|(c, n, body)| {
            let outer = c.to_string().repeat(n);
            let inner = c.to_string().repeat(3);
            let mut lines = vec![format!("{outer}markdown"), format!("{inner}bash")];
            lines.push("# a bash comment".into());
            lines.extend(body);
            lines.push(inner);
            lines.push("## Not a heading either".into());
            lines.push(outer);
            let hidden = (1..lines.len() - 1).collect();
            Chunk {
                lines,
                atomic: true,
                hidden,
                items: Vec::new(),
            }
        })
}

fn table() -> impl Strategy<Value = Chunk> {
    (1usize..=4, prop::collection::vec(words(), 0..5)).prop_map(|(cols, rows)| {
        let row = |cell: &str| format!("|{}", format!(" {cell} |").repeat(cols));
        let mut lines = vec![row("h"), format!("|{}", " --- |".repeat(cols))];
        lines.extend(rows.iter().map(|r| row(r)));
        Chunk::new(lines, true)
    })
}

fn list() -> impl Strategy<Value = Chunk> {
    (
        prop_oneof![Just("- "), Just("* "), Just("+ "), Just("1. ")],
        prop::collection::vec((words(), 0u8..5), 1..6),
    )
        .prop_map(|(marker, items)| {
            let mut lines = Vec::new();
            let mut starts = Vec::new();
            for (k, (w, extra)) in items.into_iter().enumerate() {
                let m = if marker == "1. " {
                    format!("{}. ", k + 1)
                } else {
                    marker.to_string()
                };
                let pad = " ".repeat(m.len());
                starts.push(lines.len());
                lines.push(format!("{m}{w}"));
                match extra {
                    1 => lines.push(format!("{pad}- nested {w}")),
                    2 => lines.push(format!("{pad}# heading in a list item")),
                    3 => {
                        lines.push(String::new());
                        lines.push(format!("{pad}second paragraph"));
                    }
                    4 => {
                        starts.push(lines.len());
                        lines.push(format!("{m}[ ] task {w}"));
                    }
                    _ => {}
                }
            }
            Chunk {
                items: starts,
                ..Chunk::new(lines, true)
            }
        })
}

fn html() -> impl Strategy<Value = Chunk> {
    (0u8..3, prop::collection::vec(words(), 0..4)).prop_map(|(kind, body)| {
        let mut lines = Vec::new();
        match kind {
            0 => {
                lines.push("<div>".to_string());
                lines.push("# not a heading in html".into());
                lines.extend(body);
                lines.push("</div>".into());
            }
            1 => {
                lines.push("<!-- a comment".to_string());
                lines.push("## hidden".into());
                lines.push(String::new());
                lines.extend(body);
                lines.push("-->".into());
            }
            _ => {
                lines.push("<pre>".to_string());
                lines.push("# pre text".into());
                lines.push(String::new());
                lines.extend(body);
                lines.push("</pre>".into());
            }
        }
        let hidden = (1..lines.len()).collect();
        Chunk {
            lines,
            atomic: true,
            hidden,
            items: Vec::new(),
        }
    })
}

fn quote() -> impl Strategy<Value = Chunk> {
    prop::collection::vec(
        prop_oneof![
            words().prop_map(|w| format!("> {w}")),
            Just("> # quoted heading".to_string()),
            Just(">".to_string()),
            Just("> - quoted item".to_string()),
            Just(">> deeper".to_string()),
        ],
        1..5,
    )
    .prop_map(|mut lines| {
        // Start with text so a leading `>` cannot be read as lazy continuation.
        lines.insert(0, "> quote".into());
        Chunk::new(lines, true)
    })
}

fn paragraph() -> impl Strategy<Value = Chunk> {
    prop::collection::vec(
        prop_oneof![
            words(),
            words().prop_map(|w| format!("{w} [link](other.md#{w}) and `code #`")),
            words().prop_map(|w| format!("**{w}** not # a heading")),
            words().prop_map(|w| format!("{w} cites [a source][ref] and [Ref]")),
        ],
        1..4,
    )
    .prop_map(|l| Chunk::new(l, true))
}

fn indented_code() -> impl Strategy<Value = Chunk> {
    prop::collection::vec(words().prop_map(|w| format!("    # {w}")), 1..4)
        .prop_map(|l| Chunk::new(l, false))
}

fn small() -> impl Strategy<Value = Chunk> {
    prop_oneof![
        Just(Chunk::new(vec!["---".into()], true)),
        Just(Chunk::new(vec!["***".into()], true)),
        Just(Chunk::new(vec!["[^1]: a footnote".into()], false)),
        Just(Chunk::new(vec!["[ref]: other.md#x".into()], false)),
        Just(Chunk::new(
            vec!["[ref]: https://example.com/a/rather/long/path/to/a/page \"A title\"".into()],
            false
        )),
        Just(Chunk::new(vec!["   ".into()], false)),
    ]
}

/// Punctuation that cannot open a fence or an HTML block.
fn tame_junk() -> impl Strategy<Value = Chunk> {
    prop::collection::vec("[#>*=|!()\\[\\]a-z0-9 -]{0,16}", 1..4).prop_map(|l| Chunk::new(l, false))
}

/// Anything: unclosed and mis-paired fences, unclosed comments, raw punctuation.
fn wild_junk() -> impl Strategy<Value = Chunk> {
    prop_oneof![
        prop::collection::vec("[#>*=|!()<`~\\[\\]a-z0-9 \t-]{0,16}", 1..4),
        (fence_char(), 3usize..=8, words()).prop_map(|(c, n, w)| vec![
            format!("{}bash", c.to_string().repeat(n)),
            format!("# {w}")
        ]),
        (fence_char(), 4usize..=8).prop_map(|(c, n)| vec![
            c.to_string().repeat(n),
            "# x".into(),
            c.to_string().repeat(n - 1)
        ]),
        Just(vec![
            "```markdown".into(),
            "```bash".into(),
            "# mis-paired".into(),
            "```".into(),
            "## after".into(),
            "```".into()
        ]),
        Just(vec!["<!--".into(), "# open comment".into()]),
        Just(vec!["<div>".into(), "# x".into()]),
    ]
    .prop_map(|l| Chunk::new(l, false))
}

fn strict_chunk() -> impl Strategy<Value = Chunk> {
    prop_oneof![
        3 => atx(),
        1 => setext(),
        2 => fence(),
        1 => nested_fence(),
        1 => table(),
        2 => list(),
        1 => html(),
        1 => quote(),
        3 => paragraph(),
        1 => indented_code(),
        1 => small(),
        1 => tame_junk(),
    ]
}

fn wild_chunk() -> impl Strategy<Value = Chunk> {
    prop_oneof![3 => strict_chunk(), 1 => wild_junk()]
}

/// A fence that never closes, or closes with too short a run: only ever last.
fn unclosed_tail() -> impl Strategy<Value = Chunk> {
    (fence_char(), 3usize..=6, any::<bool>()).prop_map(|(c, n, short)| {
        let mut lines = vec![c.to_string().repeat(n), "# inside".into()];
        if short {
            lines.push(c.to_string().repeat(n - 1));
        }
        Chunk::new(lines, false)
    })
}

fn front_matter() -> impl Strategy<Value = Chunk> {
    words().prop_map(|w| {
        let lines = vec![
            "---".into(),
            format!("title: {w}"),
            "tags: [a, b]".into(),
            "# yaml comment".into(),
            "---".into(),
        ];
        let hidden = (1..lines.len()).collect();
        Chunk {
            lines,
            atomic: true,
            hidden,
            items: Vec::new(),
        }
    })
}

#[derive(Debug, Clone, Copy)]
enum Endings {
    Lf,
    Crlf,
    Cr,
    Mixed(u64),
}

fn endings() -> impl Strategy<Value = Endings> {
    prop_oneof![
        3 => Just(Endings::Lf),
        1 => Just(Endings::Crlf),
        1 => Just(Endings::Cr),
        1 => any::<u64>().prop_map(Endings::Mixed),
    ]
}

/// Join chunks into a document, tracking forbidden cut points and hidden lines.
fn assemble(
    chunks: Vec<Chunk>,
    seps: Vec<usize>,
    endings: Endings,
    bom: bool,
    final_newline: bool,
) -> Gen {
    // line, forbidden start, hidden, list item start
    let mut all: Vec<(String, bool, bool, bool)> = Vec::new();
    for (k, c) in chunks.into_iter().enumerate() {
        if k > 0 {
            for _ in 0..seps.get(k).copied().unwrap_or(1) {
                all.push((String::new(), false, false, false));
            }
        }
        for (i, l) in c.lines.into_iter().enumerate() {
            all.push((
                l,
                c.atomic && i > 0,
                c.hidden.contains(&i),
                c.items.contains(&i),
            ));
        }
    }
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    let mut forbidden = BTreeSet::new();
    let mut items = BTreeSet::new();
    let mut hidden_lines = BTreeSet::new();
    let mut prev = "";
    let n = all.len();
    for (i, (line, f, h, it)) in all.into_iter().enumerate() {
        if f {
            forbidden.insert(text.len());
        }
        if it {
            items.insert(text.len());
        }
        if h {
            hidden_lines.insert(i + 1);
        }
        text.push_str(&line);
        let mut e = match endings {
            Endings::Lf => "\n",
            Endings::Crlf => "\r\n",
            Endings::Cr => "\r",
            Endings::Mixed(seed) => ["\n", "\r\n", "\r"][((seed >> ((i % 21) * 3)) % 3) as usize],
        };
        // "\r" then an empty line ending "\n" would read as one CRLF.
        if prev == "\r" && line.is_empty() && e == "\n" {
            e = "\r\n";
        }
        if i + 1 < n || final_newline {
            text.push_str(e);
        }
        prev = e;
    }
    Gen {
        text,
        forbidden,
        items,
        hidden_lines,
    }
}

fn doc_strategy(wild: bool) -> impl Strategy<Value = Gen> {
    let body = if wild {
        prop::collection::vec(wild_chunk(), 0..14).boxed()
    } else {
        prop::collection::vec(strict_chunk(), 0..14).boxed()
    };
    (
        prop::option::of(front_matter()),
        body,
        prop::option::weighted(0.2, unclosed_tail()),
        prop::collection::vec(if wild { 0usize..3 } else { 1usize..3 }, 16),
        endings(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
    )
        .prop_map(move |(fm, body, tail, seps, endings, bom, nl)| {
            let no_fm = fm.is_none();
            let mut chunks: Vec<Chunk> = fm.into_iter().collect();
            chunks.extend(body);
            // A first line `---` opens front matter up to the next `---`, wherever
            // that is (as GitHub and comrak read it), so strict docs avoid it.
            if !wild && no_fm {
                if let Some(l) = chunks.first_mut().and_then(|c| c.lines.first_mut()) {
                    if l.trim_end() == "---" {
                        *l = "***".into();
                    }
                }
            }
            chunks.extend(tail);
            assemble(chunks, seps, endings, bom, nl)
        })
}

fn split_opts() -> impl Strategy<Value = SplitOptions> {
    (
        3usize..60,
        prop_oneof![80usize..400, Just(100_000)],
        prop_oneof![Just(0.0), Just(0.25), 0.0f64..0.9],
    )
        .prop_map(|(max_lines, max_tokens, floor)| SplitOptions {
            max_lines,
            max_tokens,
            encoding: Encoding::O200kBase,
            slug_max: 50,
            floor,
        })
}

fn plan(doc: &Document, opts: &SplitOptions) -> SplitPlan {
    let cfg = &*RULES;
    split::plan(doc, &cfg.headings, &cfg.environments, opts, "notes")
}

/// Blocks tile the text: adjacent, in order, from 0 to the end, each at a line start.
fn check_tiling(doc: &Document, text: &str) -> Result<(), TestCaseError> {
    let concat: String = doc.blocks.iter().map(|b| doc.slice(b.span())).collect();
    prop_assert_eq!(&concat, text);
    let mut at = 0;
    for b in &doc.blocks {
        prop_assert_eq!(
            b.span().start,
            at,
            "gap or overlap before block at line {}",
            b.line()
        );
        prop_assert!(!b.span().is_empty(), "empty block at line {}", b.line());
        prop_assert!(
            doc.source.line_start(doc.source.line_of(b.span().start)) == b.span().start,
            "block at line {} starts mid-line",
            b.line()
        );
        at = b.span().end;
    }
    prop_assert_eq!(at, text.len());
    Ok(())
}

/// Parts are lossless, start on block boundaries, and are within budget unless
/// they hold a reported oversize block.
fn check_split(
    doc: &Document,
    p: &SplitPlan,
    opts: &SplitOptions,
    text: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(&p.reassemble(doc), text);
    let starts: BTreeSet<usize> = doc.blocks.iter().map(|b| b.span().start).collect();
    let mut at = 0;
    let mut names = BTreeSet::new();
    for part in &p.parts {
        prop_assert_eq!(part.span.start, at, "{} is not adjacent", &part.name);
        at = part.span.end;
        prop_assert!(
            starts.contains(&part.span.start)
                || crate::common::is_list_item_start(doc, part.span.start),
            "{} starts at byte {}, not a block boundary or a list item",
            &part.name,
            part.span.start
        );
        prop_assert!(
            names.insert(part.name.clone()),
            "duplicate name {}",
            &part.name
        );
        prop_assert_eq!(
            part.lines,
            count_lines(&part.contents(doc)),
            "{}",
            &part.name
        );
        // Exact, though mostly summed from the blocks' counts.
        prop_assert_eq!(
            part.tokens,
            opts.encoding.count(&part.contents(doc)),
            "{}",
            &part.name
        );
        if part.part > 1 {
            prop_assert!(part.prefix.contains(replan::model::markers::CONTINUATION));
        } else {
            prop_assert!(part.prefix.is_empty());
        }
        let reported = p.oversize.iter().any(|o| o.part == part.name);
        prop_assert!(
            (part.lines <= opts.max_lines && part.tokens <= opts.max_tokens) || reported,
            "{} has {} lines / {} tokens (budget {} / {}) and no oversize block reported",
            &part.name,
            part.lines,
            part.tokens,
            opts.max_lines,
            opts.max_tokens
        );
    }
    prop_assert_eq!(at, text.len());
    check_no_needless_sliver(doc, p, opts, text)?;
    Ok(())
}

/// Within a unit, no part under the floor sits beside another part it could
/// have shared a file with. Checked where the room a part keeps free is known
/// from outside: the token budget is out of reach and no definitions are copied
/// (so a part keeps 2 lines free for its continuation line).
fn check_no_needless_sliver(
    doc: &Document,
    p: &SplitPlan,
    opts: &SplitOptions,
    text: &str,
) -> Result<(), TestCaseError> {
    if opts.max_tokens < 100_000 || text.contains("]:") || opts.floor <= 0.0 {
        return Ok(());
    }
    let floor = (opts.max_lines as f64 * opts.floor).ceil() as usize;
    let body = |k: usize| count_lines(doc.slice(p.parts[k].span.clone()));
    for k in 1..p.parts.len() {
        if p.parts[k].part == 1 {
            continue; // a new unit
        }
        let (a, b) = (body(k - 1), body(k));
        prop_assert!(
            (a >= floor && b >= floor) || a + b + 2 > opts.max_lines,
            "{} ({a} lines) and {} ({b} lines) fit in one file of {} but one is under the floor {floor}",
            &p.parts[k - 1].name,
            &p.parts[k].name,
            opts.max_lines
        );
    }
    Ok(())
}

proptest! {
    // 256 cases by default (well under a second); PROPTEST_CASES=20000 for a deep run.
    #![proptest_config(crate::common::proptest_config(256))]

    #[test]
    fn blocks_tile_the_input(g in doc_strategy(true)) {
        let doc = Document::from_text("gen.md", &g.text);
        check_tiling(&doc, &g.text)?;
    }

    #[test]
    fn strict_docs_split_losslessly_never_inside_a_block(
        g in doc_strategy(false),
        opts in split_opts(),
    ) {
        let doc = Document::from_text("gen.md", &g.text);
        check_tiling(&doc, &g.text)?;
        for b in &doc.blocks {
            prop_assert!(
                !g.forbidden.contains(&b.span().start),
                "block boundary inside a fence/table/list/HTML block at line {}",
                b.line()
            );
        }
        for h in &doc.headings {
            prop_assert!(
                !g.hidden_lines.contains(&h.line()),
                "line {} ({:?}) is inside code or HTML but was read as a heading",
                h.line(),
                h.text()
            );
        }
        let p = plan(&doc, &opts);
        check_split(&doc, &p, &opts, &g.text)?;
        for part in &p.parts {
            prop_assert!(
                !g.forbidden.contains(&part.span.start) || g.items.contains(&part.span.start),
                "{} starts inside a block, not between list items (byte {})",
                &part.name,
                part.span.start
            );
        }
    }

    #[test]
    fn wild_docs_split_losslessly(g in doc_strategy(true), opts in split_opts()) {
        let doc = Document::from_text("gen.md", &g.text);
        let p = plan(&doc, &opts);
        check_split(&doc, &p, &opts, &g.text)?;
    }

    #[test]
    fn arbitrary_text_tiles_and_splits(
        text in "[#>*=|!()<`~\\[\\]a-z0-9 \t\r\n\u{feff}\u{0}-]{0,300}",
        opts in split_opts(),
    ) {
        let doc = Document::from_text("gen.md", &text);
        check_tiling(&doc, &text)?;
        let p = plan(&doc, &opts);
        check_split(&doc, &p, &opts, &text)?;
    }
}

// ---- migrate / consolidate / restore over generated planning folders ----

static MIGRATED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn replan_in_process(args: &[&str]) -> anyhow::Result<replan::commands::Exit> {
    use clap::Parser;
    let cli =
        replan::cli::Cli::try_parse_from(std::iter::once("replan").chain(args.iter().copied()))?;
    replan::commands::run(cli)
}

proptest! {
    // Each case writes a small tree and runs three commands in-process.
    #![proptest_config(crate::common::proptest_config(24))]

    #[test]
    fn migrate_then_consolidate_is_empty_and_restore_is_the_identity(
        g in prop_oneof![doc_strategy(false), doc_strategy(true)],
        max_lines in 8usize..40,
    ) {
        use replan::commands::Exit;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let plans = root.join(".claude/plans/d");
        std::fs::create_dir_all(&plans).unwrap();
        std::fs::create_dir_all(root.join(".claude/status")).unwrap();
        std::fs::write(plans.join("notes.md"), &g.text).unwrap();
        let doc = Document::from_text("notes.md", &g.text);
        let mut brief = String::from("# Brief\n\n");
        for h in doc.headings.iter().take(5) {
            brief.push_str(&format!("- [{}](../plans/d/notes.md#{})\n", h.level, h.anchor()));
        }
        std::fs::write(root.join(".claude/status/brief.md"), &brief).unwrap();
        std::fs::write(
            root.join("replan.yaml"),
            format!("budgets:\n  max_lines: {max_lines}\n"),
        )
        .unwrap();
        let before = crate::common::snapshot(root);
        let r = root.to_str().unwrap();
        match replan_in_process(&["migrate", r]) {
            Ok(Exit::Ok) | Ok(Exit::Findings) => {}
            other => {
                // Refused: then nothing was written.
                prop_assert_eq!(&crate::common::snapshot(root), &before, "{:?}", other.err());
                return Ok(());
            }
        }
        let c = replan_in_process(&["consolidate", "--check", r]);
        prop_assert!(matches!(c, Ok(Exit::Ok)), "consolidate after migrate is not empty: {:?}", c);
        if crate::common::snapshot(root) == before {
            return Ok(()); // nothing to migrate
        }
        MIGRATED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The run's conservation account: the parts, cards and continuation
        // lines taken out, are the original byte for byte.
        let manifest = std::fs::read_to_string(root.join(".claude/archive/replan-manifest.json")).unwrap();
        let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        let accounts = m["runs"][0]["conservation"].as_array().cloned().unwrap_or_default();
        prop_assert_eq!(accounts.len(), m["runs"][0]["moved"].as_array().map_or(0, Vec::len));
        for a in &accounts {
            prop_assert_eq!(&a["equal"], &serde_json::Value::Bool(true), "{}", a);
            prop_assert_eq!(a["in"]["bytes"].as_u64(), Some(g.text.len() as u64));
        }
        let back = replan_in_process(&["restore", r]);
        prop_assert!(matches!(back, Ok(Exit::Ok)), "restore failed: {:?}", back);
        let after = crate::common::snapshot(root);
        eprintln!("migrated trees so far: {}", MIGRATED.load(std::sync::atomic::Ordering::Relaxed));
        prop_assert!(after == before, "restore after migrate is not the identity: {:?} vs {:?}",
            after.iter().map(|f| &f.0).collect::<Vec<_>>(),
            before.iter().map(|f| &f.0).collect::<Vec<_>>());
    }
}
