//! Reading requests: bodies with a size limit, JSON with the failing field named
//! (`events[1].id`), and the path's segments. Worker-free where it can be, so the
//! parsing is tested on the host.

use crate::error::ApiError;
use futures_core::Stream;
use kizuna_shared::wire::public::MAX_BATCH_BYTES;
use serde::de::DeserializeOwned;
use std::pin::Pin;
use worker::Request;

/// Reads a JSON body of at most [`MAX_BATCH_BYTES`]. The widget sends `text/plain` (a
/// "simple" request, so browsers skip the CORS preflight); any content type is parsed.
/// A declared `Content-Length` above the cap is refused before reading; a chunked body
/// (no length) is read as a stream and refused as soon as it passes the cap, so no
/// body larger than the cap is ever held in memory.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, ApiError> {
    parse_json(&read_body(req).await?)
}

/// Reads a body of at most [`MAX_BATCH_BYTES`] (413 naming `body` beyond).
pub async fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let declared = req.headers().get("content-length")?.and_then(|len| len.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BATCH_BYTES) {
        return Err(too_large());
    }
    if req.inner().body().is_none() { Ok(Vec::new()) } else { read_capped(req.stream()?, MAX_BATCH_BYTES).await }
}

fn too_large() -> ApiError {
    ApiError::TooLarge { field: "body".to_owned(), limit: MAX_BATCH_BYTES }
}

/// The chunks of a body, joined, or 413 naming `body` once they pass `limit` bytes; no
/// chunk after that one is read.
pub async fn read_capped<S, E>(mut chunks: S, limit: usize) -> Result<Vec<u8>, ApiError>
where
    S: Stream<Item = Result<Vec<u8>, E>> + Unpin,
    ApiError: From<E>,
{
    let mut body = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut chunks).poll_next(cx)).await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::TooLarge { field: "body".to_owned(), limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses JSON, naming the path of the first offending field (`events[1].id`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        // Unknown segments (`?`) appear where the JSON itself is malformed.
        let path = err.path().to_string();
        let path = path.trim_end_matches('?').trim_end_matches('.');
        let message = clean_message(&err.inner().to_string());
        // serde reports a missing field at the object that lacks it: name the field.
        let missing = message.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`'));
        let field = match (path, missing) {
            ("", None) => "body".to_owned(),
            ("", Some(name)) => name.to_owned(),
            (path, Some(name)) => format!("{path}.{name}"),
            (path, None) => path.to_owned(),
        };
        ApiError::invalid(field, message)
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

/// The first language of an `Accept-Language` header (`ja-JP,ja;q=0.9` → `ja-JP`), as
/// the browser listed it; `None` when it names none or only `*`.
pub fn first_language(accept_language: &str) -> Option<String> {
    let first = accept_language.split(',').next()?.split(';').next()?.trim();
    (!first.is_empty() && first != "*").then(|| first.to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_shared::ids::EventId;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only the parse is under test")]
    struct Batch {
        events: Vec<Event>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "only the parse is under test")]
    struct Event {
        id: EventId,
    }

    #[track_caller]
    fn refused(json: &str, field: &str) -> String {
        let reply = parse_json::<Batch>(json.as_bytes()).err().map(|e| (e.status(), e.reply().error));
        let Some((status, error)) = reply else { panic!("{json} was accepted") };
        assert_eq!((status, error.code.as_str(), error.field.as_deref()), (400, "invalid", Some(field)), "{json}");
        error.message
    }

    #[test]
    fn a_well_formed_body_parses() {
        assert!(parse_json::<Batch>(br#"{"events": [{"id": "e1"}, {"id": "e2"}]}"#).is_ok());
    }

    #[test]
    fn a_refused_value_names_its_field_path() {
        let message = refused(r#"{"events": [{"id": "e1"}, {"id": "a b"}]}"#, "events[1].id");
        assert!(!message.contains(" at line "), "{message}");
        refused(r#"{"events": 3}"#, "events");
    }

    #[test]
    fn a_missing_required_field_is_named_itself_not_its_enclosing_object() {
        let message = refused(r#"{"events": [{"id": "e1"}, {}]}"#, "events[1].id");
        assert_eq!(message, "events[1].id: missing field `id`");
        refused("{}", "events");
        refused(r#"{"events": [{"id": "e1"}, {"name": "x"}]}"#, "events[1].id");
    }

    #[test]
    fn malformed_json_is_named_body() {
        refused("", "body");
        refused("{", "body");
        refused("not json", "body");
    }

    #[test]
    fn trailing_text_after_the_json_is_refused() {
        refused(r#"{"events": []} {"events": []}"#, "body");
        refused(r#"{"events": []}x"#, "body");
        assert!(parse_json::<Batch>(b"{\"events\": []}\n ").is_ok(), "trailing whitespace is no garbage");
    }

    /// A body arriving in chunks, counting how many were read.
    struct Chunks {
        left: std::collections::VecDeque<Vec<u8>>,
        read: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl Stream for Chunks {
        type Item = Result<Vec<u8>, ApiError>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
            let next = self.left.pop_front();
            self.read.set(self.read.get() + usize::from(next.is_some()));
            std::task::Poll::Ready(next.map(Ok))
        }
    }

    fn chunked(sizes: &[usize]) -> (Chunks, std::rc::Rc<std::cell::Cell<usize>>) {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let left = sizes.iter().map(|&n| vec![b' '; n]).collect();
        (Chunks { left, read: read.clone() }, read)
    }

    #[test]
    fn a_chunked_body_within_the_cap_is_read_whole() {
        let (body, _) = chunked(&[400, 600]);
        assert_eq!(crate::store::sqlite::wait(read_capped(body, 1000)).map(|b| b.len()).ok(), Some(1000));
    }

    #[test]
    fn a_chunked_body_over_the_cap_is_refused_without_reading_the_rest() {
        let (body, read) = chunked(&[600, 600, 600, 600]);
        let refused = crate::store::sqlite::wait(read_capped(body, 1000)).err().map(|e| (e.status(), e.reply().error));
        let Some((status, error)) = refused else { panic!("an oversized body was accepted") };
        assert_eq!((status, error.code.as_str(), error.field.as_deref()), (413, "too_large", Some("body")));
        assert_eq!(read.get(), 2, "reading stops at the chunk that passes the cap");
    }

    #[test]
    fn a_path_splits_into_its_non_empty_segments() {
        assert_eq!(segments("/admin/v1/campaigns/c_1"), ["admin", "v1", "campaigns", "c_1"]);
        assert_eq!(segments("//v1///events/"), ["v1", "events"]);
        assert!(segments("/").is_empty());
        assert!(segments("").is_empty());
    }

    #[test]
    fn the_first_language_is_the_first_one_listed_without_its_weight() {
        assert_eq!(first_language("ja-JP,ja;q=0.9,en;q=0.8").as_deref(), Some("ja-JP"));
        assert_eq!(first_language(" en-GB ;q=1, fr").as_deref(), Some("en-GB"));
        assert_eq!(first_language("ja").as_deref(), Some("ja"));
    }

    #[test]
    fn no_language_or_any_language_is_none() {
        assert_eq!(first_language(""), None);
        assert_eq!(first_language("*"), None);
        assert_eq!(first_language("*;q=0.5, ja"), None);
        assert_eq!(first_language(",ja"), None);
    }
}
