//! The admin API: every request carries a bearer token, checked against the channel of
//! what it touches.

use crate::env::new_id;
use crate::error::ApiError;
use crate::router::Call;
use crate::store::segments::Segment;
use crate::store::{self, Db};
use crate::visitor::{self, VisitorCall};
use crate::{http, publication};
use kizuna_shared::admin_wire::{
    CustomerIn, CustomerOut, CustomerPage, CustomerQuery, FilterDoc, IdentityIn, IdentityOut, SORTS, SegmentIn,
    SegmentList, SegmentOut,
};
use kizuna_shared::customer::Schema;
use kizuna_shared::fields::{CustomField, Visibility, Writer, custom_fields, resolve};
use kizuna_shared::filter_sql::compile;
use kizuna_shared::ids::{CampaignId, ChannelId, VisitorId};
use kizuna_shared::stats::{DEFAULT_DAYS, MAX_DAYS, rates, series, totals};
use kizuna_shared::time::{Day, Millis};
use kizuna_shared::wire::{DayStats, StatsReply};
use worker::{Env, Request, Response};

/// `GET /admin/v1/campaigns/{id}/stats?from=YYYY-MM-DD&to=YYYY-MM-DD`
pub async fn campaign_stats(
    req: Request,
    env: &Env,
    now: Millis,
    id: &CampaignId,
    channel_id: &ChannelId,
) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let channel = publication::channel(env, channel_id, now).await?.ok_or(ApiError::NotFound("channel"))?;
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
    Ok(http::json(
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

/// The fields filters and segments may use in a channel (hidden ones are not), and its
/// custom fields.
pub(crate) async fn channel_schema(env: &Env, channel: &ChannelId) -> Result<(Schema, Vec<CustomField>), ApiError> {
    let custom = custom_fields(&store::channels::field_settings(&Db::open(env)?, channel).await?);
    Ok((Schema::of_channel(&custom).map_err(ApiError::Internal)?, custom))
}

/// Drops the values of hidden fields from what a manager sees (they are kept in data).
fn shown(mut customer: CustomerOut, custom: &[CustomField]) -> CustomerOut {
    for field in custom.iter().filter(|f| f.visibility == Visibility::Hidden) {
        customer.profile.remove(&field.name);
    }
    customer
}

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// `GET /admin/v1/channels/{channel}/customers?q=&sort=&order=&limit=&cursor=`
pub async fn list_customers(req: Request, env: &Env, now: Millis, channel: &ChannelId) -> Result<Response, ApiError> {
    let mut query = CustomerQuery::default();
    for (key, value) in req.url()?.query_pairs() {
        let value = Some(value.into_owned());
        match key.as_ref() {
            "q" => query.q = value,
            "sort" => query.sort = value,
            "order" => query.order = value,
            "cursor" => query.cursor = value,
            "limit" => {
                let limit = value.and_then(|v| v.parse().ok());
                query.limit = Some(limit.ok_or_else(|| ApiError::invalid("limit", "must be a whole number"))?);
            }
            other => {
                return Err(ApiError::invalid(other, "unknown query parameter (use q, sort, order, limit, cursor)"));
            }
        }
    }
    search_customers(env, now, channel, query).await
}

/// `POST /admin/v1/channels/{channel}/customers/search` with a `CustomerQuery` body.
/// The body is read before the auth step (see `router::AuthOrder::AfterBody`).
pub async fn search_customers_body(mut call: Call) -> Result<Response, ApiError> {
    let query: CustomerQuery = http::read_json(&mut call.req).await?;
    let caller = call.authorize().await?;
    search_customers(&call.env, call.now, caller.channel()?, query).await
}

async fn search_customers(
    env: &Env,
    now: Millis,
    channel: &ChannelId,
    query: CustomerQuery,
) -> Result<Response, ApiError> {
    let (schema, custom) = channel_schema(env, channel).await?;
    let doc =
        search_doc(env, channel, &schema, query.q.as_deref(), query.filter.as_ref(), query.segment.as_deref()).await?;
    let sort_name = query.sort.as_deref().unwrap_or("lastSeenAt");
    let (_, sort_expr) = SORTS
        .iter()
        .find(|(name, _)| *name == sort_name)
        .ok_or_else(|| ApiError::invalid("sort", "use lastSeenAt, createdAt, updatedAt or sessionsCount"))?;
    let descending = match query.order.as_deref().unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        _ => return Err(ApiError::invalid("order", "use asc or desc")),
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {MAX_LIMIT}")));
    }
    let after = match &query.cursor {
        None => None,
        Some(cursor) => Some(parse_cursor(cursor, sort_name)?),
    };
    let sql = compile(&doc.to_filter(&schema, "filter")?, &schema, now);
    let customers: Vec<CustomerOut> =
        store::customers::customers_page(&Db::open(env)?, channel, &sql, sort_expr, descending, after.as_ref(), limit)
            .await?
            .into_iter()
            .map(|c| shown(c, &custom))
            .collect();
    let next_cursor = (customers.len() == limit as usize)
        .then(|| customers.last().map(|c| format!("{sort_name}:{}:{}", sort_key(c, sort_name), c.id)))
        .flatten();
    Ok(http::json(200, &CustomerPage { customers, next_cursor }))
}

/// The conditions of a search (`q`, `filter`, `segment`), each checked under the name the
/// caller used, as one filter document (all must hold). A segment is read now, so its
/// conditions are evaluated afresh.
pub(crate) async fn search_doc(
    env: &Env,
    channel: &ChannelId,
    schema: &Schema,
    q: Option<&str>,
    filter: Option<&FilterDoc>,
    segment: Option<&str>,
) -> Result<FilterDoc, ApiError> {
    let mut parts = Vec::new();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let search = FilterDoc { search: Some(q.to_owned()), ..FilterDoc::default() };
        search.to_filter(schema, "q").map_err(|e| ApiError::invalid("q", e.problem))?;
        parts.push(search);
    }
    if let Some(doc) = filter {
        doc.to_filter(schema, "filter")?;
        parts.push(doc.clone());
    }
    if let Some(id) = segment {
        let segment = store::segments::segment(&Db::open(env)?, channel, id)
            .await?
            .ok_or_else(|| ApiError::invalid("segment", "no such segment in this channel"))?;
        // Evaluated afresh with today's fields; a segment that no longer fits them says so.
        segment.filter.to_filter(schema, "segment.filter")?;
        parts.push(segment.filter);
    }
    Ok(FilterDoc { all: Some(parts), ..FilterDoc::default() })
}

