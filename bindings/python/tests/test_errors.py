"""Failures as exceptions: class by status, with HTTP status, message and request id."""

from __future__ import annotations

import pytest

import cglance
from cglance import Status


def test_not_found_from_the_real_glance(demo: cglance.Client) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(cglance.NotFound) as caught:
        demo.get_image(missing)
    error = caught.value
    assert error.status is Status.NOT_FOUND
    assert error.http_status == 404
    assert missing in error.message and "404" in error.message
    assert error.request_id is not None and error.request_id.startswith("req-")
    assert error.request_id in str(error)
    assert isinstance(error, cglance.HTTPError) and isinstance(error, LookupError)


@pytest.mark.parametrize(
    "image_id, cls, status, http, part",
    [
        ("e500", cglance.HTTPError, 600, 500, "returned 500: boom (request id req-double)"),
        ("e413", cglance.TooLarge, 413, 413, "too big"),
        ("e418", cglance.HTTPError, 600, 418, "teapot"),
        ("e409", cglance.Conflict, 409, 409, "in use"),
        ("e503", cglance.ServiceUnavailable, 503, 503, "down for maintenance"),
        ("missing", cglance.NotFound, 404, 404, "the double has no GET"),
        ("bad-json", cglance.InvalidResponse, 33, 0, "not the expected JSON"),
    ],
)
def test_each_failure_of_the_double(
    double_client: cglance.Client, image_id: str, cls: type, status: int, http: int, part: str
) -> None:
    with pytest.raises(cls) as caught:
        double_client.get_image(image_id)
    error = caught.value
    assert type(error) is cls
    assert error.status == status and error.http_status == http
    assert part in error.message
    assert error.request_id == ("req-bad-json" if image_id == "bad-json" else "req-double")


def test_a_redirect_is_refused_without_request_id(double_client: cglance.Client) -> None:
    with pytest.raises(cglance.HTTPError) as caught:
        double_client.get_image("redirect")
    assert caught.value.http_status == 302
    assert caught.value.request_id is None
    assert "redirect to http://127.0.0.1:1/elsewhere refused" in caught.value.message


def test_a_nul_in_a_value_shows_in_json_only(double_client: cglance.Client) -> None:
    with double_client.get_image("nul-name") as image:
        assert image.id == "nul-name"
        assert image.name is None and image.get("name") is None
        assert '"name":"a\\u0000b"' in image.to_json()
        assert image.to_dict()["name"] == "a\0b"


def test_a_nul_in_an_id_or_a_next_link_is_the_servers_invalid_response(double_client: cglance.Client) -> None:
    with pytest.raises(cglance.InvalidResponse, match="NUL byte"):
        double_client.get_image("nul-id")
    # Never a listing that ends quietly after its first page.
    with pytest.raises(cglance.InvalidResponse, match="NUL byte"):
        list(double_client.images(properties={"scenario": "nul-next"}))
    with pytest.raises(cglance.InvalidResponse, match="NUL byte"):
        double_client.list_images(properties={"scenario": "nul-next"})


def test_the_hierarchy_mirrors_the_statuses() -> None:
    assert issubclass(cglance.NotAMember, cglance.NotFound)
    assert issubclass(cglance.NoSuchContainer, cglance.NotFound)
    assert issubclass(cglance.AlreadyMember, cglance.Conflict)
    assert issubclass(cglance.Unsharable, cglance.Forbidden)
    assert issubclass(cglance.MemberStatusForbidden, cglance.Forbidden)
    assert issubclass(cglance.InvalidArgument, ValueError)
    assert issubclass(cglance.Timeout, TimeoutError)
    assert issubclass(cglance.TransportError, ConnectionError)
    assert issubclass(cglance.LocalIOError, OSError)
    for status, cls in cglance.errors.ERROR_CLASSES.items():
        assert cls("x").status == status
        assert issubclass(cls, cglance.GlanceError)
    assert cglance.errors.error_class(429) is cglance.HTTPError
    assert cglance.errors.error_class(7) is cglance.GlanceError


def test_status_texts_and_version() -> None:
    assert cglance.status_text(404) == "not found (HTTP 404)"
    assert cglance.status_text(9999) == "unknown status"
    assert cglance.library_version() == cglance.__version__
    with pytest.raises(TypeError):
        cglance.status_text("404")  # type: ignore[arg-type]


def test_refused_connection_is_a_transport_error() -> None:
    client = cglance.Config().endpoint("http://127.0.0.1:1").token("t").retry(1).disable_proxy().build()
    with client, pytest.raises(cglance.TransportError) as caught:
        client.get_image("anything")
    assert caught.value.status is Status.TRANSPORT and caught.value.http_status == 0
    assert caught.value.request_id is None
