//! Invitations to a channel, single-use links about an account (password reset, email
//! change) and the development outbox of account emails.
//!
//! Invariant: a link is used once. Using it is one D1 batch that starts with a
//! compare-and-set (`UPDATE … WHERE used_at IS NULL`, marking the row with the request's
//! own random id: the new account's id or a `use_id`), and every later statement of the
//! batch acts only where that mark is found, so of two racing requests one acts and the
//! other changes nothing; a failure anywhere undoes the whole batch.

use super::{Executor, Statement, StoreError, num, text};
use kizuna_shared::account::StoredPassword;
use kizuna_shared::account_mail::{AccountMail, OutboxEntry};
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// A new invitation, ready to store.
pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub channel: &'a ChannelId,
    pub email: &'a str,
    pub role: &'a str,
    pub invited_by: &'a str,
    pub expires_at: Millis,
}

/// The account that accepts: a new one (made in the same batch) or one signed in.
pub enum Acceptor<'a> {
    New { id: &'a str, name: &'a str, password: &'a StoredPassword, session: NewSession<'a> },
    Existing { id: &'a str },
}

/// A session to open in the same batch that made its account.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub user_agent: &'a str,
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    pub fn create_invitation(new: &NewInvitation<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO invitations (id, token_hash, channel_id, email, role, invited_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            vec![
                text(new.id),
                text(new.token_hash),
                text(new.channel.as_str()),
                text(new.email),
                text(new.role),
                text(new.invited_by),
                num(now),
                num(new.expires_at),
            ],
        )
    }

    pub fn pending_invitations(channel: &ChannelId, now: Millis) -> Statement {
        Statement::new(
            "SELECT id, email, role, invited_by, created_at, expires_at FROM invitations
             WHERE channel_id = ?1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?2
             ORDER BY created_at DESC, id",
            vec![text(channel.as_str()), num(now)],
        )
    }

    pub fn revoke_invitation(channel: &ChannelId, id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE invitations SET revoked_at = ?3
             WHERE id = ?2 AND channel_id = ?1 AND used_at IS NULL AND revoked_at IS NULL",
            vec![text(channel.as_str()), text(id), num(now)],
        )
    }

    pub fn invitation_by_token(token_hash: &str) -> Statement {
        Statement::new(
            "SELECT i.id AS id, i.channel_id AS channel_id, c.name AS channel_name, i.email AS email,
                    i.role AS role, COALESCE(m.name, '') AS inviter, i.expires_at AS expires_at,
                    i.used_at AS used_at, i.revoked_at AS revoked_at
             FROM invitations i JOIN channels c ON c.id = i.channel_id
             LEFT JOIN members m ON m.id = i.invited_by WHERE i.token_hash = ?1",
            vec![text(token_hash)],
        )
    }

    /// The compare-and-set that uses an invitation for `member`.
    pub fn claim_invitation(token_hash: &str, member: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE invitations SET used_at = ?3, member_id = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?3",
            vec![text(token_hash), text(member), num(now)],
        )
    }

    pub fn create_invited_account(
        token_hash: &str,
        id: &str,
        name: &str,
        password: &StoredPassword,
        now: Millis,
    ) -> Statement {
        Statement::new(
            "INSERT INTO members (id, email, name, created_at, password_hash, password_salt, password_iterations)
             SELECT ?2, email, ?3, ?4, ?5, ?6, ?7 FROM invitations WHERE token_hash = ?1 AND member_id = ?2",
            vec![
                text(token_hash),
                text(id),
                text(name),
                num(now),
                text(&password.hash),
                text(&password.salt),
                num(i64::from(password.iterations)),
            ],
        )
    }

    /// Joins the channel with the invited role; an account already there keeps its role.
    pub fn join_channel(token_hash: &str, member: &str, now: Millis) -> Statement {
        Statement::new(
            "INSERT OR IGNORE INTO channel_members (channel_id, member_id, role)
             SELECT channel_id, ?2, role FROM invitations WHERE token_hash = ?1 AND member_id = ?2 AND used_at = ?3",
            vec![text(token_hash), text(member), num(now)],
        )
    }

    pub fn open_session(token_hash: &str, member: &str, session: &NewSession<'_>, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO sessions (id, token_hash, member_id, created_at, last_used_at, user_agent)
             SELECT ?3, ?4, ?2, ?5, ?5, ?6 WHERE EXISTS
               (SELECT 1 FROM invitations WHERE token_hash = ?1 AND member_id = ?2)",
            vec![
                text(token_hash),
                text(member),
                text(session.id),
                text(session.token_hash),
                num(now),
                text(session.user_agent),
            ],
        )
    }

    pub fn create_link(
        token_hash: &str,
        purpose: &str,
        member: &str,
        email: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Statement {
        Statement::new(
            "INSERT INTO account_links (token_hash, purpose, member_id, email, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            vec![text(token_hash), text(purpose), text(member), text(email), num(now), num(expires_at)],
        )
    }

    pub fn link_by_token(token_hash: &str, purpose: &str) -> Statement {
        Statement::new(
            "SELECT member_id, email, expires_at, used_at FROM account_links WHERE token_hash = ?1 AND purpose = ?2",
            vec![text(token_hash), text(purpose)],
        )
    }

    /// The compare-and-set that uses a link, marking it with the request's `use_id`.
    pub fn claim_link(token_hash: &str, purpose: &str, use_id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE account_links SET used_at = ?4, use_id = ?3
             WHERE token_hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?4",
            vec![text(token_hash), text(purpose), text(use_id), num(now)],
        )
    }

    pub fn set_password_by_link(use_id: &str, password: &StoredPassword) -> Statement {
        Statement::new(
            "UPDATE members SET password_hash = ?2, password_salt = ?3, password_iterations = ?4
             WHERE id = (SELECT member_id FROM account_links WHERE use_id = ?1)",
            vec![text(use_id), text(&password.hash), text(&password.salt), num(i64::from(password.iterations))],
        )
    }

    pub fn revoke_sessions_by_link(use_id: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE sessions SET revoked_at = ?2
             WHERE member_id = (SELECT member_id FROM account_links WHERE use_id = ?1) AND revoked_at IS NULL",
            vec![text(use_id), num(now)],
        )
    }

    pub fn set_email_by_link(use_id: &str) -> Statement {
        Statement::new(
            "UPDATE members SET email = (SELECT email FROM account_links WHERE use_id = ?1)
             WHERE id = (SELECT member_id FROM account_links WHERE use_id = ?1)",
            vec![text(use_id)],
        )
    }

    pub fn set_password(member: &str, password: &StoredPassword) -> Statement {
        Statement::new(
            "UPDATE members SET password_hash = ?2, password_salt = ?3, password_iterations = ?4 WHERE id = ?1",
            vec![text(member), text(&password.hash), text(&password.salt), num(i64::from(password.iterations))],
        )
    }

    pub fn revoke_other_sessions(member: &str, keep: &str, now: Millis) -> Statement {
        Statement::new(
            "UPDATE sessions SET revoked_at = ?3 WHERE member_id = ?1 AND id != ?2 AND revoked_at IS NULL",
            vec![text(member), text(keep), num(now)],
        )
    }

    pub fn record_outbox(mail: &AccountMail, now: Millis) -> Statement {
        Statement::new(
            "INSERT INTO dev_outbox (to_address, subject, body, link, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            vec![text(&mail.to), text(&mail.subject), text(&mail.text), text(&mail.link), num(now)],
        )
    }

    pub fn outbox() -> Statement {
        Statement::new(
            "SELECT to_address, subject, body, link, created_at FROM dev_outbox ORDER BY id DESC LIMIT 200",
            vec![],
        )
    }
}

