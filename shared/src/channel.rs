//! A channel: one site with its own customers, campaigns and clock.

use crate::ids::ChannelId;
use crate::schedule::{Schedule, Zone};
use crate::time::{Day, Millis};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    /// The channel's time zone (daylight saving included): its days, statistics and
    /// schedules. Channels stored with only an offset keep it as a fixed-offset zone.
    pub zone: Zone,
    /// With identity verification on, the secrets a member hash may be made with (the
    /// current one, and the previous one for 24 hours after a rotation); `None` when it
    /// is off.
    pub identity: Option<crate::identity::Secrets>,
    /// Its custom `profile.*` fields: what the site may send beside the built-in ones.
    pub fields: Vec<crate::field::CustomField>,
    /// Named business-hours sets campaigns may follow instead of their own windows.
    pub business_hours: BTreeMap<String, Schedule>,
    /// How many on-site messages of automated campaigns one visitor may receive.
    pub cap: FrequencyCap,
}

/// A per-channel limit across automated campaigns (`None`: no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FrequencyCap {
    /// At most this many messages in one visit (30-minute session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_session: Option<u32>,
    /// At most this many messages in one day of the channel's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<u32>,
}

/// An account's role in a channel's team; what each may do is `permission::Action`'s
/// table. Stored in `channel_members.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Owner, Role::Member].into_iter().find(|r| r.as_str() == text)
    }

    pub fn is_owner(self) -> bool {
        self == Role::Owner
    }
}

impl FrequencyCap {
    /// A limit, when given, is at least 1: a cap of 0 would silence the channel, which
    /// is what leaving every campaign paused is for.
    pub fn validate(&self) -> Result<(), crate::invalid::FieldError> {
        if self.per_session == Some(0) || self.per_day == Some(0) {
            return Err(crate::invalid::FieldError::new(
                "frequencyCap",
                "a limit must be at least 1 (leave it out for none)",
            ));
        }
        Ok(())
    }
}

impl Channel {
    /// Minutes east of UTC in force at `at`.
    pub fn offset_at(&self, at: Millis) -> i32 {
        self.zone.offset_minutes_at(at)
    }

    /// The calendar day `at` falls on in the channel's clock: statistics count there.
    pub fn day_of(&self, at: Millis) -> Day {
        self.zone.day_of(at)
    }

    /// The first instant of `day` in the channel's clock.
    pub fn start_of_day(&self, day: Day) -> Millis {
        self.zone.start_of_day(day)
    }
}

/// UTC-12:00 to UTC+14:00, the offsets in use.
pub fn check_utc_offset(minutes: i32) -> Result<(), &'static str> {
    if (-720..=840).contains(&minutes) { Ok(()) } else { Err("must be between -720 and 840 minutes") }
}

/// The zone of a channel stored with only a fixed offset (before named zones): that
/// offset, all year.
pub fn zone_of_offset(minutes: i32) -> Zone {
    Zone::fixed(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_cap(per_session: Option<u32>, per_day: Option<u32>, accepted: bool) {
        assert_eq!(FrequencyCap { per_session, per_day }.validate().is_ok(), accepted);
    }

    #[test]
    fn a_frequency_cap_limit_is_at_least_one() {
        check_cap(None, None, true);
        check_cap(Some(1), Some(3), true);
        check_cap(Some(0), None, false);
        check_cap(None, Some(0), false);
    }

    #[test]
    fn a_role_reads_and_writes_as_stored() {
        for role in [Role::Owner, Role::Member] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
        assert!(Role::Owner.is_owner() && !Role::Member.is_owner());
    }
}
