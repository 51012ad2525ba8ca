//! The customer database: list and search (cursor pages, sorts, quick search, filters,
//! segments), read, create, edit and delete one customer.

use crate::api::admin::paging;
use crate::env::new_id;
use crate::error::ApiError;
use crate::reply;
use crate::request;
use crate::services::audience::channel_schema;
use crate::services::audience::search_doc;
use crate::store;
use crate::store::Db;
use crate::store::customers::Customer;
use crate::visitor;
use crate::visitor::VisitorCall;
use kizuna_shared::field::CustomField;
use kizuna_shared::field::FieldValue;
use kizuna_shared::field::Visibility;
use kizuna_shared::field::{CustomerSort, SortKey};
use kizuna_shared::filter::sql::SqlFilter;
use kizuna_shared::filter::sql::compile;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::ids::VisitorId;
use kizuna_shared::profile::Writer;
use kizuna_shared::profile::resolve;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::CustomerIn;
use kizuna_shared::wire::admin::CustomerOut;
use kizuna_shared::wire::admin::CustomerPage;
use kizuna_shared::wire::admin::CustomerQuery;
use kizuna_shared::wire::admin::ReceivedMessageOut;
use kizuna_shared::wire::admin::ReceivedMessagePage;
use kizuna_shared::wire::admin::WebOut;
use worker::Env;
use worker::Request;
use worker::Response;

/// A customer as the admin API shows it: the built-in profile fields that have a value
/// go into `profile` beside (and over) the custom ones.
pub(crate) fn customer_out(customer: Customer) -> CustomerOut {
    let Customer { profile: p, web, .. } = customer;
    let mut profile = p.custom;
    let [utm_source, utm_medium, utm_campaign, utm_content, utm_term] = p.utm;
    let texts = [
        ("name", p.name),
        ("email", p.email),
        ("mobileNumber", p.mobile_number),
        ("description", p.description),
        ("referrer", p.referrer),
        ("utmSource", utm_source),
        ("utmMedium", utm_medium),
        ("utmCampaign", utm_campaign),
        ("utmContent", utm_content),
        ("utmTerm", utm_term),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            profile.insert(key.to_owned(), FieldValue::Text(value));
        }
    }
    if let Some(at) = p.last_checkout_completed_at {
        profile.insert("lastCheckoutCompletedAt".to_owned(), FieldValue::Number(at as f64));
    }
    CustomerOut {
        id: customer.id.as_str().to_owned(),
        member_id: customer.member_id,
        member: customer.member,
        name: customer.name,
        tags: customer.tags,
        city: customer.city,
        country: customer.country,
        language: customer.language,
        created_at: customer.created_at,
        last_seen_at: customer.last_seen_at,
        updated_at: customer.updated_at,
        sessions_count: customer.sessions_count,
        last_session_started_at: customer.last_session_started_at,
        web: WebOut {
            browser: web.browser,
            browser_name: web.browser_name,
            os: web.os,
            os_name: web.os_name,
            device: web.device,
            last_seen_at: web.last_seen_at,
            sessions_count: web.sessions_count,
        },
        has_push_token: customer.has_push_token,
        unsubscribe_email: customer.unsubscribe_email,
        unsubscribe_texting: customer.unsubscribe_texting,
        email_status: customer.email_status.as_str().to_owned(),
        profile,
    }
}

/// What a manager sees of `customer`: without the values of hidden fields (they are
/// kept in data).
fn shown(customer: Customer, custom: &[CustomField]) -> CustomerOut {
    let mut out = customer_out(customer);
    for field in custom.iter().filter(|f| f.visibility == Visibility::Hidden) {
        out.profile.remove(&field.name);
    }
    out
}

/// `GET /admin/v1/channels/{channel}/customers?q=&sort=&order=&limit=&cursor=`
pub async fn list_customers(req: Request, env: &Env, now: Millis, channel: &ChannelId) -> Result<Response, ApiError> {
    let url = req.url()?;
    let query = customer_query(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())))?;
    search_customers(env, now, channel, query).await
}

/// A customer list's query string; an unknown parameter or a limit that is not a whole
/// number is refused naming it.
fn customer_query(pairs: impl Iterator<Item = (String, String)>) -> Result<CustomerQuery, ApiError> {
    let mut query = CustomerQuery::default();
    for (key, value) in pairs {
        let value = Some(value);
        match key.as_str() {
            "q" => query.q = value,
            "sort" => query.sort = value,
            "order" => query.order = value,
            "cursor" => query.cursor = value,
            "limit" => {
                let limit = value.and_then(|v| v.parse().ok());
                query.limit = Some(limit.ok_or_else(|| ApiError::invalid("limit", "must be a whole number"))?);
            }
            other => {
                return Err(ApiError::invalid(other, "unknown query parameter (use q, sort, order, limit, cursor)"));
            }
        }
    }
    Ok(query)
}

