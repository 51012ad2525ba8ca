//! The admin API's shapes under their first name; they live in [`crate::wire::admin`],
//! the filter's JSON form in [`crate::filter::doc`] and field values in [`crate::field`].

// Compatibility re-exports until the edge moves to the new paths (issue 9).
pub use crate::field::FieldValue;
pub use crate::filter::doc::*;
pub use crate::wire::admin::*;

// Compatibility: `edge/src/admin.rs` and `db.rs` still read this table (issue 9). SQL
// belongs to the edge's store: it moves there as one expression per `field::SortKey`
// when the edge is rewired; nothing in this crate reads it.
/// The sort keys customer lists offer, with their D1 columns (all NOT NULL or coalesced).
pub const SORTS: [(&str, &str); 4] = [
    ("lastSeenAt", "COALESCE(last_seen_at, 0)"),
    ("createdAt", "created_at"),
    ("updatedAt", "updated_at"),
    ("sessionsCount", "sessions_count"),
];
