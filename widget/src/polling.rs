//! When the widget asks the edge for messages delivered while the page is open
//! (`POST /v1/messages`): every 10 seconds while the page is visible and the visitor is
//! online, that is, the widget sent something for them (boot, a page view, a tracked
//! event, `showCampaign`) or they used a message within the last 5 minutes. Hidden or
//! idle, it stops; the next activity, or the page becoming visible again, resumes it.
//!
//! Invariants: at most one timer is armed and one request is in flight; two requests
//! start at least 10 seconds apart; boot answers messages too, so it counts as the first.

use kizuna_shared::time::Millis;

/// How often an online visitor's page asks for messages.
pub const EVERY: Millis = 10_000;
/// How long after the last activity a visitor counts as online.
pub const ONLINE_FOR: Millis = 5 * 60_000;

/// What the shell does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Arm a timer for this many milliseconds, then call [`Polling::fired`].
    Wait(u32),
    /// Post `/v1/messages` now, then call [`Polling::answered`].
    Ask,
}

#[derive(Debug)]
pub struct Polling {
    last_activity: Option<Millis>,
    last_ask: Millis,
    hidden: bool,
    armed: bool,
    asking: bool,
}

impl Polling {
    /// A page that started (and booted, which asks for waiting messages) at `now`.
    pub fn new(now: Millis, visible: bool) -> Polling {
        Polling { last_activity: None, last_ask: now, hidden: !visible, armed: false, asking: false }
    }

    /// The widget sent something for the visitor, or they used a message.
    pub fn active(&mut self, now: Millis) -> Option<Next> {
        self.last_activity = Some(now);
        self.next(now)
    }

    /// The page was shown or hidden. Coming back to the page counts as activity.
    pub fn visibility(&mut self, visible: bool, now: Millis) -> Option<Next> {
        self.hidden = !visible;
        if visible { self.active(now) } else { None }
    }

    /// The armed timer went off.
    pub fn fired(&mut self, now: Millis) -> Option<Next> {
        self.armed = false;
        self.next(now)
    }

    /// The request finished (answered or failed: the next one retries).
    pub fn answered(&mut self, now: Millis) -> Option<Next> {
        self.asking = false;
        self.next(now)
    }

