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
}
