//! Invitations: an owner invites an email to the channel with a role (a single-use link,
//! 7 days), lists and revokes pending ones; the link's page reads what it offers and
//! accepts it.
//!
//! Accepting: with a session (or bearer token) the signed-in account joins, whatever its
//! email (as Channel Talk and Intercom do: the link is the credential, and the owner sees
//! who joined); with `{name, password}` a new account with the invited email is made,
//! joins and is signed in (the session cookie, as `POST /admin/v1/sessions` sets it). Both
//! are one D1 batch behind a compare-and-set, so a link works once (410 naming `token`
//! after) and no half-made account or membership is left.

use crate::api::admin::accounts::{new_session_secret, with_session_cookie};
use crate::auth::{self, Caller, secret_hash};
use crate::env::new_id;
use crate::error::ApiError;
use crate::services::account_mail;
use crate::store::Db;
use crate::store::invitations::{self, Acceptor, NewInvitation, NewSession};
use crate::store::{accounts, members};
use crate::{password, reply, request};
use kizuna_shared::account::{self, check_new_password, hex};
use kizuna_shared::account_mail::{INVITATION_VALID, LINK_TOKEN_BYTES, console_link, invitation, link_state};
use kizuna_shared::channel::Role;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::text::bounded;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::{
    AcceptIn, AcceptedOut, AccountChannel, AccountOut, InvitationChannel, InvitationCreated, InvitationIn,
    InvitationList, InvitationOut, InvitationView,
};
use worker::{Env, Request, Response};

/// A body that may be empty (accepting while signed in sends none).
async fn read_optional_json(req: &mut Request) -> Result<AcceptIn, ApiError> {
    let body = request::read_body(req).await?;
    if body.iter().all(u8::is_ascii_whitespace) { Ok(AcceptIn::default()) } else { request::parse_json(&body) }
}

fn unknown() -> ApiError {
    ApiError::UnknownToken { field: "token".into(), problem: "no invitation has this link".into() }
}

/// `POST /admin/v1/channels/{channel}/invitations` (owners): `{email, role}` → 201 with
/// the invitation and its link, which is also emailed.
pub async fn create(mut req: Request, env: &Env, now: Millis, who: &Caller) -> Result<Response, ApiError> {
    let channel = who.channel()?;
    let body: InvitationIn = request::read_json(&mut req).await?;
    let email = account::account_email("email", &body.email)?;
    let role = Role::parse(&body.role).ok_or_else(|| ApiError::invalid("role", "must be \"owner\" or \"member\""))?;
    let db = Db::open(env)?;
    if let Some(found) = accounts::account_by_email(&db, &email).await?
        && members::member_role(&db, &found.id, channel).await?.is_some()
    {
        return Err(ApiError::Conflict {
            field: "email".into(),
            problem: "is a member of this channel already".into(),
        });
    }
    let inviter = accounts::account(&db, who.member()?).await?.ok_or(ApiError::Unauthorized)?;
    let token = hex(&password::random_bytes(LINK_TOKEN_BYTES)?);
    let id = new_id("inv_")?;
    let expires_at = now + INVITATION_VALID;
    let hash = secret_hash(&token);
    let new = NewInvitation {
        id: &id,
        token_hash: &hash,
        channel,
        email: &email,
        role: role.as_str(),
        invited_by: &inviter.id,
        expires_at,
    };
    invitations::create_invitation(&db, &new, now).await?;
    let link = console_link(&account_mail::link_origin(env, &req)?, "accept", &token);
    let channel_name = channel_name(&db, &inviter.id, channel).await?;
    let mail = invitation(&email, &inviter.name, &channel_name, role.as_str(), &link);
    account_mail::deliver(env, &db, &mail, &format!("invitation-{id}"), now).await?;
    let invitation = InvitationOut {
        id,
        email,
        role: role.as_str().to_owned(),
        invited_by: inviter.id,
        created_at: now,
        expires_at,
    };
    Ok(reply::json(201, &InvitationCreated { invitation, link }))
}

async fn channel_name(db: &Db, member: &str, channel: &ChannelId) -> Result<String, ApiError> {
    let channels = accounts::account_channels(db, member).await?;
    Ok(channels.into_iter().find(|c| c.id == channel.as_str()).map_or_else(|| channel.as_str().to_owned(), |c| c.name))
}

