"""A digest the caller expects (its publisher's), against the real Glance of
the local cloud: a match uploads, a mismatch cuts the body before its end so
Glance never gets the whole data, and the one-call create leaves no image."""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path

import pytest

import cglance
from cglance import Framing
from conftest import Unseekable, unique

DATA = bytes((i * 31 + i // 7) % 256 for i in range(300_007))
SHA256 = hashlib.sha256(DATA).hexdigest()
WRONG = hashlib.sha256(b"not the data").hexdigest()


def assert_mismatch(error: pytest.ExceptionInfo[cglance.ChecksumMismatch]) -> None:
    assert error.value.status == cglance.Status.CHECKSUM_MISMATCH
    message = str(error.value)
    assert "sha256" in message and WRONG in message and SHA256 in message


def without_data(client: cglance.Client, image_id: str) -> None:
    """Not active, no digest: Glance got no complete body (it may still be reading the cut one)."""
    image = client.get_image(image_id)
    assert image.status in ("queued", "saving", "uploading")
    assert image.checksum is None and image.os_hash_value is None


def upload_again(client: cglance.Client, image_id: str) -> cglance.Image:
    """The right data, retried while Glance still reads the cut request (409), a minute at most."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return client.upload(image_id, DATA, expected_digest=("sha256", SHA256))
        except cglance.Conflict:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("framing", [Framing.CONTENT_LENGTH, Framing.CHUNKED])
def test_a_matching_digest_uploads(demo: cglance.Client, new_image, framing: Framing) -> None:
    image = new_image()
    uploaded = demo.upload(image.id, DATA, framing=framing, expected_digest=("SHA256", SHA256.upper()))
    assert uploaded.status == "active" and uploaded.size == len(DATA)
    assert uploaded.os_hash_value == hashlib.sha512(DATA).hexdigest()
    assert uploaded.checksum == hashlib.md5(DATA).hexdigest()
    md5 = new_image()
    uploaded = demo.upload(md5.id, io.BytesIO(DATA), expected_digest=("md5", hashlib.md5(DATA).hexdigest()))
    assert uploaded.checksum == hashlib.md5(DATA).hexdigest()


@pytest.mark.parametrize("kind", ["bytes-chunked", "bytes", "unseekable"])
def test_a_mismatch_leaves_the_image_without_data(demo: cglance.Client, new_image, kind: str) -> None:
    image = new_image()
    source = Unseekable(DATA) if kind == "unseekable" else DATA
    framing = Framing.CHUNKED if kind == "bytes-chunked" else None
    with pytest.raises(cglance.ChecksumMismatch) as error:
        demo.upload(image.id, source, framing=framing, verify=False, expected_digest=("sha256", WRONG))
    assert_mismatch(error)
    without_data(demo, image.id)
    again = upload_again(demo, image.id)
    assert again.status == "active" and again.checksum == hashlib.md5(DATA).hexdigest()


def test_a_staging_mismatch_stages_nothing(demo: cglance.Client, new_image) -> None:
    image = new_image()
    with pytest.raises(cglance.ChecksumMismatch) as error:
        demo.stage(image.id, DATA, expected_digest=("sha256", WRONG))
    assert_mismatch(error)
    without_data(demo, image.id)
    good = new_image()
    demo.stage(good.id, DATA, expected_digest=("sha256", SHA256))
    demo.import_image(good.id, method="glance-direct")
    imported = demo.wait_import(good.id, interval=0.2)
    assert imported.status == "active" and imported.os_hash_value == hashlib.sha512(DATA).hexdigest()


def test_the_one_call_create_leaves_no_image_after_a_mismatch(demo: cglance.Client, cleanup, tmp_path: Path) -> None:
    path = tmp_path / "digest.raw"
    path.write_bytes(DATA)
    for import_options in (None, cglance.ImportOptions(method="glance-direct")):
        name = unique("digest-create")
        with pytest.raises(cglance.ChecksumMismatch) as error:
            demo.create_with_data(
                path,
                name=name,
                disk_format="raw",
                container_format="bare",
                import_options=import_options,
                expected_digest=("sha256", WRONG),
            )
        assert_mismatch(error)
        assert list(demo.images(name=name)) == []
    created = demo.create_with_data(
        path, name=unique("digest-create"), disk_format="raw", container_format="bare", expected_digest=("sha256", SHA256)
    )
    cleanup.image(demo, created.id)
    assert created.status == "active" and created.checksum == hashlib.md5(DATA).hexdigest()


@pytest.mark.parametrize(
    "expected",
    [("sha3-256", SHA256), ("sha256", SHA256[:-1]), ("sha512", SHA256), ("md5", "zz" * 16), ("sha256", "")],
)
def test_bad_digests_are_refused_before_any_request(demo: cglance.Client, expected) -> None:
    # No such image: a request would fail with NotFound, not InvalidArgument.
    with pytest.raises(cglance.InvalidArgument):
        demo.upload("00000000-0000-0000-0000-000000000000", DATA, expected_digest=expected)
    with pytest.raises(cglance.InvalidArgument):
        demo.stage("00000000-0000-0000-0000-000000000000", DATA, expected_digest=expected)


@pytest.mark.parametrize("expected", ["sha256", ("sha256",), ("sha256", b"00"), ["sha256", SHA256]])
def test_expected_digest_must_be_a_pair_of_str(demo: cglance.Client, expected) -> None:
    with pytest.raises(TypeError):
        demo.upload("00000000-0000-0000-0000-000000000000", DATA, expected_digest=expected)
