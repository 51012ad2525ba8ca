//! What the front worker and the visitor's Durable Object say to each other: the calls
//! and the facts a request carries. Worker-free, so its shapes are pinned on the host.

use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::DeliveryId;
use kizuna_shared::ids::EventId;
use kizuna_shared::ids::SessionId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::profile::ProfileChange;
use kizuna_shared::store::VisitorRecordV1;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::public::EventIn;
use serde::Deserialize;
use serde::Serialize;

/// What the front worker asks of a visitor's object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum VisitorCall {
    Boot {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
    },
    Events {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
        session_id: Option<SessionId>,
        facts: RequestFacts,
        events: Vec<EventIn>,
        /// A `pagehide` beacon: its answer is never read, so messages wait for the next page.
        #[serde(default)]
        leaving: bool,
    },
    /// The visitor signed in as `member_id` (already verified by the front worker); with
    /// `absorb`, an anonymous visitor's record (profile and campaign state) merges into
    /// this member's first.
    SignIn {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the returning visitor's token, when the member signs in on
        /// the visitor the browser kept: refused (401) when that visitor is gone or shut
        /// down, and the edge signs in on a new visitor instead. `None`: a new visitor,
        /// or the member's own customer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
        member_id: String,
        change: ProfileChange,
        absorb: Option<Box<VisitorRecordV1>>,
    },
    /// New profile values from the site (`updateUser`) or a manager, checked against the
    /// channel's fields by the front worker.
    UpdateProfile {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
        change: ProfileChange,
    },
    /// The whole record (profile and campaign state), to merge it elsewhere.
    ReadRecord,
    /// Delete the customer everywhere: D1's rows and this object's state.
    Erase { channel: ChannelId, visitor_id: VisitorId },
    /// After a merge into `into`: move D1's rows over and delete everything this holds.
    Forget { channel: ChannelId, visitor_id: VisitorId, into: VisitorId },
    /// The widget asks for messages delivered since its last request.
    Messages {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
    },
    /// The site asks to show a campaign now.
    Show {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
        campaign: CampaignId,
        request: EventId,
    },
    /// The visitor viewed, clicked or marked read these unread messages (the launcher's
    /// list): they leave it, in every tab and on every device.
    Read {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
        deliveries: Vec<DeliveryId>,
    },
    /// Time passed (the cron found this visitor's wake-up due): release what is due.
    Tick { channel: ChannelId, visitor_id: VisitorId },
    /// A one-time broadcast reaches this visitor (one of its fan-out batches).
    Broadcast { channel: ChannelId, visitor_id: VisitorId, campaign: CampaignId },
    /// `Kizuna('shutdown')`: the page forgets this visitor, and every token issued to it
    /// until now is refused from now on (the member signs in again for a new one).
    Shutdown {
        channel: ChannelId,
        visitor_id: VisitorId,
        /// The issue time of the visitor token the request came with (a public route):
        /// the object refuses it when the visitor no longer exists. `None`: the edge's own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_issued_at: Option<Millis>,
    },
}

impl VisitorCall {
    /// The issue time of the visitor token a public request carried, if it carried one.
    pub fn token_issued_at(&self) -> Option<Millis> {
        match self {
            VisitorCall::Boot { token_issued_at, .. }
            | VisitorCall::Events { token_issued_at, .. }
            | VisitorCall::UpdateProfile { token_issued_at, .. }
            | VisitorCall::Messages { token_issued_at, .. }
            | VisitorCall::SignIn { token_issued_at, .. }
            | VisitorCall::Shutdown { token_issued_at, .. }
            | VisitorCall::Read { token_issued_at, .. }
            | VisitorCall::Show { token_issued_at, .. } => *token_issued_at,
            _ => None,
        }
    }
}

/// What the request itself tells about the visitor (headers, Cloudflare's geolocation).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RequestFacts {
    pub user_agent: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub language: Option<String>,
}

/// The object's answer to `Tick`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticked {
    pub ticked: bool,
}

/// The object's answer to `Broadcast`: whether this visitor got the broadcast now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastReply {
    pub sent: bool,
}

/// The object's answer to `UpdateProfile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Updated {
    pub updated: bool,
}

/// The object's answer to `Erase`: the customer it deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    pub deleted: VisitorId,
}

/// The object's answer to `Shutdown`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShutDown {
    pub shut_down: bool,
}

/// The object's answer to `Forget`: the visitor it forgot after a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forgotten {
    pub forgotten: VisitorId,
}
