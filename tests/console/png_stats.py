#!/usr/bin/env python3
"""Prints what a PNG screenshot holds, for the browser tests: its width,
its height, how many distinct colours it uses and the share of pixels that
differ from the top-left one (the page background). Standard library only:
the chunks are read by hand and the scanlines unfiltered (PNG spec, 9.2).
Exit 2 on anything that is not an 8-bit RGB or RGBA PNG."""
import struct
import sys
import zlib


def read_chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + paeth(left, up, corner)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return rows


def main(path):
    chunks = list(read_chunks(open(path, "rb").read()))
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    if chunks[0][0] != b"IHDR" or depth != 8 or colour not in (2, 6):
        print("unsupported PNG", file=sys.stderr)
        return 2
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
    rows = unfilter(raw, width, height, bpp)
    background = rows[0][:bpp]
    colours, other = set(), 0
    for row in rows:
        for x in range(0, len(row), bpp):
            pixel = row[x:x + bpp]
            colours.add(pixel)
            other += pixel != background
    print(width, height, len(colours), "%.4f" % (other / (width * height)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
