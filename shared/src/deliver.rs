//! Which messages a visitor receives, and when: the campaign engine.
//!
//! One event is matched only against the campaigns whose trigger, follow-up or goal
//! names it ([`CampaignSet`] indexes them by event name), so unrelated campaigns cost
//! nothing. An automated campaign moves a visitor through trigger → optional follow-up
//! → optional wait → the campaign's schedule window → delivery; the audience is checked
//! when the trigger fires and again when the message is due.
//!
//! Invariants: the same event (by id) never changes anything twice; a campaign reaches
//! a visitor at most once, or with repeat on, again only after its interval; delivery
//! ids are derived from (visitor, campaign, cause), so a retried step derives the same
//! delivery; at most one automated on-site message goes out per step, in priority
//! order, and never beyond the channel's frequency cap.

use crate::campaign::{Campaign, CampaignState, Goal, Kind, ScheduleRef};
use crate::channel::Channel;
use crate::counting::{Delivery, WINDOW};
use crate::event::Event;
use crate::ids::{CampaignId, DeliveryId, EventId, VisitorId};
use crate::time::{MINUTE, Millis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// How many recent event ids a visitor remembers for de-duplication.
pub const RECENT_EVENTS: usize = 256;
/// A visitor active within this long is online: messages reach them on the site.
pub const ONLINE: Millis = 5 * MINUTE;
/// Most messages waiting for the visitor's next page.
pub const MAX_PENDING: usize = 20;
/// Most remembered on-site deliveries for the frequency cap.
const MAX_SHOWN: usize = 100;

/// An automated campaign under way for one visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub campaign: CampaignId,
    /// The trigger event: the delivery id derives from it.
    pub cause: EventId,
    pub stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "camelCase")]
pub enum Stage {
    /// Triggered; goes on only if the follow-up event comes by `until`.
    FollowUp { until: Millis },
    /// To be delivered at `at` or at the first moment after it that the schedule allows.
    Due { at: Millis },
    /// Due since `at` but held back by something no clock can end: its campaign is paused
    /// (or its start moved later), its business-hours set is gone, or the visit's
    /// frequency cap is used up. Tried again at the visitor's next step; no wake-up.
    Held { at: Millis },
}

/// A delivered message not yet handed to a page of the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub delivery: DeliveryId,
    pub campaign: CampaignId,
    pub sent_at: Millis,
    /// Delivered while the visitor counted as online, by a campaign that also sends
    /// offline: if no page has taken it by then and the visitor is away, it goes by email
    /// or SMS (they may have just closed the tab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_check: Option<Millis>,
}

/// One on-site message of an automated campaign, for the frequency cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shown {
    pub at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// The live state of one visitor that campaign decisions need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitorState {
    pub first_seen_at: Option<Millis>,
    pub last_seen_at: Option<Millis>,
    /// When each campaign last reached this visitor.
    pub received: BTreeMap<CampaignId, Millis>,
    /// The ids of the most recent events, oldest first, at most [`RECENT_EVENTS`].
    pub recent_events: VecDeque<EventId>,
    pub progress: Vec<Progress>,
    pub pending: VecDeque<Pending>,
    pub shown: VecDeque<Shown>,
}

impl VisitorState {
    /// Notes that the visitor was active at `now`.
    pub fn touch(&mut self, now: Millis) {
        self.first_seen_at.get_or_insert(now);
        self.last_seen_at = Some(self.last_seen_at.map_or(now, |last| last.max(now)));
    }

    /// Active within the last [`ONLINE`].
    pub fn is_online(&self, now: Millis) -> bool {
        self.last_seen_at.is_some_and(|last| now - last <= ONLINE)
    }

    /// Remembers `id`; false when it was already seen (a retry or duplicate).
    pub fn remember(&mut self, id: &EventId) -> bool {
        if self.recent_events.contains(id) {
            return false;
        }
        if self.recent_events.len() == RECENT_EVENTS {
            self.recent_events.pop_front();
        }
        self.recent_events.push_back(id.clone());
        true
    }

