//! Enforces the core's invariant from the outside: `kizuna-shared` may not depend,
//! directly or through another crate, on anything that does I/O or touches the host
//! (the Workers runtime, the browser, wasm-bindgen), so it stays pure and runs natively.

use std::process::Command;

const FORBIDDEN: &[&str] = &[
    "worker",
    "worker-sys",
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "wasm-bindgen-futures",
    "gloo-timers",
    "getrandom",
    "tokio",
    "reqwest",
    "rusqlite",
];

#[test]
fn shared_depends_on_no_io_or_host_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["tree", "--offline", "-p", "kizuna-shared", "-e", "normal", "--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    let crates: Vec<&str> = tree.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(crates.contains(&"kizuna-shared"), "unexpected cargo tree output: {tree}");
    let found: Vec<&&str> = crates.iter().filter(|name| FORBIDDEN.contains(name)).collect();
    assert!(found.is_empty(), "shared/ must stay pure, but depends on {found:?}");
}

/// Every `.rs` file under `dir`, in every folder, sorted.
#[allow(clippy::expect_used)]
fn sources(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn shared_reads_no_clock() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&src);
    // Code moved into a folder must not escape the scan.
    assert!(files.iter().any(|f| f.ends_with("deliver/tests.rs")), "the scan reads subfolders: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("source is text");
        for banned in ["SystemTime", "Instant::now", "std::net", "std::fs"] {
            assert!(!text.contains(banned), "{} mentions {banned}", path.display());
        }
    }
}
