//! Accounts and their sessions: the deployment's first account (with its setup secret),
//! signing in and out, the account's own profile and sessions.
//!
//! Sign-in answers the same 401 naming `password` for an unknown email and a wrong
//! password, after the same PBKDF2 work; failures are counted in D1 per email and per
//! client address, and the sixth try within the window is 429 with `Retry-After`.

use crate::auth::{Caller, secret_hash};
use crate::env::{self, new_id};
use crate::error::ApiError;
use crate::store::Db;
use crate::store::accounts::{self, NewAccount};
use crate::{password, reply, request};
use kizuna_shared::account::{
    self, FAILURES_PER_CLIENT, FAILURES_PER_EMAIL, SESSION_TOKEN_BYTES, check_new_password, hex, retry_after,
};
use kizuna_shared::identity::same_secret;
use kizuna_shared::text::bounded;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::{
    AccountChannel, AccountOut, AccountReply, MeOut, SessionList, SessionOut, SetupIn, SignInIn,
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
    let client = req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| NO_CLIENT_ADDRESS.to_owned());
    let db = Db::open(env)?;
    let (by_email, by_client) =
        accounts::nth_failures(&db, &email, FAILURES_PER_EMAIL, &client, FAILURES_PER_CLIENT, now).await?;
    let refusal = [
        retry_after(by_email, now).map(|s| ("email", s, "too many wrong passwords for this email")),
        retry_after(by_client, now).map(|s| ("client", s, "too many wrong passwords from this address")),
    ];
    if let Some((field, seconds, problem)) = refusal.into_iter().flatten().max_by_key(|(_, s, _)| *s) {
        return Err(ApiError::RetryLater {
            field: field.into(),
            problem: format!("{problem}; try again in {seconds} s"),
            seconds,
        });
    }
    let found = accounts::account_by_email(&db, &email).await?;
    let stored = found.as_ref().and_then(|a| a.password());
    let verified = password::verify(&body.password, stored.as_ref()).await?;
    let Some(found) = found.filter(|_| verified) else {
        accounts::record_failure(&db, &email, &client, now).await?;
        return Err(ApiError::WrongSecret { field: "password".into(), problem: "email or password is wrong".into() });
    };
    let token = hex(&password::random_bytes(SESSION_TOKEN_BYTES)?);
    let session = new_id("ses_")?;
    let user_agent: String = req.headers().get("user-agent")?.unwrap_or_default().chars().take(300).collect();
    accounts::create_session(&db, &session, &secret_hash(&token), &found.id, &user_agent, now).await?;
    let out = AccountReply { account: AccountOut { id: found.id, email: found.email, name: found.name } };
    let response = reply::json(200, &out);
    response.headers().set("set-cookie", &account::session_set_cookie(&token))?;
    Ok(response)
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
