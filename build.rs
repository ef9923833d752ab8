//! Generates the C header from `src/ffi/` with cbindgen.
//!
//! The header always goes to `$OUT_DIR/include/glance.h` (build scripts must
//! not write into the source tree, or `cargo package` fails). The committed
//! `include/glance.h` is rewritten only when `GLANCE_REGENERATE_HEADER=1`,
//! and never in a packaged copy of the crate; `tests/c_header.rs` fails when
//! the committed one is stale.
//! On ELF platforms the shared library gets a SONAME carrying the full
//! version: before 1.0 every release may change the ABI.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-env-changed=GLANCE_REGENERATE_HEADER");

    let header = generate(&crate_dir);
    let generated = out_dir.join("include").join("glance.h");
    write(&generated, &header);
    println!(
        "cargo:rustc-env=GLANCE_GENERATED_HEADER={}",
        generated.display()
    );
    if env::var("GLANCE_REGENERATE_HEADER").is_ok_and(|v| v == "1") {
        // A packaged copy (cargo package's verification, a registry's
        // download) has `Cargo.toml.orig`: its sources are not to be edited.
        if crate_dir.join("Cargo.toml.orig").exists() {
            println!(
                "cargo:warning=GLANCE_REGENERATE_HEADER=1 ignored: a packaged crate's include/glance.h is left as shipped"
            );
        } else {
            write(&crate_dir.join("include").join("glance.h"), &header);
        }
    }

    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let elf = !matches!(
        env::var("CARGO_CFG_TARGET_OS").as_deref(),
        Ok("macos" | "ios" | "windows")
    );
    if elf {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libglance_client.so.{version}");
    }
}

/// The header text: cbindgen's output with the version macros added.
fn generate(crate_dir: &Path) -> Vec<u8> {
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    let part = |name: &str| env::var(name).expect("cargo sets the version parts");
    let (major, minor, patch) = (
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    );
    config.after_includes = Some(format!(
        "\n/** The version of the library this header describes; glance_version() gives the linked one's. */\n\
         #define GLANCE_VERSION \"{major}.{minor}.{patch}\"\n\
         #define GLANCE_VERSION_MAJOR {major}\n\
         #define GLANCE_VERSION_MINOR {minor}\n\
         #define GLANCE_VERSION_PATCH {patch}\n\
         /** One number for comparisons: major * 10000 + minor * 100 + patch. */\n\
         #define GLANCE_VERSION_NUMBER ({major} * 10000 + {minor} * 100 + {patch})\n"
    ));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("lib.rs"))
        .generate()
        .expect("cbindgen can read src/ffi (fix the Rust error it names)");
    let mut text = Vec::new();
    bindings.write(&mut text);
    text
}

/// Writes `text` to `path` unless it is already there (keeps timestamps of an
/// unchanged header, so nothing that depends on it rebuilds).
fn write(path: &Path, text: &[u8]) {
    if std::fs::read(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("the header has a directory"))
        .expect("the header's directory can be made");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
