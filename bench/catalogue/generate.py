"""The province-sized catalogue the benchmark builds: seeded, so every run writes the same bytes.

Relics (di tích) of one province after the 2025 merger, with Vietnamese names, types, rankings,
decisions and, for about 60% of them, coordinates; museum objects (hiện vật) with inventory
numbers, periods and materials. Written as CSV (UTF-8) and as .xlsx, plus the same records as
JSON for Hugo.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

SEED = 20261207
RELIC_COLUMNS = (
    "row_id name_vi name_en type ranking decision_no decision_date province_2025 commune "
    "location_as_listed latitude longitude period summary_vi summary_en"
).split()
OBJECT_COLUMNS = "stt inv_no name_vi name_en category period material dimensions origin summary_vi summary_en".split()

SYLLABLES = (
    "An Bình Cát Châu Chính Cổ Đại Điền Đoài Đông Đồng Gia Giang Hà Hải Hòa Hồng Hưng Hương Khánh "
    "Kim Lạc Lâm Liên Long Lộc Mỹ Nam Nghĩa Ngọc Nhân Ninh Phong Phú Phúc Quang Quảng Sơn Tân Thái "
    "Thanh Thành Thịnh Thọ Thượng Tiến Trung Trường Tú Văn Vân Vĩnh Xuân Yên Ý Đức Lý Mậu Khê"
).split()
RELIC_KINDS = (
    ("Đình", "communal house", "kiến trúc nghệ thuật"),
    ("Đền", "temple", "lịch sử"),
    ("Chùa", "pagoda", "kiến trúc nghệ thuật; lịch sử"),
    ("Miếu", "shrine", "lịch sử"),
    ("Nhà thờ họ", "ancestral hall of the clan", "lịch sử"),
    ("Phủ", "palace shrine", "kiến trúc nghệ thuật"),
    ("Văn chỉ", "Confucian shrine", "lịch sử"),
    ("Động", "grotto", "danh lam thắng cảnh"),
    ("Núi", "mountain", "danh lam thắng cảnh"),
    ("Di chỉ khảo cổ", "archaeological site", "khảo cổ"),
    ("Hang", "cave", "khảo cổ; danh lam thắng cảnh"),
    ("Quần thể", "complex", "hỗn hợp"),
)
CLANS = "Nguyễn Trần Lê Phạm Hoàng Vũ Đinh Đỗ Bùi Đặng Ngô Dương Lã Tạ".split()
RANKINGS = ("cấp tỉnh",) * 17 + ("quốc gia",) * 4 + ("quốc gia đặc biệt",)
PERIODS = (
    "Văn hóa Đông Sơn",
    "Thời Đinh – Tiền Lê",
    "Thời Lý",
    "Thời Trần",
    "Thời Lê sơ",
    "Thời Lê trung hưng",
    "Thời Nguyễn",
    "Thế kỷ XVII",
    "Thế kỷ XIX",
    "Thế kỷ XX",
)
OBJECTS = (
    ("Trống đồng", "bronze drum", "Đồng"),
    ("Thạp đồng", "bronze jar", "Đồng"),
    ("Bát gốm hoa lam", "blue-and-white bowl", "Gốm"),
    ("Chum sành", "stoneware jar", "Sành"),
    ("Tượng Phật", "Buddha statue", "Gỗ sơn thếp"),
    ("Sắc phong", "royal decree", "Giấy dó"),
    ("Ấn triện", "seal", "Đồng"),
    ("Lư hương", "incense burner", "Đồng"),
    ("Rìu đá", "stone axe", "Đá"),
    ("Mũi giáo", "spearhead", "Đồng"),
    ("Khay trầu", "betel tray", "Gỗ khảm xà cừ"),
    ("Hoành phi", "lacquered board", "Gỗ sơn son thếp vàng"),
    ("Gạch chạm rồng", "dragon-carved brick", "Đất nung"),
    ("Đĩa men ngọc", "celadon dish", "Gốm"),
)
CATEGORIES = ("hiện vật", "cổ vật", "tài liệu", "bảo vật quốc gia")
FILLER_VI = (
    "được nhân dân trong vùng gìn giữ qua nhiều thế hệ, gắn với lễ hội làng hằng năm và những "
    "truyền thuyết về người có công khai khẩn, chống giặc ngoại xâm; kiến trúc còn giữ nhiều mảng "
    "chạm khắc gỗ tinh xảo đề tài tứ linh, tứ quý"
).split()
FILLER_EN = (
    "kept by the villagers over many generations, tied to the yearly village festival and to legends "
    "of founders who cleared the land and fought invaders; its wooden carvings of the four sacred "
    "animals and four seasons are finely kept"
).split()


def _place(rng: random.Random) -> str:
    return " ".join(rng.sample(SYLLABLES, 2))


def _words(rng: random.Random, pool: list[str], count: int) -> str:
    start = rng.randrange(len(pool))
    return " ".join(pool[(start + i) % len(pool)] for i in range(count))


def relic_rows(count: int, seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)
    communes = sorted({_place(rng) for _ in range(140)})
    rows = []
    for number in range(1, count + 1):
        kind_vi, kind_en, types = rng.choice(RELIC_KINDS)
        place = _place(rng)
        name_vi = f"{kind_vi} {rng.choice(CLANS)} tộc {place}" if kind_vi == "Nhà thờ họ" else f"{kind_vi} {place}"
        name_en = f"{place} {kind_en}"
        commune = rng.choice(communes)
        located = rng.random() < 0.6
        year = rng.randint(1962, 2024)
        rows.append(
            {
                "row_id": str(number),
                "name_vi": name_vi,
                "name_en": name_en,
                "type": types,
                "ranking": rng.choice(RANKINGS),
                "decision_no": f"{rng.randint(1, 3999)}/QĐ-UBND",
                "decision_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "province_2025": "Ninh Bình",
                "commune": f"xã {commune}",
                "location_as_listed": f"thôn {_place(rng)}, xã {commune}, tỉnh Ninh Bình",
                "latitude": f"{rng.uniform(19.95, 20.60):.5f}" if located else "",
                "longitude": f"{rng.uniform(105.60, 106.45):.5f}" if located else "",
                "period": rng.choice(PERIODS),
                "summary_vi": f"{name_vi} ở xã {commune} {_words(rng, FILLER_VI, rng.randint(18, 40))}.",
                "summary_en": f"The {name_en}, in {commune} commune, {_words(rng, FILLER_EN, rng.randint(18, 40))}.",
            }
        )
    return rows


def object_rows(count: int, seed: int = SEED + 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for number in range(1, count + 1):
        name, name_en, material = rng.choice(OBJECTS)
        place = _place(rng)
        period = rng.choice(PERIODS)
        rows.append(
            {
                "stt": str(number),
                "inv_no": f"BTNB.{number:05d}",
                "name_vi": f"{name} {place}",
                "name_en": f"{place} {name_en}",
                "category": rng.choice(CATEGORIES),
                "period": period,
                "material": material,
                "dimensions": f"Cao {rng.randint(5, 120)} cm, rộng {rng.randint(3, 80)} cm",
                "origin": f"Làng {place}",
                "summary_vi": f"{name} tìm thấy ở làng {place}, {period.lower()}, {_words(rng, FILLER_VI, 16)}.",
                "summary_en": f"A {name_en} found at {place} village, {_words(rng, FILLER_EN, 16)}.",
            }
        )
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)


def write_xlsx(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Numbers as numbers, as a curator's workbook holds them (disan's own stdlib writer)."""
    from builder.catalogue.workbook import write_workbook

    write_workbook(path, "Sheet1", [columns, *([_cell(row[column]) for column in columns] for row in rows)])


def _cell(value: str) -> str | float | int:
    if value.isdigit():
        return int(value)
    try:
        return float(value) if value[:1].isdigit() and "." in value else value
    except ValueError:
        return value


def write_json(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
