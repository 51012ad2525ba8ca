//! A campaign's daily statistics (deliveries sent and customers reached, per day and for
//! the period) and per-recipient results, and a channel's monthly
//! active customers. A campaign of another channel is not found, whatever the caller's
//! roles elsewhere: ids can be guessed.

use crate::api::admin::paging;
use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::store;
use crate::store::Db;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::stats::DEFAULT_DAYS;
use kizuna_shared::stats::MAX_DAYS;
use kizuna_shared::stats::day_spans;
use kizuna_shared::stats::rates;
use kizuna_shared::stats::series;
use kizuna_shared::stats::totals;
use kizuna_shared::time::Day;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::RecipientOut;
use kizuna_shared::wire::admin::RecipientPage;
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
    let spans = day_spans(&channel, from, to);
    let reached_by_day = store::deliveries::reached_by_day(&db, id, &spans).await?;
    let reached_on = |day: Day| reached_by_day.iter().find(|(d, _)| *d == day).map_or(0, |(_, n)| *n);
    let (start, end) = (channel.start_of_day(from), channel.start_of_day(to.next()));
    let reached = store::deliveries::reached_between(&db, id, start, end).await?;
    Ok(reply::json(
        200,
        &StatsReply {
            campaign_id: id.as_str().to_owned(),
            time_zone: channel.zone.name().to_owned(),
            utc_offset_minutes: channel.offset_at(now),
            from: from.iso(),
            to: to.iso(),
            days: days
                .into_iter()
                .map(|(day, counts)| DayStats { date: day.iso(), counts, reached: reached_on(day) })
                .collect(),
            totals: total,
            reached,
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

/// `GET /admin/v1/channels/{channel}/campaigns/{id}/recipients?limit=&cursor=`: the
/// customers the campaign reached, newest first, with their first sent, view, click and
/// goal times; cursor pages of the customer list's sizes.
pub async fn campaign_recipients(req: Request, env: &Env, channel: &ChannelId, id: &str) -> Result<Response, ApiError> {
    let url = req.url()?;
    let pairs = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned()));
    let (limit, after) = paging::sent_page_query(pairs, paging::CUSTOMER_LIST)?;
    let campaign = CampaignId::parse(id).map_err(|e| ApiError::invalid("campaignId", e.to_string()))?;
    let page = recipient_page(&Db::open(env)?, channel, &campaign, after.as_ref(), limit).await?;
    Ok(reply::json(200, &page))
}

/// One page of `campaign`'s recipients, if it is a campaign of `channel`.
async fn recipient_page(
    db: &impl store::Executor,
    channel: &ChannelId,
    campaign: &CampaignId,
    after: Option<&store::deliveries::SentAfter>,
    limit: u32,
) -> Result<RecipientPage, ApiError> {
    if store::campaigns::campaign_channel(db, campaign).await?.as_ref() != Some(channel) {
        return Err(ApiError::NotFound("campaign"));
    }
    let rows = store::deliveries::recipients(db, channel, campaign, after, limit).await?;
    let last = rows.last().map(|r| store::deliveries::SentAfter { sent_at: r.sent_at, id: r.customer_id.clone() });
    let next_cursor = paging::next_cursor(rows.len(), limit, last);
    let recipients = rows
        .into_iter()
        .map(|r| RecipientOut {
            customer_id: r.customer_id,
            name: r.name,
            email: r.email,
            sent_at: r.sent_at,
            view_at: r.view_at,
            click_at: r.click_at,
            goal_at: r.goal_at,
            deliveries: u32::try_from(r.deliveries).unwrap_or(u32::MAX),
        })
        .collect();
    Ok(RecipientPage { recipients, next_cursor })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::deliveries::SentAfter;
    use crate::store::sqlite::{Sqlite, wait};

    /// `shop` with campaign `welcome` reaching v1 (viewed, clicked) and v2; `elsewhere`
    /// with campaign `theirs` reaching v3.
    fn two_channels() -> Sqlite {
        let db = Sqlite::with_channel();
        db.exec(
            "INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('elsewhere', 'Else', 0, 0);
             INSERT INTO campaigns (id, channel_id, name, state, definition, created_at, updated_at) VALUES
               ('welcome', 'shop', 'Welcome', 'running', '{}', 0, 0),
               ('theirs', 'elsewhere', 'Theirs', 'running', '{}', 0, 0);
             INSERT INTO customers (channel_id, id, created_at, updated_at, name, profile_email)
               VALUES ('shop', 'v1', 0, 0, 'Hanako', 'h@example.com');
             INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at, view_at, click_at) VALUES
               ('d1', 'shop', 'welcome', 'v1', 'bubble', 100, 110, 120),
               ('d2', 'shop', 'welcome', 'v2', 'bubble', 200, NULL, NULL),
               ('d3', 'elsewhere', 'theirs', 'v3', 'bubble', 300, NULL, NULL);",
        );
        db
    }

    fn page(db: &Sqlite, channel: &str, campaign: &str, after: Option<&SentAfter>) -> Result<RecipientPage, ApiError> {
        let (channel, campaign) = (ChannelId::parse(channel).unwrap(), CampaignId::parse(campaign).unwrap());
        wait(recipient_page(db, &channel, &campaign, after, 1))
    }

    #[test]
    fn a_campaign_of_another_channel_or_none_is_not_found() {
        let db = two_channels();
        for (channel, campaign) in [("shop", "theirs"), ("elsewhere", "welcome"), ("shop", "nothing")] {
            let status = page(&db, channel, campaign, None).err().map(|e| e.status());
            assert_eq!(status, Some(404), "{channel} {campaign}");
        }
    }

    #[test]
    fn recipients_page_on_with_the_cursor_of_the_last_row_in_camel_case() {
        let db = two_channels();
        let first = page(&db, "shop", "welcome", None).unwrap();
        assert_eq!(first.next_cursor.as_deref(), Some("200:v2"));
        let json = serde_json::to_value(&first).unwrap();
        let expected = serde_json::json!({
            "recipients": [{ "customerId": "v2", "name": null, "email": null, "sentAt": 200, "viewAt": null,
              "clickAt": null, "goalAt": null, "deliveries": 1 }],
            "nextCursor": "200:v2",
        });
        assert_eq!(json, expected);
        let after = SentAfter { sent_at: 200, id: "v2".into() };
        let second = page(&db, "shop", "welcome", Some(&after)).unwrap();
        let v1 = &second.recipients[0];
        let seen = (v1.customer_id.as_str(), v1.name.as_deref(), v1.email.as_deref(), v1.view_at, v1.click_at);
        assert_eq!(seen, ("v1", Some("Hanako"), Some("h@example.com"), Some(110), Some(120)));
        let after = SentAfter { sent_at: 100, id: "v1".into() };
        let last = page(&db, "shop", "welcome", Some(&after)).unwrap();
        assert_eq!((last.recipients.len(), last.next_cursor), (0, None));
    }
}
