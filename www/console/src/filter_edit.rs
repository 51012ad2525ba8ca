//! The filter builder's edit state: a tree of groups, conditions and tag conditions as
//! the inputs hold them (text), turned into the shared [`FilterDoc`] and checked with the
//! shared validation, so the console and the API never disagree on what a filter is.
//!
//! Invariant: the edit tree maps one to one onto the document it builds (the root is a
//! group, every node becomes one part at the same index), so a validation error's path
//! (`filter.all[1].any[0].value`) names the node and the input it is about.

use crate::i18n::{Key, Lang, text};
use kizuna_shared::field::{FieldType, FieldValue, Schema, Visibility};
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::filter::doc::{ModeDoc, TagsDoc};
use kizuna_shared::wire::admin::FieldOut;

/// The document's name in paths, as the API names it in a segment's body.
pub const ROOT: &str = "filter";

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Group(Group),
    Condition(Condition),
    Tags(Tags),
    /// Quick search (name, email, mobile number contain the text).
    Search(String),
}

/// AND (`all`) or OR (`any`) of its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub all: bool,
    pub parts: Vec<Part>,
}

/// A condition on one field. Date values are ms since the epoch as text (the browser
/// converts what the date input shows); a list is comma-separated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Condition {
    pub field: String,
    pub op: String,
    pub value: String,
    /// The end of a `between` range.
    pub second: String,
}

/// Tags included and excluded, each all (AND) or any (OR); comma-separated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tags {
    pub include: String,
    pub include_all: bool,
    pub exclude: String,
    pub exclude_all: bool,
}

/// What the builder says is wrong, and where: the path of the part (`filter.all[0]`)
/// with the input (`.value`, `.op`, `.field`, `.tags.include`), as the API would name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mistake {
    pub field: String,
    pub key: Key,
}

/// What input an operator's value needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    None,
    Text,
    Number,
    NumberRange,
    Date,
    DateRange,
    Days,
    List,
    Bool,
}

/// Every operator the shared model allows on a field of type `ty`, in the order offered.
pub fn ops(ty: FieldType) -> &'static [&'static str] {
    match ty {
        FieldType::Text => &["equals", "contains", "startsWith", "exists", "missing"],
        FieldType::Number => &["equals", "greaterThan", "lessThan", "between", "exists", "missing"],
        FieldType::Boolean => &["isTrue", "isFalse", "equals", "exists", "missing"],
        FieldType::Date => &["withinLastDays", "moreThanDaysAgo", "before", "after", "between", "exists", "missing"],
        FieldType::List => &["containsAny", "containsAll", "containsNone", "exists", "missing"],
    }
}

/// An operator's name on screen.
pub fn op_label(ty: FieldType, op: &str) -> Key {
    match (ty, op) {
        (FieldType::Boolean, "equals") => Key::OpIs,
        (_, "equals") => Key::OpEquals,
        (_, "contains") => Key::OpContains,
        (_, "startsWith") => Key::OpStartsWith,
        (_, "greaterThan") => Key::OpGreaterThan,
        (_, "lessThan") => Key::OpLessThan,
        (_, "between") => Key::OpBetween,
        (_, "isTrue") => Key::OpIsTrue,
        (_, "isFalse") => Key::OpIsFalse,
        (_, "before") => Key::OpBefore,
        (_, "after") => Key::OpAfter,
        (_, "withinLastDays") => Key::OpWithinLastDays,
        (_, "moreThanDaysAgo") => Key::OpMoreThanDaysAgo,
        (_, "containsAny") => Key::OpContainsAny,
        (_, "containsAll") => Key::OpContainsAll,
        (_, "containsNone") => Key::OpContainsNone,
        (_, "exists") => Key::OpExists,
        _ => Key::OpMissing,
    }
}

