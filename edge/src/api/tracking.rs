//! The links inside emails and SMS (`/t/{token}/…`: open pixel, clicks, the SMS open
//! page, unsubscribe) and the email provider's delivery-status webhook.
//!
//! Invariants: only a token this worker signed reaches storage (anything else is a 404);
//! a click redirects only to a button of the delivery's campaign, never to a URL from
//! the request; views and clicks go through the same counting path as the widget's
//! (`services::counting::apply_action`), so they count once, within the 7-day window.

use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::request;
use crate::services::counting;
use crate::services::send::public_url;
use crate::services::send::tracking_key;
use crate::store;
use crate::store::Db;
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::Action;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::DeliveryId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::outbound as core;
use kizuna_shared::outbound::Medium;
use kizuna_shared::outbound::Tracking;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::webhook::EmailWebhook;
use std::rc::Rc;
use worker::Env;
use worker::Headers;
use worker::Request;
use worker::Response;

/// A transparent 1×1 GIF.
const PIXEL: [u8; 42] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x01, 0x44, 0x00, 0x3b,
];

/// What a valid token leads to.
struct Tracked {
    token: String,
    delivery: DeliveryId,
    medium: Medium,
    channel: ChannelId,
    visitor: VisitorId,
    campaign: CampaignId,
}

/// The delivery a token names; 404 for a token this worker did not sign, `None` for a
/// delivery that no longer exists (its customer was deleted).
async fn tracked(env: &Env, token: &str) -> Result<Option<Tracked>, ApiError> {
    let (delivery, medium) = tracking_key(env)?.verify(token).ok_or(ApiError::NotFound("token"))?;
    let db = Db::open(env)?;
    Ok(store::deliveries::delivery_owner(&db, &delivery).await?.map(|(channel, visitor, campaign)| Tracked {
        token: token.to_owned(),
        delivery,
        medium,
        channel,
        visitor,
        campaign,
    }))
}

async fn channel_of(env: &Env, id: &ChannelId, now: Millis) -> Result<Rc<Channel>, ApiError> {
    kv::channel(env, id, now).await?.ok_or(ApiError::NotFound("channel"))
}

/// Counts a view or click of the tracked delivery, within the channel's per-client rate
/// limit. Failures are logged, never shown: the reader still gets the pixel, the page or
/// the redirect.
async fn count(req: &Request, env: &Env, t: &Tracked, action: Action, now: Millis) {
    let counted = async {
        let client = req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| "unknown".to_owned());
        let outcome = env.rate_limiter("PUBLIC_LIMIT")?.limit(format!("{}/{client}", t.channel)).await?;
        if !outcome.success {
            return Ok(());
        }
        let channel = channel_of(env, &t.channel, now).await?;
        let db = Db::open(env)?;
        if let Some((delivery, goal)) =
            store::deliveries::load_delivery(&db, &t.channel, &t.visitor, &t.delivery).await?
        {
            counting::apply_action(&db, &channel, &delivery, &goal, action, now).await?;
        }
        Ok::<_, ApiError>(())
    };
    if let Err(err) = counted.await {
        worker::console_error!("tracking {action:?} of {} not counted: {err}", t.delivery);
    }
}

fn no_store_headers(content_type: &str) -> Headers {
    let headers = Headers::new();
    // Infallible for these constant names and values.
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", "no-store, no-cache, must-revalidate, private");
    let _ = headers.set("referrer-policy", "no-referrer");
    headers
}

/// A page of ours: no script may run, forms post only back here.
fn html(status: u16, page: String) -> Response {
    let headers = no_store_headers("text/html; charset=utf-8");
    let _ = headers.set(
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    );
    Response::builder().with_status(status).with_headers(headers).fixed(page.into_bytes())
}

/// The message's campaign, for its links and pages.
async fn message(env: &Env, t: &Tracked) -> Result<core::CampaignMessage, ApiError> {
    let db = Db::open(env)?;
    store::campaigns::campaign_message(&db, &t.channel, &t.campaign, &t.visitor)
        .await?
        .ok_or(ApiError::NotFound("campaign"))
}

