//! The visitor token: proof that the edge issued this visitor id to this browser.
//!
//! The edge chooses every visitor id and, at each `boot`, signs `(channel, visitor id,
//! issue time)` with the deployment's secret (HMAC-SHA256). Every other public request
//! carries the token in its JSON body (a `pagehide` beacon cannot set headers), so
//! knowing someone's visitor id is no longer enough to act as them. A token is valid for
//! [`VALID_FOR`] after it was issued; each boot issues a new one, so a visitor who comes
//! back within that time keeps their id. Whether the visitor still exists (not deleted,
//! not signed out) is the visitor object's to say: this module is only the signature.
//!
//! Form: `{issuedAt}.{64 hex digits}`, e.g. `1767225600000.9f86d0…`.

use crate::ids::{ChannelId, VisitorId};
use crate::time::{DAY, Millis};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a token is accepted after it was issued. A visitor who returns later starts
/// as a new anonymous visitor (a site member is linked again by `memberId`).
pub const VALID_FOR: Millis = 30 * DAY;

/// Why a token was refused. The caller sees one answer (401 naming `token`); the reason
/// is for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// No token, or not of the form `{issuedAt}.{hex}`.
    Malformed,
    /// Not signed by this deployment for this channel and visitor.
    Forged,
    /// Issued more than [`VALID_FOR`] ago.
    Expired,
}

fn mac(secret: &[u8], channel: &ChannelId, visitor: &VisitorId, issued_at: Millis) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    // Ids cannot contain a NUL (`ids::check_id`), so the parts cannot run into each other.
    for part in [b"kizuna visitor token v1".as_slice(), channel.as_str().as_bytes(), visitor.as_str().as_bytes()] {
        mac.update(part);
        mac.update(&[0]);
    }
    mac.update(&issued_at.to_be_bytes());
    Some(mac)
}

