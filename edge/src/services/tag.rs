//! Where and when a channel's tag was last seen (issue 11: "waiting for your site" until
//! the first page view). Invariant: cheap on the hot path. An isolate asks D1 at most
//! once a minute per channel, and D1's statement writes only when the stored sighting is
//! a minute old, so a busy site costs one small write a minute, not one per page view.
//! The sighting lives on the channel's D1 row, where the admin API reads the channel
//! (KV would need a read-modify-write per key and is limited to one write a second).

use crate::store::{self, Db};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::{MINUTE, Millis};
use std::cell::RefCell;
use std::collections::HashMap;
use worker::Env;

thread_local! {
    static ASKED: RefCell<HashMap<ChannelId, Millis>> = RefCell::new(HashMap::new());
}

/// Records a page view of `url` on the channel's site; a failure is logged, never the
/// visitor's problem.
pub async fn page_viewed(env: &Env, channel: &ChannelId, url: &str, now: Millis) {
    let due = ASKED.with(|asked| {
        let mut asked = asked.borrow_mut();
        let due = asked.get(channel).is_none_or(|at| now - at >= MINUTE);
        if due {
            asked.insert(channel.clone(), now);
        }
        due
    });
    if !due {
        return;
    }
    let recorded = async {
        let db = Db::open(env)?;
        store::channels::tag_seen(&db, channel, url, now).await?;
        Ok::<(), crate::error::ApiError>(())
    };
    if let Err(err) = recorded.await {
        worker::console_error!("tag sighting of {channel}: {err}");
    }
}
