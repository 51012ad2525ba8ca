//! The campaign admin API: create, list, read, replace settings, delete drafts, the
//! lifecycle (start, pause, stop), a broadcast's sending. Every change republishes.
//! A campaign's statistics are keyed by its id, so editing a running campaign keeps them.

use crate::auth::Caller;
use crate::auth::secret_hash;
use crate::env::new_id;
use crate::error::ApiError;
use crate::kv;
use crate::password;
use crate::reply;
use crate::request;
use crate::services::audience;
use crate::services::audience::channel_schema;
use crate::services::broadcast;
use crate::store;
use crate::store::Db;
use crate::store::previews::NewPreview;
use kizuna_shared::account::hex;
use kizuna_shared::account_mail::LINK_TOKEN_BYTES;
use kizuna_shared::campaign::Campaign;
use kizuna_shared::campaign::CampaignState;
use kizuna_shared::campaign::Command;
use kizuna_shared::campaign::ScheduleRef;
use kizuna_shared::campaign::edit;
use kizuna_shared::campaign::edit::Current;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::permission::Action;
use kizuna_shared::store::CampaignDocV1;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::CampaignIn;
use kizuna_shared::wire::admin::CampaignList;
use kizuna_shared::wire::admin::CampaignListed;
use kizuna_shared::wire::admin::CampaignOut;
use kizuna_shared::wire::admin::DuplicateIn;
use kizuna_shared::wire::admin::PreviewLinkOut;
use kizuna_shared::wire::admin::campaign_doc;
use kizuna_shared::wire::admin::copy_name;
use kizuna_shared::wire::public::Popup;
use worker::Env;
use worker::Method;
use worker::Request;
use worker::Response;

