//! The customer list's decisions, apart from the browser: which rows of a long list are
//! in the page (a window of at most [`MAX_RENDERED`] however far one scrolls), when the
//! next page is fetched, which columns show, what a customer's cell holds for a field,
//! and which customers a fresh first page brings that the list does not show yet. Pure.

use crate::i18n::Key;
use kizuna_shared::field::{FieldType, FieldValue, Visibility};
use kizuna_shared::wire::admin::{CustomerOut, FieldOut};
use std::collections::HashSet;

/// Rows in the page at most (the rest are spacers of the same height).
pub const MAX_RENDERED: usize = 200;
/// The window starts at multiples of this, so scrolling a little re-renders nothing.
const STEP: usize = 25;
/// Rows kept above the first visible one.
const ABOVE: usize = 50;
/// A page of the API's cursor list.
pub const PAGE: u32 = 100;

/// The rows `[start, end)` of `loaded` to render, for a scroll offset and a viewport
/// height in pixels and a row height.
pub fn window(scroll_top: f64, viewport: f64, row_height: f64, loaded: usize) -> (usize, usize) {
    let row_height = if row_height > 0.0 { row_height } else { 1.0 };
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let start = first.saturating_sub(ABOVE) / STEP * STEP;
    let visible = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let end = (first + visible + STEP).max(start + MAX_RENDERED - STEP).min(start + MAX_RENDERED);
    (start.min(loaded), end.min(loaded))
}

/// Whether to fetch the next page: the window came within a page of the loaded end.
pub fn wants_more(window_end: usize, loaded: usize, has_more: bool) -> bool {
    has_more && window_end + PAGE as usize >= loaded
}

/// The columns a channel shows until the viewer chooses: contact, tags, where, activity,
/// and every custom field.
const DEFAULT_COLUMNS: &[&str] =
    &["profile.email", "profile.mobileNumber", "tags", "country", "sessionsCount", "lastSeenAt", "createdAt"];

/// The fields one may show as columns, in the channel's order: all but hidden ones, and
/// not `id` and `name`, which the first column (the link to the customer) already is.
pub fn choosable(fields: &[FieldOut]) -> Vec<FieldOut> {
    fields.iter().filter(|f| f.visibility != Visibility::Hidden && f.key != "id" && f.key != "name").cloned().collect()
}

/// The keys shown: the remembered choice (a JSON array of keys) when there is one that
/// reads, else the defaults and the custom fields.
pub fn shown_columns(fields: &[FieldOut], remembered: Option<&str>) -> Vec<String> {
    let choosable = choosable(fields);
    if let Some(keys) = remembered.and_then(|r| serde_json::from_str::<Vec<String>>(r).ok()) {
        return choosable.iter().filter(|f| keys.contains(&f.key)).map(|f| f.key.clone()).collect();
    }
    choosable
        .iter()
        .filter(|f| DEFAULT_COLUMNS.contains(&f.key.as_str()) || !f.built_in)
        .map(|f| f.key.clone())
        .collect()
}

/// The sorts the API accepts, by column key.
pub fn sortable(key: &str) -> bool {
    matches!(key, "lastSeenAt" | "createdAt" | "updatedAt" | "sessionsCount")
}

/// What a cell shows, before the locale writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// Ms since the epoch.
    Date(i64),
    Bool(bool),
    List(Vec<String>),
}

/// `customer`'s value of field `key` (of type `ty`).
pub fn cell(customer: &CustomerOut, key: &str, ty: FieldType) -> Cell {
    let text = |v: &Option<String>| v.clone().map_or(Cell::Empty, Cell::Text);
    let date = |v: Option<i64>| v.map_or(Cell::Empty, Cell::Date);
    let web = &customer.web;
    match key {
        "id" => Cell::Text(customer.id.clone()),
        "memberId" => text(&customer.member_id),
        "member" => Cell::Bool(customer.member),
        "name" => text(&customer.name),
        "tags" => Cell::List(customer.tags.clone()),
        "city" => text(&customer.city),
        "country" => text(&customer.country),
        "language" => text(&customer.language),
        "createdAt" => Cell::Date(customer.created_at),
        "lastSeenAt" => date(customer.last_seen_at),
        "updatedAt" => Cell::Date(customer.updated_at),
        "sessionsCount" => Cell::Number(customer.sessions_count as f64),
        "web.browser" => text(&web.browser),
        "web.browserName" => text(&web.browser_name),
        "web.os" => text(&web.os),
        "web.osName" => text(&web.os_name),
        "web.device" => text(&web.device),
        "web.lastSeenAt" => date(web.last_seen_at),
        "web.sessionsCount" => web.sessions_count.map_or(Cell::Empty, |n| Cell::Number(n as f64)),
        "hasPushToken" => Cell::Bool(customer.has_push_token),
        "unsubscribeEmail" => Cell::Bool(customer.unsubscribe_email),
        "unsubscribeTexting" => Cell::Bool(customer.unsubscribe_texting),
        "emailStatus" => Cell::Text(customer.email_status.clone()),
        _ => {
            let Some(value) = key.strip_prefix("profile.").and_then(|name| customer.profile.get(name)) else {
                return Cell::Empty;
            };
            match (value, ty) {
                (FieldValue::Number(ms), FieldType::Date) => Cell::Date(*ms as i64),
                (FieldValue::Number(n), _) => Cell::Number(*n),
                (FieldValue::Bool(b), _) => Cell::Bool(*b),
                (FieldValue::Text(t), _) => Cell::Text(t.clone()),
                (FieldValue::Texts(list), _) => Cell::List(list.clone()),
                (FieldValue::Numbers(list), _) => Cell::List(list.iter().map(|n| n.to_string()).collect()),
            }
        }
    }
}

