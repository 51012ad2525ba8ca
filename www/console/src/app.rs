//! The console's screens as Leptos components, and the browser state they share: the
//! current [`Screen`] (kept in step with the address bar) and the [`Lang`] (from the
//! browser, switchable, remembered in `localStorage`). Every visible string comes from
//! [`crate::i18n`].

use crate::api;
use crate::i18n::{Key, Lang, text};
use crate::problem::{Failure, Field, Problem, check_sign_in};
use crate::screen::Screen;
use kizuna_shared::wire::admin::MeOut;
use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

const LANG_STORAGE_KEY: &str = "kizuna.console.lang";

/// What every screen reads: the language and the way to move to another screen.
#[derive(Clone, Copy)]
struct Ui {
    lang: RwSignal<Lang>,
    screen: RwSignal<Screen>,
}

impl Ui {
    fn t(self, key: Key) -> impl Fn() -> &'static str + Copy + 'static {
        move || text(self.lang.get(), key)
    }

    /// Shows `to` and puts its path in the address bar (replacing the current entry when
    /// the user did not ask to move, as when a missing session sends them to sign in).
    fn go(self, to: Screen, replace: bool) {
        if let Ok(history) = window().history() {
            let _ = if replace {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to.path()))
            } else {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to.path()))
            };
        }
        self.screen.set(to);
    }

    /// A link's click: moves inside the app unless the user asked for a new tab or window.
    fn follow(self, to: Screen) -> impl Fn(MouseEvent) + 'static {
        move |ev: MouseEvent| {
            if ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()) {
                ev.prevent_default();
                self.go(to, false);
            }
        }
    }
}

fn initial_lang() -> Lang {
    let remembered = window().local_storage().ok().flatten().and_then(|s| s.get_item(LANG_STORAGE_KEY).ok().flatten());
    let tag = remembered.or_else(|| window().navigator().language()).unwrap_or_default();
    Lang::from_tag(&tag)
}

fn current_screen() -> Screen {
    Screen::from_path(&window().location().pathname().unwrap_or_default())
}

#[component]
pub fn Console() -> impl IntoView {
    let ui = Ui { lang: RwSignal::new(initial_lang()), screen: RwSignal::new(current_screen()) };
    let _ = window_event_listener(leptos::ev::popstate, move |_| ui.screen.set(current_screen()));

    Effect::new(move |_| {
        let lang = ui.lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        let title = match ui.screen.get() {
            Screen::Home => Key::HomeTitle,
            Screen::SignIn => Key::SignIn,
            Screen::NotFound => Key::NotFoundTitle,
        };
        document().set_title(&format!("{} · {}", text(lang, title), text(lang, Key::Product)));
    });

    let switch = move |_| {
        let next = ui.lang.get_untracked().other();
        ui.lang.set(next);
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(LANG_STORAGE_KEY, next.tag());
        }
    };

    view! {
        <div class="page">
            <main class="card">
                {move || match ui.screen.get() {
                    Screen::SignIn => view! { <SignIn ui /> }.into_any(),
                    Screen::Home => view! { <Home ui /> }.into_any(),
                    Screen::NotFound => view! { <NotFound ui /> }.into_any(),
                }}
            </main>
            <footer class="footer">
                <button type="button" class="language" lang=move || ui.lang.get().other().tag() on:click=switch>
                    {ui.t(Key::OtherLanguage)}
                </button>
            </footer>
        </div>
    }
}

#[component]
fn Brand(ui: Ui) -> impl IntoView {
    view! { <p class="brand">{ui.t(Key::Product)}</p> }
}

