//! Downloads (issue 13): the audit log (`audit_log`), customer exports (`exports`,
//! `export_files`) and the times a campaign actually started and ended.
//!
//! Invariant: an audit entry is only ever inserted, and deleted by age; nothing updates
//! one. An export's sealed password is erased in the same statement that ends the job,
//! however it ends (done, failed, cancelled). A file is recorded with the job's move of
//! its cursor, by compare-and-set, so a repeated queue message writes no second row.

use super::{Executor, Statement, StoreError, flag, num, opt, opt_text, text};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// An audit entry as written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit<'a> {
    pub id: &'a str,
    pub channel: &'a ChannelId,
    pub at: Millis,
    pub actor_account_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub actor_email: Option<&'a str>,
    pub action: &'a str,
    pub allowed: bool,
    pub campaign_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub export_id: Option<&'a str>,
    /// JSON.
    pub search: Option<&'a str>,
    /// A JSON array.
    pub columns: Option<&'a str>,
    pub rows: Option<i64>,
    pub file_kind: Option<&'a str>,
    pub reason: &'a str,
    pub ip: Option<&'a str>,
}

/// An audit entry as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditRow {
    pub id: String,
    pub at: i64,
    pub actor_account_id: Option<String>,
    pub actor_name: String,
    pub actor_email: Option<String>,
    pub action: String,
    pub allowed: i64,
    pub campaign_id: Option<String>,
    pub customer_id: Option<String>,
    pub export_id: Option<String>,
    pub search: Option<String>,
    pub columns: Option<String>,
    pub rows: Option<i64>,
    pub file_kind: Option<String>,
    pub reason: String,
    pub ip: Option<String>,
}

/// Which entries an audit page lists: a person or everyone, a period `[from, to)`, and
/// where the previous page stopped (`at`, `id`), newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    pub before: Option<(Millis, String)>,
    pub limit: u32,
}

/// A new export job.
#[derive(Debug, Clone, PartialEq)]
pub struct NewExport<'a> {
    pub id: &'a str,
    pub channel: &'a ChannelId,
    pub requested_by: &'a str,
    pub requester_name: &'a str,
    pub requester_email: &'a str,
    pub reason: &'a str,
    pub format: &'a str,
    pub scope: &'a str,
    /// JSON, `None` for every customer.
    pub target: Option<&'a str>,
    /// A JSON array of column keys.
    pub columns: &'a str,
    pub sealed_password: &'a str,
    pub total: i64,
    pub now: Millis,
}

