#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Independent verifier of tdx-ext quotes, implementing docs/verifier.md
(steps 1-30, exit status = outcome) with python3-cryptography, its own
CBOR well-formedness walker and decoder (duplicate keys included) and its
own DER reader for the TCG DICE extensions (cbor2 only encodes the COSE
Sig_structure).  Shares no code with tools/lib.

  pyverify.py [verify] QUOTE [--root PEM]... [--report-data HEX]
              [--mrtd HEX] [--rtmr N=HEX]... [--profile OID]
              [--allow-debug] [--policy FILE]... [--time UNIX_SECONDS]
              [--json] [-q]
  pyverify.py --batch MANIFEST.json
      "name status rule: message" per vector of gen_quotes.py (args
      relative to the manifest's directory); exit 0
  pyverify.py --flips FILE QUOTE --root PEM [--time T]
      FILE has "offset bit status" lines (test_bitflip); verifies each
      flipped copy (default policy) and prints "MISMATCH offset bit c=S
      py=S" where the status differs, then "flips N mismatches M"; exit 1
      on a mismatch.

--json prints one object: status, exit, reason, rule ("step N" for steps
1-24, the policy name for 25-30, null when ok or for usage errors),
chain, claims and, for a policy failure, mismatch.

Runs only with Debian's /usr/bin/python3.
"""
import base64
import calendar
import glob
import hashlib
import json
import os
import struct
import sys
import time

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import \
    encode_dss_signature

OK, USAGE, MALFORMED, UNTRUSTED, SIGNATURE, POLICY = range(6)
NAMES = ['ok', 'usage', 'malformed', 'untrusted', 'signature', 'policy']
MAX_QUOTE = 16 << 20
MAX_DEPTH = 16
MAX_ITEMS = 65536
MAX_CERTS = 8
SIG_SIZE = 96
OID = '2.16.840.1.113741.1.13.2.%d.0'
ECDSA_SHA384 = '1.2.840.10045.4.3.3'
SM_PLATFORM, SM_TD, SM_SERVICE, SM_SEAM = 1, 4, 7, 8
SM_NAMES = {SM_PLATFORM: 'platform', SM_TD: 'td', SM_SERVICE: 'service_td',
            SM_SEAM: 'seam'}

# step 16
OID_TCB_INFO = '2.23.133.5.4.1'
OID_MULTI_TCB_INFO = '2.23.133.5.4.5'
OID_UEID = '2.23.133.5.4.4'
DICE_OIDS = (OID_TCB_INFO, OID_MULTI_TCB_INFO, OID_UEID)
PROCESSED = {'2.5.29.19', '2.5.29.15', '2.5.29.37', '2.5.29.14',
             '2.5.29.35'} | set(DICE_OIDS)
# step 19
ATTEST_EKUS = {'2.5.29.37.0', '2.23.133.5.4.100.8', '2.23.133.5.4.100.9'}

# step 22
DIGEST_KEYS = {-83, -84, -203, -204, -205, -206, -207, -208, -209, -210}
BYTES_KEYS = {-82, -201}
SVN_KEYS = {-125}

# step 25
PROFILE_ALIASES = {'intel-tdx': '2.16.840.1.113741.1.13.1',
                   'tdx-ext-simulator':
                   '2.25.187683495578185925455535580376002142914'}
DEFAULT_PROFILES = ['2.16.840.1.113741.1.13.1']
DEFAULT_VENDORS = ['Intel Corporation']

# step 30, in the order of the table: name -> (submodule, key)
EXPECTED = [
    ('report_data', None, -212), ('mrtd', SM_TD, -83),
    ('rtmr0', SM_TD, -206), ('rtmr1', SM_TD, -207),
    ('rtmr2', SM_TD, -208), ('rtmr3', SM_TD, -209),
    ('mr_config_id', SM_TD, -203), ('mr_owner', SM_TD, -204),
    ('mr_owner_config', SM_TD, -205), ('td_attributes', SM_TD, -82),
    ('xfam', SM_TD, -201), ('mr_seam', SM_SEAM, -83),
    ('mr_signer_seam', SM_SEAM, -84), ('seam_attributes', SM_SEAM, -82),
    ('mr_service_td', SM_SERVICE, -210),
    ('tee_tcb_svn', SM_PLATFORM, '0'), ('tee_tcb_svn2', SM_PLATFORM, '1'),
]
QUALIFIERS = ('', '@origin', '@current')

# "Writing policy": name -> kind
KINDS = {'tcb_fwid': 'hexset', 'iss': 'textset', 'tcb_vendor': 'textset',
         'tcb_model': 'textset', 'eat_profile': 'oidset',
         'tcb_layer': 'intset', 'tcb_min_svn': 'int',
         'min_tee_tcb_svn': 'hex', 'min_tee_tcb_svn2': 'hex',
         'allow_debug': 'bool', 'require_tcb_info': 'bool'}
for _n, _sm, _k in EXPECTED:
    KINDS[_n] = 'hexset'
    if _sm in (SM_TD, SM_SEAM, SM_SERVICE):
        KINDS[_n + '@origin'] = KINDS[_n + '@current'] = 'hexset'
SINGLE = {'int', 'hex', 'bool'}
TCB_NAMES = ('tcb_vendor', 'tcb_model', 'tcb_layer', 'tcb_min_svn',
             'tcb_fwid')
INT63 = (1 << 63) - 1


class Fail(Exception):
    def __init__(self, status, msg, rule=None):
        super().__init__(msg)
        self.status = status
        self.rule = rule


def step(n):
    return 'step %d' % n

# ---- CBOR: steps 2 and 3 ----------------------------------------------------


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class Simple:
    def __init__(self, v):
        self.v = v


class Float:
    """A float: .bits, its value converted to binary64 (step 3)."""

    def __init__(self, bits):
        self.bits = bits


class Map:
    """Pairs in document order (no two equal keys: step 3)."""

    def __init__(self, pairs):
        self.pairs = pairs

    def get(self, key, default=None):
        for k, v in self.pairs:
            if type(k) is type(key) and k == key:
                return v
        return default

    def has(self, key):
        return any(type(k) is type(key) and k == key for k, _ in self.pairs)


class NotWellFormed(Exception):
    rule = step(2)


class DuplicateKey(NotWellFormed):
    rule = step(3)


def _half_bits(h):
    """binary16 -> binary64 bits (IEEE conversion: exact; a NaN keeps
    its payload and becomes quiet)."""
    if h & 0x7c00 == 0x7c00 and h & 0x3ff:
        return ((h >> 15) << 63 | 0x7ff << 52 | 1 << 51 |
                (h & 0x3ff) << 42)
    return struct.unpack('>Q', struct.pack(
        '>d', struct.unpack('>e', h.to_bytes(2, 'big'))[0]))[0]


def _single_bits(f):
    if f & 0x7f800000 == 0x7f800000 and f & 0x7fffff:
        return ((f >> 31) << 63 | 0x7ff << 52 | 1 << 51 |
                (f & 0x7fffff) << 29)
    return struct.unpack('>Q', struct.pack(
        '>d', struct.unpack('>f', f.to_bytes(4, 'big'))[0]))[0]


def ident(v):
    """Step 3: the identity of a data item, whatever its encoding."""
    t = type(v)
    if t is int:
        return (0, v)                   # major types 0 and 1 by value
    if t is bytes:
        return (2, v)
    if t is str:
        return (3, v.encode('utf-8', 'surrogateescape'))
    if t is list:
        return (4, tuple(ident(x) for x in v))
    if t is Map:
        return (5, tuple((ident(k), ident(x)) for k, x in v.pairs))
    if t is Tag:
        return (6, v.tag, ident(v.value))
    if t is Float:
        return (7, 'float', v.bits)
    return (7, 'simple', v.v)


def _item(b, pos, depth, st):
    """Decodes the item at pos at nesting level depth (0: top); returns
    (value, next pos).  st[0]: heads decoded so far (step 2's limit);
    st[1]: the first duplicate key seen (step 3), reported once the
    whole item is known to be well-formed."""
    n = len(b)
    st[0] += 1
    if st[0] > MAX_ITEMS:
        raise NotWellFormed('more than %d data items' % MAX_ITEMS)
    if pos >= n:
        raise NotWellFormed('truncated at %d' % pos)
    ib = b[pos]
    major, ai = ib >> 5, ib & 31
    pos += 1
    if ai < 24:
        val = ai
    elif ai <= 27:
        w = 1 << (ai - 24)
        if pos + w > n:
            raise NotWellFormed('truncated head at %d' % pos)
        val = int.from_bytes(b[pos:pos + w], 'big')
        pos += w
    elif ai == 31:
        raise NotWellFormed('indefinite length or break at %d' % (pos - 1))
    else:
        raise NotWellFormed('reserved additional info at %d' % (pos - 1))
    if major == 0:
        return val, pos
    if major == 1:
        return -1 - val, pos
    if major in (2, 3):
        if val > n - pos:
            raise NotWellFormed('string longer than the input at %d' % pos)
        s = b[pos:pos + val]
        pos += val
        return (s if major == 2 else s.decode('utf-8', 'surrogateescape'),
                pos)
    if major in (4, 5, 6):
        if depth + 1 > MAX_DEPTH:
            raise NotWellFormed('nesting deeper than %d' % MAX_DEPTH)
    if major == 4:
        if val > n - pos:
            raise NotWellFormed('array count larger than the input')
        out = []
        for _ in range(val):
            v, pos = _item(b, pos, depth + 1, st)
            out.append(v)
        return out, pos
    if major == 5:
        if val > n - pos:
            raise NotWellFormed('map count larger than the input')
        pairs, seen = [], set()
        for _ in range(val):
            kpos = pos
            k, pos = _item(b, pos, depth + 1, st)
            v, pos = _item(b, pos, depth + 1, st)
            if st[1] is None:
                i = ident(k)
                if i in seen:
                    st[1] = 'duplicate map key at offset %d' % kpos
                seen.add(i)
            pairs.append((k, v))
        return Map(pairs), pos
    if major == 6:
        v, pos = _item(b, pos, depth + 1, st)
        return Tag(val, v), pos
    # major 7
    if ai == 24:
        if val < 32:
            raise NotWellFormed('two-byte simple value < 32')
        return Simple(val), pos
    if ai == 25:
        return Float(_half_bits(val)), pos
    if ai == 26:
        return Float(_single_bits(val)), pos
    if ai == 27:
        return Float(val), pos
    return Simple(val), pos


def decode_one(b):
    """Steps 2 and 3: exactly one well-formed item, no trailing bytes, no
    map with two equal keys."""
    st = [0, None]
    v, pos = _item(b, 0, 0, st)
    if pos != len(b):
        raise NotWellFormed('%d trailing bytes' % (len(b) - pos))
    if st[1] is not None:
        raise DuplicateKey(st[1])
    return v


def is_int(v):
    return type(v) is int


def is_uint(v):
    return type(v) is int and v >= 0

# ---- DER: the TCG DICE extensions (step 17) ---------------------------------


class DerError(Exception):
    pass


def der_tlv(b, pos, end):
    """(tag, content start, content end) of the DER TLV at pos, within
    end: low tag numbers, definite minimal lengths."""
    if pos >= end:
        raise DerError('truncated')
    tag = b[pos]
    if tag & 0x1f == 0x1f:
        raise DerError('high tag number')
    pos += 1
    if pos >= end:
        raise DerError('truncated length')
    ln = b[pos]
    pos += 1
    if ln == 0x80:
        raise DerError('indefinite length')
    if ln > 0x80:
        k = ln & 0x7f
        if k > 4 or pos + k > end:
            raise DerError('bad length')
        if b[pos] == 0:
            raise DerError('length with a leading zero')
        ln = int.from_bytes(b[pos:pos + k], 'big')
        if ln < 0x80:
            raise DerError('length not in the short form')
        pos += k
    if ln > end - pos:
        raise DerError('length beyond the end')
    return tag, pos, pos + ln


def der_items(b, start, end):
    """The TLVs that fill start..end exactly."""
    out, pos = [], start
    while pos < end:
        t, s, e = der_tlv(b, pos, end)
        out.append((t, s, e))
        pos = e
    return out


def der_one(b, tag):
    """The content of the single TLV b holds (nothing after it)."""
    t, s, e = der_tlv(b, 0, len(b))
    if t != tag:
        raise DerError('tag 0x%02x, not 0x%02x' % (t, tag))
    if e != len(b):
        raise DerError('%d trailing bytes' % (len(b) - e))
    return s, e


def der_uint63(c):
    if not c:
        raise DerError('empty INTEGER')
    if len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or
                       (c[0] == 0xff and c[1] >= 0x80)):
        raise DerError('INTEGER not minimal')
    if c[0] & 0x80:
        raise DerError('negative INTEGER')
    v = int.from_bytes(c, 'big')
    if v > INT63:
        raise DerError('INTEGER above 2^63-1')
    return v


def der_utf8(c):
    if not 1 <= len(c) <= 255:
        raise DerError('UTF8String of %d bytes' % len(c))
    try:
        s = c.decode('utf-8')
    except UnicodeDecodeError:
        raise DerError('UTF8String not UTF-8')
    if '\x00' in s:
        raise DerError('UTF8String with a NUL')
    return s


def der_bits(c):
    if not c or c[0] > 7 or (len(c) == 1 and c[0]):
        raise DerError('bad BIT STRING')
    if c[-1] & ((1 << c[0]) - 1):
        raise DerError('BIT STRING padding not zero')
    if (len(c) - 1) * 8 - c[0] > 32:
        raise DerError('BIT STRING longer than 32 bits')
    return c.hex()


def oid_content_ok(c):
    """Content octets of a DER OBJECT IDENTIFIER: at least one byte, each
    arc minimal base-128, the last byte's top bit clear."""
    if not c or c[-1] & 0x80:
        return False
    first = True
    for x in c:
        if first and x == 0x80:
            return False
        first = not x & 0x80
    return True


def oid_text(c):
    arcs, v = [], 0
    for x in c:
        v = v << 7 | (x & 0x7f)
        if not x & 0x80:
            arcs.append(v)
            v = 0
    f = arcs[0]
    head = [0, f] if f < 40 else [1, f - 40] if f < 80 else [2, f - 80]
    return '.'.join(str(a) for a in head + arcs[1:])


def der_octets(c, lo, hi, what):
    if not lo <= len(c) <= hi:
        raise DerError('%s of %d bytes' % (what, len(c)))
    return bytes(c)


def parse_tcb_info(b, s, e):
    """One DiceTcbInfo (content s..e of its SEQUENCE) -> dict."""
    out, last = {}, -1
    for t, cs, ce in der_items(b, s, e):
        c = b[cs:ce]
        if t == 0xa6:
            num = 6
        elif 0x80 <= t <= 0x8a and t != 0x86:
            num = t - 0x80
        else:
            raise DerError('unknown DiceTcbInfo field 0x%02x' % t)
        if num <= last:
            raise DerError('DiceTcbInfo field [%d] out of order or twice'
                           % num)
        last = num
        if num in (0, 1, 2):
            out[('vendor', 'model', 'version')[num]] = der_utf8(c)
        elif num in (3, 4, 5):
            out[('svn', 'layer', 'index')[num - 3]] = der_uint63(c)
        elif num == 6:
            fw = der_items(b, cs, ce)
            if not 1 <= len(fw) <= 16:
                raise DerError('%d FWIDs' % len(fw))
            fwids = []
            for ft, fs, fe in fw:
                if ft != 0x30:
                    raise DerError('FWID not a SEQUENCE')
                parts = der_items(b, fs, fe)
                if len(parts) != 2 or parts[0][0] != 0x06 or \
                        parts[1][0] != 0x04:
                    raise DerError('FWID not {OID, OCTET STRING}')
                alg = b[parts[0][1]:parts[0][2]]
                if not 1 <= len(alg) <= 32 or not oid_content_ok(alg):
                    raise DerError('FWID hashAlg')
                dig = der_octets(b[parts[1][1]:parts[1][2]], 1, 64,
                                 'FWID digest')
                fwids.append({'hash_alg': oid_text(alg),
                              'digest': dig.hex()})
            out['fwids'] = fwids
        elif num in (7, 10):
            out['flags' if num == 7 else 'flags_mask'] = der_bits(c)
        else:
            out['vendor_info' if num == 8 else 'type'] = \
                der_octets(c, 0, 1024, 'OCTET STRING').hex()
    return out


def parse_dice_ext(oid, value):
    """Step 17: the TCB-info entries of one extension (a list; UEID: [])."""
    b = bytes(value)
    if oid == OID_TCB_INFO:
        s, e = der_one(b, 0x30)
        return [parse_tcb_info(b, s, e)]
    if oid == OID_MULTI_TCB_INFO:
        s, e = der_one(b, 0x30)
        items = der_items(b, s, e)
        if not 1 <= len(items) <= 16:
            raise DerError('MultiTcbInfo of %d entries' % len(items))
        out = []
        for t, cs, ce in items:
            if t != 0x30:
                raise DerError('MultiTcbInfo entry not a SEQUENCE')
            out.append(parse_tcb_info(b, cs, ce))
        return out
    s, e = der_one(b, 0x30)
    items = der_items(b, s, e)
    if len(items) != 1 or items[0][0] != 0x04:
        raise DerError('Ueid not {OCTET STRING}')
    der_octets(b[items[0][1]:items[0][2]], 1, 64, 'ueid')
    return []

# ---- certificates -----------------------------------------------------------


class Cert:
    """A parsed certificate; every accessor may raise: callers map that to
    untrusted."""

    def __init__(self, der):
        self.der = der
        self.c = x509.load_der_x509_certificate(der)
        # python3-cryptography ignores signatureValue's unused-bits count
        # (a flip of it verifies); a DER ECDSA signature fills whole
        # octets, and OpenSSL refuses anything else.
        s, e = der_one(der, 0x30)
        items = der_items(der, s, e)
        if len(items) != 3 or items[2][0] != 0x03 or \
                items[2][1] == items[2][2] or der[items[2][1]] != 0:
            raise ValueError('signatureValue is not a whole-octet BIT STRING')
        if self.c.version != x509.Version.v3:
            raise ValueError('not X.509 v3')
        self.subject = self.c.subject.public_bytes()
        self.issuer = self.c.issuer.public_bytes()
        self.tcb = []           # step 17: TCB-info entries

    def p384_key(self):
        k = self.c.public_key()
        if not isinstance(k, ec.EllipticCurvePublicKey) or \
                not isinstance(k.curve, ec.SECP384R1):
            raise ValueError('key is not EC P-384')
        return k

    def ext(self, cls):
        try:
            return self.c.extensions.get_extension_for_class(cls).value
        except x509.ExtensionNotFound:
            return None

    def name(self):
        try:
            return self.c.subject.rfc4514_string()
        except Exception:  # noqa: BLE001
            return '?'

    def info(self, is_root):
        try:
            bc = self.ext(x509.BasicConstraints)
        except Exception:  # noqa: BLE001
            bc = None
        t = lambda d: d.strftime('%Y-%m-%dT%H:%M:%SZ')
        return {'subject': self.name(),
                'issuer': self.c.issuer.rfc4514_string(),
                'not_before': t(self.c.not_valid_before),
                'not_after': t(self.c.not_valid_after),
                'ca': bool(bc and bc.ca), 'root': is_root,
                'sha256': hashlib.sha256(self.der).hexdigest(),
                'tcb_info': self.tcb}


def load_roots(path):
    """PEM with one or more certificates, or one DER certificate: a list
    of DER; raises Fail(USAGE)."""
    try:
        data = open(path, 'rb').read()
    except OSError as e:
        raise Fail(USAGE, '%s: %s' % (path, e.strerror))
    ders = []
    try:
        if b'-----BEGIN' in data:
            text = data.decode('ascii', 'replace')
            parts = text.split('-----BEGIN CERTIFICATE-----')[1:]
            for p in parts:
                body = p.split('-----END CERTIFICATE-----')[0]
                der = base64.b64decode(''.join(body.split()), validate=True)
                x509.load_der_x509_certificate(der)
                ders.append(der)
        else:
            x509.load_der_x509_certificate(data)
            ders.append(data)
    except Exception as e:  # noqa: BLE001 - any parse failure
        raise Fail(USAGE, '%s: not a certificate (%s)' % (path, e))
    if not ders:
        raise Fail(USAGE, '%s: no certificate' % path)
    return ders


def epoch(dt):
    return calendar.timegm(dt.utctimetuple())

# ---- policy -----------------------------------------------------------------


def unhex(s):
    if len(s) % 2:
        raise ValueError('odd length')
    for ch in s:
        if ch not in '0123456789abcdefABCDEF':
            raise ValueError('not hex')
    return bytes.fromhex(s)


def parse_oid_text(s):
    """Dotted decimal (first arc 0..2, at least two arcs) or an alias ->
    canonical dotted text."""
    if s in PROFILE_ALIASES:
        return PROFILE_ALIASES[s]
    arcs = s.split('.')
    if len(arcs) < 2 or not all(a and all('0' <= ch <= '9' for ch in a)
                                for a in arcs):
        raise ValueError('not a dotted decimal OID')
    arcs = [int(a) for a in arcs]
    if arcs[0] > 2:
        raise ValueError('first arc above 2')
    return '.'.join(str(a) for a in arcs)


def parse_int63(s):
    if not s or not all('0' <= ch <= '9' for ch in s):
        raise ValueError('not a decimal integer')
    v = int(s)
    if v > INT63:
        raise ValueError('above 2^63-1')
    return v


class Policy:
    """The sets and single values of "Writing policy"."""

    def __init__(self):
        self.sets = {}
        self.one = {}

    def add(self, name, raw, where):
        """raw: the value as bytes; where: 'file:line' or the option."""
        kind = KINDS.get(name)
        if kind is None:
            raise Fail(USAGE, '%s: unknown name %r' % (where, name))
        try:
            if kind in ('hexset', 'hex'):
                v = unhex(raw.decode('ascii'))
                if not 1 <= len(v) <= 4096:
                    raise ValueError('%d bytes, not 1..4096' % len(v))
            elif kind == 'textset':
                if not 1 <= len(raw) <= 255:
                    raise ValueError('%d bytes, not 1..255' % len(raw))
                v = raw.decode('utf-8')
            elif kind == 'oidset':
                v = parse_oid_text(raw.decode('ascii'))
            elif kind in ('intset', 'int'):
                v = parse_int63(raw.decode('ascii'))
            else:
                if raw not in (b'yes', b'no'):
                    raise ValueError('not yes or no')
                v = raw == b'yes'
        except (ValueError, UnicodeDecodeError) as e:
            raise Fail(USAGE, '%s: %s: bad value (%s)' % (where, name, e))
        if kind in SINGLE:
            if name in self.one:
                raise Fail(USAGE, '%s: %s given twice' % (where, name))
            self.one[name] = v
        else:
            self.sets.setdefault(name, []).append(v)

    def load(self, path):
        try:
            data = open(path, 'rb').read()
        except OSError as e:
            raise Fail(USAGE, '%s: %s' % (path, e.strerror))
        for n, line in enumerate(data.split(b'\n'), 1):
            line = line.split(b'#', 1)[0].strip(b' \t\r')
            if not line:
                continue
            if b'=' not in line:
                raise Fail(USAGE, '%s:%d: no "="' % (path, n))
            name, val = line.split(b'=', 1)
            self.add(name.strip(b' \t\r').decode('ascii', 'replace'),
                     val.strip(b' \t\r'), '%s:%d' % (path, n))


def claim(cl, name):
    """The claim a step-30 name (maybe NAME@origin/@current) reads, as
    bytes, or None when missing."""
    base, _, qual = name.partition('@')
    if base == 'report_data':
        return cl['report_data']
    for n, sm, key in EXPECTED:
        if n == base:
            break
    if sm == SM_PLATFORM:
        return svn_bytes(cl['sm'][SM_PLATFORM][key].get(-125))
    ev = cl['sm'].get(sm)
    if ev is None:
        return None
    if qual == 'origin':
        vals = ev['0']
    elif qual == 'current':
        vals = ev['1']
    else:
        vals = ev['1'] if ev['1'] is not None else ev['0']
    if vals is None:
        return None
    v = vals.get(key)
    if v is None:
        return None
    if key in SVN_KEYS:
        return svn_bytes(v)
    return v[1] if isinstance(v, list) else v


def svn_bytes(v):
    if v is None:
        return None
    return v if isinstance(v, bytes) else bytes(v)


def check_policy(cl, entries, pol):
    """Steps 25-30; raises Fail(POLICY, msg, rule name)."""
    def fail(rule, msg):
        raise Fail(POLICY, msg, rule)
    # 25
    profiles = pol.sets.get('eat_profile', DEFAULT_PROFILES)
    if cl['profile'] is None:
        fail('eat_profile', 'no eat_profile')
    got = oid_text(cl['profile'])
    if got not in profiles:
        fail('eat_profile', 'eat_profile %s is not accepted' % got)
    # 26
    if 'iss' in pol.sets:
        iss = cl['iss']
        if iss is None:
            fail('iss', 'no iss')
        ib = iss.encode('utf-8', 'surrogateescape')
        if not any(ib == v.encode('utf-8') for v in pol.sets['iss']):
            fail('iss', 'iss is not one of the expected values')
    # 27
    given = [n for n in TCB_NAMES if n in pol.sets or n in pol.one]
    if pol.one.get('require_tcb_info', True) or given:
        vendors = pol.sets.get('tcb_vendor', DEFAULT_VENDORS)
        models = pol.sets.get('tcb_model')
        layers = pol.sets.get('tcb_layer')
        min_svn = pol.one.get('tcb_min_svn')
        fwids = pol.sets.get('tcb_fwid')

        def meets(e):
            if e.get('vendor') not in vendors:
                return False
            if models is not None and e.get('model') not in models:
                return False
            if layers is not None and e.get('layer') not in layers:
                return False
            if min_svn is not None and (e.get('svn') is None or
                                        e['svn'] < min_svn):
                return False
            if fwids is not None and not any(
                    bytes.fromhex(f['digest']) in fwids
                    for f in e.get('fwids', [])):
                return False
            return True
        if not any(meets(e) for e in entries):
            fail('tcb', 'no TCB-info entry below the root meets every '
                 'tcb rule (%d entries)' % len(entries))
    # 28
    attrs = claim(cl, 'td_attributes')
    if not attrs:
        fail('debug', 'no td_attributes')
    if attrs[0] & 1 and not pol.one.get('allow_debug', False):
        fail('debug', 'DEBUG TD (td_attributes bit 0)')
    # 29
    for name, src in (('min_tee_tcb_svn', 'tee_tcb_svn'),
                      ('min_tee_tcb_svn2', 'tee_tcb_svn2')):
        want = pol.one.get(name)
        if want is None:
            continue
        got = claim(cl, src)
        if got is None or len(got) != len(want):
            fail(name, '%s has %s components, not %d' % (
                src, 'no' if got is None else len(got), len(want)))
        for i, (g, w) in enumerate(zip(got, want)):
            if g < w:
                fail(name, '%s component %d is %d < %d' % (src, i, g, w))
    # 30
    for n, _, _ in EXPECTED:
        for q in QUALIFIERS:
            name = n + q
            if name not in pol.sets:
                continue
            got = claim(cl, name)
            if got is None:
                fail(name, '%s: no such claim' % name)
            if got not in pol.sets[name]:
                fail(name, '%s is not one of the expected values' % name)

# ---- the verifier -----------------------------------------------------------


def verify(buf, roots, policy, now, out=None):
    """roots: list of DER; policy: a Policy; now: unix seconds; out: a
    dict that gets 'chain' and 'claims' as far as they were read.
    Returns (status, message, rule)."""
    if out is None:
        out = {}
    try:
        _verify(buf, roots, policy, now, out)
        return OK, 'ok', None
    except Fail as f:
        return f.status, str(f), f.rule


def cbor_fail(what, e):
    raise Fail(MALFORMED, '%s: %s' % (what, e), e.rule)


def _verify(buf, roots, policy, now, out):
    # 1
    if not 1 <= len(buf) <= MAX_QUOTE:
        raise Fail(MALFORMED, 'size %d outside 1..16 MiB' % len(buf),
                   step(1))
    # 2, 3
    try:
        doc = decode_one(buf)
    except NotWellFormed as e:
        cbor_fail('quote', e)
    # 4
    if not (isinstance(doc, Tag) and doc.tag == 61 and
            isinstance(doc.value, Tag) and doc.value.tag == 18 and
            isinstance(doc.value.value, list) and len(doc.value.value) == 4):
        raise Fail(MALFORMED, 'not 61(18([4 items]))', step(4))
    prot, unprot, payload, sig = doc.value.value
    if not (isinstance(prot, bytes) and isinstance(unprot, Map) and
            isinstance(payload, bytes) and isinstance(sig, bytes)):
        raise Fail(MALFORMED, 'COSE_Sign1 item types', step(4))
    # 5
    try:
        ph = decode_one(prot)
    except NotWellFormed as e:
        cbor_fail('protected header', e)
    if not (isinstance(ph, Map) and len(ph.pairs) == 1 and
            is_int(ph.pairs[0][0]) and ph.pairs[0][0] == 1 and
            is_int(ph.pairs[0][1]) and ph.pairs[0][1] == -35):
        raise Fail(MALFORMED, 'protected header is not {1: -35}', step(5))
    # 6
    for k, _ in unprot.pairs:
        if not (is_int(k) or isinstance(k, str)):
            raise Fail(MALFORMED, 'unprotected key neither int nor text',
                       step(6))
    if unprot.has(32) == unprot.has(33):
        raise Fail(MALFORMED, 'need exactly one of x5bag, x5chain', step(6))
    label = 32 if unprot.has(32) else 33
    certs = unprot.get(label)
    if isinstance(certs, bytes):
        certs = [certs]
    elif isinstance(certs, list):
        if not 1 <= len(certs) <= MAX_CERTS:
            raise Fail(MALFORMED, '%d certificates' % len(certs), step(6))
        for c in certs:
            if not isinstance(c, bytes) or not c:
                raise Fail(MALFORMED, 'certificate not a non-empty bstr',
                           step(6))
    else:
        raise Fail(MALFORMED, 'x5bag/x5chain neither bstr nor array',
                   step(6))
    if unprot.has(3):
        ct = unprot.get(3)
        if not (isinstance(ct, str) or is_uint(ct)):
            raise Fail(MALFORMED, 'content type neither tstr nor uint',
                       step(6))
    if unprot.has(4) and not isinstance(unprot.get(4), bytes):
        raise Fail(MALFORMED, 'kid not a bstr', step(6))
    # 7
    if len(sig) != SIG_SIZE:
        raise Fail(MALFORMED, 'signature of %d bytes' % len(sig), step(7))

    # 8
    cs = []
    for i, der in enumerate(certs):
        try:
            cs.append(Cert(der))
        except Exception as e:  # noqa: BLE001
            raise Fail(UNTRUSTED, 'certificate %d: %s' % (i, e), step(8))
    # 9
    if label == 33:
        leaf = 0
    else:
        cands = [i for i, c in enumerate(cs)
                 if not any(j != i and o.issuer == c.subject
                            for j, o in enumerate(cs))]
        if len(cands) != 1:
            raise Fail(UNTRUSTED, '%d leaf candidates' % len(cands), step(9))
        leaf = cands[0]
    # 10
    try:
        key = cs[leaf].p384_key()
    except Exception as e:  # noqa: BLE001
        raise Fail(UNTRUSTED, 'leaf key: %s' % e, step(10))
    # 11
    tbs = cbor2.dumps(['Signature1', prot, b'', payload])
    r = int.from_bytes(sig[:48], 'big')
    s = int.from_bytes(sig[48:], 'big')
    try:
        key.verify(encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        raise Fail(SIGNATURE, 'COSE signature does not verify', step(11))

    # 12
    rootcs = []
    for der in roots:
        try:
            rootcs.append(Cert(der))
        except Exception:  # noqa: BLE001 - not v3 etc.: never matches
            rootcs.append(None)
    path = [leaf]
    root = None
    while True:
        cur = cs[path[-1]]
        same = [rc for rc in rootcs if rc and rc.der == cur.der]
        if same:
            root = same[0]
            path.pop()          # the bag copy counts as the root
            break
        bag = [i for i, c in enumerate(cs)
               if i != path[-1] and c.subject == cur.issuer]
        if len(bag) > 1:
            raise Fail(UNTRUSTED, 'two issuers in the bag', step(12))
        if len(bag) == 1:
            if bag[0] in path:
                raise Fail(UNTRUSTED, 'issuer loop', step(12))
            path.append(bag[0])
            if len(path) > MAX_CERTS:
                raise Fail(UNTRUSTED, 'path too long', step(12))
            continue
        rs = [rc for rc in rootcs if rc and rc.subject == cur.issuer]
        if not rs:
            raise Fail(UNTRUSTED, 'no pinned root issues %s' %
                       cur.c.issuer.rfc4514_string(), step(12))
        root = rs[0]
        if len(rs) > 1:         # same name pinned twice: the one that signed
            for rc in rs:
                try:
                    check_sig(cur, rc)
                    root = rc
                    break
                except Fail:
                    pass
        break
    # 13
    for i, c in enumerate(cs):
        if i in path or c.der == root.der:
            continue
        raise Fail(UNTRUSTED, 'certificate %d is not on the path' % i,
                   step(13))
    for i, c in enumerate(cs):
        if c.subject == c.issuer and not any(
                rc and rc.der == c.der for rc in rootcs):
            raise Fail(UNTRUSTED, 'self-signed certificate %d not pinned' % i,
                       step(13))
    chain = [cs[i] for i in path] + [root]     # [root]: the leaf is it
    out['chain'] = chain
    # 14
    for c in chain:
        try:
            if c.c.signature_algorithm_oid.dotted_string != ECDSA_SHA384:
                raise Fail(UNTRUSTED, 'not ecdsa-with-SHA384', step(14))
            c.p384_key()
            nb, na = epoch(c.c.not_valid_before), epoch(c.c.not_valid_after)
        except Fail:
            raise
        except Exception as e:  # noqa: BLE001
            raise Fail(UNTRUSTED, 'certificate: %s' % e, step(14))
        if not nb <= now <= na:
            raise Fail(UNTRUSTED, 'outside the validity period: %s' %
                       c.name(), step(14))
    # 15: each certificate below the root with its issuer's key; the
    # root's own signature is not checked (it is trusted as a copy of a
    # pinned root, step 12)
    for i, c in enumerate(chain[:-1]):
        check_sig(c, chain[i + 1])
    # 16
    dice = []
    for c in chain:
        try:
            exts = list(c.c.extensions)
        except Exception as e:  # noqa: BLE001 - DuplicateExtension too
            raise Fail(UNTRUSTED, 'extensions of %s: %s' % (c.name(), e),
                       step(16))
        oids = [e.oid.dotted_string for e in exts]
        if len(set(oids)) != len(oids):
            raise Fail(UNTRUSTED, 'an extension twice: %s' % c.name(),
                       step(16))
        for e in exts:
            o = e.oid.dotted_string
            if e.critical and o not in PROCESSED:
                raise Fail(UNTRUSTED, 'unknown critical extension %s: %s' %
                           (o, c.name()), step(16))
        for o in DICE_OIDS:      # an entry's TcbInfo, then MultiTcbInfo
            for e in exts:
                if e.oid.dotted_string == o:
                    dice.append((c, o, e.value))
    # 17
    for c, o, v in dice:
        if not isinstance(v, x509.UnrecognizedExtension):
            raise Fail(UNTRUSTED, 'extension %s not opaque' % o, step(17))
        try:
            c.tcb += parse_dice_ext(o, v.value)
        except DerError as e:
            raise Fail(UNTRUSTED, 'TCG DICE extension %s of %s: %s' %
                       (o, c.name(), e), step(17))
    # 18 (every issuer: chain[1:], or the root alone), 19 (chain[0])
    for i, c in enumerate(chain):
        bc = c.ext(x509.BasicConstraints)
        ku = c.ext(x509.KeyUsage)
        if i == 0 and len(chain) > 1:
            continue
        i = max(i, 1)
        if bc is None or not bc.ca:
            raise Fail(UNTRUSTED, 'issuer is not a CA', step(18))
        if ku is None or not ku.key_cert_sign:
            raise Fail(UNTRUSTED, 'issuer without keyCertSign', step(18))
        if bc.path_length is not None and i - 1 > bc.path_length:
            raise Fail(UNTRUSTED, 'pathLenConstraint exceeded', step(18))
    lf = chain[0]
    ku = lf.ext(x509.KeyUsage)
    if ku is not None and not ku.digital_signature:
        raise Fail(UNTRUSTED, 'leaf without digitalSignature', step(19))
    eku = lf.ext(x509.ExtendedKeyUsage)
    if eku is not None and not any(p.dotted_string in ATTEST_EKUS
                                   for p in eku):
        raise Fail(UNTRUSTED, 'leaf extendedKeyUsage does not allow '
                   'attestation', step(19))

    # 20-24
    cl = parse_claims(payload)
    out['claims'] = cl
    # 25-30
    entries = [e for c in chain[:-1] for e in c.tcb]
    check_policy(cl, entries, policy)


def check_sig(c, issuer):
    """Step 15: c's signature with issuer's key (ecdsa-with-SHA384)."""
    try:
        issuer.p384_key().verify(c.c.signature, c.c.tbs_certificate_bytes,
                                 ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        raise Fail(UNTRUSTED, 'certificate signature does not verify: %s' %
                   c.name(), step(15))
    except Exception as e:  # noqa: BLE001
        raise Fail(UNTRUSTED, 'certificate signature: %s' % e, step(15))


def parse_claims(payload):
    """Steps 20-23; returns {'report_data', 'iss', 'sub', 'profile',
    'sm': {id: {'0': values, '1': values or None}}} or raises
    Fail(MALFORMED)."""
    def bad(n, msg):
        raise Fail(MALFORMED, 'claims: ' + msg, step(n))
    # 20
    try:
        m = decode_one(payload)
    except NotWellFormed as e:
        cbor_fail('payload', e)
    if not isinstance(m, Map):
        bad(20, 'payload not a map')
    rd = m.get(-212)
    if not isinstance(rd, bytes) or len(rd) != 64:
        bad(20, 'report_data missing or not 64 bytes')
    for key, typ in ((1, str), (2, str), (265, bytes)):
        if m.has(key) and not isinstance(m.get(key), typ):
            bad(20, 'claim %d of the wrong type' % key)
    profile = m.get(265)
    if profile is not None and not oid_content_ok(profile):
        bad(20, 'eat_profile not the content octets of an OID')
    # 21
    sms = m.get(-11)
    if not isinstance(sms, Map):
        bad(21, 'submods missing or not a map')
    out = {}
    for k, v in sms.pairs:
        if not isinstance(k, str):
            bad(21, 'submods key not a tstr')
        for n in (SM_PLATFORM, SM_TD, SM_SERVICE, SM_SEAM):
            if k == OID % n:
                break
        else:
            continue
        if not isinstance(v, Map):
            bad(21, 'submodule %d not a map' % n)
        ev = {'0': None, '1': None}
        for which in ('0', '1'):
            if not v.has(which):
                if which == '0' or n == SM_PLATFORM:
                    bad(21, 'submodule %d without "%s"' % (n, which))
                continue
            t = v.get(which)
            if not (isinstance(t, Tag) and t.tag == 571 and
                    isinstance(t.value, bytes)):
                bad(21, 'submodule %d "%s" not 571(bstr)' % (n, which))
            ev[which] = evidence(t.value, bad)
        out[n] = ev
    if SM_PLATFORM not in out:
        bad(21, 'no platform TCB submodule')
    if SM_TD not in out:
        bad(21, 'no TD body submodule')
    # 23
    for which, name in (('0', 'tee_tcb_svn'), ('1', 'tee_tcb_svn2')):
        v = out[SM_PLATFORM][which].get(-125)
        if v is None or len(v) != 16:
            bad(23, 'platform "%s" -125 (%s) missing or not 16 components'
                % (which, name))
    return {'report_data': rd, 'iss': m.get(1), 'sub': m.get(2),
            'profile': profile, 'sm': out}


def evidence(b, bad):
    """Steps 21-22: the values map of one concise evidence."""
    try:
        ce = decode_one(b)
    except NotWellFormed as e:
        cbor_fail('concise evidence', e)
    try:
        triples = ce.get(0).get(0)
        assert isinstance(triples, list) and triples
        t = triples[0]
        assert isinstance(t, list) and len(t) >= 2
        meas = t[1]
        assert isinstance(meas, list) and meas
        assert isinstance(meas[0], Map)
        values = meas[0].get(1)
        assert isinstance(values, Map)
    except (AssertionError, AttributeError, TypeError):
        bad(21, 'concise evidence shape')
    vals = {}
    for k, v in values.pairs:
        if not is_int(k):
            bad(21, 'value key not an int')
        if k in DIGEST_KEYS:
            ok = isinstance(v, bytes) or (
                isinstance(v, list) and len(v) == 2 and is_int(v[0]) and
                isinstance(v[1], bytes))
        elif k in BYTES_KEYS:
            ok = isinstance(v, bytes)
        elif k in SVN_KEYS:
            ok = isinstance(v, bytes) or (
                isinstance(v, list) and all(is_uint(x) and x <= 255
                                            for x in v))
        else:
            continue
        if not ok:
            bad(22, 'value %d of the wrong type' % k)
        vals[k] = v
    return vals

# ---- output -----------------------------------------------------------------


def json_value(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list) and len(v) == 2 and isinstance(v[1], bytes):
        return v[1].hex()
    return list(v)


def json_text(s):
    if s is None:
        return None
    # invalid UTF-8 bytes as U+FFFD
    return s.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


def json_claims(cl):
    if not cl:
        return {}
    p = cl['profile']
    sm = {}
    for n, ev in cl['sm'].items():
        sm[SM_NAMES[n]] = {
            w: (None if ev[k] is None else
                {str(key): json_value(v) for key, v in ev[k].items()})
            for w, k in (('origin', '0'), ('current', '1'))}
    return {'iss': json_text(cl['iss']), 'sub': json_text(cl['sub']),
            'eat_profile': None if p is None else oid_text(p),
            'report_data': cl['report_data'].hex(), 'submods': sm}


def print_json(st, msg, rule, out):
    chain = out.get('chain') or []
    o = {'status': NAMES[st], 'exit': st, 'reason': '' if st == OK else msg,
         'rule': rule,
         'chain': [c.info(i == len(chain) - 1) for i, c in enumerate(chain)],
         'claims': json_claims(out.get('claims'))}
    if st == POLICY:
        o['mismatch'] = rule
    print(json.dumps(o))

# ---- command line -----------------------------------------------------------


def run(argv, base='.', out=None):
    """One verification from tdx-quote's arguments: (status, message,
    rule)."""
    rel = lambda p: p if os.path.isabs(p) else os.path.join(base, p)
    try:
        args = list(argv)
        if args and args[0] == 'verify':
            args.pop(0)
        quote, roots, pol, now = None, [], Policy(), None
        root_files, policy_files = [], []
        i = 0
        while i < len(args):
            a = args[i]
            if a in ('--json', '-q', '--quiet'):
                i += 1
                continue
            if a == '--allow-debug':
                pol.add('allow_debug', b'yes', a)
                i += 1
                continue
            if a.startswith('-') and a != '-':
                if a not in ('--root', '--report-data', '--mrtd', '--rtmr',
                             '--profile', '--policy', '--time'):
                    raise Fail(USAGE, 'unknown option %s' % a)
                if i + 1 >= len(args):
                    raise Fail(USAGE, '%s needs a value' % a)
                v = args[i + 1]
                i += 2
                vb = v.encode('utf-8', 'surrogateescape')
                if a == '--root':
                    root_files.append(rel(v))
                elif a == '--report-data':
                    pol.add('report_data', vb, a)
                elif a == '--mrtd':
                    pol.add('mrtd', vb, a)
                elif a == '--profile':
                    pol.add('eat_profile', vb, a)
                elif a == '--rtmr':
                    n, eq, h = v.partition('=')
                    if n not in ('0', '1', '2', '3') or not eq:
                        raise Fail(USAGE, 'bad --rtmr %s' % v)
                    pol.add('rtmr' + n, h.encode('utf-8', 'surrogateescape'),
                            a)
                elif a == '--policy':
                    policy_files.append(rel(v))
                else:
                    try:
                        now = int(v)
                        if now < 0:
                            raise ValueError
                    except ValueError:
                        raise Fail(USAGE, 'bad --time')
                continue
            if quote is not None:
                raise Fail(USAGE, 'more than one quote')
            quote = rel(a)
            i += 1
        if quote is None:
            raise Fail(USAGE, 'no quote')
        for p in policy_files:
            pol.load(p)
        if not root_files:
            d = os.environ.get('TDX_QUOTE_ROOTS', '/etc/tdx-ext/roots')
            root_files = sorted(glob.glob(os.path.join(d, '*.pem')))
        for p in root_files:
            roots += load_roots(p)
        if not roots:
            raise Fail(USAGE, 'no trusted root')
        try:
            with open(quote, 'rb') as f:
                buf = f.read(MAX_QUOTE + 1)
        except OSError as e:
            raise Fail(USAGE, '%s: %s' % (quote, e.strerror))
    except Fail as f:
        return f.status, str(f), f.rule
    return verify(buf, roots, pol, int(time.time()) if now is None else now,
                  out)


def batch(manifest):
    base = os.path.dirname(os.path.abspath(manifest))
    for v in json.load(open(manifest)):
        st, msg, rule = run([v['file']] + v['args'], base)
        print('%s %d %s: %s' % (v['name'], st, rule or '-', msg), flush=True)
    return 0


def flips(path, argv):
    st, msg, _ = run(argv)     # parses the arguments, checks the original
    if st != OK:
        print('original quote: %s (%s)' % (NAMES[st], msg))
        return 2
    args = [a for a in argv if a != 'verify']
    quote = args[0]
    roots, now = [], int(time.time())
    for i, a in enumerate(args):
        if a == '--root':
            roots += load_roots(args[i + 1])
        if a == '--time':
            now = int(args[i + 1])
    buf = open(quote, 'rb').read()
    n = bad = 0
    for line in open(path):
        f = line.split()
        if len(f) != 3:
            continue
        off, bit, want = int(f[0]), int(f[1]), int(f[2])
        b = bytearray(buf)
        b[off] ^= 1 << bit
        got, msg, _ = verify(bytes(b), roots, Policy(), now)
        n += 1
        if got != want:
            bad += 1
            print('MISMATCH %d %d c=%d py=%d (%s)' % (off, bit, want, got,
                                                      msg))
    print('flips %d mismatches %d' % (n, bad))
    return 1 if bad or not n else 0


def main(argv):
    if argv[:1] == ['--batch'] and len(argv) == 2:
        return batch(argv[1])
    if argv[:1] == ['--flips'] and len(argv) >= 3:
        return flips(argv[1], argv[2:])
    out = {}
    st, msg, rule = run(argv, out=out)
    if '-q' in argv or '--quiet' in argv:
        return st
    if '--json' in argv:
        print_json(st, msg, rule, out)
    else:
        print('%s: %s%s' % (NAMES[st], msg,
                            ' (%s)' % rule if rule else ''),
              file=sys.stdout if st == OK else sys.stderr)
    return st


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
