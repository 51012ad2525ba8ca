//! A channel's profile fields (seed 003, "顧客プロフィール情報"): the built-in
//! `profile.*` fields and the custom ones managers add, each typed String, Number,
//! Boolean, Date (ms since the epoch) or List, and what a write of `profile` values from
//! the site or from a manager means.
//!
//! Invariants:
//! - a custom field's name and type never change once added (stored values keep their
//!   meaning); its display name, position and visibility may;
//! - a hidden field is no longer collected (the site's values for it are dropped) nor
//!   shown or filtered on; an archived field is still collected and shown in the
//!   customer database, only not beside a chat;
//! - a write-once field keeps its first value: the site's later values are dropped, a
//!   manager's is refused (409), never half-applied.

use crate::admin_wire::FieldValue;
use crate::filter::FieldType;
use crate::stored::FieldError;
use crate::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most custom fields a channel may have (hidden and archived ones included).
pub const MAX_CUSTOM_FIELDS: usize = 200;
/// Longest String value of a custom field or the manager's memo (characters).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Most items in a List value, and the longest item (characters).
pub const MAX_LIST_ITEMS: usize = 100;
pub const MAX_ITEM_CHARS: usize = 256;
const MAX_DISPLAY_NAME_CHARS: usize = 80;
/// Dates are ms since the epoch between 1970 and the year 33658.
const MAX_DATE_MS: f64 = 1e15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Visible,
    /// No longer collected nor shown (seed 003: 非表示).
    Hidden,
    /// Collected and shown in the customer database, not beside a chat (アーカイブ).
    Archived,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Visible => "visible",
            Visibility::Hidden => "hidden",
            Visibility::Archived => "archived",
        }
    }

    pub fn parse(text: &str) -> Option<Visibility> {
        [Visibility::Visible, Visibility::Hidden, Visibility::Archived].into_iter().find(|v| v.as_str() == text)
    }
}

/// Who writes `profile` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// The site, through the widget's `boot` and `updateUser`.
    Site,
    /// A manager, through the admin API.
    Manager,
}

/// Who may write a built-in profile field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    SiteAndManager,
    ManagerOnly,
    /// Set from the visitor's first visit (first touch), never written through the API.
    FirstTouch,
    /// Kept by Kizuna from what visitors do.
    ReadOnly,
}

/// `(name, default display name, type, access)` of each built-in profile field, in the
/// default order.
pub const BUILT_IN_PROFILE: &[(&str, &str, FieldType, Access)] = &[
    ("name", "Name", FieldType::Text, Access::SiteAndManager),
    ("email", "Email", FieldType::Text, Access::SiteAndManager),
    ("mobileNumber", "Mobile number", FieldType::Text, Access::SiteAndManager),
    ("description", "Memo", FieldType::Text, Access::ManagerOnly),
    ("lastCheckoutCompletedAt", "Last checkout", FieldType::Date, Access::SiteAndManager),
    ("referrer", "Referrer", FieldType::Text, Access::FirstTouch),
    ("utmSource", "UTM Source", FieldType::Text, Access::FirstTouch),
    ("utmMedium", "UTM Medium", FieldType::Text, Access::FirstTouch),
    ("utmCampaign", "UTM Campaign", FieldType::Text, Access::FirstTouch),
    ("utmContent", "UTM Content", FieldType::Text, Access::FirstTouch),
    ("utmTerm", "UTM Term", FieldType::Text, Access::FirstTouch),
];

/// A custom profile field: its stored form (D1 and the published channel document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    /// The key without `profile.`: 1 to 64 of `A-Z a-z 0-9 _`.
    pub name: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub write_once: bool,
    #[serde(default)]
    pub visibility: Visibility,
}

/// Checks a new custom field's name against the built-in ones and `existing`.
pub fn check_new_name(name: &str, existing: &[CustomField], path: &str) -> Result<(), FieldError> {
    let bad = |problem: String| Err(FieldError::new(path, problem));
    let valid = !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return bad("must be profile. followed by 1 to 64 characters of A-Z, a-z, 0-9 and '_'".into());
    }
    if BUILT_IN_PROFILE.iter().any(|(n, ..)| *n == name) {
        return bad(format!("profile.{name} is a built-in field"));
    }
    if existing.iter().any(|f| f.name == name) {
        return bad(format!("profile.{name} already exists (hide or archive it instead of adding it again)"));
    }
    if existing.len() >= MAX_CUSTOM_FIELDS {
        return bad(format!("a channel has at most {MAX_CUSTOM_FIELDS} custom fields"));
    }
    Ok(())
}

