//! Members and their access: API tokens (`api_tokens`, stored only hashed) and each
//! member's role in a channel (`channel_members`).
//!
//! Invariant: a revoked token names no member.

use super::{Executor, Statement, StoreError, text};
use kizuna_shared::channel::Role;
use kizuna_shared::ids::ChannelId;
use serde::Deserialize;

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn token_member(token_hash: &str) -> Statement {
        Statement::new(
            "SELECT member_id FROM api_tokens WHERE token_hash = ?1 AND revoked_at IS NULL",
            vec![text(token_hash)],
        )
    }

    pub fn member_role(member: &str, channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT role FROM channel_members WHERE member_id = ?1 AND channel_id = ?2",
            vec![text(member), text(channel.as_str())],
        )
    }
}

#[derive(Deserialize)]
struct MemberRow {
    member_id: String,
}

#[derive(Deserialize)]
struct RoleRow {
    role: String,
}

/// The member holding the token with this hash; `None` for an unknown or revoked token.
pub async fn token_member(db: &impl Executor, token_hash: &str) -> Result<Option<String>, StoreError> {
    Ok(db.first::<MemberRow>(sql::token_member(token_hash)).await?.map(|m| m.member_id))
}

/// The member's role in the channel, `None` when outside it. A stored role other than
/// `owner` or `member` is no role, so it opens nothing.
pub async fn member_role(db: &impl Executor, member: &str, channel: &ChannelId) -> Result<Option<Role>, StoreError> {
    Ok(db.first::<RoleRow>(sql::member_role(member, channel)).await?.and_then(|r| Role::parse(&r.role)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    #[test]
    fn a_members_stored_role_reads_as_a_role_and_an_outsider_has_none() {
        let db = Sqlite::with_channel();
        for (id, role) in [("m_owner", Some("owner")), ("m_member", Some("member")), ("m_outsider", None)] {
            db.exec(&format!(
                "INSERT INTO members (id, email, name, created_at) VALUES ('{id}', '{id}@x.jp', '{id}', 0)"
            ));
            if let Some(role) = role {
                db.exec(&format!(
                    "INSERT INTO channel_members (channel_id, member_id, role) VALUES ('shop', '{id}', '{role}')"
                ));
            }
        }
        let shop = ChannelId::parse("shop").unwrap();
        let role = |member| wait(member_role(&db, member, &shop)).unwrap();
        assert_eq!(role("m_owner"), Some(Role::Owner));
        assert_eq!(role("m_member"), Some(Role::Member));
        assert_eq!(role("m_outsider"), None);
    }
}
