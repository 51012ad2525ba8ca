//! The account's channels: the home list, creating a channel, a channel's settings (the
//! script tag, the HMAC snippet, whether the tag was seen, time zone, business hours,
//! frequency cap, identity verification) and deleting it.
//!
//! Invariants: a secret is shown only from the reply that made it and never stored by
//! the console; every input's id is the API's field path, so each error the API names is
//! shown beside its input; the tag's status is polled only while this screen is mounted
//! and the page is visible.

use crate::api;
use crate::channel_form::{self as cf, COMMON_ZONES, SetForm, WEEK, WindowForm};
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill};
use crate::problem::Problem;
use crate::screen::{ChannelPage, Screen};
use crate::ui::focus_later;
use crate::ui::{self, Ui, load_failed};
use kizuna_shared::channel::FrequencyCap;
use kizuna_shared::wire::admin::{
    ChannelIn, ChannelOut, ChannelSettingsIo, CreatedChannelOut, DeleteChannelIn, IdentityIn, IdentityOut, TagSeenOut,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

thread_local! {
    /// The channel just made, until the screen that shows its secret is mounted again:
    /// reading the account again (for the switcher) re-mounts the screen, and the secret
    /// must survive that one re-mount. Only ever in this tab's memory.
    static JUST_CREATED: std::cell::RefCell<Option<CreatedChannelOut>> = const { std::cell::RefCell::new(None) };
}

/// How often the settings page asks whether the tag was seen (while visible).
const TAG_POLL: Duration = Duration::from_secs(5);

fn channel_path(channel: &str) -> String {
    format!("/admin/v1/channels/{}", api::encode(channel))
}

/// The browser's own IANA zone (`Asia/Tokyo`), the new channel's default.
fn browser_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// `/console/`: the account's channels, each opening its customers.
#[component]
pub fn Home(ui: Ui) -> impl IntoView {
    let channels = move || ui.me.with(|me| me.as_ref().map(|me| me.channels.clone()).unwrap_or_default());
    view! {
        <div class="page-head">
            <div>
                <h1>{ui.t(Key::YourChannels)}</h1>
                <p class="lead">{ui.t(Key::ChannelsLead)}</p>
            </div>
            <a class="button" href=Screen::NewChannel.path() on:click=ui.follow(Screen::NewChannel)>{ui.t(Key::NewChannel)}</a>
        </div>
        {move || {
            let channels = channels();
            if channels.is_empty() {
                return view! {
                    <section class="panel empty-state" aria-labelledby="empty-title">
                        <div class="empty-mark" aria-hidden="true"></div>
                        <h2 id="empty-title">{ui.t(Key::EmptyTitle)}</h2>
                        <p class="lead">{ui.t(Key::EmptyLead)}</p>
                        <a class="button" href=Screen::NewChannel.path() on:click=ui.follow(Screen::NewChannel)>
                            {ui.t(Key::CreateFirstChannel)}
                        </a>
                    </section>
                }
                .into_any();
            }
            let items = channels
                .into_iter()
                .map(|c| {
                    let owner = c.role == "owner";
                    let role = if owner { Key::RoleOwner } else { Key::RoleMember };
                    let to = Screen::Channel { channel: c.id.clone(), page: ChannelPage::Customers };
                    view! {
                        <li class="channel-card">
                            <a class="channel" href=to.path() on:click=ui.follow(to.clone())>{c.name}</a>
                            <span class="role" class:owner=owner>{ui.t(role)}</span>
                            <span class="channel-open" aria-hidden="true">{ui.t(Key::OpenCustomers)}" →"</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="channels">{items}</ul> }.into_any()
        }}
    }
}

/// A button that copies `text`, saying in a live region whether it worked.
#[component]
fn CopyButton(ui: Ui, text: String, label: Key) -> impl IntoView {
    let said = RwSignal::new(None::<Key>);
    let copy = move |_| {
        let text = text.clone();
        said.set(None);
        spawn_local(async move {
            let copied = ui::copy_text(&text).await;
            let _ = said.try_set(Some(if copied { Key::Copied } else { Key::CopyFailed }));
            set_timeout(
                move || {
                    let _ = said.try_set(None);
                },
                Duration::from_secs(4),
            );
        });
    };
    view! {
        <span class="copy">
            <button type="button" class="secondary small" on:click=copy>{ui.t(label)}</button>
            <span class="copy-status" role="status">{move || said.get().map(|k| ui.s(k))}</span>
        </span>
    }
}

/// Code to paste, with its caption and a copy button; the code's element has id `id`.
#[component]
fn Snippet(ui: Ui, id: &'static str, caption: Key, text: String, copy: Key) -> impl IntoView {
    let caption_id = format!("{id}-caption");
    let labelled_by = caption_id.clone();
    view! {
        <div class="snippet">
            <div class="snippet-head">
                <span id=caption_id class="snippet-caption">{ui.t(caption)}</span>
                <CopyButton ui text=text.clone() label=copy />
            </div>
            <pre tabindex="0" role="region" aria-labelledby=labelled_by><code id=id>{text}</code></pre>
        </div>
    }
}

/// A secret shown once: the warning, the value and its copy button.
#[component]
fn SecretOnce(
    ui: Ui,
    id: &'static str,
    title: Key,
    secret: String,
    /// Inside a section with its own `<h2>`: the title is an `<h3>`.
    #[prop(optional)]
    nested: bool,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let heading = if nested {
        view! { <h3 id=title_id class="secret-title">{ui.t(title)}</h3> }.into_any()
    } else {
        view! { <h2 id=title_id class="secret-title">{ui.t(title)}</h2> }.into_any()
    };
    view! {
        <section class="secret-once" aria-labelledby=labelled_by>
            {heading}
            <p class="warning">{ui.t(Key::SecretOnce)}</p>
            <div class="secret-row">
                <code id=id class="secret">{secret.clone()}</code>
                <CopyButton ui text=secret label=Key::CopySecret />
            </div>
            <p class="hint">{ui.t(Key::SecretUse)}</p>
        </section>
    }
}

/// The time-zone input: any IANA name or `UTC±HH:MM`, with common zones suggested.
#[component]
fn ZoneInput(ui: Ui, value: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let described = move || {
        if error.get().is_some() { "timeZone-hint timeZone-error" } else { "timeZone-hint" }
    };
    view! {
        <div class="field">
            <label for="timeZone">{ui.t(Key::TimeZone)}</label>
            <p id="timeZone-hint" class="hint">{ui.t(Key::TimeZoneHint)}</p>
            <input
                id="timeZone"
                name="timeZone"
                type="text"
                list="time-zones"
                autocomplete="off"
                spellcheck="false"
                bind:value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            <datalist id="time-zones">
                {COMMON_ZONES.iter().map(|zone| view! { <option value=*zone></option> }).collect_view()}
            </datalist>
            <p id="timeZone-error" class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// `/console/channels/new`: name, site and time zone; then the identity secret, once.
#[component]
pub fn NewChannel(ui: Ui) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let site = RwSignal::new(String::new());
    let zone = RwSignal::new(browser_zone());
    let problems = Problems::new(&["name", "siteUrl", "timeZone"]);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(JUST_CREATED.with(|c| c.borrow_mut().take()));
    if created.with_untracked(Option::is_some) {
        focus_later("created-title");
    }

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let body = ChannelIn {
            name: name.get_untracked().trim().to_owned(),
            site_url: site.get_untracked().trim().to_owned(),
            time_zone: zone.get_untracked().trim().to_owned(),
        };
        let found = cf::check_new_channel(&body.name, &body.site_url, &body.time_zone);
        if !problems.ready(found, busy) {
            return;
        }
        spawn_local(async move {
            let answer = api::send_json::<CreatedChannelOut>("POST", "/admin/v1/channels", &body).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(made) => {
                    JUST_CREATED.with(|c| *c.borrow_mut() = Some(made.clone()));
                    created.set(Some(made));
                    focus_later("created-title");
                    ui.reload_me();
                }
                Err(failure) => {
                    if let Some(problem) = load_failed(ui, failure) {
                        problems.set(vec![problem]);
                    }
                }
            }
        });
    };

    view! {
        {move || match created.get() {
            Some(made) => {
                let to = Screen::Channel { channel: made.id.clone(), page: ChannelPage::Settings };
                view! {
                    <h1 id="created-title" tabindex="-1">{ui.t(Key::ChannelCreated)}</h1>
                    <p class="lead">{made.name.clone()}" · "{made.site_url.clone()}</p>
                    <div class="panel">
                        <SecretOnce ui id="identity-secret" title=Key::SecretTitle secret=made.identity_secret.clone() />
                    </div>
                    <a
                        class="button"
                        href=to.path()
                        on:click={
                            let follow = ui.follow(to.clone());
                            move |ev| {
                                JUST_CREATED.with(|c| c.borrow_mut().take());
                                follow(ev)
                            }
                        }
                    >
                        {ui.t(Key::ContinueToSettings)}
                    </a>
                }
                .into_any()
            }
            None => {
                view! {
                    <h1>{ui.t(Key::NewChannel)}</h1>
                    <p class="lead">{ui.t(Key::NewChannelLead)}</p>
                    <div class="panel narrow">
                        <FormAlert ui problems />
                        <form class="form" novalidate on:submit=submit>
                            <TextInput ui problems name="name" label=Key::ChannelName value=name hint=Key::ChannelNameHint required=true />
                            <TextInput ui problems name="siteUrl" label=Key::SiteUrl value=site kind="url" hint=Key::SiteUrlHint required=true />
                            <ZoneInput ui value=zone error=Signal::derive(problems.beside(ui, "timeZone")) />
                            <div class="actions">
                                <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                                    {move || ui.s(if busy.get() { Key::Creating } else { Key::CreateChannel })}
                                </button>
                                <a class="link" href=Screen::Home.path() on:click=ui.follow(Screen::Home)>{ui.t(Key::Cancel)}</a>
                            </div>
                        </form>
                    </div>
                }
                .into_any()
            }
        }}
    }
}

/// The problems of a form whose inputs are made at run time (business-hours rows): each
/// is shown beside the element whose id is its field path, else above the form.
#[derive(Clone, Copy)]
struct Errors(RwSignal<Vec<Problem>>);

impl Errors {
    fn new() -> Errors {
        Errors(RwSignal::new(Vec::new()))
    }

    fn set(self, found: Vec<Problem>) {
        let first = found.iter().find_map(|p| p.field.clone().filter(|f| document().get_element_by_id(f).is_some()));
        self.0.set(found);
        if let Some(field) = first {
            focus_later(field.clone());
        }
    }

    fn clear(self) {
        self.0.set(Vec::new());
    }

    fn at(self, ui: Ui, id: impl Fn() -> String + Copy + Send + Sync + 'static) -> Signal<Option<String>> {
        Signal::derive(move || {
            let id = id();
            self.0.with(|all| {
                all.iter().find(|p| p.field.as_deref() == Some(id.as_str())).map(|p| p.message(ui.lang.get()))
            })
        })
    }

    fn above(self, ui: Ui) -> impl Fn() -> Option<String> + Copy + 'static {
        move || {
            self.0.with(|all| {
                all.iter()
                    .find(|p| p.field.as_deref().is_none_or(|f| document().get_element_by_id(f).is_none()))
                    .map(|p| p.message(ui.lang.get()))
            })
        }
    }
}

/// A text input whose id is an API field path, with its error beside it.
fn path_input(
    ui: Ui,
    errors: Errors,
    id: impl Fn() -> String + Copy + Send + Sync + 'static,
    label: Key,
    value: RwSignal<String>,
    class: &'static str,
    inputmode: Option<&'static str>,
) -> impl IntoView {
    let error = errors.at(ui, id);
    let error_id = move || format!("{}-error", id());
    view! {
        <div class=format!("field {class}")>
            <label for=id>{ui.t(label)}</label>
            <input
                id=id
                type="text"
                inputmode=inputmode
                autocomplete="off"
                bind:value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(error_id)
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

#[derive(Clone)]
struct WindowRow {
    key: usize,
    days: [RwSignal<bool>; 7],
    from: RwSignal<String>,
    to: RwSignal<String>,
}

#[derive(Clone)]
struct SetRow {
    key: usize,
    name: RwSignal<String>,
    windows: RwSignal<Vec<WindowRow>>,
}

/// Row keys for `<For>`: never reused while the form lives.
#[derive(Clone, Copy)]
struct Keys(StoredValue<usize>);

impl Keys {
    fn next(self) -> usize {
        self.0.update_value(|k| *k += 1);
        self.0.get_value()
    }

    fn window(self, form: &WindowForm) -> WindowRow {
        WindowRow {
            key: self.next(),
            days: form.days.map(RwSignal::new),
            from: RwSignal::new(form.from.clone()),
            to: RwSignal::new(form.to.clone()),
        }
    }

    fn set(self, form: &SetForm) -> SetRow {
        SetRow {
            key: self.next(),
            name: RwSignal::new(form.name.clone()),
            windows: RwSignal::new(form.windows.iter().map(|w| self.window(w)).collect()),
        }
    }
}

fn sets_of(rows: &[SetRow]) -> Vec<SetForm> {
    rows.iter()
        .map(|set| SetForm {
            name: set.name.get_untracked(),
            windows: set
                .windows
                .get_untracked()
                .iter()
                .map(|w| WindowForm {
                    days: w.days.map(|d| d.get_untracked()),
                    from: w.from.get_untracked(),
                    to: w.to.get_untracked(),
                })
                .collect(),
        })
        .collect()
}

/// `/console/c/{channel}/settings`: installing the tag and whether it was seen, the
/// campaign settings, identity verification and (owners) deleting the channel.
#[component]
pub fn Settings(ui: Ui, channel: String) -> impl IntoView {
    let owner = ui.is_owner(&channel);
    let loaded = RwSignal::new(None::<Result<ChannelOut, Problem>>);
    let seen = RwSignal::new(None::<TagSeenOut>);
    let zone = RwSignal::new(String::new());
    let path = channel_path(&channel);

    let load = {
        let path = path.clone();
        move |first: bool| {
            let path = path.clone();
            spawn_local(async move {
                match api::get::<ChannelOut>(&path).await {
                    Ok(doc) => {
                        let _ = seen.try_set(doc.tag_last_seen.clone());
                        if first {
                            let _ = zone.try_set(doc.time_zone.clone());
                            let _ = loaded.try_set(Some(Ok(doc)));
                        }
                    }
                    Err(failure) if first => {
                        if let Some(problem) = load_failed(ui, failure) {
                            let _ = loaded.try_set(Some(Err(problem)));
                        }
                    }
                    // A missed poll is retried at the next one.
                    Err(_) => {}
                }
            });
        }
    };
    load(true);
    // The owner may be watching for the first page view: ask again every few seconds
    // while the page is visible, and stop when this screen goes away.
    let poll = load.clone();
    if let Ok(timer) = set_interval_with_handle(
        move || {
            if !document().hidden() && loaded.with_untracked(|l| matches!(l, Some(Ok(_)))) {
                poll(false);
            }
        },
        TAG_POLL,
    ) {
        on_cleanup(move || timer.clear());
    }

    view! {
        <h1>{ui.t(Key::NavSettings)}</h1>
        {move || match loaded.get() {
            None => ui.loading(),
            Some(Err(problem)) => view! { <div class="alert" role="alert">{move || problem.message(ui.lang.get())}</div> }.into_any(),
            Some(Ok(doc)) => {
                let channel = doc.id.clone();
                let site = doc.site_url.clone().unwrap_or_default();
                view! {
                    <p class="lead">{doc.name.clone()}" · "{site.clone()}</p>
                    <Install ui channel=channel.clone() seen zone />
                    <SettingsForm ui channel=channel.clone() doc=doc.clone() owner zone />
                    {owner.then(|| view! { <Identity ui channel=channel.clone() zone /> })}
                    {owner.then(|| view! { <DangerZone ui channel=channel.clone() name=doc.name.clone() /> })}
                }
                .into_any()
            }
        }}
    }
}

/// The tag to paste, whether it was seen, and the member-signing snippets.
#[component]
fn Install(ui: Ui, channel: String, seen: RwSignal<Option<TagSeenOut>>, zone: RwSignal<String>) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let tag = cf::script_tag(&origin, &channel);
    let status = move || match seen.get() {
        None => ui.s(Key::TagWaiting).to_owned(),
        Some(at) => {
            let time = zone.with(|z| ui.time(at.at, Some(z.as_str())));
            fill(&fill(ui.s(Key::TagSeen), "time", &time), "url", &at.url)
        }
    };
    let is_seen = move || seen.with(Option::is_some);
    view! {
        <section class="panel" aria-labelledby="install-title">
            <h2 id="install-title">{ui.t(Key::InstallTitle)}</h2>
            <p>{ui.t(Key::InstallLead)}</p>
            <Snippet ui id="script-tag" caption=Key::ScriptTag text=tag copy=Key::CopyTag />
            <div class="tag-status" class:seen=is_seen>
                <span class="status-dot" aria-hidden="true"></span>
                <div>
                    <p id="tag-status" class="status-line" role="status">{status}</p>
                    <p class="hint">{move || ui.s(if is_seen() { Key::TagSeenHint } else { Key::TagWaitingHint })}</p>
                </div>
            </div>
            <details class="members-snippets">
                <summary>{ui.t(Key::MembersTitle)}</summary>
                <p>{ui.t(Key::SiteMembersLead)}</p>
                <Snippet ui id="page-snippet" caption=Key::PageSnippet text=cf::PAGE_SNIPPET.to_owned() copy=Key::CopySnippet />
                <p>{ui.t(Key::ServerLead)}</p>
                <Snippet ui id="server-snippet" caption=Key::ServerSnippet text=cf::SERVER_SNIPPET.to_owned() copy=Key::CopyExample />
            </details>
        </section>
    }
}

/// Time zone, business-hours sets and frequency cap: `PATCH /admin/v1/channels/{channel}`.
#[component]
fn SettingsForm(ui: Ui, channel: String, doc: ChannelOut, owner: bool, zone: RwSignal<String>) -> impl IntoView {
    let keys = Keys(StoredValue::new(0));
    let time_zone = RwSignal::new(doc.time_zone.clone());
    let sets = RwSignal::new(cf::sets_from_docs(&doc.business_hours).iter().map(|s| keys.set(s)).collect::<Vec<_>>());
    let per_session = RwSignal::new(cf::cap_text(doc.frequency_cap.per_session));
    let per_day = RwSignal::new(cf::cap_text(doc.frequency_cap.per_day));
    let errors = Errors::new();
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let path = channel_path(&channel);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || !owner {
            return;
        }
        saved.set(false);
        let forms = sets_of(&sets.get_untracked());
        let (session_text, day_text) = (per_session.get_untracked(), per_day.get_untracked());
        let found = cf::check_settings(&time_zone.get_untracked(), &forms, &session_text, &day_text);
        if !found.is_empty() {
            errors.set(found);
            return;
        }
        errors.clear();
        let body = ChannelSettingsIo {
            time_zone: Some(time_zone.get_untracked().trim().to_owned()),
            business_hours: Some(cf::sets_to_docs(&forms)),
            frequency_cap: Some(FrequencyCap {
                per_session: cf::cap_value(&session_text).ok().flatten(),
                per_day: cf::cap_value(&day_text).ok().flatten(),
            }),
        };
        busy.set(true);
        let path = path.clone();
        spawn_local(async move {
            let answer = api::send_json::<ChannelOut>("PATCH", &path, &body).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(doc) => {
                    time_zone.set(doc.time_zone.clone());
                    zone.set(doc.time_zone.clone());
                    sets.set(cf::sets_from_docs(&doc.business_hours).iter().map(|s| keys.set(s)).collect());
                    per_session.set(cf::cap_text(doc.frequency_cap.per_session));
                    per_day.set(cf::cap_text(doc.frequency_cap.per_day));
                    saved.set(true);
                }
                Err(failure) => {
                    if let Some(problem) = load_failed(ui, failure) {
                        errors.set(vec![problem]);
                    }
                }
            }
        });
    };

    let add_set = move |_| {
        let name = if sets.with_untracked(Vec::is_empty) { ui.s(Key::BusinessHours).to_owned() } else { String::new() };
        sets.update(|all| all.push(keys.set(&SetForm { name, windows: vec![WindowForm::default()] })));
        let index = sets.with_untracked(Vec::len) - 1;
        focus_later(cf::set_field(index, "name"));
    };
    let hours_error = errors.at(ui, || "businessHours".to_owned());
    let cap_error = errors.at(ui, || "frequencyCap".to_owned());

    view! {
        <section class="panel" aria-labelledby="settings-title">
            <h2 id="settings-title">{ui.t(Key::SettingsTitle)}</h2>
            {(!owner).then(|| view! { <p class="notice-info">{ui.t(Key::SettingsReadOnly)}</p> })}
            <div class="alert" role="alert">{errors.above(ui)}</div>
            <form class="form settings-form" novalidate on:submit=submit>
                <fieldset class="plain" disabled=!owner>
                    <ZoneInput ui value=time_zone error=errors.at(ui, || "timeZone".to_owned()) />

                    <div id="businessHours" class="group" tabindex="-1" aria-labelledby="hours-title" role="group">
                        <h3 id="hours-title">{ui.t(Key::BusinessHours)}</h3>
                        <p class="hint">{ui.t(Key::BusinessHoursLead)}</p>
                        <p class="field-error" id="businessHours-error">{move || hours_error.get()}</p>
                        {move || sets.with(Vec::is_empty).then(|| view! { <p class="empty-line">{ui.t(Key::NoBusinessHours)}</p> })}
                        <For each=move || sets.get() key=|set| set.key children=move |set| view! { <SetEditor ui set sets errors keys owner /> } />
                        {owner.then(|| view! { <button type="button" class="secondary" on:click=add_set>"+ "{ui.t(Key::AddSet)}</button> })}
                    </div>

                    <fieldset id="frequencyCap" class="group cap" tabindex="-1" aria-describedby="frequencyCap-lead">
                        <legend>{ui.t(Key::FrequencyCap)}</legend>
                        <p id="frequencyCap-lead" class="hint">{ui.t(Key::FrequencyCapLead)}</p>
                        <p class="field-error">{move || cap_error.get()}</p>
                        <div class="cap-inputs">
                            {path_input(ui, errors, || "frequencyCap.perSession".to_owned(), Key::PerSession, per_session, "short", Some("numeric"))}
                            {path_input(ui, errors, || "frequencyCap.perDay".to_owned(), Key::PerDay, per_day, "short", Some("numeric"))}
                        </div>
                    </fieldset>
                </fieldset>
                {owner.then(|| view! {
                    <div class="actions">
                        <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                            {move || ui.s(if busy.get() { Key::Saving } else { Key::SaveSettings })}
                        </button>
                        <p class="saved" role="status">{move || saved.get().then(|| ui.s(Key::Saved))}</p>
                    </div>
                })}
            </form>
        </section>
    }
}

