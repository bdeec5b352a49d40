#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side check of the quotes the simulator produced in the VM
# (tests/vm/suite/30-sim.sh, 31-sim-every-step.sh send them with
# t_artifact).  For every DIR/quote.cbor under ARTIFACT_DIR, next to
# DIR/report.bin (the TDREPORT it was made from), DIR/root_cert.pem (the
# simulator's DICE root, pinned), DIR/measurements.txt (key=hex, as given to
# td_create) and DIR/reportdata.hex:
#
#   sim-quote/DIR/chain   openssl verify -ignore_critical: the x5bag's
#                         leaf certificate chains to the pinned root
#                         through the others
#   sim-quote/DIR/cose    check_quote_doc.py QUOTE - REPORT --root ROOT:
#                         deterministic CBOR, the ES384 signature by the
#                         leaf's key, the path through the bag to the root,
#                         claims and REPORTDATA equal to the TDREPORT
#   sim-quote/DIR/report  the TDREPORT holds the guest's measurements at the
#                         ABI.md section 6 offsets and its REPORTDATA
#   sim-quote/DIR/tcb     the claims as go-tdx-guest reads them
#                         (docs/verifier.md steps 21-23): platform TCB "0"
#                         -125 = the TDREPORT's TEE_TCB_SVN (bytes
#                         264..279), "1" -125 = TEE_TCB_SVN2 (384..399),
#                         the two differ, the SEAM submodule has no -125,
#                         and eat_profile is the simulator's own OID
#   sim-quote/DIR/dice    the chain as a DICE chain: the platform and leaf
#                         certificates carry a critical tcg-dice-TcbInfo
#                         (platform: Intel Corporation, "TDX module
#                         (tdx-ext simulator)", a version, svn = TEE_TCB_SVN
#                         byte 0, layer 0, FWID sha384 = the report's
#                         MRSEAM, bytes 280..327; leaf: "TDX quoting
#                         (tdx-ext simulator)", layer 1), the leaf a
#                         critical extendedKeyUsage of attestInit only, the
#                         root neither; TcbInfo parsed here by its grammar
#                         (docs/verifier.md step 17)
#
#   tests/vm/host/sim-quote.sh ARTIFACT_DIR KERNEL_TAG
#
# Prints "PASS name" / "FAIL name: reason" (run.sh prefixes the kernel
# tag); prints nothing when there is no quote artifact.  Debian's python
# (/usr/bin/python3: python3-cbor2, python3-cryptography) on purpose.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
art=${1:?usage: sim-quote.sh ARTIFACT_DIR KERNEL_TAG}
PY=/usr/bin/python3
CHECKER=$here/../../unit/check_quote_doc.py

[ -d "$art" ] || exit 0
quotes=$(find "$art" -name quote.cbor -type f | sort)
[ -n "$quotes" ] || exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
oneline() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-400; }

# The x5bag's certificates: OUT/leaf.pem (the one that issued none of the
# others and is not self-signed) and OUT/untrusted.pem (all the others).
extract_bag() {	# quote out_dir
	"$PY" - "$1" "$2" <<'PY'
import sys

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import serialization

quote, out = sys.argv[1], sys.argv[2]
with open(quote, "rb") as f:
    top = cbor2.loads(f.read())
try:
    bag = top.value.value[1][32]
except (AttributeError, IndexError, KeyError, TypeError):
    sys.exit("no x5bag (header 32) in a tag 61(18([...])) document")
if not isinstance(bag, list) or not bag or \
        not all(isinstance(c, bytes) for c in bag):
    sys.exit("x5bag is not an array of bstr")
certs = [x509.load_der_x509_certificate(c) for c in bag]
leaves = [c for c in certs
          if c.issuer != c.subject and
          not any(o is not c and o.issuer == c.subject for o in certs)]
if len(leaves) != 1:
    sys.exit("%d leaf candidates among %d certificates" % (len(leaves),
                                                           len(certs)))
pem = serialization.Encoding.PEM
with open(out + "/leaf.pem", "wb") as f:
    f.write(leaves[0].public_bytes(pem))
with open(out + "/untrusted.pem", "wb") as f:
    for c in certs:
        if c is not leaves[0]:
            f.write(c.public_bytes(pem))
print(len(certs))
PY
}