/// A pending invitation as listed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// An invitation found by its link's token, with its channel and inviter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvitationByToken {
    pub id: String,
    pub channel_id: String,
    pub channel_name: String,
    pub email: String,
    pub role: String,
    pub inviter: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A password-reset or email-change link found by its token.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LinkRow {
    pub member_id: String,
    pub email: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

#[derive(Deserialize)]
struct OutboxRow {
    to_address: String,
    subject: String,
    body: String,
    link: String,
    created_at: i64,
}

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    PasswordReset,
    EmailChange,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange => "email_change",
        }
    }
}

pub async fn create_invitation(db: &impl Executor, new: &NewInvitation<'_>, now: Millis) -> Result<(), StoreError> {
    db.run(sql::create_invitation(new, now)).await.map(|_| ())
}

/// The channel's invitations neither used, revoked nor expired, newest first.
pub async fn pending_invitations(
    db: &impl Executor,
    channel: &ChannelId,
    now: Millis,
) -> Result<Vec<InvitationRow>, StoreError> {
    db.all(sql::pending_invitations(channel, now)).await
}

/// Revokes a pending invitation of the channel; `false` when it has none by that id.
pub async fn revoke_invitation(
    db: &impl Executor,
    channel: &ChannelId,
    id: &str,
    now: Millis,
) -> Result<bool, StoreError> {
    Ok(db.run(sql::revoke_invitation(channel, id, now)).await? == 1)
}

