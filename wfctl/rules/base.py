"""The rule pattern: one declaration per rule (code, name, severity, docs, options) and its check."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from wfctl.argo.kinds import ARGO_KINDS
from wfctl.argo.spec import iter_templates
from wfctl.model import Finding, Severity
from wfctl.records import dataclass, field

if TYPE_CHECKING:
    from wfctl.argo.index import TemplateIndex
    from wfctl.loader.documents import Document

WORKFLOW_KINDS = ARGO_KINDS  # the default for Rule.kinds: a rule looks at every Argo kind

# Stages: "input" findings come from the loader and the schema check (the rule only documents them);
# "argo" rules decide what Argo itself would reject (run by validate and lint); "practice" rules are
# lint's advice.
STAGES = ("input", "argo", "practice")

REGISTRY: dict[str, type[Rule]] = {}
BY_NAME: dict[str, type[Rule]] = {}


class Rule:
    """Base class: subclasses declare the class attributes; the docstring is the explanation."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    stage: ClassVar[str] = "practice"
    kinds: ClassVar[tuple[str, ...]] = WORKFLOW_KINDS
    options: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code in REGISTRY:
            raise RuntimeError(f"rule code {cls.code} declared twice ({REGISTRY[cls.code].__module__})")
        if cls.name in BY_NAME:
            raise RuntimeError(f"rule name {cls.name} declared twice")
        if cls.stage not in STAGES:
            raise RuntimeError(f"{cls.code}: unknown stage {cls.stage!r}")
        REGISTRY[cls.code] = cls
        BY_NAME[cls.name] = cls

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.config = {k: v.get("default") for k, v in self.options.items()}
        self.config.update(options or {})

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    @classmethod
    def explanation(cls) -> str:
        import inspect  # noqa: PLC0415

        return inspect.cleandoc(cls.__doc__ or cls.summary)

    def finding(self, ctx: RuleContext, path: tuple[Any, ...], message: str, *, at_key: bool = False) -> Finding:
        return Finding(self.code, self.severity, message, path=path, at_key=at_key)


@dataclass
class RuleContext:
    """What a rule may read about one document: the document, the index of templates, settings."""

    doc: Document
    index: TemplateIndex
    argo_version: str = "4"
    strict_refs: bool = False
    source_bytes: int = 0
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> dict[str, Any]:
        return self.doc.spec

    def templates(self) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
        """(path, template) for every template of the document."""
        return iter_templates(self.doc)  # listed once per document (wfctl.argo.spec)

    def scoped_strings(self) -> list[tuple[tuple[Any, ...], str, Any]]:
        """(path, string, variable scope) for every string of the document; computed once per document
        and shared by the rules about variables and expressions."""
        if "scoped_strings" not in self.cache:
            from wfctl.argo.scope import scoped_strings  # noqa: PLC0415

            self.cache["scoped_strings"] = scoped_strings(self.doc, self.index)
        return self.cache["scoped_strings"]  # type: ignore[no-any-return]
