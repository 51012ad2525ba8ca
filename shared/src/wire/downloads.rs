//! The admin API's downloads (issue 13): campaign results, customer exports as jobs, one
//! customer's data, and the audit log. Every download asks for a reason and a file
//! password; only owners may download, and every attempt is logged.

use crate::download::{AuditAction, ExportColumn, FileKind};
use crate::filter::FilterDoc;
use crate::invalid::FieldError;
use serde::{Deserialize, Serialize};

/// `POST …/campaigns/{id}/download` and `POST …/customers/{id}/download`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DownloadIn {
    pub reason: String,
    pub password: String,
}

/// `POST …/exports`: every customer (neither `ids` nor a search), the results of a search
/// (`q`, `filter` and/or `segment`) or the selected `ids`; `columns` as
/// `GET …/exports/columns` lists their keys (all of them when absent).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportIn {
    pub reason: String,
    pub password: String,
    /// `xlsx` or `csv`.
    pub format: FileKind,
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
    #[serde(default)]
    pub segment: Option<String>,
}

impl ExportIn {
    /// The format, checked: a customer file is a workbook or a CSV.
    pub fn format(&self) -> Result<FileKind, FieldError> {
        match self.format {
            FileKind::Xlsx | FileKind::Csv => Ok(self.format),
            FileKind::Json => Err(FieldError::new("format", "xlsx or csv")),
        }
    }

    /// Whether this asks for a search's results (as opposed to all or a selection).
    pub fn is_search(&self) -> bool {
        self.q.is_some() || self.filter.is_some() || self.segment.is_some()
    }
}

/// What an export takes: everyone, a search's results, or a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExportScope {
    All,
    Search,
    Selection,
}

/// The state of an export job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExportState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl ExportState {
    pub const ALL: [ExportState; 5] =
        [ExportState::Queued, ExportState::Running, ExportState::Done, ExportState::Failed, ExportState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportState::Queued => "queued",
            ExportState::Running => "running",
            ExportState::Done => "done",
            ExportState::Failed => "failed",
            ExportState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<ExportState> {
        ExportState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the job still runs (it may be cancelled).
    pub fn is_open(self) -> bool {
        matches!(self, ExportState::Queued | ExportState::Running)
    }
}

/// A person as the audit log and the job list name them: kept as they were when they
/// acted, so the log still names someone who has left the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorOut {
    /// `null` for a channel's own API token.
    pub account_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
}

/// One finished file of an export; `GET …/exports/{id}/files/{n}` downloads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportFileOut {
    /// 1, 2, …
    pub n: u32,
    pub rows: u32,
    pub bytes: u64,
    /// The file's name as it downloads.
    pub name: String,
}

/// An export job as the job list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportJobOut {
    pub id: String,
    pub state: ExportState,
    pub format: FileKind,
    pub scope: ExportScope,
    pub columns: Vec<String>,
    /// Customers the job found when it was asked for.
    pub total: u64,
    /// Customers written so far.
    pub processed: u64,
    pub files: Vec<ExportFileOut>,
    pub requested_by: ActorOut,
    pub reason: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    /// When the files stop downloading (24 hours after the job finished).
    pub expires_at: Option<i64>,
    /// Why the job failed.
    pub error: Option<String>,
}

/// `GET …/exports`: the channel's jobs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportJobsOut {
    pub items: Vec<ExportJobOut>,
}

/// `GET …/exports/columns`: every column a customer file can hold, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportColumnsOut {
    pub columns: Vec<ExportColumn>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryOut {
    pub id: String,
    pub at: i64,
    pub actor: ActorOut,
    pub action: AuditAction,
    /// `false` when the attempt was refused (a member, a channel token).
    pub allowed: bool,
    pub campaign_id: Option<String>,
    pub customer_id: Option<String>,
    pub export_id: Option<String>,
    /// The search an export took, as asked.
    pub search: Option<AuditSearch>,
    pub columns: Option<Vec<String>>,
    pub rows: Option<u64>,
    pub file_kind: Option<FileKind>,
    pub reason: String,
    /// The client's address (`CF-Connecting-IP`).
    pub ip: Option<String>,
}

/// Which customers an export took: a search (`q`, `filter`, `segment`) or how many
/// selected `ids`; absent for every customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditSearch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<FilterDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<u64>,
}

/// `GET …/audit`: entries newest first; `next` continues the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditPageOut {
    pub items: Vec<AuditEntryOut>,
    pub next: Option<String>,
}
