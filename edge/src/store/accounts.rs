//! Accounts that sign in: their password hash (on `members`), their sessions
//! (`sessions`, the cookie's value stored only hashed) and failed sign-ins
//! (`sign_in_attempts`, counted for the 429 limits and pruned by age).
//!
//! Invariant: the first account is created only while no account exists, decided by the
//! insert itself, so two racing setups make one account. A revoked session names no
//! account.

use super::{Executor, Statement, StoreError, num, text};
use kizuna_shared::account::{FAILURE_WINDOW, SESSION_IDLE, SESSION_TOUCH, StoredPassword};
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// A new account, ready to store.
pub struct NewAccount<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a StoredPassword,
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn create_first_account(account: &NewAccount<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO members (id, email, name, created_at, password_hash, password_salt, password_iterations)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM members)",
            vec![
                text(account.id),
                text(account.email),
                text(account.name),
                num(now),
                text(&account.password.hash),
                text(&account.password.salt),
                num(i64::from(account.password.iterations)),
            ],
        )
    }

    pub fn any_account() -> Statement {
        Statement::new("SELECT COUNT(*) AS count FROM (SELECT 1 FROM members LIMIT 1)", vec![])
    }

    pub fn account_by_email(email: &str) -> Statement {
        Statement::new(
            "SELECT id, email, name, password_hash, password_salt, password_iterations FROM members WHERE email = ?1",
            vec![text(email)],
        )
    }

    pub fn account(id: &str) -> Statement {
        Statement::new("SELECT id, email, name FROM members WHERE id = ?1", vec![text(id)])
    }

    pub fn account_channels(id: &str) -> Statement {
        Statement::new(
            "SELECT c.id AS id, c.name AS name, cm.role AS role FROM channel_members cm
             JOIN channels c ON c.id = cm.channel_id WHERE cm.member_id = ?1 ORDER BY c.id",
            vec![text(id)],
        )
    }

    pub fn create_session(id: &str, token_hash: &str, member: &str, user_agent: &str, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO sessions (id, token_hash, member_id, created_at, last_used_at, user_agent)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            vec![text(id), text(token_hash), text(member), num(now), text(user_agent)],
        )
    }

    pub fn session_by_token(token_hash: &str) -> Statement {
        Statement::new(
            "SELECT id, member_id, last_used_at FROM sessions WHERE token_hash = ?1 AND revoked_at IS NULL",
            vec![text(token_hash)],
        )
    }

    pub fn touch_session(id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE sessions SET last_used_at = ?2 WHERE id = ?1 AND last_used_at <= ?3",
            vec![text(id), num(now), num(now - SESSION_TOUCH)],
        )
    }

    pub fn sessions_of(member: &str, now: Millis) -> Statement {
        Statement::new(
            "SELECT id, created_at, last_used_at, user_agent FROM sessions
             WHERE member_id = ?1 AND revoked_at IS NULL AND last_used_at >= ?2 ORDER BY last_used_at DESC, id",
            vec![text(member), num(now - SESSION_IDLE)],
        )
    }

    pub fn revoke_session(member: &str, id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE sessions SET revoked_at = ?3 WHERE id = ?2 AND member_id = ?1 AND revoked_at IS NULL",
            vec![text(member), text(id), num(now)],
        )
    }

    pub fn record_failure(email: &str, client: &str, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO sign_in_attempts (email, client, at) VALUES (?1, ?2, ?3)",
            vec![text(email), text(client), num(now)],
        )
    }

    pub fn prune_failures(now: Millis) -> Statement {
        Statement::new("DELETE FROM sign_in_attempts WHERE at <= ?1", vec![num(now - FAILURE_WINDOW)])
    }

    /// The `limit`-th most recent failure for the email in the window.
    pub fn nth_failure_for_email(email: &str, limit: u32, now: Millis) -> Statement {
        Statement::new(
            "SELECT at FROM sign_in_attempts WHERE email = ?1 AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3",
            vec![text(email), num(now - FAILURE_WINDOW), num(i64::from(limit) - 1)],
        )
    }

    /// The `limit`-th most recent failure from the client in the window.
    pub fn nth_failure_for_client(client: &str, limit: u32, now: Millis) -> Statement {
        Statement::new(
            "SELECT at FROM sign_in_attempts WHERE client = ?1 AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3",
            vec![text(client), num(now - FAILURE_WINDOW), num(i64::from(limit) - 1)],
        )
    }
}

/// An account as stored: who it is, and its password hash if it has one.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub name: String,
    #[serde(default)]
    password_hash: Option<String>,
    #[serde(default)]
    password_salt: Option<String>,
    #[serde(default)]
    password_iterations: Option<f64>,
}

