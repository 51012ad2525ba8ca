//! Daily statistics of a campaign: one row per day in the channel's time zone, the
//! totals of a period, the customers reached, and the rate of each step of the funnel.
//!
//! `sent` counts deliveries (a customer reached twice counts two); customers reached
//! count each customer once per day, and once for the period, by the time their
//! deliveries were sent (`counting`), so they are counted from the deliveries over the
//! spans of [`day_spans`], not added up from the days.

use crate::channel::Channel;
use crate::counting::Counts;
use crate::time::{Day, Millis};

/// At most this many days in one statistics answer.
pub const MAX_DAYS: i64 = 400;

/// The default period: the last 30 days, today included.
pub const DEFAULT_DAYS: i64 = 30;

/// Every day from `from` to `to` (inclusive) with its counts; days without a row are zero.
pub fn series(rows: &[(Day, Counts)], from: Day, to: Day) -> Vec<(Day, Counts)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let mut counts = Counts::default();
        for (_, row) in rows.iter().filter(|(d, _)| *d == day) {
            counts.add(*row);
        }
        out.push((day, counts));
        day = day.next();
    }
    out
}

/// Each day from `from` to `to` (inclusive) with the instants it starts and ends at
/// (`[start, end)`) in the channel's time zone: 23 or 25 hours on a daylight-saving change.
pub fn day_spans(channel: &Channel, from: Day, to: Day) -> Vec<(Day, Millis, Millis)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        out.push((day, channel.start_of_day(day), channel.start_of_day(day.next())));
        day = day.next();
    }
    out
}

pub fn totals(days: &[(Day, Counts)]) -> Counts {
    let mut total = Counts::default();
    for (_, counts) in days {
        total.add(*counts);
    }
    total
}

/// The rate of each step: viewed of sent, clicked of viewed, goal of viewed (a goal
/// counts only after a view). `None` where the step before is zero.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rates {
    pub view_rate: Option<f64>,
    pub click_rate: Option<f64>,
    pub goal_rate: Option<f64>,
}

pub fn rates(total: Counts) -> Rates {
    let ratio = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    Rates {
        view_rate: ratio(total.view, total.sent),
        click_rate: ratio(total.click, total.view),
        goal_rate: ratio(total.goal, total.view),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse_iso(text).unwrap()
    }

    #[test]
    fn a_period_lists_every_day_with_zeros_where_nothing_happened() {
        let rows = [(day("2026-11-02"), Counts { sent: 3, view: 2, click: 1, goal: 0 })];
        let out = series(&rows, day("2026-11-01"), day("2026-11-03"));
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].1, Counts::default());
        assert_eq!(out[1].1.sent, 3);
        assert_eq!(totals(&out), rows[0].1);
    }

    #[test]
    fn rows_outside_the_period_are_left_out() {
        let rows = [(day("2026-10-31"), Counts::SENT), (day("2026-11-04"), Counts::SENT)];
        let out = series(&rows, day("2026-11-01"), day("2026-11-03"));
        assert!(totals(&out).is_zero());
    }

    #[test]
    fn customers_reached_are_counted_over_the_channel_s_days_end_to_end() {
        let channel = Channel {
            id: crate::ids::ChannelId::parse("shop").unwrap(),
            name: "Shop".into(),
            zone: crate::schedule::Zone::parse("America/New_York").unwrap(),
            identity: None,
            fields: Vec::new(),
            business_hours: Default::default(),
            cap: Default::default(),
        };
        // 2026-11-01 is the day New York leaves daylight saving: 25 hours.
        let spans = day_spans(&channel, day("2026-10-31"), day("2026-11-02"));
        let hours: Vec<i64> = spans.iter().map(|(_, start, end)| (end - start) / crate::time::HOUR).collect();
        assert_eq!(hours, [24, 25, 24]);
        assert!(spans.windows(2).all(|w| w[0].2 == w[1].1), "each day starts where the one before ends");
        assert_eq!(channel.day_of(spans[1].1), day("2026-11-01"));
    }

    #[test]
    fn rates_divide_each_step_by_the_one_before() {
        let r = rates(Counts { sent: 4, view: 2, click: 1, goal: 1 });
        assert_eq!((r.view_rate, r.click_rate, r.goal_rate), (Some(0.5), Some(0.5), Some(0.5)));
        assert_eq!(rates(Counts::default()).view_rate, None);
    }
}
