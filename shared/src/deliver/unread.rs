//! Messages a page took but the visitor has not viewed: they wait behind the widget's
//! launcher, in every tab and on every device of the customer (the list lives in the
//! visitor's object), until they are viewed, until the 7-day view window after sending
//! ends, until the visitor marks them read, or until their campaign ends with "delete
//! unviewed" (then open pages take them off the screen too).
//!
//! Invariants: a delivery is listed at most once; the list holds at most [`MAX_UNREAD`]
//! (the oldest goes first); a message listed is one a page took, so it counts as sent
//! already, and leaving the list (read, expired, withdrawn) changes no counter.

use super::pending::still_wanted;
use super::{CampaignSet, MAX_PENDING, Pending, VisitorState};
use crate::campaign::Campaign;
use crate::counting::WINDOW;
use crate::ids::{CampaignId, DeliveryId};
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// Most unread messages a visitor keeps (as many as may wait for a page).
pub const MAX_UNREAD: usize = MAX_PENDING;

/// A message a page took that the visitor has not viewed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unread {
    pub delivery: DeliveryId,
    pub campaign: CampaignId,
    /// When it was delivered: it waits at most the view window ([`WINDOW`]) after this.
    pub sent_at: Millis,
}

impl VisitorState {
    /// A page took `pending`: it stays unread until the visitor views it.
    pub fn note_unread(&mut self, pending: &Pending) {
        if self.unread.iter().any(|u| u.delivery == pending.delivery) {
            return;
        }
        if self.unread.len() == MAX_UNREAD {
            self.unread.pop_front();
        }
        self.unread.push_back(Unread {
            delivery: pending.delivery.clone(),
            campaign: pending.campaign.clone(),
            sent_at: pending.sent_at,
        });
    }

    /// The visitor viewed, clicked or marked read `deliveries`: they leave the list.
    /// How many were listed (ids not listed, or not this visitor's, change nothing).
    pub fn mark_read(&mut self, deliveries: &[DeliveryId]) -> usize {
        let before = self.unread.len();
        self.unread.retain(|u| !deliveries.contains(&u.delivery));
        before - self.unread.len()
    }

    /// Takes in another visitor's unread messages (a sign-in merge), oldest first.
    pub(super) fn absorb_unread(&mut self, other: &VisitorState) {
        let mut all: Vec<Unread> = self.unread.iter().chain(other.unread.iter()).cloned().collect();
        all.sort_by_key(|u| u.sent_at);
        all.dedup_by(|a, b| a.delivery == b.delivery);
        let skip = all.len().saturating_sub(MAX_UNREAD);
        self.unread = all.into_iter().skip(skip).collect();
    }
}

/// The unread messages a page lists now, oldest first, each with its campaign. Those past
/// the view window, or whose campaign ended with "delete unviewed", leave the list for
/// good; those of a campaign this copy of the published campaigns does not hold, or
/// delivered before the unverified sign-in the page's token came from (`signed_in_at`,
/// as for [`take_pending_since`](super::take_pending_since)), stay listed but unshown.
pub fn unread_now<'a>(
    set: &'a CampaignSet,
    state: &mut VisitorState,
    now: Millis,
    signed_in_at: Option<Millis>,
) -> Vec<(Unread, &'a Campaign)> {
    state.unread.retain(|u| {
        let campaign = set.get(&u.campaign);
        now - u.sent_at <= WINDOW && (campaign.is_none() || still_wanted(campaign, now))
    });
    state
        .unread
        .iter()
        .filter(|u| signed_in_at.is_none_or(|at| u.sent_at >= at))
        .filter_map(|u| Some((u.clone(), set.get(&u.campaign)?)))
        .collect()
}

#[cfg(test)]
mod tests;
