//! Events a site sends about a visitor (`PageView`, `CheckoutComplete`, ...), and which
//! of a batch are new: an id accepted in the last [`EVENT_MEMORY`] changes nothing again,
//! and a visitor's new events are bounded per day ([`DAILY_EVENTS`]).

use crate::ids::EventId;
use crate::time::{DAY, Millis};
use std::collections::{BTreeMap, BTreeSet};

/// A property value of an event: text, number or boolean.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum PropertyValue {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// The built-in event the widget sends on every page load and navigation.
pub const PAGE_VIEW: &str = "PageView";

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub name: String,
    pub properties: BTreeMap<String, PropertyValue>,
}

impl Event {
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.properties.get(key) {
            Some(PropertyValue::Text(text)) => Some(text),
            _ => None,
        }
    }
}

/// Event names: 1 to 64 characters of letters, digits, `_ - . :` (so `PageView`,
/// `checkout.completed`, `form:submit`).
pub fn check_event_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 64 {
        return Err("must be 1 to 64 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b)) {
        return Err("may contain only letters, digits, '_', '-', '.' and ':'");
    }
    Ok(())
}

/// Longest page URL an event may carry in its `url` property (characters), what URL
/// rules read. Cloudflare refuses request URLs over 16 KB, so a real page's URL is far
/// shorter; a longer one is refused naming it (the widget then drops only that event).
pub const MAX_URL_CHARS: usize = 8_192;

/// Checks an event's `url` property against [`MAX_URL_CHARS`].
pub fn check_url(properties: &BTreeMap<String, PropertyValue>) -> Result<(), String> {
    match properties.get("url") {
        Some(PropertyValue::Text(url)) if url.chars().count() > MAX_URL_CHARS => {
            Err(format!("must be at most {MAX_URL_CHARS} characters"))
        }
        _ => Ok(()),
    }
}

/// How long a visitor's accepted event ids are remembered: a batch replayed within this
/// long of its first acceptance changes nothing.
pub const EVENT_MEMORY: Millis = 7 * DAY;
/// Most events one visitor may have accepted in any 24 hours; more are refused (429).
/// The widget sends a page view per page and a few events; a person does not reach this.
pub const DAILY_EVENTS: u32 = 5_000;

/// Which events of a batch are new, given the ids the visitor's memory already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// Indexes of the events to process, in batch order.
    pub fresh: Vec<usize>,
    /// Events seen before (in the memory or earlier in the same batch).
    pub duplicates: u32,
}

/// A batch would take the visitor over [`DAILY_EVENTS`]: nothing of it is processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverDailyLimit {
    pub limit: u32,
}

/// Splits a batch into new events and repeats, and refuses it when its new events would
/// take the visitor over `daily_limit` in the last 24 hours (`accepted_last_day` new
/// events already). Repeats never count toward the limit, so a retried batch is always
/// answered.
pub fn admit(
    batch: &[&str],
    seen: &BTreeSet<String>,
    accepted_last_day: u32,
    daily_limit: u32,
) -> Result<Admitted, OverDailyLimit> {
    let mut in_batch: BTreeSet<&str> = BTreeSet::new();
    let mut fresh = Vec::new();
    for (i, id) in batch.iter().enumerate() {
        if !seen.contains(*id) && in_batch.insert(id) {
            fresh.push(i);
        }
    }
    let fresh_count = u32::try_from(fresh.len()).unwrap_or(u32::MAX);
    if accepted_last_day.saturating_add(fresh_count) > daily_limit {
        return Err(OverDailyLimit { limit: daily_limit });
    }
    let duplicates = u32::try_from(batch.len() - fresh.len()).unwrap_or(u32::MAX);
    Ok(Admitted { fresh, duplicates })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn r10_a_page_url_over_8192_characters_is_refused() {
        let url = |chars: usize| BTreeMap::from([("url".to_owned(), PropertyValue::Text("a".repeat(chars)))]);
        assert_eq!(check_url(&url(MAX_URL_CHARS)), Ok(()));
        assert_eq!(check_url(&url(30_000)), Err("must be at most 8192 characters".to_owned()));
    }

    #[test]
    fn an_event_id_remembered_is_a_duplicate() {
        let admitted = admit(&["e1", "e2", "e3"], &seen(&["e2"]), 0, DAILY_EVENTS).unwrap();
        assert_eq!(admitted, Admitted { fresh: vec![0, 2], duplicates: 1 });
    }

    #[test]
    fn an_id_repeated_inside_one_batch_counts_once() {
        let admitted = admit(&["e1", "e1", "e2"], &seen(&[]), 0, DAILY_EVENTS).unwrap();
        assert_eq!(admitted, Admitted { fresh: vec![0, 2], duplicates: 1 });
    }

    #[test]
    fn new_events_over_the_daily_limit_refuse_the_whole_batch() {
        assert_eq!(admit(&["e1", "e2"], &seen(&[]), 4_999, 5_000), Err(OverDailyLimit { limit: 5_000 }));
        assert!(admit(&["e1"], &seen(&[]), 4_999, 5_000).is_ok());
    }

    #[test]
    fn a_replayed_batch_is_answered_even_at_the_daily_limit() {
        let admitted = admit(&["e1", "e2"], &seen(&["e1", "e2"]), 5_000, 5_000).unwrap();
        assert_eq!(admitted, Admitted { fresh: vec![], duplicates: 2 });
    }
}
