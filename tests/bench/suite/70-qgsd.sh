# SPDX-License-Identifier: GPL-2.0
# Benchmark: a quote through tdx-qgsd (UNIX socket, one connection per
# request, GET_QUOTE_REQ framing) against the same quote by a direct ioctl
# (GET_INFO + GET_QUOTE, as the daemon's worker does), with 1 and 16
# clients.  Printed as "# BENCH qgsd ..." lines: per-request latency and
# throughput of both, and their ratios (daemon / direct; latency above 1
# and throughput below 1 are the daemon's cost).
. /tests/lib.sh

A=/tmp/bench-qgsd
SOCK=/run/tdx-qgs/qgs.socket
LOG=/tmp/bench-qgsd.log
N1=40		# requests per client with 1 client
N16=10		# ... with 16
mkdir -p "$A"
bench() { echo "# BENCH $*" >"$TDX_RESULT"; echo "[bench] $*"; }

# field NAME LINE: the value of NAME=... in a qgs_client figure line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# run_one MODE CLIENTS REQUESTS: the figure line of qgs_client
run_one() {
	local out
	if [ "$1" = direct ]; then
		out=$(qgs_client direct --clients "$2" --requests "$3" --report "$A/td/report.bin")
	else
		out=$(qgs_client --unix "$SOCK" concurrent --clients "$2" \
			--requests "$3" --report "$A/td/report.bin" --name daemon)
	fi
	echo "$out" | grep -q '^ok ' || { t_fail "bench-$1-$2" "$(echo "$out" | head -2 | tr '\n' ' ')"; return 1; }
	echo "$out" | grep '^# ' | head -1
}

insmod "$MODDIR/tdx_ext_sim.ko" seed=7171 td_wildcard=1 || { t_fail bench-qgsd-load "insmod sim"; exit 0; }
insmod "$MODDIR/tdx_ext.ko" backend=sim || { t_fail bench-qgsd-load "insmod tdx_ext"; rmmod tdx_ext_sim; exit 0; }
sim_td bench-td 71 "$A/td" >/dev/null &&
	sim_report bench-report "$TD_ID" "$(reportdata_hex 71)" "$A/td/report.bin" >/dev/null
tdx-qgsd --foreground --config /dev/null --vsock-port none >"$LOG" 2>&1 &
DPID=$!
i=0
until grep -q 'tdx-qgsd ready' "$LOG"; do
	i=$((i + 1))
	[ $i -lt 300 ] || { t_fail bench-qgsd-start "$(tail -2 "$LOG")"; break; }
	sleep 0.1
done

# A warm-up request each way, then the measurements.
run_one direct 1 2 >/dev/null
run_one daemon 1 2 >/dev/null
for c in 1 16; do
	n=$N1
	[ $c = 1 ] || n=$N16
	d=$(run_one direct $c $n) || continue
	q=$(run_one daemon $c $n) || continue
	bench "qgsd clients=$c requests=$((c * n)) direct_avg_us=$(field avg_us "$d") daemon_avg_us=$(field avg_us "$q") latency_ratio=$(awk -v a="$(field avg_us "$q")" -v b="$(field avg_us "$d")" 'BEGIN { printf "%.2f", a / b }') direct_per_s=$(field per_s "$d") daemon_per_s=$(field per_s "$q") throughput_ratio=$(awk -v a="$(field per_s "$q")" -v b="$(field per_s "$d")" 'BEGIN { printf "%.2f", a / b }')"
done
kill "$DPID"
wait "$DPID"
rmmod tdx_ext
rmmod tdx_ext_sim
t_ok bench-qgsd-complete
