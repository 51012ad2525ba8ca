//! What visitors' requests read on every call: a channel's settings and its running
//! campaigns, published in KV and cached in the isolate.
//!
//! Invariant: this module alone knows the KV key layout. D1 is the source of truth; KV
//! holds the published copy (written by the admin side, or filled from D1 on a miss),
//! and the isolate keeps what it read for [`ISOLATE_TTL`].

use crate::db;
use crate::error::ApiError;
use kizuna_shared::campaign::Campaign;
use kizuna_shared::channel::Channel;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::stored::{CampaignDocV1, ChannelDocV1};
use kizuna_shared::time::{Millis, SECOND};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::Env;

/// How long an isolate trusts what it read from KV.
pub const ISOLATE_TTL: Millis = 10 * SECOND;

fn channel_key(id: &ChannelId) -> String {
    format!("v1/channel/{id}")
}

fn campaigns_key(id: &ChannelId) -> String {
    format!("v1/campaigns/{id}")
}

struct Cached<T> {
    until: Millis,
    value: T,
}

thread_local! {
    static CHANNELS: RefCell<HashMap<ChannelId, Cached<Option<Rc<Channel>>>>> = RefCell::new(HashMap::new());
    static CAMPAIGNS: RefCell<HashMap<ChannelId, Cached<Rc<Vec<Campaign>>>>> = RefCell::new(HashMap::new());
}

/// The channel, or `None` when no such channel exists.
pub async fn channel(env: &Env, id: &ChannelId, now: Millis) -> Result<Option<Rc<Channel>>, ApiError> {
    if let Some(hit) = CHANNELS.with_borrow(|map| map.get(id).filter(|c| c.until > now).map(|c| c.value.clone())) {
        return Ok(hit);
    }
    let kv = env.kv("KV")?;
    let doc = match kv.get(&channel_key(id)).json::<ChannelDocV1>().await? {
        Some(doc) => Some(doc),
        None => {
            let doc = db::load_channel(&env.d1("DB")?, id).await?;
            if let Some(doc) = &doc {
                kv.put(&channel_key(id), doc)?.execute().await?;
            }
            doc
        }
    };
    let value = match doc {
        None => None,
        Some(doc) => Some(Rc::new(
            Channel::try_from(&doc).map_err(|e| ApiError::Internal(format!("channel {id}: {e}")))?,
        )),
    };
    CHANNELS.with_borrow_mut(|map| {
        map.insert(
            id.clone(),
            Cached {
                until: now + ISOLATE_TTL,
                value: value.clone(),
            },
        )
    });
    Ok(value)
}

/// The channel's running campaigns in priority order.
pub async fn campaigns(env: &Env, id: &ChannelId, now: Millis) -> Result<Rc<Vec<Campaign>>, ApiError> {
    if let Some(hit) = CAMPAIGNS.with_borrow(|map| map.get(id).filter(|c| c.until > now).map(|c| c.value.clone())) {
        return Ok(hit);
    }
    let kv = env.kv("KV")?;
    let docs = match kv.get(&campaigns_key(id)).json::<Vec<CampaignDocV1>>().await? {
        Some(docs) => docs,
        None => {
            let docs = db::load_running_campaigns(&env.d1("DB")?, id).await?;
            kv.put(&campaigns_key(id), &docs)?.execute().await?;
            docs
        }
    };
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
    let value = Rc::new(campaigns);
    CAMPAIGNS.with_borrow_mut(|map| {
        map.insert(
            id.clone(),
            Cached {
                until: now + ISOLATE_TTL,
                value: value.clone(),
            },
        )
    });
    Ok(value)
}
