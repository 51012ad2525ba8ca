//! "Try it on my site" links: the draft message a single-use token shows on the site.
//!
//! Invariant: a link shows its message once. Taking it is one compare-and-set
//! (`UPDATE … WHERE taken_at IS NULL AND expires_at > now RETURNING popup`), so of two
//! racing pages one gets the message and the other nothing. A channel holds at most
//! [`MAX_LIVE_PER_CHANNEL`] live links; creating one first drops the channel's expired ones,
//! so the table stays as small as the links in use.

use super::{Executor, Statement, StoreError, num, text};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// Live (untaken, unexpired) links one channel may hold at once.
pub const MAX_LIVE_PER_CHANNEL: i64 = 100;

/// A new link, ready to store: `popup` is the widget's JSON of the message.
pub struct NewPreview<'a> {
    pub token_hash: &'a str,
    pub channel: &'a ChannelId,
    pub campaign: &'a str,
    pub popup: &'a str,
    pub expires_at: Millis,
}

/// What a page's token found.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// The message, now taken.
    Popup(String),
    /// The link was used already or expired.
    Gone,
    /// No link of this channel has this token.
    Unknown,
}

pub(crate) mod sql {
    use super::*;

    pub fn drop_expired(channel: &ChannelId, now: Millis) -> Statement {
        Statement::new(
            "DELETE FROM preview_links WHERE channel_id = ?1 AND expires_at <= ?2",
            vec![text(channel.as_str()), num(now)],
        )
    }

    /// Inserts only while the channel has fewer than the maximum live links.
    pub fn create(new: &NewPreview<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO preview_links (token_hash, channel_id, campaign_id, popup, created_at, expires_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6
             WHERE (SELECT COUNT(*) FROM preview_links
                    WHERE channel_id = ?2 AND taken_at IS NULL AND expires_at > ?5) < ?7",
            vec![
                text(new.token_hash),
                text(new.channel.as_str()),
                text(new.campaign),
                text(new.popup),
                num(now),
                num(new.expires_at),
                num(MAX_LIVE_PER_CHANNEL),
            ],
        )
    }

    pub fn take(channel: &ChannelId, token_hash: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE preview_links SET taken_at = ?3
             WHERE token_hash = ?2 AND channel_id = ?1 AND taken_at IS NULL AND expires_at > ?3
             RETURNING popup",
            vec![text(channel.as_str()), text(token_hash), num(now)],
        )
    }

    pub fn exists(channel: &ChannelId, token_hash: &str) -> Statement {
        Statement::new(
            "SELECT 1 AS found FROM preview_links WHERE token_hash = ?2 AND channel_id = ?1",
            vec![text(channel.as_str()), text(token_hash)],
        )
    }
}

/// Stores a link; `false` when the channel already holds the maximum of live links.
pub async fn create(db: &impl Executor, new: &NewPreview<'_>, now: Millis) -> Result<bool, StoreError> {
    let changed = db.batch(vec![sql::drop_expired(new.channel, now), sql::create(new, now)]).await?;
    Ok(changed.get(1) == Some(&1))
}

/// Takes the link's message, once.
pub async fn take(db: &impl Executor, channel: &ChannelId, token_hash: &str, now: Millis) -> Result<Taken, StoreError> {
    #[derive(Deserialize)]
    struct Row {
        popup: String,
    }
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code, reason = "read only to learn that the row exists")]
        found: i64,
    }
    if let Some(row) = db.first::<Row>(sql::take(channel, token_hash, now)).await? {
        return Ok(Taken::Popup(row.popup));
    }
    Ok(match db.first::<Found>(sql::exists(channel, token_hash)).await? {
        Some(_) => Taken::Gone,
        None => Taken::Unknown,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    fn shop() -> ChannelId {
        ChannelId::parse("shop").unwrap()
    }

    /// A database with the channels `shop` and `other`.
    fn two_channels() -> Sqlite {
        let db = Sqlite::with_channel();
        db.exec("INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('other', 'Other', 0, 0)");
        db
    }

    fn link<'a>(token: &'a str, channel: &'a ChannelId, expires_at: Millis) -> NewPreview<'a> {
        NewPreview { token_hash: token, channel, campaign: "c_1", popup: "{\"text\":\"Hi\"}", expires_at }
    }

    #[test]
    fn a_link_shows_its_message_once_and_then_is_gone() {
        let db = two_channels();
        assert!(wait(create(&db, &link("t1", &shop(), 1_000), 0)).unwrap());
        assert_eq!(wait(take(&db, &shop(), "t1", 10)).unwrap(), Taken::Popup("{\"text\":\"Hi\"}".into()));
        assert_eq!(wait(take(&db, &shop(), "t1", 11)).unwrap(), Taken::Gone);
    }

    #[test]
    fn an_expired_link_is_gone_and_an_unknown_or_other_channels_token_is_unknown() {
        let db = two_channels();
        assert!(wait(create(&db, &link("t1", &shop(), 1_000), 0)).unwrap());
        assert_eq!(wait(take(&db, &shop(), "t1", 1_000)).unwrap(), Taken::Gone);
        assert_eq!(wait(take(&db, &shop(), "nope", 10)).unwrap(), Taken::Unknown);
        let other = ChannelId::parse("other").unwrap();
        assert!(wait(create(&db, &link("t2", &shop(), 5_000), 0)).unwrap());
        assert_eq!(wait(take(&db, &other, "t2", 10)).unwrap(), Taken::Unknown);
        assert_eq!(wait(take(&db, &shop(), "t2", 10)).unwrap(), Taken::Popup("{\"text\":\"Hi\"}".into()));
    }

    #[test]
    fn a_channel_holds_at_most_the_maximum_of_live_links_and_expired_ones_make_room() {
        let db = two_channels();
        let tokens: Vec<String> = (0..MAX_LIVE_PER_CHANNEL).map(|i| format!("t{i}")).collect();
        for token in &tokens {
            assert!(wait(create(&db, &link(token, &shop(), 1_000), 0)).unwrap());
        }
        assert!(!wait(create(&db, &link("one-more", &shop(), 1_000), 0)).unwrap());
        let other = ChannelId::parse("other").unwrap();
        assert!(wait(create(&db, &link("elsewhere", &other, 1_000), 0)).unwrap(), "another channel's count is its own");
        // Once they expired, they are dropped and a new one fits.
        assert!(wait(create(&db, &link("later", &shop(), 9_000), 2_000)).unwrap());
        let gone = ChannelId::parse("gone").unwrap();
        assert!(!wait(create(&db, &link("orphan", &gone, 9_000), 2_000)).unwrap(), "a deleted channel gets no link");
        let left = db.number("SELECT COUNT(*) FROM preview_links WHERE channel_id = 'shop'");
        assert_eq!(left, 1);
    }
}
