//! Writing responses: JSON with CORS for the API, and the CORS headers themselves.
//! Imports nothing from the crate, so every layer may use it.

use serde::Serialize;
use worker::Headers;
use worker::Response;

pub fn cors_headers(headers: &Headers) {
    // Infallible for these constant names and values.
    let _ = headers.set("access-control-allow-origin", "*");
    let _ = headers.set("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    let _ = headers.set("access-control-allow-headers", "content-type, authorization");
    let _ = headers.set("access-control-max-age", "86400");
}

/// A JSON response with CORS headers. Serializing our own reply types cannot fail; if it
/// somehow did, the client gets a bare 500 rather than a panic.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => json_text(status, text),
        Err(_) => json_text(500, r#"{"error":{"code":"internal","message":"internal error"}}"#.to_owned()),
    }
}

pub fn json_text(status: u16, text: String) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    cors_headers(&headers);
    Response::builder().with_status(status).with_headers(headers).fixed(text.into_bytes())
}

/// The answer to a CORS preflight.
pub fn preflight() -> Response {
    let headers = Headers::new();
    cors_headers(&headers);
    Response::builder().with_status(204).with_headers(headers).empty()
}
