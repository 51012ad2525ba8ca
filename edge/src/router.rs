//! The one route table: method + path pattern → handler, with the access each route
//! requires. 405 and 404 answers, and the route list the OpenAPI document is checked
//! against, are derived from it.
//!
//! Resolution, in order: `OPTIONS` under `/v1/` is a CORS preflight; the first route
//! whose pattern and method match is called; a path under `/v1/`, `/admin/` or `/dev/`
//! that some route's pattern matches is 405, any other there is 404; any other `GET` or
//! `HEAD` is a static file; anything else is 405. Development routes (`/dev/…`) answer
//! 404, not 405, to other methods: they do not reveal themselves. Routes are tried in table order, so a
//! fixed segment (`customers/search`) is listed before a parameter at its place.

use crate::api::Call;
use crate::api::admin::{
    accounts, bulk, campaigns, channel as channel_api, channels, customers, downloads, fields, invitations, segments,
    stats, variants,
};
use crate::api::{dev, public, tracking};
use crate::auth::{Access, Caller};
use crate::error::ApiError;
use crate::request::Params;
use crate::{reply, request};
use kizuna_shared::campaign::Command;
use kizuna_shared::counting;
use kizuna_shared::permission::Action;
use kizuna_shared::time::Millis;
use std::future::Future;
use std::pin::Pin;
use worker::{Env, Method, Request, Response};

/// The OpenAPI document of every route below, served at `GET /openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// A handler's answer, boxed so that every handler fits one table.
pub type Reply = Pin<Box<dyn Future<Output = Result<Response, ApiError>>>>;

/// A route's handler: the request with its path parameters, and who is calling.
pub type Handler = fn(Call, Caller) -> Reply;

pub struct Route {
    pub method: Method,
    /// `/`-separated segments; `{name}` matches any one non-empty segment.
    pub path: &'static str,
    /// Who may call it; an admin route names its `permission::Action`, whose roles come
    /// from the one permission table.
    pub access: Access,
    pub handler: Handler,
}

/// What a request resolves to.
pub enum Resolution<'a> {
    Preflight,
    Found(&'a Route, Params),
    MethodNotAllowed,
    NotFound,
    Static,
}

/// Matches `path` against `pattern`, collecting its parameters.
fn matches(pattern: &'static str, segments: &[&str]) -> Option<Params> {
    let mut params = Vec::new();
    let mut parts = pattern.split('/').filter(|p| !p.is_empty());
    for segment in segments {
        let part = parts.next()?;
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => params.push((name, (*segment).to_owned())),
            None if part == *segment => {}
            None => return None,
        }
    }
    parts.next().is_none().then_some(Params(params))
}

/// Resolves a request's method and path (see the module header for the order).
pub fn resolve<'a>(routes: &'a [Route], method: &Method, path: &str) -> Resolution<'a> {
    let segments = request::segments(path);
    let api = matches!(segments.first(), Some(&("v1" | "admin" | "dev")));
    if *method == Method::Options && segments.first() == Some(&"v1") {
        return Resolution::Preflight;
    }
    let mut known = false;
    for route in routes {
        if let Some(params) = matches(route.path, &segments) {
            if route.method == *method {
                return Resolution::Found(route, params);
            }
            // A development route does not reveal itself with a 405.
            known |= route.access != Access::Development;
        }
    }
    match (api, known) {
        (true, true) => Resolution::MethodNotAllowed,
        (true, false) => Resolution::NotFound,
        (false, _) if matches!(method, Method::Get | Method::Head) => Resolution::Static,
        (false, _) => Resolution::MethodNotAllowed,
    }
}

/// Answers a request: resolves it, runs the auth step and calls the handler. The auth
/// step runs before any handler reads the body or query, so a caller without the right
/// token learns nothing from how its input would have been judged.
pub async fn route(req: Request, env: Env, now: Millis) -> Result<Response, ApiError> {
    let path = req.path();
    let (route, params) = match resolve(ROUTES, &req.method(), &path) {
        Resolution::Preflight => return Ok(reply::preflight()),
        Resolution::Found(route, params) => (route, params),
        Resolution::MethodNotAllowed => return Err(ApiError::MethodNotAllowed),
        Resolution::NotFound => return Err(ApiError::NotFound("route")),
        Resolution::Static => return crate::static_files::serve(req, &env).await,
    };
    let mut req = req;
    // A visitor's token is in the body (a `pagehide` beacon cannot set headers).
    let body = if route.access == Access::Visitor { request::read_body(&mut req).await? } else { Vec::new() };
    let call = Call { req, env, now, params, access: route.access, body };
    let caller = call.authorize().await?;
    (route.handler)(call, caller).await
}

