//! Bulk actions on customers (seed 003): add or remove tags and set or clear the
//! unsubscribe flags, on selected customers or on every result of a search. The edge
//! runs one as a job in batches of [`BATCH`] customers, in id order, until none is left,
//! so it finishes whatever the count.
//!
//! Invariants: every change is idempotent (a tag set union or difference, a flag set to
//! a value), so a batch applied twice changes nothing the second time; a customer's
//! `updatedAt` moves only when the action actually changed it.

use crate::admin_wire::FilterDoc;
use crate::stored::FieldError;
use serde::{Deserialize, Serialize};

/// Customers per batch.
pub const BATCH: u32 = 500;
/// Most ids one request may select (larger selections are searches).
pub const MAX_IDS: usize = 10_000;
/// Most tags one action may add or remove.
pub const MAX_TAGS: usize = 50;
const MAX_TAG_CHARS: usize = 50;

/// `POST /admin/v1/channels/{channel}/customers/bulk`: exactly one target (`ids`, or a
/// search by `q`, `filter` and/or `segment`) and at least one change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkIn {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub add_tags: Vec<String>,
    #[serde(default)]
    pub remove_tags: Vec<String>,
    #[serde(default)]
    pub unsubscribe_email: Option<bool>,
    #[serde(default)]
    pub unsubscribe_texting: Option<bool>,
}

/// What a job does to each customer it reaches (its stored form).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkChange {
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub unsubscribe_email: Option<bool>,
    pub unsubscribe_texting: Option<bool>,
}

/// Which customers a job reaches (its stored form): listed ids, or the customers a
/// filter matches at the job's `now` (a search and a segment are folded into it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BulkTarget {
    Ids(Vec<String>),
    Filter(FilterDoc),
}

fn tags(list: &[String], field: &str) -> Result<Vec<String>, FieldError> {
    if list.len() > MAX_TAGS {
        return Err(FieldError::new(field, format!("at most {MAX_TAGS} tags")));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, tag) in list.iter().enumerate() {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
            return Err(FieldError::new(
                format!("{field}[{i}]"),
                "a tag is 1 to 50 characters without control characters",
            ));
        }
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_owned());
        }
    }
    Ok(out)
}

impl BulkIn {
    /// The checked change.
    pub fn change(&self) -> Result<BulkChange, FieldError> {
        let change = BulkChange {
            add_tags: tags(&self.add_tags, "addTags")?,
            remove_tags: tags(&self.remove_tags, "removeTags")?,
            unsubscribe_email: self.unsubscribe_email,
            unsubscribe_texting: self.unsubscribe_texting,
        };
        if let Some(tag) = change.add_tags.iter().find(|t| change.remove_tags.contains(t)) {
            return Err(FieldError::new("removeTags", format!("{tag:?} is both added and removed")));
        }
        if change == BulkChange::default() {
            return Err(FieldError::new(
                "addTags",
                "say what to change: addTags, removeTags, unsubscribeEmail or unsubscribeTexting",
            ));
        }
        Ok(change)
    }

    /// The listed ids (checked and de-duplicated), or `None` for a search target.
    pub fn ids(&self) -> Result<Option<Vec<String>>, FieldError> {
        let search = self.q.is_some() || self.filter.is_some() || self.segment.is_some();
        let Some(ids) = &self.ids else {
            return if search { Ok(None) } else { Err(FieldError::new("ids", "give ids, or q, filter or segment")) };
        };
        if search {
            return Err(FieldError::new("ids", "give ids or a search (q, filter, segment), not both"));
        }
        if ids.is_empty() || ids.len() > MAX_IDS {
            return Err(FieldError::new("ids", format!("1 to {MAX_IDS} customer ids")));
        }
        let mut out: Vec<String> = ids.clone();
        if let Some(i) = out.iter().position(|id| crate::ids::VisitorId::parse(id).is_err()) {
            return Err(FieldError::new(format!("ids[{i}]"), "not a customer id"));
        }
        out.sort();
        out.dedup();
        Ok(Some(out))
    }
}

/// A job as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobOut {
    pub id: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// Customers the target matched when the job was created.
    pub total: i64,
    /// Customers reached so far (batches done).
    pub processed: i64,
    /// Customers the action actually changed (their `updatedAt` moved).
    pub changed: i64,
    pub batches: i64,
    pub change: BulkChange,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> BulkIn {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_bulk_action_needs_one_target_and_a_change() {
        assert_eq!(body(r#"{"addTags":["vip"]}"#).ids().unwrap_err().field, "ids");
        assert_eq!(body(r#"{"ids":["v_1"],"q":"x","addTags":["vip"]}"#).ids().unwrap_err().field, "ids");
        assert_eq!(body(r#"{"ids":[],"addTags":["vip"]}"#).ids().unwrap_err().field, "ids");
        assert_eq!(body(r#"{"ids":["v_1","bad id!"]}"#).ids().unwrap_err().field, "ids[1]");
        assert_eq!(body(r#"{"ids":["v_2","v_1","v_2"]}"#).ids().unwrap(), Some(vec!["v_1".into(), "v_2".into()]));
        assert_eq!(body(r#"{"q":"tanaka"}"#).ids().unwrap(), None);
        assert_eq!(body(r#"{"ids":["v_1"]}"#).change().unwrap_err().field, "addTags");
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_checked() {
        let change = body(r#"{"addTags":[" vip","vip","tea"],"unsubscribeEmail":false}"#).change().unwrap();
        assert_eq!(change.add_tags, ["vip", "tea"]);
        assert_eq!(change.unsubscribe_email, Some(false));
        assert_eq!(body(r#"{"addTags":["ok",""]}"#).change().unwrap_err().field, "addTags[1]");
        assert_eq!(body(r#"{"addTags":["a"],"removeTags":["a"]}"#).change().unwrap_err().field, "removeTags");
    }
}
