//! Customer filters compiled to a SQLite (D1) `WHERE` expression over the `customers`
//! table, with the same meaning as [`Filter::matches`].
//!
//! Invariant: every predicate this module emits evaluates to 0 or 1, never NULL, so
//! `NOT`, `AND` and `OR` compose exactly like Rust's booleans (SQL's three-valued logic
//! is where the two evaluators would otherwise disagree). Values travel as `?`
//! parameters; only column names from `customer::BUILT_IN` and validated custom field
//! names are written into the SQL text.

use crate::field::{Column, FieldType, QUICK_SEARCH, Schema};
use crate::filter::{Combine, Filter, Test};
use crate::time::{DAY, Millis};

/// A parameter for the compiled SQL, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlParam {
    Text(String),
    Real(f64),
    Integer(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SqlFilter {
    /// A boolean expression for a `WHERE` clause.
    pub sql: String,
    pub params: Vec<SqlParam>,
}

/// The most parameters D1 binds to one statement.
pub const MAX_PARAMS: usize = 100;
/// The most parameters a customer statement binds besides its filter: the channel, a
/// page's keyset cursor (three) and the limit (`edge/src/store/customers.rs`, whose
/// tests pin it). A filter is refused when it would take any of them over [`MAX_PARAMS`].
pub const STATEMENT_PARAMS: usize = 5;

/// Compiles a filter validated against `schema` ([`Filter::validate`]). A field the
/// schema does not know compiles to "no match".
pub fn compile(filter: &Filter, schema: &Schema, now: Millis) -> SqlFilter {
    let mut out = SqlFilter { sql: String::new(), params: Vec::new() };
    emit(filter, schema, now, &mut out);
    out
}

fn column(schema: &Schema, key: &str) -> Option<(String, FieldType)> {
    let field = schema.field(key)?;
    let expr = match &field.column {
        Column::Typed(name) => (*name).to_owned(),
        // Custom names are [A-Za-z0-9_] (checked by Schema::new): safe inside the path.
        Column::Profile(name) => format!("json_extract(profile, '$.\"{name}\"')"),
    };
    Some((expr, field.ty))
}

fn emit(filter: &Filter, schema: &Schema, now: Millis, out: &mut SqlFilter) {
    match filter {
        Filter::All(parts) => group(parts, " AND ", "1", schema, now, out),
        Filter::Any(parts) => group(parts, " OR ", "0", schema, now, out),
        Filter::Field { key, test } => match column(schema, key) {
            Some((expr, ty)) => predicate(&expr, ty, test, now, out),
            None => out.sql.push('0'),
        },
        Filter::Tags { include, include_mode, exclude, exclude_mode } => {
            let Some((expr, ty)) = column(schema, "tags") else {
                return out.sql.push('0');
            };
            out.sql.push('(');
            if include.is_empty() {
                out.sql.push('1');
            } else {
                let test = match include_mode {
                    Combine::All => Test::ListContainsAll(include.clone()),
                    Combine::Any => Test::ListContainsAny(include.clone()),
                };
                predicate(&expr, ty, &test, now, out);
            }
            if !exclude.is_empty() {
                out.sql.push_str(" AND NOT ");
                let test = match exclude_mode {
                    Combine::All => Test::ListContainsAll(exclude.clone()),
                    Combine::Any => Test::ListContainsAny(exclude.clone()),
                };
                predicate(&expr, ty, &test, now, out);
            }
            out.sql.push(')');
        }
        Filter::Search(text) => {
            let parts: Vec<Filter> = QUICK_SEARCH
                .iter()
                .map(|key| Filter::Field { key: (*key).to_owned(), test: Test::TextContains(text.clone()) })
                .collect();
            group(&parts, " OR ", "0", schema, now, out);
        }
    }
}

fn group(parts: &[Filter], joiner: &str, empty: &str, schema: &Schema, now: Millis, out: &mut SqlFilter) {
    if parts.is_empty() {
        out.sql.push_str(empty);
        return;
    }
    out.sql.push('(');
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.sql.push_str(joiner);
        }
        emit(part, schema, now, out);
    }
    out.sql.push(')');
}

/// `template` with `{v}` replaced by the value expression, wrapped so NULL reads as 0.
fn guarded(out: &mut SqlFilter, expr: &str, template: &str, params: Vec<SqlParam>) {
    out.sql.push_str("COALESCE(");
    out.sql.push_str(&template.replace("{v}", expr));
    out.sql.push_str(", 0)");
    out.params.extend(params);
}

