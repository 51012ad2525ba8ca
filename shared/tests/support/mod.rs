//! A SQLite database built from the worker's real D1 migrations, and a writer of customer
//! rows with the layout of `customer::BUILT_IN` (shared by the equivalence tests and the
//! benchmarks).

// Fixture code: a broken fixture should stop the test or benchmark loudly.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use kizuna_shared::field::{Column, Schema};
use kizuna_shared::field::{Record, Value};
use kizuna_shared::filter::sql::{SqlFilter, SqlParam};
use rusqlite::{Connection, params_from_iter, types::Value as Sql};
use std::path::Path;

/// An in-memory database with every migration of `edge/migrations` applied, in order.
pub fn database() -> Connection {
    let conn = Connection::open_in_memory().expect("sqlite opens");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../edge/migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir).expect("migrations").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for file in files {
        let sql = std::fs::read_to_string(&file).expect("migration is text");
        conn.execute_batch(&sql).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    conn
}

fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Text(t) => t.clone().into(),
        Value::Number(n) => (*n).into(),
        Value::Bool(b) => (*b).into(),
        Value::Date(d) => (*d).into(),
        Value::List(l) => l.clone().into(),
    }
}

fn sql(value: &Value) -> Sql {
    match value {
        Value::Text(t) => Sql::Text(t.clone()),
        Value::Number(n) => Sql::Real(*n),
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Date(d) => Sql::Integer(*d),
        Value::List(l) => Sql::Text(serde_json::to_string(l).expect("list")),
    }
}

/// Inserts `customer` as row `id` of `channel`: built-in fields in their columns, custom
/// ones in the `profile` JSON object.
pub fn insert(conn: &Connection, schema: &Schema, channel: &str, id: &str, customer: &Record) {
    let mut columns = vec!["channel_id".to_owned(), "id".to_owned()];
    let mut values = vec![Sql::Text(channel.to_owned()), Sql::Text(id.to_owned())];
    let mut profile = serde_json::Map::new();
    for field in schema.fields() {
        let Some(value) = customer.get(&field.key) else {
            continue;
        };
        match &field.column {
            Column::Typed("id") => {}
            Column::Typed(column) => {
                columns.push((*column).to_owned());
                values.push(sql(value));
            }
            Column::Profile(name) => {
                profile.insert(name.clone(), json(value));
            }
        }
    }
    columns.push("profile".to_owned());
    values.push(Sql::Text(serde_json::Value::Object(profile).to_string()));
    let marks = vec!["?"; columns.len()].join(", ");
    // A customer belongs to an existing channel (migration 0013 drops rows of any other).
    let channel_row = "INSERT OR IGNORE INTO channels (id, name, utc_offset_minutes, created_at) VALUES (?1, ?1, 0, 0)";
    conn.execute(channel_row, [channel]).unwrap_or_else(|e| panic!("{channel_row}: {e}"));
    let statement = format!("INSERT INTO customers ({}) VALUES ({marks})", columns.join(", "));
    conn.execute(&statement, params_from_iter(values)).unwrap_or_else(|e| panic!("{statement}: {e}"));
}

pub fn params(filter: &SqlFilter) -> Vec<Sql> {
    filter
        .params
        .iter()
        .map(|p| match p {
            SqlParam::Text(t) => Sql::Text(t.clone()),
            SqlParam::Real(r) => Sql::Real(*r),
            SqlParam::Integer(i) => Sql::Integer(*i),
        })
        .collect()
}

/// The ids of `channel`'s customers matching the compiled filter, sorted.
pub fn matching_ids(conn: &Connection, channel: &str, filter: &SqlFilter) -> Vec<String> {
    let statement = format!("SELECT id FROM customers WHERE channel_id = ? AND {} ORDER BY id", filter.sql);
    let mut all = vec![Sql::Text(channel.to_owned())];
    all.extend(params(filter));
    let mut stmt = conn.prepare(&statement).unwrap_or_else(|e| panic!("{statement}: {e}"));
    let rows = stmt.query_map(params_from_iter(all), |row| row.get::<_, String>(0)).expect("query runs");
    rows.map(|r| r.expect("row")).collect()
}
