//! The worker's one error type, turned into a JSON response in one place: 4xx answers
//! say what to fix and name the field; 5xx answers say little and are logged.

use kizuna_shared::campaign::edit::Refusal;
use kizuna_shared::invalid::FieldError;
use kizuna_shared::wire::public::{ErrorDetail, ErrorReply};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    #[error("{field}: {problem}")]
    Conflict { field: String, problem: String },
    #[error("{field}: larger than {limit} bytes")]
    TooLarge { field: String, limit: usize },
    /// A list longer than its limit (413, like a body too large).
    #[error("{field}: more than {limit} items")]
    TooMany { field: String, limit: usize },
    #[error("a valid bearer token or session cookie is required")]
    Unauthorized,
    /// A secret in the body (a password, the setup token) is wrong, naming its field.
    #[error("{field}: {problem}")]
    WrongSecret { field: String, problem: String },
    /// Too many failed attempts: 429 naming what is counted, with `Retry-After`.
    #[error("{field}: {problem}")]
    RetryLater { field: String, problem: String, seconds: i64 },
    /// A public request without a valid visitor token: the widget boots again.
    #[error("token: a valid visitor token is required (boot again for a new one)")]
    VisitorToken,
    #[error("this token may not do that in this channel")]
    Forbidden,
    /// The route is allowed but one value of the request needs a role the caller lacks.
    #[error("{field}: {problem}")]
    ForbiddenField { field: String, problem: String },
    #[error("{field}: {problem}")]
    Refused { field: String, problem: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A link's token this deployment never made (404 naming the field).
    #[error("{field}: {problem}")]
    UnknownToken { field: String, problem: String },
    /// A single-use link already used, revoked or expired (410 naming the field).
    #[error("{field}: {problem}")]
    Gone { field: String, problem: String },
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("too many requests from this client for this channel; retry in a minute")]
    RateLimited,
    /// A limit per visitor (not per client) is used up, naming what it counts.
    #[error("{field}: {problem}")]
    OverLimit { field: String, problem: String },
    /// A 4xx answer of a Durable Object, passed on as it is.
    #[error("{body}")]
    Relayed { status: u16, body: String },
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> ApiError {
        ApiError::Invalid { field: field.into(), problem: problem.into() }
    }

    /// A value that may be written once only and already has another value.
    pub fn conflict(err: FieldError) -> ApiError {
        ApiError::Conflict { field: err.field, problem: err.problem }
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid { .. } => 400,
            ApiError::Conflict { .. } => 409,
            ApiError::TooLarge { .. } | ApiError::TooMany { .. } => 413,
            ApiError::Unauthorized | ApiError::VisitorToken | ApiError::WrongSecret { .. } => 401,
            ApiError::Forbidden | ApiError::ForbiddenField { .. } | ApiError::Refused { .. } => 403,
            ApiError::NotFound(_) | ApiError::UnknownToken { .. } => 404,
            ApiError::Gone { .. } => 410,
            ApiError::MethodNotAllowed => 405,
            ApiError::RateLimited | ApiError::OverLimit { .. } | ApiError::RetryLater { .. } => 429,
            ApiError::Relayed { status, .. } => *status,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn reply(&self) -> ErrorReply {
        let (code, field) = match self {
            ApiError::Invalid { field, .. } => ("invalid", Some(field.clone())),
            ApiError::Conflict { field, .. } => ("conflict", Some(field.clone())),
            ApiError::TooLarge { field, .. } | ApiError::TooMany { field, .. } => ("too_large", Some(field.clone())),
            ApiError::Unauthorized => ("unauthorized", None),
            ApiError::VisitorToken => ("unauthorized", Some("token".to_owned())),
            ApiError::WrongSecret { field, .. } => ("unauthorized", Some(field.clone())),
            ApiError::RetryLater { field, .. } => ("rate_limited", Some(field.clone())),
            ApiError::Forbidden => ("forbidden", None),
            ApiError::ForbiddenField { field, .. } => ("forbidden", Some(field.clone())),
            ApiError::Refused { field, .. } => ("refused", Some(field.clone())),
            ApiError::NotFound(_) => ("not_found", None),
            ApiError::UnknownToken { field, .. } => ("not_found", Some(field.clone())),
            ApiError::Gone { field, .. } => ("gone", Some(field.clone())),
            ApiError::MethodNotAllowed => ("method_not_allowed", None),
            ApiError::RateLimited => ("rate_limited", None),
            ApiError::OverLimit { field, .. } => ("rate_limited", Some(field.clone())),
            ApiError::Relayed { .. } | ApiError::Internal(_) => ("internal", None),
        };
        ErrorReply { error: ErrorDetail { code: code.to_owned(), message: self.to_string(), field } }
    }

    pub fn response(&self) -> worker::Response {
        if let ApiError::Internal(detail) = self {
            worker::console_error!("internal error: {detail}");
        }
        if let ApiError::Relayed { status, body } = self {
            return crate::reply::json_text(*status, body.clone());
        }
        let response = crate::reply::json(self.status(), &self.reply());
        if let ApiError::RateLimited = self {
            let _ = response.headers().set("retry-after", "60");
        }
        if let ApiError::RetryLater { seconds, .. } = self {
            let _ = response.headers().set("retry-after", &(*seconds).max(1).to_string());
        }
        response
    }
}

impl From<worker::Error> for ApiError {
    fn from(err: worker::Error) -> ApiError {
        ApiError::Internal(err.to_string())
    }
}

impl From<wasm_bindgen::JsValue> for ApiError {
    fn from(err: wasm_bindgen::JsValue) -> ApiError {
        ApiError::Internal(format!("{err:?}"))
    }
}

impl From<worker::kv::KvError> for ApiError {
    fn from(err: worker::kv::KvError) -> ApiError {
        ApiError::Internal(format!("kv: {err}"))
    }
}

/// Storage failures are never the caller's fault: 500, and the detail goes to the log.
impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> ApiError {
        ApiError::Internal(err.to_string())
    }
}

impl From<FieldError> for ApiError {
    fn from(err: FieldError) -> ApiError {
        ApiError::Invalid { field: err.field, problem: err.problem }
    }
}

/// A refused campaign edit: a conflict with the campaign's state is 409, an invalid
/// value 400; both name the field.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        match refusal {
            Refusal::Conflict(err) => ApiError::conflict(err),
            Refusal::Invalid(err) => ApiError::from(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(err: ApiError, status: u16, code: &str, field: &str) {
        let reply = err.reply().error;
        assert_eq!((err.status(), reply.code.as_str(), reply.field.as_deref()), (status, code, Some(field)));
    }

    #[test]
    fn a_refused_campaign_edit_is_409_for_its_state_and_400_for_a_value() {
        check(Refusal::Conflict(FieldError::new("state", "ended")).into(), 409, "conflict", "state");
        check(Refusal::Invalid(FieldError::new("kind", "cannot change")).into(), 400, "invalid", "kind");
    }

    #[test]
    fn a_request_without_a_valid_visitor_token_is_401_naming_token() {
        check(ApiError::VisitorToken, 401, "unauthorized", "token");
    }

    #[test]
    fn a_field_error_is_400_naming_its_field_with_its_message() {
        let err = ApiError::from(FieldError::new("memberId", "must be 1 to 256 characters"));
        check(ApiError::from(FieldError::new("frequencyCap", "x")), 400, "invalid", "frequencyCap");
        assert_eq!(err.reply().error.message, "memberId: must be 1 to 256 characters");
    }
}
