//! An asynchronous task, `glance_task`: its getters, get, create (any type,
//! the upstream import, Rackspace's export and import), and a wait with a
//! callback. Listing tasks: `task_list_opts.rs`, `task_listing.rs`,
//! `task_listing_iter.rs`.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ops::ControlFlow;
use std::time::Duration;

use serde_json::Value;

use super::boundary::{self, borrow, c_text, lend, optional_text, text, CallResult, Out};
use super::callbacks::GLANCE_CB_CONTINUE;
use super::client::glance_client;
use super::error::glance_status;
use super::object_store::glance_object_store;
use crate::tasks::json_object;
use crate::tasks::{NewTask, RackspaceImportTask, Task, TaskType, TaskWait, UrlImportTask};

/// A task as the server described it (a snapshot: fetch it again with
/// `glance_task_get` to see it move on).
///
/// Immutable: several threads may read one at once. Strings its getters
/// return are borrowed from it and valid until it is freed. A task obtained
/// from a page (`glance_task_page_get`) belongs to the page; every other task
/// belongs to the caller, who frees it with `glance_task_free`.
pub struct glance_task {
    task: Task,
    id: Option<CString>,
    task_type: Option<CString>,
    status: Option<CString>,
    message: Option<CString>,
    owner: Option<CString>,
    image_id: Option<CString>,
    expires_at: Option<CString>,
    created_at: Option<CString>,
    updated_at: Option<CString>,
    input: Option<CString>,
    result: Option<CString>,
}

impl glance_task {
    pub(crate) fn new(task: Task) -> glance_task {
        let json = |value: &Option<Value>| {
            value
                .as_ref()
                .filter(|v| !v.is_null())
                .and_then(|v| c_text(&v.to_string()))
        };
        let opt = |value: &Option<String>| value.as_deref().and_then(c_text);
        glance_task {
            id: c_text(&task.id),
            task_type: c_text(task.task_type.as_str()),
            status: c_text(task.status.as_str()),
            message: opt(&task.message),
            owner: opt(&task.owner),
            image_id: task.image_id().and_then(c_text),
            expires_at: opt(&task.expires_at),
            created_at: opt(&task.created_at),
            updated_at: opt(&task.updated_at),
            input: json(&task.input),
            result: json(&task.result),
            task,
        }
    }
}

/// Called by `glance_task_wait` after every poll with the task as it stands
/// (borrowed for the call only). Returns `GLANCE_CB_CONTINUE` to keep
/// waiting, or `GLANCE_CB_ABORT` (any other value) to stop: the wait then
/// fails with `GLANCE_ABORTED` (the task itself goes on).
pub type glance_task_wait_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, task: *const glance_task) -> c_int>;

/// Runs a call that gives back a task.
fn with_task(
    client: *const glance_client,
    out_task: *mut *mut glance_task,
    call: impl FnOnce(&crate::Client) -> CallResult<Task>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live client / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let out = unsafe { Out::new(out_task, "out_task") }?;
        let task = call(&client.client)?;
        out.set(boundary::give(glance_task::new(task)));
        Ok(())
    })
}

/// The task id; NULL only when `task` is NULL.
///
/// Borrowed from `task`, like every string getter of a task: valid until the
/// task (or its page) is freed; never free it.
#[no_mangle]
pub extern "C" fn glance_task_id(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.id))
}

/// The type: `import`, `export`, `api_image_import`, `location_import`, or
/// whatever else the server says.
#[no_mangle]
pub extern "C" fn glance_task_type(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.task_type))
}

/// The status: `pending`, `processing`, `success`, `failure`, or whatever
/// else the server says.
#[no_mangle]
pub extern "C" fn glance_task_status(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.status))
}

/// Whether the task has succeeded or failed; false when `task` is NULL.
#[no_mangle]
pub extern "C" fn glance_task_is_finished(task: *const glance_task) -> bool {
    boundary::get(task, false, |t| t.task.is_finished())
}

/// Why the task failed; NULL when absent (listings leave it out), empty
/// while it has not failed.
#[no_mangle]
pub extern "C" fn glance_task_message(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.message))
}

/// The project that created the task; NULL when absent.
#[no_mangle]
pub extern "C" fn glance_task_owner(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.owner))
}

