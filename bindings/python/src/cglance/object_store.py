"""Object storage (Swift) reached with a client's token: containers, objects, temp URLs."""

from __future__ import annotations

import ctypes
import io
import os
from typing import Any, List, NamedTuple, Optional, Union

from . import _data, _ffi
from ._handle import Handle
from .options import Progress, call_with_progress

PathArg = Union[str, "os.PathLike[str]"]


class ObjectEntry(NamedTuple):
    """One object of a container listing."""

    name: str
    hash: Optional[str]
    size: int


class ObjectInfo(Handle):
    """What Swift says about one object (``HEAD``), a snapshot."""

    _free_function = "glance_object_info_free"

    @property
    def size(self) -> int:
        """The object's size in bytes."""
        return int(_ffi.lib().glance_object_info_size(self._ptr))

    @property
    def etag(self) -> Optional[str]:
        """The ETag without quotes."""
        return _ffi.text(_ffi.lib().glance_object_info_etag(self._ptr))

    @property
    def content_type(self) -> Optional[str]:
        """The content type."""
        return _ffi.text(_ffi.lib().glance_object_info_content_type(self._ptr))

    @property
    def is_large(self) -> bool:
        """Whether the object is made of segments (static or dynamic large object)."""
        return bool(_ffi.lib().glance_object_info_is_large(self._ptr))

    def metadata(self, name: str) -> Optional[str]:
        """The value of ``X-Object-Meta-<name>`` (any case); None when absent."""
        return _ffi.text(_ffi.lib().glance_object_info_metadata(self._ptr, _ffi.cstr(name, "name")))


