//! One customer: profile values with type-aware inline editing, tags, sessions, device,
//! location, first touch, subscriptions, and the messages they received; owners delete
//! them after a confirmation. The API decides what a value may be: the console checks
//! the type early and shows every refusal beside the value it names. Write-once values
//! that are set, first-touch and Kizuna's own fields are read-only; hidden fields are
//! not shown (the API does not send their values).

use crate::api;
use crate::download_dialog::{DownloadDialog, Target};
use crate::i18n::{Key, fill, text};
use crate::problem::{Failure, Problem};
use crate::profile_input::{input_text, read_date, read_input, refusal, short_id, wall_text};
use crate::screen::{ChannelPage, Screen};
use crate::ui::focus_later;
use crate::ui::{Ui, load_failed};
use kizuna_shared::campaign::Display;
use kizuna_shared::channel::Role;
use kizuna_shared::field::{Access, FieldType, FieldValue, Visibility};
use kizuna_shared::permission::Action;
use kizuna_shared::wire::admin::{
    BulkIn, CustomerIn, CustomerOut, FieldOut, JobOut, ReceivedMessageOut, ReceivedMessagePage,
};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

/// What the page shows while and after it loads the customer.
#[derive(Clone)]
enum Loaded {
    Loading,
    Missing,
    Failed(Problem),
    Ready,
}

#[derive(serde::Deserialize)]
struct FieldList {
    fields: Vec<FieldOut>,
}

/// The page's state: copyable signals, handed to each part.
#[derive(Clone, Copy)]
struct Page {
    ui: Ui,
    channel: StoredValue<String>,
    id: StoredValue<String>,
    customer: RwSignal<Option<CustomerOut>>,
    /// The channel's time zone (IANA), for every time shown and every date typed.
    zone: RwSignal<Option<String>>,
    /// The profile field being edited (`profile.plan`) and what its input holds.
    editing: RwSignal<Option<String>>,
    draft: RwSignal<String>,
    /// The last refusal: beside the value, tag input or dialog it names, else above.
    problem: RwSignal<Option<Problem>>,
    busy: RwSignal<bool>,
    notice: RwSignal<Option<Key>>,
}

impl Page {
    fn customer_path(self) -> String {
        format!(
            "/admin/v1/channels/{}/customers/{}",
            api::encode(&self.channel.get_value()),
            api::encode(&self.id.get_value())
        )
    }

    fn channel_path(self, rest: &str) -> String {
        format!("/admin/v1/channels/{}{rest}", api::encode(&self.channel.get_value()))
    }

    fn time(self, ms: i64) -> String {
        self.zone.with(|zone| self.ui.time(ms, zone.as_deref()))
    }

    fn failed(self, failure: Failure) -> Option<Problem> {
        load_failed(self.ui, failure)
    }

    /// Reads the customer again (after a bulk change of tags or flags).
    async fn reload(self) {
        match api::get::<CustomerOut>(&self.customer_path()).await {
            Ok(customer) => self.customer.set(Some(customer)),
            Err(failure) => self.problem.set(self.failed(failure)),
        }
    }
}

/// The offset (ms) of `zone` from UTC at `at`, from the browser's `Intl`; the browser's
/// own zone when `zone` is `None` or unknown to it.
fn offset_at(zone: Option<&str>, at: i64) -> i64 {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    let own = -(date.get_timezone_offset() as i64) * 60_000;
    let Some(zone) = zone else { return own };
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    set("timeZone", zone);
    set("hourCycle", "h23");
    for (k, v) in [("year", "numeric"), ("month", "2-digit"), ("day", "2-digit")] {
        set(k, v);
    }
    for k in ["hour", "minute", "second"] {
        set(k, "2-digit");
    }
    let args = js_sys::Array::of2(&js_sys::Array::of1(&JsValue::from_str("en-US")), &options);
    let class: js_sys::Function =
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).constructor();
    let Ok(format) = js_sys::Reflect::construct(&class, &args) else { return own };
    let format: js_sys::Intl::DateTimeFormat = format.unchecked_into();
    let mut part = std::collections::BTreeMap::new();
    for p in format.format_to_parts(&date).iter() {
        let get = |k: &str| js_sys::Reflect::get(&p, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
        if let (Some(kind), Some(value)) = (get("type"), get("value")) {
            part.insert(kind, value);
        }
    }
    let get = |k: &str| part.get(k).cloned().unwrap_or_default();
    let wall = format!(
        "{:0>4}-{}-{}T{}:{}:{}",
        get("year"),
        get("month"),
        get("day"),
        get("hour"),
        get("minute"),
        get("second")
    );
    match crate::profile_input::parse_wall(&wall) {
        Some(wall) => wall - (at - at.rem_euclid(1000)),
        None => own,
    }
}

