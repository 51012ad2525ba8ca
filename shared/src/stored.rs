//! Stored shapes, versioned: the campaign document (D1 `campaigns.definition` and the
//! KV publication) and the visitor record (the visitor's Durable Object). Domain values
//! are built from them by validation, so invalid data never reaches the rules.

use crate::campaign::{
    Audience, Campaign, CampaignState, Display, EventMatch, FollowUp, Goal, Kind, LinkButton, Message, Offline,
    PropertyCondition, PropertyOp, SafeUrl, ScheduleRef, Sender, UrlCondition, UrlOp, UrlTest,
};
use crate::channel::{Channel, FrequencyCap, check_utc_offset, zone_of_offset};
use crate::deliver::{Pending, Progress, RECENT_EVENTS, Shown, VisitorState};
use crate::event::PropertyValue;
use crate::event::check_event_name;
use crate::ids::{CampaignId, ChannelId, EventId};
use crate::profile::Profile;
use crate::schedule::schedule_from_docs;
use crate::schedule::{Schedule, Zone};
use crate::time::Millis;
use crate::time::{DAY, HOUR, MINUTE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value that failed validation, and why: the field is a path such as
/// `message.buttons[0].url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), problem: problem.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_LABEL_CHARS: usize = 40;
pub const MAX_BUTTONS: usize = 3;

/// A campaign as stored, version 1; also the admin API's body (`id` and `state` are the
/// server's: a body's are ignored). Fields added after the first documents default so
/// older documents still read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignDocV1 {
    #[serde(default)]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub state: CampaignState,
    /// 0 to 1000; lower is tried first when several campaigns could show.
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub kind: KindDoc,
    /// Automated campaigns only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TriggerDoc>,
    pub message: MessageDoc,
    #[serde(default)]
    pub goal: Option<GoalDoc>,
    #[serde(default)]
    pub starts_at: Option<Millis>,
    #[serde(default)]
    pub ends_at: Option<Millis>,
    /// Absent: at most once per visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<RepeatDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<AudienceDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<WaitDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUpDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleDoc>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete_unviewed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<OfflineDoc>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindDoc {
    #[default]
    Automated,
    Broadcast,
}

/// Exactly one of a filter or a saved segment's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AudienceDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<crate::admin_wire::FilterDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

/// How long after the trigger the message goes (the audience is checked again then).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaitDoc {
    #[serde(default)]
    pub days: u32,
    #[serde(default)]
    pub hours: u32,
    #[serde(default)]
    pub minutes: u32,
}

/// The longest wait and follow-up period.
pub const MAX_WAIT_DAYS: u32 = 90;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FollowUpDoc {
    pub trigger: TriggerDoc,
    pub within_days: u32,
}

/// Exactly one of weekly windows or the name of one of the channel's business-hours sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<Vec<crate::schedule::WindowDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfflineDoc {
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
    #[serde(default = "yes")]
    pub respect_opt_out: bool,
}

fn yes() -> bool {
    true
}

/// One condition on an event property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionDoc {
    pub property: String,
    pub op: PropertyOp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<PropertyValue>,
}

/// Most property conditions on one event.
pub const MAX_CONDITIONS: usize = 20;

fn conditions(list: &[ConditionDoc], path: &str) -> Result<Vec<PropertyCondition>, FieldError> {
    if list.len() > MAX_CONDITIONS {
        return Err(FieldError::new(path, format!("at most {MAX_CONDITIONS} conditions")));
    }
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let at = format!("{path}[{i}]");
            let property = text_field(&format!("{at}.property"), &c.property, 64)?;
            let fits = match (c.op, &c.value) {
                (PropertyOp::Exists, None) => true,
                (PropertyOp::Exists, Some(_)) | (_, None) => false,
                (PropertyOp::Equals | PropertyOp::NotEquals, Some(_)) => true,
                (PropertyOp::Contains | PropertyOp::StartsWith | PropertyOp::Matches, Some(v)) => {
                    matches!(v, PropertyValue::Text(_))
                }
                (PropertyOp::GreaterThan | PropertyOp::LessThan, Some(v)) => matches!(v, PropertyValue::Number(_)),
            };
            if !fits {
                return Err(FieldError::new(
                    format!("{at}.value"),
                    "exists takes no value; contains, startsWith and matches take text; greaterThan and lessThan a number",
                ));
            }
            Ok(PropertyCondition { property, op: c.op, value: c.value.clone() })
        })
        .collect()
}

