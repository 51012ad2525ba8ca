//! Email and SMS messages of a campaign (sent to customers who are not on the site):
//! who may receive one, what it says, the signed token its tracking links carry, and
//! the small pages those links answer with.
//!
//! Invariants: marketer text is escaped in every HTML part; every link in a message
//! points at `{public_url}/t/{token}/…`, and a click leads only to a button of the
//! campaign; a token names one delivery and one medium, and is verified in constant
//! time; no email goes to an address whose status is invalid address, error or spam.

use crate::campaign::{ButtonDoc, MessageDoc};
use crate::campaign::{Offline, SafeUrl};
use crate::ids::DeliveryId;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

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

    fn initial(self) -> &'static str {
        match self {
            Medium::Email => "e",
            Medium::Sms => "s",
        }
    }
}

/// A customer's email delivery status (SATORI's lead management), set from the email
/// provider's webhooks. Stored in `customers.email_status`.
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

/// A campaign's name and message: what an email or SMS is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignMessage {
    pub name: String,
    pub message: MessageDoc,
}

impl CampaignMessage {
    /// Where button `i` leads: its https or mailto URL, or a site path made absolute
    /// against `site_base` (the campaign names no site, so the worker's public origin
    /// serves as one). `None` for no such button or one that fails [`SafeUrl`].
    pub fn button_target(&self, i: usize, site_base: &str) -> Option<String> {
        let button = self.message.buttons.get(i)?;
        let url = SafeUrl::parse(&button.url).ok()?;
        let url = url.as_str();
        Some(if url.starts_with('/') { format!("{}{url}", site_base.trim_end_matches('/')) } else { url.to_owned() })
    }

    /// The message's image as an absolute URL, when it has a safe one.
    pub fn image_target(&self, site_base: &str) -> Option<String> {
        let url = SafeUrl::parse(self.message.image_url.as_deref()?).ok()?;
        let url = url.as_str();
        if url.to_ascii_lowercase().starts_with("mailto:") {
            return None;
        }
        Some(if url.starts_with('/') { format!("{}{url}", site_base.trim_end_matches('/')) } else { url.to_owned() })
    }

    /// The buttons worth showing, with their index (the `i` of their tracked link).
    fn shown_buttons(&self) -> impl Iterator<Item = (usize, &ButtonDoc)> {
        self.message.buttons.iter().enumerate().filter(|(_, b)| SafeUrl::parse(&b.url).is_ok())
    }

    /// The subject line: the campaign's name, else the sender's; never a line break.
    pub fn subject(&self) -> String {
        let subject = if self.name.trim().is_empty() { &self.message.sender.name } else { &self.name };
        one_line(subject)
    }
}

/// The tracked links of one message: `{public_url}/t/{token}/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    base: String,
    site: String,
}

impl Tracking {
    pub fn new(public_url: &str, token: &str) -> Tracking {
        let site = public_url.trim_end_matches('/').to_owned();
        Tracking { base: format!("{site}/t/{token}"), site }
    }

    /// The origin site paths in the message are made absolute against.
    pub fn site_base(&self) -> String {
        self.site.clone()
    }

    pub fn click(&self, button: usize) -> String {
        format!("{}/click/{button}", self.base)
    }

    /// The email's open-tracking pixel.
    pub fn open_pixel(&self) -> String {
        format!("{}/open.gif", self.base)
    }

    /// The SMS's link when the message has no button: counts the view, shows the message.
    pub fn open_page(&self) -> String {
        format!("{}/open", self.base)
    }

    pub fn unsubscribe(&self) -> String {
        format!("{}/unsubscribe", self.base)
    }
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::format::escape(text, &mut out);
    out
}

/// The message text as the widget shows it (the formatting subset of `format.rs`), with
/// its line breaks kept as `<br>`.
fn escape_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::format::text_html(&text.replace("\r\n", "\n").replace('\r', "\n"), true, &mut out);
    out
}

