//! What a view, a click or a goal does to a delivery, and what it adds to the day's
//! statistics (seed 000).
//!
//! Invariants: each step is counted at most once per delivery; a view counts only
//! within 7 days of delivery; a click implies a view under the same window; a goal
//! counts only after a view, within 7 days of delivery and within 7 days of that view.

use crate::campaign::{Campaign, Display, Goal};
use crate::ids::{CampaignId, DeliveryId, EventId, VisitorId};
use crate::time::{DAY, Millis};

/// How long after delivery (and, for goals, after the view) actions still count.
pub const WINDOW: Millis = 7 * DAY;

/// One message delivered to one visitor, and what came of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub campaign_id: CampaignId,
    pub visitor_id: VisitorId,
    pub display: Display,
    pub sent_at: Millis,
    pub view_at: Option<Millis>,
    pub click_at: Option<Millis>,
    pub goal_at: Option<Millis>,
}

impl Delivery {
    pub fn new(visitor: &VisitorId, campaign: &Campaign, event: &EventId, now: Millis) -> Delivery {
        Delivery {
            id: DeliveryId::derive(visitor, &campaign.id, event),
            campaign_id: campaign.id.clone(),
            visitor_id: visitor.clone(),
            display: campaign.message.display,
            sent_at: now,
            view_at: None,
            click_at: None,
            goal_at: None,
        }
    }
}

/// Something the visitor did with a delivered message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    Click,
    /// The campaign's goal event happened.
    Goal,
}

/// How much each counter grows; added to the statistics of the day it happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub sent: u64,
    pub view: u64,
    pub click: u64,
    pub goal: u64,
}

impl Counts {
    pub const SENT: Counts = Counts { sent: 1, view: 0, click: 0, goal: 0 };

    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }

    pub fn add(&mut self, other: Counts) {
        self.sent += other.sent;
        self.view += other.view;
        self.click += other.click;
        self.goal += other.goal;
    }
}

/// A view counts within 7 days of delivery.
pub fn view_counts(sent_at: Millis, at: Millis) -> bool {
    at >= sent_at && at - sent_at <= WINDOW
}

/// A goal counts after a view, within 7 days of delivery and of that view.
pub fn goal_counts(sent_at: Millis, view_at: Option<Millis>, at: Millis) -> bool {
    view_at.is_some_and(|viewed| at >= viewed && at - viewed <= WINDOW) && view_counts(sent_at, at)
}

