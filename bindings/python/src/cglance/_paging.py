"""The listing classes' shared body: a page lends records and links, an iterator hands out records.

Each C page class (``glance_image_page``, ``glance_task_page``) has the same
functions under its own prefix, and each C iterator one ``_next``; the
subclasses in image.py and task.py name them.
"""

from __future__ import annotations

import ctypes
from typing import Any, Callable, Generic, Iterator, Optional, Type, TypeVar, cast

from . import _ffi
from ._handle import Handle
from .errors import Status

R = TypeVar("R", bound="Record")
PageT = TypeVar("PageT", bound="Page[Any]")
PagerT = TypeVar("PagerT", bound="Pager[Any]")


class Record(Handle):
    """A record a page lends: copied out with the C class's clone function."""

    _clone_function = ""

    @classmethod
    def _copy_of(cls: Type[R], borrowed: int) -> R:
        """An owned copy of a record borrowed from a page or a callback."""
        return cls(getattr(_ffi.lib(), cls._clone_function)(borrowed))


class Page(Handle, Generic[R]):
    """One page of a listing: its records (copies that outlive it) and the links to the next and first pages."""

    _record: Type[R]

    def __init__(self, address: int, fetch_at: Callable[[str], Any]) -> None:
        super().__init__(address)
        # The client's list_images_at or list_tasks_at, for next_page().
        self._fetch_at = fetch_at

    def _c(self, name: str) -> Any:
        """The C function ``name`` of this page's class (count, get, next, first)."""
        raise NotImplementedError

    def __len__(self) -> int:
        return int(self._c("count")(self._ptr))

    def __getitem__(self, index: int) -> R:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"page indices must be int, not {type(index).__name__}")
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("page index out of range")
        return self._record._copy_of(self._c("get")(self._ptr, index))

    def __iter__(self) -> Iterator[R]:
        for index in range(len(self)):
            yield self[index]

    @property
    def next(self) -> Optional[str]:
        """The link to the next page; None on the last page."""
        return _ffi.text(self._c("next")(self._ptr))

    @property
    def first(self) -> Optional[str]:
        """The link to the first page of the same listing, when the server sent one."""
        return _ffi.text(self._c("first")(self._ptr))

    def next_page(self: PageT) -> Optional[PageT]:
        """Fetches the next page; None on the last page."""
        link = self.next
        return None if link is None else cast(PageT, self._fetch_at(link))


class Pager(Handle, Generic[R]):
    """Every record of a listing, page after page, fetched lazily.

    After a failure or the last record it is finished. It may outlive a
    closed client.
    """

    _record: Type[R]
    _next_function = ""

    def __init__(self, address: int, client: object) -> None:
        super().__init__(address)
        # Kept alive: the client's wire-log trampoline must outlive this iterator.
        self._client = client

    def __iter__(self: PagerT) -> PagerT:
        return self

    def __next__(self) -> R:
        if self.closed:
            raise StopIteration
        out = ctypes.c_void_p()
        status = getattr(_ffi.lib(), self._next_function)(self._ptr, ctypes.byref(out))
        if status == Status.DONE:
            self.close()
            raise StopIteration
        _ffi.check(status)
        return self._record(out.value or 0)
