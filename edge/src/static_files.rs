//! Files served from the assets directory (`target/site`: the demo site, the admin
//! console, and the widget). The widget is fetched cross-origin by customers' sites, so
//! its two files get CORS and a short cache lifetime.

use crate::error::ApiError;
use crate::reply::cors_headers;
use worker::{Env, Headers, Request, Response};

pub const WIDGET_FILES: [&str; 2] = ["/widget.js", "/widget.wasm"];

pub async fn serve(req: Request, env: &Env) -> Result<Response, ApiError> {
    let path = req.path();
    let mut answer = env.assets("ASSETS")?.fetch_request(req).await?;
    if !WIDGET_FILES.contains(&path.as_str()) {
        return Ok(answer);
    }
    // Headers of a fetched response are immutable: copy them into a new response.
    let headers = Headers::new();
    for (name, value) in answer.headers().entries() {
        headers.set(&name, &value)?;
    }
    cors_headers(&headers);
    headers.set("cache-control", "public, max-age=300")?;
    let status = answer.status_code();
    let body = answer.bytes().await?;
    Ok(Response::builder().with_status(status).with_headers(headers).fixed(body))
}
