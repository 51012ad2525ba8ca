//! The engine's rules, one test per rule, through the `Run` harness.

use super::*;
use crate::channel::FrequencyCap;
use crate::event::{PAGE_VIEW, PropertyValue};
use crate::schedule::Zone;
use crate::store::CampaignDocV1;
use crate::time::{DAY, HOUR, MINUTE};

/// Monday 2026-11-30 00:00 in Tokyo.
const MON: Millis = 1_795_964_400_000;
const NOW: Millis = MON + 10 * HOUR;

/// A campaign from its JSON settings (the admin API's shape), `extra` merged in.
fn campaign(id: &str, extra: &str) -> Campaign {
    let mut json: serde_json::Value = serde_json::from_str(&format!(
        r#"{{"id":"{id}","name":"{id}","state":"running",
            "trigger":{{"event":"PageView","urlContains":"/shop"}},
            "message":{{"sender":{{"name":"Kizuna"}},"text":"Hello","display":"bubble"}},
            "goal":{{"kind":"event","name":"CheckoutComplete"}}}}"#
    ))
    .unwrap();
    let extra: serde_json::Value = serde_json::from_str(&format!("{{{}}}", extra.trim_start_matches(','))).unwrap();
    for (key, value) in extra.as_object().unwrap() {
        json[key] = value.clone();
    }
    let doc: CampaignDocV1 = serde_json::from_value(json).unwrap();
    Campaign::try_from(&doc).unwrap()
}

fn channel() -> Channel {
    Channel {
        id: crate::ids::ChannelId::parse("demo").unwrap(),
        name: "Demo".to_owned(),
        zone: Zone::parse("Asia/Tokyo").unwrap(),
        identity_secrets: None,
        fields: Vec::new(),
        business_hours: BTreeMap::new(),
        cap: FrequencyCap::default(),
    }
}

fn event(id: &str, name: &str, props: &[(&str, PropertyValue)]) -> Event {
    Event {
        id: EventId::parse(id).unwrap(),
        name: name.to_owned(),
        properties: props.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
    }
}

fn page_view(id: &str, url: &str) -> Event {
    event(id, PAGE_VIEW, &[("url", PropertyValue::Text(url.to_owned()))])
}

fn visitor() -> VisitorId {
    VisitorId::parse("v1").unwrap()
}

/// One visitor against a set of campaigns, with the customer in every audience
/// unless `outside` lists the campaign.
struct Run {
    set: CampaignSet,
    channel: Channel,
    state: VisitorState,
    outside: BTreeSet<CampaignId>,
    session: Option<String>,
}

impl Run {
    fn new(campaigns: Vec<Campaign>) -> Run {
        Run {
            set: CampaignSet::new(campaigns),
            channel: channel(),
            state: VisitorState::default(),
            outside: BTreeSet::new(),
            session: Some("s1".to_owned()),
        }
    }

    fn step(&mut self, input: Input, now: Millis) -> Outcome {
        let audience: BTreeSet<CampaignId> = audience_checks(&self.set, &self.state, input, now)
            .into_iter()
            .filter(|id| !self.outside.contains(id))
            .collect();
        let ctx = Context { channel: &self.channel, session: self.session.as_deref(), now, audience: &audience };
        step(&self.set, &visitor(), &mut self.state, input, &ctx)
    }

    /// The campaigns delivered by `event` at `now`.
    fn on(&mut self, event: &Event, now: Millis) -> Vec<String> {
        names(&self.step(Input::Event(event), now))
    }

    fn tick(&mut self, now: Millis) -> Vec<String> {
        names(&self.step(Input::Tick, now))
    }
}

fn names(outcome: &Outcome) -> Vec<String> {
    outcome.deliveries.iter().map(|d| d.campaign_id.as_str().to_owned()).collect()
}

#[test]
fn a_page_view_on_a_matching_url_delivers_the_campaign() {
    let mut run = Run::new(vec![campaign("c1", "")]);
    let out = run.step(Input::Event(&page_view("e1", "https://x.y/shop/a")), NOW);
    assert_eq!(names(&out), ["c1"]);
    assert_eq!(out.deliveries[0].sent_at, NOW);
    assert_eq!(run.state.received.get(&CampaignId::parse("c1").unwrap()), Some(&NOW));
    assert_eq!(run.state.pending.len(), 1, "it waits to be handed to the page");
}

