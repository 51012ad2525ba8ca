//! The worker's one error type, turned into a JSON response in one place: 4xx answers
//! say what to fix and name the field; 5xx answers say little and are logged.

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
    #[error("a valid bearer token is required")]
    Unauthorized,
    #[error("this token may not do that in this channel")]
    Forbidden,
    #[error("{field}: {problem}")]
    Refused { field: String, problem: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("too many requests from this client for this channel; retry in a minute")]
    RateLimited,
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
            ApiError::TooLarge { .. } => 413,
            ApiError::Unauthorized => 401,
            ApiError::Forbidden | ApiError::Refused { .. } => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::RateLimited => 429,
            ApiError::Relayed { status, .. } => *status,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn reply(&self) -> ErrorReply {
        let (code, field) = match self {
            ApiError::Invalid { field, .. } => ("invalid", Some(field.clone())),
            ApiError::Conflict { field, .. } => ("conflict", Some(field.clone())),
            ApiError::TooLarge { field, .. } => ("too_large", Some(field.clone())),
            ApiError::Unauthorized => ("unauthorized", None),
            ApiError::Forbidden => ("forbidden", None),
            ApiError::Refused { field, .. } => ("refused", Some(field.clone())),
            ApiError::NotFound(_) => ("not_found", None),
            ApiError::MethodNotAllowed => ("method_not_allowed", None),
            ApiError::RateLimited => ("rate_limited", None),
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
