"""Making clients: clouds.yaml, OS_* variables, every authentication, and the
settings that change behaviour (proxy, timeouts, retries, user agent, TLS, wire log)."""

from __future__ import annotations

import json
import sys
import urllib.request
from typing import List

import pytest

import cglance
from conftest import env, unique

DEMO_PROJECT = "GLANCE_TEST_DEMO_PROJECT_ID"
DEMO_USER = "GLANCE_TEST_DEMO_USER_ID"


def identity(client: cglance.Client) -> tuple:
    with client:
        return client.project_id(), client.user_id(), client.endpoint_url("image")


def demo_identity() -> tuple:
    return env(DEMO_PROJECT), env(DEMO_USER), env("GLANCE_TEST_GLANCE_URL")


def test_from_cloud_env_and_default_cloud(monkeypatch: pytest.MonkeyPatch) -> None:
    assert identity(cglance.Client.from_cloud("demo")) == demo_identity()
    assert identity(cglance.Client.from_env()) == demo_identity()
    monkeypatch.setenv("OS_CLOUD", "alt_demo")
    assert identity(cglance.Client.from_default_cloud())[0] == env("GLANCE_TEST_ALT_PROJECT_ID")
    region_two = cglance.Client.from_cloud("demo_region_two")
    assert identity(region_two)[2] == env("GLANCE_TEST_GLANCE2_URL")
    with pytest.raises(cglance.ConfigError, match="no-such-cloud"):
        cglance.Client.from_cloud("no-such-cloud")
    with pytest.raises(cglance.InvalidArgument):
        cglance.Client.from_cloud("")
    monkeypatch.delenv("OS_CLOUD")
    with pytest.raises(cglance.ConfigError):
        cglance.Client.from_default_cloud()
    monkeypatch.delenv("OS_PASSWORD")
    with pytest.raises(cglance.ConfigError, match="OS_PASSWORD"):
        cglance.Client.from_env()


def test_a_config_from_the_cloud_can_still_be_changed() -> None:
    config = cglance.Config.from_cloud("demo").region("RegionTwo").interface("public")
    assert identity(config.build())[2] == env("GLANCE_TEST_GLANCE2_URL")
    with pytest.raises(cglance.InvalidArgument):
        cglance.Config().interface("sideways")


def password_config() -> cglance.Config:
    return cglance.Config().password(
        env("GLANCE_TEST_KEYSTONE_URL"), "demo", env("GLANCE_TEST_DEMO_PASSWORD"), "demo"
    )


def test_keystone_v3_password_every_way() -> None:
    assert identity(password_config().region("RegionOne").disable_proxy().build()) == demo_identity()
    by_ids = (
        cglance.Config()
        .password(env("GLANCE_TEST_KEYSTONE_URL"), "someone", env("GLANCE_TEST_DEMO_PASSWORD"), "something")
        .user_id(env(DEMO_USER))
        .project_id(env(DEMO_PROJECT))
    )
    with pytest.raises(cglance.InvalidArgument, match="a user given by id has no domain"):
        by_ids.user_domain_id("default")
    assert identity(by_ids.build()) == demo_identity()
    by_domains = (
        password_config()
        .user_domain_name("Default")
        .project_name("demo")
        .project_domain_name("Default")
        .project_domain_id("default")
        .user_domain_id("default")
    )
    assert identity(by_domains.build()) == demo_identity()
    # Accepted by the builder (demo has no domain role to use it with).
    password_config().domain_scope_id("default").domain_scope_name("Default").close()
    with pytest.raises(cglance.InvalidArgument):
        cglance.Config().user_domain_name("Default")  # no authentication yet


def test_a_wrong_password_is_unauthorized() -> None:
    config = cglance.Config().password(env("GLANCE_TEST_KEYSTONE_URL"), "demo", "wrong password", "demo")
    with config.build() as client:
        with pytest.raises(cglance.Unauthorized) as caught:
            client.get_image("00000000-0000-4000-8000-000000000000")
        assert caught.value.http_status == 401 and "/auth/tokens" in caught.value.message
        assert caught.value.request_id
        with pytest.raises(cglance.Unauthorized):
            client.auth_token()


