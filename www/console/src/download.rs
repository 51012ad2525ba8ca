//! Downloads (issue 13) as the console decides them: what the download dialog checks
//! before sending (the shared `check_reason` and `check_password`, so the console and the
//! API never disagree), where an API refusal is shown in the dialog, the body of a
//! customer export from the list's state, the name a downloaded file is saved under, and
//! the audit log's period and query. Pure; the browser side is `download_dialog` and
//! `exports`.
//!
//! Invariant: an export asks for exactly what the list showed when the dialog opened: the
//! selected ids, or the search (`q`, `filter`, `segment`) the list ran, or everyone.

use crate::i18n::Key;
use crate::problem::Problem;
use kizuna_shared::download::{AuditAction, FileKind, check_password, check_reason};
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::time::Day;
use kizuna_shared::wire::downloads::{ExportIn, ExportJobOut, ExportScope, ExportState};

/// The fields of the download dialog, each the API field it sends (and its input's `id`).
pub const DIALOG_FIELDS: &[&str] = &["reason", "password", "format", "columns", "scope"];

/// What the dialog asked: the same for every download, with a format and columns for a
/// customer export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub reason: String,
    pub password: String,
    pub format: FileKind,
    /// The keys picked, in the channel's order; `None` when every column is picked.
    pub columns: Option<Vec<String>>,
}

/// Checks the dialog before it is sent: a reason, a file password of 8 to 255 characters
/// and, for an export, at least one column (`picked` of the columns offered).
pub fn check_dialog(reason: &str, password: &str, picked: Option<usize>) -> Vec<Problem> {
    let mut problems = Vec::new();
    if reason.trim().is_empty() {
        problems.push(Problem::at("reason", Key::DlReasonMissing));
    } else if check_reason(reason).is_err() {
        problems.push(Problem::at("reason", Key::DlReasonInvalid));
    }
    if check_password(password).is_err() {
        problems.push(Problem::at("password", Key::DlPasswordLength));
    }
    if picked == Some(0) {
        problems.push(Problem::at("columns", Key::DlColumnsPick));
    }
    problems
}

/// An API refusal as the dialog shows it: a file password's refusal in the dialog's words
/// (the sign-in form's "not accepted" says nothing of the length), a column named by its
/// place (`columns[3]`) beside the column picker, what names no input of the dialog above it.
pub fn dialog_problem(problem: Problem) -> Problem {
    match problem.field.as_deref() {
        Some("password") if problem.key == Key::PasswordInvalid => Problem { key: Key::DlPasswordLength, ..problem },
        Some(field) if field.starts_with("columns[") => Problem::at("columns", Key::DlColumnUnknown),
        Some(field) if ["ids", "q", "segment", "filter"].iter().any(|f| field.starts_with(f)) => {
            Problem { field: Some("scope".to_owned()), ..problem }
        }
        _ => problem,
    }
}

/// The customer list as the export dialog found it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListState {
    /// The quick search as typed.
    pub q: String,
    pub filter: Option<FilterDoc>,
    pub segment: Option<String>,
    /// The ticked rows.
    pub selected: Vec<String>,
    /// "Select all results" was chosen: the selection is the search's results.
    pub all_results: bool,
    /// How many customers the list's search found, when known.
    pub total: Option<u64>,
}

impl ListState {
    /// Whether the list shows a search's results rather than every customer.
    pub fn searching(&self) -> bool {
        !self.q.trim().is_empty() || self.filter.is_some() || self.segment.is_some()
    }

    fn has_selection(&self) -> bool {
        !self.all_results && !self.selected.is_empty()
    }

    /// The scopes the dialog offers: everyone, the search's results while there is a
    /// search, the selected rows while some are ticked.
    pub fn offered(&self) -> Vec<ExportScope> {
        let mut scopes = vec![ExportScope::All];
        if self.searching() {
            scopes.push(ExportScope::Search);
        }
        if self.has_selection() {
            scopes.push(ExportScope::Selection);
        }
        scopes
    }

