//! The campaign document as stored, version 1 (D1 `campaigns.definition` and the KV
//! publication), and its validation into a domain [`Campaign`].
//!
//! Invariant: the JSON of a [`CampaignDocV1`] never changes shape (documents written by
//! older workers must still read); invalid documents never become a `Campaign`, and the
//! error names the field.

use crate::campaign::variants::Split;
use crate::campaign::{
    Audience, Campaign, CampaignState, EventMatch, FollowUp, Goal, Kind, LinkButton, Message, Offline,
    PropertyCondition, PropertyOp, SafeUrl, ScheduleRef, Sender, UrlCondition, UrlOp, UrlTest, Variants,
};
pub use crate::campaign::{ButtonDoc, KindDoc, MessageDoc, SenderDoc};
use crate::event::PropertyValue;
use crate::event::check_event_name;
use crate::filter::FilterDoc;
use crate::ids::CampaignId;
use crate::invalid::FieldError;
use crate::schedule::schedule_from_docs;
use crate::text::{MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS, bounded};
use crate::time::Millis;
use crate::time::{DAY, HOUR, MINUTE};
use serde::{Deserialize, Serialize};

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
    /// The site may also show it with `Kizuna('showCampaign', id)` (automated campaigns
    /// only). Off when absent and left out when off, so documents written before it keep
    /// their bytes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_demand: bool,
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
    /// Message variants (issue 12): absent, every customer gets `message`. Present, each
    /// entry is one variant with its share of the customers in percent; the first
    /// variant's message is `message` (so readers of `message` keep reading variant A),
    /// each later one carries its own. Left out when absent, so older documents keep
    /// their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Vec<VariantDocV1>>,
    /// Percent of the customers held out as the control group: assigned, counted, sent
    /// nothing. Only with `variants`; absent or 0: no control group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_percent: Option<i64>,
}

/// One message variant of a campaign: its share in percent and, for every variant but
/// the first (whose message is the document's `message`), its own message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariantDocV1 {
    pub share: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageDoc>,
}

/// Exactly one of a filter or a saved segment's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AudienceDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<FilterDoc>,
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
/// Longest URL rule value and property-condition text (characters). Matching is linear
/// in rule + text, and this keeps a stored campaign small.
pub const MAX_RULE_VALUE_CHARS: usize = 2_048;

