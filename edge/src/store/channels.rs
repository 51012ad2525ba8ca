//! Channels: their settings, profile fields and identity verification (`channels`,
//! `profile_fields`); making a channel with its first owner, and deleting one with every
//! row keyed by it.
//!
//! Invariant: a profile field's name, type and write-once flag are kept as first saved;
//! later saves change only its display name, visibility and position. Deleting a channel
//! removes the rows of every table with a `channel_id` column in one batch
//! ([`CHANNEL_TABLES`], checked against the schema by a test), and migration 0013's
//! triggers drop any later insert of a visitor's row for a channel that does not exist.

use super::{Executor, Param, Statement, StoreError, corrupt, flag, json, num, opt_text, text};
use kizuna_shared::field::FieldType;
use kizuna_shared::field::{self, FieldSetting, Visibility};
use kizuna_shared::identity::Secrets;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::store::ChannelDocV1;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// Every table with a `channel_id` column: deleting a channel deletes its rows in each.
/// A new table keyed by channel belongs here (a test reads the schema and fails otherwise).
pub const CHANNEL_TABLES: [&str; 18] = [
    "audit_log",
    "exports",
    "broadcast_runs",
    "variant_assignments",
    "preview_links",
    "outbound_messages",
    "deliveries",
    "visitor_wakeups",
    "customer_months",
    "erased_customers",
    "customers",
    "bulk_jobs",
    "segments",
    "profile_fields",
    "campaigns",
    "invitations",
    "api_tokens",
    "channel_members",
];

/// A channel as it is made.
pub struct NewChannel<'a> {
    pub id: &'a ChannelId,
    pub name: &'a str,
    pub site_url: &'a str,
    pub time_zone: &'a str,
    pub identity_secret: &'a str,
}

/// A channel's name, site and where its tag was last seen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChannelSummary {
    pub id: String,
    pub name: String,
    pub site_url: Option<String>,
    pub tag_last_seen_at: Option<i64>,
    pub tag_last_seen_url: Option<String>,
}

/// Makes a channel with identity verification on and its secret, and its first owner.
pub async fn create_channel(
    db: &impl Executor,
    channel: &NewChannel<'_>,
    owner: &str,
    now: Millis,
) -> Result<(), StoreError> {
    db.batch(vec![
        sql::create_channel(channel, now),
        super::members::sql::add_member(channel.id, owner, kizuna_shared::channel::Role::Owner),
    ])
    .await?;
    Ok(())
}

/// Deletes the channel and every row keyed by it, in one batch.
pub async fn delete_channel(db: &impl Executor, channel: &ChannelId) -> Result<(), StoreError> {
    db.batch(sql::delete_channel(channel)).await?;
    Ok(())
}

pub async fn channel_summary(db: &impl Executor, channel: &ChannelId) -> Result<Option<ChannelSummary>, StoreError> {
    db.first(sql::channel_summary(channel)).await
}