pub fn value_kind(ty: FieldType, op: &str) -> ValueKind {
    match (ty, op) {
        (_, "exists" | "missing" | "isTrue" | "isFalse") => ValueKind::None,
        (FieldType::Boolean, _) => ValueKind::Bool,
        (FieldType::Number, "between") => ValueKind::NumberRange,
        (FieldType::Number, _) => ValueKind::Number,
        (FieldType::Date, "between") => ValueKind::DateRange,
        (FieldType::Date, "withinLastDays" | "moreThanDaysAgo") => ValueKind::Days,
        (FieldType::Date, _) => ValueKind::Date,
        (FieldType::List, _) => ValueKind::List,
        (FieldType::Text, _) => ValueKind::Text,
    }
}

/// The channel's fields a filter may use: built-in ones and custom ones not hidden (the
/// API's own rule, `Schema::of_channel`).
pub fn schema(fields: &[FieldOut]) -> Result<Schema, String> {
    let custom: Vec<(&str, FieldType)> = fields
        .iter()
        .filter(|f| !f.built_in && f.visibility != Visibility::Hidden)
        .filter_map(|f| Some((f.key.strip_prefix("profile.")?, f.ty)))
        .collect();
    Schema::new(&custom)
}

/// The fields offered in a condition's field list: those the filter may use, except
/// archived ones unless `used` (a saved filter keeps showing what it has).
pub fn offered<'a>(fields: &'a [FieldOut], used: &str) -> Vec<&'a FieldOut> {
    fields
        .iter()
        .filter(|f| f.visibility == Visibility::Visible || f.key == used)
        .filter(|f| f.visibility != Visibility::Hidden || f.key == used)
        .collect()
}

pub fn field_type(fields: &[FieldOut], key: &str) -> Option<FieldType> {
    fields.iter().find(|f| f.key == key).map(|f| f.ty)
}

