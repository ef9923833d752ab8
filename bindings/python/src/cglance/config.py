"""Client settings: endpoint, authentication, TLS, proxy, timeouts, retries, wire log.

``Config`` is a builder: every setter returns the config, and ``build()``
consumes it into a :class:`~cglance.Client`::

    client = (Config().password(auth_url, "demo", secret, "demo")
              .region("RegionOne").stall_timeout(60).build())
"""

from __future__ import annotations

import ctypes
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from . import _ffi
from ._handle import Handle

if TYPE_CHECKING:
    from .client import Client


@dataclass(frozen=True)
class WireEvent:
    """One HTTP attempt, as the wire log reports it (no headers or bodies, ever)."""

    method: str
    url: str
    status: int
    """The HTTP status of the answer; 0 when no answer arrived."""
    request_id: Optional[str]
    elapsed_ms: int
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    error: Optional[str]
    """Why no answer arrived; None when one did."""

    @classmethod
    def _read(cls, event: int) -> "WireEvent":
        c = _ffi.lib()
        return cls(
            method=_ffi.text(c.glance_wire_event_method(event)) or "",
            url=_ffi.text(c.glance_wire_event_url(event)) or "",
            status=int(c.glance_wire_event_status(event)),
            request_id=_ffi.text(c.glance_wire_event_request_id(event)),
            elapsed_ms=int(c.glance_wire_event_elapsed_ms(event)),
            attempt=int(c.glance_wire_event_attempt(event)),
            error=_ffi.text(c.glance_wire_event_error(event)),
        )


WireLog = Callable[[WireEvent], Any]