fn conditions(list: &[ConditionDoc], path: &str) -> Result<Vec<PropertyCondition>, FieldError> {
    if list.len() > MAX_CONDITIONS {
        return Err(FieldError::new(path, format!("at most {MAX_CONDITIONS} conditions")));
    }
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let at = format!("{path}[{i}]");
            let property = bounded(&format!("{at}.property"), &c.property, 64)?;
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
            if let Some(PropertyValue::Text(text)) = &c.value
                && text.chars().count() > MAX_RULE_VALUE_CHARS
            {
                return Err(FieldError::new(
                    format!("{at}.value"),
                    format!("must be at most {MAX_RULE_VALUE_CHARS} characters"),
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
        (None, Some(segment)) => Ok(Audience::Segment(bounded("audience.segment", segment, 64)?)),
        _ => Err(FieldError::new("audience", "give exactly one of filter or segment")),
    }
}

fn schedule(doc: &ScheduleDoc) -> Result<ScheduleRef, FieldError> {
    match (&doc.windows, &doc.business_hours) {
        (Some(windows), None) => Ok(ScheduleRef::Windows(schedule_from_docs(windows, "schedule.windows")?)),
        (None, Some(name)) => Ok(ScheduleRef::BusinessHours(bounded("schedule.businessHours", name, 64)?)),
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
            .map(|(i, r)| {
                Ok(UrlTest { op: r.op, value: bounded(&format!("{path}[{i}].value"), &r.value, MAX_RULE_VALUE_CHARS)? })
            })
            .collect()
    };
    match (&trigger.url_contains, &trigger.url) {
        (Some(_), Some(_)) => Err(FieldError::new(format!("{path}.url"), "give url or urlContains, not both")),
        (Some(part), None) => Ok(Some(UrlCondition {
            include: vec![UrlTest {
                op: UrlOp::Contains,
                value: bounded(&format!("{path}.urlContains"), part, MAX_RULE_VALUE_CHARS)?,
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

impl CampaignDocV1 {
    /// The document with its goal spelled out: one saved without a goal (`"goal": null`,
    /// as every document before the default was) has "a link in the message clicked",
    /// which is what [`Campaign`] reads it as.
    pub fn with_goal(self) -> CampaignDocV1 {
        CampaignDocV1 { goal: Some(self.goal.unwrap_or(GoalDoc::Clicked)), ..self }
    }
}

/// A message document validated into a [`Message`]; errors name the field under `path`
/// (`message`, `variants[1].message`).
fn message(doc: &MessageDoc, path: &str) -> Result<Message, FieldError> {
    let avatar_url = match &doc.sender.avatar_url {
        None => None,
        Some(url) => Some(SafeUrl::parse(url).map_err(|p| FieldError::new(format!("{path}.sender.avatarUrl"), p))?),
    };
    if doc.buttons.len() > MAX_BUTTONS {
        return Err(FieldError::new(format!("{path}.buttons"), format!("at most {MAX_BUTTONS} buttons")));
    }
    let buttons = doc
        .buttons
        .iter()
        .enumerate()
        .map(|(i, b)| {
            Ok(LinkButton {
                label: bounded(&format!("{path}.buttons[{i}].label"), &b.label, MAX_LABEL_CHARS)?,
                url: SafeUrl::parse(b.url.trim())
                    .map_err(|p| FieldError::new(format!("{path}.buttons[{i}].url"), p))?,
            })
        })
        .collect::<Result<Vec<_>, FieldError>>()?;
    Ok(Message {
        sender: Sender { name: bounded(&format!("{path}.sender.name"), &doc.sender.name, MAX_NAME_CHARS)?, avatar_url },
        text: bounded(&format!("{path}.text"), &doc.text, MAX_TEXT_CHARS)?,
        image_url: match &doc.image_url {
            None => None,
            Some(url) => Some(
                SafeUrl::parse(url.trim())
                    .ok()
                    .filter(|u| !u.as_str().to_ascii_lowercase().starts_with("mailto:"))
                    .ok_or_else(|| {
                        FieldError::new(format!("{path}.imageUrl"), "must be an https: URL or a path on the site")
                    })?,
            ),
        },
        buttons,
        display: doc.display,
    })
}

/// The document's variants and control group, checked by [`Split::new`] (whose errors
/// name `variants`, `variants[i].share` and `controlPercent`, as the document does).
fn variants(doc: &CampaignDocV1) -> Result<Option<Variants>, FieldError> {
    let Some(list) = &doc.variants else {
        return match doc.control_percent {
            None | Some(0) => Ok(None),
            Some(_) => Err(FieldError::new("controlPercent", "a control group needs variants")),
        };
    };
    let shares: Vec<i64> = list.iter().map(|variant| variant.share).collect();
    let split = Split::new(&shares, doc.control_percent.unwrap_or(0))?;
    let mut others = Vec::with_capacity(list.len().saturating_sub(1));
    for (i, variant) in list.iter().enumerate() {
        match (i, &variant.message) {
            (0, None) => {}
            (0, Some(_)) => {
                return Err(FieldError::new(
                    "variants[0].message",
                    "the first variant's message is the campaign's message: leave it out here",
                ));
            }
            (_, None) => return Err(FieldError::new(format!("variants[{i}].message"), "required")),
            (_, Some(m)) => others.push(message(m, &format!("variants[{i}].message"))?),
        }
    }
    Ok(Some(Variants { split, others }))
}

/// Highest campaign priority (lower numbers are tried first).
pub const MAX_PRIORITY: i32 = 1000;

impl TryFrom<&CampaignDocV1> for Campaign {
    type Error = FieldError;

    fn try_from(doc: &CampaignDocV1) -> Result<Campaign, FieldError> {
        let id = CampaignId::parse(&doc.id).map_err(|e| FieldError::new("id", e.to_string()))?;
        let name = bounded("name", &doc.name, MAX_NAME_CHARS)?;
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
                    ("onDemand", doc.on_demand),
                ];
                if let Some((field, _)) = not_for_broadcasts.iter().find(|(_, given)| *given) {
                    return Err(FieldError::new(*field, "a one-time broadcast has no such setting"));
                }
                Kind::Broadcast
            }
        };
        // Documents stored before the default existed have `"goal": null`.
        let goal = match &doc.goal {
            None => Goal::default(),
            Some(GoalDoc::Viewed) => Goal::MessageViewed,
            Some(GoalDoc::Clicked) => Goal::LinkClicked,
            Some(GoalDoc::Event { name, conditions: list }) => {
                check_event_name(name).map_err(|p| FieldError::new("goal.name", p))?;
                Goal::Event(EventMatch {
                    event: name.clone(),
                    url: None,
                    conditions: conditions(list, "goal.conditions")?,
                })
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
            on_demand: doc.on_demand,
            audience: doc.audience.as_ref().map(audience).transpose()?,
            message: message(&doc.message, "message")?,
            variants: variants(doc)?,
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

/// The part of a stored campaign document (`campaigns.definition`) a message needs;
/// every other field of the document is ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Definition {
    pub message: MessageDoc,
    #[serde(default)]
    pub variants: Option<Vec<VariantDocV1>>,
}

impl Definition {
    /// The message of the variant at `index` (the customer's arm, if any): the first
    /// variant's, or one the document does not have, is `message`.
    pub fn into_message(self, index: Option<usize>) -> MessageDoc {
        let variant = index.and_then(|i| self.variants?.into_iter().nth(i)?.message);
        variant.unwrap_or(self.message)
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
    fn r10_a_property_condition_value_over_2048_characters_is_refused_naming_it() {
        let with_value = |chars: usize| {
            let mut doc = doc();
            doc.trigger = serde_json::from_value(serde_json::json!({
                "event": "Cart", "conditions": [{"property": "note", "op": "contains", "value": "会".repeat(chars)}]
            }))
            .unwrap();
            Campaign::try_from(&doc).map(|_| ()).map_err(|e| (e.field, e.problem))
        };
        assert_eq!(with_value(MAX_RULE_VALUE_CHARS), Ok(()));
        assert_eq!(
            with_value(100_000),
            Err(("trigger.conditions[0].value".to_owned(), "must be at most 2048 characters".to_owned()))
        );
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
        assert_eq!(campaign.goal, Goal::Event(EventMatch::named("CheckoutComplete")));
    }

    #[test]
    fn a_document_without_a_goal_reads_as_a_link_in_the_message_clicked() {
        // As stored before the default: `"goal": null` (the golden draft keeps those bytes).
        let stored = CampaignDocV1 { goal: None, ..doc() };
        assert_eq!(Campaign::try_from(&stored).unwrap().goal, Goal::LinkClicked);
        assert_eq!(stored.clone().with_goal().goal, Some(GoalDoc::Clicked));
        assert_eq!(Campaign::try_from(&stored.with_goal()).unwrap().goal, Goal::LinkClicked);
        // A chosen goal is kept.
        assert_eq!(doc().with_goal().goal, doc().goal);
        let viewed = CampaignDocV1 { goal: Some(GoalDoc::Viewed), ..doc() };
        assert_eq!(viewed.with_goal().goal, Some(GoalDoc::Viewed));
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
    fn r10_on_demand_is_off_unless_set_and_is_written_only_when_on() {
        assert!(!Campaign::try_from(&doc()).unwrap().on_demand, "off by default");
        assert!(!serde_json::to_string(&doc()).unwrap().contains("onDemand"), "left out when off");
        let on: CampaignDocV1 = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "Size guide", "onDemand": true, "trigger": {"event": "Never"},
            "message": {"sender": {"name": "S"}, "text": "Hi", "display": "bubble"}
        }))
        .unwrap();
        assert!(Campaign::try_from(&on).unwrap().on_demand);
        assert!(serde_json::to_string(&on).unwrap().contains(r#""onDemand":true"#));
    }

    #[test]
    fn r10_a_broadcast_does_not_show_on_demand() {
        let broadcast: CampaignDocV1 = serde_json::from_value(serde_json::json!({
            "id": "b1", "name": "News", "kind": "broadcast", "onDemand": true,
            "message": {"sender": {"name": "S"}, "text": "Hi", "display": "bubble"}
        }))
        .unwrap();
        let err = Campaign::try_from(&broadcast).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.problem.as_str()),
            ("onDemand", "a one-time broadcast has no such setting")
        );
    }

    /// `doc()` with variants and a control group as given (JSON of the two fields).
    fn with_variants(json: serde_json::Value) -> Result<Campaign, (String, String)> {
        let mut value = serde_json::to_value(doc()).unwrap();
        for (key, field) in json.as_object().unwrap() {
            value[key] = field.clone();
        }
        let doc: CampaignDocV1 = serde_json::from_value(value).map_err(|e| ("json".to_owned(), e.to_string()))?;
        Campaign::try_from(&doc).map_err(|e| (e.field, e.problem))
    }

    fn b() -> serde_json::Value {
        serde_json::json!({"sender": {"name": "Shop"}, "text": "B", "display": "fullscreen"})
    }

    #[test]
    fn variants_carry_their_own_messages_after_the_first() {
        let campaign = with_variants(serde_json::json!({
            "variants": [{"share": 45}, {"share": 45, "message": b()}], "controlPercent": 10
        }))
        .unwrap();
        let variants = campaign.variants.clone().unwrap();
        assert_eq!((variants.split.shares(), variants.split.control_percent()), (&[45, 45][..], 10));
        assert_eq!(variants.others[0].text, "B");
        use crate::campaign::variants::Arm;
        assert_eq!(campaign.message_for(Some(Arm::Variant(0))).map(|m| m.text.as_str()), Some("Hi <b>there</b>"));
        assert_eq!(campaign.message_for(Some(Arm::Variant(1))).map(|m| m.text.as_str()), Some("B"));
        assert_eq!(campaign.message_for(Some(Arm::Control)), None);
        assert_eq!(campaign.message_for(Some(Arm::Variant(2))), None, "a variant removed since");
        assert!(Campaign::try_from(&doc()).unwrap().variants.is_none(), "absent: one message as before");
        assert!(!serde_json::to_string(&doc()).unwrap().contains("variants"), "and older documents keep their bytes");
    }

    #[test]
    fn variant_problems_name_their_field() {
        let refused = |json: serde_json::Value| with_variants(json).unwrap_err().0;
        let bad_share = serde_json::json!({"variants": [{"share": 50}, {"share": -5, "message": b()}]});
        assert_eq!(refused(bad_share), "variants[1].share");
        let over = serde_json::json!({"variants": [{"share": 5}, {"share": 5, "message": b()}], "controlPercent": 95});
        assert_eq!(refused(over), "controlPercent");
        let short = serde_json::json!({"variants": [{"share": 50}, {"share": 40, "message": b()}]});
        assert_eq!(refused(short), "variants", "the shares must add up to 100");
        let four = serde_json::json!({"variants": [{"share": 25}, {"share": 25}, {"share": 25}, {"share": 25}]});
        assert_eq!(refused(four), "variants");
        assert_eq!(refused(serde_json::json!({"variants": [{"share": 50}, {"share": 50}]})), "variants[1].message");
        let first_with =
            serde_json::json!({"variants": [{"share": 50, "message": b()}, {"share": 50, "message": b()}]});
        assert_eq!(refused(first_with), "variants[0].message");
        let mut bad_link = b();
        bad_link["buttons"] = serde_json::json!([{"label": "Go", "url": "javascript:alert(1)"}]);
        let bad = serde_json::json!({"variants": [{"share": 50}, {"share": 50, "message": bad_link}]});
        assert_eq!(refused(bad), "variants[1].message.buttons[0].url");
        assert_eq!(refused(serde_json::json!({"controlPercent": 10})), "controlPercent", "a control needs variants");
        assert!(with_variants(serde_json::json!({"controlPercent": 0})).is_ok());
    }

    #[test]
    fn unknown_fields_in_a_document_are_refused() {
        let err = serde_json::from_str::<CampaignDocV1>(r#"{"id":"c1","nmae":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("nmae"), "{err}");
    }
}
