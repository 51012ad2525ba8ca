//! The widget's shell: `start` is called once by the loader; browser events and network
//! answers become `machine::Input`s, and the machine's effects are carried out here, as
//! are the `polling` rule's timers and requests for messages.

use crate::machine::{Effect, Input, Widget};
use crate::outbox::{Entry, Outbox, backoff_ms, batch_len};
use crate::polling::{Next, Polling};
use crate::{dom, json, net, saved};
use kizuna_shared::event::PAGE_VIEW;
use kizuna_shared::ids::{CampaignId, ChannelId, VisitorId};
use kizuna_shared::render::markup;
use kizuna_shared::session::Session;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::public::PREVIEW_DELIVERY;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

struct App {
    base: String,
    channel: ChannelId,
    /// The visitor id and token the last boot answered (`kz:{channel}:visitor` and
    /// `:token`); empty before the first boot, which the edge answers with new ones.
    visitor: String,
    token: String,
    /// A boot is under way, and whether another was asked for meanwhile (a member's
    /// `boot`, a refused token): boots run one at a time, so a refused token makes one
    /// new visitor, not one per request.
    booting: bool,
    boot_wanted: bool,
    widget: Widget,
    dom: Option<dom::Dom>,
    /// The URL of the last page view sent, so a navigation to the same URL sends none,
    /// and the next in-app navigation names it as its referrer.
    last_url: Option<String>,
    /// The member the site signed in with `Kizuna('boot', {memberId, ...})`.
    member: Option<json::MemberBoot>,
    /// How many of boot and the first page view are still unanswered.
    starting: u8,
    /// `track` and `showCampaign` calls made before both answered, in order.
    queued: Vec<Queued>,
    /// When to ask the edge for messages delivered while the page is open.
    polling: Polling,
    /// This tab's id: its outbox is `kz:{channel}:out:{tab}`.
    tab: String,
    /// A flush is running (one at a time per tab).
    sending: bool,
    /// Failed attempts since the last delivery, and whether a retry is scheduled.
    attempt: u32,
    retry_scheduled: bool,
}

/// A JS API call that waits until the widget has booted and sent the first page view.
enum Queued {
    Track(String, String),
    Show(CampaignId),
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

fn warn(message: &str, detail: &JsValue) {
    web_sys::console::warn_3(&JsValue::from_str("Kizuna:"), &JsValue::from_str(message), detail);
}

/// `base` + `path`, without the formatting machinery (it costs the widget kilobytes).
fn endpoint(app: &App, path: &str) -> String {
    let mut url = String::with_capacity(app.base.len() + path.len());
    url.push_str(&app.base);
    url.push_str(path);
    url
}

fn visitor_key(channel: &ChannelId, part: &str) -> String {
    ["kz:", channel.as_str(), ":", part].concat()
}

/// The visitor id and token kept in `localStorage` (empty when there are none: an id
/// kept from before tokens is sent without one, and the edge answers a new id).
fn stored_visitor(channel: &ChannelId) -> (String, String) {
    let id = saved::get(&visitor_key(channel, "visitor")).filter(|id| VisitorId::parse(id).is_ok());
    (id.unwrap_or_default(), saved::get(&visitor_key(channel, "token")).unwrap_or_default())
}

/// Keeps the visitor id and token a boot answered (or forgets them: empty).
fn keep_visitor(app: &mut App, id: String, token: String) {
    saved::set(&visitor_key(&app.channel, "visitor"), &id);
    saved::set(&visitor_key(&app.channel, "token"), &token);
    app.visitor = id;
    app.token = token;
}

/// The visitor as request bodies name it.
fn who(app: &App) -> json::Visitor<'_> {
    json::Visitor { id: &app.visitor, token: &app.token }
}

