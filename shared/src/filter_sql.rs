//! The filter's SQL form under its first name; it lives in [`crate::filter::sql`].

// Compatibility re-exports until the edge moves to the new paths (issue 9).
pub use crate::filter::sql::*;
