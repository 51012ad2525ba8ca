//! Email and SMS messages of a campaign (sent to customers who are not on the site):
//! who may receive one, what it says, the signed token its tracking links carry, and
//! the small pages those links answer with.
//!
//! Invariants: marketer text is escaped in every HTML part; every link in a message
//! points at `{public_url}/t/{token}/…`, and a click leads only to a button of the
//! campaign; a token names one delivery and one medium, and is verified in constant
//! time; no email goes to an address whose status is invalid address, error or spam.

use crate::campaign::SafeUrl;
use crate::ids::{ChannelId, DeliveryId};
use crate::stored::{ButtonDoc, FieldError, MessageDoc};
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
            let email = event.email.trim();
            if email.is_empty() || email.len() > 320 || !email.contains('@') || email.chars().any(char::is_control) {
                return Err(FieldError::new(format!("events[{i}].email"), "must be an email address"));
            }
        }
        Ok(())
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

/// The part of a stored campaign document (`campaigns.definition`) a message needs;
/// every other field of the document is ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Definition {
    pub message: MessageDoc,
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
mod tests {
    use super::*;

    const PUBLIC: &str = "https://kizuna.example/";

    fn delivery() -> DeliveryId {
        DeliveryId::parse("d_0123abcd").unwrap()
    }

