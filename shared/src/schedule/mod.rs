//! Campaign schedule windows: whether a campaign may show at an instant, and when it next
//! may, judged on the wall clock of the channel's named IANA time zone.
//!
//! Invariant: a decision depends only on the schedule, the zone and the instant passed in
//! (`now` is a parameter; nothing here reads a clock), and every instant a window opens or
//! closes at is a real instant, found from its local wall-clock time by these rules:
//!
//! - A wall-clock time that does not exist (the spring-forward gap) means the first
//!   instant after the gap: a 02:30 window on New York's spring-forward day opens at 03:00
//!   EDT. A window lying wholly inside the gap does not open that day.
//! - A wall-clock time that happens twice (the fall-back hour) means the earlier instant.
//! - A window's length follows the wall clock, not a stopwatch: a 01:00–03:00 window on a
//!   fall-back night opens at the first 01:00 and closes at 03:00, three real hours later.
//!
//! A window belongs to the weekdays it *opens* on: Fri 22:00–02:00 is open at 01:00 on
//! Saturday morning, and not at 01:00 on Friday morning. `to <= from` crosses midnight;
//! `to == 1440` ("24:00") means until midnight. An empty schedule is always open.
//!
//! Instants beyond ±100,000 years from 1970 are judged as if at that limit.

use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::invalid::FieldError;
use crate::time::{DAY, Day, HOUR, MINUTE, Millis, SECOND};

mod week;
pub use week::{WEEK, Week};

/// At most this many windows in one schedule.
pub const MAX_WINDOWS: usize = 28;

const MINUTES_PER_DAY: u16 = 24 * 60;

/// Instants are clamped to this distance from the epoch so chrono's range (about
/// ±262,000 years) is never left, whatever `i64` arrives.
const FAR: Millis = 100_000 * 365 * DAY;

/// A channel's time zone: an IANA name such as "Asia/Tokyo", "America/New_York" or
/// "UTC", or a fixed offset written "UTC+05:30" (for channels that only ever stored one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Clock);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Clock {
    Named(Tz),
    /// Minutes east of UTC, the same all year.
    Fixed(i32),
}

impl Zone {
    pub const UTC: Zone = Zone(Clock::Named(Tz::UTC));