/// Starts the widget for `channel`, talking to the edge at `base`, after replaying the
/// JS API calls the page queued before the widget loaded. Called by the loader.
#[wasm_bindgen]
pub fn start(channel: &str, base: &str, queued: js_sys::Array) {
    let Ok(channel) = ChannelId::parse(channel) else {
        warn("data-channel is not a valid channel id:", &JsValue::from_str(channel));
        return;
    };
    let (visitor, token) = stored_visitor(&channel);
    APP.set(Some(App {
        base: base.to_owned(),
        channel,
        visitor,
        token,
        booting: false,
        boot_wanted: false,
        widget: Widget::default(),
        dom: None,
        last_url: None,
        member: None,
        starting: 2,
        queued: Vec::new(),
        polling: Polling::new(now(), dom::visible()),
        tab: saved::random_id("t_"),
        sending: false,
        attempt: 0,
        retry_scheduled: false,
    }));
    for call in queued.iter() {
        let call = js_sys::Array::from(&call);
        apply(&call.get(0).as_string().unwrap_or_default(), &call.get(1), &call.get(2), false);
    }
    dom::when_ready(|| {
        spawn_local(async move {
            // Boot first: it answers the visitor id and token every other request
            // carries, and a signed-in visitor's first page view lands on the member.
            boot().await;
            settled();
            page_view().await;
            settled();
            if let Some(token) = dom::take_preview_token() {
                preview(token).await;
            }
        });
    });
}

/// One JS API call after the widget started: `Kizuna(command, first, second)`.
#[wasm_bindgen]
pub fn command(name: &str, first: JsValue, second: JsValue) {
    apply(name, &first, &second, true);
}

/// Applies a JS API command; `live` when the widget already started (so a `boot` goes out
/// now). Events and `showCampaign` wait until boot and the first page view answered.
fn apply(name: &str, argument: &JsValue, second: &JsValue, live: bool) {
    match name {
        "track" => match (argument.as_string(), json_of(second)) {
            (Some(event), Ok(properties)) => when_started(Queued::Track(event, properties)),
            (None, _) => warn("track needs an event name:", argument),
            (_, Err(error)) => warn("track's properties:", &error),
        },
        "showCampaign" => match argument.as_string().and_then(|id| CampaignId::parse(&id).ok()) {
            Some(campaign) => when_started(Queued::Show(campaign)),
            None => warn("showCampaign needs a campaign id:", argument),
        },
        "updateUser" => match json_of(&net::get(argument, "profile")) {
            Ok(profile) => spawn_local(async move { update_user(profile).await }),
            Err(error) => warn("updateUser needs {profile: {...}}:", &error),
        },
        "boot" => {
            let Some(member_id) = net::text(argument, "memberId") else {
                // `boot` without a member keeps the visitor anonymous.
                return;
            };
            let profile_json = match json_of(&net::get(argument, "profile")) {
                Ok(profile) => profile,
                Err(error) => return warn("boot's profile:", &error),
            };
            let member = json::MemberBoot { member_id, member_hash: net::text(argument, "memberHash"), profile_json };
            with_app(|app| app.member = Some(member));
            if live {
                spawn_local(async {
                    boot().await;
                });
            }
        }
        "shutdown" => {
            // Forget the member: a new anonymous visitor begins, with a new session. The
            // edge refuses the old token from now on (another tab keeping it boots anew).
            with_app(|app| {
                if !app.token.is_empty() {
                    let url = endpoint(app, "/v1/shutdown");
                    net::fire(&url, &json::visitor_body(app.channel.as_str(), who(app)));
                }
                app.member = None;
                saved::set(&visitor_key(&app.channel, "session"), "");
                keep_visitor(app, String::new(), String::new());
            });
            if live {
                spawn_local(async {
                    boot().await;
                });
            }
        }
        other => warn("unknown command:", &JsValue::from_str(other)),
    }
}

/// Runs `call` now, or queues it behind the calls made before the widget started.
fn when_started(call: Queued) {
    if let Some(Some(call)) = with_app(|app| {
        if app.starting > 0 {
            app.queued.push(call);
            None
        } else {
            Some(call)
        }
    }) {
        run(call);
    }
}

/// Starts `call`. Each call's first step (queueing an event in the outbox, posting a
/// show) runs in the order of `run`, so replayed calls keep their order.
fn run(call: Queued) {
    match call {
        Queued::Track(event, properties) => spawn_local(async move { send_event(&event, properties).await }),
        Queued::Show(campaign) => spawn_local(show_campaign(campaign)),
    }
}

