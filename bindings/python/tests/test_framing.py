"""Issue 15: the default framing is chunked, and falls back to Content-Length
behind a front end that refuses chunked bodies (the double under /uwsgi/
answers 411 before reading them, as uWSGI and Apache's mod_proxy_uwsgi do)."""

from __future__ import annotations

import cglance
from double import Double

DATA = b"\x2a" * 5000


def test_a_refused_chunked_upload_and_stage_fall_back_to_content_length(double: Double) -> None:
    def config() -> cglance.Config:
        return cglance.Config().endpoint(double.url + "/uwsgi").token("double-token").retry(1).disable_proxy()

    with config().build() as client:
        client.upload("framed", DATA)
    # A new client: the stage meets the refusal itself.
    with config().build() as client:
        client.stage("framed", DATA)
    puts = [(path, headers) for method, path, headers in double.requests if path.startswith("/uwsgi/") and method == "PUT"]
    assert [path for path, _ in puts] == ["/uwsgi/v2/images/framed/file"] * 2 + ["/uwsgi/v2/images/framed/stage"] * 2
    for refused, resent in (puts[0:2], puts[2:4]):
        assert refused[1].get("transfer-encoding") == "chunked"
        assert resent[1].get("content-length") == "5000"
