"""A thin layer over the official `kubernetes` client for the four Argo kinds (and pods).

Connection: `--kubeconfig`, else `$KUBECONFIG` (several files separated by ':' are merged; missing
and empty files are ignored, as kubectl does), else `~/.kube/config`, else the in-cluster service
account. A token read from the kubeconfig (or its `tokenFile`) is stripped of surrounding whitespace.
TLS material is loaded into an in-memory SSL context once; the temporary files the kubernetes
library writes for `*-data` fields are deleted right away, so no key is left in $TMPDIR.

Bounded I/O: urllib3's own retries are off; wfctl retries idempotent calls (connection errors, 5xx)
with backoff inside one time budget, `--request-timeout` per call (retries included), a connect
timeout of at most 10 s, and an optional overall deadline (`watch --timeout`). API errors become
ClusterError (exit 3) with the API's own message; every message is scrubbed of tokens, keys and
certificates.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import ssl
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from wfctl.argo.kinds import GROUP, PLURALS, VERSION, is_cluster_scoped
from wfctl.errors import ClusterError

CONNECT_TIMEOUT = 10.0  # at most, per connection attempt
ATTEMPTS = 5
SECRET_KEYS = ("token", "client-key-data", "client-certificate-data", "password")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|$)", re.S)
_AUTH = re.compile(r"((?:Bearer|Basic)\s+)[^\s'\"\\,)]+", re.I)
_BLOB = re.compile(r"[A-Za-z0-9+/=_-]{64,}")
T = TypeVar("T")


def resource_name(kind: str, name: str) -> str:
    """kubectl's `plural.group/name` form, e.g. workflowtemplate.argoproj.io/build."""
    return f"{kind.lower()}.{GROUP}/{name}"


