//! A channel's saved segments: listed, created and edited with the filter builder (with
//! the count of customers the filter matches now), deleted, each opening its results in
//! the customer list (`…/customers?segment={id}`).

use crate::api;
use crate::filter::{FilterBuilder, FilterSummary, segment_problem};
use crate::filter_edit::Mistake;
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill};
use crate::problem::Problem;
use crate::screen::{ChannelPage, Screen};
use crate::ui::{Ui, load_failed};
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::wire::admin::{CustomerQuery, FieldOut, SegmentIn, SegmentList, SegmentOut};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::JsValue;

#[derive(Deserialize)]
struct FieldList {
    fields: Vec<FieldOut>,
}

/// Enough of a customer page to count it; `total` when the API gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CountPage {
    customers: Vec<serde::de::IgnoredAny>,
    next_cursor: Option<String>,
    #[serde(default)]
    total: Option<u64>,
}

/// How many customers match, as far as the console counted.
#[derive(Clone, Copy, PartialEq)]
enum Count {
    Exactly(u64),
    MoreThan(u64),
}

const COUNT_PAGE: u32 = 200;
const COUNT_PAGES: usize = 10;

/// The customers `filter` matches now: the API's `total` when it gives one, else counted
/// over up to [`COUNT_PAGES`] pages.
async fn count(channel: &str, filter: Option<FilterDoc>) -> Result<Count, crate::problem::Failure> {
    let path = format!("/admin/v1/channels/{}/customers/search", api::encode(channel));
    let first = CustomerQuery { filter: filter.clone(), limit: Some(1), ..CustomerQuery::default() };
    let page: CountPage = api::send_json("POST", &path, &first).await?;
    if let Some(total) = page.total {
        return Ok(Count::Exactly(total));
    }
    if page.next_cursor.is_none() {
        return Ok(Count::Exactly(page.customers.len() as u64));
    }
    let mut counted = 0u64;
    let mut cursor = None;
    for _ in 0..COUNT_PAGES {
        let query =
            CustomerQuery { filter: filter.clone(), limit: Some(COUNT_PAGE), cursor, ..CustomerQuery::default() };
        let page: CountPage = api::send_json("POST", &path, &query).await?;
        counted += page.customers.len() as u64;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(Count::Exactly(counted)),
        }
    }
    Ok(Count::MoreThan(counted))
}

/// The count of customers the filter being edited matches, kept up to date.
#[component]
pub fn MatchCount(ui: Ui, channel: String, filter: RwSignal<Option<FilterDoc>>) -> impl IntoView {
    let shown = RwSignal::new(None::<Result<Count, Problem>>);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let doc = filter.get();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        shown.set(None);
        let channel = channel.clone();
        spawn_local(async move {
            let answer = count(&channel, doc).await.map_err(Problem::from);
            // The editor may have closed meanwhile.
            if generation.try_get_value() == Some(this) {
                shown.try_set(Some(answer));
            }
        });
    });
    let text = move || match shown.get() {
        None => ui.s(Key::SegmentCounting).to_owned(),
        Some(Ok(Count::Exactly(n))) => fill(ui.s(Key::SegmentMatching), "count", &ui.number(n as f64)),
        Some(Ok(Count::MoreThan(n))) => fill(ui.s(Key::SegmentMatchingMore), "count", &ui.number(n as f64)),
        Some(Err(problem)) => problem.message(ui.lang.get()),
    };
    view! {
        <p class="match-count" role="status" aria-live="polite" data-count=move || match shown.get() {
            Some(Ok(Count::Exactly(n))) => Some(n.to_string()),
            _ => None,
        }>{text}</p>
    }
}

#[derive(Clone, PartialEq)]
enum Editing {
    New,
    Existing(SegmentOut),
}

/// The customer list's address showing segment `id`.
fn customers_href(channel: &str, id: &str) -> String {
    let list = Screen::Channel { channel: channel.to_owned(), page: ChannelPage::Customers };
    format!("{}?segment={}", list.path(), api::encode(id))
}