    /// When the next waiting message is due (or a pending one is to be checked for
    /// sending offline), for the visitor's alarm and wake-up row.
    pub fn next_due(&self) -> Option<Millis> {
        let progress = self.progress.iter().filter_map(|p| match p.stage {
            Stage::Due { at } => Some(at),
            Stage::FollowUp { .. } | Stage::Held { .. } => None,
        });
        progress.chain(self.pending.iter().filter_map(|p| p.away_check)).min()
    }

    /// Takes in the campaign state of a visitor merged into this one (an anonymous visitor
    /// signing in as a member who has a customer already): what either received, is under
    /// way or waits for a page, so a once-only campaign stays once-only.
    pub fn absorb(&mut self, other: &VisitorState) {
        for (campaign, at) in &other.received {
            let mine = self.received.entry(campaign.clone()).or_insert(*at);
            *mine = (*mine).max(*at);
        }
        for id in &other.recent_events {
            self.remember(id);
        }
        for progress in &other.progress {
            if !self.progress.iter().any(|p| p.campaign == progress.campaign) {
                self.progress.push(progress.clone());
            }
        }
        for pending in &other.pending {
            if !self.pending.iter().any(|p| p.delivery == pending.delivery) {
                if self.pending.len() == MAX_PENDING {
                    self.pending.pop_front();
                }
                self.pending.push_back(pending.clone());
            }
        }
        let mut shown: Vec<Shown> = self.shown.iter().chain(other.shown.iter()).cloned().collect();
        shown.sort_by_key(|s| s.at);
        let skip = shown.len().saturating_sub(MAX_SHOWN);
        self.shown = shown.into_iter().skip(skip).collect();
        self.first_seen_at = match (self.first_seen_at, other.first_seen_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen_at = self.last_seen_at.max(other.last_seen_at);
    }

    /// A message just delivered to a visitor who counts as online: check at
    /// `now + ONLINE` whether a page took it (see [`away_checks`]).
    pub fn watch(&mut self, delivery: &DeliveryId, now: Millis) {
        if let Some(pending) = self.pending.iter_mut().find(|p| p.delivery == *delivery) {
            pending.away_check = Some(now + ONLINE);
        }
    }

    fn deliver(&mut self, visitor: &VisitorId, campaign: &Campaign, cause: &EventId, now: Millis) -> Delivery {
        let delivery = Delivery::new(visitor, campaign, cause, now);
        self.received.insert(campaign.id.clone(), now);
        if self.pending.len() == MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(Pending {
            delivery: delivery.id.clone(),
            campaign: campaign.id.clone(),
            sent_at: now,
            away_check: None,
        });
        delivery
    }
}

/// A channel's published campaigns in priority order, indexed by the event names their
/// triggers, follow-ups and goals listen to.
#[derive(Debug, Clone, Default)]
pub struct CampaignSet {
    campaigns: Vec<Campaign>,
    by_id: HashMap<CampaignId, usize>,
    by_trigger: HashMap<String, Vec<usize>>,
    by_goal: HashMap<String, Vec<usize>>,
}

impl CampaignSet {
    pub fn new(mut campaigns: Vec<Campaign>) -> CampaignSet {
        campaigns.sort_by_key(|c| c.priority);
        let mut set = CampaignSet { campaigns, ..CampaignSet::default() };
        for (i, c) in set.campaigns.iter().enumerate() {
            set.by_id.insert(c.id.clone(), i);
            if let Some(trigger) = c.trigger() {
                set.by_trigger.entry(trigger.event.clone()).or_default().push(i);
            }
            if let Some(Goal::Event(goal)) = &c.goal {
                set.by_goal.entry(goal.event.clone()).or_default().push(i);
            }
        }
        set
    }

