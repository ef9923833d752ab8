"""One client shared by threads (callbacks on each calling thread), and finding the library."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cglance
from conftest import env, unique


class Stop(Exception):
    pass


def test_threads_share_one_client(demo: cglance.Client, active_image, cleanup) -> None:
    image, data = active_image
    made = []
    for n in range(8):
        fresh = demo.create_image(name=unique(f"thread{n}"), disk_format="raw", container_format="bare")
        cleanup.image(demo, fresh.id)
        made.append(fresh.id)

    def work(n: int):
        me = threading.get_ident()
        threads = set()

        def progress(done: int, total: int) -> None:
            threads.add(threading.get_ident())
            if n == 3 and done > 0:
                raise Stop(f"thread {n}")

        for _ in range(5):
            assert demo.get_image(image.id).os_hash_value == image.os_hash_value
        try:
            uploaded = demo.upload(made[n], data, progress=progress)
            outcome = uploaded.status
        except Stop as stop:
            outcome = str(stop)
        assert demo.download_bytes(image.id) == data
        return me, threads, outcome

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    for n, (me, threads, outcome) in enumerate(results):
        assert threads == {me}, "a callback ran on another thread than its call"
        assert outcome == ("thread 3" if n == 3 else "active")
    assert len({me for me, _, _ in results}) > 1


def run_python(code: str, **env_changes: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    for key, value in env_changes.items():
        if value:
            environment[key] = value
        else:
            environment.pop(key, None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)


LOAD = "import cglance; print(cglance.library_version())"


def test_the_library_named_by_the_variable() -> None:
    run = run_python(LOAD)
    assert run.returncode == 0 and run.stdout.strip() == cglance.__version__
    bad = run_python(LOAD, CGLANCE_LIBRARY="/nonexistent/libglance_client.so")
    assert bad.returncode != 0
    assert "LibraryNotFound" in bad.stderr and "CGLANCE_LIBRARY=/nonexistent/libglance_client.so" in bad.stderr


SOURCE = "import cglance; print(cglance.library_source())"
NO_PACKAGED = "import cglance._ffi as f; f.PACKAGED_LIBRARY = '/nonexistent/lib_native.so'; "


def test_the_package_library_first_the_variable_over_it_the_system_last() -> None:
    explicit = run_python(SOURCE)
    assert explicit.stdout.strip() == f"CGLANCE_LIBRARY={os.environ['CGLANCE_LIBRARY']}", explicit.stderr
    packaged = run_python(SOURCE, CGLANCE_LIBRARY="", LD_LIBRARY_PATH="")
    assert packaged.returncode == 0, packaged.stderr
    assert packaged.stdout.strip().startswith("the package's own library "), packaged.stdout
    assert Path(packaged.stdout.split()[-1]).is_file()
    assert packaged.stdout.strip().endswith("cglance/_native/lib_native.so")
    library = Path(os.environ["CGLANCE_LIBRARY"])
    system = run_python(NO_PACKAGED + SOURCE, CGLANCE_LIBRARY="", LD_LIBRARY_PATH=str(library.parent))
    assert system.stdout.strip() == "the system loader (libglance_client.so)", system.stderr
    # Nowhere to be found (a name no loader has, should the library be installed here):
    # the error says what was tried and how to fix it.
    nowhere = NO_PACKAGED + "f._candidates = lambda: ['libglance_client_nowhere.so']; " + LOAD
    missing = run_python(nowhere, CGLANCE_LIBRARY="")
    assert missing.returncode != 0
    assert "CGLANCE_LIBRARY is not set" in missing.stderr
    assert "libglance_client_nowhere.so (" in missing.stderr and "make install" in missing.stderr
    # Importing works without the library: it is loaded on first use.
    assert run_python("import cglance", CGLANCE_LIBRARY="", LD_LIBRARY_PATH="").returncode == 0


def test_a_library_of_another_version_is_refused() -> None:
    other = "import cglance._ffi as f; f.package_version = lambda: '9.8.7'; " + LOAD
    refused = run_python(other)
    assert refused.returncode != 0
    message = refused.stderr.strip().splitlines()[-1]
    assert "LibraryNotFound" in message, refused.stderr
    assert f"glance-client library {cglance.__version__} from CGLANCE_LIBRARY={os.environ['CGLANCE_LIBRARY']}" in message
    assert "does not match the cglance package 9.8.7 at " in message
    packaged = run_python(other, CGLANCE_LIBRARY="")
    assert "from the package's own library " in packaged.stderr and "9.8.7" in packaged.stderr


def test_wire_events_go_to_logging_in_one_call(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cglance")
    with cglance.Config.from_cloud("demo").log_wire_events().build() as client:
        client.list_images(limit=1)
        token = client.auth_token()
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "cglance"]
    keystone, glance = env("GLANCE_TEST_KEYSTONE_URL"), env("GLANCE_TEST_GLANCE_URL")
    assert any(
        level == logging.DEBUG and m.startswith(f"POST {keystone}/auth/tokens -> 201 ") for level, m in records
    ), records
    assert any(
        level == logging.DEBUG and m.startswith(f"GET {glance}/v2/images?limit=1 -> 200 (request id req-")
        for level, m in records
    ), records
    password = env("GLANCE_TEST_DEMO_PASSWORD")
    assert all(token not in m and password not in m and "X-Auth-Token" not in m for _, m in records)


def test_wire_events_of_trouble_are_warnings(double, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cglance")
    config = cglance.Config().endpoint(double.url).token("log-secret-t0ken").disable_proxy()
    with config.retry(2, 0.001, 0.005).log_wire_events().build() as client:
        with pytest.raises(cglance.ServiceUnavailable):
            client.get_image("e503")
        with pytest.raises(cglance.Conflict):
            client.get_image("e409")
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "cglance"]
    unavailable = [(level, m) for level, m in records if "/v2/images/e503 -> 503 " in m]
    assert [level for level, _ in unavailable] == [logging.WARNING] * 2, records
    conflict = [(level, m) for level, m in records if "/v2/images/e409 -> 409 " in m]
    assert [level for level, _ in conflict] == [logging.DEBUG], records
    assert all("log-secret-t0ken" not in m for _, m in records)


INTERRUPTED = """
import os, signal, sys, threading
sys.path.insert(0, sys.argv[1])
import pytest

