//! The files open in independent, widely used software: msoffcrypto-tool decrypts the
//! workbook (checking the password verifier and the data-integrity HMAC), openpyxl reads
//! it, pyzipper and 7-Zip open the AES ZIP. Our own decryption in the unit tests could
//! share a misreading of the spec with our encryption; these cannot.
//!
//! Needs the project's Python environment: `source scripts/lib.sh; ensure_pyenv`
//! (scripts/test runs it first). Without it these tests fail, never skip.

// A test's helpers panic on purpose: a failure here is the test's report.
#![allow(clippy::unwrap_used)]

mod common;
use common::random;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use kizuna_files::{CUT_MARK, Cell, MAX_CELL_UNITS, Sheet, encrypted_csv_zip, encrypted_workbook};
use serde_json::{Value, json};

const PASSWORD: &str = "顧客リスト-2026!";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> PathBuf {
    let python = root().join("target/pyenv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `source scripts/lib.sh; ensure_pyenv` (scripts/test does) to install \
         msoffcrypto-tool, openpyxl and pyzipper",
        python.display()
    );
    python
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap()
}

/// Writes `bytes` to a fresh file and runs open_file.py on it: (exit code, JSON printed).
fn open(kind: &str, name: &str, bytes: &[u8], password: &str) -> (i32, Value) {
    let dir = std::env::temp_dir().join(format!("kizuna-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new(python())
        .arg(root().join("tests/tools/open_file.py"))
        .args([kind, path.to_str().unwrap(), password])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!("open_file.py printed no JSON: {stdout}\n{}", String::from_utf8_lossy(&output.stderr))
    });
    (output.status.code().unwrap_or(-1), value)
}

fn long_text() -> String {
    "長い備考。".repeat(8_000) // 40,000 characters
}

fn sheets() -> Vec<Sheet> {
    vec![
        Sheet {
            name: "顧客".into(),
            columns: vec![
                "名前".into(),
                "メール".into(),
                "登録日時".into(),
                "購入回数".into(),
                "平均額".into(),
                "会員".into(),
                "備考".into(),
            ],
            rows: vec![
                vec![
                    Cell::from("山田 太郎"),
                    Cell::from("taro@example.jp"),
                    Cell::DateTime(at(2026, 12, 2, 9, 5, 30)),
                    Cell::Int(12),
                    Cell::Float(1234.5),
                    Cell::Bool(true),
                    Cell::from("=HYPERLINK(\"http://evil.example\",\"click\")"),
                ],
                vec![
                    Cell::from("鈴木 花子 😀"),
                    Cell::Empty,
                    Cell::DateTime(at(1999, 1, 31, 23, 59, 59)),
                    Cell::Int(-3),
                    Cell::Float(0.1),
                    Cell::Bool(false),
                    Cell::Text(long_text()),
                ],
            ],
        },
        Sheet {
            name: "Campaign results".into(),
            columns: vec!["campaign".into(), "sent".into(), "rate".into()],
            rows: vec![vec![Cell::from("+Winter sale"), Cell::Int(30_000), Cell::Float(0.0425)]],
        },
    ]
}

fn workbook() -> Vec<u8> {
    encrypted_workbook(&sheets(), PASSWORD, at(2026, 12, 2, 1, 0, 0), &mut random(0x1234_5678)).unwrap()
}

#[test]
fn the_workbook_opens_with_its_password_and_reads_back_every_value() {
    let (code, value) = open("xlsx", "customers.xlsx", &workbook(), PASSWORD);
    assert_eq!(code, 0, "{value}");
    let cut: String =
        long_text().chars().take(MAX_CELL_UNITS - CUT_MARK.chars().count()).collect::<String>() + CUT_MARK;
    let expected = json!({
        "sheets": {
            "顧客": [
                ["名前", "メール", "登録日時", "購入回数", "平均額", "会員", "備考"],
                ["山田 太郎", "taro@example.jp", "2026-12-02T09:05:30", 12, 1234.5, true,
                    "=HYPERLINK(\"http://evil.example\",\"click\")"],
                ["鈴木 花子 😀", null, "1999-01-31T23:59:59", -3, 0.1, false, cut],
            ],
            "Campaign results": [["campaign", "sent", "rate"], ["+Winter sale", 30000, 0.0425]],
        }
    });
    assert_eq!(value, expected);
}

#[test]
fn the_workbook_refuses_a_wrong_password() {
    let (code, value) = open("xlsx", "wrong.xlsx", &workbook(), "not the password");
    assert_eq!((code, &value["error"]), (3, &json!("password")), "{value}");
}

