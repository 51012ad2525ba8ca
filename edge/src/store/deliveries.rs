//! Deliveries (`deliveries`) and the day counters they feed (`campaign_daily_stats`).
//!
//! Invariant: a counter grows only in the same batch (one transaction) as the delivery
//! row change that justifies it, and only when that change happened (`changes() = 1`):
//! a retried insert, a repeated move of a delivery's state or a lost compare-and-set
//! counts nothing. A released delivery is inserted pending and counts nothing; `sent`
//! grows when it moves to sent (`counting::DeliveryState::after`), on that day.

use super::{Executor, Param, Statement, StoreError, corrupt, num, opt, text};
use kizuna_shared::campaign::{Campaign, Display, Goal};
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::{Counts, Delivery, DeliveryState, Fate};
use kizuna_shared::ids::{CampaignId, ChannelId, DeliveryId, VisitorId};
use kizuna_shared::store::CampaignDocV1;
use kizuna_shared::time::{Day, Millis};
use serde::Deserialize;

const DELIVERY_COLUMNS: &str = "d.id, d.campaign_id, d.visitor_id, d.display, d.state, d.sent_at, d.view_at, \
     d.click_at, d.goal_at, c.definition FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id";

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    /// Adds `counts` to the campaign's row for `day`, but only if the statement just
    /// before it in the same batch changed a row.
    pub fn count_if_changed(campaign: &CampaignId, day: Day, counts: Counts) -> Statement {
        Statement::new(
            "INSERT INTO campaign_daily_stats (campaign_id, day, sent, view, click, goal)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() = 1
         ON CONFLICT (campaign_id, day) DO UPDATE SET
           sent = sent + excluded.sent, view = view + excluded.view,
           click = click + excluded.click, goal = goal + excluded.goal",
            vec![
                text(campaign.as_str()),
                text(&day.iso()),
                num(counts.sent as i64),
                num(counts.view as i64),
                num(counts.click as i64),
                num(counts.goal as i64),
            ],
        )
    }

    /// Each delivery's insert, in its state (pending, as the engine releases it): an
    /// insert counts nothing.
    pub fn insert_deliveries(channel: &ChannelId, deliveries: &[Delivery]) -> Vec<Statement> {
        deliveries
            .iter()
            .map(|d| {
                Statement::new(
                    "INSERT OR IGNORE INTO deliveries (id, channel_id, campaign_id, visitor_id, display, state, sent_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    vec![
                        text(d.id.as_str()),
                        text(channel.as_str()),
                        text(d.campaign_id.as_str()),
                        text(d.visitor_id.as_str()),
                        text(display_name(d.display)),
                        text(d.state.as_str()),
                        num(d.sent_at),
                    ],
                )
            })
            .collect()
    }

    /// Each delivery's move from pending by its fate at `now` (a compare-and-set on the
    /// state, and only on a delivery of `visitor` and of the campaign named), followed by
    /// what the move counts, on `now`'s day. Sent takes `now` as its time; withdrawn
    /// and expired keep the release time.
    pub fn move_deliveries(channel: &Channel, visitor: &VisitorId, moves: &[Move], now: Millis) -> Vec<Statement> {
        let mut batch = Vec::with_capacity(moves.len() * 2);
        for m in moves {
            let Some((to, counts)) = DeliveryState::Pending.after(m.fate) else { continue };
            batch.push(Statement::new(
                "UPDATE deliveries SET state = ?1, sent_at = CASE WHEN ?1 = 'sent' THEN ?2 ELSE sent_at END
             WHERE id = ?3 AND channel_id = ?4 AND visitor_id = ?5 AND campaign_id = ?6 AND state = ?7",
                vec![
                    text(to.as_str()),
                    num(now),
                    text(m.delivery.as_str()),
                    text(channel.id.as_str()),
                    text(visitor.as_str()),
                    text(m.campaign.as_str()),
                    text(DeliveryState::Pending.as_str()),
                ],
            ));
            if !counts.is_zero() {
                batch.push(count_if_changed(&m.campaign, channel.day_of(now), counts));
            }
        }
        batch
    }

    pub fn load_delivery(channel: &ChannelId, visitor: &VisitorId, id: &DeliveryId) -> Statement {
        Statement::new(
            format!("SELECT {DELIVERY_COLUMNS} WHERE d.id = ?1 AND d.channel_id = ?2 AND d.visitor_id = ?3"),
            vec![text(id.as_str()), text(channel.as_str()), text(visitor.as_str())],
        )
    }

    pub fn deliveries_awaiting_goal(
        channel: &ChannelId,
        visitor: &VisitorId,
        campaign: &CampaignId,
        since: Millis,
    ) -> Statement {
        Statement::new(
            format!(
                "SELECT {DELIVERY_COLUMNS} WHERE d.channel_id = ?1 AND d.visitor_id = ?2 AND d.campaign_id = ?3
             AND d.view_at IS NOT NULL AND d.goal_at IS NULL AND d.sent_at >= ?4"
            ),
            vec![text(channel.as_str()), text(visitor.as_str()), text(campaign.as_str()), num(since)],
        )
    }

    /// The compare-and-set update, then its count.
    pub fn save_action(before: &Delivery, after: &Delivery, counts: Counts, day: Day) -> Vec<Statement> {
        let update = Statement::new(
            "UPDATE deliveries SET view_at = ?2, click_at = ?3, goal_at = ?4
         WHERE id = ?1 AND view_at IS ?5 AND click_at IS ?6 AND goal_at IS ?7",
            vec![
                text(after.id.as_str()),
                opt(after.view_at),
                opt(after.click_at),
                opt(after.goal_at),
                opt(before.view_at),
                opt(before.click_at),
                opt(before.goal_at),
            ],
        );
        vec![update, count_if_changed(&after.campaign_id, day, counts)]
    }

    /// How many customers `campaign` reached in each span (`[start, end)`, one a day): a
    /// customer sent two messages in one span counts once there.
    pub fn reached_by_span(campaign: &CampaignId, spans: &[(Day, Millis, Millis)]) -> Statement {
        let spans: Vec<serde_json::Value> =
            spans.iter().map(|(day, start, end)| serde_json::json!([day.iso(), start, end])).collect();
        Statement::new(
            "SELECT json_extract(s.value, '$[0]') AS day, COUNT(DISTINCT d.visitor_id) AS reached
         FROM json_each(?2) s
         JOIN deliveries d ON d.campaign_id = ?1
           AND d.sent_at >= json_extract(s.value, '$[1]') AND d.sent_at < json_extract(s.value, '$[2]')
         WHERE d.state = 'sent'
         GROUP BY s.key",
            vec![text(campaign.as_str()), text(&serde_json::Value::Array(spans).to_string())],
        )
    }

    /// How many customers `campaign` reached from `start` until before `end`: each once.
    pub fn reached_between(campaign: &CampaignId, start: Millis, end: Millis) -> Statement {
        Statement::new(
            "SELECT COUNT(DISTINCT visitor_id) AS reached FROM deliveries
         WHERE campaign_id = ?1 AND sent_at >= ?2 AND sent_at < ?3 AND state = 'sent'",
            vec![text(campaign.as_str()), num(start), num(end)],
        )
    }

    pub fn daily_stats(campaign: &CampaignId, from: Day, to: Day) -> Statement {
        Statement::new(
            "SELECT day, sent, view, click, goal FROM campaign_daily_stats WHERE campaign_id = ?1 AND day BETWEEN ?2 AND ?3",
            vec![text(campaign.as_str()), text(&from.iso()), text(&to.iso())],
        )
    }

    /// A customer's deliveries, newest first, with their campaign's name (none once the
    /// campaign is deleted), after `after` (`sent_at`, `id`) when given.
    pub fn received(channel: &ChannelId, visitor: &str, after: Option<&SentAfter>, limit: u32) -> Statement {
        let (sent_at, id) = after.map_or((Param::Null, Param::Null), |a| (num(a.sent_at), text(&a.id)));
        Statement::new(
            "SELECT d.id, d.campaign_id, c.name AS campaign_name, d.display, d.state, d.sent_at, d.view_at, d.click_at, d.goal_at
         FROM deliveries d LEFT JOIN campaigns c ON c.id = d.campaign_id AND c.channel_id = d.channel_id
         WHERE d.channel_id = ?1 AND d.visitor_id = ?2
           AND (?3 IS NULL OR d.sent_at < ?3 OR (d.sent_at = ?3 AND d.id < ?4))
         ORDER BY d.sent_at DESC, d.id DESC LIMIT ?5",
            vec![text(channel.as_str()), text(visitor), sent_at, id, num(i64::from(limit))],
        )
    }

    /// One page of the customers `campaign` reached, by their first delivery (the one
    /// no other of theirs precedes in (`sent_at`, `id`)), newest first, ties by customer
    /// id, after `after`; each with the first view, click and goal of all their
    /// deliveries, how many they got, and their name and email when the customer is known.
    ///
    /// The page walks `deliveries_recipients` (campaign, sent, customer) from the cursor,
    /// then reads only its customers' deliveries (`CROSS JOIN` keeps that order, which
    /// SQLite may otherwise turn round and read all the campaign's deliveries first),
    /// so it reads `limit` rows when every customer got the campaign once; a repeating
    /// campaign's later deliveries are read and passed over, never more than the
    /// campaign's rows. The cursor is a range (`sent_at <= ?`), not `?3 IS NULL OR …`,
    /// which would make SQLite scan from the newest row on every page.
    pub fn recipients(channel: &ChannelId, campaign: &CampaignId, after: Option<&SentAfter>, limit: u32) -> Statement {
        let mut params = vec![text(campaign.as_str()), text(channel.as_str())];
        let from = match after {
            None => "",
            Some(after) => {
                params.extend([num(after.sent_at), text(&after.id)]);
                "AND d.sent_at <= ?3 AND (d.sent_at < ?3 OR d.visitor_id < ?4)"
            }
        };
        params.push(num(i64::from(limit)));
        let limit_param = params.len();
        Statement::new(
            format!(
                "WITH page AS (
           SELECT d.visitor_id, d.sent_at FROM deliveries d
           WHERE d.campaign_id = ?1 AND d.channel_id = ?2 AND d.state = 'sent' {from}
             AND NOT EXISTS (SELECT 1 FROM deliveries e
               WHERE e.channel_id = ?2 AND e.visitor_id = d.visitor_id AND e.campaign_id = ?1 AND e.state = 'sent'
                 AND (e.sent_at < d.sent_at OR (e.sent_at = d.sent_at AND e.id < d.id)))
           ORDER BY d.sent_at DESC, d.visitor_id DESC LIMIT ?{limit_param})
         SELECT p.visitor_id AS customer_id, p.sent_at, MIN(e.view_at) AS view_at, MIN(e.click_at) AS click_at,
           MIN(e.goal_at) AS goal_at, COUNT(*) AS deliveries,
           CASE WHEN TRIM(cu.name) <> '' THEN cu.name WHEN TRIM(cu.profile_name) <> '' THEN cu.profile_name END AS name,
           cu.profile_email AS email
         FROM page p
         CROSS JOIN deliveries e ON e.channel_id = ?2 AND e.visitor_id = p.visitor_id AND e.campaign_id = ?1
           AND e.state = 'sent'
         LEFT JOIN customers cu ON cu.channel_id = ?2 AND cu.id = p.visitor_id
         GROUP BY p.visitor_id, p.sent_at
         ORDER BY p.sent_at DESC, p.visitor_id DESC"
            ),
            params,
        )
    }

    pub fn delivery_owner(delivery: &DeliveryId) -> Statement {
        Statement::new(
            "SELECT channel_id, visitor_id, campaign_id FROM deliveries WHERE id = ?1",
            vec![text(delivery.as_str())],
        )
    }
}

