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

use crate::stored::FieldError;
use crate::time::{DAY, Day, HOUR, MINUTE, Millis, SECOND};

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
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The instant of a UTC date and time, "2026-03-08" and "07:00".
    #[track_caller]
    fn utc(date: &str, time: &str) -> Millis {
        Day::parse_iso(date).unwrap().0 * DAY + i64::from(minutes(time).unwrap()) * MINUTE
    }

    #[track_caller]
    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    #[track_caller]
    fn schedule(windows: &[(&[Weekday], &str, &str)]) -> Schedule {
        let docs: Vec<WindowDoc> = windows
            .iter()
            .map(|(days, from, to)| WindowDoc { days: days.to_vec(), from: from.to_string(), to: to.to_string() })
            .collect();
        schedule_from_docs(&docs, "schedule.windows").unwrap()
    }

    fn every_day() -> &'static [Weekday] {
        use Weekday::*;
        &[Mon, Tue, Wed, Thu, Fri, Sat, Sun]
    }

    #[track_caller]
    fn check_refused(docs: &str, field: &str, problem: &str) {
        let docs: Vec<WindowDoc> = serde_json::from_str(docs).unwrap();
        let error = schedule_from_docs(&docs, "schedule.windows").unwrap_err();
        assert_eq!((error.field.as_str(), error.problem.as_str()), (field, problem));
    }

    // 2026-01-02 is a Friday.
    const FRI: &str = "2026-01-02";
    const SAT: &str = "2026-01-03";
    const MON: &str = "2026-01-05";

    #[test]
    fn the_calendar_is_right_about_weekdays() {
        assert_eq!(Weekday::of(Day(0)), Weekday::Thu);
        assert_eq!(Weekday::of(Day::parse_iso(FRI).unwrap()), Weekday::Fri);
        assert_eq!(Weekday::of(Day::parse_iso(MON).unwrap()), Weekday::Mon);
        assert_eq!(Weekday::of(Day(-1)), Weekday::Wed);
    }

    #[test]
    fn a_window_opening_at_midnight_is_open_on_the_exact_millisecond() {
        let s = schedule(&[(&[Weekday::Sat], "00:00", "06:00")]);
        assert!(!s.is_open(Zone::UTC, utc(SAT, "00:00") - 1));
        assert!(s.is_open(Zone::UTC, utc(SAT, "00:00")));
        assert_eq!(s.next_open(Zone::UTC, utc(SAT, "00:00") - 1), Some(utc(SAT, "00:00")));
        assert!(s.is_open(Zone::UTC, utc(SAT, "06:00") - 1));
        assert!(!s.is_open(Zone::UTC, utc(SAT, "06:00")));
    }

    #[test]
    fn a_window_crossing_midnight_belongs_to_the_day_it_opens_on() {
        let s = schedule(&[(&[Weekday::Fri], "22:00", "02:00")]);
        assert!(!s.is_open(Zone::UTC, utc(FRI, "21:59")));
        assert!(s.is_open(Zone::UTC, utc(FRI, "22:00")));
        assert!(s.is_open(Zone::UTC, utc(SAT, "01:59")));
        assert!(!s.is_open(Zone::UTC, utc(SAT, "02:00")));
        // Friday early morning is the tail of Thursday's window, which does not exist.
        assert!(!s.is_open(Zone::UTC, utc(FRI, "01:00")));
    }

    #[test]
    fn a_window_until_24_00_closes_at_midnight() {
        let s = schedule(&[(&[Weekday::Fri], "18:00", "24:00")]);
        assert!(s.is_open(Zone::UTC, utc(SAT, "00:00") - 1));
        assert!(!s.is_open(Zone::UTC, utc(SAT, "00:00")));
    }

    #[test]
    fn a_window_is_closed_on_weekdays_it_does_not_name() {
        let s = schedule(&[(&[Weekday::Mon, Weekday::Wed], "09:00", "18:00")]);
        assert!(s.is_open(Zone::UTC, utc(MON, "12:00")));
        for day in ["2026-01-06", "2026-01-08", "2026-01-09", "2026-01-10", "2026-01-11"] {
            assert!(!s.is_open(Zone::UTC, utc(day, "12:00")), "{day}");
        }
        assert!(s.is_open(Zone::UTC, utc("2026-01-07", "12:00")));
    }

    #[test]
    fn next_open_from_friday_night_is_monday_morning() {
        let s =
            schedule(&[(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri], "09:00", "18:00")]);
        assert_eq!(s.next_open(Zone::UTC, utc(FRI, "18:00")), Some(utc(MON, "09:00")));
        assert_eq!(s.next_open(Zone::UTC, utc(SAT, "12:34") + 567), Some(utc(MON, "09:00")));
    }

    #[test]
    fn next_open_is_now_when_open() {
        let s = schedule(&[(every_day(), "09:00", "18:00")]);
        let at = utc(MON, "10:00") + 123;
        assert_eq!(s.next_open(Zone::UTC, at), Some(at));
    }

    #[test]
    fn next_open_takes_the_earliest_of_several_windows() {
        let s = schedule(&[(&[Weekday::Tue], "09:00", "10:00"), (&[Weekday::Mon], "20:00", "21:00")]);
        assert_eq!(s.next_open(Zone::UTC, utc(MON, "12:00")), Some(utc(MON, "20:00")));
        assert_eq!(s.next_open(Zone::UTC, utc(MON, "21:00")), Some(utc("2026-01-06", "09:00")));
    }

    #[test]
    fn an_empty_schedule_is_always_open() {
        let s = Schedule::default();
        assert!(s.is_open(zone("Asia/Tokyo"), utc(SAT, "03:00")));
        assert_eq!(s.next_open(Zone::UTC, 42), Some(42));
    }

    #[test]
    fn a_window_without_days_never_opens() {
        let s = Schedule { windows: vec![Window { days: vec![], from: 540, to: 1080 }] };
        assert!(!s.is_open(Zone::UTC, utc(MON, "10:00")));
        assert_eq!(s.next_open(Zone::UTC, utc(MON, "10:00")), None);
    }

    #[test]
    fn tokyo_has_no_daylight_saving_so_a_window_keeps_its_utc_instant() {
        let tokyo = zone("Asia/Tokyo");
        let s = schedule(&[(every_day(), "09:00", "18:00")]);
        for day in ["2026-01-15", "2026-03-09", "2026-07-15", "2026-11-02"] {
            let previous = Day(Day::parse_iso(day).unwrap().0 - 1).iso();
            assert_eq!(s.next_open(tokyo, utc(&previous, "10:00")), Some(utc(&previous, "00:00") + DAY), "{day}");
            assert_eq!(tokyo.offset_minutes_at(utc(day, "00:00")), 540);
        }
    }

    #[test]
    fn new_york_opens_an_hour_earlier_in_utc_after_spring_forward() {
        // 2026-03-08 02:00 EST becomes 03:00 EDT (07:00Z).
        let ny = zone("America/New_York");
        let s = schedule(&[(every_day(), "09:00", "18:00")]);
        assert_eq!(s.next_open(ny, utc("2026-03-07", "12:00")), Some(utc("2026-03-07", "14:00")));
        assert_eq!(s.next_open(ny, utc("2026-03-08", "00:00")), Some(utc("2026-03-08", "13:00")));
        assert_eq!(s.next_open(ny, utc("2026-03-09", "00:00")), Some(utc("2026-03-09", "13:00")));
        assert!(s.is_open(ny, utc("2026-03-08", "22:00") - 1));
        assert!(!s.is_open(ny, utc("2026-03-08", "22:00")));
    }

    #[test]
    fn new_york_opens_an_hour_later_in_utc_after_fall_back() {
        // 2026-11-01 02:00 EDT becomes 01:00 EST (06:00Z).
        let ny = zone("America/New_York");
        let s = schedule(&[(every_day(), "09:00", "18:00")]);
        assert_eq!(s.next_open(ny, utc("2026-10-31", "12:00")), Some(utc("2026-10-31", "13:00")));
        assert_eq!(s.next_open(ny, utc("2026-11-01", "00:00")), Some(utc("2026-11-01", "14:00")));
        assert!(s.is_open(ny, utc("2026-11-01", "23:00") - 1));
        assert!(!s.is_open(ny, utc("2026-11-01", "23:00")));
    }

    #[test]
    fn berlin_moves_its_window_on_the_european_dates() {
        // 2026-03-29 01:00Z: 02:00 CET becomes 03:00 CEST; 2026-10-25 01:00Z: 03:00 CEST becomes 02:00 CET.
        let berlin = zone("Europe/Berlin");
        let s = schedule(&[(every_day(), "09:00", "18:00")]);
        assert_eq!(s.next_open(berlin, utc("2026-03-28", "00:00")), Some(utc("2026-03-28", "08:00")));
        assert_eq!(s.next_open(berlin, utc("2026-03-29", "00:00")), Some(utc("2026-03-29", "07:00")));
        assert_eq!(s.next_open(berlin, utc("2026-10-24", "00:00")), Some(utc("2026-10-24", "07:00")));
        assert_eq!(s.next_open(berlin, utc("2026-10-25", "00:00")), Some(utc("2026-10-25", "08:00")));
    }

    #[test]
    fn a_window_opening_inside_the_spring_forward_gap_opens_when_the_gap_ends() {
        let ny = zone("America/New_York");
        let s = schedule(&[(&[Weekday::Sun], "02:30", "04:00")]);
        // 03:00 EDT is 07:00Z.
        assert_eq!(s.next_open(ny, utc("2026-03-08", "00:00")), Some(utc("2026-03-08", "07:00")));
        assert!(!s.is_open(ny, utc("2026-03-08", "07:00") - 1));
        assert!(s.is_open(ny, utc("2026-03-08", "07:00")));
        assert!(!s.is_open(ny, utc("2026-03-08", "08:00")));
        let berlin = zone("Europe/Berlin");
        // 03:00 CEST is 01:00Z.
        assert_eq!(s.next_open(berlin, utc("2026-03-28", "00:00")), Some(utc("2026-03-29", "01:00")));
    }

    #[test]
    fn a_window_wholly_inside_the_gap_does_not_open_that_day() {
        let ny = zone("America/New_York");
        let s = schedule(&[(&[Weekday::Sun], "02:00", "02:45")]);
        // The next Sunday, 2026-03-15, 02:00 EDT is 06:00Z.
        assert_eq!(s.next_open(ny, utc("2026-03-08", "00:00")), Some(utc("2026-03-15", "06:00")));
        assert!(!s.is_open(ny, utc("2026-03-08", "07:00")));
    }

    #[test]
    fn a_window_on_a_fall_back_night_lasts_as_long_as_the_wall_clock_says() {
        let ny = zone("America/New_York");
        let s = schedule(&[(&[Weekday::Sun], "01:00", "03:00")]);
        // Opens at the first 01:00 (EDT, 05:00Z), closes at 03:00 EST (08:00Z): three hours.
        assert_eq!(s.next_open(ny, utc("2026-11-01", "00:00")), Some(utc("2026-11-01", "05:00")));
        assert!(s.is_open(ny, utc("2026-11-01", "06:30")));
        assert!(s.is_open(ny, utc("2026-11-01", "08:00") - 1));
        assert!(!s.is_open(ny, utc("2026-11-01", "08:00")));
    }

    #[test]
    fn an_ambiguous_opening_takes_the_earlier_instant() {
        let ny = zone("America/New_York");
        let s = schedule(&[(&[Weekday::Sun], "01:30", "05:00")]);
        // 01:30 EDT (05:30Z), not 01:30 EST (06:30Z).
        assert_eq!(s.next_open(ny, utc("2026-11-01", "04:00")), Some(utc("2026-11-01", "05:30")));
        // An ambiguous close also takes the earlier instant.
        let s = schedule(&[(&[Weekday::Sun], "00:00", "01:30")]);
        assert!(s.is_open(ny, utc("2026-11-01", "05:30") - 1));
        assert!(!s.is_open(ny, utc("2026-11-01", "05:30")));
        assert!(!s.is_open(ny, utc("2026-11-01", "06:15")));
    }

    #[test]
    fn offset_minutes_at_changes_on_the_transition_instant() {
        let ny = zone("America/New_York");
        assert_eq!(ny.offset_minutes_at(utc("2026-03-08", "07:00") - 1), -300);
        assert_eq!(ny.offset_minutes_at(utc("2026-03-08", "07:00")), -240);
        assert_eq!(ny.offset_minutes_at(utc("2026-11-01", "06:00") - 1), -240);
        assert_eq!(ny.offset_minutes_at(utc("2026-11-01", "06:00")), -300);
        let berlin = zone("Europe/Berlin");
        assert_eq!(berlin.offset_minutes_at(utc("2026-03-29", "01:00") - 1), 60);
        assert_eq!(berlin.offset_minutes_at(utc("2026-03-29", "01:00")), 120);
        assert_eq!(berlin.offset_minutes_at(utc("2026-10-25", "01:00") - 1), 120);
        assert_eq!(berlin.offset_minutes_at(utc("2026-10-25", "01:00")), 60);
        assert_eq!(zone("Asia/Kolkata").offset_minutes_at(utc("2026-06-01", "00:00")), 330);
        assert_eq!(Zone::UTC.offset_minutes_at(utc("2026-06-01", "00:00")), 0);
    }

    #[test]
    fn day_of_counts_days_on_the_local_wall_clock() {
        let tokyo = zone("Asia/Tokyo");
        assert_eq!(tokyo.day_of(utc("2026-11-23", "15:00") - 1).iso(), "2026-11-23");
        assert_eq!(tokyo.day_of(utc("2026-11-23", "15:00")).iso(), "2026-11-24");
        let ny = zone("America/New_York");
        // Midnight is 05:00Z in EST and 04:00Z in EDT.
        assert_eq!(ny.day_of(utc("2026-03-08", "05:00") - 1).iso(), "2026-03-07");
        assert_eq!(ny.day_of(utc("2026-03-08", "05:00")).iso(), "2026-03-08");
        assert_eq!(ny.day_of(utc("2026-03-09", "04:00") - 1).iso(), "2026-03-08");
        assert_eq!(ny.day_of(utc("2026-03-09", "04:00")).iso(), "2026-03-09");
        assert_eq!(ny.day_of(utc("2026-11-01", "06:30")).iso(), "2026-11-01");
        assert_eq!(ny.day_of(utc("2026-11-02", "05:00") - 1).iso(), "2026-11-01");
        assert_eq!(Zone::UTC.day_of(-1).iso(), "1969-12-31");
    }

    #[test]
    fn start_of_day_is_local_midnight() {
        let ny = zone("America/New_York");
        let day = |iso: &str| Day::parse_iso(iso).unwrap();
        assert_eq!(ny.start_of_day(day("2026-03-08")), utc("2026-03-08", "05:00"));
        assert_eq!(ny.start_of_day(day("2026-03-09")), utc("2026-03-09", "04:00"));
        assert_eq!(ny.start_of_day(day("2026-11-01")), utc("2026-11-01", "04:00"));
        assert_eq!(ny.start_of_day(day("2026-11-02")), utc("2026-11-02", "05:00"));
        assert_eq!(zone("Asia/Tokyo").start_of_day(day("2026-01-01")), utc("2025-12-31", "15:00"));
        assert_eq!(Zone::UTC.start_of_day(day("2026-01-01")), utc("2026-01-01", "00:00"));
    }

    #[test]
    fn start_of_day_skips_a_spring_forward_gap_at_midnight() {
        // Chile springs forward at midnight: 2026-09-06 00:00 -04 becomes 01:00 -03 (04:00Z).
        let santiago = zone("America/Santiago");
        let day = Day::parse_iso("2026-09-06").unwrap();
        assert_eq!(santiago.start_of_day(day), utc("2026-09-06", "04:00"));
        assert_eq!(santiago.day_of(utc("2026-09-06", "04:00")), day);
        assert_eq!(santiago.day_of(utc("2026-09-06", "04:00") - 1), Day(day.0 - 1));
    }

    #[test]
    fn window_docs_are_refused_with_the_field_that_is_wrong() {
        check_refused(
            r#"[{"days":["mon"],"from":"09:00","to":"18:00"},{"days":["tue"],"from":"9:00","to":"18:00"}]"#,
            "schedule.windows[1].from",
            "must be HH:MM from 00:00 to 23:59",
        );
        check_refused(
            r#"[{"days":["mon"],"from":"24:00","to":"02:00"}]"#,
            "schedule.windows[0].from",
            "must be HH:MM from 00:00 to 23:59",
        );
        check_refused(
            r#"[{"days":["mon"],"from":"09:00","to":"18:60"}]"#,
            "schedule.windows[0].to",
            "must be HH:MM from 00:00 to 24:00",
        );
        check_refused(
            r#"[{"days":["mon"],"from":"09:00","to":"24:01"}]"#,
            "schedule.windows[0].to",
            "must be HH:MM from 00:00 to 24:00",
        );
        check_refused(
            r#"[{"days":["mon"],"from":"+9:00","to":"18:00"}]"#,
            "schedule.windows[0].from",
            "must be HH:MM from 00:00 to 23:59",
        );
        check_refused(
            r#"[{"days":[],"from":"09:00","to":"18:00"}]"#,
            "schedule.windows[0].days",
            "must name at least one weekday",
        );
        check_refused(
            r#"[{"days":["mon","mon"],"from":"09:00","to":"18:00"}]"#,
            "schedule.windows[0].days",
            "must not name a weekday twice",
        );
        check_refused(
            r#"[{"days":["mon"],"from":"09:00","to":"09:00"}]"#,
            "schedule.windows[0].to",
            "a window must not be empty",
        );
        check_refused(
            r#"[{"days":["mon"],"from":"00:00","to":"24:00"},{"days":["sun"],"from":"00:00","to":"00:00"}]"#,
            "schedule.windows[1].to",
            "a window must not be empty",
        );
        let many = vec![r#"{"days":["mon"],"from":"09:00","to":"18:00"}"#; MAX_WINDOWS + 1].join(",");
        check_refused(&format!("[{many}]"), "schedule.windows", "must have at most 28 windows");
    }

    #[test]
    fn window_docs_take_lowercase_days_and_no_unknown_fields() {
        assert!(serde_json::from_str::<WindowDoc>(r#"{"days":["Mon"],"from":"09:00","to":"18:00"}"#).is_err());
        assert!(
            serde_json::from_str::<WindowDoc>(r#"{"days":["mon"],"from":"09:00","to":"18:00","tz":"UTC"}"#).is_err()
        );
        let doc: WindowDoc = serde_json::from_str(r#"{"days":["sat","sun"],"from":"22:00","to":"24:00"}"#).unwrap();
        let s = schedule_from_docs(std::slice::from_ref(&doc), "schedule.windows").unwrap();
        assert_eq!(s.windows, vec![Window { days: vec![Weekday::Sat, Weekday::Sun], from: 1320, to: 1440 }]);
        assert_eq!(schedule_to_docs(&s), vec![doc]);
        let many = vec![WindowDoc { days: vec![Weekday::Mon], from: "09:00".into(), to: "18:00".into() }; MAX_WINDOWS];
        assert!(schedule_from_docs(&many, "schedule.windows").is_ok());
    }

    #[test]
    fn a_fixed_offset_zone_keeps_its_offset_all_year() {
        let india_like = Zone::parse("UTC+05:30").unwrap();
        assert_eq!(india_like.name(), "UTC+05:30");
        assert_eq!(india_like.offset_minutes_at(utc("2026-03-08", "12:00")), 330);
        assert_eq!(india_like.day_of(utc("2026-11-29", "18:30")).iso(), "2026-11-30");
        assert_eq!(india_like.start_of_day(Day::parse_iso("2026-11-30").unwrap()), utc("2026-11-29", "18:30"));
        let nine = schedule(&[(every_day(), "09:00", "10:00")]);
        assert_eq!(nine.next_open(india_like, utc("2026-11-30", "00:00")), Some(utc("2026-11-30", "03:30")));
        assert_eq!(Zone::fixed(-210).name(), "UTC-03:30");
        assert_eq!(Zone::fixed(0), Zone::UTC);
        for bad in ["UTC+5:30", "UTC+05:60", "UTC+15:00", "UTC05:00", "GMT+05:30"] {
            assert!(Zone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_zone_travels_as_its_iana_name() {
        let tokyo = zone("Asia/Tokyo");
        assert_eq!(tokyo.name(), "Asia/Tokyo");
        assert_eq!(serde_json::to_string(&tokyo).unwrap(), r#""Asia/Tokyo""#);
        assert_eq!(serde_json::from_str::<Zone>(r#""America/New_York""#).unwrap(), zone("America/New_York"));
        assert_eq!(serde_json::from_str::<Zone>(r#""UTC""#).unwrap(), Zone::UTC);
        let error = serde_json::from_str::<Zone>(r#""Mars/Olympus""#).unwrap_err();
        assert!(error.to_string().contains("must be an IANA time zone name such as Asia/Tokyo"), "{error}");
    }

    #[test]
    fn an_unknown_zone_name_is_refused() {
        for name in ["", "Tokyo", "asia/tokyo", "+09:00", "Asia/Tokyo "] {
            assert_eq!(
                Zone::parse(name),
                Err("must be an IANA time zone name such as Asia/Tokyo, or UTC+05:30"),
                "{name:?}"
            );
        }
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        let s = schedule(&[(every_day(), "09:00", "18:00")]);
        for at in [i64::MIN, i64::MAX, -FAR, FAR] {
            let _ = s.is_open(zone("America/New_York"), at);
            let _ = s.next_open(zone("America/New_York"), at);
            let _ = zone("Europe/Berlin").start_of_day(Day(at / DAY));
        }
    }

    /// The slow, obviously right answer: the first minute boundary (or `at`) that is open.
    fn next_open_by_minutes(s: &Schedule, zone: Zone, at: Millis) -> Option<Millis> {
        if s.is_open(zone, at) {
            return Some(at);
        }
        let first = (at / MINUTE + 1) * MINUTE;
        (0..9 * 24 * 60).map(|i| first + i * MINUTE).find(|&t| s.is_open(zone, t))
    }

    fn any_window() -> impl Strategy<Value = Window> {
        (proptest::sample::subsequence(every_day().to_vec(), 1..=7), 0u16..1440, 1u16..=1440)
            .prop_filter("not empty", |(_, from, to)| from % 1440 != to % 1440)
            .prop_map(|(days, from, to)| Window { days, from, to })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn next_open_agrees_with_stepping_minute_by_minute(
            windows in proptest::collection::vec(any_window(), 1..3),
            name in proptest::sample::select(vec!["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe"]),
            // Within days of one of 2026's transitions in these zones.
            transition in proptest::sample::select(vec![
                utc("2026-03-08", "07:00"), utc("2026-11-01", "06:00"), // New York
                utc("2026-03-29", "01:00"), utc("2026-10-25", "01:00"), // Berlin
                utc("2026-04-05", "03:00"), utc("2026-09-06", "04:00"), // Santiago
                utc("2026-04-04", "15:00"), utc("2026-10-03", "15:30"), // Lord Howe (half an hour)
            ]),
            offset in -5 * DAY..2 * DAY,
        ) {
            let at = transition + offset;
            let s = Schedule { windows };
            let zone = zone(name);
            let fast = s.next_open(zone, at);
            prop_assert_eq!(fast, next_open_by_minutes(&s, zone, at));
        }
    }
}
