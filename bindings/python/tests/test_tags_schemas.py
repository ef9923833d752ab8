"""Tags (any text) and the API's schemas."""

from __future__ import annotations

import pytest

import cglance


def test_tags(demo: cglance.Client, new_image) -> None:
    image = new_image()
    for tag in ("plain", "with/slash", "dots.and spaces", "ünïcode"):
        demo.add_tag(image.id, tag)
    demo.add_tag(image.id, "plain")  # again: not an error
    assert sorted(demo.get_image(image.id).tags) == sorted(["plain", "with/slash", "dots.and spaces", "ünïcode"])
    demo.remove_tag(image.id, "with/slash")
    assert "with/slash" not in demo.get_image(image.id).tags
    with pytest.raises(cglance.NoMatch):
        demo.remove_tag(image.id, "never had it")
    replaced = demo.replace_tags(image.id, ("x", "y"))
    assert sorted(replaced.tags) == ["x", "y"]
    assert sorted(demo.get_image(image.id).tags) == ["x", "y"]
    assert demo.replace_tags(image.id, []).tags == []
    assert demo.get_image(image.id).tags == []
    with pytest.raises(cglance.InvalidArgument):
        demo.add_tag(image.id, "")
    with pytest.raises(cglance.InvalidArgument):
        demo.add_tag(image.id, "t" * 256)
    with pytest.raises(TypeError):
        demo.replace_tags(image.id, "xy")
    with pytest.raises(cglance.NotFound):
        demo.add_tag("00000000-0000-4000-8000-000000000000", "t")


@pytest.mark.parametrize("name", ["images", "image", "members", "member", "tasks", "task"])
def test_schemas(demo: cglance.Client, name: str) -> None:
    schema = demo.schema(name)
    assert schema["name"] == name
    assert "properties" in schema or "links" in schema


def test_an_unknown_schema_is_refused_before_any_request(double_client: cglance.Client, double) -> None:
    before = len(double.requests)
    with pytest.raises(cglance.InvalidArgument):
        double_client.schema("kittens")
    assert len(double.requests) == before
