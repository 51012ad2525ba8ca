//! Account emails (invitations, password resets, email-change confirmations): sent
//! through the deployment's email provider when one is configured (`EMAIL_API_URL`, the
//! campaign email's request contract, `send::send_account_email`), and in development
//! (`KIZUNA_DEV_CLOCK=on`, the flag of `Access::Development`) also written to the
//! development outbox shown at `/dev/outbox`.
//!
//! Invariant: the outbox is written only in development; a deployed worker stores no
//! email. A provider failure is logged, not answered: the caller's change is made (an
//! invitation's link is also in its reply; a reset can be asked again).

use crate::clock;
use crate::error::ApiError;
use crate::services::send;
use crate::store::Db;
use crate::store::invitations;
use kizuna_shared::account_mail::AccountMail;
use kizuna_shared::time::Millis;
use worker::{Env, Request};

/// The origin links point at: `PUBLIC_URL`, else the request's own origin.
pub fn link_origin(env: &Env, req: &Request) -> Result<String, ApiError> {
    match send::public_url(env) {
        Some(url) => Ok(url),
        None => Ok(req.url()?.origin().ascii_serialization()),
    }
}

/// Sends `mail` (de-duplicated by the provider under `key`), and records it in the
/// development outbox where that exists.
pub async fn deliver(env: &Env, db: &Db, mail: &AccountMail, key: &str, now: Millis) -> Result<(), ApiError> {
    if clock::dev_clock_enabled(env) {
        invitations::record_outbox(db, mail, now).await?;
    }
    if let Err(err) = send::send_account_email(env, key, mail).await {
        worker::console_error!("account email to the provider failed: {err}");
    }
    Ok(())
}
