//! A campaign's message variants and control group as the editor holds them (shares typed
//! as text), checked with the core's own [`Split::new`] so the console refuses what the
//! API would and names the same field (`variants[1].share`, `controlPercent`,
//! `variants`); and how the statistics screen writes an arm's figures (rates, the
//! difference in percentage points, z, the p-value and its verdict). Pure.
//!
//! Invariants: the document this module answers is one the API reads as the editor
//! shows it: one variant with no control group is no split at all (`variants` and
//! `controlPercent` left out), so a campaign without an A/B test keeps the bytes it had;
//! every other split goes as typed, the first variant without a message of its own.

use crate::i18n::Key;
use crate::problem::Problem;
use kizuna_shared::campaign::variants::{MAX_VARIANTS, Split};

/// The letter a variant goes by on screen: A, B, C.
pub fn letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index.min(25)).unwrap_or(0))
}

/// The API field of variant `index`'s share.
pub fn share_field(index: usize) -> String {
    format!("variants[{index}].share")
}

/// The prefix of variant `index`'s message fields: `message` for the first (the
/// campaign's own message), `variants[i].message` for the others.
pub fn message_prefix(index: usize) -> String {
    if index == 0 { "message".to_owned() } else { format!("variants[{index}].message") }
}

/// The variant whose message input a field names (`message.text` → 0,
/// `variants[2].message.buttons[0].url` → 2); `None` for any other field.
pub fn variant_of_field(field: &str) -> Option<usize> {
    if field == "message" || field.starts_with("message.") {
        return Some(0);
    }
    let rest = field.strip_prefix("variants[")?;
    let (index, after) = rest.split_once(']')?;
    let index: usize = index.parse().ok()?;
    (after == ".message" || after.starts_with(".message.")).then_some(index)
}

/// `field` of a document whose first message and variant `index`'s were swapped (what
/// "Try it on my site" sends to show that variant) as a field of the document as typed:
/// `message.text` is variant `index`'s text there, `variants[index].message.text` the
/// first variant's. Other fields stay.
pub fn unswapped_field(field: &str, index: usize) -> String {
    let other = message_prefix(index);
    match variant_of_field(field) {
        Some(0) if index > 0 => format!("{other}{}", &field["message".len()..]),
        Some(i) if i == index && index > 0 => format!("message{}", &field[other.len()..]),
        _ => field.to_owned(),
    }
}

