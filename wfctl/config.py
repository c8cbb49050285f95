"""Configuration: `.wfctl.yaml` (or `[tool.wfctl]` in pyproject.toml) found by walking up, validated.

Discovery: `--config PATH`, else `WFCTL_CONFIG`, else the first `.wfctl.yaml`/`.wfctl.yml`, or
`pyproject.toml` with a `[tool.wfctl]` table, walking up from the current directory and stopping at
the directory that holds `.git`, at the home directory, or at `/`. `--isolated` ignores them all.
Relative paths in the file (templates, per-file-ignores) are taken from the file's directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from wfctl.records import dataclass, field

NAMES = (".wfctl.yaml", ".wfctl.yml")
_TOOL_TABLE = r"(?m)^\s*\[\s*tool\.wfctl\s*[\].]"  # [tool.wfctl] or [tool.wfctl.rules.X]; compiled when used

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "argo-version": {"type": ["string", "number"], "enum": ["4", "4.0", "4.1", "3.7", 4, 4.0, 4.1, 3.7]},
        "select": {"type": "array", "items": {"type": "string"}},
        "ignore": {"type": "array", "items": {"type": "string"}},
        "severity": {
            "type": "object",
            "additionalProperties": {"enum": ["error", "warning", "info"]},
        },
        "per-file-ignores": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "rules": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"level": {"enum": ["error", "warning", "info"]}},
            },
        },
        "templates": {"type": "array", "items": {"type": "string"}},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "strict-refs": {"type": "boolean"},
        "max-file-size": {"type": ["integer", "string"]},
        "output-format": {"type": "string"},
    },
}


@dataclass
class Config:
    """The effective configuration file's content and where it came from."""

    path: Path | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def config_error(message: str) -> Exception:
    """A `wfctl.errors.ConfigError`, imported only when there is one: wfctl.errors imports click, which
    the fast start-up path (wfctl.cli.fast) never loads."""
    from wfctl.errors import ConfigError  # noqa: PLC0415

    return ConfigError(message)


def parse_size(text: str | int) -> int:
    """`10MB`, `512k`, `1048576` → bytes."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*", str(text), re.IGNORECASE)
    if not match:
        raise ValueError(f"invalid size {text!r} (use e.g. 10MB, 512k or a number of bytes)")
    number = float(match.group(1))
    unit = (match.group(2) or "b").lower().rstrip("b").rstrip("i")
    return int(number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit])


def _find(start: Path) -> Path | None:
    home = Path.home()
    current = start.resolve()
    while True:
        for name in NAMES:
            candidate = current / name
            if candidate.is_file():
                return candidate
        pyproject = current / "pyproject.toml"
        if pyproject.is_file() and re.search(_TOOL_TABLE, pyproject.read_text(encoding="utf-8", errors="replace")):
            return pyproject
        if (current / ".git").exists() or current == home or current.parent == current:
            return None
        current = current.parent


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib  # noqa: PLC0415
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]  # noqa: PLC0415
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise config_error(f"{path}: {exc}") from None
    section = data.get("tool", {}).get("wfctl", {})
    if not isinstance(section, dict):
        raise config_error(f"{path}: [tool.wfctl] must be a table")
    return section


def _load_yaml(path: Path) -> tuple[dict[str, Any], Any]:
    from wfctl.loader.yaml import decode, parse  # noqa: PLC0415

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise config_error(f"{path}: {exc.strerror or exc}") from None
    text, problem = decode(raw)
    if problem is not None or text is None:
        raise config_error(f"{path}:{problem.line if problem else 1}: {problem.message if problem else 'unreadable'}")
    parsed = parse(text)
    if parsed.problem is not None:
        p = parsed.problem
        raise config_error(f"{path}:{p.line}:{p.column}: {p.message}")
    if not parsed.documents or parsed.documents[0].data is None:
        return {}, None
    doc = parsed.documents[0]
    for p in doc.problems:
        raise config_error(f"{path}:{p.line}:{p.column}: {p.message}")
    if not isinstance(doc.data, dict):
        raise config_error(f"{path}:1:1: the configuration must be a mapping")
    return doc.data, doc.node


def _not_a_config(path: Path) -> str:
    if path.is_dir():
        return "is a directory, not a configuration file"
    if path.exists():
        return "not a regular file, so not a configuration file"
    return "configuration file not found"


def load(explicit: str | None = None, *, isolated: bool = False) -> Config:
    if isolated:
        return Config()
    path: Path | None
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise config_error(f"{explicit}: {_not_a_config(path)}")
    elif os.environ.get("WFCTL_CONFIG"):
        path = Path(os.environ["WFCTL_CONFIG"])
        if not path.is_file():
            raise config_error(f"WFCTL_CONFIG={path}: {_not_a_config(path)}")
    else:
        path = _find(Path.cwd())
    if path is None:
        return Config()
    node = None
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        data = _load_toml(path)
    else:
        data, node = _load_yaml(path)
    _validate(path, data, node)
    return Config(path, data)


_TYPE_NAMES = {
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
}


def _describe(schema: dict[str, Any]) -> str:
    """`{"type": "array", "items": {"type": "string"}}` → "a list of strings"."""
    kind = schema.get("type")
    if kind == "array" and isinstance(schema.get("items"), dict) and schema["items"].get("type"):
        item = _TYPE_NAMES.get(schema["items"]["type"], schema["items"]["type"]).split(" ", 1)[-1]
        return f"a list of {item}s"
    text = _TYPE_NAMES.get(str(kind), str(kind))
    if "minimum" in schema:
        text += f" >= {schema['minimum']}"
    return text


def _yaml_type(value: Any) -> str:
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "list")):
        if isinstance(value, kind):
            return name
    return "mapping" if isinstance(value, dict) else "null" if value is None else type(value).__name__


def rule_option_problems(rules: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Problems with `rules: {ID: {option: value}}`: options the rule does not declare (with "did you
    mean") and values of the wrong type. `level` is every rule's option."""
    import jsonschema  # noqa: PLC0415

    from wfctl.rules import load_all, resolve  # noqa: PLC0415
    from wfctl.text import suggest  # noqa: PLC0415

    problems: list[tuple[tuple[Any, ...], str]] = []
    registry = load_all()
    for ident, options in (rules or {}).items() if isinstance(rules, dict) else ():
        try:
            codes = resolve(str(ident))
        except KeyError:
            continue  # reported as an unknown rule
        if not isinstance(options, dict):
            continue  # reported by the schema
        declared: dict[str, dict[str, Any]] = {}
        for code in codes:
            for key, schema in registry[code].options.items():
                declared.setdefault(key, schema)
        what = codes[0] if len(codes) == 1 else str(ident)
        for key, value in options.items():
            if key == "level":
                continue
            if key not in declared:
                hint = suggest(str(key), [*declared, "level"])
                known = ", ".join(["level", *sorted(declared)])
                problems.append(
                    (
                        ("rules", ident, key),
                        f"unknown option {key!r} for {what}"
                        + (f": did you mean {hint!r}?" if hint else "")
                        + f" (options: {known})",
                    )
                )
                continue
            schema = {k: v for k, v in declared[key].items() if k != "default"}
            if not jsonschema.Draft202012Validator(schema).is_valid(value):
                problems.append(
                    (
                        ("rules", ident, key),
                        f"option {key!r} of {what} must be {_describe(schema)}, not {_yaml_type(value)} {value!r}",
                    )
                )
    return problems


