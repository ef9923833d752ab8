"""The digest the caller expects of the data it uploads or imports: ``(algorithm, hex)``."""

from __future__ import annotations

from typing import Any, Tuple

from . import _ffi

ExpectedDigest = Tuple[str, str]
"""``(algorithm, hex)``, e.g. ``("sha256", "ba7816bf...")``: the digest the
image's publisher announced. The algorithm is a ``hashlib`` name: ``sha256``,
``sha512``, ``md5`` (or ``sha224``, ``sha384``)."""


def set_expected_digest(opts: Any, expected: Any) -> None:
    """Sets ``expected`` on the transfer options ``opts`` (a C pointer).

    :class:`TypeError` for anything but a pair of str; :class:`InvalidArgument`
    for an unknown algorithm or a digest of the wrong length or not hex.
    """
    algorithm, value = digest_args(expected)
    _ffi.check(_ffi.lib().glance_transfer_opts_set_expected_digest(opts, algorithm, value))


def digest_args(expected: Any) -> Tuple[bytes, bytes]:
    """``expected`` as the C strings ``(algorithm, hex)``.

    :class:`TypeError` for anything but a pair of str (the C call itself
    refuses an unknown algorithm or a bad digest, before any request).
    """
    if not isinstance(expected, tuple) or len(expected) != 2:
        raise TypeError(f"expected_digest must be an (algorithm, hex) tuple, not {type(expected).__name__}")
    algorithm, value = expected
    return _ffi.cstr(algorithm, "expected_digest algorithm"), _ffi.cstr(value, "expected_digest value")
