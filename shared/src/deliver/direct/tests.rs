//! Broadcasts and on-demand messages: a broadcast once, whatever the trigger; a campaign
//! on demand only when it allows it, within its repeat rule and the frequency cap.

use crate::campaign::Campaign;
use crate::channel::FrequencyCap;
use crate::deliver::tests::*;
use crate::deliver::*;
use crate::ids::{CampaignId, DeliveryId, EventId};
use crate::invalid::FieldError;
use crate::store::CampaignDocV1;
use crate::time::{DAY, Millis};
use std::collections::BTreeSet;

/// A campaign that shows on demand and has no trigger a test sends.
const ON_DEMAND: &str = r#","onDemand":true,"trigger":{"event":"Never"}"#;

/// The site asks `run`'s visitor to be shown campaign `id` at `now` by request `request`:
/// whether it was delivered, or why the call is refused.
fn show(run: &mut Run, id: &str, request: &str, now: Millis) -> Result<bool, FieldError> {
    let audience: BTreeSet<CampaignId> =
        run.set.iter().map(|c| c.id.clone()).filter(|id| !run.outside.contains(id)).collect();
    let ctx = Context { channel: &run.channel, session: run.session.as_deref(), now, audience: &audience };
    let campaign = run.set.get(&CampaignId::parse(id).unwrap()).unwrap();
    let request = EventId::parse(request).unwrap();
    on_demand(campaign, &visitor(), &mut run.state, &request, &ctx).map(|delivery| delivery.is_some())
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
    assert_eq!(first.id, DeliveryId::derive(&visitor(), &news.id, &EventId::broadcast()));
    assert!(broadcast(&news, &visitor(), &mut state, NOW + 1).is_none(), "a redelivered batch sends nothing");
    let set = CampaignSet::new(vec![news]);
    assert_eq!(take_pending(&set, &mut state, NOW + DAY).len(), 1, "on the next visit");
    assert!(take_pending(&set, &mut state, NOW + DAY).is_empty(), "handed out once");
}

#[test]
fn r10_a_campaign_shows_on_demand_only_when_its_on_demand_setting_allows_it() {
    let mut run = Run::new(vec![campaign("c1", r#","trigger":{"event":"Never"}"#)]);
    let refused = show(&mut run, "c1", "r1", NOW).unwrap_err();
    assert_eq!(refused.field, "campaignId");
    assert_eq!(refused.problem, "this campaign does not show on demand (onDemand is off)");
    assert_eq!(run.state, VisitorState::default(), "nothing delivered, nothing remembered");
}

#[test]
fn r10_five_calls_with_fresh_request_ids_deliver_a_once_only_campaign_once() {
    let mut run = Run::new(vec![campaign("c1", ON_DEMAND)]);
    let shown: Vec<bool> = (1..=5).map(|i| show(&mut run, "c1", &format!("r{i}"), NOW + i).unwrap()).collect();
    assert_eq!(shown, [true, false, false, false, false]);
    assert_eq!(run.state.pending.len(), 1);
}

#[test]
fn r10_with_repeat_on_a_campaign_shows_on_demand_again_only_after_its_interval() {
    let mut run = Run::new(vec![campaign("c1", &format!(r#"{ON_DEMAND},"repeat":{{"everyHours":24}}"#))]);
    assert_eq!(show(&mut run, "c1", "r1", NOW), Ok(true));
    assert_eq!(show(&mut run, "c1", "r2", NOW + DAY - 1), Ok(false), "one ms short of 24 hours");
    assert_eq!(show(&mut run, "c1", "r3", NOW + DAY), Ok(true), "exactly 24 hours later");
}

#[test]
fn r10_a_campaign_its_trigger_delivered_is_not_shown_again_on_demand() {
    let mut run = Run::new(vec![campaign("c1", r#","onDemand":true"#)]);
    assert_eq!(run.on(&page_view("e1", "/shop"), NOW), ["c1"]);
    assert_eq!(show(&mut run, "c1", "r1", NOW + 1), Ok(false));
}

#[test]
fn r10_on_demand_messages_stay_within_the_frequency_cap_and_count_in_it() {
    let mut run = Run::new(vec![campaign("a", ON_DEMAND), campaign("b", ON_DEMAND), campaign("c", "")]);
    run.channel.cap = FrequencyCap { per_session: Some(1), per_day: Some(2) };
    assert_eq!(show(&mut run, "a", "r1", NOW), Ok(true));
    assert_eq!(show(&mut run, "b", "r2", NOW + 1), Ok(false), "the visit's one message went out");
    assert!(run.on(&page_view("e1", "/shop"), NOW + 2).is_empty(), "an on-demand message counts in the cap");
    run.session = Some("s2".to_owned());
    assert_eq!(show(&mut run, "b", "r3", NOW + 3), Ok(true), "the next visit");
    run.session = Some("s3".to_owned());
    assert!(run.tick(NOW + 4).is_empty(), "the day's two messages went out");
    assert_eq!(run.tick(MON + DAY), ["c"], "the triggered one waited for the next day");
}

#[test]
fn on_demand_shows_a_live_campaign_once_per_request() {
    let mut run = Run::new(vec![campaign("c1", &format!(r#"{ON_DEMAND},"repeat":{{"everyHours":24}}"#))]);
    assert_eq!(show(&mut run, "c1", "r1", NOW), Ok(true));
    assert_eq!(show(&mut run, "c1", "r1", NOW + DAY), Ok(false), "a retried call, though the repeat rule allows it");
    assert_eq!(show(&mut run, "c1", "r2", NOW + DAY), Ok(true));
}

#[test]
fn on_demand_needs_a_live_campaign_and_the_visitor_in_its_audience() {
    let paused = Campaign { state: crate::campaign::CampaignState::Paused, ..campaign("paused", ON_DEMAND) };
    let vip = campaign("vip", &format!(r#"{ON_DEMAND},"audience":{{"segment":"vip"}}"#));
    let mut run = Run::new(vec![paused, vip]);
    run.outside.insert(CampaignId::parse("vip").unwrap());
    assert_eq!(show(&mut run, "paused", "r1", NOW), Ok(false));
    assert_eq!(show(&mut run, "vip", "r2", NOW), Ok(false));
    run.outside.clear();
    assert_eq!(show(&mut run, "vip", "r3", NOW), Ok(true));
}
