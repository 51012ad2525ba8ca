//! The field-schema admin API: a channel's profile fields, their display names, order
//! and visibility, and new custom fields. Reading is open to the channel's members;
//! changing is for owners. Every change republishes the channel, whose custom fields
//! the public endpoints check the site's values against.

use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::request;
use crate::store;
use crate::store::Db;
use kizuna_shared::field::FieldSetting;
use kizuna_shared::field::Visibility;
use kizuna_shared::field::check_display_name;
use kizuna_shared::field::check_new_name;
use kizuna_shared::field::custom_fields;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::wire::admin::FieldIn;
use kizuna_shared::wire::admin::FieldOrder;
use kizuna_shared::wire::admin::FieldOut;
use kizuna_shared::wire::admin::FieldPatch;
use kizuna_shared::wire::admin::field_list;
use worker::Env;
use worker::Request;
use worker::Response;

/// Saves `changed` settings, republishes the channel and answers with its field list.
async fn save(env: &Env, channel: &ChannelId, changed: &[FieldSetting], status: u16) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    store::channels::save_fields(&db, channel, changed).await?;
    kv::forget_channel(env, channel).await?;
    let fields = field_list(&store::channels::field_settings(&db, channel).await?);
    Ok(reply::json(status, &serde_json::json!({ "fields": fields })))
}

/// `GET /admin/v1/channels/{channel}/fields`
pub async fn list(env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let fields: Vec<FieldOut> = field_list(&store::channels::field_settings(&Db::open(env)?, channel).await?);
    Ok(reply::json(200, &serde_json::json!({ "fields": fields })))
}

/// `POST /admin/v1/channels/{channel}/fields` (owners)
pub async fn add(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let body: FieldIn = request::read_json(&mut req).await?;
    let settings = store::channels::field_settings(&Db::open(env)?, channel).await?;
    let name = body
        .key
        .strip_prefix("profile.")
        .ok_or_else(|| ApiError::invalid("key", "must be profile. followed by the name the site sends"))?;
    check_new_name(name, &custom_fields(&settings), "key")?;
    let field = FieldSetting {
        name: name.to_owned(),
        display_name: check_display_name(&body.display_name, "displayName")?,
        ty: body.ty,
        built_in: false,
        write_once: body.write_once,
        visibility: Visibility::Visible,
        position: settings.iter().map(|s| s.position).max().unwrap_or(0) + 1,
    };
    save(env, channel, &[field], 201).await
}

/// `PATCH /admin/v1/channels/{channel}/fields/{key}`: display name and visibility.
pub async fn field(mut req: Request, env: &Env, channel: &ChannelId, key: &str) -> Result<Response, ApiError> {
    let body: FieldPatch = request::read_json(&mut req).await?;
    let settings = store::channels::field_settings(&Db::open(env)?, channel).await?;
    let field = key
        .strip_prefix("profile.")
        .and_then(|name| settings.iter().find(|s| s.name == name))
        .ok_or(ApiError::NotFound("profile field"))?
        .patched(body.display_name.as_deref(), body.visibility, body.ty)?;
    save(env, channel, &[field], 200).await
}

/// `PUT /admin/v1/channels/{channel}/fields/order`: every profile field key, in order.
pub async fn order(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let body: FieldOrder = request::read_json(&mut req).await?;
    let settings = store::channels::field_settings(&Db::open(env)?, channel).await?;
    let names = body.names(&settings)?;
    let reordered: Vec<FieldSetting> = names
        .iter()
        .zip(0..)
        .filter_map(|(name, position)| {
            settings.iter().find(|s| s.name == *name).map(|s| FieldSetting { position, ..s.clone() })
        })
        .collect();
    save(env, channel, &reordered, 200).await
}
