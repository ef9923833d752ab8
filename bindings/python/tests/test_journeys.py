"""Journeys: export to a container and import back, copy between regions and clouds."""

from __future__ import annotations

import io
from typing import Any, List

import pytest

import cglance
from cglance import ImportVia
from conftest import unique


@pytest.fixture
def exported(demo: cglance.Client, active_image, cleanup):
    image, data = active_image
    store = demo.object_store()
    container = unique("journey")
    store.create_container(container)

    def remove() -> None:
        for entry in store.list_objects(container):
            store.delete_object(container, entry.name)
        store.delete_container(container)

    cleanup.add(remove)
    return store, container, image, data


def test_export_then_import_back(demo: cglance.Client, exported, cleanup) -> None:
    store, container, image, data = exported
    name = demo.export_to_container(image.id, store, container)
    assert name == f"{image.id}.raw"
    info = store.object_info(container, name)
    assert info.size == len(data)
    # The image's description travels as JSON over X-Object-Meta-Glance-Image-NN.
    description = "".join(info.metadata(f"glance-image-{n:02}") or "" for n in range(14))
    assert '"py_fixture":"yes"' in description.replace(" ", "")
    assert info.metadata("GLANCE-IMAGE-00") == info.metadata("glance-image-00")
    small = demo.export_to_container(image.id, store, container, "segmented.raw", segment_size=100 * 1024)
    assert small == "segmented.raw" and store.object_info(container, small).is_large

    for via, object_name in ((ImportVia.STREAM, name), (ImportVia.AUTO, small)):
        copy = demo.import_from_container(store, container, object_name, unique("back"), via)
        cleanup.image(demo, copy.id)
        assert copy.status == "active" and copy.os_hash_value == image.os_hash_value
        assert copy.get("py_fixture") == "yes"
        assert demo.download_bytes(copy.id) == data
    default_named = demo.import_from_container(store, container, name)
    cleanup.image(demo, default_named.id)
    assert default_named.name == image.name

    with pytest.raises(cglance.NoSuchContainer):
        demo.export_to_container(image.id, store, unique("missing"))
    with pytest.raises(cglance.NotFound):
        demo.import_from_container(store, container, "no-such-object")
    with pytest.raises(cglance.InvalidArgument):
        demo.import_from_container(store, container, name, via=7)
    with pytest.raises(TypeError):
        demo.import_from_container(store, container, name, via="stream")


def test_web_download_needs_a_temp_url_key(demo: cglance.Client, exported, cleanup) -> None:
    store, container, image, _ = exported
    name = demo.export_to_container(image.id, store, container)
    if store.temp_url_key(container) is None:
        with pytest.raises(cglance.ConfigError):
            demo.import_from_container(store, container, name, via=ImportVia.WEB_DOWNLOAD)
    store.set_temp_url_key(container, "py-journey-key")
    copy = demo.import_from_container(store, container, name, unique("web"), ImportVia.WEB_DOWNLOAD)
    cleanup.image(demo, copy.id)
    assert copy.os_hash_value == image.os_hash_value


def test_copy_to_another_region_and_cloud(
    demo: cglance.Client, region_two: cglance.Client, alt: cglance.Client, active_image, cleanup
) -> None:
    image, data = active_image
    there = demo.copy_image_to(image.id, region_two, unique("copied"))
    cleanup.image(region_two, there.id)
    assert there.status == "active" and there.os_hash_value == image.os_hash_value
    assert there.get("py_fixture") == "yes"
    assert region_two.download_bytes(there.id) == data
    with pytest.raises(cglance.NotFound):
        demo.get_image(there.id)
    same_name = demo.copy_image_to(image.id, alt)
    cleanup.image(alt, same_name.id)
    assert same_name.name == image.name and same_name.owner == alt.project_id()
    with pytest.raises(cglance.NotFound):
        demo.copy_image_to("00000000-0000-4000-8000-000000000000", alt)


def test_copy_refuses_an_image_without_data(demo: cglance.Client, alt: cglance.Client, new_image) -> None:
    with pytest.raises(cglance.NoData):
        demo.copy_image_to(new_image().id, alt)


MIB = 1024 * 1024


@pytest.fixture(scope="module")
def big_image() -> Any:
    """An active 12 MiB image of demo's: progress reports come at least every 4 MiB."""
    data = bytes((i * 2654435761 >> 9) & 0xFF for i in range(12 * MIB + 9))
    with cglance.Client.from_cloud("demo") as client:
        image = client.create_image(name=unique("watched"), disk_format="raw", container_format="bare")
        try:
            client.upload(image.id, data)
            yield client.get_image(image.id), data
        finally:
            client.delete_image(image.id)