/// A customer's name in the list: its name, else its profile name, else `None` (the
/// list says "Anonymous visitor").
pub fn display_name(customer: &CustomerOut) -> Option<String> {
    let profile = match customer.profile.get("name") {
        Some(FieldValue::Text(name)) => Some(name.clone()),
        _ => None,
    };
    customer.name.clone().or(profile).filter(|n| !n.trim().is_empty())
}

/// The customers of a fresh first page the list does not hold yet, in the page's order:
/// new visitors since it loaded.
pub fn arrivals(fresh: &[CustomerOut], known: &HashSet<String>) -> Vec<CustomerOut> {
    fresh.iter().filter(|c| !known.contains(&c.id)).cloned().collect()
}

/// Whether arrivals go in at the top without a reload: the newest come first and the
/// viewer is at the top, so nothing moves under their eyes.
pub fn inserts_at_top(sort: &str, descending: bool, scroll_top: f64) -> bool {
    descending && matches!(sort, "lastSeenAt" | "createdAt") && scroll_top < 1.0
}

/// The label of a built-in field that is not a profile field (those carry the channel's
/// display names).
pub fn built_in_label(key: &str) -> Option<Key> {
    Some(match key {
        "memberId" => Key::ColMemberId,
        "member" => Key::ColMember,
        "name" => Key::ColName,
        "tags" => Key::ColTags,
        "city" => Key::ColCity,
        "country" => Key::ColCountry,
        "language" => Key::ColLanguage,
        "createdAt" => Key::ColCreatedAt,
        "lastSeenAt" => Key::ColLastSeenAt,
        "updatedAt" => Key::ColUpdatedAt,
        "sessionsCount" => Key::ColSessionsCount,
        "web.browser" => Key::ColWebBrowser,
        "web.browserName" => Key::ColWebBrowserName,
        "web.os" => Key::ColWebOs,
        "web.osName" => Key::ColWebOsName,
        "web.device" => Key::ColWebDevice,
        "web.lastSeenAt" => Key::ColWebLastSeenAt,
        "web.sessionsCount" => Key::ColWebSessionsCount,
        "hasPushToken" => Key::ColHasPushToken,
        "unsubscribeEmail" => Key::ColUnsubscribeEmail,
        "unsubscribeTexting" => Key::ColUnsubscribeTexting,
        "emailStatus" => Key::ColEmailStatus,
        _ => return None,
    })
}

