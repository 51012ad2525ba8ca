//! The console's frame: the router from [`Screen`] to each screen's component, the
//! signed-in layout (channel switcher, the channel's pages, account, sign out) and the
//! language switch, plus sign-in and not-found. Every visible string comes from
//! [`crate::i18n`].

use crate::api;
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, text};
use crate::problem::{Problem, check_sign_in};
use crate::screen::{CampaignPage, ChannelPage, Screen};
use crate::ui::{Brand, LANG_STORAGE_KEY, Ui, current_screen};
use crate::{account, channel, parts};
use kizuna_shared::campaign::KindDoc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Console() -> impl IntoView {
    let ui = Ui::new();
    provide_context(ui);
    let _ = window_event_listener(leptos::ev::popstate, move |_| ui.screen.set(current_screen()));

    // A screen that needs a session loads the account first; without one, sign in.
    Effect::new(move |_| {
        let needs_session = !ui.screen.with(Screen::public);
        if needs_session && ui.me.with_untracked(Option::is_none) {
            ui.reload_me();
        }
    });

    Effect::new(move |_| {
        let lang = ui.lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        let title = ui.screen.with(title_key);
        document().set_title(&format!("{} · {}", text(lang, title), text(lang, Key::Product)));
    });

    view! {
        {move || {
            if ui.screen.with(Screen::public) {
                view! {
                    <div class="page">
                        <main id="main" class="card" tabindex="-1">{move || public_screen(ui)}</main>
                        <footer class="footer"><LanguageSwitch ui /></footer>
                    </div>
                }
                .into_any()
            } else {
                view! { <SignedIn ui /> }.into_any()
            }
        }}
    }
}

fn title_key(screen: &Screen) -> Key {
    match screen {
        Screen::Home => Key::HomeTitle,
        Screen::SignIn => Key::SignIn,
        Screen::ForgotPassword | Screen::ResetPassword => Key::ForgotTitle,
        Screen::AcceptInvitation => Key::AcceptTitle,
        Screen::ConfirmEmail => Key::ConfirmEmailTitle,
        Screen::Account => Key::NavAccount,
        Screen::NewChannel => Key::NewChannel,
        Screen::Channel { page, .. } => page_key(*page),
        Screen::Customer { .. } => Key::NavCustomers,
        Screen::NewCampaign { kind: KindDoc::Broadcast, .. } => Key::NavBroadcasts,
        Screen::Campaign { .. } | Screen::NewCampaign { .. } => Key::NavCampaigns,
        Screen::NotFound => Key::NotFoundTitle,
    }
}

fn page_key(page: ChannelPage) -> Key {
    match page {
        ChannelPage::Customers => Key::NavCustomers,
        ChannelPage::Segments => Key::NavSegments,
        ChannelPage::Broadcasts => Key::NavBroadcasts,
        ChannelPage::Campaigns => Key::NavCampaigns,
        ChannelPage::Fields => Key::NavFields,
        ChannelPage::Settings => Key::NavSettings,
        ChannelPage::Members => Key::NavMembers,
        ChannelPage::Tokens => Key::NavTokens,
        ChannelPage::Exports => Key::NavExports,
        ChannelPage::Audit => Key::NavAudit,
    }
}

fn public_screen(ui: Ui) -> AnyView {
    match ui.screen.get() {
        Screen::SignIn => view! { <SignIn ui /> }.into_any(),
        Screen::ForgotPassword => view! { <account::ForgotPassword ui /> }.into_any(),
        Screen::ResetPassword => view! { <account::ResetPassword ui /> }.into_any(),
        Screen::AcceptInvitation => view! { <account::AcceptInvitation ui /> }.into_any(),
        Screen::ConfirmEmail => view! { <account::ConfirmEmail ui /> }.into_any(),
        _ => view! { <NotFound ui /> }.into_any(),
    }
}

#[component]
fn LanguageSwitch(ui: Ui) -> impl IntoView {
    let switch = move |_| {
        let next = ui.lang.get_untracked().other();
        ui.lang.set(next);
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(LANG_STORAGE_KEY, next.tag());
        }
    };
    view! {
        <button type="button" class="language" lang=move || ui.lang.get().other().tag() on:click=switch>
            {ui.t(Key::OtherLanguage)}
        </button>
    }
}

