"""Scenario files: parsing YAML or JSON within the bounds of data/rules/input_limits.csv (only
``yaml.SafeLoader`` and ``json``: no eval, no pickle), reading, writing and the shipped presets."""

from __future__ import annotations

import json
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from .. import limits
from ..datapkg import data_dir
from ..errors import FlatclosureError, shown
from ..fileio import read_text, write_atomically
from .model import Scenario, ScenarioError
from .validate import from_dict


class _ScenarioLoader(yaml.SafeLoader):
    """yaml.SafeLoader with the scenario bounds: nesting, aliases and nodes counted as the
    document is composed (before anything is expanded), duplicate keys refused, dates kept as
    text (an impossible date is then refused by the validation, with its field)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = self.aliases = self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            _bounded("scenario_aliases", self.aliases)
        self.nodes += 1
        _bounded("scenario_nodes", self.nodes)
        self.depth += 1
        try:
            _bounded("scenario_nesting", self.depth)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                raise _Refused(f"duplicate key {shown(key, 30)} (line {key_node.start_mark.line + 1}):"
                               " each field once")
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep)


def _date_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


class _Refused(Exception):
    """A bound or rule broken while parsing; becomes a ScenarioError on field 'file'."""


def _bounded(name: str, count: int) -> None:
    lim = limits.limit(name)
    if count > lim.maximum:
        raise _Refused(f"more than {lim.maximum:g} {lim.unit}: the limit is {lim.describe()}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key {shown(key, 30)}: each field once")
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number a scenario can hold")


def _depth_and_size(data: Any) -> None:
    """JSON is nested without aliases; count its levels and values as the YAML composer does."""
    stack, nodes = [(data, 1)], 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        _bounded("scenario_nodes", nodes)
        _bounded("scenario_nesting", depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def parse(text: str, where: str = "<scenario>", fmt: str = "yaml") -> Any:
    """Plain data of a scenario file, within the size, nesting, alias and node bounds."""
    size = len(text.encode("utf-8", "surrogatepass"))
    lim = limits.limit("scenario_file_bytes")
    if size > lim.maximum:
        raise ScenarioError(where, "file", f"{size} bytes: the limit is {lim.describe()}")
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
            _depth_and_size(data)
            return data
        return yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 (a SafeLoader subclass)
    except _Refused as exc:
        raise ScenarioError(where, "file", str(exc)) from None
    except RecursionError:
        raise ScenarioError(where, "file", f"nested too deeply: the limit is "
                            f"{limits.limit('scenario_nesting').describe()}") from None
    except (yaml.YAMLError, json.JSONDecodeError, ValueError, TypeError, OverflowError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ScenarioError(where, "file", f"not readable {fmt.upper()}: {shown(first, 200)}") from None


def loads(text: str, name: str, where: str = "<scenario>", fmt: str = "yaml") -> Scenario:
    """Parse and validate a scenario file's text; every problem is one ScenarioError."""
    data = parse(text, where, fmt)
    try:
        return from_dict(data, name, where)
    except ScenarioError:
        raise
    except FlatclosureError as exc:
        raise ScenarioError(where, getattr(exc, "field", "file"), str(exc)) from exc


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file (.yaml, .yml or .json), within its size bound."""
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    if p.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise ScenarioError(shown(str(p)), "file", "a scenario file ends in .yaml, .yml or .json")
    text = read_text(p, limits.maximum("scenario_file_bytes"), "scenario file")
    return loads(text, p.stem, str(p), fmt)


def dumps(scenario: Scenario, fmt: str = "yaml") -> str:
    data = scenario.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario file (YAML unless the name ends in .json), whole or not at all."""
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    return write_atomically(p, dumps(scenario, fmt), "scenario file")


def presets_dir() -> Path:
    return data_dir() / "scenarios"


def presets() -> list[Scenario]:
    """The scenarios shipped in data/scenarios, in file-name order."""
    return [load(p) for p in sorted(presets_dir().glob("*.yaml"))]
