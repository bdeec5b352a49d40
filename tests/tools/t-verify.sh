#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The quote verifier against docs/verifier.md, two ways:
#   - gen_quotes.py writes fresh test vectors (new keys every run) with
#     their expected outcome; `tdx-quote verify` (ASan/UBSan build) must
#     exit with exactly that status (tools/verify/c/NAME), and so must the
#     independent pyverify.py (tools/verify/py/NAME); the two must agree
#     (tools/verify/agree/NAME);
#   - test_bitflip: every single-bit flip of the protected header, payload,
#     signature and certificates of a valid quote is refused by
#     tdxq_verify(), and pyverify.py gives the same status on a sample
#     (x5bag [leaf, intermediate]: a root copy in the bag would add a
#     third of the time; vectors cover it);
#   - Intel's DCP DICE root (data/) loads as a root, has the documented
#     fingerprint, and does not vouch for a test quote.
# Run by tests/tools/run.sh (TOOLS_SAN, TOOLS_WORK, PY).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=tools
. "$here/../vm/lib.sh"
: "${TOOLS_SAN:?run me from tests/tools/run.sh}" "${TOOLS_WORK:?}"
PY=${PY:-/usr/bin/python3}
start=$(now)

W=$TOOLS_WORK/verify
V=$W/vectors
mkdir -p "$W/out" "$W/no-roots"
# no implicit roots: only --root counts (and usage_no_root finds none)
export TDX_QUOTE_ROOTS=$W/no-roots
tq=$TOOLS_SAN/tdx-quote

if ! "$PY" "$here/gen_quotes.py" "$V" 2>"$W/gen.err"; then
	res FAIL tools/verify/generate "$(tail -3 "$W/gen.err" | tr '\n' ' ')"
	exit 1
fi
res PASS tools/verify/generate
[ -x "$tq" ] || { res FAIL tools/verify/c "no $tq"; exit 1; }

# "name expect file args..." per vector, shell-quoted
"$PY" -c '
import json, shlex, sys
for e in json.load(open(sys.argv[1])):
    print(shlex.join([e["name"], str(e["expect"]), e["file"]] + e["args"]))
' "$V/manifest.json" >"$W/list" || { res FAIL tools/verify/manifest; exit 1; }
nvec=$(wc -l <"$W/list")

# ---- the C verifier ----------------------------------------------------
t0=$(now)
: >"$W/c.status"
while IFS= read -r line; do
	eval "set -- $line"
	name=$1 expect=$2 file=$3
	shift 3
	out=$W/out/$name.c
	(cd "$V" && exec "$tq" verify "$file" "$@") >"$out" 2>&1 </dev/null
	rc=$?
	echo "$name $rc" >>"$W/c.status"
	if [ "$rc" = "$expect" ]; then
		res PASS "tools/verify/c/$name"
	elif [ "$rc" = 109 ]; then
		res FAIL "tools/verify/c/$name" "sanitizer: $(grep -m1 -E \
			'ERROR|runtime error' "$out")"
	elif [ "$rc" -gt 128 ]; then
		res FAIL "tools/verify/c/$name" "killed by signal $((rc - 128))"
	else
		res FAIL "tools/verify/c/$name" "exit $rc, expected $expect: \
$(tail -1 "$out" | cut -c1-160)"
	fi
done <"$W/list"
log "tdx-quote: $nvec vectors in $(elapsed "$t0") s"

# ---- the Python verifier and agreement -----------------------------------
t0=$(now)
if ! "$PY" "$here/pyverify.py" --batch "$V/manifest.json" >"$W/py.status" \
		2>"$W/py.err"; then
	res FAIL tools/verify/py "pyverify.py --batch: $(tail -1 "$W/py.err")"
fi
log "pyverify: $nvec vectors in $(elapsed "$t0") s"
while IFS= read -r line; do
	eval "set -- $line"
	name=$1 expect=$2
	py=$(awk -v n="$name" '$1 == n { print $2; exit }' "$W/py.status")
	why=$(awk -v n="$name" '$1 == n { $1 = $2 = ""; print; exit }' \
		"$W/py.status" | cut -c3-160)
	c=$(awk -v n="$name" '$1 == n { print $2; exit }' "$W/c.status")
	if [ "$py" = "$expect" ]; then
		res PASS "tools/verify/py/$name"
	else
		res FAIL "tools/verify/py/$name" "status ${py:-none}, expected \
$expect: $why"
	fi
	if [ -n "$py" ] && [ "$py" = "$c" ]; then
		res PASS "tools/verify/agree/$name"
	else
		res FAIL "tools/verify/agree/$name" "tdx-quote $c, pyverify \
${py:-none} ($why)"
	fi