/// Records released deliveries, pending: nothing counts until one reaches the customer
/// ([`move_deliveries`]). Ids are derived, so a retry inserts nothing.
pub async fn insert_deliveries(
    db: &impl Executor,
    channel: &ChannelId,
    deliveries: &[Delivery],
) -> Result<(), StoreError> {
    let batch = sql::insert_deliveries(channel, deliveries);
    if !batch.is_empty() {
        db.batch(batch).await?;
    }
    Ok(())
}

/// A pending delivery's fate: the delivery, the campaign it is of, and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub delivery: DeliveryId,
    pub campaign: CampaignId,
    pub fate: Fate,
}

/// Moves `visitor`'s pending deliveries by their fates at `now`, counting `sent` (on
/// `now`'s day in the channel's clock) for each that reached the customer. A delivery
/// that is not pending (already sent, withdrawn or expired: a replay), or not
/// `visitor`'s, or not of the campaign named, is left as it is and counts nothing.
/// Returns how many moved.
pub async fn move_deliveries(
    db: &impl Executor,
    channel: &Channel,
    visitor: &VisitorId,
    moves: &[Move],
    now: Millis,
) -> Result<usize, StoreError> {
    let batch = sql::move_deliveries(channel, visitor, moves, now);
    if batch.is_empty() {
        return Ok(0);
    }
    let updates: Vec<bool> = batch.iter().map(|s| s.sql.starts_with("UPDATE")).collect();
    let changed = db.batch(batch).await?;
    Ok(changed.iter().zip(updates).filter(|(n, update)| *update && **n == 1).count())
}

