"""Object storage (Swift): containers, objects up and down (segmented too), temp URLs."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.request
from pathlib import Path

import pytest

import cglance
from conftest import Unseekable, unique

DATA = os.urandom(2 * 1024 * 1024 + 4321)


@pytest.fixture
def store(demo: cglance.Client):
    with demo.object_store() as handle:
        yield handle


@pytest.fixture
def container(store: cglance.ObjectStore, cleanup) -> str:
    name = unique("container")
    store.create_container(name)

    def remove() -> None:
        for entry in store.list_objects(name):
            store.delete_object(name, entry.name)
        store.delete_container(name)

    cleanup.add(remove)
    return name


def test_the_store_url(demo: cglance.Client, store: cglance.ObjectStore) -> None:
    project = demo.project_id()
    assert store.url == f"{os.environ['GLANCE_TEST_SWIFT_URL']}/v1/AUTH_{project}"
    assert demo.endpoint_url("object-store") == store.url
    with demo.object_store(store.url) as explicit:
        assert explicit.url == store.url
    with pytest.raises(cglance.InvalidArgument):
        demo.object_store("ftp://nowhere")


def test_containers(store: cglance.ObjectStore, container: str) -> None:
    assert store.container_exists(container)
    store.create_container(container)  # existing: left as it is
    missing = unique("missing")
    assert not store.container_exists(missing)
    with pytest.raises(cglance.NoSuchContainer) as caught:
        store.delete_container(missing)
    assert caught.value.http_status == 404
    with pytest.raises(cglance.InvalidArgument):
        store.container_exists("a/b")


def test_objects_up_down_listed_and_deleted(store: cglance.ObjectStore, container: str, tmp_path: Path) -> None:
    source = tmp_path / "object.bin"
    source.write_bytes(DATA)
    store.upload_file(container, "dir/plain.bin", source)
    store.upload_file(container, "dir/large.bin", str(source), segment_size=1024 * 1024)
    store.upload_file(container, "other.bin", source)

    entries = store.list_objects(container, prefix="dir/")
    assert [entry.name for entry in entries] == ["dir/large.bin", "dir/plain.bin"]
    plain = entries[1]
    assert plain.size == len(DATA) and plain.hash == hashlib.md5(DATA).hexdigest()
    assert isinstance(plain, cglance.ObjectEntry)
    assert len(store.list_objects(container)) == 3

    with store.object_info(container, "dir/plain.bin") as info:
        assert info.size == len(DATA) and info.etag == hashlib.md5(DATA).hexdigest()
        assert info.content_type and not info.is_large
        assert info.metadata("nothing-here") is None
    large = store.object_info(container, "dir/large.bin")
    assert large.is_large and large.size == len(DATA)

    for name in ("dir/plain.bin", "dir/large.bin"):
        target = tmp_path / "down.bin"
        store.download_file(container, name, target)
        assert target.read_bytes() == DATA
        assert not (tmp_path / "down.bin.part").exists()

    with pytest.raises(cglance.Conflict):
        store.delete_container(container)
    store.delete_object(container, "dir/large.bin")
    with pytest.raises(cglance.NotFound):
        store.object_info(container, "dir/large.bin")
    with pytest.raises(cglance.NotFound):
        store.delete_object(container, "dir/large.bin")
    with pytest.raises(cglance.NotFound):
        store.download_file(container, "dir/large.bin", tmp_path / "never.bin")
    with pytest.raises(cglance.LocalIOError):
        store.upload_file(container, "x", tmp_path / "missing.bin")
    with pytest.raises(cglance.NoSuchContainer):
        store.list_objects(unique("missing"))


def test_temp_urls(store: cglance.ObjectStore, container: str, tmp_path: Path) -> None:
    source = tmp_path / "shared.bin"
    source.write_bytes(b"anyone with the link")
    store.upload_file(container, "shared.bin", source)
    assert store.temp_url_key(container) in (None, store.temp_url_key(container))
    store.set_temp_url_key(container, "py-secret")
    assert store.temp_url_key(container) == "py-secret"
    url = store.temp_url(container, "shared.bin", "py-secret", 300)
    assert url.startswith(store.url) and "temp_url_sig=" in url
    with urllib.request.urlopen(url) as answer:  # nosec - loopback Swift
        assert answer.read() == b"anyone with the link"
    wrong = store.temp_url(container, "shared.bin", "not-the-key", 300)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(wrong)  # nosec - loopback Swift
    assert refused.value.code == 401
    with pytest.raises(cglance.InvalidArgument):
        store.set_temp_url_key(container, "")
    with pytest.raises(cglance.NoSuchContainer):
        store.temp_url_key(unique("missing"))


def Pipe(data: bytes) -> Unseekable:
    """Read once, no size, no seeking; uneven pieces."""
    return Unseekable(data, piece=12345)


def test_objects_stream_through_file_objects(store: cglance.ObjectStore, container: str) -> None:
    store.require_container(container)
    with pytest.raises(cglance.NoSuchContainer):
        store.require_container(unique("missing"))

    # Unknown size: a large object in 1 MiB segments.
    assert store.upload(container, "piped.bin", Pipe(DATA), segment_size=1024 * 1024) == len(DATA)
    with store.object_info(container, "piped.bin") as info:
        assert info.is_large and info.size == len(DATA)
    sink = io.BytesIO()
    assert store.download(container, "piped.bin", sink) == len(DATA)
    assert sink.getvalue() == DATA

    # Known sizes: bytes, a seekable file from its position, a size given.
    assert store.upload(container, "bytes.bin", b"small object") == len(b"small object")
    seekable = io.BytesIO(b"skipped" + DATA[:5000])
    seekable.seek(7)
    assert store.upload(container, "seekable.bin", seekable) == 5000
    with store.object_info(container, "seekable.bin") as info:
        assert not info.is_large and info.etag == hashlib.md5(DATA[:5000]).hexdigest()
    assert store.upload(container, "sized.bin", Pipe(DATA), size=1000) == 1000
    sink = io.BytesIO()
    store.download(container, "sized.bin", sink)
    assert sink.getvalue() == DATA[:1000]

    with pytest.raises(cglance.InvalidArgument, match="1000 of the 2000"):
        store.upload(container, "short.bin", Pipe(DATA[:1000]), size=2000)
    with pytest.raises(cglance.NotFound):
        store.object_info(container, "short.bin")


def test_exceptions_in_object_streams_are_raised(store: cglance.ObjectStore, container: str) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[override]
            raise OSError("disk on fire")

    with pytest.raises(OSError, match="disk on fire"):
        store.upload(container, "broken.bin", Broken())
    with pytest.raises(cglance.NotFound):
        store.object_info(container, "broken.bin")
    store.upload(container, "small.bin", b"x" * 100)

    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[override]
            raise OSError("no space left")

    with pytest.raises(OSError, match="no space left"):
        store.download(container, "small.bin", Full())
    with pytest.raises(TypeError):
        store.upload(container, "x", 42)
    with pytest.raises(cglance.InvalidArgument):
        store.upload(container, "x", b"", size=-1)


def test_a_temp_url_key_for_a_whole_object(store: cglance.ObjectStore, container: str) -> None:
    store.set_temp_url_key(container, "py-object-secret")
    store.upload(container, "plain.bin", b"plain")
    store.upload(container, "large.bin", Pipe(DATA), segment_size=1024 * 1024)
    assert store.temp_url_key_for_object(container, "plain.bin") == "py-object-secret"
    # Its segments live in another container, which the container's key cannot reach.
    assert store.temp_url_key_for_object(container, "large.bin") is None
    with pytest.raises(cglance.NotFound):
        store.temp_url_key_for_object(container, "absent.bin")
    store.delete_object(container, "large.bin")


def test_an_explicit_object_store_endpoint(demo: cglance.Client) -> None:
    url = f"{os.environ['GLANCE_TEST_SWIFT_URL']}/v1/AUTH_{demo.project_id()}"
    client = cglance.Config.from_cloud("demo").object_store_endpoint(url).build()
    with client, client.object_store() as store:
        assert store.url == url
        assert client.endpoint_url("object-store") == url


def test_a_client_without_object_storage(double_client: cglance.Client) -> None:
    with double_client.object_store() as store, pytest.raises(cglance.ConfigError):
        store.url


def test_deleting_a_dynamic_large_object_never_reaches_another_container(
    demo: cglance.Client, store: cglance.ObjectStore, container: str, cleanup
) -> None:
    victim = unique("victim")
    store.create_container(victim)

    def remove_victim() -> None:
        for entry in store.list_objects(victim):
            store.delete_object(victim, entry.name)
        store.delete_container(victim)

    cleanup.add(remove_victim)
    store.upload(victim, "payroll.db", b"precious")
    # Someone who can write `container` points a manifest into the victim.
    request = urllib.request.Request(
        f"{store.url}/{container}/trap",
        data=b"",
        method="PUT",
        headers={"X-Auth-Token": demo.auth_token(), "X-Object-Manifest": f"{victim}/pay"},
    )
    with urllib.request.urlopen(request) as answer:  # nosec - loopback Swift
        assert answer.status == 201
    with pytest.raises(cglance.InvalidArgument, match="does not own"):
        store.delete_object(container, "trap")
    assert [e.name for e in store.list_objects(victim)] == ["payroll.db"]
    store.delete_object(container, "trap", keep_segments=True)
    assert store.list_objects(container) == []
    assert [e.name for e in store.list_objects(victim)] == ["payroll.db"]
