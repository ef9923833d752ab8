"""A small scriptable HTTP server on 127.0.0.1 for what a real cloud cannot show.

It plays the C suite's double (tests/c_suite.rs): HTTP failures, data that
does not match its digest, with their
messages and request ids, bodies that do not fit the API, a redirect, a
flaky and a stalling image, listings over several pages (one that loops, one
whose next link points to another host), Keystone v2.0 and Rackspace API-key
authentication, Rackspace's export/import tasks, acting as a proxy, and a
blob for Glance to fetch. Every request is recorded.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

BLOB = bytes([42]) * 4096
CORRUPT = b"tampered"
OVERLONG_EXCESS = bytes([7]) * (1 << 20)


def _image(image_id: str) -> Dict[str, Any]:
    return {"id": image_id, "name": image_id, "status": "active", "visibility": "private"}


def _task(task_id: str, kind: str, status: str, task_input: Any) -> Dict[str, Any]:
    return {
        "id": task_id,
        "type": kind,
        "status": status,
        "input": task_input,
        "result": None,
        "owner": "c-owner",
        "message": "",
        "created_at": "2014-02-26T02:34:49Z",
        "updated_at": "2014-02-26T02:35:02Z",
        "schema": "/v2/schemas/task",
    }


class Double:
    """The server; ``url`` is its base URL, ``requests`` what it was sent."""

    def __init__(self) -> None:
        self.requests: List[Tuple[str, str, Dict[str, str]]] = []
        self.release = threading.Event()
        """Set it to let /held.bin answer."""
        self._flaky = 0
        self._lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
                if chunked and self.path.startswith("/uwsgi/"):
                    # Plays uWSGI/Apache's mod_proxy_uwsgi: a chunked body is
                    # refused with 411 before any of it is read.
                    with double._lock:
                        double.requests.append((self.command, self.path, dict(self.headers.items())))
                    self.close_connection = True
                    double._send(self, 411, b"chunked bodies are not supported", {"Connection": "close"})
                    return
                if chunked:
                    body = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size + 2)
                        if size == 0:
                            break
                        body += chunk[:size]
                    with double._lock:
                        double.requests.append((self.command, self.path, dict(self.headers.items())))
                    return double._route(self, body)
                length = int(self.headers.get("Content-Length") or 0)
                if self.path.endswith("/slow-sink/file"):
                    # Takes an upload at about 6 MB/s, answering once it has all.
                    while length > 0:
                        chunk = self.rfile.read(min(length, 65536))
                        if not chunk:
                            return  # the client gave up
                        length -= len(chunk)
                        time.sleep(0.01)
                body = self.rfile.read(length) if length else b""
                with double._lock:
                    double.requests.append((self.command, self.path, dict(self.headers.items())))
                double._route(self, body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_CONNECT = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stops the server."""
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------ answers

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        headers: Optional[Dict[str, str]] = None,
        request_id: Optional[str] = "req-double",
    ) -> None:
        h.send_response(status)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        if request_id is not None:
            h.send_header("x-openstack-request-id", request_id)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def _json(self, h: BaseHTTPRequestHandler, status: int, document: Any, **kw: Any) -> None:
        self._send(h, status, json.dumps(document).encode(), {"Content-Type": "application/json"}, **kw)

    def _route(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        method = h.command
        target = h.path
        if method == "CONNECT":
            h.send_response(200, "Connection established")
            h.end_headers()
            return
        path = urlsplit(target).path
        query = urlsplit(target).query
        if method == "PUT" and path in ("/uwsgi/v2/images/framed/file", "/uwsgi/v2/images/framed/stage"):
            # Behind the refusing front end: only Content-Length bodies get here.
            return self._send(h, 204 if body == b"\x2a" * 5000 else 400, b"", {})
        if method == "GET" and path == "/uwsgi/v2/images/framed":
            return self._json(h, 200, _image("framed"))
        if method == "GET" and path.startswith("/v2/images/"):
            return self._image_route(h, path[len("/v2/images/") :])
        if method == "PUT" and path == "/v2/images/corrupt/file":
            # Takes the bytes; the image then records another digest.
            return self._send(h, 204, b"", {})
        if method == "GET" and path == "/v2/images":
            return self._listing(h, query)
        if method == "GET" and path == "/v2/schemas/image":
            return self._json(
                h,
                200,
                {"user_agent": h.headers.get("User-Agent", ""), "token": h.headers.get("X-Auth-Token", "")},
            )
        if method == "POST" and path == "/v2.0/tokens":
            return self._keystone_v2(h, body)
        if path.startswith("/v2/tasks") or path.startswith("/v1/AUTH_c"):
            return self._rackspace_tasks(h, method, path, body)
        if method == "GET" and path == "/held.bin":
            # Served once the test sets `release` (at most a minute later).
            self.release.wait(60)
            return self._send(h, 200, BLOB, {"Content-Type": "application/octet-stream"}, request_id=None)
        if method == "GET" and path == "/blob.bin":
            return self._send(h, 200, BLOB, {"Content-Type": "application/octet-stream"}, request_id=None)
        self._json(h, 404, {"message": f"the double has no {method} {target}"})

    def _image_route(self, h: BaseHTTPRequestHandler, name: str) -> None:
        if name == "e500":
            return self._json(h, 500, {"message": "boom<br /><br />\n", "code": "500"})
        if name == "e413":
            return self._json(h, 413, {"message": "too big"})
        if name == "e418":
            return self._json(h, 418, {"message": "teapot"})
        if name == "e409":
            return self._json(h, 409, {"message": "in use"})
        if name == "e503":
            return self._json(h, 503, {"message": "down for maintenance"})
        if name == "bad-json":
            return self._send(h, 200, b'{"id": ', {"Content-Type": "application/json"}, request_id="req-bad-json")
        if name == "nul-name":
            return self._json(h, 200, {"id": "nul-name", "name": "a\u0000b"})
        if name == "nul-id":
            return self._json(h, 200, _image("nul\u0000id"))
        if name == "redirect":
            return self._send(h, 302, b"", {"Location": "http://127.0.0.1:1/elsewhere"}, request_id=None)
        if name == "flaky":
            with self._lock:
                self._flaky += 1
                fail = self._flaky % 2 == 1
            if fail:
                return self._json(h, 503, {"message": "try later"})
            return self._json(h, 200, _image("flaky"))
        if name == "stall":
            time.sleep(3)
            return self._json(h, 200, _image("stall"))
        if name == "whoami":
            return self._json(h, 200, {"id": "whoami", "name": h.headers.get("X-Auth-Token", "")})
        if name == "corrupt":
            # Its recorded digest is of other bytes than its data.
            image = _image("corrupt")
            image.update(checksum=hashlib.md5(b"expected").hexdigest(), size=len(CORRUPT))
            return self._json(h, 200, image)
        if name == "corrupt/file":
            return self._send(h, 200, CORRUPT, {"Content-Type": "application/octet-stream"})
        if name == "overlong":
            # Recorded as BLOB; its data goes on for much longer.
            image = _image("overlong")
            image.update(checksum=hashlib.md5(BLOB).hexdigest(), size=len(BLOB))
            return self._json(h, 200, image)
        if name == "overlong/file":
            return self._send(h, 200, BLOB + OVERLONG_EXCESS, {"Content-Type": "application/octet-stream"})
        if name == "via-proxy":
            return self._json(h, 200, _image("via-proxy"))
        self._json(h, 404, {"message": f"the double has no GET {h.path}"})

    def _listing(self, h: BaseHTTPRequestHandler, query: str) -> None:
        parts = query.split("&")

        def ids(*names: str) -> List[Dict[str, str]]:
            return [{"id": name, "name": name} for name in names]

        if "scenario=pages" in parts and "marker=p2" in parts:
            page: Dict[str, Any] = {"images": ids("p3"), "first": "/v2/images?scenario=pages"}
        elif "scenario=pages" in parts:
            page = {
                "images": ids("p1", "p2"),
                "next": "/v2/images?scenario=pages&marker=p2",
                "first": "/v2/images?scenario=pages",
            }
        elif "scenario=loop" in parts:
            page = {"images": ids("l1"), "next": "/v2/images?scenario=loop&marker=l1"}
        elif "scenario=nul-next" in parts:
            page = {"images": ids("n1"), "next": "/v2/images?scenario=nul-next&marker=n1\u0000"}
        elif "scenario=elsewhere" in parts:
            page = {"images": ids("e1"), "next": "http://127.0.0.2:1/v2/images?marker=e1"}
        else:
            page = {"images": []}
        self._json(h, 200, page)

    def _keystone_v2(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        try:
            auth = json.loads(body or b"{}").get("auth", {})
        except ValueError:
            auth = {}
        here = f"http://{h.headers.get('Host', '127.0.0.1')}"

        def catalog(region: str) -> List[Dict[str, Any]]:
            return [
                {
                    "type": "image",
                    "name": "glance",
                    "endpoints": [
                        {"region": region, "publicURL": f"{here}/v2"},
                        {"region": "Elsewhere", "publicURL": "http://127.0.0.1:1/v2"},
                    ],
                }
            ]

        password = auth.get("passwordCredentials", {})
        api_key = auth.get("RAX-KSKEY:apiKeyCredentials", {})
        if (
            password.get("username") == "v2-user"
            and password.get("password") == "v2-pass"
            and auth.get("tenantName") == "v2-tenant"
        ):
            access = {
                "token": {"id": "v2-token", "tenant": {"id": "t-v2"}},
                "user": {"id": "u-v2"},
                "serviceCatalog": catalog("RegionOne"),
            }
        elif api_key.get("username") == "rax-user" and api_key.get("apiKey") == "rax-key":
            access = {
                "token": {"id": "rax-token", "tenant": {"id": 123456}},
                "user": {"id": 42, "RAX-AUTH:defaultRegion": "ORD"},
                "serviceCatalog": catalog("ORD"),
            }
        else:
            return self._json(h, 401, {"unauthorized": {"message": "bad credentials", "code": 401}})
        self._json(h, 200, {"access": access})

    def _rackspace_tasks(self, h: BaseHTTPRequestHandler, method: str, path: str, body: bytes) -> None:
        if method == "HEAD" and path == "/v1/AUTH_c/exports":
            return self._send(h, 204)
        if method == "HEAD":
            return self._send(h, 404)
        if method == "POST" and path == "/v2/tasks":
            document = json.loads(body or b"{}")
            kind = document.get("type", "")
            task_id = "t-export" if kind == "export" else "t-import"
            return self._json(h, 201, _task(task_id, kind, "pending", document.get("input")))
        if method == "GET" and path == "/v2/tasks/t-export":
            done = _task("t-export", "export", "success", {})
            done["result"] = {"export_location": "exports/img.vhd"}
            done["expires_at"] = "2014-02-28T02:35:02Z"
            return self._json(h, 200, done)
        if method == "GET" and path == "/v2/tasks/t-import":
            failed = _task("t-import", "import", "failure", {})
            failed["message"] = "the VHD is not a valid fixed or dynamic disk"
            return self._json(h, 200, failed)
        if method == "GET" and path == "/v2/tasks/t-slow":
            return self._json(h, 200, _task("t-slow", "export", "processing", {}))
        self._json(h, 404, {"message": "no such task"})
