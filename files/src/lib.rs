//! Kizuna's downloadable files: what owners take home (customer lists, campaign results),
//! always behind a password. A workbook is an .xlsx encrypted with Excel's own "password
//! to open" (ECMA-376 agile encryption); CSV and JSON go in an AES-256 ZIP (WinZip AE-2).
//!
//! Pure like `kizuna-shared`: no clock and no OS randomness (both panic or fail on wasm32
//! in the worker), so the time and a `Random` are parameters; the edge's queue consumer
//! passes the job's time and WebCrypto's random bytes. Rows are written as they come
//! (`WorkbookWriter`, `CsvZipWriter`), so the edge can feed D1 pages without holding an
//! export twice.
//!
//! Modules, bottom up: `cell` (the safe-text rule) and `random`; `zip` (the ZIP writer,
//! plain and AE-2); `xlsx` and `csv` (the formats); `agile` (the workbook's encryption);
//! this file (the entries the edge and the bench call).

mod agile;
mod cell;
mod csv;
mod random;
mod xlsx;
mod zip;

use chrono::NaiveDateTime;

pub use agile::encrypt;
pub use cell::{CUT_MARK, Cell, MAX_CELL_UNITS, Target, safe_text};
pub use csv::{BOM, CsvZipWriter, csv, write_record};
pub use random::Random;
pub use xlsx::{Sheet, WorkbookWriter};

/// Why a file could not be written. Every variant is the caller's or the data's fault
/// except `Container`/`Crypto`/`Deflate`, which would be a bug here.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the password is empty")]
    EmptyPassword,
    #[error("a row has {cells} cells but the sheet has {columns} columns")]
    RowTooLong { cells: usize, columns: usize },
    #[error("the file is too large for its format")]
    TooLarge,
    #[error("file name not allowed: {0}")]
    Name(String),
    #[error("out of order: {0}")]
    Order(&'static str),
    #[error("compound file: {0}")]
    Container(std::io::Error),
    #[error("encryption failed")]
    Crypto,
    #[error("compression failed")]
    Deflate,
}

impl WorkbookWriter {
    /// Ends the workbook and encrypts it with `password` (the file Excel asks a password
    /// to open). What the queue consumer calls after the last page of rows.
    pub fn finish_encrypted(self, password: &str, random: &mut dyn Random) -> Result<Vec<u8>, FileError> {
        if password.is_empty() {
            return Err(FileError::EmptyPassword);
        }
        let package = self.finish()?;
        encrypt(&package, password, random)
    }
}

/// A password-protected workbook of whole sheets (`created` in UTC). For rows that come
/// in pages, use `WorkbookWriter` and `finish_encrypted`, which this calls.
pub fn encrypted_workbook(
    sheets: &[Sheet],
    password: &str,
    created: NaiveDateTime,
    random: &mut dyn Random,
) -> Result<Vec<u8>, FileError> {
    let mut book = WorkbookWriter::new(created);
    for sheet in sheets {
        book.sheet(&sheet.name, &sheet.columns)?;
        for row in &sheet.rows {
            book.row(row)?;
        }
    }
    book.finish_encrypted(password, random)
}

/// An AES-256 ZIP with each sheet as `<name>.csv` and `files` (e.g. JSON) as they are.
/// For rows that come in pages, use `CsvZipWriter`, which this calls.
pub fn encrypted_csv_zip(
    sheets: &[Sheet],
    files: &[(&str, &[u8])],
    password: &str,
    modified: NaiveDateTime,
    random: &mut dyn Random,
) -> Result<Vec<u8>, FileError> {
    let mut zip = CsvZipWriter::new(password, modified)?;
    for sheet in sheets {
        zip.csv(&format!("{}.csv", sheet.name), &sheet.columns, random)?;
        for row in &sheet.rows {
            zip.row(row)?;
        }
    }
    for (name, bytes) in files {
        zip.file(name, bytes, random)?;
    }
    zip.finish()
}

/// An AES-256 ZIP (WinZip AE-2) of whole files.
pub fn aes_zip(
    entries: &[(&str, &[u8])],
    password: &str,
    modified: NaiveDateTime,
    random: &mut dyn Random,
) -> Result<Vec<u8>, FileError> {
    encrypted_csv_zip(&[], entries, password, modified, random)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::tests::Counter;
    use crate::zip::tests::at;

    #[test]
    fn a_workbook_round_trips_through_its_encryption() {
        let sheets =
            [Sheet { name: "顧客".into(), columns: vec!["名前".into()], rows: vec![vec![Cell::from("山田")]] }];
        let file = encrypted_workbook(&sheets, "pw", at(2026, 12, 2, 10, 0, 0), &mut Counter::default()).unwrap();
        let package = agile::reading::decrypt(&file, "pw").unwrap();
        assert!(package.starts_with(b"PK\x03\x04"));
        let names: Vec<String> = zip::tests::list(&package).into_iter().map(|e| e.name).collect();
        assert!(names.contains(&"xl/worksheets/sheet1.xml".to_owned()));
    }

    #[test]
    fn an_empty_password_is_refused_everywhere() {
        let when = at(2026, 12, 2, 10, 0, 0);
        assert!(matches!(encrypted_workbook(&[], "", when, &mut Counter::default()), Err(FileError::EmptyPassword)));
        assert!(matches!(aes_zip(&[], "", when, &mut Counter::default()), Err(FileError::EmptyPassword)));
    }
}