/// How `deliveries.display` writes a display: the one conversion to text.
fn display_name(display: Display) -> &'static str {
    match display {
        Display::Bubble => "bubble",
        Display::Fullscreen => "fullscreen",
    }
}

/// The display `deliveries.display` holds: the one conversion from text. The column's
/// CHECK allows only the two names; anything else would read as a bubble, as it always has.
fn display_of(stored: &str) -> Display {
    [Display::Bubble, Display::Fullscreen].into_iter().find(|d| display_name(*d) == stored).unwrap_or(Display::Bubble)
}

/// The state `deliveries.state` holds (its CHECK allows only the four names).
fn state_of(stored: &str) -> Result<DeliveryState, StoreError> {
    DeliveryState::parse(stored).ok_or_else(|| corrupt("delivery state", stored))
}

#[derive(Deserialize)]
struct DeliveryRow {
    id: String,
    campaign_id: String,
    visitor_id: String,
    display: String,
    state: String,
    sent_at: i64,
    view_at: Option<i64>,
    click_at: Option<i64>,
    goal_at: Option<i64>,
    definition: String,
}

impl DeliveryRow {
    fn into_delivery(self) -> Result<(Delivery, Goal), StoreError> {
        let doc: CampaignDocV1 = serde_json::from_str(&self.definition).map_err(|e| corrupt("campaign", e))?;
        let goal = Campaign::try_from(&doc).map_err(|e| corrupt("campaign", e))?.goal;
        let delivery = Delivery {
            id: DeliveryId::parse(&self.id).map_err(|e| corrupt("delivery id", e))?,
            campaign_id: CampaignId::parse(&self.campaign_id).map_err(|e| corrupt("campaign id", e))?,
            visitor_id: VisitorId::parse(&self.visitor_id).map_err(|e| corrupt("visitor id", e))?,
            display: display_of(&self.display),
            state: state_of(&self.state)?,
            sent_at: self.sent_at,
            view_at: self.view_at,
            click_at: self.click_at,
            goal_at: self.goal_at,
        };
        Ok((delivery, goal))
    }
}

/// One delivery of this visitor in this channel, with its campaign's goal.
pub async fn load_delivery(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
    id: &DeliveryId,
) -> Result<Option<(Delivery, Goal)>, StoreError> {
    let row = db.first::<DeliveryRow>(sql::load_delivery(channel, visitor, id)).await?;
    row.map(DeliveryRow::into_delivery).transpose()
}

