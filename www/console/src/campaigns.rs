//! A channel's two campaign lists, one-time broadcasts and automated campaigns: each
//! row's state, schedule and statistics totals (sent, views, clicks, goals and their
//! rates), searched by name, sorted by any column, filtered by state; and the actions a
//! state allows (start, pause, stop, duplicate, delete a draft).
//!
//! Starting first counts the customers the campaign's audience matches and asks in a
//! modal `<dialog>`; stopping and deleting ask too. A dialog keeps focus inside (Tab
//! goes between its buttons), Escape cancels, and focus returns to the button that
//! opened it, or after the step to the row it changed. Which buttons a row offers comes
//! from `campaign_list::offered` (the API's own state rule); a refusal shows the API's
//! message above the list and the list reloads.

use crate::api;
use crate::campaign_list::{Column, Offered, Row, STATES, View, offered, percent, shown};
use crate::i18n::{Key, fill, text};
use crate::problem::{Failure, Problem};
use crate::screen::{CampaignPage, Screen};
use crate::ui::{Ui, focus_later, load_failed};
use kizuna_shared::campaign::{CampaignState, KindDoc};
use kizuna_shared::store::AudienceDoc;
use kizuna_shared::text::MAX_NAME_CHARS;
use kizuna_shared::wire::admin::{CampaignList, CampaignOut, CustomerQuery, DuplicateIn};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::JsCast;

/// A state's words.
fn state_key(state: CampaignState) -> Key {
    match state {
        CampaignState::Draft => Key::CampListDraft,
        CampaignState::Scheduled => Key::CampListScheduled,
        CampaignState::Running => Key::CampListRunning,
        CampaignState::Paused => Key::CampListPaused,
        CampaignState::Ended => Key::CampListEnded,
    }
}

/// What a dialog asks before a step.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Start,
    Pause,
    Stop,
    Duplicate,
    Delete,
}

/// The customers a campaign's audience matches now, as far as the dialog knows.
#[derive(Clone, PartialEq, Debug)]
enum Audience {
    Counting,
    Counted(u64),
    Failed(Problem),
}

/// An open question: the step, the campaign, and for a start its audience's size.
#[derive(Clone, PartialEq, Debug)]
struct Asking {
    step: Step,
    row: Row,
    audience: Audience,
}

/// An action the API refused: our words for it, and the API's own message.
#[derive(Clone, PartialEq, Debug)]
struct Refusal {
    problem: Problem,
    server: Option<String>,
}

/// Enough of a customer page to read its count.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CountPage {
    customers: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    total: Option<u64>,
}

/// The customers `audience` matches now (everyone without one).
async fn audience_size(channel: &str, audience: Option<AudienceDoc>) -> Result<u64, Failure> {
    let path = format!("/admin/v1/channels/{}/customers/search", api::encode(channel));
    let (filter, segment) = audience.map_or((None, None), |a| (a.filter, a.segment));
    let query = CustomerQuery { filter, segment, limit: Some(1), ..CustomerQuery::default() };
    let page: CountPage = api::send_json("POST", &path, &query).await?;
    Ok(page.total.unwrap_or(page.customers.len() as u64))
}

/// A refusal in this screen's words where it has them (the API's message comes along).
fn refusal(failure: Failure) -> Refusal {
    let (code, field, server) = match &failure {
        Failure::Answered { error: Some(e), .. } => (e.code.clone(), e.field.clone(), Some(e.message.clone())),
        _ => (String::new(), None, None),
    };
    let ours = match (code.as_str(), field.as_deref()) {
        ("conflict", Some("state")) => Some(Key::CampListRefusedState),
        ("conflict", Some("campaigns")) => Some(Key::CampListRefusedFull),
        ("forbidden", Some("offline.respectOptOut")) => Some(Key::CampListRefusedOptOut),
        _ => None,
    };
    match ours {
        Some(key) => Refusal { problem: Problem::form(key), server },
        None => Refusal { problem: Problem { field: None, ..Problem::from(failure) }, server },
    }
}

