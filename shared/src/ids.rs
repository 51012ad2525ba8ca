//! Identifiers that cross boundaries. Each is validated once on the way in (1 to 64
//! characters of `A-Z a-z 0-9 _ -`), so storage keys and SQL parameters built from them
//! can never carry separators or markup.

use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Accepts 1 to 64 characters of `A-Z a-z 0-9 _ -`.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                check_id(text).map(|()| Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A channel: one site (or group of sites) with its own customers and campaigns.
    ChannelId
);
id_type!(
    /// A visitor of a channel, anonymous until a member id is linked.
    VisitorId
);
id_type!(
    /// A campaign (automated or one-time broadcast).
    CampaignId
);
id_type!(
    /// One message delivered to one visitor.
    DeliveryId
);
id_type!(
    /// An event, chosen by the sender; retries carry the same id.
    EventId
);
id_type!(
    /// A visit (30-minute session), chosen by the widget and shared by a browser's tabs.
    SessionId
);

impl EventId {
    /// The cause a broadcast's deliveries derive their ids from: one per visitor and
    /// campaign (a constant that passes [`EventId::parse`]).
    pub fn broadcast() -> EventId {
        EventId("broadcast".to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    Empty,
    TooLong,
    BadCharacter,
}

impl std::fmt::Display for IdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IdError::Empty => "must not be empty",
            IdError::TooLong => "must be at most 64 characters",
            IdError::BadCharacter => "may contain only A-Z, a-z, 0-9, '_' and '-'",
        })
    }
}

fn check_id(text: &str) -> Result<(), IdError> {
    if text.is_empty() {
        Err(IdError::Empty)
    } else if text.len() > 64 {
        Err(IdError::TooLong)
    } else if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        Err(IdError::BadCharacter)
    } else {
        Ok(())
    }
}

impl DeliveryId {
    /// The delivery of `campaign` to `visitor` caused by `event`. Derived, not random, so
    /// a retried event produces the same id and storage can ignore the second insert.
    pub fn derive(visitor: &VisitorId, campaign: &CampaignId, event: &EventId) -> DeliveryId {
        let digest = digest(&[visitor.as_str(), campaign.as_str(), event.as_str()]);
        let mut id = String::with_capacity(34);
        id.push_str("d_");
        for byte in &digest[..16] {
            id.push(char::from(HEX[usize::from(byte >> 4)]));
            id.push(char::from(HEX[usize::from(byte & 15)]));
        }
        DeliveryId(id)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// SHA-256 of `parts`, each followed by a NUL byte, so two different lists of parts never
/// hash the same bytes (no id or tag contains a NUL). The one hash the core derives
/// things from (delivery ids, variant buckets): stable across builds and platforms,
/// unlike `std`'s `DefaultHasher`.
pub(crate) fn digest(parts: &[&str]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize().into()
}

/// Longest member id (characters).
pub const MAX_MEMBER_ID_CHARS: usize = 256;

/// The site's own id for a signed-in member, which links a visitor to a customer. Sites
/// choose its form, so it is free text: 1 to 256 characters, no control character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId(String);

impl MemberId {
    /// The member id in `text`; the error names `memberId`, as the widget's `boot` and
    /// the admin API's customer creation both call it.
    pub fn parse(text: &str) -> Result<MemberId, crate::invalid::FieldError> {
        if text.is_empty() || text.chars().count() > MAX_MEMBER_ID_CHARS || text.chars().any(char::is_control) {
            return Err(crate::invalid::FieldError::new(
                "memberId",
                "must be 1 to 256 characters without control characters",
            ));
        }
        Ok(MemberId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_url_safe_names_only() {
        assert!(ChannelId::parse("demo-shop_1").is_ok());
        assert_eq!(ChannelId::parse(""), Err(IdError::Empty));
        assert_eq!(ChannelId::parse(&"a".repeat(65)), Err(IdError::TooLong));
        for bad in ["a b", "a/b", "a:b", "<x>", "é"] {
            assert_eq!(VisitorId::parse(bad), Err(IdError::BadCharacter), "{bad}");
        }
    }

    #[test]
    fn a_retried_event_derives_the_same_delivery() {
        let v = VisitorId::parse("v1").unwrap();
        let c = CampaignId::parse("c1").unwrap();
        let e1 = EventId::parse("e1").unwrap();
        let e2 = EventId::parse("e2").unwrap();
        let first = DeliveryId::derive(&v, &c, &e1);
        assert_eq!(first, DeliveryId::derive(&v, &c, &e1));
        assert_ne!(first, DeliveryId::derive(&v, &c, &e2));
        assert!(DeliveryId::parse(first.as_str()).is_ok());
    }

    #[track_caller]
    fn check_member(text: &str, accepted: bool) {
        assert_eq!(MemberId::parse(text).is_ok(), accepted, "{text:?}");
    }

    #[test]
    fn a_member_id_is_1_to_256_characters() {
        check_member("m", true);
        check_member(&"会".repeat(256), true);
        check_member("", false);
        check_member(&"m".repeat(257), false);
    }

    #[test]
    fn a_member_id_has_no_control_character() {
        check_member("user 42@example.jp", true);
        check_member("user\n42", false);
        assert_eq!(MemberId::parse("a\u{0}").unwrap_err().field, "memberId");
    }

    #[test]
    fn the_broadcast_cause_is_a_valid_event_id() {
        assert_eq!(EventId::parse("broadcast"), Ok(EventId::broadcast()));
    }
}