/// `POST /admin/v1/channels/{channel}/customers/search` with a `CustomerQuery` body.
pub async fn search_customers_body(
    mut req: Request,
    env: &Env,
    now: Millis,
    channel: &ChannelId,
) -> Result<Response, ApiError> {
    let query: CustomerQuery = request::read_json(&mut req).await?;
    search_customers(env, now, channel, query).await
}

async fn search_customers(
    env: &Env,
    now: Millis,
    channel: &ChannelId,
    query: CustomerQuery,
) -> Result<Response, ApiError> {
    let (schema, custom) = channel_schema(env, channel).await?;
    let doc =
        search_doc(env, channel, &schema, query.q.as_deref(), query.filter.as_ref(), query.segment.as_deref()).await?;
    let sort = CustomerSort::parse(query.sort.as_deref(), query.order.as_deref())?;
    let limit = query.limit.unwrap_or(paging::CUSTOMER_LIST.default);
    if !(1..=paging::CUSTOMER_LIST.max).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {}", paging::CUSTOMER_LIST.max)));
    }
    let after = match &query.cursor {
        None => None,
        Some(cursor) => Some(parse_cursor(cursor, sort.key)?),
    };
    let sql = compile(&doc.to_filter(&schema, "filter")?, &schema, now);
    let page = customer_page(&Db::open(env)?, channel, &sql, sort, after.as_ref(), limit, &custom).await?;
    Ok(reply::json(200, &page))
}

/// One page of the matching customers in `sort` order after `after`; the first page
/// (no `after`) also counts every match, over the same WHERE, so a list knows its size
/// for one COUNT and paging on costs nothing more.
async fn customer_page(
    db: &impl store::Executor,
    channel: &ChannelId,
    sql: &SqlFilter,
    sort: CustomerSort,
    after: Option<&store::customers::After>,
    limit: u32,
    custom: &[CustomField],
) -> Result<CustomerPage, ApiError> {
    let customers: Vec<CustomerOut> = store::customers::customers_page(db, channel, sql, sort, after, limit)
        .await?
        .into_iter()
        .map(|c| shown(c, custom))
        .collect();
    let next_cursor = (customers.len() == limit as usize)
        .then(|| customers.last().map(|c| format!("{}:{}:{}", sort.key.as_str(), c.sort_value(sort.key), c.id)))
        .flatten();
    let total = match after {
        None => Some(u64::try_from(store::customers::count_customers(db, channel, sql).await?).unwrap_or(0)),
        Some(_) => None,
    };
    Ok(CustomerPage { customers, next_cursor, total })
}

/// Cursors read `sort:key:id`; one from another sort is refused.
fn parse_cursor(cursor: &str, sort: SortKey) -> Result<store::customers::After, ApiError> {
    let bad = || ApiError::invalid("cursor", "not a cursor of this list (start again without one)");
    let mut parts = cursor.splitn(3, ':');
    let (Some(for_sort), Some(key), Some(id)) = (parts.next(), parts.next(), parts.next()) else { return Err(bad()) };
    if for_sort != sort.as_str() || id.is_empty() {
        return Err(bad());
    }
    Ok(store::customers::After { key: key.parse().map_err(|_| bad())?, id: id.to_owned() })
}

/// `GET`, `PATCH` and `DELETE /admin/v1/channels/{channel}/customers/{id}`
pub async fn customer(mut req: Request, env: &Env, channel: &ChannelId, id: &str) -> Result<Response, ApiError> {
    let (_, custom) = channel_schema(env, channel).await?;
    let db = Db::open(env)?;
    let existing = store::customers::customer(&db, channel, id).await?.ok_or(ApiError::NotFound("customer"))?;
    let visitor = existing.id.clone();
    match req.method() {
        worker::Method::Delete => {
            let erase = VisitorCall::Erase { channel: channel.clone(), visitor_id: visitor.clone() };
            let _: visitor::Deleted = visitor::call_json(env, channel, &visitor, &erase).await?;
            Ok(reply::json(200, &serde_json::json!({ "deleted": visitor })))
        }
        worker::Method::Patch => {
            let body: CustomerIn = request::read_json(&mut req).await?;
            if body.member_id.is_some() {
                return Err(ApiError::invalid("memberId", "is set when the member signs in, not edited"));
            }
            let change = resolve(&body.profile, &custom, Writer::Manager, "profile")?;
            let update = VisitorCall::UpdateProfile {
                channel: channel.clone(),
                visitor_id: visitor.clone(),
                change,
                token_issued_at: None,
            };
            let _: visitor::Updated = visitor::call_json(env, channel, &visitor, &update).await?;
            let customer = store::customers::customer(&db, channel, id).await?.ok_or(ApiError::NotFound("customer"))?;
            Ok(reply::json(200, &shown(customer, &custom)))
        }
        _ => Ok(reply::json(200, &shown(existing, &custom))),
    }
}

