"""Benchmarks: whole-process timings measured side by side, median of several rounds, and the ratios
issue 13 names (the floor is bench/floor.py: PyYAML's C loader plus jsonschema-rs on Argo's schema.json).

    python bench/run.py [--runs 5] [--only validate,lint,one,examples,diff,dedupe] [--big [N]]

Every round runs each command once, in turn, so that a busy machine slows all of them alike; the
table shows the median per command. `--big` adds the 50,000-file run (one round: several minutes) with
its peak RSS. Needs the `dev` extra (pyyaml, jsonschema-rs, check-jsonschema); a benchmark whose tool
is missing is skipped. Argo's published schema and examples are read from ../shared/upstream.
Results: a markdown table on stdout and in bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import big_dag, small_corpus  # noqa: E402

UPSTREAM = ROOT.parent / "shared" / "upstream" / "argo-workflows-v4.1.2"
SCHEMA = UPSTREAM / "schema.json"
CORPUS = HERE / ".corpus"
PY = sys.executable
FLOOR2000 = "floor: CSafeLoader + jsonschema-rs, 2,000 files"
J1 = "wfctl validate --jobs 1, 2,000 files"
# Runs a command and prints the peak RSS (KiB) of the largest process it started (itself or a worker).
RSS_WRAPPER = (
    "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)"
)


# Every command runs as an installed tool would: with compiled bytecode. pip writes .pyc files for
# installed packages (PyYAML, click... already have theirs), but an editable checkout with
# PYTHONDONTWRITEBYTECODE set would recompile wfctl's ~150 modules from source in every process
# (~50 ms), which no user pays. The bytecode goes to a private directory, not into the source tree.
PYCACHE = CORPUS / "pycache"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = str(PYCACHE)


def compile_bytecode() -> None:
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "wfctl"), str(HERE)], env=ENV, check=False)


def wfctl(*args: str) -> list[str]:
    return [PY, "-m", "wfctl", *args]


def once(cmd: list[str], ok_codes: tuple[int, ...] = (0, 1)) -> tuple[float, float] | None:
    """(wall seconds, CPU seconds of the command and its workers) for one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok_codes:
        print(f"  ! {' '.join(cmd[:7])} exited {proc.returncode}: {proc.stderr.decode()[-300:]}", file=sys.stderr)
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process) for one run."""
    start = time.perf_counter()
    out = subprocess.run([PY, "-c", RSS_WRAPPER, *cmd], cwd=ROOT, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(out.stdout.strip().splitlines()[-1]) / 1024


class Bench:
    """Commands registered once, then timed round-robin."""

    def __init__(self, only: set[str]) -> None:
        self.only = only
        self.items: list[tuple[str, str, list[str], Callable[[], None] | None]] = []
        self.times: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def add(self, group: str, label: str, cmd: list[str], before: Callable[[], None] | None = None) -> None:
        if not self.only or group in self.only:
            self.items.append((group, label, cmd, before))
            self.times[label] = []
            self.cpu[label] = []

    def run(self, rounds: int) -> None:
        for r in range(rounds):
            for _, label, cmd, before in self.items:
                if before is not None:
                    before()
                t = once(cmd)
                if t is not None:
                    self.times[label].append(t[0])
                    self.cpu[label].append(t[1])
            print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    def median(self, label: str) -> float | None:
        values = self.times.get(label) or []
        return statistics.median(values) if values else None

    def median_cpu(self, label: str) -> float | None:
        values = self.cpu.get(label) or []
        return statistics.median(values) if values else None


def _s(seconds: float | None) -> str:
    return f"{seconds:.3f} s" if seconds is not None else "-"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--big", nargs="?", const=50_000, type=int, default=0, help="also run N files (50,000)")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    small = CORPUS / "small"
    files = small_corpus(small)
    one_file = str(ROOT / "fixtures/examples/hello-world.yaml")
    cjs = shutil.which("check-jsonschema") or str(Path(PY).parent / "check-jsonschema")
    have_floor = SCHEMA.exists()
    try:
        import jsonschema_rs  # noqa: F401
        import yaml  # noqa: F401
    except ImportError:
        have_floor = False
    floor = [PY, str(HERE / "floor.py"), str(SCHEMA)]
    warm_dir = tempfile.mkdtemp(prefix="wfctl-bench-cache-")
    b = Bench(only)

    # --- validate, 2,000 files
    if have_floor:
        b.add("validate", "floor: CSafeLoader + jsonschema-rs, 2,000 files", [*floor, str(small)])
    b.add("validate", "wfctl validate --jobs 1, 2,000 files", wfctl("validate", "-q", "-j1", "--no-cache", str(small)))
    b.add("validate", "wfctl validate (default jobs), 2,000 files", wfctl("validate", "-q", "--no-cache", str(small)))
    warm = wfctl("validate", "-q", "--cache-dir", warm_dir, str(small))
    # primed right before each timed run: in a checkout being edited, wfctl's code fingerprint (part of
    # the cache key) may change between rounds
    b.add("validate", "wfctl validate, warm cache, 2,000 files", warm, before=lambda: once(warm) and None)
    if Path(cjs).exists() and SCHEMA.exists():
        b.add(
            "validate",
            "check-jsonschema + Argo schema.json, 2,000 files",
            [cjs, "--schemafile", str(SCHEMA), *map(str, files)],
        )
    # --- lint
    b.add(
        "lint", "wfctl lint --jobs 1, 2,000 files", wfctl("lint", "-q", "-j1", "--no-cache", "--isolated", str(small))
    )
    # --- one small file (pre-commit: the file changed, so no cache hit)
    if have_floor:
        b.add("one", "floor, one small file", [*floor, one_file])
    b.add("one", "wfctl validate, one small file", wfctl("validate", "-q", "--no-cache", one_file))
    # --- Argo's examples
    examples = UPSTREAM / "examples"
    if examples.is_dir():
        if have_floor:
            b.add("examples", "floor, 217 upstream examples", [*floor, str(examples)])
        b.add("examples", "wfctl validate, 217 upstream examples", wfctl("validate", "-q", "--no-cache", str(examples)))
        if Path(cjs).exists():
            ex = sorted(map(str, examples.rglob("*.yaml")))
            b.add(
                "examples", "check-jsonschema + Argo schema.json, 217 examples", [cjs, "--schemafile", str(SCHEMA), *ex]
            )
    # --- diff and dedupe (issues 4 and 5)
    big_dir = CORPUS / "big"
    big_dir.mkdir(parents=True, exist_ok=True)
    old, new = big_dir / "dag-2000-old.yaml", big_dir / "dag-2000-new.yaml"
    old.write_text(big_dag(2000, 200, copies=False))
    new.write_text(big_dag(2000, 200, copies=False, image_tag="1.37").replace("task-1999", "task-final"))
    b.add("diff", "wfctl diff, two 2,000-task workflows", wfctl("diff", str(old), str(new), "-o", "json"))
    dd = big_dir / "dedupe-1000.yaml"
    dd.write_text(big_dag(1000, 50, copies=True))
    b.add("dedupe", "wfctl dedupe, 1,000 tasks / 50 templates", wfctl("dedupe", "-o", "json", str(dd)))

    compile_bytecode()
    b.run(args.runs)

    rows = [(label, b.median(label), b.median_cpu(label)) for _, label, _, _ in b.items]
    big_rows: list[str] = []
    m = b.median
    f2000, j1, jn = (
        m("floor: CSafeLoader + jsonschema-rs, 2,000 files"),
        m("wfctl validate --jobs 1, 2,000 files"),
        None,
    )
    jn = m("wfctl validate (default jobs), 2,000 files")
    if args.big:
        n = args.big
        big = CORPUS / f"n{n}"
        print(f"writing {n:,} files...", file=sys.stderr, flush=True)
        small_corpus(big, count=n)
        for label, cmd in (
            (f"floor, {n:,} files", [*floor, str(big)] if have_floor else None),
            (f"wfctl validate --jobs 1, {n:,} files", wfctl("validate", "-q", "-j1", "--no-cache", str(big))),
            (f"wfctl validate (default jobs), {n:,} files", wfctl("validate", "-q", "--no-cache", str(big))),
        ):
            if cmd is None:
                continue
            seconds, rss = peak_rss_mb(cmd)
            rows.append((f"{label} (peak RSS {rss:.0f} MB)", seconds, None))
            base = j1 if "--jobs 1" in label else jn if "default" in label else f2000
            if base:
                scaled = base * n / len(files)
                big_rows.append(
                    f"{label}: {seconds:.1f} s = {seconds / scaled:.2f}x the 2,000-file time scaled linearly"
                    f" (target <= 1.15x); peak RSS {rss:.0f} MB (target <= 250 MB)"
                )
    ratios = []

    def ratio(text: str, a: float | None, c: float | None, target: str) -> None:
        if a and c:
            ratios.append(f"{text}: {a / c:.2f}x ({target})")

    ratio("validate --jobs 1 / floor, 2,000 files", j1, f2000, "target <= 1.5x")
    ratio(f"validate default jobs ({machine().split(', ')[1]}) / floor", jn, f2000, "target <= 1.0x")
    ratio("validate warm cache / floor", m("wfctl validate, warm cache, 2,000 files"), f2000, "target <= 0.3x")
    ratio("lint / validate, --jobs 1", m("wfctl lint --jobs 1, 2,000 files"), j1, "target <= 1.2x")
    ratio(
        "one small file / floor's one file",
        m("wfctl validate, one small file"),
        m("floor, one small file"),
        "target <= 1.1x",
    )
    ratio(
        "check-jsonschema / validate --jobs 1 (wfctl faster when > 1)",
        m("check-jsonschema + Argo schema.json, 2,000 files"),
        j1,
        "peer",
    )
    ratio(
        "check-jsonschema / validate, 217 examples",
        m("check-jsonschema + Argo schema.json, 217 examples"),
        m("wfctl validate, 217 upstream examples"),
        "peer",
    )
    c = b.median_cpu
    ratio("CPU time: validate --jobs 1 / floor", c("wfctl validate --jobs 1, 2,000 files"), c(FLOOR2000), "same target")
    ratio("CPU time: lint / validate, --jobs 1", c("wfctl lint --jobs 1, 2,000 files"), c(J1), "same target")
    ratio("CPU time: one small file / floor's", c("wfctl validate, one small file"), c("floor, one small file"), "same")
    ratios += big_rows
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"{machine()}; {stamp}; median of {args.runs} rounds", "", "| benchmark | wall | CPU |", "|---|---|---|"]
    lines += [f"| {label} | {_s(t)} | {_s(c)} |" for label, t, c in rows]
    report = "\n".join(lines + [""] + [f"- {r}" for r in ratios]) + "\n"
    print()
    print(report)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text(report)
    (out / "latest.json").write_text(json.dumps({"rows": rows, "ratios": ratios, "machine": machine(), "date": stamp}))
    shutil.rmtree(warm_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
