//! Linking as users do: `make install` into a prefix, then a C program built
//! with pkg-config against the shared library and against the static one, and
//! a C++ program that finds the installed glance.hpp the same way.

mod support;

use std::path::Path;
use std::process::Command;

use support::c_abi::{install_into_scratch_prefix, manifest_dir, run};

fn pkg_config(prefix: &Path, args: &[&str]) -> Vec<String> {
    let out = run(Command::new("pkg-config")
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .args(args)
        .arg("glance-client"));
    out.split_whitespace().map(str::to_owned).collect()
}

/// `readelf -d`: the shared libraries a binary needs.
fn needed(binary: &Path) -> String {
    run(Command::new("readelf").arg("-d").arg(binary))
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[ignore = "installs and links C programs; scripts/test runs it"]
fn static_and_dynamic_links_work_after_install() {
    let version = env!("CARGO_PKG_VERSION");
    let (work, prefix) = install_into_scratch_prefix("c-link");
    assert!(prefix
        .join(format!("lib/libglance_client.so.{version}"))
        .is_file());
    assert_eq!(pkg_config(&prefix, &["--modversion"]), [version]);

    let source = manifest_dir().join("tests/c/link/link_check.c");
    let cflags = pkg_config(&prefix, &["--cflags"]);

    let dynamic = work.join("link_dynamic");
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(&cflags)
        .arg(&source)
        .arg("-o")
        .arg(&dynamic)
        .args(pkg_config(&prefix, &["--libs"]))
        .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display())));
    assert!(
        needed(&dynamic).contains(&format!("libglance_client.so.{version}")),
        "the dynamic link needs the versioned SONAME:\n{}",
        needed(&dynamic)
    );
    assert!(run(&mut Command::new(&dynamic)).contains(version));

    // C++: <glance.hpp> comes from the installed include directory alone.
    let cpp = work.join("link_cpp");
    run(Command::new("c++")
        .args(["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(&cflags)
        .arg(manifest_dir().join("tests/c/link/link_check.cpp"))
        .arg("-o")
        .arg(&cpp)
        .args(pkg_config(&prefix, &["--libs"]))
        .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display())));
    assert!(run(&mut Command::new(&cpp)).contains(&format!("{version} from C++")));

    let static_lib = pkg_config(&prefix, &["--variable=staticlib"]);
    let native = pkg_config(&prefix, &["--variable=native_libs"]);
    let statically = work.join("link_static");
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(&cflags)
        .arg(&source)
        .arg("-o")
        .arg(&statically)
        .args(&static_lib)
        .args(&native));
    assert!(
        !needed(&statically).contains("glance"),
        "the static link needs no glance library at run time:\n{}",
        needed(&statically)
    );
    // Moving the prefix away proves nothing is loaded from it.
    std::fs::remove_dir_all(&prefix).unwrap();
    assert!(run(&mut Command::new(&statically)).contains(version));
    std::fs::remove_dir_all(&work).unwrap();
}
