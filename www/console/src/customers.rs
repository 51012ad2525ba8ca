//! The customer list: a spreadsheet of the channel's customers in its field order, with
//! quick search, the filter builder, sorting, infinite scroll over cursor pages, new
//! visitors appearing while it is open, and bulk actions.
//!
//! Invariant: however many customers are loaded (all are kept in memory), the table holds
//! at most [`grid::MAX_RENDERED`] rows; spacers of the same height stand for the rest, so
//! the scroll bar and keyboard scrolling behave as if every row were there.

use crate::api;
use crate::download::ListState;
use crate::download_dialog::{DownloadDialog, Target};
use crate::filter::FilterBuilder;
use crate::form::{FormAlert, Problems, TextInput};
use crate::grid::{self, Cell};
use crate::i18n::{Key, fill};
use crate::problem::{Failure, Problem};
use crate::screen::{ChannelPage, Screen};
use crate::ui::{Formats, Ui, load_failed, query};
use kizuna_shared::bulk::JobState;
use kizuna_shared::field::FieldType;
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::wire::admin::{BulkIn, CustomerOut, CustomerPage, CustomerQuery, FieldOut, JobOut, SegmentOut};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// How often the open list asks for new visitors.
const LIVE_EVERY: Duration = Duration::from_secs(5);
/// Quick search waits this long after the last key.
const DEBOUNCE: Duration = Duration::from_millis(300);
/// A row's height until the first rendered row is measured (CSS sets the same).
const ROW_HEIGHT: f64 = 40.0;

fn columns_key(channel: &str) -> String {
    format!("kizuna.console.columns.{channel}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    AddTags,
    RemoveTags,
    UnsubscribeEmail,
    ResubscribeEmail,
    UnsubscribeTexting,
    ResubscribeTexting,
    Delete,
}

impl Action {
    const ALL: [Action; 7] = [
        Action::AddTags,
        Action::RemoveTags,
        Action::UnsubscribeEmail,
        Action::ResubscribeEmail,
        Action::UnsubscribeTexting,
        Action::ResubscribeTexting,
        Action::Delete,
    ];

    fn slug(self) -> &'static str {
        match self {
            Action::AddTags => "addTags",
            Action::RemoveTags => "removeTags",
            Action::UnsubscribeEmail => "unsubscribeEmail",
            Action::ResubscribeEmail => "resubscribeEmail",
            Action::UnsubscribeTexting => "unsubscribeTexting",
            Action::ResubscribeTexting => "resubscribeTexting",
            Action::Delete => "delete",
        }
    }

    fn label(self) -> Key {
        match self {
            Action::AddTags => Key::BulkAddTags,
            Action::RemoveTags => Key::BulkRemoveTags,
            Action::UnsubscribeEmail => Key::BulkUnsubscribeEmail,
            Action::ResubscribeEmail => Key::BulkResubscribeEmail,
            Action::UnsubscribeTexting => Key::BulkUnsubscribeTexting,
            Action::ResubscribeTexting => Key::BulkResubscribeTexting,
            Action::Delete => Key::BulkDelete,
        }
    }
}

/// How far a bulk action got.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Running { done: i64, total: i64 },
    Done(String),
    Failed(String),
}

/// One load of the list: its rows and where it goes on.
#[derive(Clone, Copy)]
struct List {
    rows: RwSignal<Vec<CustomerOut>>,
    known: StoredValue<HashSet<String>>,
    total: RwSignal<Option<u64>>,
    next: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    /// Bumped by each new query; answers of an older one are dropped.
    generation: StoredValue<u64>,
    problem: RwSignal<Option<Problem>>,
}

