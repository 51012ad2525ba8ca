//! The public API the widget calls: boot, events, and what a visitor did with a message.
//! Every input is validated here, before any state is touched.

use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::request;
use crate::services::counting;
use crate::store;
use crate::store::Db;
use crate::visitor;
use crate::visitor::RequestFacts;
use crate::visitor::VisitorCall;
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::Action;
use kizuna_shared::event::check_event_name;
use kizuna_shared::event::check_url;
use kizuna_shared::identity;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::DeliveryId;
use kizuna_shared::ids::MemberId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::profile::Writer;
use kizuna_shared::profile::resolve;
use kizuna_shared::store::VisitorRecordV1;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::public::ActionReply;
use kizuna_shared::wire::public::ActionRequest;
use kizuna_shared::wire::public::BootRequest;
use kizuna_shared::wire::public::EventBatch;
use kizuna_shared::wire::public::MAX_BATCH_EVENTS;
use kizuna_shared::wire::public::MAX_EVENT_BYTES;
use kizuna_shared::wire::public::MessagesRequest;
use kizuna_shared::wire::public::ProfileUpdate;
use kizuna_shared::wire::public::ShowRequest;
use std::rc::Rc;
use worker::Env;
use worker::Request;
use worker::Response;

/// The channel of a public request, after the request passed the per-channel, per-client
/// rate limit (the client is the connecting IP Cloudflare reports).
async fn require_channel(req: &Request, env: &Env, id: &ChannelId, now: Millis) -> Result<Rc<Channel>, ApiError> {
    let client = req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| "unknown".to_owned());
    let outcome = env.rate_limiter("PUBLIC_LIMIT")?.limit(format!("{id}/{client}")).await?;
    if !outcome.success {
        return Err(ApiError::RateLimited);
    }
    kv::channel(env, id, now).await?.ok_or_else(|| ApiError::invalid("channel", "no such channel"))
}

/// The visitor's browser, place and language, as the request tells them.
fn request_facts(req: &Request) -> Result<RequestFacts, ApiError> {
    let headers = req.headers();
    let language = headers.get("accept-language")?.as_deref().and_then(request::first_language);
    let cf = req.cf();
    Ok(RequestFacts {
        user_agent: headers.get("user-agent")?,
        country: cf.and_then(|cf| cf.country()),
        city: cf.and_then(|cf| cf.city()),
        language,
    })
}

pub async fn boot(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: BootRequest = request::read_json(&mut req).await?;
    let channel = require_channel(&req, env, &body.channel, now).await?;
    let (channel_id, visitor) = (body.channel.clone(), body.visitor_id.clone());
    let Some(member_id) = body.member_id else {
        return visitor::call(
            env,
            &channel_id,
            &visitor,
            &VisitorCall::Boot { channel: channel_id.clone(), visitor_id: visitor.clone() },
        )
        .await;
    };
    MemberId::parse(&member_id)?;
    let change = resolve(&body.profile.unwrap_or_default(), &channel.fields, Writer::Site, "profile")?;
    if let Some(secrets) = &channel.identity {
        let hash = body.member_hash.as_deref().unwrap_or_default();
        if !identity::verify(secrets, &member_id, hash, now) {
            return Err(ApiError::Refused {
                field: "memberHash".into(),
                problem: "identity verification is on: a valid hash of memberId is required".into(),
            });
        }
    }
    let db = Db::open(env)?;
    match store::customers::customer_of_member(&db, &channel_id, &member_id).await? {
        Some(existing) if existing != visitor.as_str() => {
            // The member already has a customer (another device): copy this visitor's
            // profile and campaign state into it first, then forget this visitor, so a
            // failure loses nothing.
            let existing = VisitorId::parse(&existing).map_err(|e| ApiError::Internal(e.to_string()))?;
            let other: VisitorRecordV1 =
                visitor::call_json(env, &channel_id, &visitor, &VisitorCall::ReadRecord).await?;
            let absorb = VisitorCall::SignIn {
                channel: channel_id.clone(),
                visitor_id: existing.clone(),
                member_id,
                change,
                absorb: Some(Box::new(other)),
            };
            let reply = visitor::call(env, &channel_id, &existing.clone(), &absorb).await?;
            let forget =
                VisitorCall::Forget { channel: channel_id.clone(), visitor_id: visitor.clone(), into: existing };
            let _: visitor::Forgotten = visitor::call_json(env, &channel_id, &visitor, &forget).await?;
            Ok(reply)
        }
        _ => {
            let sign_in = VisitorCall::SignIn {
                channel: channel_id.clone(),
                visitor_id: visitor.clone(),
                member_id,
                change,
                absorb: None,
            };
            visitor::call(env, &channel_id, &visitor, &sign_in).await
        }
    }
}