/// A customer's received messages come 50 to a page, at most 100.
const MESSAGES: paging::Limits = paging::Limits { default: 50, max: 100 };

/// `GET /admin/v1/channels/{channel}/customers/{id}/messages?limit=&cursor=`: the messages
/// released to the customer (each with its state: sent, or still pending, withdrawn,
/// expired), newest first. A customer of another channel is not found.
pub async fn received_messages(
    req: Request,
    env: &Env,
    now: Millis,
    channel: &ChannelId,
    id: &str,
) -> Result<Response, ApiError> {
    let url = req.url()?;
    let (limit, after) = messages_query(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())))?;
    let db = Db::open(env)?;
    store::customers::customer(&db, channel, id).await?.ok_or(ApiError::NotFound("customer"))?;
    let received = store::deliveries::received(&db, channel, id, after.as_ref(), limit, now).await?;
    let last = received.last().map(|r| store::deliveries::SentAfter { sent_at: r.sent_at, id: r.id.clone() });
    let next_cursor = paging::next_cursor(received.len(), limit, last);
    let messages = received
        .into_iter()
        .map(|r| ReceivedMessageOut {
            id: r.id,
            campaign_id: r.campaign_id,
            campaign_name: r.campaign_name,
            display: r.display,
            state: r.state,
            sent_at: r.sent_at,
            view_at: r.view_at,
            click_at: r.click_at,
            goal_at: r.goal_at,
        })
        .collect();
    Ok(reply::json(200, &ReceivedMessagePage { messages, next_cursor }))
}

/// A received-messages query: `limit` (1 to 100, default 50) and `cursor` (`sentAt:id`
/// of the last message of the previous page), read as every newest-first list's.
fn messages_query(
    pairs: impl Iterator<Item = (String, String)>,
) -> Result<(u32, Option<store::deliveries::SentAfter>), ApiError> {
    paging::sent_page_query(pairs, MESSAGES)
}

