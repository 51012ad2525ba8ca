//! The small pages tracked links answer with: unsubscribe, unsubscribed, and a
//! message opened from an SMS.
//!
//! Invariants: no script and inline style only; everything from a marketer or a channel
//! is escaped; a GET changes nothing (unsubscribing takes the form's POST).

use super::compose::escape_lines;
use super::{CampaignMessage, Medium, Tracking, escape};

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
