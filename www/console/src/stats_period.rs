//! The period a campaign's statistics screen asks for, and what it draws from the answer:
//! the presets (last 7, 30, 90 days, this month, last month) counted back from the
//! channel's today, a custom range checked as the API would, the steps' rates and the
//! funnel's bar lengths. Pure: the day the API calls today is a parameter.
//!
//! Invariant: a period this module answers is one the API accepts (`from <= to`, at most
//! [`MAX_DAYS`] days), so a preset never ends in a refusal.

use crate::i18n::Key;
use crate::problem::Problem;
use kizuna_shared::counting::Counts;
use kizuna_shared::stats::{DEFAULT_DAYS, MAX_DAYS};
use kizuna_shared::time::Day;

/// The periods a marketer picks with one click, and their own range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Last7,
    Last30,
    Last90,
    ThisMonth,
    LastMonth,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 6] =
        [Preset::Last7, Preset::Last30, Preset::Last90, Preset::ThisMonth, Preset::LastMonth, Preset::Custom];

    /// The screen opens on the last 30 days, as the API's own default.
    pub const DEFAULT: Preset = Preset::Last30;

    pub fn label(self) -> Key {
        match self {
            Preset::Last7 => Key::StatsLast7,
            Preset::Last30 => Key::StatsLast30,
            Preset::Last90 => Key::StatsLast90,
            Preset::ThisMonth => Key::StatsThisMonth,
            Preset::LastMonth => Key::StatsLastMonth,
            Preset::Custom => Key::StatsCustom,
        }
    }

    /// The days the preset covers when the channel's today is `today`, both included;
    /// `None` for the custom range, which the marketer types.
    pub fn period(self, today: Day) -> Option<(Day, Day)> {
        let back = |days: i64| Some((Day(today.0 - (days - 1)), today));
        match self {
            Preset::Last7 => back(7),
            Preset::Last30 => back(DEFAULT_DAYS),
            Preset::Last90 => back(90),
            Preset::ThisMonth => Some((first_of_month(today), today)),
            Preset::LastMonth => {
                let last = Day(first_of_month(today).0 - 1);
                Some((first_of_month(last), last))
            }
            Preset::Custom => None,
        }
    }
}

fn first_of_month(day: Day) -> Day {
    Day::parse_month(&day.month()).unwrap_or(day)
}

/// A custom range as typed into the two date inputs (`YYYY-MM-DD`, what
/// `<input type="date">` holds), or the problems the API would answer, naming the same
/// fields (`from`, `to`).
pub fn custom_period(from: &str, to: &str) -> Result<(Day, Day), Vec<Problem>> {
    let from_day = Day::parse_iso(from.trim());
    let to_day = Day::parse_iso(to.trim());
    let mut problems = Vec::new();
    if from_day.is_none() {
        problems.push(Problem::at("from", Key::StatsDateInvalid));
    }
    if to_day.is_none() {
        problems.push(Problem::at("to", Key::StatsDateInvalid));
    }
    let (Some(from_day), Some(to_day)) = (from_day, to_day) else { return Err(problems) };
    if from_day > to_day {
        return Err(vec![Problem::at("from", Key::StatsFromAfterTo)]);
    }
    if to_day.0 - from_day.0 + 1 > MAX_DAYS {
        return Err(vec![Problem::at("from", Key::StatsRangeTooLong)]);
    }
    Ok((from_day, to_day))
}

/// Reads one step's number from a day's or a period's counts.
pub type Counter = fn(&Counts) -> u64;

/// The four steps in their order, each with its counter.
pub const STEPS: [(Key, Counter); 4] = [
    (Key::StatsSent, |c| c.sent),
    (Key::StatsView, |c| c.view),
    (Key::StatsClick, |c| c.click),
    (Key::StatsGoal, |c| c.goal),
];

/// One bar of the funnel: its step's count, its share of `sent` (what the bar's length
/// shows, in per mille so the view can size it without floats) and the rate from the
/// step before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunnelStep {
    pub label: Key,
    pub count: u64,
    /// 0 to 1000: the bar's length as a share of the longest (sent, unless views
    /// outnumber sends, as a view of a message sent before the period does).
    pub length_per_mille: u32,
}

pub fn funnel(totals: &Counts) -> Vec<FunnelStep> {
    let longest = STEPS.iter().map(|(_, count)| count(totals)).max().unwrap_or(0);
    STEPS
        .iter()
        .map(|(label, count)| {
            let count = count(totals);
            let length_per_mille = (count * 1000).checked_div(longest).map_or(0, |n| n as u32);
            FunnelStep { label: *label, count, length_per_mille }
        })
        .collect()
}

/// A rate as a percentage with one decimal (`42.9%`), or `–` where the step before had
/// nothing (the API answers `null` then).
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(rate) if rate.is_finite() => format!("{:.1}%", rate * 100.0),
        _ => "–".to_owned(),
    }
}

/// Seconds since the epoch at the start of `day` in UTC: where the chart puts the day on
/// its time axis (it labels the axis in UTC, so the channel's own calendar day shows).
pub fn chart_seconds(day: Day) -> i64 {
    day.0 * 86_400
}

