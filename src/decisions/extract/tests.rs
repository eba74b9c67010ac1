//! Unit tests of the extraction scanner: one document in, the decisions found
//! out, for each written form and for the lookalikes that are not decisions.

use super::*;
use crate::config::Config;

fn rules() -> Rules {
    Rules::new(&Config::builtin().decisions)
}

/// (text, rationale) of every decision found in `md`.
fn found(md: &str) -> Vec<(String, Option<String>)> {
    scan(&Document::from_text("t.md", md), &rules())
        .found
        .into_iter()
        .map(|f| (f.text, f.rationale))
        .collect()
}

fn texts(md: &str) -> Vec<String> {
    found(md).into_iter().map(|f| f.0).collect()
}

// ---- forms ----

#[test]
fn item_with_rationale_sub_item() {
    let f = found("- **Decision**: Use AlloyDB.\n  - **Rationale**: Managed HA.\n- other\n");
    assert_eq!(f, vec![("Use AlloyDB.".into(), Some("Managed HA.".into()))]);
}

#[test]
fn item_with_rationale_paragraph_after() {
    let f = found("- **Decision**: Use REGIONAL.\n\n**Rationale**: Failover must be tested.\n");
    assert_eq!(
        f,
        vec![(
            "Use REGIONAL.".into(),
            Some("Failover must be tested.".into())
        )]
    );
}

#[test]
fn paragraph_colon_inside_or_outside_bold() {
    let f = found(
        "**Decision:** Daily backups,\nkept 14 days.\n\n**Rationale:** A sprint.\n\n**Decision**: PITR on.\n**Rationale**: Rewind.\n",
    );
    assert_eq!(
        f,
        vec![
            (
                "Daily backups,\nkept 14 days.".into(),
                Some("A sprint.".into())
            ),
            ("PITR on.".into(), Some("Rewind.".into())),
        ]
    );
}

#[test]
fn qualified_label_keeps_its_label() {
    let f = found("**Repository Decision**: `infra/shared`\n- **Rationale**: one place\n");
    assert_eq!(
        f,
        vec![(
            "**Repository Decision**: `infra/shared`".into(),
            Some("one place".into())
        )]
    );
}

#[test]
fn inline_rationale_is_split_off() {
    let f = found("1. **Decision**: HA mode on prod — **Rationale**: zone loss.\n");
    assert_eq!(
        f,
        vec![("HA mode on prod".into(), Some("zone loss.".into()))]
    );
}

#[test]
fn decision_heading_with_its_text() {
    let f = found(
        "## Decisions\n\n### Decision: Generic module\n\nIt takes a map\nof secrets.\n\n**Rationale**: Reuse in\nPhase 4.\n\n### Decision - Random passwords\n\n**Rationale**: Never typed.\n",
    );
    assert_eq!(
        f,
        vec![
            (
                "Generic module\n\nIt takes a map\nof secrets.".into(),
                Some("Reuse in\nPhase 4.".into())
            ),
            ("Random passwords".into(), Some("Never typed.".into())),
        ]
    );
}

#[test]
fn decision_table_keeps_rationale() {
    let f = found(
        "| Area | Decision | Rationale |\n|---|---|---|\n| Secrets | Per-secret `a\\|b` access | Least privilege |\n| Devs | TBD | |\n",
    );
    assert_eq!(
        f,
        vec![(
            "**Secrets**: Per-secret `a\\|b` access".into(),
            Some("Least privilege".into())
        )]
    );
    assert!(found("| Area | Choice made |\n|---|---|\n| a | b |\n").is_empty());
}

#[test]
fn quoted_decisions() {
    let f = found(
        "> **Decision**: Migrations live\n> in the app repo.\n>\n> **Rationale**: One PR.\n\n> **Decision**: Use the proxy.\n\n**Rationale**: IAM auth.\n",
    );
    assert_eq!(
        f,
        vec![
            (
                "Migrations live\nin the app repo.".into(),
                Some("One PR.".into())
            ),
            ("Use the proxy.".into(), Some("IAM auth.".into())),
        ]
    );
}

#[test]
fn every_item_of_decision_sections() {
    for title in [
        "Architectural Decisions",
        "Key Decisions",
        "Key Architecture Decisions",
    ] {
        let md = format!(
            "# T\n\n## {title}\n\n- Autopilot everywhere;\n  wrapped line.\n  - detail\n- Private clusters.\n\n## Next\n\n- not a decision\n"
        );
        assert_eq!(
            texts(&md),
            vec![
                "Autopilot everywhere;\nwrapped line.\n- detail".to_string(),
                "Private clusters.".to_string()
            ],
            "{title}"
        );
    }
    // A bold label naming such a section works like the heading.
    let f = texts("**Key Architectural Decisions**:\n- One\n- Two\n\nAfter.\n\n- not\n");
    assert_eq!(f, vec!["One", "Two"]);
}

#[test]
fn labelled_paragraph_in_a_decision_section_takes_its_list() {
    let f = texts("### Key Technical Decisions\n\n**Insecure mode**:\n- TLS ends at the LB\n- health checks\n\n**NEGs**:\n- direct routing\n");
    assert_eq!(
        f,
        vec![
            "**Insecure mode**:\n- TLS ends at the LB\n- health checks",
            "**NEGs**:\n- direct routing"
        ]
    );
}

