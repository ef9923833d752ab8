"""The binding against include/glance.h: every function declared alike and used.

A function added to the C ABI, or one whose signature changed, fails here
with its name, rather than being found missing by a user.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import cglance
from cglance import _ffi, _header, options
from cglance._prototypes import PROTOTYPES
from conftest import HEADER

# Functions of the header the package deliberately does not call, and why.
_SUPERSEDED = (
    "superseded by its _opts variant, which Python always calls "
    "(a no-op progress callback lets Ctrl-C stop the call)"
)
NOT_BOUND: dict = {
    "glance_image_copy_to": _SUPERSEDED,
    "glance_image_export_to_container": _SUPERSEDED,
    "glance_image_import_from_container": _SUPERSEDED,
    "glance_object_upload_file": _SUPERSEDED,
    "glance_object_download_file": _SUPERSEDED,
    "glance_object_upload_callback": _SUPERSEDED,
    "glance_object_download_callback": _SUPERSEDED,
    "glance_response_header": "Response copies every header; its lookup by name runs in Python",
}

PACKAGE = Path(cglance.__file__).parent


def header_functions() -> dict:
    return _header.parse(HEADER.read_text())


def test_the_header_is_parsed_whole() -> None:
    text = HEADER.read_text()
    # Every declaration in the header starts a line with its return type.
    declared = set(re.findall(r"^[a-z_][\w ]*?\*?\s*\b(glance_\w+)\(", text, re.M))
    assert len(declared) > 250
    assert set(header_functions()) == declared


def test_every_header_function_is_declared_as_the_header_says() -> None:
    header = header_functions()
    ours = _header.parse(PROTOTYPES)
    missing = [header[name].text() for name in sorted(set(header) - set(ours) - set(NOT_BOUND))]
    assert not missing, "functions of glance.h the Python binding does not declare:\n" + "\n".join(missing)
    changed = [
        f"header: {header[name].text()}\nours:   {ours[name].text()}"
        for name in sorted(set(header) & set(ours))
        if header[name] != ours[name]
    ]
    assert not changed, "declarations that differ from glance.h:\n" + "\n".join(changed)
    gone = sorted(set(ours) - set(header))
    assert not gone, f"declared but no longer in glance.h: {gone}"


def test_every_declared_function_is_used_by_the_package() -> None:
    source = "\n".join(
        path.read_text() for path in PACKAGE.glob("*.py") if path.name not in ("_prototypes.py", "_header.py")
    )
    unused = [name for name in sorted(_header.parse(PROTOTYPES)) if not re.search(rf"\b{name}\b", source)]
    # Families reached through a name built at run time ("glance_list_opts_set_" + field).
    built = re.findall(r'f"(glance_\w+?)_?\{', source)
    unused = [name for name in unused if not any(name.startswith(prefix) for prefix in built)]
    assert not unused, "declared but never called by cglance: " + ", ".join(unused)


def test_names_built_at_run_time_exist() -> None:
    # The option dataclasses reach setters by field name: each must exist.
    library = _ffi.lib()
    for name in cglance.ListOptions._STRINGS:
        assert hasattr(library, f"glance_list_opts_set_{name}")
    for name in cglance.ListOptions._LISTS:
        assert hasattr(library, f"glance_list_opts_set_{name}")
    for name in ("id", "name", "disk_format", "container_format", "visibility"):
        assert hasattr(library, f"glance_image_create_opts_set_{name}")
    for name in ("marker", "type", "status"):
        assert hasattr(library, f"glance_task_list_opts_set_{name}")


def test_status_codes_match_the_header() -> None:
    text = HEADER.read_text()
    codes = {name: int(value) for name, value in re.findall(r"^\s*GLANCE_(\w+) = (\d+),", text, re.M)}
    framing = {name[len("FRAMING_"):]: value for name, value in codes.items() if name.startswith("FRAMING_")}
    phases = {name[len("PHASE_"):]: value for name, value in codes.items() if name.startswith("PHASE_")}
    statuses = {name: value for name, value in codes.items() if not name.startswith(("FRAMING_", "PHASE_"))}
    assert statuses == {status.name: status.value for status in cglance.Status}
    assert framing == {f.name: f.value for f in cglance.Framing}
    assert phases == {phase.name: value for value, phase in options._PHASES.items()}
    defines = dict(re.findall(r"^#define GLANCE_(\w+) (\d+)$", text, re.M))
    assert {f"IMPORT_VIA_{v.name}": str(v.value) for v in cglance.ImportVia}.items() <= defines.items()
    assert (defines["CB_CONTINUE"], defines["CB_ABORT"]) == (str(_ffi.CB_CONTINUE), str(_ffi.CB_ABORT))
    # Every failure status has its own exception class.
    for status in cglance.Status:
        if status not in (cglance.Status.OK, cglance.Status.DONE):
            assert cglance.errors.ERROR_CLASSES[status].__name__ != "GlanceError"


def test_callback_types_match_the_header() -> None:
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    typedefs = dict(
        (name, [p.strip() for p in params.split(",")])
        for name, params in re.findall(r"typedef \w+ \(\*(glance_\w+)\)\(([^)]*)\);", text)
    )
    ours = {
        "glance_progress_cb": _ffi.PROGRESS_CB,
        "glance_phase_progress_cb": _ffi.PHASE_PROGRESS_CB,
        "glance_read_cb": _ffi.READ_CB,
        "glance_write_cb": _ffi.WRITE_CB,
        "glance_import_poll_cb": _ffi.IMPORT_POLL_CB,
        "glance_task_wait_cb": _ffi.TASK_WAIT_CB,
        "glance_wire_log_cb": _ffi.WIRE_LOG_CB,
    }
    assert set(typedefs) == set(ours)
    sizes = {"uint64_t": ctypes.c_uint64, "size_t": ctypes.c_size_t, "glance_phase": ctypes.c_uint32}
    for name, params in typedefs.items():
        argtypes = ours[name]._argtypes_
        assert len(argtypes) == len(params), name
        for param, argtype in zip(params, argtypes):
            c_type = param.rsplit(" ", 1)[0]
            if "*" not in param:
                assert argtype is sizes[c_type], (name, param)
            else:
                assert "*" in param, (name, param)
                assert argtype is ctypes.c_void_p or issubclass(argtype, ctypes._Pointer), (name, param)
