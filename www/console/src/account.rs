//! The account's own pages: forgotten password, the pages the emailed links open
//! (reset, accept an invitation, confirm a new email), and the account screen (email,
//! password, sessions).
//!
//! A link's token is read from the address bar once; the API decides whether it still
//! works, and a refused link (unknown, expired, used, revoked) replaces the form with
//! what happened and where to go next. Asking for a reset always gets the same answer,
//! so nobody learns which addresses have an account.

use crate::api;
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill, text};
use crate::members::{reword, role_key};
use crate::problem::{Problem, check_email, check_name, check_new_password};
use crate::screen::{ChannelPage, Screen};
use crate::ui::focus_later;
use crate::ui::{Brand, Ui, load_failed, query};
use kizuna_shared::wire::admin::{
    AcceptIn, AcceptedOut, AccountOut, EmailChangeIn, InvitationView, NewPasswordIn, PasswordChangeIn, PasswordResetIn,
    SessionList, SessionOut,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The message for a refused link's problem (`token` named), in this page's words.
fn link_refusal(problem: &Problem, gone: Key, unknown: Key) -> Option<Key> {
    match (problem.field.as_deref(), problem.key) {
        (Some("token"), Key::LinkGone) => Some(gone),
        (Some("token"), _) => Some(unknown),
        _ => None,
    }
}

/// A submit button that says it is busy while its request runs.
#[component]
fn Submit(ui: Ui, busy: RwSignal<bool>, idle: Key, working: Key) -> impl IntoView {
    view! {
        <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
            {move || text(ui.lang.get(), if busy.get() { working } else { idle })}
        </button>
    }
}

/// A link to another screen of the console.
#[component]
fn GoTo(ui: Ui, to: Screen, label: Key) -> impl IntoView {
    view! { <p><a class="link" href=to.path() on:click=ui.follow(to.clone())>{ui.t(label)}</a></p> }
}

/// `/console/forgot-password`: asks for a reset link; the answer never says whether the
/// address has an account.
#[component]
pub fn ForgotPassword(ui: Ui) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let problems = Problems::new(&["email"]);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let address = email.get_untracked().trim().to_owned();
        let found = check_email("email", &address);
        if !problems.ready(found, busy) {
            return;
        }
        spawn_local(async move {
            let body = PasswordResetIn { email: address };
            let answer = api::send_json::<serde_json::Value>("POST", "/admin/v1/password-resets", &body).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    sent.set(true);
                    focus_later("sent");
                }
                Err(failure) => problems.failed(failure),
            }
        });
    };
    view! {
        <Brand ui />
        <h1>{ui.t(Key::ForgotTitle)}</h1>
        <p id="sent" class="notice" role="status" tabindex="-1">{move || sent.get().then(|| text(ui.lang.get(), Key::ForgotSent))}</p>
        <Show when=move || !sent.get()>
            <p class="lead">{ui.t(Key::ForgotLead)}</p>
            <FormAlert ui problems />
            <form class="form" novalidate on:submit=submit>
                <TextInput ui problems name="email" label=Key::Email value=email kind="email" autocomplete="username" />
                <Submit ui busy idle=Key::SendLink working=Key::LinkSending />
            </form>
        </Show>
        <GoTo ui to=Screen::SignIn label=Key::BackToSignIn />
    }
}

/// `/console/reset-password?token=`: a new password, typed twice.
#[component]
pub fn ResetPassword(ui: Ui) -> impl IntoView {
    let token = query("token").filter(|t| !t.is_empty());
    let refused = RwSignal::new(token.is_none().then_some(Key::LinkMissing));
    let token = StoredValue::new(token.unwrap_or_default());
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let problems = Problems::new(&["newPassword", "newPasswordAgain"]);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (new, repeated) = (password.get_untracked(), again.get_untracked());
        let found = check_new_password(&new, Some(&repeated), "newPassword", "newPasswordAgain");
        if !problems.ready(found, busy) {
            return;
        }
        let path = format!("/admin/v1/password-resets/{}", api::encode(&token.get_value()));
        spawn_local(async move {
            let answer = api::send_json::<serde_json::Value>("POST", &path, &NewPasswordIn { new_password: new }).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    done.set(true);
                    focus_later("done");
                }
                Err(failure) => {
                    let problem = Problem::from(failure);
                    match link_refusal(&problem, Key::LinkGone, Key::LinkUnknown) {
                        Some(key) => refused.set(Some(key)),
                        None => problems.set(vec![problem]),
                    }
                }
            }
        });
    };
    view! {
        <Brand ui />
        <h1>{ui.t(Key::ForgotTitle)}</h1>
        {move || {
            if let Some(key) = refused.get() {
                return view! {
                    <div class="alert" role="alert">{ui.t(key)}</div>
                    <GoTo ui to=Screen::ForgotPassword label=Key::AskAgain />
                }
                .into_any();
            }
            if done.get() {
                return view! {
                    <p id="done" class="notice" role="status" tabindex="-1">{ui.t(Key::ResetDone)}</p>
                    <GoTo ui to=Screen::SignIn label=Key::GoToSignIn />
                }
                .into_any();
            }
            view! {
                <p class="lead">{ui.t(Key::ResetLead)}</p>
                <FormAlert ui problems />
                <form class="form" novalidate on:submit=submit>
                    <TextInput ui problems name="newPassword" label=Key::NewPassword value=password kind="password" autocomplete="new-password" />
                    <TextInput ui problems name="newPasswordAgain" label=Key::NewPasswordAgain value=again kind="password" autocomplete="new-password" />
                    <Submit ui busy idle=Key::SetPassword working=Key::Saving />
                </form>
            }
            .into_any()
        }}
    }
}

