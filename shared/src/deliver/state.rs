//! What the engine remembers about one visitor: campaigns under way, messages waiting
//! for a page, what reached them and when, and the recent event ids that make a retried
//! event change nothing.
//!
//! Invariant: a visitor's record stays bounded however long they stay: recent event
//! ids, waiting and unread messages and on-site deliveries by a constant each
//! ([`RECENT_EVENTS`], [`MAX_PENDING`], [`MAX_UNREAD`](super::MAX_UNREAD), `MAX_SHOWN`), campaigns under way and received by the published
//! campaigns (at most one entry per campaign).

use crate::campaign::variants::{Arm, assign, goal_counts};
use crate::campaign::{Campaign, Message};
use crate::counting::Delivery;
use crate::ids::{CampaignId, DeliveryId, EventId, VisitorId};
use crate::time::{MINUTE, Millis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// How many recent ids a visitor's record remembers: what de-duplicates `showCampaign`
/// request ids, and a second guard for events behind the visitor object's 7-day memory of
/// accepted event ids (`event::EVENT_MEMORY`, kept by the edge), which replaces it for
/// replays.
pub const RECENT_EVENTS: usize = 256;
/// A visitor active within this long is online: messages reach them on the site.
pub const ONLINE: Millis = 5 * MINUTE;
/// Most messages waiting for the visitor's next page.
pub const MAX_PENDING: usize = 20;
/// Most remembered on-site deliveries for the frequency cap.
pub(super) const MAX_SHOWN: usize = 100;

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

/// The arm of a campaign's variants a visitor was first assigned to (issue 12): kept for
/// good, so a later change of the shares, or signing in, does not move them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assigned {
    /// The variant's index (0-based); absent for the control group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<usize>,
    pub at: Millis,
    /// D1 holds the assignment (`variant_assignments`): the shell writes the new ones
    /// after a step and sets this before the record is saved.
    #[serde(default)]
    pub recorded: bool,
    /// The campaign's goal event was written to D1 for it: at most once.
    #[serde(default)]
    pub goal_noted: bool,
}

impl Assigned {
    pub fn arm(&self) -> Arm {
        self.variant.map_or(Arm::Control, Arm::Variant)
    }
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
    /// The arm of each campaign with variants that was about to reach the visitor.
    pub arms: BTreeMap<CampaignId, Assigned>,
    /// Messages a page took that the visitor has not viewed, oldest first (`unread`).
    pub unread: VecDeque<super::Unread>,
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
        self.absorb_unread(other);
        let mut shown: Vec<Shown> = self.shown.iter().chain(other.shown.iter()).cloned().collect();
        shown.sort_by_key(|s| s.at);
        let skip = shown.len().saturating_sub(MAX_SHOWN);
        self.shown = shown.into_iter().skip(skip).collect();
        self.first_seen_at = match (self.first_seen_at, other.first_seen_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen_at = self.last_seen_at.max(other.last_seen_at);
        // The earlier assignment wins: the customer keeps the arm they were first in.
        for (campaign, theirs) in &other.arms {
            match self.arms.get(campaign) {
                Some(mine) if mine.at <= theirs.at => {}
                // D1's row is moved by the shell's merge (the earlier one is kept there too).
                _ => {
                    self.arms.insert(campaign.clone(), *theirs);
                }
            }
        }
    }

    /// The arm of `campaign` the visitor is in, assigned by [`assign`] and remembered the
    /// first time; `None` for a campaign without variants.
    pub(super) fn arm(&mut self, visitor: &VisitorId, campaign: &Campaign, now: Millis) -> Option<Arm> {
        let variants = campaign.variants.as_ref()?;
        let assigned = self.arms.entry(campaign.id.clone()).or_insert_with(|| {
            let variant = match assign(visitor, &campaign.id, &variants.split) {
                Arm::Variant(i) => Some(i),
                Arm::Control => None,
            };
            Assigned { variant, at: now, recorded: false, goal_noted: false }
        });
        Some(assigned.arm())
    }

    /// The message of `campaign` this visitor receives: their arm's (see
    /// [`Campaign::message_for`]).
    pub fn message_of<'a>(&self, campaign: &'a Campaign) -> Option<&'a Message> {
        campaign.message_for(self.arms.get(&campaign.id).map(Assigned::arm))
    }

    /// Assignments D1 does not hold yet, marked as held: the shell writes them in the
    /// same call, before the record is saved (a failure saves neither).
    pub fn unrecorded_arms(&mut self) -> Vec<(CampaignId, Assigned)> {
        self.arms
            .iter_mut()
            .filter(|(_, a)| !a.recorded)
            .map(|(id, a)| {
                a.recorded = true;
                (id.clone(), *a)
            })
            .collect()
    }

    /// Of the campaigns whose goal event just came (`goal_of`), those whose arm for this
    /// visitor was assigned at most 7 days ago (`variants::GOAL_WINDOW`) and has no goal yet: marked, so
    /// the shell writes each goal to D1 once (no view is needed, so the control counts).
    pub fn arm_goals(&mut self, goal_of: &[CampaignId], now: Millis) -> Vec<(CampaignId, Assigned)> {
        goal_of
            .iter()
            .filter_map(|id| {
                let assigned = self.arms.get_mut(id)?;
                (!assigned.goal_noted && goal_counts(assigned.at, now)).then(|| {
                    assigned.goal_noted = true;
                    (id.clone(), *assigned)
                })
            })
            .collect()
    }

    /// A message just delivered to a visitor who counts as online: check at
    /// `now + ONLINE` whether a page took it (see [`away_checks`](super::away_checks)).
    pub fn watch(&mut self, delivery: &DeliveryId, now: Millis) {
        if let Some(pending) = self.pending.iter_mut().find(|p| p.delivery == *delivery) {
            pending.away_check = Some(now + ONLINE);
        }
    }

    /// Whether `campaign` may reach the visitor at `now`, by what it last delivered to
    /// them: once only, or again after its repeat interval.
    pub(super) fn may_receive(&self, campaign: &Campaign, now: Millis) -> bool {
        campaign.may_reach(self.received.get(&campaign.id).copied(), now)
    }

    /// Notes an automated campaign's on-site message sent at `now` in `session`, for the
    /// frequency cap.
    pub(super) fn note_shown(&mut self, now: Millis, session: Option<&str>) {
        if self.shown.len() == MAX_SHOWN {
            self.shown.pop_front();
        }
        self.shown.push_back(Shown { at: now, session: session.map(str::to_owned) });
    }

    /// Records that `campaign` reached the visitor at `now` because of `cause`: the
    /// message waits for their next page. With variants, the visitor's arm decides
    /// (assigned now if it was not): the control group, or a variant removed since they
    /// were assigned, receives nothing (`None`) but counts as reached, so the campaign's
    /// repeat rule treats them as it treats the others.
    pub(super) fn deliver(
        &mut self,
        visitor: &VisitorId,
        campaign: &Campaign,
        cause: &EventId,
        now: Millis,
    ) -> Option<Delivery> {
        let arm = self.arm(visitor, campaign, now);
        self.received.insert(campaign.id.clone(), now);
        let message = campaign.message_for(arm)?;
        let mut delivery = Delivery::new(visitor, campaign, cause, now);
        delivery.display = message.display;
        if self.pending.len() == MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(Pending {
            delivery: delivery.id.clone(),
            campaign: campaign.id.clone(),
            sent_at: now,
            away_check: None,
        });
        Some(delivery)
    }
}

#[cfg(test)]
mod tests;
