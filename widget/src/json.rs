//! Request bodies for the edge, written by hand: `serde` with `serde-wasm-bindgen` cost
//! the widget about 12 KB brotli (float formatting, generic visitors). The shapes are the
//! shared wire types; the tests parse every body back with serde into those types, so the
//! two cannot drift apart.

use kizuna_shared::event::PropertyValue;
use kizuna_shared::wire::EventIn;

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

fn head(out: &mut String, channel: &str, visitor: &str) {
    out.push_str("{\"channel\":");
    string(out, channel);
    out.push_str(",\"visitorId\":");
    string(out, visitor);
}

/// A `boot` call of the JS API with a member: `Kizuna('boot', {memberId, memberHash, profile})`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberBoot {
    pub member_id: String,
    pub member_hash: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub mobile_number: Option<String>,
}

fn optional(out: &mut String, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":");
        string(out, value);
    }
}

/// `BootRequest`, with the member and profile when the site signed the visitor in.
pub fn boot_body(channel: &str, visitor: &str, member: Option<&MemberBoot>) -> String {
    let mut out = String::with_capacity(160);
    head(&mut out, channel, visitor);
    if let Some(m) = member {
        out.push_str(",\"memberId\":");
        string(&mut out, &m.member_id);
        optional(&mut out, "memberHash", &m.member_hash);
        out.push_str(",\"profile\":{");
        let mut first = true;
        for (key, value) in [("name", &m.name), ("email", &m.email), ("mobileNumber", &m.mobile_number)] {
            if let Some(value) = value {
                if !first {
                    out.push(',');
                }
                first = false;
                string(&mut out, key);
                out.push(':');
                string(&mut out, value);
            }
        }
        out.push('}');
    }
    out.push('}');
    out
}

/// `BootRequest` and `ActionRequest` (they have the same fields).
pub fn visitor_body(channel: &str, visitor: &str) -> String {
    let mut out = String::with_capacity(96);
    head(&mut out, channel, visitor);
    out.push('}');
    out
}

/// `EventBatch`. Only text properties are written: the widget sends no others.
pub fn events_body(channel: &str, visitor: &str, session: &str, events: &[EventIn]) -> String {
    let mut out = String::with_capacity(256);
    head(&mut out, channel, visitor);
    out.push_str(",\"sessionId\":");
    string(&mut out, session);
    out.push_str(",\"events\":[");
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        string(&mut out, event.id.as_str());
        out.push_str(",\"name\":");
        string(&mut out, &event.name);
        out.push_str(",\"properties\":{");
        let mut first = true;
        for (key, value) in &event.properties {
            if let PropertyValue::Text(text) = value {
                if !first {
                    out.push(',');
                }
                first = false;
                string(&mut out, key);
                out.push(':');
                string(&mut out, text);
            }
        }
        out.push_str("}}");
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_shared::ids::EventId;
    use kizuna_shared::wire::{ActionRequest, BootRequest, EventBatch};

    #[test]
    fn a_boot_body_parses_as_the_shared_wire_type() {
        let parsed: BootRequest = serde_json::from_str(&visitor_body("demo", "v_1")).unwrap();
        assert_eq!((parsed.channel.as_str(), parsed.visitor_id.as_str()), ("demo", "v_1"));
        let _: ActionRequest = serde_json::from_str(&visitor_body("demo", "v_1")).unwrap();
    }

    #[test]
    fn an_events_body_round_trips_awkward_text() {
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} emoji 🍵 </script>";
        let event = EventIn {
            id: EventId::parse("e_1").unwrap(),
            name: "PageView".to_owned(),
            properties: [
                ("title".to_owned(), PropertyValue::Text(awkward.to_owned())),
                ("url".to_owned(), PropertyValue::Text("https://x.y/?a=1&b=2".to_owned())),
            ]
            .into(),
        };
        let body = events_body("demo", "v_1", "s_1", &[event.clone(), event.clone()]);
        let parsed: EventBatch = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed.session_id.map(|s| s.as_str().to_owned()).as_deref(), Some("s_1"));
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(parsed.events[1].properties, event.properties);
        assert_eq!(parsed.events[0].id, event.id);
    }

    #[test]
    fn a_member_boot_body_parses_as_the_shared_wire_type() {
        let member = MemberBoot {
            member_id: "user \"42\"".into(),
            member_hash: Some("ab".repeat(32)),
            name: Some("Aiko".into()),
            email: None,
            mobile_number: Some("+81 90".into()),
        };
        let parsed: BootRequest = serde_json::from_str(&boot_body("demo", "v_1", Some(&member))).unwrap();
        assert_eq!(parsed.member_id.as_deref(), Some("user \"42\""));
        assert_eq!(parsed.member_hash, member.member_hash);
        let profile = parsed.profile.unwrap();
        assert_eq!(
            (profile.name.as_deref(), profile.email, profile.mobile_number.as_deref()),
            (Some("Aiko"), None, Some("+81 90"))
        );
        let bare: BootRequest = serde_json::from_str(&boot_body("demo", "v_1", None)).unwrap();
        assert_eq!(bare.member_id, None);
        let no_profile = MemberBoot { member_id: "m".into(), ..MemberBoot::default() };
        let parsed: BootRequest = serde_json::from_str(&boot_body("demo", "v_1", Some(&no_profile))).unwrap();
        assert_eq!(parsed.profile, Some(Default::default()));
    }

    #[test]
    fn an_empty_batch_is_valid_json() {
        let parsed: EventBatch = serde_json::from_str(&events_body("demo", "v_1", "s_1", &[])).unwrap();
        assert!(parsed.events.is_empty());
    }
}
