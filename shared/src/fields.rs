//! The profile fields under their first name; they live in [`crate::field`] (settings),
//! [`crate::profile::change`] (writes) and [`crate::wire::admin`] (the admin shapes).

// Compatibility re-exports until the edge moves to the new paths (issue 9).
pub use crate::field::custom::*;
pub use crate::profile::change::*;
pub use crate::text::MAX_TEXT_CHARS;
pub use crate::wire::admin::{FieldIn, FieldOrder, FieldOut, FieldPatch, field_list};
