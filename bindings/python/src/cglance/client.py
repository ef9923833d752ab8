"""The client: every call of the Images API v2 the C library offers."""

from __future__ import annotations

import ctypes
import io
import json
import json as _json
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _data, _ffi
from ._handle import Handle
from .config import Config
from .image import Image, ImageIterator, ImagePage, Patch, PatchHandle
from .expected_digest import ExpectedDigest, digest_args
from .info import Capabilities, Quota, capabilities_from_json, usage_from_json
from .member import Member
from .object_store import ObjectStore, PathArg
from .options import (
    Framing,
    ImportOptions,
    ImportVia,
    ListOptions,
    NewImage,
    Progress,
    TaskListOptions,
    call_with_progress,
    from_kwargs,
    transfer_handle,
)
from .response import Response
from .task import Task, TaskIterator, TaskPage

Source = Union[str, "PathArg", bytes, bytearray, memoryview, io.IOBase, Any]


class Client(Handle):
    """A connection to the Image service (thread-safe, like the C client).

    Make one with :meth:`from_cloud`, :meth:`from_env`,
    :meth:`from_default_cloud`, :meth:`from_token` or a :class:`Config`;
    close it with ``close()`` or a ``with`` block (it is also freed when
    collected). Every call raises a :class:`~cglance.GlanceError` subclass on
    failure, and ``TypeError`` for an argument of the wrong type before any
    request. Many threads may use one client at once; close it only when
    none does.
    """

    _free_function = "glance_client_free"

    def __init__(self, _address: int, _wire_log: Any = None) -> None:
        if isinstance(_address, bool) or not isinstance(_address, int) or not _address:
            raise TypeError("make a Client with Client.from_cloud, from_env, from_token or Config().build()")
        super().__init__(_address)
        # The wire log trampoline must outlive every C object that may call it.
        self._wire_log = _wire_log

    # ------------------------------------------------------------ making one

    @staticmethod
    def builder() -> Config:
        """An empty :class:`Config` to set up and ``build()``."""
        return Config()

    @classmethod
    def from_cloud(cls, name: str) -> "Client":
        """A client for cloud ``name`` of clouds.yaml (where openstacksdk looks)."""
        return Config.from_cloud(name).build()

    @classmethod
    def from_default_cloud(cls) -> "Client":
        """A client for the clouds.yaml cloud named by ``OS_CLOUD``."""
        return Config.from_default_cloud().build()

    @classmethod
    def from_env(cls) -> "Client":
        """A client from the ``OS_*`` environment variables."""
        return Config.from_env().build()

    @classmethod
    def from_token(cls, endpoint: str, token: str) -> "Client":
        """A client sending an existing token to this Image endpoint."""
        return Config().endpoint(endpoint).token(token).build()

    # ------------------------------------------------------------ identity

    def auth_token(self) -> str:
        """The token sent now (authenticating first when there is none)."""
        return _ffi.call_string(_ffi.lib().glance_client_auth_token, self._ptr) or ""

    def project_id(self) -> Optional[str]:
        """The project the token is scoped to; None for a bare or unscoped token."""
        return _ffi.call_string(_ffi.lib().glance_client_project_id, self._ptr)

    def user_id(self) -> Optional[str]:
        """The authenticated user's id; None for a bare token."""
        return _ffi.call_string(_ffi.lib().glance_client_user_id, self._ptr)

    def endpoint_url(self, service: str = "image") -> str:
        """The base URL used for ``image`` or ``object-store``."""
        return (
            _ffi.call_string(_ffi.lib().glance_client_endpoint_url, self._ptr, _ffi.cstr(service, "service"))
            or ""
        )

    # ------------------------------------------------------------ images

    def _image_call(self, function: Callable[..., int], *args: Any) -> Image:
        return Image(_ffi.call_handle(function, self._ptr, *args))

    def get_image(self, image_id: str) -> Image:
        """The image with this id (:class:`NotFound` when there is none)."""
        return self._image_call(_ffi.lib().glance_image_get, _ffi.cstr(image_id, "image_id"))

    def find_image(self, name: str) -> Image:
        """The one image named exactly ``name`` (:class:`NoMatch`, :class:`Ambiguous`)."""
        return self._image_call(_ffi.lib().glance_image_find, _ffi.cstr(name, "name"))

    def create_image(self, fields: Optional[NewImage] = None, **kwargs: Any) -> Image:
        """Creates an image record (status ``queued``) from :class:`NewImage` fields.

        ``client.create_image(name="x", disk_format="raw", container_format="bare")``.
        """
        opts = from_kwargs(NewImage, fields, kwargs)
        with opts._handle() as handle:
            return self._image_call(_ffi.lib().glance_image_create, handle._ptr)

    def update_image(self, image_id: str, operations: Sequence[Patch]) -> Image:
        """Applies :class:`Patch` operations in one request; gives the updated image."""
        key = _ffi.cstr(image_id, "image_id")
        with PatchHandle(operations) as patch:
            return self._image_call(_ffi.lib().glance_image_update, key, patch._ptr)

    def set_properties(self, image_id: str, properties: Mapping[str, Any]) -> Image:
        """Makes the attributes what ``properties`` says; ``None`` removes one."""
        if not isinstance(properties, Mapping):
            raise TypeError(f"properties must be a mapping, not {type(properties).__name__}")
        for key in properties:
            _ffi.cstr(key, "each property name")
        document = json.dumps(dict(properties))
        return self._image_call(
            _ffi.lib().glance_image_set_properties,
            _ffi.cstr(image_id, "image_id"),
            _ffi.cstr(document, "properties"),
        )

    def rename_image(self, image_id: str, name: str) -> Image:
        """Renames an image; gives the updated image."""
        return self._image_call(
            _ffi.lib().glance_image_rename, _ffi.cstr(image_id, "image_id"), _ffi.cstr(name, "name")
        )

    def delete_image(self, image_id: str) -> None:
        """Deletes an image and its data."""
        _ffi.check(_ffi.lib().glance_image_delete(self._ptr, _ffi.cstr(image_id, "image_id")))

    def deactivate_image(self, image_id: str) -> None:
        """Makes an image's data undownloadable (but by admins) until reactivated."""
        _ffi.check(_ffi.lib().glance_image_deactivate(self._ptr, _ffi.cstr(image_id, "image_id")))

    def reactivate_image(self, image_id: str) -> None:
        """Reactivates a deactivated image."""
        _ffi.check(_ffi.lib().glance_image_reactivate(self._ptr, _ffi.cstr(image_id, "image_id")))

    # ------------------------------------------------------------ listing

    def list_images(self, options: Optional[ListOptions] = None, **filters: Any) -> ImagePage:
        """The first page of images matching :class:`ListOptions` (or keyword filters)."""
        opts = from_kwargs(ListOptions, options, filters)
        with opts._handle() as handle:
            address = _ffi.call_handle(_ffi.lib().glance_image_list, self._ptr, handle._ptr)
        return ImagePage(address, self.list_images_at)

    def list_images_at(self, link: str) -> ImagePage:
        """The page a link names (``page.next`` or ``page.first``)."""
        address = _ffi.call_handle(_ffi.lib().glance_image_list_at, self._ptr, _ffi.cstr(link, "link"))
        return ImagePage(address, self.list_images_at)

    def images(self, options: Optional[ListOptions] = None, **filters: Any) -> ImageIterator:
        """Every image matching the filters, page after page, fetched lazily.

        ``for image in client.images(status="active"): ...``; ``list(...)`` for all.
        """
        opts = from_kwargs(ListOptions, options, filters)
        with opts._handle() as handle:
            address = _ffi.call_handle(_ffi.lib().glance_image_iter_new, self._ptr, handle._ptr)
        return ImageIterator(address, self)

    # ------------------------------------------------------------ image data

    def upload(
        self,
        image_id: str,
        source: Source,
        *,
        size: Optional[int] = None,
        store: Optional[str] = None,
        framing: Optional[Framing] = None,
        verify: bool = True,
        progress: Optional[Progress] = None,
        multihash: Optional[str] = None,
        expected_digest: Optional[ExpectedDigest] = None,
    ) -> Image:
        """Uploads the data of a ``queued`` image; gives the image after the upload.

        ``source`` is a path (str or os.PathLike), a bytes-like object, or a
        readable binary file-like object (its ``size``: the bytes left when it
        can seek, else sent chunked). ``progress(done, total)`` returning
        False stops the upload (:class:`Aborted`); an exception it raises
        stops it too and is raised here. The data is verified against the
        digests Glance records unless ``verify`` is False; ``multihash`` names
        the cloud's hashing algorithm when it is not SHA-512 (``"sha256"``...).
        ``expected_digest=("sha256", "…")`` is the digest the data must have
        (its publisher's): on a mismatch the body is cut before its end, so
        Glance never gets the whole data, and :class:`ChecksumMismatch` is
        raised (checked even when ``verify`` is False).
        """
        key = _ffi.cstr(image_id, "image_id")
        if size is not None:
            _ffi.uint(size, "size", 63)
        state = _ffi.CallbackState()
        c = _ffi.lib()
        out = ctypes.c_void_p()
        if _data.is_path(source):
            path = _ffi.path_arg(source, "source")
            opts, keep = transfer_handle(
                state, store, framing, verify, False, progress, multihash, expected_digest=expected_digest
            )
            with opts:
                status = c.glance_image_upload_file(self._ptr, key, path, opts._ptr, ctypes.byref(out))
        elif _data.is_buffer(source):
            address, length, data_keep = _data.buffer_of(source)
            opts, keep = transfer_handle(
                state, store, framing, verify, False, progress, multihash, expected_digest=expected_digest
            )
            with opts:
                status = c.glance_image_upload_buffer(
                    self._ptr, key, address, length, opts._ptr, ctypes.byref(out)
                )
            del data_keep
        else:
            read = _data.reader(source, state)
            expected = size if size is not None else _data.remaining_size(source)
            opts, keep = transfer_handle(
                state, store, framing, verify, False, progress, multihash, expected_digest=expected_digest
            )
            with opts:
                status = c.glance_image_upload_callback(
                    self._ptr, key, read, None, -1 if expected is None else expected, opts._ptr, ctypes.byref(out)
                )
            del read
        del keep
        image = Image(out.value) if out.value else None
        if state.error is not None and image is not None:
            image.close()
        state.reraise()
        _ffi.check(status)
        return image if image is not None else self.get_image(image_id)

    def stage(
        self,
        image_id: str,
        source: Source,
        *,
        size: Optional[int] = None,
        framing: Optional[Framing] = None,
        progress: Optional[Progress] = None,
        expected_digest: Optional[ExpectedDigest] = None,
    ) -> None:
        """Stages data for a ``glance-direct`` import (follow with :meth:`import_image`).

        ``source`` is a path, a bytes-like object, or a readable binary
        file-like object streamed in constant memory (its ``size``: the bytes
        left when it can seek, else sent chunked). ``expected_digest`` as
        for :meth:`upload`.
        """
        key = _ffi.cstr(image_id, "image_id")
        if size is not None:
            _ffi.uint(size, "size", 63)
        state = _ffi.CallbackState()
        c = _ffi.lib()
        if _data.is_path(source):
            path = _ffi.path_arg(source, "source")
            opts, keep = transfer_handle(
                state, None, framing, True, False, progress, expected_digest=expected_digest
            )
            with opts:
                status = c.glance_image_stage_file(self._ptr, key, path, opts._ptr)
        elif _data.is_buffer(source):
            address, length, data_keep = _data.buffer_of(source)
            opts, keep = transfer_handle(
                state, None, framing, True, False, progress, expected_digest=expected_digest
            )
            with opts:
                status = c.glance_image_stage_buffer(self._ptr, key, address, length, opts._ptr)
            del data_keep
        else:
            read = _data.reader(source, state)
            expected = size if size is not None else _data.remaining_size(source)
            opts, keep = transfer_handle(
                state, None, framing, True, False, progress, expected_digest=expected_digest
            )
            with opts:
                status = c.glance_image_stage_callback(
                    self._ptr, key, read, None, -1 if expected is None else expected, opts._ptr
                )
            del read
        del keep
        state.reraise()
        _ffi.check(status)

    def download(
        self,
        image_id: str,
        destination: Union[PathArg, Any],
        *,
        verify: bool = True,
        restart: bool = False,
        progress: Optional[Progress] = None,
        prefer_stores: Optional[Sequence[str]] = None,
    ) -> int:
        """Downloads an image's data; gives the number of bytes.

        ``prefer_stores`` (store ids) makes Glance read from those stores rather
        than the image's others (among them the image's own location order
        applies; the others serve when the image is in none); a store the
        cloud does not have raises :class:`NotSupported`.

        ``destination`` is a path (written to ``<path>.<id>.part`` and renamed
        once verified; a partial file is resumed unless ``restart``, and one
        already whole is verified and renamed without a request) or a
        writable binary file-like object (it has seen every byte when a
        :class:`ChecksumMismatch` says not to trust them).

        The partial file is never reached through a symbolic link: a link or
        anything else that cannot be a partial file the library made raises
        :class:`LocalIOError` and is left alone; a new one gets the target's
        permissions, else 0600. Data longer than the image's recorded size
        raises :class:`InvalidResponse` before a byte past it is written.
        """
        key = _ffi.cstr(image_id, "image_id")
        state = _ffi.CallbackState()
        c = _ffi.lib()
        count = ctypes.c_uint64()
        if _data.is_path(destination):
            path = _ffi.path_arg(destination, "destination")
            opts, keep = transfer_handle(state, None, None, verify, restart, progress, prefer_stores=prefer_stores)
            with opts:
                status = c.glance_image_download_file(self._ptr, key, path, opts._ptr, ctypes.byref(count))
        else:
            write = _data.writer(destination, state)
            opts, keep = transfer_handle(state, None, None, verify, restart, progress, prefer_stores=prefer_stores)
            with opts:
                status = c.glance_image_download_callback(
                    self._ptr, key, write, None, opts._ptr, ctypes.byref(count)
                )
            del write
        del keep
        state.reraise()
        _ffi.check(status)
        return int(count.value)

    def download_bytes(
        self,
        image_id: str,
        *,
        verify: bool = True,
        progress: Optional[Progress] = None,
        prefer_stores: Optional[Sequence[str]] = None,
    ) -> bytes:
        """An image's data, verified, in memory (for small images)."""
        sink = io.BytesIO()
        self.download(image_id, sink, verify=verify, progress=progress, prefer_stores=prefer_stores)
        return sink.getvalue()

    # ------------------------------------------------------------ import

    def import_methods(self) -> List[str]:
        """The import methods the cloud offers (``glance-direct``, ``web-download``, ...)."""
        text = _ffi.call_string(_ffi.lib().glance_import_methods, self._ptr) or ""
        return [method for method in text.split(",") if method]

    def stores(self) -> List[Dict[str, Any]]:
        """The stores of a multi-store cloud: ``{"id", "description", "default", "read_only"}``."""
        result: List[Dict[str, Any]] = json.loads(_ffi.call_string(_ffi.lib().glance_stores_json, self._ptr) or "[]")
        return result

    def capabilities(self) -> Capabilities:
        """What the cloud offers: its highest Images API version, import methods and stores.

        Learned once per client (also from the headers of image creates), then
        answered from memory. A call the cloud cannot serve raises
        :class:`NotSupported` naming what is missing and what it offers.
        """
        return capabilities_from_json(_ffi.call_string(_ffi.lib().glance_capabilities_json, self._ptr))

    def usage(self) -> Dict[str, Quota]:
        """The project's quota usage (``GET /v2/info/usage``) by quota name, e.g.
        ``image_size_total``; empty when the cloud enforces no unified limits
        (:class:`NotSupported` before Images API 2.13)."""
        return usage_from_json(_ffi.call_string(_ffi.lib().glance_usage_json, self._ptr))

    def stores_detail(self) -> List[Dict[str, Any]]:
        """The stores with driver and settings (admin): ``{"id", "description", "default",
        "read_only", "type", "weight", "properties"}`` (:class:`NotSupported` before 2.15)."""
        text = _ffi.call_string(_ffi.lib().glance_stores_detail_json, self._ptr)
        result: List[Dict[str, Any]] = json.loads(text or "[]")
        return result

    def image_tasks(self, image_id: str) -> List[Dict[str, Any]]:
        """The image's import tasks, oldest first."""
        text = _ffi.call_string(_ffi.lib().glance_image_tasks_json, self._ptr, _ffi.cstr(image_id, "image_id"))
        result: List[Dict[str, Any]] = json.loads(text or "[]")
        return result

    def import_image(self, image_id: str, options: Optional[ImportOptions] = None, **kwargs: Any) -> None:
        """Starts an import (:class:`ImportOptions` or its fields); follow with :meth:`wait_import`."""
        opts = from_kwargs(ImportOptions, options, kwargs)
        key = _ffi.cstr(image_id, "image_id")
        with opts._handle() as handle:
            _ffi.check(_ffi.lib().glance_image_import(self._ptr, key, handle._ptr))

    def wait_import(
        self,
        image_id: str,
        *,
        interval: float = 1.0,
        timeout: Optional[float] = None,
        on_poll: Optional[Callable[[Image], Any]] = None,
        expected_digest: Optional[ExpectedDigest] = None,
    ) -> Image:
        """Polls until the import has ended; gives the active image.

        :class:`ImportFailed` when a store was left out; :class:`Timeout`
        after ``timeout`` seconds. ``on_poll(image)`` sees each poll and
        stops the wait (not the import) by returning False or raising.
        ``expected_digest=("sha256", "…")`` is the digest the imported data
        must have (e.g. the one a web-download's publisher announced): once
        the image is active it is compared with Glance's record of that
        algorithm, else the data is downloaded and hashed; on a mismatch the
        image is deleted and :class:`ChecksumMismatch` raised. A bad digest
        is refused before any request.
        """
        key = _ffi.cstr(image_id, "image_id")
        digest = None if expected_digest is None else digest_args(expected_digest)
        interval_ms = _ffi.milliseconds(interval, "interval")
        if interval_ms == 0:
            raise _invalid("interval must be more than 0 seconds")
        timeout_ms = _ffi.milliseconds(timeout, "timeout")
        if on_poll is not None and not callable(on_poll):
            raise TypeError(f"on_poll must be callable, not {type_name(on_poll)}")
        state = _ffi.CallbackState()
        callback = on_poll

        # Called after every poll even without on_poll: running Python code
        # lets Ctrl-C (KeyboardInterrupt) stop the wait.
        def seen(_userdata: Any, image: int) -> int:
            return state.guard(lambda: None if callback is None else callback(Image._copy_of(image)))

        poll = state.callback(_ffi.IMPORT_POLL_CB, seen)
        out = ctypes.c_void_p()
        interval_c = _ffi.uint(interval_ms, "interval", 32)
        if digest is None:
            status = _ffi.lib().glance_image_wait_import(
                self._ptr, key, interval_c, timeout_ms, poll, None, ctypes.byref(out)
            )
        else:
            status = _ffi.lib().glance_image_wait_import_expecting(
                self._ptr, key, interval_c, timeout_ms, digest[0], digest[1], poll, None, ctypes.byref(out)
            )
        image = Image(out.value) if out.value else None
        state.reraise()
        _ffi.check(status)
        assert image is not None
        return image

    def delete_from_store(self, image_id: str, store: str) -> None:
        """Removes the image's data from one store (admin by default)."""
        _ffi.check(
            _ffi.lib().glance_image_delete_from_store(
                self._ptr, _ffi.cstr(image_id, "image_id"), _ffi.cstr(store, "store")
            )
        )

    def create_with_data(
        self,
        source: Source,
        fields: Optional[NewImage] = None,
        *,
        size: Optional[int] = None,
        import_options: Optional[ImportOptions] = None,
        store: Optional[str] = None,
        framing: Optional[Framing] = None,
        verify: bool = True,
        progress: Optional[Progress] = None,
        expected_digest: Optional[ExpectedDigest] = None,
        **kwargs: Any,
    ) -> Image:
        """Creates an image and gives it its data in one call (upload, or stage + import).

        ``source`` is what :meth:`upload` takes: a path (str or os.PathLike),
        a bytes-like object, or a readable binary file-like object streamed in
        constant memory (its ``size``: the bytes left when it can seek, else
        sent chunked). The image fields are a :class:`NewImage` or its keyword
        arguments. When anything fails (the upload, the import, the reader or
        ``progress`` raising or stopping it) the new image is deleted again.
        ``expected_digest`` as for :meth:`upload`: on a mismatch no image is left.
        """
        if size is not None:
            _ffi.uint(size, "size", 63)
        c = _ffi.lib()

        def run(state: _ffi.CallbackState, create: Any, imp: Any, transfer: Any, out: Any) -> int:
            return _data.send(
                source,
                size,
                state,
                path=lambda path: c.glance_image_create_with_data(self._ptr, create, path, imp, transfer, out),
                buffer=lambda address, length: c.glance_image_create_with_data_buffer(
                    self._ptr, create, address, length, imp, transfer, out
                ),
                callback=lambda read, length: c.glance_image_create_with_data_callback(
                    self._ptr, create, read, None, length, imp, transfer, out
                ),
            )

        return self._create_with(
            run, fields, import_options, store, framing, verify, progress, kwargs, expected_digest=expected_digest
        )

    def create_image_like_openstacksdk(
        self,
        path: PathArg,
        fields: Optional[NewImage] = None,
        *,
        allow_duplicates: bool = False,
        import_options: Optional[ImportOptions] = None,
        store: Optional[str] = None,
        framing: Optional[Framing] = None,
        verify: bool = True,
        progress: Optional[Progress] = None,
        expected_digest: Optional[ExpectedDigest] = None,
        **kwargs: Any,
    ) -> Image:
        """As :meth:`create_with_data`, the way openstacksdk's ``create_image`` does it.

        The properties ``owner_specified.openstack.md5``, ``.sha256`` (the
        file's digests) and ``.object`` (``images/<name>``) are stamped on the
        image, and unless ``allow_duplicates`` an image already carrying the
        name and the file's digests is returned instead of uploading again.
        A name is required; :class:`Ambiguous` when several images carry it.
        ``expected_digest`` as for :meth:`upload`: on a mismatch no image is left.
        """
        if not isinstance(allow_duplicates, bool):
            raise TypeError(f"allow_duplicates must be a bool, not {type_name(allow_duplicates)}")
        file_path = _ffi.path_arg(path, "path")
        create_like: Callable[..., int] = _ffi.lib().glance_image_create_like_openstacksdk

        def run(state: _ffi.CallbackState, create: Any, imp: Any, transfer: Any, out: Any) -> int:
            return create_like(
                self._ptr, create, file_path, imp, transfer, allow_duplicates, out
            )

        return self._create_with(
            run, fields, import_options, store, framing, verify, progress, kwargs, expected_digest=expected_digest
        )

    def _create_with(
        self,
        run: Callable[[_ffi.CallbackState, Any, Any, Any, Any], int],
        fields: Optional[NewImage],
        import_options: Optional[ImportOptions],
        store: Optional[str],
        framing: Optional[Framing],
        verify: bool,
        progress: Optional[Progress],
        kwargs: Dict[str, Any],
        *,
        expected_digest: Optional[ExpectedDigest] = None,
    ) -> Image:
        """Runs a one-call create: ``run(state, create, import, transfer, out)`` makes the C call."""
        opts = from_kwargs(NewImage, fields, kwargs)
        if import_options is not None and not isinstance(import_options, ImportOptions):
            raise TypeError(f"import_options must be an ImportOptions, not {type(import_options).__name__}")
        state = _ffi.CallbackState()
        out = ctypes.c_void_p()
        with opts._handle() as create:
            transfer, keep = transfer_handle(
                state, store, framing, verify, False, progress, expected_digest=expected_digest
            )
            with transfer:
                if import_options is None:
                    status = run(state, create._ptr, None, transfer._ptr, ctypes.byref(out))
                else:
                    with import_options._handle() as imp:
                        status = run(state, create._ptr, imp._ptr, transfer._ptr, ctypes.byref(out))
        del keep
        image = Image(out.value) if out.value else None
        state.reraise()
        _ffi.check(status)
        assert image is not None
        return image

    # ------------------------------------------------------------ members

    def members(self, image_id: str) -> List[Member]:
        """The projects the image is shared with (a member sees only itself)."""
        c = _ffi.lib()
        address = _ffi.call_handle(c.glance_member_list, self._ptr, _ffi.cstr(image_id, "image_id"))
        try:
            return [Member._copy_of(c.glance_members_get(address, i)) for i in range(c.glance_members_count(address))]
        finally:
            c.glance_members_free(address)

    def get_member(self, image_id: str, member_id: str) -> Member:
        """One member of an image (:class:`NotAMember` when the project is not one)."""
        address = _ffi.call_handle(
            _ffi.lib().glance_member_get,
            self._ptr,
            _ffi.cstr(image_id, "image_id"),
            _ffi.cstr(member_id, "member_id"),
        )
        return Member(address)

    def add_member(self, image_id: str, member_id: str) -> Member:
        """Shares the image with project ``member_id`` (it starts ``pending``)."""
        address = _ffi.call_handle(
            _ffi.lib().glance_member_add,
            self._ptr,
            _ffi.cstr(image_id, "image_id"),
            _ffi.cstr(member_id, "member_id"),
        )
        return Member(address)

    def remove_member(self, image_id: str, member_id: str) -> None:
        """Stops sharing the image with project ``member_id``."""
        _ffi.check(
            _ffi.lib().glance_member_remove(
                self._ptr, _ffi.cstr(image_id, "image_id"), _ffi.cstr(member_id, "member_id")
            )
        )

    def update_member_status(self, image_id: str, member_id: str, status: str) -> Member:
        """Answers a share as member ``member_id``: ``accepted``, ``rejected`` or ``pending``."""
        address = _ffi.call_handle(
            _ffi.lib().glance_member_update_status,
            self._ptr,
            _ffi.cstr(image_id, "image_id"),
            _ffi.cstr(member_id, "member_id"),
            _ffi.cstr(status, "status"),
        )
        return Member(address)

    def update_own_member_status(self, image_id: str, status: str) -> Member:
        """Answers a share as the client's own project."""
        address = _ffi.call_handle(
            _ffi.lib().glance_member_update_own_status,
            self._ptr,
            _ffi.cstr(image_id, "image_id"),
            _ffi.cstr(status, "status"),
        )
        return Member(address)

    # ------------------------------------------------------------ tags

    def add_tag(self, image_id: str, tag: str) -> None:
        """Adds a tag (adding one the image has is not an error)."""
        _ffi.check(_ffi.lib().glance_tag_add(self._ptr, _ffi.cstr(image_id, "image_id"), _ffi.cstr(tag, "tag")))

    def remove_tag(self, image_id: str, tag: str) -> None:
        """Removes a tag (:class:`NoMatch` when the image does not have it)."""
        _ffi.check(_ffi.lib().glance_tag_remove(self._ptr, _ffi.cstr(image_id, "image_id"), _ffi.cstr(tag, "tag")))

    def replace_tags(self, image_id: str, tags: Sequence[str]) -> Image:
        """Makes the image's tags exactly ``tags``; gives the updated image."""
        key = _ffi.cstr(image_id, "image_id")
        items = _ffi.str_list(tags, "tags")
        array = _ffi.c_array(items) if items else None
        return self._image_call(_ffi.lib().glance_tag_replace_all, key, array, len(items))

    # ------------------------------------------------------------ schemas

    def schema(self, name: str) -> Dict[str, Any]:
        """A schema (``images``, ``image``, ``members``, ``member``, ``tasks``, ``task``), parsed."""
        text = _ffi.call_string(_ffi.lib().glance_schema_get, self._ptr, _ffi.cstr(name, "name"))
        result: Dict[str, Any] = json.loads(text or "{}")
        return result

    # ------------------------------------------------------------ any path

    def request(
        self,
        method: str,
        path: str,
        headers: Optional[Union[Mapping[str, str], Sequence[Tuple[str, str]]]] = None,
        body: Optional[Union[bytes, bytearray, memoryview, str]] = None,
        *,
        json: Any = None,
    ) -> Response:
        """Sends any request to the Images API and gives the :class:`Response`.

        ``path`` is relative to the image endpoint (``/v2/metadefs/namespaces``,
        query included, sent as given) or an absolute URL on the endpoint's own
        scheme, host and port; another host is refused before any request, so
        the token never leaves. ``headers`` are added to the client's own
        (``X-Auth-Token``, ``Content-Length`` and ``Host`` are refused).
        ``body`` (bytes, or str sent as UTF-8) or ``json`` (encoded here) is
        sent with the ``Content-Type`` of ``headers``, JSON by default. The
        request goes through the client's authentication (renewal, one retry
        after a 401) and retries (idempotent methods only); a status outside
        2xx raises the error every other call raises for it (:class:`NotFound`,
        :class:`Forbidden`, ...), with Glance's message and the request id.
        """
        if body is not None and json is not None:
            raise TypeError("give body or json, not both")
        if json is not None:
            body = _json.dumps(json)
        if isinstance(body, str):
            body = body.encode("utf-8")
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        lines = []
        for pair in pairs:
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                raise TypeError(f"each header must be a (name, value) pair of str, not {pair!r}")
            if ":" in pair[0]:
                raise _invalid(f"header name {pair[0]!r} holds a ':'")
            lines.append(_ffi.cstr(f"{pair[0]}: {pair[1]}", "header"))
        address, length, keep = _data.buffer_of(body) if body is not None else (None, 0, None)
        try:
            handle = _ffi.call_handle(
                _ffi.lib().glance_request,
                self._ptr,
                _ffi.cstr(method, "method"),
                _ffi.cstr(path, "path"),
                _ffi.c_array(lines) if lines else None,
                len(lines),
                address,
                length,
            )
        finally:
            del keep
        return Response._take(handle)

    # ------------------------------------------------------------ tasks

    def _task_call(self, function: Callable[..., int], *args: Any) -> Task:
        return Task(_ffi.call_handle(function, self._ptr, *args))

    def get_task(self, task_id: str) -> Task:
        """A task, input, result and message included."""
        return self._task_call(_ffi.lib().glance_task_get, _ffi.cstr(task_id, "task_id"))

    def create_task(self, type: str, input: Mapping[str, Any]) -> Task:
        """Creates a task of ``type`` with ``input`` (a JSON object) as given."""
        if not isinstance(input, Mapping):
            raise TypeError(f"input must be a mapping, not {type_name(input)}")
        return self._task_call(
            _ffi.lib().glance_task_create, _ffi.cstr(type, "type"), _ffi.cstr(json.dumps(dict(input)), "input")
        )

    def create_import_task(
        self, import_from: str, import_from_format: str, image_properties: Mapping[str, Any]
    ) -> Task:
        """An upstream ``import`` task: Glance fetches ``import_from`` into a new image (admin)."""
        if not isinstance(image_properties, Mapping):
            raise TypeError(f"image_properties must be a mapping, not {type_name(image_properties)}")
        return self._task_call(
            _ffi.lib().glance_task_create_import,
            _ffi.cstr(import_from, "import_from"),
            _ffi.cstr(import_from_format, "import_from_format"),
            _ffi.cstr(json.dumps(dict(image_properties)), "image_properties"),
        )

    def create_export_task(self, store: ObjectStore, image_id: str, container: str) -> Task:
        """A Rackspace ``export`` task copying the image into an existing container."""
        _check_store(store)
        return self._task_call(
            _ffi.lib().glance_task_create_export,
            store._ptr,
            _ffi.cstr(image_id, "image_id"),
            _ffi.cstr(container, "container"),
        )

    def create_container_import_task(
        self,
        store: ObjectStore,
        container: str,
        name: str,
        image_name: Optional[str] = None,
        disk_format: Optional[str] = None,
    ) -> Task:
        """A Rackspace ``import`` task making an image of ``container/name`` (format default ``vhd``)."""
        _check_store(store)
        return self._task_call(
            _ffi.lib().glance_task_create_container_import,
            store._ptr,
            _ffi.cstr(container, "container"),
            _ffi.cstr(name, "object"),
            _ffi.opt_cstr(image_name, "image_name"),
            _ffi.opt_cstr(disk_format, "disk_format"),
        )

    def wait_task(
        self,
        task_id: str,
        *,
        interval: float = 1.0,
        timeout: Optional[float] = None,
        on_poll: Optional[Callable[[Task], Any]] = None,
    ) -> Task:
        """Polls until the task ends; :class:`TaskFailed` with the server's reason if it failed.

        ``on_poll(task)`` stops the wait (not the task) by returning False or raising.
        """
        key = _ffi.cstr(task_id, "task_id")
        interval_ms = _ffi.milliseconds(interval, "interval")
        timeout_ms = _ffi.milliseconds(timeout, "timeout")
        if on_poll is not None and not callable(on_poll):
            raise TypeError(f"on_poll must be callable, not {type_name(on_poll)}")
        state = _ffi.CallbackState()
        callback = on_poll

        # Called after every poll even without on_poll, so Ctrl-C can stop the wait.
        def seen(_userdata: Any, task: int) -> int:
            return state.guard(lambda: None if callback is None else callback(Task._copy_of(task)))

        poll = state.callback(_ffi.TASK_WAIT_CB, seen)
        out = ctypes.c_void_p()
        status = _ffi.lib().glance_task_wait(self._ptr, key, interval_ms, timeout_ms, poll, None, ctypes.byref(out))
        task = Task(out.value) if out.value else None
        state.reraise()
        _ffi.check(status)
        assert task is not None
        return task

    def list_tasks(self, options: Optional[TaskListOptions] = None, **filters: Any) -> TaskPage:
        """The first page of tasks matching :class:`TaskListOptions` (or keyword filters)."""
        opts = from_kwargs(TaskListOptions, options, filters)
        with opts._handle() as handle:
            address = _ffi.call_handle(_ffi.lib().glance_task_list, self._ptr, handle._ptr)
        return TaskPage(address, self.list_tasks_at)

    def list_tasks_at(self, link: str) -> TaskPage:
        """The task page a link names (``page.next``)."""
        address = _ffi.call_handle(_ffi.lib().glance_task_list_at, self._ptr, _ffi.cstr(link, "link"))
        return TaskPage(address, self.list_tasks_at)

    def tasks(self, options: Optional[TaskListOptions] = None, **filters: Any) -> TaskIterator:
        """Every task matching the filters, fetched lazily page after page."""
        opts = from_kwargs(TaskListOptions, options, filters)
        with opts._handle() as handle:
            address = _ffi.call_handle(_ffi.lib().glance_task_iter_new, self._ptr, handle._ptr)
        return TaskIterator(address, self)

    # ------------------------------------------------------------ object storage and journeys

    def object_store(self, url: Optional[str] = None) -> ObjectStore:
        """The catalog's object storage, or the one at ``url`` (an account URL)."""
        c = _ffi.lib()
        if url is None:
            return ObjectStore(_ffi.call_handle(c.glance_object_store_new, self._ptr), self)
        return ObjectStore(_ffi.call_handle(c.glance_object_store_at, self._ptr, _ffi.cstr(url, "url")), self)

    def export_to_container(
        self,
        image_id: str,
        store: ObjectStore,
        container: str,
        name: Optional[str] = None,
        segment_size: int = 0,
        *,
        progress: Optional[Progress] = None,
    ) -> str:
        """Streams the image's data and description into ``container`` (which must exist).

        Gives the object's name (default ``<image id>.<disk format>``).
        ``progress`` as in :meth:`upload` (phase ``MOVING``); False or an
        exception stops the export and leaves nothing in the container.
        """
        _check_store(store)
        key = _ffi.cstr(image_id, "image_id")
        where = _ffi.cstr(container, "container")
        object_name = _ffi.opt_cstr(name, "name")
        segments = _ffi.uint(segment_size, "segment_size")
        out = ctypes.c_void_p()
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_image_export_to_container_opts(
                self._ptr, key, store._ptr, where, object_name, segments, opts, ctypes.byref(out)
            ),
        )
        return _ffi.take_string(out.value) or ""

    def import_from_container(
        self,
        store: ObjectStore,
        container: str,
        object_name: str,
        name: Optional[str] = None,
        via: ImportVia = ImportVia.AUTO,
        *,
        progress: Optional[Progress] = None,
    ) -> Image:
        """Makes an image of an object :meth:`export_to_container` wrote (same data, verified).

        ``progress`` as in :meth:`upload` (phase ``MOVING``, or ``IMPORTING``
        while Glance fetches the object itself); False or an exception stops
        the import and leaves no image.
        """
        _check_store(store)
        if isinstance(via, bool) or not isinstance(via, int):
            raise TypeError(f"via must be an ImportVia, not {type_name(via)}")
        where = _ffi.cstr(container, "container")
        key = _ffi.cstr(object_name, "object_name")
        image_name = _ffi.opt_cstr(name, "name")
        method = _ffi.uint(int(via), "via", 32)
        out = ctypes.c_void_p()
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_image_import_from_container_opts(
                self._ptr, store._ptr, where, key, image_name, method, opts, ctypes.byref(out)
            ),
        )
        return Image(_ffi.handle_out(out))

    def copy_image_to(
        self,
        image_id: str,
        target: "Client",
        name: Optional[str] = None,
        *,
        progress: Optional[Progress] = None,
    ) -> Image:
        """Copies an image into ``target``'s cloud or region (same data, verified); gives the copy.

        ``progress`` as in :meth:`upload` (phase ``MOVING``); False or an
        exception stops the copy and leaves no image in the target.
        """
        if not isinstance(target, Client):
            raise TypeError(f"target must be a Client, not {type_name(target)}")
        key = _ffi.cstr(image_id, "image_id")
        copy_name = _ffi.opt_cstr(name, "name")
        out = ctypes.c_void_p()
        call_with_progress(
            progress,
            lambda opts: _ffi.lib().glance_image_copy_to_opts(
                self._ptr, key, target._ptr, copy_name, opts, ctypes.byref(out)
            ),
        )
        return Image(_ffi.handle_out(out))


def type_name(value: Any) -> str:
    """The name of value's type, for messages."""
    return type(value).__name__


def _check_store(store: Any) -> None:
    if not isinstance(store, ObjectStore):
        raise TypeError(f"store must be an ObjectStore, not {type_name(store)}")


def _invalid(message: str) -> Exception:
    from .errors import InvalidArgument, Status

    return InvalidArgument(message, status=Status.INVALID_ARG)
