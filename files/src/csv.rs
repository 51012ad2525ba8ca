//! CSV as Excel in Japan opens it: UTF-8 with a byte-order mark (without it Excel reads
//! Shift_JIS and garbles Japanese), RFC 4180 quoting, CRLF line ends, and the safe-text
//! rule of `cell.rs` (a formula-looking text gets a leading `'`; long texts are cut).
//!
//! Files go straight into an AES-256 ZIP (`CsvZipWriter`), row by row, so the edge can
//! feed pages of D1 rows without holding the whole text.

use std::fmt::Write as _;

use chrono::NaiveDateTime;

use crate::FileError;
use crate::cell::{Cell, Target, safe_text};
use crate::random::Random;
use crate::xlsx::DATE_TIME_TEXT;
use crate::zip::{Archive, Protection, aes_salt};

/// UTF-8's byte-order mark, which tells Excel the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Appends one CSV record (with its CRLF) to `out`.
pub fn write_record(out: &mut Vec<u8>, cells: &[Cell]) {
    let mut number = String::new();
    for (index, cell) in cells.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        number.clear();
        match cell {
            Cell::Text(text) => write_field(out, &safe_text(text, Target::Csv)),
            Cell::Int(value) => {
                let _ = write!(number, "{value}");
            }
            Cell::Float(value) => {
                let _ = write!(number, "{value}");
            }
            Cell::Bool(value) => number.push_str(if *value { "TRUE" } else { "FALSE" }),
            Cell::DateTime(at) => {
                let _ = write!(number, "{}", at.format(DATE_TIME_TEXT));
            }
            Cell::Empty => {}
        }
        out.extend_from_slice(number.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
}

/// RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
fn write_field(out: &mut Vec<u8>, text: &str) {
    if !text.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for part in text.split_inclusive('"') {
        out.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// A whole CSV file (BOM, header, rows) in memory.
pub fn csv<S: AsRef<str>>(columns: &[S], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = BOM.to_vec();
    let header: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.as_ref().to_owned())).collect();
    write_record(&mut out, &header);
    for row in rows {
        write_record(&mut out, row);
    }
    out
}

/// An AES-256 ZIP of CSV files (and any other files, e.g. JSON), written entry by entry:
/// `csv` starts a CSV file with its header, `row` adds records, `file` adds a whole
/// file, `finish` returns the archive.
pub struct CsvZipWriter {
    archive: Archive,
    password: String,
    open: bool,
    line: Vec<u8>,
}

impl CsvZipWriter {
    /// Every entry is encrypted with `password` (refused when empty) and dated `modified`
    /// (the owner's local time: ZIP stores no zone).
    pub fn new(password: &str, modified: NaiveDateTime) -> Result<Self, FileError> {
        if password.is_empty() {
            return Err(FileError::EmptyPassword);
        }
        Ok(CsvZipWriter {
            archive: Archive::new(modified),
            password: password.to_owned(),
            open: false,
            line: Vec::new(),
        })
    }

    /// Starts the CSV file `name` (ending the previous one) with its header row.
    pub fn csv<S: AsRef<str>>(&mut self, name: &str, columns: &[S], random: &mut dyn Random) -> Result<(), FileError> {
        self.end_csv()?;
        let salt = aes_salt(random);
        self.archive.begin(name, Protection::Aes { password: &self.password, salt })?;
        self.open = true;
        self.archive.write(BOM)?;
        let header: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.as_ref().to_owned())).collect();
        self.row(&header)
    }

    /// Adds a record to the open CSV file.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), FileError> {
        if !self.open {
            return Err(FileError::Order("a CSV row was written before its file"));
        }
        self.line.clear();
        write_record(&mut self.line, cells);
        self.archive.write(&self.line)
    }

    /// Adds a whole file (ending an open CSV file first).
    pub fn file(&mut self, name: &str, bytes: &[u8], random: &mut dyn Random) -> Result<(), FileError> {
        self.end_csv()?;
        let salt = aes_salt(random);
        self.archive.entry(name, Protection::Aes { password: &self.password, salt }, bytes)
    }

    /// Ends the last file and returns the archive.
    pub fn finish(mut self) -> Result<Vec<u8>, FileError> {
        self.end_csv()?;
        self.archive.finish()
    }

    fn end_csv(&mut self) -> Result<(), FileError> {
        if std::mem::take(&mut self.open) {
            self.archive.end()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::tests::Counter;
    use crate::zip::tests::{at, list, open_aes};

    #[track_caller]
    fn check(cells: &[Cell], expected: &str) {
        let mut out = Vec::new();
        write_record(&mut out, cells);
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn plain_fields_are_written_as_they_are() {
        check(
            &[Cell::from("山田"), Cell::Int(-5), Cell::Float(1.5), Cell::Bool(true), Cell::Empty],
            "山田,-5,1.5,TRUE,\r\n",
        );
    }

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted() {
        check(
            &[Cell::from("a,b"), Cell::from("say \"hi\""), Cell::from("two\r\nlines"), Cell::from("x\ny")],
            "\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"x\ny\"\r\n",
        );
    }

    #[test]
    fn formula_looking_text_is_escaped_but_numbers_are_not() {
        check(&[Cell::from("=1+1"), Cell::from("-5"), Cell::Int(-5), Cell::from("@x,y")], "'=1+1,'-5,-5,\"'@x,y\"\r\n");
    }

    #[test]
    fn date_times_are_written_without_zone() {
        check(&[Cell::DateTime(at(2026, 12, 2, 9, 5, 0))], "2026-12-02 09:05:00\r\n");
    }

    #[test]
    fn a_file_starts_with_the_bom_and_its_header() {
        let file = csv(&["名前", "メール"], &[vec![Cell::from("山田"), Cell::from("a@example.com")]]);
        assert!(file.starts_with(BOM));
        assert_eq!(std::str::from_utf8(&file[3..]).unwrap(), "名前,メール\r\n山田,a@example.com\r\n");
    }

    #[test]
    fn the_zip_holds_each_file_encrypted() {
        let mut zip = CsvZipWriter::new("pw", at(2026, 12, 2, 9, 0, 0)).unwrap();
        let mut random = Counter::default();
        zip.csv("顧客.csv", &["名前"], &mut random).unwrap();
        zip.row(&[Cell::from("山田")]).unwrap();
        zip.file("campaign.json", b"{\"a\":1}", &mut random).unwrap();
        let bytes = zip.finish().unwrap();
        let listed = list(&bytes);
        assert_eq!(listed.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["顧客.csv", "campaign.json"]);
        assert_eq!(open_aes(&listed[0], "pw").unwrap(), "\u{feff}名前\r\n山田\r\n".as_bytes());
        assert_eq!(open_aes(&listed[1], "pw").unwrap(), b"{\"a\":1}");
        assert_ne!(listed[0].stored[..16], listed[1].stored[..16], "each entry has its own salt");
    }

    #[test]
    fn an_empty_password_is_refused() {
        assert!(matches!(CsvZipWriter::new("", at(2026, 1, 1, 0, 0, 0)), Err(FileError::EmptyPassword)));
    }
}
