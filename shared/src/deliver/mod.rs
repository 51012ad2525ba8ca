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
//!
//! The parts: `state` (what is remembered per visitor), `set` (the published
//! campaigns, indexed), `step` (an event or a tick moves a visitor), `release` (what is
//! due goes out, waits or ends), `direct` (broadcasts and on-demand messages) and
//! `pending` (delivered messages on their way to a page, or offline) and `unread`
//! (messages a page took that wait, unviewed, behind the widget's launcher).

mod direct;
mod pending;
mod release;
mod set;
mod state;
mod step;
mod unread;

pub use direct::{broadcast, on_demand, shows_on_demand};
pub use pending::{Taken, away_checks, still_wanted, take_pending, take_pending_since};
pub use set::CampaignSet;
pub use state::{Assigned, MAX_PENDING, ONLINE, Pending, Progress, RECENT_EVENTS, Shown, Stage, VisitorState};
pub use step::{Context, Input, Outcome, audience_checks, step};
pub use unread::{MAX_UNREAD, Unread, unread_now};

#[cfg(test)]
mod tests;
