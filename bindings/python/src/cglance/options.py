"""Options of calls: listing filters, new image fields, imports, transfers.

Each is a plain dataclass; the client turns it into the C options handle for
the call, refusing wrong types with ``TypeError`` before any C code runs.
The keyword arguments of :meth:`Client.images`, :meth:`Client.create_image`
and the others are these dataclasses' fields.
"""

from __future__ import annotations

import enum
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _ffi
from ._handle import Handle
from .info import store_list as _store_list
from .expected_digest import ExpectedDigest, set_expected_digest


class Phase(str, enum.Enum):
    """What a progress report is about."""

    TRANSFER = "transfer"
    """One upload or download on its own: done and total are its bytes."""
    MOVING = "moving"
    """A copy's, export's or import's data moving (download and upload at once)."""
    IMPORTING = "importing"
    """Glance processing an import: done and total are 0."""


_PHASES = {0: Phase.TRANSFER, 1: Phase.MOVING, 2: Phase.IMPORTING}


class ProgressReport(NamedTuple):
    """One progress report: bytes done, the total (0 when unknown), the phase."""

    done: int
    total: int
    phase: Phase


Progress = Union[Callable[[int, int], Any], Callable[[ProgressReport], Any]]
"""``progress(report)`` with a :class:`ProgressReport`, or ``progress(done, total)``
(bytes moved and the total, 0 when unknown); return False to stop."""


def _takes_report(callback: Callable[..., Any]) -> bool:
    """Whether the callback takes one positional argument (a ProgressReport), not (done, total)."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p for p in parameters if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return False
    return len(positional) == 1


class Framing(enum.IntEnum):
    """How an upload's body is framed."""

    AUTO = 0
    """Chunked; where the front end refuses chunked bodies (uWSGI, Apache's
    mod_proxy_uwsgi) the upload is sent again with Content-Length, and the
    client's later uploads use it at once. A one-shot stream of known size
    goes with Content-Length until a chunked upload has gone through the
    client, as it could not be sent again."""
    CONTENT_LENGTH = 1
    """Always Content-Length; an upload of unknown size is refused."""
    CHUNKED = 2
    """Always chunked, never falling back."""


class ImportVia(enum.IntEnum):
    """How :meth:`Client.import_from_container` brings the object's data to Glance."""

    STREAM = 0
    """Read by this process and uploaded."""
    WEB_DOWNLOAD = 1
    """Fetched by Glance itself from a temporary URL."""
    AUTO = 2
    """web-download when a temp URL key and the method allow it, else stream."""


def _pairs(value: Any, what: str) -> List[Tuple[bytes, bytes]]:
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise TypeError(f"{what} must be a list of pairs, not {type(value).__name__}")
    pairs = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError(f"each of {what} must be a pair of str")
        pairs.append((_ffi.cstr(item[0], what), _ffi.cstr(item[1], what)))
    return pairs


