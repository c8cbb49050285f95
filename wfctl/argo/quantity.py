"""Kubernetes resource quantities (`500m`, `1.5Gi`, `1e3`): the grammar of apimachinery's ParseQuantity.

    quantity  ::= sign? number suffix
    number    ::= digits | digits "." digits? | "." digits
    suffix    ::= "" | binarySI | decimalSI | ("e" | "E") sign? digits
    binarySI  ::= Ki | Mi | Gi | Ti | Pi | Ei
    decimalSI ::= n | u | m | k | M | G | T | P | E

Written from the grammar in the Kubernetes documentation; the exponent is an integer, as the Go
parser requires (the CRD's pattern alone would accept `1e1.5`). No spaces anywhere (`1 core` is not a
quantity).
"""

from __future__ import annotations

import functools

BINARY_SI = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
DECIMAL_SI = ("n", "u", "m", "k", "M", "G", "T", "P", "E")


def _digits(text: str, pos: int) -> int:
    while pos < len(text) and "0" <= text[pos] <= "9":
        pos += 1
    return pos


@functools.lru_cache(maxsize=4096)
def quantity_problem(text: str) -> str | None:
    """None when `text` parses as a Kubernetes quantity, else what is wrong with it (kept for recent
    values: the same few quantities recur in every container)."""
    if text == "":
        return "is empty"
    pos = 1 if text[0] in "+-" else 0
    start = pos
    pos = _digits(text, pos)
    whole = pos > start
    fraction = False
    if pos < len(text) and text[pos] == ".":
        after = _digits(text, pos + 1)
        fraction = after > pos + 1
        pos = after
    if not (whole or fraction):
        return "does not start with a number"
    suffix = text[pos:]
    if suffix == "" or suffix in BINARY_SI or suffix in DECIMAL_SI:
        return None
    if suffix[0] in "eE":
        exp = suffix[1:]
        if exp[:1] in ("+", "-"):
            exp = exp[1:]
        if exp and exp.isascii() and exp.isdigit():
            return None
        return f"has a malformed exponent {suffix!r}"
    if suffix != suffix.strip() or " " in suffix:
        return "contains spaces (a quantity is a number and a unit, e.g. 500m, 2Gi)"
    hint = {"KB": "Ki or k", "MB": "Mi or M", "GB": "Gi or G", "TB": "Ti or T", "K": "k"}.get(suffix.upper())
    return f"has an unknown unit {suffix!r} (units: {', '.join(BINARY_SI)}, {', '.join(DECIMAL_SI)})" + (
        f"; did you mean {hint}?" if hint else ""
    )
