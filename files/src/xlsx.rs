//! A workbook (.xlsx, SpreadsheetML) written row by row: the owner's download of
//! customers or campaign results, which the edge fills from D1 a page at a time.
//!
//! Our own minimal writer rather than `rust_xlsxwriter`: a sheet's rows go straight into
//! the deflater as they arrive (inline strings, no shared-strings table), so a 30,000-row
//! export never sits in memory as cells or as uncompressed XML; the bench
//! (`benches/workbook.rs`) measures its peak heap and time.
//!
//! Invariants: every text is a string cell that went through `cell::safe_text` (never a
//! formula, never over Excel's cell limit); the header row is bold and frozen; date-times
//! are numbers with the `yyyy-mm-dd hh:mm:ss` format, so Excel sorts and filters them as
//! dates; the package's only time is the caller's `created`.

use std::fmt::Write as _;

use chrono::NaiveDateTime;

use crate::FileError;
use crate::cell::{Cell, Target, safe_text};
use crate::zip::{Archive, Protection};

/// Excel's sheet size.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
/// Excel's sheet names: at most 31 characters, none of these, not empty, unique.
const MAX_SHEET_NAME: usize = 31;
const SHEET_NAME_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

/// Style indexes in `STYLES` (cellXfs).
const STYLE_DATE_TIME: u8 = 1;
const STYLE_HEADER: u8 = 2;

/// A whole sheet, for callers that already hold their rows (tests, small exports).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

struct OpenSheet {
    columns: usize,
    rows: u32,
}

/// Writes a workbook's package: `sheet` starts a sheet with its header row, `row` adds a
/// row to it, `finish` returns the .xlsx bytes (or `encrypted_workbook::finish` in
/// lib.rs, the password-protected file).
pub struct WorkbookWriter {
    archive: Archive,
    created: NaiveDateTime,
    sheets: Vec<String>,
    open: Option<OpenSheet>,
    line: Vec<u8>,
    number: String,
}

impl WorkbookWriter {
    /// `created` (UTC) is the workbook's creation time, shown in its properties and on
    /// every package entry.
    pub fn new(created: NaiveDateTime) -> Self {
        WorkbookWriter {
            archive: Archive::new(created),
            created,
            sheets: Vec::new(),
            open: None,
            line: Vec::with_capacity(4096),
            number: String::new(),
        }
    }

