//! Campaigns as the engine sees them: validated, so a `Campaign` value is always one
//! that may be shown to a visitor (safe links, non-empty text, known display).

use crate::ids::CampaignId;
use crate::time::Millis;

/// Where and how the message appears on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Display {
    /// A card in the bottom corner; clicking it is the view.
    Bubble,
    /// An overlay covering the page; being displayed is the view.
    Fullscreen,
}

/// A link a visitor may follow from a message: `https:`, `mailto:` or a path on the
/// host site (`/sale`). Nothing that can run script (`javascript:`, `data:`) or leave
/// the page unencrypted (`http:`) gets in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeUrl(String);

impl SafeUrl {
    pub fn parse(text: &str) -> Result<SafeUrl, &'static str> {
        if text.len() > 2048 {
            return Err("must be at most 2048 characters");
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("must not contain spaces or control characters");
        }
        let lower = text.to_ascii_lowercase();
        let site_path = text.starts_with('/') && !text.starts_with("//") && !text.starts_with("/\\");
        let https = lower.starts_with("https://") && text.len() > "https://".len();
        let mailto = lower.starts_with("mailto:") && text.len() > "mailto:".len();
        if site_path || https || mailto {
            Ok(SafeUrl(text.to_owned()))
        } else {
            Err("must be an https: or mailto: link, or a path on the site starting with '/'")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub name: String,
    pub avatar_url: Option<SafeUrl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkButton {
    pub label: String,
    pub url: SafeUrl,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub sender: Sender,
    /// Plain text; line breaks are kept, markup is shown as text, never interpreted.
    pub text: String,
    pub buttons: Vec<LinkButton>,
    pub display: Display,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CampaignState {
    Draft,
    Scheduled,
    Running,
    Paused,
    Ended,
}

/// A condition on the page URL of a `PageView`.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlCondition {
    Contains(String),
}

impl UrlCondition {
    pub fn matches(&self, url: &str) -> bool {
        match self {
            UrlCondition::Contains(part) => url.contains(part.as_str()),
        }
    }
}

/// What starts an automated campaign: an event by name, optionally on certain URLs.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub event: String,
    pub url: Option<UrlCondition>,
}

/// What the campaign is trying to achieve; reaching it is counted as the goal.
#[derive(Debug, Clone, PartialEq)]
pub enum Goal {
    /// The message was viewed.
    MessageViewed,
    /// A link in the message was clicked.
    LinkClicked,
    /// The site sent this event (for example `CheckoutComplete`).
    Event { name: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub state: CampaignState,
    pub trigger: Trigger,
    pub message: Message,
    pub goal: Option<Goal>,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
}

impl Campaign {
    /// Running, and `now` inside its start and end times.
    pub fn is_live(&self, now: Millis) -> bool {
        self.state == CampaignState::Running
            && self.starts_at.is_none_or(|start| now >= start)
            && self.ends_at.is_none_or(|end| now < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_https_mailto_or_site_paths() {
        for ok in ["https://shop.example/sale", "HTTPS://x.y", "mailto:hi@example.com", "/sale?x=1"] {
            assert!(SafeUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "http://plain.example",
            "//evil.example",
            "/\\evil.example",
            "https://",
            "sale",
            "https://x.y/a b",
            "",
        ] {
            assert!(SafeUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
