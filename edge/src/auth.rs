//! The one auth step: who may call a route, decided before its handler runs.
//!
//! Every route declares its [`Access`] in the route table (`router.rs`); this module turns
//! the request's credentials into a [`Caller`] or the error the caller sees. The order of
//! checks is part of the API: a bearer header must be there (401), then the path's id
//! must be well-formed (400 naming it), then the token must be known (401), then the
//! account needs a role there (403 for a channel, 404 for a campaign, so a member of
//! another channel learns nothing about it), and a role high enough (403). A visitor's
//! route reads its body first, for the token lives there (a `pagehide` beacon cannot set
//! headers): without a valid token it is 401 naming `token`, before the body is validated.
//!
//! An account proves itself with a bearer API token or, when no `Authorization` header is
//! sent, the console's session cookie (`__Host-kizuna_session`): the session must be
//! unrevoked and used within 30 days, and a change it makes (any method but `GET` and
//! `HEAD`) must carry the request's own `Origin` (403 naming `origin`), as browsers send
//! the cookie along with other sites' requests too.
//!
//! A channel's own API token (issue 11) is no account: it reaches only its channel, with
//! the role it was made with (403 in any other channel, 404 for another channel's
//! campaign, 403 on the account routes). Deleting a channel deletes its tokens.

use crate::env;
use crate::error::ApiError;
use crate::request::Params;
use crate::store::{Db, accounts, campaigns, members};
use kizuna_shared::account::{self, SessionUse};
use kizuna_shared::channel::Role;
use kizuna_shared::identity::same_secret;
use kizuna_shared::ids::{CampaignId, ChannelId, VisitorId};
use kizuna_shared::permission::Action;
use kizuna_shared::time::Millis;
use kizuna_shared::visitor_token;
use sha2::{Digest, Sha256};
use worker::{Env, Request};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: `boot`, signed email links, health and documents.
    Public,
    /// A visitor with the token `boot` issued: the body's `channel`, `visitorId` and
    /// `token` (`kizuna_shared::visitor_token`), under the deployment's `VISITOR_SECRET`.
    Visitor,
    /// The email provider, with the deployment's webhook secret as a bearer token.
    EmailProvider,
    /// Development tools: only with the development clock enabled, only on a loopback
    /// host; anywhere else the route does not exist.
    Development,
    /// An account whose role in the path's `{channel}` may perform this action
    /// (`permission::Action::roles`).
    Channel(Action),
    /// An account whose role in the channel of the path's campaign `{id}` may perform
    /// this action.
    Campaign(Action),
    /// Any account, acting for itself (its profile and sessions).
    Account,
}

/// Who is calling, as the auth step established it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anyone,
    /// A visitor whose token the edge issued at `token_issued_at` (the visitor object
    /// still checks that the visitor exists).
    Visitor {
        channel: ChannelId,
        visitor: VisitorId,
        token_issued_at: Millis,
    },
    /// An account acting in `channel` (for a campaign route, the campaign's channel);
    /// `account` is `None` for a channel's own API token, which acts for no account.
    Manager {
        channel: ChannelId,
        role: Role,
        campaign: Option<CampaignId>,
        account: Option<String>,
    },
    /// An account acting for itself; `session` is the session it came with (none with a
    /// bearer token).
    Account {
        member: String,
        session: Option<String>,
    },
}

impl Caller {
    /// The channel an account acts in; only routes with [`Access::Channel`] or
    /// [`Access::Campaign`] ask, and the auth step always sets it for them.
    pub fn channel(&self) -> Result<&ChannelId, ApiError> {
        match self {
            Caller::Manager { channel, .. } => Ok(channel),
            _ => Err(ApiError::Internal("route declared without channel access".into())),
        }
    }

    /// The visitor of a route with [`Access::Visitor`]: channel, visitor and the issue
    /// time of their token.
    pub fn visitor(&self) -> Result<(&ChannelId, &VisitorId, Millis), ApiError> {
        match self {
            Caller::Visitor { channel, visitor, token_issued_at } => Ok((channel, visitor, *token_issued_at)),
            _ => Err(ApiError::Internal("route declared without visitor access".into())),
        }
    }

