//! Request bodies for the edge, written by hand: `serde` with `serde-wasm-bindgen` cost
//! the widget about 12 KB brotli (float formatting, generic visitors). The shapes are the
//! shared wire types; the tests parse every body back with serde into those types, so the
//! two cannot drift apart.

/// Appends `text` as a JSON string literal.
pub fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(b"0123456789abcdef"[(c as usize) >> 4]));
                out.push(char::from(b"0123456789abcdef"[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The visitor a request is for: the id and token the last boot answered (empty before
/// the first boot). Every body carries both: the token proves the id is this browser's.
#[derive(Debug, Clone, Copy)]
pub struct Visitor<'a> {
    pub id: &'a str,
    pub token: &'a str,
}

fn head(out: &mut String, channel: &str, visitor: Visitor) {
    out.push_str("{\"channel\":");
    string(out, channel);
    if !visitor.id.is_empty() {
        out.push_str(",\"visitorId\":");
        string(out, visitor.id);
    }
    if !visitor.token.is_empty() {
        out.push_str(",\"token\":");
        string(out, visitor.token);
    }
}

/// A `boot` call of the JS API with a member: `Kizuna('boot', {memberId, memberHash, profile})`.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberBoot {
    pub member_id: String,
    pub member_hash: Option<String>,
    /// The site's `profile` object, as the browser wrote it (JSON).
    pub profile_json: String,
}

/// `BootRequest`, with the member and profile when the site signed the visitor in. A
/// first visit has no id nor token yet: the edge issues them.
pub fn boot_body(channel: &str, visitor: Visitor, member: Option<&MemberBoot>) -> String {
    let mut out = String::with_capacity(160);
    head(&mut out, channel, visitor);
    if let Some(m) = member {
        out.push_str(",\"memberId\":");
        string(&mut out, &m.member_id);
        if let Some(hash) = &m.member_hash {
            out.push_str(",\"memberHash\":");
            string(&mut out, hash);
        }
        out.push_str(",\"profile\":");
        out.push_str(&m.profile_json);
    }
    out.push('}');
    out
}

/// `ActionRequest` (a view or click report).
pub fn visitor_body(channel: &str, visitor: Visitor) -> String {
    let mut out = String::with_capacity(96);
    head(&mut out, channel, visitor);
    out.push('}');
    out
}

/// `MessagesRequest`: the messages delivered to the visitor since the last request.
pub fn messages_body(channel: &str, visitor: Visitor) -> String {
    visitor_body(channel, visitor)
}

/// `ShowRequest` (`showCampaign`): `request` is fresh per call, kept by a retry.
/// `POST /v1/preview`: the token of a "Try it on my site" link.
pub fn preview_body(channel: &str, visitor: Visitor, preview: &str) -> String {
    let mut out = String::with_capacity(160);
    head(&mut out, channel, visitor);
    out.push_str(",\"preview\":");
    string(&mut out, preview);
    out.push('}');
    out
}

/// The token of a "Try it on my site" link in a page address's fragment
/// (`#kizuna-preview=…`), which the site's own server never sees.
pub fn preview_token(hash: &str) -> Option<&str> {
    hash.strip_prefix("#kizuna-preview=").filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn show_body(channel: &str, visitor: Visitor, campaign: &str, request: &str) -> String {
    let mut out = String::with_capacity(160);
    head(&mut out, channel, visitor);
    out.push_str(",\"campaignId\":");
    string(&mut out, campaign);
    out.push_str(",\"requestId\":");
    string(&mut out, request);
    out.push('}');
    out
}

/// One event to send, its properties already written as a JSON object.
pub struct Outgoing {
    pub id: String,
    pub name: String,
    pub properties: String,
}

/// A JSON object of text properties (what the widget itself reports, such as a page view).
pub fn text_properties(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, key);
        out.push(':');
        string(&mut out, value);
    }
    out.push('}');
    out
}

impl Outgoing {
    /// The event as the JSON object an `EventBatch` lists.
    pub fn json(&self) -> String {
        let mut out = String::with_capacity(48 + self.name.len() + self.properties.len());
        out.push_str("{\"id\":");
        string(&mut out, &self.id);
        out.push_str(",\"name\":");
        string(&mut out, &self.name);
        out.push_str(",\"properties\":");
        out.push_str(&self.properties);
        out.push('}');
        out
    }
}

/// `EventBatch`, of events already written as JSON objects ([`Outgoing::json`]).
pub fn events_body(channel: &str, visitor: Visitor, session: &str, events: &[&str], leaving: bool) -> String {
    let mut out = String::with_capacity(112 + events.iter().map(|e| e.len() + 1).sum::<usize>());
    head(&mut out, channel, visitor);
    out.push_str(",\"sessionId\":");
    string(&mut out, session);
    if leaving {
        out.push_str(",\"leaving\":true");
    }
    out.push_str(",\"events\":[");
    out.push_str(&events.join(","));
    out.push_str("]}");
    out
}

/// `ReadRequest`: the launcher's "mark all read" for the deliveries it listed.
pub fn read_body(channel: &str, visitor: Visitor, deliveries: &[String]) -> String {
    let mut out = String::with_capacity(96 + deliveries.len() * 40);
    head(&mut out, channel, visitor);
    out.push_str(",\"deliveryIds\":[");
    for (i, id) in deliveries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, id);
    }
    out.push_str("]}");
    out
}