class Config(Handle):
    """Settings for a client, consumed by :meth:`build` (which closes the config).

    ``Config()`` starts empty; :meth:`from_env`, :meth:`from_cloud` and
    :meth:`from_default_cloud` start from the ``OS_*`` variables or
    clouds.yaml. Not for use by two threads at once.
    """

    _free_function = "glance_config_free"

    def __init__(self, _address: Optional[int] = None) -> None:
        if _address is None:
            _address = _ffi.lib().glance_config_new()
        super().__init__(_address)
        self._wire_log: Optional[Any] = None

    @classmethod
    def from_env(cls) -> "Config":
        """Settings from the ``OS_*`` environment variables, as openstacksdk reads them."""
        return cls(_ffi.call_handle(_ffi.lib().glance_config_from_env))

    @classmethod
    def from_cloud(cls, name: str) -> "Config":
        """Settings of cloud ``name`` of clouds.yaml (secure.yaml merged in)."""
        return cls(_ffi.call_handle(_ffi.lib().glance_config_from_cloud, _ffi.cstr(name, "name")))

    @classmethod
    def from_default_cloud(cls) -> "Config":
        """Settings of the clouds.yaml cloud named by ``OS_CLOUD``."""
        return cls(_ffi.call_handle(_ffi.lib().glance_config_from_default_cloud))

    def _set(self, setter: str, *args: Any) -> "Config":
        _ffi.check(getattr(_ffi.lib(), setter)(self._ptr, *args))
        return self

    def _set_str(self, setter: str, **named: str) -> "Config":
        return self._set(setter, *(_ffi.cstr(value, what) for what, value in named.items()))

    # -- where and how

    def endpoint(self, url: str) -> "Config":
        """Uses this Image service URL instead of the catalog's."""
        return self._set_str("glance_config_set_endpoint", url=url)

    def token(self, token: str) -> "Config":
        """Authenticates with an existing token (needs :meth:`endpoint` too)."""
        return self._set_str("glance_config_set_token", token=token)

    def region(self, region: str) -> "Config":
        """Uses this region of the catalog."""
        return self._set_str("glance_config_set_region", region=region)

    def interface(self, interface: str) -> "Config":
        """``public`` (default), ``internal`` or ``admin``."""
        return self._set_str("glance_config_set_interface", interface=interface)

    def object_store_endpoint(self, url: str) -> "Config":
        """Uses this Object Storage URL (account included) instead of the catalog's."""
        return self._set_str("glance_config_set_object_store_endpoint", url=url)

    def connect_timeout(self, seconds: Optional[float]) -> "Config":
        """Connection timeout (default 30 s); None or 0: none."""
        return self._set("glance_config_set_connect_timeout_ms", _ffi.milliseconds(seconds, "seconds"))

    def stall_timeout(self, seconds: Optional[float]) -> "Config":
        """Fails a call whose connection stays silent this long (default 120 s); None or 0: none."""
        return self._set("glance_config_set_stall_timeout_ms", _ffi.milliseconds(seconds, "seconds"))

    def request_timeout(self, seconds: Optional[float]) -> "Config":
        """Overall deadline of calls that move no image data (default 300 s); None or 0: none."""
        return self._set("glance_config_set_request_timeout_ms", _ffi.milliseconds(seconds, "seconds"))

    def ca_file(self, path: Union[str, "os.PathLike[str]"]) -> "Config":
        """Trusts the certificates of this PEM file in place of the system's trust store (as
        ``curl --cacert`` does); without it, the system store, honouring SSL_CERT_FILE and SSL_CERT_DIR."""
        return self._set("glance_config_set_ca_file", _ffi.path_arg(path, "path"))

    def client_cert(
        self, cert: Union[str, "os.PathLike[str]"], key: Optional[Union[str, "os.PathLike[str]"]] = None
    ) -> "Config":
        """Presents a client certificate (mutual TLS): a PEM certificate file and its key file
        (None: the key is in the certificate file too). Read by :meth:`build`."""
        return self._set(
            "glance_config_set_client_cert",
            _ffi.path_arg(cert, "cert"),
            None if key is None else _ffi.path_arg(key, "key"),
        )

    def insecure(self, insecure: bool = True) -> "Config":
        """Skips TLS certificate verification (tests only)."""
        return self._set("glance_config_set_insecure", _ffi.flag(insecure, "insecure"))

    def proxy(self, url: str) -> "Config":
        """Sends every request through this proxy."""
        return self._set_str("glance_config_set_proxy", url=url)

    def disable_proxy(self) -> "Config":
        """Connects directly, ignoring the proxy variables of the environment."""
        return self._set("glance_config_disable_proxy")

    def user_agent_suffix(self, suffix: str) -> "Config":
        """Appends ``suffix`` to the User-Agent header."""
        return self._set_str("glance_config_set_user_agent_suffix", suffix=suffix)

    def retry(self, max_attempts: int, initial_backoff: float = 0.5, max_backoff: float = 10.0) -> "Config":
        """Retries of idempotent requests: attempts in total, first and largest wait in seconds."""
        return self._set(
            "glance_config_set_retry",
            _ffi.uint(max_attempts, "max_attempts", 32),
            _ffi.milliseconds(initial_backoff, "initial_backoff"),
            _ffi.milliseconds(max_backoff, "max_backoff"),
        )

    def wire_log(self, callback: WireLog) -> "Config":
        """Calls ``callback(WireEvent)`` for every HTTP attempt of the client.

        It may run on any thread that makes a request and must be quick. It
        cannot stop a request: an exception it raises is reported through
        ``sys.unraisablehook`` and otherwise ignored. It may call the client:
        the attempts of an authentication are reported once it has finished,
        so such a call never waits for a lock its own thread holds.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")

        def receive(_userdata: Any, event: int) -> None:
            if not _ffi.exiting():
                callback(WireEvent._read(event))

        trampoline = _ffi.WIRE_LOG_CB(receive)
        self._set("glance_config_set_wire_log", trampoline, None)
        self._wire_log = trampoline
        return self

    def log_wire_events(self, logger: str = "cglance") -> "Config":
        """Sends every HTTP attempt to ``logging.getLogger(logger)``: WARNING
        for attempts that got no answer or a 5xx or 429 answer, DEBUG for the
        others (the levels of the Rust crate's ``log`` feature). The events are
        the redacted ones of :meth:`wire_log` (method, URL without query
        secrets, status, request id, time, attempt, error)."""
        log = logging.getLogger(logger)

        def emit(event: WireEvent) -> None:
            trouble = event.error is not None or event.status >= 500 or event.status == 429
            level = logging.WARNING if trouble else logging.DEBUG
            if log.isEnabledFor(level):
                log.log(
                    level,
                    "%s %s -> %s (request id %s, %d ms, attempt %d)%s",
                    event.method,
                    event.url,
                    event.status or "no answer",
                    event.request_id or "-",
                    event.elapsed_ms,
                    event.attempt,
                    f": {event.error}" if event.error else "",
                )

        return self.wire_log(emit)

    # -- authentication

    def password(self, auth_url: str, username: str, password: str, project_name: str) -> "Config":
        """Keystone v3 user name and password, scoped to a project by name."""
        return self._set_str(
            "glance_config_set_password",
            auth_url=auth_url,
            username=username,
            password=password,
            project_name=project_name,
        )

    def application_credential(self, auth_url: str, id: str, secret: str) -> "Config":
        """A Keystone v3 application credential given by id."""
        return self._set_str(
            "glance_config_set_application_credential", auth_url=auth_url, id=id, secret=secret
        )

    def application_credential_name(self, auth_url: str, name: str, username: str, secret: str) -> "Config":
        """A Keystone v3 application credential given by name, with its user."""
        return self._set_str(
            "glance_config_set_application_credential_name",
            auth_url=auth_url,
            name=name,
            username=username,
            secret=secret,
        )

    def keystone_token(self, auth_url: str, token: str) -> "Config":
        """Exchanges an existing Keystone token for a new one with a catalog."""
        return self._set_str("glance_config_set_keystone_token", auth_url=auth_url, token=token)

    def v2_password(self, auth_url: str, username: str, password: str) -> "Config":
        """Keystone v2.0 user name and password."""
        return self._set_str(
            "glance_config_set_v2_password", auth_url=auth_url, username=username, password=password
        )

    def rackspace_api_key(self, auth_url: str, username: str, api_key: str) -> "Config":
        """Rackspace Cloud Identity user name and API key, as pyrax."""
        return self._set_str(
            "glance_config_set_rackspace_api_key", auth_url=auth_url, username=username, api_key=api_key
        )

    def user_id(self, user_id: str) -> "Config":
        """Names the user by id instead of by name."""
        return self._set_str("glance_config_set_user_id", user_id=user_id)

    def user_domain_id(self, domain_id: str) -> "Config":
        """The user's domain, by id."""
        return self._set_str("glance_config_set_user_domain_id", domain_id=domain_id)

    def user_domain_name(self, domain_name: str) -> "Config":
        """The user's domain, by name."""
        return self._set_str("glance_config_set_user_domain_name", domain_name=domain_name)

    def project_id(self, project_id: str) -> "Config":
        """Scopes the token to this project id (v2.0: the tenant id)."""
        return self._set_str("glance_config_set_project_id", project_id=project_id)

    def project_name(self, project_name: str) -> "Config":
        """Scopes the token to this project name (v2.0: the tenant name)."""
        return self._set_str("glance_config_set_project_name", project_name=project_name)

    def project_domain_id(self, domain_id: str) -> "Config":
        """The project's domain, by id."""
        return self._set_str("glance_config_set_project_domain_id", domain_id=domain_id)

    def project_domain_name(self, domain_name: str) -> "Config":
        """The project's domain, by name."""
        return self._set_str("glance_config_set_project_domain_name", domain_name=domain_name)

    def domain_scope_id(self, domain_id: str) -> "Config":
        """Scopes the token to a domain, by id, instead of a project."""
        return self._set_str("glance_config_set_domain_scope_id", domain_id=domain_id)

    def domain_scope_name(self, domain_name: str) -> "Config":
        """Scopes the token to a domain, by name, instead of a project."""
        return self._set_str("glance_config_set_domain_scope_name", domain_name=domain_name)

    def build(self) -> "Client":
        """Makes the client. Consumes the config (closed afterwards, success or not)."""
        from .client import Client

        wire_log = self._wire_log
        address = self._release()
        out = ctypes.c_void_p()
        _ffi.check(_ffi.lib().glance_config_build(address, ctypes.byref(out)))
        return Client(out.value or 0, wire_log)