@dataclass
class ListOptions:
    """What :meth:`Client.images` and :meth:`Client.list_images` list; every field optional."""

    limit: Optional[int] = None
    """Page size (the server may cap it)."""
    marker: Optional[str] = None
    id: Optional[str] = None
    id_in: Optional[Sequence[str]] = None
    name: Optional[str] = None
    name_in: Optional[Sequence[str]] = None
    visibility: Optional[str] = None
    """``public``, ``private``, ``shared``, ``community`` or ``all``."""
    member_status: Optional[str] = None
    owner: Optional[str] = None
    tags: Optional[Sequence[str]] = None
    """Images carrying every one of these tags."""
    status: Optional[str] = None
    status_in: Optional[Sequence[str]] = None
    size_min: Optional[int] = None
    size_max: Optional[int] = None
    sort_key: Optional[str] = None
    """The legacy single sort key (not with ``sort``)."""
    sort_dir: Optional[str] = None
    sort: Optional[Sequence[Tuple[str, str]]] = None
    """``[("created_at", "desc"), ("name", "asc")]``."""
    created_at: Optional[Sequence[Tuple[str, str]]] = None
    """Conditions ``[(op, iso_time)]``, op ``gt``, ``gte``, ``lt``, ``lte``, ``eq``, ``neq``."""
    updated_at: Optional[Sequence[Tuple[str, str]]] = None
    os_hidden: Optional[bool] = None
    protected: Optional[bool] = None
    properties: Optional[Mapping[str, str]] = None
    """Custom properties that must have exactly these values."""
    disk_format: Optional[str] = None
    disk_format_in: Optional[Sequence[str]] = None
    container_format: Optional[str] = None
    container_format_in: Optional[Sequence[str]] = None

    _STRINGS = (
        "marker",
        "id",
        "name",
        "visibility",
        "member_status",
        "owner",
        "status",
        "sort_key",
        "sort_dir",
        "disk_format",
        "container_format",
    )
    _LISTS = ("id_in", "name_in", "status_in", "disk_format_in", "container_format_in")

    def _handle(self) -> "_ListOptsHandle":
        c = _ffi.lib()
        handle = _ListOptsHandle(c.glance_list_opts_new())
        try:
            ptr = handle._ptr
            if self.limit is not None:
                _ffi.check(c.glance_list_opts_set_limit(ptr, _ffi.uint(self.limit, "limit", 32)))
            for name in self._STRINGS:
                value = getattr(self, name)
                if value is not None:
                    setter = getattr(c, f"glance_list_opts_set_{name}")
                    _ffi.check(setter(ptr, _ffi.cstr(value, name)))
            for name in self._LISTS:
                value = getattr(self, name)
                if value is not None:
                    items = _ffi.str_list(value, name)
                    setter = getattr(c, f"glance_list_opts_set_{name}")
                    _ffi.check(setter(ptr, _ffi.c_array(items), len(items)))
            for tag in _ffi.str_list(self.tags or [], "tags"):
                _ffi.check(c.glance_list_opts_add_tag(ptr, tag))
            if self.size_min is not None:
                _ffi.check(c.glance_list_opts_set_size_min(ptr, _ffi.uint(self.size_min, "size_min")))
            if self.size_max is not None:
                _ffi.check(c.glance_list_opts_set_size_max(ptr, _ffi.uint(self.size_max, "size_max")))
            for key, direction in _pairs(self.sort or [], "sort"):
                _ffi.check(c.glance_list_opts_add_sort(ptr, key, direction))
            for op, time in _pairs(self.created_at or [], "created_at"):
                _ffi.check(c.glance_list_opts_add_created_at(ptr, op, time))
            for op, time in _pairs(self.updated_at or [], "updated_at"):
                _ffi.check(c.glance_list_opts_add_updated_at(ptr, op, time))
            if self.os_hidden is not None:
                _ffi.check(c.glance_list_opts_set_os_hidden(ptr, _ffi.flag(self.os_hidden, "os_hidden")))
            if self.protected is not None:
                _ffi.check(c.glance_list_opts_set_protected(ptr, _ffi.flag(self.protected, "protected")))
            for key, value in _pairs(self.properties or {}, "properties"):
                _ffi.check(c.glance_list_opts_add_property(ptr, key, value))
        except BaseException:
            handle.close()
            raise
        return handle


class _ListOptsHandle(Handle):
    _free_function = "glance_list_opts_free"


@dataclass
class NewImage:
    """The fields of an image to create (:meth:`Client.create_image`); unset ones take the server's defaults."""

    name: Optional[str] = None
    disk_format: Optional[str] = None
    container_format: Optional[str] = None
    visibility: Optional[str] = None
    id: Optional[str] = None
    """A UUID of your choice instead of the server's."""
    tags: Sequence[str] = field(default_factory=list)
    properties: Mapping[str, str] = field(default_factory=dict)
    """Custom properties (string values)."""
    min_disk: Optional[int] = None
    min_ram: Optional[int] = None
    protected: Optional[bool] = None
    os_hidden: Optional[bool] = None

    def _handle(self) -> "_CreateOptsHandle":
        c = _ffi.lib()
        handle = _CreateOptsHandle(c.glance_image_create_opts_new())
        try:
            ptr = handle._ptr
            for name in ("id", "name", "disk_format", "container_format", "visibility"):
                value = getattr(self, name)
                if value is not None:
                    setter = getattr(c, f"glance_image_create_opts_set_{name}")
                    _ffi.check(setter(ptr, _ffi.cstr(value, name)))
            for key, value in _pairs(self.properties, "properties"):
                _ffi.check(c.glance_image_create_opts_set_property(ptr, key, value))
            for tag in _ffi.str_list(self.tags, "tags"):
                _ffi.check(c.glance_image_create_opts_add_tag(ptr, tag))
            if self.min_disk is not None:
                _ffi.check(c.glance_image_create_opts_set_min_disk(ptr, _ffi.uint(self.min_disk, "min_disk")))
            if self.min_ram is not None:
                _ffi.check(c.glance_image_create_opts_set_min_ram(ptr, _ffi.uint(self.min_ram, "min_ram")))
            if self.protected is not None:
                flag = _ffi.flag(self.protected, "protected")
                _ffi.check(c.glance_image_create_opts_set_protected(ptr, flag))
            if self.os_hidden is not None:
                flag = _ffi.flag(self.os_hidden, "os_hidden")
                _ffi.check(c.glance_image_create_opts_set_os_hidden(ptr, flag))
        except BaseException:
            handle.close()
            raise
        return handle


