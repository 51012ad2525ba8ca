//! The visitor's Durable Object: the single writer of one visitor's live state.
//!
//! Invariant: calls for one visitor run one at a time (`block_concurrency_while`), and
//! the visitor record is saved only after D1 accepted what the call decided, so a call
//! that fails half-way is retried from the same state and derives the same delivery ids.

use crate::error::ApiError;
use crate::jobs::{self, Job};
use crate::outbound::{Medium, SendJob};
use crate::store::{self, Db};
use crate::{audience, clock, http, public, publication};
use kizuna_shared::counting::{Action, Delivery, WINDOW};
use kizuna_shared::deliver::{self, CampaignSet, Context, Input, VisitorState, audience_checks, step, take_pending};
use kizuna_shared::event::{Event, PAGE_VIEW, PropertyValue};
use kizuna_shared::fields::ProfileChange;
use kizuna_shared::ids::{CampaignId, ChannelId, DeliveryId, EventId, SessionId, VisitorId};
use kizuna_shared::profile::{Profile, Visit};
use kizuna_shared::stored::VisitorRecordV1;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::{BootReply, EventIn, EventsReply, MessagesReply, Popup};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::{DurableObject, Env, Method, Request, RequestInit, Response, State, Storage, durable_object};

const RECORD_KEY: &str = "visitor";

/// What the front worker asks of a visitor's object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum VisitorCall {
    Boot {
        channel: ChannelId,
        visitor_id: VisitorId,
    },
    Events {
        channel: ChannelId,
        visitor_id: VisitorId,
        session_id: Option<SessionId>,
        facts: RequestFacts,
        events: Vec<EventIn>,
        /// A `pagehide` beacon: its answer is never read, so messages wait for the next page.
        #[serde(default)]
        leaving: bool,
    },
    /// The visitor signed in as `member_id` (already verified by the front worker); with
    /// `absorb`, an anonymous visitor's record (profile and campaign state) merges into
    /// this member's first.
    SignIn {
        channel: ChannelId,
        visitor_id: VisitorId,
        member_id: String,
        change: ProfileChange,
        absorb: Option<Box<VisitorRecordV1>>,
    },
    /// New profile values from the site (`updateUser`) or a manager, checked against the
    /// channel's fields by the front worker.
    UpdateProfile {
        channel: ChannelId,
        visitor_id: VisitorId,
        change: ProfileChange,
    },
    /// The whole record (profile and campaign state), to merge it elsewhere.
    ReadRecord,
    /// Delete the customer everywhere: D1's rows and this object's state.
    Erase {
        channel: ChannelId,
        visitor_id: VisitorId,
    },
    /// After a merge into `into`: move D1's rows over and delete everything this holds.
    Forget {
        channel: ChannelId,
        visitor_id: VisitorId,
        into: VisitorId,
    },
    /// The widget asks for messages delivered since its last request.
    Messages {
        channel: ChannelId,
        visitor_id: VisitorId,
    },
    /// The site asks to show a campaign now.
    Show {
        channel: ChannelId,
        visitor_id: VisitorId,
        campaign: CampaignId,
        request: EventId,
    },
    /// Time passed (the cron found this visitor's wake-up due): release what is due.
    Tick {
        channel: ChannelId,
        visitor_id: VisitorId,
    },
    /// A one-time broadcast reaches this visitor (one of its fan-out batches).
    Broadcast {
        channel: ChannelId,
        visitor_id: VisitorId,
        campaign: CampaignId,
    },
}

/// What the request itself tells about the visitor (headers, Cloudflare's geolocation).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RequestFacts {
    pub user_agent: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub language: Option<String>,
}

/// Sends `call` to the object of (`channel`, `visitor`) and relays its answer.
pub async fn call(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    call: &VisitorCall,
) -> Result<Response, ApiError> {
    let (status, text) = send(env, channel, visitor, call).await?;
    Ok(http::json_text(status, text))
}

/// Sends `call` and reads a successful JSON answer.
pub async fn call_json<T: serde::de::DeserializeOwned>(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    call: &VisitorCall,
) -> Result<T, ApiError> {
    let (status, text) = send(env, channel, visitor, call).await?;
    if (400..500).contains(&status) {
        return Err(ApiError::Relayed { status, body: text });
    }
    if status != 200 {
        return Err(ApiError::Internal(format!("visitor object answered {status}: {text}")));
    }
    serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("visitor object answer: {e}")))
}

