//! Plumbing shared by every exported function: the panic boundary, pointer and
//! string checks, out-parameters written only on success, and handing
//! ownership to and from C.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use super::last_error::{clear_last_error, set_last_error};
pub(crate) use super::last_error::{CallError, CallResult};
use super::status::glance_status;

/// Runs the body of a function that returns a status: clears the thread's last
/// error, turns a failure into its status (recording it) and a panic into
/// `GLANCE_PANIC`.
pub(crate) fn run(body: impl FnOnce() -> CallResult) -> glance_status {
    run_status(|| body().map(|()| glance_status::GLANCE_OK))
}

/// Like [`run`], for a body that picks among several success statuses
/// (`GLANCE_OK`, `GLANCE_DONE`).
pub(crate) fn run_status(body: impl FnOnce() -> CallResult<glance_status>) -> glance_status {
    let _deferred = CancellationDeferred::start();
    clear_last_error();
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        Err(CallError::new(
            glance_status::GLANCE_PANIC,
            format!("internal error (a bug in glance-client, please report it): {what}"),
        ))
    });
    match outcome {
        Ok(status) => status,
        Err(error) => {
            let status = error.status;
            set_last_error(error);
            status
        }
    }
}

/// Runs a setter: checks the handle C passed (`name` in the message when it
/// is NULL), then lets `apply` change it, inside [`run`].
pub(crate) fn change<H>(
    handle: *mut H,
    name: &str,
    apply: impl FnOnce(&mut H) -> CallResult,
) -> glance_status {
    run(|| {
        // SAFETY: NULL or a live handle used by this thread only, per the C
        // contract of every setter.
        let handle = unsafe { borrow_mut(handle, name) }?;
        apply(handle)
    })
}

/// Runs the body of a function that cannot fail (a getter, a constructor, a
/// `_free`): a panic gives `fallback`. The last error is left alone, so a
/// getter never invalidates a `glance_error` the caller is reading.
pub(crate) fn value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    let _deferred = CancellationDeferred::start();
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Runs a getter on a handle C passed: `fallback` when the handle is NULL
/// (or the getter panics), and the last error is left alone as by [`value`].
pub(crate) fn get<H, T: Copy>(handle: *const H, fallback: T, f: impl FnOnce(&H) -> T) -> T {
    value(fallback, || {
        // SAFETY: NULL or a live handle nothing mutates during the call, per
        // the C contract of every getter.
        unsafe { handle.as_ref() }.map_or(fallback, f)
    })
}

/// Keeps `pthread_cancel` out of a call: cancellation is disabled while it
/// runs and put back as it was when it returns, so a cancellation request
/// acts at the caller's next cancellation point after the call. Acting
/// inside it, glibc's forced unwind would meet the panic boundary, which
/// cannot let it through: the process would abort ("FATAL: exception not
/// rethrown").
struct CancellationDeferred {
    #[cfg(target_os = "linux")]
    previous: std::ffi::c_int,
}

#[cfg(target_os = "linux")]
mod cancellation {
    use std::ffi::c_int;

    /// The same numbers in glibc and musl.
    pub(super) const DISABLE: c_int = 1;

    extern "C" {
        pub(super) fn pthread_setcancelstate(state: c_int, previous: *mut c_int) -> c_int;
    }
}

impl CancellationDeferred {
    #[cfg(target_os = "linux")]
    fn start() -> CancellationDeferred {
        let mut previous = 0;
        // SAFETY: sets this thread's cancel state; `previous` is writable.
        unsafe { cancellation::pthread_setcancelstate(cancellation::DISABLE, &mut previous) };
        CancellationDeferred { previous }
    }

    #[cfg(not(target_os = "linux"))]
    fn start() -> CancellationDeferred {
        CancellationDeferred {}
    }
}

impl Drop for CancellationDeferred {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        {
            let mut ignored = 0;
            // SAFETY: restores the state saved by `start` on the same thread.
            unsafe { cancellation::pthread_setcancelstate(self.previous, &mut ignored) };
        }
    }
}

fn null(name: &str) -> CallError {
    CallError::new(glance_status::GLANCE_NULL_ARG, format!("'{name}' is NULL"))
}

