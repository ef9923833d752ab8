//! ARCHITECTURE.md stays true to the tree: every path it names exists, and
//! every source file of the library is named in it (a new file gets its row).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Top-level directories whose paths the picture (a fenced block) names bare.
const TREE: &[&str] = &[
    "src/",
    "bindings/",
    "glancectl/",
    "include/",
    "tests/",
    "scripts/",
    "examples/",
    "fuzz/",
];

/// The paths the page names: inline code spans that look like a path (a `/`
/// in them, a file extension, or `Makefile`), and in fenced blocks the words
/// that start with a directory of the tree.
fn named_paths(page: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let mut fenced = false;
    for line in page.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            for word in line.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            {
                if TREE.iter().any(|dir| word.starts_with(dir)) {
                    paths.insert(word.to_owned());
                }
            }
            continue;
        }
        for (i, span) in line.split('`').enumerate() {
            let looks_like_path = span.contains('/')
                || span == "Makefile"
                || [
                    ".rs", ".md", ".toml", ".h", ".hpp", ".c", ".cpp", ".py", ".in",
                ]
                .iter()
                .any(|ext| span.ends_with(ext));
            if i % 2 == 1 && !span.contains(' ') && looks_like_path {
                paths.insert(span.to_owned());
            }
        }
    }
    paths
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn page() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).expect("ARCHITECTURE.md")
}

#[test]
fn every_path_named_exists() {
    let named = named_paths(&page());
    assert!(named.len() > 100, "the scan found too few paths: {named:?}");
    let missing: Vec<_> = named
        .iter()
        .filter(|p| !Path::new(ROOT).join(p.trim_end_matches('/')).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
    let not_dirs: Vec<_> = named
        .iter()
        .filter(|p| p.ends_with('/') && !Path::new(ROOT).join(p).is_dir())
        .collect();
    assert!(
        not_dirs.is_empty(),
        "named as directories but not: {not_dirs:?}"
    );
}

#[test]
fn every_library_source_file_is_named() {
    let named = named_paths(&page());
    let mut files = Vec::new();
    rust_files(&Path::new(ROOT).join("src"), &mut files);
    let unnamed: Vec<_> = files
        .iter()
        .map(|f| f.strip_prefix(ROOT).unwrap().to_string_lossy().into_owned())
        .filter(|f| !named.contains(f))
        .collect();
    assert!(
        unnamed.is_empty(),
        "add these to the capability table of ARCHITECTURE.md: {unnamed:?}"
    );
}

#[test]
fn the_scan_sees_spans_and_the_picture() {
    let page = "a `src/a.rs` and `Cargo.toml`, `not a path`, `OS_*`\n```\n  src/b.rs  x (include/c.h)\n```\n";
    let named: Vec<_> = named_paths(page).into_iter().collect();
    assert_eq!(named, ["Cargo.toml", "include/c.h", "src/a.rs", "src/b.rs"]);
}
