//! One campaign's statistics (seed 000): its name, state and kind with a link to edit it;
//! a chart of sent, viewed, clicked and goals per day (uPlot, fetched when the chart is
//! first drawn) whose series checkboxes toggle, where a click on a day or the arrow keys
//! show that day's four numbers; the period (last 30 days by default, presets, a custom
//! range); the period's totals and customers reached, the rates between the steps and a
//! funnel; for a campaign with variants, each arm against the control group
//! (`GET /admin/v1/campaigns/{id}/variants`); and the customers the campaign reached, paged.
//!
//! Invariant: every number shown comes from the API's answer for the period shown
//! (`GET /admin/v1/campaigns/{id}/stats`, days in the channel's time zone as the API
//! counts them); the console adds nothing up itself, so the chart, the popover, the
//! table and the totals cannot disagree with the API.

use crate::api;
use crate::download_dialog::{DownloadDialog, Target};
use crate::form::{Problems, TextInput};
use crate::i18n::{Key, Lang, fill, text};
use crate::problem::{Failure, Problem};
use crate::screen::{CampaignPage, ChannelPage, Screen};
use crate::stats_period::{FunnelStep, Preset, STEPS, chart_seconds, custom_period, funnel, percent, step_day};
use crate::ui::{Ui, focus_now, load_failed};
use crate::variant_split::{PText, letter, p_text, rate_percent, rounded};
use kizuna_shared::campaign::{CampaignState, KindDoc};
use kizuna_shared::counting::Counts;
use kizuna_shared::time::Day;
use kizuna_shared::wire::admin::{
    ArmOut, CampaignOut, RecipientOut, RecipientPage, UntestableOut, VariantOut, VariantStatsOut,
};
use kizuna_shared::wire::public::StatsReply;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

/// The chart's series colours, in the order of [`STEPS`]; each at least 3:1 on white.
const COLORS: [&str; 4] = ["#3b2fc9", "#0f7b6c", "#b45309", "#c2185b"];
const SERIES_CLASS: [&str; 4] = ["sent", "view", "click", "goal"];

#[wasm_bindgen(module = "/src/stats_chart.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = drawChart)]
    async fn draw_chart(el: &web_sys::HtmlElement, data: JsValue, pick: &js_sys::Function) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = showSeries)]
    fn show_series(chart: &JsValue, index: u32, show: bool);
    #[wasm_bindgen(js_name = dayLeft)]
    fn day_left(chart: &JsValue, index: u32) -> f64;
    #[wasm_bindgen(js_name = dropChart)]
    fn drop_chart(chart: &JsValue);
}

/// What crosses into the chart's JavaScript (through serde-wasm-bindgen).
#[derive(serde::Serialize)]
struct ChartData {
    /// Each day's UTC midnight in seconds (uPlot's time axis).
    days: Vec<f64>,
    series: Vec<ChartSeries>,
}

#[derive(serde::Serialize)]
struct ChartSeries {
    label: &'static str,
    color: &'static str,
    values: Vec<f64>,
    show: bool,
}

#[derive(Clone)]
enum Loaded {
    Loading,
    Missing,
    Failed(Problem),
    Ready(Box<CampaignOut>),
}

/// The drawn chart and the callback it holds; dropped together.
struct Drawn {
    chart: JsValue,
    _pick: Closure<dyn Fn(u32, f64)>,
}

/// The screen's state: copyable signals, handed to each part.
#[derive(Clone, Copy)]
struct Page {
    ui: Ui,
    channel: StoredValue<String>,
    id: StoredValue<String>,
    /// The channel's today, as the API counted it in the first answer (its default period
    /// ends today); the presets count back from it.
    today: RwSignal<Option<Day>>,
    preset: RwSignal<Preset>,
    stats: RwSignal<Option<StatsReply>>,
    /// A newer request supersedes an older one still on the way.
    asked: StoredValue<u32>,
    busy: RwSignal<bool>,
    problem: RwSignal<Option<Problem>>,
    /// Which of sent, viewed, clicked, goal the chart shows.
    shown: RwSignal<[bool; 4]>,
    /// The day whose numbers the popover shows, and where it points (px from the left).
    picked: RwSignal<Option<usize>>,
    pointer: RwSignal<f64>,
    chart: StoredValue<Option<Drawn>, LocalStorage>,
    chart_failed: RwSignal<bool>,
}

