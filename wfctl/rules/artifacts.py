"""WF119 artifacts: input and output artifact declarations that Argo accepts."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.names import ARTIFACT_NAME
from wfctl.argo.spec import as_dict, empty_names, input_artifacts, named, output_artifacts, template_type
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

# Argo's leaf templates (Template.IsLeaf): their artifacts are files in the pod and need a `path`;
# other templates (steps, dag, suspend) pass artifacts on and must not give one.
PATH_TEMPLATES = ("container", "containerSet", "script", "resource", "data", "http", "plugin")
LOCATIONS = ("s3", "git", "http", "artifactory", "hdfs", "raw", "oss", "gcs", "azure", "plugin")


class Artifacts(Rule):
    """Artifacts: names required (not empty) and unique; input and output artifacts of leaf templates (container,
    script, containerSet, resource, data, http, plugin) need a `path` ("did not specify a path"), and
    `path` is not valid on steps, DAG or suspend templates; no `..` in paths; `from` is not valid in inputs; at
    most one location (s3, git, http, ...); a git location needs `repo`; hdfs needs `addresses` and an
    absolute `path`.
    """

    code = "WF119"
    name = "artifacts"
    severity = Severity.ERROR
    summary = "Malformed input or output artifact"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for tpl_path, tpl in ctx.templates():
            inputs, outputs = input_artifacts(tpl), output_artifacts(tpl)
            if not inputs and not outputs:
                continue  # most templates
            kind = template_type(tpl)
            leaf = kind in PATH_TEMPLATES
            for where, arts in (("inputs", inputs), ("outputs", outputs)):
                for i in empty_names(arts):
                    yield self.finding(
                        ctx, (*tpl_path, where, "artifacts", i, "name"), f"{where[:-1]} artifact name is empty"
                    )
                for i, a, name, again in named(arts):
                    path = (*tpl_path, where, "artifacts", i)
                    if not ARTIFACT_NAME.match(name):
                        yield self.finding(ctx, (*path, "name"), f"artifact name {name!r} is invalid")
                    if again:
                        yield self.finding(ctx, (*path, "name"), f"{where} artifact {name!r} is declared twice")
                    art_path = a.get("path")
                    if art_path is not None and art_path != "" and kind is not None and not leaf:
                        yield self.finding(
                            ctx,
                            (*path, "path"),
                            f"{where[:-1]} artifact {name!r}: path is only valid in container/script templates,"
                            f" not in the {kind} template {tpl.get('name')!r}",
                        )
                    if leaf and (art_path is None or art_path == ""):
                        yield self.finding(
                            ctx,
                            path,
                            f"{where[:-1]} artifact {name!r} did not specify a path (a {kind} template reads"
                            " and writes artifacts as files)",
                            at_key=True,
                        )
                    if isinstance(art_path, str) and ".." in art_path.split("/"):
                        yield self.finding(
                            ctx,
                            (*path, "path"),
                            f"artifact {name!r}: path {art_path!r} contains '..' (directory traversal)",
                        )
                    if where == "inputs" and a.get("from") is not None:
                        yield self.finding(
                            ctx,
                            (*path, "from"),
                            f"input artifact {name!r}: 'from' belongs in arguments, not inputs",
                            at_key=True,
                        )
                    locations = [k for k in LOCATIONS if a.get(k) is not None]
                    if len(locations) > 1:
                        yield self.finding(
                            ctx,
                            (*path, locations[1]),
                            f"artifact {name!r} has several locations ({', '.join(locations)})",
                            at_key=True,
                        )
                    git = a.get("git")
                    if isinstance(git, dict) and not git.get("repo"):
                        yield self.finding(ctx, (*path, "git"), f"artifact {name!r}: git.repo is required", at_key=True)
                    hdfs = a.get("hdfs")
                    if isinstance(hdfs, dict):
                        if not hdfs.get("addresses"):
                            yield self.finding(
                                ctx, (*path, "hdfs"), f"artifact {name!r}: hdfs.addresses is required", at_key=True
                            )
                        hpath = as_dict(hdfs).get("path")
                        if isinstance(hpath, str) and not hpath.startswith("/") and "{{" not in hpath:
                            yield self.finding(
                                ctx, (*path, "hdfs", "path"), f"artifact {name!r}: hdfs.path must be absolute"
                            )