/// A percentage as typed: a whole number, surrounding blanks ignored.
fn percent_of(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// The shares and the control as typed added up, when each is a whole number.
pub fn total(shares: &[String], control: &str) -> Option<i64> {
    let control = if control.trim().is_empty() { 0 } else { percent_of(control)? };
    shares.iter().map(|s| percent_of(s)).sum::<Option<i64>>().map(|sum| sum + control)
}

/// The split as typed, checked as the API checks it: `Ok(None)` for one variant and no
/// control group (no split), `Ok(Some(split))` otherwise, or the problem at the field the
/// API would name. An empty control reads as 0; a lone variant has no share of its own to
/// type: it takes what the control leaves.
pub fn check(shares: &[String], control: &str) -> Result<Option<Split>, Problem> {
    let control = if control.trim().is_empty() {
        0
    } else {
        percent_of(control).ok_or_else(|| Problem::at("controlPercent", Key::VarControlInvalid))?
    };
    let mut parsed = Vec::with_capacity(shares.len());
    if shares.len() == 1 {
        if control == 0 {
            return Ok(None);
        }
        parsed.push(100 - control);
    } else {
        for (index, share) in shares.iter().enumerate() {
            parsed.push(percent_of(share).ok_or_else(|| Problem::at(&share_field(index), Key::VarShareInvalid))?);
        }
    }
    Split::new(&parsed, control).map(Some).map_err(|refused| {
        let key = match refused.field.as_str() {
            "controlPercent" => Key::VarControlInvalid,
            "variants" => Key::VarTotal,
            _ => Key::VarShareInvalid,
        };
        Problem::at(&refused.field, key)
    })
}

/// The shares of `count` variants splitting evenly what a control group of `control`
/// percent leaves (the first variants take the remainder): what adding or removing a
/// variant proposes. A control that is not a number, or more than 90, counts as 0.
pub fn even_shares(count: usize, control: &str) -> Vec<String> {
    let count = count.clamp(1, MAX_VARIANTS);
    let control = percent_of(control).filter(|c| (0..=90).contains(c)).unwrap_or(0);
    let left = 100 - control;
    let each = left / count as i64;
    let extra = left % count as i64;
    (0..count as i64).map(|i| (each + i64::from(i < extra)).to_string()).collect()
}

/// A rate (0 to 1) in percent, to one decimal (`0.3333` → 33.3).
pub fn rate_percent(rate: f64) -> f64 {
    (rate * 1000.0).round() / 10.0
}

/// `x` rounded to `digits` decimals.
pub fn rounded(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// Below this a p-value is written "< 0.001".
pub const SMALLEST_P: f64 = 0.001;

/// How a p-value is written: cut (not rounded) to three decimals, so a p-value below the
/// 0.05 significance level never reads as 0.05 beside "significant"; "< 0.001" below that.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PText {
    Below(f64),
    About(f64),
}

pub fn p_text(p: f64) -> PText {
    if p < SMALLEST_P { PText::Below(SMALLEST_P) } else { PText::About((p * 1000.0).floor() / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[track_caller]
    fn refused(shares: &[&str], control: &str, field: &str, key: Key) {
        let problem = check(&texts(shares), control).unwrap_err();
        assert_eq!((problem.field.as_deref(), problem.key), (Some(field), key));
    }

    #[test]
    fn one_variant_and_no_control_group_is_no_split() {
        assert_eq!(check(&texts(&["100"]), "0"), Ok(None));
        assert_eq!(check(&texts(&["100"]), " "), Ok(None));
        // A lone variant's share is what the control leaves, whatever it held before.
        assert_eq!(check(&texts(&["7"]), "0"), Ok(None));
    }

    #[test]
    fn a_split_adding_up_to_100_is_the_cores_split() {
        let split = check(&texts(&["40", " 40 "]), "20").unwrap().unwrap();
        assert_eq!((split.shares(), split.control_percent()), (&[40, 40][..], 20));
        let holdout = check(&texts(&["100"]), "20").unwrap().unwrap();
        assert_eq!((holdout.shares(), holdout.control_percent()), (&[80][..], 20));
        refused(&["100"], "95", "controlPercent", Key::VarControlInvalid);
    }

    #[test]
    fn refusals_name_the_field_the_api_names() {
        refused(&["50", "40"], "20", "variants", Key::VarTotal);
        refused(&["50", "x"], "0", "variants[1].share", Key::VarShareInvalid);
        refused(&["50", ""], "0", "variants[1].share", Key::VarShareInvalid);
        refused(&["100", "0"], "0", "variants[1].share", Key::VarShareInvalid);
        refused(&["5", "5"], "95", "controlPercent", Key::VarControlInvalid);
        refused(&["50", "50"], "-1", "controlPercent", Key::VarControlInvalid);
        refused(&["50", "50"], "ten", "controlPercent", Key::VarControlInvalid);
        refused(&["25", "25", "25", "25"], "0", "variants", Key::VarTotal);
        // The same field names as the core's own check of a stored document.
        let core = Split::new(&[50, 40], 20).unwrap_err();
        assert_eq!(core.field, "variants");
    }

    #[test]
    fn the_total_is_shown_while_typing() {
        assert_eq!(total(&texts(&["40", "40"]), "20"), Some(100));
        assert_eq!(total(&texts(&["40", "45"]), ""), Some(85));
        assert_eq!(total(&texts(&["40", "?"]), "20"), None);
    }

    #[test]
    fn adding_a_variant_proposes_an_even_split_of_what_the_control_leaves() {
        assert_eq!(even_shares(2, "0"), ["50", "50"]);
        assert_eq!(even_shares(2, "20"), ["40", "40"]);
        assert_eq!(even_shares(3, "0"), ["34", "33", "33"]);
        assert_eq!(even_shares(3, "10"), ["30", "30", "30"]);
        assert_eq!(even_shares(1, "x"), ["100"]);
        for count in 1..=3 {
            let shares = even_shares(count, "15");
            assert!(check(&shares, "15").is_ok(), "{shares:?}");
        }
    }

    #[test]
    fn a_field_says_which_variants_message_input_it_names() {
        assert_eq!(variant_of_field("message.text"), Some(0));
        assert_eq!(variant_of_field("message"), Some(0));
        assert_eq!(variant_of_field("variants[1].message.sender.name"), Some(1));
        assert_eq!(variant_of_field("variants[2].message.buttons[0].url"), Some(2));
        assert_eq!(variant_of_field("variants[1].share"), None);
        assert_eq!(variant_of_field("variants"), None);
        assert_eq!(variant_of_field("messages"), None);
        assert_eq!(variant_of_field("name"), None);
        assert_eq!(message_prefix(0), "message");
        assert_eq!(message_prefix(2), "variants[2].message");
        assert_eq!((letter(0), letter(1), letter(2)), ('A', 'B', 'C'));
    }

    #[test]
    fn a_refusal_of_the_swapped_document_names_the_field_as_typed() {
        assert_eq!(unswapped_field("message.text", 2), "variants[2].message.text");
        assert_eq!(unswapped_field("variants[2].message.buttons[0].url", 2), "message.buttons[0].url");
        assert_eq!(unswapped_field("variants[1].message.text", 2), "variants[1].message.text");
        assert_eq!(unswapped_field("message.text", 0), "message.text");
        assert_eq!(unswapped_field("variants", 1), "variants");
    }

    #[test]
    fn figures_are_written_to_the_precision_a_marketer_reads() {
        assert_eq!(rate_percent(1.0 / 3.0), 33.3);
        assert_eq!(rate_percent(0.0), 0.0);
        assert_eq!(rate_percent(-0.0526), -5.3);
        assert_eq!(rounded(1.959_96, 2), 1.96);
        assert_eq!(p_text(0.049_99), PText::About(0.049), "below the level: never written 0.05");
        assert_eq!(p_text(0.05), PText::About(0.05));
        assert_eq!(p_text(0.123_9), PText::About(0.123));
        assert_eq!(p_text(0.000_2), PText::Below(0.001));
        assert_eq!(p_text(1.0), PText::About(1.0));
    }
}
