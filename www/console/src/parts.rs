//! The screens outside the console's first load. The split points below are cut out of
//! the wasm by `wasm-split` (scripts/lib.sh `build_console`) into four parts, each fetched
//! the first time one of its screens opens (and in the background once signed in):
//! `console_customers` (the customer list, a customer, segments), `console_campaigns`
//! (both campaign lists and the statistics screen), `console_campaign_edit` (the editor
//! with its live preview, the largest) and `console_settings` (channel settings, profile
//! fields, members, tokens, exports and the audit log). Code several parts share goes to
//! shared chunks. The first load keeps the frame, sign-in, the account screens, the home
//! and new-channel screens.
//!
//! Why four and not one per screen: `wasm-split` makes a chunk for every set of parts
//! that shares code, and twelve parts made 218 chunks, so a signed-in page load fetched
//! and instantiated about 230 wasm files. Screens a person uses together share a part.
//!
//! Invariant: a part that fails to load (offline, or a console left open across a deploy,
//! whose build folder is gone) shows [`Key::PartFailed`] with a way to reload, never a
//! dead page: the split points are `fallible`, and a failed load is not remembered, so
//! the next attempt fetches again.

use crate::i18n::Key;
use crate::ui::Ui;
use crate::{
    campaign_edit, campaign_stats, campaigns, channel, customer, customers, exports, fields, members, segments,
};
use kizuna_shared::campaign::KindDoc;
use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

/// A lazily loaded screen: "Loading…" until its part has arrived (once per visit; the
/// browser caches it), then the screen, or what to do when the part could not load.
pub fn later(ui: Ui, screen: impl Future<Output = Result<AnyView, SplitLoaderError>> + 'static) -> AnyView {
    // Single-threaded wasm: the future never leaves this thread.
    let screen = SendWrapper::new(async move { screen.await.unwrap_or_else(|_| failed(ui)) });
    view! { <Suspense fallback=move || ui.loading()>{Suspend::new(screen)}</Suspense> }.into_any()
}

fn failed(ui: Ui) -> AnyView {
    let reload = move |_| {
        let _ = window().location().reload();
    };
    view! {
        <div class="alert" role="alert">
            <p>{ui.t(Key::PartFailed)}</p>
            <button type="button" class="primary" on:click=reload>{ui.t(Key::ReloadConsole)}</button>
        </div>
    }
    .into_any()
}

/// Fetches every part in the background, one after another, once the signed-in frame is
/// up, so the first visit to a screen does not wait. A part that fails here is fetched
/// again when its screen opens.
pub fn preload_all() {
    spawn_local(async {
        // Failures are ignored here: the screen's own load tries again and says so.
        let _ = preload_customers().await;
        let _ = preload_campaigns().await;
        let _ = preload_campaign_edit().await;
        let _ = preload_settings().await;
    });
}

#[wasm_split(console_customers, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_customers))]
pub fn customers(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <customers::Customers ui channel /> }.into_any())
}

#[wasm_split(console_customers, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn customer(ui: Ui, channel: String, id: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <customer::CustomerPage ui channel id /> }.into_any())
}

#[wasm_split(console_customers, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn segments(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <segments::Segments ui channel /> }.into_any())
}

#[wasm_split(console_settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn fields(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <fields::Fields ui channel /> }.into_any())
}

#[wasm_split(console_settings, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_settings))]
pub fn settings(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <channel::Settings ui channel /> }.into_any())
}

#[wasm_split(console_settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn members(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <members::Members ui channel /> }.into_any())
}

#[wasm_split(console_settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn tokens(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <members::Tokens ui channel /> }.into_any())
}

#[wasm_split(console_campaign_edit, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_campaign_edit))]
pub fn campaign_edit(ui: Ui, channel: String, id: Option<String>, kind: KindDoc) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <campaign_edit::CampaignEditor ui channel id kind /> }.into_any())
}

#[wasm_split(console_campaigns, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn campaign_stats(ui: Ui, channel: String, id: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <campaign_stats::CampaignStats ui channel id /> }.into_any())
}

/// Both campaign lists (one-time broadcasts and automated campaigns) share one part.
#[wasm_split(console_campaigns, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_campaigns))]
pub fn campaign_lists(ui: Ui, channel: String, kind: KindDoc) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <campaigns::CampaignLists ui channel kind /> }.into_any())
}

/// The customer exports' job list (owners only).
#[wasm_split(console_settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn exports(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <exports::ExportJobs ui channel /> }.into_any())
}

/// The audit log of downloads (owners only).
#[wasm_split(console_settings, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn audit(ui: Ui, channel: String) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <exports::AuditLog ui channel /> }.into_any())
}
