//! Downloads (seeds 000, 003, 004): what an owner may take out of Kizuna, and the rules
//! every download keeps: a reason, a file password of 8 to 255 characters, a customer
//! file of at most 30,000 rows (more are split into numbered files), the columns in the
//! channel's field order under their display names, a finished file kept for 24 hours and
//! the audit log kept for one year.
//!
//! Pure: the edge writes the files (`kizuna-files`), stores them and logs each download.

use crate::field::FieldType;
use crate::field::custom::{FieldSetting, Visibility};
use crate::field::schema::BUILT_IN;
use crate::invalid::FieldError;
use crate::time::{DAY, Millis};
use serde::{Deserialize, Serialize};

/// Rows in one customer file; a bigger download is split into numbered files.
pub const ROWS_PER_FILE: u32 = 30_000;
/// How long a finished export's files can be downloaded (then 404, and the cron deletes them).
pub const KEEP_FILES: Millis = DAY;
/// How long the audit log keeps an entry.
pub const KEEP_AUDIT: Millis = 365 * DAY;
/// Customer exports a channel may have queued or running at once: each holds the queue
/// for seconds per 30,000 customers, so a flood of requests waits its turn (429).
pub const MAX_OPEN_EXPORTS: u32 = 5;
/// A file password's length in characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=255;
/// A reason's length in characters.
pub const REASON_CHARS: std::ops::RangeInclusive<usize> = 1..=500;

/// The file a download produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    /// An Excel workbook encrypted with the password ("password to open").
    Xlsx,
    /// A CSV file (UTF-8 with a byte-order mark) in an AES-256 ZIP.
    Csv,
    /// A JSON document in an AES-256 ZIP.
    Json,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::Csv => "csv",
            FileKind::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Option<FileKind> {
        [FileKind::Xlsx, FileKind::Csv, FileKind::Json].into_iter().find(|k| k.as_str() == text)
    }

    /// The downloaded file's extension: CSV and JSON arrive zipped.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::Csv | FileKind::Json => "zip",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Csv | FileKind::Json => "application/zip",
        }
    }
}

/// What was downloaded, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditAction {
    /// A campaign's results workbook.
    CampaignResults,
    /// A customer export was asked for (a job).
    CustomerExport,
    /// A finished export's file was fetched.
    ExportFile,
    /// Everything Kizuna holds about one customer (a data-access request).
    CustomerData,
}

impl AuditAction {
    pub const ALL: [AuditAction; 4] =
        [AuditAction::CampaignResults, AuditAction::CustomerExport, AuditAction::ExportFile, AuditAction::CustomerData];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::CampaignResults => "campaignResults",
            AuditAction::CustomerExport => "customerExport",
            AuditAction::ExportFile => "exportFile",
            AuditAction::CustomerData => "customerData",
        }
    }

    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// Checks a file password: 8 to 255 characters. It is never stored in clear.
pub fn check_password(password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if !PASSWORD_CHARS.contains(&chars) {
        return Err(FieldError::new("password", "a file password is 8 to 255 characters"));
    }
    Ok(())
}

/// Checks a download's reason: 1 to 500 characters once trimmed, no control characters
/// but line breaks; answers the trimmed text.
pub fn check_reason(reason: &str) -> Result<String, FieldError> {
    let reason = reason.trim();
    if !REASON_CHARS.contains(&reason.chars().count()) {
        return Err(FieldError::new("reason", "say why you download, in 1 to 500 characters"));
    }
    if reason.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(FieldError::new("reason", "no control characters"));
    }
    Ok(reason.to_owned())
}

/// One column of a customer file: the field's key (as filters spell it) and its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportColumn {
    pub key: String,
    pub title: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
}

/// The title of each built-in field outside `profile` (profile fields carry their
/// channel's display names).
const BUILT_IN_TITLES: &[(&str, &str)] = &[
    ("id", "Customer ID"),
    ("memberId", "Member ID"),
    ("member", "Member"),
    ("name", "Name (visitor)"),
    ("tags", "Tags"),
    ("city", "City"),
    ("country", "Country"),
    ("language", "Language"),
    ("createdAt", "Created at"),
    ("lastSeenAt", "Last seen at"),
    ("updatedAt", "Updated at"),
    ("sessionsCount", "Sessions"),
    ("web.browser", "Browser"),
    ("web.browserName", "Browser name"),
    ("web.os", "OS"),
    ("web.osName", "OS name"),
    ("web.device", "Device"),
    ("web.lastSeenAt", "Web last seen at"),
    ("web.sessionsCount", "Web sessions"),
    ("hasPushToken", "Push token"),
    ("unsubscribeEmail", "Unsubscribed from email"),
    ("unsubscribeTexting", "Unsubscribed from SMS"),
    ("emailStatus", "Email status"),
];

