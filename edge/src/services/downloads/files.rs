//! The one door to `kizuna-files`: the worker's clock and CSPRNG go in here, so the
//! writers stay pure, and a failure of either comes back as an error, never a weak file.

use crate::error::ApiError;
use crate::password::random_bytes;
use kizuna_files::Cell;
use kizuna_shared::download::FileKind;
use kizuna_shared::time::Millis;

/// The worker's randomness (WebCrypto) for one file: the writers ask for bytes through
/// a call that cannot fail, so a failure is kept here and turns the whole file into an
/// error, never a file keyed with weak bytes.
#[derive(Default)]
pub struct Random {
    failed: Option<ApiError>,
}

impl kizuna_files::Random for Random {
    fn fill(&mut self, buf: &mut [u8]) {
        match random_bytes(buf.len()) {
            Ok(bytes) => buf.copy_from_slice(&bytes),
            Err(err) => {
                buf.fill(0);
                self.failed.get_or_insert(err);
            }
        }
    }
}

impl Random {
    /// The file, unless randomness failed while it was written.
    pub fn check<T>(self, file: T) -> Result<T, ApiError> {
        match self.failed {
            Some(err) => Err(err),
            None => Ok(file),
        }
    }
}

/// `at` as the wall-clock time of a zone `offset_minutes` from UTC.
pub fn local(at: Millis, offset_minutes: i32) -> chrono::NaiveDateTime {
    let shifted = at + i64::from(offset_minutes) * 60_000;
    chrono::DateTime::from_timestamp_millis(shifted).unwrap_or_default().naive_utc()
}

/// A time cell in the channel's zone; empty without a time.
pub fn time_cell(at: Option<Millis>, zone: &kizuna_shared::schedule::Zone) -> Cell {
    match at {
        Some(at) => Cell::DateTime(local(at, zone.offset_minutes_at(at))),
        None => Cell::Empty,
    }
}

pub fn text_cell(text: Option<&str>) -> Cell {
    text.map_or(Cell::Empty, |t| Cell::Text(t.to_owned()))
}

/// The file name a download gets.
pub fn file_name(stem: &str, kind: FileKind) -> String {
    format!("{stem}.{}", kind.extension())
}

pub fn file_error(err: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("writing the file failed: {err}"))
}
