#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Test-vector generator for the quote verifier (docs/verifier.md).

Independent of the kernel code: fresh P-384 keys and certificates
(python3-cryptography) and the DICE quote document of ABI.md section 7
built with python3-cbor2 (plus raw bytes where a vector needs an encoding
cbor2 would not produce: RawMap for maps with duplicate keys, Raw for
non-shortest heads and floats of a given width).  The claims are those
go-tdx-guest reads (platform "0"/"1" -125 = TEE_TCB_SVN / TEE_TCB_SVN2);
every standard leaf carries a critical tcg-dice-TcbInfo naming Intel
Corporation, DER-encoded here.  Nothing is reused between runs.

  gen_quotes.py OUTDIR [--report FILE]
      OUTDIR/<name>.cbor, OUTDIR/roots/*.pem, OUTDIR/policies/*,
      OUTDIR/manifest.json: [{name, file, args, expect, why}, ...]
      (paths in args are relative to OUTDIR)
  gen_quotes.py --one OUT.cbor --root-out ROOT.pem [--report-out R.bin]
                [--no-root]
      one valid quote (x5bag: leaf, intermediate, root; --no-root: without
      the root) and its root
  gen_quotes.py --fuzz-seeds DIR --root-out ROOT.pem
      the seed corpus of tools/fuzz (long-lived test root; see
      tools/fuzz/fuzz_quote_verify.c)

Runs only with Debian's /usr/bin/python3 (cbor2, cryptography).
"""
import argparse
import datetime
import hashlib
import json
import os
import sys

import cbor2
from cbor2 import CBORTag
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import \
    decode_dss_signature
from cryptography.x509.oid import NameOID

P384 = ec.SECP384R1()
DAY = datetime.timedelta(days=1)
NOW = datetime.datetime.utcnow().replace(microsecond=0)
MAX_QUOTE = 16 << 20
PROT = bytes.fromhex('a1013822')       # << {1: -35} >>
OID = '2.16.840.1.113741.1.13.2.%d.0'
SM_PLATFORM, SM_TD, SM_SERVICE, SM_SEAM = 1, 4, 7, 8
MODEL = {1: 'tdx-platform-tcb', 4: 'tdx-td', 7: 'tdx-service-td',
         8: 'tdx-seam'}

# ---- raw CBOR -------------------------------------------------------------


def head(major, val, width=None):
    """Head of an item; width None: shortest, else 0 (in ai), 1, 2, 4, 8."""
    if width is None:
        width = (0 if val < 24 else 1 if val < 0x100 else
                 2 if val < 0x10000 else 4 if val < 0x100000000 else 8)
    if width == 0:
        return bytes([major << 5 | val])
    ai = {1: 24, 2: 25, 4: 26, 8: 27}[width]
    return bytes([major << 5 | ai]) + val.to_bytes(width, 'big')


def bstr(b, width=None):
    return head(2, len(b), width) + b


class Raw:
    """Bytes spliced into a cb() encoding as they are (an item in a form
    cbor2 would not write: non-shortest heads, floats of a given width)."""

    def __init__(self, b):
        self.b = b


class RawMap:
    """A map as a list of pairs, written in that order: two equal keys
    are possible (cbor2 writes a dict, which has none)."""

    def __init__(self, pairs):
        self.pairs = list(pairs)


def _cb_default(enc, v):
    if isinstance(v, Raw):
        enc.write(v.b)
    elif isinstance(v, RawMap):
        enc.encode_length(5, len(v.pairs))
        for k, x in v.pairs:
            enc.encode(k)
            enc.encode(x)
    else:
        raise TypeError('cannot encode %r' % (v,))


def cb(obj):
    return cbor2.dumps(obj, default=_cb_default)


def with_pairs(d, extra):
    """dict d as a RawMap with extra pairs after its own."""
    return RawMap(list(d.items()) + list(extra))


def envelope(prot, unprot, payload, sig, tags=(61, 18), extra=()):
    """61(18([bstr prot, unprot (encoded), bstr payload, bstr sig]))."""
    items = [bstr(prot), unprot, bstr(payload), bstr(sig)] + list(extra)
    out = head(4, len(items)) + b''.join(items)
    for t in reversed(tags):
        out = head(6, t) + out
    return out

# ---- keys and certificates -------------------------------------------------


def new_key(curve=P384):
    return ec.generate_private_key(curve)


def mkname(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                           'tdx-ext tests (not trustworthy)'),
        x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ku(digsig=False, certsign=False, keyagree=False):
    return x509.KeyUsage(digital_signature=digsig, content_commitment=False,
                         key_encipherment=False, data_encipherment=False,
                         key_agreement=keyagree, key_cert_sign=certsign,
                         crl_sign=certsign, encipher_only=False,
                         decipher_only=False)


class Ent:
    """A key and its certificate."""

    def __init__(self, key, cert):
        self.key, self.cert = key, cert
        self.der = cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)


def mkcert(cn, issuer=None, key=None, bc=(True, None), usage='ca',
           nb=None, na=None, hash_alg=None, subject=None, tcb=None,
           tcb_crit=True, eku=None, eku_crit=False, exts=()):
    """issuer None: self-signed.  bc: (ca, pathlen) or None (absent);
    usage: 'ca', 'leaf', a KeyUsage, or None (absent); tcb: the DER of a
    tcg-dice-TcbInfo extension value (critical unless tcb_crit is false);
    eku: a list of key-purpose OIDs (dotted) for extendedKeyUsage; exts:
    more (ExtensionType, critical) pairs, added last."""
    key = key or new_key()
    name = subject or mkname(cn)
    iname = issuer.cert.subject if issuer else name
    skey = issuer.key if issuer else key
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(iname)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(nb or NOW - DAY)
         .not_valid_after(na or NOW + 365 * DAY))
    if bc is not None:
        b = b.add_extension(x509.BasicConstraints(ca=bc[0],
                                                  path_length=bc[1]), True)
    if usage == 'ca':
        usage = ku(certsign=True)
    elif usage == 'leaf':
        usage = ku(digsig=True)
    if usage is not None:
        b = b.add_extension(usage, True)
    b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(
        key.public_key()), False)
    b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
        skey.public_key()), False)
    if eku is not None:
        b = b.add_extension(x509.ExtendedKeyUsage(
            [x509.ObjectIdentifier(o) for o in eku]), eku_crit)
    if tcb is not None:
        b = b.add_extension(dice_ext(OID_TCB_INFO, tcb), tcb_crit)
    for e, crit in exts:
        b = b.add_extension(e, crit)
    if hash_alg is None:
        hash_alg = hashes.SHA384()
    return Ent(key, b.sign(skey, hash_alg))


def der_tlv(b, pos):
    """(tag, header length, content length) of the DER TLV at pos."""
    t, n = b[pos], b[pos + 1]
    if n < 0x80:
        return t, 2, n
    k = n & 0x7f
    return t, 2 + k, int.from_bytes(b[pos + 2:pos + 2 + k], 'big')


def der_children(b):
    t, h, n = der_tlv(b, 0)
    pos, out = h, []
    while pos < h + n:
        _, ch, cn = der_tlv(b, pos)
        out.append(b[pos:pos + ch + cn])
        pos += ch + cn
    return out


def der_len(n):
    if n < 0x80:
        return bytes([n])
    nb = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(nb)]) + nb


def der_seq(content):
    return b'\x30' + der_len(len(content)) + content


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content

# ---- the TCG DICE extensions (docs/verifier.md step 17) ---------------------


OID_TCB_INFO = '2.23.133.5.4.1'
OID_MULTI_TCB_INFO = '2.23.133.5.4.5'
OID_UEID = '2.23.133.5.4.4'
OID_SHA384 = '2.16.840.1.101.3.4.2.2'
EKU_ANY = '2.5.29.37.0'
EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
EKU_ATTEST_INIT = '2.23.133.5.4.100.8'
EKU_ATTEST_LOC = '2.23.133.5.4.100.9'
EKU_IDENTITY_INIT = '2.23.133.5.4.100.6'
INTEL = 'Intel Corporation'


def oid_content(dotted):
    """Content octets of the DER OBJECT IDENTIFIER dotted."""
    a = [int(x) for x in dotted.split('.')]
    out = b''
    for v in [a[0] * 40 + a[1]] + a[2:]:
        chunk = [v & 0x7f]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7f))
            v >>= 7
        out += bytes(reversed(chunk))
    return out


def der_uint(n):
    """Content octets of a DER INTEGER n >= 0."""
    return n.to_bytes(max(1, (n.bit_length() + 8) // 8), 'big')


def fwid(digest, alg=OID_SHA384):
    return der_seq(tlv(0x06, oid_content(alg)) + tlv(0x04, digest))


def tcb_fields(vendor=INTEL, model=None, version=None, svn=None,
               layer=None, index=None, fwids=None, flags=None,
               vendor_info=None, type_=None, flags_mask=None):
    """DiceTcbInfo fields as [(tag, content)] in tag order.  Strings may
    be bytes (as they are); fwids: digests (bytes) or raw FWID DER (a
    tuple (b'raw', der)); flags: BIT STRING content octets."""
    f = []
    for tag, v in ((0x80, vendor), (0x81, model), (0x82, version)):
        if v is not None:
            f.append((tag, v.encode() if isinstance(v, str) else v))
    for tag, v in ((0x83, svn), (0x84, layer), (0x85, index)):
        if v is not None:
            f.append((tag, der_uint(v)))
    if fwids is not None:
        f.append((0xa6, b''.join(x[1] if isinstance(x, tuple) else fwid(x)
                                 for x in fwids)))
    for tag, v in ((0x87, flags), (0x88, vendor_info), (0x89, type_),
                   (0x8a, flags_mask)):
        if v is not None:
            f.append((tag, v))
    return f


def tcb_info(fields=None, **kw):
    """The DER of a DiceTcbInfo from tcb_fields() (or the fields given)."""
    if fields is None:
        fields = tcb_fields(**kw)
    return der_seq(b''.join(tlv(t, c) for t, c in fields))


def multi_tcb(infos):
    return der_seq(b''.join(infos))


def ueid(b):
    return der_seq(tlv(0x04, b))


def dice_ext(oid, value):
    return x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value)


def v1_of(ent, issuer):
    """ent's certificate as X.509 v1 (no version, no extensions), re-signed
    by issuer."""
    tbs, alg, _ = der_children(ent.der)
    kids = [c for c in der_children(tbs) if c[0] not in (0xa0, 0xa3)]
    tbs = der_seq(b''.join(kids))
    sig = issuer.key.sign(tbs, ec.ECDSA(hashes.SHA384()))
    bits = b'\x03' + der_len(len(sig) + 1) + b'\x00' + sig
    e = Ent(ent.key, x509.load_der_x509_certificate(
        der_seq(tbs + alg + bits)))
    return e

# ---- claims ----------------------------------------------------------------


STD_MODEL = 'tdx-ext test TDX module'
STD_LAYER = 1
STD_SVN = 3


def std_tcb(digest):
    """The tcg-dice-TcbInfo of every standard test leaf: Intel's vendor
    string (docs/verifier.md step 27's default), model, layer, svn and
    one SHA-384 FWID."""
    return tcb_info(vendor=INTEL, model=STD_MODEL, svn=STD_SVN,
                    layer=STD_LAYER, fwids=[digest])


def new_report():
    r = bytearray(os.urandom(1024))
    r[0:4] = b'\x81\x00\x00\x00'
    r[512] &= 0xfe          # TD ATTRIBUTES.DEBUG clear (step 28)
    return bytes(r)


def dg(b):
    return [7, b]


def values_of(r, which):
    """The values of each submodule's origin ("0") or current ("1")
    evidence, as go-tdx-guest reads them: platform -125 = TEE_TCB_SVN
    (TDREPORT 264..279) in "0", TEE_TCB_SVN2 (384..399) in "1"."""
    td = {-82: r[512:520], -83: dg(r[528:576]), -201: r[520:528],
          -203: dg(r[576:624]), -204: dg(r[624:672]),
          -205: dg(r[672:720])}
    for i in range(4):
        td[-206 - i] = dg(r[720 + 48 * i:768 + 48 * i])
    svn = r[264:280] if which == '0' else r[384:400]
    return {
        SM_PLATFORM: {-125: list(svn)},
        SM_SEAM: {-82: r[376:384], -83: dg(r[280:328]),
                  -84: dg(r[328:376])},
        SM_TD: td,
        SM_SERVICE: {-210: dg(r[912:960])},
    }


def ce(model, values):
    return cb({0: {0: [[{0: {1: 'Intel Corporation', 2: model}},
                        [{1: values}]]]}})


class Claims:
    """The claims of one quote, as Python values; .encode() -> payload."""

    def __init__(self, report):
        self.report = report
        self.vals = values_of(report, '1')            # current ("1")
        self.origin = values_of(report, '0')          # origin ("0")
        self.order = [SM_PLATFORM, SM_SEAM, SM_TD, SM_SERVICE]
        self.no_current = set()     # ids written without a "1" map
        self.top = {1: 'tdx-ext test generator', 2: 'tdx-ext test TD',
                    265: bytes.fromhex('6086480186f84d010d01')}
        self.report_data = report[128:192]
        self.extra_submods = {}     # oid text -> raw value (Python)
        self.sm_override = {}       # id -> raw value of the submodule
        self.ce_override = {}       # (id, "0"/"1") -> the 571 tag's value
        self.submods_pairs = []     # more (key, value) pairs of -11

    def submods(self):
        sm = {}
        for i in self.order:
            if i in self.sm_override:
                sm[OID % i] = self.sm_override[i]
                continue
            ent = {}
            for k, v in (('0', self.origin[i]), ('1', self.vals[i])):
                if k == '1' and i in self.no_current:
                    continue
                ent[k] = self.ce_override.get(
                    (i, k), CBORTag(571, ce(MODEL[i], v)))
            sm[OID % i] = ent
        sm.update(self.extra_submods)
        return with_pairs(sm, self.submods_pairs)

    def encode(self, drop=(), over=None, pairs=()):
        """The payload; pairs: more (key, value) pairs after the others
        (duplicates possible)."""
        m = dict(self.top)
        m[-11] = self.submods()
        m[-212] = self.report_data
        for k in drop:
            m.pop(k, None)
        m.update(over or {})
        return cb(with_pairs(m, pairs))

    def latest(self, i):
        return self.origin[i] if i in self.no_current else self.vals[i]

    def expected(self):
        """name -> hex of every step-30 name, from the latest values."""
        td, seam = self.latest(SM_TD), self.latest(SM_SEAM)
        d = lambda v: v[1] if isinstance(v, list) else v
        e = {'report_data': self.report_data, 'mrtd': d(td[-83]),
             'mr_config_id': d(td[-203]), 'mr_owner': d(td[-204]),
             'mr_owner_config': d(td[-205]), 'td_attributes': td[-82],
             'xfam': td[-201], 'mr_seam': d(seam[-83]),
             'mr_signer_seam': d(seam[-84]), 'seam_attributes': seam[-82],
             'mr_service_td': d(self.latest(SM_SERVICE)[-210]),
             'tee_tcb_svn': bytes(self.origin[SM_PLATFORM][-125]),
             'tee_tcb_svn2': bytes(self.vals[SM_PLATFORM][-125])}
        for i in range(4):
            e['rtmr%d' % i] = d(td[-206 - i])
        return {k: v.hex() for k, v in e.items()}

# ---- the document -----------------------------------------------------------


def sign(key, tbs):
    r, s = decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA384())))
    return r.to_bytes(48, 'big') + s.to_bytes(48, 'big')


def sig_structure(prot, payload):
    return cb(['Signature1', prot, b'', payload])


def unprot_map(certs, label=32, kid=b'test-kid', ct='application/eat+cwt',
               extra=None, pairs=()):
    m = {}
    if ct is not None:
        m[3] = ct
    if kid is not None:
        m[4] = kid
    m[label] = certs
    m.update(extra or {})
    return cb(with_pairs(m, pairs))


def doc(payload, signer, certs, label=32, prot=PROT, signed_prot=None,
        unprot=None, sig=None, **kw):
    """A quote: payload signed by signer (an Ent or a key) with the
    Sig_structure over signed_prot (default: prot, as sent)."""
    key = signer.key if isinstance(signer, Ent) else signer
    if sig is None:
        sig = sign(key, sig_structure(signed_prot or prot, payload))
    if unprot is None:
        unprot = unprot_map(certs, label, **kw)
    return envelope(prot, unprot, payload, sig)

# ---- vectors ----------------------------------------------------------------


class Gen:
    def __init__(self, out, report):
        self.out = out
        self.man = []
        self.names = set()
        os.makedirs(os.path.join(out, 'roots'), exist_ok=True)
        os.makedirs(os.path.join(out, 'policies'), exist_ok=True)
        self.report = report
        self.fwid = os.urandom(48)          # the standard leaf's FWID
        self.tcb = std_tcb(self.fwid)
        self.root = mkcert('test root A')
        self.inter = mkcert('test intermediate A', self.root,
                            bc=(True, 0))
        self.leaf = mkcert('test leaf A', self.inter, bc=(False, None),
                           usage='leaf', tcb=self.tcb)
        self.root_pem = self.write_root('root', self.root)

    def write_root(self, name, *ents):
        path = 'roots/%s.pem' % name
        with open(os.path.join(self.out, path), 'wb') as f:
            for e in ents:
                f.write(e.pem)
        return path

    def write(self, rel, data):
        with open(os.path.join(self.out, rel), 'wb') as f:
            f.write(data)
        return rel

    def add(self, name, data, expect, why, args=None, root=None,
            file=None):
        assert name not in self.names, name
        self.names.add(name)
        if file is None:
            file = name + '.cbor'
            self.write(file, data)
        if args is None:
            args = []
        if root is not False:
            args = ['--root', root or self.root_pem] + args
        self.man.append({'name': name, 'file': file, 'args': args,
                         'expect': expect, 'why': why})

    def claims(self):
        return Claims(self.report)

    def std(self, claims=None, certs=None, **kw):
        """A quote by the standard chain (x5bag [leaf, intermediate])."""
        p = (claims or self.claims()).encode()
        if certs is None:
            certs = [self.leaf.der, self.inter.der]
        return doc(p, self.leaf, certs, **kw)

    def chain(self, tag, n_inter, root=None, leaf_kw=None, inter_kw=None):
        """root -> n_inter intermediates -> leaf; returns (root, inters
        top-down, leaf)."""
        root = root or mkcert('test root ' + tag)
        inters, up = [], root
        for i in range(n_inter):
            kw = dict(bc=(True, None))
            kw.update((inter_kw or {}).get(i, {}))
            up = mkcert('test intermediate %s%d' % (tag, i), up, **kw)
            inters.append(up)
        kw = dict(bc=(False, None), usage='leaf', tcb=self.tcb)
        kw.update(leaf_kw or {})
        leaf = mkcert('test leaf ' + tag, up, **kw)
        return root, inters, leaf

    def chained(self, name, expect, why, args=None, n=1, root=None,
                leaf_kw=None, inter_kw=None, claims=None, bag=None,
                payload=None, label=32):
        """A vector signed by the leaf of a fresh chain root -> n
        intermediates -> leaf (x5bag [leaf, intermediates...] unless
        bag(root, inters, leaf) says otherwise), its root pinned."""
        r, ii, lf = self.chain(name, n, root=root, leaf_kw=leaf_kw,
                               inter_kw=inter_kw)
        rp = self.write_root('root_' + name, r)
        certs = bag(r, ii, lf) if bag else [lf.der] + [x.der for x in ii]
        if payload is None:
            payload = (claims or self.claims()).encode()
        self.add(name, doc(payload, lf, certs, label=label), expect, why,
                 args, root=rp)
        return r, ii, lf

    def pol(self, name, text):
        """policies/NAME.txt with text; returns ['--policy', path]."""
        return ['--policy', self.write('policies/%s.txt' % name,
                                       text.encode('utf-8'))]

    def generate(self):
        self.valid()
        self.policy()
        self.usage()
        self.untrusted()
        self.signature()
        self.envelope()
        self.claims_vectors()
        self.extensions()
        self.dice_bounds()
        self.eku()
        self.duplicates()
        self.go_shape()
        self.profile()
        self.tcb_rules()
        self.min_svn()
        self.sets()
        self.usage_policy()
        self.order()
        with open(os.path.join(self.out, 'manifest.json'), 'w') as f:
            json.dump(self.man, f, indent=1)

    # -- 0 --
    def valid(self):
        L, I, R = self.leaf.der, self.inter.der, self.root.der
        c = self.claims()
        self.add('valid', self.std(), 0, 'x5bag [leaf, intermediate]')
        self.add('valid_bag_root_first', self.std(certs=[R, I, L]), 0,
                 'x5bag [root, intermediate, leaf]: bag order is free')
        self.add('valid_bag_root_included', self.std(certs=[L, I, R]), 0,
                 'root in the bag, byte-identical to the pinned one')
        self.add('valid_x5chain', self.std(label=33, certs=[L, I]), 0,
                 'x5chain [leaf, intermediate]')
        self.add('valid_x5chain_root', self.std(label=33, certs=[L, I, R]),
                 0, 'x5chain [leaf, intermediate, root]')
        self.add('valid_x5chain_unordered',
                 self.std(label=33, certs=[L, R, I]), 0,
                 'x5chain leaf first, the rest found by name (step 12)')
        r3, i3, l3 = self.chain('C', 3)
        rp = self.write_root('root_c', r3)
        bag = [i3[1].der, l3.der, i3[2].der, i3[0].der]
        p = c.encode()
        self.add('valid_3_inter_shuffled', doc(p, l3, bag), 0,
                 '3 intermediates, x5bag shuffled', root=rp)
        self.add('valid_3_inter_leaf_first',
                 doc(p, l3, [l3.der] + [e.der for e in reversed(i3)]), 0,
                 '3 intermediates, x5bag leaf first', root=rp)
        r7, i7, l7 = self.chain('D', 7)
        rp7 = self.write_root('root_d', r7)
        self.add('valid_8_certs', doc(p, l7, [l7.der] + [e.der for e in i7]),
                 0, '8 certificates (the maximum)', root=rp7)
        self.add('valid_8_certs_chain',
                 doc(p, l7, [l7.der] + [e.der for e in reversed(i7)],
                     label=33), 0, 'x5chain of 8', root=rp7)
        r0, _, l0 = self.chain('E', 0)
        rp0 = self.write_root('root_e', r0)
        self.add('valid_single_bstr', doc(p, l0, l0.der), 0,
                 'x5bag a single bstr, leaf issued by the root', root=rp0)
        self.add('valid_single_array', doc(p, l0, [l0.der]), 0,
                 'x5bag [leaf], leaf issued by the root', root=rp0)
        self.add('valid_leaf_root_in_bag', doc(p, l0, [l0.der, r0.der]), 0,
                 'x5bag [leaf, root]: leaf issued by the root', root=rp0)
        self.add('valid_single_bstr_chain', doc(p, l0, l0.der, label=33), 0,
                 'x5chain a single bstr', root=rp0)
        rl, il, ll = self.chain('F', 1, leaf_kw=dict(bc=(True, None)))
        rpl = self.write_root('root_f', rl)
        self.add('valid_leaf_is_ca', doc(p, ll, [ll.der, il[0].der]), 0,
                 'leaf with cA TRUE is allowed (step 19)', root=rpl)
        rn, inn, ln = self.chain('G', 1, leaf_kw=dict(usage=None, bc=None))
        rpn = self.write_root('root_g', rn)
        self.add('valid_leaf_no_ku_no_bc', doc(p, ln, [ln.der, inn[0].der]),
                 0, 'leaf without keyUsage / basicConstraints', root=rpn)
        rq, iq, lq = self.chain('H', 1, root=mkcert('test root H',
                                                    bc=(True, 1)),
                                inter_kw={0: dict(bc=(True, 0))})
        rpq = self.write_root('root_h', rq)
        self.add('valid_pathlen_ok', doc(p, lq, [lq.der, iq[0].der]), 0,
                 'root pathLen 1, intermediate pathLen 0: both respected',
                 root=rpq)
        self.add('valid_unprot_extra', self.std(
            extra={99: 'x', 'note': [1, 2], -5: {1: 2},
                   100: -2 ** 64, 101: 2 ** 64 - 1, 102: 1.5,
                   103: CBORTag(55799, [None, True, False])}), 0,
            'unknown unprotected keys (int and text) are ignored')

        self.add('valid_ct_uint', self.std(ct=42), 0, 'content type a uint')
        self.add('valid_no_kid_ct', self.std(kid=None, ct=None), 0,
                 'no kid, no content type')
        c2 = self.claims()
        c2.order = [SM_PLATFORM, SM_TD]
        self.add('valid_platform_td_only', self.std(c2), 0,
                 'only the platform and TD body submodules (SEAM and '
                 'service TD optional, step 21)')
        c2 = self.claims()
        c2.order = [SM_TD]
        self.add('td_only', self.std(c2), 2,
                 'only the TD body submodule: the platform submodule is '
                 'required (step 21)')
        c2 = self.claims()
        c2.extra_submods['1.2.3.4'] = {'0': 5, 'x': 'anything'}
        c2.extra_submods[OID % 9] = 'unknown OID, ignored'
        self.add('valid_unknown_oid', self.std(c2), 0,
                 'unknown submodule OIDs are ignored')
        c2 = self.claims()
        c2.vals[SM_TD][-999] = 'unknown'
        c2.vals[SM_TD][77] = [1, {2: 3}]
        c2.vals[SM_SEAM][-1000] = 1.5
        self.add('valid_unknown_keys', self.std(c2), 0,
                 'unknown value keys are ignored')
        c2 = self.claims()
        c2.vals[SM_TD][-83] = [99, c2.vals[SM_TD][-83][1]]
        self.add('valid_digest_alg_ignored', self.std(c2), 0,
                 'mrtd [99, bstr]: only the digest bytes are compared',
                 ['--mrtd', c.expected()['mrtd']])
        c2 = self.claims()
        c2.vals[SM_TD][-83] = c2.vals[SM_TD][-83][1]
        self.add('valid_digest_bare', self.std(c2), 0,
                 'mrtd as a bare bstr', ['--mrtd', c.expected()['mrtd']])
        c2 = self.claims()
        del c2.top[1], c2.top[2]
        self.add('valid_no_iss_sub', self.std(c2), 0,
                 'iss and sub are optional (step 20; iss not in policy)')
        c2 = self.claims()
        c2.top = {}
        self.add('no_iss_sub_profile', self.std(c2), 5,
                 'no iss, sub, eat_profile: well-formed (step 20), but a '
                 'quote without eat_profile fails step 25')
        c2 = self.claims()
        c2.top[-77] = [1, 2, 3]
        c2.top['x'] = b'y'
        c2.top[-78] = [None, True, 2.5, CBORTag(1, 0), -2 ** 64]
        self.add('valid_unknown_claims', self.std(c2), 0,
                 'unknown top-level claims are ignored')
        # shortest form not required
        prot = bytes.fromhex('a1' '1801' '39' '0022')
        self.add('valid_prot_nonshortest', self.std(prot=prot), 0,
                 'protected {1: -35} in non-shortest form, signed as sent '
                 '(step 2: shortest form not required)')
        pl = c.encode()
        sig = sign(self.leaf.key, sig_structure(PROT, pl))
        un = unprot_map([L, I])
        raw = (head(6, 61, 1) + head(6, 18, 2) + head(4, 4, 8) +
               bstr(PROT, 4) + un + bstr(pl, 8) + bstr(sig, 2))
        self.add('valid_nonshortest_heads', raw, 0,
                 'tags, array and bstr heads in long form')
        # depth boundary in the payload: map + 15 arrays = 16 levels
        nest = []
        for _ in range(14):
            nest = [nest]
        self.add('valid_depth16_payload',
                 self.std_raw_payload(c.encode(over={-99: nest})), 0,
                 'payload nesting of exactly 16 levels')
        self.add('valid_time_window', self.std(), 0,
                 '--time inside every validity period',
                 ['--time', str(epoch(NOW + 100 * DAY))], )
        other = mkcert('test root B')
        op = self.write_root('other', other)
        self.add('valid_two_roots', self.std(), 0, 'second of two pinned',
                 ['--root', op])
        bp = self.write_root('bundle', other, self.root)
        self.add('valid_root_bundle', self.std(), 0,
                 'PEM bundle of two roots', root=bp)
        self.write('roots/root.der', self.root.der)
        self.add('valid_root_der', self.std(), 0, 'root as DER',
                 root='roots/root.der')
        c2 = self.claims()
        c2.origin[SM_TD][-83] = dg(os.urandom(48))
        self.add('valid_origin_differs', self.std(c2), 0,
                 'origin differs; policy compares current',
                 ['--mrtd', c.expected()['mrtd']])
        self.add('policy_origin_value', None, 5,
                 'origin mrtd expected: compared with current',
                 ['--mrtd', c2.origin[SM_TD][-83][1].hex()],
                 file='valid_origin_differs.cbor')
        # size boundary
        big = self.padded(MAX_QUOTE)
        self.add('valid_size_16mib', big, 0, 'exactly 16 MiB')
        big = self.padded(MAX_QUOTE + 1)
        self.add('oversize_16mib_plus_1', big, 2,
                 '16 MiB + 1 byte, otherwise valid (step 1)')
        # item-count boundary (step 2): the standard document has 15
        # heads; key 99 and its array head add 2, the array's ints the rest
        n = 65536 - 17
        for extra, exp, why in ((0, 0, 'exactly 65536 data items'),
                                (1, 2, '65537 data items (step 2)')):
            pl = self.claims().encode()
            un = unprot_map([self.leaf.der, self.inter.der],
                            extra={99: [0] * (n + extra)})
            d = envelope(PROT, un, pl,
                         sign(self.leaf.key, sig_structure(PROT, pl)))
            self.add('items_%d' % (65536 + extra), d, exp, why)

    def padded(self, total):
        pl = self.claims().encode()
        sig = sign(self.leaf.key, sig_structure(PROT, pl))
        n = total - 200000
        while True:
            un = unprot_map([self.leaf.der, self.inter.der],
                            extra={99: bytes(n)})
            d = envelope(PROT, un, pl, sig)
            if len(d) == total:
                return d
            n += total - len(d)

    def std_raw_payload(self, payload, signer=None, certs=None, **kw):
        return doc(payload, signer or self.leaf,
                   certs or [self.leaf.der, self.inter.der], **kw)

    # -- 5 and policy matches --
    def policy(self):
        c = self.claims()
        e = c.expected()
        q = 'valid.cbor'
        flip = lambda h: ('%02x' % (int(h[:2], 16) ^ 1)) + h[2:]
        self.add('policy_report_data', None, 0, '--report-data matches',
                 ['--report-data', e['report_data']], file=q)
        self.add('policy_mrtd', None, 0, '--mrtd matches',
                 ['--mrtd', e['mrtd']], file=q)
        self.add('policy_mrtd_upper', None, 0, 'hex is case-insensitive',
                 ['--mrtd', e['mrtd'].upper()], file=q)
        args = ['--report-data', e['report_data'], '--mrtd', e['mrtd']]
        for i in range(4):
            args += ['--rtmr', '%d=%s' % (i, e['rtmr%d' % i])]
        self.add('policy_all_cli', None, 0, 'every CLI value matches', args,
                 file=q)
        self.add('policy_rtmr2', None, 0, '--rtmr 2 matches',
                 ['--rtmr', '2=' + e['rtmr2']], file=q)
        lines = ['# every name of step 30', '']
        lines += ['%s = %s' % kv for kv in sorted(e.items())]
        self.write('policies/all.txt', ('\n'.join(lines) + '\n').encode())
        self.add('policy_file_all', None, 0, 'policy file, every name',
                 ['--policy', 'policies/all.txt'], file=q)
        self.add('policy_mismatch_report_data', None, 5, 'report_data',
                 ['--report-data', flip(e['report_data'])], file=q)
        self.add('policy_mismatch_mrtd', None, 5, 'mrtd',
                 ['--mrtd', e['mrtd'][:-2] + '%02x' %
                  (int(e['mrtd'][-2:], 16) ^ 0x80)], file=q)
        self.add('policy_mismatch_mrtd_short', None, 5,
                 'mrtd 47 bytes (a prefix): lengths differ',
                 ['--mrtd', e['mrtd'][:-2]], file=q)
        for i in range(4):
            self.add('policy_mismatch_rtmr%d' % i, None, 5, 'rtmr%d' % i,
                     ['--mrtd', e['mrtd'],
                      '--rtmr', '%d=%s' % (i, flip(e['rtmr%d' % i]))],
                     file=q)
        for name in sorted(e):
            ee = dict(e)
            ee[name] = flip(ee[name])
            rel = 'policies/mismatch_%s.txt' % name
            self.write(rel, ''.join('%s = %s\n' % kv
                                    for kv in sorted(ee.items())).encode())
            self.add('policy_file_mismatch_%s' % name, None, 5,
                     'policy file, %s differs' % name, ['--policy', rel],
                     file=q)
        c2 = self.claims()
        c2.order = [SM_PLATFORM, SM_TD, SM_SEAM]
        self.add('policy_missing_claim', self.std(c2), 5,
                 'mr_service_td expected, no service TD submodule',
                 ['--policy', self.write('policies/servtd.txt', (
                     'mr_service_td = %s\n' % e['mr_service_td']).encode())])

    # -- 1 --
    def usage(self):
        e = self.claims().expected()
        q = 'valid.cbor'
        self.add('usage_no_root', None, 1, 'no --root, empty roots dir',
                 root=False, file=q)
        self.add('usage_root_missing', None, 1, 'root file does not exist',
                 root='roots/does-not-exist.pem', file=q)
        self.write('roots/garbage.pem', b'-----BEGIN CERTIFICATE-----\n'
                   b'AAAA\n-----END CERTIFICATE-----\n')
        self.add('usage_root_garbage', None, 1, 'root file not a cert',
                 root='roots/garbage.pem', file=q)
        self.write('roots/empty.pem', b'')
        self.add('usage_root_empty', None, 1, 'empty root file',
                 root='roots/empty.pem', file=q)
        self.add('usage_bad_hex', None, 1, 'non-hex --mrtd',
                 ['--mrtd', 'zz' + e['mrtd'][2:]], file=q)
        self.add('usage_odd_hex', None, 1, 'odd-length --mrtd',
                 ['--mrtd', e['mrtd'][1:]], file=q)
        self.add('usage_hex_separator', None, 1, 'hex with a colon',
                 ['--report-data', e['report_data'][:2] + ':' +
                  e['report_data'][2:]], file=q)
        self.add('usage_rtmr4', None, 1, 'rtmr4 is no name',
                 ['--rtmr', '4=' + e['rtmr0']], file=q)
        self.add('policy_mrtd_twice_cli', None, 0,
                 '--mrtd given twice: a set of two equal values (step 30, '
                 '"Writing policy")',
                 ['--mrtd', e['mrtd'], '--mrtd', e['mrtd']], file=q)
        self.add('policy_mrtd_cli_and_file', None, 0,
                 '--mrtd and mrtd in the policy file: one set',
                 ['--mrtd', e['mrtd'], '--policy', 'policies/all.txt'],
                 file=q)
        self.add('usage_policy_unknown', None, 1, 'unknown policy name',
                 ['--policy', self.write('policies/unknown.txt',
                                         b'mr_nothing = 00\n')], file=q)
        self.add('usage_policy_badhex', None, 1, 'bad hex in policy file',
                 ['--policy', self.write('policies/badhex.txt',
                                         b'mrtd = 0g\n')], file=q)
        self.add('usage_policy_missing', None, 1, 'policy file missing',
                 ['--policy', 'policies/does-not-exist.txt'], file=q)
        self.add('usage_quote_missing', None, 1, 'quote file missing',
                 file='does-not-exist.cbor')

    # -- 3 --
    def untrusted(self):
        p = self.claims().encode()
        L, I = self.leaf.der, self.inter.der
        other = mkcert('test root B')
        self.add('wrong_root', self.std(), 3, 'pinned root is unrelated',
                 root='roots/other.pem')
        same = mkcert('test root A')      # same name, other key
        sp = self.write_root('same_name', same)
        self.add('wrong_root_same_name', self.std(), 3,
                 'pinned root has the right name, another key', root=sp)
        self.add('wrong_root_and_chain_root', self.std(certs=[L, I,
                                                                self.root.der]),
                 3, 'real root in the bag, but another pinned',
                 root='roots/other.pem')

        def one(name, why, expect=3, leaf_kw=None, inter_kw=None, root=None,
                n=1, bag=None, args=None, signer=None):
            r, ii, lf = self.chain(name, n, root=root, leaf_kw=leaf_kw,
                                   inter_kw=inter_kw)
            rp = self.write_root('root_' + name, r)
            certs = bag(r, ii, lf) if bag else [lf.der] + [
                x.der for x in ii]
            self.add(name, doc(p, signer(lf) if signer else lf, certs),
                     expect, why, args, root=rp)
            return r, ii, lf

        one('expired_intermediate', 'intermediate notAfter in the past',
            inter_kw={0: dict(nb=NOW - 30 * DAY, na=NOW - DAY)})
        one('notyet_leaf', 'leaf notBefore in the future',
            leaf_kw=dict(nb=NOW + DAY, na=NOW + 30 * DAY))
        one('expired_root', 'root notAfter in the past',
            root=mkcert('test root expired_root', nb=NOW - 30 * DAY,
                        na=NOW - DAY))
        one('expired_leaf', 'leaf notAfter in the past',
            leaf_kw=dict(nb=NOW - 30 * DAY, na=NOW - DAY))
        self.add('time_before_all', None, 3, '--time before notBefore',
                 ['--time', str(epoch(NOW - 10 * DAY))], file='valid.cbor')
        self.add('time_after_all', None, 3, '--time after notAfter',
                 ['--time', str(epoch(NOW + 400 * DAY))], file='valid.cbor')
        one('nonca_intermediate', 'intermediate cA FALSE',
            inter_kw={0: dict(bc=(False, None))})
        one('intermediate_no_bc', 'intermediate without basicConstraints',
            inter_kw={0: dict(bc=None)})
        one('intermediate_no_keycertsign', 'keyUsage without keyCertSign',
            inter_kw={0: dict(usage=ku(digsig=True))})
        one('intermediate_no_ku', 'intermediate without keyUsage',
            inter_kw={0: dict(usage=None)})
        one('pathlen_violated', 'intermediate pathLen 0 with one below',
            n=2, inter_kw={0: dict(bc=(True, 0))})
        one('root_pathlen_violated', 'root pathLen 0 with an intermediate',
            root=mkcert('test root root_pathlen_violated', bc=(True, 0)))
        one('root_not_ca', 'root without basicConstraints',
            root=mkcert('test root root_not_ca', bc=None))
        one('root_no_keycertsign', 'root keyUsage without keyCertSign',
            root=mkcert('test root root_no_keycertsign',
                        usage=ku(digsig=True)))
        one('leaf_no_digsig', 'leaf keyUsage without digitalSignature',
            leaf_kw=dict(usage=ku(keyagree=True)))
        one('p256_leaf', 'leaf key P-256 (step 10)',
            leaf_kw=dict(key=new_key(ec.SECP256R1())))
        one('p256_intermediate', 'intermediate key P-256',
            inter_kw={0: dict(key=new_key(ec.SECP256R1()))})
        one('p521_intermediate', 'intermediate key P-521',
            inter_kw={0: dict(key=new_key(ec.SECP521R1()))})
        one('sha256_intermediate', 'intermediate signed ecdsa-with-SHA256',
            inter_kw={0: dict(hash_alg=hashes.SHA256())})
        one('sha256_leaf_cert', 'leaf cert signed ecdsa-with-SHA256',
            leaf_kw=dict(hash_alg=hashes.SHA256()))
        one('sha256_root', 'root self-signed ecdsa-with-SHA256',
            root=mkcert('test root sha256_root', hash_alg=hashes.SHA256()))
        for name, bag in (('root_bad_self_signature', None),
                          ('root_bad_self_signature_in_bag',
                           lambda r, ii, lf: [lf.der, ii[0].der, r.der])):
            rn = mkname('test root ' + name)
            one(name, 'pinned root whose self-signature does not verify: '
                'trusted as a copy of the pinned root, its own signature '
                'is not checked (step 15)', expect=0, bag=bag,
                root=mkcert('', _Iss(new_key(), rn), subject=rn))
        one('rsa_intermediate', 'intermediate key RSA-2048',
            inter_kw={0: dict(key=rsa.generate_private_key(65537, 2048),
                              hash_alg=hashes.SHA384())},
            leaf_kw=dict())

        def v1bag(r, ii, lf):
            return [lf.der, v1_of(ii[0], r).der]
        one('v1_intermediate', 'intermediate is X.509 v1', bag=v1bag)
        one('extra_unrelated_cert', 'an unrelated cert in the bag',
            bag=lambda r, ii, lf: [lf.der, ii[0].der,
                                   mkcert('unrelated', other,
                                          bc=(False, None),
                                          usage='leaf').der])
        one('two_leaves', 'two certs issued by the intermediate',
            bag=lambda r, ii, lf: [lf.der, ii[0].der,
                                   mkcert('test leaf two', ii[0],
                                          bc=(False, None),
                                          usage='leaf').der])
        one('self_signed_nonroot', 'unrelated self-signed cert in the bag',
            bag=lambda r, ii, lf: [lf.der, ii[0].der,
                                   mkcert('self signed').der])
        one('fake_root_in_bag', 'self-signed cert with the root name',
            bag=lambda r, ii, lf: [lf.der, ii[0].der,
                                   mkcert('test root fake_root_in_bag').der])
        r, ii, lf = self.chain('extra_pinned_root_in_bag', 1)
        rp = self.write_root('root_extra_pinned_root_in_bag', r, other)
        self.add('extra_pinned_root_in_bag',
                 doc(p, lf, [lf.der, ii[0].der, other.der]), 3,
                 'a pinned root not ending the path is in the bag',
                 root=rp)
        one('issuer_ambiguous', 'two certs named as the leaf issuer',
            bag=lambda r, ii, lf: [lf.der, ii[0].der,
                                   mkcert('x', r, subject=ii[0].cert.subject,
                                          bc=(True, None)).der])
        # a loop: A issued by B, B issued by A, leaf issued by A
        ka, kb = new_key(), new_key()
        na, nb = mkname('loop A'), mkname('loop B')
        a = mkcert('', _Iss(kb, nb), key=ka, subject=na)
        bb = mkcert('', _Iss(ka, na), key=kb, subject=nb)
        lf = mkcert('loop leaf', a, bc=(False, None), usage='leaf')
        self.add('chain_loop', doc(p, lf, [lf.der, a.der, bb.der]), 3,
                 'intermediates issue each other, no root')
        one('garbage_cert', 'a bag cert is not DER X.509',
            bag=lambda r, ii, lf: [lf.der, ii[0].der, b'\x30\x03\x02\x01'])
        one('cert_trailing_byte', 'intermediate DER + one trailing byte',
            bag=lambda r, ii, lf: [lf.der, ii[0].der + b'\x00'])
        one('leaf_trailing_byte', 'leaf DER + one trailing byte',
            bag=lambda r, ii, lf: [lf.der + b'\x00', ii[0].der])
        one('leaf_cert_garbage', 'leaf not X.509',
            bag=lambda r, ii, lf: [b'\x04\x02ab', ii[0].der])
        self.add('x5bag_single_empty_bstr', doc(p, self.leaf, b''), 3,
                 'x5bag h\'\': passes step 6 (only array elements must be '
                 'non-empty), fails step 8')
        one('missing_intermediate', 'bag without the intermediate',
            bag=lambda r, ii, lf: [lf.der])
        # step 8: DER.  Properly re-signed, but not DER.
        for name, fix, why in (
                ('ber_critical_boolean', _ber_critical,
                 'intermediate: Extension.critical BOOLEAN 0x01, not 0xff'),
                ('ber_bc_ca_boolean', _ber_bc_ca,
                 'intermediate: basicConstraints cA BOOLEAN 0x01'),
                ('ber_long_length', _ber_long_length,
                 'intermediate: validity length in long form')):
            r, ii, lf = self.chain(name, 1, inter_kw={0: dict(bc=(True, 0))})
            rp = self.write_root('root_' + name, r)
            self.add(name, doc(p, lf, [lf.der, _resign(ii[0], r, fix)]), 3,
                     why + ' (step 8: certificates are DER)', root=rp)
        # signatureValue with unused bits (python3-cryptography ignores
        # the count; OpenSSL refuses it)
        r, ii, lf = self.chain('sig_unused_bits_leaf', 1)
        rp = self.write_root('root_sig_unused_bits_leaf', r)
        self.add('sig_unused_bits_leaf',
                 doc(p, lf, [_sig_unused_bits(lf, ii[0]), ii[0].der]), 3,
                 'leaf signatureValue BIT STRING with 1 unused bit',
                 root=rp)
        r, ii, lf = self.chain('sig_unused_bits_inter', 1)
        rp = self.write_root('root_sig_unused_bits_inter', r)
        self.add('sig_unused_bits_inter',
                 doc(p, lf, [lf.der, _sig_unused_bits(ii[0], r)]), 3,
                 'intermediate signatureValue BIT STRING with 1 unused bit',
                 root=rp)
        rk = mkcert('test root leaf_is_root',
                    usage=ku(digsig=True, certsign=True), tcb=self.tcb)
        rkp = self.write_root('root_leaf_is_root', rk)
        self.add('leaf_is_root', doc(p, rk, [rk.der]), 0,
                 'the pinned root signs the quote itself (digitalSignature); '
                 'no certificate below the root, so no TCB info (step 27): '
                 'require_tcb_info = no',
                 self.pol('no_tcb', 'require_tcb_info = no\n'), root=rkp)
        self.add('leaf_is_root_tcb', None, 5,
                 'the pinned root signs the quote and has Intel\'s '
                 'TcbInfo, but the root is not counted (step 27)',
                 root=rkp, file='leaf_is_root.cbor')
        rk = mkcert('test root leaf_is_root_no_digsig')
        self.add('leaf_is_root_no_digsig', doc(p, rk, [rk.der]), 3,
                 'the pinned root signs the quote, keyUsage lacks '
                 'digitalSignature (step 19)',
                 root=self.write_root('root_leaf_is_root_no_digsig', rk))
        one('leaf_tampered_tbs', 'leaf subject changed after signing',
            bag=lambda r, ii, lf: [_tamper_tbs(lf.der), ii[0].der])
        r, ii, lf = self.chain('x5chain_extra', 1)
        rp = self.write_root('root_x5chain_extra', r, other)
        for name, extra, why in (
                ('x5chain_pinned_root_extra', other,
                 'another pinned root in the x5chain (step 13)'),
                ('x5chain_self_signed_extra', mkcert('self signed 2'),
                 'a self-signed non-root in the x5chain (step 13)'),
                ('x5chain_unrelated_extra',
                 mkcert('unrelated 2', other, bc=(False, None)),
                 'a cert off the path in the x5chain (step 13)')):
            self.add(name, doc(p, lf, [lf.der, ii[0].der, extra.der],
                               label=33), 3, why, root=rp)

    # -- 4 --
    def signature(self):
        c = self.claims()
        p = c.encode()
        L, I = self.leaf.der, self.inter.der
        self.add('sig_other_key', doc(p, new_key(), [L, I]), 4,
                 'signed by an unrelated key')
        self.add('sig_intermediate_key', doc(p, self.inter, [L, I]), 4,
                 'signed by the intermediate key')
        self.add('sig_other_protected',
                 doc(p, self.leaf, [L, I], prot=bytes.fromhex('a101390022'),
                     signed_prot=PROT), 4,
                 'signed over a1013822, sent non-shortest (step 11: '
                 'protected as received)')
        self.add('sig_other_protected2',
                 doc(p, self.leaf, [L, I],
                     signed_prot=bytes.fromhex('a101390022')), 4,
                 'signed over the non-shortest protected, sent a1013822')
        good = doc(p, self.leaf, [L, I])
        self.add('sig_zero', doc(p, self.leaf, [L, I], sig=bytes(96)), 4,
                 'all-zero signature')
        sig = sign(self.leaf.key, sig_structure(PROT, p))
        self.add('sig_swapped', doc(p, self.leaf, [L, I],
                                    sig=sig[48:] + sig[:48]), 4, 's || r')
        self.add('sig_ff', doc(p, self.leaf, [L, I], sig=b'\xff' * 96), 4,
                 'r, s above the group order')
        c2 = self.claims()
        c2.report_data = bytes(64)
        self.add('sig_other_payload',
                 doc(c2.encode(), self.leaf, [L, I], sig=sig), 4,
                 'signature of another payload')
        self.add('sig_x5chain_wrong_first', doc(p, self.leaf, [I, L],
                                                label=33), 4,
                 'x5chain with the intermediate first: it is the leaf')
        del good

    # -- 2: envelope --
    def envelope(self):
        c = self.claims()
        p = c.encode()
        L, I = self.leaf.der, self.inter.der
        sig = sign(self.leaf.key, sig_structure(PROT, p))
        un = unprot_map([L, I])
        good = envelope(PROT, un, p, sig)

        def m(name, data, why):
            self.add(name, data, 2, why)

        m('empty_file', b'', '0 bytes (step 1)')
        m('sig_95', envelope(PROT, un, p, sig[:95]), '95-byte signature')
        m('sig_97', envelope(PROT, un, p, sig + b'\x00'), '97-byte sig')
        m('sig_not_bstr', envelope(PROT, un, p, b'')[:-1] + cb(list(sig)),
          'signature an array')

        def pm(name, prot, why):
            m(name, doc(p, self.leaf, [L, I], prot=prot), why)
        pm('prot_es256', bytes.fromhex('a10126'), 'alg ES256 (-7)')
        pm('prot_es512', bytes.fromhex('a1013823'), 'alg ES512 (-36)')
        pm('prot_extra_param', cb({1: -35, 4: b'k'}), 'protected + kid')
        pm('prot_extra_text', cb({1: -35, 'x': 1}), 'protected + text key')
        pm('prot_not_map', cb([1, -35]), 'protected an array')
        pm('prot_empty', b'', 'protected empty bstr')
        pm('prot_empty_map', b'\xa0', 'protected {}')
        pm('prot_trailing', PROT + b'\x00', 'protected with a trailing item')
        pm('prot_text_key', cb({'1': -35}), 'protected key "1"')
        pm('prot_alg_text', cb({1: 'ES384'}), 'alg as text')
        pm('prot_truncated', PROT[:3], 'protected truncated')
        pm('prot_indefinite', bytes.fromhex('bf013822ff'),
           'protected an indefinite map')
        m('prot_not_bstr', head(6, 61) + head(6, 18) + b'\x84' +
          cb({1: -35}) + un + bstr(p) + bstr(sig), 'protected a map')
        body = bstr(PROT) + un + bstr(p) + bstr(sig)
        m('untagged', b'\x84' + body, 'bare COSE_Sign1 array')
        m('only_tag18', head(6, 18) + b'\x84' + body, 'tag 18 only')
        m('only_tag61', head(6, 61) + b'\x84' + body, 'tag 61 only')
        m('tags_swapped', head(6, 18) + head(6, 61) + b'\x84' + body,
          '18(61(...))')
        m('tag_extra', head(6, 61) + head(6, 18) + head(6, 18) + b'\x84' +
          body, '61(18(18(...)))')
        m('tag_wrong', head(6, 61) + head(6, 98) + b'\x84' + body,
          '61(98(...)): COSE_Sign, not Sign1')
        m('array_3', head(6, 61) + head(6, 18) + b'\x83' + bstr(PROT) + un +
          bstr(p), '3-element array')
        m('array_5', envelope(PROT, un, p, sig, extra=[b'\x00']),
          '5-element array')
        m('unprot_not_map', envelope(PROT, cb([32, [L, I]]), p, sig),
          'unprotected an array')
        m('unprot_bstr_key', envelope(PROT, cb({32: [L, I], b'k': 1}), p,
                                      sig), 'unprotected with a bstr key')
        m('no_x5', envelope(PROT, cb({3: 'a', 4: b'k'}), p, sig),
          'neither x5bag nor x5chain')
        m('both_32_33', envelope(PROT, cb({32: [L, I], 33: [L, I]}), p,
                                 sig), 'x5bag and x5chain')
        r8, i8, l8 = self.chain('nine', 8)
        p8 = c.encode()
        m('certs_9', doc(p8, l8, [l8.der] + [x.der for x in i8]),
          '9 certificates (max 8)')
        m('certs_empty_array', envelope(PROT, unprot_map([]), p, sig),
          'x5bag []')
        m('cert_empty_bstr', envelope(PROT, unprot_map([L, b'', I]), p,
                                      sig), 'an empty cert bstr in x5bag')
        m('certs_int', envelope(PROT, unprot_map(5), p, sig), 'x5bag 5')
        m('certs_array_int', envelope(PROT, unprot_map([L, 5]), p, sig),
          'x5bag [cert, 5]')
        m('certs_text', envelope(PROT, unprot_map([L, 'I']), p, sig),
          'x5bag [cert, "I"]')
        m('ct_bstr', envelope(PROT, unprot_map([L, I], ct=b'x'), p, sig),
          'content type a bstr')
        m('ct_negative', envelope(PROT, unprot_map([L, I], ct=-1), p, sig),
          'content type a negative int')
        m('kid_text', envelope(PROT, unprot_map([L, I], kid='k'), p, sig),
          'kid a tstr')
        m('payload_not_bstr', head(6, 61) + head(6, 18) + b'\x84' +
          bstr(PROT) + un + p + bstr(sig), 'payload the map itself')
        m('payload_nil', head(6, 61) + head(6, 18) + b'\x84' +
          bstr(PROT) + un + b'\xf6' + bstr(sig),
          'payload nil (detached)')
        for off in (1, 2, 3, 4, 5, 9, 40, 300, len(good) // 2,
                    len(good) - 97, len(good) - 1):
            m('truncated_%d' % off, good[:off], 'first %d bytes' % off)
        m('trailing_byte', good + b'\x00', 'one trailing byte')
        m('trailing_item', good + good, 'two documents')
        m('indefinite_array', head(6, 61) + head(6, 18) + b'\x9f' + body +
          b'\xff', 'COSE array of indefinite length')
        m('indefinite_payload', head(6, 61) + head(6, 18) + b'\x84' +
          bstr(PROT) + un + b'\x5f' + bstr(p[:10]) + bstr(p[10:]) + b'\xff' +
          bstr(sig), 'payload a chunked bstr')
        m('indefinite_certs', envelope(PROT, b'\xa1\x18\x20\x9f' + bstr(L) +
                                       bstr(I) + b'\xff', p, sig),
          'x5bag an indefinite array')
        m('deep_envelope_100000',
          envelope(PROT, b'\xa2\x18\x20' + cb([L, I]) + b'\x18\x63' +
                   b'\x81' * 100000 + b'\x80', p, sig),
          '100000 nested arrays in the unprotected map')
        m('deep_envelope_17',
          envelope(PROT, b'\xa2\x18\x20' + cb([L, I]) + b'\x18\x63' +
                   b'\x81' * 12 + b'\x80', p, sig),
          'nesting 17 in the envelope (61,18,array,map + 13 arrays)')
        m('bstr_len_2_32', head(6, 61) + head(6, 18) + b'\x84' +
          bstr(PROT) + un + head(2, 1 << 32, 8) + p + bstr(sig),
          'payload bstr declaring 2^32 bytes')
        m('bstr_len_2_64m1', head(6, 61) + head(6, 18) + b'\x84' +
          bstr(PROT) + un + head(2, (1 << 64) - 1, 8) + p + bstr(sig),
          'payload bstr declaring 2^64-1 bytes')
        m('array_count_2_63', envelope(PROT, b'\xa1\x18\x20' +
                                       head(4, 1 << 63, 8) + bstr(L),
                                       p, sig), 'x5bag array count 2^63')
        m('map_count_2_32', envelope(PROT, head(5, 1 << 32, 8) +
                                     b'\x18\x20' + cb([L, I]), p, sig),
          'unprotected map count 2^32')
        m('top_array_count_huge', head(6, 61) + head(6, 18) +
          head(4, (1 << 64) - 1, 8) + body, 'COSE array count 2^64-1')
        m('reserved_ai', good[:-98] + b'\x5c' + good[-96:],
          'additional information 28 (reserved)')
        m('lone_break', b'\xff', 'a break code alone')
        m('simple_two_byte_lt32',
          envelope(PROT, b'\xa2\x18\x20' + cb([L, I]) + b'\x18\x63\xf8\x10',
                   p, sig),
          'simple value 16 in two bytes: not well-formed (RFC 8949 3.3)')
        m('float_top', b'\xfb' + bytes(8), 'a float, not a quote')

    # -- 2: claims (signed) --
    def claims_vectors(self):
        e = self.claims().expected()

        def m(name, payload, why, expect=2):
            self.add(name, self.std_raw_payload(payload), expect, why)

        def cm(name, mutate, why, expect=2):
            c = self.claims()
            r = mutate(c)
            m(name, r if isinstance(r, bytes) else c.encode(), why, expect)

        m('payload_not_map', cb([1, 2]), 'payload an array')
        m('payload_empty', b'', 'payload empty')
        c = self.claims().encode()
        m('payload_trailing', c + b'\x00', 'payload with a trailing item')
        m('payload_truncated', c[:-1], 'payload truncated')
        m('payload_indefinite', b'\xbf' + c[1:] + b'\xff' if c[0] == 0xa5
          else b'\xbf\xff', 'payload an indefinite map')
        nest = []
        for _ in range(15):
            nest = [nest]
        m('payload_depth17', self.claims().encode(over={-99: nest}),
          'payload nesting 17 (map + 16 arrays)')
        m('payload_depth_100000',
          b'\xa2' + cb(-212) + bstr(self.claims().report_data) +
          b'\x18\x63' + b'\x81' * 100000 + b'\x80',
          'payload nesting 100000')
        cm('no_report_data', lambda c: c.encode(drop=[-212]),
           'no -212')
        cm('report_data_63', lambda c: setattr(c, 'report_data',
                                                c.report_data[:63]),
           '63-byte report_data')
        cm('report_data_65', lambda c: setattr(c, 'report_data',
                                                c.report_data + b'\x00'),
           '65-byte report_data')
        cm('report_data_text', lambda c: c.encode(over={-212: 'x' * 64}),
           'report_data a tstr')
        cm('no_submods', lambda c: c.encode(drop=[-11]), 'no -11')
        cm('submods_array', lambda c: c.encode(over={-11: [1]}),
           '-11 an array')
        cm('submods_int_key', lambda c: c.extra_submods.update({4: 'x'}),
           '-11 with an int key')
        cm('no_td_submod', lambda c: setattr(c, 'order', [1, 7, 8]),
           'no TD body submodule')
        cm('td_submod_not_map', lambda c: c.sm_override.update({4: [1]}),
           'TD submodule an array')
        cm('valid_td_no_current', lambda c: c.sm_override.update(
            {4: {'0': CBORTag(571, ce('tdx-td', c.vals[4]))}}),
           'TD submodule without "1": optional (step 21)', expect=0)
        cm('td_no_origin', lambda c: c.sm_override.update(
            {4: {'1': CBORTag(571, ce('tdx-td', c.vals[4]))}}),
           'TD submodule without "0"')
        cm('td_current_untagged', lambda c: c.ce_override.update(
            {(4, '1'): ce('tdx-td', c.vals[4])}), 'current without 571')
        cm('td_current_tag570', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(570, ce('tdx-td', c.vals[4]))}),
           'current tag 570')
        cm('td_current_tag_map', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, {0: 1})}),
           '571 wrapping a map, not a bstr')
        cm('td_ce_truncated', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, ce('tdx-td', c.vals[4])[:-1])}),
           'concise evidence truncated')
        cm('td_ce_trailing', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, ce('tdx-td', c.vals[4]) + b'\x00')}),
           'concise evidence with a trailing byte')
        cm('td_ce_shape', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, cb({0: {1: []}}))}),
           'concise evidence {0: {1: []}}')
        cm('td_ce_no_triples', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, cb({0: {0: []}}))}),
           'concise evidence with no triple')
        cm('td_ce_no_values', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, cb({0: {0: [[{}, [{2: 1}]]]}}))}),
           'measurement without key 1')
        cm('td_values_not_map', lambda c: c.ce_override.update(
            {(4, '1'): CBORTag(571, cb({0: {0: [[{}, [{1: [1]}]]]}}))}),
           'values an array')
        nest = []
        for _ in range(9):
            nest = [nest]
        cm('td_ce_depth17', lambda c: c.vals[4].update({-999: nest}),
           'concise evidence nesting 17')
        cm('td_origin_bad', lambda c: c.origin[4].update({-83: 5}),
           'origin mrtd an int')
        cm('mrtd_int', lambda c: c.vals[4].update({-83: 5}), 'mrtd an int')
        cm('mrtd_text', lambda c: c.vals[4].update({-83: 'ab'}),
           'mrtd a tstr')
        cm('mrtd_digest_3', lambda c: c.vals[4].update(
            {-83: [7, b'a' * 48, 1]}), 'mrtd [7, bstr, 1]')
        cm('mrtd_digest_1', lambda c: c.vals[4].update({-83: [7]}),
           'mrtd [7]')
        cm('mrtd_digest_alg_text', lambda c: c.vals[4].update(
            {-83: ['sha384', b'a' * 48]}), 'digest alg a tstr')
        cm('mrtd_digest_swapped', lambda c: c.vals[4].update(
            {-83: [b'a' * 48, 7]}), 'digest [bstr, alg]')
        cm('rtmr3_map', lambda c: c.vals[4].update({-209: {}}),
           'rtmr3 a map')
        cm('attributes_digest', lambda c: c.vals[4].update(
            {-82: [7, b'a' * 8]}), 'td attributes a digest array')
        cm('xfam_int', lambda c: c.vals[4].update({-201: 3}), 'xfam an int')
        P = SM_PLATFORM
        cm('tcb_svn_256', lambda c: c.origin[P][-125].__setitem__(3, 256),
           'tee_tcb_svn (platform "0" -125) element 256 (step 22)')
        cm('tcb_svn_negative', lambda c: c.origin[P][-125].__setitem__(
            0, -1), 'tee_tcb_svn element -1 (step 22)')
        cm('tcb_svn_bstr', lambda c: c.origin[P].update(
            {-125: b'\x01' * 16}), 'tee_tcb_svn a 16-byte bstr: one byte '
           'per component (step 22)', expect=0)
        cm('tcb_svn_text_elem', lambda c: c.origin[P][-125].__setitem__(
            1, 'x'), 'tee_tcb_svn element a tstr (step 22)')
        cm('tcb_svn_int', lambda c: c.origin[P].update({-125: 5}),
           'tee_tcb_svn an int (step 22)')
        cm('tcb_svn2_256', lambda c: c.vals[P][-125].__setitem__(15, 256),
           'tee_tcb_svn2 (platform "1" -125) element 256 (step 22)')
        cm('seam_svn_256', lambda c: c.vals[SM_SEAM].update(
            {-125: [256] + [0] * 15}),
           'SEAM -125 (a known key in any submodule) element 256 (step 22)')
        cm('servtd_int', lambda c: c.vals[7].update({-210: 1}),
           'mr_service_td an int')
        cm('seam_ce_untagged', lambda c: c.ce_override.update(
            {(8, '1'): ce('tdx-seam', c.vals[8])}),
           'optional SEAM submodule malformed')
        cm('values_text_key', lambda c: c.vals[4].update({'x': 1}),
           'values with a text key')
        cm('iss_int', lambda c: c.top.update({1: 5}), 'iss an int')
        cm('sub_bstr', lambda c: c.top.update({2: b'x'}), 'sub a bstr')
        cm('profile_text', lambda c: c.top.update({265: '1.2.3'}),
           'eat_profile a tstr')
        cm('tcb_svn_255', lambda c: c.origin[P][-125].__setitem__(3, 255),
           'tee_tcb_svn element 255 is fine', expect=0)
        cm('seam_svn_empty', lambda c: c.vals[SM_SEAM].update({-125: []}),
           'SEAM -125 [] is an array of uints; the 16-component rule is '
           'the platform\'s (steps 22-23)', expect=0)
        cm('tcb_svn_empty', lambda c: c.origin[P].update({-125: []}),
           'tee_tcb_svn [] : platform "0" -125 needs 16 components '
           '(step 23)')
        cm('digest_alg_negative', lambda c: c.vals[4].update(
            {-206: [-44, b'x' * 48]}), 'digest alg a negative int',
           expect=0)
        del e

    # -- the order of the steps --
    def order(self):
        c = self.claims()
        p = c.encode()
        L, I = self.leaf.der, self.inter.der
        self.add('order_bad_sig_wrong_root', doc(p, new_key(), [L, I]), 4,
                 'signature (11) before chain (12-19)',
                 root='roots/other.pem')
        self.add('order_bad_sig_expired', doc(p, new_key(), [
            L, mkcert('test intermediate A', self.root, key=self.inter.key,
                      na=NOW - DAY, nb=NOW - 9 * DAY).der]), 4,
            'signature before validity')
        r, ii, lf = self.chain('ord1', 1, leaf_kw=dict(
            key=new_key(ec.SECP256R1())))
        rp = self.write_root('root_ord1', r)
        self.add('order_p256_leaf_bad_sig', doc(p, new_key(), [
            lf.der, ii[0].der]), 3, 'leaf key type (10) before signature',
            root=rp)
        self.add('order_garbage_cert_bad_sig', doc(p, new_key(), [
            L, I, b'\x30\x00']), 3, 'cert parse (8) before signature')
        self.add('order_two_leaves_bad_sig', doc(p, new_key(), [
            L, I, mkcert('test leaf two', self.inter, bc=(False, None)).der]),
            3, 'leaf choice (9) before signature')
        c2 = self.claims()
        bad = c2.encode(drop=[-212])
        self.add('order_bad_claims_wrong_root', self.std_raw_payload(bad), 3,
                 'chain before claims (20)', root='roots/other.pem')
        self.add('order_bad_claims_bad_sig',
                 self.std_raw_payload(bad, signer=new_key()), 4,
                 'signature before claims')
        self.add('order_policy_wrong_root', None, 3,
                 'chain before policy', ['--mrtd', '00' * 48],
                 root='roots/other.pem', file='valid.cbor')
        self.add('order_policy_bad_claims', None, 2,
                 'claims before policy', ['--mrtd', '00' * 48],
                 file='no_report_data.cbor')
        self.add('order_malformed_env_wrong_root', None, 2,
                 'envelope before chain', root='roots/other.pem',
                 file='sig_95.cbor')
        self.add('order_usage_over_malformed', None, 1,
                 'argument errors before the quote',
                 ['--mrtd', 'x'], file='truncated_9.cbor')
        # the steps of issue 14 in their places
        unk = [(x509.UnrecognizedExtension(x509.ObjectIdentifier(
            '1.3.6.1.4.1.55555.1.1'), b'\x05\x00'), True)]
        for tag, kw, why in (
                ('crit_ext', dict(inter_kw={0: dict(exts=unk)}),
                 'an unknown critical extension (16)'),
                ('dice_bad', dict(inter_kw={0: dict(tcb=tcb_info(
                    vendor=''))}), 'a DiceTcbInfo out of bounds (17)'),
                ('eku', dict(leaf_kw=dict(eku=[EKU_SERVER_AUTH])),
                 'a serverAuth-only leaf (19)')):
            r, ii, lf = self.chain('order_' + tag, 1, **kw)
            rp = self.write_root('root_order_' + tag, r)
            self.add('order_%s_bad_sig' % tag, doc(p, new_key(), [
                lf.der, ii[0].der]), 4, 'signature (11) before ' + why,
                root=rp)
            self.add('order_%s_bad_claims' % tag, doc(bad, lf, [
                lf.der, ii[0].der]), 3, why + ' before claims (20)',
                root=rp)
        self.add('order_usage_over_crit_ext', None, 1,
                 'argument errors before the quote\'s certificates',
                 ['--profile', '3.1'], file='order_crit_ext_bad_claims.cbor',
                 root='roots/root_order_crit_ext.pem')
        dup = c2.encode(pairs=[(1, 'another issuer')])
        self.add('order_dup_payload_wrong_root', self.std_raw_payload(dup),
                 3, 'chain (12) before a duplicate key in the payload (3 '
                 'on the payload, run at step 20)', root='roots/other.pem')
        self.add('order_dup_payload_bad_sig',
                 self.std_raw_payload(dup, signer=new_key()), 4,
                 'signature before a duplicate key in the payload')
        self.add('order_dup_quote_bad_sig',
                 doc(p, new_key(), [L, I], pairs=[(4, b'kid 2')]), 2,
                 'a duplicate key in the unprotected map (3) before the '
                 'signature (11)')
        self.add('order_dup_quote_wrong_root',
                 doc(p, self.leaf, [L, I], pairs=[(4, b'kid 2')]), 2,
                 'a duplicate key in the quote (3) before the chain',
                 root='roots/other.pem')
        self.add('order_claims_before_profile',
                 self.std_raw_payload(c2.encode(drop=[-212, 265])), 2,
                 'claims (20) before eat_profile (25)')
        c3 = self.claims()
        c3.top[265] = oid_content('1.2.3')
        c3.origin[SM_TD][-82] = c3.vals[SM_TD][-82] = b'\x01' + bytes(7)
        self.add('order_profile_before_debug', self.std(c3), 5,
                 'eat_profile (25) and debug (28) both fail: policy')

    # -- 3/0: step 16, critical extensions --
    def extensions(self):
        unk = '1.3.6.1.4.1.55555.1.1'

        def unknown(crit):
            return [(x509.UnrecognizedExtension(x509.ObjectIdentifier(unk),
                                                b'\x05\x00'), crit)]
        why = ('an unknown extension (%s) marked critical on the %%s: '
               'untrusted (step 16, RFC 5280 4.2)' % unk)
        self.chained('crit_unknown_intermediate', 3, why % 'intermediate',
                     inter_kw={0: dict(exts=unknown(True))})
        self.chained('crit_unknown_leaf', 3, why % 'leaf',
                     leaf_kw=dict(exts=unknown(True)))
        self.chained('crit_unknown_root', 3, why % 'root',
                     root=mkcert('test root crit_unknown_root',
                                 exts=unknown(True)))
        self.chained('crit_unknown_second_intermediate', 3,
                     why % 'upper of two intermediates', n=2,
                     inter_kw={0: dict(exts=unknown(True))})
        self.chained('noncrit_unknown', 0,
                     'the same unknown extension, not critical, on leaf, '
                     'intermediate and root: ignored (step 16)',
                     root=mkcert('test root noncrit_unknown',
                                 exts=unknown(False)),
                     inter_kw={0: dict(exts=unknown(False))},
                     leaf_kw=dict(exts=unknown(False)))
        pol = x509.CertificatePolicies([x509.PolicyInformation(
            x509.ObjectIdentifier('2.5.29.32.0'), None)])
        self.chained('crit_cert_policies', 3,
                     'certificatePolicies critical on the intermediate: not '
                     'processed, so refused (step 16)',
                     inter_kw={0: dict(exts=[(pol, True)])})
        self.chained('noncrit_cert_policies', 0,
                     'certificatePolicies not critical: ignored (step 16)',
                     inter_kw={0: dict(exts=[(pol, False)])})
        nc = x509.NameConstraints(
            permitted_subtrees=[x509.DNSName('example.com')],
            excluded_subtrees=None)
        self.chained('crit_name_constraints', 3,
                     'nameConstraints critical on the intermediate (step 16)',
                     inter_kw={0: dict(exts=[(nc, True)])})
        san = x509.SubjectAlternativeName([x509.DNSName('td.example')])
        self.chained('crit_san_leaf', 3,
                     'subjectAltName critical on the leaf (step 16)',
                     leaf_kw=dict(exts=[(san, True)]))
        self.chained('dice_tcbinfo_critical', 0,
                     'critical DiceTcbInfo on the leaf and the intermediate: '
                     'processed and parsed (steps 16-17)',
                     inter_kw={0: dict(tcb=tcb_info(
                         vendor=INTEL, model='layer 0', layer=0, svn=1))})
        self.chained('dice_tcbinfo_noncritical', 0,
                     'the leaf\'s DiceTcbInfo not critical: parsed and used '
                     'all the same (steps 16, 17, 27)',
                     leaf_kw=dict(tcb_crit=False))
        self.chained('dice_multi_ueid_critical', 0,
                     'critical MultiTcbInfo and UEID on the intermediate '
                     '(steps 16-17)',
                     inter_kw={0: dict(exts=[
                         (dice_ext(OID_MULTI_TCB_INFO, multi_tcb(
                             [tcb_info(), tcb_info(vendor='Other')])), True),
                         (dice_ext(OID_UEID, ueid(os.urandom(16))), True)])})
        self.chained('dice_on_root', 0,
                     'DiceTcbInfo, MultiTcbInfo and UEID on the root too',
                     root=mkcert('test root dice_on_root', tcb=tcb_info(),
                                 exts=[(dice_ext(OID_MULTI_TCB_INFO,
                                                 multi_tcb([tcb_info()])),
                                        False),
                                       (dice_ext(OID_UEID, ueid(b'u')),
                                        True)]))
        self.chained('dup_extension', 3,
                     'the leaf\'s DiceTcbInfo twice (step 16: no extension '
                     'appears twice)',
                     bag=lambda r, ii, lf: [
                         _resign(lf, ii[0], _dup_last_ext), ii[0].der])

    # -- 3/0: step 17, the TCG DICE extensions' grammar and bounds --
    def dice_bounds(self):
        def v(name, expect, value, why, oid=OID_TCB_INFO, crit=True,
              where='intermediate'):
            e = [(dice_ext(oid, value), crit)]
            why = '%s on the %s (step 17)' % (why, where)
            if where == 'intermediate':
                self.chained(name, expect, why, inter_kw={0: dict(exts=e)})
            elif where == 'root':
                self.chained(name, expect, why, root=mkcert(
                    'test root ' + name, exts=e))
            else:
                self.chained(name, expect, why, leaf_kw=dict(tcb=value))

        def f(**kw):
            return tcb_info(**kw)

        def raw(fields):
            return tcb_info(fields=fields)
        v('dice_empty', 0, der_seq(b''), 'DiceTcbInfo with no field')
        v('dice_all_fields', 0, f(
            vendor='V', model='M', version='1', svn=0, layer=0, index=0,
            fwids=[b'\x01'], flags=b'\x00', vendor_info=b'',
            type_=b'', flags_mask=b'\x00'), 'every field, each at its lower '
          'bound')
        for fld in ('vendor', 'model', 'version'):
            v('dice_%s_255' % fld, 0, f(**{fld: 'v' * 255}),
              '%s of 255 bytes' % fld)
            v('dice_%s_256' % fld, 3, f(**{fld: 'v' * 256}),
              '%s of 256 bytes' % fld)
        v('dice_vendor_empty', 3, f(vendor=''), 'vendor of 0 bytes')
        v('dice_vendor_utf8', 0, f(vendor='\u00e9' * 127),
          'vendor of 127 two-byte UTF-8 characters (254 bytes)')
        v('dice_vendor_nul', 3, f(vendor='Intel\x00Corporation'),
          'vendor with a NUL')
        v('dice_vendor_bad_utf8', 3, f(vendor=b'Intel \xc3\x28'),
          'vendor not UTF-8')
        v('dice_vendor_overlong', 3, f(vendor=b'\xc0\xaf'),
          'vendor with an overlong UTF-8 sequence')
        v('dice_vendor_surrogate', 3, f(vendor=b'\xed\xa0\x80'),
          'vendor with a UTF-8 encoded surrogate')
        v('dice_fwids_1', 0, f(fwids=[b'\x01']), '1 FWID')
        v('dice_fwids_16', 0, f(fwids=[os.urandom(48)] * 16), '16 FWIDs')
        v('dice_fwids_17', 3, f(fwids=[os.urandom(48)] * 17), '17 FWIDs')
        v('dice_fwids_0', 3, f(fwids=[]), 'fwids an empty SEQUENCE')
        v('dice_digest_64', 0, f(fwids=[os.urandom(64)]),
          'FWID digest of 64 bytes')
        v('dice_digest_65', 3, f(fwids=[os.urandom(65)]),
          'FWID digest of 65 bytes')
        v('dice_digest_0', 3, f(fwids=[b'']), 'FWID digest of 0 bytes')
        alg32 = b'\x2a' + b'\x01' * 31
        alg33 = alg32 + b'\x01'
        fw = lambda alg: (b'raw', der_seq(tlv(0x06, alg) +
                                         tlv(0x04, os.urandom(48))))
        v('dice_hash_alg_32', 0, f(fwids=[fw(alg32)]),
          'FWID hashAlg OID of 32 content bytes')
        v('dice_hash_alg_33', 3, f(fwids=[fw(alg33)]),
          'FWID hashAlg OID of 33 content bytes')
        v('dice_hash_alg_bad', 3, f(fwids=[fw(b'\x2a\x86')]),
          'FWID hashAlg OID whose last byte has its top bit set')
        v('dice_hash_alg_nonminimal', 3, f(fwids=[fw(b'\x2a\x80\x01')]),
          'FWID hashAlg OID with an arc not in minimal base-128')
        v('dice_fwid_3_items', 3, f(fwids=[(b'raw', der_seq(
            tlv(0x06, oid_content(OID_SHA384)) + tlv(0x04, b'x') +
            tlv(0x04, b'y')))]), 'FWID with a third element')
        v('dice_fwid_swapped', 3, f(fwids=[(b'raw', der_seq(
            tlv(0x04, b'x') + tlv(0x06, oid_content(OID_SHA384))))]),
          'FWID {OCTET STRING, OID}')
        for fld, tag in (('svn', 0x83), ('layer', 0x84), ('index', 0x85)):
            v('dice_%s_max' % fld, 0, f(**{fld: (1 << 63) - 1}),
              '%s 2^63-1' % fld)
            v('dice_%s_2_63' % fld, 3, f(**{fld: 1 << 63}),
              '%s 2^63' % fld)
        v('dice_svn_0', 0, f(svn=0), 'svn 0')
        v('dice_svn_negative', 3, raw([(0x80, b'V'), (0x83, b'\xff')]),
          'svn -1')
        v('dice_svn_nonminimal', 3, raw([(0x83, b'\x00\x05')]),
          'svn 5 as 00 05 (not DER)')
        v('dice_svn_empty', 3, raw([(0x83, b'')]), 'svn with no content')
        v('dice_wrong_order', 3, raw([(0x81, b'M'), (0x80, b'V')]),
          'model [1] before vendor [0]')
        v('dice_duplicate_field', 3, raw([(0x80, b'V'), (0x80, b'V')]),
          'vendor twice')
        v('dice_unknown_field', 3, raw([(0x80, b'V'), (0x8b, b'x')]),
          'an unknown field [11]')
        v('dice_universal_field', 3, raw([(0x80, b'V'), (0x0c, b'x')]),
          'a UTF8String field without a context tag')
        v('dice_fwids_primitive', 3, raw([(0x86, fwid(b'x'))]),
          'fwids with a primitive [6] tag')
        v('dice_vendor_constructed', 3, raw([(0xa0, tlv(0x0c, b'V'))]),
          'vendor with a constructed [0] tag')
        good = f(vendor=INTEL)
        v('dice_trailing_bytes', 3, good + b'\x00',
          'DiceTcbInfo followed by a byte')
        v('dice_trailing_item', 3, good + good,
          'two DiceTcbInfo in one extension')
        v('dice_set', 3, b'\x31' + good[1:], 'a SET, not a SEQUENCE')
        v('dice_long_length', 3, b'\x30\x81' + good[1:],
          'SEQUENCE length in long form (not DER)')
        v('dice_indefinite', 3, b'\x30\x80' + good[2:] + b'\x00\x00',
          'SEQUENCE of indefinite length')
        v('dice_truncated', 3, good[:-1], 'DiceTcbInfo truncated')
        v('dice_empty_value', 3, b'', 'an empty extension value')
        for fld in ('flags', 'flags_mask'):
            v('dice_%s_32' % fld, 0, f(**{fld: b'\x00' + b'\xff' * 4}),
              '%s of 32 bits' % fld)
            v('dice_%s_33' % fld, 3, f(**{fld: b'\x07' + b'\xff' * 4 +
                                          b'\x80'}),
              '%s of 33 bits' % fld)
        v('dice_flags_0', 0, f(flags=b'\x00'), 'flags of 0 bits')
        v('dice_flags_padding', 3, f(flags=b'\x01\xff'),
          'flags with a padding bit set')
        v('dice_flags_unused_8', 3, f(flags=b'\x08\x00'),
          'flags with 8 unused bits')
        v('dice_flags_empty_unused', 3, f(flags=b'\x01'),
          'flags of no byte with 1 unused bit')
        v('dice_flags_no_content', 3, f(flags=b''),
          'flags without the unused-bits byte')
        for fld in ('vendor_info', 'type_'):
            n = fld.rstrip('_')
            v('dice_%s_1024' % n, 0, f(**{fld: os.urandom(1024)}),
              '%s of 1024 bytes' % n)
            v('dice_%s_1025' % n, 3, f(**{fld: os.urandom(1025)}),
              '%s of 1025 bytes' % n)
        v('dice_bad_noncritical', 3, f(vendor='v' * 256),
          'a DiceTcbInfo out of bounds, not critical', crit=False)
        v('dice_bad_on_root', 3, f(vendor='v' * 256),
          'a DiceTcbInfo out of bounds', where='root')
        v('dice_bad_on_leaf', 3, f(vendor=INTEL, svn=1 << 63),
          'the leaf\'s DiceTcbInfo out of bounds', where='leaf')
        one = f(vendor=INTEL)
        M = OID_MULTI_TCB_INFO
        v('multi_0', 3, multi_tcb([]), 'MultiTcbInfo of 0 entries', oid=M)
        v('multi_1', 0, multi_tcb([one]), 'MultiTcbInfo of 1 entry', oid=M)
        v('multi_16', 0, multi_tcb([one] * 16), 'MultiTcbInfo of 16 entries',
          oid=M)
        v('multi_17', 3, multi_tcb([one] * 17), 'MultiTcbInfo of 17 entries',
          oid=M)
        v('multi_entry_bad', 3, multi_tcb([one, f(vendor='')]),
          'MultiTcbInfo whose second entry has an empty vendor', oid=M)
        v('multi_entry_not_seq', 3, multi_tcb([one, tlv(0x04, b'x')]),
          'MultiTcbInfo with an OCTET STRING entry', oid=M)
        v('multi_trailing', 3, multi_tcb([one]) + b'\x00',
          'MultiTcbInfo followed by a byte', oid=M)
        U = OID_UEID
        v('ueid_0', 3, ueid(b''), 'UEID of 0 bytes', oid=U)
        v('ueid_1', 0, ueid(b'\x01'), 'UEID of 1 byte', oid=U)
        v('ueid_64', 0, ueid(os.urandom(64)), 'UEID of 64 bytes', oid=U)
        v('ueid_65', 3, ueid(os.urandom(65)), 'UEID of 65 bytes', oid=U)
        v('ueid_two_items', 3, der_seq(tlv(0x04, b'a') + tlv(0x04, b'b')),
          'UEID SEQUENCE of two OCTET STRINGs', oid=U)
        v('ueid_not_octets', 3, der_seq(tlv(0x0c, b'a')),
          'UEID holding a UTF8String', oid=U)
        v('ueid_trailing', 3, ueid(b'a') + b'\x00',
          'UEID followed by a byte', oid=U)

    # -- 3/0: step 19, the leaf's extendedKeyUsage --
    def eku(self):
        for name, purposes, expect, why in (
                ('eku_server_auth', [EKU_SERVER_AUTH], 3,
                 'TLS server authentication only: not a quoting key'),
                ('eku_identity_init', [EKU_IDENTITY_INIT], 3,
                 'tcg-dice-kp-identityInit only: a DICE purpose, but not '
                 'attestation'),
                ('eku_any', [EKU_ANY], 0, 'anyExtendedKeyUsage'),
                ('eku_attest_init', [EKU_ATTEST_INIT], 0,
                 'tcg-dice-kp-attestInit'),
                ('eku_attest_loc', [EKU_ATTEST_LOC], 0,
                 'tcg-dice-kp-attestLoc'),
                ('eku_server_auth_attest_loc',
                 [EKU_SERVER_AUTH, EKU_ATTEST_LOC], 0,
                 'serverAuth and tcg-dice-kp-attestLoc')):
            self.chained(name, expect, 'leaf extendedKeyUsage: %s (step 19)'
                         % why, leaf_kw=dict(eku=purposes))
        self.chained('eku_attest_loc_critical', 0,
                     'leaf extendedKeyUsage tcg-dice-kp-attestLoc, critical '
                     '(steps 16, 19)',
                     leaf_kw=dict(eku=[EKU_ATTEST_LOC], eku_crit=True))
        self.chained('eku_issuer_server_auth', 0,
                     'intermediate extendedKeyUsage serverAuth only: the EKU '
                     'of issuers is not checked (step 19)',
                     inter_kw={0: dict(eku=[EKU_SERVER_AUTH])})
        self.chained('eku_issuer_server_auth_leaf_too', 3,
                     'intermediate and leaf extendedKeyUsage serverAuth '
                     'only: the leaf\'s decides (step 19)',
                     inter_kw={0: dict(eku=[EKU_SERVER_AUTH])},
                     leaf_kw=dict(eku=[EKU_SERVER_AUTH]))

    # -- 2/0: step 3, duplicate map keys --
    def duplicates(self):
        c = self.claims()
        p = c.encode()
        L, I = self.leaf.der, self.inter.der
        sig = sign(self.leaf.key, sig_structure(PROT, p))

        def env(name, unprot, why, expect=2):
            self.add(name, envelope(PROT, unprot, p, sig), expect,
                     why + ' (step 3)')
        env('dup_unprotected_kid', unprot_map([L, I], pairs=[(4, b'k2')]),
            'unprotected map with kid (4) twice')
        env('dup_unprotected_x5bag', unprot_map([L, I], pairs=[(32, [L, I])]),
            'unprotected map with x5bag (32) twice, the same value')
        env('dup_unprotected_nonshortest',
            unprot_map([L, I], pairs=[(Raw(b'\x19\x00\x04'), b'k2')]),
            'unprotected map with 4 as 0x04 and as 0x19 0x00 0x04')
        env('dup_unprotected_nested',
            unprot_map([L, I], extra={99: [RawMap([(1, 1), (1, 2)])]}),
            'an unknown unprotected value [ {1: 1, 1: 2} ]')
        env('dup_unprotected_text',
            unprot_map([L, I], extra={'note': 1},
                       pairs=[(Raw(b'\x78\x04note'), 2)]),
            'unprotected map with "note" twice, one head non-shortest')
        for name, prot, why in (
                ('dup_protected', bytes.fromhex('a2013822013822'),
                 '{1: -35, 1: -35}'),
                ('dup_protected_nonshortest', bytes.fromhex('a20138221801'
                                                            '390022'),
                 '{1: -35, 0x18 0x01: 0x39 0x00 0x22}')):
            self.add(name, doc(p, self.leaf, [L, I], prot=prot), 2,
                     'protected header ' + why + ', signed as sent (steps '
                     '3, 5)')

        def pay(name, why, expect=2, pairs=(), mutate=None):
            c = self.claims()
            if mutate:
                mutate(c)
            self.add(name, self.std_raw_payload(c.encode(pairs=pairs)),
                     expect, why + ' (step 3, on the payload: step 20)')
        pay('dup_payload_iss', 'payload with iss (1) twice',
            pairs=[(1, 'another issuer')])
        pay('dup_payload_nonshortest',
            'payload with key 1 as 0x01 and as 0x18 0x01',
            pairs=[(Raw(b'\x18\x01'), 'another issuer')])
        pay('dup_payload_report_data',
            'payload with -212 as 0x38 0xd3 and as 0x39 0x00 0xd3',
            pairs=[(Raw(b'\x39\x00\xd3'), bytes(64))])
        pay('dup_payload_nested', 'payload -77: [{"a": 1, "a": 2}]',
            pairs=[(-77, [RawMap([('a', 1), ('a', 2)])])])
        pay('dup_submods', 'submods with the platform OID twice',
            mutate=lambda c: c.submods_pairs.append((OID % SM_PLATFORM, {
                '0': CBORTag(571, ce(MODEL[1], c.origin[1])),
                '1': CBORTag(571, ce(MODEL[1], c.vals[1]))})))
        pay('dup_submods_unknown_oid',
            'submods with an unknown OID twice (ignored, but a map all '
            'the same)',
            mutate=lambda c: c.submods_pairs.extend(
                [('1.2.3.4', 1), ('1.2.3.4', 2)]))

        def td(c, origin, current, extra=()):
            c.sm_override[SM_TD] = RawMap(
                [('0', CBORTag(571, ce(MODEL[4], origin)))] + list(extra) +
                [('1', CBORTag(571, ce(MODEL[4], current)))])
        pay('dup_submodule_origin', 'TD submodule map with "0" twice',
            mutate=lambda c: td(c, c.origin[4], c.vals[4], [
                ('0', CBORTag(571, ce(MODEL[4], c.origin[4])))]))
        pay('dup_submodule_unknown_key',
            'TD submodule map with an ignored key "x" twice',
            mutate=lambda c: td(c, c.origin[4], c.vals[4], [
                ('x', 1), ('x', 1)]))
        pay('dup_ce_values',
            'TD current concise evidence: values map with -83 twice',
            mutate=lambda c: c.ce_override.update({(4, '1'): CBORTag(
                571, ce(MODEL[4], with_pairs(c.vals[4], [
                    (-83, c.vals[4][-83])])))}))
        pay('dup_ce_values_nonshortest',
            'TD origin values map with -83 as 0x38 0x52 and 0x39 0x00 0x52',
            mutate=lambda c: c.ce_override.update({(4, '0'): CBORTag(
                571, ce(MODEL[4], with_pairs(c.origin[4], [
                    (Raw(b'\x39\x00\x52'), c.origin[4][-83])])))}))
        pay('dup_ce_platform_svn',
            'platform current values map with -125 twice',
            mutate=lambda c: c.ce_override.update({(1, '1'): CBORTag(
                571, ce(MODEL[1], with_pairs(c.vals[1], [
                    (-125, c.vals[1][-125])])))}))
        pay('dup_ce_env', 'SEAM concise evidence: environment map with 1 '
            'twice',
            mutate=lambda c: c.ce_override.update({(8, '1'): CBORTag(
                571, cb({0: {0: [[{0: RawMap([(1, 'Intel Corporation'),
                                              (1, 'x')])},
                                  [{1: c.vals[8]}]]]}}))}))
        pay('dup_ce_unknown_value', 'service TD values -999: {5: 0, 5: 1}',
            mutate=lambda c: c.vals[7].update(
                {-999: RawMap([(5, 0), (5, 1)])}))
        pay('dup_ce_second_triple',
            'TD concise evidence: a second triple (not read for values) '
            'with a duplicate key',
            mutate=lambda c: c.ce_override.update({(4, '1'): CBORTag(
                571, cb({0: {0: [[{}, [{1: c.vals[4]}]],
                                 [RawMap([(0, 1), (0, 1)]), []]]}}))}))
        pay('dup_in_unread_bstr',
            'an unknown submodule OID whose "0" is 571(bstr) holding a map '
            'with a key twice: the bstr is not read, so not checked',
            expect=0, mutate=lambda c: c.extra_submods.update(
                {'1.2.3.4': {'0': CBORTag(571, cb(RawMap([(1, 1),
                                                          (1, 2)])))}}))

        # equality of keys (step 3), in an unknown payload claim -78
        def keys(name, ks, expect, why):
            pay(name, why, expect,
                pairs=[(-78, RawMap([(k, i) for i, k in enumerate(ks)]))])
        f16 = lambda h: Raw(b'\xf9' + bytes.fromhex(h))
        f32 = lambda h: Raw(b'\xfa' + bytes.fromhex(h))
        f64 = lambda h: Raw(b'\xfb' + bytes.fromhex(h))
        keys('dup_float_half_double', [f16('3c00'), f64('3ff0000000000000')],
             2, 'keys 1.0 as half and as double')
        keys('dup_float_single_double', [f32('3fc00000'),
                                         f64('3ff8000000000000')],
             2, 'keys 1.5 as single and as double')
        keys('dup_float_half_single', [f16('7c00'), f32('7f800000')], 2,
             'keys +Infinity as half and as single')
        keys('dup_float_subnormal', [f16('0001'), f64('3e70000000000000')],
             2, 'keys 2^-24 as a half subnormal and as double')
        keys('dup_float_zero_widths', [f16('0000'), f64('0000000000000000')],
             2, 'keys 0.0 as half and as double')
        keys('keys_zero_negzero', [f16('0000'), f16('8000')], 0,
             'keys 0.0 and -0.0: different values bit for bit')
        keys('keys_zero_negzero_widths', [f64('0000000000000000'),
                                          f32('80000000')], 0,
             'keys 0.0 (double) and -0.0 (single)')
        keys('dup_int_widths', [1, Raw(b'\x1b' + (1).to_bytes(8, 'big'))],
             2, 'keys 1 as 0x01 and in eight bytes')
        keys('dup_negative_widths', [-1, Raw(b'\x38\x00')], 2,
             'keys -1 as 0x20 and as 0x38 0x00')
        keys('dup_text', ['x', Raw(b'\x79\x00\x01x')], 2,
             'keys "x" twice, one head non-shortest')
        keys('dup_bytes', [b'x', Raw(b'\x58\x01x')], 2,
             'keys h\'78\' twice, one head non-shortest')
        keys('dup_array', [[1, 2], [1, Raw(b'\x18\x02')]], 2,
             'keys [1, 2] and [1, 0x18 0x02]')
        keys('dup_tag', [CBORTag(1, 0), Raw(b'\xd8\x01\x00')], 2,
             'keys 1(0) with the tag in one byte and in two')
        keys('dup_map_key', [RawMap([(1, 2)]), RawMap([(Raw(b'\x18\x01'),
                                                       2)])], 2,
             'keys {1: 2} and {0x18 0x01: 2}')
        keys('dup_simple', [True, True], 2, 'keys true twice')
        keys('dup_simple_two_byte', [Raw(b'\xf8\x20'), Raw(b'\xf8\x20')],
             2, 'keys simple(32) twice')
        keys('dup_map_in_key', [RawMap([(1, 1), (1, 2)])], 2,
             'a map key that has a key twice')
        keys('keys_distinct', [
            1, -1, f16('3c00'), '1', b'1', [1], [1, 2], [2, 1],
            CBORTag(1, 1), CBORTag(2, 1), RawMap([(1, 1)]),
            RawMap([(1, 1), (2, 2)]), RawMap([(2, 2), (1, 1)]),
            True, False, None, Raw(b'\xf7'), Raw(b'\xf8\x20'), 'x', b'x',
            '', b''], 0,
            'keys that look alike but are different data items: 1, -1, '
            '1.0, "1", h\'31\', arrays in either order, tags 1 and 2, maps '
            'with pairs in either order, simple values, empty strings')

    # -- steps 21-24 and 28: claims as go-tdx-guest reads them --
    def go_shape(self):
        P, T = SM_PLATFORM, SM_TD
        go = lambda c: c.no_current.update({SM_SEAM, SM_TD, SM_SERVICE})

        def cv(name, expect, why, mutate, args=None):
            c = self.claims()
            mutate(c)
            self.add(name, self.std(c), expect, why, args)
            return c

        def debug(c):
            for v in (c.origin[T], c.vals[T]):
                v[-82] = bytes([v[-82][0] | 1]) + v[-82][1:]
        cgo = cv('go_shape', 0, 'platform "0" and "1"; SEAM, TD and service '
                 'TD with "0" only, as go-tdx-guest reads a quote (steps '
                 '21-24)', go)
        cv('go_shape_debug', 5, 'go_shape with td_attributes bit 0 (DEBUG) '
           'set (step 28)', lambda c: (go(c), debug(c)))
        self.add('go_shape_debug_allowed', None, 0,
                 'go_shape_debug with --allow-debug (step 28)',
                 ['--allow-debug'], file='go_shape_debug.cbor')
        self.add('go_shape_debug_allowed_policy', None, 0,
                 'go_shape_debug with allow_debug = yes (step 28)',
                 self.pol('allow_debug', 'allow_debug = yes\n'),
                 file='go_shape_debug.cbor')
        self.add('go_shape_debug_not_allowed_policy', None, 5,
                 'go_shape_debug with allow_debug = no (step 28)',
                 self.pol('no_debug', 'allow_debug = no\n'),
                 file='go_shape_debug.cbor')
        self.add('go_shape_expected', None, 0,
                 'go_shape: every step-30 name (latest = "0") matches',
                 self.pol('go_all', ''.join('%s = %s\n' % kv for kv in
                                            sorted(cgo.expected().items()))),
                 file='go_shape.cbor')
        cv('debug_td', 5, 'td_attributes bit 0 set in "0" and "1" (step 28)',
           debug)
        self.add('debug_td_allowed', None, 0, 'debug_td with --allow-debug',
                 ['--allow-debug'], file='debug_td.cbor')
        cv('debug_current_only', 5, 'DEBUG set in the TD\'s "1" only: '
           'latest decides (steps 24, 28)',
           lambda c: c.vals[T].update({-82: b'\x01' + c.vals[T][-82][1:]}))
        cv('debug_origin_only', 0, 'DEBUG set in the TD\'s "0" only: the '
           'latest ("1") is not debug (steps 24, 28)',
           lambda c: c.origin[T].update({-82: b'\x01' +
                                         c.origin[T][-82][1:]}))
        cv('debug_other_bits', 0, 'td_attributes ff..ff with bit 0 clear: '
           'only DEBUG counts (step 28)', lambda c: [
               v.update({-82: b'\xfe' + b'\xff' * 7})
               for v in (c.origin[T], c.vals[T])])
        cv('debug_bit_in_byte_7', 0, 'td_attributes 00..01 (bit 56 set, '
           'little-endian ATTRIBUTES): not DEBUG (step 28)', lambda c: [
               v.update({-82: bytes(7) + b'\x01'})
               for v in (c.origin[T], c.vals[T])])
        cv('debug_no_td_attributes', 5, 'no TD -82: a quote without '
           'td_attributes fails (step 28)',
           lambda c: [v.pop(-82) for v in (c.origin[T], c.vals[T])])
        self.add('debug_no_td_attributes_allowed', None, 5,
                 'no TD -82, with --allow-debug: still fails (step 28: '
                 '"A quote without td_attributes ... fails")',
                 ['--allow-debug'], file='debug_no_td_attributes.cbor')
        cv('debug_empty_td_attributes', 5, 'TD -82 h\'\' (step 28)',
           lambda c: [v.update({-82: b''}) for v in (c.origin[T], c.vals[T])])
        cv('debug_attributes_1_byte', 0, 'TD -82 h\'00\': one byte, bit 0 '
           'clear (step 28 reads byte 0 only)',
           lambda c: [v.update({-82: b'\x00'})
                      for v in (c.origin[T], c.vals[T])])
        # the platform submodule (steps 21, 23)
        cv('platform_no_current', 2, 'platform submodule without "1" '
           '(step 21)', lambda c: c.no_current.add(P))
        cv('platform_no_origin', 2, 'platform submodule without "0" '
           '(step 21)', lambda c: c.sm_override.update({P: {
               '1': CBORTag(571, ce(MODEL[P], c.vals[P]))}}))
        cv('platform_current_no_svn', 2, 'platform "1" without -125 '
           '(step 23)', lambda c: c.vals[P].pop(-125))
        cv('platform_origin_no_svn', 2, 'platform "0" without -125 '
           '(step 23)', lambda c: c.origin[P].pop(-125))
        cv('platform_svn_15', 2, 'platform "0" -125 with 15 components '
           '(step 23)', lambda c: c.origin[P][-125].pop())
        cv('platform_svn2_15', 2, 'platform "1" -125 with 15 components '
           '(step 23)', lambda c: c.vals[P][-125].pop())
        cv('platform_svn2_17', 2, 'platform "1" -125 with 17 components '
           '(step 23)', lambda c: c.vals[P][-125].append(0))
        cv('platform_svn_bstr_15', 2, 'platform "0" -125 a 15-byte bstr '
           '(step 23)', lambda c: c.origin[P].update(
               {-125: bytes(c.origin[P][-125][:15])}))
        c = cv('platform_svn_bstr', 0, 'platform -125 as 16-byte bstrs in '
               '"0" and "1" (steps 22-23), compared as bytes (step 30)',
               lambda c: [v.update({-125: bytes(v[-125])})
                          for v in (c.origin[P], c.vals[P])])
        e = c.expected()
        self.add('platform_svn_bstr_expected', None, 0,
                 'platform_svn_bstr with tee_tcb_svn and tee_tcb_svn2 '
                 'expected (step 30)',
                 self.pol('svn_bstr', 'tee_tcb_svn = %s\ntee_tcb_svn2 = %s\n'
                          % (e['tee_tcb_svn'], e['tee_tcb_svn2'])),
                 file='platform_svn_bstr.cbor')
        cv('no_platform', 2, 'SEAM, TD and service TD but no platform '
           'submodule (step 21)',
           lambda c: setattr(c, 'order', [SM_SEAM, SM_TD, SM_SERVICE]))
        cv('platform_not_map', 2, 'platform submodule an array (step 21)',
           lambda c: c.sm_override.update({P: [1]}))
        cv('seam_no_origin', 2, 'SEAM submodule with "1" only (step 21: '
           '"0" required)', lambda c: c.sm_override.update({SM_SEAM: {
               '1': CBORTag(571, ce(MODEL[8], c.vals[8]))}}))
        cv('servtd_no_origin', 2, 'service TD submodule with "1" only '
           '(step 21)', lambda c: c.sm_override.update({SM_SERVICE: {
               '1': CBORTag(571, ce(MODEL[7], c.vals[7]))}}))
        cv('submodule_extra_key', 0, 'TD submodule with a "2" map besides '
           '"0" and "1": other keys are ignored (step 21)',
           lambda c: c.sm_override.update({T: {
               '0': CBORTag(571, ce(MODEL[4], c.origin[T])),
               '1': CBORTag(571, ce(MODEL[4], c.vals[T])),
               '2': 'ignored', 0: 1}}))
        cv('submodule_current_first', 0, 'TD submodule map with "1" '
           'before "0": order is free', lambda c: c.sm_override.update({T: {
               '1': CBORTag(571, ce(MODEL[4], c.vals[T])),
               '0': CBORTag(571, ce(MODEL[4], c.origin[T]))}}))

    # -- steps 20, 25, 26: eat_profile and iss --
    def profile(self):
        sim = '2.25.187683495578185925455535580376002142914'
        other = '1.2.3.4.5'

        def pv(name, prof, expect, why, args=None):
            c = self.claims()
            if prof is None:
                del c.top[265]
            else:
                c.top[265] = prof
            self.add(name, self.std(c), expect, why, args)
        pv('profile_other', oid_content(other), 5,
           'eat_profile %s, not the default (step 25)' % other)
        pv('profile_missing', None, 5, 'no eat_profile (step 25)')
        self.add('profile_other_allowed', None, 0,
                 'profile_other with --profile %s (step 25)' % other,
                 ['--profile', other], file='profile_other.cbor')
        self.add('profile_other_allowed_policy', None, 0,
                 'profile_other with eat_profile = %s (step 25)' % other,
                 self.pol('profile_other', 'eat_profile = %s\n' % other),
                 file='profile_other.cbor')
        self.add('profile_missing_allowed_other', None, 5,
                 'profile_missing with --profile %s: still none (step 25)'
                 % other, ['--profile', other], file='profile_missing.cbor')
        pv('profile_simulator_default', oid_content(sim), 5,
           'the simulator\'s profile %s, default policy: never Intel\'s '
           '(step 25)' % sim)
        self.add('profile_simulator', None, 0,
                 'the simulator\'s profile with --profile tdx-ext-simulator '
                 '(step 25)', ['--profile', 'tdx-ext-simulator'],
                 file='profile_simulator_default.cbor')
        self.add('profile_simulator_by_oid', None, 0,
                 'the simulator\'s profile with --profile %s' % sim,
                 ['--profile', sim], file='profile_simulator_default.cbor')
        self.add('profile_simulator_policy', None, 0,
                 'the simulator\'s profile with eat_profile = '
                 'tdx-ext-simulator in a policy file',
                 self.pol('profile_sim', 'eat_profile = tdx-ext-simulator\n'),
                 file='profile_simulator_default.cbor')
        self.add('profile_replaces_default', None, 5,
                 'Intel\'s profile with --profile tdx-ext-simulator: the '
                 'option replaces the default (step 25)',
                 ['--profile', 'tdx-ext-simulator'], file='valid.cbor')
        self.add('profile_set', None, 0,
                 'Intel\'s profile with --profile tdx-ext-simulator and '
                 '--profile intel-tdx: one of the set (step 25)',
                 ['--profile', 'tdx-ext-simulator', '--profile',
                  'intel-tdx'], file='valid.cbor')
        self.add('profile_intel_alias', None, 0,
                 '--profile intel-tdx names 2.16.840.1.113741.1.13.1',
                 ['--profile', 'intel-tdx'], file='valid.cbor')
        self.add('profile_intel_oid', None, 0,
                 '--profile 2.16.840.1.113741.1.13.1',
                 ['--profile', '2.16.840.1.113741.1.13.1'], file='valid.cbor')
        self.add('profile_prefix', None, 5,
                 '--profile 2.16.840.1.113741.1.13: a prefix of the claim',
                 ['--profile', '2.16.840.1.113741.1.13'], file='valid.cbor')
        intel = oid_content('2.16.840.1.113741.1.13.1')
        pv('profile_longer', intel + b'\x01', 5,
           'eat_profile 2.16.840.1.113741.1.13.1.1 (step 25)')
        pv('profile_bad_last_byte', intel[:-1] + b'\x81', 2,
           'eat_profile whose last byte has its top bit set (step 20)')
        pv('profile_nonminimal_arc', intel[:1] + b'\x80' + intel[1:], 2,
           'eat_profile with an arc starting 0x80: not minimal (step 20)')
        pv('profile_empty', b'', 2, 'eat_profile h\'\' (step 20)')
        pv('profile_der_oid', b'\x06' + bytes([len(intel)]) + intel, 5,
           'eat_profile holding a whole DER OID (tag, length, content): '
           'well-formed content octets, another OID (steps 20, 25)')
        pv('profile_arc_2_big', oid_content('2.999.1'), 5,
           'eat_profile 2.999.1: well-formed, not accepted (step 25)')
        self.add('profile_arc_2_big_allowed', None, 0,
                 'eat_profile 2.999.1 with --profile 2.999.1',
                 ['--profile', '2.999.1'], file='profile_arc_2_big.cbor')
        # iss (step 26)
        iss = self.claims().top[1]
        self.add('iss_match', None, 0, 'iss expected and equal (step 26)',
                 self.pol('iss', 'iss = %s\n' % iss), file='valid.cbor')
        self.add('iss_mismatch', None, 5, 'iss expected, differs (step 26)',
                 self.pol('iss_other', 'iss = %s.\n' % iss),
                 file='valid.cbor')
        self.add('iss_prefix', None, 5, 'iss expected: a prefix of the '
                 'claim (step 26)', self.pol('iss_prefix', 'iss = %s\n'
                                             % iss[:-1]), file='valid.cbor')
        self.add('iss_set', None, 0, 'iss = another, iss = the claim: one '
                 'of the set (step 26)',
                 self.pol('iss_set', 'iss = another issuer\niss = %s\n'
                          % iss), file='valid.cbor')
        self.add('iss_missing', None, 5, 'iss expected, the quote has none '
                 '(step 26)', ['--policy', 'policies/iss.txt'],
                 file='valid_no_iss_sub.cbor')
        c = self.claims()
        c.top[1] = 'Intel \u00e9 = x'
        self.add('iss_utf8', self.std(c), 0, 'iss "Intel \u00e9 = x": UTF-8 '
                 'and "=" in a text value (step 26, "Writing policy")',
                 self.pol('iss_utf8', 'iss =  Intel \u00e9 = x \t\n'))
        # the claim compared is every byte of it: a NUL does not end it,
        # and bytes that are not UTF-8 are not some other character
        c = self.claims()
        c.top[1] = iss + '\x00 and more'
        self.add('iss_nul_suffix', self.std(c), 5, 'iss = the expected '
                 'value, a NUL and more: not equal (step 26)',
                 self.pol('iss', 'iss = %s\n' % iss))
        c = self.claims()
        c.top[1] = Raw(b'\x63a\xffb')
        self.add('iss_not_utf8', self.std(c), 5, 'iss "a\\xffb" (not '
                 'UTF-8) against iss = a?b and a\ufffdb: no match (step 26)',
                 self.pol('iss_qmark', 'iss = a?b\niss = a\ufffdb\n'))

    # -- step 27: TCB info on the certificate path --
    def tcb_rules(self):
        q = 'valid.cbor'
        fw = self.fwid.hex()

        def pv(name, expect, why, text, file=q):
            self.add(name, None, expect, why + ' (step 27)',
                     self.pol(name, text), file=file)
        pv('tcb_model_ok', 0, 'tcb_model = the leaf\'s model',
           'tcb_model = %s\n' % STD_MODEL)
        pv('tcb_model_bad', 5, 'tcb_model = another model',
           'tcb_model = %s 2\n' % STD_MODEL)
        pv('tcb_model_set', 0, 'tcb_model: another, the leaf\'s',
           'tcb_model = other\ntcb_model = %s\n' % STD_MODEL)
        pv('tcb_layer_ok', 0, 'tcb_layer = the leaf\'s layer',
           'tcb_layer = %d\n' % STD_LAYER)
        pv('tcb_layer_bad', 5, 'tcb_layer = another layer',
           'tcb_layer = %d\n' % (STD_LAYER + 1))
        pv('tcb_layer_set', 0, 'tcb_layer: two values, one the leaf\'s',
           'tcb_layer = %d\ntcb_layer = %d\n' % (STD_LAYER + 1, STD_LAYER))
        pv('tcb_layer_max', 5, 'tcb_layer = 2^63-1 (a valid value)',
           'tcb_layer = %d\n' % ((1 << 63) - 1))
        pv('tcb_min_svn_equal', 0, 'tcb_min_svn = the leaf\'s svn',
           'tcb_min_svn = %d\n' % STD_SVN)
        pv('tcb_min_svn_lower', 0, 'tcb_min_svn below the leaf\'s svn',
           'tcb_min_svn = %d\n' % (STD_SVN - 1))
        pv('tcb_min_svn_higher', 5, 'tcb_min_svn above the leaf\'s svn',
           'tcb_min_svn = %d\n' % (STD_SVN + 1))
        pv('tcb_min_svn_max', 5, 'tcb_min_svn = 2^63-1 (a valid value)',
           'tcb_min_svn = %d\n' % ((1 << 63) - 1))
        pv('tcb_fwid_ok', 0, 'tcb_fwid = the leaf\'s FWID digest',
           'tcb_fwid = %s\n' % fw)
        pv('tcb_fwid_upper', 0, 'tcb_fwid in upper case',
           'tcb_fwid = %s\n' % fw.upper())
        pv('tcb_fwid_bad', 5, 'tcb_fwid = another digest',
           'tcb_fwid = %s\n' % fw[:-2])
        pv('tcb_fwid_set', 0, 'tcb_fwid: another, the leaf\'s',
           'tcb_fwid = %s\ntcb_fwid = %s\n' % ('00' * 48, fw))
        pv('tcb_vendor_explicit', 0, 'tcb_vendor = Intel Corporation',
           'tcb_vendor = Intel Corporation\n')
        pv('tcb_vendor_set', 0, 'tcb_vendor: another, Intel Corporation',
           'tcb_vendor = Other Corporation\ntcb_vendor = Intel Corporation\n')
        pv('tcb_vendor_replaced', 5, 'tcb_vendor = Other Corporation '
           'replaces the default', 'tcb_vendor = Other Corporation\n')
        allr = ('tcb_vendor = %s\ntcb_model = %s\ntcb_layer = %d\n'
                'tcb_min_svn = %d\ntcb_fwid = %s\n')
        pv('tcb_all_rules', 0, 'every tcb_* rule, all met by the leaf',
           allr % (INTEL, STD_MODEL, STD_LAYER, STD_SVN, fw))
        pv('tcb_all_rules_one_bad', 5, 'every tcb_* rule, the layer not met',
           allr % (INTEL, STD_MODEL, STD_LAYER + 1, STD_SVN, fw))
        pv('tcb_required_yes', 0, 'require_tcb_info = yes (the default)',
           'require_tcb_info = yes\n')
        pv('tcb_not_required_met', 0, 'require_tcb_info = no, the leaf has '
           'Intel\'s TcbInfo anyway', 'require_tcb_info = no\n')
        # chains
        self.chained('tcb_none', 5, 'no TCB info on the path (step 27)',
                     leaf_kw=dict(tcb=None))
        self.add('tcb_none_not_required', None, 0,
                 'tcb_none with require_tcb_info = no (step 27)',
                 ['--policy', 'policies/no_tcb.txt'], file='tcb_none.cbor',
                 root='roots/root_tcb_none.pem')
        self.add('tcb_none_not_required_model', None, 5,
                 'tcb_none with require_tcb_info = no and a tcb_model: a '
                 'tcb_* name given applies the rule (step 27)',
                 self.pol('no_tcb_model', 'require_tcb_info = no\n'
                          'tcb_model = %s\n' % STD_MODEL),
                 file='tcb_none.cbor', root='roots/root_tcb_none.pem')
        self.add('tcb_not_required_model_met', None, 0,
                 'require_tcb_info = no and tcb_model, met by the leaf',
                 ['--policy', 'policies/no_tcb_model.txt'], file=q)
        vother = tcb_info(vendor='Other Corporation', model=STD_MODEL,
                          svn=STD_SVN, layer=STD_LAYER, fwids=[self.fwid])
        self.chained('tcb_vendor_other', 5, 'the leaf\'s TcbInfo names '
                     'Other Corporation (step 27)', leaf_kw=dict(tcb=vother))
        self.add('tcb_vendor_other_allowed', None, 0,
                 'tcb_vendor_other with tcb_vendor = Other Corporation',
                 ['--policy', 'policies/tcb_vendor_replaced.txt'],
                 file='tcb_vendor_other.cbor',
                 root='roots/root_tcb_vendor_other.pem')
        self.add('tcb_not_required_model_default_vendor', None, 5,
                 'require_tcb_info = no and tcb_model met by an entry of '
                 'another vendor: tcb_vendor\'s default applies (step 27)',
                 ['--policy', 'policies/no_tcb_model.txt'],
                 file='tcb_vendor_other.cbor',
                 root='roots/root_tcb_vendor_other.pem')
        self.chained('tcb_vendor_case', 5, 'vendor "intel corporation": '
                     'compared byte for byte (step 27)',
                     leaf_kw=dict(tcb=tcb_info(vendor=INTEL.lower())))
        self.chained('tcb_no_vendor', 5, 'a TcbInfo without vendor: the '
                     'default tcb_vendor rule fails (step 27)',
                     leaf_kw=dict(tcb=tcb_info(vendor=None, model=STD_MODEL)))
        self.chained('tcb_only_root', 5, 'Intel\'s TcbInfo only on the '
                     'root: the root is not counted (step 27)',
                     root=mkcert('test root tcb_only_root', tcb=self.tcb),
                     leaf_kw=dict(tcb=None))
        self.chained('tcb_on_intermediate', 0, 'no TcbInfo on the leaf, '
                     'Intel\'s on the intermediate (step 27)',
                     leaf_kw=dict(tcb=None),
                     inter_kw={0: dict(tcb=tcb_info())})
        self.chained('tcb_on_upper_intermediate', 0, 'Intel\'s TcbInfo on '
                     'the upper of two intermediates only (step 27)', n=2,
                     leaf_kw=dict(tcb=None),
                     inter_kw={0: dict(tcb=tcb_info())})
        M = OID_MULTI_TCB_INFO
        a = tcb_info(vendor=INTEL, model='model A')
        b = tcb_info(vendor='Other Corporation', model='model B')
        self.chained('tcb_multi_entry', 0, 'no TcbInfo; the intermediate\'s '
                     'MultiTcbInfo [Other, Intel] (step 27)',
                     leaf_kw=dict(tcb=None), inter_kw={0: dict(exts=[
                         (dice_ext(M, multi_tcb([b, a])), True)])})
        self.chained('tcb_split_entries', 5, 'MultiTcbInfo [Intel model A, '
                     'Other model B] with tcb_model = model B: no one entry '
                     'meets every rule (step 27)',
                     self.pol('model_b', 'tcb_model = model B\n'),
                     leaf_kw=dict(tcb=None), inter_kw={0: dict(exts=[
                         (dice_ext(M, multi_tcb([a, b])), True)])})
        self.add('tcb_split_entries_met', None, 0,
                 'tcb_split_entries with tcb_model = model A (step 27)',
                 self.pol('model_a', 'tcb_model = model A\n'),
                 file='tcb_split_entries.cbor',
                 root='roots/root_tcb_split_entries.pem')
        self.chained('tcb_split_certs', 5, 'leaf TcbInfo Intel model A, '
                     'intermediate TcbInfo Other model B, tcb_model = model '
                     'B: entries are not combined (step 27)',
                     ['--policy', 'policies/model_b.txt'],
                     leaf_kw=dict(tcb=a), inter_kw={0: dict(tcb=b)})
        self.chained('tcb_info_and_multi', 0, 'intermediate with TcbInfo '
                     '(Other) and MultiTcbInfo [Intel model A], tcb_model = '
                     'model A (step 27)',
                     ['--policy', 'policies/model_a.txt'],
                     leaf_kw=dict(tcb=None), inter_kw={0: dict(tcb=b, exts=[
                         (dice_ext(M, multi_tcb([a])), False)])})
        self.chained('tcb_min_svn_no_svn', 5, 'tcb_min_svn = 0 and a TcbInfo '
                     'without svn (step 27)',
                     self.pol('min_svn_0', 'tcb_min_svn = 0\n'),
                     leaf_kw=dict(tcb=tcb_info(vendor=INTEL)))
        self.chained('tcb_fwid_second', 0, 'tcb_fwid = the second of the '
                     'leaf\'s two FWIDs (step 27)',
                     self.pol('fwid_second', 'tcb_fwid = %s\n' % ('ab' * 32)),
                     leaf_kw=dict(tcb=tcb_info(fwids=[os.urandom(48),
                                                      b'\xab' * 32])))
        self.chained('tcb_leaf_is_ca', 0, 'a leaf with cA TRUE and Intel\'s '
                     'TcbInfo: it is below the root, so it counts (step 27)',
                     leaf_kw=dict(bc=(True, None)))

    # -- step 29: minimum TEE TCB SVNs --
    def min_svn(self):
        c = self.claims()
        c.origin[SM_PLATFORM][-125] = [5] * 16
        c.vals[SM_PLATFORM][-125] = [7] * 16
        self.add('valid_svn_5_7', self.std(c), 0,
                 'tee_tcb_svn 05 * 16, tee_tcb_svn2 07 * 16')
        low = [4] * 16
        low[5] = 6

        def pv(name, expect, why, text):
            self.add(name, None, expect, why, self.pol(name, text),
                     file='valid_svn_5_7.cbor')
        h = lambda v: bytes(v).hex()
        pv('min_svn_equal', 0, 'min_tee_tcb_svn equal (step 29)',
           'min_tee_tcb_svn = %s\n' % h([5] * 16))
        pv('min_svn_greater', 0, 'claim greater than min_tee_tcb_svn in '
           'every component (step 29)', 'min_tee_tcb_svn = %s\n' % h([4] * 16))
        pv('min_svn_zero', 0, 'min_tee_tcb_svn all zero (step 29)',
           'min_tee_tcb_svn = %s\n' % h([0] * 16))
        pv('min_svn_one_lower', 5, 'claim component 5 below the minimum, '
           'the others above; larger as a number (step 29: component-wise)',
           'min_tee_tcb_svn = %s\n' % h(low))
        pv('min_svn_last_lower', 5, 'claim component 15 below the minimum '
           '(step 29)', 'min_tee_tcb_svn = %s\n' % h([0] * 15 + [6]))
        pv('min_svn_wrong_length', 5, 'min_tee_tcb_svn of 15 bytes: the '
           'claim has 16 components (step 29)',
           'min_tee_tcb_svn = %s\n' % h([0] * 15))
        pv('min_svn_17', 5, 'min_tee_tcb_svn of 17 bytes (step 29)',
           'min_tee_tcb_svn = %s\n' % h([0] * 17))
        pv('min_svn2_equal', 0, 'min_tee_tcb_svn2 equal (step 29)',
           'min_tee_tcb_svn2 = %s\n' % h([7] * 16))
        pv('min_svn2_one_lower', 5, 'tee_tcb_svn2 component 15 below '
           'min_tee_tcb_svn2 (step 29)',
           'min_tee_tcb_svn2 = %s\n' % h([7] * 15 + [8]))
        pv('min_svn2_reads_current', 0, 'min_tee_tcb_svn2 = 06 * 16 reads '
           'tee_tcb_svn2 (07), not tee_tcb_svn (05) (step 29)',
           'min_tee_tcb_svn2 = %s\n' % h([6] * 16))
        pv('min_svn_reads_origin', 5, 'min_tee_tcb_svn = 06 * 16 reads '
           'tee_tcb_svn (05), not tee_tcb_svn2 (07) (step 29)',
           'min_tee_tcb_svn = %s\n' % h([6] * 16))
        pv('min_svn_both', 0, 'both minimums met (step 29)',
           'min_tee_tcb_svn = %s\nmin_tee_tcb_svn2 = %s\n' % (
               h([5] * 16), h([6] * 16)))
        pv('tee_tcb_svn2_expected', 0, 'tee_tcb_svn2 = 07 * 16 (step 30)',
           'tee_tcb_svn2 = %s\n' % h([7] * 16))
        pv('tee_tcb_svn2_mismatch', 5, 'tee_tcb_svn2 = 05 * 16, the value '
           'of tee_tcb_svn (step 30)', 'tee_tcb_svn2 = %s\n' % h([5] * 16))
        pv('tee_tcb_svn_expected', 0, 'tee_tcb_svn = 05 * 16 (step 30)',
           'tee_tcb_svn = %s\n' % h([5] * 16))
        pv('tee_tcb_svn_mismatch', 5, 'tee_tcb_svn = 07 * 16, the value '
           'of tee_tcb_svn2 (step 30)', 'tee_tcb_svn = %s\n' % h([7] * 16))
        self.add('usage_min_svn_twice', None, 1,
                 'min_tee_tcb_svn on two lines: given twice ("Writing '
                 'policy")', self.pol('min_svn_twice',
                                      'min_tee_tcb_svn = %s\n' % h([5] * 16)
                                      * 2), file='valid_svn_5_7.cbor')

    # -- step 30: sets, origin and current --
    def sets(self):
        e = self.claims().expected()
        q = 'valid.cbor'
        rnd = lambda: os.urandom(48).hex()
        self.add('mrtd_set_one_matching', None, 0, 'two MRTDs, the second '
                 'matching (step 30)', ['--mrtd', rnd(), '--mrtd', e['mrtd']],
                 file=q)
        self.add('mrtd_set_none', None, 5, 'two MRTDs, none matching '
                 '(step 30)', ['--mrtd', rnd(), '--mrtd', rnd()], file=q)
        self.add('mrtd_set_file_and_cli', None, 0, 'an MRTD in the file, '
                 'the matching one with --mrtd: one set',
                 ['--mrtd', e['mrtd']] +
                 self.pol('mrtd_other', 'mrtd = %s\n' % rnd()), file=q)
        self.add('rtmr_set', None, 0, 'rtmr0 twice, the first matching',
                 ['--rtmr', '0=' + e['rtmr0'], '--rtmr', '0=' + rnd()],
                 file=q)
        self.add('report_data_set', None, 0, 'report_data: three values',
                 self.pol('rd_set', ''.join(
                     'report_data = %s\n' % v for v in (
                         '00' * 64, e['report_data'], 'ff' * 64))), file=q)
        c = self.claims()
        c.origin[SM_TD][-83] = dg(os.urandom(48))
        c.vals[SM_TD][-83] = dg(os.urandom(48))
        self.add('origin_current_differ', self.std(c), 0,
                 'TD origin and current MRTDs differ from each other')
        o, cur = c.origin[SM_TD][-83][1].hex(), c.vals[SM_TD][-83][1].hex()
        f = 'origin_current_differ.cbor'

        def pv(name, expect, why, text, file=f):
            self.add(name, None, expect, why + ' (steps 24, 30)',
                     self.pol(name, text), file=file)
        pv('mrtd_origin_match', 0, 'mrtd@origin = the origin MRTD',
           'mrtd@origin = %s\n' % o)
        pv('mrtd_origin_mismatch', 5, 'mrtd@origin = the current MRTD',
           'mrtd@origin = %s\n' % cur)
        pv('mrtd_current_match', 0, 'mrtd@current = the current MRTD',
           'mrtd@current = %s\n' % cur)
        pv('mrtd_current_mismatch', 5, 'mrtd@current = the origin MRTD',
           'mrtd@current = %s\n' % o)
        pv('mrtd_latest_is_current', 0, 'mrtd = the current MRTD',
           'mrtd = %s\n' % cur)
        pv('mrtd_latest_not_origin', 5, 'mrtd = the origin MRTD',
           'mrtd = %s\n' % o)
        pv('mrtd_and_origin', 0, 'mrtd = current and mrtd@origin = origin',
           'mrtd = %s\nmrtd@origin = %s\n' % (cur, o))
        pv('mrtd_and_origin_both_apply', 5, 'mrtd = current and mrtd@origin '
           '= current: both rules apply', 'mrtd = %s\nmrtd@origin = %s\n'
           % (cur, cur))
        pv('mrtd_origin_set', 0, 'mrtd@origin: a set of the current and the '
           'origin MRTDs', 'mrtd@origin = %s\nmrtd@origin = %s\n' % (cur, o))
        c = self.claims()
        c.no_current.add(SM_TD)
        c.origin[SM_TD][-83] = dg(os.urandom(48))
        self.add('td_origin_only', self.std(c), 0,
                 'TD submodule without "1", its MRTD not the report\'s')
        o = c.origin[SM_TD][-83][1].hex()
        f = 'td_origin_only.cbor'
        pv('mrtd_latest_is_origin', 0, 'TD without "1": mrtd = the origin '
           'MRTD (latest)', 'mrtd = %s\n' % o, file=f)
        pv('mrtd_current_missing', 5, 'TD without "1": mrtd@current is a '
           'missing claim', 'mrtd@current = %s\n' % o, file=f)
        pv('mrtd_origin_without_current', 0, 'TD without "1": mrtd@origin',
           'mrtd@origin = %s\n' % o, file=f)
        pv('servtd_current_go_shape', 5, 'go_shape: mr_service_td@current '
           'of a service TD without "1" is missing',
           'mr_service_td@current = %s\n' % e['mr_service_td'],
           file='go_shape.cbor')
        pv('seam_qualified', 0, 'mr_seam@origin, mr_signer_seam@current, '
           'seam_attributes@origin on a SEAM with both maps',
           'mr_seam@origin = %s\nmr_signer_seam@current = %s\n'
           'seam_attributes@origin = %s\n' % (
               e['mr_seam'], e['mr_signer_seam'], e['seam_attributes']),
           file=q)
        pv('td_attributes_origin', 0, 'td_attributes@origin and '
           'xfam@current', 'td_attributes@origin = %s\nxfam@current = %s\n'
           % (e['td_attributes'], e['xfam']), file=q)

    # -- 1: the policy grammar --
    def usage_policy(self):
        q = 'valid.cbor'
        e = self.claims().expected()

        def u(name, why, text=None, args=()):
            a = list(args) + (self.pol(name, text) if text is not None
                              else [])
            self.add(name, None, 1, why + ' ("Writing policy")', a, file=q)
        u('usage_unknown_name', 'unknown name tcb_vendors',
          'tcb_vendors = Intel Corporation\n')
        u('usage_allow_debug_maybe', 'allow_debug = maybe',
          'allow_debug = maybe\n')
        u('usage_allow_debug_upper', 'allow_debug = YES',
          'allow_debug = YES\n')
        u('usage_allow_debug_twice', 'allow_debug on two lines',
          'allow_debug = yes\nallow_debug = yes\n')
        u('usage_allow_debug_cli_and_file', '--allow-debug and allow_debug '
          '= yes: a single-valued name given twice',
          'allow_debug = yes\n', ['--allow-debug'])
        u('usage_allow_debug_cli_twice', '--allow-debug twice',
          args=['--allow-debug', '--allow-debug'])
        u('usage_require_tcb_info_twice', 'require_tcb_info on two lines',
          'require_tcb_info = no\nrequire_tcb_info = no\n')
        u('usage_require_tcb_info_empty', 'require_tcb_info without a value',
          'require_tcb_info =\n')
        u('usage_tcb_min_svn_twice', 'tcb_min_svn on two lines (same value)',
          'tcb_min_svn = 1\ntcb_min_svn = 1\n')
        u('usage_tcb_min_svn_negative', 'tcb_min_svn = -1',
          'tcb_min_svn = -1\n')
        u('usage_tcb_min_svn_2_63', 'tcb_min_svn = 2^63',
          'tcb_min_svn = %d\n' % (1 << 63))
        u('usage_tcb_min_svn_hex', 'tcb_min_svn = 0x5', 'tcb_min_svn = 0x5\n')
        u('usage_tcb_layer_text', 'tcb_layer = one', 'tcb_layer = one\n')
        u('usage_tcb_layer_2_63', 'tcb_layer = 2^63',
          'tcb_layer = %d\n' % (1 << 63))
        u('usage_min_svn_bad_hex', 'min_tee_tcb_svn = 0g',
          'min_tee_tcb_svn = 0g\n')
        u('usage_min_svn2_twice', 'min_tee_tcb_svn2 on two lines',
          'min_tee_tcb_svn2 = 00\nmin_tee_tcb_svn2 = 01\n')
        u('usage_oid_first_arc', '--profile 3.1: first arc above 2',
          args=['--profile', '3.1'])
        u('usage_oid_one_arc', 'eat_profile = 2: one arc',
          'eat_profile = 2\n')
        u('usage_oid_text', '--profile intel: not an OID nor a name',
          args=['--profile', 'intel'])
        u('usage_oid_empty_arc', 'eat_profile = 1..2', 'eat_profile = 1..2\n')
        u('usage_oid_trailing_dot', 'eat_profile = 1.2.',
          'eat_profile = 1.2.\n')
        u('usage_oid_sign', '--profile 1.-2', args=['--profile', '1.-2'])
        u('usage_oid_empty', '--profile ""', args=['--profile', ''])
        u('usage_tee_tcb_svn_origin', 'tee_tcb_svn@origin: the platform '
          'names take no qualifier',
          'tee_tcb_svn@origin = %s\n' % ('00' * 16))
        u('usage_tee_tcb_svn2_current', 'tee_tcb_svn2@current',
          'tee_tcb_svn2@current = %s\n' % ('00' * 16))
        u('usage_report_data_current', 'report_data@current: no qualifier',
          'report_data@current = %s\n' % e['report_data'])
        u('usage_bad_qualifier', 'mrtd@latest: no such qualifier',
          'mrtd@latest = %s\n' % e['mrtd'])
        u('usage_hex_empty', 'mrtd with no value', 'mrtd =\n')
        u('usage_hex_4097', 'mrtd of 4097 bytes',
          'mrtd = %s\n' % ('00' * 4097))
        u('usage_fwid_odd', 'tcb_fwid of odd length', 'tcb_fwid = abc\n')
        u('usage_text_empty', 'iss with no value', 'iss =  \n')
        u('usage_text_256', 'tcb_vendor of 256 bytes',
          'tcb_vendor = %s\n' % ('v' * 256))
        u('usage_no_equals', 'a line without "="', 'mrtd %s\n' % e['mrtd'])
        u('usage_empty_name', 'a line "= 00"', '= 00\n')
        self.write('policies/bad_utf8.txt', b'iss = \xff\xfe\n')
        u('usage_text_bad_utf8', 'iss not UTF-8',
          args=['--policy', 'policies/bad_utf8.txt'])
        u('usage_profile_bad_cli_value', '--mrtd 0 (odd hex) after a good '
          '--profile', args=['--profile', 'intel-tdx', '--mrtd', '0'])

        def ok(name, expect, why, text):
            self.add(name, None, expect, why + ' ("Writing policy")',
                     self.pol(name, text), file=q)
        ok('policy_hex_4096', 5, 'mrtd of 4096 bytes: a valid value that '
           'does not match', 'mrtd = %s\n' % ('00' * 4096))
        ok('policy_text_255', 5, 'tcb_vendor of 255 bytes: a valid value '
           'no entry has', 'tcb_vendor = %s\n' % ('v' * 255))
        ok('policy_blanks_comments', 0, 'tabs, blanks, comments and blank '
           'lines around name = value',
           '# comment\n\n \t mrtd\t =  %s  # trailing comment\n'
           '   \n\tallow_debug=no\n' % e['mrtd'])
        ok('policy_comment_only', 0, 'a policy file of comments',
           '# nothing\n#mrtd = 00\n')
        ok('policy_oid_leading_zero', 0, 'eat_profile = '
           '2.16.840.1.113741.1.13.01: dotted decimal, compared as an OID',
           'eat_profile = 2.16.840.1.113741.1.13.01\n')


class _Iss:
    """An issuer known only by key and name."""

    def __init__(self, key, name):
        self.key = key
        self.cert = type('Stub', (), {'subject': name})


def _tamper_tbs(der):
    """Changes one letter of the subject CN (DER stays valid): the
    issuer's signature no longer matches."""
    i = der.rfind(b'test leaf ')
    b = bytearray(der)
    b[i] = ord('T')
    return bytes(b)


def _resign(ent, issuer, fix):
    """ent's certificate with fix(tbs, children of tbs) -> new tbs,
    signed again by issuer."""
    tbs, alg, _ = der_children(ent.der)
    tbs = fix(tbs, der_children(tbs))
    sig = issuer.key.sign(tbs, ec.ECDSA(hashes.SHA384()))
    return der_seq(tbs + alg + b'\x03' + der_len(len(sig) + 1) + b'\x00' +
                   sig)


def _sig_unused_bits(ent, issuer):
    """ent's certificate signed again by issuer, its signatureValue BIT
    STRING claiming one unused bit (and that bit zero, so the BIT STRING
    itself is DER): not a whole-octet ECDSA signature."""
    tbs, alg, _ = der_children(ent.der)
    while True:
        sig = issuer.key.sign(tbs, ec.ECDSA(hashes.SHA384()))
        if not sig[-1] & 1:
            break
    return der_seq(tbs + alg + b'\x03' + der_len(len(sig) + 1) + b'\x01' +
                   sig)


def _ber_critical(tbs, kids):
    i = tbs.find(bytes.fromhex('0603551d13' '0101ff'))    # BC, critical
    b = bytearray(tbs)
    b[i + 7] = 0x01
    return bytes(b)


def _ber_bc_ca(tbs, kids):
    i = tbs.find(bytes.fromhex('0603551d13'))
    i = tbs.find(bytes.fromhex('0101ff'), i + 8)         # cA TRUE
    b = bytearray(tbs)
    b[i + 2] = 0x01
    return bytes(b)


def _dup_last_ext(tbs, kids):
    """The certificate's last extension twice."""
    kids = list(kids)
    assert kids[-1][0] == 0xa3
    exts = der_children(der_children(kids[-1])[0])
    kids[-1] = tlv(0xa3, der_seq(b''.join(exts + [exts[-1]])))
    return der_seq(b''.join(kids))


def _ber_long_length(tbs, kids):
    kids = list(kids)
    assert kids[4][0] == 0x30 and kids[4][1] < 0x80      # validity
    kids[4] = b'\x30\x81' + kids[4][1:]
    return der_seq(b''.join(kids))


def epoch(dt):
    return int((dt - datetime.datetime(1970, 1, 1)).total_seconds())

# ---- other modes ---------------------------------------------------------


def one(args):
    report = open(args.report, 'rb').read() if args.report else new_report()
    root = mkcert('test root one')
    inter = mkcert('test intermediate one', root, bc=(True, 0))
    leaf = mkcert('test leaf one', inter, bc=(False, None), usage='leaf',
                  tcb=std_tcb(os.urandom(48)))
    p = Claims(report).encode()
    bag = [leaf.der, inter.der] + ([] if args.no_root else [root.der])
    open(args.one, 'wb').write(doc(p, leaf, bag))
    open(args.root_out, 'wb').write(root.pem)
    if args.report_out:
        open(args.report_out, 'wb').write(report)


def fuzz_seeds(args):
    """Seeds for tools/fuzz: certificates valid 2025-2125 so that they
    verify at the fuzzers' fixed time."""
    nb = datetime.datetime(2025, 1, 1)
    na = datetime.datetime(2125, 1, 1)
    root = mkcert('tdx-ext fuzz root (TEST ONLY)', nb=nb, na=na)
    # every TCG DICE extension and DiceTcbInfo field, for the parsers
    d = hashlib.sha384(b'tdx-ext fuzz layer').digest()
    layer0 = tcb_info(vendor=INTEL, model='fuzz layer 0', version='1.0',
                      svn=1, layer=0, index=0, fwids=[d, d[:32]],
                      flags=b'\x04\xf0', vendor_info=b'vi', type_=b'ty',
                      flags_mask=b'\x00')
    inter = mkcert('tdx-ext fuzz intermediate', root, bc=(True, 0),
                   nb=nb, na=na, exts=[
                       (dice_ext(OID_MULTI_TCB_INFO,
                                 multi_tcb([layer0, tcb_info()])), False),
                       (dice_ext(OID_UEID, ueid(b'\x01' * 17)), True)])
    leaf = mkcert('tdx-ext fuzz leaf', inter, bc=(False, None),
                  usage='leaf', nb=nb, na=na,
                  tcb=std_tcb(hashlib.sha384(b'tdx-ext fuzz leaf').digest()),
                  eku=[EKU_ATTEST_LOC])
    rep = bytes(range(256)) * 4
    c = Claims(rep)
    p = c.encode()
    L, I, R = leaf.der, inter.der, root.der
    out = args.fuzz_seeds
    os.makedirs(out, exist_ok=True)
    seeds = {
        'valid_bag': doc(p, leaf, [L, I]),
        'valid_bag_root': doc(p, leaf, [R, I, L]),
        'valid_chain': doc(p, leaf, [L, I], label=33),
        'valid_go_shape': None,
        'td_only': None,
        'dup_keys': doc(c.encode(pairs=[(Raw(b'\x18\x01'), 'x')]), leaf,
                        [L, I]),
        'bad_sig': doc(p, leaf, [L, I], sig=bytes(96)),
        'bad_claims': doc(c.encode(drop=[-212]), leaf, [L, I]),
        'unknown_keys': None,
        'prot_es256': doc(p, leaf, [L, I], prot=bytes.fromhex('a10126')),
        'deep': envelope(PROT, b'\xa2\x18\x20' + cb([L, I]) + b'\x18\x63' +
                         b'\x81' * 20 + b'\x80', p, bytes(96)),
        'indefinite': head(6, 61) + head(6, 18) + b'\x9f' + bstr(PROT) +
        unprot_map([L]) + bstr(p) + bstr(bytes(96)) + b'\xff',
    }
    seeds['truncated'] = seeds['valid_bag'][:1500]
    seeds['huge_bstr'] = (head(6, 61) + head(6, 18) + b'\x84' + bstr(PROT) +
                          unprot_map([L]) + head(2, 1 << 40, 8) + p)
    c2 = Claims(rep)
    c2.order = [SM_TD]
    seeds['td_only'] = doc(c2.encode(), leaf, [L, I])
    c2 = Claims(rep)
    c2.no_current = {SM_SEAM, SM_TD, SM_SERVICE}
    seeds['valid_go_shape'] = doc(c2.encode(), leaf, [L, I])
    c3 = Claims(rep)
    c3.vals[SM_TD][-999] = 'x'
    c3.extra_submods['1.2.3'] = 1
    c3.vals[SM_SEAM][-83] = c3.vals[SM_SEAM][-83][1]
    seeds['unknown_keys'] = doc(c3.encode(), leaf, [L, I])
    for k, v in seeds.items():
        open(os.path.join(out, k + '.cbor'), 'wb').write(v)
    open(args.root_out, 'wb').write(root.pem)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('outdir', nargs='?')
    ap.add_argument('--report', help='1024-byte TDREPORT to use')
    ap.add_argument('--one', metavar='OUT.cbor')
    ap.add_argument('--root-out', metavar='ROOT.pem')
    ap.add_argument('--report-out', metavar='REPORT.bin')
    ap.add_argument('--no-root', action='store_true',
                    help='--one: x5bag [leaf, intermediate], no root')
    ap.add_argument('--fuzz-seeds', metavar='DIR')
    args = ap.parse_args()
    if args.one or args.fuzz_seeds:
        if not args.root_out:
            ap.error('--root-out is required')
        return one(args) if args.one else fuzz_seeds(args)
    if not args.outdir:
        ap.error('OUTDIR is required')
    report = open(args.report, 'rb').read() if args.report else new_report()
    if len(report) != 1024:
        ap.error('the report must be 1024 bytes')
    # the vectors' expectations assume a TD without ATTRIBUTES.DEBUG
    # (step 28); the debug vectors set it themselves
    report = report[:512] + bytes([report[512] & 0xfe]) + report[513:]
    Gen(args.outdir, report).generate()


if __name__ == '__main__':
    sys.exit(main())