class ApiError(ClusterError):
    """The API server answered with an error; `status` is its HTTP status."""

    def __init__(self, message: str, status: int | None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def refused(self) -> bool:
        """A 4xx other than 410 Gone and 429 Too Many Requests: asking again will not help."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (410, 429)


class DeadlineReached(ClusterError):
    """The overall deadline (watch --timeout) passed during a call."""


def scrub(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """`text` without tokens, keys or certificates: known secret values, bearer/basic credentials,
    PEM blocks and long base64 runs are replaced by `<redacted>`."""
    forms: set[str] = set()
    for s in secrets:
        if not s:
            continue
        forms.update({s, s.strip(), repr(s)[1:-1], repr(s.encode(errors="replace"))[2:-1]})
        forms.update(part for part in re.split(r"[\s\x00-\x1f]+", s) if len(part) >= 6)
    for secret in sorted((f for f in forms if len(f) >= 4), key=len, reverse=True):
        text = text.replace(secret, "<redacted>")
    text = _PEM.sub("<redacted>", text)
    text = _AUTH.sub(r"\1<redacted>", text)
    return _BLOB.sub("<redacted>", text)


def kubeconfig_files(value: str) -> list[str]:
    """The files of a kubeconfig path list that exist and are not empty (kubectl ignores the others)."""
    files = []
    for f in value.split(os.pathsep):
        if not f:
            continue
        p = Path(f).expanduser()
        try:
            if p.is_file() and p.read_bytes().strip():
                files.append(str(p))
        except OSError:
            continue
    return files


def _secrets_in(files: list[str]) -> set[str]:
    """Secret values written in kubeconfig files (tokens, key data, passwords), to scrub from messages."""
    import yaml  # noqa: PLC0415 - PyYAML comes with the kubernetes package

    found: set[str] = set()
    for f in files:
        try:
            data = yaml.safe_load(Path(f).read_text())
        except Exception:  # noqa: BLE001 - the library reports a broken file itself
            continue
        for user in (data or {}).get("users") or [] if isinstance(data, dict) else []:
            fields = (user or {}).get("user") if isinstance(user, dict) else None
            if not isinstance(fields, dict):
                continue
            for key in SECRET_KEYS:
                if isinstance(fields.get(key), str):
                    found.add(fields[key])
                    found.add(fields[key].strip())
            plugin: dict[str, Any] = fields["exec"] if isinstance(fields.get("exec"), dict) else {}
            provider: dict[str, Any] = fields["auth-provider"] if isinstance(fields.get("auth-provider"), dict) else {}
            args, env, conf = plugin.get("args"), plugin.get("env"), provider.get("config")
            extra = list(args) if isinstance(args, list) else []
            extra += [e.get("value") for e in env if isinstance(e, dict)] if isinstance(env, list) else []
            extra += list(conf.values()) if isinstance(conf, dict) else []
            found.update(v for v in extra if isinstance(v, str) and len(v) >= 8)  # exec args, OIDC tokens...
            token_file = fields.get("tokenFile")
            if isinstance(token_file, str):
                with contextlib.suppress(OSError):
                    found.add((Path(f).parent / token_file).read_text().strip())
    return found


@dataclass
class Connection:
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    request_timeout: float | None = 30.0  # seconds per call, retries included; None or 0: no limit


class Kube:
    """An API session; every method raises ClusterError for API failures."""

    def __init__(self, conn: Connection) -> None:
        try:
            import kubernetes  # noqa: PLC0415 - only commands that talk to a cluster import it
            from kubernetes import client, config  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ClusterError(f"the kubernetes package is not installed: {exc}") from None
        self._k = kubernetes
        self.timeout = conn.request_timeout or None
        self.deadline: float | None = None  # time.monotonic() value no call may run past (watch --timeout)
        self.secrets: set[str] = set()
        config_file = conn.kubeconfig or os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")
        self.namespace = conn.namespace
        files = kubeconfig_files(config_file)
        self.secrets = _secrets_in(files)
        private_tmp = tempfile.mkdtemp(prefix="wfctl-kube-")
        restore_signals = remove_on_signal(private_tmp)  # a SIGTERM while key files exist removes them first
        try:
            if files:
                merged = os.pathsep.join(files)
                cfg = client.Configuration()
                with library_errors() as logged:  # the library logs a failed exec plugin and goes on anonymous
                    config.load_kube_config(
                        config_file=merged, context=conn.context, client_configuration=cfg, temp_file_path=private_tmp
                    )
                if logged:
                    raise ClusterError(self.scrub(f"the kubeconfig's credential plugin failed: {logged[0]}"))
                if not self.namespace:
                    try:
                        contexts, active = config.list_kube_config_contexts(merged)
                        if conn.context:
                            active = next((c for c in contexts if c["name"] == conn.context), active)
                        self.namespace = (active or {}).get("context", {}).get("namespace")
                    except Exception:  # noqa: BLE001 - namespace is optional
                        self.namespace = None
            elif conn.kubeconfig or conn.context:
                raise ClusterError(f"kubeconfig {config_file} not found (or empty)")
            else:
                try:
                    config.load_incluster_config()
                except config.ConfigException as exc:  # "Service host/port is not set." alone says little
                    raise ClusterError(
                        f"no Kubernetes configuration: {config_file} names no readable, non-empty kubeconfig file"
                        f" (directories and special files are not read), and this is not a pod in a cluster ({exc})"
                    ) from None
                cfg = client.Configuration.get_default_copy()
                if not self.namespace:
                    ns_file = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
                    self.namespace = ns_file.read_text().strip() if ns_file.exists() else None
            self._harden(cfg)
            api = client.ApiClient(cfg)
            self._own_pool(api, cfg)
        except ClusterError:
            raise
        except Exception as exc:  # noqa: BLE001 - ConfigException and friends
            raise ClusterError(self.scrub(f"cannot load the Kubernetes configuration: {exc}")) from None
        finally:
            if not getattr(self, "_proxied", False):
                _remove_temp_files(private_tmp)
            restore_signals()
        self.namespace = self.namespace or "default"
        self.api = api
        self.host = api.configuration.host
        self.custom = client.CustomObjectsApi(api)
        self.core = client.CoreV1Api(api)

    def _harden(self, cfg: Any) -> None:
        """No urllib3 retries (wfctl has its own); tokens stripped, even after the library refreshes them."""
        cfg.retries = False

        def strip_keys(c: Any) -> None:
            for key, value in list(c.api_key.items()):
                if isinstance(value, str):
                    c.api_key[key] = clean_credential(value)
                    self.secrets.add(value.strip())
                    self.secrets.add(value.strip().removeprefix("Bearer ").strip())

        strip_keys(cfg)
        # The library's refresh hook re-sets the raw token (and itself) before every request: strip what it returns.
        original = cfg.get_api_key_with_prefix

        def api_key_with_prefix(identifier: str, alias: str | None = None) -> Any:
            key = original(identifier, alias=alias)
            if isinstance(key, str):
                self.secrets.add(key)
                key = clean_credential(key)
            return key

        cfg.get_api_key_with_prefix = api_key_with_prefix

    def _own_pool(self, api: Any, cfg: Any) -> None:
        """Replace the library's connection pool: TLS material loaded once into memory, no retries."""
        import urllib3  # noqa: PLC0415

        if cfg.proxy:  # the library's ProxyManager keeps its files until exit; retries are off there too
            self._proxied = True
            return
        kwargs: dict[str, Any] = {"num_pools": 4, "maxsize": 4, "retries": False}
        if str(cfg.host).startswith("https"):
            ctx = ssl.create_default_context(cafile=cfg.ssl_ca_cert or None)
            if not cfg.verify_ssl:  # insecure-skip-tls-verify: asked for, so no warning per request (as kubectl)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            if cfg.cert_file:
                ctx.load_cert_chain(cfg.cert_file, cfg.key_file or None)
            kwargs["ssl_context"] = ctx
            kwargs["cert_reqs"] = ssl.CERT_REQUIRED if cfg.verify_ssl else ssl.CERT_NONE
            if cfg.assert_hostname is not None:
                kwargs["assert_hostname"] = cfg.assert_hostname
            if cfg.tls_server_name:
                kwargs["server_hostname"] = cfg.tls_server_name
        api.rest_client.pool_manager = urllib3.PoolManager(**kwargs)

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    # ---------------------------------------------------------------- plumbing

    def _call(
        self,
        what: str,
        fn: Callable[[tuple[float, float | None]], T],
        *,
        retry: bool = True,
        budget: float | bool | None = True,
        read: float | None = None,
    ) -> T:
        """Run `fn(timeout)` with wfctl's retries inside one time budget (default --request-timeout,
        capped by the overall deadline). `read`: the read timeout of a stream (default: the budget left)."""
        from kubernetes.client.exceptions import ApiException  # noqa: PLC0415
        from urllib3.exceptions import HTTPError, NewConnectionError  # noqa: PLC0415
        from urllib3.exceptions import TimeoutError as NoAnswerError  # noqa: PLC0415

        now = time.monotonic()
        limit = self.timeout if budget is True else (budget or None)
        end = now + limit if limit else None
        if self.deadline is not None and (end is None or self.deadline < end):
            end = self.deadline
        delay = 0.2
        attempt = 0
        answered: ClusterError | None = None  # what the last attempt met, unless it was no answer at all (a timeout)
        while True:
            attempt += 1
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                if answered is not None and not self._past_deadline():
                    raise answered  # a slow retry ran out of time: say what the last attempt met
                self._out_of_time(what, limit)
            read_timeout = left if read is None else (read if left is None else min(read, left))
            connect = CONNECT_TIMEOUT if left is None else max(0.01, min(CONNECT_TIMEOUT, left))
            try:
                return fn((connect, read_timeout))
            except ApiException as exc:
                transient = exc.status is not None and (exc.status >= 500 or exc.status == 429)
                answered = ApiError(self.scrub(f"{what}: {api_message(exc)}"), exc.status)
                if retry and transient and attempt < ATTEMPTS and self._can_wait(end, delay):
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise answered from None
            except HTTPError as exc:
                unreachable = ClusterError(
                    self.scrub(f"{what}: cannot reach the API server at {self.host}: {_reason(exc)}")
                )
                # a timeout is no answer; a refused or broken connection is one ("cannot reach")
                no_answer = isinstance(exc, NoAnswerError) and not isinstance(exc, NewConnectionError)
                answered = None if no_answer else unreachable
                if retry and attempt < ATTEMPTS and self._can_wait(end, delay):
                    time.sleep(delay)
                    delay *= 2
                    continue
                if answered is None and end is not None and time.monotonic() >= end - 0.05:
                    self._out_of_time(what, limit)
                raise unreachable from None
            except ClusterError:
                raise
            except Exception as exc:  # noqa: BLE001 - anything else from the library: one scrubbed line
                inner = exc.__context__  # a TLS failure is ApiException(status=0) the library then fails to decode
                if isinstance(inner, ApiException) and not inner.status and inner.reason:
                    why = " ".join(str(inner.reason).split())
                    raise ClusterError(
                        self.scrub(f"{what}: cannot reach the API server at {self.host}: {why}")
                    ) from None
                raise ClusterError(self.scrub(f"{what}: {type(exc).__name__}: {exc}")) from None

    def _can_wait(self, end: float | None, delay: float) -> bool:
        return end is None or time.monotonic() + delay < end

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline - 0.05

    def _out_of_time(self, what: str, limit: float | None) -> None:
        if self._past_deadline():
            raise DeadlineReached(f"{what}: the --timeout was reached")
        raise ClusterError(
            f"{what}: no answer from the API server at {self.host} within {limit:g} s (--request-timeout)"
        )

    @staticmethod
    def _json(resp: Any) -> dict[str, Any]:
        data = resp.data if hasattr(resp, "data") else resp.read()
        return json.loads(data) if data else {}

    def ns(self, kind: str, obj_ns: str | None = None) -> str | None:
        if is_cluster_scoped(kind):
            return None
        return obj_ns or self.namespace

    # ---------------------------------------------------------------- objects

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException  # noqa: PLC0415

        _require_name(kind, name, "get")  # an empty name would be a list of the whole collection
        ns = self.ns(kind, namespace)
        plural = PLURALS[kind]

        def call(timeout: Any) -> Any:
            try:
                if ns is None:
                    return self.custom.get_cluster_custom_object(
                        GROUP, VERSION, plural, name, _preload_content=False, _request_timeout=timeout
                    )
                return self.custom.get_namespaced_custom_object(
                    GROUP, VERSION, ns, plural, name, _preload_content=False, _request_timeout=timeout
                )
            except ApiException as exc:
                if exc.status == 404:
                    return None
                raise

        resp = self._call(f"get {resource_name(kind, name)}", call)
        return None if resp is None else self._json(resp)

    def server_side_apply(self, obj: dict[str, Any], *, force: bool, dry_run: bool) -> tuple[int, dict[str, Any]]:
        kind, name = obj["kind"], obj["metadata"]["name"]
        ns = self.ns(kind, obj["metadata"].get("namespace"))
        kwargs: dict[str, Any] = {
            "field_manager": "wfctl",
            "force": force,
            "_preload_content": False,
            "_content_type": "application/apply-patch+yaml",
        }
        if dry_run:
            kwargs["dry_run"] = "All"
        body = json.loads(json.dumps(obj))
        if ns is not None:
            body["metadata"]["namespace"] = ns

        def fn(timeout: Any) -> Any:
            if ns is None:
                return self.custom.patch_cluster_custom_object(
                    GROUP, VERSION, PLURALS[kind], name, body, _request_timeout=timeout, **kwargs
                )
            return self.custom.patch_namespaced_custom_object(
                GROUP, VERSION, ns, PLURALS[kind], name, body, _request_timeout=timeout, **kwargs
            )

        resp = self._call(f"apply {resource_name(kind, name)}", fn, retry=True)
        return resp.status, self._json(resp)

    def create(self, obj: dict[str, Any], *, dry_run: bool) -> dict[str, Any]:
        kind = obj["kind"]
        ns = self.ns(kind, obj["metadata"].get("namespace"))
        body = json.loads(json.dumps(obj))
        body["metadata"]["namespace"] = ns
        kwargs: dict[str, Any] = {"field_manager": "wfctl", "_preload_content": False}
        if dry_run:
            kwargs["dry_run"] = "All"
        label = resource_name(kind, obj["metadata"].get("name") or obj["metadata"].get("generateName", "") + "*")
        resp = self._call(
            f"create {label}",
            lambda timeout: self.custom.create_namespaced_custom_object(
                GROUP, VERSION, ns, PLURALS[kind], body, _request_timeout=timeout, **kwargs
            ),
            retry=False,
        )
        return self._json(resp)

    def delete(
        self, kind: str, name: str, namespace: str | None = None, *, dry_run: bool = False, missing_ok: bool = False
    ) -> bool:
        """Delete one object; False when it was already gone (with missing_ok)."""
        from kubernetes.client.exceptions import ApiException  # noqa: PLC0415

        _require_name(kind, name, "delete")  # an empty name would delete the whole collection
        ns = self.ns(kind, namespace)
        kwargs: dict[str, Any] = {"_preload_content": False}
        if dry_run:
            kwargs["dry_run"] = "All"

        def fn(timeout: Any) -> Any:
            try:
                if ns is None:
                    return self.custom.delete_cluster_custom_object(
                        GROUP, VERSION, PLURALS[kind], name, _request_timeout=timeout, **kwargs
                    )
                return self.custom.delete_namespaced_custom_object(
                    GROUP, VERSION, ns, PLURALS[kind], name, _request_timeout=timeout, **kwargs
                )
            except ApiException as exc:
                if exc.status == 404 and missing_ok:
                    return None
                raise

        return self._call(f"delete {resource_name(kind, name)}", fn) is not None

    def merge_patch(self, kind: str, name: str, patch: dict[str, Any], namespace: str | None = None) -> dict[str, Any]:
        ns = self.ns(kind, namespace)
        resp = self._call(
            f"patch {resource_name(kind, name)}",
            lambda timeout: self.custom.patch_namespaced_custom_object(
                GROUP,
                VERSION,
                ns,
                PLURALS[kind],
                name,
                patch,
                _content_type="application/merge-patch+json",
                _preload_content=False,
                _request_timeout=timeout,
            ),
        )
        return self._json(resp)

    def list_objects(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[dict[str, Any]], str]:
        ns = self.ns(kind, namespace)
        kwargs: dict[str, Any] = {"_preload_content": False}
        if label_selector:
            kwargs["label_selector"] = label_selector
        if field_selector:
            kwargs["field_selector"] = field_selector

        def fn(timeout: Any) -> Any:
            if ns is None:
                return self.custom.list_cluster_custom_object(
                    GROUP, VERSION, PLURALS[kind], _request_timeout=timeout, **kwargs
                )
            return self.custom.list_namespaced_custom_object(
                GROUP, VERSION, ns, PLURALS[kind], _request_timeout=timeout, **kwargs
            )

        data = self._json(self._call(f"list {PLURALS[kind]}.{GROUP}", fn))
        return list(data.get("items") or []), str((data.get("metadata") or {}).get("resourceVersion") or "")

    def watch_list(
        self,
        kind: str,
        namespace: str,
        resource_version: str,
        timeout_seconds: int,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Raw watch events for the objects of `namespace` that the selectors match, from
        `resource_version`: one stream for any number of objects. Ends when the server closes it
        (after `timeout_seconds`), or at the deadline. Without a deadline the read timeout is
        --request-timeout, so callers keep `timeout_seconds` below it (a quiet stream is closed
        by the server before it would look hung)."""
        kwargs: dict[str, Any] = {}
        if label_selector:
            kwargs["label_selector"] = label_selector
        if field_selector:
            kwargs["field_selector"] = field_selector
        resp = self._call(
            f"watch {PLURALS[kind]}.{GROUP} in namespace {namespace}",
            lambda timeout: self.custom.list_namespaced_custom_object(
                GROUP,
                VERSION,
                namespace,
                PLURALS[kind],
                watch=True,
                resource_version=resource_version,
                timeout_seconds=timeout_seconds,
                allow_watch_bookmarks=True,
                _preload_content=False,
                _request_timeout=timeout,
                **kwargs,
            ),
            budget=self.timeout if self.deadline is None else False,
            read=timeout_seconds + 10,
        )
        for line in _lines(resp, 65536, self.deadline):
            if line.strip():
                yield json.loads(line)

    # ---------------------------------------------------------------- pods

    def pods(self, namespace: str, label_selector: str) -> list[dict[str, Any]]:
        data = self._json(
            self._call(
                "list pods",
                lambda timeout: self.core.list_namespaced_pod(
                    namespace, label_selector=label_selector, _preload_content=False, _request_timeout=timeout
                ),
            )
        )
        return list(data.get("items") or [])

    def pod_log_stream(self, namespace: str, pod: str, container: str = "main") -> Iterator[str]:
        resp = self._call(
            f"logs of pod {pod}",
            lambda timeout: self.core.read_namespaced_pod_log(
                pod, namespace, container=container, follow=True, _preload_content=False, _request_timeout=timeout
            ),
            budget=False,
        )
        for line in _lines(resp, 1024, None):
            yield line.decode(errors="replace")


@contextlib.contextmanager
def library_errors() -> Iterator[list[str]]:
    """The errors the kubernetes library logs (instead of raising) meanwhile, as one-line messages; they
    are not printed (the library would print them with `logging.error`, unscrubbed)."""
    import logging  # noqa: PLC0415

    found: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                found.append(" ".join(record.getMessage().split()))

    root = logging.getLogger()
    handler = Keep()
    root.addHandler(handler)
    try:
        yield found
    finally:
        root.removeHandler(handler)


def clean_credential(value: str) -> str:
    """A token without the whitespace around it, also between `Bearer` and the token (the API server
    reads `Bearer   TOKEN` as no token at all)."""
    scheme, _, rest = value.strip().partition(" ")
    return f"{scheme} {rest.strip()}" if scheme.lower() == "bearer" and rest.strip() else value.strip()


def _require_name(kind: str, name: Any, what: str) -> None:
    if not isinstance(name, str) or not name.strip() or "/" in name:
        raise ClusterError(f"{what} {kind}: {name!r} is not an object name; no request was sent")


def remove_on_signal(private_tmp: str) -> Callable[[], None]:
    """Until the returned function is called, SIGTERM or SIGHUP first deletes `private_tmp` (where the
    library writes key files while the configuration loads), then ends the process as it would have."""
    import signal  # noqa: PLC0415
    import threading  # noqa: PLC0415

    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous.clear

    def handler(signum: int, _frame: Any) -> None:
        shutil.rmtree(private_tmp, ignore_errors=True)
        signal.signal(signum, previous.get(signum, signal.SIG_DFL))
        os.kill(os.getpid(), signum)

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        old = signal.getsignal(signum) if signum is not None else None
        if signum is None or old is None or old is signal.SIG_IGN:
            continue
        previous[signum] = old
        signal.signal(signum, handler)

    def restore() -> None:
        for signum, old in previous.items():
            signal.signal(signum, old)

    return restore


def _remove_temp_files(private_tmp: str) -> None:
    """Delete the files the kubernetes library wrote into `private_tmp` for `*-data` fields (CA, client
    certificate, key), and forget them in its cache; files other clients in this process use stay."""
    import sys  # noqa: PLC0415

    # Never import here: after a Ctrl-C in the middle of an import, importing again may block for ever.
    kube_config = sys.modules.get("kubernetes.config.kube_config")
    temp_files = getattr(kube_config, "_temp_files", None)
    mine = os.path.realpath(private_tmp)
    if isinstance(temp_files, dict):
        for key, name in list(temp_files.items()):
            if os.path.dirname(os.path.realpath(name)) == mine:
                with contextlib.suppress(OSError):
                    os.remove(name)
                temp_files.pop(key, None)
    shutil.rmtree(private_tmp, ignore_errors=True)


def _reason(exc: Exception) -> str:
    """A urllib3 error in a few words (its text repeats the pool and the URL)."""
    reason = getattr(exc, "reason", None)
    text = str(reason or exc)
    if "timed out" in text.lower():
        return "timed out"
    if "refused" in text.lower():
        return "connection refused"
    return text


def _lines(resp: Any, size: int, deadline: float | None) -> Iterator[bytes]:
    """Lines of a streamed (chunked) HTTP response as they arrive; the connection is released after."""
    buffer = b""
    try:
        for chunk in resp.stream(size, decode_content=True):
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                yield line
            if deadline is not None and time.monotonic() > deadline:
                return
        if buffer:
            yield buffer
    finally:
        resp.release_conn()


def api_message(exc: Any) -> str:
    """The API server's own message, verbatim, with its HTTP status."""
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode(errors="replace")
    try:
        status = json.loads(body) if body else {}
    except (ValueError, TypeError):
        status = {}
    message = status.get("message") if isinstance(status, dict) else None
    if not message and isinstance(body, str) and body.strip():  # not a Status: a proxy's HTML page, say
        text = " ".join(re.sub(r"<[^>]*>", " ", body).split())
        message = text[:200] + ("..." if len(text) > 200 else "")
    return f"{message or exc.reason} (HTTP {exc.status})"