    /// Whether the caller's role may also perform `action`, for a change that needs more
    /// than its route allows (turning off opt-out, clearing an unsubscribe flag): 403
    /// naming `field` otherwise.
    pub fn may(&self, action: Action, field: &str) -> Result<(), ApiError> {
        match self {
            Caller::Manager { role, .. } if action.allowed(*role) => Ok(()),
            _ => Err(ApiError::ForbiddenField {
                field: field.to_owned(),
                problem: format!("only {} may change this", who_may(action)),
            }),
        }
    }

    /// The account of a route with [`Access::Account`], and the session it came with.
    pub fn account(&self) -> Result<(&str, Option<&str>), ApiError> {
        match self {
            Caller::Account { member, session } => Ok((member, session.as_deref())),
            _ => Err(ApiError::Internal("route declared without account access".into())),
        }
    }

    /// The account acting in a channel route; `None` for a channel's own token.
    pub fn acting_account(&self) -> Option<&str> {
        match self {
            Caller::Manager { account, .. } => account.as_deref(),
            Caller::Account { member, .. } => Some(member),
            _ => None,
        }
    }

    /// The account of a route with [`Access::Channel`] or [`Access::Campaign`]; a channel's
    /// own API token acts for no account and may not do what only an account does.
    pub fn member(&self) -> Result<&str, ApiError> {
        match self {
            Caller::Manager { account: Some(account), .. } => Ok(account),
            Caller::Manager { account: None, .. } => Err(ApiError::Refused {
                field: "token".into(),
                problem: "a channel's API token acts for no account: sign in".into(),
            }),
            _ => Err(ApiError::Internal("route declared without channel access".into())),
        }
    }

    /// The campaign of a route with [`Access::Campaign`].
    pub fn campaign(&self) -> Result<&CampaignId, ApiError> {
        match self {
            Caller::Manager { campaign: Some(campaign), .. } => Ok(campaign),
            _ => Err(ApiError::Internal("route declared without campaign access".into())),
        }
    }
}

/// The SHA-256 (hex) of a bearer token: tokens are stored only hashed. `None` without a
/// well-formed `Authorization: Bearer …` header.
pub fn bearer_hash(authorization: Option<&str>) -> Option<String> {
    let token = authorization?.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty())?;
    Some(secret_hash(token))
}

/// The SHA-256 (hex) of a secret that is stored only hashed (API tokens, session cookies).
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// How an account's request proves who it is, hashed as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Bearer(String),
    Session(String),
}

/// The request's credentials: an `Authorization` header wins (a malformed one is no
/// credential, 401, even with a cookie), else the session cookie; 401 without either.
pub fn credentials(authorization: Option<&str>, cookie: Option<&str>) -> Result<Credentials, ApiError> {
    if authorization.is_some() {
        return bearer_hash(authorization).map(Credentials::Bearer).ok_or(ApiError::Unauthorized);
    }
    account::session_cookie(cookie).map(|value| Credentials::Session(secret_hash(value))).ok_or(ApiError::Unauthorized)
}

/// The decision for a cookie-authenticated request: a change needs the request's own
/// `Origin` (403 naming `origin`); reading does not.
pub fn origin_decision(method: &worker::Method, origin: Option<&str>, own: &str) -> Result<(), ApiError> {
    if matches!(method, worker::Method::Get | worker::Method::Head) || account::same_origin(origin, own) {
        Ok(())
    } else {
        Err(ApiError::ForbiddenField {
            field: "origin".into(),
            problem: "a change made with the session cookie must come from this site's own origin".into(),
        })
    }
}

/// Who the request's credentials prove.
struct SignedIn {
    member: String,
    session: Option<String>,
    /// A channel's own API token: it reaches this channel only, with this role.
    channel_token: Option<(ChannelId, Role)>,
}

impl SignedIn {
    /// The caller's role in `channel`: a channel's token has its own role there and none
    /// elsewhere; an account has the role its membership gives.
    async fn role_in(&self, db: &Db, channel: &ChannelId) -> Result<Option<Role>, ApiError> {
        match &self.channel_token {
            Some(token) => Ok(channel_token_role(token, channel)),
            None => Ok(members::member_role(db, &self.member, channel).await?),
        }
    }

    /// The account acting, `None` for a channel's token.
    fn account(&self) -> Option<String> {
        self.channel_token.is_none().then(|| self.member.clone())
    }
}

