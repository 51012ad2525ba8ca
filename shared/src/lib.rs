//! Kizuna's pure domain core: data in, decision out.
//!
//! Invariant: nothing in this crate does I/O or reads a clock. Time arrives as a
//! [`time::Millis`] parameter and randomness never appears (ids are derived by hashing
//! their inputs), so every rule here is tested natively with plain `cargo test`.
//! `tests/purity.rs` fails if a forbidden dependency enters the manifest.

// L0 primitives: import nothing from the crate but each other.
pub mod account;
pub mod account_mail;
pub mod event;
pub mod format;
pub mod identity;
pub mod ids;
pub mod invalid;
pub mod schedule;
pub mod session;
pub mod text;
pub mod time;
pub mod user_agent;
pub mod visitor_token;

// L1 fields, then filters.
pub mod field;
pub mod filter;

// L2 the domain.
pub mod bulk;
pub mod campaign;
pub mod channel;
pub mod counting;
pub mod deliver;
pub mod download;
pub mod outbound;
pub mod permission;
pub mod profile;
pub mod stats;

// L3 the boundary shapes: only the shells import these (`tests/layers.rs`).
pub mod store;
pub mod wire;

// L4 presentation: what a message looks like, for the widget and the console's preview.
pub mod render;
