"""The site's Content-Security-Policy ladder: every page gets the least its content needs.

Level 0 is a plain page, which may register the site's service worker (`/sw.js`, same origin:
`worker-src 'self'`); level 1 a page with a WebGL viewer (tiles decoded into blob: URLs,
styles set from script, workers); level 2 a page that may show a 3D model (WebAssembly
decoders, textures from blob: URLs), which the search page also takes for Pagefind's WebAssembly.
Features say which level their pages need and may tighten a level's text (the 3D viewer's one
fixed <style> is allowed by its hash). Forms may send to the site itself: the header's search
box is a plain GET form to /search/.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'"
)
VIEWER_CSP = PAGE_CSP.replace("img-src 'self' data:", "img-src 'self' data: blob:").replace(
    "worker-src 'self'", "worker-src 'self' blob:"
)
MODEL_CSP = VIEWER_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'").replace(
    "connect-src 'self'", "connect-src 'self' blob:"
)
PAGE, VIEWER, MODEL = 0, 1, 2
LADDER: tuple[str, ...] = (PAGE_CSP, VIEWER_CSP, MODEL_CSP)


def with_style_hashes(policy: str, bundle: Path) -> str:
    """Allow a script bundle's fixed <style> blocks by their hashes, keeping 'unsafe-inline' out."""
    blocks = re.findall(r"<style>(.*?)</style>", bundle.read_text(encoding="utf-8"), re.S)
    hashes = [base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in blocks if "${" not in b]
    return policy.replace("style-src 'self'", " ".join(["style-src 'self'"] + [f"'sha256-{h}'" for h in hashes]))
