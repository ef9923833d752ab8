"""Image data: up from paths, bytes and file objects, down to paths and file objects.

Progress callbacks see the transfer and can stop it; an exception raised in
any callback stops the transfer and is raised by the call, never lost.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path
from typing import List, Tuple

import pytest

import cglance
from cglance import Framing
from conftest import Unseekable

SIZE = 5 * 1024 * 1024 + 123


def pattern(size: int, seed: int) -> bytes:
    block = bytes((i * 31 + seed) % 256 for i in range(4096))
    return (block * (size // 4096 + 1))[:size]


DATA = pattern(SIZE, 1)
SHA512 = hashlib.sha512(DATA).hexdigest()


class ReadOnly:
    """A source with read() only (no readinto)."""

    def __init__(self, data: bytes) -> None:
        self._stream = io.BytesIO(data)

    def read(self, size: int) -> bytes:
        return self._stream.read(min(size, 10000))


def check_active(image: cglance.Image, data: bytes = DATA) -> None:
    assert image.status == "active"
    assert image.size == len(data)
    assert image.os_hash_algo == "sha512"
    assert image.os_hash_value == hashlib.sha512(data).hexdigest()
    assert image.checksum == hashlib.md5(data).hexdigest()


@pytest.mark.parametrize(
    "kind",
    ["path", "pathlike", "bytes", "bytearray", "memoryview", "bytesio", "file", "unseekable", "read-only"],
)
def test_upload_from_every_kind_of_source(demo: cglance.Client, new_image, tmp_path: Path, kind: str) -> None:
    image = new_image()
    path = tmp_path / "data.raw"
    path.write_bytes(DATA)
    sources = {
        "path": lambda: str(path),
        "pathlike": lambda: path,
        "bytes": lambda: DATA,
        "bytearray": lambda: bytearray(DATA),
        "memoryview": lambda: memoryview(DATA),
        "bytesio": lambda: io.BytesIO(DATA),
        "file": lambda: open(path, "rb"),
        "unseekable": lambda: Unseekable(DATA),
        "read-only": lambda: ReadOnly(DATA),
    }
    source = sources[kind]()
    check_active(demo.upload(image.id, source))
    if kind == "file":
        source.close()
    assert demo.download_bytes(image.id) == DATA


def test_a_seekable_file_is_sent_from_its_position(demo: cglance.Client, new_image) -> None:
    image = new_image()
    stream = io.BytesIO(b"skipped" + DATA)
    stream.seek(7)
    check_active(demo.upload(image.id, stream, framing=Framing.CONTENT_LENGTH))


def test_the_cloud_hashing_algorithm_can_be_named(demo: cglance.Client, new_image) -> None:
    image = new_image()
    # The cloud uses SHA-512: expecting SHA-256 leaves only the MD5 to compare.
    check_active(demo.upload(image.id, DATA, multihash="sha256"))
    named = new_image()
    check_active(demo.upload(named.id, DATA, multihash="SHA-512"))
    with pytest.raises(cglance.InvalidArgument, match="crc32"):
        demo.upload(new_image().id, DATA, multihash="crc32")
    with pytest.raises(TypeError):
        demo.upload(new_image().id, DATA, multihash=512)  # type: ignore[arg-type]


def test_a_size_given_is_sent_exactly(demo: cglance.Client, new_image) -> None:
    image = new_image()
    check_active(demo.upload(image.id, Unseekable(DATA), size=len(DATA)), DATA)
    short = new_image()
    with pytest.raises(cglance.InvalidArgument):
        demo.upload(short.id, Unseekable(DATA[:100]), size=len(DATA))
    chunked = new_image()
    check_active(demo.upload(chunked.id, DATA, framing=Framing.CHUNKED))


def test_a_text_file_is_refused(demo: cglance.Client, new_image, tmp_path: Path) -> None:
    image = new_image()
    path = tmp_path / "text.txt"
    path.write_text("words")
    with open(path) as text, pytest.raises(TypeError, match="binary"):
        demo.upload(image.id, ReadOnlyText(text))
    assert demo.get_image(image.id).status == "queued"


class ReadOnlyText:
    def __init__(self, stream) -> None:
        self._stream = stream

    def read(self, size: int) -> str:
        return self._stream.read(size)


def test_upload_to_a_store_with_progress(demo: cglance.Client, new_image) -> None:
    image = new_image()
    seen: List[Tuple[int, int, int]] = []
    active = demo.upload(
        image.id, DATA, store="fs2", progress=lambda done, total: seen.append((done, total, threading.get_ident()))
    )
    check_active(active)
    assert active.stores == ["fs2"]
    assert len(seen) >= 2
    assert seen[0][0] == 0 and seen[-1][:2] == (SIZE, SIZE)
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)
    assert {thread for _, _, thread in seen} == {threading.get_ident()}


def test_progress_returning_false_aborts(demo: cglance.Client, new_image) -> None:
    image = new_image()
    with pytest.raises(cglance.Aborted) as caught:
        demo.upload(image.id, DATA, progress=lambda done, total: False)
    assert caught.value.status is cglance.Status.ABORTED
    assert demo.get_image(image.id).status != "active"


class Boom(Exception):
    pass


def test_an_exception_in_progress_stops_the_upload_and_is_raised(demo: cglance.Client, new_image) -> None:
    image = new_image()
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if done > 0:
            raise Boom("stop here")

    with pytest.raises(Boom, match="stop here"):
        demo.upload(image.id, io.BytesIO(DATA), progress=progress)
    assert demo.get_image(image.id).status != "active"
    # Called no more once it raised.
    assert len([done for done in calls if done > 0]) == 1


def test_an_exception_in_a_reader_is_raised(demo: cglance.Client, new_image) -> None:
    image = new_image()

    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[override]
            raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"):
        demo.upload(image.id, Failing())
    assert demo.get_image(image.id).status != "active"


def test_keyboard_interrupt_in_a_callback_is_not_lost(demo: cglance.Client, new_image) -> None:
    image = new_image()

    def progress(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.upload(image.id, DATA, progress=progress)


@pytest.fixture(scope="module")
def uploaded() -> Tuple[cglance.Client, str]:
    with cglance.Client.from_cloud("demo") as client:
        image = client.create_image(name="py-data-down", disk_format="raw", container_format="bare")
        try:
            client.upload(image.id, DATA)
            yield client, image.id
        finally:
            client.delete_image(image.id)


def test_download_to_a_path(uploaded, tmp_path: Path) -> None:
    client, image_id = uploaded
    target = tmp_path / "down.raw"
    seen = []
    assert client.download(image_id, target, progress=lambda d, t: seen.append((d, t))) == SIZE
    assert target.read_bytes() == DATA
    assert not (tmp_path / f"down.raw.{image_id}.part").exists()
    assert seen[-1] == (SIZE, SIZE)
    assert client.download(image_id, str(target), restart=True, verify=False) == SIZE
    assert target.read_bytes() == DATA


def test_an_aborted_download_leaves_a_part_that_is_resumed(uploaded, tmp_path: Path) -> None:
    client, image_id = uploaded
    target = tmp_path / "resumed.raw"

    def stop_after_some(done: int, total: int) -> bool:
        return done < 1024 * 1024

    with pytest.raises(cglance.Aborted):
        client.download(image_id, target, progress=stop_after_some)
    assert not target.exists()
    part = tmp_path / f"resumed.raw.{image_id}.part"
    assert part.exists() and 0 < part.stat().st_size < SIZE
    assert client.download(image_id, target) == SIZE
    assert target.read_bytes() == DATA and not part.exists()


@pytest.mark.parametrize("kind", ["bytesio", "file", "raw"])
def test_download_to_a_file_object(uploaded, tmp_path: Path, kind: str) -> None:
    client, image_id = uploaded
    path = tmp_path / "sink.raw"
    if kind == "bytesio":
        sink = io.BytesIO()
        assert client.download(image_id, sink) == SIZE
        assert sink.getvalue() == DATA
        return
    with open(path, "wb", buffering=0 if kind == "raw" else -1) as sink:
        assert client.download(image_id, sink) == SIZE
    assert path.read_bytes() == DATA


def test_an_exception_in_a_writer_is_raised(uploaded) -> None:
    client, image_id = uploaded

    class Full(io.RawIOBase):
        written = 0

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[override]
            if self.written > 1024 * 1024:
                raise OSError(28, "No space left on device")
            self.written += len(data)
            return len(data)

    sink = Full()
    with pytest.raises(OSError, match="No space left"):
        client.download(image_id, sink)
    assert 1024 * 1024 < sink.written < SIZE
    with pytest.raises(TypeError):
        client.download(image_id, io.StringIO())


def test_download_bytes_and_unverified(uploaded) -> None:
    client, image_id = uploaded
    assert client.download_bytes(image_id) == DATA
    assert client.download_bytes(image_id, verify=False) == DATA


def test_a_queued_image_has_no_data(demo: cglance.Client, new_image) -> None:
    image = new_image()
    with pytest.raises(cglance.NoData) as caught:
        demo.download_bytes(image.id)
    assert caught.value.http_status == 0 and "no data" in caught.value.message


def test_uploading_twice_conflicts(uploaded) -> None:
    client, image_id = uploaded
    with pytest.raises(cglance.Conflict) as caught:
        client.upload(image_id, b"again")
    assert caught.value.http_status == 409 and caught.value.request_id


def test_a_size_cap_is_too_large(region_two: cglance.Client, cleanup) -> None:
    image = region_two.create_image(name="py-too-large", disk_format="raw", container_format="bare")
    cleanup.image(region_two, image.id)
    cap = int(os.environ["GLANCE_TEST_GLANCE2_IMAGE_SIZE_CAP"])
    with pytest.raises(cglance.TooLarge) as caught:
        region_two.upload(image.id, Unseekable(b"\0" * (cap + 1)), size=cap + 1)
    assert caught.value.http_status == 413


def test_data_that_differs_from_its_digest(double_client: cglance.Client, tmp_path: Path) -> None:
    sink = io.BytesIO()
    with pytest.raises(cglance.ChecksumMismatch):
        double_client.download("corrupt", sink)
    assert sink.getvalue() == b"tampered"  # seen, but flagged as not to be trusted
    target = tmp_path / "corrupt.raw"
    with pytest.raises(cglance.ChecksumMismatch):
        double_client.download("corrupt", target)
    assert not target.exists() and not (tmp_path / "corrupt.raw.corrupt.part").exists()
    assert double_client.download_bytes("corrupt", verify=False) == b"tampered"


def test_data_longer_than_the_image_stops_at_its_size(double_client: cglance.Client, tmp_path: Path) -> None:
    for verify in (True, False):
        sink = io.BytesIO()
        with pytest.raises(cglance.InvalidResponse, match="4096 bytes"):
            double_client.download("overlong", sink, verify=verify)
        assert len(sink.getvalue()) <= 4096  # not one byte past the recorded size
        target = tmp_path / "overlong.raw"
        with pytest.raises(cglance.InvalidResponse):
            double_client.download("overlong", target, verify=verify)
        assert list(tmp_path.iterdir()) == []


def test_a_link_planted_at_the_partial_file_is_never_written_through(
    double_client: cglance.Client, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    part = tmp_path / "disk.raw.overlong.part"
    part.symlink_to(victim)
    with pytest.raises(cglance.LocalIOError, match="symbolic link"):
        double_client.download("overlong", tmp_path / "disk.raw")
    assert victim.read_bytes() == b"precious" and part.is_symlink()
    assert not (tmp_path / "disk.raw").exists()


def test_an_upload_glance_recorded_differently_is_a_mismatch(double_client: cglance.Client) -> None:
    # The double keeps the size but records the MD5 of other bytes.
    with pytest.raises(cglance.ChecksumMismatch, match="md5") as caught:
        double_client.upload("corrupt", b"tampered")
    assert caught.value.status == cglance.Status.CHECKSUM_MISMATCH
    double_client.upload("corrupt", b"tampered", verify=False)


def test_an_unreadable_path_is_a_local_io_error(demo: cglance.Client, new_image, tmp_path: Path) -> None:
    image = new_image()
    with pytest.raises(cglance.LocalIOError) as caught:
        demo.upload(image.id, tmp_path / "missing.raw")
    assert isinstance(caught.value, OSError) and caught.value.status is cglance.Status.IO
