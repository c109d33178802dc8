"""URL slugs from Chinese titles, through pypinyin (its phrase dictionary reads 重庆 as chong-qing)."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 80
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    words = lazy_pinyin(text or "", style=Style.NORMAL, errors=lambda s: re.findall(r"[A-Za-z0-9]+", s))
    parts: list[str] = []
    for word in words:
        parts.extend(re.findall(r"[a-z0-9]+", word.lower()))
    slug = ""
    for part in parts:
        candidate = f"{slug}-{part}" if slug else part
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "item"


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_RE.match(slug or "")) and len(slug) <= 120


async def unique_slug(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3` ... whichever `taken(slug)` (an async predicate) says is free."""
    slug, n = base, 1
    while await taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug
