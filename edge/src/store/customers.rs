//! Customers (`customers`) and their active months (`customer_months`, for MAU): the
//! visitor's profile written through, merges and erasure, the admin list and search,
//! audience matches, and what email and SMS need (contact, unsubscribe, email status).
//!
//! Invariant: `updated_at` never moves back (a bulk action may have moved it in D1
//! alone), and a customer counts toward a month's MAU in the same batch as the write
//! that moved its `updated_at`.

use super::{CountRow, Executor, IdRow, Param, Statement, StoreError, corrupt, json, num, opt, opt_text, text};
use kizuna_shared::field::FieldValue;
use kizuna_shared::field::{CustomerSort, SortKey};
use kizuna_shared::filter::sql::{SqlFilter, SqlParam};
use kizuna_shared::ids::{ChannelId, VisitorId};
use kizuna_shared::outbound::EmailStatus;
use kizuna_shared::profile::Profile;
use kizuna_shared::time::{Day, Millis};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Where a page of customers starts: after (`key`, `id`) in the sort order.
pub struct After {
    pub key: i64,
    pub id: String,
}

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    /// The profile's upsert, then the note of its month; `custom` is the profile's custom
    /// values as JSON.
    pub fn upsert_customer(
        channel: &ChannelId,
        id: &VisitorId,
        p: &Profile,
        custom: &str,
        offset_minutes: i32,
    ) -> Vec<Statement> {
        let opt_text = |v: &Option<String>| opt_text(v.as_deref());
        // Each column beside its value, so the two can never drift apart.
        let mut columns: Vec<(&str, Param)> = vec![
            ("updated_at", num(p.updated_at)),
            ("last_seen_at", num(p.last_seen_at)),
            ("sessions_count", num(i64::from(p.sessions_count))),
            ("last_session_started_at", opt(p.last_session_started_at)),
            ("country", opt_text(&p.country)),
            ("city", opt_text(&p.city)),
            ("language", opt_text(&p.language)),
            ("web_browser", opt_text(&p.web.browser)),
            ("web_browser_name", opt_text(&p.web.browser_name)),
            ("web_os", opt_text(&p.web.os)),
            ("web_os_name", opt_text(&p.web.os_name)),
            ("web_device", opt_text(&p.web.device)),
            ("web_last_seen_at", opt(p.web.last_seen_at)),
            ("web_sessions_count", num(i64::from(p.web.sessions_count))),
            ("profile_referrer", opt_text(&p.referrer)),
            ("member_id", opt_text(&p.member_id)),
            ("member", num(i64::from(p.member_id.is_some()))),
            ("name", opt_text(&p.name)),
            ("profile_name", opt_text(&p.name)),
            ("profile_email", opt_text(&p.email)),
            ("profile_mobile_number", opt_text(&p.mobile_number)),
            ("profile_description", opt_text(&p.description)),
            ("profile_last_checkout_completed_at", opt(p.last_checkout_completed_at)),
            ("profile", text(custom)),
        ];
        const UTM_COLUMNS: [&str; 5] = [
            "profile_utm_source",
            "profile_utm_medium",
            "profile_utm_campaign",
            "profile_utm_content",
            "profile_utm_term",
        ];
        columns.extend(UTM_COLUMNS.into_iter().zip(p.utm.iter().map(opt_text)));
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let marks: Vec<String> = (0..columns.len()).map(|i| format!("?{}", i + 4)).collect();
        // A bulk action may have moved `updated_at` in D1 alone: it never moves back.
        let updates: Vec<String> = names
            .iter()
            .map(|c| match *c {
                "updated_at" => "updated_at = MAX(updated_at, excluded.updated_at)".to_owned(),
                c => format!("{c} = excluded.{c}"),
            })
            .collect();
        let sql = format!(
            "INSERT INTO customers (channel_id, id, created_at, {}) VALUES (?1, ?2, ?3, {})
         ON CONFLICT (channel_id, id) DO UPDATE SET {}",
            names.join(", "),
            marks.join(", "),
            updates.join(", ")
        );
        let mut args = vec![text(channel.as_str()), text(id.as_str()), num(p.created_at)];
        args.extend(columns.into_iter().map(|(_, value)| value));
        let month = Day::of(p.updated_at, offset_minutes).month();
        let active = Statement::new(
            "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id) VALUES (?1, ?2, ?3)",
            vec![text(channel.as_str()), text(&month), text(id.as_str())],
        );
        vec![Statement::new(sql, args), active]
    }

    pub fn merge_customer_rows(channel: &ChannelId, from: &str, into: &str) -> Vec<Statement> {
        let (ch, from_v, into_v) = (text(channel.as_str()), text(from), text(into));
        let mut statements = vec![
            Statement::new(
                "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id)
             SELECT channel_id, month, ?3 FROM customer_months WHERE channel_id = ?1 AND customer_id = ?2",
                vec![ch.clone(), from_v.clone(), into_v],
            ),
            Statement::new(
                "DELETE FROM customer_months WHERE channel_id = ?1 AND customer_id = ?2",
                vec![ch.clone(), from_v.clone()],
            ),
            // Its messages are the member's now: views and clicks come under the member's id.
            Statement::new(
                "UPDATE deliveries SET visitor_id = ?3 WHERE channel_id = ?1 AND visitor_id = ?2",
                vec![ch.clone(), from_v.clone(), text(into)],
            ),
        ];
        // Its variant arms too; where both have one for a campaign, the earlier wins.
        statements.extend(crate::store::variants::sql::merge_assignments(channel, from, into));
        statements.push(Statement::new("DELETE FROM customers WHERE channel_id = ?1 AND id = ?2", vec![ch, from_v]));
        statements
    }

    /// The tombstone first (migration 0011: its triggers drop any later insert about the
    /// customer), then every row about the customer; the daily counters stay.
    pub fn erase_customer(channel: &ChannelId, id: &str, now: Millis) -> Vec<Statement> {
        let args = vec![text(channel.as_str()), text(id)];
        let mut tombstone = args.clone();
        tombstone.push(num(now));
        vec![
            Statement::new(
                "INSERT INTO erased_customers (channel_id, customer_id, erased_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (channel_id, customer_id) DO NOTHING",
                tombstone,
            ),
            Statement::new("DELETE FROM customers WHERE channel_id = ?1 AND id = ?2", args.clone()),
            Statement::new("DELETE FROM customer_months WHERE channel_id = ?1 AND customer_id = ?2", args.clone()),
            Statement::new("DELETE FROM deliveries WHERE channel_id = ?1 AND visitor_id = ?2", args.clone()),
            Statement::new("DELETE FROM outbound_messages WHERE channel_id = ?1 AND visitor_id = ?2", args.clone()),
            Statement::new("DELETE FROM visitor_wakeups WHERE channel_id = ?1 AND visitor_id = ?2", args.clone()),
            Statement::new("DELETE FROM variant_assignments WHERE channel_id = ?1 AND visitor_id = ?2", args.clone()),
            // A bulk job's id list forgets the id (its counts stay as they were).
            Statement::new(
                "UPDATE bulk_jobs SET target = json_object('ids', (
                   SELECT json_group_array(value) FROM json_each(bulk_jobs.target, '$.ids') WHERE value <> ?2))
             WHERE channel_id = ?1 AND json_type(target, '$.ids') = 'array'
               AND EXISTS (SELECT 1 FROM json_each(bulk_jobs.target, '$.ids') WHERE value = ?2)",
                args,
            ),
        ]
    }

    pub fn monthly_active(channel: &ChannelId, month: &str) -> Statement {
        Statement::new(
            "SELECT COUNT(*) AS count FROM customer_months WHERE channel_id = ?1 AND month = ?2",
            vec![text(channel.as_str()), text(month)],
        )
    }

    pub fn customers_page(
        channel: &ChannelId,
        filter: &SqlFilter,
        sort_expr: &str,
        descending: bool,
        after: Option<&After>,
        limit: u32,
    ) -> Statement {
        let (dir, cmp) = if descending { ("DESC", "<") } else { ("ASC", ">") };
        let mut args = vec![text(channel.as_str())];
        args.extend(filter.params.iter().map(Param::from));
        let keyset = match after {
            Some(after) => {
                args.extend([num(after.key), num(after.key), text(&after.id)]);
                format!(" AND ({sort_expr} {cmp} ? OR ({sort_expr} = ? AND id {cmp} ?))")
            }
            None => String::new(),
        };
        args.push(num(i64::from(limit)));
        let sql = format!(
            "SELECT * FROM customers WHERE channel_id = ? AND {}{keyset} ORDER BY {sort_expr} {dir}, id {dir} LIMIT ?",
            filter.sql
        );
        Statement::new(sql, args)
    }

    pub fn customer(channel: &ChannelId, id: &str) -> Statement {
        Statement::new(
            "SELECT * FROM customers WHERE channel_id = ?1 AND id = ?2",
            vec![text(channel.as_str()), text(id)],
        )
    }

    pub fn customer_of_member(channel: &ChannelId, member: &str) -> Statement {
        Statement::new(
            "SELECT id FROM customers WHERE channel_id = ?1 AND member_id = ?2",
            vec![text(channel.as_str()), text(member)],
        )
    }

    pub fn count_customers(channel: &ChannelId, filter: &SqlFilter) -> Statement {
        let mut args = vec![text(channel.as_str())];
        args.extend(filter.params.iter().map(Param::from));
        let sql = format!("SELECT COUNT(*) AS count FROM customers WHERE channel_id = ? AND {}", filter.sql);
        Statement::new(sql, args)
    }

    pub fn next_batch(channel: &ChannelId, target: &SqlFilter, cursor: &str, limit: u32) -> Statement {
        let mut args = vec![text(channel.as_str()), text(cursor)];
        args.extend(target.params.iter().map(Param::from));
        args.push(num(i64::from(limit)));
        let sql =
            format!("SELECT id FROM customers WHERE channel_id = ? AND id > ? AND {} ORDER BY id LIMIT ?", target.sql);
        Statement::new(sql, args)
    }

    /// Whole rows, by id after `cursor`: a page of a customer export.
    pub fn customers_after(channel: &ChannelId, target: &SqlFilter, cursor: &str, limit: u32) -> Statement {
        let mut args = vec![text(channel.as_str()), text(cursor)];
        args.extend(target.params.iter().map(Param::from));
        args.push(num(i64::from(limit)));
        let sql =
            format!("SELECT * FROM customers WHERE channel_id = ? AND id > ? AND {} ORDER BY id LIMIT ?", target.sql);
        Statement::new(sql, args)
    }

    pub fn customer_matches(channel: &ChannelId, visitor: &VisitorId, filter: &SqlFilter) -> Statement {
        let mut args = vec![text(channel.as_str()), text(visitor.as_str())];
        args.extend(filter.params.iter().map(Param::from));
        let sql = format!("SELECT COUNT(*) AS count FROM customers WHERE channel_id = ? AND id = ? AND {}", filter.sql);
        Statement::new(sql, args)
    }

    pub fn contact(channel: &ChannelId, visitor: &VisitorId) -> Statement {
        Statement::new(
            "SELECT profile_email, profile_mobile_number, unsubscribe_email, unsubscribe_texting, email_status
         FROM customers WHERE channel_id = ?1 AND id = ?2",
            vec![text(channel.as_str()), text(visitor.as_str())],
        )
    }

    /// The note of the month, then the flag's update (both only where the flag is off).
    pub fn unsubscribe(
        channel: &ChannelId,
        visitor: &VisitorId,
        medium: kizuna_shared::outbound::Medium,
        now: Millis,
        month: &str,
    ) -> Vec<Statement> {
        let column = match medium {
            kizuna_shared::outbound::Medium::Email => "unsubscribe_email",
            kizuna_shared::outbound::Medium::Sms => "unsubscribe_texting",
        };
        let active = Statement::new(
            format!(
                "INSERT OR IGNORE INTO customer_months (channel_id, month, customer_id)
             SELECT channel_id, ?3, id FROM customers WHERE channel_id = ?1 AND id = ?2 AND {column} = 0"
            ),
            vec![text(channel.as_str()), text(visitor.as_str()), text(month)],
        );
        let update = Statement::new(
            format!(
                "UPDATE customers SET {column} = 1, updated_at = MAX(updated_at, ?3)
             WHERE channel_id = ?1 AND id = ?2 AND {column} = 0"
            ),
            vec![text(channel.as_str()), text(visitor.as_str()), num(now)],
        );
        vec![active, update]
    }

    pub fn set_email_status(events: &[(ChannelId, String, EmailStatus)]) -> Vec<Statement> {
        events
            .iter()
            .map(|(channel, email, status)| {
                Statement::new(
                    "UPDATE customers SET email_status = ?3 WHERE channel_id = ?1 AND profile_email = ?2",
                    vec![text(channel.as_str()), text(email), text(status.as_str())],
                )
            })
            .collect()
    }
}