    /// Starts a sheet (ending the previous one) with `columns` as its bold, frozen
    /// header row. A name Excel would refuse is made acceptable: forbidden characters
    /// become `_`, it is cut to 31 characters, and a repeated name gets " (2)".
    pub fn sheet<S: AsRef<str>>(&mut self, name: &str, columns: &[S]) -> Result<(), FileError> {
        if columns.len() > MAX_COLUMNS {
            return Err(FileError::TooLarge);
        }
        self.end_sheet()?;
        let name = self.unique_sheet_name(name);
        self.sheets.push(name);
        let path = format!("xl/worksheets/sheet{}.xml", self.sheets.len());
        self.archive.begin(&path, Protection::Plain)?;
        self.archive.write(SHEET_START.as_bytes())?;
        self.open = Some(OpenSheet { columns: columns.len(), rows: 0 });
        let header: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.as_ref().to_owned())).collect();
        self.write_row(&header, Some(STYLE_HEADER))
    }

    /// Adds a data row to the open sheet. A row may be shorter than the header (the rest
    /// is empty) but not longer.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), FileError> {
        self.write_row(cells, None)
    }

    /// Ends the last sheet and returns the .xlsx package (unencrypted).
    pub fn finish(mut self) -> Result<Vec<u8>, FileError> {
        self.end_sheet()?;
        if self.sheets.is_empty() {
            return Err(FileError::Order("a workbook needs at least one sheet"));
        }
        let parts = Parts::new(&self.sheets, self.created);
        let archive = &mut self.archive;
        archive.entry("[Content_Types].xml", Protection::Plain, parts.content_types.as_bytes())?;
        archive.entry("_rels/.rels", Protection::Plain, ROOT_RELS.as_bytes())?;
        archive.entry("docProps/core.xml", Protection::Plain, parts.core.as_bytes())?;
        archive.entry("docProps/app.xml", Protection::Plain, APP.as_bytes())?;
        archive.entry("xl/workbook.xml", Protection::Plain, parts.workbook.as_bytes())?;
        archive.entry("xl/_rels/workbook.xml.rels", Protection::Plain, parts.workbook_rels.as_bytes())?;
        archive.entry("xl/styles.xml", Protection::Plain, STYLES.as_bytes())?;
        self.archive.finish()
    }

    fn write_row(&mut self, cells: &[Cell], style: Option<u8>) -> Result<(), FileError> {
        let Some(open) = self.open.as_mut() else {
            return Err(FileError::Order("a row was written before its sheet"));
        };
        if cells.len() > open.columns {
            return Err(FileError::RowTooLong { cells: cells.len(), columns: open.columns });
        }
        if open.rows == MAX_ROWS {
            return Err(FileError::TooLarge);
        }
        open.rows += 1;
        let row = open.rows;
        let line = &mut self.line;
        line.clear();
        let number = &mut self.number;
        number.clear();
        let _ = write!(number, "<row r=\"{row}\">");
        line.extend_from_slice(number.as_bytes());
        for (index, cell) in cells.iter().enumerate() {
            write_cell(line, number, index, row, cell, style);
        }
        line.extend_from_slice(b"</row>");
        self.archive.write(&self.line)
    }

    fn end_sheet(&mut self) -> Result<(), FileError> {
        if self.open.take().is_some() {
            self.archive.write(SHEET_END.as_bytes())?;
            self.archive.end()?;
        }
        Ok(())
    }

    fn unique_sheet_name(&self, wanted: &str) -> String {
        let cleaned: String =
            wanted.chars().map(|c| if SHEET_NAME_FORBIDDEN.contains(&c) || c.is_control() { '_' } else { c }).collect();
        // Excel refuses a name that starts or ends with an apostrophe.
        let cleaned = cleaned.trim_matches('\'');
        let base: String = cleaned.chars().take(MAX_SHEET_NAME).collect();
        let base = if base.trim().is_empty() { format!("Sheet{}", self.sheets.len() + 1) } else { base };
        let taken = |name: &str| self.sheets.iter().any(|s| s.to_lowercase() == name.to_lowercase());
        let mut name = base.clone();
        let mut n = 2;
        while taken(&name) {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME - suffix.chars().count();
            name = format!("{}{suffix}", base.chars().take(room).collect::<String>());
            n += 1;
        }
        name
    }
}

fn write_cell(line: &mut Vec<u8>, number: &mut String, index: usize, row: u32, cell: &Cell, style: Option<u8>) {
    number.clear();
    number.push_str("<c r=\"");
    column_name(number, index);
    let _ = write!(number, "{row}\"");
    if let Some(style) = style {
        let _ = write!(number, " s=\"{style}\"");
    }
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => text_cell(line, number, text),
        Cell::Int(value) => {
            let _ = write!(number, "><v>{value}</v></c>");
            line.extend_from_slice(number.as_bytes());
        }
        Cell::Float(value) if value.is_finite() => {
            // Debug prints the shortest exact form, with an exponent for very large or
            // small values, which xsd:double accepts.
            let _ = write!(number, "><v>{value:?}</v></c>");
            line.extend_from_slice(number.as_bytes());
        }
        Cell::Float(value) => text_cell(line, number, &value.to_string()),
        Cell::Bool(value) => {
            let _ = write!(number, " t=\"b\"><v>{}</v></c>", u8::from(*value));
            line.extend_from_slice(number.as_bytes());
        }
        Cell::DateTime(at) => match excel_serial(at) {
            Some(serial) => {
                if style.is_none() {
                    let _ = write!(number, " s=\"{STYLE_DATE_TIME}\"");
                }
                let _ = write!(number, "><v>{serial:?}</v></c>");
                line.extend_from_slice(number.as_bytes());
            }
            None => text_cell(line, number, &at.format(DATE_TIME_TEXT).to_string()),
        },
    }
}

/// How a date-time reads where it cannot be a number (CSV; dates before 1900).
pub(crate) const DATE_TIME_TEXT: &str = "%Y-%m-%d %H:%M:%S";

fn text_cell(line: &mut Vec<u8>, opening: &str, text: &str) {
    let text = safe_text(text, Target::Workbook);
    line.extend_from_slice(opening.as_bytes());
    line.extend_from_slice(b" t=\"inlineStr\"><is><t");
    // XML drops leading and trailing spaces and line breaks unless told to keep them.
    let keep = text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
    if keep {
        line.extend_from_slice(b" xml:space=\"preserve\"");
    }
    line.push(b'>');
    escape_xml(line, &text);
    line.extend_from_slice(b"</t></is></c>");
}

