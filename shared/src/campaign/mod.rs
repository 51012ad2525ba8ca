//! Campaigns as the engine sees them: validated, so a `Campaign` value is always one
//! that may be shown to a visitor (safe links, non-empty text, known display).

pub mod edit;
mod message_doc;
pub mod variants;

pub use message_doc::{ButtonDoc, MessageDoc, SenderDoc};

use crate::event::{Event, PAGE_VIEW, PropertyValue};
use crate::ids::CampaignId;
use crate::schedule::Schedule;
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
    /// Text with the safe formatting subset of `format.rs` (`**bold**`, `_italic_`);
    /// line breaks are kept, markup is shown as text, never interpreted.
    pub text: String,
    pub image_url: Option<SafeUrl>,
    pub buttons: Vec<LinkButton>,
    pub display: Display,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CampaignState {
    #[default]
    Draft,
    Scheduled,
    Running,
    Paused,
    Ended,
}

/// How one URL rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UrlOp {
    Equals,
    Contains,
    StartsWith,
    /// `*` stands for any run of characters (`/products/*/reviews`).
    Matches,
}

/// One rule on a page URL. A value starting with `/` is compared with the URL's path
/// and query (`/sale?x=1`); any other value with the whole URL. Comparisons are exact
/// (URL paths are case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTest {
    pub op: UrlOp,
    pub value: String,
}

/// The part of an absolute URL from its path on (`/a?b#c` → `/a?b`), or the text itself
/// when it is not absolute.
fn path_and_query(url: &str) -> &str {
    let without_fragment = url.split('#').next().unwrap_or(url);
    match without_fragment.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => without_fragment,
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
///
/// Linear in `pattern + text` (a hostile 30,000-character URL against 20 rules must not
/// stall the edge): the literal pieces between stars are found left to right, each with
/// `str::find` (two-way search, linear), from where the previous one ended. Taking the
/// leftmost place for each middle piece never loses a match: it leaves the most text for
/// the pieces after it. The first piece must start the text, the last must end it.
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let Some((first, after_first)) = pattern.split_once('*') else { return pattern == text };
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let (middle, last) = after_first.rsplit_once('*').unwrap_or(("", after_first));
    for piece in middle.split('*').filter(|piece| !piece.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

impl UrlTest {
    pub fn matches(&self, url: &str) -> bool {
        let target =
            if self.value.starts_with('/') { path_and_query(url) } else { url.split('#').next().unwrap_or(url) };
        match self.op {
            UrlOp::Equals => target == self.value,
            UrlOp::Contains => target.contains(self.value.as_str()),
            UrlOp::StartsWith => target.starts_with(self.value.as_str()),
            UrlOp::Matches => wildcard(&self.value, target),
        }
    }
}

/// The URL conditions of a `PageView` trigger: any of `include` (or any URL when there
/// is none), and none of `exclude`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlCondition {
    pub include: Vec<UrlTest>,
    pub exclude: Vec<UrlTest>,
}

impl UrlCondition {
    pub fn matches(&self, url: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|t| t.matches(url)))
            && !self.exclude.iter().any(|t| t.matches(url))
    }
}

/// How one property condition compares an event's property with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PropertyOp {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
    /// `*` stands for any run of characters.
    Matches,
    GreaterThan,
    LessThan,
    Exists,
}

/// One condition on a property of an event (`plan equals "gold"`, `total greaterThan 5000`).
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyCondition {
    pub property: String,
    pub op: PropertyOp,
    /// Absent only for `Exists`.
    pub value: Option<PropertyValue>,
}

impl PropertyCondition {
    /// Whether the event's property satisfies the condition. A missing property fails
    /// every condition but `notEquals`; text ops compare text, order ops numbers.
    pub fn holds(&self, event: &Event) -> bool {
        let actual = event.properties.get(&self.property);
        match (self.op, actual, &self.value) {
            (PropertyOp::Exists, found, _) => found.is_some(),
            (PropertyOp::NotEquals, None, _) => true,
            (_, None, _) | (_, _, None) => false,
            (PropertyOp::Equals, Some(a), Some(v)) => same_value(a, v),
            (PropertyOp::NotEquals, Some(a), Some(v)) => !same_value(a, v),
            (PropertyOp::Contains, Some(PropertyValue::Text(a)), Some(PropertyValue::Text(v))) => {
                a.contains(v.as_str())
            }
            (PropertyOp::StartsWith, Some(PropertyValue::Text(a)), Some(PropertyValue::Text(v))) => {
                a.starts_with(v.as_str())
            }
            (PropertyOp::Matches, Some(PropertyValue::Text(a)), Some(PropertyValue::Text(v))) => wildcard(v, a),
            (PropertyOp::GreaterThan, Some(PropertyValue::Number(a)), Some(PropertyValue::Number(v))) => a > v,
            (PropertyOp::LessThan, Some(PropertyValue::Number(a)), Some(PropertyValue::Number(v))) => a < v,
            _ => false,
        }
    }
}

