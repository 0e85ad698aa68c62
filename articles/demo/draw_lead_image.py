"""
Draws the demo article's lead image, ``lead-image.jpg`` beside this file.

An illustration made for the project from shapes and colours alone (no
photograph, no outside image): two overlapping discs, blue and green, over a
grid of connected points, for two companies joined in a cloud computing
partnership. The drawing is the same every time (a fixed random seed).
Its licence: CC0 1.0, like the rest of the demo's own material.

    .venv/bin/python articles/demo/draw_lead_image.py
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
OUTPUT = Path(__file__).resolve().parent / "lead-image.jpg"


def draw() -> Image.Image:
    rng = random.Random(2023_01_23)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    pixels = ImageDraw.Draw(image)
    # A dusk gradient, top to bottom.
    for y in range(HEIGHT):
        t = y / HEIGHT
        pixels.line(
            [(0, y), (WIDTH, y)],
            fill=(int(14 + 20 * t), int(24 + 30 * t), int(48 + 40 * t)),
        )
    # A grid of points, some joined: the network.
    points = [
        (x + rng.randint(-18, 18), y + rng.randint(-18, 18))
        for x in range(60, WIDTH, 110)
        for y in range(60, HEIGHT, 110)
    ]
    for a in points:
        for b in rng.sample(points, 2):
            if abs(a[0] - b[0]) + abs(a[1] - b[1]) < 260:
                pixels.line([a, b], fill=(70, 110, 160), width=2)
    for x, y in points:
        pixels.ellipse([x - 4, y - 4, x + 4, y + 4], fill=(150, 190, 230))
    # Two discs that overlap, drawn on a layer of their own and blended.
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    discs = ImageDraw.Draw(layer)
    discs.ellipse([420, 170, 980, 730], fill=(40, 120, 230, 150))
    discs.ellipse([720, 170, 1280, 730], fill=(60, 190, 120, 150))
    layer = layer.filter(ImageFilter.GaussianBlur(2))
    image = Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    return image


if __name__ == "__main__":
    draw().save(OUTPUT, "JPEG", quality=85, optimize=True, progressive=True)
    print(OUTPUT)
