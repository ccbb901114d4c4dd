//! The server's layout holds (issue 20): no module imports, directly or through
//! others, a module that imports it back; only the HTTP layer sees `AppState`; and no
//! source file grows past about 400 lines. Read from the source itself, so a change that adds a cycle or a long file
//! fails here, with the modules named.
//!
//! A module is a file (`tickets/filing.rs` is `tickets::filing`; the queries a backend
//! includes, `tickets/sql.rs`, count as their own). It depends on another when it names
//! it by path: `crate::a::b`, `super::x`, `self::x`, or a child `x::…`; the path is
//! resolved to the longest module it starts with.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::helpers::rust_files;

/// "About 400": the limit the layout keeps to, with a little room for a doc comment.
const MAX_LINES: usize = 420;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let modules = modules();
    let graph: BTreeMap<&str, BTreeSet<String>> = modules
        .iter()
        .map(|(name, source)| (name.as_str(), dependencies(name, source, &modules)))
        .collect();
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "modules that import each other (directly or through others): {cycles:#?}"
    );
}

#[test]
fn only_the_http_layer_sees_the_app_state() {
    // Services and stores take the parts they need; a feature's `routes` (and `http`
    // itself, and the command line that starts it) are the only ones that see it all.
    let modules = modules();
    let seeing: Vec<&String> = modules
        .iter()
        .filter(|(name, source)| {
            dependencies(name, source, &modules).contains("http::state")
                && !(name.starts_with("http")
                    || name.starts_with("cli")
                    || name.split("::").any(|part| part == "routes"))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        seeing.is_empty(),
        "below the HTTP layer, these use AppState: {seeing:?}"
    );
}

#[test]
fn no_source_file_is_longer_than_about_400_lines() {
    let long: Vec<String> = rust_files(&src())
        .into_iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by what they do: {long:?}");
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    // The check itself, on a made-up pair: a imports b, b imports a.
    let modules: BTreeMap<String, String> = [
        ("a".to_owned(), "use crate::b::B;".to_owned()),
        ("b".to_owned(), "fn f() { crate::a::g(); }".to_owned()),
        ("c".to_owned(), "use crate::{a, b::B};".to_owned()),
    ]
    .into();
    let graph: BTreeMap<&str, BTreeSet<String>> = modules
        .iter()
        .map(|(name, source)| (name.as_str(), dependencies(name, source, &modules)))
        .collect();
    assert_eq!(cycles(&graph), vec![vec!["a".to_owned(), "b".to_owned()]]);
    assert_eq!(graph["c"], BTreeSet::from(["a".to_owned(), "b".to_owned()]));
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every module by its path (`tickets::filing`), with its source (comments removed).
fn modules() -> BTreeMap<String, String> {
    let src = src();
    rust_files(&src)
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_str().unwrap().to_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                return None;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            Some((parts.join("::"), without_comments(&source)))
        })
        .collect()
}

fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            // `//` inside a string (a URL) is rare in paths' lines; cutting there only
            // drops text that is not a path.
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules `name` names, other than itself.
fn dependencies(name: &str, source: &str, modules: &BTreeMap<String, String>) -> BTreeSet<String> {
    let parent = match name.rsplit_once("::") {
        Some((parent, _)) => parent.to_owned(),
        None => String::new(),
    };
    let included = name.ends_with("sql");
    let mut found = BTreeSet::new();
    for path in paths(source) {
        let absolute = if let Some(rest) = path.strip_prefix("crate::") {
            Some(rest.to_owned())
        } else if let Some(rest) = path.strip_prefix("super::") {
            if included {
                // Included into the backend's `sql` module: `super::x::…` is feature x's
                // queries, `super::…` what they share.
                let first = rest.split("::").next().unwrap_or_default();
                let sibling = format!("{first}::sql");
                Some(if modules.contains_key(&sibling) {
                    sibling
                } else {
                    "store::shared_sql".to_owned()
                })
            } else {
                Some(join(&parent, rest))
            }
        } else if let Some(rest) = path.strip_prefix("self::") {
            Some(join(name, rest))
        } else {
            // A child module named by a relative path.
            let first = path.split("::").next().unwrap_or_default();
            modules
                .contains_key(&join(name, first))
                .then(|| join(name, &path))
        };
        if let Some(target) = absolute.and_then(|p| longest_module(&p, modules))
            && target != name
        {
            found.insert(target);
        }
    }
    found
}

fn join(base: &str, rest: &str) -> String {
    if base.is_empty() {
        rest.to_owned()
    } else {
        format!("{base}::{rest}")
    }
}

fn longest_module(path: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
}

/// Every path of two segments or more in `source`, with `use` groups expanded
/// (`crate::{a, b::{c, d}}` gives `crate::a`, `crate::b::c`, `crate::b::d`).
fn paths(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = (chars[i].is_alphabetic() || chars[i] == '_')
            && (i == 0
                || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let (found, end) = path_at(&chars, i);
        out.extend(found.into_iter().filter(|p| p.contains("::")));
        i = end.max(i + 1);
    }
    out
}

/// The path (or, for a `use` group, the paths) starting at `start`, and where it ends.
fn path_at(chars: &[char], start: usize) -> (Vec<String>, usize) {
    let mut i = start;
    let mut prefix = String::new();
    loop {
        let word_start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        prefix.extend(&chars[word_start..i]);
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            prefix.push_str("::");
            i += 2;
            if chars.get(i) == Some(&'{') {
                let (inner, end) = group(chars, i + 1);
                let paths = inner.into_iter().map(|p| format!("{prefix}{p}")).collect();
                return (paths, end);
            }
            if !chars.get(i).is_some_and(|c| c.is_alphabetic() || *c == '_') {
                return (vec![prefix.trim_end_matches(':').to_owned()], i);
            }
        } else {
            return (vec![prefix], i);
        }
    }
}

/// The entries of a `use` group whose `{` is just before `start`, and the index after
/// its `}`.
fn group(chars: &[char], start: usize) -> (Vec<String>, usize) {
    let mut entries = Vec::new();
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '}' => return (entries, i + 1),
            c if c.is_alphabetic() || c == '_' => {
                let (found, end) = path_at(chars, i);
                entries.extend(found);
                i = end;
                // `x as y`: the alias is not a path.
                while i < chars.len() && chars[i] != ',' && chars[i] != '}' {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    (entries, i)
}

/// The strongly connected components of more than one module (Tarjan), each sorted.
fn cycles(graph: &BTreeMap<&str, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<&'a str, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on_stack: BTreeSet<String>,
        found: Vec<Vec<String>>,
    }
    fn visit(walk: &mut Walk, node: &str) {
        let n = walk.index.len();
        walk.index.insert(node.to_owned(), n);
        walk.low.insert(node.to_owned(), n);
        walk.stack.push(node.to_owned());
        walk.on_stack.insert(node.to_owned());
        let next: Vec<String> = walk
            .graph
            .get(node)
            .map(|d| d.iter().cloned().collect())
            .unwrap_or_default();
        for other in next {
            if !walk.index.contains_key(&other) {
                visit(walk, &other);
                let low = walk.low[node].min(walk.low[&other]);
                walk.low.insert(node.to_owned(), low);
            } else if walk.on_stack.contains(&other) {
                let low = walk.low[node].min(walk.index[&other]);
                walk.low.insert(node.to_owned(), low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut component = Vec::new();
            while let Some(top) = walk.stack.pop() {
                walk.on_stack.remove(&top);
                let done = top == node;
                component.push(top);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                walk.found.push(component);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(*node) {
            visit(&mut walk, node);
        }
    }
    walk.found.sort();
    walk.found
}