/// One business-hours set: its name and weekly windows.
#[component]
fn SetEditor(
    ui: Ui,
    set: SetRow,
    sets: RwSignal<Vec<SetRow>>,
    errors: Errors,
    keys: Keys,
    owner: bool,
) -> impl IntoView {
    let key = set.key;
    let index = move || sets.with(|all| all.iter().position(|s| s.key == key).unwrap_or(0));
    let windows = set.windows;
    let set_error = errors.at(ui, move || cf::set_field(index(), ""));
    let windows_error = errors.at(ui, move || cf::set_field(index(), "windows"));
    let remove = move |_| sets.update(|all| all.retain(|s| s.key != key));
    let add_window = move |_| {
        windows.update(|all| all.push(keys.window(&WindowForm::default())));
    };
    view! {
        <fieldset class="hours-set" id=move || cf::set_field(index(), "") tabindex="-1">
            <legend>{move || fill(ui.s(Key::SetLegend), "n", &(index() + 1).to_string())}</legend>
            <p class="field-error">{move || set_error.get()}</p>
            {path_input(ui, errors, move || cf::set_field(index(), "name"), Key::SetName, set.name, "set-name", None)}
            <div id=move || cf::set_field(index(), "windows") tabindex="-1" class="windows">
                <p class="field-error">{move || windows_error.get()}</p>
                <For
                    each=move || windows.get()
                    key=|w| w.key
                    children=move |w| view! { <WindowEditor ui window=w set=index windows errors owner /> }
                />
            </div>
            {owner.then(|| view! {
                <div class="actions">
                    <button type="button" class="secondary small" on:click=add_window>"+ "{ui.t(Key::AddWindow)}</button>
                    <button type="button" class="quiet small" on:click=remove>{ui.t(Key::RemoveSet)}</button>
                </div>
            })}
        </fieldset>
    }
}