done <"$W/list"

# ---- the same vectors in batches ----------------------------------------
# `tdx-quote verify --batch` of every vector sharing the same arguments
# (most share --root roots/root.pem: valid quotes, then tampered ones with
# the same chain), one invocation per set of arguments: each quote's
# status must be the one its single verification gave (tools/verify/c).
# A set whose arguments are refused (a usage error) prints no line: its
# vectors get the invocation's status.
t0=$(now)
"$PY" - "$V/manifest.json" "$tq" "$V" >"$W/batch.status" 2>"$W/batch.err" <<'PYEOF'
import collections, json, subprocess, sys
man, tq, vdir = sys.argv[1:]
groups = collections.OrderedDict()
for e in json.load(open(man)):
    groups.setdefault(tuple(e['args']), []).append(e)
for args, ents in groups.items():
    lst = ''.join(e['file'] + '\n' for e in ents)
    p = subprocess.run([tq, 'verify', '--batch', '-', '--json'] + list(args),
                       cwd=vdir, input=lst.encode(), capture_output=True)
    got = {}
    for line in p.stdout.decode('utf-8').splitlines():
        o = json.loads(line)
        if 'file' in o:
            got.setdefault(o['file'], []).append(o['exit'])
    for e in ents:
        st = got[e['file']].pop(0) if got.get(e['file']) else p.returncode
        print(e['name'], st)
PYEOF
[ $? = 0 ] || res FAIL tools/verify/batch "$(tail -1 "$W/batch.err")"
log "tdx-quote --batch: $nvec vectors in $(elapsed "$t0") s"
while IFS= read -r line; do
	eval "set -- $line"
	name=$1
	b=$(awk -v n="$name" '$1 == n { print $2; exit }' "$W/batch.status")
	c=$(awk -v n="$name" '$1 == n { print $2; exit }' "$W/c.status")
	if [ -n "$b" ] && [ "$b" = "$c" ]; then
		res PASS "tools/verify/batch/$name"
	else
		res FAIL "tools/verify/batch/$name" "batch ${b:-none}, single $c"
	fi
done <"$W/list"

# The cache never lets a quote pass that a single verification refuses:
# after a valid quote (its chain cached), the same quote with its leaf or
# its intermediate certificate changed (one byte of the signature) is
# untrusted; quotes of two roots, both pinned, verify; with one of them
# pinned, the other's quote is untrusted.
C=$W/cache
mkdir -p "$C"
if "$PY" - "$V/valid.cbor" "$C" <<'PYEOF'
import sys, cbor2
src, out = sys.argv[1:]
q = cbor2.loads(open(src, 'rb').read())
for i, name in ((0, 'leaf'), (1, 'inter')):
    t = cbor2.loads(open(src, 'rb').read())
    cose = t.value.value
    certs = list(cose[1][32])
    c = bytearray(certs[i])
    c[-5] ^= 0x01
    certs[i] = bytes(c)
    cose[1][32] = certs
    open('%s/tampered_%s.cbor' % (out, name), 'wb').write(cbor2.dumps(t))
PYEOF
then
	other=root_bad_self_signature
	"$tq" verify "$V/valid.cbor" "$C/tampered_leaf.cbor" "$V/valid.cbor" \
		"$C/tampered_inter.cbor" "$V/valid.cbor" \
		--root "$V/roots/root.pem" >"$C/tampered.out" 2>&1
	rc=$?
	sts=$(sed 's/^.*\.cbor: \([a-z]*\).*/\1/' "$C/tampered.out" | tr '\n' ' ')
	if [ $rc = 3 ] && [ "$sts" = "ok untrusted ok untrusted ok " ]; then
		res PASS tools/verify/batch-cache-tampered
	else
		res FAIL tools/verify/batch-cache-tampered "exit $rc: $sts"
	fi
	"$tq" verify "$V/valid.cbor" "$V/$other.cbor" "$V/valid.cbor" \
		"$V/$other.cbor" --root "$V/roots/root.pem" \
		--root "$V/roots/root_$other.pem" >"$C/roots2.out" 2>&1
	rc2=$?
	"$tq" verify "$V/$other.cbor" "$V/valid.cbor" "$V/$other.cbor" \
		--root "$V/roots/root.pem" >"$C/roots1.out" 2>&1
	rc1=$?
	s2=$(sed 's/^.*\.cbor: \([a-z]*\).*/\1/' "$C/roots2.out" | tr '\n' ' ')
	s1=$(sed 's/^.*\.cbor: \([a-z]*\).*/\1/' "$C/roots1.out" | tr '\n' ' ')
	if [ $rc2 = 0 ] && [ "$s2" = "ok ok ok ok " ] && [ $rc1 = 3 ] &&
	   [ "$s1" = "untrusted ok untrusted " ]; then
		res PASS tools/verify/batch-cache-roots
	else
		res FAIL tools/verify/batch-cache-roots "two roots: exit $rc2: $s2; one: exit $rc1: $s1"
	fi