import cglance
from double import Double

# As in an interactive Python, even when started where SIGINT is ignored
# (a background job of a non-interactive shell passes SIG_IGN on).
signal.signal(signal.SIGINT, signal.default_int_handler)
double = Double()
client = cglance.Config().endpoint(double.url).token("t").retry(1).disable_proxy().build()

def interrupt_soon():
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()

interrupt_soon()
try:
    client.wait_task("t-slow", interval=0.05)  # never ends by itself
    print("wait: ended")
except KeyboardInterrupt:
    print("wait: interrupted")

interrupt_soon()
try:
    client.upload("slow-sink", bytes(48 * 1024 * 1024))  # about 8 s at the sink's pace
    print("upload: ended")
except KeyboardInterrupt:
    print("upload: interrupted")
except cglance.GlanceError as error:
    print("upload: failed", error)
"""


def test_ctrl_c_stops_a_wait_and_a_transfer_without_callbacks() -> None:
    tests = str(Path(__file__).resolve().parent)
    run = subprocess.run(
        [sys.executable, "-c", INTERRUPTED, tests], capture_output=True, text=True, timeout=60
    )
    assert run.stdout.splitlines() == ["wait: interrupted", "upload: interrupted"], run.stdout + run.stderr


EXIT_DURING_TRANSFER = r"""
import io, socket, sys, threading, time
import cglance

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
port = listener.getsockname()[1]
SIZE = 200_000

def serve(conn):
    # Every request of a kept-alive connection: the record, then the data.
    while True:
        request = conn.recv(65536).decode()
        if not request:
            return
        if " /v2/images/img/file " in request:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % SIZE)
            for _ in range(SIZE // 1000):
                conn.sendall(b"x" * 1000)
                time.sleep(0.02)
        else:
            body = b'{"id": "img", "status": "active", "size": %d}' % SIZE
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

def accept():
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()

threading.Thread(target=accept, daemon=True).start()
client = cglance.Config().endpoint(f"http://127.0.0.1:{port}").token("t0ken").disable_proxy().build()
started = threading.Event()

def progress(done, total):
    started.set()
    return True

def transfer():
    try:
        client.download("img", io.BytesIO(), progress=progress, verify=False)
    except cglance.GlanceError as error:
        print("stopped:", type(error).__name__)

threading.Thread(target=transfer, daemon=True).start()
assert started.wait(10), "the transfer started"
print("exiting while the transfer runs", flush=True)
"""


def test_the_interpreter_exits_cleanly_while_a_daemon_thread_transfers() -> None:
    # Issue 13, item 11: CPython ends a daemon thread that enters a callback
    # after finalization began with pthread_exit; unwinding through the
    # library aborted the process ("FATAL: exception not rethrown").
    for _ in range(3):
        finished = run_python(EXIT_DURING_TRANSFER)
        assert "FATAL" not in finished.stderr, finished.stderr
        assert finished.returncode == 0, (finished.returncode, finished.stdout, finished.stderr)
        assert "exiting while the transfer runs" in finished.stdout