#[component]
pub fn Customers(ui: Ui, channel: String) -> impl IntoView {
    let base = format!("/admin/v1/channels/{}", api::encode(&channel));
    let fields: RwSignal<Vec<FieldOut>> = RwSignal::new(Vec::new());
    let zone: RwSignal<Option<String>> = RwSignal::new(None);
    let segment: RwSignal<Option<String>> = RwSignal::new(query("segment").filter(|s| !s.is_empty()));
    let segment_name: RwSignal<Option<String>> = RwSignal::new(None);
    let q_input = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let filter: RwSignal<Option<FilterDoc>> = RwSignal::new(None);
    let sort: RwSignal<&'static str> = RwSignal::new("lastSeenAt");
    let descending = RwSignal::new(true);
    let columns: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let list = List {
        rows: RwSignal::new(Vec::new()),
        known: StoredValue::new(HashSet::new()),
        total: RwSignal::new(None),
        next: RwSignal::new(None),
        loading: RwSignal::new(false),
        generation: StoredValue::new(0),
        problem: RwSignal::new(None),
    };
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let row_height = RwSignal::new(ROW_HEIGHT);
    let arrived = RwSignal::new(0_usize);
    let selected: RwSignal<HashSet<String>> = RwSignal::new(HashSet::new());
    let all_results = RwSignal::new(false);
    let scroller: NodeRef<html::Div> = NodeRef::new();

    // The fields (columns), the channel's zone (dates) and the segment's name.
    {
        let (base, channel) = (base.clone(), channel.clone());
        spawn_local(async move {
            #[derive(serde::Deserialize)]
            struct Fields {
                fields: Vec<FieldOut>,
            }
            match api::get::<Fields>(&format!("{base}/fields")).await {
                Ok(answer) => {
                    let remembered = storage().and_then(|s| s.get_item(&columns_key(&channel)).ok().flatten());
                    columns.set(grid::shown_columns(&answer.fields, remembered.as_deref()));
                    fields.set(answer.fields);
                }
                Err(failure) => list.problem.set(load_failed(ui, failure)),
            }
            if let Ok(settings) = api::get::<serde_json::Value>(&base).await {
                zone.set(settings.get("timeZone").and_then(|z| z.as_str()).map(str::to_owned));
            }
            // The list may be gone by now (the viewer moved on): a `try_` read.
            if let Some(id) = segment.try_get_untracked().flatten() {
                match api::get::<SegmentOut>(&format!("{base}/segments/{}", api::encode(&id))).await {
                    Ok(found) => segment_name.set(Some(found.name)),
                    Err(failure) => list.problem.set(load_failed(ui, failure)),
                }
            }
        });
    }

    let search_body = move |cursor: Option<String>, limit: u32| CustomerQuery {
        q: Some(q.get_untracked()).filter(|q| !q.trim().is_empty()),
        filter: filter.get_untracked(),
        segment: segment.get_untracked(),
        sort: Some(sort.get_untracked().to_owned()),
        order: Some(if descending.get_untracked() { "desc" } else { "asc" }.to_owned()),
        limit: Some(limit),
        cursor,
    };
    let search_path = format!("{base}/customers/search");

    let load_first = {
        let path = search_path.clone();
        move || {
            let generation = list.generation.get_value() + 1;
            list.generation.set_value(generation);
            list.loading.set(true);
            arrived.set(0);
            let body = search_body(None, grid::PAGE);
            let path = path.clone();
            spawn_local(async move {
                let answer = api::send_json::<CustomerPage>("POST", &path, &body).await;
                if list.generation.try_get_value() != Some(generation) {
                    return;
                }
                match answer {
                    Ok(page) => {
                        list.known.set_value(page.customers.iter().map(|c| c.id.clone()).collect());
                        list.total.set(page.total);
                        list.next.set(page.next_cursor);
                        list.rows.set(page.customers);
                        list.problem.set(None);
                        if let Some(el) = scroller.get_untracked() {
                            el.set_scroll_top(0);
                        }
                        scroll_top.set(0.0);
                    }
                    Err(failure) => list.problem.set(load_failed(ui, failure)),
                }
                list.loading.set(false);
            });
        }
    };

    let load_more = {
        let path = search_path.clone();
        move || {
            let Some(cursor) = list.next.get_untracked() else { return };
            if list.loading.get_untracked() {
                return;
            }
            let generation = list.generation.get_value();
            list.loading.set(true);
            let body = search_body(Some(cursor), grid::PAGE);
            let path = path.clone();
            spawn_local(async move {
                let answer = api::send_json::<CustomerPage>("POST", &path, &body).await;
                if list.generation.try_get_value() != Some(generation) {
                    return;
                }
                match answer {
                    Ok(page) => {
                        let fresh: Vec<CustomerOut> =
                            list.known.with_value(|known| grid::arrivals(&page.customers, known));
                        list.known.update_value(|known| known.extend(fresh.iter().map(|c| c.id.clone())));
                        list.next.set(page.next_cursor);
                        list.rows.update(|rows| rows.extend(fresh));
                    }
                    Err(failure) => list.problem.set(load_failed(ui, failure)),
                }
                list.loading.set(false);
            });
        }
    };

    // A new query starts the list again (and clears a selection of the old one).
    {
        let load_first = load_first.clone();
        Effect::new(move |_| {
            q.track();
            filter.track();
            segment.track();
            sort.track();
            descending.track();
            selected.set(HashSet::new());
            all_results.set(false);
            load_first();
        });
    }

    let window_rows =
        Memo::new(move |_| grid::window(scroll_top.get(), viewport.get(), row_height.get(), list.rows.with(Vec::len)));

    // The next page when the window nears the loaded end (and again when a page lands
    // while the viewer is still near it).
    {
        let load_more = load_more.clone();
        Effect::new(move |_| {
            let (_, end) = window_rows.get();
            let loaded = list.rows.with(Vec::len);
            if !list.loading.get() && grid::wants_more(end, loaded, list.next.with(Option::is_some)) {
                load_more();
            }
        });
    }

    // Live: new visitors while the list is open and visible.
    {
        let path = search_path.clone();
        let poll = move || {
            let visible = document().visibility_state() == web_sys::VisibilityState::Visible;
            // A tick may come after the list is gone: every read is a `try_`.
            let Some(generation) = list.generation.try_get_value() else { return };
            if !visible || list.loading.try_get_untracked().unwrap_or(true) {
                return;
            }
            let body = search_body(None, 50);
            let path = path.clone();
            spawn_local(async move {
                let Ok(page) = api::send_json::<CustomerPage>("POST", &path, &body).await else { return };
                if list.generation.try_get_value() != Some(generation) || list.loading.get_untracked() {
                    return;
                }
                let fresh = list.known.with_value(|known| grid::arrivals(&page.customers, known));
                if page.total.is_some() {
                    list.total.set(page.total);
                }
                if fresh.is_empty() {
                    return;
                }
                let at_top =
                    grid::inserts_at_top(sort.get_untracked(), descending.get_untracked(), scroll_top.get_untracked());
                if at_top && arrived.get_untracked() == 0 {
                    list.known.update_value(|known| known.extend(fresh.iter().map(|c| c.id.clone())));
                    list.rows.update(|rows| {
                        rows.splice(0..0, fresh);
                    });
                } else {
                    arrived.set(fresh.len());
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, LIVE_EVERY) {
            on_cleanup(move || handle.clear());
        }
    }

    // A scroll event can arrive as the list is taken down: every access is a `try_`.
    let on_scroll = move |_| {
        if let Some(el) = scroller.try_get_untracked().flatten() {
            if let Some(row) = el.query_selector("tbody tr.row").ok().flatten() {
                let height = row.get_bounding_client_rect().height();
                if height > 0.0 && row_height.try_get_untracked().is_some_and(|h| (height - h).abs() > 0.5) {
                    row_height.try_set(height);
                }
            }
            viewport.try_set(f64::from(el.client_height()));
            scroll_top.try_set(f64::from(el.scroll_top()));
        }
    };
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            viewport.set(f64::from(el.client_height()));
        }
    });

    let debounce = StoredValue::new(0_u64);
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        q_input.set(value.clone());
        let ticket = debounce.get_value() + 1;
        debounce.set_value(ticket);
        set_timeout(
            move || {
                if debounce.try_get_value() == Some(ticket) && q.try_get_untracked().is_some_and(|q| q != value) {
                    q.set(value);
                }
            },
            DEBOUNCE,
        );
    };

    let label_of = move |key: &str| -> String {
        match grid::built_in_label(key) {
            Some(k) => ui.s(k).to_owned(),
            None => {
                fields.with(|f| f.iter().find(|f| f.key == key).map(|f| f.display_name.clone()).unwrap_or_default())
            }
        }
    };
    let shown_fields = Memo::new(move |_| {
        let keys = columns.get();
        fields.with(|all| grid::choosable(all).into_iter().filter(|f| keys.contains(&f.key)).collect::<Vec<_>>())
    });

    let total_text = move || {
        list.total
            .get()
            .map(|n| match n {
                1 => ui.s(Key::CustomersTotalOne).to_owned(),
                n => fill(ui.s(Key::CustomersTotal), "count", &ui.number(n as f64)),
            })
            .unwrap_or_default()
    };
    let loaded_text = move || fill(ui.s(Key::CustomersLoaded), "count", &ui.number(list.rows.with(Vec::len) as f64));

    let toggle_column = {
        let channel = channel.clone();
        move |key: String, on: bool| {
            let order: Vec<String> = fields.with(|f| grid::choosable(f).into_iter().map(|f| f.key).collect());
            columns.update(|shown| {
                if on && !shown.contains(&key) {
                    shown.push(key.clone());
                } else if !on {
                    shown.retain(|k| k != &key);
                }
                shown.sort_by_key(|k| order.iter().position(|o| o == k));
            });
            if let (Some(store), Ok(json)) = (storage(), serde_json::to_string(&columns.get_untracked())) {
                let _ = store.set_item(&columns_key(&channel), &json);
            }
        }
    };

    let column_chooser = move || {
        let toggle_column = toggle_column.clone();
        fields
            .with(|f| grid::choosable(f))
            .into_iter()
            .map(|field| {
                let key = field.key.clone();
                let id = format!("column-{}", key.replace('.', "-"));
                let checked = {
                    let key = key.clone();
                    move || columns.with(|c| c.contains(&key))
                };
                let toggle_column = toggle_column.clone();
                let on_change = move |ev: leptos::ev::Event| {
                    let on = event_target::<web_sys::HtmlInputElement>(&ev).checked();
                    toggle_column(key.clone(), on);
                };
                let label = label_of(&field.key);
                view! {
                    <li>
                        <input type="checkbox" id=id.clone() prop:checked=checked on:change=on_change />
                        <label for=id>{label}</label>
                    </li>
                }
            })
            .collect_view()
    };

    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape"
            && let Some(details) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = details.remove_attribute("open");
            if let Some(summary) = details.query_selector("summary").ok().flatten()
                && let Ok(summary) = summary.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = summary.focus();
            }
        }
    };

    let header = move || {
        let cells = shown_fields
            .get()
            .into_iter()
            .map(|field| {
                let label = label_of(&field.key);
                if !grid::sortable(&field.key) {
                    return view! { <th scope="col">{label}</th> }.into_any();
                }
                let key: &'static str = match field.key.as_str() {
                    "lastSeenAt" => "lastSeenAt",
                    "createdAt" => "createdAt",
                    "updatedAt" => "updatedAt",
                    _ => "sessionsCount",
                };
                let aria_sort = move || {
                    if sort.get() != key {
                        "none"
                    } else if descending.get() {
                        "descending"
                    } else {
                        "ascending"
                    }
                };
                let arrow = move || match (sort.get() == key, descending.get()) {
                    (false, _) => "↕",
                    (true, true) => "↓",
                    (true, false) => "↑",
                };
                let click = move |_| {
                    if sort.get_untracked() == key {
                        descending.update(|d| *d = !*d);
                    } else {
                        sort.set(key);
                        descending.set(true);
                    }
                };
                view! {
                    <th scope="col" aria-sort=aria_sort>
                        <button type="button" class="sort" on:click=click>
                            {label}<span class="arrow" aria-hidden="true">{arrow}</span>
                        </button>
                    </th>
                }
                .into_any()
            })
            .collect_view();
        let all_loaded_checked = move || {
            all_results.get()
                || list.rows.with(|rows| !rows.is_empty() && selected.with(|s| rows.iter().all(|r| s.contains(&r.id))))
        };
        let pick_loaded = move |ev: leptos::ev::Event| {
            let on = event_target::<web_sys::HtmlInputElement>(&ev).checked();
            all_results.set(false);
            if on {
                selected.set(list.rows.with(|rows| rows.iter().map(|r| r.id.clone()).collect()));
            } else {
                selected.set(HashSet::new());
            }
        };
        view! {
            <tr>
                <th scope="col" class="pick">
                    <input type="checkbox" aria-label=ui.t(Key::SelectLoaded) prop:checked=all_loaded_checked on:change=pick_loaded />
                </th>
                <th scope="col">{ui.t(Key::ColCustomer)}</th>
                {cells}
            </tr>
        }
    };

    let channel_for_rows = channel.clone();
    let body_rows = move || {
        let (start, end) = window_rows.get();
        let shown = shown_fields.get();
        let format = CellFormat::new(ui, zone.get().as_deref());
        let slice: Vec<CustomerOut> = list.rows.with(|rows| rows[start.min(rows.len())..end.min(rows.len())].to_vec());
        slice
            .into_iter()
            .enumerate()
            .map(|(i, customer)| {
                let to = Screen::Customer { channel: channel_for_rows.clone(), id: customer.id.clone() };
                let name = grid::display_name(&customer);
                let short: String = customer.id.chars().take(12).collect();
                let link_text = name.clone().unwrap_or_else(|| ui.s(Key::AnonymousVisitor).to_owned());
                let who = name.unwrap_or_else(|| short.clone());
                let id = customer.id.clone();
                let checked = {
                    let id = id.clone();
                    move || all_results.get() || selected.with(|s| s.contains(&id))
                };
                let pick = move |ev: leptos::ev::Event| {
                    let on = event_target::<web_sys::HtmlInputElement>(&ev).checked();
                    if all_results.get_untracked() {
                        all_results.set(false);
                        selected.set(list.rows.with(|rows| rows.iter().map(|r| r.id.clone()).collect()));
                    }
                    selected.update(|s| {
                        if on {
                            s.insert(id.clone());
                        } else {
                            s.remove(&id);
                        }
                    });
                };
                let cells = shown
                    .iter()
                    .map(|field| {
                        let text = format.show(&grid::cell(&customer, &field.key, field.ty));
                        let class = match field.ty {
                            FieldType::Number => "num",
                            _ => "",
                        };
                        let title = text.clone();
                        view! { <td class=class title=title>{text}</td> }
                    })
                    .collect_view();
                let anonymous = customer.name.is_none() && grid::display_name(&customer).is_none();
                view! {
                    <tr class="row" aria-rowindex=start + i + 2>
                        <td class="pick">
                            <input type="checkbox" aria-label=fill(ui.s(Key::SelectCustomer), "name", &who) prop:checked=checked on:change=pick />
                        </td>
                        <th scope="row" class="who">
                            <a href=to.path() on:click=ui.follow(to.clone()) class:anonymous=anonymous>{link_text}</a>
                            {anonymous.then(|| view! { <span class="short-id">{short}</span> })}
                        </th>
                        {cells}
                    </tr>
                }
            })
            .collect_view()
    };
    let top_space = move || format!("{}px", window_rows.get().0 as f64 * row_height.get());
    let bottom_space = move || {
        let (_, end) = window_rows.get();
        format!("{}px", list.rows.with(Vec::len).saturating_sub(end) as f64 * row_height.get())
    };
    let span = move || shown_fields.with(Vec::len) + 2;

    let clear_segment = {
        let channel = channel.clone();
        move |_| ui.go(Screen::Channel { channel: channel.clone(), page: ChannelPage::Customers }, false)
    };
    let show_arrivals = {
        let load_first = load_first.clone();
        move |_| load_first()
    };

    let selection_count = move || {
        if all_results.get() { list.total.get().unwrap_or(0) as usize } else { selected.with(HashSet::len) }
    };

    let dialog: NodeRef<html::Dialog> = NodeRef::new();
    let open_bulk = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    };

    // Owners download every customer, the search's results or the selection; the export
    // runs as a job, and the job list shows it.
    let owner = ui.is_owner(&channel);
    let downloading: RwSignal<Option<Target>> = RwSignal::new(None);
    let open_download = {
        let channel = channel.clone();
        move |_| {
            let list = ListState {
                q: q.get_untracked(),
                filter: filter.get_untracked(),
                segment: segment.get_untracked(),
                selected: selected.with_untracked(|s| s.iter().cloned().collect()),
                all_results: all_results.get_untracked(),
                total: list.total.get_untracked(),
            };
            downloading.set(Some(Target::Export { channel: channel.clone(), list }));
        }
    };
    let on_job = {
        let channel = channel.clone();
        Callback::new(move |job: kizuna_shared::wire::downloads::ExportJobOut| {
            let to = Screen::Channel { channel: channel.clone(), page: ChannelPage::Exports };
            // The job list greets the new job (`?started=`); the screen is the path's. The
            // list (and its dialog) is taken down once the dialog has closed.
            let path = format!("{}?started={}", to.path(), api::encode(&job.id));
            set_timeout(
                move || {
                    if let Ok(history) = window().history() {
                        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
                    }
                    ui.screen.set(to);
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                },
                Duration::from_millis(100),
            );
        })
    };

    let bulk = BulkForm {
        ui,
        base: base.clone(),
        channel: channel.clone(),
        q,
        filter,
        segment,
        selected,
        all_results,
        count: Signal::derive(selection_count),
        dialog,
        reload: std::rc::Rc::new(load_first.clone()),
    };

    view! {
        <div class="customers">
            <div class="list-head">
                <h1>{ui.t(Key::NavCustomers)}</h1>
                <p class="counts" aria-live="polite">
                    <strong class="total">{total_text}</strong>
                    <span class="loaded">{loaded_text}</span>
                </p>
            </div>
            {move || segment.get().map(|_| view! {
                <p class="segment-chip">
                    <span>{move || fill(ui.s(Key::SegmentShown), "name", &segment_name.get().unwrap_or_default())}</span>
                    <button type="button" class="secondary" on:click=clear_segment.clone()>{ui.t(Key::ClearSegment)}</button>
                </p>
            })}
            <div class="toolbar">
                <div class="search">
                    <label for="q" class="visually-hidden">{ui.t(Key::QuickSearch)}</label>
                    <input id="q" type="search" placeholder=ui.t(Key::QuickSearch) prop:value=move || q_input.get() on:input=on_search />
                </div>
                {owner.then(|| view! {
                    <button type="button" id="download-customers" class="secondary" aria-haspopup="dialog" on:click=open_download.clone()>
                        {ui.t(Key::DlCustomersTitle)}
                    </button>
                })}
                <details class="menu columns" on:keydown=close_on_escape>
                    <summary class="secondary">{ui.t(Key::Columns)}</summary>
                    <div class="popover">
                        <p class="hint">{ui.t(Key::ColumnsHint)}</p>
                        <ul class="column-list">{column_chooser}</ul>
                    </div>
                </details>
            </div>
            <details class="filter">
                <summary>{ui.t(Key::FilterTitle)}</summary>
                <div class="filter-slot">
                    <FilterBuilder ui channel=channel.clone() fields=fields.into() filter />
                </div>
            </details>
            <div class="new-arrivals" aria-live="polite">
                {move || (arrived.get() > 0).then(|| view! {
                    <p class="banner">
                        {fill(ui.s(Key::NewCustomers), "count", &ui.number(arrived.get() as f64))}
                        " "
                        <button type="button" class="secondary" on:click=show_arrivals.clone()>{ui.t(Key::ShowNew)}</button>
                    </p>
                })}
            </div>
            <div class="alert" role="alert">{move || list.problem.get().map(|p| p.message(ui.lang.get()))}</div>
            {move || (selection_count() > 0).then(|| view! {
                <div class="selection-bar">
                    <span>{move || {
                        if all_results.get() {
                            fill(ui.s(Key::AllResultsSelected), "count", &ui.number(selection_count() as f64))
                        } else {
                            fill(ui.s(Key::SelectedCount), "count", &ui.number(selection_count() as f64))
                        }
                    }}</span>
                    {move || (!all_results.get()).then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| all_results.set(true)>
                            {move || fill(ui.s(Key::SelectAllResults), "count", &ui.number(list.total.get().unwrap_or(0) as f64))}
                        </button>
                    })}
                    <button type="button" class="link-button" on:click=move |_| { all_results.set(false); selected.set(HashSet::new()); }>
                        {ui.t(Key::ClearSelection)}
                    </button>
                    <span class="spacer"></span>
                    <button type="button" class="primary" aria-haspopup="dialog" on:click=open_bulk>{ui.t(Key::BulkOpen)}</button>
                </div>
            })}
            <div class="grid-scroll" node_ref=scroller tabindex="0" role="region" aria-label=ui.t(Key::CustomerList) on:scroll=on_scroll>
                <table class="grid" aria-rowcount=move || list.total.get().map(|n| n + 1)>
                    <thead>{header}</thead>
                    <tbody>
                        <tr class="spacer" aria-hidden="true"><td colspan=span style:height=top_space></td></tr>
                        {body_rows}
                        <tr class="spacer" aria-hidden="true"><td colspan=span style:height=bottom_space></td></tr>
                    </tbody>
                </table>
                {move || (!list.loading.get() && list.rows.with(Vec::is_empty) && list.problem.with(Option::is_none)).then(|| view! {
                    <p class="empty">{ui.t(Key::NoCustomers)}</p>
                })}
                {move || list.loading.get().then(|| view! { <p class="loading-more" aria-live="polite">{ui.t(Key::Loading)}</p> })}
            </div>
            <BulkDialog form=bulk />
            <DownloadDialog ui asking=downloading on_job />
        </div>
    }
}

