//! What a visitor did with a message, counted once: the shared rule (`counting::record`)
//! applied to the stored delivery, saved by compare-and-set with its daily counter.

use crate::error::ApiError;
use crate::store;
use crate::store::Db;
use kizuna_shared::campaign::Goal;
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::Action;
use kizuna_shared::counting::Counts;
use kizuna_shared::counting::Delivery;
use kizuna_shared::counting::record;
use kizuna_shared::time::Millis;

/// Applies the counting rules to one delivery and stores what counted, on the day it
/// happened in the channel's clock. Returns what was added (zero when it lost a race).
pub async fn apply_action(
    db: &Db,
    channel: &Channel,
    before: &Delivery,
    goal: &Goal,
    action: Action,
    now: Millis,
) -> Result<Counts, ApiError> {
    let mut after = before.clone();
    let counts = record(&mut after, action, now, goal);
    if counts.is_zero() {
        return Ok(counts);
    }
    let saved = store::deliveries::save_action(db, before, &after, counts, channel.day_of(now)).await?;
    Ok(if saved { counts } else { Counts::default() })
}
