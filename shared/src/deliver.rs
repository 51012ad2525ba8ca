//! Which messages an event delivers to a visitor.
//!
//! Invariant: the same event (by id) never delivers twice, and a campaign reaches a
//! visitor at most once, or with repeat on, again only after its interval, so a retried
//! or duplicated batch changes nothing the second time.

use crate::campaign::{Campaign, Goal};
use crate::counting::Delivery;
use crate::event::{Event, PAGE_VIEW};
use crate::ids::{CampaignId, EventId, VisitorId};
use crate::time::Millis;
use std::collections::{BTreeMap, VecDeque};

/// How many recent event ids a visitor remembers for de-duplication.
pub const RECENT_EVENTS: usize = 256;

/// The live state of one visitor that campaign decisions need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitorState {
    pub first_seen_at: Option<Millis>,
    pub last_seen_at: Option<Millis>,
    /// When each campaign last reached this visitor.
    pub received: BTreeMap<CampaignId, Millis>,
    /// The ids of the most recent events, oldest first, at most [`RECENT_EVENTS`].
    pub recent_events: VecDeque<EventId>,
}

impl VisitorState {
    /// Notes that the visitor was active at `now`.
    pub fn touch(&mut self, now: Millis) {
        self.first_seen_at.get_or_insert(now);
        self.last_seen_at = Some(self.last_seen_at.map_or(now, |last| last.max(now)));
    }

    /// Remembers `id`; false when it was already seen (a retry or duplicate).
    fn remember(&mut self, id: &EventId) -> bool {
        if self.recent_events.contains(id) {
            return false;
        }
        if self.recent_events.len() == RECENT_EVENTS {
            self.recent_events.pop_front();
        }
        self.recent_events.push_back(id.clone());
        true
    }
}

/// What one event changed for one visitor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventOutcome {
    /// False when the event id was seen before: nothing else happened.
    pub fresh: bool,
    /// New deliveries, at most one popup per event, in campaign priority order.
    pub deliveries: Vec<Delivery>,
    /// Campaigns whose goal is this event: their deliveries to this visitor may reach
    /// their goal now (see [`crate::counting::record`]).
    pub goal_of: Vec<CampaignId>,
}

/// Applies one event to a visitor. `campaigns` are the channel's published campaigns in
/// priority order; the first live one whose trigger matches is delivered.
pub fn on_event(
    campaigns: &[Campaign],
    visitor_id: &VisitorId,
    visitor: &mut VisitorState,
    event: &Event,
    now: Millis,
) -> EventOutcome {
    if !visitor.remember(&event.id) {
        return EventOutcome::default();
    }
    visitor.touch(now);
    let goal_of = campaigns
        .iter()
        .filter(|c| matches!(&c.goal, Some(Goal::Event { name }) if *name == event.name))
        .map(|c| c.id.clone())
        .collect();
    let chosen = campaigns.iter().find(|campaign| {
        campaign.is_live(now)
            && campaign.may_reach(visitor.received.get(&campaign.id).copied(), now)
            && triggers(campaign, event)
    });
    let deliveries = chosen
        .map(|campaign| {
            visitor.received.insert(campaign.id.clone(), now);
            vec![Delivery::new(visitor_id, campaign, &event.id, now)]
        })
        .unwrap_or_default();
    EventOutcome { fresh: true, deliveries, goal_of }
}

