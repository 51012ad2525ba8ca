//! The stored shapes, versioned: the campaign and channel documents (D1 and the KV
//! publication) and the visitor's Durable Object record. Domain values are built from
//! them by validation, so invalid data never reaches the rules.
//!
//! Invariant: this is the top layer with `wire`; only the shells import it, nothing in
//! the domain below does (`tests/layers.rs`). A stored shape's JSON never changes:
//! a new shape is a new version beside the old one.

pub mod campaign_v1;
pub mod channel_v1;
pub mod visitor_v1;

pub use campaign_v1::*;
pub use channel_v1::*;
pub use visitor_v1::*;
