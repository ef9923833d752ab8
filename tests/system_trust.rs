//! The system's trust store, as curl uses it: a server signed by a private CA
//! is trusted through `SSL_CERT_FILE` with no CA setting, or through the CA
//! file setting (which replaces the system roots); refused, with a message
//! naming the roots in use and how to add a CA, when the CA is in neither; a
//! certificate for another name is refused whatever the roots.
//!
//! `SSL_CERT_FILE` is read by the TLS stack of the whole process, so every
//! case runs in a child process with its own environment: this test has its
//! own `main` (harness = false) that is also the Rust child. The C cases
//! build `tests/c/trust/trust_probe.c` and need a C compiler: they run with
//! `--include-ignored` (`scripts/test` does).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use glance_client::{
    config::{ProxySetting, RetryPolicy},
    Client, Error,
};
use support::c_abi::{deps_dir, manifest_dir};
use support::tls::{private_ca, tls_server};

/// Set in a child: the URL the Rust child fetches an image from.
const CHILD_URL: &str = "GLANCE_TRUST_TEST_URL";
/// Set in a child that should use the CA file setting.
const CHILD_CA_FILE: &str = "GLANCE_TRUST_TEST_CA_FILE";

fn main() {
    if let Ok(url) = std::env::var(CHILD_URL) {
        std::process::exit(rust_child(&url, std::env::var_os(CHILD_CA_FILE)));
    }
    let with_c = std::env::args().any(|a| a == "--include-ignored" || a == "--ignored");
    let probes: Vec<Probe> = if with_c {
        vec![Probe::Rust, Probe::C(build_c_probe())]
    } else {
        println!("C cases not run: they need a C compiler (--include-ignored runs them)");
        vec![Probe::Rust]
    };
    for probe in &probes {
        cases(probe);
    }
    println!("system_trust: every case passed ({} probes)", probes.len());
}

/// Builds the client as a user would, fetches one image, prints the outcome.
fn rust_child(url: &str, ca_file: Option<std::ffi::OsString>) -> i32 {
    let mut builder = Client::builder()
        .endpoint(url)
        .token("trust-token")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        });
    if let Some(ca) = ca_file {
        builder = builder.ca_file(ca);
    }
    match builder.build().and_then(|client| client.get_image("i1")) {
        Ok(image) => {
            println!("ok {}", image.id);
            0
        }
        Err(e @ Error::Tls(_)) => {
            println!("TLS error {e}");
            1
        }
        Err(e) => {
            println!("other error {e:?}");
            1
        }
    }
}

enum Probe {
    Rust,
    C(PathBuf),
}

impl Probe {
    /// Runs the probe in a child with only the trust settings given: no
    /// inherited SSL_CERT_FILE / SSL_CERT_DIR.
    fn fetch(&self, url: &str, ssl_cert_file: Option<&Path>, ca_file: Option<&Path>) -> String {
        let mut command = match self {
            Probe::Rust => {
                let mut c = Command::new(std::env::current_exe().unwrap());
                c.env(CHILD_URL, url);
                if let Some(ca) = ca_file {
                    c.env(CHILD_CA_FILE, ca);
                }
                c
            }
            Probe::C(binary) => {
                let mut c = Command::new(binary);
                c.arg(url);
                if let Some(ca) = ca_file {
                    c.arg(ca);
                }
                c
            }
        };
        command
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR");
        if let Some(bundle) = ssl_cert_file {
            command.env("SSL_CERT_FILE", bundle);
        }
        let output = command.output().expect("the probe runs");
        let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert_eq!(
            output.status.success(),
            stdout.starts_with("ok "),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    fn name(&self) -> &'static str {
        match self {
            Probe::Rust => "Rust",
            Probe::C(_) => "C",
        }
    }
}

fn build_c_probe() -> PathBuf {
    let out = deps_dir().parent().unwrap().join("trust_probe");
    let status = Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(manifest_dir().join("tests/c/trust/trust_probe.c"))
        .arg(deps_dir().join("libglance_client.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out)
        .status()
        .expect("cc runs (scripts/install-c-tools installs it)");
    assert!(status.success(), "building trust_probe.c failed");
    out
}

fn cases(probe: &Probe) {
    let dir = std::env::temp_dir().join(support::cloud::unique("system-trust"));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, contents: &str| {
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    };
    let ca = private_ca("glance-client test CA");
    let ca_pem = write("private-ca.pem", &ca.cert_pem);
    let other_ca_pem = write("other-ca.pem", &private_ca("another test CA").cert_pem);
    let server = tls_server(&ca.server_identity(&["127.0.0.1"]), None);
    let misnamed = tls_server(&ca.server_identity(&["glance.invalid"]), None);
    let name = probe.name();

    // The system store as SSL_CERT_FILE names it, no CA setting.
    let out = probe.fetch(&server.url, Some(&ca_pem), None);
    assert_eq!(out, "ok i1", "{name}: trusted through SSL_CERT_FILE");

    // The CA file setting, the system store not holding the CA.
    let out = probe.fetch(&server.url, None, Some(&ca_pem));
    assert_eq!(out, "ok i1", "{name}: trusted through the CA file");

    // In neither: the system's own store does not know a CA made now.
    let out = probe.fetch(&server.url, None, None);
    assert!(
        out.starts_with("TLS error")
            && out.contains("UnknownIssuer")
            && out.contains("trusted roots: the system trust store")
            && out.contains("update-ca-certificates")
            && out.contains("SSL_CERT_FILE")
            && out.contains("OS_CACERT"),
        "{name}: {out}"
    );
    let out = probe.fetch(&server.url, Some(&other_ca_pem), None);
    assert!(
        out.starts_with("TLS error")
            && out.contains(&format!(
                "trusted roots: the system trust store, SSL_CERT_FILE={}",
                other_ca_pem.display()
            )),
        "{name}: {out}"
    );

    // A CA file replaces the system roots: SSL_CERT_FILE no longer counts.
    let out = probe.fetch(&server.url, Some(&ca_pem), Some(&other_ca_pem));
    assert!(
        out.starts_with("TLS error")
            && out.contains(&format!(
                "trusted roots: only the CA file {} (it replaces the system trust store)",
                other_ca_pem.display()
            ))
            && out.contains("add the server's CA certificate (PEM) to that file"),
        "{name}: {out}"
    );

    // Another name is refused whichever way the CA is trusted.
    for (bundle, ca_file) in [(Some(&ca_pem), None), (None, Some(&ca_pem))] {
        let out = probe.fetch(
            &misnamed.url,
            bundle.map(PathBuf::as_path),
            ca_file.map(PathBuf::as_path),
        );
        assert!(
            out.starts_with("TLS error")
                && out.contains("not valid for name")
                && out.contains("trusted roots:")
                && !out.contains("update-ca-certificates"),
            "{name}: {out}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
    println!("{name}: trusted via SSL_CERT_FILE and via the CA file; refused otherwise and for another name");
}
