//! Kizuna's Cloudflare Worker: a thin shell around `kizuna-shared`.
//!
//! It reads its inputs once (request, clock, KV, the visitor's Durable Object, D1), asks
//! the core what to do, and carries out the effects. The entries are here; the routes
//! are the table in `router.rs`.

mod api;
mod auth;
mod clock;
mod env;
mod error;
#[cfg(test)]
mod golden;
mod kv;
mod object;
mod password;
mod reply;
mod request;
mod router;
mod services;
mod static_files;
mod store;
mod visitor;

pub use object::Visitor;
use worker::{Context, Env, Request, Response, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let now = clock::now(&env).await;
    Ok(router::route(req, env, now).await.unwrap_or_else(|err| err.response()))
}

/// The `JOBS` queue: bulk-action batches, broadcast fan-out batches, emails and SMS.
#[event(queue)]
async fn queue(batch: worker::MessageBatch<services::jobs::Job>, env: Env, _ctx: Context) -> worker::Result<()> {
    let now = clock::now(&env).await;
    if let Err(err) = services::consumer::consume(batch, &env, now).await {
        worker::console_error!("queue messages unreadable: {err:?}");
    }
    Ok(())
}

/// Cron, every minute: wakes visitors whose waiting message is due, starts broadcasts
/// whose send time came, restarts stalled bulk jobs and broadcasts.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = clock::now(&env).await;
    services::cron::run(&env, now).await;
}