/// The base of button paths: `PUBLIC_URL`, else the origin this request came to.
fn site_base(req: &Request, env: &Env) -> Result<String, ApiError> {
    match public_url(env) {
        Some(url) => Ok(url),
        None => Ok(req.url()?.origin().ascii_serialization()),
    }
}

/// `GET /t/{token}/open.gif`: the email was opened (when the client loads images).
/// Anything but a forged token gets the pixel, counted or not.
pub async fn open_pixel(req: Request, env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    tracking_key(env)?.verify(token).ok_or(ApiError::NotFound("token"))?;
    match tracked(env, token).await {
        Ok(Some(t)) => count(&req, env, &t, Action::View, now).await,
        Ok(None) => {}
        Err(err) => worker::console_error!("open pixel not counted: {err}"),
    }
    Ok(Response::builder().with_status(200).with_headers(no_store_headers("image/gif")).fixed(PIXEL.to_vec()))
}

/// `GET /t/{token}/click/{i}`: a button was clicked; redirects to the button's URL.
pub async fn click(req: Request, env: &Env, now: Millis, token: &str, button: &str) -> Result<Response, ApiError> {
    let t = tracked(env, token).await?.ok_or(ApiError::NotFound("delivery"))?;
    let index: usize = button.parse().map_err(|_| ApiError::NotFound("button"))?;
    let target =
        message(env, &t).await?.button_target(index, &site_base(&req, env)?).ok_or(ApiError::NotFound("button"))?;
    let location = worker::Url::parse(&target).map_err(|_| ApiError::NotFound("button"))?;
    count(&req, env, &t, Action::Click, now).await;
    let headers = no_store_headers("text/plain; charset=utf-8");
    let _ = headers.set("location", location.as_str());
    Ok(Response::builder().with_status(302).with_headers(headers).empty())
}

/// `GET /t/{token}/open`: an SMS's link when the message has no button. Opening it is
/// the view; the page shows the message.
pub async fn open_page(req: Request, env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    let t = tracked(env, token).await?.ok_or(ApiError::NotFound("delivery"))?;
    let message = message(env, &t).await?;
    count(&req, env, &t, Action::View, now).await;
    let links = Tracking::new(&site_base(&req, env)?, &t.token);
    Ok(html(200, core::message_page(&message, &links)))
}

/// `GET /t/{token}/unsubscribe` shows a confirmation form; `POST` (the form, or a mail
/// client's RFC 8058 one-click `List-Unsubscribe=One-Click`) sets the customer's
/// unsubscribe flag of the token's medium.
pub async fn unsubscribe(mut req: Request, env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    let t = tracked(env, token).await?.ok_or(ApiError::NotFound("delivery"))?;
    let channel = channel_of(env, &t.channel, now).await?;
    if req.method() != worker::Method::Post {
        return Ok(html(200, core::unsubscribe_page(&channel.name, t.medium)));
    }
    // Whatever the body says (the form's field, one-click's, or nothing), a POST to a
    // signed link is the customer's request.
    let _ = req.bytes().await;
    let db = Db::open(env)?;
    let month = channel.day_of(now).month();
    store::customers::unsubscribe(&db, &t.channel, &t.visitor, t.medium, now, &month).await?;
    Ok(html(200, core::unsubscribed_page(&channel.name, t.medium)))
}

/// `POST /v1/webhooks/email`: the email provider reports addresses' delivery statuses
/// (the route's access, `auth::Access::EmailProvider`, checked its secret).
pub async fn email_webhook(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let body: EmailWebhook = request::read_json(&mut req).await?;
    body.check()?;
    let events: Vec<_> =
        body.events.into_iter().map(|e| (e.channel, e.email.trim().to_owned(), e.status.email_status())).collect();
    let db = Db::open(env)?;
    let updated = store::customers::set_email_status(&db, &events).await?;
    Ok(reply::json(200, &serde_json::json!({ "received": events.len(), "updated": updated })))
}