#[component]
fn SignIn(ui: Ui) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let busy = RwSignal::new(false);
    let email_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();

    let beside = move |field: Field| {
        move || problems.with(|all| all.iter().find(|p| p.field == Some(field)).map(|p| p.message(ui.lang.get())))
    };
    let above = move || problems.with(|all| all.iter().find(|p| p.field.is_none()).map(|p| p.message(ui.lang.get())));
    let focus_first_problem = move |found: &[Problem]| {
        let input = match found.iter().find_map(|p| p.field) {
            Some(Field::Email) => email_input.get(),
            Some(Field::Password) => password_input.get(),
            None => None,
        };
        if let Some(input) = input {
            let _ = input.focus();
        }
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (address, secret) = (email.get_untracked().trim().to_owned(), password.get_untracked());
        let found = check_sign_in(&address, &secret);
        if !found.is_empty() {
            focus_first_problem(&found);
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            let answer = api::sign_in(&address, &secret).await;
            busy.set(false);
            match answer {
                Ok(_) => ui.go(Screen::Home, false),
                Err(failure) => {
                    let found = vec![Problem::from(failure)];
                    focus_first_problem(&found);
                    problems.set(found);
                }
            }
        });
    };

    let email_error = beside(Field::Email);
    let password_error = beside(Field::Password);
    view! {
        <Brand ui />
        <h1>{ui.t(Key::SignInTitle)}</h1>
        <p class="lead">{ui.t(Key::SignInLead)}</p>
        <div class="alert" role="alert">{above}</div>
        <form class="form" novalidate on:submit=submit>
            <div class="field">
                <label for="email">{ui.t(Key::Email)}</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    inputmode="email"
                    node_ref=email_input
                    bind:value=email
                    aria-invalid=move || email_error().is_some().then_some("true")
                    aria-describedby=move || email_error().is_some().then_some("email-error")
                />
                <p id="email-error" class="field-error">{email_error}</p>
            </div>
            <div class="field">
                <label for="password">{ui.t(Key::Password)}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    node_ref=password_input
                    bind:value=password
                    aria-invalid=move || password_error().is_some().then_some("true")
                    aria-describedby=move || password_error().is_some().then_some("password-error")
                />
                <p id="password-error" class="field-error">{password_error}</p>
            </div>
            <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                {move || text(ui.lang.get(), if busy.get() { Key::SigningIn } else { Key::SignIn })}
            </button>
        </form>
    }
}

#[component]
fn Home(ui: Ui) -> impl IntoView {
    let account = RwSignal::new(None::<Result<MeOut, Problem>>);
    spawn_local(async move {
        match api::me().await {
            Ok(found) => account.set(Some(Ok(found))),
            Err(Failure::Answered { status: 401, .. }) => ui.go(Screen::SignIn, true),
            Err(failure) => account.set(Some(Err(Problem::from(failure)))),
        }
    });
    let sign_out = move |_| {
        spawn_local(async move {
            match api::sign_out().await {
                Ok(()) => ui.go(Screen::SignIn, false),
                Err(failure) => account.set(Some(Err(Problem::from(failure)))),
            }
        });
    };

    view! {
        <Brand ui />
        <h1>{ui.t(Key::HomeTitle)}</h1>
        {move || match account.get() {
            None => view! { <p class="lead" aria-live="polite">{ui.t(Key::Loading)}</p> }.into_any(),
            Some(Ok(me)) => {
                let channels = if me.channels.is_empty() {
                    view! { <p>{ui.t(Key::NoChannels)}</p> }.into_any()
                } else {
                    let items = me
                        .channels
                        .into_iter()
                        .map(|c| {
                            let role = if c.role == "owner" { Key::RoleOwner } else { Key::RoleMember };
                            view! { <li><span class="channel">{c.name}</span> " " <span class="role">{ui.t(role)}</span></li> }
                        })
                        .collect_view();
                    view! { <ul class="channels">{items}</ul> }.into_any()
                };
                view! {
                    <p class="lead">{ui.t(Key::SignedInAs)} " " <strong class="account">{me.account.email}</strong></p>
                    <h2>{ui.t(Key::YourChannels)}</h2>
                    {channels}
                    <button type="button" class="secondary" on:click=sign_out>{ui.t(Key::SignOut)}</button>
                }
                .into_any()
            }
            Some(Err(problem)) => view! {
                <div class="alert" role="alert">{move || problem.message(ui.lang.get())}</div>
                <a class="link" href=Screen::SignIn.path() on:click=ui.follow(Screen::SignIn)>{ui.t(Key::GoToSignIn)}</a>
            }.into_any(),
        }}
    }
}

#[component]
fn NotFound(ui: Ui) -> impl IntoView {
    view! {
        <Brand ui />
        <h1>{ui.t(Key::NotFoundTitle)}</h1>
        <p class="lead">{ui.t(Key::NotFoundLead)}</p>
        <a class="link" href=Screen::Home.path() on:click=ui.follow(Screen::Home)>{ui.t(Key::GoHome)}</a>
    }
}