#[test]
fn a_page_view_elsewhere_delivers_nothing() {
    let mut run = Run::new(vec![campaign("c1", "")]);
    let out = run.step(Input::Event(&page_view("e1", "https://x.y/about")), NOW);
    assert!(out.fresh);
    assert!(out.deliveries.is_empty());
}

#[test]
fn property_conditions_must_all_hold() {
    let cart = r#","trigger":{"event":"CartUpdated","conditions":[
        {"property":"total","op":"greaterThan","value":5000},
        {"property":"plan","op":"startsWith","value":"gold"}]}"#;
    let mut run = Run::new(vec![campaign("c1", cart)]);
    let with = |total: f64, plan: &str| {
        [("total", PropertyValue::Number(total)), ("plan", PropertyValue::Text(plan.to_owned()))]
    };
    assert!(run.on(&event("e1", "CartUpdated", &with(4000.0, "gold-1")), NOW).is_empty());
    assert!(run.on(&event("e2", "CartUpdated", &with(6000.0, "silver")), NOW).is_empty());
    assert!(run.on(&event("e3", "CartUpdated", &[("plan", PropertyValue::Text("gold".into()))]), NOW).is_empty());
    assert_eq!(run.on(&event("e4", "CartUpdated", &with(6000.0, "gold-1")), NOW), ["c1"]);
}