/// Comma-separated items, trimmed, without empty ones.
pub fn items(text: &str) -> Vec<String> {
    text.split([',', '、']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl Group {
    pub fn new(all: bool) -> Group {
        Group { all, parts: Vec::new() }
    }

    /// The group's document, or the first part that cannot become one.
    fn to_doc(&self, fields: &[FieldOut], path: &str) -> Result<FilterDoc, Mistake> {
        let kind = if self.all { "all" } else { "any" };
        let parts = self
            .parts
            .iter()
            .enumerate()
            .map(|(i, part)| part.to_doc(fields, &format!("{path}.{kind}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if self.all {
            FilterDoc { all: Some(parts), ..FilterDoc::default() }
        } else {
            FilterDoc { any: Some(parts), ..FilterDoc::default() }
        })
    }

    /// The edit tree of a saved document (a bare condition becomes the root's one part).
    pub fn from_doc(doc: &FilterDoc) -> Group {
        match Part::from_doc(doc) {
            Part::Group(group) => group,
            part => Group { all: true, parts: vec![part] },
        }
    }
}

impl Part {
    fn to_doc(&self, fields: &[FieldOut], path: &str) -> Result<FilterDoc, Mistake> {
        let at = |input: &str, key: Key| Mistake { field: format!("{path}{input}"), key };
        match self {
            Part::Group(group) if group.parts.is_empty() => Err(at("", Key::FilterGroupEmpty)),
            Part::Group(group) => group.to_doc(fields, path),
            Part::Search(text) if text.trim().is_empty() => Err(at(".search", Key::FilterValueMissing)),
            Part::Search(text) => Ok(FilterDoc { search: Some(text.trim().to_owned()), ..FilterDoc::default() }),
            Part::Tags(tags) => {
                let (include, exclude) = (items(&tags.include), items(&tags.exclude));
                if include.is_empty() && exclude.is_empty() {
                    return Err(at(".tags.include", Key::FilterTagsMissing));
                }
                let mode = |all: bool| if all { ModeDoc::All } else { ModeDoc::Any };
                let tags = TagsDoc {
                    include,
                    include_mode: mode(tags.include_all),
                    exclude,
                    exclude_mode: mode(tags.exclude_all),
                };
                Ok(FilterDoc { tags: Some(tags), ..FilterDoc::default() })
            }
            Part::Condition(c) => {
                let ty = field_type(fields, &c.field).ok_or_else(|| at(".field", Key::FilterFieldMissing))?;
                if !ops(ty).contains(&c.op.as_str()) {
                    return Err(at(".op", Key::FilterOpInvalid));
                }
                let number = |text: &str, key: Key| -> Result<f64, Mistake> {
                    text.trim().parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| at(".value", key))
                };
                let range = |key: Key| -> Result<FieldValue, Mistake> {
                    let (lo, hi) = (number(&c.value, key)?, number(&c.second, key)?);
                    if lo > hi {
                        return Err(at(".value", Key::FilterRangeOrder));
                    }
                    Ok(FieldValue::Numbers(vec![lo, hi]))
                };
                let value = match value_kind(ty, &c.op) {
                    ValueKind::None => None,
                    ValueKind::Text if c.value.is_empty() => return Err(at(".value", Key::FilterValueMissing)),
                    ValueKind::Text => Some(FieldValue::Text(c.value.clone())),
                    ValueKind::Number => Some(FieldValue::Number(number(&c.value, Key::FilterNumberExpected)?)),
                    ValueKind::NumberRange => Some(range(Key::FilterNumberExpected)?),
                    ValueKind::Date => Some(FieldValue::Number(number(&c.value, Key::FilterDateExpected)?)),
                    ValueKind::DateRange => Some(range(Key::FilterDateExpected)?),
                    ValueKind::Days => {
                        let days = number(&c.value, Key::FilterDaysExpected)?;
                        if days.fract() != 0.0 || !(0.0..=36_500.0).contains(&days) {
                            return Err(at(".value", Key::FilterDaysExpected));
                        }
                        Some(FieldValue::Number(days))
                    }
                    ValueKind::List => {
                        let list = items(&c.value);
                        if list.is_empty() {
                            return Err(at(".value", Key::FilterListMissing));
                        }
                        Some(FieldValue::Texts(list))
                    }
                    ValueKind::Bool => Some(FieldValue::Bool(c.value != "false")),
                };
                Ok(FilterDoc { field: Some(c.field.clone()), op: Some(c.op.clone()), value, ..FilterDoc::default() })
            }
        }
    }

    fn from_doc(doc: &FilterDoc) -> Part {
        let group = |all: bool, parts: &[FilterDoc]| {
            Part::Group(Group { all, parts: parts.iter().map(Part::from_doc).collect() })
        };
        if let Some(parts) = &doc.all {
            return group(true, parts);
        }
        if let Some(parts) = &doc.any {
            return group(false, parts);
        }
        if let Some(tags) = &doc.tags {
            return Part::Tags(Tags {
                include: tags.include.join(", "),
                include_all: tags.include_mode == ModeDoc::All,
                exclude: tags.exclude.join(", "),
                exclude_all: tags.exclude_mode == ModeDoc::All,
            });
        }
        if let Some(text) = &doc.search {
            return Part::Search(text.clone());
        }
        let number = |n: f64| if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() };
        let (value, second) = match &doc.value {
            None => (String::new(), String::new()),
            Some(FieldValue::Text(t)) => (t.clone(), String::new()),
            Some(FieldValue::Number(n)) => (number(*n), String::new()),
            Some(FieldValue::Bool(b)) => (b.to_string(), String::new()),
            Some(FieldValue::Numbers(r)) => {
                (r.first().map(|n| number(*n)).unwrap_or_default(), r.get(1).map(|n| number(*n)).unwrap_or_default())
            }
            Some(FieldValue::Texts(l)) => (l.join(", "), String::new()),
        };
        Part::Condition(Condition {
            field: doc.field.clone().unwrap_or_default(),
            op: doc.op.clone().unwrap_or_default(),
            value,
            second,
        })
    }
}

/// The document `root` builds, checked as the API checks it: `None` for an empty filter,
/// else the document or the first mistake with the path the API would give it.
pub fn check(root: &Group, fields: &[FieldOut]) -> Result<Option<FilterDoc>, Mistake> {
    if root.parts.is_empty() {
        return Ok(None);
    }
    let doc = root.to_doc(fields, ROOT)?;
    let schema = schema(fields).map_err(|_| Mistake { field: ROOT.to_owned(), key: Key::FilterInvalid })?;
    doc.to_filter(&schema, ROOT).map_err(|e| Mistake { key: mistake_key(&e.field, &e.problem), field: e.field })?;
    Ok(Some(doc))
}

/// The message for an error the shared validation (or the API) gave at `path`.
pub fn mistake_key(path: &str, problem: &str) -> Key {
    let last = path.rsplit('.').next().unwrap_or_default();
    let last = last.split('[').next().unwrap_or_default();
    match last {
        "field" => Key::FilterFieldMissing,
        "op" => Key::FilterOpInvalid,
        "include" | "exclude" | "tags" => Key::FilterTagsMissing,
        _ if problem.contains("start is after") => Key::FilterRangeOrder,
        "value" | "search" => Key::FilterValueInvalid,
        _ if problem.contains("at most") || problem.contains("database parameters") => Key::FilterTooLarge,
        _ => Key::FilterInvalid,
    }
}

/// The input of the part at `part` (`filter.all[0]`) a mistake at `field` belongs to:
/// `Some("value")`, `Some("op")`, `Some("")` for the part itself; `None` when it is about
/// another part (a nested one is another part).
pub fn input_of<'a>(part: &str, field: &'a str) -> Option<&'a str> {
    let rest = field.strip_prefix(part)?;
    if rest.is_empty() {
        return Some("");
    }
    let rest = rest.strip_prefix('.')?;
    if rest.starts_with("all[") || rest.starts_with("any[") {
        return None;
    }
    Some(rest.split(['.', '[']).next().unwrap_or_default())
}

