//! When a delivery counts as sent, what a view, a click or a goal does to it, and what
//! each adds to the day's statistics (seed 000).
//!
//! Invariants: a released message is pending and counts nothing; it is sent, and counts
//! one `sent` on that day, when it first reaches the customer (a page of theirs takes it,
//! or an email/SMS provider accepts it); withdrawn or expired before that, it never
//! counts; sent, withdrawn and expired are final. Each step is counted at most once per
//! delivery, and only on a sent one; a view counts only within 7 days of sending; a click
//! implies a view under the same window; a goal counts only after a view, within 7 days
//! of sending and within 7 days of that view.

use crate::campaign::{Campaign, Display, Goal};
use crate::ids::{CampaignId, DeliveryId, EventId, VisitorId};
use crate::time::{DAY, Millis};

/// How long after delivery (and, for goals, after the view) actions still count.
pub const WINDOW: Millis = 7 * DAY;

/// Where a delivery stands. Released by the engine it is `Pending`; it becomes `Sent`
/// when it first reaches the customer, or `Withdrawn` ("delete unviewed") or `Expired`
/// (the 7-day window passed) if it never did. Only a pending delivery moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryState {
    Pending,
    Sent,
    Withdrawn,
    Expired,
}

/// What happens to a pending delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// A page of the customer took it, or an email/SMS provider accepted it.
    Reached,
    /// Its campaign ended with "delete unviewed" before it reached the customer.
    Withdrawn,
    /// Not taken within [`WINDOW`] of its release.
    Expired,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 4] =
        [DeliveryState::Pending, DeliveryState::Sent, DeliveryState::Withdrawn, DeliveryState::Expired];

    /// The one name of a state (the D1 column and the admin API).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Withdrawn => "withdrawn",
            DeliveryState::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        DeliveryState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state after `fate`, and what it adds to the statistics: only a pending
    /// delivery moves, and only reaching the customer counts (one `sent`). `None` when
    /// nothing changes (already sent, withdrawn or expired: a replay counts nothing).
    pub fn after(self, fate: Fate) -> Option<(DeliveryState, Counts)> {
        if self != DeliveryState::Pending {
            return None;
        }
        Some(match fate {
            Fate::Reached => (DeliveryState::Sent, Counts::SENT),
            Fate::Withdrawn => (DeliveryState::Withdrawn, Counts::default()),
            Fate::Expired => (DeliveryState::Expired, Counts::default()),
        })
    }

    /// The state as read at `now`: a delivery still stored as pending past the window of
    /// its release `released_at` can no longer be taken (its visitor never came back to
    /// have it dropped), so it reads as expired.
    pub fn effective(self, released_at: Millis, now: Millis) -> DeliveryState {
        match self {
            DeliveryState::Pending if now - released_at > WINDOW => DeliveryState::Expired,
            state => state,
        }
    }
}

/// One message delivered to one visitor, and what came of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub campaign_id: CampaignId,
    pub visitor_id: VisitorId,
    pub display: Display,
    pub state: DeliveryState,
    /// When it was sent; while pending (or once withdrawn or expired), when it was released.
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
            state: DeliveryState::Pending,
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
/// (zero when nothing counts: not sent, outside the window, or already counted).
pub fn record(delivery: &mut Delivery, action: Action, at: Millis, goal: &Goal) -> Counts {
    let mut added = Counts::default();
    if delivery.state != DeliveryState::Sent {
        return added;
    }
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
            state: DeliveryState::Sent,
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
    fn a_released_message_is_pending_and_counts_nothing() {
        let campaign: crate::store::CampaignDocV1 = serde_json::from_str(
            r#"{"id":"c1","name":"N","state":"running","kind":"broadcast","message":{"sender":{"name":"S"},"text":"Hi","display":"bubble"}}"#,
        )
        .unwrap();
        let campaign = Campaign::try_from(&campaign).unwrap();
        let event = EventId::parse("e1").unwrap();
        let released = Delivery::new(&VisitorId::parse("v1").unwrap(), &campaign, &event, DAY_0);
        assert_eq!(released.state, DeliveryState::Pending);
    }

    #[test]
    fn a_pending_message_that_reaches_the_customer_is_sent_and_counts_one_sent() {
        assert_eq!(DeliveryState::Pending.after(Fate::Reached), Some((DeliveryState::Sent, Counts::SENT)));
    }

    #[test]
    fn a_message_reached_again_counts_nothing_more() {
        assert_eq!(DeliveryState::Sent.after(Fate::Reached), None);
    }

    #[test]
    fn a_message_withdrawn_before_it_reached_the_customer_is_never_sent() {
        assert_eq!(DeliveryState::Pending.after(Fate::Withdrawn), Some((DeliveryState::Withdrawn, Counts::default())));
        assert_eq!(DeliveryState::Withdrawn.after(Fate::Reached), None);
    }

    #[test]
    fn a_message_expired_before_it_reached_the_customer_is_never_sent() {
        assert_eq!(DeliveryState::Pending.after(Fate::Expired), Some((DeliveryState::Expired, Counts::default())));
        assert_eq!(DeliveryState::Expired.after(Fate::Reached), None);
    }

    #[test]
    fn a_sent_message_stays_sent_when_withdrawn_or_expired_later() {
        assert_eq!(DeliveryState::Sent.after(Fate::Withdrawn), None);
        assert_eq!(DeliveryState::Sent.after(Fate::Expired), None);
    }

    #[test]
    fn a_message_still_pending_past_the_window_reads_as_expired() {
        assert_eq!(DeliveryState::Pending.effective(DAY_0, DAY_7), DeliveryState::Pending);
        assert_eq!(DeliveryState::Pending.effective(DAY_0, DAY_7 + 1), DeliveryState::Expired);
        assert_eq!(DeliveryState::Sent.effective(DAY_0, DAY_8), DeliveryState::Sent);
    }

    #[test]
    fn a_state_reads_back_as_the_name_it_was_written_as() {
        for state in DeliveryState::ALL {
            assert_eq!(DeliveryState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn a_view_or_click_of_a_message_not_sent_counts_nothing() {
        for state in [DeliveryState::Pending, DeliveryState::Withdrawn, DeliveryState::Expired] {
            let mut d = Delivery { state, ..delivery() };
            assert!(record(&mut d, Action::Click, DAY_1, &Goal::default()).is_zero(), "{state:?}");
            assert_eq!((d.view_at, d.click_at, d.goal_at), (None, None, None));
        }
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
