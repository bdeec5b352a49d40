#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A valid quote whose every printable string is hostile to a terminal.

  mk_escape_quote.py OUT.cbor ROOT.pem

iss, sub, the content type, the leaf's subject and its TCG DICE TCB info
(vendor, model, version) carry ESC sequences (colour, OSC title, CSI as
the C1 byte U+009B), carriage returns, BEL, DEL, backspace and, where
the encoding allows (CBOR text strings), NUL.  tests/tools/t-verify.sh
checks that `tdx-quote dump` prints none of them raw
(docs/verifier.md "Showing an unverified quote").  Fresh keys each run;
built with gen_quotes.py's helpers.  Debian's /usr/bin/python3 only.
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_quotes as g  # noqa: E402

ESC = '\x1b[31mRED\x1b[0m\x1b]0;pwned\x07\r\x08\x7f\u009b2J'


def main():
    out, root_out = sys.argv[1], sys.argv[2]
    root = g.mkcert('escape root')
    inter = g.mkcert('escape intermediate', root, bc=(True, 0))
    tcb = g.tcb_info(vendor=g.INTEL, model='model' + ESC,
                     version='v' + ESC, svn=1, layer=1,
                     fwids=[hashlib.sha384(b'x').digest()])
    leaf = g.mkcert('leaf' + ESC, inter, bc=(False, None), usage='leaf',
                    tcb=tcb)
    c = g.Claims(g.new_report())
    c.top[1] = 'iss' + ESC + '\x00after-nul'
    c.top[2] = 'sub' + ESC
    q = g.doc(c.encode(), leaf, [leaf.der, inter.der],
              ct='ct' + ESC + '\x00')
    with open(out, 'wb') as f:
        f.write(q)
    with open(root_out, 'wb') as f:
        f.write(root.pem)


if __name__ == '__main__':
    main()
