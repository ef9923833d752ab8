"""Fixtures: clients of the local cloud's users, the test double, cleanup."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest

import cglance
from double import Double

REPO = Path(__file__).resolve().parents[3]
HEADER = REPO / "include" / "glance.h"


def env(name: str) -> str:
    """A setting of the local cloud; a clear failure (never a skip) when it is missing."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            f"{name} is not set: start the local cloud and load its settings "
            '(scripts/local-cloud start; . "$(scripts/local-cloud env)"), or run bindings/python/run-tests'
        )
    return value


class Unseekable(io.RawIOBase):
    """A pipe-like source: read once, no size, no seeking, in pieces of at most ``piece`` bytes."""

    def __init__(self, data: bytes, piece: int = 65536) -> None:
        self._data = memoryview(data)
        self._piece = piece

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = min(len(buffer), len(self._data), self._piece)
        buffer[:count] = self._data[:count]
        self._data = self._data[count:]
        return count


def unique(prefix: str) -> str:
    """A name no other test run uses."""
    return f"py-{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def demo() -> Iterator[cglance.Client]:
    env("OS_CLIENT_CONFIG_FILE")
    with cglance.Client.from_cloud("demo") as client:
        yield client


@pytest.fixture(scope="session")
def alt() -> Iterator[cglance.Client]:
    with cglance.Client.from_cloud("alt_demo") as client:
        yield client


@pytest.fixture(scope="session")
def admin() -> Iterator[cglance.Client]:
    with cglance.Client.from_cloud("admin") as client:
        yield client


@pytest.fixture(scope="session")
def reader() -> Iterator[cglance.Client]:
    with cglance.Client.from_cloud("demo_reader") as client:
        yield client


@pytest.fixture(scope="session")
def region_two() -> Iterator[cglance.Client]:
    with cglance.Client.from_cloud("demo_region_two") as client:
        yield client


@pytest.fixture(scope="session")
def double() -> Iterator[Double]:
    server = Double()
    yield server
    server.close()


@pytest.fixture(scope="session")
def double_client(double: Double) -> Iterator[cglance.Client]:
    """A client of the double: a bare token, one attempt per request."""
    config = cglance.Config().endpoint(double.url).token("double-token").retry(1).disable_proxy()
    with config.build() as client:
        yield client


class Cleanup:
    """Undo actions run at the end of a test, last first, whatever happened."""

    def __init__(self) -> None:
        self._actions: List[Callable[[], Any]] = []

    def add(self, action: Callable[[], Any]) -> None:
        self._actions.append(action)

    def image(self, client: cglance.Client, image_id: str) -> None:
        """Deletes the image at the end (already gone is fine)."""

        def delete() -> None:
            try:
                client.delete_image(image_id)
            except cglance.NotFound:
                pass

        self.add(delete)

    def run(self) -> None:
        errors = []
        while self._actions:
            try:
                self._actions.pop()()
            except Exception as error:  # keep cleaning; report at the end
                errors.append(error)
        if errors:
            raise errors[0]


@pytest.fixture
def cleanup() -> Iterator[Cleanup]:
    undo = Cleanup()
    yield undo
    undo.run()


@pytest.fixture
def new_image(demo: cglance.Client, cleanup: Cleanup) -> Callable[..., cglance.Image]:
    """Makes a raw/bare image of demo's (deleted at the end); keyword arguments are its fields."""

    def make(client: cglance.Client = demo, **fields: Any) -> cglance.Image:
        fields.setdefault("name", unique("image"))
        fields.setdefault("disk_format", "raw")
        fields.setdefault("container_format", "bare")
        image = client.create_image(**fields)
        cleanup.image(client, image.id)
        return image

    return make


@pytest.fixture(scope="module")
def active_image(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One active image of demo's with 300 KiB of known data, shared by a module's tests."""
    data = bytes((i * 7 + 3) % 251 for i in range(300 * 1024))
    with cglance.Client.from_cloud("demo") as client:
        image = client.create_image(
            name=unique("active"), disk_format="raw", container_format="bare", properties={"py_fixture": "yes"}
        )
        try:
            client.upload(image.id, data)
            yield client.get_image(image.id), data
        finally:
            client.delete_image(image.id)
