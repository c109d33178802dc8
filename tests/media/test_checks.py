"""Upload validation: decided by content, never by name or declared type."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from media.checks import CheckedUpload, UploadLimits, UploadRejected, check_upload, checksum, sniff

from . import samples

REPO = Path(__file__).resolve().parents[2]


def rejected(data: bytes, limits: UploadLimits = UploadLimits()) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, limits)
    assert caught.value.message
    return caught.value


def reopen(checked: CheckedUpload) -> Image.Image:
    return Image.open(io.BytesIO(checked.data))


class TestAccepted:
    def test_jpeg_loses_exif_and_gps(self):
        original = samples.jpeg(640, 480)
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
        checked = check_upload(original)
        assert (checked.kind, checked.content_type, checked.extension) == ("IMAGE", "image/jpeg", "jpg")
        assert (checked.width, checked.height) == (640, 480)
        image = reopen(checked)
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert b"Exif" not in checked.data and b"SecretCam" not in checked.data
        assert checked.sha256 == checksum(checked.data)

    def test_orientation_is_applied_before_exif_goes(self):
        # Orientation 6: stored landscape, shown portrait (rotate 90° clockwise).
        checked = check_upload(samples.jpeg(640, 480, orientation=6))
        assert (checked.width, checked.height) == (480, 640)
        image = reopen(checked)
        assert image.size == (480, 640)
        assert ExifTags.Base.Orientation not in image.getexif()

    def test_icc_profile_is_kept(self):
        icc = Image.open(io.BytesIO(samples.jpeg(64, 64))).info.get("icc_profile")
        assert icc is None
        from PIL import ImageCms

        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        original = samples.encode(samples.photo(64, 64), "JPEG", icc_profile=profile, exif=samples.gps_exif())
        assert reopen(check_upload(original)).info["icc_profile"] == profile

    def test_jpeg_comment_and_trailing_payload_dropped(self):
        original = samples.encode(samples.photo(64, 64), "JPEG", comment=b"shot at home, 39.9N")
        checked = check_upload(original + b"<script>alert(1)</script>")
        assert b"39.9N" not in checked.data
        assert b"<script>" not in checked.data

    def test_png_text_and_exif_dropped_alpha_kept(self):
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "home address")
        image = samples.photo(100, 60).convert("RGBA")
        original = samples.encode(image, "PNG", pnginfo=info, exif=samples.gps_exif())
        checked = check_upload(original)
        assert (checked.content_type, checked.extension) == ("image/png", "png")
        reopened = reopen(checked)
        assert reopened.mode == "RGBA"
        assert "Comment" not in reopened.info and dict(reopened.getexif()) == {}
        assert b"home address" not in checked.data

    def test_palette_png_keeps_transparency(self):
        image = Image.new("P", (20, 20), 0)
        image.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
        original = samples.encode(image, "PNG", transparency=0)
        assert reopen(check_upload(original)).info.get("transparency") == 0

    def test_webp_exif_dropped(self):
        original = samples.encode(samples.photo(200, 100), "WEBP", exif=samples.gps_exif())
        checked = check_upload(original)
        assert (checked.content_type, checked.extension) == ("image/webp", "webp")
        assert dict(reopen(checked).getexif()) == {}
        assert b"SecretCam" not in checked.data

    def test_animated_gif_keeps_frames_and_timing(self):
        frames = [Image.new("P", (40, 30), color) for color in (1, 2, 3)]
        for frame in frames:
            frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
        out = io.BytesIO()
        frames[0].save(
            out, format="GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
            comment=b"private note",
        )
        checked = check_upload(out.getvalue())
        assert (checked.content_type, checked.width, checked.height) == ("image/gif", 40, 30)
        image = reopen(checked)
        assert image.n_frames == 3
        durations = []
        for index in range(3):
            image.seek(index)
            durations.append(image.info["duration"])
        assert durations == [100, 200, 300]
        assert b"private note" not in checked.data

    def test_animated_webp_keeps_frames(self):
        frames = [samples.photo(60, 40, seed=i) for i in range(3)]
        out = io.BytesIO()
        frames[0].save(out, format="WEBP", save_all=True, append_images=frames[1:], duration=[50, 60, 70],
                       exif=samples.gps_exif())
        checked = check_upload(out.getvalue())
        image = reopen(checked)
        assert image.n_frames == 3
        assert b"SecretCam" not in checked.data

    def test_pdf_is_kept_byte_for_byte(self):
        pdf = samples.simple_pdf()
        checked = check_upload(pdf)
        assert checked == CheckedUpload("DOCUMENT", "application/pdf", pdf, None, None, checksum(pdf), "pdf")

    def test_file_objects_are_read(self):
        checked = check_upload(io.BytesIO(samples.simple_pdf()))
        assert checked.kind == "DOCUMENT"

    def test_same_upload_same_checksum(self):
        original = samples.jpeg(300, 200)
        assert check_upload(original).sha256 == check_upload(original).sha256
        assert check_upload(original).sha256 != check_upload(samples.jpeg(300, 201)).sha256

    def test_cmyk_jpeg(self):
        original = samples.encode(samples.photo(80, 60).convert("CMYK"), "JPEG")
        assert reopen(check_upload(original)).mode == "CMYK"


class TestRefusedTypes:
    def test_empty(self):
        assert rejected(b"").code == "EMPTY"
        assert rejected(io.BytesIO(b"")).code == "EMPTY"  # type: ignore[arg-type]

    def test_svg(self):
        svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        error = rejected(svg)
        assert error.code == "UNSUPPORTED_TYPE"
        assert "SVG" in error.message

    def test_html_whatever_it_is_called(self):
        # There is no file name parameter at all: an HTML file named photo.jpg is just HTML here.
        error = rejected(b"\xef\xbb\xbf  <!DOCTYPE html><html><script>steal()</script></html>")
        assert error.code == "UNSUPPORTED_TYPE"
        assert "HTML" in error.message

    def test_html_behind_jpeg_magic(self):
        assert rejected(b"\xff\xd8\xff<html><script>steal()</script></html>").code == "CORRUPT"

    @pytest.mark.parametrize(
        "data",
        [
            b"PK\x03\x04 zip or docx",
            b"MZ\x90\x00 windows exe",
            b"\x7fELF",
            b"BM bitmap",
            b"II*\x00 tiff",
            b"\x00\x00\x00\x18ftypmp42 video",
            b"plain text",
        ],
    )
    def test_other_types(self, data: bytes):
        assert rejected(data).code == "UNSUPPORTED_TYPE"

    def test_sniff(self):
        assert sniff(samples.jpeg(8, 8)[:16]) == "JPEG"
        assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "WEBP"
        assert sniff(b"RIFF\x00\x00\x00\x00AVI ") is None


class TestSizes:
    def test_image_over_its_limit(self):
        error = rejected(samples.jpeg(200, 200), UploadLimits(image_max_bytes=1000))
        assert error.code == "TOO_LARGE"

    def test_pdf_over_its_limit(self):
        pdf = samples.simple_pdf()
        assert rejected(pdf, UploadLimits(pdf_max_bytes=len(pdf) - 1)).code == "TOO_LARGE"

    def test_limits_differ_by_type(self):
        limits = UploadLimits(image_max_bytes=100, pdf_max_bytes=100_000)
        assert check_upload(samples.simple_pdf(), limits).kind == "DOCUMENT"

    def test_stream_is_not_read_past_the_limit(self):
        class Endless(io.RawIOBase):
            requested = 0

            def read(self, size: int = -1) -> bytes:
                assert size > 0, "must not read to the end"
                Endless.requested += size
                return b"%PDF-" + b"\x00" * (size - 5)

        limits = UploadLimits(image_max_bytes=1000, pdf_max_bytes=5000)
        assert rejected(Endless(), limits).code == "TOO_LARGE"  # type: ignore[arg-type]
        assert Endless.requested == 5001


class TestImageDamage:
    def test_truncated_jpeg(self):
        original = samples.jpeg(400, 300, gps=False)
        error = rejected(original[: len(original) // 2])
        assert error.code == "CORRUPT"

    def test_jpeg_header_only(self):
        assert rejected(samples.jpeg(400, 300, gps=False)[:300]).code == "CORRUPT"

    def test_png_with_bad_crc(self):
        original = bytearray(samples.encode(samples.photo(50, 50), "PNG"))
        idat = original.index(b"IDAT")
        original[idat + 10] ^= 0xFF
        assert rejected(bytes(original)).code == "CORRUPT"

    def test_truncated_png(self):
        original = samples.encode(samples.photo(200, 200), "PNG")
        assert rejected(original[: len(original) // 2]).code == "CORRUPT"

    def test_truncated_gif(self):
        original = samples.encode(samples.photo(100, 100).convert("P"), "GIF")
        assert rejected(original[: len(original) // 2]).code == "CORRUPT"


class TestDecompressionBombs:
    def test_png_bomb_refused_from_header_in_little_memory(self):
        """A 20000 x 20000 RGB PNG (1.2 GB of pixels) checked in a child process whose address
        space is capped at 512 MB: decoding even a fraction of it would raise MemoryError there.
        The peak is the child's own VmHWM: ru_maxrss would carry over the test runner's peak,
        since Linux keeps it across fork and exec."""
        script = """
