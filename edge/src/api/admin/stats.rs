//! A campaign's daily statistics and a channel's monthly active customers.

use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::store;
use crate::store::Db;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::stats::DEFAULT_DAYS;
use kizuna_shared::stats::MAX_DAYS;
use kizuna_shared::stats::rates;
use kizuna_shared::stats::series;
use kizuna_shared::stats::totals;
use kizuna_shared::time::Day;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::public::DayStats;
use kizuna_shared::wire::public::StatsReply;
use worker::Env;
use worker::Request;
use worker::Response;

/// `GET /admin/v1/campaigns/{id}/stats?from=YYYY-MM-DD&to=YYYY-MM-DD`
pub async fn campaign_stats(
    req: Request,
    env: &Env,
    now: Millis,
    id: &CampaignId,
    channel_id: &ChannelId,
) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let channel = kv::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let today = channel.day_of(now);
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
    let days = series(&store::deliveries::daily_stats(&db, id, from, to).await?, from, to);
    let total = totals(&days);
    Ok(reply::json(
        200,
        &StatsReply {
            campaign_id: id.as_str().to_owned(),
            time_zone: channel.zone.name().to_owned(),
            utc_offset_minutes: channel.offset_at(now),
            from: from.iso(),
            to: to.iso(),
            days: days.into_iter().map(|(day, counts)| DayStats { date: day.iso(), counts }).collect(),
            totals: total,
            rates: rates(total),
        },
    ))
}

/// `GET /admin/v1/channels/{channel}/mau?month=YYYY-MM`: customers whose `updatedAt`
/// moved in the month (channel time; default: this month).
pub async fn monthly_active(req: Request, env: &Env, now: Millis, channel: &ChannelId) -> Result<Response, ApiError> {
    let mut month = kv::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?.day_of(now).month();
    for (key, value) in req.url()?.query_pairs() {
        match key.as_ref() {
            "month" => {
                month = Day::parse_month(&value)
                    .map(Day::month)
                    .ok_or_else(|| ApiError::invalid("month", "must be a month YYYY-MM"))?;
            }
            other => return Err(ApiError::invalid(other, "unknown query parameter (use month)")),
        }
    }
    let mau = store::customers::monthly_active(&Db::open(env)?, channel, &month).await?;
    Ok(reply::json(200, &serde_json::json!({ "month": month, "mau": mau })))
}
