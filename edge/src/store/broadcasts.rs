//! Broadcast fan-outs (`broadcast_runs`): one row per broadcast, its cursor through the
//! audience and its progress.
//!
//! Invariant: the row is created once per campaign (`INSERT OR IGNORE`), and its cursor
//! moves only by compare-and-set from where a batch started, so a repeated batch moves
//! nothing.

use super::{Executor, IdRow, Statement, StoreError, flag, json, num, opt_text, text};
use kizuna_shared::campaign::RunState;
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::ids::{CampaignId, ChannelId};
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn insert_broadcast_run(
        channel: &ChannelId,
        campaign: &CampaignId,
        audience: Option<&str>,
        total: i64,
        now: Millis,
    ) -> Statement {
        Statement::new(
            "INSERT OR IGNORE INTO broadcast_runs (campaign_id, channel_id, audience, evaluated_at, state, total, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?4, ?4)",
            vec![text(campaign.as_str()), text(channel.as_str()), opt_text(audience), num(now), num(total)],
        )
    }

    pub fn broadcast_run(campaign: &CampaignId) -> Statement {
        Statement::new(
            "SELECT campaign_id, channel_id, audience, evaluated_at, state, cursor, total, processed
         FROM broadcast_runs WHERE campaign_id = ?1",
            vec![text(campaign.as_str())],
        )
    }

    pub fn advance_broadcast(run: &BroadcastRun, cursor: &str, count: i64, done: bool, now: Millis) -> Statement {
        Statement::new(
            "UPDATE broadcast_runs SET cursor = ?3, processed = processed + ?4, updated_at = ?5,
           state = CASE WHEN ?6 THEN 'done' ELSE state END, finished_at = CASE WHEN ?6 THEN ?5 ELSE NULL END
         WHERE campaign_id = ?1 AND cursor = ?2 AND state = 'running'",
            vec![text(&run.campaign_id), text(&run.cursor), text(cursor), num(count), num(now), flag(done)],
        )
    }

    pub fn broadcasts_to_move(now: Millis, stalled_before: Millis) -> Statement {
        Statement::new(include_str!("sql/broadcasts_to_move.sql"), vec![num(now), num(stalled_before)])
    }

    pub fn fail(campaign: &str, error: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE broadcast_runs SET state = 'failed', error = ?2, updated_at = ?3, finished_at = ?3
         WHERE campaign_id = ?1 AND state = 'running'",
            vec![text(campaign), text(error), num(now)],
        )
    }
}

/// A broadcast's fan-out as stored.
#[derive(Debug, Deserialize)]
pub struct BroadcastRun {
    pub campaign_id: String,
    pub channel_id: String,
    pub audience: Option<String>,
    pub evaluated_at: i64,
    /// Read from the column's text once, here (`running`, `done` or `failed`).
    pub state: RunState,
    pub cursor: String,
    pub total: i64,
    pub processed: i64,
}

/// Starts a broadcast's fan-out, once: false when it had started already.
pub async fn insert_broadcast_run(
    db: &impl Executor,
    channel: &ChannelId,
    campaign: &CampaignId,
    audience: Option<&FilterDoc>,
    total: i64,
    now: Millis,
) -> Result<bool, StoreError> {
    let audience = audience.map(|a| json("broadcast audience", a)).transpose()?;
    Ok(db.run(sql::insert_broadcast_run(channel, campaign, audience.as_deref(), total, now)).await? == 1)
}

pub async fn broadcast_run(db: &impl Executor, campaign: &CampaignId) -> Result<Option<BroadcastRun>, StoreError> {
    db.first::<BroadcastRun>(sql::broadcast_run(campaign)).await
}

/// Moves a fan-out from the cursor it started at to `cursor` (compare-and-set); answers
/// whether this call moved it.
pub async fn advance_broadcast(
    db: &impl Executor,
    run: &BroadcastRun,
    cursor: &str,
    count: i64,
    done: bool,
    now: Millis,
) -> Result<bool, StoreError> {
    Ok(db.run(sql::advance_broadcast(run, cursor, count, done, now)).await? == 1)
}

