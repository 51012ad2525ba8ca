//! Development tools: the development clock (`GET`/`PUT /dev/clock`) and the outbox of
//! account emails (`GET /dev/outbox`, `/dev/outbox.json`). The routes' access
//! (`auth::Access::Development`) hides them anywhere but a loopback host with the clock on.

use crate::clock;
use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::request;
use kizuna_shared::time::Millis;
use worker::Env;
use worker::Method;
use worker::Request;
use worker::Response;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockIn {
    offset_ms: Millis,
}

/// `GET` and `PUT /dev/clock` (`{"offsetMs": n}`): read or move the development clock
/// (the route's access, `auth::Access::Development`, hides it everywhere else).
pub async fn clock(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    if req.method() == Method::Put {
        let body: ClockIn = request::read_json(&mut req).await?;
        if body.offset_ms.abs() > 400 * kizuna_shared::time::DAY {
            return Err(ApiError::invalid("offsetMs", "must be within 400 days"));
        }
        kv::set_dev_clock_offset(env, body.offset_ms).await?;
    }
    let offset = kv::dev_clock_offset(env).await?;
    Ok(reply::json(200, &serde_json::json!({ "offsetMs": offset, "now": clock::real_now() + offset })))
}

/// `GET /dev/outbox`: the account emails this development worker sent, newest first, as
/// an escaped HTML page with the links clickable.
pub async fn outbox(env: &Env) -> Result<Response, ApiError> {
    let entries = crate::store::invitations::outbox(&crate::store::Db::open(env)?).await?;
    let page = kizuna_shared::account_mail::outbox_page(&entries);
    let response = Response::ok(page)?;
    response.headers().set("content-type", "text/html; charset=utf-8")?;
    response.headers().set("cache-control", "no-store")?;
    Ok(response)
}

/// `GET /dev/outbox.json`: the same emails as JSON, for tests.
pub async fn outbox_json(env: &Env) -> Result<Response, ApiError> {
    let entries = crate::store::invitations::outbox(&crate::store::Db::open(env)?).await?;
    let mails: Vec<serde_json::Value> = entries
        .into_iter()
        .map(|e| serde_json::json!({ "to": e.to, "subject": e.subject, "text": e.text, "link": e.link, "at": e.at }))
        .collect();
    Ok(reply::json(200, &serde_json::json!({ "mails": mails })))
}