    /// Parses an IANA time zone name (case-sensitive, as the database spells it) or a
    /// fixed offset `UTC±HH:MM` between UTC-12:00 and UTC+14:00.
    pub fn parse(name: &str) -> Result<Zone, &'static str> {
        if let Some(minutes) = fixed_offset(name) {
            return Ok(Zone::fixed(minutes));
        }
        name.parse::<Tz>()
            .map(|tz| Zone(Clock::Named(tz)))
            .map_err(|_| "must be an IANA time zone name such as Asia/Tokyo, or UTC+05:30")
    }

    /// A zone `minutes` east of UTC all year (UTC itself for 0).
    pub fn fixed(minutes: i32) -> Zone {
        if minutes == 0 { Zone::UTC } else { Zone(Clock::Fixed(minutes)) }
    }

    pub fn name(&self) -> String {
        match self.0 {
            Clock::Named(tz) => tz.name().to_owned(),
            Clock::Fixed(minutes) => {
                let sign = if minutes < 0 { '-' } else { '+' };
                let m = minutes.unsigned_abs();
                format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }

    /// Minutes east of UTC in force at `at` (historical offsets with seconds are truncated).
    pub fn offset_minutes_at(&self, at: Millis) -> i32 {
        self.offset_seconds_at(at) / 60
    }

    /// The civil day `at` falls on in this zone.
    pub fn day_of(&self, at: Millis) -> Day {
        Day(self.wall_of(at).div_euclid(DAY))
    }

    /// The first instant of `day` here; when midnight falls in a spring-forward gap, the
    /// first instant after the gap.
    pub fn start_of_day(&self, day: Day) -> Millis {
        self.instant_at_wall(day.0.saturating_mul(DAY))
    }

    fn offset_seconds_at(&self, at: Millis) -> i32 {
        match self.0 {
            Clock::Named(tz) => tz.offset_from_utc_datetime(&naive(at)).fix().local_minus_utc(),
            Clock::Fixed(minutes) => minutes * 60,
        }
    }

    /// The local wall clock at `at`, as milliseconds since a local 1970-01-01T00:00.
    fn wall_of(&self, at: Millis) -> Millis {
        let at = at.clamp(-FAR, FAR);
        at + i64::from(self.offset_seconds_at(at)) * SECOND
    }

    /// The instant the wall clock reads `wall` (the module's DST rules decide gaps and
    /// repeats).
    fn instant_at_wall(&self, wall: Millis) -> Millis {
        let wall = wall.clamp(-FAR, FAR);
        let tz = match self.0 {
            Clock::Named(tz) => tz,
            Clock::Fixed(minutes) => return wall - i64::from(minutes) * MINUTE,
        };
        let minus = |offset: &<Tz as TimeZone>::Offset| wall - i64::from(offset.fix().local_minus_utc()) * SECOND;
        match tz.offset_from_local_datetime(&naive(wall)) {
            LocalResult::Single(offset) => minus(&offset),
            LocalResult::Ambiguous(a, b) => minus(&a).min(minus(&b)),
            LocalResult::None => self.first_instant_reaching(wall),
        }
    }

    /// The first instant whose wall clock reads `wall` or later, for a `wall` inside a gap.
    /// Offsets stay within ±26 hours, so the wall clock is behind `wall` 26 hours before
    /// it and past it 26 hours after; bisection finds where the gap jumps over it.
    fn first_instant_reaching(&self, wall: Millis) -> Millis {
        let (mut before, mut after) = (wall - 26 * HOUR, wall + 26 * HOUR);
        while after - before > 1 {
            let mid = before + (after - before) / 2;
            if self.wall_of(mid) >= wall {
                after = mid;
            } else {
                before = mid;
            }
        }
        after
    }
}

/// `UTC+05:30` → 330; `None` for anything else (including plain `UTC`, a named zone).
fn fixed_offset(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("UTC")?;
    let sign = match rest.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = rest.get(1..)?.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 || !(hours.bytes().chain(minutes.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = sign * (h * 60 + m);
    (m < 60 && (-720..=840).contains(&total)).then_some(total)
}

/// The UTC date-time of an instant, clamped to the supported range.
fn naive(at: Millis) -> NaiveDateTime {
    DateTime::from_timestamp_millis(at.clamp(-FAR, FAR)).unwrap_or_default().naive_utc()
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Zone, D::Error> {
        let name = String::deserialize(deserializer)?;
        Zone::parse(&name).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// The weekday of a civil day (1970-01-01 was a Thursday).
    pub fn of(day: Day) -> Weekday {
        const ALL: [Weekday; 7] =
            [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
        // rem_euclid(7) is always in 0..7.
        ALL[usize::try_from((day.0 + 3).rem_euclid(7)).unwrap_or(0)]
    }
}

/// One weekly time window, in local wall-clock minutes from midnight. `from < to`: within one day.
/// `to <= from`: it crosses midnight and ends on the next day (Fri 22:00–02:00 is open Sat 01:00).
/// `to == 1440` means "until midnight". A window belongs to the days it *opens* on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub days: Vec<Weekday>,
    pub from: u16,
    pub to: u16,
}

impl Window {
    /// The instants `[open, close)` of this window's opening on local `day`, if it opens
    /// that weekday and the opening is not swallowed by a gap.
    fn on(&self, zone: Zone, day: Day) -> Option<(Millis, Millis)> {
        if !self.days.contains(&Weekday::of(day)) {
            return None;
        }
        let midnight = day.0.saturating_mul(DAY);
        let crosses = self.to <= self.from;
        let close_wall = midnight + i64::from(self.to) * MINUTE + if crosses { DAY } else { 0 };
        let open = zone.instant_at_wall(midnight + i64::from(self.from) * MINUTE);
        let close = zone.instant_at_wall(close_wall);
        (open < close).then_some((open, close))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub windows: Vec<Window>,
}

impl Schedule {
    /// Whether `at` lies inside a window (an empty schedule is always open).
    pub fn is_open(&self, zone: Zone, at: Millis) -> bool {
        if self.windows.is_empty() {
            return true;
        }
        // An opening on day d closes by the end of day d + 1, so only today's and
        // yesterday's openings can hold `at`.
        let today = zone.day_of(at);
        [Day(today.0 - 1), today].into_iter().any(|day| {
            self.windows.iter().filter_map(|window| window.on(zone, day)).any(|(open, close)| open <= at && at < close)
        })
    }

    /// `at` itself when open; otherwise the first instant after `at` when a window opens;
    /// None only when no window can ever open (no days).
    pub fn next_open(&self, zone: Zone, at: Millis) -> Option<Millis> {
        if self.is_open(zone, at) {
            return Some(at);
        }
        // Every weekday recurs within 7 days; the eighth covers an opening a gap
        // swallowed this week.
        let today = zone.day_of(at).0;
        (today..=today + 8)
            .flat_map(|day| self.windows.iter().filter_map(move |window| window.on(zone, Day(day))))
            .map(|(open, _)| open)
            .filter(|&open| open > at)
            .min()
    }
}

/// A schedule window as stored and sent: `{"days": ["mon"], "from": "09:00", "to": "18:00"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WindowDoc {
    pub days: Vec<Weekday>,
    /// "HH:MM", 00:00 to 23:59.
    pub from: String,
    /// "HH:MM", 00:00 to 24:00; at or before `from` crosses midnight.
    pub to: String,
}

/// Validates stored windows into a [`Schedule`]; errors name the field under `path`
/// (such as `schedule.windows[1].from`).
pub fn schedule_from_docs(windows: &[WindowDoc], path: &str) -> Result<Schedule, FieldError> {
    if windows.len() > MAX_WINDOWS {
        return Err(FieldError::new(path, format!("must have at most {MAX_WINDOWS} windows")));
    }
    let windows = windows
        .iter()
        .enumerate()
        .map(|(index, doc)| window_from_doc(doc, &format!("{path}[{index}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Schedule { windows })
}

/// The stored form of a schedule (the inverse of [`schedule_from_docs`]).
pub fn schedule_to_docs(schedule: &Schedule) -> Vec<WindowDoc> {
    schedule
        .windows
        .iter()
        .map(|window| WindowDoc { days: window.days.clone(), from: hh_mm(window.from), to: hh_mm(window.to) })
        .collect()
}

fn window_from_doc(doc: &WindowDoc, path: &str) -> Result<Window, FieldError> {
    if doc.days.is_empty() {
        return Err(FieldError::new(format!("{path}.days"), "must name at least one weekday"));
    }
    if doc.days.iter().enumerate().any(|(i, day)| doc.days[..i].contains(day)) {
        return Err(FieldError::new(format!("{path}.days"), "must not name a weekday twice"));
    }
    let from = minutes(&doc.from)
        .filter(|&m| m < MINUTES_PER_DAY)
        .ok_or_else(|| FieldError::new(format!("{path}.from"), "must be HH:MM from 00:00 to 23:59"))?;
    let to = minutes(&doc.to)
        .filter(|&m| m <= MINUTES_PER_DAY)
        .ok_or_else(|| FieldError::new(format!("{path}.to"), "must be HH:MM from 00:00 to 24:00"))?;
    // Equal ends would read as a 24-hour window crossing midnight; refused as a likely
    // mistake (00:00–24:00 says a whole day plainly).
    if from == to {
        return Err(FieldError::new(format!("{path}.to"), "a window must not be empty"));
    }
    Ok(Window { days: doc.days.clone(), from, to })
}

/// Minutes from midnight of "HH:MM" (hours up to 24, "24:00" only at 00 minutes).
fn minutes(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let digit = |i: usize| bytes[i].is_ascii_digit().then(|| u16::from(bytes[i] - b'0'));
    let (hours, mins) = (digit(0)? * 10 + digit(1)?, digit(3)? * 10 + digit(4)?);
    (hours < 24 && mins < 60 || hours == 24 && mins == 0).then_some(hours * 60 + mins)
}

fn hh_mm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests;