/// An export job as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct ExportRow {
    pub id: String,
    pub channel_id: String,
    pub requested_by: String,
    pub requester_name: String,
    pub requester_email: String,
    pub reason: String,
    pub format: String,
    pub scope: String,
    pub target: Option<String>,
    pub columns: String,
    pub evaluated_at: i64,
    pub sealed_password: Option<String>,
    pub state: String,
    pub cursor: String,
    pub total: i64,
    pub processed: i64,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// One finished file of an export.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExportFileRow {
    pub export_id: String,
    pub n: i64,
    pub rows: i64,
    pub bytes: i64,
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn insert_audit(entry: &NewAudit) -> Statement {
        Statement::new(
            "INSERT INTO audit_log (id, channel_id, at, actor_account_id, actor_name, actor_email, action, allowed,
               campaign_id, customer_id, export_id, search, columns, rows, file_kind, reason, ip)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            vec![
                text(entry.id),
                text(entry.channel.as_str()),
                num(entry.at),
                opt_text(entry.actor_account_id),
                text(entry.actor_name),
                opt_text(entry.actor_email),
                text(entry.action),
                flag(entry.allowed),
                opt_text(entry.campaign_id),
                opt_text(entry.customer_id),
                opt_text(entry.export_id),
                opt_text(entry.search),
                opt_text(entry.columns),
                opt(entry.rows),
                opt_text(entry.file_kind),
                text(entry.reason),
                opt_text(entry.ip),
            ],
        )
    }

    /// A page of the log, newest first; the index on (channel, [actor,] at, id) serves it.
    pub fn audit_page(channel: &ChannelId, query: &AuditQuery) -> Statement {
        let mut sql = String::from("SELECT * FROM audit_log WHERE channel_id = ?");
        let mut args = vec![text(channel.as_str())];
        if let Some(actor) = &query.actor {
            sql.push_str(" AND actor_account_id = ?");
            args.push(text(actor));
        }
        if let Some(from) = query.from {
            sql.push_str(" AND at >= ?");
            args.push(num(from));
        }
        if let Some(to) = query.to {
            sql.push_str(" AND at < ?");
            args.push(num(to));
        }
        if let Some((at, id)) = &query.before {
            sql.push_str(" AND (at < ? OR (at = ? AND id < ?))");
            args.extend([num(*at), num(*at), text(id)]);
        }
        sql.push_str(" ORDER BY at DESC, id DESC LIMIT ?");
        args.push(num(i64::from(query.limit)));
        Statement::new(sql, args)
    }

    /// Entries older than `before`, at most `limit` a run (the cron comes back).
    pub fn delete_old_audit(before: Millis, limit: u32) -> Statement {
        Statement::new(
            "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 ORDER BY at LIMIT ?2)",
            vec![num(before), num(i64::from(limit))],
        )
    }

    pub fn insert_export(job: &NewExport) -> Statement {
        Statement::new(
            "INSERT INTO exports (id, channel_id, requested_by, requester_name, requester_email, reason, format, scope,
               target, columns, evaluated_at, sealed_password, state, total, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'queued', ?13, ?11, ?11)",
            vec![
                text(job.id),
                text(job.channel.as_str()),
                text(job.requested_by),
                text(job.requester_name),
                text(job.requester_email),
                text(job.reason),
                text(job.format),
                text(job.scope),
                opt_text(job.target),
                text(job.columns),
                num(job.now),
                text(job.sealed_password),
                num(job.total),
            ],
        )
    }

    pub fn export(id: &str) -> Statement {
        Statement::new("SELECT * FROM exports WHERE id = ?1", vec![text(id)])
    }

    pub fn exports(channel: &ChannelId, limit: u32) -> Statement {
        Statement::new(
            "SELECT * FROM exports WHERE channel_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
            vec![text(channel.as_str()), num(i64::from(limit))],
        )
    }

    pub fn export_files(ids: &str) -> Statement {
        Statement::new(
            "SELECT * FROM export_files WHERE export_id IN (SELECT value FROM json_each(?1)) ORDER BY export_id, n",
            vec![text(ids)],
        )
    }

    pub fn export_file(id: &str, n: i64) -> Statement {
        Statement::new("SELECT * FROM export_files WHERE export_id = ?1 AND n = ?2", vec![text(id), num(n)])
    }

    /// A file written: its row, then the job's move from `from` (compare-and-set; a
    /// repeated message's row is ignored and its move changes nothing).
    pub fn add_file(id: &str, n: i64, rows: i64, bytes: i64, from: &str, to: &str, now: Millis) -> Vec<Statement> {
        vec![
            Statement::new(
                "INSERT INTO export_files (export_id, n, rows, bytes)
                 SELECT ?1, ?2, ?3, ?4 FROM exports WHERE id = ?1 AND cursor = ?5 AND state IN ('queued', 'running')
                 ON CONFLICT (export_id, n) DO NOTHING",
                vec![text(id), num(n), num(rows), num(bytes), text(from)],
            ),
            Statement::new(
                "UPDATE exports SET state = 'running', cursor = ?3, processed = processed + ?4, updated_at = ?5
                 WHERE id = ?1 AND cursor = ?2 AND state IN ('queued', 'running')",
                vec![text(id), text(from), text(to), num(rows), num(now)],
            ),
        ]
    }

    pub fn touch_export(id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE exports SET state = 'running', updated_at = ?2 WHERE id = ?1 AND state IN ('queued', 'running')",
            vec![text(id), num(now)],
        )
    }

    /// Ends an open job as `state` (`done`, `failed` or `cancelled`), erasing its password.
    pub fn end_export(id: &str, state: &str, error: Option<&str>, now: Millis) -> Statement {
        Statement::new(
            "UPDATE exports SET state = ?2, error = ?3, sealed_password = NULL, updated_at = ?4, finished_at = ?4
             WHERE id = ?1 AND state IN ('queued', 'running')",
            vec![text(id), text(state), opt_text(error), num(now)],
        )
    }

    /// Open jobs whose chain of queue messages has not moved since `before`.
    pub fn stalled_exports(before: Millis) -> Statement {
        Statement::new(
            "SELECT id FROM exports WHERE state IN ('queued', 'running') AND updated_at < ?1 ORDER BY updated_at LIMIT 100",
            vec![num(before)],
        )
    }

    /// Ended jobs whose files are due for deletion (ended before `before`).
    pub fn expired_exports(before: Millis) -> Statement {
        Statement::new(
            "SELECT id FROM exports WHERE files_deleted_at IS NULL AND finished_at < ?1 ORDER BY finished_at LIMIT 100",
            vec![num(before)],
        )
    }

    pub fn files_deleted(id: &str, now: Millis) -> Statement {
        Statement::new("UPDATE exports SET files_deleted_at = ?2 WHERE id = ?1", vec![text(id), num(now)])
    }

    pub fn channel_exports(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT id FROM exports WHERE channel_id = ?1 AND files_deleted_at IS NULL",
            vec![text(channel.as_str())],
        )
    }

    /// The first start and the end of a campaign (each written once).
    pub fn mark_started(campaign: &str, at: Millis) -> Statement {
        Statement::new(
            "UPDATE campaigns SET started_at = COALESCE(started_at, ?2) WHERE id = ?1",
            vec![text(campaign), num(at)],
        )
    }

    pub fn mark_ended(campaign: &str, at: Millis) -> Statement {
        Statement::new(
            "UPDATE campaigns SET ended_at = COALESCE(ended_at, ?2) WHERE id = ?1",
            vec![text(campaign), num(at)],
        )
    }

    pub fn campaign_times(campaign: &str) -> Statement {
        Statement::new("SELECT started_at, ended_at FROM campaigns WHERE id = ?1", vec![text(campaign)])
    }
}

