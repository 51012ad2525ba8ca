//! One step of the engine for one visitor: an event or the passing of time comes in,
//! campaigns start, follow-ups move on, goals are noticed, and what is due is released.
//!
//! Invariants: an event id seen before changes nothing; a campaign starts for a visitor
//! only while it is live, its trigger matches, it may reach them again, it is not under
//! way for them already, and they are in its audience.

use super::release::release;
use super::{CampaignSet, Progress, Stage, VisitorState};
use crate::campaign::{Campaign, Goal, Kind};
use crate::channel::Channel;
use crate::counting::Delivery;
use crate::event::Event;
use crate::ids::{CampaignId, VisitorId};
use crate::time::Millis;
use std::collections::BTreeSet;

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
    pub(super) fn in_audience(&self, campaign: &Campaign) -> bool {
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
            .with_goal(&event.name)
            .filter(|c| matches!(&c.goal, Goal::Event(goal) if goal.matches(event)))
            .map(|c| c.id.clone())
            .collect();
        follow_ups(set, state, event, now);
        triggers(set, state, event, ctx);
    }
    // A campaign no longer published has ended for good (over 7 days ago): forget it.
    state.received.retain(|id, _| set.get(id).is_some());
    // An arm is kept while its campaign is published or a message of it waits (the
    // message shown is the arm's).
    let waiting: BTreeSet<CampaignId> = state.pending.iter().map(|p| p.campaign.clone()).collect();
    state.arms.retain(|id, _| set.get(id).is_some() || waiting.contains(id));
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
            || !state.may_receive(campaign, now)
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

#[cfg(test)]
mod tests;
