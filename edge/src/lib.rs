//! Kizuna's Cloudflare Worker: a thin shell around `kizuna-shared`.
//!
//! It reads its inputs once (request, clock, KV, the visitor's Durable Object, D1), asks
//! the core what to do, and carries out the effects. The entries are here; the routes
//! are the table in `router.rs`.

mod admin;
mod admin_campaigns;
mod admin_fields;
mod audience;
mod auth;
mod broadcast;
mod bulk;
mod clock;
mod env;
mod error;
mod http;
mod jobs;
mod outbound;
mod public;
mod publication;
mod router;
mod static_files;
mod store;
mod tracking;
mod visitor;

pub use visitor::Visitor;
use worker::{Context, Env, Request, Response, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let now = clock::now(&env).await;
    Ok(router::route(req, env, now).await.unwrap_or_else(|err| err.response()))
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
