//! Messages sent on purpose rather than by a trigger: a one-time broadcast, and a
//! campaign the site asks to show now.
//!
//! Invariants: a broadcast reaches a visitor at most once; a retried on-demand request
//! delivers nothing twice; neither counts against the frequency cap.

use super::{Context, VisitorState};
use crate::campaign::{Campaign, Kind};
use crate::counting::Delivery;
use crate::ids::{EventId, VisitorId};
use crate::time::Millis;

/// A one-time broadcast reaches the visitor: once, while the campaign is live. Not
/// subject to the frequency cap (a manager sent it on purpose).
pub fn broadcast(campaign: &Campaign, visitor: &VisitorId, state: &mut VisitorState, now: Millis) -> Option<Delivery> {
    let fits = matches!(campaign.kind, Kind::Broadcast) && campaign.is_live(now);
    (fits && !state.received.contains_key(&campaign.id))
        .then(|| state.deliver(visitor, campaign, &EventId::broadcast(), now))
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

#[cfg(test)]
mod tests;
