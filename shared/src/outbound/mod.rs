//! Email and SMS messages of a campaign (sent to customers who are not on the site):
//! who may receive one, what it says, the signed token its tracking links carry, and
//! the small pages those links answer with.
//!
//! Invariants: marketer text is escaped in every HTML part; every link in a message
//! points at `{public_url}/t/{token}/…`, and a click leads only to a button of the
//! campaign; a token names one delivery and one medium, and is verified in constant
//! time; no email goes to an address whose status is invalid address, error or spam.
//!
//! The parts: this module decides who may receive a message and by which medium;
//! `email_status` reads the provider's reports about an address; `compose` writes the
//! email and the SMS; `token` signs the tracked links; `pages` are what those links
//! answer with.

mod compose;
mod email_status;
mod pages;
mod token;

pub use compose::{
    CampaignMessage, Email, LIST_UNSUBSCRIBE_POST, SMS_MAX_CHARS, compose_email, compose_sms, escape, from_header,
};
pub use email_status::{EmailStatus, ProviderStatus};
pub use pages::{message_page, page, unsubscribe_page, unsubscribed_page};
pub use token::{Tracking, TrackingKey};

use crate::campaign::Offline;
use serde::{Deserialize, Serialize};

/// How a message leaves Kizuna when the customer is not on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Medium {
    Email,
    Sms,
}

impl Medium {
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Email => "email",
            Medium::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Medium> {
        match text {
            "email" => Some(Medium::Email),
            "sms" => Some(Medium::Sms),
            _ => None,
        }
    }
}

/// How to reach a customer, from the `customers` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: Option<String>,
    pub mobile_number: Option<String>,
    pub unsubscribe_email: bool,
    pub unsubscribe_texting: bool,
    pub email_status: EmailStatus,
}

/// Why a message was not sent (stored as `outbound_messages.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The customer was deleted.
    NoCustomer,
    /// The campaign is gone (a deleted draft).
    NoCampaign,
    NoAddress,
    /// `respect marketing opt-out` and the customer unsubscribed from this medium.
    OptedOut,
    /// The address's email status forbids sending.
    EmailStatus(EmailStatus),
    /// The campaign ended with "delete unviewed messages" before this one went out.
    Withdrawn,
}

impl SkipReason {
    /// Whether the customer might still be reached by the other medium.
    pub fn about_the_address(self) -> bool {
        matches!(self, SkipReason::NoAddress | SkipReason::OptedOut | SkipReason::EmailStatus(_))
    }

    pub fn code(self) -> String {
        match self {
            SkipReason::NoCustomer => "no_customer".to_owned(),
            SkipReason::NoCampaign => "no_campaign".to_owned(),
            SkipReason::NoAddress => "no_address".to_owned(),
            SkipReason::OptedOut => "opted_out".to_owned(),
            SkipReason::EmailStatus(status) => format!("email_status:{}", status.as_str()),
            SkipReason::Withdrawn => "withdrawn".to_owned(),
        }
    }
}

/// The address or number to send to, or why nothing may be sent.
pub fn recipient(medium: Medium, contact: &Contact, respect_opt_out: bool) -> Result<String, SkipReason> {
    let (address, unsubscribed) = match medium {
        Medium::Email => (&contact.email, contact.unsubscribe_email),
        Medium::Sms => (&contact.mobile_number, contact.unsubscribe_texting),
    };
    let address = address.as_deref().map(str::trim).filter(|a| !a.is_empty()).ok_or(SkipReason::NoAddress)?;
    if respect_opt_out && unsubscribed {
        return Err(SkipReason::OptedOut);
    }
    if medium == Medium::Email && contact.email_status.blocks_email() {
        return Err(SkipReason::EmailStatus(contact.email_status));
    }
    Ok(address.to_owned())
}

/// How a message goes to a customer who is not on the site: by `first`, and by SMS
/// after it when `then_sms` and the email may not go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub first: Medium,
    pub then_sms: bool,
}

/// "Email first, else SMS": a campaign that sends offline goes by email when it sends
/// email and the profile has an address (with SMS as the fallback when it also sends
/// SMS), else by SMS when it sends SMS and the profile has a number; `None` when neither.
pub fn plan(offline: &Offline, has_email: bool, has_mobile: bool) -> Option<Plan> {
    if offline.email && has_email {
        Some(Plan { first: Medium::Email, then_sms: offline.sms })
    } else if offline.sms && has_mobile {
        Some(Plan { first: Medium::Sms, then_sms: false })
    } else {
        None
    }
}

/// Whether a message skipped for `reason` by `medium` goes by SMS next: only an email
/// planned with the SMS fallback, and only when the reason is about the address (the
/// customer may still be reached by the other medium).
pub fn sms_after(medium: Medium, then_sms: bool, reason: SkipReason) -> bool {
    medium == Medium::Email && then_sms && reason.about_the_address()
}

#[cfg(test)]
mod tests;