else
	res FAIL tools/verify/batch-cache-tampered "could not make the tampered quotes"
fi

# The cache in the library: times outside the chain's validity, other
# roots, roots added, a changed signature or payload of a cached chain
# (tests/tools/test_cache.c, ASan/UBSan): each status as without a cache.
if gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-I "$TDX_TOP/tools/lib" -I "$TDX_TOP/include/uapi" \
		-o "$C/test_cache" "$here/test_cache.c" \
		"$TOOLS_SAN/libtdxquote.a" -lcbor -lcrypto -lpthread \
		>"$C/cc.log" 2>&1; then
	"$C/test_cache" "$V/valid.cbor" "$V/roots/root.pem" \
		"$V/roots/other.pem" >"$C/test_cache.out" 2>&1
	rc=$?
	n=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) res PASS "tools/verify/${line#ok }"; n=$((n + 1)) ;;
		"not ok "*)
			line=${line#not ok }
			res FAIL "tools/verify/${line%% # *}" "${line#* # }"
			n=$((n + 1))
			;;
		esac
	done <"$C/test_cache.out"
	[ $n -gt 0 ] && { [ $rc = 0 ] || grep -q '^not ok' "$C/test_cache.out"; } ||
		res FAIL tools/verify/cache "exit $rc: $(tail -2 "$C/test_cache.out" | tr '\n' ' ')"
else
	res FAIL tools/verify/cache "build: $(head -3 "$C/cc.log" | tr '\n' ' ')"
fi

# ---- every single-bit flip -------------------------------------------------
B=$W/bitflip
mkdir -p "$B"
if ! gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-I "$TDX_TOP/tools/lib" -I "$TDX_TOP/include/uapi" \
		-o "$B/test_bitflip" "$here/test_bitflip.c" \
		"$TOOLS_SAN/libtdxquote.a" -lcbor -lcrypto -lpthread \
		>"$B/cc.log" 2>&1; then
	res FAIL tools/verify/bitflip "build: $(head -3 "$B/cc.log" | tr '\n' ' ')"
elif ! "$PY" "$here/gen_quotes.py" --one "$B/quote.cbor" \
		--root-out "$B/root.pem" --report-out "$B/report.bin" \
		--no-root; then
	res FAIL tools/verify/bitflip "gen_quotes.py --one failed"
else
	t0=$(now)
	"$B/test_bitflip" "$B/quote.cbor" "$B/root.pem" "$B/flips.txt" \
		"$(nproc)" >"$B/out" 2>&1
	rc=$?
	cat "$B/out" >&2
	log "bitflip: $(elapsed "$t0") s"
	if [ $rc = 0 ]; then
		res PASS tools/verify/bitflip
	else
		res FAIL tools/verify/bitflip "exit $rc: $(grep -m3 -E \
			'ACCEPTED|ERROR|runtime error|failed|not' "$B/out" |
			tr '\n' ' ')"
	fi
	if [ -s "$B/flips.txt" ]; then
		t0=$(now)
		"$PY" "$here/pyverify.py" --flips "$B/flips.txt" \
			"$B/quote.cbor" --root "$B/root.pem" >"$B/py.out" 2>&1
		rc=$?
		log "pyverify --flips: $(tail -1 "$B/py.out") in $(elapsed "$t0") s"
		if [ $rc = 0 ]; then
			res PASS tools/verify/bitflip-agree
		else
			res FAIL tools/verify/bitflip-agree "$(grep -m3 -E \
				'MISMATCH|original|Error' "$B/py.out" | tr '\n' ' ')"
		fi
	else
		res FAIL tools/verify/bitflip-agree "no sampled flips"
	fi
fi

