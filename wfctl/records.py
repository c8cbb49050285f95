"""`@dataclass` for the modules every run imports, at a fraction of the start-up cost.

The standard library's `dataclasses` imports `inspect` (and with it `ast`, `dis`, `tokenize`) and
compiles `__init__`, `__repr__` and `__eq__` from source for every class as the class is defined:
for the 25-odd classes a one-file `wfctl validate` defines, that was a fifth of the whole run. This
module supports the subset wfctl uses (`field(default=..., default_factory=..., repr=..., compare=...)`,
`frozen`, `slots`, `eq`, `repr`, `ClassVar` annotations, inheritance from another record) with the
same behaviour, and compiles each method only when a class first needs it: a class whose instances
are never printed never compiles a `__repr__`. Once compiled, the methods are the same code the
standard library would generate, so instances cost the same to make and use.

`fields(obj)` and `replace(obj, **changes)` are the standard library's for these classes. Classes off
the start-up path may keep using `dataclasses`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FrozenInstanceError", "dataclass", "field", "fields", "replace"]

FIELDS = "__record_fields__"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
_FACTORY: Any = type("_HasFactory", (), {"__repr__": lambda self: "<factory>"})()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class Field:
    """One field: its name, default (or default factory) and whether it takes part in repr and eq."""

    __slots__ = ("compare", "default", "default_factory", "init", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, compare: bool) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def _field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """As `dataclasses.field`, for the keywords wfctl uses."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare)


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    if not isinstance(annotation, str) and repr(annotation).startswith("typing.ClassVar"):
        return True
    return text.split("[", 1)[0].strip() in ("ClassVar", "typing.ClassVar", "t.ClassVar")


def _collect(cls: type) -> dict[str, Field]:
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        found.update(getattr(base, FIELDS, {}))
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 - no inspect here
        if _is_classvar(annotation):
            continue
        if isinstance(annotation, str) and annotation.split("[", 1)[0].strip() in ("InitVar", "dataclasses.InitVar"):
            raise TypeError(f"{cls.__name__}.{name}: InitVar is not supported by wfctl.records")
        value = cls.__dict__.get(name, MISSING)
        spec = value if isinstance(value, Field) else Field(value, MISSING, True, True, True)
        if spec.default is not MISSING and type(spec.default) in (list, dict, set):
            raise ValueError(
                f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory"
            )
        spec.name = name
        found.pop(name, None)
        found[name] = spec
    seen_default = False
    for spec in found.values():
        if not spec.init:
            continue
        if spec.default is not MISSING or spec.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
    return found


def _compile(cls: type, name: str, source: str, scope: dict[str, Any]) -> Any:
    """Compile one method from source, as dataclasses does, and install it on the class."""
    namespace: dict[str, Any] = {}
    exec(source, scope, namespace)  # generated from field names only, as dataclasses does
    function = namespace[name]
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, function)
    return function


def _make_init(cls: type) -> Any:
    specs: dict[str, Field] = getattr(cls, FIELDS)
    frozen = getattr(cls, "__record_frozen__", False)
    scope: dict[str, Any] = {"MISSING": MISSING, "_FACTORY": _FACTORY, "_setattr": object.__setattr__}
    params, body = [], []
    for i, spec in enumerate(specs.values()):
        if spec.init:
            if spec.default_factory is not MISSING:
                scope[f"_factory_{i}"] = spec.default_factory
                params.append(f"{spec.name}=_FACTORY")
                value = f"_factory_{i}() if {spec.name} is _FACTORY else {spec.name}"
            elif spec.default is not MISSING:
                scope[f"_default_{i}"] = spec.default
                params.append(f"{spec.name}=_default_{i}")
                value = spec.name
            else:
                params.append(spec.name)
                value = spec.name
        elif spec.default_factory is not MISSING:
            scope[f"_factory_{i}"] = spec.default_factory
            value = f"_factory_{i}()"
        elif spec.default is not MISSING:
            scope[f"_default_{i}"] = spec.default
            value = f"_default_{i}"
        else:
            continue
        body.append(f"_setattr(self, {spec.name!r}, {value})" if frozen else f"self.{spec.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    if not params:
        source = source.replace("(self, )", "(self)")
    return _compile(cls, "__init__", source, scope)


def _make_repr(cls: type) -> Any:
    shown = [s.name for s in getattr(cls, FIELDS).values() if s.repr]
    parts = ", ".join(f"{name}={{self.{name}!r}}" for name in shown)
    source = f"def __repr__(self):\n    return f'{{type(self).__qualname__}}({parts})'\n"
    return _compile(cls, "__repr__", source, {})


def _compared(cls: type) -> str:
    names = [s.name for s in getattr(cls, FIELDS).values() if s.compare]
    return "(" + "".join(f"self.{n}," for n in names) + ")"


def _make_eq(cls: type) -> Any:
    mine = _compared(cls)
    theirs = mine.replace("self.", "other.")
    source = (
        "def __eq__(self, other):\n"
        "    if other.__class__ is self.__class__:\n"
        f"        return {mine} == {theirs}\n"
        "    return NotImplemented\n"
    )
    return _compile(cls, "__eq__", source, {})


def _make_hash(cls: type) -> Any:
    source = f"def __hash__(self):\n    return hash({_compared(cls)})\n"
    return _compile(cls, "__hash__", source, {})


def _lazy(make: Any, name: str) -> Any:
    """A method that compiles the real one on first call, installs it on the class, then calls it."""

    def first_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        owner = next(c for c in type(self).__mro__ if c.__dict__.get(name) is placeholder)
        return make(owner)(self, *args, **kwargs)

    first_call.__name__ = name
    placeholder = first_call
    return first_call


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    # As dataclasses: on the record class itself no attribute at all may be set (a plain subclass may
    # add its own attributes, never assign the fields).
    if FIELDS in type(self).__dict__ or name in getattr(type(self), FIELDS):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    if FIELDS in type(self).__dict__ or name in getattr(type(self), FIELDS):
        raise FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name) for name in getattr(type(self), FIELDS)]


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(getattr(type(self), FIELDS), state, strict=True):
        object.__setattr__(self, name, value)


