//! Tests for consolidate (to be filled).
