"""Media in rich text bodies: editors insert the URL of a library asset (any URL the API gave them:
public, signed or presigned, of the original or of a rendition) into `<img src>` or `<a href>`.

Storage keys are named by content hash (`assets/ab/<sha256>.jpg`, renditions under
`renditions/<key>/<name>.<ext>`), so the key inside such a URL identifies the asset whatever the
host, the backend prefix (`/media/`, `public/`, `private/`) or the signature. On save, each link
is resolved to its asset (unknown keys are refused) and stored in its canonical form, the public
URL of the key; on read, links are rewritten for the reader: the public URL while the asset is
public, a short-lived signed URL for readers of unpublished content.

Bodies are matched after sanitizing (resolvers/sanitize.py): nh3 writes every attribute as
`name="value"` with `<`, `>` and `"` escaped, so a tag ends at the first `>` and text never holds one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from models.media import MediaAsset

_TAG = re.compile(r"<(img|a)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'(\s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')
_LINK_ATTR = {"img": "src", "a": "href"}
# An original key, or a rendition key made from one, at the end of a URL path.
_KEY = re.compile(
    r"(?:^|/)((?:renditions/)?(assets/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{2,5})(?:/([a-z_]+)\.([a-z0-9]{2,5}))?)$")
_MARKER = re.compile(r"/assets/[0-9a-f]{2}/[0-9a-f]{64}\.")


@dataclass
class Link:
    """A media link in a body: the attribute value's span, and the storage keys it names."""

    tag: str  # img | a
    start: int  # of the attribute value (escaped) in the body
    end: int
    key: str  # the key in the URL: the original's or a rendition's
    original_key: str
    rendition: str | None  # e.g. "large" for renditions/<key>/large.jpg
    has_alt: bool
    has_caption: bool = False  # inside a <figure> whose <figcaption> has text


# From the end of an <img> tag to the end of its figure: a caption there belongs to it.
_FIGURE_REST = re.compile(r"(?is)(.*?)</figure>")
_FIGCAPTION = re.compile(r"(?is)<figcaption[^>]*>(.*?)</figcaption>")
_ANY_TAG = re.compile(r"<[^>]*>")


def _in_captioned_figure(body: str, tag: re.Match) -> bool:
    opened = body.rfind("<figure", 0, tag.start())
    if opened < 0 or body.rfind("</figure>", 0, tag.start()) > opened:
        return False
    rest = _FIGURE_REST.match(body, tag.end())
    if rest is None or "<figure" in rest.group(1).lower():
        return False
    caption = _FIGCAPTION.search(rest.group(1))
    return caption is not None and bool(html.unescape(_ANY_TAG.sub("", caption.group(1))).strip())


def key_in_url(url: str) -> tuple[str, str, str | None] | None:
    """(key, original key, rendition name) of a media URL of ours, or None."""
    try:
        path = unquote(urlsplit(url.strip()).path)
    except ValueError:
        return None
    match = _KEY.search(path)
    if match is None:
        return None
    key, original, rendition, _ = match.groups()
    if key.startswith("renditions/") != (rendition is not None):
        return None  # assets/<key>/large.jpg or renditions/<key> alone: not a key we make
    return key, original, rendition


def find_links(body: str) -> list[Link]:
    """Media links of a sanitized body, in order."""
    if not body or not _MARKER.search(body):
        return []
    links = []
    for tag in _TAG.finditer(body):
        name = tag.group(1).lower()
        attributes = {m.group(2).lower(): m for m in _ATTR.finditer(tag.group(2))}
        found = attributes.get(_LINK_ATTR[name])
        if found is None:
            continue
        parsed = key_in_url(html.unescape(found.group(3)))
        if parsed is None:
            continue
        alt = attributes.get("alt")
        offset = tag.start(2)
        links.append(Link(tag=name, start=offset + found.start(3), end=offset + found.end(3), key=parsed[0],
                          original_key=parsed[1], rendition=parsed[2],
                          has_alt=alt is not None and bool(html.unescape(alt.group(3)).strip()),
                          has_caption=name == "img" and _in_captioned_figure(body, tag)))
    return links


