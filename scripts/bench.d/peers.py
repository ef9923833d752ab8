"""The peers' side of scripts/bench: one timed operation through openstacksdk
("sdk") or python-glanceclient ("gc"), reported as one JSON line like
examples/bench_client.rs (op_s: wall seconds, cpu_s: user+system seconds of
the operation alone, after imports and authentication).

    peers.py sdk|gc download IMAGE_ID FILE [--no-verify]
    peers.py sdk|gc upload FILE              (creates, uploads, then deletes)
    peers.py sdk|gc list PAGE_SIZE
    peers.py sdk|gc gets IDS_FILE

BENCH_ENDPOINT + BENCH_TOKEN: talk to that endpoint with that token (the bench
server); otherwise authenticate from the OS_* environment. Each call is the
one a user of that library would write (see peer-baseline.md).
"""

import json
import os
import sys
import time


def sdk_connection():
    import openstack

    endpoint, token = os.environ.get("BENCH_ENDPOINT"), os.environ.get("BENCH_TOKEN")
    if endpoint and token:
        conn = openstack.connect(
            auth_type="admin_token",
            auth={"endpoint": endpoint, "token": token},
            image_endpoint_override=endpoint,
            load_envvars=False,
        )
    else:
        conn = openstack.connect()
    conn.image.get_endpoint()  # authenticate (and discover) before the clock
    return conn


def gc_client():
    import glanceclient

    endpoint, token = os.environ.get("BENCH_ENDPOINT"), os.environ.get("BENCH_TOKEN")
    if endpoint and token:
        return glanceclient.Client("2", endpoint=endpoint, token=token)
    from keystoneauth1 import session
    from keystoneauth1.identity import v3

    auth = v3.Password(
        auth_url=os.environ["OS_AUTH_URL"],
        username=os.environ["OS_USERNAME"],
        password=os.environ["OS_PASSWORD"],
        project_name=os.environ["OS_PROJECT_NAME"],
        user_domain_id=os.environ.get("OS_USER_DOMAIN_ID", "default"),
        project_domain_id=os.environ.get("OS_PROJECT_DOMAIN_ID", "default"),
    )
    sess = session.Session(auth=auth)
    sess.get_token()
    return glanceclient.Client(
        "2", session=sess, region_name=os.environ.get("OS_REGION_NAME")
    )


def main(argv):
    tool, op, args = argv[1], argv[2], [a for a in argv[3:] if not a.startswith("--")]
    verify = "--no-verify" not in argv
    client = sdk_connection() if tool == "sdk" else gc_client()
    extra, created = {}, None
    started, cpu_before = time.perf_counter(), time.process_time()
    if op == "download":
        image_id, path = args
        if tool == "sdk":
            # download_image always verifies (os_hash_value, else checksum).
            client.image.download_image(image_id, stream=True, output=path)
        else:
            body = client.images.data(image_id, do_checksum=verify)
            with open(path, "wb") as out:
                for chunk in body:
                    out.write(chunk)
        extra["bytes"] = os.path.getsize(path)
    elif op == "upload":
        (path,) = args
        if tool == "sdk":
            image = client.image.create_image(
                name="bench-upload-sdk",
                filename=path,
                disk_format="raw",
                container_format="bare",
            )
            created = image.id
        else:
            image = client.images.create(
                name="bench-upload-gc", disk_format="raw", container_format="bare"
            )
            created = image["id"]
            with open(path, "rb") as data:
                client.images.upload(created, data, image_size=os.path.getsize(path))
        extra["bytes"] = os.path.getsize(path)
    elif op == "list":
        (page_size,) = args
        if tool == "sdk":
            images = list(client.image.images(limit=int(page_size)))
        else:
            images = list(client.images.list(page_size=int(page_size)))
        extra["count"] = len(images)
    elif op == "gets":
        (ids_file,) = args
        with open(ids_file) as f:
            ids = [line.strip() for line in f if line.strip()]
        latencies = []
        for image_id in ids:
            before = time.perf_counter()
            if tool == "sdk":
                client.image.get_image(image_id)
            else:
                client.images.get(image_id)
            latencies.append((time.perf_counter() - before) * 1e3)
        latencies.sort()
        extra["count"] = len(latencies)
        extra["median_ms"] = round(latencies[len(latencies) // 2], 3)
    else:
        sys.exit("usage: see the docstring of peers.py")
    result = {
        "op_s": round(time.perf_counter() - started, 4),
        "cpu_s": round(time.process_time() - cpu_before, 4),
        **extra,
    }
    if created:
        if tool == "sdk":
            client.image.delete_image(created)
        else:
            client.images.delete(created)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