#[test]
fn adr_with_decision_part() {
    let md = "### ADR-001: Use PSC for AlloyDB\n\n**Status**: Accepted\n\n**Context**: Two models.\n\n**Decision**: Use PSC for all\nconnectivity.\n\n**Consequences**:\n- no peering\n\n### Next\n";
    let f = found(md);
    assert_eq!(
        f,
        vec![(
            "**ADR-001: Use PSC for AlloyDB**: Use PSC for all\nconnectivity.".into(),
            None
        )]
    );
    let md = "# ADR 003: HA Strategy\n\n**Decision Makers**: Lead\n\n## Context\n\nx\n\n## Decision\n\nWe tier HA by environment.\n\n- **Justification**: nested, not the rationale\n\n## Rationale\n\nCost.\n";
    assert_eq!(
        found(md),
        vec![(
            "**ADR 003: HA Strategy**: We tier HA by environment.\n\n- **Justification**: nested, not the rationale".into(),
            Some("Cost.".into())
        )]
    );
    assert!(
        found("## ADR-002: Old\n\n**Status**: Superseded by ADR-004\n\n### Decision\n\nX.\n")
            .is_empty()
    );
}

#[test]
fn adr_rationale_comes_from_its_rationale_part_with_sub_headings() {
    let md = "# ADR 7: Tiers\n\n## Decision\n\nTier HA.\n\n### Devtest\n\n- **Justification**: not this\n\n## Rationale\n\n### Advantages\n\n1. **Cost**\n   - cheaper\n\n## Alternatives Considered\n\n**Decision**: not this either\n";
    assert_eq!(
        found(md),
        vec![(
            "**ADR 7: Tiers**: Tier HA.\n\n**Devtest**\n\n- **Justification**: not this".into(),
            Some("1. **Cost**\n   - cheaper".into())
        )]
    );
}

#[test]
fn a_rationale_makes_its_item_or_paragraph_a_decision() {
    let md = "**Activities**:\n- **Helm chart version** (documented):\n  - **Selected**: v3.1.9\n  - **Rationale**: latest stable\n  - **Applied to**: both\n- **SSL Policy**:\n  - Min TLS 1.2\n  - **Module**: x\n    - **Rationale**: nested under Module, not SSL Policy\n- **Phase 4.6 Scope**: backups later\n- **Rationale**: needs terraform\n\nWe chose the GKE Ingress.\n\n**Rationale**: managed certs.\n\nPlain paragraph.\n";
    assert_eq!(
        found(md),
        vec![
            (
                "**Helm chart version** (documented):\n- **Selected**: v3.1.9\n- **Applied to**: both".into(),
                Some("latest stable".into())
            ),
            (
                "**Module**: x".into(),
                Some("nested under Module, not SSL Policy".into())
            ),
            (
                "**Phase 4.6 Scope**: backups later".into(),
                Some("needs terraform".into())
            ),
            ("We chose the GKE Ingress.".into(), Some("managed certs.".into())),
        ]
    );
    let mut cfg = Config::builtin().decisions;
    cfg.rationale_implies_decision = false;
    let r = Rules::new(&cfg);
    assert!(scan(&Document::from_text("t.md", md), &r).found.is_empty());
}

#[test]
fn fences_inside_list_items_are_text_not_labels() {
    let md = "## Key Decisions\n\n- **Replica**: use `count`\n  ```hcl\n  count = 1\n\n  ```\n- Next one\n\n## Other\n\n- Template:\n  ```markdown\n  - **Reason**: inside the fence\n  - **Decision**: inside the fence\n  ```\n";
    assert_eq!(
        texts(md),
        vec![
            "**Replica**: use `count`\n```hcl\ncount = 1\n\n```".to_string(),
            "Next one".to_string()
        ]
    );
}

#[test]
fn numbered_decision_labels_and_headings() {
    let md = "### Decision 1: Use PostgreSQL 15\n\nText.\n\n### Decision #2 - Use Flyway\n\n**Decision 3**: Use PSC.\n\n### Decision 4 about nothing\n\n**Decision**: We use:\n- a\n- b\n\nAfter.\n";
    assert_eq!(
        texts(md),
        vec![
            "Use PostgreSQL 15\n\nText.".to_string(),
            "Use Flyway".to_string(),
            "Use PSC.".to_string(),
            "We use:\n- a\n- b".to_string(),
        ]
    );
}

// ---- not decisions ----

#[test]
fn open_questions_tbd_pending_and_rejected_are_not_decisions() {
    let md = "## Design Decisions\n\n- **Decision**: Keep.\n- **Open question**: Do we need CMEK?\n\n### Rejected Alternatives\n\n- **Rejected**: Cloud SQL.\n- Self-managed Postgres.\n\n## Other\n\n**Decision**: TBD\n\n**Decision**: Pending review\n\n**Decision pending**: Copy backups.\n\n> **Decision pending**: PreSync or manual.\n\n**Decision**: Should we shard?\n\n## Alternatives Considered\n\n**Decision**: Not this one.\n\n## Open Questions\n\n- Should we shard the controller?\n- TBD: notifications.\n- **Decision pending**: ESO or CSI.\n";
    assert_eq!(texts(md), vec!["Keep."]);
    // A form to fill in: no option is ticked yet.
    let form =
        "## Status\n\n- **Decision:** ☐ go ☐ no-go\n\n**Decision**: [ ] Postgres [ ] MySQL\n\n\
                **Decision**: [x] Postgres\n";
    assert_eq!(texts(form), vec!["[x] Postgres"]);
}

