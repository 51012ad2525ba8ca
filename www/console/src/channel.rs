//! The account's channels: the home list, creating a channel, a channel's settings (the
//! script tag, the HMAC snippet, whether the tag was seen, time zone, business hours,
//! frequency cap, identity verification) and deleting it.

use crate::api;
use crate::i18n::Key;
use crate::screen::{ChannelPage, Screen};
use crate::ui::Ui;
use leptos::prelude::*;

/// `/console/`: the account's channels, each opening its customers.
#[component]
pub fn Home(ui: Ui) -> impl IntoView {
    let channels = move || ui.me.with(|me| me.as_ref().map(|me| me.channels.clone()).unwrap_or_default());
    let _ = api::encode;
    view! {
        <h1>{ui.t(Key::YourChannels)}</h1>
        {move || {
            let channels = channels();
            if channels.is_empty() {
                return view! { <p>{ui.t(Key::NoChannels)}</p> }.into_any();
            }
            let items = channels
                .into_iter()
                .map(|c| {
                    let role = if c.role == "owner" { Key::RoleOwner } else { Key::RoleMember };
                    let to = Screen::Channel { channel: c.id.clone(), page: ChannelPage::Customers };
                    view! {
                        <li>
                            <a class="channel" href=to.path() on:click=ui.follow(to.clone())>{c.name}</a>
                            " "
                            <span class="role">{ui.t(role)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="channels">{items}</ul> }.into_any()
        }}
        <a class="button" href=Screen::NewChannel.path() on:click=ui.follow(Screen::NewChannel)>{ui.t(Key::NewChannel)}</a>
    }
}

#[component]
pub fn NewChannel(ui: Ui) -> impl IntoView {
    view! { <h1>{ui.t(Key::NewChannel)}</h1> }
}

#[component]
pub fn Settings(ui: Ui, channel: String) -> impl IntoView {
    let _ = channel;
    view! { <h1>{ui.t(Key::NavSettings)}</h1> }
}
