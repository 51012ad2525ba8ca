//! Kizuna's Cloudflare Worker: a thin shell around `kizuna-shared`.
//!
//! It reads its inputs once (request, clock, KV, the visitor's Durable Object, D1), asks
//! the core what to do, and carries out the effects. Routes:
//! `GET /healthz`, `GET /openapi.json`, `GET /widget.js` and `/widget.wasm`, `POST /v1/boot`,
//! `POST /v1/events`, `POST /v1/deliveries/{id}/view` and `/click`,
//! `GET /admin/v1/campaigns/{id}/stats`, the email/SMS tracking links `/t/{token}/…` and
//! `POST /v1/webhooks/email`, and the static files of `www/`.

mod admin;
mod admin_campaigns;
mod admin_fields;
mod audience;
mod broadcast;
mod bulk;
mod clock;
mod db;
mod error;
#[cfg(test)]
mod golden;
mod http;
mod jobs;
mod outbound;
mod public;
mod publication;
mod static_files;
mod tracking;
mod visitor;

use error::ApiError;
use kizuna_shared::counting::Action;
pub use visitor::Visitor;
use worker::{Context, Env, Method, Request, Response, event};

/// The OpenAPI document of every route below, served at `GET /openapi.json`.
const OPENAPI: &str = include_str!("../openapi.json");

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Ok(route(req, &env).await.unwrap_or_else(|err| err.response()))
}

/// The `JOBS` queue: bulk-action batches, broadcast fan-out batches, emails and SMS.
#[event(queue)]
async fn queue(batch: worker::MessageBatch<jobs::Job>, env: Env, _ctx: Context) -> worker::Result<()> {
    let now = clock::now(&env).await;
    if let Err(err) = jobs::consume(batch, &env, now).await {
        worker::console_error!("queue messages unreadable: {err:?}");
    }
    Ok(())
}

/// Cron, every minute: wakes visitors whose waiting message is due, starts broadcasts
/// whose send time came, restarts stalled bulk jobs and broadcasts.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = clock::now(&env).await;
    if let Err(err) = visitor::wake_due(&env, now).await {
        worker::console_error!("waking due visitors failed: {err:?}");
    }
    if let Err(err) = broadcast::cron(&env, now).await {
        worker::console_error!("moving broadcasts failed: {err:?}");
    }
    if let Err(err) = bulk::restart_stalled(&env, now).await {
        worker::console_error!("restarting stalled jobs failed: {err:?}");
    }
}

