//! The Status field of the cards a split writes: the status derived from the
//! subphase's own text, with its source line in the original.

use super::tests::op_text;
use super::*;
use crate::config::Config;

#[test]
fn cards_show_the_derived_status_and_where_it_comes_from() {
    let notes = "# Notes\n\nIntro.\n\n## Phase 4.1: One\n\n**Status**: In progress\n\n- [x] a\n\n## Phase 4.2: Two\n\n- [x] b\n- [x] c\n\n## Phase 4.3: Three\n\nProse only.\n";
    let cfg = Config::builtin();
    let o = super::tests::plan_files(
        &cfg,
        Path::new("/r"),
        &|_| false,
        &HashMap::new(),
        &[(".claude/plans/d/notes.md", notes)],
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let part = |n: &str| {
        o.splits[0]
            .parts
            .iter()
            .find(|p| p.to_string_lossy().contains(n))
            .and_then(|p| op_text(&o, &p.to_string_lossy()))
            .unwrap_or_else(|| panic!("no part {n}: {:?}", o.splits))
    };
    // The Status line is line 7 of the original: it wins over the ticked box.
    assert!(
        part("4.1").contains("- **Status:** open — Status: In progress (source line 7)\n"),
        "{}",
        part("4.1")
    );
    assert!(part("4.2").contains("- **Status:** done (2/2 checkboxes)\n"));
    // No evidence: no Status field.
    let three = part("4.3");
    assert!(
        three.contains("replan:card") && !three.contains("**Status:**"),
        "{three}"
    );
}
