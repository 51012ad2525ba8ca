use super::*;
use crate::schedule::{WindowDoc, schedule_from_docs, schedule_to_docs};

fn schedule(windows: &[(&[Weekday], &str, &str)]) -> Schedule {
    let docs: Vec<WindowDoc> = windows
        .iter()
        .map(|(days, from, to)| WindowDoc { days: days.to_vec(), from: (*from).into(), to: (*to).into() })
        .collect();
    schedule_from_docs(&docs, "schedule.windows").unwrap()
}

fn docs(schedule: &Schedule) -> Vec<(Vec<Weekday>, String, String)> {
    schedule_to_docs(schedule).into_iter().map(|w| (w.days, w.from, w.to)).collect()
}

use Weekday::*;

#[test]
fn the_grid_counts_the_minutes_of_each_hour_a_window_covers() {
    let week = Week::of(&schedule(&[(&[Mon, Tue], "09:30", "18:00")]));
    assert_eq!(week.covered(0, 9 * 60, 10 * 60), 30, "half of Monday's 9 o'clock");
    assert_eq!(week.covered(1, 17 * 60, 18 * 60), 60);
    assert_eq!(week.covered(1, 18 * 60, 19 * 60), 0);
    assert_eq!(week.covered(2, 10 * 60, 11 * 60), 0, "not on Wednesday");
}

#[test]
fn a_window_crossing_midnight_covers_the_next_morning_and_sunday_night_reaches_monday() {
    let week = Week::of(&schedule(&[(&[Fri, Sun], "22:00", "02:00")]));
    assert_eq!(week.covered(4, 23 * 60, 24 * 60), 60);
    assert_eq!(week.covered(5, 60, 120), 60, "Saturday 01:00");
    assert_eq!(week.covered(4, 60, 120), 0, "not Friday morning");
    assert_eq!(week.covered(0, 0, 120), 120, "Sunday's night ends on Monday");
    assert_eq!(
        docs(&week.schedule()),
        [(vec![Mon, Sat], "00:00".into(), "02:00".into()), (vec![Fri, Sun], "22:00".into(), "24:00".into())],
        "the same minutes, one window per day's run"
    );
}

#[test]
fn days_with_the_same_hours_share_one_window_and_minutes_survive_a_round_trip() {
    let original = schedule(&[(&[Mon, Tue, Wed], "09:30", "12:00"), (&[Mon], "13:00", "17:45")]);
    let week = Week::of(&original);
    assert_eq!(Week::of(&week.schedule()), week);
    assert_eq!(
        docs(&week.schedule()),
        [(vec![Mon, Tue, Wed], "09:30".into(), "12:00".into()), (vec![Mon], "13:00".into(), "17:45".into())]
    );
}

#[test]
fn an_hour_added_or_removed_on_the_grid_joins_or_splits_windows() {
    let mut week = Week::of(&schedule(&[(&[Mon], "09:00", "12:00")]));
    week.set(0, 12 * 60, 13 * 60, true);
    assert_eq!(docs(&week.schedule()), [(vec![Mon], "09:00".into(), "13:00".into())]);
    week.set(0, 10 * 60, 11 * 60, false);
    assert_eq!(
        docs(&week.schedule()),
        [(vec![Mon], "09:00".into(), "10:00".into()), (vec![Mon], "11:00".into(), "13:00".into())]
    );
    let mut empty = Week::of(&Schedule::default());
    assert!(empty.schedule().windows.is_empty());
    empty.set(6, 23 * 60, 24 * 60, true);
    assert_eq!(docs(&empty.schedule()), [(vec![Sun], "23:00".into(), "24:00".into())]);
}