pub async fn invitation_by_token(
    db: &impl Executor,
    token_hash: &str,
) -> Result<Option<InvitationByToken>, StoreError> {
    db.first(sql::invitation_by_token(token_hash)).await
}

/// Uses the invitation for the acceptor, all or nothing: `false` when another request
/// used it first (or it was revoked or expired meanwhile), and then nothing changed.
pub async fn accept_invitation(
    db: &impl Executor,
    token_hash: &str,
    acceptor: &Acceptor<'_>,
    now: Millis,
) -> Result<bool, StoreError> {
    let statements = match acceptor {
        Acceptor::New { id, name, password, session } => vec![
            sql::claim_invitation(token_hash, id, now),
            sql::create_invited_account(token_hash, id, name, password, now),
            sql::join_channel(token_hash, id, now),
            sql::open_session(token_hash, id, session, now),
        ],
        Acceptor::Existing { id } => {
            vec![sql::claim_invitation(token_hash, id, now), sql::join_channel(token_hash, id, now)]
        }
    };
    Ok(db.batch(statements).await?.first() == Some(&1))
}

pub async fn create_link(
    db: &impl Executor,
    token_hash: &str,
    purpose: Purpose,
    member: &str,
    email: &str,
    now: Millis,
    expires_at: Millis,
) -> Result<(), StoreError> {
    db.run(sql::create_link(token_hash, purpose.as_str(), member, email, now, expires_at)).await.map(|_| ())
}

pub async fn link_by_token(
    db: &impl Executor,
    token_hash: &str,
    purpose: Purpose,
) -> Result<Option<LinkRow>, StoreError> {
    db.first(sql::link_by_token(token_hash, purpose.as_str())).await
}

/// Uses a password-reset link: sets the password and revokes every session of the
/// account, all or nothing; `false` when the link was used (or expired) first.
pub async fn reset_password(
    db: &impl Executor,
    token_hash: &str,
    use_id: &str,
    password: &StoredPassword,
    now: Millis,
) -> Result<bool, StoreError> {
    let changed = db
        .batch(vec![
            sql::claim_link(token_hash, Purpose::PasswordReset.as_str(), use_id, now),
            sql::set_password_by_link(use_id, password),
            sql::revoke_sessions_by_link(use_id, now),
        ])
        .await?;
    Ok(changed.first() == Some(&1))
}

/// Uses an email-change link: the account's email becomes the confirmed one; `false`
/// when the link was used (or expired) first.
pub async fn confirm_email(
    db: &impl Executor,
    token_hash: &str,
    use_id: &str,
    now: Millis,
) -> Result<bool, StoreError> {
    let changed = db
        .batch(vec![
            sql::claim_link(token_hash, Purpose::EmailChange.as_str(), use_id, now),
            sql::set_email_by_link(use_id),
        ])
        .await?;
    Ok(changed.first() == Some(&1))
}

/// Sets the account's password and revokes its sessions but `keep` (the one asking).
pub async fn change_password(
    db: &impl Executor,
    member: &str,
    keep: &str,
    password: &StoredPassword,
    now: Millis,
) -> Result<(), StoreError> {
    db.batch(vec![sql::set_password(member, password), sql::revoke_other_sessions(member, keep, now)]).await.map(|_| ())
}

pub async fn record_outbox(db: &impl Executor, mail: &AccountMail, now: Millis) -> Result<(), StoreError> {
    db.run(sql::record_outbox(mail, now)).await.map(|_| ())
}