impl Page {
    fn zone(self) -> Option<String> {
        self.stats.with(|s| s.as_ref().map(|s| s.time_zone.clone()))
    }

    /// Asks for the statistics of `period` (the API's default, the last 30 days, when
    /// `None`).
    fn load(self, period: Option<(Day, Day)>) {
        let ticket = self.asked.get_value().wrapping_add(1);
        self.asked.set_value(ticket);
        self.busy.set(true);
        let query = period.map(|(from, to)| format!("?from={}&to={}", from.iso(), to.iso())).unwrap_or_default();
        let path = format!("/admin/v1/campaigns/{}/stats{query}", api::encode(&self.id.get_value()));
        spawn_local(async move {
            let answer = api::get::<StatsReply>(&path).await;
            if self.asked.get_value() != ticket {
                return;
            }
            self.busy.set(false);
            match answer {
                Ok(reply) => {
                    if self.today.get_untracked().is_none() {
                        self.today.set(Day::parse_iso(&reply.to));
                    }
                    self.picked.set(None);
                    self.problem.set(None);
                    self.stats.set(Some(reply));
                }
                Err(failure) => self.problem.set(load_failed(self.ui, failure)),
            }
        });
    }
}

#[component]
pub fn CampaignStats(ui: Ui, channel: String, id: String) -> impl IntoView {
    let page = Page {
        ui,
        channel: StoredValue::new(channel),
        id: StoredValue::new(id),
        today: RwSignal::new(None),
        preset: RwSignal::new(Preset::DEFAULT),
        stats: RwSignal::new(None),
        asked: StoredValue::new(0),
        busy: RwSignal::new(false),
        problem: RwSignal::new(None),
        shown: RwSignal::new([true; 4]),
        picked: RwSignal::new(None),
        pointer: RwSignal::new(0.0),
        chart: StoredValue::new_local(None),
        chart_failed: RwSignal::new(false),
    };
    let loaded = RwSignal::new(Loaded::Loading);
    spawn_local(async move {
        let path = format!("/admin/v1/campaigns/{}", api::encode(&page.id.get_value()));
        match api::get::<CampaignOut>(&path).await {
            // A campaign of another channel is not this channel's to show.
            Ok(campaign) if campaign.channel != page.channel.get_value() => loaded.set(Loaded::Missing),
            Ok(campaign) => {
                loaded.set(Loaded::Ready(Box::new(campaign)));
                page.load(None);
            }
            Err(Failure::Answered { status: 404, .. }) => loaded.set(Loaded::Missing),
            Err(failure) => {
                if let Some(problem) = load_failed(ui, failure) {
                    loaded.set(Loaded::Failed(problem));
                }
            }
        }
    });
    on_cleanup(move || {
        if let Some(Some(drawn)) = page.chart.try_update_value(Option::take) {
            drop_chart(&drawn.chart);
        }
    });

    move || match loaded.get() {
        Loaded::Loading => ui.loading(),
        Loaded::Missing => view! {
            <h1>{ui.t(Key::NotFoundTitle)}</h1>
            <p class="lead">{ui.t(Key::StatsNotFound)}</p>
        }
        .into_any(),
        Loaded::Failed(problem) => {
            view! { <div class="alert" role="alert">{move || problem.message(ui.lang.get())}</div> }.into_any()
        }
        Loaded::Ready(campaign) => view! { <Stats page campaign=*campaign /> }.into_any(),
    }
}

fn state_key(state: CampaignState) -> Key {
    match state {
        CampaignState::Draft => Key::StatsStateDraft,
        CampaignState::Scheduled => Key::StatsStateScheduled,
        CampaignState::Running => Key::StatsStateRunning,
        CampaignState::Paused => Key::StatsStatePaused,
        CampaignState::Ended => Key::StatsStateEnded,
    }
}

fn state_class(state: CampaignState) -> &'static str {
    match state {
        CampaignState::Draft => "campaign-state draft",
        CampaignState::Scheduled => "campaign-state scheduled",
        CampaignState::Running => "campaign-state running",
        CampaignState::Paused => "campaign-state paused",
        CampaignState::Ended => "campaign-state ended",
    }
}

