//! Profile settings: the channel's fields in order; add, rename, reorder (drag or
//! keyboard), hide, archive.

use crate::i18n::Key;
use crate::ui::Ui;
use leptos::prelude::*;

#[component]
pub fn Fields(ui: Ui, channel: String) -> impl IntoView {
    let _ = channel;
    view! { <h1>{ui.t(Key::NavFields)}</h1> }
}
