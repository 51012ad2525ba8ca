//! One customer's live profile, kept by the visitor's Durable Object and mirrored into
//! D1's `customers` row: what each visit changes.
//!
//! Invariants: sessions count distinct session ids (page loads and tabs of one session
//! count once), and the last session's start is when the latest of them was first seen,
//! never moved by a later page of that session; first-touch fields (referrer and UTM parameters) are written once, from
//! the first visit that has them, and never overwritten; `updatedAt` moves whenever
//! anything does (that is what makes a customer count toward MAU).

pub mod change;

pub use change::{CustomWrite, ProfileChange, ProfileValues, Writer, resolve};

use crate::field::{CustomField, FieldType, FieldValue, Record, Value, Visibility};
use crate::invalid::FieldError;
use crate::time::Millis;
use crate::user_agent;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// How many recent session ids a profile remembers (batches may arrive late).
const RECENT_SESSIONS: usize = 8;

/// The UTM parameters kept as first touch, with their field names.
pub const UTM: [(&str, &str); 5] = [
    ("utm_source", "profile.utmSource"),
    ("utm_medium", "profile.utmMedium"),
    ("utm_campaign", "profile.utmCampaign"),
    ("utm_content", "profile.utmContent"),
    ("utm_term", "profile.utmTerm"),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Web {
    pub browser: Option<String>,
    pub browser_name: Option<String>,
    pub os: Option<String>,
    pub os_name: Option<String>,
    pub device: Option<String>,
    pub last_seen_at: Option<Millis>,
    pub sessions_count: u32,
}

/// The live profile. Its stored form (in the visitor's object) is its serde form,
/// versioned with the visitor record; every field has a default, so records written
/// before a field existed still read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Profile {
    pub created_at: Millis,
    pub updated_at: Millis,
    pub last_seen_at: Millis,
    pub sessions_count: u32,
    /// When the edge first saw the visitor's latest session (its first batch of events);
    /// absent on profiles whose sessions began before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_session_started_at: Option<Millis>,
    pub recent_sessions: VecDeque<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub language: Option<String>,
    pub web: Web,
    pub referrer: Option<String>,
    /// First-touch UTM values, in the order of [`UTM`].
    pub utm: [Option<String>; 5],
    /// Set when the visitor signed in (`boot` with a member id): the customer is a member.
    pub member_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub mobile_number: Option<String>,
    /// The manager's memo.
    pub description: Option<String>,
    pub last_checkout_completed_at: Option<Millis>,
    /// Custom `profile.*` values by name, in their stored form (dates as ms numbers).
    pub custom: BTreeMap<String, FieldValue>,
    /// Which contact values a trusted writer set (a verified sign-in, a manager): an
    /// unverified one may fill an empty field but never replace those.
    #[serde(skip_serializing_if = "ContactTrust::is_none")]
    pub trusted_contact: ContactTrust,
    /// When the visitor last signed in without identity verification: pages whose visitor
    /// token was issued from then on are not handed messages delivered before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified_sign_in_at: Option<Millis>,
}

/// Per contact field: whether its value came from a trusted writer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContactTrust {
    pub name: bool,
    pub email: bool,
    pub mobile_number: bool,
}

impl ContactTrust {
    pub fn is_none(&self) -> bool {
        *self == ContactTrust::default()
    }
}

/// Contact fields a site may set (`boot` and `updateUser`), validated.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile_number: Option<String>,
}

impl Contact {
    /// Checks each given field; `path` prefixes the field names in errors (`profile`).
    pub fn validate(&self, path: &str) -> Result<(), FieldError> {
        let bad = |field: &str, problem: &str| Err(FieldError::new(format!("{path}.{field}"), problem));
        if let Some(name) = &self.name
            && (name.trim().is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control))
        {
            return bad("name", "must be 1 to 80 characters without control characters");
        }
        if let Some(email) = &self.email
            && !crate::text::is_email(email)
        {
            return bad("email", "must be an email address");
        }
        if let Some(mobile) = &self.mobile_number
            && !crate::text::is_phone(mobile)
        {
            return bad("mobileNumber", "must be a phone number (6 to 20 digits, with + - ( ) . allowed)");
        }
        Ok(())
    }
}