/// `/console/accept?token=`: what the invitation offers; a signed-in account joins with
/// one button, a new person makes an account (name and password; the invited email).
#[component]
pub fn AcceptInvitation(ui: Ui) -> impl IntoView {
    let token = query("token").filter(|t| !t.is_empty());
    let refused = RwSignal::new(token.is_none().then_some(Key::LinkMissing));
    let token = StoredValue::new(token.unwrap_or_default());
    let offer = RwSignal::new(None::<InvitationView>);
    let signed_in = RwSignal::new(None::<AccountOut>);
    let load_problem = RwSignal::new(None::<Problem>);
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let problems = Problems::new(&["name", "password", "passwordAgain"]);
    let busy = RwSignal::new(false);

    if refused.get_untracked().is_none() {
        let path = format!("/admin/v1/invitations/{}", api::encode(&token.get_value()));
        spawn_local(async move {
            match api::get::<InvitationView>(&path).await {
                Ok(found) => {
                    // Already signed in? Then joining is one button.
                    if let Ok(me) = api::me().await {
                        signed_in.set(Some(me.account));
                    }
                    offer.set(Some(found));
                }
                Err(failure) => {
                    let problem = Problem::from(failure);
                    match link_refusal(&problem, Key::InviteGone, Key::InviteUnknown) {
                        Some(key) => refused.set(Some(key)),
                        None => load_problem.set(Some(problem)),
                    }
                }
            }
        });
    }

    let accept = move |body: AcceptIn| {
        busy.set(true);
        problems.clear();
        let path = format!("/admin/v1/invitations/{}/accept", api::encode(&token.get_value()));
        spawn_local(async move {
            let answer = api::send_json::<AcceptedOut>("POST", &path, &body).await;
            busy.set(false);
            match answer {
                Ok(joined) => {
                    // The new membership (and maybe the new session) is read afresh.
                    ui.me.set(None);
                    ui.go(Screen::Channel { channel: joined.channel.id, page: ChannelPage::Customers }, false);
                }
                Err(failure) => {
                    let problem = reword(Problem::from(failure), "email", Key::HaveAccount);
                    match link_refusal(&problem, Key::InviteGone, Key::InviteUnknown) {
                        Some(key) => refused.set(Some(key)),
                        None => problems.set(vec![problem]),
                    }
                }
            }
        });
    };
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (who, secret, repeated) =
            (name.get_untracked().trim().to_owned(), password.get_untracked(), again.get_untracked());
        let mut found = check_name("name", &who, Key::NameMissing);
        found.extend(check_new_password(&secret, Some(&repeated), "password", "passwordAgain"));
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        accept(AcceptIn { name: Some(who), password: Some(secret) });
    };
    let join = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            accept(AcceptIn::default());
        }
    };

    view! {
        <Brand ui />
        <h1>{ui.t(Key::AcceptTitle)}</h1>
        {move || {
            if let Some(key) = refused.get() {
                return view! {
                    <div class="alert" role="alert">{ui.t(key)}</div>
                    <GoTo ui to=Screen::SignIn label=Key::GoToSignIn />
                }
                .into_any();
            }
            if let Some(problem) = load_problem.get() {
                return view! { <div class="alert" role="alert">{move || problem.message(ui.lang.get())}</div> }.into_any();
            }
            let Some(found) = offer.get() else {
                return ui.loading();
            };
            let lead = {
                let (inviter, channel) = (found.inviter.clone(), found.channel.name.clone());
                move || fill(&fill(text(ui.lang.get(), Key::AcceptLead), "inviter", &inviter), "channel", &channel)
            };
            let facts = view! {
                <p class="lead">{lead}</p>
                <dl class="facts">
                    <dt>{ui.t(Key::InvitedEmail)}</dt>
                    <dd class="email">{found.email.clone()}</dd>
                    <dt>{ui.t(Key::InvitedAs)}</dt>
                    <dd>{ui.t(role_key(&found.role))}</dd>
                </dl>
            };
            let form = match signed_in.get() {
                Some(account) => view! {
                    <p>{move || fill(text(ui.lang.get(), Key::JoinAs), "email", &account.email)}</p>
                    <FormAlert ui problems />
                    <form class="form" novalidate on:submit=join>
                        <Submit ui busy idle=Key::Join working=Key::Joining />
                    </form>
                }
                .into_any(),
                None => view! {
                    <p>{ui.t(Key::CreateAccountLead)}</p>
                    <FormAlert ui problems />
                    <form class="form" novalidate on:submit=create>
                        <TextInput ui problems name="name" label=Key::YourName value=name autocomplete="name" />
                        <TextInput ui problems name="password" label=Key::ChoosePassword value=password kind="password" autocomplete="new-password" hint=Key::PasswordTooShort />
                        <TextInput ui problems name="passwordAgain" label=Key::NewPasswordAgain value=again kind="password" autocomplete="new-password" />
                        <Submit ui busy idle=Key::CreateAndJoin working=Key::Joining />
                    </form>
                    <p class="hint">{ui.t(Key::HaveAccountHint)}" "<a class="link" href=Screen::SignIn.path() on:click=ui.follow(Screen::SignIn)>{ui.t(Key::SignIn)}</a></p>
                }
                .into_any(),
            };
            view! { {facts} {form} }.into_any()
        }}
    }
}