/// Applies `action` at `at` to `delivery` and returns what it adds to the statistics
/// (zero when nothing counts: outside the window, or already counted).
pub fn record(delivery: &mut Delivery, action: Action, at: Millis, goal: &Goal) -> Counts {
    let mut added = Counts::default();
    let mark_view = |delivery: &mut Delivery, added: &mut Counts| {
        if delivery.view_at.is_none() && view_counts(delivery.sent_at, at) {
            delivery.view_at = Some(at);
            added.view = 1;
        }
    };
    match action {
        Action::View => mark_view(delivery, &mut added),
        Action::Click => {
            if delivery.click_at.is_none() && view_counts(delivery.sent_at, at) {
                mark_view(delivery, &mut added);
                delivery.click_at = Some(at);
                added.click = 1;
            }
        }
        Action::Goal => {}
    }
    let reached = match (action, goal) {
        (Action::Goal, Goal::Event { .. }) => true,
        (Action::View | Action::Click, Goal::MessageViewed) => delivery.view_at.is_some(),
        (Action::Click, Goal::LinkClicked) => delivery.click_at.is_some(),
        _ => false,
    };
    if reached && delivery.goal_at.is_none() && goal_counts(delivery.sent_at, delivery.view_at, at) {
        delivery.goal_at = Some(at);
        added.goal = 1;
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    const DAY_0: Millis = 1_790_000_000_000;
    const DAY_1: Millis = DAY_0 + DAY;
    const DAY_7: Millis = DAY_0 + 7 * DAY;
    const DAY_8: Millis = DAY_0 + 8 * DAY;

    fn delivery() -> Delivery {
        Delivery {
            id: DeliveryId::parse("d1").unwrap(),
            campaign_id: CampaignId::parse("c1").unwrap(),
            visitor_id: VisitorId::parse("v1").unwrap(),
            display: Display::Bubble,
            sent_at: DAY_0,
            view_at: None,
            click_at: None,
            goal_at: None,
        }
    }

    fn event_goal() -> Goal {
        Goal::Event(crate::campaign::EventMatch::named("CheckoutComplete"))
    }

    #[track_caller]
    fn check(steps: &[(Action, Millis)], goal: Goal, expected: Counts) {
        let mut d = delivery();
        let mut total = Counts::default();
        for &(action, at) in steps {
            total.add(record(&mut d, action, at, &goal));
        }
        assert_eq!(total, expected);
    }

    const fn counts(view: u64, click: u64, goal: u64) -> Counts {
        Counts { sent: 0, view, click, goal }
    }

    #[test]
    fn a_view_within_seven_days_counts_once() {
        check(&[(Action::View, DAY_1), (Action::View, DAY_1 + HOUR)], event_goal(), counts(1, 0, 0));
    }

    #[test]
    fn a_view_exactly_seven_days_after_delivery_counts() {
        check(&[(Action::View, DAY_7)], event_goal(), counts(1, 0, 0));
    }

    #[test]
    fn a_view_after_seven_days_is_not_counted() {
        check(&[(Action::View, DAY_7 + 1)], event_goal(), counts(0, 0, 0));
    }

    #[test]
    fn a_click_implies_a_view() {
        check(&[(Action::Click, DAY_1)], event_goal(), counts(1, 1, 0));
    }

    #[test]
    fn a_click_after_a_view_counts_only_the_click() {
        check(
            &[(Action::View, DAY_0), (Action::Click, DAY_1), (Action::Click, DAY_1 + 1)],
            event_goal(),
            counts(1, 1, 0),
        );
    }

    #[test]
    fn a_click_after_seven_days_counts_nothing() {
        check(&[(Action::Click, DAY_8)], event_goal(), counts(0, 0, 0));
    }

    #[test]
    fn a_goal_without_a_view_is_not_counted() {
        check(&[(Action::Goal, DAY_1)], event_goal(), counts(0, 0, 0));
    }

    #[test]
    fn a_goal_after_a_view_within_seven_days_counts_once() {
        check(
            &[(Action::View, DAY_1), (Action::Goal, DAY_1 + HOUR), (Action::Goal, DAY_1 + 2 * HOUR)],
            event_goal(),
            counts(1, 0, 1),
        );
    }

    #[test]
    fn goal_after_a_week_from_view_is_not_counted() {
        check(&[(Action::View, DAY_1), (Action::Goal, DAY_8 + HOUR)], event_goal(), counts(1, 0, 0));
    }

    #[test]
    fn a_goal_eight_days_after_delivery_is_not_counted_even_soon_after_a_view() {
        check(&[(Action::View, DAY_7), (Action::Goal, DAY_8)], event_goal(), counts(1, 0, 0));
    }

    #[test]
    fn a_goal_before_the_view_does_not_count_later() {
        check(&[(Action::Goal, DAY_0 + HOUR), (Action::View, DAY_1)], event_goal(), counts(1, 0, 0));
    }

    #[test]
    fn a_viewed_goal_is_reached_by_the_view() {
        check(&[(Action::View, DAY_1)], Goal::MessageViewed, counts(1, 0, 1));
        check(&[(Action::Click, DAY_1)], Goal::MessageViewed, counts(1, 1, 1));
    }

    #[test]
    fn a_clicked_goal_is_reached_by_the_click_only() {
        check(&[(Action::View, DAY_1)], Goal::LinkClicked, counts(1, 0, 0));
        check(&[(Action::View, DAY_1), (Action::Click, DAY_1 + HOUR)], Goal::LinkClicked, counts(1, 1, 1));
    }

    #[test]
    fn an_event_goal_ignores_views_and_clicks() {
        check(&[(Action::Click, DAY_1)], event_goal(), counts(1, 1, 0));
    }

    #[test]
    fn a_campaign_saved_without_a_goal_reaches_it_at_the_first_click() {
        check(
            &[(Action::View, DAY_1), (Action::Click, DAY_1 + HOUR), (Action::Click, DAY_1 + 2 * HOUR)],
            Goal::default(),
            counts(1, 1, 1),
        );
        check(&[(Action::View, DAY_1), (Action::Goal, DAY_1 + HOUR)], Goal::default(), counts(1, 0, 0));
    }
}