/// Excel's serial date: days since 1899-12-30, the time as a fraction. `None` before
/// 1900-03-01, where Excel's 1900 calendar (with its 29 February 1900) disagrees.
fn excel_serial(at: &NaiveDateTime) -> Option<f64> {
    let first = chrono::NaiveDate::from_ymd_opt(1900, 3, 1)?.and_hms_opt(0, 0, 0)?;
    if *at < first {
        return None;
    }
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let since = *at - epoch;
    let days = since.num_days();
    let rest = since - chrono::TimeDelta::days(days);
    let micros = rest.num_microseconds()?;
    Some(days as f64 + micros as f64 / 86_400_000_000.0)
}

/// 0 → A, 25 → Z, 26 → AA.
fn column_name(out: &mut String, index: usize) {
    let mut letters = [0u8; 3];
    let mut n = index + 1;
    let mut len = 0;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters[len] = b'A' + rem as u8;
        len += 1;
        n = (n - 1) / 26;
    }
    for &letter in letters[..len].iter().rev() {
        out.push(char::from(letter));
    }
}

/// Escapes for XML text and attributes. Characters XML 1.0 cannot carry (most control
/// characters) become U+FFFD, so a stray byte in customer data cannot break the file;
/// a carriage return is written as a reference so parsers keep it.
fn escape_xml(out: &mut Vec<u8>, text: &str) {
    let clean = text.bytes().all(|b| b >= 0x20 && !matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF));
    if clean {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    for ch in text.chars() {
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\r' => out.extend_from_slice(b"&#13;"),
            '\t' | '\n' => out.push(ch as u8),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.extend_from_slice("\u{fffd}".as_bytes()),
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

fn escaped(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    escape_xml(&mut out, text);
    String::from_utf8_lossy(&out).into_owned()
}

/// The package parts that name the sheets or the time.
struct Parts {
    content_types: String,
    core: String,
    workbook: String,
    workbook_rels: String,
}

impl Parts {
    fn new(sheets: &[String], created: NaiveDateTime) -> Self {
        let mut content_types = String::from(CONTENT_TYPES_START);
        let mut workbook = String::from(WORKBOOK_START);
        let mut workbook_rels = String::from(RELS_START);
        for (i, name) in sheets.iter().enumerate() {
            let n = i + 1;
            let _ = write!(
                content_types,
                "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            );
            let _ = write!(workbook, "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>", escaped(name));
            let _ = write!(
                workbook_rels,
                "<Relationship Id=\"rId{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
            );
        }
        content_types.push_str("</Types>");
        workbook.push_str("</sheets></workbook>");
        let _ = write!(
            workbook_rels,
            "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>",
            sheets.len() + 1
        );
        let stamp = created.format("%Y-%m-%dT%H:%M:%SZ");
        let core = format!(
            "{XML_DECLARATION}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:creator>Kizuna</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{stamp}</dcterms:modified></cp:coreProperties>"
        );
        Parts { content_types, core, workbook, workbook_rels }
    }
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Frozen header row; a default column width that shows a date-time in full.
const SHEET_START: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>",
    "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>",
    "<sheetFormatPr defaultColWidth=\"20\" defaultRowHeight=\"15\"/><sheetData>"
);
const SHEET_END: &str = "</sheetData></worksheet>";

const CONTENT_TYPES_START: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>",
    "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>",
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
);

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

const APP: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>Kizuna</Application></Properties>"
);

const WORKBOOK_START: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    "<bookViews><workbookView/></bookViews><sheets>"
);

const RELS_START: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
);