fn out(row: &store::campaigns::CampaignRow, now: Millis) -> Result<CampaignOut, ApiError> {
    let doc = row.doc()?.with_goal();
    let state = doc.state.effective(doc.starts_at, doc.ends_at, now);
    Ok(CampaignOut {
        settings: CampaignDocV1 { state, ..doc },
        channel: row.channel_id.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn answer(env: &Env, id: &str, status: u16, now: Millis) -> Result<Response, ApiError> {
    let row = store::campaigns::campaign_row(&Db::open(env)?, id).await?.ok_or(ApiError::NotFound("campaign"))?;
    Ok(reply::json(status, &out(&row, now)?))
}

/// The stored document of an admin body, checked also against the channel: its
/// audience's fields or segment and its business-hours set must exist.
async fn checked_doc(
    env: &Env,
    channel: &ChannelId,
    body: &CampaignIn,
    id: &str,
    state: CampaignState,
    now: Millis,
) -> Result<CampaignDocV1, ApiError> {
    let doc = campaign_doc(body, id, state)?;
    let campaign = Campaign::try_from(&doc)?;
    if let Some(audience) = &campaign.audience {
        audience::filter_doc(env, channel, &channel_schema(env, channel).await?.0, audience).await?;
    }
    if let Some(ScheduleRef::BusinessHours(name)) = &campaign.schedule {
        let settings = kv::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
        if !settings.business_hours.contains_key(name) {
            return Err(ApiError::invalid(
                "schedule.businessHours",
                "the channel has no business-hours set by this name",
            ));
        }
    }
    Ok(doc)
}

/// Turning off "respect marketing opt-out" reaches customers who unsubscribed: only the
/// roles the permission table allows may do it. Keeping an owner's choice in a replaced
/// campaign (`before` is already off) is no change.
fn check_opt_out(caller: &Caller, body: &CampaignIn, before: Option<&CampaignDocV1>) -> Result<(), ApiError> {
    let respects = |doc: &CampaignDocV1| doc.offline.as_ref().is_none_or(|o| o.respect_opt_out);
    if respects(body) || before.is_some_and(|b| !respects(b)) {
        return Ok(());
    }
    caller.may(Action::OverrideOptOut, "offline.respectOptOut")
}

/// A channel's live campaigns, with `doc` in place of `replacing` (`""`: added), must stay
/// within `edit::check_live_capacity`, so the published document fits in one KV value.
async fn check_capacity(
    db: &Db,
    channel: &ChannelId,
    doc: &CampaignDocV1,
    replacing: &str,
    now: Millis,
) -> Result<(), ApiError> {
    let others = store::campaigns::live_campaigns(db, channel, now, replacing).await?;
    edit::check_live_capacity(others.count, others.bytes, store::campaigns::stored_bytes(doc)?)
        .map_err(ApiError::conflict)
}

/// `GET` and `POST /admin/v1/channels/{channel}/campaigns`: a new campaign is a draft.
pub async fn campaigns(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let channel = caller.channel()?;
    let db = Db::open(env)?;
    if req.method() == Method::Get {
        let campaigns = store::campaigns::campaign_rows_with_totals(&db, channel)
            .await?
            .into_iter()
            .map(|listed| {
                let (row, stats) = listed.split();
                Ok(CampaignListed { campaign: out(&row, now)?, stats })
            })
            .collect::<Result<_, ApiError>>()?;
        return Ok(reply::json(200, &CampaignList { campaigns }));
    }
    let body: CampaignIn = request::read_json(&mut req).await?;
    check_opt_out(caller, &body, None)?;
    let id = new_id("c_")?;
    let doc = checked_doc(env, channel, &body, &id, CampaignState::Draft, now).await?;
    check_capacity(&db, channel, &doc, "", now).await?;
    store::campaigns::save_campaign(&db, channel, &doc, now).await?;
    answer(env, &id, 201, now).await
}

/// `GET`, `PUT` (replace the settings) and `DELETE` (drafts only) `/admin/v1/campaigns/{id}`
pub async fn campaign(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let (id, channel) = (caller.campaign()?, caller.channel()?);
    let db = Db::open(env)?;
    let row = store::campaigns::campaign_row(&db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    match req.method() {
        Method::Put => {
            let body: CampaignIn = request::read_json(&mut req).await?;
            let stored = row.doc()?;
            check_opt_out(caller, &body, Some(&stored))?;
            let current = Current {
                state: stored.state,
                starts_at: stored.starts_at,
                ends_at: stored.ends_at,
                kind: stored.kind,
            };
            let state = edit::replace(&current, body.kind, body.starts_at, now)?;
            let doc =
                CampaignDocV1 { state, ..checked_doc(env, channel, &body, id.as_str(), stored.state, now).await? };
            check_capacity(&db, channel, &doc, id.as_str(), now).await?;
            publish(env, channel, &doc, now).await?;
            answer(env, id.as_str(), 200, now).await
        }
        Method::Delete => {
            if !store::campaigns::delete_draft(&db, id.as_str()).await? {
                return Err(ApiError::Conflict {
                    field: "state".into(),
                    problem: "only a draft can be deleted; stop a campaign that has run (its statistics stay)".into(),
                });
            }
            Ok(reply::json(200, &serde_json::json!({ "deleted": id })))
        }
        _ => Ok(reply::json(200, &out(&row, now)?)),
    }
}

/// `POST /admin/v1/campaigns/{id}/duplicate` (body optional: `{"name": …}`): a new draft
/// with the campaign's settings and no statistics, in any state of the original (an
/// ended campaign is run again this way). The copy is checked as a new campaign is.
pub async fn duplicate(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let (id, channel) = (caller.campaign()?, caller.channel()?);
    let body = request::read_body(&mut req).await?;
    let asked: DuplicateIn =
        if body.iter().all(u8::is_ascii_whitespace) { DuplicateIn::default() } else { request::parse_json(&body)? };
    let db = Db::open(env)?;
    let row = store::campaigns::campaign_row(&db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    let original = row.doc()?;
    let name = asked.name.unwrap_or_else(|| copy_name(&original.name));
    let copy = CampaignIn { name, ..original };
    check_opt_out(caller, &copy, None)?;
    let new = new_id("c_")?;
    let doc = checked_doc(env, channel, &copy, &new, CampaignState::Draft, now).await?;
    check_capacity(&db, channel, &doc, "", now).await?;
    store::campaigns::save_campaign(&db, channel, &doc, now).await?;
    answer(env, &new, 201, now).await
}

/// `POST /admin/v1/campaigns/{id}/start`, `/pause` and `/stop`. Starting a broadcast
/// whose send time (`startsAt`) has come sends it at once.
pub async fn lifecycle(env: &Env, now: Millis, caller: &Caller, command: Command) -> Result<Response, ApiError> {
    let (id, channel) = (caller.campaign()?, caller.channel()?);
    let db = Db::open(env)?;
    let row = store::campaigns::campaign_row(&db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    let doc = row.doc()?;
    let state = doc
        .state
        .after(command, doc.starts_at, doc.ends_at, now)
        .map_err(|problem| ApiError::Conflict { field: "state".into(), problem: problem.into() })?;
    let doc = CampaignDocV1 { state, ..doc };
    publish(env, channel, &doc, now).await?;
    // The times it actually started (its first start: now, or its later `startsAt`) and
    // ended, for the results workbook.
    match command {
        Command::Start => {
            let at = doc.starts_at.map_or(now, |start| start.max(now));
            store::downloads::mark_started(&db, id.as_str(), at).await?;
        }
        Command::Stop => store::downloads::mark_ended(&db, id.as_str(), now).await?,
        Command::Pause => {}
    }
    if command == Command::Start {
        broadcast::start_if_due(env, channel, &Campaign::try_from(&doc)?, now).await?;
    }
    answer(env, id.as_str(), 200, now).await
}

/// How long a "Try it on my site" link works.
pub const PREVIEW_VALID: Millis = 30 * 60 * 1000;

/// `POST /admin/v1/campaigns/{id}/preview-link`: a single-use link to the channel's site
/// where the widget shows the campaign's message; nothing it shows is counted. The body
/// is optional: the editor's unsaved settings (checked as `PUT` checks them), or none
/// for the saved campaign.
pub async fn preview_link(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let (id, channel) = (caller.campaign()?, caller.channel()?);
    let db = Db::open(env)?;
    let row = store::campaigns::campaign_row(&db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    let body = request::read_body(&mut req).await?;
    let doc = if body.iter().all(u8::is_ascii_whitespace) {
        row.doc()?
    } else {
        let draft: CampaignIn = request::parse_json(&body)?;
        checked_doc(env, channel, &draft, id.as_str(), row.doc()?.state, now).await?
    };
    let message = Campaign::try_from(&doc)?.message;
    let site = store::channels::channel_summary(&db, channel).await?.and_then(|summary| summary.site_url).ok_or_else(
        || ApiError::Conflict {
            field: "siteUrl".into(),
            problem: "the channel has no site address to open the preview on".into(),
        },
    )?;
    let popup = Popup::preview(id, &message);
    let token = hex(&password::random_bytes(LINK_TOKEN_BYTES)?);
    let popup_json = serde_json::to_string(&popup).map_err(|e| ApiError::Internal(e.to_string()))?;
    let expires_at = now + PREVIEW_VALID;
    let hash = secret_hash(&token);
    let new = NewPreview { token_hash: &hash, channel, campaign: id.as_str(), popup: &popup_json, expires_at };
    if !store::previews::create(&db, &new, now).await? {
        return Err(ApiError::OverLimit {
            field: "previewLinks".into(),
            problem: format!(
                "the channel has {} preview links not yet opened; wait until one is used or expires (30 minutes)",
                store::previews::MAX_LIVE_PER_CHANNEL
            ),
        });
    }
    let url = format!("{}#kizuna-preview={token}", site.split('#').next().unwrap_or_default());
    Ok(reply::json(201, &PreviewLinkOut { url, expires_at }))
}

/// `GET /admin/v1/campaigns/{id}/broadcast`: how far a broadcast's sending got.
pub async fn broadcast_status(env: &Env, id: &CampaignId) -> Result<Response, ApiError> {
    let run =
        store::broadcasts::broadcast_run(&Db::open(env)?, id).await?.ok_or(ApiError::NotFound("broadcast run"))?;
    Ok(reply::json(
        200,
        &serde_json::json!({
            "campaignId": run.campaign_id, "state": run.state, "total": run.total, "processed": run.processed,
        }),
    ))
}

/// Saves a changed campaign and drops the published copy of the channel's campaigns.
async fn publish(env: &Env, channel: &ChannelId, doc: &CampaignDocV1, now: Millis) -> Result<(), ApiError> {
    store::campaigns::save_campaign(&Db::open(env)?, channel, doc, now).await?;
    kv::forget_campaigns(env, channel).await
}
