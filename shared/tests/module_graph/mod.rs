//! The import graph between the top-level modules of a crate's `src/`, read from the
//! source text, so a test can fail on an import circle or an import that goes up the
//! layers. Written for any crate: `tests/layers.rs` runs it on `shared/src`; another
//! crate's test can include this file with `#[path = "…/shared/tests/module_graph/mod.rs"]`.
//!
//! What counts as an import of module `m` by module `n` (a folder counts as one module):
//! every `crate::m…` path in `n`'s files, in `use` lines, in grouped uses
//! (`use crate::{m, k::x}`) and in expressions (`crate::m::f(…)`), and every `super::`
//! path that resolves to `m` from the file it is written in.
//!
//! A file's module is found the way rustc finds it: from `lib.rs` (or `main.rs`) down
//! through each `mod x;` declaration, following `#[path = "…"]`; a file no declaration
//! reaches is placed by where it lies. Visibility (`pub(crate) mod x;`) does not matter.
//!
//! What does not count, and why:
//! - comments and string literals (they are stripped first);
//! - test code (`#[cfg(test)]` items, files declared under `#[cfg(test)] mod x;` and
//!   `tests.rs` files): a test may build its fixture from any layer without making the
//!   code it tests depend on that layer;
//! - a visibility restriction (`pub(in crate::m)`): it names who may see an item, it
//!   imports nothing.
//!
//! Known limits: a `mod x;` declared inside an inline `mod y { … }` is not followed (the
//! file is then placed by where it lies); a path through a `use` alias is not followed
//! (the `use` line itself already counts); `$crate::` in a `macro_rules!` does not count.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules and, for each, the other top-level modules it imports.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub modules: BTreeSet<String>,
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

impl Graph {
    pub fn imports(&self, module: &str) -> impl Iterator<Item = &String> {
        self.edges.get(module).into_iter().flatten()
    }

    /// Every edge as `(from, to)`, sorted.
    pub fn edge_list(&self) -> Vec<(&str, &str)> {
        self.edges.iter().flat_map(|(from, tos)| tos.iter().map(move |to| (from.as_str(), to.as_str()))).collect()
    }
}

/// Reads every `.rs` file under `src` (in every folder) into a [`Graph`].
pub fn read_crate(src: &Path) -> Graph {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> =
            std::fs::read_dir(dir).expect("src is readable").map(|e| e.expect("entry").path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src").to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).expect("source is text")));
            }
        }
    }
    let mut files = Vec::new();
    walk(src, src, &mut files);
    // A `#[path]` may name a file outside `src`: it is part of the crate all the same.
    let mut k = 0;
    while k < files.len() {
        let (path, text) = files[k].clone();
        for decl in declarations(&text) {
            if let Some(target) = decl.path.map(|p| normalize(&format!("{}{p}", parent_dir(&path))))
                && !files.iter().any(|(p, _)| *p == target)
                && let Ok(text) = std::fs::read_to_string(src.join(&target))
            {
                files.push((target, text));
            }
        }
        k += 1;
    }
    graph_of(&files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect::<Vec<_>>())
}

/// The graph of `(path relative to src, source text)` files.
pub fn graph_of(files: &[(&str, &str)]) -> Graph {
    let mut graph = Graph::default();
    let mut found: Vec<(String, BTreeSet<String>)> = Vec::new();
    let declared = declared_modules(files);
    for (path, text) in files {
        let (module, test) = declared.get(*path).cloned().unwrap_or_else(|| (module_path(path), false));
        if test || path.rsplit('/').next() == Some("tests.rs") {
            continue;
        }
        let Some(top) = module.first() else { continue }; // the crate root declares, it does not import
        graph.modules.insert(top.clone());
        found.push((top.clone(), imported_tops(&module, text)));
    }
    for (top, imports) in found {
        let known: BTreeSet<String> = imports.into_iter().filter(|m| *m != top && graph.modules.contains(m)).collect();
        graph.edges.entry(top).or_default().extend(known);
    }
    graph
}

/// An out-of-line module declaration at a file's top level: `#[path = "p"] pub mod x;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    /// The `#[path]` attribute's value, if any.
    pub path: Option<String>,
    /// Declared under `#[cfg(test)]`: the module and everything below it is test code.
    pub test: bool,
}

