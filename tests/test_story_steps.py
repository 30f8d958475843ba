"""A story's body: steps at `## headings`, views as short codes, each with the line it is on."""

from __future__ import annotations

import pytest

from builder.stories import parse_clock, split_steps
from builder.stories.steps import SyntaxProblem, read_shortcodes

BODY = """Lời mở đầu.

## Bước một

Chữ của bước một.

{{< scene tour="bao-tang" scene="san-truoc" yaw="30" pitch="-5" fov="70" >}}

## Bước hai ##

```
## không phải một bước
{{< scene tour="x" >}}
```

{{< audio exhibit=TD01 start=“1:20” >}} và chữ
"""


def test_steps_start_at_second_level_headings_outside_code() -> None:
    split = split_steps(BODY, 10)
    assert split.intro == "Lời mở đầu."
    assert [(s.title, s.line) for s in split.steps] == [("Bước một", 12), ("Bước hai", 18)]
    assert split.problems == ()
    first, second = split.steps
    assert first.text == "Chữ của bước một."
    assert "## không phải một bước" in second.text and '{{< scene tour="x" >}}' in second.text
    assert second.text.endswith("và chữ")


def test_short_codes_keep_their_arguments_in_order_and_their_line() -> None:
    first, second = split_steps(BODY, 10).steps
    (scene,) = first.shortcodes
    assert scene.name == "scene" and scene.line == 16
    assert scene.arguments == (
        ("tour", "bao-tang"),
        ("scene", "san-truoc"),
        ("yaw", "30"),
        ("pitch", "-5"),
        ("fov", "70"),
    )
    (audio,) = second.shortcodes
    assert (audio.name, audio.get("exhibit"), audio.get("start"), audio.line) == ("audio", "TD01", "1:20", 25)
    assert audio.get("missing") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{{< scene tour="a" yaw=30" >}}', "cannot read"),
        ('{{< scene tour="a"', "not closed"),
        ("{{< scene tour >}}", "cannot read"),
    ],
)
def test_unreadable_short_codes_are_problems_at_their_line(line: str, message: str) -> None:
    problems: list[SyntaxProblem] = []
    read_shortcodes(line, 7, problems)
    assert problems and problems[0].line == 7 and message in problems[0].message and problems[0].hint


def test_a_view_before_the_first_step_is_reported() -> None:
    split = split_steps('{{< scene tour="a" scene="b" >}}\n\n## Một\nChữ.', 5)
    assert [p.line for p in split.problems] == [5]


def test_a_body_without_headings_has_no_steps() -> None:
    split = split_steps("Chỉ có chữ.", 1)
    assert split.steps == () and split.intro == "Chỉ có chữ."


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("80", 80.0), ("1:20", 80.0), ("0:01:20.5", 80.5), ("1:75", None), ("abc", None), ("-3", None), ("", None)],
)
def test_clock_times(text: str, seconds: float | None) -> None:
    assert parse_clock(text) == seconds