#[component]
fn Stats(page: Page, campaign: CampaignOut) -> impl IntoView {
    let ui = page.ui;
    let channel = page.channel.get_value();
    let settings = campaign.settings;
    let (list_page, back_key, kind_key) = match settings.kind {
        KindDoc::Broadcast => (ChannelPage::Broadcasts, Key::StatsBackBroadcasts, Key::StatsKindBroadcast),
        KindDoc::Automated => (ChannelPage::Campaigns, Key::StatsBackCampaigns, Key::StatsKindAutomated),
    };
    let back = Screen::Channel { channel: channel.clone(), page: list_page };
    let edit = Screen::Campaign { channel, id: page.id.get_value(), page: CampaignPage::Edit };
    let has_variants = settings.variants.is_some();
    // Owners download the results; a member sees no button (the API refuses them too, and
    // the dialog says so should it happen).
    let owner = ui.is_owner(&page.channel.get_value());
    let asking: RwSignal<Option<Target>> = RwSignal::new(None);
    let campaign_id = page.id.get_value();
    view! {
        <p class="back">
            <a class="link" href=back.path() on:click=ui.follow(back.clone())>"← "{ui.t(back_key)}</a>
        </p>
        <div class="stats-head">
            <div>
                <h1>{settings.name.clone()}</h1>
                <p class="stats-meta">
                    <span class=state_class(settings.state)>{ui.t(state_key(settings.state))}</span>
                    <span>{ui.t(kind_key)}</span>
                </p>
            </div>
            <div class="head-actions">
                {owner.then(|| view! {
                    <button type="button" id="download-results" class="secondary" aria-haspopup="dialog"
                        on:click=move |_| asking.set(Some(Target::Campaign { id: campaign_id.clone() }))>
                        {ui.t(Key::DlCampaignTitle)}
                    </button>
                })}
                <a class="secondary button-link" href=edit.path() on:click=ui.follow(edit.clone())>{ui.t(Key::StatsEdit)}</a>
            </div>
        </div>
        <DownloadDialog ui asking />
        <PeriodPicker page />
        // A refusal naming a date is shown beside it (PeriodPicker); the rest here.
        <div class="alert" role="alert">
            {move || {
                page.problem
                    .get()
                    .filter(|p| !matches!(p.field.as_deref(), Some("from" | "to")))
                    .map(|p| p.message(ui.lang.get()))
            }}
        </div>
        <div class="stats-grid" aria-busy=move || page.busy.get().then_some("true")>
            <Chart page />
            <Summary page />
        </div>
        {has_variants.then(|| view! { <Arms page /> })}
        <Daily page />
        <Recipients page />
    }
}

/// The period: the presets as toggle buttons, and the custom range's two dates.
#[component]
fn PeriodPicker(page: Page) -> impl IntoView {
    let ui = page.ui;
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let problems = Problems::new(&["from", "to"]);
    let choose = move |preset: Preset| {
        // Until the first answer says which day is today, there is nothing to count back from.
        let Some(today) = page.today.get_untracked() else { return };
        page.preset.set(preset);
        problems.clear();
        match preset.period(today) {
            Some(period) => page.load(Some(period)),
            None => {
                // The custom range starts as the period shown, to be changed.
                if let Some(reply) = page.stats.get_untracked() {
                    from.set(reply.from);
                    to.set(reply.to);
                }
                crate::ui::focus_later("from");
            }
        }
    };
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        match custom_period(&from.get_untracked(), &to.get_untracked()) {
            Ok(period) => {
                problems.clear();
                page.load(Some(period));
            }
            Err(found) => problems.set(found),
        }
    };
    // The API's refusal of a custom range, shown beside the date it names.
    Effect::new(move |_| {
        if let Some(problem) = page.problem.get().filter(|p| matches!(p.field.as_deref(), Some("from" | "to"))) {
            problems.set(vec![problem]);
        }
    });
    let range = move || {
        page.stats.with(|s| {
            s.as_ref().map(|s| {
                let lang = ui.lang.get();
                let text = fill(text(lang, Key::StatsRange), "from", &day_text(lang, &s.from));
                let text = fill(&text, "to", &day_text(lang, &s.to));
                fill(&text, "zone", &s.time_zone)
            })
        })
    };
    view! {
        <section class="stats-period" aria-labelledby="stats-period-title">
            <h2 id="stats-period-title" class="visually-hidden">{ui.t(Key::StatsPeriod)}</h2>
            <div class="presets" role="group" aria-labelledby="stats-period-title">
                {Preset::ALL.into_iter().map(|preset| view! {
                    <button type="button" class="preset"
                        aria-pressed=move || if page.preset.get() == preset { "true" } else { "false" }
                        aria-disabled=move || page.today.get().is_none().then_some("true")
                        on:click=move |_| choose(preset)>
                        {ui.t(preset.label())}
                    </button>
                }).collect_view()}
            </div>
            <p class="stats-range" aria-live="polite">{range}</p>
            {move || (page.preset.get() == Preset::Custom).then(|| view! {
                <form class="custom-range" novalidate on:submit=apply>
                    <TextInput ui problems name="from" label=Key::StatsFrom value=from kind="date" />
                    <TextInput ui problems name="to" label=Key::StatsTo value=to kind="date" />
                    <button type="submit" class="primary">{ui.t(Key::StatsApply)}</button>
                </form>
            })}
        </section>
    }
}

