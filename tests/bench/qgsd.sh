#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host benchmark of tdx-qgsd's own cost, natively (no emulator): the
# optimised daemon against a stand-in device with a fixed service time
# (tests/tools/test_qgs.c built as the LD_PRELOAD shim of t-qgs.sh; its
# GET_QUOTE sleeps BENCH_QGSD_MS, default 2 ms, then returns a fixed
# quote), against a direct call of the same stand-in (qgs_client direct:
# GET_INFO + GET_QUOTE, as the daemon's worker does).  One client,
# BENCH_QGSD_REQUESTS (default 300) round trips each way per repetition,
# BENCH_REPS (default 7) repetitions, each printing
#
#   BENCH raw qgsd_latency_ratio R direct_p50_us=.. daemon_p50_us=..
#
# R = the daemon's median round trip / the direct call's median.  Figures,
# no verdict; tests/bench/summary.py takes the median of the repetitions.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
reps=${BENCH_REPS:-7}
n=${BENCH_QGSD_REQUESTS:-300}
ms=${BENCH_QGSD_MS:-2}
W=$(mktemp -d "${TMPDIR:-/tmp}/tdx-bench-qgsd.XXXXXX")
DPID=
cleanup() {
	[ -z "$DPID" ] || { kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }
	rm -rf "$W"
}
trap cleanup EXIT
na() { echo "BENCH na qgsd_latency_ratio $1"; exit 2; }

make -s -C "$top/tools" OUT="$W/build" "$W/build/tdx-qgsd" >"$W/make.log" 2>&1 ||
	na "building tdx-qgsd failed"
CF="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I$top/include/uapi"
# shellcheck disable=SC2086
gcc $CF -o "$W/qgs_client" "$top/tests/vm/progs/qgs_client.c" 2>"$W/cc.log" &&
	gcc $CF -DQGS_FAKE_DEVICE -shared -fPIC -o "$W/fakedev.so" \
		"$top/tests/tools/test_qgs.c" 2>>"$W/cc.log" ||
	na "building the client or the stand-in device failed"
{ printf '\201\000'; head -c 1022 /dev/zero | tr '\000' 'r'; } >"$W/report"
S=$W/qgs.sock
: >"$W/none.conf"
LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_MS=$ms "$W/build/tdx-qgsd" --foreground \
	--config "$W/none.conf" --socket "$S" --vsock-port none \
	--device /dev/null >"$W/qgsd.log" 2>&1 &
DPID=$!
for _ in $(seq 200); do
	grep -q 'tdx-qgsd ready' "$W/qgsd.log" && break
	sleep 0.05
done
grep -q 'tdx-qgsd ready' "$W/qgsd.log" || na "tdx-qgsd not ready: $(tail -1 "$W/qgsd.log")"

p50() { echo "$1" | tr ' ' '\n' | sed -n 's/^p50_us=//p' | head -1; }
direct() {
	LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_MS=$ms "$W/qgs_client" direct \
		--device /dev/null --clients 1 --requests "$1" --report "$W/report" |
		grep '^# direct '
}
daemon() {
	"$W/qgs_client" --unix "$S" concurrent --clients 1 --requests "$1" \
		--report "$W/report" --name daemon | grep '^# daemon '
}
direct 20 >/dev/null && daemon 20 >/dev/null || na "warm-up failed"
for _ in $(seq "$reps"); do
	d=$(p50 "$(direct "$n")")
	q=$(p50 "$(daemon "$n")")
	[ -n "$d" ] && [ -n "$q" ] || na "a run failed"
	awk -v q="$q" -v d="$d" 'BEGIN { printf "BENCH raw qgsd_latency_ratio %.4f direct_p50_us=%d daemon_p50_us=%d\n", q / d, d, q }'
done
