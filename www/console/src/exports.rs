//! The owners' download pages (issue 13): the customer exports' job list (state,
//! progress, who asked and why, the files while their links last, cancel while open;
//! asked again every 2 s while a job is open) and the audit log (who downloaded what,
//! allowed or refused, filtered by person and period, paged with `next`).
//!
//! Invariant: both pages show what the API answered and nothing more; days typed in the
//! audit filter and every time shown are in the browser's time zone, which the page names.

use crate::api;
use crate::download::{AuditQuery, action_key, any_open, audit_period, civil, format_key, scope_key, state_key};
use crate::form::{FormAlert, Problems, described_by};
use crate::i18n::{Key, fill, text};
use crate::problem::{Failure, Problem};
use crate::ui::{Ui, load_failed, query};
use kizuna_shared::time::Day;
use kizuna_shared::wire::admin::MemberList;
use kizuna_shared::wire::downloads::{ActorOut, AuditEntryOut, AuditPageOut, ExportJobOut, ExportJobsOut};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsValue;

/// How often the job list asks again while a job is open.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// The browser's time zone, as `Intl` names it.
fn browser_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_default()
}

/// A person as both pages name them: the name, and the email beneath.
fn actor_view(actor: &ActorOut) -> impl IntoView + use<> {
    let email = actor.email.clone();
    view! {
        <span class="actor-name">{actor.name.clone()}</span>
        {email.map(|e| view! { <br /><span class="actor-email">{e}</span> })}
    }
}

fn dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

