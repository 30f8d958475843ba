"""Narration transcripts: parsing, checks and WebVTT captions.

A transcript is shown as text (accessibility, noisy rooms, search engines) and turned into
WebVTT captions whose current cue is highlighted while the audio plays.  Transcripts are
``.txt``/``.md`` with optional ``[mm:ss]``, ``[h:mm:ss]`` or ``[mm:ss.s]`` stamps at line
starts, or ``.vtt``.  Stages never raise for bad transcripts: problems come back as
``TranscriptProblem``s with the line to open.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

TranscriptKind = Literal["txt", "md", "vtt"]
TRANSCRIPT_SUFFIXES: dict[str, TranscriptKind] = {".txt": "txt", ".md": "md", ".vtt": "vtt"}


@dataclass(frozen=True)
class Cue:
    """One stamped line (with the lines after it), or one untimed paragraph (start None)."""

    start: float | None
    end: float | None  # only .vtt cues have an explicit end
    text: str
    line: int  # 1-based line in the transcript file


@dataclass(frozen=True)
class TranscriptProblem:
    line: int
    message: str
    hint: str = ""
    code: str = "audio-transcript"


@dataclass
class Transcript:
    cues: list[Cue]
    kind: TranscriptKind = "txt"
    problems: list[TranscriptProblem] = field(default_factory=list)  # found while parsing

    @property
    def timed(self) -> bool:
        return any(cue.start is not None for cue in self.cues)


# a line-start bracket holding only digits, colons, dots/commas and spaces, with a colon
_STAMP_LINE = re.compile(r"^[ \t]*\[(?P<stamp>[\d:.,\s]*:[\d:.,\s]*)\][ \t]*(?P<text>.*)$")
_STAMP = re.compile(r"^(?:(?P<h>\d+):(?P<m2>\d{2})|(?P<m>\d+)):(?P<s>\d{2})(?:[.,](?P<f>\d+))?$")
_VTT_TIME = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?$")


def _seconds(match: re.Match, minutes: str) -> float | None:
    h = int(match.group("h") or 0)
    m, s = int(match.group(minutes)), int(match.group("s"))
    if s >= 60 or (match.group("h") is not None and m >= 60):
        return None
    frac = match.group("f")
    return h * 3600 + m * 60 + s + (int(frac) / 10 ** len(frac) if frac else 0.0)


def parse_stamp(text: str) -> float | None:
    """Seconds of a transcript stamp (``0:05``, ``1:02:03``, ``12:30.5``), None if malformed."""
    match = _STAMP.match(text.strip())
    if not match:
        return None
    return _seconds(match, "m2" if match.group("h") is not None else "m")


def read_transcript(path: str | os.PathLike) -> Transcript:
    """Read and parse a transcript file; its kind comes from the suffix (.txt, .md, .vtt)."""
    path = Path(path)
    kind: TranscriptKind = TRANSCRIPT_SUFFIXES.get(path.suffix.lower(), "txt")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        transcript = parse_transcript(raw.decode("utf-8-sig", "replace"), kind)
        transcript.problems.insert(
            0,
            TranscriptProblem(
                line,
                "the transcript is not UTF-8 text",
                "save it again as UTF-8 (Vietnamese needs it)",
                "audio-transcript-encoding",
            ),
        )
        return transcript
    return parse_transcript(text, kind)


def parse_transcript(text: str, kind: TranscriptKind) -> Transcript:
    """Cues of a .txt/.md (``[mm:ss]`` stamps at line starts) or .vtt transcript."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if kind == "vtt":
        return _parse_vtt(text)
    cues: list[Cue] = []
    problems: list[TranscriptProblem] = []
    current: dict | None = None  # {"start", "line", "paras": [[lines]]}
    blank = True

    def flush() -> None:
        nonlocal current
        if current is not None:
            body = "\n\n".join("\n".join(p) for p in current["paras"] if p)
            if body or current["start"] is not None:
                cues.append(Cue(current["start"], None, body, current["line"]))
        current = None

    for number, line in enumerate(text.split("\n"), start=1):
        match = _STAMP_LINE.match(line)
        if match:
            start = parse_stamp(match.group("stamp"))
            if start is None:
                problems.append(
                    TranscriptProblem(
                        number,
                        f"malformed time stamp [{match.group('stamp')}]",
                        "write [m:ss], [mm:ss.s] or [h:mm:ss], e.g. [0:05] or [1:02:03]; seconds and minutes "
                        "under an hour go up to 59",
                        "audio-transcript-stamp",
                    )
                )
            else:
                flush()
                current = {
                    "start": start,
                    "line": number,
                    "paras": [[match.group("text").strip()] if match.group("text").strip() else []],
                }
                blank = False
                continue
        stripped = line.strip()
        if not stripped:
            blank = True
            if current is not None and current["start"] is None:
                flush()  # untimed paragraphs stay separate
            continue
        if current is None:
            current = {"start": None, "line": number, "paras": [[]]}
        elif blank and current["paras"][-1]:
            current["paras"].append([])
        current["paras"][-1].append(stripped)
        blank = False
    flush()
    return Transcript(cues, kind, problems)