/// Boot or the first page view answered; once both have, the calls that waited run.
fn settled() {
    let queued = with_app(|app| {
        app.starting = app.starting.saturating_sub(1);
        if app.starting == 0 { std::mem::take(&mut app.queued) } else { Vec::new() }
    });
    for call in queued.unwrap_or_default() {
        run(call);
    }
}

/// `showCampaign`: the site asks to show a campaign now; the edge decides and answers the
/// message, which queues behind any on screen.
async fn show_campaign(campaign: CampaignId) {
    active();
    let request = saved::random_id("r_");
    let show = |app: &App| json::show_body(app.channel.as_str(), who(app), campaign.as_str(), &request);
    match post_as_visitor("/v1/show", show).await {
        Ok(reply) => received(&reply),
        Err((_, error)) => warn("showCampaign failed:", &error),
    }
}

/// A "Try it on my site" link: the edge answers the draft's message once, and it shows
/// like any other; as it is no delivery, nothing about it is reported.
async fn preview(token: String) {
    let body = |app: &App| json::preview_body(app.channel.as_str(), who(app), &token);
    match post_as_visitor("/v1/preview", body).await {
        Ok(reply) => received(&reply),
        Err((_, error)) => warn("this preview link cannot be shown:", &error),
    }
}

/// `updateUser`: the site changed the visitor's contact fields.
async fn update_user(profile: String) {
    active();
    let update = |app: &App| json::profile_body(app.channel.as_str(), who(app), &profile);
    if let Err((_, error)) = post_as_visitor("/v1/profile", update).await {
        warn("updateUser failed:", &error);
    }
}

fn with_app<T>(f: impl FnOnce(&mut App) -> T) -> Option<T> {
    APP.with_borrow_mut(|app| app.as_mut().map(f))
}

/// Posts the body `write` makes for the current visitor. A 401 means the token expired
/// or the visitor is gone: boot again (a new token, perhaps a new visitor) and post once
/// more with the new one.
async fn post_as_visitor(path: &str, write: impl Fn(&App) -> String) -> Result<JsValue, (u16, JsValue)> {
    let mut rebooted = false;
    loop {
        let (url, body) = with_app(|app| (endpoint(app, path), write(app))).ok_or((0, JsValue::NULL))?;
        match net::post_status(&url, &body).await {
            Err((401, _)) if !rebooted => {
                rebooted = true;
                if !boot().await {
                    // Another call's boot is under way (the page's first boot, when a
                    // queued `updateUser` ran before it answered): wait for its token.
                    let mut waited = 0;
                    while with_app(|app| app.booting) == Some(true) && waited < BOOT_WAIT_MS {
                        sleep(50).await;
                        waited += 50;
                    }
                }
            }
            answer => return answer,
        }
    }
}

/// Boots (one boot at a time; a boot asked for meanwhile runs after it). Whether the
/// last boot this call ran answered; `false` when another call's boot was under way.
async fn boot() -> bool {
    let running = with_app(|app| {
        app.boot_wanted = true;
        std::mem::replace(&mut app.booting, true)
    });
    if running != Some(false) {
        return false;
    }
    let mut answered = false;
    while with_app(|app| std::mem::take(&mut app.boot_wanted)) == Some(true) {
        answered = boot_once().await;
    }
    with_app(|app| app.booting = false);
    answered
}

async fn boot_once() -> bool {
    active();
    let Some((url, body)) = with_app(|app| {
        let body = json::boot_body(app.channel.as_str(), who(app), app.member.as_ref());
        (endpoint(app, "/v1/boot"), body)
    }) else {
        return false;
    };
    match net::post_status(&url, &body).await {
        // The id to use from now on (a new visitor, or the member's customer after a
        // sign-in) and its token, renewed at every boot.
        Ok(reply) => {
            let id = net::text(&reply, "visitorId").filter(|id| VisitorId::parse(id).is_ok());
            if let (Some(id), Some(token)) = (id, net::text(&reply, "token")) {
                with_app(|app| keep_visitor(app, id, token));
            }
            // Messages delivered while the visitor was away (a broadcast, say).
            received(&reply);
            true
        }
        Err((status, error)) => {
            warn("boot failed:", &error);
            // A sign-in refused (identity verification): the visitor stays anonymous.
            with_app(|app| {
                if status == 403 && app.member.take().is_some() {
                    app.boot_wanted = true;
                }
            });
            false
        }
    }
}

