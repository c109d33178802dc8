"""Renditions are derived images cached in the same storage as their original, under
`renditions/<original key>/<name>.<ext>`. Original keys are treated as immutable (the app names
originals by content hash); replacing the bytes of a key requires `delete_renditions` first.

Fit renditions never upscale: a small original yields a rendition of its own size. Crop renditions
(WECHAT_COVER, SQUARE) always have their exact size, because the WeChat cover slot and square
tiles do not tolerate other sizes; a small original is scaled up to cover the box, then
center-cropped, rather than padded with bars."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath
from typing import Literal, NamedTuple

from PIL import Image, ImageOps

from media.storage import Storage, validate_key

OutputFormat = Literal["jpeg", "webp", "png"]

_CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}
_EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "png": "png"}
_PIL_FORMATS = {"jpeg": "JPEG", "webp": "WEBP", "png": "PNG"}
RENDITIONS_PREFIX = "renditions/"


@dataclass(frozen=True, slots=True)
class RenditionSpec:
    width: int
    height: int
    crop: bool
    """True: exactly width x height, center crop. False: fit inside the box, keeping proportions."""


class Rendition(Enum):
    THUMB = RenditionSpec(320, 320, crop=False)
    MEDIUM = RenditionSpec(800, 800, crop=False)
    LARGE = RenditionSpec(1600, 1600, crop=False)
    WECHAT_COVER = RenditionSpec(900, 383, crop=True)
    """The WeChat official account article cover (公众号封面), 2.35:1."""
    SQUARE = RenditionSpec(600, 600, crop=True)


class Rendered(NamedTuple):
    data: bytes
    content_type: str
    width: int
    height: int


def default_format(original_key: str) -> OutputFormat:
    """The output format when none is asked for, from the original's (app-chosen) extension:
    PNG and GIF originals (screenshots, diagrams, transparency) stay lossless PNG, WebP stays WebP,
    everything else becomes JPEG."""
    suffix = PurePosixPath(original_key).suffix.lower()
    if suffix in (".png", ".gif"):
        return "png"
    if suffix == ".webp":
        return "webp"
    return "jpeg"


def rendition_key(original_key: str, rendition: Rendition, fmt: OutputFormat | None = None) -> str:
    """The storage key of a rendition: `renditions/<original key>/<name>.<ext>`."""
    validate_key(original_key)
    fmt = fmt or default_format(original_key)
    return f"{RENDITIONS_PREFIX}{original_key}/{rendition.name.lower()}.{_EXTENSIONS[fmt]}"


def render(data: bytes, rendition: Rendition, fmt: OutputFormat = "jpeg") -> Rendered:
    """Render one rendition of an image (the first frame of an animation) as `fmt`.

    CPU-bound and blocking. The EXIF orientation of the source is applied; metadata other than
    the ICC profile is dropped.
    """
    spec = rendition.value
    with Image.open(io.BytesIO(data)) as source:
        orientation = source.getexif().get(0x0112, 1)
        icc = source.info.get("icc_profile")
        box = (spec.width, spec.height)
        sideways = orientation in (5, 6, 7, 8)
        raw_box = (box[1], box[0]) if sideways else box
        if spec.crop:
            image = _cover_crop(source, raw_box)
        else:
            # thumbnail() lets libjpeg decode at 1/2, 1/4 or 1/8 scale first (draft mode): the
            # decoder never builds the full-size bitmap of a large photo.
            if source.format == "JPEG":
                source.draft("RGB", raw_box)
            image = _resizable(source)
            image.thumbnail(raw_box, Image.Resampling.LANCZOS, reducing_gap=3.0)
        image = _orient(image, orientation)
    return _encode(image, fmt, icc)


def _cover_crop(source: Image.Image, box: tuple[int, int]) -> Image.Image:
    width, height = source.size
    scale = max(box[0] / width, box[1] / height)
    if scale < 1 and source.format == "JPEG":
        # Same trick as thumbnail(): decode at a reduced scale that still covers the box.
        source.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))
    return ImageOps.fit(_resizable(source), box, Image.Resampling.LANCZOS)


def _resizable(image: Image.Image) -> Image.Image:
    """A loaded copy in a mode that resamples smoothly (palette images would be resized nearest-neighbour)."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image.copy()
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _orient(image: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def _encode(image: Image.Image, fmt: OutputFormat, icc: bytes | None) -> Rendered:
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if fmt == "jpeg":
        if alpha:
            # JPEG has no alpha: flatten on white, as the page background is.
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options: dict = {"quality": 82, "progressive": True}
    elif fmt == "webp":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if alpha else "RGB")
        options = {"quality": 80, "method": 4}
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA" if alpha else "RGB")
        options = {}
    if icc:
        options["icc_profile"] = icc
    image.info = {}
    out = io.BytesIO()
    image.save(out, format=_PIL_FORMATS[fmt], **options)
    return Rendered(out.getvalue(), _CONTENT_TYPES[fmt], image.width, image.height)


# -- caching in storage -------------------------------------------------------------------------


class _KeyedLocks:
    """One lock per key, dropped when nobody holds or waits for it, so the table does not grow."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


_render_locks = _KeyedLocks()


def ensure_rendition(
    storage: Storage,
    original_key: str,
    rendition: Rendition,
    fmt: OutputFormat | None = None,
    *,
    public: bool = False,
) -> str:
    """Return the key of the rendition, rendering and storing it first if it is not cached.

    Within a process, concurrent callers for the same rendition wait for one render; across
    processes a rare duplicate render is harmless (same bytes, atomic saves). `public` should
    follow the original's visibility (see `set_public_with_renditions`).
    """
    fmt = fmt or default_format(original_key)
    key = rendition_key(original_key, rendition, fmt)
    if storage.exists(key):
        return key
    with _render_locks.hold(key):
        if storage.exists(key):
            return key
        rendered = render(storage.read(original_key), rendition, fmt)
        storage.save(key, rendered.data, rendered.content_type, public=public)
    return key


def _cached_keys(storage: Storage, original_key: str) -> Iterator[str]:
    for rendition in Rendition:
        for fmt in _EXTENSIONS:
            key = rendition_key(original_key, rendition, fmt)  # type: ignore[arg-type]
            if storage.exists(key):
                yield key


def set_public_with_renditions(storage: Storage, original_key: str, public: bool) -> None:
    """Publish or unpublish an original together with its cached renditions."""
    storage.set_public(original_key, public)
    for key in list(_cached_keys(storage, original_key)):
        storage.set_public(key, public)


def delete_renditions(storage: Storage, original_key: str) -> None:
    """Forget every cached rendition of an original (before replacing or deleting it)."""
    for rendition in Rendition:
        for fmt in _EXTENSIONS:
            storage.delete(rendition_key(original_key, rendition, fmt))  # type: ignore[arg-type]
