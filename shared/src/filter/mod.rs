//! Customer filters (seed 003, 004): nested AND/OR groups of conditions on typed fields,
//! tag include/exclude conditions and quick search, with one meaning in two evaluators:
//! [`Filter::matches`] here for one customer at the edge, and `filter::sql::compile` for
//! all customers in D1. `tests/filter_equivalence.rs` checks they agree.
//!
//! The meaning, operator by operator:
//! - a condition on a field the customer has no value for is false, except `Missing`
//!   and `ListContainsNone` (an absent list contains none of the values);
//! - an empty text and an empty list count as no value for `Exists`/`Missing`;
//! - text equality is exact; `contains` and `starts with` ignore ASCII case;
//! - number and date ranges include both ends; dates are ms since the epoch, and
//!   "within the last N days" means `now - N days <= value <= now`.

pub mod doc;
pub mod sql;

pub use doc::FilterDoc;

use crate::field::Schema;
use crate::field::{FieldType, Record, Value};
use crate::invalid::FieldError;
use crate::time::{DAY, Millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Every one (AND).
    All,
    /// At least one (OR).
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every part holds (AND); an empty group holds for everyone.
    All(Vec<Filter>),
    /// At least one part holds (OR); an empty group holds for no one.
    Any(Vec<Filter>),
    Field {
        key: String,
        test: Test,
    },
    /// Customers with the included tags (all or any of them), without the excluded ones
    /// (excluded when they have all, or any, of them).
    Tags {
        include: Vec<String>,
        include_mode: Combine,
        exclude: Vec<String>,
        exclude_mode: Combine,
    },
    /// Quick search: name, email or mobile number contains the text (ASCII case ignored).
    Search(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Exists,
    Missing,
    TextEquals(String),
    TextContains(String),
    TextStartsWith(String),
    NumberEquals(f64),
    NumberGreater(f64),
    NumberLess(f64),
    NumberBetween(f64, f64),
    IsTrue,
    IsFalse,
    DateBefore(Millis),
    DateAfter(Millis),
    DateBetween(Millis, Millis),
    WithinLastDays(u32),
    MoreThanDaysAgo(u32),
    ListContainsAny(Vec<String>),
    ListContainsAll(Vec<String>),
    ListContainsNone(Vec<String>),
}

/// Limits that keep a filter cheap to evaluate and to compile.
pub const MAX_DEPTH: usize = 8;
pub const MAX_CONDITIONS: usize = 100;
pub const MAX_LIST_VALUES: usize = 100;

impl Test {
    /// The field types this operator applies to.
    pub fn applies_to(&self, ty: FieldType) -> bool {
        use Test::*;
        match self {
            Exists | Missing => true,
            TextEquals(_) | TextContains(_) | TextStartsWith(_) => ty == FieldType::Text,
            NumberEquals(_) | NumberGreater(_) | NumberLess(_) | NumberBetween(..) => ty == FieldType::Number,
            IsTrue | IsFalse => ty == FieldType::Boolean,
            DateBefore(_) | DateAfter(_) | DateBetween(..) | WithinLastDays(_) | MoreThanDaysAgo(_) => {
                ty == FieldType::Date
            }
            ListContainsAny(_) | ListContainsAll(_) | ListContainsNone(_) => ty == FieldType::List,
        }
    }
}

fn check_text(field: &str, text: &str) -> Result<(), FieldError> {
    if text.is_empty() || text.chars().count() > 256 {
        return Err(FieldError::new(field, "must be 1 to 256 characters"));
    }
    if text.chars().any(char::is_control) {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(())
}

fn check_list(field: &str, values: &[String]) -> Result<(), FieldError> {
    if values.is_empty() || values.len() > MAX_LIST_VALUES {
        return Err(FieldError::new(field, format!("must list 1 to {MAX_LIST_VALUES} values")));
    }
    values.iter().enumerate().try_for_each(|(i, v)| check_text(&format!("{field}[{i}]"), v))
}

fn check_number(field: &str, n: f64) -> Result<(), FieldError> {
    if n.is_finite() { Ok(()) } else { Err(FieldError::new(field, "must be a finite number")) }
}

impl Filter {
    /// Checks the filter against the channel's fields: known fields, operators that fit
    /// their types, sane values, bounded size. `path` names the filter in errors.
    ///
    /// Every part counts toward [`MAX_CONDITIONS`], a group (even an empty one) as well as
    /// a condition, and the filter with its statement must bind at most
    /// [`sql::MAX_PARAMS`], D1's limit, so the database can run every filter accepted here.
    pub fn validate(&self, schema: &Schema, path: &str) -> Result<(), FieldError> {
        let mut conditions = 0;
        self.validate_at(schema, path, 0, &mut conditions)?;
        let params = sql::compile(self, schema, 0).params.len() + sql::STATEMENT_PARAMS;
        if params > sql::MAX_PARAMS {
            return Err(FieldError::new(
                path,
                format!(
                    "needs {params} database parameters with the list's own {}, the database takes at most {}: use fewer conditions, or one list condition instead of many equals",
                    sql::STATEMENT_PARAMS,
                    sql::MAX_PARAMS
                ),
            ));
        }
        Ok(())
    }

    fn validate_at(&self, schema: &Schema, path: &str, depth: usize, count: &mut usize) -> Result<(), FieldError> {
        if depth > MAX_DEPTH {
            return Err(FieldError::new(path, format!("groups may nest at most {MAX_DEPTH} deep")));
        }
        match self {
            Filter::All(parts) | Filter::Any(parts) => {
                let kind = if matches!(self, Filter::All(_)) { "all" } else { "any" };
                for (i, part) in parts.iter().enumerate() {
                    part.validate_at(schema, &format!("{path}.{kind}[{i}]"), depth + 1, count)?;
                }
            }
            Filter::Search(text) => check_text(&format!("{path}.search"), text)?,
            Filter::Tags { include, exclude, .. } => {
                if include.is_empty() && exclude.is_empty() {
                    return Err(FieldError::new(format!("{path}.tags"), "include or exclude at least one tag"));
                }
                for (name, list) in [("include", include), ("exclude", exclude)] {
                    if !list.is_empty() {
                        check_list(&format!("{path}.tags.{name}"), list)?;
                    }
                }
            }
            Filter::Field { key, test } => {
                let field =
                    schema.field(key).ok_or_else(|| FieldError::new(format!("{path}.field"), "no such field"))?;
                if !test.applies_to(field.ty) {
                    return Err(FieldError::new(
                        format!("{path}.op"),
                        format!("does not apply to a {:?} field", field.ty),
                    ));
                }
                let value = format!("{path}.value");
                match test {
                    Test::TextEquals(t) | Test::TextContains(t) | Test::TextStartsWith(t) => check_text(&value, t)?,
                    Test::NumberEquals(n) | Test::NumberGreater(n) | Test::NumberLess(n) => check_number(&value, *n)?,
                    Test::NumberBetween(lo, hi) => {
                        check_number(&value, *lo)?;
                        check_number(&value, *hi)?;
                        if lo > hi {
                            return Err(FieldError::new(value, "the range's start is after its end"));
                        }
                    }
                    Test::DateBetween(lo, hi) if lo > hi => {
                        return Err(FieldError::new(value, "the range's start is after its end"));
                    }
                    Test::WithinLastDays(n) | Test::MoreThanDaysAgo(n) if *n > 36_500 => {
                        return Err(FieldError::new(value, "at most 36500 days"));
                    }
                    Test::ListContainsAny(l) | Test::ListContainsAll(l) | Test::ListContainsNone(l) => {
                        check_list(&value, l)?;
                    }
                    _ => {}
                }
            }
        }
        *count += 1;
        if *count > MAX_CONDITIONS {
            return Err(FieldError::new(path, format!("at most {MAX_CONDITIONS} conditions and groups")));
        }
        Ok(())
    }

    /// Whether `customer` matches, at `now`.
    pub fn matches(&self, customer: &Record, now: Millis) -> bool {
        match self {
            Filter::All(parts) => parts.iter().all(|p| p.matches(customer, now)),
            Filter::Any(parts) => parts.iter().any(|p| p.matches(customer, now)),
            Filter::Field { key, test } => test.holds(customer.get(key), now),
            Filter::Tags { include, include_mode, exclude, exclude_mode } => {
                let tags = customer.get("tags");
                let included = include.is_empty()
                    || match include_mode {
                        Combine::All => Test::ListContainsAll(include.clone()).holds(tags, now),
                        Combine::Any => Test::ListContainsAny(include.clone()).holds(tags, now),
                    };
                let excluded = !exclude.is_empty()
                    && match exclude_mode {
                        Combine::All => Test::ListContainsAll(exclude.clone()).holds(tags, now),
                        Combine::Any => Test::ListContainsAny(exclude.clone()).holds(tags, now),
                    };
                included && !excluded
            }
            Filter::Search(text) => crate::field::QUICK_SEARCH
                .iter()
                .any(|key| Test::TextContains(text.clone()).holds(customer.get(*key), now)),
        }
    }
}

fn lower(text: &str) -> String {
    text.to_ascii_lowercase()
}

impl Test {
    /// Whether the test holds for `value` (`None`: the customer has no value).
    pub fn holds(&self, value: Option<&Value>, now: Millis) -> bool {
        use Test::*;
        let present = match value {
            None => false,
            Some(Value::Text(t)) => !t.is_empty(),
            Some(Value::List(l)) => !l.is_empty(),
            Some(_) => true,
        };
        match (self, value) {
            (Exists, _) => present,
            (Missing, _) => !present,
            (TextEquals(x), Some(Value::Text(t))) => t == x,
            (TextContains(x), Some(Value::Text(t))) => lower(t).contains(&lower(x)),
            (TextStartsWith(x), Some(Value::Text(t))) => lower(t).starts_with(&lower(x)),
            (NumberEquals(x), Some(Value::Number(n))) => n == x,
            (NumberGreater(x), Some(Value::Number(n))) => n > x,
            (NumberLess(x), Some(Value::Number(n))) => n < x,
            (NumberBetween(lo, hi), Some(Value::Number(n))) => lo <= n && n <= hi,
            (IsTrue, Some(Value::Bool(b))) => *b,
            (IsFalse, Some(Value::Bool(b))) => !*b,
            (DateBefore(x), Some(Value::Date(d))) => d < x,
            (DateAfter(x), Some(Value::Date(d))) => d > x,
            (DateBetween(lo, hi), Some(Value::Date(d))) => lo <= d && d <= hi,
            (WithinLastDays(n), Some(Value::Date(d))) => now - i64::from(*n) * DAY <= *d && *d <= now,
            (MoreThanDaysAgo(n), Some(Value::Date(d))) => *d < now - i64::from(*n) * DAY,
            (ListContainsAny(xs), Some(Value::List(l))) => xs.iter().any(|x| l.contains(x)),
            (ListContainsAll(xs), Some(Value::List(l))) => xs.iter().all(|x| l.contains(x)),
            (ListContainsNone(xs), Some(Value::List(l))) => !xs.iter().any(|x| l.contains(x)),
            (ListContainsNone(_), None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    const NOW: Millis = 1_795_000_000_000;

    fn customer() -> Record {
        [
            ("name", Value::Text("Aiko Tanaka".into())),
            ("profile.email", Value::Text("aiko@example.jp".into())),
            ("sessionsCount", Value::Number(3.0)),
            ("member", Value::Bool(true)),
            ("lastSeenAt", Value::Date(NOW - 2 * DAY)),
            ("tags", Value::List(vec!["vip".into(), "tea".into()])),
            ("city", Value::Text(String::new())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    #[track_caller]
    fn check(filter: Filter, expected: bool) {
        assert_eq!(filter.matches(&customer(), NOW), expected, "{filter:?}");
    }

    fn field(key: &str, test: Test) -> Filter {
        Filter::Field { key: key.to_owned(), test }
    }

    #[test]
    fn contains_and_starts_with_ignore_ascii_case_but_equals_does_not() {
        check(field("name", Test::TextContains("TANAKA".into())), true);
        check(field("name", Test::TextStartsWith("aiko".into())), true);
        check(field("name", Test::TextEquals("aiko tanaka".into())), false);
        check(field("name", Test::TextEquals("Aiko Tanaka".into())), true);
    }

    #[test]
    fn a_condition_on_a_missing_value_is_false_except_missing_and_contains_none() {
        check(field("country", Test::TextEquals("JP".into())), false);
        check(field("country", Test::Missing), true);
        check(field("profile.referrer", Test::Exists), false);
        check(field("web.sessionsCount", Test::NumberLess(100.0)), false);
    }

    #[test]
    fn an_empty_text_counts_as_no_value() {
        check(field("city", Test::Exists), false);
        check(field("city", Test::Missing), true);
    }

    #[test]
    fn ranges_include_both_ends() {
        check(field("sessionsCount", Test::NumberBetween(3.0, 3.0)), true);
        check(field("lastSeenAt", Test::DateBetween(NOW - 2 * DAY, NOW)), true);
    }

    #[test]
    fn within_the_last_n_days_and_more_than_n_days_ago_split_at_the_boundary() {
        check(field("lastSeenAt", Test::WithinLastDays(2)), true);
        check(field("lastSeenAt", Test::WithinLastDays(1)), false);
        check(field("lastSeenAt", Test::MoreThanDaysAgo(1)), true);
        check(field("lastSeenAt", Test::MoreThanDaysAgo(2)), false);
        let mut future = customer();
        future.insert("lastSeenAt".into(), Value::Date(NOW + HOUR));
        assert!(!field("lastSeenAt", Test::WithinLastDays(2)).matches(&future, NOW));
    }

    #[test]
    fn tags_include_and_exclude_with_and_or() {
        let tags = |include: &[&str], im, exclude: &[&str], em| Filter::Tags {
            include: include.iter().map(|s| s.to_string()).collect(),
            include_mode: im,
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            exclude_mode: em,
        };
        check(tags(&["vip", "tea"], Combine::All, &[], Combine::Any), true);
        check(tags(&["vip", "new"], Combine::All, &[], Combine::Any), false);
        check(tags(&["vip", "new"], Combine::Any, &[], Combine::Any), true);
        check(tags(&["vip"], Combine::Any, &["tea", "new"], Combine::Any), false);
        check(tags(&["vip"], Combine::Any, &["tea", "new"], Combine::All), true);
        check(tags(&[], Combine::Any, &["new"], Combine::Any), true);
    }

    #[test]
    fn quick_search_looks_at_name_email_and_mobile() {
        check(Filter::Search("EXAMPLE.jp".into()), true);
        check(Filter::Search("090".into()), false);
    }

    #[test]
    fn groups_nest_and_empty_groups_are_neutral() {
        let yes = field("member", Test::IsTrue);
        let no = field("member", Test::IsFalse);
        check(Filter::All(vec![yes.clone(), Filter::Any(vec![no.clone(), yes.clone()])]), true);
        check(Filter::Any(vec![no.clone(), Filter::All(vec![no, yes])]), false);
        check(Filter::All(vec![]), true);
        check(Filter::Any(vec![]), false);
    }

    #[test]
    fn validation_names_the_offending_part() {
        let schema = Schema::new(&[("plan", FieldType::Text)]).unwrap();
        let filter = Filter::All(vec![
            field("profile.plan", Test::TextEquals("gold".into())),
            Filter::Any(vec![field("sessionsCount", Test::TextContains("x".into()))]),
        ]);
        let err = filter.validate(&schema, "filter").unwrap_err();
        assert_eq!(err.field, "filter.all[1].any[0].op");
        let unknown = field("profile.nope", Test::Exists).validate(&schema, "filter").unwrap_err();
        assert_eq!(unknown.field, "filter.field");
        let range = field("sessionsCount", Test::NumberBetween(5.0, 1.0)).validate(&schema, "filter").unwrap_err();
        assert_eq!(range.field, "filter.value");
        let nan = field("sessionsCount", Test::NumberEquals(f64::NAN)).validate(&schema, "filter").unwrap_err();
        assert_eq!(nan.field, "filter.value");
    }

    #[test]
    fn validation_bounds_depth_and_size() {
        let schema = Schema::new(&[]).unwrap();
        let mut deep = field("member", Test::IsTrue);
        for _ in 0..=MAX_DEPTH {
            deep = Filter::All(vec![deep]);
        }
        assert!(deep.validate(&schema, "filter").is_err());
        let wide = Filter::Any(vec![field("member", Test::IsTrue); MAX_CONDITIONS + 1]);
        assert!(wide.validate(&schema, "filter").is_err());
    }

    #[test]
    fn r10_empty_groups_count_toward_the_size_limit() {
        let schema = Schema::new(&[]).unwrap();
        let empties = Filter::Any(vec![Filter::All(vec![]); MAX_CONDITIONS]);
        let err = empties.validate(&schema, "filter").unwrap_err();
        assert_eq!((err.field.as_str(), err.problem.as_str()), ("filter", "at most 100 conditions and groups"));
        assert!(Filter::Any(vec![Filter::All(vec![]); MAX_CONDITIONS - 1]).validate(&schema, "filter").is_ok());
    }

    #[test]
    fn r10_a_filter_whose_statement_would_bind_over_100_parameters_is_refused_naming_it() {
        let schema = Schema::new(&[]).unwrap();
        let equals = |n: usize| Filter::Any(vec![field("name", Test::TextEquals("x".into())); n]);
        let most = sql::MAX_PARAMS - sql::STATEMENT_PARAMS;
        assert!(equals(most).validate(&schema, "filter").is_ok());
        let err = equals(most + 1).validate(&schema, "filter").unwrap_err();
        assert_eq!(err.field, "filter");
        assert!(err.problem.contains("101 database parameters"), "{}", err.problem);
    }

    #[test]
    fn r10_a_list_of_100_values_binds_one_parameter() {
        let schema = Schema::new(&[]).unwrap();
        let tags: Vec<String> = (0..MAX_LIST_VALUES).map(|n| format!("t{n}")).collect();
        let any = Filter::Any(vec![field("tags", Test::ListContainsAny(tags)); 90]);
        assert!(any.validate(&schema, "filter").is_ok());
        assert_eq!(sql::compile(&any, &schema, 0).params.len(), 90);
    }
}
