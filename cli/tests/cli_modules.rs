//! The command line's modules point one way: no module imports another
//! that imports it back, directly or round a circle. `registry` is the
//! data-only catalogue of the bundled servers that `serve`, `settings`,
//! `bind_address` and `args` read; it reads nothing but `error`.
//!
//! Module X uses module Y when a file of X (outside its tests) names
//! `crate::Y`. The sources are read as text, line comments skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module of cli/src (a file, or a folder with its files)
/// and the modules it uses.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            files.insert(name, rust_files(&path));
        } else if name != "main" && path.extension().is_some_and(|ext| ext == "rs") {
            files.insert(name, vec![path]);
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let named = |path: &PathBuf| crate_paths(&fs::read_to_string(path).unwrap());
    files
        .iter()
        .map(|(module, paths)| {
            let used = paths.iter().flat_map(named).filter(|m| modules.contains(m) && m != module).collect();
            (module.clone(), used)
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
    found
}

/// The first segment of every `crate::` path before the file's tests.
fn crate_paths(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap();
    let lines = code.lines().map(|line| line.split("//").next().unwrap());
    lines
        .flat_map(|line| line.split("crate::").skip(1).map(str::to_string).collect::<Vec<_>>())
        .map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect()
}

/// The modules reachable from `start` by uses.
fn reachable(uses: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut next = vec![start.to_string()];
    while let Some(module) = next.pop() {
        for used in uses.get(&module).into_iter().flatten() {
            if seen.insert(used.clone()) {
                next.push(used.clone());
            }
        }
    }
    seen
}

#[test]
fn no_module_reaches_itself() {
    let uses = uses();
    assert!(uses.len() > 10, "the modules of cli/src were not found: {uses:?}");
    let circular: Vec<_> = uses.keys().filter(|module| reachable(&uses, module).contains(*module)).collect();
    assert!(circular.is_empty(), "these modules import each other round a circle: {circular:?}\n{uses:#?}");
}

#[test]
fn the_catalogue_reads_nothing_but_errors() {
    let uses = uses();
    let registry: Vec<_> = uses["registry"].iter().collect();
    assert_eq!(registry, ["error"], "registry is data; it may name only `error`");
    assert!(uses["serve"].contains("registry"), "serve reads the catalogue: {:?}", uses["serve"]);
}
