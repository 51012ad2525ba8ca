//! The visitor's Durable Object as the rest of the worker sees it: the calls it takes
//! and their typed replies (`protocol`), and how to send them (`client`). The object itself
//! is `crate::object`.

mod client;
mod protocol;

pub use client::{call, call_json};
pub use protocol::{BroadcastReply, Deleted, Forgotten, RequestFacts, ShutDown, Ticked, Updated, VisitorCall};