/// A saved filter in words, for a list of segments: `Score is greater than 10 AND (…)`.
/// `date` writes a moment (the caller's locale and zone).
pub fn describe(doc: &FilterDoc, fields: &[FieldOut], lang: Lang, date: &dyn Fn(i64) -> String) -> String {
    describe_part(doc, fields, lang, date, true)
}

fn describe_part(doc: &FilterDoc, fields: &[FieldOut], lang: Lang, date: &dyn Fn(i64) -> String, top: bool) -> String {
    let t = |key: Key| text(lang, key);
    if let Some(parts) = doc.all.as_ref().map(|p| (p, " AND ")).or(doc.any.as_ref().map(|p| (p, " OR "))) {
        let (parts, joiner) = parts;
        if parts.is_empty() {
            return t(Key::FilterEveryone).to_owned();
        }
        let inner: Vec<String> = parts.iter().map(|p| describe_part(p, fields, lang, date, false)).collect();
        let joined = inner.join(joiner);
        return if top || parts.len() == 1 { joined } else { format!("({joined})") };
    }
    if let Some(tags) = &doc.tags {
        // How the tags combine matters from two tags on.
        let list = |label: Key, tags: &[String], mode: ModeDoc| {
            let all = t(if mode == ModeDoc::All { Key::FilterTagsAll } else { Key::FilterTagsAny });
            let mode = if tags.len() > 1 { format!(" ({all})") } else { String::new() };
            format!("{}: {}{mode}", t(label), tags.join(", "))
        };
        let mut out = Vec::new();
        if !tags.include.is_empty() {
            out.push(list(Key::FilterTagsInclude, &tags.include, tags.include_mode));
        }
        if !tags.exclude.is_empty() {
            out.push(list(Key::FilterTagsExclude, &tags.exclude, tags.exclude_mode));
        }
        return out.join(" AND ");
    }
    if let Some(search) = &doc.search {
        return format!("{}: {search}", t(Key::FilterSearch));
    }
    let key = doc.field.as_deref().unwrap_or_default();
    let field = fields.iter().find(|f| f.key == key);
    let name = field.map_or(key, |f| f.display_name.as_str());
    let ty = field.map_or(FieldType::Text, |f| f.ty);
    let op = doc.op.as_deref().unwrap_or_default();
    let label = t(op_label(ty, op));
    let number = |n: f64| if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() };
    let one = |n: f64| if ty == FieldType::Date { date(n as i64) } else { number(n) };
    let value = match &doc.value {
        None => String::new(),
        Some(FieldValue::Text(v)) => format!("“{v}”"),
        Some(FieldValue::Bool(b)) => t(if *b { Key::FilterYes } else { Key::FilterNo }).to_owned(),
        Some(FieldValue::Number(n)) if label.contains('…') => {
            return format!("{name} {}", label.replace('…', &number(*n)));
        }
        Some(FieldValue::Number(n)) => one(*n),
        Some(FieldValue::Numbers(r)) => r.iter().map(|n| one(*n)).collect::<Vec<_>>().join(" – "),
        Some(FieldValue::Texts(l)) => l.join(", "),
    };
    if value.is_empty() { format!("{name} {label}") } else { format!("{name} {label} {value}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_shared::field::Access;

    fn field(key: &str, ty: FieldType, built_in: bool, visibility: Visibility) -> FieldOut {
        FieldOut {
            key: key.into(),
            display_name: key.into(),
            ty,
            built_in,
            write_once: false,
            access: Access::SiteAndManager,
            visibility,
        }
    }

    fn fields() -> Vec<FieldOut> {
        vec![
            field("country", FieldType::Text, true, Visibility::Visible),
            field("sessionsCount", FieldType::Number, true, Visibility::Visible),
            field("member", FieldType::Boolean, true, Visibility::Visible),
            field("lastSeenAt", FieldType::Date, true, Visibility::Visible),
            field("tags", FieldType::List, true, Visibility::Visible),
            field("profile.score", FieldType::Number, false, Visibility::Visible),
            field("profile.old", FieldType::Text, false, Visibility::Hidden),
            field("profile.points", FieldType::Number, false, Visibility::Archived),
        ]
    }

    fn cond(field: &str, op: &str, value: &str, second: &str) -> Part {
        Part::Condition(Condition { field: field.into(), op: op.into(), value: value.into(), second: second.into() })
    }

    fn sample(kind: ValueKind) -> (&'static str, &'static str) {
        match kind {
            ValueKind::None => ("", ""),
            ValueKind::Text => ("JP", ""),
            ValueKind::Number | ValueKind::Days => ("3", ""),
            ValueKind::NumberRange => ("1", "5"),
            ValueKind::Date => ("1795000000000", ""),
            ValueKind::DateRange => ("1795000000000", "1796000000000"),
            ValueKind::List => ("vip, tea", ""),
            ValueKind::Bool => ("false", ""),
        }
    }

    const TYPES: [(FieldType, &str); 5] = [
        (FieldType::Text, "country"),
        (FieldType::Number, "sessionsCount"),
        (FieldType::Boolean, "member"),
        (FieldType::Date, "lastSeenAt"),
        (FieldType::List, "tags"),
    ];

    #[test]
    fn every_operator_offered_for_a_type_is_one_the_shared_model_accepts() {
        for (ty, key) in TYPES {
            for op in ops(ty) {
                let (value, second) = sample(value_kind(ty, op));
                let root = Group { all: true, parts: vec![cond(key, op, value, second)] };
                assert!(check(&root, &fields()).is_ok(), "{ty:?} {op}: {:?}", check(&root, &fields()));
            }
        }
    }

    #[test]
    fn no_operator_the_shared_model_accepts_is_left_out() {
        let every: Vec<&str> = TYPES.iter().flat_map(|(ty, _)| ops(*ty).iter().copied()).collect();
        for (ty, key) in TYPES {
            for op in every.iter().filter(|op| !ops(ty).contains(op)) {
                // Any value the shared model could take for this operator on another type.
                for value in [None, Some(FieldValue::Text("x".into())), Some(FieldValue::Number(1.0))]
                    .into_iter()
                    .chain([Some(FieldValue::Numbers(vec![1.0, 2.0])), Some(FieldValue::Texts(vec!["x".into()]))])
                    .chain([Some(FieldValue::Bool(true))])
                {
                    let doc =
                        FilterDoc { field: Some(key.into()), op: Some((*op).into()), value, ..FilterDoc::default() };
                    assert!(
                        doc.to_filter(&schema(&fields()).unwrap(), ROOT).is_err(),
                        "{ty:?} {op} is accepted but not offered"
                    );
                }
            }
        }
    }

    #[test]
    fn an_empty_builder_is_no_filter() {
        assert_eq!(check(&Group::new(true), &fields()), Ok(None));
    }

    #[test]
    fn nested_groups_and_tags_build_the_document_and_read_back() {
        let root = Group {
            all: true,
            parts: vec![
                cond("profile.score", "greaterThan", "10", ""),
                Part::Group(Group {
                    all: false,
                    parts: vec![
                        cond("lastSeenAt", "withinLastDays", "7", ""),
                        Part::Tags(Tags {
                            include: "vip, tea".into(),
                            include_all: true,
                            exclude: "spam".into(),
                            exclude_all: false,
                        }),
                    ],
                }),
            ],
        };
        let doc = check(&root, &fields()).unwrap().unwrap();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"all": [
                {"field": "profile.score", "op": "greaterThan", "value": 10.0},
                {"any": [
                    {"field": "lastSeenAt", "op": "withinLastDays", "value": 7.0},
                    {"tags": {"include": ["vip", "tea"], "includeMode": "all", "exclude": ["spam"], "excludeMode": "any"}}
                ]}
            ]})
        );
        assert_eq!(Group::from_doc(&doc), root);
    }

    #[test]
    fn a_bare_saved_condition_reads_as_the_roots_one_part() {
        let doc: FilterDoc = serde_json::from_str(r#"{"field":"sessionsCount","op":"between","value":[2,5]}"#).unwrap();
        assert_eq!(Group::from_doc(&doc), Group { all: true, parts: vec![cond("sessionsCount", "between", "2", "5")] });
    }

    #[track_caller]
    fn refused(part: Part, field: &str, key: Key) {
        let root = Group {
            all: true,
            parts: vec![cond("member", "isTrue", "", ""), Part::Group(Group { all: false, parts: vec![part] })],
        };
        assert_eq!(check(&root, &fields()), Err(Mistake { field: field.into(), key }));
    }

    #[test]
    fn mistakes_name_the_part_and_input_as_the_api_would() {
        let at = "filter.all[1].any[0]";
        refused(cond("profile.score", "greaterThan", "many", ""), &format!("{at}.value"), Key::FilterNumberExpected);
        refused(cond("profile.score", "between", "5", "1"), &format!("{at}.value"), Key::FilterRangeOrder);
        refused(cond("lastSeenAt", "withinLastDays", "1.5", ""), &format!("{at}.value"), Key::FilterDaysExpected);
        refused(cond("tags", "containsAny", " , ", ""), &format!("{at}.value"), Key::FilterListMissing);
        refused(cond("", "", "", ""), &format!("{at}.field"), Key::FilterFieldMissing);
        refused(cond("country", "greaterThan", "3", ""), &format!("{at}.op"), Key::FilterOpInvalid);
        refused(Part::Tags(Tags::default()), &format!("{at}.tags.include"), Key::FilterTagsMissing);
        refused(Part::Group(Group::new(true)), at, Key::FilterGroupEmpty);
    }

    #[test]
    fn a_hidden_field_is_refused_by_the_shared_validation_as_by_the_api() {
        let root = Group { all: true, parts: vec![cond("profile.old", "equals", "x", "")] };
        assert_eq!(check(&root, &fields()).unwrap_err().field, "filter.all[0].field");
        let archived = Group { all: true, parts: vec![cond("profile.points", "equals", "1", "")] };
        assert!(check(&archived, &fields()).is_ok(), "archived fields are still filtered on");
    }

    #[test]
    fn the_shared_validations_limits_are_the_builders() {
        let many = Group { all: false, parts: vec![cond("member", "isTrue", "", ""); 101] };
        let err = check(&many, &fields()).unwrap_err();
        assert_eq!((err.field.as_str(), err.key), ("filter.any[100]", Key::FilterTooLarge));
    }

    #[test]
    fn archived_and_hidden_fields_are_offered_only_when_already_used() {
        let keys = |used: &str| offered(&fields(), used).iter().map(|f| f.key.clone()).collect::<Vec<_>>();
        assert!(!keys("").contains(&"profile.points".to_owned()));
        assert!(!keys("").contains(&"profile.old".to_owned()));
        assert!(keys("profile.points").contains(&"profile.points".to_owned()));
    }

    #[test]
    fn a_mistake_belongs_to_the_input_of_its_own_part_only() {
        assert_eq!(input_of("filter.all[1]", "filter.all[1].value"), Some("value"));
        assert_eq!(input_of("filter.all[1]", "filter.all[1].tags.include[2]"), Some("tags"));
        assert_eq!(input_of("filter.all[1]", "filter.all[1]"), Some(""));
        assert_eq!(input_of("filter.all[1]", "filter.all[1].any[0].value"), None);
        assert_eq!(input_of("filter.all[1]", "filter.all[10].value"), None);
        assert_eq!(input_of("filter", "filter"), Some(""));
    }

    #[test]
    fn api_errors_get_the_message_of_their_input() {
        assert_eq!(mistake_key("filter.all[0].value", "must list 1 to 100 values"), Key::FilterValueInvalid);
        assert_eq!(mistake_key("filter.any[2].op", "x"), Key::FilterOpInvalid);
        assert_eq!(mistake_key("filter", "at most 100 conditions and groups"), Key::FilterTooLarge);
        assert_eq!(mistake_key("filter.all[0].tags.include[3]", "x"), Key::FilterTagsMissing);
    }

    #[test]
    fn a_saved_filter_reads_in_words_with_nested_groups_in_parentheses() {
        let doc: FilterDoc = serde_json::from_str(
            r#"{"all":[{"field":"profile.score","op":"greaterThan","value":10},
                {"any":[{"field":"lastSeenAt","op":"withinLastDays","value":7},
                        {"tags":{"include":["vip"],"includeMode":"any"}}]}]}"#,
        )
        .unwrap();
        let date = |ms: i64| format!("<{ms}>");
        assert_eq!(
            describe(&doc, &fields(), Lang::En, &date),
            "profile.score is greater than 10 AND (lastSeenAt is within the last 7 days OR Has tags: vip)"
        );
        let range: FilterDoc = serde_json::from_str(r#"{"field":"lastSeenAt","op":"between","value":[1,2]}"#).unwrap();
        assert_eq!(describe(&range, &fields(), Lang::En, &date), "lastSeenAt is between <1> – <2>");
        let tags: FilterDoc =
            serde_json::from_str(r#"{"tags":{"include":["a","b"],"includeMode":"all","exclude":["c"]}}"#).unwrap();
        assert_eq!(
            describe(&tags, &fields(), Lang::En, &date),
            "Has tags: a, b (all of them (AND)) AND Does not have tags: c"
        );
        let everyone = FilterDoc { all: Some(vec![]), ..FilterDoc::default() };
        assert_eq!(describe(&everyone, &fields(), Lang::Ja, &date), text(Lang::Ja, Key::FilterEveryone));
    }
}