/// The value a customer has for the sort (the same expression as `SORTS` computes in SQL).
fn sort_key(customer: &CustomerOut, sort: &str) -> i64 {
    match sort {
        "createdAt" => customer.created_at,
        "updatedAt" => customer.updated_at,
        "sessionsCount" => customer.sessions_count,
        _ => customer.last_seen_at.unwrap_or(0),
    }
}

/// Cursors read `sort:key:id`; one from another sort is refused.
fn parse_cursor(cursor: &str, sort: &str) -> Result<store::customers::After, ApiError> {
    let bad = || ApiError::invalid("cursor", "not a cursor of this list (start again without one)");
    let mut parts = cursor.splitn(3, ':');
    let (Some(for_sort), Some(key), Some(id)) = (parts.next(), parts.next(), parts.next()) else { return Err(bad()) };
    if for_sort != sort || id.is_empty() {
        return Err(bad());
    }
    Ok(store::customers::After { key: key.parse().map_err(|_| bad())?, id: id.to_owned() })
}

/// `GET`, `PATCH` and `DELETE /admin/v1/channels/{channel}/customers/{id}`
pub async fn customer(mut req: Request, env: &Env, channel: &ChannelId, id: &str) -> Result<Response, ApiError> {
    let (_, custom) = channel_schema(env, channel).await?;
    let db = Db::open(env)?;
    let existing = store::customers::customer(&db, channel, id).await?.ok_or(ApiError::NotFound("customer"))?;
    let visitor = VisitorId::parse(&existing.id).map_err(|e| ApiError::Internal(e.to_string()))?;
    match req.method() {
        worker::Method::Delete => {
            let erase = VisitorCall::Erase { channel: channel.clone(), visitor_id: visitor.clone() };
            let _: serde_json::Value = visitor::call_json(env, channel, &visitor, &erase).await?;
            Ok(http::json(200, &serde_json::json!({ "deleted": visitor })))
        }
        worker::Method::Patch => {
            let body: CustomerIn = http::read_json(&mut req).await?;
            if body.member_id.is_some() {
                return Err(ApiError::invalid("memberId", "is set when the member signs in, not edited"));
            }
            let change = resolve(&body.profile, &custom, Writer::Manager, "profile")?;
            let update = VisitorCall::UpdateProfile { channel: channel.clone(), visitor_id: visitor.clone(), change };
            let _: serde_json::Value = visitor::call_json(env, channel, &visitor, &update).await?;
            let customer = store::customers::customer(&db, channel, id).await?.ok_or(ApiError::NotFound("customer"))?;
            Ok(http::json(200, &shown(customer, &custom)))
        }
        _ => Ok(http::json(200, &shown(existing, &custom))),
    }
}

/// `POST /admin/v1/channels/{channel}/customers`: a customer created by hand (a lead met
/// offline, say), optionally a member.
pub async fn create_customer(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let body: CustomerIn = http::read_json(&mut req).await?;
    let (_, custom) = channel_schema(env, channel).await?;
    let change = resolve(&body.profile, &custom, Writer::Manager, "profile")?;
    let db = Db::open(env)?;
    let id = VisitorId::parse(&new_id("c_")?).map_err(|e| ApiError::Internal(e.to_string()))?;
    let call = match body.member_id {
        Some(member_id) => {
            if member_id.is_empty() || member_id.chars().count() > 256 || member_id.chars().any(char::is_control) {
                return Err(ApiError::invalid("memberId", "must be 1 to 256 characters without control characters"));
            }
            if store::customers::customer_of_member(&db, channel, &member_id).await?.is_some() {
                return Err(ApiError::Conflict {
                    field: "memberId".into(),
                    problem: "this member already has a customer".into(),
                });
            }
            VisitorCall::SignIn { channel: channel.clone(), visitor_id: id.clone(), member_id, change, absorb: None }
        }
        None => VisitorCall::UpdateProfile { channel: channel.clone(), visitor_id: id.clone(), change },
    };
    let _: serde_json::Value = visitor::call_json(env, channel, &id, &call).await?;
    let customer =
        store::customers::customer(&db, channel, id.as_str()).await?.ok_or(ApiError::NotFound("customer"))?;
    Ok(http::json(201, &shown(customer, &custom)))
}