/// Checks a display name; returns it trimmed.
pub fn check_display_name(text: &str, path: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_DISPLAY_NAME_CHARS || trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(path, "must be 1 to 80 characters without control characters"));
    }
    Ok(trimmed.to_owned())
}

/// `profile` values as the site or a manager sends them: key (without `profile.`) to
/// value; `null` clears a value where clearing is allowed.
pub type ProfileValues = BTreeMap<String, Option<FieldValue>>;

/// A checked write of profile values, ready for the visitor's object to apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileChange {
    #[serde(default)]
    pub contact: crate::profile::Contact,
    /// `Some(None)` clears the memo.
    #[serde(default)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub last_checkout_completed_at: Option<Option<Millis>>,
    #[serde(default)]
    pub custom: Vec<CustomWrite>,
    /// A write-once field that already has another value refuses the whole change
    /// (a manager's edit) instead of keeping the first value (the site's).
    #[serde(default)]
    pub strict: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomWrite {
    pub name: String,
    pub value: Option<FieldValue>,
    #[serde(default)]
    pub write_once: bool,
}

impl ProfileChange {
    pub fn is_empty(&self) -> bool {
        self.contact == crate::profile::Contact::default()
            && self.description.is_none()
            && self.last_checkout_completed_at.is_none()
            && self.custom.is_empty()
    }
}

fn text_value(value: &FieldValue) -> Option<&str> {
    match value {
        FieldValue::Text(t) => Some(t),
        _ => None,
    }
}

/// A date in ms since the epoch, whole and in range.
fn date_value(value: &FieldValue) -> Option<Millis> {
    match value {
        FieldValue::Number(n) if n.fract() == 0.0 && (0.0..MAX_DATE_MS).contains(n) => Some(*n as Millis),
        _ => None,
    }
}

/// `value` checked against a custom field's type, in its stored form.
pub fn typed_value(ty: FieldType, value: &FieldValue, path: &str) -> Result<FieldValue, FieldError> {
    let wrong = |expected: &str| FieldError::new(path, format!("must be {expected}"));
    match (ty, value) {
        (FieldType::Text, FieldValue::Text(t)) => {
            if t.chars().count() > MAX_TEXT_CHARS {
                return Err(wrong("a string of at most 2000 characters"));
            }
            Ok(FieldValue::Text(t.trim().to_owned()))
        }
        (FieldType::Text, _) => Err(wrong("a string")),
        (FieldType::Number, FieldValue::Number(n)) if n.is_finite() => Ok(FieldValue::Number(*n)),
        (FieldType::Number, _) => Err(wrong("a number")),
        (FieldType::Boolean, FieldValue::Bool(b)) => Ok(FieldValue::Bool(*b)),
        (FieldType::Boolean, _) => Err(wrong("true or false")),
        (FieldType::Date, v) => {
            date_value(v).map(|ms| FieldValue::Number(ms as f64)).ok_or_else(|| wrong("a date in ms since the epoch"))
        }
        // `[]` reads as an empty list of numbers: it is the empty list.
        (FieldType::List, FieldValue::Numbers(n)) if n.is_empty() => Ok(FieldValue::Texts(Vec::new())),
        (FieldType::List, FieldValue::Texts(items)) => {
            if items.len() > MAX_LIST_ITEMS || items.iter().any(|i| i.chars().count() > MAX_ITEM_CHARS) {
                return Err(wrong("a list of at most 100 strings of at most 256 characters"));
            }
            let mut out: Vec<String> = Vec::with_capacity(items.len());
            for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
                if !out.iter().any(|o| o == item) {
                    out.push(item.to_owned());
                }
            }
            Ok(FieldValue::Texts(out))
        }
        (FieldType::List, _) => Err(wrong("a list of strings")),
    }
}

