"""Images and PDFs made on the fly, so no binary fixtures are committed."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS_EXIF_MARKERS = (b"GPS", b"Exif\x00\x00")


def photo(width: int = 1200, height: int = 800, seed: int = 0) -> Image.Image:
    """Something like a photo: smooth gradients (sky, light) under sensor noise."""
    horizontal = Image.linear_gradient("L").rotate(90).resize((width, height))
    vertical = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40 + seed % 20)
    red = Image.blend(horizontal, noise, 0.3)
    green = Image.blend(vertical, noise, 0.25)
    blue = Image.blend(Image.eval(horizontal, lambda v: 255 - v), noise, 0.2)
    return Image.merge("RGB", (red, green, blue))


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Model] = "Model 7"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 50.0),
    }
    return exif


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg(width: int = 1200, height: int = 800, *, orientation: int = 1, gps: bool = True, **options) -> bytes:
    extra = {"exif": gps_exif(orientation)} if gps or orientation != 1 else {}
    return encode(photo(width, height), "JPEG", quality=88, **extra, **options)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width: int, height: int, color_type: int = 2) -> bytes:
    """A valid PNG of `width` x `height` black pixels whose IDAT is zlib of zeros; a 20000 x 20000
    RGB bomb is about 1 MB and is never held, compressed or decompressed in full here.

    Every scanline is a zero filter byte and zero samples, so the whole inflated stream is zeros:
    one deflate block for a 4 MB run of zeros, made independent of history by a full flush, is
    repeated, and the Adler-32 of n zero bytes is computed directly (A = 1, B = n mod 65521).
    """
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    total = height * (1 + width * channels)
    run = 4 * 1024 * 1024
    repeats, rest = divmod(total, run)

    def raw_block(size: int) -> bytes:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        return deflate.compress(b"\x00" * size) + deflate.flush(zlib.Z_FULL_FLUSH)

    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    adler = ((total % 65521) << 16) | 1
    idat = b"\x78\xda" + raw_block(run) * repeats + (raw_block(rest) if rest else b"") + final
    idat += struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def build_pdf(*objects: bytes, trailer_extra: bytes = b"", eof: bool = True) -> bytes:
    """A structurally valid PDF (header, numbered objects, xref table, trailer) from object bodies.

    Object 1 must be the catalog.
    """
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n" % (len(objects) + 1, trailer_extra, xref)
    if eof:
        out += b"%%EOF\n"
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"


def stream_object(data: bytes, *, compress: bool = True, extra: bytes = b"") -> bytes:
    body = zlib.compress(data) if compress else data
    flt = b"/Filter /FlateDecode " if compress else b""
    return b"<< %s%s/Length %d >>\nstream\n" % (extra, flt, len(body)) + body + b"\nendstream"


def simple_pdf() -> bytes:
    content = b"BT /F1 24 Tf 72 720 Td (Renda gazette) Tj ET"
    return build_pdf(CATALOG, PAGES, PAGE, stream_object(content))
