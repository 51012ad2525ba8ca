//! The shape of `shared/src`, `edge/src` and `www/console/src`, held by a test. In `shared/src` the
//! top-level modules (a folder counts as one) import each other in layers, with no
//! circle, and nothing below the boundary shapes (`store`, `wire`) imports them. In
//! `edge/src` (read as text) there is no circle either, the store imports nothing of the
//! edge, only the route table imports the handlers (`api`), and the services import
//! neither the handlers nor the Durable Object. `module_graph` is the parser; its own
//! tests below run it on small sources so this test cannot pass by reading nothing.

mod module_graph;

use module_graph::{Graph, circles, describe_circles, graph_of, imported_tops, read_crate};
use std::collections::BTreeSet;

/// `shared/src`'s layers, bottom first; a module may import its own layer and those
/// below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "L0 primitives",
        &[
            "account",
            "account_mail",
            "event",
            "format",
            "identity",
            "ids",
            "invalid",
            "schedule",
            "session",
            "text",
            "time",
            "user_agent",
            "visitor_token",
        ],
    ),
    ("L1 fields", &["field"]),
    ("L1 filters", &["filter"]),
    (
        "L2 domain",
        &[
            "bulk",
            "campaign",
            "channel",
            "counting",
            "deliver",
            "download",
            "outbound",
            "permission",
            "profile",
            "stats",
        ],
    ),
    ("L3 boundary shapes", &["store", "wire"]),
    ("L4 presentation", &["render"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| modules.contains(&module))
}

fn shared() -> Graph {
    read_crate(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn shared_has_no_import_circle() {
    let graph = shared();
    let found = describe_circles(&graph);
    assert!(found.is_empty(), "import circles in shared/src:\n{}", found.join("\n"));
}

#[test]
fn every_module_of_shared_has_a_layer() {
    let graph = shared();
    let unplaced: Vec<&String> = graph.modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(unplaced.is_empty(), "give these modules a layer in tests/layers.rs: {unplaced:?}");
    assert!(graph.edge_list().len() > 20, "the parser found too few imports: {:?}", graph.edge_list());
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let graph = shared();
    let mut wrong = Vec::new();
    for (from, to) in graph.edge_list() {
        if let (Some(a), Some(b)) = (layer_of(from), layer_of(to))
            && b > a
        {
            wrong.push(format!("{from} ({}) → {to} ({})", LAYERS[a].0, LAYERS[b].0));
        }
    }
    assert!(wrong.is_empty(), "imports that go up the layers:\n{}", wrong.join("\n"));
}

#[test]
fn the_domain_never_reaches_the_stored_or_wire_shapes() {
    let graph = shared();
    let boundary = ["store", "wire"];
    for module in graph.modules.iter().filter(|m| layer_of(m).is_some_and(|l| l < 4)) {
        for to in graph.imports(module) {
            assert!(!boundary.contains(&to.as_str()), "{module} imports {to}, a boundary shape");
        }
    }
}

// The parser itself, on small sources.

fn tops(module: &[&str], text: &str) -> Vec<String> {
    let module: Vec<String> = module.iter().map(|m| (*m).to_owned()).collect();
    imported_tops(&module, text).into_iter().collect()
}

#[track_caller]
fn check(module: &[&str], text: &str, expected: &[&str]) {
    assert_eq!(tops(module, text), expected, "in {module:?}:\n{text}");
}

#[test]
fn a_use_line_counts() {
    check(&["a"], "use crate::b::Thing;", &["b"]);
}

#[test]
fn a_grouped_use_counts_every_part() {
    check(&["a"], "use crate::{b, c::{D, e::F}, self};", &["b", "c"]);
}

#[test]
fn a_path_in_an_expression_counts() {
    check(&["a"], "fn f() { let x = crate::http::json(1); }", &["http"]);
}

#[test]
fn super_resolves_relative_to_the_file() {
    check(&["a"], "use super::b::X;", &["b"]);
    check(&["a", "inner"], "use super::X;", &["a"]);
    check(&["a", "inner", "deep"], "use super::super::super::c::X;", &["c"]);
}

#[test]
fn comments_strings_and_test_code_do_not_count() {
    let text = r##"
        // use crate::commented;
        /* crate::blocked */
        const S: &str = "crate::quoted";
        const R: &str = r#"crate::raw"#;
        fn f<'a>(x: &'a str) -> char { 'c' }
        use crate::real;
        #[cfg(test)]
        mod tests { use crate::fixture; }
    "##;
    check(&["a"], text, &["real"]);
}

#[test]
fn a_folder_counts_as_one_module_and_a_circle_is_found() {
    let graph = graph_of(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c;"),
        ("a/mod.rs", "mod inner; use crate::b::X;"),
        ("a/inner.rs", "use super::super::c::Y; use super::Z;"),
        ("a/tests.rs", "use crate::c::Fixture;"),
        ("b.rs", "fn f() { crate::a::g() }"),
        ("c.rs", ""),
    ]);
    assert_eq!(graph.modules, BTreeSet::from(["a".into(), "b".into(), "c".into()]));
    assert_eq!(graph.edge_list(), [("a", "b"), ("a", "c"), ("b", "a")]);
    assert_eq!(circles(&graph), [vec!["a".to_owned(), "b".to_owned()]]);
    assert_eq!(describe_circles(&graph), ["{a, b}, e.g. a → b → a"]);
}

// The shape of `edge/src`, read as text (it need not compile here): its top-level modules
// import each other without a circle, the store is the bottom of the edge, only the
// route table reaches the handlers, and the services stay below the handlers and the
// Durable Object.