    pub fn get(&self, id: &CampaignId) -> Option<&Campaign> {
        self.by_id.get(id).map(|&i| &self.campaigns[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &Campaign> {
        self.campaigns.iter()
    }

    pub fn len(&self) -> usize {
        self.campaigns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.campaigns.is_empty()
    }

    fn triggered_by<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Campaign> + 'a {
        self.by_trigger.get(name).into_iter().flatten().map(|&i| &self.campaigns[i])
    }
}

/// What a step needs besides the visitor: the channel (clock, business hours, cap), the
/// visitor's current session, the moment, and which campaigns' audiences the customer
/// is in (the shell asks D1 for those [`audience_checks`] names).
pub struct Context<'a> {
    pub channel: &'a Channel,
    pub session: Option<&'a str>,
    pub now: Millis,
    pub audience: &'a BTreeSet<CampaignId>,
}

impl Context<'_> {
    fn in_audience(&self, campaign: &Campaign) -> bool {
        campaign.audience.is_none() || self.audience.contains(&campaign.id)
    }
}

/// What moves a visitor: one of their events, or time passing (alarm, cron, a visit).
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Event(&'a Event),
    Tick,
}

/// What one step changed for one visitor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// False when the event id was seen before: nothing else happened.
    pub fresh: bool,
    /// New deliveries (also added to the visitor's pending messages).
    pub deliveries: Vec<Delivery>,
    /// Campaigns whose goal is this event: their deliveries to this visitor may reach
    /// their goal now (see [`crate::counting::record`]).
    pub goal_of: Vec<CampaignId>,
}

/// The campaigns with an audience that a step with `input` may move: the shell checks
/// whether the customer is in each, and passes the answers in [`Context::audience`].
pub fn audience_checks(set: &CampaignSet, state: &VisitorState, input: Input, now: Millis) -> Vec<CampaignId> {
    let mut ids: BTreeSet<&CampaignId> = BTreeSet::new();
    if let Input::Event(event) = input {
        ids.extend(set.triggered_by(&event.name).filter(|c| c.audience.is_some()).map(|c| &c.id));
    }
    for progress in &state.progress {
        if set.get(&progress.campaign).is_some_and(|c| c.audience.is_some()) {
            let due = matches!(progress.stage, Stage::Due { at } | Stage::Held { at } if at <= now);
            if due || matches!(input, Input::Event(_)) {
                ids.insert(&progress.campaign);
            }
        }
    }
    ids.into_iter().cloned().collect()
}

/// Applies one event or the passing of time to a visitor.
pub fn step(set: &CampaignSet, visitor: &VisitorId, state: &mut VisitorState, input: Input, ctx: &Context) -> Outcome {
    let now = ctx.now;
    let mut goal_of = Vec::new();
    if let Input::Event(event) = input {
        if !state.remember(&event.id) {
            return Outcome::default();
        }
        state.touch(now);
        goal_of = set
            .by_goal
            .get(&event.name)
            .into_iter()
            .flatten()
            .map(|&i| &set.campaigns[i])
            .filter(|c| matches!(&c.goal, Some(Goal::Event(goal)) if goal.matches(event)))
            .map(|c| c.id.clone())
            .collect();
        follow_ups(set, state, event, now);
        triggers(set, state, event, ctx);
    }
    // A campaign no longer published has ended for good (over 7 days ago): forget it.
    state.received.retain(|id, _| set.get(id).is_some());
    let deliveries = release(set, visitor, state, ctx);
    Outcome { fresh: true, deliveries, goal_of }
}

/// A follow-up event moves its campaigns on to their wait; expired follow-ups end.
fn follow_ups(set: &CampaignSet, state: &mut VisitorState, event: &Event, now: Millis) {
    state.progress.retain_mut(|progress| {
        let Stage::FollowUp { until } = progress.stage else { return true };
        if now > until {
            return false;
        }
        let Some(Kind::Automated { follow_up: Some(follow_up), wait, .. }) =
            set.get(&progress.campaign).map(|c| &c.kind)
        else {
            return false;
        };
        if follow_up.event.matches(event) {
            progress.stage = Stage::Due { at: now + wait.unwrap_or(0) };
        }
        true
    });
}

