//! The visitor's Durable Object record as stored, version 1, and its conversion to and
//! from the engine's [`VisitorState`].
//!
//! Invariant: the record lives as long as the visitor, so its JSON never changes shape;
//! entries that no longer parse are dropped on reading rather than failing the visitor.

use crate::deliver::{Assigned, Pending, Progress, RECENT_EVENTS, Shown, Unread, VisitorState};
use crate::ids::{CampaignId, EventId};
use crate::profile::Profile;
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// A visitor's Durable Object record, version 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitorRecordV1 {
    pub first_seen_at: Option<Millis>,
    pub last_seen_at: Option<Millis>,
    /// `(campaign id, last delivered at)`.
    pub received: Vec<(String, Millis)>,
    pub recent_events: Vec<String>,
    /// The live customer profile (absent in records written before it existed).
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Automated campaigns under way (absent in records written before them).
    #[serde(default)]
    pub progress: Vec<Progress>,
    #[serde(default)]
    pub pending: Vec<Pending>,
    #[serde(default)]
    pub shown: Vec<Shown>,
    /// `(channel, visitor id)`: lets the object's alarm act without a request.
    #[serde(default)]
    pub key: Option<(String, String)>,
    /// `(campaign id, arm)`: the variant arms assigned (absent before variants, and left
    /// out when empty so older records keep their bytes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<(String, Assigned)>,
    /// Messages a page took that wait unviewed behind the launcher (absent before them,
    /// and left out when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
}

impl From<&VisitorState> for VisitorRecordV1 {
    fn from(state: &VisitorState) -> VisitorRecordV1 {
        VisitorRecordV1 {
            first_seen_at: state.first_seen_at,
            last_seen_at: state.last_seen_at,
            received: state.received.iter().map(|(id, at)| (id.as_str().to_owned(), *at)).collect(),
            recent_events: state.recent_events.iter().map(|id| id.as_str().to_owned()).collect(),
            profile: None,
            progress: state.progress.clone(),
            pending: state.pending.iter().cloned().collect(),
            shown: state.shown.iter().cloned().collect(),
            key: None,
            arms: state.arms.iter().map(|(id, arm)| (id.as_str().to_owned(), *arm)).collect(),
            unread: state.unread.iter().cloned().collect(),
        }
    }
}

impl From<&VisitorRecordV1> for VisitorState {
    /// Entries that no longer parse are dropped rather than failing the visitor.
    fn from(record: &VisitorRecordV1) -> VisitorState {
        let skip = record.recent_events.len().saturating_sub(RECENT_EVENTS);
        VisitorState {
            first_seen_at: record.first_seen_at,
            last_seen_at: record.last_seen_at,
            received: record.received.iter().filter_map(|(id, at)| Some((CampaignId::parse(id).ok()?, *at))).collect(),
            recent_events: record.recent_events[skip..].iter().filter_map(|id| EventId::parse(id).ok()).collect(),
            progress: record.progress.clone(),
            pending: record.pending.iter().cloned().collect(),
            shown: record.shown.iter().cloned().collect(),
            arms: record.arms.iter().filter_map(|(id, arm)| Some((CampaignId::parse(id).ok()?, *arm))).collect(),
            unread: record.unread.iter().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_record_round_trips() {
        let mut state = VisitorState::default();
        state.touch(5);
        state.received.insert(CampaignId::parse("c1").unwrap(), 5);
        state.recent_events.push_back(EventId::parse("e1").unwrap());
        let record = VisitorRecordV1::from(&state);
        let json = serde_json::to_string(&record).unwrap();
        let back: VisitorRecordV1 = serde_json::from_str(&json).unwrap();
        assert_eq!(VisitorState::from(&back), state);
    }
}