import json, resource, sys

def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")

from tests.media.samples import png_bomb
bomb = png_bomb(20000, 20000)
resource.setrlimit(resource.RLIMIT_AS, (512 * 1024 * 1024, 512 * 1024 * 1024))
from media.checks import UploadRejected, check_upload
try:
    check_upload(bomb)
    outcome = "accepted"
except UploadRejected as error:
    outcome = error.code
print(json.dumps({"outcome": outcome, "bytes": len(bomb),
                  "peak_mb": peak_mb()}))
"""
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["outcome"] == "IMAGE_TOO_LARGE"
        assert result["bytes"] < 5 * 1024 * 1024  # the point of a bomb: small file, huge image
        assert result["peak_mb"] < 200

    def test_bomb_between_pillow_warning_and_error(self):
        # 81 MP: above MAX_IMAGE_PIXELS (warning, an error under this suite's filterwarnings) ...
        assert rejected(samples.png_bomb(9000, 9000, color_type=0)).code == "IMAGE_TOO_LARGE"

    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    def test_bomb_when_warnings_are_ignored(self):
        # ... and where warnings are only logged (production), the explicit pixel check refuses it.
        assert rejected(samples.png_bomb(9000, 9000, color_type=0)).code == "IMAGE_TOO_LARGE"

    def test_configured_pixel_cap(self):
        limits = UploadLimits(max_pixels=1_000_000)
        assert rejected(samples.png_bomb(2000, 1000, color_type=0), limits).code == "IMAGE_TOO_LARGE"
        assert check_upload(samples.png_bomb(1000, 1000, color_type=0), limits).width == 1000

    def test_animation_frame_budget(self):
        frames = [Image.new("L", (100, 100), i) for i in range(5)]
        out = io.BytesIO()
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
        limits = UploadLimits(max_animation_pixels=40_000)
        assert rejected(out.getvalue(), limits).code == "IMAGE_TOO_LARGE"
        assert rejected(out.getvalue(), UploadLimits(max_frames=4)).code == "IMAGE_TOO_LARGE"


class TestPdf:
    def test_missing_eof(self):
        assert rejected(samples.build_pdf(samples.CATALOG, samples.PAGES, eof=False)).code == "CORRUPT"

    def test_truncated(self):
        pdf = samples.simple_pdf()
        assert rejected(pdf[: len(pdf) // 2]).code == "CORRUPT"

    @pytest.mark.parametrize(
        "catalog",
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /JS 6 0 R >> >>",
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 7 0 R >> >>",
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x) >> >>",
            b"<< /Type /Catalog /Pages 2 0 R /AA << /O << /S /RichMedia >> >> >>",
        ],
    )
    def test_active_content_refused(self, catalog: bytes):
        pdf = samples.build_pdf(catalog, samples.PAGES, samples.PAGE, samples.stream_object(b"BT ET"))
        error = rejected(pdf)
        assert error.code == "UNSAFE_CONTENT"

    def test_script_hidden_in_compressed_object_stream(self):
        hidden = b"5 0 << /S /JavaScript /JS (app.launchURL('http://evil')) >>"
        objstm = samples.stream_object(hidden, extra=b"/Type /ObjStm /N 1 /First 4 ")
        pdf = samples.build_pdf(samples.CATALOG, samples.PAGES, samples.PAGE, objstm)
        assert b"JavaScript" not in pdf
        assert rejected(pdf).code == "UNSAFE_CONTENT"

    def test_name_split_across_inflate_chunks_is_found(self):
        padding = b" " * (1024 * 1024 - 5)
        hidden = padding + b"/JavaScript"
        pdf = samples.build_pdf(samples.CATALOG, samples.PAGES, samples.PAGE, samples.stream_object(hidden))
        assert rejected(pdf).code == "UNSAFE_CONTENT"

    def test_harmless_words_are_not_actions(self):
        content = b"BT /JSans 12 Tf (JavaScript is mentioned in this text) Tj ET /Launcher"
        pdf = samples.build_pdf(samples.CATALOG, samples.PAGES, samples.PAGE, samples.stream_object(content))
        assert check_upload(pdf).kind == "DOCUMENT"

    def test_stream_inflating_past_budget_refused(self):
        bomb = samples.stream_object(b"\x00" * (4 * 1024 * 1024))
        pdf = samples.build_pdf(samples.CATALOG, samples.PAGES, samples.PAGE, bomb)
        limits = UploadLimits(pdf_inspect_max_bytes=1024 * 1024)
        assert rejected(pdf, limits).code == "UNSAFE_CONTENT"
        assert check_upload(pdf).kind == "DOCUMENT"

    def test_encrypted_refused_unless_allowed(self):
        pdf = samples.build_pdf(
            samples.CATALOG, samples.PAGES, samples.PAGE, samples.stream_object(b"BT ET"),
            b"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>",
            trailer_extra=b"/Encrypt 5 0 R ",
        )
        assert rejected(pdf).code == "UNSAFE_CONTENT"
        assert check_upload(pdf, UploadLimits(allow_encrypted_pdf=True)).kind == "DOCUMENT"

    def test_not_zlib_streams_are_skipped(self):
        raw = samples.stream_object(b"\x00\x01 not deflate", compress=False)
        pdf = samples.build_pdf(samples.CATALOG, samples.PAGES, samples.PAGE, raw)
        assert check_upload(pdf).kind == "DOCUMENT"
