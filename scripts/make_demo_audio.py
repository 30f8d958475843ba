"""Make the demo museum's narration: Vietnamese and English speech synthesised with espeak-ng.

Each sentence is spoken separately, so the transcript's [m:ss] stamps are exact; the clips
are joined with short pauses by sox and encoded to MP3 (mono, 48 kbit/s) by lame. Needs
`apt-get install espeak-ng sox lame` (build-time tools for this script only).

    .venv/bin/python scripts/make_demo_audio.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "audio"
PAUSE = 0.6  # seconds of silence between sentences

NARRATIONS = {
    "ngoc-lu.vi": ("vi", [
        "Trống đồng Ngọc Lũ là chiếc trống tiêu biểu nhất của văn hóa Đông Sơn.",
        "Trống được tìm thấy ở Như Trác, Lý Nhân, Hà Nam, vào khoảng năm 1893.",
        "Giữa mặt trống là ngôi sao mười bốn cánh, xung quanh là các vành hoa văn.",
        "Người xưa khắc cảnh giã gạo, nhà sàn, thuyền và những đàn chim bay.",
        "Năm 2012, trống được công nhận là bảo vật quốc gia.",
    ]),
    "ngoc-lu.en": ("en", [
        "The Ngoc Lu drum is the finest bronze drum of the Dong Son culture.",
        "It was found at Nhu Trac, in Ha Nam province, around 1893.",
        "A fourteen pointed star shines in the middle of its face, ringed by bands of decoration.",
        "Its makers carved people pounding rice, stilt houses, boats and flying birds.",
        "In 2012 it was recognised as a national treasure.",
    ]),
    "chu-dau.vi": ("vi", [
        "Gốm Chu Đậu là dòng gốm men lam nổi tiếng của xứ Đông, Hải Dương.",
        "Vào thế kỷ mười lăm, gốm Chu Đậu theo thuyền buôn đi khắp châu Á.",
        "Hoa văn vẽ tay bằng men xanh cô ban dưới lớp men trong.",
        "Nhiều bình gốm Chu Đậu nay được trưng bày ở các bảo tàng lớn trên thế giới.",
    ]),
}


def _say(language: str, text: str, wav: Path) -> None:
    subprocess.run(["espeak-ng", "-v", language, "-s", "150", "-w", str(wav), text], check=True)


def _seconds(wav: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True).stdout)


def make(name: str, language: str, sentences: list[str], work: Path) -> None:
    parts, stamps, clock = [], [], 0.0
    silence = work / "silence.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", str(silence), "trim", "0", str(PAUSE)], check=True)
    for index, sentence in enumerate(sentences):
        clip = work / f"{name}-{index}.wav"
        _say(language, sentence, clip)
        stamps.append((clock, sentence))
        parts += [clip, silence]
        clock += _seconds(clip) + PAUSE
    joined = work / f"{name}.wav"
    subprocess.run(["sox", *map(str, parts), "-r", "22050", "-c", "1", str(joined)], check=True)
    subprocess.run(["lame", "--quiet", "-m", "m", "-b", "48", "--noreplaygain", "-t", str(joined),
                    str(OUT / f"{name}.mp3")], check=True)
    lines = [f"[{int(start // 60)}:{int(start % 60):02d}] {text}" for start, text in stamps]
    (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, (language, sentences) in NARRATIONS.items():
            make(name, language, sentences, Path(folder))
            print(f"wrote assets/audio/{name}.mp3 and .txt")


if __name__ == "__main__":
    main()