#[test]
fn lookalikes_are_not_decisions() {
    let md = "# Status\n\n- Decisions: [Key Architecture Decisions](x.md#key)\n\n**Decision Makers**: Lead Architect\n\n**Pre-flight Output**: Go/No-Go decision\n\n```markdown\n**Decision**: inside a fence\n```\n\n<!--\n**Decision**: inside HTML\n-->\n\n## Design Decisions\n";
    assert!(texts(md).is_empty(), "{:?}", texts(md));
}

#[test]
fn words_that_merely_start_like_tbd_are_decisions() {
    let md = "**Decision**: Open source Grafana for dashboards.\n\n**Decision**: Unknown hosts are rejected by the proxy.\n\n**Decision**: N/A\n\n**Decision**: TBD.\n\n**Decision**: pending\n";
    assert_eq!(
        texts(md),
        vec![
            "Open source Grafana for dashboards.",
            "Unknown hosts are rejected by the proxy."
        ]
    );
}

// ---- robustness ----

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!("{} **Decision**: deep\n", ">".repeat(20_000));
    let f = texts(&deep);
    assert_eq!(f, vec!["deep"]);
    let lists = format!("{}- **Decision**: x\n", "  ".repeat(20_000));
    // 40,000 spaces: an indented code block, not a decision
    assert!(texts(&lists).is_empty());
    let nested = format!("{}**Decision**: deep list\n", "- ".repeat(20_000));
    assert!(texts(&nested).len() <= 1);
    let quoted_items = format!("{}**Decision**: q\n", "> - ".repeat(5_000));
    assert!(texts(&quoted_items).len() <= 1);
}

// ---- exact forms seen on real plans (issue 14): each with a near miss ----

#[test]
fn a_decision_choice_rationale_table_keeps_every_column() {
    let md = "| Decision | Choice | Rationale | Alternatives |\n|---|---|---|---|\n\
              | Storage | SQLite | embedded, no server | Postgres |\n| Cache | TBD | | |\n";
    assert_eq!(
        found(md),
        vec![(
            "**Storage**: SQLite\n- Alternatives: Postgres".into(),
            Some("embedded, no server".into())
        )]
    );
    // Near miss: a column that only mentions decisions is not a decision column.
    assert!(found("| Question | Decision needed by |\n|---|---|\n| Storage | May |\n").is_empty());
}

#[test]
fn an_adr_keeps_its_whole_decision_subsection() {
    let md = "## ADR-001: Use SQLite\n\n### Context\n\nWe need storage.\n\n### Decision\n\n\
              Use SQLite for all state.\n\n- one file per workspace\n- WAL mode on\n\n\
              ### Consequences\n\nNo server to run.\n";
    let f = found(md);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].0,
        "**ADR-001: Use SQLite**: Use SQLite for all state.\n\n- one file per workspace\n- WAL mode on"
    );
    // Near miss: the Context and Consequences are not part of it.
    assert!(
        !f[0].0.contains("storage") && !f[0].0.contains("server"),
        "{f:?}"
    );
}

#[test]
fn a_decision_label_closed_by_a_period_is_found() {
    assert_eq!(
        texts("**Decision.** Keep the parser single-pass.\n"),
        vec!["Keep the parser single-pass.".to_string()]
    );
    // Near misses: another label with a period, and a bare `**Decision.**`.
    assert!(texts("**Note.** Keep the parser single-pass.\n").is_empty());
    assert!(texts("**Decision.**\n").is_empty());
}

#[test]
fn a_qualified_decision_heading_is_found() {
    let f = texts("### Key Structural Decision: One crate per layer\n\nBuilds stay small.\n");
    assert_eq!(
        f,
        vec!["One crate per layer\n\nBuilds stay small.".to_string()]
    );
    // Near misses: a plural is a section title, an open decision is not made.
    assert!(texts("### Key Decisions: phase 2\n\nSome prose.\n").is_empty());
    assert!(texts("### Open Decision: which cache\n\nSome prose.\n").is_empty());
}

#[test]
fn a_heading_naming_a_decision_file_is_not_a_decision() {
    assert!(texts("### decision-log.md\n\nThe log of choices.\n").is_empty());
    assert!(texts("### Update `docs/decisions.md`\n\nAdd the entry.\n").is_empty());
    assert!(texts("### DECISIONS_LOG\n\nAdd the entry.\n").is_empty());
    // Must find: the same words as a decision heading.
    assert_eq!(
        texts("### Decision: keep a decision log\n\nOne file.\n"),
        vec!["keep a decision log\n\nOne file.".to_string()]
    );
}

#[test]
fn a_rationale_never_binds_across_an_intervening_label() {
    for md in [
        "- **Decision**: Use X\n- **Fields available**: a, b\n- **Rationale**: because fields\n",
        "**Decision**: Use X\n\n**Fields available**: a, b\n\n**Rationale**: because fields\n",
    ] {
        assert_eq!(found(md), vec![("Use X".into(), None)], "{md}");
    }
    // Must find: the rationale right after the decision is its own.
    assert_eq!(
        found("- **Decision**: Use X\n- **Rationale**: because\n- **Fields available**: a\n"),
        vec![("Use X".into(), Some("because".into()))]
    );
}

