//! The house rule of `src/`: modules sit in layers (foundation, stages, plan,
//! apply, ops, front end), a module imports only from its own layer or below,
//! and the top-level modules import each other without a circle. Read from the
//! `use crate::…` paths of the source (test code excepted), so a new arrow
//! upwards fails here, naming the file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::repo;

/// Each top-level module's layer; lower numbers are lower layers.
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("tokens", 0),
    ("config", 0),
    ("finding", 0),
    ("note", 0),
    ("walk", 0),
    ("git", 0),
    ("subphase", 0),
    ("analysis", 1),
    ("split", 1),
    ("decisions", 1),
    ("fix", 1),
    ("plan", 2),
    ("apply", 3),
    ("ops", 4),
    ("render", 5),
    ("ui", 5),
    ("cli", 5),
    ("commands", 5),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level module names a path after `crate::` starts with (`a::b` or
/// `{a::b, c}`).
fn heads(after: &str) -> Vec<String> {
    let name = |s: &str| -> Option<String> {
        let n: String = s
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!n.is_empty()).then_some(n)
    };
    let Some(group) = after.strip_prefix('{') else {
        return name(after).into_iter().collect();
    };
    let (mut depth, mut cur, mut out) = (0, String::new(), Vec::new());
    for ch in group.chars() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.extend(name(&cur));
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.extend(name(&cur));
    out
}

/// The source without its test code: unit-test files, and everything from a
/// `#[cfg(test)]` module on (they sit at the end of a file).
fn production(path: &Path, text: &str) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return None;
    }
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    Some(text[..end].to_string())
}

fn visit(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            visit(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

/// `(from module, to module) -> files` for every `crate::` path in `src/`.
fn edges() -> BTreeMap<(String, String), BTreeSet<String>> {
    let src = repo().join("src");
    let mut files = Vec::new();
    visit(&src, &mut files);
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let from = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if from == "lib" || from == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let Some(code) = production(&f, &text) else {
            continue;
        };
        for (i, _) in code.match_indices("crate::") {
            for to in heads(&code[i + "crate::".len()..]) {
                if to != from {
                    out.entry((from.clone(), to))
                        .or_default()
                        .insert(rel.clone());
                }
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer_and_imports_only_downwards() {
    let mut wrong = Vec::new();
    for ((from, to), files) in edges() {
        match (layer(&from), layer(&to)) {
            (Some(a), Some(b)) if a < b => wrong.push(format!(
                "{from} (layer {a}) -> {to} (layer {b}) in {files:?}"
            )),
            (None, _) => wrong.push(format!("{from} has no layer in LAYERS")),
            (_, None) => wrong.push(format!("{to} has no layer in LAYERS")),
            _ => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn top_level_modules_import_each_other_without_a_circle() {
    let e = edges();
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in e.keys() {
        graph.entry(from).or_default().push(to);
    }
    // Depth-first search; a node met again while still on the path closes a circle.
    fn walk<'a>(
        n: &'a str,
        g: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = path.iter().position(|p| *p == n) {
            let mut c = path[i..].to_vec();
            c.push(n);
            return Some(c);
        }
        if !done.insert(n) {
            return None;
        }
        path.push(n);
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = walk(m, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        let circle = walk(n, &graph, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "import circle: {}",
            circle.unwrap().join(" -> ")
        );
    }
}

#[test]
fn the_reader_finds_grouped_and_plain_paths() {
    assert_eq!(heads("model::{a, b}"), vec!["model"]);
    assert_eq!(
        heads("{model::sha256, plan::{Op, Plan}, ui}"),
        vec!["model", "plan", "ui"]
    );
    assert!(heads("{}").is_empty());
}
