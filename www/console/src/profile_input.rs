//! A profile value in the customer page's inline editor: the text an input starts with
//! and what a manager typed, read back as the value the API takes (`null` clears), or
//! the message the console says beside the field before sending. A date is edited as a
//! wall time in the channel's zone: the shell passes the zone's offset at an instant
//! (the browser's `Intl` knows the zones), so no zone tables ship. Pure.

use crate::i18n::Key;
use crate::problem::Problem;
use kizuna_shared::field::{FieldType, FieldValue};
use kizuna_shared::time::{DAY, Day, MINUTE, Millis};

/// A number as an input shows it: whole numbers without `.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// The text an input of `ty` starts with for `value` (dates: see [`wall_text`]).
pub fn input_text(ty: FieldType, value: Option<&FieldValue>) -> String {
    let Some(value) = value else { return String::new() };
    match (ty, value) {
        (_, FieldValue::Text(t)) => t.clone(),
        (_, FieldValue::Number(n)) => number_text(*n),
        (_, FieldValue::Bool(b)) => b.to_string(),
        (_, FieldValue::Texts(items)) => items.join(", "),
        (_, FieldValue::Numbers(items)) => items.iter().map(|n| number_text(*n)).collect::<Vec<_>>().join(", "),
    }
}

/// What was typed into an input of `ty` (not a date), as the value to send: an empty
/// input clears the value; a list is written with commas.
pub fn read_input(ty: FieldType, text: &str) -> Result<Option<FieldValue>, Key> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match ty {
        FieldType::Text => Ok(Some(FieldValue::Text(text.to_owned()))),
        FieldType::Number => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(FieldValue::Number(n))),
            _ => Err(Key::CustomerNumberExpected),
        },
        FieldType::Boolean => match text {
            "true" => Ok(Some(FieldValue::Bool(true))),
            "false" => Ok(Some(FieldValue::Bool(false))),
            _ => Err(Key::CustomerBooleanExpected),
        },
        FieldType::List => {
            let mut items: Vec<String> = Vec::new();
            for item in text.split([',', '、']).map(str::trim).filter(|i| !i.is_empty()) {
                if !items.iter().any(|i| i == item) {
                    items.push(item.to_owned());
                }
            }
            Ok(Some(FieldValue::Texts(items)))
        }
        FieldType::Date => Err(Key::CustomerDateExpected),
    }
}

/// `YYYY-MM-DDTHH:MM` (what `<input type="datetime-local">` holds) for the wall time
/// `wall` ms (a moment plus its zone's offset).
pub fn wall_text(wall: Millis) -> String {
    let day = Day(wall.div_euclid(DAY));
    let minutes = wall.rem_euclid(DAY) / MINUTE;
    format!("{}T{:02}:{:02}", day.iso(), minutes / 60, minutes % 60)
}

/// The wall time `YYYY-MM-DDTHH:MM[:SS]` read as ms (as if it were UTC).
pub fn parse_wall(text: &str) -> Option<Millis> {
    let (date, time) = text.trim().split_once('T')?;
    let day = Day::parse_iso(date)?;
    let mut parts = time.split(':');
    let mut part = |max: i64| -> Option<i64> {
        let p = parts.next()?;
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok().filter(|n| *n <= max)
    };
    let (hours, minutes) = (part(23)?, part(59)?);
    let seconds = match time.split(':').nth(2) {
        None => 0,
        Some(s) => s.split('.').next()?.parse::<i64>().ok().filter(|s| *s <= 59)?,
    };
    Some(day.0 * DAY + hours * 3_600_000 + minutes * MINUTE + seconds * 1000)
}

/// The moment a wall time `wall` (ms, as if UTC) names in a zone whose offset from UTC
/// at an instant is `offset_at` (ms). Around a change of offset the offset after the
/// guess wins, as browsers do for a skipped or repeated hour.
pub fn moment_of(wall: Millis, offset_at: impl Fn(Millis) -> Millis) -> Millis {
    let guess = wall - offset_at(wall);
    wall - offset_at(guess)
}

/// A date input's text as the value to send: empty clears; otherwise a moment in the zone.
pub fn read_date(text: &str, offset_at: impl Fn(Millis) -> Millis) -> Result<Option<FieldValue>, Key> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let wall = parse_wall(text).ok_or(Key::CustomerDateExpected)?;
    let at = moment_of(wall, offset_at);
    if at < 0 {
        return Err(Key::CustomerDateExpected);
    }
    Ok(Some(FieldValue::Number(at as f64)))
}

/// What the console says for the API's refusal of a value of type `ty`: a message the
/// API's code and field already name is kept; the general "not accepted" says what the
/// type takes.
pub fn refusal(ty: FieldType, problem: Problem) -> Problem {
    if problem.key != Key::FieldRejected {
        return problem;
    }
    let key = match ty {
        FieldType::Text => return problem,
        FieldType::Number => Key::CustomerNumberExpected,
        FieldType::Boolean => Key::CustomerBooleanExpected,
        FieldType::Date => Key::CustomerDateExpected,
        FieldType::List => Key::CustomerListRejected,
    };
    Problem { key, ..problem }
}