/// The day the arrow keys move to from `at` in a period of `len` days.
pub fn step_day(at: Option<usize>, len: usize, key: &str) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    Some(match (key, at) {
        ("Home", _) => 0,
        ("End", _) => last,
        ("ArrowLeft" | "ArrowDown", Some(i)) => i.saturating_sub(1),
        ("ArrowRight" | "ArrowUp", Some(i)) => (i + 1).min(last),
        ("ArrowLeft" | "ArrowDown" | "ArrowRight" | "ArrowUp", None) => last,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse_iso(text).unwrap()
    }

    #[track_caller]
    fn check(preset: Preset, today: &str, from: &str, to: &str) {
        assert_eq!(preset.period(day(today)), Some((day(from), day(to))), "{preset:?} on {today}");
    }

    #[test]
    fn the_last_n_days_end_today_and_count_today() {
        check(Preset::Last7, "2026-12-02", "2026-11-26", "2026-12-02");
        check(Preset::Last30, "2026-12-02", "2026-11-03", "2026-12-02");
        check(Preset::Last90, "2026-12-02", "2026-09-04", "2026-12-02");
    }

    #[test]
    fn this_month_runs_from_its_first_day_to_today() {
        check(Preset::ThisMonth, "2026-12-02", "2026-12-01", "2026-12-02");
        check(Preset::ThisMonth, "2026-12-01", "2026-12-01", "2026-12-01");
    }

    #[test]
    fn last_month_is_the_whole_calendar_month_before_across_a_year_and_a_leap_day() {
        check(Preset::LastMonth, "2026-12-02", "2026-11-01", "2026-11-30");
        check(Preset::LastMonth, "2027-01-15", "2026-12-01", "2026-12-31");
        check(Preset::LastMonth, "2028-03-31", "2028-02-01", "2028-02-29");
    }

    #[test]
    fn the_custom_range_is_typed_not_preset() {
        assert_eq!(Preset::Custom.period(day("2026-12-02")), None);
    }

    #[test]
    fn every_preset_is_a_period_the_api_accepts() {
        for preset in Preset::ALL {
            if let Some((from, to)) = preset.period(day("2026-03-31")) {
                assert!(from <= to && to.0 - from.0 < MAX_DAYS, "{preset:?}");
            }
        }
    }

    #[test]
    fn a_custom_range_names_the_field_the_api_would() {
        assert_eq!(custom_period("2026-11-01", " 2026-11-30 "), Ok((day("2026-11-01"), day("2026-11-30"))));
        assert_eq!(custom_period("2026-11-01", "2026-11-01"), Ok((day("2026-11-01"), day("2026-11-01"))));
        let fields = |from: &str, to: &str| {
            custom_period(from, to).unwrap_err().into_iter().map(|p| (p.field.unwrap(), p.key)).collect::<Vec<_>>()
        };
        assert_eq!(fields("", "2026-11-30"), [("from".to_owned(), Key::StatsDateInvalid)]);
        assert_eq!(
            fields("2026-02-30", "later"),
            [("from".to_owned(), Key::StatsDateInvalid), ("to".to_owned(), Key::StatsDateInvalid)]
        );
        assert_eq!(fields("2026-12-01", "2026-11-30"), [("from".to_owned(), Key::StatsFromAfterTo)]);
        assert_eq!(fields("2025-01-01", "2026-11-30"), [("from".to_owned(), Key::StatsRangeTooLong)]);
    }

    #[test]
    fn the_funnel_measures_each_step_against_the_longest() {
        let steps = funnel(&Counts { sent: 8, view: 4, click: 2, goal: 1 });
        let lengths: Vec<_> = steps.iter().map(|s| (s.label, s.count, s.length_per_mille)).collect();
        assert_eq!(
            lengths,
            [(Key::StatsSent, 8, 1000), (Key::StatsView, 4, 500), (Key::StatsClick, 2, 250), (Key::StatsGoal, 1, 125)]
        );
        assert_eq!(funnel(&Counts { sent: 1, view: 2, click: 0, goal: 0 })[0].length_per_mille, 500);
        assert!(funnel(&Counts::default()).iter().all(|s| s.length_per_mille == 0));
    }

    #[test]
    fn a_rate_reads_as_a_percentage_or_a_dash_without_a_step_before() {
        assert_eq!(percent(Some(3.0 / 7.0)), "42.9%");
        assert_eq!(percent(Some(1.0)), "100.0%");
        assert_eq!(percent(None), "–");
    }

    #[test]
    fn a_day_sits_on_the_chart_at_its_utc_midnight() {
        assert_eq!(chart_seconds(day("1970-01-02")), 86_400);
    }

    #[test]
    fn arrow_keys_walk_the_days_and_stop_at_either_end() {
        assert_eq!(step_day(Some(3), 7, "ArrowRight"), Some(4));
        assert_eq!(step_day(Some(6), 7, "ArrowRight"), Some(6));
        assert_eq!(step_day(Some(0), 7, "ArrowLeft"), Some(0));
        assert_eq!(step_day(None, 7, "ArrowLeft"), Some(6), "the first arrow starts at today");
        assert_eq!((step_day(Some(3), 7, "Home"), step_day(Some(3), 7, "End")), (Some(0), Some(6)));
        assert_eq!(step_day(Some(3), 7, "a"), None);
        assert_eq!(step_day(None, 0, "ArrowRight"), None);
    }
}
