//! Campaign engine benchmarks: one event of one visitor against 1, 100, 1,000 and 10,000
//! running campaigns (`deliver::audience_checks` then `deliver::step`, as the visitor's
//! Durable Object calls them), and the per-isolate cost of indexing the campaigns
//! (`CampaignSet::new`). `scripts/bench` runs this and prints the table.
//!
//! Every campaign triggers on a `PageView` under its own path (`/products/{i}/`), so:
//! - `event/unrelated`: a `CartUpdated` event; the index by event name skips them all;
//! - `event/page_view`: a `PageView` under none of the paths; every campaign is checked;
//! - `event/page_view_match`: a `PageView` under the last campaign's path (last in
//!   priority order): every one is checked and that one delivers.
//!
//! Each iteration steps a fresh clone of a regular visitor (256 earlier events: a full
//! de-duplication window) with an event id not seen before, so nothing short-circuits.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use kizuna_shared::campaign::Campaign;
use kizuna_shared::channel::{Channel, FrequencyCap};
use kizuna_shared::deliver::{CampaignSet, Context, Input, RECENT_EVENTS, VisitorState, audience_checks, step};
use kizuna_shared::event::{Event, PAGE_VIEW, PropertyValue};
use kizuna_shared::ids::{ChannelId, EventId, VisitorId};
use kizuna_shared::schedule::Zone;
use kizuna_shared::store::CampaignDocV1;
use kizuna_shared::time::{HOUR, MINUTE, Millis};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::time::Duration;

/// Monday 2026-11-30 10:00 in Tokyo.
const NOW: Millis = 1_795_964_400_000 + 10 * HOUR;
const SIZES: [usize; 4] = [1, 100, 1_000, 10_000];

/// Campaign `i` of `n`, from its JSON settings (the admin API's shape): a bubble on
/// page views under `/products/{i}/`, priorities spread over 0..1000 in order.
fn campaign(i: usize, n: usize) -> Campaign {
    let priority = i * 1000 / n;
    let doc: CampaignDocV1 = serde_json::from_str(&format!(
        r#"{{"id":"c_bench_{i}","name":"Bench {i}","state":"running","priority":{priority},
            "trigger":{{"event":"PageView","url":{{"include":[{{"op":"startsWith","value":"/products/{i}/"}}]}}}},
            "message":{{"sender":{{"name":"Bench"}},"text":"Hi","display":"bubble"}},
            "goal":{{"kind":"event","name":"CheckoutComplete"}}}}"#
    ))
    .unwrap();
    Campaign::try_from(&doc).unwrap()
}

fn campaigns(n: usize) -> Vec<Campaign> {
    (0..n).map(|i| campaign(i, n)).collect()
}

fn channel() -> Channel {
    Channel {
        id: ChannelId::parse("demo").unwrap(),
        name: "Demo".to_owned(),
        zone: Zone::parse("Asia/Tokyo").unwrap(),
        identity: None,
        fields: Vec::new(),
        business_hours: BTreeMap::new(),
        cap: FrequencyCap::default(),
    }
}

fn event(id: &str, name: &str, props: &[(&str, &str)]) -> Event {
    Event {
        id: EventId::parse(id).unwrap(),
        name: name.to_owned(),
        properties: props.iter().map(|(k, v)| ((*k).to_owned(), PropertyValue::Text((*v).to_owned()))).collect(),
    }
}

/// A regular visitor: seen a minute ago, with a full window of remembered event ids.
fn regular() -> VisitorState {
    let mut state = VisitorState::default();
    state.touch(NOW - HOUR);
    for n in 0..RECENT_EVENTS {
        state.remember(&EventId::parse(&format!("e_old_{n}")).unwrap());
    }
    state.touch(NOW - MINUTE);
    state
}

/// What one event costs the engine: the audience question, then the step.
fn one_event(set: &CampaignSet, channel: &Channel, state: &mut VisitorState, event: &Event) -> usize {
    let visitor = VisitorId::parse("v_bench").unwrap();
    let input = Input::Event(event);
    let audience: BTreeSet<_> = audience_checks(set, state, input, NOW).into_iter().collect();
    let ctx = Context { channel, session: Some("s_bench"), now: NOW, audience: &audience };
    step(set, &visitor, state, input, &ctx).deliveries.len()
}

type Scenario = (&'static str, fn(usize) -> (&'static str, Vec<(&'static str, String)>), usize);

fn events(c: &mut Criterion) {
    let channel = channel();
    let visitor = regular();
    let scenarios: [Scenario; 3] = [
        ("event/unrelated", |_| ("CartUpdated", vec![("total", "5000".to_owned())]), 0),
        ("event/page_view", |_| (PAGE_VIEW, vec![("url", "https://shop.example/nowhere".to_owned())]), 0),
        (
            "event/page_view_match",
            |n| (PAGE_VIEW, vec![("url", format!("https://shop.example/products/{}/sencha", n - 1))]),
            1,
        ),
    ];
    for (group_name, make, delivers) in scenarios {
        let mut group = c.benchmark_group(group_name);
        group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        for n in SIZES {
            let set = CampaignSet::new(campaigns(n));
            let (name, props) = make(n);
            let props: Vec<(&str, &str)> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let counter = Cell::new(0u64);
            let fresh = || {
                counter.set(counter.get() + 1);
                (visitor.clone(), event(&format!("e_bench_{}", counter.get()), name, &props))
            };
            let (mut state, first) = fresh();
            assert_eq!(one_event(&set, &channel, &mut state, &first), delivers, "{group_name} with {n}");
            group.bench_with_input(BenchmarkId::from_parameter(n), &set, |b, set| {
                b.iter_batched(
                    fresh,
                    |(mut state, event)| {
                        black_box(one_event(set, &channel, &mut state, &event));
                        (state, event) // dropped outside the measurement
                    },
                    BatchSize::SmallInput,
                )
            });
        }
        group.finish();
    }
}

fn index(c: &mut Criterion) {
    let mut group = c.benchmark_group("index/build");
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let all = campaigns(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &all, |b, all| {
            b.iter_batched(|| all.clone(), |all| black_box(CampaignSet::new(all)), BatchSize::LargeInput)
        });
    }
    group.finish();
}

criterion_group!(benches, events, index);
criterion_main!(benches);
