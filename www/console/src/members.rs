//! A channel's people and keys: members with their roles, invitations (each link to
//! copy), and API tokens. Owners change roles, remove members, invite, revoke and make
//! tokens; anyone leaves. The API decides (a channel keeps one owner; members may not
//! touch tokens): each refusal is shown beside the control that asked for it.
//!
//! Destructive steps ask first in [`ConfirmDialog`], the browser's modal `<dialog>`: it
//! keeps focus inside, Escape cancels, and focus returns to the button that opened it.

use crate::api;
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill, text};
use crate::problem::{Problem, check_email, check_name};
use crate::screen::Screen;
use crate::ui::{Ui, copy_text, load_failed};
use kizuna_shared::wire::admin::{
    CreatedTokenOut, InvitationCreated, InvitationIn, InvitationList, InvitationOut, MemberList, MemberOut, RoleIn,
    TokenIn, TokenList, TokenOut,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// The text of a role as the API writes it.
pub fn role_key(role: &str) -> Key {
    if role == "owner" { Key::RoleOwner } else { Key::RoleMember }
}

/// `problem`, said in this screen's words when it names `field` (the API's words for one
/// `(code, field)` differ between routes).
pub fn reword(problem: Problem, field: &str, key: Key) -> Problem {
    if problem.field.as_deref() == Some(field) { Problem { key, ..problem } } else { problem }
}

/// Moves focus to the element `id` once the view has updated.
/// The channel's time zone, for showing its times; `None` until known (then the
/// browser's own zone is used).
fn load_zone(channel: &str, zone: RwSignal<Option<String>>) {
    let path = format!("/admin/v1/channels/{}", api::encode(channel));
    spawn_local(async move {
        if let Ok(settings) = api::get::<serde_json::Value>(&path).await {
            zone.set(settings.get("timeZone").and_then(|z| z.as_str()).map(str::to_owned));
        }
    });
}

/// What a confirmation asks: `ask` with `{name}`/`{email}` filled by `subject`.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub ask: Key,
    pub subject: String,
    pub explain: Key,
    pub confirm: Key,
}

/// A modal confirmation. Opens while `question` is `Some`; Escape or Cancel sets it back
/// to `None`; `on_confirm` runs the step (which clears `question` when done).
#[component]
pub fn ConfirmDialog(
    ui: Ui,
    question: RwSignal<Option<Question>>,
    busy: RwSignal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::Element>);
    Effect::new(move |_| {
        let open = question.with(Option::is_some);
        let Some(el) = dialog.get() else { return };
        if open && !el.open() {
            opener.set_value(document().active_element());
            let _ = el.show_modal();
        } else if !open && el.open() {
            el.close();
        }
    });
    // Closed by Escape, Cancel or the step's end: focus goes back to what opened it (or
    // to the page when that is gone, as a removed member's row is).
    let closed = move |_| {
        if question.with_untracked(Option::is_some) {
            question.set(None);
        }
        let back = opener.get_value().filter(|el| el.is_connected());
        request_animation_frame(move || crate::ui::focus_now(back));
    };
    let title = move || {
        question.with(|q| {
            q.as_ref().map(|q| {
                let ask = text(ui.lang.get(), q.ask);
                fill(&fill(ask, "name", &q.subject), "email", &q.subject)
            })
        })
    };
    let explain = move || question.with(|q| q.as_ref().map(|q| text(ui.lang.get(), q.explain)));
    let confirm_label = move || {
        let key = question.with(|q| q.as_ref().map_or(Key::Delete, |q| q.confirm));
        text(ui.lang.get(), if busy.get() { Key::Working } else { key })
    };
    let confirm = move |_| {
        if !busy.get_untracked() {
            on_confirm.run(());
        }
    };
    // The page behind is inert; Tab and Shift+Tab go between the two buttons, so focus
    // never leaves the dialog for the browser's own controls.
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let trap = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        ev.prevent_default();
        let on_cancel = cancel_button.get().is_some_and(|b| {
            document().active_element().is_some_and(|active| active == *AsRef::<web_sys::Element>::as_ref(&b))
        });
        let next = if on_cancel { confirm_button.get() } else { cancel_button.get() };
        if let Some(next) = next {
            let _ = next.focus();
        }
    };
    view! {
        <dialog node_ref=dialog on:keydown=trap class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-explain" on:close=closed>
            <h2 id="confirm-title">{title}</h2>
            <p id="confirm-explain">{explain}</p>
            <div class="actions">
                <button type="button" class="secondary" autofocus node_ref=cancel_button on:click=move |_| question.set(None)>{ui.t(Key::Cancel)}</button>
                <button type="button" class="danger" node_ref=confirm_button aria-disabled=move || busy.get().then_some("true") on:click=confirm>{confirm_label}</button>
            </div>
        </dialog>
    }
}

