//! The store's second executor, for tests: SQLite on the host, built from
//! `edge/migrations` in order, running statements the way D1 does (rows as objects
//! keyed by column name; a batch in order, in one transaction).
//!
//! Invariant: a statement must bind exactly the parameters its SQL names, and at most
//! 100 of them, as D1 insists.

// Test support: a broken fixture should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::{Executor, Param, Statement, StoreError};
use kizuna_shared::filter::sql::MAX_PARAMS;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// An in-memory database with every migration of `edge/migrations` applied, in order.
pub struct Sqlite(pub Connection);

impl Sqlite {
    pub fn migrated() -> Sqlite {
        let conn = Connection::open_in_memory().expect("sqlite opens");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<_> = std::fs::read_dir(dir).expect("migrations").map(|e| e.expect("entry").path()).collect();
        files.sort();
        for file in files {
            let sql = std::fs::read_to_string(&file).expect("migration is text");
            conn.execute_batch(&sql).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        Sqlite(conn)
    }

    /// Runs fixture SQL (no parameters), for arranging rows the store does not write.
    pub fn exec(&self, sql: &str) {
        self.0.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// One integer the query selects.
    pub fn number(&self, sql: &str) -> i64 {
        self.0.query_row(sql, [], |row| row.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// One optional text the query selects.
    pub fn text(&self, sql: &str) -> Option<String> {
        self.0.query_row(sql, [], |row| row.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    fn prepare(&self, statement: &Statement) -> Result<rusqlite::Statement<'_>, StoreError> {
        if statement.params.len() > MAX_PARAMS {
            // D1 refuses a statement binding more than 100 parameters; `wrangler dev`
            // does not, so the contract tests do.
            return Err(StoreError::Unavailable(format!("too many SQL variables: {}", statement.params.len())));
        }
        let mut prepared = self.0.prepare(&statement.sql).map_err(StoreError::driver)?;
        if prepared.parameter_count() != statement.params.len() {
            return Err(StoreError::Unavailable(format!(
                "{} parameters bound, {} named: {}",
                statement.params.len(),
                prepared.parameter_count(),
                statement.sql
            )));
        }
        for (i, param) in statement.params.iter().enumerate() {
            let value = match param {
                Param::Null => rusqlite::types::Value::Null,
                Param::Integer(n) => rusqlite::types::Value::Integer(*n),
                Param::Real(r) => rusqlite::types::Value::Real(*r),
                Param::Text(t) => rusqlite::types::Value::Text(t.clone()),
            };
            prepared.raw_bind_parameter(i + 1, value).map_err(StoreError::driver)?;
        }
        Ok(prepared)
    }

    fn rows<T: DeserializeOwned>(&self, statement: &Statement) -> Result<Vec<T>, StoreError> {
        let mut prepared = self.prepare(statement)?;
        let names: Vec<String> = prepared.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = prepared.raw_query();
        let mut found = Vec::new();
        while let Some(row) = rows.next().map_err(StoreError::driver)? {
            let mut object = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = match row.get_ref(i).map_err(StoreError::driver)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(r) => r.into(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                    ValueRef::Blob(_) => return Err(StoreError::Unavailable("blobs are not read".into())),
                };
                object.insert(name.clone(), value);
            }
            found.push(serde_json::from_value(object.into()).map_err(StoreError::driver)?);
        }
        Ok(found)
    }

    /// SQLite's plan for a statement, one `detail` per step (`SEARCH d USING INDEX …`),
    /// for tests that pin what a query may cost.
    pub fn plan(&self, statement: &Statement) -> Vec<String> {
        let explain = Statement::new(format!("EXPLAIN QUERY PLAN {}", statement.sql), statement.params.clone());
        #[derive(serde::Deserialize)]
        struct Step {
            detail: String,
        }
        self.rows::<Step>(&explain)
            .unwrap_or_else(|e| panic!("{}: {e}", statement.sql))
            .into_iter()
            .map(|s| s.detail)
            .collect()
    }

    fn execute(&self, statement: &Statement) -> Result<u64, StoreError> {
        Ok(self.prepare(statement)?.raw_execute().map_err(StoreError::driver)? as u64)
    }
}

impl Executor for Sqlite {
    async fn first<T: DeserializeOwned>(&self, statement: Statement) -> Result<Option<T>, StoreError> {
        Ok(self.rows(&statement)?.into_iter().next())
    }

    async fn all<T: DeserializeOwned>(&self, statement: Statement) -> Result<Vec<T>, StoreError> {
        self.rows(&statement)
    }

    async fn run(&self, statement: Statement) -> Result<u64, StoreError> {
        self.execute(&statement)
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
        // Dropped without commit on the first error: the batch leaves nothing behind.
        let transaction = self.0.unchecked_transaction().map_err(StoreError::driver)?;
        let changed = statements.iter().map(|s| self.execute(s)).collect::<Result<Vec<_>, _>>()?;
        transaction.commit().map_err(StoreError::driver)?;
        Ok(changed)
    }
}

/// Runs a store function to its end: on SQLite every step is ready at once.
pub fn wait<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a SQLite store call never waits"),
    }
}

/// Fixture rows the store does not write itself.
impl Sqlite {
    /// A channel `shop` at UTC, with no custom fields.
    pub fn with_channel() -> Sqlite {
        let db = Sqlite::migrated();
        db.exec("INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('shop', 'Shop', 0, 0)");
        db
    }

    /// A bare customer row of `shop`.
    pub fn customer(&self, id: &str, updated_at: i64) {
        self.exec(&format!(
            "INSERT INTO customers (channel_id, id, created_at, updated_at) VALUES ('shop', '{id}', 0, {updated_at})"
        ));
    }
}
