//! The visitor's Durable Object: the single writer of one visitor's live state.
//!
//! Invariant: calls for one visitor run one at a time (`block_concurrency_while`), and
//! the visitor record is saved only after D1 accepted what the call decided, so a call
//! that fails half-way is retried from the same state and derives the same delivery ids.

use crate::clock;
use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::store;
use crate::store::Db;
use crate::store::event_memory;
use crate::store::event_memory::ObjectSql;
use crate::visitor::{BroadcastReply, Deleted, Forgotten, ShutDown, Ticked, Updated, VisitorCall};
use effects::Moment;
use effects::advance;
use effects::broadcast;
use effects::observe;
use effects::show;
use kizuna_shared::deliver::VisitorState;
use kizuna_shared::event::DAILY_EVENTS;
use kizuna_shared::event::admit;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::profile::Profile;
use kizuna_shared::store::VisitorRecordV1;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::public::BootReply;
use kizuna_shared::wire::public::EventIn;
use kizuna_shared::wire::public::EventsReply;
use kizuna_shared::wire::public::MessagesReply;
use kizuna_shared::wire::public::ReadReply;
use worker::DurableObject;
use worker::Env;
use worker::Request;
use worker::Response;
use worker::State;
use worker::Storage;
use worker::durable_object;
mod effects;

const RECORD_KEY: &str = "visitor";
/// Left alone after the customer was deleted: the deletion time (the tombstone).
const ERASED_KEY: &str = "erased";
/// Tokens issued at or before this time are refused (the visitor was shut down then).
const SHUT_DOWN_KEY: &str = "shut-down";

#[durable_object]
pub struct Visitor {
    state: State,
    env: Env,
}

impl DurableObject for Visitor {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let call: VisitorCall = match req.json().await {
            Ok(call) => call,
            Err(err) => return Ok(ApiError::Internal(format!("visitor call: {err}")).response()),
        };
        Ok(self.run(call).await.unwrap_or_else(|err| err.response()))
    }

    /// The alarm set for the next due message: the same as the cron's `Tick`.
    async fn alarm(&self) -> worker::Result<Response> {
        let record: Option<VisitorRecordV1> = self.state.storage().get(RECORD_KEY).await?;
        let Some((channel, visitor_id)) = record
            .and_then(|r| r.key)
            .and_then(|(c, v)| Some((ChannelId::parse(&c).ok()?, VisitorId::parse(&v).ok()?)))
        else {
            return Response::ok("nothing to do");
        };
        Ok(self.run(VisitorCall::Tick { channel, visitor_id }).await.unwrap_or_else(|err| err.response()))
    }
}

impl Visitor {
    async fn run(&self, call: VisitorCall) -> Result<Response, ApiError> {
        let storage = self.state.storage();
        let env = self.env.clone();
        let served = self.state.block_concurrency_while(async move { Ok(serve(&storage, &env, call).await) }).await;
        match served {
            Ok(result) => result,
            Err(err) => Err(ApiError::from(err)),
        }
    }
}

/// The visitor's stored record, and what a call changes in it.
pub(crate) struct Live {
    state: VisitorState,
    profile: Profile,
    /// When the stored record's next message was due (to update the wake-up only on change).
    due_before: Option<Millis>,
    /// The unverified sign-in the calling page's token came from (issued at or after
    /// it): that page is handed no message delivered before it.
    signed_in_at: Option<Millis>,
}

impl Live {
    /// The record as stored, without the key (the reader merges it under its own).
    fn record_only(&self) -> VisitorRecordV1 {
        let mut record = VisitorRecordV1::from(&self.state);
        record.profile = Some(self.profile.clone());
        record
    }

    fn record(&self, channel: &ChannelId, visitor: &VisitorId) -> VisitorRecordV1 {
        let mut record = VisitorRecordV1::from(&self.state);
        record.profile = Some(self.profile.clone());
        record.key = Some((channel.as_str().to_owned(), visitor.as_str().to_owned()));
        record
    }
}

