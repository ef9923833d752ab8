"""The small gaps against the real Glance: capabilities, quota usage, the
stores' details, the download store preference, find over hidden images, and
NotSupported instead of a bare 400/404. Only an old API version comes from a
small local server: the real, current Glance cannot show one."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

import cglance
from conftest import unique

DATA = bytes((i * 7 + 3) % 256 for i in range(60000))


def test_capabilities(demo: cglance.Client) -> None:
    caps = demo.capabilities()
    assert caps.api_version is not None and caps.api_version[0] == 2 and caps.api_version[1] >= 15
    assert {"glance-direct", "web-download", "copy-image"} <= set(caps.import_methods)
    assert sorted(caps.stores) == ["fs", "fs2"]
    assert demo.capabilities() == caps


def test_usage_is_empty_without_unified_limits(demo: cglance.Client) -> None:
    # The local Glance enforces no unified limits: it answers {"usage": {}}.
    assert demo.usage() == {}


def test_stores_detail_is_admins(admin: cglance.Client, demo: cglance.Client) -> None:
    details = {store["id"]: store for store in admin.stores_detail()}
    assert details["fs2"]["type"] == "file"
    assert details["fs2"]["description"] == "second file store"
    assert details["fs2"]["properties"]["data_dir"].endswith("/images2/")
    assert details["fs"]["default"] is True
    with pytest.raises(cglance.Forbidden):
        demo.stores_detail()


def test_download_prefers_the_named_store(demo: cglance.Client, new_image) -> None:
    image = new_image()
    demo.stage(image.id, DATA)
    demo.import_image(image.id, method="glance-direct", stores=["fs", "fs2"])
    demo.wait_import(image.id, interval=0.2, timeout=120)
    # Spoil the copy in fs2 only (same length): reading it fails verification.
    spoiled = Path(os.environ["GLANCE_TEST_CLOUD_DIR"]) / "data/glance/images2" / image.id
    assert spoiled.stat().st_size == len(DATA)
    spoiled.write_bytes(bytes(len(DATA)))
    with pytest.raises(cglance.ChecksumMismatch):
        demo.download_bytes(image.id, prefer_stores=["fs2"])
    assert demo.download_bytes(image.id, prefer_stores=["fs"]) == DATA
    with pytest.raises(cglance.NotSupported) as caught:
        demo.download_bytes(image.id, prefer_stores=["nosuchstore"])
    assert caught.value.status is cglance.Status.NOT_SUPPORTED
    assert "nosuchstore" in str(caught.value) and "fs2" in str(caught.value)
    with pytest.raises(ValueError):
        demo.download_bytes(image.id, prefer_stores=["fs,fs2"])


def test_import_to_an_unknown_store_is_not_supported(demo: cglance.Client, new_image) -> None:
    image = new_image()
    demo.stage(image.id, b"staged")
    with pytest.raises(cglance.NotSupported) as caught:
        demo.import_image(image.id, method="glance-direct", stores=["nosuchstore"])
    assert "'nosuchstore'" in str(caught.value) and "fs, fs2" in str(caught.value)


def test_find_looks_at_hidden_images(demo: cglance.Client, new_image) -> None:
    import openstack

    name = unique("gaps-hidden")
    hidden = new_image(name=name, os_hidden=True)
    assert demo.find_image(name).id == hidden.id
    # As openstacksdk's find_image does.
    with openstack.connect(cloud="demo") as sdk:
        assert sdk.image.find_image(name).id == hidden.id
    visible = new_image(name=name)
    assert demo.find_image(name).id == visible.id


class _OldCloud(BaseHTTPRequestHandler):
    """Images API 2.9, glance-direct only, no usage or stores detail."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        documents = {
            "/versions": {"versions": [{"id": "v2.9"}, {"id": "v2.8"}]},
            "/v2/info/import": {"import-methods": {"value": ["glance-direct"]}},
            "/v2/info/stores": {"stores": [{"id": "ceph", "default": "true"}]},
        }
        document = documents.get(self.path)
        body = json.dumps(document).encode() if document is not None else b"404 Not Found"
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json" if document is not None else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


@pytest.fixture
def old_cloud() -> Iterator[cglance.Client]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OldCloud)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    config = cglance.Config().endpoint(url).token("old-token").retry(1).disable_proxy()
    try:
        with config.build() as client:
            yield client
    finally:
        server.shutdown()
        server.server_close()


def test_an_old_cloud_says_what_it_lacks(old_cloud: cglance.Client) -> None:
    caps = old_cloud.capabilities()
    assert caps.api_version == (2, 9) and caps.stores == ["ceph"] and caps.import_methods == ["glance-direct"]
    with pytest.raises(cglance.NotSupported, match=r"2\.13.*2\.9"):
        old_cloud.usage()
    with pytest.raises(cglance.NotSupported, match=r"2\.15"):
        old_cloud.stores_detail()
    with pytest.raises(cglance.NotSupported, match="'web-download'.*glance-direct"):
        old_cloud.import_image(
            "0d7b4c2a-0000-4000-8000-000000000001", method="web-download", uri="http://127.0.0.1:1/x"
        )
    with pytest.raises(cglance.NotFound):
        old_cloud.get_image("0d7b4c2a-0000-4000-8000-000000000001")
