//! The public API the widget calls: boot, events, and what a visitor did with a message.
//! Every input is validated here, before any state is touched. Boot issues the visitor
//! id and token; every other route here runs for the visitor the token proved
//! (`auth::Access::Visitor`), whatever id the body claims.

use crate::api::Call;
use crate::auth::Caller;
use crate::clock;
use crate::env;
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
use kizuna_shared::deliver::MAX_UNREAD;
use kizuna_shared::event::check_event_name;
use kizuna_shared::event::{PAGE_VIEW, PropertyValue, check_url};
use kizuna_shared::identity;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::DeliveryId;
use kizuna_shared::ids::MemberId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::profile::ProfileChange;
use kizuna_shared::profile::Writer;
use kizuna_shared::profile::resolve;
use kizuna_shared::store::VisitorRecordV1;
use kizuna_shared::time::Millis;
use kizuna_shared::visitor_token;
use kizuna_shared::wire::public::ActionReply;
use kizuna_shared::wire::public::ActionRequest;
use kizuna_shared::wire::public::BootReply;
use kizuna_shared::wire::public::BootRequest;
use kizuna_shared::wire::public::EventBatch;
use kizuna_shared::wire::public::MAX_BATCH_EVENTS;
use kizuna_shared::wire::public::MAX_EVENT_BYTES;
use kizuna_shared::wire::public::MessagesReply;
use kizuna_shared::wire::public::MessagesRequest;
use kizuna_shared::wire::public::Popup;
use kizuna_shared::wire::public::PreviewRequest;
use kizuna_shared::wire::public::ProfileUpdate;
use kizuna_shared::wire::public::ReadReply;
use kizuna_shared::wire::public::ReadRequest;
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

/// `POST /v1/boot`: registers the visit, signs the visitor in when the site names a
/// member, and answers the visitor id to use and a fresh visitor token for it. The
/// visitor is the one the token proves; without a valid token (a first visit, an id a
/// browser kept from before tokens, an expired token, a visitor since deleted) the edge
/// issues a new id: it never adopts an id the browser chose.
pub async fn boot(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: BootRequest = request::read_json(&mut req).await?;
    let channel = require_channel(&req, env, &body.channel, now).await?;
    // Validated and kept whether or not the visitor signs in, as `updateUser` does. With
    // identity verification off, these values may not replace a trusted writer's.
    let mut change = resolve(&body.profile.unwrap_or_default(), &channel.fields, Writer::Site, "profile")?;
    change.verified = channel.identity.is_some();
    if let Some(member_id) = &body.member_id {
        MemberId::parse(member_id)?;
    }
    if let (Some(member_id), Some(secrets)) = (&body.member_id, &channel.identity) {
        let hash = body.member_hash.as_deref().unwrap_or_default();
        if !identity::verify(secrets, member_id, hash, now) {
            return Err(ApiError::Refused {
                field: "memberHash".into(),
                problem: "identity verification is on: a valid hash of memberId is required".into(),
            });
        }
    }
    let secret = env::required(env, "VISITOR_SECRET", "visitor tokens")?;
    let channel_id = body.channel.clone();
    let returning = match (body.visitor_id, body.token.as_deref()) {
        (Some(visitor), Some(token)) => {
            visitor_token::verify(secret.as_bytes(), &channel_id, &visitor, token, now).ok().map(|at| (visitor, at))
        }
        _ => None,
    };
    let mut reply = match body.member_id {
        None => visit(env, &channel_id, returning, change).await?,
        Some(member_id) => sign_in(env, &channel_id, returning, member_id, change).await?,
    };
    // Issued after the object answered, so a token of an unverified sign-in is never
    // older than the sign-in it came from (`Profile::unverified_sign_in_at`).
    let issued = clock::now(env).await.max(now);
    reply.token = Some(visitor_token::sign(secret.as_bytes(), &channel_id, &reply.visitor_id, issued));
    Ok(reply::json(200, &reply))
}

/// A new visitor id from the runtime's CSPRNG (`v_` and 32 hex digits).
fn new_visitor() -> Result<VisitorId, ApiError> {
    VisitorId::parse(&env::new_id("v_")?).map_err(|e| ApiError::Internal(e.to_string()))
}

/// An anonymous visit: the returning visitor's object when it still holds them, else a
/// new visitor; then the profile values the site sent, if any.
async fn visit(
    env: &Env,
    channel: &ChannelId,
    returning: Option<(VisitorId, Millis)>,
    change: ProfileChange,
) -> Result<BootReply, ApiError> {
    let mut booted = None;
    if let Some((visitor, issued)) = returning {
        let call =
            VisitorCall::Boot { channel: channel.clone(), visitor_id: visitor.clone(), token_issued_at: Some(issued) };
        match visitor::call_json::<BootReply>(env, channel, &visitor, &call).await {
            Ok(reply) => booted = Some(reply),
            // The visitor is gone (deleted, or merged into a member): a new one begins.
            Err(ApiError::Relayed { status: 401, .. }) => {}
            Err(err) => return Err(err),
        }
    }
    let reply = match booted {
        Some(reply) => reply,
        None => {
            let visitor = new_visitor()?;
            let call =
                VisitorCall::Boot { channel: channel.clone(), visitor_id: visitor.clone(), token_issued_at: None };
            visitor::call_json::<BootReply>(env, channel, &visitor, &call).await?
        }
    };
    if !change.is_empty() {
        let call = VisitorCall::UpdateProfile {
            channel: channel.clone(),
            visitor_id: reply.visitor_id.clone(),
            change,
            token_issued_at: None,
        };
        let _: visitor::Updated = visitor::call_json(env, channel, &reply.visitor_id, &call).await?;
    }
    Ok(reply)
}

