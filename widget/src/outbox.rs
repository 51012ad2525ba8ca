//! The events a tab has not yet delivered, kept in `localStorage` so they survive
//! reloads and offline periods. Pure: the shell (`app.rs`) stores, sends and schedules.
//!
//! Invariants:
//! - each tab writes only its own key (`kz:{channel}:out:{tab}`), so tabs never overwrite
//!   each other's events and a tab sends only its own;
//! - a tab adopts another key only when that tab left (its heartbeat is 0, written on
//!   `pagehide`) or stopped beating for [`STALE_MS`]; adoption deletes the key first;
//! - the outbox is bounded ([`MAX_ENTRIES`], [`MAX_CHARS`]): when full, the oldest
//!   events go first;
//! - an event keeps its id however often it is sent, so the edge counts it once (a
//!   beacon and a later retry of the same event are one event there).
//!
//! Stored form: the heartbeat (ms) on the first line, then one event per line as
//! `visitor \t session \t event-json` (JSON escapes tabs and newlines in strings).

/// Most events kept per tab (below the edge's de-duplication window of 256).
pub const MAX_ENTRIES: usize = 200;
/// Most characters kept per tab (localStorage allows about 5 MB per site).
pub const MAX_CHARS: usize = 256 * 1024;
/// Most events per request, and most characters of their JSON (the edge takes 500 KB).
pub const BATCH_EVENTS: usize = 50;
const BATCH_CHARS: usize = 400 * 1024;
/// A tab whose heartbeat is older than this is gone; retries beat at most every 30 s.
pub const STALE_MS: i64 = 120_000;
const MAX_BACKOFF_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub visitor: String,
    pub session: String,
    /// The event as a JSON object: `{"id":…,"name":…,"properties":…}`.
    pub event: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    /// When the owning tab last wrote (ms); 0 once it left.
    pub heartbeat: i64,
    pub entries: Vec<Entry>,
}

impl Outbox {
    /// Reads the stored form; lines that do not parse are dropped.
    pub fn decode(text: &str) -> Outbox {
        let mut lines = text.split('\n');
        let heartbeat = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let entries = lines
            .filter_map(|line| {
                let mut parts = line.splitn(3, '\t');
                let (visitor, session, event) = (parts.next()?, parts.next()?, parts.next()?);
                event.starts_with('{').then(|| Entry {
                    visitor: visitor.to_owned(),
                    session: session.to_owned(),
                    event: event.to_owned(),
                })
            })
            .collect();
        Outbox { heartbeat, entries }
    }

    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(16 + self.chars());
        push_number(&mut out, self.heartbeat);
        for e in &self.entries {
            out.push('\n');
            out.push_str(&e.visitor);
            out.push('\t');
            out.push_str(&e.session);
            out.push('\t');
            out.push_str(&e.event);
        }
        out
    }

    fn chars(&self) -> usize {
        self.entries.iter().map(|e| e.visitor.len() + e.session.len() + e.event.len() + 3).sum()
    }

    /// Adds an event, dropping the oldest ones while over the bounds.
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
        while self.entries.len() > MAX_ENTRIES || (self.entries.len() > 1 && self.chars() > MAX_CHARS) {
            self.entries.remove(0);
        }
    }

    /// Takes another tab's events (older than this tab's, so they go first).
    pub fn adopt(&mut self, other: Outbox) {
        let mine = std::mem::replace(&mut self.entries, other.entries);
        for entry in mine {
            self.push(entry);
        }
    }

    /// Whether this outbox's tab is gone at `now`, so another tab may adopt it.
    pub fn abandoned(&self, now: i64) -> bool {
        self.heartbeat == 0 || now - self.heartbeat > STALE_MS
    }
}

