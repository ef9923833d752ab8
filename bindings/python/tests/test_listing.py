"""Listings: filters, sorting, pages and their links, the lazy iterator."""

from __future__ import annotations

from typing import List

import pytest

import cglance
from cglance import ListOptions
from conftest import unique


def ids(images) -> List[str]:
    return [image.id for image in images]


@pytest.fixture
def three(demo: cglance.Client, new_image):
    """Three images sharing a tag, made in order, with differing fields."""
    tag = unique("tag")
    made = [
        new_image(name=unique("a"), tags=[tag], properties={"py_kind": "one"}, disk_format="raw"),
        new_image(name=unique("b"), tags=[tag], properties={"py_kind": "two"}, disk_format="qcow2"),
        new_image(name=unique("c"), tags=[tag, "other"], properties={"py_kind": "two"}, container_format="ovf"),
    ]
    return tag, made


def test_every_filter_selects(demo: cglance.Client, three) -> None:
    tag, (a, b, c) = three
    assert sorted(ids(demo.images(tags=[tag]))) == sorted(ids([a, b, c]))
    assert ids(demo.images(tags=[tag, "other"])) == [c.id]
    assert ids(demo.images(id=a.id)) == [a.id]
    assert sorted(ids(demo.images(id_in=[a.id, b.id]))) == sorted([a.id, b.id])
    assert ids(demo.images(name=b.name)) == [b.id]
    assert sorted(ids(demo.images(name_in=[a.name, c.name]))) == sorted([a.id, c.id])
    assert sorted(ids(demo.images(tags=[tag], properties={"py_kind": "two"}))) == sorted([b.id, c.id])
    assert ids(demo.images(tags=[tag], disk_format="qcow2")) == [b.id]
    assert sorted(ids(demo.images(tags=[tag], disk_format_in=["raw", "qcow2"]))) == sorted([a.id, b.id, c.id])
    assert ids(demo.images(tags=[tag], disk_format_in=["qcow2", "iso"])) == [b.id]
    assert ids(demo.images(tags=[tag], container_format="ovf")) == [c.id]
    assert ids(demo.images(tags=[tag], container_format_in=["ovf", "ova"])) == [c.id]
    assert len(ids(demo.images(tags=[tag], status="queued"))) == 3
    assert ids(demo.images(tags=[tag], status="active")) == []
    assert len(ids(demo.images(tags=[tag], status_in=["queued", "active"]))) == 3
    assert len(ids(demo.images(tags=[tag], visibility="shared"))) == 3
    assert ids(demo.images(tags=[tag], visibility="public")) == []
    assert len(ids(demo.images(tags=[tag], owner=demo.project_id() or ""))) == 3
    assert len(ids(demo.images(tags=[tag], member_status="all"))) == 3
    assert len(ids(demo.images(tags=[tag], protected=False))) == 3
    assert ids(demo.images(tags=[tag], protected=True)) == []
    assert len(ids(demo.images(tags=[tag], os_hidden=False))) == 3
    assert ids(demo.images(tags=[tag], os_hidden=True)) == []
    assert ids(demo.images(tags=[tag], created_at=[("gt", "2100-01-01T00:00:00Z")])) == []
    assert len(ids(demo.images(tags=[tag], created_at=[("lt", "2100-01-01T00:00:00Z")]))) == 3
    assert len(ids(demo.images(tags=[tag], updated_at=[("gte", "2000-01-01T00:00:00Z")]))) == 3
    assert ids(demo.images(tags=[tag], size_min=1)) == []


def test_sorting(demo: cglance.Client, three) -> None:
    tag, made = three
    by_name = sorted(made, key=lambda image: image.name)
    assert ids(demo.images(tags=[tag], sort=[("name", "asc")])) == ids(by_name)
    assert ids(demo.images(tags=[tag], sort=[("name", "desc"), ("created_at", "asc")])) == ids(by_name[::-1])
    assert ids(demo.images(tags=[tag], sort_key="name", sort_dir="desc")) == ids(by_name[::-1])
    with pytest.raises(cglance.InvalidArgument):
        demo.list_images(sort=[("name", "sideways")])
    with pytest.raises(cglance.InvalidArgument):
        demo.list_images(created_at=[("around", "2026-01-01T00:00:00Z")])


