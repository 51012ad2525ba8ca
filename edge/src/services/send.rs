//! Sending a campaign's message by email or SMS through the providers' HTTP APIs.
//!
//! Invariant: one message per (delivery, medium) at most: the `outbound_messages` row is
//! claimed before the provider is called and a repeated job for a sent or skipped row
//! does nothing; the provider gets `Idempotency-Key: {delivery}-{medium}`, so a retry
//! after a crash between the call and the mark is de-duplicated by the provider.
//! What a message says and whether it may go is decided in `kizuna_shared::outbound`.
//! A message the provider accepted is sent (`counting::Fate::Reached`): its delivery
//! moves from pending and counts `sent` that day, once, whatever reached the customer
//! first (this message, another medium, or a page).

use crate::error::ApiError;
use crate::kv;
use crate::store;
use crate::store::Db;
use crate::store::deliveries::Move;
use crate::store::outbound::Finish;
use crate::store::outbound::Message;
use crate::store::outbound::OutboundClaim;
use kizuna_shared::counting::Fate;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::DeliveryId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::outbound as core;
use kizuna_shared::outbound::CampaignMessage;
use kizuna_shared::outbound::LIST_UNSUBSCRIBE_POST;
pub use kizuna_shared::outbound::Medium;
use kizuna_shared::outbound::SkipReason;
use kizuna_shared::outbound::Tracking;
use kizuna_shared::outbound::TrackingKey;
use kizuna_shared::outbound::recipient;
use kizuna_shared::time::Millis;
use worker::Env;
use worker::Fetch;
use worker::Headers;
use worker::Method;
use worker::Request;
use worker::RequestInit;

/// One message to send: the lead's queue consumer calls [`send`] for each.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendJob {
    pub channel: ChannelId,
    pub visitor: VisitorId,
    pub delivery: DeliveryId,
    pub campaign: CampaignId,
    pub medium: Medium,
    /// "Respect marketing opt-out" (on by default; off for important notices).
    pub respect_opt_out: bool,
    /// An email that may not go (no address, opted out, bounced) is followed by an SMS.
    #[serde(default)]
    pub then_sms: bool,
}

/// What [`send`] did. A transient failure (network, provider 5xx or 429, D1) is an
/// `Err` instead, to be retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The provider accepted the message (its id, when it answered one).
    Sent { provider_id: Option<String> },
    /// Nothing was sent, for a reason recorded on the row.
    Skipped(SkipReason),
    /// The provider refused the message for good (a 4xx other than 408/429); recorded
    /// as 'failed'. Retrying the same job would be refused again.
    Rejected { status: u16, reason: String },
    /// A repeated job: the message was sent or skipped already; nothing was done.
    AlreadyDone { state: String },
}

fn required(env: &Env, name: &str) -> Result<String, ApiError> {
    crate::env::required(env, name, "outbound")
}

/// The key that signs and checks tracking tokens (`TRACKING_SECRET`).
pub fn tracking_key(env: &Env) -> Result<TrackingKey, ApiError> {
    TrackingKey::new(&required(env, "TRACKING_SECRET")?)
        .ok_or_else(|| ApiError::Internal("outbound: TRACKING_SECRET is empty".to_owned()))
}

