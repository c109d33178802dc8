"""Uploads are judged by their bytes only: the file name and the declared Content-Type are never
consulted. Images are decoded in full and re-encoded, so what is stored is what Pillow wrote
(no EXIF, GPS, XMP, comments or trailing payloads); PDFs are kept byte for byte but refused when
they carry scripts, launch actions or embedded files."""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000

# Pillow's own guard, checked in Image.open from the header alone: a warning above this many pixels
# and DecompressionBombError above twice as many. Both are refusals here; `UploadLimits.max_pixels`
# is then checked explicitly, so a deployment may lower it but not raise it past this cap.
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS

Kind = Literal["IMAGE", "DOCUMENT"]
ErrorCode = Literal["EMPTY", "TOO_LARGE", "UNSUPPORTED_TYPE", "IMAGE_TOO_LARGE", "CORRUPT", "UNSAFE_CONTENT"]


class UploadRejected(Exception):
    """An upload that will not be stored; `code` is stable for clients, `message` is for people."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class UploadLimits:
    image_max_bytes: int = 20 * MB
    pdf_max_bytes: int = 50 * MB
    max_pixels: int = DEFAULT_MAX_PIXELS
    """Per frame, read from the header before anything is decoded."""
    max_animation_pixels: int = 100_000_000
    """Width x height x frames of an animation: re-encoding holds every frame in memory."""
    max_frames: int = 1000
    jpeg_quality: int = 90
    webp_quality: int = 90
    allow_encrypted_pdf: bool = False
    """Encrypted PDFs hide their objects from the script scan, so they are refused by default."""
    pdf_inspect_max_bytes: int = 256 * MB
    """Budget for inflating a PDF's compressed streams while looking for scripts."""


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    kind: Kind
    content_type: str
    data: bytes
    """The bytes to store: re-encoded without metadata for images, unchanged for PDFs."""
    width: int | None
    height: int | None
    sha256: str
    """Of `data`, for deduplication."""
    extension: str


@dataclass(frozen=True, slots=True)
class _Format:
    pil: str  # Pillow format name
    content_type: str
    extension: str


_IMAGE_FORMATS = {
    "JPEG": _Format("JPEG", "image/jpeg", "jpg"),
    "PNG": _Format("PNG", "image/png", "png"),
    "WEBP": _Format("WEBP", "image/webp", "webp"),
    "GIF": _Format("GIF", "image/gif", "gif"),
}