# check_dice MODE QUOTE REPORT: MODE tcb (the claims) or dice (the chain),
# as described at the top; says what is wrong and fails, or prints nothing.
check_dice() {
	"$PY" - "$@" <<'PY'
import re
import sys

import cbor2
from cryptography import x509

mode, quote, report = sys.argv[1:4]
rep = open(report, "rb").read()
if len(rep) != 1024:
    sys.exit("TDREPORT is %d bytes" % len(rep))
TEE_TCB_SVN = rep[264:280]      # TEE_TCB_INFO + 8, ABI.md section 6
TEE_TCB_SVN2 = rep[384:400]     # TEE_TCB_INFO + 128
MRSEAM = rep[280:328]           # TEE_TCB_INFO + 24
OID = "2.16.840.1.113741.1.13.2.%d.0"
SIM_PROFILE = "69829ab2c3b0ef83caadf598f9c7cac8818cc542"  # 2.25.1876...2914
TCB_INFO = "2.23.133.5.4.1"
SHA384 = "2.16.840.1.101.3.4.2.2"
ATTEST_INIT = "2.23.133.5.4.100.8"
bad = []


def need(cond, what):
    if not cond:
        bad.append(what)


with open(quote, "rb") as f:
    sign1 = cbor2.loads(f.read()).value.value


def values(sm, which):
    """The {1: values} map of 571(<< ce >>): {0: {0: [[env, [{1: v}]]]}}"""
    ce = sm[which]
    if not isinstance(ce, cbor2.CBORTag) or ce.tag != 571:
        raise ValueError("%s is not tag 571" % which)
    return cbor2.loads(ce.value)[0][0][0][1][0][1]


def tcb():
    claims = cbor2.loads(sign1[2])
    subs = claims[-11]
    need(TEE_TCB_SVN != TEE_TCB_SVN2, "the TDREPORT's TEE_TCB_SVN and "
         "TEE_TCB_SVN2 are equal (%s): origin and current cannot be told "
         "apart" % TEE_TCB_SVN.hex())
    plat = subs[OID % 1]
    got = values(plat, "0").get(-125)
    need(got == list(TEE_TCB_SVN), "platform \"0\" -125 is %r, the "
         "TDREPORT's TEE_TCB_SVN %s" % (got, TEE_TCB_SVN.hex()))
    got = values(plat, "1").get(-125)
    need(got == list(TEE_TCB_SVN2), "platform \"1\" -125 is %r, the "
         "TDREPORT's TEE_TCB_SVN2 %s" % (got, TEE_TCB_SVN2.hex()))
    seam = subs[OID % 8]
    for which in sorted(seam):
        need(-125 not in values(seam, which),
             "the SEAM submodule's \"%s\" has a -125" % which)
    prof = claims.get(265)
    need(prof == bytes.fromhex(SIM_PROFILE), "eat_profile is %s, not the "
         "simulator's own %s" % (prof.hex() if isinstance(prof, bytes)
                                  else repr(prof), SIM_PROFILE))


# --- DER, read here by the grammar of docs/verifier.md step 17 ----------

def tlvs(buf):
    """The DER elements in buf: [(tag, contents)]."""
    out, pos = [], 0
    while pos < len(buf):
        tag = buf[pos]
        if tag & 0x1f == 0x1f or pos + 1 >= len(buf):
            raise ValueError("bad tag at %d" % pos)
        n = buf[pos + 1]
        pos += 2
        if n & 0x80:
            k = n & 0x7f
            if not 1 <= k <= 4 or pos + k > len(buf) or buf[pos] == 0:
                raise ValueError("bad length at %d" % pos)
            n = int.from_bytes(buf[pos:pos + k], "big")
            if n < 0x80:
                raise ValueError("long form for a short length")
            pos += k
        if pos + n > len(buf):
            raise ValueError("truncated element")
        out.append((tag, bytes(buf[pos:pos + n])))
        pos += n
    return out


def oid_text(b):
    arcs, v = [], 0
    for x in b:
        v = v << 7 | (x & 0x7f)
        if not x & 0x80:
            arcs.append(v)
            v = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])


