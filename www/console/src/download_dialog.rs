//! The download dialog (issue 13), one for every download an owner makes: a campaign's
//! results, one customer's data (both saved as a file at once) and a customer export (a
//! job, with its format, columns and which customers). It asks for a reason and a file
//! password (shown on request; Kizuna never stores it), checks them as the API does
//! (`crate::download::check_dialog`) and shows each API refusal beside the input it names.
//!
//! Invariant: the browser's modal `<dialog>` keeps the page behind inert; Tab and
//! Shift+Tab cycle through the dialog's own controls, Escape closes it, and focus returns
//! to what opened it.

use crate::api;
use crate::download::{
    Asked, DIALOG_FIELDS, ListState, check_dialog, dialog_problem, export_body, file_name, picked_columns, scope_key,
};
use crate::form::{FormAlert, Problems, described_by};
use crate::i18n::{Key, fill, text};
use crate::problem::Problem;
use crate::ui::{Ui, focus_now, load_failed};
use kizuna_shared::download::FileKind;
use kizuna_shared::wire::downloads::{DownloadIn, ExportColumnsOut, ExportJobOut, ExportScope};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// What is downloaded.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A campaign's results workbook, saved at once.
    Campaign { id: String },
    /// One customer's data (JSON in a ZIP), saved at once.
    Customer { channel: String, id: String },
    /// A customer export of `list` as the list was when the dialog opened: a job.
    Export { channel: String, list: ListState },
}

impl Target {
    fn texts(&self) -> (Key, Key, Key) {
        match self {
            Target::Campaign { .. } => (Key::DlCampaignTitle, Key::DlCampaignLead, Key::DlSubmit),
            Target::Customer { .. } => (Key::DlCustomerTitle, Key::DlCustomerLead, Key::DlSubmit),
            Target::Export { .. } => (Key::DlCustomersTitle, Key::DlCustomersLead, Key::DlStart),
        }
    }

    fn export(&self) -> Option<(&str, &ListState)> {
        match self {
            Target::Export { channel, list } => Some((channel, list)),
            _ => None,
        }
    }
}

/// Saves `blob` as a file named `name`: a temporary link with `download`, clicked. The
/// object URL is let go once the browser has taken the file.
pub fn save_file(blob: &web_sys::Blob, name: &str) -> bool {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return false };
    let Some(link) = document().create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let Some(body) = document().body() else { return false };
    if body.append_child(&link).is_err() {
        return false;
    }
    link.click();
    link.remove();
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    true
}

