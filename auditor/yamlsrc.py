"""YAML loading that remembers line numbers and finds duplicate keys, for clear messages.

Every mapping comes back as a :class:`LineDict`: a plain ``dict`` that also carries the line it
starts on (``LINE_KEY``, kept as a key for the pydantic-facing code), the line of each key and any
duplicate keys. Whatever the text, :func:`load_yaml` returns data or raises ``InputError``: never
another exception (deep nesting, recursive aliases and alias "bombs" included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import InputError
from auditor.fsutil import read_input_text

LINE_KEY = "__line__"
MAX_NODES = 200_000  # values after alias expansion; a registry or policy is a few thousand at most
MAX_DEPTH = 60  # nesting of the data; a registry or policy needs fewer than ten levels


@dataclass(frozen=True)
class Duplicate:
    key: Any
    line: int  # the repeated key
    first_line: int  # where it was first given


class LineDict(dict):
    """A mapping from YAML, with the line of each key and the duplicate keys found in it."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[Duplicate]

    def line_of(self, key: Any) -> int:
        """The line ``key`` is on (the mapping's own line if the key is not there)."""
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class LineList(list):
    """A sequence from YAML, with the line each item starts on."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class YAMLSyntaxError(InputError):
    """The text is not YAML (or not YAML this tool accepts); ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


# libyaml's parser when PyYAML has it (20,000 accounts in about a second instead of ten); the
# constructors below, which keep line numbers, are the same either way.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    key_lines: dict[Any, int] = {}
    duplicates: list[Duplicate] = []
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # "<<: *base": merged keys may be overridden, that is not a duplicate
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a plain value, not {kind(key)}", key_node.start_mark
            ) from None
        if key == LINE_KEY:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {LINE_KEY!r} is reserved", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in key_lines:
            duplicates.append(Duplicate(key, line, key_lines[key]))
        else:
            key_lines[key] = line
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = key_lines
    mapping.duplicates = duplicates
    mapping[LINE_KEY] = mapping.line
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [n.start_mark.line + 1 for n in node.value]
    yield data  # a generator, as SafeConstructor's, so that the list exists before its items
    data.extend(loader.construct_sequence(node))


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A date-shaped value that is no real date (2026-13-02) stays text, so the registry can say
    which line holds it instead of PyYAML raising without one."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _check_shape(root: yaml.Node) -> tuple[str, yaml.Node] | None:
    """Refuse recursive aliases, too-deep nesting and alias bombs, before anything is built."""
    expanded: dict[int, int] = {}  # id(node) -> values it expands to
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    active: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            expanded[id(node)] = 1
            continue
        children: list[yaml.Node] = (
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else list(node.value)
        )
        if done:
            active.discard(id(node))
            expanded[id(node)] = 1 + sum(expanded[id(c)] for c in children)
            if expanded[id(node)] > MAX_NODES:
                return f"too large: more than {MAX_NODES} values once aliases are expanded", node
            continue
        if id(node) in expanded:
            continue
        if id(node) in active:
            return "an alias refers to a mapping or list that contains it (recursive data)", node
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep", node
        active.add(id(node))
        stack.append((node, depth, True))
        for child in children:
            if id(child) in active:
                return "an alias refers to a mapping or list that contains it (recursive data)", child
            if id(child) not in expanded:
                stack.append((child, depth + 1, False))
    return None


def _parse(text: str) -> Any:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if bad := _check_shape(node):
            why, where = bad
            raise yaml.constructor.ConstructorError(None, None, why, where.start_mark)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(path: Path, what: str, *, duplicates_ok: bool = False) -> Any:
    """Parse ``path``; errors name the file and line.

    Duplicate keys are refused here (all of them, in one message) unless ``duplicates_ok``: then
    the caller reports them itself from each ``LineDict.duplicates``, with its own context.
    """
    text = read_input_text(path, what)  # a device, folder, pipe or unreadable file: InputError
    try:
        data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        where = f"{path}:{line}" if line else str(path)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YAMLSyntaxError(f"{where}: invalid YAML in {what}: {problem}", line) from None
    except yaml.YAMLError as exc:
        one_line = " ".join(str(exc).split())
        raise YAMLSyntaxError(f"{path}: invalid YAML in {what}: {one_line}", None) from None
    except RecursionError:
        raise YAMLSyntaxError(f"{path}: invalid YAML in {what}: nested too deeply", None) from None
    if not duplicates_ok:
        dups = sorted((d for m in iter_mappings(data) for d in m.duplicates), key=lambda d: d.line)
        found = [f"{path}:{d.line}: duplicate key {d.key!r} in {what} (first on line {d.first_line})" for d in dups]
        if found:
            raise InputError("\n".join(found))
    return data


def kind(value: Any) -> str:
    """A reader's name for the type of a YAML value: "mapping", "list", "number", "true/false" ..."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


def iter_mappings(value: Any) -> list[LineDict]:
    """Every ``LineDict`` in ``value`` (each once, in document order)."""
    out: list[LineDict] = []
    seen: set[int] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        if isinstance(v, dict):
            seen.add(id(v))
            if isinstance(v, LineDict):
                out.append(v)
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            seen.add(id(v))
            stack.extend(reversed(v))
    return out


def strip_lines(value: Any) -> Any:
    """A copy of ``value`` without the ``__line__`` keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
