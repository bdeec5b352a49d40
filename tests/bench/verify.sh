#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host benchmark of quote verification (tests/bench/bench_verify.c):
# tdxq_verify() and batched tdxq_verify_cached() of a freshly generated
# quote (x5bag leaf, intermediate; the root pinned), each against one
# OpenSSL P-384 verify measured in the same process, BENCH_REPS (default
# 7) times.  Prints "BENCH raw verify_cost_ratio ..." and "BENCH raw
# verify_batch_cost_ratio ..." lines, one per repetition, for
# tests/bench/summary.py; "BENCH na NAME why" when it cannot measure.
# Optimised build, no sanitizers.  Figures, no verdict.  Then the same in
# the Debian 13 root, as verify_cost_ratio_deb13 and
# verify_batch_cost_ratio_deb13 (Debian 13's OpenSSL 3.5 against this
# host's 3.0).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
reps=${BENCH_REPS:-7}
secs=${BENCH_SECONDS:-1.5}
PY=${PY:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/tdx-bench-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT

na() {
	echo "BENCH na verify_cost_ratio $1"
	echo "BENCH na verify_batch_cost_ratio $1"
	exit 2
}
make -s -C "$top/tools" OUT="$work/build" "$work/build/libtdxquote.a" \
	>"$work/make.log" 2>&1 || na "building libtdxquote failed"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-I "$top/tools/lib" -I "$top/include/uapi" -o "$work/bench_verify" \
	"$here/bench_verify.c" "$work/build/libtdxquote.a" \
	-lcbor -lcrypto -lpthread >"$work/cc.log" 2>&1 ||
	na "building bench_verify failed"
"$PY" "$top/tests/tools/gen_quotes.py" --one "$work/quote.cbor" \
	--root-out "$work/root.pem" --no-root >"$work/gen.log" 2>&1 ||
	na "gen_quotes.py --one failed"
"$work/bench_verify" "$work/quote.cbor" "$work/root.pem" "$reps" "$secs" ||
	na "bench_verify failed"

# The same source, quote and root built and run in the Debian 13 root
# (tests/vm/debroot.sh), with Debian 13's OpenSSL (3.5): what a Debian 13
# host pays.  The figures carry a _deb13 suffix.
root=${TDX_CACHE:-/var/cache/tdx-ext}/root-trixie
na13() {
	echo "BENCH na verify_cost_ratio_deb13 $1"
	echo "BENCH na verify_batch_cost_ratio_deb13 $1"
	exit 0
}
[ -x "$root/usr/bin/gcc" ] && [ -e "$root/usr/include/cbor.h" ] ||
	na13 "no Debian 13 root with gcc and libcbor-dev at $root (tests/vm/setup.sh makes it)"
r13=$(mktemp -d "$root/tmp/tdx-bench-verify.XXXXXX") || na13 "mktemp in $root failed"
trap 'rm -rf "$work" "$r13"' EXIT
mkdir -p "$r13/src" &&
	cp -r "$top/tools" "$top/include" "$r13/src/" &&
	rm -rf "$r13/src/tools/build" &&
	cp "$here/bench_verify.c" "$work/quote.cbor" "$work/root.pem" "$r13/" ||
	na13 "copying into $root failed"
in13=${r13#"$root"}
chroot "$root" sh -c "cd $in13 && make -s -C src/tools OUT=$in13/build $in13/build/libtdxquote.a &&
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I src/tools/lib \
		-I src/include/uapi -o bench_verify bench_verify.c \
		build/libtdxquote.a -lcbor -lcrypto -lpthread" >"$work/deb13.log" 2>&1 ||
	na13 "building in the Debian 13 root failed: $(tail -1 "$work/deb13.log")"
echo "# verify: Debian 13 root, $(chroot "$root" openssl version 2>/dev/null)"
chroot "$root" "$in13/bench_verify" "$in13/quote.cbor" "$in13/root.pem" \
	"$reps" "$secs" | sed 's/^BENCH raw \(verify_[a-z_]*ratio\) /BENCH raw \1_deb13 /'
[ "${PIPESTATUS[0]}" = 0 ] || na13 "bench_verify failed in the Debian 13 root"
