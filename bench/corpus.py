"""Synthetic corpora for the benchmarks (deterministic): many small manifests, and big workflows."""

from __future__ import annotations

import random
from pathlib import Path

IMAGES = ["docker.io/library/busybox:1.36", "docker.io/library/python:3.12-alpine", "ghcr.io/acme/etl:2.4.1"]


def _container(rng: random.Random, name: str) -> str:
    image = rng.choice(IMAGES)
    return f"""    - name: {name}
      inputs:
        parameters:
          - name: message
            default: "hello"
      container:
        image: {image}
        command: [sh, -c]
        args: ["echo {{{{inputs.parameters.message}}}} && sleep {rng.randint(1, 9)}"]
        env:
          - name: STAGE
            value: "{name}"
        resources:
          requests: {{cpu: {rng.choice([50, 100, 250])}m, memory: {rng.choice([32, 64, 128])}Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
      retryStrategy:
        limit: "{rng.randint(1, 4)}"
        retryPolicy: OnFailure
"""


def _script(rng: random.Random, name: str) -> str:
    return f"""    - name: {name}
      script:
        image: docker.io/library/python:3.12-alpine
        command: [python]
        source: |
          import random
          print(random.randint(0, {rng.randint(10, 1000)}))
        resources:
          requests: {{cpu: 100m, memory: 64Mi}}
"""


def workflow(rng: random.Random, index: int) -> str:
    leaves = [f"step-{i}" for i in range(rng.randint(2, 8))]
    body = ""
    for leaf in leaves:
        body += _container(rng, leaf) if rng.random() < 0.7 else _script(rng, leaf)
    tasks = ""
    for i, leaf in enumerate(leaves):
        deps = f"\n            depends: {leaves[i - 1]}" if i else ""
        args = (
            "\n            arguments:\n              parameters:\n                - name: message\n"
            f"                  value: task-{i}"
            if "script" not in body.split(f"name: {leaf}\n", 1)[1].split("- name:", 1)[0]
            else ""
        )
        tasks += f"          - name: {leaf}\n            template: {leaf}{deps}{args}\n"
    kind = rng.choice(["Workflow", "Workflow", "WorkflowTemplate"])
    meta = f"generateName: synthetic-{index}-" if kind == "Workflow" else f"name: synthetic-{index}"
    return f"""apiVersion: argoproj.io/v1alpha1
kind: {kind}
metadata:
  {meta}
  labels:
    app: synthetic
spec:
  entrypoint: main
  serviceAccountName: runner
  activeDeadlineSeconds: 3600
  templates:
    - name: main
      dag:
        tasks:
{tasks}{body}"""


def small_corpus(directory: Path, count: int = 2000, seed: int = 1) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = directory / f"wf-{i:04d}.yaml"
        text = workflow(rng, i)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        paths.append(path)
    return paths


def big_dag(tasks: int, distinct: int, *, copies: bool, seed: int = 3, image_tag: str = "1.36") -> str:
    """One Workflow with `tasks` DAG tasks. With `copies`, each task has its own template, all copies
    of `distinct` templates (what generators produce); otherwise tasks share the distinct ones."""
    rng = random.Random(seed)
    lines = [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Workflow",
        "metadata:",
        "  name: big-dag",
        "spec:",
        "  entrypoint: main",
        "  templates:",
        "    - name: main",
        "      dag:",
        "        tasks:",
    ]
    names = []
    for i in range(tasks):
        tpl = f"t{i}" if copies else f"kind-{i % distinct}"
        names.append(tpl)
        dep = f"\n            depends: task-{rng.randrange(i)}" if i else ""
        lines.append(f"          - name: task-{i}\n            template: {tpl}{dep}")
    bodies = []
    for k in range(distinct):
        # what generators emit for each task: a full, self-contained template
        bodies.append(
            f"""      metadata:
        labels: {{app: pipeline, stage: stage-{k}}}
      retryStrategy:
        limit: "2"
        retryPolicy: OnError
        backoff: {{duration: 10s, factor: "2", maxDuration: 5m}}
      container:
        image: docker.io/library/busybox:{image_tag}
        command: [sh, -c]
        args: ["echo kind {k}; sleep {k % 7}"]
        env:
          - name: KIND
            value: "{k}"
          - name: LOG_LEVEL
            value: info
          - name: PIPELINE
            value: nightly-batch
        resources:
          requests: {{cpu: 100m, memory: 64Mi}}
          limits: {{cpu: 200m, memory: 128Mi}}
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false"""
        )
    emitted = set()
    for i, tpl in enumerate(names):
        if tpl in emitted:
            continue
        emitted.add(tpl)
        lines.append(f"    - name: {tpl}\n{bodies[i % distinct]}")
    return "\n".join(lines) + "\n"
