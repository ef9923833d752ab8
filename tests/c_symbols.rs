//! The shared library exports exactly the functions the header declares.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use support::c_abi::{deps_dir, header_functions};

#[test]
#[ignore = "needs nm (binutils); scripts/test runs it"]
fn exported_symbols_match_the_header() {
    let library = deps_dir().join("libglance_client.so");
    let output = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&library)
        .output()
        .expect("nm runs (install binutils)");
    assert!(
        output.status.success(),
        "nm {}: {}",
        library.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let exported: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().rev();
            let name = fields.next()?;
            let kind = fields.next()?;
            (kind == "T").then(|| name.to_owned())
        })
        .collect();
    let declared: BTreeSet<String> = header_functions().into_iter().collect();
    assert!(
        declared.len() > 100,
        "the header parser found only {declared:?}"
    );
    let undeclared: Vec<&String> = exported.difference(&declared).collect();
    let missing: Vec<&String> = declared.difference(&exported).collect();
    assert!(
        undeclared.is_empty() && missing.is_empty(),
        "exported but not in include/glance.h: {undeclared:?}\n\
         declared but not exported: {missing:?}"
    );
}
