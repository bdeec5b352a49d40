#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Independent verifier of tdx-ext quotes, implementing docs/verifier.md
(steps 1-22, exit status = outcome) with python3-cryptography and its own
CBOR well-formedness walker and decoder (cbor2 only encodes the COSE
Sig_structure).  Shares no code with tools/lib.

  pyverify.py [verify] QUOTE [--root PEM]... [--report-data HEX]
              [--mrtd HEX] [--rtmr N=HEX]... [--policy FILE]...
              [--time UNIX_SECONDS] [--json] [-q]
  pyverify.py --batch MANIFEST.json
      "name status" per vector of gen_quotes.py (args relative to the
      manifest's directory); exit 0
  pyverify.py --flips FILE QUOTE --root PEM [--time T]
      FILE has "offset bit status" lines (test_bitflip); verifies each
      flipped copy and prints "MISMATCH offset bit c=S py=S" where the
      status differs, then "flips N mismatches M"; exit 1 on a mismatch.

Runs only with Debian's /usr/bin/python3.
"""
import base64
import calendar
import glob
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

# rule 22: name -> (submodule, key)
POLICY_NAMES = {
    'report_data': (None, -212), 'mrtd': (SM_TD, -83),
    'rtmr0': (SM_TD, -206), 'rtmr1': (SM_TD, -207),
    'rtmr2': (SM_TD, -208), 'rtmr3': (SM_TD, -209),
    'mr_config_id': (SM_TD, -203), 'mr_owner': (SM_TD, -204),
    'mr_owner_config': (SM_TD, -205), 'td_attributes': (SM_TD, -82),
    'xfam': (SM_TD, -201), 'mr_seam': (SM_SEAM, -83),
    'mr_signer_seam': (SM_SEAM, -84), 'seam_attributes': (SM_SEAM, -82),
    'mr_service_td': (SM_SERVICE, -210),
}
DIGEST_KEYS = {-83, -84, -203, -204, -205, -206, -207, -208, -209, -210}
BYTES_KEYS = {-82, -201}
UINTS_KEYS = {-125}


class Fail(Exception):
    def __init__(self, status, msg):
        super().__init__(msg)
        self.status = status

# ---- CBOR: rule 2 walker and decoder -------------------------------------


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class Simple:
    def __init__(self, v):
        self.v = v


class Map:
    """Pairs in document order; lookups take the first match."""

    def __init__(self, pairs):
        self.pairs = pairs

    def get(self, key, default=None):
        for k, v in self.pairs:
            if type(k) is type(key) and k == key:
                return v
        return default

    def has(self, key):
        return any(type(k) is type(key) and k == key for k, _ in self.pairs)

    def count(self, key):
        return sum(1 for k, _ in self.pairs
                   if type(k) is type(key) and k == key)


class NotWellFormed(Exception):
    pass


def _item(b, pos, depth, count):
    """Decodes the item at pos at nesting level depth (0: top); returns
    (value, next pos).  count[0]: heads decoded so far (rule 2's limit)."""
    n = len(b)
    count[0] += 1
    if count[0] > MAX_ITEMS:
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
            v, pos = _item(b, pos, depth + 1, count)
            out.append(v)
        return out, pos
    if major == 5:
        if val > n - pos:
            raise NotWellFormed('map count larger than the input')
        pairs = []
        for _ in range(val):
            k, pos = _item(b, pos, depth + 1, count)
            v, pos = _item(b, pos, depth + 1, count)
            pairs.append((k, v))
        return Map(pairs), pos
    if major == 6:
        v, pos = _item(b, pos, depth + 1, count)
        return Tag(val, v), pos
    # major 7
    if ai == 24:
        if val < 32:
            raise NotWellFormed('two-byte simple value < 32')
        return Simple(val), pos
    if ai == 25:
        return struct.unpack('>e', val.to_bytes(2, 'big'))[0], pos
    if ai == 26:
        return struct.unpack('>f', val.to_bytes(4, 'big'))[0], pos
    if ai == 27:
        return struct.unpack('>d', val.to_bytes(8, 'big'))[0], pos
    return Simple(val), pos


def decode_one(b):
    """Rule 2: exactly one well-formed item, no trailing bytes."""
    v, pos = _item(b, 0, 0, [0])
    if pos != len(b):
        raise NotWellFormed('%d trailing bytes' % (len(b) - pos))
    return v


def is_int(v):
    return type(v) is int


def is_uint(v):
    return type(v) is int and v >= 0

# ---- certificates -------------------------------------------------------------


class Cert:
    """A parsed certificate; every accessor may raise: callers map that to
    untrusted."""

    def __init__(self, der):
        self.der = der
        self.c = x509.load_der_x509_certificate(der)
        if self.c.version != x509.Version.v3:
            raise ValueError('not X.509 v3')
        self.subject = self.c.subject.public_bytes()
        self.issuer = self.c.issuer.public_bytes()

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

# ---- the verifier ---------------------------------------------------------------


def verify(buf, roots, policy, now):
    """roots: list of DER; policy: name -> bytes; now: unix seconds.
    Returns (status, message)."""
    try:
        return _verify(buf, roots, policy, now)
    except Fail as f:
        return f.status, str(f)


def _verify(buf, roots, policy, now):
    # 1
    if not 1 <= len(buf) <= MAX_QUOTE:
        raise Fail(MALFORMED, 'size %d outside 1..16 MiB' % len(buf))
    # 2
    try:
        doc = decode_one(buf)
    except NotWellFormed as e:
        raise Fail(MALFORMED, 'not well-formed CBOR: %s' % e)
    # 3
    if not (isinstance(doc, Tag) and doc.tag == 61 and
            isinstance(doc.value, Tag) and doc.value.tag == 18 and
            isinstance(doc.value.value, list) and len(doc.value.value) == 4):
        raise Fail(MALFORMED, 'not 61(18([4 items]))')
    prot, unprot, payload, sig = doc.value.value
    if not (isinstance(prot, bytes) and isinstance(unprot, Map) and
            isinstance(payload, bytes) and isinstance(sig, bytes)):
        raise Fail(MALFORMED, 'COSE_Sign1 item types')
    # 4
    try:
        ph = decode_one(prot)
    except NotWellFormed as e:
        raise Fail(MALFORMED, 'protected header: %s' % e)
    if not (isinstance(ph, Map) and len(ph.pairs) == 1 and
            is_int(ph.pairs[0][0]) and ph.pairs[0][0] == 1 and
            is_int(ph.pairs[0][1]) and ph.pairs[0][1] == -35):
        raise Fail(MALFORMED, 'protected header is not {1: -35}')
    # 5
    for k, _ in unprot.pairs:
        if not (is_int(k) or isinstance(k, str)):
            raise Fail(MALFORMED, 'unprotected key neither int nor text')
    n32, n33 = unprot.count(32), unprot.count(33)
    if n32 + n33 != 1:
        raise Fail(MALFORMED, 'need exactly one of x5bag, x5chain')
    label = 32 if n32 else 33
    certs = unprot.get(label)
    if isinstance(certs, bytes):
        certs = [certs]
    elif isinstance(certs, list):
        if not 1 <= len(certs) <= MAX_CERTS:
            raise Fail(MALFORMED, '%d certificates' % len(certs))
        for c in certs:
            if not isinstance(c, bytes) or not c:
                raise Fail(MALFORMED, 'certificate not a non-empty bstr')
    else:
        raise Fail(MALFORMED, 'x5bag/x5chain neither bstr nor array')
    if unprot.has(3):
        ct = unprot.get(3)
        if not (isinstance(ct, str) or is_uint(ct)):
            raise Fail(MALFORMED, 'content type neither tstr nor uint')
    if unprot.has(4) and not isinstance(unprot.get(4), bytes):
        raise Fail(MALFORMED, 'kid not a bstr')
    # 6
    if len(sig) != SIG_SIZE:
        raise Fail(MALFORMED, 'signature of %d bytes' % len(sig))

    # 7
    cs = []
    for i, der in enumerate(certs):
        try:
            cs.append(Cert(der))
        except Exception as e:  # noqa: BLE001
            raise Fail(UNTRUSTED, 'certificate %d: %s' % (i, e))
    # 8
    if label == 33:
        leaf = 0
    else:
        cands = [i for i, c in enumerate(cs)
                 if not any(j != i and o.issuer == c.subject
                            for j, o in enumerate(cs))]
        if len(cands) != 1:
            raise Fail(UNTRUSTED, '%d leaf candidates' % len(cands))
        leaf = cands[0]
    # 9
    try:
        key = cs[leaf].p384_key()
    except Exception as e:  # noqa: BLE001
        raise Fail(UNTRUSTED, 'leaf key: %s' % e)
    # 10
    tbs = cbor2.dumps(['Signature1', prot, b'', payload])
    r = int.from_bytes(sig[:48], 'big')
    s = int.from_bytes(sig[48:], 'big')
    try:
        key.verify(encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        raise Fail(SIGNATURE, 'COSE signature does not verify')

    # 11
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
            raise Fail(UNTRUSTED, 'two issuers in the bag')
        if len(bag) == 1:
            if bag[0] in path:
                raise Fail(UNTRUSTED, 'issuer loop')
            path.append(bag[0])
            if len(path) > MAX_CERTS:
                raise Fail(UNTRUSTED, 'path too long')
            continue
        rs = [rc for rc in rootcs if rc and rc.subject == cur.issuer]
        if not rs:
            raise Fail(UNTRUSTED, 'no pinned root issues %s' %
                       cur.c.issuer.rfc4514_string())
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
    # 12
    for i, c in enumerate(cs):
        if i in path or c.der == root.der:
            continue
        raise Fail(UNTRUSTED, 'certificate %d is not on the path' % i)
    for i, c in enumerate(cs):
        if c.subject == c.issuer and not any(
                rc and rc.der == c.der for rc in rootcs):
            raise Fail(UNTRUSTED, 'self-signed certificate %d not pinned' % i)
    chain = [cs[i] for i in path] + [root]     # [root]: the leaf is it
    # 13
    for c in chain:
        try:
            if c.c.signature_algorithm_oid.dotted_string != ECDSA_SHA384:
                raise Fail(UNTRUSTED, 'not ecdsa-with-SHA384')
            c.p384_key()
            nb, na = epoch(c.c.not_valid_before), epoch(c.c.not_valid_after)
        except Fail:
            raise
        except Exception as e:  # noqa: BLE001
            raise Fail(UNTRUSTED, 'certificate: %s' % e)
        if not nb <= now <= na:
            raise Fail(UNTRUSTED, 'outside the validity period: %s' %
                       c.c.subject.rfc4514_string())
    # 14
    for i, c in enumerate(chain):
        check_sig(c, chain[i + 1] if i + 1 < len(chain) else c)
    # 15 (every issuer: chain[1:], or the root alone), 16 (chain[0])
    for i, c in enumerate(chain):
        try:
            bc = c.ext(x509.BasicConstraints)
            ku = c.ext(x509.KeyUsage)
        except Exception as e:  # noqa: BLE001
            raise Fail(UNTRUSTED, 'extensions: %s' % e)
        if i == 0 and ku is not None and not ku.digital_signature:
            raise Fail(UNTRUSTED, 'leaf without digitalSignature')
        if i == 0 and len(chain) > 1:
            continue
        i = max(i, 1)
        if bc is None or not bc.ca:
            raise Fail(UNTRUSTED, 'issuer is not a CA')
        if ku is None or not ku.key_cert_sign:
            raise Fail(UNTRUSTED, 'issuer without keyCertSign')
        if bc.path_length is not None and i - 1 > bc.path_length:
            raise Fail(UNTRUSTED, 'pathLenConstraint exceeded')

    claims = parse_claims(payload)
    # 22
    for name, want in policy.items():
        sm, key = POLICY_NAMES[name]
        got = claims['report_data'] if sm is None else \
            claims['sm'].get(sm, {}).get(key)
        if isinstance(got, list):
            got = got[1]
        if got != want:
            raise Fail(POLICY, '%s differs' % name)
    return OK, 'ok'


def check_sig(c, issuer):
    """Rule 14: c's signature with issuer's key (ecdsa-with-SHA384)."""
    try:
        issuer.p384_key().verify(c.c.signature, c.c.tbs_certificate_bytes,
                                 ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        raise Fail(UNTRUSTED, 'certificate signature does not verify: %s' %
                   c.c.subject.rfc4514_string())
    except Exception as e:  # noqa: BLE001
        raise Fail(UNTRUSTED, 'certificate signature: %s' % e)


def parse_claims(payload):
    """Rules 17-21; returns {'report_data': bytes, 'sm': {id: values}}
    (current evidence) or raises Fail(MALFORMED)."""
    def bad(msg):
        raise Fail(MALFORMED, 'claims: ' + msg)
    try:
        m = decode_one(payload)
    except NotWellFormed as e:
        bad('payload: %s' % e)
    if not isinstance(m, Map):
        bad('payload not a map')
    rd = m.get(-212)
    if not isinstance(rd, bytes) or len(rd) != 64:
        bad('report_data missing or not 64 bytes')
    sms = m.get(-11)
    if not isinstance(sms, Map):
        bad('submods missing or not a map')
    out = {}
    for k, v in sms.pairs:
        if not isinstance(k, str):
            bad('submods key not a tstr')
        for n in (SM_PLATFORM, SM_TD, SM_SERVICE, SM_SEAM):
            if k == OID % n:
                break
        else:
            continue
        if not isinstance(v, Map):
            bad('submodule %d not a map' % n)
        ev = {}
        for which in ('0', '1'):
            t = v.get(which)
            if not (isinstance(t, Tag) and t.tag == 571 and
                    isinstance(t.value, bytes)):
                bad('submodule %d "%s" not 571(bstr)' % (n, which))
            ev[which] = evidence(t.value, bad)
        if n not in out:
            out[n] = ev['1']
    if SM_TD not in out:
        bad('no TD body submodule')
    for key, typ in ((1, str), (2, str), (265, bytes)):
        if m.has(key) and not isinstance(m.get(key), typ):
            bad('claim %d of the wrong type' % key)
    return {'report_data': rd, 'sm': out}


def evidence(b, bad):
    """Rules 19-20: the values map of one concise evidence."""
    try:
        ce = decode_one(b)
    except NotWellFormed as e:
        bad('concise evidence: %s' % e)
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
        bad('concise evidence shape')
    vals = {}
    for k, v in values.pairs:
        if not is_int(k):
            bad('value key not an int')
        if k in DIGEST_KEYS:
            ok = isinstance(v, bytes) or (
                isinstance(v, list) and len(v) == 2 and is_int(v[0]) and
                isinstance(v[1], bytes))
        elif k in BYTES_KEYS:
            ok = isinstance(v, bytes)
        elif k in UINTS_KEYS:
            ok = isinstance(v, list) and all(is_uint(x) and x <= 255
                                             for x in v)
        else:
            continue
        if not ok:
            bad('value %d of the wrong type' % k)
        if k not in vals:
            vals[k] = v
    return vals

# ---- command line ------------------------------------------------------------


def unhex(s):
    if len(s) % 2:
        raise ValueError('odd length')
    for ch in s:
        if ch not in '0123456789abcdefABCDEF':
            raise ValueError('not hex')
    return bytes.fromhex(s)


def set_policy(pol, name, hexval):
    if name not in POLICY_NAMES:
        raise Fail(USAGE, 'unknown name %s' % name)
    if name in pol:
        raise Fail(USAGE, '%s given twice' % name)
    try:
        pol[name] = unhex(hexval)
    except ValueError as e:
        raise Fail(USAGE, '%s: bad hex (%s)' % (name, e))


def load_policy(pol, path):
    try:
        text = open(path, 'rb').read().decode('utf-8')
    except (OSError, UnicodeDecodeError) as e:
        raise Fail(USAGE, '%s: %s' % (path, e))
    for n, line in enumerate(text.split('\n'), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        if '=' not in line:
            raise Fail(USAGE, '%s:%d: no "="' % (path, n))
        name, val = line.split('=', 1)
        set_policy(pol, name.strip(), val.strip())


def run(argv, base='.'):
    """One verification from tdx-quote's arguments: (status, message)."""
    rel = lambda p: p if os.path.isabs(p) else os.path.join(base, p)
    try:
        args = list(argv)
        if args and args[0] == 'verify':
            args.pop(0)
        quote, roots, pol, now = None, [], {}, None
        root_files, policy_files = [], []
        i = 0
        while i < len(args):
            a = args[i]
            if a in ('--json', '-q'):
                i += 1
                continue
            if a.startswith('-') and a != '-':
                if i + 1 >= len(args):
                    raise Fail(USAGE, '%s needs a value' % a)
                v = args[i + 1]
                i += 2
                if a == '--root':
                    root_files.append(rel(v))
                elif a == '--report-data':
                    set_policy(pol, 'report_data', v)
                elif a == '--mrtd':
                    set_policy(pol, 'mrtd', v)
                elif a == '--rtmr':
                    n, _, h = v.partition('=')
                    if n not in ('0', '1', '2', '3') or not _:
                        raise Fail(USAGE, 'bad --rtmr %s' % v)
                    set_policy(pol, 'rtmr' + n, h)
                elif a == '--policy':
                    policy_files.append(rel(v))
                elif a == '--time':
                    try:
                        now = int(v)
                    except ValueError:
                        raise Fail(USAGE, 'bad --time')
                else:
                    raise Fail(USAGE, 'unknown option %s' % a)
                continue
            if quote is not None:
                raise Fail(USAGE, 'more than one quote')
            quote = rel(a)
            i += 1
        if quote is None:
            raise Fail(USAGE, 'no quote')
        for p in policy_files:
            load_policy(pol, p)
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
        return f.status, str(f)
    return verify(buf, roots, pol, int(time.time()) if now is None else now)


def batch(manifest):
    base = os.path.dirname(os.path.abspath(manifest))
    for v in json.load(open(manifest)):
        st, msg = run([v['file']] + v['args'], base)
        print('%s %d %s' % (v['name'], st, msg), flush=True)
    return 0


def flips(path, argv):
    st, msg = run(argv)        # parses the arguments, checks the original
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
        got, msg = verify(bytes(b), roots, {}, now)
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
    st, msg = run(argv)
    if '-q' not in argv:
        print('%s: %s' % (NAMES[st], msg),
              file=sys.stdout if st == OK else sys.stderr)
    return st


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
