//! The week as a grid of minutes: which minutes of each weekday a schedule's windows
//! cover, and the windows that cover exactly a given set of them. The console's weekly
//! grid draws the first and turns a click on an hour into the second.
//!
//! Invariant: `Week::of(s).schedule()` covers exactly the minutes `s` covers (a window
//! crossing midnight comes back as two, one on each day); windows with the same hours on
//! several days come back as one window naming those days.

use super::{MINUTES_PER_DAY, Schedule, Weekday, Window};

/// The weekdays in the grid's order, Monday first.
pub const WEEK: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

const DAY_MINUTES: usize = MINUTES_PER_DAY as usize;

/// Every minute of the week, Monday 00:00 first: covered or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week(Vec<bool>);

fn index(day: Weekday) -> usize {
    WEEK.iter().position(|d| *d == day).unwrap_or(0)
}

impl Week {
    /// The minutes `schedule` covers. An empty schedule (always open) covers none here:
    /// the grid shows the windows there are.
    pub fn of(schedule: &Schedule) -> Week {
        let mut week = Week(vec![false; 7 * DAY_MINUTES]);
        for window in &schedule.windows {
            for &day in &window.days {
                let day = index(day);
                if window.from < window.to {
                    week.set(day, window.from, window.to, true);
                } else {
                    week.set(day, window.from, MINUTES_PER_DAY, true);
                    week.set((day + 1) % 7, 0, window.to, true);
                }
            }
        }
        week
    }

    /// Marks the minutes `[from, to)` of weekday `day` (0: Monday) covered or not.
    pub fn set(&mut self, day: usize, from: u16, to: u16, on: bool) {
        let start = day % 7 * DAY_MINUTES;
        let (from, to) = (usize::from(from.min(MINUTES_PER_DAY)), usize::from(to.min(MINUTES_PER_DAY)));
        for minute in &mut self.0[start + from..start + to.max(from)] {
            *minute = on;
        }
    }

    /// How many of the minutes `[from, to)` of weekday `day` are covered.
    pub fn covered(&self, day: usize, from: u16, to: u16) -> usize {
        let start = day % 7 * DAY_MINUTES;
        let (from, to) = (usize::from(from.min(MINUTES_PER_DAY)), usize::from(to.min(MINUTES_PER_DAY)));
        self.0[start + from..start + to.max(from)].iter().filter(|m| **m).count()
    }

    /// The windows covering exactly these minutes: one per run of covered minutes in a
    /// day, the days with the same run sharing one window, in the order of their hours.
    pub fn schedule(&self) -> Schedule {
        let mut windows: Vec<Window> = Vec::new();
        for (day, minutes) in self.0.chunks(DAY_MINUTES).enumerate() {
            let mut minute = 0;
            while minute < DAY_MINUTES {
                if !minutes[minute] {
                    minute += 1;
                    continue;
                }
                let from = minute;
                while minute < DAY_MINUTES && minutes[minute] {
                    minute += 1;
                }
                let (from, to) = (from as u16, minute as u16);
                match windows.iter_mut().find(|w| w.from == from && w.to == to) {
                    Some(window) => window.days.push(WEEK[day]),
                    None => windows.push(Window { days: vec![WEEK[day]], from, to }),
                }
            }
        }
        windows.sort_by_key(|w| (w.from, w.to));
        Schedule { windows }
    }
}

#[cfg(test)]
mod tests;
