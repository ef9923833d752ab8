"""The system's trust store from Python: a loopback HTTPS server signed by a
private CA is trusted through SSL_CERT_FILE with no CA setting, or through
Config.ca_file (which replaces the system roots); refused with a message
naming the roots and how to add a CA when in neither; another name refused.

SSL_CERT_FILE is read by the library's TLS stack for the whole process, so
each case runs in a child Python with its own environment."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

CHILD = """
import sys, cglance
url, ca_file = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
config = cglance.Config().endpoint(url).token("trust-token").disable_proxy().retry(1)
if ca_file:
    config.ca_file(ca_file)
try:
    with config.build() as client:
        print("ok", client.get_image("i1").id)
except cglance.TLSError as error:
    print("TLSError", error.message)
"""


def openssl(*args: str) -> None:
    if shutil.which("openssl") is None:
        raise RuntimeError("these tests make their certificates with the openssl command: install openssl")
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_ca(directory: Path, name: str) -> Tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
        "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    return cert, key


def make_server_cert(directory: Path, ca: Tuple[Path, Path], name: str, san: str) -> Tuple[Path, Path]:
    cert, key, request = directory / f"{name}.pem", directory / f"{name}.key", directory / f"{name}.csr"
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(request))
    extensions = directory / f"{name}.ext"
    extensions.write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl(
        "x509", "-req", "-in", str(request), "-CA", str(ca[0]), "-CAkey", str(ca[1]), "-CAcreateserial",
        "-days", "2", "-extfile", str(extensions), "-out", str(cert),
    )  # fmt: skip
    return cert, key


def serve(cert: Tuple[Path, Path]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = json.dumps({"id": "i1", "status": "active", "visibility": "private"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert[0]), str(cert[1]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    directory = tmp_path_factory.mktemp("pki")
    ca = make_ca(directory, "py-private-ca")
    other = make_ca(directory, "py-other-ca")
    good = make_server_cert(directory, ca, "server", "IP:127.0.0.1")
    misnamed = make_server_cert(directory, ca, "misnamed", "DNS:glance.invalid")
    for url in serve(good):
        for misnamed_url in serve(misnamed):
            yield {"ca": ca[0], "other": other[0], "url": url, "misnamed_url": misnamed_url}


def fetch(url: str, ssl_cert_file: Optional[Path] = None, ca_file: Optional[Path] = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    if ssl_cert_file is not None:
        environment["SSL_CERT_FILE"] = str(ssl_cert_file)
    arguments = [sys.executable, "-c", CHILD, url] + ([str(ca_file)] if ca_file else [])
    child = subprocess.run(arguments, env=environment, capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    return child.stdout.strip()


def test_trusted_through_ssl_cert_file_without_a_ca_setting(pki: Dict[str, Any]) -> None:
    assert fetch(pki["url"], ssl_cert_file=pki["ca"]) == "ok i1"


def test_trusted_through_the_ca_file_setting(pki: Dict[str, Any]) -> None:
    assert fetch(pki["url"], ca_file=pki["ca"]) == "ok i1"


def test_refused_with_the_roots_and_the_remedy_when_in_neither(pki: Dict[str, Any]) -> None:
    out = fetch(pki["url"])
    assert out.startswith("TLSError") and "UnknownIssuer" in out, out
    assert "trusted roots: the system trust store;" in out, out
    assert "update-ca-certificates" in out and "SSL_CERT_FILE" in out and "OS_CACERT" in out, out
    # A CA file replaces the system roots: SSL_CERT_FILE holding the CA no longer counts.
    out = fetch(pki["url"], ssl_cert_file=pki["ca"], ca_file=pki["other"])
    assert out.startswith("TLSError"), out
    assert f"trusted roots: only the CA file {pki['other']} (it replaces the system trust store)" in out, out


def test_another_name_is_refused_however_the_ca_is_trusted(pki: Dict[str, Any]) -> None:
    for settings in ({"ssl_cert_file": pki["ca"]}, {"ca_file": pki["ca"]}):
        out = fetch(pki["misnamed_url"], **settings)
        assert out.startswith("TLSError") and "not valid for name" in out, out