/// Writes the visitor's live profile into its `customers` row, creating the row on the
/// first visit (`created_at` is kept from the first write), and notes the month of its
/// `updated_at` (channel time) for MAU, in one batch. Tags, unsubscribe flags and values
/// edited by managers are not the profile's and are left alone.
pub async fn upsert_customer(
    db: &impl Executor,
    channel: &ChannelId,
    id: &VisitorId,
    p: &Profile,
    offset_minutes: i32,
) -> Result<(), StoreError> {
    let custom = json("customer profile", &p.custom)?;
    db.batch(sql::upsert_customer(channel, id, p, &custom, offset_minutes)).await?;
    Ok(())
}

/// Moves a merged visitor's active months to the member's customer, and deletes its row.
pub async fn merge_customer_rows(
    db: &impl Executor,
    channel: &ChannelId,
    from: &str,
    into: &str,
) -> Result<(), StoreError> {
    db.batch(sql::merge_customer_rows(channel, from, into)).await?;
    Ok(())
}

/// Deletes a customer's rows everywhere in D1: the customer, its active months and its
/// delivery records (the day counters keep what was counted), in one batch.
pub async fn erase_customer(db: &impl Executor, channel: &ChannelId, id: &str, now: Millis) -> Result<(), StoreError> {
    db.batch(sql::erase_customer(channel, id, now)).await?;
    Ok(())
}

