//! Kizuna's admin console: a Leptos client-side app the worker serves at `/console/`.
//! The decisions (which screen a path is, what an API error says and where, every string
//! in both languages) are pure modules tested with `cargo test`; the rest touch the
//! browser and exist on wasm32 only.
//!
//! Layers (no module imports one above it): `app` (frame and router) → the screens
//! (`channel`, `members`, `account`, `customers`, `customer`, `segments`, `fields`,
//! `filter`, `campaigns`, `campaign_stats`, `campaign_edit` with its `preview`, `exports`
//! with the job list and the audit log) → `download_dialog` → `form` → `ui`, `api` → the
//! pure `campaign_list`, `channel_form`, `download`, `filter_edit`, `grid`,
//! `profile_input`, `screen`, `stats_period`, `variant_split`, `problem`, `i18n`.

pub mod campaign_list;
pub mod channel_form;
pub mod download;
pub mod filter_edit;
pub mod grid;
pub mod i18n;
pub mod problem;
pub mod profile_input;
pub mod screen;
pub mod stats_period;
pub mod variant_split;

#[cfg(target_arch = "wasm32")]
mod account;
#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod campaign_edit;
#[cfg(target_arch = "wasm32")]
mod campaign_stats;
#[cfg(target_arch = "wasm32")]
mod campaigns;
#[cfg(target_arch = "wasm32")]
mod channel;
#[cfg(target_arch = "wasm32")]
mod customer;
#[cfg(target_arch = "wasm32")]
mod customers;
#[cfg(target_arch = "wasm32")]
mod download_dialog;
#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod fields;
#[cfg(target_arch = "wasm32")]
mod filter;
#[cfg(target_arch = "wasm32")]
mod form;
#[cfg(target_arch = "wasm32")]
mod members;
#[cfg(target_arch = "wasm32")]
mod parts;
#[cfg(target_arch = "wasm32")]
mod preview;
#[cfg(target_arch = "wasm32")]
mod segments;
#[cfg(target_arch = "wasm32")]
mod ui;

/// Mounts the console into `<body>` when the module is instantiated.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::Console);
}
