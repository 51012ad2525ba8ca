//! The public HTTP API between the widget and the edge, declared once for both sides.
//! JSON, camelCase; requests refuse unknown fields so a typo is an error, not a no-op.

use crate::campaign::{Display, Message};
use crate::counting::{Counts, Delivery};
use crate::event::PropertyValue;
use crate::ids::{ChannelId, EventId, SessionId, VisitorId};
use crate::stats::Rates;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest accepted event, serialized (bytes).
pub const MAX_EVENT_BYTES: usize = 32 * 1024;
/// Largest accepted request body (bytes).
pub const MAX_BATCH_BYTES: usize = 500 * 1024;

/// `POST /v1/boot`: a visitor opened a page of the channel's site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BootRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The site's id of the signed-in member: links this visitor to the member.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Hex HMAC-SHA256 of `memberId` under the channel's secret (identity verification).
    #[serde(default)]
    pub member_hash: Option<String>,
    /// Profile values (built-in contact fields and the channel's custom fields).
    #[serde(default)]
    pub profile: Option<crate::fields::ProfileValues>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BootReply {
    /// The id to use from now on: a member's customer id when the visitor was merged
    /// into one.
    pub visitor_id: VisitorId,
    #[serde(default)]
    pub member: bool,
    /// First time this visitor was seen (ms since the epoch).
    pub first_seen_at: i64,
}

/// `POST /v1/events`: events of one visitor, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBatch {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visit these events belong to; a new id counts a new session.
    #[serde(default)]
    pub session_id: Option<SessionId>,
    pub events: Vec<EventIn>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventIn {
    pub id: EventId,
    pub name: String,
    #[serde(default)]
    pub properties: BTreeMap<String, PropertyValue>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsReply {
    /// Events processed for the first time.
    pub accepted: u32,
    /// Events already seen (retries); they changed nothing.
    pub duplicates: u32,
    /// Messages to show now, in order.
    pub popups: Vec<Popup>,
}

/// `POST /v1/profile`: the JS API's `updateUser`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileUpdate {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    pub profile: crate::fields::ProfileValues,
}

/// `POST /v1/deliveries/{id}/view` and `/click`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
}

/// What the action added to the statistics (1 where it counted, 0 where it did not).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionReply {
    pub counted: Counts,
}

/// A message to render, as the widget receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Popup {
    pub delivery_id: String,
    pub campaign_id: String,
    pub display: Display,
    pub sender: PopupSender,
    pub text: String,
    pub buttons: Vec<PopupButton>,
}

impl Popup {
    pub fn new(delivery: &Delivery, message: &Message) -> Popup {
        Popup {
            delivery_id: delivery.id.as_str().to_owned(),
            campaign_id: delivery.campaign_id.as_str().to_owned(),
            display: message.display,
            sender: PopupSender {
                name: message.sender.name.clone(),
                avatar_url: message.sender.avatar_url.as_ref().map(|url| url.as_str().to_owned()),
            },
            text: message.text.clone(),
            buttons: message
                .buttons
                .iter()
                .map(|b| PopupButton { label: b.label.clone(), url: b.url.as_str().to_owned() })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PopupSender {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PopupButton {
    pub label: String,
    pub url: String,
}

/// `GET /admin/v1/campaigns/{id}/stats`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsReply {
    pub campaign_id: String,
    /// The channel's offset from UTC that days are counted in.
    pub utc_offset_minutes: i32,
    pub from: String,
    pub to: String,
    pub days: Vec<DayStats>,
    pub totals: Counts,
    pub rates: Rates,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayStats {
    pub date: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Every 4xx and 5xx answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorReply {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable machine-readable code (`invalid`, `not_found`, ...).
    pub code: String,
    pub message: String,
    /// The offending field, as a path (`events[2].name`), when one is to blame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