/// `ProfileUpdate` (`updateUser`): `profile` is the site's object, as the browser wrote it.
pub fn profile_body(channel: &str, visitor: Visitor, profile_json: &str) -> String {
    let mut out = String::with_capacity(96 + profile_json.len());
    head(&mut out, channel, visitor);
    out.push_str(",\"profile\":");
    out.push_str(profile_json);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_shared::event::PropertyValue;
    use kizuna_shared::field::FieldValue;
    use kizuna_shared::wire::public::{
        ActionRequest, BootRequest, EventBatch, MessagesRequest, PreviewRequest, ProfileUpdate, ReadRequest,
        ShowRequest,
    };

    #[test]
    fn a_preview_link_token_is_read_from_the_fragment_and_sent_with_the_visitor() {
        assert_eq!(preview_token("#kizuna-preview=ab12"), Some("ab12"));
        assert_eq!(preview_token("#kizuna-preview="), None);
        assert_eq!(preview_token("#kizuna-preview=ab12&x"), None, "only the token, nothing a page added");
        assert_eq!(preview_token("#top"), None);
        assert_eq!(preview_token(""), None);
        let parsed: PreviewRequest = serde_json::from_str(&preview_body("demo", V1, "ab12")).unwrap();
        assert_eq!(
            (parsed.visitor_id.as_str(), parsed.token.as_str(), parsed.preview.as_str()),
            ("v_1", V1.token, "ab12")
        );
    }

    const V1: Visitor = Visitor { id: "v_1", token: "1767225600000.ab" };

    #[test]
    fn a_boot_body_carries_the_visitor_id_with_its_token() {
        let parsed: BootRequest = serde_json::from_str(&boot_body("demo", V1, None)).unwrap();
        assert_eq!(parsed.visitor_id.map(|v| v.as_str().to_owned()).as_deref(), Some("v_1"));
        assert_eq!(parsed.token.as_deref(), Some(V1.token));
        let parsed: ActionRequest = serde_json::from_str(&visitor_body("demo", V1)).unwrap();
        assert_eq!((parsed.visitor_id.as_str(), parsed.token.as_str()), ("v_1", V1.token));
    }

    #[test]
    fn a_first_boot_sends_no_visitor_id_and_the_edge_issues_one() {
        let parsed: BootRequest =
            serde_json::from_str(&boot_body("demo", Visitor { id: "", token: "" }, None)).unwrap();
        assert!(parsed.visitor_id.is_none() && parsed.token.is_none());
    }

    #[test]
    fn an_events_body_round_trips_awkward_text() {
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} emoji 🍵 </script>";
        let properties = text_properties(&[("title", awkward), ("url", "https://x.y/?a=1&b=2")]);
        let event = |id: &str| Outgoing { id: id.into(), name: "PageView".into(), properties: properties.clone() };
        let body = events_body("demo", V1, "s_1", &[&event("e_1").json(), &event("e_2").json()], false);
        let parsed: EventBatch = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed.session_id.map(|s| s.as_str().to_owned()).as_deref(), Some("s_1"));
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(parsed.events[1].properties.get("title"), Some(&PropertyValue::Text(awkward.into())));
        assert_eq!(parsed.events[0].id.as_str(), "e_1");
    }

    #[test]
    fn tracked_properties_written_by_the_browser_are_carried_as_they_are() {
        let tracked = Outgoing {
            id: "e_9".into(),
            name: "CheckoutComplete".into(),
            properties: r#"{"amount":3000,"coupon":"AUTUMN","first":true}"#.into(),
        };
        let parsed: EventBatch =
            serde_json::from_str(&events_body("demo", V1, "s_1", &[&tracked.json()], false)).unwrap();
        let properties = &parsed.events[0].properties;
        assert_eq!(properties.get("amount"), Some(&PropertyValue::Number(3000.0)));
        assert_eq!(properties.get("first"), Some(&PropertyValue::Bool(true)));
    }

    #[test]
    fn a_profile_body_parses_as_the_shared_wire_type() {
        let parsed: ProfileUpdate =
            serde_json::from_str(&profile_body("demo", V1, r#"{"name":"Aiko","plan":"gold"}"#)).unwrap();
        assert_eq!(parsed.profile.get("name"), Some(&Some(FieldValue::Text("Aiko".into()))));
        assert_eq!(parsed.profile.get("plan"), Some(&Some(FieldValue::Text("gold".into()))));
    }

    #[test]
    fn a_member_boot_body_parses_as_the_shared_wire_type() {
        let member = MemberBoot {
            member_id: "user \"42\"".into(),
            member_hash: Some("ab".repeat(32)),
            profile_json: r#"{"name":"Aiko","points":3}"#.into(),
        };
        let parsed: BootRequest = serde_json::from_str(&boot_body("demo", V1, Some(&member))).unwrap();
        assert_eq!(parsed.member_id.as_deref(), Some("user \"42\""));
        assert_eq!(parsed.member_hash, member.member_hash);
        let profile = parsed.profile.unwrap();
        assert_eq!(profile.get("points"), Some(&Some(FieldValue::Number(3.0))));
        let bare: BootRequest = serde_json::from_str(&boot_body("demo", V1, None)).unwrap();
        assert_eq!(bare.member_id, None);
        let no_profile = MemberBoot { member_id: "m".into(), member_hash: None, profile_json: "{}".into() };
        let parsed: BootRequest = serde_json::from_str(&boot_body("demo", V1, Some(&no_profile))).unwrap();
        assert_eq!(parsed.profile, Some(Default::default()));
    }

    #[test]
    fn a_messages_body_parses_as_the_shared_wire_type() {
        let parsed: MessagesRequest = serde_json::from_str(&messages_body("demo", V1)).unwrap();
        assert_eq!(
            (parsed.channel.as_str(), parsed.visitor_id.as_str(), parsed.token.as_str()),
            ("demo", "v_1", V1.token)
        );
    }

    #[test]
    fn a_show_body_parses_as_the_shared_wire_type() {
        // The shape of `saved::random_id("r_")`: a valid event id.
        let request = format!("r_{}", "0f".repeat(16));
        let parsed: ShowRequest = serde_json::from_str(&show_body("demo", V1, "c_123", &request)).unwrap();
        assert_eq!(
            (parsed.channel.as_str(), parsed.visitor_id.as_str(), parsed.token.as_str()),
            ("demo", "v_1", V1.token)
        );
        assert_eq!((parsed.campaign_id.as_str(), parsed.request_id.as_str()), ("c_123", request.as_str()));
    }

    #[test]
    fn a_read_body_parses_as_the_shared_wire_type() {
        let ids = ["d_1".to_owned(), "d_\"2".to_owned()];
        let body: ReadRequest =
            serde_json::from_str(&read_body("demo", Visitor { id: "v1", token: "t" }, &ids)).unwrap();
        assert_eq!(body.delivery_ids, ids);
        let none: ReadRequest =
            serde_json::from_str(&read_body("demo", Visitor { id: "v1", token: "t" }, &[])).unwrap();
        assert!(none.delivery_ids.is_empty());
    }

    #[test]
    fn an_empty_batch_is_valid_json() {
        let parsed: EventBatch = serde_json::from_str(&events_body("demo", V1, "s_1", &[], true)).unwrap();
        assert!(parsed.leaving, "a pagehide beacon says so");
        assert!(parsed.events.is_empty());
    }
}