/// A day (`YYYY-MM-DD`, a calendar day of the channel) in the viewer's language.
fn day_text(lang: Lang, iso: &str) -> String {
    let Some(day) = Day::parse_iso(iso) else { return iso.to_owned() };
    let options = js_sys::Object::new();
    for (k, v) in [("dateStyle", "medium"), ("timeZone", "UTC")] {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let locale = match lang {
        Lang::En => "en",
        Lang::Ja => "ja-JP",
    };
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&JsValue::from_str(locale)), &options);
    let date = js_sys::Date::new(&JsValue::from_f64((chart_seconds(day) * 1000) as f64));
    format.format().call1(&format, &date).ok().and_then(|s| s.as_string()).unwrap_or_else(|| iso.to_owned())
}

fn chart_data(lang: Lang, reply: &StatsReply, shown: [bool; 4]) -> ChartData {
    let days = reply.days.iter().map(|d| Day::parse_iso(&d.date).map_or(0.0, |d| chart_seconds(d) as f64)).collect();
    let series = STEPS
        .iter()
        .enumerate()
        .map(|(i, (label, count))| ChartSeries {
            label: text(lang, *label),
            color: COLORS[i],
            values: reply.days.iter().map(|d| count(&d.counts) as f64).collect(),
            show: shown[i],
        })
        .collect();
    ChartData { days, series }
}

