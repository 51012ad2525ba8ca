//! Members and their access: API tokens (`api_tokens`, stored only hashed) and each
//! member's role in a channel (`channel_members`).
//!
//! Invariant: a revoked token names no member; a channel keeps at least one owner (the
//! statements that demote or remove an owner decide it themselves, in one statement, so
//! two owners demoting each other at once cannot both succeed).

use super::{Executor, Statement, StoreError, num, text};
use kizuna_shared::channel::Role;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn token_member(token_hash: &str) -> Statement {
        Statement::new(
            "SELECT member_id, channel_id, role, last_used_at FROM api_tokens
             WHERE token_hash = ?1 AND revoked_at IS NULL",
            vec![text(token_hash)],
        )
    }

    pub fn touch_token(token_hash: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE api_tokens SET last_used_at = ?2 WHERE token_hash = ?1",
            vec![text(token_hash), num(now)],
        )
    }

    pub fn create_token(token: &NewToken<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO api_tokens (token_hash, id, member_id, channel_id, role, label, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            vec![
                text(token.token_hash),
                text(token.id),
                text(token.created_by),
                text(token.channel.as_str()),
                text(token.role.as_str()),
                text(token.label),
                num(now),
            ],
        )
    }

    pub fn channel_tokens(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT id, label, role, created_at, last_used_at FROM api_tokens
             WHERE channel_id = ?1 AND revoked_at IS NULL ORDER BY created_at, id",
            vec![text(channel.as_str())],
        )
    }

    pub fn revoke_token(channel: &ChannelId, id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE api_tokens SET revoked_at = ?3 WHERE channel_id = ?1 AND id = ?2 AND revoked_at IS NULL",
            vec![text(channel.as_str()), text(id), num(now)],
        )
    }

    pub fn channel_members(channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT m.id AS id, m.email AS email, m.name AS name, cm.role AS role
             FROM channel_members cm JOIN members m ON m.id = cm.member_id
             WHERE cm.channel_id = ?1 ORDER BY m.email",
            vec![text(channel.as_str())],
        )
    }

    /// Sets a role unless it would demote the channel's last owner.
    pub fn set_role(channel: &ChannelId, member: &str, role: Role) -> Statement {
        Statement::new(
            "UPDATE channel_members SET role = ?3 WHERE channel_id = ?1 AND member_id = ?2
               AND (?3 = 'owner' OR role = 'member'
                 OR (SELECT COUNT(*) FROM channel_members WHERE channel_id = ?1 AND role = 'owner') > 1)",
            vec![text(channel.as_str()), text(member), text(role.as_str())],
        )
    }

    /// Removes a member unless they are the channel's last owner.
    pub fn remove_member(channel: &ChannelId, member: &str) -> Statement {
        Statement::new(
            "DELETE FROM channel_members WHERE channel_id = ?1 AND member_id = ?2
               AND (role = 'member'
                 OR (SELECT COUNT(*) FROM channel_members WHERE channel_id = ?1 AND role = 'owner') > 1)",
            vec![text(channel.as_str()), text(member)],
        )
    }

    pub fn add_member(channel: &ChannelId, member: &str, role: Role) -> Statement {
        Statement::new(
            "INSERT INTO channel_members (channel_id, member_id, role) VALUES (?1, ?2, ?3)",
            vec![text(channel.as_str()), text(member), text(role.as_str())],
        )
    }

    pub fn member_role(member: &str, channel: &ChannelId) -> Statement {
        Statement::new(
            "SELECT role FROM channel_members WHERE member_id = ?1 AND channel_id = ?2",
            vec![text(member), text(channel.as_str())],
        )
    }
}

/// A channel's token as it is made: only its hash is kept.
pub struct NewToken<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub channel: &'a ChannelId,
    pub role: Role,
    pub label: &'a str,
    /// The account that made it; the token acts for the channel, not for them.
    pub created_by: &'a str,
}

