//! One meaning for a filter: for random customers stored in SQLite built from the real
//! D1 migrations and random nested filters, the Rust evaluator and the compiled SQL pick
//! exactly the same customers.

// Generators panic on a broken fixture, as tests do.
#![allow(clippy::expect_used)]

mod support;

use kizuna_shared::field::Schema;
use kizuna_shared::field::{FieldType, Record, Value};
use kizuna_shared::filter::sql::compile;
use kizuna_shared::filter::{Combine, Filter, Test};
use kizuna_shared::time::{DAY, HOUR, Millis};
use proptest::prelude::*;

const NOW: Millis = 1_795_000_000_000;
const CHANNEL: &str = "demo";

fn schema() -> Schema {
    Schema::new(&[
        ("plan", FieldType::Text),
        ("score", FieldType::Number),
        ("vip", FieldType::Boolean),
        ("renewsAt", FieldType::Date),
        ("interests", FieldType::List),
    ])
    .expect("schema")
}

/// Fields a stored customer always has (NOT NULL columns).
const ALWAYS: &[&str] = &[
    "member",
    "tags",
    "createdAt",
    "updatedAt",
    "sessionsCount",
    "hasPushToken",
    "unsubscribeEmail",
    "unsubscribeTexting",
    "emailStatus",
];

const TEXTS: &[&str] = &["a", "ab", "Ab", "AB", "b", "ba", "é", "aé", "x y", "%", "_", "a'b"];
const WORDS: &[&str] = &["a", "b", "vip", "tea", "%"];
const NUMBERS: &[f64] = &[-1.0, 0.0, 1.5, 2.0, 10.0, 1e9];
const DATES: &[Millis] = &[NOW - 3 * DAY, NOW - DAY - 1, NOW - DAY, NOW - HOUR, NOW, NOW + HOUR];

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(TEXTS).prop_map(str::to_owned)
}

fn words() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(WORDS).prop_map(str::to_owned), 0..4)
}

fn value(ty: FieldType) -> BoxedStrategy<Value> {
    match ty {
        FieldType::Text => prop_oneof![1 => Just(String::new()), 6 => text()].prop_map(Value::Text).boxed(),
        FieldType::Number => prop::sample::select(NUMBERS).prop_map(Value::Number).boxed(),
        FieldType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldType::Date => prop::sample::select(DATES).prop_map(Value::Date).boxed(),
        FieldType::List => words().prop_map(Value::List).boxed(),
    }
}

fn customer() -> impl Strategy<Value = Record> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = schema()
        .fields()
        .iter()
        .filter(|f| f.key != "id")
        .map(|f| {
            let key = f.key.clone();
            let pair = value(f.ty).prop_map(move |v| (key.clone(), v));
            if ALWAYS.contains(&f.key.as_str()) {
                pair.prop_map(Some).boxed()
            } else {
                prop::option::weighted(0.7, pair).boxed()
            }
        })
        .collect();
    fields.prop_map(|pairs| pairs.into_iter().flatten().collect())
}

fn test_for(ty: FieldType) -> BoxedStrategy<Test> {
    let number = || prop::sample::select(NUMBERS);
    let date = || prop::sample::select(DATES);
    let list = || prop::collection::vec(prop::sample::select(WORDS).prop_map(str::to_owned), 1..3);
    let typed = match ty {
        FieldType::Text => prop_oneof![
            text().prop_map(Test::TextEquals),
            text().prop_map(Test::TextContains),
            text().prop_map(Test::TextStartsWith),
        ]
        .boxed(),
        FieldType::Number => prop_oneof![
            number().prop_map(Test::NumberEquals),
            number().prop_map(Test::NumberGreater),
            number().prop_map(Test::NumberLess),
            (number(), number()).prop_map(|(a, b)| Test::NumberBetween(a.min(b), a.max(b))),
        ]
        .boxed(),
        FieldType::Boolean => prop_oneof![Just(Test::IsTrue), Just(Test::IsFalse)].boxed(),
        FieldType::Date => prop_oneof![
            date().prop_map(Test::DateBefore),
            date().prop_map(Test::DateAfter),
            (date(), date()).prop_map(|(a, b)| Test::DateBetween(a.min(b), a.max(b))),
            (0u32..4).prop_map(Test::WithinLastDays),
            (0u32..4).prop_map(Test::MoreThanDaysAgo),
        ]
        .boxed(),
        FieldType::List => prop_oneof![
            list().prop_map(Test::ListContainsAny),
            list().prop_map(Test::ListContainsAll),
            list().prop_map(Test::ListContainsNone),
        ]
        .boxed(),
    };
    prop_oneof![1 => Just(Test::Exists), 1 => Just(Test::Missing), 6 => typed].boxed()
}

fn condition() -> BoxedStrategy<Filter> {
    let fields: Vec<(String, FieldType)> = schema().fields().iter().map(|f| (f.key.clone(), f.ty)).collect();
    let field = prop::sample::select(fields)
        .prop_flat_map(|(key, ty)| test_for(ty).prop_map(move |test| Filter::Field { key: key.clone(), test }));
    let mode = || prop_oneof![Just(Combine::All), Just(Combine::Any)];
    let tags = (words(), mode(), words(), mode())
        .prop_filter("a tag condition names a tag", |(i, _, e, _)| !(i.is_empty() && e.is_empty()))
        .prop_map(|(include, include_mode, exclude, exclude_mode)| Filter::Tags {
            include,
            include_mode,
            exclude,
            exclude_mode,
        });
    prop_oneof![6 => field, 1 => tags, 1 => text().prop_map(Filter::Search)].boxed()
}

fn filter() -> impl Strategy<Value = Filter> {
    condition().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Filter::All),
            prop::collection::vec(inner, 0..4).prop_map(Filter::Any),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn rust_and_sql_pick_the_same_customers(customers in prop::collection::vec(customer(), 1..16), filter in filter()) {
        let schema = schema();
        prop_assert!(filter.validate(&schema, "filter").is_ok(), "generated an invalid filter: {filter:?}");
        let conn = support::database();
        let mut expected = Vec::new();
        for (i, customer) in customers.iter().enumerate() {
            let id = format!("c{i:02}");
            let mut customer = customer.clone();
            customer.insert("id".to_owned(), Value::Text(id.clone()));
            // A member id belongs to one customer of a channel (a unique index says so).
            if let Some(Value::Text(member)) = customer.get_mut("memberId") {
                member.push_str(&id);
            }
            support::insert(&conn, &schema, CHANNEL, &id, &customer);
            if filter.matches(&customer, NOW) {
                expected.push(id);
            }
        }
        // Another channel's customers never match.
        support::insert(&conn, &schema, "other", "c00", &customers[0]);
        let sql = compile(&filter, &schema, NOW);
        let found = support::matching_ids(&conn, CHANNEL, &sql);
        prop_assert_eq!(found, expected, "sql: {}", sql.sql);
    }
}
