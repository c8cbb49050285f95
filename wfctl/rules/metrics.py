"""WF124 metrics: template Prometheus metrics are well formed."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.names import METRIC_NAME
from wfctl.argo.spec import as_dict, as_list
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class Metrics(Rule):
    """Each `metrics.prometheus` entry needs a valid name (`^[a-zA-Z_][a-zA-Z0-9_]*$`), a `help`
    string, valid label keys, and a `value` for its gauge, counter or histogram; a realtime gauge cannot
    use `resourcesDuration.*`.
    """

    code = "WF124"
    name = "metrics"
    severity = Severity.ERROR
    summary = "Malformed template metric"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for tpl_path, tpl in ctx.templates():
            for i, metric in enumerate(as_list(as_dict(tpl.get("metrics")).get("prometheus"))):
                if not isinstance(metric, dict):
                    continue
                path = (*tpl_path, "metrics", "prometheus", i)
                name = metric.get("name")
                if isinstance(name, str) and not METRIC_NAME.match(name):
                    yield self.finding(
                        ctx, (*path, "name"), f"metric name {name!r} may only contain alphanumerics and '_'"
                    )
                for j, label in enumerate(as_list(metric.get("labels"))):
                    key = as_dict(label).get("key")
                    if isinstance(key, str) and not METRIC_NAME.match(key):
                        yield self.finding(
                            ctx,
                            (*path, "labels", j, "key"),
                            f"metric label key {key!r} may only contain alphanumerics and '_'",
                        )
                for kind in ("gauge", "counter", "histogram"):
                    body = metric.get(kind)
                    if isinstance(body, dict) and not body.get("value"):
                        yield self.finding(
                            ctx, (*path, kind), f"metric {name!r}: {kind}.value is required", at_key=True
                        )
                gauge = as_dict(metric.get("gauge"))
                if gauge.get("realtime") and "resourcesDuration." in str(gauge.get("value", "")):
                    yield self.finding(
                        ctx, (*path, "gauge", "value"), "resourcesDuration.* metrics cannot be used in real-time gauges"
                    )