/// What a bearer token proves: an account, or (a channel's token) a role in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub member_id: String,
    /// `Some` for a channel's token: it reaches this channel only, with this role.
    pub channel: Option<(ChannelId, Role)>,
    pub last_used_at: Option<Millis>,
}

#[derive(Deserialize)]
struct TokenRow {
    member_id: String,
    channel_id: Option<String>,
    role: Option<String>,
    last_used_at: Option<i64>,
}

/// A token as the channel's owners list it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListedToken {
    pub id: String,
    pub label: String,
    pub role: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A member of a channel with their account's email and name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListedMember {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

/// What a role change or removal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Done,
    /// Not a member of the channel.
    NoSuchMember,
    /// Refused: they are the channel's last owner.
    LastOwner,
}

/// The holder of the token with this hash; `None` for an unknown or revoked token, or a
/// channel's token whose stored channel or role no longer reads.
pub async fn token_holder(db: &impl Executor, token_hash: &str) -> Result<Option<TokenHolder>, StoreError> {
    let Some(row) = db.first::<TokenRow>(sql::token_member(token_hash)).await? else { return Ok(None) };
    let channel = match (row.channel_id, row.role) {
        (None, _) => None,
        (Some(channel), Some(role)) => match (ChannelId::parse(&channel), Role::parse(&role)) {
            (Ok(channel), Some(role)) => Some((channel, role)),
            _ => return Ok(None),
        },
        (Some(_), None) => return Ok(None),
    };
    Ok(Some(TokenHolder { member_id: row.member_id, channel, last_used_at: row.last_used_at }))
}

/// Records that the token was used now (callers write it at most once a minute).
pub async fn touch_token(db: &impl Executor, token_hash: &str, now: Millis) -> Result<(), StoreError> {
    db.run(sql::touch_token(token_hash, now)).await?;
    Ok(())
}

pub async fn create_token(db: &impl Executor, token: &NewToken<'_>, now: Millis) -> Result<(), StoreError> {
    db.run(sql::create_token(token, now)).await?;
    Ok(())
}

pub async fn channel_tokens(db: &impl Executor, channel: &ChannelId) -> Result<Vec<ListedToken>, StoreError> {
    db.all(sql::channel_tokens(channel)).await
}

/// Revokes the channel's token `id`; `false` when it has no such live token.
pub async fn revoke_token(db: &impl Executor, channel: &ChannelId, id: &str, now: Millis) -> Result<bool, StoreError> {
    Ok(db.run(sql::revoke_token(channel, id, now)).await? == 1)
}

pub async fn channel_members(db: &impl Executor, channel: &ChannelId) -> Result<Vec<ListedMember>, StoreError> {
    db.all(sql::channel_members(channel)).await
}

async fn explain(
    db: &impl Executor,
    channel: &ChannelId,
    member: &str,
    changed: u64,
) -> Result<MemberChange, StoreError> {
    if changed == 1 {
        return Ok(MemberChange::Done);
    }
    Ok(match member_role(db, member, channel).await? {
        None => MemberChange::NoSuchMember,
        Some(_) => MemberChange::LastOwner,
    })
}

/// Gives a member a role; the channel's last owner cannot be demoted.
pub async fn set_role(
    db: &impl Executor,
    channel: &ChannelId,
    member: &str,
    role: Role,
) -> Result<MemberChange, StoreError> {
    let changed = db.run(sql::set_role(channel, member, role)).await?;
    // Setting the role one already has changes the row too (SQLite counts it).
    explain(db, channel, member, changed).await
}

/// Removes a member from the channel; the channel's last owner cannot be removed.
pub async fn remove_member(db: &impl Executor, channel: &ChannelId, member: &str) -> Result<MemberChange, StoreError> {
    let changed = db.run(sql::remove_member(channel, member)).await?;
    explain(db, channel, member, changed).await
}

#[derive(Deserialize)]
struct RoleRow {
    role: String,
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

#[cfg(test)]
mod channel_access_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    fn shop() -> ChannelId {
        ChannelId::parse("shop").unwrap()
    }