async fn serve(storage: &Storage, env: &Env, call: VisitorCall) -> Result<Response, ApiError> {
    let now = clock::now(env).await;
    let record: Option<VisitorRecordV1> = storage.get(RECORD_KEY).await?;
    if record.is_none() && storage.get::<Millis>(ERASED_KEY).await?.is_some() {
        return erased(call);
    }
    // A token names a visitor this object held: once the customer was deleted (or merged
    // into a member's customer) the record is gone, and so is the token's worth; a token
    // issued before the visitor was shut down is worth nothing either.
    if let Some(issued) = call.token_issued_at() {
        let shut_down_at: Option<Millis> = storage.get(SHUT_DOWN_KEY).await?;
        if record.is_none() || shut_down_at.is_some_and(|at| issued <= at) {
            return Err(ApiError::VisitorToken);
        }
    }
    let state = record.as_ref().map(VisitorState::from).unwrap_or_default();
    let due_before = state.next_due();
    let profile = record.and_then(|r| r.profile).unwrap_or_else(|| Profile::new(now));
    let signed_in_at =
        profile.unverified_sign_in_at.filter(|at| call.token_issued_at().is_some_and(|issued| issued >= *at));
    let mut live = Live { state, profile, due_before, signed_in_at };
    match call {
        VisitorCall::Boot { channel, visitor_id, .. } => {
            live.state.touch(now);
            let page = advance(env, &channel, &visitor_id, &mut live, Vec::new(), Moment::Visit, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            let member = live.profile.member_id.is_some();
            let first_seen_at = live.state.first_seen_at.unwrap_or(now);
            let (popups, unread) = (page.popups, page.unread);
            Ok(reply::json(200, &BootReply { visitor_id, token: None, member, first_seen_at, popups, unread }))
        }
        VisitorCall::Messages { channel, visitor_id, .. } => {
            live.state.touch(now);
            let page = advance(env, &channel, &visitor_id, &mut live, Vec::new(), Moment::Visit, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(reply::json(200, &MessagesReply { popups: page.popups, unread: page.unread }))
        }
        VisitorCall::Tick { channel, visitor_id } => {
            advance(env, &channel, &visitor_id, &mut live, Vec::new(), Moment::Away, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(reply::json(200, &Ticked { ticked: true }))
        }
        VisitorCall::Broadcast { channel, visitor_id, campaign } => {
            let sent = broadcast(env, &channel, &visitor_id, &mut live, &campaign, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(reply::json(200, &BroadcastReply { sent }))
        }
        VisitorCall::Show { channel, visitor_id, campaign, request, .. } => {
            let page = show(env, &channel, &visitor_id, &mut live, &campaign, &request, now).await?;
            save(env, storage, &channel, &visitor_id, &live).await?;
            Ok(reply::json(200, &page))
        }
        VisitorCall::Read { channel, visitor_id, deliveries, .. } => {
            let read = live.state.mark_read(&deliveries);
            if read > 0 {
                save(env, storage, &channel, &visitor_id, &live).await?;
            }
            Ok(reply::json(200, &ReadReply { read }))
        }
        VisitorCall::SignIn { channel, visitor_id, member_id, change, absorb, .. } => {
            if let Some(other) = absorb {
                if let Some(profile) = &other.profile {
                    live.profile.absorb(profile);
                }
                live.state.absorb(&VisitorState::from(&*other));
            }
            live.profile.sign_in(&member_id, &change, now).map_err(ApiError::conflict)?;
            let first_seen_at = live.profile.created_at;
            write_through(env, storage, &channel, &visitor_id, &live, now).await?;
            Ok(reply::json(
                200,
                &BootReply { visitor_id, token: None, member: true, first_seen_at, popups: Vec::new(), unread: None },
            ))
        }
        VisitorCall::UpdateProfile { channel, visitor_id, change, .. } => {
            live.profile.apply(&change, now).map_err(ApiError::conflict)?;
            write_through(env, storage, &channel, &visitor_id, &live, now).await?;
            Ok(reply::json(200, &Updated { updated: true }))
        }
        VisitorCall::ReadRecord => Ok(reply::json(200, &live.record_only())),
        VisitorCall::Erase { channel, visitor_id } => {
            let db = Db::open(env)?;
            store::customers::erase_customer(&db, &channel, visitor_id.as_str(), now).await?;
            storage.delete_alarm().await?;
            storage.delete_all().await?;
            storage.put(ERASED_KEY, now).await?;
            Ok(reply::json(200, &Deleted { deleted: visitor_id }))
        }
        VisitorCall::Shutdown { .. } => {
            storage.put(SHUT_DOWN_KEY, now).await?;
            Ok(reply::json(200, &ShutDown { shut_down: true }))
        }
        VisitorCall::Forget { channel, visitor_id, into } => {
            let db = Db::open(env)?;
            store::customers::merge_customer_rows(&db, &channel, visitor_id.as_str(), into.as_str()).await?;
            store::wakeups::set_wakeup(&db, &channel, &visitor_id, None).await?;
            storage.delete_all().await?;
            Ok(reply::json(200, &Forgotten { forgotten: visitor_id }))
        }
        VisitorCall::Events { channel, visitor_id, session_id, facts, events, leaving, .. } => {
            // Events accepted in the last 7 days change nothing again (the replay guard),
            // and a visitor's new events are bounded per day; only new ones go further.
            let memory = ObjectSql::open(storage.sql())?;
            let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
            let (known, last_day) = event_memory::recall(&memory, &ids, now).await?;
            let admitted = admit(&ids, &known, last_day, DAILY_EVENTS).map_err(|over| ApiError::OverLimit {
                field: "events".into(),
                problem: format!("at most {} new events per visitor in 24 hours", over.limit),
            })?;
            let fresh_ids: Vec<String> = admitted.fresh.iter().map(|&i| ids[i].to_owned()).collect();
            let mut events: Vec<Option<EventIn>> = events.into_iter().map(Some).collect();
            let events: Vec<EventIn> = admitted.fresh.iter().filter_map(|&i| events[i].take()).collect();
            if events.is_empty() {
                // Only repeats: answered as such, and nothing is observed or advanced.
                return Ok(reply::json(
                    200,
                    &EventsReply { accepted: 0, duplicates: admitted.duplicates, ..EventsReply::default() },
                ));
            }
            observe(&mut live.profile, session_id.as_ref(), &facts, &events, now);
            let db = Db::open(env)?;
            let channel_doc = kv::channel(env, &channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
            store::customers::upsert_customer(&db, &channel, &visitor_id, &live.profile, channel_doc.offset_at(now))
                .await?;
            let moment = if leaving { Moment::Leaving } else { Moment::Visit };
            let mut reply = advance(env, &channel, &visitor_id, &mut live, events, moment, now).await?;
            reply.duplicates += admitted.duplicates;
            save(env, storage, &channel, &visitor_id, &live).await?;
            let fresh_ids: Vec<&str> = fresh_ids.iter().map(String::as_str).collect();
            event_memory::remember(&memory, &fresh_ids, now).await?;
            Ok(reply::json(200, &reply))
        }
    }
}

/// A call to the object of a deleted customer: nothing about them is written again. A
/// request with their token is refused (the page boots a new visitor); the fan-out and
/// the wake-ups move on; the edge's other calls find no customer.
fn erased(call: VisitorCall) -> Result<Response, ApiError> {
    if call.token_issued_at().is_some() {
        return Err(ApiError::VisitorToken);
    }
    match call {
        VisitorCall::Broadcast { .. } => Ok(reply::json(200, &BroadcastReply { sent: false })),
        VisitorCall::Tick { .. } => Ok(reply::json(200, &Ticked { ticked: false })),
        VisitorCall::Erase { visitor_id, .. } => Ok(reply::json(200, &Deleted { deleted: visitor_id })),
        VisitorCall::Forget { visitor_id, .. } => Ok(reply::json(200, &Forgotten { forgotten: visitor_id })),
        _ => Err(ApiError::NotFound("customer")),
    }
}

/// Saves the record; a changed next due time moves the wake-up row and the alarm.
async fn save(
    env: &Env,
    storage: &Storage,
    channel: &ChannelId,
    visitor: &VisitorId,
    live: &Live,
) -> Result<(), ApiError> {
    let due = live.state.next_due();
    if due != live.due_before {
        store::wakeups::set_wakeup(&Db::open(env)?, channel, visitor, due).await?;
        match due {
            Some(at) => storage.set_alarm(clock::real_instant(env, at).await).await?,
            None => storage.delete_alarm().await?,
        }
    }
    storage.put(RECORD_KEY, live.record(channel, visitor)).await?;
    Ok(())
}

/// Saves the record, after D1's customer row took the profile (so a failure leaves the
/// object as it was, and a retry redoes both).
async fn write_through(
    env: &Env,
    storage: &Storage,
    channel: &ChannelId,
    visitor_id: &VisitorId,
    live: &Live,
    now: Millis,
) -> Result<(), ApiError> {
    let offset = kv::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?.offset_at(now);
    store::customers::upsert_customer(&Db::open(env)?, channel, visitor_id, &live.profile, offset).await?;
    save(env, storage, channel, visitor_id, live).await
}
