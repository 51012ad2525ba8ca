//! Accounts' sign-in rules: how a password is hashed and checked, the session cookie,
//! how long an idle session lives, when sign-in is refused for too many failures, and the
//! `Origin` a cookie-authenticated change must carry. The shell derives the hash (WebCrypto)
//! and reads the clock; these functions decide.
//!
//! Invariant: every stored password hash records its iteration count next to it, and new
//! hashes use [`PBKDF2_ITERATIONS`], the most Cloudflare's production runtime allows
//! (`wrangler dev` does not enforce the cap, so a test pins the number).

use crate::identity::same_secret;
use crate::invalid::FieldError;
use crate::text;
use crate::time::{DAY, MINUTE, Millis, SECOND};

/// PBKDF2-SHA256 iterations for a new password hash: the production Workers cap.
pub const PBKDF2_ITERATIONS: u32 = 100_000;
/// Random salt bytes per account.
pub const SALT_BYTES: usize = 16;
/// Derived key length, in bits.
pub const HASH_BITS: u32 = 256;
/// Random bytes of a session's cookie value.
pub const SESSION_TOKEN_BYTES: usize = 32;
/// The session cookie: `__Host-` binds it to this host, over https, for every path.
pub const SESSION_COOKIE: &str = "__Host-kizuna_session";
/// A session unused for longer than this is over.
pub const SESSION_IDLE: Millis = 30 * DAY;
/// `last_used_at` is written at most this often, to keep D1 writes down.
pub const SESSION_TOUCH: Millis = MINUTE;
/// The window in which failed sign-ins are counted.
pub const FAILURE_WINDOW: Millis = 15 * MINUTE;
/// Failed sign-ins for one email within the window before the next is refused.
pub const FAILURES_PER_EMAIL: u32 = 5;
/// Failed sign-ins from one client address within the window before the next is refused.
pub const FAILURES_PER_CLIENT: u32 = 20;
/// Shortest password accepted for a new account.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted (bytes): hashing cost should not depend on the caller.
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// A password hash as stored on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassword {
    /// The derived bits, hex.
    pub hash: String,
    /// The account's salt, hex.
    pub salt: String,
    pub iterations: u32,
}

impl StoredPassword {
    /// Whether `derived` (the bits derived from a given password with this salt and
    /// count) is this hash, compared in constant time.
    pub fn matches(&self, derived: &[u8]) -> bool {
        same_secret(hex(derived).as_bytes(), self.hash.as_bytes())
    }

    /// The salt's bytes; `None` when the stored text is not hex.
    pub fn salt_bytes(&self) -> Option<Vec<u8>> {
        from_hex(&self.salt)
    }
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Hex text as bytes; `None` unless every pair is hex.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// An account's email as stored and looked up: trimmed and lowercased, and an address.
pub fn account_email(field: &str, email: &str) -> Result<String, FieldError> {
    let email = email.trim().to_lowercase();
    if text::is_email(&email) { Ok(email) } else { Err(FieldError::new(field, "must be an email address")) }
}

/// A new password: at least [`PASSWORD_MIN_CHARS`] characters, at most
/// [`PASSWORD_MAX_BYTES`] bytes.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(FieldError::new(field, format!("must be at least {PASSWORD_MIN_CHARS} characters")));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(FieldError::new(field, format!("must be at most {PASSWORD_MAX_BYTES} bytes")));
    }
    Ok(())
}

