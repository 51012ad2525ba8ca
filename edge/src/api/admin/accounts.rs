//! Accounts and their sessions: the deployment's first account (with its setup secret),
//! signing in and out, the account's own profile and sessions.
//!
//! Sign-in answers the same 401 naming `password` for an unknown email and a wrong
//! password, after the same PBKDF2 work; failures are counted in D1 per email and per
//! client address, and the sixth try within the window is 429 with `Retry-After`.

use crate::auth::{Caller, secret_hash};
use crate::env::{self, new_id};
use crate::error::ApiError;
use crate::services::account_mail;
use crate::store::Db;
use crate::store::accounts::{self, NewAccount};
use crate::store::invitations::{self, Purpose};
use crate::{password, reply, request};
use kizuna_shared::account::{
    self, FAILURES_PER_CLIENT, FAILURES_PER_EMAIL, SESSION_TOKEN_BYTES, check_new_password, hex, retry_after,
};
use kizuna_shared::account_mail::{
    self as account_mail_text, EMAIL_CHANGE_VALID, LINK_TOKEN_BYTES, LinkRefusal, PASSWORD_RESET_VALID, console_link,
    link_state,
};
use kizuna_shared::identity::same_secret;
use kizuna_shared::text::bounded;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::{
    AccountChannel, AccountOut, AccountReply, EmailChangeIn, MeOut, NewPasswordIn, PasswordChangeIn, PasswordResetIn,
    SessionList, SessionOut, SetupIn, SignInIn,
};
use worker::{Env, Request, Response};

/// The client address failures are counted under. Cloudflare sets `CF-Connecting-IP` in
/// production; a loopback `wrangler dev` request has none, and then every such client
/// shares one key.
const NO_CLIENT_ADDRESS: &str = "no-client-address";

fn setup_refused(problem: &str) -> ApiError {
    ApiError::WrongSecret { field: "setupToken".into(), problem: problem.into() }
}

/// `POST /admin/v1/setup`: the first account, only with the deployment's `SETUP_TOKEN`
/// and only while there is no account.
pub async fn setup(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: SetupIn = request::read_json(&mut req).await?;
    let Some(secret) = env::setting(env, "SETUP_TOKEN") else {
        return Err(ApiError::ForbiddenField {
            field: "setupToken".into(),
            problem: "setup is off on this deployment: set it with `wrangler secret put SETUP_TOKEN`".into(),
        });
    };
    if body.setup_token.is_empty() || !same_secret(body.setup_token.as_bytes(), secret.as_bytes()) {
        return Err(setup_refused("is not this deployment's SETUP_TOKEN"));
    }
    let db = Db::open(env)?;
    let taken = || ApiError::Conflict {
        field: "setupToken".into(),
        problem: "this deployment already has an account: sign in, or ask an owner for an invitation".into(),
    };
    if accounts::any_account(&db).await? {
        return Err(taken());
    }
    let email = account::account_email("email", &body.email)?;
    let name = bounded("name", &body.name, 80)?;
    check_new_password("password", &body.password)?;
    let stored = password::hash_new(&body.password).await?;
    let id = new_id("m_")?;
    let new = NewAccount { id: &id, email: &email, name: &name, password: &stored };
    if !accounts::create_first_account(&db, &new, now).await? {
        return Err(taken());
    }
    Ok(reply::json(201, &AccountReply { account: AccountOut { id, email, name } }))
}

/// `POST /admin/v1/sessions`: signs in with email and password; the session travels in
/// the `__Host-` cookie.
pub async fn sign_in(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: SignInIn = request::read_json(&mut req).await?;
    let email = body.email.trim().to_lowercase();
    let client = client_address(&req)?;
    let db = Db::open(env)?;
    refuse_when_over_limit(&db, &email, &client, now, "wrong passwords").await?;
    let found = accounts::account_by_email(&db, &email).await?;
    let stored = found.as_ref().and_then(|a| a.password());
    let verified = password::verify(&body.password, stored.as_ref()).await?;
    let Some(found) = found.filter(|_| verified) else {
        accounts::record_failure(&db, &email, &client, now).await?;
        return Err(ApiError::WrongSecret { field: "password".into(), problem: "email or password is wrong".into() });
    };
    let (token, hash) = new_session_secret()?;
    let session = new_id("ses_")?;
    let user_agent: String = req.headers().get("user-agent")?.unwrap_or_default().chars().take(300).collect();
    accounts::create_session(&db, &session, &hash, &found.id, &user_agent, now).await?;
    let out = AccountReply { account: AccountOut { id: found.id, email: found.email, name: found.name } };
    with_session_cookie(reply::json(200, &out), &token)
}

/// A new session's cookie value and its SHA-256 (what is stored).
pub fn new_session_secret() -> Result<(String, String), ApiError> {
    let token = hex(&password::random_bytes(SESSION_TOKEN_BYTES)?);
    let hash = secret_hash(&token);
    Ok((token, hash))
}

