//! The status every fallible C function returns: its numbers, its fixed
//! texts, and the one each library error gets.

use std::ffi::CStr;

use crate::Error;

/// What a call did. `GLANCE_OK` (0) is success, `GLANCE_DONE` the end of an
/// iteration; every other value is a failure whose details are in
/// `glance_error_last()`.
///
/// The numbers are part of the ABI: they never change and are never reused.
/// Groups leave gaps for additions: 10-19 the caller's arguments and the
/// library itself, 20-29 local conditions, 30-39 the network, 50-99 failures
/// of particular calls a caller can act on (their HTTP status, when there is
/// one, is in `glance_error_http_status`), 400-599 other HTTP statuses (the
/// number is the status), 600 any other HTTP status.
///
/// C sees this as `uint32_t`; functions that take a status from C take a
/// `uint32_t` and accept any value.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum glance_status {
    /// Success.
    GLANCE_OK = 0,
    /// An iteration has no more items (not a failure).
    GLANCE_DONE = 1,
    /// A pointer argument was NULL.
    GLANCE_NULL_ARG = 10,
    /// A string argument was not valid UTF-8.
    GLANCE_INVALID_UTF8 = 11,
    /// An argument was rejected before any request was sent.
    GLANCE_INVALID_ARG = 12,
    /// A callback asked to stop.
    GLANCE_ABORTED = 13,
    /// A bug inside the library (a Rust panic, caught); please report it.
    GLANCE_PANIC = 14,
    /// Settings are missing or inconsistent (authentication, clouds.yaml, catalog).
    GLANCE_CONFIG = 20,
    /// A local file could not be read or written.
    GLANCE_IO = 21,
    /// A lookup by name found nothing.
    GLANCE_NO_MATCH = 22,
    /// A lookup by name found more than one candidate.
    GLANCE_AMBIGUOUS = 23,
    /// The connection could not be made or broke off.
    GLANCE_TRANSPORT = 30,
    /// A connect, stall or overall deadline expired.
    GLANCE_TIMEOUT = 31,
    /// The TLS handshake or certificate verification failed.
    GLANCE_TLS = 32,
    /// The server answered something that does not fit the API.
    GLANCE_INVALID_RESPONSE = 33,
    /// 404 on a member: the project is not a member of the image.
    GLANCE_NOT_A_MEMBER = 50,
    /// 409 on adding a member: the project already is one.
    GLANCE_ALREADY_MEMBER = 51,
    /// 403 on adding a member: the image's visibility is not `shared`.
    GLANCE_UNSHARABLE = 52,
    /// 403 on a member status change: only the member project may accept or reject.
    GLANCE_MEMBER_STATUS_FORBIDDEN = 53,
    /// 404 on an object-storage container that the call needs.
    GLANCE_NO_SUCH_CONTAINER = 54,
    /// A task ended with status `failure` (the message has the server's reason).
    GLANCE_TASK_FAILED = 55,
    /// Image data did not match its recorded digest (corrupted on the way).
    GLANCE_CHECKSUM_MISMATCH = 56,
    /// The image has no data to download yet (it is `queued`).
    GLANCE_NO_DATA = 57,
    /// An import ended without the data in every store asked for.
    GLANCE_IMPORT_FAILED = 58,
    /// The cloud does not offer what the call needs (an API version, an
    /// import method, a store); the message names what it offers.
    GLANCE_NOT_SUPPORTED = 59,
    /// HTTP 400: the server rejected the request as malformed.
    GLANCE_BAD_REQUEST = 400,
    /// HTTP 401: the credentials or token were refused.
    GLANCE_UNAUTHORIZED = 401,
    /// HTTP 403: the policy forbids this call.
    GLANCE_FORBIDDEN = 403,
    /// HTTP 404: no such resource, or it is not visible to this project.
    GLANCE_NOT_FOUND = 404,
    /// HTTP 409: the resource's state does not allow the call.
    GLANCE_CONFLICT = 409,
    /// HTTP 413: a size cap or quota was exceeded.
    GLANCE_TOO_LARGE = 413,
    /// HTTP 415: the server does not accept this content type.
    GLANCE_UNSUPPORTED_MEDIA_TYPE = 415,
    /// HTTP 503: the service is down or overloaded.
    GLANCE_SERVICE_UNAVAILABLE = 503,
    /// Any other failing HTTP status (see `glance_error_http_status`).
    GLANCE_HTTP = 600,
}