#[component]
pub fn CustomerPage(ui: Ui, channel: String, id: String) -> impl IntoView {
    let page = Page {
        ui,
        channel: StoredValue::new(channel),
        id: StoredValue::new(id),
        customer: RwSignal::new(None),
        zone: RwSignal::new(None),
        editing: RwSignal::new(None),
        draft: RwSignal::new(String::new()),
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
        notice: RwSignal::new(None),
    };
    let loaded = RwSignal::new(Loaded::Loading);
    let fields: RwSignal<Vec<FieldOut>> = RwSignal::new(Vec::new());

    spawn_local(async move {
        match api::get::<CustomerOut>(&page.customer_path()).await {
            Ok(customer) => {
                page.customer.set(Some(customer));
                loaded.set(Loaded::Ready);
            }
            Err(Failure::Answered { status: 404, .. }) => loaded.set(Loaded::Missing),
            Err(failure) => {
                if let Some(problem) = page.failed(failure) {
                    loaded.set(Loaded::Failed(problem));
                }
            }
        }
    });
    spawn_local(async move {
        if let Ok(settings) = api::get::<serde_json::Value>(&page.channel_path("")).await {
            page.zone.set(settings["timeZone"].as_str().map(str::to_owned));
        }
    });
    spawn_local(async move {
        match api::get::<FieldList>(&page.channel_path("/fields")).await {
            Ok(list) => fields.set(list.fields),
            Err(failure) => page.problem.set(page.failed(failure)),
        }
    });

    let back = Screen::Channel { channel: page.channel.get_value(), page: ChannelPage::Customers };
    view! {
        <p class="back">
            <a class="link" href=back.path() on:click=ui.follow(back.clone())>"← "{ui.t(Key::CustomerBack)}</a>
        </p>
        {move || match loaded.get() {
            Loaded::Loading => ui.loading(),
            Loaded::Missing => view! {
                <h1>{ui.t(Key::CustomerNotFoundTitle)}</h1>
                <p class="lead">{ui.t(Key::CustomerNotFoundLead)}</p>
            }
            .into_any(),
            Loaded::Failed(problem) => {
                view! { <div class="alert" role="alert">{move || problem.message(ui.lang.get())}</div> }.into_any()
            }
            Loaded::Ready => view! { <Customer page fields /> }.into_any(),
        }}
    }
}

/// The customer's name, or "Anonymous visitor" and the start of their id.
fn title(page: Page) -> String {
    let lang = page.ui.lang.get();
    page.customer.with(|c| match c {
        Some(c) => match c.name.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(name) => name.to_owned(),
            None => fill(text(lang, Key::CustomerAnonymousId), "id", short_id(&c.id)),
        },
        None => String::new(),
    })
}

