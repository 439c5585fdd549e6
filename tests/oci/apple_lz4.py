"""apple_lz4.py - Apple's Compression-framework LZ4 stream framing, written
independently of userspace/oci/apple_lz4.c so that each checks the other:
"bv41" u32le raw u32le packed + an LZ4 block compressed against the previous
block's bytes; "bv4-" u32le size + stored bytes; "bv4$" ends the stream."""
import struct

import lz4.block


def encode(data, block_size=65536, chain=True):
    out, prev = [], b""
    for i in range(0, len(data), block_size):
        raw = data[i:i + block_size]
        kw = {"dict": prev} if chain and prev else {}
        packed = lz4.block.compress(raw, mode="default", store_size=False, **kw)
        if len(packed) < len(raw):
            out.append(b"bv41" + struct.pack("<II", len(raw), len(packed)) + packed)
        else:
            out.append(b"bv4-" + struct.pack("<I", len(raw)) + raw)
        prev = raw
    out.append(b"bv4$")
    return b"".join(out)


def decode(stream):
    out, prev, i = [], b"", 0
    while True:
        mark = stream[i:i + 4]
        i += 4
        if mark == b"bv4$":
            if i != len(stream):
                raise ValueError("bytes after the end marker")
            return b"".join(out)
        if mark == b"bv41":
            if i + 8 > len(stream):
                raise ValueError("truncated bv41 header")
            raw, packed = struct.unpack("<II", stream[i:i + 8])
            i += 8
            if i + packed > len(stream):
                raise ValueError("truncated bv41 block")
            block = lz4.block.decompress(stream[i:i + packed], uncompressed_size=raw, dict=prev)
            if len(block) != raw:
                raise ValueError("bv41 block size mismatch")
            i += packed
        elif mark == b"bv4-":
            if i + 4 > len(stream):
                raise ValueError("truncated bv4- header")
            (raw,) = struct.unpack("<I", stream[i:i + 4])
            i += 4
            if i + raw > len(stream):
                raise ValueError("truncated bv4- block")
            block = stream[i:i + raw]
            i += raw
        elif not mark:
            raise ValueError("no end marker")
        else:
            raise ValueError("unknown block marker %r" % mark)
        out.append(block)
        prev = block
