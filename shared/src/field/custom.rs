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

use crate::field::{FieldType, FieldValue};
use crate::invalid::FieldError;
use crate::text::MAX_TEXT_CHARS;
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// Most custom fields a channel may have (hidden and archived ones included).
pub const MAX_CUSTOM_FIELDS: usize = 200;
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

/// A date in ms since the epoch, whole and in range.
pub fn date_value(value: &FieldValue) -> Option<Millis> {
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

impl FieldSetting {
    /// This field with a PATCH applied: its type never changes (giving the same type is
    /// accepted), its display name is checked, and a built-in field cannot be hidden
    /// (Kizuna always collects it; archiving it is how it leaves the view).
    pub fn patched(
        &self,
        display_name: Option<&str>,
        visibility: Option<Visibility>,
        ty: Option<FieldType>,
    ) -> Result<FieldSetting, FieldError> {
        let mut field = self.clone();
        if ty.is_some_and(|ty| ty != field.ty) {
            return Err(FieldError::new("type", "a field's type never changes; add a new field instead"));
        }
        if let Some(display_name) = display_name {
            field.display_name = check_display_name(display_name, "displayName")?;
        }
        if let Some(visibility) = visibility {
            if field.built_in && visibility == Visibility::Hidden {
                return Err(FieldError::new("visibility", "a built-in field is always collected; archive it instead"));
            }
            field.visibility = visibility;
        }
        Ok(field)
    }
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
    use crate::wire::admin::FieldOrder;

    fn plan() -> Vec<CustomField> {
        sample_fields()
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

    fn setting(name: &str) -> FieldSetting {
        profile_settings(&[FieldSetting {
            name: "plan".into(),
            display_name: "Plan".into(),
            ty: FieldType::Text,
            built_in: false,
            write_once: false,
            visibility: Visibility::Visible,
            position: 20,
        }])
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
    }

    #[track_caller]
    fn check_patch(
        name: &str,
        display: Option<&str>,
        visibility: Option<Visibility>,
        ty: Option<FieldType>,
        refused: Option<&str>,
    ) {
        let got = setting(name).patched(display, visibility, ty);
        assert_eq!(got.as_ref().err().map(|e| e.field.as_str()), refused, "{got:?}");
    }

    #[test]
    fn a_fields_type_never_changes() {
        check_patch("plan", None, None, Some(FieldType::Number), Some("type"));
        check_patch("plan", None, None, Some(FieldType::Text), None);
    }

    #[test]
    fn a_built_in_field_cannot_be_hidden_only_archived() {
        check_patch("email", None, Some(Visibility::Hidden), None, Some("visibility"));
        check_patch("email", None, Some(Visibility::Archived), None, None);
        check_patch("plan", None, Some(Visibility::Hidden), None, None);
    }

    #[test]
    fn a_patched_display_name_is_checked_and_trimmed() {
        check_patch("plan", Some("   "), None, None, Some("displayName"));
        assert_eq!(setting("plan").patched(Some(" Tier "), None, None).unwrap().display_name, "Tier");
    }
}
