//! The CMake package as CMake users find it: `make install` into a prefix,
//! then a project (tests/cmake/consumer) that calls
//! `find_package(glance-client)` and links a C and a C++ program against
//! `glance-client::glance-client` and against `glance-client::static`. Each
//! program finds an image this test made in the local cloud, through the
//! library (C) or the C++ wrapper; `ldd` shows the static ones need no
//! libglance_client, and they still run once the prefix is gone.

mod support;

use std::path::Path;
use std::process::Command;

use glance_client::CreateImage;
use support::c_abi::{install_into_scratch_prefix, manifest_dir, run};
use support::cloud;

/// `ldd`: the shared libraries the loader resolves for a binary.
fn ldd(binary: &Path) -> String {
    run(Command::new("ldd").arg(binary))
}

#[test]
#[ignore = "installs, builds CMake projects and lists images of the local cloud; scripts/test runs it"]
fn find_package_gives_shared_and_static_targets() {
    let version = env!("CARGO_PKG_VERSION");
    let (work, prefix) = install_into_scratch_prefix("cmake-package");
    assert!(prefix
        .join("lib/cmake/glance-client/glance-client-config.cmake")
        .is_file());

    let build = work.join("build");
    run(Command::new("cmake")
        .arg("-S")
        .arg(manifest_dir().join("tests/cmake/consumer"))
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
        .arg("-DCMAKE_BUILD_TYPE=Release"));
    run(Command::new("cmake").arg("--build").arg(&build));

    // A version the package does not offer is refused.
    let refused = Command::new("cmake")
        .arg("-S")
        .arg(manifest_dir().join("tests/cmake/consumer"))
        .arg("-B")
        .arg(work.join("build-wrong-version"))
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
        .arg("-DGLANCE_WANTED_VERSION=99.0")
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "find_package(glance-client 99.0) must fail"
    );

    let demo = cloud::client("DEMO");
    let mut cleanup = cloud::Cleanup::new(&demo);
    let name = cloud::unique("cmake-package");
    let image = demo
        .create_image(&CreateImage {
            name: Some(name.clone()),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            ..Default::default()
        })
        .expect("the test creates its image");
    cleanup.add(&image.id);

    let programs = [
        ("find_c", "C", false),
        ("find_cpp", "C++", false),
        ("find_c_static", "C", true),
        ("find_cpp_static", "C++", true),
    ];
    for (program, language, _) in programs {
        let out = run(Command::new(build.join(program)).arg(&name));
        assert!(
            out.contains(&format!("glance-client {version} from {language}")),
            "{program}: {out}"
        );
        assert!(
            out.contains(&format!("found {}", image.id)),
            "{program} lists the image: {out}"
        );
    }
    for (program, _, statically) in programs {
        let libraries = ldd(&build.join(program));
        if statically {
            assert!(
                !libraries.contains("glance"),
                "{program} needs no glance library at run time:\n{libraries}"
            );
        } else {
            let installed = prefix.join(format!("lib/libglance_client.so.{version}"));
            assert!(
                libraries.contains(&format!(
                    "libglance_client.so.{version} => {}",
                    installed.display()
                )),
                "{program} loads the installed library:\n{libraries}"
            );
        }
    }

    // Moving the prefix away proves the static programs load nothing from it.
    std::fs::remove_dir_all(&prefix).unwrap();
    for (program, _, statically) in programs {
        if statically {
            let out = run(Command::new(build.join(program)).arg(&name));
            assert!(out.contains(&format!("found {}", image.id)), "{out}");
        }
    }
    drop(cleanup);
    std::fs::remove_dir_all(&work).unwrap();
}
