"""The words a catalogue's closed fields take, and the lenient reading that maps what curators
type (with or without accents, in English, with the old labels) to the one canonical word.

Relic types and rankings follow the Law on Cultural Heritage; intangible heritage types are the
six of Article 10 of the 2024 Law on Cultural Heritage (Luật Di sản văn hóa 2024, in force from
1 July 2025). The seven types of Decree 98/2010/NĐ-CP, used in inventories before 2025, are
accepted and mapped: "tiếng nói, chữ viết" and "ngữ văn dân gian" both became "biểu đạt và
truyền thống truyền khẩu", "tập quán xã hội" became "tập quán xã hội và tín ngưỡng".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ..diagnostics import did_you_mean
from ..urls import suggest_slug


@lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """Lower case, no accents, đ → d, single spaces: 'Kiến trúc - Nghệ thuật' → 'kien truc nghe thuat'."""
    return " ".join(suggest_slug(value).split("-")) if value.strip() else ""


@dataclass
class Vocabulary:
    """A closed list of canonical words, each with the other spellings it accepts."""

    name: str  # what a curator calls the field, in messages
    words: Mapping[str, tuple[str, ...]]  # canonical word → other spellings
    prefixes: tuple[str, ...] = ()  # words a curator may put in front, like 'di tích'
    accepted: dict[str, str] = field(init=False, repr=False, compare=False)  # folded spelling → word

    def __post_init__(self) -> None:
        accepted = {fold(word): word for word in self.words}
        accepted.update({fold(other): word for word, others in self.words.items() for other in others})
        self.accepted = accepted

    def canonical(self, value: str) -> str | None:
        folded = fold(value)
        for prefix in ("", *self.prefixes):
            if folded.startswith(prefix) and (word := self.accepted.get(folded[len(prefix) :].strip())):
                return word
        return None

    def hint(self, value: str) -> str:
        close = did_you_mean(fold(value), self.accepted)
        word = self.canonical(close.split("'")[1]) if close else None
        listed = "; ".join(self.words)
        return f"did you mean '{word}'? {self.name} is one of: {listed}" if word else f"{self.name} is one of: {listed}"

    def key(self, word: str) -> str:
        """The i18n key of a canonical word's label: relic_type_lich_su."""
        return f"{self.name.replace(' ', '_')}_{suggest_slug(word).replace('-', '_')}"


RELIC_TYPES = Vocabulary(
    "relic type",
    {
        "lịch sử": ("historical", "history", "historic"),
        "kiến trúc nghệ thuật": ("architectural", "architecture", "architectural and artistic", "art architecture"),
        "khảo cổ": ("archaeological", "archaeology", "archeological"),
        "danh lam thắng cảnh": ("scenic", "scenic spot", "scenic landscape", "landscape", "thang canh"),
        "hỗn hợp": ("mixed", "hon hop"),
    },
    prefixes=("di tich", "relic"),
)
RANKINGS = Vocabulary(
    "ranking",
    {
        "cấp tỉnh": ("tinh", "provincial", "province", "di tich cap tinh"),
        "quốc gia": ("cap quoc gia", "national", "di tich quoc gia"),
        "quốc gia đặc biệt": ("cap quoc gia dac biet", "special national", "special", "dac biet"),
    },
)
HERITAGE_TYPES = Vocabulary(
    "heritage type",
    {
        "biểu đạt và truyền thống truyền khẩu": (
            "oral traditions and expressions",
            "oral tradition",
            "tiếng nói, chữ viết",
            "tieng noi chu viet",
            "ngữ văn dân gian",
            "folk literature",
            "language and script",
        ),
        "nghệ thuật trình diễn dân gian": ("performing arts", "folk performing arts"),
        "tập quán xã hội và tín ngưỡng": ("social practices and beliefs", "social practices", "tập quán xã hội"),
        "lễ hội truyền thống": ("traditional festival", "traditional festivals", "festival"),
        "tri thức dân gian": ("folk knowledge", "traditional knowledge"),
        "nghề thủ công truyền thống": ("traditional craftsmanship", "traditional crafts", "craft", "handicraft"),
    },
)
SEPARATORS = re.compile(r"[,;/+]|\s+và\s+(?=(?:di tích\s+)?(?:lịch sử|khảo cổ|danh lam|kiến trúc))")


def split_words(value: str) -> list[str]:
    """The parts of a set-valued cell: 'Lịch sử; Kiến trúc nghệ thuật' → two parts."""
    return [part.strip() for part in SEPARATORS.split(unicodedata.normalize("NFC", value)) if part.strip()]


def canonical_set(vocabulary: Vocabulary, values: Iterable[str]) -> tuple[str, ...]:
    """Known words in the vocabulary's order, each once; unknown ones are left to validation."""
    found = {word for value in values if (word := vocabulary.canonical(value))}
    return tuple(word for word in vocabulary.words if word in found)