/// `GET /admin/v1/channels/{channel}/invitations` (owners): the pending ones.
pub async fn list(env: &Env, now: Millis, channel: &ChannelId) -> Result<Response, ApiError> {
    let rows = invitations::pending_invitations(&Db::open(env)?, channel, now).await?;
    let invitations = rows
        .into_iter()
        .map(|r| InvitationOut {
            id: r.id,
            email: r.email,
            role: r.role,
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
        .collect();
    Ok(reply::json(200, &InvitationList { invitations }))
}

/// `DELETE /admin/v1/channels/{channel}/invitations/{id}` (owners): revokes a pending one.
pub async fn revoke(env: &Env, now: Millis, channel: &ChannelId, id: &str) -> Result<Response, ApiError> {
    if !invitations::revoke_invitation(&Db::open(env)?, channel, id, now).await? {
        return Err(ApiError::NotFound("invitation"));
    }
    Ok(reply::json(200, &serde_json::json!({ "revoked": id })))
}

/// The invitation a link's token names, if it may still be used: 404 naming `token` when
/// unknown, 410 when used, revoked or expired.
async fn usable(db: &Db, token: &str, now: Millis) -> Result<invitations::InvitationByToken, ApiError> {
    let found = invitations::invitation_by_token(db, &secret_hash(token)).await?.ok_or_else(unknown)?;
    link_state(found.used_at, found.revoked_at, found.expires_at, now)
        .map_err(|refusal| ApiError::Gone { field: "token".into(), problem: refusal.problem("invitation") })?;
    Ok(found)
}

/// `GET /admin/v1/invitations/{token}` (public, the link is the credential): what it offers.
pub async fn view(env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    let found = usable(&Db::open(env)?, token, now).await?;
    Ok(reply::json(
        200,
        &InvitationView {
            channel: InvitationChannel { id: found.channel_id, name: found.channel_name },
            inviter: found.inviter,
            email: found.email,
            role: found.role,
            expires_at: found.expires_at,
        },
    ))
}

/// `POST /admin/v1/invitations/{token}/accept`: see the module header.
pub async fn accept(mut req: Request, env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    let body: AcceptIn = read_optional_json(&mut req).await?;
    let db = Db::open(env)?;
    let found = usable(&db, token, now).await?;
    let hash = secret_hash(token);
    let gone = || ApiError::Gone { field: "token".into(), problem: "this invitation link was used already".into() };
    let channel =
        AccountChannel { id: found.channel_id.clone(), name: found.channel_name.clone(), role: found.role.clone() };
    if body.name.is_none() && body.password.is_none() {
        let caller = auth::optional_account(&req, env, now).await?.ok_or(ApiError::Unauthorized)?;
        let (member, _) = caller.account()?;
        let account = accounts::account(&db, member).await?.ok_or(ApiError::Unauthorized)?;
        if !invitations::accept_invitation(&db, &hash, &Acceptor::Existing { id: member }, now).await? {
            return Err(gone());
        }
        let role = members::member_role(
            &db,
            member,
            &ChannelId::parse(&found.channel_id).map_err(|e| ApiError::Internal(e.to_string()))?,
        )
        .await?;
        let channel = AccountChannel { role: role.map_or(channel.role.clone(), |r| r.as_str().to_owned()), ..channel };
        let out =
            AcceptedOut { account: AccountOut { id: account.id, email: account.email, name: account.name }, channel };
        return Ok(reply::json(200, &out));
    }
    let name = bounded("name", body.name.as_deref().unwrap_or_default(), 80)?;
    let new_password = body.password.unwrap_or_default();
    check_new_password("password", &new_password)?;
    if accounts::account_by_email(&db, &found.email).await?.is_some() {
        return Err(ApiError::Conflict {
            field: "email".into(),
            problem: "an account with this email exists: sign in, then open the link again".into(),
        });
    }
    let stored = password::hash_new(&new_password).await?;
    let id = new_id("m_")?;
    let (session_token, session_hash) = new_session_secret()?;
    let session_id = new_id("ses_")?;
    let user_agent: String = req.headers().get("user-agent")?.unwrap_or_default().chars().take(300).collect();
    let acceptor = Acceptor::New {
        id: &id,
        name: &name,
        password: &stored,
        session: NewSession { id: &session_id, token_hash: &session_hash, user_agent: &user_agent },
    };
    if !invitations::accept_invitation(&db, &hash, &acceptor, now).await? {
        return Err(gone());
    }
    let out = AcceptedOut { account: AccountOut { id, email: found.email, name }, channel };
    with_session_cookie(reply::json(201, &out), &session_token)
}
