"""Image records: create with every field, read every attribute, find, update, delete."""

from __future__ import annotations

import uuid

import pytest

import cglance
from cglance import Patch
from conftest import unique


def test_create_with_every_field_and_read_it_back(demo: cglance.Client, cleanup) -> None:
    image_id = str(uuid.uuid4())
    name = unique("fields")
    cleanup.image(demo, image_id)
    made = demo.create_image(
        id=image_id,
        name=name,
        disk_format="qcow2",
        container_format="bare",
        visibility="private",
        tags=["py", "t/2"],
        properties={"os_distro": "debian", "py_note": "é ünïcode"},
        min_disk=3,
        min_ram=512,
        protected=False,
        os_hidden=True,
    )
    with demo.get_image(image_id) as image:
        for record in (made, image):
            assert record.id == image_id
            assert record.name == name
            assert record.status == "queued"
            assert record.visibility == "private"
            assert record.owner == demo.project_id()
            assert record.disk_format == "qcow2" and record.container_format == "bare"
            assert sorted(record.tags) == ["py", "t/2"]
            assert record.min_disk == 3 and record.min_ram == 512
            assert record.protected is False and record.os_hidden is True
            assert record.size is None and record.virtual_size is None
            assert record.checksum is None and record.os_hash_algo is None and record.os_hash_value is None
            assert record.created_at and record.created_at.endswith("Z")
            assert record.updated_at
            assert record.stores == []
            assert record["os_distro"] == "debian"
            assert record.get("py_note") == "é ünïcode"
            assert record.get("min_ram") == "512"
            assert record.get("nope") is None and record.get("nope", "d") == "d"
            assert "os_distro" in record and "nope" not in record and 5 not in record
            assert record.keys() == sorted(record.keys()) and "os_distro" in record.keys()
            assert record.properties["protected"] == "false"
            assert record.to_dict()["tags"] in (["py", "t/2"], ["t/2", "py"])
        with pytest.raises(KeyError):
            image["nope"]
    made.close()


def test_created_defaults(new_image) -> None:
    image = new_image()
    assert image.visibility == "shared"
    assert image.protected is False and image.os_hidden is False
    assert image.min_disk == 0 and image.min_ram == 0 and image.tags == []


def test_copy_outlives_the_original(new_image) -> None:
    image = new_image(name=unique("copy"))
    copy = image.copy()
    name = image.name
    image.close()
    assert image.closed
    with pytest.raises(ValueError, match="closed"):
        image.name
    assert repr(image) == "<Image (closed)>"
    assert copy.name == name
    assert repr(copy).startswith(f"<Image {copy.id}")


def test_find_by_name(demo: cglance.Client, new_image) -> None:
    name = unique("find")
    image = new_image(name=name)
    with demo.find_image(name) as found:
        assert found.id == image.id
    with pytest.raises(cglance.NoMatch):
        demo.find_image(unique("nothing"))
    new_image(name=name)
    with pytest.raises(cglance.Ambiguous) as caught:
        demo.find_image(name)
    assert image.id in caught.value.message


def test_update_with_patches(demo: cglance.Client, new_image) -> None:
    image = new_image(properties={"old": "x"})
    updated = demo.update_image(
        image.id,
        [
            Patch.add("py_added", "yes"),
            Patch.replace("name", "renamed by patch"),
            Patch.replace("min_ram", 256),
            Patch.add("tags", ["a", "b"]),
            Patch.remove("old"),
        ],
    )
    with demo.get_image(image.id) as fresh:
        for record in (updated, fresh):
            assert record.get("py_added") == "yes"
            assert record.name == "renamed by patch"
            assert record.min_ram == 256
            assert sorted(record.tags) == ["a", "b"]
            assert record.get("old") is None
    # An empty patch just fetches the image.
    assert demo.update_image(image.id, []).name == "renamed by patch"
    with pytest.raises(cglance.Conflict) as caught:
        demo.update_image(image.id, [Patch.remove("never_there")])
    assert caught.value.http_status == 409 and caught.value.request_id
    with pytest.raises(cglance.Forbidden):
        demo.update_image(image.id, [Patch.replace("status", "active")])
    with pytest.raises(cglance.InvalidArgument):
        demo.update_image(image.id, [Patch.add("x", float("nan"))])
    assert "Patch('add'" in repr(Patch.add("k", "v"))
    with pytest.raises(ValueError):
        Patch("move", "k")