/// Control characters (line breaks included) become spaces: header values stay one line.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

/// The `From` header: the sender's name as the display name of `address` (the
/// configured sending address). An address that already has a display name is kept.
pub fn from_header(sender_name: &str, address: &str) -> String {
    let address = one_line(address);
    if address.contains('<') {
        return address;
    }
    let name: String = one_line(sender_name).chars().filter(|c| *c != '"' && *c != '\\').collect();
    if name.is_empty() { address } else { format!("\"{name}\" <{address}>") }
}

/// What the email provider is asked to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub html: String,
    pub text: String,
    /// `List-Unsubscribe`: the one-click unsubscribe URL in angle brackets (RFC 8058).
    pub list_unsubscribe: String,
}

/// The value of `List-Unsubscribe-Post` (RFC 8058).
pub const LIST_UNSUBSCRIBE_POST: &str = "List-Unsubscribe=One-Click";

const BUTTON_STYLE: &str = "display:inline-block;padding:10px 18px;border-radius:6px;background:#1f6f5c;\
    color:#ffffff;text-decoration:none;font-weight:bold";

pub fn compose_email(m: &CampaignMessage, links: &Tracking) -> Email {
    let sender = escape(&m.message.sender.name);
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;color:#222;line-height:1.5\">",
    );
    html.push_str(&format!("<p style=\"font-weight:bold\">{sender}</p>"));
    if let Some(image) = m.image_target(&links.site_base()) {
        html.push_str(&format!(
            "<p><img src=\"{}\" alt=\"\" style=\"display:block;max-width:100%;border:0;border-radius:8px\"></p>",
            escape(&image)
        ));
    }
    html.push_str(&format!("<p>{}</p>", escape_lines(&m.message.text)));
    for (i, button) in m.shown_buttons() {
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"{BUTTON_STYLE}\">{}</a></p>",
            escape(&links.click(i)),
            escape(&button.label)
        ));
    }
    html.push_str(&format!(
        "<p style=\"font-size:12px;color:#666\"><a href=\"{}\" style=\"color:#666\">Unsubscribe</a></p>",
        escape(&links.unsubscribe())
    ));
    html.push_str(&format!(
        "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">",
        escape(&links.open_pixel())
    ));
    html.push_str("</body></html>");

    let mut text = format!("{}\n\n{}\n", m.message.sender.name, m.message.text.replace("\r\n", "\n"));
    for (i, button) in m.shown_buttons() {
        text.push_str(&format!("\n{}: {}\n", one_line(&button.label), links.click(i)));
    }
    text.push_str(&format!("\n--\nUnsubscribe: {}\n", links.unsubscribe()));

    Email { subject: m.subject(), html, text, list_unsubscribe: format!("<{}>", links.unsubscribe()) }
}

/// An SMS is at most this many characters: one long (concatenated) message.
pub const SMS_MAX_CHARS: usize = 600;

/// `{sender}: {text}` trimmed to fit, then one tracked link: the first button's, or
/// the open page when there is no button (receiving an SMS is not a view; opening
/// its link is).
pub fn compose_sms(m: &CampaignMessage, links: &Tracking) -> String {
    let link = match m.shown_buttons().next() {
        Some((i, _)) => links.click(i),
        None => links.open_page(),
    };
    let head = format!("{}: {}", one_line(&m.message.sender.name), m.message.text.trim());
    let room = SMS_MAX_CHARS.saturating_sub(link.chars().count() + 1);
    let head = if head.chars().count() > room {
        let mut cut: String = head.chars().take(room.saturating_sub(1)).collect();
        cut = cut.trim_end().to_owned();
        cut.push('…');
        cut
    } else {
        head
    };
    format!("{head}\n{link}")
}