/// The distinct values as one parameter, a JSON array of strings, read back with
/// `json_each(?)`: a list binds one parameter however long it is (D1 binds at most
/// [`MAX_PARAMS`]). Answers the SQL that lists them and how many distinct values there are.
fn in_list(values: &[String], out: &mut SqlFilter) -> (&'static str, usize) {
    let mut distinct: Vec<&String> = values.iter().collect();
    distinct.sort();
    distinct.dedup();
    let mut json = String::from("[");
    for (i, value) in distinct.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json_string(value, &mut json);
    }
    json.push(']');
    out.params.push(SqlParam::Text(json));
    ("SELECT value FROM json_each(?)", distinct.len())
}

/// `text` as a JSON string literal.
fn json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn predicate(expr: &str, ty: FieldType, test: &Test, now: Millis, out: &mut SqlFilter) {
    use SqlParam::{Integer, Real, Text};
    let exists = match ty {
        FieldType::Text => format!("({expr} IS NOT NULL AND {expr} <> '')"),
        FieldType::List => format!("({expr} IS NOT NULL AND json_array_length({expr}) > 0)"),
        _ => format!("({expr} IS NOT NULL)"),
    };
    match test {
        Test::Exists => guarded(out, expr, &exists, vec![]),
        Test::Missing => guarded(out, expr, &format!("NOT {exists}"), vec![]),
        Test::TextEquals(x) => guarded(out, expr, "{v} = ?", vec![Text(x.clone())]),
        Test::TextContains(x) => guarded(out, expr, "instr(lower({v}), lower(?)) > 0", vec![Text(x.clone())]),
        Test::TextStartsWith(x) => {
            guarded(out, expr, "substr(lower({v}), 1, length(?)) = lower(?)", vec![Text(x.clone()), Text(x.clone())])
        }
        Test::NumberEquals(x) => guarded(out, expr, "{v} = ?", vec![Real(*x)]),
        Test::NumberGreater(x) => guarded(out, expr, "{v} > ?", vec![Real(*x)]),
        Test::NumberLess(x) => guarded(out, expr, "{v} < ?", vec![Real(*x)]),
        Test::NumberBetween(lo, hi) => guarded(out, expr, "{v} BETWEEN ? AND ?", vec![Real(*lo), Real(*hi)]),
        Test::IsTrue => guarded(out, expr, "{v} = 1", vec![]),
        Test::IsFalse => guarded(out, expr, "{v} = 0", vec![]),
        Test::DateBefore(x) => guarded(out, expr, "{v} < ?", vec![Integer(*x)]),
        Test::DateAfter(x) => guarded(out, expr, "{v} > ?", vec![Integer(*x)]),
        Test::DateBetween(lo, hi) => guarded(out, expr, "{v} BETWEEN ? AND ?", vec![Integer(*lo), Integer(*hi)]),
        Test::WithinLastDays(n) => {
            let since = now - i64::from(*n) * DAY;
            guarded(out, expr, "{v} BETWEEN ? AND ?", vec![Integer(since), Integer(now)]);
        }
        Test::MoreThanDaysAgo(n) => guarded(out, expr, "{v} < ?", vec![Integer(now - i64::from(*n) * DAY)]),
        Test::ListContainsAny(xs) | Test::ListContainsNone(xs) => {
            let negate = if matches!(test, Test::ListContainsNone(_)) { "NOT " } else { "" };
            out.sql.push_str(&format!("{negate}EXISTS (SELECT 1 FROM json_each({expr}) WHERE value IN ("));
            let (marks, _) = in_list(xs, out);
            out.sql.push_str(marks);
            out.sql.push_str("))");
        }
        Test::ListContainsAll(xs) => {
            out.sql.push_str(&format!("((SELECT COUNT(DISTINCT value) FROM json_each({expr}) WHERE value IN ("));
            let (marks, n) = in_list(xs, out);
            out.sql.push_str(marks);
            out.sql.push_str(&format!(")) = {n})"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_travel_as_parameters_never_in_the_sql_text() {
        let schema = Schema::new(&[("plan", FieldType::Text)]).unwrap();
        let filter = Filter::All(vec![
            Filter::Field { key: "name".into(), test: Test::TextEquals("x' OR 1=1 --".into()) },
            Filter::Field { key: "profile.plan".into(), test: Test::TextContains("gold".into()) },
        ]);
        let sql = compile(&filter, &schema, 0);
        assert!(!sql.sql.contains("OR 1=1"), "{}", sql.sql);
        assert_eq!(sql.params, vec![SqlParam::Text("x' OR 1=1 --".into()), SqlParam::Text("gold".into())]);
        assert!(sql.sql.contains("json_extract(profile, '$.\"plan\"')"), "{}", sql.sql);
    }

    #[test]
    fn empty_groups_compile_to_constants() {
        let schema = Schema::new(&[]).unwrap();
        assert_eq!(compile(&Filter::All(vec![]), &schema, 0).sql, "1");
        assert_eq!(compile(&Filter::Any(vec![]), &schema, 0).sql, "0");
    }
}