#[test]
fn tasks_and_risks_with_a_why_are_not_decisions() {
    for md in [
        "- **What:** Run targeted API tests\n  - **Why:** catch regressions\n",
        "- **Risk**: data loss\n  - **Mitigation**: backups\n  - **Why**: it matters\n",
        "**Risk**: data loss\n\n**Rationale**: it matters\n",
        "- Expected: checkout succeeds\n  - **Why sparse checkout**: tests reads\n",
        "- **Verify audit logging** (compliance):\n  - **Rationale**: audits\n",
    ] {
        assert!(found(md).is_empty(), "{md}: {:?}", found(md));
    }
    // Must find: a plain labelled item with a rationale still is one.
    assert_eq!(
        texts("- **Helm chart**: v3.1.9\n  - **Rationale**: latest stable\n"),
        vec!["**Helm chart**: v3.1.9".to_string()]
    );
}

#[test]
fn an_open_list_of_decisions_holds_questions_not_decisions() {
    let items = "- **Crate name**: `umrs-assess` vs `umrs-audit`; confirm before creating it.\n\
                 - **Persistence**: Is the bundle written to disk, or held in memory?\n";
    for open in ["Open Architectural Decisions", "Pending Design Questions"] {
        let md = format!("# Engine\n\n## {open}\n\n{items}");
        assert_eq!(found(&md), vec![], "{open}");
    }
    // Must find: the same items under a section of decisions made (the
    // question is none there either).
    let md = format!("# Engine\n\n## Architectural Decisions\n\n{items}");
    assert_eq!(found(&md).len(), 1, "{:?}", found(&md));
}

#[test]
fn replans_own_lines_are_not_decisions() {
    // A part whose text starts with a reason: its continuation line is
    // replan's, not the decision the reason is for.
    let part = "*Continued from [Plan](plan.md) (part 7 of 7).* <!-- replan:continuation -->\n\n\
                **Why this change:**\nCompliance requires ALB monitoring.\n";
    assert_eq!(found(part), vec![]);
    // Nor is a task card's line, whatever follows it.
    let carded = "## Task 2.1: Alarms\n\n<!-- replan:card -->\n> **Status:** open\n<!-- /replan:card -->\n\n\
                  **Why:** alarms were missing.\n";
    assert_eq!(found(carded), vec![]);
    // Must find: the same reason after the user's own paragraph.
    assert_eq!(
        texts(
            "Alarms are mandatory.\n\n**Why this change:**\nCompliance requires ALB monitoring.\n"
        ),
        vec!["Alarms are mandatory.".to_string()]
    );
}

#[test]
fn what_is_with_a_why_is_not_a_decision() {
    // A review's finding and a test's scenario say what is, then why it
    // matters or why the test is marked: no choice was made.
    for md in [
        "**Current state:** There is no logging framework.\n\n**Why this matters:** nothing can be traced.\n",
        "- **Scenario**: a user is demoted mid-stream.\n- **Reason text**: `lacks a re-check`\n",
        // A pointer or a setting, not a choice (whole labels only, below).
        "**Reference:** https://example.com/adr-3\n\n**Why:** the vendor documents it.\n",
        "- **Context**: two clusters share one VPC\n  - **Why**: cost\n",
    ] {
        assert!(found(md).is_empty(), "{md}: {:?}", found(md));
    }
    // Must find: a labelled choice with its reason still is one, also when
    // its label only starts like a word of context (one-word entries match a
    // label's first word).
    assert_eq!(
        texts("- **Logging**: use `tracing`\n  - **Why**: spans across tasks\n"),
        vec!["**Logging**: use `tracing`".to_string()]
    );
    assert_eq!(
        texts("- **Background jobs**: use a queue\n  - **Why**: retries\n"),
        vec!["**Background jobs**: use a queue".to_string()]
    );
}

#[test]
fn a_numbered_decision_and_rationale_section_is_found() {
    assert_eq!(
        texts("## 1. Decision and rationale\n\nWe use SQLite because it is embedded.\n"),
        vec!["We use SQLite because it is embedded.".to_string()]
    );
    // Near miss: a numbered section about something else.
    assert!(texts("## 1. Background\n\nWe use SQLite because it is embedded.\n").is_empty());
}