#[component]
fn Customer(page: Page, fields: RwSignal<Vec<FieldOut>>) -> impl IntoView {
    let ui = page.ui;
    let value = move |f: fn(&CustomerOut) -> Option<String>| page.customer.with(|c| c.as_ref().and_then(f));
    let seen = move |f: fn(&CustomerOut) -> Option<i64>| {
        move || value_or_dash(ui, page.customer.with(|c| c.as_ref().and_then(f)).map(|ms| page.time(ms)))
    };
    let role = ui.role(&page.channel.get_value()).as_deref().and_then(Role::parse);
    let may_delete = role.is_some_and(|r| Action::DeleteCustomers.allowed(r));
    let owner = ui.is_owner(&page.channel.get_value());
    // Above the page: a refusal that names nothing on it.
    let above = move || {
        page.problem.with(|p| {
            p.as_ref()
                .filter(|p| {
                    p.field.as_deref().is_none_or(|f| {
                        !f.starts_with("profile.") && !f.starts_with("addTags") && !f.starts_with("removeTags")
                    })
                })
                .map(|p| p.message(ui.lang.get()))
        })
    };
    let first_touch = move || {
        fields.with(|all| {
            all.iter()
                .filter(|f| f.access == Access::FirstTouch && f.visibility != Visibility::Hidden)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let profile = move || {
        fields.with(|all| {
            all.iter()
                .filter(|f| {
                    f.key.starts_with("profile.")
                        && f.access != Access::FirstTouch
                        && f.visibility != Visibility::Hidden
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="customer-head">
            <div>
                <h1>{move || title(page)}</h1>
                <p class="customer-meta">
                    {move || value(|c| c.member.then(String::new)).map(|_| view! { <span class="badge">{ui.t(Key::CustomerIsMember)}</span> })}
                    <span>{ui.t(Key::CustomerIdLabel)}": "<code>{move || page.id.get_value()}</code></span>
                    {move || value(|c| c.member_id.clone()).map(|m| view! { <span>{ui.t(Key::CustomerMemberId)}": "<code>{m}</code></span> })}
                </p>
            </div>
        </div>
        <div class="alert" role="alert">{above}</div>
        <p class="notice" role="status">{move || page.notice.get().map(|k| text(ui.lang.get(), k))}</p>
        <div class="customer-grid">
            <section class="panel" aria-labelledby="profile-title">
                <h2 id="profile-title">{ui.t(Key::CustomerProfile)}</h2>
                <dl class="profile-list">
                    <For each=profile key=|f| f.key.clone() let:field>
                        <ProfileRow page field />
                    </For>
                </dl>
            </section>
            <div class="customer-side">
                <Tags page />
                <section class="panel" aria-labelledby="activity-title">
                    <h2 id="activity-title">{ui.t(Key::CustomerActivity)}</h2>
                    <dl class="facts">
                        <dt>{ui.t(Key::CustomerSessions)}</dt>
                        <dd>{move || page.customer.with(|c| c.as_ref().map(|c| ui.number(c.sessions_count as f64)))}</dd>
                        <dt>{ui.t(Key::CustomerLastSession)}</dt>
                        <dd>{seen(|c| c.last_session_started_at)}</dd>
                        <dt>{ui.t(Key::CustomerFirstSeen)}</dt>
                        <dd>{seen(|c| Some(c.created_at))}</dd>
                        <dt>{ui.t(Key::CustomerLastSeen)}</dt>
                        <dd>{seen(|c| c.last_seen_at)}</dd>
                    </dl>
                </section>
                <section class="panel" aria-labelledby="device-title">
                    <h2 id="device-title">{ui.t(Key::CustomerDevice)}</h2>
                    <dl class="facts">
                        <dt>{ui.t(Key::CustomerBrowser)}</dt>
                        <dd>{move || value_or_dash(ui, value(|c| c.web.browser.clone().or(c.web.browser_name.clone())))}</dd>
                        <dt>{ui.t(Key::CustomerOs)}</dt>
                        <dd>{move || value_or_dash(ui, value(|c| c.web.os.clone().or(c.web.os_name.clone())))}</dd>
                        <dt>{ui.t(Key::CustomerDeviceKind)}</dt>
                        <dd>{move || value_or_dash(ui, value(|c| c.web.device.clone()))}</dd>
                    </dl>
                </section>
                <section class="panel" aria-labelledby="location-title">
                    <h2 id="location-title">{ui.t(Key::CustomerLocation)}</h2>
                    <dl class="facts">
                        <dt>{ui.t(Key::CustomerCity)}</dt>
                        <dd>{move || value_or_dash(ui, value(|c| c.city.clone()))}</dd>
                        <dt>{ui.t(Key::CustomerCountry)}</dt>
                        <dd>{move || value_or_dash(ui, value(|c| c.country.clone()))}</dd>
                        <dt>{ui.t(Key::CustomerLanguage)}</dt>
                        <dd>{move || value_or_dash(ui, value(|c| c.language.clone()))}</dd>
                    </dl>
                </section>
                <section class="panel" aria-labelledby="touch-title">
                    <h2 id="touch-title">{ui.t(Key::CustomerFirstTouch)}</h2>
                    <dl class="facts">
                        <For each=first_touch key=|f| f.key.clone() let:field>
                            {
                                let name = field.key.trim_start_matches("profile.").to_owned();
                                view! {
                                    <dt>{field.display_name.clone()}</dt>
                                    <dd class="wrap">{move || {
                                        let shown = page.customer.with(|c| c.as_ref().and_then(|c| c.profile.get(&name).map(|v| input_text(FieldType::Text, Some(v)))));
                                        value_or_dash(ui, shown)
                                    }}</dd>
                                }
                            }
                        </For>
                    </dl>
                </section>
                <Subscriptions page role />
            </div>
        </div>
        <Messages page />
        {owner.then(|| view! { <DownloadCustomer page /> })}
        {may_delete.then(|| view! { <DeleteCustomer page /> })}
    }
}

/// Owners download everything Kizuna holds about the customer (a data-access request):
/// JSON in a password-protected ZIP, through the download dialog.
#[component]
fn DownloadCustomer(page: Page) -> impl IntoView {
    let ui = page.ui;
    let asking: RwSignal<Option<Target>> = RwSignal::new(None);
    let open =
        move |_| asking.set(Some(Target::Customer { channel: page.channel.get_value(), id: page.id.get_value() }));
    view! {
        <section class="panel" aria-labelledby="download-customer-title">
            <h2 id="download-customer-title">{ui.t(Key::DlCustomerTitle)}</h2>
            <p class="hint">{ui.t(Key::DlCustomerLead)}</p>
            <button type="button" id="download-customer" class="secondary" aria-haspopup="dialog" on:click=open>
                {ui.t(Key::DlCustomerButton)}
            </button>
            <DownloadDialog ui asking />
        </section>
    }
}

/// A value, or a dash that screen readers hear as "not yet".
fn value_or_dash(ui: Ui, value: Option<String>) -> AnyView {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => v.into_any(),
        None => view! {
            <span aria-hidden="true" class="muted">"—"</span>
            <span class="visually-hidden">{ui.t(Key::CustomerNotYet)}</span>
        }
        .into_any(),
    }
}

/// A value as the profile shows it, in the viewer's locale and the channel's zone.
fn shown_value(page: Page, ty: FieldType, value: &FieldValue) -> String {
    let lang = page.ui.lang.get();
    match (ty, value) {
        (FieldType::Date, FieldValue::Number(ms)) => page.time(*ms as i64),
        (FieldType::Boolean, FieldValue::Bool(b)) => {
            text(lang, if *b { Key::CustomerYes } else { Key::CustomerNo }).to_owned()
        }
        (_, FieldValue::Number(n)) => page.ui.number(*n),
        (_, FieldValue::Texts(items)) => items.join(", "),
        (ty, value) => input_text(ty, Some(value)),
    }
}

/// One profile field: its value, and its inline editor when the manager may write it.
#[component]
fn ProfileRow(page: Page, field: FieldOut) -> impl IntoView {
    let ui = page.ui;
    let key = StoredValue::new(field.key.clone());
    let name = StoredValue::new(field.key.trim_start_matches("profile.").to_owned());
    let label = StoredValue::new(field.display_name.clone());
    let ty = field.ty;
    let current = move || page.customer.with(|c| c.as_ref().and_then(|c| c.profile.get(&name.get_value()).cloned()));
    let access = field.access;
    let writable = matches!(access, Access::SiteAndManager | Access::ManagerOnly);
    let write_once = field.write_once;
    let locked = move || write_once && current().is_some();
    let editing = move || page.editing.with(|e| e.as_deref() == Some(key.get_value().as_str()));
    let edit_id = format!("edit-{}", field.key);
    let error_id = format!("{}-error", field.key);
    let hint_id = format!("{}-hint", field.key);
    let error = move || {
        page.problem.with(|p| {
            p.as_ref()
                .filter(|p| p.field.as_deref() == Some(key.get_value().as_str()))
                .map(|p| p.message(ui.lang.get()))
        })
    };

    let open = move || {
        if !writable || locked() || page.busy.get_untracked() {
            return;
        }
        let start = match (ty, current()) {
            (FieldType::Date, Some(FieldValue::Number(ms))) => {
                let ms = ms as i64;
                page.zone.with_untracked(|z| wall_text(ms + offset_at(z.as_deref(), ms)))
            }
            (ty, value) => input_text(ty, value.as_ref()),
        };
        page.draft.set(start);
        page.problem.set(None);
        page.notice.set(None);
        page.editing.set(Some(key.get_value()));
        focus_later(key.get_value());
    };
    let close = move |focus: bool| {
        page.editing.set(None);
        page.problem.set(None);
        if focus {
            focus_later(format!("edit-{}", key.get_value()));
        }
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        if page.busy.get_untracked() {
            return;
        }
        let typed = page.draft.get_untracked();
        let read = match ty {
            FieldType::Date => page.zone.with_untracked(|z| read_date(&typed, |at| offset_at(z.as_deref(), at))),
            _ => read_input(ty, &typed),
        };
        let value = match read {
            Ok(value) => value,
            Err(problem) => {
                page.problem.set(Some(Problem::at(&key.get_value(), problem)));
                focus_later(key.get_value());
                return;
            }
        };
        let mut body = CustomerIn::default();
        body.profile.insert(name.get_value(), value);
        page.busy.set(true);
        spawn_local(async move {
            let answer = api::send_json::<CustomerOut>("PATCH", &page.customer_path(), &body).await;
            page.busy.set(false);
            match answer {
                Ok(customer) => {
                    page.customer.set(Some(customer));
                    page.notice.set(Some(Key::Saved));
                    close(true);
                }
                Err(failure) => {
                    if let Some(problem) = page.failed(failure) {
                        page.problem.set(Some(refusal(ty, problem)));
                        focus_later(key.get_value());
                    }
                }
            }
        });
    };
    let keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close(true);
        }
    };

    let editor = move || {
        let id = key.get_value();
        let described = {
            let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
            move || if error().is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() }
        };
        let invalid = move || error().is_some().then_some("true");
        let input = match ty {
            FieldType::Boolean => view! {
                <select id=id.clone() prop:value=page.draft.get_untracked() on:change=move |ev| page.draft.set(event_target_value(&ev))
                    aria-invalid=invalid aria-describedby=described.clone()>
                    <option value="">{ui.t(Key::CustomerUnset)}</option>
                    <option value="true">{ui.t(Key::CustomerYes)}</option>
                    <option value="false">{ui.t(Key::CustomerNo)}</option>
                </select>
            }
            .into_any(),
            _ => {
                let kind = match ty {
                    FieldType::Number => "number",
                    FieldType::Date => "datetime-local",
                    _ => "text",
                };
                view! {
                    <input id=id.clone() type=kind step=(ty == FieldType::Number).then_some("any")
                        prop:value=page.draft.get_untracked() on:input=move |ev| page.draft.set(event_target_value(&ev))
                        aria-invalid=invalid aria-describedby=described.clone() autocomplete="off" />
                }
                .into_any()
            }
        };
        let hint = move || {
            let lang = ui.lang.get();
            let mut said = String::from(text(lang, Key::CustomerEditHint));
            let extra = match ty {
                FieldType::List => Some(text(lang, Key::CustomerListHint).to_owned()),
                FieldType::Date => {
                    Some(fill(text(lang, Key::CustomerDateHint), "zone", &page.zone.get().unwrap_or_default()))
                }
                _ => None,
            };
            if write_once {
                said = format!("{} {said}", text(lang, Key::CustomerWriteOnceHint));
            }
            match extra {
                Some(extra) => format!("{extra} {said}"),
                None => said,
            }
        };
        view! {
            <form class="inline-edit" novalidate on:submit=save on:keydown=keydown>
                <label class="visually-hidden" for=id.clone()>{label.get_value()}</label>
                {input}
                <button type="submit" class="primary small" aria-disabled=move || page.busy.get().then_some("true")>
                    {move || text(ui.lang.get(), if page.busy.get() { Key::Saving } else { Key::Save })}
                </button>
                <button type="button" class="secondary small" on:click=move |_| close(true)>{ui.t(Key::Cancel)}</button>
                <p id=format!("{id}-hint") class="hint edit-hint">{hint}</p>
            </form>
        }
    };
    let reading = move || {
        let edit_id = edit_id.clone();
        let shown = current().map(|v| shown_value(page, ty, &v));
        let empty = shown.as_deref().is_none_or(str::is_empty);
        let read_only = (!writable).then(|| {
            let why = if access == Access::ReadOnly { Key::CustomerKeptByKizuna } else { Key::CustomerFromFirstVisit };
            view! { <span class="lock">{ui.t(why)}</span> }
        });
        view! {
            <div class="value-line">
                <span class="value" class:empty=empty class:editable=move || writable && !locked() on:click=move |_| open()>
                    {if empty { text(ui.lang.get(), Key::CustomerUnset).to_owned() } else { shown.unwrap_or_default() }}
                </span>
                {move || if locked() {
                    view! {
                        <span class="lock"><span aria-hidden="true">"🔒 "</span>{ui.t(Key::CustomerLocked)}</span>
                    }.into_any()
                } else if writable {
                    let label_text = move || fill(text(ui.lang.get(), Key::CustomerEditField), "field", &label.get_value());
                    view! {
                        <button type="button" class="secondary small" id=edit_id.clone() aria-label=label_text on:click=move |_| open()>
                            {ui.t(Key::CustomerEdit)}
                        </button>
                    }.into_any()
                } else {
                    ().into_any()
                }}
                {read_only}
            </div>
        }
    };
    let _ = hint_id;

    view! {
        <div class="profile-row">
            <dt>{label.get_value()}</dt>
            <dd>
                {move || if editing() { editor().into_any() } else { reading().into_any() }}
                <p id=error_id class="field-error">{error}</p>
            </dd>
        </div>
    }
}

/// Sends a bulk change for this one customer, then reads the customer again.
async fn change_one(page: Page, mut change: BulkIn) -> Result<(), Failure> {
    change.ids = Some(vec![page.id.get_value()]);
    let mut job: JobOut = api::send_json("POST", &page.channel_path("/customers/bulk"), &change).await?;
    // A job on listed ids finishes before the answer; a running one is polled briefly.
    for _ in 0..20 {
        if job.state != kizuna_shared::bulk::JobState::Running {
            break;
        }
        gloo_sleep(250).await;
        job = api::get(&page.channel_path(&format!("/jobs/{}", api::encode(&job.id)))).await?;
    }
    page.reload().await;
    Ok(())
}

async fn gloo_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[component]
fn Tags(page: Page) -> impl IntoView {
    let ui = page.ui;
    let draft = RwSignal::new(String::new());
    let working = RwSignal::new(false);
    let tags = move || page.customer.with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default());
    let error = move || {
        page.problem.with(|p| {
            p.as_ref()
                .filter(|p| p.field.as_deref().is_some_and(|f| f.starts_with("addTags") || f.starts_with("removeTags")))
                .map(|p| p.message(ui.lang.get()))
        })
    };
    let run = move |change: BulkIn, then_focus: &'static str| {
        if working.get_untracked() {
            return;
        }
        working.set(true);
        page.problem.set(None);
        page.notice.set(None);
        spawn_local(async move {
            let answer = change_one(page, change).await;
            working.set(false);
            match answer {
                Ok(()) => {
                    draft.set(String::new());
                    page.notice.set(Some(Key::Saved));
                }
                Err(failure) => page.problem.set(page.failed(failure)),
            }
            focus_later(then_focus);
        });
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let tag = draft.get_untracked().trim().to_owned();
        if tag.is_empty() || tag.chars().count() > 50 {
            page.problem.set(Some(Problem::at("addTags[0]", Key::TagInvalid)));
            focus_later("new-tag");
            return;
        }
        run(BulkIn { add_tags: vec![tag], ..BulkIn::default() }, "new-tag");
    };
    view! {
        <section class="panel" aria-labelledby="tags-title" aria-busy=move || working.get().then_some("true")>
            <h2 id="tags-title">{ui.t(Key::CustomerTags)}</h2>
            {move || {
                let tags = tags();
                if tags.is_empty() {
                    return view! { <p class="hint tags-empty">{ui.t(Key::CustomerNoTags)}</p> }.into_any();
                }
                view! {
                    <ul class="chips">
                        {tags.into_iter().map(|tag| {
                            let label = {
                                let tag = tag.clone();
                                move || fill(text(ui.lang.get(), Key::CustomerRemoveTag), "tag", &tag)
                            };
                            let remove = {
                                let tag = tag.clone();
                                move |_| run(BulkIn { remove_tags: vec![tag.clone()], ..BulkIn::default() }, "new-tag")
                            };
                            view! {
                                <li class="chip">
                                    <span>{tag}</span>
                                    <button type="button" aria-label=label on:click=remove>
                                        <span aria-hidden="true">"×"</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="tag-form" novalidate on:submit=add>
                <label class="visually-hidden" for="new-tag">{ui.t(Key::CustomerNewTag)}</label>
                <input id="new-tag" type="text" maxlength="50" autocomplete="off" placeholder=ui.t(Key::CustomerNewTag)
                    prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))
                    aria-invalid=move || error().is_some().then_some("true")
                    aria-describedby="new-tag-error" />
                <button type="submit" class="secondary small" aria-disabled=move || working.get().then_some("true")>
                    {move || text(ui.lang.get(), if working.get() { Key::CustomerUpdating } else { Key::CustomerAddTag })}
                </button>
            </form>
            <p id="new-tag-error" class="field-error">{error}</p>
        </section>
    }
}

#[component]
fn Subscriptions(page: Page, role: Option<Role>) -> impl IntoView {
    let ui = page.ui;
    let may_clear = role.is_some_and(|r| Action::ClearUnsubscribe.allowed(r));
    let working = RwSignal::new(false);
    let flip = move |email: bool, unsubscribe: bool| {
        if working.get_untracked() {
            return;
        }
        working.set(true);
        page.problem.set(None);
        let change = if email {
            BulkIn { unsubscribe_email: Some(unsubscribe), ..BulkIn::default() }
        } else {
            BulkIn { unsubscribe_texting: Some(unsubscribe), ..BulkIn::default() }
        };
        spawn_local(async move {
            let answer = change_one(page, change).await;
            working.set(false);
            match answer {
                Ok(()) => page.notice.set(Some(Key::Saved)),
                Err(failure) => page.problem.set(page.failed(failure)),
            }
        });
    };
    let row = move |email: bool| {
        let label = if email { Key::CustomerEmailChannel } else { Key::CustomerTextChannel };
        let off = move || {
            page.customer
                .with(|c| c.as_ref().is_some_and(|c| if email { c.unsubscribe_email } else { c.unsubscribe_texting }))
        };
        view! {
            <dt>{ui.t(label)}</dt>
            <dd class="flag">
                <span class=move || if off() { "state off" } else { "state on" }>
                    {move || text(ui.lang.get(), if off() { Key::CustomerUnsubscribed } else { Key::CustomerSubscribed })}
                </span>
                {move || {
                    let action = if off() {
                        may_clear.then_some((Key::CustomerResubscribe, false))
                    } else {
                        Some((Key::CustomerUnsubscribe, true))
                    };
                    action.map(|(key, unsubscribe)| {
                        let aria = move || format!("{} ({})", text(ui.lang.get(), key), text(ui.lang.get(), label));
                        view! {
                            <button type="button" class="secondary small" aria-label=aria
                                aria-disabled=move || working.get().then_some("true")
                                on:click=move |_| flip(email, unsubscribe)>{ui.t(key)}</button>
                        }
                    })
                }}
            </dd>
        }
    };
    let status = move || {
        let key = match page.customer.with(|c| c.as_ref().map(|c| c.email_status.clone())).as_deref() {
            Some("ok") => Key::CustomerStatusOk,
            Some("invalid_address") => Key::CustomerStatusInvalid,
            Some("error") => Key::CustomerStatusError,
            Some("temporary_error") => Key::CustomerStatusTemporary,
            Some("spam") => Key::CustomerStatusSpam,
            _ => Key::CustomerStatusUnconfirmed,
        };
        text(ui.lang.get(), key)
    };
    view! {
        <section class="panel" aria-labelledby="subscriptions-title">
            <h2 id="subscriptions-title">{ui.t(Key::CustomerSubscriptions)}</h2>
            <dl class="facts">
                {row(true)}
                {row(false)}
                <dt>{ui.t(Key::CustomerEmailStatus)}</dt>
                <dd>{status}</dd>
            </dl>
        </section>
    }
}

#[component]
fn Messages(page: Page) -> impl IntoView {
    let ui = page.ui;
    let messages: RwSignal<Option<Vec<ReceivedMessageOut>>> = RwSignal::new(None);
    let next: RwSignal<Option<String>> = RwSignal::new(None);
    let loading = RwSignal::new(false);
    let load = move |cursor: Option<String>| {
        loading.set(true);
        spawn_local(async move {
            let query = cursor.map(|c| format!("?cursor={}", api::encode(&c))).unwrap_or_default();
            let path = format!("{}/messages{query}", page.customer_path());
            let answer = api::get::<ReceivedMessagePage>(&path).await;
            loading.set(false);
            match answer {
                Ok(got) => {
                    messages.update(|m| m.get_or_insert_with(Vec::new).extend(got.messages));
                    next.set(got.next_cursor);
                }
                Err(failure) => page.problem.set(page.failed(failure)),
            }
        });
    };
    load(None);
    let when = move |at: Option<i64>| value_or_dash(ui, at.map(|ms| page.time(ms)));
    view! {
        <section class="panel" aria-labelledby="messages-title" aria-busy=move || loading.get().then_some("true")>
            <h2 id="messages-title">{ui.t(Key::CustomerMessages)}</h2>
            {move || match messages.get() {
                None => view! { <p class="hint">{ui.t(Key::Loading)}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="hint">{ui.t(Key::CustomerNoMessages)}</p> }.into_any(),
                Some(list) => view! {
                    <div class="table-scroll">
                        <table class="data messages">
                            <thead>
                                <tr>
                                    <th scope="col">{ui.t(Key::CustomerCampaign)}</th>
                                    <th scope="col">{ui.t(Key::CustomerDisplay)}</th>
                                    <th scope="col">{ui.t(Key::CustomerSent)}</th>
                                    <th scope="col">{ui.t(Key::CustomerViewed)}</th>
                                    <th scope="col">{ui.t(Key::CustomerClicked)}</th>
                                    <th scope="col">{ui.t(Key::CustomerGoal)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|m| {
                                    let campaign = match m.campaign_name.clone() {
                                        Some(name) => name,
                                        None => fill(text(ui.lang.get(), Key::CustomerDeletedCampaign), "id", &m.campaign_id),
                                    };
                                    let display = match m.display {
                                        Display::Bubble => Key::CustomerBubble,
                                        Display::Fullscreen => Key::CustomerFullscreen,
                                    };
                                    view! {
                                        <tr data-campaign=m.campaign_id.clone()>
                                            <th scope="row">{campaign}</th>
                                            <td>{ui.t(display)}</td>
                                            <td>{page.time(m.sent_at)}</td>
                                            <td>{when(m.view_at)}</td>
                                            <td>{when(m.click_at)}</td>
                                            <td>{when(m.goal_at)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            {move || next.get().map(|cursor| view! {
                <button type="button" class="secondary more" aria-disabled=move || loading.get().then_some("true")
                    on:click=move |_| if !loading.get_untracked() { load(Some(cursor.clone())) }>
                    {ui.t(Key::CustomerLoadMore)}
                </button>
            })}
        </section>
    }
}

/// Owners delete the customer after a confirmation dialog: focus moves into it, Tab stays
/// in it, Escape cancels and focus returns to the button that opened it.
#[component]
fn DeleteCustomer(page: Page) -> impl IntoView {
    let ui = page.ui;
    let open = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let error: RwSignal<Option<Problem>> = RwSignal::new(None);
    let close = move || {
        if deleting.get_untracked() {
            return;
        }
        open.set(false);
        error.set(None);
        focus_later("delete-customer");
    };
    let confirm = move |_| {
        if deleting.get_untracked() {
            return;
        }
        deleting.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = api::send_done("DELETE", &page.customer_path(), None).await;
            deleting.set(false);
            match answer {
                Ok(()) => page
                    .ui
                    .go(Screen::Channel { channel: page.channel.get_value(), page: ChannelPage::Customers }, false),
                Err(failure) => {
                    error.set(page.failed(failure));
                    focus_later("delete-cancel");
                }
            }
        });
    };
    let keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            let active = document().active_element().map(|e| e.id()).unwrap_or_default();
            let (first, last) = ("delete-cancel", "delete-confirm");
            if ev.shift_key() && active == first {
                ev.prevent_default();
                focus_later(last);
            } else if !ev.shift_key() && active == last {
                ev.prevent_default();
                focus_later(first);
            }
        }
        _ => {}
    };
    view! {
        <section class="panel danger-zone" aria-labelledby="delete-title-section">
            <h2 id="delete-title-section">{ui.t(Key::CustomerDelete)}</h2>
            <p class="hint">{ui.t(Key::CustomerDeleteHint)}</p>
            <button type="button" id="delete-customer" class="danger" aria-haspopup="dialog"
                on:click=move |_| {
                    open.set(true);
                    focus_later("delete-cancel");
                }>
                {ui.t(Key::CustomerDelete)}
            </button>
        </section>
        {move || open.get().then(|| view! {
            <div class="dialog-backdrop">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="delete-title" aria-describedby="delete-lead"
                    on:keydown=keydown>
                    <h2 id="delete-title">{ui.t(Key::CustomerDeleteTitle)}</h2>
                    <p id="delete-lead">{move || fill(text(ui.lang.get(), Key::CustomerDeleteLead), "name", &title(page))}</p>
                    <div class="alert" role="alert">{move || error.get().map(|p| p.message(ui.lang.get()))}</div>
                    <div class="actions dialog-actions">
                        <button type="button" id="delete-cancel" class="secondary" on:click=move |_| close()>{ui.t(Key::Cancel)}</button>
                        <button type="button" id="delete-confirm" class="danger" aria-disabled=move || deleting.get().then_some("true")
                            on:click=confirm>
                            {move || text(ui.lang.get(), if deleting.get() { Key::CustomerDeleting } else { Key::CustomerDelete })}
                        </button>
                    </div>
                </div>
            </div>
        })}
    }
}
