"""What the cloud offers: capabilities, quota usage, the stores' details."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple


class Quota(NamedTuple):
    """One quota of :meth:`Client.usage`: the project's limit (-1: none) and what it uses."""

    limit: int
    usage: int


@dataclass(frozen=True)
class Capabilities:
    """What a cloud's Images API offers, as :meth:`Client.capabilities` learns it."""

    #: The highest ``2.x`` version of the version document, e.g. ``(2, 17)``.
    api_version: Optional[Tuple[int, int]] = None
    #: The import methods the cloud enables.
    import_methods: List[str] = field(default_factory=list)
    #: The ids of its stores (none on a single-store cloud).
    stores: List[str] = field(default_factory=list)


def capabilities_from_json(text: Optional[str]) -> Capabilities:
    value: Dict[str, Any] = json.loads(text or "{}")
    version = value.get("api_version")
    parsed: Optional[Tuple[int, int]] = None
    if isinstance(version, str) and "." in version:
        major, minor = version.split(".", 1)
        parsed = (int(major), int(minor))
    return Capabilities(
        api_version=parsed,
        import_methods=list(value.get("import_methods") or []),
        stores=list(value.get("stores") or []),
    )


def usage_from_json(text: Optional[str]) -> Dict[str, Quota]:
    value: Dict[str, Any] = json.loads(text or "{}")
    return {name: Quota(int(q["limit"]), int(q["usage"])) for name, q in value.items()}


def store_list(stores: Sequence[str]) -> str:
    """``["fs2", "fs"]`` → ``"fs2,fs"`` (a single string is one store id)."""
    if isinstance(stores, str):
        stores = [stores]
    items = list(stores)
    for store in items:
        if not isinstance(store, str):
            raise TypeError(f"a store id must be a str, not {type(store).__name__}")
        if "," in store:
            raise ValueError(f"a store id has no comma: {store!r}")
    return ",".join(items)