/// This visitor's viewed deliveries of `campaigns` that have not reached their goal and
/// are still inside the counting window at `now`.
pub async fn deliveries_awaiting_goal(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
    campaigns: &[CampaignId],
    since: Millis,
) -> Result<Vec<(Delivery, Goal)>, StoreError> {
    let mut found = Vec::new();
    for campaign in campaigns {
        let rows = db.all::<DeliveryRow>(sql::deliveries_awaiting_goal(channel, visitor, campaign, since)).await?;
        for row in rows {
            found.push(row.into_delivery()?);
        }
    }
    Ok(found)
}

/// Writes what an action changed on a delivery and counts it, if the row still holds
/// what `before` read (compare-and-set). Returns false when another request won.
pub async fn save_action(
    db: &impl Executor,
    before: &Delivery,
    after: &Delivery,
    counts: Counts,
    day: Day,
) -> Result<bool, StoreError> {
    let changed = db.batch(sql::save_action(before, after, counts, day)).await?;
    Ok(changed.first().copied().unwrap_or(0) == 1)
}

#[derive(Deserialize)]
struct StatsRow {
    day: String,
    sent: i64,
    view: i64,
    click: i64,
    goal: i64,
}

pub async fn daily_stats(
    db: &impl Executor,
    campaign: &CampaignId,
    from: Day,
    to: Day,
) -> Result<Vec<(Day, Counts)>, StoreError> {
    let rows = db.all::<StatsRow>(sql::daily_stats(campaign, from, to)).await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    rows.into_iter()
        .map(|r| {
            let day = Day::parse_iso(&r.day).ok_or_else(|| corrupt("stats day", &r.day))?;
            Ok((day, Counts { sent: count(r.sent), view: count(r.view), click: count(r.click), goal: count(r.goal) }))
        })
        .collect()
}

#[derive(Deserialize)]
struct ReachedRow {
    day: Option<String>,
    reached: i64,
}

/// How many customers `campaign` reached on each day of `spans` (`stats::day_spans`);
/// days without any are left out.
pub async fn reached_by_day(
    db: &impl Executor,
    campaign: &CampaignId,
    spans: &[(Day, Millis, Millis)],
) -> Result<Vec<(Day, u64)>, StoreError> {
    let rows = db.all::<ReachedRow>(sql::reached_by_span(campaign, spans)).await?;
    rows.into_iter()
        .map(|r| {
            let text = r.day.unwrap_or_default();
            let day = Day::parse_iso(&text).ok_or_else(|| corrupt("reached day", &text))?;
            Ok((day, u64::try_from(r.reached).unwrap_or(0)))
        })
        .collect()
}

/// How many customers `campaign` reached from `start` until before `end`, each once.
pub async fn reached_between(
    db: &impl Executor,
    campaign: &CampaignId,
    start: Millis,
    end: Millis,
) -> Result<u64, StoreError> {
    let row = db.first::<ReachedRow>(sql::reached_between(campaign, start, end)).await?;
    Ok(row.map_or(0, |r| u64::try_from(r.reached).unwrap_or(0)))
}

#[derive(Deserialize)]
struct DeliveryOwnerRow {
    channel_id: String,
    visitor_id: String,
    campaign_id: String,
}

/// The channel, visitor and campaign of a delivery (a tracking token names only the
/// delivery).
pub async fn delivery_owner(
    db: &impl Executor,
    delivery: &DeliveryId,
) -> Result<Option<(ChannelId, VisitorId, CampaignId)>, StoreError> {
    let row = db.first::<DeliveryOwnerRow>(sql::delivery_owner(delivery)).await?;
    row.map(|r| {
        Ok((
            ChannelId::parse(&r.channel_id).map_err(|e| corrupt("channel id", e))?,
            VisitorId::parse(&r.visitor_id).map_err(|e| corrupt("visitor id", e))?,
            CampaignId::parse(&r.campaign_id).map_err(|e| corrupt("campaign id", e))?,
        ))
    })
    .transpose()
}

/// Where a newest-first page continues: after the row sent at `sent_at` whose id is
/// `id` (a delivery's in a customer's messages, a customer's in a campaign's recipients).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentAfter {
    pub sent_at: Millis,
    pub id: String,
}

/// One message a customer received.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub id: String,
    pub campaign_id: String,
    /// `None` once the campaign was deleted.
    pub campaign_name: Option<String>,
    pub display: Display,
    /// As read at the time asked (`DeliveryState::effective`).
    pub state: DeliveryState,
    pub sent_at: Millis,
    pub view_at: Option<Millis>,
    pub click_at: Option<Millis>,
    pub goal_at: Option<Millis>,
}

#[derive(Deserialize)]
struct ReceivedRow {
    id: String,
    campaign_id: String,
    campaign_name: Option<String>,
    display: String,
    state: String,
    sent_at: i64,
    view_at: Option<i64>,
    click_at: Option<i64>,
    goal_at: Option<i64>,
}

