//! What the engine remembers about one visitor: campaigns under way, messages waiting
//! for a page, what reached them and when, and the recent event ids that make a retried
//! event change nothing.
//!
//! Invariant: a visitor's record stays bounded however long they stay: recent event
//! ids, waiting messages and on-site deliveries by a constant each ([`RECENT_EVENTS`],
//! [`MAX_PENDING`], `MAX_SHOWN`), campaigns under way and received by the published
//! campaigns (at most one entry per campaign).

use crate::campaign::Campaign;
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
    /// message waits for their next page.
    pub(super) fn deliver(
        &mut self,
        visitor: &VisitorId,
        campaign: &Campaign,
        cause: &EventId,
        now: Millis,
    ) -> Delivery {
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

#[cfg(test)]
mod tests;