/// What one request tells about the visitor.
#[derive(Debug, Clone, Default)]
pub struct Visit<'a> {
    pub now: Millis,
    pub session_id: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub country: Option<&'a str>,
    pub city: Option<&'a str>,
    pub language: Option<&'a str>,
    /// The page's URL and the page's referrer, from a `PageView`.
    pub page_url: Option<&'a str>,
    pub referrer: Option<&'a str>,
}

/// The page a visit was seen on, from a `PageView`'s `url` and `referrer` properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub url: Option<String>,
    pub referrer: Option<String>,
}

/// The visits a batch of events `(name, properties)` tells about: one per page view (its
/// URL and referrer carry first-touch data), or one without a page when the batch has no
/// page view (the visitor was still there).
pub fn visits<'a>(
    events: impl IntoIterator<Item = (&'a str, &'a BTreeMap<String, crate::event::PropertyValue>)>,
) -> Vec<Page> {
    let text = |properties: &BTreeMap<String, crate::event::PropertyValue>, key: &str| match properties.get(key) {
        Some(crate::event::PropertyValue::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let pages: Vec<Page> = events
        .into_iter()
        .filter(|(name, _)| *name == crate::event::PAGE_VIEW)
        .map(|(_, properties)| Page { url: text(properties, "url"), referrer: text(properties, "referrer") })
        .collect();
    if pages.is_empty() { vec![Page::default()] } else { pages }
}

/// The host (and port) of an absolute URL.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|h| !h.is_empty())
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The decoded value of query parameter `name` in `url` (`+` is a space).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    let raw = query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then_some(value)
    })?;
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).trim().to_owned()).filter(|v| !v.is_empty())
}

fn limited(text: &str) -> String {
    text.chars().take(256).collect()
}

impl Profile {
    pub fn new(now: Millis) -> Profile {
        Profile { created_at: now, updated_at: now, last_seen_at: now, ..Profile::default() }
    }

