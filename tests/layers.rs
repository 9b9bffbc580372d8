//! README.md's layer order ("Where things live", "Layers") holds: every
//! `crate::` path in `src/` (and `super::` between TLS's files, which sit
//! on different layers) names a module on a lower line, or its own
//! folder.
//! Re-exports (`pub use`) are wiring that keeps a public path, not a use.
//!
//! It reads the sources as text: comments are skipped, `use` trees are
//! expanded, and a name re-exported at the crate root (`crate::Connection`)
//! counts as the module that defines it.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The crate's root directory.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README's layers, lowest first: each unit (a module, or `module/file.rs`
/// for a file that sits apart from its folder) with its line's number.
fn readme_layers() -> HashMap<String, usize> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("### Layers").nth(1).expect("README.md has a \"### Layers\" section");
    let mut layers = HashMap::new();
    for line in section.lines().take_while(|line| !line.starts_with("#")) {
        let Some((number, rest)) = line.split_once(". ") else { continue };
        let Ok(level) = number.parse::<usize>() else { continue };
        let units = rest.split(": ").next().unwrap();
        for unit in units.split('`').skip(1).step_by(2) {
            let exists =
                root().join("src").join(unit).exists() || root().join(format!("src/{unit}.rs")).exists();
            assert!(exists, "README.md's layers name `{unit}`, which is no module of src/");
            assert!(layers.insert(unit.to_string(), level).is_none(), "`{unit}` is on two lines");
        }
    }
    assert!(layers.len() > 5, "README.md's layers list was not found");
    layers
}

/// The code of a source file without its comments (doc links are not
/// uses) and without its re-exports.
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut kept = String::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("pub") {
        let (before, from) = rest.split_at(at);
        kept.push_str(before);
        let reexport = ["pub use ", "pub(crate) use ", "pub(super) use "].iter().any(|p| from.starts_with(p));
        if reexport {
            let end = from.find(';').unwrap();
            rest = &from[end + 1..];
        } else {
            kept.push_str("pub");
            rest = &from[3..];
        }
    }
    kept.push_str(rest);
    kept
}

/// Expands a `use` tree (`a::{b, c::{d, e as f}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(open) = tree.find('{') else { return vec![tree] };
    let (prefix, inner) = (&tree[..open], &tree[open + 1..tree.rfind('}').unwrap()]);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .flat_map(|part| expand(&format!("{prefix}{part}")))
        .collect()
}

/// Every path after `anchor` (`crate::` or `super::`) in `code`: `use`
/// trees expanded, other mentions as written.
fn paths_after(code: &str, anchor: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(anchor) {
        let from = &rest[at + anchor.len()..];
        let in_use = rest[..at].trim_end().ends_with("use");
        let (tree, next) = if in_use {
            let end = from.find(';').unwrap();
            (from[..end].to_string(), &from[end..])
        } else {
            let end =
                from.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(from.len());
            (from[..end].trim_end_matches(':').to_string(), &from[end..])
        };
        for path in expand(&tree) {
            paths.push(path.split("::").map(str::to_string).collect());
        }
        rest = next;
    }
    paths
}

/// Where the items a `mod.rs` (or `lib.rs`) re-exports come from: item
/// name to the file or module after `self::`.
fn reexports(path: &Path) -> HashMap<String, String> {
    let text = fs::read_to_string(path).unwrap();
    let mut map = HashMap::new();
    for statement in text.split(';') {
        let Some(at) = statement.find("use self::") else { continue };
        let before = statement[..at].trim_end();
        if !before.ends_with("pub") && !before.ends_with("pub(crate)") {
            continue;
        }
        for path in expand(&statement[at + "use self::".len()..]) {
            let segments: Vec<&str> = path.split("::").collect();
            let name = segments.last().unwrap().split(" as ").last().unwrap();
            map.insert(name.to_string(), segments[0].to_string());
        }
    }
    map
}