/// The dialog: open while `asking` is `Some`; Escape or Cancel sets it back to `None`. An
/// export's job is handed to `on_job` (the list then shows the job list).
#[component]
pub fn DownloadDialog(
    ui: Ui,
    asking: RwSignal<Option<Target>>,
    #[prop(optional)] on_job: Option<Callback<ExportJobOut>>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::Element>);
    let reason = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let format = RwSignal::new(FileKind::Xlsx);
    let scope = RwSignal::new(ExportScope::All);
    // The columns offered (key, title) and whether each is ticked, once per channel.
    let columns: RwSignal<Vec<(String, String, bool)>> = RwSignal::new(Vec::new());
    let columns_of: StoredValue<Option<String>> = StoredValue::new(None);
    let problems = Problems::new(DIALOG_FIELDS);
    let busy = RwSignal::new(false);
    let saved: RwSignal<Option<String>> = RwSignal::new(None);

    Effect::new(move |_| {
        let target = asking.get();
        let Some(el) = dialog.get() else { return };
        match target {
            Some(target) if !el.open() => {
                opener.set_value(document().active_element());
                reason.set(String::new());
                password.set(String::new());
                show_password.set(false);
                format.set(FileKind::Xlsx);
                problems.clear();
                saved.set(None);
                if let Some((channel, list)) = target.export() {
                    scope.set(list.first_scope());
                    load_columns(ui, channel.to_owned(), columns, columns_of, problems);
                }
                let _ = el.show_modal();
                crate::ui::focus_later("reason");
            }
            None if el.open() => el.close(),
            _ => {}
        }
    });
    // Also called when the page that held the dialog is taken down (an export moves to
    // the job list), so every access is a `try_`.
    let closed = move |_| {
        if asking.try_with_untracked(Option::is_some) == Some(true) {
            asking.try_set(None);
        }
        let Some(back) = opener.try_get_value() else { return };
        let back = back.filter(|el| el.is_connected());
        request_animation_frame(move || focus_now(back));
    };
    // Tab and Shift+Tab go round the dialog's own controls.
    let trap = move |ev: KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(el) = dialog.get_untracked() else { return };
        let Ok(found) = el.query_selector_all("button, input, textarea, select, a[href]") else { return };
        let controls: Vec<web_sys::HtmlElement> = (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|e| !e.has_attribute("disabled") && e.offset_parent().is_some())
            // Tab reaches a radio group at its checked button only.
            .filter(|e| {
                e.dyn_ref::<web_sys::HtmlInputElement>().is_none_or(|input| input.type_() != "radio" || input.checked())
            })
            .collect();
        let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
        let active = document().active_element();
        let is = |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == AsRef::<web_sys::Element>::as_ref(e));
        if ev.shift_key() && is(first) {
            ev.prevent_default();
            let _ = last.focus();
        } else if !ev.shift_key() && is(last) {
            ev.prevent_default();
            let _ = first.focus();
        }
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(target) = asking.get_untracked() else { return };
        let offered: Vec<(String, bool)> =
            columns.with_untracked(|all| all.iter().map(|(key, _, on)| (key.clone(), *on)).collect());
        let is_export = target.export().is_some();
        let picked = is_export.then(|| offered.iter().filter(|(_, on)| *on).count());
        let (typed_reason, typed_password) = (reason.get_untracked(), password.get_untracked());
        if !problems.ready(check_dialog(&typed_reason, &typed_password, picked), busy) {
            return;
        }
        let asked = Asked {
            reason: typed_reason.trim().to_owned(),
            password: typed_password,
            format: format.get_untracked(),
            columns: if is_export && !offered.is_empty() { picked_columns(&offered) } else { None },
        };
        let chosen = scope.get_untracked();
        spawn_local(async move {
            let done = match target {
                Target::Campaign { id } => {
                    let path = format!("/admin/v1/campaigns/{}/download", api::encode(&id));
                    save_answer(&path, asked, &format!("campaign-{id}.xlsx")).await
                }
                Target::Customer { channel, id } => {
                    let path =
                        format!("/admin/v1/channels/{}/customers/{}/download", api::encode(&channel), api::encode(&id));
                    save_answer(&path, asked, &format!("customer-{id}.zip")).await
                }
                Target::Export { channel, list } => {
                    let path = format!("/admin/v1/channels/{}/exports", api::encode(&channel));
                    let body = export_body(chosen, &list, asked);
                    api::send_json::<ExportJobOut>("POST", &path, &body).await.map(|job| {
                        // The dialog closes first; `on_job` may take its page down.
                        busy.try_set(false);
                        asking.try_set(None);
                        if let Some(on_job) = on_job {
                            on_job.run(job);
                        }
                        None
                    })
                }
            };
            busy.try_set(false);
            match done {
                Ok(name) => {
                    saved.try_set(name.map(|name| fill(text(ui.lang.get_untracked(), Key::DlSaved), "name", &name)));
                    asking.try_set(None);
                }
                Err(failure) => {
                    if let Some(problem) = load_failed(ui, failure) {
                        problems.set(vec![dialog_problem(problem)]);
                    }
                }
            }
        });
    };

    let title = move || asking.with(|t| t.as_ref().map(|t| text(ui.lang.get(), t.texts().0)));
    let lead = move || asking.with(|t| t.as_ref().map(|t| text(ui.lang.get(), t.texts().1)));
    let submit_label = move || {
        let key = asking.with(|t| t.as_ref().map_or(Key::DlSubmit, |t| t.texts().2));
        text(ui.lang.get(), if busy.get() { Key::DlWorking } else { key })
    };
    let export = move || asking.with(|t| t.as_ref().and_then(|t| t.export().map(|(_, list)| list.clone())));

    let reason_error = problems.beside(ui, "reason");
    let password_error = problems.beside(ui, "password");
    let reason_described = described_by(true, "reason-hint".into(), "reason-error".into(), reason_error);
    let password_described = described_by(true, "password-hint".into(), "password-error".into(), password_error);

    view! {
        <dialog node_ref=dialog class="download" aria-labelledby="download-title" aria-describedby="download-lead"
            on:keydown=trap on:close=closed>
            <h2 id="download-title">{title}</h2>
            <p id="download-lead" class="lead">{lead}</p>
            <FormAlert ui problems />
            <form class="form" novalidate on:submit=submit>
                {move || export().map(|list| view! { <ExportChoices ui list scope format columns problems /> })}
                <div class="field">
                    <label for="reason">{ui.t(Key::DlReason)}</label>
                    <p id="reason-hint" class="hint">{ui.t(Key::DlReasonHint)}</p>
                    <textarea id="reason" name="reason" rows="3" maxlength="500" required
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))
                        aria-invalid=move || reason_error().is_some().then_some("true")
                        aria-describedby=reason_described></textarea>
                    <p id="reason-error" class="field-error">{reason_error}</p>
                </div>
                <div class="field">
                    <label for="password">{ui.t(Key::DlPassword)}</label>
                    <p id="password-hint" class="hint">{ui.t(Key::DlPasswordHint)}</p>
                    <div class="password-row">
                        <input id="password" name="password" autocomplete="new-password" required
                            type=move || if show_password.get() { "text" } else { "password" }
                            bind:value=password
                            aria-invalid=move || password_error().is_some().then_some("true")
                            aria-describedby=password_described />
                        <button type="button" class="secondary" aria-controls="password"
                            aria-pressed=move || if show_password.get() { "true" } else { "false" }
                            on:click=move |_| show_password.update(|s| *s = !*s)>
                            {move || text(ui.lang.get(), if show_password.get() { Key::DlHidePassword } else { Key::DlShowPassword })}
                        </button>
                    </div>
                    <p id="password-error" class="field-error">{password_error}</p>
                </div>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| asking.set(None)>{ui.t(Key::Cancel)}</button>
                    <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>{submit_label}</button>
                </div>
            </form>
        </dialog>
        <p class="notice download-saved" role="status">{move || saved.get()}</p>
    }
}