def _vtt_text(lines: list[str]) -> str:
    """Cue payload as plain text: voice spans become 'Name: ', other tags are dropped."""
    out = []
    for line in lines:
        line = re.sub(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>", r"\1: ", line)
        line = re.sub(r"<[^>]*>", "", line)
        out.append(html.unescape(line).strip())
    return "\n".join(part for part in out if part)


def _parse_vtt(text: str) -> Transcript:
    lines = text.split("\n")
    problems: list[TranscriptProblem] = []
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0] if lines else ""):
        problems.append(
            TranscriptProblem(
                1,
                "a WebVTT file must begin with the line WEBVTT",
                "add WEBVTT as the first line",
                "audio-transcript-vtt",
            )
        )
    blocks: list[list[tuple[int, str]]] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    if blocks and blocks[0][0][0] == 1 and not problems:
        blocks = blocks[1:]  # the header block
    cues = []
    for block in blocks:
        first = block[0][1]
        if re.match(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)", first):
            continue
        if "-->" in first:
            timing, rest = block[0], block[1:]
        elif len(block) > 1 and "-->" in block[1][1]:
            timing, rest = block[1], block[2:]
        else:
            problems.append(
                TranscriptProblem(
                    block[0][0],
                    "this block has no timing line (start --> end)",
                    "write the cue times as 00:01.000 --> 00:04.000 on the line before the text",
                    "audio-transcript-vtt",
                )
            )
            continue
        number, line = timing
        match = re.match(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s.*)?$", line)
        times = []
        for part in match.groups() if match else ():
            tm = _VTT_TIME.match(part)
            times.append(_seconds(tm, "m") if tm else None)
        if not match or None in times:
            bad = [p for p, t in zip(match.groups(), times, strict=True) if t is None] if match else [line.strip()]
            problems.append(
                TranscriptProblem(
                    number,
                    f"malformed WebVTT time stamp '{bad[0]}'",
                    "write times as mm:ss.ttt or hh:mm:ss.ttt, e.g. 00:01.500 --> 00:04.000",
                    "audio-transcript-stamp",
                )
            )
            continue
        cues.append(Cue(times[0], times[1], _vtt_text([text for _, text in rest]), number))
    return Transcript(cues, "vtt", problems)


def format_duration(seconds: float) -> str:
    """Human time for messages: 9.66 s (0:09.66), 1:02:03."""
    whole = int(seconds)
    h, m, s = whole // 3600, whole // 60 % 60, seconds - whole // 60 * 60
    clock = f"{h}:{m:02d}:{s:05.2f}" if h else f"{m}:{s:05.2f}"
    return f"{seconds:.2f} s ({clock})"