/// The layout of every screen behind the session: a header with the channel switcher and
/// the account's links, the channel's pages, and the screen.
#[component]
fn SignedIn(ui: Ui) -> impl IntoView {
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::sign_out().await;
            ui.signed_out();
        });
    };
    let switch_channel = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if id.is_empty() {
            ui.go(Screen::Home, false);
        } else {
            let page = match ui.screen.get_untracked() {
                Screen::Channel { page, .. } if !page.owners_only() || ui.is_owner(&id) => page,
                _ => ChannelPage::Customers,
            };
            ui.go(Screen::Channel { channel: id, page }, false);
        }
    };
    let channel = move || ui.screen.with(|s| s.channel().map(str::to_owned));
    // Once the account is known, the other screens' parts arrive in the background.
    Effect::new(move |preloaded: Option<bool>| {
        if preloaded == Some(true) {
            return true;
        }
        let loaded = ui.me.with(Option::is_some);
        if loaded {
            parts::preload_all();
        }
        loaded
    });
    // What the main area shows changes only with the screen and the account's role there,
    // so reloading the account (after creating a channel, say) keeps a screen's state.
    let shown = Memo::new(move |_| {
        let screen = ui.screen.get();
        let loaded = ui.me.with(Option::is_some);
        loaded.then(|| {
            let role = screen.channel().and_then(|id| ui.role(id));
            (screen, role)
        })
    });
    let channels = move || ui.me.with(|me| me.as_ref().map(|me| me.channels.clone()).unwrap_or_default());

    let nav = move || {
        channel().map(|id| {
            let owner = ui.is_owner(&id);
            let links = ChannelPage::ALL
                .into_iter()
                .filter(|page| owner || !page.owners_only())
                .map(|page| {
                    let to = Screen::Channel { channel: id.clone(), page };
                    let current = {
                        let to = to.clone();
                        move || {
                            let here = ui.screen.get();
                            let same = here == to
                                || (page == ChannelPage::Customers && matches!(here, Screen::Customer { .. }));
                            same.then_some("page")
                        }
                    };
                    view! {
                        <li><a href=to.path() aria-current=current on:click=ui.follow(to.clone())>{ui.t(page_key(page))}</a></li>
                    }
                })
                .collect_view();
            view! { <nav class="channel-nav" aria-label=ui.t(Key::ChannelSwitch)><ul>{links}</ul></nav> }
        })
    };

    view! {
        <div class="shell">
            <a class="skip" href="#main">{ui.t(Key::SkipToContent)}</a>
            <header class="topbar">
                <a class="brand" href=Screen::Home.path() on:click=ui.follow(Screen::Home)>{ui.t(Key::Product)}</a>
                <label class="switch">
                    <span class="visually-hidden">{ui.t(Key::ChannelSwitch)}</span>
                    <select on:change=switch_channel prop:value=move || channel().unwrap_or_default()>
                        <option value="">{ui.t(Key::YourChannels)}</option>
                        {move || channels().into_iter().map(|c| {
                            let id = c.id.clone();
                            let selected = move || channel().as_deref() == Some(id.as_str());
                            view! { <option value=c.id.clone() selected=selected>{c.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <div class="spacer"></div>
                <a class="account" href=Screen::Account.path() on:click=ui.follow(Screen::Account)>
                    {move || ui.me.with(|me| me.as_ref().map(|me| me.account.email.clone()))}
                </a>
                <LanguageSwitch ui />
                <button type="button" class="secondary" on:click=sign_out>{ui.t(Key::SignOut)}</button>
            </header>
            {nav}
            <main id="main" class="content" tabindex="-1">
                {move || match shown.get() {
                    None => ui.loading(),
                    Some((screen, role)) => signed_in_screen(ui, screen, role),
                }}
            </main>
        </div>
    }
}

fn signed_in_screen(ui: Ui, screen: Screen, role: Option<String>) -> AnyView {
    if screen.channel().is_some() && role.is_none() {
        return view! { <NotFound ui /> }.into_any();
    }
    let owner = role.as_deref() == Some("owner");
    match screen {
        Screen::Home => view! { <channel::Home ui /> }.into_any(),
        Screen::NewChannel => view! { <channel::NewChannel ui /> }.into_any(),
        Screen::Account => view! { <account::Account ui /> }.into_any(),
        Screen::Channel { channel, page } => {
            if page.owners_only() && !owner {
                return view! { <OwnersOnly ui /> }.into_any();
            }
            match page {
                ChannelPage::Customers => parts::later(ui, parts::customers(ui, channel)),
                ChannelPage::Segments => parts::later(ui, parts::segments(ui, channel)),
                ChannelPage::Broadcasts => parts::later(ui, parts::campaign_lists(ui, channel, KindDoc::Broadcast)),
                ChannelPage::Campaigns => parts::later(ui, parts::campaign_lists(ui, channel, KindDoc::Automated)),
                ChannelPage::Fields => parts::later(ui, parts::fields(ui, channel)),
                ChannelPage::Settings => parts::later(ui, parts::settings(ui, channel)),
                ChannelPage::Members => parts::later(ui, parts::members(ui, channel)),
                ChannelPage::Tokens => parts::later(ui, parts::tokens(ui, channel)),
                ChannelPage::Exports => parts::later(ui, parts::exports(ui, channel)),
                ChannelPage::Audit => parts::later(ui, parts::audit(ui, channel)),
            }
        }
        Screen::Customer { channel, id } => parts::later(ui, parts::customer(ui, channel, id)),
        Screen::NewCampaign { channel, kind } => parts::later(ui, parts::campaign_edit(ui, channel, None, kind)),
        Screen::Campaign { channel, id, page: CampaignPage::Edit } => {
            parts::later(ui, parts::campaign_edit(ui, channel, Some(id), KindDoc::Automated))
        }
        Screen::Campaign { channel, id, page: CampaignPage::Stats } => {
            parts::later(ui, parts::campaign_stats(ui, channel, id))
        }
        _ => view! { <NotFound ui /> }.into_any(),
    }
}

#[component]
fn OwnersOnly(ui: Ui) -> impl IntoView {
    view! {
        <h1>{ui.t(Key::Forbidden)}</h1>
        <p class="lead">{ui.t(Key::OwnersOnly)}</p>
    }
}

#[component]
pub fn SignIn(ui: Ui) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problems = Problems::new(&["email", "password"]);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (address, secret) = (email.get_untracked().trim().to_owned(), password.get_untracked());
        let found = check_sign_in(&address, &secret);
        if !problems.ready(found, busy) {
            return;
        }
        spawn_local(async move {
            let answer = api::sign_in(&address, &secret).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    ui.me.set(None);
                    ui.go(Screen::Home, false);
                }
                Err(failure) => problems.set(vec![Problem::from(failure)]),
            }
        });
    };

    view! {
        <Brand ui />
        <h1>{ui.t(Key::SignInTitle)}</h1>
        <p class="lead">{ui.t(Key::SignInLead)}</p>
        <FormAlert ui problems />
        <form class="form" novalidate on:submit=submit>
            <TextInput ui problems name="email" label=Key::Email value=email kind="email" autocomplete="username" />
            <TextInput ui problems name="password" label=Key::Password value=password kind="password" autocomplete="current-password" />
            <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                {move || text(ui.lang.get(), if busy.get() { Key::SigningIn } else { Key::SignIn })}
            </button>
        </form>
        <p><a class="link" href=Screen::ForgotPassword.path() on:click=ui.follow(Screen::ForgotPassword)>{ui.t(Key::ForgotLink)}</a></p>
    }
}

#[component]
pub fn NotFound(ui: Ui) -> impl IntoView {
    view! {
        <h1>{ui.t(Key::NotFoundTitle)}</h1>
        <p class="lead">{ui.t(Key::NotFoundLead)}</p>
        <a class="link" href=Screen::Home.path() on:click=ui.follow(Screen::Home)>{ui.t(Key::GoHome)}</a>
    }
}