impl AccountRow {
    /// The stored password hash; `None` for an account that cannot sign in.
    pub fn password(&self) -> Option<StoredPassword> {
        let iterations = self.password_iterations?;
        Some(StoredPassword {
            hash: self.password_hash.clone()?,
            salt: self.password_salt.clone()?,
            iterations: u32::try_from(iterations as i64).ok()?,
        })
    }
}

/// A channel the account has a role in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChannelRow {
    pub id: String,
    pub name: String,
    pub role: String,
}

/// A live session found by its cookie.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub member_id: String,
    pub last_used_at: i64,
}

/// A session as listed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ListedSession {
    pub id: String,
    pub created_at: i64,
    pub last_used_at: i64,
    pub user_agent: String,
}

#[derive(Deserialize)]
struct AtRow {
    at: i64,
}

/// Creates the first account; `false` when an account already exists.
pub async fn create_first_account(
    db: &impl Executor,
    account: &NewAccount<'_>,
    now: Millis,
) -> Result<bool, StoreError> {
    Ok(db.run(sql::create_first_account(account, now)).await? == 1)
}

/// Whether any account exists.
pub async fn any_account(db: &impl Executor) -> Result<bool, StoreError> {
    Ok(db.first::<super::CountRow>(sql::any_account()).await?.is_some_and(|r| r.count > 0))
}

pub async fn account_by_email(db: &impl Executor, email: &str) -> Result<Option<AccountRow>, StoreError> {
    db.first(sql::account_by_email(email)).await
}

pub async fn account(db: &impl Executor, id: &str) -> Result<Option<AccountRow>, StoreError> {
    db.first(sql::account(id)).await
}

pub async fn account_channels(db: &impl Executor, id: &str) -> Result<Vec<ChannelRow>, StoreError> {
    db.all(sql::account_channels(id)).await
}

pub async fn create_session(
    db: &impl Executor,
    id: &str,
    token_hash: &str,
    member: &str,
    user_agent: &str,
    now: Millis,
) -> Result<(), StoreError> {
    db.run(sql::create_session(id, token_hash, member, user_agent, now)).await.map(|_| ())
}

/// The unrevoked session whose cookie hashes to `token_hash` (idle or not: the caller
/// decides with `account::session_use`).
pub async fn session_by_token(db: &impl Executor, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    db.first(sql::session_by_token(token_hash)).await
}

pub async fn touch_session(db: &impl Executor, id: &str, now: Millis) -> Result<(), StoreError> {
    db.run(sql::touch_session(id, now)).await.map(|_| ())
}

/// The account's live sessions, most recently used first.
pub async fn sessions_of(db: &impl Executor, member: &str, now: Millis) -> Result<Vec<ListedSession>, StoreError> {
    db.all(sql::sessions_of(member, now)).await
}

/// Revokes one of the account's sessions; `false` when it has no such live session.
pub async fn revoke_session(db: &impl Executor, member: &str, id: &str, now: Millis) -> Result<bool, StoreError> {
    Ok(db.run(sql::revoke_session(member, id, now)).await? == 1)
}

/// Counts a failed sign-in and forgets those older than the window.
pub async fn record_failure(db: &impl Executor, email: &str, client: &str, now: Millis) -> Result<(), StoreError> {
    db.batch(vec![sql::prune_failures(now), sql::record_failure(email, client, now)]).await.map(|_| ())
}

