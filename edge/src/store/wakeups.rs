//! Wake-ups (`visitor_wakeups`): when each visitor's next message is due, for the cron.
//!
//! Invariant: a visitor has at most one row; writing a new due time replaces the old one,
//! and nothing due removes it.

use super::{Executor, Statement, StoreError, corrupt, num, text};
use kizuna_shared::ids::{ChannelId, VisitorId};
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn set_wakeup(channel: &ChannelId, visitor: &VisitorId, due_at: Option<Millis>) -> Statement {
        match due_at {
            Some(at) => Statement::new(
                "INSERT INTO visitor_wakeups (channel_id, visitor_id, due_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (channel_id, visitor_id) DO UPDATE SET due_at = excluded.due_at",
                vec![text(channel.as_str()), text(visitor.as_str()), num(at)],
            ),
            None => Statement::new(
                "DELETE FROM visitor_wakeups WHERE channel_id = ?1 AND visitor_id = ?2",
                vec![text(channel.as_str()), text(visitor.as_str())],
            ),
        }
    }

    pub fn due_wakeups(now: Millis, limit: u32) -> Statement {
        Statement::new(
            "SELECT channel_id, visitor_id FROM visitor_wakeups WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2",
            vec![num(now), num(i64::from(limit))],
        )
    }
}

/// Notes when the visitor's next message is due (`None`: nothing waits), for the cron.
pub async fn set_wakeup(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
    due_at: Option<Millis>,
) -> Result<(), StoreError> {
    db.run(sql::set_wakeup(channel, visitor, due_at)).await?;
    Ok(())
}

#[derive(Deserialize)]
struct WakeupRow {
    channel_id: String,
    visitor_id: String,
}

/// Visitors with a message due by `now`, earliest first.
pub async fn due_wakeups(
    db: &impl Executor,
    now: Millis,
    limit: u32,
) -> Result<Vec<(ChannelId, VisitorId)>, StoreError> {
    let rows = db.all::<WakeupRow>(sql::due_wakeups(now, limit)).await?;
    rows.into_iter()
        .map(|r| {
            let channel = ChannelId::parse(&r.channel_id).map_err(|e| corrupt("wakeup channel", e))?;
            let visitor = VisitorId::parse(&r.visitor_id).map_err(|e| corrupt("wakeup visitor", e))?;
            Ok((channel, visitor))
        })
        .collect()
}