/// The chart with its series checkboxes, and the popover of the picked day.
#[component]
fn Chart(page: Page) -> impl IntoView {
    let ui = page.ui;
    let host: NodeRef<html::Div> = NodeRef::new();
    let frame: NodeRef<html::Div> = NodeRef::new();
    let popover: NodeRef<html::Div> = NodeRef::new();

    // Draws the chart again for each answer (and language: its series' names).
    Effect::new(move |_| {
        let lang = ui.lang.get();
        let Some(el) = host.get() else { return };
        let Some(data) = page.stats.with(|s| s.as_ref().map(|s| chart_data(lang, s, page.shown.get_untracked())))
        else {
            return;
        };
        let Ok(data) = serde_wasm_bindgen::to_value(&data) else { return };
        spawn_local(async move {
            let pick = Closure::<dyn Fn(u32, f64)>::new(move |index: u32, left: f64| {
                page.pointer.set(left);
                page.picked.set(Some(index as usize));
            });
            let drawn = draw_chart(&el, data, pick.as_ref().unchecked_ref()).await;
            if let Some(Some(old)) = page.chart.try_update_value(Option::take) {
                drop_chart(&old.chart);
            }
            match drawn {
                Ok(chart) => {
                    page.chart_failed.set(false);
                    page.chart.set_value(Some(Drawn { chart, _pick: pick }));
                }
                Err(_) => page.chart_failed.set(true),
            }
        });
    });
    // The checkboxes show and hide a series without drawing again.
    Effect::new(move |_| {
        let shown = page.shown.get();
        page.chart.with_value(|drawn| {
            if let Some(drawn) = drawn {
                for (i, show) in shown.iter().enumerate() {
                    show_series(&drawn.chart, i as u32, *show);
                }
            }
        });
    });
    // The popover sits beside its day, on the side with more room, so the day stays in
    // sight; clicks pass through it to the chart (CSS), so every other day stays clickable.
    Effect::new(move |_| {
        let left = page.pointer.get();
        let (Some(pop), Some(frame)) = (popover.get(), frame.get()) else { return };
        if page.picked.get().is_none() {
            return;
        }
        let on_left = left > f64::from(frame.client_width()) / 2.0;
        let _ = web_sys::Element::set_attribute(&pop, "data-side", if on_left { "left" } else { "right" });
        let _ = web_sys::HtmlElement::style(&pop).set_property("left", &format!("{left}px"));
    });

    let keydown = move |ev: KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            page.picked.set(None);
            return;
        }
        let len = page.stats.with_untracked(|s| s.as_ref().map_or(0, |s| s.days.len()));
        let at = if matches!(key.as_str(), "Enter" | " ") {
            // Enter or Space opens the last day (today) when none is picked yet.
            Some(page.picked.get_untracked().unwrap_or(len.saturating_sub(1))).filter(|_| len > 0)
        } else {
            step_day(page.picked.get_untracked(), len, &key)
        };
        let Some(at) = at else { return };
        ev.prevent_default();
        let left = page.chart.with_value(|drawn| drawn.as_ref().map(|d| day_left(&d.chart, at as u32)));
        page.pointer.set(left.unwrap_or(0.0));
        page.picked.set(Some(at));
    };
    let close = move |_| {
        page.picked.set(None);
        focus_now(frame.get().map(Into::into));
    };
    let picked_day = move || {
        let at = page.picked.get()?;
        page.stats.with(|s| s.as_ref().and_then(|s| s.days.get(at).cloned()))
    };

    let checkboxes = STEPS
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                page.shown.update(|shown| shown[i] = on);
            };
            view! {
                <label class=format!("series {}", SERIES_CLASS[i])>
                    <input type="checkbox" prop:checked=move || page.shown.get()[i] on:change=toggle />
                    <span class="swatch" aria-hidden="true"></span>
                    {ui.t(*label)}
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="panel stats-chart" aria-labelledby="stats-chart-title">
            <h2 id="stats-chart-title">{ui.t(Key::StatsChartLabel)}</h2>
            <fieldset class="series-toggles">
                <legend class="visually-hidden">{ui.t(Key::StatsSeries)}</legend>
                {checkboxes}
            </fieldset>
            <div class="chart-frame" node_ref=frame tabindex="0" role="group"
                aria-labelledby="stats-chart-title" aria-describedby="stats-chart-hint" on:keydown=keydown>
                <div class="chart-host" node_ref=host></div>
                <div class="stats-pop" node_ref=popover role="status" hidden=move || page.picked.get().is_none()
                    data-date=move || picked_day().map(|day| day.date)>
                    {move || picked_day().map(|day| {
                        let (counts, reached) = (day.counts, day.reached);
                        view! {
                            <div class="pop-head">
                                <h3>{move || day_text(ui.lang.get(), &day.date)}</h3>
                                <button type="button" class="pop-close" aria-label=ui.t(Key::StatsClose) on:click=close>"×"</button>
                            </div>
                            <dl class="pop-counts">
                                {STEPS.iter().enumerate().map(|(i, (label, count))| view! {
                                    <div class=format!("pop-row {}", SERIES_CLASS[i])>
                                        <dt><span class="swatch" aria-hidden="true"></span>{ui.t(*label)}</dt>
                                        <dd>{move || ui.number(count(&counts) as f64)}</dd>
                                    </div>
                                }).collect_view()}
                                <div class="pop-row reached">
                                    <dt>{ui.t(Key::StatsReached)}</dt>
                                    <dd>{move || ui.number(reached as f64)}</dd>
                                </div>
                            </dl>
                        }
                    })}
                </div>
            </div>
            <p id="stats-chart-hint" class="hint">{ui.t(Key::StatsChartHint)}</p>
            {move || page.chart_failed.get().then(|| view! { <p class="alert" role="alert">{ui.t(Key::StatsChartFailed)}</p> })}
        </section>
    }
}