/// The image the task made or worked on (`result.image_id`, else the task's
/// `image_id`); NULL when there is none yet.
#[no_mangle]
pub extern "C" fn glance_task_image_id(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.image_id))
}

/// When the server will forget the finished task, ISO 8601; NULL before.
#[no_mangle]
pub extern "C" fn glance_task_expires_at(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.expires_at))
}

/// The creation time, ISO 8601; NULL when absent.
#[no_mangle]
pub extern "C" fn glance_task_created_at(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.created_at))
}

/// The last update time, ISO 8601; NULL when absent.
#[no_mangle]
pub extern "C" fn glance_task_updated_at(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.updated_at))
}

/// The task's input as compact JSON; NULL when absent (listings leave it out).
#[no_mangle]
pub extern "C" fn glance_task_input(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.input))
}

/// The task's result as compact JSON (e.g. `{"image_id":"..."}`); NULL until
/// there is one.
#[no_mangle]
pub extern "C" fn glance_task_result(task: *const glance_task) -> *const c_char {
    boundary::get(task, std::ptr::null(), |t| lend(&t.result))
}

/// Copies a task; NULL when `task` is NULL. The copy belongs to the caller.
#[no_mangle]
pub extern "C" fn glance_task_clone(task: *const glance_task) -> *mut glance_task {
    boundary::get(task, std::ptr::null_mut(), |t| {
        boundary::give(glance_task::new(t.task.clone()))
    })
}

/// Frees a task the caller owns. NULL is ignored. Never call it on a task
/// borrowed from a page.
#[no_mangle]
pub extern "C" fn glance_task_free(task: *mut glance_task) {
    // SAFETY: NULL or an owned task, per the contract above.
    boundary::value((), || unsafe { boundary::free(task) })
}

/// Fetches a task, `input`, `result` and `message` included.
///
/// Like every call here: `client` and the strings are borrowed for the call
/// only; thread-safe as far as `client` goes; `*out_task` is written only on
/// success, with a new task owned by the caller (free it with
/// `glance_task_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (a malformed id), `GLANCE_NOT_FOUND`,
/// `GLANCE_FORBIDDEN` (Glance's default policy keeps tasks to admins), and the
/// failures every request can have (`GLANCE_UNAUTHORIZED`, `GLANCE_TRANSPORT`,
/// `GLANCE_TIMEOUT`, `GLANCE_TLS`, `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`,
/// `GLANCE_SERVICE_UNAVAILABLE`, `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_task_get(
    client: *const glance_client,
    id: *const c_char,
    out_task: *mut *mut glance_task,
) -> glance_status {
    with_task(client, out_task, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let id = unsafe { text(id, "id") }?;
        Ok(c.get_task(id)?)
    })
}