/// The copy's name in the viewer's language, cut to the longest name the API keeps.
fn copy_name(ui: Ui, name: &str) -> String {
    fill(ui.s(Key::CampListCopyName), "name", name).chars().take(MAX_NAME_CHARS).collect()
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The list of `kind` in `channel`.
#[component]
pub fn CampaignLists(ui: Ui, channel: String, kind: KindDoc) -> impl IntoView {
    let channel = StoredValue::new(channel);
    let listed = RwSignal::new(None::<Vec<(Row, Option<AudienceDoc>)>>);
    let zone = RwSignal::new(None::<String>);
    let load_problem = RwSignal::new(None::<Problem>);
    let view_of = RwSignal::new(View::default());
    let notice = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<Refusal>);
    let asking = RwSignal::new(None::<Asking>);
    let busy = RwSignal::new(false);
    let broadcast = kind == KindDoc::Broadcast;

    // Loads the list; then moves focus to `focus` (an element id) when given.
    let reload = move |focus: Option<String>| {
        spawn_local(async move {
            let path = format!("/admin/v1/channels/{}/campaigns", api::encode(&channel.get_value()));
            match api::get::<CampaignList>(&path).await {
                Ok(list) => {
                    let rows = list
                        .campaigns
                        .iter()
                        .map(|c| (Row::from(c), c.campaign.settings.audience.clone()))
                        .collect::<Vec<_>>();
                    listed.set(Some(rows));
                    load_problem.set(None);
                    if let Some(id) = focus {
                        focus_later(id);
                    }
                }
                Err(failure) => load_problem.set(load_failed(ui, failure)),
            }
        });
    };
    reload(None);
    spawn_local(async move {
        let path = format!("/admin/v1/channels/{}", api::encode(&channel.get_value()));
        if let Ok(settings) = api::get::<serde_json::Value>(&path).await {
            zone.set(settings.get("timeZone").and_then(|z| z.as_str()).map(str::to_owned));
        }
    });

    // Runs `step` on `row` (after its question, when it has one).
    let run = move |step: Step, row: Row| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        refused.set(None);
        notice.set(None);
        spawn_local(async move {
            let base = format!("/admin/v1/campaigns/{}", api::encode(&row.id));
            let name_focus = format!("campaign-{}", row.id);
            let answer: Result<(String, Option<String>), Failure> = match step {
                Step::Start | Step::Pause | Step::Stop => {
                    let verb = match step {
                        Step::Start => "start",
                        Step::Pause => "pause",
                        _ => "stop",
                    };
                    api::send_json::<CampaignOut>("POST", &format!("{base}/{verb}"), &serde_json::json!({})).await.map(
                        |out| {
                            let key = match (step, out.settings.state) {
                                (Step::Start, CampaignState::Scheduled) => Key::CampListNowScheduled,
                                (Step::Start, _) => Key::CampListStarted,
                                (Step::Pause, _) => Key::CampListPausedNotice,
                                _ => Key::CampListStopped,
                            };
                            (fill(ui.s(key), "name", &out.settings.name), Some(name_focus))
                        },
                    )
                }
                Step::Duplicate => {
                    let body = DuplicateIn { name: Some(copy_name(ui, &row.name)) };
                    api::send_json::<CampaignOut>("POST", &format!("{base}/duplicate"), &body).await.map(|out| {
                        let focus = format!("campaign-{}", out.settings.id);
                        (fill(ui.s(Key::CampListDuplicated), "name", &out.settings.name), Some(focus))
                    })
                }
                Step::Delete => api::send_done("DELETE", &base, None)
                    .await
                    .map(|()| (fill(ui.s(Key::CampListDeleted), "name", &row.name), None)),
            };
            busy.set(false);
            asking.set(None);
            match answer {
                Ok((said, focus)) => {
                    notice.set(Some(said));
                    // A deleted row is gone: focus goes to the list's heading.
                    reload(Some(focus.unwrap_or_else(|| "campaign-list-title".to_owned())));
                }
                Err(Failure::Answered { status: 401, .. }) => ui.signed_out(),
                Err(failure) => {
                    refused.set(Some(refusal(failure)));
                    reload(None);
                }
            }
        });
    };

    // Opens the question for `step`; a start counts its audience meanwhile.
    let ask = move |step: Step, row: Row, audience: Option<AudienceDoc>| {
        refused.set(None);
        let counting = if step == Step::Start { Audience::Counting } else { Audience::Counted(0) };
        asking.set(Some(Asking { step, row: row.clone(), audience: counting }));
        if step != Step::Start {
            return;
        }
        spawn_local(async move {
            let size = audience_size(&channel.get_value(), audience).await;
            asking.update(|open| {
                if let Some(open) = open.as_mut().filter(|o| o.row.id == row.id && o.step == Step::Start) {
                    open.audience = match size {
                        Ok(n) => Audience::Counted(n),
                        Err(failure) => Audience::Failed(Problem::from(failure)),
                    };
                }
            });
        });
    };

    let sort_header = move |column: Column, label: Key, rate: Option<Key>| {
        let aria_sort = move || {
            let v = view_of.get();
            match (v.sort == column, v.descending) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            }
        };
        let arrow = move || {
            let v = view_of.get();
            match (v.sort == column, v.descending) {
                (false, _) => "↕",
                (true, true) => "↓",
                (true, false) => "↑",
            }
        };
        let click = move |_| {
            view_of.update(|v| {
                if v.sort == column {
                    v.descending = !v.descending;
                } else {
                    v.sort = column;
                    v.descending = column.starts_descending();
                }
            });
        };
        let numeric = rate.is_some() || column == Column::Sent;
        view! {
            <th scope="col" aria-sort=aria_sort class:num=numeric>
                <button type="button" class="sort" data-column=format!("{column:?}").to_lowercase() on:click=click>
                    {ui.t(label)}<span class="arrow" aria-hidden="true">{arrow}</span>
                </button>
                {rate.map(|key| view! { <span class="rate-hint">{ui.t(key)}</span> })}
            </th>
        }
    };

    let row_view = move |row: Row, audience: Option<AudienceDoc>, at: i64| {
        let formats = ui.formats(zone.get().as_deref());
        let stats_screen =
            Screen::Campaign { channel: channel.get_value(), id: row.id.clone(), page: CampaignPage::Stats };
        let edit_screen =
            Screen::Campaign { channel: channel.get_value(), id: row.id.clone(), page: CampaignPage::Edit };
        let schedule = if broadcast {
            row.starts_at.map_or_else(|| ui.s(Key::CampListWhenStarted).to_owned(), |t| formats.time(t))
        } else {
            let start = row.starts_at.map_or_else(|| ui.s(Key::CampListNoStart).to_owned(), |t| formats.time(t));
            let end = row.ends_at.map_or_else(|| ui.s(Key::CampListNoEnd).to_owned(), |t| formats.time(t));
            format!("{start} – {end}")
        };
        // The rates of the statistics screen, from the same function (goal of viewed).
        let rates = kizuna_shared::stats::rates(row.stats);
        let count_cell = |column: &'static str, n: u64, rate: Option<Option<f64>>| {
            let rate_text = rate.map(|r| match r {
                Some(r) => format!("{}%", formats.number(percent(r))),
                None => "—".to_owned(),
            });
            let rate_label = rate.and_then(|r| r.is_none().then(|| ui.s(Key::CampListNoRate)));
            view! {
                <td class="num" data-col=column data-count=n.to_string()
                    data-rate=rate.flatten().map(|r| format!("{r}"))>
                    <span class="count">{formats.number(n as f64)}</span>
                    {rate_text.map(|t| view! { <span class="rate" aria-label=rate_label>{t}</span> })}
                </td>
            }
        };
        let cells = (
            count_cell("sent", row.stats.sent, None),
            count_cell("view", row.stats.view, Some(rates.view_rate)),
            count_cell("click", row.stats.click, Some(rates.click_rate)),
            count_cell("goal", row.stats.goal, Some(rates.goal_rate)),
        );
        let can: Offered = offered(&row, at);
        let button = |step: Step, label: Key, class: &'static str| {
            let (row, audience) = (row.clone(), audience.clone());
            let id = format!("{}-{}", format!("{step:?}").to_lowercase(), row.id);
            let click = move |_| match step {
                Step::Pause | Step::Duplicate => run(step, row.clone()),
                _ => ask(step, row.clone(), audience.clone()),
            };
            view! { <button type="button" id=id class=class on:click=click>{ui.t(label)}</button> }
        };
        let state = row.state;
        view! {
            <tr data-id=row.id.clone() data-state=state.as_str()>
                <th scope="row" class="name">
                    <a id=format!("campaign-{}", row.id) href=stats_screen.path() on:click=ui.follow(stats_screen.clone())>
                        {row.name.clone()}
                    </a>
                </th>
                <td><span class=format!("state state-{}", state.as_str())>{ui.t(state_key(state))}</span></td>
                <td class="schedule">{schedule}</td>
                {cells}
                <td>
                    <div class="actions row-actions" role="group" aria-label=fill(ui.s(Key::CampListActionsFor), "name", &row.name)>
                        {can.edit.then(|| view! {
                            <a class="secondary small edit" href=edit_screen.path() on:click=ui.follow(edit_screen.clone())>
                                {ui.t(Key::CampListEdit)}
                            </a>
                        })}
                        {can.start.then(|| button(Step::Start, Key::CampListStart, "primary small"))}
                        {can.pause.then(|| button(Step::Pause, Key::CampListPause, "secondary small"))}
                        {can.stop.then(|| button(Step::Stop, Key::CampListStop, "secondary small danger-outline"))}
                        {button(Step::Duplicate, Key::CampListDuplicate, "secondary small")}
                        {can.delete.then(|| button(Step::Delete, Key::Delete, "quiet small"))}
                    </div>
                </td>
            </tr>
        }
    };

    let new_screen = move || Screen::NewCampaign { channel: channel.get_value(), kind };
    let (title, lead, new_label, empty_title, empty_lead) = if broadcast {
        (
            Key::NavBroadcasts,
            Key::CampListBroadcastsLead,
            Key::CampListNewBroadcast,
            Key::CampListBroadcastsEmpty,
            Key::CampListBroadcastsEmptyLead,
        )
    } else {
        (
            Key::NavCampaigns,
            Key::CampListCampaignsLead,
            Key::CampListNewCampaign,
            Key::CampListCampaignsEmpty,
            Key::CampListCampaignsEmptyLead,
        )
    };

    let body = move || {
        let Some(all) = listed.get() else { return ui.loading() };
        let of_kind: Vec<(Row, Option<AudienceDoc>)> = all.into_iter().filter(|(r, _)| r.kind == kind).collect();
        if of_kind.is_empty() {
            return view! {
                <section class="panel empty-state" aria-labelledby="campaign-list-title">
                    <div class="empty-mark" aria-hidden="true"></div>
                    <h2 id="campaign-list-title" tabindex="-1">{ui.t(empty_title)}</h2>
                    <p class="lead">{ui.t(empty_lead)}</p>
                    <a class="button" href=new_screen().path() on:click=ui.follow(new_screen())>
                        "+ " {ui.t(new_label)}
                    </a>
                </section>
            }
            .into_any();
        }
        let total = of_kind.len();
        let of_kind = StoredValue::new(of_kind);
        let picked = Memo::new(move |_| {
            let v = view_of.get();
            of_kind.with_value(|all| shown(&all.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(), kind, &v))
        });
        let count = move || {
            fill(
                &fill(ui.s(Key::CampListShownOf), "shown", &ui.number(picked.with(Vec::len) as f64)),
                "total",
                &ui.number(total as f64),
            )
        };
        let table_rows = move || {
            let at = now();
            picked
                .get()
                .into_iter()
                .map(|row| {
                    let audience =
                        of_kind.with_value(|all| all.iter().find(|(r, _)| r.id == row.id).and_then(|(_, a)| a.clone()));
                    row_view(row, audience, at)
                })
                .collect_view()
        };
        let empty_match = move || picked.with(Vec::is_empty);
        let clear = move |_| {
            view_of.update(|v| {
                v.search.clear();
                v.state = None;
            });
            focus_later("campaign-search");
        };
        view! {
            <section class="panel campaign-list" aria-labelledby="campaign-list-title">
                <h2 id="campaign-list-title" class="visually-hidden" tabindex="-1">{ui.t(title)}</h2>
                <div class="toolbar">
                    <div class="field search">
                        <label for="campaign-search">{ui.t(Key::CampListSearch)}</label>
                        <input id="campaign-search" type="search" autocomplete="off"
                            prop:value=move || view_of.with(|v| v.search.clone())
                            on:input=move |ev| view_of.update(|v| v.search = event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="campaign-state">{ui.t(Key::CampListStateFilter)}</label>
                        <select id="campaign-state" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            view_of.update(|v| v.state = STATES.into_iter().find(|s| s.as_str() == value));
                        }>
                            <option value="" selected=move || view_of.with(|v| v.state.is_none())>{ui.t(Key::CampListAllStates)}</option>
                            {STATES.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=move || view_of.with(|v| v.state == Some(s))>{ui.t(state_key(s))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <p class="shown-count" role="status" aria-live="polite">{count}</p>
                </div>
                <div class="table-scroll">
                    <table class="data campaigns">
                        <thead>
                            <tr>
                                {sort_header(Column::Name, Key::CampListName, None)}
                                {sort_header(Column::State, Key::CampListState, None)}
                                {sort_header(Column::Schedule, if broadcast { Key::CampListSendTime } else { Key::CampListPeriod }, None)}
                                {sort_header(Column::Sent, Key::CampListSent, None)}
                                {sort_header(Column::View, Key::CampListView, Some(Key::CampListViewRate))}
                                {sort_header(Column::Click, Key::CampListClick, Some(Key::CampListClickRate))}
                                {sort_header(Column::Goal, Key::CampListGoal, Some(Key::CampListGoalRate))}
                                <th scope="col">{ui.t(Key::CampListActions)}</th>
                            </tr>
                        </thead>
                        <tbody>{table_rows}</tbody>
                    </table>
                </div>
                <Show when=empty_match>
                    <div class="no-match">
                        <p>{ui.t(Key::CampListNoMatch)}</p>
                        <button type="button" class="secondary small" on:click=clear>{ui.t(Key::CampListClearFilters)}</button>
                    </div>
                </Show>
            </section>
        }
        .into_any()
    };

    view! {
        <div class="campaigns-screen">
            <div class="screen-head">
                <div>
                    <h1>{ui.t(title)}</h1>
                    <p class="lead">{ui.t(lead)}</p>
                </div>
                <a class="button" href=move || new_screen().path() on:click=move |ev| ui.follow(new_screen())(ev)>
                    "+ " {ui.t(new_label)}
                </a>
            </div>
            <div class="alert" role="alert">
                {move || load_problem.get().map(|p| p.message(ui.lang.get()))}
                {move || refused.get().map(|r| view! {
                    <p class="refusal">{r.problem.message(ui.lang.get())}</p>
                    {r.server.map(|m| view! { <p class="server-says" lang="en">{fill(ui.s(Key::CampListServerSays), "message", &m)}</p> })}
                })}
            </div>
            <p class="notice" role="status">{move || notice.get()}</p>
            {body}
            <StepDialog ui asking busy zone broadcast run />
        </div>
    }
}

/// The question before a start, a stop or a deletion, in the browser's modal dialog.
#[component]
fn StepDialog(
    ui: Ui,
    asking: RwSignal<Option<Asking>>,
    busy: RwSignal<bool>,
    zone: RwSignal<Option<String>>,
    broadcast: bool,
    run: impl Fn(Step, Row) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::Element>);
    Effect::new(move |_| {
        let open = asking.with(Option::is_some);
        let Some(el) = dialog.get() else { return };
        if open && !el.open() {
            opener.set_value(document().active_element());
            let _ = el.show_modal();
        } else if !open && el.open() {
            el.close();
        }
    });
    // Escape or Cancel: focus goes back to what opened the dialog. After a step the list
    // reloads and moves focus to the changed row itself.
    let closed = move |_| {
        let cancelled = asking.with_untracked(Option::is_some);
        if cancelled {
            asking.set(None);
            let back = opener.get_value().filter(|el| el.is_connected());
            request_animation_frame(move || crate::ui::focus_now(back));
        }
    };
    let title = move || {
        asking.with(|a| {
            a.as_ref().map(|a| {
                let key = match a.step {
                    Step::Start => Key::CampListStartAsk,
                    Step::Stop => Key::CampListStopAsk,
                    _ => Key::CampListDeleteAsk,
                };
                fill(text(ui.lang.get(), key), "name", &a.row.name)
            })
        })
    };
    let explain = move || {
        asking.with(|a| {
            let a = a.as_ref()?;
            let lang = ui.lang.get();
            Some(match (&a.step, &a.audience) {
                (Step::Start, Audience::Counting) => text(lang, Key::CampListCounting).to_owned(),
                (Step::Start, Audience::Failed(problem)) => problem.message(lang),
                (Step::Start, Audience::Counted(n)) => {
                    let count = ui.number(*n as f64);
                    let later = a.row.starts_at.filter(|t| *t > js_sys::Date::now() as i64);
                    match (broadcast, later) {
                        (true, None) => fill(text(lang, Key::CampListStartBroadcastNow), "count", &count),
                        (true, Some(t)) => fill(
                            &fill(text(lang, Key::CampListStartBroadcastAt), "count", &count),
                            "time",
                            &ui.time(t, zone.get().as_deref()),
                        ),
                        (false, _) => fill(text(lang, Key::CampListStartAutomated), "count", &count),
                    }
                }
                (Step::Stop, _) => text(lang, Key::CampListStopLead).to_owned(),
                _ => text(lang, Key::CampListDeleteLead).to_owned(),
            })
        })
    };
    let counted = move || {
        asking.with(|a| match a.as_ref().map(|a| &a.audience) {
            Some(Audience::Counted(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let waiting = move || busy.get() || asking.with(|a| a.as_ref().is_some_and(|a| a.audience == Audience::Counting));
    let confirm_label = move || {
        let key = match asking.with(|a| a.as_ref().map(|a| a.step)) {
            Some(Step::Start) => Key::CampListStart,
            Some(Step::Stop) => Key::CampListStop,
            _ => Key::Delete,
        };
        text(ui.lang.get(), if busy.get() { Key::Working } else { key })
    };
    let confirm_class = move || match asking.with(|a| a.as_ref().map(|a| a.step)) {
        Some(Step::Start) => "primary",
        _ => "danger",
    };
    let confirm = move |_| {
        if waiting() {
            return;
        }
        if let Some(a) = asking.get_untracked() {
            run(a.step, a.row);
        }
    };
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    // The page behind is inert; Tab and Shift+Tab go between the two buttons.
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
            let _ = next.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    };
    view! {
        <dialog node_ref=dialog on:keydown=trap class="confirm step-dialog" aria-labelledby="step-title"
            aria-describedby="step-explain" on:close=closed>
            <h2 id="step-title">{title}</h2>
            <p id="step-explain" aria-live="polite" data-audience=counted>{explain}</p>
            <div class="actions">
                <button type="button" class="secondary" autofocus node_ref=cancel_button on:click=move |_| asking.set(None)>
                    {ui.t(Key::Cancel)}
                </button>
                <button type="button" class=confirm_class node_ref=confirm_button
                    aria-disabled=move || waiting().then_some("true") on:click=confirm>
                    {confirm_label}
                </button>
            </div>
        </dialog>
    }
}