/// The `limit`-th most recent failures in the window for the email and for the client.
pub async fn nth_failures(
    db: &impl Executor,
    email: &str,
    email_limit: u32,
    client: &str,
    client_limit: u32,
    now: Millis,
) -> Result<(Option<Millis>, Option<Millis>), StoreError> {
    let by_email = db.first::<AtRow>(sql::nth_failure_for_email(email, email_limit, now)).await?;
    let by_client = db.first::<AtRow>(sql::nth_failure_for_client(client, client_limit, now)).await?;
    Ok((by_email.map(|r| r.at), by_client.map(|r| r.at)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};
    use kizuna_shared::account::{FAILURES_PER_EMAIL, PBKDF2_ITERATIONS, SESSION_IDLE, retry_after};
    use kizuna_shared::time::MINUTE;

    fn password() -> StoredPassword {
        StoredPassword { hash: "ab".repeat(32), salt: "cd".repeat(16), iterations: PBKDF2_ITERATIONS }
    }

    fn first(db: &Sqlite, id: &str, email: &str) -> bool {
        let password = password();
        let account = NewAccount { id, email, name: "First", password: &password };
        wait(create_first_account(db, &account, 5)).unwrap()
    }

    #[test]
    fn the_first_account_is_made_once_and_records_its_iteration_count() {
        let db = Sqlite::migrated();
        assert!(!wait(any_account(&db)).unwrap());
        assert!(first(&db, "m_first", "first@x.jp"));
        assert!(!first(&db, "m_second", "second@x.jp"), "a second setup made an account");
        assert!(wait(any_account(&db)).unwrap());
        let row = wait(account_by_email(&db, "first@x.jp")).unwrap().unwrap();
        assert_eq!(row.password(), Some(password()));
        assert_eq!(db.number("SELECT password_iterations FROM members WHERE id = 'm_first'"), 100_000);
        assert_eq!(wait(account_by_email(&db, "second@x.jp")).unwrap(), None);
    }

    #[test]
    fn an_account_without_a_password_cannot_sign_in() {
        let db = Sqlite::migrated();
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_t', 't@x.jp', 'T', 0)");
        assert_eq!(wait(account_by_email(&db, "t@x.jp")).unwrap().unwrap().password(), None);
    }

    #[test]
    fn an_account_lists_its_channels_with_roles() {
        let db = Sqlite::with_channel();
        assert!(first(&db, "m_first", "first@x.jp"));
        db.exec("INSERT INTO channel_members (channel_id, member_id, role) VALUES ('shop', 'm_first', 'owner')");
        let channels = wait(account_channels(&db, "m_first")).unwrap();
        assert_eq!(channels.len(), 1);
        assert_eq!((channels[0].id.as_str(), channels[0].role.as_str()), ("shop", "owner"));
    }

    #[test]
    fn a_session_is_found_by_its_hash_touched_at_most_once_a_minute_and_revoked_by_its_owner() {
        let db = Sqlite::migrated();
        assert!(first(&db, "m_first", "first@x.jp"));
        wait(create_session(&db, "s_1", "hash1", "m_first", "Firefox", 1_000)).unwrap();
        let found = wait(session_by_token(&db, "hash1")).unwrap().unwrap();
        assert_eq!((found.id.as_str(), found.member_id.as_str(), found.last_used_at), ("s_1", "m_first", 1_000));
        wait(touch_session(&db, "s_1", 1_000 + MINUTE - 1)).unwrap();
        assert_eq!(wait(session_by_token(&db, "hash1")).unwrap().unwrap().last_used_at, 1_000);
        wait(touch_session(&db, "s_1", 1_000 + MINUTE)).unwrap();
        assert_eq!(wait(session_by_token(&db, "hash1")).unwrap().unwrap().last_used_at, 1_000 + MINUTE);
        let listed = wait(sessions_of(&db, "m_first", 2 * MINUTE)).unwrap();
        assert_eq!(listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["s_1"]);
        assert!(wait(sessions_of(&db, "m_first", 2 * MINUTE + SESSION_IDLE)).unwrap().is_empty(), "idle listed");
        assert!(!wait(revoke_session(&db, "m_other", "s_1", 3)).unwrap(), "another account revoked it");
        assert!(wait(revoke_session(&db, "m_first", "s_1", 3)).unwrap());
        assert_eq!(wait(session_by_token(&db, "hash1")).unwrap(), None);
        assert!(!wait(revoke_session(&db, "m_first", "s_1", 4)).unwrap());
    }

    #[test]
    fn the_fifth_failure_for_an_email_closes_sign_in_until_it_leaves_the_window() {
        let db = Sqlite::migrated();
        let nth = |now| wait(nth_failures(&db, "a@x.jp", FAILURES_PER_EMAIL, "1.2.3.4", 20, now)).unwrap();
        for i in 0..4 {
            wait(record_failure(&db, "a@x.jp", "1.2.3.4", i * 1_000)).unwrap();
        }
        assert_eq!(nth(4_000), (None, None));
        wait(record_failure(&db, "a@x.jp", "1.2.3.4", 4_000)).unwrap();
        let (email, client) = nth(4_000);
        assert_eq!((email, client), (Some(0), None));
        assert_eq!(retry_after(email, 4_000), Some(896));
        assert_eq!(nth(15 * MINUTE), (None, None), "the oldest left the window: four remain");
        wait(record_failure(&db, "b@x.jp", "5.6.7.8", 40 * MINUTE)).unwrap();
        assert_eq!(db.number("SELECT COUNT(*) FROM sign_in_attempts"), 1, "old failures were pruned");
    }
}
