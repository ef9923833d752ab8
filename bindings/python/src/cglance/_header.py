"""Reads C prototypes in the shape cbindgen writes them into ``glance.h``.

The package declares the functions it calls as C text (``_prototypes.py``),
parsed by the same code that the completeness test runs over the real header,
so the declarations and ``include/glance.h`` can be compared exactly.
"""

from __future__ import annotations

import re
from typing import Dict, List, NamedTuple

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_PREPROCESSOR = re.compile(r"^\s*#[^\n]*$", re.M)
_FUNCTION = re.compile(r"^\s*([A-Za-z_][\w\s\*]*?)\b(glance_\w+)\s*\(([^;{}()]*)\)\s*$")


class Prototype(NamedTuple):
    """One C function: its name, return type and parameter types (names dropped)."""

    name: str
    result: str
    params: List[str]

    def text(self) -> str:
        """The prototype as one normalized line, e.g. ``void glance_x(int);``."""
        return f"{self.result} {self.name}({', '.join(self.params) or 'void'});"


def _normalize(c_type: str) -> str:
    c_type = re.sub(r"\s*\*\s*", " *", c_type.strip())
    c_type = re.sub(r"\s+", " ", c_type)
    return c_type.replace("* *", "**").replace(" *const *", " *const *")


def _param_type(param: str) -> str:
    param = _normalize(param)
    if param == "void":
        return ""
    # Drop the parameter's name, the last identifier, when there is one
    # besides the type (prototypes in the package have no names).
    words = [w for w in re.findall(r"[A-Za-z_]\w*", param) if w not in ("const", "struct")]
    if len(words) < 2 or param.endswith("*"):
        return param
    return _normalize(re.sub(r"\b[A-Za-z_]\w*$", "", param))


def parse(text: str) -> Dict[str, Prototype]:
    """Every ``glance_*`` function declared in ``text`` (C source), by name."""
    text = _PREPROCESSOR.sub("", _COMMENT.sub("", text))
    text = re.sub(r'extern\s+"C"\s*\{', ";", text)
    found: Dict[str, Prototype] = {}
    for statement in re.split(r"[;{}]", text):
        match = _FUNCTION.match(statement)
        if match is None:
            continue
        result, name, params = match.groups()
        if "typedef" in result:
            continue
        types = [_param_type(p) for p in params.split(",")] if params.strip() else []
        found[name] = Prototype(name, _normalize(result), [t for t in types if t])
    return found
