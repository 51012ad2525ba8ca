//! The customer database's fields: the built-in ones every channel has (seed 003) and
//! where each lives in D1's `customers` table. Custom `profile.*` fields live in the
//! row's `profile` JSON object.
//!
//! Invariant: this table and `edge/migrations/0002_customers.sql` describe the same
//! columns; the filter equivalence tests load that migration and would fail otherwise.

use crate::field::FieldType;

/// Where a field's value is stored in D1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A typed column of `customers`.
    Typed(&'static str),
    /// A key of the `profile` JSON object (custom fields).
    Profile(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub key: String,
    pub ty: FieldType,
    pub column: Column,
}

/// `(key, type, column)` of every built-in field.
pub const BUILT_IN: &[(&str, FieldType, &str)] = &[
    ("id", FieldType::Text, "id"),
    ("memberId", FieldType::Text, "member_id"),
    ("member", FieldType::Boolean, "member"),
    ("name", FieldType::Text, "name"),
    ("tags", FieldType::List, "tags"),
    ("city", FieldType::Text, "city"),
    ("country", FieldType::Text, "country"),
    ("language", FieldType::Text, "language"),
    ("createdAt", FieldType::Date, "created_at"),
    ("lastSeenAt", FieldType::Date, "last_seen_at"),
    ("updatedAt", FieldType::Date, "updated_at"),
    ("sessionsCount", FieldType::Number, "sessions_count"),
    ("web.browser", FieldType::Text, "web_browser"),
    ("web.browserName", FieldType::Text, "web_browser_name"),
    ("web.os", FieldType::Text, "web_os"),
    ("web.osName", FieldType::Text, "web_os_name"),
    ("web.device", FieldType::Text, "web_device"),
    ("web.lastSeenAt", FieldType::Date, "web_last_seen_at"),
    ("web.sessionsCount", FieldType::Number, "web_sessions_count"),
    ("hasPushToken", FieldType::Boolean, "has_push_token"),
    ("unsubscribeEmail", FieldType::Boolean, "unsubscribe_email"),
    ("unsubscribeTexting", FieldType::Boolean, "unsubscribe_texting"),
    ("emailStatus", FieldType::Text, "email_status"),
    ("profile.name", FieldType::Text, "profile_name"),
    ("profile.email", FieldType::Text, "profile_email"),
    ("profile.mobileNumber", FieldType::Text, "profile_mobile_number"),
    ("profile.description", FieldType::Text, "profile_description"),
    ("profile.lastCheckoutCompletedAt", FieldType::Date, "profile_last_checkout_completed_at"),
    ("profile.referrer", FieldType::Text, "profile_referrer"),
    ("profile.utmSource", FieldType::Text, "profile_utm_source"),
    ("profile.utmMedium", FieldType::Text, "profile_utm_medium"),
    ("profile.utmCampaign", FieldType::Text, "profile_utm_campaign"),
    ("profile.utmContent", FieldType::Text, "profile_utm_content"),
    ("profile.utmTerm", FieldType::Text, "profile_utm_term"),
];

/// The fields quick search looks in (ASCII case-insensitive "contains").
pub const QUICK_SEARCH: [&str; 3] = ["name", "profile.email", "profile.mobileNumber"];

/// The built-in fields a customer list can be sorted by; the store decides how each is
/// computed (this crate holds no SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    LastSeenAt,
    CreatedAt,
    UpdatedAt,
    SessionsCount,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [SortKey::LastSeenAt, SortKey::CreatedAt, SortKey::UpdatedAt, SortKey::SessionsCount];

    /// The key as the admin API and list cursors spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::LastSeenAt => "lastSeenAt",
            SortKey::CreatedAt => "createdAt",
            SortKey::UpdatedAt => "updatedAt",
            SortKey::SessionsCount => "sessionsCount",
        }
    }

    pub fn parse(text: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How a customer list is ordered: by a key, newest or largest first unless ascending;
/// ties are broken by id in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CustomerSort {
    pub key: SortKey,
    pub descending: bool,
}

impl CustomerSort {
    /// The sort a list query asks for (`sort` and `order`, both optional: `lastSeenAt`,
    /// `desc`); errors name the parameter.
    pub fn parse(sort: Option<&str>, order: Option<&str>) -> Result<CustomerSort, crate::invalid::FieldError> {
        let key = SortKey::parse(sort.unwrap_or("lastSeenAt")).ok_or_else(|| {
            crate::invalid::FieldError::new("sort", "use lastSeenAt, createdAt, updatedAt or sessionsCount")
        })?;
        let descending = match order.unwrap_or("desc") {
            "desc" => true,
            "asc" => false,
            _ => return Err(crate::invalid::FieldError::new("order", "use asc or desc")),
        };
        Ok(CustomerSort { key, descending })
    }
}

/// A channel's field schema: the built-in fields plus its custom `profile.*` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    fields: Vec<FieldDef>,
}

impl Schema {
    /// The built-in fields and `custom` (`(name, type)`, keys without `profile.`).
    /// Custom names are 1 to 64 characters of `A-Z a-z 0-9 _` and may not shadow a
    /// built-in profile field.
    pub fn new(custom: &[(&str, FieldType)]) -> Result<Schema, String> {
        let mut fields: Vec<FieldDef> = BUILT_IN
            .iter()
            .map(|&(key, ty, column)| FieldDef { key: key.to_owned(), ty, column: Column::Typed(column) })
            .collect();
        for &(name, ty) in custom {
            let valid =
                !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid {
                return Err(format!("custom field name {name:?} must be 1 to 64 characters of A-Z, a-z, 0-9 and '_'"));
            }
            let key = format!("profile.{name}");
            if fields.iter().any(|f| f.key == key) {
                return Err(format!("{key} is already a field"));
            }
            fields.push(FieldDef { key, ty, column: Column::Profile(name.to_owned()) });
        }
        Ok(Schema { fields })
    }

    /// The fields a channel's filters may use: the built-in ones and its custom fields
    /// that are not hidden (a hidden field is no longer shown nor filtered on).
    pub fn of_channel(custom: &[crate::field::CustomField]) -> Result<Schema, String> {
        let visible: Vec<(&str, FieldType)> = custom
            .iter()
            .filter(|f| f.visibility != crate::field::Visibility::Hidden)
            .map(|f| (f.name.as_str(), f.ty))
            .collect();
        Schema::new(&visible)
    }

    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_sort(sort: Option<&str>, order: Option<&str>, expected: Result<(SortKey, bool), &str>) {
        let got = CustomerSort::parse(sort, order).map(|s| (s.key, s.descending)).map_err(|e| e.field);
        assert_eq!(got, expected.map_err(str::to_owned));
    }

    #[test]
    fn a_customer_list_is_newest_seen_first_by_default() {
        check_sort(None, None, Ok((SortKey::LastSeenAt, true)));
    }

    #[test]
    fn a_customer_list_sorts_by_a_named_key_in_either_order() {
        check_sort(Some("sessionsCount"), Some("asc"), Ok((SortKey::SessionsCount, false)));
        check_sort(Some("createdAt"), Some("desc"), Ok((SortKey::CreatedAt, true)));
        for key in SortKey::ALL {
            assert_eq!(SortKey::parse(key.as_str()), Some(key));
        }
    }

    #[test]
    fn an_unknown_sort_or_order_names_the_parameter() {
        check_sort(Some("name"), None, Err("sort"));
        check_sort(None, Some("up"), Err("order"));
    }
}
