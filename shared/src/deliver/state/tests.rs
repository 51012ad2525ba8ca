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

mod arms {
    //! Variants (issue 12): the arm is assigned when a campaign is first about to reach
    //! the visitor, kept for good, and decides the message; the control gets nothing.

    use crate::campaign::variants::{Arm, Split, assign};
    use crate::deliver::tests::*;
    use crate::deliver::*;
    use crate::ids::CampaignId;
    use crate::time::{DAY, HOUR};

    const TWO_AND_CONTROL: &str = r#","repeat":{"everyHours":24},"variants":[{"share":40},{"share":40,"message":
        {"sender":{"name":"Kizuna"},"text":"B","display":"fullscreen"}}],"controlPercent":20"#;

    /// The first campaign id `c<n>` that puts the test's visitor in `arm` of a 40/40/20
    /// split (the id is ours to choose; the hash decides the arm).
    fn campaign_id_for(arm: Arm) -> String {
        let split = Split::new(&[40, 40], 20).unwrap();
        (0..1000)
            .map(|n| format!("c{n}"))
            .find(|id| assign(&visitor(), &CampaignId::parse(id).unwrap(), &split) == arm)
            .unwrap()
    }

    #[test]
    fn the_control_group_is_assigned_and_counts_as_reached_but_is_sent_nothing() {
        let id = campaign_id_for(Arm::Control);
        let mut run = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
        let campaign = CampaignId::parse(&id).unwrap();
        assert_eq!(run.state.arms.get(&campaign).map(|a| (a.variant, a.at)), Some((None, NOW)));
        assert_eq!(run.state.received.get(&campaign), Some(&NOW), "its repeat rule applies as to the others");
        assert!(run.state.pending.is_empty() && run.state.shown.is_empty(), "nothing waits, nothing in the cap");
        assert_eq!(run.state.unrecorded_arms().len(), 1, "the shell writes it to D1");
        assert!(run.state.unrecorded_arms().is_empty(), "once");
        assert!(run.on(&page_view("e2", "/shop"), NOW + DAY).is_empty(), "still the control a day later");
    }

    #[test]
    fn a_variant_gets_its_own_message_and_display() {
        let id = campaign_id_for(Arm::Variant(1));
        let mut run = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        let out = run.step(Input::Event(&page_view("e1", "/shop")), NOW);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].display, crate::campaign::Display::Fullscreen);
        let taken = take_pending(&run.set, &mut run.state, NOW);
        let message = run.state.message_of(taken[0].1).map(|m| m.text.as_str());
        assert_eq!(message, Some("B"));
        let first = campaign_id_for(Arm::Variant(0));
        let mut run = Run::new(vec![campaign(&first, TWO_AND_CONTROL)]);
        assert_eq!(run.on(&page_view("e1", "/shop"), NOW).len(), 1);
        let taken = take_pending(&run.set, &mut run.state, NOW);
        assert_eq!(run.state.message_of(taken[0].1).map(|m| m.text.as_str()), Some("Hello"), "the first is `message`");
    }

    #[test]
    fn a_later_change_of_the_shares_does_not_move_a_visitor_already_assigned() {
        let id = campaign_id_for(Arm::Variant(1));
        let mut run = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        assert_eq!(run.on(&page_view("e1", "/shop"), NOW).len(), 1);
        // Now a new customer in this bucket would get variant A: this one keeps B.
        let all_a = TWO_AND_CONTROL.replace(r#"[{"share":40},{"share":40,"#, r#"[{"share":79},{"share":1,"#);
        run.set = CampaignSet::new(vec![campaign(&id, &all_a)]);
        let now_split = Split::new(&[79, 1], 20).unwrap();
        assert_eq!(assign(&visitor(), &CampaignId::parse(&id).unwrap(), &now_split), Arm::Variant(0));
        let out = run.step(Input::Event(&page_view("e2", "/shop")), NOW + DAY);
        assert_eq!(out.deliveries[0].display, crate::campaign::Display::Fullscreen);
        let taken = take_pending(&run.set, &mut run.state, NOW + DAY);
        assert_eq!(run.state.message_of(taken[0].1).map(|m| m.text.as_str()), Some("B"));
    }

    #[test]
    fn a_removed_variant_sends_its_customers_nothing_and_without_variants_everyone_gets_the_message() {
        let id = campaign_id_for(Arm::Variant(1));
        let mut run = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        run.on(&page_view("e1", "/shop"), NOW);
        let one = r#","repeat":{"everyHours":24},"variants":[{"share":80}],"controlPercent":20"#;
        run.set = CampaignSet::new(vec![campaign(&id, one)]);
        assert!(run.on(&page_view("e2", "/shop"), NOW + DAY).is_empty());
        run.set = CampaignSet::new(vec![campaign(&id, r#","repeat":{"everyHours":24}"#)]);
        assert_eq!(run.on(&page_view("e3", "/shop"), NOW + 2 * DAY).len(), 1);
    }

    #[test]
    fn signing_in_keeps_the_earlier_assignment() {
        let (a, b) = (CampaignId::parse("a").unwrap(), CampaignId::parse("b").unwrap());
        let arm = |variant, at| Assigned { variant, at, recorded: true, goal_noted: false };
        let mut anonymous = VisitorState::default();
        anonymous.arms.insert(a.clone(), arm(Some(1), NOW));
        anonymous.arms.insert(b.clone(), arm(None, NOW + HOUR));
        let mut member = VisitorState::default();
        member.arms.insert(a.clone(), arm(Some(0), NOW + HOUR));
        member.arms.insert(b.clone(), arm(Some(2), NOW));
        member.absorb(&anonymous);
        assert_eq!(member.arms[&a].variant, Some(1), "the visitor's was earlier");
        assert_eq!(member.arms[&b].variant, Some(2), "the member's was earlier");
    }

    #[test]
    fn a_goal_counts_for_the_arm_once_within_seven_days_of_the_assignment() {
        let id = campaign_id_for(Arm::Control);
        let lab = CampaignId::parse(&id).unwrap();
        let mut run = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        run.on(&page_view("e1", "/shop"), NOW);
        let out = run.step(Input::Event(&event("g1", "CheckoutComplete", &[])), NOW + HOUR);
        assert_eq!(out.goal_of, std::slice::from_ref(&lab), "the control reaches the goal without any message");
        assert_eq!(run.state.arm_goals(&out.goal_of, NOW + HOUR).len(), 1);
        assert!(run.state.arm_goals(&out.goal_of, NOW + 2 * HOUR).is_empty(), "once");
        let mut late = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        late.on(&page_view("e1", "/shop"), NOW);
        assert!(late.state.arm_goals(std::slice::from_ref(&lab), NOW + 7 * DAY + 1).is_empty(), "too late");
        assert_eq!(late.state.arm_goals(std::slice::from_ref(&lab), NOW + 7 * DAY).len(), 1, "exactly 7 days");
    }

    #[test]
    fn a_visitor_record_keeps_its_arms_and_older_records_read_without_them() {
        let id = campaign_id_for(Arm::Variant(0));
        let mut run = Run::new(vec![campaign(&id, TWO_AND_CONTROL)]);
        run.on(&page_view("e1", "/shop"), NOW);
        let record = crate::store::VisitorRecordV1::from(&run.state);
        let back: crate::store::VisitorRecordV1 =
            serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(VisitorState::from(&back).arms, run.state.arms);
        let without = crate::store::VisitorRecordV1::from(&VisitorState::default());
        assert!(!serde_json::to_string(&without).unwrap().contains("arms"), "left out when empty");
    }
}
