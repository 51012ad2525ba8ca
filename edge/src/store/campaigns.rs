//! Campaigns (`campaigns`): their rows, the set published to visitors, and the message an
//! email or SMS carries.
//!
//! Invariant: the row's `state` and `priority` columns are the truth; the copy inside
//! the stored document follows them when read. Only a draft can be deleted.

use super::{Executor, Statement, StoreError, corrupt, json, num, text};
use kizuna_shared::counting::{Counts, WINDOW};
use kizuna_shared::ids::{CampaignId, ChannelId, VisitorId};
use kizuna_shared::store::CampaignDocV1;
use kizuna_shared::time::Millis;
use serde::Deserialize;

const CAMPAIGN_COLUMNS: &str = "channel_id, state, priority, definition, created_at, updated_at";

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn published_campaigns(channel: &ChannelId, now: Millis) -> Statement {
        Statement::new(
            format!(
                "SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE channel_id = ?1
           AND (state IN ('running', 'scheduled', 'paused') OR (state = 'ended' AND updated_at >= ?2))
         ORDER BY priority, created_at, id"
            ),
            vec![text(channel.as_str()), num(now - WINDOW)],
        )
    }

    /// How many live campaigns (drafts and what the published document carries) the
    /// channel has besides `except`, and the bytes of their stored documents.
    pub fn live_campaigns(channel: &ChannelId, now: Millis, except: &str) -> Statement {
        Statement::new(
            "SELECT COUNT(*) AS count, COALESCE(SUM(LENGTH(CAST(definition AS BLOB))), 0) AS bytes
         FROM campaigns WHERE channel_id = ?1 AND id != ?3
           AND (state != 'ended' OR updated_at >= ?2)",
            vec![text(channel.as_str()), num(now - WINDOW), text(except)],
        )
    }

    pub fn campaign_channel(campaign: &CampaignId) -> Statement {
        Statement::new("SELECT channel_id FROM campaigns WHERE id = ?1", vec![text(campaign.as_str())])
    }

    pub fn campaign_row(id: &str) -> Statement {
        Statement::new(format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?1"), vec![text(id)])
    }

    pub fn campaign_rows(channel: &ChannelId) -> Statement {
        Statement::new(
            format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE channel_id = ?1 ORDER BY priority, created_at, id"),
            vec![text(channel.as_str())],
        )
    }

    /// The channel's campaigns, each with the sums of its day counters: one statement,
    /// its aggregate bounded by the counter rows of this channel's campaigns (found through
    /// the primary key `(campaign_id, day)`), however many rows the list has.
    pub fn campaign_rows_with_totals(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT c.channel_id, c.state, c.priority, c.definition, c.created_at, c.updated_at,
           COALESCE(t.sent, 0) AS sent, COALESCE(t.view, 0) AS view,
           COALESCE(t.click, 0) AS click, COALESCE(t.goal, 0) AS goal
         FROM campaigns c LEFT JOIN (
           SELECT campaign_id, SUM(sent) AS sent, SUM(view) AS view, SUM(click) AS click, SUM(goal) AS goal
           FROM campaign_daily_stats WHERE campaign_id IN (SELECT id FROM campaigns WHERE channel_id = ?1)
           GROUP BY campaign_id
         ) t ON t.campaign_id = c.id
         WHERE c.channel_id = ?1 ORDER BY c.priority, c.created_at, c.id",
            vec![text(channel.as_str())],
        )
    }

    pub fn save_campaign(channel: &ChannelId, doc: &CampaignDocV1, definition: &str, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, state = excluded.state,
           priority = excluded.priority, definition = excluded.definition, updated_at = excluded.updated_at",
            vec![
                text(&doc.id),
                text(channel.as_str()),
                text(&doc.name),
                text(doc.state.as_str()),
                num(i64::from(doc.priority)),
                text(definition),
                num(now),
            ],
        )
    }

    pub fn delete_draft(id: &str) -> Statement {
        Statement::new("DELETE FROM campaigns WHERE id = ?1 AND state = 'draft'", vec![text(id)])
    }

    pub fn campaign_message(channel: &ChannelId, campaign: &CampaignId, visitor: &VisitorId) -> Statement {
        Statement::new(
            "SELECT c.name, c.definition,
                    (SELECT a.variant FROM variant_assignments a
                     WHERE a.campaign_id = c.id AND a.visitor_id = ?3) AS variant
             FROM campaigns c WHERE c.id = ?1 AND c.channel_id = ?2",
            vec![text(campaign.as_str()), text(channel.as_str()), text(visitor.as_str())],
        )
    }
}