def test_set_properties_and_rename(demo: cglance.Client, new_image) -> None:
    image = new_image(properties={"gone_soon": "1", "kept": "k"})
    updated = demo.set_properties(image.id, {"os_distro": "ubuntu", "gone_soon": None, "min_disk": 2})
    assert updated.get("os_distro") == "ubuntu"
    assert updated.get("gone_soon") is None
    assert updated.get("kept") == "k"
    assert updated.min_disk == 2
    renamed = demo.rename_image(image.id, "new name")
    assert renamed.name == "new name"
    assert demo.get_image(image.id).name == "new name"


def test_delete(demo: cglance.Client, new_image) -> None:
    image = new_image()
    demo.delete_image(image.id)
    with pytest.raises(cglance.NotFound):
        demo.get_image(image.id)
    with pytest.raises(cglance.NotFound):
        demo.delete_image(image.id)


def test_protected_image_cannot_be_deleted(demo: cglance.Client, new_image) -> None:
    image = new_image(protected=True)
    with pytest.raises(cglance.Forbidden):
        demo.delete_image(image.id)
    assert demo.set_properties(image.id, {"protected": False}).protected is False


def test_deactivate_and_reactivate(demo: cglance.Client, new_image) -> None:
    image = new_image()
    demo.upload(image.id, b"deactivate me")
    demo.deactivate_image(image.id)
    assert demo.get_image(image.id).status == "deactivated"
    with pytest.raises(cglance.Forbidden):
        demo.download_bytes(image.id)
    demo.reactivate_image(image.id)
    assert demo.get_image(image.id).status == "active"
    assert demo.download_bytes(image.id) == b"deactivate me"
    queued = new_image()
    with pytest.raises(cglance.Forbidden, match="status 'queued'"):
        demo.deactivate_image(queued.id)


def test_reader_cannot_create(reader: cglance.Client) -> None:
    with pytest.raises(cglance.Forbidden) as caught:
        reader.create_image(name=unique("reader"))
    assert caught.value.http_status == 403


def test_create_refuses_bad_fields(demo: cglance.Client) -> None:
    with pytest.raises(cglance.BadRequest, match="not-a-uuid"):
        demo.create_image(id="not-a-uuid")
    with pytest.raises(cglance.InvalidArgument):
        demo.create_image(properties={"name": "known fields have their own setter"})
    with pytest.raises(cglance.BadRequest):
        demo.create_image(name=unique("bad"), disk_format="not-a-format")
    with pytest.raises(TypeError):
        demo.create_image(cglance.NewImage(name="x"), name="both")
    with pytest.raises(TypeError):
        demo.create_image(colour="blue")


def test_finalizers_free_what_was_not_closed(demo: cglance.Client, new_image) -> None:
    import gc

    image = new_image()
    copies = [image.copy() for _ in range(3)]
    finalizers = [copy._finalizer for copy in copies]
    assert all(finalizer.alive for finalizer in finalizers)
    del copies
    gc.collect()
    assert not any(finalizer.alive for finalizer in finalizers)
    page = demo.list_images(limit=1)
    page_finalizer = page._finalizer
    first = page[0] if len(page) else None
    del page
    gc.collect()
    assert not page_finalizer.alive
    if first is not None:
        assert first.id  # an image taken from a page outlives it
    # close() frees at once, and the finalizer does not free again.
    image.close()
    assert not image._finalizer.alive
