//! The admin API's shapes under their first name; they live in [`crate::wire::admin`],
//! the filter's JSON form in [`crate::filter::doc`] and field values in [`crate::field`].

// Compatibility re-exports until the edge moves to the new paths (issue 9).
pub use crate::field::FieldValue;
pub use crate::filter::doc::*;
pub use crate::wire::admin::*;
