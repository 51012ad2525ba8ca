//! A checked write of `profile` values from the site or a manager: which values a
//! writer may set, clear or not touch, resolved against the channel's custom fields
//! into a [`ProfileChange`] the visitor's object applies.
//!
//! Invariants: unknown keys and wrong types are refused naming `profile.<key>`; the
//! site's values for hidden fields are dropped (they are no longer collected); a
//! manager's change is strict (a write-once field with another value refuses it whole).

use super::Contact;
use crate::field::{Access, BUILT_IN_PROFILE, CustomField, FieldType, FieldValue, Visibility, date_value, typed_value};
use crate::invalid::FieldError;
use crate::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who writes `profile` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// The site, through the widget's `boot` and `updateUser`.
    Site,
    /// A manager, through the admin API.
    Manager,
}

/// `profile` values as the site or a manager sends them: key (without `profile.`) to
/// value; `null` clears a value where clearing is allowed.
pub type ProfileValues = BTreeMap<String, Option<FieldValue>>;

/// A checked write of profile values, ready for the visitor's object to apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileChange {
    #[serde(default)]
    pub contact: Contact,
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
    /// The site's change comes with identity verification (a sign-in with a valid
    /// `memberHash`, or `updateUser` on a channel that verifies): like a manager's, it
    /// may replace any contact value. An unverified one may only fill empty fields or
    /// replace values an unverified writer set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
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
    /// Whether this change comes from a trusted writer: a manager (an import, later) or a
    /// verified site.
    pub fn trusted(&self) -> bool {
        self.strict || self.verified
    }

    pub fn is_empty(&self) -> bool {
        self.contact == Contact::default()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Vec<CustomField> {
        crate::field::sample_fields()
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
}