async def assets_of(links: list[Link]) -> dict[str, MediaAsset]:
    """The assets the links name, by original storage key (missing ones absent)."""
    keys = sorted({link.original_key for link in links})
    if not keys:
        return {}
    return {a.storage_key: a for a in await MediaAsset.filter(storage_key__in=keys)}


def replace_links(body: str, links: list[Link], new_values: list[str | None]) -> str:
    """The body with each link's URL replaced (None leaves it), values given unescaped."""
    out, last = [], 0
    for link, value in zip(links, new_values, strict=True):
        if value is None:
            continue
        out.append(body[last:link.start])
        out.append(html.escape(value, quote=True))
        last = link.end
    out.append(body[last:])
    return "".join(out)


RENDITION_NAMES = frozenset({"thumb", "medium", "large", "wechat_cover", "square"})


async def canonicalize(body: str, public_url: Callable[[str], str]) -> tuple[str, set[int], list[str]]:
    """Resolve the media links of a sanitized body: (body with canonical URLs, asset ids, unknown URLs).

    `public_url(key)` is the storage's public URL of a key, the form links are stored in.
    """
    links = find_links(body)
    if not links:
        return body, set(), []
    assets = await assets_of(links)
    unknown, ids, values = [], set(), []
    for link in links:
        asset = assets.get(link.original_key)
        if asset is None or (link.rendition is not None and (
                link.rendition not in RENDITION_NAMES or asset.kind != "IMAGE")):
            unknown.append(link.key)
            values.append(None)
            continue
        ids.add(asset.id)
        values.append(public_url(link.key))
    return replace_links(body, links, values), ids, unknown


async def render(body: str, url_for: Callable[[MediaAsset, str], Awaitable[str | None]],
                 load: Callable[[list[str]], Awaitable[list[MediaAsset | None]]] | None = None) -> str:
    """The body with media links rewritten by `url_for(asset, key)`; images without alt get the asset's.

    `load(original keys)` fetches the assets (a per-request dataloader, so a page of articles costs one
    query); a link whose asset is gone or hidden (`url_for` gives None) loses its URL rather than
    pointing anywhere.
    """
    links = find_links(body)
    if not links:
        return body
    if load is None:
        assets = await assets_of(links)
    else:
        keys = sorted({link.original_key for link in links})
        assets = {a.storage_key: a for a in await load(keys) if a is not None}
    values: list[str | None] = []
    for link in links:
        asset = assets.get(link.original_key)
        values.append((await url_for(asset, link.key) if asset is not None else None) or "")
    rendered = replace_links(body, links, values)
    return _fill_alt(rendered, assets) if any(link.tag == "img" and not link.has_alt for link in links) else rendered


def _fill_alt(body: str, assets: dict[str, MediaAsset]) -> str:
    def fill(tag: re.Match) -> str:
        if tag.group(1).lower() != "img":
            return tag.group(0)
        inner = tag.group(2)
        attributes = {m.group(2).lower(): m for m in _ATTR.finditer(inner)}
        alt = attributes.get("alt")
        if alt is not None and html.unescape(alt.group(3)).strip():
            return tag.group(0)
        src = attributes.get("src")
        parsed = key_in_url(html.unescape(src.group(3))) if src is not None else None
        asset = assets.get(parsed[1]) if parsed else None
        if asset is None or not asset.alt_text:
            return tag.group(0)
        text = html.escape(asset.alt_text, quote=True)
        inner = inner[:alt.start(3)] + text + inner[alt.end(3):] if alt is not None else f'{inner} alt="{text}"'
        return f"<{tag.group(1)}{inner}>"

    return _TAG.sub(fill, body)