/// cellXfs: 0 plain, 1 date-time (`yyyy-mm-dd hh:mm:ss`), 2 bold header.
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/></numFmts>",
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>",
    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>",
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>",
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>",
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
    "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>",
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>",
    "</styleSheet>"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zip::tests::{at, list};
    use miniz_oxide::inflate::decompress_to_vec;

    fn part(xlsx: &[u8], name: &str) -> String {
        let entry = list(xlsx).into_iter().find(|e| e.name == name).unwrap();
        String::from_utf8(decompress_to_vec(&entry.stored).unwrap()).unwrap()
    }

    #[test]
    fn column_names_run_past_z() {
        for (index, name) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD")] {
            let mut out = String::new();
            column_name(&mut out, index);
            assert_eq!(out, name);
        }
    }

    #[test]
    fn serial_dates_count_from_1899_12_30() {
        assert_eq!(excel_serial(&at(1900, 3, 1, 0, 0, 0)), Some(61.0));
        assert_eq!(excel_serial(&at(2026, 12, 2, 12, 0, 0)), Some(46358.5));
        assert_eq!(excel_serial(&at(1900, 2, 28, 0, 0, 0)), None);
    }

    #[test]
    fn text_is_an_inline_string_never_a_formula() {
        let mut book = WorkbookWriter::new(at(2026, 12, 2, 10, 0, 0));
        book.sheet("顧客", &["名前"]).unwrap();
        book.row(&[Cell::from("=1+1")]).unwrap();
        let xlsx = book.finish().unwrap();
        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<c r=\"A2\" t=\"inlineStr\"><is><t>=1+1</t></is></c>"), "{sheet}");
        assert!(!sheet.contains("<f>"));
        assert!(sheet.contains("<c r=\"A1\" s=\"2\" t=\"inlineStr\"><is><t>名前</t></is></c>"));
    }

    #[test]
    fn markup_and_control_characters_cannot_break_the_xml() {
        let mut line = Vec::new();
        escape_xml(&mut line, "<a href=\"x\">&\u{1}\r\n</a>");
        assert_eq!(String::from_utf8(line).unwrap(), "&lt;a href=&quot;x&quot;&gt;&amp;\u{fffd}&#13;\n&lt;/a&gt;");
    }

    #[test]
    fn values_get_their_types_and_date_times_their_format() {
        let mut book = WorkbookWriter::new(at(2026, 12, 2, 10, 0, 0));
        book.sheet("s", &["a", "b", "c", "d", "e"]).unwrap();
        book.row(&[
            Cell::Int(-5),
            Cell::Float(0.1),
            Cell::Bool(true),
            Cell::Empty,
            Cell::DateTime(at(2026, 12, 2, 12, 0, 0)),
        ])
        .unwrap();
        let sheet = part(&book.finish().unwrap(), "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(
            "<row r=\"2\"><c r=\"A2\"><v>-5</v></c><c r=\"B2\"><v>0.1</v></c><c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"E2\" s=\"1\"><v>46358.5</v></c></row>"
        ), "{sheet}");
    }

    #[test]
    fn a_row_longer_than_the_header_is_refused() {
        let mut book = WorkbookWriter::new(at(2026, 12, 2, 10, 0, 0));
        book.sheet("s", &["a"]).unwrap();
        assert!(matches!(book.row(&[Cell::Int(1), Cell::Int(2)]), Err(FileError::RowTooLong { cells: 2, columns: 1 })));
    }

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        let mut book = WorkbookWriter::new(at(2026, 12, 2, 10, 0, 0));
        for name in ["a/b", "A/B", "", "'quoted'", "長い名前長い名前長い名前長い名前長い名前長い名前長い名前長い名前"]
        {
            book.sheet(name, &["x"]).unwrap();
        }
        assert_eq!(book.sheets[..4], ["a_b", "A_B (2)", "Sheet3", "quoted"]);
        assert_eq!(book.sheets[4].chars().count(), MAX_SHEET_NAME);
    }

    #[test]
    fn the_package_names_every_sheet_and_the_creation_time() {
        let mut book = WorkbookWriter::new(at(2026, 12, 2, 10, 0, 0));
        book.sheet("A&B", &["x"]).unwrap();
        book.sheet("C", &["x"]).unwrap();
        let xlsx = book.finish().unwrap();
        let workbook = part(&xlsx, "xl/workbook.xml");
        assert!(workbook.contains(
            "<sheet name=\"A&amp;B\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"C\" sheetId=\"2\" r:id=\"rId2\"/>"
        ));
        assert!(part(&xlsx, "xl/_rels/workbook.xml.rels").contains(
            "Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\""
        ));
        assert!(part(&xlsx, "[Content_Types].xml").contains("/xl/worksheets/sheet2.xml"));
        assert!(part(&xlsx, "docProps/core.xml").contains(">2026-12-02T10:00:00Z</dcterms:created>"));
    }

    #[test]
    fn a_workbook_without_sheets_is_refused() {
        assert!(WorkbookWriter::new(at(2026, 12, 2, 10, 0, 0)).finish().is_err());
    }
}