/// One weekly window: its days and its hours.
#[component]
fn WindowEditor(
    ui: Ui,
    window: WindowRow,
    set: impl Fn() -> usize + Copy + Send + Sync + 'static,
    windows: RwSignal<Vec<WindowRow>>,
    errors: Errors,
    owner: bool,
) -> impl IntoView {
    let key = window.key;
    let index = move || windows.with(|all| all.iter().position(|w| w.key == key).unwrap_or(0));
    let days_id = move || cf::window_field(set(), index(), "days");
    let days_error = errors.at(ui, days_id);
    let window_error = errors.at(ui, move || cf::window_field(set(), index(), ""));
    let remove = move |_| windows.update(|all| all.retain(|w| w.key != key));
    let days = WEEK
        .iter()
        .zip(window.days)
        .map(|((_, label), on)| {
            view! {
                <label class="day">
                    <input type="checkbox" prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev)) />
                    <span>{ui.t(*label)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="window" id=move || cf::window_field(set(), index(), "") tabindex="-1">
            <p class="field-error">{move || window_error.get()}</p>
            <fieldset
                class="days"
                id=days_id
                tabindex="-1"
                aria-invalid=move || days_error.get().is_some().then_some("true")
                aria-describedby=move || days_error.get().is_some().then(|| format!("{}-error", days_id()))
            >
                <legend>{move || fill(ui.s(Key::WindowLegend), "n", &(index() + 1).to_string())}" · "{ui.t(Key::Days)}</legend>
                <div class="day-list">{days}</div>
            </fieldset>
            <p id=move || format!("{}-error", days_id()) class="field-error">{move || days_error.get()}</p>
            <div class="window-times">
                {path_input(ui, errors, move || cf::window_field(set(), index(), "from"), Key::From, window.from, "time", Some("numeric"))}
                {path_input(ui, errors, move || cf::window_field(set(), index(), "to"), Key::To, window.to, "time", Some("numeric"))}
                {owner.then(|| view! {
                    <button type="button" class="quiet small" on:click=remove>{ui.t(Key::RemoveWindow)}</button>
                })}
            </div>
            <p class="hint">{ui.t(Key::TimeHint)}</p>
        </div>
    }
}

/// Identity verification: on or off, a new secret shown once, the previous one's end.
#[component]
fn Identity(ui: Ui, channel: String, zone: RwSignal<String>) -> impl IntoView {
    let state = RwSignal::new(None::<IdentityOut>);
    let secret = RwSignal::new(None::<String>);
    let revoked = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problems = Problems::new(&[]);
    let path = format!("{}/identity-verification", channel_path(&channel));
    {
        let path = path.clone();
        spawn_local(async move {
            match api::get::<IdentityOut>(&path).await {
                Ok(out) => {
                    let _ = state.try_set(Some(out));
                }
                Err(failure) => {
                    if let Some(problem) = load_failed(ui, failure) {
                        problems.set(vec![problem]);
                    }
                }
            }
        });
    }
    let change = move |body: IdentityIn| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problems.clear();
        revoked.set(false);
        let path = path.clone();
        spawn_local(async move {
            let answer = api::send_json::<IdentityOut>("PUT", &path, &body).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(out) => {
                    if out.secret.is_some() {
                        secret.set(out.secret.clone());
                        focus_later("new-secret-title");
                    }
                    revoked.set(body.revoke_previous_secret);
                    state.set(Some(out));
                }
                Err(failure) => {
                    if let Some(problem) = load_failed(ui, failure) {
                        problems.set(vec![problem]);
                    }
                }
            }
        });
    };
    let enabled = move || state.with(|s| s.as_ref().is_some_and(|s| s.enabled));
    let toggle = {
        let change = change.clone();
        move |ev: leptos::ev::Event| {
            change(IdentityIn {
                enabled: event_target_checked(&ev),
                rotate_secret: false,
                revoke_previous_secret: false,
            })
        }
    };
    let rotate = {
        let change = change.clone();
        move |_| change(IdentityIn { enabled: enabled(), rotate_secret: true, revoke_previous_secret: false })
    };
    let revoke = move |_| change(IdentityIn { enabled: enabled(), rotate_secret: false, revoke_previous_secret: true });
    let until = move || state.with(|s| s.as_ref().and_then(|s| s.previous_secret_valid_until));

    view! {
        <section class="panel" aria-labelledby="identity-title">
            <h2 id="identity-title">{ui.t(Key::IdentityTitle)}</h2>
            <p>{ui.t(Key::IdentityLead)}</p>
            <FormAlert ui problems />
            {move || state.get().is_some().then(|| view! {
                <label class="toggle">
                    <input id="identity-enabled" type="checkbox" prop:checked=enabled on:change=toggle.clone() aria-describedby="identity-state" />
                    <span>{ui.t(Key::IdentityToggle)}</span>
                </label>
                <p id="identity-state" class="hint">{move || ui.s(if enabled() { Key::IdentityOn } else { Key::IdentityOff })}</p>
                <div class="identity-actions">
                    <button type="button" class="secondary" aria-disabled=move || busy.get().then_some("true") on:click=rotate.clone() aria-describedby="rotate-hint">
                        {ui.t(Key::RotateSecret)}
                    </button>
                    <p id="rotate-hint" class="hint">{ui.t(Key::RotateHint)}</p>
                </div>
            })}
            {move || secret.get().map(|value| view! {
                <div class="secret-box">
                    <SecretOnce ui id="new-secret" title=Key::NewSecret secret=value nested=true />
                </div>
            })}
            {move || until().map(|at| {
                let time = zone.with(|z| ui.time(at, Some(z.as_str())));
                view! {
                    <div class="previous-secret">
                        <p id="previous-valid">{move || fill(ui.s(Key::PreviousValid), "time", &time)}</p>
                        <button type="button" class="secondary small" on:click=revoke.clone()>{ui.t(Key::RevokePrevious)}</button>
                    </div>
                }
            })}
            <p class="saved" role="status">{move || revoked.get().then(|| ui.s(Key::PreviousRevoked))}</p>
        </section>
    }
}