/// Checks `values` from `writer` against the channel's custom `fields`; `path` prefixes
/// the keys in errors (`profile`). Unknown keys and wrong types are refused; the site's
/// values for hidden fields are dropped (they are no longer collected).
pub fn resolve(
    values: &ProfileValues,
    fields: &[CustomField],
    writer: Writer,
    path: &str,
) -> Result<ProfileChange, FieldError> {
    let mut change = ProfileChange { strict: writer == Writer::Manager, ..ProfileChange::default() };
    for (name, value) in values {
        let at = format!("{path}.{name}");
        if let Some(&(_, _, _, access)) = BUILT_IN_PROFILE.iter().find(|(n, ..)| *n == name) {
            match (access, writer) {
                (Access::FirstTouch, _) => {
                    return Err(FieldError::new(at, "is set from the visitor's first visit and cannot be written"));
                }
                (Access::ManagerOnly, Writer::Site) => {
                    return Err(FieldError::new(at, "is the manager's memo; the site cannot write it"));
                }
                _ => {}
            }
            let Some(value) = value else {
                if name == "description" {
                    change.description = Some(None);
                    continue;
                }
                if name == "lastCheckoutCompletedAt" {
                    change.last_checkout_completed_at = Some(None);
                    continue;
                }
                return Err(FieldError::new(at, "cannot be cleared"));
            };
            match name.as_str() {
                "description" => {
                    let memo = typed_value(FieldType::Text, value, &at)?;
                    change.description = Some(text_value(&memo).filter(|t| !t.is_empty()).map(str::to_owned));
                }
                "lastCheckoutCompletedAt" => {
                    let at_ms = date_value(value)
                        .ok_or_else(|| FieldError::new(&at, "must be a date in ms since the epoch"))?;
                    change.last_checkout_completed_at = Some(Some(at_ms));
                }
                contact => {
                    let text = text_value(value).ok_or_else(|| FieldError::new(&at, "must be a string"))?.to_owned();
                    match contact {
                        "name" => change.contact.name = Some(text),
                        "email" => change.contact.email = Some(text),
                        _ => change.contact.mobile_number = Some(text),
                    }
                }
            }
            continue;
        }
        let field = fields.iter().find(|f| f.name == *name).ok_or_else(|| {
            FieldError::new(&at, "is not a profile field of this channel (add it to the channel's fields first)")
        })?;
        if field.visibility == Visibility::Hidden {
            if writer == Writer::Site {
                continue;
            }
            return Err(FieldError::new(&at, "is hidden: it is no longer collected (make it visible first)"));
        }
        let value = value.as_ref().map(|v| typed_value(field.ty, v, &at)).transpose()?;
        change.custom.push(CustomWrite { name: name.clone(), value, write_once: field.write_once });
    }
    change.contact.validate(path)?;
    Ok(change)
}

/// One row of a channel's field list, as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldOut {
    /// `profile.plan`, `sessionsCount`, ...
    pub key: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub built_in: bool,
    pub write_once: bool,
    /// Who may write its values.
    pub access: Access,
    pub visibility: Visibility,
}

/// A channel's profile-field settings, as stored: custom fields and the display name,
/// position and visibility overrides of built-in ones.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSetting {
    pub name: String,
    pub display_name: String,
    pub ty: FieldType,
    pub built_in: bool,
    pub write_once: bool,
    pub visibility: Visibility,
    pub position: i64,
}

/// The default settings row of each built-in profile field (positions 0..).
pub fn built_in_settings() -> Vec<FieldSetting> {
    BUILT_IN_PROFILE
        .iter()
        .zip(0..)
        .map(|(&(name, display, ty, access), position)| FieldSetting {
            name: name.to_owned(),
            display_name: display.to_owned(),
            ty,
            built_in: true,
            write_once: access == Access::FirstTouch,
            visibility: Visibility::Visible,
            position,
        })
        .collect()
}

/// Every profile field of a channel in display order: the built-in defaults overridden
/// by `stored` rows, plus the custom fields. Ties in position keep built-ins first.
pub fn profile_settings(stored: &[FieldSetting]) -> Vec<FieldSetting> {
    let mut all = built_in_settings();
    for row in stored {
        match all.iter_mut().find(|s| s.name == row.name) {
            Some(built_in) if built_in.built_in => {
                built_in.display_name = row.display_name.clone();
                built_in.position = row.position;
                built_in.visibility = row.visibility;
            }
            Some(_) => {}
            None if !row.built_in => all.push(row.clone()),
            None => {}
        }
    }
    all.sort_by_key(|s| (s.position, !s.built_in));
    all
}

/// The custom fields among `settings`.
pub fn custom_fields(settings: &[FieldSetting]) -> Vec<CustomField> {
    settings
        .iter()
        .filter(|s| !s.built_in)
        .map(|s| CustomField {
            name: s.name.clone(),
            display_name: s.display_name.clone(),
            ty: s.ty,
            write_once: s.write_once,
            visibility: s.visibility,
        })
        .collect()
}

