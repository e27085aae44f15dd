#!/usr/bin/env python3
"""Writes a small colour image folder to try MergeLab's colour model with:
OUT/<class>/NNNNN.png, five classes of coloured shapes ("red circle",
"green square", ...) on a noisy dark ground, 40x36 RGB.

Only the standard library is used (PNG is a zlib stream in chunks), so it
runs on any Debian with python3.
Usage: make_colour_shapes.py OUT [IMAGES_PER_CLASS] [SEED]
"""
import math
import os
import random
import struct
import sys
import zlib

WIDTH, HEIGHT = 40, 36
CLASSES = {  # folder name: colour
    "blue triangle": (40, 70, 230),
    "green square": (40, 200, 60),
    "purple ring": (160, 60, 200),
    "red circle": (230, 40, 40),
    "yellow cross": (230, 210, 40),
}


def inside(name, dx, dy, r):
    d = math.hypot(dx, dy)
    if name == "blue triangle":
        return -r <= dy <= r and abs(dx) <= (dy + r) / 2
    if name == "green square":
        return abs(dx) <= r * 0.8 and abs(dy) <= r * 0.8
    if name == "purple ring":
        return r * 0.55 <= d <= r
    if name == "red circle":
        return d <= r
    return (abs(dx) <= 2.5 or abs(dy) <= 2.5) and d <= r * 1.1


def chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body +
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def png(rgb):
    row = WIDTH * 3
    rows = b"".join(b"\0" + bytes(rgb[y * row:(y + 1) * row]) for y in range(HEIGHT))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    per_class = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    for name, colour in CLASSES.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for i in range(per_class):
            rgb = [rng.randint(20, 59) for _ in range(WIDTH * HEIGHT * 3)]
            cx, cy = WIDTH / 2 + rng.randint(-5, 5), HEIGHT / 2 + rng.randint(-5, 5)
            r = 8 + rng.randint(-3, 3)
            c = [min(255, max(0, v + rng.randint(-25, 25))) for v in colour]
            for y in range(HEIGHT):
                for x in range(WIDTH):
                    if inside(name, x - cx, y - cy, r):
                        rgb[(y * WIDTH + x) * 3:(y * WIDTH + x) * 3 + 3] = c
            with open(os.path.join(out, name, f"{i:05d}.png"), "wb") as f:
                f.write(png(rgb))
    print(f"{out}: {len(CLASSES)} classes of {per_class} images")


if __name__ == "__main__":
    main()
