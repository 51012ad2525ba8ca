//! The `JOBS` queue: every piece of work that runs in the background, one message each.
//!
//! Invariant: every consumer is idempotent (a batch moves its cursor by compare-and-set,
//! a broadcast delivery derives its id and is recorded once per visitor, an email or SMS
//! is claimed per delivery and medium before it is sent), so the queue's at-least-once
//! delivery never sends or counts anything twice.

use crate::error::ApiError;
use crate::services::broadcast;
use crate::services::bulk_jobs;
use crate::services::jobs::Job;
use crate::services::jobs::enqueue;
use crate::services::send as outbound;
use crate::services::send::Medium;
use crate::services::send::SendJob;
use crate::services::send::SendOutcome;
use kizuna_shared::time::Millis;
use worker::Env;
use worker::MessageBatch;
use worker::MessageExt;

/// Runs each message; a failed one is retried by the queue.
pub async fn consume(batch: MessageBatch<Job>, env: &Env, now: Millis) -> Result<(), ApiError> {
    for message in batch.messages()? {
        let outcome = match message.body() {
            Job::Bulk { id } => bulk_jobs::run(env, id, now).await,
            Job::Broadcast { campaign } => broadcast::run(env, campaign, now).await,
            Job::Send(job) => send(env, job, now).await,
            Job::Export { id } => crate::services::downloads::exports::run(env, id, now).await,
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(err) => {
                worker::console_error!("job {:?}: {err:?}; the queue retries it", message.body());
                message.retry();
            }
        }
    }
    Ok(())
}

/// Sends one message; an email that may not go is followed by the SMS when asked.
pub(crate) async fn send(env: &Env, job: &SendJob, now: Millis) -> Result<(), ApiError> {
    let outcome = outbound::send(env, job, now).await?;
    if let SendOutcome::Skipped(reason) = outcome
        && kizuna_shared::outbound::sms_after(job.medium, job.then_sms, reason)
    {
        let sms = SendJob { medium: Medium::Sms, then_sms: false, ..job.clone() };
        enqueue(env, &Job::Send(sms)).await?;
    }
    Ok(())
}
