//! Files served from the assets directory (`target/site`: the demo site, the admin
//! console, and the widget). The widget is fetched cross-origin by customers' sites, so
//! its two files get CORS and a short cache lifetime. The console (`/console/…`) is a
//! client-side app: a path under it that names no file answers its `index.html`, and
//! every answer under it carries [`CONSOLE_HEADERS`] (its sources are never in the
//! assets: `scripts/lib.sh` copies only the built files).

use crate::error::ApiError;
use crate::reply::cors_headers;
use worker::{Env, Headers, Request, Response};

pub const WIDGET_FILES: [&str; 2] = ["/widget.js", "/widget.wasm"];

/// The console's home, where its `index.html` is served.
pub const CONSOLE_HOME: &str = "/console/";

/// The console runs only its own files: wasm needs `'wasm-unsafe-eval'`, nothing inline,
/// no framing, no MIME sniffing.
pub const CONSOLE_HEADERS: [(&str, &str); 3] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
];

/// What a static path is to the console.
#[derive(Debug, PartialEq, Eq)]
enum ConsolePath {
    /// Not the console's.
    Outside,
    /// `/console`: redirected to [`CONSOLE_HOME`] so relative addresses resolve under it.
    Bare,
    /// A file of the console, or one of its screens when no file has that name.
    Inside { screen_if_missing: bool },
}

fn console_path(path: &str) -> ConsolePath {
    if path == "/console" {
        return ConsolePath::Bare;
    }
    match path.strip_prefix(CONSOLE_HOME) {
        // A screen's path has no dot in its last segment (`/console/sign-in`); a file's has.
        Some(rest) => {
            ConsolePath::Inside { screen_if_missing: !rest.rsplit('/').next().unwrap_or_default().contains('.') }
        }
        None => ConsolePath::Outside,
    }
}

pub async fn serve(req: Request, env: &Env) -> Result<Response, ApiError> {
    let path = req.path();
    let assets = env.assets("ASSETS")?;
    match console_path(&path) {
        ConsolePath::Outside => {}
        ConsolePath::Bare => {
            let headers = Headers::new();
            headers.set("location", CONSOLE_HOME)?;
            return Ok(Response::empty()?.with_status(308).with_headers(with_console_headers(headers)?));
        }
        ConsolePath::Inside { screen_if_missing } => {
            let mut home = req.url()?;
            let mut answer = assets.fetch_request(req).await?;
            if answer.status_code() == 404 && screen_if_missing {
                home.set_path(CONSOLE_HOME);
                home.set_query(None);
                answer = assets.fetch(home.to_string(), None).await?;
            }
            return rebuild(answer, with_console_headers).await;
        }
    }
    let answer = assets.fetch_request(req).await?;
    if !WIDGET_FILES.contains(&path.as_str()) {
        return Ok(answer);
    }
    rebuild(answer, |headers| {
        cors_headers(&headers);
        headers.set("cache-control", "public, max-age=300")?;
        Ok(headers)
    })
    .await
}

fn with_console_headers(headers: Headers) -> worker::Result<Headers> {
    for (name, value) in CONSOLE_HEADERS {
        headers.set(name, value)?;
    }
    Ok(headers)
}

/// Headers of a fetched response are immutable: copies them, lets `change` add to them,
/// and answers a new response with the same status and body.
async fn rebuild(
    mut answer: Response,
    change: impl FnOnce(Headers) -> worker::Result<Headers>,
) -> Result<Response, ApiError> {
    let headers = Headers::new();
    for (name, value) in answer.headers().entries() {
        headers.set(&name, &value)?;
    }
    let headers = change(headers)?;
    let status = answer.status_code();
    let body = answer.bytes().await?;
    Ok(Response::builder().with_status(status).with_headers(headers).fixed(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bare_console_path_is_redirected_to_its_home() {
        assert_eq!(console_path("/console"), ConsolePath::Bare);
    }

    #[test]
    fn a_console_path_without_a_file_name_is_a_screen() {
        assert_eq!(console_path("/console/"), ConsolePath::Inside { screen_if_missing: true });
        assert_eq!(console_path("/console/sign-in"), ConsolePath::Inside { screen_if_missing: true });
        assert_eq!(console_path("/console/campaigns/c1"), ConsolePath::Inside { screen_if_missing: true });
    }

    #[test]
    fn a_missing_console_file_stays_missing() {
        assert_eq!(console_path("/console/Cargo.toml"), ConsolePath::Inside { screen_if_missing: false });
        assert_eq!(console_path("/console/src/lib.rs"), ConsolePath::Inside { screen_if_missing: false });
    }

    #[test]
    fn other_paths_are_not_the_consoles() {
        assert_eq!(console_path("/consoles"), ConsolePath::Outside);
        assert_eq!(console_path("/index.html"), ConsolePath::Outside);
    }

    #[test]
    fn the_console_policy_allows_wasm_but_no_inline_script_or_framing() {
        let csp = CONSOLE_HEADERS[0].1;
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
