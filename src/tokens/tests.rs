//! Unit tests of `tokens`.

use super::*;

/// bpe-openai must count exactly as tiktoken does, on real planning text.
#[test]
fn counts_match_tiktoken_on_the_samples() {
    let o200k = tiktoken_rs::o200k_base().unwrap();
    let cl100k = tiktoken_rs::cl100k_base().unwrap();
    let same = |t: &str, what: &dyn std::fmt::Debug| {
        assert_eq!(
            Encoding::O200kBase.count_uncached(t),
            o200k.encode_ordinary(t).len(),
            "{what:?}"
        );
        assert_eq!(
            Encoding::Cl100kBase.count_uncached(t),
            cl100k.encode_ordinary(t).len(),
            "{what:?}"
        );
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/pcc/.claude/plans/devtest-deployment");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let pieces = std::iter::once(text.as_str()).chain(text.split("\n\n"));
        for t in pieces {
            same(t, &p);
            n += 1;
        }
    }
    assert!(n > 100, "too few texts compared: {n}");
    // Whitespace runs, line endings and scripts the pre-tokenizer treats specially.
    for t in [
        "  \t \r\n\r\n   x  ",
        "\u{feff}# Über größe — ✅ 🚀\r",
        "a\rb\r\rc",
        "1234567 89,000.5",
        "don't it's WE'LL",
        "    \n\n\n    ",
        "\u{0}\u{1}",
        "日本語のテキスト",
        "",
    ] {
        same(t, &t);
    }
    // Long pieces take the heap merge: a rule of dashes, a run of spaces, a blob
    // with no spaces, a long word, mixed scripts with no break.
    let blob: String = (0..3000u32)
        .map(|i| char::from(b"AZaz09+/="[(i * 7 % 9) as usize]))
        .collect();
    for t in [
        "-".repeat(5000),
        format!("{}x", " ".repeat(3000)),
        blob,
        "abcdefghij".repeat(300),
        "日本語ü🚀".repeat(200),
        "\r\n".repeat(500),
    ] {
        same(&t, &t.len());
    }
}

#[test]
fn the_pieces_tile_the_text() {
    for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let text = "  Hi there!\n\n\n  x = 12345; don't // ok\r\n\t日本 🚀  ";
        let pieces: Vec<&str> = enc.pretokenizer().pieces(text);
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| !p.is_empty()));
        assert!(pieces.len() > 10, "{pieces:?}");
    }
}

#[test]
fn the_tables_hold_every_rank_of_tiktoken() {
    // o200k_base: 199,998 ranks; cl100k_base: 100,256. Each token looks itself up.
    let o200k = Encoding::O200kBase.ranks();
    let cl100k = Encoding::Cl100kBase.ranks();
    assert_eq!(o200k.len(), 199_998);
    assert_eq!(cl100k.len(), 100_256);
    for b in 0..=255u8 {
        assert!(o200k.rank(&[b]).is_some() && cl100k.rank(&[b]).is_some());
    }
    let tiktoken = tiktoken_rs::o200k_base().unwrap();
    for word in ["hello", " world", "\n\n", "Install", " cluster"] {
        let ids = tiktoken.encode_ordinary(word);
        assert_eq!(ids.len(), 1, "{word:?}");
        assert_eq!(o200k.rank(word.as_bytes()), Some(ids[0]), "{word:?}");
    }
    assert_eq!(o200k.rank(b"xq\x00zz\xff"), None);
}

proptest::proptest! {
    #![proptest_config(crate::testing::proptest_config(1000))]
    /// Wherever `joins_cleanly` says so, counting apart adds up exactly
    /// (every cut between the generated pieces is tried; line breaks are
    /// frequent so that many cuts follow one).
    #[test]
    fn clean_joins_add_up(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "\n", "\n", "\n", "\n", "\r\n", "\r", " ", "  ", "\t", "/", "//",
                "a", "Ab", "ABC", "x1", "123456", "'s", "'LL", "#", "## ", "-", "* ",
                "**", "```", "~~~", ":", ".", "!?", "é", "ß", "\u{a0}", "\u{2028}",
                "\u{85}", "日本", "🚀", "<!--", "|", "[x](y)", "don't", "\u{300}",
            ]),
            0..30,
        ),
    ) {
        let text: String = pieces.concat();
        let mut at = 0;
        for p in &pieces {
            at += p.len();
            let (a, b) = text.split_at(at);
            if joins_cleanly(a, b) {
                for e in [Encoding::O200kBase, Encoding::Cl100kBase] {
                    proptest::prop_assert_eq!(
                        e.count_uncached(a) + e.count_uncached(b),
                        e.count_uncached(&text),
                        "{:?} | {:?}", a, b
                    );
                }
            }
        }
    }
}

