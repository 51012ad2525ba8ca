//! Messages that wait behind the widget's launcher until viewed.

use crate::campaign::{Campaign, CampaignState, Kind};
use crate::counting::WINDOW;
use crate::deliver::tests::*;
use crate::deliver::*;
use crate::ids::DeliveryId;
use crate::time::{HOUR, MINUTE};

/// A visitor whose page took a broadcast of each campaign in `ids`, one a minute from NOW.
fn handed(ids: &[&str], extra: &str) -> (CampaignSet, VisitorState) {
    handed_after(ids, extra, 0)
}

/// [`handed`], the first broadcast `minutes` after NOW.
fn handed_after(ids: &[&str], extra: &str, minutes: i64) -> (CampaignSet, VisitorState) {
    let campaigns: Vec<Campaign> =
        ids.iter().map(|id| Campaign { kind: Kind::Broadcast, ..campaign(id, extra) }).collect();
    let mut state = VisitorState::default();
    for (i, c) in campaigns.iter().enumerate() {
        broadcast(c, &visitor(), &mut state, NOW + (minutes + i as i64) * MINUTE);
    }
    let set = CampaignSet::new(campaigns);
    let taken: Vec<Pending> = take_pending(&set, &mut state, NOW + HOUR).into_iter().map(|(p, _)| p).collect();
    for pending in &taken {
        state.note_unread(pending);
    }
    (set, state)
}

fn campaigns(listed: &[(Unread, &Campaign)]) -> Vec<String> {
    listed.iter().map(|(u, _)| u.campaign.as_str().to_owned()).collect()
}

#[test]
fn a_message_a_page_took_stays_unread_oldest_first_until_read() {
    let (set, mut state) = handed(&["b1", "b2"], "");
    assert_eq!(campaigns(&unread_now(&set, &mut state, NOW + HOUR, None)), ["b1", "b2"]);
    let first = state.unread[0].delivery.clone();
    state.note_unread(&Pending {
        delivery: first.clone(),
        campaign: state.unread[0].campaign.clone(),
        sent_at: NOW,
        away_check: None,
    });
    assert_eq!(state.unread.len(), 2, "listed once");
    assert_eq!(state.mark_read(std::slice::from_ref(&first)), 1);
    assert_eq!(campaigns(&unread_now(&set, &mut state, NOW + HOUR, None)), ["b2"]);
    assert_eq!(
        state.mark_read(&[first, DeliveryId::parse("d_not_listed").unwrap()]),
        0,
        "reading again changes nothing"
    );
}

#[test]
fn an_unread_message_leaves_seven_days_after_it_was_sent() {
    let (set, mut state) = handed(&["b1", "b2"], "");
    assert_eq!(unread_now(&set, &mut state, NOW + WINDOW, None).len(), 2, "the last moment of the window");
    assert_eq!(campaigns(&unread_now(&set, &mut state, NOW + WINDOW + 1, None)), ["b2"]);
    assert_eq!(state.unread.len(), 1, "dropped from the record, not only from the answer");
}

#[test]
fn a_campaign_that_ended_deleting_unviewed_messages_takes_its_unread_message_back() {
    let (set, mut state) = handed(&["b1", "b2"], r#","deleteUnviewed":true"#);
    let ended = |c: &Campaign, id: &str| Campaign {
        state: if c.id.as_str() == id { CampaignState::Ended } else { c.state },
        ..c.clone()
    };
    let stopped = CampaignSet::new(set.iter().map(|c| ended(c, "b1")).collect());
    assert_eq!(campaigns(&unread_now(&stopped, &mut state, NOW + HOUR, None)), ["b2"]);
    assert_eq!(state.unread.len(), 1);

    let (set, mut state) = handed(&["b1"], "");
    let kept = CampaignSet::new(set.iter().map(|c| ended(c, "b1")).collect());
    assert_eq!(
        campaigns(&unread_now(&kept, &mut state, NOW + HOUR, None)),
        ["b1"],
        "ended without deleting: still unread"
    );
    let paused = CampaignSet::new(set.iter().map(|c| Campaign { state: CampaignState::Paused, ..c.clone() }).collect());
    assert_eq!(unread_now(&paused, &mut state, NOW + HOUR, None).len(), 1, "a pause takes nothing back");
}

#[test]
fn an_unread_message_a_stale_copy_lacks_or_from_before_an_unverified_sign_in_stays_but_is_not_listed() {
    let (set, mut state) = handed(&["b1", "b2"], "");
    let stale = CampaignSet::new(Vec::new());
    assert!(unread_now(&stale, &mut state, NOW + HOUR, None).is_empty());
    assert_eq!(state.unread.len(), 2, "kept for a fresh copy");
    assert_eq!(campaigns(&unread_now(&set, &mut state, NOW + HOUR, Some(NOW + 1))), ["b2"]);
    assert_eq!(state.unread.len(), 2, "kept for the member's own pages");
}

#[test]
fn the_unread_list_is_bounded_and_merges_on_sign_in() {
    let ids: Vec<String> = (0..MAX_UNREAD + 3).map(|i| format!("b{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (_, mut many) = handed(&ids[..MAX_PENDING], "");
    let (_, more) = handed_after(&ids[MAX_PENDING..], "", 30);
    assert_eq!(many.unread.len(), MAX_UNREAD);
    let mut member = VisitorState::default();
    member.absorb(&many);
    member.absorb(&more);
    member.absorb(&many);
    assert_eq!(member.unread.len(), MAX_UNREAD, "bounded, each delivery once");
    many.absorb(&more);
    assert!(many.unread.iter().any(|u| u.campaign.as_str() == "b20"), "the newest are kept");
}