async fn route(req: Request, env: &Env) -> Result<Response, ApiError> {
    let now = clock::now(env).await;
    let method = req.method();
    let path = req.path();
    let parts = http::segments(&path);
    match (method, parts.as_slice()) {
        (Method::Options, ["v1", ..]) => Ok(http::preflight()),
        (Method::Get, ["healthz"]) => {
            Ok(http::json(200, &serde_json::json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") })))
        }
        (Method::Get, ["openapi.json"]) => Ok(http::json_text(200, OPENAPI.to_owned())),
        (Method::Post, ["v1", "boot"]) => public::boot(req, env, now).await,
        (Method::Post, ["v1", "events"]) => public::events(req, env, now).await,
        (Method::Post, ["v1", "profile"]) => public::update_profile(req, env, now).await,
        (Method::Post, ["v1", "messages"]) => public::messages(req, env, now).await,
        (Method::Post, ["v1", "show"]) => public::show(req, env, now).await,
        (Method::Get | Method::Put, ["dev", "clock"]) => clock::handle(req, env).await,
        (Method::Get | Method::Patch, ["admin", "v1", "channels", channel]) => {
            admin_campaigns::channel_settings(req, env, now, channel).await
        }
        (Method::Get, ["admin", "v1", "campaigns", id, "broadcast"]) => {
            admin_campaigns::broadcast_status(req, env, id).await
        }
        (Method::Post, ["v1", "deliveries", id, "view"]) => public::action(req, env, now, id, Action::View).await,
        (Method::Post, ["v1", "deliveries", id, "click"]) => public::action(req, env, now, id, Action::Click).await,
        (Method::Post, ["v1", "webhooks", "email"]) => tracking::email_webhook(req, env).await,
        (Method::Get, ["t", token, "open.gif"]) => tracking::open_pixel(req, env, now, token).await,
        (Method::Get, ["t", token, "open"]) => tracking::open_page(req, env, now, token).await,
        (Method::Get, ["t", token, "click", button]) => tracking::click(req, env, now, token, button).await,
        (Method::Get | Method::Post, ["t", token, "unsubscribe"]) => tracking::unsubscribe(req, env, now, token).await,
        (Method::Get, ["admin", "v1", "campaigns", id, "stats"]) => admin::campaign_stats(req, env, now, id).await,
        (Method::Post, ["admin", "v1", "campaigns", id, command @ ("start" | "pause" | "stop")]) => {
            admin_campaigns::lifecycle(req, env, now, id, command).await
        }
        (Method::Get | Method::Put | Method::Delete, ["admin", "v1", "campaigns", id]) => {
            admin_campaigns::campaign(req, env, now, id).await
        }
        (Method::Get | Method::Post, ["admin", "v1", "channels", channel, "campaigns"]) => {
            admin_campaigns::campaigns(req, env, now, channel).await
        }
        (Method::Get, ["admin", "v1", "channels", channel, "customers"]) => {
            admin::list_customers(req, env, now, channel).await
        }
        (Method::Post, ["admin", "v1", "channels", channel, "customers"]) => {
            admin::create_customer(req, env, channel).await
        }
        (Method::Post, ["admin", "v1", "channels", channel, "customers", "search"]) => {
            admin::search_customers_body(req, env, now, channel).await
        }
        (Method::Post, ["admin", "v1", "channels", channel, "customers", "bulk"]) => {
            bulk::create(req, env, now, channel).await
        }
        (Method::Get, ["admin", "v1", "channels", channel, "jobs", id]) => bulk::status(req, env, channel, id).await,
        (Method::Get | Method::Patch | Method::Delete, ["admin", "v1", "channels", channel, "customers", id]) => {
            admin::customer(req, env, channel, id).await
        }
        (Method::Get | Method::Put, ["admin", "v1", "channels", channel, "identity-verification"]) => {
            admin::identity_verification(req, env, channel).await
        }
        (Method::Get, ["admin", "v1", "channels", channel, "mau"]) => {
            admin::monthly_active(req, env, now, channel).await
        }
        (Method::Get | Method::Post, ["admin", "v1", "channels", channel, "segments"]) => {
            admin::segments(req, env, now, channel).await
        }
        (Method::Get | Method::Patch | Method::Delete, ["admin", "v1", "channels", channel, "segments", id]) => {
            admin::segment(req, env, now, channel, id).await
        }
        (Method::Get | Method::Post, ["admin", "v1", "channels", channel, "fields"]) => {
            admin_fields::fields(req, env, channel).await
        }
        (Method::Put, ["admin", "v1", "channels", channel, "fields", "order"]) => {
            admin_fields::order(req, env, channel).await
        }
        (Method::Patch, ["admin", "v1", "channels", channel, "fields", key]) => {
            admin_fields::field(req, env, channel, key).await
        }
        (_, ["v1", ..]) | (_, ["admin", ..]) | (_, ["dev", ..]) => {
            if known_path(&parts) {
                Err(ApiError::MethodNotAllowed)
            } else {
                Err(ApiError::NotFound("route"))
            }
        }
        (Method::Get | Method::Head, _) => static_files::serve(req, env).await,
        _ => Err(ApiError::MethodNotAllowed),
    }
}

fn known_path(parts: &[&str]) -> bool {
    matches!(
        parts,
        ["v1", "boot"]
            | ["v1", "events"]
            | ["v1", "profile"]
            | ["v1", "messages"]
            | ["v1", "show"]
            | ["admin", "v1", "channels", _]
            | ["admin", "v1", "campaigns", _, "broadcast"]
            | ["v1", "deliveries", _, "view" | "click"]
            | ["v1", "webhooks", "email"]
            | ["admin", "v1", "campaigns", _, "stats" | "start" | "pause" | "stop"]
            | ["admin", "v1", "campaigns", _]
            | ["admin", "v1", "channels", _, "campaigns"]
            | ["admin", "v1", "channels", _, "customers"]
            | ["admin", "v1", "channels", _, "customers", "search"]
            | ["admin", "v1", "channels", _, "customers", _]
            | ["admin", "v1", "channels", _, "identity-verification"]
            | ["admin", "v1", "channels", _, "mau"]
            | ["admin", "v1", "channels", _, "segments"]
            | ["admin", "v1", "channels", _, "segments", _]
            | ["admin", "v1", "channels", _, "fields"]
            | ["admin", "v1", "channels", _, "fields", _]
            | ["admin", "v1", "channels", _, "jobs", _]
    )
}