/// Started broadcasts whose send time has come and that have not gone out yet, and
/// running fan-outs that stopped moving before `stalled_before` (at most 100 of each).
pub async fn broadcasts_to_move(
    db: &impl Executor,
    now: Millis,
    stalled_before: Millis,
) -> Result<Vec<String>, StoreError> {
    let rows = db.all::<IdRow>(sql::broadcasts_to_move(now, stalled_before)).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Marks a running fan-out failed (its campaign was deleted or ended, or its audience no
/// longer compiles).
pub async fn fail(db: &impl Executor, campaign: &str, error: &str, now: Millis) -> Result<(), StoreError> {
    db.run(sql::fail(campaign, error, now)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    #[test]
    fn a_fan_out_starts_once_and_its_cursor_moves_once_from_where_a_batch_started() {
        let db = Sqlite::with_channel();
        let (shop, news) = (ChannelId::parse("shop").unwrap(), CampaignId::parse("news").unwrap());
        assert!(wait(insert_broadcast_run(&db, &shop, &news, None, 3, 10)).unwrap());
        assert!(!wait(insert_broadcast_run(&db, &shop, &news, None, 9, 20)).unwrap());
        let start = wait(broadcast_run(&db, &news)).unwrap().unwrap();
        assert_eq!((start.total, start.cursor.as_str()), (3, ""));

        assert!(wait(advance_broadcast(&db, &start, "c2", 2, false, 30)).unwrap());
        // The same batch again, from the cursor it started at: it moves nothing.
        assert!(!wait(advance_broadcast(&db, &start, "c2", 2, false, 40)).unwrap());
        let middle = wait(broadcast_run(&db, &news)).unwrap().unwrap();
        assert_eq!((middle.cursor.as_str(), middle.processed, middle.state), ("c2", 2, RunState::Running));

        assert!(wait(advance_broadcast(&db, &middle, "c3", 1, true, 50)).unwrap());
        assert!(!wait(advance_broadcast(&db, &middle, "c3", 1, true, 60)).unwrap());
        let done = wait(broadcast_run(&db, &news)).unwrap().unwrap();
        assert_eq!((done.cursor.as_str(), done.processed, done.state), ("c3", 3, RunState::Done));
        assert_eq!(db.number("SELECT finished_at FROM broadcast_runs"), 50);
    }

    #[test]
    fn broadcasts_to_move_are_due_ones_without_a_run_and_stalled_runs() {
        let db = Sqlite::with_channel();
        db.exec(
            "INSERT INTO campaigns (id, channel_id, name, state, definition, created_at, updated_at) VALUES
             ('due', 'shop', 'Due', 'running', '{\"kind\":\"broadcast\",\"startsAt\":100}', 0, 0),
             ('later', 'shop', 'Later', 'scheduled', '{\"kind\":\"broadcast\",\"startsAt\":900}', 0, 0),
             ('auto', 'shop', 'Auto', 'running', '{\"kind\":\"automated\"}', 0, 0),
             ('going', 'shop', 'Going', 'running', '{\"kind\":\"broadcast\"}', 0, 0),
             ('stuck', 'shop', 'Stuck', 'running', '{\"kind\":\"broadcast\"}', 0, 0)",
        );
        db.exec(
            "INSERT INTO broadcast_runs (campaign_id, channel_id, evaluated_at, state, total, created_at, updated_at)
             VALUES ('going', 'shop', 0, 'running', 1, 0, 450), ('stuck', 'shop', 0, 'running', 1, 0, 100)",
        );
        let ids = wait(broadcasts_to_move(&db, 500, 400)).unwrap();
        assert_eq!(ids, ["due", "stuck"]);
    }
}