fn segment_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ApiError::invalid("name", "must be 1 to 80 characters"));
    }
    Ok(name.to_owned())
}

/// A stored segment as the admin API shows it.
fn segment_out(segment: Segment) -> SegmentOut {
    SegmentOut {
        id: segment.id,
        name: segment.name,
        filter: segment.filter,
        created_at: segment.created_at,
        updated_at: segment.updated_at,
    }
}

async fn store_segment(env: &Env, channel: &ChannelId, segment: &Segment) -> Result<(), ApiError> {
    if store::segments::save_segment(&Db::open(env)?, channel, segment).await? {
        Ok(())
    } else {
        Err(ApiError::Conflict { field: "name".into(), problem: "another segment has this name".into() })
    }
}

/// `GET` and `POST /admin/v1/channels/{channel}/segments`
pub async fn segments(mut req: Request, env: &Env, now: Millis, channel: &ChannelId) -> Result<Response, ApiError> {
    if req.method() == worker::Method::Get {
        let segments = store::segments::segments(&Db::open(env)?, channel).await?;
        return Ok(http::json(200, &SegmentList { segments: segments.into_iter().map(segment_out).collect() }));
    }
    let body: SegmentIn = http::read_json(&mut req).await?;
    let name = segment_name(body.name.as_deref().ok_or_else(|| ApiError::invalid("name", "required"))?)?;
    let filter = body.filter.ok_or_else(|| ApiError::invalid("filter", "required"))?;
    filter.to_filter(&channel_schema(env, channel).await?.0, "filter")?;
    let segment = Segment { id: new_id("seg_")?, name, filter, created_at: now, updated_at: now };
    store_segment(env, channel, &segment).await?;
    Ok(http::json(201, &segment_out(segment)))
}

/// `GET`, `PATCH` and `DELETE /admin/v1/channels/{channel}/segments/{id}`
pub async fn segment(
    mut req: Request,
    env: &Env,
    now: Millis,
    channel: &ChannelId,
    id: &str,
) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    match req.method() {
        worker::Method::Delete => {
            if store::segments::delete_segment(&db, channel, id).await? {
                Ok(http::json(200, &serde_json::json!({ "deleted": id })))
            } else {
                Err(ApiError::NotFound("segment"))
            }
        }
        worker::Method::Patch => {
            let body: SegmentIn = http::read_json(&mut req).await?;
            let mut segment = store::segments::segment(&db, channel, id).await?.ok_or(ApiError::NotFound("segment"))?;
            if let Some(name) = &body.name {
                segment.name = segment_name(name)?;
            }
            if let Some(filter) = body.filter {
                filter.to_filter(&channel_schema(env, channel).await?.0, "filter")?;
                segment.filter = filter;
            }
            segment.updated_at = now;
            store_segment(env, channel, &segment).await?;
            Ok(http::json(200, &segment_out(segment)))
        }
        _ => {
            let segment = store::segments::segment(&db, channel, id).await?.ok_or(ApiError::NotFound("segment"))?;
            Ok(http::json(200, &segment_out(segment)))
        }
    }
}

/// `GET` and `PUT /admin/v1/channels/{channel}/identity-verification` (owners only).
pub async fn identity_verification(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let current = store::channels::identity(&db, channel).await?.ok_or(ApiError::NotFound("channel"))?;
    if req.method() == worker::Method::Get {
        let enabled = current.identity_verification == 1;
        return Ok(http::json(200, &IdentityOut { enabled, secret: current.member_hash_secret }));
    }
    let body: IdentityIn = http::read_json(&mut req).await?;
    let (secret, previous) = match current.member_hash_secret {
        Some(secret) if !body.rotate_secret => (Some(secret), current.member_hash_secret_previous),
        Some(secret) => (Some(new_id("kzs_")?), Some(secret)),
        None if body.enabled || body.rotate_secret => (Some(new_id("kzs_")?), None),
        None => (None, None),
    };
    store::channels::set_identity(&db, channel, body.enabled, secret.as_deref(), previous.as_deref()).await?;
    publication::forget_channel(env, channel).await?;
    Ok(http::json(200, &IdentityOut { enabled: body.enabled, secret }))
}

/// `GET /admin/v1/channels/{channel}/mau?month=YYYY-MM`: customers whose `updatedAt`
/// moved in the month (channel time; default: this month).
pub async fn monthly_active(req: Request, env: &Env, now: Millis, channel: &ChannelId) -> Result<Response, ApiError> {
    let mut month =
        publication::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?.day_of(now).month();
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
    Ok(http::json(200, &serde_json::json!({ "month": month, "mau": mau })))
}