/// The session cookie's value in a `Cookie` header, if any.
pub fn session_cookie(header: Option<&str>) -> Option<&str> {
    header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` value that starts a session.
pub fn session_set_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={}", SESSION_IDLE / SECOND)
}

/// The `Set-Cookie` value that ends one in the browser.
pub fn session_clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0")
}

/// What a known, unrevoked session is at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionUse {
    /// Over: idle for more than [`SESSION_IDLE`].
    Expired,
    /// Alive; `touch` says whether to write `last_used_at` now.
    Alive { touch: bool },
}

/// Whether an API token's use should be recorded now: its `last_used_at` is written at
/// most once per [`SESSION_TOUCH`], so a busy token costs one D1 write a minute at most.
pub fn token_touch_due(last_used_at: Option<Millis>, now: Millis) -> bool {
    last_used_at.is_none_or(|at| now - at >= SESSION_TOUCH)
}

pub fn session_use(last_used_at: Millis, now: Millis) -> SessionUse {
    if now - last_used_at > SESSION_IDLE {
        SessionUse::Expired
    } else {
        SessionUse::Alive { touch: now - last_used_at >= SESSION_TOUCH }
    }
}

/// Seconds until sign-in may be tried again, given the time of the `limit`-th most recent
/// failure counted in the window (for the email, or for the client), `None` when there
/// are fewer than `limit` failures in the window: sign-in is open.
pub fn retry_after(limit_th_recent_failure: Option<Millis>, now: Millis) -> Option<i64> {
    let at = limit_th_recent_failure.filter(|at| now - at < FAILURE_WINDOW)?;
    let wait = at + FAILURE_WINDOW - now;
    Some((wait + SECOND - 1) / SECOND)
}

/// Whether a cookie-authenticated change comes from this site: its `Origin` header must be
/// the request's own origin (`scheme://host[:port]`).
pub fn same_origin(origin: Option<&str>, own: &str) -> bool {
    origin.is_some_and(|origin| same_secret(origin.trim_end_matches('/').as_bytes(), own.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_hashes_use_one_hundred_thousand_iterations_the_workers_cap() {
        assert_eq!(PBKDF2_ITERATIONS, 100_000);
    }

    #[test]
    fn a_stored_hash_matches_only_its_own_bits() {
        let stored = StoredPassword { hash: hex(&[0xab, 0x01]), salt: hex(b"salt"), iterations: PBKDF2_ITERATIONS };
        assert!(stored.matches(&[0xab, 0x01]));
        assert!(!stored.matches(&[0xab, 0x02]));
        assert!(!stored.matches(&[0xab]));
        assert_eq!(stored.salt_bytes().as_deref(), Some(&b"salt"[..]));
    }

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(from_hex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
    }

    #[test]
    fn an_account_email_is_trimmed_and_lowercased() {
        assert_eq!(account_email("email", " Owner@Demo.Example ").ok().as_deref(), Some("owner@demo.example"));
        assert!(account_email("email", "not an address").is_err());
    }

    #[test]
    fn a_new_password_has_ten_characters_at_least() {
        assert!(check_new_password("password", "123456789").is_err());
        assert!(check_new_password("password", "1234567890").is_ok());
        assert!(check_new_password("password", &"x".repeat(PASSWORD_MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let header = "a=1; __Host-kizuna_session=abc123; b=2";
        assert_eq!(session_cookie(Some(header)), Some("abc123"));
        assert_eq!(session_cookie(Some("kizuna_session=abc")), None);
        assert_eq!(session_cookie(Some("__Host-kizuna_session=")), None);
        assert_eq!(session_cookie(None), None);
    }

    #[test]
    fn the_session_cookie_is_host_only_http_only_secure_and_lax_for_thirty_days() {
        assert_eq!(
            session_set_cookie("t0k"),
            "__Host-kizuna_session=t0k; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=2592000"
        );
        assert!(session_clear_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn a_session_idle_for_more_than_thirty_days_is_over() {
        assert_eq!(session_use(0, 30 * DAY), SessionUse::Alive { touch: true });
        assert_eq!(session_use(0, 30 * DAY + 1), SessionUse::Expired);
    }

    #[test]
    fn a_session_is_touched_at_most_once_a_minute() {
        assert_eq!(session_use(1_000, 1_000 + MINUTE - 1), SessionUse::Alive { touch: false });
        assert_eq!(session_use(1_000, 1_000 + MINUTE), SessionUse::Alive { touch: true });
    }

    #[test]
    fn sign_in_reopens_when_the_limit_th_failure_leaves_the_window() {
        assert_eq!(retry_after(None, 1_000), None);
        assert_eq!(retry_after(Some(0), 0), Some(900));
        assert_eq!(retry_after(Some(0), 14 * MINUTE + 500), Some(60));
        assert_eq!(retry_after(Some(0), FAILURE_WINDOW), None);
    }

    #[test]
    fn a_cookie_change_must_come_from_the_same_origin() {
        let own = "http://127.0.0.1:8787";
        assert!(same_origin(Some("http://127.0.0.1:8787"), own));
        assert!(!same_origin(Some("http://evil.example"), own));
        assert!(!same_origin(Some("http://127.0.0.1:8788"), own));
        assert!(!same_origin(None, own));
        assert!(!same_origin(Some("null"), own));
    }
}

#[cfg(test)]
mod token_use_tests {
    use super::*;

    #[test]
    fn a_tokens_use_is_recorded_first_time_then_at_most_once_a_minute() {
        assert!(token_touch_due(None, 0));
        assert!(!token_touch_due(Some(1_000), 1_000 + MINUTE - 1));
        assert!(token_touch_due(Some(1_000), 1_000 + MINUTE));
    }
}
