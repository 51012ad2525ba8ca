//! The cron, every minute: wakes visitors whose waiting message is due (each releases it
//! itself; the objects' alarms do the same between cron runs), moves broadcasts and
//! restarts stalled bulk jobs. Each part fails alone.

use crate::error::ApiError;
use crate::services::broadcast;
use crate::services::bulk_jobs;
use crate::store;
use crate::store::Db;
use crate::visitor::{Ticked, VisitorCall};

use kizuna_shared::time::Millis;
use worker::Env;

/// The cron: wakes visitors whose waiting message is due (each releases it itself; the
/// objects' alarms do the same between cron runs).
pub async fn wake_due(env: &Env, now: Millis) -> Result<(), ApiError> {
    for (channel, visitor_id) in store::wakeups::due_wakeups(&Db::open(env)?, now, 500).await? {
        let call = VisitorCall::Tick { channel: channel.clone(), visitor_id: visitor_id.clone() };
        // One visitor's failure must not hold back the others (it is tried again next run).
        if let Err(err) = crate::visitor::call_json::<Ticked>(env, &channel, &visitor_id, &call).await {
            worker::console_error!("waking {channel}/{visitor_id} failed: {err:?}");
        }
    }
    Ok(())
}

/// One cron run: each part fails alone, logged, and is tried again next minute.
pub async fn run(env: &Env, now: Millis) {
    if let Err(err) = wake_due(env, now).await {
        worker::console_error!("waking due visitors failed: {err:?}");
    }
    if let Err(err) = broadcast::cron(env, now).await {
        worker::console_error!("moving broadcasts failed: {err:?}");
    }
    if let Err(err) = bulk_jobs::restart_stalled(env, now).await {
        worker::console_error!("restarting stalled jobs failed: {err:?}");
    }
    if let Err(err) = crate::services::downloads::exports::cron(env, now).await {
        worker::console_error!("moving exports or deleting their files failed: {err:?}");
    }
    if let Err(err) = crate::services::downloads::forget_old_entries(env, now).await {
        worker::console_error!("deleting year-old audit entries failed: {err:?}");
    }
}
