"""`apply` plans before it acts: bad input of any kind, an invalid or negative `--prune` selector, a
namespace conflict... stop it before its first request, with nothing applied and nothing pruned.
Through the CLI against the in-process API server, and the selector parser at unit level."""

from __future__ import annotations

import os
import socket

import pytest

from tests.conftest import run
from tests.kubeserver import KubeServer
from wfctl.kube.selector import SelectorError, parse, prune_selector

MUTATING = ("POST", "PATCH", "PUT", "DELETE")


def wft(name: str, labels: str = "  labels: {app: etl}\n", namespace: str = "") -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: {name}\n{ns}{labels}"
        "spec:\n  templates: [{name: t, suspend: {}}]\n"
    )


def mutations(server: KubeServer) -> list[tuple[str, str]]:
    return [(m, p) for m, p in server.state.requests if m in MUTATING]


@pytest.fixture
def deployed(kube, tmp_path):
    """Three wfctl-applied templates labelled app=etl (one per file of `tree/`), plus one unlabelled."""
    tree = tmp_path / "tree"
    (tree / "a").mkdir(parents=True)
    (tree / "b").mkdir()
    (tree / "a" / "one.yaml").write_text(wft("one"))
    (tree / "b" / "two.yaml").write_text(wft("two"))
    (tree / "three.yaml").write_text(wft("three") + "---\n" + wft("plain", labels=""))
    result = run("apply", "-f", str(tree))
    assert result.exit_code == 0, result.output
    kube.state.requests.clear()
    return tree


def still_there(kube: KubeServer) -> None:
    assert kube.names("workflowtemplates") == ["one", "plain", "three", "two"]
    assert mutations(kube) == []


# ------------------------------------------------------------------ walk problems


def test_symlinked_directory_is_never_pruned(kube, deployed, tmp_path):
    outside = tmp_path / "outside"
    (deployed / "b").rename(outside)
    (deployed / "b").symlink_to(outside, target_is_directory=True)
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl")
    assert kube.get("workflowtemplates", "two") is not None  # never deleted
    if result.exit_code == 2:  # not followed: refused before any change
        assert "symlinked directory" in result.stderr and "nothing was applied" in result.stderr
        still_there(kube)
    else:  # followed: applied like any other directory, nothing pruned
        assert result.exit_code == 0 and "pruned" not in result.stdout, result.output


def test_symlink_loop_does_not_hang_or_prune(kube, deployed):
    (deployed / "a" / "loop").symlink_to(deployed, target_is_directory=True)
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl")
    assert result.exit_code in (0, 2), result.output
    assert "pruned" not in result.stdout
    assert kube.names("workflowtemplates") == ["one", "plain", "three", "two"]


def test_unreadable_directory_stops_apply(kube, deployed, monkeypatch):
    """Root reads everything: the OS error a user would get is injected into the walk."""
    real_scandir = os.scandir
    blocked = str(deployed / "b")

    def scandir(path=".", *args, **kwargs):
        if os.path.abspath(os.fspath(path)) == blocked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl")
    assert result.exit_code == 2, result.output
    assert "b" in result.stderr and "ermission denied" in result.stderr
    still_there(kube)


def test_special_file_is_refused_not_read(kube, deployed):
    os.mkfifo(deployed / "pipe.yaml")  # opening it would block forever
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl")
    assert result.exit_code == 2, result.output
    assert "pipe.yaml" in result.stderr
    still_there(kube)


def test_a_socket_named_like_a_manifest_is_refused(kube, tmp_path):
    path = tmp_path / "s.yaml"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
        result = run("apply", "-f", str(path))
    finally:
        sock.close()
    assert result.exit_code == 2 and "s.yaml" in result.stderr
    assert kube.state.requests == []


# ------------------------------------------------------------------ input problems, even with --no-validate


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("kind: WorkflowTemplate\nmetadata: {name: [oops\n", "WF010"),
        ("apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: null\nspec: {}\n", "metadata is missing"),
        ("apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {labels: {app: etl}}\n", "name"),
        ("apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: [1]\n", "not a mapping"),
        ("apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {generateName: x-}\n", "generateName"),
        ("apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: Bad_Name}\n", "not a valid name"),
        ("apiVersion: argoproj/v1\nkind: WorkflowTemplate\nmetadata: {name: two}\n", "WF017"),
        ("- just\n- a list\n", "WF016"),
        (wft("one"), "same object"),
    ],
)
def test_bad_document_stops_apply_even_without_validation(kube, deployed, tmp_path, second, expected):
    f = tmp_path / "two-docs.yaml"
    f.write_text(wft("one") + "---\n" + second)
    result = run("apply", "-f", str(f), "--no-validate", "--prune", "-l", "app=etl")
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and "nothing was applied" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    still_there(kube)


