//! Every D1 query of the worker. The schema lives in `edge/migrations/`.
//!
//! Invariant: a counter in `campaign_daily_stats` grows only in the same batch (one
//! transaction) as the delivery row change that justifies it, and only when that change
//! actually happened (`changes() = 1`), so retries and races never count twice.

use crate::error::ApiError;
use kizuna_shared::admin_wire::{CustomerOut, FieldValue, FilterDoc, SegmentOut, WebOut};
use kizuna_shared::bulk::{BulkChange, BulkTarget, JobOut};
use kizuna_shared::campaign::{Campaign, Display, Goal};
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::{Counts, Delivery, WINDOW};
use kizuna_shared::fields::{self, FieldSetting, Visibility};
use kizuna_shared::filter::FieldType;
use kizuna_shared::filter_sql::{SqlFilter, SqlParam};
use kizuna_shared::ids::{CampaignId, ChannelId, DeliveryId, VisitorId};
use kizuna_shared::profile::Profile;
use kizuna_shared::stored::{CampaignDocV1, ChannelDocV1};
use kizuna_shared::time::{Day, Millis};
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn num(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn opt(value: Option<Millis>) -> JsValue {
    value.map_or(JsValue::NULL, num)
}

fn opt_text(value: &Option<String>) -> JsValue {
    value.as_deref().map_or(JsValue::NULL, text)
}

fn bind(db: &D1Database, sql: &str, args: &[JsValue]) -> Result<D1PreparedStatement, ApiError> {
    Ok(db.prepare(sql).bind(args)?)
}

fn corrupt(what: &str, err: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("stored {what} does not parse: {err}"))
}

#[derive(Deserialize)]
struct ChannelRow {
    id: String,
    name: String,
    utc_offset_minutes: i32,
    identity_verification: i64,
    member_hash_secret: Option<String>,
    member_hash_secret_previous: Option<String>,
    time_zone: Option<String>,
    settings: String,
}

/// The campaign settings of a channel kept in `channels.settings`.
#[derive(Debug, Default, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSettings {
    #[serde(default)]
    pub business_hours: Vec<kizuna_shared::stored::BusinessHoursDoc>,
    #[serde(default)]
    pub frequency_cap: kizuna_shared::channel::FrequencyCap,
}

pub async fn load_channel(db: &D1Database, id: &ChannelId) -> Result<Option<ChannelDocV1>, ApiError> {
    let custom = fields::custom_fields(&field_settings(db, id).await?);
    let row = bind(
        db,
        "SELECT id, name, utc_offset_minutes, identity_verification, member_hash_secret, member_hash_secret_previous,
           time_zone, settings
         FROM channels WHERE id = ?1",
        &[text(id.as_str())],
    )?
    .first::<ChannelRow>(None)
    .await?;
    row.map(|r| {
        let secrets: Vec<String> =
            [r.member_hash_secret, r.member_hash_secret_previous].into_iter().flatten().collect();
        let settings: ChannelSettings =
            serde_json::from_str(&r.settings).map_err(|e| corrupt("channel settings", e))?;
        Ok(ChannelDocV1 {
            id: r.id,
            name: r.name,
            utc_offset_minutes: r.utc_offset_minutes,
            identity_secrets: (r.identity_verification == 1).then_some(secrets),
            fields: custom,
            time_zone: r.time_zone,
            business_hours: settings.business_hours,
            frequency_cap: settings.frequency_cap,
        })
    })
    .transpose()
}