fn same_value(a: &PropertyValue, b: &PropertyValue) -> bool {
    match (a, b) {
        (PropertyValue::Number(x), PropertyValue::Number(y)) => x == y,
        _ => a == b,
    }
}

/// Which events count: a name, URL rules (for `PageView`) and property conditions, all
/// of which must hold. Triggers, follow-ups and event goals are all of this shape.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMatch {
    pub event: String,
    pub url: Option<UrlCondition>,
    pub conditions: Vec<PropertyCondition>,
}

impl EventMatch {
    pub fn named(event: &str) -> EventMatch {
        EventMatch { event: event.to_owned(), url: None, conditions: Vec::new() }
    }

    pub fn matches(&self, event: &Event) -> bool {
        self.event == event.name
            && self.url.as_ref().is_none_or(|condition| {
                event.name == PAGE_VIEW && event.text("url").is_some_and(|url| condition.matches(url))
            })
            && self.conditions.iter().all(|c| c.holds(event))
    }
}

/// What starts an automated campaign.
pub type Trigger = EventMatch;

/// A second event that must follow the trigger within `within` for the message to go.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub event: EventMatch,
    pub within: Millis,
}

/// What the campaign is trying to achieve; reaching it is counted as the goal. A campaign
/// saved without one has [`Goal::LinkClicked`], the channel event the source article
/// (seed 001) makes the default; a stored document without one reads as having it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Goal {
    /// The message was viewed.
    MessageViewed,
    /// A link in the message was clicked (the default).
    #[default]
    LinkClicked,
    /// The site sent this event (for example `CheckoutComplete`), with its conditions.
    Event(EventMatch),
}

/// When a campaign's messages may go out: its own weekly windows, or one of the
/// channel's named business-hours sets, in the channel's time zone.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleRef {
    Windows(Schedule),
    BusinessHours(String),
}

/// Who may receive the campaign, beyond its trigger: a filter on the customer or a saved
/// segment. The edge evaluates it against D1 (one meaning with every other filter).
#[derive(Debug, Clone, PartialEq)]
pub enum Audience {
    Filter(crate::filter::FilterDoc),
    Segment(String),
}

/// Sending to customers who are not on the site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offline {
    pub email: bool,
    pub sms: bool,
    /// Skip customers who opted out of marketing email (`unsubscribeEmail`) or SMS
    /// (`unsubscribeTexting`); on by default, off only for important notices.
    pub respect_opt_out: bool,
}

/// Where the fan-out of a one-time broadcast is: `running` until every customer of its
/// audience was reached, then `done`, or `failed`. Stored in `broadcast_runs.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Running,
    Done,
    Failed,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<RunState> {
        [RunState::Running, RunState::Done, RunState::Failed].into_iter().find(|s| s.as_str() == text)
    }
}

/// A campaign's kind as its document and the admin API write it (`kind`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindDoc {
    #[default]
    Automated,
    Broadcast,
}

/// The two kinds of campaign (seed 001).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "one value per campaign: boxing would buy nothing")]
pub enum Kind {
    /// Sent by a visitor's own events: trigger, optional wait and follow-up.
    Automated { trigger: Trigger, wait: Option<Millis>, follow_up: Option<FollowUp> },
    /// Sent once, to the audience as it is when it goes out: when started, or at its
    /// `startsAt` (the send time).
    Broadcast,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub state: CampaignState,
    /// Lower is tried first.
    pub priority: i32,
    pub kind: Kind,
    /// The site may show it now with `Kizuna('showCampaign', id)`, besides its trigger
    /// (see [`crate::deliver::on_demand`]); off by default.
    pub on_demand: bool,
    pub audience: Option<Audience>,
    /// The message; with [`Campaign::variants`], the first variant's.
    pub message: Message,
    /// Message variants and a control group; `None`: everyone gets `message`.
    pub variants: Option<Variants>,
    /// Every campaign has one: [`Goal::LinkClicked`] unless another is chosen.
    pub goal: Goal,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
    /// `None`: a visitor receives the campaign at most once; otherwise again after at
    /// least this long (ms, 24 hours or more).
    pub repeat_every: Option<Millis>,
    pub schedule: Option<ScheduleRef>,
    /// Unviewed and not yet delivered messages are dropped once the campaign ends.
    pub delete_unviewed: bool,
    pub offline: Offline,
}

/// A campaign's split between message variants and a control group (see [`variants`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Variants {
    pub split: variants::Split,
    /// The messages of the variants after the first, in order (the first variant's is
    /// [`Campaign::message`]); one fewer than the split has shares.
    pub others: Vec<Message>,
}