def test_alias_bomb_stops_apply(kube, deployed, tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(wft("one") + "---\n" + "\n".join(lines) + "\n")
    result = run("apply", "-f", str(bomb), "-f", str(deployed), "--no-validate", "--prune", "-l", "app=etl")
    assert result.exit_code == 2 and "WF015" in result.stderr, result.output
    still_there(kube)


def test_oversize_file_stops_apply(kube, deployed):
    big = deployed / "big.yaml"
    big.write_text(wft("big") + "#" * (11 * 1024 * 1024) + "\n")
    result = run("apply", "-f", str(deployed), "--no-validate", "--prune", "-l", "app=etl")
    assert result.exit_code == 2 and "WF014" in result.stderr, result.output
    still_there(kube)


def test_unreadable_file_stops_apply(kube, deployed, monkeypatch):
    from wfctl.loader import discovery

    real = discovery.read

    def read(source, *args, **kwargs):
        if source.display.endswith("two.yaml"):
            return discovery.ReadResult(None, error=f"{source.display}: permission denied")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(discovery, "read", read)
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl")
    assert result.exit_code == 2 and "two.yaml: permission denied" in result.stderr
    still_there(kube)


def test_missing_path_stops_apply(kube, deployed, tmp_path):
    result = run("apply", "-f", str(deployed), "-f", str(tmp_path / "nope"), "--prune", "-l", "app=etl")
    assert result.exit_code == 2 and "nope" in result.stderr
    still_there(kube)


def test_namespace_conflict_is_found_before_any_request(kube, tmp_path):
    f = tmp_path / "ns.yaml"
    f.write_text(wft("first") + "---\n" + wft("second", namespace="team-a"))
    result = run("apply", "-f", str(f), "-n", "team-b")
    assert result.exit_code == 2 and "'team-a'" in result.stderr and "'team-b'" in result.stderr
    assert kube.state.requests == []  # not even a read
    assert kube.names("workflowtemplates") == []


# ------------------------------------------------------------------ selectors


@pytest.mark.parametrize("selector", ["a b c", "app=", "app in etl", "=x", "app=etl,", "app==(x)", "-bad=x"])
def test_invalid_selector_is_exit_2_before_any_request(kube, tmp_path, selector):
    f = tmp_path / "t.yaml"
    f.write_text(wft("first"))
    result = run("apply", "-f", str(f), "--prune", "-l", selector)
    if selector == "app=":  # valid syntax (empty value), but it only selects unlabelled-value objects
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2, result.output
    assert "selector" in result.stderr.lower()
    assert kube.state.requests == []


@pytest.mark.parametrize("selector", ["!app", "app!=etl", "app notin (x)", "team=a,!app", "app notin (x,y),team"])
def test_negative_selector_is_refused_for_prune(kube, deployed, selector):
    (deployed / "three.yaml").unlink()
    result = run("apply", "-f", str(deployed), "--prune", "-l", selector)
    assert result.exit_code == 2, result.output
    assert "do not carry the label" in result.stderr
    still_there(kube)


def test_positive_set_selector_prunes_only_labelled_objects(kube, deployed):
    """The test server ignores set-based selectors and returns everything: wfctl matches locally too."""
    (deployed / "three.yaml").unlink()
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app in (etl, other)")
    assert result.exit_code == 0, result.output
    assert "workflowtemplate.argoproj.io/three pruned" in result.stdout
    assert kube.names("workflowtemplates") == ["one", "plain", "two"]  # unlabelled `plain` kept


def test_prune_lists_before_it_applies(kube, deployed):
    (deployed / "three.yaml").unlink()
    assert run("apply", "-f", str(deployed), "--prune", "-l", "app=etl").exit_code == 0
    methods = [m for m, _ in kube.state.requests]
    first_change = next(i for i, m in enumerate(methods) if m in MUTATING)
    lists = [i for i, (m, p) in enumerate(kube.state.requests) if m == "GET" and "labelSelector" in p]
    assert lists and max(lists) < first_change


def test_client_dry_run_prune_sends_no_request(kube, deployed):
    (deployed / "three.yaml").unlink()
    result = run("apply", "-f", str(deployed), "--prune", "-l", "app=etl", "--dry-run=client")
    assert result.exit_code == 0, result.output
    assert "(dry run)" in result.stdout and "--dry-run=server" in result.stderr
    assert kube.state.requests == []


def test_selector_without_prune_is_still_checked(kube, tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(wft("first"))
    result = run("apply", "-f", str(f), "-l", "a b c")
    assert result.exit_code == 2, result.output
    assert "Invalid value for -l/--selector: 'a b c'" in result.stderr
    assert "expected an operator" in result.stderr and "found 'b'" in result.stderr
    assert result.stdout == "" and kube.state.requests == []  # refused before the first request
    result = run("apply", "-f", str(f), "-l", "!app")
    assert result.exit_code == 0, result.output  # only --prune needs a positive selector
    assert result.stdout.splitlines() == ["workflowtemplate.argoproj.io/first created"]
    assert result.stderr == "" and "pruned" not in result.stdout
    assert kube.names("workflowtemplates") == ["first"]


def test_selector_parser():
    s = parse("app=etl, tier==web,env in (a, b),owner,!legacy,x!=y,z notin (q)")
    assert [(t.key, t.op, t.values) for t in s.terms] == [
        ("app", "=", ("etl",)),
        ("tier", "==", ("web",)),
        ("env", "in", ("a", "b")),
        ("owner", "exists", ()),
        ("legacy", "!", ()),
        ("x", "!=", ("y",)),
        ("z", "notin", ("q",)),
    ]
    assert str(parse("example.com/app = etl")) == "example.com/app=etl"
    labels = {"app": "etl", "tier": "web", "env": "b", "owner": "me", "x": "w", "z": "r"}
    assert s.matches(labels)
    assert not s.matches({**labels, "legacy": "1"})
    assert not s.matches({k: v for k, v in labels.items() if k != "owner"})
    for bad in ("", "a b", "a in (x", "a in x", "a=b=c", "!", "a,,b", "UPPER/x=y", "a=" + "v" * 64):
        with pytest.raises(SelectorError):
            parse(bad)


def test_selector_whitespace_and_keywords_as_the_api_server_reads_them():
    """Only space, tab, CR and LF separate words (a no-break space would otherwise be dropped locally
    and the selector sent differs from the one typed); `in`/`notin` are operators, never keys."""
    assert str(parse(" a \t=\r\nb \n")) == "a=b"
    assert parse("a in (x, in)").terms[0].values == ("x", "in")  # a value may be spelled `in`
    assert parse("a=,b in ()").terms == parse("a= , b in ( )").terms  # empty values, as the API reads them
    for bad in ("a\u00a0=b", "a=b,\u3000c=d", "in", "notin=x", "in in (x)", "!in"):
        with pytest.raises(SelectorError):
            parse(bad)


def test_prune_selector_requires_every_label():
    assert str(prune_selector("app=etl,team in (a),owner")) == "app=etl,team in (a),owner"
    for negative in ("!app", "app!=etl", "app notin (x)", "app=etl,!team"):
        with pytest.raises(SelectorError, match="do not carry the label"):
            prune_selector(negative)
    sel = prune_selector("app in (etl)")
    assert not sel.matches({}) and not sel.matches(None) and sel.matches({"app": "etl"})


def test_walk_inputs_counts_skipped_special_files_as_problems(tmp_path):
    import os

    from wfctl.kube.plan import walk_inputs

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.yaml").write_text(wft("x"))
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "tree" / "loop").symlink_to(tmp_path / "tree", target_is_directory=True)
    sources, problems = walk_inputs((str(tmp_path / "tree"),))
    assert [s.path.name for s in sources] == ["x.yaml"] and problems == []  # the link is followed, the loop noted
    os.mkfifo(tmp_path / "tree" / "pipe.yaml")
    sources, problems = walk_inputs((str(tmp_path / "tree"),))
    assert len(sources) == 1 and len(problems) == 1
    assert problems[0].endswith(
        "pipe.yaml: a FIFO (named pipe), not a regular file: remove it from the directory to apply"
    )
    assert "skipped" not in problems[0]  # apply skips nothing: the whole set is refused
