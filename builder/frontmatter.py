"""YAML front matter that remembers the line of every key, so errors can point at it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping from front matter; `lines[key]` is the 1-based file line of that key."""

    line: int = 0
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe YAML with YAML 1.2 scalars: `no`, `on` and dates stay text, as curators mean them."""

    line_offset = 0


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain word", key_node.start_mark)
        key = str(key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"the key '{key}' appears twice", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


@dataclass(frozen=True)
class FrontMatterError(Exception):
    line: int
    message: str
    hint: str


@dataclass(frozen=True)
class ParsedDocument:
    meta: LineDict
    body: str
    body_line: int


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def parse_document(text: str) -> ParsedDocument:
    """Split `---` front matter from the Markdown body and parse it.

    Notepad and spreadsheet exports write a UTF-8 BOM and CRLF line endings; both are read.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith("---"):
        empty = LineDict()
        empty.lines = {}
        return ParsedDocument(empty, text, 1)
    first = _FENCE.match(text)
    if first is None:
        raise FrontMatterError(
            1, "the first line must be exactly '---'", "put the front matter between two '---' lines"
        )
    closing = _FENCE.search(text, first.end())
    if closing is None:
        raise FrontMatterError(
            1,
            "the front matter has no closing '---' line",
            "add a line with only '---' after the last front matter key",
        )
    yaml_text = text[first.end() : closing.start()]
    rest = text[closing.end() :]
    body = rest.lstrip("\n")
    # the body's first line, past the blank lines that are dropped: errors inside it name real lines
    body_line = text.count("\n", 0, closing.end()) + 1 + max(1, len(rest) - len(body))
    meta = _load_yaml(yaml_text, line_offset=0)
    return ParsedDocument(meta, body, body_line)


def _load_yaml(yaml_text: str, line_offset: int) -> LineDict:
    loader = _Loader(yaml_text)
    loader.line_offset = line_offset
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        unclosed = exc.context_mark is not None and "flow" in (exc.context or "")
        mark = exc.context_mark if unclosed else (exc.problem_mark or exc.context_mark)
        line = (mark.line + 1 + line_offset) if mark else line_offset
        problem = (exc.problem or "invalid YAML").strip()
        raise FrontMatterError(line, f"front matter is not valid YAML: {problem}", _yaml_hint(problem)) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(line_offset, f"front matter is not valid YAML: {exc}", _yaml_hint("")) from None
    finally:
        loader.dispose()
    if data is None:
        data = LineDict()
        data.lines = {}
    if not isinstance(data, LineDict):
        raise FrontMatterError(
            line_offset + 2,
            "front matter must be a list of 'key: value' lines",
            "write one setting per line, like 'title: Trống đồng'",
        )
    return data


def _yaml_hint(problem: str) -> str:
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return "a list or { } group opened on this line is not closed; a value starting with [ needs quotes"
    if "mapping values" in problem:
        return "a value that contains ': ' must be put in quotes, like title: \"Đình: cổng chính\""
    if "cannot start any token" in problem:
        return "indent with spaces, not tabs; a value starting with @ or ` must be put in quotes"
    if "indent" in problem or "block" in problem:
        return "check the indentation: list items and nested keys must line up with spaces, not tabs"
    if "appears twice" in problem:
        return "keep only one of the two lines"
    return "check quotes, colons and indentation on this line and the one before it"
