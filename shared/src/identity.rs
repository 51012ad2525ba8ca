//! Identity verification: with it on, a channel accepts a `memberId` from the widget only
//! with `memberHash` = hex HMAC-SHA256 of the member id under the channel's secret. The
//! previous secret stays valid for [`PREVIOUS_SECRET_VALID`] after a rotation, so sites
//! can switch without an outage, and no longer: a leaked secret that was rotated out
//! stops working within a day, or at once when an owner revokes it.

use crate::time::{DAY, Millis};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long the previous secret keeps verifying after a rotation.
pub const PREVIOUS_SECRET_VALID: Millis = DAY;

/// The hex HMAC-SHA256 of `member_id` under `secret` (what the site's server computes).
pub fn member_hash(secret: &str, member_id: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(member_id.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..64).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// Whether `hash` is the member hash of `member_id` at `now`: under the current secret,
/// or under the previous one while it is still valid ([`Secrets::usable`]), compared in
/// constant time (`Mac::verify_slice`).
pub fn verify(secrets: &Secrets, member_id: &str, hash: &str, now: Millis) -> bool {
    let Some(expected) = unhex(&hash.to_ascii_lowercase()) else { return false };
    secrets.usable(now).into_iter().filter(|s| !s.is_empty()).any(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
        mac.update(member_id.as_bytes());
        mac.verify_slice(&expected).is_ok()
    })
}

/// A channel's identity secrets: the one new hashes use and the one before it, which
/// stays valid for [`PREVIOUS_SECRET_VALID`] after `rotated_at` so a site can switch
/// without an outage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    pub current: Option<String>,
    pub previous: Option<String>,
    /// When the current secret replaced the previous one; without it the previous one
    /// verifies nothing.
    pub rotated_at: Option<Millis>,
}

impl Secrets {
    /// The secrets a hash may be made with at `now`: the current one, and the previous
    /// one until [`PREVIOUS_SECRET_VALID`] after the rotation.
    pub fn usable(&self, now: Millis) -> Vec<&str> {
        let previous_valid = self.rotated_at.is_some_and(|at| now < at.saturating_add(PREVIOUS_SECRET_VALID));
        let previous = self.previous.as_deref().filter(|_| previous_valid);
        self.current.as_deref().into_iter().chain(previous).collect()
    }
}

/// What an owner asks of identity verification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    pub enabled: bool,
    /// Make a new secret; the current one becomes the previous.
    pub rotate: bool,
    /// Stop honouring the previous secret now, not 24 hours after the rotation.
    pub revoke_previous: bool,
}

/// The secrets after an owner's `change` at `now`: a rotation makes a `fresh` secret,
/// keeps the current one as the previous and records `now`; the first time verification
/// is enabled (or a rotation asked with no secret yet) makes one; otherwise the secrets
/// stay. Turning verification off keeps them, so turning it back on does not break the
/// site. Revoking drops the previous secret (a rotation and a revocation together leave
/// only the fresh secret). `fresh` is called only when a secret is made.
pub fn rotate<E>(
    secrets: Secrets,
    change: Change,
    now: Millis,
    fresh: impl FnOnce() -> Result<String, E>,
) -> Result<Secrets, E> {
    let after = match secrets.current {
        Some(current) if !change.rotate => Secrets { current: Some(current), ..secrets },
        Some(current) => Secrets { current: Some(fresh()?), previous: Some(current), rotated_at: Some(now) },
        None if change.enabled || change.rotate => Secrets { current: Some(fresh()?), ..Secrets::default() },
        None => Secrets::default(),
    };
    Ok(if change.revoke_previous { Secrets { previous: None, rotated_at: None, ..after } } else { after })
}

/// Whether `change` makes a secret the owner must be shown (only the reply that makes a
/// secret carries it; reading the settings shows only whether one exists).
pub fn makes_secret(before: &Secrets, after: &Secrets) -> bool {
    after.current.is_some() && after.current != before.current
}

