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
mod tests;
