"""The raw request against the real cloud: a metadata definitions namespace
created, listed, read and deleted as admin; Glance's refusals as the typed
errors; a caller's content type; another host refused before any request."""

from __future__ import annotations

from typing import Callable

import pytest

import cglance
from conftest import env, unique


def namespaces(admin: cglance.Client) -> list:
    listing = admin.request("GET", "/v2/metadefs/namespaces?limit=1000").json()
    return [n["namespace"] for n in listing["namespaces"]]


def test_a_metadefs_namespace_is_created_listed_read_and_deleted_as_admin(admin: cglance.Client) -> None:
    name = unique("raw-ns")
    created = admin.request("POST", "/v2/metadefs/namespaces", json={"namespace": name, "display_name": "py"})
    assert created.status == 201
    assert created.request_id is not None and created.request_id.startswith("req-")
    assert created.header("Location") is not None
    assert ("content-type", "application/json") in created.headers
    assert created.json()["namespace"] == name
    assert name in namespaces(admin)

    path = f"/v2/metadefs/namespaces/{name}"
    assert admin.request("GET", env("GLANCE_TEST_GLANCE_URL") + path).json()["display_name"] == "py"
    deleted = admin.request("DELETE", path)
    assert (deleted.status, deleted.body) == (204, b"")
    assert name not in namespaces(admin)
    with pytest.raises(cglance.NotFound) as gone:
        admin.request("GET", path)
    assert gone.value.http_status == 404
    assert gone.value.request_id is not None
    assert name in str(gone.value)


def test_glance_refusing_is_the_typed_error(demo: cglance.Client) -> None:
    with pytest.raises(cglance.Forbidden) as refused:
        demo.request("POST", "/v2/metadefs/namespaces", body=b'{"namespace": "x"}')
    assert refused.value.request_id is not None


def test_a_caller_content_type_is_sent(
    demo: cglance.Client, new_image: Callable[..., cglance.Image]
) -> None:
    image = new_image()
    patched = demo.request(
        "PATCH",
        f"/v2/images/{image.id}",
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
        json=[{"op": "replace", "path": "/name", "value": "renamed-by-raw"}],
    )
    assert patched.status == 200
    assert demo.get_image(image.id).name == "renamed-by-raw"


def test_bad_requests_fail_before_sending(demo: cglance.Client) -> None:
    with pytest.raises(cglance.InvalidArgument, match="token stays private"):
        demo.request("GET", "http://127.0.0.2:9/v2/images")
    with pytest.raises(cglance.InvalidArgument, match="set by the client"):
        demo.request("GET", "/v2/info/usage", headers=[("X-Auth-Token", "stolen")])
    with pytest.raises(cglance.InvalidArgument, match="':'"):
        demo.request("GET", "/v2/info/usage", headers={"A:B": "c"})
    with pytest.raises(TypeError):
        demo.request("POST", "/v2/x", body=b"{}", json={})
    with pytest.raises(TypeError):
        demo.request("GET", "/v2/x", headers=[("A",)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        demo.request(1, "/v2/x")  # type: ignore[arg-type]