fn triggers(campaign: &Campaign, event: &Event) -> bool {
    let trigger = &campaign.trigger;
    if trigger.event != event.name {
        return false;
    }
    match &trigger.url {
        None => true,
        Some(condition) => event.name == PAGE_VIEW && event.text("url").is_some_and(|url| condition.matches(url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{
        CampaignState, Display, LinkButton, Message, SafeUrl, Sender, Trigger, UrlCondition, UrlOp, UrlTest,
    };
    use crate::event::PropertyValue;
    use crate::time::{DAY, HOUR};

    const NOW: Millis = 1_790_000_000_000;

    fn campaign(id: &str, url_contains: &str) -> Campaign {
        Campaign {
            id: CampaignId::parse(id).unwrap(),
            name: id.to_owned(),
            state: CampaignState::Running,
            trigger: Trigger {
                event: PAGE_VIEW.to_owned(),
                url: Some(UrlCondition {
                    include: vec![UrlTest { op: UrlOp::Contains, value: url_contains.to_owned() }],
                    exclude: vec![],
                }),
            },
            message: Message {
                sender: Sender { name: "Kizuna".to_owned(), avatar_url: None },
                text: "Hello".to_owned(),
                buttons: vec![LinkButton { label: "Go".to_owned(), url: SafeUrl::parse("/sale").unwrap() }],
                display: Display::Bubble,
            },
            goal: Some(Goal::Event { name: "CheckoutComplete".to_owned() }),
            starts_at: None,
            ends_at: None,
            repeat_every: None,
        }
    }

    fn page_view(id: &str, url: &str) -> Event {
        Event {
            id: EventId::parse(id).unwrap(),
            name: PAGE_VIEW.to_owned(),
            properties: [("url".to_owned(), PropertyValue::Text(url.to_owned()))].into(),
        }
    }

    fn visitor() -> VisitorId {
        VisitorId::parse("v1").unwrap()
    }

    #[test]
    fn a_page_view_on_a_matching_url_delivers_the_campaign() {
        let mut state = VisitorState::default();
        let out =
            on_event(&[campaign("c1", "/shop")], &visitor(), &mut state, &page_view("e1", "https://x.y/shop/a"), NOW);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].campaign_id.as_str(), "c1");
        assert_eq!(out.deliveries[0].sent_at, NOW);
        assert_eq!(state.received.get(&CampaignId::parse("c1").unwrap()), Some(&NOW));
    }

    #[test]
    fn a_page_view_elsewhere_delivers_nothing() {
        let mut state = VisitorState::default();
        let out =
            on_event(&[campaign("c1", "/shop")], &visitor(), &mut state, &page_view("e1", "https://x.y/about"), NOW);
        assert!(out.fresh);
        assert!(out.deliveries.is_empty());
    }

    #[test]
    fn a_campaign_reaches_a_visitor_at_most_once() {
        let mut state = VisitorState::default();
        let campaigns = [campaign("c1", "/shop")];
        let first = on_event(&campaigns, &visitor(), &mut state, &page_view("e1", "/shop"), NOW);
        let second = on_event(&campaigns, &visitor(), &mut state, &page_view("e2", "/shop"), NOW + DAY);
        assert_eq!(first.deliveries.len(), 1);
        assert!(second.deliveries.is_empty());
    }

    #[test]
    fn with_repeat_on_a_campaign_reaches_a_visitor_again_after_exactly_its_interval() {
        let mut state = VisitorState::default();
        let campaigns = [Campaign { repeat_every: Some(DAY), ..campaign("c1", "/shop") }];
        let at = |n: &str, t: Millis, state: &mut VisitorState| {
            on_event(&campaigns, &visitor(), state, &page_view(n, "/shop"), t).deliveries.len()
        };
        assert_eq!(at("e1", NOW, &mut state), 1);
        assert_eq!(at("e2", NOW + DAY - 1, &mut state), 0, "one ms short of 24 hours");
        assert_eq!(at("e3", NOW + DAY, &mut state), 1, "exactly 24 hours later");
        assert_eq!(at("e4", NOW + DAY + HOUR, &mut state), 0, "the interval counts from the last delivery");
    }

    #[test]
    fn a_repeat_interval_under_24_hours_is_refused() {
        let mut doc: crate::stored::CampaignDocV1 = serde_json::from_str(
            r#"{"id":"c1","name":"R","state":"running","trigger":{"event":"PageView"},
                "message":{"sender":{"name":"S"},"text":"Hi","display":"bubble"},"repeat":{"everyHours":23}}"#,
        )
        .unwrap();
        assert_eq!(Campaign::try_from(&doc).unwrap_err().field, "repeat.everyHours");
        doc.repeat = Some(crate::stored::RepeatDoc { every_hours: 24 });
        assert_eq!(Campaign::try_from(&doc).unwrap().repeat_every, Some(DAY));
    }

    #[test]
    fn a_retried_event_changes_nothing_the_second_time() {
        let mut state = VisitorState::default();
        let campaigns = [campaign("c1", "/shop"), campaign("c2", "/shop")];
        let event = page_view("e1", "/shop");
        let first = on_event(&campaigns, &visitor(), &mut state, &event, NOW);
        let before = state.clone();
        let again = on_event(&campaigns, &visitor(), &mut state, &event, NOW + HOUR);
        assert_eq!(first.deliveries.len(), 1);
        assert_eq!(again, EventOutcome::default());
        assert_eq!(state, before);
    }

    #[test]
    fn one_event_delivers_at_most_one_popup_in_priority_order() {
        let mut state = VisitorState::default();
        let campaigns = [campaign("first", "/shop"), campaign("second", "/shop")];
        let out = on_event(&campaigns, &visitor(), &mut state, &page_view("e1", "/shop"), NOW);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].campaign_id.as_str(), "first");
        let next = on_event(&campaigns, &visitor(), &mut state, &page_view("e2", "/shop"), NOW + 1);
        assert_eq!(next.deliveries[0].campaign_id.as_str(), "second");
    }

    #[test]
    fn campaigns_outside_their_running_period_deliver_nothing() {
        let mut paused = campaign("paused", "/");
        paused.state = CampaignState::Paused;
        let mut later = campaign("later", "/");
        later.starts_at = Some(NOW + 1);
        let mut over = campaign("over", "/");
        over.ends_at = Some(NOW);
        let mut state = VisitorState::default();
        let out = on_event(&[paused, later, over], &visitor(), &mut state, &page_view("e1", "/"), NOW);
        assert!(out.deliveries.is_empty());
    }

    #[test]
    fn an_event_named_as_a_goal_points_at_its_campaigns() {
        let mut state = VisitorState::default();
        let checkout = Event {
            id: EventId::parse("e9").unwrap(),
            name: "CheckoutComplete".to_owned(),
            properties: BTreeMap::new(),
        };
        let out = on_event(&[campaign("c1", "/shop")], &visitor(), &mut state, &checkout, NOW);
        assert_eq!(out.goal_of, vec![CampaignId::parse("c1").unwrap()]);
        assert!(out.deliveries.is_empty());
    }

    #[test]
    fn remembered_event_ids_are_bounded() {
        let mut state = VisitorState::default();
        for n in 0..(RECENT_EVENTS + 10) {
            on_event(&[], &visitor(), &mut state, &page_view(&format!("e{n}"), "/"), NOW);
        }
        assert_eq!(state.recent_events.len(), RECENT_EVENTS);
        assert_eq!(state.recent_events.front().map(EventId::as_str), Some("e10"));
    }
}
