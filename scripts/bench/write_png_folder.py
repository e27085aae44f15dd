#!/usr/bin/env python3
"""Writes Fashion-MNIST's IDX files out as an image folder of PNGs:
OUT/train/<class>/NNNNN.png and OUT/test/<class>/NNNNN.png, 28x28 grey.

The standard library is enough (PNG is a zlib stream in chunks), so the
benchmark of MergeLab's image loader needs nothing beyond Debian's python3.
Usage: write_png_folder.py [IDX_DIR] OUT
"""
import gzip
import os
import struct
import sys
import zlib

# Folder names as a user would type them; "/" cannot be in a folder name.
CLASSES = ["T-shirt-top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def find(idx_dir, name):
    for suffix in (".gz", ""):
        path = os.path.join(idx_dir, name + suffix)
        if os.path.exists(path):
            return path
    sys.exit(f"{idx_dir}: no {name}")


def chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body +
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def png(pixels, side):
    rows = b"".join(b"\0" + pixels[r * side:(r + 1) * side] for r in range(side))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def main():
    idx_dir = sys.argv[1] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[-1]
    for part, prefix in (("train", "train"), ("test", "t10k")):
        (count, rows, cols), pixels = read_idx(find(idx_dir, prefix + "-images-idx3-ubyte"))
        _, labels = read_idx(find(idx_dir, prefix + "-labels-idx1-ubyte"))
        for name in CLASSES:
            os.makedirs(os.path.join(out, part, name), exist_ok=True)
        size = rows * cols
        for i in range(count):
            path = os.path.join(out, part, CLASSES[labels[i]], f"{i:05d}.png")
            with open(path, "wb") as f:
                f.write(png(pixels[i * size:(i + 1) * size], rows))
        print(f"{part}: {count} images")


if __name__ == "__main__":
    main()
