//! One integration-test binary (faster to link than one per file).

mod common;

mod check;
mod cli;
mod corpus;
mod corpus_migrate;
mod decisions;
mod fix;
mod hostile;
mod layers;
mod migrate; // migrate, restore and consolidate
mod props;
mod root;
mod safety;
mod split;
