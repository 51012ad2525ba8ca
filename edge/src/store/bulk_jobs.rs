//! Bulk jobs (`bulk_jobs`): a change applied to a selection of customers in batches.
//!
//! Invariant: a batch moves the job's cursor by compare-and-set in the same transaction
//! as its change, and only customers the change alters get a new `updated_at` (and
//! count toward the month's MAU): a repeated batch changes nothing and moves nothing.

use super::{Executor, IdRow, Param, Statement, StoreError, flag, json, num, text};
use kizuna_shared::bulk::{BulkChange, BulkTarget, JobState};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// Which customers of the batch (`?6`, a JSON list of ids) the change alters: a tag to
/// add is missing, a tag to remove is there, or a flag it sets differs.
const ALTERS: &str = include_str!("sql/customers_altered_by_bulk_change.sql");

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn insert_job(channel: &ChannelId, id: &str, target: &str, change: &str, total: i64, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO bulk_jobs (id, channel_id, target, change, evaluated_at, state, total, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?5, ?5)",
            vec![text(id), text(channel.as_str()), text(target), text(change), num(now), num(total)],
        )
    }

    pub fn job(id: &str) -> Statement {
        Statement::new("SELECT * FROM bulk_jobs WHERE id = ?1", vec![text(id)])
    }

    /// The month notes, the customers' update, then the job's move (whose
    /// `changes()` is the update's count: a batch runs in order, in one transaction).
    pub fn apply_batch(
        job: &JobRow,
        change: &BulkChange,
        ids: &[String],
        done: bool,
        now: Millis,
        month: &str,
    ) -> Result<Vec<Statement>, StoreError> {
        let bool_flag = |v: Option<bool>| v.map_or(Param::Null, flag);
        // ?1 channel, ?2 tags to add, ?3 tags to remove, ?4 email flag, ?5 texting flag, ?6 ids.
        let args = [
            text(&job.channel_id),
            text(&json("tags", &change.add_tags)?),
            text(&json("tags", &change.remove_tags)?),
            bool_flag(change.unsubscribe_email),
            bool_flag(change.unsubscribe_texting),
            text(&json("customer ids", ids)?),
        ];
        let mut month_args = args.to_vec();
        month_args.push(text(month));
        let active = Statement::new(
            format!(
                "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id)
             SELECT channel_id, ?7, id FROM customers WHERE {ALTERS}"
            ),
            month_args,
        );
        let mut update_args = args.to_vec();
        update_args.push(num(now));
        let update = Statement::new(
            format!(
                "UPDATE customers SET
               tags = (SELECT json_group_array(value) FROM (
                 SELECT value FROM (SELECT value FROM json_each(customers.tags) UNION SELECT value FROM json_each(?2))
                 WHERE value NOT IN (SELECT value FROM json_each(?3)) ORDER BY value)),
               unsubscribe_email = COALESCE(?4, unsubscribe_email),
               unsubscribe_texting = COALESCE(?5, unsubscribe_texting),
               updated_at = MAX(updated_at, ?7)
             WHERE {ALTERS}"
            ),
            update_args,
        );
        let progress = Statement::new(
            include_str!("sql/bulk_job_progress.sql"),
            vec![
                text(&job.id),
                text(&job.cursor),
                text(ids.last().map_or(job.cursor.as_str(), String::as_str)),
                num(ids.len() as i64),
                num(now),
                flag(done),
            ],
        );
        Ok(vec![active, update, progress])
    }

    pub fn fail(id: &str, error: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE bulk_jobs SET state = 'failed', error = ?2, updated_at = ?3, finished_at = ?3
         WHERE id = ?1 AND state = 'running'",
            vec![text(id), text(error), num(now)],
        )
    }

    pub fn stalled_jobs(before: Millis) -> Statement {
        Statement::new(
            "SELECT id FROM bulk_jobs WHERE state = 'running' AND updated_at < ?1 ORDER BY updated_at LIMIT 100",
            vec![num(before)],
        )
    }
}

