//! The admin HTTP API's JSON shapes (camelCase), validated into domain values.

use crate::customer::Schema;
use crate::filter::{Combine, FieldType, Filter, Test};
use crate::stored::FieldError;
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

/// A value in admin JSON: filter operands and customer field values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Bool(bool),
    Number(f64),
    Text(String),
    Numbers(Vec<f64>),
    Texts(Vec<String>),
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

/// `POST /admin/v1/channels/{channel}/customers/search` (and the query of `GET …/customers`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerQuery {
    /// Quick search on name, email and mobile number; combines with `filter` (AND).
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
    /// A saved segment's id: its conditions, evaluated now, join `q` and `filter` (AND).
    #[serde(default)]
    pub segment: Option<String>,
    /// `lastSeenAt` (default), `createdAt`, `updatedAt` or `sessionsCount`.
    #[serde(default)]
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    #[serde(default)]
    pub order: Option<String>,
    /// 1 to 200, default 50.
    #[serde(default)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The sort keys customer lists offer, with their D1 columns (all NOT NULL or coalesced).
pub const SORTS: [(&str, &str); 4] = [
    ("lastSeenAt", "COALESCE(last_seen_at, 0)"),
    ("createdAt", "created_at"),
    ("updatedAt", "updated_at"),
    ("sessionsCount", "sessions_count"),
];

/// `POST …/segments` and `PATCH …/segments/{id}` (where both fields are optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentIn {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentOut {
    pub id: String,
    pub name: String,
    pub filter: FilterDoc,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SegmentList {
    pub segments: Vec<SegmentOut>,
}

/// `PUT /admin/v1/channels/{channel}/identity-verification` (owners only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityIn {
    pub enabled: bool,
    /// Make a new secret; the current one stays valid as the previous secret.
    #[serde(default)]
    pub rotate_secret: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityOut {
    pub enabled: bool,
    /// The secret the site's server signs member ids with (hex HMAC-SHA256).
    pub secret: Option<String>,
}

/// `POST …/customers` (create by hand) and `PATCH …/customers/{id}` (edit profile values).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerIn {
    /// Only when creating: the site's member id for this person.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Profile values by name (`email`, `description`, a custom field...); `null` clears.
    #[serde(default)]
    pub profile: crate::fields::ProfileValues,
}

/// A customer as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerOut {
    pub id: String,
    pub member_id: Option<String>,
    pub member: bool,
    pub name: Option<String>,
    pub tags: Vec<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub updated_at: i64,
    pub sessions_count: i64,
    pub web: WebOut,
    pub has_push_token: bool,
    pub unsubscribe_email: bool,
    pub unsubscribe_texting: bool,
    /// The email delivery status the provider reported (`unconfirmed` until it does).
    pub email_status: String,
    /// Built-in (`email`, `utmSource`, ...) and custom profile fields that have a value.
    pub profile: std::collections::BTreeMap<String, FieldValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebOut {
    pub browser: Option<String>,
    pub browser_name: Option<String>,
    pub os: Option<String>,
    pub os_name: Option<String>,
    pub device: Option<String>,
    pub last_seen_at: Option<i64>,
    pub sessions_count: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPage {
    pub customers: Vec<CustomerOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `POST /admin/v1/channels/{channel}/campaigns` and `PUT /admin/v1/campaigns/{id}`:
/// every setting of a campaign, in the stored document's shape (its `id` and `state`
/// are the server's; state changes through start, pause and stop).
pub type CampaignIn = crate::stored::CampaignDocV1;

/// The stored document for campaign `id` in `state` from an admin body, validated
/// (errors name the field).
pub fn campaign_doc(
    body: &CampaignIn,
    id: &str,
    state: crate::campaign::CampaignState,
) -> Result<crate::stored::CampaignDocV1, FieldError> {
    let doc = crate::stored::CampaignDocV1 { id: id.to_owned(), state, ..body.clone() };
    let campaign = crate::campaign::Campaign::try_from(&doc)?;
    // Store what was validated: trimmed text.
    Ok(crate::stored::CampaignDocV1 { name: campaign.name, ..doc })
}

/// A campaign as the admin API shows it: its settings, with `state` the state now (a
/// scheduled campaign whose start time came is running; one past its end time has ended).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignOut {
    #[serde(flatten)]
    pub settings: crate::stored::CampaignDocV1,
    pub channel: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignList {
    pub campaigns: Vec<CampaignOut>,
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

    #[test]
    fn campaign_settings_are_validated_naming_the_field() {
        let body = |json: &str| -> CampaignIn { serde_json::from_str(json).unwrap() };
        let base = r#"{"name":" Sale ","trigger":{"event":"PageView"},
            "message":{"sender":{"name":"Shop"},"text":"Hi","display":"bubble"}"#;
        let draft = crate::campaign::CampaignState::Draft;
        let doc = campaign_doc(&body(&format!("{base}}}")), "c_1", draft).unwrap();
        assert_eq!((doc.name.as_str(), doc.id.as_str()), ("Sale", "c_1"));
        let err = |extra: &str| campaign_doc(&body(&format!("{base},{extra}}}")), "c_1", draft).unwrap_err().field;
        assert_eq!(err(r#""priority":1001"#), "priority");
        assert_eq!(err(r#""startsAt":5,"endsAt":5"#), "endsAt");
        assert_eq!(err(r#""goal":{"kind":"event","name":"has space"}"#), "goal.name");
        assert_eq!(err(r#""wait":{"hours":0}"#), "wait");
        assert_eq!(err(r#""followUp":{"trigger":{"event":"Cart"},"withinDays":0}"#), "followUp.withinDays");
        assert_eq!(
            err(
                r#""followUp":{"trigger":{"event":"Cart","conditions":[{"property":"total","op":"greaterThan","value":"x"}]},"withinDays":1}"#
            ),
            "followUp.trigger.conditions[0].value"
        );
        assert_eq!(err(r#""audience":{}"#), "audience");
        assert_eq!(err(r#""schedule":{}"#), "schedule");
        assert_eq!(err(r#""kind":"broadcast""#), "trigger");
    }
}