/// The `mod x;` declarations at the top level of a file (not inside any `{ … }`).
pub fn declarations(text: &str) -> Vec<Declaration> {
    let code = strip(text);
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut attributes: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                depth += 1;
                attributes.clear();
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                attributes.clear();
            }
            b';' => attributes.clear(),
            b'#' if depth == 0 && code[i..].starts_with("#[") => {
                let mut brackets = 0;
                let mut end = bytes.len();
                for (k, c) in code[i..].char_indices() {
                    match c {
                        '[' => brackets += 1,
                        ']' => {
                            brackets -= 1;
                            if brackets == 0 {
                                end = i + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                attributes.push((i, end));
                i = end;
                continue;
            }
            b'm' if depth == 0 && word_at(&code, i, "mod") => {
                let after = &code[i + 3..];
                if let Some(name) = ident(after) {
                    let rest = after.trim_start()[name.len()..].trim_start();
                    if rest.starts_with(';') {
                        let squeezed = |(a, b): &(usize, usize)| code[*a..*b].split_whitespace().collect::<String>();
                        let test = attributes.iter().any(|a| squeezed(a) == "#[cfg(test)]");
                        let path =
                            attributes.iter().filter(|a| squeezed(a).starts_with("#[path=")).find_map(|(a, b)| {
                                let original = &text[*a..*b];
                                let open = original.find('"')?;
                                let close = original.rfind('"')?;
                                (close > open).then(|| original[open + 1..close].to_owned())
                            });
                        out.push(Declaration { name, path, test });
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether the keyword `word` stands at `at` in `code` (not inside a longer name).
fn word_at(code: &str, at: usize, word: &str) -> bool {
    let bytes = code.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    code[at..].starts_with(word)
        && (at == 0 || !is_name(bytes[at - 1]))
        && bytes.get(at + word.len()).is_none_or(|b| !is_name(*b))
}

/// `a/b.rs` → `a/`; `lib.rs` → ``.
fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |k| &path[..=k])
}

/// `a/./b/../c.rs` → `a/c.rs` (a leading `..` stays).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Each file the crate root reaches through `mod x;` declarations, with its module path
/// and whether it is test code. Files it does not reach are left out.
pub fn declared_modules(files: &[(&str, &str)]) -> BTreeMap<String, (Vec<String>, bool)> {
    let texts: BTreeMap<&str, &str> = files.iter().copied().collect();
    let mut out: BTreeMap<String, (Vec<String>, bool)> = BTreeMap::new();
    let mut queue: std::collections::VecDeque<(String, Vec<String>, bool, bool)> = ["lib.rs", "main.rs"]
        .into_iter()
        .filter(|root| texts.contains_key(root))
        .map(|root| (root.to_owned(), Vec::new(), false, true))
        .collect();
    while let Some((path, module, test, owns_dir)) = queue.pop_front() {
        if out.contains_key(&path) {
            continue;
        }
        let Some(text) = texts.get(path.as_str()) else { continue };
        out.insert(path.clone(), (module.clone(), test));
        // A `mod.rs`, the root or a `#[path]` file keeps its children beside it; `a.rs` in `a/`.
        let dir = parent_dir(&path).to_owned();
        let child_dir = if owns_dir { dir.clone() } else { format!("{}/", path.trim_end_matches(".rs")) };
        for decl in declarations(text) {
            let mut child = module.clone();
            child.push(decl.name.clone());
            let test = test || decl.test;
            match &decl.path {
                Some(p) => queue.push_back((normalize(&format!("{dir}{p}")), child, test, true)),
                None => {
                    let file = format!("{child_dir}{}.rs", decl.name);
                    let folder = format!("{child_dir}{}/mod.rs", decl.name);
                    if texts.contains_key(file.as_str()) {
                        queue.push_back((file, child, test, false));
                    } else {
                        queue.push_back((folder, child, test, true));
                    }
                }
            }
        }
    }
    out
}

/// `deliver/step.rs` → `[deliver, step]`; `deliver/mod.rs` → `[deliver]`; `lib.rs` → `[]`.
pub fn module_path(path: &str) -> Vec<String> {
    let path = path.strip_suffix(".rs").unwrap_or(path);
    let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod")) {
        parts.pop();
    }
    if parts.len() == 1 && matches!(parts[0].as_str(), "lib" | "main") {
        parts.clear();
    }
    parts
}

/// The top-level modules the file of `module` names through `crate::` and `super::`.
pub fn imported_tops(module: &[String], text: &str) -> BTreeSet<String> {
    let code = without_test_code(&strip(text));
    let bytes = code.as_bytes();
    let mut tops = BTreeSet::new();
    // The inline `mod x { … }` blocks the scan is inside: (brace depth inside, name).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut opening: Option<String> = None;
    let mut depth = 0;
    let mut i = 0;
    while i < bytes.len() {
        let word_start =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'$');
        let restriction = code[..i].trim_end().ends_with("(in");
        if word_start && code[i..].starts_with("crate::") {
            let (names, end) = path_heads(&code, i + "crate::".len());
            if !restriction {
                tops.extend(names);
            }
            i = end;
            continue;
        }
        if word_start && code[i..].starts_with("super::") {
            let mut ups = 0;
            let mut j = i;
            while code[j..].starts_with("super::") {
                ups += 1;
                j += "super::".len();
            }
            // `super` leaves the inline blocks first, then the file's own module path.
            let mut base: Vec<String> = module.to_vec();
            if ups <= inline.len() {
                base.extend(inline[..inline.len() - ups].iter().map(|(_, name)| name.clone()));
            } else {
                base.truncate(base.len().saturating_sub(ups - inline.len()));
            }
            let (names, end) = path_heads(&code, j);
            if !restriction {
                match base.first() {
                    Some(top) => {
                        tops.insert(top.clone());
                    }
                    None => tops.extend(names),
                }
            }
            i = end;
            continue;
        }
        match bytes[i] {
            b'{' => {
                depth += 1;
                if let Some(name) = opening.take() {
                    inline.push((depth, name));
                }
            }
            b'}' => {
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            b';' => opening = None,
            b'm' if word_at(&code, i, "mod") => {
                if let Some(name) = ident(&code[i + 3..])
                    && code[i + 3..].trim_start()[name.len()..].trim_start().starts_with('{')
                {
                    opening = Some(name);
                }
            }
            _ => {}
        }
        i += 1;
    }
    tops
}

/// The first segment of the path at `at` (or of each part of a `{…}` group), and where
/// the path ends.
fn path_heads(code: &str, at: usize) -> (Vec<String>, usize) {
    let rest = &code[at..];
    let trimmed = rest.trim_start();
    let offset = at + rest.len() - trimmed.len();
    if let Some(group) = trimmed.strip_prefix('{') {
        let mut depth = 1;
        let mut end = group.len();
        for (k, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &group[..end];
        let mut names = Vec::new();
        let mut depth = 0;
        let mut start = 0;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.extend(ident(&inner[start..k]));
                    start = k + 1;
                }
                _ => {}
            }
        }
        names.extend(ident(&inner[start..]));
        return (names.into_iter().filter(|n| n != "self").collect(), offset + 1 + end);
    }
    let name = ident(trimmed);
    let len = name.as_ref().map_or(0, String::len);
    (name.into_iter().collect(), offset + len)
}

fn ident(text: &str) -> Option<String> {
    let text = text.trim_start();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    Some(text[..end].to_owned()).filter(|n| !n.is_empty())
}

/// `text` with comments, strings and character literals blanked out (lifetimes kept):
/// each blanked character becomes spaces of its byte length (line breaks stay), so an
/// offset in the result is the same offset in `text`.
fn strip(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let at = |i: usize| chars.get(i).map_or('\0', |(_, c)| *c);
    // Writes chars `from..to` as blanks of the same length.
    let blank = |out: &mut String, from: usize, to: usize| {
        for &(_, c) in &chars[from..to.min(chars.len())] {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = at(i);
        let start = i;
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && at(i) != '\n' {
                i += 1;
            }
            blank(&mut out, start, i);
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            blank(&mut out, start, i);
        } else if (c == 'r' || (c == 'b' && at(i + 1) == 'r')) && !at(i.wrapping_sub(1)).is_ascii_alphanumeric() && {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            while at(j) == '#' {
                j += 1;
            }
            at(j) == '"'
        } {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            while j < chars.len() {
                if at(j) == '"' && (1..=hashes).all(|h| at(j + h) == '#') {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push('"');
            blank(&mut out, start + 1, j.saturating_sub(1));
            out.push('"');
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && at(i) != '"' {
                if at(i) == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push('"');
            blank(&mut out, start + 1, i.saturating_sub(1));
            out.push('"');
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            i += 1;
            while i < chars.len() && at(i) != '\'' {
                if at(i) == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push('\'');
            blank(&mut out, start + 1, i.saturating_sub(1));
            out.push('\'');
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` (already stripped) without the item after each `#[cfg(test)]`.
fn without_test_code(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(k) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..k]);
        let after = &rest[k..];
        let brace = after.find('{');
        let semi = after.find(';');
        let end = match (brace, semi) {
            (Some(b), Some(s)) if s < b => s + 1,
            (Some(b), _) => {
                let mut depth = 0;
                let mut end = after.len();
                for (idx, c) in after[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + idx + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(s)) => s + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The strongly connected components with more than one module (each an import
/// circle), each sorted, in order of their first module.
pub fn circles(graph: &Graph) -> Vec<Vec<String>> {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(m) = stack.pop() {
            for next in graph.imports(&m) {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> = graph.modules.iter().map(|m| (m, reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for m in &graph.modules {
        if done.contains(m) || !reaches[m].contains(m) {
            continue;
        }
        let component: Vec<String> =
            graph.modules.iter().filter(|n| reaches[m].contains(*n) && reaches[*n].contains(m)).cloned().collect();
        done.extend(component.iter().cloned());
        out.push(component);
    }
    out
}

/// One concrete circle through `start` (`a → b → … → a`), if there is one.
pub fn circle_through(graph: &Graph, start: &str) -> Option<Vec<String>> {
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_owned()]);
    while let Some(m) = queue.pop_front() {
        for next in graph.imports(&m) {
            if next == start {
                let mut path = vec![m.clone()];
                let mut at = m.clone();
                while at != start {
                    at = prev[&at].clone();
                    path.push(at.clone());
                }
                path.reverse();
                path.push(start.to_owned());
                return Some(path);
            }
            if next != start && !prev.contains_key(next) {
                prev.insert(next.clone(), m.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

/// Each circle of `graph`, written `a → b → a`, for a failure message.
pub fn describe_circles(graph: &Graph) -> Vec<String> {
    circles(graph)
        .iter()
        .map(|component| {
            let example = circle_through(graph, &component[0]).unwrap_or_default().join(" → ");
            format!("{{{}}}, e.g. {example}", component.join(", "))
        })
        .collect()
}
