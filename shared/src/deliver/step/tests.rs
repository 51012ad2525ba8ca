//! What an event starts: triggers, follow-ups, goals, repeats and retried events.

use crate::campaign::{Campaign, CampaignState};
use crate::deliver::tests::*;
use crate::deliver::*;
use crate::event::PropertyValue;
use crate::ids::CampaignId;
use crate::store::CampaignDocV1;
use crate::time::{DAY, HOUR};

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
fn a_follow_up_period_ends_with_time_alone() {
    let follow = r#","followUp":{"trigger":{"event":"CartAbandoned"},"withinDays":1}"#;
    let mut run = Run::new(vec![campaign("c1", follow)]);
    run.on(&page_view("e1", "/shop"), NOW);
    run.tick(NOW + DAY);
    assert_eq!(run.state.progress.len(), 1, "exactly a day later it may still come");
    run.tick(NOW + DAY + 1);
    assert!(run.state.progress.is_empty());
}