#[test]
fn numbered_sub_headings_of_a_decisions_section_are_decisions() {
    let md = "## Key Design Decisions\n\n### 1. Conditional Helm Templates\nUsed Helm's templating to render per cloud.\n\n\
              **Benefits:**\n- Single source of truth\n- Easy to maintain\n\n### 2. Env Propagation\nOne .env file.\n";
    assert_eq!(
        texts(md),
        vec![
            "Conditional Helm Templates\n\nUsed Helm's templating to render per cloud.".to_string(),
            "Env Propagation\n\nOne .env file.".to_string()
        ]
    );
    // Near misses: an unnumbered sub-heading whose decision is TBD, and a
    // benefits list read on its own.
    let md =
        "## Design Decisions\n\n### Read Pool Autoscaling\n\nCould use CPU.\n\n**Decision**: TBD\n";
    assert!(texts(md).is_empty(), "{:?}", texts(md));
    assert!(texts("## Decisions\n\n**Benefits:**\n- Single source of truth\n").is_empty());
    // A design doc's decisions by id: `### D1 — …` (agent-deck's self-heal design).
    let md = "## 2. Decisions\n\n### D1 \u{2014} New substate `api-error`\n\nA transport error gets its own substate.\n\n\
              ### D-2: Dwell 60s\n\nAnchored on the last status change.\n\n## 3. Architecture\n\n### D3 \u{2014} Not here\n\nOutside the section.\n";
    assert_eq!(
        texts(md),
        vec![
            "New substate api-error\n\nA transport error gets its own substate.".to_string(),
            "Dwell 60s\n\nAnchored on the last status change.".to_string()
        ]
    );
    // Near misses: an id without a title, and words in capitals.
    assert!(super::decision_id("D1").is_none());
    assert!(super::decision_id("D1 \u{2014} ").is_none());
    assert!(super::decision_id("API design").is_none());
    assert!(super::decision_id("TODO: later").is_none());
}

#[test]
fn an_adr_keeps_its_consequences_apart_from_its_decision() {
    let consequences = |md: &str| -> Vec<Option<String>> {
        scan(&Document::from_text("t.md", md), &rules())
            .found
            .into_iter()
            .map(|f| f.consequences)
            .collect()
    };
    let md = "## ADR-001: Use SQLite\n\n### Decision\n\nUse SQLite.\n\n\
              ### Consequences\n\n- No server to run.\n- One writer.\n\n## Next\n\nText.\n";
    assert_eq!(
        consequences(md),
        vec![Some("- No server to run.\n- One writer.".into())]
    );
    let labelled =
        "### ADR-002: Use PSC\n\n**Decision**: Use PSC.\n\n**Consequences**: no peering.\n";
    assert_eq!(consequences(labelled), vec![Some("no peering.".into())]);
    // Near miss: a decision outside an ADR has none, even beside a Consequences label.
    assert_eq!(
        consequences("**Decision**: Keep it.\n\n**Consequences**: none.\n"),
        vec![None]
    );
}

// ---- taken from real trees written for agents (paraphrased) ----

#[test]
fn a_tag_line_is_never_part_of_a_decision() {
    // A GSD plan's `<context>` ends in a paragraph CommonMark runs the closing tag into.
    let md = "<context>\n@docs/a.md\n\n**Decision:** Keep the parser pure; no I/O in it.\n</context>\n\n<tasks>\n";
    assert_eq!(
        texts(md),
        vec!["Keep the parser pure; no I/O in it.".to_string()]
    );
    let item = "- **Decision**: Use one queue.\n  </details>\n";
    assert_eq!(texts(item), vec!["Use one queue.".to_string()]);
    // Near miss: a tag with text after it is prose, and a comparison is no tag.
    assert!(super::super::lines::is_tag_line("<task type=\"auto\">"));
    assert!(super::super::lines::is_tag_line("</context>"));
    assert!(!super::super::lines::is_tag_line("<tasks> and more"));
    assert!(!super::super::lines::is_tag_line("<= 3 retries >"));
    assert!(!super::super::lines::is_tag_line("<https://example.com>"));
}

#[test]
fn a_key_decisions_heading_with_rationale_is_the_decision_and_dates_are_metadata() {
    let md = "## Key Decisions\n\n### Mirror every session in the database\n\
              **Rationale**: Queries across sessions are worth the sync.\n**Made**: 2026-02-16\n\n\
              ### Sync on open and after each tool call\n**Rationale**:\n- **On open**: catch up in a batch\n\
              - **After a call**: sync that one session\n\nThis keeps the store fresh.\n**Made**: 2026-02-16\n";
    assert_eq!(
        found(md),
        vec![
            (
                "Mirror every session in the database".to_string(),
                Some("Queries across sessions are worth the sync.".to_string())
            ),
            (
                "Sync on open and after each tool call".to_string(),
                Some(
                    "- **On open**: catch up in a batch\n- **After a call**: sync that one session\n\n\
                     This keeps the store fresh."
                        .to_string()
                )
            ),
        ]
    );
    // Near misses: a metadata label is no decision, in a decisions section or
    // after one; an unnumbered sub-heading with no rationale still has its
    // items read one by one.
    assert!(texts("## Key Decisions\n\n**Made**: 2026-02-19\n").is_empty());
    assert_eq!(
        texts("## Key Decisions\n\n- Keep the log append-only\n**Made**: 2026-02-19\n"),
        vec!["Keep the log append-only".to_string()]
    );
    assert_eq!(
        texts("## Decisions\n\n### Storage\n\n- Use SQLite\n- One file per project\n"),
        vec!["Use SQLite".to_string(), "One file per project".to_string()]
    );
}

