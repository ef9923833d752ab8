"""The shared library: finding it, declaring its functions, calling them.

Everything that touches ctypes directly lives here: the library is found
(``CGLANCE_LIBRARY``, else the package's own, else the system loader) and
refused unless its version is the package's, every function of
``_prototypes.PROTOTYPES`` gets its argument and result types, and the
helpers below turn Python values into C ones (refusing wrong types with
``TypeError`` before any C code runs) and failures into exceptions.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import importlib.metadata
import os
import sys
import threading
import time
import weakref
from typing import Any, Callable, Iterable, List, Optional, Tuple

from . import _header
from ._prototypes import PROTOTYPES
from .errors import GlanceError, InvalidArgument, LibraryNotFound, Status, error_class

LIBRARY_ENV = "CGLANCE_LIBRARY"
"""The environment variable naming the shared library to load, as a path."""

CB_CONTINUE = 0
CB_ABORT = 1

PROGRESS_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64)
PHASE_PROGRESS_CB = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_uint32
)
READ_CB = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)
)
WRITE_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
IMPORT_POLL_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
TASK_WAIT_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
WIRE_LOG_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)

_SCALARS = {
    "void": None,
    "glance_status": ctypes.c_uint32,
    "bool": ctypes.c_bool,
    "int": ctypes.c_int,
    "size_t": ctypes.c_size_t,
    "uint16_t": ctypes.c_uint16,
    "uint32_t": ctypes.c_uint32,
    "uint64_t": ctypes.c_uint64,
    "int64_t": ctypes.c_int64,
    # Borrowed strings: ctypes copies them into bytes at once.
    "const char *": ctypes.c_char_p,
    # Strings the caller owns: kept as addresses, to be freed by glance_string_free.
    "char *": ctypes.c_void_p,
    "char **": ctypes.POINTER(ctypes.c_void_p),
    "const char *const *": ctypes.POINTER(ctypes.c_char_p),
    "const uint8_t *": ctypes.c_void_p,
    "void *": ctypes.c_void_p,
    "uint64_t *": ctypes.POINTER(ctypes.c_uint64),
    "bool *": ctypes.POINTER(ctypes.c_bool),
    "glance_progress_cb": PROGRESS_CB,
    "glance_phase_progress_cb": PHASE_PROGRESS_CB,
    "glance_read_cb": READ_CB,
    "glance_write_cb": WRITE_CB,
    "glance_import_poll_cb": IMPORT_POLL_CB,
    "glance_task_wait_cb": TASK_WAIT_CB,
    "glance_wire_log_cb": WIRE_LOG_CB,
}


def ctype_of(c_type: str) -> Any:
    """The ctypes type for a normalized C type of the header (handles are addresses)."""
    if c_type in _SCALARS:
        return _SCALARS[c_type]
    bare = c_type.replace("const ", "")
    if bare.startswith("struct glance_") and bare.endswith(" **"):
        return ctypes.POINTER(ctypes.c_void_p)
    if bare.startswith("struct glance_") and bare.endswith(" *"):
        return ctypes.c_void_p
    raise TypeError(f"no ctypes mapping for the C type {c_type!r}")


def _candidates() -> List[str]:
    names = ["libglance_client.so"]
    found = ctypes.util.find_library("glance_client")
    if found and found not in names:
        names.append(found)
    return names


PACKAGED_LIBRARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_native", "lib_native.so")
"""Where a wheel built by ``pip wheel ./bindings/python`` (maturin) puts the library."""


def package_version() -> Optional[str]:
    """The installed cglance distribution's version; None when the package is
    used from a source tree that was never installed."""
    try:
        return importlib.metadata.version("cglance")
    except importlib.metadata.PackageNotFoundError:
        return None


def _load() -> Tuple[ctypes.CDLL, str]:
    """The library and where it came from: ``CGLANCE_LIBRARY`` when set (an
    explicit override: that library or an error, never another one), else the
    package's own, else the one the system loader finds."""
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        try:
            return ctypes.CDLL(explicit), f"{LIBRARY_ENV}={explicit}"
        except OSError as error:
            raise LibraryNotFound(
                f"cannot load the glance-client library from {LIBRARY_ENV}={explicit}: {error}"
            ) from error
    tried = []
    if os.path.exists(PACKAGED_LIBRARY):
        try:
            return ctypes.CDLL(PACKAGED_LIBRARY), f"the package's own library {PACKAGED_LIBRARY}"
        except OSError as error:
            tried.append(f"{PACKAGED_LIBRARY} ({error})")
    for name in _candidates():
        try:
            return ctypes.CDLL(name), f"the system loader ({name})"
        except OSError as error:
            tried.append(f"{name} ({error})")
    raise LibraryNotFound(
        f"cannot find the glance-client shared library: {LIBRARY_ENV} is not set, the package "
        f"carries none, and the system loader found none of: {'; '.join(tried)}. Install a wheel "
        f"(pip install ./bindings/python builds one), set {LIBRARY_ENV}=/path/to/libglance_client.so, "
        "or install the library (make install) where the loader looks (ldconfig, LD_LIBRARY_PATH)."
    )


