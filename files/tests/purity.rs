//! The crate's invariant from the outside: randomness and time are parameters. No crate
//! that asks the OS for randomness may enter its tree (getrandom needs a JS backend the
//! worker does not configure), and no source reads a clock (`SystemTime::now` panics on
//! wasm32). The one clock in the tree is `cfb`'s, through `web-time`, which it reads when
//! it creates a storage; agile.rs restamps those, and its test
//! `the_file_depends_only_on_its_inputs_not_on_a_clock` shows no time leaks.

use std::process::Command;

const FORBIDDEN: &[&str] = &["getrandom", "rand", "rand_core", "ring", "tokio", "worker", "web-sys"];

fn tree(target: Option<&str>) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut args =
        vec!["tree", "--offline", "-p", "kizuna-files", "-e", "normal", "--prefix", "none", "--format", "{p}"];
    if let Some(target) = target {
        args.extend(["--target", target]);
    }
    let out = Command::new(cargo).args(&args).current_dir(env!("CARGO_MANIFEST_DIR")).output();
    let Ok(out) = out else { panic!("cargo tree did not run") };
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout).into_owned();
    let crates: Vec<String> =
        tree.lines().filter_map(|line| line.split_whitespace().next()).map(String::from).collect();
    assert!(crates.iter().any(|c| c == "kizuna-files"), "unexpected cargo tree output: {tree}");
    crates
}

#[test]
fn files_takes_no_randomness_from_the_os_on_any_target() {
    for target in [None, Some("wasm32-unknown-unknown")] {
        let found: Vec<String> = tree(target).into_iter().filter(|c| FORBIDDEN.contains(&c.as_str())).collect();
        assert!(found.is_empty(), "kizuna-files ({target:?}) depends on {found:?}");
    }
}

#[test]
fn files_reads_no_clock() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let Ok(entries) = std::fs::read_dir(&src) else { panic!("{} is not readable", src.display()) };
    let mut read = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        read += 1;
        // `touch` is cfb's "stamp with the clock".
        for banned in ["::now(", "Instant", "getrandom", "OsRng", ".touch("] {
            assert!(!text.contains(banned), "{} mentions {banned}", path.display());
        }
    }
    assert!(read >= 7, "the scan read {read} files");
}
