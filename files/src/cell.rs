//! One cell of a downloaded table, and the one rule that makes its text safe in any
//! format: text stays text (never a formula) and fits Excel's 32,767 characters per cell.
//!
//! Invariant: every text that reaches a file went through [`safe_text`], so a customer's
//! name such as `=HYPERLINK(…)` cannot run in the owner's spreadsheet (OWASP "CSV
//! injection"), and no cell is longer than Excel accepts (it would refuse the file or
//! cut silently).

use std::borrow::Cow;

use chrono::NaiveDateTime;

/// A value in a row. `DateTime` is already in the channel's zone: files carry no zone.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

/// Where a text goes: a workbook writes it as a string cell (never a formula), a CSV
/// file has no types, so a spreadsheet would read `=1+1` as a formula unless escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Workbook,
    Csv,
}

/// Excel's limit, counted in UTF-16 units (what Excel counts).
pub const MAX_CELL_UNITS: usize = 32_767;

/// Marks a value that was cut to fit a cell.
pub const CUT_MARK: &str = "…[cut]";

/// The first characters that make a spreadsheet read a CSV field as a formula (OWASP):
/// `=`, `+`, `-`, `@`, and tab and carriage return, which some programs skip before them.
fn starts_like_formula(text: &str) -> bool {
    matches!(text.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// The text as it is written to `target`: for CSV a formula-looking text gets a leading
/// `'` (which spreadsheets show as "this is text" and do not display); any text longer
/// than [`MAX_CELL_UNITS`] UTF-16 units (prefix included) is cut on a character boundary
/// and ends with [`CUT_MARK`]. Borrows when nothing changes, which is nearly always.
pub fn safe_text(text: &str, target: Target) -> Cow<'_, str> {
    let prefix = if target == Target::Csv && starts_like_formula(text) { "'" } else { "" };
    let units = prefix.len() + utf16_len(text);
    if units <= MAX_CELL_UNITS {
        return if prefix.is_empty() { Cow::Borrowed(text) } else { Cow::Owned(format!("{prefix}{text}")) };
    }
    let room = MAX_CELL_UNITS - prefix.len() - utf16_len(CUT_MARK);
    let mut used = 0;
    let mut end = 0;
    for (at, ch) in text.char_indices() {
        if used + ch.len_utf16() > room {
            break;
        }
        used += ch.len_utf16();
        end = at + ch.len_utf8();
    }
    let mut out = String::with_capacity(prefix.len() + end + CUT_MARK.len());
    out.push_str(prefix);
    out.push_str(&text[..end]);
    out.push_str(CUT_MARK);
    Cow::Owned(out)
}

fn utf16_len(text: &str) -> usize {
    // ASCII-only text (most values) is one unit per byte; skip the per-char walk.
    if text.is_ascii() { text.len() } else { text.chars().map(char::len_utf16).sum() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, target: Target, expected: &str) {
        assert_eq!(safe_text(text, target), expected);
    }

    #[test]
    fn csv_text_starting_like_a_formula_gets_a_quote() {
        for text in ["=1+1", "+81 90", "-5", "@SUM(A1)", "\tx", "\rx"] {
            check(text, Target::Csv, &format!("'{text}"));
        }
    }

    #[test]
    fn workbook_text_is_left_as_is_since_it_is_a_string_cell() {
        check("=HYPERLINK(\"x\")", Target::Workbook, "=HYPERLINK(\"x\")");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        assert!(matches!(safe_text("山田 太郎", Target::Csv), Cow::Borrowed(_)));
        check("a=b", Target::Csv, "a=b");
    }

    #[test]
    fn text_at_the_limit_is_not_cut() {
        let text = "a".repeat(MAX_CELL_UNITS);
        check(&text, Target::Workbook, &text);
    }

    #[test]
    fn long_text_is_cut_to_the_limit_and_marked() {
        let text = "a".repeat(40_000);
        let out = safe_text(&text, Target::Workbook);
        assert_eq!(utf16_len(&out), MAX_CELL_UNITS);
        assert!(out.ends_with(CUT_MARK));
    }

    #[test]
    fn cut_counts_utf16_units_and_never_splits_an_emoji() {
        // Each emoji is two UTF-16 units, four UTF-8 bytes.
        let text = "😀".repeat(20_000);
        let out = safe_text(&text, Target::Workbook);
        assert!(utf16_len(&out) <= MAX_CELL_UNITS);
        let kept = out.strip_suffix(CUT_MARK).unwrap();
        assert!(kept.chars().all(|c| c == '😀'));
        // The mark is 6 units: 32,761 units of room hold 16,380 emoji.
        assert_eq!(kept.chars().count(), (MAX_CELL_UNITS - utf16_len(CUT_MARK)) / 2);
    }

    #[test]
    fn japanese_is_one_unit_per_character() {
        let text = "日".repeat(MAX_CELL_UNITS + 1);
        let out = safe_text(&text, Target::Workbook);
        assert_eq!(utf16_len(&out), MAX_CELL_UNITS);
    }

    #[test]
    fn csv_quote_counts_toward_the_limit() {
        let text = format!("={}", "a".repeat(MAX_CELL_UNITS));
        let out = safe_text(&text, Target::Csv);
        assert!(out.starts_with("'="));
        assert_eq!(utf16_len(&out), MAX_CELL_UNITS);
    }
}
