"""The digest a web-download's publisher announced, against the real Glance:
``wait_import(expected_digest=...)`` checks it once the image is active
(Glance's own md5/sha512 record, else the data hashed); a mismatch raises
ChecksumMismatch and the image is deleted. The data is the double's
``/blob.bin`` on 127.0.0.1."""

from __future__ import annotations

import hashlib

import pytest

import cglance
from double import BLOB

NONE = "00000000-0000-0000-0000-000000000000"


def web_download(demo: cglance.Client, new_image, double) -> str:
    image = new_image()
    demo.import_image(image.id, method="web-download", uri=f"{double.url}/blob.bin")
    return image.id


@pytest.mark.parametrize("algorithm", ["sha256", "SHA-512", "md5"])
def test_a_matching_digest_ends_active(demo: cglance.Client, new_image, double, algorithm: str) -> None:
    image_id = web_download(demo, new_image, double)
    digest = hashlib.new(algorithm.lower().replace("-", ""), BLOB).hexdigest()
    active = demo.wait_import(image_id, interval=0.2, timeout=120, expected_digest=(algorithm, digest.upper()))
    assert active.status == "active"
    assert active.checksum == hashlib.md5(BLOB).hexdigest()
    assert demo.get_image(image_id).status == "active"


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_a_wrong_digest_raises_and_deletes_the_image(
    demo: cglance.Client, new_image, double, algorithm: str
) -> None:
    image_id = web_download(demo, new_image, double)
    wrong = hashlib.new(algorithm, b"not the blob").hexdigest()
    actual = hashlib.new(algorithm, BLOB).hexdigest()
    with pytest.raises(cglance.ChecksumMismatch) as raised:
        demo.wait_import(image_id, interval=0.2, timeout=120, expected_digest=(algorithm, wrong))
    message = str(raised.value)
    assert algorithm in message and wrong in message and actual in message
    assert f"image {image_id} deleted" in message
    with pytest.raises(cglance.NotFound):
        demo.get_image(image_id)


def test_bad_digests_are_refused_before_any_request(demo: cglance.Client) -> None:
    sha256 = hashlib.sha256(BLOB).hexdigest()
    with pytest.raises(cglance.InvalidArgument, match="sha3-256"):
        demo.wait_import(NONE, expected_digest=("sha3-256", sha256))
    with pytest.raises(cglance.InvalidArgument):
        demo.wait_import(NONE, expected_digest=("sha512", sha256))
    with pytest.raises(TypeError):
        demo.wait_import(NONE, expected_digest=sha256)  # type: ignore[arg-type]
    with pytest.raises(cglance.NotFound):
        demo.wait_import(NONE)
