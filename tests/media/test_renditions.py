"""Image renditions: sizes, formats, orientation, and caching in storage (rendered once)."""

from __future__ import annotations

import io
import threading
from collections import Counter

import pytest
from PIL import Image

from media import renditions
from media.renditions import (
    Rendition,
    delete_renditions,
    ensure_rendition,
    render,
    rendition_key,
    set_public_with_renditions,
)
from media.storage import Storage

from . import samples
from .conftest import Backend


@pytest.fixture(scope="module")
def photo_3000() -> bytes:
    return samples.encode(samples.photo(3000, 2000), "JPEG", quality=88)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


class TestRender:
    @pytest.mark.parametrize(
        ("rendition", "size"),
        [
            (Rendition.THUMB, (320, 213)),
            (Rendition.MEDIUM, (800, 533)),
            (Rendition.LARGE, (1600, 1067)),
            (Rendition.WECHAT_COVER, (900, 383)),
            (Rendition.SQUARE, (600, 600)),
        ],
    )
    def test_sizes_from_a_large_photo(self, photo_3000: bytes, rendition: Rendition, size: tuple[int, int]):
        data, content_type, width, height = render(photo_3000, rendition)
        assert (width, height) == size
        assert content_type == "image/jpeg"
        image = opened(data)
        assert (image.format, image.size) == ("JPEG", size)

    def test_fit_never_upscales(self):
        small = samples.encode(samples.photo(200, 100), "JPEG")
        for rendition in (Rendition.THUMB, Rendition.MEDIUM, Rendition.LARGE):
            assert render(small, rendition)[2:] == (200, 100)

    @pytest.mark.parametrize("source", [(300, 200), (1000, 3000), (5000, 400), (900, 383)])
    def test_crops_are_exact_whatever_the_source(self, source: tuple[int, int]):
        original = samples.encode(samples.photo(*source), "PNG", compress_level=1)
        assert render(original, Rendition.WECHAT_COVER)[2:] == (900, 383)
        assert render(original, Rendition.SQUARE)[2:] == (600, 600)

    def test_center_crop_keeps_the_middle(self):
        # Red left third, green middle, blue right third: a square crop keeps mostly green.
        image = Image.new("RGB", (3000, 1000))
        for index, color in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255)]):
            image.paste(color, (index * 1000, 0, (index + 1) * 1000, 1000))
        square = opened(render(samples.encode(image, "PNG"), Rendition.SQUARE, "png").data).convert("RGB")
        assert square.getpixel((300, 300)) == (0, 255, 0)
        assert square.getpixel((5, 300))[1] > 200 and square.getpixel((594, 300))[1] > 200

    def test_webp_variant(self, photo_3000: bytes):
        data, content_type, width, height = render(photo_3000, Rendition.MEDIUM, "webp")
        assert content_type == "image/webp"
        assert opened(data).format == "WEBP"
        assert (width, height) == (800, 533)

    def test_exif_orientation_applied(self):
        sideways = samples.jpeg(3000, 2000, orientation=6)
        _, _, width, height = render(sideways, Rendition.THUMB)
        assert (width, height) == (213, 320)
        assert opened(render(sideways, Rendition.WECHAT_COVER).data).size == (900, 383)

    def test_no_metadata_in_renditions(self):
        data = render(samples.jpeg(1200, 800), Rendition.THUMB).data
        assert dict(opened(data).getexif()) == {}
        assert b"SecretCam" not in data

    def test_alpha_to_jpeg_is_flattened_on_white(self):
        image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
        data = render(samples.encode(image, "PNG"), Rendition.THUMB, "jpeg").data
        flat = opened(data)
        assert flat.mode == "RGB"
        assert flat.getpixel((10, 10)) == (255, 255, 255)

    def test_alpha_kept_in_png_and_webp(self):
        image = Image.new("RGBA", (400, 400), (10, 20, 30, 128))
        for fmt in ("png", "webp"):
            assert opened(render(samples.encode(image, "PNG"), Rendition.THUMB, fmt).data).mode == "RGBA"

    def test_palette_gif_first_frame(self):
        frames = [Image.new("P", (500, 500), i) for i in range(3)]
        out = io.BytesIO()
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
        rendered = render(out.getvalue(), Rendition.THUMB, "png")
        assert (rendered.width, rendered.height) == (320, 320)
        assert opened(rendered.data).format == "PNG"