async fn send(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    call: &VisitorCall,
) -> Result<(u16, String), ApiError> {
    let stub = env.durable_object("VISITOR")?.id_from_name(&format!("{channel}/{visitor}"))?.get_stub()?;
    let body = serde_json::to_string(call).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
    let mut answer = stub.fetch_with_request(Request::new_with_init("https://visitor.internal/call", &init)?).await?;
    Ok((answer.status_code(), answer.text().await?))
}

#[durable_object]
pub struct Visitor {
    state: State,
    env: Env,
}

impl DurableObject for Visitor {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let call: VisitorCall = match req.json().await {
            Ok(call) => call,
            Err(err) => return Ok(ApiError::Internal(format!("visitor call: {err}")).response()),
        };
        Ok(self.run(call).await.unwrap_or_else(|err| err.response()))
    }

    /// The alarm set for the next due message: the same as the cron's `Tick`.
    async fn alarm(&self) -> worker::Result<Response> {
        let record: Option<VisitorRecordV1> = self.state.storage().get(RECORD_KEY).await?;
        let Some((channel, visitor_id)) = record
            .and_then(|r| r.key)
            .and_then(|(c, v)| Some((ChannelId::parse(&c).ok()?, VisitorId::parse(&v).ok()?)))
        else {
            return Response::ok("nothing to do");
        };
        Ok(self.run(VisitorCall::Tick { channel, visitor_id }).await.unwrap_or_else(|err| err.response()))
    }
}

impl Visitor {
    async fn run(&self, call: VisitorCall) -> Result<Response, ApiError> {
        let storage = self.state.storage();
        let env = self.env.clone();
        let served = self.state.block_concurrency_while(async move { Ok(serve(&storage, &env, call).await) }).await;
        match served {
            Ok(result) => result,
            Err(err) => Err(ApiError::from(err)),
        }
    }
}

/// The visitor's stored record, and what a call changes in it.
struct Live {
    state: VisitorState,
    profile: Profile,
    /// When the stored record's next message was due (to update the wake-up only on change).
    due_before: Option<Millis>,
}

impl Live {
    /// The record as stored, without the key (the reader merges it under its own).
    fn record_only(&self) -> VisitorRecordV1 {
        let mut record = VisitorRecordV1::from(&self.state);
        record.profile = Some(self.profile.clone());
        record
    }

    fn record(&self, channel: &ChannelId, visitor: &VisitorId) -> VisitorRecordV1 {
        let mut record = VisitorRecordV1::from(&self.state);
        record.profile = Some(self.profile.clone());
        record.key = Some((channel.as_str().to_owned(), visitor.as_str().to_owned()));
        record
    }
}

