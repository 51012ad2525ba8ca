//! The email provider's webhook body (`POST /v1/webhooks/email`): what the provider
//! learned about addresses, checked before any status is written.
//!
//! Invariant: a call is refused whole (naming `events[i].email`) rather than applied in
//! part; providers add fields of their own, which are ignored.

use crate::ids::ChannelId;
use crate::invalid::FieldError;
use crate::outbound::ProviderStatus;
use serde::Deserialize;

/// `POST /v1/webhooks/email`: what the email provider learned about addresses.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailWebhook {
    pub events: Vec<EmailEvent>,
}

/// One report. Providers add fields of their own; they are ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailEvent {
    pub channel: ChannelId,
    pub email: String,
    pub status: ProviderStatus,
}

/// At most this many events per webhook call.
pub const MAX_WEBHOOK_EVENTS: usize = 500;

impl EmailWebhook {
    pub fn check(&self) -> Result<(), FieldError> {
        if self.events.len() > MAX_WEBHOOK_EVENTS {
            return Err(FieldError::new("events", format!("at most {MAX_WEBHOOK_EVENTS} events per call")));
        }
        for (i, event) in self.events.iter().enumerate() {
            if !crate::text::is_reported_email(&event.email) {
                return Err(FieldError::new(format!("events[{i}].email"), "must be an email address"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_names_the_bad_field() {
        let hook: EmailWebhook = serde_json::from_str(
            r#"{"events":[{"channel":"demo","email":"a@b.c","status":"delivered","ts":1},
                          {"channel":"demo","email":"nobody","status":"bounced"}]}"#,
        )
        .unwrap();
        assert_eq!(hook.check(), Err(FieldError::new("events[1].email", "must be an email address")));
    }
}
