//! The `JOBS` queue's one message type, and sending to it (a leaf: the consumer that
//! runs messages is `consumer.rs`).

use crate::error::ApiError;
use crate::services::send::SendJob;
use serde::Deserialize;
use serde::Serialize;
use worker::Env;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "camelCase")]
pub enum Job {
    /// The next batch of a bulk action.
    Bulk { id: String },
    /// The next batch of a broadcast's fan-out.
    Broadcast { campaign: String },
    /// One email or SMS.
    Send(SendJob),
    /// The next file of a customer export (`services::downloads::exports`).
    Export { id: String },
}

pub async fn enqueue(env: &Env, job: &Job) -> Result<(), ApiError> {
    env.queue("JOBS")?.send(job).await?;
    Ok(())
}