#[test]
fn reminders_of_decisions_made_elsewhere_and_empty_templates_are_not_decisions() {
    // A GSD plan restates constraints from earlier phases; a summary says none were made.
    let md = "**Established patterns:** Timeout via a flag\n\
              **Constraining decisions:** Do not break the default agent; the new one is optional\n";
    assert!(texts(md).is_empty(), "{:?}", texts(md));
    for none in [
        "## Decisions Made\n\n- None - followed plan as specified.\n",
        "## Decisions Made\n\n- None (audit plan).\n",
        "## Decisions Made\n\n- [Any decisions about default paths] (or \"None\")\n",
        "## Key Decisions\n\n### Use X\n**Rationale**: [why]\n**Made**: [YYYY-MM-DD]\n",
    ] {
        let got = texts(none);
        assert!(
            got.iter()
                .all(|t| !t.contains("None") && !t.starts_with('[')),
            "{none}: {got:?}"
        );
    }
    // Near misses: a decision that starts with "None of" is one; a label of a
    // decision (`**Key decision:**`) still is.
    assert_eq!(
        texts("## Decisions Made\n\n- None of the data leaves the machine\n"),
        vec!["None of the data leaves the machine".to_string()]
    );
    assert_eq!(
        texts("**Key decision:** Do not break the default agent\n"),
        vec!["**Key decision:** Do not break the default agent".to_string()]
    );
}

#[test]
fn a_plain_decision_line_with_its_rationale_is_found() {
    // spec-kit's research notes: `- Decision: …` / `- Rationale: …`, unbolded.
    let md = "### Storage\n\n- Decision: Keep the ledger in AlloyDB.\n- Rationale: managed HA.\n\n\
              Some context.\n\nDecision: Expose it only through PSC.\n";
    assert_eq!(
        found(md),
        vec![
            (
                "Keep the ledger in AlloyDB.".into(),
                Some("managed HA.".into())
            ),
            ("Expose it only through PSC.".into(), None),
        ]
    );
}

#[test]
fn plain_decision_lookalikes_are_not_decisions() {
    // A link to a decision made elsewhere, a list heading, a qualified label in
    // prose, an open question, an empty template and a placeholder.
    let md = "- Decision: [ADR-3](adr-3.md)\n- Decisions: [the log](log.md#top).\n\n\
              Decisions:\n\nFinal decision: we talk about it on Monday\n\n\
              Decision needed: should we shard the archive?\n\n\
              TBD: should we shard the archive?\n\nDecision:\n\n- Decision: [what was chosen]\n";
    assert!(texts(md).is_empty(), "{:?}", texts(md));
}

#[test]
fn who_decides_is_not_a_decision() {
    // The shape of a session spec's `**Agent-driven decision**: … and decides:`
    // with the questions weighed below it: a process, nothing decided yet.
    let md = "**Review Integration**:\n\
              - **When**: at the end of the session.\n\
              - **Reviewer-led decision**: The reviewer reads the diff and the ticket and decides:\n  \
              - whether the change needs a second reviewer\n  - where the notes go\n\
              - **Runtime decision**: the scheduler decides which pool runs the job\n\
              - **Repository decision**: Keep the review notes in `docs/reviews/`.\n";
    assert_eq!(
        texts(md),
        vec!["**Repository decision**: Keep the review notes in `docs/reviews/`."]
    );
}

#[test]
fn a_rationale_list_in_a_decisions_section_is_no_decision() {
    // A session spec's `## Resolved Decisions`: each `**Rationale**:` list
    // argues for the decision above it; its items are reasons, not decisions.
    let md = "## Resolved Decisions\n\n### 1. Files hold the truth\n\n\
              **Decision**: The folder owns the state. The index can be rebuilt.\n\n\
              **Rationale**:\n- No second copy to keep in step\n- Backups are a copy of the folder\n\n\
              ### 2. Updates\n\n**Decision**:\n- Watchers for automatic updates\n- Commands for explicit changes\n\n\
              **Rationale**:\n- Some transitions cannot be seen by a watcher\n";
    let t = texts(md);
    assert_eq!(t.len(), 2, "{t:#?}");
    // Each said with its entry's subject (not the outline's number).
    assert!(
        t[0].starts_with("**Files hold the truth:** The folder owns the state."),
        "{t:#?}"
    );
    assert!(t[1].starts_with("**Updates:**"), "{t:#?}");
    assert!(t[1].contains("Watchers for automatic updates"), "{t:#?}");
    let f = found(md);
    assert!(
        f[0].1
            .as_deref()
            .is_some_and(|r| r.contains("No second copy")),
        "{f:#?}"
    );
}

#[test]
fn a_decision_paragraph_ending_in_a_colon_takes_its_list() {
    // juanie's ADR: "Juanie adopts a two-layer model:" was all that was kept
    // of its Decision section; the numbered list holds the decisions.
    let md = "# ADR: Storage boundary\n\n## Context\n\nTwo stores.\n\n## Decision\n\nWe adopt a two-layer model:\n\n1. The repo schema is the source of truth.\n2. Atlas is the control plane.\n\n## Notes\n\n- not this\n";
    assert_eq!(
        texts(md),
        vec!["We adopt a two-layer model:\n\n1. The repo schema is the source of truth.\n2. Atlas is the control plane."]
    );
    // A paragraph that ends otherwise keeps to itself.
    let md = "## Decision\n\nUse Atlas.\n\n- a list after it\n";
    assert_eq!(texts(md), vec!["Use Atlas."]);
}