    /// Applies what one request tells about the visitor.
    pub fn observe(&mut self, visit: &Visit) {
        let before = self.clone();
        let now = visit.now;
        if now > self.last_seen_at {
            self.last_seen_at = now;
        }
        if self.web.last_seen_at.is_none_or(|at| now > at) {
            self.web.last_seen_at = Some(now);
        }
        if let Some(id) = visit.session_id.filter(|id| !id.is_empty())
            && !self.recent_sessions.iter().any(|s| s == id)
        {
            self.sessions_count += 1;
            self.web.sessions_count += 1;
            // The max, so a clock behind the one that started the last session cannot
            // make "last" point at an earlier one.
            self.last_session_started_at = Some(self.last_session_started_at.map_or(now, |at| at.max(now)));
            if self.recent_sessions.len() == RECENT_SESSIONS {
                self.recent_sessions.pop_front();
            }
            self.recent_sessions.push_back(limited(id));
        }
        if let Some(ua) = visit.user_agent {
            let agent = user_agent::parse(ua);
            if agent.browser_name.is_some() || agent.os_name.is_some() {
                self.web.browser = agent.browser;
                self.web.browser_name = agent.browser_name.map(str::to_owned);
                self.web.os = agent.os;
                self.web.os_name = agent.os_name.map(str::to_owned);
            }
            self.web.device = Some(agent.device.to_owned());
        }
        for (field, value) in
            [(&mut self.country, visit.country), (&mut self.city, visit.city), (&mut self.language, visit.language)]
        {
            if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
                *field = Some(limited(value));
            }
        }
        if let Some(page) = visit.page_url {
            for (slot, (param, _)) in self.utm.iter_mut().zip(UTM) {
                if slot.is_none() {
                    *slot = query_param(page, param).map(|v| limited(&v));
                }
            }
            let external = visit.referrer.filter(|r| !r.is_empty() && host(r).is_some() && host(r) != host(page));
            if self.referrer.is_none()
                && let Some(referrer) = external
            {
                self.referrer = Some(limited(referrer));
            }
        }
        if *self != before {
            self.updated_at = self.updated_at.max(now);
        }
    }

    /// Links the profile to a member and applies the profile values the site sent. A
    /// sign-in without identity verification (`change.verified` false) is remembered, so
    /// the pages it opens are not handed messages delivered before it; a verified one
    /// (or a manager's) proves the member and forgets that.
    pub fn sign_in(&mut self, member_id: &str, change: &ProfileChange, now: Millis) -> Result<(), FieldError> {
        self.apply(change, now)?;
        self.unverified_sign_in_at = (!change.trusted()).then_some(now);
        if self.member_id.as_deref() != Some(member_id) {
            self.member_id = Some(member_id.to_owned());
            self.updated_at = self.updated_at.max(now);
        }
        Ok(())
    }

    /// Applies checked profile values ([`resolve`]); a change moves
    /// `updatedAt`. A write-once field keeps its first value; in a strict change (a
    /// manager's) another value for it refuses the whole change and nothing is applied.
    pub fn apply(&mut self, change: &ProfileChange, now: Millis) -> Result<(), FieldError> {
        for write in change.custom.iter().filter(|w| w.write_once) {
            let current = self.custom.get(&write.name);
            if change.strict && current.is_some() && current != write.value.as_ref() {
                return Err(FieldError::new(
                    format!("profile.{}", write.name),
                    "is write-once and already has a value; it keeps its first value",
                ));
            }
        }
        let before = self.clone();
        let trusted = change.trusted();
        for (slot, value, was_trusted) in [
            (&mut self.name, &change.contact.name, &mut self.trusted_contact.name),
            (&mut self.email, &change.contact.email, &mut self.trusted_contact.email),
            (&mut self.mobile_number, &change.contact.mobile_number, &mut self.trusted_contact.mobile_number),
        ] {
            if let Some(value) = value {
                // An unverified writer fills an empty field, never replaces a trusted value.
                if !trusted && *was_trusted && slot.is_some() {
                    continue;
                }
                *slot = Some(value.trim().to_owned());
                *was_trusted = trusted;
            }
        }
        if let Some(memo) = &change.description {
            self.description.clone_from(memo);
        }
        if let Some(at) = change.last_checkout_completed_at {
            self.last_checkout_completed_at = at;
        }
        for write in &change.custom {
            if write.write_once && self.custom.contains_key(&write.name) {
                continue;
            }
            match &write.value {
                Some(value) => self.custom.insert(write.name.clone(), value.clone()),
                None => self.custom.remove(&write.name),
            };
        }
        if *self != before {
            self.updated_at = self.updated_at.max(now);
        }
        Ok(())
    }

    /// Merges an anonymous visitor's profile into this member's: visits add up, the
    /// earliest first touch wins, the latest browser and place win, contact fields this
    /// profile lacks are taken.
    pub fn absorb(&mut self, other: &Profile) {
        let other_is_earlier = other.created_at < self.created_at;
        let other_is_later = other.last_seen_at > self.last_seen_at;
        self.sessions_count += other.sessions_count;
        self.web.sessions_count += other.web.sessions_count;
        for id in &other.recent_sessions {
            if !self.recent_sessions.contains(id) {
                if self.recent_sessions.len() == RECENT_SESSIONS {
                    self.recent_sessions.pop_front();
                }
                self.recent_sessions.push_back(id.clone());
            }
        }
        let first_touch = |mine: &mut Option<String>, theirs: &Option<String>| {
            if theirs.is_some() && (mine.is_none() || other_is_earlier) {
                *mine = theirs.clone();
            }
        };
        first_touch(&mut self.referrer, &other.referrer);
        for (mine, theirs) in self.utm.iter_mut().zip(&other.utm) {
            first_touch(mine, theirs);
        }
        if other_is_later {
            self.web.browser = other.web.browser.clone().or(self.web.browser.take());
            self.web.browser_name = other.web.browser_name.clone().or(self.web.browser_name.take());
            self.web.os = other.web.os.clone().or(self.web.os.take());
            self.web.os_name = other.web.os_name.clone().or(self.web.os_name.take());
            self.web.device = other.web.device.clone().or(self.web.device.take());
            self.country = other.country.clone().or(self.country.take());
            self.city = other.city.clone().or(self.city.take());
            self.language = other.language.clone().or(self.language.take());
        }
        for (mine, theirs, trust, their_trust) in [
            (&mut self.name, &other.name, &mut self.trusted_contact.name, other.trusted_contact.name),
            (&mut self.email, &other.email, &mut self.trusted_contact.email, other.trusted_contact.email),
            (
                &mut self.mobile_number,
                &other.mobile_number,
                &mut self.trusted_contact.mobile_number,
                other.trusted_contact.mobile_number,
            ),
        ] {
            if mine.is_none() {
                *mine = theirs.clone();
                *trust = their_trust;
            }
        }
        if self.description.is_none() {
            self.description.clone_from(&other.description);
        }
        self.last_checkout_completed_at = self.last_checkout_completed_at.max(other.last_checkout_completed_at);
        for (name, value) in &other.custom {
            self.custom.entry(name.clone()).or_insert_with(|| value.clone());
        }
        self.created_at = self.created_at.min(other.created_at);
        self.last_seen_at = self.last_seen_at.max(other.last_seen_at);
        self.last_session_started_at = self.last_session_started_at.max(other.last_session_started_at);
        self.web.last_seen_at = self.web.last_seen_at.max(other.web.last_seen_at);
        self.updated_at = self.updated_at.max(other.updated_at);
    }

    /// The profile as filters see it: built-in fields by key, and the values of the
    /// channel's custom `fields` that are not hidden, typed by their field.
    pub fn record(&self, id: &str, fields: &[CustomField]) -> Record {
        let mut r = Record::new();
        let mut put = |key: &str, value: Value| {
            r.insert(key.to_owned(), value);
        };
        put("id", Value::Text(id.to_owned()));
        put("member", Value::Bool(self.member_id.is_some()));
        put("tags", Value::List(Vec::new()));
        put("createdAt", Value::Date(self.created_at));
        put("updatedAt", Value::Date(self.updated_at));
        put("lastSeenAt", Value::Date(self.last_seen_at));
        put("sessionsCount", Value::Number(f64::from(self.sessions_count)));
        put("web.sessionsCount", Value::Number(f64::from(self.web.sessions_count)));
        put("hasPushToken", Value::Bool(false));
        put("unsubscribeEmail", Value::Bool(false));
        put("unsubscribeTexting", Value::Bool(false));
        put("emailStatus", Value::Text("unconfirmed".to_owned()));
        let texts = [
            ("country", &self.country),
            ("city", &self.city),
            ("language", &self.language),
            ("web.browser", &self.web.browser),
            ("web.browserName", &self.web.browser_name),
            ("web.os", &self.web.os),
            ("web.osName", &self.web.os_name),
            ("web.device", &self.web.device),
            ("profile.referrer", &self.referrer),
            ("memberId", &self.member_id),
            ("name", &self.name),
            ("profile.name", &self.name),
            ("profile.email", &self.email),
            ("profile.mobileNumber", &self.mobile_number),
            ("profile.description", &self.description),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                put(key, Value::Text(value.clone()));
            }
        }
        if let Some(at) = self.web.last_seen_at {
            put("web.lastSeenAt", Value::Date(at));
        }
        for (value, (_, key)) in self.utm.iter().zip(UTM) {
            if let Some(value) = value {
                put(key, Value::Text(value.clone()));
            }
        }
        if let Some(at) = self.last_checkout_completed_at {
            put("profile.lastCheckoutCompletedAt", Value::Date(at));
        }
        for field in fields.iter().filter(|f| f.visibility != Visibility::Hidden) {
            let typed = match (field.ty, self.custom.get(&field.name)) {
                (FieldType::Text, Some(FieldValue::Text(t))) => Value::Text(t.clone()),
                (FieldType::Number, Some(FieldValue::Number(n))) => Value::Number(*n),
                (FieldType::Date, Some(FieldValue::Number(n))) => Value::Date(*n as Millis),
                (FieldType::Boolean, Some(FieldValue::Bool(b))) => Value::Bool(*b),
                (FieldType::List, Some(FieldValue::Texts(items))) => Value::List(items.clone()),
                _ => continue,
            };
            put(&format!("profile.{}", field.name), typed);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{HOUR, MINUTE};

    const T: Millis = 1_795_000_000_000;
    const CHROME: &str =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    fn page(now: Millis, session: &str, url: &str, referrer: &str) -> Visit<'static> {
        let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
        Visit {
            now,
            session_id: Some(leak(session)),
            user_agent: Some(CHROME),
            country: Some("JP"),
            city: Some("Tokyo"),
            language: Some("ja"),
            page_url: Some(leak(url)),
            referrer: Some(leak(referrer)),
        }
    }

    #[test]
    fn sessions_count_distinct_sessions_not_page_loads() {
        let mut p = Profile::new(T);
        p.observe(&page(T, "s1", "https://shop.jp/", ""));
        p.observe(&page(T + MINUTE, "s1", "https://shop.jp/a", "https://shop.jp/"));
        p.observe(&page(T + 2 * HOUR, "s2", "https://shop.jp/b", ""));
        p.observe(&page(T + 2 * HOUR, "s1", "https://shop.jp/late", ""));
        assert_eq!((p.sessions_count, p.web.sessions_count), (2, 2));
        assert_eq!(p.last_seen_at, T + 2 * HOUR);
    }

    #[test]
    fn a_new_session_starts_when_its_first_batch_is_seen() {
        let mut p = Profile::new(T);
        assert_eq!(p.last_session_started_at, None, "no session yet");
        p.observe(&page(T + MINUTE, "s1", "https://shop.jp/", ""));
        assert_eq!(p.last_session_started_at, Some(T + MINUTE));
        p.observe(&page(T + 2 * HOUR, "s2", "https://shop.jp/b", ""));
        assert_eq!(p.last_session_started_at, Some(T + 2 * HOUR));
    }

    #[test]
    fn a_page_view_within_the_same_session_does_not_move_its_start() {
        let mut p = Profile::new(T);
        p.observe(&page(T, "s1", "https://shop.jp/", ""));
        p.observe(&page(T + 20 * MINUTE, "s1", "https://shop.jp/a", "https://shop.jp/"));
        p.observe(&Visit { now: T + 25 * MINUTE, session_id: Some("s1"), ..Visit::default() });
        assert_eq!((p.last_session_started_at, p.last_seen_at), (Some(T), T + 25 * MINUTE));
    }

    #[test]
    fn a_late_batch_of_an_earlier_session_does_not_move_the_last_start() {
        let mut p = Profile::new(T);
        p.observe(&page(T, "s1", "https://shop.jp/", ""));
        p.observe(&page(T + 2 * HOUR, "s2", "https://shop.jp/b", ""));
        p.observe(&page(T + 2 * HOUR + MINUTE, "s1", "https://shop.jp/late", ""));
        assert_eq!(p.last_session_started_at, Some(T + 2 * HOUR));
    }

    #[test]
    fn a_visit_without_a_session_starts_none() {
        let mut p = Profile::new(T);
        p.observe(&Visit { now: T + 1, ..Visit::default() });
        p.observe(&Visit { now: T + 2, session_id: Some(""), ..Visit::default() });
        assert_eq!((p.sessions_count, p.last_session_started_at), (0, None));
    }

    #[test]
    fn a_profile_stored_before_session_starts_were_kept_reads_without_one() {
        let p: Profile = serde_json::from_str(r#"{"createdAt":1,"updatedAt":2,"sessionsCount":3}"#).unwrap();
        assert_eq!((p.sessions_count, p.last_session_started_at), (3, None));
        let json = serde_json::to_string(&Profile::new(T)).unwrap();
        assert!(!json.contains("lastSessionStartedAt"), "absent, not null: {json}");
    }

    #[test]
    fn first_touch_utm_and_referrer_are_written_once() {
        let mut p = Profile::new(T);
        p.observe(&page(
            T,
            "s1",
            "https://shop.jp/?utm_source=news%20letter&utm_medium=email",
            "https://mail.example/inbox",
        ));
        p.observe(&page(
            T + HOUR,
            "s2",
            "https://shop.jp/?utm_source=ads&utm_campaign=autumn",
            "https://search.example/",
        ));
        assert_eq!(p.utm[0].as_deref(), Some("news letter"));
        assert_eq!(p.utm[1].as_deref(), Some("email"));
        assert_eq!(p.utm[2].as_deref(), Some("autumn"), "a parameter the first visit lacked is still first touch");
        assert_eq!(p.referrer.as_deref(), Some("https://mail.example/inbox"));
    }

    #[test]
    fn a_referrer_from_the_same_site_is_not_a_first_touch() {
        let mut p = Profile::new(T);
        p.observe(&page(T, "s1", "https://shop.jp/a", "https://shop.jp/"));
        assert_eq!(p.referrer, None);
    }

    #[test]
    fn the_visit_fills_web_and_location_fields_for_filters() {
        let mut p = Profile::new(T);
        p.observe(&page(T + 1, "s1", "https://shop.jp/", ""));
        let r = p.record("v1", &[]);
        assert_eq!(r.get("web.browserName"), Some(&Value::Text("Chrome".into())));
        assert_eq!(r.get("web.osName"), Some(&Value::Text("Linux".into())));
        assert_eq!(r.get("country"), Some(&Value::Text("JP".into())));
        assert_eq!(r.get("sessionsCount"), Some(&Value::Number(1.0)));
        assert_eq!(r.get("updatedAt"), Some(&Value::Date(T + 1)));
    }

    #[test]
    fn every_recorded_key_is_a_field_of_the_channel_with_its_type() {
        let fields = custom_fields();
        let schema = crate::field::Schema::of_channel(&fields).unwrap();
        let mut p = Profile::new(T);
        p.observe(&page(
            T,
            "s1",
            "https://shop.jp/?utm_source=a&utm_medium=b&utm_campaign=c&utm_content=d&utm_term=e",
            "https://x.example/",
        ));
        let all = r#"{"plan":"gold","signedUpAt":1700000000000,"interests":["tea"],"vip":false,"points":3,"old":"x","lastCheckoutCompletedAt":5}"#;
        p.apply(&manager(all.replace(r#","old":"x""#, "").as_str()), T).unwrap();
        p.custom.insert("old".into(), FieldValue::Text("kept from before it was hidden".into()));
        let record = p.record("v1", &fields);
        assert!(!record.contains_key("profile.old"), "a hidden field is not filtered on");
        assert_eq!(record.get("profile.signedUpAt"), Some(&Value::Date(1_700_000_000_000)));
        for (key, value) in record {
            let field = schema.field(&key).unwrap_or_else(|| panic!("{key} is not a field"));
            let fits = matches!(
                (field.ty, &value),
                (crate::field::FieldType::Text, Value::Text(_))
                    | (crate::field::FieldType::Number, Value::Number(_))
                    | (crate::field::FieldType::Boolean, Value::Bool(_))
                    | (crate::field::FieldType::Date, Value::Date(_))
                    | (crate::field::FieldType::List, Value::List(_))
            );
            assert!(fits, "{key} holds {value:?}, not a {:?}", field.ty);
        }
    }

    fn custom_fields() -> Vec<CustomField> {
        crate::field::sample_fields()
    }

    fn change(json: &str, writer: Writer) -> ProfileChange {
        let values = serde_json::from_str(json).unwrap();
        resolve(&values, &custom_fields(), writer, "profile").unwrap()
    }

    fn manager(json: &str) -> ProfileChange {
        change(json, Writer::Manager)
    }

    #[test]
    fn a_write_once_field_keeps_its_first_value_from_the_site() {
        let mut p = Profile::new(T);
        p.apply(&change(r#"{"signedUpAt":1000,"plan":"free"}"#, Writer::Site), T + 1).unwrap();
        p.apply(&change(r#"{"signedUpAt":2000,"plan":"gold"}"#, Writer::Site), T + 2).unwrap();
        assert_eq!(p.custom.get("signedUpAt"), Some(&FieldValue::Number(1000.0)));
        assert_eq!(p.custom.get("plan"), Some(&FieldValue::Text("gold".into())));
        assert_eq!(p.updated_at, T + 2);
    }

    #[test]
    fn a_managers_change_to_a_set_write_once_field_is_refused_whole() {
        let mut p = Profile::new(T);
        p.apply(&manager(r#"{"signedUpAt":1000}"#), T + 1).unwrap();
        let before = p.clone();
        let err = p.apply(&manager(r#"{"plan":"gold","signedUpAt":2000}"#), T + 2).unwrap_err();
        assert_eq!(err.field, "profile.signedUpAt");
        assert_eq!(p, before, "nothing half-written");
        p.apply(&manager(r#"{"plan":"gold","signedUpAt":1000}"#), T + 3).unwrap();
        assert_eq!(p.custom.get("plan"), Some(&FieldValue::Text("gold".into())));
    }

    #[test]
    fn a_change_that_changes_nothing_leaves_updated_at() {
        let mut p = Profile::new(T);
        p.apply(&manager(r#"{"plan":"gold","description":"memo"}"#), T + 1).unwrap();
        p.apply(&manager(r#"{"plan":"gold","description":"memo"}"#), T + 9).unwrap();
        assert_eq!(p.updated_at, T + 1);
        p.apply(&manager(r#"{"plan":null,"description":null}"#), T + 10).unwrap();
        assert_eq!((p.custom.get("plan"), p.description.as_deref(), p.updated_at), (None, None, T + 10));
    }

    #[test]
    fn signing_in_makes_a_member_with_contact_fields() {
        let mut p = Profile::new(T);
        let values = serde_json::from_str(r#"{"name":" Aiko Tanaka ","email":"aiko@example.jp"}"#).unwrap();
        let change = resolve(&values, &[], Writer::Site, "profile").unwrap();
        p.sign_in("member-1", &change, T + 5).unwrap();
        let r = p.record("c1", &[]);
        assert_eq!(r.get("member"), Some(&Value::Bool(true)));
        assert_eq!(r.get("name"), Some(&Value::Text("Aiko Tanaka".into())));
        assert_eq!(r.get("profile.email"), Some(&Value::Text("aiko@example.jp".into())));
        assert_eq!(p.updated_at, T + 5);
    }

    /// A site's change of contact fields, verified (identity verification) or not.
    fn site(json: &str, verified: bool) -> ProfileChange {
        let values = serde_json::from_str(json).unwrap();
        ProfileChange { verified, ..resolve(&values, &[], Writer::Site, "profile").unwrap() }
    }

    #[test]
    fn r10_an_unverified_sign_in_fills_empty_contact_fields() {
        let mut p = Profile::new(T);
        p.sign_in("member-1", &site(r#"{"email":"aiko@example.jp","mobileNumber":"+81 90-1111-2222"}"#, false), T + 1)
            .unwrap();
        assert_eq!(p.email.as_deref(), Some("aiko@example.jp"));
        assert_eq!(p.mobile_number.as_deref(), Some("+81 90-1111-2222"));
    }

    #[test]
    fn r10_an_unverified_sign_in_never_replaces_what_a_verified_boot_wrote() {
        let mut p = Profile::new(T);
        p.sign_in("member-1", &site(r#"{"email":"aiko@example.jp"}"#, true), T + 1).unwrap();
        p.sign_in("member-1", &site(r#"{"email":"thief@example.com","name":"Thief"}"#, false), T + 2).unwrap();
        assert_eq!(p.email.as_deref(), Some("aiko@example.jp"), "kept");
        assert_eq!(p.name.as_deref(), Some("Thief"), "an empty field may be filled");
        p.apply(&site(r#"{"email":"thief@example.com"}"#, false), T + 3).unwrap();
        assert_eq!(p.email.as_deref(), Some("aiko@example.jp"), "nor does updateUser after it");
    }

    #[test]
    fn r10_an_unverified_sign_in_never_replaces_what_a_manager_wrote() {
        let mut p = Profile::new(T);
        p.apply(&manager(r#"{"mobileNumber":"+81 90-1111-2222"}"#), T + 1).unwrap();
        p.sign_in("member-1", &site(r#"{"mobileNumber":"+1 555-0100"}"#, false), T + 2).unwrap();
        assert_eq!(p.mobile_number.as_deref(), Some("+81 90-1111-2222"));
    }

    #[test]
    fn r10_values_an_unverified_writer_set_may_be_replaced_by_anyone() {
        let mut p = Profile::new(T);
        p.apply(&site(r#"{"email":"old@example.jp"}"#, false), T + 1).unwrap();
        p.sign_in("member-1", &site(r#"{"email":"new@example.jp"}"#, false), T + 2).unwrap();
        assert_eq!(p.email.as_deref(), Some("new@example.jp"));
        p.sign_in("member-1", &site(r#"{"email":"verified@example.jp"}"#, true), T + 3).unwrap();
        p.apply(&manager(r#"{"email":"manager@example.jp"}"#), T + 4).unwrap();
        assert_eq!(p.email.as_deref(), Some("manager@example.jp"), "trusted writers replace each other");
    }

    #[test]
    fn r10_an_unverified_sign_in_is_remembered_until_a_verified_one() {
        let mut p = Profile::new(T);
        p.sign_in("member-1", &site("{}", false), T + 1).unwrap();
        assert_eq!(p.unverified_sign_in_at, Some(T + 1));
        p.sign_in("member-1", &site("{}", true), T + 2).unwrap();
        assert_eq!(p.unverified_sign_in_at, None);
    }

    #[test]
    fn contact_fields_are_validated_by_name() {
        let err = |c: Contact| c.validate("profile").unwrap_err().field;
        assert_eq!(err(Contact { email: Some("not-an-email".into()), ..Contact::default() }), "profile.email");
        assert_eq!(err(Contact { name: Some("  ".into()), ..Contact::default() }), "profile.name");
        assert_eq!(
            err(Contact { mobile_number: Some("call me".into()), ..Contact::default() }),
            "profile.mobileNumber"
        );
        assert!(
            Contact { mobile_number: Some("+81 90-1234-5678".into()), ..Contact::default() }
                .validate("profile")
                .is_ok()
        );
    }

    #[test]
    fn a_merged_visitor_adds_its_visits_and_the_earliest_first_touch_wins() {
        let mut member = Profile::new(T + 10 * HOUR);
        member.observe(&page(T + 10 * HOUR, "m1", "https://shop.jp/?utm_source=ads", ""));
        member.sign_in("member-1", &ProfileChange::default(), T + 10 * HOUR).unwrap();
        let mut anonymous = Profile::new(T);
        anonymous.observe(&page(T, "a1", "https://shop.jp/?utm_source=newsletter", "https://mail.example/"));
        anonymous.observe(&page(T + 2 * HOUR, "a2", "https://shop.jp/", ""));
        member.absorb(&anonymous);
        assert_eq!(member.sessions_count, 3);
        assert_eq!(member.created_at, T);
        assert_eq!(member.utm[0].as_deref(), Some("newsletter"));
        assert_eq!(member.referrer.as_deref(), Some("https://mail.example/"));
        assert_eq!(member.member_id.as_deref(), Some("member-1"));
        assert_eq!(member.last_seen_at, T + 10 * HOUR);
        assert_eq!(member.last_session_started_at, Some(T + 10 * HOUR), "the later of the two");
    }

    #[test]
    fn query_parameters_are_decoded() {
        assert_eq!(query_param("https://x/?a=1&b=%E3%81%82+x#frag", "b").as_deref(), Some("あ x"));
        assert_eq!(query_param("https://x/?a=%zz", "a").as_deref(), Some("%zz"));
        assert_eq!(query_param("https://x/?a=%4", "a").as_deref(), Some("%4"));
        assert_eq!(query_param("https://x/?a=", "a"), None);
        assert_eq!(query_param("https://x/", "a"), None);
    }

    #[track_caller]
    fn check_visits(events: &[(&str, &[(&str, &str)])], expected: &[(Option<&str>, Option<&str>)]) {
        let events: Vec<(String, BTreeMap<String, crate::event::PropertyValue>)> = events
            .iter()
            .map(|(name, props)| {
                let props = props
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), crate::event::PropertyValue::Text((*v).to_owned())))
                    .collect();
                ((*name).to_owned(), props)
            })
            .collect();
        let got = visits(events.iter().map(|(n, p)| (n.as_str(), p)));
        let got: Vec<(Option<&str>, Option<&str>)> =
            got.iter().map(|p| (p.url.as_deref(), p.referrer.as_deref())).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn each_page_view_is_a_visit_with_its_url_and_referrer() {
        check_visits(
            &[
                ("PageView", &[("url", "https://x.jp/a"), ("referrer", "https://r.jp")]),
                ("Cart", &[]),
                ("PageView", &[]),
            ],
            &[(Some("https://x.jp/a"), Some("https://r.jp")), (None, None)],
        );
    }

    #[test]
    fn a_batch_without_a_page_view_is_one_visit_without_a_page() {
        check_visits(&[("Cart", &[("url", "https://x.jp/cart")])], &[(None, None)]);
        check_visits(&[], &[(None, None)]);
    }
}
