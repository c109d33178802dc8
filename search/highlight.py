"""HTML-safe snippets: everything is escaped, then matched terms are wrapped in <em>."""

from __future__ import annotations

import html
import re

from .analyzer import normalize

FRAGMENT_CHARS = 100
_LEAD = 20  # characters of context kept before the first match of a fragment
_MAX_MATCHES = 64


def snippets(text: str, terms: list[str], fragments: int = 2, width: int = FRAGMENT_CHARS) -> list[str]:
    """Up to `fragments` windows of about `width` characters of `text` around the query
    `terms` (normalised, longest first). Without a match: the start of the text."""
    if not text:
        return []
    norm = normalize(text)
    if len(norm) != len(text):  # offsets would not line up: show the normalised text
        text = norm
    matches = _find(norm, terms)
    if not matches:
        return [_render(text, 0, min(len(text), width), [])]
    windows: list[tuple[int, int]] = []
    for _ in range(fragments):
        best = _best_window(norm, matches, windows, width)
        if best is None:
            break
        windows.append(best)
    windows.sort()
    return [_render(text, a, b, matches) for a, b in windows]


def _find(norm: str, terms: list[str]) -> list[tuple[int, int]]:
    terms = [t for t in terms if t]
    if not terms:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    found = []
    for m in pattern.finditer(norm):
        found.append((m.start(), m.end()))
        if len(found) >= _MAX_MATCHES:
            break
    return found


def _best_window(norm: str, matches: list[tuple[int, int]], taken: list[tuple[int, int]], width: int) -> tuple[int, int] | None:
    best, best_score = None, 0.0
    for s, _ in matches:
        a = max(0, min(s - _LEAD, len(norm) - width))
        b = min(len(norm), a + width)
        if any(a < tb and ta < b for ta, tb in taken):
            continue
        inside = [norm[ms:me] for ms, me in matches if a <= ms and me <= b]
        score = len(set(inside)) + 0.01 * len(inside)
        if score > best_score:
            best, best_score = (a, b), score
    return best


def _render(text: str, a: int, b: int, matches: list[tuple[int, int]]) -> str:
    out = ["…"] if a > 0 else []
    pos = a
    for ms, me in matches:
        if ms < pos or me > b:
            continue
        out.append(html.escape(text[pos:ms]))
        out.append(f"<em>{html.escape(text[ms:me])}</em>")
        pos = me
    out.append(html.escape(text[pos:b]))
    if b < len(text):
        out.append("…")
    # Adjacent terms (代表 + 建议) read as one mark; escaped text never contains "</em><em>".
    return "".join(out).replace("</em><em>", "")
