//! Delivered messages on their way to a page, or by email or SMS when the visitor left.

use crate::campaign::{Campaign, CampaignState, Kind};
use crate::counting::{Fate, WINDOW};
use crate::deliver::tests::*;
use crate::deliver::*;
use crate::store::CampaignDocV1;
use crate::time::{DAY, HOUR, MINUTE};

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
fn r10_a_page_of_an_unverified_sign_in_is_not_handed_messages_delivered_before_it() {
    let mut run = Run::new(vec![]);
    let news = |id: &str| Campaign { kind: Kind::Broadcast, ..campaign(id, "") };
    let (before, after) = (news("b_before"), news("b_after"));
    broadcast(&before, &visitor(), &mut run.state, NOW);
    broadcast(&after, &visitor(), &mut run.state, NOW + HOUR);
    let set = CampaignSet::new(vec![before, after]);
    let names = |handed: Vec<(Pending, &Campaign)>| -> Vec<String> {
        handed.iter().map(|(p, _)| p.campaign.as_str().to_owned()).collect()
    };
    let signed_in_at = Some(NOW + MINUTE);
    assert_eq!(names(take_pending_since(&set, &mut run.state, NOW + 2 * HOUR, signed_in_at).handed), ["b_after"]);
    assert_eq!(run.state.pending.len(), 1, "the earlier message waits for the member's own pages");
    assert_eq!(names(take_pending(&set, &mut run.state, NOW + 2 * HOUR)), ["b_before"]);
}

#[test]
fn r10_a_message_whose_campaign_a_stale_copy_lacks_waits_for_a_fresh_copy() {
    let news = Campaign { kind: Kind::Broadcast, ..campaign("b_new", "") };
    let mut state = VisitorState::default();
    broadcast(&news, &visitor(), &mut state, NOW);
    let stale = CampaignSet::new(Vec::new());
    assert!(take_pending(&stale, &mut state, NOW + 1).is_empty(), "nothing to render it with");
    assert_eq!(state.pending.len(), 1, "the message waits");
    let fresh = CampaignSet::new(vec![news]);
    assert_eq!(take_pending(&fresh, &mut state, NOW + 2).len(), 1, "handed once the copy holds its campaign");
    assert!(state.pending.is_empty());
    broadcast(&Campaign { kind: Kind::Broadcast, ..campaign("b_gone", "") }, &visitor(), &mut state, NOW);
    assert!(take_pending(&stale, &mut state, NOW + WINDOW + 1).is_empty());
    assert!(state.pending.is_empty(), "dropped after the view window like any other");
}

/// The campaigns of what a take dropped, with why.
fn dropped(taken: &Taken) -> Vec<(String, Fate)> {
    taken.dropped.iter().map(|(p, fate)| (p.campaign.as_str().to_owned(), *fate)).collect()
}

#[test]
fn a_message_no_page_took_within_the_view_window_is_dropped_as_expired() {
    let mut run = Run::new(vec![campaign("c1", "")]);
    run.on(&page_view("e1", "/shop"), NOW);
    run.tick(NOW + 1);
    let taken = take_pending_since(&run.set, &mut run.state, NOW + 1 + WINDOW + 1, None);
    assert!(taken.handed.is_empty());
    assert_eq!(dropped(&taken), [("c1".to_owned(), Fate::Expired)]);
}

#[test]
fn a_message_of_a_campaign_ended_with_delete_unviewed_is_dropped_as_withdrawn() {
    let mut run = Run::new(vec![campaign("c1", r#","deleteUnviewed":true"#)]);
    run.on(&page_view("e1", "/shop"), NOW);
    run.tick(NOW + 1);
    let ended =
        CampaignSet::new(run.set.iter().cloned().map(|c| Campaign { state: CampaignState::Ended, ..c }).collect());
    let taken = take_pending_since(&ended, &mut run.state, NOW + HOUR, None);
    assert!(taken.handed.is_empty());
    assert_eq!(dropped(&taken), [("c1".to_owned(), Fate::Withdrawn)]);
}