/// `POST /admin/v1/channels/{channel}/customers`: a customer created by hand (a lead met
/// offline, say), optionally a member.
pub async fn create_customer(mut req: Request, env: &Env, channel: &ChannelId) -> Result<Response, ApiError> {
    let body: CustomerIn = request::read_json(&mut req).await?;
    let (_, custom) = channel_schema(env, channel).await?;
    let change = resolve(&body.profile, &custom, Writer::Manager, "profile")?;
    let db = Db::open(env)?;
    let id = VisitorId::parse(&new_id("c_")?).map_err(|e| ApiError::Internal(e.to_string()))?;
    let call = match body.member_id {
        Some(member_id) => {
            kizuna_shared::ids::MemberId::parse(&member_id)?;
            if store::customers::customer_of_member(&db, channel, &member_id).await?.is_some() {
                return Err(ApiError::Conflict {
                    field: "memberId".into(),
                    problem: "this member already has a customer".into(),
                });
            }
            VisitorCall::SignIn {
                channel: channel.clone(),
                visitor_id: id.clone(),
                token_issued_at: None,
                member_id,
                change,
                absorb: None,
            }
        }
        None => VisitorCall::UpdateProfile {
            channel: channel.clone(),
            visitor_id: id.clone(),
            change,
            token_issued_at: None,
        },
    };
    let _: serde_json::Value = visitor::call_json(env, channel, &id, &call).await?;
    let customer =
        store::customers::customer(&db, channel, id.as_str()).await?.ok_or(ApiError::NotFound("customer"))?;
    Ok(reply::json(201, &shown(customer, &custom)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};
    use kizuna_shared::field::FieldType;

    fn query(pairs: &[(&str, &str)]) -> Result<CustomerQuery, ApiError> {
        customer_query(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    #[track_caller]
    fn refused(pairs: &[(&str, &str)], field: &str) {
        let reply = query(pairs).err().map(|e| e.reply().error);
        assert_eq!(reply.map(|e| (e.code, e.field)), Some(("invalid".to_owned(), Some(field.to_owned()))));
    }

    #[test]
    fn a_list_query_takes_search_sort_order_cursor_and_limit() {
        let q = query(&[("q", "tanaka"), ("sort", "createdAt"), ("order", "asc"), ("limit", "20"), ("cursor", "c")]);
        let q = q.ok().unwrap_or_default();
        assert_eq!(
            (q.q.as_deref(), q.sort.as_deref(), q.order.as_deref(), q.limit, q.cursor.as_deref()),
            (Some("tanaka"), Some("createdAt"), Some("asc"), Some(20), Some("c"))
        );
    }

    #[test]
    fn an_unknown_list_parameter_is_refused_naming_it() {
        refused(&[("q", "a"), ("colour", "red")], "colour");
    }

    #[test]
    fn a_limit_that_is_not_a_whole_number_is_refused() {
        refused(&[("limit", "ten")], "limit");
        refused(&[("limit", "-1")], "limit");
        refused(&[("limit", "1.5")], "limit");
    }

    #[test]
    fn a_cursor_of_another_sort_or_without_an_id_is_refused() {
        assert!(parse_cursor("createdAt:5:c_1", SortKey::CreatedAt).is_ok());
        for cursor in ["lastSeenAt:5:c_1", "createdAt:5:", "createdAt:x:c_1", "createdAt:5", "garbage"] {
            let field = parse_cursor(cursor, SortKey::CreatedAt).err().and_then(|e| e.reply().error.field);
            assert_eq!(field.as_deref(), Some("cursor"), "{cursor}");
        }
    }

    /// Every column filled, and a custom value that shadows a built-in one.
    const FULL_ROW: &str = "INSERT INTO customers VALUES ('shop', 'c_full', 'm-7', 1, 'Hanako', '[\"vip\",\"tokyo\"]',
        'Tokyo', 'JP', 'ja', 1000, 2000, 3000, 4, 'Chrome 120', 'Chrome', 'macOS 14', 'macOS', 'desktop', 2500, 3,
        1, 1, 0, 'Hanako Y', 'h@example.com', '+81 90 0000 0000', 'memo', 1700000000000, 'https://ref.example/',
        'news', 'email', 'spring', 'a', 'shoes',
        '{\"plan\":\"gold\",\"score\":3,\"ratio\":0.5,\"opted\":true,\"sizes\":[23,24.5],\"colours\":[\"red\"],\"empty\":[],\"email\":\"shadowed@example.com\"}',
        'spam', 1500)";

    /// What `FULL_ROW` answered before the store returned its own row type, and since
    /// migration 0015 its last session's start.
    const FULL_JSON: &str = r#"{"id":"c_full","memberId":"m-7","member":true,"name":"Hanako","tags":["vip","tokyo"],"city":"Tokyo","country":"JP","language":"ja","createdAt":1000,"lastSeenAt":2000,"updatedAt":3000,"sessionsCount":4,"lastSessionStartedAt":1500,"web":{"browser":"Chrome 120","browserName":"Chrome","os":"macOS 14","osName":"macOS","device":"desktop","lastSeenAt":2500,"sessionsCount":3},"hasPushToken":true,"unsubscribeEmail":true,"unsubscribeTexting":false,"emailStatus":"spam","profile":{"colours":["red"],"description":"memo","email":"h@example.com","empty":[],"lastCheckoutCompletedAt":1700000000000.0,"mobileNumber":"+81 90 0000 0000","name":"Hanako Y","opted":true,"plan":"gold","ratio":0.5,"referrer":"https://ref.example/","score":3.0,"sizes":[23.0,24.5],"utmCampaign":"spring","utmContent":"a","utmMedium":"email","utmSource":"news","utmTerm":"shoes"}}"#;

    /// A customer with nothing but what the schema requires.
    const MINIMAL_ROW: &str =
        "INSERT INTO customers (channel_id, id, created_at, updated_at) VALUES ('shop', 'c_min', 5, 6)";

    const MINIMAL_JSON: &str = r#"{"id":"c_min","memberId":null,"member":false,"name":null,"tags":[],"city":null,"country":null,"language":null,"createdAt":5,"lastSeenAt":null,"updatedAt":6,"sessionsCount":0,"lastSessionStartedAt":null,"web":{"browser":null,"browserName":null,"os":null,"osName":null,"device":null,"lastSeenAt":null,"sessionsCount":null},"hasPushToken":false,"unsubscribeEmail":false,"unsubscribeTexting":false,"emailStatus":"unconfirmed","profile":{}}"#;

    #[test]
    fn a_customer_is_shown_as_the_admin_api_showed_it_before_the_store_had_its_row_type() {
        let db = Sqlite::with_channel();
        db.exec(FULL_ROW);
        db.exec(MINIMAL_ROW);
        let shop = ChannelId::parse("shop").unwrap();
        let json = |id: &str| {
            let row = wait(store::customers::customer(&db, &shop, id)).unwrap().unwrap();
            serde_json::to_string(&customer_out(row)).unwrap()
        };
        assert_eq!(json("c_full"), FULL_JSON);
        assert_eq!(json("c_min"), MINIMAL_JSON);
    }

    #[test]
    fn hidden_fields_are_not_shown_to_a_manager() {
        let db = Sqlite::with_channel();
        db.exec(FULL_ROW);
        let row = wait(store::customers::customer(&db, &ChannelId::parse("shop").unwrap(), "c_full")).unwrap().unwrap();
        let field = |name: &str, visibility| CustomField {
            name: name.into(),
            display_name: name.into(),
            ty: FieldType::Text,
            write_once: false,
            visibility,
        };
        let out = shown(row, &[field("plan", Visibility::Hidden), field("score", Visibility::Visible)]);
        assert!(!out.profile.contains_key("plan"));
        assert!(out.profile.contains_key("score"));
    }

    fn messages(pairs: &[(&str, &str)]) -> Result<(u32, Option<store::deliveries::SentAfter>), ApiError> {
        messages_query(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    #[track_caller]
    fn messages_refused(pairs: &[(&str, &str)], field: &str) {
        let reply = messages(pairs).err().map(|e| e.reply().error);
        assert_eq!(reply.map(|e| (e.code, e.field)), Some(("invalid".to_owned(), Some(field.to_owned()))));
    }

    #[test]
    fn received_messages_come_fifty_at_a_time_unless_asked_for_up_to_a_hundred() {
        assert_eq!(messages(&[]).unwrap(), (50, None));
        assert_eq!(messages(&[("limit", "100")]).unwrap().0, 100);
        for limit in ["0", "101", "ten", "-1", "1.5"] {
            messages_refused(&[("limit", limit)], "limit");
        }
        messages_refused(&[("sort", "sentAt")], "sort");
    }

    #[test]
    fn a_received_messages_cursor_is_sent_at_and_the_delivery_id() {
        let after = messages(&[("cursor", "1700:d_1:x")]).unwrap().1.unwrap();
        assert_eq!((after.sent_at, after.id.as_str()), (1700, "d_1:x"));
        for cursor in ["", "1700", "1700:", "x:d_1", "garbage"] {
            messages_refused(&[("cursor", cursor)], "cursor");
        }
    }

    #[test]
    fn the_first_page_counts_every_match_and_later_pages_do_not() {
        let db = Sqlite::with_channel();
        for (id, at) in [("c_a", 300), ("c_b", 100), ("c_c", 200)] {
            db.exec(&format!(
                "INSERT INTO customers (channel_id, id, created_at, updated_at) VALUES ('shop', '{id}', {at}, {at})"
            ));
        }
        db.exec(
            "INSERT INTO customers (channel_id, id, created_at, updated_at, name) VALUES ('shop', 'c_x', 1, 1, 'x')",
        );
        let shop = ChannelId::parse("shop").unwrap();
        let unnamed = SqlFilter { sql: "name IS NULL".to_owned(), params: Vec::new() };
        let sort = CustomerSort { key: SortKey::CreatedAt, descending: true };
        let first = wait(customer_page(&db, &shop, &unnamed, sort, None, 2, &[])).unwrap();
        assert_eq!((first.customers.len(), first.total), (2, Some(3)), "all matches, not the page's");
        let after = parse_cursor(first.next_cursor.as_deref().unwrap(), SortKey::CreatedAt).unwrap();
        let next = wait(customer_page(&db, &shop, &unnamed, sort, Some(&after), 2, &[])).unwrap();
        assert_eq!((next.customers.len(), next.total, next.next_cursor.as_deref()), (1, None, None));
        let json = serde_json::to_value(&next).unwrap();
        assert!(json.get("total").is_none(), "a later page says nothing of the total");
    }
}
