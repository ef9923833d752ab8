"""The PEP 517 backend of cglance: maturin's, with one default changed.

Through pip, maturin tags a wheel plainly ``linux`` unless told otherwise;
here wheels are checked and tagged for PyPI (the lowest manylinux or
musllinux tag the library qualifies for), so ``pip wheel ./bindings/python``
gives a wheel other Linux machines install. A ``--compatibility`` given in
``MATURIN_PEP517_ARGS`` or ``--config-settings maturin.build-args=...`` wins.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import maturin
from maturin import (  # noqa: F401  (the rest of the backend, unchanged)
    build_editable,
    build_sdist,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)


def _tagged_for_pypi(config_settings: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    settings = dict(config_settings or {})
    args = maturin.get_maturin_pep517_args(settings)
    if not any(arg.startswith(("--compatibility", "--manylinux")) for arg in args):
        args = ["--compatibility", "pypi", *args]
    settings["maturin.build-args"] = args
    return settings


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Mapping[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    return maturin.build_wheel(wheel_directory, _tagged_for_pypi(config_settings), metadata_directory)
