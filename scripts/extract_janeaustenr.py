#!/usr/bin/env python3
"""Extracts the six Jane Austen novels from Debian's r-cran-janeaustenr package data.

usage: extract_janeaustenr.py RDATA_RDB OUT_DIR

Rdata.rdb is R's lazy-load database: records of a 4-byte big-endian length followed by a
zlib stream. Each stream is an R-serialized (XDR, version 3) character vector holding one
novel, a line per element. Each novel is written as OUT_DIR/<name>.txt, lines joined by "\n"
with a final newline. Standard library only.
"""
import os
import struct
import sys
import zlib

# First line of each novel -> file name (the names the janeaustenr package uses).
TITLES = {
    "SENSE AND SENSIBILITY": "sensesensibility",
    "PRIDE AND PREJUDICE": "prideprejudice",
    "MANSFIELD PARK": "mansfieldpark",
    "EMMA": "emma",
    "NORTHANGER ABBEY": "northangerabbey",
    "PERSUASION": "persuasion",
}
STRSXP, CHARSXP = 16, 9


def records(blob):
    pos = 0
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos:pos + 4])
        inflater = zlib.decompressobj()
        raw = inflater.decompress(blob[pos + 4:])
        if len(raw) != length:
            raise ValueError(f"record at {pos}: expected {length} bytes, got {len(raw)}")
        yield raw
        pos = len(blob) - len(inflater.unused_data)


def character_vector(raw):
    if raw[:2] != b"X\n":
        raise ValueError("not an XDR R serialization")
    pos = 2
    version, _, _ = struct.unpack(">iii", raw[pos:pos + 12])
    pos += 12
    if version == 3:
        (enc_len,) = struct.unpack(">i", raw[pos:pos + 4])
        pos += 4 + enc_len
    (flags,) = struct.unpack(">i", raw[pos:pos + 4])
    pos += 4
    if flags & 0xFF != STRSXP:
        return None
    (count,) = struct.unpack(">i", raw[pos:pos + 4])
    pos += 4
    lines = []
    for _ in range(count):
        flags, length = struct.unpack(">ii", raw[pos:pos + 8])
        pos += 8
        if flags & 0xFF != CHARSXP:
            raise ValueError("unexpected element type in character vector")
        if length < 0:  # NA_character_
            lines.append("")
            continue
        lines.append(raw[pos:pos + length].decode("utf-8"))
        pos += length
    return lines


def main():
    rdb, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    found = set()
    with open(rdb, "rb") as f:
        blob = f.read()
    for raw in records(blob):
        lines = character_vector(raw)
        if not lines:
            continue
        title = next((line.strip().upper() for line in lines if line.strip()), "")
        name = TITLES.get(title)
        if name is None:
            continue
        tmp = os.path.join(out_dir, f".{name}.txt.tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            out.write("\n".join(lines) + "\n")
        os.replace(tmp, os.path.join(out_dir, f"{name}.txt"))
        found.add(name)
    missing = sorted(set(TITLES.values()) - found)
    if missing:
        sys.exit(f"extract_janeaustenr: novels not found in {rdb}: {', '.join(missing)}")
    print(f"extract_janeaustenr: wrote {len(found)} novels to {out_dir}")


if __name__ == "__main__":
    main()
