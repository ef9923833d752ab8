#!/usr/bin/env python3
"""A tour of glance-client from Python (cglance), against the local cloud.

The Python twin of examples/tour.c: sign in from clouds.yaml, list, create
and upload with progress, share and accept, tag, export to object storage
and import back, read the import task. Each step prints what it did; a
failure prints the library's error (message, HTTP status, request id),
removes what the tour made and exits 1.

Run it with the library and the cloud's settings at hand, e.g.
    CGLANCE_LIBRARY=target/debug/libglance_client.so \\
        OS_CLIENT_CONFIG_FILE=/tmp/glance-client-cloud/clouds.yaml python3 tour.py
"""

from __future__ import annotations

import sys
import time
from typing import Callable, List, Optional, Tuple

import cglance

DATA_MIB = 16


def step(number: int, title: str) -> None:
    print(f"\n== {number}. {title}")


def sign_in(cloud: str) -> cglance.Client:
    """A client for a cloud of clouds.yaml."""
    return cglance.Config.from_cloud(cloud).user_agent_suffix("glance-tour-py").build()


def list_active_images(demo: cglance.Client) -> None:
    page: Optional[cglance.ImagePage] = demo.list_images(status="active", limit=3, sort=[("created_at", "desc")])
    if len(page or ()) == 0:
        print("   (no active image yet)")
    number = 1
    while page is not None and number <= 3:
        if len(page):
            print(f"   page {number}:")
        for image in page:
            name = (image.name or "-")[:40]
            print(f"     {image.id}  {name:<40} {image.size or 0:>10} bytes")
        if page.next is not None and number == 3:
            print("   (more pages follow; client.images() walks them all)")
            break
        page = page.next_page()
        number += 1


def show_progress(done: int, total: int) -> None:
    print(f"   uploaded {done / 1048576:5.1f} of {total / 1048576:.1f} MiB")


def main() -> int:
    print(f"glance-client {cglance.library_version()}: a tour from Python")
    undo: List[Tuple[str, Callable[[], None]]] = []
    try:
        step(1, "Sign in from clouds.yaml (clouds demo and alt_demo)")
        demo = sign_in("demo")
        alt = sign_in("alt_demo")
        alt_project = alt.project_id() or ""
        print(f"   demo: project {demo.project_id()}, Image service at {demo.endpoint_url('image')} (from the catalog)")
        print(f"   alt_demo: project {alt_project}")

        step(2, "List active images, newest first, 3 per page")
        list_active_images(demo)

        step(3, f"Create an image and upload {DATA_MIB} MiB of data, with progress")
        name = f"tour-py-{int(time.time())}"
        image = demo.create_image(
            name=name,
            disk_format="raw",
            container_format="bare",
            visibility="private",
            properties={"os_distro": "tour-linux"},
        )
        image_id = image.id
        undo.append((f"deleted image {image_id}", lambda: demo.delete_image(image_id)))
        print(f'   created {image_id} "{image.name}": {image.status}, {image.visibility}, os_distro={image.get("os_distro")}')
        data = bytes((i * 2654435761 >> 24) & 0xFF for i in range(256)) * (DATA_MIB * 4096)
        image = demo.upload(image_id, data, progress=show_progress)
        print(f"   {image_id} is {image.status}: {image.os_hash_algo} {image.os_hash_value}, md5 {image.checksum}")
        print("   (verified while uploading)")

        step(4, "Share it with alt_demo, who accepts and then sees it")
        image = demo.update_image(image_id, [cglance.Patch.replace("visibility", "shared")])
        print(f"   visibility is now {image.visibility}")
        member = demo.add_member(image_id, alt_project)
        print(f"   demo shared it with project {member.member_id}: {member.status}")
        member = alt.update_own_member_status(image_id, "accepted")
        print(f"   alt_demo answered: {member.status}")
        seen = next(alt.images(name=name), None)
        if seen is None:
            raise RuntimeError("alt_demo does not list the shared image")
        print(f'   alt_demo lists it: {seen.id} "{seen.name}" owned by {seen.owner}')

        step(5, "Tag it")
        demo.add_tag(image_id, "tour")
        demo.add_tag(image_id, "made in Python")
        print("   tags: " + " ".join(f'"{tag}"' for tag in demo.get_image(image_id).tags))

        step(6, "Export it to an object-storage container and import it back")
        swift = demo.object_store()
        container = f"{name}-export"
        swift.create_container(container)
        undo.append((f"deleted container {container}", lambda: swift.delete_container(container)))
        # A temp URL key lets Glance fetch the object itself (web-download).
        swift.set_temp_url_key(container, "tour-secret-key")
        exported = demo.export_to_container(image_id, swift, container)
        undo.append((f"deleted object {container}/{exported}", lambda: swift.delete_object(container, exported)))
        print(f"   exported {image_id} to {container}/{exported}")
        imported = demo.import_from_container(
            swift, container, exported, f"{name}-imported", cglance.ImportVia.WEB_DOWNLOAD
        )
        imported_id = imported.id
        undo.append((f"deleted image {imported_id}", lambda: demo.delete_image(imported_id)))
        print(f'   imported as {imported_id} "{imported.name}": {imported.status}, os_distro={imported.get("os_distro")}')
        if imported.os_hash_value != demo.get_image(image_id).os_hash_value:
            raise RuntimeError("the imported image's data differs from the original's")
        print("   same data as the original: yes (same sha512)")

        step(7, "The import task's result")
        print(f"   the import task of {imported_id} (client.image_tasks has them all):")
        task = demo.image_tasks(imported_id)[-1]
        for key in ("type", "status", "message", "result", "request_id"):
            if key in task:
                print(f"     {key:<8} {task[key]!r}")

        step(8, "Clean up")
    except cglance.GlanceError as error:
        print(f"\nFAILED: {type(error).__name__} (status {int(error.status)})\n  {error.message}", file=sys.stderr)
        if error.http_status:
            print(f"  HTTP {error.http_status}, request id {error.request_id or '(none)'}", file=sys.stderr)
        clean(undo)
        return 1
    except Exception as error:  # anything else: say it, clean up, fail
        print(f"\nFAILED: {error!r}", file=sys.stderr)
        clean(undo)
        return 1
    clean(undo)
    print("\nThe tour is over: every step worked.")
    return 0


def clean(undo: List[Tuple[str, Callable[[], None]]]) -> None:
    """Removes what the tour made, last made first."""
    while undo:
        done, action = undo.pop()
        try:
            action()
            print(f"   {done}")
        except cglance.GlanceError as error:
            print(f"   cleanup: {error.message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