    fn tea() -> CampaignMessage {
        let doc: Definition = serde_json::from_str(
            r#"{"id":"c_tea","name":"ignored here","trigger":{"event":"PageView"},"futureField":[1,2],
                "message":{"sender":{"name":"Tea & <Co>","avatarUrl":"https://x.example/a.png"},
                           "text":"20% off <b>tea</b>\nuntil \"Sunday\"",
                           "buttons":[{"label":"See the <sale>","url":"/sale?a=1&b=2"},
                                      {"label":"evil","url":"javascript:alert(1)"},
                                      {"label":"Write us","url":"mailto:shop@tea.example"}],
                           "display":"bubble"}}"#,
        )
        .unwrap();
        CampaignMessage { name: "Autumn sale".to_owned(), message: doc.message }
    }

    fn links() -> Tracking {
        Tracking::new(PUBLIC, "TOKEN")
    }

    fn contact() -> Contact {
        Contact {
            email: Some(" a@b.example ".to_owned()),
            mobile_number: Some("+8190".to_owned()),
            unsubscribe_email: false,
            unsubscribe_texting: false,
            email_status: EmailStatus::Unconfirmed,
        }
    }

    #[test]
    fn the_email_escapes_marketer_text_and_keeps_line_breaks() {
        let email = compose_email(&tea(), &links());
        assert!(email.html.contains("<p style=\"font-weight:bold\">Tea &amp; &lt;Co&gt;</p>"), "{}", email.html);
        assert!(email.html.contains("<p>20% off &lt;b&gt;tea&lt;/b&gt;<br>until &quot;Sunday&quot;</p>"));
        assert!(!email.html.contains("<b>"));
        assert!(email.html.contains(">See the &lt;sale&gt;</a>"));
    }

    #[test]
    fn buttons_are_tracked_links_and_unsafe_ones_are_left_out() {
        let email = compose_email(&tea(), &links());
        assert!(email.html.contains("href=\"https://kizuna.example/t/TOKEN/click/0\""));
        assert!(email.html.contains("href=\"https://kizuna.example/t/TOKEN/click/2\""));
        assert!(!email.html.contains("click/1"), "the javascript: button is not shown");
        assert!(!email.html.contains("javascript") && !email.html.contains("/sale"), "no raw button URL");
        assert!(email.text.contains("See the <sale>: https://kizuna.example/t/TOKEN/click/0\n"));
        assert!(
            email
                .html
                .contains("<img src=\"https://kizuna.example/t/TOKEN/open.gif\" width=\"1\" height=\"1\" alt=\"\"")
        );
    }

    #[test]
    fn the_email_carries_an_unsubscribe_link_and_one_click_headers() {
        let email = compose_email(&tea(), &links());
        assert!(email.html.contains("<a href=\"https://kizuna.example/t/TOKEN/unsubscribe\""));
        assert!(email.text.ends_with("Unsubscribe: https://kizuna.example/t/TOKEN/unsubscribe\n"));
        assert_eq!(email.list_unsubscribe, "<https://kizuna.example/t/TOKEN/unsubscribe>");
        assert_eq!(LIST_UNSUBSCRIBE_POST, "List-Unsubscribe=One-Click");
        assert_eq!(email.subject, "Autumn sale");
    }

    #[test]
    fn the_text_part_snapshot() {
        let email = compose_email(&tea(), &links());
        assert_eq!(
            email.text,
            "Tea & <Co>\n\n20% off <b>tea</b>\nuntil \"Sunday\"\n\
             \nSee the <sale>: https://kizuna.example/t/TOKEN/click/0\n\
             \nWrite us: https://kizuna.example/t/TOKEN/click/2\n\
             \n--\nUnsubscribe: https://kizuna.example/t/TOKEN/unsubscribe\n"
        );
    }

    #[test]
    fn the_subject_is_the_campaign_name_else_the_sender_and_never_two_lines() {
        let mut m = tea();
        m.name = "Sale\r\nBcc: x@y".to_owned();
        assert_eq!(m.subject(), "Sale  Bcc: x@y");
        m.name = " ".to_owned();
        assert_eq!(m.subject(), "Tea & <Co>");
    }

    #[test]
    fn the_from_header_quotes_the_sender_name() {
        assert_eq!(from_header("Tea \"Shop\"\n", "shop@tea.example"), "\"Tea Shop\" <shop@tea.example>");
        assert_eq!(from_header("", "shop@tea.example"), "shop@tea.example");
        assert_eq!(from_header("Tea", "Tea Shop <shop@tea.example>"), "Tea Shop <shop@tea.example>");
    }

    #[test]
    fn a_click_leads_only_to_a_safe_button_of_the_campaign() {
        let m = tea();
        assert_eq!(
            m.button_target(0, "https://kizuna.example/").as_deref(),
            Some("https://kizuna.example/sale?a=1&b=2")
        );
        assert_eq!(m.button_target(1, PUBLIC), None);
        assert_eq!(m.button_target(2, PUBLIC).as_deref(), Some("mailto:shop@tea.example"));
        assert_eq!(m.button_target(3, PUBLIC), None);
    }

    #[test]
    fn an_sms_has_the_sender_the_text_and_one_tracked_link() {
        assert_eq!(
            compose_sms(&tea(), &links()),
            "Tea & <Co>: 20% off <b>tea</b>\nuntil \"Sunday\"\nhttps://kizuna.example/t/TOKEN/click/0"
        );
        let mut plain = tea();
        plain.message.buttons.clear();
        assert!(compose_sms(&plain, &links()).ends_with("\nhttps://kizuna.example/t/TOKEN/open"));
    }

    #[test]
    fn a_long_sms_is_trimmed_to_one_long_message_and_keeps_its_link() {
        let mut long = tea();
        long.message.text = "お茶".repeat(500);
        let sms = compose_sms(&long, &links());
        assert_eq!(sms.chars().count(), SMS_MAX_CHARS);
        assert!(sms.ends_with("…\nhttps://kizuna.example/t/TOKEN/click/0"));
    }

    #[test]
    fn a_token_names_its_delivery_and_medium() {
        let key = TrackingKey::new("secret").unwrap();
        let token = key.sign(&delivery(), Medium::Email);
        assert!(token.starts_with("d_0123abcd.e."));
        assert_eq!(token.len(), "d_0123abcd.e.".len() + 32);
        assert_eq!(key.verify(&token), Some((delivery(), Medium::Email)));
        let sms = key.sign(&delivery(), Medium::Sms);
        assert!(sms.starts_with("d_0123abcd.s."));
        assert_eq!(key.verify(&sms), Some((delivery(), Medium::Sms)));
    }

    #[test]
    fn the_signature_is_truncated_hmac_sha256_of_delivery_and_medium() {
        let key = TrackingKey::new("Jefe").unwrap();
        let full = crate::identity::member_hash("Jefe", "d_0123abcd|email");
        assert_eq!(key.sign(&delivery(), Medium::Email), format!("d_0123abcd.e.{}", &full[..32]));
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let key = TrackingKey::new("secret").unwrap();
        let token = key.sign(&delivery(), Medium::Email);
        let sig = token.rsplit('.').next().unwrap();
        for bad in [
            token.replace(".e.", ".s."),
            token.replace("d_0123abcd", "d_0123abce"),
            format!("d_0123abcd.e.{}0", &sig[..31]),
            format!("d_0123abcd.e.{}", &sig[..30]),
            format!("{token}.x"),
            format!("d_0123abcd.x.{sig}"),
            format!("d_0123abcd.e.{}zz", &sig[..30]),
            "".to_owned(),
            "a/b.e.00".to_owned(),
        ] {
            assert_eq!(key.verify(&bad), None, "{bad}");
        }
        assert_eq!(TrackingKey::new("other").unwrap().verify(&token), None);
        assert!(TrackingKey::new("").is_none());
    }

    #[test]
    fn no_address_means_no_message() {
        let mut c = contact();
        assert_eq!(recipient(Medium::Email, &c, true), Ok("a@b.example".to_owned()));
        assert_eq!(recipient(Medium::Sms, &c, true), Ok("+8190".to_owned()));
        c.email = Some("  ".to_owned());
        c.mobile_number = None;
        assert_eq!(recipient(Medium::Email, &c, true), Err(SkipReason::NoAddress));
        assert_eq!(recipient(Medium::Sms, &c, false), Err(SkipReason::NoAddress));
    }

    #[test]
    fn opt_out_is_respected_per_medium_unless_turned_off() {
        let mut c = contact();
        c.unsubscribe_email = true;
        assert_eq!(recipient(Medium::Email, &c, true), Err(SkipReason::OptedOut));
        assert!(recipient(Medium::Email, &c, false).is_ok(), "important notices ignore the opt-out");
        assert!(recipient(Medium::Sms, &c, true).is_ok(), "the email flag does not stop texts");
        c.unsubscribe_texting = true;
        assert_eq!(recipient(Medium::Sms, &c, true), Err(SkipReason::OptedOut));
    }

    #[test]
    fn no_email_while_the_status_is_invalid_address_error_or_spam() {
        for status in EmailStatus::ALL {
            let c = Contact { email_status: status, ..contact() };
            let blocked = matches!(status, EmailStatus::InvalidAddress | EmailStatus::Error | EmailStatus::Spam);
            let expected = if blocked { Err(SkipReason::EmailStatus(status)) } else { Ok("a@b.example".to_owned()) };
            assert_eq!(recipient(Medium::Email, &c, false), expected, "{status:?}");
            assert!(recipient(Medium::Sms, &c, true).is_ok(), "texts do not depend on the email status");
        }
        assert_eq!(SkipReason::EmailStatus(EmailStatus::Spam).code(), "email_status:spam");
    }

    #[test]
    fn provider_statuses_map_to_the_email_statuses() {
        let map = |s: &str| {
            serde_json::from_value::<ProviderStatus>(serde_json::Value::String(s.to_owned())).map(|p| p.email_status())
        };
        assert_eq!(map("delivered").unwrap(), EmailStatus::Ok);
        assert_eq!(map("bounced").unwrap(), EmailStatus::InvalidAddress);
        assert_eq!(map("invalid").unwrap(), EmailStatus::InvalidAddress);
        assert_eq!(map("complained").unwrap(), EmailStatus::Spam);
        assert_eq!(map("deferred").unwrap(), EmailStatus::TemporaryError);
        assert_eq!(map("failed").unwrap(), EmailStatus::Error);
        assert!(map("opened").is_err());
        for status in EmailStatus::ALL {
            assert_eq!(EmailStatus::parse(Some(status.as_str())), status);
        }
        assert_eq!(EmailStatus::parse(None), EmailStatus::Unconfirmed);
    }

    #[test]
    fn a_webhook_names_the_bad_field() {
        let hook: EmailWebhook = serde_json::from_str(
            r#"{"events":[{"channel":"demo","email":"a@b.c","status":"delivered","ts":1},
                          {"channel":"demo","email":"nobody","status":"bounced"}]}"#,
        )
        .unwrap();
        assert_eq!(hook.check(), Err(FieldError::new("events[1].email", "must be an email address")));
    }

    #[test]
    fn pages_escape_everything_and_post_back_without_script() {
        let form = unsubscribe_page("<Tea & Co>", Medium::Sms);
        assert!(form.contains("marketing text messages from &lt;Tea &amp; Co&gt;"));
        assert!(form.contains("<form method=\"post\">"));
        assert!(form.contains("name=\"List-Unsubscribe\" value=\"One-Click\""));
        assert!(!form.contains("<script"));
        assert!(unsubscribed_page("<x>", Medium::Email).contains("marketing emails from &lt;x&gt;"));
        let shown = message_page(&tea(), &links());
        assert!(shown.contains("<title>Autumn sale</title>"));
        assert!(shown.contains("20% off &lt;b&gt;tea&lt;/b&gt;<br>until"));
        assert!(shown.contains("href=\"https://kizuna.example/t/TOKEN/click/0\""));
    }
}