/// `/console/confirm-email?token=`: makes the address the link was sent to the account's.
#[component]
pub fn ConfirmEmail(ui: Ui) -> impl IntoView {
    let token = query("token").filter(|t| !t.is_empty());
    let refused = RwSignal::new(token.is_none().then_some(Key::LinkMissing));
    let token = StoredValue::new(token.unwrap_or_default());
    let problems = Problems::new(&[]);
    let busy = RwSignal::new(false);
    let confirmed = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problems.clear();
        let path = format!("/admin/v1/email-changes/{}", api::encode(&token.get_value()));
        spawn_local(async move {
            let answer = api::send_json::<serde_json::Value>("POST", &path, &serde_json::json!({})).await;
            busy.set(false);
            match answer {
                Ok(reply) => {
                    ui.me.set(None);
                    confirmed.set(Some(reply.get("email").and_then(|e| e.as_str()).unwrap_or_default().to_owned()));
                    focus_later("done");
                }
                Err(failure) => {
                    let problem = reword(Problem::from(failure), "email", Key::EmailTaken);
                    match link_refusal(&problem, Key::LinkGone, Key::LinkUnknown) {
                        Some(key) => refused.set(Some(key)),
                        None => problems.set(vec![problem]),
                    }
                }
            }
        });
    };
    view! {
        <Brand ui />
        <h1>{ui.t(Key::ConfirmEmailTitle)}</h1>
        {move || {
            if let Some(key) = refused.get() {
                return view! {
                    <div class="alert" role="alert">{ui.t(key)}</div>
                    <GoTo ui to=Screen::Account label=Key::NavAccount />
                }
                .into_any();
            }
            if let Some(email) = confirmed.get() {
                return view! {
                    <p id="done" class="notice" role="status" tabindex="-1">{move || fill(text(ui.lang.get(), Key::EmailConfirmed), "email", &email)}</p>
                    <GoTo ui to=Screen::Home label=Key::GoHome />
                }
                .into_any();
            }
            view! {
                <p class="lead">{ui.t(Key::ConfirmEmailLead)}</p>
                <FormAlert ui problems />
                <form class="form" novalidate on:submit=submit>
                    <Submit ui busy idle=Key::ConfirmEmailButton working=Key::EmailConfirming />
                </form>
            }
            .into_any()
        }}
    }
}

/// A short name for a session's browser, from its user agent.
fn browser(user_agent: &str) -> Option<String> {
    let name = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        .into_iter()
        .find(|(mark, _)| user_agent.contains(mark))
        .map(|(_, name)| name)?;
    let os = [
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, os)| os);
    Some(match os {
        Some(os) => format!("{name} · {os}"),
        None => name.to_owned(),
    })
}

