//! Reading requests: bodies with a size limit, JSON with the failing field named
//! (`events[1].id`), and the path's segments. Worker-free where it can be, so the
//! parsing is tested on the host.

use crate::error::ApiError;
use kizuna_shared::wire::public::MAX_BATCH_BYTES;
use serde::de::DeserializeOwned;
use worker::Request;

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

/// The path of the request, split on `/`, without empty segments.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// The values of a matched pattern's `{name}` segments.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Params(pub Vec<(&'static str, String)>);

impl Params {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }
}
