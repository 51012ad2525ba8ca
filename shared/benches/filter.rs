//! Filter benchmarks: a 5-condition filter on one visitor (the edge's Rust evaluator),
//! and the same filter compiled to SQL over 100,000 and 1,000,000 generated customers in
//! SQLite, beside a hand-written query a developer would write for the same conditions.
//! `scripts/bench` runs this and prints the table with the ratio.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use kizuna_shared::field::Schema;
use kizuna_shared::field::{FieldType, Record, Value};
use kizuna_shared::filter::sql::compile;
use kizuna_shared::filter::{Filter, Test};
use kizuna_shared::time::{DAY, Millis};
use rusqlite::{Connection, params, params_from_iter, types::Value as Sql};
use std::hint::black_box;
use std::time::Duration;

const NOW: Millis = 1_795_000_000_000;

fn schema() -> Schema {
    Schema::new(&[("plan", FieldType::Text)]).unwrap()
}

/// Country is JP, more than 2 sessions, seen in the last 30 days, tagged vip, on the gold plan.
fn five_conditions() -> Filter {
    let field = |key: &str, test| Filter::Field { key: key.to_owned(), test };
    Filter::All(vec![
        field("country", Test::TextEquals("JP".into())),
        field("sessionsCount", Test::NumberGreater(2.0)),
        field("lastSeenAt", Test::WithinLastDays(30)),
        field("tags", Test::ListContainsAny(vec!["vip".into()])),
        field("profile.plan", Test::TextEquals("gold".into())),
    ])
}

const HAND_WRITTEN: &str = "SELECT COUNT(*) FROM customers WHERE channel_id = ?1 AND country = ?2 \
     AND sessions_count > ?3 AND last_seen_at BETWEEN ?4 AND ?5 \
     AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?6) \
     AND json_extract(profile, '$.plan') = ?7";

/// A deterministic pseudo-random sequence (no RNG: the same data every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn populate(count: usize) -> Connection {
    let conn = support::database();
    let countries = ["JP", "US", "KR", "FR", "DE"];
    let tags = ["[]", "[\"vip\"]", "[\"tea\"]", "[\"vip\",\"tea\"]", "[\"new\"]"];
    let plans = ["{}", "{\"plan\":\"gold\"}", "{\"plan\":\"free\"}", "{\"plan\":\"pro\"}"];
    let mut rng = Lcg(42);
    // Customers belong to an existing channel (migration 0013 drops rows of any other).
    conn.execute_batch("INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('demo', 'Demo', 0, 0)")
        .unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO customers (channel_id, id, name, country, sessions_count, last_seen_at, created_at, \
                 updated_at, tags, profile_email, profile) VALUES ('demo', ?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9)",
            )
            .unwrap();
        for i in 0..count {
            let seen = NOW - rng.next(90) as i64 * DAY;
            insert
                .execute(params![
                    format!("c{i}"),
                    format!("Customer {i}"),
                    countries[rng.next(5) as usize],
                    rng.next(10) as i64,
                    seen,
                    seen - DAY,
                    tags[rng.next(5) as usize],
                    format!("c{i}@example.com"),
                    plans[rng.next(4) as usize],
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    conn
}

fn count_compiled(conn: &Connection, filter: &Filter, schema: &Schema) -> i64 {
    let sql = compile(filter, schema, NOW);
    let statement = format!("SELECT COUNT(*) FROM customers WHERE channel_id = ? AND {}", sql.sql);
    let mut all = vec![Sql::Text("demo".into())];
    all.extend(support::params(&sql));
    conn.prepare_cached(&statement).unwrap().query_row(params_from_iter(all), |r| r.get(0)).unwrap()
}

fn count_hand_written(conn: &Connection) -> i64 {
    conn.prepare_cached(HAND_WRITTEN)
        .unwrap()
        .query_row(params!["demo", "JP", 2.0, NOW - 30 * DAY, NOW, "vip", "gold"], |r| r.get(0))
        .unwrap()
}

fn one_visitor(c: &mut Criterion) {
    let filter = five_conditions();
    let visitor: Record = [
        ("country", Value::Text("JP".into())),
        ("sessionsCount", Value::Number(5.0)),
        ("lastSeenAt", Value::Date(NOW - 3 * DAY)),
        ("tags", Value::List(vec!["tea".into(), "vip".into()])),
        ("profile.plan", Value::Text("gold".into())),
        ("name", Value::Text("Aiko".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert!(filter.matches(&visitor, NOW));
    c.bench_function("filter/one_visitor_5_conditions", |b| {
        b.iter(|| black_box(&filter).matches(black_box(&visitor), NOW))
    });
}

fn sql(c: &mut Criterion) {
    let filter = five_conditions();
    let schema = schema();
    for (label, count) in [("100k", 100_000), ("1m", 1_000_000)] {
        let conn = populate(count);
        assert_eq!(count_compiled(&conn, &filter, &schema), count_hand_written(&conn), "both count the same");
        let mut group = c.benchmark_group(format!("filter_sql_{label}"));
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
        group.bench_function("compiled", |b| b.iter(|| count_compiled(&conn, &filter, &schema)));
        group.bench_function("hand_written", |b| b.iter(|| count_hand_written(&conn)));
        group.finish();
    }
}

criterion_group!(benches, one_visitor, sql);
criterion_main!(benches);
