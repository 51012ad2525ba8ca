//! What one call does for a visitor beyond its record: the engine run over its events or
//! the passing of time, the deliveries and goals it records, the messages it hands to the
//! page (which makes them sent), and the email or SMS it queues for a visitor who is away.

use crate::error::ApiError;
use crate::kv;
use crate::object::Live;
use crate::services::audience;
use crate::services::counting;
use crate::services::jobs;
use crate::services::jobs::Job;
use crate::services::send::SendJob;
use crate::store;
use crate::store::Db;
use crate::visitor::RequestFacts;
use kizuna_shared::campaign::Campaign;
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::Action;
use kizuna_shared::counting::Delivery;
use kizuna_shared::counting::Fate;
use kizuna_shared::counting::WINDOW;
use kizuna_shared::deliver;
use kizuna_shared::deliver::CampaignSet;
use kizuna_shared::deliver::Context;
use kizuna_shared::deliver::Input;
use kizuna_shared::deliver::audience_checks;
use kizuna_shared::deliver::step;
use kizuna_shared::deliver::take_pending_since;
use kizuna_shared::event::Event;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::DeliveryId;
use kizuna_shared::ids::EventId;
use kizuna_shared::ids::SessionId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::outbound;
use kizuna_shared::outbound::Plan;
use kizuna_shared::profile::Profile;
use kizuna_shared::profile::Visit;
use kizuna_shared::profile::visits;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::public::EventIn;
use kizuna_shared::wire::public::EventsReply;
use kizuna_shared::wire::public::MessagesReply;
use kizuna_shared::wire::public::Popup;
use worker::Env;

/// Applies what a batch tells about the visitor: one visit per page view (its URL and
/// referrer carry first-touch data), or one for the batch when it has no page view.
pub(crate) fn observe(
    profile: &mut Profile,
    session: Option<&SessionId>,
    facts: &RequestFacts,
    events: &[EventIn],
    now: i64,
) {
    let visit = |page_url, referrer| Visit {
        now,
        session_id: session.map(SessionId::as_str),
        user_agent: facts.user_agent.as_deref(),
        country: facts.country.as_deref(),
        city: facts.city.as_deref(),
        language: facts.language.as_deref(),
        page_url,
        referrer,
    };
    let pages = visits(events.iter().map(|e| (e.name.as_str(), &e.properties)));
    for page in &pages {
        profile.observe(&visit(page.url.as_deref(), page.referrer.as_deref()));
    }
}

/// Whether the visitor is on the site for this call (a request from the widget, which
/// shows the pending messages it answers), leaving it (a `pagehide` beacon: messages wait
/// for the next page), or the call came from the cron or an alarm (messages may go by
/// email or SMS instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Moment {
    Visit,
    Leaving,
    Away,
}

/// Runs the engine over `events` (or, with none, over the passing of time), records the
/// deliveries and goals in D1, and hands a visiting page its pending messages.
pub(crate) async fn advance(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    live: &mut Live,
    events: Vec<EventIn>,
    moment: Moment,
    now: Millis,
) -> Result<EventsReply, ApiError> {
    let channel = kv::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let set = kv::campaigns(env, channel_id, now).await?;
    let session = live.profile.recent_sessions.back().cloned();
    let mut reply = EventsReply::default();
    let mut deliveries = Vec::new();
    let mut goal_of: Vec<CampaignId> = Vec::new();
    let inputs: Vec<Option<Event>> = if events.is_empty() {
        vec![None]
    } else {
        events.into_iter().map(|e| Some(Event { id: e.id, name: e.name, properties: e.properties })).collect()
    };
    for event in &inputs {
        let input = event.as_ref().map_or(Input::Tick, Input::Event);
        let checks = audience_checks(&set, &live.state, input, now);
        let audience = audience::members(env, &set, &channel, visitor_id, &checks, now).await?;
        let ctx = Context { channel: &channel, session: session.as_deref(), now, audience: &audience };
        let outcome = step(&set, visitor_id, &mut live.state, input, &ctx);
        if event.is_some() {
            if outcome.fresh {
                reply.accepted += 1;
            } else {
                reply.duplicates += 1;
            }
        }
        deliveries.extend(outcome.deliveries);
        goal_of.extend(outcome.goal_of);
    }
    let db = Db::open(env)?;
    store::deliveries::insert_deliveries(&db, channel_id, &deliveries).await?;
    goal_of.sort();
    goal_of.dedup();
    record_arms(&db, channel_id, visitor_id, live, &goal_of, now).await?;
    if !goal_of.is_empty() {
        for (delivery, goal) in
            store::deliveries::deliveries_awaiting_goal(&db, channel_id, visitor_id, &goal_of, now - WINDOW).await?
        {
            counting::apply_action(&db, &channel, &delivery, &goal, Action::Goal, now).await?;
        }
    }
    if moment == Moment::Away {
        reach_away(env, channel_id, visitor_id, live, &Campaigns { set: &set, fresh: None }, &deliveries, now).await?;
    }
    if moment == Moment::Visit {
        let page = hand_to_page(&db, &channel, visitor_id, &set, live, now).await?;
        (reply.popups, reply.unread) = (page.popups, page.unread);
    }
    Ok(reply)
}

