"""The answer to :meth:`cglance.Client.request`, copied out of its C handle."""

from __future__ import annotations

import ctypes
import json as _json
from typing import Any, List, Optional, Tuple

from . import _ffi


class Response:
    """A success (2xx) of the raw request: ``status``, ``headers`` (a list of
    ``(name, value)`` pairs in the order received, names in lower case) and
    ``body`` (bytes). A plain value: nothing to close."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: List[Tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @classmethod
    def _take(cls, address: int) -> "Response":
        """Copies a ``glance_response`` and frees it."""
        lib = _ffi.lib()
        try:
            count = int(lib.glance_response_header_count(address))
            headers = [
                (
                    _ffi.text(lib.glance_response_header_name(address, i)) or "",
                    _ffi.text(lib.glance_response_header_value(address, i)) or "",
                )
                for i in range(count)
            ]
            length = int(lib.glance_response_body_len(address))
            body = ctypes.string_at(lib.glance_response_body(address), length) if length else b""
            return cls(int(lib.glance_response_status(address)), headers, body)
        finally:
            lib.glance_response_free(address)

    def header(self, name: str) -> Optional[str]:
        """The first value of header ``name`` (any case); None when absent."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    @property
    def request_id(self) -> Optional[str]:
        """The ``x-openstack-request-id`` an operator needs to find the request."""
        return self.header("x-openstack-request-id")

    def json(self) -> Any:
        """The body parsed as JSON (``ValueError`` when it is not JSON)."""
        return _json.loads(self.body)

    def __repr__(self) -> str:
        return f"Response(status={self.status}, {len(self.body)} bytes)"