pub async fn insert_audit(db: &impl Executor, entry: &NewAudit<'_>) -> Result<(), StoreError> {
    db.run(sql::insert_audit(entry)).await.map(|_| ())
}

pub async fn audit_page(
    db: &impl Executor,
    channel: &ChannelId,
    query: &AuditQuery,
) -> Result<Vec<AuditRow>, StoreError> {
    db.all(sql::audit_page(channel, query)).await
}

pub async fn delete_old_audit(db: &impl Executor, before: Millis, limit: u32) -> Result<u64, StoreError> {
    db.run(sql::delete_old_audit(before, limit)).await
}

pub async fn insert_export(db: &impl Executor, job: &NewExport<'_>) -> Result<(), StoreError> {
    db.run(sql::insert_export(job)).await.map(|_| ())
}

/// The job, if it is `channel`'s (any channel's with `None`).
pub async fn export(
    db: &impl Executor,
    id: &str,
    channel: Option<&ChannelId>,
) -> Result<Option<ExportRow>, StoreError> {
    let row = db.first::<ExportRow>(sql::export(id)).await?;
    Ok(row.filter(|row| channel.is_none_or(|c| row.channel_id == c.as_str())))
}

pub async fn exports(db: &impl Executor, channel: &ChannelId, limit: u32) -> Result<Vec<ExportRow>, StoreError> {
    db.all(sql::exports(channel, limit)).await
}

/// The files of the jobs `ids`.
pub async fn export_files(db: &impl Executor, ids: &[&str]) -> Result<Vec<ExportFileRow>, StoreError> {
    let ids = super::json("export ids", ids)?;
    db.all(sql::export_files(&ids)).await
}

pub async fn export_file(db: &impl Executor, id: &str, n: i64) -> Result<Option<ExportFileRow>, StoreError> {
    db.first(sql::export_file(id, n)).await
}

/// Records file `n` and moves the cursor from `from` to `to`; `false` when another run
/// of the same message did it first (or the job ended meanwhile).
pub async fn add_file(
    db: &impl Executor,
    id: &str,
    n: i64,
    rows: i64,
    bytes: i64,
    (from, to): (&str, &str),
    now: Millis,
) -> Result<bool, StoreError> {
    let changes = db.batch(sql::add_file(id, n, rows, bytes, from, to, now)).await?;
    Ok(changes.get(1).is_some_and(|&c| c == 1))
}

pub async fn touch_export(db: &impl Executor, id: &str, now: Millis) -> Result<bool, StoreError> {
    Ok(db.run(sql::touch_export(id, now)).await? == 1)
}

