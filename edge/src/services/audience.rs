//! Campaign audiences: a filter or a saved segment, evaluated against D1's `customers`
//! with the same compiled SQL as every other filter (one meaning everywhere).
//!
//! Invariant: a segment is read when the audience is used, never copied into the
//! campaign, so editing the segment changes who a running campaign reaches.

use crate::error::ApiError;
use crate::store;
use crate::store::Db;
use kizuna_shared::campaign::Audience;
use kizuna_shared::channel::Channel;
use kizuna_shared::deliver::CampaignSet;
use kizuna_shared::field::CustomField;
use kizuna_shared::field::Schema;
use kizuna_shared::field::custom_fields;
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::filter::sql::SqlFilter;
use kizuna_shared::filter::sql::compile;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::time::Millis;
use std::collections::BTreeSet;
use worker::Env;

/// The audience's conditions as a filter document (a segment's are read now), checked
/// against `schema`; errors name `audience.segment` or `audience.filter…`.
pub async fn filter_doc(
    env: &Env,
    channel: &ChannelId,
    schema: &Schema,
    audience: &Audience,
) -> Result<FilterDoc, ApiError> {
    let doc = match audience {
        Audience::Filter(doc) => doc.clone(),
        Audience::Segment(id) => {
            store::segments::segment(&Db::open(env)?, channel, id)
                .await?
                .ok_or_else(|| ApiError::invalid("audience.segment", "no such segment in this channel"))?
                .filter
        }
    };
    doc.to_filter(schema, "audience.filter")?;
    Ok(doc)
}

/// A filter document as SQL with the channel's fields, relative times taken at `at`.
pub fn sql(doc: &FilterDoc, schema: &Schema, at: Millis) -> Result<SqlFilter, ApiError> {
    Ok(compile(&doc.to_filter(schema, "audience.filter")?, schema, at))
}

/// Which of `ids` (campaigns with an audience) the customer is in now. An audience that
/// no longer fits the channel's fields (a field it uses was hidden) holds for no one.
/// The fields come from the published channel, so this hot path reads D1 only for
/// segments and the match itself.
pub async fn members(
    env: &Env,
    set: &CampaignSet,
    channel: &Channel,
    visitor: &VisitorId,
    ids: &[CampaignId],
    now: Millis,
) -> Result<BTreeSet<CampaignId>, ApiError> {
    let mut inside = BTreeSet::new();
    if ids.is_empty() {
        return Ok(inside);
    }
    let schema = Schema::of_channel(&channel.fields).map_err(ApiError::Internal)?;
    let db = Db::open(env)?;
    for id in ids {
        let Some(audience) = set.get(id).and_then(|c| c.audience.as_ref()) else { continue };
        let filter = match filter_doc(env, &channel.id, &schema, audience).await {
            Ok(doc) => sql(&doc, &schema, now)?,
            Err(ApiError::Invalid { field, problem }) => {
                worker::console_error!("campaign {id}: audience unusable ({field}: {problem})");
                continue;
            }
            Err(other) => return Err(other),
        };
        if store::customers::customer_matches(&db, &channel.id, visitor, &filter).await? {
            inside.insert(id.clone());
        }
    }
    Ok(inside)
}

/// The fields filters and segments may use in a channel (hidden ones are not), and its
/// custom fields.
pub(crate) async fn channel_schema(env: &Env, channel: &ChannelId) -> Result<(Schema, Vec<CustomField>), ApiError> {
    let custom = custom_fields(&store::channels::field_settings(&Db::open(env)?, channel).await?);
    Ok((Schema::of_channel(&custom).map_err(ApiError::Internal)?, custom))
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
