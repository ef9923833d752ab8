"""Seeds the real local Glance for the listing benchmark, once: a dedicated
project and user (glance-client-bench) holding COUNT private images without
data. The integration tests work in their own projects (demo, alt_demo, ...),
so these images never show in their listings. Later runs only top up.

    seed.py SECRET_DIR STATE_DIR COUNT

Needs the local cloud's environment (GLANCE_TEST_* and OS_*). Prints a JSON
object with the OS_* settings of the bench user; writes the ids of the seeded
images to STATE_DIR/seeded-ids.txt; keeps the user's password in
SECRET_DIR/bench-user-password (mode 600).
"""

import json
import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import openstack

NAME = "glance-client-bench"


def main(secret_dir, state_dir, count):
    admin = openstack.connect(cloud="admin")
    project = admin.identity.find_project(NAME, domain_id="default")
    if project is None:
        project = admin.identity.create_project(
            name=NAME, domain_id="default", description="scripts/bench listing catalogue"
        )
    # The password is kept beside the state: changing it revokes the user's
    # tokens, and Keystone's one-second granularity then refuses fresh ones.
    secret_file = os.path.join(secret_dir, "bench-user-password")
    try:
        with open(secret_file) as f:
            password = f.read().strip()
    except FileNotFoundError:
        password = None
    user = admin.identity.find_user(NAME, domain_id="default")
    if user is None or password is None:
        password = secrets.token_urlsafe(24)
        if user is None:
            user = admin.identity.create_user(
                name=NAME, domain_id="default", password=password, default_project_id=project.id
            )
        else:
            admin.identity.update_user(user, password=password)
            time.sleep(1.5)
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(password)
    member = admin.identity.find_role("member")
    admin.identity.assign_project_role_to_user(project, user, member)

    settings = {
        "OS_USERNAME": NAME,
        "OS_PASSWORD": password,
        "OS_PROJECT_NAME": NAME,
        "OS_USER_DOMAIN_ID": "default",
        "OS_PROJECT_DOMAIN_ID": "default",
    }
    conn = openstack.connect(
        auth_url=os.environ["OS_AUTH_URL"],
        username=NAME,
        password=password,
        project_name=NAME,
        user_domain_id="default",
        project_domain_id="default",
        region_name=os.environ.get("OS_REGION_NAME"),
        load_envvars=False,
        load_yaml_config=False,
    )
    existing = [i.id for i in conn.image.images(owner=project.id, tag="bench-seed", limit=1000)]
    missing = count - len(existing)

    def create(n):
        return conn.image.create_image(
            name=f"bench-seed-{n:05d}",
            disk_format="raw",
            container_format="bare",
            tags=["bench-seed"],
            description="an image of the scripts/bench listing catalogue",
            allow_duplicates=True,
        ).id

    if missing > 0:
        print(f"seeding {missing} images into project {NAME}", file=sys.stderr)
        with ThreadPoolExecutor(4) as pool:
            existing += list(pool.map(create, range(len(existing), count)))
    with open(os.path.join(state_dir, "seeded-ids.txt"), "w") as out:
        out.write("\n".join(existing) + "\n")
    print(json.dumps(settings))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
