"""Exceptions mirroring the C library's status codes (``glance_status``).

Every failure of a call into the library raises a :class:`GlanceError`
subclass chosen by the status it returned; each carries the ``status``, the
``http_status`` the server answered (0 when the failure was not an HTTP
answer), the library's ``message`` and the server's ``request_id``
(``x-openstack-request-id``, ``None`` when there was none), so a failure can
be reported to an operator with everything needed to find it in the logs.
"""

from __future__ import annotations

import enum
from typing import Dict, Optional, Type


class Status(enum.IntEnum):
    """The ``glance_status`` codes of ``include/glance.h`` (numbers never change)."""

    OK = 0
    DONE = 1
    NULL_ARG = 10
    INVALID_UTF8 = 11
    INVALID_ARG = 12
    ABORTED = 13
    PANIC = 14
    CONFIG = 20
    IO = 21
    NO_MATCH = 22
    AMBIGUOUS = 23
    TRANSPORT = 30
    TIMEOUT = 31
    TLS = 32
    INVALID_RESPONSE = 33
    NOT_A_MEMBER = 50
    ALREADY_MEMBER = 51
    UNSHARABLE = 52
    MEMBER_STATUS_FORBIDDEN = 53
    NO_SUCH_CONTAINER = 54
    TASK_FAILED = 55
    CHECKSUM_MISMATCH = 56
    NO_DATA = 57
    IMPORT_FAILED = 58
    NOT_SUPPORTED = 59
    BAD_REQUEST = 400
    UNAUTHORIZED = 401
    FORBIDDEN = 403
    NOT_FOUND = 404
    CONFLICT = 409
    TOO_LARGE = 413
    UNSUPPORTED_MEDIA_TYPE = 415
    SERVICE_UNAVAILABLE = 503
    HTTP = 600