    /// What the dialog picks first: the selection, else the search, else everyone (the
    /// narrowest thing the owner was looking at).
    pub fn first_scope(&self) -> ExportScope {
        if self.has_selection() {
            ExportScope::Selection
        } else if self.searching() {
            ExportScope::Search
        } else {
            ExportScope::All
        }
    }
}

/// `POST …/exports`'s body for `scope` of the list `state`.
pub fn export_body(scope: ExportScope, state: &ListState, asked: Asked) -> ExportIn {
    let mut body = ExportIn {
        reason: asked.reason,
        password: asked.password,
        format: asked.format,
        columns: asked.columns,
        ids: None,
        q: None,
        filter: None,
        segment: None,
    };
    match scope {
        ExportScope::All => {}
        ExportScope::Search => {
            body.q = Some(state.q.trim().to_owned()).filter(|q| !q.is_empty());
            body.filter = state.filter.clone();
            body.segment = state.segment.clone();
        }
        ExportScope::Selection => {
            let mut ids = state.selected.clone();
            ids.sort();
            ids.dedup();
            body.ids = Some(ids);
        }
    }
    body
}

/// The columns to send: `None` when every offered column is picked (the API then takes
/// them all, in the channel's order), else the picked keys in the order offered.
pub fn picked_columns(offered: &[(String, bool)]) -> Option<Vec<String>> {
    if offered.iter().all(|(_, on)| *on) {
        return None;
    }
    Some(offered.iter().filter(|(_, on)| *on).map(|(key, _)| key.clone()).collect())
}

/// The name a downloaded file is saved under, from the answer's `Content-Disposition`
/// (`filename*=UTF-8''…` preferred, else `filename="…"`), without any folder part;
/// `fallback` when the header names none.
pub fn file_name(disposition: Option<&str>, fallback: &str) -> String {
    let found = disposition.and_then(|header| {
        let params: Vec<(String, &str)> = header
            .split(';')
            .skip(1)
            .filter_map(|part| part.split_once('='))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim()))
            .collect();
        let extended = params.iter().find(|(name, _)| name == "filename*").and_then(|(_, value)| {
            let (charset, rest) = value.split_once('\'')?;
            let (_, encoded) = rest.split_once('\'')?;
            charset.eq_ignore_ascii_case("utf-8").then(|| percent_decode(encoded)).flatten()
        });
        extended.or_else(|| {
            params.iter().find(|(name, _)| name == "filename").map(|(_, value)| {
                let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
                value.replace("\\\"", "\"").replace("\\\\", "\\")
            })
        })
    });
    let name = found.as_deref().map(|n| n.rsplit(['/', '\\']).next().unwrap_or_default().trim()).unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." { fallback.to_owned() } else { name.to_owned() }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether the job list should keep asking: some job still runs.
pub fn any_open(jobs: &[ExportJobOut]) -> bool {
    jobs.iter().any(|job| job.state.is_open())
}

pub fn state_key(state: ExportState) -> Key {
    match state {
        ExportState::Queued => Key::ExpQueued,
        ExportState::Running => Key::ExpRunning,
        ExportState::Done => Key::ExpDone,
        ExportState::Failed => Key::ExpFailed,
        ExportState::Cancelled => Key::ExpCancelled,
    }
}

pub fn format_key(kind: FileKind) -> Key {
    match kind {
        FileKind::Xlsx => Key::FileXlsx,
        FileKind::Csv => Key::FileCsv,
        FileKind::Json => Key::FileJson,
    }
}

pub fn scope_key(scope: ExportScope) -> Key {
    match scope {
        ExportScope::All => Key::DlScopeAll,
        ExportScope::Search => Key::DlScopeSearch,
        ExportScope::Selection => Key::DlScopeSelection,
    }
}

