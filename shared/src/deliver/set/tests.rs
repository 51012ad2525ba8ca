//! The published campaigns are indexed by the event names they listen to.

use crate::deliver::tests::*;
use crate::deliver::*;
use crate::ids::CampaignId;

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
