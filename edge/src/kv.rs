//! What visitors' requests read on every call: a channel's settings and its running
//! campaigns, published in KV and cached in the isolate.
//!
//! Invariant: this module alone knows the KV key layout. D1 is the source of truth; KV
//! holds the published copy (written by the admin side, or filled from D1 on a miss),
//! and the isolate keeps what it read for [`ISOLATE_TTL`].

use crate::error::ApiError;
use crate::store::{self, Db};
use kizuna_shared::campaign::Campaign;
use kizuna_shared::channel::Channel;
use kizuna_shared::deliver::CampaignSet;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::store::CampaignDocV1;
use kizuna_shared::time::{Millis, SECOND};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::Env;

/// How long a published copy lives in KV before it is read from D1 again.
const PUBLISHED_TTL_SECONDS: u64 = 300;

/// How long an isolate trusts what it read from KV.
pub const ISOLATE_TTL: Millis = 10 * SECOND;

fn channel_key(id: &ChannelId) -> String {
    format!("v1/channel/{id}")
}

fn campaigns_key(id: &ChannelId) -> String {
    format!("v2/campaigns/{id}")
}

/// The development clock's offset (see `clock.rs`): never read unless it is enabled.
const DEV_CLOCK_KEY: &str = "dev/clock-offset";

pub async fn dev_clock_offset(env: &Env) -> Result<Millis, ApiError> {
    Ok(env.kv("KV")?.get(DEV_CLOCK_KEY).json::<Millis>().await?.unwrap_or(0))
}

pub async fn set_dev_clock_offset(env: &Env, offset: Millis) -> Result<(), ApiError> {
    env.kv("KV")?.put(DEV_CLOCK_KEY, offset)?.execute().await?;
    Ok(())
}

/// What this isolate read lately, per channel, trusted until [`ISOLATE_TTL`] has passed.
struct IsolateCache<T>(RefCell<HashMap<ChannelId, (Millis, T)>>);

impl<T: Clone> IsolateCache<T> {
    fn new() -> Self {
        IsolateCache(RefCell::new(HashMap::new()))
    }

    fn get(&self, id: &ChannelId, now: Millis) -> Option<T> {
        self.0.borrow().get(id).filter(|(until, _)| *until > now).map(|(_, value)| value.clone())
    }

    fn put(&self, id: &ChannelId, value: T, now: Millis) {
        self.0.borrow_mut().insert(id.clone(), (now + ISOLATE_TTL, value));
    }
}

thread_local! {
    static CHANNELS: IsolateCache<Option<Rc<Channel>>> = IsolateCache::new();
    static CAMPAIGNS: IsolateCache<Rc<CampaignSet>> = IsolateCache::new();
}

/// The published value at `key`; on a miss, `load` reads it from D1 and publishes it.
async fn published<T: Serialize + DeserializeOwned>(
    env: &Env,
    key: &str,
    load: impl Future<Output = Result<Option<T>, ApiError>>,
) -> Result<Option<T>, ApiError> {
    let kv = env.kv("KV")?;
    if let Some(value) = kv.get(key).json::<T>().await? {
        return Ok(Some(value));
    }
    let value = load.await?;
    if let Some(value) = &value {
        // A reader that loaded D1 just before an admin change may put the old value back
        // after the change dropped it: the TTL bounds how long such a copy can live.
        kv.put(key, value)?.expiration_ttl(PUBLISHED_TTL_SECONDS).execute().await?;
    }
    Ok(value)
}

/// The channel, or `None` when no such channel exists.
pub async fn channel(env: &Env, id: &ChannelId, now: Millis) -> Result<Option<Rc<Channel>>, ApiError> {
    if let Some(hit) = CHANNELS.with(|cache| cache.get(id, now)) {
        return Ok(hit);
    }
    let db = Db::open(env)?;
    let load = async { store::channels::load_channel(&db, id).await.map_err(ApiError::from) };
    let doc = published(env, &channel_key(id), load).await?;
    let value = match doc {
        None => None,
        Some(doc) => {
            Some(Rc::new(Channel::try_from(&doc).map_err(|e| ApiError::Internal(format!("channel {id}: {e}")))?))
        }
    };
    CHANNELS.with(|cache| cache.put(id, value.clone(), now));
    Ok(value)
}

/// Drops the published copy of a channel after its settings changed in D1: the next read
/// republishes it. Other isolates may keep their copy for up to [`ISOLATE_TTL`].
pub async fn forget_channel(env: &Env, id: &ChannelId) -> Result<(), ApiError> {
    env.kv("KV")?.delete(&channel_key(id)).await?;
    CHANNELS.with(|cache| cache.0.borrow_mut().remove(id));
    Ok(())
}

/// Drops the published copy of a channel's campaigns after one changed in D1: the next
/// read republishes them. Other isolates may keep theirs for up to [`ISOLATE_TTL`].
pub async fn forget_campaigns(env: &Env, id: &ChannelId) -> Result<(), ApiError> {
    env.kv("KV")?.delete(&campaigns_key(id)).await?;
    CAMPAIGNS.with(|cache| cache.0.borrow_mut().remove(id));
    Ok(())
}

/// The channel's published campaigns (see `store::campaigns::load_published_campaigns`), indexed.
pub async fn campaigns(env: &Env, id: &ChannelId, now: Millis) -> Result<Rc<CampaignSet>, ApiError> {
    if let Some(hit) = CAMPAIGNS.with(|cache| cache.get(id, now)) {
        return Ok(hit);
    }
    let db = Db::open(env)?;
    let load =
        async { store::campaigns::load_published_campaigns(&db, id, now).await.map(Some).map_err(ApiError::from) };
    let docs: Vec<CampaignDocV1> = published(env, &campaigns_key(id), load).await?.unwrap_or_default();
    let campaigns: Vec<Campaign> = docs
        .iter()
        .filter_map(|doc| match Campaign::try_from(doc) {
            Ok(campaign) => Some(campaign),
            Err(err) => {
                worker::console_error!("skipping stored campaign {}: {err}", doc.id);
                None
            }
        })
        .collect();
    let value = Rc::new(CampaignSet::new(campaigns));
    CAMPAIGNS.with(|cache| cache.put(id, value.clone(), now));
    Ok(value)
}