impl glance_status {
    /// Every status, for lookups from a number.
    pub(super) const ALL: [glance_status; 34] = [
        glance_status::GLANCE_OK,
        glance_status::GLANCE_DONE,
        glance_status::GLANCE_NULL_ARG,
        glance_status::GLANCE_INVALID_UTF8,
        glance_status::GLANCE_INVALID_ARG,
        glance_status::GLANCE_ABORTED,
        glance_status::GLANCE_PANIC,
        glance_status::GLANCE_CONFIG,
        glance_status::GLANCE_IO,
        glance_status::GLANCE_NO_MATCH,
        glance_status::GLANCE_AMBIGUOUS,
        glance_status::GLANCE_TRANSPORT,
        glance_status::GLANCE_TIMEOUT,
        glance_status::GLANCE_TLS,
        glance_status::GLANCE_INVALID_RESPONSE,
        glance_status::GLANCE_NOT_A_MEMBER,
        glance_status::GLANCE_ALREADY_MEMBER,
        glance_status::GLANCE_UNSHARABLE,
        glance_status::GLANCE_MEMBER_STATUS_FORBIDDEN,
        glance_status::GLANCE_NO_SUCH_CONTAINER,
        glance_status::GLANCE_TASK_FAILED,
        glance_status::GLANCE_CHECKSUM_MISMATCH,
        glance_status::GLANCE_NO_DATA,
        glance_status::GLANCE_IMPORT_FAILED,
        glance_status::GLANCE_NOT_SUPPORTED,
        glance_status::GLANCE_BAD_REQUEST,
        glance_status::GLANCE_UNAUTHORIZED,
        glance_status::GLANCE_FORBIDDEN,
        glance_status::GLANCE_NOT_FOUND,
        glance_status::GLANCE_CONFLICT,
        glance_status::GLANCE_TOO_LARGE,
        glance_status::GLANCE_UNSUPPORTED_MEDIA_TYPE,
        glance_status::GLANCE_SERVICE_UNAVAILABLE,
        glance_status::GLANCE_HTTP,
    ];

    /// The status C gets for a library error.
    pub(crate) fn of(error: &Error) -> glance_status {
        match error {
            Error::BadRequest(_) => glance_status::GLANCE_BAD_REQUEST,
            Error::Unauthorized(_) => glance_status::GLANCE_UNAUTHORIZED,
            Error::Forbidden(_) => glance_status::GLANCE_FORBIDDEN,
            Error::NotFound(_) => glance_status::GLANCE_NOT_FOUND,
            Error::Conflict(_) => glance_status::GLANCE_CONFLICT,
            Error::TooLarge(_) => glance_status::GLANCE_TOO_LARGE,
            Error::UnsupportedMediaType(_) => glance_status::GLANCE_UNSUPPORTED_MEDIA_TYPE,
            Error::ServiceUnavailable(_) => glance_status::GLANCE_SERVICE_UNAVAILABLE,
            Error::Http(_) => glance_status::GLANCE_HTTP,
            Error::NotAMember(_) => glance_status::GLANCE_NOT_A_MEMBER,
            Error::AlreadyMember(_) => glance_status::GLANCE_ALREADY_MEMBER,
            Error::Unsharable(_) => glance_status::GLANCE_UNSHARABLE,
            Error::MemberStatusForbidden(_) => glance_status::GLANCE_MEMBER_STATUS_FORBIDDEN,
            Error::NoSuchContainer(_) => glance_status::GLANCE_NO_SUCH_CONTAINER,
            Error::TaskFailed { .. } => glance_status::GLANCE_TASK_FAILED,
            Error::ChecksumMismatch { .. } => glance_status::GLANCE_CHECKSUM_MISMATCH,
            Error::NoData(_) => glance_status::GLANCE_NO_DATA,
            Error::ImportFailed { .. } => glance_status::GLANCE_IMPORT_FAILED,
            Error::NotSupported(_) => glance_status::GLANCE_NOT_SUPPORTED,
            Error::Aborted => glance_status::GLANCE_ABORTED,
            Error::Transport(_) => glance_status::GLANCE_TRANSPORT,
            Error::Timeout(_) => glance_status::GLANCE_TIMEOUT,
            Error::Tls(_) => glance_status::GLANCE_TLS,
            Error::InvalidResponse(_) => glance_status::GLANCE_INVALID_RESPONSE,
            Error::InvalidArgument(_) => glance_status::GLANCE_INVALID_ARG,
            Error::NoMatch(_) => glance_status::GLANCE_NO_MATCH,
            Error::Ambiguous(_) => glance_status::GLANCE_AMBIGUOUS,
            Error::Config(_) => glance_status::GLANCE_CONFIG,
            Error::Io { .. } => glance_status::GLANCE_IO,
            Error::LeftBehind { error, .. } => Self::of(error),
        }
    }