/// A bulk job as stored.
#[derive(Debug, Deserialize)]
pub struct JobRow {
    pub id: String,
    pub channel_id: String,
    pub target: String,
    pub change: String,
    pub evaluated_at: i64,
    /// Read from the column's text once, here (`running`, `done` or `failed`).
    pub state: JobState,
    pub cursor: String,
    pub total: i64,
    pub processed: i64,
    pub changed: i64,
    pub batches: i64,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

pub async fn insert_job(
    db: &impl Executor,
    channel: &ChannelId,
    id: &str,
    target: &BulkTarget,
    change: &BulkChange,
    total: i64,
    now: Millis,
) -> Result<(), StoreError> {
    let target = json("job target", target)?;
    let change = json("job change", change)?;
    db.run(sql::insert_job(channel, id, &target, &change, total, now)).await?;
    Ok(())
}

/// A job by id; `channel` limits it to that channel's jobs.
pub async fn job(db: &impl Executor, id: &str, channel: Option<&ChannelId>) -> Result<Option<JobRow>, StoreError> {
    let row = db.first::<JobRow>(sql::job(id)).await?;
    Ok(row.filter(|r| channel.is_none_or(|c| r.channel_id == c.as_str())))
}

/// Applies `change` to the customers `ids` and moves the job from `cursor` to the last
/// of them, in one batch. Only customers the change alters get a new `updated_at` (and
/// count toward `month`'s MAU). Answers whether this call moved the job (a repeated
/// batch finds it moved already: the customers are as the first one left them).
pub async fn apply_batch(
    db: &impl Executor,
    job: &JobRow,
    change: &BulkChange,
    ids: &[String],
    done: bool,
    now: Millis,
    month: &str,
) -> Result<bool, StoreError> {
    let changed = db.batch(sql::apply_batch(job, change, ids, done, now, month)?).await?;
    Ok(changed.last().copied().unwrap_or(0) == 1)
}

/// Marks a running job failed (its target no longer compiles, say).
pub async fn fail(db: &impl Executor, id: &str, error: &str, now: Millis) -> Result<(), StoreError> {
    db.run(sql::fail(id, error, now)).await?;
    Ok(())
}

/// Running jobs that have not moved since `before`: their chain of queue messages broke.
pub async fn stalled_jobs(db: &impl Executor, before: Millis) -> Result<Vec<String>, StoreError> {
    let rows = db.all::<IdRow>(sql::stalled_jobs(before)).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    #[test]
    fn a_batch_applied_twice_changes_nothing_the_second_time_and_moves_the_cursor_once() {
        let db = Sqlite::with_channel();
        db.customer("c1", 100);
        db.customer("c2", 100);
        db.exec("UPDATE customers SET tags = '[\"vip\"]' WHERE id = 'c2'");
        let shop = ChannelId::parse("shop").unwrap();
        let ids = vec!["c1".to_owned(), "c2".to_owned()];
        let change = BulkChange { add_tags: vec!["vip".to_owned()], ..BulkChange::default() };
        wait(insert_job(&db, &shop, "job_1", &BulkTarget::Ids(ids.clone()), &change, 2, 50)).unwrap();
        let started = wait(job(&db, "job_1", Some(&shop))).unwrap().unwrap();

        assert!(wait(apply_batch(&db, &started, &change, &ids, false, 200, "2026-01")).unwrap());
        // The same message again (redelivered), later: the job has moved, nothing changes.
        assert!(!wait(apply_batch(&db, &started, &change, &ids, false, 300, "2026-02")).unwrap());
        let moved = wait(job(&db, "job_1", Some(&shop))).unwrap().unwrap();
        assert_eq!((moved.state, moved.cursor.as_str()), (JobState::Running, "c2"));
        assert_eq!((moved.processed, moved.changed, moved.batches, moved.updated_at), (2, 1, 1, 200));

        // The last, empty batch ends the job.
        assert!(wait(apply_batch(&db, &moved, &change, &[], true, 400, "2026-02")).unwrap());
        let done = wait(job(&db, "job_1", Some(&shop))).unwrap().unwrap();
        assert_eq!((done.state, done.cursor.as_str(), done.finished_at), (JobState::Done, "c2", Some(400)));
        assert_eq!((done.processed, done.changed, done.batches), (2, 1, 2));
        // Only the customer the change altered moved and counts toward MAU.
        assert_eq!(db.number("SELECT updated_at FROM customers WHERE id = 'c1'"), 200);
        assert_eq!(db.number("SELECT updated_at FROM customers WHERE id = 'c2'"), 100);
        assert_eq!(db.text("SELECT tags FROM customers WHERE id = 'c1'").unwrap(), "[\"vip\"]");
        assert_eq!(
            db.text("SELECT group_concat(month || ':' || customer_id) FROM customer_months").unwrap(),
            "2026-01:c1"
        );
    }

    #[test]
    fn a_job_of_another_channel_is_not_found_and_a_failed_job_stays_failed() {
        let db = Sqlite::with_channel();
        let shop = ChannelId::parse("shop").unwrap();
        let change = BulkChange::default();
        wait(insert_job(&db, &shop, "job_1", &BulkTarget::Ids(Vec::new()), &change, 0, 50)).unwrap();
        assert!(wait(job(&db, "job_1", Some(&ChannelId::parse("other").unwrap()))).unwrap().is_none());
        wait(fail(&db, "job_1", "filter: no such field", 60)).unwrap();
        wait(fail(&db, "job_1", "later", 70)).unwrap();
        let failed = wait(job(&db, "job_1", None)).unwrap().unwrap();
        assert_eq!((failed.state, failed.error.as_deref()), (JobState::Failed, Some("filter: no such field")));
        assert_eq!(failed.finished_at, Some(60));
    }
}