/// Writes to D1 the variant arms the engine assigned in this call and the goals of
/// assigned campaigns in `goal_of` (each at most once), before the record is saved.
async fn record_arms(
    db: &Db,
    channel: &ChannelId,
    visitor: &VisitorId,
    live: &mut Live,
    goal_of: &[CampaignId],
    now: Millis,
) -> Result<(), ApiError> {
    let assigned = live.state.unrecorded_arms();
    let goals = live.state.arm_goals(goal_of, now);
    store::variants::record(db, channel, visitor, &assigned, &goals, now).await?;
    Ok(())
}

/// The visitor's pending messages, as the widget renders them (each in the visitor's
/// variant of it); a page opened by a sign-in without identity verification gets none
/// delivered before it (`Live::signed_in_at`). Handing them over is what makes them sent
/// (counted today, once: a delivery sent already, by email or to another page, counts
/// nothing again); those the take dropped are marked withdrawn or expired, and so is one
/// whose variant was removed since it was released (it has nothing to show). D1 takes
/// this before the object saves its record, so a failure leaves the messages pending for
/// the next page. What a page takes stays unread until viewed; the answer also lists
/// every unread message for the launcher (`deliver::unread_now`).
pub(crate) async fn hand_to_page(
    db: &Db,
    channel: &Channel,
    visitor: &VisitorId,
    set: &CampaignSet,
    live: &mut Live,
    now: Millis,
) -> Result<MessagesReply, ApiError> {
    let taken = take_pending_since(set, &mut live.state, now, live.signed_in_at);
    let moved = |delivery: &DeliveryId, campaign: &CampaignId, fate| store::deliveries::Move {
        delivery: delivery.clone(),
        campaign: campaign.clone(),
        fate,
    };
    let mut moves = Vec::new();
    let mut popups = Vec::new();
    for (pending, campaign) in &taken.handed {
        match live.state.message_of(campaign) {
            Some(message) => {
                moves.push(moved(&pending.delivery, &pending.campaign, Fate::Reached));
                popups.push(Popup::new(&pending.delivery, &campaign.id, message));
                live.state.note_unread(pending);
            }
            None => moves.push(moved(&pending.delivery, &pending.campaign, Fate::Withdrawn)),
        }
    }
    moves.extend(taken.dropped.iter().map(|(pending, fate)| moved(&pending.delivery, &pending.campaign, *fate)));
    store::deliveries::move_deliveries(db, channel, visitor, &moves, now).await?;
    let unread = deliver::unread_now(set, &mut live.state, now, live.signed_in_at)
        .into_iter()
        .filter_map(|(unread, campaign)| {
            Some(Popup::new(&unread.delivery, &campaign.id, live.state.message_of(campaign)?))
        })
        .collect();
    Ok(MessagesReply { popups, unread: Some(unread) })
}

/// Queues email or SMS for deliveries to a visitor who is not on the site, where the
/// campaign sends offline and the profile has the address: email first, and SMS when the
/// email may not go (opt-out, email status, no address in D1), checked when it is sent.
async fn send_offline(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    profile: &Profile,
    campaigns: &Campaigns<'_>,
    deliveries: &[(DeliveryId, CampaignId)],
) -> Result<(), ApiError> {
    for (delivery, campaign) in deliveries {
        let Some(campaign) = campaigns.get(campaign) else { continue };
        let offline = campaign.offline;
        let Some(Plan { first: medium, then_sms }) =
            outbound::plan(&offline, profile.email.is_some(), profile.mobile_number.is_some())
        else {
            continue;
        };
        let job = SendJob {
            channel: channel.clone(),
            visitor: visitor.clone(),
            delivery: delivery.clone(),
            campaign: campaign.id.clone(),
            medium,
            respect_opt_out: offline.respect_opt_out,
            then_sms,
        };
        jobs::enqueue(env, &Job::Send(job)).await?;
    }
    Ok(())
}

