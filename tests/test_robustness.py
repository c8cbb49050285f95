"""Rules never crash: every rule runs over randomly corrupted documents without an internal error."""

from __future__ import annotations

import copy
import random

from tests.conftest import FIXTURES
from wfctl.argo.index import TemplateIndex
from wfctl.engine import Checker, LoadedFile, Settings
from wfctl.loader.discovery import Source
from wfctl.loader.documents import Document, classify
from wfctl.loader.yaml import parse

VALUES = [
    None,
    0,
    -1,
    1.5,
    "",
    "x",
    "{{",
    "{{inputs.parameters.}}",
    True,
    [],
    {},
    [None],
    [{}],
    {"name": 1},
    [[{}]],
    "a && (",
    "0 99 * * *",
]


def corrupt(data, rng):
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 4)):
        node = data
        for _depth in range(rng.randint(1, 8)):
            if isinstance(node, dict) and node:
                key = rng.choice(sorted(node, key=str))
                if not isinstance(node[key], (dict, list)) or rng.random() < 0.25:
                    node[key] = copy.deepcopy(rng.choice(VALUES))
                    break
                node = node[key]
            elif isinstance(node, list) and node:
                i = rng.randrange(len(node))
                if not isinstance(node[i], (dict, list)) or rng.random() < 0.25:
                    node[i] = copy.deepcopy(rng.choice(VALUES))
                    break
                node = node[i]
            else:
                break
    return data


def test_rules_survive_corrupted_documents(upstream_examples):
    rng = random.Random(5)
    paths = sorted((FIXTURES / "examples").glob("*.yaml")) + sorted(upstream_examples.glob("*.yaml"))
    settings = Settings(stages=("input", "argo", "practice"))
    checked = 0
    for path in paths:
        docs = []
        for ydoc in parse(path.read_text()).documents:
            found, _, _ = classify(str(path), ydoc)
            docs.extend(found)
        for doc in docs:
            for _ in range(10):
                data = corrupt(doc.data, rng)
                if not isinstance(data, dict):
                    continue
                mutated = Document(doc.file, doc.index, doc.kind, data, doc.node)
                loaded = LoadedFile(Source(str(path)), documents=[mutated])
                index = TemplateIndex()
                index.add([mutated])
                result = Checker(settings, index).check(loaded)
                crashes = [f.message for f in result.findings if f.rule == "WF000"]
                assert not crashes, (path.name, crashes)
                checked += 1
    assert checked > 200


def test_loader_and_checker_survive_mangled_text():
    """Random edits of real manifests' text: every outcome is findings, never an exception."""
    from wfctl.engine import load

    rng = random.Random(9)
    texts = [p.read_bytes() for p in sorted((FIXTURES / "examples").glob("*.yaml"))]
    noise = [
        b"\t",
        b":",
        b"- ",
        b"{",
        b"]",
        b"&a ",
        b"*a",
        b"\xff",
        b"\x00",
        b"'",
        b'"',
        b"\n  ",
        b"---\n",
        b"<<: *a\n",
    ]
    settings = Settings(stages=("input", "argo", "practice"))
    for i in range(300):
        raw = bytearray(rng.choice(texts))
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(raw))
            if rng.random() < 0.5:
                del raw[at : at + rng.randint(1, 8)]
            else:
                raw[at:at] = rng.choice(noise)
        loaded = load(Source(f"mangled-{i}.yaml", content=bytes(raw)), settings)
        index = TemplateIndex()
        index.add(loaded.documents)
        result = Checker(settings, index).check(loaded)
        assert all(f.rule != "WF000" for f in result.findings)
        assert all(f.line >= 1 or f.rule in ("WF012", "WF013", "WF014") for f in result.findings), result.findings
