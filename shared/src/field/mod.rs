//! Field values and a channel's field schema: the types a customer field can have, the
//! built-in fields every channel has, the custom `profile.*` fields managers add, and a
//! value as admin JSON carries it.
//!
//! Invariant: this is the layer below filters and profiles; it imports only primitives
//! (`time`, `invalid`, `text`), so filters, profiles and the stored and wire shapes can
//! all use one meaning of a field.

pub mod custom;
pub mod schema;

pub use custom::*;
pub use schema::*;

use crate::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// "String" in the product's words.
    #[serde(rename = "string")]
    Text,
    Number,
    Boolean,
    Date,
    List,
}

/// A field value of a customer.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(Millis),
    List(Vec<String>),
}

/// A customer as filters see it: field key (`name`, `profile.plan`, ...) to value. A
/// missing key means the customer has no value for that field.
pub type Record = BTreeMap<String, Value>;

/// A value in admin JSON: filter operands and customer field values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Bool(bool),
    Number(f64),
    Text(String),
    Numbers(Vec<f64>),
    Texts(Vec<String>),
}
