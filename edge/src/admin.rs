//! The admin API: every request carries a bearer token, checked against the channel of
//! what it touches.

use crate::error::ApiError;
use crate::{db, http, publication};
use kizuna_shared::ids::CampaignId;
use kizuna_shared::stats::{DEFAULT_DAYS, MAX_DAYS, rates, series, totals};
use kizuna_shared::time::{Day, Millis};
use kizuna_shared::wire::{DayStats, StatsReply};
use sha2::{Digest, Sha256};
use worker::{Env, Request, Response};

/// The SHA-256 (hex) of the request's bearer token; tokens are stored only hashed.
fn bearer_hash(req: &Request) -> Result<String, ApiError> {
    let header = req.headers().get("authorization")?.ok_or(ApiError::Unauthorized)?;
    let token =
        header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty()).ok_or(ApiError::Unauthorized)?;
    Ok(Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
}

/// `GET /admin/v1/campaigns/{id}/stats?from=YYYY-MM-DD&to=YYYY-MM-DD`
pub async fn campaign_stats(req: Request, env: &Env, now: Millis, campaign: &str) -> Result<Response, ApiError> {
    let token = bearer_hash(&req)?;
    let id = CampaignId::parse(campaign).map_err(|e| ApiError::invalid("campaignId", e.to_string()))?;
    let db = env.d1("DB")?;
    let member = db::token_member(&db, &token).await?;
    // A member of another channel learns nothing about this campaign, not even that it exists.
    let channel_id = match db::campaign_channel(&db, &id).await? {
        Some(channel) if db::member_role(&db, &member, &channel).await?.is_some() => channel,
        _ => return Err(ApiError::NotFound("campaign")),
    };
    let channel = publication::channel(env, &channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let today = Day::of(now, channel.utc_offset_minutes);
    let mut from = Day(today.0 - (DEFAULT_DAYS - 1));
    let mut to = today;
    let url = req.url()?;
    for (key, value) in url.query_pairs() {
        let day =
            || Day::parse_iso(&value).ok_or_else(|| ApiError::invalid(key.to_string(), "must be a date YYYY-MM-DD"));
        match key.as_ref() {
            "from" => from = day()?,
            "to" => to = day()?,
            other => {
                return Err(ApiError::invalid(other.to_owned(), "unknown query parameter (use from, to)"));
            }
        }
    }
    if from > to {
        return Err(ApiError::invalid("from", "must not be after to"));
    }
    if to.0 - from.0 + 1 > MAX_DAYS {
        return Err(ApiError::invalid("from", format!("the period may span at most {MAX_DAYS} days")));
    }
    let days = series(&db::daily_stats(&db, &id, from, to).await?, from, to);
    let total = totals(&days);
    Ok(http::json(
        200,
        &StatsReply {
            campaign_id: id.as_str().to_owned(),
            utc_offset_minutes: channel.utc_offset_minutes,
            from: from.iso(),
            to: to.iso(),
            days: days.into_iter().map(|(day, counts)| DayStats { date: day.iso(), counts }).collect(),
            totals: total,
            rates: rates(total),
        },
    ))
}