/// The worker's public origin (`PUBLIC_URL`), the base of tracking links and of button
/// paths such as `/sale`.
pub fn public_url(env: &Env) -> Option<String> {
    crate::env::setting(env, "PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned())
}

/// Where one medium's provider lives and how to talk to it.
struct Provider {
    url: String,
    key: String,
    /// The sending address (email only).
    from: Option<String>,
}

impl Provider {
    fn of(env: &Env, medium: Medium) -> Result<Provider, ApiError> {
        Ok(match medium {
            Medium::Email => Provider {
                url: format!("{}/send", required(env, "EMAIL_API_URL")?.trim_end_matches('/')),
                key: required(env, "EMAIL_API_KEY")?,
                from: Some(required(env, "EMAIL_FROM")?),
            },
            Medium::Sms => Provider {
                url: format!("{}/messages", required(env, "SMS_API_URL")?.trim_end_matches('/')),
                key: required(env, "SMS_API_KEY")?,
                from: None,
            },
        })
    }
}

/// Sends one message at most once (idempotent by (delivery, medium)).
pub async fn send(env: &Env, job: &SendJob, now: Millis) -> Result<SendOutcome, ApiError> {
    // Configuration first: a missing setting leaves no row behind.
    let provider = Provider::of(env, job.medium)?;
    let key = tracking_key(env)?;
    let public = public_url(env).ok_or_else(|| {
        ApiError::Internal("outbound: PUBLIC_URL is not configured (the worker's public origin)".to_owned())
    })?;
    let db = Db::open(env)?;
    let medium = job.medium;
    let outbound_message = Message {
        delivery: &job.delivery,
        medium,
        channel: &job.channel,
        visitor: &job.visitor,
        campaign: &job.campaign,
    };
    let claim = store::outbound::claim_outbound(&db, &outbound_message, now).await?;
    if let OutboundClaim::Done { state } = claim {
        if state == "sent" {
            // A retry after the provider accepted it: the move may not have been written.
            settle(env, &db, job, Fate::Reached, now).await?;
        }
        return Ok(SendOutcome::AlreadyDone { state });
    }
    let (address, message) = match what_to_send(&db, job, now).await? {
        Ok(found) => found,
        Err(reason) => {
            let code = reason.code();
            let skipped = Finish { state: "skipped", address: None, reason: Some(&code), provider_id: None };
            store::outbound::finish_outbound(&db, &job.delivery, medium, &skipped, now).await?;
            if reason == SkipReason::Withdrawn {
                settle(env, &db, job, Fate::Withdrawn, now).await?;
            }
            return Ok(SendOutcome::Skipped(reason));
        }
    };
    let links = Tracking::new(&public, &key.sign(&job.delivery, job.medium));
    let body = request_body(job.medium, &message, &links, &provider, &address);
    let idempotency_key = format!("{}-{}", job.delivery, medium.as_str());
    match call_provider(&provider, &idempotency_key, &body).await {
        Ok(provider_id) => {
            let sent =
                Finish { state: "sent", address: Some(&address), reason: None, provider_id: provider_id.as_deref() };
            store::outbound::finish_outbound(&db, &job.delivery, medium, &sent, now).await?;
            settle(env, &db, job, Fate::Reached, now).await?;
            Ok(SendOutcome::Sent { provider_id })
        }
        Err(failure) => {
            let reason = failure.to_string();
            let failed = Finish { state: "failed", address: Some(&address), reason: Some(&reason), provider_id: None };
            store::outbound::finish_outbound(&db, &job.delivery, medium, &failed, now).await?;
            match failure {
                ProviderFailure::Refused { status, .. } => Ok(SendOutcome::Rejected { status, reason }),
                ProviderFailure::Transient(_) => {
                    Err(ApiError::Internal(format!("outbound {}: {reason}", medium.as_str())))
                }
            }
        }
    }
}

/// Moves the job's delivery from pending by `fate` (nothing when it is not pending any
/// more, or not the job's visitor's and campaign's).
async fn settle(env: &Env, db: &Db, job: &SendJob, fate: Fate, now: Millis) -> Result<(), ApiError> {
    let Some(channel) = kv::channel(env, &job.channel, now).await? else { return Ok(()) };
    let moved = Move { delivery: job.delivery.clone(), campaign: job.campaign.clone(), fate };
    store::deliveries::move_deliveries(db, &channel, &job.visitor, &[moved], now).await?;
    Ok(())
}

/// The address and the message to send, or why nothing may be sent.
async fn what_to_send(
    db: &Db,
    job: &SendJob,
    now: Millis,
) -> Result<Result<(String, CampaignMessage), SkipReason>, ApiError> {
    let Some(contact) = store::customers::contact(db, &job.channel, &job.visitor).await? else {
        return Ok(Err(SkipReason::NoCustomer));
    };
    let campaign = match store::campaigns::campaign_row(db, job.campaign.as_str()).await? {
        Some(row) => kizuna_shared::campaign::Campaign::try_from(&row.doc()?).ok(),
        None => None,
    };
    if campaign.is_some() && !kizuna_shared::deliver::still_wanted(campaign.as_ref(), now) {
        return Ok(Err(SkipReason::Withdrawn));
    }
    let address = match recipient(job.medium, &contact, job.respect_opt_out) {
        Ok(address) => address,
        Err(reason) => return Ok(Err(reason)),
    };
    Ok(store::campaigns::campaign_message(db, &job.channel, &job.campaign, &job.visitor)
        .await?
        .map(|m| (address, m))
        .ok_or(SkipReason::NoCampaign))
}

/// The JSON the provider is sent.
fn request_body(
    medium: Medium,
    message: &CampaignMessage,
    links: &Tracking,
    provider: &Provider,
    address: &str,
) -> serde_json::Value {
    match medium {
        Medium::Email => {
            let email = core::compose_email(message, links);
            serde_json::json!({
                "from": core::from_header(&message.message.sender.name, provider.from.as_deref().unwrap_or_default()),
                "to": address,
                "subject": email.subject,
                "html": email.html,
                "text": email.text,
                "headers": {
                    "List-Unsubscribe": email.list_unsubscribe,
                    "List-Unsubscribe-Post": LIST_UNSUBSCRIBE_POST,
                },
            })
        }
        Medium::Sms => serde_json::json!({ "to": address, "body": core::compose_sms(message, links) }),
    }
}

/// Sends one account email (an invitation, a password reset, an email change) through
/// the email provider, with the same request contract as a campaign's email; `None`
/// when the deployment has no provider (`EMAIL_API_URL` unset). A failure is an `Err`.
pub async fn send_account_email(
    env: &Env,
    idempotency_key: &str,
    mail: &kizuna_shared::account_mail::AccountMail,
) -> Result<Option<Option<String>>, ApiError> {
    if crate::env::setting(env, "EMAIL_API_URL").is_none() {
        return Ok(None);
    }
    let provider = Provider::of(env, Medium::Email)?;
    let body = serde_json::json!({
        "from": core::from_header("Kizuna", provider.from.as_deref().unwrap_or_default()),
        "to": mail.to,
        "subject": mail.subject,
        "html": mail.html(),
        "text": format!("{}\n\n{}", mail.text, mail.link),
    });
    call_provider(&provider, idempotency_key, &body)
        .await
        .map(Some)
        .map_err(|failure| ApiError::Internal(format!("account email: {failure}")))
}

#[derive(Debug, thiserror::Error)]
enum ProviderFailure {
    #[error("provider refused the message: {status} {body}")]
    Refused { status: u16, body: String },
    #[error("{0}")]
    Transient(String),
}

/// POSTs `body` to the provider; its message id on success.
async fn call_provider(
    provider: &Provider,
    idempotency_key: &str,
    body: &serde_json::Value,
) -> Result<Option<String>, ProviderFailure> {
    let transient = |what: &str, err: &dyn std::fmt::Display| ProviderFailure::Transient(format!("{what}: {err}"));
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| transient("header", &e));
    set("content-type", "application/json")?;
    set("authorization", &format!("Bearer {}", provider.key))?;
    set("idempotency-key", idempotency_key)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.to_string().into()));
    let request = Request::new_with_init(&provider.url, &init).map_err(|e| transient("request", &e))?;
    let mut response = Fetch::Request(request).send().await.map_err(|e| transient("provider unreachable", &e))?;
    let status = response.status_code();
    let text = response.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        let id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str().map(str::to_owned)));
        return Ok(id);
    }
    let body: String = text.chars().take(200).collect();
    if (400..500).contains(&status) && status != 408 && status != 429 {
        Err(ProviderFailure::Refused { status, body })
    } else {
        Err(ProviderFailure::Transient(format!("provider answered {status} {body}")))
    }
}
