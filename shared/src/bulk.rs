//! Bulk actions on customers (seed 003): add or remove tags and set or clear the
//! unsubscribe flags, on selected customers or on every result of a search. The edge
//! runs one as a job in batches of [`BATCH`] customers, in id order, until none is left,
//! so it finishes whatever the count.
//!
//! Invariants: every change is idempotent (a tag set union or difference, a flag set to
//! a value), so a batch applied twice changes nothing the second time; a customer's
//! `updatedAt` moves only when the action actually changed it.

use crate::filter::FilterDoc;
use serde::{Deserialize, Serialize};

/// Customers per batch.
pub const BATCH: u32 = 500;
/// Most ids one request may select (larger selections are searches).
pub const MAX_IDS: usize = 10_000;
/// Most tags one action may add or remove.
pub const MAX_TAGS: usize = 50;
/// Where a bulk job is: `running` until its last batch, then `done`, or `failed`.
/// Stored in `bulk_jobs.state`, shown as `JobOut::state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<JobState> {
        [JobState::Running, JobState::Done, JobState::Failed].into_iter().find(|s| s.as_str() == text)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_state_reads_and_writes_as_stored() {
        for state in [JobState::Running, JobState::Done, JobState::Failed] {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state.as_str()));
        }
        assert_eq!(JobState::parse("sending"), None);
    }
}