#[test]
fn counts_known_text() {
    let e = Encoding::O200kBase;
    assert_eq!(e.count(""), 0);
    let n = e.count("Install ArgoCD on the devops-prod cluster.");
    assert!((5..20).contains(&n), "{n}");
    assert_eq!(
        Encoding::from_name("cl100k_base"),
        Some(Encoding::Cl100kBase)
    );
    assert_eq!(Encoding::from_name("gpt2"), None);
}

/// `count_over` agrees with the count at every budget around it: the exact count
/// when over, a bound between the count and the budget when within.
fn assert_count_over_sound(enc: Encoding, text: &str) {
    let n = enc.count_uncached(text);
    let budgets = [
        0,
        1,
        n / 2,
        n.saturating_sub(1),
        n,
        n + 1,
        n * 2,
        text.len(),
    ];
    for max in budgets {
        match enc.count_over(text, max) {
            Budgeted::Over(m) => assert!(m == n && n > max, "{max}: over {m}, count {n}"),
            Budgeted::Within(b) => assert!(n <= b && b <= max, "{max}: within {b}, count {n}"),
        }
    }
}

#[test]
fn count_over_is_exact_over_the_budget_and_a_bound_within_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/pcc/.claude/plans/devtest-deployment");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let Ok(text) = std::fs::read_to_string(e.unwrap().path()) else {
            continue;
        };
        for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
            assert_count_over_sound(enc, &text);
        }
        n += 1;
    }
    assert!(n > 5, "too few files: {n}");
    // A piece that needs merging is taken at its bytes until merged.
    for t in ["xyzzyplughfoobarbazquux ".repeat(40), "-".repeat(500)] {
        assert_count_over_sound(Encoding::O200kBase, &t);
    }
}

/// `for_each_piece_while` hands over the pieces `for_each_piece` cuts, in
/// order, and cuts no more once told to stop.
#[test]
fn pieces_stop_when_told() {
    let enc = Encoding::O200kBase;
    let text = "Install the agent on the cluster and verify it.\n".repeat(3);
    let all = enc.pretokenizer().pieces(&text);
    assert!(all.len() > 10);
    let mut got = Vec::new();
    enc.pretokenizer().for_each_piece_while(&text, |p| {
        got.push(p);
        got.len() < 5
    });
    assert_eq!(got, all[..5]);
}

/// Plain prose fits a budget below its bytes without a single merge.
#[test]
fn count_over_bounds_prose_within_its_bytes() {
    let text = "Install the agent on the cluster and verify it.\n".repeat(100);
    let n = Encoding::O200kBase.count_uncached(&text);
    match Encoding::O200kBase.count_over(&text, n + 10) {
        Budgeted::Within(b) => assert!(b < text.len() / 2, "bound {b} of {}", text.len()),
        other => panic!("{other:?}"),
    }
}

proptest::proptest! {
    #![proptest_config(crate::testing::proptest_config(200))]
    #[test]
    fn count_over_sound_on_any_text(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                " ", "\n", "word", " the", "xyzzyq", "---", "**", "|", "12345", "é", "🚀", "  ",
            ]),
            0..200,
        ),
    ) {
        let text: String = parts.concat();
        assert_count_over_sound(Encoding::O200kBase, &text);
        assert_count_over_sound(Encoding::Cl100kBase, &text);
    }
}

/// tiktoken looks every piece up before it merges; `merge::known` looks up only
/// pieces under 128 bytes and merges longer ones. That is the same count only
/// if the merges reach every long token (both tables hold tokens of 128 bytes
/// and more): each token alone must count one.
#[test]
fn every_token_alone_counts_one() {
    for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
        let ranks = enc.ranks();
        let mut parts = Vec::new();
        let mut longest = 0;
        for r in 0..ranks.len() as u32 {
            let t = ranks.token_of(r);
            longest = longest.max(t.len());
            assert_eq!(
                merge::count(&ranks, t, &mut parts),
                1,
                "{} rank {r}: {:?}",
                enc.name(),
                String::from_utf8_lossy(t)
            );
        }
        assert!(
            longest >= 128,
            "{}: longest token {longest} bytes",
            enc.name()
        );
    }
}
