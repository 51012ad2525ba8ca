//! The stored shapes under their first name; they live in [`crate::store`] now.

// Compatibility re-exports until the edge moves to the new paths (issue 9).
pub use crate::campaign::{ButtonDoc, MessageDoc, SenderDoc};
pub use crate::invalid::FieldError;
pub use crate::store::*;
pub use crate::text::{MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS};
