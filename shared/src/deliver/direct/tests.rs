//! Broadcasts and on-demand messages: once each, whatever the trigger.

use crate::campaign::Campaign;
use crate::deliver::tests::*;
use crate::deliver::*;
use crate::ids::{CampaignId, DeliveryId, EventId};
use crate::store::CampaignDocV1;
use crate::time::DAY;
use std::collections::BTreeSet;

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
    assert_eq!(first.id, DeliveryId::derive(&visitor(), &news.id, &EventId::broadcast()));
    assert!(broadcast(&news, &visitor(), &mut state, NOW + 1).is_none(), "a redelivered batch sends nothing");
    let set = CampaignSet::new(vec![news]);
    assert_eq!(take_pending(&set, &mut state, NOW + DAY).len(), 1, "on the next visit");
    assert!(take_pending(&set, &mut state, NOW + DAY).is_empty(), "handed out once");
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