/// The locale's number and date formats, made once per rendering of the rows: building
/// an `Intl` format costs far more than using one, and a window holds hundreds of dates.
/// The same options as `Ui::time` and `Ui::number` (medium date, short time, the
/// channel's zone, the browser's own when the zone is unknown).
struct CellFormat {
    ui: Ui,
    formats: Formats,
}

impl CellFormat {
    fn new(ui: Ui, zone: Option<&str>) -> CellFormat {
        CellFormat { ui, formats: ui.formats(zone) }
    }

    /// A cell's text in the viewer's language.
    fn show(&self, cell: &Cell) -> String {
        match cell {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => self.formats.number(*n),
            Cell::Date(ms) => self.formats.time(*ms),
            Cell::Bool(b) => self.ui.s(if *b { Key::Yes } else { Key::No }).to_owned(),
            Cell::List(items) => items.join(", "),
        }
    }
}

/// What the bulk dialog needs of the list.
#[derive(Clone)]
struct BulkForm {
    ui: Ui,
    base: String,
    channel: String,
    q: RwSignal<String>,
    filter: RwSignal<Option<FilterDoc>>,
    segment: RwSignal<Option<String>>,
    selected: RwSignal<HashSet<String>>,
    all_results: RwSignal<bool>,
    count: Signal<usize>,
    dialog: NodeRef<html::Dialog>,
    reload: std::rc::Rc<dyn Fn()>,
}

