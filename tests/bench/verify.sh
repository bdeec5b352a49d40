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
# Optimised build, no sanitizers.  Figures, no verdict.
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
