"""What reading YAML costs, per parser path: median of 5 runs over Argo's examples and a synthetic set.

    python bench/parser.py [EXAMPLES_DIR]

Paths compared (node trees with line/column for every node, no Python data unless said):
- wfctl parse (full): libyaml events + wfctl's composer + data built as go-yaml reads it.
- wfctl compose: libyaml events (PyYAML's C parser) + wfctl's composer, no data.
- ruamel C compose: ruamel.yaml.clib's composer, the old fast path (rejects `[https://x]`).
- ruamel pure compose: ruamel's pure-Python scanner and composer (a fallback for that rejection).
- PyYAML CSafeLoader compose: libyaml's own composer (recursive in C: crashes on deep nesting).
- PyYAML pure events + wfctl composer: the path used when PyYAML has no C extension.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.cyaml import CParser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import big_dag, workflow

from wfctl.loader import yaml as wyaml

DEFAULT_EXAMPLES = Path(__file__).resolve().parents[2] / "shared/upstream/argo-workflows-v4.1.2/examples"


class _RuamelC(CParser):  # type: ignore[misc]
    def descend_resolver(self, *_: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        return "tag:yaml.org,2002:str"


def ruamel_c(text: str) -> int:
    parser = _RuamelC(text)
    count = 0
    while parser.check_node():
        parser.get_node()
        count += 1
    parser.dispose()
    return count


def ruamel_pure(text: str) -> int:
    return len(list(YAML(typ="safe", pure=True).compose_all(text)))


def pyyaml_c(text: str) -> int:
    return len(list(yaml.compose_all(text, Loader=yaml.CSafeLoader)))


def wfctl_compose(text: str, source: Any = wyaml._EventSource) -> int:
    parser = source(text)
    try:
        return sum(1 for _ in wyaml._compose(parser, wyaml.MAX_DEPTH))
    finally:
        parser.dispose()


def pyyaml_pure_events(text: str) -> int:
    return wfctl_compose(text, yaml.SafeLoader)


def wfctl_parse(text: str) -> int:
    return len(wyaml.parse(text).documents)


PATHS: list[tuple[str, Callable[[str], int]]] = [
    ("wfctl parse (full)", wfctl_parse),
    ("wfctl compose", wfctl_compose),
    ("ruamel C compose (old)", ruamel_c),
    ("ruamel pure compose", ruamel_pure),
    ("PyYAML CSafeLoader compose", pyyaml_c),
    ("PyYAML pure events + wfctl", pyyaml_pure_events),
]


def synthetic() -> list[str]:
    rng = random.Random(7)
    texts = [workflow(rng, i) for i in range(300)]
    texts.append(big_dag(1000, 20, copies=True))
    return texts


def median_ms(fn: Callable[[str], int], texts: list[str], runs: int = 5) -> float | None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            for text in texts:
                fn(text)
        except Exception:  # noqa: BLE001 - a path that rejects a file is reported, not timed
            return None
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    examples_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_EXAMPLES
    sets = {"synthetic": synthetic()}
    if examples_dir.is_dir():
        sets["argo examples"] = [p.read_text() for p in sorted(examples_dir.rglob("*.yaml"))]
    for name, texts in sets.items():
        size = sum(len(t) for t in texts)
        print(f"{name}: {len(texts)} files, {size / 1024:.0f} KiB")
        for label, fn in PATHS:
            ms = median_ms(fn, texts)
            shown = "rejects a file" if ms is None else f"{ms:8.1f} ms"
            print(f"  {label:30} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