#[test]
fn an_outlines_dotted_sub_headings_in_a_decisions_section_are_decisions() {
    let md = "## 2. Architecture Decisions\n\n### 2.1 Router Strategy\n\nWe keep the API routers.\n\n\
              **Rationale:** No consumer breaks.\n\n### 2.2 Notification Strategy\n\n\
              Post-execution hook inside the adapter, not a separate tool call:\n1. Job executes\n2. Adapter inspects response\n\n\
              ## 3. Roadmap\n\n### 3.1 Later\n\nNot a decision.\n";
    assert_eq!(
        found(md),
        vec![
            (
                "Router Strategy\n\nWe keep the API routers.".to_string(),
                Some("No consumer breaks.".to_string())
            ),
            (
                "Notification Strategy\n\nPost-execution hook inside the adapter, not a separate tool call:\n1. Job executes\n2. Adapter inspects response".to_string(),
                None
            ),
        ]
    );
    // Near misses: a year is no number of a decision, nor a lone dot.
    assert!(texts("## Decisions\n\n### 2024 Roadmap\n\nText.\n").is_empty());
}

#[test]
fn a_bold_decision_sentence_is_the_decision_of_its_section() {
    // magter's plan: `**Decision: Full unification. …**` was missed, and the
    // labelled context around it in the decisions section was read instead.
    let md = "## 2. Architecture Decisions\n\n### Debug Log Unification\n\n**Current state (3 systems):**\n- a\n- b\n\n\
              **Decision: Full unification. Debug logs ARE verbose OTel records.**\n\nThe logger writes 3 places.\n\n\
              **Migration approach:**\n1. x\n2. y\n\n**What this eliminates:**\n- z\n\n### Layer Placement\n\n**Observability:**\n- infra\n";
    assert_eq!(
        texts(md),
        vec![
            "Full unification. Debug logs ARE verbose OTel records.",
            "**Observability:**\n- infra"
        ]
    );
    // Near misses: a bold sentence with another label is emphasis, and one
    // with a decision label but no text is none.
    assert!(texts("**Note: keep the flag.**\n").is_empty());
    assert!(texts("**Decision:**\n").is_empty());
    // A line starting with a letter of two bytes, or with a lone `**`.
    assert!(texts("Räumt Temp-Dateien auf\n\n**\n\n****\n").is_empty());
    // An item of the section holding its own labelled decision is still one
    // (deep_causality's spec-kit research notes).
    let md = "## Key Decisions\n\n- **Performance**:\n  - **Decision**: A 10% slowdown is acceptable.\n  - **Rationale**: Small overhead.\n";
    assert_eq!(
        texts(md),
        vec!["**Performance**:\n- **Decision**: A 10% slowdown is acceptable."]
    );
    // A labelled decision leaves the section's plain items decisions.
    let md = "## Key Decisions\n\n1. Use PostgreSQL.\n2. Use Redis.\n\nDecision: adopt the monorepo layout.\n";
    assert_eq!(texts(md).len(), 3, "{:?}", texts(md));
    // A bold heading of a list, or a pointer, is no decision sentence.
    let md = "## Key Decisions\n\n**Decisions: Phase 2**\n\n- Use A\n- Use B\n";
    assert_eq!(texts(md), vec!["Use A", "Use B"]);
    assert!(texts("**Decision: [ADR-3](adr/003.md)**\n").is_empty());
    // The closing `**` stays out wherever the sentence is read.
    let f = found("## Decision\n\n**Decision: Use A.**\n\n**Rationale:** fast.\n");
    assert_eq!(f[0].0, "Use A.");
    let f = texts("### Decision: Storage\n\n**Decision: Use A.**\n");
    assert!(f.iter().all(|t| !t.ends_with("**")), "{f:?}");
}

#[test]
fn parked_deferred_and_tbd_decision_sections_hold_no_decisions() {
    // wonderland's spec: `## 9. Parked Decisions` ("blocked on a POC and
    // remain open") had its table rows filed as design decisions.
    let table = "| Decision | Dependency |\n|---|---|\n| Pre-key count | Payload size |\n";
    for heading in [
        "9. Parked Decisions",
        "Deferred Decisions",
        "Decisions (TBD)",
        "Blocked decisions",
    ] {
        let md = format!("## {heading}\n\n{table}\n## Next\n\n**Decision**: Keep.\n");
        assert_eq!(texts(&md), vec!["Keep."], "{heading}");
    }
    // Near misses: a decision log and decisions made stay decisions.
    let md = format!("## Decision Log\n\n{table}");
    assert_eq!(texts(&md).len(), 1);
}

