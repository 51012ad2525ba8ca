//! What a visitor's record keeps: bounded event ids, and a merge that keeps once-only
//! campaigns once-only.

use crate::deliver::tests::*;
use crate::deliver::*;
use crate::ids::EventId;
use crate::time::{DAY, HOUR};

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