/// The shortest repeat interval (seed 001: at least 24 hours).
pub const MIN_REPEAT: Millis = crate::time::DAY;

impl Campaign {
    /// Whether a visitor who last received this campaign at `last` (if ever) may
    /// receive it again at `now`.
    pub fn may_reach(&self, last: Option<Millis>, now: Millis) -> bool {
        match (last, self.repeat_every) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(at), Some(every)) => now - at >= every,
        }
    }
}

impl Campaign {
    pub fn trigger(&self) -> Option<&Trigger> {
        match &self.kind {
            Kind::Automated { trigger, .. } => Some(trigger),
            Kind::Broadcast => None,
        }
    }

    /// The message of the arm a customer is in: `None` for the control group, and for a
    /// variant index the campaign no longer has (its variant was removed after they were
    /// assigned: they receive nothing rather than another variant's message). A campaign
    /// without variants gives everyone its message.
    pub fn message_for(&self, arm: Option<variants::Arm>) -> Option<&Message> {
        let Some(variants) = &self.variants else { return Some(&self.message) };
        match arm {
            None | Some(variants::Arm::Variant(0)) => Some(&self.message),
            Some(variants::Arm::Variant(i)) => variants.others.get(i - 1),
            Some(variants::Arm::Control) => None,
        }
    }

    /// Running (or scheduled and its start time has come), and before its end time.
    pub fn is_live(&self, now: Millis) -> bool {
        self.state.effective(self.starts_at, self.ends_at, now) == CampaignState::Running
    }
}