#[component]
pub fn Segments(ui: Ui, channel: String) -> impl IntoView {
    let fields = RwSignal::new(Vec::<FieldOut>::new());
    let segments = RwSignal::new(None::<Vec<SegmentOut>>);
    let zone = RwSignal::new(None::<String>);
    let load_problem = RwSignal::new(None::<Problem>);
    let editing = RwSignal::new(None::<Editing>);
    let notice = RwSignal::new(None::<(Key, String)>);
    let asking = RwSignal::new(None::<String>);

    let reload = {
        let channel = channel.clone();
        move || {
            let channel = channel.clone();
            spawn_local(async move {
                let path = format!("/admin/v1/channels/{}/segments", api::encode(&channel));
                match api::get::<SegmentList>(&path).await {
                    Ok(list) => segments.set(Some(list.segments)),
                    Err(failure) => load_problem.set(load_failed(ui, failure)),
                }
            });
        }
    };
    reload();
    {
        let channel = channel.clone();
        spawn_local(async move {
            let base = format!("/admin/v1/channels/{}", api::encode(&channel));
            match api::get::<FieldList>(&format!("{base}/fields")).await {
                Ok(list) => fields.set(list.fields),
                Err(failure) => load_problem.set(load_failed(ui, failure)),
            }
            if let Ok(found) = api::get::<serde_json::Value>(&base).await {
                zone.set(found.get("timeZone").and_then(|z| z.as_str()).map(str::to_owned));
            }
        });
    }

    let open = move |what: Editing| {
        notice.set(None);
        asking.set(None);
        editing.set(Some(what));
        crate::ui::focus_later("segment-editor-title");
    };

    let delete = {
        let channel = channel.clone();
        let reload = reload.clone();
        move |id: String| {
            let channel = channel.clone();
            let reload = reload.clone();
            spawn_local(async move {
                let path = format!("/admin/v1/channels/{}/segments/{}", api::encode(&channel), api::encode(&id));
                match api::send_done("DELETE", &path, None).await {
                    Ok(()) => {
                        asking.set(None);
                        if matches!(editing.get_untracked(), Some(Editing::Existing(s)) if s.id == id) {
                            editing.set(None);
                        }
                        notice.set(Some((Key::SegmentDeleted, String::new())));
                        reload();
                    }
                    Err(failure) => load_problem.set(load_failed(ui, failure)),
                }
            });
        }
    };

    let list = {
        let channel = channel.clone();
        move || {
            let Some(all) = segments.get() else {
                return view! { <p class="lead" aria-live="polite">{ui.t(Key::Loading)}</p> }.into_any();
            };
            if all.is_empty() {
                return view! { <p class="hint segments-none">{ui.t(Key::SegmentsNone)}</p> }.into_any();
            }
            let rows = all
                .into_iter()
                .map(|segment| {
                    let href = customers_href(&channel, &segment.id);
                    let show = {
                        let (href, channel) = (href.clone(), channel.clone());
                        move |ev: leptos::ev::MouseEvent| {
                            if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
                                return;
                            }
                            ev.prevent_default();
                            if let Ok(history) = window().history() {
                                let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&href));
                            }
                            ui.screen.set(Screen::Channel { channel: channel.clone(), page: ChannelPage::Customers });
                            window().scroll_to_with_x_and_y(0.0, 0.0);
                        }
                    };
                    let updated = ui.time(segment.updated_at, zone.get().as_deref());
                    let (id, name) = (segment.id.clone(), segment.name.clone());
                    let edit_segment = segment.clone();
                    let ask_id = id.clone();
                    let asking_this = {
                        let id = id.clone();
                        move || asking.get().as_deref() == Some(id.as_str())
                    };
                    let delete = delete.clone();
                    let confirm_id = id.clone();
                    let ask_text = fill(ui.s(Key::SegmentDeleteAsk), "name", &name);
                    view! {
                        <tr>
                            <th scope="row">
                                <button type="button" class="link-button" on:click=move |_| open(Editing::Existing(edit_segment.clone()))>
                                    {name.clone()}
                                </button>
                                <FilterSummary ui fields=fields.into() filter=segment.filter.clone() zone=zone />
                            </th>
                            <td>{updated}</td>
                            <td>
                                <div class="actions">
                                    <a class="link" href=href on:click=show>{ui.t(Key::SegmentShowCustomers)}</a>
                                    <Show
                                        when=asking_this
                                        fallback=move || {
                                            let ask_id = ask_id.clone();
                                            view! {
                                                <button type="button" class="secondary small" on:click=move |_| asking.set(Some(ask_id.clone()))>
                                                    {ui.t(Key::Delete)}
                                                </button>
                                            }
                                        }
                                    >
                                        {
                                            let delete = delete.clone();
                                            let confirm_id = confirm_id.clone();
                                            let ask_text = ask_text.clone();
                                            view! {
                                                <span class="confirm" role="group" aria-label=ask_text.clone()>
                                                    <span>{ask_text.clone()}</span>
                                                    <button type="button" class="danger small" on:click=move |_| delete(confirm_id.clone())>
                                                        {ui.t(Key::Delete)}
                                                    </button>
                                                    <button type="button" class="secondary small" on:click=move |_| asking.set(None)>
                                                        {ui.t(Key::Cancel)}
                                                    </button>
                                                </span>
                                            }
                                        }
                                    </Show>
                                </div>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="data segments">
                    <thead>
                        <tr>
                            <th scope="col" class="segment-name-col">{ui.t(Key::SegmentName)}</th>
                            <th scope="col">{ui.t(Key::SegmentUpdated)}</th>
                            <th scope="col">{ui.t(Key::SegmentActions)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };

    let editor = {
        let channel = channel.clone();
        let reload = reload.clone();
        move || {
            let what = editing.get()?;
            let reload = reload.clone();
            let done = move |name: String| {
                editing.set(None);
                notice.set(Some((Key::SegmentSaved, name)));
                reload();
            };
            Some(view! { <SegmentEditor ui channel=channel.clone() fields=fields.into() what done editing /> })
        }
    };

    view! {
        <div class="segments-screen">
            <div class="screen-head">
                <div>
                    <h1>{ui.t(Key::NavSegments)}</h1>
                    <p class="lead">{ui.t(Key::SegmentsLead)}</p>
                </div>
                <button type="button" class="primary" on:click=move |_| open(Editing::New)>
                    "+ " {ui.t(Key::SegmentNew)}
                </button>
            </div>
            <div class="alert" role="alert">{move || load_problem.get().map(|p| p.message(ui.lang.get()))}</div>
            <p class="notice" role="status">
                {move || notice.get().map(|(key, name)| fill(ui.s(key), "name", &name))}
            </p>
            {editor}
            <section class="panel" aria-label=ui.t(Key::NavSegments)>{list}</section>
        </div>
    }
}

/// Creating or editing one segment: its name, its filter and the count it matches now.
#[component]
fn SegmentEditor(
    ui: Ui,
    channel: String,
    fields: Signal<Vec<FieldOut>>,
    what: Editing,
    done: impl Fn(String) + Clone + Send + Sync + 'static,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let existing = match &what {
        Editing::Existing(segment) => Some(segment.clone()),
        Editing::New => None,
    };
    let name = RwSignal::new(existing.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let filter = RwSignal::new(existing.as_ref().map(|s| s.filter.clone()));
    let mistake = RwSignal::new(None::<Mistake>);
    let problems = Problems::new(&["name"]);
    let busy = RwSignal::new(false);
    let id = existing.as_ref().map(|s| s.id.clone());
    let title = if id.is_some() { Key::SegmentEdit } else { Key::SegmentNew };

    let submit = {
        let channel = channel.clone();
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let segment_name = name.get_untracked().trim().to_owned();
            if segment_name.is_empty() {
                problems.set(vec![Problem::at("name", Key::SegmentNameMissing)]);
                return;
            }
            if mistake.get_untracked().is_some() {
                problems.set(vec![Problem::form(Key::FilterPending)]);
                return;
            }
            // A segment without conditions matches everyone: `{"all": []}`.
            let doc = filter.get_untracked().unwrap_or(FilterDoc { all: Some(Vec::new()), ..FilterDoc::default() });
            problems.clear();
            busy.set(true);
            let base = format!("/admin/v1/channels/{}/segments", api::encode(&channel));
            let (method, path) = match &id {
                Some(id) => ("PATCH", format!("{base}/{}", api::encode(id))),
                None => ("POST", base),
            };
            let done = done.clone();
            spawn_local(async move {
                let body = SegmentIn { name: Some(segment_name), filter: Some(doc) };
                let answer = api::send_json::<SegmentOut>(method, &path, &body).await;
                busy.set(false);
                match answer {
                    Ok(segment) => done(segment.name),
                    Err(failure) => {
                        let (problem, found) = segment_problem(failure);
                        if found.is_some() {
                            mistake.set(found);
                        }
                        problems.set(vec![problem]);
                    }
                }
            });
        }
    };

    view! {
        <section class="panel segment-editor" aria-labelledby="segment-editor-title">
            <h2 id="segment-editor-title" tabindex="-1">{ui.t(title)}</h2>
            <form class="form" novalidate on:submit=submit>
                <FormAlert ui problems />
                <TextInput ui problems name="name" label=Key::SegmentName value=name required=true />
                <MatchCount ui channel=channel.clone() filter />
                <FilterBuilder ui channel fields filter no_save=true mistake />
                <div class="actions">
                    <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                        {move || ui.s(if busy.get() { Key::Saving } else if id.is_some() { Key::Save } else { Key::SegmentCreate })}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| editing.set(None)>
                        {ui.t(Key::Cancel)}
                    </button>
                </div>
            </form>
        </section>
    }
}
