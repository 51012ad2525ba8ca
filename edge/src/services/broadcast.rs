//! One-time broadcasts going out: when a broadcast is started (or its send time comes,
//! found by the cron), its audience is resolved and counted, and its customers are
//! reached in batches of [`BATCH`], one queue message each, through their Durable
//! Objects (online visitors see it at once, others get email or SMS and see it on their
//! next visit).
//!
//! Invariant: the run row is created once per campaign (`INSERT OR IGNORE`), a batch
//! starts from the stored cursor and moves it by compare-and-set, and a visitor's object
//! delivers a broadcast at most once, so a redelivered message sends nothing twice.

use crate::error::ApiError;
use crate::services::audience;
use crate::services::audience::channel_schema;
use crate::services::jobs;
use crate::services::jobs::Job;
use crate::store;
use crate::store::Db;
use crate::visitor;
use crate::visitor::VisitorCall;
use kizuna_shared::campaign::Campaign;
use kizuna_shared::campaign::CampaignState;
use kizuna_shared::campaign::Kind;
use kizuna_shared::campaign::RunState;
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::time::MINUTE;
use kizuna_shared::time::Millis;
use worker::Env;

/// Customers per queue message (each is one Durable Object call).
pub const BATCH: u32 = 50;

/// Starts sending `campaign` if it is a broadcast that is live now and has not gone out.
pub async fn start_if_due(env: &Env, channel: &ChannelId, campaign: &Campaign, now: Millis) -> Result<(), ApiError> {
    if !matches!(campaign.kind, Kind::Broadcast) || !campaign.is_live(now) {
        return Ok(());
    }
    let db = Db::open(env)?;
    // Resolved now: a segment's conditions as they are when the broadcast goes out.
    let (schema, _) = channel_schema(env, channel).await?;
    let doc = match &campaign.audience {
        Some(a) => audience::filter_doc(env, channel, &schema, a).await?,
        None => FilterDoc { all: Some(Vec::new()), ..FilterDoc::default() },
    };
    let sql = audience::sql(&doc, &schema, now)?;
    let total = store::customers::count_customers(&db, channel, &sql).await?;
    if store::broadcasts::insert_broadcast_run(&db, channel, &campaign.id, Some(&doc), total, now).await? {
        jobs::enqueue(env, &Job::Broadcast { campaign: campaign.id.as_str().to_owned() }).await?;
    }
    Ok(())
}

/// One queue message: the next batch of the fan-out, then the message for the one after.
pub async fn run(env: &Env, campaign: &str, now: Millis) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    let id = CampaignId::parse(campaign).map_err(|e| ApiError::Internal(e.to_string()))?;
    let Some(run) = store::broadcasts::broadcast_run(&db, &id).await? else { return Ok(()) };
    if run.state != RunState::Running {
        return Ok(());
    }
    let channel = ChannelId::parse(&run.channel_id).map_err(|e| ApiError::Internal(e.to_string()))?;
    // Paused mid-way: stop here and keep the cursor; the cron restarts the chain, which
    // goes on once the broadcast runs again (or ends with it).
    let campaign = match store::campaigns::campaign_row(&db, campaign).await? {
        Some(row) => Campaign::try_from(&row.doc()?)?,
        None => return Ok(store::broadcasts::fail(&db, campaign, "campaign deleted", now).await?),
    };
    if campaign.state.effective(campaign.starts_at, campaign.ends_at, now) == CampaignState::Ended {
        return Ok(store::broadcasts::fail(&db, campaign.id.as_str(), "the broadcast ended", now).await?);
    }
    if !campaign.is_live(now) {
        return Ok(());
    }
    let campaign = campaign.id.as_str();
    let doc: FilterDoc = match &run.audience {
        Some(json) => serde_json::from_str(json).map_err(|e| ApiError::Internal(e.to_string()))?,
        None => FilterDoc { all: Some(Vec::new()), ..FilterDoc::default() },
    };
    let (schema, _) = channel_schema(env, &channel).await?;
    let sql = match audience::sql(&doc, &schema, run.evaluated_at) {
        Ok(sql) => sql,
        Err(ApiError::Invalid { field, problem }) => {
            store::broadcasts::fail(&db, campaign, &format!("{field}: {problem}"), now).await?;
            return Ok(());
        }
        Err(other) => return Err(other),
    };
    let ids = store::customers::next_batch(&db, &channel, &sql, &run.cursor, BATCH).await?;
    for customer in &ids {
        let Ok(visitor_id) = VisitorId::parse(customer) else { continue };
        let call =
            VisitorCall::Broadcast { channel: channel.clone(), visitor_id: visitor_id.clone(), campaign: id.clone() };
        let _: visitor::BroadcastReply = visitor::call_json(env, &channel, &visitor_id, &call).await?;
    }
    let done = ids.len() < BATCH as usize;
    let cursor = ids.last().cloned().unwrap_or_else(|| run.cursor.clone());
    if store::broadcasts::advance_broadcast(&db, &run, &cursor, ids.len() as i64, done, now).await? && !done {
        jobs::enqueue(env, &Job::Broadcast { campaign: campaign.to_owned() }).await?;
    }
    Ok(())
}

/// The cron: starts broadcasts whose send time came, and restarts fan-outs whose chain
/// of messages broke (no move for two minutes). One broadcast's failure (its segment was
/// deleted, say) is logged and does not hold back the others.
pub async fn cron(env: &Env, now: Millis) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    for id in store::broadcasts::broadcasts_to_move(&db, now, now - 2 * MINUTE).await? {
        if let Err(err) = move_on(env, &id, now).await {
            worker::console_error!("broadcast {id}: {err:?}");
        }
    }
    Ok(())
}

async fn move_on(env: &Env, id: &str, now: Millis) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    let Some(row) = store::campaigns::campaign_row(&db, id).await? else { return Ok(()) };
    let campaign_id = CampaignId::parse(id).map_err(|e| ApiError::Internal(e.to_string()))?;
    if store::broadcasts::broadcast_run(&db, &campaign_id).await?.is_some() {
        return jobs::enqueue(env, &Job::Broadcast { campaign: id.to_owned() }).await;
    }
    let channel = ChannelId::parse(&row.channel_id).map_err(|e| ApiError::Internal(e.to_string()))?;
    start_if_due(env, &channel, &Campaign::try_from(&row.doc()?)?, now).await
}
