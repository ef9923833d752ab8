//! openstacksdk's create: its stamped digests and "no duplicates" check.

use std::ffi::c_char;

use super::client::glance_client;
use super::create_opts::glance_image_create_opts;
use super::error::glance_status;
use super::image::glance_image;
use super::import::create_from_file;
use super::import_opts::glance_import_opts;
use super::transfer_opts::glance_transfer_opts;

/// Creates an image from the file at `path` as openstacksdk's `create_image`
/// does, as `glance_image_create_with_data` would otherwise: the properties
/// `owner_specified.openstack.md5`, `owner_specified.openstack.sha256` (hex
/// digests of the file, read once before the upload) and
/// `owner_specified.openstack.object` (`images/<name>`) are stamped on it;
/// unless `allow_duplicates`, an image already carrying that name and the
/// file's digests is given back instead of uploading again (as Ansible's
/// `openstack.cloud.image` expects). `create` must set a name and none of
/// the three properties. `import` and `transfer` may be NULL. Everything is
/// borrowed for the call only; thread-safe as far as `client` goes. On
/// success `*out_image` receives a new image owned by the caller (free it
/// with `glance_image_free`).
///
/// Returns the statuses of `glance_image_create_with_data`, and
/// `GLANCE_AMBIGUOUS` when several images carry the name.
#[no_mangle]
pub extern "C" fn glance_image_create_like_openstacksdk(
    client: *const glance_client,
    create: *const glance_image_create_opts,
    path: *const c_char,
    import: *const glance_import_opts,
    transfer: *const glance_transfer_opts,
    allow_duplicates: bool,
    out_image: *mut *mut glance_image,
) -> glance_status {
    create_from_file(
        client,
        create,
        path,
        import,
        transfer,
        out_image,
        |client, fields, data, options| {
            client.create_image_like_openstacksdk(fields, data, options, allow_duplicates)
        },
    )
}
