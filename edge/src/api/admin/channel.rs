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
use kizuna_shared::identity;
use kizuna_shared::identity::Secrets;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::schedule::Zone;
use kizuna_shared::store::business_hours;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::ChannelSettingsIo;
use kizuna_shared::wire::admin::IdentityIn;
use kizuna_shared::wire::admin::IdentityOut;
use kizuna_shared::wire::admin::TagSeenOut;
use worker::Env;
use worker::Method;
use worker::Request;
use worker::Response;

/// `GET` and `PUT /admin/v1/channels/{channel}/identity-verification` (owners only).
/// The secret is shown only in the reply that makes it; reading the settings shows
/// whether one exists and until when the previous one still verifies.
pub async fn identity_verification(
    mut req: Request,
    env: &Env,
    now: Millis,
    channel: &ChannelId,
) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let stored = store::channels::identity(&db, channel).await?.ok_or(ApiError::NotFound("channel"))?;
    let before = stored.secrets();
    if req.method() == worker::Method::Get {
        return Ok(reply::json(200, &identity_out(stored.identity_verification == 1, &before, None, now)));
    }
    let body: IdentityIn = request::read_json(&mut req).await?;
    let change = identity::Change {
        enabled: body.enabled,
        rotate: body.rotate_secret,
        revoke_previous: body.revoke_previous_secret,
    };
    let after = identity::rotate(before.clone(), change, now, || new_id("kzs_"))?;
    store::channels::set_identity(&db, channel, body.enabled, &after).await?;
    kv::forget_channel(env, channel).await?;
    let shown = identity::makes_secret(&before, &after).then(|| after.current.clone()).flatten();
    Ok(reply::json(200, &identity_out(body.enabled, &after, shown, now)))
}

fn identity_out(enabled: bool, secrets: &Secrets, secret: Option<String>, now: Millis) -> IdentityOut {
    let until = secrets.rotated_at.map(|at| at.saturating_add(identity::PREVIOUS_SECRET_VALID));
    IdentityOut {
        enabled,
        has_secret: secrets.current.is_some(),
        secret,
        previous_secret_valid_until: until.filter(|u| secrets.previous.is_some() && now < *u),
    }
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
    let io = ChannelSettingsIo {
        time_zone: Some(zone),
        business_hours: Some(settings.business_hours),
        frequency_cap: Some(settings.frequency_cap),
    };
    let mut out = serde_json::to_value(&io).map_err(|e| ApiError::Internal(e.to_string()))?;
    // The channel's name, site and where its tag was last seen (issue 11) travel with
    // its settings; only the settings are written by `PATCH`.
    if let (Some(summary), Some(fields)) = (store::channels::channel_summary(&db, channel).await?, out.as_object_mut())
    {
        let seen = summary.tag_last_seen_at.zip(summary.tag_last_seen_url).map(|(at, url)| TagSeenOut { at, url });
        fields.insert("id".into(), summary.id.into());
        fields.insert("name".into(), summary.name.into());
        fields.insert("siteUrl".into(), summary.site_url.into());
        fields.insert("tagLastSeen".into(), serde_json::to_value(seen).unwrap_or_default());
    }
    Ok(reply::json(200, &out))
}