/// The period's totals, the rates between the steps and the funnel.
#[component]
fn Summary(page: Page) -> impl IntoView {
    let ui = page.ui;
    let totals = move || page.stats.with(|s| s.as_ref().map(|s| s.totals)).unwrap_or_default();
    let rate_rows = move || {
        page.stats.with(|s| {
            s.as_ref().map(|s| {
                [
                    (Key::StatsViewRate, s.rates.view_rate),
                    (Key::StatsClickRate, s.rates.click_rate),
                    (Key::StatsGoalRate, s.rates.goal_rate),
                ]
            })
        })
    };
    view! {
        <section class="panel stats-summary" aria-labelledby="stats-totals-title">
            <h2 id="stats-totals-title">{ui.t(Key::StatsTotals)}</h2>
            <dl class="totals">
                {STEPS.iter().enumerate().map(|(i, (label, count))| view! {
                    <div class=format!("total {}", SERIES_CLASS[i])>
                        <dt>{ui.t(*label)}</dt>
                        <dd>{move || ui.number(count(&totals()) as f64)}</dd>
                    </div>
                }).collect_view()}
                <div class="total reached">
                    <dt>{ui.t(Key::StatsReached)}</dt>
                    <dd aria-describedby="stats-reached-hint">
                        {move || page.stats.with(|s| s.as_ref().map(|s| ui.number(s.reached as f64)))}
                    </dd>
                </div>
            </dl>
            <p class="hint reached-hint" id="stats-reached-hint">{ui.t(Key::StatsReachedHint)}</p>
            <h3>{ui.t(Key::StatsRates)}</h3>
            <dl class="rates">
                {move || rate_rows().map(|rows| rows.into_iter().map(|(label, rate)| view! {
                    <div class="rate"><dt>{ui.t(label)}</dt><dd>{percent(rate)}</dd></div>
                }).collect_view())}
            </dl>
            <h3 id="stats-funnel-title">{ui.t(Key::StatsFunnel)}</h3>
            <ol class="funnel" aria-labelledby="stats-funnel-title">
                {move || {
                    let totals = totals();
                    funnel(&totals).into_iter().enumerate().map(|(i, step)| funnel_row(ui, i, step, totals.sent)).collect_view()
                }}
            </ol>
        </section>
    }
}

