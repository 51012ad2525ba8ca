//! Messages delivered but not yet seen: handing them to a page, sending them by email
//! or SMS when the visitor left before a page took them, and whether one is still wanted.
//!
//! Invariants: a pending message is handed to a page at most once; it is dropped after
//! the 7-day view window (expired) or when its campaign ended with "delete unviewed"
//! (withdrawn), and each drop is reported so the delivery's state can say so; a watched
//! message goes offline at most once, and only while the visitor is away.

use super::{CampaignSet, ONLINE, Pending, VisitorState};
use crate::campaign::{Campaign, CampaignState};
use crate::counting::{Fate, WINDOW};
use crate::time::Millis;
use std::collections::VecDeque;

/// Hands the visitor's pending messages to a page: those whose campaign still shows.
/// Messages past the 7-day view window, or of a campaign that ended with "delete
/// unviewed", are dropped; those of a paused campaign, or of one this copy of the
/// published campaigns does not hold, wait.
pub fn take_pending<'a>(set: &'a CampaignSet, state: &mut VisitorState, now: Millis) -> Vec<(Pending, &'a Campaign)> {
    take_pending_since(set, state, now, None).handed
}

/// What one page's take did to the visitor's pending messages.
#[derive(Debug, Default)]
pub struct Taken<'a> {
    /// Handed to the page (it reached the customer), higher priority first.
    pub handed: Vec<(Pending, &'a Campaign)>,
    /// Dropped without reaching the customer: [`Fate::Expired`] or [`Fate::Withdrawn`].
    pub dropped: Vec<(Pending, Fate)>,
}

/// [`take_pending`] for a page opened by a sign-in without identity verification at
/// `signed_in_at`: it is not handed messages delivered before then (they stay pending for
/// the member's own pages), so naming someone's member id does not read their messages.
pub fn take_pending_since<'a>(
    set: &'a CampaignSet,
    state: &mut VisitorState,
    now: Millis,
    signed_in_at: Option<Millis>,
) -> Taken<'a> {
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    let mut kept = VecDeque::new();
    for pending in state.pending.drain(..) {
        if now - pending.sent_at > WINDOW {
            dropped.push((pending, Fate::Expired));
            continue;
        }
        // Not in this copy of the published campaigns: a stale copy (a broadcast that
        // went out before the copy was refreshed) must not drop it, so it waits.
        let Some(campaign) = set.get(&pending.campaign) else {
            kept.push_back(pending);
            continue;
        };
        if signed_in_at.is_some_and(|at| pending.sent_at < at) {
            kept.push_back(pending);
            continue;
        }
        match campaign.state.effective(campaign.starts_at, campaign.ends_at, now) {
            CampaignState::Paused => kept.push_back(pending),
            CampaignState::Ended if campaign.delete_unviewed => dropped.push((pending, Fate::Withdrawn)),
            _ => out.push((pending, campaign)),
        }
    }
    state.pending = kept;
    // Higher priority first; a stable sort keeps delivery order among equals.
    out.sort_by_key(|(_, campaign)| campaign.priority);
    Taken { handed: out, dropped }
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