def keystone(method: str, path: str, token: str, body: object = None) -> dict:
    request = urllib.request.Request(
        env("GLANCE_TEST_KEYSTONE_URL") + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"X-Auth-Token": token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:  # nosec - loopback Keystone
        raw = answer.read()
    return json.loads(raw) if raw else {}


def test_application_credentials_and_token_exchange(demo: cglance.Client) -> None:
    token = demo.auth_token()
    user = env(DEMO_USER)
    name = unique("appcred")
    made = keystone("POST", f"/users/{user}/application_credentials", token, {"application_credential": {"name": name}})
    credential = made["application_credential"]
    try:
        auth_url = env("GLANCE_TEST_KEYSTONE_URL")
        by_id = cglance.Config().application_credential(auth_url, credential["id"], credential["secret"])
        assert identity(by_id.build()) == demo_identity()
        by_name = cglance.Config().application_credential_name(auth_url, name, "demo", credential["secret"])
        assert identity(by_name.user_domain_id("default").build()) == demo_identity()
        refined = cglance.Config().application_credential_name(auth_url, "n", "u", "s").user_id(user)
        with pytest.raises(cglance.InvalidArgument, match="application credential"):
            refined.project_id(env(DEMO_PROJECT))
        refined.close()
    finally:
        keystone("DELETE", f"/users/{user}/application_credentials/{credential['id']}", token)
    exchanged = cglance.Config().keystone_token(env("GLANCE_TEST_KEYSTONE_URL"), token).project_name("demo")
    with exchanged.build() as client:
        assert (client.project_id(), client.user_id(), client.endpoint_url()) == demo_identity()
        assert client.auth_token() != token


def test_a_bare_token_and_endpoint(demo: cglance.Client, double) -> None:
    with cglance.Client.from_token(double.url, "my-token") as client:
        assert client.get_image("whoami").name == "my-token"
        assert client.auth_token() == "my-token"
        assert client.endpoint_url() == double.url
        assert client.project_id() is None and client.user_id() is None
    with cglance.Client.from_token(demo.endpoint_url(), demo.auth_token()) as real:
        assert real.list_images(limit=1) is not None
    with pytest.raises(cglance.InvalidArgument, match="the token is empty"):
        cglance.Client.from_token("http://127.0.0.1:9292", "")
    with pytest.raises(cglance.InvalidArgument):
        cglance.Client.from_token("127.0.0.1:9292", "t")


def test_keystone_v2_and_rackspace_on_the_double(double) -> None:
    v2 = cglance.Config().v2_password(f"{double.url}/v2.0", "v2-user", "v2-pass").project_name("v2-tenant")
    with v2.disable_proxy().build() as client:
        assert (client.project_id(), client.user_id()) == ("t-v2", "u-v2")
        assert client.endpoint_url() == double.url
        assert client.get_image("whoami").name == "v2-token"
    rax = cglance.Config().rackspace_api_key(f"{double.url}/v2.0", "rax-user", "rax-key")
    with rax.disable_proxy().build() as client:
        assert (client.project_id(), client.user_id()) == ("123456", "42")
        assert client.get_image("whoami").name == "rax-token"
    wrong = cglance.Config().rackspace_api_key(f"{double.url}/v2.0", "rax-user", "nope").disable_proxy()
    with wrong.build() as client, pytest.raises(cglance.Unauthorized):
        client.auth_token()
    elsewhere = cglance.Config().v2_password(f"{double.url}/v2.0", "v2-user", "v2-pass").project_name("v2-tenant")
    with elsewhere.region("nowhere").disable_proxy().build() as client:
        with pytest.raises(cglance.ConfigError, match="RegionOne"):
            client.endpoint_url()


def tuned(endpoint: str) -> cglance.Config:
    return cglance.Config().endpoint(endpoint).token("double-token").retry(1, 0.001, 0.001)


def test_a_proxy_carries_the_requests(double) -> None:
    # Nothing listens on 127.0.0.1:1: an answer proves the proxy carried the request.
    with tuned("http://127.0.0.1:1").proxy(double.url).build() as client:
        assert client.get_image("via-proxy").id == "via-proxy"
    with tuned("http://127.0.0.1:1").proxy(double.url).disable_proxy().build() as client:
        with pytest.raises(cglance.TransportError):
            client.get_image("via-proxy")
    with pytest.raises(cglance.ConfigError, match="proxy URL is not usable"):
        tuned("http://127.0.0.1:1").proxy("::not a proxy::").build()


def test_timeouts(double) -> None:
    with tuned(double.url).disable_proxy().stall_timeout(0.2).connect_timeout(5).build() as client:
        with pytest.raises(cglance.Timeout, match="/v2/images/stall") as caught:
            client.get_image("stall")
        assert isinstance(caught.value, TimeoutError) and caught.value.http_status == 0
    with tuned(double.url).disable_proxy().stall_timeout(None).request_timeout(0.2).build() as client:
        with pytest.raises(cglance.Timeout):
            client.get_image("stall")


def test_retries(double) -> None:
    with tuned(double.url).disable_proxy().retry(2, 0.001, 0.005).build() as client:
        for _ in range(3):
            assert client.get_image("flaky").id == "flaky"
    with tuned(double.url).disable_proxy().build() as client:
        outcomes = []
        for _ in range(2):
            try:
                outcomes.append(client.get_image("flaky").id)
            except cglance.ServiceUnavailable as error:
                assert error.http_status == 503 and "try later" in error.message
                outcomes.append("503")
        assert sorted(outcomes) == ["503", "flaky"]


def test_user_agent_and_tls_settings(double, tmp_path) -> None:
    config = tuned(double.url).disable_proxy().user_agent_suffix("py-suite/1.0").insecure(True)
    with config.build() as client:
        echo = client.schema("image")
    assert echo["user_agent"] == f"glance-client/{cglance.library_version()} py-suite/1.0"
    assert echo["token"] == "double-token"
    with pytest.raises(cglance.LocalIOError, match="/nonexistent/ca.pem"):
        tuned(double.url).ca_file("/nonexistent/ca.pem").build()
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    with pytest.raises(cglance.ConfigError, match="holds no certificate"):
        tuned(double.url).ca_file(empty).build()
    with pytest.raises(cglance.LocalIOError, match="/nonexistent/client.pem"):
        tuned(double.url).client_cert("/nonexistent/client.pem").build()
    with pytest.raises(cglance.ConfigError, match="holds no certificate"):
        tuned(double.url).client_cert(empty, key=empty).build()
    with pytest.raises(TypeError):
        tuned(double.url).client_cert(42)  # type: ignore[arg-type]
    insecure_off = tuned(double.url).insecure(False).build()
    insecure_off.close()


def test_the_wire_log(demo: cglance.Client) -> None:
    events: List[cglance.WireEvent] = []
    client = cglance.Config.from_cloud("demo").wire_log(events.append).build()
    missing = "00000000-0000-4000-8000-000000000000"
    with client, pytest.raises(cglance.NotFound) as caught:
        client.get_image(missing)
    keystone, glance = events[0], events[-1]
    assert keystone.method == "POST" and keystone.url.endswith("/v3/auth/tokens") and keystone.status == 201
    assert glance.method == "GET" and glance.url.endswith(f"/v2/images/{missing}")
    assert glance.status == 404 and glance.request_id == caught.value.request_id
    assert glance.attempt == 1 and glance.error is None and glance.elapsed_ms >= 0
    assert all(env("GLANCE_TEST_DEMO_PASSWORD") not in repr(event) for event in events)


def test_a_failing_wire_log_does_not_stop_requests(double, monkeypatch: pytest.MonkeyPatch) -> None:
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: reported.append(report.exc_value))

    def broken(event: cglance.WireEvent) -> None:
        raise RuntimeError(f"log full at {event.url}")

    with tuned(double.url).disable_proxy().wire_log(broken).build() as client:
        assert client.get_image("whoami").name == "double-token"
    assert [str(error) for error in reported] == [f"log full at {double.url}/v2/images/whoami"]


