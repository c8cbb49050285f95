"""WF006 full-crds-only: what only Argo 3.7's full CRDs reject (`--argo-version 3.7`)."""

from wfctl.model import Severity
from wfctl.rules.base import Rule


class FullCrdsOnly(Rule):
    """Rejected only by Argo 3.7's full CRDs (`--argo-version 3.7`).

    Argo 3.7's default install (`install.yaml`, the quick-starts) uses the *minimal* CRDs: the API server
    checks nothing inside `spec`, and the controller and `argo lint` read manifests with Go types, which
    enforce no `required`. A cluster that installed 3.7's *full* CRDs (server-side apply of
    `manifests/base/crds/full`) rejects these, for example on `kubectl apply`. wfctl reports them as
    this warning instead of an error (WF003, WF002):

    - fields that only the full CRDs require, which Argo itself does without: `memoize.cache.configMap.key`
      (the controller reads only `name`; Argo 4 removed the field), `memoize.maxAge` (empty: no limit),
      `gauge.realtime` (unset: false), a data template's `artifactPaths.name`, and an Azure artifact's
      `container` and `endpoint` (a key-only artifact takes them from the artifact repository);
    - a list or a mapping as a parameter `value`, `default`, `enum` item or `description`, or
      `valueFrom.default`: Argo 3.7 reads it as an empty string (the full CRDs want a string).

    If your cluster runs the full CRDs, make this an error in `.wfctl.yaml`: `severity: {WF006: error}`.
    With Argo 4 (the default `--argo-version`), whose install uses the full CRDs, this rule never fires:
    the same omissions are errors (WF003, WF002), except the cache key, which Argo 4 removed (WF132).

    **Fails** (3.7 full CRDs): `cache: {configMap: {name: c}}`  **Passes**: `cache: {configMap: {name: c, key: k}}`
    """

    code = "WF006"
    name = "full-crds-only"
    severity = Severity.WARNING
    summary = "Rejected only by Argo 3.7's full CRDs (--argo-version 3.7)"
    stage = "input"
