#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Independent checker of a DICE quote document (ABI.md sections 6 and 7), as
built by src/common/tdx_quote_doc.c.  Run with Debian's /usr/bin/python3
(python3-cbor2, python3-cryptography).

  check_quote_doc.py QUOTE PUBKEY_PEM TDREPORT [--tbs FILE] [--iss S]
      [--sub S] [--kid HEX] [--profile HEX] [--content-type S]
      [--cert DER_FILE]... [--root ROOT_CERT]
  check_quote_doc.py QUOTE - TDREPORT --root ROOT_CERT [options as above]

Checks: deterministic encoding (RFC 8949 section 4.2.1) of the document and
of every embedded CBOR bstr; the CWT/COSE_Sign1 structure; the ES384
signature over the Sig_structure (rebuilt here with cbor2) with PUBKEY_PEM;
the certificates (leaf key == PUBKEY_PEM, each certificate signed by the
next, the last one's self-signature if it is self-issued); the claims; and
that report_data and every measurement equal the TDREPORT's bytes at the
ABI.md offsets.

With --root ROOT_CERT (PEM or DER) the x5bag is treated as a bag: the path
is built from the leaf (the one certificate that issued none of the
others) through the bag to the pinned root, in whatever order the bag
holds them; every certificate must be on that path, every issuer a CA, a
self-signed certificate in the bag must be the pinned root itself, and the
root must be self-signed.  With PUBKEY_PEM "-" the signing key is the
leaf's key.

Exit status: 0 all good, 1 a check failed, 2 usage or I/O error,
3 the signature did not verify.
"""
import argparse
import sys

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


class Bad(Exception):
    pass


class BadSig(Exception):
    pass


class Usage(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Bad(what)


# --- strict deterministic-encoding walker (independent of cbor2) ----------

def _head(buf, pos):
    need(pos < len(buf), "truncated head")
    ib = buf[pos]
    mt, ai = ib >> 5, ib & 0x1F
    pos += 1
    if ai < 24:
        return mt, ai, ai, pos
    need(ai <= 27, "indefinite length or reserved additional info %d" % ai)
    n = 1 << (ai - 24)
    need(pos + n <= len(buf), "truncated argument")
    v = int.from_bytes(buf[pos:pos + n], "big")
    if mt != 7:
        minimum = {24: 24, 25: 0x100, 26: 0x10000, 27: 0x100000000}[ai]
        need(v >= minimum, "non-shortest head at offset %d" % (pos - 1))
    return mt, ai, v, pos + n


def _walk(buf, pos, depth=0):
    need(depth < 64, "nesting too deep")
    mt, ai, v, pos = _head(buf, pos)
    if mt in (0, 1):
        return pos
    if mt in (2, 3):
        need(pos + v <= len(buf), "truncated string")
        if mt == 3:
            buf[pos:pos + v].decode("utf-8")
        return pos + v
    if mt == 4:
        for _ in range(v):
            pos = _walk(buf, pos, depth + 1)
        return pos
    if mt == 5:
        prev = None
        for _ in range(v):
            start = pos
            pos = _walk(buf, pos, depth + 1)
            key = bytes(buf[start:pos])
            need(prev is None or key > prev,
                 "map keys not in bytewise order (or duplicate) at %d" % start)
            prev = key
            pos = _walk(buf, pos, depth + 1)
        return pos
    if mt == 6:
        return _walk(buf, pos, depth + 1)
    need(ai < 24 and v in (20, 21, 22, 23), "unexpected simple/float")
    return pos


def deterministic(buf, what):
    try:
        end = _walk(buf, 0)
    except UnicodeDecodeError:
        raise Bad("%s: invalid UTF-8" % what)
    except Bad as e:
        raise Bad("%s: %s" % (what, e))
    need(end == len(buf), "%s: trailing bytes" % what)
    return cbor2.loads(buf)


# --- expected values, from ABI.md section 6 ------------------------------

TEE = 256     # TEE_TCB_INFO
TD = 512      # TDINFO
TEE_TCB_SVN = TEE + 8       # 16 bytes: the TDX module's SVN at TD build
TEE_TCB_SVN2 = TEE + 128    # 16 bytes: the same after TD-preserving updates
OID = "2.16.840.1.113741.1.13.2.%d.0"
PLATFORM = OID % 1
SEAM = OID % 8


def expected_submods(rep):
    """OID -> (model, origin values, current values), as go-tdx-guest's
    abi/dice.go reads them (docs/verifier.md steps 21-23): the platform
    TCB's origin and current are TEE_TCB_SVN and TEE_TCB_SVN2; the other
    submodules have one view, written as identical origin and current."""
    def dg(off):
        return [7, rep[off:off + 48]]

    td = {
        -82: rep[TD:TD + 8],
        -83: dg(TD + 16),
        -201: rep[TD + 8:TD + 16],
        -203: dg(TD + 64),
        -204: dg(TD + 112),
        -205: dg(TD + 160),
    }
    for i in range(4):
        td[-206 - i] = dg(TD + 208 + 48 * i)
    seam = {
        -82: rep[TEE + 120:TEE + 128],
        -83: dg(TEE + 24),
        -84: dg(TEE + 72),
    }
    servtd = {-210: dg(TD + 400)}
    return {
        PLATFORM: ("tdx-platform-tcb",
                   {-125: list(rep[TEE_TCB_SVN:TEE_TCB_SVN + 16])},
                   {-125: list(rep[TEE_TCB_SVN2:TEE_TCB_SVN2 + 16])}),
        OID % 4: ("tdx-td", td, td),
        OID % 7: ("tdx-service-td", servtd, servtd),
        SEAM: ("tdx-seam", seam, seam),
    }


def evidence_values(item):
    """The values map {key: value} of 571(<< ce >>), for explicit checks."""
    ce = cbor2.loads(item.value)
    return ce[0][0][0][1][0][1]


def check_evidence(item, model, values, what):
    need(isinstance(item, cbor2.CBORTag) and item.tag == 571,
         "%s: not tag 571" % what)
    need(isinstance(item.value, bytes), "%s: tag 571 of a non-bstr" % what)
    ce = deterministic(item.value, what)
    need(isinstance(ce, dict) and list(ce) == [0], "%s: ce keys" % what)
    triples = ce[0]
    need(isinstance(triples, dict) and list(triples) == [0],
         "%s: ev-triples keys" % what)
    recs = triples[0]
    need(isinstance(recs, list) and len(recs) == 1, "%s: triples" % what)
    rec = recs[0]
    need(isinstance(rec, list) and len(rec) == 2, "%s: record" % what)
    env, meas = rec
    need(env == {0: {1: "Intel Corporation", 2: model}},
         "%s: environment %r" % (what, env))
    need(isinstance(meas, list) and len(meas) == 1, "%s: measurements" % what)
    need(meas[0] == {1: values}, "%s: values differ from the TDREPORT:\n"
         "  got  %r\n  want %r" % (what, meas[0], {1: values}))


def load_cert(name):
    with open(name, "rb") as f:
        data = f.read()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _signed_by(c, issuer):
    """c's issuer name is issuer's subject and issuer's key verifies c."""
    if c.issuer != issuer.subject:
        return False
    key = issuer.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(c.signature, c.tbs_certificate_bytes,
                   ec.ECDSA(c.signature_hash_algorithm))
    except InvalidSignature:
        return False
    return True


def _check_ca(c, what):
    try:
        bc = c.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        raise Bad("%s: no basicConstraints, but it issues certificates" % what)
    need(bc.value.ca, "%s: not a CA, but it issues certificates" % what)
    try:
        ku = c.extensions.get_extension_for_class(x509.KeyUsage)
    except x509.ExtensionNotFound:
        return
    need(ku.value.key_cert_sign, "%s: keyUsage lacks keyCertSign" % what)


def bag_path(parsed, root):
    """The path leaf -> ... -> (issued by) root through the x5bag."""
    der = serialization.Encoding.DER
    root_der = root.public_bytes(der)
    need(root.issuer == root.subject and _signed_by(root, root),
         "the pinned root is not self-signed")
    others = []
    for i, c in enumerate(parsed):
        if c.public_bytes(der) == root_der:
            continue            # the root may travel in the bag too
        need(not (c.issuer == c.subject and _signed_by(c, c)),
             "certificate %d of the x5bag is self-signed but is not the "
             "pinned root (%s)" % (i, c.subject.rfc4514_string()))
        others.append((i, c))
    need(others, "the x5bag holds no certificate but the root")
    leaves = [(i, c) for i, c in others
              if not any(j != i and _signed_by(o, c) for j, o in others)]
    need(len(leaves) == 1, "x5bag: %d certificates issue none of the others "
         "(want exactly one leaf)" % len(leaves))
    path = [leaves[0]]
    used = {leaves[0][0]}
    while True:
        i, cur = path[-1]
        need(isinstance(cur.signature_hash_algorithm, hashes.SHA384),
             "certificate %d: not SHA-384" % i)
        if _signed_by(cur, root):
            break
        nxt = [(j, o) for j, o in others
               if j not in used and _signed_by(cur, o)]
        need(len(nxt) == 1, "certificate %d (%s): %s issuer in the x5bag, and "
             "the pinned root did not issue it" %
             (i, cur.subject.rfc4514_string(), "no" if not nxt else
              "more than one"))
        _check_ca(nxt[0][1], "certificate %d" % nxt[0][0])
        path.append(nxt[0])
        used.add(nxt[0][0])
    _check_ca(root, "the pinned root")
    need(isinstance(root.signature_hash_algorithm, hashes.SHA384),
         "the pinned root: not SHA-384")
    need(len(used) == len(others), "x5bag: certificate(s) %s not on the path "
         "from the leaf to the root" %
         sorted(j for j, _ in others if j not in used))
    return [c for _, c in path]


def check(args):
    with open(args.quote, "rb") as f:
        doc = f.read()
    with open(args.tdreport, "rb") as f:
        rep = f.read()
    root = load_cert(args.root) if args.root else None
    if args.pubkey == "-":
        if root is None:
            raise Usage("PUBKEY_PEM '-' (the leaf's key) needs --root")
        pub = None
    else:
        with open(args.pubkey, "rb") as f:
            pub = serialization.load_pem_public_key(f.read())
    need(len(rep) == 1024, "TDREPORT is %d bytes" % len(rep))

    need(doc[:4] == bytes.fromhex("d83dd284"), "does not start d8 3d d2 84")
    top = deterministic(doc, "document")
    need(isinstance(top, cbor2.CBORTag) and top.tag == 61, "not tag 61")
    sign1 = top.value
    need(isinstance(sign1, cbor2.CBORTag) and sign1.tag == 18, "not tag 18")
    need(isinstance(sign1.value, list) and len(sign1.value) == 4,
         "COSE_Sign1 is not a 4-array")
    prot, unprot, payload, sig = sign1.value

    need(prot == bytes.fromhex("a1013822"), "protected header %r" % prot)
    need(deterministic(prot, "protected") == {1: -35}, "alg is not ES384")

    need(isinstance(unprot, dict) and sorted(unprot) == [3, 4, 32],
         "unprotected header keys %r" % (sorted(unprot),))
    if args.content_type is not None:
        need(unprot[3] == args.content_type, "content type %r" % unprot[3])
    need(isinstance(unprot[3], str), "content type is not a tstr")
    need(isinstance(unprot[4], bytes), "kid is not a bstr")
    if args.kid is not None:
        need(unprot[4] == bytes.fromhex(args.kid), "kid %s" % unprot[4].hex())
    certs = unprot[32]
    need(isinstance(certs, list) and certs and
         all(isinstance(c, bytes) for c in certs), "x5bag is not [+ bstr]")
    if args.cert:
        want = []
        for name in args.cert:
            with open(name, "rb") as f:
                want.append(f.read())
        need(certs == want, "x5bag differs from the --cert files")

    need(isinstance(payload, bytes), "payload is not a bstr")
    need(isinstance(sig, bytes) and len(sig) == 96, "signature is not 96 B")

    parsed = [x509.load_der_x509_certificate(c) for c in certs]
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if root is not None:
        path = bag_path(parsed, root)
        if pub is None:
            pub = path[0].public_key()

    # The signature, over a Sig_structure rebuilt independently.
    tbs = cbor2.dumps(["Signature1", prot, b"", payload])
    if args.tbs:
        with open(args.tbs, "rb") as f:
            need(f.read() == tbs, "tdx_quote_doc_tbs() output differs from "
                 "the Sig_structure of the document")
    need(isinstance(pub, ec.EllipticCurvePublicKey) and
         pub.curve.name == "secp384r1", "public key is not P-384")
    der = utils.encode_dss_signature(int.from_bytes(sig[:48], "big"),
                                     int.from_bytes(sig[48:], "big"))
    try:
        pub.verify(der, tbs, ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        raise BadSig("ES384 signature does not verify")

    # The certificates: leaf holds the signing key; each signed by the next
    # (with --root: the path built above).
    leaf = path[0] if root is not None else parsed[0]
    need(leaf.public_key().public_bytes(serialization.Encoding.DER, spki)
         == pub.public_bytes(serialization.Encoding.DER, spki),
         "leaf certificate's key is not the signing key")
    for i, c in enumerate(parsed if root is None else []):
        need(isinstance(c.signature_hash_algorithm, hashes.SHA384),
             "certificate %d: not SHA-384" % i)
        if i + 1 < len(parsed):
            issuer = parsed[i + 1]
        elif c.issuer == c.subject:
            issuer = c
        else:
            continue        # issued by a root that is not in the bag
        need(c.issuer == issuer.subject, "certificate %d: issuer" % i)
        try:
            issuer.public_key().verify(c.signature, c.tbs_certificate_bytes,
                                       ec.ECDSA(c.signature_hash_algorithm))
        except InvalidSignature:
            raise Bad("certificate %d: bad signature" % i)

    # The claims.
    claims = deterministic(payload, "payload")
    need(isinstance(claims, dict) and
         sorted(claims) == sorted([1, 2, 265, -11, -212]),
         "claim keys %r" % (sorted(claims),))
    if args.iss is not None:
        need(claims[1] == args.iss, "iss %r" % claims[1])
    if args.sub is not None:
        need(claims[2] == args.sub, "sub %r" % claims[2])
    need(isinstance(claims[1], str) and isinstance(claims[2], str),
         "iss/sub not tstr")
    need(isinstance(claims[265], bytes), "eat_profile is not a bstr")
    if args.profile is not None:
        need(claims[265] == bytes.fromhex(args.profile), "eat_profile")
    need(claims[-212] == rep[128:192], "report_data != TDREPORT REPORTDATA")

    subs = claims[-11]
    want = expected_submods(rep)
    need(isinstance(subs, dict) and sorted(subs) == sorted(want),
         "submod keys %r" % (sorted(subs) if isinstance(subs, dict) else 0,))
    for oid, (model, origin, current) in want.items():
        sm = subs[oid]
        need(isinstance(sm, dict) and sorted(sm) == ["0", "1"],
             "%s: not {\"0\", \"1\"}" % oid)
        check_evidence(sm["0"], model, origin, oid + " origin")
        check_evidence(sm["1"], model, current, oid + " current")

    # Spelled out (the comparisons above imply them): the platform TCB's
    # origin is TEE_TCB_SVN, its current TEE_TCB_SVN2, CPUSVN is nowhere,
    # and the SEAM submodule has no SVN vector.
    p0 = evidence_values(subs[PLATFORM]["0"])
    p1 = evidence_values(subs[PLATFORM]["1"])
    need(p0.get(-125) == list(rep[TEE_TCB_SVN:TEE_TCB_SVN + 16]),
         "platform \"0\" -125 is not the TDREPORT's TEE_TCB_SVN")
    need(p1.get(-125) == list(rep[TEE_TCB_SVN2:TEE_TCB_SVN2 + 16]),
         "platform \"1\" -125 is not the TDREPORT's TEE_TCB_SVN2")
    for half in ("0", "1"):
        need(-125 not in evidence_values(subs[SEAM][half]),
             "SEAM \"%s\" has a -125 (tee_tcb_svn belongs to the platform "
             "TCB)" % half)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("quote")
    ap.add_argument("pubkey")
    ap.add_argument("tdreport")
    ap.add_argument("--tbs")
    ap.add_argument("--iss")
    ap.add_argument("--sub")
    ap.add_argument("--kid")
    ap.add_argument("--profile")
    ap.add_argument("--content-type")
    ap.add_argument("--cert", action="append")
    ap.add_argument("--root", metavar="ROOT_CERT",
                    help="pin this root (PEM or DER) and build the path "
                    "through the x5bag; PUBKEY_PEM may then be '-'")
    args = ap.parse_args()
    try:
        check(args)
    except (OSError, Usage) as e:
        print("check_quote_doc: %s" % e, file=sys.stderr)
        return 2
    except BadSig as e:
        print("check_quote_doc: %s" % e, file=sys.stderr)
        return 3
    except (Bad, ValueError, KeyError, cbor2.CBORDecodeError) as e:
        print("check_quote_doc: check failed: %s" % e, file=sys.stderr)
        return 1
    print("check_quote_doc: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