const fn public(method: Method, path: &'static str, handler: Handler) -> Route {
    Route { method, path, access: Access::Public, handler }
}

const fn visitor(method: Method, path: &'static str, handler: Handler) -> Route {
    Route { method, path, access: Access::Visitor, handler }
}

const fn channel(method: Method, path: &'static str, action: Action, handler: Handler) -> Route {
    Route { method, path, access: Access::Channel(action), handler }
}

const fn account(method: Method, path: &'static str, handler: Handler) -> Route {
    Route { method, path, access: Access::Account, handler }
}

const fn campaign(method: Method, path: &'static str, action: Action, handler: Handler) -> Route {
    Route { method, path, access: Access::Campaign(action), handler }
}

use Method::{Delete, Get, Patch, Post, Put};

/// Every route of the worker.
pub const ROUTES: &[Route] = &[
    public(Get, "/healthz", |_, _| {
        Box::pin(async {
            Ok(reply::json(200, &serde_json::json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") })))
        })
    }),
    public(Get, "/openapi.json", |_, _| Box::pin(async { Ok(reply::json_text(200, OPENAPI.to_owned())) })),
    // The widget's API.
    public(Post, "/v1/boot", |c, _| Box::pin(async move { public::boot(c.req, &c.env, c.now).await })),
    visitor(Post, "/v1/events", |c, who| Box::pin(public::events(c, who))),
    visitor(Post, "/v1/profile", |c, who| Box::pin(public::update_profile(c, who))),
    visitor(Post, "/v1/messages", |c, who| Box::pin(public::messages(c, who))),
    visitor(Post, "/v1/show", |c, who| Box::pin(public::show(c, who))),
    visitor(Post, "/v1/preview", |c, who| Box::pin(public::preview(c, who))),
    visitor(Post, "/v1/shutdown", |c, who| Box::pin(public::shutdown(c, who))),
    visitor(Post, "/v1/read", |c, who| Box::pin(public::read(c, who))),
    visitor(Post, "/v1/deliveries/{id}/view", |c, who| Box::pin(public::action(c, who, counting::Action::View))),
    visitor(Post, "/v1/deliveries/{id}/click", |c, who| Box::pin(public::action(c, who, counting::Action::Click))),
    // Email and SMS: the provider's webhook and the signed links in messages.
    Route {
        method: Post,
        path: "/v1/webhooks/email",
        access: Access::EmailProvider,
        handler: |c, _| Box::pin(async move { tracking::email_webhook(c.req, &c.env).await }),
    },
    public(Get, "/t/{token}/open.gif", |c, _| {
        Box::pin(async move { tracking::open_pixel(c.req, &c.env, c.now, c.params.get("token")).await })
    }),
    public(Get, "/t/{token}/open", |c, _| {
        Box::pin(async move { tracking::open_page(c.req, &c.env, c.now, c.params.get("token")).await })
    }),
    public(Get, "/t/{token}/click/{button}", |c, _| {
        Box::pin(
            async move { tracking::click(c.req, &c.env, c.now, c.params.get("token"), c.params.get("button")).await },
        )
    }),
    public(Get, "/t/{token}/unsubscribe", |c, _| {
        Box::pin(async move { tracking::unsubscribe(c.req, &c.env, c.now, c.params.get("token")).await })
    }),
    public(Post, "/t/{token}/unsubscribe", |c, _| {
        Box::pin(async move { tracking::unsubscribe(c.req, &c.env, c.now, c.params.get("token")).await })
    }),
    // Development tools.
    Route {
        method: Get,
        path: "/dev/clock",
        access: Access::Development,
        handler: |c, _| Box::pin(async move { dev::clock(c.req, &c.env).await }),
    },
    Route {
        method: Put,
        path: "/dev/clock",
        access: Access::Development,
        handler: |c, _| Box::pin(async move { dev::clock(c.req, &c.env).await }),
    },
    Route {
        method: Get,
        path: "/dev/outbox",
        access: Access::Development,
        handler: |c, _| Box::pin(async move { dev::outbox(&c.env).await }),
    },
    Route {
        method: Get,
        path: "/dev/outbox.json",
        access: Access::Development,
        handler: |c, _| Box::pin(async move { dev::outbox_json(&c.env).await }),
    },
    // The admin API: accounts. The first account (with the setup secret) and signing in
    // are public; the rest are the signed-in account's own.
    public(Post, "/admin/v1/setup", |c, _| Box::pin(async move { accounts::setup(c.req, &c.env, c.now).await })),
    public(Post, "/admin/v1/sessions", |c, _| Box::pin(async move { accounts::sign_in(c.req, &c.env, c.now).await })),
    account(Get, "/admin/v1/me", |c, who| Box::pin(async move { accounts::me(&c.env, &who).await })),
    account(Get, "/admin/v1/sessions", |c, who| Box::pin(async move { accounts::sessions(&c.env, c.now, &who).await })),
    account(Delete, "/admin/v1/sessions/current", |c, who| {
        Box::pin(async move { accounts::revoke(&c.env, c.now, &who, None).await })
    }),
    account(Delete, "/admin/v1/sessions/{id}", |c, who| {
        Box::pin(async move {
            let id = c.params.get("id").to_owned();
            accounts::revoke(&c.env, c.now, &who, Some(&id)).await
        })
    }),
    // Invitations, password change and reset, email change (issue 11). The links' routes
    // are public: the emailed token is the credential.
    channel(Get, "/admin/v1/channels/{channel}/invitations", Action::InviteMembers, |c, who| {
        Box::pin(async move { invitations::list(&c.env, c.now, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/invitations", Action::InviteMembers, |c, who| {
        Box::pin(async move { invitations::create(c.req, &c.env, c.now, &who).await })
    }),
    channel(Delete, "/admin/v1/channels/{channel}/invitations/{id}", Action::InviteMembers, |c, who| {
        Box::pin(async move { invitations::revoke(&c.env, c.now, who.channel()?, c.params.get("id")).await })
    }),
    public(Get, "/admin/v1/invitations/{token}", |c, _| {
        Box::pin(async move { invitations::view(&c.env, c.now, c.params.get("token")).await })
    }),
    public(Post, "/admin/v1/invitations/{token}/accept", |c, _| {
        Box::pin(async move {
            let token = c.params.get("token").to_owned();
            invitations::accept(c.req, &c.env, c.now, &token).await
        })
    }),
    account(Put, "/admin/v1/me/password", |c, who| {
        Box::pin(async move { accounts::change_password(c.req, &c.env, c.now, &who).await })
    }),
    account(Put, "/admin/v1/me/email", |c, who| {
        Box::pin(async move { accounts::change_email(c.req, &c.env, c.now, &who).await })
    }),
    public(Post, "/admin/v1/password-resets", |c, _| {
        Box::pin(async move { accounts::request_reset(c.req, &c.env, c.now).await })
    }),
    public(Post, "/admin/v1/password-resets/{token}", |c, _| {
        Box::pin(async move {
            let token = c.params.get("token").to_owned();
            accounts::reset(c.req, &c.env, c.now, &token).await
        })
    }),
    public(Post, "/admin/v1/email-changes/{token}", |c, _| {
        Box::pin(async move { accounts::confirm_email(&c.env, c.now, c.params.get("token")).await })
    }),
    // A channel's settings.
    channel(Get, "/admin/v1/channels/{channel}", Action::ReadChannel, |c, who| {
        Box::pin(async move { channel_api::channel_settings(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Patch, "/admin/v1/channels/{channel}", Action::ChangeChannel, |c, who| {
        Box::pin(async move { channel_api::channel_settings(c.req, &c.env, c.now, who.channel()?).await })
    }),
    // Channels made and deleted by accounts, their members and API tokens (issue 11).
    account(Post, "/admin/v1/channels", |c, who| {
        Box::pin(async move { channels::create(c.req, &c.env, c.now, &who).await })
    }),
    channel(Delete, "/admin/v1/channels/{channel}", Action::DeleteChannel, |c, who| {
        Box::pin(async move { channels::delete(c.req, &c.env, who.channel()?).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/members", Action::ReadMembers, |c, who| {
        Box::pin(async move { channels::list_members(&c.env, who.channel()?).await })
    }),
    channel(Patch, "/admin/v1/channels/{channel}/members/{accountId}", Action::ChangeMembers, |c, who| {
        Box::pin(async move { channels::change_role(c.req, &c.env, who.channel()?, c.params.get("accountId")).await })
    }),
    channel(Delete, "/admin/v1/channels/{channel}/members/{accountId}", Action::LeaveChannel, |c, who| {
        Box::pin(async move { channels::remove_member(&c.env, &who, who.channel()?, c.params.get("accountId")).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/tokens", Action::ManageTokens, |c, who| {
        Box::pin(async move { channels::list_tokens(&c.env, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/tokens", Action::ManageTokens, |c, who| {
        Box::pin(async move { channels::create_token(c.req, &c.env, c.now, &who, who.channel()?).await })
    }),
    channel(Delete, "/admin/v1/channels/{channel}/tokens/{id}", Action::ManageTokens, |c, who| {
        Box::pin(async move { channels::revoke_token(&c.env, c.now, who.channel()?, c.params.get("id")).await })
    }),
    // Campaigns.
    campaign(Get, "/admin/v1/campaigns/{id}/broadcast", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { campaigns::broadcast_status(&c.env, who.campaign()?).await })
    }),
    campaign(Get, "/admin/v1/campaigns/{id}/stats", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { stats::campaign_stats(c.req, &c.env, c.now, who.campaign()?, who.channel()?).await })
    }),
    campaign(Post, "/admin/v1/campaigns/{id}/preview-link", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::preview_link(c.req, &c.env, c.now, &who).await })
    }),
    campaign(Post, "/admin/v1/campaigns/{id}/download", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { downloads::campaign_results(c.req, &c.env, c.now, &who).await })
    }),
    campaign(Get, "/admin/v1/campaigns/{id}/variants", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { variants::campaign_variants(&c.env, who.campaign()?, who.channel()?).await })
    }),
    campaign(Post, "/admin/v1/campaigns/{id}/start", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::lifecycle(&c.env, c.now, &who, Command::Start).await })
    }),
    campaign(Post, "/admin/v1/campaigns/{id}/pause", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::lifecycle(&c.env, c.now, &who, Command::Pause).await })
    }),
    campaign(Post, "/admin/v1/campaigns/{id}/stop", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::lifecycle(&c.env, c.now, &who, Command::Stop).await })
    }),
    campaign(Post, "/admin/v1/campaigns/{id}/duplicate", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::duplicate(c.req, &c.env, c.now, &who).await })
    }),
    campaign(Get, "/admin/v1/campaigns/{id}", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { campaigns::campaign(c.req, &c.env, c.now, &who).await })
    }),
    campaign(Put, "/admin/v1/campaigns/{id}", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::campaign(c.req, &c.env, c.now, &who).await })
    }),
    campaign(Delete, "/admin/v1/campaigns/{id}", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::campaign(c.req, &c.env, c.now, &who).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/campaigns", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { campaigns::campaigns(c.req, &c.env, c.now, &who).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/campaigns", Action::EditCampaigns, |c, who| {
        Box::pin(async move { campaigns::campaigns(c.req, &c.env, c.now, &who).await })
    }),
    // A campaign's recipients: under its channel's path, read with a role there; a
    // campaign of another channel is not found.
    channel(Get, "/admin/v1/channels/{channel}/campaigns/{id}/recipients", Action::ReadCampaigns, |c, who| {
        Box::pin(async move { stats::campaign_recipients(c.req, &c.env, who.channel()?, c.params.get("id")).await })
    }),
    // Customers.
    channel(Get, "/admin/v1/channels/{channel}/customers", Action::ReadCustomers, |c, who| {
        Box::pin(async move { customers::list_customers(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/customers", Action::EditCustomers, |c, who| {
        Box::pin(async move { customers::create_customer(c.req, &c.env, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/customers/search", Action::ReadCustomers, |c, who| {
        Box::pin(async move { customers::search_customers_body(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/customers/bulk", Action::BulkEditCustomers, |c, who| {
        Box::pin(async move { bulk::create(c.req, &c.env, c.now, &who).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/jobs/{id}", Action::ReadCustomers, |c, who| {
        Box::pin(async move { bulk::status(&c.env, who.channel()?, c.params.get("id")).await })
    }),
    // Downloads (owners; a member's attempt is logged as denied by the handler) and the audit log.
    channel(Post, "/admin/v1/channels/{channel}/customers/{id}/download", Action::ReadCustomers, |c, who| {
        Box::pin(async move {
            let id = c.params.get("id").to_owned();
            downloads::customer_data(c.req, &c.env, c.now, &who, &id).await
        })
    }),
    channel(Get, "/admin/v1/channels/{channel}/exports/columns", Action::Download, |c, who| {
        Box::pin(async move { downloads::columns(&c.env, &who).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/exports", Action::ReadCustomers, |c, who| {
        Box::pin(async move { downloads::create_export(c.req, &c.env, c.now, &who).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/exports", Action::Download, |c, who| {
        Box::pin(async move { downloads::list_exports(&c.env, c.now, &who).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/exports/{id}", Action::Download, |c, who| {
        Box::pin(async move { downloads::export_status(&c.env, c.now, &who, c.params.get("id")).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/exports/{id}/cancel", Action::Download, |c, who| {
        Box::pin(async move { downloads::cancel_export(&c.env, c.now, &who, c.params.get("id")).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/exports/{id}/files/{n}", Action::ReadCustomers, |c, who| {
        Box::pin(async move {
            let (id, n) = (c.params.get("id").to_owned(), c.params.get("n").to_owned());
            downloads::export_file(c.req, &c.env, c.now, &who, &id, &n).await
        })
    }),
    channel(Get, "/admin/v1/channels/{channel}/audit", Action::ReadAudit, |c, who| {
        Box::pin(async move { downloads::audit(c.req, &c.env, &who).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/customers/{id}/messages", Action::ReadCustomers, |c, who| {
        Box::pin(
            async move { customers::received_messages(c.req, &c.env, c.now, who.channel()?, c.params.get("id")).await },
        )
    }),
    channel(Get, "/admin/v1/channels/{channel}/customers/{id}", Action::ReadCustomers, |c, who| {
        Box::pin(async move { customers::customer(c.req, &c.env, who.channel()?, c.params.get("id")).await })
    }),
    channel(Patch, "/admin/v1/channels/{channel}/customers/{id}", Action::EditCustomers, |c, who| {
        Box::pin(async move { customers::customer(c.req, &c.env, who.channel()?, c.params.get("id")).await })
    }),
    channel(Delete, "/admin/v1/channels/{channel}/customers/{id}", Action::DeleteCustomers, |c, who| {
        Box::pin(async move { customers::customer(c.req, &c.env, who.channel()?, c.params.get("id")).await })
    }),
    // Identity verification, monthly active customers, segments.
    channel(Get, "/admin/v1/channels/{channel}/identity-verification", Action::ReadIdentity, |c, who| {
        Box::pin(async move { channel_api::identity_verification(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Put, "/admin/v1/channels/{channel}/identity-verification", Action::ChangeIdentity, |c, who| {
        Box::pin(async move { channel_api::identity_verification(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/mau", Action::ReadMonthlyActive, |c, who| {
        Box::pin(async move { stats::monthly_active(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/segments", Action::ReadSegments, |c, who| {
        Box::pin(async move { segments::segments(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/segments", Action::EditSegments, |c, who| {
        Box::pin(async move { segments::segments(c.req, &c.env, c.now, who.channel()?).await })
    }),
    channel(Get, "/admin/v1/channels/{channel}/segments/{id}", Action::ReadSegments, |c, who| {
        Box::pin(async move { segments::segment(c.req, &c.env, c.now, who.channel()?, c.params.get("id")).await })
    }),
    channel(Patch, "/admin/v1/channels/{channel}/segments/{id}", Action::EditSegments, |c, who| {
        Box::pin(async move { segments::segment(c.req, &c.env, c.now, who.channel()?, c.params.get("id")).await })
    }),
    channel(Delete, "/admin/v1/channels/{channel}/segments/{id}", Action::EditSegments, |c, who| {
        Box::pin(async move { segments::segment(c.req, &c.env, c.now, who.channel()?, c.params.get("id")).await })
    }),
    // The channel's profile fields.
    channel(Get, "/admin/v1/channels/{channel}/fields", Action::ReadFields, |c, who| {
        Box::pin(async move { fields::list(&c.env, who.channel()?).await })
    }),
    channel(Post, "/admin/v1/channels/{channel}/fields", Action::ChangeFields, |c, who| {
        Box::pin(async move { fields::add(c.req, &c.env, who.channel()?).await })
    }),
    channel(Put, "/admin/v1/channels/{channel}/fields/order", Action::ChangeFields, |c, who| {
        Box::pin(async move { fields::order(c.req, &c.env, who.channel()?).await })
    }),
    channel(Patch, "/admin/v1/channels/{channel}/fields/{key}", Action::ChangeFields, |c, who| {
        Box::pin(async move { fields::field(c.req, &c.env, who.channel()?, c.params.get("key")).await })
    }),
];

#[cfg(test)]
mod tests {
    use super::*;
    use Method::{Head, Options};

    fn resolved(method: Method, path: &str) -> String {
        match resolve(ROUTES, &method, path) {
            Resolution::Preflight => "preflight".into(),
            Resolution::Found(route, params) => format!("{} {:?}", route.path, params.0),
            Resolution::MethodNotAllowed => "405".into(),
            Resolution::NotFound => "404".into(),
            Resolution::Static => "static".into(),
        }
    }

    #[track_caller]
    fn check(method: Method, path: &str, expected: &str) {
        assert_eq!(resolved(method, path), expected, "{path}");
    }

    #[test]
    fn a_route_is_found_by_method_and_path_with_its_parameters() {
        check(Post, "/v1/events", "/v1/events []");
        check(
            Get,
            "/admin/v1/channels/demo/segments/seg_1",
            r#"/admin/v1/channels/{channel}/segments/{id} [("channel", "demo"), ("id", "seg_1")]"#,
        );
        check(Get, "/t/tok/click/2", r#"/t/{token}/click/{button} [("token", "tok"), ("button", "2")]"#);
    }

    #[test]
    fn empty_segments_and_trailing_slashes_do_not_matter() {
        check(Post, "//v1//events/", "/v1/events []");
    }

    #[test]
    fn a_fixed_segment_wins_over_a_parameter_at_its_place() {
        check(
            Post,
            "/admin/v1/channels/demo/customers/search",
            "/admin/v1/channels/{channel}/customers/search [(\"channel\", \"demo\")]",
        );
        check(
            Put,
            "/admin/v1/channels/demo/fields/order",
            "/admin/v1/channels/{channel}/fields/order [(\"channel\", \"demo\")]",
        );
    }

    #[test]
    fn another_method_on_a_fixed_segment_falls_to_the_parameter_route() {
        // `GET …/customers/search` is the customer whose id is "search" (404 there).
        check(
            Get,
            "/admin/v1/channels/demo/customers/search",
            r#"/admin/v1/channels/{channel}/customers/{id} [("channel", "demo"), ("id", "search")]"#,
        );
    }

    #[test]
    fn a_known_api_path_with_another_method_is_405() {
        check(Get, "/v1/events", "405");
        check(Delete, "/admin/v1/channels/demo/mau", "405");
        check(Options, "/admin/v1/channels/demo", "405");
    }

    #[test]
    fn a_development_route_with_another_method_is_404() {
        check(Post, "/dev/clock", "404");
        check(Delete, "/dev/clock", "404");
    }

    #[test]
    fn an_unknown_api_path_is_404() {
        check(Post, "/v1/nothing", "404");
        check(Get, "/admin/v1/channels/demo/customers/c1/extra", "404");
        check(Get, "/dev", "404");
        check(Get, "/admin", "404");
    }

    #[test]
    fn options_under_v1_is_a_preflight_even_for_unknown_paths() {
        check(Options, "/v1/events", "preflight");
        check(Options, "/v1/anything/at/all", "preflight");
    }

    #[test]
    fn other_paths_are_static_files_for_get_and_head_only() {
        check(Get, "/demo/index.html", "static");
        check(Head, "/healthz", "static");
        check(Get, "/t/tok/elsewhere", "static");
        check(Post, "/healthz", "405");
        check(Post, "/t/tok/open", "405");
        check(Put, "/widget.js", "405");
    }

    #[test]
    fn every_route_is_reachable_and_listed_once() {
        for (i, route) in ROUTES.iter().enumerate() {
            let path: String = route.path.replace("{", "x").replace("}", "");
            match resolve(ROUTES, &route.method, &path) {
                Resolution::Found(found, _) => {
                    assert!(
                        std::ptr::eq(found, route),
                        "{:?} {} is shadowed by {}",
                        route.method,
                        route.path,
                        found.path
                    )
                }
                _ => panic!("{:?} {} does not resolve", route.method, route.path),
            }
            let again = ROUTES[i + 1..].iter().any(|r| r.method == route.method && r.path == route.path);
            assert!(!again, "{:?} {} is listed twice", route.method, route.path);
        }
    }

    /// The roles a route admits, from its declared action and the one permission table.
    fn roles(route: &Route) -> Option<&'static [kizuna_shared::channel::Role]> {
        match route.access {
            Access::Channel(action) | Access::Campaign(action) => Some(action.roles()),
            _ => None,
        }
    }

    /// The admin routes that act in no channel: the first account, signing in and the
    /// emailed links (public: they make or restore the credentials, the link's token being
    /// the credential), and the account's own profile, sessions, password and email.
    const PUBLIC_ACCOUNT_ROUTES: &[&str] = &[
        "POST /admin/v1/setup",
        "POST /admin/v1/sessions",
        "GET /admin/v1/invitations/{token}",
        "POST /admin/v1/invitations/{token}/accept",
        "POST /admin/v1/password-resets",
        "POST /admin/v1/password-resets/{token}",
        "POST /admin/v1/email-changes/{token}",
    ];

    /// The admin routes of the signed-in account itself (`Access::Account`).
    const SIGNED_IN_ROUTES: &[&str] = &[
        "PUT /admin/v1/me/password",
        "PUT /admin/v1/me/email",
        "GET /admin/v1/me",
        "GET /admin/v1/sessions",
        "DELETE /admin/v1/sessions/current",
        "DELETE /admin/v1/sessions/{id}",
        "POST /admin/v1/channels",
    ];

    fn is_account_route(name: &str) -> bool {
        PUBLIC_ACCOUNT_ROUTES.contains(&name) || SIGNED_IN_ROUTES.contains(&name)
    }

    #[test]
    fn every_admin_route_declares_an_action_and_nothing_else_does() {
        for route in ROUTES {
            let name = format!("{} {}", route.method.as_ref().to_uppercase(), route.path);
            let admin = route.path.starts_with("/admin/") && !is_account_route(&name);
            assert_eq!(roles(route).is_some(), admin, "{name}");
        }
    }

    #[test]
    fn the_account_routes_are_public_only_to_make_credentials() {
        for route in ROUTES {
            let name = format!("{} {}", route.method.as_ref().to_uppercase(), route.path);
            if is_account_route(&name) {
                let public = PUBLIC_ACCOUNT_ROUTES.contains(&name.as_str());
                let expected = if public { Access::Public } else { Access::Account };
                assert_eq!(route.access, expected, "{name}");
            }
        }
    }

    #[test]
    fn owner_only_routes_are_exactly_those_of_owner_only_actions() {
        let mut owners_only: Vec<String> = ROUTES
            .iter()
            .filter(|r| roles(r).is_some_and(|roles| !roles.contains(&kizuna_shared::channel::Role::Member)))
            .map(|r| format!("{} {}", r.method.as_ref().to_uppercase(), r.path))
            .collect();
        owners_only.sort();
        assert_eq!(
            owners_only,
            [
                "DELETE /admin/v1/channels/{channel}",
                "DELETE /admin/v1/channels/{channel}/customers/{id}",
                "DELETE /admin/v1/channels/{channel}/invitations/{id}",
                "DELETE /admin/v1/channels/{channel}/tokens/{id}",
                "GET /admin/v1/channels/{channel}/identity-verification",
                "GET /admin/v1/channels/{channel}/invitations",
                "GET /admin/v1/channels/{channel}/tokens",
                "PATCH /admin/v1/channels/{channel}",
                "PATCH /admin/v1/channels/{channel}/fields/{key}",
                "PATCH /admin/v1/channels/{channel}/members/{accountId}",
                "POST /admin/v1/channels/{channel}/fields",
                "POST /admin/v1/channels/{channel}/invitations",
                "POST /admin/v1/channels/{channel}/tokens",
                "PUT /admin/v1/channels/{channel}/fields/order",
                "PUT /admin/v1/channels/{channel}/identity-verification",
            ]
        );
    }

    /// The OpenAPI document's operations are exactly the table's routes (the widget files
    /// and static site are assets, not operations).
    #[test]
    fn the_openapi_document_lists_exactly_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        let mut documented: Vec<String> = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m.to_uppercase()) {
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                    documented.push(format!("{method} {}", normalized(path)));
                }
            }
        }
        let mut routed: Vec<String> =
            ROUTES.iter().map(|r| format!("{} {}", r.method.as_ref().to_uppercase(), normalized(r.path))).collect();
        documented.retain(|op| !op.ends_with(" /widget.js") && !op.ends_with(" /widget.wasm"));
        documented.sort();
        routed.sort();
        assert_eq!(documented, routed);
    }

    /// The document's operation for a route.
    fn operation<'d>(doc: &'d serde_json::Value, route: &Route) -> &'d serde_json::Value {
        let method = route.method.as_ref().to_lowercase();
        let found = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .find(|(path, item)| normalized(path) == normalized(route.path) && item.get(method.as_str()).is_some());
        found.map_or(&serde_json::Value::Null, |(_, item)| &item[method.as_str()])
    }

    /// Generated clients name their methods after `operationId`, and the security an
    /// operation declares is the one its route's access requires: the bearer token of an
    /// account for admin routes, the webhook's own secret for the email provider, none
    /// for the rest (a public operation carries its visitor token in its body).
    #[test]
    fn every_operation_is_named_and_declares_the_security_of_its_route() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        let mut names = std::collections::BTreeSet::new();
        for route in ROUTES {
            let op = operation(&doc, route);
            let what = format!("{} {}", route.method.as_ref().to_uppercase(), route.path);
            let name = op["operationId"].as_str().unwrap_or_default();
            assert!(!name.is_empty(), "{what} has no operationId");
            assert!(names.insert(name.to_owned()), "{what}: operationId {name} is used twice");
            let expected = match route.access {
                // A visitor's token travels in the body (a beacon cannot set headers).
                Access::Public | Access::Visitor | Access::Development => serde_json::json!([]),
                Access::EmailProvider => serde_json::json!([{ "emailWebhook": [] }]),
                // An account's token, or the console's session cookie.
                Access::Channel(_) | Access::Campaign(_) | Access::Account => {
                    serde_json::json!([{ "bearer": [] }, { "session": [] }])
                }
            };
            assert_eq!(op["security"], expected, "{what}");
        }
    }

    /// The statuses the auth step answers are in the document: a channel route's 401
    /// (no or unknown token), 400 (a malformed channel id) and 403 (not this channel's,
    /// or a role the action needs); a campaign route's 401, 400 and 404.
    #[test]
    fn every_admin_operation_lists_the_statuses_of_the_auth_step() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
        let mut missing = Vec::new();
        for route in ROUTES {
            let statuses: &[&str] = match route.access {
                Access::Visitor => &["401"],
                Access::Channel(_) => &["400", "401", "403"],
                Access::Campaign(_) => &["400", "401", "404"],
                Access::Account => &["401"],
                _ => &[],
            };
            let responses = &operation(&doc, route)["responses"];
            for status in statuses.iter().filter(|s| responses.get(**s).is_none()) {
                missing.push(format!("{} {} {status}", route.method.as_ref().to_uppercase(), route.path));
            }
        }
        assert!(missing.is_empty(), "statuses the worker answers but the document omits: {missing:#?}");
    }

    /// A pattern with its parameter names erased, so `{campaignId}` and `{id}` compare equal.
    fn normalized(path: &str) -> String {
        path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
    }
}
