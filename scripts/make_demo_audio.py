"""Make the demo museum's narration: Vietnamese and English speech synthesised with espeak-ng.

Each sentence is spoken separately, so the transcript's [m:ss] stamps are exact; the clips
are joined with short pauses by sox and encoded to MP3 (mono, 48 kbit/s; 32 kbit/s for the
longer tour narration) by lame. Needs `apt-get install espeak-ng sox lame` (build-time tools
for this script only).

The guided tour of tours/bao-tang/ is told in stops that start at fixed seconds in both
languages (silence fills the gap), so the one list of cues in tours/bao-tang/tour.md fits the
Vietnamese and the English recording alike.

    .venv/bin/python scripts/make_demo_audio.py
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "audio"
PAUSE = 0.6  # seconds of silence between sentences

NARRATIONS = {
    "ngoc-lu.vi": (
        "vi",
        [
            "Trống đồng Ngọc Lũ là chiếc trống tiêu biểu nhất của văn hóa Đông Sơn.",
            "Trống được tìm thấy ở Như Trác, Lý Nhân, Hà Nam, vào khoảng năm 1893.",
            "Giữa mặt trống là ngôi sao mười bốn cánh, xung quanh là các vành hoa văn.",
            "Người xưa khắc cảnh giã gạo, nhà sàn, thuyền và những đàn chim bay.",
            "Năm 2012, trống được công nhận là bảo vật quốc gia.",
        ],
    ),
    "ngoc-lu.en": (
        "en",
        [
            "The Ngoc Lu drum is the finest bronze drum of the Dong Son culture.",
            "It was found at Nhu Trac, in Ha Nam province, around 1893.",
            "A fourteen pointed star shines in the middle of its face, ringed by bands of decoration.",
            "Its makers carved people pounding rice, stilt houses, boats and flying birds.",
            "In 2012 it was recognised as a national treasure.",
        ],
    ),
    "chu-dau.vi": (
        "vi",
        [
            "Gốm Chu Đậu là dòng gốm men lam nổi tiếng của xứ Đông, Hải Dương.",
            "Vào thế kỷ mười lăm, gốm Chu Đậu theo thuyền buôn đi khắp châu Á.",
            "Hoa văn vẽ tay bằng men xanh cô ban dưới lớp men trong.",
            "Nhiều bình gốm Chu Đậu nay được trưng bày ở các bảo tàng lớn trên thế giới.",
        ],
    ),
    "phong-dong-son.vi": (
        "vi",
        [
            "Đây là phòng trưng bày văn hóa Đông Sơn.",
            "Bên trái là trống đồng Ngọc Lũ, bên phải là trống đồng Hoàng Hạ.",
            "Thạp đồng Đào Thịnh đứng sát tường bên trái.",
            "Cửa bên phải dẫn sang phòng cung đình và gốm sứ.",
        ],
    ),
}

# The guided tour: (second the stop starts, Vietnamese, English). Each start is a cue `at:` in
# tours/bao-tang/tour.md; make() fails if a stop runs into the next one.
TOUR_STOPS = [
    (
        0,
        [
            "Chào mừng bạn đến Bảo tàng số Di Sản.",
            "Chúng ta đang đứng ở sân trước lát đá, trước tòa nhà chính mái ngói.",
        ],
        [
            "Welcome to the Di San Digital Museum.",
            "We are standing in the stone paved forecourt, before the main building and its tiled roof.",
        ],
    ),
    (
        11,
        ["Hãy nhìn lên mái: bốn mái dốc lợp ngói mũi hài, giữa bờ nóc có một hạt châu."],
        ["Look up at the roof: four slopes of fish scale tiles, with a pearl in the middle of the ridge."],
    ),
    (
        18,
        ["Bước qua cửa son đỏ, ta vào phòng Văn hóa Đông Sơn."],
        ["Through the red lacquered door, we enter the Dong Son culture gallery."],
    ),
    (
        24,
        ["Bên trái là trống đồng Ngọc Lũ, chiếc trống tiêu biểu nhất của văn hóa Đông Sơn."],
        ["On the left stands the Ngoc Lu drum, the finest bronze drum of the Dong Son culture."],
    ),
    (
        31,
        ["Sang phòng Cung đình và gốm sứ, bình gốm hoa lam Chu Đậu đứng trong tủ kính bên trái."],
        [
            "In the royal court and ceramics gallery, the Chu Dau blue and white vase stands in a glass case "
            "on the left."
        ],
    ),
    (
        40,
        ["Bên phải là ấn vàng Hoàng đế chi bảo, đúc năm 1823 dưới triều Nguyễn.", "Cảm ơn bạn đã tham quan."],
        [
            "On the right lies the golden seal of the emperors, cast in 1823 under the Nguyen dynasty.",
            "Thank you for visiting.",
        ],
    ),
]
TOUR_NARRATIONS = {
    "bao-tang.vi": ("vi", [(start, vi) for start, vi, _ in TOUR_STOPS]),
    "bao-tang.en": ("en", [(start, en) for start, _, en in TOUR_STOPS]),
}


def _say(language: str, text: str, wav: Path) -> None:
    subprocess.run(["espeak-ng", "-v", language, "-s", "150", "-w", str(wav), text], check=True)


def _seconds(wav: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True).stdout)


def _silence(path: Path, seconds: float) -> Path:
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", str(path), "trim", "0", f"{seconds:.6f}"], check=True)
    return path


def make(name: str, language: str, stops: list[tuple[float | None, list[str]]], work: Path, kbps: int = 48) -> None:
    """Speak each stop's sentences; a stop with a start second begins exactly then."""
    parts, stamps, clock = [], [], 0.0
    silence = _silence(work / "silence.wav", PAUSE)
    index = 0
    for start, sentences in stops:
        if start is not None:
            if clock > start + 1e-6:
                raise SystemExit(f"{name}: the stop at {start} s starts at {clock:.2f} s; move it later")
            if start - clock > 1e-6:
                parts.append(_silence(work / f"{name}-gap-{start}.wav", start - clock))
                clock = float(start)
        for sentence in sentences:
            clip = work / f"{name}-{index}.wav"
            index += 1
            _say(language, sentence, clip)
            stamps.append((clock, sentence))
            parts += [clip, silence]
            clock += _seconds(clip) + PAUSE
    joined = work / f"{name}.wav"
    subprocess.run(["sox", *map(str, parts), "-r", "22050", "-c", "1", str(joined)], check=True)
    subprocess.run(
        ["lame", "--quiet", "-m", "m", "-b", str(kbps), "--noreplaygain", "-t", str(joined), str(OUT / f"{name}.mp3")],
        check=True,
    )
    lines = [f"[{int(start // 60)}:{int(start % 60):02d}] {text}" for start, text in stamps]
    (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, (language, sentences) in NARRATIONS.items():
            make(name, language, [(None, sentences)], Path(folder))
            print(f"wrote assets/audio/{name}.mp3 and .txt")
        for name, (language, stops) in TOUR_NARRATIONS.items():
            make(name, language, stops, Path(folder), kbps=32)
            print(f"wrote assets/audio/{name}.mp3 and .txt (cues at {', '.join(_clock(s) for s, _ in stops)})")


def _clock(seconds: float) -> str:
    return f"{math.floor(seconds) // 60}:{math.floor(seconds) % 60:02d}"


if __name__ == "__main__":
    main()
