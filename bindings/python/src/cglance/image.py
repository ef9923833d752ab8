"""Images: records, pages of a listing, the lazy iterator over every page, patches."""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, List, Optional

from . import _ffi
from ._handle import Handle
from ._paging import Page, Pager, Record


class Image(Record):
    """An image record as the server returned it (a snapshot: fetch it again to see changes).

    Owns a ``glance_image``; attributes are read from it on access. Close it
    (or use ``with``) to free it at once; otherwise it is freed when collected.
    """

    _free_function = "glance_image_free"
    _clone_function = "glance_image_clone"

    def copy(self) -> "Image":
        """An independent copy of this record."""
        return Image._copy_of(self._ptr)

    def _str(self, getter: str) -> Optional[str]:
        return _ffi.text(getattr(_ffi.lib(), getter)(self._ptr))

    @property
    def id(self) -> str:
        """The image id (a UUID)."""
        return self._str("glance_image_id") or ""

    @property
    def name(self) -> Optional[str]:
        """The name, or None."""
        return self._str("glance_image_name")

    @property
    def status(self) -> str:
        """``queued``, ``saving``, ``active``, ``importing``, ``deactivated``, ..."""
        return self._str("glance_image_status") or ""

    @property
    def visibility(self) -> str:
        """``public``, ``private``, ``shared`` or ``community``."""
        return self._str("glance_image_visibility") or ""

    @property
    def owner(self) -> Optional[str]:
        """The owning project's id."""
        return self._str("glance_image_owner")

    @property
    def checksum(self) -> Optional[str]:
        """The MD5 of the data, hex (legacy); None before upload."""
        return self._str("glance_image_checksum")

    @property
    def os_hash_algo(self) -> Optional[str]:
        """The multihash algorithm (e.g. ``sha512``); None before upload."""
        return self._str("glance_image_os_hash_algo")

    @property
    def os_hash_value(self) -> Optional[str]:
        """The multihash of the data, hex; None before upload."""
        return self._str("glance_image_os_hash_value")

    @property
    def disk_format(self) -> Optional[str]:
        """``raw``, ``qcow2``, ...; None when unset."""
        return self._str("glance_image_disk_format")

    @property
    def container_format(self) -> Optional[str]:
        """``bare``, ``ovf``, ...; None when unset."""
        return self._str("glance_image_container_format")

    @property
    def created_at(self) -> Optional[str]:
        """The creation time, ISO 8601."""
        return self._str("glance_image_created_at")

    @property
    def updated_at(self) -> Optional[str]:
        """The last update time, ISO 8601."""
        return self._str("glance_image_updated_at")

    @property
    def protected(self) -> bool:
        """Whether the image is protected from deletion."""
        return bool(_ffi.lib().glance_image_protected(self._ptr))

    @property
    def os_hidden(self) -> bool:
        """Whether the image is hidden from default listings."""
        return bool(_ffi.lib().glance_image_os_hidden(self._ptr))

    def _size(self, getter: str) -> Optional[int]:
        size = ctypes.c_uint64()
        known = getattr(_ffi.lib(), getter)(self._ptr, ctypes.byref(size))
        return size.value if known else None

    @property
    def size(self) -> Optional[int]:
        """The size of the data in bytes; None when unknown (no data yet)."""
        return self._size("glance_image_size")

    @property
    def virtual_size(self) -> Optional[int]:
        """The size of the virtual disk in bytes; None when unknown."""
        return self._size("glance_image_virtual_size")

    @property
    def min_disk(self) -> int:
        """The minimum disk in GiB."""
        return int(_ffi.lib().glance_image_min_disk(self._ptr))

    @property
    def min_ram(self) -> int:
        """The minimum RAM in MiB."""
        return int(_ffi.lib().glance_image_min_ram(self._ptr))

    @property
    def tags(self) -> List[str]:
        """The tags."""
        c = _ffi.lib()
        count = c.glance_image_tag_count(self._ptr)
        return [_ffi.text(c.glance_image_tag(self._ptr, i)) or "" for i in range(count)]

    @property
    def stores(self) -> List[str]:
        """The stores holding the data (empty when the server does not say)."""
        c = _ffi.lib()
        count = c.glance_image_store_count(self._ptr)
        return [_ffi.text(c.glance_image_store(self._ptr, i)) or "" for i in range(count)]

    def keys(self) -> List[str]:
        """Every top-level attribute's name, in alphabetical order."""
        c = _ffi.lib()
        count = c.glance_image_property_count(self._ptr)
        return [_ffi.text(c.glance_image_property_key(self._ptr, i)) or "" for i in range(count)]

    def get(self, key: str, default: Optional[str] = None) -> Optional[str]:
        """Any attribute by name: a string as it is, any other value as compact JSON.

        ``default`` when the attribute is absent or null.
        """
        value = _ffi.lib().glance_image_property(self._ptr, _ffi.cstr(key, "key"))
        return default if value is None else _ffi.text(value)

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and "\0" not in key and self.get(key) is not None

    @property
    def properties(self) -> Dict[str, str]:
        """Every attribute with a value, as ``get`` gives it."""
        result = {}
        for key in self.keys():
            value = self.get(key)
            if value is not None:
                result[key] = value
        return result

    def to_json(self) -> str:
        """The whole record as a JSON object, every attribute included."""
        return _ffi.call_string(_ffi.lib().glance_image_to_json, self._ptr) or "{}"

    def to_dict(self) -> Dict[str, Any]:
        """The whole record, parsed."""
        result: Dict[str, Any] = json.loads(self.to_json())
        return result

    def __repr__(self) -> str:
        if self.closed:
            return "<Image (closed)>"
        return f"<Image {self.id} {self.name!r} {self.status}>"


