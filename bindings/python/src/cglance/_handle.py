"""The owner of one C handle: freed once, by close(), a with block or the finalizer."""

from __future__ import annotations

import weakref
from typing import Any, Optional, TypeVar

from . import _ffi

H = TypeVar("H", bound="Handle")


def _free(free_name: str, address: int) -> None:
    getattr(_ffi.lib(), free_name)(address)


class Handle:
    """Owns a C handle and frees it with the function named ``_free_function``.

    ``close()`` frees it at once (later calls are no-ops); leaving a ``with``
    block closes it; a finalizer frees it when the object is collected
    without having been closed. Using a closed handle raises ``ValueError``.
    """

    _free_function = ""

    def __init__(self, address: int) -> None:
        self._address: Optional[int] = address
        self._finalizer = weakref.finalize(self, _free, self._free_function, address)

    @property
    def _ptr(self) -> int:
        if self._address is None:
            raise ValueError(f"this {type(self).__name__} is closed")
        return self._address

    @property
    def closed(self) -> bool:
        """Whether the handle has been freed."""
        return self._address is None

    def close(self) -> None:
        """Frees the C handle now. Calling it again does nothing."""
        self._address = None
        self._finalizer()

    def _release(self) -> int:
        """Gives up ownership (the library consumed the handle) and returns it."""
        address = self._ptr
        self._finalizer.detach()
        self._address = None
        return address

    def __enter__(self: H) -> H:
        self._ptr  # noqa: B018 - refuses a closed handle
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
