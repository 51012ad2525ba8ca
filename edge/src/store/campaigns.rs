//! Campaigns (`campaigns`): their rows, the set published to visitors, and the message an
//! email or SMS carries.
//!
//! Invariant: the row's `state` and `priority` columns are the truth; the copy inside
//! the stored document follows them when read. Only a draft can be deleted.

use super::{Executor, Statement, StoreError, corrupt, json, num, text};
use kizuna_shared::counting::WINDOW;
use kizuna_shared::ids::{CampaignId, ChannelId};
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

    pub fn campaign_message(channel: &ChannelId, campaign: &CampaignId) -> Statement {
        Statement::new(
            "SELECT name, definition FROM campaigns WHERE id = ?1 AND channel_id = ?2",
            vec![text(campaign.as_str()), text(channel.as_str())],
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
}

/// A campaign's name and message (nothing else of its document is read).
pub async fn campaign_message(
    db: &impl Executor,
    channel: &ChannelId,
    campaign: &CampaignId,
) -> Result<Option<kizuna_shared::outbound::CampaignMessage>, StoreError> {
    let row = db.first::<MessageRow>(sql::campaign_message(channel, campaign)).await?;
    row.map(|r| {
        let doc: kizuna_shared::store::Definition =
            serde_json::from_str(&r.definition).map_err(|e| corrupt("campaign message", e))?;
        Ok(kizuna_shared::outbound::CampaignMessage { name: r.name, message: doc.message })
    })
    .transpose()
}
