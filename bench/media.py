"""Media benchmark: upload checks and renditions of photo-like JPEGs into each storage backend.

    python bench/media.py [--n 50] [--size 3000x2000] [--backends local,minio]

Generates N distinct 3000x2000 JPEGs (gradients under sensor noise, quality 90, about 2-3 MB
each, with EXIF and GPS), then for each backend, in a child process of its own so that peak RSS
is that backend's alone:
  upload = check_upload (sniff, header check, full decode, EXIF transpose, re-encode without
           metadata, SHA-256) + storage.save under a content-addressed key;
  renditions = ensure_rendition for THUMB, MEDIUM, LARGE, WECHAT_COVER, SQUARE (JPEG) and
           MEDIUM (WebP) of every upload, each timed (read original + render + save).
The MinIO backend talks to a moto S3 server started here as a separate process.
Prints ONE JSON line with one entry per backend.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import ExifTags, Image

from media import LocalStorage, MinioStorage, Rendition, Storage, check_upload, ensure_rendition

RENDITION_SET = [
    (Rendition.THUMB, "jpeg"),
    (Rendition.MEDIUM, "jpeg"),
    (Rendition.LARGE, "jpeg"),
    (Rendition.WECHAT_COVER, "jpeg"),
    (Rendition.SQUARE, "jpeg"),
    (Rendition.MEDIUM, "webp"),
]


def photo(width: int, height: int, seed: int) -> Image.Image:
    """Gradients (sky, light falloff) under per-channel sensor noise; distinct per seed."""
    horizontal = Image.linear_gradient("L").rotate(90 + (seed % 4) * 90).resize((width, height))
    vertical = Image.linear_gradient("L").resize((width, height))
    channels = []
    for index, base in enumerate((horizontal, vertical, Image.eval(horizontal, lambda v: 255 - v))):
        noise = Image.effect_noise((width, height), 25 + (seed * 7 + index * 5) % 30)
        channels.append(Image.blend(base, noise, 0.2 + 0.05 * index))
    return Image.merge("RGB", channels)


def exif(seed: int) -> Image.Exif:
    data = Image.Exif()
    data[ExifTags.Base.Make] = "BenchCam"
    data[ExifTags.Base.Orientation] = 1
    data[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (29.0, 33.0, float(seed % 60)),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (106.0, 33.0, 0.0),
    }
    return data


def generate(folder: Path, n: int, width: int, height: int) -> list[Path]:
    paths = []
    for seed in range(n):
        path = folder / f"photo-{seed:04d}.jpg"
        photo(width, height, seed).save(path, format="JPEG", quality=90, exif=exif(seed))
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto server exited early")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("moto server did not start")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run_backend(storage: Storage, name: str, paths: list[Path]) -> dict:
    """Runs in the child process: the timed part."""
    originals = []
    upload_seconds = 0.0
    stored_bytes = 0
    for path in paths:
        raw = path.read_bytes()
        started = time.perf_counter()
        checked = check_upload(raw)
        key = f"originals/{checked.sha256[:2]}/{checked.sha256}.{checked.extension}"
        storage.save(key, checked.data, checked.content_type)
        upload_seconds += time.perf_counter() - started
        stored_bytes += len(checked.data)
        originals.append(key)

    rendition_ms = []
    for key in originals:
        for rendition, fmt in RENDITION_SET:
            started = time.perf_counter()
            ensure_rendition(storage, key, rendition, fmt)
            rendition_ms.append((time.perf_counter() - started) * 1000)

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "backend": name,
        "uploads": len(paths),
        "uploads_per_second": round(len(paths) / upload_seconds, 2),
        "upload_ms_mean": round(upload_seconds / len(paths) * 1000, 1),
        "renditions": len(rendition_ms),
        "rendition_ms_p50": round(statistics.median(rendition_ms), 1),
        "rendition_ms_p95": round(percentile(rendition_ms, 0.95), 1),
        "stored_mb_per_original": round(stored_bytes / len(paths) / 1e6, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def child(args: argparse.Namespace) -> None:
    paths = sorted(Path(args.images).glob("*.jpg"))
    if args.child == "local":
        root = Path(tempfile.mkdtemp(prefix="bench-media-"))
        try:
            storage = LocalStorage(root, "http://127.0.0.1:8000", "bench-secret")
            result = run_backend(storage, "local", paths)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    else:
        storage = MinioStorage(args.endpoint, "bench", "bench-secret", "bench-media")
        result = run_backend(storage, "minio (moto server)", paths)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--size", default="3000x2000")
    parser.add_argument("--backends", default="local,minio")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--images", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    width, height = (int(v) for v in args.size.split("x"))
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-media-images-") as folder:
        paths = generate(Path(folder), args.n, width, height)
        source_mb = sum(p.stat().st_size for p in paths) / len(paths) / 1e6
        for backend in args.backends.split(","):
            command = [sys.executable, __file__, "--child", backend, "--images", folder]
            moto = None
            if backend == "minio":
                port = free_port()
                moto = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                wait_for_port(port, moto)
                command += ["--endpoint", f"127.0.0.1:{port}"]
            try:
                done = subprocess.run(command, capture_output=True, text=True, check=True)
            finally:
                if moto is not None:
                    moto.terminate()
                    moto.wait()
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    print(
        json.dumps(
            {
                "bench": "media",
                "images": args.n,
                "image_size": f"{width}x{height}",
                "source_mb_per_image": round(source_mb, 2),
                "renditions_per_image": [f"{r.name}:{f}" for r, f in RENDITION_SET],
                "cpus": os.cpu_count(),
                "results": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