/// The channel's whole field list: Kizuna's read-only built-in fields (and the managers'
/// `tags` and unsubscribe flags), then the profile fields in their order.
pub fn field_list(settings: &[FieldSetting]) -> Vec<FieldOut> {
    let mut out: Vec<FieldOut> = crate::customer::BUILT_IN
        .iter()
        .filter(|(key, ..)| !key.starts_with("profile."))
        .map(|&(key, ty, _)| {
            let manager = matches!(key, "tags" | "unsubscribeEmail" | "unsubscribeTexting");
            FieldOut {
                key: key.to_owned(),
                display_name: key.to_owned(),
                ty,
                built_in: true,
                write_once: false,
                access: if manager { Access::ManagerOnly } else { Access::ReadOnly },
                visibility: Visibility::Visible,
            }
        })
        .collect();
    for s in settings {
        let access =
            BUILT_IN_PROFILE.iter().find(|(n, ..)| *n == s.name).map_or(Access::SiteAndManager, |&(.., access)| access);
        out.push(FieldOut {
            key: format!("profile.{}", s.name),
            display_name: s.display_name.clone(),
            ty: s.ty,
            built_in: s.built_in,
            write_once: s.write_once,
            access,
            visibility: s.visibility,
        });
    }
    out
}

/// `POST /admin/v1/channels/{channel}/fields`: a new custom field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldIn {
    /// `profile.` and the name the site sends the value under.
    pub key: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub write_once: bool,
}

/// `PATCH /admin/v1/channels/{channel}/fields/{key}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Refused: a field's type never changes.
    #[serde(default, rename = "type")]
    pub ty: Option<FieldType>,
}

/// `PUT /admin/v1/channels/{channel}/fields/order`: every profile field key, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldOrder {
    pub keys: Vec<String>,
}

impl FieldOrder {
    /// The field names in the new order, checked to be exactly the channel's profile fields.
    pub fn names(&self, settings: &[FieldSetting]) -> Result<Vec<String>, FieldError> {
        let mut names = Vec::with_capacity(self.keys.len());
        for (i, key) in self.keys.iter().enumerate() {
            let at = format!("keys[{i}]");
            let name = key.strip_prefix("profile.").ok_or_else(|| FieldError::new(&at, "must be a profile.* key"))?;
            if !settings.iter().any(|s| s.name == name) {
                return Err(FieldError::new(at, format!("{key} is not a profile field of this channel")));
            }
            if names.iter().any(|n| n == name) {
                return Err(FieldError::new(at, format!("{key} is listed twice")));
            }
            names.push(name.to_owned());
        }
        if let Some(missing) = settings.iter().find(|s| !names.contains(&s.name)) {
            return Err(FieldError::new(
                "keys",
                format!("must list every profile field; profile.{} is missing", missing.name),
            ));
        }
        Ok(names)
    }
}