/// Each variant against the control group: customers assigned, goals, rates and the
/// z-test, as `GET …/variants` answers them (counted since the campaign started, not for
/// the period shown).
#[component]
fn Arms(page: Page) -> impl IntoView {
    let ui = page.ui;
    let arms: RwSignal<Option<VariantStatsOut>> = RwSignal::new(None);
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    spawn_local(async move {
        let path = format!("/admin/v1/campaigns/{}/variants", api::encode(&page.id.get_value()));
        match api::get::<VariantStatsOut>(&path).await {
            Ok(got) => arms.set(Some(got)),
            Err(failure) => problem.set(load_failed(ui, failure)),
        }
    });
    let percent_of = move |n: f64| format!("{}%", ui.number(n));
    let rate = move |arm: &ArmOut| arm.goal_rate.map_or_else(|| "–".to_owned(), |r| percent_of(rate_percent(r)));
    let counts = move |arm: &ArmOut| {
        let arm = arm.clone();
        view! {
            <td class="num arm-share">{percent_of(f64::from(arm.share))}</td>
            <td class="num arm-assigned">{ui.number(arm.assigned as f64)}</td>
            <td class="num arm-reached">{ui.number(arm.reached_goal as f64)}</td>
            <td class="num arm-rate">{rate(&arm)}</td>
        }
    };
    let variant_row = move |v: VariantOut, significance: f64| {
        let name = fill(ui.s(Key::StatsVariantN), "letter", &letter(v.index).to_string());
        let (diff, z, p, verdict, verdict_class) = match (&v.vs_control, v.untestable) {
            (Some(test), _) => {
                let points = rate_percent(test.difference);
                let sign = if points > 0.0 { "+" } else { "" };
                let p = match p_text(test.p_value) {
                    PText::Below(x) => fill(ui.s(Key::StatsBelow), "n", &ui.number(x)),
                    PText::About(x) => ui.number(x),
                };
                let (verdict, class) = if test.significant {
                    (fill(ui.s(Key::StatsSignificant), "level", &ui.number(significance)), "verdict significant")
                } else {
                    (ui.s(Key::StatsNotSignificant).to_owned(), "verdict")
                };
                (
                    fill(ui.s(Key::StatsPoints), "n", &format!("{sign}{}", ui.number(points))),
                    ui.number(rounded(test.z, 2)),
                    p,
                    verdict,
                    class,
                )
            }
            (None, why) => {
                let reason = match why {
                    Some(UntestableOut::NoVariantCustomers) => Key::StatsNoVariantCustomers,
                    Some(UntestableOut::MoreGoalsThanCustomers) => Key::StatsMoreGoals,
                    Some(UntestableOut::NoControlCustomers) | None => Key::StatsNoControlCustomers,
                };
                let verdict = fill(ui.s(Key::StatsUntestable), "reason", ui.s(reason));
                ("–".to_owned(), "–".to_owned(), "–".to_owned(), verdict, "verdict untestable")
            }
        };
        view! {
            <tr data-arm=v.index.to_string()>
                <th scope="row">{name}</th>
                {counts(&v.arm)}
                <td class="num arm-diff">{diff}</td>
                <td class="num arm-z">{z}</td>
                <td class="num arm-p">{p}</td>
                <td class=verdict_class>{verdict}</td>
            </tr>
        }
    };
    let table = move || {
        // Built again when the language changes: every cell is written in it.
        ui.lang.track();
        arms.get().filter(|a| !a.variants.is_empty()).map(|a| {
            let significance = a.significance;
            let window = fill(ui.s(Key::StatsArmsWindow), "days", &ui.number(f64::from(a.goal_window_days)));
            let rows = a.variants.into_iter().map(|v| variant_row(v, significance)).collect_view();
            let control = a.control.map(|c| {
                view! {
                    <tr data-arm="control" class="control">
                        <th scope="row">{ui.t(Key::StatsControl)}</th>
                        {counts(&c)}
                        <td class="num arm-diff">"–"</td>
                        <td class="num arm-z">"–"</td>
                        <td class="num arm-p">"–"</td>
                        <td class="verdict">{ui.t(Key::StatsBaseline)}</td>
                    </tr>
                }
            });
            view! {
                <p class="hint" id="stats-arms-window">{window}</p>
                // Focusable, so a keyboard can scroll it on a narrow screen.
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="stats-arms-title">
                    <table class="data arms" aria-describedby="stats-arms-window">
                        <thead>
                            <tr>
                                <th scope="col">{ui.t(Key::StatsArm)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsShare)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsAssigned)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsReachedGoal)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsArmRate)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsDifference)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsZ)}</th>
                                <th scope="col" class="num">{ui.t(Key::StatsP)}</th>
                                <th scope="col">{ui.t(Key::StatsVerdict)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}{control}</tbody>
                    </table>
                </div>
            }
        })
    };
    view! {
        <section class="panel stats-arms" aria-labelledby="stats-arms-title" aria-busy=move || arms.with(Option::is_none).then_some("true")>
            <h2 id="stats-arms-title">{ui.t(Key::StatsArms)}</h2>
            <div class="alert" role="alert">{move || problem.get().map(|p| p.message(ui.lang.get()))}</div>
            {move || (arms.with(Option::is_none) && problem.with(Option::is_none)).then(|| view! { <p class="hint">{ui.t(Key::StatsArmsLoading)}</p> })}
            {table}
        </section>
    }
}

fn funnel_row(ui: Ui, i: usize, step: FunnelStep, sent: u64) -> impl IntoView {
    let of_sent = (i > 0 && sent > 0).then(|| percent(Some(step.count as f64 / sent as f64)));
    let width = format!("{}%", f64::from(step.length_per_mille) / 10.0);
    view! {
        <li class=format!("funnel-step {}", SERIES_CLASS[i])>
            <span class="funnel-label">{ui.t(step.label)}</span>
            <span class="funnel-track" aria-hidden="true"><span class="funnel-bar" style:width=width></span></span>
            <span class="funnel-count">{move || ui.number(step.count as f64)}</span>
            <span class="funnel-share">
                {move || of_sent.clone().map(|rate| fill(text(ui.lang.get(), Key::StatsOfSent), "rate", &rate))}
            </span>
        </li>
    }
}

