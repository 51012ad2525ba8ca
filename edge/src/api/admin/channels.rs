//! Channels as accounts make and delete them (issue 11), their members and API tokens.
//!
//! Any signed-in account makes a channel and becomes its owner; the identity secret made
//! with it is shown in that reply only. Deleting a channel takes its name typed again and
//! removes every row keyed by it and its published copies. A channel keeps at least one
//! owner: the store refuses demoting or removing the last one (409 naming `role`). A
//! channel's token is shown once and stored as its SHA-256.

use crate::auth::{Caller, secret_hash};
use crate::env::new_id;
use crate::error::ApiError;
use crate::store::Db;
use crate::store::channels::{self, NewChannel};
use crate::store::members::{self, MemberChange, NewToken};
use crate::{kv, password, reply, request};
use kizuna_shared::account::{SESSION_TOKEN_BYTES, hex};
use kizuna_shared::channel::Role;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::permission::Action;
use kizuna_shared::text::bounded;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::{
    ChannelIn, CreatedChannelOut, CreatedTokenOut, DeleteChannelIn, MemberList, MemberOut, RoleIn, TokenIn, TokenList,
    TokenOut, role,
};
use worker::{Env, Request, Response};

/// `POST /admin/v1/channels`: a new channel, its creator its owner, identity verification
/// on with a new secret (shown here only).
pub async fn create(mut req: Request, env: &Env, now: Millis, who: &Caller) -> Result<Response, ApiError> {
    let (account, _) = who.account()?;
    let body: ChannelIn = request::read_json(&mut req).await?;
    let valid = body.validate()?;
    let id = ChannelId::parse(&new_id("ch_")?).map_err(|e| ApiError::Internal(format!("channel id: {e}")))?;
    let secret = new_id("kzs_")?;
    let new = NewChannel {
        id: &id,
        name: &valid.name,
        site_url: &valid.site_url,
        time_zone: &valid.time_zone,
        identity_secret: &secret,
    };
    let db = Db::open(env)?;
    channels::create_channel(&db, &new, account, now).await?;
    Ok(reply::json(
        201,
        &CreatedChannelOut {
            id: id.to_string(),
            name: valid.name,
            site_url: valid.site_url,
            time_zone: valid.time_zone,
            role: Role::Owner.as_str().to_owned(),
            identity_verification: true,
            identity_secret: secret,
            tag_last_seen: None,
        },
    ))
}

/// `DELETE /admin/v1/channels/{channel}` (owners): with `confirmName` equal to the
/// channel's name, deletes the channel, every row keyed by it, and its published copies.
pub async fn delete(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let body: DeleteChannelIn = request::read_json(&mut req).await?;
    let db = Db::open(env)?;
    let summary = channels::channel_summary(&db, channel).await?.ok_or(ApiError::NotFound("channel"))?;
    if body.confirm_name != summary.name {
        return Err(ApiError::invalid("confirmName", "must be the channel's name, typed exactly"));
    }
    // Its export files go from R2 first (their rows go with the channel's).
    for export in crate::store::downloads::channel_exports(&db, channel).await? {
        crate::services::downloads::exports::delete_files(env, &db, &export).await?;
    }
    channels::delete_channel(&db, channel).await?;
    kv::forget_channel(env, channel).await?;
    kv::forget_campaigns(env, channel).await?;
    Ok(reply::json(200, &serde_json::json!({ "deleted": channel.as_str() })))
}

async fn member_list(db: &Db, channel: &ChannelId) -> Result<MemberList, ApiError> {
    let members = members::channel_members(db, channel).await?;
    let members =
        members.into_iter().map(|m| MemberOut { id: m.id, email: m.email, name: m.name, role: m.role }).collect();
    Ok(MemberList { members })
}

/// `GET …/members`: every member with email and role.
pub async fn list_members(env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    Ok(reply::json(200, &member_list(&db, channel).await?))
}

fn member_change(change: MemberChange) -> Result<(), ApiError> {
    match change {
        MemberChange::Done => Ok(()),
        MemberChange::NoSuchMember => Err(ApiError::NotFound("member")),
        MemberChange::LastOwner => Err(ApiError::Conflict {
            field: "role".into(),
            problem: "a channel keeps at least one owner: make another member owner first".into(),
        }),
    }
}

/// `PATCH …/members/{accountId}` (owners): gives a member a role; the last owner stays one.
pub async fn change_role(
    mut req: Request,
    env: &Env,
    channel: &ChannelId,
    account: &str,
) -> Result<Response, ApiError> {
    let body: RoleIn = request::read_json(&mut req).await?;
    let role = role("role", &body.role)?;
    let db = Db::open(env)?;
    member_change(members::set_role(&db, channel, account, role).await?)?;
    Ok(reply::json(200, &member_list(&db, channel).await?))
}

/// `DELETE …/members/{accountId}`: an owner removes anyone, anyone removes themselves
/// (leaves); the last owner can do neither.
pub async fn remove_member(env: &Env, who: &Caller, channel: &ChannelId, account: &str) -> Result<Response, ApiError> {
    if who.acting_account() != Some(account) {
        who.may(Action::ChangeMembers, "accountId")?;
    }
    let db = Db::open(env)?;
    member_change(members::remove_member(&db, channel, account).await?)?;
    Ok(reply::json(200, &serde_json::json!({ "removed": account })))
}

fn token_out(t: members::ListedToken) -> TokenOut {
    TokenOut { id: t.id, label: t.label, role: t.role, created_at: t.created_at, last_used_at: t.last_used_at }
}

/// `GET …/tokens` (owners): the channel's live tokens with their last use, never a token.
pub async fn list_tokens(env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let tokens = members::channel_tokens(&db, channel).await?.into_iter().map(token_out).collect();
    Ok(reply::json(200, &TokenList { tokens }))
}

/// `POST …/tokens` (owners, signed in as themselves): a token with a role in this
/// channel, shown once; only its SHA-256 is stored.
pub async fn create_token(
    mut req: Request,
    env: &Env,
    now: Millis,
    who: &Caller,
    channel: &ChannelId,
) -> Result<Response, ApiError> {
    let Some(account) = who.acting_account() else {
        return Err(ApiError::ForbiddenField {
            field: "token".into(),
            problem: "a channel's token cannot make tokens: sign in as an owner".into(),
        });
    };
    let body: TokenIn = request::read_json(&mut req).await?;
    let label = bounded("label", &body.label, 80)?;
    let role = role("role", &body.role)?;
    let token = format!("kz_{}", hex(&password::random_bytes(SESSION_TOKEN_BYTES)?));
    let id = new_id("tok_")?;
    let hash = secret_hash(&token);
    let db = Db::open(env)?;
    let new = NewToken { id: &id, token_hash: &hash, channel, role, label: &label, created_by: account };
    members::create_token(&db, &new, now).await?;
    let listed = TokenOut { id, label, role: role.as_str().to_owned(), created_at: now, last_used_at: None };
    Ok(reply::json(201, &CreatedTokenOut { listed, token }))
}

/// `DELETE …/tokens/{id}` (owners): the token no longer opens anything.
pub async fn revoke_token(env: &Env, now: Millis, channel: &ChannelId, id: &str) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    if members::revoke_token(&db, channel, id, now).await? {
        Ok(reply::json(200, &serde_json::json!({ "revoked": id })))
    } else {
        Err(ApiError::NotFound("token"))
    }
}