class ImagePage(Page[Image]):
    """One page of a listing: its images and the links to the next and first pages."""

    _free_function = "glance_image_page_free"
    _record = Image

    def _c(self, name: str) -> Any:
        return getattr(_ffi.lib(), f"glance_image_page_{name}")

    @property
    def images(self) -> List[Image]:
        """The images of the page (copies that outlive the page)."""
        return list(self)


class ImageIterator(Pager[Image]):
    """Every image of a listing, page after page, fetched lazily (``for image in client.images()``).

    After a failure or the last image it is finished. It keeps what it needs
    of the client, so it may outlive a closed client.
    """

    _free_function = "glance_image_iter_free"
    _next_function = "glance_image_iter_next"
    _record = Image


class Patch:
    """One update operation for :meth:`Client.update_image`.

    A ``str`` value is sent as a string; any other value (list, int, bool,
    dict) as JSON: ``Patch.add("tags", ["a"])``, ``Patch.replace("min_ram", 512)``.
    """

    __slots__ = ("op", "key", "value")

    def __init__(self, op: str, key: str, value: Any = None) -> None:
        if op not in ("add", "replace", "remove"):
            raise ValueError(f"unknown patch operation {op!r}")
        _ffi.cstr(key, "key")
        self.op = op
        self.key = key
        self.value = value

    @classmethod
    def add(cls, key: str, value: Any) -> "Patch":
        """Adds (or sets) attribute ``key``."""
        return cls("add", key, value)

    @classmethod
    def replace(cls, key: str, value: Any) -> "Patch":
        """Replaces attribute ``key``, which must exist."""
        return cls("replace", key, value)

    @classmethod
    def remove(cls, key: str) -> "Patch":
        """Removes attribute ``key`` (the server answers 409 when it is absent)."""
        return cls("remove", key)

    def __repr__(self) -> str:
        return f"Patch({self.op!r}, {self.key!r}, {self.value!r})"


class PatchHandle(Handle):
    """A ``glance_image_patch`` built from :class:`Patch` operations."""

    _free_function = "glance_image_patch_free"

    def __init__(self, operations: Any) -> None:
        if isinstance(operations, Patch) or not isinstance(operations, (list, tuple)):
            raise TypeError("operations must be a list of Patch")
        for operation in operations:
            if not isinstance(operation, Patch):
                raise TypeError(f"each operation must be a Patch, not {type(operation).__name__}")
        c = _ffi.lib()
        super().__init__(c.glance_image_patch_new())
        try:
            for operation in operations:
                self._append(c, operation)
        except BaseException:
            self.close()
            raise

    def _append(self, c: Any, operation: Patch) -> None:
        key = _ffi.cstr(operation.key, "key")
        if operation.op == "remove":
            _ffi.check(c.glance_image_patch_remove(self._ptr, key))
        elif isinstance(operation.value, str):
            setter = c.glance_image_patch_add if operation.op == "add" else c.glance_image_patch_replace
            _ffi.check(setter(self._ptr, key, _ffi.cstr(operation.value, "value")))
        else:
            setter = (
                c.glance_image_patch_add_json if operation.op == "add" else c.glance_image_patch_replace_json
            )
            document = json.dumps(operation.value)
            _ffi.check(setter(self._ptr, key, _ffi.cstr(document, "value")))