/// Starts every live campaign this event triggers that may reach the visitor and is
/// not already under way for them.
fn triggers(set: &CampaignSet, state: &mut VisitorState, event: &Event, ctx: &Context) {
    let now = ctx.now;
    for campaign in set.triggered_by(&event.name) {
        let Kind::Automated { trigger, wait, follow_up } = &campaign.kind else { continue };
        if !campaign.is_live(now)
            || !trigger.matches(event)
            || !campaign.may_reach(state.received.get(&campaign.id).copied(), now)
            || state.progress.iter().any(|p| p.campaign == campaign.id)
            || !ctx.in_audience(campaign)
        {
            continue;
        }
        let stage = match follow_up {
            Some(f) => Stage::FollowUp { until: now + f.within },
            None => Stage::Due { at: now + wait.unwrap_or(0) },
        };
        state.progress.push(Progress { campaign: campaign.id.clone(), cause: event.id.clone(), stage });
    }
}

/// Delivers what is due, in priority order: at most one message per step. A due message
/// outside its schedule waits for the next window; one over the frequency cap waits for
/// the next day (or, for the per-session cap, the next visit); one whose campaign is
/// paused waits for the visitor's next step after it resumes; one whose audience no
/// longer holds, whose campaign ended or that may no longer reach the visitor is dropped,
/// and so is a follow-up whose period is over.
fn release(set: &CampaignSet, visitor: &VisitorId, state: &mut VisitorState, ctx: &Context) -> Vec<Delivery> {
    let now = ctx.now;
    let mut deliveries = Vec::new();
    let mut due: Vec<(usize, usize)> = Vec::new();
    let mut keep = vec![true; state.progress.len()];
    for (i, progress) in state.progress.iter_mut().enumerate() {
        let Some(&index) = set.by_id.get(&progress.campaign) else {
            keep[i] = false;
            continue;
        };
        let campaign = &set.campaigns[index];
        if campaign.state.effective(campaign.starts_at, campaign.ends_at, now) == CampaignState::Ended {
            keep[i] = false;
            continue;
        }
        let at = match progress.stage {
            Stage::FollowUp { until } => {
                keep[i] = now <= until;
                continue;
            }
            Stage::Due { at } | Stage::Held { at } => at,
        };
        if at > now {
            continue;
        }
        if !campaign.is_live(now) {
            progress.stage = Stage::Held { at };
            continue;
        }
        let schedule = match &campaign.schedule {
            None => None,
            Some(ScheduleRef::Windows(schedule)) => Some(schedule),
            Some(ScheduleRef::BusinessHours(name)) => match ctx.channel.business_hours.get(name) {
                Some(schedule) => Some(schedule),
                None => {
                    // The set was removed or renamed: hold rather than send at any hour.
                    progress.stage = Stage::Held { at };
                    continue;
                }
            },
        };
        if let Some(schedule) = schedule
            && !schedule.is_open(ctx.channel.zone, now)
        {
            match schedule.next_open(ctx.channel.zone, now) {
                Some(open) => progress.stage = Stage::Due { at: open },
                None => keep[i] = false,
            }
            continue;
        }
        progress.stage = Stage::Due { at };
        due.push((index, i));
    }
    due.sort();
    for (index, i) in due {
        let campaign = &set.campaigns[index];
        if !ctx.in_audience(campaign) || !campaign.may_reach(state.received.get(&campaign.id).copied(), now) {
            keep[i] = false;
            continue;
        }
        if !deliveries.is_empty() {
            // Due now too: the wake-up brings it at the next step.
            continue;
        }
        if let Some(retry) = capped(ctx, state) {
            let at = match state.progress[i].stage {
                Stage::Due { at } | Stage::Held { at } | Stage::FollowUp { until: at } => at,
            };
            state.progress[i].stage = match retry {
                Some(next_day) => Stage::Due { at: next_day },
                None => Stage::Held { at },
            };
            continue;
        }
        let cause = state.progress[i].cause.clone();
        deliveries.push(state.deliver(visitor, campaign, &cause, now));
        if state.shown.len() == MAX_SHOWN {
            state.shown.pop_front();
        }
        state.shown.push_back(Shown { at: now, session: ctx.session.map(str::to_owned) });
        keep[i] = false;
    }
    let mut flags = keep.into_iter();
    state.progress.retain(|_| flags.next().unwrap_or(true));
    deliveries
}

