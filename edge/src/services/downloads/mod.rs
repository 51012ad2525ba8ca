//! Downloads (issue 13; seeds 000, 003, 004): who may download, the audit log every
//! attempt is written to, and the files: a campaign's results workbook (`results`), a
//! customer export run as a queue job (`exports`); one customer's data is written in
//! `api::admin::downloads`.
//!
//! Invariant: every download route runs [`guard`] first. Only a signed-in owner passes;
//! anyone else is answered 403 after the attempt is logged as denied, and nothing is
//! produced. A download that passes is logged before its file is answered, so no file
//! leaves without its entry. The password is checked, used and dropped; only an export
//! keeps it, sealed (`services::seal`).

pub mod exports;
pub mod files;
pub mod results;
pub mod rows;

use crate::auth::Caller;
use crate::env::new_id;
use crate::error::ApiError;
use crate::store;
use crate::store::Db;
use crate::store::downloads::NewAudit;
use kizuna_shared::channel::Role;
use kizuna_shared::download::{AuditAction, FileKind, KEEP_AUDIT, check_password, check_reason};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::permission::Action;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::downloads::{AuditSearch, DownloadIn};
use worker::{Env, Request};

/// Who downloads, as the log keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
}

/// What one download is about, for its audit entry.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub campaign_id: Option<String>,
    pub customer_id: Option<String>,
    pub export_id: Option<String>,
    pub search: Option<AuditSearch>,
    pub columns: Option<Vec<String>>,
    pub rows: Option<u64>,
    pub file_kind: Option<FileKind>,
}

/// A request that passed the guard: its actor, client address and checked reason.
pub struct Allowed {
    pub actor: Actor,
    pub ip: Option<String>,
    pub channel: ChannelId,
}

async fn actor(db: &Db, caller: &Caller) -> Result<Actor, ApiError> {
    match caller.acting_account() {
        Some(id) => {
            let account = store::accounts::account(db, id).await?;
            Ok(Actor {
                account_id: Some(id.to_owned()),
                name: account.as_ref().map_or_else(|| id.to_owned(), |a| a.name.clone()),
                email: account.map(|a| a.email),
            })
        }
        None => Ok(Actor { account_id: None, name: "channel API token".to_owned(), email: None }),
    }
}

fn client_ip(req: &Request) -> Option<String> {
    req.headers().get("cf-connecting-ip").ok().flatten().map(|ip| ip.chars().take(64).collect())
}

/// Writes one audit entry.
pub async fn log(
    db: &Db,
    allowed: &Allowed,
    action: AuditAction,
    ok: bool,
    reason: &str,
    subject: &Subject,
    now: Millis,
) -> Result<(), ApiError> {
    let id = new_id("aud_")?;
    let search = subject
        .search
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::Internal(format!("audit search: {e}")))?;
    let columns = subject
        .columns
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::Internal(format!("audit columns: {e}")))?;
    let entry = NewAudit {
        id: &id,
        channel: &allowed.channel,
        at: now,
        actor_account_id: allowed.actor.account_id.as_deref(),
        actor_name: &allowed.actor.name,
        actor_email: allowed.actor.email.as_deref(),
        action: action.as_str(),
        allowed: ok,
        campaign_id: subject.campaign_id.as_deref(),
        customer_id: subject.customer_id.as_deref(),
        export_id: subject.export_id.as_deref(),
        search: search.as_deref(),
        columns: columns.as_deref(),
        rows: subject.rows.map(|r| i64::try_from(r).unwrap_or(i64::MAX)),
        file_kind: subject.file_kind.map(FileKind::as_str),
        reason,
        ip: allowed.ip.as_deref(),
    };
    store::downloads::insert_audit(db, &entry).await?;
    Ok(())
}

/// The first step of every download: a signed-in owner passes; anyone else's attempt is
/// logged as denied (with the reason it gave, cut to 500 characters) and answered 403
/// naming `role` (or `token` for a channel's API token, which acts for no account).
pub async fn guard(
    db: &Db,
    req: &Request,
    caller: &Caller,
    action: AuditAction,
    reason: &str,
    subject: &Subject,
    now: Millis,
) -> Result<Allowed, ApiError> {
    let allowed = Allowed { actor: actor(db, caller).await?, ip: client_ip(req), channel: caller.channel()?.clone() };
    let refusal = match caller {
        Caller::Manager { account: None, .. } => Some(ApiError::Refused {
            field: "token".into(),
            problem: "downloads are for signed-in owners; a channel's API token acts for no account".into(),
        }),
        Caller::Manager { role, .. } if !Action::Download.allowed(*role) || *role != Role::Owner => {
            Some(ApiError::ForbiddenField { field: "role".into(), problem: "only owners may download".into() })
        }
        _ => None,
    };
    if let Some(refusal) = refusal {
        let reason: String = reason.trim().chars().take(500).collect();
        log(db, &allowed, action, false, &reason, subject, now).await?;
        return Err(refusal);
    }
    Ok(allowed)
}

/// A download's checked reason and password.
pub fn checked(body: &DownloadIn) -> Result<String, ApiError> {
    let reason = check_reason(&body.reason)?;
    check_password(&body.password)?;
    Ok(reason)
}

/// The cron: deletes audit entries older than one year (a bounded number a run).
pub async fn forget_old_entries(env: &Env, now: Millis) -> Result<(), ApiError> {
    let deleted = store::downloads::delete_old_audit(&Db::open(env)?, now - KEEP_AUDIT, 5_000).await?;
    if deleted > 0 {
        worker::console_log!("deleted {deleted} audit entries older than a year");
    }
    Ok(())
}
