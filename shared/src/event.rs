//! Events a site sends about a visitor (`PageView`, `CheckoutComplete`, ...).

use crate::ids::EventId;
use std::collections::BTreeMap;

/// A property value of an event: text, number or boolean.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum PropertyValue {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// The built-in event the widget sends on every page load and navigation.
pub const PAGE_VIEW: &str = "PageView";

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub name: String,
    pub properties: BTreeMap<String, PropertyValue>,
}

impl Event {
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.properties.get(key) {
            Some(PropertyValue::Text(text)) => Some(text),
            _ => None,
        }
    }
}

/// Event names: 1 to 64 characters of letters, digits, `_ - . :` (so `PageView`,
/// `checkout.completed`, `form:submit`).
pub fn check_event_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 64 {
        return Err("must be 1 to 64 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b)) {
        return Err("may contain only letters, digits, '_', '-', '.' and ':'");
    }
    Ok(())
}
