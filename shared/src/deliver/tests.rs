//! The engine's test harness: one visitor run against a set of campaigns, and builders
//! for campaigns (from the admin API's JSON), events and the channel. Each part's rules
//! are tested beside it (`step/tests.rs`, `release/tests.rs`, …), one test per rule.

use super::*;
use crate::campaign::Campaign;
use crate::channel::{Channel, FrequencyCap};
use crate::event::{Event, PAGE_VIEW, PropertyValue};
use crate::ids::{CampaignId, EventId, VisitorId};
use crate::schedule::Zone;
use crate::store::CampaignDocV1;
use crate::time::{HOUR, Millis};
use std::collections::{BTreeMap, BTreeSet};

/// Monday 2026-11-30 00:00 in Tokyo.
pub(super) const MON: Millis = 1_795_964_400_000;
pub(super) const NOW: Millis = MON + 10 * HOUR;

/// A campaign from its JSON settings (the admin API's shape), `extra` merged in.
pub(super) fn campaign(id: &str, extra: &str) -> Campaign {
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

pub(super) fn channel() -> Channel {
    Channel {
        id: crate::ids::ChannelId::parse("demo").unwrap(),
        name: "Demo".to_owned(),
        zone: Zone::parse("Asia/Tokyo").unwrap(),
        identity: None,
        fields: Vec::new(),
        business_hours: BTreeMap::new(),
        cap: FrequencyCap::default(),
    }
}

pub(super) fn event(id: &str, name: &str, props: &[(&str, PropertyValue)]) -> Event {
    Event {
        id: EventId::parse(id).unwrap(),
        name: name.to_owned(),
        properties: props.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
    }
}

pub(super) fn page_view(id: &str, url: &str) -> Event {
    event(id, PAGE_VIEW, &[("url", PropertyValue::Text(url.to_owned()))])
}

pub(super) fn visitor() -> VisitorId {
    VisitorId::parse("v1").unwrap()
}

/// One visitor against a set of campaigns, with the customer in every audience
/// unless `outside` lists the campaign.
pub(super) struct Run {
    pub(super) set: CampaignSet,
    pub(super) channel: Channel,
    pub(super) state: VisitorState,
    pub(super) outside: BTreeSet<CampaignId>,
    pub(super) session: Option<String>,
}

impl Run {
    pub(super) fn new(campaigns: Vec<Campaign>) -> Run {
        Run {
            set: CampaignSet::new(campaigns),
            channel: channel(),
            state: VisitorState::default(),
            outside: BTreeSet::new(),
            session: Some("s1".to_owned()),
        }
    }

    pub(super) fn step(&mut self, input: Input, now: Millis) -> Outcome {
        let audience: BTreeSet<CampaignId> = audience_checks(&self.set, &self.state, input, now)
            .into_iter()
            .filter(|id| !self.outside.contains(id))
            .collect();
        let ctx = Context { channel: &self.channel, session: self.session.as_deref(), now, audience: &audience };
        step(&self.set, &visitor(), &mut self.state, input, &ctx)
    }

    /// The campaigns delivered by `event` at `now`.
    pub(super) fn on(&mut self, event: &Event, now: Millis) -> Vec<String> {
        names(&self.step(Input::Event(event), now))
    }

    pub(super) fn tick(&mut self, now: Millis) -> Vec<String> {
        names(&self.step(Input::Tick, now))
    }
}

pub(super) fn names(outcome: &Outcome) -> Vec<String> {
    outcome.deliveries.iter().map(|d| d.campaign_id.as_str().to_owned()).collect()
}