    fn with_members(members: &[(&str, &str)]) -> Sqlite {
        let db = Sqlite::with_channel();
        for (id, role) in members {
            db.exec(&format!(
                "INSERT INTO members (id, email, name, created_at) VALUES ('{id}', '{id}@x.jp', '{id}', 0)"
            ));
            db.exec(&format!(
                "INSERT INTO channel_members (channel_id, member_id, role) VALUES ('shop', '{id}', '{role}')"
            ));
        }
        db
    }

    #[test]
    fn the_last_owner_can_be_neither_demoted_nor_removed() {
        let db = with_members(&[("m_a", "owner"), ("m_b", "member")]);
        assert_eq!(wait(set_role(&db, &shop(), "m_a", Role::Member)).unwrap(), MemberChange::LastOwner);
        assert_eq!(wait(remove_member(&db, &shop(), "m_a")).unwrap(), MemberChange::LastOwner);
        assert_eq!(wait(set_role(&db, &shop(), "m_b", Role::Owner)).unwrap(), MemberChange::Done);
        assert_eq!(wait(set_role(&db, &shop(), "m_a", Role::Member)).unwrap(), MemberChange::Done);
        assert_eq!(wait(remove_member(&db, &shop(), "m_b")).unwrap(), MemberChange::LastOwner);
        assert_eq!(wait(remove_member(&db, &shop(), "m_a")).unwrap(), MemberChange::Done);
        assert_eq!(wait(remove_member(&db, &shop(), "m_a")).unwrap(), MemberChange::NoSuchMember);
        assert_eq!(wait(set_role(&db, &shop(), "m_zz", Role::Owner)).unwrap(), MemberChange::NoSuchMember);
    }

    #[test]
    fn members_are_listed_with_email_and_role() {
        let db = with_members(&[("m_b", "member"), ("m_a", "owner")]);
        let listed = wait(channel_members(&db, &shop())).unwrap();
        let roles: Vec<(&str, &str)> = listed.iter().map(|m| (m.email.as_str(), m.role.as_str())).collect();
        assert_eq!(roles, [("m_a@x.jp", "owner"), ("m_b@x.jp", "member")]);
    }

    #[test]
    fn a_channel_token_names_its_channel_and_role_until_revoked() {
        let db = with_members(&[("m_a", "owner")]);
        let token = NewToken {
            id: "tok_1",
            token_hash: "h1",
            channel: &shop(),
            role: Role::Member,
            label: "CI",
            created_by: "m_a",
        };
        wait(create_token(&db, &token, 10)).unwrap();
        let holder = wait(token_holder(&db, "h1")).unwrap().unwrap();
        assert_eq!(holder.channel, Some((shop(), Role::Member)));
        assert_eq!(holder.last_used_at, None);
        wait(touch_token(&db, "h1", 70)).unwrap();
        let listed = wait(channel_tokens(&db, &shop())).unwrap();
        assert_eq!(
            listed,
            [ListedToken {
                id: "tok_1".into(),
                label: "CI".into(),
                role: "member".into(),
                created_at: 10,
                last_used_at: Some(70)
            }]
        );
        assert!(!wait(revoke_token(&db, &ChannelId::parse("other").unwrap(), "tok_1", 80)).unwrap());
        assert!(wait(revoke_token(&db, &shop(), "tok_1", 80)).unwrap());
        assert!(!wait(revoke_token(&db, &shop(), "tok_1", 90)).unwrap());
        assert_eq!(wait(token_holder(&db, "h1")).unwrap(), None);
        assert!(wait(channel_tokens(&db, &shop())).unwrap().is_empty());
    }

    #[test]
    fn an_account_token_reaches_no_channel_by_itself() {
        let db = with_members(&[("m_a", "owner")]);
        db.exec("INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('h0', 'm_a', 'old', 0)");
        let holder = wait(token_holder(&db, "h0")).unwrap().unwrap();
        assert_eq!((holder.member_id.as_str(), holder.channel), ("m_a", None));
    }
}