/// A handle C passed for reading.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that nothing mutates during the call.
pub(crate) unsafe fn borrow<'a, T>(ptr: *const T, name: &str) -> CallResult<&'a T> {
    // SAFETY: the caller's promise.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(name))
}

/// A handle C passed for changing.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that nothing else uses during the call.
pub(crate) unsafe fn borrow_mut<'a, T>(ptr: *mut T, name: &str) -> CallResult<&'a mut T> {
    // SAFETY: the caller's promise.
    unsafe { ptr.as_mut() }.ok_or_else(|| null(name))
}

/// A NUL-terminated UTF-8 string C passed.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives during the call.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, name: &str) -> CallResult<&'a str> {
    if ptr.is_null() {
        return Err(null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's promise.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|e| {
        CallError::new(
            glance_status::GLANCE_INVALID_UTF8,
            format!(
                "'{name}' is not UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// An optional NUL-terminated UTF-8 string C passed: NULL means "not given".
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives during the call.
pub(crate) unsafe fn optional_text<'a>(
    ptr: *const c_char,
    name: &str,
) -> CallResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's promise.
    unsafe { text(ptr, name) }.map(Some)
}

/// An optional buffer of `len` bytes C passed: NULL means "not given".
///
/// # Safety
/// `data` is NULL or points to `len` bytes readable during the call.
pub(crate) unsafe fn optional_bytes<'a>(
    data: *const u8,
    len: usize,
    name: &str,
) -> CallResult<Option<&'a [u8]>> {
    if data.is_null() {
        return Ok(None);
    }
    // No buffer is this large; such a length must not reach `from_raw_parts`.
    if len > isize::MAX as usize {
        return Err(CallError::invalid_argument(format!(
            "'{name}' cannot hold {len} bytes"
        )));
    }
    // SAFETY: `data` holds `len` readable bytes, by the caller's promise.
    Ok(Some(unsafe { std::slice::from_raw_parts(data, len) }))
}

/// `len` bytes at `data`, or an empty slice when `len` is 0.
pub(crate) fn slice<'a>(data: *const u8, len: usize) -> CallResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(CallError::new(
            glance_status::GLANCE_NULL_ARG,
            "'data' is NULL",
        ));
    }
    // No buffer is this large; such a length must not reach `from_raw_parts`
    // (found by tests/c_bad_input.rs).
    if len > isize::MAX as usize {
        return Err(CallError::invalid_argument(format!(
            "'len' ({len}) is larger than any buffer"
        )));
    }
    // SAFETY: `data` holds `len` readable bytes during the call, per the C contract.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// An array of `count` strings C passed (`items` may be NULL only when `count` is 0).
///
/// # Safety
/// `items` is NULL or points to `count` pointers, each NULL or a NUL-terminated string.
pub(crate) unsafe fn text_list<'a>(
    items: *const *const c_char,
    count: usize,
    name: &str,
) -> CallResult<Vec<&'a str>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(null(name));
    }
    // No array can hold more pointers than this; a larger count is a bug in
    // the caller that must not reach `from_raw_parts` (found by tests/c_bad_input.rs).
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(CallError::invalid_argument(format!(
            "'{name}' cannot hold {count} strings"
        )));
    }
    // SAFETY: `items` holds `count` pointers by the caller's promise.
    let pointers = unsafe { std::slice::from_raw_parts(items, count) };
    pointers
        .iter()
        .enumerate()
        // SAFETY: each element is NULL or a string, by the caller's promise.
        .map(|(i, &p)| unsafe { text(p, &format!("{name}[{i}]")) })
        .collect()
}

