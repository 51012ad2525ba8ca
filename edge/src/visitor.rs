//! The visitor's Durable Object: the single writer of one visitor's live state.
//!
//! Invariant: calls for one visitor run one at a time (`block_concurrency_while`), and
//! the visitor record is saved only after D1 accepted what the call decided, so a call
//! that fails half-way is retried from the same state and derives the same delivery ids.

use crate::error::ApiError;
use crate::{db, http, now, public, publication};
use kizuna_shared::counting::{Action, WINDOW};
use kizuna_shared::deliver::{VisitorState, on_event};
use kizuna_shared::event::{Event, PAGE_VIEW, PropertyValue};
use kizuna_shared::fields::ProfileChange;
use kizuna_shared::ids::{CampaignId, ChannelId, SessionId, VisitorId};
use kizuna_shared::profile::{Profile, Visit};
use kizuna_shared::stored::VisitorRecordV1;
use kizuna_shared::wire::{BootReply, EventIn, EventsReply, Popup};
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
    },
    /// The visitor signed in as `member_id` (already verified by the front worker); with
    /// `absorb`, an anonymous visitor's profile merges into this member's first.
    SignIn {
        channel: ChannelId,
        visitor_id: VisitorId,
        member_id: String,
        change: ProfileChange,
        absorb: Option<Box<Profile>>,
    },
    /// New profile values from the site (`updateUser`) or a manager, checked against the
    /// channel's fields by the front worker.
    UpdateProfile {
        channel: ChannelId,
        visitor_id: VisitorId,
        change: ProfileChange,
    },
    /// The live profile, to merge it elsewhere.
    ReadProfile,
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
        let storage = self.state.storage();
        let env = self.env.clone();
        let served = self.state.block_concurrency_while(async move { Ok(serve(&storage, &env, call).await) }).await;
        Ok(match served {
            Ok(Ok(response)) => response,
            Ok(Err(err)) => err.response(),
            Err(err) => ApiError::from(err).response(),
        })
    }
}

async fn serve(storage: &Storage, env: &Env, call: VisitorCall) -> Result<Response, ApiError> {
    let now = now();
    let record: Option<VisitorRecordV1> = storage.get(RECORD_KEY).await?;
    let mut state = record.as_ref().map(VisitorState::from).unwrap_or_default();
    let mut profile = record.and_then(|r| r.profile).unwrap_or_else(|| Profile::new(now));
    let save = |state: &VisitorState, profile: Profile| {
        let mut record = VisitorRecordV1::from(state);
        record.profile = Some(profile);
        record
    };
    match call {
        VisitorCall::Boot { visitor_id, .. } => {
            state.touch(now);
            let member = profile.member_id.is_some();
            storage.put(RECORD_KEY, save(&state, profile)).await?;
            let first_seen_at = state.first_seen_at.unwrap_or(now);
            Ok(http::json(200, &BootReply { visitor_id, member, first_seen_at }))
        }
        VisitorCall::SignIn { channel, visitor_id, member_id, change, absorb } => {
            if let Some(other) = absorb {
                profile.absorb(&other);
            }
            profile.sign_in(&member_id, &change, now).map_err(ApiError::conflict)?;
            let first_seen_at = profile.created_at;
            write_through(env, storage, &channel, &visitor_id, save(&state, profile), now).await?;
            Ok(http::json(200, &BootReply { visitor_id, member: true, first_seen_at }))
        }
        VisitorCall::UpdateProfile { channel, visitor_id, change } => {
            profile.apply(&change, now).map_err(ApiError::conflict)?;
            write_through(env, storage, &channel, &visitor_id, save(&state, profile), now).await?;
            Ok(http::json(200, &serde_json::json!({ "updated": true })))
        }
        VisitorCall::ReadProfile => Ok(http::json(200, &profile)),
        VisitorCall::Erase { channel, visitor_id } => {
            db::erase_customer(&env.d1("DB")?, &channel, visitor_id.as_str()).await?;
            storage.delete_all().await?;
            Ok(http::json(200, &serde_json::json!({ "deleted": visitor_id })))
        }
        VisitorCall::Forget { channel, visitor_id, into } => {
            db::merge_customer_rows(&env.d1("DB")?, &channel, visitor_id.as_str(), into.as_str()).await?;
            storage.delete_all().await?;
            Ok(http::json(200, &serde_json::json!({ "forgotten": visitor_id })))
        }
        VisitorCall::Events { channel, visitor_id, session_id, facts, events } => {
            observe(&mut profile, session_id.as_ref(), &facts, &events, now);
            let db = env.d1("DB")?;
            db::upsert_customer(&db, &channel, &visitor_id, &profile, offset(env, &channel, now).await?).await?;
            let reply = on_events(env, &channel, &visitor_id, &mut state, events, now).await?;
            storage.put(RECORD_KEY, save(&state, profile)).await?;
            Ok(http::json(200, &reply))
        }
    }
}

/// Saves the record, after D1's customer row took the profile (so a failure leaves the
/// object as it was, and a retry redoes both).
async fn write_through(
    env: &Env,
    storage: &Storage,
    channel: &ChannelId,
    visitor_id: &VisitorId,
    record: VisitorRecordV1,
    now: i64,
) -> Result<(), ApiError> {
    if let Some(profile) = &record.profile {
        db::upsert_customer(&env.d1("DB")?, channel, visitor_id, profile, offset(env, channel, now).await?).await?;
    }
    storage.put(RECORD_KEY, record).await?;
    Ok(())
}

/// The channel's clock (minutes east of UTC), for MAU months.
async fn offset(env: &Env, channel: &ChannelId, now: i64) -> Result<i32, ApiError> {
    let channel = publication::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
    Ok(channel.utc_offset_minutes)
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

async fn on_events(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    state: &mut VisitorState,
    events: Vec<EventIn>,
    now: i64,
) -> Result<EventsReply, ApiError> {
    let channel = publication::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let campaigns = publication::campaigns(env, channel_id, now).await?;
    let mut reply = EventsReply::default();
    let mut deliveries = Vec::new();
    let mut goal_of: Vec<CampaignId> = Vec::new();
    for event in events {
        let event = Event { id: event.id, name: event.name, properties: event.properties };
        let outcome = on_event(&campaigns, visitor_id, state, &event, now);
        if outcome.fresh {
            reply.accepted += 1;
        } else {
            reply.duplicates += 1;
        }
        deliveries.extend(outcome.deliveries);
        goal_of.extend(outcome.goal_of);
    }
    let db = env.d1("DB")?;
    db::insert_deliveries(&db, channel_id, &deliveries, channel.utc_offset_minutes).await?;
    goal_of.sort();
    goal_of.dedup();
    if !goal_of.is_empty() {
        for (delivery, goal) in
            db::deliveries_awaiting_goal(&db, channel_id, visitor_id, &goal_of, now - WINDOW).await?
        {
            public::apply_action(&db, &channel, &delivery, goal.as_ref(), Action::Goal, now).await?;
        }
    }
    reply.popups = deliveries
        .iter()
        .filter_map(|d| campaigns.iter().find(|c| c.id == d.campaign_id).map(|c| Popup::new(d, &c.message)))
        .collect();
    Ok(reply)
}
