//! When a due message goes out: priority, waits, schedules, business hours, paused
//! campaigns, the audience checked again, and the frequency cap.

use crate::campaign::{Campaign, CampaignState};
use crate::channel::FrequencyCap;
use crate::deliver::tests::*;
use crate::deliver::*;
use crate::ids::{CampaignId, DeliveryId, EventId};
use crate::time::{DAY, HOUR};

#[test]
fn one_step_delivers_at_most_one_message_in_priority_order() {
    let mut run = Run::new(vec![campaign("second", r#","priority":2"#), campaign("first", r#","priority":1"#)]);
    assert_eq!(run.on(&page_view("e1", "/shop"), NOW), ["first"]);
    assert_eq!(run.tick(NOW + 1), ["second"], "the other one went on waiting, and goes next");
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
