//! The one auth step: who may call a route, decided before its handler runs.
//!
//! Every route declares its [`Access`] in the route table (`router.rs`); this module turns
//! the request's credentials into a [`Caller`] or the error the caller sees. The order of
//! checks is part of the API: a bearer header must be there (401), then the path's id
//! must be well-formed (400 naming it), then the token must be known (401), then the
//! account needs a role there (403 for a channel, 404 for a campaign, so a member of
//! another channel learns nothing about it), and a role high enough (403).

use crate::env;
use crate::error::ApiError;
use crate::request::Params;
use crate::store::{Db, campaigns, members};
use kizuna_shared::channel::Role;
use kizuna_shared::identity::same_secret;
use kizuna_shared::ids::{CampaignId, ChannelId};
use kizuna_shared::permission::Action;
use sha2::{Digest, Sha256};
use worker::{Env, Request};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the widget's API, signed email links, health and documents.
    Public,
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
}

/// Who is calling, as the auth step established it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anyone,
    /// An account acting in `channel` (for a campaign route, the campaign's channel).
    Manager {
        channel: ChannelId,
        role: Role,
        campaign: Option<CampaignId>,
    },
}

impl Caller {
    /// The channel an account acts in; only routes with [`Access::Channel`] or
    /// [`Access::Campaign`] ask, and the auth step always sets it for them.
    pub fn channel(&self) -> Result<&ChannelId, ApiError> {
        match self {
            Caller::Manager { channel, .. } => Ok(channel),
            Caller::Anyone => Err(ApiError::Internal("route declared without channel access".into())),
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
    Some(Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
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
pub async fn authorize(access: Access, params: &Params, req: &Request, env: &Env) -> Result<Caller, ApiError> {
    match access {
        Access::Public => Ok(Caller::Anyone),
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
            let token = token_hash(req)?;
            let channel =
                ChannelId::parse(params.get("channel")).map_err(|e| ApiError::invalid("channel", e.to_string()))?;
            let db = Db::open(env)?;
            let member = members::token_member(&db, &token).await?.ok_or(ApiError::Unauthorized)?;
            let found = members::member_role(&db, &member, &channel).await?;
            let role = channel_decision(found, action)?;
            Ok(Caller::Manager { channel, role, campaign: None })
        }
        Access::Campaign(action) => {
            let token = token_hash(req)?;
            let campaign =
                CampaignId::parse(params.get("id")).map_err(|e| ApiError::invalid("campaignId", e.to_string()))?;
            let db = Db::open(env)?;
            let member = members::token_member(&db, &token).await?.ok_or(ApiError::Unauthorized)?;
            let Some(channel) = campaigns::campaign_channel(&db, &campaign).await? else {
                return Err(ApiError::NotFound("campaign"));
            };
            let found = members::member_role(&db, &member, &channel).await?;
            let role = campaign_decision(found, action)?;
            Ok(Caller::Manager { channel, role, campaign: Some(campaign) })
        }
    }
}

/// The hash of the request's bearer token: 401 without one.
fn token_hash(req: &Request) -> Result<String, ApiError> {
    bearer_hash(req.headers().get("authorization")?.as_deref()).ok_or(ApiError::Unauthorized)
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
    fn an_outsider_learns_nothing_of_a_campaign() {
        assert_eq!(campaign_decision(None, Action::ReadCampaigns).map_err(|e| e.status()), Err(404));
        assert_eq!(campaign_decision(Some(Role::Member), Action::EditCampaigns).ok(), Some(Role::Member));
    }

    #[test]
    fn a_change_beyond_the_route_is_refused_naming_its_field() {
        let manager = |role| Caller::Manager { channel: ChannelId::parse("demo").unwrap(), role, campaign: None };
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

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }
}
