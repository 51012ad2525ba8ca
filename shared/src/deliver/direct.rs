//! Messages sent on purpose rather than by a trigger: a one-time broadcast, and a
//! campaign the site asks to show now.
//!
//! Invariants: a broadcast reaches a visitor at most once and does not count against the
//! frequency cap. A campaign shows on demand only when its `onDemand` setting allows it,
//! and then as an automated on-site message: within its repeat rule and the frequency
//! cap (the same checks as a triggered message), counted in the cap; a retried request
//! delivers nothing twice.

use super::release::cap_hold;
use super::{Context, VisitorState};
use crate::campaign::{Campaign, Kind};
use crate::counting::Delivery;
use crate::ids::{EventId, VisitorId};
use crate::invalid::FieldError;
use crate::time::Millis;

/// A one-time broadcast reaches the visitor: once, while the campaign is live. Not
/// subject to the frequency cap (a manager sent it on purpose).
pub fn broadcast(campaign: &Campaign, visitor: &VisitorId, state: &mut VisitorState, now: Millis) -> Option<Delivery> {
    let fits = matches!(campaign.kind, Kind::Broadcast) && campaign.is_live(now);
    (fits && !state.received.contains_key(&campaign.id))
        .then(|| state.deliver(visitor, campaign, &EventId::broadcast(), now))
        .flatten()
}

/// Whether the site may ask for `campaign` with `Kizuna('showCampaign', id)` at all: only
/// when its `onDemand` setting is on (a page's script must not inflate the statistics of
/// campaigns meant for their triggers). The shell asks before it asks D1 for the audience.
pub fn shows_on_demand(campaign: &Campaign) -> Result<(), FieldError> {
    if campaign.on_demand {
        Ok(())
    } else {
        Err(FieldError::new("campaignId", "this campaign does not show on demand (onDemand is off)"))
    }
}

/// The site asked to show `campaign` now (`Kizuna('showCampaign', id)`): refused unless it
/// [`shows_on_demand`]; delivered when it is live, the visitor is in its audience, its
/// repeat rule lets it reach them again (a once-only campaign they received, by its
/// trigger or on demand, does not show again) and the channel's frequency cap has room,
/// whatever its trigger and schedule; nothing otherwise. `request` makes a retried call
/// deliver nothing twice.
pub fn on_demand(
    campaign: &Campaign,
    visitor: &VisitorId,
    state: &mut VisitorState,
    request: &EventId,
    ctx: &Context,
) -> Result<Option<Delivery>, FieldError> {
    shows_on_demand(campaign)?;
    let now = ctx.now;
    // The page asking is the visitor at work, shown something or not.
    state.touch(now);
    let reaches = campaign.is_live(now)
        && ctx.in_audience(campaign)
        && state.may_receive(campaign, now)
        && cap_hold(ctx, state).is_none();
    if !reaches || !state.remember(request) {
        return Ok(None);
    }
    let delivery = state.deliver(visitor, campaign, request, now);
    // The control group is shown nothing, so nothing counts against the cap.
    if delivery.is_some() {
        state.note_shown(now, ctx.session);
    }
    Ok(delivery)
}

#[cfg(test)]
mod tests;