/// Custom fields of every type and visibility, for tests here and in `profile`.
#[cfg(test)]
pub(crate) fn sample_fields() -> Vec<CustomField> {
    let field = |name: &str, ty, write_once, visibility| CustomField {
        name: name.into(),
        display_name: name.into(),
        ty,
        write_once,
        visibility,
    };
    vec![
        field("plan", FieldType::Text, false, Visibility::Visible),
        field("points", FieldType::Number, false, Visibility::Archived),
        field("vip", FieldType::Boolean, false, Visibility::Visible),
        field("signedUpAt", FieldType::Date, true, Visibility::Visible),
        field("interests", FieldType::List, false, Visibility::Visible),
        field("old", FieldType::Text, false, Visibility::Hidden),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Vec<CustomField> {
        sample_fields()
    }

    fn values(json: &str) -> ProfileValues {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_type_takes_its_values_and_refuses_others_naming_the_field() {
        let ok = resolve(
            &values(r#"{"plan":" gold ","points":12.5,"vip":true,"signedUpAt":1700000000000,"interests":["tea"," tea","cups"]}"#),
            &plan(),
            Writer::Site,
            "profile",
        )
        .unwrap();
        let written: Vec<(&str, Option<&FieldValue>)> =
            ok.custom.iter().map(|w| (w.name.as_str(), w.value.as_ref())).collect();
        assert_eq!(
            written,
            vec![
                ("interests", Some(&FieldValue::Texts(vec!["tea".into(), "cups".into()]))),
                ("plan", Some(&FieldValue::Text("gold".into()))),
                ("points", Some(&FieldValue::Number(12.5))),
                ("signedUpAt", Some(&FieldValue::Number(1_700_000_000_000.0))),
                ("vip", Some(&FieldValue::Bool(true))),
            ]
        );
        for (json, field) in [
            (r#"{"plan":3}"#, "profile.plan"),
            (r#"{"points":"many"}"#, "profile.points"),
            (r#"{"vip":"yes"}"#, "profile.vip"),
            (r#"{"signedUpAt":1.5}"#, "profile.signedUpAt"),
            (r#"{"signedUpAt":"2026-01-01"}"#, "profile.signedUpAt"),
            (r#"{"interests":"tea"}"#, "profile.interests"),
            (r#"{"interests":[1,2]}"#, "profile.interests"),
            (r#"{"nope":1}"#, "profile.nope"),
            (r#"{"utmSource":"x"}"#, "profile.utmSource"),
            (r#"{"email":"not-an-email"}"#, "profile.email"),
        ] {
            let err = resolve(&values(json), &plan(), Writer::Site, "profile").unwrap_err();
            assert_eq!(err.field, field, "{json}: {}", err.problem);
        }
    }

    #[test]
    fn an_empty_list_is_a_list() {
        let change = resolve(&values(r#"{"interests":[]}"#), &plan(), Writer::Site, "profile").unwrap();
        assert_eq!(change.custom[0].value, Some(FieldValue::Texts(vec![])));
    }

    #[test]
    fn a_hidden_field_is_not_collected_from_the_site_and_refused_to_a_manager() {
        let site = resolve(&values(r#"{"old":"x"}"#), &plan(), Writer::Site, "profile").unwrap();
        assert!(site.is_empty());
        let manager = resolve(&values(r#"{"old":"x"}"#), &plan(), Writer::Manager, "profile").unwrap_err();
        assert_eq!(manager.field, "profile.old");
    }

    #[test]
    fn the_memo_is_the_managers_and_may_be_cleared() {
        let err = resolve(&values(r#"{"description":"vip"}"#), &plan(), Writer::Site, "profile").unwrap_err();
        assert_eq!(err.field, "profile.description");
        let set = resolve(&values(r#"{"description":"called twice"}"#), &plan(), Writer::Manager, "profile").unwrap();
        assert_eq!(set.description, Some(Some("called twice".into())));
        let cleared = resolve(&values(r#"{"description":null}"#), &plan(), Writer::Manager, "profile").unwrap();
        assert_eq!(cleared.description, Some(None));
        let err = resolve(&values(r#"{"email":null}"#), &plan(), Writer::Manager, "profile").unwrap_err();
        assert_eq!(err.field, "profile.email");
    }

    #[test]
    fn write_once_travels_with_the_write_and_managers_write_strictly() {
        let change = resolve(&values(r#"{"signedUpAt":1700000000000}"#), &plan(), Writer::Manager, "profile").unwrap();
        assert!(change.strict && change.custom[0].write_once);
    }

    #[test]
    fn new_names_are_checked_against_built_ins_and_existing_fields() {
        assert!(check_new_name("favouriteTea", &plan(), "key").is_ok());
        for bad in ["", "has space", "email", "plan", "old", "ü"] {
            assert!(check_new_name(bad, &plan(), "key").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stored_rows_override_built_ins_and_order_the_list() {
        let custom = FieldSetting {
            name: "plan".into(),
            display_name: "Plan".into(),
            ty: FieldType::Text,
            built_in: false,
            write_once: false,
            visibility: Visibility::Visible,
            position: 0,
        };
        let email = FieldSetting { name: "email".into(), display_name: "E-mail".into(), position: 1, ..custom.clone() };
        let email = FieldSetting { built_in: true, ..email };
        let all = profile_settings(&[custom, email]);
        let names: Vec<&str> = all.iter().take(3).map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["name", "plan", "email"]);
        assert_eq!(all[2].display_name, "E-mail");
        assert_eq!(all[2].ty, FieldType::Text, "a built-in's type never changes");
        let order = FieldOrder { keys: all.iter().rev().map(|s| format!("profile.{}", s.name)).collect() };
        assert_eq!(order.names(&all).unwrap().first().map(String::as_str), Some("utmTerm"));
        let short = FieldOrder { keys: vec!["profile.name".into()] };
        assert_eq!(short.names(&all).unwrap_err().field, "keys");
        let twice = FieldOrder { keys: vec!["profile.name".into(), "profile.name".into()] };
        assert_eq!(twice.names(&all).unwrap_err().field, "keys[1]");
    }

    #[test]
    fn the_field_list_starts_with_kizunas_fields_and_names_who_writes() {
        let list = field_list(&profile_settings(&[]));
        assert_eq!(list[0].key, "id");
        let memo = list.iter().find(|f| f.key == "profile.description").unwrap();
        assert_eq!(memo.access, Access::ManagerOnly);
        let tags = list.iter().find(|f| f.key == "tags").unwrap();
        assert_eq!((tags.access, tags.ty), (Access::ManagerOnly, FieldType::List));
        assert!(list.iter().find(|f| f.key == "profile.utmSource").unwrap().write_once);
    }
}