#[test]
fn a_decision_logs_entries_are_their_decisions_with_their_ids_and_no_fields() {
    // ARKlab's decision log: each entry a list of fields beside its
    // `**Decision:**`. Every field was a decision (five alternatives, reviews
    // and blocked-task lists per entry), the entry's id and subject were
    // dropped, and the "How to review" list under the log's title was read as
    // decisions too.
    let md = "# Hosting — decision log\n\n\
              ## How to review\n\n\
              - Approve the recommended choice, or add a constraint.\n\n\
              ## Proposed decisions\n\n\
              ### AZD-01 — Target only .NET 10\n\n\
              - **Status:** DECIDED\n\
              - **Decision:** target `net10.0`, matching the\n  current package.\n\
              - **Alternative A:** multi-target `net8.0`.\n\
              - **Why this needs review:** both TFMs are supported.\n\
              - **Blocked tasks:** AZF-01, AZF-02.\n\n\
              ### AZD-02 — Host opt-in\n\n\
              - **Decision:** require one host marker.\n\
              - **Blocked tasks:** AZF-01, AZF-03.\n";
    assert_eq!(
        texts(md),
        [
            "**AZD-01 — Target only .NET 10:** target `net10.0`, matching the\ncurrent package.",
            "**AZD-02 — Host opt-in:** require one host marker.",
        ]
    );
    // An entry whose status says it was superseded (rejected, withdrawn…)
    // holds no decision in force: its "original decision" is history. Its
    // neighbours, decided or proposed, are read as before.
    let md = "## Proposed decisions\n\n\
              ### AZD-05 — OpenAPI parity\n\n\
              - **Status:** SUPERSEDED by AZD-11\n\
              - **Original decision:** include generated OpenAPI metadata.\n\
              - **Alternative:** declare OpenAPI a known gap.\n\n\
              ### AZD-06 — JSON streaming gate\n\n\
              - **Status:** proposed\n\
              - **Decision:** require a Core Tools proof.\n\n\
              ### AZD-11 — Scope\n\n\
              - **Status:** DECIDED (supersedes AZD-05)\n\
              - **Decision:** OpenAPI is out of scope.\n";
    assert_eq!(
        texts(md),
        [
            "**AZD-06 — JSON streaming gate:** require a Core Tools proof.",
            "**AZD-11 — Scope:** OpenAPI is out of scope.",
        ]
    );
    // The status's first word says it, struck-through text left out; a plain
    // label says it too; everything in a withdrawn entry's section is its
    // history, a plain item of a decisions section or a `#### Decision`.
    let md = "## Decisions\n\n\
              ### D1 — Kept\n\n\
              - **Status:** DECIDED (D0 superseded)\n\
              - **Decision:** keep the queue.\n\n\
              ### D2 — Not withdrawn\n\n\
              - **Status:** not superseded\n\
              - **Decision:** keep the cache.\n\n\
              ### D3 — Struck\n\n\
              - **Status:** ~~Accepted~~ Superseded by D9\n\
              - **Decision:** drop the cache.\n\n\
              ### D4 — Plain\n\n\
              Status: Rejected\n\n\
              - **Decision:** use Kafka.\n\
              - a plain item under it\n\n\
              ### D5 — Below\n\n\
              **Status**: Withdrawn\n\n\
              #### Decision\n\n\
              Use gRPC everywhere.\n";
    assert_eq!(
        texts(md),
        [
            "**D1 — Kept:** keep the queue.",
            "**D2 — Not withdrawn:** keep the cache.",
        ]
    );
    // A decisions section's labelled items with no decision item beside them
    // are still its decisions (`**Database:** Postgres`), and so is a plain
    // list under a decision stated as a paragraph.
    let md = "## Key Decisions\n\n\
              - **Database:** Postgres 16.\n\
              - **Cache:** Redis.\n";
    assert_eq!(texts(md).len(), 2, "{:?}", texts(md));
    // A log's later part holds entries without the log's decisions heading:
    // an id still says which entry a decision is; an outline's number does
    // not make a section's decision an entry.
    let part = "### AZD-06 — JSON streaming gate\n\n\
                - **Decision:** require a Core Tools proof.\n\
                - **Blocked tasks:** AZF-07.\n\n\
                ### 2. Storage\n\n**Decision:** one bucket.\n";
    assert_eq!(
        texts(part),
        [
            "**AZD-06 — JSON streaming gate:** require a Core Tools proof.",
            "one bucket."
        ]
    );
    // Labelled items beside a labelled decision under a decisions section's
    // own heading are decisions each, not its fields.
    let md = "## Key Decisions\n\n\
              - **Decision:** Use Rust for the CLI.\n\
              - **Database:** Postgres 16 for storage.\n\
              - **Cache:** Redis for sessions.\n";
    assert_eq!(texts(md).len(), 3, "{:?}", texts(md));
    // An entry's title ending in punctuation is said without it.
    let md = "### D1: Storage:\n\n- **Decision:** one bucket.\n";
    assert_eq!(texts(md), ["**D1: Storage:** one bucket."]);
    // A title naming decisions over sections of lists, in documents that
    // label no decision, keeps every list: beside a parked section, a named
    // one, or a deeper decisions section of a phase.
    for (md, want) in [
        (
            "# Architecture Decisions\n\n## Storage\n\n- Keep one bucket per env.\n\n\
             ## Deferred Decisions\n\n- Which CDN to use.\n",
            vec!["Keep one bucket per env."],
        ),
        (
            "# Decisions\n\n## Frontend decisions\n\n- Use React.\n\n## Backend\n\n- Use Go.\n",
            vec!["Use React.", "Use Go."],
        ),
        (
            "# Key Decisions\n\n- Use Postgres.\n\n## Phase 1\n\n### Decisions\n\n- Use Redis.\n",
            vec!["Use Postgres.", "Use Redis."],
        ),
    ] {
        assert_eq!(texts(md), want, "{md}");
    }
    // A title naming decisions with no decisions section under it keeps
    // every list of the document.
    let md = "# Architecture decisions\n\n## Storage\n\n- Keep one bucket per env.\n";
    assert_eq!(texts(md), ["Keep one bucket per env."]);
}