/// Customers whose `updatedAt` moved in `month` (`YYYY-MM`, channel time).
pub async fn monthly_active(db: &impl Executor, channel: &ChannelId, month: &str) -> Result<i64, StoreError> {
    Ok(db.first::<CountRow>(sql::monthly_active(channel, month)).await?.map_or(0, |r| r.count))
}

/// One customer as its `customers` row holds it, read once: flags as booleans, ids,
/// tags and the custom profile parsed. The admin API shows it (`api::admin::customers`).
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: VisitorId,
    /// The site's member id, once the visitor signed in.
    pub member_id: Option<String>,
    pub member: bool,
    pub name: Option<String>,
    pub tags: Vec<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub created_at: Millis,
    pub last_seen_at: Option<Millis>,
    pub updated_at: Millis,
    pub sessions_count: i64,
    /// When the latest session began; absent on rows written before it was kept.
    pub last_session_started_at: Option<Millis>,
    pub web: CustomerWeb,
    pub has_push_token: bool,
    pub unsubscribe_email: bool,
    pub unsubscribe_texting: bool,
    pub email_status: EmailStatus,
    pub profile: CustomerProfile,
}

/// The customer's web columns (`web_*`); the session count is absent on rows written
/// before it was kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerWeb {
    pub browser: Option<String>,
    pub browser_name: Option<String>,
    pub os: Option<String>,
    pub os_name: Option<String>,
    pub device: Option<String>,
    pub last_seen_at: Option<Millis>,
    pub sessions_count: Option<i64>,
}