async fn serve(storage: &Storage, env: &Env, call: VisitorCall) -> Result<Response, ApiError> {
    let now = clock::now(env).await;
    let record: Option<VisitorRecordV1> = storage.get(RECORD_KEY).await?;
    let state = record.as_ref().map(VisitorState::from).unwrap_or_default();
    let due_before = state.next_due();
    let profile = record.and_then(|r| r.profile).unwrap_or_else(|| Profile::new(now));
    let mut live = Live { state, profile, due_before };
    match call {
        VisitorCall::Boot { channel, visitor_id } => {
            live.state.touch(now);
            let popups = advance(env, &channel, &visitor_id, &mut live, Vec::new(), Moment::Visit, now).await?.popups;
            save(env, storage, &channel, &visitor_id, &live).await?;
            let member = live.profile.member_id.is_some();
            let first_seen_at = live.state.first_seen_at.unwrap_or(now);
            Ok(http::json(200, &BootReply { visitor_id, member, first_seen_at, popups }))
        }
        VisitorCall::Messages { channel, visitor_id } => {
            live.state.touch(now);
            let popups = advance(env, &channel, &visitor_id, &mut live, Vec::new(), Moment::Visit, now).await?.popups;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(http::json(200, &MessagesReply { popups }))
        }
        VisitorCall::Tick { channel, visitor_id } => {
            advance(env, &channel, &visitor_id, &mut live, Vec::new(), Moment::Away, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(http::json(200, &serde_json::json!({ "ticked": true })))
        }
        VisitorCall::Broadcast { channel, visitor_id, campaign } => {
            let sent = broadcast(env, &channel, &visitor_id, &mut live, &campaign, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(http::json(200, &serde_json::json!({ "sent": sent })))
        }
        VisitorCall::Show { channel, visitor_id, campaign, request } => {
            let popups = show(env, &channel, &visitor_id, &mut live, &campaign, &request, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(http::json(200, &MessagesReply { popups }))
        }
        VisitorCall::SignIn { channel, visitor_id, member_id, change, absorb } => {
            if let Some(other) = absorb {
                if let Some(profile) = &other.profile {
                    live.profile.absorb(profile);
                }
                live.state.absorb(&VisitorState::from(&*other));
            }
            live.profile.sign_in(&member_id, &change, now).map_err(ApiError::conflict)?;
            let first_seen_at = live.profile.created_at;
            write_through(env, storage, &channel, &visitor_id, &live, now).await?;
            Ok(http::json(200, &BootReply { visitor_id, member: true, first_seen_at, popups: Vec::new() }))
        }
        VisitorCall::UpdateProfile { channel, visitor_id, change } => {
            live.profile.apply(&change, now).map_err(ApiError::conflict)?;
            write_through(env, storage, &channel, &visitor_id, &live, now).await?;
            Ok(http::json(200, &serde_json::json!({ "updated": true })))
        }
        VisitorCall::ReadRecord => Ok(http::json(200, &live.record_only())),
        VisitorCall::Erase { channel, visitor_id } => {
            let db = Db::open(env)?;
            store::customers::erase_customer(&db, &channel, visitor_id.as_str()).await?;
            store::wakeups::set_wakeup(&db, &channel, &visitor_id, None).await?;
            storage.delete_all().await?;
            Ok(http::json(200, &serde_json::json!({ "deleted": visitor_id })))
        }
        VisitorCall::Forget { channel, visitor_id, into } => {
            let db = Db::open(env)?;
            store::customers::merge_customer_rows(&db, &channel, visitor_id.as_str(), into.as_str()).await?;
            store::wakeups::set_wakeup(&db, &channel, &visitor_id, None).await?;
            storage.delete_all().await?;
            Ok(http::json(200, &serde_json::json!({ "forgotten": visitor_id })))
        }
        VisitorCall::Events { channel, visitor_id, session_id, facts, events, leaving } => {
            observe(&mut live.profile, session_id.as_ref(), &facts, &events, now);
            let db = Db::open(env)?;
            let channel_doc = publication::channel(env, &channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
            store::customers::upsert_customer(&db, &channel, &visitor_id, &live.profile, channel_doc.offset_at(now))
                .await?;
            let moment = if leaving { Moment::Leaving } else { Moment::Visit };
            let reply = advance(env, &channel, &visitor_id, &mut live, events, moment, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(http::json(200, &reply))
        }
    }
}

/// Saves the record; a changed next due time moves the wake-up row and the alarm.
async fn save(
    env: &Env,
    storage: &Storage,
    channel: &ChannelId,
    visitor: &VisitorId,
    live: &Live,
) -> Result<(), ApiError> {
    let due = live.state.next_due();
    if due != live.due_before {
        store::wakeups::set_wakeup(&Db::open(env)?, channel, visitor, due).await?;
        match due {
            Some(at) => storage.set_alarm(clock::real_instant(env, at).await).await?,
            None => storage.delete_alarm().await?,
        }
    }
    storage.put(RECORD_KEY, live.record(channel, visitor)).await?;
    Ok(())
}

/// Saves the record, after D1's customer row took the profile (so a failure leaves the
/// object as it was, and a retry redoes both).
async fn write_through(
    env: &Env,
    storage: &Storage,
    channel: &ChannelId,
    visitor_id: &VisitorId,
    live: &Live,
    now: Millis,
) -> Result<(), ApiError> {
    let offset = publication::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?.offset_at(now);
    store::customers::upsert_customer(&Db::open(env)?, channel, visitor_id, &live.profile, offset).await?;
    save(env, storage, channel, visitor_id, live).await
}

/// Applies what a batch tells about the visitor: one visit per page view (its URL and
/// referrer carry first-touch data), or one for the batch when it has no page view.
fn observe(profile: &mut Profile, session: Option<&SessionId>, facts: &RequestFacts, events: &[EventIn], now: i64) {
    let visit = |page_url, referrer| Visit {
        now,
        session_id: session.map(SessionId::as_str),
        user_agent: facts.user_agent.as_deref(),
        country: facts.country.as_deref(),
        city: facts.city.as_deref(),
        language: facts.language.as_deref(),
        page_url,
        referrer,
    };
    let text = |event: &EventIn, key: &str| match event.properties.get(key) {
        Some(PropertyValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let pages: Vec<(Option<String>, Option<String>)> =
        events.iter().filter(|e| e.name == PAGE_VIEW).map(|e| (text(e, "url"), text(e, "referrer"))).collect();
    if pages.is_empty() {
        profile.observe(&visit(None, None));
    }
    for (url, referrer) in &pages {
        profile.observe(&visit(url.as_deref(), referrer.as_deref()));
    }
}

/// Whether the visitor is on the site for this call (a request from the widget, which
/// shows the pending messages it answers), leaving it (a `pagehide` beacon: messages wait
/// for the next page), or the call came from the cron or an alarm (messages may go by
/// email or SMS instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Visit,
    Leaving,
    Away,
}

/// Runs the engine over `events` (or, with none, over the passing of time), records the
/// deliveries and goals in D1, and hands a visiting page its pending messages.
async fn advance(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    live: &mut Live,
    events: Vec<EventIn>,
    moment: Moment,
    now: Millis,
) -> Result<EventsReply, ApiError> {
    let channel = publication::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let set = publication::campaigns(env, channel_id, now).await?;
    let session = live.profile.recent_sessions.back().cloned();
    let mut reply = EventsReply::default();
    let mut deliveries = Vec::new();
    let mut goal_of: Vec<CampaignId> = Vec::new();
    let inputs: Vec<Option<Event>> = if events.is_empty() {
        vec![None]
    } else {
        events.into_iter().map(|e| Some(Event { id: e.id, name: e.name, properties: e.properties })).collect()
    };
    for event in &inputs {
        let input = event.as_ref().map_or(Input::Tick, Input::Event);
        let checks = audience_checks(&set, &live.state, input, now);
        let audience = audience::members(env, &set, &channel, visitor_id, &checks, now).await?;
        let ctx = Context { channel: &channel, session: session.as_deref(), now, audience: &audience };
        let outcome = step(&set, visitor_id, &mut live.state, input, &ctx);
        if event.is_some() {
            if outcome.fresh {
                reply.accepted += 1;
            } else {
                reply.duplicates += 1;
            }
        }
        deliveries.extend(outcome.deliveries);
        goal_of.extend(outcome.goal_of);
    }
    let db = Db::open(env)?;
    store::deliveries::insert_deliveries(&db, &channel, &deliveries).await?;
    goal_of.sort();
    goal_of.dedup();
    if !goal_of.is_empty() {
        for (delivery, goal) in
            store::deliveries::deliveries_awaiting_goal(&db, channel_id, visitor_id, &goal_of, now - WINDOW).await?
        {
            public::apply_action(&db, &channel, &delivery, goal.as_ref(), Action::Goal, now).await?;
        }
    }
    if moment == Moment::Away {
        reach_away(env, channel_id, visitor_id, live, &set, &deliveries, now).await?;
    }
    if moment == Moment::Visit {
        reply.popups = popups(&set, &mut live.state, now);
    }
    Ok(reply)
}

/// The visitor's pending messages, as the widget renders them.
fn popups(set: &CampaignSet, state: &mut VisitorState, now: Millis) -> Vec<Popup> {
    take_pending(set, state, now)
        .into_iter()
        .map(|(pending, campaign)| Popup::new(&pending.delivery, &campaign.id, &campaign.message))
        .collect()
}

/// Queues email or SMS for deliveries to a visitor who is not on the site, where the
/// campaign sends offline and the profile has the address: email first, and SMS when the
/// email may not go (opt-out, email status, no address in D1), checked when it is sent.
async fn send_offline(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    profile: &Profile,
    set: &CampaignSet,
    deliveries: &[(DeliveryId, CampaignId)],
) -> Result<(), ApiError> {
    for (delivery, campaign) in deliveries {
        let Some(campaign) = set.get(campaign) else { continue };
        let offline = campaign.offline;
        let (medium, then_sms) = if offline.email && profile.email.is_some() {
            (Medium::Email, offline.sms)
        } else if offline.sms && profile.mobile_number.is_some() {
            (Medium::Sms, false)
        } else {
            continue;
        };
        let job = SendJob {
            channel: channel.clone(),
            visitor: visitor.clone(),
            delivery: delivery.clone(),
            campaign: campaign.id.clone(),
            medium,
            respect_opt_out: offline.respect_opt_out,
            then_sms,
        };
        jobs::enqueue(env, &Job::Send(job)).await?;
    }
    Ok(())
}

/// Messages delivered without a page asking (a broadcast, a wait or window released by
/// the cron or alarm): to a visitor who is away they go by email or SMS at once (and wait
/// for the next visit); to one still counting as online they wait for the page, and are
/// checked again in five minutes in case the visitor had just left. Watched messages
/// whose check is due go out now if no page took them.
async fn reach_away(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    live: &mut Live,
    set: &CampaignSet,
    deliveries: &[Delivery],
    now: Millis,
) -> Result<(), ApiError> {
    let mut away: Vec<(DeliveryId, CampaignId)> = Vec::new();
    let online = live.state.is_online(now);
    for delivery in deliveries {
        if !online {
            away.push((delivery.id.clone(), delivery.campaign_id.clone()));
        } else if set.get(&delivery.campaign_id).is_some_and(|c| c.offline.email || c.offline.sms) {
            live.state.watch(&delivery.id, now);
        }
    }
    away.extend(deliver::away_checks(&mut live.state, now).into_iter().map(|p| (p.delivery, p.campaign)));
    send_offline(env, channel, visitor, &live.profile, set, &away).await
}

/// One broadcast reaches the visitor: on the site at once when online (the widget asks
/// for it), otherwise by email or SMS when the campaign allows, and on the next visit.
async fn broadcast(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    live: &mut Live,
    campaign_id: &CampaignId,
    now: Millis,
) -> Result<bool, ApiError> {
    let channel = publication::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let set = publication::campaigns(env, channel_id, now).await?;
    let Some(campaign) = set.get(campaign_id) else { return Ok(false) };
    let Some(delivery) = deliver::broadcast(campaign, visitor_id, &mut live.state, now) else { return Ok(false) };
    let deliveries = [delivery];
    store::deliveries::insert_deliveries(&Db::open(env)?, &channel, &deliveries).await?;
    reach_away(env, channel_id, visitor_id, live, &set, &deliveries, now).await?;
    Ok(true)
}

/// `Kizuna('showCampaign', id)`: the campaign now, if it is live and the visitor is in
/// its audience; answers the page's pending messages (the shown one among them).
async fn show(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    live: &mut Live,
    campaign_id: &CampaignId,
    request: &EventId,
    now: Millis,
) -> Result<Vec<Popup>, ApiError> {
    let channel = publication::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let set = publication::campaigns(env, channel_id, now).await?;
    let campaign = set.get(campaign_id).ok_or_else(|| ApiError::invalid("campaignId", "no such live campaign"))?;
    let checks: Vec<CampaignId> = campaign.audience.iter().map(|_| campaign_id.clone()).collect();
    let audience = audience::members(env, &set, &channel, visitor_id, &checks, now).await?;
    let ctx = Context { channel: &channel, session: None, now, audience: &audience };
    if let Some(delivery) = deliver::on_demand(campaign, visitor_id, &mut live.state, request, &ctx) {
        store::deliveries::insert_deliveries(&Db::open(env)?, &channel, &[delivery]).await?;
    }
    Ok(popups(&set, &mut live.state, now))
}

/// The cron: wakes visitors whose waiting message is due (each releases it itself; the
/// objects' alarms do the same between cron runs).
pub async fn wake_due(env: &Env, now: Millis) -> Result<(), ApiError> {
    for (channel, visitor_id) in store::wakeups::due_wakeups(&Db::open(env)?, now, 500).await? {
        let call = VisitorCall::Tick { channel: channel.clone(), visitor_id: visitor_id.clone() };
        // One visitor's failure must not hold back the others (it is tried again next run).
        if let Err(err) = call_json::<serde_json::Value>(env, &channel, &visitor_id, &call).await {
            worker::console_error!("waking {channel}/{visitor_id} failed: {err:?}");
        }
    }
    Ok(())
}
