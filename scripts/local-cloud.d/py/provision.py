"""provision.py KEYSTONE_URL ADMIN_PASSWORD GLANCE1_URL GLANCE2_URL SWIFT_URL

Idempotently fill a bootstrapped Keystone with what the local cloud needs,
logging in as the bootstrap admin:

- the test users and projects (USERS below, domain Default);
- the service users that keystonemiddleware in glance and swift log in with;
- region RegionTwo (bootstrap made RegionOne);
- the catalog: identity, image (one Glance per region) and object-store
  (the one Swift proxy in both regions), each with public, internal and
  admin endpoints.

Prints credentials as JSON on stdout (read by write_env.py). Safe to run
again: existing objects are reused, wrong endpoint URLs are corrected.
Only the standard library plus requests (both in the venv).
"""
import json
import sys

import requests

ks, admin_pw, glance1_url, glance2_url, swift_url = sys.argv[1:6]

REGIONS = ("RegionOne", "RegionTwo")
INTERFACES = ("public", "internal", "admin")

# key: (user, password, project, roles). 'admin' exists after bootstrap; its
# password is the bootstrap one. The keys name the GLANCE_TEST_* variables.
USERS = {
    "admin": ("admin", admin_pw, "admin", ["admin", "member", "reader"]),
    "demo": ("demo", "demo-secret", "demo", ["member", "reader"]),
    "alt_demo": ("alt_demo", "alt-secret", "alt_demo", ["member", "reader"]),
    "demo_reader": ("demo_reader", "reader-secret", "demo", ["reader"]),
}
# Service users: 'service' lets keystonemiddleware validate tokens under
# Keystone's secure-RBAC policy.
SERVICE_USERS = {
    "glance": ("glance", "glance-secret", "service", ["admin", "service"]),
    "swift": ("swift", "swift-secret", "service", ["admin", "service"]),
}

S = requests.Session()
S.trust_env = False  # loopback only: never through a proxy
S.headers["Content-Type"] = "application/json"


def call(method, path, expect_404=False, **kw):
    r = S.request(method, ks + path, timeout=60, **kw)
    if expect_404 and r.status_code == 404:
        return None
    if r.status_code >= 400:
        raise SystemExit("%s %s -> %s %s" % (method, path, r.status_code, r.text))
    return r


def post(path, key, body):
    return call("POST", path, data=json.dumps({key: body})).json()[key]


def ensure(kind, one, name, body, **query):
    items = call("GET", "/v3/" + kind, params=dict(name=name, **query)).json()[kind]
    return items[0] if items else post("/v3/" + kind, one, body)


def ensure_user(name, password, project, roles):
    p = ensure("projects", "project", project,
               {"name": project, "domain_id": "default"}, domain_id="default")
    u = ensure("users", "user", name,
               {"name": name, "domain_id": "default", "password": password},
               domain_id="default")
    for role_name in roles:
        role = ensure("roles", "role", role_name, {"name": role_name})
        call("PUT", "/v3/projects/%s/users/%s/roles/%s" % (p["id"], u["id"], role["id"]))
    return {"user": name, "user_id": u["id"], "password": password,
            "project": project, "project_id": p["id"], "roles": roles}


def ensure_endpoints(service, urls_by_region):
    eps = call("GET", "/v3/endpoints", params={"service_id": service["id"]}).json()["endpoints"]
    have = {(e["region_id"], e["interface"]): e for e in eps}
    for region, url in urls_by_region.items():
        for iface in INTERFACES:
            e = have.get((region, iface))
            if e is None:
                post("/v3/endpoints", "endpoint", {
                    "service_id": service["id"], "interface": iface, "url": url,
                    "region_id": region, "enabled": True})
            elif e["url"] != url:
                call("PATCH", "/v3/endpoints/" + e["id"],
                     data=json.dumps({"endpoint": {"url": url}}))


auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": admin_pw}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
S.headers["X-Auth-Token"] = call("POST", "/v3/auth/tokens",
                                 data=json.dumps(auth)).headers["X-Subject-Token"]

for region in REGIONS:
    if call("GET", "/v3/regions/" + region, expect_404=True) is None:
        post("/v3/regions", "region", {"id": region})

out = {key: ensure_user(*spec) for key, spec in USERS.items()}
services = {key: ensure_user(*spec) for key, spec in SERVICE_USERS.items()}
# Tests may grant ResellerAdmin (access to every Swift account); not assigned.
ensure("roles", "role", "ResellerAdmin", {"name": "ResellerAdmin"})

# Endpoint URLs as clients expect them: identity with /v3/, image without a
# version (clients append /v2), object-store with the account of the project
# (Keystone substitutes %(project_id)s in the token's catalog).
ensure_endpoints(ensure("services", "service", "keystone",
                        {"name": "keystone", "type": "identity", "enabled": True}),
                 {r: ks + "/v3/" for r in REGIONS})
ensure_endpoints(ensure("services", "service", "glance",
                        {"name": "glance", "type": "image", "enabled": True}),
                 {"RegionOne": glance1_url, "RegionTwo": glance2_url})
ensure_endpoints(ensure("services", "service", "swift",
                        {"name": "swift", "type": "object-store", "enabled": True}),
                 {r: swift_url + "/v1/AUTH_%(project_id)s" for r in REGIONS})

json.dump({"users": out, "service_users": services}, sys.stdout, indent=1, sort_keys=True)
print()