def test_size_filters(demo: cglance.Client, active_image) -> None:
    image, data = active_image
    assert image.id in ids(demo.images(size_min=len(data), size_max=len(data)))
    assert image.id not in ids(demo.images(size_min=len(data) + 1))
    assert image.id not in ids(demo.images(size_max=len(data) - 1))


def test_pages_follow_next_links(demo: cglance.Client, three) -> None:
    tag, made = three
    options = ListOptions(tags=[tag], limit=2, sort=[("name", "asc")])
    with demo.list_images(options) as first:
        assert len(first) == 2
        assert first.next is not None and first.first is not None
        assert ids(first) == ids(sorted(made, key=lambda i: i.name)[:2])
        assert first[-1].id == first[1].id
        with pytest.raises(IndexError):
            first[2]
        with pytest.raises(TypeError):
            first["0"]  # type: ignore[index]
        second = first.next_page()
        assert second is not None
        assert ids(second.images) == [sorted(made, key=lambda i: i.name)[2].id]
        again = demo.list_images_at(first.next)
        assert ids(again) == ids(second)
        assert second.next is None or len(demo.list_images_at(second.next)) == 0
        start = demo.list_images_at(first.first)
        assert ids(start) == ids(first)
    # Images of a page outlive it.
    kept = demo.list_images(options)[0]
    assert kept.name == sorted(made, key=lambda i: i.name)[0].name
    marker = demo.list_images(options)[0].id
    after = demo.list_images(tags=[tag], limit=2, sort=[("name", "asc")], marker=marker)
    assert ids(after) == ids(sorted(made, key=lambda i: i.name)[1:])


def test_the_iterator_walks_every_page(demo: cglance.Client, three) -> None:
    tag, made = three
    iterator = demo.images(tags=[tag], limit=1)
    assert iter(iterator) is iterator
    seen = [image.id for image in iterator]
    assert sorted(seen) == sorted(ids(made))
    assert iterator.closed
    assert list(iterator) == []
    with demo.images(tags=[tag], limit=1) as lazy:
        assert next(lazy).id in ids(made)
    assert lazy.closed


def test_a_bad_option_fails_when_the_listing_starts(demo: cglance.Client) -> None:
    with pytest.raises(cglance.InvalidArgument):
        demo.list_images(limit=0)
    iterator = demo.images(limit=0)
    with pytest.raises(cglance.InvalidArgument):
        next(iterator)
    # After a failure the iterator is finished.
    assert list(iterator) == []
    with pytest.raises(cglance.InvalidArgument):
        demo.list_images(id_in=[])


def test_paging_edge_cases_from_the_double(double_client: cglance.Client) -> None:
    assert ids(double_client.images(properties={"scenario": "pages"})) == ["p1", "p2", "p3"]
    loop = double_client.images(properties={"scenario": "loop"})
    assert next(loop).id == "l1"  # once: the next page repeats it, its marker did not advance
    with pytest.raises(cglance.InvalidResponse, match="the listing repeats 'l1'"):
        next(loop)
    elsewhere = double_client.images(properties={"scenario": "elsewhere"})
    assert next(elsewhere).id == "e1"
    with pytest.raises(cglance.InvalidResponse, match="another host"):
        next(elsewhere)
    with pytest.raises(cglance.InvalidResponse):
        double_client.list_images_at("http://127.0.0.2:1/v2/images")
    page = double_client.list_images(properties={"scenario": "pages"})
    assert page.first == "/v2/images?scenario=pages"
    last = page.next_page()
    assert last is not None and ids(last) == ["p3"] and last.next_page() is None
