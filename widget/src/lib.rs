//! Kizuna's visitor widget, loaded by one `<script async>` tag on a customer's site.
//!
//! `machine` (what to do), `outbox` (the events
//! not yet delivered), `polling` (when to ask for messages) and `launcher` (the unread
//! messages' button) are pure and tested natively; `app` wires them to the browser,
//! where only `dom` touches the DOM (drawing a message with `kizuna_shared::render`), `net` the network and `saved` the browser's storage.
//! The widget never throws into the host page: every browser call's failure is handled
//! or swallowed here.

pub mod json;
pub mod launcher;
pub mod machine;
pub mod outbox;
pub mod polling;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod net;
#[cfg(target_arch = "wasm32")]
mod saved;