def _open() -> ctypes.CDLL:
    """The library, refused when its version is not the package's: its
    functions are called with this package's prototypes."""
    library, origin = _load()
    library.glance_version.restype = ctypes.c_char_p
    library.glance_version.argtypes = []
    version = (library.glance_version() or b"").decode("utf-8", "replace")
    package = package_version()
    if package is not None and version != package:
        raise LibraryNotFound(
            f"the glance-client library {version} from {origin} does not match the cglance package "
            f"{package} at {os.path.dirname(os.path.abspath(__file__))}: install the library of the "
            f"same release, or unset {LIBRARY_ENV}"
        )
    global library_origin
    library_origin = origin
    return library


library_origin: Optional[str] = None
"""Where the loaded library came from (None until it is loaded)."""


_lock = threading.Lock()
_library: Optional[ctypes.CDLL] = None


def lib() -> ctypes.CDLL:
    """The loaded library, every function of PROTOTYPES declared (loaded on first use)."""
    global _library
    if _library is not None:
        return _library
    with _lock:
        if _library is None:
            library = _open()
            for prototype in _header.parse(PROTOTYPES).values():
                function = getattr(library, prototype.name)
                function.restype = ctype_of(prototype.result)
                function.argtypes = [ctype_of(param) for param in prototype.params]
            _library = library
    return _library


# ---------------------------------------------------------------- failures


def raise_last(status: int) -> None:
    """Raises the exception for a failed call, read from the thread's last error."""
    c = lib()
    error = c.glance_error_last()
    if error:
        # The error's own status, should a status have been changed on the way.
        status = int(c.glance_error_status(error)) or status
    message = _text(c.glance_error_message(error)) if error else None
    http_status = int(c.glance_error_http_status(error)) if error else 0
    request_id = _text(c.glance_error_request_id(error)) if error else None
    if not message:
        message = _text(c.glance_status_str(status)) or f"status {status}"
    raise error_class(status)(
        message, status=status, http_status=http_status, request_id=request_id
    )


def check(status: int) -> None:
    """Returns on GLANCE_OK; raises the matching exception otherwise."""
    if status != Status.OK:
        raise_last(status)


def _text(raw: Optional[bytes]) -> Optional[str]:
    return None if raw is None else raw.decode("utf-8", "replace")


def text(raw: Optional[bytes]) -> Optional[str]:
    """A borrowed C string (bytes from ctypes, or None) as str."""
    return _text(raw)


def take_string(address: Optional[int]) -> Optional[str]:
    """Copies a string the caller owns and frees it with glance_string_free."""
    if not address:
        return None
    try:
        return ctypes.string_at(address).decode("utf-8", "replace")
    finally:
        lib().glance_string_free(address)


def call_string(function: Callable[..., int], *args: Any) -> Optional[str]:
    """Calls a function whose last parameter is ``char **out`` and returns that string."""
    out = ctypes.c_void_p()
    check(function(*args, ctypes.byref(out)))
    return take_string(out.value)


def call_handle(function: Callable[..., int], *args: Any) -> int:
    """Calls a function whose last parameter is ``struct x **out``; returns the handle."""
    out = ctypes.c_void_p()
    check(function(*args, ctypes.byref(out)))
    return handle_out(out)


def handle_out(out: ctypes.c_void_p) -> int:
    """The handle a successful call wrote to ``out``."""
    if not out.value:
        raise GlanceError("the library returned no handle", status=Status.PANIC)
    return out.value


# ---------------------------------------------------------------- arguments


def cstr(value: Any, what: str) -> bytes:
    """A str argument as NUL-terminated UTF-8; TypeError for anything but str."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise InvalidArgument(f"{what} must not contain a NUL character", status=Status.INVALID_ARG)
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidArgument(f"{what} is not valid text: {error}", status=Status.INVALID_ARG) from None


def opt_cstr(value: Any, what: str) -> Optional[bytes]:
    """As cstr, with None passed on as NULL (for the optional strings of the header)."""
    return None if value is None else cstr(value, what)


def path_arg(value: Any, what: str) -> bytes:
    """A file path (str or os.PathLike giving str) as UTF-8."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a path (str or os.PathLike), not {type(value).__name__}")
    return cstr(value, what)


def uint(value: Any, what: str, bits: int = 64) -> int:
    """A non-negative integer that fits ``bits`` bits (bool refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0 or value >= 1 << bits:
        raise InvalidArgument(
            f"{what} must be between 0 and {(1 << bits) - 1}, not {value}",
            status=Status.INVALID_ARG,
        )
    return int(value)


def flag(value: Any, what: str) -> bool:
    """A bool argument (ints and other truthy values refused)."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
    return value