/// The first characters of a customer id, to tell anonymous visitors apart.
pub fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("c_").or_else(|| id.strip_prefix("v_")).unwrap_or(id);
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Failure;
    use kizuna_shared::wire::public::ErrorDetail;

    const TOKYO: Millis = 9 * 3_600_000;

    #[track_caller]
    fn reads(ty: FieldType, text: &str, expected: Result<Option<FieldValue>, Key>) {
        assert_eq!(read_input(ty, text), expected, "{text:?}");
    }

    #[test]
    fn an_empty_input_clears_the_value() {
        for ty in [FieldType::Text, FieldType::Number, FieldType::Boolean, FieldType::List] {
            reads(ty, "  ", Ok(None));
        }
        assert_eq!(read_date("", |_| 0), Ok(None));
    }

    #[test]
    fn each_type_reads_what_its_input_holds() {
        reads(FieldType::Text, " Gold ", Ok(Some(FieldValue::Text("Gold".into()))));
        reads(FieldType::Number, "12.5", Ok(Some(FieldValue::Number(12.5))));
        reads(FieldType::Number, "-3", Ok(Some(FieldValue::Number(-3.0))));
        reads(FieldType::Boolean, "false", Ok(Some(FieldValue::Bool(false))));
        reads(
            FieldType::List,
            "tea, cups,,tea、 pots ",
            Ok(Some(FieldValue::Texts(vec!["tea".into(), "cups".into(), "pots".into()]))),
        );
    }

    #[test]
    fn a_number_that_is_not_one_is_said_before_sending() {
        reads(FieldType::Number, "twelve", Err(Key::CustomerNumberExpected));
        reads(FieldType::Number, "inf", Err(Key::CustomerNumberExpected));
        reads(FieldType::Number, "NaN", Err(Key::CustomerNumberExpected));
        reads(FieldType::Boolean, "yes", Err(Key::CustomerBooleanExpected));
    }

    #[test]
    fn an_input_starts_with_the_value_as_typed() {
        assert_eq!(input_text(FieldType::Number, Some(&FieldValue::Number(3.0))), "3");
        assert_eq!(input_text(FieldType::Number, Some(&FieldValue::Number(0.25))), "0.25");
        assert_eq!(input_text(FieldType::List, Some(&FieldValue::Texts(vec!["a".into(), "b".into()]))), "a, b");
        assert_eq!(input_text(FieldType::List, Some(&FieldValue::Numbers(vec![]))), "");
        assert_eq!(input_text(FieldType::Boolean, Some(&FieldValue::Bool(true))), "true");
        assert_eq!(input_text(FieldType::Text, None), "");
    }

    #[test]
    fn a_date_is_edited_as_a_wall_time_in_the_channel_s_zone() {
        // 2026-01-01T00:00Z is 09:00 in Tokyo.
        let moment = 1_767_225_600_000;
        assert_eq!(wall_text(moment + TOKYO), "2026-01-01T09:00");
        assert_eq!(read_date("2026-01-01T09:00", |_| TOKYO), Ok(Some(FieldValue::Number(moment as f64))));
        assert_eq!(parse_wall("2026-01-01T09:00:30"), Some(moment + TOKYO + 30_000));
        assert_eq!(wall_text(parse_wall("1999-12-31T23:59").unwrap()), "1999-12-31T23:59");
        for bad in ["2026-02-30T10:00", "2026-01-01", "2026-01-01T24:00", "2026-01-01T9:00", "soon"] {
            assert_eq!(read_date(bad, |_| 0), Err(Key::CustomerDateExpected), "{bad}");
        }
    }

    #[test]
    fn around_a_change_of_offset_the_later_offset_is_used() {
        // A zone one hour east of UTC from moment 10 h on, UTC before.
        let change = 10 * 3_600_000;
        let offset = |at: Millis| if at >= change { 3_600_000 } else { 0 };
        assert_eq!(moment_of(12 * 3_600_000, offset), 11 * 3_600_000);
        assert_eq!(moment_of(5 * 3_600_000, offset), 5 * 3_600_000);
    }

    fn refused(code: &str, field: &str) -> Problem {
        let error = ErrorDetail { code: code.into(), message: String::new(), field: Some(field.into()) };
        Problem::from(Failure::Answered { status: 400, error: Some(error), retry_after: None })
    }

    #[test]
    fn the_api_s_refusal_of_a_value_is_said_beside_it_in_the_words_of_its_type() {
        let number = refusal(FieldType::Number, refused("invalid", "profile.score"));
        assert_eq!((number.field.as_deref(), number.key), (Some("profile.score"), Key::CustomerNumberExpected));
        let email = refusal(FieldType::Text, refused("invalid", "profile.email"));
        assert_eq!(email.key, Key::CustomerEmailInvalid);
        let taken = refusal(FieldType::Text, refused("conflict", "profile.code"));
        assert_eq!((taken.field.as_deref(), taken.key), (Some("profile.code"), Key::CustomerWriteOnceTaken));
        assert_eq!(refused("invalid", "profile.mobileNumber").key, Key::CustomerPhoneInvalid);
        assert_eq!(refused("invalid", "profile.name").key, Key::CustomerNameInvalid);
        assert_eq!(refused("invalid", "addTags[0]").key, Key::TagInvalid);
    }

    #[test]
    fn an_anonymous_visitor_is_told_apart_by_the_start_of_their_id() {
        assert_eq!(short_id("c_0123456789abcdef"), "01234567");
        assert_eq!(short_id("v1"), "v1");
    }
}
