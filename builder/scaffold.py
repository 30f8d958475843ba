"""`disan new`: a small museum that builds at once and shows every kind of page."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

FILES = {
    "site.toml": """title = "Bảo tàng mới"
description = "Bảo tàng số làm bằng disan."
base_url = "https://museum.example.vn/"
languages = ["vi", "en"]
theme = "default"
license = "CC BY-SA 4.0"

[i18n.en]
title = "New museum"
description = "A digital museum made with disan."
""",
    "content/index.md": """---
title: Bảo tàng mới
summary: Chào mừng đến với bảo tàng số.
---
Sửa tệp `content/index.md` để viết lời chào của bảo tàng.
""",
    "content/index.en.md": """---
title: New museum
summary: Welcome to the digital museum.
---
Edit `content/index.en.md` to write the museum's welcome.
""",
    "content/about.md": """---
title: Giới thiệu
---
Viết về bảo tàng ở đây.
""",
    "content/collections/chinh.md": """---
title: Sưu tập chính
summary: Các hiện vật tiêu biểu.
---
""",
    "content/collections/chinh.en.md": """---
title: Main collection
summary: Highlights of the museum.
---
""",
    "content/exhibits/hien-vat-mau.md": """---
id: HV01
title: Hiện vật mẫu
summary: Một hiện vật để bắt đầu.
category: Hiện vật
material: Gốm
collection: chinh
images:
  - src: assets/images/hien-vat-mau.jpg
    alt: Hình minh hoạ một chiếc bình gốm màu nâu trên nền sáng
    caption: Hình minh hoạ
---
Mô tả hiện vật bằng Markdown.
""",
    "content/exhibits/hien-vat-mau.en.md": """---
title: Sample object
summary: An object to start with.
category: Object
material: Ceramic
images:
  - src: assets/images/hien-vat-mau.jpg
    alt: Drawing of a brown ceramic vase on a light background
    caption: Illustration
---
Describe the object in Markdown.
""",
}


def scaffold(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty; choose a new folder name")
    for name, text in FILES.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    image_path = directory / "assets" / "images" / "hien-vat-mau.jpg"
    image_path.parent.mkdir(parents=True, exist_ok=True)
    _sample_image().save(image_path, "JPEG", quality=85)


def _sample_image() -> Image.Image:
    """A drawn vase, so a new museum has a real picture without shipping a photograph."""
    image = Image.new("RGB", (1200, 900), (238, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.ellipse((420, 250, 780, 780), fill=(139, 90, 43))
    draw.rectangle((530, 150, 670, 330), fill=(139, 90, 43))
    draw.ellipse((500, 120, 700, 180), fill=(110, 70, 35))
    for y in (420, 480, 540):
        draw.arc((440, y - 60, 760, y + 60), 20, 160, fill=(230, 200, 150), width=8)
    return image