def milliseconds(seconds: Any, what: str) -> int:
    """A duration in seconds (int or float, None for none) as whole milliseconds."""
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {type(seconds).__name__}")
    if not seconds >= 0 or seconds == float("inf"):
        raise InvalidArgument(f"{what} must be 0 or more seconds, not {seconds}", status=Status.INVALID_ARG)
    return uint(round(seconds * 1000), what)


def str_list(values: Any, what: str) -> List[bytes]:
    """A list or tuple of str (a lone str refused: it is not a list of names)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a list of str, not {type(values).__name__}")
    return [cstr(value, f"each of {what}") for value in values]


def c_array(items: List[bytes]) -> Any:
    """A ``const char *const *`` array of the given strings."""
    return (ctypes.c_char_p * max(len(items), 1))(*items)


class CallbackState:
    """What a Python callback raised during one C call, to raise once it returns.

    A callback must never let an exception reach ctypes, which would print
    and ignore it and let the transfer go on: the wrappers catch it, store
    it here and tell the library to abort; :meth:`reraise` raises it after
    the C call. One exception escapes any wrapper: a KeyboardInterrupt (or
    other signal handler's exception) raised as the callback is entered,
    before its first line runs. ctypes hands that one to
    ``sys.unraisablehook``, where :func:`_hook_unraisable` gives it back to its
    call's state; the next callback then aborts, and the call raises it.
    """

    def __init__(self) -> None:
        self.error: Optional[BaseException] = None
        # In a C call that may call back, until reraise() (or until dropped).
        self.in_call = True
        self.thread = threading.current_thread()
        _states.add(self)

    def keep(self, error: BaseException) -> None:
        """Remembers the first exception of the call."""
        if self.error is None:
            self.error = error

    def guard(self, body: Callable[[], Any]) -> int:
        """Runs body: CB_ABORT when it raised (kept) or returned False, else CB_CONTINUE."""
        if self.error is not None or _exiting:
            return CB_ABORT
        try:
            return CB_ABORT if body() is False else CB_CONTINUE
        except BaseException as error:  # noqa: B902 - re-raised after the C call
            self.keep(error)
            return CB_ABORT

    def callback(self, c_type: Any, function: Callable[..., Any]) -> Any:
        """``c_type(function)``, with exceptions escaping function kept for this call."""
        setattr(function, _STATE_ATTRIBUTE, self)
        _hook_unraisable()
        return c_type(function)

    def reraise(self) -> None:
        """Raises what a callback raised, if anything."""
        self.in_call = False
        if self.error is not None:
            error, self.error = self.error, None
            raise error


# ---------------------------------------------------------------- interpreter exit

_states: "weakref.WeakSet[CallbackState]" = weakref.WeakSet()
_exiting = False


def exiting() -> bool:
    """Whether the interpreter is exiting: callbacks then stop their calls without running."""
    return _exiting


@atexit.register
def _stop_callbacks_before_exit() -> None:
    """Lets calls that may call back into Python end before the interpreter does.

    Once the interpreter finalizes, a daemon thread that enters a Python
    callback is ended by CPython with pthread_exit, whose unwinding cannot
    cross the library's boundary: the process would abort ("FATAL: exception
    not rethrown"). So at exit every callback returns "abort" without running
    the caller's code, and exit waits (releasing the GIL) for those calls to
    return: at the next callback, or when the call ends by its timeouts.
    """
    global _exiting
    _exiting = True
    while any(state.in_call and state.thread.is_alive() for state in list(_states)):
        time.sleep(0.01)


_STATE_ATTRIBUTE = "_cglance_callback_state"


def _hook_unraisable() -> None:
    """Puts a hook giving escaped exceptions to their call in front of sys.unraisablehook (once)."""
    current = sys.unraisablehook
    if getattr(current, "__wrapped_by_cglance__", False):
        return

    def hook(report: Any) -> None:
        state = getattr(report.object, _STATE_ATTRIBUTE, None)
        if isinstance(state, CallbackState) and isinstance(report.exc_value, BaseException):
            state.keep(report.exc_value)
        else:
            current(report)

    hook.__wrapped_by_cglance__ = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook

def library_source() -> str:
    """Where the loaded library came from: ``CGLANCE_LIBRARY=...``, the
    package's own library, or the system loader (loads it if need be)."""
    lib()
    return library_origin or ""


def library_version() -> str:
    """The version of the loaded library, e.g. ``0.1.0``."""
    return text(lib().glance_version()) or ""


def status_text(status: int) -> str:
    """The library's fixed description of a status, e.g. ``not found (HTTP 404)``."""
    return text(lib().glance_status_str(uint(status, "status", 32))) or ""