/// Ends an open job; `false` when it had ended already.
pub async fn end_export(
    db: &impl Executor,
    id: &str,
    state: &str,
    error: Option<&str>,
    now: Millis,
) -> Result<bool, StoreError> {
    Ok(db.run(sql::end_export(id, state, error, now)).await? == 1)
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

pub async fn stalled_exports(db: &impl Executor, before: Millis) -> Result<Vec<String>, StoreError> {
    Ok(db.all::<Id>(sql::stalled_exports(before)).await?.into_iter().map(|r| r.id).collect())
}

pub async fn expired_exports(db: &impl Executor, before: Millis) -> Result<Vec<String>, StoreError> {
    Ok(db.all::<Id>(sql::expired_exports(before)).await?.into_iter().map(|r| r.id).collect())
}

pub async fn files_deleted(db: &impl Executor, id: &str, now: Millis) -> Result<(), StoreError> {
    db.run(sql::files_deleted(id, now)).await.map(|_| ())
}

/// The channel's jobs whose files may still be in R2 (deleted with the channel).
pub async fn channel_exports(db: &impl Executor, channel: &ChannelId) -> Result<Vec<String>, StoreError> {
    Ok(db.all::<Id>(sql::channel_exports(channel)).await?.into_iter().map(|r| r.id).collect())
}

pub async fn mark_started(db: &impl Executor, campaign: &str, at: Millis) -> Result<(), StoreError> {
    db.run(sql::mark_started(campaign, at)).await.map(|_| ())
}

pub async fn mark_ended(db: &impl Executor, campaign: &str, at: Millis) -> Result<(), StoreError> {
    db.run(sql::mark_ended(campaign, at)).await.map(|_| ())
}

/// When a campaign actually started and ended, as recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct CampaignTimes {
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
}

pub async fn campaign_times(db: &impl Executor, campaign: &str) -> Result<CampaignTimes, StoreError> {
    Ok(db.first(sql::campaign_times(campaign)).await?.unwrap_or_default())
}

/// One delivery as a results workbook lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    pub visitor_id: String,
    pub state: String,
    pub sent_at: i64,
    pub view_at: Option<i64>,
    pub click_at: Option<i64>,
    pub goal_at: Option<i64>,
}

/// Where a page of a campaign's deliveries stopped: (`sent_at`, `visitor_id`, `id`).
pub type DeliveryCursor = (i64, String, String);

/// One email or SMS as a customer's data lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct OutboundRow {
    pub delivery_id: String,
    pub medium: String,
    pub campaign_id: String,
    pub state: String,
    pub address: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) mod results_sql {
    use super::*;

    /// A page of a campaign's deliveries in (sent, customer, id) order: the
    /// `deliveries_recipients` index walks it from the cursor.
    pub fn campaign_deliveries(
        channel: &ChannelId,
        campaign: &str,
        after: Option<&DeliveryCursor>,
        limit: u32,
    ) -> Statement {
        let mut args = vec![text(campaign), text(channel.as_str())];
        let from = match after {
            None => "",
            Some((sent_at, visitor, id)) => {
                args.extend([num(*sent_at), text(visitor), text(id)]);
                "AND (sent_at, visitor_id, id) > (?3, ?4, ?5)"
            }
        };
        args.push(num(i64::from(limit)));
        let limit_at = args.len();
        Statement::new(
            format!(
                "SELECT id, visitor_id, state, sent_at, view_at, click_at, goal_at FROM deliveries
                 WHERE campaign_id = ?1 AND channel_id = ?2 {from} ORDER BY sent_at, visitor_id, id LIMIT ?{limit_at}"
            ),
            args,
        )
    }

    /// A customer's emails and SMS, oldest first.
    pub fn customer_outbound(channel: &ChannelId, visitor: &str, limit: u32) -> Statement {
        Statement::new(
            "SELECT delivery_id, medium, campaign_id, state, address, reason, created_at, updated_at FROM outbound_messages
             WHERE delivery_id IN (SELECT id FROM deliveries WHERE channel_id = ?1 AND visitor_id = ?2)
             ORDER BY created_at, delivery_id, medium LIMIT ?3",
            vec![text(channel.as_str()), text(visitor), num(i64::from(limit))],
        )
    }
}

pub async fn campaign_deliveries(
    db: &impl Executor,
    channel: &ChannelId,
    campaign: &str,
    after: Option<&DeliveryCursor>,
    limit: u32,
) -> Result<Vec<DeliveryRow>, StoreError> {
    db.all(results_sql::campaign_deliveries(channel, campaign, after, limit)).await
}

pub async fn customer_outbound(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &str,
    limit: u32,
) -> Result<Vec<OutboundRow>, StoreError> {
    db.all(results_sql::customer_outbound(channel, visitor, limit)).await
}