#[test]
fn a_tampered_workbook_fails_its_integrity_check() {
    let mut file = cfb::CompoundFile::open(Cursor::new(workbook())).unwrap();
    let mut stream = file.open_stream("EncryptedPackage").unwrap();
    let mut byte = [0u8];
    let inside = 8 + 100; // past the size prefix, inside the first segment
    stream.seek(SeekFrom::Start(inside)).unwrap();
    stream.read_exact(&mut byte).unwrap();
    stream.seek(SeekFrom::Start(inside)).unwrap();
    stream.write_all(&[byte[0] ^ 0x80]).unwrap();
    drop(stream);
    file.flush().unwrap();
    let tampered = file.into_inner().into_inner();
    let (code, value) = open("xlsx", "tampered.xlsx", &tampered, PASSWORD);
    assert_eq!((code, &value["error"]), (3, &json!("integrity")), "{value}");
}

fn csv_zip() -> Vec<u8> {
    let json = r#"{"campaign":"冬のセール","sent":30000}"#.as_bytes();
    encrypted_csv_zip(
        &sheets()[..1],
        &[("campaign.json", json)],
        PASSWORD,
        at(2026, 12, 2, 10, 0, 0),
        &mut random(0x1234_5678),
    )
    .unwrap()
}

#[test]
fn the_csv_zip_opens_in_pyzipper_with_its_password() {
    let (code, value) = open("zip", "export.zip", &csv_zip(), PASSWORD);
    assert_eq!(code, 0, "{value}");
    let csv = value["entries"]["顧客.csv"].as_str().unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "\u{feff}名前,メール,登録日時,購入回数,平均額,会員,備考");
    assert_eq!(
        lines[1],
        "山田 太郎,taro@example.jp,2026-12-02 09:05:30,12,1234.5,TRUE,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""
    );
    assert!(lines[2].starts_with("鈴木 花子 😀,,1999-01-31 23:59:59,-3,0.1,FALSE,長い備考。"));
    assert!(lines[2].ends_with(CUT_MARK));
    assert_eq!(value["entries"]["campaign.json"], json!(r#"{"campaign":"冬のセール","sent":30000}"#));
}

#[test]
fn the_csv_zip_refuses_a_wrong_password() {
    let (code, value) = open("zip", "wrong.zip", &csv_zip(), "not the password");
    assert_eq!((code, &value["error"]), (3, &json!("password")), "{value}");
}

#[test]
fn a_tampered_csv_zip_fails_its_authentication() {
    let zip = csv_zip();
    // The first entry: its local header (30 bytes), name, AE-2 extra field (11 bytes), then
    // salt (16), password verifier (2), ciphertext and the 10-byte authentication code.
    let name_len = usize::from(u16::from_le_bytes([zip[26], zip[27]]));
    let stored = u32::from_le_bytes(zip[18..22].try_into().unwrap()) as usize;
    let data = 30 + name_len + 11;
    for at in [data + 18 + 40, data + stored - 3] {
        let mut tampered = zip.clone();
        tampered[at] ^= 0x01;
        let (code, value) = open("zip", "tampered.zip", &tampered, PASSWORD);
        assert_eq!((code, &value["error"]), (3, &json!("integrity")), "byte {at}: {value}");
    }
}

/// 7-Zip, when installed (`ensure_pyenv` installs Debian's 7zip, whose command is 7zz on
/// bookworm and 7z later): `t` tests every entry, which needs the password.
#[test]
fn seven_zip_tests_the_archive_with_the_password_and_fails_without() {
    let Some(seven) = ["7z", "7zz"].into_iter().find(|c| Command::new(c).arg("i").output().is_ok()) else {
        panic!("7-Zip is missing: run `source scripts/lib.sh; ensure_pyenv`");
    };
    let dir = std::env::temp_dir().join(format!("kizuna-files-7z-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("export.zip");
    std::fs::write(&path, csv_zip()).unwrap();
    let test = |password: &str| {
        Command::new(seven).args(["t", &format!("-p{password}"), path.to_str().unwrap()]).output().unwrap()
    };
    let right = test(PASSWORD);
    assert!(right.status.success(), "{}", String::from_utf8_lossy(&right.stdout));
    let listing =
        Command::new(seven).args(["l", "-slt", &format!("-p{PASSWORD}"), path.to_str().unwrap()]).output().unwrap();
    assert!(String::from_utf8_lossy(&listing.stdout).contains("Method = AES-256 Deflate"));
    assert!(!test("not the password").status.success());
}