/// Creates a task of type `type` with `input_json` (a JSON object) as given.
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` (`input_json` is not a JSON
/// object), `GLANCE_BAD_REQUEST` (a type or input the server refuses), and
/// the statuses of `glance_task_get`.
#[no_mangle]
pub extern "C" fn glance_task_create(
    client: *const glance_client,
    r#type: *const c_char,
    input_json: *const c_char,
    out_task: *mut *mut glance_task,
) -> glance_status {
    with_task(client, out_task, |c| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let task_type = unsafe { text(r#type, "type") }?;
        let input = json_object(unsafe { text(input_json, "input_json") }?, "input_json")?;
        Ok(c.create_task(&NewTask {
            task_type: TaskType::from(task_type),
            input: Value::Object(input),
        })?)
    })
}

/// Creates an upstream Glance `import` task: the server fetches
/// `import_from` (a URL) and makes an image of it in format
/// `import_from_format` (e.g. `raw`), with the fields of
/// `image_properties_json`, a JSON object that needs `disk_format` and
/// `container_format` (e.g. `{"name": "x", "disk_format": "raw",
/// "container_format": "bare"}`). Admin only under Glance's default policy.
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` (not a URL, an empty format, not
/// a JSON object), and the statuses of `glance_task_create`.
#[no_mangle]
pub extern "C" fn glance_task_create_import(
    client: *const glance_client,
    import_from: *const c_char,
    import_from_format: *const c_char,
    image_properties_json: *const c_char,
    out_task: *mut *mut glance_task,
) -> glance_status {
    with_task(client, out_task, |c| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let import_from = unsafe { text(import_from, "import_from") }?;
        let format = unsafe { text(import_from_format, "import_from_format") }?;
        let properties = unsafe { text(image_properties_json, "image_properties_json") }?;
        let properties = json_object(properties, "image_properties_json")?
            .into_iter()
            .collect();
        Ok(c.create_url_import_task(&UrlImportTask {
            import_from: import_from.to_owned(),
            import_from_format: format.to_owned(),
            image_properties: properties,
        })?)
    })
}

/// Creates a Rackspace `export` task copying the image into `container`, as
/// pyrax does: the container must exist in `store` (`GLANCE_NO_SUCH_CONTAINER`
/// before any task is made).
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, and the statuses of
/// `glance_task_create`.
#[no_mangle]
pub extern "C" fn glance_task_create_export(
    client: *const glance_client,
    store: *const glance_object_store,
    image_id: *const c_char,
    container: *const c_char,
    out_task: *mut *mut glance_task,
) -> glance_status {
    with_task(client, out_task, |c| {
        // SAFETY: NULL or a live handle / NUL-terminated strings, per the C contract.
        let store = unsafe { borrow(store, "store") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let container = unsafe { text(container, "container") }?;
        Ok(c.create_rackspace_export_task(&store.store, image_id, container)?)
    })
}

/// Creates a Rackspace `import` task making an image of `container/object`,
/// as pyrax does: named `image_name` (NULL: the object's name), of disk
/// format `format` (NULL: `vhd`); the container must exist in `store`
/// (`GLANCE_NO_SUCH_CONTAINER` before any task is made).
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, and the statuses of
/// `glance_task_create`.
#[no_mangle]
pub extern "C" fn glance_task_create_container_import(
    client: *const glance_client,
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    image_name: *const c_char,
    format: *const c_char,
    out_task: *mut *mut glance_task,
) -> glance_status {
    with_task(client, out_task, |c| {
        // SAFETY: NULL or a live handle / NUL-terminated strings, per the C contract.
        let store = unsafe { borrow(store, "store") }?;
        let import = RackspaceImportTask {
            container: unsafe { text(container, "container") }?.to_owned(),
            object: unsafe { text(object, "object") }?.to_owned(),
            image_name: unsafe { optional_text(image_name, "image_name") }?.map(str::to_owned),
            format: unsafe { optional_text(format, "format") }?.map(str::to_owned),
        };
        Ok(c.create_rackspace_import_task(&store.store, &import)?)
    })
}

/// Polls task `id` every `interval_ms` milliseconds until it succeeds or
/// fails, for at most `timeout_ms` milliseconds (0: as long as it takes).
/// `callback` (may be NULL) sees the task after every poll, with `userdata`.
///
/// On success `*out_task` receives the finished task (owned by the caller).
/// A task that failed gives `GLANCE_TASK_FAILED`, its message in the last
/// error. Returns `GLANCE_OK`, `GLANCE_TASK_FAILED`, `GLANCE_TIMEOUT`,
/// `GLANCE_ABORTED` (the callback asked to stop), `GLANCE_INVALID_ARG` (a
/// zero interval), and the statuses of `glance_task_get`.
#[no_mangle]
pub extern "C" fn glance_task_wait(
    client: *const glance_client,
    id: *const c_char,
    interval_ms: u64,
    timeout_ms: u64,
    callback: glance_task_wait_cb,
    userdata: *mut c_void,
    out_task: *mut *mut glance_task,
) -> glance_status {
    with_task(client, out_task, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let id = unsafe { text(id, "id") }?;
        let mut on_poll = |task: &Task| match callback {
            Some(callback) => {
                let view = glance_task::new(task.clone());
                // SAFETY: the caller's function, called as its contract says.
                if unsafe { callback(userdata, &view) } == GLANCE_CB_CONTINUE {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                }
            }
            None => ControlFlow::Continue(()),
        };
        let wait = TaskWait {
            interval: Duration::from_millis(interval_ms),
            timeout: (timeout_ms > 0).then(|| Duration::from_millis(timeout_ms)),
            on_poll: Some(&mut on_poll),
        };
        Ok(c.wait_for_task(id, wait)?)
    })
}
