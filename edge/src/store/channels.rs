//! Channels: their settings, profile fields and identity verification (`channels`,
//! `profile_fields`).
//!
//! Invariant: a profile field's name, type and write-once flag are kept as first saved;
//! later saves change only its display name, visibility and position.

use super::{Executor, Param, Statement, StoreError, corrupt, flag, json, num, opt_text, text};
use kizuna_shared::field::FieldType;
use kizuna_shared::field::{self, FieldSetting, Visibility};
use kizuna_shared::identity::Secrets;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::store::ChannelDocV1;
use serde::Deserialize;

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