class TestKeys:
    def test_layout(self):
        assert rendition_key("2026/ab/cd.jpg", Rendition.THUMB) == "renditions/2026/ab/cd.jpg/thumb.jpg"
        assert rendition_key("2026/ab/cd.jpg", Rendition.THUMB, "webp") == "renditions/2026/ab/cd.jpg/thumb.webp"
        assert rendition_key("x.png", Rendition.WECHAT_COVER) == "renditions/x.png/wechat_cover.png"
        assert rendition_key("x.gif", Rendition.SQUARE) == "renditions/x.gif/square.png"
        assert rendition_key("x.webp", Rendition.LARGE) == "renditions/x.webp/large.webp"

    def test_distinct_for_every_rendition_and_format(self):
        keys = {rendition_key("a.jpg", r, f) for r in Rendition for f in ("jpeg", "webp", "png")}
        assert len(keys) == len(Rendition) * 3


class CountingStorage:
    """Wraps a storage and counts saves per key (renders write exactly one save)."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.saves: Counter[str] = Counter()
        self._lock = threading.Lock()

    def save(self, key, data, content_type, *, public=False):
        with self._lock:
            self.saves[key] += 1
        self.inner.save(key, data, content_type, public=public)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class TestEnsureRendition:
    def test_rendered_once_then_served_from_cache(self, backend: Backend, photo_3000: bytes):
        storage = CountingStorage(backend.storage)
        original = backend.key("photo.jpg")
        storage.save(original, photo_3000, "image/jpeg")
        key = ensure_rendition(storage, original, Rendition.THUMB)
        assert key == rendition_key(original, Rendition.THUMB)
        assert opened(storage.read(key)).size == (320, 213)
        assert storage.stat(key).content_type == "image/jpeg"
        assert ensure_rendition(storage, original, Rendition.THUMB) == key
        assert storage.saves[key] == 1

    def test_concurrent_callers_wait_for_one_render(self, backend: Backend, photo_3000: bytes):
        storage = CountingStorage(backend.storage)
        original = backend.key("busy.jpg")
        storage.save(original, photo_3000, "image/jpeg")
        barrier = threading.Barrier(8)
        results: list[str] = []

        def worker() -> None:
            barrier.wait()
            results.append(ensure_rendition(storage, original, Rendition.MEDIUM, "webp"))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        key = rendition_key(original, Rendition.MEDIUM, "webp")
        assert results == [key] * 8
        assert storage.saves[key] == 1
        assert len(renditions._render_locks) == 0  # per-key locks do not pile up

    def test_publishing_with_renditions(self, backend: Backend, photo_3000: bytes):
        storage = backend.storage
        original = backend.key("pub.jpg")
        storage.save(original, photo_3000, "image/jpeg")
        thumb = ensure_rendition(storage, original, Rendition.THUMB)
        cover = ensure_rendition(storage, original, Rendition.WECHAT_COVER, "webp")
        set_public_with_renditions(storage, original, True)
        assert all(storage.is_public(k) for k in (original, thumb, cover))
        set_public_with_renditions(storage, original, False)
        assert not any(storage.is_public(k) for k in (original, thumb, cover))

    def test_public_rendition_of_public_original(self, backend: Backend, photo_3000: bytes):
        original = backend.key("already-public.jpg")
        backend.storage.save(original, photo_3000, "image/jpeg", public=True)
        key = ensure_rendition(backend.storage, original, Rendition.SQUARE, public=True)
        assert backend.storage.is_public(key)

    def test_delete_renditions(self, backend: Backend, photo_3000: bytes):
        original = backend.key("old.jpg")
        backend.storage.save(original, photo_3000, "image/jpeg")
        keys = [ensure_rendition(backend.storage, original, r) for r in (Rendition.THUMB, Rendition.SQUARE)]
        delete_renditions(backend.storage, original)
        assert not any(backend.storage.exists(k) for k in keys)
        assert backend.storage.exists(original)
