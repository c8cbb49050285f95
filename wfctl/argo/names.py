"""Name, label and cron-schedule syntax, as Kubernetes and Argo accept them (durations: `argo.duration`)."""

from __future__ import annotations

import functools
import re

from wfctl.argo.duration import is_duration

TEMPLATE_NAME = re.compile(r"[a-zA-Z0-9][-a-zA-Z0-9]*\Z")
PARAM_NAME = re.compile(r"[-a-zA-Z0-9_]+\Z")
ARTIFACT_NAME = re.compile(r"[-a-zA-Z0-9_{}.]+\Z")
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_QUALIFIED = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
METRIC_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")


@functools.lru_cache(maxsize=4096)  # pure, and the same names recur in every file
def template_name_problem(name: str) -> str | None:
    if len(name) > 128:
        return "must be no more than 128 characters"
    if not TEMPLATE_NAME.match(name):
        return "must consist of alphanumeric characters or '-', and start with an alphanumeric character"
    return None


def object_name_problem(name: str, limit: int) -> str | None:
    if len(name) > limit:
        return f"must not be more than {limit} characters (currently {len(name)})"
    if not DNS1123_SUBDOMAIN.match(name):
        return "must be lowercase alphanumeric characters, '-' or '.', starting and ending with an alphanumeric"
    return None


@functools.lru_cache(maxsize=4096)  # pure, and the same names recur in every file
def label_key_problem(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        return f"prefix {prefix!r} must be a DNS subdomain (lowercase, '-', '.')"
    if not name:
        return "name part must not be empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _QUALIFIED.match(name):
        return "name part must be alphanumeric, '-', '_' or '.', starting and ending with an alphanumeric"
    return None


@functools.lru_cache(maxsize=4096)  # pure, and the same names recur in every file
def label_value_problem(value: str) -> str | None:
    if value == "":
        return None
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _QUALIFIED.match(value):
        return "must be alphanumeric, '-', '_' or '.', starting and ending with an alphanumeric"
    return None


# ------------------------------------------------------------------ cron (robfig/cron ParseStandard)

_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    (
        "month",
        1,
        12,
        {
            m: i + 1
            for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
        },
    ),
    ("day of week", 0, 6, {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}),
)


def _cron_value(text: str, low: int, high: int, names: dict[str, int], what: str) -> int:
    value = names.get(text.lower())
    if value is None:
        if not text.isdigit():
            raise ValueError(f"{what}: {text!r} is not a number")
        value = int(text)
    if what == "day of week" and value == 7:
        value = 0
    if not low <= value <= high:
        raise ValueError(f"{what}: {value} is out of range {low}-{high}")
    return value


def cron_problem(schedule: str) -> str | None:
    """None when robfig/cron's standard parser would accept `schedule`, else why not."""
    spec = schedule.strip()
    if spec.startswith(("TZ=", "CRON_TZ=")):
        tz, _, spec = spec.partition(" ")
        problem = timezone_problem(tz.split("=", 1)[1])
        if problem:
            return problem
        spec = spec.strip()
    if not spec:
        return "empty schedule"
    if spec.startswith("@"):
        if spec in _MACROS:
            return None
        if spec.startswith("@every "):
            return None if is_duration(spec[7:].strip()) else f"bad duration in {spec!r}"
        return f"unknown descriptor {spec!r}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}"
    for text, (what, low, high, names) in zip(fields, _FIELDS, strict=False):
        try:
            for part in text.split(","):
                rng, _, step = part.partition("/")
                if step and (not step.isdigit() or int(step) == 0):
                    raise ValueError(f"{what}: bad step {step!r}")
                if rng in ("*", "?"):
                    continue
                start, _, end = rng.partition("-")
                a = _cron_value(start, low, high, names, what)
                if end:
                    b = _cron_value(end, low, high, names, what)
                    if b < a:
                        raise ValueError(f"{what}: range {rng!r} ends before it starts")
        except ValueError as exc:
            return str(exc)
    return None


def timezone_problem(tz: str) -> str | None:
    if tz in ("", "UTC", "Local"):
        return None
    try:
        import zoneinfo  # noqa: PLC0415

        zoneinfo.ZoneInfo(tz)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        try:
            if not zoneinfo.available_timezones():
                return None  # no time zone database on this machine: cannot tell
        except Exception:  # noqa: BLE001 - platform without a tz database
            return None
        return f"unknown time zone {tz!r} (expected an IANA name such as Europe/Paris)"
    return None