/// The visit this activity belongs to (30-minute rule), kept in `localStorage` so that
/// every tab of the browser shares it.
fn session(app: &App) -> Session {
    let key = visitor_key(&app.channel, "session");
    let saved = saved::get(&key).and_then(|text| Session::decode(&text));
    let (session, _) = Session::resume(saved, now(), || saved::random_id("s_"));
    saved::set(&key, &session.encode());
    session
}

/// The page's URL changed without a page load (single-page apps). Called by the loader.
#[wasm_bindgen]
pub fn navigated() {
    spawn_local(page_view());
}

async fn page_view() {
    let Some(page) = dom::page() else { return };
    let Some(previous) = with_app(|app| app.last_url.replace(page.url.clone())) else { return };
    if previous.as_deref() == Some(page.url.as_str()) {
        return;
    }
    // `document.referrer` keeps naming the page before the page load: an in-app
    // navigation came from the URL the page was at, the one last reported.
    let referrer = previous.as_deref().unwrap_or(&page.referrer);
    let properties = json::text_properties(&[
        ("url", &page.url),
        ("path", &page.path),
        ("title", &page.title),
        ("referrer", referrer),
    ]);
    send_event(PAGE_VIEW, properties).await;
}

/// Queues one event of this visitor's current session in the tab's outbox, then sends
/// what the outbox holds.
async fn send_event(name: &str, properties: String) {
    let event = json::Outgoing { id: saved::random_id("e_"), name: name.to_owned(), properties };
    with_app(|app| {
        let session = session(app);
        let mut outbox = load(app);
        outbox.push(Entry { visitor: app.visitor.clone(), session: session.id, event: event.json() });
        store(app, &mut outbox);
    });
    active();
    flush().await;
}

fn outbox_prefix(app: &App) -> String {
    ["kz:", app.channel.as_str(), ":out:"].concat()
}

fn outbox_key(app: &App) -> String {
    [outbox_prefix(app), app.tab.clone()].concat()
}

fn load(app: &App) -> Outbox {
    saved::get(&outbox_key(app)).map(|t| Outbox::decode(&t)).unwrap_or_default()
}

/// The `EventBatch` of `batch` (one visitor and session: see [`batch_len`]).
/// `leaving`: a `pagehide` beacon, whose answer nobody reads (the edge keeps messages
/// for the next page). Sent as the current visitor, whose token the edge checks: events
/// queued before a sign-in merged this browser into a member's customer go to it.
fn batch_body(app: &App, batch: &[Entry], leaving: bool) -> Option<String> {
    let first = batch.first()?;
    let events: Vec<&str> = batch.iter().map(|e| e.event.as_str()).collect();
    Some(json::events_body(app.channel.as_str(), who(app), &first.session, &events, leaving))
}

/// Writes the tab's outbox with a fresh heartbeat (an empty one is removed).
fn store(app: &App, outbox: &mut Outbox) {
    let key = outbox_key(app);
    if outbox.entries.is_empty() {
        saved::remove(&key);
    } else {
        outbox.heartbeat = now();
        saved::set(&key, &outbox.encode());
    }
}

/// Takes over the outboxes of tabs that left or went quiet (deleting them first).
fn adopt_abandoned(app: &App) {
    let (prefix, time) = (outbox_prefix(app), now());
    let own = outbox_key(app);
    let mut outbox = load(app);
    let mut adopted = false;
    for key in saved::keys(&prefix).into_iter().filter(|k| *k != own) {
        let other = Outbox::decode(&saved::get(&key).unwrap_or_default());
        if other.abandoned(time) {
            saved::remove(&key);
            outbox.adopt(other);
            adopted = true;
        }
    }
    if adopted {
        store(app, &mut outbox);
    }
}