/// How many leading `entries` go in one request: one visitor and session, at most
/// [`BATCH_EVENTS`] and [`BATCH_CHARS`] (at least one, when there is one).
pub fn batch_len(entries: &[Entry]) -> usize {
    let Some(first) = entries.first() else { return 0 };
    let mut chars = 0;
    entries
        .iter()
        .take(BATCH_EVENTS)
        .take_while(|e| {
            chars += e.event.len() + 1;
            e.visitor == first.visitor && e.session == first.session && chars <= BATCH_CHARS
        })
        .count()
        .max(1)
}

/// The wait before retry number `attempt` (1, 2, …): 1 s doubling up to 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.saturating_sub(1).min(15)).min(MAX_BACKOFF_MS)
}

fn push_number(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let digits = n.unsigned_abs();
    let start = out.len();
    let mut rest = digits;
    loop {
        out.insert(start, char::from(b'0' + (rest % 10) as u8));
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(session: &str, n: usize) -> Entry {
        Entry { visitor: "v_1".into(), session: session.into(), event: format!(r#"{{"id":"e_{n}","name":"A\tB"}}"#) }
    }

    #[test]
    fn the_stored_form_reads_back_and_drops_broken_lines() {
        let mut outbox = Outbox { heartbeat: 1_795_000_000_123, entries: vec![] };
        outbox.push(entry("s_1", 1));
        outbox.push(entry("s_1", 2));
        let text = outbox.encode();
        assert_eq!(Outbox::decode(&text), outbox);
        let damaged = format!("{text}\ngarbage\nv\ts\tnot json");
        assert_eq!(Outbox::decode(&damaged), outbox);
        assert_eq!(Outbox::decode(""), Outbox::default());
        assert_eq!(Outbox::decode("-5").heartbeat, -5);
    }

    #[test]
    fn the_outbox_is_bounded_and_drops_the_oldest_first() {
        let mut outbox = Outbox::default();
        for n in 0..MAX_ENTRIES + 5 {
            outbox.push(entry("s_1", n));
        }
        assert_eq!(outbox.entries.len(), MAX_ENTRIES);
        assert!(outbox.entries[0].event.contains("\"e_5\""));
        let mut big = Outbox::default();
        for n in 0..10 {
            big.push(Entry {
                event: format!("{{\"id\":\"e_{n}\",\"p\":\"{}\"}}", "x".repeat(60_000)),
                ..entry("s", n)
            });
        }
        assert!(big.chars() <= MAX_CHARS);
        assert!(big.entries.last().unwrap().event.contains("e_9"));
    }

    #[test]
    fn a_batch_is_one_session_of_one_visitor_and_at_most_fifty_events() {
        let mut outbox = Outbox::default();
        for n in 0..3 {
            outbox.push(entry("s_1", n));
        }
        outbox.push(entry("s_2", 3));
        assert_eq!(batch_len(&outbox.entries), 3);
        outbox.entries.drain(..3);
        assert_eq!(batch_len(&outbox.entries), 1);
        for n in 0..120 {
            outbox.push(entry("s_2", n));
        }
        assert_eq!(batch_len(&outbox.entries), BATCH_EVENTS);
        assert_eq!(batch_len(&[]), 0);
    }

    #[test]
    fn adopted_events_go_first_and_only_from_a_tab_that_left_or_went_quiet() {
        let mut mine = Outbox { heartbeat: 10, entries: vec![entry("s_2", 2)] };
        let theirs = Outbox { heartbeat: 0, entries: vec![entry("s_1", 1)] };
        assert!(theirs.abandoned(1));
        mine.adopt(theirs);
        assert_eq!(mine.entries.iter().map(|e| e.session.as_str()).collect::<Vec<_>>(), ["s_1", "s_2"]);
        let beating = Outbox { heartbeat: 1_000_000, entries: vec![] };
        assert!(!beating.abandoned(1_000_000 + STALE_MS));
        assert!(beating.abandoned(1_000_001 + STALE_MS));
    }

    #[test]
    fn retries_back_off_from_one_second_to_thirty() {
        let waits: Vec<u32> = (1..=7).map(backoff_ms).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(u32::MAX), 30000);
    }
}
