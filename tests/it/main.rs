//! One integration-test binary (faster to link than one per file).

mod common;

mod check;
mod cli;
mod corpus;
mod decisions;
mod hostile;
mod layers;
mod migrate; // migrate, restore and consolidate
mod patterns;
mod props;
mod root;
mod safety;
mod split;
