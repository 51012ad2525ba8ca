//! What an email or SMS of a campaign says: subject, HTML and text parts, the `From`
//! header, and the SMS's one tracked link.
//!
//! Invariants: marketer text is escaped in every HTML part; header values are one line;
//! every link is a tracked link, and only buttons that pass [`SafeUrl`] are shown; an
//! SMS never exceeds [`SMS_MAX_CHARS`] and always keeps its link.

use super::Tracking;
use crate::campaign::{ButtonDoc, MessageDoc, SafeUrl};

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
    pub(super) fn shown_buttons(&self) -> impl Iterator<Item = (usize, &ButtonDoc)> {
        self.message.buttons.iter().enumerate().filter(|(_, b)| SafeUrl::parse(&b.url).is_ok())
    }

    /// The subject line: the campaign's name, else the sender's; never a line break.
    pub fn subject(&self) -> String {
        let subject = if self.name.trim().is_empty() { &self.message.sender.name } else { &self.name };
        one_line(subject)
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
pub(super) fn escape_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::format::text_html(&text.replace("\r\n", "\n").replace('\r', "\n"), true, &mut out);
    out
}

/// Control characters (line breaks included) become spaces: header values stay one line.
pub(super) fn one_line(text: &str) -> String {
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

#[cfg(test)]
mod tests;