class GlanceError(Exception):
    """A call into the library failed.

    Attributes:
        status: the :class:`Status` (or the raw number for one this package
            does not know yet).
        http_status: the HTTP status the server answered, 0 when none.
        message: what failed and why, as the library words it.
        request_id: the ``x-openstack-request-id`` of the failed request, or None.
    """

    status: int

    def __init__(
        self,
        message: str,
        status: Optional[int] = None,
        http_status: int = 0,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        if status is None:
            status = _STATUS_OF.get(type(self), Status.HTTP)
        try:
            self.status = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        self.http_status = http_status
        self.request_id = request_id

    def __str__(self) -> str:
        return self.message


class LibraryNotFound(ImportError):
    """The shared library ``libglance_client.so`` could not be loaded.

    The message lists every place that was tried.
    """


class NullArgument(GlanceError):
    """The library was handed a NULL pointer (a bug in this package)."""


class InvalidUtf8(GlanceError, ValueError):
    """A string was not valid UTF-8."""


class InvalidArgument(GlanceError, ValueError):
    """An argument was rejected before any request was sent."""


class Aborted(GlanceError):
    """A callback asked to stop (returned ``False``)."""


class InternalError(GlanceError):
    """A bug inside the library (a Rust panic, caught); please report it."""


class ConfigError(GlanceError):
    """Settings are missing or inconsistent (authentication, clouds.yaml, catalog)."""


class LocalIOError(GlanceError, OSError):
    """A local file could not be read or written."""


class NoMatch(GlanceError, LookupError):
    """A lookup by name (or a tag removal) found nothing."""


class Ambiguous(GlanceError, LookupError):
    """A lookup by name found more than one candidate."""


class TransportError(GlanceError, ConnectionError):
    """The connection could not be made or broke off."""


class Timeout(GlanceError, TimeoutError):
    """A connect, stall or overall deadline expired."""


class TLSError(GlanceError):
    """The TLS handshake or certificate verification failed."""


class InvalidResponse(GlanceError):
    """The server answered something that does not fit the API."""


class HTTPError(GlanceError):
    """The server answered with a failing HTTP status (``http_status``)."""


class BadRequest(HTTPError):
    """HTTP 400: the server rejected the request as malformed."""


class Unauthorized(HTTPError):
    """HTTP 401: the credentials or token were refused."""


class Forbidden(HTTPError):
    """HTTP 403: the policy forbids this call."""


class NotFound(HTTPError, LookupError):
    """HTTP 404: no such resource, or it is not visible to this project."""


class Conflict(HTTPError):
    """HTTP 409: the resource's state does not allow the call."""


class TooLarge(HTTPError):
    """HTTP 413: a size cap or quota was exceeded."""


class UnsupportedMediaType(HTTPError):
    """HTTP 415: the server does not accept this content type."""


class ServiceUnavailable(HTTPError):
    """HTTP 503: the service is down or overloaded."""


class NotAMember(NotFound):
    """404 on a member: the project is not a member of the image."""


class AlreadyMember(Conflict):
    """409 on adding a member: the project already is one."""


class Unsharable(Forbidden):
    """403 on adding a member: the image's visibility is not ``shared``."""


class MemberStatusForbidden(Forbidden):
    """403 on a member status change: only the member project may answer."""


class NoSuchContainer(NotFound):
    """404 on an object-storage container that the call needs."""


class TaskFailed(GlanceError):
    """A task ended with status ``failure`` (the message has the server's reason)."""


class ChecksumMismatch(GlanceError):
    """Image or object data did not match its recorded digest."""


class NoData(GlanceError):
    """The image has no data to download (it is not active)."""


class ImportFailed(GlanceError):
    """An import ended without the data in every store asked for."""


class NotSupported(GlanceError):
    """The cloud does not offer what the call needs (an API version, an import method, a store)."""


ERROR_CLASSES: Dict[int, Type[GlanceError]] = {
    Status.NULL_ARG: NullArgument,
    Status.INVALID_UTF8: InvalidUtf8,
    Status.INVALID_ARG: InvalidArgument,
    Status.ABORTED: Aborted,
    Status.PANIC: InternalError,
    Status.CONFIG: ConfigError,
    Status.IO: LocalIOError,
    Status.NO_MATCH: NoMatch,
    Status.AMBIGUOUS: Ambiguous,
    Status.TRANSPORT: TransportError,
    Status.TIMEOUT: Timeout,
    Status.TLS: TLSError,
    Status.INVALID_RESPONSE: InvalidResponse,
    Status.NOT_A_MEMBER: NotAMember,
    Status.ALREADY_MEMBER: AlreadyMember,
    Status.UNSHARABLE: Unsharable,
    Status.MEMBER_STATUS_FORBIDDEN: MemberStatusForbidden,
    Status.NO_SUCH_CONTAINER: NoSuchContainer,
    Status.TASK_FAILED: TaskFailed,
    Status.CHECKSUM_MISMATCH: ChecksumMismatch,
    Status.NO_DATA: NoData,
    Status.IMPORT_FAILED: ImportFailed,
    Status.NOT_SUPPORTED: NotSupported,
    Status.BAD_REQUEST: BadRequest,
    Status.UNAUTHORIZED: Unauthorized,
    Status.FORBIDDEN: Forbidden,
    Status.NOT_FOUND: NotFound,
    Status.CONFLICT: Conflict,
    Status.TOO_LARGE: TooLarge,
    Status.UNSUPPORTED_MEDIA_TYPE: UnsupportedMediaType,
    Status.SERVICE_UNAVAILABLE: ServiceUnavailable,
    Status.HTTP: HTTPError,
}

_STATUS_OF: Dict[type, int] = {cls: status for status, cls in ERROR_CLASSES.items()}


def error_class(status: int) -> Type[GlanceError]:
    """The exception class for a status: its own, else by HTTP range, else GlanceError."""
    cls = ERROR_CLASSES.get(status)
    if cls is not None:
        return cls
    if 400 <= status <= 600:
        return HTTPError
    return GlanceError