def _validate(path: Path, data: dict[str, Any], node: Any) -> None:
    import jsonschema  # noqa: PLC0415 - only when a config file exists

    from wfctl.loader.locate import locate  # noqa: PLC0415
    from wfctl.rules import resolve  # noqa: PLC0415

    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    problems: list[tuple[tuple[Any, ...], str]] = []
    for error in errors:
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            unknown = [k for k in error.instance if k not in error.schema.get("properties", {})]
            for key in unknown:
                from wfctl.text import suggest  # noqa: PLC0415

                hint = suggest(key, sorted(SCHEMA["properties"]))
                problems.append(
                    ((*where, key), f"unknown option {key!r}" + (f": did you mean {hint!r}?" if hint else ""))
                )
        else:
            problems.append((where, error.message))
    for key in ("select", "ignore"):
        for i, ident in enumerate(data.get(key) or []):
            try:
                resolve(str(ident))
            except KeyError:
                problems.append(((key, i), f"unknown rule {ident!r}"))
    for key in ("severity", "rules"):
        for ident in data.get(key) or {}:
            try:
                resolve(str(ident))
            except KeyError:
                problems.append(((key, ident), f"unknown rule {ident!r}"))
    problems.extend(rule_option_problems(data.get("rules")))
    for pattern, idents in (data.get("per-file-ignores") or {}).items():
        for ident in idents if isinstance(idents, list) else []:
            try:
                resolve(str(ident))
            except KeyError:
                problems.append((("per-file-ignores", pattern), f"unknown rule {ident!r}"))
    if data.get("max-file-size") is not None:
        try:
            parse_size(data["max-file-size"])
        except ValueError as exc:
            problems.append((("max-file-size",), str(exc)))
    if problems:
        where, message = problems[0]
        if node is not None:
            line, col, _, _ = locate(node, where, at_key=True)
            raise config_error(f"{path}:{line}:{col}: invalid configuration: {message}")
        dotted = ".".join(str(p) for p in where) or "(top)"
        raise config_error(f"{path}: invalid configuration at {dotted}: {message}")
