//! What the C-side tests share: where cargo put the library, and the
//! functions the committed header declares.

use std::path::{Path, PathBuf};

/// The crate's root directory.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where cargo put the libraries (`.a`, `.so`) this test was built with:
/// `target/<profile>/deps`, next to the test binary.
pub fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its path");
    exe.parent()
        .expect("the test binary is in deps/")
        .to_owned()
}

/// Runs `command`, failing the test with its output unless it succeeds;
/// gives its standard output.
pub fn run(command: &mut std::process::Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} starts: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `make install` of the libraries this test was built with (no cargo run)
/// into `<prefix>` of a fresh scratch directory named after `name`; gives
/// the directory and the prefix.
pub fn install_into_scratch_prefix(name: &str) -> (PathBuf, PathBuf) {
    let work = deps_dir()
        .parent()
        .unwrap()
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let prefix = work.join("prefix");
    run(std::process::Command::new("make")
        .arg("-C")
        .arg(manifest_dir())
        .arg("install")
        .arg("NO_BUILD=1")
        .arg(format!("LIB_DIR={}", deps_dir().display()))
        .arg(format!("NATIVE={}", work.join("native-libs").display()))
        .arg(format!("PREFIX={}", prefix.display())));
    (work, prefix)
}

/// The names of the functions `include/glance.h` declares: `glance_`
/// identifiers followed by `(`, outside comments (function pointer typedefs,
/// `(*name)(`, are not functions and do not match).
pub fn header_functions() -> Vec<String> {
    let header = std::fs::read_to_string(manifest_dir().join("include/glance.h"))
        .expect("include/glance.h is readable");
    let code = strip_comments(&header);
    let bytes = code.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if ident(bytes[i]) {
            let start = i;
            while i < bytes.len() && ident(bytes[i]) {
                i += 1;
            }
            let name = &code[start..i];
            if name.starts_with("glance_") && bytes.get(i) == Some(&b'(') {
                names.push(name.to_owned());
            }
        } else {
            i += 1;
        }
    }
    names.sort();
    names.dedup();
    names
}

fn strip_comments(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // The earlier of the next block comment and the next line comment.
        let block = rest.find("/*").map(|at| (at, "*/"));
        let line = rest.find("//").map(|at| (at, "\n"));
        let next = match (block, line) {
            (Some(b), Some(l)) => Some(if b.0 < l.0 { b } else { l }),
            (b, l) => b.or(l),
        };
        let Some((at, end)) = next else {
            code.push_str(rest);
            return code;
        };
        code.push_str(&rest[..at]);
        rest = rest[at..]
            .find(end)
            .map_or("", |e| &rest[at + e + end.len()..]);
        // A line comment's newline stays: it separates tokens.
        code.push('\n');
    }
}

/// valgrind's memcheck as the C and C++ suites run under it: any error, or a
/// definite or indirect leak, fails the run.
pub const VALGRIND: &[&str] = &[
    "valgrind",
    "--error-exitcode=99",
    "--leak-check=full",
    "--show-leak-kinds=definite,indirect",
    "--errors-for-leak-kinds=definite,indirect",
    "--track-origins=yes",
    "--quiet",
];