pub fn action_key(action: AuditAction) -> Key {
    match action {
        AuditAction::CampaignResults => Key::AudCampaignResults,
        AuditAction::CustomerExport => Key::AudCustomerExport,
        AuditAction::ExportFile => Key::AudExportFile,
        AuditAction::CustomerData => Key::AudCustomerData,
    }
}

/// The audit log's period as typed (`YYYY-MM-DD`, either may be empty): the first day
/// and the last day, both included. Problems name `auditFrom` and `auditTo`.
pub fn audit_period(from: &str, to: &str) -> Result<(Option<Day>, Option<Day>), Vec<Problem>> {
    let read = |text: &str, field: &str| -> Result<Option<Day>, Problem> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        Day::parse_iso(text).map(Some).ok_or_else(|| Problem::at(field, Key::AudDateInvalid))
    };
    let (first, last) = (read(from, "auditFrom"), read(to, "auditTo"));
    match (first, last) {
        (Ok(Some(first)), Ok(Some(last))) if last < first => Err(vec![Problem::at("auditTo", Key::AudRangeInvalid)]),
        (Ok(first), Ok(last)) => Ok((first, last)),
        (first, last) => Err([first.err(), last.err()].into_iter().flatten().collect()),
    }
}

/// A day's year, month (1–12) and day of month, for the browser's `Date` (which knows
/// the viewer's zone).
pub fn civil(day: Day) -> (i32, i32, i32) {
    let iso = day.iso();
    let part = |range: std::ops::Range<usize>| iso.get(range).and_then(|p| p.parse().ok()).unwrap_or(1);
    (part(0..4), part(5..7), part(8..10))
}

/// What the audit log asks for: a person (an account id), a period in ms (`to`
/// excluded), and where the previous page ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub next: Option<String>,
}

/// Entries asked for at once.
pub const AUDIT_PAGE: u32 = 50;

impl AuditQuery {
    /// `GET …/audit`'s path and query under `base` (`/admin/v1/channels/{c}`).
    pub fn path(&self, base: &str) -> String {
        let mut query = vec![format!("limit={AUDIT_PAGE}")];
        if let Some(actor) = &self.actor {
            query.push(format!("actor={}", encode(actor)));
        }
        if let Some(from) = self.from {
            query.push(format!("from={from}"));
        }
        if let Some(to) = self.to {
            query.push(format!("to={to}"));
        }
        if let Some(next) = &self.next {
            query.push(format!("next={}", encode(next)));
        }
        format!("{base}/audit?{}", query.join("&"))
    }
}

