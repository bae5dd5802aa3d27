"""Screenshot thumbnails as data URIs, so report.html stays one self-contained file.

A 1280x900 viewport screenshot is scaled to ``WIDTH`` pixels and re-encoded as a modest JPEG:
about 20-35 KB each, so a 50-account report carries well under 2 MB of images.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

WIDTH = 560
QUALITY = 62
MAX_SOURCE_BYTES = 20 * 1024 * 1024  # a screenshot larger than this is not one we wrote


def resolve(out_dir: Path, rel: str | None) -> Path | None:
    """The screenshot file for a path relative to the output directory, never outside it."""
    if not rel:
        return None
    base = out_dir.resolve()
    path = (base / rel).resolve()
    if base not in path.parents or not path.is_file():
        return None
    return path


def thumbnail(path: Path, width: int = WIDTH, quality: int = QUALITY) -> tuple[str, int, int] | None:
    """(data URI, width, height) of a JPEG thumbnail of ``path``; None if it is not a readable image."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        with Image.open(path) as im:
            if im.format == "JPEG":  # let the decoder scale down (1/2, 1/4 ...): far cheaper than decode + resize
                im.draft("RGB", (width, im.height * width // max(1, im.width)))
            im = im.convert("RGB")
            if im.width > width:
                im = im.resize((width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS,
                               reducing_gap=2.0)
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
            w, h = im.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii"), w, h