/// The account behind the request's credentials, and its session when it came with one:
/// 401 for an unknown or revoked token or session, or a session idle for 30 days. A
/// token's use is recorded at most once a minute.
async fn signed_in(db: &Db, credentials: &Credentials, req: &Request, now: Millis) -> Result<SignedIn, ApiError> {
    match credentials {
        Credentials::Bearer(hash) => {
            let holder = members::token_holder(db, hash).await?.ok_or(ApiError::Unauthorized)?;
            if account::token_touch_due(holder.last_used_at, now) {
                members::touch_token(db, hash, now).await?;
            }
            Ok(SignedIn { member: holder.member_id, session: None, channel_token: holder.channel })
        }
        Credentials::Session(hash) => {
            let session = accounts::session_by_token(db, hash).await?.ok_or(ApiError::Unauthorized)?;
            let SessionUse::Alive { touch } = account::session_use(session.last_used_at, now) else {
                return Err(ApiError::Unauthorized);
            };
            let url = req.url()?;
            let origin = req.headers().get("origin")?;
            origin_decision(&req.method(), origin.as_deref(), &url.origin().ascii_serialization())?;
            if touch {
                accounts::touch_session(db, &session.id, now).await?;
            }
            Ok(SignedIn { member: session.member_id, session: Some(session.id), channel_token: None })
        }
    }
}

/// The decision for a visitor's route: the body's `channel`, `visitorId` and `token`
/// must be a token this deployment issued for that visitor, not yet expired. Anything
/// else (no token, a malformed body, another visitor's token) is 401 naming `token`; the
/// body's other fields are validated after.
pub fn visitor_decision(secret: &[u8], body: &[u8], now: Millis) -> Result<Caller, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Credentials {
        channel: serde_json::Value,
        visitor_id: serde_json::Value,
        token: serde_json::Value,
    }
    let found: Option<Credentials> = serde_json::from_slice(body).ok();
    let (channel, visitor, token) = found
        .and_then(|c| {
            let channel = ChannelId::parse(c.channel.as_str()?).ok()?;
            let visitor = VisitorId::parse(c.visitor_id.as_str()?).ok()?;
            Some((channel, visitor, c.token.as_str()?.to_owned()))
        })
        .ok_or(ApiError::VisitorToken)?;
    let token_issued_at =
        visitor_token::verify(secret, &channel, &visitor, &token, now).map_err(|_| ApiError::VisitorToken)?;
    Ok(Caller::Visitor { channel, visitor, token_issued_at })
}

/// A channel's own token has the role it was made with in its channel, and none in any
/// other (so 403 there, and 404 for another channel's campaign).
pub fn channel_token_role((own, role): &(ChannelId, Role), channel: &ChannelId) -> Option<Role> {
    (own == channel).then_some(*role)
}

/// The decision for an account route: a channel's token acts for its channel, never as an
/// account (403), so it cannot read an account's profile or make channels.
pub fn account_decision(channel_token: bool) -> Result<(), ApiError> {
    if channel_token { Err(ApiError::Forbidden) } else { Ok(()) }
}

/// The roles that may perform `action`, in words ("owners").
fn who_may(action: Action) -> String {
    let names: Vec<String> = action.roles().iter().map(|r| format!("{}s", r.as_str())).collect();
    names.join(" and ")
}

/// The decision for a channel route, once the token's account and its role there are
/// known: no role is 403, a role the permission table does not allow the action is 403.
pub fn channel_decision(found: Option<Role>, action: Action) -> Result<Role, ApiError> {
    match found {
        Some(role) if action.allowed(role) => Ok(role),
        _ => Err(ApiError::Forbidden),
    }
}

/// The decision for a campaign route: without a role in the campaign's channel (or
/// without the campaign) it does not exist for this caller (404); with a role the table
/// does not allow the action, 403.
pub fn campaign_decision(found: Option<Role>, action: Action) -> Result<Role, ApiError> {
    match found {
        None => Err(ApiError::NotFound("campaign")),
        Some(role) if action.allowed(role) => Ok(role),
        Some(_) => Err(ApiError::Forbidden),
    }
}