/// The visitor signs in as `member_id` (already verified where the channel asks for it):
/// on the visitor the browser kept while its token holds, else on a new one.
async fn sign_in(
    env: &Env,
    channel_id: &ChannelId,
    returning: Option<(VisitorId, Millis)>,
    member_id: String,
    change: ProfileChange,
) -> Result<BootReply, ApiError> {
    if let Some((visitor, issued)) = returning {
        match sign_in_as(env, channel_id, visitor, Some(issued), member_id.clone(), change.clone()).await {
            // The kept visitor is gone (deleted, merged) or was shut down.
            Err(ApiError::Relayed { status: 401, .. }) => {}
            other => return other,
        }
    }
    sign_in_as(env, channel_id, new_visitor()?, None, member_id, change).await
}

async fn sign_in_as(
    env: &Env,
    channel_id: &ChannelId,
    visitor: VisitorId,
    token_issued_at: Option<Millis>,
    member_id: String,
    change: ProfileChange,
) -> Result<BootReply, ApiError> {
    let db = Db::open(env)?;
    match store::customers::customer_of_member(&db, channel_id, &member_id).await? {
        Some(existing) if existing != visitor.as_str() => {
            // The member already has a customer (another device): copy this visitor's
            // profile and campaign state into it first, then forget this visitor, so a
            // failure loses nothing.
            let existing = VisitorId::parse(&existing).map_err(|e| ApiError::Internal(e.to_string()))?;
            let other: VisitorRecordV1 =
                visitor::call_json(env, channel_id, &visitor, &VisitorCall::ReadRecord).await?;
            let absorb = VisitorCall::SignIn {
                channel: channel_id.clone(),
                visitor_id: existing.clone(),
                token_issued_at: None,
                member_id,
                change,
                absorb: Some(Box::new(other)),
            };
            let reply = visitor::call_json(env, channel_id, &existing.clone(), &absorb).await?;
            let forget =
                VisitorCall::Forget { channel: channel_id.clone(), visitor_id: visitor.clone(), into: existing };
            let _: visitor::Forgotten = visitor::call_json(env, channel_id, &visitor, &forget).await?;
            Ok(reply)
        }
        _ => {
            let sign_in = VisitorCall::SignIn {
                channel: channel_id.clone(),
                visitor_id: visitor.clone(),
                token_issued_at,
                member_id,
                change,
                absorb: None,
            };
            visitor::call_json(env, channel_id, &visitor, &sign_in).await
        }
    }
}

/// `POST /v1/profile`: the JS API's `updateUser`.
pub async fn update_profile(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (channel_id, visitor, issued) = who.visitor()?;
    let body: ProfileUpdate = request::parse_json(&c.body)?;
    let channel = require_channel(&c.req, &c.env, channel_id, c.now).await?;
    let mut change = resolve(&body.profile, &channel.fields, Writer::Site, "profile")?;
    change.verified = channel.identity.is_some();
    let call = VisitorCall::UpdateProfile {
        channel: channel_id.clone(),
        visitor_id: visitor.clone(),
        change,
        token_issued_at: Some(issued),
    };
    visitor::call(&c.env, channel_id, visitor, &call).await
}

pub async fn events(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (req, env, now) = (&c.req, &c.env, c.now);
    let token_issued_at = Some(who.visitor()?.2);
    let body: EventBatch = request::parse_json(&c.body)?;
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
    require_channel(req, env, &body.channel, now).await?;
    let page = body.events.iter().rev().filter(|e| e.name == PAGE_VIEW).find_map(|e| match e.properties.get("url") {
        Some(PropertyValue::Text(url)) => Some(url.clone()),
        _ => None,
    });
    let call = VisitorCall::Events {
        channel: body.channel.clone(),
        visitor_id: body.visitor_id.clone(),
        token_issued_at,
        session_id: body.session_id,
        facts: request_facts(req)?,
        events: body.events,
        leaving: body.leaving,
    };
    let answer = visitor::call(env, &body.channel, &body.visitor_id, &call).await?;
    if let Some(url) = page.filter(|_| answer.status_code() < 300) {
        crate::services::tag::page_viewed(env, &body.channel, &url, now).await;
    }
    Ok(answer)
}