/// The bulk actions on the selection or on every result: the change, a confirmation for
/// deleting, then the job's progress until it finished.
#[component]
fn BulkDialog(form: BulkForm) -> impl IntoView {
    let ui = form.ui;
    let action = RwSignal::new(Action::AddTags);
    let tags = RwSignal::new(String::new());
    let problems = Problems::new(&["addTags", "removeTags"]);
    let progress: RwSignal<Option<Progress>> = RwSignal::new(None);
    let owner = ui.is_owner(&form.channel);
    let count = form.count;
    // The number a run started on: the selection is cleared when it ends, and the title
    // keeps naming what was changed until the dialog closes.
    let ran_on: RwSignal<Option<usize>> = RwSignal::new(None);
    let reload = StoredValue::new_local(form.reload.clone());
    let dialog = form.dialog;

    let close = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let on_close = move |_| {
        // A finished run starts the next one afresh.
        if !matches!(progress.get_untracked(), Some(Progress::Running { .. })) {
            progress.set(None);
            ran_on.set(None);
            problems.clear();
        }
    };

    let running = move || matches!(progress.get(), Some(Progress::Running { .. }));
    let submit = {
        let form = form.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if running() {
                return;
            }
            problems.clear();
            let chosen = action.get_untracked();
            let typed = grid::tag_list(&tags.get_untracked());
            if matches!(chosen, Action::AddTags | Action::RemoveTags) && typed.is_empty() {
                problems.set(vec![Problem::at(chosen.slug(), Key::TagsMissing)]);
                return;
            }
            let all = form.all_results.get_untracked();
            let ids: Vec<String> = form.selected.with_untracked(|s| {
                let mut ids: Vec<String> = s.iter().cloned().collect();
                ids.sort();
                ids
            });
            if chosen == Action::Delete {
                if all {
                    problems.set(vec![Problem::form(Key::DeleteSelectedOnly)]);
                    return;
                }
                delete_each(form.base.clone(), ids, progress, problems, ui, reload, form.selected);
                return;
            }
            let mut body = BulkIn::default();
            if all {
                body.q = Some(form.q.get_untracked());
                body.filter = form.filter.get_untracked();
                body.segment = form.segment.get_untracked();
            } else {
                body.ids = Some(ids);
            }
            match chosen {
                Action::AddTags => body.add_tags = typed,
                Action::RemoveTags => body.remove_tags = typed,
                Action::UnsubscribeEmail => body.unsubscribe_email = Some(true),
                Action::ResubscribeEmail => body.unsubscribe_email = Some(false),
                Action::UnsubscribeTexting => body.unsubscribe_texting = Some(true),
                Action::ResubscribeTexting => body.unsubscribe_texting = Some(false),
                Action::Delete => {}
            }
            ran_on.set(Some(count.get_untracked()));
            progress.set(Some(Progress::Running { done: 0, total: count.get_untracked() as i64 }));
            let base = form.base.clone();
            let selected = form.selected;
            let all_results = form.all_results;
            spawn_local(async move {
                let mut job = match api::send_json::<JobOut>("POST", &format!("{base}/customers/bulk"), &body).await {
                    Ok(job) => job,
                    Err(failure) => {
                        progress.set(None);
                        problems.set(vec![at_field(failure)]);
                        return;
                    }
                };
                loop {
                    progress.set(Some(Progress::Running { done: job.processed, total: job.total }));
                    if job.state != JobState::Running {
                        break;
                    }
                    sleep(Duration::from_millis(400)).await;
                    match api::get::<JobOut>(&format!("{base}/jobs/{}", api::encode(&job.id))).await {
                        Ok(next) => job = next,
                        Err(failure) => {
                            progress.set(None);
                            problems.set(vec![at_field(failure)]);
                            return;
                        }
                    }
                }
                if job.state == JobState::Done {
                    let text = fill(ui.s(Key::BulkDone), "changed", &ui.number(job.changed as f64));
                    progress.set(Some(Progress::Done(text)));
                } else {
                    let text = fill(ui.s(Key::BulkFailed), "error", job.error.as_deref().unwrap_or_default());
                    progress.set(Some(Progress::Failed(text)));
                }
                selected.set(HashSet::new());
                all_results.set(false);
                // The list may be gone (the user moved on while the job ran).
                let _ = reload.try_with_value(|reload| reload());
            });
        }
    };

    let options = move || {
        Action::ALL
            .into_iter()
            .filter(|a| *a != Action::Delete || owner)
            .map(|a| view! { <option value=a.slug() selected=move || action.get() == a>{ui.t(a.label())}</option> })
            .collect_view()
    };
    let choose = move |ev: leptos::ev::Event| {
        let slug = event_target_value(&ev);
        if let Some(a) = Action::ALL.into_iter().find(|a| a.slug() == slug) {
            action.set(a);
            problems.clear();
        }
    };
    let title = move || {
        let shown = ran_on.get().unwrap_or_else(|| count.get());
        fill(ui.s(Key::BulkTitle), "count", &ui.number(shown as f64))
    };

    view! {
        <dialog class="bulk" node_ref=dialog aria-labelledby="bulk-title" on:close=on_close>
            <h2 id="bulk-title">{title}</h2>
            <FormAlert ui problems />
            <form class="form" novalidate on:submit=submit>
                <div class="field">
                    <label for="bulk-action">{ui.t(Key::BulkAction)}</label>
                    <select id="bulk-action" on:change=choose prop:disabled=running>{options}</select>
                </div>
                {move || match action.get() {
                    Action::AddTags => view! { <TextInput ui problems name="addTags" label=Key::BulkTags value=tags /> }.into_any(),
                    Action::RemoveTags => view! { <TextInput ui problems name="removeTags" label=Key::BulkTags value=tags /> }.into_any(),
                    Action::Delete => view! {
                        <p class="danger-note">{move || fill(ui.s(Key::DeleteConfirm), "count", &ui.number(count.get() as f64))}</p>
                    }.into_any(),
                    _ => ().into_any(),
                }}
                <div class="progress-area" aria-live="polite">
                    {move || match progress.get() {
                        Some(Progress::Running { done, total }) => view! {
                            <div class="progress">
                                <progress max=total.max(1) value=done aria-label=ui.t(Key::BulkTitle)></progress>
                                <p>{fill(&fill(ui.s(Key::BulkRunning), "done", &ui.number(done as f64)), "total", &ui.number(total as f64))}</p>
                            </div>
                        }.into_any(),
                        Some(Progress::Done(text)) => view! { <p class="notice">{text}</p> }.into_any(),
                        Some(Progress::Failed(text)) => view! { <p class="alert">{text}</p> }.into_any(),
                        None => ().into_any(),
                    }}
                </div>
                <div class="actions">
                    <button type="submit" class=move || if action.get() == Action::Delete { "danger" } else { "primary" }
                        aria-disabled=move || running().then_some("true")>
                        {move || ui.s(if action.get() == Action::Delete { Key::Delete } else { Key::BulkApply })}
                    </button>
                    <button type="button" class="secondary" on:click=close>{ui.t(Key::Close)}</button>
                </div>
            </form>
        </dialog>
    }
}