class _CreateOptsHandle(Handle):
    _free_function = "glance_image_create_opts_free"


@dataclass
class ImportOptions:
    """An interoperable import: its method and the stores to fill."""

    method: str = "glance-direct"
    """``glance-direct``, ``web-download`` (with ``uri``), ``copy-image`` or
    ``glance-download`` (with ``remote_image_id`` and ``remote_region``)."""
    uri: Optional[str] = None
    stores: Sequence[str] = field(default_factory=list)
    all_stores: bool = False
    all_stores_must_succeed: bool = True
    remote_image_id: Optional[str] = None
    """glance-download: the image of the other region's Glance."""
    remote_region: Optional[str] = None
    """glance-download: that region's name."""
    remote_service_interface: Optional[str] = None
    """glance-download: the catalog interface to reach it (``public`` when None)."""

    def _handle(self) -> "_ImportOptsHandle":
        c = _ffi.lib()
        handle = _ImportOptsHandle(c.glance_import_opts_new())
        try:
            ptr = handle._ptr
            method = _ffi.cstr(self.method, "method")
            if self.method == "glance-download":
                if self.remote_image_id is None or self.remote_region is None:
                    from .errors import InvalidArgument, Status

                    raise InvalidArgument(
                        "glance-download needs remote_image_id and remote_region", status=Status.INVALID_ARG
                    )
                _ffi.check(
                    c.glance_import_opts_set_glance_download(
                        ptr,
                        _ffi.cstr(self.remote_image_id, "remote_image_id"),
                        _ffi.cstr(self.remote_region, "remote_region"),
                        _ffi.opt_cstr(self.remote_service_interface, "remote_service_interface"),
                    )
                )
            else:
                _ffi.check(c.glance_import_opts_set_method(ptr, method, _ffi.opt_cstr(self.uri, "uri")))
            for store in _ffi.str_list(self.stores, "stores"):
                _ffi.check(c.glance_import_opts_add_store(ptr, store))
            _ffi.check(c.glance_import_opts_set_all_stores(ptr, _ffi.flag(self.all_stores, "all_stores")))
            must = _ffi.flag(self.all_stores_must_succeed, "all_stores_must_succeed")
            _ffi.check(c.glance_import_opts_set_all_stores_must_succeed(ptr, must))
        except BaseException:
            handle.close()
            raise
        return handle


class _ImportOptsHandle(Handle):
    _free_function = "glance_import_opts_free"


@dataclass
class TaskListOptions:
    """What :meth:`Client.tasks` and :meth:`Client.list_tasks` list."""

    limit: Optional[int] = None
    marker: Optional[str] = None
    type: Optional[str] = None
    status: Optional[str] = None
    sort: Optional[Tuple[str, str]] = None
    """``(key, "asc" | "desc")``."""

    def _handle(self) -> "_TaskListOptsHandle":
        c = _ffi.lib()
        handle = _TaskListOptsHandle(c.glance_task_list_opts_new())
        try:
            ptr = handle._ptr
            if self.limit is not None:
                _ffi.check(c.glance_task_list_opts_set_limit(ptr, _ffi.uint(self.limit, "limit", 32)))
            for name in ("marker", "type", "status"):
                value = getattr(self, name)
                if value is not None:
                    setter = getattr(c, f"glance_task_list_opts_set_{name}")
                    _ffi.check(setter(ptr, _ffi.cstr(value, name)))
            if self.sort is not None:
                ((key, direction),) = _pairs([self.sort], "sort")
                _ffi.check(c.glance_task_list_opts_set_sort(ptr, key, direction))
        except BaseException:
            handle.close()
            raise
        return handle


class _TaskListOptsHandle(Handle):
    _free_function = "glance_task_list_opts_free"