/// `/console/account`: who is signed in, the password and email changes, the sessions.
#[component]
pub fn Account(ui: Ui) -> impl IntoView {
    let account = move || ui.me.with(|me| me.as_ref().map(|me| me.account.clone()));
    let sessions = RwSignal::new(None::<Vec<SessionOut>>);
    let sessions_problem = RwSignal::new(None::<Problem>);
    let sessions_status = RwSignal::new(None::<Key>);
    let load_sessions = move || {
        spawn_local(async move {
            match api::get::<SessionList>("/admin/v1/sessions").await {
                Ok(list) => sessions.set(Some(list.sessions)),
                Err(failure) => sessions_problem.set(load_failed(ui, failure)),
            }
        });
    };
    load_sessions();

    // Password.
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let password_problems = Problems::new(&["currentPassword", "newPassword", "newPasswordAgain"]);
    let password_busy = RwSignal::new(false);
    let password_done = RwSignal::new(false);
    let change_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        if password_busy.get_untracked() {
            return;
        }
        password_done.set(false);
        let (old, new, repeated) = (current.get_untracked(), new_password.get_untracked(), again.get_untracked());
        let mut found = Vec::new();
        if old.is_empty() {
            found.push(Problem::at("currentPassword", Key::PasswordMissing));
        }
        found.extend(check_new_password(&new, Some(&repeated), "newPassword", "newPasswordAgain"));
        if !found.is_empty() {
            password_problems.set(found);
            return;
        }
        password_problems.clear();
        password_busy.set(true);
        spawn_local(async move {
            let body = PasswordChangeIn { current_password: old, new_password: new };
            let answer = api::send_json::<serde_json::Value>("PUT", "/admin/v1/me/password", &body).await;
            password_busy.set(false);
            match answer {
                Ok(_) => {
                    for field in [current, new_password, again] {
                        field.set(String::new());
                    }
                    password_done.set(true);
                    load_sessions();
                }
                Err(failure) => password_problems.failed(failure),
            }
        });
    };

    // Email.
    let new_email = RwSignal::new(String::new());
    let email_password = RwSignal::new(String::new());
    let email_problems = Problems::new(&["email", "emailCurrentPassword"]);
    let email_busy = RwSignal::new(false);
    let email_pending = RwSignal::new(None::<String>);
    let change_email = move |ev: SubmitEvent| {
        ev.prevent_default();
        if email_busy.get_untracked() {
            return;
        }
        email_pending.set(None);
        let (address, secret) = (new_email.get_untracked().trim().to_owned(), email_password.get_untracked());
        let mut found = check_email("email", &address);
        if secret.is_empty() {
            found.push(Problem::at("emailCurrentPassword", Key::PasswordMissing));
        }
        if !found.is_empty() {
            email_problems.set(found);
            return;
        }
        email_problems.clear();
        email_busy.set(true);
        spawn_local(async move {
            let body = EmailChangeIn { email: address.clone(), current_password: secret };
            let answer = api::send_json::<serde_json::Value>("PUT", "/admin/v1/me/email", &body).await;
            email_busy.set(false);
            match answer {
                Ok(_) => {
                    new_email.set(String::new());
                    email_password.set(String::new());
                    email_pending.set(Some(address));
                }
                Err(failure) => {
                    let mut problem = reword(Problem::from(failure), "email", Key::EmailTaken);
                    // This form's password input has its own id (the password form has one too).
                    if problem.field.as_deref() == Some("currentPassword") {
                        problem.field = Some("emailCurrentPassword".to_owned());
                    }
                    email_problems.set(vec![problem]);
                }
            }
        });
    };

    // Sessions.
    let revoke = move |ids: Vec<String>, done: Key| {
        sessions_problem.set(None);
        sessions_status.set(None);
        spawn_local(async move {
            for id in ids {
                let path = format!("/admin/v1/sessions/{}", api::encode(&id));
                if let Err(failure) = api::send_done("DELETE", &path, None).await {
                    sessions_problem.set(load_failed(ui, failure));
                    load_sessions();
                    return;
                }
            }
            sessions_status.set(Some(done));
            load_sessions();
            focus_later("sessions-title");
        });
    };
    let others = move || {
        sessions.with(|s| s.as_ref().map(|s| s.iter().filter(|s| !s.current).map(|s| s.id.clone()).collect::<Vec<_>>()))
    };
    let session_rows = move || {
        let list = sessions.get()?;
        let rows = list
            .into_iter()
            .map(|s| {
                let what = browser(&s.user_agent);
                let what_text = move || what.clone().unwrap_or_else(|| text(ui.lang.get(), Key::UnknownDevice).to_owned());
                let made = move || ui.time(s.created_at, None);
                let used = move || ui.time(s.last_used_at, None);
                let end = if s.current {
                    view! { <span class="badge">{ui.t(Key::ThisSession)}</span> }.into_any()
                } else {
                    let id = s.id.clone();
                    let label = {
                        let what_text = what_text.clone();
                        move || format!("{} ({})", text(ui.lang.get(), Key::SignOut), what_text())
                    };
                    view! {
                        <button type="button" class="secondary small" aria-label=label on:click=move |_| revoke(vec![id.clone()], Key::SessionRevoked)>
                            {ui.t(Key::SignOut)}
                        </button>
                    }
                    .into_any()
                };
                view! {
                    <tr class:current=s.current>
                        <td title=s.user_agent.clone()>{what_text}</td>
                        <td>{made}</td>
                        <td>{used}</td>
                        <td>{end}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="data sessions">
                <thead>
                    <tr>
                        <th scope="col">{ui.t(Key::SessionDevice)}</th>
                        <th scope="col">{ui.t(Key::SessionSignedIn)}</th>
                        <th scope="col">{ui.t(Key::SessionLastUsed)}</th>
                        <th scope="col"><span class="visually-hidden">{ui.t(Key::MemberActions)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };

    view! {
        <h1>{ui.t(Key::NavAccount)}</h1>
        <p class="lead">{ui.t(Key::AccountLead)}</p>
        <section class="panel">
            <h2>{ui.t(Key::ProfileTitle)}</h2>
            <dl class="facts">
                <dt>{ui.t(Key::MemberName)}</dt>
                <dd>{move || account().map(|a| a.name)}</dd>
                <dt>{ui.t(Key::Email)}</dt>
                <dd class="email" id="account-email">{move || account().map(|a| a.email)}</dd>
            </dl>
        </section>
        <div class="two-up">
            <section class="panel">
                <h2>{ui.t(Key::ChangePasswordTitle)}</h2>
                <p class="hint">{ui.t(Key::ChangePasswordLead)}</p>
                <p class="notice" role="status">{move || password_done.get().then(|| text(ui.lang.get(), Key::PasswordChanged))}</p>
                <FormAlert ui problems=password_problems />
                <form class="form" novalidate on:submit=change_password>
                    <TextInput ui problems=password_problems name="currentPassword" label=Key::CurrentPassword value=current kind="password" autocomplete="current-password" />
                    <TextInput ui problems=password_problems name="newPassword" label=Key::NewPassword value=new_password kind="password" autocomplete="new-password" hint=Key::PasswordTooShort />
                    <TextInput ui problems=password_problems name="newPasswordAgain" label=Key::NewPasswordAgain value=again kind="password" autocomplete="new-password" />
                    <Submit ui busy=password_busy idle=Key::ChangePassword working=Key::Saving />
                </form>
            </section>
            <section class="panel">
                <h2>{ui.t(Key::ChangeEmailTitle)}</h2>
                <p class="hint">{ui.t(Key::ChangeEmailLead)}</p>
                <p class="notice" role="status">{move || email_pending.get().map(|e| fill(text(ui.lang.get(), Key::EmailChangePending), "email", &e))}</p>
                <FormAlert ui problems=email_problems />
                <form class="form" novalidate on:submit=change_email>
                    <TextInput ui problems=email_problems name="email" label=Key::NewEmail value=new_email kind="email" autocomplete="email" />
                    <TextInput ui problems=email_problems name="emailCurrentPassword" label=Key::CurrentPassword value=email_password kind="password" autocomplete="current-password" />
                    <Submit ui busy=email_busy idle=Key::SendConfirmation working=Key::LinkSending />
                </form>
            </section>
        </div>
        <section class="panel">
            <h2 id="sessions-title" tabindex="-1">{ui.t(Key::SessionsTitle)}</h2>
            <div class="alert" role="alert">{move || sessions_problem.with(|p| p.as_ref().map(|p| p.message(ui.lang.get())))}</div>
            <p class="notice" role="status">{move || sessions_status.get().map(|k| text(ui.lang.get(), k))}</p>
            {move || session_rows().map(IntoAny::into_any).unwrap_or_else(|| view! { <p aria-live="polite">{ui.t(Key::Loading)}</p> }.into_any())}
            <div class="actions">
                {move || match others() {
                    Some(ids) if !ids.is_empty() => view! {
                        <button type="button" id="sign-out-others" class="secondary" on:click=move |_| revoke(ids.clone(), Key::OthersSignedOut)>
                            {ui.t(Key::SignOutOthers)}
                        </button>
                    }
                    .into_any(),
                    Some(_) => view! { <p class="hint">{ui.t(Key::NoOtherSessions)}</p> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
        </section>
    }
}
