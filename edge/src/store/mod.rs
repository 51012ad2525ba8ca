//! The worker's storage: every SQL statement, one module per aggregate. The schema lives
//! in `edge/migrations/`.
//!
//! Invariant: a statement is a plain value (SQL text and parameters) built by a
//! worker-free function, so the very text D1 runs in the worker is what the contract
//! tests run on SQLite built from the same migrations. A counter in
//! `campaign_daily_stats` grows only in the same batch (one transaction) as the row
//! change that justifies it, and only when that change happened (`changes() = 1`), so
//! retries and races never count twice. Nothing here speaks HTTP: callers map
//! [`StoreError`] and absent rows to answers.

pub mod accounts;
pub mod broadcasts;
pub mod bulk_jobs;
pub mod campaigns;
pub mod channels;
pub mod customers;
pub mod deliveries;
pub mod downloads;
pub mod event_memory;
pub mod invitations;
pub mod members;
pub mod outbound;
pub mod previews;
pub mod segments;
pub mod variants;
pub mod wakeups;

#[cfg(test)]
pub(crate) mod sqlite;

use kizuna_shared::filter::sql::SqlParam;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

/// What went wrong in storage. None of it is the caller's fault: the API answers 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached, or refused the statement.
    #[error("{0}")]
    Unavailable(String),
    /// A unique index refused the write (a caller may treat it as "taken").
    #[error("{0}")]
    Unique(String),
    /// A stored value no longer reads as what it should be.
    #[error("stored {what} does not parse: {detail}")]
    Corrupt { what: &'static str, detail: String },
    /// A value could not be written as JSON.
    #[error("{what} does not encode: {detail}")]
    Encode { what: &'static str, detail: String },
}

impl StoreError {
    /// Sorts a driver's message: SQLite's unique-index refusal reads the same on D1 and
    /// on the test runner.
    fn driver(err: impl std::fmt::Display) -> StoreError {
        let message = err.to_string();
        if message.contains("UNIQUE constraint failed") {
            StoreError::Unique(message)
        } else {
            StoreError::Unavailable(message)
        }
    }
}

pub(crate) fn corrupt(what: &'static str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what, detail: err.to_string() }
}

/// A value as the JSON text stored in a column.
pub(crate) fn json<T: serde::Serialize + ?Sized>(what: &'static str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Encode { what, detail: e.to_string() })
}

/// One bound value of a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl From<SqlParam> for Param {
    fn from(param: SqlParam) -> Param {
        match param {
            SqlParam::Text(t) => Param::Text(t),
            SqlParam::Real(r) => Param::Real(r),
            SqlParam::Integer(i) => Param::Integer(i),
        }
    }
}

impl From<&SqlParam> for Param {
    fn from(param: &SqlParam) -> Param {
        Param::from(param.clone())
    }
}

impl Param {
    /// As D1 takes it: numbers are JavaScript numbers (exact up to 2^53, which ids,
    /// counts and milliseconds stay under).
    fn js(&self) -> JsValue {
        match self {
            Param::Null => JsValue::NULL,
            Param::Integer(i) => JsValue::from_f64(*i as f64),
            Param::Real(r) => JsValue::from_f64(*r),
            Param::Text(t) => JsValue::from_str(t),
        }
    }
}

pub(crate) fn text(value: &str) -> Param {
    Param::Text(value.to_owned())
}

pub(crate) fn num(value: i64) -> Param {
    Param::Integer(value)
}

pub(crate) fn flag(value: bool) -> Param {
    Param::Integer(i64::from(value))
}

pub(crate) fn opt(value: Option<i64>) -> Param {
    value.map_or(Param::Null, num)
}

pub(crate) fn opt_text(value: Option<&str>) -> Param {
    value.map_or(Param::Null, text)
}

/// SQL text and its parameters, bound by position (`?1`…, or `?` in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: Cow<'static, str>,
    pub params: Vec<Param>,
}

impl Statement {
    pub fn new(sql: impl Into<Cow<'static, str>>, params: Vec<Param>) -> Statement {
        Statement { sql: sql.into(), params }
    }
}

/// What runs statements: D1 in the worker ([`Db`]), SQLite in the tests. Rows come back
/// as objects keyed by column name and are read with serde.
pub trait Executor {
    /// The first row, if any.
    async fn first<T: DeserializeOwned>(&self, statement: Statement) -> Result<Option<T>, StoreError>;
    /// Every row.
    async fn all<T: DeserializeOwned>(&self, statement: Statement) -> Result<Vec<T>, StoreError>;
    /// Runs a write; answers how many rows it changed.
    async fn run(&self, statement: Statement) -> Result<u64, StoreError>;
    /// Runs the statements in order in one transaction (all or nothing); answers how
    /// many rows each changed.
    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError>;
}

/// The worker's D1 database (binding `DB`).
pub struct Db(D1Database);

impl Db {
    pub fn open(env: &Env) -> Result<Db, StoreError> {
        env.d1("DB").map(Db).map_err(StoreError::driver)
    }

