"""Tasks: an admin's upstream import on the real Glance (data from the double),
listings, getters; Rackspace's export/import tasks on the double."""

from __future__ import annotations

import pytest

import cglance
from cglance import TaskListOptions
from conftest import unique
from double import BLOB


def test_upstream_import_task(admin: cglance.Client, demo: cglance.Client, double, cleanup) -> None:
    name = unique("task-import")
    url = f"{double.url}/blob.bin"
    task = admin.create_import_task(url, "raw", {"name": name, "disk_format": "raw", "container_format": "bare"})
    assert task.type == "import" and task.input["import_from"] == url
    assert repr(task) == f"<Task {task.id} import: {task.status}>"
    statuses = []
    done = admin.wait_task(task.id, interval=0.1, timeout=120, on_poll=lambda t: statuses.append(t.status))
    assert statuses and statuses[-1] == "success"
    assert done.status == "success" and done.is_finished
    assert done.owner and done.created_at and done.updated_at and done.expires_at
    assert done.message is not None
    assert "image_id" in done.result and done.image_id == done.result["image_id"]
    cleanup.image(admin, done.image_id)
    image = admin.get_image(done.image_id)
    assert image.name == name and image.size == len(BLOB)
    copy = done.copy()
    done.close()
    assert copy.id == task.id and repr(done) == "<Task (closed)>"
    assert admin.get_task(task.id).image_id == copy.image_id

    # Listed among the successful imports, page by page.
    options = TaskListOptions(type="import", status="success", limit=2, sort=("created_at", "desc"))
    with admin.list_tasks(options) as page:
        assert 1 <= len(page) <= 2
        assert page[0].type == "import" and page.first is not None
        with pytest.raises(IndexError):
            page[2]
        first_ids = [t.id for t in page.tasks]
        second = page.next_page()
        if second is not None:
            assert len(second) <= 2 and not set(t.id for t in second) & set(first_ids)
            assert [t.id for t in admin.list_tasks_at(page.next)] == [t.id for t in second]
    with pytest.raises(cglance.BadRequest, match="was not found"):
        admin.list_tasks(type="import", marker="00000000-0000-4000-8000-000000000000")
    iterator = admin.tasks(type="import", limit=3)
    assert task.id in [t.id for t in iterator]
    assert iterator.closed and list(iterator) == []

    with pytest.raises(cglance.BadRequest):
        admin.create_task("bogus", {"x": 1})
    # Tasks are for admins under Glance's default policy.
    with pytest.raises(cglance.Forbidden) as caught:
        demo.get_task(task.id)
    assert caught.value.http_status == 403 and caught.value.request_id


def test_task_arguments_are_checked(demo: cglance.Client) -> None:
    with pytest.raises(cglance.InvalidArgument):
        demo.get_task("")
    with pytest.raises(cglance.InvalidArgument):
        demo.create_import_task("no url", "raw", {})
    with pytest.raises(cglance.InvalidArgument):
        demo.create_import_task("http://127.0.0.1/x", "", {})
    with pytest.raises(cglance.InvalidArgument):
        demo.wait_task("t", interval=0)
    with pytest.raises(cglance.InvalidArgument):
        demo.list_tasks(sort=("created_at", "up"))
    with pytest.raises(cglance.InvalidArgument):
        demo.list_tasks(limit=0)
    with pytest.raises(TypeError):
        demo.create_import_task("http://127.0.0.1/x", "raw", "{}")


def test_rackspace_tasks_on_the_double(double_client: cglance.Client, double) -> None:
    store = double_client.object_store(f"{double.url}/v1/AUTH_c")
    with pytest.raises(cglance.NoSuchContainer, match="container 'missing' does not exist") as caught:
        double_client.create_export_task(store, "img", "missing")
    assert caught.value.http_status == 404

    task = double_client.create_export_task(store, "img", "exports")
    assert (task.type, task.status, task.is_finished) == ("export", "pending", False)
    assert task.input == {"image_uuid": "img", "receiving_swift_container": "exports"}
    assert task.result is None
    seen = []
    done = double_client.wait_task(task.id, interval=0.001, on_poll=lambda t: seen.append(t.status))
    assert seen == ["success"]
    assert done.is_finished and done.result == {"export_location": "exports/img.vhd"}
    assert done.expires_at == "2014-02-28T02:35:02Z"

    task = double_client.create_container_import_task(store, "exports", "disk.vhd")
    assert task.input["import_from"] == "exports/disk.vhd"
    assert task.input["import_from_format"] == "vhd"
    assert task.input["image_properties"]["name"] == "disk.vhd"
    task = double_client.create_container_import_task(store, "exports", "disk.vhd", "Named", "VHD")
    assert task.input["image_properties"]["name"] == "Named" and task.input["import_from_format"] == "VHD"
    with pytest.raises(cglance.TaskFailed, match="not a valid fixed or dynamic disk") as failed:
        double_client.wait_task(task.id, interval=0.001)
    assert failed.value.http_status == 0

    # A task that never ends: the callback or the timeout stops the wait.
    polls = []

    def third_stops(t: cglance.Task) -> bool:
        polls.append(t.status)
        return len(polls) < 3

    with pytest.raises(cglance.Aborted):
        double_client.wait_task("t-slow", interval=0.001, on_poll=third_stops)
    assert polls == ["processing"] * 3
    with pytest.raises(cglance.Timeout, match="still 'processing'"):
        double_client.wait_task("t-slow", interval=0.005, timeout=0.04)

    class Stop(Exception):
        pass

    def raises(t: cglance.Task) -> None:
        raise Stop(t.id)

    with pytest.raises(Stop, match="t-slow"):
        double_client.wait_task("t-slow", interval=0.001, on_poll=raises)
