//! Kizuna's pure domain core: data in, decision out.
//!
//! Invariant: nothing in this crate does I/O or reads a clock. Time arrives as a
//! [`time::Millis`] parameter and randomness never appears (ids are derived by hashing
//! their inputs), so every rule here is tested natively with plain `cargo test`.
//! `tests/purity.rs` fails if a forbidden dependency enters the manifest.

pub mod admin_wire;
pub mod bulk;
pub mod campaign;
pub mod channel;
pub mod counting;
pub mod customer;
pub mod deliver;
pub mod event;
pub mod fields;
pub mod filter;
pub mod filter_sql;
pub mod format;
pub mod identity;
pub mod ids;
pub mod outbound;
pub mod profile;
pub mod schedule;
pub mod session;
pub mod stats;
pub mod stored;
pub mod time;
pub mod user_agent;
pub mod wire;
