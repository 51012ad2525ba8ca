//! The channel document as stored, version 1 (D1 and the KV publication), and its
//! validation into a domain [`Channel`].
//!
//! Invariant: the JSON of a [`ChannelDocV1`] never changes shape; the business-hours
//! sets are validated here once, and errors name `businessHours[i]…`.

use crate::channel::{Channel, FrequencyCap, check_utc_offset, zone_of_offset};
use crate::ids::ChannelId;
use crate::invalid::FieldError;
use crate::schedule::{Schedule, Zone, schedule_from_docs};
use crate::text::{MAX_NAME_CHARS, bounded};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A channel as stored, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelDocV1 {
    pub id: String,
    pub name: String,
    pub utc_offset_minutes: i32,
    /// Present when identity verification is on: the current secret, then the previous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_secrets: Option<Vec<String>>,
    /// When the current secret replaced the previous one (the previous verifies for 24
    /// hours after it); absent: no previous secret is honoured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_rotated_at: Option<crate::time::Millis>,
    /// The channel's custom profile fields (absent in documents written before them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<crate::field::CustomField>,
    /// An IANA time zone name; absent: the fixed offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_hours: Vec<BusinessHoursDoc>,
    #[serde(default)]
    pub frequency_cap: FrequencyCap,
}

/// One named business-hours set of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusinessHoursDoc {
    pub name: String,
    pub windows: Vec<crate::schedule::WindowDoc>,
}

/// Most business-hours sets per channel.
pub const MAX_BUSINESS_HOURS: usize = 20;

/// The channel's business-hours sets, validated; errors name `businessHours[i]…`.
pub fn business_hours(docs: &[BusinessHoursDoc]) -> Result<BTreeMap<String, Schedule>, FieldError> {
    if docs.len() > MAX_BUSINESS_HOURS {
        return Err(FieldError::new("businessHours", format!("at most {MAX_BUSINESS_HOURS} sets")));
    }
    let mut sets = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        let name = bounded(&format!("businessHours[{i}].name"), &doc.name, 64)?;
        let schedule = schedule_from_docs(&doc.windows, &format!("businessHours[{i}].windows"))?;
        if sets.insert(name, schedule).is_some() {
            return Err(FieldError::new(format!("businessHours[{i}].name"), "another set has this name"));
        }
    }
    Ok(sets)
}

impl TryFrom<&ChannelDocV1> for Channel {
    type Error = FieldError;

    fn try_from(doc: &ChannelDocV1) -> Result<Channel, FieldError> {
        check_utc_offset(doc.utc_offset_minutes).map_err(|p| FieldError::new("utcOffsetMinutes", p))?;
        let zone = match doc.time_zone.as_deref() {
            Some(name) => Zone::parse(name).map_err(|p| FieldError::new("timeZone", p))?,
            None => zone_of_offset(doc.utc_offset_minutes),
        };
        Ok(Channel {
            zone,
            business_hours: business_hours(&doc.business_hours)?,
            cap: doc.frequency_cap,
            id: ChannelId::parse(&doc.id).map_err(|e| FieldError::new("id", e.to_string()))?,
            name: bounded("name", &doc.name, MAX_NAME_CHARS)?,

            identity: doc.identity_secrets.as_ref().map(|secrets| crate::identity::Secrets {
                current: secrets.first().cloned(),
                previous: secrets.get(1).cloned(),
                rotated_at: doc.identity_rotated_at,
            }),
            fields: doc.fields.clone(),
        })
    }
}