/// Up to `limit` of the messages released to customer `visitor` of `channel` (sent or
/// not, each with its state at `now`), newest first (ties by id), after `after`.
pub async fn received(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &str,
    after: Option<&SentAfter>,
    limit: u32,
    now: Millis,
) -> Result<Vec<Received>, StoreError> {
    let rows = db.all::<ReceivedRow>(sql::received(channel, visitor, after, limit)).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Received {
                state: state_of(&r.state)?.effective(r.sent_at, now),
                id: r.id,
                campaign_id: r.campaign_id,
                campaign_name: r.campaign_name,
                display: display_of(&r.display),
                sent_at: r.sent_at,
                view_at: r.view_at,
                click_at: r.click_at,
                goal_at: r.goal_at,
            })
        })
        .collect()
}

/// One customer a campaign reached: their first delivery's time and the first time each
/// later step happened in any of their deliveries of it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Recipient {
    pub customer_id: String,
    pub sent_at: Millis,
    pub view_at: Option<Millis>,
    pub click_at: Option<Millis>,
    pub goal_at: Option<Millis>,
    /// How many deliveries of the campaign the customer got (more than one when it repeats).
    pub deliveries: i64,
    /// The customer's name, else their profile name; `None` for a customer not (or no
    /// longer) in the customer table.
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Up to `limit` of the customers `campaign` of `channel` reached, newest first by their
/// first delivery (ties by customer id), after `after` (`sent_at` and customer id).
pub async fn recipients(
    db: &impl Executor,
    channel: &ChannelId,
    campaign: &CampaignId,
    after: Option<&SentAfter>,
    limit: u32,
) -> Result<Vec<Recipient>, StoreError> {
    db.all::<Recipient>(sql::recipients(channel, campaign, after, limit)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::channels;
    use crate::store::sqlite::{Sqlite, wait};

    const SENT_AT: Millis = 1_767_225_600_000;

    #[test]
    fn a_display_reads_back_as_the_display_it_was_written_as() {
        for display in [Display::Bubble, Display::Fullscreen] {
            assert_eq!(display_of(display_name(display)), display);
        }
        // The names are the ones the admin API and the column's CHECK use.
        assert_eq!((display_name(Display::Bubble), display_name(Display::Fullscreen)), ("bubble", "fullscreen"));
    }

    fn shop(db: &Sqlite) -> Channel {
        let doc = wait(channels::load_channel(db, &ChannelId::parse("shop").unwrap())).unwrap().unwrap();
        Channel::try_from(&doc).unwrap()
    }

    fn delivery(id: &str) -> Delivery {
        Delivery {
            id: DeliveryId::parse(id).unwrap(),
            campaign_id: CampaignId::parse("welcome").unwrap(),
            visitor_id: VisitorId::parse("v1").unwrap(),
            display: Display::Bubble,
            state: DeliveryState::Pending,
            sent_at: SENT_AT,
            view_at: None,
            click_at: None,
            goal_at: None,
        }
    }

    fn counted(db: &Sqlite, column: &str) -> i64 {
        db.number(&format!("SELECT COALESCE(SUM({column}), 0) FROM campaign_daily_stats WHERE campaign_id = 'welcome'"))
    }

    fn v(id: &str) -> VisitorId {
        VisitorId::parse(id).unwrap()
    }

    fn moved(id: &str, fate: Fate) -> Move {
        Move { delivery: DeliveryId::parse(id).unwrap(), campaign: CampaignId::parse("welcome").unwrap(), fate }
    }

    /// Moves `id` (of v1, campaign welcome) by `fate` at `at`; how many rows moved.
    fn settle(db: &Sqlite, id: &str, fate: Fate, at: Millis) -> usize {
        wait(move_deliveries(db, &shop(db), &v("v1"), &[moved(id, fate)], at)).unwrap()
    }

    fn state(db: &Sqlite, id: &str) -> String {
        db.text(&format!("SELECT state FROM deliveries WHERE id = '{id}'")).unwrap()
    }

    #[test]
    fn a_released_delivery_is_pending_and_adds_no_sent_and_a_retried_insert_adds_no_row() {
        let db = Sqlite::with_channel();
        let shop_id = ChannelId::parse("shop").unwrap();
        let deliveries = [delivery("d1"), delivery("d2")];
        wait(insert_deliveries(&db, &shop_id, &deliveries)).unwrap();
        wait(insert_deliveries(&db, &shop_id, &deliveries)).unwrap();
        assert_eq!(db.number("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'"), 2);
        assert_eq!(counted(&db, "sent"), 0);
    }

    #[test]
    fn sent_counts_on_the_day_a_page_takes_the_message_not_the_day_it_was_released() {
        let db = Sqlite::with_channel();
        let channel = shop(&db);
        wait(insert_deliveries(&db, &channel.id, &[delivery("d1")])).unwrap();
        let taken_at = SENT_AT + 2 * kizuna_shared::time::DAY;
        assert_eq!(settle(&db, "d1", Fate::Reached, taken_at), 1);
        assert_eq!(state(&db, "d1"), "sent");
        assert_eq!(db.number("SELECT sent_at FROM deliveries WHERE id = 'd1'"), taken_at, "sent when taken");
        let days = db.text("SELECT group_concat(day || '=' || sent) FROM campaign_daily_stats").unwrap();
        assert_eq!(days, format!("{}=1", channel.day_of(taken_at).iso()));
    }

    #[test]
    fn a_replayed_take_counts_sent_once() {
        let db = Sqlite::with_channel();
        wait(insert_deliveries(&db, &ChannelId::parse("shop").unwrap(), &[delivery("d1")])).unwrap();
        assert_eq!(settle(&db, "d1", Fate::Reached, SENT_AT + 1), 1);
        // Another tab, a retried call, or the provider accepting the email afterwards.
        assert_eq!(settle(&db, "d1", Fate::Reached, SENT_AT + 2), 0);
        assert_eq!(counted(&db, "sent"), 1);
        assert_eq!(db.number("SELECT sent_at FROM deliveries WHERE id = 'd1'"), SENT_AT + 1, "the first take's time");
    }

    #[test]
    fn a_take_naming_another_customer_s_or_campaign_s_delivery_changes_nothing() {
        let db = Sqlite::with_channel();
        wait(insert_deliveries(&db, &ChannelId::parse("shop").unwrap(), &[delivery("d1")])).unwrap();
        let channel = shop(&db);
        let by_v2 = wait(move_deliveries(&db, &channel, &v("v2"), &[moved("d1", Fate::Reached)], SENT_AT + 1));
        assert_eq!(by_v2.unwrap(), 0);
        let other_campaign = Move { campaign: CampaignId::parse("other").unwrap(), ..moved("d1", Fate::Reached) };
        assert_eq!(wait(move_deliveries(&db, &channel, &v("v1"), &[other_campaign], SENT_AT + 1)).unwrap(), 0);
        assert_eq!((state(&db, "d1"), counted(&db, "sent")), ("pending".to_owned(), 0));
    }

    #[test]
    fn a_message_withdrawn_or_expired_before_any_page_took_it_is_never_sent() {
        let db = Sqlite::with_channel();
        wait(insert_deliveries(&db, &ChannelId::parse("shop").unwrap(), &[delivery("d1"), delivery("d2")])).unwrap();
        assert_eq!(settle(&db, "d1", Fate::Withdrawn, SENT_AT + 1), 1);
        assert_eq!(settle(&db, "d2", Fate::Expired, SENT_AT + 1), 1);
        assert_eq!(settle(&db, "d1", Fate::Reached, SENT_AT + 2), 0, "a stale page cannot send it after");
        assert_eq!(settle(&db, "d2", Fate::Reached, SENT_AT + 2), 0);
        assert_eq!((state(&db, "d1"), state(&db, "d2")), ("withdrawn".to_owned(), "expired".to_owned()));
        assert_eq!(db.number("SELECT sent_at FROM deliveries WHERE id = 'd1'"), SENT_AT, "its release time stays");
        assert_eq!(counted(&db, "sent"), 0);
        assert_eq!(db.number("SELECT COUNT(*) FROM campaign_daily_stats"), 0, "not even a zero row");
    }

    #[test]
    fn a_sent_message_withdrawn_later_stays_sent() {
        let db = Sqlite::with_channel();
        wait(insert_deliveries(&db, &ChannelId::parse("shop").unwrap(), &[delivery("d1")])).unwrap();
        settle(&db, "d1", Fate::Reached, SENT_AT + 1);
        assert_eq!(settle(&db, "d1", Fate::Withdrawn, SENT_AT + 2), 0);
        assert_eq!((state(&db, "d1"), counted(&db, "sent")), ("sent".to_owned(), 1));
    }

    #[test]
    fn customers_reached_count_each_customer_once_a_day_and_once_for_the_period() {
        let db = Sqlite::with_channel();
        let channel = shop(&db);
        let day0 = channel.day_of(SENT_AT);
        let start = channel.start_of_day(day0);
        let day = kizuna_shared::time::DAY;
        let at = |id: &str, visitor: &str, sent_at: Millis, state: DeliveryState| Delivery {
            visitor_id: v(visitor),
            sent_at,
            state,
            ..delivery(id)
        };
        let rows = [
            at("d1", "v1", start + 1, DeliveryState::Sent),
            at("d2", "v1", start + 2, DeliveryState::Sent),
            at("d3", "v2", start + 3, DeliveryState::Sent),
            at("d4", "v1", start + day + 1, DeliveryState::Sent),
            at("d5", "v3", start + day + 2, DeliveryState::Pending),
            at("d6", "v4", start + day + 3, DeliveryState::Withdrawn),
        ];
        wait(insert_deliveries(&db, &channel.id, &rows)).unwrap();
        let welcome = CampaignId::parse("welcome").unwrap();
        let spans = kizuna_shared::stats::day_spans(&channel, day0, day0.next().next());
        let by_day = wait(reached_by_day(&db, &welcome, &spans)).unwrap();
        assert_eq!(by_day, [(day0, 2), (day0.next(), 1)], "v1 twice on day 0 counts once; pending and withdrawn none");
        let period = wait(reached_between(&db, &welcome, spans[0].1, spans[2].2)).unwrap();
        assert_eq!(period, 2, "v1 on two days is one customer of the period");
    }

    #[test]
    fn an_action_on_a_row_that_changed_meanwhile_saves_nothing_and_counts_nothing() {
        let db = Sqlite::with_channel();
        let channel = shop(&db);
        let before = Delivery { state: DeliveryState::Sent, ..delivery("d1") };
        wait(insert_deliveries(&db, &channel.id, std::slice::from_ref(&before))).unwrap();
        let day = channel.day_of(SENT_AT);
        let viewed = Delivery { view_at: Some(SENT_AT + 1), ..before.clone() };
        let view = Counts { sent: 0, view: 1, click: 0, goal: 0 };
        assert!(wait(save_action(&db, &before, &viewed, view, day)).unwrap());
        // A second request read the row before the first wrote: its compare-and-set loses.
        let late = Delivery { view_at: Some(SENT_AT + 2), ..before.clone() };
        assert!(!wait(save_action(&db, &before, &late, view, day)).unwrap());
        assert_eq!(db.number("SELECT view_at FROM deliveries WHERE id = 'd1'"), SENT_AT + 1);
        assert_eq!(counted(&db, "view"), 1);
    }

    #[test]
    fn a_delivery_names_its_channel_visitor_and_campaign() {
        let db = Sqlite::with_channel();
        wait(insert_deliveries(&db, &ChannelId::parse("shop").unwrap(), &[delivery("d1")])).unwrap();
        let owner = wait(delivery_owner(&db, &DeliveryId::parse("d1").unwrap())).unwrap().unwrap();
        assert_eq!((owner.0.as_str(), owner.1.as_str(), owner.2.as_str()), ("shop", "v1", "welcome"));
        assert!(wait(delivery_owner(&db, &DeliveryId::parse("d9").unwrap())).unwrap().is_none());
    }

    #[test]
    fn a_customer_s_messages_come_newest_first_in_pages_with_deleted_campaigns_kept_by_id() {
        let db = Sqlite::with_channel();
        let channel = shop(&db);
        let at = |id: &str, campaign: &str, visitor: &str, sent_at: Millis| Delivery {
            campaign_id: CampaignId::parse(campaign).unwrap(),
            visitor_id: VisitorId::parse(visitor).unwrap(),
            sent_at,
            ..delivery(id)
        };
        let deliveries = [
            at("d1", "welcome", "v1", SENT_AT),
            at("d2", "gone", "v1", SENT_AT + 10),
            at("d3", "welcome", "v1", SENT_AT + 10),
            at("d4", "welcome", "v2", SENT_AT + 20),
        ];
        db.exec(
            "INSERT INTO campaigns (id, channel_id, name, state, definition, created_at, updated_at)
             VALUES ('welcome', 'shop', 'Welcome', 'running', '{}', 0, 0)",
        );
        db.exec("INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('elsewhere', 'Else', 0, 0)");
        wait(insert_deliveries(&db, &channel.id, &deliveries)).unwrap();
        db.exec(
            "INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at)
             VALUES ('d9', 'elsewhere', 'welcome', 'v1', 'fullscreen', 99)",
        );
        let shop_id = ChannelId::parse("shop").unwrap();
        let page =
            |after: Option<&SentAfter>, limit| wait(received(&db, &shop_id, "v1", after, limit, SENT_AT)).unwrap();
        let ids = |rows: &[Received]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let first = page(None, 2);
        assert_eq!(ids(&first), ["d3", "d2"], "newest first, ties by id, only this channel's and customer's");
        let last = first.last().map(|r| SentAfter { sent_at: r.sent_at, id: r.id.clone() });
        assert_eq!(ids(&page(last.as_ref(), 2)), ["d1"]);
        let names: Vec<Option<&str>> = first.iter().map(|r| r.campaign_name.as_deref()).collect();
        assert_eq!(names[1], None, "a campaign that no longer exists lists by its id");
        assert_eq!(first[1].campaign_id, "gone");
        assert_eq!(names[0], Some("Welcome"));
        assert_eq!(first[0].state, DeliveryState::Pending, "a message not yet taken is listed as pending");
        let later = wait(received(&db, &shop_id, "v1", None, 1, SENT_AT + 10 + 7 * kizuna_shared::time::DAY + 1));
        assert_eq!(later.unwrap()[0].state, DeliveryState::Expired, "and as expired once no page can take it");
    }

    #[test]
    fn a_campaign_s_recipients_are_the_customers_it_reached_not_those_still_waiting() {
        let db = Sqlite::with_channel();
        deliver(&db, &[("d1", "v1", 100, None, None, None), ("d2", "v2", 200, None, None, None)]);
        db.exec("UPDATE deliveries SET state = 'pending' WHERE id = 'd2'");
        assert_eq!(customers(&recipients_of(&db, None, 10)), ["v1"]);
        db.exec("UPDATE deliveries SET state = 'withdrawn' WHERE id = 'd2'");
        assert_eq!(customers(&recipients_of(&db, None, 10)), ["v1"]);
    }

    /// A delivery of `welcome` (in `shop`): id, customer, sent, view, click, goal.
    type Row<'a> = (&'a str, &'a str, Millis, Option<Millis>, Option<Millis>, Option<Millis>);

    fn deliver(db: &Sqlite, rows: &[Row]) {
        for (id, visitor, sent, view, click, goal) in rows {
            let at = |t: &Option<Millis>| t.map_or("NULL".to_owned(), |t| t.to_string());
            db.exec(&format!(
                "INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at, view_at, click_at, goal_at)
                 VALUES ('{id}', 'shop', 'welcome', '{visitor}', 'bubble', {sent}, {}, {}, {})",
                at(view),
                at(click),
                at(goal)
            ));
        }
    }

    fn recipients_of(db: &Sqlite, after: Option<&SentAfter>, limit: u32) -> Vec<Recipient> {
        let (shop, welcome) = (ChannelId::parse("shop").unwrap(), CampaignId::parse("welcome").unwrap());
        wait(recipients(db, &shop, &welcome, after, limit)).unwrap()
    }

    fn customers(rows: &[Recipient]) -> Vec<&str> {
        rows.iter().map(|r| r.customer_id.as_str()).collect()
    }

    #[test]
    fn a_recipient_is_listed_once_with_the_first_time_of_each_step_over_their_deliveries() {
        let db = Sqlite::with_channel();
        deliver(
            &db,
            &[
                ("d1", "v1", 100, None, None, None),
                ("d2", "v1", 500, Some(510), Some(520), Some(530)),
                ("d3", "v1", 900, Some(905), None, None),
            ],
        );
        db.exec(
            "INSERT INTO customers (channel_id, id, created_at, updated_at, name, profile_name, profile_email)
             VALUES ('shop', 'v1', 0, 0, ' ', 'Hanako', 'h@example.com')",
        );
        let all = recipients_of(&db, None, 10);
        let expected = Recipient {
            customer_id: "v1".into(),
            sent_at: 100,
            view_at: Some(510),
            click_at: Some(520),
            goal_at: Some(530),
            deliveries: 3,
            name: Some("Hanako".into()),
            email: Some("h@example.com".into()),
        };
        assert_eq!(all, [expected], "the first delivery's time, the first view, click and goal of any");
    }

    #[test]
    fn recipients_come_newest_first_by_first_delivery_in_pages_with_ties_by_customer() {
        let db = Sqlite::with_channel();
        deliver(
            &db,
            &[
                ("d1", "v1", 100, None, None, None),
                ("d2", "v2", 300, None, None, None),
                ("d3", "v3", 300, None, None, None),
                ("d4", "v1", 400, None, None, None),
                ("d5", "v4", 200, None, None, None),
            ],
        );
        // Another campaign's and another channel's deliveries are not this list's.
        db.exec("INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('elsewhere', 'Else', 0, 0)");
        db.exec(
            "INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at) VALUES
             ('x1', 'shop', 'other', 'v9', 'bubble', 350), ('x2', 'elsewhere', 'welcome', 'v8', 'bubble', 350)",
        );
        let mut pages = Vec::new();
        let mut after = None;
        loop {
            let page = recipients_of(&db, after.as_ref(), 2);
            after = page.last().map(|r| SentAfter { sent_at: r.sent_at, id: r.customer_id.clone() });
            let full = page.len() == 2;
            pages.push(customers(&page).join(" "));
            if !full {
                break;
            }
        }
        // v1 counts from its first delivery (100), not its repeat at 400.
        assert_eq!(pages, ["v3 v2", "v4 v1", ""]);
        assert!(recipients_of(&db, None, 10).iter().all(|r| r.name.is_none() && r.email.is_none()));
    }

    #[test]
    fn two_deliveries_of_one_customer_at_the_same_time_list_the_customer_once() {
        let db = Sqlite::with_channel();
        deliver(&db, &[("d1", "v1", 100, None, None, None), ("d2", "v1", 100, Some(150), None, None)]);
        let all = recipients_of(&db, None, 10);
        assert_eq!((customers(&all), all[0].deliveries, all[0].view_at), (vec!["v1"], 2, Some(150)));
    }

    #[test]
    fn a_recipients_page_seeks_the_campaign_s_index_from_its_cursor_and_sorts_nothing() {
        let db = Sqlite::with_channel();
        let (shop, welcome) = (ChannelId::parse("shop").unwrap(), CampaignId::parse("welcome").unwrap());
        let after = SentAfter { sent_at: 5, id: "v1".into() };
        for statement in
            [sql::recipients(&shop, &welcome, None, 50), sql::recipients(&shop, &welcome, Some(&after), 50)]
        {
            let plan = db.plan(&statement);
            // The page (up to `SCAN p`), then the steps run once per row of the page.
            let split = plan.iter().position(|line| line == "SCAN p").unwrap_or_else(|| panic!("{plan:#?}"));
            let (page, per_row) = plan.split_at(split);
            let walk = page.iter().find(|line| line.starts_with("SEARCH d "));
            assert!(walk.is_some_and(|line| line.contains("USING INDEX deliveries_recipients")), "{plan:#?}");
            if statement.params.len() > 3 {
                assert!(walk.is_some_and(|line| line.contains("sent_at<?")), "the cursor is a range: {plan:#?}");
            }
            assert!(
                !page.iter().any(|line| line.contains("TEMP B-TREE")),
                "the page's order is the index's: {plan:#?}"
            );
            let steps = [
                "SEARCH e USING INDEX deliveries_by_visitor (channel_id=? AND visitor_id=? AND campaign_id=?)",
                "SEARCH cu USING INDEX sqlite_autoindex_customers_1 (channel_id=? AND id=?) LEFT-JOIN",
            ];
            assert_eq!(
                per_row.iter().filter(|line| line.starts_with("SEARCH")).collect::<Vec<_>>(),
                steps,
                "{plan:#?}"
            );
            assert!(!plan.iter().any(|line| line.starts_with("SCAN d") || line.starts_with("SCAN e")), "{plan:#?}");
        }
    }
}