def _process(cls: type, *, init: bool, repr: bool, eq: bool, frozen: bool, slots: bool) -> type:
    specs = _collect(cls)
    if slots:
        body = dict(cls.__dict__)
        own = [n for n in specs if n not in getattr(cls.__mro__[1], FIELDS, {})]
        for name in own:
            body.pop(name, None)
        body.pop("__dict__", None)
        body.pop("__weakref__", None)
        body["__slots__"] = tuple(own)
        qualname = cls.__qualname__
        cls = type(cls)(cls.__name__, cls.__bases__, body)
        cls.__qualname__ = qualname
    else:
        for name, spec in specs.items():  # class attributes: the plain defaults, as dataclasses leaves them
            if name in cls.__dict__ and isinstance(cls.__dict__[name], Field):
                if spec.default is MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, spec.default)
    methods: dict[str, Any] = {
        FIELDS: specs,
        "__record_frozen__": frozen,
        "__match_args__": tuple(s.name for s in specs.values() if s.init),
    }
    if init and "__init__" not in cls.__dict__:
        methods["__init__"] = _lazy(_make_init, "__init__")
    if repr and "__repr__" not in cls.__dict__:
        methods["__repr__"] = _lazy(_make_repr, "__repr__")
    # __hash__ as dataclasses decides it (without unsafe_hash): an explicit one is kept; otherwise eq
    # and frozen generate one, eq alone makes instances unhashable.
    explicit_hash = cls.__dict__.get("__hash__", MISSING)
    explicit = not (explicit_hash is MISSING or (explicit_hash is None and "__eq__" in cls.__dict__))
    if eq and "__eq__" not in cls.__dict__:
        methods["__eq__"] = _lazy(_make_eq, "__eq__")
    if eq and not explicit:
        methods["__hash__"] = _lazy(_make_hash, "__hash__") if frozen else None
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
        if slots:
            methods["__getstate__"] = _getstate
            methods["__setstate__"] = _setstate
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


def _dataclass(
    cls: type | None = None,
    /,
    *,
    init: bool = True,
    repr: bool = True,
    eq: bool = True,
    frozen: bool = False,
    slots: bool = False,
) -> Any:
    """As `dataclasses.dataclass`, for the options wfctl uses."""

    def wrap(cls: type) -> type:
        return _process(cls, init=init, repr=repr, eq=eq, frozen=frozen, slots=slots)

    return wrap if cls is None else wrap(cls)


def _fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    specs = getattr(obj, FIELDS, None)
    if specs is None:
        raise TypeError("must be called with a record type or instance")
    return tuple(specs.values())


def _replace(obj: Any, **changes: Any) -> Any:
    """A copy of a record instance with some fields changed (`dataclasses.replace`)."""
    for spec in _fields(obj):
        if not spec.init:
            if spec.name in changes:
                raise ValueError(
                    f"field {spec.name} is declared with init=False, it cannot be specified with replace()"
                )
            continue
        changes.setdefault(spec.name, getattr(obj, spec.name))
    return obj.__class__(**changes)


if TYPE_CHECKING:  # type checkers know dataclasses; these behave the same
    from dataclasses import dataclass, field, fields, replace
else:
    dataclass, field, fields, replace = _dataclass, _field, _fields, _replace
