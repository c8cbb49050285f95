"""Durations, in Go's `time.ParseDuration` grammar (`30s`, `1h30m`, `1.5h`, `300ms`, `0`).

The one grammar for both sides of wfctl: what Argo accepts in a manifest (`timeout`, memoize
`maxAge`, a cron `@every`), and what wfctl's own `--timeout` and `--request-timeout` flags accept
(the same, plus a bare number of seconds, as kubectl does).
"""

from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_UNIT = r"(?:ns|us|µs|μs|ms|s|m|h)"
_GO_DURATION = re.compile(rf"([-+]?)((?:{_NUMBER}{_UNIT})+)\Z")
_PART = re.compile(rf"({_NUMBER})({_UNIT})")
_SECONDS = re.compile(rf"{_NUMBER}\Z")


def parse_duration(text: str) -> float | None:
    """Seconds in a Go duration (`0` alone needs no unit); None when `text` is not one."""
    if text in ("0", "+0", "-0"):
        return 0.0
    m = _GO_DURATION.match(text)
    if not m:
        return None
    seconds = sum(float(number) * _UNITS[unit] for number, unit in _PART.findall(m.group(2)))
    return -seconds if m.group(1) == "-" else seconds


def is_duration(text: str) -> bool:
    """True when Go's time.ParseDuration (and so Argo) accepts `text`."""
    return parse_duration(text) is not None


def flag_seconds(text: str) -> float | None:
    """Seconds in a command-line duration: a Go duration or a bare number of seconds (`90`, `1.5`),
    spaces ignored, never negative; None when `text` is neither."""
    compact = "".join(text.split())
    if _SECONDS.match(compact):
        return float(compact)
    seconds = parse_duration(compact)
    return seconds if seconds is not None and seconds >= 0 and not compact.startswith("-") else None