/// An API error, beside the input of the field it names (`addTags[1]` → `addTags`).
fn at_field(failure: Failure) -> Problem {
    let mut problem = Problem::from(failure);
    if let Some((name, _)) = problem.field.as_deref().and_then(|f| f.split_once('[')) {
        problem.field = Some(name.to_owned());
    }
    problem
}

/// Deletes the selected customers one by one (the API erases each everywhere), with
/// progress; stops at the first refusal and says why.
fn delete_each(
    base: String,
    ids: Vec<String>,
    progress: RwSignal<Option<Progress>>,
    problems: Problems,
    ui: Ui,
    reload: StoredValue<std::rc::Rc<dyn Fn()>, LocalStorage>,
    selected: RwSignal<HashSet<String>>,
) {
    let total = ids.len() as i64;
    progress.set(Some(Progress::Running { done: 0, total }));
    spawn_local(async move {
        for (i, id) in ids.iter().enumerate() {
            if let Err(failure) = api::send_done("DELETE", &format!("{base}/customers/{}", api::encode(id)), None).await
            {
                progress.set(None);
                problems.set(vec![at_field(failure)]);
                reload.with_value(|reload| reload());
                return;
            }
            progress.set(Some(Progress::Running { done: i as i64 + 1, total }));
        }
        progress.set(Some(Progress::Done(fill(ui.s(Key::DeleteDone), "count", &ui.number(total as f64)))));
        selected.set(HashSet::new());
        reload.with_value(|reload| reload());
    });
}

/// Waits `duration` without blocking the page.
async fn sleep(duration: Duration) {
    let ms = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