/// Writes a channel's time zone and campaign settings.
pub async fn save_channel_settings(
    db: &D1Database,
    channel: &ChannelId,
    time_zone: &str,
    settings: &ChannelSettings,
) -> Result<(), ApiError> {
    let json = serde_json::to_string(settings).map_err(|e| ApiError::Internal(e.to_string()))?;
    bind(
        db,
        "UPDATE channels SET time_zone = ?2, settings = ?3 WHERE id = ?1",
        &[text(channel.as_str()), text(time_zone), text(&json)],
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct FieldRow {
    name: String,
    display_name: String,
    #[serde(rename = "type")]
    ty: String,
    built_in: i64,
    write_once: i64,
    visibility: String,
    position: i64,
}

fn field_type(text: &str) -> Option<FieldType> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

fn field_type_name(ty: FieldType) -> String {
    serde_json::to_value(ty).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Every profile field of the channel in display order (built-in ones with the
/// channel's overrides, then custom ones).
pub async fn field_settings(db: &D1Database, channel: &ChannelId) -> Result<Vec<FieldSetting>, ApiError> {
    let rows = bind(
        db,
        "SELECT name, display_name, type, built_in, write_once, visibility, position
         FROM profile_fields WHERE channel_id = ?1",
        &[text(channel.as_str())],
    )?
    .all()
    .await?
    .results::<FieldRow>()?;
    let stored = rows
        .into_iter()
        .map(|r| {
            Ok(FieldSetting {
                ty: field_type(&r.ty).ok_or_else(|| corrupt("field type", &r.ty))?,
                visibility: Visibility::parse(&r.visibility)
                    .ok_or_else(|| corrupt("field visibility", &r.visibility))?,
                name: r.name,
                display_name: r.display_name,
                built_in: r.built_in == 1,
                write_once: r.write_once == 1,
                position: r.position,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(fields::profile_settings(&stored))
}

fn field_statement(db: &D1Database, channel: &ChannelId, s: &FieldSetting) -> Result<D1PreparedStatement, ApiError> {
    bind(
        db,
        "INSERT INTO profile_fields (channel_id, name, display_name, type, built_in, write_once, visibility, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (channel_id, name) DO UPDATE SET display_name = excluded.display_name,
           visibility = excluded.visibility, position = excluded.position",
        &[
            text(channel.as_str()),
            text(&s.name),
            text(&s.display_name),
            text(&field_type_name(s.ty)),
            num(i64::from(s.built_in)),
            num(i64::from(s.write_once)),
            text(s.visibility.as_str()),
            num(s.position),
        ],
    )
}

/// Saves profile field settings (a new custom field, or a changed display name,
/// visibility or position), all in one batch. Name, type and write-once are kept as
/// first saved.
pub async fn save_fields(db: &D1Database, channel: &ChannelId, settings: &[FieldSetting]) -> Result<(), ApiError> {
    let statements = settings.iter().map(|s| field_statement(db, channel, s)).collect::<Result<Vec<_>, ApiError>>()?;
    db.batch(statements).await?;
    Ok(())
}

/// The campaigns visitors' requests need, in priority order: running, scheduled and
/// paused ones (the engine checks their times and states), and those that ended in the
/// last 7 days (their undelivered messages may still show, unless deleted unviewed).
pub async fn load_published_campaigns(
    db: &D1Database,
    channel: &ChannelId,
    now: Millis,
) -> Result<Vec<CampaignDocV1>, ApiError> {
    let sql = format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE channel_id = ?1
           AND (state IN ('running', 'scheduled', 'paused') OR (state = 'ended' AND updated_at >= ?2))
         ORDER BY priority, created_at, id"
    );
    let rows = bind(db, &sql, &[text(channel.as_str()), num(now - WINDOW)])?.all().await?.results::<CampaignRow>()?;
    rows.iter().map(CampaignRow::doc).collect()
}

/// Adds `counts` to the campaign's row for `day`, but only if the statement just before
/// it in the same batch changed a row.
fn count_if_changed(
    db: &D1Database,
    campaign: &CampaignId,
    day: Day,
    counts: Counts,
) -> Result<D1PreparedStatement, ApiError> {
    bind(
        db,
        "INSERT INTO campaign_daily_stats (campaign_id, day, sent, view, click, goal)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() = 1
         ON CONFLICT (campaign_id, day) DO UPDATE SET
           sent = sent + excluded.sent, view = view + excluded.view,
           click = click + excluded.click, goal = goal + excluded.goal",
        &[
            text(campaign.as_str()),
            text(&day.iso()),
            num(counts.sent as i64),
            num(counts.view as i64),
            num(counts.click as i64),
            num(counts.goal as i64),
        ],
    )
}

/// Records new deliveries and counts each as sent, once (ids are derived, so a retry
/// inserts nothing and counts nothing).
pub async fn insert_deliveries(db: &D1Database, channel: &Channel, deliveries: &[Delivery]) -> Result<(), ApiError> {
    let mut batch = Vec::with_capacity(deliveries.len() * 2);
    for d in deliveries {
        batch.push(bind(
            db,
            "INSERT OR IGNORE INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                text(d.id.as_str()),
                text(channel.id.as_str()),
                text(d.campaign_id.as_str()),
                text(d.visitor_id.as_str()),
                text(display_name(d.display)),
                num(d.sent_at),
            ],
        )?);
        batch.push(count_if_changed(db, &d.campaign_id, channel.day_of(d.sent_at), Counts::SENT)?);
    }
    if !batch.is_empty() {
        db.batch(batch).await?;
    }
    Ok(())
}

fn display_name(display: Display) -> &'static str {
    match display {
        Display::Bubble => "bubble",
        Display::Fullscreen => "fullscreen",
    }
}

#[derive(Deserialize)]
struct DeliveryRow {
    id: String,
    campaign_id: String,
    visitor_id: String,
    display: String,
    sent_at: i64,
    view_at: Option<i64>,
    click_at: Option<i64>,
    goal_at: Option<i64>,
    definition: String,
}

const DELIVERY_COLUMNS: &str = "d.id, d.campaign_id, d.visitor_id, d.display, d.sent_at, d.view_at, d.click_at, \
     d.goal_at, c.definition FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id";

impl DeliveryRow {
    fn into_delivery(self) -> Result<(Delivery, Option<Goal>), ApiError> {
        let doc: CampaignDocV1 = serde_json::from_str(&self.definition).map_err(|e| corrupt("campaign", e))?;
        let goal = Campaign::try_from(&doc).map_err(|e| corrupt("campaign", e))?.goal;
        let delivery = Delivery {
            id: DeliveryId::parse(&self.id).map_err(|e| corrupt("delivery id", e))?,
            campaign_id: CampaignId::parse(&self.campaign_id).map_err(|e| corrupt("campaign id", e))?,
            visitor_id: VisitorId::parse(&self.visitor_id).map_err(|e| corrupt("visitor id", e))?,
            display: if self.display == "fullscreen" { Display::Fullscreen } else { Display::Bubble },
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
    db: &D1Database,
    channel: &ChannelId,
    visitor: &VisitorId,
    id: &DeliveryId,
) -> Result<Option<(Delivery, Option<Goal>)>, ApiError> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} WHERE d.id = ?1 AND d.channel_id = ?2 AND d.visitor_id = ?3");
    let row = bind(db, &sql, &[text(id.as_str()), text(channel.as_str()), text(visitor.as_str())])?
        .first::<DeliveryRow>(None)
        .await?;
    row.map(DeliveryRow::into_delivery).transpose()
}

/// This visitor's viewed deliveries of `campaigns` that have not reached their goal and
/// are still inside the counting window at `now`.
pub async fn deliveries_awaiting_goal(
    db: &D1Database,
    channel: &ChannelId,
    visitor: &VisitorId,
    campaigns: &[CampaignId],
    since: Millis,
) -> Result<Vec<(Delivery, Option<Goal>)>, ApiError> {
    let mut found = Vec::new();
    for campaign in campaigns {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} WHERE d.channel_id = ?1 AND d.visitor_id = ?2 AND d.campaign_id = ?3
             AND d.view_at IS NOT NULL AND d.goal_at IS NULL AND d.sent_at >= ?4"
        );
        let rows =
            bind(db, &sql, &[text(channel.as_str()), text(visitor.as_str()), text(campaign.as_str()), num(since)])?
                .all()
                .await?
                .results::<DeliveryRow>()?;
        for row in rows {
            found.push(row.into_delivery()?);
        }
    }
    Ok(found)
}

/// Writes what an action changed on a delivery and counts it, if the row still holds
/// what `before` read (compare-and-set). Returns false when another request won.
pub async fn save_action(
    db: &D1Database,
    before: &Delivery,
    after: &Delivery,
    counts: Counts,
    day: Day,
) -> Result<bool, ApiError> {
    let update = bind(
        db,
        "UPDATE deliveries SET view_at = ?2, click_at = ?3, goal_at = ?4
         WHERE id = ?1 AND view_at IS ?5 AND click_at IS ?6 AND goal_at IS ?7",
        &[
            text(after.id.as_str()),
            opt(after.view_at),
            opt(after.click_at),
            opt(after.goal_at),
            opt(before.view_at),
            opt(before.click_at),
            opt(before.goal_at),
        ],
    )?;
    let results = db.batch(vec![update, count_if_changed(db, &after.campaign_id, day, counts)?]).await?;
    let changed = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    Ok(changed == 1)
}

#[derive(Deserialize)]
struct MemberRow {
    member_id: String,
}

#[derive(Deserialize)]
struct RoleRow {
    role: String,
}

/// The member holding the token with this hash; `Unauthorized` for an unknown or
/// revoked token.
pub async fn token_member(db: &D1Database, token_hash: &str) -> Result<String, ApiError> {
    let member =
        bind(db, "SELECT member_id FROM api_tokens WHERE token_hash = ?1 AND revoked_at IS NULL", &[text(token_hash)])?
            .first::<MemberRow>(None)
            .await?
            .ok_or(ApiError::Unauthorized)?;
    Ok(member.member_id)
}

/// The member's role in the channel (`owner` or `member`), `None` when outside it.
pub async fn member_role(db: &D1Database, member: &str, channel: &ChannelId) -> Result<Option<String>, ApiError> {
    let role = bind(
        db,
        "SELECT role FROM channel_members WHERE member_id = ?1 AND channel_id = ?2",
        &[text(member), text(channel.as_str())],
    )?
    .first::<RoleRow>(None)
    .await?;
    Ok(role.map(|r| r.role))
}

#[derive(Deserialize)]
struct CampaignChannelRow {
    channel_id: String,
}

pub async fn campaign_channel(db: &D1Database, campaign: &CampaignId) -> Result<Option<ChannelId>, ApiError> {
    let row = bind(db, "SELECT channel_id FROM campaigns WHERE id = ?1", &[text(campaign.as_str())])?
        .first::<CampaignChannelRow>(None)
        .await?;
    row.map(|r| ChannelId::parse(&r.channel_id).map_err(|e| corrupt("channel id", e))).transpose()
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
    db: &D1Database,
    campaign: &CampaignId,
    from: Day,
    to: Day,
) -> Result<Vec<(Day, Counts)>, ApiError> {
    let rows = bind(
        db,
        "SELECT day, sent, view, click, goal FROM campaign_daily_stats WHERE campaign_id = ?1 AND day BETWEEN ?2 AND ?3",
        &[text(campaign.as_str()), text(&from.iso()), text(&to.iso())],
    )?
    .all()
    .await?
    .results::<StatsRow>()?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    rows.into_iter()
        .map(|r| {
            let day = Day::parse_iso(&r.day).ok_or_else(|| corrupt("stats day", &r.day))?;
            Ok((day, Counts { sent: count(r.sent), view: count(r.view), click: count(r.click), goal: count(r.goal) }))
        })
        .collect()
}

/// Writes the visitor's live profile into its `customers` row, creating the row on the
/// first visit (`created_at` is kept from the first write), and notes the month of its
/// `updated_at` (channel time) for MAU, in one batch. Tags, unsubscribe flags and values
/// edited by managers are not the profile's and are left alone.
pub async fn upsert_customer(
    db: &D1Database,
    channel: &ChannelId,
    id: &VisitorId,
    p: &Profile,
    offset_minutes: i32,
) -> Result<(), ApiError> {
    // Each column beside its value, so the two can never drift apart.
    let mut columns: Vec<(&str, JsValue)> = vec![
        ("updated_at", num(p.updated_at)),
        ("last_seen_at", num(p.last_seen_at)),
        ("sessions_count", num(i64::from(p.sessions_count))),
        ("country", opt_text(&p.country)),
        ("city", opt_text(&p.city)),
        ("language", opt_text(&p.language)),
        ("web_browser", opt_text(&p.web.browser)),
        ("web_browser_name", opt_text(&p.web.browser_name)),
        ("web_os", opt_text(&p.web.os)),
        ("web_os_name", opt_text(&p.web.os_name)),
        ("web_device", opt_text(&p.web.device)),
        ("web_last_seen_at", opt(p.web.last_seen_at)),
        ("web_sessions_count", num(i64::from(p.web.sessions_count))),
        ("profile_referrer", opt_text(&p.referrer)),
        ("member_id", opt_text(&p.member_id)),
        ("member", num(i64::from(p.member_id.is_some()))),
        ("name", opt_text(&p.name)),
        ("profile_name", opt_text(&p.name)),
        ("profile_email", opt_text(&p.email)),
        ("profile_mobile_number", opt_text(&p.mobile_number)),
        ("profile_description", opt_text(&p.description)),
        ("profile_last_checkout_completed_at", opt(p.last_checkout_completed_at)),
        ("profile", text(&serde_json::to_string(&p.custom).map_err(|e| ApiError::Internal(e.to_string()))?)),
    ];
    const UTM_COLUMNS: [&str; 5] =
        ["profile_utm_source", "profile_utm_medium", "profile_utm_campaign", "profile_utm_content", "profile_utm_term"];
    columns.extend(UTM_COLUMNS.into_iter().zip(p.utm.iter().map(opt_text)));
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let marks: Vec<String> = (0..columns.len()).map(|i| format!("?{}", i + 4)).collect();
    // A bulk action may have moved `updated_at` in D1 alone: it never moves back.
    let updates: Vec<String> = names
        .iter()
        .map(|c| match *c {
            "updated_at" => "updated_at = MAX(updated_at, excluded.updated_at)".to_owned(),
            c => format!("{c} = excluded.{c}"),
        })
        .collect();
    let sql = format!(
        "INSERT INTO customers (channel_id, id, created_at, {}) VALUES (?1, ?2, ?3, {})
         ON CONFLICT (channel_id, id) DO UPDATE SET {}",
        names.join(", "),
        marks.join(", "),
        updates.join(", ")
    );
    let mut args = vec![text(channel.as_str()), text(id.as_str()), num(p.created_at)];
    args.extend(columns.into_iter().map(|(_, value)| value));
    let month = Day::of(p.updated_at, offset_minutes).month();
    let active = bind(
        db,
        "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id) VALUES (?1, ?2, ?3)",
        &[text(channel.as_str()), text(&month), text(id.as_str())],
    )?;
    db.batch(vec![bind(db, &sql, &args)?, active]).await?;
    Ok(())
}

/// Moves a merged visitor's active months to the member's customer, and deletes its row.
pub async fn merge_customer_rows(db: &D1Database, channel: &ChannelId, from: &str, into: &str) -> Result<(), ApiError> {
    let (ch, from_v, into_v) = (text(channel.as_str()), text(from), text(into));
    db.batch(vec![
        bind(
            db,
            "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id)
             SELECT channel_id, month, ?3 FROM customer_months WHERE channel_id = ?1 AND customer_id = ?2",
            &[ch.clone(), from_v.clone(), into_v],
        )?,
        bind(
            db,
            "DELETE FROM customer_months WHERE channel_id = ?1 AND customer_id = ?2",
            &[ch.clone(), from_v.clone()],
        )?,
        // Its messages are the member's now: views and clicks come under the member's id.
        bind(
            db,
            "UPDATE deliveries SET visitor_id = ?3 WHERE channel_id = ?1 AND visitor_id = ?2",
            &[ch.clone(), from_v.clone(), text(into)],
        )?,
        bind(db, "DELETE FROM customers WHERE channel_id = ?1 AND id = ?2", &[ch, from_v])?,
    ])
    .await?;
    Ok(())
}

/// Deletes a customer's rows everywhere in D1: the customer, its active months and its
/// delivery records (the day counters keep what was counted), in one batch.
pub async fn erase_customer(db: &D1Database, channel: &ChannelId, id: &str) -> Result<(), ApiError> {
    let args = [text(channel.as_str()), text(id)];
    db.batch(vec![
        bind(db, "DELETE FROM customers WHERE channel_id = ?1 AND id = ?2", &args)?,
        bind(db, "DELETE FROM customer_months WHERE channel_id = ?1 AND customer_id = ?2", &args)?,
        bind(db, "DELETE FROM deliveries WHERE channel_id = ?1 AND visitor_id = ?2", &args)?,
    ])
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct CountRow {
    count: i64,
}

/// Customers whose `updatedAt` moved in `month` (`YYYY-MM`, channel time).
pub async fn monthly_active(db: &D1Database, channel: &ChannelId, month: &str) -> Result<i64, ApiError> {
    let row = bind(
        db,
        "SELECT COUNT(*) AS count FROM customer_months WHERE channel_id = ?1 AND month = ?2",
        &[text(channel.as_str()), text(month)],
    )?
    .first::<CountRow>(None)
    .await?;
    Ok(row.map_or(0, |r| r.count))
}

#[derive(Deserialize)]
struct CustomerRow {
    id: String,
    member_id: Option<String>,
    member: i64,
    name: Option<String>,
    tags: String,
    city: Option<String>,
    country: Option<String>,
    language: Option<String>,
    created_at: i64,
    last_seen_at: Option<i64>,
    updated_at: i64,
    sessions_count: i64,
    web_browser: Option<String>,
    web_browser_name: Option<String>,
    web_os: Option<String>,
    web_os_name: Option<String>,
    web_device: Option<String>,
    web_last_seen_at: Option<i64>,
    web_sessions_count: Option<i64>,
    has_push_token: i64,
    unsubscribe_email: i64,
    unsubscribe_texting: i64,
    email_status: String,
    profile_name: Option<String>,
    profile_email: Option<String>,
    profile_mobile_number: Option<String>,
    profile_description: Option<String>,
    profile_last_checkout_completed_at: Option<i64>,
    profile_referrer: Option<String>,
    profile_utm_source: Option<String>,
    profile_utm_medium: Option<String>,
    profile_utm_campaign: Option<String>,
    profile_utm_content: Option<String>,
    profile_utm_term: Option<String>,
    profile: String,
}

impl CustomerRow {
    fn into_out(self) -> Result<CustomerOut, ApiError> {
        let mut profile: BTreeMap<String, FieldValue> =
            serde_json::from_str(&self.profile).map_err(|e| corrupt("customer profile", e))?;
        let texts = [
            ("name", self.profile_name),
            ("email", self.profile_email),
            ("mobileNumber", self.profile_mobile_number),
            ("description", self.profile_description),
            ("referrer", self.profile_referrer),
            ("utmSource", self.profile_utm_source),
            ("utmMedium", self.profile_utm_medium),
            ("utmCampaign", self.profile_utm_campaign),
            ("utmContent", self.profile_utm_content),
            ("utmTerm", self.profile_utm_term),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                profile.insert(key.to_owned(), FieldValue::Text(value));
            }
        }
        if let Some(at) = self.profile_last_checkout_completed_at {
            profile.insert("lastCheckoutCompletedAt".to_owned(), FieldValue::Number(at as f64));
        }
        Ok(CustomerOut {
            id: self.id,
            member_id: self.member_id,
            member: self.member == 1,
            name: self.name,
            tags: serde_json::from_str(&self.tags).map_err(|e| corrupt("customer tags", e))?,
            city: self.city,
            country: self.country,
            language: self.language,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            updated_at: self.updated_at,
            sessions_count: self.sessions_count,
            web: WebOut {
                browser: self.web_browser,
                browser_name: self.web_browser_name,
                os: self.web_os,
                os_name: self.web_os_name,
                device: self.web_device,
                last_seen_at: self.web_last_seen_at,
                sessions_count: self.web_sessions_count,
            },
            has_push_token: self.has_push_token == 1,
            unsubscribe_email: self.unsubscribe_email == 1,
            unsubscribe_texting: self.unsubscribe_texting == 1,
            email_status: self.email_status,
            profile,
        })
    }
}

fn sql_param(param: &SqlParam) -> JsValue {
    match param {
        SqlParam::Text(t) => text(t),
        SqlParam::Real(r) => JsValue::from_f64(*r),
        SqlParam::Integer(i) => num(*i),
    }
}

/// Where a page of customers starts: after (`key`, `id`) in the sort order.
pub struct After {
    pub key: i64,
    pub id: String,
}

/// One page of a channel's customers matching `filter`, ordered by `sort_expr`
/// (a constant from `admin_wire::SORTS`) then id, starting after `after`.
pub async fn customers_page(
    db: &D1Database,
    channel: &ChannelId,
    filter: &SqlFilter,
    sort_expr: &str,
    descending: bool,
    after: Option<&After>,
    limit: u32,
) -> Result<Vec<CustomerOut>, ApiError> {
    let (dir, cmp) = if descending { ("DESC", "<") } else { ("ASC", ">") };
    let mut args = vec![text(channel.as_str())];
    args.extend(filter.params.iter().map(sql_param));
    let keyset = match after {
        Some(after) => {
            args.extend([num(after.key), num(after.key), text(&after.id)]);
            format!(" AND ({sort_expr} {cmp} ? OR ({sort_expr} = ? AND id {cmp} ?))")
        }
        None => String::new(),
    };
    args.push(num(i64::from(limit)));
    let sql = format!(
        "SELECT * FROM customers WHERE channel_id = ? AND {}{keyset} ORDER BY {sort_expr} {dir}, id {dir} LIMIT ?",
        filter.sql
    );
    let rows = bind(db, &sql, &args)?.all().await?.results::<CustomerRow>()?;
    rows.into_iter().map(CustomerRow::into_out).collect()
}

pub async fn customer(db: &D1Database, channel: &ChannelId, id: &str) -> Result<Option<CustomerOut>, ApiError> {
    let row =
        bind(db, "SELECT * FROM customers WHERE channel_id = ?1 AND id = ?2", &[text(channel.as_str()), text(id)])?
            .first::<CustomerRow>(None)
            .await?;
    row.map(CustomerRow::into_out).transpose()
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
    fn into_out(self) -> Result<SegmentOut, ApiError> {
        let filter: FilterDoc = serde_json::from_str(&self.filter).map_err(|e| corrupt("segment filter", e))?;
        Ok(SegmentOut {
            id: self.id,
            name: self.name,
            filter,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub async fn segments(db: &D1Database, channel: &ChannelId) -> Result<Vec<SegmentOut>, ApiError> {
    let rows = bind(
        db,
        "SELECT id, name, filter, created_at, updated_at FROM segments WHERE channel_id = ?1 ORDER BY name",
        &[text(channel.as_str())],
    )?
    .all()
    .await?
    .results::<SegmentRow>()?;
    rows.into_iter().map(SegmentRow::into_out).collect()
}

pub async fn segment(db: &D1Database, channel: &ChannelId, id: &str) -> Result<Option<SegmentOut>, ApiError> {
    let row = bind(
        db,
        "SELECT id, name, filter, created_at, updated_at FROM segments WHERE channel_id = ?1 AND id = ?2",
        &[text(channel.as_str()), text(id)],
    )?
    .first::<SegmentRow>(None)
    .await?;
    row.map(SegmentRow::into_out).transpose()
}

/// Inserts or updates a segment; false when another segment of the channel has the name.
pub async fn save_segment(db: &D1Database, channel: &ChannelId, segment: &SegmentOut) -> Result<bool, ApiError> {
    let filter = serde_json::to_string(&segment.filter).map_err(|e| ApiError::Internal(e.to_string()))?;
    let saved = bind(
        db,
        "INSERT INTO segments (id, channel_id, name, filter, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, updated_at = excluded.updated_at",
        &[
            text(&segment.id),
            text(channel.as_str()),
            text(&segment.name),
            text(&filter),
            num(segment.created_at),
            num(segment.updated_at),
        ],
    )?
    .run()
    .await;
    match saved {
        Ok(_) => Ok(true),
        // The (channel, name) unique index decides, so two racing saves cannot both win.
        Err(err) if err.to_string().contains("UNIQUE constraint failed") => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Deletes a segment; false when there was none.
pub async fn delete_segment(db: &D1Database, channel: &ChannelId, id: &str) -> Result<bool, ApiError> {
    let result =
        bind(db, "DELETE FROM segments WHERE channel_id = ?1 AND id = ?2", &[text(channel.as_str()), text(id)])?
            .run()
            .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// The customer a member is already linked to in the channel, if any.
pub async fn customer_of_member(
    db: &D1Database,
    channel: &ChannelId,
    member: &str,
) -> Result<Option<String>, ApiError> {
    let row = bind(
        db,
        "SELECT id FROM customers WHERE channel_id = ?1 AND member_id = ?2",
        &[text(channel.as_str()), text(member)],
    )?
    .first::<IdRow>(None)
    .await?;
    Ok(row.map(|r| r.id))
}

/// Turns identity verification on or off and stores the secrets (current, previous).
pub async fn set_identity(
    db: &D1Database,
    channel: &ChannelId,
    enabled: bool,
    secret: Option<&str>,
    previous: Option<&str>,
) -> Result<(), ApiError> {
    let opt_str = |v: Option<&str>| v.map_or(JsValue::NULL, text);
    bind(
        db,
        "UPDATE channels SET identity_verification = ?2, member_hash_secret = ?3, member_hash_secret_previous = ?4
         WHERE id = ?1",
        &[text(channel.as_str()), num(i64::from(enabled)), opt_str(secret), opt_str(previous)],
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct IdentityRow {
    pub identity_verification: i64,
    pub member_hash_secret: Option<String>,
    pub member_hash_secret_previous: Option<String>,
}

pub async fn identity(db: &D1Database, channel: &ChannelId) -> Result<Option<IdentityRow>, ApiError> {
    Ok(bind(
        db,
        "SELECT identity_verification, member_hash_secret, member_hash_secret_previous FROM channels WHERE id = ?1",
        &[text(channel.as_str())],
    )?
    .first::<IdentityRow>(None)
    .await?)
}

/// The customers of a bulk job's target: listed ids, as a filter expression.
pub fn ids_filter(ids: &[String]) -> Result<SqlFilter, ApiError> {
    let list = serde_json::to_string(ids).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(SqlFilter { sql: "id IN (SELECT value FROM json_each(?))".to_owned(), params: vec![SqlParam::Text(list)] })
}

/// How many of the channel's customers `filter` matches.
pub async fn count_customers(db: &D1Database, channel: &ChannelId, filter: &SqlFilter) -> Result<i64, ApiError> {
    let mut args = vec![text(channel.as_str())];
    args.extend(filter.params.iter().map(sql_param));
    let sql = format!("SELECT COUNT(*) AS count FROM customers WHERE channel_id = ? AND {}", filter.sql);
    Ok(bind(db, &sql, &args)?.first::<CountRow>(None).await?.map_or(0, |r| r.count))
}

/// A bulk job as stored.
#[derive(Debug, Deserialize)]
pub struct JobRow {
    pub id: String,
    pub channel_id: String,
    pub target: String,
    pub change: String,
    pub evaluated_at: i64,
    pub state: String,
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

impl JobRow {
    pub fn out(&self) -> Result<JobOut, ApiError> {
        Ok(JobOut {
            id: self.id.clone(),
            state: self.state.clone(),
            total: self.total,
            processed: self.processed,
            changed: self.changed,
            batches: self.batches,
            change: serde_json::from_str(&self.change).map_err(|e| corrupt("job change", e))?,
            created_at: self.created_at,
            updated_at: self.updated_at,
            finished_at: self.finished_at,
            error: self.error.clone(),
        })
    }
}

pub async fn insert_job(
    db: &D1Database,
    channel: &ChannelId,
    id: &str,
    target: &BulkTarget,
    change: &BulkChange,
    total: i64,
    now: Millis,
) -> Result<(), ApiError> {
    let target = serde_json::to_string(target).map_err(|e| ApiError::Internal(e.to_string()))?;
    let change = serde_json::to_string(change).map_err(|e| ApiError::Internal(e.to_string()))?;
    bind(
        db,
        "INSERT INTO bulk_jobs (id, channel_id, target, change, evaluated_at, state, total, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?5, ?5)",
        &[text(id), text(channel.as_str()), text(&target), text(&change), num(now), num(total)],
    )?
    .run()
    .await?;
    Ok(())
}

/// A job by id; `channel` limits it to that channel's jobs.
pub async fn job(db: &D1Database, id: &str, channel: Option<&ChannelId>) -> Result<Option<JobRow>, ApiError> {
    let row = bind(db, "SELECT * FROM bulk_jobs WHERE id = ?1", &[text(id)])?.first::<JobRow>(None).await?;
    Ok(row.filter(|r| channel.is_none_or(|c| r.channel_id == c.as_str())))
}

/// The next at most `limit` customer ids of the target after `cursor`, in id order.
pub async fn next_batch(
    db: &D1Database,
    channel: &ChannelId,
    target: &SqlFilter,
    cursor: &str,
    limit: u32,
) -> Result<Vec<String>, ApiError> {
    let mut args = vec![text(channel.as_str()), text(cursor)];
    args.extend(target.params.iter().map(sql_param));
    args.push(num(i64::from(limit)));
    let sql =
        format!("SELECT id FROM customers WHERE channel_id = ? AND id > ? AND {} ORDER BY id LIMIT ?", target.sql);
    Ok(bind(db, &sql, &args)?.all().await?.results::<IdRow>()?.into_iter().map(|r| r.id).collect())
}

/// Applies `change` to the customers `ids` and moves the job from `cursor` to the last
/// of them, in one batch. Only customers the change alters get a new `updated_at` (and
/// count toward `month`'s MAU). Answers whether this call moved the job (a repeated
/// batch finds it moved already: the customers are as the first one left them).
#[allow(clippy::too_many_arguments)]
pub async fn apply_batch(
    db: &D1Database,
    job: &JobRow,
    change: &BulkChange,
    ids: &[String],
    done: bool,
    now: Millis,
    month: &str,
) -> Result<bool, ApiError> {
    let flag = |v: Option<bool>| v.map_or(JsValue::NULL, |b| num(i64::from(b)));
    let list = |v: &[String]| serde_json::to_string(v).map_err(|e| ApiError::Internal(e.to_string()));
    // ?1 channel, ?2 tags to add, ?3 tags to remove, ?4 email flag, ?5 texting flag, ?6 ids.
    let args = [
        text(&job.channel_id),
        text(&list(&change.add_tags)?),
        text(&list(&change.remove_tags)?),
        flag(change.unsubscribe_email),
        flag(change.unsubscribe_texting),
        text(&list(ids)?),
    ];
    const ALTERS: &str = "channel_id = ?1 AND id IN (SELECT value FROM json_each(?6)) AND (
          EXISTS (SELECT 1 FROM json_each(?2) a WHERE a.value NOT IN (SELECT value FROM json_each(customers.tags)))
          OR EXISTS (SELECT 1 FROM json_each(customers.tags) t WHERE t.value IN (SELECT value FROM json_each(?3)))
          OR (?4 IS NOT NULL AND unsubscribe_email IS NOT ?4)
          OR (?5 IS NOT NULL AND unsubscribe_texting IS NOT ?5))";
    let mut month_args = args.to_vec();
    month_args.push(text(month));
    let active = bind(
        db,
        &format!(
            "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id)
             SELECT channel_id, ?7, id FROM customers WHERE {ALTERS}"
        ),
        &month_args,
    )?;
    let mut update_args = args.to_vec();
    update_args.push(num(now));
    let update = bind(
        db,
        &format!(
            "UPDATE customers SET
               tags = (SELECT json_group_array(value) FROM (
                 SELECT value FROM (SELECT value FROM json_each(customers.tags) UNION SELECT value FROM json_each(?2))
                 WHERE value NOT IN (SELECT value FROM json_each(?3)) ORDER BY value)),
               unsubscribe_email = COALESCE(?4, unsubscribe_email),
               unsubscribe_texting = COALESCE(?5, unsubscribe_texting),
               updated_at = MAX(updated_at, ?7)
             WHERE {ALTERS}"
        ),
        &update_args,
    )?;
    // `changes()` is the UPDATE's count: the statements of a batch run in order, in one
    // transaction.
    let progress = bind(
        db,
        "UPDATE bulk_jobs SET cursor = ?3, processed = processed + ?4, changed = changed + changes(),
           batches = batches + 1, updated_at = ?5,
           state = CASE WHEN ?6 THEN 'done' ELSE state END,
           finished_at = CASE WHEN ?6 THEN ?5 ELSE finished_at END
         WHERE id = ?1 AND cursor = ?2 AND state = 'running'",
        &[
            text(&job.id),
            text(&job.cursor),
            text(ids.last().map_or(job.cursor.as_str(), String::as_str)),
            num(ids.len() as i64),
            num(now),
            num(i64::from(done)),
        ],
    )?;
    let results = db.batch(vec![active, update, progress]).await?;
    let moved = results.last().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    Ok(moved == 1)
}

/// Marks a running bulk job or broadcast fan-out failed (its target no longer compiles,
/// say): `table` is `bulk_jobs` (keyed by `id`) or `broadcast_runs` (by `campaign_id`).
pub async fn fail_running(
    db: &D1Database,
    table: RunTable,
    id: &str,
    error: &str,
    now: Millis,
) -> Result<(), ApiError> {
    let (table, key) = match table {
        RunTable::BulkJobs => ("bulk_jobs", "id"),
        RunTable::BroadcastRuns => ("broadcast_runs", "campaign_id"),
    };
    let sql = format!(
        "UPDATE {table} SET state = 'failed', error = ?2, updated_at = ?3, finished_at = ?3
         WHERE {key} = ?1 AND state = 'running'"
    );
    bind(db, &sql, &[text(id), text(error), num(now)])?.run().await?;
    Ok(())
}

/// The tables of work that runs in batches (see [`fail_running`]).
#[derive(Debug, Clone, Copy)]
pub enum RunTable {
    BulkJobs,
    BroadcastRuns,
}

/// Running jobs that have not moved since `before`: their chain of queue messages broke.
pub async fn stalled_jobs(db: &D1Database, before: Millis) -> Result<Vec<String>, ApiError> {
    let rows = bind(
        db,
        "SELECT id FROM bulk_jobs WHERE state = 'running' AND updated_at < ?1 ORDER BY updated_at LIMIT 100",
        &[num(before)],
    )?
    .all()
    .await?
    .results::<IdRow>()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
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
    pub fn doc(&self) -> Result<CampaignDocV1, ApiError> {
        let mut doc: CampaignDocV1 = serde_json::from_str(&self.definition).map_err(|e| corrupt("campaign", e))?;
        // The row's state and priority columns are the truth; the document's copy follows.
        doc.state = serde_json::from_value(serde_json::Value::String(self.state.clone()))
            .map_err(|e| corrupt("campaign state", e))?;
        doc.priority = self.priority;
        Ok(doc)
    }
}

const CAMPAIGN_COLUMNS: &str = "channel_id, state, priority, definition, created_at, updated_at";

pub async fn campaign_row(db: &D1Database, id: &str) -> Result<Option<CampaignRow>, ApiError> {
    let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?1");
    Ok(bind(db, &sql, &[text(id)])?.first::<CampaignRow>(None).await?)
}

pub async fn campaign_rows(db: &D1Database, channel: &ChannelId) -> Result<Vec<CampaignRow>, ApiError> {
    let sql =
        format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE channel_id = ?1 ORDER BY priority, created_at, id");
    Ok(bind(db, &sql, &[text(channel.as_str())])?.all().await?.results::<CampaignRow>()?)
}

/// Writes a campaign's settings and state (insert or update), keeping `created_at`.
pub async fn save_campaign(
    db: &D1Database,
    channel: &ChannelId,
    doc: &CampaignDocV1,
    now: Millis,
) -> Result<(), ApiError> {
    let definition = serde_json::to_string(doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    bind(
        db,
        "INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, state = excluded.state,
           priority = excluded.priority, definition = excluded.definition, updated_at = excluded.updated_at",
        &[
            text(&doc.id),
            text(channel.as_str()),
            text(&doc.name),
            text(doc.state.as_str()),
            num(i64::from(doc.priority)),
            text(&definition),
            num(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

/// Deletes a draft (a campaign that never ran has no deliveries or counts).
pub async fn delete_draft(db: &D1Database, id: &str) -> Result<bool, ApiError> {
    let result = bind(db, "DELETE FROM campaigns WHERE id = ?1 AND state = 'draft'", &[text(id)])?.run().await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

/// Notes when the visitor's next message is due (`None`: nothing waits), for the cron.
pub async fn set_wakeup(
    db: &D1Database,
    channel: &ChannelId,
    visitor: &VisitorId,
    due_at: Option<Millis>,
) -> Result<(), ApiError> {
    let statement = match due_at {
        Some(at) => bind(
            db,
            "INSERT INTO visitor_wakeups (channel_id, visitor_id, due_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (channel_id, visitor_id) DO UPDATE SET due_at = excluded.due_at",
            &[text(channel.as_str()), text(visitor.as_str()), num(at)],
        )?,
        None => bind(
            db,
            "DELETE FROM visitor_wakeups WHERE channel_id = ?1 AND visitor_id = ?2",
            &[text(channel.as_str()), text(visitor.as_str())],
        )?,
    };
    statement.run().await?;
    Ok(())
}

#[derive(Deserialize)]
struct WakeupRow {
    channel_id: String,
    visitor_id: String,
}

/// Visitors with a message due by `now`, earliest first.
pub async fn due_wakeups(db: &D1Database, now: Millis, limit: u32) -> Result<Vec<(ChannelId, VisitorId)>, ApiError> {
    let rows = bind(
        db,
        "SELECT channel_id, visitor_id FROM visitor_wakeups WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2",
        &[num(now), num(i64::from(limit))],
    )?
    .all()
    .await?
    .results::<WakeupRow>()?;
    rows.into_iter()
        .map(|r| {
            let channel = ChannelId::parse(&r.channel_id).map_err(|e| corrupt("wakeup channel", e))?;
            let visitor = VisitorId::parse(&r.visitor_id).map_err(|e| corrupt("wakeup visitor", e))?;
            Ok((channel, visitor))
        })
        .collect()
}

/// Whether the customer (visitor) is among those `filter` matches.
pub async fn customer_matches(
    db: &D1Database,
    channel: &ChannelId,
    visitor: &VisitorId,
    filter: &SqlFilter,
) -> Result<bool, ApiError> {
    let mut args = vec![text(channel.as_str()), text(visitor.as_str())];
    args.extend(filter.params.iter().map(sql_param));
    let sql = format!("SELECT COUNT(*) AS count FROM customers WHERE channel_id = ? AND id = ? AND {}", filter.sql);
    Ok(bind(db, &sql, &args)?.first::<CountRow>(None).await?.is_some_and(|r| r.count > 0))
}

/// A broadcast's fan-out as stored.
#[derive(Debug, Deserialize)]
pub struct BroadcastRun {
    pub campaign_id: String,
    pub channel_id: String,
    pub audience: Option<String>,
    pub evaluated_at: i64,
    pub state: String,
    pub cursor: String,
    pub total: i64,
    pub processed: i64,
}

/// Starts a broadcast's fan-out, once: false when it had started already.
pub async fn insert_broadcast_run(
    db: &D1Database,
    channel: &ChannelId,
    campaign: &CampaignId,
    audience: Option<&FilterDoc>,
    total: i64,
    now: Millis,
) -> Result<bool, ApiError> {
    let audience = audience.map(serde_json::to_string).transpose().map_err(|e| ApiError::Internal(e.to_string()))?;
    let result = bind(
        db,
        "INSERT OR IGNORE INTO broadcast_runs (campaign_id, channel_id, audience, evaluated_at, state, total, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?4, ?4)",
        &[text(campaign.as_str()), text(channel.as_str()), opt_text(&audience), num(now), num(total)],
    )?
    .run()
    .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

pub async fn broadcast_run(db: &D1Database, campaign: &CampaignId) -> Result<Option<BroadcastRun>, ApiError> {
    Ok(bind(
        db,
        "SELECT campaign_id, channel_id, audience, evaluated_at, state, cursor, total, processed
         FROM broadcast_runs WHERE campaign_id = ?1",
        &[text(campaign.as_str())],
    )?
    .first::<BroadcastRun>(None)
    .await?)
}

/// Moves a fan-out from the cursor it started at to `cursor` (compare-and-set); answers
/// whether this call moved it.
pub async fn advance_broadcast(
    db: &D1Database,
    run: &BroadcastRun,
    cursor: &str,
    count: i64,
    done: bool,
    now: Millis,
) -> Result<bool, ApiError> {
    let result = bind(
        db,
        "UPDATE broadcast_runs SET cursor = ?3, processed = processed + ?4, updated_at = ?5,
           state = CASE WHEN ?6 THEN 'done' ELSE state END, finished_at = CASE WHEN ?6 THEN ?5 ELSE NULL END
         WHERE campaign_id = ?1 AND cursor = ?2 AND state = 'running'",
        &[text(&run.campaign_id), text(&run.cursor), text(cursor), num(count), num(now), JsValue::from_bool(done)],
    )?
    .run()
    .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
}

/// Started broadcasts whose send time has come and that have not gone out yet, and
/// running fan-outs that stopped moving before `stalled_before` (at most 100 of each).
pub async fn broadcasts_to_move(db: &D1Database, now: Millis, stalled_before: Millis) -> Result<Vec<String>, ApiError> {
    let rows = bind(
        db,
        "SELECT id FROM (SELECT id FROM campaigns c WHERE state IN ('running', 'scheduled')
           AND json_extract(definition, '$.kind') = 'broadcast'
           AND coalesce(json_extract(definition, '$.startsAt'), 0) <= ?1
           AND NOT EXISTS (SELECT 1 FROM broadcast_runs r WHERE r.campaign_id = c.id) LIMIT 100)
         UNION ALL
         SELECT id FROM (SELECT campaign_id AS id FROM broadcast_runs WHERE state = 'running' AND updated_at < ?2
           ORDER BY updated_at LIMIT 100)",
        &[num(now), num(stalled_before)],
    )?
    .all()
    .await?
    .results::<IdRow>()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

// --- outbound: email and SMS messages of campaigns (edge/src/outbound.rs,
// edge/src/tracking.rs; migrations/0008_outbound.sql).

/// What a sender does with a claimed message.
pub enum OutboundClaim {
    /// This call holds the row (new, or left 'sending'/'failed' by an earlier attempt).
    Claimed,
    /// The message was sent or skipped already: nothing to do.
    Done { state: String },
}

#[derive(Deserialize)]
struct StateRow {
    state: String,
}

/// Claims the message of `delivery` by `medium` for sending: inserts its row as
/// 'sending', or takes over a row an earlier attempt left 'sending' or 'failed'.
#[allow(clippy::too_many_arguments)]
pub async fn claim_outbound(
    db: &D1Database,
    delivery: &DeliveryId,
    medium: &str,
    channel: &ChannelId,
    visitor: &VisitorId,
    campaign: &CampaignId,
    now: Millis,
) -> Result<OutboundClaim, ApiError> {
    let claimed = bind(
        db,
        "INSERT INTO outbound_messages (delivery_id, medium, channel_id, visitor_id, campaign_id, state, created_at,
           updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'sending', ?6, ?6)
         ON CONFLICT (delivery_id, medium) DO UPDATE SET state = 'sending', updated_at = excluded.updated_at
         WHERE outbound_messages.state IN ('sending', 'failed')",
        &[
            text(delivery.as_str()),
            text(medium),
            text(channel.as_str()),
            text(visitor.as_str()),
            text(campaign.as_str()),
            num(now),
        ],
    )?
    .run()
    .await?;
    if claimed.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1 {
        return Ok(OutboundClaim::Claimed);
    }
    let row = bind(
        db,
        "SELECT state FROM outbound_messages WHERE delivery_id = ?1 AND medium = ?2",
        &[text(delivery.as_str()), text(medium)],
    )?
    .first::<StateRow>(None)
    .await?;
    Ok(OutboundClaim::Done { state: row.map_or_else(|| "unknown".to_owned(), |r| r.state) })
}

/// Marks a claimed message 'sent', 'skipped' or 'failed', with what is known.
#[allow(clippy::too_many_arguments)]
pub async fn finish_outbound(
    db: &D1Database,
    delivery: &DeliveryId,
    medium: &str,
    state: &str,
    address: Option<&str>,
    reason: Option<&str>,
    provider_id: Option<&str>,
    now: Millis,
) -> Result<(), ApiError> {
    let opt_str = |v: Option<&str>| v.map_or(JsValue::NULL, text);
    bind(
        db,
        "UPDATE outbound_messages SET state = ?3, address = COALESCE(?4, address), reason = ?5, provider_id = ?6,
           updated_at = ?7
         WHERE delivery_id = ?1 AND medium = ?2 AND state = 'sending'",
        &[
            text(delivery.as_str()),
            text(medium),
            text(state),
            opt_str(address),
            opt_str(reason),
            opt_str(provider_id),
            num(now),
        ],
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct ContactRow {
    profile_email: Option<String>,
    profile_mobile_number: Option<String>,
    unsubscribe_email: i64,
    unsubscribe_texting: i64,
    email_status: Option<String>,
}

/// How to reach a customer; `None` when the customer is gone.
pub async fn contact(
    db: &D1Database,
    channel: &ChannelId,
    visitor: &VisitorId,
) -> Result<Option<kizuna_shared::outbound::Contact>, ApiError> {
    let row = bind(
        db,
        "SELECT profile_email, profile_mobile_number, unsubscribe_email, unsubscribe_texting, email_status
         FROM customers WHERE channel_id = ?1 AND id = ?2",
        &[text(channel.as_str()), text(visitor.as_str())],
    )?
    .first::<ContactRow>(None)
    .await?;
    Ok(row.map(|r| kizuna_shared::outbound::Contact {
        email: r.profile_email,
        mobile_number: r.profile_mobile_number,
        unsubscribe_email: r.unsubscribe_email == 1,
        unsubscribe_texting: r.unsubscribe_texting == 1,
        email_status: kizuna_shared::outbound::EmailStatus::parse(r.email_status.as_deref()),
    }))
}

#[derive(Deserialize)]
struct MessageRow {
    name: String,
    definition: String,
}

/// A campaign's name and message (nothing else of its document is read).
pub async fn campaign_message(
    db: &D1Database,
    channel: &ChannelId,
    campaign: &CampaignId,
) -> Result<Option<kizuna_shared::outbound::CampaignMessage>, ApiError> {
    let row = bind(
        db,
        "SELECT name, definition FROM campaigns WHERE id = ?1 AND channel_id = ?2",
        &[text(campaign.as_str()), text(channel.as_str())],
    )?
    .first::<MessageRow>(None)
    .await?;
    row.map(|r| {
        let doc: kizuna_shared::outbound::Definition =
            serde_json::from_str(&r.definition).map_err(|e| corrupt("campaign message", e))?;
        Ok(kizuna_shared::outbound::CampaignMessage { name: r.name, message: doc.message })
    })
    .transpose()
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
    db: &D1Database,
    delivery: &DeliveryId,
) -> Result<Option<(ChannelId, VisitorId, CampaignId)>, ApiError> {
    let row = bind(
        db,
        "SELECT channel_id, visitor_id, campaign_id FROM deliveries WHERE id = ?1",
        &[text(delivery.as_str())],
    )?
    .first::<DeliveryOwnerRow>(None)
    .await?;
    row.map(|r| {
        Ok((
            ChannelId::parse(&r.channel_id).map_err(|e| corrupt("channel id", e))?,
            VisitorId::parse(&r.visitor_id).map_err(|e| corrupt("visitor id", e))?,
            CampaignId::parse(&r.campaign_id).map_err(|e| corrupt("campaign id", e))?,
        ))
    })
    .transpose()
}

/// Sets the customer's unsubscribe flag of `medium` (`email` or `sms`), like a manager's
/// change: a customer it changes gets a new `updated_at` and counts toward `month`'s MAU,
/// in one batch. Answers whether the flag changed (false: it was set already).
pub async fn unsubscribe(
    db: &D1Database,
    channel: &ChannelId,
    visitor: &VisitorId,
    medium: &str,
    now: Millis,
    month: &str,
) -> Result<bool, ApiError> {
    let column = if medium == "sms" { "unsubscribe_texting" } else { "unsubscribe_email" };
    let active = bind(
        db,
        &format!(
            "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id)
             SELECT channel_id, ?3, id FROM customers WHERE channel_id = ?1 AND id = ?2 AND {column} = 0"
        ),
        &[text(channel.as_str()), text(visitor.as_str()), text(month)],
    )?;
    let update = bind(
        db,
        &format!(
            "UPDATE customers SET {column} = 1, updated_at = MAX(updated_at, ?3)
             WHERE channel_id = ?1 AND id = ?2 AND {column} = 0"
        ),
        &[text(channel.as_str()), text(visitor.as_str()), num(now)],
    )?;
    let results = db.batch(vec![active, update]).await?;
    let changed = results.last().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    Ok(changed == 1)
}

/// Sets the email status of every customer of each event's channel whose email is the
/// event's address (as the provider echoes it: the address it was given), in one batch.
/// Answers how many customer rows changed.
pub async fn set_email_status(
    db: &D1Database,
    events: &[(ChannelId, String, kizuna_shared::outbound::EmailStatus)],
) -> Result<u64, ApiError> {
    if events.is_empty() {
        return Ok(0);
    }
    let statements = events
        .iter()
        .map(|(channel, email, status)| {
            bind(
                db,
                "UPDATE customers SET email_status = ?3 WHERE channel_id = ?1 AND profile_email = ?2",
                &[text(channel.as_str()), text(email), text(status.as_str())],
            )
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let results = db.batch(statements).await?;
    Ok(results.iter().filter_map(|r| r.meta().ok().flatten()).filter_map(|m| m.changes).map(|n| n as u64).sum())
}