def dice_tcb_info(value):
    top = tlvs(value)
    if len(top) != 1 or top[0][0] != 0x30:
        raise ValueError("not one SEQUENCE")
    names = {0x80: "vendor", 0x81: "model", 0x82: "version", 0x83: "svn",
             0x84: "layer", 0x85: "index", 0xa6: "fwids", 0x87: "flags"}
    fields, last = {}, -1
    for tag, v in tlvs(top[0][1]):
        if tag not in names or tag & 0x1f <= last:
            raise ValueError("field tag %#x unknown, repeated or out of "
                             "order" % tag)
        last = tag & 0x1f
        if tag <= 0x82:
            fields[names[tag]] = v.decode("utf-8")
        elif tag <= 0x85:
            if not v or v[0] & 0x80 or (len(v) > 1 and v[0] == 0 and
                                         not v[1] & 0x80):
                raise ValueError("%s: not a minimal non-negative INTEGER"
                                 % names[tag])
            fields[names[tag]] = int.from_bytes(v, "big")
        elif tag == 0xa6:
            fwids = []
            for t, fw in tlvs(v):
                parts = tlvs(fw)
                if t != 0x30 or [p[0] for p in parts] != [0x06, 0x04]:
                    raise ValueError("an FWID is not SEQUENCE {OID, OCTETS}")
                fwids.append((oid_text(parts[0][1]), parts[1][1]))
            fields["fwids"] = fwids
        else:
            fields["flags"] = v
    return fields


def ext(cert, oid):
    try:
        return cert.extensions.get_extension_for_oid(
            x509.ObjectIdentifier(oid))
    except x509.ExtensionNotFound:
        return None


def show(fields):
    return repr({k: [(o, d.hex()) for o, d in v] if k == "fwids" else v
                 for k, v in fields.items()})


def dice():
    certs = [x509.load_der_x509_certificate(c) for c in sign1[1][32]]
    roots = [c for c in certs if c.issuer == c.subject]
    leaves = [c for c in certs if c.issuer != c.subject and
              not any(o is not c and o.issuer == c.subject for o in certs)]
    if len(certs) != 3 or len(roots) != 1 or len(leaves) != 1:
        sys.exit("want root, platform and leaf in the x5bag: %d "
                 "certificates, %d self-issued, %d leaves" %
                 (len(certs), len(roots), len(leaves)))
    root, leaf = roots[0], leaves[0]
    plat = [c for c in certs if c is not root and c is not leaf][0]
    need(leaf.issuer == plat.subject and plat.issuer == root.subject,
         "the x5bag is not root -> platform -> leaf")
    want = {
        "platform": (plat, {"vendor": "Intel Corporation",
                            "model": "TDX module (tdx-ext simulator)",
                            "svn": TEE_TCB_SVN[0], "layer": 0,
                            "fwids": [(SHA384, MRSEAM)]}),
        "leaf": (leaf, {"vendor": "Intel Corporation",
                        "model": "TDX quoting (tdx-ext simulator)",
                        "layer": 1}),
    }
    for name, (cert, fields) in want.items():
        e = ext(cert, TCB_INFO)
        if e is None:
            bad.append("the %s certificate has no tcg-dice-TcbInfo" % name)
            continue
        need(e.critical, "the %s certificate's tcg-dice-TcbInfo is not "
             "critical" % name)
        try:
            got = dice_tcb_info(e.value.value)
        except (ValueError, IndexError, UnicodeDecodeError) as err:
            bad.append("the %s certificate's tcg-dice-TcbInfo: %s" %
                       (name, err))
            continue
        version = got.pop("version", None)
        if name == "platform":
            need(isinstance(version, str) and
                 re.fullmatch(r"\d+\.\d+\.\d+\.\d+", version),
                 "the platform's TcbInfo version is %r, not "
                 "major.minor.update.build" % version)
        else:
            need(version is None, "the leaf's TcbInfo has a version")
        need(got == fields, "the %s certificate's tcg-dice-TcbInfo is %s, "
             "want %s" % (name, show(got), show(fields)))
    e = ext(leaf, "2.5.29.37")
    need(e is not None and e.critical and
         [o.dotted_string for o in e.value] == [ATTEST_INIT],
         "the leaf's extendedKeyUsage is %s, want critical [%s]" %
         ("absent" if e is None else "%s %r" % (
             "critical" if e.critical else "not critical",
             [o.dotted_string for o in e.value]), ATTEST_INIT))
    need(ext(plat, "2.5.29.37") is None, "the platform CA has an "
         "extendedKeyUsage")
    need(ext(root, TCB_INFO) is None and ext(root, "2.5.29.37") is None,
         "the root carries a TcbInfo or an extendedKeyUsage")


