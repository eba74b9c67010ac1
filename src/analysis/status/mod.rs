//! Status that agrees: how far each subphase of the active plans is by its own
//! text ([`derive`], [`units`]), what status files claim about phases
//! ([`claims`]), and the two rules that compare them: `status.disagree` (a
//! claim of done against open subphases) and `status.stale-plan` (a plan all
//! done, still among the active ones). The card planner and the folder index
//! show the same derived status ([`derive::of_text`]).

pub(crate) mod claims;
pub mod derive;
pub(crate) mod disagree;
pub(crate) mod stale;
pub(crate) mod units;

#[cfg(test)]
mod tests;