# ---- Intel's root ------------------------------------------------------------
intel=$TDX_TOP/data/dcp-dice-global-root-ca.pem
fp=$(openssl x509 -in "$intel" -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ "$fp" = 8031cd5e07d49be7f308900ef1775145cde8d264d385450038f2e82904d5c907 ]
then
	res PASS tools/verify/intel-root-fingerprint
else
	res FAIL tools/verify/intel-root-fingerprint "sha256 of the DER is ${fp:-?}"
fi
"$tq" verify "$V/valid.cbor" --root "$intel" >"$W/intel.c" 2>&1
rc=$?
if [ $rc = 3 ]; then
	res PASS tools/verify/intel-root-c
else
	res FAIL tools/verify/intel-root-c "exit $rc, expected 3 (untrusted): \
$(tail -1 "$W/intel.c")"
fi
"$PY" "$here/pyverify.py" "$V/valid.cbor" --root "$intel" >"$W/intel.py" 2>&1
rc=$?
if [ $rc = 3 ]; then
	res PASS tools/verify/intel-root-py
else
	res FAIL tools/verify/intel-root-py "exit $rc, expected 3: \
$(tail -1 "$W/intel.py")"
fi

# ---- nothing from an unverified quote reaches a terminal raw ---------------
# iss, sub, the content type, a certificate name and TCB-info strings full
# of ESC sequences, CR, BEL, BS, DEL, a C1 CSI and NULs: dump (text and
# JSON) and verify must print the escaped text and none of those bytes.
E=$W/escape
mkdir -p "$E"
if "$PY" "$here/mk_escape_quote.py" "$E/q.cbor" "$E/root.pem" 2>"$E/gen.err"
then
	"$tq" dump "$E/q.cbor" >"$E/dump.txt" 2>&1
	rc_d=$?
	"$tq" dump --json "$E/q.cbor" >"$E/dump.json" 2>&1
	rc_j=$?
	"$tq" verify "$E/q.cbor" --root "$E/root.pem" --json >"$E/verify.json" 2>&1
	rc_v=$?
	"$tq" verify "$E/q.cbor" --root "$E/root.pem" >"$E/verify.txt" 2>&1
	rc_t=$?
	"$tq" verify "$E/q.cbor" --root "$E/root.pem" --mrtd 00 >"$E/verify-5.txt" 2>&1
	rc_f=$?
	raw=$("$PY" - "$E"/dump.txt "$E"/dump.json "$E"/verify.json \
		"$E"/verify.txt "$E"/verify-5.txt <<'PYEOF'
import sys
bad = []
for f in sys.argv[1:]:
    n = f.rsplit('/', 1)[1]
    try:
        t = open(f, 'rb').read().decode('utf-8')
    except UnicodeDecodeError as e:
        bad.append('%s is not UTF-8 (%s)' % (n, e))
        continue
    ctl = sorted({'U+%04X' % ord(c) for c in t
                  if (ord(c) < 0x20 and c not in '\n\t')
                  or 0x7f <= ord(c) <= 0x9f})
    if ctl:
        bad.append('%s has raw %s' % (n, ' '.join(ctl)))
print('; '.join(bad))
PYEOF
)
	want='iss\x1b[31mRED\x1b[0m\x1b]0;pwned\x07\x0d\x08\x7f\xc2\x9b2J\x00after-nul'
	if [ $rc_d = 0 ] && [ $rc_j = 0 ] && [ $rc_v = 0 ] && [ $rc_t = 0 ] &&
	   [ $rc_f = 5 ] &&
	   [ -z "$raw" ] && grep -qF -- "$want" "$E/dump.txt" &&
	   grep -qF 'model\x1b[31m' "$E/dump.txt" &&
	   grep -qF 'ct\x1b[31m' "$E/dump.txt" &&
	   grep -qF '\u001b[31mRED' "$E/dump.json" &&
	   "$PY" -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' \
		"$E/dump.json" "$E/verify.json" 2>/dev/null; then
		res PASS tools/verify/dump-escapes
	else
		res FAIL tools/verify/dump-escapes "exit dump $rc_d json $rc_j verify $rc_v/$rc_t/$rc_f; raw: ${raw:-none}; see $E"
	fi
else
	res FAIL tools/verify/dump-escapes "mk_escape_quote.py: $(tail -1 "$E/gen.err")"
fi

log "t-verify: $nvec vectors, $npass passed, $nfail failed in $(elapsed "$start") s"
exit 0