    /// A fixed description (NUL-terminated, for C).
    pub(super) fn text(self) -> &'static CStr {
        match self {
            glance_status::GLANCE_OK => c"success",
            glance_status::GLANCE_DONE => c"no more items",
            glance_status::GLANCE_NULL_ARG => c"a pointer argument was NULL",
            glance_status::GLANCE_INVALID_UTF8 => c"a string argument was not valid UTF-8",
            glance_status::GLANCE_INVALID_ARG => c"invalid argument",
            glance_status::GLANCE_ABORTED => c"aborted by a callback",
            glance_status::GLANCE_PANIC => c"internal error in glance-client",
            glance_status::GLANCE_CONFIG => c"configuration error",
            glance_status::GLANCE_IO => c"local file error",
            glance_status::GLANCE_NO_MATCH => c"no match",
            glance_status::GLANCE_AMBIGUOUS => c"ambiguous name",
            glance_status::GLANCE_TRANSPORT => c"connection failed",
            glance_status::GLANCE_TIMEOUT => c"timeout",
            glance_status::GLANCE_TLS => c"TLS error",
            glance_status::GLANCE_INVALID_RESPONSE => c"invalid response from the server",
            glance_status::GLANCE_NOT_A_MEMBER => c"not a member of the image",
            glance_status::GLANCE_ALREADY_MEMBER => c"already a member of the image",
            glance_status::GLANCE_UNSHARABLE => {
                c"image cannot be shared (visibility is not 'shared')"
            }
            glance_status::GLANCE_MEMBER_STATUS_FORBIDDEN => {
                c"only the member project may accept or reject"
            }
            glance_status::GLANCE_NO_SUCH_CONTAINER => c"no such container",
            glance_status::GLANCE_TASK_FAILED => c"task failed",
            glance_status::GLANCE_CHECKSUM_MISMATCH => c"image data does not match its checksum",
            glance_status::GLANCE_NO_DATA => c"the image has no data",
            glance_status::GLANCE_IMPORT_FAILED => c"image import failed",
            glance_status::GLANCE_NOT_SUPPORTED => c"not supported by this cloud",
            glance_status::GLANCE_BAD_REQUEST => c"bad request (HTTP 400)",
            glance_status::GLANCE_UNAUTHORIZED => c"unauthorized (HTTP 401)",
            glance_status::GLANCE_FORBIDDEN => c"forbidden (HTTP 403)",
            glance_status::GLANCE_NOT_FOUND => c"not found (HTTP 404)",
            glance_status::GLANCE_CONFLICT => c"conflict (HTTP 409)",
            glance_status::GLANCE_TOO_LARGE => c"too large (HTTP 413)",
            glance_status::GLANCE_UNSUPPORTED_MEDIA_TYPE => c"unsupported media type (HTTP 415)",
            glance_status::GLANCE_SERVICE_UNAVAILABLE => c"service unavailable (HTTP 503)",
            glance_status::GLANCE_HTTP => c"HTTP error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_change() {
        let pinned: Vec<u32> = glance_status::ALL.iter().map(|s| *s as u32).collect();
        assert_eq!(
            pinned,
            [
                0, 1, 10, 11, 12, 13, 14, 20, 21, 22, 23, 30, 31, 32, 33, 50, 51, 52, 53, 54, 55,
                56, 57, 58, 59, 400, 401, 403, 404, 409, 413, 415, 503, 600
            ]
        );
    }
}
