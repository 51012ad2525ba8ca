//! A channel's people and keys: members with their roles, invitations (each link to
//! copy), and API tokens.

use crate::i18n::Key;
use crate::ui::Ui;
use leptos::prelude::*;

#[component]
pub fn Members(ui: Ui, channel: String) -> impl IntoView {
    let _ = channel;
    view! { <h1>{ui.t(Key::NavMembers)}</h1> }
}

#[component]
pub fn Tokens(ui: Ui, channel: String) -> impl IntoView {
    let _ = channel;
    view! { <h1>{ui.t(Key::NavTokens)}</h1> }
}
