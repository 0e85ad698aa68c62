"""
Benchmark: the time to make an image's renditions (what the background
worker does once per uploaded image).

    .venv/bin/python bench/renditions_bench.py [--repeat N]

Draws photo-like test pictures (smooth gradients with noise, so they compress
like photographs, not like flat colour) at the sizes a newsroom uploads: a
24-megapixel camera JPEG (6000 × 4000), a 12-megapixel phone JPEG (4032 ×
3024), a 1600 × 900 web JPEG and a 1600 × 900 PNG chart. Each goes through
the library's checks (media.validation) into a fresh SQLite database and a
temporary media folder, then ``media.renditions.make`` makes every rendition
(each width, WebP and the original's format), written to the storage and
recorded. Prints, per picture, the renditions made, their total size, and
the best and median seconds of the repeats (each repeat starts without
renditions). The upload check itself is timed apart.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scratch  # noqa: E402 - after the project is on the path

PICTURES = (
    ("camera JPEG 6000 × 4000", "JPEG", (6000, 4000)),
    ("phone JPEG 4032 × 3024", "JPEG", (4032, 3024)),
    ("web JPEG 1600 × 900", "JPEG", (1600, 900)),
    ("PNG chart 1600 × 900", "PNG", (1600, 900)),
)


def photo(fmt: str, size) -> bytes:
    from PIL import Image, ImageFilter

    width, height = size
    small = Image.effect_noise((width // 8, height // 8), 64).convert("RGB")
    gradient = Image.linear_gradient("L").resize(small.size).convert("RGB")
    picture = Image.blend(small, gradient, 0.5).resize(size, Image.Resampling.BICUBIC)
    picture = picture.filter(ImageFilter.DETAIL)
    out = io.BytesIO()
    picture.save(out, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir = scratch.django_on_scratch_sqlite()
    os.environ["MEDIA_ROOT"] = str(Path(tempfile.mkdtemp(dir=workdir)))
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = os.environ["MEDIA_ROOT"]
    call_command("migrate", verbosity=0)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from media.models import Rendition
    from media.renditions import make
    from media.validation import check_upload

    print(
        f"{'picture':<26} {'check':>7} {'renditions':>10} {'size':>9} "
        f"{'best':>7} {'median':>7}"
    )
    for label, fmt, size in PICTURES:
        data = photo(fmt, size)
        started = time.perf_counter()
        checked = check_upload(data, name=label)
        check_seconds = time.perf_counter() - started
        name = default_storage.save(checked.storage_name, ContentFile(checked.data))
        times, made = [], 0
        for _ in range(args.repeat):
            Rendition.objects.filter(source_sha256=checked.sha256).delete()
            result = make(name, checked.sha256, checked.format, checked.width)
            times.append(result.seconds)
            made = result.created
        total = sum(
            Rendition.objects.filter(source_sha256=checked.sha256).values_list(
                "bytes", flat=True
            )
        )
        print(
            f"{label:<26} {check_seconds:>6.2f}s {made:>10} {total / 1024:>7.0f}kB "
            f"{min(times):>6.2f}s {statistics.median(times):>6.2f}s"
        )


if __name__ == "__main__":
    main()
