"""Bad input: wrong types raise TypeError before any C code; None and NUL are refused cleanly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import cglance
from cglance import Patch


class NotAString:
    pass


# None is refused where a string is required; where it means "not set" (an
# optional filter or field), the case passes another wrong type instead.
STRING_CALLS = [
    ("get_image", lambda c, v: c.get_image(v)),
    ("find_image", lambda c, v: c.find_image(v)),
    ("delete_image", lambda c, v: c.delete_image(v)),
    ("deactivate_image", lambda c, v: c.deactivate_image(v)),
    ("reactivate_image", lambda c, v: c.reactivate_image(v)),
    ("rename_image id", lambda c, v: c.rename_image(v, "n")),
    ("rename_image name", lambda c, v: c.rename_image("00000000-0000-4000-8000-000000000000", v)),
    ("set_properties", lambda c, v: c.set_properties(v, {})),
    ("update_image", lambda c, v: c.update_image(v, [])),
    ("add_tag", lambda c, v: c.add_tag("00000000-0000-4000-8000-000000000000", v)),
    ("remove_tag", lambda c, v: c.remove_tag(v, "t")),
    ("replace_tags", lambda c, v: c.replace_tags(v, [])),
    ("members", lambda c, v: c.members(v)),
    ("get_member", lambda c, v: c.get_member("i", v)),
    ("add_member", lambda c, v: c.add_member(v, "m")),
    ("remove_member", lambda c, v: c.remove_member("i", v)),
    ("update_member_status", lambda c, v: c.update_member_status("i", "m", v)),
    ("update_own_member_status", lambda c, v: c.update_own_member_status(v, "accepted")),
    ("schema", lambda c, v: c.schema(v)),
    ("get_task", lambda c, v: c.get_task(v)),
    ("create_task", lambda c, v: c.create_task(v, {})),
    ("image_tasks", lambda c, v: c.image_tasks(v)),
    ("import_image", lambda c, v: c.import_image(v)),
    ("wait_import", lambda c, v: c.wait_import(v)),
    ("wait_task", lambda c, v: c.wait_task(v)),
    ("delete_from_store", lambda c, v: c.delete_from_store("i", v)),
    ("list_images_at", lambda c, v: c.list_images_at(v)),
    ("list_tasks_at", lambda c, v: c.list_tasks_at(v)),
    ("endpoint_url", lambda c, v: c.endpoint_url(v)),
    ("object_store", lambda c, v: c.object_store(v) if v is not None else c.object_store(0)),
    ("upload id", lambda c, v: c.upload(v, b"")),
    ("download id", lambda c, v: c.download(v, io.BytesIO())),
    ("stage id", lambda c, v: c.stage(v, b"")),
    ("images name", lambda c, v: c.images(name=v if v is not None else 5)),
    ("list_images tag", lambda c, v: c.list_images(tags=[v])),
    ("create_image name", lambda c, v: c.create_image(name=v if v is not None else 5)),
    ("create_image property", lambda c, v: c.create_image(properties={"k": v})),
    ("copy_image_to name", lambda c, v: c.copy_image_to("i", c, name=v if v is not None else 5)),
]


@pytest.mark.parametrize("what, call", STRING_CALLS, ids=[name for name, _ in STRING_CALLS])
@pytest.mark.parametrize("value", [None, 42, b"bytes", NotAString()], ids=["None", "int", "bytes", "object"])
def test_wrong_types_raise_type_error(double_client: cglance.Client, double, what, call, value) -> None:
    before = len(double.requests)
    with pytest.raises(TypeError):
        call(double_client, value)
    assert len(double.requests) == before, "a request was sent despite the bad argument"


@pytest.mark.parametrize("what, call", STRING_CALLS, ids=[name for name, _ in STRING_CALLS])
def test_nul_characters_are_refused(double_client: cglance.Client, double, what, call) -> None:
    before = len(double.requests)
    with pytest.raises(cglance.InvalidArgument, match="NUL"):
        call(double_client, "a\0b")
    assert len(double.requests) == before


def test_lone_surrogates_are_refused(double_client: cglance.Client) -> None:
    with pytest.raises(cglance.InvalidArgument):
        double_client.get_image("\ud800")


def test_numbers_and_flags(demo: cglance.Client) -> None:
    with pytest.raises(TypeError):
        demo.list_images(limit="10")
    with pytest.raises(TypeError):
        demo.list_images(limit=True)
    with pytest.raises(cglance.InvalidArgument):
        demo.list_images(limit=-1)
    with pytest.raises(cglance.InvalidArgument):
        demo.list_images(limit=1 << 32)
    with pytest.raises(TypeError):
        demo.list_images(protected="yes")
    with pytest.raises(TypeError):
        demo.list_images(protected=1)
    with pytest.raises(TypeError):
        demo.create_image(min_ram=1.5)
    with pytest.raises(cglance.InvalidArgument):
        demo.create_image(min_disk=1 << 64)
    with pytest.raises(TypeError):
        demo.list_images(tags="a tag is not a list of tags")
    with pytest.raises(TypeError):
        demo.list_images(sort=[("name",)])
    with pytest.raises(TypeError):
        demo.list_images(properties=5)
    with pytest.raises(TypeError):
        demo.list_images(cglance.NewImage())
    with pytest.raises(TypeError):
        demo.update_image("i", Patch.add("k", "v"))
    with pytest.raises(TypeError):
        demo.update_image("i", ["add"])
    with pytest.raises(TypeError):
        demo.set_properties("i", [("k", "v")])
    with pytest.raises(TypeError):
        demo.set_properties("i", {1: "v"})
    with pytest.raises(TypeError):
        demo.wait_import("i", interval="1")
    with pytest.raises(cglance.InvalidArgument):
        demo.wait_import("i", interval=0)
    with pytest.raises(cglance.InvalidArgument):
        demo.wait_task("i", timeout=-1)
    with pytest.raises(TypeError):
        demo.upload("i", 12345)
    with pytest.raises(TypeError):
        demo.upload("i", b"", size="3")
    with pytest.raises(TypeError):
        demo.upload("i", b"", progress="not callable")
    with pytest.raises(TypeError):
        demo.upload("i", b"", framing="chunked")
    with pytest.raises(TypeError):
        demo.download("i", 12345)
    with pytest.raises(TypeError):
        demo.stage("i", 12345)
    with pytest.raises(TypeError):
        demo.copy_image_to("i", "not a client")
    with pytest.raises(TypeError):
        demo.export_to_container("i", "not a store", "c")
    with pytest.raises(TypeError):
        demo.create_task("import", "not a mapping")
    with pytest.raises(TypeError):
        demo.create_with_data(Path("/dev/null"), import_options={"method": "glance-direct"})
    with pytest.raises(TypeError):
        cglance.Client(0)
    with pytest.raises(TypeError):
        cglance.Config().insecure("yes")
    with pytest.raises(TypeError):
        cglance.Config().connect_timeout("30")
    with pytest.raises(TypeError):
        cglance.Config().wire_log(None)


def test_closed_handles_raise_value_error(demo: cglance.Client) -> None:
    client = cglance.Client.from_cloud("demo")
    client.close()
    client.close()
    assert client.closed
    with pytest.raises(ValueError, match="closed"):
        client.get_image("anything")
    with pytest.raises(ValueError, match="closed"):
        with client:
            pass
    config = cglance.Config()
    config.close()
    with pytest.raises(ValueError, match="closed"):
        config.endpoint("http://127.0.0.1:1")
    store = demo.object_store()
    store.close()
    with pytest.raises(ValueError):
        store.container_exists("c")


def test_a_built_config_is_consumed() -> None:
    config = cglance.Config().endpoint("http://127.0.0.1:1").token("t")
    client = config.build()
    assert config.closed
    with pytest.raises(ValueError, match="closed"):
        config.build()
    client.close()
    # A build that fails consumes the config too.
    failing = cglance.Config()
    with pytest.raises(cglance.ConfigError):
        failing.build()
    assert failing.closed
