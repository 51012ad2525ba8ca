//! Releasing what is due: which campaign under way delivers its message at this step,
//! which waits (for its schedule, the frequency cap, or its campaign to resume), and
//! which ends without a message.
//!
//! Invariants: at most one message per step, in priority order; never beyond the
//! channel's frequency cap; never outside the campaign's schedule; the audience is
//! checked again when the message is due. Each campaign under way gets one decision,
//! and the decisions are applied together at the end.

use super::{CampaignSet, Context, Progress, Stage, VisitorState};
use crate::campaign::{Campaign, CampaignState, ScheduleRef};
use crate::counting::Delivery;
use crate::ids::VisitorId;
use crate::time::Millis;

/// What becomes of one campaign under way after this step.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Next {
    /// It stays under way, at this stage.
    Stay(Stage),
    /// It is over: delivered, or it can no longer deliver.
    End,
}

/// A campaign under way whose message is due now and whose schedule is open: it
/// competes for the step's one message.
struct Ready<'a> {
    /// Its campaign's place in priority order.
    rank: usize,
    /// Its place in the visitor's progress.
    index: usize,
    at: Millis,
    campaign: &'a Campaign,
}

/// What a look at one campaign under way settles: its next stage, or that it is ready.
enum Look<'a> {
    Settled(Next),
    Ready(Ready<'a>),
}

/// Why the frequency cap holds the next on-site message back, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hold {
    /// The day's cap is used up: due again when the channel's next day starts.
    NextDay(Millis),
    /// The visit's cap is used up: held until the visitor's next step.
    NextVisit,
}

/// Delivers what is due, in priority order: at most one message per step. A due message
/// outside its schedule waits for the next window; one over the frequency cap waits for
/// the next day (or, for the per-session cap, the next visit); one whose campaign is
/// paused waits for the visitor's next step after it resumes; one whose audience no
/// longer holds, whose campaign ended or that may no longer reach the visitor is dropped,
/// and so is a follow-up whose period is over.
pub(super) fn release(
    set: &CampaignSet,
    visitor: &VisitorId,
    state: &mut VisitorState,
    ctx: &Context,
) -> Vec<Delivery> {
    let now = ctx.now;
    let mut next = Vec::with_capacity(state.progress.len());
    let mut ready = Vec::new();
    for (index, progress) in state.progress.iter().enumerate() {
        match look(set, index, progress, ctx) {
            Look::Settled(settled) => next.push(settled),
            Look::Ready(r) => {
                // Unless the loop below decides otherwise, it stays due: the wake-up
                // brings it at the next step.
                next.push(Next::Stay(Stage::Due { at: r.at }));
                ready.push(r);
            }
        }
    }
    ready.sort_by_key(|r| (r.rank, r.index));
    let mut deliveries = Vec::new();
    for Ready { index, at, campaign, .. } in ready {
        if !ctx.in_audience(campaign) || !state.may_receive(campaign, now) {
            next[index] = Next::End;
        } else if !deliveries.is_empty() {
            // Due now too, but one message per step: it stays due.
        } else if let Some(hold) = cap_hold(ctx, state) {
            next[index] = Next::Stay(match hold {
                Hold::NextDay(day) => Stage::Due { at: day },
                Hold::NextVisit => Stage::Held { at },
            });
        } else {
            let cause = state.progress[index].cause.clone();
            // The control group gets nothing: no message this step, nothing in the cap.
            if let Some(delivery) = state.deliver(visitor, campaign, &cause, now) {
                deliveries.push(delivery);
                state.note_shown(now, ctx.session);
            }
            next[index] = Next::End;
        }
    }
    let progress = std::mem::take(&mut state.progress);
    state.progress = progress
        .into_iter()
        .zip(next)
        .filter_map(|(progress, next)| match next {
            Next::Stay(stage) => Some(Progress { stage, ..progress }),
            Next::End => None,
        })
        .collect();
    deliveries
}

/// Where one campaign under way stands at `ctx.now`, before the step's one message is
/// given out: settled (waiting or over), or ready to deliver.
fn look<'a>(set: &'a CampaignSet, index: usize, progress: &Progress, ctx: &Context) -> Look<'a> {
    let now = ctx.now;
    let Some((rank, campaign)) = set.ranked(&progress.campaign) else { return Look::Settled(Next::End) };
    if campaign.state.effective(campaign.starts_at, campaign.ends_at, now) == CampaignState::Ended {
        return Look::Settled(Next::End);
    }
    let at = match progress.stage {
        Stage::FollowUp { until } if now <= until => return Look::Settled(Next::Stay(progress.stage)),
        Stage::FollowUp { .. } => return Look::Settled(Next::End),
        Stage::Due { at } | Stage::Held { at } => at,
    };
    if at > now {
        return Look::Settled(Next::Stay(progress.stage));
    }
    if !campaign.is_live(now) {
        return Look::Settled(Next::Stay(Stage::Held { at }));
    }
    let schedule = match &campaign.schedule {
        None => None,
        Some(ScheduleRef::Windows(schedule)) => Some(schedule),
        Some(ScheduleRef::BusinessHours(name)) => match ctx.channel.business_hours.get(name) {
            Some(schedule) => Some(schedule),
            // The set was removed or renamed: hold rather than send at any hour.
            None => return Look::Settled(Next::Stay(Stage::Held { at })),
        },
    };
    if let Some(schedule) = schedule
        && !schedule.is_open(ctx.channel.zone, now)
    {
        return Look::Settled(match schedule.next_open(ctx.channel.zone, now) {
            Some(open) => Next::Stay(Stage::Due { at: open }),
            None => Next::End,
        });
    }
    Look::Ready(Ready { rank, index, at, campaign })
}

/// Whether the channel's frequency cap holds the next on-site message back, and until
/// when. With both caps used up the day's hold wins: it ends at a time a wake-up can
/// wait for. On-demand messages are held by it too ([`super::on_demand`]).
pub(super) fn cap_hold(ctx: &Context, state: &VisitorState) -> Option<Hold> {
    let cap = ctx.channel.cap;
    let today = ctx.channel.day_of(ctx.now);
    if let Some(limit) = cap.per_day {
        let used = state.shown.iter().filter(|s| ctx.channel.day_of(s.at) == today).count();
        if used >= limit as usize {
            return Some(Hold::NextDay(ctx.channel.start_of_day(today.next())));
        }
    }
    if let (Some(limit), Some(session)) = (cap.per_session, ctx.session) {
        let used = state.shown.iter().filter(|s| s.session.as_deref() == Some(session)).count();
        if used >= limit as usize {
            return Some(Hold::NextVisit);
        }
    }
    None
}

#[cfg(test)]
mod tests;