/// A campaign row: its stored state and settings.
#[derive(Debug, Deserialize)]
pub struct CampaignRow {
    pub channel_id: String,
    pub state: String,
    pub priority: i32,
    pub definition: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CampaignRow {
    pub fn doc(&self) -> Result<CampaignDocV1, StoreError> {
        let mut doc: CampaignDocV1 = serde_json::from_str(&self.definition).map_err(|e| corrupt("campaign", e))?;
        // The row's state and priority columns are the truth; the document's copy follows.
        doc.state = serde_json::from_value(serde_json::Value::String(self.state.clone()))
            .map_err(|e| corrupt("campaign state", e))?;
        doc.priority = self.priority;
        Ok(doc)
    }
}

/// The campaigns visitors' requests need, in priority order: running, scheduled and
/// paused ones (the engine checks their times and states), and those that ended in the
/// last 7 days (their undelivered messages may still show, unless deleted unviewed).
pub async fn load_published_campaigns(
    db: &impl Executor,
    channel: &ChannelId,
    now: Millis,
) -> Result<Vec<CampaignDocV1>, StoreError> {
    let rows = db.all::<CampaignRow>(sql::published_campaigns(channel, now)).await?;
    rows.iter().map(CampaignRow::doc).collect()
}

/// A channel's live campaigns: how many, and the bytes of their stored documents.
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct LiveCampaigns {
    pub count: u64,
    pub bytes: u64,
}

/// The channel's live campaigns other than `except` (`""`: all of them).
pub async fn live_campaigns(
    db: &impl Executor,
    channel: &ChannelId,
    now: Millis,
    except: &str,
) -> Result<LiveCampaigns, StoreError> {
    Ok(db
        .first::<LiveCampaigns>(sql::live_campaigns(channel, now, except))
        .await?
        .unwrap_or(LiveCampaigns { count: 0, bytes: 0 }))
}

/// The bytes a campaign's stored document takes (what the published document repeats).
pub fn stored_bytes(doc: &CampaignDocV1) -> Result<u64, StoreError> {
    Ok(json("campaign", doc)?.len() as u64)
}

#[derive(Deserialize)]
struct CampaignChannelRow {
    channel_id: String,
}

pub async fn campaign_channel(db: &impl Executor, campaign: &CampaignId) -> Result<Option<ChannelId>, StoreError> {
    let row = db.first::<CampaignChannelRow>(sql::campaign_channel(campaign)).await?;
    row.map(|r| ChannelId::parse(&r.channel_id).map_err(|e| corrupt("channel id", e))).transpose()
}

pub async fn campaign_row(db: &impl Executor, id: &str) -> Result<Option<CampaignRow>, StoreError> {
    db.first::<CampaignRow>(sql::campaign_row(id)).await
}

pub async fn campaign_rows(db: &impl Executor, channel: &ChannelId) -> Result<Vec<CampaignRow>, StoreError> {
    db.all::<CampaignRow>(sql::campaign_rows(channel)).await
}

/// A campaign row with the totals of its day counters (every day it has counted).
#[derive(Debug, Deserialize)]
pub struct ListedRow {
    pub channel_id: String,
    pub state: String,
    pub priority: i32,
    pub definition: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub sent: i64,
    pub view: i64,
    pub click: i64,
    pub goal: i64,
}

impl ListedRow {
    /// The row and its totals, apart.
    pub fn split(self) -> (CampaignRow, Counts) {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let totals =
            Counts { sent: count(self.sent), view: count(self.view), click: count(self.click), goal: count(self.goal) };
        let row = CampaignRow {
            channel_id: self.channel_id,
            state: self.state,
            priority: self.priority,
            definition: self.definition,
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        (row, totals)
    }
}

/// The channel's campaigns with their statistics' totals, in one statement.
pub async fn campaign_rows_with_totals(db: &impl Executor, channel: &ChannelId) -> Result<Vec<ListedRow>, StoreError> {
    db.all::<ListedRow>(sql::campaign_rows_with_totals(channel)).await
}

/// Writes a campaign's settings and state (insert or update), keeping `created_at`.
pub async fn save_campaign(
    db: &impl Executor,
    channel: &ChannelId,
    doc: &CampaignDocV1,
    now: Millis,
) -> Result<(), StoreError> {
    let definition = json("campaign", doc)?;
    db.run(sql::save_campaign(channel, doc, &definition, now)).await?;
    Ok(())
}

/// Deletes a draft (a campaign that never ran has no deliveries or counts).
pub async fn delete_draft(db: &impl Executor, id: &str) -> Result<bool, StoreError> {
    Ok(db.run(sql::delete_draft(id)).await? == 1)
}

#[derive(Deserialize)]
struct MessageRow {
    name: String,
    definition: String,
    variant: Option<i64>,
}

/// A campaign's name and the message `visitor` receives of it: their variant's, when the
/// campaign has variants and they were assigned one (nothing else of its document is read).
pub async fn campaign_message(
    db: &impl Executor,
    channel: &ChannelId,
    campaign: &CampaignId,
    visitor: &VisitorId,
) -> Result<Option<kizuna_shared::outbound::CampaignMessage>, StoreError> {
    let row = db.first::<MessageRow>(sql::campaign_message(channel, campaign, visitor)).await?;
    row.map(|r| {
        let doc: kizuna_shared::store::Definition =
            serde_json::from_str(&r.definition).map_err(|e| corrupt("campaign message", e))?;
        let variant = r.variant.and_then(|i| usize::try_from(i).ok());
        Ok(kizuna_shared::outbound::CampaignMessage { name: r.name, message: doc.into_message(variant) })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};
    use kizuna_shared::campaign::edit::{KV_VALUE_LIMIT_BYTES, MAX_LIVE_CAMPAIGN_BYTES, MAX_LIVE_CAMPAIGNS};

    const FULL: &str = include_str!("../../../shared/tests/golden/campaign-automated-full.json");

    /// The published document is the JSON array of the live campaigns' stored documents:
    /// its size is their bytes, one comma between two and two brackets. With the count
    /// and byte limits at their worst, it stays under KV's 25 MiB.
    #[test]
    fn the_published_document_at_the_live_campaign_limits_fits_in_a_kv_value() {
        let doc: CampaignDocV1 = serde_json::from_str(FULL).unwrap();
        let docs = vec![doc.clone(), doc.clone(), doc.clone()];
        let published = serde_json::to_vec(&docs).unwrap().len() as u64;
        let each = stored_bytes(&doc).unwrap();
        assert_eq!(published, 3 * each + 2 + 2, "bytes of the documents, two commas, two brackets");
        let worst = MAX_LIVE_CAMPAIGN_BYTES + (MAX_LIVE_CAMPAIGNS - 1) + 2;
        assert!(worst < KV_VALUE_LIMIT_BYTES, "{worst} bytes at worst, limit {KV_VALUE_LIMIT_BYTES}");
        println!(
            "worst-case published campaigns: {worst} bytes ({:.2} MiB) of {KV_VALUE_LIMIT_BYTES}",
            worst as f64 / 1048576.0
        );
    }

    #[test]
    fn the_list_carries_each_campaigns_totals_of_every_day_and_none_of_another_channel() {
        let db = Sqlite::with_channel();
        db.exec(
            "INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('elsewhere', 'Else', 0, 0);
             INSERT INTO campaigns (id, channel_id, name, state, definition, created_at, updated_at) VALUES
               ('welcome', 'shop', 'Welcome', 'running', '{}', 1, 0),
               ('quiet', 'shop', 'Quiet', 'draft', '{}', 2, 0),
               ('theirs', 'elsewhere', 'Theirs', 'running', '{}', 0, 0);
             INSERT INTO campaign_daily_stats (campaign_id, day, sent, view, click, goal) VALUES
               ('welcome', '2026-11-01', 3, 2, 1, 0),
               ('welcome', '2026-11-02', 4, 1, 1, 1),
               ('theirs', '2026-11-01', 9, 9, 9, 9);",
        );
        let shop = ChannelId::parse("shop").unwrap();
        let rows: Vec<_> =
            wait(campaign_rows_with_totals(&db, &shop)).unwrap().into_iter().map(ListedRow::split).collect();
        let seen: Vec<_> = rows.iter().map(|(row, totals)| (row.created_at, *totals)).collect();
        assert_eq!(
            seen,
            vec![(1, Counts { sent: 7, view: 3, click: 2, goal: 1 }), (2, Counts::default())],
            "summed over days; a campaign without counters has zeros; another channel's are left out"
        );
    }

    #[test]
    fn live_campaigns_are_drafts_and_what_is_published_counted_with_their_bytes() {
        let db = Sqlite::with_channel();
        let row = |id: &str, state: &str, updated_at: i64, definition: &str| {
            db.exec(&format!(
                "INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
                 VALUES ('{id}', 'shop', '{id}', '{state}', 0, '{definition}', 0, {updated_at})"
            ))
        };
        let now = 100 * WINDOW;
        row("draft", "draft", 0, "12345");
        row("running", "running", 0, "茶");
        row("ended_lately", "ended", now - WINDOW + 1, "1");
        row("ended_long_ago", "ended", now - WINDOW - 1, "123456789");
        let shop = ChannelId::parse("shop").unwrap();
        let live = |except| wait(live_campaigns(&db, &shop, now, except)).unwrap();
        assert_eq!(live(""), LiveCampaigns { count: 3, bytes: 5 + 3 + 1 }, "bytes, not characters");
        assert_eq!(live("draft"), LiveCampaigns { count: 2, bytes: 4 });
    }
}
