//! The committed C header is what cbindgen makes from the current sources.

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