/// The decision for the email provider's webhook: 401 unless the deployment has a secret
/// and the request carries it.
pub fn email_provider_decision(secret: Option<&str>, authorization: Option<&str>) -> Result<(), ApiError> {
    let secret = secret.filter(|s| !s.is_empty()).ok_or(ApiError::Unauthorized)?;
    let given = authorization.and_then(|h| h.strip_prefix("Bearer ")).unwrap_or_default();
    if same_secret(given.as_bytes(), secret.as_bytes()) { Ok(()) } else { Err(ApiError::Unauthorized) }
}

/// Whether a development route is reachable: enabled, and asked on a loopback host.
pub fn development_decision(enabled: bool, host: Option<&str>) -> Result<(), ApiError> {
    let loopback = matches!(host, Some("127.0.0.1" | "localhost" | "[::1]"));
    if enabled && loopback { Ok(()) } else { Err(ApiError::NotFound("route")) }
}

/// Runs the auth step for `access` on this request.
/// `body` is read only for [`Access::Visitor`] routes (empty for the others).
pub async fn authorize(
    access: Access,
    params: &Params,
    req: &Request,
    body: &[u8],
    env: &Env,
    now: Millis,
) -> Result<Caller, ApiError> {
    match access {
        Access::Public => Ok(Caller::Anyone),
        Access::Visitor => {
            let secret = env::required(env, "VISITOR_SECRET", "visitor tokens")?;
            visitor_decision(secret.as_bytes(), body, now)
        }
        Access::EmailProvider => {
            let secret = env::setting(env, "EMAIL_WEBHOOK_SECRET");
            if secret.is_none() {
                worker::console_error!("email webhook called but EMAIL_WEBHOOK_SECRET is not configured");
            }
            let authorization = req.headers().get("authorization")?;
            email_provider_decision(secret.as_deref(), authorization.as_deref())?;
            Ok(Caller::Anyone)
        }
        Access::Development => {
            let url = req.url()?;
            development_decision(crate::clock::dev_clock_enabled(env), url.host_str())?;
            Ok(Caller::Anyone)
        }
        Access::Channel(action) => {
            let credentials = request_credentials(req)?;
            let channel =
                ChannelId::parse(params.get("channel")).map_err(|e| ApiError::invalid("channel", e.to_string()))?;
            let db = Db::open(env)?;
            let who = signed_in(&db, &credentials, req, now).await?;
            let found = who.role_in(&db, &channel).await?;
            let role = channel_decision(found, action)?;
            Ok(Caller::Manager { channel, role, campaign: None, account: who.account() })
        }
        Access::Campaign(action) => {
            let credentials = request_credentials(req)?;
            let campaign =
                CampaignId::parse(params.get("id")).map_err(|e| ApiError::invalid("campaignId", e.to_string()))?;
            let db = Db::open(env)?;
            let who = signed_in(&db, &credentials, req, now).await?;
            let Some(channel) = campaigns::campaign_channel(&db, &campaign).await? else {
                return Err(ApiError::NotFound("campaign"));
            };
            let found = who.role_in(&db, &channel).await?;
            let role = campaign_decision(found, action)?;
            Ok(Caller::Manager { channel, role, campaign: Some(campaign), account: who.account() })
        }
        Access::Account => {
            let credentials = request_credentials(req)?;
            let db = Db::open(env)?;
            let who = signed_in(&db, &credentials, req, now).await?;
            account_decision(who.channel_token.is_some())?;
            Ok(Caller::Account { member: who.member, session: who.session })
        }
    }
}

/// The account behind the request's credentials when it brings any (for a public route
/// that also serves a signed-in account, like accepting an invitation): `None` without a
/// bearer header or session cookie; 401 (or 403 naming `origin`) for bad ones, exactly as
/// for [`Access::Account`].
pub async fn optional_account(req: &Request, env: &Env, now: Millis) -> Result<Option<Caller>, ApiError> {
    let credentials = match request_credentials(req) {
        Ok(credentials) => credentials,
        Err(_) => return Ok(None),
    };
    let who = signed_in(&Db::open(env)?, &credentials, req, now).await?;
    account_decision(who.channel_token.is_some())?;
    Ok(Some(Caller::Account { member: who.member, session: who.session }))
}