def check_transcript(transcript: Transcript, duration: float | None) -> list[TranscriptProblem]:
    """Parse problems, then stamps out of order, past the end of the audio, cue end before start."""
    problems = list(transcript.problems)
    if not any(cue.text.strip() for cue in transcript.cues):
        problems.append(
            TranscriptProblem(1, "the transcript is empty", "write what the narrator says", "audio-transcript-empty")
        )
    previous: tuple[int, float] | None = None  # line and start of the last stamped cue
    for cue in transcript.cues:
        start = cue.start
        if start is None:
            continue
        stamp = _vtt_stamp(start) if transcript.kind == "vtt" else _txt_stamp(start)
        if previous is not None and (start < previous[1] or (start == previous[1] and transcript.kind != "vtt")):
            prev = _vtt_stamp(previous[1]) if transcript.kind == "vtt" else _txt_stamp(previous[1])
            problems.append(
                TranscriptProblem(
                    cue.line,
                    f"time stamp {stamp} is not after the one on line {previous[0]} ({prev})",
                    "stamps must go forward in time; fix the typo or reorder the lines",
                    "audio-transcript-order",
                )
            )
        if duration is not None and start >= duration:
            problems.append(
                TranscriptProblem(
                    cue.line,
                    f"time stamp {stamp} is past the end of the audio, which is {format_duration(duration)} long",
                    "check the stamp, or whether this transcript belongs to another recording",
                    "audio-transcript-past-end",
                )
            )
        if cue.end is not None and cue.end <= start:
            problems.append(
                TranscriptProblem(
                    cue.line,
                    f"cue ends ({_vtt_stamp(cue.end)}) "
                    f"{'before' if cue.end < start else 'at the moment'} it starts ({stamp})",
                    "the time after --> must be later than the one before it",
                    "audio-transcript-order",
                )
            )
        previous = (cue.line, start)
    return problems


def _txt_stamp(seconds: float) -> str:
    whole = int(seconds)
    frac = seconds - whole
    tail = f"{frac:.3f}".lstrip("0").rstrip("0") if frac > 0.0005 else ""
    h, m, s = whole // 3600, whole // 60 % 60, whole % 60
    return f"[{h}:{m:02d}:{s:02d}{tail}]" if h else f"[{m}:{s:02d}{tail}]"


def _vtt_stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def cue_times(transcript: Transcript, duration: float | None) -> list[tuple[int, float, float]]:
    """(index in transcript.cues, start, end) of every cue that can be captioned.

    The end of a stamped .txt/.md line is the next later stamp, else the end of the audio
    (start + 10 s when the duration is unknown).  Ends are clamped to the audio; cues that
    start before an earlier one or would end at or before their start (stamps out of
    order, past the end) are left out, so the output stays valid even for a transcript
    with problems.
    """
    timed = [(i, cue, cue.start) for i, cue in enumerate(transcript.cues) if cue.start is not None]
    result: list[tuple[int, float, float]] = []
    for k, (index, cue, start) in enumerate(timed):
        if result and start < result[-1][1]:
            continue  # out of order: WebVTT cue starts must not go backwards
        if cue.end is not None:
            end = cue.end
        else:
            later = [other for _, _, other in timed[k + 1 :] if other > start]
            end = later[0] if later else (duration if duration is not None else start + 10.0)
        if duration is not None:
            end = min(end, duration)
        if round(end * 1000) > round(start * 1000):
            result.append((index, start, end))
    return result


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(transcript: Transcript, duration: float | None) -> str | None:
    """WebVTT captions, or None for a transcript without stamps (shown as text only).

    Cue identifiers are ``cue-{i}``, ``i`` being the index in ``transcript.cues``, so the
    page script can highlight the transcript paragraph of the active cue.
    """
    if not transcript.timed:
        return None
    out = ["WEBVTT", ""]
    for index, start, end in cue_times(transcript, duration):
        text = "\n".join(line.strip() for line in transcript.cues[index].text.split("\n") if line.strip())
        out += [f"cue-{index}", f"{_vtt_stamp(start)} --> {_vtt_stamp(end)}"]
        out += [_vtt_escape(text), ""] if text else [""]
    return "\n".join(out)


def transcript_data(transcript: Transcript, duration: float | None) -> list[dict]:
    """The transcript for the page (JSON-able): every cue with its caption times, if any."""
    times = {index: (start, end) for index, start, end in cue_times(transcript, duration)}
    return [
        {
            "id": f"cue-{i}",
            "start": times.get(i, (None, None))[0],
            "end": times.get(i, (None, None))[1],
            "text": cue.text,
            "line": cue.line,
        }
        for i, cue in enumerate(transcript.cues)
    ]
