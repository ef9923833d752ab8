"""Interoperable image import: methods, stores, staging, import, waiting, tasks, stores."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import cglance
from cglance import ImportOptions
from conftest import Unseekable, unique
from double import BLOB

DATA = bytes((i * 13 + 5) % 256 for i in range(100000))


def test_methods_and_stores(demo: cglance.Client) -> None:
    methods = demo.import_methods()
    assert "glance-direct" in methods and "web-download" in methods
    stores = {store["id"]: store for store in demo.stores()}
    assert set(stores) >= {"fs", "fs2"}
    assert stores["fs"]["default"] is True


def test_stage_import_into_two_stores_and_wait(demo: cglance.Client, new_image) -> None:
    image = new_image()
    demo.stage(image.id, DATA)
    assert demo.get_image(image.id).status == "uploading"
    demo.import_image(image.id, method="glance-direct", stores=["fs", "fs2"])
    polled = []
    active = demo.wait_import(image.id, interval=0.2, timeout=120, on_poll=lambda i: polled.append(i.status))
    assert polled and polled[-1] == "active"
    assert active.status == "active"
    assert sorted(active.stores) == ["fs", "fs2"]
    assert active.checksum == hashlib.md5(DATA).hexdigest()
    tasks = demo.image_tasks(image.id)
    assert tasks[-1]["type"] == "api_image_import" and tasks[-1]["status"] == "success"
    # Removing data from a store is admin's.
    with pytest.raises(cglance.Forbidden) as caught:
        demo.delete_from_store(image.id, "fs2")
    assert caught.value.http_status == 403 and caught.value.request_id


def test_stage_a_file_into_one_store(demo: cglance.Client, new_image, tmp_path: Path) -> None:
    path = tmp_path / "staged.raw"
    path.write_bytes(DATA)
    image = new_image()
    seen = []
    demo.stage(image.id, path, progress=lambda done, total: seen.append(done))
    assert seen[-1] == len(DATA)
    demo.import_image(image.id, ImportOptions(stores=["fs2"], all_stores_must_succeed=False))
    active = demo.wait_import(image.id, interval=0.2, timeout=120)
    assert active.stores == ["fs2"]


def test_stage_from_a_file_object(demo: cglance.Client, new_image, tmp_path: Path) -> None:
    path = tmp_path / "staged.raw"
    path.write_bytes(DATA)
    image = new_image()
    with open(path, "rb") as source:
        demo.stage(image.id, source)
    demo.import_image(image.id)
    assert demo.wait_import(image.id, interval=0.2, timeout=120).size == len(DATA)


def test_stage_streams_a_pipe_and_refuses_text(demo: cglance.Client, new_image, tmp_path: Path) -> None:
    image = new_image()
    demo.stage(image.id, Unseekable(DATA, piece=7777))
    demo.import_image(image.id, stores=["fs2"])
    assert demo.wait_import(image.id, interval=0.2, timeout=120).checksum == hashlib.md5(DATA).hexdigest()
    sized = new_image()
    demo.stage(sized.id, Unseekable(DATA), size=1000)
    demo.import_image(sized.id)
    assert demo.wait_import(sized.id, interval=0.2, timeout=120).size == 1000

    text_path = tmp_path / "text.txt"
    text_path.write_text("words")
    untouched = new_image()
    with open(text_path) as text, pytest.raises(TypeError, match="binary"):
        demo.stage(untouched.id, text)
    # Refused before any byte went: nothing for Glance to undo.
    assert demo.get_image(untouched.id).status == "queued"


def test_admin_removes_data_from_one_store(admin: cglance.Client, demo: cglance.Client, new_image) -> None:
    image = new_image()
    demo.stage(image.id, DATA)
    demo.import_image(image.id, all_stores=True)
    assert sorted(demo.wait_import(image.id, interval=0.2, timeout=120).stores) == ["fs", "fs2"]
    admin.delete_from_store(image.id, "fs2")
    assert demo.get_image(image.id).stores == ["fs"]
    with pytest.raises(cglance.Forbidden, match="only store"):
        admin.delete_from_store(image.id, "fs")


def test_web_download_from_the_double(demo: cglance.Client, new_image, double) -> None:
    image = new_image()
    demo.import_image(image.id, method="web-download", uri=f"{double.url}/blob.bin")
    active = demo.wait_import(image.id, interval=0.2, timeout=120)
    assert active.size == len(BLOB)
    assert demo.download_bytes(image.id) == BLOB


def test_a_failed_web_download_is_an_import_failure(demo: cglance.Client, new_image, double) -> None:
    image = new_image()
    demo.import_image(image.id, method="web-download", uri=f"{double.url}/no-such-blob")
    with pytest.raises(cglance.ImportFailed) as caught:
        demo.wait_import(image.id, interval=0.2, timeout=120)
    assert caught.value.status is cglance.Status.IMPORT_FAILED


def test_wait_import_stopped_by_its_callback(demo: cglance.Client, new_image, double, cleanup) -> None:
    image = new_image()
    cleanup.add(double.release.set)  # whatever happens
    # Glance's fetch is held until the end: the import is under way while we wait.
    double.release.clear()
    demo.import_image(image.id, method="web-download", uri=f"{double.url}/held.bin")
    with pytest.raises(cglance.Aborted):
        demo.wait_import(image.id, interval=0.1, on_poll=lambda image: False)

    class Enough(Exception):
        pass

    def stop(polled: cglance.Image) -> None:
        assert polled.id == image.id and polled.status in ("queued", "importing")
        raise Enough

    with pytest.raises(Enough):
        demo.wait_import(image.id, interval=0.1, on_poll=stop)
    with pytest.raises(cglance.Timeout):
        demo.wait_import(image.id, interval=0.1, timeout=0.3)
    # The import itself went on.
    double.release.set()
    assert demo.wait_import(image.id, interval=0.2, timeout=120).size == len(BLOB)
    with pytest.raises(cglance.ImportFailed):
        demo.wait_import(new_image().id)  # queued, no import under way


def test_import_refusals(demo: cglance.Client, new_image) -> None:
    image = new_image()
    with pytest.raises(cglance.Conflict):
        demo.import_image(image.id)  # nothing staged
    with pytest.raises(cglance.InvalidArgument):
        demo.import_image(image.id, method="carrier-pigeon")
    with pytest.raises(cglance.InvalidArgument):
        demo.import_image(image.id, method="web-download")
    with pytest.raises(cglance.InvalidArgument):
        demo.import_image(image.id, stores=["fs"], all_stores=True)
    with pytest.raises(TypeError):
        demo.import_image(image.id, ImportOptions(), method="glance-direct")


def test_create_with_data(demo: cglance.Client, cleanup, tmp_path: Path) -> None:
    path = tmp_path / "whole.raw"
    path.write_bytes(DATA)
    direct = demo.create_with_data(path, name=unique("direct"), disk_format="raw", container_format="bare")
    cleanup.image(demo, direct.id)
    assert direct.status == "active" and direct.checksum == hashlib.md5(DATA).hexdigest()
    everywhere = demo.create_with_data(
        str(path),
        cglance.NewImage(name=unique("everywhere"), disk_format="raw", container_format="bare"),
        import_options=ImportOptions(all_stores=True),
    )
    cleanup.image(demo, everywhere.id)
    assert sorted(everywhere.stores) == ["fs", "fs2"]
    name = unique("failing")
    with pytest.raises(cglance.LocalIOError):
        demo.create_with_data(tmp_path / "missing", name=name, disk_format="raw", container_format="bare")
    # The half-made image was deleted again.
    assert list(demo.images(name=name)) == []