/// Signs and checks tracking tokens: `{delivery}.{e|s}.{sig}`, where `sig` is the hex of
/// the first 16 bytes of HMAC-SHA256(secret, `{delivery}|{medium}`).
#[derive(Clone)]
pub struct TrackingKey {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for TrackingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrackingKey(…)")
    }
}

const SIG_BYTES: usize = 16;

impl TrackingKey {
    /// `None` for an empty secret: a key anyone can guess signs nothing.
    pub fn new(secret: &str) -> Option<TrackingKey> {
        if secret.is_empty() {
            return None;
        }
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok().map(|mac| TrackingKey { mac })
    }

    fn mac_of(&self, delivery: &DeliveryId, medium: Medium) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(delivery.as_str().as_bytes());
        mac.update(b"|");
        mac.update(medium.as_str().as_bytes());
        mac
    }

    pub fn sign(&self, delivery: &DeliveryId, medium: Medium) -> String {
        let tag = self.mac_of(delivery, medium).finalize().into_bytes();
        let sig: String = tag.iter().take(SIG_BYTES).map(|b| format!("{b:02x}")).collect();
        format!("{delivery}.{}.{sig}", medium.initial())
    }

    /// The delivery and medium a token names, if this key signed it.
    pub fn verify(&self, token: &str) -> Option<(DeliveryId, Medium)> {
        let mut parts = token.split('.');
        let (delivery, initial, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || sig.len() != SIG_BYTES * 2 {
            return None;
        }
        let delivery = DeliveryId::parse(delivery).ok()?;
        let medium = [Medium::Email, Medium::Sms].into_iter().find(|m| m.initial() == initial)?;
        let sig: Vec<u8> = (0..sig.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(sig.get(i..i + 2)?, 16).ok())
            .collect::<Option<_>>()?;
        self.mac_of(&delivery, medium).verify_truncated_left(&sig).ok()?;
        Some((delivery, medium))
    }
}

/// A small standalone page (no script, inline style only).
pub fn page(title: &str, body_html: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222;\
         line-height:1.5}}.button{{display:inline-block;padding:10px 18px;border:0;border-radius:6px;\
         background:#1f6f5c;color:#fff;text-decoration:none;font:inherit;font-weight:bold;cursor:pointer}}</style>\
         </head><body>{body_html}</body></html>",
        escape(title)
    )
}

fn medium_words(medium: Medium) -> &'static str {
    match medium {
        Medium::Email => "marketing emails",
        Medium::Sms => "marketing text messages",
    }
}

/// The page behind an unsubscribe link: a form that posts back to the same link (the
/// same body as RFC 8058's one-click POST), so a link scanner's GET changes nothing.
pub fn unsubscribe_page(channel_name: &str, medium: Medium) -> String {
    let body = format!(
        "<h1>Unsubscribe</h1><p>Stop receiving {} from {}?</p>\
         <form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
         <button class=\"button\" type=\"submit\">Unsubscribe</button></form>",
        medium_words(medium),
        escape(channel_name)
    );
    page("Unsubscribe", &body)
}

pub fn unsubscribed_page(channel_name: &str, medium: Medium) -> String {
    let body = format!(
        "<h1>You are unsubscribed</h1><p>You will no longer receive {} from {}.</p>",
        medium_words(medium),
        escape(channel_name)
    );
    page("Unsubscribed", &body)
}

/// The page an SMS's link opens when the message has no button: the message itself.
pub fn message_page(m: &CampaignMessage, links: &Tracking) -> String {
    let mut body = format!(
        "<p style=\"font-weight:bold\">{}</p><p>{}</p>",
        escape(&m.message.sender.name),
        escape_lines(&m.message.text)
    );
    for (i, button) in m.shown_buttons() {
        body.push_str(&format!(
            "<p><a class=\"button\" href=\"{}\">{}</a></p>",
            escape(&links.click(i)),
            escape(&button.label)
        ));
    }
    page(&m.subject(), &body)
}

#[cfg(test)]
mod tests;