/// The customer's profile: the built-in fields (typed `profile_*` columns) and the
/// custom ones (the `profile` JSON object), in their stored form (dates as ms).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerProfile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub mobile_number: Option<String>,
    pub description: Option<String>,
    pub referrer: Option<String>,
    /// First-touch UTM values, in the order of [`kizuna_shared::profile::UTM`].
    pub utm: [Option<String>; 5],
    pub last_checkout_completed_at: Option<Millis>,
    /// Custom values by field name.
    pub custom: BTreeMap<String, FieldValue>,
}

/// A `customers` row as D1 answers it.
#[derive(Deserialize)]
struct CustomerRow {
    id: String,
    member_id: Option<String>,
    member: i64,
    name: Option<String>,
    tags: String,
    city: Option<String>,
    country: Option<String>,
    language: Option<String>,
    created_at: i64,
    last_seen_at: Option<i64>,
    updated_at: i64,
    sessions_count: i64,
    last_session_started_at: Option<i64>,
    web_browser: Option<String>,
    web_browser_name: Option<String>,
    web_os: Option<String>,
    web_os_name: Option<String>,
    web_device: Option<String>,
    web_last_seen_at: Option<i64>,
    web_sessions_count: Option<i64>,
    has_push_token: i64,
    unsubscribe_email: i64,
    unsubscribe_texting: i64,
    email_status: String,
    profile_name: Option<String>,
    profile_email: Option<String>,
    profile_mobile_number: Option<String>,
    profile_description: Option<String>,
    profile_last_checkout_completed_at: Option<i64>,
    profile_referrer: Option<String>,
    profile_utm_source: Option<String>,
    profile_utm_medium: Option<String>,
    profile_utm_campaign: Option<String>,
    profile_utm_content: Option<String>,
    profile_utm_term: Option<String>,
    profile: String,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = StoreError;

    fn try_from(row: CustomerRow) -> Result<Customer, StoreError> {
        Ok(Customer {
            id: VisitorId::parse(&row.id).map_err(|e| corrupt("customer id", e))?,
            member_id: row.member_id,
            member: row.member == 1,
            name: row.name,
            tags: serde_json::from_str(&row.tags).map_err(|e| corrupt("customer tags", e))?,
            city: row.city,
            country: row.country,
            language: row.language,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            updated_at: row.updated_at,
            sessions_count: row.sessions_count,
            last_session_started_at: row.last_session_started_at,
            web: CustomerWeb {
                browser: row.web_browser,
                browser_name: row.web_browser_name,
                os: row.web_os,
                os_name: row.web_os_name,
                device: row.web_device,
                last_seen_at: row.web_last_seen_at,
                sessions_count: row.web_sessions_count,
            },
            has_push_token: row.has_push_token == 1,
            unsubscribe_email: row.unsubscribe_email == 1,
            unsubscribe_texting: row.unsubscribe_texting == 1,
            email_status: EmailStatus::parse(Some(&row.email_status)),
            profile: CustomerProfile {
                name: row.profile_name,
                email: row.profile_email,
                mobile_number: row.profile_mobile_number,
                description: row.profile_description,
                referrer: row.profile_referrer,
                utm: [
                    row.profile_utm_source,
                    row.profile_utm_medium,
                    row.profile_utm_campaign,
                    row.profile_utm_content,
                    row.profile_utm_term,
                ],
                last_checkout_completed_at: row.profile_last_checkout_completed_at,
                custom: serde_json::from_str(&row.profile).map_err(|e| corrupt("customer profile", e))?,
            },
        })
    }
}

/// The column expression a sort key orders by (NOT NULL, so keyset pages are exact).
pub fn sort_expr(key: SortKey) -> &'static str {
    match key {
        SortKey::LastSeenAt => "COALESCE(last_seen_at, 0)",
        SortKey::CreatedAt => "created_at",
        SortKey::UpdatedAt => "updated_at",
        SortKey::SessionsCount => "sessions_count",
    }
}

/// One page of a channel's customers matching `filter`, in `sort` order then id,
/// starting after `after`.
pub async fn customers_page(
    db: &impl Executor,
    channel: &ChannelId,
    filter: &SqlFilter,
    sort: CustomerSort,
    after: Option<&After>,
    limit: u32,
) -> Result<Vec<Customer>, StoreError> {
    let statement = sql::customers_page(channel, filter, sort_expr(sort.key), sort.descending, after, limit);
    let rows = db.all::<CustomerRow>(statement).await?;
    rows.into_iter().map(Customer::try_from).collect()
}

