//! A channel: one site with its own customers, campaigns and clock.

use crate::ids::ChannelId;

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    /// The channel's clock, minutes east of UTC: its statistics days start at its midnight.
    pub utc_offset_minutes: i32,
    /// With identity verification on, the secrets a member hash may be made with (the
    /// current one first); `None` when it is off.
    pub identity_secrets: Option<Vec<String>>,
    /// Its custom `profile.*` fields: what the site may send beside the built-in ones.
    pub fields: Vec<crate::fields::CustomField>,
}

/// UTC-12:00 to UTC+14:00, the offsets in use.
pub fn check_utc_offset(minutes: i32) -> Result<(), &'static str> {
    if (-720..=840).contains(&minutes) { Ok(()) } else { Err("must be between -720 and 840 minutes") }
}
