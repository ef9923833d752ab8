"""create_with_data from every kind of source against the real Glance: a path,
bytes, a bytearray, a memoryview, a seekable file and a pipe-like reader,
direct and with glance-direct into every store; a failing reader, a progress
that stops or raises, a short reader: no image is left behind."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, List

import pytest

import cglance
from cglance import ImportOptions
from conftest import Unseekable, unique

DATA = bytes((i * 31 + 7) % 251 for i in range(300001))
FIELDS = {"disk_format": "raw", "container_format": "bare"}


def holds(client: cglance.Client, image: cglance.Image) -> None:
    assert image.status == "active"
    assert image.size == len(DATA)
    assert image.checksum == hashlib.md5(DATA).hexdigest()
    assert image.os_hash_value == hashlib.sha512(DATA).hexdigest()
    assert client.download_bytes(image.id) == DATA


def nothing_named(client: cglance.Client, name: str) -> None:
    assert list(client.images(name=name)) == []


def sources(tmp_path: Path) -> List[Any]:
    path = tmp_path / "data.raw"
    path.write_bytes(DATA)
    return [
        path,
        str(path),
        DATA,
        bytearray(DATA),
        memoryview(DATA),
        io.BytesIO(DATA),
        Unseekable(DATA),
    ]


def test_every_kind_of_source_direct(demo: cglance.Client, cleanup, tmp_path: Path) -> None:
    for source in sources(tmp_path):
        image = demo.create_with_data(source, name=unique("cwd"), **FIELDS)
        cleanup.image(demo, image.id)
        holds(demo, image)


def test_buffer_and_reader_into_every_store(demo: cglance.Client, cleanup) -> None:
    everywhere = ImportOptions(all_stores=True)
    for source in (bytearray(DATA), Unseekable(DATA)):
        seen: List[int] = []
        image = demo.create_with_data(
            source,
            cglance.NewImage(name=unique("cwd-all"), **FIELDS),
            import_options=everywhere,
            progress=lambda done, total: seen.append(done) is None,
        )
        cleanup.image(demo, image.id)
        assert sorted(image.stores) == ["fs", "fs2"]
        assert seen and seen[-1] == len(DATA)
        holds(demo, image)


def test_a_sized_reader(demo: cglance.Client, cleanup) -> None:
    image = demo.create_with_data(Unseekable(DATA), name=unique("cwd-sized"), size=len(DATA), **FIELDS)
    cleanup.image(demo, image.id)
    holds(demo, image)


class Broken(io.RawIOBase):
    """Gives some data, then fails as a broken pipe would."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.given >= 100000:
            raise OSError("the pipe broke")
        count = min(len(buffer), 50000)
        buffer[:count] = DATA[self.given : self.given + count]
        self.given += count
        return count


@pytest.mark.parametrize("import_options", [None, ImportOptions(all_stores=True)], ids=["direct", "staged"])
def test_failures_leave_no_image(demo: cglance.Client, import_options: Any) -> None:
    # A reader that fails: its very exception comes back.
    name = unique("cwd-broken")
    broken = Broken()
    with pytest.raises(OSError, match="the pipe broke"):
        demo.create_with_data(broken, name=name, import_options=import_options, **FIELDS)
    assert broken.given >= 100000
    nothing_named(demo, name)

    # Progress that stops the transfer, or raises.
    name = unique("cwd-stopped")
    with pytest.raises(cglance.Aborted):
        demo.create_with_data(
            DATA, name=name, import_options=import_options, progress=lambda done, total: done == 0, **FIELDS
        )
    nothing_named(demo, name)

    class Stop(Exception):
        pass

    def raising(done: int, total: int) -> bool:
        if done > 0:
            raise Stop()
        return True

    name = unique("cwd-raising")
    with pytest.raises(Stop):
        demo.create_with_data(io.BytesIO(DATA), name=name, import_options=import_options, progress=raising, **FIELDS)
    nothing_named(demo, name)

    # A reader short of the size it was given.
    name = unique("cwd-short")
    with pytest.raises(cglance.InvalidArgument):
        demo.create_with_data(
            Unseekable(DATA[:1000]), name=name, size=len(DATA), import_options=import_options, **FIELDS
        )
    nothing_named(demo, name)


def test_bad_sources_are_refused_before_anything_is_made(demo: cglance.Client) -> None:
    name = unique("cwd-refused")
    with pytest.raises(TypeError):
        demo.create_with_data(12345, name=name, **FIELDS)
    with pytest.raises(TypeError):
        demo.create_with_data(io.StringIO("text"), name=name, **FIELDS)
    with pytest.raises(cglance.InvalidArgument):
        demo.create_with_data(DATA, name=name, size=-1, **FIELDS)
    # Only glance-direct applies: create-with-data moves the data itself.
    with pytest.raises(cglance.InvalidArgument):
        demo.create_with_data(
            DATA, name=name, import_options=ImportOptions(method="web-download", uri="http://127.0.0.1:1/x"), **FIELDS
        )
    nothing_named(demo, name)
