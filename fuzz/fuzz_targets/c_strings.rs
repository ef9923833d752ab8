//! The C entry points that take strings or JSON, fed arbitrary bytes: each
//! returns a status (never GLANCE_PANIC) and leaves a readable last error.
#![no_main]

use std::ffi::{c_char, CStr, CString};

use glance_client::ffi::config::*;
use glance_client::ffi::create_opts::*;
use glance_client::ffi::error::*;
use glance_client::ffi::list_opts::*;
use glance_client::ffi::patch::*;
use glance_client::ffi::client::glance_client_free;

/// Up to `n` C strings cut from the input at NUL bytes (missing ones empty).
fn strings(data: &[u8], n: usize) -> Vec<CString> {
    let mut parts: Vec<CString> = data
        .split(|b| *b == 0)
        .take(n)
        .map(|p| CString::new(p).expect("no NUL inside"))
        .collect();
    parts.resize(n, CString::default());
    parts
}

fn check(status: glance_status) {
    assert_ne!(status, glance_status::GLANCE_PANIC, "a panic crossed the boundary");
    if status != glance_status::GLANCE_OK {
        let error = glance_error_last();
        assert!(!error.is_null(), "a failure leaves a last error");
        let message = glance_error_message(error);
        assert!(!message.is_null());
        // SAFETY: a non-NULL message is a NUL-terminated string owned by the library.
        let _ = unsafe { CStr::from_ptr(message) }.to_str().expect("UTF-8 message");
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let s = strings(data, 4);
    let p: Vec<*const c_char> = s.iter().map(|c| c.as_ptr()).collect();

    let config = glance_config_new();
    check(glance_config_set_endpoint(config, p[0]));
    check(glance_config_set_token(config, p[1]));
    check(glance_config_set_region(config, p[2]));
    check(glance_config_set_interface(config, p[3]));
    check(glance_config_set_proxy(config, p[2]));
    check(glance_config_set_user_agent_suffix(config, p[3]));
    let mut client = std::ptr::null_mut();
    let status = glance_config_build(config, &mut client);
    check(status);
    assert_eq!(status == glance_status::GLANCE_OK, !client.is_null());
    glance_client_free(client);

    let patch = glance_image_patch_new();
    check(glance_image_patch_add_json(patch, p[0], p[1]));
    check(glance_image_patch_replace_json(patch, p[2], p[3]));
    check(glance_image_patch_add(patch, p[1], p[2]));
    check(glance_image_patch_replace(patch, p[3], p[0]));
    check(glance_image_patch_remove(patch, p[1]));
    glance_image_patch_free(patch);

    let opts = glance_list_opts_new();
    check(glance_list_opts_set_marker(opts, p[0]));
    check(glance_list_opts_set_name(opts, p[1]));
    check(glance_list_opts_set_visibility(opts, p[2]));
    check(glance_list_opts_set_member_status(opts, p[3]));
    check(glance_list_opts_set_status(opts, p[0]));
    check(glance_list_opts_set_sort_dir(opts, p[1]));
    check(glance_list_opts_add_sort(opts, p[2], p[3]));
    check(glance_list_opts_add_created_at(opts, p[0], p[1]));
    check(glance_list_opts_add_property(opts, p[2], p[3]));
    check(glance_list_opts_set_id_in(opts, p.as_ptr(), p.len()));
    check(glance_list_opts_set_status_in(opts, p.as_ptr(), p.len()));
    glance_list_opts_free(opts);

    let create = glance_image_create_opts_new();
    check(glance_image_create_opts_set_id(create, p[0]));
    check(glance_image_create_opts_set_name(create, p[1]));
    check(glance_image_create_opts_set_visibility(create, p[2]));
    check(glance_image_create_opts_set_property(create, p[3], p[0]));
    check(glance_image_create_opts_add_tag(create, p[1]));
    glance_image_create_opts_free(create);

    let code = data.iter().take(4).fold(0u32, |n, b| n << 8 | u32::from(*b));
    assert!(!glance_status_str(code).is_null());
});