/// The token for `visitor` of `channel`, issued at `issued_at` under `secret`.
pub fn sign(secret: &[u8], channel: &ChannelId, visitor: &VisitorId, issued_at: Millis) -> String {
    let tag = mac(secret, channel, visitor, issued_at).map(|m| m.finalize().into_bytes().to_vec()).unwrap_or_default();
    let mut token = issued_at.to_string();
    token.push('.');
    for byte in tag {
        token.push(char::from(HEX[usize::from(byte >> 4)]));
        token.push(char::from(HEX[usize::from(byte & 15)]));
    }
    token
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    (0..64).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// Checks `token` for `visitor` of `channel` at `now`: the signature (compared in
/// constant time by `Mac::verify_slice`), then the age. Answers the issue time, which
/// the visitor object compares with its own record (deleted, signed out).
pub fn verify(
    secret: &[u8],
    channel: &ChannelId,
    visitor: &VisitorId,
    token: &str,
    now: Millis,
) -> Result<Millis, TokenRefusal> {
    let (issued, tag) = token.split_once('.').ok_or(TokenRefusal::Malformed)?;
    if issued.is_empty() || issued.len() > 16 || !issued.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TokenRefusal::Malformed);
    }
    let issued_at: Millis = issued.parse().map_err(|_| TokenRefusal::Malformed)?;
    let tag = unhex(tag).ok_or(TokenRefusal::Malformed)?;
    if secret.is_empty() {
        return Err(TokenRefusal::Forged);
    }
    let mac = mac(secret, channel, visitor, issued_at).ok_or(TokenRefusal::Forged)?;
    mac.verify_slice(&tag).map_err(|_| TokenRefusal::Forged)?;
    // A token from the future can only come from this deployment (it is signed): the
    // development clock moved back. It is as good as one issued now.
    if now.saturating_sub(issued_at) > VALID_FOR {
        return Err(TokenRefusal::Expired);
    }
    Ok(issued_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"deployment secret";
    const T0: Millis = 1_767_225_600_000;

    fn ids(channel: &str, visitor: &str) -> (ChannelId, VisitorId) {
        (ChannelId::parse(channel).unwrap(), VisitorId::parse(visitor).unwrap())
    }

    #[track_caller]
    fn check(token: &str, channel: &str, visitor: &str, now: Millis, expected: Result<Millis, TokenRefusal>) {
        let (c, v) = ids(channel, visitor);
        assert_eq!(verify(SECRET, &c, &v, token, now), expected, "{token}");
    }

    fn token(channel: &str, visitor: &str, at: Millis) -> String {
        let (c, v) = ids(channel, visitor);
        sign(SECRET, &c, &v, at)
    }

    #[test]
    fn a_token_the_edge_issued_is_accepted_and_tells_its_issue_time() {
        check(&token("demo", "v_1", T0), "demo", "v_1", T0 + 1, Ok(T0));
    }

    #[test]
    fn a_token_has_the_issue_time_and_a_hex_signature() {
        let token = token("demo", "v_1", T0);
        let (at, tag) = token.split_once('.').unwrap();
        assert_eq!((at, tag.len()), ("1767225600000", 64));
    }

    #[test]
    fn a_token_is_valid_for_30_days_after_it_was_issued() {
        check(&token("demo", "v_1", T0), "demo", "v_1", T0 + VALID_FOR, Ok(T0));
        check(&token("demo", "v_1", T0), "demo", "v_1", T0 + VALID_FOR + 1, Err(TokenRefusal::Expired));
        assert_eq!(VALID_FOR, 30 * DAY);
    }

    #[test]
    fn a_token_of_another_visitor_does_not_let_you_act_as_this_one() {
        check(&token("demo", "v_attacker", T0), "demo", "v_victim", T0, Err(TokenRefusal::Forged));
    }

    #[test]
    fn a_token_of_another_channel_is_refused() {
        check(&token("other", "v_1", T0), "demo", "v_1", T0, Err(TokenRefusal::Forged));
    }

    #[test]
    fn a_token_signed_under_another_secret_is_refused() {
        let (c, v) = ids("demo", "v_1");
        let other = sign(b"another deployment", &c, &v, T0);
        check(&other, "demo", "v_1", T0, Err(TokenRefusal::Forged));
        assert_eq!(verify(b"", &c, &v, &sign(b"", &c, &v, T0), T0), Err(TokenRefusal::Forged), "no secret, no token");
    }

    #[test]
    fn a_changed_issue_time_breaks_the_signature() {
        let token = token("demo", "v_1", T0);
        let (_, tag) = token.split_once('.').unwrap();
        check(&format!("{}.{tag}", T0 + VALID_FOR), "demo", "v_1", T0 + VALID_FOR, Err(TokenRefusal::Forged));
    }

    #[test]
    fn a_changed_signature_is_refused() {
        let token = token("demo", "v_1", T0);
        let flipped = if token.ends_with('0') { "1" } else { "0" };
        check(&format!("{}{flipped}", &token[..token.len() - 1]), "demo", "v_1", T0, Err(TokenRefusal::Forged));
    }

    #[test]
    fn a_malformed_token_is_refused_before_any_signature_is_computed() {
        let good = token("demo", "v_1", T0);
        let (_, tag) = good.split_once('.').unwrap();
        for bad in [
            String::new(),
            "x".to_owned(),
            tag.to_owned(),
            format!(".{tag}"),
            format!("-5.{tag}"),
            format!("12a.{tag}"),
            format!("{T0}.{}", &tag[..63]),
            format!("{T0}.{}", tag.to_uppercase()),
            format!("{T0}.{tag}.x"),
            format!("99999999999999999.{tag}"),
        ] {
            check(&bad, "demo", "v_1", T0, Err(TokenRefusal::Malformed));
        }
    }

    #[test]
    fn a_token_from_the_future_is_as_good_as_one_issued_now() {
        check(&token("demo", "v_1", T0 + DAY), "demo", "v_1", T0, Ok(T0 + DAY));
    }
}
