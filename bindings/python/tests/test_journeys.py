"""Journeys: export to a container and import back, copy between regions and clouds."""

from __future__ import annotations

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