/// The request's bearer token or session cookie, hashed: 401 without either.
fn request_credentials(req: &Request) -> Result<Credentials, ApiError> {
    let headers = req.headers();
    credentials(headers.get("authorization")?.as_deref(), headers.get("cookie")?.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_looked_up_by_its_sha256() {
        assert_eq!(
            bearer_hash(Some("Bearer kz_demo_owner_token")).as_deref(),
            Some("45a486a7b9f6686b19c9f5b7050493662606b8baec600ad38c4e85b333bb03fa")
        );
    }

    #[test]
    fn a_bearer_header_wins_over_the_session_cookie_and_neither_is_401() {
        let cookie = Some("__Host-kizuna_session=abc");
        assert_eq!(credentials(None, cookie).ok(), Some(Credentials::Session(secret_hash("abc"))));
        assert_eq!(credentials(Some("Bearer t"), cookie).ok(), Some(Credentials::Bearer(secret_hash("t"))));
        assert_eq!(credentials(Some("Basic t"), cookie).map_err(|e| e.status()), Err(401));
        assert_eq!(credentials(None, Some("other=1")).map_err(|e| e.status()), Err(401));
        assert_eq!(credentials(None, None).map_err(|e| e.status()), Err(401));
    }

    #[test]
    fn a_cookie_change_from_another_origin_is_403_naming_origin() {
        let own = "http://127.0.0.1:8787";
        let refused = origin_decision(&worker::Method::Post, Some("http://evil.example"), own).err();
        let refused = refused.map(|e| (e.status(), e.reply().error.field));
        assert_eq!(refused, Some((403, Some("origin".to_owned()))));
        assert!(origin_decision(&worker::Method::Delete, None, own).is_err());
        assert!(origin_decision(&worker::Method::Post, Some(own), own).is_ok());
        assert!(origin_decision(&worker::Method::Get, Some("http://evil.example"), own).is_ok());
    }

    #[test]
    fn a_missing_or_malformed_bearer_header_is_no_token() {
        for header in [None, Some(""), Some("Bearer "), Some("Bearer    "), Some("Basic abc"), Some("bearer abc")] {
            assert_eq!(bearer_hash(header), None, "{header:?}");
        }
    }

    #[test]
    fn a_channel_route_follows_the_permission_table_for_every_action_and_role() {
        for action in Action::ALL {
            for role in [Role::Owner, Role::Member] {
                let decided = channel_decision(Some(role), action).map_err(|e| e.status());
                let expected = if action.allowed(role) { Ok(role) } else { Err(403) };
                assert_eq!(decided, expected, "{action:?} × {role:?}");
            }
            assert_eq!(channel_decision(None, action).map_err(|e| e.status()), Err(403), "{action:?} × outsider");
        }
    }

    #[test]
    fn a_member_is_refused_an_owner_route_and_an_outsider_every_route() {
        assert_eq!(channel_decision(Some(Role::Member), Action::DeleteCustomers).map_err(|e| e.status()), Err(403));
        assert_eq!(channel_decision(Some(Role::Owner), Action::DeleteCustomers).ok(), Some(Role::Owner));
        assert_eq!(channel_decision(None, Action::ReadCustomers).map_err(|e| e.status()), Err(403));
    }

    #[test]
    fn a_channel_token_reaches_only_its_own_channel_and_is_no_account() {
        let (shop, other) = (ChannelId::parse("shop").unwrap(), ChannelId::parse("other").unwrap());
        let token = (shop.clone(), Role::Member);
        assert_eq!(channel_token_role(&token, &shop), Some(Role::Member));
        assert_eq!(channel_token_role(&token, &other), None);
        let elsewhere = channel_decision(channel_token_role(&token, &other), Action::ReadCustomers);
        assert_eq!(elsewhere.map_err(|e| e.status()), Err(403));
        let campaign = campaign_decision(channel_token_role(&token, &other), Action::ReadCampaigns);
        assert_eq!(campaign.map_err(|e| e.status()), Err(404));
        assert_eq!(account_decision(true).map_err(|e| e.status()), Err(403));
        assert!(account_decision(false).is_ok());
    }

    #[test]
    fn an_outsider_learns_nothing_of_a_campaign() {
        assert_eq!(campaign_decision(None, Action::ReadCampaigns).map_err(|e| e.status()), Err(404));
        assert_eq!(campaign_decision(Some(Role::Member), Action::EditCampaigns).ok(), Some(Role::Member));
    }

    #[test]
    fn a_change_beyond_the_route_is_refused_naming_its_field() {
        let manager =
            |role| Caller::Manager { channel: ChannelId::parse("demo").unwrap(), role, campaign: None, account: None };
        let member = manager(Role::Member);
        let refused =
            member.may(Action::OverrideOptOut, "offline.respectOptOut").err().map(|e| (e.status(), e.reply().error));
        let Some((status, error)) = refused else { panic!("a member turned off opt-out") };
        assert_eq!(
            (status, error.code.as_str(), error.field.as_deref()),
            (403, "forbidden", Some("offline.respectOptOut"))
        );
        assert!(error.message.contains("only owners"), "{}", error.message);
        let owner = manager(Role::Owner);
        assert!(owner.may(Action::OverrideOptOut, "offline.respectOptOut").is_ok());
        assert!(Caller::Anyone.may(Action::ReadChannel, "x").is_err());
    }

    #[test]
    fn the_email_webhook_needs_the_configured_secret() {
        assert!(email_provider_decision(Some("s3cret"), Some("Bearer s3cret")).is_ok());
        assert!(email_provider_decision(Some("s3cret"), Some("Bearer s3cre")).is_err());
        assert!(email_provider_decision(Some("s3cret"), None).is_err());
        assert!(email_provider_decision(Some(""), Some("Bearer ")).is_err());
        assert!(email_provider_decision(None, Some("Bearer anything")).is_err());
    }

    #[test]
    fn development_routes_exist_only_when_enabled_and_on_loopback() {
        assert!(development_decision(true, Some("127.0.0.1")).is_ok());
        assert!(development_decision(true, Some("localhost")).is_ok());
        assert!(development_decision(true, Some("[::1]")).is_ok());
        assert_eq!(development_decision(false, Some("127.0.0.1")).map_err(|e| e.status()), Err(404));
        assert_eq!(development_decision(true, Some("kizuna.example")).map_err(|e| e.status()), Err(404));
    }

    const SECRET: &[u8] = b"visitor secret";

    fn visitor_body(visitor: &str, token: &str) -> String {
        serde_json::json!({ "channel": "demo", "visitorId": visitor, "token": token, "events": [] }).to_string()
    }

    #[track_caller]
    fn refused_visitor(body: &str) {
        let err = visitor_decision(SECRET, body.as_bytes(), 1_000).err();
        let reply = err.map(|e| (e.status(), e.reply().error.field));
        assert_eq!(reply, Some((401, Some("token".to_owned()))), "{body}");
    }

    fn issued(visitor: &str, at: Millis) -> String {
        let (c, v) = (ChannelId::parse("demo").unwrap(), VisitorId::parse(visitor).unwrap());
        visitor_token::sign(SECRET, &c, &v, at)
    }

    #[test]
    fn a_visitor_with_the_token_boot_issued_is_that_visitor() {
        let caller = visitor_decision(SECRET, visitor_body("v_1", &issued("v_1", 900)).as_bytes(), 1_000).unwrap();
        let expected = Caller::Visitor {
            channel: ChannelId::parse("demo").unwrap(),
            visitor: VisitorId::parse("v_1").unwrap(),
            token_issued_at: 900,
        };
        assert_eq!(caller, expected);
    }

    #[test]
    fn knowing_a_visitor_id_is_not_being_that_visitor() {
        refused_visitor(&visitor_body("v_victim", &issued("v_attacker", 900)));
        refused_visitor(&visitor_body("v_victim", ""));
        refused_visitor(r#"{"channel": "demo", "visitorId": "v_victim", "events": []}"#);
        refused_visitor(r#"{"channel": "demo", "visitorId": "a", "token": 1}"#);
    }

    #[test]
    fn a_body_without_credentials_is_401_before_it_is_validated() {
        refused_visitor("");
        refused_visitor("{not json");
        refused_visitor(r#"{"channel": "demo", "token": "1.ab"}"#);
        refused_visitor(&format!(r#"{{"channel": "no such", "visitorId": "v_1", "token": "{}"}}"#, issued("v_1", 900)));
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }
}
