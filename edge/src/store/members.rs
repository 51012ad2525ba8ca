//! Members and their access: API tokens (`api_tokens`, stored only hashed) and each
//! member's role in a channel (`channel_members`).
//!
//! Invariant: a revoked token names no member.

use super::{Executor, Statement, StoreError, text};
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

/// The member's role in the channel (`owner` or `member`), `None` when outside it.
pub async fn member_role(db: &impl Executor, member: &str, channel: &ChannelId) -> Result<Option<String>, StoreError> {
    Ok(db.first::<RoleRow>(sql::member_role(member, channel)).await?.map(|r| r.role))
}
