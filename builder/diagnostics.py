"""Problems found in a site, reported the way a compiler reports them.

Curators are not programmers: every problem names the file, the line, what is wrong and
how to fix it. Stages never raise for bad content; they collect `Problem`s, and the CLI
decides the exit code from them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher, get_close_matches
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, tied to a place a curator can open."""

    file: str
    line: int
    level: Level
    code: str
    message: str
    hint: str = ""

    def as_text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.level}: {self.message}"
        if self.hint:
            text += "\n    " + self.hint.replace("\n", "\n    ")
        return text

    def as_json(self) -> dict:
        data = asdict(self)
        return {key: data[key] for key in ("level", "code", "file", "line", "message", "hint")}


@dataclass
class Problems:
    """An ordered collection of problems; stages append, the CLI reports."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(file, line, "error", code, message, hint))

    def warning(self, file: str, line: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(file, line, "warning", code, message, hint))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def __bool__(self) -> bool:
        return bool(self.items)


class InputError(Exception):
    """Bad input found by a stage that knows what is wrong but not where it was written;
    the caller adds the file and line and turns it into a Problem."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class ContentError(Exception):
    """Raised when a stage cannot go on because the content has errors."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)  # the only argument, so the error survives pickling from a worker
        self.problems = problems

    def __str__(self) -> str:
        return f"{len(self.problems)} problem(s) in the content"


def format_text(problems: Iterable[Problem]) -> str:
    return "\n".join(p.as_text() for p in problems)


def format_json(problems: Iterable[Problem]) -> str:
    return json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known choice, or '' when nothing is close. Choices equally
    close are told apart by the letters they share with the word (a swap of two letters keeps
    them all: 'lisence' is 'license', not 'offline'), not by the alphabet."""
    matches = get_close_matches(word, list(choices), n=3, cutoff=0.5)
    if not matches:
        return ""

    def closeness(choice: str) -> tuple[float, float]:
        matcher = SequenceMatcher(None, choice, word)
        return round(matcher.ratio(), 9), matcher.quick_ratio()

    return f"did you mean '{max(matches, key=closeness)}'?"


def relative(path: Path, root: Path) -> str:
    """The path as the curator sees it: relative to the site root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