/// The development outbox, newest first (the latest 200).
pub async fn outbox(db: &impl Executor) -> Result<Vec<OutboxEntry>, StoreError> {
    let rows: Vec<OutboxRow> = db.all(sql::outbox()).await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxEntry { to: r.to_address, subject: r.subject, text: r.body, link: r.link, at: r.created_at })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::accounts;
    use crate::store::sqlite::{Sqlite, wait};
    use kizuna_shared::account::PBKDF2_ITERATIONS;
    use kizuna_shared::account_mail::INVITATION_VALID;

    fn password(n: u8) -> StoredPassword {
        StoredPassword { hash: format!("{n:02x}").repeat(32), salt: "cd".repeat(16), iterations: PBKDF2_ITERATIONS }
    }

    fn shop() -> ChannelId {
        ChannelId::parse("shop").unwrap()
    }

    fn invited(db: &Sqlite, token: &str, email: &str) {
        db.exec("INSERT OR IGNORE INTO members (id, email, name, created_at) VALUES ('m_owner', 'o@x.jp', 'Owner', 0)");
        let new = NewInvitation {
            id: &format!("inv_{token}"),
            token_hash: token,
            channel: &shop(),
            email,
            role: "member",
            invited_by: "m_owner",
            expires_at: INVITATION_VALID,
        };
        wait(create_invitation(db, &new, 0)).unwrap();
    }

    fn new_account<'a>(id: &'a str, password: &'a StoredPassword) -> Acceptor<'a> {
        Acceptor::New {
            id,
            name: "New",
            password,
            session: NewSession {
                id: Box::leak(format!("ses_{id}").into_boxed_str()),
                token_hash: Box::leak(format!("h_{id}").into_boxed_str()),
                user_agent: "",
            },
        }
    }

    #[test]
    fn an_accepted_invitation_makes_the_account_its_membership_and_a_session_at_once() {
        let db = Sqlite::with_channel();
        invited(&db, "tok", "new@x.jp");
        let stored = password(1);
        assert!(wait(accept_invitation(&db, "tok", &new_account("m_new", &stored), 10)).unwrap());
        let row = wait(accounts::account_by_email(&db, "new@x.jp")).unwrap().unwrap();
        assert_eq!((row.id.as_str(), row.password()), ("m_new", Some(stored)));
        assert_eq!(db.text("SELECT role FROM channel_members WHERE member_id = 'm_new'").as_deref(), Some("member"));
        assert_eq!(db.number("SELECT COUNT(*) FROM sessions WHERE member_id = 'm_new'"), 1);
        let found = wait(invitation_by_token(&db, "tok")).unwrap().unwrap();
        assert_eq!((found.used_at, found.channel_name.as_str(), found.inviter.as_str()), (Some(10), "Shop", "Owner"));
    }

    #[test]
    fn of_two_accepts_of_one_invitation_one_succeeds_and_the_other_writes_nothing() {
        let db = Sqlite::with_channel();
        invited(&db, "tok", "new@x.jp");
        let (a, b) = (password(1), password(2));
        assert!(wait(accept_invitation(&db, "tok", &new_account("m_a", &a), 10)).unwrap());
        assert!(!wait(accept_invitation(&db, "tok", &new_account("m_b", &b), 10)).unwrap());
        assert_eq!(db.number("SELECT COUNT(*) FROM members WHERE id IN ('m_a', 'm_b')"), 1);
        assert_eq!(db.number("SELECT COUNT(*) FROM sessions WHERE member_id = 'm_b'"), 0);
        assert_eq!(db.number("SELECT COUNT(*) FROM channel_members WHERE member_id = 'm_b'"), 0);
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_c', 'c@x.jp', 'C', 0)");
        assert!(!wait(accept_invitation(&db, "tok", &Acceptor::Existing { id: "m_c" }, 11)).unwrap());
        assert_eq!(db.number("SELECT COUNT(*) FROM channel_members WHERE member_id = 'm_c'"), 0);
    }

    #[test]
    fn an_expired_or_revoked_invitation_is_not_accepted_and_not_pending() {
        let db = Sqlite::with_channel();
        invited(&db, "old", "old@x.jp");
        invited(&db, "gone", "gone@x.jp");
        invited(&db, "live", "live@x.jp");
        assert!(wait(revoke_invitation(&db, &shop(), "inv_gone", 5)).unwrap());
        assert!(!wait(revoke_invitation(&db, &shop(), "inv_gone", 6)).unwrap());
        let pending = wait(pending_invitations(&db, &shop(), 7)).unwrap();
        assert_eq!(pending.iter().map(|i| i.email.as_str()).collect::<Vec<_>>(), ["live@x.jp", "old@x.jp"]);
        let stored = password(1);
        assert!(!wait(accept_invitation(&db, "old", &new_account("m_late", &stored), INVITATION_VALID)).unwrap());
        assert!(!wait(accept_invitation(&db, "gone", &new_account("m_gone", &stored), 7)).unwrap());
        assert!(wait(pending_invitations(&db, &shop(), INVITATION_VALID)).unwrap().is_empty());
    }

    #[test]
    fn a_signed_in_account_joins_and_keeps_a_higher_role_it_has() {
        let db = Sqlite::with_channel();
        invited(&db, "tok", "someone@x.jp");
        db.exec("INSERT INTO channel_members (channel_id, member_id, role) VALUES ('shop', 'm_owner', 'owner')");
        assert!(wait(accept_invitation(&db, "tok", &Acceptor::Existing { id: "m_owner" }, 3)).unwrap());
        assert_eq!(db.text("SELECT role FROM channel_members WHERE member_id = 'm_owner'").as_deref(), Some("owner"));
    }

    #[test]
    fn a_reset_link_sets_the_password_revokes_every_session_and_works_once() {
        let db = Sqlite::with_channel();
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_a', 'a@x.jp', 'A', 0)");
        wait(accounts::create_session(&db, "s_1", "h1", "m_a", "", 0)).unwrap();
        wait(create_link(&db, "reset", Purpose::PasswordReset, "m_a", "a@x.jp", 0, 100)).unwrap();
        assert!(wait(link_by_token(&db, "reset", Purpose::EmailChange)).unwrap().is_none(), "purposes do not mix");
        assert!(wait(reset_password(&db, "reset", "use_1", &password(3), 50)).unwrap());
        assert_eq!(wait(accounts::account(&db, "m_a")).unwrap().unwrap().id, "m_a");
        assert_eq!(wait(accounts::account_by_email(&db, "a@x.jp")).unwrap().unwrap().password(), Some(password(3)));
        assert_eq!(wait(accounts::session_by_token(&db, "h1")).unwrap(), None);
        assert!(!wait(reset_password(&db, "reset", "use_2", &password(4), 50)).unwrap(), "reused");
        assert_eq!(wait(accounts::account_by_email(&db, "a@x.jp")).unwrap().unwrap().password(), Some(password(3)));
        wait(create_link(&db, "late", Purpose::PasswordReset, "m_a", "a@x.jp", 0, 100)).unwrap();
        assert!(!wait(reset_password(&db, "late", "use_3", &password(5), 100)).unwrap(), "expired");
    }

    #[test]
    fn an_email_change_link_moves_the_email_once() {
        let db = Sqlite::with_channel();
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_a', 'a@x.jp', 'A', 0)");
        wait(create_link(&db, "chg", Purpose::EmailChange, "m_a", "new@x.jp", 0, 100)).unwrap();
        assert!(wait(confirm_email(&db, "chg", "u1", 5)).unwrap());
        assert_eq!(wait(accounts::account(&db, "m_a")).unwrap().unwrap().email, "new@x.jp");
        assert!(!wait(confirm_email(&db, "chg", "u2", 6)).unwrap());
    }

    #[test]
    fn changing_the_password_keeps_only_the_asking_session() {
        let db = Sqlite::with_channel();
        db.exec("INSERT INTO members (id, email, name, created_at) VALUES ('m_a', 'a@x.jp', 'A', 0)");
        wait(accounts::create_session(&db, "s_1", "h1", "m_a", "", 0)).unwrap();
        wait(accounts::create_session(&db, "s_2", "h2", "m_a", "", 0)).unwrap();
        wait(change_password(&db, "m_a", "s_1", &password(6), 9)).unwrap();
        assert!(wait(accounts::session_by_token(&db, "h1")).unwrap().is_some());
        assert!(wait(accounts::session_by_token(&db, "h2")).unwrap().is_none());
    }

    #[test]
    fn the_outbox_lists_newest_first() {
        let db = Sqlite::migrated();
        for n in 0..3 {
            let mail = AccountMail { to: format!("{n}@x.jp"), subject: "S".into(), text: "T".into(), link: "L".into() };
            wait(record_outbox(&db, &mail, n)).unwrap();
        }
        let listed = wait(outbox(&db)).unwrap();
        assert_eq!(listed.iter().map(|e| e.to.as_str()).collect::<Vec<_>>(), ["2@x.jp", "1@x.jp", "0@x.jp"]);
    }
}
