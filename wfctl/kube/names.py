"""Names the cluster commands send to the API, checked before the first request with the rules the API
server and Argo apply (the patterns live in `argo.names`): namespaces (`-n`, a manifest's, the
kubeconfig's), object names (`watch NAME`, `submit --from KIND/NAME`, `metadata.name`), name prefixes
(`--generate-name`, `metadata.generateName`), parameter and template names (`submit -p`, `--entrypoint`).
A name the API would refuse is then a usage or input error (exit 2), never an API error (exit 3).
Each function returns None for an acceptable value, else one sentence naming the value and the rule.
"""

from __future__ import annotations

import re

from wfctl.argo.names import DNS1123_LABEL, DNS1123_SUBDOMAIN, PARAM_NAME, template_name_problem

NAMESPACE_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit; at most 63"
NAME_RULE = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit; at most 253"
PREFIX_RULE = "lowercase letters, digits, '-' and '.', starting with a letter or digit; at most 253"
MAX_NAMESPACE = 63
MAX_NAME = 253
# The API server keeps at most this much of a generateName and appends 5 random letters and digits.
KEPT_PREFIX = 58


def _subject(what: str, value: str) -> str:
    return f"{what} {value!r}" if what else repr(value)


def _not_text(value: object, what: str) -> str:
    return f"{what or 'the name'} must be a non-empty string, not {value!r}"


def _dns_problem(value: object, what: str, limit: int, pattern: re.Pattern[str], kind: str, rule: str) -> str | None:
    if not isinstance(value, str) or not value:
        return _not_text(value, what)
    if len(value) > limit or not pattern.match(value):
        return f"{_subject(what, value)} is not a valid {kind} ({rule})"
    return None


def namespace_problem(value: object, what: str) -> str | None:
    """A namespace is a DNS-1123 label."""
    return _dns_problem(value, what, MAX_NAMESPACE, DNS1123_LABEL, "namespace", NAMESPACE_RULE)


def name_problem(value: object, what: str) -> str | None:
    """An object name is a DNS-1123 subdomain."""
    return _dns_problem(value, what, MAX_NAME, DNS1123_SUBDOMAIN, "name", NAME_RULE)


def generate_name_problem(value: object, what: str) -> str | None:
    """A generateName is accepted when it, with a trailing '-' read as a letter, and the names the server
    makes from it (its first 58 characters plus 5 letters or digits) are all DNS-1123 subdomains."""
    if not isinstance(value, str) or not value:
        return _not_text(value, what)
    masked = value[:-1] + "a" if value.endswith("-") else value
    generated = value[:KEPT_PREFIX] + "x0000"
    if len(value) > MAX_NAME or not (DNS1123_SUBDOMAIN.match(masked) and DNS1123_SUBDOMAIN.match(generated)):
        return f"{_subject(what, value)} is not a valid name prefix ({PREFIX_RULE})"
    return None


def parameter_name_problem(value: str, what: str) -> str | None:
    """An argument's name, as Argo checks `spec.arguments.parameters[].name`."""
    if not PARAM_NAME.match(value):
        return f"{_subject(what, value)} is not a valid parameter name (letters, digits, '-' and '_')"
    return None


def entrypoint_problem(value: str, what: str) -> str | None:
    """A template name, as Argo checks `spec.entrypoint` and `templates[].name`."""
    problem = template_name_problem(value)
    return f"{_subject(what, value)} is not a valid template name: it {problem}" if problem else None


__all__ = [
    "entrypoint_problem",
    "generate_name_problem",
    "name_problem",
    "namespace_problem",
    "parameter_name_problem",
]