/// A query value, percent-encoded (everything but unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asked() -> Asked {
        Asked {
            reason: "quarterly review".into(),
            password: "correct horse".into(),
            format: FileKind::Csv,
            columns: None,
        }
    }

    fn state() -> ListState {
        ListState {
            q: "  hanako ".into(),
            filter: None,
            segment: Some("seg_vip".into()),
            selected: vec!["v_2".into(), "v_1".into(), "v_2".into()],
            all_results: false,
            total: Some(12),
        }
    }

    #[track_caller]
    fn body(scope: ExportScope, state: &ListState) -> serde_json::Value {
        serde_json::to_value(export_body(scope, state, asked())).unwrap_or_default()
    }

    #[test]
    fn an_export_of_everyone_sends_neither_ids_nor_a_search() {
        assert_eq!(
            body(ExportScope::All, &state()),
            json!({"reason": "quarterly review", "password": "correct horse", "format": "csv",
                   "columns": null, "ids": null, "q": null, "filter": null, "segment": null})
        );
    }

    #[test]
    fn an_export_of_the_search_sends_the_search_the_list_ran() {
        let sent = body(ExportScope::Search, &state());
        assert_eq!((&sent["q"], &sent["segment"], &sent["ids"]), (&json!("hanako"), &json!("seg_vip"), &json!(null)));
        let blank = ListState { q: "   ".into(), ..state() };
        assert_eq!(body(ExportScope::Search, &blank)["q"], json!(null));
    }

    #[test]
    fn an_export_of_the_selection_sends_each_ticked_id_once() {
        let sent = body(ExportScope::Selection, &state());
        assert_eq!(sent["ids"], json!(["v_1", "v_2"]));
        assert_eq!((&sent["q"], &sent["segment"]), (&json!(null), &json!(null)));
    }

    #[test]
    fn the_dialog_offers_the_search_and_the_selection_only_when_the_list_has_them() {
        let plain = ListState::default();
        assert_eq!((plain.offered(), plain.first_scope()), (vec![ExportScope::All], ExportScope::All));
        let searched = ListState { selected: Vec::new(), ..state() };
        assert_eq!(searched.offered(), [ExportScope::All, ExportScope::Search]);
        assert_eq!(searched.first_scope(), ExportScope::Search);
        assert_eq!(state().first_scope(), ExportScope::Selection);
        // "Every result" selected is the search, not a list of ids.
        let every = ListState { all_results: true, ..state() };
        assert_eq!(
            (every.offered(), every.first_scope()),
            (vec![ExportScope::All, ExportScope::Search], ExportScope::Search)
        );
    }

    #[test]
    fn every_column_picked_sends_none_and_otherwise_the_keys_in_the_order_offered() {
        let all = [("id".to_owned(), true), ("profile.email".to_owned(), true)];
        assert_eq!(picked_columns(&all), None);
        let some = [("id".to_owned(), false), ("profile.email".to_owned(), true), ("tags".to_owned(), true)];
        assert_eq!(picked_columns(&some), Some(vec!["profile.email".to_owned(), "tags".to_owned()]));
        let none = [("id".to_owned(), false)];
        assert_eq!(picked_columns(&none), Some(Vec::new()));
    }

    #[track_caller]
    fn keys(reason: &str, password: &str, picked: Option<usize>) -> Vec<(Option<String>, Key)> {
        check_dialog(reason, password, picked).into_iter().map(|p| (p.field, p.key)).collect()
    }

    #[test]
    fn a_download_needs_a_reason_and_a_password_of_8_to_255_characters() {
        let at = |field: &str, key| (Some(field.to_owned()), key);
        assert_eq!(
            keys("  ", "short", None),
            [at("reason", Key::DlReasonMissing), at("password", Key::DlPasswordLength)]
        );
        assert_eq!(keys("audit", "12345678", None), []);
        assert_eq!(keys("audit", "パスワード八文字", None), []);
        assert_eq!(keys("audit", &"p".repeat(256), None), [at("password", Key::DlPasswordLength)]);
        assert_eq!(keys(&"r".repeat(501), "12345678", None), [at("reason", Key::DlReasonInvalid)]);
        assert_eq!(keys("audit", "12345678", Some(0)), [at("columns", Key::DlColumnsPick)]);
        assert_eq!(keys("audit", "12345678", Some(3)), []);
    }

    #[test]
    fn api_refusals_are_shown_beside_the_dialogs_inputs() {
        let from = |field: &str, key| dialog_problem(Problem::at(field, key));
        assert_eq!(from("password", Key::PasswordInvalid), Problem::at("password", Key::DlPasswordLength));
        assert_eq!(from("columns[4]", Key::FieldRejected), Problem::at("columns", Key::DlColumnUnknown));
        assert_eq!(from("filter.conditions[0].field", Key::FieldRejected).field.as_deref(), Some("scope"));
        assert_eq!(from("ids", Key::FieldRejected).field.as_deref(), Some("scope"));
        assert_eq!(from("ids[3]", Key::FieldRejected).field.as_deref(), Some("scope"));
        assert_eq!(from("reason", Key::DlReasonInvalid), Problem::at("reason", Key::DlReasonInvalid));
        assert_eq!(dialog_problem(Problem::form(Key::Forbidden)), Problem::form(Key::Forbidden));
    }

    #[test]
    fn a_file_is_saved_under_the_name_the_answer_gives_without_folders() {
        let name = |header: &str| file_name(Some(header), "download.bin");
        assert_eq!(name(r#"attachment; filename="campaign-c_1.xlsx""#), "campaign-c_1.xlsx");
        assert_eq!(name("attachment; filename=customer-v_1.zip"), "customer-v_1.zip");
        assert_eq!(name("attachment; filename=\"a.xlsx\"; filename*=UTF-8''%E7%B5%90%E6%9E%9C.xlsx"), "結果.xlsx");
        assert_eq!(name(r#"attachment; FILENAME="../../etc/passwd""#), "passwd");
        assert_eq!(name(r#"attachment; filename="a\"b.csv""#), "a\"b.csv");
        assert_eq!(name("attachment"), "download.bin");
        assert_eq!(name(r#"attachment; filename="""#), "download.bin");
        assert_eq!(name("attachment; filename*=UTF-8''%ZZ; filename=plain.zip"), "plain.zip");
        assert_eq!(file_name(None, "results.xlsx"), "results.xlsx");
    }

    #[test]
    fn the_audit_period_is_two_optional_days_in_order() {
        let day = |s: &str| Day::parse_iso(s);
        assert_eq!(audit_period("", ""), Ok((None, None)));
        assert_eq!(audit_period("2026-11-01", " 2026-11-30 "), Ok((day("2026-11-01"), day("2026-11-30"))));
        assert_eq!(audit_period("2026-11-01", "2026-11-01"), Ok((day("2026-11-01"), day("2026-11-01"))));
        let fields =
            |r: Result<_, Vec<Problem>>| r.err().map(|ps| ps.into_iter().map(|p| (p.field, p.key)).collect::<Vec<_>>());
        assert_eq!(
            fields(audit_period("2026-12-01", "2026-11-30")),
            Some(vec![(Some("auditTo".into()), Key::AudRangeInvalid)])
        );
        assert_eq!(
            fields(audit_period("2026-02-30", "soon")),
            Some(vec![(Some("auditFrom".into()), Key::AudDateInvalid), (Some("auditTo".into()), Key::AudDateInvalid)])
        );
        assert_eq!(day("2026-12-02").map(civil), Some((2026, 12, 2)));
    }

    #[test]
    fn the_audit_query_names_the_person_the_period_and_the_next_page() {
        let base = "/admin/v1/channels/demo";
        assert_eq!(AuditQuery::default().path(base), "/admin/v1/channels/demo/audit?limit=50");
        let query = AuditQuery {
            actor: Some("m_demo owner".into()),
            from: Some(1_000),
            to: Some(2_000),
            next: Some("a+b/c=".into()),
        };
        assert_eq!(
            query.path(base),
            "/admin/v1/channels/demo/audit?limit=50&actor=m_demo%20owner&from=1000&to=2000&next=a%2Bb%2Fc%3D"
        );
    }

    #[test]
    fn the_job_list_polls_while_a_job_is_queued_or_running() {
        let job = |state: ExportState| ExportJobOut {
            id: "x_1".into(),
            state,
            format: FileKind::Xlsx,
            scope: ExportScope::All,
            columns: Vec::new(),
            total: 1,
            processed: 0,
            files: Vec::new(),
            requested_by: kizuna_shared::wire::downloads::ActorOut { account_id: None, name: "n".into(), email: None },
            reason: "r".into(),
            created_at: 0,
            updated_at: 0,
            finished_at: None,
            expires_at: None,
            error: None,
        };
        assert!(!any_open(&[]));
        assert!(!any_open(&[job(ExportState::Done), job(ExportState::Failed), job(ExportState::Cancelled)]));
        assert!(any_open(&[job(ExportState::Done), job(ExportState::Queued)]));
        assert!(any_open(&[job(ExportState::Running)]));
    }
}