/// Every day's four numbers as a table: what the chart draws, for reading and for
/// keyboards.
#[component]
fn Daily(page: Page) -> impl IntoView {
    let ui = page.ui;
    let rows = move || {
        let lang = ui.lang.get();
        page.stats.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.days
                        .iter()
                        .rev()
                        .map(|day| {
                            let counts: Counts = day.counts;
                            let cells = STEPS
                                .iter()
                                .map(|(_, count)| view! { <td class="num">{ui.number(count(&counts) as f64)}</td> })
                                .collect_view();
                            view! { <tr data-date=day.date.clone()><th scope="row">{day_text(lang, &day.date)}</th>{cells}</tr> }
                        })
                        .collect_view()
                })
                .unwrap_or_default()
        })
    };
    let nothing = move || page.stats.with(|s| s.as_ref().is_some_and(|s| s.totals.is_zero()));
    view! {
        <details class="panel stats-daily">
            <summary>{ui.t(Key::StatsDaily)}</summary>
            {move || nothing().then(|| view! { <p class="hint">{ui.t(Key::StatsNothingCounted)}</p> })}
            <div class="table-scroll">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{ui.t(Key::StatsDate)}</th>
                            {STEPS.iter().map(|(label, _)| view! { <th scope="col" class="num">{ui.t(*label)}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

/// The customers the campaign reached, newest first, a page at a time.
#[component]
fn Recipients(page: Page) -> impl IntoView {
    let ui = page.ui;
    let list: RwSignal<Option<Vec<RecipientOut>>> = RwSignal::new(None);
    let next: RwSignal<Option<String>> = RwSignal::new(None);
    let loading = RwSignal::new(false);
    let problem: RwSignal<Option<Problem>> = RwSignal::new(None);
    let load = move |cursor: Option<String>| {
        loading.set(true);
        spawn_local(async move {
            let query = cursor.map(|c| format!("?cursor={}", api::encode(&c))).unwrap_or_default();
            let path = format!(
                "/admin/v1/channels/{}/campaigns/{}/recipients{query}",
                api::encode(&page.channel.get_value()),
                api::encode(&page.id.get_value())
            );
            let answer = api::get::<RecipientPage>(&path).await;
            loading.set(false);
            match answer {
                Ok(got) => {
                    list.update(|l| l.get_or_insert_with(Vec::new).extend(got.recipients));
                    next.set(got.next_cursor);
                }
                Err(failure) => problem.set(load_failed(ui, failure)),
            }
        });
    };
    load(None);
    let when = move |at: Option<i64>| match at {
        Some(ms) => ui.time(ms, page.zone().as_deref()),
        None => "–".to_owned(),
    };
    let rows = move |recipients: Vec<RecipientOut>| {
        recipients
            .into_iter()
            .map(|r| {
                let to = Screen::Customer { channel: page.channel.get_value(), id: r.customer_id.clone() };
                let who = r.name.clone().filter(|n| !n.trim().is_empty()).or(r.email.clone()).unwrap_or(r.customer_id.clone());
                view! {
                    <tr data-customer=r.customer_id.clone()>
                        <th scope="row" class="who"><a class="link" href=to.path() on:click=ui.follow(to.clone())>{who}</a></th>
                        <td>{move || when(Some(r.sent_at))}</td>
                        <td>{move || when(r.view_at)}</td>
                        <td>{move || when(r.click_at)}</td>
                        <td>{move || when(r.goal_at)}</td>
                        <td class="num">{move || ui.number(f64::from(r.deliveries))}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel stats-recipients" aria-labelledby="stats-recipients-title" aria-busy=move || loading.get().then_some("true")>
            <h2 id="stats-recipients-title">{ui.t(Key::StatsRecipients)}</h2>
            <p class="hint">{ui.t(Key::StatsRecipientsLead)}</p>
            <div class="alert" role="alert">{move || problem.get().map(|p| p.message(ui.lang.get()))}</div>
            {move || match list.get() {
                None => ui.loading(),
                Some(l) if l.is_empty() => view! { <p class="hint">{ui.t(Key::StatsNoRecipients)}</p> }.into_any(),
                Some(l) => view! {
                    <div class="table-scroll">
                        <table class="data recipients">
                            <thead>
                                <tr>
                                    <th scope="col">{ui.t(Key::StatsCustomer)}</th>
                                    <th scope="col">{ui.t(Key::StatsSent)}</th>
                                    <th scope="col">{ui.t(Key::StatsView)}</th>
                                    <th scope="col">{ui.t(Key::StatsClick)}</th>
                                    <th scope="col">{ui.t(Key::StatsGoal)}</th>
                                    <th scope="col" class="num">{ui.t(Key::StatsDeliveries)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows(l)}</tbody>
                        </table>
                    </div>
                }
                .into_any(),
            }}
            {move || next.get().map(|cursor| view! {
                <button type="button" class="secondary more" aria-disabled=move || loading.get().then_some("true")
                    on:click=move |_| if !loading.get_untracked() { load(Some(cursor.clone())) }>
                    {ui.t(Key::StatsMore)}
                </button>
            })}
        </section>
    }
}