class Watch:
    """A progress callback taking a ProgressReport; stops halfway when asked to."""

    def __init__(self, stop: bool) -> None:
        self.stop = stop
        self.reports: List[cglance.ProgressReport] = []

    def __call__(self, report: cglance.ProgressReport) -> bool:
        self.reports.append(report)
        return not (self.stop and report.done > 0 and report.done >= report.total // 2)


def test_journeys_stopped_halfway_leave_nothing_behind(
    demo: cglance.Client, region_two: cglance.Client, big_image, cleanup
) -> None:
    image, data = big_image
    size = len(data)
    store = demo.object_store()
    container = unique("watched")
    store.create_container(container)

    def remove() -> None:
        for name in (container, f"{container}_segments"):
            try:
                for entry in store.list_objects(name):
                    store.delete_object(name, entry.name)
                store.delete_container(name)
            except cglance.GlanceError:
                pass

    cleanup.add(remove)

    def named(client: cglance.Client, name: str) -> list:
        return list(client.images(name=name))

    def objects(name: str) -> list:
        try:
            return store.list_objects(name)
        except cglance.NoSuchContainer:
            return []

    watch = Watch(stop=True)
    with pytest.raises(cglance.Aborted):
        demo.export_to_container(image.id, store, container, segment_size=4 * MIB, progress=watch)
    assert {r.phase for r in watch.reports} == {cglance.Phase.MOVING}
    assert size // 2 <= watch.reports[-1].done < size
    assert objects(container) == [] and objects(f"{container}_segments") == []

    watch = Watch(stop=False)
    name = demo.export_to_container(image.id, store, container, segment_size=4 * MIB, progress=watch)
    assert watch.reports[0] == (0, size, cglance.Phase.MOVING)
    assert watch.reports[-1].done == size

    imported = unique("watched-import")
    # An exception in the callback stops the journey too, and comes back out.
    def explode(report: cglance.ProgressReport) -> None:
        if report.done >= size // 2:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        demo.import_from_container(store, container, name, imported, ImportVia.STREAM, progress=explode)
    assert named(demo, imported) == []
    # The old two-argument callback still works, and returning False stops.
    seen: List[tuple] = []

    def two_arguments(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < total // 2

    with pytest.raises(cglance.Aborted):
        demo.import_from_container(store, container, name, imported, ImportVia.STREAM, progress=two_arguments)
    assert seen[0] == (0, size) and seen[-1][0] < size
    assert named(demo, imported) == []
    back = demo.import_from_container(store, container, name, imported, ImportVia.STREAM, progress=Watch(False))
    cleanup.image(demo, back.id)
    assert back.os_hash_value == image.os_hash_value

    copied = unique("watched-copy")
    watch = Watch(stop=True)
    with pytest.raises(cglance.Aborted):
        demo.copy_image_to(image.id, region_two, copied, progress=watch)
    assert size // 2 <= watch.reports[-1].done < size
    assert named(region_two, copied) == [] and named(demo, copied) == []
    watch = Watch(stop=False)
    copy = demo.copy_image_to(image.id, region_two, copied, progress=watch)
    cleanup.image(region_two, copy.id)
    assert watch.reports[-1] == (size, size, cglance.Phase.MOVING)
    assert copy.os_hash_value == image.os_hash_value


def test_object_transfers_take_progress(demo: cglance.Client, cleanup, tmp_path) -> None:
    store = demo.object_store()
    container = unique("watched-objects")
    store.create_container(container)

    def remove() -> None:
        for name in (container, f"{container}_segments"):
            try:
                for entry in store.list_objects(name):
                    store.delete_object(name, entry.name)
                store.delete_container(name)
            except cglance.GlanceError:
                pass

    cleanup.add(remove)
    data = bytes(range(256)) * (40 * 1024)  # 10 MiB
    source = tmp_path / "data"
    source.write_bytes(data)
    watch = Watch(stop=True)
    with pytest.raises(cglance.Aborted):
        store.upload_file(container, "o", source, segment_size=4 * MIB, progress=watch)
    assert {r.phase for r in watch.reports} == {cglance.Phase.TRANSFER}
    assert store.list_objects(container) == [] and store.list_objects(f"{container}_segments") == []
    watch = Watch(stop=False)
    assert store.upload(container, "o", data, segment_size=4 * MIB, progress=watch) == len(data)
    assert watch.reports[-1] == (len(data), len(data), cglance.Phase.TRANSFER)
    watch = Watch(stop=True)
    with pytest.raises(cglance.Aborted):
        store.download_file(container, "o", tmp_path / "back", progress=watch)
    assert not (tmp_path / "back").exists()
    sink = io.BytesIO()
    assert store.download(container, "o", sink, progress=Watch(False)) == len(data)
    assert sink.getvalue() == data