/// `response` carrying the session cookie: how every sign-in answers.
pub fn with_session_cookie(response: Response, token: &str) -> Result<Response, ApiError> {
    response.headers().set("set-cookie", &account::session_set_cookie(token))?;
    Ok(response)
}

/// The 429 of too many failures for `email` or from `client`, counted in
/// `sign_in_attempts` (sign-in and password-reset requests share the counting).
async fn refuse_when_over_limit(
    db: &Db,
    email: &str,
    client: &str,
    now: Millis,
    counted: &str,
) -> Result<(), ApiError> {
    let (by_email, by_client) =
        accounts::nth_failures(db, email, FAILURES_PER_EMAIL, client, FAILURES_PER_CLIENT, now).await?;
    let refusal = [
        retry_after(by_email, now).map(|s| ("email", s, format!("too many {counted} for this email"))),
        retry_after(by_client, now).map(|s| ("client", s, format!("too many {counted} from this address"))),
    ];
    if let Some((field, seconds, problem)) = refusal.into_iter().flatten().max_by_key(|(_, s, _)| *s) {
        return Err(ApiError::RetryLater {
            field: field.into(),
            problem: format!("{problem}; try again in {seconds} s"),
            seconds,
        });
    }
    Ok(())
}

fn client_address(req: &Request) -> Result<String, ApiError> {
    Ok(req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| NO_CLIENT_ADDRESS.to_owned()))
}

/// The account's current password, checked: 401 naming `currentPassword` when wrong.
async fn check_current(db: &Db, member: &str, given: &str) -> Result<accounts::AccountRow, ApiError> {
    let found = accounts::account(db, member).await?.ok_or(ApiError::Unauthorized)?;
    let stored = accounts::account_by_email(db, &found.email).await?.and_then(|a| a.password());
    if !password::verify(given, stored.as_ref()).await? {
        return Err(ApiError::WrongSecret {
            field: "currentPassword".into(),
            problem: "is not this account's password".into(),
        });
    }
    Ok(found)
}

/// `PUT /admin/v1/me/password` (signed in): `{currentPassword, newPassword}`; every other
/// session of the account is revoked (a bearer token's caller keeps none).
pub async fn change_password(mut req: Request, env: &Env, now: Millis, who: &Caller) -> Result<Response, ApiError> {
    let (member, current) = who.account()?;
    let body: PasswordChangeIn = request::read_json(&mut req).await?;
    check_new_password("newPassword", &body.new_password)?;
    let db = Db::open(env)?;
    check_current(&db, member, &body.current_password).await?;
    let stored = password::hash_new(&body.new_password).await?;
    invitations::change_password(&db, member, current.unwrap_or_default(), &stored, now).await?;
    Ok(reply::json(200, &serde_json::json!({ "changed": true })))
}

/// `POST /admin/v1/password-resets` (public): `{email}` → always 202, whether or not an
/// account has it (no account enumeration); an account's email gets a single-use link
/// valid 1 hour. Each request counts like a failed sign-in, so the sign-in limits (5 per
/// email, 20 per address in 15 minutes) bound how many mails one can trigger.
pub async fn request_reset(mut req: Request, env: &Env, now: Millis) -> Result<Response, ApiError> {
    let body: PasswordResetIn = request::read_json(&mut req).await?;
    let email = account::account_email("email", &body.email)?;
    let client = client_address(&req)?;
    let db = Db::open(env)?;
    refuse_when_over_limit(&db, &email, &client, now, "password resets or wrong passwords").await?;
    accounts::record_failure(&db, &email, &client, now).await?;
    if let Some(found) = accounts::account_by_email(&db, &email).await? {
        let token = hex(&password::random_bytes(LINK_TOKEN_BYTES)?);
        let hash = secret_hash(&token);
        invitations::create_link(
            &db,
            &hash,
            Purpose::PasswordReset,
            &found.id,
            &email,
            now,
            now + PASSWORD_RESET_VALID,
        )
        .await?;
        let link = console_link(&account_mail::link_origin(env, &req)?, "reset-password", &token);
        let mail = account_mail_text::password_reset(&email, &link);
        account_mail::deliver(env, &db, &mail, &format!("reset-{}", &hash[..16]), now).await?;
    }
    Ok(reply::json(202, &serde_json::json!({ "accepted": true })))
}

fn link_refused(refusal: LinkRefusal, what: &str) -> ApiError {
    ApiError::Gone { field: "token".into(), problem: refusal.problem(what) }
}