def test_refused_connections_are_logged_with_their_error() -> None:
    events: List[cglance.WireEvent] = []
    config = cglance.Config().endpoint("http://127.0.0.1:1").token("t").retry(2, 0.001, 0.001)
    with config.disable_proxy().wire_log(events.append).build() as client:
        with pytest.raises(cglance.TransportError):
            client.get_image("x")
    assert [event.attempt for event in events] == [1, 2]
    assert all(event.status == 0 and event.error for event in events)


def test_a_wire_log_that_calls_the_client_during_authentication_does_not_deadlock() -> None:
    # Issue 13, item 4: the callback ran while the client held its session lock
    # (authenticating with Keystone) and its call waited for that lock for ever.
    import threading

    holder: List[cglance.Client] = []
    seen: List[tuple] = []

    def log(event: cglance.WireEvent) -> None:
        seen.append((event.url, holder[0].project_id() if holder else None))

    client = cglance.Config.from_cloud("demo").wire_log(log).build()
    holder.append(client)
    worker = threading.Thread(target=lambda: client.list_images(limit=1), daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the call deadlocked"
    assert seen[0][0].endswith("/v3/auth/tokens")
    assert all(project == env(DEMO_PROJECT) for _, project in seen), seen
    client.close()


def test_header_values_with_control_characters_are_refused_when_set() -> None:
    # Issue 13, item 8: a CR/LF suffix was accepted, then every request panicked.
    for suffix in ["app/1\r\nX-Evil: 1", "app\n"]:
        with pytest.raises(cglance.InvalidArgument, match="user-agent suffix"):
            cglance.Config().user_agent_suffix(suffix)
    with pytest.raises(cglance.InvalidArgument, match="token"):
        cglance.Config().token("tok\r\nX-Evil: 1")
