//! Saved segments (`segments`): a named filter of a channel's customers.
//!
//! Invariant: a segment's name is unique in its channel, decided by the unique index, so
//! two racing saves cannot both take it.

use super::{Executor, Statement, StoreError, corrupt, json, num, text};
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::ids::ChannelId;
use serde::Deserialize;

/// A segment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub filter: FilterDoc,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn segments(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT id, name, filter, created_at, updated_at FROM segments WHERE channel_id = ?1 ORDER BY name",
            vec![text(channel.as_str())],
        )
    }

    pub fn segment(channel: &ChannelId, id: &str) -> Statement {
        Statement::new(
            "SELECT id, name, filter, created_at, updated_at FROM segments WHERE channel_id = ?1 AND id = ?2",
            vec![text(channel.as_str()), text(id)],
        )
    }

    pub fn save_segment(channel: &ChannelId, segment: &Segment, filter: &str) -> Statement {
        Statement::new(
            "INSERT INTO segments (id, channel_id, name, filter, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, updated_at = excluded.updated_at",
            vec![
                text(&segment.id),
                text(channel.as_str()),
                text(&segment.name),
                text(filter),
                num(segment.created_at),
                num(segment.updated_at),
            ],
        )
    }

    pub fn delete_segment(channel: &ChannelId, id: &str) -> Statement {
        Statement::new("DELETE FROM segments WHERE channel_id = ?1 AND id = ?2", vec![text(channel.as_str()), text(id)])
    }
}

#[derive(Deserialize)]
struct SegmentRow {
    id: String,
    name: String,
    filter: String,
    created_at: i64,
    updated_at: i64,
}

impl SegmentRow {
    fn into_segment(self) -> Result<Segment, StoreError> {
        let filter: FilterDoc = serde_json::from_str(&self.filter).map_err(|e| corrupt("segment filter", e))?;
        Ok(Segment { id: self.id, name: self.name, filter, created_at: self.created_at, updated_at: self.updated_at })
    }
}

pub async fn segments(db: &impl Executor, channel: &ChannelId) -> Result<Vec<Segment>, StoreError> {
    let rows = db.all::<SegmentRow>(sql::segments(channel)).await?;
    rows.into_iter().map(SegmentRow::into_segment).collect()
}

pub async fn segment(db: &impl Executor, channel: &ChannelId, id: &str) -> Result<Option<Segment>, StoreError> {
    let row = db.first::<SegmentRow>(sql::segment(channel, id)).await?;
    row.map(SegmentRow::into_segment).transpose()
}

/// Inserts or updates a segment; false when another segment of the channel has the name.
pub async fn save_segment(db: &impl Executor, channel: &ChannelId, segment: &Segment) -> Result<bool, StoreError> {
    let filter = json("segment filter", &segment.filter)?;
    match db.run(sql::save_segment(channel, segment, &filter)).await {
        Ok(_) => Ok(true),
        // The (channel, name) unique index decides, so two racing saves cannot both win.
        Err(StoreError::Unique(_)) => Ok(false),
        Err(err) => Err(err),
    }
}

/// Deletes a segment; false when there was none.
pub async fn delete_segment(db: &impl Executor, channel: &ChannelId, id: &str) -> Result<bool, StoreError> {
    Ok(db.run(sql::delete_segment(channel, id)).await? > 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    fn named(id: &str, name: &str) -> Segment {
        Segment { id: id.to_owned(), name: name.to_owned(), filter: FilterDoc::default(), created_at: 1, updated_at: 2 }
    }

    #[test]
    fn a_segment_name_taken_in_the_channel_is_refused_and_the_first_kept() {
        let db = Sqlite::with_channel();
        let shop = ChannelId::parse("shop").unwrap();
        assert!(wait(save_segment(&db, &shop, &named("seg_1", "VIP"))).unwrap());
        assert!(!wait(save_segment(&db, &shop, &named("seg_2", "VIP"))).unwrap());
        // Saving a segment under its own name again is an update, not a clash.
        assert!(wait(save_segment(&db, &shop, &Segment { updated_at: 5, ..named("seg_1", "VIP") })).unwrap());
        let all = wait(segments(&db, &shop)).unwrap();
        assert_eq!(all, [Segment { updated_at: 5, ..named("seg_1", "VIP") }]);
        assert!(wait(delete_segment(&db, &shop, "seg_1")).unwrap());
        assert!(!wait(delete_segment(&db, &shop, "seg_1")).unwrap());
    }
}