#[component]
pub fn ExportJobs(ui: Ui, channel: String) -> impl IntoView {
    let base = format!("/admin/v1/channels/{}/exports", api::encode(&channel));
    let jobs: RwSignal<Option<Vec<ExportJobOut>>> = RwSignal::new(None);
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let started = query("started");
    let notice = RwSignal::new(started.is_some());
    let loading = StoredValue::new(false);

    let load = {
        let base = base.clone();
        move || {
            if loading.try_get_value() != Some(false) {
                return;
            }
            loading.set_value(true);
            let base = base.clone();
            spawn_local(async move {
                let answer = api::get::<ExportJobsOut>(&base).await;
                loading.try_set_value(false);
                match answer {
                    Ok(list) => {
                        jobs.try_set(Some(list.items));
                        problem.try_set(None);
                    }
                    Err(failure) => {
                        problem.try_set(load_failed(ui, failure));
                    }
                }
            });
        }
    };
    load();
    {
        let load = load.clone();
        let poll = move || {
            let open = jobs.try_with_untracked(|j| j.as_deref().is_some_and(any_open)).unwrap_or(false);
            if open && document().visibility_state() == web_sys::VisibilityState::Visible {
                load();
            }
        };
        if let Ok(handle) = set_interval_with_handle(poll, POLL_EVERY) {
            on_cleanup(move || handle.clear());
        }
    }

    let cancel = {
        let base = base.clone();
        move |id: String| {
            let path = format!("{base}/{}/cancel", api::encode(&id));
            spawn_local(async move {
                match api::send_json::<ExportJobOut>("POST", &path, &serde_json::json!({})).await {
                    Ok(job) => {
                        jobs.update(|all| {
                            if let Some(found) = all.iter_mut().flatten().find(|j| j.id == job.id) {
                                *found = job;
                            }
                        });
                        problem.set(None);
                    }
                    Err(Failure::Answered { status: 409, .. }) => problem.set(Some(Problem::form(Key::ExpNotOpen))),
                    Err(failure) => problem.set(load_failed(ui, failure)),
                }
            });
        }
    };

    let rows = move || {
        let now = js_sys::Date::now() as i64;
        let formats = ui.formats(None);
        jobs.get().unwrap_or_default().into_iter().map(|job| {
            let lang = ui.lang.get();
            let state = job.state;
            let rows: u64 = if job.files.is_empty() { job.processed } else { job.files.iter().map(|f| u64::from(f.rows)).sum() };
            let expired = job.expires_at.is_some_and(|t| t <= now);
            let files = if expired {
                view! { <span>{text(lang, Key::ExpExpired)}</span> }.into_any()
            } else {
                job.files.iter().map(|file| {
                    let href = format!("{base}/{}/files/{}", api::encode(&job.id), file.n);
                    let label = fill(&fill(text(lang, Key::ExpFile), "n", &file.n.to_string()), "rows", &formats.number(f64::from(file.rows)));
                    view! { <a class="link file-link" href=href download=file.name.clone()>{label}</a><br /> }
                }).collect_view().into_any()
            };
            let progress_label = fill(
                &fill(text(lang, Key::ExpProcessed), "done", &formats.number(job.processed as f64)),
                "total",
                &formats.number(job.total as f64),
            );
            let id = job.id.clone();
            let cancel = cancel.clone();
            view! {
                <tr data-job=job.id.clone() data-state=state.as_str()>
                    <td><span class=format!("job-state {}", state.as_str())>{text(lang, state_key(state))}</span></td>
                    <td class="progress-cell">
                        <progress max=job.total.max(1).to_string() value=job.processed.to_string() aria-label=progress_label.clone()></progress>
                        <span class="progress-text">{progress_label}</span>
                    </td>
                    <td class="number">{formats.number(rows as f64)}</td>
                    <td>{text(lang, format_key(job.format))}<br /><span class="hint">{text(lang, scope_key(job.scope))}</span></td>
                    <td>{actor_view(&job.requested_by)}</td>
                    <td class="reason">{job.reason.clone()}</td>
                    <td>{formats.time(job.created_at)}</td>
                    <td>{dash(job.finished_at.map(|t| formats.time(t)))}</td>
                    <td>{dash(job.expires_at.map(|t| formats.time(t)))}</td>
                    <td>{files}</td>
                    <td>{dash(job.error.clone())}</td>
                    <td>
                        {state.is_open().then(|| view! {
                            <button type="button" class="secondary" on:click=move |_| cancel(id.clone())>{text(lang, Key::ExpCancel)}</button>
                        })}
                    </td>
                </tr>
            }
        }).collect_view()
    };
    let header = move || {
        [
            Key::ExpState,
            Key::ExpProgress,
            Key::ExpRows,
            Key::ExpFormat,
            Key::ExpAskedBy,
            Key::ExpReason,
            Key::ExpCreated,
            Key::ExpFinished,
            Key::ExpExpires,
            Key::ExpFiles,
            Key::ExpError,
        ]
        .into_iter()
        .map(|key| view! { <th scope="col">{ui.t(key)}</th> })
        .collect_view()
    };

    view! {
        <div class="exports">
            <h1>{ui.t(Key::NavExports)}</h1>
            <p class="lead">{ui.t(Key::ExpLead)}</p>
            <p class="hint">{move || fill(ui.s(Key::AudZoneNote), "zone", &browser_zone())}</p>
            <p class="notice" role="status">{move || notice.get().then(|| ui.s(Key::ExpStarted))}</p>
            <div class="alert" role="alert">{move || problem.get().map(|p| p.message(ui.lang.get()))}</div>
            {move || match jobs.with(|j| j.as_ref().map(Vec::is_empty)) {
                None => ui.loading(),
                Some(true) => view! { <p class="empty">{ui.t(Key::ExpNone)}</p> }.into_any(),
                Some(false) => view! {
                    <div class="table-scroll" role="region" aria-labelledby="exports-caption" tabindex="0">
                        <table class="data exports-table">
                            <caption id="exports-caption" class="visually-hidden">{ui.t(Key::ExpTable)}</caption>
                            <thead><tr>{header}<th scope="col"><span class="visually-hidden">{ui.t(Key::ExpCancel)}</span></th></tr></thead>
                            <tbody>{rows.clone()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn AuditLog(ui: Ui, channel: String) -> impl IntoView {
    let base = format!("/admin/v1/channels/{}", api::encode(&channel));
    let members: RwSignal<Vec<(String, String)>> = RwSignal::new(Vec::new());
    let entries: RwSignal<Option<Vec<AuditEntryOut>>> = RwSignal::new(None);
    let next: RwSignal<Option<String>> = RwSignal::new(None);
    let asked: StoredValue<AuditQuery> = StoredValue::new(AuditQuery::default());
    let busy = RwSignal::new(false);
    let actor = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let problems = Problems::new(&["auditActor", "auditFrom", "auditTo"]);

    {
        let path = format!("{base}/members");
        spawn_local(async move {
            match api::get::<MemberList>(&path).await {
                Ok(list) => {
                    members.try_set(
                        list.members.into_iter().map(|m| (m.id, format!("{} — {}", m.name, m.email))).collect(),
                    );
                }
                Err(failure) => {
                    if let Some(problem) = load_failed(ui, failure) {
                        problems.set(vec![problem]);
                    }
                }
            }
        });
    }

    // Loads `query`'s first page (replacing the list) or its next one (appending).
    let load = {
        let base = base.clone();
        move |query: AuditQuery, more: bool| {
            busy.set(true);
            let path = query.path(&base);
            spawn_local(async move {
                let answer = api::get::<AuditPageOut>(&path).await;
                busy.try_set(false);
                match answer {
                    Ok(page) => {
                        next.try_set(page.next);
                        if more {
                            entries.update(|all| all.get_or_insert_with(Vec::new).extend(page.items));
                        } else {
                            entries.try_set(Some(page.items));
                        }
                        problems.clear();
                    }
                    Err(failure) => {
                        if let Some(problem) = load_failed(ui, failure) {
                            problems.set(vec![problem]);
                        }
                    }
                }
            });
        }
    };
    load(AuditQuery::default(), false);

    let apply = {
        let load = load.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            match audit_period(&from.get_untracked(), &to.get_untracked()) {
                Err(found) => problems.set(found),
                Ok((first, last)) => {
                    problems.clear();
                    let query = AuditQuery {
                        actor: Some(actor.get_untracked()).filter(|a| !a.is_empty()),
                        from: first.map(local_midnight),
                        to: last.map(|day| local_midnight(Day(day.0 + 1))),
                        next: None,
                    };
                    asked.set_value(query.clone());
                    load(query, false);
                }
            }
        }
    };
    let more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        let query = AuditQuery { next: Some(cursor), ..asked.get_value() };
        load(query, true);
    };

    let from_error = problems.beside(ui, "auditFrom");
    let to_error = problems.beside(ui, "auditTo");
    let from_described = described_by(false, String::new(), "auditFrom-error".into(), from_error);
    let to_described = described_by(false, String::new(), "auditTo-error".into(), to_error);

    let rows = move || {
        let formats = ui.formats(None);
        entries.get().unwrap_or_default().into_iter().map(|entry| {
            let lang = ui.lang.get();
            let mut about = Vec::new();
            if let Some(id) = &entry.campaign_id {
                about.push(fill(text(lang, Key::AudCampaignId), "id", id));
            }
            if let Some(id) = &entry.customer_id {
                about.push(fill(text(lang, Key::AudCustomerId), "id", id));
            }
            if let Some(id) = &entry.export_id {
                about.push(fill(text(lang, Key::AudExportId), "id", id));
            }
            let (result_key, result_class) = if entry.allowed { (Key::AudAllowed, "allowed") } else { (Key::AudDenied, "denied") };
            view! {
                <tr data-action=entry.action.as_str() data-allowed=entry.allowed.to_string()>
                    <td>{formats.time(entry.at)}</td>
                    <td>{actor_view(&entry.actor)}</td>
                    <td>{text(lang, action_key(entry.action))}<br /><span class="hint">{about.join(", ")}</span></td>
                    <td><span class=format!("audit-result {result_class}")>{text(lang, result_key)}</span></td>
                    <td class="number">{dash(entry.rows.map(|n| formats.number(n as f64)))}</td>
                    <td>{dash(entry.file_kind.map(|k| text(lang, format_key(k)).to_owned()))}</td>
                    <td class="columns-cell">{dash(entry.columns.as_ref().map(|c| c.join(", ")))}</td>
                    <td class="reason">{entry.reason.clone()}</td>
                    <td>{dash(entry.ip.clone())}</td>
                </tr>
            }
        }).collect_view()
    };
    let header = move || {
        [
            Key::AudWhen,
            Key::AudWho,
            Key::AudWhat,
            Key::AudResult,
            Key::AudRows,
            Key::AudFile,
            Key::AudColumns,
            Key::AudReason,
            Key::AudIp,
        ]
        .into_iter()
        .map(|key| view! { <th scope="col">{ui.t(key)}</th> })
        .collect_view()
    };

    view! {
        <div class="audit">
            <h1>{ui.t(Key::NavAudit)}</h1>
            <p class="lead">{ui.t(Key::AudLead)}</p>
            <FormAlert ui problems />
            <form class="audit-filter" novalidate on:submit=apply aria-label=ui.t(Key::AudFilters)>
                <div class="field">
                    <label for="auditActor">{ui.t(Key::AudPerson)}</label>
                    <select id="auditActor" name="actor" on:change=move |ev| actor.set(event_target_value(&ev))
                        prop:value=move || actor.get()>
                        <option value="">{ui.t(Key::AudEveryone)}</option>
                        {move || members.get().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="auditFrom">{ui.t(Key::AudFrom)}</label>
                    <input id="auditFrom" type="date" bind:value=from
                        aria-invalid=move || from_error().is_some().then_some("true") aria-describedby=from_described />
                    <p id="auditFrom-error" class="field-error">{from_error}</p>
                </div>
                <div class="field">
                    <label for="auditTo">{ui.t(Key::AudTo)}</label>
                    <input id="auditTo" type="date" bind:value=to
                        aria-invalid=move || to_error().is_some().then_some("true") aria-describedby=to_described />
                    <p id="auditTo-error" class="field-error">{to_error}</p>
                </div>
                <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>{ui.t(Key::AudApply)}</button>
            </form>
            <p class="hint">{move || fill(ui.s(Key::AudZoneNote), "zone", &browser_zone())}</p>
            {move || match entries.with(|e| e.as_ref().map(Vec::is_empty)) {
                None => ui.loading(),
                Some(true) => view! { <p class="empty">{ui.t(Key::AudNone)}</p> }.into_any(),
                Some(false) => view! {
                    <div class="table-scroll" role="region" aria-labelledby="audit-caption" tabindex="0">
                        <table class="data audit-table" aria-busy=move || busy.get().then_some("true")>
                            <caption id="audit-caption" class="visually-hidden">{ui.t(Key::AudTable)}</caption>
                            <thead><tr>{header}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            {move || {
                let more = more.clone();
                next.with(Option::is_some).then(move || view! {
                    <button type="button" class="secondary more" on:click=more>{ui.t(Key::AudMore)}</button>
                })
            }}
        </div>
    }
}

/// The first moment of `day` in the browser's zone (its own daylight-saving rules).
fn local_midnight(day: Day) -> i64 {
    let (y, m, d) = civil(day);
    let date = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d);
    date.get_time() as i64
}
