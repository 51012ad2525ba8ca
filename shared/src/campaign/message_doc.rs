//! A campaign message's JSON form ([`MessageDoc`]): how the campaign document stores the
//! message and what email, SMS and the message page are composed from.
//!
//! Invariant: it sits in the domain, below the stored shapes, because outbound
//! composition reads stored messages as they are (old documents must compose the same
//! way); `store::CampaignDocV1` embeds it and validates it into a [`super::Message`].

use super::Display;
use serde::{Deserialize, Serialize};

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