    fn next(&mut self, now: Millis) -> Option<Next> {
        let online = self.last_activity.is_some_and(|at| now - at <= ONLINE_FOR);
        if self.armed || self.asking || self.hidden || !online {
            return None;
        }
        let wait = self.last_ask + EVERY - now;
        if wait > 0 {
            self.armed = true;
            Some(Next::Wait(u32::try_from(wait).unwrap_or(u32::MAX)))
        } else {
            self.asking = true;
            self.last_ask = now;
            Some(Next::Ask)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Millis = 1_000;
    const MINUTE: Millis = 60 * SECOND;

    /// A visible page that booted at 0 and sent its page view at once.
    fn online_page() -> Polling {
        let mut p = Polling::new(0, true);
        assert_eq!(p.active(0), Some(Next::Wait(10_000)));
        p
    }

    /// Lets the armed timer go off at `now`; when that asks, the edge answers at once.
    #[track_caller]
    fn fire(p: &mut Polling, now: Millis) -> Option<Next> {
        match p.fired(now) {
            Some(Next::Ask) => p.answered(now),
            other => other,
        }
    }

    #[test]
    fn boot_is_the_first_ask_so_the_first_poll_comes_ten_seconds_later() {
        let mut p = Polling::new(5 * SECOND, true);
        assert_eq!(p.active(5 * SECOND + 200), Some(Next::Wait(9_800)));
    }

    #[test]
    fn an_online_visitor_is_asked_for_every_ten_seconds() {
        let mut p = online_page();
        assert_eq!(p.fired(10 * SECOND), Some(Next::Ask));
        assert_eq!(p.answered(10 * SECOND + 300), Some(Next::Wait(9_700)), "counted from the start of the ask");
        assert_eq!(p.fired(20 * SECOND), Some(Next::Ask));
    }

    #[test]
    fn polling_stops_five_minutes_after_the_last_activity() {
        let mut p = online_page();
        let mut now = 10 * SECOND;
        while let Some(Next::Wait(ms)) = fire(&mut p, now) {
            now += Millis::from(ms);
        }
        assert_eq!(now, 5 * MINUTE + 10 * SECOND, "the last ask was at 5:00, still online");
        assert_eq!(p.fired(6 * MINUTE), None, "no timer is armed any more");
    }

    #[test]
    fn activity_after_idling_resumes_polling_with_an_ask_at_once() {
        let mut p = online_page();
        assert_eq!(p.fired(6 * MINUTE), None);
        assert_eq!(p.active(7 * MINUTE), Some(Next::Ask), "messages may have arrived while idle");
        assert_eq!(p.answered(7 * MINUTE), Some(Next::Wait(10_000)));
    }

    #[test]
    fn activity_keeps_a_visitor_online() {
        let mut p = online_page();
        assert_eq!(p.fired(10 * SECOND), Some(Next::Ask));
        assert_eq!(p.active(4 * MINUTE), None, "the request in flight re-arms when answered");
        assert_eq!(p.answered(4 * MINUTE), Some(Next::Ask), "the last ask is minutes old");
        assert_eq!(p.answered(8 * MINUTE + 59 * SECOND), Some(Next::Ask), "4:59 after the activity");
        assert_eq!(p.answered(9 * MINUTE + SECOND), None, "5:01 after it: idle");
    }

    #[test]
    fn a_hidden_page_does_not_ask() {
        let mut p = online_page();
        assert_eq!(p.visibility(false, 3 * SECOND), None);
        assert_eq!(p.fired(10 * SECOND), None, "the timer armed before hiding ends the polling");
        assert_eq!(p.active(20 * SECOND), None, "activity in a hidden page does not resume it");
    }

    #[test]
    fn a_page_opened_in_the_background_asks_once_it_is_shown() {
        let mut p = Polling::new(0, false);
        assert_eq!(p.active(0), None);
        assert_eq!(p.visibility(true, 2 * MINUTE), Some(Next::Ask));
    }

    #[test]
    fn coming_back_to_the_page_asks_at_once_unless_an_ask_is_less_than_ten_seconds_old() {
        let mut p = online_page();
        assert_eq!(p.fired(10 * SECOND), Some(Next::Ask));
        assert_eq!(p.visibility(false, 11 * SECOND), None);
        assert_eq!(p.answered(12 * SECOND), None, "hidden: nothing is armed");
        assert_eq!(p.visibility(true, 15 * SECOND), Some(Next::Wait(5_000)), "the last ask is 5 seconds old");
        assert_eq!(p.visibility(false, 16 * SECOND), None);
        assert_eq!(p.fired(20 * SECOND), None, "hidden: the timer ends the polling");
        assert_eq!(p.visibility(true, 10 * MINUTE), Some(Next::Ask), "coming back counts as activity");
    }

    #[test]
    fn at_most_one_timer_is_armed_and_one_request_in_flight() {
        let mut p = online_page();
        assert_eq!(p.active(SECOND), None, "a timer is already armed");
        assert_eq!(p.visibility(true, 2 * SECOND), None);
        assert_eq!(p.fired(10 * SECOND), Some(Next::Ask));
        assert_eq!(p.active(15 * SECOND), None, "a request is in flight");
        assert_eq!(p.fired(25 * SECOND), None, "a stray timer does not start a second request");
        assert_eq!(p.answered(40 * SECOND), Some(Next::Ask), "a slow answer: the next ask is due");
    }

    #[test]
    fn a_timer_that_goes_off_early_is_armed_again_for_the_rest() {
        let mut p = online_page();
        assert_eq!(p.fired(9_999), Some(Next::Wait(1)));
        assert_eq!(p.fired(10_000), Some(Next::Ask));
    }
}
