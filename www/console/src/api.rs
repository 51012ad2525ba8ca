//! The console's calls to the admin API (same origin, session cookie). Each call answers
//! the parsed reply or a [`Failure`]; the caller turns a failure into a [`Problem`].
//!
//! [`Problem`]: crate::problem::Problem

use crate::problem::Failure;
use kizuna_shared::wire::admin::{AccountOut, AccountReply, MeOut, SignInIn};
use kizuna_shared::wire::public::ErrorReply;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

/// The account as the admin API shows it (the shared wire type: the console and the API
/// never disagree on it).
pub type Account = AccountOut;

/// `POST /admin/v1/sessions`: signs in; the worker sets the session cookie.
pub async fn sign_in(email: &str, password: &str) -> Result<Account, Failure> {
    let sign_in = SignInIn { email: email.to_owned(), password: password.to_owned() };
    let body = serde_json::to_string(&sign_in).map_err(|_| Failure::Unreachable)?;
    let reply: AccountReply = call("POST", "/admin/v1/sessions", Some(&body)).await?;
    Ok(reply.account)
}

/// `GET /admin/v1/me`: the signed-in account and its channels (401 without a session).
pub async fn me() -> Result<MeOut, Failure> {
    call("GET", "/admin/v1/me", None).await
}

/// `DELETE /admin/v1/sessions/current`: signs out.
pub async fn sign_out() -> Result<(), Failure> {
    let response = send("DELETE", "/admin/v1/sessions/current", None).await?;
    if response.ok() || response.status() == 401 {
        return Ok(());
    }
    Err(failure(response).await)
}

/// `GET path`, its JSON reply read as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    call("GET", path, None).await
}

/// `method path` with `body` as JSON, the reply read as `T`.
pub async fn send_json<T: DeserializeOwned>(method: &str, path: &str, body: &impl Serialize) -> Result<T, Failure> {
    let body = serde_json::to_string(body).map_err(|_| Failure::Unreachable)?;
    call(method, path, Some(&body)).await
}

/// `method path` with an optional JSON body, for replies without one the console needs
/// (204s, deletions).
pub async fn send_done(method: &str, path: &str, body: Option<&serde_json::Value>) -> Result<(), Failure> {
    let body = body.map(serde_json::Value::to_string);
    let response = send(method, path, body.as_deref()).await?;
    if response.ok() {
        return Ok(());
    }
    Err(failure(response).await)
}

/// `POST path` with `body` as JSON, for an answer that is a file (a download): its bytes
/// and its `Content-Disposition`, which names the file.
pub async fn fetch_file(path: &str, body: &impl Serialize) -> Result<(web_sys::Blob, Option<String>), Failure> {
    let body = serde_json::to_string(body).map_err(|_| Failure::Unreachable)?;
    let response = send("POST", path, Some(&body)).await?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    let disposition = response.headers().get("content-disposition").ok().flatten();
    let blob =
        JsFuture::from(response.blob().map_err(|_| Failure::Unreachable)?).await.map_err(|_| Failure::Unreachable)?;
    let blob = blob.dyn_into::<web_sys::Blob>().map_err(|_| Failure::Unreachable)?;
    Ok((blob, disposition))
}

/// A path segment or query value, percent-encoded.
pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

async fn call<T: DeserializeOwned>(method: &str, path: &str, body: Option<&str>) -> Result<T, Failure> {
    let response = send(method, path, body).await?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    let text = read_text(&response).await.ok_or(Failure::Unreachable)?;
    // A 2xx the console cannot read is the server's fault, said as such.
    serde_json::from_str(&text).map_err(|_| Failure::Answered { status: 500, error: None, retry_after: None })
}

async fn send(method: &str, path: &str, body: Option<&str>) -> Result<Response, Failure> {
    let request = request(method, path, body).map_err(|_| Failure::Unreachable)?;
    let window = web_sys::window().ok_or(Failure::Unreachable)?;
    let answer = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| Failure::Unreachable)?;
    answer.dyn_into::<Response>().map_err(|_| Failure::Unreachable)
}

fn request(method: &str, path: &str, body: Option<&str>) -> Result<Request, JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = Headers::new()?;
    headers.set("accept", "application/json")?;
    if let Some(body) = body {
        headers.set("content-type", "application/json")?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    Request::new_with_str_and_init(path, &init)
}

async fn failure(response: Response) -> Failure {
    let retry_after = response.headers().get("retry-after").ok().flatten().and_then(|s| s.trim().parse().ok());
    let text = read_text(&response).await.unwrap_or_default();
    let error = serde_json::from_str::<ErrorReply>(&text).ok().map(|reply| reply.error);
    Failure::Answered { status: response.status(), error, retry_after }
}

async fn read_text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}