/// Records where and when the channel's tag was seen (at most once a minute).
pub async fn tag_seen(db: &impl Executor, channel: &ChannelId, url: &str, now: Millis) -> Result<(), StoreError> {
    db.run(sql::tag_seen(channel, url, now)).await?;
    Ok(())
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn load_channel(id: &ChannelId) -> Statement {
        Statement::new(
            "SELECT id, name, utc_offset_minutes, identity_verification, member_hash_secret, member_hash_secret_previous,
           member_hash_secret_rotated_at, time_zone, settings
         FROM channels WHERE id = ?1",
            vec![text(id.as_str())],
        )
    }

    pub fn save_channel_settings(channel: &ChannelId, time_zone: &str, settings_json: &str) -> Statement {
        Statement::new(
            "UPDATE channels SET time_zone = ?2, settings = ?3 WHERE id = ?1",
            vec![text(channel.as_str()), text(time_zone), text(settings_json)],
        )
    }

    pub fn field_settings(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT name, display_name, type, built_in, write_once, visibility, position
         FROM profile_fields WHERE channel_id = ?1",
            vec![text(channel.as_str())],
        )
    }

    pub fn save_field(channel: &ChannelId, s: &FieldSetting) -> Statement {
        Statement::new(
            "INSERT INTO profile_fields (channel_id, name, display_name, type, built_in, write_once, visibility, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (channel_id, name) DO UPDATE SET display_name = excluded.display_name,
           visibility = excluded.visibility, position = excluded.position",
            vec![
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

    pub fn set_identity(channel: &ChannelId, enabled: bool, secrets: &Secrets) -> Statement {
        Statement::new(
            "UPDATE channels SET identity_verification = ?2, member_hash_secret = ?3, member_hash_secret_previous = ?4,
           member_hash_secret_rotated_at = ?5
         WHERE id = ?1",
            vec![
                text(channel.as_str()),
                flag(enabled),
                opt_text(secrets.current.as_deref()),
                opt_text(secrets.previous.as_deref()),
                secrets.rotated_at.map_or(Param::Null, num),
            ],
        )
    }

    pub fn create_channel(channel: &NewChannel<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO channels (id, name, utc_offset_minutes, created_at, time_zone, site_url, identity_verification,
               member_hash_secret)
             VALUES (?1, ?2, 0, ?3, ?4, ?5, 1, ?6)",
            vec![
                text(channel.id.as_str()),
                text(channel.name),
                num(now),
                text(channel.time_zone),
                text(channel.site_url),
                text(channel.identity_secret),
            ],
        )
    }

    /// Every row keyed by the channel, then the channel: the daily counters (keyed by
    /// campaign) before the campaigns they hang from.
    pub fn delete_channel(channel: &ChannelId) -> Vec<Statement> {
        let id = || vec![text(channel.as_str())];
        let mut statements = vec![
            Statement::new(
                "DELETE FROM campaign_daily_stats WHERE campaign_id IN (SELECT id FROM campaigns WHERE channel_id = ?1)",
                id(),
            ),
            Statement::new(
                "DELETE FROM export_files WHERE export_id IN (SELECT id FROM exports WHERE channel_id = ?1)",
                id(),
            ),
        ];
        for table in CHANNEL_TABLES {
            statements.push(Statement::new(format!("DELETE FROM {table} WHERE channel_id = ?1"), id()));
        }
        statements.push(Statement::new("DELETE FROM channels WHERE id = ?1", id()));
        statements
    }

    pub fn channel_summary(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT id, name, site_url, tag_last_seen_at, tag_last_seen_url FROM channels WHERE id = ?1",
            vec![text(channel.as_str())],
        )
    }

    /// Records a page view of the channel's site, unless one was recorded in the last minute.
    pub fn tag_seen(channel: &ChannelId, url: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE channels SET tag_last_seen_at = ?2, tag_last_seen_url = ?3
             WHERE id = ?1 AND (tag_last_seen_at IS NULL OR tag_last_seen_at <= ?2 - 60000)",
            vec![text(channel.as_str()), num(now), text(url)],
        )
    }

    pub fn identity(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT identity_verification, member_hash_secret, member_hash_secret_previous, member_hash_secret_rotated_at
         FROM channels WHERE id = ?1",
            vec![text(channel.as_str())],
        )
    }
}

#[derive(Deserialize)]
struct ChannelRow {
    id: String,
    name: String,
    utc_offset_minutes: i32,
    identity_verification: i64,
    member_hash_secret: Option<String>,
    member_hash_secret_previous: Option<String>,
    member_hash_secret_rotated_at: Option<i64>,
    time_zone: Option<String>,
    settings: String,
}

/// The campaign settings of a channel kept in `channels.settings`.
#[derive(Debug, Default, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSettings {
    #[serde(default)]
    pub business_hours: Vec<kizuna_shared::store::BusinessHoursDoc>,
    #[serde(default)]
    pub frequency_cap: kizuna_shared::channel::FrequencyCap,
}