/// A customer export's own choices: which customers, the format and the columns.
#[component]
fn ExportChoices(
    ui: Ui,
    list: ListState,
    scope: RwSignal<ExportScope>,
    format: RwSignal<FileKind>,
    columns: RwSignal<Vec<(String, String, bool)>>,
    problems: Problems,
) -> impl IntoView {
    let scope_error = problems.beside(ui, "scope");
    let format_error = problems.beside(ui, "format");
    let columns_error = problems.beside(ui, "columns");
    let scopes = list
        .offered()
        .into_iter()
        .enumerate()
        .map(|(i, choice)| {
            let n = match choice {
                ExportScope::All => None,
                ExportScope::Search => list.total,
                ExportScope::Selection => Some(list.selected.len() as u64),
            };
            let id = if i == 0 { "scope".to_owned() } else { format!("scope-{i}") };
            let label_for = id.clone();
            view! {
                <div class="choice">
                    <input type="radio" id=id name="scope" value=i.to_string()
                        prop:checked=move || scope.get() == choice on:change=move |_| scope.set(choice) />
                    <label for=label_for>
                        {ui.t(scope_key(choice))}
                        {n.map(|n| move || format!(" {}", fill(ui.s(Key::DlScopeCount), "count", &ui.number(n as f64))))}
                    </label>
                </div>
            }
        })
        .collect_view();
    let formats = [(FileKind::Xlsx, "format", Key::DlFormatXlsx), (FileKind::Csv, "format-csv", Key::DlFormatCsv)]
        .into_iter()
        .map(|(kind, id, label)| {
            view! {
                <div class="choice">
                    <input type="radio" id=id name="format" value=kind.as_str()
                        prop:checked=move || format.get() == kind on:change=move |_| format.set(kind) />
                    <label for=id>{ui.t(label)}</label>
                </div>
            }
        })
        .collect_view();
    let set_all = move |on: bool| columns.update(|all| all.iter_mut().for_each(|c| c.2 = on));
    let boxes = move || {
        columns.with(|all| {
            all.iter()
                .enumerate()
                .map(|(i, (key, title, _))| {
                    let id = if i == 0 { "columns".to_owned() } else { format!("column-{i}") };
                    let label_for = id.clone();
                    view! {
                        <li>
                            <input type="checkbox" id=id value=key.clone()
                                prop:checked=move || columns.with(|all| all.get(i).is_some_and(|c| c.2))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    columns.update(|all| if let Some(c) = all.get_mut(i) { c.2 = on });
                                } />
                            <label for=label_for>{title.clone()}</label>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <fieldset class="field choices" aria-describedby="scope-error">
            <legend>{ui.t(Key::DlScope)}</legend>
            {scopes}
            <p id="scope-error" class="field-error">{scope_error}</p>
        </fieldset>
        <fieldset class="field choices" aria-describedby="format-error">
            <legend>{ui.t(Key::DlFormat)}</legend>
            {formats}
            <p id="format-error" class="field-error">{format_error}</p>
        </fieldset>
        <fieldset class="field choices" aria-describedby="columns-error">
            <legend>{ui.t(Key::DlColumns)}</legend>
            <div class="actions column-toggles">
                <button type="button" class="link-button" on:click=move |_| set_all(true)>{ui.t(Key::DlColumnsAll)}</button>
                <button type="button" class="link-button" on:click=move |_| set_all(false)>{ui.t(Key::DlColumnsNone)}</button>
            </div>
            {move || columns.with(Vec::is_empty).then(|| ui.loading())}
            <ul class="column-picks">{boxes}</ul>
            <p id="columns-error" class="field-error">{columns_error}</p>
        </fieldset>
    }
}

/// `GET …/exports/columns`, once per channel: every column ticked.
fn load_columns(
    ui: Ui,
    channel: String,
    columns: RwSignal<Vec<(String, String, bool)>>,
    columns_of: StoredValue<Option<String>>,
    problems: Problems,
) {
    if columns_of.get_value().as_deref() == Some(channel.as_str()) {
        columns.update(|all| all.iter_mut().for_each(|c| c.2 = true));
        return;
    }
    columns.set(Vec::new());
    let path = format!("/admin/v1/channels/{}/exports/columns", api::encode(&channel));
    spawn_local(async move {
        match api::get::<ExportColumnsOut>(&path).await {
            Ok(answer) => {
                columns_of.set_value(Some(channel));
                columns.set(answer.columns.into_iter().map(|c| (c.key, c.title, true)).collect());
            }
            Err(failure) => {
                if let Some(problem) = load_failed(ui, failure) {
                    problems.set(vec![Problem { field: None, ..problem }]);
                }
            }
        }
    });
}

/// Downloads the file `path` answers and saves it; answers its name.
async fn save_answer(path: &str, asked: Asked, fallback: &str) -> Result<Option<String>, crate::problem::Failure> {
    let body = DownloadIn { reason: asked.reason, password: asked.password };
    let (blob, disposition) = api::fetch_file(path, &body).await?;
    let name = file_name(disposition.as_deref(), fallback);
    Ok(save_file(&blob, &name).then_some(name))
}
