//! The committed C header is what cbindgen makes from the current sources,
//! and it compiles cleanly as C11 and as C++17.

use std::process::Command;

#[test]
fn committed_header_is_current() {
    let generated = std::fs::read_to_string(env!("GLANCE_GENERATED_HEADER"))
        .expect("build.rs wrote the generated header");
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/glance.h");
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/glance.h is stale: regenerate it with `GLANCE_REGENERATE_HEADER=1 cargo build` \
         and commit it"
    );
}

/// Compiles `program` (which includes the header) with `compiler` and `std`.
fn compiles(compiler: &str, language: &str, std: &str, program: &str) {
    let dir = std::env::temp_dir().join(format!(
        "glance-header-{}-{std}-{}",
        std::process::id(),
        program.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("header.c");
    std::fs::write(&source, program).unwrap();
    let output = Command::new(compiler)
        .args([
            "-x",
            language,
            std,
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-fsyntax-only",
        ])
        .arg(concat!("-I", env!("CARGO_MANIFEST_DIR"), "/include"))
        .arg(&source)
        .output()
        .unwrap_or_else(|e| panic!("{compiler} runs (install it): {e}"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        output.status.success(),
        "include/glance.h does not compile with {compiler} {std}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "needs gcc; scripts/test runs it"]
fn header_compiles_as_c11() {
    compiles("gcc", "c", "-std=c11", MINIMAL_PROGRAM);
}

#[test]
#[ignore = "needs g++; scripts/test runs it"]
fn header_compiles_as_cpp17() {
    compiles("g++", "c++", "-std=c++17", MINIMAL_PROGRAM);
}

const MINIMAL_PROGRAM: &str =
    "#include <glance.h>\nint main(void) { return glance_version() == 0; }\n";

/// The C example of README.md, so that it cannot drift from the header.
#[test]
#[ignore = "needs gcc; scripts/test runs it"]
fn readme_c_example_compiles() {
    let readme = include_str!("../README.md");
    let section = readme
        .split_once("\n## C\n")
        .expect("README.md has a \"## C\" section")
        .1;
    let example = section
        .split_once("```c\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("the C section holds a ```c block")
        .0;
    compiles("gcc", "c", "-std=c11", example);
}

/// Every name the header declares (types, tags, functions, macros, enum
/// constants) carries the library's prefix, so none can collide with a
/// name of the program that includes it.
#[test]
fn every_public_name_is_prefixed() {
    let header = include_str!("../include/glance.h");
    let unprefixed: Vec<&str> = declared_names(header)
        .into_iter()
        .filter(|name| !name.starts_with("glance_") && !name.starts_with("GLANCE_"))
        .collect();
    assert!(
        unprefixed.is_empty(),
        "include/glance.h declares names without the glance_/GLANCE_ prefix: {unprefixed:?}"
    );
}

/// The names a C header declares, found line by line in cbindgen's layout:
/// `#define X`, `typedef ... X;`, `struct X`/`enum X` tags, enumerators
/// (`  X = 1,`), function names (`... X(`) and callback types (`(*X)(`).
fn declared_names(header: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut in_comment = false;
    for line in header.lines() {
        let line = line.trim();
        if in_comment {
            in_comment = !line.contains("*/");
            continue;
        }
        if line.starts_with("/*") {
            in_comment = !line.contains("*/");
            continue;
        }
        if line.is_empty() || line.starts_with('*') || line.starts_with("//") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("#define ") {
            names.extend(rest.split_whitespace().next());
        } else if line.starts_with('#') || line.starts_with('}') && !line.ends_with(';') {
            continue;
        } else if let Some(pointer) = line.split_once("(*") {
            names.push(identifier_at_end(pointer.1.split(')').next().unwrap_or("")));
        } else if line.starts_with("typedef ") {
            names.push(identifier_at_end(line.trim_end_matches(';')));
        } else if let Some(tag) = line
            .strip_prefix("struct ")
            .or_else(|| line.strip_prefix("enum "))
            .filter(|rest| !rest.contains(['*', '(']))
        {
            names.push(identifier_at_end(tag.trim_end_matches(['{', ';'])));
        } else if let Some((before, _)) = line.split_once('(') {
            if !line.starts_with("const ") || before.contains(' ') {
                names.push(identifier_at_end(before));
            }
        } else if let Some((before, _)) = line.split_once(['=', ',']) {
            if before
                .trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                names.push(before.trim());
            }
        }
    }
    names.retain(|name| !name.is_empty() && name != &"extern");
    names
}

fn identifier_at_end(text: &str) -> &str {
    let text = text.trim_end();
    let start = text
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    &text[start..]
}

#[test]
fn the_name_scan_finds_each_kind_of_declaration() {
    let header = "#define GLANCE_X 1\ntypedef struct Stray Stray;\nenum glance_e {\n  GLANCE_A = 0,\n  Loose = 1,\n};\n\
                  typedef int (*cb_t)(void *userdata,\n                    int n);\n\
                  glance_status glance_f(struct glance_c *c,\n                       const char *name);\n\
                  const char *bare_getter(void);\n";
    let names = declared_names(header);
    for name in [
        "GLANCE_X",
        "Stray",
        "glance_e",
        "GLANCE_A",
        "Loose",
        "cb_t",
        "glance_f",
        "bare_getter",
    ] {
        assert!(names.contains(&name), "{name} not found in {names:?}");
    }
    assert!(!names.contains(&"name"), "{names:?}");
}