/// A value shown once with a Copy button and a polite "Copied." for screen readers.
#[component]
fn CopyField(ui: Ui, id: &'static str, label: Key, value: String) -> impl IntoView {
    let copied = RwSignal::new(None::<Key>);
    let copy = {
        let value = value.clone();
        move |_| {
            let value = value.clone();
            spawn_local(async move {
                copied.set(None);
                let took = copy_text(&value).await;
                copied.set(Some(if took { Key::Copied } else { Key::CopyFailed }));
            });
        }
    };
    let status_id = format!("{id}-status");
    view! {
        <div class="copy-field">
            <label for=id>{ui.t(label)}</label>
            <div class="copy-row">
                <input id=id type="text" readonly value=value class="mono" on:focus=|ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                } />
                <button type="button" class="secondary" id=format!("{id}-copy") on:click=copy>{ui.t(Key::Copy)}</button>
            </div>
            <p id=status_id class="copied" aria-live="polite">{move || copied.get().map(|k| text(ui.lang.get(), k))}</p>
        </div>
    }
}

/// The step a confirmation asked for.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Remove(String),
    Leave,
    RevokeInvitation(String),
}

/// `/console/c/{channel}/members`.
#[component]
pub fn Members(ui: Ui, channel: String) -> impl IntoView {
    let owner = ui.is_owner(&channel);
    let me = ui.me.with_untracked(|me| me.as_ref().map(|me| me.account.id.clone())).unwrap_or_default();
    let me = StoredValue::new(me);
    let base = StoredValue::new(format!("/admin/v1/channels/{}", api::encode(&channel)));
    let members = RwSignal::new(None::<Vec<MemberOut>>);
    let invitations = RwSignal::new(None::<Vec<InvitationOut>>);
    let load_problem = RwSignal::new(None::<Problem>);
    let zone = RwSignal::new(None::<String>);
    // A refusal beside one member's row (role or removal), and beside Leave.
    let row_problem = RwSignal::new(None::<(String, Problem)>);
    let leave_problem = RwSignal::new(None::<Problem>);
    let list_problem = RwSignal::new(None::<Problem>);
    let status = RwSignal::new(None::<Key>);
    let question = RwSignal::new(None::<Question>);
    let step = StoredValue::new(None::<Step>);
    let busy = RwSignal::new(false);

    let load_members = move || {
        let path = format!("{}/members", base.get_value());
        spawn_local(async move {
            match api::get::<MemberList>(&path).await {
                Ok(list) => members.set(Some(list.members)),
                Err(failure) => load_problem.set(load_failed(ui, failure)),
            }
        });
    };
    let load_invitations = move || {
        let path = format!("{}/invitations", base.get_value());
        spawn_local(async move {
            match api::get::<InvitationList>(&path).await {
                Ok(list) => invitations.set(Some(list.invitations)),
                Err(failure) => load_problem.set(load_failed(ui, failure)),
            }
        });
    };
    load_members();
    if owner {
        load_invitations();
        load_zone(&channel, zone);
    }

    let change_role = move |id: String, role: String| {
        row_problem.set(None);
        status.set(None);
        let path = format!("{}/members/{}", base.get_value(), api::encode(&id));
        let mine = id == me.get_value();
        spawn_local(async move {
            match api::send_json::<MemberList>("PATCH", &path, &RoleIn { role }).await {
                Ok(list) => {
                    members.set(Some(list.members));
                    status.set(Some(Key::RoleChanged));
                    if mine {
                        // No longer an owner here: the screen and the pages follow.
                        ui.reload_me();
                    }
                }
                Err(failure) => {
                    row_problem.set(Some((id.clone(), Problem::from(failure))));
                    // The select shows the role the API kept (the row's element is reused,
                    // so its value is set back by hand).
                    let kept = members.with_untracked(|list| {
                        list.as_ref().and_then(|list| list.iter().find(|m| m.id == id).map(|m| m.role.clone()))
                    });
                    let select = document()
                        .get_element_by_id(&format!("role-{id}"))
                        .and_then(|el| el.dyn_into::<web_sys::HtmlSelectElement>().ok());
                    if let (Some(select), Some(kept)) = (select, kept) {
                        select.set_value(&kept);
                    }
                }
            }
            crate::ui::focus_later(format!("role-{id}"));
        });
    };

    let ask = move |s: Step, q: Question| {
        row_problem.set(None);
        leave_problem.set(None);
        list_problem.set(None);
        status.set(None);
        step.set_value(Some(s));
        question.set(Some(q));
    };

    let on_confirm = Callback::new(move |()| {
        let Some(s) = step.get_value() else { return };
        busy.set(true);
        spawn_local(async move {
            let (path, failed_at) = match &s {
                Step::Remove(id) => (format!("{}/members/{}", base.get_value(), api::encode(id)), "row"),
                Step::Leave => (format!("{}/members/{}", base.get_value(), api::encode(&me.get_value())), "leave"),
                Step::RevokeInvitation(id) => (format!("{}/invitations/{}", base.get_value(), api::encode(id)), "list"),
            };
            let answer = api::send_done("DELETE", &path, None).await;
            busy.set(false);
            question.set(None);
            match (answer, s) {
                (Ok(()), Step::Leave) => {
                    ui.reload_me();
                    ui.go(Screen::Home, false);
                }
                (Ok(()), Step::Remove(_)) => load_members(),
                (Ok(()), Step::RevokeInvitation(_)) => load_invitations(),
                (Err(failure), s) => {
                    let problem = Problem::from(failure);
                    match (failed_at, s) {
                        ("row", Step::Remove(id)) => row_problem.set(Some((id, problem))),
                        ("leave", _) => leave_problem.set(Some(problem)),
                        _ => list_problem.set(Some(problem)),
                    }
                }
            }
        });
    });

    let rows = move || {
        members.get().map(|list| {
            let rows = list
                .into_iter()
                .map(|m| {
                    let is_me = m.id == me.get_value();
                    let id = m.id.clone();
                    let error_id = format!("role-{}-error", m.id);
                    let problem = {
                        let id = id.clone();
                        move || {
                            row_problem.with(|p| {
                                p.as_ref().filter(|(at, _)| *at == id).map(|(_, p)| p.message(ui.lang.get()))
                            })
                        }
                    };
                    let role_cell = if owner {
                        let (id, name, role) = (id.clone(), m.name.clone(), m.role.clone());
                        let described = error_id.clone();
                        let invalid = problem.clone();
                        view! {
                            <select
                                id=format!("role-{id}")
                                aria-label=move || fill(text(ui.lang.get(), Key::RoleOf), "name", &name)
                                aria-describedby=move || invalid().is_some().then(|| described.clone())
                                on:change=move |ev| change_role(id.clone(), event_target_value(&ev))
                            >
                                <option value="owner" selected=role == "owner">{ui.t(Key::RoleOwner)}</option>
                                <option value="member" selected=role == "member">{ui.t(Key::RoleMember)}</option>
                            </select>
                        }
                        .into_any()
                    } else {
                        view! { <span class="role">{ui.t(role_key(&m.role))}</span> }.into_any()
                    };
                    let remove = (owner && !is_me).then(|| {
                        let (id, name) = (m.id.clone(), m.name.clone());
                        let label = {
                            let name = name.clone();
                            move || format!("{} {}", text(ui.lang.get(), Key::MemberRemove), name)
                        };
                        view! {
                            <button type="button" class="secondary small" aria-label=label on:click=move |_| {
                                ask(
                                    Step::Remove(id.clone()),
                                    Question { ask: Key::RemoveQuestion, subject: name.clone(), explain: Key::RemoveExplain, confirm: Key::MemberRemove },
                                )
                            }>{ui.t(Key::MemberRemove)}</button>
                        }
                    });
                    view! {
                        <tr>
                            <td>
                                {m.name.clone()}
                                {is_me.then(|| view! { " " <span class="badge">{ui.t(Key::MemberYou)}</span> })}
                            </td>
                            <td class="email">{m.email.clone()}</td>
                            <td>{role_cell}<p id=error_id class="field-error">{problem}</p></td>
                            <td>{remove}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="data members">
                    <thead>
                        <tr>
                            <th scope="col">{ui.t(Key::MemberName)}</th>
                            <th scope="col">{ui.t(Key::Email)}</th>
                            <th scope="col">{ui.t(Key::MemberRole)}</th>
                            <th scope="col"><span class="visually-hidden">{ui.t(Key::MemberActions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
    };

    let leave_error = move || leave_problem.with(|p| p.as_ref().map(|p| p.message(ui.lang.get())));
    let leave = move |_| {
        ask(
            Step::Leave,
            Question {
                ask: Key::LeaveQuestion,
                subject: String::new(),
                explain: Key::LeaveLead,
                confirm: Key::LeaveButton,
            },
        )
    };

    view! {
        <h1>{ui.t(Key::NavMembers)}</h1>
        <p class="lead">{ui.t(Key::MembersLead)}</p>
        <div class="alert" role="alert">{move || load_problem.with(|p| p.as_ref().map(|p| p.message(ui.lang.get())))}</div>
        <p class="notice" role="status">{move || status.get().map(|k| text(ui.lang.get(), k))}</p>
        <section class="panel">
            {move || match members.with(Option::is_some) {
                true => rows().into_any(),
                false => view! { <p aria-live="polite">{ui.t(Key::Loading)}</p> }.into_any(),
            }}
        </section>
        {owner.then(|| view! {
            <Invitations ui base invitations zone list_problem reload=Callback::new(move |()| load_invitations()) ask=Callback::new(move |(s, q)| ask(s, q)) />
        })}
        <section class="panel leave">
            <h2>{ui.t(Key::LeaveTitle)}</h2>
            <p class="hint">{ui.t(Key::LeaveLead)}</p>
            <div class="actions">
                <button type="button" id="leave" class="secondary danger-outline" on:click=leave
                    aria-describedby=move || leave_error().is_some().then_some("leave-error")>{ui.t(Key::LeaveButton)}</button>
            </div>
            <p id="leave-error" class="field-error">{leave_error}</p>
        </section>
        <ConfirmDialog ui question busy on_confirm />
    }
}

/// The owners' part of the members screen: invite by email with a role, the link to
/// copy, and the pending invitations with their expiry and a revoke button.
#[component]
fn Invitations(
    ui: Ui,
    base: StoredValue<String>,
    invitations: RwSignal<Option<Vec<InvitationOut>>>,
    zone: RwSignal<Option<String>>,
    list_problem: RwSignal<Option<Problem>>,
    reload: Callback<()>,
    ask: Callback<(Step, Question)>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("member".to_owned());
    let problems = Problems::new(&["email", "role"]);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<InvitationCreated>);

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
        let path = format!("{}/invitations", base.get_value());
        let body = InvitationIn { email: address, role: role.get_untracked() };
        spawn_local(async move {
            let answer = api::send_json::<InvitationCreated>("POST", &path, &body).await;
            busy.set(false);
            match answer {
                Ok(made) => {
                    created.set(Some(made));
                    email.set(String::new());
                    reload.run(());
                    crate::ui::focus_later("invite-link");
                }
                Err(failure) => problems.set(vec![reword(Problem::from(failure), "email", Key::AlreadyMember)]),
            }
        });
    };

    let pending = move || {
        let list = invitations.get()?;
        if list.is_empty() {
            return Some(view! { <p class="hint">{ui.t(Key::NoPending)}</p> }.into_any());
        }
        let rows = list
            .into_iter()
            .map(|i| {
                let (id, address) = (i.id.clone(), i.email.clone());
                let expires = move || ui.time(i.expires_at, zone.get().as_deref());
                let label = {
                    let address = address.clone();
                    move || format!("{} {}", text(ui.lang.get(), Key::RevokeButton), address)
                };
                view! {
                    <tr>
                        <td class="email">{i.email.clone()}</td>
                        <td>{ui.t(role_key(&i.role))}</td>
                        <td>{expires}</td>
                        <td>
                            <button type="button" class="secondary small" aria-label=label on:click=move |_| {
                                ask.run((
                                    Step::RevokeInvitation(id.clone()),
                                    Question { ask: Key::RevokeInvitationQuestion, subject: address.clone(), explain: Key::RevokeInvitationExplain, confirm: Key::RevokeButton },
                                ))
                            }>{ui.t(Key::RevokeButton)}</button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        Some(
            view! {
                <table class="data invitations">
                    <thead>
                        <tr>
                            <th scope="col">{ui.t(Key::Email)}</th>
                            <th scope="col">{ui.t(Key::MemberRole)}</th>
                            <th scope="col">{ui.t(Key::InviteExpires)}</th>
                            <th scope="col"><span class="visually-hidden">{ui.t(Key::MemberActions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any(),
        )
    };

    view! {
        <section class="panel">
            <h2>{ui.t(Key::InviteTitle)}</h2>
            <p class="hint">{ui.t(Key::InviteLead)}</p>
            <FormAlert ui problems />
            <form class="form inline-form" novalidate on:submit=submit>
                <TextInput ui problems name="email" label=Key::Email value=email kind="email" autocomplete="off" />
                <div class="field">
                    <label for="role">{ui.t(Key::MemberRole)}</label>
                    <select id="role" name="role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                        <option value="member">{ui.t(Key::RoleMember)}</option>
                        <option value="owner">{ui.t(Key::RoleOwner)}</option>
                    </select>
                    <p id="role-error" class="field-error">{problems.beside(ui, "role")}</p>
                </div>
                <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                    {move || text(ui.lang.get(), if busy.get() { Key::Inviting } else { Key::InviteButton })}
                </button>
            </form>
            {move || created.get().map(|made| view! {
                <div class="created">
                    <p>{move || fill(text(ui.lang.get(), Key::InvitedLink), "email", &made.invitation.email)}</p>
                    <CopyField ui id="invite-link" label=Key::InvitationLink value=made.link.clone() />
                </div>
            })}
        </section>
        <section class="panel">
            <h2>{ui.t(Key::PendingTitle)}</h2>
            <div class="alert" role="alert">{move || list_problem.with(|p| p.as_ref().map(|p| p.message(ui.lang.get())))}</div>
            {move || pending().unwrap_or_else(|| view! { <p aria-live="polite">{ui.t(Key::Loading)}</p> }.into_any())}
        </section>
    }
}

/// `/console/c/{channel}/tokens` (owners; the frame shows members the owners-only page).
#[component]
pub fn Tokens(ui: Ui, channel: String) -> impl IntoView {
    let base = StoredValue::new(format!("/admin/v1/channels/{}/tokens", api::encode(&channel)));
    let tokens = RwSignal::new(None::<Vec<TokenOut>>);
    let zone = RwSignal::new(None::<String>);
    let load_problem = RwSignal::new(None::<Problem>);
    let label = RwSignal::new(String::new());
    let role = RwSignal::new("member".to_owned());
    let problems = Problems::new(&["label", "role"]);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedTokenOut>);
    let question = RwSignal::new(None::<Question>);
    let revoking = StoredValue::new(None::<String>);
    let dialog_busy = RwSignal::new(false);

    let load = move || {
        let path = base.get_value();
        spawn_local(async move {
            match api::get::<TokenList>(&path).await {
                Ok(list) => tokens.set(Some(list.tokens)),
                Err(failure) => load_problem.set(load_failed(ui, failure)),
            }
        });
    };
    load();
    load_zone(&channel, zone);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let name = label.get_untracked().trim().to_owned();
        let found = check_name("label", &name, Key::TokenNameMissing);
        if !problems.ready(found, busy) {
            return;
        }
        let body = TokenIn { label: name, role: role.get_untracked() };
        spawn_local(async move {
            let answer = api::send_json::<CreatedTokenOut>("POST", &base.get_value(), &body).await;
            busy.set(false);
            match answer {
                Ok(made) => {
                    created.set(Some(made));
                    label.set(String::new());
                    load();
                    crate::ui::focus_later("new-token");
                }
                Err(failure) => problems.failed(failure),
            }
        });
    };

    let on_confirm = Callback::new(move |()| {
        let Some(id) = revoking.get_value() else { return };
        dialog_busy.set(true);
        let path = format!("{}/{}", base.get_value(), api::encode(&id));
        spawn_local(async move {
            let answer = api::send_done("DELETE", &path, None).await;
            dialog_busy.set(false);
            question.set(None);
            match answer {
                Ok(()) => {
                    if created.with_untracked(|c| c.as_ref().is_some_and(|c| c.listed.id == id)) {
                        created.set(None);
                    }
                    load();
                }
                Err(failure) => load_problem.set(load_failed(ui, failure)),
            }
        });
    });

    let list = move || {
        let list = tokens.get()?;
        if list.is_empty() {
            return Some(view! { <p class="hint">{ui.t(Key::NoTokens)}</p> }.into_any());
        }
        let rows = list
            .into_iter()
            .map(|t| {
                let (id, name) = (t.id.clone(), t.label.clone());
                let made = move || ui.time(t.created_at, zone.get().as_deref());
                let used = move || match t.last_used_at {
                    Some(at) => ui.time(at, zone.get().as_deref()),
                    None => text(ui.lang.get(), Key::Never).to_owned(),
                };
                let aria = {
                    let name = name.clone();
                    move || format!("{} {}", text(ui.lang.get(), Key::RevokeButton), name)
                };
                view! {
                    <tr>
                        <td>{t.label.clone()}</td>
                        <td>{ui.t(role_key(&t.role))}</td>
                        <td>{made}</td>
                        <td>{used}</td>
                        <td>
                            <button type="button" class="secondary small" aria-label=aria on:click=move |_| {
                                load_problem.set(None);
                                revoking.set_value(Some(id.clone()));
                                question.set(Some(Question { ask: Key::RevokeTokenQuestion, subject: name.clone(), explain: Key::RevokeTokenExplain, confirm: Key::RevokeButton }));
                            }>{ui.t(Key::RevokeButton)}</button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        Some(
            view! {
                <table class="data tokens">
                    <thead>
                        <tr>
                            <th scope="col">{ui.t(Key::TokenName)}</th>
                            <th scope="col">{ui.t(Key::MemberRole)}</th>
                            <th scope="col">{ui.t(Key::TokenCreatedAt)}</th>
                            <th scope="col">{ui.t(Key::TokenLastUsed)}</th>
                            <th scope="col"><span class="visually-hidden">{ui.t(Key::MemberActions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any(),
        )
    };

    view! {
        <h1>{ui.t(Key::NavTokens)}</h1>
        <p class="lead">{ui.t(Key::TokensLead)}</p>
        <div class="alert" role="alert">{move || load_problem.with(|p| p.as_ref().map(|p| p.message(ui.lang.get())))}</div>
        {move || created.get().map(|made| view! {
            <section class="panel token-once" aria-labelledby="token-once-title">
                <h2 id="token-once-title">{ui.t(Key::TokenCreated)}</h2>
                <p class="warning">{ui.t(Key::TokenOnce)}</p>
                <CopyField ui id="new-token" label=Key::TokenValue value=made.token.clone() />
                <button type="button" class="secondary" on:click=move |_| {
                    created.set(None);
                    crate::ui::focus_later("label");
                }>{ui.t(Key::TokenDone)}</button>
            </section>
        })}
        <section class="panel">
            <h2>{ui.t(Key::NewToken)}</h2>
            <FormAlert ui problems />
            <form class="form inline-form" novalidate on:submit=submit>
                <TextInput ui problems name="label" label=Key::TokenName value=label hint=Key::TokenNameHint autocomplete="off" />
                <div class="field">
                    <label for="role">{ui.t(Key::MemberRole)}</label>
                    <select id="role" name="role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                        <option value="member">{ui.t(Key::RoleMember)}</option>
                        <option value="owner">{ui.t(Key::RoleOwner)}</option>
                    </select>
                    <p id="role-error" class="field-error">{problems.beside(ui, "role")}</p>
                </div>
                <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                    {move || text(ui.lang.get(), if busy.get() { Key::TokenCreating } else { Key::CreateToken })}
                </button>
            </form>
        </section>
        <section class="panel">
            {move || list().unwrap_or_else(|| view! { <p aria-live="polite">{ui.t(Key::Loading)}</p> }.into_any())}
        </section>
        <ConfirmDialog ui question busy=dialog_busy on_confirm />
    }
}
