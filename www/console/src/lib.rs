//! Kizuna's admin console: a Leptos client-side app the worker serves at `/console/`.
//! The decisions (which screen a path is, what an API error says and where, every string
//! in both languages) are pure modules tested with `cargo test`; only `app` and `api`
//! touch the browser.

pub mod i18n;
pub mod problem;
pub mod screen;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;

/// Mounts the console into `<body>` when the module is instantiated.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::Console);
}
