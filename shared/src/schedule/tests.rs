//! Zones, windows and the next opening, one test per rule.

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
    let s = schedule(&[(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri], "09:00", "18:00")]);
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
    assert!(serde_json::from_str::<WindowDoc>(r#"{"days":["mon"],"from":"09:00","to":"18:00","tz":"UTC"}"#).is_err());
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
