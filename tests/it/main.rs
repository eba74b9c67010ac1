//! One integration-test binary (faster to link than one per file).

mod common;

mod check;
mod consolidate;
mod corpus;
mod hostile;
mod migrate;
mod props;
mod split;
