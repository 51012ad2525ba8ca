//! Reading requests and writing responses: size limits, JSON with the failing field
//! named, CORS for the public API.

use crate::error::ApiError;
use kizuna_shared::wire::MAX_BATCH_BYTES;
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Headers, Request, Response};

/// Reads a JSON body of at most [`MAX_BATCH_BYTES`]. The widget sends `text/plain` (a
/// "simple" request, so browsers skip the CORS preflight); any content type is parsed.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, ApiError> {
    let declared = req.headers().get("content-length")?.and_then(|len| len.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BATCH_BYTES) {
        return Err(ApiError::TooLarge { field: "body".to_owned(), limit: MAX_BATCH_BYTES });
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BATCH_BYTES {
        return Err(ApiError::TooLarge { field: "body".to_owned(), limit: MAX_BATCH_BYTES });
    }
    parse_json(&bytes)
}

/// Parses JSON, naming the path of the first offending field (`events[1].id`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        // Unknown segments (`?`) appear where the JSON itself is malformed.
        let path = err.path().to_string();
        let path = path.trim_end_matches('?').trim_end_matches('.');
        let field = if path.is_empty() { "body".to_owned() } else { path.to_owned() };
        ApiError::invalid(field, clean_message(&err.inner().to_string()))
    })?;
    de.end().map_err(|err| ApiError::invalid("body", clean_message(&err.to_string())))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 12"; the field path says more.
fn clean_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}

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

/// The path of the request, split on `/`, without empty segments.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}