/// The channel's customer `id`, if it exists.
pub async fn customer(db: &impl Executor, channel: &ChannelId, id: &str) -> Result<Option<Customer>, StoreError> {
    let row = db.first::<CustomerRow>(sql::customer(channel, id)).await?;
    row.map(Customer::try_from).transpose()
}

/// The customer a member is already linked to in the channel, if any.
pub async fn customer_of_member(
    db: &impl Executor,
    channel: &ChannelId,
    member: &str,
) -> Result<Option<String>, StoreError> {
    Ok(db.first::<IdRow>(sql::customer_of_member(channel, member)).await?.map(|r| r.id))
}

/// The customers of a bulk job's target: listed ids, as a filter expression.
pub fn ids_filter(ids: &[String]) -> Result<SqlFilter, StoreError> {
    let list = json("customer ids", ids)?;
    Ok(SqlFilter { sql: "id IN (SELECT value FROM json_each(?))".to_owned(), params: vec![SqlParam::Text(list)] })
}

/// How many of the channel's customers `filter` matches.
pub async fn count_customers(db: &impl Executor, channel: &ChannelId, filter: &SqlFilter) -> Result<i64, StoreError> {
    Ok(db.first::<CountRow>(sql::count_customers(channel, filter)).await?.map_or(0, |r| r.count))
}