/// Whether `given` equals `expected` (a shared secret), in time independent of where and
/// whether they differ: both are MACed under a fixed key and the tags compared by the
/// `hmac` crate's constant-time check, so neither length nor content leaks.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let tag = |bytes: &[u8]| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(b"kizuna same_secret") else { return None };
        mac.update(bytes);
        Some(mac)
    };
    let (Some(given), Some(expected)) = (tag(given), tag(expected)) else { return false };
    given.verify_slice(&expected.finalize().into_bytes()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_hex_hmac_sha256_of_the_member_id() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            member_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    const ROTATED: Millis = 1_000_000;

    fn secrets(current: Option<&str>, previous: Option<&str>) -> Secrets {
        let rotated_at = previous.map(|_| ROTATED);
        Secrets { current: current.map(str::to_owned), previous: previous.map(str::to_owned), rotated_at }
    }

    #[test]
    fn a_valid_hash_under_the_current_or_previous_secret_is_accepted() {
        let both = secrets(Some("new-secret"), Some("old-secret"));
        let hash = member_hash("old-secret", "member-1");
        assert!(verify(&both, "member-1", &hash, ROTATED));
        assert!(verify(&both, "member-1", &hash.to_uppercase(), ROTATED + 1));
        assert!(verify(&both, "member-1", &member_hash("new-secret", "member-1"), ROTATED));
        assert!(!verify(&secrets(Some("new-secret"), None), "member-1", &hash, ROTATED), "a secret rotated out");
    }

    #[test]
    fn the_previous_secret_verifies_for_24_hours_after_the_rotation_and_no_longer() {
        let both = secrets(Some("new-secret"), Some("old-secret"));
        let old = member_hash("old-secret", "member-1");
        assert!(verify(&both, "member-1", &old, ROTATED + PREVIOUS_SECRET_VALID - 1));
        assert!(!verify(&both, "member-1", &old, ROTATED + PREVIOUS_SECRET_VALID));
        let new = member_hash("new-secret", "member-1");
        assert!(verify(&both, "member-1", &new, ROTATED + 365 * DAY), "the current secret does not expire");
        let unknown_rotation = Secrets { rotated_at: None, ..both };
        assert!(!verify(&unknown_rotation, "member-1", &old, ROTATED), "no rotation time, no previous secret");
    }

    #[test]
    fn a_wrong_or_malformed_hash_is_refused() {
        let only = secrets(Some("secret"), None);
        let hash = member_hash("secret", "member-1");
        assert!(!verify(&only, "member-2", &hash, 0));
        assert!(!verify(&only, "member-1", &hash[..63], 0));
        assert!(!verify(&only, "member-1", &format!("{}zz", &hash[..62]), 0));
        assert!(!verify(&only, "member-1", "", 0));
        let empty = secrets(Some(""), None);
        assert!(!verify(&empty, "member-1", &member_hash("", "member-1"), 0), "an empty secret verifies nothing");
    }

    #[track_caller]
    fn check_rotate(before: Secrets, enabled: bool, rotate_secret: bool, after: Secrets) {
        let change = Change { enabled, rotate: rotate_secret, revoke_previous: false };
        let made = rotate(before, change, ROTATED, || Ok::<_, ()>("new".to_owned())).unwrap();
        assert_eq!(made, after);
    }

    #[test]
    fn enabling_verification_the_first_time_makes_a_secret() {
        check_rotate(secrets(None, None), true, false, secrets(Some("new"), None));
    }

    #[test]
    fn rotating_keeps_the_current_secret_as_the_previous_and_records_when() {
        let before = Secrets { rotated_at: Some(5), ..secrets(Some("a"), Some("old")) };
        check_rotate(before, true, true, secrets(Some("new"), Some("a")));
        check_rotate(secrets(None, None), false, true, secrets(Some("new"), None));
    }

    #[test]
    fn without_a_rotation_the_secrets_stay_even_when_verification_is_turned_off() {
        check_rotate(secrets(Some("a"), Some("old")), false, false, secrets(Some("a"), Some("old")));
        check_rotate(secrets(None, Some("old")), false, false, secrets(None, None));
    }

    #[test]
    fn revoking_drops_the_previous_secret_at_once() {
        let revoke = Change { enabled: true, rotate: false, revoke_previous: true };
        let made = rotate(secrets(Some("a"), Some("old")), revoke, ROTATED + 1, || Err("none needed"));
        assert_eq!(made, Ok(secrets(Some("a"), None)));
        let both = Change { rotate: true, ..revoke };
        let made = rotate(secrets(Some("a"), Some("old")), both, ROTATED, || Ok::<_, ()>("new".to_owned()));
        assert_eq!(made, Ok(secrets(Some("new"), None)), "rotate and revoke: only the fresh secret works");
    }

    #[test]
    fn no_fresh_secret_is_made_when_none_is_needed() {
        let keep = Change { enabled: true, rotate: false, revoke_previous: false };
        let made = rotate(secrets(Some("a"), None), keep, ROTATED, || Err("no randomness"));
        assert_eq!(made, Ok(secrets(Some("a"), None)));
    }

    #[test]
    fn only_a_reply_that_makes_a_secret_shows_it() {
        assert!(makes_secret(&secrets(None, None), &secrets(Some("new"), None)));
        assert!(makes_secret(&secrets(Some("a"), None), &secrets(Some("new"), Some("a"))));
        assert!(!makes_secret(&secrets(Some("a"), None), &secrets(Some("a"), None)));
        assert!(!makes_secret(&secrets(Some("a"), Some("old")), &secrets(Some("a"), None)), "a revocation");
    }

    #[test]
    fn same_secret_is_equality_of_the_bytes() {
        assert!(same_secret(b"s3cret", b"s3cret"));
        assert!(!same_secret(b"s3cret", b"s3creT"));
        assert!(!same_secret(b"s3cret", b"s3cret "));
        assert!(!same_secret(b"", b"s3cret"));
        assert!(same_secret(b"", b""));
    }
}
