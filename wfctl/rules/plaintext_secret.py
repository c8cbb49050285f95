"""WF305 plaintext-secret: secrets are not written into env values."""

from __future__ import annotations

import re
from collections.abc import Iterator

from wfctl.argo.spec import as_dict, as_list, containers
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

PLACEHOLDER = re.compile(r"^__[A-Z0-9_]+__$")  # filled in at deploy time (Metaflow's production token)
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.I)


class PlaintextSecret(Rule):
    """An environment variable named like a secret (`*PASSWORD*`, `*TOKEN*`, `*API_KEY*`...) with a
    literal `value` puts the secret in Git, in the Workflow object and in every pod spec. Use
    `valueFrom.secretKeyRef`.
    """

    code = "WF305"
    name = "plaintext-secret"
    severity = Severity.ERROR
    summary = "Secret-looking environment variable with a literal value"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, tpl in ctx.templates():
            for sub, c in containers(tpl):
                for i, env in enumerate(as_list(c.get("env"))):
                    env = as_dict(env)
                    name, value = env.get("name"), env.get("value")
                    if (
                        isinstance(name, str)
                        and SECRET_NAME.search(name)
                        and isinstance(value, str)
                        and value
                        and "{{" not in value
                        and not PLACEHOLDER.match(value)
                    ):
                        yield self.finding(
                            ctx,
                            (*path, *sub, "env", i, "value"),
                            f"env {name!r} holds a literal secret: use valueFrom.secretKeyRef",
                        )