fn event_match(doc: &TriggerDoc, path: &str) -> Result<EventMatch, FieldError> {
    check_event_name(&doc.event).map_err(|p| FieldError::new(format!("{path}.event"), p))?;
    Ok(EventMatch {
        event: doc.event.clone(),
        url: url_condition(doc, path)?,
        conditions: conditions(&doc.conditions, &format!("{path}.conditions"))?,
    })
}

fn wait(doc: &WaitDoc) -> Result<Millis, FieldError> {
    let total = Millis::from(doc.days) * DAY + Millis::from(doc.hours) * HOUR + Millis::from(doc.minutes) * MINUTE;
    if total <= 0 || total > Millis::from(MAX_WAIT_DAYS) * DAY {
        return Err(FieldError::new("wait", format!("must be 1 minute to {MAX_WAIT_DAYS} days")));
    }
    Ok(total)
}

fn audience(doc: &AudienceDoc) -> Result<Audience, FieldError> {
    match (&doc.filter, &doc.segment) {
        (Some(filter), None) => Ok(Audience::Filter(filter.clone())),
        (None, Some(segment)) => Ok(Audience::Segment(text_field("audience.segment", segment, 64)?)),
        _ => Err(FieldError::new("audience", "give exactly one of filter or segment")),
    }
}

