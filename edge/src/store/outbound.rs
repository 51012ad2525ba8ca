//! Email and SMS messages of campaigns (`outbound_messages`), one row per delivery and
//! medium.
//!
//! Invariant: a message is sent by whoever claims it: a row is claimed when new or left
//! 'sending'/'failed' by an earlier attempt, never once 'sent' or 'skipped', and only a
//! claimed ('sending') row is finished.

use super::{Executor, Statement, StoreError, num, opt_text, text};
use kizuna_shared::ids::{CampaignId, ChannelId, DeliveryId, VisitorId};
use kizuna_shared::outbound::Medium;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// Which message, of whom.
pub struct Message<'a> {
    pub delivery: &'a DeliveryId,
    pub medium: Medium,
    pub channel: &'a ChannelId,
    pub visitor: &'a VisitorId,
    pub campaign: &'a CampaignId,
}

/// How a claimed message ended, with what is known.
pub struct Finish<'a> {
    /// 'sent', 'skipped' or 'failed'.
    pub state: &'a str,
    pub address: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub provider_id: Option<&'a str>,
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn claim_outbound(m: &Message<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO outbound_messages (delivery_id, medium, channel_id, visitor_id, campaign_id, state, created_at,
           updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'sending', ?6, ?6)
         ON CONFLICT (delivery_id, medium) DO UPDATE SET state = 'sending', updated_at = excluded.updated_at
         WHERE outbound_messages.state IN ('sending', 'failed')",
            vec![
                text(m.delivery.as_str()),
                text(m.medium.as_str()),
                text(m.channel.as_str()),
                text(m.visitor.as_str()),
                text(m.campaign.as_str()),
                num(now),
            ],
        )
    }

    pub fn outbound_state(delivery: &DeliveryId, medium: Medium) -> Statement {
        Statement::new(
            "SELECT state FROM outbound_messages WHERE delivery_id = ?1 AND medium = ?2",
            vec![text(delivery.as_str()), text(medium.as_str())],
        )
    }

    pub fn finish_outbound(delivery: &DeliveryId, medium: Medium, f: &Finish<'_>, now: Millis) -> Statement {
        Statement::new(
            "UPDATE outbound_messages SET state = ?3, address = COALESCE(?4, address), reason = ?5, provider_id = ?6,
           updated_at = ?7
         WHERE delivery_id = ?1 AND medium = ?2 AND state = 'sending'",
            vec![
                text(delivery.as_str()),
                text(medium.as_str()),
                text(f.state),
                opt_text(f.address),
                opt_text(f.reason),
                opt_text(f.provider_id),
                num(now),
            ],
        )
    }
}

/// What a sender does with a claimed message.
pub enum OutboundClaim {
    /// This call holds the row (new, or left 'sending'/'failed' by an earlier attempt).
    Claimed,
    /// The message was sent or skipped already: nothing to do.
    Done { state: String },
}

#[derive(Deserialize)]
struct StateRow {
    state: String,
}

/// Claims the message for sending: inserts its row as 'sending', or takes over a row an
/// earlier attempt left 'sending' or 'failed'.
pub async fn claim_outbound(
    db: &impl Executor,
    message: &Message<'_>,
    now: Millis,
) -> Result<OutboundClaim, StoreError> {
    if db.run(sql::claim_outbound(message, now)).await? == 1 {
        return Ok(OutboundClaim::Claimed);
    }
    let row = db.first::<StateRow>(sql::outbound_state(message.delivery, message.medium)).await?;
    Ok(OutboundClaim::Done { state: row.map_or_else(|| "unknown".to_owned(), |r| r.state) })
}

/// Marks a claimed message 'sent', 'skipped' or 'failed', with what is known.
pub async fn finish_outbound(
    db: &impl Executor,
    delivery: &DeliveryId,
    medium: Medium,
    finish: &Finish<'_>,
    now: Millis,
) -> Result<(), StoreError> {
    db.run(sql::finish_outbound(delivery, medium, finish, now)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    struct Ids(DeliveryId, ChannelId, VisitorId, CampaignId);

    fn ids() -> Ids {
        Ids(
            DeliveryId::parse("d1").unwrap(),
            ChannelId::parse("shop").unwrap(),
            VisitorId::parse("v1").unwrap(),
            CampaignId::parse("news").unwrap(),
        )
    }

    fn message(ids: &Ids) -> Message<'_> {
        Message { delivery: &ids.0, medium: Medium::Email, channel: &ids.1, visitor: &ids.2, campaign: &ids.3 }
    }

    fn state(db: &Sqlite) -> String {
        db.text("SELECT state FROM outbound_messages").unwrap()
    }

    fn finish(state: &str) -> Finish<'_> {
        Finish { state, address: Some("a@example.com"), reason: None, provider_id: Some("p1") }
    }

    #[test]
    fn a_sent_message_is_not_claimed_again_and_finishing_moves_it_once() {
        let db = Sqlite::with_channel();
        let ids = ids();
        assert!(matches!(wait(claim_outbound(&db, &message(&ids), 10)).unwrap(), OutboundClaim::Claimed));
        wait(finish_outbound(&db, &ids.0, Medium::Email, &finish("sent"), 20)).unwrap();
        match wait(claim_outbound(&db, &message(&ids), 30)).unwrap() {
            OutboundClaim::Done { state } => assert_eq!(state, "sent"),
            OutboundClaim::Claimed => panic!("a sent message was claimed again"),
        }
        // Only a claimed ('sending') message is finished: a late failure changes nothing.
        wait(finish_outbound(&db, &ids.0, Medium::Email, &finish("failed"), 40)).unwrap();
        assert_eq!(state(&db), "sent");
        assert_eq!(db.number("SELECT updated_at FROM outbound_messages"), 20);
        assert_eq!(db.number("SELECT COUNT(*) FROM outbound_messages"), 1);
    }

    #[test]
    fn a_failed_message_is_claimed_again_and_a_skipped_one_is_not() {
        let db = Sqlite::with_channel();
        let ids = ids();
        wait(claim_outbound(&db, &message(&ids), 10)).unwrap();
        wait(finish_outbound(&db, &ids.0, Medium::Email, &finish("failed"), 20)).unwrap();
        assert!(matches!(wait(claim_outbound(&db, &message(&ids), 30)).unwrap(), OutboundClaim::Claimed));
        assert_eq!(state(&db), "sending");
        wait(finish_outbound(&db, &ids.0, Medium::Email, &finish("skipped"), 40)).unwrap();
        assert!(matches!(wait(claim_outbound(&db, &message(&ids), 50)).unwrap(), OutboundClaim::Done { .. }));
        assert_eq!(db.text("SELECT address FROM outbound_messages").as_deref(), Some("a@example.com"));
    }
}