/// Sends the outbox, a batch at a time, oldest first. A batch leaves the outbox when the
/// edge took it (or refused it for good); otherwise a retry is scheduled with backoff.
async fn flush() {
    if with_app(|app| std::mem::replace(&mut app.sending, true)) != Some(false) {
        return;
    }
    with_app(|app| adopt_abandoned(app));
    // After a batch is refused, its events go one by one, so one bad event (a nested
    // property, say) is dropped alone.
    let mut limit = usize::MAX;
    let mut rebooted = false;
    loop {
        let next = with_app(|app| {
            let outbox = load(app);
            let batch = &outbox.entries[..batch_len(&outbox.entries).min(limit)];
            let body = batch_body(app, batch, false)?;
            let sent: Vec<String> = batch.iter().map(|e| e.event.clone()).collect();
            Some((endpoint(app, "/v1/events"), body, sent))
        });
        let Some((url, body, sent)) = next.flatten() else { break };
        let delivered = match net::post_status(&url, &body).await {
            Ok(reply) => {
                received(&reply);
                true
            }
            // The token expired or the visitor is gone: boot again and resend as the
            // visitor it answers (the events keep their ids, so nothing counts twice).
            Err((401, _)) if !rebooted => {
                rebooted = true;
                if boot().await {
                    continue;
                }
                false
            }
            // Refused for good (malformed, too large): retrying cannot help.
            Err((status, error)) if (400..500).contains(&status) && ![401, 408, 429].contains(&status) => {
                if sent.len() > 1 {
                    limit = 1;
                    continue;
                }
                warn("an event was refused:", &error);
                true
            }
            Err(_) => false,
        };
        let wait = with_app(|app| {
            let mut outbox = load(app);
            if delivered {
                outbox.entries.retain(|e| !sent.contains(&e.event));
                app.attempt = 0;
            } else {
                app.attempt += 1;
            }
            store(app, &mut outbox);
            let first_retry = !delivered && !std::mem::replace(&mut app.retry_scheduled, true);
            (!delivered).then_some(first_retry.then_some(backoff_ms(app.attempt)))
        });
        if let Some(Some(retry)) = wait {
            if let Some(ms) = retry {
                later(ms);
            }
            break;
        }
    }
    with_app(|app| app.sending = false);
}

/// Runs `flush` again after `ms`.
fn later(ms: u32) {
    after(ms, || {
        with_app(|app| app.retry_scheduled = false);
        spawn_local(flush());
    });
}

/// How long a request that found the token stale waits for another call's boot.
const BOOT_WAIT_MS: u32 = 10_000;

