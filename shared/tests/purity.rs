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

#[test]
fn shared_reads_no_clock() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(src).expect("src is readable") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source is text");
        for banned in ["SystemTime", "Instant::now", "std::net", "std::fs"] {
            assert!(!text.contains(banned), "{} mentions {banned}", path.display());
        }
    }
}