class _TransferOptsHandle(Handle):
    _free_function = "glance_transfer_opts_free"


def transfer_handle(
    state: _ffi.CallbackState,
    store: Optional[str] = None,
    framing: Optional[Framing] = None,
    verify: bool = True,
    restart: bool = False,
    progress: Optional[Progress] = None,
    multihash: Optional[str] = None,
    *,
    prefer_stores: Optional[Sequence[str]] = None,
    expected_digest: Optional[ExpectedDigest] = None,
) -> Tuple[_TransferOptsHandle, Any]:
    """Transfer options for one call, and the progress trampoline to keep alive during it."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, not {type(progress).__name__}")
    if framing is not None and (isinstance(framing, bool) or not isinstance(framing, int)):
        raise TypeError(f"framing must be a Framing, not {type(framing).__name__}")
    c = _ffi.lib()
    handle = _TransferOptsHandle(c.glance_transfer_opts_new())
    trampoline = None
    try:
        ptr = handle._ptr
        if store is not None:
            _ffi.check(c.glance_transfer_opts_set_store(ptr, _ffi.cstr(store, "store")))
        if framing is not None:
            _ffi.check(c.glance_transfer_opts_set_framing(ptr, _ffi.uint(int(framing), "framing", 32)))
        _ffi.check(c.glance_transfer_opts_set_skip_verification(ptr, not _ffi.flag(verify, "verify")))
        _ffi.check(c.glance_transfer_opts_set_restart(ptr, _ffi.flag(restart, "restart")))
        if multihash is not None:
            _ffi.check(c.glance_transfer_opts_set_multihash(ptr, _ffi.cstr(multihash, "multihash")))
        if prefer_stores is not None:
            stores = _ffi.cstr(_store_list(prefer_stores), "prefer_stores")
            _ffi.check(c.glance_transfer_opts_set_prefer_stores(ptr, stores))
        if expected_digest is not None:
            set_expected_digest(ptr, expected_digest)
        # Without a callback of the caller's, one that does nothing: running
        # Python code during the transfer lets Ctrl-C (KeyboardInterrupt)
        # stop it within 100 ms instead of when the C call returns.
        callback: Callable[..., Any] = progress if progress is not None else _ignore_progress
        if _takes_report(callback):

            def report_phase(_userdata: Any, done: int, total: int, phase: int) -> int:
                report = ProgressReport(done, total, _PHASES.get(phase, Phase.TRANSFER))
                return state.guard(lambda: callback(report))

            trampoline = state.callback(_ffi.PHASE_PROGRESS_CB, report_phase)
            _ffi.check(c.glance_transfer_opts_set_phase_progress(ptr, trampoline, None))
        else:

            def report(_userdata: Any, done: int, total: int) -> int:
                return state.guard(lambda: callback(done, total))

            trampoline = state.callback(_ffi.PROGRESS_CB, report)
            _ffi.check(c.glance_transfer_opts_set_progress(ptr, trampoline, None))
    except BaseException:
        handle.close()
        raise
    return handle, trampoline


def _ignore_progress(done: int, total: int) -> None:
    """The progress callback of transfers whose caller gave none."""


def call_with_progress(
    progress: Optional[Progress],
    invoke: Callable[[Any], int],
    state: Optional[_ffi.CallbackState] = None,
) -> None:
    """Runs ``invoke(options)`` with transfer options carrying ``progress``.

    Raises what a callback of the call (``state``: shared with its data
    callbacks) raised, else the call's failure. Without a callback of the
    caller's, one that does nothing still runs, so Ctrl-C stops a long
    journey within 100 ms.
    """
    state = state if state is not None else _ffi.CallbackState()
    opts, keep = transfer_handle(state, progress=progress)
    with opts:
        status = invoke(opts._ptr)
    del keep
    state.reraise()
    _ffi.check(status)


def from_kwargs(cls: Any, options: Any, kwargs: Dict[str, Any]) -> Any:
    """``options`` (an instance of cls) or a new cls(**kwargs); not both."""
    if options is not None:
        if kwargs:
            raise TypeError("give either an options object or keyword arguments, not both")
        if not isinstance(options, cls):
            raise TypeError(f"options must be a {cls.__name__}, not {type(options).__name__}")
        return options
    return cls(**kwargs)


__all__ = ["Framing", "ImportVia", "ListOptions", "NewImage", "ImportOptions", "TaskListOptions", "Progress"]
