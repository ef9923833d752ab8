"""glance-download against the real two-region cloud: RegionTwo's Glance
imports an image of RegionOne itself, the bytes and digests unchanged."""

from __future__ import annotations

import hashlib

import pytest

import cglance
from cglance import ImportOptions
from conftest import unique

DATA = bytes((i * 17 + 3) % 253 for i in range(600007))


def test_an_image_of_region_one_imported_into_region_two(
    demo: cglance.Client, region_two: cglance.Client, cleanup
) -> None:
    name = unique("glance-download")
    source = demo.create_with_data(DATA, name=name, disk_format="raw", container_format="bare")
    cleanup.image(demo, source.id)
    target = region_two.create_image(name=name, disk_format="raw", container_format="bare")
    cleanup.image(region_two, target.id)

    region_two.import_image(
        target.id, method="glance-download", remote_image_id=source.id, remote_region="RegionOne"
    )
    arrived = region_two.wait_import(target.id, interval=0.2, timeout=120)
    assert arrived.status == "active"
    assert arrived.size == len(DATA)
    assert arrived.checksum == source.checksum == hashlib.md5(DATA).hexdigest()
    assert arrived.os_hash_value == source.os_hash_value == hashlib.sha512(DATA).hexdigest()
    method = region_two.image_tasks(target.id)[-1]["input"]["import_req"]["method"]
    assert method["name"] == "glance-download"
    assert method["glance_image_id"] == source.id and method["glance_region"] == "RegionOne"
    assert method.get("glance_service_interface", "public") == "public"
    assert region_two.download_bytes(target.id) == DATA
    # The source stays where it was.
    assert demo.get_image(source.id).status == "active"


def test_glance_download_options_are_checked(region_two: cglance.Client, new_image) -> None:
    image = new_image(region_two)
    with pytest.raises(cglance.InvalidArgument, match="remote_image_id and remote_region"):
        region_two.import_image(image.id, method="glance-download", remote_region="RegionOne")
    with pytest.raises(cglance.InvalidArgument, match="needs a region"):
        region_two.import_image(image.id, method="glance-download", remote_image_id="x", remote_region=" ")
    with pytest.raises(cglance.InvalidArgument, match="must not be empty"):
        region_two.import_image(image.id, ImportOptions(method="glance-download", remote_image_id="", remote_region="R"))
    with pytest.raises(TypeError):
        region_two.import_image(image.id, method="glance-download", remote_image_id=1, remote_region="RegionOne")
    assert region_two.get_image(image.id).status == "queued"
