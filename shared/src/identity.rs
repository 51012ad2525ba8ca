//! Identity verification: with it on, a channel accepts a `memberId` from the widget only
//! with `memberHash` = hex HMAC-SHA256 of the member id under the channel's secret. The
//! previous secret stays valid after a rotation, so sites can switch without an outage.

use hmac::{Hmac, Mac};
use sha2::Sha256;

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

/// Whether `hash` is the member hash of `member_id` under one of `secrets`, compared in
/// constant time (`Mac::verify_slice`).
pub fn verify(secrets: &[&str], member_id: &str, hash: &str) -> bool {
    let Some(expected) = unhex(&hash.to_ascii_lowercase()) else { return false };
    secrets.iter().filter(|s| !s.is_empty()).any(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
        mac.update(member_id.as_bytes());
        mac.verify_slice(&expected).is_ok()
    })
}

/// A channel's identity secrets: the one new hashes use and the one before it, which
/// stays valid after a rotation so a site can switch without an outage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    pub current: Option<String>,
    pub previous: Option<String>,
}

/// The secrets after an owner sets identity verification to `enabled`, rotating when
/// asked: a rotation makes a `fresh` secret and keeps the current one as the previous;
/// the first time verification is enabled (or a rotation asked with no secret yet) makes
/// one; otherwise the secrets stay. Turning verification off keeps them, so turning it
/// back on does not break the site. `fresh` is called only when a secret is made.
pub fn rotate<E>(
    secrets: Secrets,
    enabled: bool,
    rotate: bool,
    fresh: impl FnOnce() -> Result<String, E>,
) -> Result<Secrets, E> {
    Ok(match secrets.current {
        Some(current) if !rotate => Secrets { current: Some(current), previous: secrets.previous },
        Some(current) => Secrets { current: Some(fresh()?), previous: Some(current) },
        None if enabled || rotate => Secrets { current: Some(fresh()?), previous: None },
        None => Secrets::default(),
    })
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

    #[test]
    fn a_valid_hash_under_the_current_or_previous_secret_is_accepted() {
        let hash = member_hash("old-secret", "member-1");
        assert!(verify(&["new-secret", "old-secret"], "member-1", &hash));
        assert!(verify(&["new-secret", "old-secret"], "member-1", &hash.to_uppercase()));
        assert!(!verify(&["new-secret"], "member-1", &hash), "a secret rotated out no longer verifies");
    }

    #[test]
    fn a_wrong_or_malformed_hash_is_refused() {
        let hash = member_hash("secret", "member-1");
        assert!(!verify(&["secret"], "member-2", &hash));
        assert!(!verify(&["secret"], "member-1", &hash[..63]));
        assert!(!verify(&["secret"], "member-1", &format!("{}zz", &hash[..62])));
        assert!(!verify(&["secret"], "member-1", ""));
        assert!(!verify(&[""], "member-1", &member_hash("", "member-1")), "an empty secret verifies nothing");
    }

    fn secrets(current: Option<&str>, previous: Option<&str>) -> Secrets {
        Secrets { current: current.map(str::to_owned), previous: previous.map(str::to_owned) }
    }

    #[track_caller]
    fn check_rotate(before: Secrets, enabled: bool, rotate_secret: bool, after: Secrets) {
        let made = rotate(before, enabled, rotate_secret, || Ok::<_, ()>("new".to_owned())).unwrap();
        assert_eq!(made, after);
    }

    #[test]
    fn enabling_verification_the_first_time_makes_a_secret() {
        check_rotate(secrets(None, None), true, false, secrets(Some("new"), None));
    }

    #[test]
    fn rotating_keeps_the_current_secret_as_the_previous() {
        check_rotate(secrets(Some("a"), Some("old")), true, true, secrets(Some("new"), Some("a")));
        check_rotate(secrets(None, None), false, true, secrets(Some("new"), None));
    }

    #[test]
    fn without_a_rotation_the_secrets_stay_even_when_verification_is_turned_off() {
        check_rotate(secrets(Some("a"), Some("old")), false, false, secrets(Some("a"), Some("old")));
        check_rotate(secrets(None, Some("old")), false, false, secrets(None, None));
    }

    #[test]
    fn no_fresh_secret_is_made_when_none_is_needed() {
        let made = rotate(secrets(Some("a"), None), true, false, || Err("no randomness"));
        assert_eq!(made, Ok(secrets(Some("a"), None)));
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
