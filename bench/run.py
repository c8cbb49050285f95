"""Benchmarks: whole-process timings, several runs each, medians and the ratios the issues name.

    python bench/run.py [--runs 5] [--only validate,lint,...]

Needs the `dev` extra for the baselines (check-jsonschema, fastjsonschema); a baseline whose tool is
missing is reported as skipped. Argo's upstream examples and published schema are read from
../shared/upstream when present. Results: a markdown table on stdout and in bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import big_dag, small_corpus  # noqa: E402

UPSTREAM = ROOT.parent / "shared" / "upstream" / "argo-workflows-v4.1.2"
CORPUS = HERE / ".corpus"
PY = sys.executable


def wfctl(*args: str) -> list[str]:
    return [PY, "-m", "wfctl", *args]


def timed(cmd: list[str], runs: int, ok_codes: tuple[int, ...] = (0, 1)) -> float | None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if proc.returncode not in ok_codes:
            print(f"  ! {' '.join(cmd[:6])} exited {proc.returncode}: {proc.stderr.decode()[-300:]}", file=sys.stderr)
            return None
        times.append(elapsed)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    small = CORPUS / "small"
    files = small_corpus(small)
    rows: list[tuple[str, str, float | None]] = []

    def bench(group: str, label: str, cmd: list[str], runs: int | None = None, **kw: object) -> float | None:
        if only and group not in only:
            return None
        t = timed(cmd, runs or args.runs, **kw)  # type: ignore[arg-type]
        rows.append((group, label, t))
        print(f"{label:<58} {(f'{t:.3f} s') if t is not None else 'skipped'}", flush=True)
        return t

    cjs = shutil.which("check-jsonschema") or (str(Path(PY).parent / "check-jsonschema"))
    have_cjs = Path(cjs).exists()
    argo_schema = UPSTREAM / "schema.json"
    examples = UPSTREAM / "examples"
    # --- validate (issue 2)
    v2000 = bench("validate", "wfctl validate, 2,000 synthetic files", wfctl("validate", "-q", str(small)))
    f2000 = bench(
        "validate", "floor (C safe loader + fastjsonschema), 2,000 files", [PY, str(HERE / "floor.py"), str(small)]
    )
    c2000 = None
    if have_cjs and argo_schema.exists():
        c2000 = bench(
            "validate",
            "check-jsonschema + Argo schema.json, 2,000 files",
            [cjs, "--schemafile", str(argo_schema), *map(str, files)],
            runs=max(1, args.runs // 2),
        )
    if examples.is_dir():
        ex_files = sorted(map(str, examples.rglob("*.yaml")))
        bench("validate", "wfctl validate, 217 upstream examples", wfctl("validate", "-q", str(examples)))
        bench("validate", "floor, 217 upstream examples", [PY, str(HERE / "floor.py"), str(examples)])
        if have_cjs and argo_schema.exists():
            bench(
                "validate",
                "check-jsonschema + Argo schema.json, 217 examples",
                [cjs, "--schemafile", str(argo_schema), *ex_files],
                runs=max(1, args.runs // 2),
            )
    one = bench(
        "validate",
        "wfctl validate, one small file (pre-commit case)",
        wfctl("validate", "-q", str(ROOT / "fixtures/examples/hello-world.yaml")),
        runs=max(args.runs, 9),
    )
    # --- lint (issue 3)
    l2000 = bench("lint", "wfctl lint, 2,000 synthetic files", wfctl("lint", "-q", "--isolated", str(small)))
    # --- diff (issue 4)
    big_dir = CORPUS / "big"
    big_dir.mkdir(parents=True, exist_ok=True)
    old, new = big_dir / "dag-2000-old.yaml", big_dir / "dag-2000-new.yaml"
    old.write_text(big_dag(2000, 200, copies=False))
    new.write_text(big_dag(2000, 200, copies=False, image_tag="1.37").replace("task-1999", "task-final"))
    d = bench("diff", "wfctl diff, two 2,000-task workflows", wfctl("diff", str(old), str(new), "-o", "json"))
    # --- dedupe (issue 5)
    dd = big_dir / "dedupe-1000.yaml"
    dd.write_text(big_dag(1000, 50, copies=True))
    dt = bench(
        "dedupe", "wfctl dedupe, 1,000 tasks / 50 templates x 1,000 names", wfctl("dedupe", "-o", "json", str(dd))
    )

    shrink = None
    if dt:
        out = subprocess.run(wfctl("dedupe", "-o", "json", str(dd)), cwd=ROOT, capture_output=True, text=True)
        entry = json.loads(out.stdout)["files"][0]
        shrink = 1 - entry["bytes_after"] / entry["bytes_before"]
    compile_only = None
    if f2000:
        compile_only = bench(
            "validate",
            "floor's schema compile alone (fastjsonschema, 4 kinds)",
            [PY, "-c", "import sys; sys.path.insert(0, 'bench'); import floor; floor.main([])"],
        )

    lines = ["| benchmark | median |", "|---|---|"]
    lines += [f"| {label} | {(f'{t:.3f} s') if t is not None else 'skipped'} |" for _, label, t in rows]
    ratios = []
    if v2000 and f2000:
        ratios.append(f"validate / floor (2,000 files): {v2000 / f2000:.2f}x (target <= 2x)")
        if compile_only:
            ratios.append(f"validate / floor without its schema compile: {v2000 / (f2000 - compile_only):.2f}x")
    if v2000 and c2000:
        ratios.append(f"check-jsonschema / validate (2,000 files): {c2000 / v2000:.2f}x (wfctl faster when > 1)")
    if one:
        ratios.append(f"one small file end to end: {one * 1000:.0f} ms (target <= 250 ms)")
    if l2000 and v2000:
        ratios.append(f"lint / validate (2,000 files): {l2000 / v2000:.2f}x (target <= 1.5x)")
    if d:
        ratios.append(f"diff of two 2,000-task workflows: {d:.2f} s (target < 2 s)")
    if dt:
        ratios.append(f"dedupe of 1,000 tasks: {dt:.2f} s (target < 5 s), file {shrink:.1%} smaller (target > 80%)")
    report = "\n".join(lines + [""] + [f"- {r}" for r in ratios]) + "\n"
    print()
    print(report)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text(f"runs per benchmark: {args.runs} (median)\n\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
