//! The filter's one JSON form, [`FilterDoc`]: what segments, campaign audiences, bulk
//! jobs and broadcast runs store and what the admin API exchanges, read into a domain
//! [`Filter`] by checking it against a channel's [`Schema`].
//!
//! Invariant: a `FilterDoc` is never evaluated as it is; [`FilterDoc::to_filter`] is the
//! only way to a [`Filter`], and its errors name the part (`filter.all[1].value`).

use crate::field::{FieldType, FieldValue, Schema};
use crate::filter::{Combine, Filter, Test};
use crate::invalid::FieldError;
use serde::{Deserialize, Serialize};

/// A filter as JSON: exactly one of a group (`all`/`any`), a condition
/// (`field`, `op`, `value`), a tag condition (`tags`) or a quick search (`search`).
///
/// ```json
/// {"all": [{"field": "country", "op": "equals", "value": "JP"},
///          {"any": [{"field": "sessionsCount", "op": "greaterThan", "value": 2},
///                   {"tags": {"include": ["vip"], "includeMode": "any"}}]}]}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<FilterDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<FilterDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<FieldValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagsDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagsDoc {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub include_mode: ModeDoc,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub exclude_mode: ModeDoc,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModeDoc {
    All,
    #[default]
    Any,
}

impl From<ModeDoc> for Combine {
    fn from(mode: ModeDoc) -> Combine {
        match mode {
            ModeDoc::All => Combine::All,
            ModeDoc::Any => Combine::Any,
        }
    }
}

impl FilterDoc {
    /// The domain filter, checked against the channel's fields; errors name the part
    /// (`filter.all[1].value`).
    pub fn to_filter(&self, schema: &Schema, path: &str) -> Result<Filter, FieldError> {
        let filter = self.convert(schema, path)?;
        filter.validate(schema, path)?;
        Ok(filter)
    }

    fn convert(&self, schema: &Schema, path: &str) -> Result<Filter, FieldError> {
        let forms =
            [self.all.is_some(), self.any.is_some(), self.field.is_some(), self.tags.is_some(), self.search.is_some()];
        if forms.iter().filter(|f| **f).count() != 1 {
            return Err(FieldError::new(path, "give exactly one of all, any, field (with op), tags or search"));
        }
        if self.field.is_none() && (self.op.is_some() || self.value.is_some()) {
            return Err(FieldError::new(format!("{path}.op"), "op and value go with field"));
        }
        let group = |parts: &[FilterDoc], kind: &str| -> Result<Vec<Filter>, FieldError> {
            parts.iter().enumerate().map(|(i, part)| part.convert(schema, &format!("{path}.{kind}[{i}]"))).collect()
        };
        if let Some(parts) = &self.all {
            return Ok(Filter::All(group(parts, "all")?));
        }
        if let Some(parts) = &self.any {
            return Ok(Filter::Any(group(parts, "any")?));
        }
        if let Some(tags) = &self.tags {
            return Ok(Filter::Tags {
                include: tags.include.clone(),
                include_mode: tags.include_mode.into(),
                exclude: tags.exclude.clone(),
                exclude_mode: tags.exclude_mode.into(),
            });
        }
        if let Some(text) = &self.search {
            return Ok(Filter::Search(text.clone()));
        }
        let key = self.field.clone().unwrap_or_default();
        let ty = schema
            .field(&key)
            .map(|f| f.ty)
            .ok_or_else(|| FieldError::new(format!("{path}.field"), "no such field"))?;
        let op = self.op.as_deref().ok_or_else(|| FieldError::new(format!("{path}.op"), "required with field"))?;
        let test = test(op, ty, self.value.as_ref(), path)?;
        Ok(Filter::Field { key, test })
    }
}