/// `POST /v1/profile`: the JS API's `updateUser`.
pub async fn update_profile(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: ProfileUpdate = request::read_json(&mut req).await?;
    let channel = require_channel(&req, env, &body.channel, now).await?;
    let change = resolve(&body.profile, &channel.fields, Writer::Site, "profile")?;
    let call =
        VisitorCall::UpdateProfile { channel: body.channel.clone(), visitor_id: body.visitor_id.clone(), change };
    visitor::call(env, &body.channel, &body.visitor_id, &call).await
}

pub async fn events(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: EventBatch = request::read_json(&mut req).await?;
    if body.events.len() > MAX_BATCH_EVENTS {
        return Err(ApiError::TooMany { field: "events".into(), limit: MAX_BATCH_EVENTS });
    }
    for (i, event) in body.events.iter().enumerate() {
        check_event_name(&event.name).map_err(|problem| ApiError::invalid(format!("events[{i}].name"), problem))?;
        check_url(&event.properties)
            .map_err(|problem| ApiError::invalid(format!("events[{i}].properties.url"), problem))?;
        let size = serde_json::to_vec(event).map_or(usize::MAX, |bytes| bytes.len());
        if size > MAX_EVENT_BYTES {
            return Err(ApiError::TooLarge { field: format!("events[{i}]"), limit: MAX_EVENT_BYTES });
        }
    }
    require_channel(&req, env, &body.channel, now).await?;
    let call = VisitorCall::Events {
        channel: body.channel.clone(),
        visitor_id: body.visitor_id.clone(),
        session_id: body.session_id,
        facts: request_facts(&req)?,
        events: body.events,
        leaving: body.leaving,
    };
    visitor::call(env, &body.channel, &body.visitor_id, &call).await
}

/// `POST /v1/messages`: messages delivered to the visitor since the page last asked.
pub async fn messages(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: MessagesRequest = request::read_json(&mut req).await?;
    require_channel(&req, env, &body.channel, now).await?;
    let call = VisitorCall::Messages { channel: body.channel.clone(), visitor_id: body.visitor_id.clone() };
    visitor::call(env, &body.channel, &body.visitor_id, &call).await
}

/// `POST /v1/show`: the site shows a campaign on demand.
pub async fn show(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: ShowRequest = request::read_json(&mut req).await?;
    require_channel(&req, env, &body.channel, now).await?;
    let call = VisitorCall::Show {
        channel: body.channel.clone(),
        visitor_id: body.visitor_id.clone(),
        campaign: body.campaign_id,
        request: body.request_id,
    };
    visitor::call(env, &body.channel, &body.visitor_id, &call).await
}

pub async fn action(
    mut req: Request,
    env: &Env,
    now: Millis,
    delivery: &str,
    action: Action,
) -> Result<Response, ApiError> {
    let id = DeliveryId::parse(delivery).map_err(|e| ApiError::invalid("deliveryId", e.to_string()))?;
    let body: ActionRequest = request::read_json(&mut req).await?;
    let channel = require_channel(&req, env, &body.channel, now).await?;
    let db = Db::open(env)?;
    let (delivery, goal) = store::deliveries::load_delivery(&db, &body.channel, &body.visitor_id, &id)
        .await?
        .ok_or(ApiError::NotFound("delivery"))?;
    let counted = counting::apply_action(&db, &channel, &delivery, goal.as_ref(), action, now).await?;
    Ok(reply::json(200, &ActionReply { counted }))
}