/// Deleting the channel: the name typed exactly, then `DELETE` with `confirmName`.
#[component]
fn DangerZone(ui: Ui, channel: String, name: String) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let problems = Problems::new(&["confirmName"]);
    let busy = RwSignal::new(false);
    let path = channel_path(&channel);
    let matches = {
        let name = name.clone();
        move || typed.with(|t| cf::confirms(t, &name))
    };
    let submit = {
        let matches = matches.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            if !matches() {
                problems.set(vec![Problem::at("confirmName", Key::ConfirmNameWrong)]);
                return;
            }
            problems.clear();
            busy.set(true);
            let body = DeleteChannelIn { confirm_name: typed.get_untracked().trim().to_owned() };
            let path = path.clone();
            spawn_local(async move {
                let body = serde_json::to_value(&body).ok();
                let answer = api::send_done("DELETE", &path, body.as_ref()).await;
                let _ = busy.try_set(false);
                match answer {
                    Ok(()) => {
                        ui.reload_me();
                        ui.go(Screen::Home, false);
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
    // The name typed right answers the complaint about it.
    {
        let matches = matches.clone();
        Effect::new(move |_| {
            if matches() {
                problems.clear();
            }
        });
    }
    let error = problems.beside(ui, "confirmName");
    let label = move || fill(ui.s(Key::ConfirmNameLabel), "name", &name);
    view! {
        <section class="panel danger-zone" aria-labelledby="danger-title">
            <h2 id="danger-title">{ui.t(Key::DangerTitle)}</h2>
            <p>{ui.t(Key::DangerLead)}</p>
            <FormAlert ui problems />
            <form class="form narrow" novalidate on:submit=submit>
                <div class="field">
                    <label for="confirmName">{label}</label>
                    <input
                        id="confirmName"
                        name="confirmName"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        bind:value=typed
                        aria-invalid=move || error().is_some().then_some("true")
                        aria-describedby=move || error().is_some().then_some("confirmName-error")
                    />
                    <p id="confirmName-error" class="field-error">{error}</p>
                </div>
                <div class="actions">
                    <button type="submit" class="danger" aria-disabled=move || (!matches() || busy.get()).then_some("true")>
                        {move || ui.s(if busy.get() { Key::Deleting } else { Key::DeleteChannel })}
                    </button>
                </div>
            </form>
        </section>
    }
}