fn test(op: &str, ty: FieldType, value: Option<&FieldValue>, path: &str) -> Result<Test, FieldError> {
    use FieldType as T;
    use FieldValue as V;
    let field = format!("{path}.value");
    let wrong = |expected: &str| FieldError::new(field.clone(), format!("{op} on a {ty:?} field takes {expected}"));
    let days = |n: f64| -> Result<u32, FieldError> {
        if n.fract() == 0.0 && (0.0..=36_500.0).contains(&n) {
            Ok(n as u32)
        } else {
            Err(wrong("a whole number of days"))
        }
    };
    let ms = |n: f64| -> Result<i64, FieldError> {
        if n.fract() == 0.0 && n.abs() < 1e15 { Ok(n as i64) } else { Err(wrong("a time in ms since the epoch")) }
    };
    let test = match (op, ty, value) {
        ("exists", _, None) => Test::Exists,
        ("missing", _, None) => Test::Missing,
        ("equals", T::Text, Some(V::Text(t))) => Test::TextEquals(t.clone()),
        ("contains", T::Text, Some(V::Text(t))) => Test::TextContains(t.clone()),
        ("startsWith", T::Text, Some(V::Text(t))) => Test::TextStartsWith(t.clone()),
        ("equals", T::Number, Some(V::Number(n))) => Test::NumberEquals(*n),
        ("greaterThan", T::Number, Some(V::Number(n))) => Test::NumberGreater(*n),
        ("lessThan", T::Number, Some(V::Number(n))) => Test::NumberLess(*n),
        ("between", T::Number, Some(V::Numbers(r))) if r.len() == 2 => Test::NumberBetween(r[0], r[1]),
        ("isTrue", T::Boolean, None) | ("equals", T::Boolean, Some(V::Bool(true))) => Test::IsTrue,
        ("isFalse", T::Boolean, None) | ("equals", T::Boolean, Some(V::Bool(false))) => Test::IsFalse,
        ("before", T::Date, Some(V::Number(n))) => Test::DateBefore(ms(*n)?),
        ("after", T::Date, Some(V::Number(n))) => Test::DateAfter(ms(*n)?),
        ("between", T::Date, Some(V::Numbers(r))) if r.len() == 2 => Test::DateBetween(ms(r[0])?, ms(r[1])?),
        ("withinLastDays", T::Date, Some(V::Number(n))) => Test::WithinLastDays(days(*n)?),
        ("moreThanDaysAgo", T::Date, Some(V::Number(n))) => Test::MoreThanDaysAgo(days(*n)?),
        ("containsAny", T::List, Some(V::Texts(l))) => Test::ListContainsAny(l.clone()),
        ("containsAll", T::List, Some(V::Texts(l))) => Test::ListContainsAll(l.clone()),
        ("containsNone", T::List, Some(V::Texts(l))) => Test::ListContainsNone(l.clone()),
        (op, _, _) => {
            return Err(match op_types(op) {
                None => FieldError::new(format!("{path}.op"), format!("unknown operator {op:?}")),
                Some(types) if !types.contains(&ty) => {
                    FieldError::new(format!("{path}.op"), format!("{op} does not apply to a {ty:?} field"))
                }
                Some(_) => wrong(expected_value(op, ty)),
            });
        }
    };
    Ok(test)
}

/// The field types an operator applies to; `None` for an unknown operator.
fn op_types(op: &str) -> Option<&'static [FieldType]> {
    use FieldType::*;
    Some(match op {
        "exists" | "missing" => &[Text, Number, Boolean, Date, List],
        "equals" => &[Text, Number, Boolean],
        "contains" | "startsWith" => &[Text],
        "greaterThan" | "lessThan" => &[Number],
        "between" => &[Number, Date],
        "isTrue" | "isFalse" => &[Boolean],
        "before" | "after" | "withinLastDays" | "moreThanDaysAgo" => &[Date],
        "containsAny" | "containsAll" | "containsNone" => &[List],
        _ => return None,
    })
}

fn expected_value(op: &str, ty: FieldType) -> &'static str {
    match (op, ty) {
        ("exists" | "missing" | "isTrue" | "isFalse", _) => "no value (or the operator does not fit the field)",
        ("between", _) => "[start, end]",
        ("containsAny" | "containsAll" | "containsNone", FieldType::List) => "a list of texts",
        (_, FieldType::Text) => "a text",
        (_, FieldType::Boolean) => "true or false",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Filter, FieldError> {
        let doc: FilterDoc = serde_json::from_str(json).unwrap();
        doc.to_filter(&Schema::new(&[("plan", FieldType::Text)]).unwrap(), "filter")
    }

    #[test]
    fn a_nested_filter_reads_into_the_domain() {
        let f = parse(
            r#"{"all":[{"field":"country","op":"equals","value":"JP"},
                {"any":[{"field":"sessionsCount","op":"between","value":[2,5]},
                        {"tags":{"include":["vip"],"includeMode":"all"}},
                        {"field":"profile.plan","op":"contains","value":"gold"}]}]}"#,
        )
        .unwrap();
        let Filter::All(parts) = f else { panic!("not a group") };
        assert_eq!(parts[0], Filter::Field { key: "country".into(), test: Test::TextEquals("JP".into()) });
        assert!(matches!(&parts[1], Filter::Any(inner) if inner.len() == 3));
    }

    #[test]
    fn mistakes_are_named_by_path() {
        let err = |json| parse(json).unwrap_err().field;
        assert_eq!(err(r#"{"all":[{"field":"country","op":"greaterThan","value":3}]}"#), "filter.all[0].op");
        assert_eq!(err(r#"{"all":[{"field":"country","op":"equals","value":3}]}"#), "filter.all[0].value");
        assert_eq!(err(r#"{"all":[{"field":"nope","op":"exists"}]}"#), "filter.all[0].field");
        assert_eq!(err(r#"{"any":[{"field":"country","op":"resembles","value":"x"}]}"#), "filter.any[0].op");
        assert_eq!(err(r#"{"field":"lastSeenAt","op":"withinLastDays","value":1.5}"#), "filter.value");
        assert_eq!(err(r#"{"all":[],"search":"x"}"#), "filter");
        assert_eq!(err(r#"{"field":"sessionsCount","op":"between","value":[5,1]}"#), "filter.value");
    }
}