/// What a manager asks of a campaign's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    Pause,
    Stop,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Scheduled => "scheduled",
            CampaignState::Running => "running",
            CampaignState::Paused => "paused",
            CampaignState::Ended => "ended",
        }
    }

    /// The state at `now`: a scheduled campaign runs from its start time, and a running,
    /// scheduled or paused one has ended at its end time (it could not be started again).
    pub fn effective(self, starts_at: Option<Millis>, ends_at: Option<Millis>, now: Millis) -> CampaignState {
        let ended = ends_at.is_some_and(|end| now >= end);
        match self {
            CampaignState::Running | CampaignState::Scheduled | CampaignState::Paused if ended => CampaignState::Ended,
            CampaignState::Scheduled if starts_at.is_none_or(|start| now >= start) => CampaignState::Running,
            CampaignState::Running if starts_at.is_some_and(|start| now < start) => CampaignState::Scheduled,
            state => state,
        }
    }

    /// The state after `command` at `now`, or why it cannot happen. `self` is the
    /// stored state; the rule looks at the effective one.
    pub fn after(
        self,
        command: Command,
        starts_at: Option<Millis>,
        ends_at: Option<Millis>,
        now: Millis,
    ) -> Result<CampaignState, &'static str> {
        use CampaignState::*;
        match (self.effective(starts_at, ends_at, now), command) {
            (Ended, _) => Err("the campaign has ended; copy it to run it again"),
            (Draft | Paused | Scheduled, Command::Start) if ends_at.is_some_and(|end| now >= end) => {
                Err("its end time has passed; change endsAt first")
            }
            (Draft | Paused | Scheduled, Command::Start) => {
                Ok(if starts_at.is_some_and(|start| now < start) { Scheduled } else { Running })
            }
            (Running, Command::Start) => Err("the campaign is already running"),
            (Running | Scheduled, Command::Pause) => Ok(Paused),
            (Draft | Paused, Command::Pause) => Err("only a running or scheduled campaign can be paused"),
            (Running | Scheduled | Paused, Command::Stop) => Ok(Ended),
            (Draft, Command::Stop) => Err("a draft has not started: delete it instead"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CampaignState::*;

    const NOW: Millis = 1_795_000_000_000;

    fn rule(op: UrlOp, value: &str) -> UrlTest {
        UrlTest { op, value: value.into() }
    }

    #[test]
    fn url_rules_compare_paths_or_whole_urls_and_exclusions_win() {
        let url = "https://shop.jp/products/sencha?ref=ad#reviews";
        assert!(rule(UrlOp::Equals, "/products/sencha?ref=ad").matches(url));
        assert!(!rule(UrlOp::Equals, "/products/sencha").matches(url));
        assert!(rule(UrlOp::StartsWith, "/products/").matches(url));
        assert!(rule(UrlOp::StartsWith, "https://shop.jp/products").matches(url));
        assert!(!rule(UrlOp::StartsWith, "/Products/").matches(url), "paths are case-sensitive");
        assert!(rule(UrlOp::Contains, "sencha").matches(url));
        assert!(!rule(UrlOp::Contains, "reviews").matches(url), "the fragment is not part of the page");
        assert!(rule(UrlOp::Matches, "/products/*").matches(url));
        assert!(rule(UrlOp::Matches, "/*/sencha*").matches(url));
        assert!(!rule(UrlOp::Matches, "/products/*/reviews").matches(url));
        assert!(rule(UrlOp::Matches, "https://*.jp/*").matches(url));
        assert!(rule(UrlOp::Equals, "/").matches("https://shop.jp"));
        let products_but_not_sale = UrlCondition {
            include: vec![rule(UrlOp::StartsWith, "/products/")],
            exclude: vec![rule(UrlOp::Contains, "sale")],
        };
        assert!(products_but_not_sale.matches(url));
        assert!(!products_but_not_sale.matches("https://shop.jp/products/sale-box"));
        assert!(!products_but_not_sale.matches("https://shop.jp/about"));
        let anything_but_checkout =
            UrlCondition { include: vec![], exclude: vec![rule(UrlOp::StartsWith, "/checkout")] };
        assert!(anything_but_checkout.matches("https://shop.jp/"));
        assert!(!anything_but_checkout.matches("https://shop.jp/checkout/pay"));
    }

    #[test]
    fn a_scheduled_campaign_runs_from_its_start_time_and_any_ends_at_its_end_time() {
        assert_eq!(Scheduled.effective(Some(NOW + 1), None, NOW), Scheduled);
        assert_eq!(Scheduled.effective(Some(NOW), None, NOW), Running, "exactly at the start time it runs");
        assert_eq!(Running.effective(None, Some(NOW), NOW), Ended, "exactly at the end time it has ended");
        assert_eq!(Running.effective(None, Some(NOW + 1), NOW), Running);
        assert_eq!(Paused.effective(None, Some(NOW + 1), NOW), Paused, "a paused campaign stays paused");
        assert_eq!(Paused.effective(None, Some(NOW), NOW), Ended, "until its end time: it could not restart");
        assert_eq!(Draft.effective(Some(NOW - 1), None, NOW), Draft);
    }

    #[test]
    fn start_pause_and_stop_follow_the_lifecycle() {
        assert_eq!(Draft.after(Command::Start, None, None, NOW), Ok(Running));
        assert_eq!(Draft.after(Command::Start, Some(NOW + 1), None, NOW), Ok(Scheduled));
        assert_eq!(Running.after(Command::Pause, None, None, NOW), Ok(Paused));
        assert_eq!(Paused.after(Command::Start, None, None, NOW), Ok(Running));
        assert_eq!(Paused.after(Command::Stop, None, None, NOW), Ok(Ended));
        assert_eq!(Scheduled.after(Command::Pause, Some(NOW + 1), None, NOW), Ok(Paused));
        assert!(Running.after(Command::Start, None, None, NOW).is_err());
        assert!(Draft.after(Command::Stop, None, None, NOW).is_err());
        assert!(Draft.after(Command::Pause, None, None, NOW).is_err());
        assert!(Ended.after(Command::Start, None, None, NOW).is_err());
        assert!(Draft.after(Command::Start, None, Some(NOW), NOW).is_err(), "its end time has passed");
        assert!(Running.after(Command::Pause, None, Some(NOW), NOW).is_err(), "it ended by itself");
        assert!(Paused.after(Command::Start, None, Some(NOW), NOW).is_err(), "a paused one too");
    }

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

    #[test]
    fn a_broadcast_run_state_reads_and_writes_as_stored() {
        for state in [RunState::Running, RunState::Done, RunState::Failed] {
            assert_eq!(RunState::parse(state.as_str()), Some(state));
        }
        assert_eq!(RunState::parse("ended"), None);
    }

    /// The matcher before issue 10 (backtracking over the last star: pattern × text in the
    /// worst case), kept as the oracle the linear one must agree with.
    fn wildcard_backtracking(pattern: &str, text: &str) -> bool {
        let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        let (mut pi, mut ti) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while ti < t.len() {
            if pi < p.len() && p[pi] == '*' {
                star = Some((pi, ti));
                pi += 1;
            } else if pi < p.len() && p[pi] == t[ti] {
                pi += 1;
                ti += 1;
            } else if let Some((sp, st)) = star {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|&c| c == '*')
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn r10_the_linear_wildcard_agrees_with_the_backtracking_one(
            pattern in "[ab*é]{0,8}",
            text in "[abé]{0,10}",
        ) {
            proptest::prop_assert_eq!(wildcard(&pattern, &text), wildcard_backtracking(&pattern, &text));
        }
    }

    #[test]
    fn r10_wildcard_edges() {
        for (pattern, text, expected) in [
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("a*", "a", true),
            ("*a", "ba", true),
            ("ab*ba", "aba", false),
            ("ab*ba", "abba", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "acb", false),
            ("**", "xyz", true),
            ("/p/*/r", "/p/1/r/2/r", true),
        ] {
            assert_eq!(wildcard(pattern, text), expected, "{pattern} ~ {text}");
        }
    }
}