fn schedule(doc: &ScheduleDoc) -> Result<ScheduleRef, FieldError> {
    match (&doc.windows, &doc.business_hours) {
        (Some(windows), None) => Ok(ScheduleRef::Windows(schedule_from_docs(windows, "schedule.windows")?)),
        (None, Some(name)) => Ok(ScheduleRef::BusinessHours(text_field("schedule.businessHours", name, 64)?)),
        _ => Err(FieldError::new("schedule", "give exactly one of windows or businessHours")),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RepeatDoc {
    /// Hours between two deliveries to the same visitor: 24 to 8760.
    pub every_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TriggerDoc {
    pub event: String,
    /// The first form of a URL condition, kept readable: the URL contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_contains: Option<String>,
    /// URL rules: any of `include` (every URL when empty), none of `exclude`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<UrlDoc>,
    /// Conditions on the event's properties, all of which must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionDoc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UrlDoc {
    #[serde(default)]
    pub include: Vec<UrlRuleDoc>,
    #[serde(default)]
    pub exclude: Vec<UrlRuleDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UrlRuleDoc {
    pub op: UrlOp,
    pub value: String,
}

/// Most URL rules in a trigger's include and exclude lists together.
pub const MAX_URL_RULES: usize = 20;

fn url_condition(trigger: &TriggerDoc, path: &str) -> Result<Option<UrlCondition>, FieldError> {
    let rules = |list: &[UrlRuleDoc], path: &str| -> Result<Vec<UrlTest>, FieldError> {
        list.iter()
            .enumerate()
            .map(|(i, r)| Ok(UrlTest { op: r.op, value: text_field(&format!("{path}[{i}].value"), &r.value, 2048)? }))
            .collect()
    };
    match (&trigger.url_contains, &trigger.url) {
        (Some(_), Some(_)) => Err(FieldError::new(format!("{path}.url"), "give url or urlContains, not both")),
        (Some(part), None) => Ok(Some(UrlCondition {
            include: vec![UrlTest {
                op: UrlOp::Contains,
                value: text_field(&format!("{path}.urlContains"), part, 2048)?,
            }],
            exclude: Vec::new(),
        })),
        (None, Some(doc)) => {
            if doc.include.len() + doc.exclude.len() > MAX_URL_RULES {
                return Err(FieldError::new(format!("{path}.url"), format!("at most {MAX_URL_RULES} rules")));
            }
            if trigger.event != crate::event::PAGE_VIEW {
                return Err(FieldError::new(format!("{path}.url"), "URL rules apply to PageView triggers"));
            }
            Ok(Some(UrlCondition {
                include: rules(&doc.include, &format!("{path}.url.include"))?,
                exclude: rules(&doc.exclude, &format!("{path}.url.exclude"))?,
            }))
        }
        (None, None) => Ok(None),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageDoc {
    pub sender: SenderDoc,
    /// Plain text with `**bold**` and `_italic_` (see `format.rs`); line breaks kept.
    pub text: String,
    /// An image shown above the text: an https: URL or a path on the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default)]
    pub buttons: Vec<ButtonDoc>,
    pub display: Display,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SenderDoc {
    pub name: String,
    #[serde(default)]
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ButtonDoc {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum GoalDoc {
    Viewed,
    Clicked,
    Event {
        name: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        conditions: Vec<ConditionDoc>,
    },
}

fn text_field(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(FieldError::new(field, format!("must be at most {max_chars} characters")));
    }
    Ok(trimmed.to_owned())
}

/// Highest campaign priority (lower numbers are tried first).
pub const MAX_PRIORITY: i32 = 1000;

impl TryFrom<&CampaignDocV1> for Campaign {
    type Error = FieldError;

    fn try_from(doc: &CampaignDocV1) -> Result<Campaign, FieldError> {
        let id = CampaignId::parse(&doc.id).map_err(|e| FieldError::new("id", e.to_string()))?;
        let name = text_field("name", &doc.name, MAX_NAME_CHARS)?;
        if !(0..=MAX_PRIORITY).contains(&doc.priority) {
            return Err(FieldError::new("priority", format!("must be 0 to {MAX_PRIORITY}")));
        }
        let kind = match doc.kind {
            KindDoc::Automated => {
                let trigger = doc
                    .trigger
                    .as_ref()
                    .ok_or_else(|| FieldError::new("trigger", "an automated campaign needs a trigger"))?;
                let follow_up = match &doc.follow_up {
                    None => None,
                    Some(f) => {
                        if !(1..=MAX_WAIT_DAYS).contains(&f.within_days) {
                            return Err(FieldError::new(
                                "followUp.withinDays",
                                format!("must be 1 to {MAX_WAIT_DAYS}"),
                            ));
                        }
                        Some(FollowUp {
                            event: event_match(&f.trigger, "followUp.trigger")?,
                            within: Millis::from(f.within_days) * DAY,
                        })
                    }
                };
                Kind::Automated {
                    trigger: event_match(trigger, "trigger")?,
                    wait: doc.wait.as_ref().map(wait).transpose()?,
                    follow_up,
                }
            }
            KindDoc::Broadcast => {
                let not_for_broadcasts = [
                    ("trigger", doc.trigger.is_some()),
                    ("wait", doc.wait.is_some()),
                    ("followUp", doc.follow_up.is_some()),
                    ("repeat", doc.repeat.is_some()),
                    ("schedule", doc.schedule.is_some()),
                ];
                if let Some((field, _)) = not_for_broadcasts.iter().find(|(_, given)| *given) {
                    return Err(FieldError::new(*field, "a one-time broadcast has no such setting"));
                }
                Kind::Broadcast
            }
        };
        let message = &doc.message;
        let avatar_url = match &message.sender.avatar_url {
            None => None,
            Some(url) => Some(SafeUrl::parse(url).map_err(|p| FieldError::new("message.sender.avatarUrl", p))?),
        };
        if message.buttons.len() > MAX_BUTTONS {
            return Err(FieldError::new("message.buttons", format!("at most {MAX_BUTTONS} buttons")));
        }
        let buttons = message
            .buttons
            .iter()
            .enumerate()
            .map(|(i, b)| {
                Ok(LinkButton {
                    label: text_field(&format!("message.buttons[{i}].label"), &b.label, MAX_LABEL_CHARS)?,
                    url: SafeUrl::parse(b.url.trim())
                        .map_err(|p| FieldError::new(format!("message.buttons[{i}].url"), p))?,
                })
            })
            .collect::<Result<Vec<_>, FieldError>>()?;
        let goal = match &doc.goal {
            None => None,
            Some(GoalDoc::Viewed) => Some(Goal::MessageViewed),
            Some(GoalDoc::Clicked) => Some(Goal::LinkClicked),
            Some(GoalDoc::Event { name, conditions: list }) => {
                check_event_name(name).map_err(|p| FieldError::new("goal.name", p))?;
                Some(Goal::Event(EventMatch {
                    event: name.clone(),
                    url: None,
                    conditions: conditions(list, "goal.conditions")?,
                }))
            }
        };
        if let (Some(start), Some(end)) = (doc.starts_at, doc.ends_at)
            && end <= start
        {
            return Err(FieldError::new("endsAt", "must be after startsAt"));
        }
        let offline = match &doc.offline {
            None => Offline { email: false, sms: false, respect_opt_out: true },
            Some(o) => Offline { email: o.email, sms: o.sms, respect_opt_out: o.respect_opt_out },
        };
        Ok(Campaign {
            id,
            name,
            state: doc.state,
            priority: doc.priority,
            kind,
            audience: doc.audience.as_ref().map(audience).transpose()?,
            message: Message {
                sender: Sender {
                    name: text_field("message.sender.name", &message.sender.name, MAX_NAME_CHARS)?,
                    avatar_url,
                },
                text: text_field("message.text", &message.text, MAX_TEXT_CHARS)?,
                image_url: match &message.image_url {
                    None => None,
                    Some(url) => Some(
                        SafeUrl::parse(url.trim())
                            .ok()
                            .filter(|u| !u.as_str().to_ascii_lowercase().starts_with("mailto:"))
                            .ok_or_else(|| {
                                FieldError::new("message.imageUrl", "must be an https: URL or a path on the site")
                            })?,
                    ),
                },
                buttons,
                display: message.display,
            },
            goal,
            starts_at: doc.starts_at,
            ends_at: doc.ends_at,
            repeat_every: match &doc.repeat {
                None => None,
                Some(repeat) if (24..=8760).contains(&repeat.every_hours) => {
                    Some(Millis::from(repeat.every_hours) * crate::time::HOUR)
                }
                Some(_) => {
                    return Err(FieldError::new(
                        "repeat.everyHours",
                        "must be 24 to 8760 hours (a day to a year); leave repeat out for once only",
                    ));
                }
            },
            schedule: doc.schedule.as_ref().map(schedule).transpose()?,
            delete_unviewed: doc.delete_unviewed,
            offline,
        })
    }
}

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
    /// The channel's custom profile fields (absent in documents written before them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<crate::fields::CustomField>,
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
        let name = text_field(&format!("businessHours[{i}].name"), &doc.name, 64)?;
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
            name: text_field("name", &doc.name, MAX_NAME_CHARS)?,

            identity_secrets: doc.identity_secrets.clone(),
            fields: doc.fields.clone(),
        })
    }
}

/// A visitor's Durable Object record, version 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorRecordV1 {
    pub first_seen_at: Option<Millis>,
    pub last_seen_at: Option<Millis>,
    /// `(campaign id, last delivered at)`.
    pub received: Vec<(String, Millis)>,
    pub recent_events: Vec<String>,
    /// The live customer profile (absent in records written before it existed).
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Automated campaigns under way (absent in records written before them).
    #[serde(default)]
    pub progress: Vec<Progress>,
    #[serde(default)]
    pub pending: Vec<Pending>,
    #[serde(default)]
    pub shown: Vec<Shown>,
    /// `(channel, visitor id)`: lets the object's alarm act without a request.
    #[serde(default)]
    pub key: Option<(String, String)>,
}

impl From<&VisitorState> for VisitorRecordV1 {
    fn from(state: &VisitorState) -> VisitorRecordV1 {
        VisitorRecordV1 {
            first_seen_at: state.first_seen_at,
            last_seen_at: state.last_seen_at,
            received: state.received.iter().map(|(id, at)| (id.as_str().to_owned(), *at)).collect(),
            recent_events: state.recent_events.iter().map(|id| id.as_str().to_owned()).collect(),
            profile: None,
            progress: state.progress.clone(),
            pending: state.pending.iter().cloned().collect(),
            shown: state.shown.iter().cloned().collect(),
            key: None,
        }
    }
}

impl From<&VisitorRecordV1> for VisitorState {
    /// Entries that no longer parse are dropped rather than failing the visitor.
    fn from(record: &VisitorRecordV1) -> VisitorState {
        let skip = record.recent_events.len().saturating_sub(RECENT_EVENTS);
        VisitorState {
            first_seen_at: record.first_seen_at,
            last_seen_at: record.last_seen_at,
            received: record.received.iter().filter_map(|(id, at)| Some((CampaignId::parse(id).ok()?, *at))).collect(),
            recent_events: record.recent_events[skip..].iter().filter_map(|id| EventId::parse(id).ok()).collect(),
            progress: record.progress.clone(),
            pending: record.pending.iter().cloned().collect(),
            shown: record.shown.iter().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> CampaignDocV1 {
        serde_json::from_str(
            r#"{"id":"c1","name":" Welcome ","state":"running",
                "trigger":{"event":"PageView","urlContains":"/shop"},
                "message":{"sender":{"name":"Shop"},"text":"Hi <b>there</b>",
                           "buttons":[{"label":"Sale","url":"/sale"}],"display":"bubble"},
                "goal":{"kind":"event","name":"CheckoutComplete"}}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_valid_document_becomes_a_campaign() {
        let campaign = Campaign::try_from(&doc()).unwrap();
        assert_eq!(campaign.name, "Welcome");
        assert_eq!(
            campaign.trigger().unwrap().url,
            Some(UrlCondition {
                include: vec![UrlTest { op: UrlOp::Contains, value: "/shop".to_owned() }],
                exclude: vec![]
            })
        );
        assert_eq!(campaign.goal, Some(Goal::Event(EventMatch::named("CheckoutComplete"))));
    }

    #[test]
    fn url_rules_are_checked_naming_the_rule() {
        let with_url = |url: &str| {
            let mut d = doc();
            d.trigger.as_mut().unwrap().url_contains = None;
            d.trigger.as_mut().unwrap().url = Some(serde_json::from_str(url).unwrap());
            d
        };
        let campaign = Campaign::try_from(&with_url(
            r#"{"include":[{"op":"matches","value":"/products/*"}],"exclude":[{"op":"contains","value":"sale"}]}"#,
        ))
        .unwrap();
        let url = campaign.trigger().unwrap().url.clone().unwrap();
        assert!(url.matches("https://x.jp/products/tea") && !url.matches("https://x.jp/products/sale"));
        let err = |d: CampaignDocV1| Campaign::try_from(&d).unwrap_err().field;
        assert_eq!(
            err(with_url(r#"{"exclude":[{"op":"equals","value":"/"},{"op":"equals","value":" "}]}"#)),
            "trigger.url.exclude[1].value"
        );
        let mut both = with_url(r#"{}"#);
        both.trigger.as_mut().unwrap().url_contains = Some("/x".into());
        assert_eq!(err(both), "trigger.url");
        let mut tracked = with_url(r#"{"include":[{"op":"equals","value":"/"}]}"#);
        tracked.trigger.as_mut().unwrap().event = "CheckoutComplete".into();
        assert_eq!(err(tracked), "trigger.url");
    }

    #[test]
    fn an_unsafe_button_link_is_refused_naming_the_field() {
        let mut d = doc();
        d.message.buttons[0].url = "javascript:alert(1)".to_owned();
        let err = Campaign::try_from(&d).unwrap_err();
        assert_eq!(err.field, "message.buttons[0].url");
    }

    #[test]
    fn empty_text_and_bad_periods_are_refused() {
        let mut d = doc();
        d.message.text = "   ".to_owned();
        assert_eq!(Campaign::try_from(&d).unwrap_err().field, "message.text");
        let mut d = doc();
        d.starts_at = Some(10);
        d.ends_at = Some(10);
        assert_eq!(Campaign::try_from(&d).unwrap_err().field, "endsAt");
    }

    #[test]
    fn unknown_fields_in_a_document_are_refused() {
        let err = serde_json::from_str::<CampaignDocV1>(r#"{"id":"c1","nmae":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("nmae"), "{err}");
    }

    #[test]
    fn a_visitor_record_round_trips() {
        let mut state = VisitorState::default();
        state.touch(5);
        state.received.insert(CampaignId::parse("c1").unwrap(), 5);
        state.recent_events.push_back(EventId::parse("e1").unwrap());
        let record = VisitorRecordV1::from(&state);
        let json = serde_json::to_string(&record).unwrap();
        let back: VisitorRecordV1 = serde_json::from_str(&json).unwrap();
        assert_eq!(VisitorState::from(&back), state);
    }
}
