//! An address's email delivery status, and how the email provider's reports set it.
//!
//! Invariant: a stored value that is unknown or missing reads as unconfirmed; only
//! invalid address, error and spam block email.

use serde::{Deserialize, Serialize};

/// A customer's email delivery status, set from the email provider's webhooks. Stored
/// in `customers.email_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    Unconfirmed,
    Ok,
    InvalidAddress,
    Error,
    TemporaryError,
    Spam,
}

impl EmailStatus {
    pub const ALL: [EmailStatus; 6] = [
        EmailStatus::Unconfirmed,
        EmailStatus::Ok,
        EmailStatus::InvalidAddress,
        EmailStatus::Error,
        EmailStatus::TemporaryError,
        EmailStatus::Spam,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Unconfirmed => "unconfirmed",
            EmailStatus::Ok => "ok",
            EmailStatus::InvalidAddress => "invalid_address",
            EmailStatus::Error => "error",
            EmailStatus::TemporaryError => "temporary_error",
            EmailStatus::Spam => "spam",
        }
    }

    /// A stored value; anything unknown (or no value) reads as unconfirmed.
    pub fn parse(text: Option<&str>) -> EmailStatus {
        EmailStatus::ALL.into_iter().find(|s| Some(s.as_str()) == text).unwrap_or(EmailStatus::Unconfirmed)
    }

    /// No email is sent while the status is invalid address, error or spam.
    pub fn blocks_email(self) -> bool {
        matches!(self, EmailStatus::InvalidAddress | EmailStatus::Error | EmailStatus::Spam)
    }
}

/// What the email provider's webhook reports about an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderStatus {
    Delivered,
    /// A hard bounce: the mailbox does not exist.
    Bounced,
    Invalid,
    Complained,
    /// A soft bounce: the provider keeps trying.
    Deferred,
    Failed,
}

impl ProviderStatus {
    pub fn email_status(self) -> EmailStatus {
        match self {
            ProviderStatus::Delivered => EmailStatus::Ok,
            ProviderStatus::Bounced | ProviderStatus::Invalid => EmailStatus::InvalidAddress,
            ProviderStatus::Complained => EmailStatus::Spam,
            ProviderStatus::Deferred => EmailStatus::TemporaryError,
            ProviderStatus::Failed => EmailStatus::Error,
        }
    }
}

#[cfg(test)]
mod tests;
