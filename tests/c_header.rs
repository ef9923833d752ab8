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
