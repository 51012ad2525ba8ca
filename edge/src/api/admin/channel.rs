//! A channel's settings: time zone, business-hours sets, frequency cap, and identity
//! verification with its secret.

use crate::env::new_id;
use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::request;
use crate::store;
use crate::store::Db;
use kizuna_shared::campaign::Campaign;
use kizuna_shared::campaign::edit::guard_business_hours_removal;
use kizuna_shared::channel::Channel;
use kizuna_shared::channel::FrequencyCap;
use kizuna_shared::identity;
use kizuna_shared::identity::Secrets;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::schedule::Zone;
use kizuna_shared::store::BusinessHoursDoc;
use kizuna_shared::store::business_hours;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::IdentityIn;
use kizuna_shared::wire::admin::IdentityOut;
use worker::Env;
use worker::Method;
use worker::Request;
use worker::Response;

/// `GET` and `PUT /admin/v1/channels/{channel}/identity-verification` (owners only).
pub async fn identity_verification(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let current = store::channels::identity(&db, channel).await?.ok_or(ApiError::NotFound("channel"))?;
    if req.method() == worker::Method::Get {
        let enabled = current.identity_verification == 1;
        return Ok(reply::json(200, &IdentityOut { enabled, secret: current.member_hash_secret }));
    }
    let body: IdentityIn = request::read_json(&mut req).await?;
    let before = Secrets { current: current.member_hash_secret, previous: current.member_hash_secret_previous };
    let Secrets { current: secret, previous } =
        identity::rotate(before, body.enabled, body.rotate_secret, || new_id("kzs_"))?;
    store::channels::set_identity(&db, channel, body.enabled, secret.as_deref(), previous.as_deref()).await?;
    kv::forget_channel(env, channel).await?;
    Ok(reply::json(200, &IdentityOut { enabled: body.enabled, secret }))
}

/// A channel's campaign settings as the admin API reads and writes them.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChannelSettingsIo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    business_hours: Option<Vec<BusinessHoursDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    frequency_cap: Option<FrequencyCap>,
}

/// `GET` and `PATCH /admin/v1/channels/{channel}`: the channel's time zone, its named
/// business-hours sets and its frequency cap (owners only change them: the route says so).
pub async fn channel_settings(
    mut req: Request,
    env: &Env,
    now: Millis,
    channel: &ChannelId,
) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let doc = store::channels::load_channel(&db, channel).await?.ok_or(ApiError::NotFound("channel"))?;
    // Read from D1, not a published copy that may be a few seconds old.
    let mut zone = Channel::try_from(&doc)?.zone.name().to_owned();
    let mut settings =
        store::channels::ChannelSettings { business_hours: doc.business_hours, frequency_cap: doc.frequency_cap };
    if req.method() == Method::Patch {
        let body: ChannelSettingsIo = request::read_json(&mut req).await?;
        if let Some(name) = body.time_zone {
            zone = Zone::parse(&name).map_err(|p| ApiError::invalid("timeZone", p))?.name().to_owned();
        }
        if let Some(sets) = body.business_hours {
            let names = business_hours(&sets)?;
            let mut campaigns = Vec::new();
            for row in store::campaigns::campaign_rows(&db, channel).await? {
                campaigns.push(Campaign::try_from(&row.doc()?)?);
            }
            guard_business_hours_removal(&campaigns, &names, now).map_err(ApiError::conflict)?;
            settings.business_hours = sets;
        }
        if let Some(cap) = body.frequency_cap {
            cap.validate()?;
            settings.frequency_cap = cap;
        }
        store::channels::save_channel_settings(&db, channel, &zone, &settings).await?;
        kv::forget_channel(env, channel).await?;
    }
    Ok(reply::json(
        200,
        &ChannelSettingsIo {
            time_zone: Some(zone),
            business_hours: Some(settings.business_hours),
            frequency_cap: Some(settings.frequency_cap),
        },
    ))
}
