//! One integration-test binary (faster to link than one per file).

mod common;

mod cards; // task cards: split, consolidate refresh, the real tree
mod check;
mod cli;
mod corpus;
mod corpus_migrate;
mod decisions;
mod fix;
mod generated; // replan's own files pass check; stale mentions, root-relative links
mod hostile;
mod init;
mod layers;
mod migrate; // migrate, restore and consolidate
mod patterns;
mod planted; // recall on generated PCC-style trees
mod props;
mod records; // MADR records in decisions.records_dir
mod root;
mod safety;
mod split;
mod status; // status.disagree, status.stale-plan
