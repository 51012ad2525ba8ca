//! The campaign admin API: create, list, read, replace settings, delete drafts, and the
//! lifecycle (start, pause, stop). Every change republishes the channel's campaigns.
//! A campaign's statistics are keyed by its id, so editing a running campaign keeps them.

use crate::admin::{campaign_access, channel_role, new_id};
use crate::error::ApiError;
use crate::{db, http, publication};
use kizuna_shared::admin_wire::{CampaignIn, CampaignList, CampaignOut};
use kizuna_shared::campaign::{CampaignState, Command};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::stored::CampaignDocV1;
use kizuna_shared::time::Millis;
use worker::{Env, Method, Request, Response};

fn out(row: &db::CampaignRow, now: Millis) -> Result<CampaignOut, ApiError> {
    let doc = row.doc()?;
    Ok(CampaignOut {
        id: doc.id,
        channel: row.channel_id.clone(),
        name: doc.name,
        state: doc.state.effective(doc.starts_at, doc.ends_at, now),
        priority: row.priority,
        trigger: doc.trigger,
        message: doc.message,
        goal: doc.goal,
        starts_at: doc.starts_at,
        ends_at: doc.ends_at,
        repeat: doc.repeat,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn answer(env: &Env, id: &str, status: u16, now: Millis) -> Result<Response, ApiError> {
    let row = db::campaign_row(&env.d1("DB")?, id).await?.ok_or(ApiError::NotFound("campaign"))?;
    Ok(http::json(status, &out(&row, now)?))
}

/// `GET` and `POST /admin/v1/channels/{channel}/campaigns`: a new campaign is a draft.
pub async fn campaigns(mut req: Request, env: &Env, now: Millis, channel: &str) -> Result<Response, ApiError> {
    let (channel, _role) = channel_role(&req, env, channel).await?;
    let db = env.d1("DB")?;
    if req.method() == Method::Get {
        let campaigns =
            db::campaign_rows(&db, &channel).await?.iter().map(|row| out(row, now)).collect::<Result<_, _>>()?;
        return Ok(http::json(200, &CampaignList { campaigns }));
    }
    let body: CampaignIn = http::read_json(&mut req).await?;
    let id = new_id("c_")?;
    let doc = body.doc(&id, CampaignState::Draft)?;
    db::save_campaign(&db, &channel, &doc, body.priority, now).await?;
    answer(env, &id, 201, now).await
}

/// `GET`, `PUT` (replace the settings) and `DELETE` (drafts only) `/admin/v1/campaigns/{id}`
pub async fn campaign(mut req: Request, env: &Env, now: Millis, id: &str) -> Result<Response, ApiError> {
    let (id, channel) = campaign_access(&req, env, id).await?;
    let db = env.d1("DB")?;
    let row = db::campaign_row(&db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    match req.method() {
        Method::Put => {
            let body: CampaignIn = http::read_json(&mut req).await?;
            let stored = row.doc()?;
            if stored.state.effective(stored.starts_at, stored.ends_at, now) == CampaignState::Ended {
                return Err(ApiError::Conflict {
                    field: "state".into(),
                    problem: "an ended campaign keeps the settings it ran with".into(),
                });
            }
            let doc = body.doc(id.as_str(), stored.state)?;
            // A new start time decides again whether a started campaign runs or waits.
            let state = match stored.state {
                CampaignState::Running | CampaignState::Scheduled => {
                    CampaignState::Running.effective(doc.starts_at, None, now)
                }
                state => state,
            };
            db::save_campaign(
                &db,
                &channel,
                &kizuna_shared::stored::CampaignDocV1 { state, ..doc },
                body.priority,
                now,
            )
            .await?;
            publication::forget_campaigns(env, &channel).await?;
            answer(env, id.as_str(), 200, now).await
        }
        Method::Delete => {
            if !db::delete_draft(&db, id.as_str()).await? {
                return Err(ApiError::Conflict {
                    field: "state".into(),
                    problem: "only a draft can be deleted; stop a campaign that has run (its statistics stay)".into(),
                });
            }
            Ok(http::json(200, &serde_json::json!({ "deleted": id })))
        }
        _ => Ok(http::json(200, &out(&row, now)?)),
    }
}

/// `POST /admin/v1/campaigns/{id}/start`, `/pause` and `/stop`
pub async fn lifecycle(req: Request, env: &Env, now: Millis, id: &str, command: &str) -> Result<Response, ApiError> {
    let command = match command {
        "start" => Command::Start,
        "pause" => Command::Pause,
        "stop" => Command::Stop,
        _ => return Err(ApiError::NotFound("route")),
    };
    let (id, channel) = campaign_access(&req, env, id).await?;
    let db = env.d1("DB")?;
    let row = db::campaign_row(&db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    let doc = row.doc()?;
    let state = doc
        .state
        .after(command, doc.starts_at, doc.ends_at, now)
        .map_err(|problem| ApiError::Conflict { field: "state".into(), problem: problem.into() })?;
    publish(env, &channel, &CampaignDocV1 { state, ..doc }, row.priority, now).await?;
    answer(env, id.as_str(), 200, now).await
}

/// Saves a changed campaign and drops the published copy of the channel's campaigns.
async fn publish(
    env: &Env,
    channel: &ChannelId,
    doc: &CampaignDocV1,
    priority: i32,
    now: Millis,
) -> Result<(), ApiError> {
    db::save_campaign(&env.d1("DB")?, channel, doc, priority, now).await?;
    publication::forget_campaigns(env, channel).await
}
