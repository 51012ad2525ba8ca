//! The HTTP handlers, one module per part of the API. Each reads its request, calls the
//! core and the services, and answers; the route table (`router.rs`) says which handler
//! serves which method and path, and who may call it. Nothing imports `api`.

pub mod admin;
pub mod dev;
pub mod public;
pub mod tracking;

use crate::auth::{self, Access, Caller};
use crate::error::ApiError;
use crate::request::Params;
use kizuna_shared::time::Millis;
use worker::{Env, Request};

/// A request on its way to its handler.
pub struct Call {
    pub req: Request,
    pub env: Env,
    pub now: Millis,
    pub params: Params,
    pub access: Access,
    /// The body, read before the auth step for [`Access::Visitor`] routes (the token is
    /// in it); empty for the others, which read their own.
    pub body: Vec<u8>,
}

impl Call {
    /// The route's auth step (the router runs it before the handler).
    pub async fn authorize(&self) -> Result<Caller, ApiError> {
        auth::authorize(self.access, &self.params, &self.req, &self.body, &self.env, self.now).await
    }
}
