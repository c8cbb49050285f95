"""WF201 unpinned-image: container images pinned to a tag (not latest) or a digest."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import iter_containers
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


def image_tag(image: str) -> str | None:
    """The tag of an image reference, '' for a digest, None when there is neither."""
    if "@" in image:
        return ""
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


class UnpinnedImage(Rule):
    """An image without a tag, or tagged `latest`, changes under the workflow: two runs of the same
    manifest may run different code, and a retry may pull a newer image than the first attempt. Pin a
    version tag or, better, a digest (`image@sha256:...`). Option `allow`: image prefixes to skip.

    **Fails**: `image: alpine`, `image: alpine:latest`  **Passes**: `image: alpine:3.20`
    """

    code = "WF201"
    name = "unpinned-image"
    severity = Severity.WARNING
    summary = "Container image without a tag, or tagged latest"
    options = {"allow": {"type": "array", "items": {"type": "string"}, "default": []}}

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        allow = tuple(self.config.get("allow") or ())
        for path, _, c, _ in iter_containers(ctx.doc):
            image = c.get("image")
            if not isinstance(image, str) or "{{" in image or (allow and image.startswith(allow)):
                continue
            tag = image_tag(image)
            if tag is None:
                yield self.finding(ctx, (*path, "image"), f"image {image!r} has no tag: pin a version or digest")
            elif tag == "latest":
                yield self.finding(ctx, (*path, "image"), f"image {image!r} uses 'latest': pin a version or digest")
