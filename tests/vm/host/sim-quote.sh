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
#   sim-quote/DIR/chain   openssl verify: the x5bag's leaf certificate
#                         chains to the pinned root through the others
#   sim-quote/DIR/cose    check_quote_doc.py QUOTE - REPORT --root ROOT:
#                         deterministic CBOR, the ES384 signature by the
#                         leaf's key, the path through the bag to the root,
#                         claims and REPORTDATA equal to the TDREPORT
#   sim-quote/DIR/report  the TDREPORT holds the guest's measurements at the
#                         ABI.md section 6 offsets and its REPORTDATA
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
		if out=$(openssl verify -CAfile "$d/root_cert.pem" "${untrusted[@]}" \
				"$w/leaf.pem" 2>&1); then
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
done
exit 0