/// Tags typed as `a, b, c`: trimmed, empty ones dropped (the API checks each).
pub fn tag_list(typed: &str) -> Vec<String> {
    typed.split([',', '、']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_shared::field::Access;

    fn field(key: &str, built_in: bool, visibility: Visibility) -> FieldOut {
        FieldOut {
            key: key.into(),
            display_name: key.into(),
            ty: FieldType::Text,
            built_in,
            write_once: false,
            access: Access::ReadOnly,
            visibility,
        }
    }

    fn customer(id: &str) -> CustomerOut {
        serde_json::from_value(serde_json::json!({
            "id": id, "memberId": null, "member": false, "name": null, "tags": ["vip", "tokyo"],
            "city": null, "country": "JP", "language": null, "createdAt": 5, "lastSeenAt": null,
            "updatedAt": 6, "sessionsCount": 3,
            "web": {"browser": null, "browserName": null, "os": null, "osName": null, "device": null,
                    "lastSeenAt": null, "sessionsCount": null},
            "hasPushToken": false, "unsubscribeEmail": true, "unsubscribeTexting": false,
            "emailStatus": "ok", "profile": {"plan": "gold", "renewsAt": 1700000000000.0, "name": "Hanako"}
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_window_never_holds_more_than_two_hundred_rows_however_far_one_scrolls() {
        for top in [0.0, 40.0, 4_000.0, 123_456.0, 399_960.0] {
            let (start, end) = window(top, 800.0, 40.0, 10_000);
            assert!(end - start <= MAX_RENDERED, "{top}: {start}..{end}");
            let first = (top / 40.0) as usize;
            assert!(start <= first && (first + 20).min(10_000) <= end, "the viewport is inside the window at {top}");
        }
        assert_eq!(window(0.0, 800.0, 40.0, 30), (0, 30), "a short list is all rendered");
        assert_eq!(window(399_960.0, 800.0, 40.0, 10_000).1, 10_000, "the end reaches the last row");
    }

    #[test]
    fn scrolling_a_little_keeps_the_same_window() {
        assert_eq!(window(4_000.0, 800.0, 40.0, 10_000), window(4_200.0, 800.0, 40.0, 10_000));
    }

    #[test]
    fn the_next_page_is_fetched_when_the_window_nears_the_loaded_end() {
        assert!(wants_more(200, 200, true));
        assert!(wants_more(150, 200, true));
        assert!(!wants_more(50, 400, true));
        assert!(!wants_more(200, 200, false), "not past the last page");
    }

    #[test]
    fn columns_follow_the_channel_order_without_hidden_fields_and_remember_the_choice() {
        let fields = [
            field("id", true, Visibility::Visible),
            field("name", true, Visibility::Visible),
            field("tags", true, Visibility::Visible),
            field("web.os", true, Visibility::Visible),
            field("profile.email", true, Visibility::Visible),
            field("profile.plan", false, Visibility::Archived),
            field("profile.secret", false, Visibility::Hidden),
        ];
        assert_eq!(shown_columns(&fields, None), ["tags", "profile.email", "profile.plan"]);
        assert_eq!(shown_columns(&fields, Some(r#"["profile.plan","web.os","gone"]"#)), ["web.os", "profile.plan"]);
        assert_eq!(shown_columns(&fields, Some("not json")), ["tags", "profile.email", "profile.plan"]);
        assert_eq!(choosable(&fields).len(), 4);
    }

    #[test]
    fn cells_hold_each_field_as_its_type() {
        let c = customer("c_1");
        assert_eq!(cell(&c, "tags", FieldType::List), Cell::List(vec!["vip".into(), "tokyo".into()]));
        assert_eq!(cell(&c, "sessionsCount", FieldType::Number), Cell::Number(3.0));
        assert_eq!(cell(&c, "lastSeenAt", FieldType::Date), Cell::Empty);
        assert_eq!(cell(&c, "createdAt", FieldType::Date), Cell::Date(5));
        assert_eq!(cell(&c, "unsubscribeEmail", FieldType::Boolean), Cell::Bool(true));
        assert_eq!(cell(&c, "profile.plan", FieldType::Text), Cell::Text("gold".into()));
        assert_eq!(cell(&c, "profile.renewsAt", FieldType::Date), Cell::Date(1_700_000_000_000));
        assert_eq!(cell(&c, "profile.missing", FieldType::Text), Cell::Empty);
        assert_eq!(display_name(&c).as_deref(), Some("Hanako"), "the profile's name when there is no other");
    }

    #[test]
    fn only_customers_the_list_does_not_hold_are_new() {
        let known: HashSet<String> = ["c_1".to_owned()].into();
        let fresh = [customer("c_3"), customer("c_1"), customer("c_2")];
        let ids: Vec<String> = arrivals(&fresh, &known).into_iter().map(|c| c.id).collect();
        assert_eq!(ids, ["c_3", "c_2"]);
    }

    #[test]
    fn arrivals_go_in_at_the_top_only_for_newest_first_at_the_top() {
        assert!(inserts_at_top("lastSeenAt", true, 0.0));
        assert!(inserts_at_top("createdAt", true, 0.0));
        assert!(!inserts_at_top("createdAt", true, 400.0), "scrolled down: a banner instead");
        assert!(!inserts_at_top("createdAt", false, 0.0));
        assert!(!inserts_at_top("sessionsCount", true, 0.0));
    }

    #[test]
    fn sortable_columns_are_the_ones_the_api_sorts_by() {
        assert!(["lastSeenAt", "createdAt", "updatedAt", "sessionsCount"].iter().all(|k| sortable(k)));
        assert!(!sortable("tags"));
        assert!(built_in_label("lastSeenAt").is_some() && built_in_label("profile.email").is_none());
    }

    #[test]
    fn typed_tags_are_split_on_commas_and_trimmed() {
        assert_eq!(tag_list(" vip, spring ,,秋、冬 "), ["vip", "spring", "秋", "冬"]);
        assert!(tag_list(" , ").is_empty());
    }
}
