#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host benchmark of quote verification: tdxq_verify() per second on a
# freshly generated quote (x5bag leaf, intermediate, root) with the
# optimised build of tools/, next to `openssl speed ecdsap384` verify/s,
# and the ratio  verify/s x P-384 checks per verification / openssl
# verify/s  (1.0: nothing but the signature checks costs time).  Figures,
# no verdict.  BENCH_SECONDS (default 3) per measurement.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${BENCH_SECONDS:-3}
PY=${PY:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/tdx-bench-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! make -s -C "$top/tools" OUT="$work/build" "$work/build/libtdxquote.a" \
		>"$work/make.log" 2>&1; then
	cat "$work/make.log" >&2
	echo "bench/verify: building libtdxquote failed" >&2
	exit 2
fi
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-I "$top/tools/lib" -I "$top/include/uapi" -o "$work/bench_verify" \
	"$here/bench_verify.c" "$work/build/libtdxquote.a" \
	-lcbor -lcrypto -lpthread || exit 2
"$PY" "$top/tests/tools/gen_quotes.py" --one "$work/quote.cbor" \
	--root-out "$work/root.pem" || exit 2

out=$("$work/bench_verify" "$work/quote.cbor" "$work/root.pem" "$secs") ||
	exit 2
echo "$out" | sed 's/^/BENCH verify: /'
vps=$(echo "$out" | awk '$1 == "verify/s" { print $2 }')
checks=$(echo "$out" | awk '$1 == "checks" { print $2 }')
ossl=$(openssl speed -seconds "$secs" ecdsap384 2>/dev/null |
	awk '/nistp384/ { v = $NF } END { print v }')
echo "BENCH verify: openssl speed ecdsap384 verify/s ${ossl:-?}"
if [ -n "$ossl" ] && [ -n "$vps" ]; then
	awk -v v="$vps" -v c="$checks" -v o="$ossl" 'BEGIN {
		printf "BENCH verify: ratio %.2f (%.1f verify/s x %d checks / %.1f openssl verify/s)\n",
			v * c / o, v, c, o }'
fi
