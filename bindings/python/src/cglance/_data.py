"""Image data sources and sinks: paths, bytes-like objects, file-like objects."""

from __future__ import annotations

import ctypes
import io
import os
from typing import Any, Callable, Optional, Tuple

from . import _ffi


def is_path(value: Any) -> bool:
    """Whether value names a file (str or os.PathLike)."""
    return isinstance(value, (str, os.PathLike))


def buffer_of(data: Any) -> Tuple[Any, int, Any]:
    """(address, length, keep-alive) of a bytes-like object, or None when it is not one."""
    if isinstance(data, bytes):
        keep = ctypes.c_char_p(data)
        return ctypes.cast(keep, ctypes.c_void_p), len(data), keep
    if isinstance(data, (bytearray, memoryview)):
        view = memoryview(data).cast("B")
        if view.readonly or not view.contiguous:
            return buffer_of(view.tobytes())
        array = (ctypes.c_char * max(len(view), 1)).from_buffer(view) if len(view) else None
        if array is None:
            return buffer_of(b"")
        return ctypes.cast(array, ctypes.c_void_p), len(view), (array, view)
    raise TypeError(f"expected a bytes-like object, not {type(data).__name__}")


def is_buffer(value: Any) -> bool:
    """Whether value is bytes, bytearray or memoryview."""
    return isinstance(value, (bytes, bytearray, memoryview))


def send(
    source: Any,
    size: Optional[int],
    state: _ffi.CallbackState,
    *,
    path: Callable[[bytes], int],
    buffer: Callable[[Any, int], int],
    callback: Callable[[Any, int], int],
) -> int:
    """Gives ``source`` to the C call that takes it: ``path(c_path)`` for a
    path, ``buffer(address, length)`` for a bytes-like object, else
    ``callback(read_cb, size)`` for a readable file-like object (``size``
    when given, else the bytes left when it can seek, else -1: unknown).
    Returns the call's status; the reader's failures go to ``state``."""
    if is_path(source):
        return path(_ffi.path_arg(source, "source"))
    if is_buffer(source):
        address, length, keep = buffer_of(source)
        try:
            return buffer(address, length)
        finally:
            del keep
    read = reader(source, state)
    expected = size if size is not None else remaining_size(source)
    try:
        return callback(read, -1 if expected is None else expected)
    finally:
        del read


def remaining_size(source: Any) -> Optional[int]:
    """The bytes left in a seekable file-like object; None when it cannot say."""
    try:
        if not source.seekable():
            return None
        position = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(position, io.SEEK_SET)
        return max(int(end) - int(position), 0)
    except (AttributeError, OSError, ValueError):
        return None


def reader(source: Any, state: _ffi.CallbackState) -> Any:
    """A read callback pulling from ``source.readinto`` or ``source.read``."""
    readinto = getattr(source, "readinto", None)
    read = getattr(source, "read", None)
    if readinto is None and read is None:
        raise TypeError(f"expected a readable file-like object, not {type(source).__name__}")

    def fill(buffer: int, capacity: int, out_len: Any) -> None:
        if readinto is not None:
            view = memoryview((ctypes.c_char * capacity).from_address(buffer)).cast("B")
            count = readinto(view)
        else:
            assert read is not None
            chunk = read(capacity)
            if isinstance(chunk, str):
                raise TypeError("the file is open in text mode: open it in binary mode ('rb')")
            if chunk is None:
                raise BlockingIOError("the file-like object has no data ready (non-blocking)")
            count = len(chunk)
            if count > capacity:
                raise ValueError(f"read({capacity}) returned {count} bytes")
            ctypes.memmove(buffer, bytes(chunk), count)
        if count is None:
            raise BlockingIOError("the file-like object has no data ready (non-blocking)")
        out_len[0] = count

    def callback(_userdata: Any, buffer: int, capacity: int, out_len: Any) -> int:
        return state.guard(lambda: fill(buffer, capacity, out_len))

    return state.callback(_ffi.READ_CB, callback)


def writer(sink: Any, state: _ffi.CallbackState) -> Any:
    """A write callback pushing into ``sink.write`` (every byte, even from raw files)."""
    write = getattr(sink, "write", None)
    if write is None:
        raise TypeError(f"expected a writable file-like object, not {type(sink).__name__}")

    def push(data: int, length: int) -> None:
        view = memoryview(ctypes.string_at(data, length))
        while len(view):
            written = write(view)
            if written is None:
                raise BlockingIOError("the file-like object took no data (non-blocking)")
            if isinstance(written, int) and written <= 0:
                raise OSError("the file-like object took no bytes")
            if isinstance(written, int) and written < len(view):
                view = view[written:]
            else:
                break

    def callback(_userdata: Any, data: int, length: int) -> int:
        return state.guard(lambda: push(data, length))

    return state.callback(_ffi.WRITE_CB, callback)