#[test]
fn campaigns_are_indexed_by_event_name_so_unrelated_ones_are_not_consulted() {
    let audience = r#","audience":{"segment":"vip"}"#;
    let set = CampaignSet::new(vec![
        campaign("shop", audience),
        campaign("cart", &format!(r#"{audience},"trigger":{{"event":"CartUpdated"}}"#)),
    ]);
    let state = VisitorState::default();
    let checks = audience_checks(&set, &state, Input::Event(&page_view("e1", "/shop")), NOW);
    assert_eq!(checks, vec![CampaignId::parse("shop").unwrap()]);
    assert_eq!(set.triggered_by("Unrelated").count(), 0);
}

#[test]
fn a_campaign_reaches_a_visitor_at_most_once() {
    let mut run = Run::new(vec![campaign("c1", "")]);
    assert_eq!(run.on(&page_view("e1", "/shop"), NOW), ["c1"]);
    assert!(run.on(&page_view("e2", "/shop"), NOW + DAY).is_empty());
    assert!(run.on(&page_view("e3", "/shop"), NOW + 400 * DAY).is_empty());
}

#[test]
fn with_repeat_on_a_campaign_reaches_a_visitor_again_after_exactly_its_interval() {
    let mut run = Run::new(vec![campaign("c1", r#","repeat":{"everyHours":24}"#)]);
    assert_eq!(run.on(&page_view("e1", "/shop"), NOW).len(), 1);
    assert_eq!(run.on(&page_view("e2", "/shop"), NOW + DAY - 1).len(), 0, "one ms short of 24 hours");
    assert_eq!(run.on(&page_view("e3", "/shop"), NOW + DAY).len(), 1, "exactly 24 hours later");
    assert_eq!(run.on(&page_view("e4", "/shop"), NOW + DAY + HOUR).len(), 0, "counted from the last delivery");
}

#[test]
fn a_repeat_interval_under_24_hours_is_refused() {
    let mut doc: CampaignDocV1 = serde_json::from_str(
        r#"{"id":"c1","name":"R","state":"running","trigger":{"event":"PageView"},
            "message":{"sender":{"name":"S"},"text":"Hi","display":"bubble"},"repeat":{"everyHours":23}}"#,
    )
    .unwrap();
    assert_eq!(Campaign::try_from(&doc).unwrap_err().field, "repeat.everyHours");
    doc.repeat = Some(crate::store::RepeatDoc { every_hours: 24 });
    assert_eq!(Campaign::try_from(&doc).unwrap().repeat_every, Some(DAY));
}

#[test]
fn a_retried_event_changes_nothing_the_second_time() {
    let mut run = Run::new(vec![campaign("c1", ""), campaign("c2", "")]);
    let event = page_view("e1", "/shop");
    assert_eq!(run.on(&event, NOW).len(), 1);
    let before = run.state.clone();
    assert_eq!(run.step(Input::Event(&event), NOW + HOUR), Outcome::default());
    assert_eq!(run.state, before);
}

#[test]
fn one_step_delivers_at_most_one_message_in_priority_order() {
    let mut run = Run::new(vec![campaign("second", r#","priority":2"#), campaign("first", r#","priority":1"#)]);
    assert_eq!(run.on(&page_view("e1", "/shop"), NOW), ["first"]);
    assert_eq!(run.tick(NOW + 1), ["second"], "the other one went on waiting, and goes next");
}

#[test]
fn campaigns_outside_their_running_period_deliver_nothing() {
    let mut paused = campaign("paused", "");
    paused.state = CampaignState::Paused;
    let later = campaign("later", &format!(r#","startsAt":{}"#, NOW + 1));
    let over = campaign("over", &format!(r#","endsAt":{NOW}"#));
    let mut run = Run::new(vec![paused, later, over]);
    assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
}

#[test]
fn an_event_goal_with_conditions_points_at_its_campaigns() {
    let goal = r#","goal":{"kind":"event","name":"CheckoutComplete",
        "conditions":[{"property":"total","op":"greaterThan","value":1000}]}"#;
    let mut run = Run::new(vec![campaign("c1", goal)]);
    let small = event("e1", "CheckoutComplete", &[("total", PropertyValue::Number(500.0))]);
    assert!(run.step(Input::Event(&small), NOW).goal_of.is_empty());
    let big = event("e2", "CheckoutComplete", &[("total", PropertyValue::Number(5000.0))]);
    let out = run.step(Input::Event(&big), NOW);
    assert_eq!(out.goal_of, vec![CampaignId::parse("c1").unwrap()]);
    assert!(out.deliveries.is_empty());
}

#[test]
fn remembered_event_ids_are_bounded() {
    let mut run = Run::new(vec![]);
    for n in 0..(RECENT_EVENTS + 10) {
        run.on(&page_view(&format!("e{n}"), "/"), NOW);
    }
    assert_eq!(run.state.recent_events.len(), RECENT_EVENTS);
    assert_eq!(run.state.recent_events.front().map(EventId::as_str), Some("e10"));
}

#[test]
fn a_wait_delivers_when_it_has_passed_and_not_before() {
    let mut run = Run::new(vec![campaign("c1", r#","wait":{"hours":2}"#)]);
    assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
    assert_eq!(run.state.next_due(), Some(NOW + 2 * HOUR));
    assert!(run.tick(NOW + 2 * HOUR - 1).is_empty());
    let out = run.step(Input::Tick, NOW + 2 * HOUR);
    assert_eq!(names(&out), ["c1"]);
    assert_eq!(
        out.deliveries[0].id,
        DeliveryId::derive(&visitor(), &CampaignId::parse("c1").unwrap(), &EventId::parse("e1").unwrap())
    );
    assert_eq!(run.state.next_due(), None);
    assert!(run.on(&page_view("e2", "/shop"), NOW + 3 * HOUR).is_empty(), "once per visitor");
}

#[test]
fn the_audience_is_checked_again_when_a_wait_ends() {
    let mut run = Run::new(vec![campaign("c1", r#","wait":{"hours":1},"audience":{"segment":"vip"}"#)]);
    run.on(&page_view("e1", "/shop"), NOW);
    assert_eq!(run.state.progress.len(), 1, "in the audience at the trigger");
    run.outside.insert(CampaignId::parse("c1").unwrap());
    assert!(run.tick(NOW + HOUR).is_empty(), "left the audience during the wait");
    assert!(run.state.progress.is_empty());
}

#[test]
fn a_customer_outside_the_audience_is_not_triggered() {
    let mut run = Run::new(vec![campaign("c1", r#","audience":{"segment":"vip"}"#)]);
    run.outside.insert(CampaignId::parse("c1").unwrap());
    assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
    assert!(run.state.progress.is_empty());
}

#[test]
fn a_follow_up_within_its_days_sends_and_one_after_does_not() {
    let follow = r#","followUp":{"trigger":{"event":"CartAbandoned"},"withinDays":3}"#;
    let mut run = Run::new(vec![campaign("c1", follow)]);
    assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
    assert_eq!(run.on(&event("e2", "CartAbandoned", &[]), NOW + 3 * DAY), ["c1"], "exactly 3 days later");

    let mut late = Run::new(vec![campaign("c1", follow)]);
    late.on(&page_view("e1", "/shop"), NOW);
    assert!(late.on(&event("e2", "CartAbandoned", &[]), NOW + 3 * DAY + 1).is_empty());
    assert!(late.state.progress.is_empty(), "the follow-up period is over");
}

#[test]
fn a_wait_that_ends_outside_the_schedule_waits_for_the_window() {
    // Weekdays 09:00-18:00 in Tokyo; triggered Friday 17:00 with a 2-hour wait.
    let windows = r#","wait":{"hours":2},"schedule":{"windows":[
        {"days":["mon","tue","wed","thu","fri"],"from":"09:00","to":"18:00"}]}"#;
    let mut run = Run::new(vec![campaign("c1", windows)]);
    let friday_17 = MON + 4 * DAY + 17 * HOUR;
    run.on(&page_view("e1", "/shop"), friday_17);
    assert!(run.tick(friday_17 + 2 * HOUR).is_empty(), "Friday 19:00 is outside the window");
    let monday_9 = MON + 7 * DAY + 9 * HOUR;
    assert_eq!(run.state.next_due(), Some(monday_9));
    assert!(run.tick(monday_9 - 1).is_empty());
    assert_eq!(run.tick(monday_9), ["c1"], "released the moment the window opens");
}

#[test]
fn a_window_that_opens_at_midnight_releases_at_midnight() {
    let windows = r#","schedule":{"windows":[{"days":["tue"],"from":"00:00","to":"06:00"}]}"#;
    let mut run = Run::new(vec![campaign("c1", windows)]);
    assert!(run.on(&page_view("e1", "/shop"), MON + 23 * HOUR).is_empty());
    assert_eq!(run.state.next_due(), Some(MON + DAY));
    assert_eq!(run.tick(MON + DAY), ["c1"]);
}

#[test]
fn a_named_business_hours_set_is_followed() {
    let mut run = Run::new(vec![campaign("c1", r#","schedule":{"businessHours":"support"}"#)]);
    let windows: Vec<crate::schedule::WindowDoc> =
        serde_json::from_str(r#"[{"days":["mon"],"from":"13:00","to":"14:00"}]"#).unwrap();
    run.channel
        .business_hours
        .insert("support".to_owned(), crate::schedule::schedule_from_docs(&windows, "w").unwrap());
    assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty(), "10:00 is before the set opens");
    assert_eq!(run.tick(MON + 13 * HOUR), ["c1"]);
}

#[test]
fn a_message_due_while_its_campaign_is_paused_is_held_without_a_wake_up_until_it_resumes() {
    let mut run = Run::new(vec![campaign("c1", r#","wait":{"hours":1}"#)]);
    run.on(&page_view("e1", "/shop"), NOW);
    let resumed = run.set.iter().cloned().collect::<Vec<_>>();
    run.set =
        CampaignSet::new(resumed.iter().cloned().map(|c| Campaign { state: CampaignState::Paused, ..c }).collect());
    assert!(run.tick(NOW + HOUR).is_empty());
    assert_eq!(run.state.next_due(), None, "no wake-up row stays due for a paused campaign");
    assert_eq!(run.state.progress.len(), 1, "but the message is kept");
    run.set = CampaignSet::new(resumed);
    assert_eq!(run.on(&page_view("e2", "/"), NOW + 2 * HOUR), ["c1"], "released at the next step after resuming");
}

#[test]
fn a_removed_business_hours_set_holds_messages_instead_of_sending_at_any_hour() {
    let mut run = Run::new(vec![campaign("c1", r#","schedule":{"businessHours":"gone"}"#)]);
    assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
    assert_eq!(run.state.next_due(), None);
    assert_eq!(run.state.progress.len(), 1);
}

#[test]
fn a_follow_up_period_ends_with_time_alone() {
    let follow = r#","followUp":{"trigger":{"event":"CartAbandoned"},"withinDays":1}"#;
    let mut run = Run::new(vec![campaign("c1", follow)]);
    run.on(&page_view("e1", "/shop"), NOW);
    run.tick(NOW + DAY);
    assert_eq!(run.state.progress.len(), 1, "exactly a day later it may still come");
    run.tick(NOW + DAY + 1);
    assert!(run.state.progress.is_empty());
}

#[test]
fn pending_messages_come_out_by_priority_and_forgotten_campaigns_leave_no_trace() {
    let mut run = Run::new(vec![campaign("low", r#","priority":9"#), campaign("high", r#","priority":1"#)]);
    let news = |id: &str, priority: i32| Campaign { priority, kind: Kind::Broadcast, ..campaign(id, "") };
    let (b_low, b_high) = (news("b_low", 9), news("b_high", 1));
    broadcast(&b_low, &visitor(), &mut run.state, NOW);
    broadcast(&b_high, &visitor(), &mut run.state, NOW + 1);
    let set = CampaignSet::new(vec![b_low, b_high]);
    let order: Vec<String> =
        take_pending(&set, &mut run.state, NOW + 2).iter().map(|(p, _)| p.campaign.as_str().to_owned()).collect();
    assert_eq!(order, ["b_high", "b_low"]);
    run.on(&page_view("e1", "/"), NOW + 3);
    assert!(run.state.received.is_empty(), "campaigns no longer published are forgotten");
}

#[test]
fn a_message_for_a_visitor_who_just_left_goes_offline_once_no_page_took_it() {
    let doc: CampaignDocV1 = serde_json::from_str(
        r#"{"id":"b1","name":"News","state":"running","kind":"broadcast","offline":{"email":true},
            "message":{"sender":{"name":"S"},"text":"Hi","display":"bubble"}}"#,
    )
    .unwrap();
    let news = Campaign::try_from(&doc).unwrap();
    let mut state = VisitorState::default();
    state.touch(NOW - MINUTE);
    let delivery = broadcast(&news, &visitor(), &mut state, NOW).unwrap();
    state.watch(&delivery.id, NOW);
    assert_eq!(state.next_due(), Some(NOW + ONLINE));
    assert!(away_checks(&mut state, NOW + ONLINE - 1).is_empty(), "not yet");
    let gone = away_checks(&mut state, NOW + ONLINE);
    assert_eq!(gone.len(), 1, "no page took it and the visitor is away");
    assert_eq!(state.next_due(), None);
    assert!(away_checks(&mut state, NOW + 2 * ONLINE).is_empty(), "once");

    let mut active = VisitorState::default();
    let delivery = broadcast(&news, &visitor(), &mut active, NOW).unwrap();
    active.watch(&delivery.id, NOW);
    active.touch(NOW + ONLINE - 1);
    assert!(away_checks(&mut active, NOW + ONLINE).is_empty(), "still active: a page will take it");
    assert_eq!(active.next_due(), Some(NOW + 2 * ONLINE));
}

#[test]
fn a_visitor_merged_into_a_member_brings_what_it_received_and_what_waits() {
    let mut anonymous = Run::new(vec![campaign("c1", ""), campaign("c2", r#","wait":{"hours":1},"priority":1"#)]);
    anonymous.on(&page_view("e1", "/shop"), NOW);
    let mut member = VisitorState::default();
    member.touch(NOW - DAY);
    member.absorb(&anonymous.state);
    assert_eq!(member.received.len(), 1);
    assert_eq!(member.progress.len(), 1, "the wait goes on for the member");
    assert_eq!(member.pending.len(), 1, "the message waits for the member's next page");
    assert_eq!(member.first_seen_at, Some(NOW - DAY));
    anonymous.state = member;
    assert!(anonymous.on(&page_view("e2", "/shop"), NOW + 2 * HOUR).iter().all(|c| c != "c1"), "c1 stays once-only");
}

#[test]
fn the_frequency_cap_holds_per_session_and_per_day() {
    let campaigns: Vec<Campaign> = (1..=5).map(|i| campaign(&format!("c{i}"), "")).collect();
    let mut run = Run::new(campaigns);
    run.channel.cap = FrequencyCap { per_session: Some(1), per_day: Some(2) };
    assert_eq!(run.on(&page_view("e1", "/shop"), NOW).len(), 1);
    assert!(run.on(&page_view("e2", "/shop"), NOW + 1).is_empty(), "one per session");
    run.session = Some("s2".to_owned());
    assert_eq!(run.on(&page_view("e3", "/shop"), NOW + HOUR).len(), 1, "a new session");
    run.session = Some("s3".to_owned());
    assert!(run.on(&page_view("e4", "/shop"), NOW + 2 * HOUR).is_empty(), "two a day");
    let tomorrow = MON + DAY;
    assert_eq!(run.state.next_due(), Some(tomorrow), "held back until the channel's next day");
    assert_eq!(run.tick(tomorrow).len(), 1);
}

#[test]
fn a_broadcast_reaches_a_visitor_once_and_waits_for_their_page() {
    let doc: CampaignDocV1 = serde_json::from_str(
        r#"{"id":"b1","name":"News","state":"running","kind":"broadcast",
            "message":{"sender":{"name":"S"},"text":"Hi","display":"fullscreen"}}"#,
    )
    .unwrap();
    let news = Campaign::try_from(&doc).unwrap();
    let mut state = VisitorState::default();
    let first = broadcast(&news, &visitor(), &mut state, NOW).unwrap();
    assert_eq!(first.id, DeliveryId::derive(&visitor(), &news.id, &broadcast_cause()));
    assert!(broadcast(&news, &visitor(), &mut state, NOW + 1).is_none(), "a redelivered batch sends nothing");
    let set = CampaignSet::new(vec![news]);
    assert_eq!(take_pending(&set, &mut state, NOW + DAY).len(), 1, "on the next visit");
    assert!(take_pending(&set, &mut state, NOW + DAY).is_empty(), "handed out once");
}

#[test]
fn pending_messages_expire_after_seven_days_or_when_deleted_unviewed() {
    let mut run = Run::new(vec![campaign("c1", ""), campaign("c2", r#","deleteUnviewed":true,"priority":1"#)]);
    run.on(&page_view("e1", "/shop"), NOW);
    run.tick(NOW + 1);
    assert_eq!(run.state.pending.len(), 2);
    let mut expired = run.state.clone();
    assert!(take_pending(&run.set, &mut expired, NOW + 7 * DAY + 2).is_empty(), "past the view window");
    let ended: Vec<Campaign> = run.set.iter().cloned().map(|c| Campaign { state: CampaignState::Ended, ..c }).collect();
    let ended = CampaignSet::new(ended);
    let handed = take_pending(&ended, &mut run.state, NOW + HOUR);
    let ids: Vec<&str> = handed.iter().map(|(p, _)| p.campaign.as_str()).collect();
    assert_eq!(ids, ["c1"], "the campaign that deletes unviewed messages took its message back");
}

#[test]
fn on_demand_shows_a_live_campaign_once_per_request() {
    let run = Run::new(vec![campaign("c1", r#","trigger":{"event":"Never"}"#)]);
    let mut state = VisitorState::default();
    let audience = BTreeSet::new();
    let ctx = Context { channel: &run.channel, session: None, now: NOW, audience: &audience };
    let c1 = run.set.get(&CampaignId::parse("c1").unwrap()).unwrap();
    let request = EventId::parse("r1").unwrap();
    assert!(on_demand(c1, &visitor(), &mut state, &request, &ctx).is_some());
    assert!(on_demand(c1, &visitor(), &mut state, &request, &ctx).is_none(), "a retried call");
}