/// The next at most `limit` customer ids of the target after `cursor`, in id order.
pub async fn next_batch(
    db: &impl Executor,
    channel: &ChannelId,
    target: &SqlFilter,
    cursor: &str,
    limit: u32,
) -> Result<Vec<String>, StoreError> {
    let rows = db.all::<IdRow>(sql::next_batch(channel, target, cursor, limit)).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// A page of whole customers matching `target`, by id after `cursor` (an export's page).
pub async fn customers_after(
    db: &impl Executor,
    channel: &ChannelId,
    target: &SqlFilter,
    cursor: &str,
    limit: u32,
) -> Result<Vec<Customer>, StoreError> {
    let rows = db.all::<CustomerRow>(sql::customers_after(channel, target, cursor, limit)).await?;
    rows.into_iter().map(Customer::try_from).collect()
}

/// The customers a campaign reached, as a filter (its results workbook's `User data`).
pub fn reached_filter(campaign: &str) -> SqlFilter {
    SqlFilter {
        sql: "id IN (SELECT visitor_id FROM deliveries WHERE campaign_id = ?)".to_owned(),
        params: vec![SqlParam::Text(campaign.to_owned())],
    }
}

/// Every customer, as a filter.
pub fn every_customer() -> SqlFilter {
    SqlFilter { sql: "1 = 1".to_owned(), params: Vec::new() }
}

/// Whether the customer (visitor) is among those `filter` matches.
pub async fn customer_matches(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
    filter: &SqlFilter,
) -> Result<bool, StoreError> {
    Ok(db.first::<CountRow>(sql::customer_matches(channel, visitor, filter)).await?.is_some_and(|r| r.count > 0))
}

#[derive(Deserialize)]
struct ContactRow {
    profile_email: Option<String>,
    profile_mobile_number: Option<String>,
    unsubscribe_email: i64,
    unsubscribe_texting: i64,
    email_status: Option<String>,
}

/// How to reach a customer; `None` when the customer is gone.
pub async fn contact(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
) -> Result<Option<kizuna_shared::outbound::Contact>, StoreError> {
    let row = db.first::<ContactRow>(sql::contact(channel, visitor)).await?;
    Ok(row.map(|r| kizuna_shared::outbound::Contact {
        email: r.profile_email,
        mobile_number: r.profile_mobile_number,
        unsubscribe_email: r.unsubscribe_email == 1,
        unsubscribe_texting: r.unsubscribe_texting == 1,
        email_status: EmailStatus::parse(r.email_status.as_deref()),
    }))
}

/// Sets the customer's unsubscribe flag of `medium`, like a manager's
/// change: a customer it changes gets a new `updated_at` and counts toward `month`'s MAU,
/// in one batch. Answers whether the flag changed (false: it was set already).
pub async fn unsubscribe(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
    medium: kizuna_shared::outbound::Medium,
    now: Millis,
    month: &str,
) -> Result<bool, StoreError> {
    let changed = db.batch(sql::unsubscribe(channel, visitor, medium, now, month)).await?;
    Ok(changed.last().copied().unwrap_or(0) == 1)
}

/// Sets the email status of every customer of each event's channel whose email is the
/// event's address (as the provider echoes it: the address it was given), in one batch.
/// Answers how many customer rows changed.
pub async fn set_email_status(
    db: &impl Executor,
    events: &[(ChannelId, String, EmailStatus)],
) -> Result<u64, StoreError> {
    if events.is_empty() {
        return Ok(0);
    }
    Ok(db.batch(sql::set_email_status(events)).await?.iter().sum())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    fn shop() -> ChannelId {
        ChannelId::parse("shop").unwrap()
    }

    fn visitor(id: &str) -> VisitorId {
        VisitorId::parse(id).unwrap()
    }

    fn months(db: &Sqlite) -> String {
        db.text("SELECT group_concat(month || ':' || customer_id, ' ') FROM (SELECT * FROM customer_months ORDER BY 1, 2, 3)")
            .unwrap_or_default()
    }

    #[test]
    fn the_profile_upsert_never_moves_updated_at_back_and_keeps_created_at() {
        let db = Sqlite::with_channel();
        let v1 = visitor("v1");
        let first = Profile { created_at: 1_000, updated_at: 2_000, city: Some("Osaka".into()), ..Profile::default() };
        wait(upsert_customer(&db, &shop(), &v1, &first, 0)).unwrap();
        // A bulk action moved the row in D1 alone, past what the visitor's object knows.
        db.exec("UPDATE customers SET updated_at = 5000, tags = '[\"vip\"]'");
        let later = Profile { created_at: 9_000, updated_at: 3_000, city: Some("Kyoto".into()), ..first.clone() };
        wait(upsert_customer(&db, &shop(), &v1, &later, 0)).unwrap();
        let row = wait(customer(&db, &shop(), "v1")).unwrap().unwrap();
        assert_eq!((row.created_at, row.updated_at, row.city.as_deref()), (1_000, 5_000, Some("Kyoto")));
        assert_eq!(row.tags, ["vip"]);
        assert_eq!(months(&db), "1970-01:v1");
    }

    #[test]
    fn the_last_sessions_start_goes_through_the_upsert_and_comes_back() {
        let db = Sqlite::with_channel();
        let v1 = visitor("v1");
        let read = || wait(customer(&db, &shop(), "v1")).unwrap().unwrap();
        let before_it_was_kept = Profile { created_at: 1_000, updated_at: 1_000, ..Profile::default() };
        wait(upsert_customer(&db, &shop(), &v1, &before_it_was_kept, 0)).unwrap();
        assert_eq!(read().last_session_started_at, None);
        let mut live = before_it_was_kept.clone();
        live.observe(&kizuna_shared::profile::Visit { now: 4_000, session_id: Some("s1"), ..Default::default() });
        wait(upsert_customer(&db, &shop(), &v1, &live, 0)).unwrap();
        let row = read();
        assert_eq!((row.last_session_started_at, row.sessions_count, row.last_seen_at), (Some(4_000), 1, Some(4_000)));
        live.observe(&kizuna_shared::profile::Visit { now: 9_000, session_id: Some("s1"), ..Default::default() });
        wait(upsert_customer(&db, &shop(), &v1, &live, 0)).unwrap();
        let row = read();
        assert_eq!((row.last_session_started_at, row.last_seen_at), (Some(4_000), Some(9_000)), "same session");
    }

    #[test]
    fn the_profile_upsert_binds_well_under_d1s_hundred_parameters() {
        let statements = sql::upsert_customer(&shop(), &visitor("v1"), &Profile::default(), "{}", 0);
        for statement in &statements {
            assert!(statement.params.len() <= 100, "{} binds {}", statement.sql, statement.params.len());
        }
    }

    #[test]
    fn unsubscribing_notes_the_month_only_when_the_flag_changed() {
        let db = Sqlite::with_channel();
        db.customer("v1", 100);
        assert!(
            wait(unsubscribe(&db, &shop(), &visitor("v1"), kizuna_shared::outbound::Medium::Email, 200, "2026-01"))
                .unwrap()
        );
        assert!(
            !wait(unsubscribe(&db, &shop(), &visitor("v1"), kizuna_shared::outbound::Medium::Email, 300, "2026-02"))
                .unwrap()
        );
        assert_eq!(months(&db), "2026-01:v1");
        assert_eq!(db.number("SELECT updated_at FROM customers"), 200);
        assert_eq!(db.number("SELECT unsubscribe_email + 10 * unsubscribe_texting FROM customers"), 1);
        // The other medium is its own flag.
        assert!(
            wait(unsubscribe(&db, &shop(), &visitor("v1"), kizuna_shared::outbound::Medium::Sms, 400, "2026-03"))
                .unwrap()
        );
        assert_eq!(months(&db), "2026-01:v1 2026-03:v1");
    }

    #[test]
    fn merging_moves_months_and_deliveries_to_the_member_and_deletes_the_visitor() {
        let db = Sqlite::with_channel();
        db.customer("anon", 100);
        db.customer("member", 100);
        db.exec(
            "INSERT INTO customer_months VALUES ('shop', '2026-01', 'anon'), ('shop', '2026-02', 'anon'),
               ('shop', '2026-02', 'member');
             INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at)
               VALUES ('d1', 'shop', 'news', 'anon', 'bubble', 0)",
        );
        wait(merge_customer_rows(&db, &shop(), "anon", "member")).unwrap();
        assert_eq!(months(&db), "2026-01:member 2026-02:member");
        assert_eq!(db.text("SELECT visitor_id FROM deliveries").as_deref(), Some("member"));
        assert_eq!(db.text("SELECT group_concat(id) FROM customers").as_deref(), Some("member"));
    }

    #[test]
    fn erasing_deletes_every_row_about_the_customer_and_keeps_the_counts() {
        let db = Sqlite::with_channel();
        db.customer("v1", 100);
        db.customer("v2", 100);
        db.exec(
            "INSERT INTO customer_months VALUES ('shop', '2026-01', 'v1'), ('shop', '2026-01', 'v2');
             INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at)
               VALUES ('d1', 'shop', 'news', 'v1', 'bubble', 0), ('d2', 'shop', 'news', 'v2', 'bubble', 0);
             INSERT INTO campaign_daily_stats (campaign_id, day, sent) VALUES ('news', '2026-01-01', 2);
             INSERT INTO outbound_messages (delivery_id, medium, channel_id, visitor_id, campaign_id, state,
                 address, created_at, updated_at)
               VALUES ('d1', 'email', 'shop', 'v1', 'news', 'sent', 'aiko@example.jp', 0, 0),
                      ('d2', 'email', 'shop', 'v2', 'news', 'sent', 'ren@example.jp', 0, 0);
             INSERT INTO visitor_wakeups VALUES ('shop', 'v1', 500), ('shop', 'v2', 500);
             INSERT INTO bulk_jobs (id, channel_id, target, change, evaluated_at, state, total, created_at, updated_at)
               VALUES ('j1', 'shop', '{\"ids\":[\"v2\",\"v1\",\"v3\"]}', '{}', 0, 'running', 3, 0, 0),
                      ('j2', 'shop', '{\"filter\":{\"all\":[]}}', '{}', 0, 'running', 2, 0, 0)",
        );
        wait(erase_customer(&db, &shop(), "v1", 900)).unwrap();
        assert!(wait(customer(&db, &shop(), "v1")).unwrap().is_none());
        assert_eq!(months(&db), "2026-01:v2");
        assert_eq!(db.text("SELECT group_concat(id) FROM deliveries").as_deref(), Some("d2"));
        assert_eq!(db.text("SELECT group_concat(address) FROM outbound_messages").as_deref(), Some("ren@example.jp"));
        assert_eq!(db.text("SELECT group_concat(visitor_id) FROM visitor_wakeups").as_deref(), Some("v2"));
        assert_eq!(db.text("SELECT target FROM bulk_jobs WHERE id = 'j1'").as_deref(), Some(r#"{"ids":["v2","v3"]}"#));
        assert_eq!(
            db.text("SELECT target FROM bulk_jobs WHERE id = 'j2'").as_deref(),
            Some(r#"{"filter":{"all":[]}}"#)
        );
        assert_eq!(db.number("SELECT sent FROM campaign_daily_stats"), 2);
        assert_eq!(wait(monthly_active(&db, &shop(), "2026-01")).unwrap(), 1);
        assert_eq!(db.number("SELECT erased_at FROM erased_customers WHERE customer_id = 'v1'"), 900);
    }

    #[test]
    fn a_write_about_an_erased_customer_that_arrives_later_is_dropped() {
        let db = Sqlite::with_channel();
        db.customer("v1", 100);
        wait(erase_customer(&db, &shop(), "v1", 900)).unwrap();
        // A visitor object's call under way when the customer was deleted writes on.
        let profile = Profile::new(1_000);
        wait(upsert_customer(&db, &shop(), &visitor("v1"), &profile, 540)).unwrap();
        wait(upsert_customer(&db, &shop(), &visitor("v2"), &profile, 540)).unwrap();
        db.exec(
            "INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at)
               VALUES ('d1', 'shop', 'news', 'v1', 'bubble', 0), ('d2', 'shop', 'news', 'v2', 'bubble', 0);
             INSERT INTO outbound_messages (delivery_id, medium, channel_id, visitor_id, campaign_id, state,
                 created_at, updated_at)
               VALUES ('d1', 'email', 'shop', 'v1', 'news', 'sending', 0, 0);
             INSERT INTO visitor_wakeups VALUES ('shop', 'v1', 500)",
        );
        assert_eq!(db.text("SELECT group_concat(id) FROM customers").as_deref(), Some("v2"), "only the other one");
        assert!(!months(&db).contains("v1"));
        assert_eq!(db.text("SELECT group_concat(id) FROM deliveries").as_deref(), Some("d2"));
        assert_eq!(db.number("SELECT COUNT(*) FROM outbound_messages"), 0);
        assert_eq!(db.number("SELECT COUNT(*) FROM visitor_wakeups"), 0);
        wait(erase_customer(&db, &shop(), "v1", 2_000)).unwrap();
        assert_eq!(db.number("SELECT erased_at FROM erased_customers"), 900, "erasing again keeps the first time");
    }

    #[test]
    fn a_batch_of_ids_continues_after_the_cursor_in_id_order() {
        let db = Sqlite::with_channel();
        for id in ["c3", "c1", "c2", "c4"] {
            db.customer(id, 100);
        }
        let target = ids_filter(&["c1".to_owned(), "c2".to_owned(), "c4".to_owned()]).unwrap();
        assert_eq!(wait(count_customers(&db, &shop(), &target)).unwrap(), 3);
        assert_eq!(wait(next_batch(&db, &shop(), &target, "", 2)).unwrap(), ["c1", "c2"]);
        assert_eq!(wait(next_batch(&db, &shop(), &target, "c2", 2)).unwrap(), ["c4"]);
        assert!(wait(customer_matches(&db, &shop(), &visitor("c4"), &target)).unwrap());
        assert!(!wait(customer_matches(&db, &shop(), &visitor("c3"), &target)).unwrap());
    }

    #[test]
    fn a_page_of_customers_continues_after_its_cursor_in_sort_order() {
        let db = Sqlite::with_channel();
        for (id, updated_at) in [("a", 300), ("b", 100), ("c", 300), ("d", 200)] {
            db.customer(id, updated_at);
        }
        let all = SqlFilter { sql: "1".to_owned(), params: Vec::new() };
        let page = |after: Option<&After>| {
            let rows = wait(customers_page(
                &db,
                &shop(),
                &all,
                CustomerSort { key: SortKey::UpdatedAt, descending: true },
                after,
                2,
            ))
            .unwrap();
            rows.into_iter().map(|c| c.id.as_str().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(page(None), ["c", "a"]);
        assert_eq!(page(Some(&After { key: 300, id: "a".to_owned() })), ["d", "b"]);
    }

    /// The largest filter validation admits: `MAX_PARAMS - STATEMENT_PARAMS` parameters.
    fn largest_filter(extra: usize) -> SqlFilter {
        use kizuna_shared::field::Schema;
        use kizuna_shared::filter::sql::{MAX_PARAMS, STATEMENT_PARAMS, compile};
        use kizuna_shared::filter::{Filter, Test};
        let equals = Filter::Field { key: "name".into(), test: Test::TextEquals("Aiko".into()) };
        let filter = Filter::Any(vec![equals; MAX_PARAMS - STATEMENT_PARAMS + extra]);
        let schema = Schema::new(&[]).unwrap();
        assert_eq!(filter.validate(&schema, "filter").is_ok(), extra == 0);
        compile(&filter, &schema, 0)
    }

    #[test]
    fn r10_no_customer_statement_binds_more_than_its_filter_and_statement_params() {
        use kizuna_shared::filter::sql::STATEMENT_PARAMS;
        let filter = largest_filter(0);
        let after = After { key: 1, id: "a".to_owned() };
        let n = filter.params.len();
        let statements = [
            sql::customers_page(&shop(), &filter, "created_at", true, Some(&after), 10),
            sql::customers_page(&shop(), &filter, "created_at", true, None, 10),
            sql::count_customers(&shop(), &filter),
            sql::next_batch(&shop(), &filter, "a", 10),
            sql::customer_matches(&shop(), &visitor("v1"), &filter),
        ];
        for statement in &statements {
            assert!(statement.params.len() <= n + STATEMENT_PARAMS, "{}", statement.sql);
        }
        assert_eq!(statements[0].params.len(), n + STATEMENT_PARAMS, "a page after a cursor binds the most");
    }

    #[test]
    fn r10_the_largest_admitted_filter_runs_on_a_page_after_a_cursor_and_one_more_would_not() {
        let db = Sqlite::with_channel();
        db.customer("a", 100);
        db.exec("UPDATE customers SET name = 'Aiko'");
        let sort = CustomerSort { key: SortKey::UpdatedAt, descending: true };
        let after = After { key: 200, id: "b".to_owned() };
        let rows = wait(customers_page(&db, &shop(), &largest_filter(0), sort, Some(&after), 10)).unwrap();
        assert_eq!(rows.len(), 1);
        let over = wait(customers_page(&db, &shop(), &largest_filter(1), sort, Some(&after), 10)).unwrap_err();
        assert!(over.to_string().contains("too many SQL variables"), "{over}");
    }

    #[test]
    fn a_row_is_read_once_into_flags_tags_and_the_custom_profile() {
        let db = Sqlite::with_channel();
        db.exec(
            "INSERT INTO customers (channel_id, id, member, tags, created_at, updated_at, unsubscribe_texting,
               profile_utm_medium, profile, email_status)
             VALUES ('shop', 'c1', 1, '[\"vip\"]', 1, 2, 1, 'email', '{\"plan\":\"gold\",\"score\":3}', 'spam')",
        );
        let c = wait(customer(&db, &shop(), "c1")).unwrap().unwrap();
        assert_eq!(c.id, visitor("c1"));
        assert_eq!(
            (c.member, c.has_push_token, c.unsubscribe_email, c.unsubscribe_texting),
            (true, false, false, true)
        );
        assert_eq!((c.tags, c.email_status), (vec!["vip".to_owned()], EmailStatus::Spam));
        assert_eq!(c.profile.utm, [None, Some("email".to_owned()), None, None, None]);
        let custom = BTreeMap::from([
            ("plan".to_owned(), FieldValue::Text("gold".into())),
            ("score".to_owned(), FieldValue::Number(3.0)),
        ]);
        assert_eq!(c.profile.custom, custom);
    }

    #[test]
    fn a_row_whose_stored_json_does_not_parse_is_corrupt() {
        let db = Sqlite::with_channel();
        db.exec("INSERT INTO customers (channel_id, id, created_at, updated_at, profile) VALUES ('shop', 'c1', 1, 2, '{\"a\":{}}')");
        let err = wait(customer(&db, &shop(), "c1")).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { what: "customer profile", .. }), "{err}");
    }
}
