"""wfctl.records behaves as the standard library's dataclasses for what wfctl uses, and a validate run
on the start-up path imports neither `dataclasses` nor `inspect`."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from typing import Any, ClassVar

import pytest

from tests.conftest import FIXTURES, ROOT
from wfctl import records


def _hash(value: Any) -> Any:
    try:
        return hash(value)
    except TypeError as exc:
        return str(exc)


def _pair(**options: Any) -> tuple[type, type]:
    """The same class made by dataclasses and by records."""
    made = []
    for module in (dataclasses, records):

        class Point:
            """A point."""

            kind: ClassVar[str] = "point"
            x: int
            y: int = 0
            tags: list[str] = module.field(default_factory=list)
            note: str = module.field(default="", repr=False, compare=False)

        made.append(module.dataclass(**options)(Point))
    return made[0], made[1]


@pytest.mark.parametrize(
    "options", [{}, {"slots": True}, {"frozen": True}, {"frozen": True, "slots": True}, {"eq": False}], ids=str
)
def test_records_behave_as_dataclasses(options: dict[str, Any]) -> None:
    std, rec = _pair(**options)
    for make in (lambda c: c(1), lambda c: c(1, 2, ["a"], note="n"), lambda c: c(x=3, tags=["b"])):
        a, b = make(std), make(rec)
        assert repr(a) == repr(b)
        assert (a == make(std)) == (b == make(rec))
        assert (a == std(99)) == (b == rec(99))
        assert [getattr(a, f.name) for f in dataclasses.fields(a)] == [getattr(b, f.name) for f in records.fields(b)]
        assert (std.__hash__ is None) == (rec.__hash__ is None)
        if options.get("eq", True):  # eq=False: identity hashing in both
            assert _hash(a) == _hash(b)
        assert repr(copy.deepcopy(b)) == repr(b) and repr(copy.copy(b)) == repr(b)
    assert rec.kind == "point" and "kind" not in [f.name for f in records.fields(rec)]
    assert rec(1).tags is not rec(1).tags  # a fresh list each time
    assert hasattr(rec(1), "__dict__") == hasattr(std(1), "__dict__")
    assert rec.__match_args__ == std.__match_args__
    with pytest.raises(TypeError):
        rec()
    with pytest.raises(TypeError):
        rec(1, 2, [], "", "extra")
    if options.get("frozen"):
        with pytest.raises(records.FrozenInstanceError):
            rec(1).x = 2  # type: ignore[misc]
        with pytest.raises(AttributeError):
            rec(1).x = 2  # type: ignore[misc]  # FrozenInstanceError is an AttributeError, as in dataclasses
    else:
        point = rec(1)
        point.x = 5
        assert point.x == 5


@records.dataclass
class Plain:
    a: int
    b: list[str] = records.field(default_factory=list)


@records.dataclass(slots=True)
class Slotted:
    a: int
    b: list[str] = records.field(default_factory=list)


@records.dataclass(frozen=True, slots=True)
class FrozenSlotted:
    a: int
    b: tuple[str, ...] = ()


@pytest.mark.parametrize("cls", [Plain, Slotted, FrozenSlotted])
def test_pickled_as_worker_processes_send_results(cls: type) -> None:
    value = cls(1, ("x",) if cls is FrozenSlotted else ["x"])
    back = pickle.loads(pickle.dumps(value))
    assert type(back) is cls and back == value


def test_replace_and_fields() -> None:
    _, rec = _pair()
    point = rec(1, 2, ["a"], note="n")
    moved = records.replace(point, y=7)
    assert (moved.x, moved.y, moved.tags, moved.note) == (1, 7, ["a"], "n")
    assert [f.name for f in records.fields(rec)] == ["x", "y", "tags", "note"]
    with pytest.raises(TypeError):
        records.fields(object())


def test_inheritance_and_explicit_methods() -> None:
    @records.dataclass
    class Base:
        a: int = 1
        items: dict[str, int] = records.field(default_factory=dict)

    class Plain(Base):  # not a record: inherits the base's __init__
        def __init__(self) -> None:
            super().__init__()
            self.extra = True

    @records.dataclass
    class Child(Base):
        b: str = "x"

        def __repr__(self) -> str:
            return "mine"

    assert (Plain().a, Plain().items, Plain().extra) == (1, {}, True)
    assert (Child(2, {"k": 1}, "y").b, Child().a) == ("y", 1)
    assert repr(Child()) == "mine"
    assert Child() == Child() and Child() != Base()


def test_rejected_like_dataclasses() -> None:
    with pytest.raises(TypeError):

        @records.dataclass
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(ValueError):

        @records.dataclass
        class Shared:
            a: list[int] = []


def test_validate_imports_neither_dataclasses_nor_inspect() -> None:
    """The start-up path: `wfctl validate FILE` (fast path) loads no stdlib dataclasses, hence no inspect."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['wfctl', 'validate', '-q', '--no-cache', {str(FIXTURES / 'examples' / 'dag.yaml')!r}]\n"
        "try:\n"
        "    runpy.run_module('wfctl', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, sorted(m for m in ('dataclasses', 'inspect', 'click') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout
    assert out.splitlines()[-1] == "0 []"
