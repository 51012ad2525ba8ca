//! The account's own pages: forgotten password, the pages the emailed links open
//! (reset, accept an invitation, confirm a new email), and the account screen (email,
//! password, sessions).

use crate::i18n::Key;
use crate::ui::{Brand, Ui};
use leptos::prelude::*;

#[component]
pub fn ForgotPassword(ui: Ui) -> impl IntoView {
    view! { <Brand ui /> <h1>{ui.t(Key::ForgotTitle)}</h1> }
}

#[component]
pub fn ResetPassword(ui: Ui) -> impl IntoView {
    view! { <Brand ui /> <h1>{ui.t(Key::ForgotTitle)}</h1> }
}

#[component]
pub fn AcceptInvitation(ui: Ui) -> impl IntoView {
    view! { <Brand ui /> <h1>{ui.t(Key::AcceptTitle)}</h1> }
}

#[component]
pub fn ConfirmEmail(ui: Ui) -> impl IntoView {
    view! { <Brand ui /> <h1>{ui.t(Key::ConfirmEmailTitle)}</h1> }
}

#[component]
pub fn Account(ui: Ui) -> impl IntoView {
    view! { <h1>{ui.t(Key::NavAccount)}</h1> }
}
