//! Time as numbers: milliseconds since the Unix epoch and civil days in a channel's
//! fixed UTC offset. The shell reads the clock once and passes `now` down.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// A calendar day, counted in days since 1970-01-01 (day 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The civil day that `at` falls on for a clock `offset_minutes` east of UTC.
    pub fn of(at: Millis, offset_minutes: i32) -> Day {
        let local = at + i64::from(offset_minutes) * MINUTE;
        Day(local.div_euclid(DAY))
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (y, m, d) = civil_from_days(self.0);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// Parses `YYYY-MM-DD` (years 1000-9999), checking that the day exists.
    pub fn parse_iso(text: &str) -> Option<Day> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(range)?;
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if y < 1000 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Day(days_from_civil(y, m, d)))
    }

    /// `YYYY-MM`, the month the day is in.
    pub fn month(self) -> String {
        let mut iso = self.iso();
        iso.truncate(7);
        iso
    }

    /// The first day of a `YYYY-MM` month.
    pub fn parse_month(text: &str) -> Option<Day> {
        if text.len() != 7 {
            return None;
        }
        Day::parse_iso(&format!("{text}-01"))
    }

    pub fn next(self) -> Day {
        Day(self.0 + 1)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_day_zero() {
        assert_eq!(Day::of(0, 0).iso(), "1970-01-01");
    }

    #[test]
    fn a_day_is_counted_in_the_channels_offset() {
        // 2026-11-23T20:00:00Z is already the 24th in Tokyo (+09:00).
        let at = Day::parse_iso("2026-11-23").unwrap().0 * DAY + 20 * HOUR;
        assert_eq!(Day::of(at, 0).iso(), "2026-11-23");
        assert_eq!(Day::of(at, 540).iso(), "2026-11-24");
        assert_eq!(Day::of(at - 21 * HOUR, -300).iso(), "2026-11-22");
    }

    #[test]
    fn iso_days_round_trip_across_leap_years() {
        for text in ["2000-02-29", "2024-02-29", "2026-12-31", "1999-01-01", "2100-03-01"] {
            assert_eq!(Day::parse_iso(text).map(Day::iso).as_deref(), Some(text));
        }
    }

    #[test]
    fn months_are_named_and_parsed() {
        assert_eq!(Day::parse_iso("2026-11-30").unwrap().month(), "2026-11");
        assert_eq!(Day::parse_month("2026-02").map(Day::iso).as_deref(), Some("2026-02-01"));
        for bad in ["2026-13", "2026-1", "26-11", "2026-11-01"] {
            assert_eq!(Day::parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in ["2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20261101", "2026-11-3x"] {
            assert_eq!(Day::parse_iso(text), None, "{text}");
        }
    }
}
