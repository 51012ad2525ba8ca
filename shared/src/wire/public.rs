//! The public HTTP API between the widget and the edge, declared once for both sides.
//! JSON, camelCase; requests refuse unknown fields so a typo is an error, not a no-op.

use crate::campaign::{Display, Message};
use crate::counting::Counts;
use crate::event::PropertyValue;
use crate::ids::{ChannelId, EventId, SessionId, VisitorId};
use crate::stats::Rates;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest accepted event, serialized (bytes).
pub const MAX_EVENT_BYTES: usize = 32 * 1024;
/// Largest accepted request body (bytes).
pub const MAX_BATCH_BYTES: usize = 500 * 1024;
/// Most events in one `POST /v1/events` (the widget sends at most 50); more is 413.
pub const MAX_BATCH_EVENTS: usize = 100;

/// `POST /v1/boot`: a visitor opened a page of the channel's site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BootRequest {
    pub channel: ChannelId,
    /// The id a previous boot answered, with its `token`. Without a valid token the edge
    /// issues a new id: it never adopts an id the browser chose.
    #[serde(default)]
    pub visitor_id: Option<VisitorId>,
    /// The visitor token a previous boot answered for `visitorId`.
    #[serde(default)]
    pub token: Option<String>,
    /// The site's id of the signed-in member: links this visitor to the member.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Hex HMAC-SHA256 of `memberId` under the channel's secret (identity verification).
    #[serde(default)]
    pub member_hash: Option<String>,
    /// Profile values (built-in contact fields and the channel's custom fields).
    #[serde(default)]
    pub profile: Option<crate::profile::ProfileValues>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BootReply {
    /// The id to use from now on: a member's customer id when the visitor was merged
    /// into one.
    pub visitor_id: VisitorId,
    /// The visitor token for `visitorId` (`visitor_token`), renewed at every boot: every
    /// other public request carries it in its body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default)]
    pub member: bool,
    /// First time this visitor was seen (ms since the epoch).
    pub first_seen_at: i64,
    /// Messages waiting for the visitor (delivered while they were away), in order.
    #[serde(default)]
    pub popups: Vec<Popup>,
    /// Every message a page took that the visitor has not viewed yet, oldest first (at
    /// most `deliver::MAX_UNREAD`): the widget's launcher lists them, and a page drops
    /// from the screen an unviewed message no longer listed (read elsewhere, expired, or
    /// withdrawn by "delete unviewed"). Absent where the answer does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<Vec<Popup>>,
}

/// `POST /v1/messages`: the widget asks for messages delivered since its last request
/// (a broadcast, or a wait that ended while the page is open).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessagesRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
}

/// `POST /v1/show`: the site asks to show a campaign now (`Kizuna('showCampaign', id)`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShowRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
    pub campaign_id: crate::ids::CampaignId,
    /// Chosen by the widget; a retried request carries the same id and shows nothing twice.
    pub request_id: EventId,
}

/// `POST /v1/preview`: the page a "Try it on my site" link opened asks for the draft
/// message behind the link's token (the `#kizuna-preview=` part of its address).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
    /// The link's single-use token.
    pub preview: String,
}

/// The `deliveryId` of a previewed message: it is no delivery, and the widget reports
/// nothing about it, so a preview never counts.
pub const PREVIEW_DELIVERY: &str = "preview";

/// The answer to `POST /v1/messages`, `POST /v1/show` and `POST /v1/preview`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagesReply {
    pub popups: Vec<Popup>,
    /// Every message a page took that the visitor has not viewed yet, oldest first (at
    /// most `deliver::MAX_UNREAD`): the widget's launcher lists them, and a page drops
    /// from the screen an unviewed message no longer listed (read elsewhere, expired, or
    /// withdrawn by "delete unviewed"). Absent where the answer does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<Vec<Popup>>,
}

/// `POST /v1/events`: events of one visitor, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBatch {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
    /// The visit these events belong to; a new id counts a new session.
    #[serde(default)]
    pub session_id: Option<SessionId>,
    pub events: Vec<EventIn>,
    /// Sent as the page goes away (a `pagehide` beacon): nobody reads the answer, so the
    /// messages these events deliver wait for the visitor's next page.
    #[serde(default)]
    pub leaving: bool,
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
    /// Every message a page took that the visitor has not viewed yet, oldest first (at
    /// most `deliver::MAX_UNREAD`): the widget's launcher lists them, and a page drops
    /// from the screen an unviewed message no longer listed (read elsewhere, expired, or
    /// withdrawn by "delete unviewed"). Absent where the answer does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<Vec<Popup>>,
}

/// `POST /v1/profile`: the JS API's `updateUser`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileUpdate {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
    pub profile: crate::profile::ProfileValues,
}

/// `POST /v1/deliveries/{id}/view` and `/click`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
}

/// `POST /v1/read`: the visitor marked these unread messages read (the launcher's "mark
/// all read" names those it listed, so a message that arrived since stays unread).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadRequest {
    pub channel: ChannelId,
    pub visitor_id: VisitorId,
    /// The visitor token the last boot answered for `visitorId`.
    pub token: String,
    /// At most `deliver::MAX_UNREAD`; ids not unread for this visitor change nothing.
    pub delivery_ids: Vec<String>,
}

/// How many of the named messages were unread (and are read now).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadReply {
    pub read: usize,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    pub buttons: Vec<PopupButton>,
}

impl Popup {
    pub fn new(delivery: &crate::ids::DeliveryId, campaign: &crate::ids::CampaignId, message: &Message) -> Popup {
        Popup::of(delivery.as_str(), campaign, message)
    }

    /// The message a "Try it on my site" link shows: no delivery, so nothing counts.
    pub fn preview(campaign: &crate::ids::CampaignId, message: &Message) -> Popup {
        Popup::of(PREVIEW_DELIVERY, campaign, message)
    }

    fn of(delivery: &str, campaign: &crate::ids::CampaignId, message: &Message) -> Popup {
        Popup {
            delivery_id: delivery.to_owned(),
            campaign_id: campaign.as_str().to_owned(),
            display: message.display,
            sender: PopupSender {
                name: message.sender.name.clone(),
                avatar_url: message.sender.avatar_url.as_ref().map(|url| url.as_str().to_owned()),
            },
            text: message.text.clone(),
            image_url: message.image_url.as_ref().map(|url| url.as_str().to_owned()),
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
    /// The channel's time zone, which days are counted in, and its offset from UTC now.
    pub time_zone: String,
    pub utc_offset_minutes: i32,
    pub from: String,
    pub to: String,
    pub days: Vec<DayStats>,
    /// `sent` is the deliveries: messages that reached a customer.
    pub totals: Counts,
    /// Customers reached in the period: each once, however many deliveries they got.
    pub reached: u64,
    pub rates: Rates,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayStats {
    pub date: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// Customers reached that day (a customer sent two messages that day counts once).
    pub reached: u64,
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
