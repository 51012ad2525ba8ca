//! Bulk actions as jobs: the request checks the action, counts its target, stores the
//! job and runs its first batch at once (a small selection is done before the answer);
//! each further batch is one message on the `JOBS` queue, whose consumer runs it and
//! sends the next. A cron watchdog restarts a job whose chain of messages broke.
//!
//! Invariant: a batch starts from the job's stored cursor and moves it with a
//! compare-and-set (`store::bulk_jobs::apply_batch`), so a redelivered or duplicated message repeats
//! idempotent work at most and never counts twice; a chain whose move lost stops.

use crate::error::ApiError;
use crate::kv;
use crate::services::audience::channel_schema;
use crate::services::jobs;
use crate::services::jobs::Job;
use crate::store;
use crate::store::Db;
use kizuna_shared::bulk::BATCH;
use kizuna_shared::bulk::BulkChange;
use kizuna_shared::bulk::BulkTarget;
use kizuna_shared::bulk::JobState;
use kizuna_shared::filter::sql::SqlFilter;
use kizuna_shared::filter::sql::compile;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::MINUTE;
use kizuna_shared::time::Millis;
use worker::Env;

/// The job's customers as SQL: its ids, or its filter with the channel's fields of now,
/// evaluated at `evaluated_at` (the job's creation, the same for every batch).
pub(crate) async fn target_sql(
    env: &Env,
    channel: &ChannelId,
    target: &BulkTarget,
    evaluated_at: Millis,
) -> Result<SqlFilter, ApiError> {
    match target {
        BulkTarget::Ids(ids) => Ok(store::customers::ids_filter(ids)?),
        BulkTarget::Filter(doc) => {
            let (schema, _) = channel_schema(env, channel).await?;
            Ok(compile(&doc.to_filter(&schema, "filter")?, &schema, evaluated_at))
        }
    }
}

/// Runs the job's next batch; answers whether another batch should follow.
pub(crate) async fn step(env: &Env, id: &str, now: Millis) -> Result<bool, ApiError> {
    let db = Db::open(env)?;
    let Some(job) = store::bulk_jobs::job(&db, id, None).await? else { return Ok(false) };
    if job.state != JobState::Running {
        return Ok(false);
    }
    let channel = ChannelId::parse(&job.channel_id).map_err(|e| ApiError::Internal(e.to_string()))?;
    let target: BulkTarget = serde_json::from_str(&job.target).map_err(|e| ApiError::Internal(e.to_string()))?;
    let change: BulkChange = serde_json::from_str(&job.change).map_err(|e| ApiError::Internal(e.to_string()))?;
    let sql = match target_sql(env, &channel, &target, job.evaluated_at).await {
        Ok(sql) => sql,
        Err(ApiError::Invalid { field, problem }) => {
            // The channel's fields changed under the job (a field it filters on was hidden).
            store::bulk_jobs::fail(&db, id, &format!("{field}: {problem}"), now).await?;
            return Ok(false);
        }
        Err(other) => return Err(other),
    };
    let ids = store::customers::next_batch(&db, &channel, &sql, &job.cursor, BATCH).await?;
    let done = ids.len() < BATCH as usize;
    let channel_doc = kv::channel(env, &channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let month = channel_doc.day_of(now).month();
    let moved = store::bulk_jobs::apply_batch(&db, &job, &change, &ids, done, now, &month).await?;
    Ok(moved && !done)
}

pub(crate) async fn send_next(env: &Env, id: &str) -> Result<(), ApiError> {
    jobs::enqueue(env, &Job::Bulk { id: id.to_owned() }).await
}

/// One queue message: the job's next batch, then the message for the one after.
pub async fn run(env: &Env, id: &str, now: Millis) -> Result<(), ApiError> {
    if step(env, id, now).await? {
        send_next(env, id).await?;
    }
    Ok(())
}

/// The cron watchdog: restarts running jobs that have not moved for two minutes.
pub async fn restart_stalled(env: &Env, now: Millis) -> Result<(), ApiError> {
    for id in store::bulk_jobs::stalled_jobs(&Db::open(env)?, now - 2 * MINUTE).await? {
        worker::console_log!("restarting stalled bulk job {id}");
        send_next(env, &id).await?;
    }
    Ok(())
}