class ObjectStore(Handle):
    """The object storage of a cloud (``client.object_store()``). Thread-safe like the client."""

    _free_function = "glance_object_store_free"

    def __init__(self, address: int, client: object) -> None:
        super().__init__(address)
        # Kept alive: the client's wire-log trampoline must outlive this store.
        self._client = client

    @property
    def url(self) -> str:
        """The storage (account) URL (may authenticate first to read the catalog)."""
        return _ffi.call_string(_ffi.lib().glance_object_store_url, self._ptr) or ""

    def container_exists(self, container: str) -> bool:
        """Whether the container exists."""
        exists = ctypes.c_bool()
        _ffi.check(
            _ffi.lib().glance_container_exists(
                self._ptr, _ffi.cstr(container, "container"), ctypes.byref(exists)
            )
        )
        return bool(exists.value)

    def require_container(self, container: str) -> None:
        """Returns when the container exists; raises :class:`NoSuchContainer` otherwise."""
        _ffi.check(_ffi.lib().glance_container_require(self._ptr, _ffi.cstr(container, "container")))

    def create_container(self, container: str) -> None:
        """Creates a container; an existing one is left as it is."""
        _ffi.check(_ffi.lib().glance_container_create(self._ptr, _ffi.cstr(container, "container")))

    def delete_container(self, container: str) -> None:
        """Deletes an empty container (:class:`Conflict` when it holds objects)."""
        _ffi.check(_ffi.lib().glance_container_delete(self._ptr, _ffi.cstr(container, "container")))

    def list_objects(self, container: str, prefix: Optional[str] = None) -> List[ObjectEntry]:
        """The container's objects (every page) whose names start with ``prefix``."""
        c = _ffi.lib()
        address = _ffi.call_handle(
            c.glance_object_list,
            self._ptr,
            _ffi.cstr(container, "container"),
            _ffi.opt_cstr(prefix, "prefix"),
        )
        try:
            return [
                ObjectEntry(
                    _ffi.text(c.glance_objects_name(address, i)) or "",
                    _ffi.text(c.glance_objects_hash(address, i)),
                    int(c.glance_objects_size(address, i)),
                )
                for i in range(c.glance_objects_count(address))
            ]
        finally:
            c.glance_objects_free(address)

    def object_info(self, container: str, name: str) -> ObjectInfo:
        """What Swift says about ``container/name`` (:class:`NotFound` when absent)."""
        return ObjectInfo(
            _ffi.call_handle(
                _ffi.lib().glance_object_info_get,
                self._ptr,
                _ffi.cstr(container, "container"),
                _ffi.cstr(name, "object"),
            )
        )

    def upload_file(
        self,
        container: str,
        name: str,
        path: PathArg,
        segment_size: int = 0,
        *,
        progress: Optional[Progress] = None,
    ) -> None:
        """Uploads a file as ``container/name``; above ``segment_size`` bytes (0: 1 GiB) in segments.

        ``progress`` as in :meth:`Client.upload`; False or an exception stops
        the upload and leaves no object or segment.
        """
        where = _ffi.cstr(container, "container")
        key = _ffi.cstr(name, "object")
        file = _ffi.path_arg(path, "path")
        segments = _ffi.uint(segment_size, "segment_size")
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_object_upload_file_opts(self._ptr, where, key, file, segments, opts),
        )

    def upload(
        self,
        container: str,
        name: str,
        source: Any,
        *,
        size: Optional[int] = None,
        segment_size: int = 0,
        progress: Optional[Progress] = None,
    ) -> int:
        """Uploads bytes or a readable binary file-like object as ``container/name``; the bytes stored.

        With a ``size`` (a seekable file's remaining bytes and bytes' length
        are known without one) exactly that many bytes are read; above
        ``segment_size`` bytes (0: 1 GiB), or of unknown size, the object goes
        up in segments as a Static Large Object. Memory stays constant.
        ``progress`` as in :meth:`Client.upload`.
        """
        if size is not None:
            _ffi.uint(size, "size", 63)
        if _data.is_buffer(source):
            source = io.BytesIO(source)
        where = _ffi.cstr(container, "container")
        key = _ffi.cstr(name, "object")
        segments = _ffi.uint(segment_size, "segment_size")
        state = _ffi.CallbackState()
        read = _data.reader(source, state)
        expected = size if size is not None else _data.remaining_size(source)
        stored = ctypes.c_uint64()
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_object_upload_callback_opts(
                self._ptr,
                where,
                key,
                read,
                None,
                -1 if expected is None else expected,
                segments,
                opts,
                ctypes.byref(stored),
            ),
            state,
        )
        return int(stored.value)

    def download(self, container: str, name: str, sink: Any, *, progress: Optional[Progress] = None) -> int:
        """Streams ``container/name`` into a writable binary file-like object; the bytes written.

        The data is checked against Swift's ETag as it streams: a
        :class:`ChecksumMismatch` after the last byte says not to trust them.
        ``progress`` as in :meth:`Client.download`.
        """
        where = _ffi.cstr(container, "container")
        key = _ffi.cstr(name, "object")
        state = _ffi.CallbackState()
        write = _data.writer(sink, state)
        count = ctypes.c_uint64()
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_object_download_callback_opts(
                self._ptr, where, key, write, None, opts, ctypes.byref(count)
            ),
            state,
        )
        return int(count.value)

    def download_file(
        self, container: str, name: str, path: PathArg, *, progress: Optional[Progress] = None
    ) -> None:
        """Downloads ``container/name`` into a file, checked against Swift's ETag.

        ``progress`` as in :meth:`Client.download`; False or an exception
        stops the download and leaves no file.
        """
        where = _ffi.cstr(container, "container")
        key = _ffi.cstr(name, "object")
        file = _ffi.path_arg(path, "path")
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_object_download_file_opts(self._ptr, where, key, file, opts),
        )

    def delete_object(self, container: str, name: str, *, keep_segments: bool = False) -> None:
        """Deletes an object and, unless ``keep_segments``, the segments it owns.

        A Dynamic Large Object's segments go only where its manifest
        legitimately points (its own container, or
        ``<container>_segments/<name>/``); a manifest pointing elsewhere raises
        :class:`InvalidArgument` before anything is deleted. With
        ``keep_segments`` only the object itself (a manifest) is deleted, in
        one request, even when its segment container is gone.
        """
        delete = _ffi.lib().glance_object_delete_keep_segments if keep_segments else _ffi.lib().glance_object_delete
        _ffi.check(delete(self._ptr, _ffi.cstr(container, "container"), _ffi.cstr(name, "object")))

    def temp_url_key(self, container: str) -> Optional[str]:
        """The key temp URLs for the container can be signed with; None when none is set."""
        return _ffi.call_string(
            _ffi.lib().glance_container_temp_url_key, self._ptr, _ffi.cstr(container, "container")
        )

    def temp_url_key_for_object(self, container: str, name: str) -> Optional[str]:
        """The key a temp URL for the whole object must be signed with; None when none reaches it.

        A large object's segments are read under the same signature, and a
        container's key reaches that container only: with segments elsewhere
        only the account's key will do.
        """
        return _ffi.call_string(
            _ffi.lib().glance_object_temp_url_key,
            self._ptr,
            _ffi.cstr(container, "container"),
            _ffi.cstr(name, "object"),
        )

    def set_temp_url_key(self, container: str, key: str) -> None:
        """Sets the container's temporary URL key."""
        _ffi.check(
            _ffi.lib().glance_container_set_temp_url_key(
                self._ptr, _ffi.cstr(container, "container"), _ffi.cstr(key, "key")
            )
        )

    def temp_url(self, container: str, name: str, key: str, lifetime: int) -> str:
        """A URL from which anyone can GET the object for ``lifetime`` seconds."""
        return (
            _ffi.call_string(
                _ffi.lib().glance_object_temp_url,
                self._ptr,
                _ffi.cstr(container, "container"),
                _ffi.cstr(name, "object"),
                _ffi.cstr(key, "key"),
                _ffi.uint(lifetime, "lifetime"),
            )
            or ""
        )