    fn prepare(&self, statement: &Statement) -> Result<D1PreparedStatement, StoreError> {
        let args: Vec<JsValue> = statement.params.iter().map(Param::js).collect();
        self.0.prepare(statement.sql.as_ref()).bind(&args).map_err(StoreError::driver)
    }
}

/// Rows a statement changed, from D1's result metadata (0 when it has none).
fn changes(result: &D1Result) -> u64 {
    result.meta().ok().flatten().and_then(|m| m.changes).map_or(0, |n| n as u64)
}

impl Executor for Db {
    async fn first<T: DeserializeOwned>(&self, statement: Statement) -> Result<Option<T>, StoreError> {
        self.prepare(&statement)?.first::<T>(None).await.map_err(StoreError::driver)
    }

    async fn all<T: DeserializeOwned>(&self, statement: Statement) -> Result<Vec<T>, StoreError> {
        let result = self.prepare(&statement)?.all().await.map_err(StoreError::driver)?;
        result.results::<T>().map_err(StoreError::driver)
    }

    async fn run(&self, statement: Statement) -> Result<u64, StoreError> {
        let result = self.prepare(&statement)?.run().await.map_err(StoreError::driver)?;
        Ok(changes(&result))
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
        let prepared = statements.iter().map(|s| self.prepare(s)).collect::<Result<Vec<_>, _>>()?;
        let results = self.0.batch(prepared).await.map_err(StoreError::driver)?;
        Ok(results.iter().map(changes).collect())
    }
}

/// A `COUNT(*) AS count` row.
#[derive(Deserialize)]
pub(crate) struct CountRow {
    pub count: i64,
}

/// An `id` row.
#[derive(Deserialize)]
pub(crate) struct IdRow {
    pub id: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::sqlite::Sqlite;
    use super::*;
    use kizuna_shared::field::FieldType;
    use kizuna_shared::field::{FieldSetting, Visibility};
    use kizuna_shared::ids::{CampaignId, ChannelId, DeliveryId, VisitorId};
    use kizuna_shared::outbound::EmailStatus;
    use kizuna_shared::time::Day;

    /// The statements no contract test runs, each prepared on the migrated schema: D1
    /// refuses a statement whose parameters do not match what its SQL names.
    #[test]
    fn every_other_statement_prepares_on_the_schema_and_binds_what_it_names() {
        let db = Sqlite::migrated();
        let channel = ChannelId::parse("shop").unwrap();
        let campaign = CampaignId::parse("news").unwrap();
        let visitor = VisitorId::parse("v1").unwrap();
        let delivery = DeliveryId::parse("d1").unwrap();
        let field = FieldSetting {
            ty: FieldType::Text,
            visibility: Visibility::Visible,
            name: "plan".into(),
            display_name: "Plan".into(),
            built_in: false,
            write_once: false,
            position: 1,
        };
        let statements = [
            channels::sql::load_channel(&channel),
            channels::sql::save_channel_settings(&channel, "Asia/Tokyo", "{}"),
            channels::sql::field_settings(&channel),
            channels::sql::save_field(&channel, &field),
            channels::sql::set_identity(
                &channel,
                true,
                &kizuna_shared::identity::Secrets {
                    current: Some("s".into()),
                    previous: Some("p".into()),
                    rotated_at: Some(1),
                },
            ),
            channels::sql::identity(&channel),
            members::sql::token_member("hash"),
            members::sql::member_role("m1", &channel),
            campaigns::sql::published_campaigns(&channel, 0),
            campaigns::sql::campaign_channel(&campaign),
            campaigns::sql::campaign_row("news"),
            campaigns::sql::campaign_rows(&channel),
            campaigns::sql::campaign_rows_with_totals(&channel),
            campaigns::sql::live_campaigns(&channel, 0, ""),
            campaigns::sql::delete_draft("news"),
            campaigns::sql::campaign_message(&channel, &campaign, &visitor),
            variants::sql::arm_counts(&campaign),
            deliveries::sql::load_delivery(&channel, &visitor, &delivery),
            deliveries::sql::deliveries_awaiting_goal(&channel, &visitor, &campaign, 0),
            deliveries::sql::daily_stats(&campaign, Day(0), Day(1)),
            deliveries::sql::recipients(&channel, &campaign, None, 50),
            deliveries::sql::recipients(
                &channel,
                &campaign,
                Some(&deliveries::SentAfter { sent_at: 1, id: "v1".into() }),
                50,
            ),
            customers::sql::monthly_active(&channel, "2026-01"),
            customers::sql::customer(&channel, "v1"),
            customers::sql::customer_of_member(&channel, "m1"),
            customers::sql::contact(&channel, &visitor),
            bulk_jobs::sql::stalled_jobs(0),
        ];
        let writes = customers::sql::set_email_status(&[(channel.clone(), "a@example.com".into(), EmailStatus::Ok)]);
        for statement in statements.iter().chain(&writes) {
            let prepared = db.0.prepare(&statement.sql).unwrap_or_else(|e| panic!("{}: {e}", statement.sql));
            assert_eq!(prepared.parameter_count(), statement.params.len(), "{}", statement.sql);
        }
    }
}
