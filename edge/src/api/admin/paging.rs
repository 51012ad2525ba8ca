//! Cursor pages of the lists ordered newest first by a send time (a customer's messages,
//! a campaign's recipients): one reading of `limit` and `cursor`, one way to write the
//! next cursor. A cursor is `sentAt:id` of the previous page's last row, and a page
//! shorter than its limit is the last (no cursor), as in the customer list.

use crate::error::ApiError;
use crate::store::deliveries::SentAfter;

/// A list's page size: what it is without `limit`, and the most it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub default: u32,
    pub max: u32,
}

/// The customer list's page sizes (`GET …/customers`), also a campaign's recipients'.
pub const CUSTOMER_LIST: Limits = Limits { default: 50, max: 200 };

/// A newest-first list's query: `limit` (1 to `limits.max`, else `limits.default`) and
/// `cursor`; anything else is refused naming it.
pub fn sent_page_query(
    pairs: impl Iterator<Item = (String, String)>,
    limits: Limits,
) -> Result<(u32, Option<SentAfter>), ApiError> {
    let (mut limit, mut after) = (limits.default, None);
    for (key, value) in pairs {
        match key.as_str() {
            "limit" => {
                limit = value.parse().ok().filter(|n| (1..=limits.max).contains(n)).ok_or_else(|| {
                    ApiError::invalid("limit", format!("must be a whole number from 1 to {}", limits.max))
                })?;
            }
            "cursor" => after = Some(parse_cursor(&value)?),
            other => return Err(ApiError::invalid(other, "unknown query parameter (use limit, cursor)")),
        }
    }
    Ok((limit, after))
}

fn parse_cursor(cursor: &str) -> Result<SentAfter, ApiError> {
    let bad = || ApiError::invalid("cursor", "not a cursor of this list (start again without one)");
    let (sent_at, id) = cursor.split_once(':').ok_or_else(bad)?;
    let sent_at = sent_at.parse().map_err(|_| bad())?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok(SentAfter { sent_at, id: id.to_owned() })
}

/// The cursor after a page of `len` rows asked with `limit`, whose last row is `last`:
/// none when the page came short, for then there is nothing after it.
pub fn next_cursor(len: usize, limit: u32, last: Option<SentAfter>) -> Option<String> {
    (len == limit as usize).then_some(last).flatten().map(|last| format!("{}:{}", last.sent_at, last.id))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const MESSAGES: Limits = Limits { default: 50, max: 100 };

    fn query(pairs: &[(&str, &str)], limits: Limits) -> Result<(u32, Option<SentAfter>), ApiError> {
        sent_page_query(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), limits)
    }

    #[track_caller]
    fn refused(pairs: &[(&str, &str)], field: &str) {
        let reply = query(pairs, CUSTOMER_LIST).err().map(|e| e.reply().error);
        assert_eq!(reply.map(|e| (e.code, e.field)), Some(("invalid".to_owned(), Some(field.to_owned()))));
    }

    #[test]
    fn a_page_is_its_list_s_default_size_unless_asked_for_up_to_its_maximum() {
        assert_eq!(query(&[], CUSTOMER_LIST).unwrap(), (50, None));
        assert_eq!(query(&[("limit", "200")], CUSTOMER_LIST).unwrap().0, 200);
        assert_eq!(query(&[("limit", "100")], MESSAGES).unwrap().0, 100);
        assert!(query(&[("limit", "101")], MESSAGES).is_err());
        for limit in ["0", "201", "ten", "-1", "1.5", ""] {
            refused(&[("limit", limit)], "limit");
        }
    }

    #[test]
    fn an_unknown_parameter_is_refused_naming_it() {
        refused(&[("sort", "sentAt")], "sort");
    }

    #[test]
    fn a_cursor_is_a_send_time_and_the_id_after_the_first_colon() {
        let after = query(&[("cursor", "1700:d_1:x")], CUSTOMER_LIST).unwrap().1.unwrap();
        assert_eq!((after.sent_at, after.id.as_str()), (1700, "d_1:x"));
        for cursor in ["", "1700", "1700:", "x:d_1", "1.5:d_1", "garbage"] {
            refused(&[("cursor", cursor)], "cursor");
        }
    }

    #[test]
    fn only_a_full_page_has_a_next_cursor_and_it_reads_back_as_its_last_row() {
        let last = || Some(SentAfter { sent_at: 1700, id: "c_9".into() });
        assert_eq!(next_cursor(2, 3, last()), None, "a short page is the last");
        let cursor = next_cursor(3, 3, last()).unwrap();
        assert_eq!(parse_cursor(&cursor).ok(), last());
        assert_eq!(next_cursor(0, 0, None), None);
    }
}
