"""Load YAML and remember the line of every value, so errors can name file and line."""

from __future__ import annotations

from typing import Any

import yaml

from rtis.lib.numbers import ascii_int


class YamlError(Exception):
    """A YAML file that does not parse; the message names file, line and column."""


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            # Keys such as 2018 are ints once loaded; index both spellings.
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
            number = ascii_int(key, signed=True) if isinstance(key, str) else None
            if number is not None:
                _walk(value_node, (*path, number), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def load_with_lines(text: str, file_name: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Return the YAML data and a map from key path to line number (1-based)."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file_name}:{mark.line + 1}:{mark.column + 1}" if mark else file_name
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(f"{where}: YAML 문법 오류 / YAML syntax error: {problem}") from None
    lines: dict[tuple[Any, ...], int] = {}
    if root is not None:
        _walk(root, (), lines)
    return data, lines


def line_of(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> int | None:
    """Return the line of the deepest known prefix of a path."""
    for end in range(len(path), -1, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None