/// An out-parameter: checked for NULL up front, written only on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks an out-parameter C passed.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for writing a `T` (its current content is ignored).
    pub(crate) unsafe fn new(ptr: *mut T, name: &str) -> CallResult<Out<T>> {
        NonNull::new(ptr).map(Out).ok_or_else(|| null(name))
    }

    /// An out-parameter C may leave NULL when it does not want the value.
    ///
    /// # Safety
    /// As [`Out::new`].
    pub(crate) unsafe fn optional(ptr: *mut T) -> Option<Out<T>> {
        NonNull::new(ptr).map(Out)
    }

    /// Writes the result; the previous content is neither read nor dropped.
    pub(crate) fn set(self, value: T) {
        // SAFETY: checked non-NULL in `new`, writable by the caller's promise.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Hands a value to C as an owned handle.
pub(crate) fn give<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back and drops a handle made by [`give`]; NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or came from [`give`] for the same `T` and is not used again.
pub(crate) unsafe fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: made by `give` (Box::into_raw), by the caller's promise.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// A string for C to keep: NUL-terminated, freed with `glance_string_free`.
pub(crate) fn give_string(value: String) -> CallResult<*mut c_char> {
    CString::new(value).map(CString::into_raw).map_err(|e| {
        CallError::new(
            glance_status::GLANCE_INVALID_RESPONSE,
            format!("the text holds a NUL byte at offset {}", e.nul_position()),
        )
    })
}

/// A string to lend C; `None` when the value holds a NUL byte and so cannot be
/// a C string (the JSON form of the record still has it).
pub(crate) fn c_text(value: &str) -> Option<CString> {
    CString::new(value).ok()
}

/// The pointer C sees for a lent string: NULL when absent.
pub(crate) fn lend(value: &Option<CString>) -> *const c_char {
    value.as_deref().map_or(std::ptr::null(), CStr::as_ptr)
}

/// The pointer C sees for string number `index` of a list: NULL when out of
/// range or absent.
pub(crate) fn lend_at(items: &[Option<CString>], index: usize) -> *const c_char {
    items.get(index).map_or(std::ptr::null(), lend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::error::{glance_error_last, glance_error_message, glance_error_status};

    fn last_message() -> String {
        let error = glance_error_last();
        assert!(!error.is_null());
        unsafe { CStr::from_ptr(glance_error_message(error)) }
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_with_a_message() {
        let status = run(|| panic!("boom"));
        assert_eq!(status, glance_status::GLANCE_PANIC);
        assert_eq!(
            glance_error_status(glance_error_last()),
            glance_status::GLANCE_PANIC
        );
        assert!(last_message().contains("boom"), "{}", last_message());
        assert_eq!(value(7, || panic!("also boom")), 7);
    }

    #[test]
    fn success_clears_the_last_error() {
        run(|| Err(CallError::invalid_argument("bad")));
        assert_eq!(last_message(), "bad");
        assert_eq!(run(|| Ok(())), glance_status::GLANCE_OK);
        assert!(glance_error_last().is_null());
    }

    #[test]
    fn strings_are_checked() {
        let bad = [0xffu8, 0];
        let err = unsafe { text(bad.as_ptr().cast(), "name") }.unwrap_err();
        assert_eq!(err.status, glance_status::GLANCE_INVALID_UTF8);
        let err = unsafe { text(std::ptr::null(), "name") }.unwrap_err();
        assert_eq!(err.status, glance_status::GLANCE_NULL_ARG);
        assert_eq!(err.message, "'name' is NULL");
        let good = c"é";
        assert_eq!(unsafe { text(good.as_ptr(), "name") }.unwrap(), "é");
        let list = [good.as_ptr(), std::ptr::null()];
        let err = unsafe { text_list(list.as_ptr(), 2, "names") }.unwrap_err();
        assert_eq!(err.message, "'names[1]' is NULL");
        assert!(unsafe { text_list(std::ptr::null(), 0, "names") }
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_count_no_array_can_hold_is_refused() {
        let item = c"x".as_ptr();
        // SAFETY: the count is refused before the pointer is read past `item`.
        let result = unsafe { text_list(&item, usize::MAX, "ids") };
        assert!(matches!(result, Err(e) if e.status == glance_status::GLANCE_INVALID_ARG));
    }

    #[test]
    fn out_parameters_are_untouched_on_failure() {
        let mut slot = 5u32;
        let status = run(|| {
            let out = unsafe { Out::new(&mut slot, "out") }?;
            Err::<(), _>(CallError::invalid_argument("no"))?;
            out.set(9);
            Ok(())
        });
        assert_eq!(status, glance_status::GLANCE_INVALID_ARG);
        assert_eq!(slot, 5);
    }
}
