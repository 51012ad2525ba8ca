//! Calling a visitor's Durable Object (one per channel and visitor) and reading its answer.

use crate::error::ApiError;
use crate::reply;
use crate::visitor::VisitorCall;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::VisitorId;
use wasm_bindgen::JsValue;
use worker::Env;
use worker::Method;
use worker::Request;
use worker::RequestInit;
use worker::Response;

/// Sends `call` to the object of (`channel`, `visitor`) and relays its answer.
pub async fn call(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    call: &VisitorCall,
) -> Result<Response, ApiError> {
    let (status, text) = send(env, channel, visitor, call).await?;
    Ok(reply::json_text(status, text))
}

/// Sends `call` and reads a successful JSON answer.
pub async fn call_json<T: serde::de::DeserializeOwned>(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    call: &VisitorCall,
) -> Result<T, ApiError> {
    let (status, text) = send(env, channel, visitor, call).await?;
    if (400..500).contains(&status) {
        return Err(ApiError::Relayed { status, body: text });
    }
    if status != 200 {
        return Err(ApiError::Internal(format!("visitor object answered {status}: {text}")));
    }
    serde_json::from_str(&text).map_err(|e| ApiError::Internal(format!("visitor object answer: {e}")))
}

async fn send(
    env: &Env,
    channel: &ChannelId,
    visitor: &VisitorId,
    call: &VisitorCall,
) -> Result<(u16, String), ApiError> {
    let stub = env.durable_object("VISITOR")?.id_from_name(&format!("{channel}/{visitor}"))?.get_stub()?;
    let body = serde_json::to_string(call).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
    let mut answer = stub.fetch_with_request(Request::new_with_init("https://visitor.internal/call", &init)?).await?;
    Ok((answer.status_code(), answer.text().await?))
}