/// `Some(retry)` when the channel's frequency cap holds the next message back: until the
/// next day of the channel (`Some(Some(at))`) or the next visit (`Some(None)`).
fn capped(ctx: &Context, state: &VisitorState) -> Option<Option<Millis>> {
    let cap = ctx.channel.cap;
    let today = ctx.channel.day_of(ctx.now);
    if let Some(limit) = cap.per_day {
        let used = state.shown.iter().filter(|s| ctx.channel.day_of(s.at) == today).count();
        if used >= limit as usize {
            return Some(Some(ctx.channel.start_of_day(today.next())));
        }
    }
    if let (Some(limit), Some(session)) = (cap.per_session, ctx.session) {
        let used = state.shown.iter().filter(|s| s.session.as_deref() == Some(session)).count();
        if used >= limit as usize {
            return Some(None);
        }
    }
    None
}

/// The cause a broadcast's deliveries derive their ids from: one per visitor and campaign.
pub fn broadcast_cause() -> EventId {
    EventId::parse("broadcast").unwrap_or_else(|_| unreachable!("a valid id"))
}

/// A one-time broadcast reaches the visitor: once, while the campaign is live. Not
/// subject to the frequency cap (a manager sent it on purpose).
pub fn broadcast(campaign: &Campaign, visitor: &VisitorId, state: &mut VisitorState, now: Millis) -> Option<Delivery> {
    let fits = matches!(campaign.kind, Kind::Broadcast) && campaign.is_live(now);
    (fits && !state.received.contains_key(&campaign.id))
        .then(|| state.deliver(visitor, campaign, &broadcast_cause(), now))
}

/// The site asked to show `campaign` now (`Kizuna('showCampaign', id)`): delivered when
/// it is live and the visitor is in its audience, whatever its trigger and schedule.
/// `request` makes a retried call deliver nothing twice.
pub fn on_demand(
    campaign: &Campaign,
    visitor: &VisitorId,
    state: &mut VisitorState,
    request: &EventId,
    ctx: &Context,
) -> Option<Delivery> {
    if !campaign.is_live(ctx.now) || !ctx.in_audience(campaign) || !state.remember(request) {
        return None;
    }
    state.touch(ctx.now);
    Some(state.deliver(visitor, campaign, request, ctx.now))
}

/// Hands the visitor's pending messages to a page: those whose campaign still shows.
/// Messages past the 7-day view window, or of a campaign that ended with "delete
/// unviewed", are dropped; those of a paused campaign wait.
pub fn take_pending<'a>(set: &'a CampaignSet, state: &mut VisitorState, now: Millis) -> Vec<(Pending, &'a Campaign)> {
    let mut out = Vec::new();
    let mut kept = VecDeque::new();
    for pending in state.pending.drain(..) {
        let Some(campaign) = set.get(&pending.campaign) else { continue };
        if now - pending.sent_at > WINDOW {
            continue;
        }
        match campaign.state.effective(campaign.starts_at, campaign.ends_at, now) {
            CampaignState::Paused => kept.push_back(pending),
            CampaignState::Ended if campaign.delete_unviewed => {}
            _ => out.push((pending, campaign)),
        }
    }
    state.pending = kept;
    // Higher priority first; a stable sort keeps delivery order among equals.
    out.sort_by_key(|(_, campaign)| campaign.priority);
    out
}

/// The watched pending messages whose check is due: returned (to go by email or SMS)
/// when the visitor is away now, and watched again for another [`ONLINE`] when they are
/// still active (a page will take them).
pub fn away_checks(state: &mut VisitorState, now: Millis) -> Vec<Pending> {
    let online = state.is_online(now);
    let mut out = Vec::new();
    for pending in state.pending.iter_mut() {
        if pending.away_check.is_some_and(|at| at <= now) {
            if online {
                pending.away_check = Some(now + ONLINE);
            } else {
                pending.away_check = None;
                out.push(pending.clone());
            }
        }
    }
    out
}