/// `POST /admin/v1/password-resets/{token}` (public, the link is the credential):
/// `{newPassword}`; every session of the account is revoked. 404 naming `token` for an
/// unknown link, 410 for a used or expired one.
pub async fn reset(mut req: Request, env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    let body: NewPasswordIn = request::read_json(&mut req).await?;
    let db = Db::open(env)?;
    let hash = secret_hash(token);
    let found = invitations::link_by_token(&db, &hash, Purpose::PasswordReset).await?.ok_or_else(|| {
        ApiError::UnknownToken { field: "token".into(), problem: "no password reset has this link".into() }
    })?;
    link_state(found.used_at, None, found.expires_at, now).map_err(|r| link_refused(r, "password reset"))?;
    check_new_password("newPassword", &body.new_password)?;
    let stored = password::hash_new(&body.new_password).await?;
    let use_id = new_id("use_")?;
    if !invitations::reset_password(&db, &hash, &use_id, &stored, now).await? {
        return Err(link_refused(LinkRefusal::Used, "password reset"));
    }
    Ok(reply::json(200, &serde_json::json!({ "reset": true })))
}

/// `PUT /admin/v1/me/email` (signed in): `{email, currentPassword}` → 202; the new
/// address gets a single-use confirmation link (1 day). The email changes only when it
/// is confirmed (`POST /admin/v1/email-changes/{token}`).
pub async fn change_email(mut req: Request, env: &Env, now: Millis, who: &Caller) -> Result<Response, ApiError> {
    let (member, _) = who.account()?;
    let body: EmailChangeIn = request::read_json(&mut req).await?;
    let email = account::account_email("email", &body.email)?;
    let db = Db::open(env)?;
    check_current(&db, member, &body.current_password).await?;
    if accounts::account_by_email(&db, &email).await?.is_some() {
        return Err(ApiError::Conflict { field: "email".into(), problem: "another account has this email".into() });
    }
    let token = hex(&password::random_bytes(LINK_TOKEN_BYTES)?);
    let hash = secret_hash(&token);
    invitations::create_link(&db, &hash, Purpose::EmailChange, member, &email, now, now + EMAIL_CHANGE_VALID).await?;
    let link = console_link(&account_mail::link_origin(env, &req)?, "confirm-email", &token);
    let mail = account_mail_text::email_change(&email, &link);
    account_mail::deliver(env, &db, &mail, &format!("email-{}", &hash[..16]), now).await?;
    Ok(reply::json(202, &serde_json::json!({ "pending": email })))
}

/// `POST /admin/v1/email-changes/{token}` (public, the link is the credential): the
/// account's email becomes the confirmed address. 404/410 naming `token` as for resets;
/// 409 naming `email` if another account took the address meanwhile.
pub async fn confirm_email(env: &Env, now: Millis, token: &str) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let hash = secret_hash(token);
    let found = invitations::link_by_token(&db, &hash, Purpose::EmailChange).await?.ok_or_else(|| {
        ApiError::UnknownToken { field: "token".into(), problem: "no email change has this link".into() }
    })?;
    link_state(found.used_at, None, found.expires_at, now).map_err(|r| link_refused(r, "email change"))?;
    if accounts::account_by_email(&db, &found.email).await?.is_some() {
        return Err(ApiError::Conflict { field: "email".into(), problem: "another account has this email".into() });
    }
    if !invitations::confirm_email(&db, &hash, &new_id("use_")?, now).await? {
        return Err(link_refused(LinkRefusal::Used, "email change"));
    }
    Ok(reply::json(200, &serde_json::json!({ "email": found.email })))
}

/// `GET /admin/v1/me`: the account and its channels with its role in each.
pub async fn me(env: &Env, who: &Caller) -> Result<Response, ApiError> {
    let (member, _) = who.account()?;
    let db = Db::open(env)?;
    let found = accounts::account(&db, member).await?.ok_or(ApiError::Unauthorized)?;
    let channels = accounts::account_channels(&db, member).await?;
    let out = MeOut {
        account: AccountOut { id: found.id, email: found.email, name: found.name },
        channels: channels.into_iter().map(|c| AccountChannel { id: c.id, name: c.name, role: c.role }).collect(),
    };
    Ok(reply::json(200, &out))
}

/// `GET /admin/v1/sessions`: the account's live sessions, the current one marked.
pub async fn sessions(env: &Env, now: Millis, who: &Caller) -> Result<Response, ApiError> {
    let (member, current) = who.account()?;
    let listed = accounts::sessions_of(&Db::open(env)?, member, now).await?;
    let sessions = listed
        .into_iter()
        .map(|s| SessionOut {
            current: current == Some(s.id.as_str()),
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            user_agent: s.user_agent,
        })
        .collect();
    Ok(reply::json(200, &SessionList { sessions }))
}

/// `DELETE /admin/v1/sessions/{id}` (`current`: the one this request came with, which
/// also clears the cookie): revokes one of the account's own sessions.
pub async fn revoke(env: &Env, now: Millis, who: &Caller, id: Option<&str>) -> Result<Response, ApiError> {
    let (member, current) = who.account()?;
    let id = id.or(current).ok_or(ApiError::NotFound("session"))?;
    if !accounts::revoke_session(&Db::open(env)?, member, id, now).await? {
        return Err(ApiError::NotFound("session"));
    }
    let response = reply::json(200, &serde_json::json!({ "revoked": id }));
    if current == Some(id) {
        response.headers().set("set-cookie", &account::session_clear_cookie())?;
    }
    Ok(response)
}