def checksum(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def sniff(head: bytes) -> str | None:
    """The allowed type the leading bytes announce ("JPEG", "PNG", "WEBP", "GIF", "PDF"), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head.startswith(b"%PDF-"):
        return "PDF"
    return None


def _describe_refused(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<svg" in head.lower():
            return "SVG images are not accepted (they can carry scripts); upload a PNG or JPEG instead"
        return "HTML and XML documents are not accepted"
    return "only JPEG, PNG, WebP and GIF images and PDF documents are accepted"


def _read_limited(data: bytes | BinaryIO, limit: int) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    # Read one byte past the largest allowed size: enough to know it is too large, no more.
    return data.read(limit + 1)


def check_upload(data: bytes | BinaryIO, limits: UploadLimits = UploadLimits()) -> CheckedUpload:
    """Validate an upload by content and return what to store, or raise `UploadRejected`.

    Blocking and CPU-bound (full decode and re-encode): run it in a thread pool.
    """
    raw = _read_limited(data, max(limits.image_max_bytes, limits.pdf_max_bytes))
    if not raw:
        raise UploadRejected("EMPTY", "the file is empty")
    kind = sniff(raw[:16])
    if kind is None:
        raise UploadRejected("UNSUPPORTED_TYPE", _describe_refused(raw[:512]))
    if kind == "PDF":
        return _check_pdf(raw, limits)
    return _check_image(raw, _IMAGE_FORMATS[kind], limits)


# -- images ------------------------------------------------------------------------------------


def _open_image(raw: bytes, fmt: _Format, limits: UploadLimits) -> ImageFile.ImageFile:
    """Open from headers only and refuse oversized images before a single pixel is decoded."""
    try:
        image = Image.open(io.BytesIO(raw), formats=[fmt.pil])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRejected("IMAGE_TOO_LARGE", _too_many_pixels(limits)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UploadRejected("CORRUPT", f"the {fmt.pil} image cannot be read") from error
    width, height = image.size
    if width <= 0 or height <= 0:
        raise UploadRejected("CORRUPT", "the image has no pixels")
    if width * height > limits.max_pixels:
        raise UploadRejected("IMAGE_TOO_LARGE", _too_many_pixels(limits))
    return image


def _too_many_pixels(limits: UploadLimits) -> str:
    return f"the image has more than {limits.max_pixels // 1_000_000} megapixels"


def _check_image(raw: bytes, fmt: _Format, limits: UploadLimits) -> CheckedUpload:
    if len(raw) > limits.image_max_bytes:
        raise UploadRejected("TOO_LARGE", f"images may not exceed {limits.image_max_bytes // MB} MB")
    image = _open_image(raw, fmt, limits)
    try:
        # verify() checks structure (PNG chunk CRCs, for one) and leaves the image unusable.
        image.verify()
        image = _open_image(raw, fmt, limits)
        frames = getattr(image, "n_frames", 1)
        if frames > 1:
            cleaned, width, height = _reencode_animation(image, fmt, frames, limits)
        else:
            cleaned, width, height = _reencode_still(image, fmt, limits)
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRejected("IMAGE_TOO_LARGE", _too_many_pixels(limits)) from error
    except (OSError, SyntaxError, ValueError, EOFError, zlib.error) as error:
        # Truncated data ends up here: ImageFile.LOAD_TRUNCATED_IMAGES stays False (Pillow's
        # default), so a missing tail is an error, not grey pixels.
        raise UploadRejected("CORRUPT", f"the {fmt.pil} image is damaged or truncated") from error
    return CheckedUpload(
        kind="IMAGE",
        content_type=fmt.content_type,
        data=cleaned,
        width=width,
        height=height,
        sha256=checksum(cleaned),
        extension=fmt.extension,
    )


def _reencode_still(image: ImageFile.ImageFile, fmt: _Format, limits: UploadLimits) -> tuple[bytes, int, int]:
    image.load()
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    # Turn the pixels the way the EXIF orientation says, since the orientation tag goes with the EXIF.
    upright = ImageOps.exif_transpose(image)
    # Nothing from the source's metadata rides along: encoders fall back to im.info for a few
    # fields (JPEG comments, for one), so start from an empty info.
    upright.info = {}
    options: dict = {}
    if icc:
        options["icc_profile"] = icc
    if fmt.pil == "JPEG":
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=limits.jpeg_quality)
    elif fmt.pil == "PNG":
        if transparency is not None and upright.mode in ("P", "L", "RGB"):
            options["transparency"] = transparency
    elif fmt.pil == "WEBP":
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if upright.has_transparency_data else "RGB")
        options.update(quality=limits.webp_quality)
    elif fmt.pil == "GIF" and transparency is not None:
        options["transparency"] = transparency
    out = io.BytesIO()
    upright.save(out, format=fmt.pil, **options)
    return out.getvalue(), upright.width, upright.height


def _reencode_animation(
    image: ImageFile.ImageFile, fmt: _Format, frames: int, limits: UploadLimits
) -> tuple[bytes, int, int]:
    """Keep every frame, timing and loop count; drop comments and other metadata.

    Animations are not EXIF-rotated: GIF has no EXIF, and animated WebP from cameras does not exist.
    """
    width, height = image.size
    if frames > limits.max_frames or width * height * frames > limits.max_animation_pixels:
        raise UploadRejected("IMAGE_TOO_LARGE", f"the animation has too many frames ({frames})")
    # Per-frame durations, disposal and transparency are carried over by Pillow frame by frame;
    # frame 0's metadata would be too, so the comment is overridden explicitly.
    options: dict = {"save_all": True, "loop": image.info.get("loop", 0)}
    if fmt.pil == "GIF":
        options["comment"] = b""
    else:
        # The WebP writer takes one duration for all frames unless given a list.
        durations = []
        for index in range(frames):
            image.seek(index)
            image.load()
            durations.append(image.info.get("duration", 100))
        image.seek(0)
        options.update(quality=limits.webp_quality, exif=b"", xmp=b"", duration=durations)
    out = io.BytesIO()
    image.save(out, format=fmt.pil, **options)
    return out.getvalue(), width, height


# -- PDF ---------------------------------------------------------------------------------------

# Names that make a PDF act rather than show: scripts, launching programs, files inside the file,
# Flash/3D payloads. Matched after #xx escapes in names are decoded (/J#61vaScript is /JavaScript).
_ACTIVE_NAMES = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
_OVERLAP = 64
_INFLATE_CHUNK = 1 * MB


def _decode_name_escapes(chunk: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)


def _active_content(chunk: bytes) -> bytes | None:
    found = _ACTIVE_NAMES.search(_decode_name_escapes(chunk))
    return found.group(0) if found else None


def _inflated_streams(raw: bytes, budget: int) -> Iterator[bytes]:
    """Decompress every stream that inflates, in bounded chunks, within `budget` bytes in total.

    Objects inside compressed object streams (PDF 1.5+) are invisible to a scan of the raw file,
    so a script can hide there. Streams that are not zlib data (images, fonts) are skipped.
    """
    spent = 0
    for match in _STREAM.finditer(raw):
        start = match.end()
        stop = raw.find(b"endstream", start)
        if stop < 0:
            stop = len(raw)
        inflater = zlib.decompressobj()
        pending = raw[start:stop]
        try:
            while pending:
                piece = inflater.decompress(pending, _INFLATE_CHUNK)
                pending = inflater.unconsumed_tail
                spent += len(piece)
                if spent > budget:
                    raise UploadRejected(
                        "UNSAFE_CONTENT", "the PDF's compressed content is too large to inspect"
                    )
                if piece:
                    yield piece
                if inflater.eof or not piece:
                    break
        except zlib.error:
            continue


def _check_pdf(raw: bytes, limits: UploadLimits) -> CheckedUpload:
    if len(raw) > limits.pdf_max_bytes:
        raise UploadRejected("TOO_LARGE", f"PDF documents may not exceed {limits.pdf_max_bytes // MB} MB")
    if b"%%EOF" not in raw[-1024:]:
        raise UploadRejected("CORRUPT", "the PDF is truncated (no %%EOF at the end)")
    if not limits.allow_encrypted_pdf and re.search(rb"/Encrypt(?![A-Za-z0-9])", _decode_name_escapes(raw)):
        raise UploadRejected("UNSAFE_CONTENT", "encrypted PDFs cannot be inspected; upload an unprotected copy")
    found = _active_content(raw)
    if found is None:
        tail = b""
        for piece in _inflated_streams(raw, limits.pdf_inspect_max_bytes):
            # Keep a little of the previous chunk so a name split across chunks is still seen.
            found = _active_content(tail + piece)
            if found is not None:
                break
            tail = piece[-_OVERLAP:]
    if found is not None:
        name = found.decode("latin-1")
        raise UploadRejected("UNSAFE_CONTENT", f"PDFs with scripts, actions or attachments ({name}) are refused")
    return CheckedUpload(
        kind="DOCUMENT",
        content_type="application/pdf",
        data=raw,
        width=None,
        height=None,
        sha256=checksum(raw),
        extension="pdf",
    )