/// Whether a message still waiting for the visitor may be sent to them at all now (by
/// email or SMS): its campaign is published and did not end with "delete unviewed".
pub fn still_wanted(campaign: Option<&Campaign>, now: Millis) -> bool {
    campaign.is_some_and(|c| {
        let ended = c.state.effective(c.starts_at, c.ends_at, now) == CampaignState::Ended;
        !(ended && c.delete_unviewed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::FrequencyCap;
    use crate::event::{PAGE_VIEW, PropertyValue};
    use crate::schedule::Zone;
    use crate::stored::CampaignDocV1;
    use crate::time::{DAY, HOUR, MINUTE};

    /// Monday 2026-11-30 00:00 in Tokyo.
    const MON: Millis = 1_795_964_400_000;
    const NOW: Millis = MON + 10 * HOUR;

    /// A campaign from its JSON settings (the admin API's shape), `extra` merged in.
    fn campaign(id: &str, extra: &str) -> Campaign {
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

    fn channel() -> Channel {
        Channel {
            id: crate::ids::ChannelId::parse("demo").unwrap(),
            name: "Demo".to_owned(),
            zone: Zone::parse("Asia/Tokyo").unwrap(),
            identity_secrets: None,
            fields: Vec::new(),
            business_hours: BTreeMap::new(),
            cap: FrequencyCap::default(),
        }
    }

    fn event(id: &str, name: &str, props: &[(&str, PropertyValue)]) -> Event {
        Event {
            id: EventId::parse(id).unwrap(),
            name: name.to_owned(),
            properties: props.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
        }
    }

    fn page_view(id: &str, url: &str) -> Event {
        event(id, PAGE_VIEW, &[("url", PropertyValue::Text(url.to_owned()))])
    }

    fn visitor() -> VisitorId {
        VisitorId::parse("v1").unwrap()
    }

    /// One visitor against a set of campaigns, with the customer in every audience
    /// unless `outside` lists the campaign.
    struct Run {
        set: CampaignSet,
        channel: Channel,
        state: VisitorState,
        outside: BTreeSet<CampaignId>,
        session: Option<String>,
    }

    impl Run {
        fn new(campaigns: Vec<Campaign>) -> Run {
            Run {
                set: CampaignSet::new(campaigns),
                channel: channel(),
                state: VisitorState::default(),
                outside: BTreeSet::new(),
                session: Some("s1".to_owned()),
            }
        }

        fn step(&mut self, input: Input, now: Millis) -> Outcome {
            let audience: BTreeSet<CampaignId> = audience_checks(&self.set, &self.state, input, now)
                .into_iter()
                .filter(|id| !self.outside.contains(id))
                .collect();
            let ctx = Context { channel: &self.channel, session: self.session.as_deref(), now, audience: &audience };
            step(&self.set, &visitor(), &mut self.state, input, &ctx)
        }

        /// The campaigns delivered by `event` at `now`.
        fn on(&mut self, event: &Event, now: Millis) -> Vec<String> {
            names(&self.step(Input::Event(event), now))
        }

        fn tick(&mut self, now: Millis) -> Vec<String> {
            names(&self.step(Input::Tick, now))
        }
    }

    fn names(outcome: &Outcome) -> Vec<String> {
        outcome.deliveries.iter().map(|d| d.campaign_id.as_str().to_owned()).collect()
    }

    #[test]
    fn a_page_view_on_a_matching_url_delivers_the_campaign() {
        let mut run = Run::new(vec![campaign("c1", "")]);
        let out = run.step(Input::Event(&page_view("e1", "https://x.y/shop/a")), NOW);
        assert_eq!(names(&out), ["c1"]);
        assert_eq!(out.deliveries[0].sent_at, NOW);
        assert_eq!(run.state.received.get(&CampaignId::parse("c1").unwrap()), Some(&NOW));
        assert_eq!(run.state.pending.len(), 1, "it waits to be handed to the page");
    }

    #[test]
    fn a_page_view_elsewhere_delivers_nothing() {
        let mut run = Run::new(vec![campaign("c1", "")]);
        let out = run.step(Input::Event(&page_view("e1", "https://x.y/about")), NOW);
        assert!(out.fresh);
        assert!(out.deliveries.is_empty());
    }

    #[test]
    fn property_conditions_must_all_hold() {
        let cart = r#","trigger":{"event":"CartUpdated","conditions":[
            {"property":"total","op":"greaterThan","value":5000},
            {"property":"plan","op":"startsWith","value":"gold"}]}"#;
        let mut run = Run::new(vec![campaign("c1", cart)]);
        let with = |total: f64, plan: &str| {
            [("total", PropertyValue::Number(total)), ("plan", PropertyValue::Text(plan.to_owned()))]
        };
        assert!(run.on(&event("e1", "CartUpdated", &with(4000.0, "gold-1")), NOW).is_empty());
        assert!(run.on(&event("e2", "CartUpdated", &with(6000.0, "silver")), NOW).is_empty());
        assert!(run.on(&event("e3", "CartUpdated", &[("plan", PropertyValue::Text("gold".into()))]), NOW).is_empty());
        assert_eq!(run.on(&event("e4", "CartUpdated", &with(6000.0, "gold-1")), NOW), ["c1"]);
    }

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

    #[test]
    fn a_campaign_reaches_a_visitor_at_most_once() {
        let mut run = Run::new(vec![campaign("c1", "")]);
        assert_eq!(run.on(&page_view("e1", "/shop"), NOW), ["c1"]);
        assert!(run.on(&page_view("e2", "/shop"), NOW + DAY).is_empty());
        assert!(run.on(&page_view("e3", "/shop"), NOW + 400 * DAY).is_empty());
    }

    #[test]
    fn with_repeat_on_a_campaign_reaches_a_visitor_again_after_exactly_its_interval() {
        let mut run = Run::new(vec![campaign("c1", r#","repeat":{"everyHours":24}"#)]);
        assert_eq!(run.on(&page_view("e1", "/shop"), NOW).len(), 1);
        assert_eq!(run.on(&page_view("e2", "/shop"), NOW + DAY - 1).len(), 0, "one ms short of 24 hours");
        assert_eq!(run.on(&page_view("e3", "/shop"), NOW + DAY).len(), 1, "exactly 24 hours later");
        assert_eq!(run.on(&page_view("e4", "/shop"), NOW + DAY + HOUR).len(), 0, "counted from the last delivery");
    }

    #[test]
    fn a_repeat_interval_under_24_hours_is_refused() {
        let mut doc: CampaignDocV1 = serde_json::from_str(
            r#"{"id":"c1","name":"R","state":"running","trigger":{"event":"PageView"},
                "message":{"sender":{"name":"S"},"text":"Hi","display":"bubble"},"repeat":{"everyHours":23}}"#,
        )
        .unwrap();
        assert_eq!(Campaign::try_from(&doc).unwrap_err().field, "repeat.everyHours");
        doc.repeat = Some(crate::stored::RepeatDoc { every_hours: 24 });
        assert_eq!(Campaign::try_from(&doc).unwrap().repeat_every, Some(DAY));
    }

    #[test]
    fn a_retried_event_changes_nothing_the_second_time() {
        let mut run = Run::new(vec![campaign("c1", ""), campaign("c2", "")]);
        let event = page_view("e1", "/shop");
        assert_eq!(run.on(&event, NOW).len(), 1);
        let before = run.state.clone();
        assert_eq!(run.step(Input::Event(&event), NOW + HOUR), Outcome::default());
        assert_eq!(run.state, before);
    }

    #[test]
    fn one_step_delivers_at_most_one_message_in_priority_order() {
        let mut run = Run::new(vec![campaign("second", r#","priority":2"#), campaign("first", r#","priority":1"#)]);
        assert_eq!(run.on(&page_view("e1", "/shop"), NOW), ["first"]);
        assert_eq!(run.tick(NOW + 1), ["second"], "the other one went on waiting, and goes next");
    }

    #[test]
    fn campaigns_outside_their_running_period_deliver_nothing() {
        let mut paused = campaign("paused", "");
        paused.state = CampaignState::Paused;
        let later = campaign("later", &format!(r#","startsAt":{}"#, NOW + 1));
        let over = campaign("over", &format!(r#","endsAt":{NOW}"#));
        let mut run = Run::new(vec![paused, later, over]);
        assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
    }

    #[test]
    fn an_event_goal_with_conditions_points_at_its_campaigns() {
        let goal = r#","goal":{"kind":"event","name":"CheckoutComplete",
            "conditions":[{"property":"total","op":"greaterThan","value":1000}]}"#;
        let mut run = Run::new(vec![campaign("c1", goal)]);
        let small = event("e1", "CheckoutComplete", &[("total", PropertyValue::Number(500.0))]);
        assert!(run.step(Input::Event(&small), NOW).goal_of.is_empty());
        let big = event("e2", "CheckoutComplete", &[("total", PropertyValue::Number(5000.0))]);
        let out = run.step(Input::Event(&big), NOW);
        assert_eq!(out.goal_of, vec![CampaignId::parse("c1").unwrap()]);
        assert!(out.deliveries.is_empty());
    }

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
    fn a_customer_outside_the_audience_is_not_triggered() {
        let mut run = Run::new(vec![campaign("c1", r#","audience":{"segment":"vip"}"#)]);
        run.outside.insert(CampaignId::parse("c1").unwrap());
        assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
        assert!(run.state.progress.is_empty());
    }

    #[test]
    fn a_follow_up_within_its_days_sends_and_one_after_does_not() {
        let follow = r#","followUp":{"trigger":{"event":"CartAbandoned"},"withinDays":3}"#;
        let mut run = Run::new(vec![campaign("c1", follow)]);
        assert!(run.on(&page_view("e1", "/shop"), NOW).is_empty());
        assert_eq!(run.on(&event("e2", "CartAbandoned", &[]), NOW + 3 * DAY), ["c1"], "exactly 3 days later");

        let mut late = Run::new(vec![campaign("c1", follow)]);
        late.on(&page_view("e1", "/shop"), NOW);
        assert!(late.on(&event("e2", "CartAbandoned", &[]), NOW + 3 * DAY + 1).is_empty());
        assert!(late.state.progress.is_empty(), "the follow-up period is over");
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
    fn a_follow_up_period_ends_with_time_alone() {
        let follow = r#","followUp":{"trigger":{"event":"CartAbandoned"},"withinDays":1}"#;
        let mut run = Run::new(vec![campaign("c1", follow)]);
        run.on(&page_view("e1", "/shop"), NOW);
        run.tick(NOW + DAY);
        assert_eq!(run.state.progress.len(), 1, "exactly a day later it may still come");
        run.tick(NOW + DAY + 1);
        assert!(run.state.progress.is_empty());
    }

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
        assert!(
            anonymous.on(&page_view("e2", "/shop"), NOW + 2 * HOUR).iter().all(|c| c != "c1"),
            "c1 stays once-only"
        );
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
        assert_eq!(first.id, DeliveryId::derive(&visitor(), &news.id, &broadcast_cause()));
        assert!(broadcast(&news, &visitor(), &mut state, NOW + 1).is_none(), "a redelivered batch sends nothing");
        let set = CampaignSet::new(vec![news]);
        assert_eq!(take_pending(&set, &mut state, NOW + DAY).len(), 1, "on the next visit");
        assert!(take_pending(&set, &mut state, NOW + DAY).is_empty(), "handed out once");
    }

    #[test]
    fn pending_messages_expire_after_seven_days_or_when_deleted_unviewed() {
        let mut run = Run::new(vec![campaign("c1", ""), campaign("c2", r#","deleteUnviewed":true,"priority":1"#)]);
        run.on(&page_view("e1", "/shop"), NOW);
        run.tick(NOW + 1);
        assert_eq!(run.state.pending.len(), 2);
        let mut expired = run.state.clone();
        assert!(take_pending(&run.set, &mut expired, NOW + 7 * DAY + 2).is_empty(), "past the view window");
        let ended: Vec<Campaign> =
            run.set.iter().cloned().map(|c| Campaign { state: CampaignState::Ended, ..c }).collect();
        let ended = CampaignSet::new(ended);
        let handed = take_pending(&ended, &mut run.state, NOW + HOUR);
        let ids: Vec<&str> = handed.iter().map(|(p, _)| p.campaign.as_str()).collect();
        assert_eq!(ids, ["c1"], "the campaign that deletes unviewed messages took its message back");
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
}
