"""WF305 plaintext-secret: secrets are not written into env values."""

from __future__ import annotations

import fnmatch
import functools
import itertools
import re
from collections.abc import Iterator

from wfctl.argo.spec import as_dict, as_list, iter_containers
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

PLACEHOLDER = re.compile(r"^__[A-Z0-9_]+__$")  # filled in at deploy time (Metaflow's production token)
# words of a variable name that say "this holds a secret" (TOKENIZERS_PARALLELISM has none)
SECRET_WORDS = {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"}
SECRET_PAIRS = {("API", "KEY"), ("ACCESS", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"), ("AUTH", "KEY")}
# last words of a name whose value points at a secret instead of holding it (SECRET_NAME: s3-creds)
POINTER_WORDS = {"NAME", "REF", "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "ID", "KEY_ID", "TYPE"}
POINTER_WORDS |= {"LENGTH", "TTL", "EXPIRY", "TIMEOUT", "MOUNT", "LOCATION", "ENABLED", "DISABLED"}
NUMBER = re.compile(r"[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?\Z")
BOOLEAN = {"true", "false", "yes", "no", "on", "off", "y", "n", "none", "null", "enabled", "disabled"}
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?P<auth>[^/@\s]*@)?")
REFERENCE = re.compile(r"\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*\Z")


def name_words(name: str) -> list[str]:
    """`DB_PASSWORD` → [DB, PASSWORD]; `dbPassword` → [DB, PASSWORD]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.upper()) if w]


@functools.lru_cache(maxsize=4096)
def secret_name(name: str) -> bool:
    """Whether a variable name says it holds a secret (kept for recent names: the same few names recur)."""
    words = name_words(name)
    if not words:
        return False
    if words[-1] in POINTER_WORDS or "_".join(words[-2:]) in POINTER_WORDS:
        return False
    return any(w in SECRET_WORDS for w in words) or any(p in SECRET_PAIRS for p in itertools.pairwise(words))


def url_credentials(value: str) -> bool:
    """A URL with a password in it: `postgres://user:pw@db/x`."""
    match = URL.match(value.strip())
    return bool(match and match.group("auth") and ":" in match.group("auth"))


def looks_like_secret(value: str) -> bool:
    """Whether a literal value could be a secret: not a boolean, number, path, plain URL or reference."""
    text = value.strip()
    if len(text) < 4 or "{{" in text or PLACEHOLDER.match(text):
        return False
    if text.lower() in BOOLEAN or NUMBER.match(text):
        return False
    if text.startswith(("/", "./", "../", "~/")) or REFERENCE.search(text):
        return False
    return not URL.match(text)


class PlaintextSecret(Rule):
    """An environment variable named like a secret (`*PASSWORD*`, `*TOKEN*`, `*API_KEY*`...) whose
    literal `value` looks like one puts the secret in Git, in the Workflow object and in every pod spec.
    Use `valueFrom.secretKeyRef`. A URL with a password in it (`postgres://user:pw@host/db`) is flagged
    whatever the variable is called.

    The value counts too: booleans, numbers, paths, URLs without credentials, `$(VAR)` references and
    Argo variables are not secrets (`TOKENIZERS_PARALLELISM: "false"`, `MAX_TOKENS: "4096"`,
    `TOKEN_URL: https://...`), nor are names that point at a secret (`SECRET_NAME: s3-creds`,
    `PASSWORD_FILE: /var/run/...`). Option `allow`: variable names (or glob patterns) never reported.
    """

    code = "WF305"
    name = "plaintext-secret"
    severity = Severity.WARNING
    summary = "Secret-looking environment variable with a literal value"
    options = {"allow": {"type": "array", "items": {"type": "string"}, "default": []}}

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        allow = [str(a) for a in self.config.get("allow") or ()]
        for path, _, c, _ in iter_containers(ctx.doc):
            for i, env in enumerate(as_list(c.get("env"))):
                env = as_dict(env)
                name, value = env.get("name"), env.get("value")
                if not isinstance(name, str) or not isinstance(value, str) or not value:
                    continue
                if allow and any(fnmatch.fnmatchcase(name, pattern) for pattern in allow):
                    continue
                if url_credentials(value):
                    message = f"env {name!r} holds a URL with a password in it: use valueFrom.secretKeyRef"
                elif secret_name(name) and looks_like_secret(value):
                    message = f"env {name!r} holds a literal secret: use valueFrom.secretKeyRef"
                else:
                    continue
                yield self.finding(ctx, (*path, "env", i, "value"), message)
