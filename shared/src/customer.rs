//! The field schema under its first name; it lives in [`crate::field::schema`].

// Compatibility re-exports until the edge moves to the new paths (issue 9).
pub use crate::field::schema::*;