/// `POST /v1/messages`: messages delivered to the visitor since the page last asked.
pub async fn messages(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (channel, visitor, issued) = who.visitor()?;
    let _: MessagesRequest = request::parse_json(&c.body)?;
    require_channel(&c.req, &c.env, channel, c.now).await?;
    let call =
        VisitorCall::Messages { channel: channel.clone(), visitor_id: visitor.clone(), token_issued_at: Some(issued) };
    visitor::call(&c.env, channel, visitor, &call).await
}

/// `POST /v1/shutdown`: `Kizuna('shutdown')`; the page forgets the visitor, and its token
/// (and every other issued to the visitor until now) is refused from now on.
pub async fn shutdown(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (channel, visitor, issued) = who.visitor()?;
    let _: MessagesRequest = request::parse_json(&c.body)?;
    require_channel(&c.req, &c.env, channel, c.now).await?;
    let call =
        VisitorCall::Shutdown { channel: channel.clone(), visitor_id: visitor.clone(), token_issued_at: Some(issued) };
    visitor::call(&c.env, channel, visitor, &call).await
}

/// `POST /v1/show`: the site shows a campaign on demand.
pub async fn show(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (channel, visitor, issued) = who.visitor()?;
    let body: ShowRequest = request::parse_json(&c.body)?;
    require_channel(&c.req, &c.env, channel, c.now).await?;
    let call = VisitorCall::Show {
        channel: channel.clone(),
        visitor_id: visitor.clone(),
        token_issued_at: Some(issued),
        campaign: body.campaign_id,
        request: body.request_id,
    };
    visitor::call(&c.env, channel, visitor, &call).await
}

/// `POST /v1/preview`: the page a "Try it on my site" link opened takes the link's
/// message, once; it answers as `/v1/messages` does. Nothing about it is counted: the
/// message is no delivery (`PREVIEW_DELIVERY`), and only a token of this channel works.
pub async fn preview(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (channel, _, _) = who.visitor()?;
    let body: PreviewRequest = request::parse_json(&c.body)?;
    if body.preview.is_empty() || body.preview.len() > 128 || !body.preview.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::invalid("preview", "must be the token of a preview link"));
    }
    require_channel(&c.req, &c.env, channel, c.now).await?;
    let db = Db::open(&c.env)?;
    match store::previews::take(&db, channel, &crate::auth::secret_hash(&body.preview), c.now).await? {
        store::previews::Taken::Popup(popup) => {
            let popup: Popup = serde_json::from_str(&popup).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(reply::json(200, &MessagesReply { popups: vec![popup], unread: None }))
        }
        store::previews::Taken::Gone => Err(ApiError::Gone {
            field: "preview".into(),
            problem: "this preview link was opened already or has expired; make a new one in the console".into(),
        }),
        store::previews::Taken::Unknown => Err(ApiError::UnknownToken {
            field: "preview".into(),
            problem: "no preview link of this channel has this token".into(),
        }),
    }
}

/// `POST /v1/read`: the launcher's "mark all read" for the unread messages it listed.
pub async fn read(c: Call, who: Caller) -> Result<Response, ApiError> {
    let (channel, visitor, issued) = who.visitor()?;
    let body: ReadRequest = request::parse_json(&c.body)?;
    if body.delivery_ids.len() > MAX_UNREAD {
        return Err(ApiError::invalid("deliveryIds", format!("at most {MAX_UNREAD} ids")));
    }
    let deliveries = body
        .delivery_ids
        .iter()
        .enumerate()
        .map(|(i, id)| DeliveryId::parse(id).map_err(|e| ApiError::invalid(format!("deliveryIds[{i}]"), e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    require_channel(&c.req, &c.env, channel, c.now).await?;
    let call = VisitorCall::Read {
        channel: channel.clone(),
        visitor_id: visitor.clone(),
        token_issued_at: Some(issued),
        deliveries,
    };
    visitor::call(&c.env, channel, visitor, &call).await
}

/// `POST /v1/deliveries/{id}/view` and `/click`: only the visitor the message was
/// delivered to (their token) may report it. A viewed message is no longer unread.
pub async fn action(c: Call, who: Caller, action: Action) -> Result<Response, ApiError> {
    let (channel_id, visitor, issued) = who.visitor()?;
    let id = DeliveryId::parse(c.params.get("id")).map_err(|e| ApiError::invalid("deliveryId", e.to_string()))?;
    let _: ActionRequest = request::parse_json(&c.body)?;
    let channel = require_channel(&c.req, &c.env, channel_id, c.now).await?;
    let db = Db::open(&c.env)?;
    let (delivery, goal) =
        store::deliveries::load_delivery(&db, channel_id, visitor, &id).await?.ok_or(ApiError::NotFound("delivery"))?;
    let counted = counting::apply_action(&db, &channel, &delivery, &goal, action, c.now).await?;
    let read = VisitorCall::Read {
        channel: channel_id.clone(),
        visitor_id: visitor.clone(),
        token_issued_at: Some(issued),
        deliveries: vec![id],
    };
    visitor::call_json::<ReadReply>(&c.env, channel_id, visitor, &read).await?;
    Ok(reply::json(200, &ActionReply { counted }))
}
