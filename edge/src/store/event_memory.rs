//! The visitor object's own SQLite (the Durable Object's SQL storage, not D1): the event
//! ids it accepted, with when, so a batch replayed within `EVENT_MEMORY` changes nothing,
//! and how many new events the visitor sent in the last 24 hours.
//!
//! Invariant: ids are written only after the call that accepted them saved its outcome
//! (a failed call is retried from the same memory), and rows older than the memory are
//! deleted on every write, so the table holds at most 7 days of the daily limit.

use super::{CountRow, Executor, Param, Statement, StoreError, json, num};
use kizuna_shared::event::EVENT_MEMORY;
use kizuna_shared::time::{DAY, Millis};
use serde::Deserialize;
use std::collections::BTreeSet;
use worker::SqlStorage;

/// The statements, as values (see the module doc of `store`). Lists travel as one JSON
/// parameter (`json_each`), so a batch binds the same few parameters however long it is.
pub(crate) mod sql {
    use super::*;

    /// Created on first use; `IF NOT EXISTS` makes it idempotent.
    pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS accepted_events (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS accepted_events_at ON accepted_events (at)";

    pub fn known(ids_json: String) -> Statement {
        Statement::new(
            "SELECT id FROM accepted_events WHERE id IN (SELECT value FROM json_each(?1))",
            vec![Param::Text(ids_json)],
        )
    }

    pub fn accepted_since(since: Millis) -> Statement {
        Statement::new("SELECT COUNT(*) AS count FROM accepted_events WHERE at > ?1", vec![num(since)])
    }

    pub fn remember(ids_json: String, now: Millis) -> Statement {
        Statement::new(
            "INSERT OR IGNORE INTO accepted_events (id, at) SELECT value, ?2 FROM json_each(?1)",
            vec![Param::Text(ids_json), num(now)],
        )
    }

    pub fn forget_before(before: Millis) -> Statement {
        Statement::new("DELETE FROM accepted_events WHERE at <= ?1", vec![num(before)])
    }
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// What the memory holds about a batch: which of its ids it accepted before, and how
/// many new events the visitor sent in the 24 hours before `now`.
pub async fn recall(db: &impl Executor, ids: &[&str], now: Millis) -> Result<(BTreeSet<String>, u32), StoreError> {
    let known = db.all::<IdRow>(sql::known(json("event ids", ids)?)).await?;
    let count = db.first::<CountRow>(sql::accepted_since(now - DAY)).await?.map_or(0, |row| row.count);
    Ok((known.into_iter().map(|row| row.id).collect(), u32::try_from(count).unwrap_or(u32::MAX)))
}

/// Notes `ids` as accepted at `now`, and forgets ids accepted longer than the memory ago.
pub async fn remember(db: &impl Executor, ids: &[&str], now: Millis) -> Result<(), StoreError> {
    if !ids.is_empty() {
        db.run(sql::remember(json("event ids", ids)?, now)).await?;
    }
    db.run(sql::forget_before(now - EVENT_MEMORY)).await?;
    Ok(())
}

/// The Durable Object's SQL storage as an [`Executor`]: its calls are synchronous, and
/// one object's calls run one at a time, so a "batch" in order is all or nothing there
/// as long as no statement fails half-way (each is a single statement).
pub struct ObjectSql(pub SqlStorage);

impl ObjectSql {
    /// Opens the storage, creating the table on first use.
    pub fn open(storage: SqlStorage) -> Result<ObjectSql, StoreError> {
        for statement in sql::SCHEMA.split(';') {
            storage.exec(statement, None::<Vec<worker::SqlStorageValue>>).map_err(StoreError::driver)?;
        }
        Ok(ObjectSql(storage))
    }

    fn cursor(&self, statement: &Statement) -> Result<worker::SqlCursor, StoreError> {
        let args: Vec<wasm_bindgen::JsValue> = statement.params.iter().map(Param::js).collect();
        self.0.exec_raw(statement.sql.as_ref(), args).map_err(StoreError::driver)
    }
}

impl Executor for ObjectSql {
    async fn first<T: serde::de::DeserializeOwned>(&self, statement: Statement) -> Result<Option<T>, StoreError> {
        Ok(self.all::<T>(statement).await?.into_iter().next())
    }

    async fn all<T: serde::de::DeserializeOwned>(&self, statement: Statement) -> Result<Vec<T>, StoreError> {
        self.cursor(&statement)?.to_array::<T>().map_err(StoreError::driver)
    }

    async fn run(&self, statement: Statement) -> Result<u64, StoreError> {
        Ok(self.cursor(&statement)?.rows_written() as u64)
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<u64>, StoreError> {
        let mut changed = Vec::with_capacity(statements.len());
        for statement in statements {
            changed.push(self.run(statement).await?);
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    fn memory() -> Sqlite {
        let db = Sqlite::migrated();
        db.exec(sql::SCHEMA);
        db
    }

    #[test]
    fn an_accepted_id_is_known_for_seven_days_and_forgotten_after() {
        let db = memory();
        wait(remember(&db, &["e1", "e2"], 1_000)).unwrap();
        let (known, _) = wait(recall(&db, &["e1", "e3"], 1_000 + EVENT_MEMORY - 1)).unwrap();
        assert_eq!(known.into_iter().collect::<Vec<_>>(), vec!["e1".to_owned()]);
        wait(remember(&db, &[], 1_000 + EVENT_MEMORY)).unwrap();
        let (known, _) = wait(recall(&db, &["e1"], 1_000 + EVENT_MEMORY)).unwrap();
        assert!(known.is_empty(), "pruned once older than the memory");
    }

    #[test]
    fn the_daily_count_holds_the_last_24_hours_only() {
        let db = memory();
        wait(remember(&db, &["e1", "e2"], 0)).unwrap();
        wait(remember(&db, &["e3"], DAY / 2)).unwrap();
        assert_eq!(wait(recall(&db, &[], DAY - 1)).unwrap().1, 3);
        assert_eq!(wait(recall(&db, &[], DAY)).unwrap().1, 1);
    }

    #[test]
    fn a_batch_of_any_length_binds_two_parameters() {
        let ids: Vec<String> = (0..1_000).map(|n| format!("e{n}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let db = memory();
        wait(remember(&db, &ids, 5)).unwrap();
        assert_eq!(wait(recall(&db, &ids, 5)).unwrap(), (ids.iter().map(|id| (*id).to_owned()).collect(), 1_000));
    }
}