try:
    tcb() if mode == "tcb" else dice()
except (KeyError, IndexError, TypeError, AttributeError, ValueError,
        cbor2.CBORDecodeError) as err:
    sys.exit("%s: %s: %s" % (mode, type(err).__name__, err))
if bad:
    sys.exit("; ".join(bad))
PY
}

# The TDREPORT against what the guest asked td_create and report for.
check_report() {	# report measurements reportdata_hex
	"$PY" - "$@" <<'PY'
import sys

rep = open(sys.argv[1], "rb").read()
meas = dict(l.split("=", 1) for l in open(sys.argv[2]).read().split())
rd = bytes.fromhex(open(sys.argv[3]).read().strip())
TD = 512  # TDINFO, ABI.md section 6
off = {"attributes": 0, "xfam": 8, "mrtd": 16, "mrconfigid": 64,
       "mrowner": 112, "mrownerconfig": 160, "rtmr0": 208, "rtmr1": 256,
       "rtmr2": 304, "rtmr3": 352, "servtd_hash": 400}
bad = []
if len(rep) != 1024:
    sys.exit("TDREPORT is %d bytes" % len(rep))
if sorted(meas) != sorted(off):
    bad.append("measurements.txt keys %s" % sorted(meas))
for k, v in sorted(meas.items()):
    b = bytes.fromhex(v)
    o = TD + off.get(k, 0)
    if k in off and rep[o:o + len(b)] != b:
        bad.append("%s at %d is %s, asked %s" % (k, o, rep[o:o + len(b)].hex(),
                                                 v))
if rep[128:192] != rd:
    bad.append("REPORTDATA is %s, asked %s" % (rep[128:192].hex(), rd.hex()))
if rep[0] != 0x81:
    bad.append("type byte %#x, not 0x81 (TDX)" % rep[0])
if bad:
    sys.exit("; ".join(bad))
PY
}

for q in $quotes; do
	d=$(dirname "$q")
	rel=${d#"$art"}
	rel=${rel#/}
	n=sim-quote/${rel:-.}
	missing=
	for f in report.bin root_cert.pem measurements.txt reportdata.hex; do
		[ -s "$d/$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		fail "$n/artifacts" "missing next to quote.cbor:$missing"
		continue
	fi
	w=$work/${rel:-top}
	mkdir -p "$w"

	if ! ncerts=$(extract_bag "$q" "$w" 2>&1); then
		fail "$n/chain" "cannot take the certificates from the quote: $(echo "$ncerts" | oneline)"
	else
		untrusted=()
		[ -s "$w/untrusted.pem" ] && untrusted=(-untrusted "$w/untrusted.pem")
		# -ignore_critical: the platform and leaf certificates carry
		# tcg-dice-TcbInfo marked critical, which OpenSSL does not know
		# and so, as RFC 5280 says, refuses.  Our verifier processes
		# that extension (docs/verifier.md steps 16-17); the dice check
		# below reads it here.
		if out=$(openssl verify -ignore_critical -CAfile "$d/root_cert.pem" \
				"${untrusted[@]}" "$w/leaf.pem" 2>&1); then
			pass "$n/chain"
		else
			fail "$n/chain" "openssl verify ($ncerts certificates in the x5bag): $(echo "$out" | oneline)"
		fi
	fi

	if out=$("$PY" "$CHECKER" "$q" - "$d/report.bin" --root "$d/root_cert.pem" 2>&1); then
		pass "$n/cose"
	else
		fail "$n/cose" "$(echo "$out" | oneline)"
	fi

	if out=$(check_report "$d/report.bin" "$d/measurements.txt" "$d/reportdata.hex" 2>&1); then
		pass "$n/report"
	else
		fail "$n/report" "$(echo "$out" | oneline)"
	fi

	for m in tcb dice; do
		if out=$(check_dice "$m" "$q" "$d/report.bin" 2>&1); then
			pass "$n/$m"
		else
			fail "$n/$m" "$(echo "$out" | oneline)"
		fi
	done
done
exit 0