fn edge() -> Graph {
    read_crate(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../edge/src"))
}

/// What the store may import of the edge: nothing. It speaks SQL and its own error
/// type; callers map [`StoreError`] to answers, and the worker's bindings come as `Env`.
const STORE_MAY_IMPORT: &[&str] = &[];

#[test]
fn the_edge_has_no_import_circle() {
    let graph = edge();
    assert!(graph.edge_list().len() > 20, "the parser found too few imports in edge/src: {:?}", graph.edge_list());
    let found = describe_circles(&graph);
    assert!(found.is_empty(), "import circles in edge/src:\n{}", found.join("\n"));
}

#[test]
fn the_edge_store_imports_nothing_of_the_edge() {
    let graph = edge();
    assert!(graph.modules.contains("store"), "edge/src/store was not read: {:?}", graph.modules);
    let wrong: Vec<&String> = graph.imports("store").filter(|m| !STORE_MAY_IMPORT.contains(&m.as_str())).collect();
    assert!(wrong.is_empty(), "the store is the bottom of the edge, yet imports {wrong:?}");
}

#[test]
fn only_the_route_table_imports_the_edge_api() {
    let graph = edge();
    assert!(graph.modules.contains("api") && graph.imports("router").any(|m| m == "api"), "the router reaches the api");
    let importers: Vec<&str> =
        graph.edge_list().into_iter().filter(|(_, to)| *to == "api").map(|(from, _)| from).collect();
    assert_eq!(importers, ["router"], "only router (and lib) may import api");
}

#[test]
fn edge_services_never_import_the_api_or_the_object() {
    let graph = edge();
    assert!(graph.modules.contains("services"), "edge/src/services was not read: {:?}", graph.modules);
    let wrong: Vec<&String> = graph.imports("services").filter(|m| ["api", "object"].contains(&m.as_str())).collect();
    assert!(wrong.is_empty(), "services import {wrong:?}: handlers and the object call services, not the reverse");
}

#[test]
fn the_parser_reads_edge_like_code() {
    let graph = graph_of(&[
        (
            "lib.rs",
            "mod api;\nmod router;\nmod store;\n#[cfg(test)]\nmod golden;\nmod visitor;\npub use visitor::Client;",
        ),
        ("router.rs", "use crate::api::admin;\nfn route() { worker::console_error!(\"{}\", crate::store::ping()); }"),
        ("api/mod.rs", "pub mod admin;\n#[cfg(test)]\npub(crate) mod matrix;"),
        ("api/admin/mod.rs", "pub(crate) mod customers;\npub(crate) use crate::store::customers::Customer;"),
        (
            "api/admin/customers.rs",
            "use super::super::super::visitor::Call;\nfn f() { crate::store::customers::page(); }",
        ),
        ("api/matrix.rs", "use crate::golden::Fixture;"),
        ("golden.rs", "use crate::api::admin;"),
        (
            "store/mod.rs",
            "#[path = \"sql_text.rs\"]\npub mod sql;\n#[cfg(test)]\npub(crate) mod sqlite;\npub(in crate::api) fn f() {}",
        ),
        ("store/sql_text.rs", "use super::Param; mod inner { use super::super::Statement; }"),
        ("store/sqlite.rs", "use crate::router::Fixture;"),
        ("visitor/mod.rs", "mod protocol;\npub(crate) mod client { use super::super::store::Db; }"),
        ("visitor/protocol.rs", "pub(crate) use crate::store::Row;"),
    ]);
    // Test-only files (`golden`, `store/sqlite.rs`, `api/matrix.rs`) and visibility
    // restrictions import nothing; `#[path]` and inline `mod` blocks resolve `super`.
    assert_eq!(graph.modules, BTreeSet::from(["api", "router", "store", "visitor"].map(String::from)));
    assert_eq!(
        graph.edge_list(),
        [("api", "store"), ("api", "visitor"), ("router", "api"), ("router", "store"), ("visitor", "store")]
    );
    let declared = module_graph::declared_modules(&[
        ("lib.rs", "pub(crate) mod store;"),
        ("store/mod.rs", "#[path = \"../sql/text.rs\"] mod text;"),
        ("sql/text.rs", ""),
    ]);
    assert_eq!(declared.get("sql/text.rs"), Some(&(vec!["store".to_owned(), "text".to_owned()], false)));
}

#[test]
fn a_macro_argument_and_a_restricted_visibility_are_told_apart() {
    check(&["a"], "fn f() { worker::console_error!(\"{}\", crate::b::x()); }", &["b"]);
    check(&["a"], "pub(in crate::c) fn f() {} pub(crate) use crate::d::X;", &["d"]);
}

#[test]
fn super_leaves_an_inline_module_before_the_file() {
    check(&[], "mod inner { use super::b::X; }", &["b"]);
    check(&["a"], "mod inner { use super::super::c::X; }", &["c"]);
    check(&["a"], "mod inner { fn f() { super::g() } } use super::d::Y;", &["a", "d"]);
}

// The console (`www/console/src`, read as text): its modules form a chain without a
// circle (i18n and screen, then problem, then api, then app).

#[test]
fn the_console_has_no_import_circle() {
    let graph = read_crate(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/console/src"));
    assert!(graph.modules.contains("app"), "www/console/src was not read: {:?}", graph.modules);
    assert!(graph.edge_list().len() >= 3, "the parser found too few imports in the console: {:?}", graph.edge_list());
    let found = describe_circles(&graph);
    assert!(found.is_empty(), "import circles in www/console/src:\n{}", found.join("\n"));
}