/// Messages delivered without a page asking (a broadcast, a wait or window released by
/// the cron or alarm): to a visitor who is away they go by email or SMS at once (and wait
/// for the next visit); to one still counting as online they wait for the page, and are
/// checked again in five minutes in case the visitor had just left. Watched messages
/// whose check is due go out now if no page took them.
pub(crate) async fn reach_away(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    live: &mut Live,
    campaigns: &Campaigns<'_>,
    deliveries: &[Delivery],
    now: Millis,
) -> Result<(), ApiError> {
    let mut away: Vec<(DeliveryId, CampaignId)> = Vec::new();
    let online = live.state.is_online(now);
    for delivery in deliveries {
        if !online {
            away.push((delivery.id.clone(), delivery.campaign_id.clone()));
        } else if campaigns.get(&delivery.campaign_id).is_some_and(|c| c.offline.email || c.offline.sms) {
            live.state.watch(&delivery.id, now);
        }
    }
    away.extend(deliver::away_checks(&mut live.state, now).into_iter().map(|p| (p.delivery, p.campaign)));
    send_offline(env, channel, visitor, &live.profile, campaigns, &away).await
}

/// The published campaigns, with at most one read from D1 in place of its published
/// copy (which may be stale: see `kv.rs`).
pub(crate) struct Campaigns<'a> {
    set: &'a CampaignSet,
    fresh: Option<&'a Campaign>,
}

impl<'a> Campaigns<'a> {
    fn get(&self, id: &CampaignId) -> Option<&'a Campaign> {
        match self.fresh {
            Some(fresh) if &fresh.id == id => Some(fresh),
            _ => self.set.get(id),
        }
    }
}

/// One broadcast reaches the visitor: on the site at once when online (the widget asks
/// for it), otherwise by email or SMS when the campaign allows, and on the next visit.
/// The campaign is read from D1, not from the published copy: the fan-out moves past
/// this visitor for good, so a stale copy (not yet published, or still paused) must not
/// decide that the broadcast is not live.
pub(crate) async fn broadcast(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    live: &mut Live,
    campaign_id: &CampaignId,
    now: Millis,
) -> Result<bool, ApiError> {
    kv::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let db = Db::open(env)?;
    let Some(row) = store::campaigns::campaign_row(&db, campaign_id.as_str()).await? else { return Ok(false) };
    if row.channel_id != channel_id.as_str() {
        return Ok(false);
    }
    let campaign = Campaign::try_from(&row.doc()?)?;
    let delivery = deliver::broadcast(&campaign, visitor_id, &mut live.state, now);
    // The control group's assignment is recorded too, though it receives nothing.
    record_arms(&db, channel_id, visitor_id, live, &[], now).await?;
    let Some(delivery) = delivery else { return Ok(false) };
    let deliveries = [delivery];
    store::deliveries::insert_deliveries(&db, channel_id, &deliveries).await?;
    let set = kv::campaigns(env, channel_id, now).await?;
    reach_away(env, channel_id, visitor_id, live, &Campaigns { set: &set, fresh: Some(&campaign) }, &deliveries, now)
        .await?;
    Ok(true)
}

/// `Kizuna('showCampaign', id)`: the campaign now, if it shows on demand (400 naming
/// `campaignId` otherwise), is live, the visitor is in its audience, and its repeat rule
/// and the frequency cap allow it (`deliver::on_demand`); answers the page's pending
/// messages (the shown one among them).
pub(crate) async fn show(
    env: &Env,
    channel_id: &ChannelId,
    visitor_id: &VisitorId,
    live: &mut Live,
    campaign_id: &CampaignId,
    request: &EventId,
    now: Millis,
) -> Result<MessagesReply, ApiError> {
    let channel = kv::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let set = kv::campaigns(env, channel_id, now).await?;
    let campaign = set.get(campaign_id).ok_or_else(|| ApiError::invalid("campaignId", "no such live campaign"))?;
    deliver::shows_on_demand(campaign)?;
    let checks: Vec<CampaignId> = campaign.audience.iter().map(|_| campaign_id.clone()).collect();
    let audience = audience::members(env, &set, &channel, visitor_id, &checks, now).await?;
    // The visit the per-session cap counts in, as for the visitor's events.
    let session = live.profile.recent_sessions.back().cloned();
    let ctx = Context { channel: &channel, session: session.as_deref(), now, audience: &audience };
    let db = Db::open(env)?;
    if let Some(delivery) = deliver::on_demand(campaign, visitor_id, &mut live.state, request, &ctx)? {
        store::deliveries::insert_deliveries(&db, channel_id, &[delivery]).await?;
    }
    record_arms(&db, channel_id, visitor_id, live, &[], now).await?;
    hand_to_page(&db, &channel, visitor_id, &set, live, now).await
}