/// Every column a customer file can hold, in the channel's order: the built-in fields,
/// then the profile fields (built-in and custom) in the channel's field order under their
/// display names. Hidden fields are left out; archived ones stay (their data is kept).
pub fn customer_columns(profile: &[FieldSetting]) -> Vec<ExportColumn> {
    let built_in = BUILT_IN.iter().filter(|(key, _, _)| !key.starts_with("profile.")).map(|&(key, ty, _)| {
        let title = BUILT_IN_TITLES.iter().find(|(k, _)| *k == key).map_or(key, |(_, t)| t);
        ExportColumn { key: key.to_owned(), title: title.to_owned(), ty }
    });
    let profile = profile.iter().filter(|f| f.visibility != Visibility::Hidden).map(|f| ExportColumn {
        key: format!("profile.{}", f.name),
        title: f.display_name.clone(),
        ty: f.ty,
    });
    built_in.chain(profile).collect()
}

/// The columns an owner picked, in the channel's order (not the request's), each once;
/// `None` picks them all. An unknown key is named by its place in the request.
pub fn choose_columns(all: &[ExportColumn], picked: Option<&[String]>) -> Result<Vec<ExportColumn>, FieldError> {
    let Some(picked) = picked else { return Ok(all.to_vec()) };
    if picked.is_empty() {
        return Err(FieldError::new("columns", "pick at least one column"));
    }
    if picked.len() > all.len() {
        return Err(FieldError::new("columns", format!("at most {} columns", all.len())));
    }
    if let Some(i) = picked.iter().position(|key| !all.iter().any(|c| &c.key == key)) {
        return Err(FieldError::new(format!("columns[{i}]"), "not a field of this channel"));
    }
    Ok(all.iter().filter(|c| picked.contains(&c.key)).cloned().collect())
}

/// How many files `rows` customers make (at least one, even for none).
pub fn file_count(rows: u64) -> u64 {
    rows.div_ceil(u64::from(ROWS_PER_FILE)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::custom::{built_in_settings, profile_settings};

    fn custom(name: &str, position: i64, visibility: Visibility) -> FieldSetting {
        FieldSetting {
            name: name.into(),
            display_name: format!("{name} 表示名"),
            ty: FieldType::Text,
            built_in: false,
            write_once: false,
            visibility,
            position,
        }
    }

    #[test]
    fn passwords_are_8_to_255_characters_counted_as_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"パ".repeat(255)).is_ok());
        assert_eq!(check_password(&"a".repeat(256)).map_err(|e| e.field), Err("password".to_owned()));
    }

    #[test]
    fn a_reason_is_trimmed_and_refused_when_empty_long_or_controlled() {
        assert_eq!(check_reason("  監査のため \n").as_deref(), Ok("監査のため"));
        assert!(check_reason("   ").is_err());
        assert!(check_reason(&"x".repeat(501)).is_err());
        assert!(check_reason("a\u{0}b").is_err());
        assert!(check_reason("line\nline").is_ok());
    }

    #[test]
    fn columns_follow_the_channels_field_order_with_display_names_and_leave_hidden_ones_out() {
        let mut stored = vec![custom("plan", 1, Visibility::Visible), custom("secret", 2, Visibility::Hidden)];
        stored.push(custom("old", 40, Visibility::Archived));
        let columns = customer_columns(&profile_settings(&stored));
        let keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys[0], "id");
        assert!(!keys.contains(&"profile.secret"));
        let plan = keys.iter().position(|k| *k == "profile.plan");
        let email = keys.iter().position(|k| *k == "profile.email");
        // `plan` sits at position 1: after the built-in at 1 ("email"), before "mobileNumber".
        assert_eq!(plan, email.map(|e| e + 1));
        assert_eq!(keys.last(), Some(&"profile.old"));
        assert_eq!(columns.iter().find(|c| c.key == "profile.plan").map(|c| c.title.as_str()), Some("plan 表示名"));
        assert_eq!(columns.len(), BUILT_IN.len() + 2);
    }

    #[test]
    fn picked_columns_keep_the_channels_order_and_an_unknown_one_is_named() {
        let all = customer_columns(&built_in_settings());
        let picked = ["profile.email".to_owned(), "id".to_owned(), "id".to_owned()];
        let chosen = choose_columns(&all, Some(&picked)).map(|c| c.into_iter().map(|c| c.key).collect::<Vec<_>>());
        assert_eq!(chosen, Ok(vec!["id".to_owned(), "profile.email".to_owned()]));
        let bad = ["id".to_owned(), "profile.nope".to_owned()];
        assert_eq!(choose_columns(&all, Some(&bad)).map_err(|e| e.field), Err("columns[1]".to_owned()));
        assert_eq!(choose_columns(&all, Some(&[])).map_err(|e| e.field), Err("columns".to_owned()));
        assert_eq!(choose_columns(&all, None).map(|c| c.len()), Ok(all.len()));
    }

    #[test]
    fn files_hold_30000_rows_each() {
        assert_eq!(file_count(0), 1);
        assert_eq!(file_count(30_000), 1);
        assert_eq!(file_count(30_001), 2);
        assert_eq!(file_count(90_000), 3);
    }
}
