"""openstacksdk's create against ours, both ways, with openstacksdk itself
(pinned in run-tests): an image made by cglance is a duplicate for
openstacksdk's ``create_image``, and one made by openstacksdk is found by
:meth:`cglance.Client.create_image_like_openstacksdk`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterator

import openstack
import pytest

import cglance
from conftest import Cleanup, unique


@pytest.fixture(scope="module")
def sdk() -> Iterator[openstack.connection.Connection]:
    connection = openstack.connect(cloud="demo")
    yield connection
    connection.close()


@pytest.fixture
def disk(tmp_path: Path) -> Path:
    path = tmp_path / "disk.raw"
    path.write_bytes(b"\x02" * 70000)
    return path


def test_an_image_made_by_cglance_is_a_duplicate_for_openstacksdk(
    demo: cglance.Client, sdk: openstack.connection.Connection, disk: Path, cleanup: Cleanup
) -> None:
    name = unique("sdk-ours-first")
    ours = demo.create_image_like_openstacksdk(disk, name=name, disk_format="raw", container_format="bare")
    cleanup.image(demo, ours.id)
    data = disk.read_bytes()
    assert ours.properties["owner_specified.openstack.md5"] == hashlib.md5(data).hexdigest()
    assert ours.properties["owner_specified.openstack.sha256"] == hashlib.sha256(data).hexdigest()
    assert ours.properties["owner_specified.openstack.object"] == f"images/{name}"
    theirs = sdk.image.create_image(
        name, filename=str(disk), disk_format="raw", container_format="bare", validate_checksum=True, wait=True
    )
    cleanup.image(demo, theirs.id)
    assert theirs.id == ours.id


def test_an_image_made_by_openstacksdk_is_found_by_cglance(
    demo: cglance.Client, sdk: openstack.connection.Connection, disk: Path, cleanup: Cleanup
) -> None:
    name = unique("sdk-theirs-first")
    theirs = sdk.image.create_image(
        name, filename=str(disk), disk_format="raw", container_format="bare", validate_checksum=True, wait=True
    )
    cleanup.image(demo, theirs.id)
    ours = demo.create_image_like_openstacksdk(disk, name=name, disk_format="raw", container_format="bare")
    cleanup.image(demo, ours.id)
    assert ours.id == theirs.id
    duplicate = demo.create_image_like_openstacksdk(
        disk, name=name, disk_format="raw", container_format="bare", allow_duplicates=True
    )
    cleanup.image(demo, duplicate.id)
    assert duplicate.id != theirs.id
    with pytest.raises(cglance.Ambiguous):
        demo.create_image_like_openstacksdk(disk, name=name, disk_format="raw", container_format="bare")


def test_arguments_are_checked(demo: cglance.Client, disk: Path) -> None:
    with pytest.raises(TypeError):
        demo.create_image_like_openstacksdk(disk, name="x", allow_duplicates="no")  # type: ignore[arg-type]
    with pytest.raises(cglance.InvalidArgument):
        demo.create_image_like_openstacksdk(disk, disk_format="raw")


def test_the_publishers_digest_is_checked(demo: cglance.Client, disk: Path, cleanup: Cleanup) -> None:
    sha256 = hashlib.sha256(disk.read_bytes()).hexdigest()
    name = unique("sdk-digest")
    with pytest.raises(cglance.ChecksumMismatch):
        demo.create_image_like_openstacksdk(
            disk, name=name, disk_format="raw", container_format="bare", expected_digest=("sha256", "0" * 64)
        )
    assert list(demo.images(name=name)) == []
    image = demo.create_image_like_openstacksdk(
        disk, name=name, disk_format="raw", container_format="bare", expected_digest=("sha256", sha256)
    )
    cleanup.image(demo, image.id)
    assert image.status == "active" and image.properties["owner_specified.openstack.sha256"] == sha256