struct Crate {
    src: PathBuf,
    layers: HashMap<String, usize>,
    root_items: HashMap<String, String>,
}

impl Crate {
    /// Whether `module` has files that sit on a layer of their own.
    fn is_split(&self, module: &str) -> bool {
        self.layers.keys().any(|unit| unit.starts_with(&format!("{module}/")))
    }

    /// The unit a source file belongs to; `None` for a split folder's
    /// `mod.rs`, which only wires its files.
    fn unit_of(&self, file: &Path) -> Option<String> {
        let relative = file.strip_prefix(&self.src).unwrap();
        let mut parts = relative.iter().map(|p| p.to_str().unwrap());
        let first = parts.next().unwrap();
        let module = first.trim_end_matches(".rs").to_string();
        if !self.is_split(&module) {
            return Some(module);
        }
        let second = parts.next().unwrap();
        let unit = format!("{module}/{second}");
        if self.layers.contains_key(&unit) {
            Some(unit)
        } else if second == "mod.rs" {
            None
        } else {
            Some(module)
        }
    }

    /// The unit a path from the crate root names.
    fn resolve(&self, path: &[String]) -> Option<String> {
        let first = path.first()?;
        let is_module = self.src.join(first).is_dir() || self.src.join(format!("{first}.rs")).is_file();
        if !is_module {
            let module = self.root_items.get(first)?;
            let mut rest = vec![module.clone()];
            rest.extend(path.iter().cloned());
            return self.resolve(&rest);
        }
        if !self.is_split(first) {
            return Some(first.clone());
        }
        Some(self.within_split(first, path.get(1)?))
    }

    /// The unit of `name` in the split folder `module`: one of its files,
    /// or an item its `mod.rs` re-exports from one.
    fn within_split(&self, module: &str, name: &str) -> String {
        let file = if self.src.join(module).join(format!("{name}.rs")).is_file() {
            name.to_string()
        } else {
            match reexports(&self.src.join(module).join("mod.rs")).get(name) {
                Some(file) => file.clone(),
                None => return module.to_string(),
            }
        };
        let unit = format!("{module}/{file}.rs");
        if self.layers.contains_key(&unit) {
            unit
        } else {
            module.to_string()
        }
    }
}

fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_use_points_down_the_readme_layers() {
    let src = root().join("src");
    let root_items = reexports(&src.join("lib.rs"));
    let krate = Crate { layers: readme_layers(), root_items, src: src.clone() };
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in files.iter().filter(|file| !file.ends_with("src/lib.rs")) {
        let Some(unit) = krate.unit_of(file) else { continue };
        let shown = file.strip_prefix(&src).unwrap().display().to_string();
        let Some(&level) = krate.layers.get(&unit) else {
            wrong.push(format!("{shown}: `{unit}` is on no line of README.md's layers"));
            continue;
        };
        let code = code_of(file);
        let mut used: Vec<String> =
            paths_after(&code, "crate::").iter().filter_map(|path| krate.resolve(path)).collect();
        // Between the files of a split folder, `super::` crosses layers.
        if unit.contains('/') {
            let module = unit.split('/').next().unwrap();
            for path in paths_after(&code, "super::") {
                if path[0] != "*" {
                    used.push(krate.within_split(module, &path[0]));
                }
            }
        }
        for dependency in used {
            let Some(&below) = krate.layers.get(&dependency) else { continue };
            // A folder's own files on one line use each other freely.
            let same_folder = dependency.split('/').next() == unit.split('/').next();
            if dependency != unit && (below > level || below == level && !same_folder) {
                wrong.push(format!(
                    "{shown} (`{unit}`, line {level}) uses `{dependency}` (line {below}): not below it"
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "layers that do not point down:\n{}", wrong.join("\n"));
}

#[test]
fn the_use_tree_expands() {
    let mut paths = expand("a::{b, c::{d, e as f},\n    g}");
    paths.sort();
    assert_eq!(paths, ["a::b", "a::c::d", "a::c::e as f", "a::g"]);
}
