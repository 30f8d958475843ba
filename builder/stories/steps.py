"""A story's body as steps, and the live views written inside them as short codes.

Each `## heading` starts a step; what comes before the first one is the introduction. A view
is a line like `{{< scene tour="bao-tang" scene="san-truoc" yaw="30" >}}` (Hugo's spelling, which
Python-Markdown leaves alone and a curator reads as "a scene, with these settings"). Values may be
quoted with straight or curly quotes, as a word processor writes them, or not quoted at all.
Everything here is pure text work with line numbers, so `check` can point at the very line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_STEP_HEADING = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*#*\s*$")
_OPENING = "{{<"
_SHORTCODE = re.compile(r"\{\{<\s*(?P<name>[^\s>]*)(?P<args>.*?)>\}\}")
_ARGUMENT = re.compile(
    r"\s*(?P<key>[A-Za-z_][\w-]*)\s*=\s*(?:\"(?P<plain>[^\"]*)\"|“(?P<curly>[^”]*)”|(?P<bare>[^\s\"“”]+))"
)


@dataclass(frozen=True)
class Shortcode:
    """One `{{< name key="value" >}}`, at its line in the file."""

    name: str
    arguments: tuple[tuple[str, str], ...]
    line: int

    def get(self, key: str) -> str | None:
        return next((value for name, value in self.arguments if name == key), None)


@dataclass(frozen=True)
class StepText:
    """One step as written: its heading, its Markdown without the short codes, and those."""

    title: str
    line: int
    text: str
    shortcodes: tuple[Shortcode, ...]


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    message: str
    hint: str


@dataclass(frozen=True)
class SplitBody:
    intro: str
    steps: tuple[StepText, ...]
    problems: tuple[SyntaxProblem, ...]


def split_steps(body: str, first_line: int) -> SplitBody:
    """Steps at each `## heading` outside fenced code; `first_line` is the body's line in the file."""
    intro: list[str] = []
    steps: list[tuple[str, int, list[str], list[Shortcode]]] = []
    problems: list[SyntaxProblem] = []
    in_fence = False
    for index, line in enumerate(body.split("\n")):
        number = first_line + index
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _STEP_HEADING.match(line)
        if heading:
            steps.append((heading.group("title"), number, [], []))
            continue
        text, found = (line, []) if in_fence else read_shortcodes(line, number, problems)
        if steps:
            steps[-1][2].append(text)
            steps[-1][3].extend(found)
        else:
            intro.append(text)
            if found:
                problems.append(
                    SyntaxProblem(
                        number,
                        "a view before the first step is not shown",
                        "start a step with a '## heading' line above it",
                    )
                )
    return SplitBody(
        "\n".join(intro).strip(),
        tuple(StepText(title, line, "\n".join(text).strip(), tuple(codes)) for title, line, text, codes in steps),
        tuple(problems),
    )


def read_shortcodes(line: str, number: int, problems: list[SyntaxProblem]) -> tuple[str, list[Shortcode]]:
    """The line without its short codes, and the short codes; what cannot be read is a problem."""
    found: list[Shortcode] = []
    for match in _SHORTCODE.finditer(line):
        arguments, rest = _arguments(match.group("args"))
        if rest:
            problems.append(
                SyntaxProblem(
                    number,
                    f"cannot read '{rest}' in the {match.group('name') or 'view'} short code",
                    'write each setting as name="value", for example yaw="30"',
                )
            )
        found.append(Shortcode(match.group("name"), arguments, number))
    remaining = _SHORTCODE.sub("", line)
    if _OPENING in remaining:
        problems.append(
            SyntaxProblem(
                number, "a short code is not closed", "end it with >}} on the same line, as in {{< scene … >}}"
            )
        )
    return remaining, found


def without_shortcodes(text: str) -> str:
    """The words of a body, without the settings of its views (for the search index)."""
    return _SHORTCODE.sub("", text)


def _arguments(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """(key, value) pairs in order, and the first text that is not one."""
    pairs: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = _ARGUMENT.match(text, position)
        if match is None:
            return tuple(pairs), text[position:].strip()
        value = next(v for v in (match.group("plain"), match.group("curly"), match.group("bare")) if v is not None)
        pairs.append((match.group("key"), value.strip()))
        position = match.end()
    return tuple(pairs), ""


def parse_clock(text: str) -> float | None:
    """`80`, `1:20` or `0:01:20.5` as seconds; None if it is none of these."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3:
        return None
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        return None
    if any(n < 0 for n in numbers) or any(n >= 60 for n in numbers[1:]):
        return None
    seconds = 0.0
    for value in numbers:
        seconds = seconds * 60 + value
    return seconds
