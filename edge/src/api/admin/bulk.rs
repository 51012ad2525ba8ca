//! Bulk actions on customers: `POST …/customers/bulk` starts a job (its first batch runs
//! before the answer) and `GET …/jobs/{id}` reports it. The batches run in
//! `services::bulk_jobs`.

use crate::auth::Caller;
use crate::env::new_id;
use crate::error::ApiError;
use crate::reply;
use crate::request;
use crate::services::audience::channel_schema;
use crate::services::audience::search_doc;
use crate::services::bulk_jobs::send_next;
use crate::services::bulk_jobs::step;
use crate::services::bulk_jobs::target_sql;
use crate::store;
use crate::store::Db;
use crate::store::StoreError;
use crate::store::bulk_jobs::JobRow;
use kizuna_shared::bulk::BulkTarget;
use kizuna_shared::bulk::JobState;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::permission::Action;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::BulkIn;
use kizuna_shared::wire::admin::JobOut;
use worker::Env;
use worker::Request;
use worker::Response;

/// `POST /admin/v1/channels/{channel}/customers/bulk`: 200 with the finished job, or 202
/// with a running one (poll `GET …/jobs/{id}`).
/// Clearing an unsubscribe flag undoes the customer's own choice, so only the roles the
/// permission table allows may.
pub async fn create(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let channel = caller.channel()?;
    let body: BulkIn = request::read_json(&mut req).await?;
    let change = body.change()?;
    for (flag, field) in
        [(body.unsubscribe_email, "unsubscribeEmail"), (body.unsubscribe_texting, "unsubscribeTexting")]
    {
        if flag == Some(false) {
            caller.may(Action::ClearUnsubscribe, field)?;
        }
    }
    let target = match body.ids()? {
        Some(ids) => BulkTarget::Ids(ids),
        None => {
            let (schema, _) = channel_schema(env, channel).await?;
            let doc =
                search_doc(env, channel, &schema, body.q.as_deref(), body.filter.as_ref(), body.segment.as_deref())
                    .await?;
            BulkTarget::Filter(doc)
        }
    };
    let db = Db::open(env)?;
    let total = store::customers::count_customers(&db, channel, &target_sql(env, channel, &target, now).await?).await?;
    let id = new_id("job_")?;
    store::bulk_jobs::insert_job(&db, channel, &id, &target, &change, total, now).await?;
    if step(env, &id, now).await? {
        send_next(env, &id).await?;
    }
    let job = store::bulk_jobs::job(&db, &id, Some(channel)).await?.ok_or(ApiError::NotFound("job"))?;
    let status = if job.state == JobState::Running { 202 } else { 200 };
    Ok(reply::json(status, &job_out(&job)?))
}

/// `GET /admin/v1/channels/{channel}/jobs/{id}`
pub async fn status(env: &Env, channel: &ChannelId, id: &str) -> Result<Response, ApiError> {
    let job = store::bulk_jobs::job(&Db::open(env)?, id, Some(channel)).await?.ok_or(ApiError::NotFound("job"))?;
    Ok(reply::json(200, &job_out(&job)?))
}

/// A stored job as the admin API shows it.
fn job_out(job: &JobRow) -> Result<JobOut, ApiError> {
    Ok(JobOut {
        id: job.id.clone(),
        state: job.state,
        total: job.total,
        processed: job.processed,
        changed: job.changed,
        batches: job.batches,
        change: serde_json::from_str(&job.change)
            .map_err(|e| StoreError::Corrupt { what: "job change", detail: e.to_string() })?,
        created_at: job.created_at,
        updated_at: job.updated_at,
        finished_at: job.finished_at,
        error: job.error.clone(),
    })
}
