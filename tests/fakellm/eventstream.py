"""The AWS binary event-stream encoding (``application/vnd.amazon.eventstream``),
used by Bedrock's ``converse-stream``.

A message is::

    total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 (of the 8 bytes before)
    headers | payload | message CRC32 (of everything before it)

and a header is ``name length (uint8) | name | type (uint8) | value``; for the
string type (7) the value is ``length (uint16 BE) | utf-8 bytes``.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any, Iterator

STRING = 7
PRELUDE = 12  # total length, headers length, prelude CRC


def encode_headers(headers: dict[str, str]) -> bytes:
    out = bytearray()
    for name, value in headers.items():
        n = name.encode()
        v = value.encode()
        out += struct.pack(">B", len(n)) + n + struct.pack(">BH", STRING, len(v)) + v
    return bytes(out)


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    h = encode_headers(headers)
    total = PRELUDE + len(h) + len(payload) + 4
    prelude = struct.pack(">II", total, len(h))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + h + payload
    return body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def event(event_type: str, payload: Any) -> bytes:
    """One ``:message-type event`` message with a JSON payload (bytes are sent as they are)."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return encode_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        data,
    )


def exception(exception_type: str, message: str) -> bytes:
    """An in-stream ``:message-type exception`` message (e.g. throttlingException)."""
    return encode_message(
        {":exception-type": exception_type, ":content-type": "application/json", ":message-type": "exception"},
        json.dumps({"message": message}).encode(),
    )


def decode(data: bytes) -> Iterator[tuple[dict[str, str], bytes]]:
    """Decode a buffer of whole messages, checking both CRCs (for tests)."""
    pos = 0
    while pos < len(data):
        total, hlen, pcrc = struct.unpack_from(">III", data, pos)
        if zlib.crc32(data[pos : pos + 8]) & 0xFFFFFFFF != pcrc:
            raise ValueError("prelude CRC mismatch")
        msg = data[pos : pos + total]
        (mcrc,) = struct.unpack_from(">I", msg, total - 4)
        if zlib.crc32(msg[:-4]) & 0xFFFFFFFF != mcrc:
            raise ValueError("message CRC mismatch")
        headers: dict[str, str] = {}
        h = PRELUDE
        end = PRELUDE + hlen
        while h < end:
            (nlen,) = struct.unpack_from(">B", msg, h)
            name = msg[h + 1 : h + 1 + nlen].decode()
            h += 1 + nlen
            typ, vlen = struct.unpack_from(">BH", msg, h)
            if typ != STRING:
                raise ValueError(f"unsupported header type {typ}")
            headers[name] = msg[h + 3 : h + 3 + vlen].decode()
            h += 3 + vlen
        yield headers, msg[end:-4]
        pos += total
