"""cglance: the OpenStack Images API v2 (Glance) from Python, over glance-client's C library.

Every byte of logic lives in the native library (``libglance_client.so``),
reached through ctypes: no compiler is needed to install this package, only
the library, found through ``CGLANCE_LIBRARY=/path/to/libglance_client.so``
or the system loader (after ``make install``).

    import cglance

    with cglance.Client.from_cloud("demo") as client:
        for image in client.images(status="active"):
            print(image.id, image.name)

Failures raise :class:`GlanceError` subclasses (:class:`NotFound`,
:class:`Conflict`, ...) with ``status``, ``http_status``, ``message`` and
``request_id``.
"""

from ._ffi import LIBRARY_ENV, library_source, library_version, package_version, status_text
from .client import Client
from .config import Config, WireEvent
from .errors import (
    Aborted,
    AlreadyMember,
    Ambiguous,
    BadRequest,
    ChecksumMismatch,
    ConfigError,
    Conflict,
    Forbidden,
    GlanceError,
    HTTPError,
    ImportFailed,
    NotSupported,
    InternalError,
    InvalidArgument,
    InvalidResponse,
    InvalidUtf8,
    LibraryNotFound,
    LocalIOError,
    MemberStatusForbidden,
    NoData,
    NoMatch,
    NoSuchContainer,
    NotAMember,
    NotFound,
    NullArgument,
    ServiceUnavailable,
    Status,
    TaskFailed,
    Timeout,
    TLSError,
    TooLarge,
    TransportError,
    Unauthorized,
    Unsharable,
    UnsupportedMediaType,
)
from .image import Image, ImageIterator, ImagePage, Patch
from .info import Capabilities, Quota
from .member import Member
from .object_store import ObjectEntry, ObjectInfo, ObjectStore
from .response import Response
from .options import Framing, ImportOptions, ImportVia, ListOptions, NewImage, TaskListOptions
from .options import Phase, ProgressReport
from .task import Task, TaskIterator, TaskPage

__version__ = package_version() or "0+unknown"
"""The installed distribution's version (the crate's); its library must be the same."""

__all__ = [
    "LIBRARY_ENV",
    "library_source",
    "library_version",
    "status_text",
    "Client",
    "Config",
    "WireEvent",
    "Image",
    "ImageIterator",
    "ImagePage",
    "Patch",
    "Member",
    "ObjectEntry",
    "ObjectInfo",
    "ObjectStore",
    "Response",
    "Framing",
    "ImportOptions",
    "ImportVia",
    "ListOptions",
    "NewImage",
    "TaskListOptions",
    "Phase",
    "ProgressReport",
    "Task",
    "TaskIterator",
    "TaskPage",
    "Status",
    "GlanceError",
    "LibraryNotFound",
    "Aborted",
    "AlreadyMember",
    "Ambiguous",
    "BadRequest",
    "ChecksumMismatch",
    "ConfigError",
    "Conflict",
    "Forbidden",
    "HTTPError",
    "ImportFailed",
    "Capabilities",
    "Quota",
    "NotSupported",
    "InternalError",
    "InvalidArgument",
    "InvalidResponse",
    "InvalidUtf8",
    "LocalIOError",
    "MemberStatusForbidden",
    "NoData",
    "NoMatch",
    "NoSuchContainer",
    "NotAMember",
    "NotFound",
    "NullArgument",
    "ServiceUnavailable",
    "TaskFailed",
    "Timeout",
    "TLSError",
    "TooLarge",
    "TransportError",
    "Unauthorized",
    "Unsharable",
    "UnsupportedMediaType",
]
