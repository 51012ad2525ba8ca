//! The owner's biggest download: 30,000 customers × 20 columns (15 built-in fields and 5
//! custom ones, Japanese names, emails, date-times), written a D1 page at a time through
//! the API the edge's queue consumer calls (`WorkbookWriter` → `finish_encrypted`), then
//! the encryption alone, the unencrypted package alone, and the same rows as a CSV in an
//! AES ZIP. Budget: build + encrypt well under 2 s and at most 64 MB at peak.
//!
//! Peak memory: the workspace forbids `unsafe` (so no counting `#[global_allocator]`,
//! whose trait is unsafe to implement); instead the bench runs itself once per case in a
//! child process and reads the kernel's peak resident size (`VmHWM` in
//! /proc/self/status), less the resident size before the work. Resident memory includes
//! everything the heap holds, so it bounds the heap's peak from above.
//! `scripts/bench workbook` runs this and prints criterion's medians.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;
use common::random;
use std::hint::black_box;
use std::process::Command;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use criterion::Criterion;
use kizuna_files::{Cell, CsvZipWriter, WorkbookWriter, encrypt};

const ROWS: usize = 30_000;
/// Rows per D1 page the edge reads.
const PAGE: usize = 500;
const PASSWORD: &str = "owner-export-パスワード";
const PEAK_ENV: &str = "KIZUNA_FILES_PEAK";

const FAMILY: [&str; 10] = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"];
const GIVEN: [&str; 8] = ["太郎", "花子", "翔太", "美咲", "大輔", "陽菜", "健太", "さくら"];
const KANA: [&str; 8] = ["タロウ", "ハナコ", "ショウタ", "ミサキ", "ダイスケ", "ヒナ", "ケンタ", "サクラ"];
const PREFECTURES: [&str; 6] = ["東京都", "大阪府", "神奈川県", "愛知県", "福岡県", "北海道"];
const RANKS: [&str; 4] = ["ブロンズ", "シルバー", "ゴールド", "プラチナ"];

fn columns() -> Vec<String> {
    [
        "顧客ID",
        "名前",
        "フリガナ",
        "メール",
        "電話",
        "性別",
        "誕生日",
        "都道府県",
        "市区町村",
        "初回訪問",
        "最終訪問",
        "訪問回数",
        "購入回数",
        "累計購入額",
        "メール配信",
        // custom fields
        "会員ランク",
        "ポイント",
        "好きなカテゴリ",
        "スコア",
        "メモ",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn base() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

fn customer(i: usize) -> Vec<Cell> {
    let n = i as i64;
    let first = base() + TimeDelta::seconds(n * 977);
    vec![
        Cell::Text(format!("c_{i:08}")),
        Cell::Text(format!("{} {}", FAMILY[i % 10], GIVEN[i % 8])),
        Cell::Text(KANA[i % 8].to_owned()),
        Cell::Text(format!("customer{i}@example.jp")),
        Cell::Text(format!("090-{:04}-{:04}", i % 10_000, (i * 7) % 10_000)),
        Cell::Text(if i.is_multiple_of(2) { "女性" } else { "男性" }.to_owned()),
        Cell::DateTime(
            NaiveDate::from_ymd_opt(1960 + (i % 45) as i32, 1 + (i % 12) as u32, 1 + (i % 28) as u32)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        ),
        Cell::Text(PREFECTURES[i % 6].to_owned()),
        Cell::Text(format!("第{}区", i % 23 + 1)),
        Cell::DateTime(first),
        Cell::DateTime(first + TimeDelta::seconds(n * 131 % 8_000_000)),
        Cell::Int(n % 97 + 1),
        Cell::Int(n % 13),
        Cell::Float((n % 5000) as f64 * 123.5),
        Cell::Bool(!i.is_multiple_of(3)),
        Cell::Text(RANKS[i % 4].to_owned()),
        Cell::Int(n * 37 % 100_000),
        Cell::Text(["ファッション", "食品", "家電", "コスメ"][i % 4].to_owned()),
        Cell::Float((n % 1000) as f64 / 7.0),
        if i.is_multiple_of(5) { Cell::Text(format!("問い合わせ済み ({i})")) } else { Cell::Empty },
    ]
}

/// A page of rows as the edge has them after one D1 read.
fn page(start: usize) -> Vec<Vec<Cell>> {
    (start..(start + PAGE).min(ROWS)).map(customer).collect()
}

fn created() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(1, 0, 0).unwrap()
}

fn package() -> WorkbookWriter {
    let mut book = WorkbookWriter::new(created());
    book.sheet("顧客", &columns()).unwrap();
    for start in (0..ROWS).step_by(PAGE) {
        for row in page(start) {
            book.row(&row).unwrap();
        }
    }
    book
}

/// What the queue consumer does: pages of rows in, the encrypted workbook out.
fn encrypted_workbook() -> Vec<u8> {
    package().finish_encrypted(PASSWORD, &mut random(42)).unwrap()
}

fn csv_zip() -> Vec<u8> {
    let mut zip = CsvZipWriter::new(PASSWORD, created()).unwrap();
    let mut random = random(42);
    zip.csv("顧客.csv", &columns(), &mut random).unwrap();
    for start in (0..ROWS).step_by(PAGE) {
        for row in page(start) {
            zip.row(&row).unwrap();
        }
    }
    zip.finish().unwrap()
}

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// In the child: one run of `case`, then "before_kb peak_kb bytes" on stdout.
fn measure_peak(case: &str) {
    let before = status_kb("VmRSS:");
    let bytes = match case {
        "workbook" => encrypted_workbook(),
        "package" => package().finish().unwrap(),
        "csv_zip" => csv_zip(),
        other => panic!("unknown case {other}"),
    };
    println!("{before} {} {}", status_kb("VmHWM:"), bytes.len());
}

fn peaks() -> Vec<(String, f64, usize)> {
    let exe = std::env::current_exe().unwrap();
    ["workbook", "package", "csv_zip"]
        .into_iter()
        .map(|case| {
            let output = Command::new(&exe).env(PEAK_ENV, case).output().unwrap();
            let text = String::from_utf8(output.stdout).unwrap();
            let numbers: Vec<u64> = text.split_whitespace().map(|n| n.parse().unwrap()).collect();
            let [before, peak, bytes] = numbers[..] else { panic!("child printed {text}") };
            (case.to_owned(), (peak - before) as f64 / 1024.0, bytes as usize)
        })
        .collect()
}

fn main() {
    if let Ok(case) = std::env::var(PEAK_ENV) {
        measure_peak(&case);
        return;
    }
    let peaks = peaks();

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let mut group = c.benchmark_group("workbook");
    group.bench_function("build_and_encrypt_30000", |b| b.iter(|| black_box(encrypted_workbook())));
    group.bench_function("build_package_30000", |b| b.iter(|| black_box(package().finish().unwrap())));
    let plain = package().finish().unwrap();
    group.bench_function("encrypt_only", |b| {
        b.iter(|| black_box(encrypt(black_box(&plain), PASSWORD, created(), &mut random(42)).unwrap()))
    });
    group.bench_function("csv_zip_30000", |b| b.iter(|| black_box(csv_zip())));
    group.finish();
    c.final_summary();

    println!();
    println!("### Peak memory, one run in a fresh process ({ROWS} rows × 20 columns, pages of {PAGE})");
    println!();
    println!("| case | peak resident growth | file size |");
    println!("|---|---:|---:|");
    for (case, mb, bytes) in peaks {
        println!("| {case} | {mb:.1} MB | {:.2} MB |", bytes as f64 / 1_048_576.0);
    }
}