/// Resolves after `ms` (a `setTimeout`; at once where there is no window).
async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let wait = i32::try_from(ms).unwrap_or(i32::MAX);
        let scheduled = web_sys::window()
            .is_some_and(|window| window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, wait).is_ok());
        if !scheduled {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Runs `then` after `ms` (a `setTimeout`).
fn after(ms: u32, then: impl FnOnce() + 'static) {
    let then = Closure::once_into_js(then);
    if let Some(window) = web_sys::window() {
        let wait = i32::try_from(ms).unwrap_or(i32::MAX);
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(then.unchecked_ref(), wait);
    }
}

fn now() -> Millis {
    js_sys::Date::now() as Millis
}

/// Feeds the polling rule the time and carries out its decision: a timer, or an ask.
fn poll(decide: impl FnOnce(&mut Polling, Millis) -> Option<Next>) {
    let time = now();
    match with_app(|app| decide(&mut app.polling, time)).flatten() {
        Some(Next::Wait(ms)) => after(ms, || poll(Polling::fired)),
        Some(Next::Ask) => spawn_local(ask_for_messages()),
        None => {}
    }
}

/// The widget sent something for the visitor, or they used a message: they are online.
fn active() {
    poll(Polling::active);
}

/// `POST /v1/messages`: messages delivered while the page is open (a broadcast, a wait
/// that ended). A failure stays quiet: the next ask, 10 seconds later, tries again.
async fn ask_for_messages() {
    if let Ok(reply) = post_as_visitor("/v1/messages", |app| json::messages_body(app.channel.as_str(), who(app))).await
    {
        received(&reply);
    }
    poll(Polling::answered);
}

/// The page was shown or hidden (`visibilitychange`): polling stops while it is hidden
/// and resumes when it is shown. Called by the loader.
#[wasm_bindgen]
pub fn visibility() {
    let visible = dom::visible();
    poll(|polling, time| polling.visibility(visible, time));
}

/// The browser is back online, or the page came back from the back/forward cache:
/// send now. Called by the loader.
#[wasm_bindgen]
pub fn online() {
    with_app(|app| app.attempt = 0);
    spawn_local(flush());
}

/// The page is going away (`pagehide`): hand what is left to the browser as beacons and
/// mark the outbox as left, so the next page of the site sends it again if a beacon was
/// lost (the edge counts an event id once). Called by the loader.
#[wasm_bindgen]
pub fn leave() {
    with_app(|app| {
        let mut outbox = load(app);
        let url = endpoint(app, "/v1/events");
        let mut rest = outbox.entries.as_slice();
        while !rest.is_empty() {
            let (batch, remaining) = rest.split_at(batch_len(rest));
            if let Some(body) = batch_body(app, batch, true) {
                net::beacon(&url, &body);
            }
            rest = remaining;
        }
        if !outbox.entries.is_empty() {
            outbox.heartbeat = 0;
            saved::set(&outbox_key(app), &outbox.encode());
        }
    });
}

/// The browser's JSON of a JS API argument (`{}` when absent), or why it has none.
fn json_of(value: &JsValue) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok("{}".to_owned());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(JsValue::from_str("expected an object"));
    }
    js_sys::JSON::stringify(value)?.as_string().ok_or_else(|| JsValue::from_str("not serializable"))
}

/// A reply's messages to show now, then its list of unread messages (when it has one).
fn received(reply: &JsValue) {
    dispatch(Input::Received(net::popups(reply, "popups").unwrap_or_default()));
    if let Some(unread) = net::popups(reply, "unread") {
        dispatch(Input::Unread(unread));
    }
}

/// Feeds one input to the machine, then carries out its effects (outside the borrow, so
/// an effect may dispatch again). Using a message counts as activity.
fn dispatch(input: Input) {
    if !matches!(input, Input::Received(_) | Input::Unread(_)) {
        active();
    }
    for effect in with_app(|app| app.widget.step(input)).unwrap_or_default() {
        perform(effect);
    }
}

/// The widget's element on the page, added the first time something is drawn.
fn drawn(app: &mut App) -> Option<&dom::Dom> {
    if app.dom.is_none() {
        match dom::Dom::mount(dispatch) {
            Ok(mounted) => app.dom = Some(mounted),
            Err(error) => warn("could not add the message to the page:", &error),
        }
    }
    app.dom.as_ref()
}

fn perform(effect: Effect) {
    match effect {
        Effect::Show(popup) => {
            with_app(|app| drawn(app).map(|dom| dom.show(&markup(&popup))));
        }
        Effect::Hide => {
            with_app(|app| app.dom.as_ref().map(dom::Dom::hide));
        }
        Effect::Launcher(count) => {
            with_app(|app| drawn(app).map(|dom| dom.launcher(count)));
        }
        Effect::Focus => {
            with_app(|app| app.dom.as_ref().map(dom::Dom::focus));
        }
        Effect::MarkRead(deliveries) => {
            with_app(|app| {
                let body = json::read_body(app.channel.as_str(), who(app), &deliveries);
                net::fire(&endpoint(app, "/v1/read"), &body);
            });
        }
        Effect::ReportView(delivery) => report(&delivery, "view"),
        Effect::ReportClick(delivery) => report(&delivery, "click"),
        Effect::Navigate(url) => dom::navigate(&url),
    }
}

fn report(delivery: &str, action: &str) {
    if delivery == PREVIEW_DELIVERY {
        return;
    }
    with_app(|app| {
        let url = endpoint(app, &["/v1/deliveries/", delivery, "/", action].concat());
        net::fire(&url, &json::visitor_body(app.channel.as_str(), who(app)));
    });
}
