//! The JSON that crosses an HTTP boundary: the widget's public API, the admin API and
//! the email provider's webhook, one module per boundary.
//!
//! Invariant: this is the top layer with `store`; only the shells import it, nothing in
//! the domain below does (`tests/layers.rs`). Requests refuse unknown fields, so a typo
//! is an error, not a no-op.

pub mod admin;
pub mod downloads;
pub mod public;
pub mod webhook;
