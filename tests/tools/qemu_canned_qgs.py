#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A fake QGS with canned replies, to check tests/tools/qemu_qgs_client.c
itself (tests/tools/t-qgs-qemu.sh, tools/qgsd-qemu/client/*): replies
tdx-qgsd never sends, each of which QEMU's tdx_get_quote_read judges in
its own way.

    qemu_canned_qgs.py SOCKET READY-FILE LOG

Serves one request per connection until SIGTERM.  The request must be
framed as QEMU's tdx_generate_quote frames it (checked here, written
without the client's code: version 1.1, type 0, size and report_size
adding up, no id list); its report is "case:NAME", which picks the reply.
Each request is logged to LOG as "NAME ok" or "NAME bad-request: WHY"."""

import os
import signal
import socket
import struct
import sys


def frame(body):
    return struct.pack(">I", len(body)) + body


def resp(quote=b"", major=1, minor=1, typ=1, size=None, error=0, sel=0,
         qsize=None):
    body_len = 24 + len(quote)
    return frame(struct.pack("<HHIIIII", major, minor, typ,
                             body_len if size is None else size, error, sel,
                             len(quote) if qsize is None else qsize) + quote)


Q = bytes(range(100))
BIG = bytes((i * 13) & 0xFF for i in range(9000 - 24))
CASES = {
    "quote": lambda: resp(Q),
    "prefix-0": lambda: b"\0\0\0\0",
    "version-1.0": lambda: resp(Q, minor=0),
    "version-2.1": lambda: resp(Q, major=2),
    "type-3": lambda: resp(Q, typ=3),
    "size-above-length": lambda: resp(Q, size=125),
    "size-below-length": lambda: resp(Q, size=16),
    "selected-id": lambda: resp(Q, sel=4),
    "quote-size-short": lambda: resp(Q, qsize=99),
    "error-garbage-body": lambda: resp(error=0x12001, sel=7, qsize=5),
    "short-success": lambda: frame(struct.pack("<HHIII", 1, 1, 1, 16, 0)),
    "trailing": lambda: resp(Q) + b"xyz",
    "eof-mid-frame": lambda: resp(Q)[:60],
    "no-reply": lambda: b"",
    "too-large-garbage": lambda: struct.pack(">I", 9000) + b"\xee" * 9000,
    "too-large-quote": lambda: resp(BIG),
}


def check_request(c):
    """Read one request; its case name, or raise ValueError."""
    def recv_all(n):
        b = b""
        while len(b) < n:
            chunk = c.recv(n - len(b))
            if not chunk:
                raise ValueError("end of stream after %d of %d bytes" %
                                 (len(b), n))
            b += chunk
        return b

    (length,) = struct.unpack(">I", recv_all(4))
    if length < 24 or length > 65536:
        raise ValueError("length %d" % length)
    body = recv_all(length)
    major, minor, typ, size, err, rsize, idsize = struct.unpack(
        "<HHIIIII", body[:24])
    if (major, minor, typ, err, idsize) != (1, 1, 0, 0, 0):
        raise ValueError("header %d.%d type %d error %d id_list %d" %
                         (major, minor, typ, err, idsize))
    if size != length or rsize != length - 24:
        raise ValueError("size %d report_size %d for length %d" %
                         (size, rsize, length))
    report = body[24:]
    if not report.startswith(b"case:"):
        raise ValueError("report %r" % report[:16])
    return report[5:].decode()


def main():
    path, ready, log = sys.argv[1:4]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(16)
    open(ready, "w").close()
    with open(log, "a", buffering=1) as lg:
        while True:
            c, _ = s.accept()
            with c:
                try:
                    name = check_request(c)
                except ValueError as e:
                    lg.write("? bad-request: %s\n" % e)
                    continue
                if name not in CASES:
                    lg.write("%s bad-request: no such case\n" % name)
                    continue
                lg.write("%s ok\n" % name)
                reply = CASES[name]()
                try:
                    if name == "quote":
                        # A byte at a time: the client reads in pieces.
                        for i in range(len(reply)):
                            c.sendall(reply[i:i + 1])
                    else:
                        c.sendall(reply)
                except OSError:
                    pass


if __name__ == "__main__":
    main()
