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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    #[test]
    fn a_wakeup_is_replaced_and_removed_and_due_ones_come_earliest_first() {
        let db = Sqlite::with_channel();
        let shop = ChannelId::parse("shop").unwrap();
        let (v1, v2, v3) =
            (VisitorId::parse("v1").unwrap(), VisitorId::parse("v2").unwrap(), VisitorId::parse("v3").unwrap());
        wait(set_wakeup(&db, &shop, &v1, Some(300))).unwrap();
        wait(set_wakeup(&db, &shop, &v1, Some(100))).unwrap();
        wait(set_wakeup(&db, &shop, &v2, Some(200))).unwrap();
        wait(set_wakeup(&db, &shop, &v3, Some(900))).unwrap();
        let due = wait(due_wakeups(&db, 500, 10)).unwrap();
        assert_eq!(due, [(shop.clone(), v1.clone()), (shop.clone(), v2.clone())]);
        wait(set_wakeup(&db, &shop, &v1, None)).unwrap();
        assert_eq!(wait(due_wakeups(&db, 500, 10)).unwrap(), [(shop.clone(), v2)]);
        assert_eq!(db.number("SELECT COUNT(*) FROM visitor_wakeups"), 2);
    }
}
