//! Saved segments: a name and a filter, checked against the channel's fields.

use crate::env::new_id;
use crate::error::ApiError;
use crate::reply;
use crate::request;
use crate::services::audience::channel_schema;
use crate::store;
use crate::store::Db;
use crate::store::segments::Segment;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::SegmentIn;
use kizuna_shared::wire::admin::SegmentList;
use kizuna_shared::wire::admin::SegmentOut;
use worker::Env;
use worker::Request;
use worker::Response;

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
        return Ok(reply::json(200, &SegmentList { segments: segments.into_iter().map(segment_out).collect() }));
    }
    let body: SegmentIn = request::read_json(&mut req).await?;
    let name = segment_name(body.name.as_deref().ok_or_else(|| ApiError::invalid("name", "required"))?)?;
    let filter = body.filter.ok_or_else(|| ApiError::invalid("filter", "required"))?;
    filter.to_filter(&channel_schema(env, channel).await?.0, "filter")?;
    let segment = Segment { id: new_id("seg_")?, name, filter, created_at: now, updated_at: now };
    store_segment(env, channel, &segment).await?;
    Ok(reply::json(201, &segment_out(segment)))
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
                Ok(reply::json(200, &serde_json::json!({ "deleted": id })))
            } else {
                Err(ApiError::NotFound("segment"))
            }
        }
        worker::Method::Patch => {
            let body: SegmentIn = request::read_json(&mut req).await?;
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
            Ok(reply::json(200, &segment_out(segment)))
        }
        _ => {
            let segment = store::segments::segment(&db, channel, id).await?.ok_or(ApiError::NotFound("segment"))?;
            Ok(reply::json(200, &segment_out(segment)))
        }
    }
}
