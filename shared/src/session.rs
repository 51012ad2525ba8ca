//! Visits: activity within 30 minutes of the last activity continues the session;
//! later activity starts a new one. The widget keeps the session in `localStorage`, so
//! every tab of a browser shares it and page loads never count as sessions.

use crate::time::{MINUTE, Millis};

pub const SESSION_TIMEOUT: Millis = 30 * MINUTE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub last_activity: Millis,
}

impl Session {
    /// The session activity at `now` belongs to, and whether it starts one: the saved
    /// session if it was active within the last 30 minutes, else a new one.
    pub fn resume(saved: Option<Session>, now: Millis, new_id: impl FnOnce() -> String) -> (Session, bool) {
        match saved {
            Some(s) if now >= s.last_activity && now - s.last_activity <= SESSION_TIMEOUT => {
                (Session { id: s.id, last_activity: now }, false)
            }
            _ => (Session { id: new_id(), last_activity: now }, true),
        }
    }

    /// `id:last_activity`, the form kept in the browser.
    pub fn encode(&self) -> String {
        let mut out = self.id.clone();
        out.push(':');
        out.push_str(&self.last_activity.to_string());
        out
    }

    pub fn decode(text: &str) -> Option<Session> {
        let (id, at) = text.split_once(':')?;
        Some(Session { id: id.to_owned(), last_activity: at.parse().ok()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_795_000_000_000;

    fn saved(at: Millis) -> Option<Session> {
        Some(Session { id: "s1".into(), last_activity: at })
    }

    #[test]
    fn activity_within_thirty_minutes_continues_the_session() {
        let (s, started) = Session::resume(saved(T), T + SESSION_TIMEOUT, || "s2".into());
        assert_eq!((s.id.as_str(), started, s.last_activity), ("s1", false, T + SESSION_TIMEOUT));
    }

    #[test]
    fn activity_after_thirty_minutes_starts_a_new_session() {
        let (s, started) = Session::resume(saved(T), T + SESSION_TIMEOUT + 1, || "s2".into());
        assert_eq!((s.id.as_str(), started), ("s2", true));
    }

    #[test]
    fn the_first_activity_starts_a_session_and_a_clock_gone_backwards_too() {
        assert!(Session::resume(None, T, || "s2".into()).1);
        assert!(Session::resume(saved(T), T - 1, || "s2".into()).1);
    }

    #[test]
    fn a_session_survives_the_browser_round_trip() {
        let s = Session { id: "s_ab12".into(), last_activity: T };
        assert_eq!(Session::decode(&s.encode()), Some(s));
        assert_eq!(Session::decode("garbage"), None);
    }
}