pub async fn load_channel(db: &impl Executor, id: &ChannelId) -> Result<Option<ChannelDocV1>, StoreError> {
    let custom = field::custom_fields(&field_settings(db, id).await?);
    let row = db.first::<ChannelRow>(sql::load_channel(id)).await?;
    row.map(|r| {
        // The rotation time travels only with a previous secret it limits.
        let rotated_at = r.member_hash_secret_previous.as_ref().and(r.member_hash_secret_rotated_at);
        let secrets: Vec<String> =
            [r.member_hash_secret, r.member_hash_secret_previous].into_iter().flatten().collect();
        let verifying = r.identity_verification == 1;
        let settings: ChannelSettings =
            serde_json::from_str(&r.settings).map_err(|e| corrupt("channel settings", e))?;
        Ok(ChannelDocV1 {
            id: r.id,
            name: r.name,
            utc_offset_minutes: r.utc_offset_minutes,
            identity_secrets: verifying.then_some(secrets),
            identity_rotated_at: rotated_at.filter(|_| verifying),
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
    db: &impl Executor,
    channel: &ChannelId,
    time_zone: &str,
    settings: &ChannelSettings,
) -> Result<(), StoreError> {
    let settings = json("channel settings", settings)?;
    db.run(sql::save_channel_settings(channel, time_zone, &settings)).await?;
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
pub async fn field_settings(db: &impl Executor, channel: &ChannelId) -> Result<Vec<FieldSetting>, StoreError> {
    let rows = db.all::<FieldRow>(sql::field_settings(channel)).await?;
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
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(field::profile_settings(&stored))
}

/// Saves profile field settings (a new custom field, or a changed display name,
/// visibility or position), all in one batch. Name, type and write-once are kept as
/// first saved.
pub async fn save_fields(db: &impl Executor, channel: &ChannelId, settings: &[FieldSetting]) -> Result<(), StoreError> {
    db.batch(settings.iter().map(|s| sql::save_field(channel, s)).collect()).await?;
    Ok(())
}

/// Turns identity verification on or off and stores the secrets (current, previous,
/// when they were rotated).
pub async fn set_identity(
    db: &impl Executor,
    channel: &ChannelId,
    enabled: bool,
    secrets: &Secrets,
) -> Result<(), StoreError> {
    db.run(sql::set_identity(channel, enabled, secrets)).await?;
    Ok(())
}

/// A channel's identity verification as stored.
#[derive(Deserialize)]
pub struct IdentityRow {
    pub identity_verification: i64,
    pub member_hash_secret: Option<String>,
    pub member_hash_secret_previous: Option<String>,
    pub member_hash_secret_rotated_at: Option<i64>,
}

impl IdentityRow {
    pub fn secrets(&self) -> Secrets {
        Secrets {
            current: self.member_hash_secret.clone(),
            previous: self.member_hash_secret_previous.clone(),
            rotated_at: self.member_hash_secret_rotated_at,
        }
    }
}

pub async fn identity(db: &impl Executor, channel: &ChannelId) -> Result<Option<IdentityRow>, StoreError> {
    db.first::<IdentityRow>(sql::identity(channel)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    #[test]
    fn the_published_channel_carries_when_its_secret_was_rotated() {
        let db = Sqlite::with_channel();
        let shop = ChannelId::parse("shop").unwrap();
        let rotated =
            Secrets { current: Some("kzs_new".into()), previous: Some("kzs_old".into()), rotated_at: Some(1_000) };
        wait(set_identity(&db, &shop, true, &rotated)).unwrap();
        let doc = wait(load_channel(&db, &shop)).unwrap().unwrap();
        assert_eq!(doc.identity_secrets, Some(vec!["kzs_new".to_owned(), "kzs_old".to_owned()]));
        assert_eq!(doc.identity_rotated_at, Some(1_000));
        assert_eq!(wait(identity(&db, &shop)).unwrap().unwrap().secrets(), rotated);

        let revoked = Secrets { previous: None, rotated_at: None, ..rotated };
        wait(set_identity(&db, &shop, true, &revoked)).unwrap();
        let doc = wait(load_channel(&db, &shop)).unwrap().unwrap();
        assert_eq!((doc.identity_secrets, doc.identity_rotated_at), (Some(vec!["kzs_new".to_owned()]), None));
    }
}

#[cfg(test)]
mod deletion_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    /// Every table of the migrated schema with a `channel_id` column.
    fn keyed_tables(db: &Sqlite) -> Vec<String> {
        let mut statement =
            db.0.prepare(
                "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND c.name = 'channel_id' ORDER BY m.name",
            )
            .unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// A row in `table` for `channel`: every other column gets a value of its type
    /// (checks are off for the fixture, so a future table needs no code here).
    fn insert_row(db: &Sqlite, table: &str, channel: &str, n: usize) {
        let mut statement = db.0.prepare(&format!("SELECT name, type FROM pragma_table_info('{table}')")).unwrap();
        let columns: Vec<(String, String)> =
            statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect();
        let (names, values): (Vec<String>, Vec<String>) = columns
            .into_iter()
            .map(|(name, ty)| {
                let value = match (name.as_str(), ty.as_str()) {
                    ("channel_id", _) => format!("'{channel}'"),
                    (_, "INTEGER") => n.to_string(),
                    _ => format!("'{channel}_{table}_{n}'"),
                };
                (name, value)
            })
            .unzip();
        db.exec(&format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), values.join(", ")));
    }

    fn count(db: &Sqlite, table: &str, channel: &str) -> i64 {
        db.number(&format!("SELECT COUNT(*) FROM {table} WHERE channel_id = '{channel}'"))
    }

    #[test]
    fn every_table_keyed_by_channel_is_in_the_deletion_list() {
        let db = Sqlite::migrated();
        let mut listed: Vec<String> = CHANNEL_TABLES.iter().map(|t| (*t).to_owned()).collect();
        listed.sort();
        assert_eq!(keyed_tables(&db), listed);
    }

    #[test]
    fn deleting_a_channel_removes_every_row_keyed_by_it_and_no_other_channels() {
        let db = Sqlite::with_channel();
        db.exec("INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('kept', 'Kept', 0, 0)");
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_1', 'a@x.jp', 'A', 0)");
        db.exec("PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF");
        let tables = keyed_tables(&db);
        for table in &tables {
            for channel in ["shop", "kept"] {
                insert_row(&db, table, channel, 1);
            }
        }
        db.exec("PRAGMA ignore_check_constraints = OFF; PRAGMA foreign_keys = ON");
        for campaign in ["shop_campaigns_1", "kept_campaigns_1"] {
            db.exec(&format!(
                "INSERT INTO campaign_daily_stats (campaign_id, day) VALUES ('{campaign}', '2026-01-01')"
            ));
        }
        let shop = ChannelId::parse("shop").unwrap();
        wait(delete_channel(&db, &shop)).unwrap();
        for table in &tables {
            assert_eq!(count(&db, table, "shop"), 0, "{table} kept a row of the deleted channel");
            assert_eq!(count(&db, table, "kept"), 1, "{table} lost another channel's row");
        }
        assert_eq!(db.number("SELECT COUNT(*) FROM channels WHERE id = 'shop'"), 0);
        assert_eq!(db.number("SELECT COUNT(*) FROM campaign_daily_stats WHERE campaign_id = 'shop_campaigns_1'"), 0);
        assert_eq!(db.number("SELECT COUNT(*) FROM campaign_daily_stats WHERE campaign_id = 'kept_campaigns_1'"), 1);
    }

    #[test]
    fn a_visitors_row_for_a_deleted_channel_is_not_written_back() {
        let db = Sqlite::with_channel();
        wait(delete_channel(&db, &ChannelId::parse("shop").unwrap())).unwrap();
        db.customer("v_late", 0);
        db.exec("INSERT INTO visitor_wakeups (channel_id, visitor_id, due_at) VALUES ('shop', 'v_late', 0)");
        db.exec("INSERT INTO customer_months (channel_id, month, customer_id) VALUES ('shop', '2026-01', 'v_late')");
        for table in ["customers", "visitor_wakeups", "customer_months"] {
            assert_eq!(count(&db, table, "shop"), 0, "{table}");
        }
    }

    #[test]
    fn a_new_channel_has_identity_verification_its_secret_and_its_owner() {
        let db = Sqlite::migrated();
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_1', 'a@x.jp', 'A', 0)");
        let id = ChannelId::parse("ch_new").unwrap();
        let new = NewChannel {
            id: &id,
            name: "New shop",
            site_url: "https://shop.example",
            time_zone: "Asia/Tokyo",
            identity_secret: "kzs_1",
        };
        wait(create_channel(&db, &new, "m_1", 5)).unwrap();
        let doc = wait(load_channel(&db, &id)).unwrap().unwrap();
        assert_eq!(doc.identity_secrets, Some(vec!["kzs_1".to_owned()]));
        assert_eq!(doc.time_zone.as_deref(), Some("Asia/Tokyo"));
        let role = wait(crate::store::members::member_role(&db, "m_1", &id)).unwrap();
        assert_eq!(role, Some(kizuna_shared::channel::Role::Owner));
        let summary = wait(channel_summary(&db, &id)).unwrap().unwrap();
        assert_eq!((summary.site_url.as_deref(), summary.tag_last_seen_at), (Some("https://shop.example"), None));
    }

    #[test]
    fn the_tag_is_recorded_at_most_once_a_minute() {
        let db = Sqlite::with_channel();
        let shop = ChannelId::parse("shop").unwrap();
        let seen = |at| {
            let s = wait(channel_summary(&db, &shop)).unwrap().unwrap();
            assert_eq!(s.tag_last_seen_at, Some(at));
            s.tag_last_seen_url
        };
        wait(tag_seen(&db, &shop, "https://a.example/1", 1_000)).unwrap();
        assert_eq!(seen(1_000).as_deref(), Some("https://a.example/1"));
        wait(tag_seen(&db, &shop, "https://a.example/2", 30_000)).unwrap();
        assert_eq!(seen(1_000).as_deref(), Some("https://a.example/1"));
        wait(tag_seen(&db, &shop, "https://a.example/3", 61_000)).unwrap();
        assert_eq!(seen(61_000).as_deref(), Some("https://a.example/3"));
    }
}
